//! Opt-in test over the real corpora in `../shared/corpora` (AllSides and
//! Reuters-21578). Slow: run it in release with
//! `cargo test --release --test shared_corpora -- --ignored`.
//! When the folder is absent the test prints a skip message and passes.

use std::path::PathBuf;

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

/// The number after `key ` in the summary line.
fn count(line: &str, key: &str) -> u64 {
    let pattern = format!("{key} ");
    let at = line
        .match_indices(&pattern)
        .map(|(i, _)| i)
        .find(|&i| i == 0 || !line[..i].ends_with(char::is_alphanumeric))
        .unwrap_or_else(|| panic!("no `{key}` in summary: {line}"));
    line[at + pattern.len()..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap_or_else(|_| panic!("no number after `{key}` in summary: {line}"))
}

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

    let out = Command::cargo_bin("newsdex")
        .unwrap()
        .env_clear()
        .env("NEWSDEX_INDEX", &index)
        .args(["index", "--quiet"])
        .arg(&allsides)
        .arg(&reuters)
        .output()
        .expect("newsdex runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let line = stderr
        .lines()
        .rev()
        .find(|l| l.starts_with("read "))
        .unwrap_or_else(|| panic!("no summary line:\n{stderr}"));
    eprintln!("{line}");

    let read = count(line, "read");
    let indexed = count(line, "indexed");
    let duplicates = count(line, "duplicates");
    let rejected = count(line, "rejected");
    assert_eq!(read, 37_554 + 21_578, "{line}");
    assert_eq!(read, indexed + duplicates + rejected, "{line}");
    assert_eq!(rejected, 2_535, "the Reuters articles with no body: {line}");

    let out = Command::cargo_bin("newsdex")
        .unwrap()
        .env_clear()
        .env("NEWSDEX_INDEX", &index)
        .args(["stats", "--json"])
        .output()
        .expect("newsdex runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stats: Value = serde_json::from_slice(&out.stdout).expect("stats JSON");
    assert_eq!(stats["articles"].as_u64(), Some(indexed), "{stats}");
}
