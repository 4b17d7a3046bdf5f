//! What a search takes and gives: the request, already resolved to facet
//! paths and timestamps, and the results the printers render.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::{Histogram, Period};
use crate::tag::{Evidence, Labels};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum SortOrder {
    #[default]
    Relevance,
    Date,
}

/// Which values of one facet an article must and must not carry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FacetFilter {
    /// Each group must be matched by at least one of its paths
    /// (`--actor China --actor Russia,Iran`: China, and Russia or Iran).
    pub all_of: Vec<Vec<String>>,
    /// No path here may be carried.
    pub none_of: Vec<String>,
}

impl FacetFilter {
    /// Requires `path`.
    pub fn require(&mut self, path: impl Into<String>) {
        self.all_of.push(vec![path.into()]);
    }

    pub fn is_empty(&self) -> bool {
        self.all_of.is_empty() && self.none_of.is_empty()
    }
}

/// What selects articles besides the query, resolved to facet paths and
/// timestamps; shared by search, timelines, exports and watched queries.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Filters {
    pub actor: FacetFilter,
    pub event: FacetFilter,
    pub mention: FacetFilter,
    pub dyad: FacetFilter,
    /// Any of these sources (an article has one), lowercase.
    pub sources: Vec<String>,
    /// None of these sources, lowercase.
    pub not_sources: Vec<String>,
    /// Only the reports of any of these stories (story ids).
    pub stories: Vec<String>,
    /// Inclusive, seconds since the epoch.
    pub from: Option<i64>,
    /// Exclusive, seconds since the epoch.
    pub to: Option<i64>,
}

impl Filters {
    pub fn is_empty(&self) -> bool {
        *self == Filters::default()
    }
}

/// A query with its filters, already resolved to facet paths and dates.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    pub query: String,
    /// Every word optional, ranked by BM25 (natural-language queries).
    pub any: bool,
    pub filters: Filters,
    pub sort: SortOrder,
    pub limit: usize,
    pub offset: usize,
    pub facet_limit: usize,
    pub snippet_chars: usize,
    pub evidence: bool,
    /// Give each hit an explanation of its score and of its facets.
    pub explain: bool,
    /// Count the whole result set per period of this size.
    pub histogram: Option<Period>,
    /// One hit per story: its best-ranked report, with how many reports and
    /// outlets matched.
    pub collapse: bool,
    /// What facet counts count: articles, or stories (a value counts once
    /// per story that has it on any matching report).
    pub count: CountUnit,
}

/// What facet counts count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CountUnit {
    #[default]
    Articles,
    Stories,
}

/// The story a hit belongs to.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct HitStory {
    /// The story's id: the article id of its earliest report.
    pub id: String,
    /// Its reports in the whole index.
    pub reports_in_index: u32,
    /// With `collapse`: its reports among the results.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reports: Option<u32>,
    /// With `collapse`: the outlets of those reports.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outlets: Option<u32>,
}

impl HitStory {
    /// The story of the document at `address`, with its reports and outlets
    /// among the results when they were counted.
    pub fn of(table: &crate::store::StoryTable, address: tantivy::DocAddress, matched: Option<(u32, u32)>) -> HitStory {
        let story = table.story(address);
        HitStory {
            id: table.story_id(story).to_string(),
            reports_in_index: table.reports(story),
            reports: matched.map(|m| m.0),
            outlets: matched.map(|m| m.1),
        }
    }
}

impl SearchRequest {
    /// `query` with the command line's defaults: every word required, no
    /// filters, by relevance, the top 10 with 200-character snippets and 10
    /// values per facet.
    pub fn new(query: &str) -> SearchRequest {
        SearchRequest {
            query: query.to_string(),
            any: false,
            filters: Filters::default(),
            sort: SortOrder::Relevance,
            limit: 10,
            offset: 0,
            facet_limit: 10,
            snippet_chars: 200,
            evidence: false,
            explain: false,
            histogram: None,
            collapse: false,
            count: CountUnit::Articles,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SearchResults {
    pub query: String,
    /// How a query that is not valid query language was read instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query_note: Option<String>,
    pub total: usize,
    /// With `collapse` or stories counted: the stories the results hold
    /// (and, with `collapse`, what `offset` and `limit` page through).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stories: Option<usize>,
    /// What the facet counts count.
    pub counted: CountUnit,
    pub took_ms: f64,
    pub hits: Vec<SearchHit>,
    pub facets: FacetSummary,
    /// With `histogram`: the result set per period, as `timeline` counts it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub histogram: Option<Histogram>,
    /// The display name of every facet value in the hits and the counts.
    pub labels: BTreeMap<String, String>,
}

impl SearchResults {
    /// Names every facet value the results hold with `labels`.
    pub fn label_with(&mut self, labels: &Labels) {
        let mut paths: BTreeSet<&String> = BTreeSet::new();
        for hit in &self.hits {
            paths.extend(
                hit.actors
                    .iter()
                    .chain(&hit.events)
                    .chain(&hit.mentions)
                    .chain(&hit.dyads),
            );
        }
        let facets = &self.facets;
        for counts in [
            &facets.actor,
            &facets.event,
            &facets.mention,
            &facets.worded_event,
            &facets.dyad,
        ] {
            paths.extend(counts.iter().map(|c| &c.path));
        }
        self.labels = labels.for_paths(paths);
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SearchHit {
    pub rank: usize,
    pub score: Option<f32>,
    pub id: String,
    pub title: String,
    pub date: Option<String>,
    pub source: Option<String>,
    pub url: Option<String>,
    pub actors: Vec<String>,
    pub events: Vec<String>,
    pub mentions: Vec<String>,
    pub dyads: Vec<String>,
    pub snippet: Snippet,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Vec<EvidenceSentence>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explain: Option<HitExplanation>,
    /// With `collapse`, stories counted, or in an export.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub story: Option<HitStory>,
}

/// Why a hit ranks where it does and where its facets come from.
#[derive(Debug, Clone, Serialize)]
pub struct HitExplanation {
    /// The score as a tree: each node's `value`, what it is (`description`),
    /// the parts it sums or multiplies (`details`) and the figures behind
    /// it (`context`): per query word, its frequency and length in the title
    /// and the body, its IDF, and each proximity pair's phrase score.
    pub ranking: serde_json::Value,
    /// For each event, actor and dyad facet the tagger reproduces from the
    /// stored text: the sentence and cue it was read from.
    pub facets: Vec<FacetExplanation>,
    /// Facets the hit carries that today's dictionaries do not reproduce
    /// (the index was tagged with other dictionaries: `newsdex retag`).
    pub unexplained: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FacetExplanation {
    pub facet: String,
    /// `title`, `lead` or `body`.
    pub place: &'static str,
    pub sentence: String,
    pub cue: String,
    /// Byte range of the sentence in the title or the body.
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct EvidenceSentence {
    pub dyad: String,
    pub sentence: String,
    /// Byte range of the sentence in the article body.
    pub start: usize,
    pub end: usize,
}

impl EvidenceSentence {
    /// Each dyad's evidence with its sentence read from `body` (a range
    /// that does not fit the body is left out).
    pub fn from_body(body: &str, evidence: &[Evidence]) -> Vec<EvidenceSentence> {
        evidence
            .iter()
            .filter_map(|e| {
                Some(EvidenceSentence {
                    dyad: e.dyad.clone(),
                    sentence: body.get(e.start..e.end)?.trim().to_string(),
                    start: e.start,
                    end: e.end,
                })
            })
            .collect()
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct FacetSummary {
    pub actor: Vec<FacetCount>,
    pub event: Vec<FacetCount>,
    /// The entities the articles name (`mention` without `/event/…`).
    pub mention: Vec<FacetCount>,
    /// The event types the articles word, reported or not (`mention`'s `/event/…`).
    pub worded_event: Vec<FacetCount>,
    pub dyad: Vec<FacetCount>,
    /// The outlets (`path` is the source's name); always articles, not stories.
    pub source: Vec<FacetCount>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FacetCount {
    pub path: String,
    pub count: u64,
}

/// A passage with the byte ranges of the matched terms inside `text`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Snippet {
    pub text: String,
    pub highlights: Vec<[usize; 2]>,
}

/// `YYYY-MM-DDTHH:MM:SSZ` for seconds since the epoch.
pub fn format_date(seconds: i64) -> String {
    chrono::DateTime::from_timestamp(seconds, 0)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}
