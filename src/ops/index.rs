//! `newsdex index`: reads corpora in parallel (rayon parses and tags), hands
//! the documents to tantivy's writer threads, replaces articles whose id is
//! already indexed, skips unchanged ones, and accounts for every record.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;
use tantivy::{IndexWriter, TantivyDocument, Term};

use super::{Notice, Observer};
use crate::ingest::{self, Article, FieldMap, GivenTags, Inputs, Location, Record};
use crate::store::{self, CorpusFile, IndexManifest, NewsSchema};
use crate::tag::{Dictionaries, DictionarySource, Evidence, Extractor, Tags};
use crate::Error;

/// Everything an indexing run needs, resolved from the command line.
#[derive(Debug, Clone)]
pub struct IndexConfig {
    pub index_dir: PathBuf,
    /// The files to read, found once ([`ingest::collect_files`]).
    pub inputs: Inputs,
    pub threads: usize,
    /// tantivy's indexing memory budget, in megabytes, shared by its threads.
    pub memory_mb: usize,
    pub fields: FieldMap,
    pub dictionaries: DictionarySource,
    /// Build a complete new index beside the current one and swap it in,
    /// instead of updating the current one.
    pub rebuild: bool,
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

/// Indexes `config.inputs` into the index at `config.index_dir`, creating it
/// if needed; with `config.rebuild`, into a new index that replaces it only
/// once complete. Holds the writer lock throughout, and commits once: a run
/// that fails or is killed leaves the index as it was.
pub fn run(config: &IndexConfig, observer: &dyn Observer) -> Result<IndexReport, Error> {
    let started = Instant::now();
    let dictionaries = Dictionaries::load(&config.dictionaries)?;
    let extractor = Extractor::new(&dictionaries)?;
    let command = if config.rebuild { "index --rebuild" } else { "index" };
    let session = store::begin_write(&config.index_dir, command, &mut |path| {
        observer.notice(Notice::Cleaned { path })
    })?;
    if !config.rebuild {
        return index_into(&session.index, config, &extractor, observer, started).map_err(store::explain_write_error);
    }
    let report = store::build_beside(&session.index, |building| {
        index_into(building, config, &extractor, observer, started)
    })?;
    Ok(IndexReport {
        seconds: started.elapsed().as_secs_f64(),
        ..report
    })
}

fn index_into(
    index_dir: &Path,
    config: &IndexConfig,
    extractor: &Extractor,
    observer: &dyn Observer,
    started: Instant,
) -> Result<IndexReport, Error> {
    let (index, schema) = store::open_or_create(index_dir)?;
    let threads = config.threads.max(1);
    let writer = store::writer(&index, threads, config.memory_mb)?;
    // Segment files written by a run that failed or was killed before its
    // commit are not part of the index; free their space now.
    let _ = writer.garbage_collect_files().wait();
    let existing = store::ids_and_hashes(&index)?;

    let files = &config.inputs.files;
    let counters = Counters::default();
    for rejection in &config.inputs.unreadable {
        counters.read.fetch_add(1, Ordering::Relaxed);
        counters.rejected.fetch_add(1, Ordering::Relaxed);
        observer.notice(Notice::Rejected(rejection));
    }
    let seen: Mutex<HashMap<u128, SeenRecord>> = Mutex::new(HashMap::new());
    let pool = store::worker_pool(threads)?;
    let failure: Mutex<Option<Error>> = Mutex::new(None);
    let corpus_files: Mutex<Vec<CorpusFile>> = Mutex::new(Vec::with_capacity(files.len()));
    let context = Context {
        schema: &schema,
        extractor,
        writer: &writer,
        existing: &existing,
        seen: &seen,
        files,
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
            if let Some(file) = CorpusFile::describe(path) {
                corpus_files.lock().expect("lock").push(file);
            }
        })
    });
    let mut writer = writer;
    if let Some(err) = failure.into_inner().expect("lock") {
        let err = store::explain_stopped_writer(err, index_dir);
        store::discard(writer);
        return Err(err);
    }
    store::failpoint("before-commit");
    if let Err(err) = writer.commit() {
        let err = store::explain_stopped_writer(err.into(), index_dir);
        store::discard(writer);
        return Err(err);
    }
    drop(seen);
    store::merge_and_close(
        writer,
        &index,
        index_dir,
        store::indexing_budget(threads, config.memory_mb),
    )?;
    store::failpoint("after-commit");
    store::StoryTable::refresh(index_dir, &index)?;

    let now = chrono::Utc::now().to_rfc3339();
    let mut manifest = IndexManifest::stamped(IndexManifest::read(index_dir)?, &config.dictionaries, &now)?;
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
        ingest::read_file(path, fields, &mut |record| {
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
        let hash = store::content_hash(article);
        let outcome = match self.existing.get(&article.id) {
            None => Outcome::Added,
            Some(&old) if old == hash => Outcome::Unchanged,
            Some(_) => Outcome::Updated,
        };
        let document = || match &article.given {
            Some(given) => store::encode(self.schema, article, hash, &given_tags(given)),
            None => store::encode(
                self.schema,
                article,
                hash,
                &self
                    .extractor
                    .tag(&article.title, &article.body, article.date.map(|d| d.timestamp())),
            ),
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

/// The facets a tagged record carried, as the tags the store writes.
fn given_tags(given: &GivenTags) -> Tags {
    Tags {
        actors: given.actors.clone(),
        mentions: given.mentions.clone(),
        events: given.events.clone(),
        dyads: given.dyads.clone(),
        evidence: given
            .evidence
            .iter()
            .map(|(dyad, start, end)| Evidence {
                dyad: dyad.clone(),
                start: *start,
                end: *end,
            })
            .collect(),
    }
}
