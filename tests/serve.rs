//! `newsdex serve` end to end: the real binary on a free loopback port, an
//! index of `corpus/`, and plain HTTP. The API answers what the CLI's
//! `--json` answers; bad and hostile requests get a 4xx and the server goes
//! on; a commit beside it is seen without a restart; SIGTERM stops it.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::Duration;

use common::{corpus_dir, newsdex, ok};
use serde_json::Value;
use tempfile::TempDir;

/// A running server, stopped (SIGTERM, then kill) when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(index: &Path, extra: &[&str]) -> Server {
        let mut child = newsdex(index)
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(extra)
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("newsdex serve starts");
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        stderr.read_line(&mut line).unwrap();
        let base = line
            .split("listening on ")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_string();
        // Keep reading stderr so that the server never blocks on it.
        std::thread::spawn(move || {
            let mut rest = String::new();
            let _ = stderr.read_to_string(&mut rest);
        });
        Server { child, base }
    }

    fn get(&self, path: &str) -> (u16, String) {
        match ureq::get(&format!("{}{path}", self.base))
            .timeout(Duration::from_secs(30))
            .call()
        {
            Ok(response) => (response.status(), response.into_string().unwrap()),
            Err(ureq::Error::Status(code, response)) => (code, response.into_string().unwrap()),
            Err(err) => panic!("GET {path}: {err}"),
        }
    }

    fn json(&self, path: &str) -> Value {
        let (status, body) = self.get(path);
        assert_eq!(status, 200, "GET {path}: {body}");
        serde_json::from_str(&body).unwrap()
    }

    fn error(&self, path: &str, expected: u16) -> String {
        let (status, body) = self.get(path);
        assert_eq!(status, expected, "GET {path}: {body}");
        let body: Value = serde_json::from_str(&body).unwrap_or_else(|_| panic!("{path}: not JSON: {body}"));
        assert_eq!(body["status"], expected);
        body["error"].as_str().unwrap().to_string()
    }

    fn terminate(&mut self) -> i32 {
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        for _ in 0..100 {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().unwrap_or(-1);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("the server did not stop on SIGTERM");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn index_of_corpus(tmp: &TempDir) -> std::path::PathBuf {
    let index = tmp.path().join("index");
    ok(newsdex(&index).args(["index", "--quiet"]).arg(corpus_dir()));
    index
}

#[test]
fn the_api_answers_what_the_cli_answers() {
    let tmp = TempDir::new().unwrap();
    let index = index_of_corpus(&tmp);
    let server = Server::start(&index, &[]);
    let cli = |args: &[&str]| -> Value {
        let r = ok(newsdex(&index).arg("search").args(args).arg("--json"));
        serde_json::from_str(&r.stdout).unwrap()
    };
    for (path, args) in [
        ("/api/search?q=china", vec!["china"]),
        (
            "/api/search?q=china&actor=China&not-event=sanction&limit=3",
            vec!["china", "--actor", "China", "--not-event", "sanction", "-n", "3"],
        ),
        (
            "/api/search?q=election+hacking&any=true",
            vec!["--any", "election hacking"],
        ),
        (
            "/api/search?q=*&sort=date&offset=2&limit=4",
            vec!["*", "--sort", "date", "--offset", "2", "-n", "4"],
        ),
        (
            "/api/search?q=trade&facet-limit=3&evidence=1",
            vec!["trade", "--facet-limit", "3", "--evidence"],
        ),
    ] {
        let api = server.json(path);
        let cli = cli(&args);
        assert_eq!(common::hit_ids(&api), common::hit_ids(&cli), "{path}");
        assert_eq!(api["total"], cli["total"], "{path}");
        assert_eq!(api["facets"], cli["facets"], "{path}");
        assert_eq!(api["labels"], cli["labels"], "{path}");
        assert_eq!(api["hits"][0]["snippet"], cli["hits"][0]["snippet"], "{path}");
    }

    let timeline = server.json("/api/timeline?q=*&by=month");
    let r = ok(newsdex(&index).args(["timeline", "*", "--by", "month", "--json"]));
    assert_eq!(timeline, serde_json::from_str::<Value>(&r.stdout).unwrap());

    let stats = server.json("/api/stats");
    assert_eq!(stats["articles"], 26);

    let article = server.json("/api/articles/wire-0002");
    assert_eq!(article["id"], "wire-0002");
    assert!(article["body"].as_str().unwrap().len() > 200, "the whole body");
    assert!(article["labels"].as_object().unwrap().len() > 1);
    let missing = server.error("/api/articles/no-such-article", 404);
    assert!(missing.contains("no-such-article"), "{missing}");

    // The export is the whole result set, streamed, with its stamp first.
    let (status, body) = server.get("/api/export?q=*&format=jsonl");
    assert_eq!(status, 200);
    assert_eq!(body.lines().count(), 26 + 1);
    assert!(body.starts_with("{\"newsdex_export\""));
    let (status, csv) = server.get("/api/export?q=china&format=csv");
    assert_eq!(status, 200);
    assert!(csv.starts_with("rank,score,id,"), "{}", &csv[..40.min(csv.len())]);
}

#[test]
fn bad_and_hostile_requests_get_a_4xx_and_the_server_goes_on() {
    let tmp = TempDir::new().unwrap();
    let index = index_of_corpus(&tmp);
    let server = Server::start(&index, &[]);
    let big = "x".repeat(20_000);
    for (path, status, says) in [
        ("/api/search?q=china&nope=1", 400, "unknown parameter `nope`"),
        (
            "/api/search?q=china&export=/tmp/x.csv",
            400,
            "unknown parameter `export`",
        ),
        (
            "/api/search?q=china&dictionaries=/etc",
            400,
            "unknown parameter `dictionaries`",
        ),
        ("/api/search?q=china&limit=100000", 400, "limit + offset"),
        ("/api/search?q=china&offset=999&limit=10", 400, "limit + offset"),
        ("/api/search?q=china&limit=-1", 400, "invalid value"),
        ("/api/search?q=china&from=2024-02-30", 400, "2024-02-30"),
        ("/api/search?q=china&actor=/planet/mars", 400, "/planet/mars"),
        ("/api/search?q=a+an+the", 400, "no searchable words"),
        ("/api/search?q=%ZZ%ZZ", 400, "malformed percent-encoding"),
        ("/api/stats?top=lots", 400, "`top`"),
        ("/api/export?q=*&format=exe", 400, "`format`"),
        ("/api/nothing", 404, "nothing at"),
        ("/../../etc/passwd", 404, ""),
        ("/%2e%2e/%2e%2e/etc/passwd", 404, ""),
        ("/api/articles/..%2F..%2Fetc%2Fpasswd", 404, "no article"),
    ] {
        let message = server.error(path, status);
        assert!(message.contains(says), "{path}: {message}");
    }
    let message = server.error(&format!("/api/search?q={big}"), 400);
    assert!(message.contains("query string"), "{message}");

    // A body is never read: an oversized one is refused.
    let mut stream = TcpStream::connect(server.base.trim_start_matches("http://")).unwrap();
    let body = vec![b'a'; 100_000];
    write!(
        stream,
        "POST /api/search HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    let _ = stream.write_all(&body);
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    assert!(
        answer.starts_with("HTTP/1.1 405") || answer.starts_with("HTTP/1.1 413"),
        "{}",
        answer.lines().next().unwrap_or("")
    );

    // A client that connects and sends nothing does not stop others.
    let _idle = TcpStream::connect(server.base.trim_start_matches("http://")).unwrap();
    assert!(server.json("/api/search?q=china")["total"].as_u64().unwrap() > 0);
}

#[test]
fn too_many_requests_at_once_get_503_and_the_rest_are_answered() {
    let tmp = TempDir::new().unwrap();
    let index = tmp.path().join("index");
    // Enough articles that an export outgrows the socket's buffers, which
    // loopback grows to several megabytes (4,000 articles, 5 MB, were not
    // always enough).
    common::generate_corpus(&tmp.path().join("corpus"), "load", 2, 8_000);
    ok(newsdex(&index)
        .args(["index", "--quiet"])
        .arg(tmp.path().join("corpus")));
    let server = Server::start(&index, &["--max-requests", "1"]);
    // A download read slowly holds the one permit until it is dropped.
    let response = ureq::get(&format!("{}/api/export?q=*&format=jsonl", server.base))
        .call()
        .unwrap();
    let mut reader = response.into_reader();
    let mut first = [0u8; 1024];
    reader.read_exact(&mut first).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let error = server.error("/api/search?q=*", 503);
    assert!(error.contains("busy"), "{error}");
    drop(reader);
    // Once the download is gone (the export sees the hang-up), searches are
    // answered again.
    let mut answered = false;
    for _ in 0..100 {
        let (status, _) = server.get("/api/search?q=*");
        if status == 200 {
            answered = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(answered, "the permit came back after the download was dropped");
}

#[test]
fn a_commit_beside_the_server_is_seen_and_sigterm_stops_it() {
    let tmp = TempDir::new().unwrap();
    let index = index_of_corpus(&tmp);
    let mut server = Server::start(&index, &[]);
    assert_eq!(server.json("/api/search?q=zanzibarian")["total"], 0);
    let more = tmp.path().join("more.jsonl");
    std::fs::write(
        &more,
        "{\"id\":\"late-1\",\"title\":\"Zanzibarian ferry talks\",\"body\":\"Officials met to discuss the Zanzibarian ferry schedule for the coming season.\"}\n",
    )
    .unwrap();
    ok(newsdex(&index).args(["index", "--quiet"]).arg(&more));
    assert_eq!(
        server.json("/api/search?q=zanzibarian")["total"],
        1,
        "a new commit is searched"
    );
    ok(newsdex(&index)
        .args(["index", "--quiet", "--rebuild"])
        .arg(corpus_dir()));
    assert_eq!(
        server.json("/api/search?q=zanzibarian")["total"],
        0,
        "a rebuilt index is searched"
    );
    assert_eq!(server.terminate(), 0, "SIGTERM is a clean stop");
}

#[test]
fn the_page_is_served_with_its_policy_and_listening_beyond_loopback_needs_a_flag() {
    let tmp = TempDir::new().unwrap();
    let index = index_of_corpus(&tmp);
    let server = Server::start(&index, &[]);
    let response = ureq::get(&format!("{}/", server.base)).call().unwrap();
    let policy = response.header("content-security-policy").unwrap().to_string();
    assert!(policy.contains("script-src 'self'"), "{policy}");
    assert_eq!(response.header("x-content-type-options"), Some("nosniff"));
    let page = response.into_string().unwrap();
    assert!(page.contains("<script src=\"/app.js\""));
    let (status, script) = server.get("/app.js");
    assert_eq!(status, 200);
    assert!(
        !script.contains("innerHTML"),
        "article text is set as text, never as markup"
    );

    let r = common::run(newsdex(&index).args(["serve", "--addr", "0.0.0.0:0"]));
    common::assert_one_line_error(&r, "a public address without --public");
    assert!(r.stderr.contains("--public"), "{}", r.stderr);
    let r = common::run(newsdex(&tmp.path().join("none")).args(["serve", "--addr", "127.0.0.1:0"]));
    common::assert_one_line_error(&r, "no index");
}

#[test]
fn shards_are_served_as_one_index() {
    let tmp = TempDir::new().unwrap();
    let one = index_of_corpus(&tmp);
    let (a, b) = (tmp.path().join("shard-a"), tmp.path().join("shard-b"));
    ok(newsdex(&a)
        .args(["index", "--quiet"])
        .arg(corpus_dir().join("json"))
        .arg(corpus_dir().join("text")));
    ok(newsdex(&b)
        .args(["index", "--quiet"])
        .arg(corpus_dir().join("jsonl"))
        .arg(corpus_dir().join("dated"))
        .arg(corpus_dir().join("gz"))
        .arg(corpus_dir().join("seed")));
    let server = Server::start(&a, &["--index", a.to_str().unwrap(), "--index", b.to_str().unwrap()]);
    let (status, body) = server.get("/api/search?q=china&any=true&limit=100&facets=true");
    assert_eq!(status, 200, "{body}");
    let served: Value = serde_json::from_str(&body).unwrap();
    let r = ok(newsdex(&one).args(["search", "china", "--any", "--limit", "100", "--facets", "--json"]));
    let cli: Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(cli["total"].as_u64().unwrap() > 1, "{cli}");
    assert_eq!(served["total"], cli["total"]);
    assert_eq!(served["facets"], cli["facets"]);
    let scores = |v: &Value| -> Vec<String> {
        let mut s: Vec<String> = v["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| format!("{} {}", h["score"], h["id"]))
            .collect();
        s.sort();
        s
    };
    assert_eq!(scores(&served), scores(&cli));
    let (status, body) = server.get("/api/stats");
    assert_eq!(status, 200, "{body}");
    let stats: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(stats["articles"], 26, "{stats}");
}
