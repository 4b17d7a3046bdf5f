//! The index's life after its first build: `index --rebuild`, incremental
//! updates, `delete`, `retag`, what the manifest records, refusing an
//! incompatible index, and one writer at a time.

mod common;

use std::fs;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;
use tempfile::TempDir;

#[test]
fn rebuild_replaces_the_index_and_leaves_nothing_beside_it() {
    let tmp = TempDir::new().unwrap();
    let index = tmp.path().join("index");
    ok(newsdex(&index).arg("index").arg(corpus_dir()));
    assert_eq!(articles(&index), 26);
    let created = stats(&index)["manifest"]["created"].as_str().unwrap().to_string();

    // A rebuild from part of the corpus holds exactly that part.
    let r = ok(newsdex(&index)
        .args(["index", "--rebuild"])
        .arg(corpus_dir().join("jsonl")));
    let s = summary(&r.stderr);
    assert_eq!(s["added"], s["indexed"], "a rebuild adds everything: {}", r.stderr);
    assert_eq!(articles(&index), s["indexed"]);
    assert!(s["indexed"] < 26);
    assert_eq!(total(&index, "Baerbock", &[]), 1);
    assert_eq!(total(&index, "Cameron", &[]), 0, "the dated text is gone");
    assert!(leftovers(&index).is_empty(), "{:?}", leftovers(&index));
    let manifest = &stats(&index)["manifest"];
    assert_ne!(manifest["created"], created, "a rebuild is a new index");
    let files = manifest["corpus"].as_array().unwrap();
    assert!(!files.is_empty());
    assert!(files
        .iter()
        .all(|f| f["path"].as_str().unwrap().contains("/corpus/jsonl/")));

    // And back to everything.
    ok(newsdex(&index).args(["index", "--rebuild"]).arg(corpus_dir()));
    assert_eq!(articles(&index), 26);
    assert_eq!(all_ids(&index).len(), 26);
}

#[test]
fn rebuild_creates_a_missing_index_and_refuses_a_folder_of_other_files() {
    let tmp = TempDir::new().unwrap();
    let index = tmp.path().join("fresh");
    ok(newsdex(&index).args(["index", "--rebuild"]).arg(corpus_dir()));
    assert_eq!(articles(&index), 26);

    let precious = tmp.path().join("documents");
    fs::create_dir(&precious).unwrap();
    fs::write(precious.join("thesis.txt"), "do not delete").unwrap();
    let r = run(newsdex(&precious).args(["index", "--rebuild"]).arg(corpus_dir()));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("refusing"), "{}", r.stderr);
    assert_eq!(
        fs::read_to_string(precious.join("thesis.txt")).unwrap(),
        "do not delete"
    );
    assert!(leftovers(&precious).is_empty());
}

#[test]
fn leftovers_of_interrupted_runs_are_removed_with_a_message() {
    let tmp = TempDir::new().unwrap();
    let index = tmp.path().join("index");
    ok(newsdex(&index).arg("index").arg(corpus_dir()));
    let half_built = tmp.path().join("index.building-99999");
    let replaced = tmp.path().join("index.old-99998");
    for dir in [&half_built, &replaced] {
        fs::create_dir(dir).unwrap();
        fs::write(dir.join("meta.json"), "{").unwrap();
    }
    // Not ours: a different name, or not a pid.
    let other = tmp.path().join("index.building-notes");
    fs::create_dir(&other).unwrap();

    let r = ok(newsdex(&index).args(["index", "--quiet"]).arg(corpus_dir()));
    for dir in [&half_built, &replaced] {
        assert!(!dir.exists(), "{} is still there", dir.display());
        assert!(
            r.stderr.contains(&format!("removed {}", dir.display())),
            "no message about {}:\n{}",
            dir.display(),
            r.stderr
        );
    }
    assert!(other.exists());
    assert_eq!(articles(&index), 26);
}

#[test]
fn incremental_index_adds_updates_and_skips_unchanged() {
    let tmp = TempDir::new().unwrap();
    let corpus = tmp.path().join("corpus");
    let index = tmp.path().join("index");
    generate_corpus(&corpus, "wk1", 2, 50);
    let r = ok(newsdex(&index).arg("index").arg(&corpus));
    assert_eq!(summary(&r.stderr)["added"], 100);

    // A second week of articles, and one article of the first week edited.
    generate_corpus(&corpus, "wk2", 1, 30);
    let first = corpus.join("wk1-000.jsonl");
    let text = fs::read_to_string(&first).unwrap();
    fs::write(&first, text.replacen("over trade", "over quokkas", 1)).unwrap();
    let r = ok(newsdex(&index).arg("index").arg(&corpus));
    let s = summary(&r.stderr);
    assert_eq!((s["added"], s["updated"], s["unchanged"]), (30, 1, 99), "{}", r.stderr);
    assert_eq!(articles(&index), 130);
    assert_eq!(total(&index, "quokkas", &[]), 1);

    // The manifest lists each file once, with its new size and hash.
    let manifest = &stats(&index)["manifest"];
    let files = manifest["corpus"].as_array().unwrap();
    assert_eq!(files.len(), 3, "{files:?}");
    let entry = files
        .iter()
        .find(|f| f["path"].as_str().unwrap().ends_with("wk1-000.jsonl"))
        .unwrap();
    assert_eq!(entry["size"].as_u64().unwrap(), fs::metadata(&first).unwrap().len());
    assert_eq!(entry["xxh3"].as_str().unwrap().len(), 16);
}

#[test]
fn stats_shows_what_built_the_index() {
    let tmp = TempDir::new().unwrap();
    let index = tmp.path().join("index");
    ok(newsdex(&index).arg("index").arg(corpus_dir()));
    let r = ok(newsdex(&index).arg("stats"));
    assert!(r.stdout.contains("built by    newsdex"), "{}", r.stdout);
    assert!(r.stdout.contains("corpus      16 files"), "{}", r.stdout);
    assert!(r.stdout.contains("/corpus/json/array.json"), "{}", r.stdout);
    let v = stats(&index);
    let manifest = &v["manifest"];
    assert_eq!(manifest["schema_version"], 2);
    assert_eq!(manifest["dictionaries"], "built-in");
    assert_eq!(manifest["corpus"].as_array().unwrap().len(), 16);
    for file in manifest["corpus"].as_array().unwrap() {
        let path = file["path"].as_str().unwrap();
        assert_eq!(
            file["size"].as_u64().unwrap(),
            fs::metadata(path).unwrap().len(),
            "{path}"
        );
    }
}

#[test]
fn delete_by_id_source_and_date() {
    let tmp = TempDir::new().unwrap();
    let index = tmp.path().join("index");
    ok(newsdex(&index).arg("index").arg(corpus_dir()));

    let r = ok(newsdex(&index).args(["delete", "--id", "wire-0002", "feed-01"]));
    assert!(r.stderr.contains("deleted 2 articles"), "{}", r.stderr);
    assert_eq!(articles(&index), 24);
    assert_eq!(total(&index, "Baerbock", &[]), 0);

    // Nothing matches: exit 1, nothing removed.
    let r = run(newsdex(&index).args(["delete", "--id", "wire-0002"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("deleted 0 articles"), "{}", r.stderr);

    // --source is case-insensitive; with --before, both must hold.
    let example = total(&index, "*", &["--source", "Example Times"]);
    assert!(example > 0);
    let r = run(newsdex(&index).args(["delete", "--source", "example times", "--before", "1990-01-01"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    ok(newsdex(&index).args(["delete", "--source", "example times"]));
    assert_eq!(total(&index, "*", &["--source", "Example Times"]), 0);
    assert_eq!(articles(&index), 24 - example);

    // --before: dated before the day; undated articles stay.
    let before = total(&index, "*", &["--to", "2023-12-31"]);
    let all = articles(&index);
    let r = ok(newsdex(&index).args(["delete", "--before", "2024-01-01"]));
    assert!(r.stderr.contains(&format!("deleted {before} articles")), "{}", r.stderr);
    assert_eq!(articles(&index), all - before);
    assert_eq!(total(&index, "*", &["--to", "2023-12-31"]), 0);

    // Bad flags: exit 2.
    for args in [&["delete"][..], &["delete", "--before", "soon"], &["delete", "--id"]] {
        let r = run(newsdex(&index).args(args));
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
    }
    for args in [&["delete", "--id", "x"][..], &["retag"]] {
        let r = run(newsdex(&tmp.path().join("none")).args(args));
        assert_one_line_error(&r, &format!("{args:?} on a missing index"));
        assert!(r.stderr.contains("no index"), "{}", r.stderr);
    }
    assert!(
        !tmp.path().join("none.lock").exists(),
        "nothing is created beside a missing index"
    );
}

#[test]
fn retag_uses_the_current_dictionaries_without_the_corpus() {
    let tmp = TempDir::new().unwrap();
    let corpus = tmp.path().join("corpus");
    copy_dir(&corpus_dir(), &corpus);
    let index = tmp.path().join("index");
    ok(newsdex(&index).arg("index").arg(&corpus));
    let china = total(&index, "*", &["--mention", "/country/CHN"]);
    assert!(china > 0);
    let beijing = total(&index, "Beijing", &[]);
    let ids = {
        let mut ids = all_ids(&index);
        ids.sort();
        ids
    };
    fs::remove_dir_all(&corpus).unwrap();

    // Same dictionaries: nothing changes.
    let r = ok(newsdex(&index).arg("retag"));
    assert!(r.stderr.contains("retagged 26 articles"), "{}", r.stderr);
    assert!(r.stderr.contains("tags changed on 0"), "{}", r.stderr);

    // Dictionaries that do not know China: its tags go, the text stays.
    let dictionaries = dictionaries_without_china(&tmp.path().join("schema"));
    let r = ok(newsdex(&index).arg("retag").arg("--dictionaries").arg(&dictionaries));
    assert!(!r.stderr.contains("tags changed on 0"), "{}", r.stderr);
    assert_eq!(total(&index, "*", &["--mention", "/country/CHN"]), 0);
    assert_eq!(
        total(&index, "Beijing", &[]),
        beijing,
        "the text is searchable as before"
    );
    let mut after = all_ids(&index);
    after.sort();
    assert_eq!(after, ids, "retag keeps every article and id");
    let manifest = &stats(&index)["manifest"];
    assert_eq!(manifest["dictionaries"], dictionaries.display().to_string());
    assert!(manifest["retagged"].is_string());
    assert_eq!(
        manifest["corpus"].as_array().unwrap().len(),
        16,
        "the corpus record is kept"
    );
    assert!(leftovers(&index).is_empty());

    // Back to the built-in dictionaries.
    ok(newsdex(&index).arg("retag"));
    assert_eq!(total(&index, "*", &["--mention", "/country/CHN"]), china);
    let r = run(newsdex(&index)
        .arg("retag")
        .arg("--dictionaries")
        .arg(tmp.path().join("nope")));
    assert_one_line_error(&r, "retag with a missing dictionary folder");
}

#[test]
fn an_incompatible_index_is_refused_until_rebuilt() {
    let tmp = TempDir::new().unwrap();
    let index = tmp.path().join("index");
    ok(newsdex(&index).arg("index").arg(corpus_dir()));
    let path = index.join("newsdex.json");
    let mut manifest: Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    manifest["schema_version"] = 999.into();
    fs::write(&path, manifest.to_string()).unwrap();

    for args in [
        &["search", "china"][..],
        &["stats"],
        &["index", "corpus/json"],
        &["delete", "--id", "wire-0002"],
        &["retag"],
    ] {
        let r = run(newsdex(&index).args(args));
        assert_one_line_error(&r, &format!("{args:?}"));
        assert!(r.stderr.contains("incompatible"), "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains("--rebuild"), "{args:?}: {}", r.stderr);
    }
    ok(newsdex(&index).args(["index", "--rebuild"]).arg(corpus_dir()));
    assert_eq!(articles(&index), 26);
    assert_eq!(stats(&index)["manifest"]["schema_version"], 2);
}

#[test]
fn corrupt_index_files_are_a_clear_error() {
    let tmp = TempDir::new().unwrap();
    let good = tmp.path().join("good");
    ok(newsdex(&good).arg("index").arg(corpus_dir()));
    // Segment files are named by the segment's id (32 hex digits); sidecars
    // such as `stories.bin` are rebuilt when missing and are not damage.
    let mut segment_files: Vec<_> = fs::read_dir(&good)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_stem()
                .and_then(|s| s.to_str())
                .is_some_and(|s| s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit()))
        })
        .collect();
    segment_files.sort();
    assert!(segment_files.len() >= 6, "{segment_files:?}");

    let damaged = |name: &str, damage: &dyn Fn(&std::path::Path)| {
        let index = tmp.path().join(name);
        copy_dir(&good, &index);
        damage(&index);
        for args in [&["search", "china"][..], &["stats"], &["index", "corpus/json"]] {
            let r = run(newsdex(&index).args(args));
            assert_one_line_error(&r, &format!("{name} {args:?}"));
            assert!(r.stderr.contains("damaged"), "{name} {args:?}: {}", r.stderr);
            assert!(r.stderr.contains("--rebuild"), "{name} {args:?}: {}", r.stderr);
        }
        // The way out works.
        if name.ends_with("meta") || name.ends_with("store") {
            ok(newsdex(&index)
                .args(["index", "--rebuild"])
                .arg(corpus_dir().join("json")));
            assert_eq!(articles(&index), 7);
        }
    };
    damaged("garbled-meta", &|index| {
        fs::write(index.join("meta.json"), "{\"segments\": [garbage").unwrap()
    });
    damaged("truncated-meta", &|index| {
        let text = fs::read(index.join("meta.json")).unwrap();
        fs::write(index.join("meta.json"), &text[..text.len() / 2]).unwrap();
    });
    for ext in ["idx", "term", "store", "fast"] {
        let file = segment_files
            .iter()
            .find(|p| p.extension().unwrap() == ext)
            .unwrap()
            .file_name()
            .unwrap()
            .to_owned();
        damaged(&format!("truncated-{ext}"), &|index| {
            let path = index.join(&file);
            let len = fs::metadata(&path).unwrap().len();
            fs::OpenOptions::new()
                .write(true)
                .open(&path)
                .unwrap()
                .set_len(len / 2)
                .unwrap();
        });
        damaged(&format!("garbled-{ext}"), &|index| {
            // Overwrite the end of the file, where tantivy keeps its footer.
            let path = index.join(&file);
            let mut bytes = fs::read(&path).unwrap();
            let n = bytes.len();
            for b in &mut bytes[n.saturating_sub(24)..] {
                *b ^= 0x5a;
            }
            fs::write(&path, bytes).unwrap();
        });
    }
    for file in &segment_files {
        let name = file.file_name().unwrap().to_owned();
        let ext = file.extension().unwrap().to_string_lossy();
        damaged(&format!("missing-{ext}"), &|index| {
            fs::remove_file(index.join(&name)).unwrap()
        });
    }
}

/// Waits until the writer lock names `pid`.
fn wait_for_lock(index: &std::path::Path, pid: u32) {
    let lock = index.with_file_name(format!("{}.lock", index.file_name().unwrap().to_string_lossy()));
    let started = Instant::now();
    while !fs::read_to_string(&lock).is_ok_and(|t| t.contains(&format!("pid {pid},"))) {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the writer never took the lock"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_second_writer_fails_at_once_and_searches_keep_working() {
    if !cfg!(debug_assertions) {
        eprintln!("skipping: failpoints exist in debug builds only (run without --release)");
        return;
    }
    let tmp = TempDir::new().unwrap();
    let index = tmp.path().join("index");
    ok(newsdex(&index).arg("index").arg(corpus_dir()));
    let big = tmp.path().join("big");
    let added = generate_corpus(&big, "big", 2, 100);

    // A writer that has indexed everything and waits before its commit.
    let mut writer = newsdex(&index)
        .args(["index", "--quiet"])
        .arg(&big)
        .env("NEWSDEX_FAILPOINT", "before-commit:pause")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for_lock(&index, writer.id());
    for args in [
        &["index", "corpus/json"][..],
        &["index", "--rebuild", "corpus/json"],
        &["delete", "--id", "wire-0002"],
        &["retag"],
    ] {
        let started = Instant::now();
        let r = run(newsdex(&index).args(args));
        assert_one_line_error(&r, &format!("{args:?}"));
        assert!(r.stderr.contains("another newsdex process"), "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.contains(&format!("pid {}", writer.id())),
            "{args:?}: {}",
            r.stderr
        );
        assert!(r.stderr.contains("newsdex index"), "{args:?}: {}", r.stderr);
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{args:?} waited for the lock"
        );
        // Searches see the last committed state meanwhile.
        assert_eq!(total(&index, "*", &[]), 26);
    }
    assert!(writer.try_wait().unwrap().is_none(), "the writer is still waiting");
    writer.kill().unwrap();
    writer.wait().unwrap();
    // The kernel released its lock: the next writer runs.
    ok(newsdex(&index).args(["index", "--quiet"]).arg(&big));
    assert_eq!(articles(&index), 26 + added);
}

#[test]
fn searches_during_rebuilds_always_see_a_complete_index() {
    let tmp = TempDir::new().unwrap();
    let index = tmp.path().join("index");
    let small = tmp.path().join("small");
    let big = tmp.path().join("big");
    let n_small = generate_corpus(&small, "small", 1, 40);
    let n_big = generate_corpus(&big, "big", 2, 150);
    ok(newsdex(&index).args(["index", "--quiet"]).arg(&small));

    // Rebuild back and forth between the two corpora while searching.
    let rebuilds = {
        let (index, small, big) = (index.clone(), small.clone(), big.clone());
        std::thread::spawn(move || {
            for round in 0..4 {
                let from = if round % 2 == 0 { &big } else { &small };
                ok(newsdex(&index).args(["index", "--rebuild", "--quiet"]).arg(from));
            }
        })
    };
    let mut searches = 0;
    while !rebuilds.is_finished() {
        let r = run(newsdex(&index).args(["search", "*", "--json", "--limit", "1"]));
        assert_eq!(r.code, 0, "a search during a rebuild failed: {}", r.stderr);
        let v: Value = serde_json::from_str(&r.stdout).unwrap();
        let total = v["total"].as_u64().unwrap();
        assert!(total == n_small || total == n_big, "a search saw {total} articles");
        searches += 1;
    }
    rebuilds.join().unwrap();
    eprintln!("{searches} searches during 4 rebuilds, all complete");
    assert!(searches > 0);
    assert_eq!(articles(&index), n_small);
}
