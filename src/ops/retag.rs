//! `newsdex retag`: tags every article again from its stored text with the
//! current dictionaries, into a new index built beside the current one and
//! swapped in. The corpus files are not needed.

use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;
use tantivy::{DocAddress, TantivyDocument};

use super::Observer;
use crate::store::{self, IndexManifest};
use crate::tag::{Dictionaries, DictionarySource, Extractor};
use crate::Error;

/// How to re-tag, resolved from the command line.
#[derive(Debug, Clone)]
pub struct RetagConfig {
    pub dictionaries: DictionarySource,
    pub threads: usize,
    /// tantivy's indexing memory budget, in megabytes.
    pub memory_mb: usize,
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
/// beside the current one, then swaps it in.
pub fn retag(
    index: &Path,
    config: &RetagConfig,
    observer: &dyn Observer,
    cleaned: &mut dyn FnMut(&Path),
) -> Result<RetagReport, Error> {
    let started = std::time::Instant::now();
    if !store::exists(index) {
        return Err(Error::NoIndex(index.to_path_buf()));
    }
    let session = store::begin_write(index, "retag", cleaned)?;
    let (old_index, old_schema) = store::open(&session.index)?;
    let extractor = Extractor::new(&Dictionaries::load(&config.dictionaries)?)?;
    let (threads, memory_mb) = (config.threads, config.memory_mb);
    let report = store::build_beside(&session.index, |building| {
        let (new_index, schema) = store::open_or_create(building)?;
        let mut writer = store::writer(&new_index, threads, memory_mb)?;
        let pool = store::worker_pool(threads)?;
        let searcher = old_index.reader()?.searcher();
        let mut articles = 0u64;
        let mut changed = 0u64;
        for (segment_ord, segment) in searcher.segment_readers().iter().enumerate() {
            let segment_ord = segment_ord as u32;
            let store_reader = segment
                .get_store_reader(64)
                .map_err(|e| Error::CorruptIndex(format!("cannot read the stored articles: {e}")))?;
            let hashes = segment.fast_fields().u64(store::field_names::CONTENT_HASH)?;
            let alive: Vec<u32> = segment.doc_ids_alive().collect();
            for chunk in alive.chunks(RETAG_BATCH) {
                let addresses: Vec<DocAddress> = chunk.iter().map(|&doc| DocAddress::new(segment_ord, doc)).collect();
                let old_tags = crate::search::hit_facets(&searcher, None, &addresses)?;
                let stored = chunk
                    .iter()
                    .zip(old_tags)
                    .map(|(&doc, [actors, events, mentions, dyads])| {
                        let document: TantivyDocument = store_reader.get(doc)?;
                        let (article, _) = store::decode(&old_schema, &document);
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
                            let document = store::encode(&schema, &article, hash, &tags);
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
        store::merge_and_close(writer, &new_index, building, store::indexing_budget(threads, memory_mb))?;
        store::StoryTable::refresh(building, &new_index)?;
        let now = chrono::Utc::now().to_rfc3339();
        let mut manifest = IndexManifest::stamped(IndexManifest::read(&session.index)?, &config.dictionaries, &now)?;
        manifest.retagged = Some(now);
        manifest.write(building)?;
        Ok(RetagReport {
            articles,
            changed,
            seconds: 0.0,
        })
    })?;
    Ok(RetagReport {
        seconds: started.elapsed().as_secs_f64(),
        ..report
    })
}
