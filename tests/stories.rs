//! Stories: versions of one report (a wire copy, a reprint elsewhere, an
//! update) group into one story; `--collapse` shows one hit per story with
//! its reports and outlets, `--count stories` counts facets once per story,
//! exports carry the story, and the table beside the index follows deletes
//! and is rebuilt when missing or damaged.

mod common;

use std::fs;
use std::path::Path;

use common::{newsdex, ok, run};
use serde_json::Value;
use tempfile::TempDir;

/// A report of 40 sentences about one matter, each sentence its own words.
fn report(topic: &str, sentences: std::ops::Range<usize>) -> String {
    sentences
        .map(|n| {
            format!(
                "Officials in China said the {topic} harbour number {n} handled cargo lot {n} \
                 after inspectors{n} reviewed permits for shipment series {n}. "
            )
        })
        .collect()
}

fn line(id: &str, date: &str, source: &str, title: &str, body: &str) -> String {
    serde_json::json!({"id": id, "date": date, "source": source, "title": title, "body": body}).to_string()
}

fn write_corpus(dir: &Path) {
    let wire = report("northern", 0..40);
    let update = format!("{wire}{}", report("northern", 100..108));
    let lines = [
        line("wire", "2024-03-01", "Wire Service", "Harbour cargo checked", &wire),
        line(
            "reprint",
            "2024-03-01",
            "Daily Paper",
            "Cargo checked at harbour",
            &wire,
        ),
        line(
            "update",
            "2024-03-02",
            "Wire Service",
            "Harbour cargo checked (update)",
            &update,
        ),
        // The same text a month later is a recurring item, not this story.
        line(
            "next-month",
            "2024-04-01",
            "Wire Service",
            "Harbour cargo checked",
            &wire,
        ),
        line(
            "other",
            "2024-03-01",
            "Daily Paper",
            "Another harbour",
            &report("southern", 200..240),
        ),
    ];
    fs::write(dir.join("news.jsonl"), lines.join("\n") + "\n").unwrap();
}

fn json(index: &Path, args: &[&str]) -> Value {
    let r = run(newsdex(index).arg("search").args(args).arg("--json"));
    assert!(r.code == 0 || r.code == 1, "{args:?}: {}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

#[test]
fn versions_of_one_report_collapse_into_a_story() {
    let tmp = TempDir::new().unwrap();
    write_corpus(tmp.path());
    let index = tmp.path().join("index");
    ok(newsdex(&index).arg("index").arg(tmp.path().join("news.jsonl")));
    assert!(index.join("stories.bin").is_file(), "index writes the stories table");

    let plain = json(&index, &["harbour"]);
    assert_eq!(plain["total"], 5);
    assert!(plain.get("stories").is_none(), "plain searches do not group");

    let collapsed = json(&index, &["harbour", "--collapse", "--sort", "date"]);
    assert_eq!(collapsed["total"], 5, "total still counts articles");
    assert_eq!(collapsed["stories"], 3);
    let hits = collapsed["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 3, "one hit per story");
    let story_of = |id: &str| hits.iter().find(|h| h["id"] == id).map(|h| h["story"].clone());
    // By date, newest first: the best report of the March story is the update.
    let march = story_of("update").expect("the update stands for its story");
    assert_eq!(march["id"], "reprint", "named after its earliest report (ties by id)");
    assert_eq!(march["reports"], 3);
    assert_eq!(march["outlets"], 2);
    assert_eq!(march["reports_in_index"], 3);
    assert_eq!(story_of("next-month").unwrap()["reports"], 1);
    assert_eq!(story_of("other").unwrap()["reports"], 1);

    let r = ok(newsdex(&index).args(["search", "harbour", "--collapse", "--sort", "date"]));
    assert!(
        r.stdout.contains("3 reports from 2 outlets · story reprint"),
        "{}",
        r.stdout
    );
    assert!(r.stderr.contains("of 3 stories (5 articles)"), "{}", r.stderr);

    // A story's reports, from its id.
    let reports = json(&index, &["*", "--story", "reprint", "--sort", "date"]);
    let mut ids = common::hit_ids(&reports);
    assert_eq!(ids[0], "update", "newest first");
    ids.sort();
    assert_eq!(ids, vec!["reprint", "update", "wire"]);
    let r = run(newsdex(&index).args(["search", "*", "--story", "no-such-story"]));
    common::assert_one_line_error(&r, "an unknown story");
    assert!(r.stderr.contains("no story has the id `no-such-story`"), "{}", r.stderr);

    // Paging goes through stories.
    let second = json(
        &index,
        &["harbour", "--collapse", "--sort", "date", "-n", "1", "--offset", "1"],
    );
    assert_eq!(common::hit_ids(&second), vec![common::hit_ids(&collapsed)[1].clone()]);

    // Facets: China is mentioned in five articles of three stories.
    let china = |results: &Value| -> u64 {
        results["facets"]["mention"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["path"] == "/country/CHN")
            .map(|c| c["count"].as_u64().unwrap())
            .unwrap_or(0)
    };
    assert_eq!(china(&json(&index, &["harbour", "--facets"])), 5);
    let by_story = json(&index, &["harbour", "--facets", "--count", "stories"]);
    assert_eq!(by_story["counted"], "stories");
    assert_eq!(china(&by_story), 3);

    // Exports carry the story of every article.
    let export = tmp.path().join("all.jsonl");
    ok(newsdex(&index).args(["search", "harbour", "--export"]).arg(&export));
    let stories: Vec<(String, String)> = fs::read_to_string(&export)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let hit: Value = serde_json::from_str(l).unwrap();
            (
                hit["id"].as_str().unwrap().into(),
                hit["story"]["id"].as_str().unwrap().into(),
            )
        })
        .collect();
    let story = |id: &str| stories.iter().find(|(a, _)| a == id).unwrap().1.clone();
    assert_eq!(story("wire"), "reprint");
    assert_eq!(story("update"), "reprint");
    assert_eq!(story("next-month"), "next-month");
    assert_eq!(story("other"), "other");
}

#[test]
fn the_stories_table_follows_deletes_and_is_rebuilt_when_missing_or_damaged() {
    let tmp = TempDir::new().unwrap();
    write_corpus(tmp.path());
    let index = tmp.path().join("index");
    ok(newsdex(&index).arg("index").arg(tmp.path().join("news.jsonl")));
    let story_of_update = |index: &Path| -> Value {
        let results = json(index, &["harbour", "--collapse", "-n", "10"]);
        let hits = results["hits"].as_array().unwrap().clone();
        let all = json(index, &["harbour", "--count", "stories", "-n", "10"]);
        let hit = all["hits"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["id"] == "update")
            .cloned()
            .unwrap();
        assert!(hits.len() <= 3);
        hit["story"].clone()
    };
    assert_eq!(story_of_update(&index)["id"], "reprint");

    ok(newsdex(&index).args(["delete", "--id", "reprint"]));
    let story = story_of_update(&index);
    assert_eq!(story["id"], "wire", "the next earliest report names the story");
    assert_eq!(story["reports_in_index"], 2);

    // Missing or damaged: grouped again from the index, and written back.
    let table = index.join("stories.bin");
    fs::remove_file(&table).unwrap();
    assert_eq!(story_of_update(&index)["id"], "wire");
    assert!(table.is_file());
    fs::write(&table, b"newsdex stories 1\nnot a table").unwrap();
    assert_eq!(story_of_update(&index)["reports_in_index"], 2);
}
