//! Searching: parses the query, applies facet, date and source filters
//! (which never change scores), ranks, builds highlighted snippets and counts
//! facets for the whole result set.
//!
//! - [`request`]: what a search takes and gives;
//! - `query`: the user's query and the filters as tantivy queries;
//! - `filters`: names and days as users type them, made paths and timestamps;
//! - `ranking`: BM25 with newsdex's parameters;
//! - `facets`: counting facets and reading a hit's facets from their columns;
//! - `snippet`: highlighted passages;
//! - `sources`: the most frequent outlets of a result set;
//! - `article`: one article by id, whole;
//! - `export`: the whole result set, in order, a batch at a time;
//! - `timeline`: matching articles per day, week, month or year;
//! - `watch`: a watched query's whole result set as id keys, and its new hits.

mod article;
mod export;
mod facets;
mod filters;
mod query;
mod ranking;
pub mod request;
mod snippet;
mod sources;
mod timeline;
mod watch;

use std::collections::BTreeSet;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use rayon::prelude::*;
use tantivy::collector::{Count, TopDocs};
use tantivy::{DocAddress, Index, Order, Score, TantivyDocument};

use crate::ingest::Article;
use crate::store::{self, field_names, NewsSchema, StoryTable};
use crate::tag::{Evidence, Extractor};
use crate::Error;

pub use article::ArticleView;
pub use export::{ExportReport, ExportStamp};
pub(crate) use facets::hit_facets;
pub use facets::TopFacets;
use facets::{FacetCounting, TablesState};
pub use filters::{check_query, day_start, event_path, NameResolver, MAX_QUERY_BYTES, MAX_QUERY_DEPTH};
pub use ranking::{Bm25Params, Bm25fTermQuery, FieldTerm};
pub use request::{
    format_date, CountUnit, EvidenceSentence, FacetCount, FacetExplanation, FacetFilter, FacetSummary, Filters,
    HitExplanation, HitStory, SearchHit, SearchRequest, SearchResults, Snippet, SortOrder,
};
use snippet::{best_snippet, highlighter, Highlighter, TITLE_SNIPPET_CHARS};
pub use timeline::{
    DayCollector, DayCounts, Histogram, HistogramBucket, Period, PeriodCounts, Series, Timeline, TimelineRequest,
    MAX_PERIODS,
};
pub use watch::{article_key, WatchHits};

/// An opened index ready for queries.
pub struct Searcher {
    index: Index,
    /// The index folder (none for shards read together: their story table
    /// is computed, never written into one of them).
    dir: Option<PathBuf>,
    /// The stories of the segments last searched, once asked for.
    stories: Mutex<Option<Arc<StoryTable>>>,
    schema: NewsSchema,
    reader: tantivy::IndexReader,
    /// Built by the second search that counts facets over the same segments.
    facet_tables: Mutex<TablesState>,
    /// Re-tags hits for `explain`; without one, facets go unexplained.
    tagger: Option<Extractor>,
}

/// The stories of ranked matches, in the order of their best-ranked
/// report, each with its reports' positions in `ranked`.
fn group_by_story(ranked: &[(Option<Score>, DocAddress)], table: &StoryTable) -> Vec<(u32, Vec<usize>)> {
    let mut position: HashMap<u32, usize> = HashMap::new();
    let mut groups: Vec<(u32, Vec<usize>)> = Vec::new();
    for (i, (_, address)) in ranked.iter().enumerate() {
        let story = table.story(*address);
        let at = *position.entry(story).or_insert_with(|| {
            groups.push((story, Vec::new()));
            groups.len() - 1
        });
        groups[at].1.push(i);
    }
    groups
}

impl Searcher {
    /// Opens the index at `dir` for searching (retrying while a writer swaps
    /// a new index in).
    pub fn open(dir: &Path) -> Result<Searcher, Error> {
        Searcher::open_cached(dir, None)
    }

    /// [`Searcher::open`] keeping up to `cached_blocks` decompressed
    /// document-store blocks per segment (a server's setting).
    pub fn open_cached(dir: &Path, cached_blocks: Option<usize>) -> Result<Searcher, Error> {
        let (index, schema, reader) = store::open_for_reading_cached(dir, cached_blocks)?;
        Ok(Searcher::with_reader(index, Some(dir.to_path_buf()), schema, reader))
    }

    fn with_reader(index: Index, dir: Option<PathBuf>, schema: NewsSchema, reader: tantivy::IndexReader) -> Searcher {
        Searcher {
            index,
            dir,
            stories: Mutex::new(None),
            schema,
            reader,
            facet_tables: Mutex::new(TablesState::None),
            tagger: None,
        }
    }

    /// Opens the index folders `paths` (or shard lists naming them) as one
    /// index: one folder is [`Searcher::open`]; several are searched
    /// together, with the statistics of one index of all their articles.
    pub fn open_many(paths: &[PathBuf], cached_blocks: Option<usize>) -> Result<Searcher, Error> {
        let folders = store::index_folders(paths)?;
        if let [dir] = folders.as_slice() {
            return Searcher::open_cached(dir, cached_blocks);
        }
        let (index, schema) = store::open_shards(&folders)?;
        let mut builder = index.reader_builder().reload_policy(tantivy::ReloadPolicy::Manual);
        if let Some(blocks) = cached_blocks {
            builder = builder.doc_store_cache_num_blocks(blocks);
        }
        Ok(Searcher::with_reader(index, None, schema, builder.try_into()?))
    }

    /// Explains hits' facets by re-tagging their stored text with `tagger`.
    pub fn with_tagger(mut self, tagger: Extractor) -> Searcher {
        self.tagger = Some(tagger);
        self
    }

    /// The facet tables for `searcher`'s segments, if this Searcher has
    /// counted facets over them before (reading every facet dictionary costs
    /// more than one search reading only the values it counted: a one-off
    /// `newsdex search` never builds them).
    fn facet_tables(&self, searcher: &tantivy::Searcher) -> Result<Option<std::sync::Arc<facets::FacetTables>>, Error> {
        let mut state = self.facet_tables.lock().unwrap_or_else(|e| e.into_inner());
        Ok(state.tables_for(searcher)?)
    }

    /// The stories of `searcher`'s segments (read from the index folder, or
    /// grouped now if the folder's table is for other segments).
    pub fn story_table(&self, searcher: &tantivy::Searcher) -> Result<Arc<StoryTable>, Error> {
        let mut cached = self.stories.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(table) = cached.as_ref().filter(|t| t.fits(searcher)) {
            return Ok(table.clone());
        }
        let table = Arc::new(match &self.dir {
            Some(dir) => StoryTable::for_searcher(dir, searcher)?,
            None => StoryTable::compute(searcher)?,
        });
        *cached = Some(table.clone());
        Ok(table)
    }

    pub fn schema(&self) -> &NewsSchema {
        &self.schema
    }

    /// The facet tables for `searcher`'s segments, built now if need be.
    fn facet_tables_now(&self, searcher: &tantivy::Searcher) -> Result<Arc<facets::FacetTables>, Error> {
        let mut state = self.facet_tables.lock().unwrap_or_else(|e| e.into_inner());
        Ok(state.tables_now(searcher)?)
    }

    pub fn searcher(&self) -> tantivy::Searcher {
        self.reader.searcher()
    }

    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults, Error> {
        let started = Instant::now();
        let (user_query, query_note) = self.parse_query(&request.query, request.any)?;
        let filtered = self.with_filters(user_query.box_clone(), &request.filters)?;
        let searcher = self.reader.searcher();
        let limit = request.facet_limit;
        let stories = (request.collapse || request.count == CountUnit::Stories)
            .then(|| self.story_table(&searcher))
            .transpose()?;
        let tables = match (limit, request.count) {
            (0, _) => None,
            // Stories are counted through the tables' value numbers.
            (_, CountUnit::Stories) => Some(self.facet_tables_now(&searcher)?),
            _ => self.facet_tables(&searcher)?,
        };
        let counted_stories = stories.clone().filter(|_| request.count == CountUnit::Stories);
        let facets = FacetCounting::new(tables.clone(), limit).counting_stories(counted_stories);
        let sources = sources::SourceCounts { k: limit };
        let top = TopDocs::with_limit(request.limit.max(1)).and_offset(request.offset);
        let days = request.histogram.map(|_| DayCollector);
        let (ranked, total, facet_counts, day_counts): (Vec<(Option<Score>, DocAddress)>, usize, _, _) =
            match request.sort {
                SortOrder::Relevance => {
                    let (docs, total, counts, days) =
                        searcher.search(&*filtered, &(top.order_by_score(), Count, (facets, sources), days))?;
                    (
                        docs.into_iter().map(|(s, d)| (Some(s), d)).collect(),
                        total,
                        counts,
                        days,
                    )
                }
                SortOrder::Date => {
                    let by_date = top.order_by_fast_field::<tantivy::DateTime>(field_names::DATE, Order::Desc);
                    let (docs, total, counts, days) =
                        searcher.search(&*filtered, &(by_date, Count, (facets, sources), days))?;
                    (docs.into_iter().map(|(_, d)| (None, d)).collect(), total, counts, days)
                }
            };
        let histogram = match (request.histogram, day_counts) {
            (Some(by), Some(days)) => Some(Histogram::new(&days, by, &request.filters)?),
            _ => None,
        };
        let mut ranked = if request.limit == 0 { Vec::new() } else { ranked };
        let mut story_total = None;
        let mut matched_reports: HashMap<u32, (u32, u32)> = HashMap::new();
        if let Some(table) = &stories {
            let all = self.rank_matches(&searcher, &*filtered, request.sort, total)?;
            let by_story = group_by_story(&all, table);
            story_total = Some(by_story.len());
            if request.collapse {
                let page: Vec<&(u32, Vec<usize>)> = by_story.iter().skip(request.offset).take(request.limit).collect();
                let members: Vec<DocAddress> = page.iter().flat_map(|(_, m)| m.iter().map(|&i| all[i].1)).collect();
                let sources = store::outlets(&searcher, &members)?;
                for (story, members) in &page {
                    let outlets: BTreeSet<&str> = members
                        .iter()
                        .filter_map(|&i| sources.get(&all[i].1).map(String::as_str))
                        .collect();
                    matched_reports.insert(*story, (members.len() as u32, outlets.len() as u32));
                }
                ranked = page.iter().map(|(_, members)| all[members[0]]).collect();
            }
        }
        let highlighters = (
            highlighter(&searcher, &*user_query, self.schema.body, request.snippet_chars)?,
            highlighter(&searcher, &*user_query, self.schema.title, TITLE_SNIPPET_CHARS)?,
        );
        let addresses: Vec<DocAddress> = ranked.iter().map(|(_, address)| *address).collect();
        let hit_facets = hit_facets(&searcher, tables.as_deref(), &addresses)?;
        // Reading a hit (a document-store block decompressed) and choosing its
        // snippet were over half of a search: the hits are built on every core.
        let hits = ranked
            .into_par_iter()
            .zip(hit_facets)
            .enumerate()
            .map_init(
                || highlighters.clone(),
                |highlighters, (i, ((score, address), facets))| -> Result<SearchHit, Error> {
                    let doc: TantivyDocument = searcher.doc(address)?;
                    let (article, evidence) = store::decode(&self.schema, &doc);
                    let explain = request
                        .explain
                        .then(|| self.explain(&searcher, &*user_query, address, &article, &facets))
                        .transpose()?;
                    let mut hit = self.hit(
                        request,
                        request.offset + i + 1,
                        score,
                        (article, evidence),
                        facets,
                        highlighters,
                    );
                    hit.explain = explain;
                    if let Some(table) = &stories {
                        let matched = matched_reports.get(&table.story(address)).copied();
                        hit.story = Some(HitStory::of(table, address, matched));
                    }
                    Ok(hit)
                },
            )
            .collect::<Result<Vec<SearchHit>, Error>>()?;
        let ([actor, event, mention, worded_event, dyad], source) = facet_counts;
        Ok(SearchResults {
            query: request.query.clone(),
            query_note,
            total,
            stories: story_total,
            counted: request.count,
            took_ms: (started.elapsed().as_secs_f64() * 1e6).round() / 1e3,
            hits,
            facets: FacetSummary {
                actor,
                event,
                mention,
                worded_event,
                dyad,
                source,
            },
            histogram,
            labels: Default::default(),
        })
    }

    /// Every match in rank (or date) order.
    fn rank_matches(
        &self,
        searcher: &tantivy::Searcher,
        query: &dyn tantivy::query::Query,
        sort: SortOrder,
        total: usize,
    ) -> Result<Vec<(Option<Score>, DocAddress)>, Error> {
        let top = TopDocs::with_limit(total.max(1));
        Ok(match sort {
            SortOrder::Relevance => searcher
                .search(query, &top.order_by_score())?
                .into_iter()
                .map(|(s, d)| (Some(s), d))
                .collect(),
            SortOrder::Date => searcher
                .search(
                    query,
                    &top.order_by_fast_field::<tantivy::DateTime>(field_names::DATE, Order::Desc),
                )?
                .into_iter()
                .map(|(_, d)| (None, d))
                .collect(),
        })
    }

    fn hit(
        &self,
        request: &SearchRequest,
        rank: usize,
        score: Option<Score>,
        (article, evidence): (Article, Vec<Evidence>),
        facets: [Vec<String>; 4],
        (snippets, title_snippets): &mut (Highlighter, Highlighter),
    ) -> SearchHit {
        let [actors, events, mentions, dyads] = facets;
        let snippet = best_snippet(
            &article.body,
            &article.title,
            snippets,
            title_snippets,
            request.snippet_chars,
        );
        let evidence = request
            .evidence
            .then(|| EvidenceSentence::from_body(&article.body, &evidence));
        SearchHit {
            rank,
            score,
            id: article.id,
            title: article.title,
            date: article.date.map(|d| format_date(d.timestamp())),
            source: article.source,
            url: article.url,
            actors,
            events,
            mentions,
            dyads,
            snippet,
            evidence,
            explain: None,
            story: None,
        }
    }

    fn explain(
        &self,
        searcher: &tantivy::Searcher,
        query: &dyn tantivy::query::Query,
        address: DocAddress,
        article: &Article,
        [actors, events, _, dyads]: &[Vec<String>; 4],
    ) -> Result<HitExplanation, Error> {
        // An explanation is numbers and strings: it always serialises.
        let ranking = serde_json::to_value(query.explain(searcher, address)?).unwrap_or_default();
        let carried: BTreeSet<&String> = actors.iter().chain(events).chain(dyads).collect();
        let mut facets = Vec::new();
        let mut explained: BTreeSet<String> = BTreeSet::new();
        if let Some(tagger) = &self.tagger {
            let date = article.date.map(|d| d.timestamp());
            let mut seen = BTreeSet::new();
            for origin in tagger.origins(&article.title, &article.body, date) {
                if !carried.contains(&origin.facet)
                    || !seen.insert((origin.facet.clone(), origin.start, origin.cue_start))
                {
                    continue;
                }
                let text = if origin.place == "title" {
                    &article.title
                } else {
                    &article.body
                };
                explained.insert(origin.facet.clone());
                facets.push(FacetExplanation {
                    sentence: text.get(origin.start..origin.end).unwrap_or("").trim().to_string(),
                    cue: text.get(origin.cue_start..origin.cue_end).unwrap_or("").to_string(),
                    facet: origin.facet,
                    place: origin.place,
                    start: origin.start,
                    end: origin.end,
                });
            }
        }
        let unexplained = carried
            .into_iter()
            .filter(|f| !explained.contains(*f))
            .cloned()
            .collect();
        Ok(HitExplanation {
            ranking,
            facets,
            unexplained,
        })
    }
}
