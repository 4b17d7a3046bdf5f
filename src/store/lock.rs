//! One writer at a time. A write session holds `…/index.lock` (an OS file
//! lock, with the holder's pid and command written inside so that a second
//! writer can say who holds it; the kernel releases it when the holder exits,
//! even by `kill -9`), and starts by removing what interrupted runs left
//! beside the index (`index.building-<pid>`, `index.old-<pid>`): with the lock
//! held, they cannot be anyone's work in progress.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use super::io_error;
use crate::Error;

/// The index path writers work on: symlinks resolved (so a swap replaces the
/// folder, not the link), made absolute.
pub fn resolve(index: &Path) -> Result<PathBuf, Error> {
    let path = match fs::canonicalize(index) {
        Ok(path) => path,
        Err(_) => std::path::absolute(index).map_err(io_error(index))?,
    };
    if path.file_name().is_none() || path.parent().is_none() {
        return Err(Error::BadArgument(format!(
            "{} cannot be an index folder; give a named folder such as ~/news-index",
            index.display()
        )));
    }
    Ok(path)
}

/// `<index><suffix>`, beside the index.
pub(crate) fn sibling(index: &Path, suffix: &str) -> PathBuf {
    let mut name = index.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    index.with_file_name(name)
}

/// The writer lock beside the index.
pub fn lock_path(index: &Path) -> PathBuf {
    sibling(index, ".lock")
}

/// An OS lock on a file beside the index, with its holder's pid and command
/// written inside; released on drop or when the process dies (even by
/// `kill -9`). The writer lock is one; `newsdex watch` holds another.
pub struct FileLock {
    _file: File,
}

impl FileLock {
    /// Takes the lock on `path` (created if need be) or fails at once:
    /// `held` makes the error from who holds it and the lock file's path.
    pub fn acquire(path: &Path, command: &str, held: fn(String) -> Error) -> Result<FileLock, Error> {
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(io_error(parent))?;
        }
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(io_error(path))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                let holder = if holder.is_empty() {
                    "a process that has not written its pid yet".to_string()
                } else {
                    holder.to_string()
                };
                return Err(held(format!("{holder}; lock file {}", path.display())));
            }
            // Where the file system has no locks, tantivy's own writer lock
            // (for writers) is the only guard.
            Err(TryLockError::Error(err)) if err.kind() == std::io::ErrorKind::Unsupported => {}
            Err(TryLockError::Error(err)) => return Err(io_error(path)(err)),
        }
        let note = format!(
            "pid {}, `newsdex {command}` since {}",
            std::process::id(),
            chrono::Utc::now().format("%Y-%m-%d %H:%M:%S UTC")
        );
        let written = file
            .set_len(0)
            .and_then(|()| file.rewind())
            .and_then(|()| file.write_all(note.as_bytes()))
            .and_then(|()| file.flush());
        written.map_err(io_error(path))?;
        Ok(FileLock { _file: file })
    }
}

/// A write in progress: the resolved index path, and the lock.
pub struct WriteSession {
    pub index: PathBuf,
    _lock: FileLock,
}

/// Takes the writer lock on `index` and removes what interrupted runs left
/// beside it, telling `cleaned` about each.
pub fn begin_write(index: &Path, command: &str, cleaned: &mut dyn FnMut(&Path)) -> Result<WriteSession, Error> {
    let index = resolve(index)?;
    let lock = FileLock::acquire(&lock_path(&index), command, Error::Locked)?;
    for leftover in leftovers(&index) {
        fs::remove_dir_all(&leftover).map_err(io_error(&leftover))?;
        cleaned(&leftover);
    }
    Ok(WriteSession { index, _lock: lock })
}

/// Half-built (`.building-<pid>`) and replaced (`.old-<pid>`) indexes beside `index`.
pub fn leftovers(index: &Path) -> Vec<PathBuf> {
    let (Some(parent), Some(name)) = (index.parent(), index.file_name()) else {
        return Vec::new();
    };
    let name = name.to_string_lossy();
    let Ok(entries) = fs::read_dir(parent) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|entry| {
            let file_name = entry.file_name();
            let file_name = file_name.to_string_lossy();
            let Some(rest) = file_name.strip_prefix(name.as_ref()) else {
                return false;
            };
            let pid = rest.strip_prefix(".building-").or_else(|| rest.strip_prefix(".old-"));
            pid.is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
                && entry.file_type().is_ok_and(|t| t.is_dir())
        })
        .map(|entry| entry.path())
        .collect();
    found.sort();
    found
}
