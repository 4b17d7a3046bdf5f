//! Extraction quality against human labels in `../shared` (PLOVER gold
//! sentences, Reuters-21578) and the article gold over `../shared`'s corpora:
//! the floors and figures EVALUATION.md reports must hold.
//! Opt-in: `cargo test --release --test extraction_quality -- --ignored --nocapture`.

use std::ffi::OsStr;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

/// The number at a JSON pointer of an eval report.
fn number_at(report: &Value, pointer: &str) -> f64 {
    report
        .pointer(pointer)
        .and_then(Value::as_f64)
        .unwrap_or_else(|| panic!("no number at {pointer} in the eval report"))
}

/// `newsdex eval --json ARGS…` with a clean environment, as JSON.
fn eval_report<I: IntoIterator<Item = S>, S: AsRef<OsStr>>(args: I) -> Value {
    let output = Command::cargo_bin("newsdex")
        .unwrap()
        .env_clear()
        .args(["eval", "--json"])
        .args(args)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
#[ignore = "uses ../shared; run in release with --ignored"]
fn extraction_meets_its_floors() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    let plover = shared.join("gold/plover_gsr_cameo_v08.jsonl");
    let reuters = shared.join("corpora/reuters21578/xml");
    if !plover.is_file() || !reuters.is_dir() {
        eprintln!("skipping: {} or {} is absent", plover.display(), reuters.display());
        return;
    }
    let report = eval_report([
        OsStr::new("--plover"),
        plover.as_os_str(),
        OsStr::new("--reuters"),
        reuters.as_os_str(),
    ]);
    let number = |pointer: &str| number_at(&report, pointer);
    let top1 = number("/plover/top1_accuracy");
    let macro_f1 = number("/plover/macro_f1");
    let source = number("/plover/source_country/f1");
    let target = number("/plover/target_country/f1");
    let (precision, recall) = (number("/reuters/country/precision"), number("/reuters/country/recall"));
    eprintln!(
        "PLOVER top-1 {top1:.3}, macro F1 {macro_f1:.3}, source country F1 {source:.3}, target country F1 {target:.3}; \
         Reuters country P {precision:.3} R {recall:.3}"
    );
    assert!(top1 >= 0.65, "top-1 accuracy {top1:.3} < 0.65");
    assert!(macro_f1 >= 0.60, "macro F1 {macro_f1:.3} < 0.60");
    assert!(
        precision >= 0.85 && recall >= 0.85,
        "Reuters country P {precision:.3} R {recall:.3}"
    );
    assert!(source >= 0.85, "source country F1 {source:.3} < 0.85");
    assert!(target >= 0.85, "target country F1 {target:.3} < 0.85");
}

/// The article gold: the floors of issue 15 are not met yet, so this holds
/// the figures EVALUATION.md reports from falling back (all 216 articles).
#[test]
#[ignore = "uses ../shared; run in release with --ignored"]
fn article_facets_hold_their_figures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shared = root.join("../shared");
    if !shared.join("corpora").is_dir() {
        eprintln!("skipping: {} is absent", shared.join("corpora").display());
        return;
    }
    let gold = root.join("tests/data/gold/articles.jsonl");
    let report = eval_report([
        OsStr::new("--articles"),
        gold.as_os_str(),
        OsStr::new("--shared"),
        shared.as_os_str(),
    ]);
    let number = |pointer: &str| number_at(&report, pointer);
    assert_eq!(
        number("/articles/skipped"),
        0.0,
        "every gold article is found in ../shared"
    );
    let events = (
        number("/articles/all/events/precision"),
        number("/articles/all/events/f1"),
    );
    let groups = number("/articles/all/groups/recall");
    let median = number("/articles/all/median_types_tagged");
    eprintln!(
        "article gold: events P {:.3} F1 {:.3}, groups R {groups:.3}, median types {median}",
        events.0, events.1
    );
    assert!(events.0 >= 0.44 && events.1 >= 0.44, "events P/F1 {events:?}");
    assert!(groups >= 0.80, "threat-group recall {groups:.3}");
    assert!(median <= 3.0, "median event types per article {median}");
}
