//! newsdex: search your own news collections.
//!
//! The data goes one way, a folder a stage:
//!
//! - [`ingest`] reads corpora: finds files, detects formats, maps JSON keys,
//!   parses dates, cleans text, and turns bad records into rejections;
//! - [`tag`] tags articles with actor and event facets from the dictionaries
//!   in `index-schema/` (no tantivy in it), and scores itself against labels;
//! - [`store`] is the tantivy index: schema, analyser, stored documents,
//!   manifest, lock, build-beside-and-swap, writer, error meanings;
//! - [`ops`] holds the commands that write: index, delete, retag, and stats;
//! - [`search`] answers queries: parsing, filters, ranking, facets, snippets;
//! - [`render`] prints what the others return, as text or JSON.
//!
//! [`words`] says what a word is, for the analyser and the tagger alike.

pub mod ingest;
pub mod ops;
pub mod render;
pub mod search;
pub mod store;
pub mod story;
pub mod tag;
pub mod words;

mod error;

pub use error::Error;

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
