//! Searching: parses the query, applies facet, date and source filters
//! (which never change scores), ranks, builds highlighted snippets and counts
//! facets for the whole result set.

use std::collections::HashMap;
use std::ops::Bound;
use std::time::Instant;

use serde::Serialize;
use tantivy::collector::{Collector, Count, SegmentCollector, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query, QueryParser, RangeQuery, TermQuery,
};
use tantivy::schema::{Facet, IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Index, Order, Score, SegmentOrdinal, SegmentReader, TantivyDocument, Term};

use crate::ranking::{Bm25Params, Bm25TermQuery};
use crate::schema::NewsSchema;
use crate::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum SortOrder {
    #[default]
    Relevance,
    Date,
}

/// A query with its filters, already resolved to facet paths and dates.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    pub query: String,
    /// Every word optional, ranked by BM25 (natural-language queries).
    pub any: bool,
    pub actors: Vec<String>,
    pub events: Vec<String>,
    pub mentions: Vec<String>,
    pub dyads: Vec<String>,
    pub sources: Vec<String>,
    /// Inclusive, seconds since the epoch.
    pub from: Option<i64>,
    /// Exclusive, seconds since the epoch.
    pub to: Option<i64>,
    pub sort: SortOrder,
    pub limit: usize,
    pub offset: usize,
    pub facet_limit: usize,
    pub snippet_chars: usize,
    pub evidence: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct SearchResults {
    pub query: String,
    pub total: usize,
    pub took_ms: f64,
    pub hits: Vec<SearchHit>,
    pub facets: FacetSummary,
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
}

/// A passage with the byte ranges of the matched terms inside `text`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Snippet {
    pub text: String,
    pub highlights: Vec<[usize; 2]>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EvidenceSentence {
    pub dyad: String,
    pub sentence: String,
    /// Byte range of the sentence in the article body.
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct FacetSummary {
    pub actor: Vec<FacetCount>,
    pub event: Vec<FacetCount>,
    pub mention: Vec<FacetCount>,
    pub dyad: Vec<FacetCount>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FacetCount {
    pub path: String,
    pub count: u64,
}

/// An opened index ready for queries.
pub struct Searcher {
    index: Index,
    schema: NewsSchema,
    reader: tantivy::IndexReader,
}

impl Searcher {
    pub fn new(index: Index, schema: NewsSchema) -> Result<Searcher, Error> {
        let reader = index.reader()?;
        Ok(Searcher { index, schema, reader })
    }

    pub fn schema(&self) -> &NewsSchema {
        &self.schema
    }

    pub fn searcher(&self) -> tantivy::Searcher {
        self.reader.searcher()
    }

    /// Parses the user's query; `*` alone matches everything.
    pub fn parse_query(&self, text: &str, any: bool) -> Result<Box<dyn Query>, Error> {
        let text = text.trim();
        if text.is_empty() {
            return Err(Error::BadQuery(
                "the query is empty; use `*` to match every article".into(),
            ));
        }
        if text == "*" {
            return Ok(Box::new(AllQuery));
        }
        if is_plain_words(text) {
            return self.bag_of_words(text, any);
        }
        let mut parser = QueryParser::for_index(&self.index, vec![self.schema.title, self.schema.body]);
        parser.set_field_boost(self.schema.title, TITLE_BOOST);
        let query = if any {
            let (query, _errors) = parser.parse_query_lenient(text);
            query
        } else {
            parser.set_conjunction_by_default();
            parser
                .parse_query(text)
                .map_err(|e| Error::BadQuery(describe_parse_error(&e)))?
        };
        let mut terms = 0;
        query.query_terms(&mut |_, _| terms += 1);
        if terms == 0 && !text.contains('*') && !text.contains('[') && !text.contains('{') {
            return Err(Error::BadQuery(format!(
                "`{text}` has no searchable words (only stop words or punctuation); add a content word"
            )));
        }
        Ok(query)
    }

    /// Plain words: each word must (or, with `any`, may) appear in the title
    /// or the body, scored by newsdex's BM25 with the title counting double.
    fn bag_of_words(&self, text: &str, any: bool) -> Result<Box<dyn Query>, Error> {
        let mut analyzer = self.index.tokenizer_for_field(self.schema.body)?;
        let mut words = Vec::new();
        analyzer
            .token_stream(text)
            .process(&mut |token| words.push(token.text.clone()));
        if words.is_empty() {
            return Err(Error::BadQuery(format!(
                "`{text}` has no searchable words (only stop words or punctuation); add a content word"
            )));
        }
        let occur = if any { Occur::Should } else { Occur::Must };
        let params = Bm25Params::default();
        let clauses = words
            .iter()
            .map(|word| {
                let in_title = Bm25TermQuery::new(Term::from_field_text(self.schema.title, word), params);
                let in_body = Bm25TermQuery::new(Term::from_field_text(self.schema.body, word), params);
                let either: Box<dyn Query> = Box::new(BooleanQuery::new(vec![
                    (
                        Occur::Should,
                        Box::new(BoostQuery::new(Box::new(in_title), TITLE_BOOST)),
                    ),
                    (Occur::Should, Box::new(in_body)),
                ]));
                (occur, either)
            })
            .collect();
        Ok(Box::new(BooleanQuery::new(clauses)))
    }

    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults, Error> {
        let started = Instant::now();
        let user_query = self.parse_query(&request.query, request.any)?;
        let filtered = self.with_filters(user_query.box_clone(), request)?;
        let searcher = self.reader.searcher();
        let facets = (
            FacetValueCounter::new("actor", 2),
            FacetValueCounter::new("event", 2),
            FacetValueCounter::new("mention", 2),
            FacetValueCounter::new("dyad", 3),
        );
        let top = TopDocs::with_limit(request.limit.max(1)).and_offset(request.offset);
        let (ranked, total, facet_counts): (Vec<(Option<Score>, DocAddress)>, usize, _) = match request.sort {
            SortOrder::Relevance => {
                let (docs, total, counts) = searcher.search(&*filtered, &(top.order_by_score(), Count, facets))?;
                (docs.into_iter().map(|(s, d)| (Some(s), d)).collect(), total, counts)
            }
            SortOrder::Date => {
                let by_date = top.order_by_fast_field::<tantivy::DateTime>("date", Order::Desc);
                let (docs, total, counts) = searcher.search(&*filtered, &(by_date, Count, facets))?;
                (docs.into_iter().map(|(_, d)| (None, d)).collect(), total, counts)
            }
        };
        let ranked = if request.limit == 0 { Vec::new() } else { ranked };
        let snippets = SnippetGenerator::create(&searcher, &*user_query, self.schema.body).map(|mut g| {
            g.set_max_num_chars(request.snippet_chars);
            g
        })?;
        let title_snippets = SnippetGenerator::create(&searcher, &*user_query, self.schema.title)?;
        let mut hits = Vec::with_capacity(ranked.len());
        for (i, (score, address)) in ranked.into_iter().enumerate() {
            let doc: TantivyDocument = searcher.doc(address)?;
            hits.push(self.hit(request, request.offset + i + 1, score, &doc, &snippets, &title_snippets));
        }
        let (actor, event, mention, dyad) = facet_counts;
        let limit = request.facet_limit;
        Ok(SearchResults {
            query: request.query.clone(),
            total,
            took_ms: (started.elapsed().as_secs_f64() * 1e6).round() / 1e3,
            hits,
            facets: FacetSummary {
                actor: top_k(actor, limit),
                event: top_k(event, limit),
                mention: top_k(mention, limit),
                dyad: top_k(dyad, limit),
            },
        })
    }

    /// Adds filters as zero-scored required clauses, so they select without
    /// changing the ranking.
    fn with_filters(&self, query: Box<dyn Query>, request: &SearchRequest) -> Result<Box<dyn Query>, Error> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (field, paths) in [
            (self.schema.actor, &request.actors),
            (self.schema.event, &request.events),
            (self.schema.mention, &request.mentions),
            (self.schema.dyad, &request.dyads),
        ] {
            for path in paths {
                let facet = Facet::from_text(path).map_err(|e| {
                    Error::BadArgument(format!(
                        "`{path}` is not a facet path ({e}); write it like /country/CHN"
                    ))
                })?;
                let term = Term::from_facet(field, &facet);
                clauses.push((Occur::Must, Box::new(TermQuery::new(term, IndexRecordOption::Basic))));
            }
        }
        if !request.sources.is_empty() {
            let any_source: Vec<(Occur, Box<dyn Query>)> = request
                .sources
                .iter()
                .map(|s| {
                    let term = Term::from_field_text(self.schema.source, &s.to_lowercase());
                    (
                        Occur::Should,
                        Box::new(TermQuery::new(term, IndexRecordOption::Basic)) as Box<dyn Query>,
                    )
                })
                .collect();
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(any_source))));
        }
        if request.from.is_some() || request.to.is_some() {
            let bound = |secs: Option<i64>, inclusive: bool| match secs {
                None => Bound::Unbounded,
                Some(s) => {
                    let term =
                        Term::from_field_date_for_search(self.schema.date, tantivy::DateTime::from_timestamp_secs(s));
                    if inclusive {
                        Bound::Included(term)
                    } else {
                        Bound::Excluded(term)
                    }
                }
            };
            clauses.push((
                Occur::Must,
                Box::new(RangeQuery::new(bound(request.from, true), bound(request.to, false))),
            ));
        }
        if clauses.is_empty() {
            return Ok(query);
        }
        let filter = BooleanQuery::new(clauses);
        // tantivy drops a match-all clause from a conjunction, score and all:
        // browse results keep the score `*` has alone.
        if query.is::<AllQuery>() {
            return Ok(Box::new(ConstScoreQuery::new(Box::new(filter), 1.0)));
        }
        Ok(Box::new(BooleanQuery::new(vec![
            (Occur::Must, query),
            (Occur::Must, Box::new(ConstScoreQuery::new(Box::new(filter), 0.0))),
        ])))
    }

    fn hit(
        &self,
        request: &SearchRequest,
        rank: usize,
        score: Option<Score>,
        doc: &TantivyDocument,
        snippets: &SnippetGenerator,
        title_snippets: &SnippetGenerator,
    ) -> SearchHit {
        let s = &self.schema;
        let text = |field| doc.get_first(field).and_then(|v| v.as_str()).map(str::to_string);
        let facets = |field| -> Vec<String> {
            doc.get_all(field)
                .filter_map(|v| v.as_facet())
                .map(|encoded| facet_path(encoded.as_bytes()))
                .collect()
        };
        let body = text(s.body).unwrap_or_default();
        let title = text(s.title).unwrap_or_default();
        let snippet = best_snippet(&body, &title, snippets, title_snippets, request.snippet_chars);
        let evidence = request.evidence.then(|| {
            text(s.evidence)
                .unwrap_or_default()
                .lines()
                .filter_map(|line| {
                    let mut cells = line.split('\t');
                    let dyad = cells.next()?.to_string();
                    let start: usize = cells.next()?.parse().ok()?;
                    let end: usize = cells.next()?.parse().ok()?;
                    let sentence = body.get(start..end)?.trim().to_string();
                    Some(EvidenceSentence {
                        dyad,
                        sentence,
                        start,
                        end,
                    })
                })
                .collect()
        });
        SearchHit {
            rank,
            score,
            id: text(s.id).unwrap_or_default(),
            title,
            date: doc.get_first(s.date).and_then(|v| v.as_datetime()).map(format_date),
            source: text(s.source),
            url: text(s.url),
            actors: facets(s.actor),
            events: facets(s.event),
            mentions: facets(s.mention),
            dyads: facets(s.dyad),
            snippet,
            evidence,
        }
    }
}

/// How much more a word in the title counts than a word in the body.
const TITLE_BOOST: Score = 2.0;

/// True when the query uses none of the query language: no quotes, fields,
/// groups, ranges, wildcards, boosts, `+`/`-` prefixes or AND/OR/NOT
/// operators (an all-capitals query is shouting, not operators).
fn is_plain_words(text: &str) -> bool {
    let syntax = text.chars().any(|c| {
        matches!(
            c,
            '"' | ':' | '(' | ')' | '[' | ']' | '{' | '}' | '*' | '^' | '~' | '\\'
        )
    });
    let prefixed = text.split_whitespace().any(|w| w.starts_with(['+', '-']));
    let shouting = !text.chars().any(char::is_lowercase);
    let operators = !shouting && text.split_whitespace().any(|w| matches!(w, "AND" | "OR" | "NOT"));
    !(syntax || prefixed || operators)
}

fn describe_parse_error(err: &tantivy::query::QueryParserError) -> String {
    use tantivy::query::QueryParserError as E;
    match err {
        E::SyntaxError(text) => {
            format!("syntax error ({text}); check quotes and brackets, or use --any for plain words")
        }
        E::FieldDoesNotExist(field) => {
            format!("unknown field `{field}`; searchable fields are title, body and source")
        }
        other => other.to_string(),
    }
}

/// A facet's path from its encoded form (segments separated by NUL).
/// tantivy's own conversion escapes slashes with a regex, which dominated
/// query time; newsdex's facet segments never contain a slash.
fn facet_path(encoded: &[u8]) -> String {
    let mut path = String::with_capacity(encoded.len() + 1);
    path.push('/');
    path.push_str(&String::from_utf8_lossy(encoded).replace('\0', "/"));
    path
}

/// `YYYY-MM-DDTHH:MM:SSZ`.
pub fn format_date(date: tantivy::DateTime) -> String {
    chrono::DateTime::from_timestamp(date.into_timestamp_secs(), 0)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

/// The body passage with the most matched terms; failing that, the title when
/// it matched; failing that, the lead.
fn best_snippet(
    body: &str,
    title: &str,
    snippets: &SnippetGenerator,
    title_snippets: &SnippetGenerator,
    chars: usize,
) -> Snippet {
    let from_body = snippets.snippet(body);
    if !from_body.highlighted().is_empty() {
        return to_snippet(&from_body);
    }
    let from_title = title_snippets.snippet(title);
    if !from_title.highlighted().is_empty() {
        return to_snippet(&from_title);
    }
    Snippet {
        text: lead(body, chars),
        highlights: Vec::new(),
    }
}

fn to_snippet(snippet: &tantivy::snippet::Snippet) -> Snippet {
    Snippet {
        text: snippet.fragment().to_string(),
        highlights: snippet.highlighted().iter().map(|r| [r.start, r.end]).collect(),
    }
}

/// The first `chars` characters of a text, cut at a word boundary.
pub fn lead(text: &str, chars: usize) -> String {
    let text = text.trim();
    match text.char_indices().nth(chars) {
        None => text.to_string(),
        Some((cut, _)) => {
            let cut = text[..cut].rfind(char::is_whitespace).unwrap_or(cut);
            text[..cut].trim_end().to_string()
        }
    }
}

/// The `k` most frequent values, most frequent first (ties by path).
pub fn top_k(counts: HashMap<String, u64>, k: usize) -> Vec<FacetCount> {
    let mut all: Vec<FacetCount> = counts
        .into_iter()
        .map(|(path, count)| FacetCount { path, count })
        .collect();
    all.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.path.cmp(&b.path)));
    all.truncate(k);
    all
}

/// Counts facet values over the matching documents, at most `max_depth` deep
/// (`/country/CHN` but not its sector `/country/CHN/GOV`).
pub struct FacetValueCounter {
    field: String,
    max_depth: usize,
}

impl FacetValueCounter {
    pub fn new(field: &str, max_depth: usize) -> FacetValueCounter {
        FacetValueCounter {
            field: field.to_string(),
            max_depth,
        }
    }
}

pub struct FacetValueSegmentCounter {
    reader: tantivy::fastfield::FacetReader,
    counts: Vec<u64>,
    max_depth: usize,
}

impl Collector for FacetValueCounter {
    type Fruit = HashMap<String, u64>;
    type Child = FacetValueSegmentCounter;

    fn for_segment(&self, _: SegmentOrdinal, segment: &SegmentReader) -> tantivy::Result<Self::Child> {
        let reader = segment.facet_reader(&self.field)?;
        let counts = vec![0; reader.num_facets()];
        Ok(FacetValueSegmentCounter {
            reader,
            counts,
            max_depth: self.max_depth,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<HashMap<String, u64>>) -> tantivy::Result<HashMap<String, u64>> {
        let mut merged = HashMap::new();
        for fruit in fruits {
            for (path, count) in fruit {
                *merged.entry(path).or_insert(0) += count;
            }
        }
        Ok(merged)
    }
}

impl SegmentCollector for FacetValueSegmentCounter {
    type Fruit = HashMap<String, u64>;

    fn collect(&mut self, doc: tantivy::DocId, _score: Score) {
        for ord in self.reader.facet_ords(doc) {
            self.counts[ord as usize] += 1;
        }
    }

    fn harvest(self) -> HashMap<String, u64> {
        let counted: Vec<(u64, u64)> = self
            .counts
            .iter()
            .enumerate()
            .filter(|(_, &c)| c > 0)
            .map(|(ord, &c)| (ord as u64, c))
            .collect();
        let ords: Vec<u64> = counted.iter().map(|(ord, _)| *ord).collect();
        let mut out = HashMap::with_capacity(ords.len());
        let mut counts = counted.iter().map(|(_, c)| *c);
        // One pass over the sorted dictionary: looking ordinals up one by one
        // decompresses a dictionary block per lookup.
        let _ = self.reader.facet_dict().sorted_ords_to_term_cb(&ords, |encoded| {
            let count = counts.next().unwrap_or(0);
            let depth = encoded.iter().filter(|b| **b == 0).count() + 1;
            if depth <= self.max_depth {
                out.insert(facet_path(encoded), count);
            }
        });
        out
    }
}
