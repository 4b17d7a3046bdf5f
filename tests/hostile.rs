//! Hostile and broken input, generated in temporary folders: every bad record
//! is reported with its file, line or record, and reason; every good record
//! beside it is indexed; the counts reconcile. Bad queries are one-line
//! errors. (`tests/cli.rs` covers the committed fixtures in `tests/data/bad`.)
//!
//! The 50 MB article and the million tiny articles are `#[ignore]`d: `.ci/run`
//! runs them in release mode (`cargo test --release -- --ignored`).

mod common;

use std::fs;
use std::io::Write;
use std::path::Path;
use std::time::Instant;

use common::*;
use serde_json::{json, Value};
use tempfile::TempDir;

fn write_lines(path: &Path, lines: &[String]) {
    fs::write(path, lines.join("\n") + "\n").unwrap();
}

fn rejected_lines(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.starts_with("rejected ")).collect()
}

fn assert_rejected(stderr: &str, place: &str, reason: &str) {
    assert!(
        rejected_lines(stderr)
            .iter()
            .any(|l| l.contains(place) && l.contains(reason)),
        "no `rejected …{place}… {reason}` line in:\n{stderr}"
    );
}

fn assert_reconciles(stderr: &str) -> std::collections::BTreeMap<&'static str, u64> {
    let s = summary(stderr);
    assert_eq!(s["read"], s["indexed"] + s["duplicates"] + s["rejected"], "{stderr}");
    assert_eq!(s["duplicates"], s["unchanged"] + s["repeated in this run"], "{stderr}");
    s
}

fn search_json(index: &Path, query: &str, args: &[&str]) -> Value {
    let r = run(newsdex(index).arg("search").arg(query).args(args).arg("--json"));
    assert!(r.code == 0 || r.code == 1, "{query:?} {args:?}: {}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

#[test]
fn hostile_records_are_reported_and_good_ones_indexed() {
    let tmp = TempDir::new().unwrap();
    let corpus = tmp.path().join("corpus");
    fs::create_dir(&corpus).unwrap();
    let good = |id: &str, word: &str| {
        json!({"id": id, "title": format!("Good {word}"), "body": format!("A good article about {word}."), "date": "2024-01-02"}).to_string()
    };

    // Very long lines: a 5 MB article on one line, and 1 MB of garbage.
    let long_body = "lorem ipsum dolor ".repeat(5_000_000 / 18) + "zyzzyvalong";
    write_lines(
        &corpus.join("long.jsonl"),
        &[
            good("long-1", "okapi"),
            json!({"id": "long-2", "title": "Long", "body": long_body}).to_string(),
            "x".repeat(1_000_000),
            good("long-4", "narwhal"),
        ],
    );
    // Deeply nested JSON, in a line and as a whole document.
    let nested = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    write_lines(
        &corpus.join("nested.jsonl"),
        &[
            good("nest-1", "quetzal"),
            format!("{{\"id\": \"nest-2\", \"body\": {nested}}}"),
            good("nest-3", "axolotl"),
        ],
    );
    fs::write(corpus.join("nested.json"), &nested).unwrap();
    // NUL bytes, control characters and right-to-left marks.
    write_lines(
        &corpus.join("controls.jsonl"),
        &[json!({
            "id": "ctl-1",
            "title": "Evil\u{0} title\u{1b}[31m with \u{202e}reversed\u{202c} and \u{200f}marks\u{7}",
            "body": "Body with a NUL\u{0} and a bell\u{7} about pangolins.",
            "source": "Wire\u{0}\u{202e}",
            "date": "2024-02-03"
        })
        .to_string()],
    );
    // Dates far in the past and future, and dates that are not dates.
    let dates = [
        ("date-1", json!("0001-01-01")),
        ("date-2", json!("9999-12-31T23:59:59Z")),
        ("date-3", json!("1066-10-14")),
        ("date-4", json!(-62_135_596_800i64)),
        ("date-5", json!(253_402_300_799i64)),
        ("date-6", json!(1e300)),
        ("date-7", json!("-5000-01-01")),
        ("date-8", json!("+275760-09-13")),
        ("date-9", json!("2024-02-30")),
    ];
    write_lines(
        &corpus.join("dates.jsonl"),
        &dates
            .iter()
            .map(|(id, date)| json!({"id": id, "body": format!("Chronology {id}."), "date": date}).to_string())
            .collect::<Vec<_>>(),
    );
    // Duplicate ids with different content in one run: the first in file order wins.
    write_lines(
        &corpus.join("dupes-a.jsonl"),
        &[good("dup-1", "first"), good("dup-1", "second")],
    );
    write_lines(&corpus.join("dupes-b.jsonl"), &[good("dup-1", "third")]);
    // A malformed element in a JSON array, wrong field types, a bad element type.
    fs::write(
        corpus.join("array.json"),
        r#"[{"id": "arr-1", "body": "Array one about ibexes."}, 42, {"id": "arr-3", "body": {"nested": "no"}}, {"id": "arr-4", "title": 7, "body": "Array four about tapirs."}, {"id": "arr-5", "body": }]"#,
    )
    .unwrap();
    // Invalid UTF-8 inside a JSON Lines file.
    let mut bytes = good("utf-1", "gecko").into_bytes();
    bytes.extend_from_slice(b"\n{\"id\": \"utf-2\", \"body\": \"caf\xe9\"}\n");
    bytes.extend_from_slice(good("utf-3", "dingo").as_bytes());
    fs::write(corpus.join("latin.jsonl"), bytes).unwrap();
    // A truncated gzip stream.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    for n in 0..200 {
        writeln!(gz, "{}", good(&format!("gz-{n}"), "wombat")).unwrap();
    }
    let gz = gz.finish().unwrap();
    fs::write(corpus.join("cut.jsonl.gz"), &gz[..gz.len() / 2]).unwrap();
    // A symlink loop.
    fs::create_dir(corpus.join("loop")).unwrap();
    std::os::unix::fs::symlink("..", corpus.join("loop/up")).unwrap();
    // An unreadable file (root reads anything, so only checked as another user).
    let unreadable = corpus.join("secret.jsonl");
    write_lines(&unreadable, &[good("secret-1", "mongoose")]);
    let is_root = unsafe_is_root();
    fs::set_permissions(&unreadable, std::os::unix::fs::PermissionsExt::from_mode(0o000)).unwrap();

    let index = tmp.path().join("index");
    let started = Instant::now();
    let r = run(newsdex(&index).arg("index").arg(&corpus));
    assert_eq!(r.code, 0, "{}", r.stderr);
    eprintln!("indexed the hostile corpus in {:?}", started.elapsed());
    let s = assert_reconciles(&r.stderr);

    assert_rejected(&r.stderr, "long.jsonl:3:", "invalid JSON");
    assert_rejected(&r.stderr, "nested.jsonl:2:", "recursion limit");
    assert_rejected(&r.stderr, "nested.json:", "recursion limit");
    assert_rejected(&r.stderr, "array.json record 2:", "found a number");
    assert_rejected(&r.stderr, "array.json record 3:", "(the body) is an object");
    assert_rejected(&r.stderr, "array.json:1 record 5:", "invalid JSON");
    assert_rejected(&r.stderr, "latin.jsonl:2:", "UTF-8");
    assert_rejected(&r.stderr, "cut.jsonl.gz:", "truncated");
    assert_rejected(&r.stderr, "loop/up", "symlink loop");
    if is_root {
        eprintln!("running as root, which reads any file: the unreadable-file rejection is not checked");
    } else {
        assert_rejected(&r.stderr, "secret.jsonl", "permission denied");
    }
    assert!(
        r.stderr
            .lines()
            .any(|l| l.starts_with("warning ") && l.contains("array.json record 4") && l.contains("title")),
        "no warning for the numeric title:\n{}",
        r.stderr
    );
    assert!(
        r.stderr
            .lines()
            .any(|l| l.starts_with("duplicate ") && l.contains("\"dup-1\"")),
        "{}",
        r.stderr
    );
    assert_eq!(s["repeated in this run"], 2, "{}", r.stderr);

    // Good records beside the bad ones are all there.
    for word in [
        "okapi",
        "narwhal",
        "zyzzyvalong",
        "quetzal",
        "axolotl",
        "pangolins",
        "ibexes",
        "tapirs",
        "gecko",
        "dingo",
    ] {
        assert_eq!(total(&index, word, &[]), 1, "`{word}`");
    }
    assert!(total(&index, "wombat", &[]) > 0, "lines before the gzip damage");
    assert_eq!(
        total(&index, "Chronology", &[]),
        dates.len() as u64,
        "odd dates keep their article"
    );
    // The first dup-1 in file order is the one kept.
    assert_eq!(search_json(&index, "first", &[])["hits"][0]["id"], "dup-1");
    assert_eq!(total(&index, "second", &[]), 0);
    assert_eq!(total(&index, "third", &[]), 0);
    assert_eq!(articles(&index), s["indexed"]);

    // Titles come out clean; dates sort and filter without trouble.
    let ctl = search_json(&index, "pangolins", &[]);
    let title = ctl["hits"][0]["title"].as_str().unwrap();
    assert!(
        !title
            .chars()
            .any(|c| c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c) || c == '\u{200f}'),
        "{title:?}"
    );
    let text = run(newsdex(&index).args(["search", "pangolins", "--color", "never"]));
    assert!(
        !text.stdout.contains('\u{1b}') && !text.stdout.contains('\u{0}'),
        "{:?}",
        text.stdout
    );
    let by_date = search_json(&index, "Chronology", &["--sort", "date", "--limit", "20"]);
    assert_eq!(by_date["hits"].as_array().unwrap().len(), dates.len());
    // Dates the index cannot store (before 1677-09-22, after 2262-04-10) are
    // warned about and dropped; days beyond that range in filters select as
    // the range's ends do.
    // (date-5, 253402300799, reads as milliseconds: 1978.)
    for line in [1, 2, 3, 4, 6, 7, 8, 9] {
        assert!(
            r.stderr.lines().any(|l| l.starts_with("warning ")
                && l.contains(&format!("dates.jsonl:{line}:"))
                && l.contains("indexed without a date")),
            "no warning for dates.jsonl line {line}:\n{}",
            r.stderr
        );
    }
    assert_eq!(total(&index, "Chronology", &["--to", "1500-01-01"]), 0);
    assert_eq!(total(&index, "Chronology", &["--from", "9000-01-01"]), 0);
    assert_eq!(
        total(&index, "Chronology", &["--from", "1500-01-01", "--to", "9000-01-01"]),
        1,
        "only date-5 kept a date"
    );
    ok(newsdex(&index).arg("stats"));

    // The long article's snippet is short.
    let long = search_json(&index, "zyzzyvalong", &[]);
    assert!(long["hits"][0]["snippet"]["text"].as_str().unwrap().len() < 2_000);
}

fn unsafe_is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

#[test]
fn invisible_characters_do_not_split_words() {
    // Web pages carry soft hyphens and zero-width spaces inside words; they
    // must neither hide the word from search nor make a new one ("sues").
    let tmp = TempDir::new().unwrap();
    let corpus = tmp.path().join("corpus");
    fs::create_dir(&corpus).unwrap();
    let body = "Lawmakers in Ottawa debated the is\u{ad}sues of the budget while Republi\u{200b}cans waited in Wash\u{2060}ington.";
    write_lines(
        &corpus.join("web.jsonl"),
        &[json!({"id": "web-1", "title": "Budget is\u{ad}sues", "body": body, "date": "2024-03-04"}).to_string()],
    );
    fs::write(corpus.join("page.txt"), format!("Budget is\u{ad}sues\n{body}\n")).unwrap();
    let index = tmp.path().join("index");
    let first = ok(newsdex(&index).arg("index").arg(&corpus));
    assert_eq!(summary(&first.stderr)["indexed"], 2, "{}", first.stderr);
    for word in ["issues", "Republicans", "Washington"] {
        assert_eq!(total(&index, word, &[]), 2, "{word}");
    }
    let hit = search_json(&index, "issues", &[]);
    assert!(!hit["hits"][0]["title"].as_str().unwrap().contains('\u{ad}'));
    // The text file keeps the id it had before: indexing again changes nothing.
    let again = ok(newsdex(&index).arg("index").arg(&corpus));
    assert_eq!(summary(&again.stderr)["unchanged"], 2, "{}", again.stderr);
    let tagged = ok(newsdex(&index).arg("tag").arg(corpus.join("web.jsonl")));
    let tags: Value = serde_json::from_str(tagged.stdout.trim()).unwrap();
    assert!(
        !tags["mentions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m == "/event/accuse"),
        "{tags}"
    );
}

#[test]
fn name_cards_glued_into_sentences_are_removed() {
    // Scraped pages carry the pop-up card of a politician's name: the full
    // name run into three headlines of other stories and a "MORE" link.
    let tmp = TempDir::new().unwrap();
    let corpus = tmp.path().join("corpus");
    fs::create_dir(&corpus).unwrap();
    let body = "Senate Majority Leader Mitch McConnell Addison (Mitch) Mitchell McConnellGOP senators balk at \
                lengthy impeachment trial Vaping advocates confident of a flavor ban reversal Sanders gets \
                endorsement from nurses union MORE (R-Ky.) said the chamber would vote on the budget Friday.";
    write_lines(
        &corpus.join("scrape.jsonl"),
        &[
            json!({"id": "card-1", "title": "Senate to vote on the budget", "body": body, "date": "2019-11-20"})
                .to_string(),
        ],
    );
    let index = tmp.path().join("index");
    ok(newsdex(&index).arg("index").arg(&corpus));
    assert_eq!(total(&index, "budget", &[]), 1);
    // The headlines are not the article's words.
    for words in ["vaping", "nurses union", "impeachment"] {
        assert_eq!(total(&index, words, &[]), 0, "{words}");
    }
    let hit = search_json(&index, "budget", &["--snippet", "400"]);
    let snippet = hit["hits"][0]["snippet"].as_str().unwrap_or_default().to_string();
    assert!(!snippet.contains("MORE"), "{snippet}");
    let tagged = ok(newsdex(&index).arg("tag").arg(corpus.join("scrape.jsonl")));
    let tags: Value = serde_json::from_str(tagged.stdout.trim()).unwrap();
    let mentions: Vec<&str> = tags["mentions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(mentions.contains(&"/person/mitch-mcconnell"), "{mentions:?}");
    assert!(!mentions.iter().any(|m| m.contains("mcconnellgop")), "{mentions:?}");
}

#[test]
fn bad_queries_are_one_line_errors() {
    let tmp = TempDir::new().unwrap();
    let index = tmp.path().join("index");
    ok(newsdex(&index).arg("index").arg(corpus_dir()));
    let huge_words = "china ".repeat(100_000 / 6);
    let huge_nesting = "(".repeat(100_000);
    let deep = format!("{}china{}", "(".repeat(200), ")".repeat(200));
    // Broken query language is searched as its words, with a note.
    for query in [
        "(china",
        "china)",
        ")china(",
        "[2020 TO",
        "title:\"open phrase",
        "date:2024",
        "evidence:x",
    ] {
        let r = run(newsdex(&index).args(["search", query]));
        assert!(r.code == 0 || r.code == 1, "{query:?} exited {}: {}", r.code, r.stderr);
        assert!(r.stderr.starts_with("note: read `"), "{query:?}: {}", r.stderr);
        common::assert_no_panic(&query, &r.stderr);
    }
    let cases: Vec<Vec<&str>> = vec![
        vec!["search", "\""],
        vec!["search", "a an the"],
        vec!["search", &huge_words],
        vec!["search", &huge_nesting],
        vec!["search", &deep],
        vec!["search", "china", "--from", "2024-02-30"],
        vec!["search", "china", "--to", "99999-01-01"],
        vec!["search", "china", "--from=-1"],
        vec!["search", "china", "--actor", "/"],
        vec!["search", "china", "--actor", "/planet/mars"],
        vec!["search", "china", "--mention", "//"],
        vec!["search", "china", "--event", "/"],
        vec!["search", "china", "--event", ""],
        vec!["search", "china", "--dyad", "::"],
        vec!["search", "china", "--dyad", "/a/b/c/d"],
    ];
    for args in &cases {
        let r = run(newsdex(&index).args(args));
        let shown: Vec<String> = args.iter().map(|a| a.chars().take(40).collect()).collect();
        assert_one_line_error(&r, &format!("{shown:?}"));
        assert!(
            r.stderr.len() < 1_000,
            "{shown:?}: an error line of {} bytes",
            r.stderr.len()
        );
    }
}

/// One article of 50 MB: indexed whole, searchable at both ends.
#[test]
#[ignore = "50 MB of text; run in release by .ci/run"]
fn a_50_mb_article() {
    let tmp = TempDir::new().unwrap();
    let words = [
        "embargo",
        "tariff",
        "summit",
        "ceasefire",
        "ministry",
        "parliament",
        "harvest",
        "pipeline",
    ];
    let mut body = String::from("aardwolfstart ");
    let mut n = 0usize;
    while body.len() < 50_000_000 {
        body.push_str(words[n % words.len()]);
        body.push(if n % 17 == 16 { '.' } else { ' ' });
        n += 1;
    }
    body.push_str(" zebrafinishend");
    let path = tmp.path().join("huge.json");
    fs::write(&path, json!({"id": "huge", "title": "Huge", "body": body}).to_string()).unwrap();
    let index = tmp.path().join("index");
    let started = Instant::now();
    let r = ok(newsdex(&index).arg("index").arg(&path));
    eprintln!("indexed one 50 MB article in {:?}", started.elapsed());
    assert_eq!(summary(&r.stderr)["indexed"], 1);
    assert_eq!(total(&index, "aardwolfstart", &[]), 1);
    assert_eq!(total(&index, "zebrafinishend", &[]), 1);
}

/// A million tiny articles in one JSON Lines file.
#[test]
#[ignore = "a million articles; run in release by .ci/run"]
fn a_million_tiny_articles() {
    let tmp = TempDir::new().unwrap();
    let path = tmp.path().join("tiny.jsonl");
    let mut out = std::io::BufWriter::new(fs::File::create(&path).unwrap());
    const N: u64 = 1_000_000;
    for n in 0..N {
        writeln!(out, "{{\"id\":\"t{n}\",\"body\":\"w{} tiny\"}}", n % 1000).unwrap();
    }
    out.flush().unwrap();
    drop(out);
    let index = tmp.path().join("index");
    let started = Instant::now();
    let r = ok(newsdex(&index).args(["index", "--quiet"]).arg(&path));
    eprintln!("indexed {N} tiny articles in {:?}", started.elapsed());
    let s = assert_reconciles(&r.stderr);
    assert_eq!((s["read"], s["indexed"], s["rejected"]), (N, N, 0), "{}", r.stderr);
    assert_eq!(articles(&index), N);
    assert_eq!(total(&index, "w7", &[]), N / 1000);
    // Again: all unchanged, nothing added.
    let r = ok(newsdex(&index).args(["index", "--quiet"]).arg(&path));
    assert_eq!(summary(&r.stderr)["unchanged"], N, "{}", r.stderr);
}

#[test]
fn feeds_and_reuters_xml_are_read_and_other_xml_is_rejected() {
    let tmp = TempDir::new().unwrap();
    let corpus = tmp.path().join("corpus");
    fs::create_dir(&corpus).unwrap();
    fs::write(
        corpus.join("gazette.rss"),
        r#"<?xml version="1.0"?>
<rss version="2.0"><channel><title>Harbour Gazette</title>
<item><title>Lighthouse keepers win pay deal</title><guid>gazette-7</guid>
<pubDate>Mon, 04 Mar 2024 09:00:00 GMT</pubDate>
<description>&lt;p&gt;The keepers &lt;b&gt;accepted&lt;/b&gt; the offer.&lt;/p&gt;&lt;p&gt;Shifts start Monday.&lt;/p&gt;</description></item>
<item><title>Headline without text</title><guid>gazette-8</guid></item>
</channel></rss>"#,
    )
    .unwrap();
    fs::write(
        corpus.join("valley.xml"),
        r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>Valley Wire</title>
<entry><id>urn:valley:3</id><title>Orchard harvest beats forecasts</title>
<updated>2023-09-12T08:00:00Z</updated><content type="html">Growers picked &lt;i&gt;early&lt;/i&gt;.</content></entry>
</feed>"#,
    )
    .unwrap();
    fs::write(
        corpus.join("reut2-900.xml"),
        "<?xml version=\"1.0\"?>\n<LEWIS>\n<REUTERS NEWID=\"9001\"><DATE>2-MAR-1987 10:00:00.00</DATE>\
         <TEXT><TITLE>TRAM LINE EXTENSION APPROVED</TITLE><BODY>The council approved the tram line.\n Reuter\n\
         </BODY></TEXT></REUTERS>\n</LEWIS>\n",
    )
    .unwrap();
    fs::write(
        corpus.join("catalog.xml"),
        "<?xml version=\"1.0\"?><catalog><book>x</book></catalog>",
    )
    .unwrap();
    fs::write(corpus.join("README_FEEDS.txt"), "How these feeds were collected.").unwrap();
    let index = tmp.path().join("index");
    let r = run(newsdex(&index).arg("index").arg(&corpus));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let s = summary(&r.stderr);
    assert_eq!(s["read"], 5, "{}", r.stderr);
    assert_eq!(s["indexed"], 3, "{}", r.stderr);
    assert_eq!(
        s["read"],
        s["indexed"] + s["duplicates"] + s["rejected"],
        "{}",
        r.stderr
    );
    assert_rejected(&r.stderr, "gazette.rss:6", "no body text");
    assert_rejected(&r.stderr, "catalog.xml", "root is <catalog>");
    assert!(!r.stderr.contains("README_FEEDS"), "{}", r.stderr);

    let hit = search_json(&index, "keepers", &[]);
    assert_eq!(hit["total"], 1, "{hit}");
    assert_eq!(hit["hits"][0]["id"], "gazette-7");
    assert_eq!(hit["hits"][0]["source"], "Harbour Gazette");
    // The feed's HTML is read as text: its tags are no words.
    assert_eq!(total(&index, "accepted", &[]), 1);
    for word in ["p", "b", "lt"] {
        assert_eq!(total(&index, word, &[]), 0, "{word}");
    }
    assert_eq!(
        total(&index, "orchard", &["--from", "2023-09-01", "--to", "2023-09-30"]),
        1
    );
    assert_eq!(
        total(&index, "tram", &["--from", "1987-03-01", "--to", "1987-03-31"]),
        1
    );
}
