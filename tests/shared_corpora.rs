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
}
