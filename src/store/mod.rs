//! Storing: the tantivy index and everything around it. The schema and the
//! `news` analyser; the stored document, encoded and decoded in one place;
//! the manifest; opening and creating the index folder; the writer lock;
//! building a new index beside the old one and swapping it in; the writer
//! as newsdex tunes it; the stories table kept beside the segments; and
//! what tantivy's errors mean for a user. The
//! commands built on it are in `ops/`; the index is read by `search/`.
//! (`index-schema/` documents the fields for users; they are built here.)

mod analyzer;
mod dir;
mod document;
mod errors;
mod lock;
mod manifest;
mod schema;
mod shards;
mod stories;
mod swap;
mod writer;

use std::io;
use std::path::Path;

pub(crate) use analyzer::{is_stop_word, MAX_WORD_BYTES};
pub use analyzer::{news_analyzer, tantivy_chain};
pub use dir::{
    default_index_dir, exists, open, open_for_reading, open_for_reading_cached, open_or_create, size_on_disk,
};
pub(crate) use document::{content_hash, decode, encode, ids_and_hashes};
pub use errors::damaged;
pub(crate) use errors::{explain_stopped_writer, explain_write_error};
pub use lock::{begin_write, leftovers, lock_path, FileLock, WriteSession};
pub(crate) use lock::{resolve, sibling};
pub use manifest::{CorpusFile, IndexManifest, MANIFEST_FILE};
pub use schema::{field_names, register_analyzers, NewsSchema, KEYWORD_ANALYZER, SCHEMA_VERSION, TEXT_ANALYZER};
pub use shards::{describe_folders, index_folders, open_shards};
pub use stories::{outlets, StoryTable};
pub(crate) use swap::build_beside;
pub use swap::{building_dir, check_replaceable};
pub(crate) use writer::{discard, indexing_budget, merge_and_close, worker_pool, writer};

/// Wraps an I/O error with the path it happened on.
fn io_error(path: &Path) -> impl FnOnce(io::Error) -> crate::Error + '_ {
    move |source| crate::Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Test hook, in debug builds only: `NEWSDEX_FAILPOINT=NAME` makes a run
/// abort at the point so named, as a crash there would, so that tests can
/// check what it left (`before-commit` and `after-commit` in `index`,
/// `watch-before-rename` in `watch`); `NAME:pause` makes it wait there a
/// minute (holding whatever lock it holds).
#[cfg(debug_assertions)]
pub(crate) fn failpoint(name: &str) {
    let Some(value) = std::env::var_os("NEWSDEX_FAILPOINT") else {
        return;
    };
    if value == name {
        eprintln!("newsdex: failpoint {name}: aborting");
        std::process::abort();
    }
    if value == format!("{name}:pause").as_str() {
        std::thread::sleep(std::time::Duration::from_secs(60));
    }
}

#[cfg(not(debug_assertions))]
pub(crate) fn failpoint(_name: &str) {}
