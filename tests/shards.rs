//! Scaling out: tagging without an index and indexing what was tagged
//! (`tag --with-text` → `index --tagged`), and shards searched as one index
//! (`--index A --index B`, or a shard list file).

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{assert_one_line_error, corpus_dir, newsdex, ok, run, summary};
use serde_json::Value;
use tempfile::TempDir;

fn json(r: &common::Run) -> Value {
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", r.stdout))
}

/// `search QUERY --json` over the index folders `indexes`, every hit.
fn search(indexes: &[&Path], query: &str, extra: &[&str]) -> Value {
    let mut cmd = newsdex(indexes[0]);
    for index in indexes {
        cmd.arg("--index").arg(index);
    }
    let r = run(cmd
        .args(["search", query, "--any", "--json", "--limit", "100", "--facets"])
        .args(extra));
    assert!(r.code == 0 || r.code == 1, "{query}: {}", r.stderr);
    json(&r)
}

/// The hits as (score, ids with that score), so that the order among equal
/// scores, which follows where each article sits in its index, is left out.
fn ranked(v: &Value) -> Vec<(String, Vec<String>)> {
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for hit in v["hits"].as_array().unwrap() {
        let score = hit["score"].to_string();
        let id = hit["id"].as_str().unwrap().to_string();
        match groups.last_mut() {
            Some((s, ids)) if *s == score => ids.push(id),
            _ => groups.push((score, vec![id])),
        }
    }
    for (_, ids) in &mut groups {
        ids.sort();
    }
    groups
}

fn facets_of(v: &Value) -> BTreeMap<String, Value> {
    v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            let id = h["id"].as_str().unwrap().to_string();
            let facets = ["actors", "events", "dyads", "mentions"].map(|k| h[k].clone());
            (id, Value::from(facets.to_vec()))
        })
        .collect()
}

#[test]
fn tagged_output_indexes_to_the_same_index_as_tagging() {
    let tmp = TempDir::new().unwrap();
    let tagged = tmp.path().join("tagged.jsonl");
    let r = ok(newsdex(tmp.path()).args(["tag", "--with-text"]).arg(corpus_dir()));
    std::fs::write(&tagged, &r.stdout).unwrap();
    let first: Value = serde_json::from_str(r.stdout.lines().next().unwrap()).unwrap();
    assert!(first["body"].as_str().is_some_and(|b| !b.is_empty()), "{first}");

    let direct = tmp.path().join("direct");
    ok(newsdex(&direct).arg("index").arg(corpus_dir()));
    let given = tmp.path().join("given");
    let r = ok(newsdex(&given).args(["index", "--tagged"]).arg(&tagged));
    assert_eq!(summary(&r.stderr)["rejected"], 0, "{}", r.stderr);

    for query in ["china hackers", "sanctions", "strike dock", "*"] {
        let (a, b) = (search(&[&direct], query, &[]), search(&[&given], query, &[]));
        assert_eq!(a["total"], b["total"], "{query}");
        assert_eq!(ranked(&a), ranked(&b), "{query}");
        assert_eq!(a["facets"], b["facets"], "{query}");
        assert_eq!(facets_of(&a), facets_of(&b), "{query}");
    }
    // The facets are the given ones, not tagged again: an edited record keeps its edit.
    let edited: String = r#"{"id":"x1","title":"Quiet day","body":"Nothing happened at all today.","date":"2024-01-02","actors":["/country/FRA"],"events":["/protest"],"mentions":["/country/FRA"],"dyads":[],"evidence":[]}"#.to_string();
    let file = tmp.path().join("edited.jsonl");
    std::fs::write(&file, edited + "\n").unwrap();
    let own = tmp.path().join("own");
    ok(newsdex(&own).args(["index", "--tagged"]).arg(&file));
    let v = search(&[&own], "quiet", &["--event", "protest"]);
    assert_eq!(v["total"], 1, "{v}");
}

#[test]
fn tagged_input_without_facets_is_rejected_by_record() {
    let tmp = TempDir::new().unwrap();
    let file = tmp.path().join("mixed.jsonl");
    std::fs::write(
        &file,
        concat!(
            r#"{"id":"a","title":"T","body":"Some text.","actors":[],"events":[],"mentions":[],"dyads":[]}"#,
            "\n",
            r#"{"id":"b","title":"T","body":"Some text."}"#,
            "\n",
            r#"{"id":"c","title":"T","body":"Some text.","actors":"GBR","events":[],"mentions":[],"dyads":[]}"#,
            "\n",
            r#"{"id":"d","title":"T","body":"Some text.","actors":[],"events":[],"mentions":[],"dyads":["/GBR/accuse/CHN"],"evidence":[{"dyad":"/GBR/accuse/CHN","start":0,"end":999}]}"#,
            "\n"
        ),
    )
    .unwrap();
    let index = tmp.path().join("index");
    let r = run(newsdex(&index)
        .args(["index", "--tagged"])
        .arg(&file)
        .arg(corpus_dir().join("text")));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let s = summary(&r.stderr);
    assert_eq!((s["read"], s["indexed"], s["rejected"]), (8, 2, 6), "{}", r.stderr);
    assert!(
        r.stderr.contains("mixed.jsonl:2") && r.stderr.contains("no `actors` list"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("mixed.jsonl:3") && r.stderr.contains("`actors` is not a list"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("evidence 1 is not a dyad"), "{}", r.stderr);
    assert!(r.stderr.contains("plain text and XML carry no facets"), "{}", r.stderr);
}

#[test]
fn shards_search_as_one_index() {
    let tmp = TempDir::new().unwrap();
    let one = tmp.path().join("one");
    ok(newsdex(&one).arg("index").arg(corpus_dir()));
    // Three shards holding different files of the same corpus.
    let groups: [&[&str]; 3] = [&["dated", "seed"], &["json", "gz"], &["jsonl", "text"]];
    let mut shards = Vec::new();
    for (n, folders) in groups.iter().enumerate() {
        let shard = tmp.path().join(format!("shard-{n}"));
        let mut cmd = newsdex(&shard);
        cmd.arg("index");
        for folder in *folders {
            cmd.arg(corpus_dir().join(folder));
        }
        ok(&mut cmd);
        shards.push(shard);
    }
    let list = tmp.path().join("shards.txt");
    std::fs::write(
        &list,
        "# the sample corpus in three shards\nshard-0\nshard-1\n\nshard-2\n",
    )
    .unwrap();
    let shard_paths: Vec<&Path> = shards.iter().map(|p| p.as_path()).collect();
    for query in ["china", "sanctions hackers", "oil output", "*"] {
        for extra in [
            &[][..],
            &["--actor", "CHN"],
            &["--from", "2024-01-01"],
            &["--sort", "date"],
        ] {
            let a = search(&[&one], query, extra);
            for b in [search(&shard_paths, query, extra), search(&[&list], query, extra)] {
                assert_eq!(a["total"], b["total"], "{query} {extra:?}");
                assert_eq!(ranked(&a), ranked(&b), "{query} {extra:?}");
                assert_eq!(a["facets"], b["facets"], "{query} {extra:?}");
            }
        }
    }
    let timeline = |indexes: &[&Path]| {
        let mut cmd = newsdex(indexes[0]);
        for index in indexes {
            cmd.arg("--index").arg(index);
        }
        json(&ok(cmd.args(["timeline", "*", "--by", "month", "--json"])))["series"].clone()
    };
    assert_eq!(timeline(&[&one]), timeline(&shard_paths));
    let stats = |index: &Path| {
        json(&ok(newsdex(index)
            .args(["--index"])
            .arg(index)
            .args(["stats", "--json"])))
    };
    let (a, b) = (stats(&one), stats(&list));
    for key in ["articles", "first_date", "last_date", "top_actors", "top_events"] {
        assert_eq!(a[key], b[key], "{key}");
    }
    // Writers work on one folder.
    for args in [&["delete", "--id", "x"][..], &["retag"], &["index", "corpus"]] {
        let r = run(newsdex(&one)
            .args(["--index"])
            .arg(&shards[0])
            .args(["--index"])
            .arg(&shards[1])
            .args(args));
        assert_one_line_error(&r, &format!("{args:?}"));
    }
    // One shard given twice is an error, not double counts.
    let r = run(newsdex(&one)
        .args(["--index"])
        .arg(&shards[0])
        .args(["--index"])
        .arg(&shards[0])
        .args(["search", "china"]));
    assert_one_line_error(&r, "the same shard twice");
}
