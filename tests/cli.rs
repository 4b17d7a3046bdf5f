//! Integration tests that drive the real `newsdex` binary against the bundled
//! `corpus/` and the bad-input fixtures in `tests/data/bad/`.
//!
//! Tests that only read an index of `corpus/` share one, built once per run
//! of this test binary (`shared_index`); tests that change an index build
//! their own in a temporary folder. The environment is cleared so the user's
//! default index and settings are never touched.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use common::{assert_one_line_error, corpus_dir, manifest_dir, newsdex, run, summary, Run};
use serde_json::Value;
use tempfile::TempDir;

mod common;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

fn bad_dir() -> PathBuf {
    manifest_dir().join("tests/data/bad")
}

/// A temporary folder holding an index (in `<tmp>/index`).
struct TestIndex {
    _dir: TempDir,
    path: PathBuf,
}

impl TestIndex {
    fn empty() -> TestIndex {
        let dir = TempDir::new().expect("temp dir");
        let path = dir.path().join("index");
        TestIndex { _dir: dir, path }
    }

    fn cmd(&self) -> Command {
        newsdex(&self.path)
    }

    /// `newsdex index PATH EXTRA...`; returns the run (any exit code).
    fn index_path(&self, path: &Path, extra: &[&str]) -> Run {
        run(self.cmd().arg("index").arg(path).args(extra))
    }

    /// `newsdex search QUERY ARGS... --json`, expecting exit 0 or 1.
    fn search(&self, query: &str, args: &[&str]) -> Value {
        let r = run(self.cmd().arg("search").arg(query).args(args).arg("--json"));
        assert!(
            r.code == 0 || r.code == 1,
            "search {query:?} {args:?} exited {}: {}",
            r.code,
            r.stderr
        );
        let v: Value = serde_json::from_str(&r.stdout)
            .unwrap_or_else(|e| panic!("search output is not JSON ({e}):\n{}", r.stdout));
        let total = v["total"].as_u64().expect("total");
        assert_eq!(r.code == 1, total == 0, "exit code {} for total {total}", r.code);
        v
    }

    fn stats(&self) -> Value {
        let r = run(self.cmd().args(["stats", "--json"]));
        assert_eq!(r.code, 0, "stats failed: {}", r.stderr);
        serde_json::from_str(&r.stdout).expect("stats output is JSON")
    }

    fn articles(&self) -> u64 {
        self.stats()["articles"].as_u64().expect("articles")
    }
}

/// A fresh index of `corpus/`, for a test that changes it.
fn index_corpus() -> TestIndex {
    let index = TestIndex::empty();
    let r = index.index_path(&corpus_dir(), &[]);
    assert_eq!(r.code, 0, "indexing corpus/ failed: {}", r.stderr);
    index
}

/// The index of `corpus/` that the read-only tests share, and the run that
/// built it.
struct SharedCorpus {
    index: TestIndex,
    build: Run,
}

/// The shared index of `corpus/`, built by the first test that asks for it.
/// Only for tests that read it (search, stats): one that indexes, deletes or
/// retags must use `index_corpus()`. Should the build fail, each test that
/// asks fails with the same message.
fn shared_corpus() -> &'static SharedCorpus {
    static SHARED: OnceLock<SharedCorpus> = OnceLock::new();

    /// A static is never dropped, so its `TempDir` would outlive the test
    /// binary: remove the folder when the binary exits.
    extern "C" fn remove_shared_index() {
        if let Some(shared) = SHARED.get() {
            let _ = fs::remove_dir_all(shared.index._dir.path());
        }
    }

    SHARED.get_or_init(|| {
        let index = TestIndex::empty();
        let build = index.index_path(&corpus_dir(), &[]);
        assert_eq!(build.code, 0, "indexing corpus/ failed: {}", build.stderr);
        // SAFETY: registers a plain function, which touches only the static.
        unsafe { libc::atexit(remove_shared_index) };
        SharedCorpus { index, build }
    })
}

fn shared_index() -> &'static TestIndex {
    &shared_corpus().index
}

fn hits(v: &Value) -> &Vec<Value> {
    v["hits"].as_array().expect("hits array")
}

fn total(v: &Value) -> u64 {
    v["total"].as_u64().expect("total")
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|s| s.as_str().expect("string").to_string())
        .collect()
}

/// The count reported for `path` in `facets.<facet>`, if listed.
fn facet_count(v: &Value, facet: &str, path: &str) -> Option<u64> {
    v["facets"][facet]
        .as_array()
        .expect("facet list")
        .iter()
        .find(|c| c["path"] == path)
        .map(|c| c["count"].as_u64().expect("count"))
}

/// Scores by id.
fn scores(v: &Value) -> HashMap<String, f64> {
    hits(v)
        .iter()
        .map(|h| {
            (
                h["id"].as_str().unwrap().to_string(),
                h["score"].as_f64().expect("a relevance score"),
            )
        })
        .collect()
}

fn ids(v: &Value) -> Vec<String> {
    hits(v).iter().map(|h| h["id"].as_str().unwrap().to_string()).collect()
}

const ESC: char = '\u{1b}';

// ---------------------------------------------------------------------------
// Indexing every input format
// ---------------------------------------------------------------------------

#[test]
fn every_input_format_is_read() {
    let SharedCorpus { index, build: r } = shared_corpus();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let s = summary(&r.stderr);
    assert_eq!(s["read"], 26, "{}", r.stderr);
    assert_eq!(s["indexed"], 26, "{}", r.stderr);
    assert_eq!(s["rejected"], 0, "{}", r.stderr);
    assert_eq!(index.articles(), 26);

    // (format, unique word, expected id or None for content ids, title fragment)
    let cases: &[(&str, &str, Option<&str>, &str)] = &[
        ("seed dated .txt", "Cameron", None, "Electoral Commission"),
        ("dated .txt", "Chornomorsk", None, "grain"),
        (
            "plain .txt",
            "chemotherapy",
            None,
            "Ransomware attack forces Georgia hospital",
        ),
        ("plain .txt", "Maidenhead", None, "May"),
        (
            "single .json",
            "Mauritania",
            Some("nx-single-001"),
            "Macron pledges aid",
        ),
        ("single .json", "soybeans", None, "Santos"),
        (
            "JSON array (uuid/headline/content)",
            "Hamburg",
            Some("3f6c2a1e-8b4d-4c7a-9e21-5d0b7a6f1c01"),
            "EU lifts sanctions on Iranian airline",
        ),
        (
            "JSON array (uuid/headline/content)",
            "Gauteng",
            Some("3f6c2a1e-8b4d-4c7a-9e21-5d0b7a6f1c04"),
            "mpox",
        ),
        (
            ".jsonl (ID/content_original)",
            "Baerbock",
            Some("wire-0002"),
            "Germany recalls envoy",
        ),
        (
            ".ndjson (_id/text/publishedAt)",
            "Marsudi",
            Some("feed-01"),
            "Wang Yi urges calm",
        ),
        (".jsonl.gz", "scallop", Some("gz-01"), "Japanese seafood"),
        (".txt.gz", "Mpumalanga", None, "South African power utility workers"),
    ];
    for &(format, word, id, title) in cases {
        let v = index.search(word, &[]);
        assert_eq!(total(&v), 1, "{format}: `{word}` should find one article: {v}");
        let hit = &hits(&v)[0];
        if let Some(id) = id {
            assert_eq!(hit["id"], id, "{format}: `{word}`");
        }
        let got = hit["title"].as_str().unwrap();
        assert!(
            got.contains(title),
            "{format}: `{word}` found {got:?}, expected a title with {title:?}"
        );
    }

    // Format-specific metadata made it through.
    let feed = index.search("Marsudi", &[]);
    assert_eq!(hits(&feed)[0]["date"], "2023-07-13T08:00:00Z");
    let wire = index.search("Baerbock", &[]);
    assert_eq!(hits(&wire)[0]["source"], "Example Times");
    let seed = index.search("\"Electoral Commission\"", &[]);
    assert_eq!(hits(&seed)[0]["date"], "2024-03-26T00:00:00Z");
    let array = index.search("Hamburg", &[]);
    assert_eq!(hits(&array)[0]["date"], "2024-03-26T00:00:00Z", "long-form date");
}

// ---------------------------------------------------------------------------
// Facets of the seed article
// ---------------------------------------------------------------------------

fn seed_hit(index: &TestIndex) -> Value {
    let v = index.search("\"Electoral Commission\"", &[]);
    assert_eq!(total(&v), 1, "{v}");
    hits(&v)[0].clone()
}

#[test]
fn seed_article_has_actor_event_and_dyad_facets() {
    let index = shared_index();
    let hit = seed_hit(index);
    let actors = strings(&hit["actors"]);
    let events = strings(&hit["events"]);
    let dyads = strings(&hit["dyads"]);
    let mentions = strings(&hit["mentions"]);
    for actor in ["/country/GBR", "/country/CHN"] {
        assert!(actors.contains(&actor.to_string()), "{actor} in {actors:?}");
    }
    assert!(
        actors.iter().any(|a| a.starts_with("/group/G0128")),
        "APT31 (/group/G0128) in {actors:?}"
    );
    assert!(events.iter().any(|e| e.starts_with("/accuse")), "{events:?}");
    assert!(events.iter().any(|e| e.starts_with("/sanction")), "{events:?}");
    assert!(events.contains(&"/coerce/cyber".to_string()), "{events:?}");
    // Who did what to whom, the right way round: the UK accuses and
    // sanctions; the cyberattacks it accuses China of are China's.
    for dyad in ["/GBR/accuse/CHN", "/GBR/sanction/CHN", "/CHN/coerce/GBR"] {
        assert!(dyads.contains(&dyad.to_string()), "{dyad} in {dyads:?}");
    }
    assert!(!dyads.contains(&"/GBR/coerce/CHN".to_string()), "reversed: {dyads:?}");
    // Only what the article reports: no event the seed merely words near.
    for noise in ["/agree", "/cooperate", "/concede", "/threaten"] {
        assert!(!events.contains(&noise.to_string()), "{noise} in {events:?}");
    }
    assert!(
        mentions.contains(&"/country/TWN".to_string()),
        "Taiwan is mentioned: {mentions:?}"
    );
}

#[test]
fn seed_article_taiwan_is_a_mention_not_an_actor() {
    let index = shared_index();
    let hit = seed_hit(index);
    let actors = strings(&hit["actors"]);
    let mentions = strings(&hit["mentions"]);
    assert!(mentions.contains(&"/country/TWN".to_string()), "{mentions:?}");
    assert!(
        !actors.iter().any(|a| a.starts_with("/country/TWN")),
        "Taiwan is not an actor: {actors:?}"
    );
}

// ---------------------------------------------------------------------------
// Filters
// ---------------------------------------------------------------------------

/// Runs `*` with a filter, checks each hit with `keep`, and that the facet
/// count for `facet_path` (if given) equals the total.
fn check_filter(
    index: &TestIndex,
    filter: &[&str],
    facet: Option<(&str, &str)>,
    keep: impl Fn(&Value) -> bool,
) -> Value {
    let mut args = filter.to_vec();
    args.extend(["-n", "100", "--facet-limit", "1000"]);
    let v = index.search("*", &args);
    assert!(total(&v) > 0, "{filter:?} matched nothing");
    assert!(total(&v) < 26, "{filter:?} filtered nothing");
    assert_eq!(hits(&v).len() as u64, total(&v));
    for hit in hits(&v) {
        assert!(keep(hit), "{filter:?} let through {hit}");
    }
    if let Some((facet, path)) = facet {
        assert_eq!(
            facet_count(&v, facet, path),
            Some(total(&v)),
            "{filter:?}: facets.{facet} count for {path} should equal total {}: {}",
            total(&v),
            v["facets"][facet]
        );
    }
    v
}

fn has(hit: &Value, field: &str, path: &str) -> bool {
    strings(&hit[field]).iter().any(|p| p == path)
}

#[test]
fn actor_filter_by_path_and_by_name() {
    let index = shared_index();
    let by_path = check_filter(
        index,
        &["--actor", "/country/CHN"],
        Some(("actor", "/country/CHN")),
        |h| has(h, "actors", "/country/CHN"),
    );
    let by_name = check_filter(index, &["--actor", "China"], Some(("actor", "/country/CHN")), |h| {
        has(h, "actors", "/country/CHN")
    });
    let mut a = ids(&by_path);
    let mut b = ids(&by_name);
    a.sort();
    b.sort();
    assert_eq!(a, b, "`China` resolves to /country/CHN");
    assert!(a.iter().any(|id| id == "wire-0001"));
}

#[test]
fn event_filters() {
    let index = shared_index();
    check_filter(index, &["--event", "accuse"], None, |h| {
        strings(&h["events"])
            .iter()
            .any(|e| e == "/accuse" || e.starts_with("/accuse/"))
    });
    check_filter(
        index,
        &["--event", "/coerce/cyber"],
        Some(("event", "/coerce/cyber")),
        |h| has(h, "events", "/coerce/cyber"),
    );
}

#[test]
fn event_type_filter_facet_count_equals_total() {
    let index = shared_index();
    check_filter(index, &["--event", "accuse"], Some(("event", "/accuse")), |h| {
        strings(&h["events"])
            .iter()
            .any(|e| e == "/accuse" || e.starts_with("/accuse/"))
    });
}

#[test]
fn dyad_and_mention_filters() {
    let index = shared_index();
    let v = check_filter(
        index,
        &["--dyad", "GBR:accuse:CHN"],
        Some(("dyad", "/GBR/accuse/CHN")),
        |h| has(h, "dyads", "/GBR/accuse/CHN"),
    );
    assert!(hits(&v)[0]["title"].as_str().unwrap().contains("Electoral Commission"));
    let path_form = index.search("*", &["--dyad", "/GBR/accuse/CHN"]);
    assert_eq!(ids(&path_form), ids(&v), "both dyad spellings agree");

    check_filter(
        index,
        &["--mention", "Wang Yi"],
        Some(("mention", "/person/wang-yi")),
        |h| has(h, "mentions", "/person/wang-yi"),
    );
    check_filter(
        index,
        &["--mention", "/country/TWN"],
        Some(("mention", "/country/TWN")),
        |h| has(h, "mentions", "/country/TWN"),
    );
}

#[test]
fn source_filter_is_case_insensitive() {
    let index = shared_index();
    let exact = check_filter(index, &["--source", "Newsdex Wire"], None, |h| {
        h["source"] == "Newsdex Wire"
    });
    let lower = index.search("*", &["--source", "newsdex wire", "-n", "100"]);
    let upper = index.search("*", &["--source", "NEWSDEX WIRE", "-n", "100"]);
    assert_eq!(ids(&exact), ids(&lower));
    assert_eq!(ids(&exact), ids(&upper));
    // Repeating --source means any of them.
    let either = index.search(
        "*",
        &["--source", "Newsdex Wire", "--source", "sample gazette", "-n", "100"],
    );
    let sample = index.search("*", &["--source", "Sample Gazette", "-n", "100"]);
    assert_eq!(total(&either), total(&exact) + total(&sample));
}

#[test]
fn filters_repeat_for_all_comma_for_either_not_to_exclude() {
    let index = shared_index();
    let all = |args: &[&str]| -> Vec<String> {
        let mut args = args.to_vec();
        args.extend(["-n", "100"]);
        let mut got = ids(&index.search("*", &args));
        got.sort();
        got
    };
    let everything = all(&[]);
    let china = all(&["--actor", "China"]);
    let us = all(&["--actor", "/country/USA"]);
    assert!(!china.is_empty() && !us.is_empty());
    let both = all(&["--actor", "China", "--actor", "/country/USA"]);
    let either = all(&["--actor", "China,/country/USA"]);
    for id in &everything {
        let (in_china, in_us) = (china.contains(id), us.contains(id));
        assert_eq!(both.contains(id), in_china && in_us, "{id}: both");
        assert_eq!(either.contains(id), in_china || in_us, "{id}: either");
    }
    let not_china = all(&["--not-actor", "China"]);
    assert_eq!(not_china.len() + china.len(), everything.len());
    assert!(not_china.iter().all(|id| !china.contains(id)));
    let neither = all(&["--not-actor", "China", "--not-actor", "/country/USA"]);
    assert_eq!(neither, all(&["--not-actor", "China,/country/USA"]));
    assert!(neither.iter().all(|id| !china.contains(id) && !us.contains(id)));
    // Exclusions combine with requirements and with each other's kinds.
    let accuse = all(&["--event", "accuse"]);
    let accuse_not_china = all(&["--event", "accuse", "--not-actor", "China"]);
    assert_eq!(
        accuse_not_china,
        accuse
            .iter()
            .filter(|id| !china.contains(id))
            .cloned()
            .collect::<Vec<_>>()
    );
    let wire = all(&["--source", "Newsdex Wire"]);
    let not_wire = all(&["--not-source", "newsdex wire"]);
    assert_eq!(wire.len() + not_wire.len(), everything.len());
    let dyad = all(&["--dyad", "GBR:accuse:CHN"]);
    assert!(!dyad.is_empty());
    assert!(all(&["--dyad", "GBR:accuse:CHN", "--not-dyad", "GBR:accuse:CHN"]).is_empty());
    let r = run(index.cmd().args(["search", "*", "--not-event", "bogus"]));
    assert_one_line_error(&r, "--not-event bogus");
}

#[test]
fn date_range_filter() {
    let index = shared_index();
    let v = check_filter(index, &["--from", "2024-01-01", "--to", "2024-03-26"], None, |h| {
        let date = h["date"].as_str().unwrap_or("");
        ("2024-01-01".."2024-03-27").contains(&&date[..10.min(date.len())])
    });
    // --to is inclusive of the whole day.
    assert!(
        hits(&v).iter().any(|h| h["date"] == "2024-03-26T09:15:00Z"),
        "an article at 09:15 on the --to day is kept: {v}"
    );
    // Undated articles never match a date filter.
    assert!(hits(&v).iter().all(|h| !h["date"].is_null()));
    let from_only = index.search("*", &["--from", "2024-03-01", "-n", "100"]);
    for hit in hits(&from_only) {
        assert!(hit["date"].as_str().expect("dated") >= "2024-03-01");
    }
    assert!(total(&from_only) > 0);
}

#[test]
fn filters_do_not_change_scores() {
    let index = shared_index();
    let plain = scores(&index.search("china", &["-n", "100"]));
    for filter in [
        &["--actor", "/country/CHN"][..],
        &["--source", "Newsdex Wire"],
        &["--from", "2023-01-01"],
        &["--event", "accuse"],
    ] {
        let mut args = filter.to_vec();
        args.extend(["-n", "100"]);
        let filtered = scores(&index.search("china", &args));
        assert!(!filtered.is_empty(), "{filter:?} kept nothing");
        assert!(filtered.len() <= plain.len());
        for (id, score) in &filtered {
            assert_eq!(Some(score), plain.get(id), "score of {id} changed with {filter:?}");
        }
    }
}

#[test]
fn filters_do_not_change_scores_of_match_all() {
    let index = shared_index();
    let plain = scores(&index.search("*", &["-n", "100"]));
    let filtered = scores(&index.search("*", &["--actor", "/country/CHN", "-n", "100"]));
    for (id, score) in &filtered {
        assert_eq!(Some(score), plain.get(id), "score of {id}");
    }
}

// ---------------------------------------------------------------------------
// Match all, sorting, paging
// ---------------------------------------------------------------------------

#[test]
fn star_matches_everything_and_sort_by_date() {
    let index = shared_index();
    let all = index.search("*", &["-n", "100"]);
    assert_eq!(total(&all), 26);
    assert_eq!(hits(&all).len(), 26);

    let by_date = index.search("*", &["--sort", "date", "-n", "100"]);
    assert_eq!(total(&by_date), 26);
    let dates: Vec<Option<&str>> = hits(&by_date).iter().map(|h| h["date"].as_str()).collect();
    let dated: Vec<&str> = dates.iter().flatten().copied().collect();
    assert!(dated.len() >= 19, "{dates:?}");
    for pair in dated.windows(2) {
        assert!(pair[0] >= pair[1], "not newest first: {dates:?}");
    }
    // Undated articles come after every dated one.
    let first_undated = dates.iter().position(Option::is_none).unwrap_or(dates.len());
    assert!(
        dates[first_undated..].iter().all(Option::is_none),
        "undated articles are last: {dates:?}"
    );
    assert_eq!(dated[0], "2024-05-03T09:00:00Z");
}

#[test]
fn limit_and_offset_page_through_results() {
    let index = shared_index();
    for sort in ["relevance", "date"] {
        let all = index.search("*", &["--sort", sort, "-n", "100"]);
        let all_ids = ids(&all);
        let mut paged = Vec::new();
        for offset in (0..26).step_by(7) {
            let page = index.search("*", &["--sort", sort, "--limit", "7", "--offset", &offset.to_string()]);
            assert_eq!(total(&page), 26, "total is the whole result set");
            let page_hits = hits(&page);
            assert_eq!(page_hits.len(), 7.min(26 - offset));
            for (i, hit) in page_hits.iter().enumerate() {
                assert_eq!(hit["rank"], offset + i + 1, "ranks continue across pages");
            }
            paged.extend(ids(&page));
        }
        if sort == "date" {
            assert_eq!(paged, all_ids, "pages concatenate to the full list");
        } else {
            // All `*` scores tie, so only check that paging covers every
            // article exactly once.
            let mut a = paged.clone();
            let mut b = all_ids.clone();
            a.sort();
            b.sort();
            assert_eq!(a, b, "pages cover every article once");
        }
    }
    // Relevance paging on a real query.
    let full = ids(&index.search("china", &["-n", "100"]));
    let first = ids(&index.search("china", &["-n", "2"]));
    let second = ids(&index.search("china", &["-n", "2", "--offset", "2"]));
    assert_eq!(first, full[..2]);
    assert_eq!(second, full[2..4]);
    // Past the end: no hits, but the total is still reported.
    let past = index.search("china", &["--offset", "100"]);
    assert!(hits(&past).is_empty());
    assert_eq!(total(&past) as usize, full.len());
}

// ---------------------------------------------------------------------------
// Snippets and stemming
// ---------------------------------------------------------------------------

/// The highlighted strings of a hit's snippet; panics if a range is invalid.
fn highlighted(hit: &Value) -> Vec<String> {
    let text = hit["snippet"]["text"].as_str().expect("snippet text");
    hit["snippet"]["highlights"]
        .as_array()
        .expect("highlights")
        .iter()
        .map(|r| {
            let s = r[0].as_u64().unwrap() as usize;
            let e = r[1].as_u64().unwrap() as usize;
            assert!(s < e, "empty range {r} in {text:?}");
            text.get(s..e)
                .unwrap_or_else(|| panic!("range {r} is not a slice of {text:?}"))
                .to_string()
        })
        .collect()
}

#[test]
fn snippets_highlight_query_terms() {
    let index = shared_index();
    for word in ["china", "Ukraine", "ransomware", "strike"] {
        let v = index.search(word, &["-n", "100"]);
        assert!(total(&v) > 0, "{word}");
        for hit in hits(&v) {
            let marked = highlighted(hit);
            assert!(!marked.is_empty(), "`{word}`: no highlight in {hit}");
            for m in marked {
                assert!(
                    m.to_lowercase().starts_with(&word.to_lowercase()),
                    "`{word}` highlighted {m:?}"
                );
            }
        }
    }
}

#[test]
fn stemming_matches_other_word_forms() {
    let index = shared_index();
    let v = index.search("sanctioned", &["-n", "100"]);
    assert!(total(&v) >= 2, "{v}");
    let mut forms = Vec::new();
    for hit in hits(&v) {
        for m in highlighted(hit) {
            assert!(m.to_lowercase().starts_with("sanction"), "highlighted {m:?}");
            forms.push(m.to_lowercase());
        }
    }
    assert!(
        forms.iter().any(|f| f == "sanctions"),
        "`sanctioned` finds articles that say `sanctions`: {forms:?}"
    );
    let ids = ids(&v);
    assert!(
        ids.iter().any(|id| id == "3f6c2a1e-8b4d-4c7a-9e21-5d0b7a6f1c01"),
        "the EU lifts sanctions article: {ids:?}"
    );
}

// ---------------------------------------------------------------------------
// JSON output shape
// ---------------------------------------------------------------------------

#[test]
fn json_output_has_every_documented_field() {
    let index = shared_index();
    let v = index.search("china", &[]);
    assert_eq!(v["query"], "china");
    assert!(v["total"].is_u64());
    assert!(v["took_ms"].is_number());
    assert!(!hits(&v).is_empty());
    for (i, hit) in hits(&v).iter().enumerate() {
        assert_eq!(hit["rank"], i + 1);
        assert!(hit["score"].is_number(), "{hit}");
        assert!(hit["id"].is_string());
        assert!(hit["title"].is_string());
        for key in ["date", "source", "url"] {
            assert!(
                hit[key].is_string() || hit[key].is_null(),
                "{key} present (string or null): {hit}"
            );
            assert!(hit.get(key).is_some(), "{key} key present: {hit}");
        }
        for key in ["actors", "events", "mentions", "dyads"] {
            assert!(hit[key].is_array(), "{key}: {hit}");
            strings(&hit[key]);
        }
        assert!(hit["snippet"]["text"].is_string());
        assert!(hit["snippet"]["highlights"].is_array());
        highlighted(hit);
    }
    let with_url = hits(&v)
        .iter()
        .find(|h| h["id"] == "wire-0001")
        .expect("wire-0001 mentions China");
    assert!(with_url["url"].as_str().unwrap().contains("example."));
    for facet in ["actor", "event", "mention", "dyad"] {
        let list = v["facets"][facet]
            .as_array()
            .unwrap_or_else(|| panic!("facets.{facet}: {v}"));
        assert!(!list.is_empty(), "facets.{facet}");
        for c in list {
            assert!(c["path"].as_str().unwrap().starts_with('/'), "{c}");
            assert!(c["count"].as_u64().unwrap() >= 1, "{c}");
        }
    }
    // --sort date: no relevance score.
    let by_date = index.search("china", &["--sort", "date"]);
    assert!(hits(&by_date).iter().all(|h| h["score"].is_null()));
}

// ---------------------------------------------------------------------------
// Re-indexing
// ---------------------------------------------------------------------------

#[test]
fn reindexing_is_idempotent() {
    let index = index_corpus();
    let r = index.index_path(&corpus_dir(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let s = summary(&r.stderr);
    assert_eq!(s["read"], 26);
    assert_eq!(s["added"], 0, "{}", r.stderr);
    assert_eq!(s["updated"], 0, "{}", r.stderr);
    assert_eq!(s["unchanged"], 26, "{}", r.stderr);
    assert_eq!(index.articles(), 26);
}

/// A copy of `corpus/` in a temp dir.
fn copy_corpus(to: &Path) {
    for entry in walk(&corpus_dir()) {
        let rel = entry.strip_prefix(corpus_dir()).unwrap();
        let dest = to.join(rel);
        fs::create_dir_all(dest.parent().unwrap()).unwrap();
        fs::copy(&entry, &dest).unwrap();
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from:?} not in {}", path.display());
    fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn editing_an_article_with_an_id_updates_it() {
    let copy = TempDir::new().unwrap();
    copy_corpus(copy.path());
    let index = TestIndex::empty();
    let r = index.index_path(copy.path(), &[]);
    assert_eq!(summary(&r.stderr)["indexed"], 26, "{}", r.stderr);

    // wire-0002 in wire.jsonl carries an explicit ID.
    edit(
        &copy.path().join("jsonl/wire.jsonl"),
        "Baerbock",
        "Baerbock (quokkaword)",
    );
    let r = index.index_path(copy.path(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let s = summary(&r.stderr);
    assert_eq!(s["updated"], 1, "{}", r.stderr);
    assert_eq!(s["added"], 0, "{}", r.stderr);
    assert_eq!(s["unchanged"], 25, "{}", r.stderr);
    assert_eq!(index.articles(), 26);
    let v = index.search("quokkaword", &[]);
    assert_eq!(total(&v), 1);
    assert_eq!(hits(&v)[0]["id"], "wire-0002");
}

/// Text files have no id of their own: they are content-addressed (a hash of
/// title and body), so an edited text file is a new article and the old
/// version stays until deleted. Documented in the README.
#[test]
fn editing_a_text_article_adds_a_new_version() {
    let copy = TempDir::new().unwrap();
    copy_corpus(copy.path());
    let index = TestIndex::empty();
    index.index_path(copy.path(), &[]);
    edit(
        &copy.path().join("dated/002-opec-output-cut.txt"),
        "barrels",
        "barrels (quokkaword)",
    );
    let r = index.index_path(copy.path(), &[]);
    let s = summary(&r.stderr);
    assert_eq!((s["added"], s["updated"], s["unchanged"]), (1, 0, 25), "{}", r.stderr);
    assert_eq!(index.articles(), 27);
}

// ---------------------------------------------------------------------------
// Bad inputs
// ---------------------------------------------------------------------------

const GOOD_FIXTURE_TITLES: &[(&str, &str)] = &[
    ("bakery", "Fixture bakery wins regional bread prize"),
    ("lighthouse", "Fixture lighthouse keepers vote to unionise"),
    ("ferry", "Fixture ferry timetable changes for winter"),
    ("orchard", "Fixture orchard harvest beats forecasts"),
    ("museum", "Fixture museum reopens after renovation"),
    ("tram", "Fixture tram line extension approved"),
];

#[test]
fn bad_inputs_are_reported_and_good_records_indexed() {
    let tmp = TempDir::new().unwrap();
    let rejects = tmp.path().join("rejects.jsonl");
    let index = TestIndex::empty();
    let r = index.index_path(&bad_dir(), &["--rejects", rejects.to_str().unwrap()]);
    assert_eq!(
        r.code, 0,
        "without --strict, rejections do not fail the run: {}",
        r.stderr
    );

    // stderr names each bad file, with the line or record, and a reason.
    let rejected: Vec<&str> = r.stderr.lines().filter(|l| l.starts_with("rejected ")).collect();
    for (place, reason) in [
        ("broken.jsonl:3:", "invalid JSON"),
        ("broken.jsonl:5:", "no body"),
        ("array-bad.json record 2:", "number"),
        ("latin1.txt:1:", "UTF-8"),
        ("truncated.jsonl.gz:3:", "truncated"),
        ("binary.bin:", "binary"),
        ("empty.txt:", "empty"),
    ] {
        assert!(
            rejected.iter().any(|l| l.contains(place) && l.contains(reason)),
            "no `rejected ...{place} ...{reason}` line in:\n{}",
            r.stderr
        );
    }
    assert!(
        !rejected.iter().any(|l| l.contains("good.txt")),
        "good.txt is not rejected:\n{}",
        r.stderr
    );
    // The ids bad-1 and bad-2 are in both broken.jsonl and truncated.jsonl.gz;
    // the second one read is reported as a duplicate.
    for id in ["bad-1", "bad-2"] {
        assert!(
            r.stderr.lines().any(|l| l.starts_with("duplicate ")
                && l.contains(&format!("{id:?}"))
                && (l.contains("truncated.jsonl.gz:") || l.contains("broken.jsonl:"))),
            "no duplicate line for {id}:\n{}",
            r.stderr
        );
    }

    // The counts reconcile.
    let s = summary(&r.stderr);
    assert_eq!(
        s["read"],
        s["indexed"] + s["duplicates"] + s["rejected"],
        "{}",
        r.stderr
    );
    assert_eq!(s["duplicates"], s["unchanged"] + s["repeated in this run"]);
    assert_eq!(s["indexed"], 6, "{}", r.stderr);
    assert_eq!(s["rejected"], 7, "{}", r.stderr);
    assert_eq!(s["repeated in this run"], 2, "{}", r.stderr);
    assert_eq!(s["read"], 15, "{}", r.stderr);
    assert_eq!(index.articles(), 6);

    // Good records are searchable.
    for (word, title) in GOOD_FIXTURE_TITLES {
        if ["lighthouse", "ferry"].contains(word) {
            continue; // bad-1 and bad-2: see below
        }
        let v = index.search(word, &[]);
        assert_eq!(total(&v), 1, "`{word}`: {v}");
        assert_eq!(hits(&v)[0]["title"], *title);
    }
    // Of each id given twice, exactly one version is indexed. (Which one
    // depends on thread timing; see `duplicate_ids_keep_the_first_file_in_order`.)
    for (id, words) in [("bad-1", ["lighthouse", "canal"]), ("bad-2", ["ferry", "library"])] {
        let found: u64 = words.iter().map(|w| total(&index.search(w, &[]))).sum();
        assert_eq!(found, 1, "one version of {id} is indexed");
    }
    // The record after the gzip damage is never indexed.
    assert_eq!(total(&index.search("bridge", &[])), 0);

    // The rejects file: one JSON object per rejected record.
    let text = fs::read_to_string(&rejects).expect("rejects file written");
    let records: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(records.len() as u64, s["rejected"], "{text}");
    for rec in &records {
        assert!(rec["file"].is_string(), "{rec}");
        assert!(rec["reason"].as_str().is_some_and(|r| !r.is_empty()), "{rec}");
    }
    let find = |name: &str| -> Vec<&Value> {
        records
            .iter()
            .filter(|r| r["file"].as_str().unwrap().ends_with(name))
            .collect()
    };
    let broken = find("broken.jsonl");
    let mut lines: Vec<u64> = broken.iter().map(|r| r["line"].as_u64().unwrap()).collect();
    lines.sort();
    assert_eq!(lines, [3, 5]);
    assert_eq!(find("array-bad.json")[0]["record"], 2);
    assert_eq!(find("truncated.jsonl.gz")[0]["line"], 3);
    assert_eq!(find("latin1.txt").len(), 1);
    assert_eq!(find("binary.bin").len(), 1);
    assert_eq!(find("empty.txt").len(), 1);
    assert!(find("good.txt").is_empty());
}

#[test]
fn duplicate_ids_keep_the_first_file_in_order() {
    // broken.jsonl sorts before truncated.jsonl.gz, so its bad-1 and bad-2
    // ("lighthouse", "ferry") should be the ones kept, every time.
    for attempt in 0..8 {
        let index = TestIndex::empty();
        let r = index.index_path(&bad_dir(), &["--quiet"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        for (word, title) in &GOOD_FIXTURE_TITLES[1..3] {
            let v = index.search(word, &[]);
            assert_eq!(total(&v), 1, "attempt {attempt}: `{word}` ({title}) was not kept");
        }
    }
}

#[test]
fn truncated_gzip_keeps_the_lines_before_the_damage() {
    let index = TestIndex::empty();
    let r = index.index_path(&bad_dir().join("truncated.jsonl.gz"), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let s = summary(&r.stderr);
    assert_eq!(s["indexed"], 2, "{}", r.stderr);
    assert_eq!(s["rejected"], 1, "{}", r.stderr);
    assert_eq!(total(&index.search("canal", &[])), 1);
    assert_eq!(total(&index.search("library", &[])), 1);
    assert_eq!(total(&index.search("bridge", &[])), 0);
}

#[test]
fn strict_exits_2_when_something_was_rejected() {
    let index = TestIndex::empty();
    let r = index.index_path(&bad_dir(), &["--strict", "--quiet"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("newsdex: error:"), "{}", r.stderr);
    assert!(r.stderr.contains("--strict"), "{}", r.stderr);
    // The good records were still indexed.
    assert_eq!(index.articles(), 6);
    // --quiet: no per-record lines, only the summary and the error.
    assert!(!r.stderr.lines().any(|l| l.starts_with("rejected ")), "{}", r.stderr);

    // A clean corpus with --strict exits 0.
    let clean = TestIndex::empty();
    let r = clean.index_path(&corpus_dir(), &["--strict"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

// ---------------------------------------------------------------------------
// Exit codes and errors
// ---------------------------------------------------------------------------

#[test]
fn search_exit_codes() {
    let index = shared_index();
    let r = run(index.cmd().args(["search", "china"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(index.cmd().args(["search", "xyzzyplugh"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    let r = run(index.cmd().args(["search", "zebra unicorn"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("--any"), "suggests --any: {}", r.stderr);
    let r = run(index.cmd().args(["search", "zebra unicorn", "--json"]));
    assert_eq!(r.code, 1);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(total(&v), 0);
}

#[test]
fn bad_requests_are_one_line_errors() {
    let index = shared_index();
    let cases: &[&[&str]] = &[
        &["search", "china", "--from", "2024-13-01"],
        &["search", "china", "--to", "yesterday"],
        &["search", "china", "--actor", "/nonsense"],
        &["search", "china", "--actor", "Narnia"],
        &["search", "china", "--mention", "Xyzzyland"],
        &["search", "china", "--mention", "/event/frobnicate"],
        &["search", "china", "--actor", "/event/accuse"],
        &["search", "china", "--event", "frobnicate"],
        &["search", "china", "--dyad", "GBR:frobnicate:CHN"],
        &["search", "china", "--dyad", "GBR-CHN"],
        &["search", "the of and"],
        &["search", "the of and", "--any"],
        &["search", ""],
        &["search", "china", "--from", "2024-02-01", "--to", "2024-01-01"],
    ];
    for args in cases {
        let r = run(index.cmd().args(*args));
        assert_one_line_error(&r, &format!("{args:?}"));
        assert!(r.stdout.is_empty(), "{args:?}: stdout {:?}", r.stdout);
    }
}

#[test]
fn text_that_is_not_query_language_is_searched_as_its_words() {
    let index = shared_index();
    for (query, words) in [
        ("\"cyberattack", "cyberattack"),
        ("OPINION: China sanctions", "OPINION China sanctions"),
        ("title:( china", "title china"),
        ("China - Japan talks", "China Japan talks"),
    ] {
        let r = run(index.cmd().args(["search", query, "--json"]));
        assert!(r.code == 0 || r.code == 1, "{query:?} exited {}: {}", r.code, r.stderr);
        let note = format!("note: read `{query}` as the words `{words}`");
        assert!(r.stderr.starts_with(&note), "{query:?}: {}", r.stderr);
        assert_eq!(r.stderr.matches("note:").count(), 1, "{query:?}: {}", r.stderr);
        let v: Value = serde_json::from_str(&r.stdout).unwrap();
        assert!(
            v["query_note"].as_str().unwrap().starts_with(&note["note: ".len()..]),
            "{v}"
        );
        // The same words typed plainly find the same articles.
        let plain = index.search(words, &[]);
        assert_eq!(ids(&v), ids(&plain), "{query:?}");
    }
    // Valid query language gets no note.
    let r = run(index.cmd().args(["search", "title:china", "--json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.is_empty(), "{}", r.stderr);
}

#[test]
fn brackets_around_plain_words_rank_as_the_plain_words() {
    let index = shared_index();
    let scores = |v: &Value| -> Vec<(String, String)> {
        v["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| (h["id"].as_str().unwrap().to_string(), h["score"].to_string()))
            .collect()
    };
    for any in [false, true] {
        let flags: &[&str] = if any { &["--any"] } else { &[] };
        let bracketed = index.search("China (hackers) attacked", flags);
        let plain = index.search("China hackers attacked", flags);
        assert!(total(&plain) > 0, "{plain}");
        assert_eq!(scores(&bracketed), scores(&plain), "--any {any}");
    }
    // With an operator, brackets still group: (a OR b) AND c is not a AND b AND c.
    let grouped = index.search("(hackers OR sanctions) china", &[]);
    let all_words = index.search("hackers sanctions china", &[]);
    assert!(total(&grouped) > total(&all_words), "{grouped} {all_words}");
}

#[test]
fn several_arguments_are_one_query_and_a_quoted_one_a_phrase() {
    let index = shared_index();
    let split = run(index.cmd().args(["search", "electoral commission", "china", "--json"]));
    assert_eq!(split.code, 0, "{}", split.stderr);
    let v: Value = serde_json::from_str(&split.stdout).unwrap();
    assert_eq!(v["query"], "\"electoral commission\" china");
    let typed = index.search("\"electoral commission\" china", &[]);
    assert_eq!(ids(&v), ids(&typed));
    // Alone, one argument is the whole query, not a phrase.
    let whole = index.search("electoral commission", &[]);
    assert_eq!(whole["query"], "electoral commission");
    let words = run(index
        .cmd()
        .args(["search", "--any", "why", "did", "china", "ban", "seafood", "--json"]));
    assert_eq!(words.code, 0, "{}", words.stderr);
    let v: Value = serde_json::from_str(&words.stdout).unwrap();
    assert_eq!(v["query"], "why did china ban seafood");
    assert!(total(&v) > 0);
}

#[test]
fn missing_index_is_a_one_line_error() {
    let tmp = TempDir::new().unwrap();
    let missing = tmp.path().join("no-such-index");
    for args in [&["search", "china"][..], &["stats"], &["stats", "--json"]] {
        let r = run(newsdex(&missing).args(args));
        assert_one_line_error(&r, &format!("{args:?}"));
    }
    // --index overrides the environment.
    let index = shared_index();
    let r = run(newsdex(&missing)
        .arg("--index")
        .arg(&index.path)
        .args(["search", "china"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!missing.exists(), "searching must not create an index");
}

#[test]
fn any_finds_articles_for_natural_language_questions() {
    let index = shared_index();
    let question = "how did the kremlin respond to the grid attack blame";
    let all = index.search(question, &[]);
    assert_eq!(total(&all), 0);
    let any = index.search(question, &["--any"]);
    assert!(total(&any) > 0);
    let top: Vec<String> = ids(&any).into_iter().take(3).collect();
    let sandworm = index.search("substations", &[]);
    let sandworm_id = hits(&sandworm)[0]["id"].as_str().unwrap().to_string();
    assert!(
        top.contains(&sandworm_id),
        "the Sandworm grid article ranks near the top: {any}"
    );
}

// ---------------------------------------------------------------------------
// Colour and text output
// ---------------------------------------------------------------------------

#[test]
fn colour_choices() {
    let index = shared_index();
    let never = run(index.cmd().args(["search", "china", "--color", "never"]));
    assert_eq!(never.code, 0);
    assert!(!never.stdout.contains(ESC), "{:?}", never.stdout);
    let always = run(index.cmd().args(["search", "china", "--color", "always"]));
    assert_eq!(always.code, 0);
    assert!(always.stdout.contains(ESC), "{:?}", always.stdout);
    let auto = run(index
        .cmd()
        .args(["search", "china", "--color", "auto"])
        .env("NO_COLOR", "1"));
    assert_eq!(auto.code, 0);
    assert!(!auto.stdout.contains(ESC), "{:?}", auto.stdout);
    // Not a terminal: auto means no colour even without NO_COLOR.
    let piped = run(index.cmd().args(["search", "china"]));
    assert!(!piped.stdout.contains(ESC), "{:?}", piped.stdout);
    // Without colour, the text is the coloured text with the escapes removed.
    assert_eq!(strip_ansi(&always.stdout), never.stdout);
}

fn strip_ansi(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == ESC {
            // CSI: ESC [ params final-byte
            if chars.next() == Some('[') {
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn text_output_lists_rank_date_title_and_id() {
    let index = shared_index();
    let r = run(index
        .cmd()
        .args(["search", "\"Electoral Commission\"", "--color", "never"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    let first = lines[0];
    assert!(first.trim_start().starts_with("1."), "{first:?}");
    assert!(first.contains("2024-03-26"), "{first:?}");
    assert!(
        first.contains("The UK on Monday accused China of launching cyberattacks"),
        "{first:?}"
    );
    assert!(lines.iter().any(|l| l.trim_start().starts_with("id ")), "{}", r.stdout);
    let id_line = lines.iter().find(|l| l.trim_start().starts_with("id ")).unwrap();
    // Facets show by name ("United Kingdom", not /country/GBR).
    assert!(id_line.contains("United Kingdom"), "{id_line:?}");
    assert!(!id_line.contains("/country/"), "{id_line:?}");
    assert!(r.stderr.contains("of 1 articles"), "{}", r.stderr);

    // An article with a source shows it on the hit line.
    let r = run(index.cmd().args(["search", "Baerbock", "--color", "never"]));
    let first = r.stdout.lines().next().unwrap();
    assert!(
        first.contains("2024-05-03") && first.contains("Example Times"),
        "{first:?}"
    );
    assert!(r.stdout.contains("id wire-0002"), "{}", r.stdout);

    // --facets prints facet blocks after the hits.
    let r = run(index.cmd().args(["search", "china", "--facets", "--color", "never"]));
    for block in ["actors", "events", "mentions", "dyads"] {
        assert!(
            r.stdout.lines().any(|l| l == block),
            "no `{block}` block in:\n{}",
            r.stdout
        );
    }
}

#[test]
fn stats_text_output() {
    let index = shared_index();
    let r = run(index.cmd().arg("stats"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .lines()
            .any(|l| l.starts_with("articles") && l.ends_with(" 26")),
        "{}",
        r.stdout
    );
    let stats = index.stats();
    assert_eq!(stats["first_date"], "2022-10-12T00:00:00Z");
    assert_eq!(stats["last_date"], "2024-05-03T09:00:00Z");
}

#[test]
fn facet_values_carry_labels_and_group_aliases_resolve() {
    let index = shared_index();
    let v = index.search("\"Electoral Commission\"", &["--facets"]);
    let labels = v["labels"].as_object().expect("a labels map");
    assert_eq!(labels["/country/GBR"], "United Kingdom", "{labels:?}");
    assert_eq!(labels["/group/G0128"], "APT31", "{labels:?}");
    for hit in hits(&v) {
        for path in strings(&hit["actors"]).iter().chain(&strings(&hit["dyads"])) {
            assert!(labels.contains_key(path), "no label for {path}: {labels:?}");
        }
    }
    // Any alias of a group filters to it.
    let by_alias = index.search("*", &["--actor", "Violet Typhoon"]);
    let by_path = index.search("*", &["--actor", "/group/G0128"]);
    assert!(total(&by_path) > 0);
    assert_eq!(ids(&by_alias), ids(&by_path));
}

#[test]
fn facet_counts_list_worded_events_apart_from_the_entities_named() {
    let index = shared_index();
    let v = index.search("*", &["--facets", "--limit", "1"]);
    let paths = |list: &str| -> Vec<String> {
        v["facets"][list]
            .as_array()
            .unwrap_or_else(|| panic!("facets.{list} missing: {v}"))
            .iter()
            .map(|c| c["path"].as_str().expect("path").to_string())
            .collect()
    };
    let (mentions, worded) = (paths("mention"), paths("worded_event"));
    assert!(!mentions.is_empty() && !worded.is_empty(), "{v}");
    assert!(mentions.iter().all(|p| !p.starts_with("/event/")), "{mentions:?}");
    assert!(worded.iter().all(|p| p.starts_with("/event/")), "{worded:?}");
    // Each count is the number of articles `--mention` finds.
    let first = &v["facets"]["worded_event"][0];
    let filtered = index.search("*", &["--mention", first["path"].as_str().unwrap()]);
    assert_eq!(total(&filtered), first["count"].as_u64().unwrap());
    assert_eq!(
        v["labels"][first["path"].as_str().unwrap()],
        first["path"].as_str().unwrap()["/event/".len()..]
    );
}

#[test]
fn mention_finds_every_article_that_words_an_event_reported_or_not() {
    let index = shared_index();
    let all = ["--limit", "1000"];
    let reported = index.search("*", &[&["--event", "/accuse"][..], &all].concat());
    let worded = index.search("*", &[&["--mention", "/event/accuse"][..], &all].concat());
    assert!(total(&reported) > 0, "{reported}");
    assert!(
        total(&worded) > total(&reported),
        "recall: {} worded, {} reported",
        total(&worded),
        total(&reported)
    );
    let worded_ids = ids(&worded);
    for id in ids(&reported) {
        assert!(worded_ids.contains(&id), "{id} reports an accusation it does not word");
    }
    // Modes too.
    let cyber = index.search("*", &["--mention", "/event/coerce/cyber"]);
    assert!(total(&cyber) > 0, "{cyber}");
}

// ---------------------------------------------------------------------------
// Ranking: fields, proximity, explanations
// ---------------------------------------------------------------------------

/// An index of the given (id, title, body) articles, as JSON Lines.
fn index_of(articles: &[(&str, &str, &str)]) -> (TempDir, TestIndex) {
    let dir = TempDir::new().unwrap();
    let lines: Vec<String> = articles
        .iter()
        .map(|(id, title, body)| {
            serde_json::json!({"id": id, "title": title, "body": body, "date": "2024-03-01"}).to_string()
        })
        .collect();
    fs::write(dir.path().join("articles.jsonl"), lines.join("\n")).unwrap();
    let index = TestIndex::empty();
    let r = index.index_path(dir.path(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    (dir, index)
}

#[test]
fn words_standing_together_rank_above_the_same_words_apart() {
    let filler = "The weather was mild and the markets were calm through the week. ".repeat(4);
    let (_dir, index) = index_of(&[
        (
            "apart",
            "Regional news roundup",
            &format!("The commission met on Monday. {filler} Turnout in the electoral district was low."),
        ),
        (
            "together",
            "Regional news roundup",
            &format!("The electoral commission met on Monday. {filler} Turnout in the district was low."),
        ),
        ("neither", "Sports", "The team won again."),
    ]);
    for mode in [&[][..], &["--any"][..]] {
        let v = index.search("electoral commission", mode);
        assert_eq!(ids(&v)[..2], ["together", "apart"], "{mode:?}: {v}");
    }
    // A quoted phrase stays strict.
    let v = index.search("\"electoral commission\"", &[]);
    assert_eq!(ids(&v), ["together"]);
}

#[test]
fn explain_gives_the_score_per_word_and_field_and_where_each_facet_came_from() {
    let index = shared_index();
    let v = index.search("china sanctions", &["--explain", "--limit", "3"]);
    assert!(total(&v) > 0, "{v}");
    for hit in hits(&v) {
        let explain = &hit["explain"];
        let value = explain["ranking"]["value"].as_f64().expect("ranking value");
        assert!((value - hit["score"].as_f64().unwrap()).abs() < 1e-3, "{explain}");
        let tree = explain["ranking"].to_string();
        assert!(
            tree.contains("bm25f `china`") && tree.contains("f from the body"),
            "{tree}"
        );
        // Every facet the hit carries is explained (the index was tagged
        // with these dictionaries), each by a cue found in its sentence.
        assert_eq!(explain["unexplained"], serde_json::json!([]), "{explain}");
        let explained: Vec<&str> = explain["facets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["facet"].as_str().unwrap())
            .collect();
        for list in ["actors", "events", "dyads"] {
            for facet in hit[list].as_array().unwrap() {
                assert!(
                    explained.contains(&facet.as_str().unwrap()),
                    "{facet} unexplained: {explain}"
                );
            }
        }
        for facet in explain["facets"].as_array().unwrap() {
            let (cue, sentence) = (facet["cue"].as_str().unwrap(), facet["sentence"].as_str().unwrap());
            assert!(!cue.is_empty() && sentence.contains(cue), "{facet}");
        }
    }
    let text = run(index
        .cmd()
        .args(["search", "china", "sanctions", "--explain", "--limit", "1"]));
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(
        text.stdout.contains("score:") && text.stdout.contains("facets:"),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains(" ← “"), "{}", text.stdout);
    // Without the flag, hits carry no explanation.
    let plain = index.search("china sanctions", &["--limit", "1"]);
    assert!(hits(&plain)[0].get("explain").is_none());
}

// ---------------------------------------------------------------------------
// Tagging without an index
// ---------------------------------------------------------------------------

/// `newsdex tag` with `stdin` as its input.
fn tag_stdin(stdin: &[u8], args: &[&str]) -> Run {
    use std::io::Write as _;
    use std::process::Stdio;
    let dir = TempDir::new().unwrap();
    let mut child = newsdex(&dir.path().join("unused-index"))
        .arg("tag")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("newsdex runs");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    let run = Run {
        code: out.status.code().expect("exited normally"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    common::assert_no_panic(&"newsdex tag", &run.stderr);
    run
}

#[test]
fn tag_streams_json_lines_in_order_and_says_which_line_was_bad() {
    // More articles than one batch, so that order across batches is tested.
    let mut input = String::new();
    for i in 0..600 {
        if i == 300 {
            input.push_str("{\"id\": \"broken\", \n");
        }
        input.push_str(&format!(
            "{}\n",
            serde_json::json!({"id": format!("a{i:03}"), "title": "UK accuses China of cyberattack",
                               "body": format!("The United Kingdom accused China of a cyberattack on day {i}."),
                               "date": "2024-03-25"})
        ));
    }
    let r = tag_stdin(input.as_bytes(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<Value> = r.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let ids: Vec<String> = lines.iter().map(|v| v["id"].as_str().unwrap().to_string()).collect();
    let expected: Vec<String> = (0..600).map(|i| format!("a{i:03}")).collect();
    assert_eq!(ids, expected);
    assert!(r.stderr.contains("rejected <stdin>:301:"), "{}", r.stderr);
    assert!(r.stderr.contains("read 601 · tagged 600 · rejected 1"), "{}", r.stderr);
    let first = &lines[0];
    assert!(
        strings(&first["dyads"]).contains(&"/GBR/accuse/CHN".to_string()),
        "{first}"
    );
    assert_eq!(first["labels"]["/GBR/accuse/CHN"], "United Kingdom → China: accuse");
    let evidence = &first["evidence"][0];
    assert!(
        evidence["sentence"].as_str().unwrap().contains("accused China"),
        "{first}"
    );
    // gzip'd input reads the same.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, input.as_bytes()).unwrap();
    let zipped = tag_stdin(&gz.finish().unwrap(), &["-", "--quiet"]);
    assert_eq!(zipped.code, 0, "{}", zipped.stderr);
    assert_eq!(zipped.stdout, r.stdout);
    assert!(zipped.stderr.is_empty(), "{}", zipped.stderr);
}

#[test]
fn tag_gives_each_article_the_facets_the_index_gives_it() {
    let index = shared_index();
    let r = run(index.cmd().arg("tag").arg(corpus_dir()));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let tagged: Vec<Value> = r.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let all = index.search("*", &["--limit", "1000"]);
    let by_id: HashMap<String, &Value> = hits(&all)
        .iter()
        .map(|h| (h["id"].as_str().unwrap().to_string(), h))
        .collect();
    assert_eq!(tagged.len(), by_id.len(), "{}", r.stderr);
    for article in &tagged {
        let hit = by_id[article["id"].as_str().unwrap()];
        for facet in ["actors", "events", "mentions", "dyads"] {
            assert_eq!(article[facet], hit[facet], "{facet} of {}", article["id"]);
        }
    }
    // Nothing to tag: exit 1.
    let empty = tag_stdin(b"", &[]);
    assert_eq!(empty.code, 1, "{}", empty.stderr);
}

#[test]
fn completions_and_manual_pages_come_from_the_flags() {
    let index = TestIndex::empty();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let r = run(index.cmd().args(["completions", shell]));
        assert_eq!(r.code, 0, "{shell}: {}", r.stderr);
        assert!(r.stdout.contains("not-actor"), "{shell} completes the filter flags");
    }
    let r = run(index.cmd().args(["completions", "tcsh"]));
    assert_eq!(r.code, 2, "an unknown shell is a usage error");
    let page = run(index.cmd().arg("man"));
    assert_eq!(page.code, 0);
    assert!(
        page.stdout.contains(".TH newsdex 1"),
        "{}",
        &page.stdout[..200.min(page.stdout.len())]
    );
    assert!(page.stdout.contains("search"));
    let dir = TempDir::new().unwrap();
    let r = run(index.cmd().arg("man").arg("--dir").arg(dir.path()));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let search_page = fs::read_to_string(dir.path().join("newsdex-search.1")).expect("a page per command");
    assert!(
        search_page.contains("not\\-source"),
        "the search page lists the filters"
    );
}

fn timeline(index: &TestIndex, args: &[&str]) -> Value {
    let r = run(index.cmd().arg("timeline").args(args).arg("--json"));
    assert!(
        r.code == 0 || r.code == 1,
        "timeline {args:?} exited {}: {}",
        r.code,
        r.stderr
    );
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("timeline output is not JSON ({e}):\n{}", r.stdout))
}

/// The last day of the period starting on `start`.
fn period_end(start: &str, by: &str) -> String {
    let day = chrono::NaiveDate::parse_from_str(start, "%Y-%m-%d").unwrap();
    let next = match by {
        "day" => day + chrono::Days::new(1),
        "week" => day + chrono::Days::new(7),
        "month" => day + chrono::Months::new(1),
        _ => day + chrono::Months::new(12),
    };
    (next - chrono::Days::new(1)).format("%Y-%m-%d").to_string()
}

#[test]
fn timeline_counts_are_search_counts() {
    let index = shared_index();
    for (query, filters) in [("*", vec![]), ("china", vec![]), ("*", vec!["--event", "accuse"])] {
        for by in ["week", "month", "year"] {
            let mut args = vec![query, "--by", by];
            args.extend(&filters);
            let v = timeline(index, &args);
            let series = &v["series"][0];
            let mut search_args = filters.clone();
            search_args.extend(["-n", "0"]);
            let all = index.search(query, &search_args);
            assert_eq!(series["total"], all["total"], "{query} {filters:?}: total");
            let periods = v["periods"].as_array().unwrap();
            let summed: u64 = periods.iter().map(|p| p["counts"][0].as_u64().unwrap()).sum();
            assert_eq!(summed + series["undated"].as_u64().unwrap(), total(&all));
            // Periods run without gaps, each as many articles as `search` finds in it.
            for pair in periods.windows(2) {
                let end = period_end(pair[0]["start"].as_str().unwrap(), by);
                let next = chrono::NaiveDate::parse_from_str(&end, "%Y-%m-%d").unwrap() + chrono::Days::new(1);
                assert_eq!(
                    pair[1]["start"],
                    next.format("%Y-%m-%d").to_string(),
                    "no gap after {}",
                    pair[0]
                );
            }
            for period in periods.iter().filter(|p| p["counts"][0] != 0).take(6) {
                let start = period["start"].as_str().unwrap();
                let end = period_end(start, by);
                let mut args = search_args.clone();
                args.extend(["--from", start, "--to", &end]);
                let within = index.search(query, &args);
                assert_eq!(period["counts"][0], within["total"], "{query} {by} {start}");
            }
            // The same histogram in search --json.
            let mut args = search_args.clone();
            args.extend(["--histogram", by]);
            let histogram = &index.search(query, &args)["histogram"];
            let counts: Vec<&Value> = histogram["buckets"]
                .as_array()
                .unwrap()
                .iter()
                .map(|b| &b["count"])
                .collect();
            let expected: Vec<&Value> = periods.iter().map(|p| &p["counts"][0]).collect();
            assert_eq!(counts, expected, "search --histogram {by} for {query}");
        }
    }
}

#[test]
fn timeline_compares_normalises_zooms_and_exports() {
    let index = shared_index();
    let v = timeline(
        index,
        &[
            "china",
            "--compare",
            "russia",
            "--compare",
            "*",
            "--by",
            "month",
            "--normalize",
        ],
    );
    let series = v["series"].as_array().unwrap();
    assert_eq!(series.len(), 3);
    assert_eq!(series[1]["query"], "russia");
    for period in v["periods"].as_array().unwrap() {
        let all = period["articles"].as_u64().unwrap();
        let counts = period["counts"].as_array().unwrap();
        assert_eq!(
            counts[2].as_u64().unwrap(),
            all,
            "`*` counts every article of the period"
        );
        for (count, share) in counts.iter().zip(period["shares"].as_array().unwrap()) {
            let expected = if all == 0 {
                0.0
            } else {
                count.as_f64().unwrap() / all as f64
            };
            assert!((share.as_f64().unwrap() - expected).abs() < 1e-9);
        }
    }
    let zoomed = timeline(
        index,
        &["*", "--from", "2024-01-01", "--to", "2024-03-31", "--by", "month"],
    );
    let labels: Vec<&str> = zoomed["periods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["2024-01", "2024-02", "2024-03"]);
    let csv = run(index
        .cmd()
        .args(["timeline", "china", "--compare", "russia", "--by", "year", "--csv"]));
    assert_eq!(csv.code, 0, "{}", csv.stderr);
    let mut lines = csv.stdout.lines();
    assert_eq!(lines.next(), Some("period,start,china,russia"));
    assert!(lines.all(|l| l.split(',').count() == 4));
    let chart = run(index
        .cmd()
        .args(["timeline", "china", "--by", "year"])
        .env("COLUMNS", "60"));
    assert_eq!(chart.code, 0);
    assert!(
        chart.stdout.lines().all(|l| l.chars().count() <= 60),
        "fits 60 columns:\n{}",
        chart.stdout
    );
    assert!(
        chart.stdout.contains('#') && !chart.stdout.contains(ESC),
        "plain when piped:\n{}",
        chart.stdout
    );
    let none = run(index.cmd().args(["timeline", "zzzyyqx"]));
    assert_eq!(none.code, 1, "no matches: exit 1");
    let bad = run(index.cmd().args(["timeline", "china", "--by", "decade"]));
    assert_eq!(bad.code, 2, "a usage error: {}", bad.stderr);
    assert!(bad.stderr.contains("possible values: day, week, month, year"));
}

/// Reads every row of a Parquet file as JSON, and its `newsdex_export` stamp.
fn parquet_rows(path: &Path) -> (Vec<Value>, Value) {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let reader = SerializedFileReader::new(fs::File::open(path).unwrap()).expect("a parquet file");
    let stamp = reader
        .metadata()
        .file_metadata()
        .key_value_metadata()
        .and_then(|kv| kv.iter().find(|kv| kv.key == "newsdex_export"))
        .and_then(|kv| kv.value.clone())
        .expect("the stamp in the file's metadata");
    let rows = reader
        .get_row_iter(None)
        .unwrap()
        .map(|row| row.expect("a row").to_json_value())
        .collect();
    (rows, serde_json::from_str(&stamp).unwrap())
}

#[test]
fn exports_hold_every_hit_in_rank_order_with_a_stamp() {
    let index = shared_index();
    let dir = TempDir::new().unwrap();
    let filters = ["--not-actor", "Russia"];
    let search = index.search("china OR trade", &[&filters[..], &["-n", "100", "--evidence"]].concat());
    let expected = ids(&search);
    assert!(expected.len() > 3, "enough hits to order: {}", expected.len());
    let export = |name: &str, extra: &[&str]| -> PathBuf {
        let path = dir.path().join(name);
        let r = run(index
            .cmd()
            .args(["search", "china OR trade"])
            .args(filters)
            .arg("--export")
            .arg(&path)
            .args(extra));
        assert_eq!(r.code, 0, "export {name}: {}", r.stderr);
        assert!(
            r.stderr.contains(&format!("exported {} articles", expected.len())),
            "{}",
            r.stderr
        );
        path
    };

    let jsonl = fs::read_to_string(export("hits.jsonl", &[])).unwrap();
    let mut lines = jsonl
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("each line is JSON"));
    let stamp = lines.next().unwrap();
    let stamp = &stamp["newsdex_export"];
    assert_eq!(stamp["query"], "china OR trade");
    assert_eq!(stamp["filters"]["actor"]["none_of"][0], "/country/RUS");
    assert!(stamp["index_manifest"]["dictionary_checksum"].is_string());
    assert!(
        stamp["index_manifest"]["corpus"][0]["xxh3"].is_string(),
        "corpus hashes: {stamp}"
    );
    assert!(stamp["command"].as_array().unwrap().iter().any(|a| a == "--export"));
    let rows: Vec<Value> = lines.collect();
    let got: Vec<&str> = rows.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(got, expected, "the whole result set, ranked as search ranks it");
    for (row, hit) in rows.iter().zip(hits(&search)) {
        for field in [
            "actors", "events", "mentions", "dyads", "evidence", "score", "date", "title",
        ] {
            assert_eq!(row[field], hit[field], "{field} of {}", hit["id"]);
        }
    }
    assert!(
        rows.iter().any(|r| !r["evidence"].as_array().unwrap().is_empty()),
        "dyad evidence is exported"
    );

    let csv_path = export("hits.csv", &["--bom"]);
    let bytes = fs::read(&csv_path).unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "--bom");
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header[..4], ["rank", "score", "id", "date"]);
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("valid CSV")).collect();
    assert_eq!(records.iter().map(|r| r[2].to_string()).collect::<Vec<_>>(), expected);
    for (record, row) in records.iter().zip(&rows) {
        assert_eq!(record[5], *row["title"].as_str().unwrap(), "titles survive quoting");
        assert_eq!(record[7], strings(&row["actors"]).join("; "));
    }
    let sidecar: Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("hits.csv.stamp.json")).unwrap()).unwrap();
    assert_eq!(sidecar["query"], "china OR trade");

    let (parquet, stamp) = parquet_rows(&export("hits.parquet", &[]));
    assert_eq!(stamp["query"], "china OR trade");
    assert_eq!(parquet.len(), rows.len());
    for (record, row) in parquet.iter().zip(&rows) {
        assert_eq!(record["id"], row["id"]);
        assert_eq!(record["title"], row["title"]);
        let list = |v: &Value| -> Vec<String> {
            v.as_array()
                .map(|a| a.iter().map(|s| s.as_str().unwrap().to_string()).collect())
                .unwrap_or_default()
        };
        assert_eq!(list(&record["actors"]), strings(&row["actors"]));
        assert_eq!(list(&record["dyads"]), strings(&row["dyads"]));
        let evidence: Vec<(String, String)> = record["evidence"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| {
                        (
                            e["dyad"].as_str().unwrap().into(),
                            e["sentence"].as_str().unwrap().into(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let expected: Vec<(String, String)> = row["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["dyad"].as_str().unwrap().into(),
                    e["sentence"].as_str().unwrap().into(),
                )
            })
            .collect();
        assert_eq!(evidence, expected);
    }

    // A format the name does not give, and a folder that is not there: a
    // one-line error and no file left behind.
    let r = run(index
        .cmd()
        .args(["search", "china", "--export"])
        .arg(dir.path().join("hits.txt")));
    assert_one_line_error(&r, "export to .txt");
    let r = run(index
        .cmd()
        .args(["search", "china", "--export"])
        .arg(dir.path().join("nowhere/hits.csv")));
    assert_one_line_error(&r, "export into a missing folder");
    let left: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 4, "only the three exports and the stamp: {left:?}");
    // To standard output, with --format.
    let r = run(index
        .cmd()
        .args(["search", "china", "--export", "-", "--format", "jsonl"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("{\"newsdex_export\""));
}
