//! The library's one error type. Messages are lowercase and say what to do
//! next; the command line adds context with `anyhow`.

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
    #[error("another `newsdex watch` is running on this index ({0}); wait for it to finish")]
    WatchLocked(String),
    #[error("the watch state {} cannot be read ({reason}); fix it, or move it aside to start every watched query over", path.display())]
    BadWatchState { path: PathBuf, reason: String },
    /// Writing results out (an export) failed.
    #[error("writing the output failed: {0}")]
    Output(#[from] std::io::Error),
    #[error("index error: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("{0}: the disk is full or the file too large; the index is as it was before this run: free some space and run again")]
    DiskFull(String),
}
