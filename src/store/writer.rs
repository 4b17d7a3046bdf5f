//! tantivy's writer as newsdex runs it: one writer thread for every four
//! workers, no merges while indexing, then bounded merges after the commit;
//! and the worker pool that parses and tags beside it at a lower priority.

use std::collections::HashMap;
use std::path::Path;

use tantivy::{IndexWriter, TantivyDocument};

use crate::Error;

/// A tantivy writer for `threads` workers with its errors translated;
/// segments are merged after the commit, one bounded merge at a time
/// ([`merge_bounded`]).
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
    // Relative to the thread's own nice value, so `nice newsdex index` still
    // lowers everything. On Linux a thread id names one thread here.
    let me = Some(rustix::thread::gettid());
    let _ = rustix::process::setpriority_process(me, (thread_nice() + 5).min(19));
}

/// The calling thread's nice value.
#[cfg(target_os = "linux")]
fn thread_nice() -> i32 {
    rustix::process::getpriority_process(Some(rustix::thread::gettid())).unwrap_or(0)
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

/// After the commit: frees the indexing buffers, merges the segments within
/// the memory budget, and waits for the merges to finish.
pub(crate) fn merge_and_close(
    mut writer: IndexWriter<TantivyDocument>,
    index: &tantivy::Index,
    dir: &Path,
    max_bytes: usize,
) -> Result<(), Error> {
    release_freed_memory();
    merge_bounded(&mut writer, index, dir, max_bytes)?;
    writer.wait_merging_threads()?;
    Ok(())
}

/// Merges the committed segments, smallest first, in groups whose files
/// add up to at most `max_bytes`, one merge at a time, so that peak memory
/// stays near the indexing budget whatever the corpus size. tantivy's own
/// merge policy merged while indexing, several merges at once, up to the
/// whole index in one: 16 copies of the bench corpus peaked at 3.2 GB of
/// resident memory (the merged segments are mapped into memory as they are
/// read), where the indexing itself stayed under 0.9 GB.
fn merge_bounded(
    writer: &mut IndexWriter<TantivyDocument>,
    index: &tantivy::Index,
    dir: &Path,
    max_bytes: usize,
) -> Result<(), Error> {
    let mut sizes: HashMap<String, u64> = HashMap::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().to_string();
            if let (Some((stem, _)), Ok(meta)) = (name.split_once('.'), entry.metadata()) {
                *sizes.entry(stem.to_string()).or_default() += meta.len();
            }
        }
    }
    let mut segments: Vec<(u64, tantivy::index::SegmentId)> = index
        .searchable_segment_metas()?
        .iter()
        .map(|meta| (sizes.get(&meta.id().uuid_string()).copied().unwrap_or(0), meta.id()))
        .collect();
    segments.sort();
    let mut groups: Vec<Vec<tantivy::index::SegmentId>> = vec![Vec::new()];
    let mut bytes = 0u64;
    for (size, id) in segments {
        let group = groups.last_mut().expect("one group at least");
        if !group.is_empty() && bytes + size > max_bytes as u64 {
            groups.push(Vec::new());
            bytes = 0;
        }
        groups.last_mut().expect("one group at least").push(id);
        bytes += size;
    }
    // The run is committed by now: a merge that fails (a full disk) leaves
    // its segments as they were, as tantivy's background merges did.
    for group in groups.into_iter().filter(|g| g.len() > 1) {
        let _ = writer.merge(&group).wait();
    }
    Ok(())
}

/// Hands the memory the indexing buffers freed back to the system before
/// the merges map segment files in (glibc keeps freed memory for reuse:
/// on 4 copies of the bench corpus, peak RSS 843 MB without this).
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free heap pages to the kernel; no
    // crate or std function offers it.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Drops a run's uncommitted work and the files it wrote, leaving the index
/// as of its last commit.
pub(crate) fn discard(mut writer: IndexWriter<TantivyDocument>) {
    let _ = writer.rollback();
    let _ = writer.garbage_collect_files().wait();
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
