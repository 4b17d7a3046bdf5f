//! Several index folders (shards) read as one index. A read-only tantivy
//! directory lists every shard's segments in one `meta.json` and serves each
//! segment's files from the shard that holds them, so that one searcher sees
//! all the segments: term statistics, scores, totals and facet counts are
//! those of one index built from the same articles, and tantivy searches the
//! segments in parallel as it would one index's.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;
use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, WatchCallback, WatchHandle, WritePtr,
};
use tantivy::Index;

use super::dir::segment_files;
use super::errors::classify_open_error;
use super::{register_analyzers, NewsSchema};
use crate::Error;

const META_FILE: &str = "meta.json";

/// The shards' segments as one read-only directory.
#[derive(Clone, Debug)]
struct ShardsDirectory {
    shards: Vec<MmapDirectory>,
    /// Which shard holds each segment file.
    files: Arc<HashMap<PathBuf, usize>>,
    /// The union of the shards' `meta.json`.
    meta: Arc<Vec<u8>>,
}

/// Opens `dirs` (index folders, each checked as [`super::open`] checks one)
/// as one index for reading.
pub fn open_shards(dirs: &[PathBuf]) -> Result<(Index, NewsSchema), Error> {
    let mut shards = Vec::with_capacity(dirs.len());
    let mut files = HashMap::new();
    let mut union: Option<Value> = None;
    for (number, dir) in dirs.iter().enumerate() {
        // Version, schema and every segment file present, one shard at a time.
        let (index, _) = super::open(dir)?;
        let metas = index.load_metas().map_err(|e| classify_open_error(dir, e))?;
        for file in metas.segments.iter().flat_map(segment_files) {
            if let Some(other) = files.insert(file.clone(), number) {
                return Err(Error::BadArgument(format!(
                    "{} and {} hold the same segment ({}): give each shard once",
                    dirs[other].display(),
                    dir.display(),
                    file.display()
                )));
            }
        }
        let meta = serde_json::to_value(&metas).map_err(|e| Error::CorruptIndex(format!("{}: {e}", dir.display())))?;
        union = Some(match union {
            None => meta,
            Some(mut so_far) => {
                if so_far["schema"] != meta["schema"] {
                    return Err(Error::BadArgument(format!(
                        "{} has another schema than {}: shards must be built by the same newsdex",
                        dir.display(),
                        dirs[0].display()
                    )));
                }
                let segments = meta["segments"].as_array().cloned().unwrap_or_default();
                if let Some(list) = so_far["segments"].as_array_mut() {
                    list.extend(segments);
                }
                let opstamp = |v: &Value| v["opstamp"].as_u64().unwrap_or(0);
                so_far["opstamp"] = Value::from(opstamp(&so_far).max(opstamp(&meta)));
                so_far
            }
        });
        shards.push(MmapDirectory::open(dir).map_err(|e| Error::CorruptIndex(format!("{}: {e}", dir.display())))?);
    }
    let meta = union.ok_or_else(|| Error::BadArgument("no index folder given".into()))?;
    let directory = ShardsDirectory {
        shards,
        files: Arc::new(files),
        meta: Arc::new(serde_json::to_vec(&meta).expect("JSON values serialise")),
    };
    let mut index = Index::open(directory).map_err(|e| classify_open_error(&dirs[0], e))?;
    // Several shards are several segments at least: search them on every core.
    index.set_default_multithread_executor()?;
    let schema = NewsSchema::from_schema(&index.schema())?;
    register_analyzers(&index);
    Ok((index, schema))
}

/// The folders' names, as shown to the user.
pub fn describe_folders(folders: &[PathBuf]) -> String {
    folders
        .iter()
        .map(|folder| folder.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The index folders `paths` name: a folder is one index; a file is a shard
/// list, one folder a line (relative to the list's own folder; blank lines
/// and `#` comments skipped).
pub fn index_folders(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut folders = Vec::new();
    for path in paths {
        if !path.is_file() {
            folders.push(path.clone());
            continue;
        }
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::BadArgument(format!(
                "cannot read the shard list {}: {e}; give index folders or a file listing them",
                path.display()
            ))
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        let before = folders.len();
        for line in text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
        {
            folders.push(base.join(line));
        }
        if folders.len() == before {
            return Err(Error::BadArgument(format!(
                "the shard list {} names no index folder (one a line)",
                path.display()
            )));
        }
    }
    Ok(folders)
}

fn read_only() -> io::Error {
    io::Error::new(io::ErrorKind::PermissionDenied, "shards opened together are read-only")
}

impl Directory for ShardsDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        match self.files.get(path) {
            Some(&shard) => self.shards[shard].get_file_handle(path),
            None => Err(OpenReadError::FileDoesNotExist(path.to_path_buf())),
        }
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        Err(DeleteError::IoError {
            io_error: Arc::new(read_only()),
            filepath: path.to_path_buf(),
        })
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        Ok(path == Path::new(META_FILE) || self.files.contains_key(path))
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        Err(OpenWriteError::IoError {
            io_error: Arc::new(read_only()),
            filepath: path.to_path_buf(),
        })
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        if path == Path::new(META_FILE) {
            return Ok(self.meta.as_ref().clone());
        }
        Err(OpenReadError::FileDoesNotExist(path.to_path_buf()))
    }

    fn atomic_write(&self, _path: &Path, _data: &[u8]) -> io::Result<()> {
        Err(read_only())
    }

    fn sync_directory(&self) -> io::Result<()> {
        Ok(())
    }

    /// Nothing is written through this directory, so there is nothing to
    /// lock; each shard's own writer locks its own folder.
    fn acquire_lock(&self, _lock: &Lock) -> Result<DirectoryLock, LockError> {
        Ok(DirectoryLock::from(Box::new(())))
    }

    fn watch(&self, _callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        Ok(WatchHandle::empty())
    }
}
