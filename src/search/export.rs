//! Exports: every hit of a search, not one page, handed on in rank order a
//! batch at a time, so that memory stays flat however many articles match
//! (only the ranked addresses, 16 bytes an article, are held at once).

use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;
use tantivy::collector::Count;
use tantivy::query::Query;
use tantivy::{DocAddress, Score, TantivyDocument};

use super::{
    highlighter, hit_facets, Highlighter, HitStory, SearchHit, SearchRequest, Searcher, SortOrder, TITLE_SNIPPET_CHARS,
};
use crate::store;
use crate::Error;

/// Hits built and handed on together.
const EXPORT_BATCH: usize = 256;

/// What an export wrote.
#[derive(Debug, Clone, Serialize)]
pub struct ExportReport {
    pub query: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query_note: Option<String>,
    pub articles: usize,
    pub seconds: f64,
}

impl Searcher {
    /// Runs `request` and hands every hit, ranked as `search` ranks them,
    /// with its facets, dyad evidence and snippet, to `write` in order.
    /// `limit`, `offset` and `explain` are ignored: an export is the whole
    /// result set.
    pub fn export(
        &self,
        request: &SearchRequest,
        write: &mut dyn FnMut(&SearchHit) -> Result<(), Error>,
    ) -> Result<ExportReport, Error> {
        let started = Instant::now();
        let all = self.rank_all(request)?;
        // Every exported hit carries its dyad evidence.
        let mut request = request.clone();
        request.evidence = true;
        let builder = all.hit_builder(self, &request)?;
        for (batch_number, batch) in all.ranked.chunks(EXPORT_BATCH).enumerate() {
            let batch: Vec<(usize, Option<Score>, DocAddress)> = batch
                .iter()
                .enumerate()
                .map(|(i, (score, address))| (batch_number * EXPORT_BATCH + i + 1, *score, *address))
                .collect();
            for hit in &builder.build(self, &all.searcher, &batch)? {
                write(hit)?;
            }
        }
        Ok(ExportReport {
            query: request.query.clone(),
            query_note: all.query_note,
            articles: all.ranked.len(),
            seconds: started.elapsed().as_secs_f64(),
        })
    }

    /// Every hit of `request`, not one page, in its order: the addresses
    /// (with scores when ranked by relevance), 16 bytes an article.
    pub(super) fn rank_all(&self, request: &SearchRequest) -> Result<RankedAll, Error> {
        let (user_query, query_note) = self.parse_query(&request.query, request.any)?;
        let filtered = self.with_filters(user_query.box_clone(), &request.filters)?;
        let searcher = self.reader.searcher();
        let total = searcher.search(&*filtered, &Count)?;
        let ranked = if total == 0 {
            Vec::new()
        } else {
            self.rank_matches(&searcher, &*filtered, request.sort, total)?
        };
        Ok(RankedAll {
            user_query,
            query_note,
            searcher,
            ranked,
        })
    }
}

/// The whole result set of a request, ranked, before any hit is built.
pub(super) struct RankedAll {
    pub user_query: Box<dyn Query>,
    pub query_note: Option<String>,
    pub searcher: tantivy::Searcher,
    pub ranked: Vec<(Option<Score>, DocAddress)>,
}

impl RankedAll {
    /// What building hits of this result set needs, read once: the facet
    /// tables and the snippet highlighters.
    pub fn hit_builder(&self, searcher: &Searcher, request: &SearchRequest) -> Result<HitBuilder, Error> {
        let tables = searcher.facet_tables_now(&self.searcher)?;
        let highlighters = (
            highlighter(
                &self.searcher,
                &*self.user_query,
                searcher.schema.body,
                request.snippet_chars,
            )?,
            highlighter(
                &self.searcher,
                &*self.user_query,
                searcher.schema.title,
                TITLE_SNIPPET_CHARS,
            )?,
        );
        Ok(HitBuilder {
            tables,
            highlighters,
            stories: searcher.story_table(&self.searcher)?,
            request: request.clone(),
        })
    }
}

pub(super) struct HitBuilder {
    tables: std::sync::Arc<super::facets::FacetTables>,
    highlighters: (Highlighter, Highlighter),
    /// Every built hit carries its story.
    stories: std::sync::Arc<crate::store::StoryTable>,
    request: SearchRequest,
}

impl HitBuilder {
    /// The hits at these addresses, each with its rank and score, built on
    /// every core, in the order given.
    pub fn build(
        &self,
        owner: &Searcher,
        searcher: &tantivy::Searcher,
        batch: &[(usize, Option<Score>, DocAddress)],
    ) -> Result<Vec<SearchHit>, Error> {
        let addresses: Vec<DocAddress> = batch.iter().map(|(_, _, a)| *a).collect();
        let batch_facets = hit_facets(searcher, Some(&*self.tables), &addresses)?;
        batch
            .par_iter()
            .zip(batch_facets)
            .map_init(
                || self.highlighters.clone(),
                |highlighters, ((rank, score, address), facets)| -> Result<SearchHit, Error> {
                    let doc: TantivyDocument = searcher.doc(*address)?;
                    let decoded = store::decode(&owner.schema, &doc);
                    let mut hit = owner.hit(&self.request, *rank, *score, decoded, facets, highlighters);
                    hit.story = Some(HitStory::of(&self.stories, *address, None));
                    Ok(hit)
                },
            )
            .collect()
    }
}

/// What an export needs to be reproduced: the program, the index as it was
/// (its manifest: dictionaries and their checksum, the corpus files and
/// their hashes), the query and filters, and when.
#[derive(Debug, Clone, Serialize)]
pub struct ExportStamp {
    pub newsdex_version: String,
    pub exported_at: String,
    /// The command line as typed.
    pub command: Vec<String>,
    pub query: String,
    pub any: bool,
    pub filters: super::Filters,
    pub sort: &'static str,
    pub index: String,
    pub index_manifest: Option<crate::store::IndexManifest>,
}

impl ExportStamp {
    /// The stamp of an export from the index folders `index` (its manifest:
    /// the only folder's, or none for shards read together).
    pub fn new(
        request: &SearchRequest,
        command: Vec<String>,
        index: &[std::path::PathBuf],
    ) -> Result<ExportStamp, Error> {
        let shown = |dir: &std::path::PathBuf| {
            std::path::absolute(dir)
                .unwrap_or_else(|_| dir.clone())
                .display()
                .to_string()
        };
        Ok(ExportStamp {
            newsdex_version: env!("CARGO_PKG_VERSION").to_string(),
            exported_at: chrono::Utc::now().to_rfc3339(),
            command,
            query: request.query.clone(),
            any: request.any,
            filters: request.filters.clone(),
            sort: match request.sort {
                SortOrder::Relevance => "relevance",
                SortOrder::Date => "date",
            },
            index: index.iter().map(shown).collect::<Vec<_>>().join(", "),
            index_manifest: match index {
                [dir] if dir.is_dir() => crate::store::IndexManifest::read(dir)?,
                _ => None,
            },
        })
    }
}
