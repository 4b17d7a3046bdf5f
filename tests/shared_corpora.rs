//! Opt-in test over the real corpora in `../shared/corpora` (AllSides and
//! Reuters-21578). Slow: run it in release with
//! `cargo test --release --test shared_corpora -- --ignored`.
//! When the folder is absent the test prints a skip message and passes.

use std::path::PathBuf;

use tempfile::TempDir;

mod common;

#[test]
#[ignore = "slow: indexes ~59k real articles; run in release with --ignored"]
fn index_allsides_and_reuters() {
    let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora");
    let allsides = shared.join("allsides");
    let reuters = shared.join("reuters21578/json");
    if !allsides.is_dir() || !reuters.is_dir() {
        eprintln!(
            "skipping: {} (allsides/ and reuters21578/json/) is not present",
            shared.display()
        );
        return;
    }
    let tmp = TempDir::new().expect("temp dir");
    let index = tmp.path().join("index");

    let r = common::ok(
        common::newsdex(&index)
            .args(["index", "--quiet"])
            .arg(&allsides)
            .arg(&reuters),
    );
    let counts = common::summary(&r.stderr);
    eprintln!("{counts:?}");
    let (read, indexed, duplicates, rejected) = (
        counts["read"],
        counts["indexed"],
        counts["duplicates"],
        counts["rejected"],
    );
    assert_eq!(read, 37_554 + 21_578, "{counts:?}");
    assert_eq!(read, indexed + duplicates + rejected, "{counts:?}");
    assert_eq!(rejected, 2_535, "the Reuters articles with no body: {counts:?}");

    let stats = common::stats(&index);
    assert_eq!(stats["articles"].as_u64(), Some(indexed), "{stats}");

    exports_stay_flat_in_memory(&index, tmp.path(), indexed);
    timeline_matches_search(&index);
    stories_meet_the_labelled_pairs(&tmp.path().join("all.jsonl"));
}

/// Precision and recall of "same story" over the pairs of
/// `bench/stories/labels.tsv`, from the export of every article: the
/// issue's floors are 0.95 and 0.80.
fn stories_meet_the_labelled_pairs(export: &std::path::Path) {
    let mut story = std::collections::HashMap::new();
    for line in std::fs::read_to_string(export).unwrap().lines().skip(1) {
        let hit: serde_json::Value = serde_json::from_str(line).unwrap();
        story.insert(
            hit["id"].as_str().unwrap().to_string(),
            hit["story"]["id"].as_str().unwrap().to_string(),
        );
    }
    let labels =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("bench/stories/labels.tsv")).unwrap();
    let (mut tp, mut fp, mut fnn) = (0u32, 0u32, 0u32);
    for line in labels.lines().skip(1) {
        let cells: Vec<&str> = line.split('\t').collect();
        let (a, b, same) = (cells[0], cells[1], cells[2] == "1");
        let found = story[a] == story[b];
        match (found, same) {
            (true, true) => tp += 1,
            (true, false) => fp += 1,
            (false, true) => fnn += 1,
            _ => {}
        }
    }
    let precision = f64::from(tp) / f64::from(tp + fp);
    let recall = f64::from(tp) / f64::from(tp + fnn);
    eprintln!("stories: precision {precision:.3}, recall {recall:.3} ({tp} TP, {fp} FP, {fnn} FN)");
    assert!(
        precision >= 0.95 && recall >= 0.80,
        "precision {precision:.3}, recall {recall:.3}"
    );
}

/// The peak anonymous memory (heap, not the mapped index) of a run, in kB,
/// read from /proc while it runs; its exit status must be 0.
fn peak_anonymous_kb(cmd: &mut std::process::Command) -> u64 {
    let mut child = cmd
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("newsdex runs");
    let status = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    loop {
        if let Ok(text) = std::fs::read_to_string(&status) {
            let anonymous = text
                .lines()
                .find_map(|l| l.strip_prefix("RssAnon:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok());
            peak = peak.max(anonymous.unwrap_or(0));
        }
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let output = child.wait_with_output().expect("newsdex ends");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    peak
}

/// Exporting every article takes about the memory of exporting a few.
fn exports_stay_flat_in_memory(index: &std::path::Path, dir: &std::path::Path, articles: u64) {
    if !std::path::Path::new("/proc/self/status").exists() {
        eprintln!("skipping the export memory check: no /proc");
        return;
    }
    for format in ["jsonl", "parquet"] {
        let few = dir.join(format!("few.{format}"));
        let all = dir.join(format!("all.{format}"));
        let small = peak_anonymous_kb(
            common::newsdex(index)
                .args(["search", "electoral commission", "--export"])
                .arg(&few),
        );
        let everything = peak_anonymous_kb(common::newsdex(index).args(["search", "*", "--export"]).arg(&all));
        eprintln!(
            "export {format}: peak anonymous memory {small} kB for a few articles, {everything} kB for all {articles}"
        );
        assert!(
            everything < small + 96 * 1024,
            "{format}: exporting all took {everything} kB against {small} kB for a few"
        );
        if format == "jsonl" {
            let lines = std::io::BufRead::lines(std::io::BufReader::new(std::fs::File::open(&all).unwrap())).count();
            assert_eq!(lines as u64, articles + 1, "every article and the stamp");
        }
    }
}

fn timeline_matches_search(index: &std::path::Path) {
    let r = common::ok(common::newsdex(index).args(["timeline", "sanctions", "--by", "year", "--json"]));
    let timeline: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let mut checked = 0;
    for period in timeline["periods"].as_array().unwrap() {
        let count = period["counts"][0].as_u64().unwrap();
        if count == 0 {
            continue;
        }
        let year = period["label"].as_str().unwrap();
        let r = common::ok(common::newsdex(index).args([
            "search",
            "sanctions",
            "--from",
            &format!("{year}-01-01"),
            "--to",
            &format!("{year}-12-31"),
            "-n",
            "0",
            "--json",
        ]));
        let search: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        assert_eq!(search["total"].as_u64(), Some(count), "sanctions in {year}");
        checked += 1;
    }
    assert!(checked >= 5, "{checked} years checked");
}
