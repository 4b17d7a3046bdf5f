//! Exports: every hit of a search, not one page, handed on in rank order a
//! batch at a time, so that memory stays flat however many articles match
//! (only the ranked addresses, 16 bytes an article, are held at once).

use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::{DocAddress, Order, Score, TantivyDocument};

use super::{highlighter, hit_facets, HitStory, SearchHit, SearchRequest, Searcher, SortOrder, TITLE_SNIPPET_CHARS};
use crate::store::{self, field_names};
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
        let (user_query, query_note) = self.parse_query(&request.query, request.any)?;
        let filtered = self.with_filters(user_query.box_clone(), &request.filters)?;
        let searcher = self.reader.searcher();
        let total = searcher.search(&*filtered, &Count)?;
        let ranked: Vec<(Option<Score>, DocAddress)> = if total == 0 {
            Vec::new()
        } else {
            let top = TopDocs::with_limit(total);
            match request.sort {
                SortOrder::Relevance => searcher
                    .search(&*filtered, &top.order_by_score())?
                    .into_iter()
                    .map(|(s, d)| (Some(s), d))
                    .collect(),
                SortOrder::Date => searcher
                    .search(
                        &*filtered,
                        &top.order_by_fast_field::<tantivy::DateTime>(field_names::DATE, Order::Desc),
                    )?
                    .into_iter()
                    .map(|(_, d)| (None, d))
                    .collect(),
            }
        };
        let tables = self
            .facet_tables
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .tables_now(&searcher)?;
        let highlighters = (
            highlighter(&searcher, &*user_query, self.schema.body, request.snippet_chars)?,
            highlighter(&searcher, &*user_query, self.schema.title, TITLE_SNIPPET_CHARS)?,
        );
        let stories = self.story_table(&searcher)?;
        let mut request = request.clone();
        request.evidence = true;
        for (batch_number, batch) in ranked.chunks(EXPORT_BATCH).enumerate() {
            let addresses: Vec<DocAddress> = batch.iter().map(|(_, a)| *a).collect();
            let batch_facets = hit_facets(&searcher, Some(&*tables), &addresses)?;
            let hits = batch
                .par_iter()
                .zip(batch_facets)
                .enumerate()
                .map_init(
                    || highlighters.clone(),
                    |highlighters, (i, ((score, address), facets))| -> Result<SearchHit, Error> {
                        let doc: TantivyDocument = searcher.doc(*address)?;
                        let decoded = store::decode(&self.schema, &doc);
                        let rank = batch_number * EXPORT_BATCH + i + 1;
                        let mut hit = self.hit(&request, rank, *score, decoded, facets, highlighters);
                        let story = stories.story(*address);
                        hit.story = Some(HitStory {
                            id: stories.story_id(story).to_string(),
                            reports_in_index: stories.reports(story),
                            reports: None,
                            outlets: None,
                        });
                        Ok(hit)
                    },
                )
                .collect::<Result<Vec<SearchHit>, Error>>()?;
            for hit in &hits {
                write(hit)?;
            }
        }
        Ok(ExportReport {
            query: request.query.clone(),
            query_note,
            articles: ranked.len(),
            seconds: started.elapsed().as_secs_f64(),
        })
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
    pub fn new(request: &SearchRequest, command: Vec<String>, index: &std::path::Path) -> Result<ExportStamp, Error> {
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
            index: std::path::absolute(index)
                .unwrap_or_else(|_| index.to_path_buf())
                .display()
                .to_string(),
            index_manifest: crate::store::IndexManifest::read(index)?,
        })
    }
}
