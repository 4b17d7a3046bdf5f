//! The ceiling: what tantivy 0.27 itself does with the bench corpus.
//!
//! ceiling index DIR FILE [--threads N] [--memory-mb M] [--parsers P]
//!     bulk-index FILE (JSON Lines: id, title, body, date YYYY-MM-DD or RFC 3339, source)
//!     into a fresh index in DIR with no tagging; prints {"seconds", "docs"} as JSON.
//! ceiling create DIR
//!     create an empty index with the same schema (used for tantivy-cli).
//! ceiling search DIR QUERIES REPS
//!     in-process latency: for each query (one per line, tantivy syntax,
//!     AND by default over title+body), top-10 + body snippet + total count,
//!     REPS times; prints one JSON line per query with the times in ms.
use std::io::{BufRead, BufReader, Write};
use std::time::Instant;

use tantivy::collector::{Count, TopDocs};
use tantivy::query::QueryParser;
use tantivy::schema::*;
use tantivy::snippet::SnippetGenerator;
use tantivy::{DateTime, Index, IndexWriter, TantivyDocument};

#[derive(serde::Deserialize)]
struct Rec {
    id: String,
    #[serde(default)]
    title: String,
    body: String,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    source: Option<String>,
}

fn schema() -> Schema {
    let mut b = Schema::builder();
    let text = TextOptions::default().set_stored().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("en_stem")
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    b.add_text_field("id", STRING | STORED);
    b.add_text_field("title", text.clone());
    b.add_text_field("body", text);
    b.add_date_field("date", INDEXED | STORED | FAST);
    b.add_text_field("source", STRING | STORED);
    b.build()
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn parse_date(s: &str) -> Option<DateTime> {
    let b = s.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y: i64 = s[0..4].parse().ok()?;
    let m: i64 = s[5..7].parse().ok()?;
    let d: i64 = s[8..10].parse().ok()?;
    Some(DateTime::from_timestamp_secs(days_from_civil(y, m, d) * 86400))
}

fn arg(args: &[String], name: &str, default: usize) -> usize {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

// newsdex runs on mimalloc; the ceiling does too, so that the allocator is
// not what the two differ by (1x corpus: median 7.80 → 7.18 s over three
// runs alternated with the system allocator).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> tantivy::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("create") => {
            std::fs::create_dir_all(&args[2])?;
            Index::create_in_dir(&args[2], schema())?;
            Ok(())
        }
        Some("index") => index(&args),
        Some("search") => search(&args),
        _ => {
            eprintln!("usage: ceiling index DIR FILE [--threads N] [--memory-mb M] [--parsers P] | create DIR | search DIR QUERIES REPS");
            std::process::exit(2)
        }
    }
}

fn index(args: &[String]) -> tantivy::Result<()> {
    let started = Instant::now();
    let dir = &args[2];
    let file = &args[3];
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
    let threads = arg(args, "--threads", cores);
    let memory_mb = arg(args, "--memory-mb", 1000);
    let parsers = arg(args, "--parsers", 1).max(1);
    let schema = schema();
    let (f_id, f_title, f_body, f_date, f_source) = (
        schema.get_field("id")?,
        schema.get_field("title")?,
        schema.get_field("body")?,
        schema.get_field("date")?,
        schema.get_field("source")?,
    );
    std::fs::create_dir_all(dir)?;
    let index = Index::create_in_dir(dir, schema)?;
    let writer: IndexWriter<TantivyDocument> = index.writer_with_num_threads(threads, memory_mb * 1_000_000)?;
    // One reader thread hands batches of lines to `parsers` parser threads,
    // which build documents and feed the writer's own bounded queue.
    let (tx, rx) = crossbeam_channel::bounded::<Vec<String>>(16);
    let reader_file = file.clone();
    let reader = std::thread::spawn(move || {
        let f = std::fs::File::open(&reader_file).expect("open corpus");
        let mut batch = Vec::with_capacity(256);
        for line in BufReader::with_capacity(1 << 20, f).lines() {
            batch.push(line.expect("read corpus"));
            if batch.len() == 256 {
                tx.send(std::mem::replace(&mut batch, Vec::with_capacity(256))).unwrap();
            }
        }
        if !batch.is_empty() {
            tx.send(batch).unwrap();
        }
    });
    let docs = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..parsers {
            let rx = rx.clone();
            let writer = &writer;
            let docs = &docs;
            s.spawn(move || {
                for batch in rx {
                    for line in batch {
                        let Ok(r) = serde_json::from_str::<Rec>(&line) else { continue };
                        let mut doc = TantivyDocument::default();
                        doc.add_text(f_id, &r.id);
                        doc.add_text(f_title, &r.title);
                        doc.add_text(f_body, &r.body);
                        if let Some(d) = r.date.as_deref().and_then(parse_date) {
                            doc.add_date(f_date, d);
                        }
                        if let Some(src) = &r.source {
                            doc.add_text(f_source, src);
                        }
                        writer.add_document(doc).expect("add");
                        docs.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                }
            });
        }
    });
    reader.join().unwrap();
    let mut writer = writer;
    writer.commit()?;
    writer.wait_merging_threads()?;
    println!(
        "{{\"seconds\": {:.3}, \"docs\": {}, \"threads\": {}, \"memory_mb\": {}, \"parsers\": {}}}",
        started.elapsed().as_secs_f64(),
        docs.into_inner(),
        threads,
        memory_mb,
        parsers
    );
    Ok(())
}

fn search(args: &[String]) -> tantivy::Result<()> {
    let index = Index::open_in_dir(&args[2])?;
    let queries = std::fs::read_to_string(&args[3])?;
    let reps: usize = args.get(4).and_then(|r| r.parse().ok()).unwrap_or(20);
    let schema = index.schema();
    let title = schema.get_field("title")?;
    let body = schema.get_field("body")?;
    let reader = index.reader()?;
    let searcher = reader.searcher();
    let mut parser = QueryParser::for_index(&index, vec![title, body]);
    parser.set_conjunction_by_default();
    let out = std::io::stdout();
    let mut out = out.lock();
    for q in queries.lines().filter(|l| !l.trim().is_empty()) {
        let query = match parser.parse_query(q) {
            Ok(query) => query,
            Err(e) => {
                writeln!(out, "{}", serde_json::json!({"query": q, "error": e.to_string()}))?;
                continue;
            }
        };
        let mut times = Vec::with_capacity(reps);
        let mut total = 0;
        for _ in 0..reps {
            let t = Instant::now();
            let (top, count) = searcher.search(&*query, &(TopDocs::with_limit(10).order_by_score(), Count))?;
            let gen = SnippetGenerator::create(&searcher, &*query, body)?;
            let mut chars = 0;
            for (_score, addr) in top {
                let doc: TantivyDocument = searcher.doc(addr)?;
                chars += gen.snippet_from_doc(&doc).to_html().len();
            }
            std::hint::black_box(chars);
            total = count;
            times.push(t.elapsed().as_secs_f64() * 1e3);
        }
        writeln!(out, "{}", serde_json::json!({"query": q, "total": total, "ms": times}))?;
    }
    Ok(())
}
