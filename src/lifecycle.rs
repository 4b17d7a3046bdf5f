//! The index's life after its first build: one writer at a time, complete
//! new indexes built beside the current one and swapped in atomically,
//! leftovers of interrupted runs cleaned up, articles deleted and re-tagged.
//!
//! Layout, for an index at `…/index`:
//!
//! - `…/index/` holds tantivy's files and `newsdex.json`; it is always a
//!   complete, committed index (or absent before the first build).
//! - `…/index.lock` is the writer lock: an `flock` held for the whole of an
//!   `index`, `delete` or `retag` run, with the holder's pid and command
//!   written inside so a second writer can say who holds it. The kernel
//!   releases it when the holder exits, even by `kill -9`.
//! - `…/index.building-<pid>/` is a new index being built by `index --rebuild`
//!   or `retag`. When it is complete it is exchanged with `…/index` in one
//!   `renameat2(RENAME_EXCHANGE)`, so the path never goes missing, and the old
//!   index (briefly `…/index.old-<pid>/`) is deleted. On file systems without
//!   exchange the swap falls back to two renames, a window of microseconds in
//!   which a search retries.
//! - Any `index.building-*` or `index.old-*` left by a killed run is removed,
//!   with a message, by the next writer (which holds the lock, so it cannot be
//!   anyone's work in progress).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rayon::prelude::*;
use serde::Serialize;
use tantivy::collector::Count;
use tantivy::query::{BooleanQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, IndexWriter, TantivyDocument, Term};

use crate::corpus::{Article, Location};
use crate::dictionary::{Dictionaries, DictionarySource};
use crate::extract::Extractor;
use crate::index_dir;
use crate::indexer::{self, Observer};
use crate::schema::{IndexManifest, NewsSchema};
use crate::search::Searcher;
use crate::Error;

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

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
fn sibling(index: &Path, suffix: &str) -> PathBuf {
    let mut name = index.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    index.with_file_name(name)
}

/// Where a new index is built before it is swapped in.
pub fn building_dir(index: &Path) -> PathBuf {
    sibling(index, &format!(".building-{}", std::process::id()))
}

/// The writer lock beside the index.
pub fn lock_path(index: &Path) -> PathBuf {
    sibling(index, ".lock")
}

/// Held by the one process that may write to an index; released on drop or
/// when the process dies.
pub struct WriterLock {
    _file: File,
}

impl WriterLock {
    /// Takes the lock or fails at once, naming the holder.
    pub fn acquire(index: &Path, command: &str) -> Result<WriterLock, Error> {
        let path = lock_path(index);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(io_error(parent))?;
        }
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io_error(&path))?;
        if !try_lock(&file).map_err(io_error(&path))? {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            let holder = holder.trim();
            let holder = if holder.is_empty() {
                "a process that has not written its pid yet".to_string()
            } else {
                holder.to_string()
            };
            return Err(Error::Locked(format!("{holder}; lock file {}", path.display())));
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
        written.map_err(io_error(&path))?;
        Ok(WriterLock { _file: file })
    }
}

#[cfg(unix)]
fn try_lock(file: &File) -> io::Result<bool> {
    use std::os::unix::io::AsRawFd;
    // SAFETY: flock on a file descriptor we own; no memory is involved.
    let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if rc == 0 {
        return Ok(true);
    }
    let err = io::Error::last_os_error();
    if err.raw_os_error() == Some(libc::EWOULDBLOCK) {
        Ok(false)
    } else {
        Err(err)
    }
}

#[cfg(not(unix))]
fn try_lock(_file: &File) -> io::Result<bool> {
    // Elsewhere tantivy's own writer lock is the only guard.
    Ok(true)
}

/// A write in progress: the lock, and what was cleaned up when it started.
pub struct WriteSession {
    pub index: PathBuf,
    _lock: WriterLock,
}

/// Takes the writer lock on `index` and removes what interrupted runs left
/// beside it, telling `cleaned` about each.
pub fn begin_write(index: &Path, command: &str, cleaned: &mut dyn FnMut(&Path)) -> Result<WriteSession, Error> {
    let index = resolve(index)?;
    let lock = WriterLock::acquire(&index, command)?;
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

/// Refuses to let a rebuild replace a folder that is not a newsdex index.
pub fn check_replaceable(index: &Path) -> Result<(), Error> {
    match fs::symlink_metadata(index) {
        Err(_) => Ok(()),
        Ok(meta) if !meta.is_dir() => Err(Error::BadArgument(format!(
            "{} is a file, not an index folder",
            index.display()
        ))),
        Ok(_) if index_dir::exists(index) => Ok(()),
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
pub fn swap_in(building: &Path, index: &Path) -> Result<(), Error> {
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
                return Err(Error::Io {
                    path: index.to_path_buf(),
                    source: err,
                });
            }
        }
        Err(err) => {
            return Err(Error::Io {
                path: index.to_path_buf(),
                source: err,
            })
        }
    }
    sync_parent(index);
    // A search that opened the old index keeps reading its open files.
    let _ = fs::remove_dir_all(&old);
    Ok(())
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes()).map_err(io::Error::other)?;
    let b = CString::new(b.as_os_str().as_bytes()).map_err(io::Error::other)?;
    // SAFETY: two NUL-terminated paths that live across the call.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

fn exchange_unsupported(err: &io::Error) -> bool {
    #[cfg(target_os = "linux")]
    if matches!(err.raw_os_error(), Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP)) {
        return true;
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

/// Opens the index for searching. If a writer is swapping a new index in at
/// that moment (its `.building-`/`.old-` folder is beside the index), a failed
/// open is retried so the search sees the new index instead of an error.
pub fn open_searcher(dir: &Path) -> Result<Searcher, Error> {
    let open = || -> Result<Searcher, Error> {
        let (index, schema) = index_dir::open(dir)?;
        Searcher::new(index, schema).map_err(|e| match e {
            Error::Tantivy(e) => index_dir::classify_open_error(dir, e),
            other => other,
        })
    };
    let mut attempt = 0;
    loop {
        match open() {
            Ok(searcher) => return Ok(searcher),
            Err(Error::IncompatibleIndex(e)) => return Err(Error::IncompatibleIndex(e)),
            Err(err) => {
                // A file missing right after `meta.json` was read is also what
                // a swap that has just finished (its old folder already gone)
                // looks like: open again, once.
                let swapped = attempt == 0 && matches!(&err, Error::CorruptIndex(m) if m.ends_with("is missing"));
                let swapping = swapped || resolve(dir).is_ok_and(|d| !leftovers(&d).is_empty());
                attempt += 1;
                if !swapping || attempt > 5 {
                    return Err(err);
                }
                std::thread::sleep(Duration::from_millis(40));
            }
        }
    }
}

/// Says "disk full" when a write failed for lack of space (ENOSPC), or for a
/// file size limit (EFBIG), however deep tantivy wrapped the cause.
pub fn explain_write_error(err: Error) -> Error {
    let text = err.to_string();
    let full = [
        "os error 28",
        "No space left on device",
        "os error 27",
        "File too large",
    ]
    .iter()
    .any(|needle| text.contains(needle));
    if !full {
        // Files of the current index that cannot be read: it is damaged.
        return match err {
            Error::Tantivy(
                e @ (tantivy::TantivyError::OpenReadError(_) | tantivy::TantivyError::DataCorruption(_)),
            ) => index_dir::damaged(Error::Tantivy(e)),
            other => other,
        };
    }
    let path = text
        .split(" at path \"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .map(|p| format!("writing {p} failed"))
        .unwrap_or_else(|| "writing the index failed".to_string());
    Error::DiskFull(path)
}

/// Explains a write that failed inside tantivy's indexing threads, which
/// report only that they stopped ("index writer was killed"), not why: if
/// the file system holding `dir` is (nearly) full, that is why. Call it
/// before the failed run's files are cleaned up.
pub fn explain_stopped_writer(err: Error, dir: &Path) -> Error {
    if !err.to_string().contains("writer was killed") {
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

#[cfg(unix)]
fn low_on_space(dir: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(path) = std::ffi::CString::new(dir.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: statvfs fills the zeroed struct we pass; the path is NUL-terminated.
    let mut stat: libc::statvfs = unsafe { std::mem::zeroed() };
    if unsafe { libc::statvfs(path.as_ptr(), &mut stat) } != 0 {
        return false;
    }
    let free = stat.f_bavail as u64 * stat.f_frsize as u64;
    let total = stat.f_blocks as u64 * stat.f_frsize as u64;
    free < 4 << 20 || free * 100 < total
}

#[cfg(not(unix))]
fn low_on_space(_dir: &Path) -> bool {
    false
}

/// A tantivy writer for `threads` workers with its errors translated;
/// segments are merged after the commit, one bounded merge at a time.
pub(crate) fn writer(
    index: &tantivy::Index,
    threads: usize,
    memory_mb: usize,
) -> Result<IndexWriter<TantivyDocument>, Error> {
    let memory = indexing_budget(threads, memory_mb);
    let threads = writer_threads(threads);
    let writer: IndexWriter<TantivyDocument> = index.writer_with_num_threads(threads, memory).map_err(|e| match e {
        tantivy::TantivyError::LockFailure(_, message) => {
            Error::Locked(message.unwrap_or_else(|| "tantivy's lock file is held".into()))
        }
        other => Error::from(other),
    })?;
    writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
    Ok(writer)
}

/// The threads that read, parse and tag articles for [`writer`]. They run
/// at a lower priority (nice +5) than tantivy's writer thread, so that the
/// writer takes the CPU it needs as articles arrive: at equal priority it
/// fell behind and ended the run with up to 10,000 documents queued, which it
/// then indexed alone, one core idle (1x bench corpus, 2 cores: CPU use
/// 1.72 → 1.79 cores on average over the run, three alternated runs).
pub(crate) fn worker_pool(threads: usize) -> Result<rayon::ThreadPool, Error> {
    let threads = threads.max(1);
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .start_handler(|_| lower_thread_priority())
        .build()
        .map_err(|e| Error::BadArgument(format!("cannot start {threads} threads: {e}")))
}

#[cfg(target_os = "linux")]
fn lower_thread_priority() {
    // Relative to the process's own nice value, so `nice newsdex index`
    // still lowers everything. SAFETY: setpriority on the calling thread's
    // own id only lowers its scheduling weight.
    unsafe {
        libc::setpriority(
            libc::PRIO_PROCESS,
            libc::gettid() as libc::id_t,
            (thread_nice() + 5).min(19),
        );
    }
}

/// The calling thread's nice value.
#[cfg(target_os = "linux")]
fn thread_nice() -> libc::c_int {
    // SAFETY: getpriority only reads the calling thread's own nice value.
    unsafe { libc::getpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t) }
}

#[cfg(not(target_os = "linux"))]
fn lower_thread_priority() {}

/// The bytes tantivy's writer for `threads` workers may buffer (`--memory`,
/// at least the 16 MB per writer thread tantivy needs); merges after the
/// commit stay within it too.
pub(crate) fn indexing_budget(threads: usize, memory_mb: usize) -> usize {
    memory_mb.max(writer_threads(threads) * 16) * 1_000_000
}

/// tantivy writer threads for `threads` workers: one for every four. On
/// the bench corpus (2 cores) a writer thread needs under a quarter of the
/// CPU the parsing and tagging take, and one writer builds one segment
/// where two built two, merged at the end on one core: 13% fewer
/// instructions for 3,000 articles (callgrind), 1x wall time 16.3 → 16.0 s
/// (medians of 6, alternated).
fn writer_threads(threads: usize) -> usize {
    threads.max(1).div_ceil(4)
}

/// Which articles `newsdex delete` removes: those matching every condition
/// given (any of several ids, any of several sources, dated before a day).
#[derive(Debug, Clone, Default)]
pub struct DeleteRequest {
    pub ids: Vec<String>,
    pub sources: Vec<String>,
    /// Seconds since the epoch; articles dated strictly before it. Undated
    /// articles never match.
    pub before: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DeleteReport {
    pub removed: u64,
    pub total_articles: u64,
}

/// Deletes the matching articles in one commit.
pub fn delete(index: &Path, request: &DeleteRequest, cleaned: &mut dyn FnMut(&Path)) -> Result<DeleteReport, Error> {
    delete_articles(index, request, cleaned).map_err(explain_write_error)
}

fn delete_articles(
    index: &Path,
    request: &DeleteRequest,
    cleaned: &mut dyn FnMut(&Path),
) -> Result<DeleteReport, Error> {
    if request.ids.is_empty() && request.sources.is_empty() && request.before.is_none() {
        return Err(Error::BadArgument(
            "say what to delete: --id ID, --source NAME or --before DATE".into(),
        ));
    }
    if !index_dir::exists(index) {
        return Err(Error::NoIndex(index.to_path_buf()));
    }
    let session = begin_write(index, "delete", cleaned)?;
    let (tantivy_index, schema) = index_dir::open(&session.index)?;
    let query = delete_query(&schema, request);
    let mut writer = writer(&tantivy_index, 1, 50)?;
    let searcher = tantivy_index.reader()?.searcher();
    let removed = searcher.search(&query, &Count)? as u64;
    if removed > 0 {
        writer.delete_query(query)?;
        writer.commit()?;
        touch_manifest(&session.index, |_| {})?;
    }
    drop(writer);
    let total_articles = tantivy_index.reader()?.searcher().num_docs();
    Ok(DeleteReport {
        removed,
        total_articles,
    })
}

fn delete_query(schema: &NewsSchema, request: &DeleteRequest) -> Box<dyn Query> {
    let term_query = |term: Term| -> Box<dyn Query> { Box::new(TermQuery::new(term, IndexRecordOption::Basic)) };
    let any = |queries: Vec<Box<dyn Query>>| -> Box<dyn Query> {
        Box::new(BooleanQuery::new(
            queries.into_iter().map(|q| (Occur::Should, q)).collect(),
        ))
    };
    let mut all: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    if !request.ids.is_empty() {
        let ids = request
            .ids
            .iter()
            .map(|id| term_query(Term::from_field_text(schema.id, id)))
            .collect();
        all.push((Occur::Must, any(ids)));
    }
    if !request.sources.is_empty() {
        let sources = request
            .sources
            .iter()
            .map(|s| term_query(Term::from_field_text(schema.source, &s.trim().to_lowercase())))
            .collect();
        all.push((Occur::Must, any(sources)));
    }
    if let Some(before) = request.before {
        let bound = Term::from_field_date_for_search(schema.date, tantivy::DateTime::from_timestamp_secs(before));
        all.push((
            Occur::Must,
            Box::new(RangeQuery::new(
                std::ops::Bound::Unbounded,
                std::ops::Bound::Excluded(bound),
            )),
        ));
    }
    Box::new(BooleanQuery::new(all))
}

/// Rewrites `newsdex.json` with a new `updated` time and whatever `change` does.
fn touch_manifest(dir: &Path, change: impl FnOnce(&mut IndexManifest)) -> Result<(), Error> {
    if let Some(mut manifest) = IndexManifest::read(dir)? {
        manifest.updated = chrono::Utc::now().to_rfc3339();
        change(&mut manifest);
        manifest.write(dir)?;
    }
    Ok(())
}

/// What `newsdex retag` did.
#[derive(Debug, Clone, Serialize)]
pub struct RetagReport {
    pub articles: u64,
    /// Articles whose actor, mention, event or dyad facets changed.
    pub changed: u64,
    pub seconds: f64,
}

const RETAG_BATCH: usize = 256;

/// Re-runs tagging over the stored text of every article into a new index
/// beside the current one, then swaps it in. The corpus files are not needed.
pub fn retag(
    index: &Path,
    dictionaries: &DictionarySource,
    threads: usize,
    memory_mb: usize,
    observer: &dyn Observer,
    cleaned: &mut dyn FnMut(&Path),
) -> Result<RetagReport, Error> {
    let started = std::time::Instant::now();
    if !index_dir::exists(index) {
        return Err(Error::NoIndex(index.to_path_buf()));
    }
    let session = begin_write(index, "retag", cleaned)?;
    let (old_index, old_schema) = index_dir::open(&session.index)?;
    let extractor = Extractor::new(&Dictionaries::load(dictionaries)?)?;
    let building = building_dir(&session.index);
    let result = (|| -> Result<RetagReport, Error> {
        let (new_index, schema) = index_dir::open_or_create(&building)?;
        let mut writer = writer(&new_index, threads, memory_mb)?;
        let pool = worker_pool(threads)?;
        let searcher = old_index.reader()?.searcher();
        let mut articles = 0u64;
        let mut changed = 0u64;
        for (segment_ord, segment) in searcher.segment_readers().iter().enumerate() {
            let segment_ord = segment_ord as u32;
            let store = segment
                .get_store_reader(64)
                .map_err(|e| Error::CorruptIndex(format!("cannot read the stored articles: {e}")))?;
            let hashes = segment.fast_fields().u64("content_hash")?;
            let alive: Vec<u32> = segment.doc_ids_alive().collect();
            for chunk in alive.chunks(RETAG_BATCH) {
                let addresses: Vec<DocAddress> = chunk.iter().map(|&doc| DocAddress::new(segment_ord, doc)).collect();
                let old_tags = crate::search::hit_facets(&searcher, None, &addresses)?;
                let stored = chunk
                    .iter()
                    .zip(old_tags)
                    .map(|(&doc, [actors, events, mentions, dyads])| {
                        let document: TantivyDocument = store.get(doc)?;
                        let article = stored_article(&old_schema, &document);
                        Ok((
                            (article, [actors, mentions, events, dyads]),
                            hashes.first(doc).unwrap_or(0),
                        ))
                    })
                    .collect::<Result<Vec<_>, Error>>()?;
                let tagged: Vec<(TantivyDocument, bool)> = pool.install(|| {
                    stored
                        .into_par_iter()
                        .map(|((article, old_tags), hash)| {
                            let tags =
                                extractor.tag(&article.title, &article.body, article.date.map(|d| d.timestamp()));
                            let new_tags = [&tags.actors, &tags.mentions, &tags.events, &tags.dyads]
                                .map(|set| set.iter().cloned().collect::<Vec<_>>());
                            let document = indexer::build_document(&schema, &article, hash, &tags);
                            (document, new_tags != old_tags)
                        })
                        .collect()
                });
                for (document, differs) in tagged {
                    writer.add_document(document)?;
                    articles += 1;
                    changed += u64::from(differs);
                }
                observer.progress(0, articles);
            }
        }
        writer.commit()?;
        indexer::merge_bounded(&mut writer, &new_index, &building, indexing_budget(threads, memory_mb))?;
        writer.wait_merging_threads()?;
        let now = chrono::Utc::now().to_rfc3339();
        let mut manifest = IndexManifest::read(&session.index)?.unwrap_or_else(|| indexer::new_manifest(&now));
        manifest.schema_version = crate::schema::SCHEMA_VERSION;
        manifest.newsdex_version = env!("CARGO_PKG_VERSION").to_string();
        manifest.dictionaries = dictionaries.describe();
        manifest.dictionary_checksum = dictionaries.checksum()?;
        manifest.updated = now.clone();
        manifest.retagged = Some(now);
        manifest.write(&building)?;
        Ok(RetagReport {
            articles,
            changed,
            seconds: 0.0,
        })
    })();
    let report = match result {
        Ok(report) => report,
        Err(err) => {
            let err = explain_stopped_writer(err, &building);
            let _ = fs::remove_dir_all(&building);
            return Err(err);
        }
    };
    // Until here searches saw the old index; from here, the new one.
    if let Err(err) = swap_in(&building, &session.index) {
        let _ = fs::remove_dir_all(&building);
        return Err(explain_write_error(err));
    }
    Ok(RetagReport {
        seconds: started.elapsed().as_secs_f64(),
        ..report
    })
}

/// An article as stored in the index.
fn stored_article(schema: &NewsSchema, doc: &TantivyDocument) -> Article {
    let text = |field| doc.get_first(field).and_then(|v| v.as_str()).map(str::to_string);
    let date = doc
        .get_first(schema.date)
        .and_then(|v| v.as_datetime())
        .and_then(|d| chrono::DateTime::from_timestamp(d.into_timestamp_secs(), 0));
    Article {
        id: text(schema.id).unwrap_or_default(),
        title: text(schema.title).unwrap_or_default(),
        body: text(schema.body).unwrap_or_default(),
        date,
        source: text(schema.source),
        url: text(schema.url),
        location: Location {
            file: text(schema.location).unwrap_or_default(),
            line: None,
            record: None,
        },
        warnings: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_os = "linux")]
    #[test]
    fn workers_run_below_the_writers_priority() {
        let pool = super::worker_pool(1).expect("pool");
        assert_eq!(pool.install(super::thread_nice), (super::thread_nice() + 5).min(19));
    }
}
