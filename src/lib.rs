//! newsdex: search your own news collections.
//!
//! The library reads corpora ([`corpus`]), tags articles with actor and event
//! facets ([`extract`], from the data in [`dictionary`]), writes a tantivy
//! index ([`indexer`], [`schema`]) and answers queries ([`search`], [`stats`]).
//! It returns plain data; [`render`] prints it as text or JSON.

pub mod analysis;
pub mod corpus;
pub mod dates;
pub mod dictionary;
pub mod evaluate;
pub mod extract;
pub mod fields;
pub mod filters;
pub mod index_dir;
pub mod indexer;
pub mod lifecycle;
pub mod ranking;
pub mod render;
pub mod schema;
pub mod search;
pub mod snippet;
pub mod stats;

// Tagging and tantivy's document building make many small, short-lived
// allocations; mimalloc serves them faster than glibc's malloc (about 12% off
// indexing the 1x bench corpus; CHANGELOG). Set here, it holds for the
// binary, its benches and its tests alike.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[cfg(test)]
pub(crate) mod test_support {
    /// Every readable file of the bundled `corpus/`, as text.
    pub fn bundled_corpus_texts() -> Vec<String> {
        walkdir::WalkDir::new(concat!(env!("CARGO_MANIFEST_DIR"), "/corpus"))
            .into_iter()
            .flatten()
            .filter_map(|entry| std::fs::read_to_string(entry.path()).ok())
            .collect()
    }

    /// A small deterministic generator (a 64-bit LCG) for test data.
    pub fn pseudo_random(mut seed: u64) -> impl FnMut() -> usize {
        move || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as usize
        }
    }
}

use std::path::PathBuf;

/// Everything the library can fail with. Messages are lowercase and say what
/// to do next.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("no index at {0}; build one with `newsdex index PATH...` or point --index at it")]
    NoIndex(PathBuf),
    #[error("the index was built by an incompatible newsdex ({0}); rebuild it with `newsdex index PATH... --rebuild`")]
    IncompatibleIndex(String),
    #[error("the index is damaged ({0}); rebuild it with `newsdex index PATH... --rebuild`")]
    CorruptIndex(String),
    #[error("dictionary {file}{}: {reason}", if *line > 0 { format!(" line {line}") } else { String::new() })]
    Dictionary { file: String, line: usize, reason: String },
    #[error("{0}")]
    BadArgument(String),
    #[error("invalid query: {0}")]
    BadQuery(String),
    #[error("another newsdex process is writing to this index ({0}); wait for it to finish")]
    Locked(String),
    #[error("index error: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("{0}: the disk is full or the file too large; the index is as it was before this run: free some space and run again")]
    DiskFull(String),
}
