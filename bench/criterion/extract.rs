//! Extraction speed: tags every allsides article on one thread and reports
//! MB/s per core, next to the cost of only reading the same articles (the
//! peer in the same run). Needs `../shared/corpora/allsides`; skips with a
//! message when it is absent.
//!
//! `cargo bench --bench extract`; `NEWSDEX_BENCH_ARTICLES=N` tags only the
//! first N articles (for instruction counts under callgrind).

use std::path::Path;
use std::time::Instant;

use newsdex::tag::{Dictionaries, DictionarySource, Extractor};

// As the binary does (src/main.rs): the figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod common;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora/allsides");
    if !dir.is_dir() {
        eprintln!("skipping the extraction benchmark: {} is absent", dir.display());
        return;
    }
    // NEWSDEX_DICTIONARIES compares dictionaries in one build (runs alternated by hand).
    let source = std::env::var_os("NEWSDEX_DICTIONARIES")
        .map_or(DictionarySource::Embedded, |dir| DictionarySource::Dir(dir.into()));
    let mut articles = common::articles_in(&dir);
    // A fixed slice for instruction counts under callgrind.
    if let Some(limit) = std::env::var("NEWSDEX_BENCH_ARTICLES")
        .ok()
        .and_then(|n| n.parse().ok())
    {
        articles.truncate(limit);
    }
    let bytes: usize = articles.iter().map(|a| a.title.len() + a.body.len()).sum();
    let started = Instant::now();
    let dictionaries = Dictionaries::load(&source).expect("dictionaries");
    let extractor = Extractor::new(&dictionaries).expect("extractor");
    let build = started.elapsed().as_secs_f64();

    let mut runs = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        let mut facets = 0usize;
        for article in &articles {
            let tags = extractor.tag(&article.title, &article.body, article.date.map(|d| d.timestamp()));
            facets += tags.actors.len() + tags.events.len() + tags.mentions.len() + tags.dyads.len();
        }
        let seconds = started.elapsed().as_secs_f64();
        std::hint::black_box(facets);
        runs.push(seconds);
    }
    runs.sort_by(|a, b| a.partial_cmp(b).expect("finite"));
    let median = runs[1];
    // The peer: a plain scan of the same text (lower-casing every byte), the
    // least any tagger must do.
    let started = Instant::now();
    let mut letters = 0usize;
    for article in &articles {
        letters += article
            .body
            .bytes()
            .chain(article.title.bytes())
            .filter(|b| b.eq_ignore_ascii_case(&b'e'))
            .count();
    }
    std::hint::black_box(letters);
    let scan = started.elapsed().as_secs_f64();
    let mb = bytes as f64 / 1e6;
    println!(
        "extraction, one thread: {} articles, {mb:.1} MB, median of 3 runs {median:.2} s = {:.1} MB/s per core \
         (automaton built in {build:.2} s); a byte scan of the same text: {:.0} MB/s ({:.0}x faster)",
        articles.len(),
        mb / median,
        mb / scan,
        median / scan
    );
}
