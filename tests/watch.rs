//! `newsdex watch` end to end: the real binary, an index of `corpus/` in a
//! temporary folder, a queries file beside it. First run, nothing new, one
//! new article, a changed definition, errors in the queries file, a corrupt
//! state, two runs at once, and the state surviving a kill just before it
//! is replaced.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{assert_no_panic, assert_one_line_error, corpus_dir, newsdex, ok, run, Run};
use serde_json::Value;
use tempfile::TempDir;

mod common;

const QUERIES: &str = r#"
# Cyberattacks, wherever they rank.
[cyber]
query = "cyberattack"

[china]
query = "*"
actor = "China"
limit = 1
"#;

/// An index of `corpus/` at `<tmp>/index`, a queries file at
/// `<tmp>/queries.toml`; commands run in `<tmp>`.
struct Watch {
    dir: TempDir,
    index: PathBuf,
}

impl Watch {
    fn new(queries: &str) -> Watch {
        let dir = TempDir::new().unwrap();
        let index = dir.path().join("index");
        ok(newsdex(&index).args(["index", "--quiet"]).arg(corpus_dir()));
        let watch = Watch { dir, index };
        watch.queries(queries);
        watch
    }

    fn queries(&self, text: &str) {
        fs::write(self.dir.path().join("queries.toml"), text).unwrap();
    }

    fn state(&self) -> PathBuf {
        self.dir.path().join("index.watch.json")
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = newsdex(&self.index);
        cmd.current_dir(self.dir.path()).arg("watch").args(args);
        cmd
    }

    fn run(&self, args: &[&str]) -> Run {
        run(&mut self.cmd(args))
    }

    /// `watch --json ARGS`, expecting exit 0 or 1 as something is new or not.
    fn json(&self, args: &[&str]) -> Value {
        let r = self.run(&[&["--json"], args].concat());
        let v: Value = serde_json::from_str(&r.stdout)
            .unwrap_or_else(|e| panic!("watch output is not JSON ({e}): {}\n{}", r.stdout, r.stderr));
        let any_new = v["queries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|q| q["new"].as_u64() != Some(0));
        assert_eq!(r.code, if any_new { 0 } else { 1 }, "{}", r.stderr);
        v
    }

    /// Indexes one more article, which `cyber` finds.
    fn add_cyber_article(&self, id: &str) {
        let file = self.dir.path().join(format!("{id}.jsonl"));
        let article = serde_json::json!({
            "id": id,
            "title": "Ministry reports a cyberattack on its email servers",
            "body": "The ministry said on Friday that a cyberattack had disrupted its email servers for two days.",
            "date": "2024-06-07",
            "source": "Watch Wire",
        });
        fs::write(&file, format!("{article}\n")).unwrap();
        ok(newsdex(&self.index).args(["index", "--quiet"]).arg(&file));
    }
}

fn query<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["queries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["name"] == name)
        .unwrap_or_else(|| panic!("no query {name} in {report}"))
}

#[test]
fn first_run_everything_then_nothing_then_only_the_new_article() {
    let w = Watch::new(QUERIES);
    // First run: every hit is new; `limit` caps what is printed only.
    let r = w.run(&[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("cyber: first run"), "{}", r.stderr);
    let cyber_total = common::total(&w.index, "cyberattack", &[]);
    let china_total = common::total(&w.index, "*", &["--actor", "China"]);
    assert!(cyber_total >= 2 && china_total >= 2);
    assert!(
        r.stdout.contains(&format!("cyber: {cyber_total} new of {cyber_total}")),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains(&format!("china: {china_total} new of {china_total}")),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains(&format!("… and {} more new", china_total - 1)),
        "{}",
        r.stdout
    );
    assert!(w.state().is_file());

    // Nothing new: exit 1, every query says so.
    let r = w.run(&[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout.contains(&format!("cyber: 0 new of {cyber_total}")),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("id "), "no hit printed: {}", r.stdout);
    assert!(r.stderr.contains("0 new in 0 of 2 queries"), "{}", r.stderr);

    // One more article: only it is new, and only where it matches.
    w.add_cyber_article("watch-new-1");
    let before = fs::read(w.state()).unwrap();
    let dry = w.json(&["--dry-run"]);
    assert_eq!(dry["dry_run"], true);
    assert_eq!(fs::read(w.state()).unwrap(), before, "a dry run records nothing");
    let v = w.json(&[]);
    for report in [&dry, &v] {
        let cyber = query(report, "cyber");
        assert_eq!(cyber["status"], "continued");
        assert_eq!(cyber["new"], 1);
        assert_eq!(cyber["total"], cyber_total + 1);
        assert_eq!(common::hit_ids(cyber), ["watch-new-1"]);
        assert!(cyber["previous_run"].is_string());
        assert_eq!(query(report, "china")["new"], 0);
    }
    assert_eq!(w.json(&[])["queries"][0]["new"], 0);

    // --only runs the named query alone and leaves the other's state.
    w.add_cyber_article("watch-new-2");
    let v = w.json(&["--only", "china"]);
    assert_eq!(v["queries"].as_array().unwrap().len(), 1);
    let v = w.json(&["--limit", "0"]);
    assert_eq!(query(&v, "cyber")["new"], 1);
    assert_eq!(
        common::hit_ids(query(&v, "cyber")),
        Vec::<&str>::new(),
        "--limit 0 prints none"
    );
    assert_eq!(query(&w.json(&[]), "cyber")["new"], 0, "but records them");
}

#[test]
fn a_changed_definition_starts_over() {
    let w = Watch::new(QUERIES);
    assert_eq!(w.run(&[]).code, 0);
    assert_eq!(w.run(&[]).code, 1);
    // The order and the limit are not the definition...
    w.queries(&QUERIES.replace("limit = 1", "limit = 3\nsort = \"relevance\""));
    assert_eq!(w.run(&[]).code, 1);
    // ...what selects the articles is.
    w.queries(&QUERIES.replace("actor = \"China\"", "actor = [\"China\"]\nevent = \"coerce\""));
    let r = w.run(&["--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("china: its definition changed"), "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let china = query(&v, "china");
    assert_eq!(china["status"], "changed");
    assert_eq!(china["new"], china["total"]);
    assert!(china["previous_run"].is_null());
    assert_eq!(query(&v, "cyber")["new"], 0);
}

#[test]
fn errors_in_the_queries_file_are_one_line_naming_it() {
    let w = Watch::new(QUERIES);
    let r = w.run(&["--queries", "missing.toml"]);
    assert_one_line_error(&r, "missing file");
    assert!(
        r.stderr.contains("missing.toml") && r.stderr.contains("query = "),
        "{}",
        r.stderr
    );
    fs::remove_file(w.dir.path().join("queries.toml")).unwrap();
    let r = w.run(&[]);
    assert_one_line_error(&r, "no default file");
    assert!(r.stderr.contains("no queries file queries.toml"), "{}", r.stderr);

    for (text, expected) in [
        ("[cyber]\nquery = \"cyber\" \"attack\"\n", "queries.toml line 2 column"),
        (
            "[cyber]\nquery = \"cyber\"\nactr = [\"China\"]\n",
            "queries.toml [cyber]: unknown key `actr`",
        ),
        (
            "[cyber]\nquery = \"cyber\"\nactor = [\"Atlantis\"]\n",
            "queries.toml [cyber]: --actor `Atlantis`",
        ),
        (
            "[cyber]\nquery = \"cyber\"\nactor = 3\n",
            "queries.toml [cyber]: `actor = 3`",
        ),
        (
            "[cyber]\nquery = \"cyber\"\nlimit = -1\n",
            "queries.toml [cyber]: `limit`",
        ),
        (
            "[cyber]\nquery = \"cyber\"\nsort = \"score\"\n",
            "queries.toml [cyber]: `sort`",
        ),
        ("[cyber]\nactor = \"China\"\n", "queries.toml [cyber]: no `query`"),
        ("query = \"cyber\"\n", "queries.toml [query]: `query` is not a query"),
        ("# nothing yet\n", "queries.toml holds no queries"),
    ] {
        w.queries(text);
        let r = w.run(&[]);
        assert_one_line_error(&r, text);
        assert!(
            r.stderr.contains(expected),
            "{text:?}: expected {expected:?} in {}",
            r.stderr
        );
    }
    assert!(!w.state().exists(), "no run recorded anything");

    // A TOML date is a day, as `--from` takes it; --only names a query the file has.
    w.queries("[recent]\nquery = \"cyberattack\"\nfrom = 2024-01-01\n");
    assert_eq!(w.run(&[]).code, 0);
    let r = w.run(&["--only", "old"]);
    assert_one_line_error(&r, "--only");
    assert!(r.stderr.contains("no query `old` (it has recent)"), "{}", r.stderr);
    let r = run(w.cmd(&[]).env("NEWSDEX_INDEX", w.dir.path().join("nowhere")));
    assert_one_line_error(&r, "no index");
    assert!(r.stderr.contains("no index at"), "{}", r.stderr);
    assert!(
        !w.dir.path().join("nowhere.watch.lock").exists(),
        "nothing made beside a missing index"
    );
}

#[test]
fn a_corrupt_state_is_an_error_never_a_reset() {
    let w = Watch::new(QUERIES);
    assert_eq!(w.run(&[]).code, 0);
    let text = fs::read_to_string(w.state()).unwrap();
    let broken = &text[..text.len() / 2];
    fs::write(w.state(), broken).unwrap();
    for args in [&[][..], &["--dry-run"][..]] {
        let r = w.run(args);
        assert_one_line_error(&r, "corrupt state");
        assert!(
            r.stderr.contains("index.watch.json cannot be read") && r.stderr.contains("move it aside"),
            "{}",
            r.stderr
        );
    }
    assert_eq!(fs::read_to_string(w.state()).unwrap(), broken, "left as it was");
}

/// Temporary states beside the index's folder.
fn partials(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".index.watch.json."))
        .collect()
}

#[test]
fn watch_state_survives_a_kill() {
    if !cfg!(debug_assertions) {
        eprintln!("skipping: failpoints exist in debug builds only (run without --release)");
        return;
    }
    let w = Watch::new(QUERIES);
    assert_eq!(w.run(&[]).code, 0);
    w.add_cyber_article("watch-new-1");
    let before = fs::read(w.state()).unwrap();
    // Killed just before the new state replaces the old: the hits were
    // printed, the old state is whole, and the next run tells them again.
    let out = w
        .cmd(&["--json"])
        .env("NEWSDEX_FAILPOINT", "watch-before-rename")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_no_panic(&"watch with a failpoint", &stderr);
    assert!(!out.status.success(), "the failpoint did not fire: {stderr}");
    let printed: Value = serde_json::from_slice(&out.stdout).expect("the hits were printed before the kill");
    assert_eq!(common::hit_ids(query(&printed, "cyber")), ["watch-new-1"]);
    assert_eq!(fs::read(w.state()).unwrap(), before, "the old state, untouched");
    assert_eq!(partials(w.dir.path()).len(), 1, "the killed run's temporary state");

    let again = w.json(&[]);
    assert_eq!(common::hit_ids(query(&again, "cyber")), ["watch-new-1"]);
    assert!(partials(w.dir.path()).is_empty(), "cleaned by the next run");
    assert_eq!(w.run(&[]).code, 1);
}

#[test]
fn two_runs_at_once_the_second_fails_naming_the_first() {
    if !cfg!(debug_assertions) {
        eprintln!("skipping: failpoints exist in debug builds only (run without --release)");
        return;
    }
    let w = Watch::new(QUERIES);
    let mut first = w
        .cmd(&[])
        .env("NEWSDEX_FAILPOINT", "watch-before-rename:pause")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // The first run pauses holding the lock once its temporary state is written.
    let started = std::time::Instant::now();
    while partials(w.dir.path()).is_empty() {
        assert!(
            started.elapsed().as_secs() < 30,
            "the first run never reached the failpoint"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let r = w.run(&[]);
    let dry = w.run(&["--dry-run"]);
    first.kill().unwrap();
    first.wait().unwrap();
    assert_one_line_error(&r, "second run");
    assert!(
        r.stderr.contains("another `newsdex watch` is running") && r.stderr.contains(&format!("pid {}", first.id())),
        "{}",
        r.stderr
    );
    // A dry run takes no lock; after the kill, a run works again.
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert_eq!(w.run(&[]).code, 0);
}
