//! What tantivy's errors mean for a user: a damaged index, a full disk, a
//! writer that stopped. Typed where tantivy gives a type; where it gives only
//! text, [`classify_message`] is the one place that reads it.

use std::io;
use std::path::Path;

use tantivy::directory::error::{OpenReadError, OpenWriteError};
use tantivy::TantivyError;

use crate::Error;

/// What the text of an error says, where tantivy has no type for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Message {
    /// ENOSPC or EFBIG, seen only as text after tantivy's threads wrapped it.
    DiskFull,
    /// A segment file's footer is not tantivy's: truncated or overwritten.
    BadFooter,
    /// tantivy's indexing threads stopped; their own error is lost.
    WriterStopped,
    Other,
}

/// Reads what an error message says. tantivy folds some causes into strings
/// (a worker thread's I/O error, a bad footer); this is the only function
/// that matches on their text.
pub(crate) fn classify_message(text: &str) -> Message {
    const DISK_FULL: [&str; 4] = [
        "os error 28",
        "No space left on device",
        "os error 27",
        "File too large",
    ];
    if DISK_FULL.iter().any(|needle| text.contains(needle)) {
        Message::DiskFull
    } else if text.contains("Footer magic") {
        Message::BadFooter
    } else if text.contains("writer was killed") {
        Message::WriterStopped
    } else {
        Message::Other
    }
}

/// True for the I/O errors of a full disk or a file over the size limit.
fn is_disk_full(err: &io::Error) -> bool {
    err.kind() == io::ErrorKind::StorageFull
        || err.kind() == io::ErrorKind::FileTooLarge
        || matches!(err.raw_os_error(), Some(28 | 27))
}

/// The I/O error inside a tantivy error, where it keeps one.
fn io_cause(err: &TantivyError) -> Option<&io::Error> {
    match err {
        TantivyError::IoError(e) => Some(e),
        TantivyError::OpenWriteError(OpenWriteError::IoError { io_error, .. }) => Some(io_error),
        TantivyError::OpenReadError(OpenReadError::IoError { io_error, .. }) => Some(io_error),
        _ => None,
    }
}

/// The error to show for a failure while opening the index at `dir`.
pub(crate) fn classify_open_error(dir: &Path, err: TantivyError) -> Error {
    match err {
        TantivyError::OpenDirectoryError(e) => Error::Io {
            path: dir.to_path_buf(),
            source: io::Error::other(e.to_string()),
        },
        TantivyError::SchemaError(e) => Error::IncompatibleIndex(e),
        TantivyError::OpenReadError(OpenReadError::IoError { io_error, filepath }) => {
            let why = match classify_message(&io_error.to_string()) {
                Message::BadFooter => "its footer is wrong: truncated or overwritten".to_string(),
                _ => io_error.to_string(),
            };
            Error::CorruptIndex(one_line(&format!("{} cannot be read: {why}", filepath.display())))
        }
        TantivyError::OpenReadError(OpenReadError::FileDoesNotExist(path)) => {
            Error::CorruptIndex(format!("{} is missing", path.display()))
        }
        other => Error::CorruptIndex(one_line(&other.to_string())),
    }
}

/// A failure while reading an index that means its files are damaged, told
/// as such; other errors pass through.
pub fn damaged(err: Error) -> Error {
    match err {
        Error::Tantivy(e @ TantivyError::OpenReadError(_)) => classify_open_error(Path::new(""), e),
        Error::Tantivy(e @ (TantivyError::IoError(_) | TantivyError::DataCorruption(_))) => {
            Error::CorruptIndex(one_line(&format!("reading it failed: {e}")))
        }
        other => other,
    }
}

/// Says "disk full" when a write failed for lack of space (ENOSPC), or for a
/// file size limit (EFBIG), however deep tantivy wrapped the cause.
pub(crate) fn explain_write_error(err: Error) -> Error {
    let typed_full = match &err {
        Error::Tantivy(e) => io_cause(e).is_some_and(is_disk_full),
        Error::Io { source, .. } => is_disk_full(source),
        _ => false,
    };
    let text = err.to_string();
    if !typed_full && classify_message(&text) != Message::DiskFull {
        // Files of the current index that cannot be read: it is damaged.
        return match err {
            Error::Tantivy(e @ (TantivyError::OpenReadError(_) | TantivyError::DataCorruption(_))) => {
                damaged(Error::Tantivy(e))
            }
            other => other,
        };
    }
    // The failing file, where the message names it (std's errors for a path do).
    let path = text.split(" at path \"").nth(1).and_then(|rest| rest.split('"').next());
    Error::DiskFull(
        path.map(|p| format!("writing {p} failed"))
            .unwrap_or_else(|| "writing the index failed".to_string()),
    )
}

/// Explains a write that failed inside tantivy's indexing threads, which
/// report only that they stopped ("index writer was killed"), not why: if
/// the file system holding `dir` is (nearly) full, that is why. Call it
/// before the failed run's files are cleaned up.
pub(crate) fn explain_stopped_writer(err: Error, dir: &Path) -> Error {
    if classify_message(&err.to_string()) != Message::WriterStopped {
        return explain_write_error(err);
    }
    if low_on_space(dir) {
        return Error::DiskFull(format!("writing {} failed", dir.display()));
    }
    Error::Io {
        path: dir.to_path_buf(),
        source: io::Error::other("tantivy's indexing threads stopped on a write error"),
    }
}

/// Under 4 MB or under 1% free on the file system holding `dir`.
#[cfg(unix)]
fn low_on_space(dir: &Path) -> bool {
    let Ok(stat) = rustix::fs::statvfs(dir) else {
        return false;
    };
    let free = stat.f_bavail.saturating_mul(stat.f_frsize);
    let total = stat.f_blocks.saturating_mul(stat.f_frsize);
    free < 4 << 20 || free.saturating_mul(100) < total
}

#[cfg(not(unix))]
fn low_on_space(_dir: &Path) -> bool {
    false
}

/// A message fit for one line: no control characters (file contents can be
/// quoted in tantivy's messages), nothing after `Content:`, at most 240 chars.
fn one_line(text: &str) -> String {
    let text = text.split(" Content:").next().unwrap_or(text);
    let mut out: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(240)
        .collect();
    if text.chars().count() > 240 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[test]
    fn each_message_tantivy_gives_only_as_text_is_read() {
        // ENOSPC and EFBIG as Rust formats an io::Error inside tantivy's strings.
        assert_eq!(
            classify_message("An error occurred in a thread: 'No space left on device (os error 28)'"),
            Message::DiskFull
        );
        assert_eq!(classify_message("File too large (os error 27)"), Message::DiskFull);
        // tantivy's footer check (directory/footer.rs).
        assert_eq!(
            classify_message(
                "Footer magic byte mismatch. File corrupted or index was created using old an tantivy version"
            ),
            Message::BadFooter
        );
        // tantivy's stopped writer (indexer/index_writer.rs), both wordings.
        assert_eq!(
            classify_message("An error occurred in a thread: 'The index writer was killed. It can happen if an indexing worker encountered an Io error for instance.'"),
            Message::WriterStopped
        );
        assert_eq!(
            classify_message("An index writer was killed.. A worker thread encountered an error"),
            Message::WriterStopped
        );
        assert_eq!(classify_message("Data corrupted"), Message::Other);
    }

    #[test]
    fn typed_disk_full_errors_need_no_text() {
        let full = io::Error::from_raw_os_error(28);
        let err = Error::Tantivy(TantivyError::OpenWriteError(OpenWriteError::IoError {
            io_error: Arc::new(full),
            filepath: "abc.idx".into(),
        }));
        match explain_write_error(err) {
            Error::DiskFull(message) => assert_eq!(message, "writing the index failed"),
            other => panic!("not disk full: {other}"),
        }
        let too_large = Error::Tantivy(TantivyError::IoError(Arc::new(io::Error::from_raw_os_error(27))));
        assert!(matches!(explain_write_error(too_large), Error::DiskFull(_)));
        let other = Error::Tantivy(TantivyError::IoError(Arc::new(io::Error::other("boom"))));
        assert!(matches!(explain_write_error(other), Error::Tantivy(_)));
    }

    #[test]
    fn a_bad_footer_reads_as_a_damaged_file() {
        let err = TantivyError::OpenReadError(OpenReadError::IoError {
            io_error: Arc::new(io::Error::new(
                io::ErrorKind::InvalidData,
                "Footer magic byte mismatch.",
            )),
            filepath: "seg.store".into(),
        });
        match classify_open_error(Path::new("/x"), err) {
            Error::CorruptIndex(m) => assert_eq!(
                m,
                "seg.store cannot be read: its footer is wrong: truncated or overwritten"
            ),
            other => panic!("not damaged: {other}"),
        }
    }

    #[test]
    fn messages_fit_one_line() {
        assert_eq!(one_line("a\nb Content: secret"), "a b");
        assert_eq!(one_line(&"x".repeat(300)).chars().count(), 241);
    }
}
