//! Helpers shared by the lifecycle, fault and hostile-input tests: the binary
//! in a clean environment, run outcomes, summaries, and a generated corpus.

#![allow(dead_code)]

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn corpus_dir() -> PathBuf {
    manifest_dir().join("corpus")
}

pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_newsdex"))
}

/// The binary with a clean environment, pointed at `index`.
pub fn newsdex(index: &Path) -> Command {
    let mut cmd = Command::new(binary());
    cmd.env_clear().env("NEWSDEX_INDEX", index).current_dir(manifest_dir());
    cmd
}

/// What a finished run left behind.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// What `src/main.rs`'s panic hook prints instead of the panic message
/// (`newsdex: error: internal failure (MESSAGE at FILE:LINE); ...`).
pub const PANIC_HOOK_TEXT: &str = "newsdex: error: internal failure";

/// Fails the test if `stderr` shows that newsdex panicked: the hook's line,
/// or Rust's default `panicked at` message should the hook not be installed
/// (a panic before it, or in a thread that outlives it).
pub fn assert_no_panic(what: &dyn std::fmt::Debug, stderr: &str) {
    if stderr.contains("panicked") || stderr.contains(PANIC_HOOK_TEXT) {
        // A command line can be huge (hostile queries): show its start.
        let what: String = format!("{what:?}").chars().take(400).collect();
        panic!("newsdex panicked running {what}:\n{stderr}");
    }
}

pub fn run(cmd: &mut Command) -> Run {
    let out = cmd.output().expect("newsdex runs");
    let run = Run {
        code: out.status.code().expect("exited normally, not by a signal"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert_no_panic(cmd, &run.stderr);
    run
}

/// Runs and expects exit 0.
pub fn ok(cmd: &mut Command) -> Run {
    let r = run(cmd);
    assert_eq!(r.code, 0, "{cmd:?} failed:\n{}", r.stderr);
    r
}

/// Asserts an error exit: code 2, exactly one stderr line `newsdex: error: ...`.
pub fn assert_one_line_error(r: &Run, what: &str) {
    assert_eq!(r.code, 2, "{what}: expected exit 2, stderr: {}", r.stderr);
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{what}: stderr is not one line: {:?}", r.stderr);
    assert!(
        lines[0].starts_with("newsdex: error: "),
        "{what}: stderr does not start with `newsdex: error:`: {:?}",
        r.stderr
    );
}

pub fn stats(index: &Path) -> Value {
    let r = ok(newsdex(index).args(["stats", "--json"]));
    serde_json::from_str(&r.stdout).expect("stats output is JSON")
}

pub fn articles(index: &Path) -> u64 {
    stats(index)["articles"].as_u64().expect("articles")
}

/// `search QUERY ARGS --json` → total (exit 0 or 1).
pub fn total(index: &Path, query: &str, args: &[&str]) -> u64 {
    let r = run(newsdex(index).arg("search").arg(query).args(args).arg("--json"));
    assert!(
        r.code == 0 || r.code == 1,
        "search {query:?} exited {}: {}",
        r.code,
        r.stderr
    );
    let v: Value = serde_json::from_str(&r.stdout).expect("search output is JSON");
    v["total"].as_u64().expect("total")
}

/// The ids of every article in the index.
pub fn all_ids(index: &Path) -> Vec<String> {
    let r = ok(newsdex(index).args(["search", "*", "--limit", "1000000", "--snippet", "20", "--json"]));
    let v: Value = serde_json::from_str(&r.stdout).expect("JSON");
    v["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| h["id"].as_str().expect("id").to_string())
        .collect()
}

/// The counts in the end-of-run summary line
/// (`read N · indexed N (added N, updated N) · duplicates N (unchanged N, repeated in this run N) · rejected N · ...`).
pub fn summary(stderr: &str) -> std::collections::BTreeMap<&'static str, u64> {
    let line = stderr
        .lines()
        .rev()
        .find(|l| l.starts_with("read "))
        .unwrap_or_else(|| panic!("no summary line in stderr:\n{stderr}"));
    let mut counts = std::collections::BTreeMap::new();
    for key in [
        "read",
        "indexed",
        "added",
        "updated",
        "duplicates",
        "unchanged",
        "repeated in this run",
        "rejected",
        "warnings",
    ] {
        let pattern = format!("{key} ");
        let at = line
            .match_indices(&pattern)
            .map(|(i, _)| i)
            .find(|&i| i == 0 || !line[..i].ends_with(char::is_alphanumeric))
            .unwrap_or_else(|| panic!("no `{key}` in summary: {line}"));
        let digits: String = line[at + pattern.len()..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        let n = digits
            .parse()
            .unwrap_or_else(|_| panic!("no number after `{key}` in summary: {line}"));
        counts.insert(key, n);
    }
    counts
}

const COUNTRIES: &[&str] = &[
    "China", "Japan", "Britain", "France", "Germany", "Russia", "Ukraine", "India", "Brazil", "Iran",
];
const VERBS: &[&str] = &["accused", "sanctioned", "praised", "criticised", "met", "warned"];

/// Writes `files` JSON Lines files of `per_file` small articles each into
/// `dir`, ids `<prefix>-<file>-<n>`, source `<prefix> Wire`, dated 2024.
pub fn generate_corpus(dir: &Path, prefix: &str, files: usize, per_file: usize) -> u64 {
    fs::create_dir_all(dir).unwrap();
    let mut state = 0x9e37_79b9_7f4a_7c15u64 ^ prefix.len() as u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for f in 0..files {
        let path = dir.join(format!("{prefix}-{f:03}.jsonl"));
        let mut out = std::io::BufWriter::new(fs::File::create(path).unwrap());
        for n in 0..per_file {
            let a = COUNTRIES[(next() % 10) as usize];
            let b = COUNTRIES[(next() % 10) as usize];
            let mut body = String::new();
            for day in 0..4 {
                let verb = VERBS[(next() % 6) as usize];
                body.push_str(&format!("{a} {verb} {b} over trade and security on day {day}. "));
            }
            let record = serde_json::json!({
                "id": format!("{prefix}-{f}-{n}"),
                "title": format!("{a} and {b}: story {prefix} {f} {n}"),
                "body": body,
                "date": format!("2024-03-{:02}", 1 + n % 28),
                "source": format!("{prefix} Wire"),
            });
            writeln!(out, "{record}").unwrap();
        }
    }
    (files * per_file) as u64
}

/// Siblings of the index that only an unfinished write leaves behind.
pub fn leftovers(index: &Path) -> Vec<PathBuf> {
    let name = index.file_name().unwrap().to_string_lossy().to_string();
    let mut found: Vec<PathBuf> = fs::read_dir(index.parent().unwrap())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| {
            let n = e.file_name().to_string_lossy().to_string();
            n.starts_with(&format!("{name}.building-")) || n.starts_with(&format!("{name}.old-"))
        })
        .map(|e| e.path())
        .collect();
    found.sort();
    found
}

/// A copy of the built-in dictionaries (`index-schema/`) with every row that
/// names China's ISO code removed, so re-tagging with it drops /country/CHN.
pub fn dictionaries_without_china(to: &Path) -> PathBuf {
    let from = manifest_dir().join("index-schema");
    copy_dir(&from, to);
    for entry in fs::read_dir(to.join("actors")).unwrap() {
        let path = entry.unwrap().path();
        let text = fs::read_to_string(&path).unwrap();
        let kept: Vec<&str> = text
            .lines()
            .filter(|l| !l.split('\t').any(|cell| cell == "CHN"))
            .collect();
        fs::write(&path, kept.join("\n") + "\n").unwrap();
    }
    to.to_path_buf()
}

pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &dest);
        } else {
            fs::copy(entry.path(), dest).unwrap();
        }
    }
}

/// The ids of the hits of a `--json` answer (search, a watched query), in order.
pub fn hit_ids(results: &Value) -> Vec<String> {
    results["hits"]
        .as_array()
        .expect("a hits array")
        .iter()
        .map(|h| h["id"].as_str().expect("a hit id").to_string())
        .collect()
}
