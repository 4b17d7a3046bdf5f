//! Build beside, then swap: a complete new index is built in
//! `…/index.building-<pid>/` and exchanged with `…/index` in one
//! `renameat2(RENAME_EXCHANGE)`, so that the path never goes missing and a
//! search sees either the old index or the new one; the old one (briefly
//! `…/index.old-<pid>/`) is then deleted. On file systems without exchange,
//! two renames, a window of microseconds in which a search retries.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

use super::errors::{explain_stopped_writer, explain_write_error};
use super::lock::sibling;
use super::{exists, io_error};
use crate::Error;

/// Where a new index is built before it is swapped in.
pub fn building_dir(index: &Path) -> PathBuf {
    sibling(index, &format!(".building-{}", std::process::id()))
}

/// Builds a complete new index with `build` in the folder it is given beside
/// `index`, then swaps it in. Whatever fails, the half-built folder is
/// removed and `index` is as it was. Call it inside a write session.
pub(crate) fn build_beside<T>(index: &Path, build: impl FnOnce(&Path) -> Result<T, Error>) -> Result<T, Error> {
    check_replaceable(index)?;
    let building = building_dir(index);
    let built = match build(&building) {
        Ok(built) => built,
        Err(err) => {
            let err = explain_stopped_writer(err, &building);
            let _ = fs::remove_dir_all(&building);
            return Err(err);
        }
    };
    // Until here searches saw the old index; from here, the new one.
    if let Err(err) = swap_in(&building, index) {
        let _ = fs::remove_dir_all(&building);
        return Err(explain_write_error(err));
    }
    Ok(built)
}

/// Refuses to let a rebuild replace a folder that is not a newsdex index.
pub fn check_replaceable(index: &Path) -> Result<(), Error> {
    match fs::symlink_metadata(index) {
        Err(_) => Ok(()),
        Ok(meta) if !meta.is_dir() => Err(Error::BadArgument(format!(
            "{} is a file, not an index folder",
            index.display()
        ))),
        Ok(_) if exists(index) => Ok(()),
        Ok(_) => {
            let empty = fs::read_dir(index).map_err(io_error(index))?.next().is_none();
            if empty {
                Ok(())
            } else {
                Err(Error::BadArgument(format!(
                    "{} holds files but no newsdex index; refusing to replace it (point --index at another folder)",
                    index.display()
                )))
            }
        }
    }
}

/// Makes the complete index at `building` the index at `index`, atomically,
/// and deletes the one it replaces.
fn swap_in(building: &Path, index: &Path) -> Result<(), Error> {
    check_replaceable(index)?;
    sync_dir(building);
    if fs::symlink_metadata(index).is_err() {
        fs::rename(building, index).map_err(io_error(index))?;
        sync_parent(index);
        return Ok(());
    }
    let old = sibling(index, &format!(".old-{}", std::process::id()));
    match exchange(building, index) {
        Ok(()) => {
            // `building` now holds the old index.
            fs::rename(building, &old).map_err(io_error(building))?;
        }
        Err(err) if exchange_unsupported(&err) => {
            fs::rename(index, &old).map_err(io_error(index))?;
            if let Err(err) = fs::rename(building, index) {
                // Put the old index back rather than leave nothing.
                let _ = fs::rename(&old, index);
                return Err(io_error(index)(err));
            }
        }
        Err(err) => return Err(io_error(index)(err)),
    }
    sync_parent(index);
    // A search that opened the old index keeps reading its open files.
    let _ = fs::remove_dir_all(&old);
    Ok(())
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

fn exchange_unsupported(err: &io::Error) -> bool {
    #[cfg(target_os = "linux")]
    {
        use rustix::io::Errno;
        let unsupported = [Errno::INVAL, Errno::NOSYS, Errno::OPNOTSUPP].map(|e| Some(e.raw_os_error()));
        if unsupported.contains(&err.raw_os_error()) {
            return true;
        }
    }
    err.kind() == io::ErrorKind::Unsupported
}

fn sync_dir(dir: &Path) {
    if let Ok(file) = File::open(dir) {
        let _ = file.sync_all();
    }
}

fn sync_parent(path: &Path) {
    if let Some(parent) = path.parent() {
        sync_dir(parent);
    }
}
