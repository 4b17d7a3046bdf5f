//! Indexing: reads corpora in parallel (rayon parses and tags), hands the
//! documents to tantivy's writer threads, replaces articles whose id is
//! already indexed, skips unchanged ones, and accounts for every record.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;
use tantivy::schema::Facet;
use tantivy::{DateTime, IndexWriter, TantivyDocument, Term};

use crate::corpus::{self, Article, Location, Record, Rejection};
use crate::dictionary::{Dictionaries, DictionarySource};
use crate::extract::{Extractor, Tags};
use crate::fields::FieldMap;
use crate::schema::{CorpusFile, IndexManifest, NewsSchema, SCHEMA_VERSION};
use crate::Error;
use crate::{index_dir, lifecycle};

/// Everything an indexing run needs, resolved from the command line.
#[derive(Debug, Clone)]
pub struct IndexConfig {
    pub index_dir: PathBuf,
    pub paths: Vec<PathBuf>,
    pub threads: usize,
    /// tantivy's indexing memory budget, in megabytes, shared by its threads.
    pub memory_mb: usize,
    pub fields: FieldMap,
    pub dictionaries: DictionarySource,
    /// Build a complete new index beside the current one and swap it in,
    /// instead of updating the current one.
    pub rebuild: bool,
}

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

/// What a run did. `read = indexed + unchanged + duplicates + rejected`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IndexReport {
    pub files: u64,
    pub read: u64,
    /// Articles written: added plus updated.
    pub indexed: u64,
    pub added: u64,
    pub updated: u64,
    /// Already in the index with the same content; left as they were.
    pub unchanged: u64,
    /// Ids repeated within this run.
    pub duplicates: u64,
    pub rejected: u64,
    pub warnings: u64,
    /// Size of the input files on disk (compressed where they are).
    pub bytes: u64,
    /// Title and body text of the articles read, in bytes.
    pub text_bytes: u64,
    pub seconds: f64,
    pub total_articles: u64,
}

impl IndexReport {
    /// Megabytes of article text read.
    pub fn megabytes(&self) -> f64 {
        self.text_bytes as f64 / 1e6
    }
    pub fn mb_per_second(&self) -> f64 {
        if self.seconds > 0.0 {
            self.megabytes() / self.seconds
        } else {
            0.0
        }
    }
}

#[derive(Default)]
struct Counters {
    read: AtomicU64,
    added: AtomicU64,
    updated: AtomicU64,
    unchanged: AtomicU64,
    duplicates: AtomicU64,
    rejected: AtomicU64,
    warnings: AtomicU64,
    bytes: AtomicU64,
    text_bytes: AtomicU64,
}

/// Records per parallel batch: enough to keep the cores busy on one big
/// file, small enough to keep memory flat.
const BATCH: usize = 256;

/// Indexes `config.paths` into the index at `config.index_dir`, creating it
/// if needed; with `config.rebuild`, into a new index that replaces it only
/// once complete. Holds the writer lock throughout, and commits once: a run
/// that fails or is killed leaves the index as it was.
pub fn run(config: &IndexConfig, observer: &dyn Observer) -> Result<IndexReport, Error> {
    let started = Instant::now();
    let dictionaries = Dictionaries::load(&config.dictionaries)?;
    let extractor = Extractor::new(&dictionaries)?;
    let command = if config.rebuild { "index --rebuild" } else { "index" };
    let session = lifecycle::begin_write(&config.index_dir, command, &mut |path| {
        observer.notice(Notice::Cleaned { path })
    })?;
    if !config.rebuild {
        return index_into(&session.index, config, &extractor, observer, started)
            .map_err(lifecycle::explain_write_error);
    }
    lifecycle::check_replaceable(&session.index)?;
    let building = lifecycle::building_dir(&session.index);
    let report = match index_into(&building, config, &extractor, observer, started) {
        Ok(report) => report,
        Err(err) => {
            let _ = std::fs::remove_dir_all(&building);
            return Err(lifecycle::explain_write_error(err));
        }
    };
    // Until here searches saw the old index; from here, the new one.
    if let Err(err) = lifecycle::swap_in(&building, &session.index) {
        let _ = std::fs::remove_dir_all(&building);
        return Err(lifecycle::explain_write_error(err));
    }
    Ok(IndexReport {
        seconds: started.elapsed().as_secs_f64(),
        ..report
    })
}

/// A manifest for a new index built now with the current version and schema.
pub(crate) fn new_manifest(now: &str) -> IndexManifest {
    IndexManifest {
        schema_version: SCHEMA_VERSION,
        newsdex_version: env!("CARGO_PKG_VERSION").to_string(),
        dictionaries: String::new(),
        dictionary_checksum: String::new(),
        created: now.to_string(),
        updated: now.to_string(),
        retagged: None,
        corpus: Vec::new(),
    }
}

fn index_into(
    index_dir: &Path,
    config: &IndexConfig,
    extractor: &Extractor,
    observer: &dyn Observer,
    started: Instant,
) -> Result<IndexReport, Error> {
    let (index, schema) = index_dir::open_or_create(index_dir)?;
    let threads = config.threads.max(1);
    let writer = lifecycle::writer(&index, threads, config.memory_mb)?;
    // Segment files written by a run that failed or was killed before its
    // commit are not part of the index; free their space now.
    let _ = writer.garbage_collect_files().wait();
    let existing = existing_articles(&index)?;

    let (files, unreadable) = corpus::collect_files(&config.paths);
    let counters = Counters::default();
    for rejection in &unreadable {
        counters.read.fetch_add(1, Ordering::Relaxed);
        counters.rejected.fetch_add(1, Ordering::Relaxed);
        observer.notice(Notice::Rejected(rejection));
    }
    let seen: Mutex<HashMap<u128, SeenRecord>> = Mutex::new(HashMap::new());
    let pool = lifecycle::worker_pool(threads)?;
    let failure: Mutex<Option<Error>> = Mutex::new(None);
    let corpus_files: Mutex<Vec<CorpusFile>> = Mutex::new(Vec::with_capacity(files.len()));
    let context = Context {
        schema: &schema,
        extractor,
        writer: &writer,
        existing: &existing,
        seen: &seen,
        files: &files,
        counters: &counters,
        observer,
    };

    pool.install(|| {
        files.par_iter().enumerate().for_each(|(file_number, path)| {
            if failure.lock().expect("lock").is_some() {
                return;
            }
            if let Err(err) = context.index_file(file_number, path, &config.fields) {
                failure.lock().expect("lock").get_or_insert(err);
            }
            if let Some(file) = describe_corpus_file(path) {
                corpus_files.lock().expect("lock").push(file);
            }
        })
    });
    let mut writer = writer;
    if let Some(err) = failure.into_inner().expect("lock") {
        let err = lifecycle::explain_stopped_writer(err, index_dir);
        discard(writer);
        return Err(err);
    }
    failpoint("before-commit");
    if let Err(err) = writer.commit() {
        let err = lifecycle::explain_stopped_writer(err.into(), index_dir);
        discard(writer);
        return Err(err);
    }
    drop(seen);
    release_freed_memory();
    merge_bounded(
        &mut writer,
        &index,
        index_dir,
        lifecycle::indexing_budget(threads, config.memory_mb),
    )?;
    writer.wait_merging_threads()?;
    failpoint("after-commit");

    let now = chrono::Utc::now().to_rfc3339();
    let previous = IndexManifest::read(index_dir)?;
    let mut manifest = new_manifest(&now);
    manifest.dictionaries = config.dictionaries.describe();
    manifest.dictionary_checksum = config.dictionaries.checksum()?;
    if let Some(previous) = previous {
        manifest.created = previous.created;
        manifest.retagged = previous.retagged;
        manifest.corpus = previous.corpus;
    }
    let mut read_now = corpus_files.into_inner().expect("lock");
    read_now.sort_by(|a, b| a.path.cmp(&b.path));
    for file in &mut read_now {
        file.indexed = now.clone();
    }
    manifest
        .corpus
        .retain(|old| read_now.binary_search_by(|f| f.path.cmp(&old.path)).is_err());
    manifest.corpus.extend(read_now);
    manifest.write(index_dir)?;

    let reader = index.reader()?;
    let added = counters.added.load(Ordering::Relaxed);
    let updated = counters.updated.load(Ordering::Relaxed);
    Ok(IndexReport {
        files: files.len() as u64,
        read: counters.read.load(Ordering::Relaxed),
        indexed: added + updated,
        added,
        updated,
        unchanged: counters.unchanged.load(Ordering::Relaxed),
        duplicates: counters.duplicates.load(Ordering::Relaxed),
        rejected: counters.rejected.load(Ordering::Relaxed),
        warnings: counters.warnings.load(Ordering::Relaxed),
        bytes: counters.bytes.load(Ordering::Relaxed),
        text_bytes: counters.text_bytes.load(Ordering::Relaxed),
        seconds: started.elapsed().as_secs_f64(),
        total_articles: reader.searcher().num_docs(),
    })
}

struct Context<'a> {
    schema: &'a NewsSchema,
    extractor: &'a Extractor,
    writer: &'a IndexWriter<TantivyDocument>,
    existing: &'a HashMap<String, u64>,
    seen: &'a Mutex<HashMap<u128, SeenRecord>>,
    files: &'a [PathBuf],
    counters: &'a Counters,
    observer: &'a dyn Observer,
}

impl Context<'_> {
    fn index_file(&self, file_number: usize, path: &Path, fields: &FieldMap) -> Result<(), Error> {
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        let mut batch: Vec<(Priority, Box<Article>)> = Vec::with_capacity(BATCH);
        let mut record_number = 0;
        let mut result = Ok(());
        corpus::read_file(path, fields, &mut |record| {
            if result.is_err() {
                return;
            }
            self.counters.read.fetch_add(1, Ordering::Relaxed);
            match record {
                Record::Article(article) => {
                    self.counters
                        .text_bytes
                        .fetch_add((article.title.len() + article.body.len()) as u64, Ordering::Relaxed);
                    record_number += 1;
                    batch.push(((file_number, record_number), article));
                    if batch.len() == BATCH {
                        result = self.index_batch(std::mem::take(&mut batch));
                    }
                }
                Record::Rejected(rejection) => {
                    self.counters.rejected.fetch_add(1, Ordering::Relaxed);
                    self.observer.notice(Notice::Rejected(&rejection));
                }
            }
        });
        result?;
        self.index_batch(batch)?;
        let bytes = self.counters.bytes.fetch_add(size, Ordering::Relaxed) + size;
        self.observer.progress(
            bytes,
            self.counters.added.load(Ordering::Relaxed) + self.counters.updated.load(Ordering::Relaxed),
        );
        Ok(())
    }

    fn index_batch(&self, batch: Vec<(Priority, Box<Article>)>) -> Result<(), Error> {
        batch
            .into_par_iter()
            .try_for_each(|(priority, article)| self.index_article(&article, priority))
    }

    fn index_article(&self, article: &Article, priority: Priority) -> Result<(), Error> {
        for message in &article.warnings {
            self.counters.warnings.fetch_add(1, Ordering::Relaxed);
            self.observer.notice(Notice::Warning {
                location: &article.location,
                message,
            });
        }
        let hash = content_hash(article);
        let outcome = match self.existing.get(&article.id) {
            None => Outcome::Added,
            Some(&old) if old == hash => Outcome::Unchanged,
            Some(_) => Outcome::Updated,
        };
        let document = || {
            build_document(
                self.schema,
                article,
                hash,
                &self
                    .extractor
                    .tag(&article.title, &article.body, article.date.map(|d| d.timestamp())),
            )
        };
        // Tagging, the costly part, happens outside the lock.
        let mut prepared = (outcome != Outcome::Unchanged).then(document);

        // Which of two records with one id wins must not depend on thread
        // timing: the first in file order does, whichever arrives first.
        // Writer operations happen under the lock so a delete never overtakes
        // the add it is meant to undo.
        let key = id_key(&article.id);
        let mut seen = self.seen.lock().expect("lock");
        let mut replaces_earlier = false;
        if let Some(first) = seen.get(&key) {
            self.counters.duplicates.fetch_add(1, Ordering::Relaxed);
            let same_content = first.hash == hash;
            if first.priority < priority {
                let notice = Notice::Duplicate {
                    location: &article.location,
                    id: &article.id,
                    same_content,
                };
                self.observer.notice(notice);
                return Ok(());
            }
            self.counter(first.outcome).fetch_sub(1, Ordering::Relaxed);
            let location = Location {
                file: self.files[first.priority.0].display().to_string(),
                line: first.line,
                record: first.record,
            };
            let notice = Notice::Duplicate {
                location: &location,
                id: &article.id,
                same_content,
            };
            self.observer.notice(notice);
            replaces_earlier = true;
        }
        if replaces_earlier || outcome == Outcome::Updated {
            self.writer
                .delete_term(Term::from_field_text(self.schema.id, &article.id));
        }
        if replaces_earlier || outcome != Outcome::Unchanged {
            let document = prepared.take().unwrap_or_else(document);
            self.writer.add_document(document)?;
        }
        self.counter(outcome).fetch_add(1, Ordering::Relaxed);
        let record = SeenRecord {
            priority,
            hash,
            outcome,
            line: article.location.line,
            record: article.location.record,
        };
        seen.insert(key, record);
        Ok(())
    }

    fn counter(&self, outcome: Outcome) -> &AtomicU64 {
        match outcome {
            Outcome::Added => &self.counters.added,
            Outcome::Updated => &self.counters.updated,
            Outcome::Unchanged => &self.counters.unchanged,
        }
    }
}

/// A record's place in the input: file order, then order within the file.
type Priority = (usize, u64);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Added,
    Updated,
    Unchanged,
}

/// The record that holds an id in this run: kept for every article read,
/// so kept small (its file is `files[priority.0]`).
struct SeenRecord {
    priority: Priority,
    hash: u64,
    outcome: Outcome,
    line: Option<u64>,
    record: Option<u64>,
}

/// What an id is remembered by within a run: its 128-bit xxh3 hash, like
/// the ids made for articles without one (two different ids colliding among
/// a billion articles is about a 1-in-10^21 chance). A copy of every id
/// read, with its location, made this map the largest thing in memory when
/// indexing millions of articles.
fn id_key(id: &str) -> u128 {
    xxhash_rust::xxh3::xxh3_128(id.as_bytes())
}

/// A fingerprint of everything stored about an article, to tell an updated
/// article from an unchanged one.
fn content_hash(article: &Article) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for part in [
        article.title.as_str(),
        article.body.as_str(),
        article.source.as_deref().unwrap_or(""),
        article.url.as_deref().unwrap_or(""),
    ] {
        hasher.update(part.as_bytes());
        hasher.update(&[0]);
    }
    hasher.update(&article.date.map_or(i64::MIN, |d| d.timestamp()).to_le_bytes());
    hasher.digest()
}

pub(crate) fn build_document(schema: &NewsSchema, article: &Article, hash: u64, tags: &Tags) -> TantivyDocument {
    let mut doc = TantivyDocument::new();
    doc.add_text(schema.id, &article.id);
    doc.add_u64(schema.content_hash, hash);
    doc.add_text(schema.title, &article.title);
    doc.add_text(schema.body, &article.body);
    if let Some(date) = article.date {
        doc.add_date(schema.date, DateTime::from_timestamp_secs(date.timestamp()));
    }
    if let Some(source) = &article.source {
        doc.add_text(schema.source, source);
    }
    if let Some(url) = &article.url {
        doc.add_text(schema.url, url);
    }
    doc.add_text(schema.location, article.location.to_string());
    for (field, paths) in [
        (schema.actor, &tags.actors),
        (schema.mention, &tags.mentions),
        (schema.event, &tags.events),
        (schema.dyad, &tags.dyads),
    ] {
        for path in paths {
            if let Ok(facet) = Facet::from_text(path) {
                doc.add_facet(field, facet);
            }
        }
    }
    if !tags.evidence.is_empty() {
        let lines: Vec<String> = tags
            .evidence
            .iter()
            .map(|e| format!("{}\t{}\t{}", e.dyad, e.start, e.end))
            .collect();
        doc.add_text(schema.evidence, lines.join("\n"));
    }
    doc
}

/// Merges the committed segments, smallest first, in groups whose files
/// add up to at most `max_bytes`, one merge at a time, so that peak memory
/// stays near the indexing budget whatever the corpus size. tantivy's own
/// merge policy merged while indexing, several merges at once, up to the
/// whole index in one: 16 copies of the bench corpus peaked at 3.2 GB of
/// resident memory (the merged segments are mapped into memory as they are
/// read), where the indexing itself stayed under 0.9 GB.
pub(crate) fn merge_bounded(
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
    // SAFETY: malloc_trim only returns free heap pages to the kernel.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Every indexed id with its content hash, read from fast fields.
fn existing_articles(index: &tantivy::Index) -> Result<HashMap<String, u64>, Error> {
    let searcher = index.reader()?.searcher();
    let mut out = HashMap::with_capacity(searcher.num_docs() as usize);
    for segment in searcher.segment_readers() {
        let fast = segment.fast_fields();
        let Some(ids) = fast.str("id")? else { continue };
        let hashes = fast.u64("content_hash")?;
        let mut id = String::new();
        for doc in segment.doc_ids_alive() {
            let Some(ord) = ids.term_ords(doc).next() else {
                continue;
            };
            id.clear();
            ids.ord_to_str(ord, &mut id)
                .map_err(|e| Error::CorruptIndex(format!("cannot read ids: {e}")))?;
            out.insert(id.clone(), hashes.first(doc).unwrap_or(0));
        }
    }
    Ok(out)
}

/// Drops a run's uncommitted work and the files it wrote, leaving the index
/// as of its last commit.
fn discard(mut writer: IndexWriter<TantivyDocument>) {
    let _ = writer.rollback();
    let _ = writer.garbage_collect_files().wait();
}

/// A corpus file's path (absolute), size and xxh3 hash, for the manifest.
fn describe_corpus_file(path: &Path) -> Option<CorpusFile> {
    use std::io::Read;
    let mut file = std::fs::File::open(path).ok()?;
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let mut buffer = vec![0; 256 * 1024];
    let mut size = 0u64;
    loop {
        match file.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => {
                hasher.update(&buffer[..n]);
                size += n as u64;
            }
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    Some(CorpusFile {
        path: path.display().to_string(),
        size,
        xxh3: format!("{:016x}", hasher.digest()),
        indexed: String::new(),
    })
}

/// Test hook: `NEWSDEX_FAILPOINT=before-commit` (or `after-commit`) makes
/// an index run abort at that point, as a crash there would, so tests can
/// check what the index holds afterwards; `before-commit:pause` makes it wait
/// there (a minute), holding the writer lock.
fn failpoint(name: &str) {
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
