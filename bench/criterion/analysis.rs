//! Text analysis speed: newsdex's one-pass `news` analyser against tantivy's
//! own filter chain that it reproduces (the peer), on the same titles and
//! bodies in the same run, alternating, five runs each; prints the medians
//! in MB/s on one thread and their ratio. Reads the allsides corpus from
//! `../shared/corpora` when it is there, else the bundled `corpus/`.
//!
//! `cargo bench --bench analysis`

use std::path::Path;
use std::time::Instant;

use newsdex::store::{news_analyzer, tantivy_chain};
use tantivy::tokenizer::{Language, Stemmer, TextAnalyzer};

// As the binary does (src/main.rs): the figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod common;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shared = root.join("../shared/corpora/allsides");
    let dir = if shared.is_dir() {
        shared
    } else {
        eprintln!("{} is absent: measuring on the bundled corpus/", shared.display());
        root.join("corpus")
    };
    let texts: Vec<String> = common::articles_in(&dir)
        .into_iter()
        .flat_map(|article| [article.title, article.body])
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let mb = bytes as f64 / 1e6;
    // A fresh analyser per run, as tantivy takes one per segment.
    let measure = |mut analyzer: TextAnalyzer| {
        let started = Instant::now();
        let mut tokens = 0usize;
        for text in &texts {
            analyzer.token_stream(text).process(&mut |_| tokens += 1);
        }
        std::hint::black_box(tokens);
        (mb / started.elapsed().as_secs_f64(), tokens)
    };
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for _ in 0..5 {
        let (speed, ours_tokens) = measure(news_analyzer());
        ours.push(speed);
        let (speed, their_tokens) = measure(tantivy_chain().filter(Stemmer::new(Language::English)).build());
        theirs.push(speed);
        assert_eq!(ours_tokens, their_tokens, "the analysers disagree");
    }
    let median = |runs: &mut Vec<f64>| {
        runs.sort_by(|a, b| a.partial_cmp(b).expect("finite"));
        runs[runs.len() / 2]
    };
    let (ours, theirs) = (median(&mut ours), median(&mut theirs));
    println!(
        "text analysis of {} ({:.1} MB, {} texts), one thread, median of 5:",
        dir.display(),
        mb,
        texts.len()
    );
    println!("  newsdex `news` analyser   {ours:7.1} MB/s");
    println!("  tantivy's filter chain    {theirs:7.1} MB/s");
    println!("  newsdex / tantivy         {:7.2}x", ours / theirs);
}
