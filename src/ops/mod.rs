//! The commands that change the index, built on `store/`: `index` (read,
//! tag, write), `delete`, `retag`, and `stats`, which reads what they made;
//! `tag`, which tags without an index; and `watch`, which runs named queries
//! against what they saw last time and keeps that state beside the index.
//! Each returns a report the printers render; none prints.

mod delete;
mod index;
mod retag;
mod stats;
mod tag;
mod watch;

use std::path::Path;

use crate::ingest::{Location, Rejection};

pub use delete::{delete, DeleteReport, DeleteRequest};
pub use index::{run as index, IndexConfig, IndexReport};
pub use retag::{retag, RetagConfig, RetagReport};
pub use stats::{collect as stats, IndexStats};
pub use tag::{tag, TagInput, TagReport, TaggedArticle};
pub use watch::{
    state_path as watch_state_path, watch, PendingState, QueryReport, QueryState, WatchReport, WatchState, WatchStatus,
    WatchedQuery, STATE_VERSION,
};

/// Something to tell the user while indexing.
#[derive(Debug)]
pub enum Notice<'a> {
    Rejected(&'a Rejection),
    Warning {
        location: &'a Location,
        message: &'a str,
    },
    /// An id seen twice in this run; the first record was kept.
    Duplicate {
        location: &'a Location,
        id: &'a str,
        same_content: bool,
    },
    /// A half-built or replaced index left beside this one by an interrupted
    /// run, now removed.
    Cleaned {
        path: &'a Path,
    },
}

/// Receives notices and progress; called from many threads.
pub trait Observer: Sync {
    fn notice(&self, notice: Notice<'_>);
    fn progress(&self, _bytes: u64, _articles: u64) {}
}
