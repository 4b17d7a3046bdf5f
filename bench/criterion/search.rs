//! In-process query latency: `cargo bench --bench search`.
//!
//! Opens (or builds once and caches under `target/bench-index/`) an index of
//! `../shared/corpora` (allsides + reuters21578) and times `Searcher::search`
//! — top 10, snippets and facet counts, exactly what `newsdex search` does
//! before printing — for every query in `bench/queries.txt`. Without the
//! corpora it prints a skip message and exits.
//!
//! Besides criterion's own report, it writes every query's latencies and the
//! p50/p95/p99 over all (query, repetition) samples, each query weighted
//! equally, to `target/criterion/newsdex-search.json` (or `$NEWSDEX_BENCH_OUT`);
//! `bench/run` reads it into BENCHMARKS.md.
//!
//! Environment:
//! - `NEWSDEX_BENCH_INDEX=DIR`: time an existing index instead (bench/run
//!   passes the one it has just built);
//! - `NEWSDEX_BENCH_SMOKE=1`: the bundled `corpus/` and ten queries, a fraction
//!   of a second each (CI: it only has to keep running);
//! - `NEWSDEX_BENCH_OUT=FILE`: where to write the JSON summary.
//!
//! For a profile: `cargo bench --bench search -- --profile-time 10` under
//! `perf record --call-graph dwarf`.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use criterion::{black_box, Criterion};
use newsdex::search::{SearchRequest, Searcher};
use newsdex::store;
use serde_json::json;

// As the binary does (src/main.rs): the figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Samples per query kept for the pooled percentiles, so that fast queries
/// (which criterion runs more often) do not outweigh slow ones.
const SAMPLES_PER_QUERY: usize = 100;

struct BenchQuery {
    kind: String,
    text: String,
    flags: String,
    request: SearchRequest,
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let smoke = std::env::var_os("NEWSDEX_BENCH_SMOKE").is_some_and(|v| !v.is_empty() && v != "0");
    let Some(index) = bench_index(&root, smoke) else {
        return;
    };
    let searcher = Searcher::open(&index).expect("the bench index opens");
    let mut queries = load_queries(&root.join("bench/queries.txt"));
    if smoke {
        queries.truncate(10);
    }

    let mut criterion = if smoke {
        Criterion::default()
            .sample_size(10)
            .warm_up_time(Duration::from_millis(20))
            .measurement_time(Duration::from_millis(100))
            .without_plots()
    } else {
        Criterion::default()
            .sample_size(10)
            .warm_up_time(Duration::from_millis(300))
            .measurement_time(Duration::from_secs(1))
            .without_plots()
    }
    .configure_from_args();

    let mut results = Vec::new();
    {
        let mut group = criterion.benchmark_group("search");
        for query in &queries {
            let samples = RefCell::new(Vec::new());
            group.bench_function(format!("{}/{}{}", query.kind, query.text, query.flags), |b| {
                b.iter_custom(|iters| {
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        let started = Instant::now();
                        black_box(searcher.search(&query.request).expect("the query runs"));
                        let took = started.elapsed();
                        samples.borrow_mut().push(took.as_secs_f64() * 1e3);
                        total += took;
                    }
                    total
                })
            });
            let total = searcher.search(&query.request).map(|r| r.total).unwrap_or(0);
            results.push((query, total, evenly(&samples.into_inner(), SAMPLES_PER_QUERY)));
        }
        group.finish();
    }
    criterion.final_summary();
    report(&root, &index, smoke, &results);
}

/// The index to time: `$NEWSDEX_BENCH_INDEX`, or one built from the corpora
/// (cached under `target/bench-index/`, rebuilt when the code that writes
/// indexes changes). `None` after a skip message when there is nothing to index.
fn bench_index(root: &Path, smoke: bool) -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("NEWSDEX_BENCH_INDEX") {
        return Some(PathBuf::from(dir));
    }
    let inputs: Vec<PathBuf> = if smoke {
        vec![root.join("corpus")]
    } else {
        let shared = root.join("../shared/corpora");
        vec![shared.join("allsides"), shared.join("reuters21578/json")]
    };
    if let Some(missing) = inputs.iter().find(|p| !p.exists()) {
        eprintln!(
            "newsdex search bench: skipped: {} is absent (needs ../shared/corpora, or set NEWSDEX_BENCH_INDEX)",
            missing.display()
        );
        return None;
    }
    // What the index depends on: the corpus and the code that writes it.
    let writer_code = [
        include_str!("../../src/store/schema.rs"),
        include_str!("../../src/store/dir.rs"),
        include_str!("../../src/store/document.rs"),
        include_str!("../../src/ops/index.rs"),
        env!("CARGO_PKG_VERSION"),
    ]
    .concat();
    let key = xxhash_rust::xxh3::xxh3_64(format!("{writer_code}{inputs:?}").as_bytes());
    let label = if smoke { "smoke" } else { "1x" };
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let cache = target.join("bench-index");
    let dir = cache.join(format!("{label}-{key:016x}"));
    if store::exists(&dir) {
        return Some(dir);
    }
    // Older builds of the same corpus are stale: make room.
    if let Ok(entries) = std::fs::read_dir(&cache) {
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with(&format!("{label}-")) {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
    let building = cache.join(format!("{label}-building"));
    let _ = std::fs::remove_dir_all(&building);
    eprintln!(
        "newsdex search bench: indexing {inputs:?} into {} (cached for later runs)",
        dir.display()
    );
    let status = Command::new(env!("CARGO_BIN_EXE_newsdex"))
        .arg("--index")
        .arg(&building)
        .arg("index")
        .args(&inputs)
        .arg("--quiet")
        .status()
        .expect("newsdex runs");
    assert!(status.success(), "newsdex index failed: {status}");
    std::fs::rename(&building, &dir).expect("the built index moves into the cache");
    Some(dir)
}

/// `bench/queries.txt`: `KIND<TAB>QUERY[<TAB>FLAGS]`, flags being `--actor
/// PATH`, `--event PATH`, `--from DAY`, `--to DAY` (paths, not names).
fn load_queries(path: &Path) -> Vec<BenchQuery> {
    let text = std::fs::read_to_string(path).expect("bench/queries.txt is readable");
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|line| {
            let mut cells = line.split('\t');
            let kind = cells.next().unwrap_or("").to_string();
            let text = cells.next().unwrap_or("").to_string();
            let flags = cells.next().map(|f| format!(" {f}")).unwrap_or_default();
            let mut request = SearchRequest::new(&text);
            let words: Vec<&str> = flags.split_whitespace().collect();
            for pair in words.chunks(2) {
                let [flag, value] = pair else {
                    panic!("bench/queries.txt: `{line}`: a flag without a value")
                };
                match *flag {
                    "--actor" => request.filters.actor.require(*value),
                    "--event" => request.filters.event.require(*value),
                    "--from" => request.filters.from = Some(day(value)),
                    "--to" => request.filters.to = Some(day(value) + 86_400),
                    other => panic!("bench/queries.txt: `{line}`: the bench does not know {other}"),
                }
            }
            BenchQuery {
                kind,
                text,
                flags,
                request,
            }
        })
        .collect()
}

fn day(text: &str) -> i64 {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .unwrap_or_else(|_| panic!("bench/queries.txt: `{text}` is not YYYY-MM-DD"))
        .and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_utc()
        .timestamp()
}

/// At most `n` samples spread evenly over `all`, the first (cold) one dropped.
fn evenly(all: &[f64], n: usize) -> Vec<f64> {
    let all = all.get(1..).unwrap_or_default();
    if all.len() <= n {
        return all.to_vec();
    }
    (0..n).map(|i| all[i * all.len() / n]).collect()
}

fn percentile(mut xs: Vec<f64>, p: f64) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    xs.sort_by(f64::total_cmp);
    let k = (xs.len() - 1) as f64 * p / 100.0;
    let (lo, hi) = (k.floor() as usize, (k.ceil() as usize).min(xs.len() - 1));
    Some(xs[lo] + (xs[hi] - xs[lo]) * (k - lo as f64))
}

fn report(root: &Path, index: &Path, smoke: bool, results: &[(&BenchQuery, usize, Vec<f64>)]) {
    let pooled = |filtered: bool| -> Vec<f64> {
        results
            .iter()
            .filter(|(q, _, _)| q.flags.is_empty() != filtered)
            .flat_map(|(_, _, ms)| ms.iter().copied())
            .collect()
    };
    let summary = |xs: Vec<f64>| {
        json!({
            "samples": xs.len(),
            "p50": percentile(xs.clone(), 50.0),
            "p95": percentile(xs.clone(), 95.0),
            "p99": percentile(xs, 99.0),
        })
    };
    let shared = summary(pooled(false));
    let filtered = summary(pooled(true));
    let out = json!({
        "harness": "criterion (bench/criterion/search.rs): Searcher::search, top 10 + snippets + facet counts",
        "index": index.display().to_string(),
        "smoke": smoke,
        "shared": shared,
        "filtered": filtered,
        "queries": results.iter().map(|(q, total, ms)| json!({
            "kind": q.kind, "query": q.text, "flags": q.flags.trim(), "total": total, "ms": ms,
        })).collect::<Vec<_>>(),
    });
    let path = std::env::var_os("NEWSDEX_BENCH_OUT")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            std::env::var_os("CARGO_TARGET_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| root.join("target"))
                .join("criterion/newsdex-search.json")
        });
    if let Some(parent) = path.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    std::fs::write(&path, serde_json::to_string_pretty(&out).expect("json")).expect("the summary is written");
    let ms = |v: &serde_json::Value, k: &str| v[k].as_f64().map_or("—".to_string(), |x| format!("{x:.2}"));
    eprintln!(
        "newsdex in-process (criterion): shared queries p50 {} ms, p95 {} ms, p99 {} ms; filtered p50 {} ms, p99 {} ms; written to {}",
        ms(&shared, "p50"),
        ms(&shared, "p95"),
        ms(&shared, "p99"),
        ms(&filtered, "p50"),
        ms(&filtered, "p99"),
        path.display()
    );
}
