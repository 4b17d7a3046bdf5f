//! `newsdex stats`, index statistics: size, date range, segments, what built it, and the most
//! frequent actors and events.

use std::path::PathBuf;

use serde::Serialize;
use tantivy::query::AllQuery;

use crate::search::{format_date, FacetCount, Searcher, TopFacets};
use crate::store::{self, field_names, IndexManifest};
use crate::Error;

#[derive(Debug, Clone, Serialize)]
pub struct IndexStats {
    pub index: String,
    pub articles: u64,
    pub first_date: Option<String>,
    pub last_date: Option<String>,
    pub size_bytes: u64,
    pub segments: usize,
    pub manifest: Option<IndexManifest>,
    pub top_actors: Vec<FacetCount>,
    pub top_events: Vec<FacetCount>,
    /// The display name of each top actor and event.
    pub labels: std::collections::BTreeMap<String, String>,
}

impl IndexStats {
    /// Names the top actors and events with `labels`.
    pub fn label_with(&mut self, labels: &crate::tag::Labels) {
        let paths = self.top_actors.iter().chain(&self.top_events).map(|c| &c.path);
        self.labels = labels.for_paths(paths);
    }
}

/// What the index folders `dirs` hold (several: shards read as one index).
pub fn collect(dirs: &[PathBuf], top: usize) -> Result<IndexStats, Error> {
    collect_stats(dirs, top).map_err(store::damaged)
}

fn collect_stats(dirs: &[PathBuf], top: usize) -> Result<IndexStats, Error> {
    let folders = store::index_folders(dirs)?;
    let searcher = Searcher::open_many(&folders, None)?;
    let reader = searcher.searcher();
    let mut first: Option<tantivy::DateTime> = None;
    let mut last: Option<tantivy::DateTime> = None;
    for segment in reader.segment_readers() {
        let column = segment.fast_fields().date(field_names::DATE)?;
        for doc in segment.doc_ids_alive() {
            if let Some(date) = column.first(doc) {
                first = Some(first.map_or(date, |f| f.min(date)));
                last = Some(last.map_or(date, |l| l.max(date)));
            }
        }
    }
    let (mut top_actors, mut top_events) = reader.search(
        &AllQuery,
        &(
            TopFacets::new(field_names::ACTOR, 2, top),
            TopFacets::new(field_names::EVENT, 2, top),
        ),
    )?;
    Ok(IndexStats {
        index: store::describe_folders(&folders),
        articles: reader.num_docs(),
        first_date: first.map(|d| format_date(d.into_timestamp_secs())),
        last_date: last.map(|d| format_date(d.into_timestamp_secs())),
        size_bytes: folders.iter().map(|d| store::size_on_disk(d)).sum(),
        segments: reader.segment_readers().len(),
        manifest: match folders.as_slice() {
            [dir] => IndexManifest::read(dir)?,
            _ => None,
        },
        // One list each: the fields are counted whole.
        top_actors: top_actors.remove(0),
        top_events: top_events.remove(0),
        labels: Default::default(),
    })
}
