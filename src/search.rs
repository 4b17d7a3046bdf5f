//! Searching: parses the query, applies facet, date and source filters
//! (which never change scores), ranks, builds highlighted snippets and counts
//! facets for the whole result set.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Bound;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;
use tantivy::collector::{Collector, Count, SegmentCollector, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query, QueryParser, RangeQuery, TermQuery,
};
use tantivy::schema::{Facet, IndexRecordOption, Value};
use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};
use tantivy::{DocAddress, Index, Order, Score, SegmentOrdinal, SegmentReader, TantivyDocument, Term};

use crate::ranking::{Bm25Params, Bm25TermQuery};
use crate::schema::NewsSchema;
use crate::snippet::Highlighter;
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

impl SearchRequest {
    /// `query` with the command line's defaults: every word required, no
    /// filters, by relevance, the top 10 with 200-character snippets and 10
    /// values per facet.
    pub fn new(query: &str) -> SearchRequest {
        SearchRequest {
            query: query.to_string(),
            any: false,
            actors: Vec::new(),
            events: Vec::new(),
            mentions: Vec::new(),
            dyads: Vec::new(),
            sources: Vec::new(),
            from: None,
            to: None,
            sort: SortOrder::Relevance,
            limit: 10,
            offset: 0,
            facet_limit: 10,
            snippet_chars: 200,
            evidence: false,
        }
    }
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
    /// Built by the second search that counts facets over the same segments.
    facet_tables: Mutex<TablesState>,
}

impl Searcher {
    pub fn new(index: Index, schema: NewsSchema) -> Result<Searcher, Error> {
        let reader = index.reader()?;
        Ok(Searcher {
            index,
            schema,
            reader,
            facet_tables: Mutex::new(TablesState::None),
        })
    }

    /// The facet tables for `searcher`'s segments, if this Searcher has
    /// counted facets over them before (reading every facet dictionary costs
    /// more than one search reading only the values it counted: a one-off
    /// `newsdex search` never builds them).
    fn facet_tables(&self, searcher: &tantivy::Searcher) -> Result<Option<Arc<FacetTables>>, Error> {
        let segments: Vec<tantivy::index::SegmentId> =
            searcher.segment_readers().iter().map(|s| s.segment_id()).collect();
        let mut state = self.facet_tables.lock().unwrap_or_else(|e| e.into_inner());
        match &*state {
            TablesState::Built(tables) if tables.segments == segments => return Ok(Some(tables.clone())),
            TablesState::Seen(seen) if *seen == segments => {}
            _ => {
                *state = TablesState::Seen(segments);
                return Ok(None);
            }
        }
        let tables = Arc::new(FacetTables::build(searcher, segments)?);
        *state = TablesState::Built(tables.clone());
        Ok(Some(tables))
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
        let limit = request.facet_limit;
        let tables = match limit {
            0 => None,
            _ => self.facet_tables(&searcher)?,
        };
        let facets = match &tables {
            Some(tables) => FacetCounting::Tables(tables.clone(), limit),
            None => FacetCounting::Fields(
                COUNTED_FACETS
                    .iter()
                    .zip(FACET_DEPTHS)
                    .map(|(field, depth)| TopFacets::new(field, None, depth, limit))
                    .collect(),
            ),
        };
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
                    Ok(self.hit(request, request.offset + i + 1, score, &doc, facets, highlighters))
                },
            )
            .collect::<Result<Vec<SearchHit>, Error>>()?;
        let [actor, event, mention, dyad] = facet_counts;
        Ok(SearchResults {
            query: request.query.clone(),
            total,
            took_ms: (started.elapsed().as_secs_f64() * 1e6).round() / 1e3,
            hits,
            facets: FacetSummary {
                actor,
                event,
                mention,
                dyad,
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
        facets: [Vec<String>; 4],
        (snippets, title_snippets): &mut (Highlighter, Highlighter),
    ) -> SearchHit {
        let s = &self.schema;
        let text = |field| doc.get_first(field).and_then(|v| v.as_str()).map(str::to_string);
        let [actors, events, mentions, dyads] = facets;
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
            actors,
            events,
            mentions,
            dyads,
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
    snippets: &mut Highlighter,
    title_snippets: &mut Highlighter,
    chars: usize,
) -> Snippet {
    let from_body = snippets.snippet(body);
    if !from_body.highlights.is_empty() {
        return from_body;
    }
    let from_title = title_snippets.snippet(title);
    if !from_title.highlights.is_empty() {
        return from_title;
    }
    Snippet {
        text: lead(body, chars),
        highlights: Vec::new(),
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

/// tantivy's default snippet length, which title snippets have always used.
const TITLE_SNIPPET_CHARS: usize = 150;

/// Snippets of `field` for `query`: the query's terms in that field,
/// weighted by rarity as `SnippetGenerator::create` weighs them.
fn highlighter(
    searcher: &tantivy::Searcher,
    query: &dyn Query,
    field: tantivy::schema::Field,
    max_chars: usize,
) -> Result<Highlighter, Error> {
    let mut terms: BTreeSet<&Term> = BTreeSet::new();
    query.query_terms(&mut |term, _| {
        if term.field() == field {
            terms.insert(term);
        }
    });
    let mut terms_text: BTreeMap<String, Score> = BTreeMap::new();
    for term in terms {
        let value = term.value();
        let Some(text) = value.as_str() else {
            continue;
        };
        let doc_freq = searcher.doc_freq(term)?;
        if doc_freq > 0 {
            terms_text.insert(text.to_string(), 1.0 / (1.0 + doc_freq as Score));
        }
    }
    Ok(Highlighter::new(terms_text, max_chars))
}

/// Lets a word through to the stemmer only when it starts with the first two
/// characters of a query term (the whole term if shorter); any other word is
/// blanked, which no term matches. Sound because English (Porter 2) stemming
/// keeps a word's first two characters, save `?ying` → `?ie` (`dying` →
/// `die`), let through for terms whose second character is `i`: checked on
/// the 235,983 distinct words of allsides + reuters21578.
#[derive(Clone)]
pub struct StemGate {
    prefixes: Arc<Vec<String>>,
}

impl StemGate {
    pub fn new<'a>(terms: impl IntoIterator<Item = &'a String>) -> StemGate {
        let mut prefixes = Vec::new();
        for term in terms {
            let mut chars = term.chars();
            let (first, second) = (chars.next(), chars.next());
            prefixes.push(first.into_iter().chain(second).collect::<String>());
            if let (Some(first), Some('i')) = (first, second) {
                prefixes.push(format!("{first}y"));
            }
        }
        prefixes.sort();
        prefixes.dedup();
        StemGate {
            prefixes: Arc::new(prefixes),
        }
    }

    pub(crate) fn admits(&self, word: &str) -> bool {
        self.prefixes.iter().any(|p| word.starts_with(p.as_str()))
    }
}

impl TokenFilter for StemGate {
    type Tokenizer<T: Tokenizer> = StemGateTokenizer<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> StemGateTokenizer<T> {
        StemGateTokenizer { gate: self, inner }
    }
}

#[derive(Clone)]
pub struct StemGateTokenizer<T> {
    gate: StemGate,
    inner: T,
}

impl<T: Tokenizer> Tokenizer for StemGateTokenizer<T> {
    type TokenStream<'a> = StemGateStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        StemGateStream {
            gate: &self.gate,
            tail: self.inner.token_stream(text),
        }
    }
}

pub struct StemGateStream<'a, T> {
    gate: &'a StemGate,
    tail: T,
}

impl<T: TokenStream> TokenStream for StemGateStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if !self.gate.admits(&token.text) {
            token.text.clear();
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// Every value of one facet field across a searcher's segments, sorted
/// ("global ordinals"), with each segment's ordinals mapped onto it. Read
/// once per set of segments, then counting facets never touches a facet
/// dictionary again (reading one decompresses it block by block, which
/// dominated query time).
#[derive(Default)]
pub struct FacetTable {
    /// Encoded values (segments separated by NUL), back to back, in byte order.
    bytes: Vec<u8>,
    ends: Vec<usize>,
    depths: Vec<u8>,
    /// Per segment (in the searcher's order), its ordinal → global ordinal.
    segment_ords: Vec<Vec<u32>>,
}

impl FacetTable {
    pub fn build(searcher: &tantivy::Searcher, field: &str) -> tantivy::Result<FacetTable> {
        let mut segments: Vec<(Vec<u8>, Vec<usize>)> = Vec::new();
        for segment in searcher.segment_readers() {
            let reader = segment.facet_reader(field)?;
            let ords: Vec<u64> = (0..reader.num_facets() as u64).collect();
            let (mut bytes, mut ends) = (Vec::new(), Vec::with_capacity(ords.len()));
            reader.facet_dict().sorted_ords_to_term_cb(&ords, |value| {
                bytes.extend_from_slice(value);
                ends.push(bytes.len());
            })?;
            if ends.len() != ords.len() {
                return Err(tantivy::TantivyError::InternalError(format!(
                    "the `{field}` facet dictionary holds {} values, not {}",
                    ends.len(),
                    ords.len()
                )));
            }
            segments.push((bytes, ends));
        }
        fn value((bytes, ends): &(Vec<u8>, Vec<usize>), i: usize) -> &[u8] {
            let start = if i == 0 { 0 } else { ends[i - 1] };
            &bytes[start..ends[i]]
        }
        let mut table = FacetTable {
            bytes: Vec::new(),
            ends: Vec::new(),
            depths: Vec::new(),
            segment_ords: segments.iter().map(|(_, ends)| vec![0; ends.len()]).collect(),
        };
        // Merge the sorted dictionaries.
        let mut next = vec![0usize; segments.len()];
        loop {
            let mut smallest: Option<&[u8]> = None;
            for (segment, &i) in segments.iter().zip(&next) {
                if i < segment.1.len() {
                    let v = value(segment, i);
                    if smallest.is_none_or(|s| v < s) {
                        smallest = Some(v);
                    }
                }
            }
            let Some(smallest) = smallest else { break };
            let global = table.ends.len() as u32;
            table.bytes.extend_from_slice(smallest);
            table.ends.push(table.bytes.len());
            table.depths.push(facet_depth(smallest).min(255) as u8);
            for (s, segment) in segments.iter().enumerate() {
                let i = next[s];
                if i < segment.1.len() && value(segment, i) == smallest {
                    table.segment_ords[s][i] = global;
                    next[s] += 1;
                }
            }
        }
        Ok(table)
    }

    fn value(&self, global: u32) -> &[u8] {
        let i = global as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.bytes[start..self.ends[i]]
    }

    /// Orders two values as their paths order.
    fn cmp_paths(&self, a: u32, b: u32) -> std::cmp::Ordering {
        cmp_paths(self.value(a), self.value(b))
    }
}

/// Each document's facet paths (actor, event, mention, dyad; each sorted
/// by path, as they were tagged), read from the facet columns rather than
/// the document store, which no longer keeps them: through the facet tables
/// when the Searcher has them, else in one dictionary pass per segment and
/// field over the values these documents hold.
pub fn hit_facets(
    searcher: &tantivy::Searcher,
    tables: Option<&FacetTables>,
    docs: &[DocAddress],
) -> tantivy::Result<Vec<[Vec<String>; 4]>> {
    let mut out: Vec<[Vec<String>; 4]> = vec![Default::default(); docs.len()];
    for (f, field) in COUNTED_FACETS.iter().enumerate() {
        let table = tables.map(|t| &t.tables[f]);
        let mut segments: Vec<SegmentOrdinal> = docs.iter().map(|d| d.segment_ord).collect();
        segments.sort_unstable();
        segments.dedup();
        for segment in segments {
            let reader = searcher.segment_reader(segment).facet_reader(field)?;
            let in_segment: Vec<(usize, Vec<u64>)> = docs
                .iter()
                .enumerate()
                .filter(|(_, d)| d.segment_ord == segment)
                .map(|(i, d)| (i, reader.facet_ords(d.doc_id).collect()))
                .collect();
            let globals = table.and_then(|t| t.segment_ords.get(segment as usize).map(|g| (t, g)));
            if let Some((table, globals)) = globals {
                for (i, ords) in in_segment {
                    out[i][f] = ords
                        .iter()
                        .filter_map(|&ord| globals.get(ord as usize))
                        .map(|&global| facet_path(table.value(global)))
                        .collect();
                }
                continue;
            }
            let mut ords: Vec<u64> = in_segment.iter().flat_map(|(_, ords)| ords.iter().copied()).collect();
            ords.sort_unstable();
            ords.dedup();
            let mut paths = Vec::with_capacity(ords.len());
            reader
                .facet_dict()
                .sorted_ords_to_term_cb(&ords, |value| paths.push(facet_path(value)))?;
            for (i, doc_ords) in in_segment {
                out[i][f] = doc_ords
                    .iter()
                    .filter_map(|ord| ords.binary_search(ord).ok().and_then(|k| paths.get(k).cloned()))
                    .collect();
            }
        }
    }
    for hit in &mut out {
        for paths in hit.iter_mut() {
            paths.sort_unstable();
            paths.dedup();
        }
    }
    Ok(out)
}

/// Whether a searcher has facet tables, or has counted facets once.
enum TablesState {
    None,
    Seen(Vec<tantivy::index::SegmentId>),
    Built(Arc<FacetTables>),
}

/// The four facet tables for one set of segments, and each document's
/// values in all four as one list of numbers: a value's global ordinal in
/// field `f` plus `bases[f]`, so that one counter vector serves all four
/// fields and every segment.
pub struct FacetTables {
    segments: Vec<tantivy::index::SegmentId>,
    tables: [FacetTable; 4],
    bases: [u32; 4],
    /// How many numbers there are (the four tables' values).
    width: usize,
    /// Per segment, in the searcher's order.
    docs: Vec<DocValues>,
}

/// Each document's numbers: document `d` holds `values[starts[d]..starts[d + 1]]`.
struct DocValues {
    starts: Vec<u32>,
    values: Vec<u32>,
}

impl FacetTables {
    fn build(searcher: &tantivy::Searcher, segments: Vec<tantivy::index::SegmentId>) -> tantivy::Result<FacetTables> {
        let tables = [
            FacetTable::build(searcher, COUNTED_FACETS[0])?,
            FacetTable::build(searcher, COUNTED_FACETS[1])?,
            FacetTable::build(searcher, COUNTED_FACETS[2])?,
            FacetTable::build(searcher, COUNTED_FACETS[3])?,
        ];
        let mut bases = [0u32; 4];
        let mut width = 0usize;
        for (base, table) in bases.iter_mut().zip(&tables) {
            *base = u32::try_from(width)
                .map_err(|_| tantivy::TantivyError::InternalError("too many facet values".into()))?;
            width += table.ends.len();
        }
        let mut docs = Vec::with_capacity(searcher.segment_readers().len());
        for (s, segment) in searcher.segment_readers().iter().enumerate() {
            let readers = COUNTED_FACETS
                .iter()
                .map(|field| segment.facet_reader(field))
                .collect::<tantivy::Result<Vec<_>>>()?;
            let mut starts = Vec::with_capacity(segment.max_doc() as usize + 1);
            let mut values = Vec::new();
            starts.push(0);
            for doc in 0..segment.max_doc() {
                for (f, reader) in readers.iter().enumerate() {
                    let globals = &tables[f].segment_ords[s];
                    values.extend(
                        reader
                            .facet_ords(doc)
                            .filter_map(|ord| globals.get(ord as usize))
                            .map(|g| g + bases[f]),
                    );
                }
                let end = u32::try_from(values.len())
                    .map_err(|_| tantivy::TantivyError::InternalError("too many facet values".into()))?;
                starts.push(end);
            }
            docs.push(DocValues { starts, values });
        }
        Ok(FacetTables {
            segments,
            tables,
            bases,
            width,
            docs,
        })
    }

    /// The `k` most frequent values of field `f` at most `max_depth` deep,
    /// from counts by number.
    fn top(&self, counts: &[u32], f: usize, max_depth: usize, k: usize) -> Vec<FacetCount> {
        let table = &self.tables[f];
        let base = self.bases[f] as usize;
        let counts = &counts[base..base + table.ends.len()];
        let mut counted: Vec<(u32, u64)> = counts
            .iter()
            .enumerate()
            .filter(|&(global, &count)| count > 0 && usize::from(table.depths[global]) <= max_depth)
            .map(|(global, &count)| (global as u32, u64::from(count)))
            .collect();
        if k == 0 {
            return Vec::new();
        }
        // Only values counting at least the k-th largest count can be kept.
        if counted.len() > k {
            let floor = counted.select_nth_unstable_by(k - 1, |a, b| b.1.cmp(&a.1)).1 .1;
            counted.retain(|(_, count)| *count >= floor);
        }
        counted.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| table.cmp_paths(a.0, b.0)));
        counted.truncate(k);
        counted
            .into_iter()
            .map(|(global, count)| FacetCount {
                path: facet_path(table.value(global)),
                count,
            })
            .collect()
    }
}

/// The facet fields search counts, and how deep each is counted.
const COUNTED_FACETS: [&str; 4] = ["actor", "event", "mention", "dyad"];
const FACET_DEPTHS: [usize; 4] = [2, 2, 2, 3];

/// Counts the four facet fields, keeping the `k` most frequent values of
/// each: with the Searcher's tables, into one vector by number (one pass
/// over each matching document's numbers); without, field by field.
pub enum FacetCounting {
    Tables(Arc<FacetTables>, usize),
    Fields(Vec<TopFacets>),
}

pub enum FacetCountingSegment {
    Tables {
        tables: Arc<FacetTables>,
        segment: usize,
        counts: Vec<u32>,
    },
    Fields(Vec<TopFacetsSegment>),
}

pub enum FacetCountingFruit {
    Tables(Vec<u32>),
    Fields(Vec<SegmentFacets>),
}

impl Collector for FacetCounting {
    type Fruit = [Vec<FacetCount>; 4];
    type Child = FacetCountingSegment;

    fn for_segment(&self, segment_ord: SegmentOrdinal, segment: &SegmentReader) -> tantivy::Result<Self::Child> {
        match self {
            FacetCounting::Tables(tables, _) => {
                let fits = tables
                    .docs
                    .get(segment_ord as usize)
                    .is_some_and(|d| d.starts.len() == segment.max_doc() as usize + 1);
                if !fits {
                    return Err(tantivy::TantivyError::InternalError(
                        "the facet tables were built for other segments".into(),
                    ));
                }
                Ok(FacetCountingSegment::Tables {
                    tables: tables.clone(),
                    segment: segment_ord as usize,
                    counts: vec![0; tables.width],
                })
            }
            FacetCounting::Fields(fields) => Ok(FacetCountingSegment::Fields(
                fields
                    .iter()
                    .map(|f| f.for_segment(segment_ord, segment))
                    .collect::<tantivy::Result<_>>()?,
            )),
        }
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segments: Vec<FacetCountingFruit>) -> tantivy::Result<[Vec<FacetCount>; 4]> {
        match self {
            FacetCounting::Tables(tables, k) => {
                let mut total = vec![0u32; tables.width];
                for fruit in segments {
                    if let FacetCountingFruit::Tables(counts) = fruit {
                        for (sum, count) in total.iter_mut().zip(counts) {
                            *sum += count;
                        }
                    }
                }
                Ok(std::array::from_fn(|f| tables.top(&total, f, FACET_DEPTHS[f], *k)))
            }
            FacetCounting::Fields(fields) => {
                let mut per_field: Vec<Vec<SegmentFacets>> = fields.iter().map(|_| Vec::new()).collect();
                for fruit in segments {
                    if let FacetCountingFruit::Fields(counts) = fruit {
                        for (field, counts) in per_field.iter_mut().zip(counts) {
                            field.push(counts);
                        }
                    }
                }
                let mut out: [Vec<FacetCount>; 4] = Default::default();
                for ((slot, field), counts) in out.iter_mut().zip(fields).zip(per_field) {
                    *slot = field.merge_fruits(counts)?;
                }
                Ok(out)
            }
        }
    }
}

impl SegmentCollector for FacetCountingSegment {
    type Fruit = FacetCountingFruit;

    fn collect(&mut self, doc: tantivy::DocId, score: Score) {
        match self {
            FacetCountingSegment::Tables {
                tables,
                segment,
                counts,
            } => {
                let docs = &tables.docs[*segment];
                let (start, end) = (docs.starts[doc as usize], docs.starts[doc as usize + 1]);
                for &value in &docs.values[start as usize..end as usize] {
                    counts[value as usize] += 1;
                }
            }
            FacetCountingSegment::Fields(fields) => {
                for field in fields {
                    field.collect(doc, score);
                }
            }
        }
    }

    fn harvest(self) -> FacetCountingFruit {
        match self {
            FacetCountingSegment::Tables { counts, .. } => FacetCountingFruit::Tables(counts),
            FacetCountingSegment::Fields(fields) => {
                FacetCountingFruit::Fields(fields.into_iter().map(SegmentCollector::harvest).collect())
            }
        }
    }
}

/// The `k` most frequent values of a facet field among the matching
/// documents, at most `max_depth` deep, most frequent first (ties by path):
/// what [`top_k`] over [`FacetValueCounter`] gives. With a [`FacetTable`]
/// it counts by global ordinal and only the `k` values shown become paths;
/// without, each segment reads the values it counted from its dictionary.
pub struct TopFacets {
    field: String,
    table: Option<Arc<FacetTable>>,
    max_depth: usize,
    k: usize,
}

impl TopFacets {
    pub fn new(field: &str, table: Option<Arc<FacetTable>>, max_depth: usize, k: usize) -> TopFacets {
        TopFacets {
            field: field.to_string(),
            table,
            max_depth,
            k,
        }
    }
}

pub struct TopFacetsSegment {
    reader: tantivy::fastfield::FacetReader,
    table: Option<Arc<FacetTable>>,
    segment: usize,
    max_depth: usize,
    counts: Vec<u32>,
}

/// One segment's counts: by global ordinal, or by value.
pub enum SegmentFacets {
    Global(Vec<(u32, u32)>),
    Values(Vec<(Vec<u8>, u32)>),
    Failed(std::io::Error),
}

impl Collector for TopFacets {
    type Fruit = Vec<FacetCount>;
    type Child = TopFacetsSegment;

    fn for_segment(&self, segment_ord: SegmentOrdinal, segment: &SegmentReader) -> tantivy::Result<Self::Child> {
        let reader = segment.facet_reader(&self.field)?;
        let segment = segment_ord as usize;
        let mapped = self.table.as_ref().map(|t| t.segment_ords.get(segment).map(Vec::len));
        if self.k > 0 && mapped.is_some_and(|m| m != Some(reader.num_facets())) {
            return Err(tantivy::TantivyError::InternalError(format!(
                "the `{}` facet table was built for other segments",
                self.field
            )));
        }
        let counts = if self.k == 0 {
            Vec::new()
        } else {
            vec![0; reader.num_facets()]
        };
        Ok(TopFacetsSegment {
            reader,
            table: self.table.clone(),
            segment,
            max_depth: self.max_depth,
            counts,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segments: Vec<SegmentFacets>) -> tantivy::Result<Vec<FacetCount>> {
        if self.k == 0 {
            return Ok(Vec::new());
        }
        let (mut globals, mut values) = (Vec::new(), Vec::new());
        for segment in segments {
            match segment {
                SegmentFacets::Global(counts) => globals.extend(counts),
                SegmentFacets::Values(counts) => values.extend(counts),
                SegmentFacets::Failed(err) => return Err(err.into()),
            }
        }
        if let Some(table) = &self.table {
            let counts = globals
                .into_iter()
                .filter(|(global, _)| usize::from(table.depths[*global as usize]) <= self.max_depth);
            let top = top_counts(counts, self.k, |a, b| table.cmp_paths(*a, *b));
            return Ok(top
                .into_iter()
                .map(|(global, count)| FacetCount {
                    path: facet_path(table.value(global)),
                    count,
                })
                .collect());
        }
        let top = top_counts(values, self.k, |a, b| cmp_paths(a, b));
        Ok(top
            .into_iter()
            .map(|(value, count)| FacetCount {
                path: facet_path(&value),
                count,
            })
            .collect())
    }
}

/// Sums the counts of equal keys and keeps the `k` largest, ties ordered by
/// `cmp`.
fn top_counts<K: Ord>(
    counts: impl IntoIterator<Item = (K, u32)>,
    k: usize,
    cmp: impl Fn(&K, &K) -> std::cmp::Ordering,
) -> Vec<(K, u64)> {
    let mut totals: Vec<(K, u64)> = counts.into_iter().map(|(key, c)| (key, u64::from(c))).collect();
    totals.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    totals.dedup_by(|next, kept| {
        let same = next.0 == kept.0;
        if same {
            kept.1 += next.1;
        }
        same
    });
    // Only keys counting at least the k-th largest count can be kept.
    if totals.len() > k {
        let floor = totals.select_nth_unstable_by(k - 1, |a, b| b.1.cmp(&a.1)).1 .1;
        totals.retain(|(_, count)| *count >= floor);
    }
    totals.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| cmp(&a.0, &b.0)));
    totals.truncate(k);
    totals
}

/// Orders two encoded facets as their paths order (`/` in place of NUL).
fn cmp_paths(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    let slash = |v: &u8| if *v == 0 { b'/' } else { *v };
    a.iter().map(slash).cmp(b.iter().map(slash))
}

impl SegmentCollector for TopFacetsSegment {
    type Fruit = SegmentFacets;

    fn collect(&mut self, doc: tantivy::DocId, _score: Score) {
        if self.counts.is_empty() {
            return;
        }
        for ord in self.reader.facet_ords(doc) {
            self.counts[ord as usize] += 1;
        }
    }

    fn harvest(self) -> SegmentFacets {
        let counted = self.counts.iter().enumerate().filter(|(_, count)| **count > 0);
        if let Some(table) = &self.table {
            let Some(globals) = table.segment_ords.get(self.segment) else {
                return SegmentFacets::Global(Vec::new());
            };
            return SegmentFacets::Global(counted.map(|(ord, count)| (globals[ord], *count)).collect());
        }
        // One pass over the dictionary, reading only the blocks that hold
        // counted values.
        let counted: Vec<(u64, u32)> = counted.map(|(ord, count)| (ord as u64, *count)).collect();
        let ords: Vec<u64> = counted.iter().map(|(ord, _)| *ord).collect();
        let mut counts = counted.iter().map(|(_, count)| *count);
        let mut values = Vec::new();
        let read = self.reader.facet_dict().sorted_ords_to_term_cb(&ords, |value| {
            let count = counts.next().unwrap_or(0);
            if facet_depth(value) <= self.max_depth {
                values.push((value.to_vec(), count));
            }
        });
        match read {
            Ok(_) => SegmentFacets::Values(values),
            Err(err) => SegmentFacets::Failed(err),
        }
    }
}

/// The number of levels of an encoded facet (segments separated by NUL).
fn facet_depth(encoded: &[u8]) -> usize {
    encoded.iter().filter(|b| **b == 0).count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::pseudo_random;
    use tantivy::schema::{FacetOptions, Schema};
    use tantivy::tokenizer::{Language, Stemmer, TextAnalyzer};

    #[test]
    fn stem_gate_admits_every_word_that_stems_to_a_term() {
        let mut stem = TextAnalyzer::builder(tantivy::tokenizer::RawTokenizer::default())
            .filter(Stemmer::new(Language::English))
            .build();
        let words = "dying lying tying vying skies skis news early only idly gently singly sanctioned cries ties \
                     generously communism a is x1980s";
        for word in words.split_whitespace() {
            let mut stemmed = String::new();
            stem.token_stream(word).process(&mut |t| stemmed = t.text.clone());
            let gate = StemGate::new([&stemmed]);
            assert!(
                gate.admits(word),
                "{word} stems to {stemmed}, which the gate turns away"
            );
        }
        assert!(!StemGate::new([&"sanction".to_string()]).admits("tariff"));
    }

    /// The four facet fields counted through the Searcher's tables agree
    /// with counting field by field, and each document's facets read back
    /// through the tables or the dictionaries are the ones it was given.
    #[test]
    fn table_counts_and_hit_facets_match_field_by_field() {
        let mut builder = Schema::builder();
        let fields: Vec<_> = COUNTED_FACETS
            .iter()
            .map(|name| builder.add_facet_field(name, FacetOptions::default()))
            .collect();
        let index = Index::create_in_ram(builder.build());
        let mut writer: tantivy::IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let mut next = pseudo_random(11);
        let mut given: Vec<[Vec<String>; 4]> = Vec::new();
        for segment in 0..3 {
            for _ in 0..150 + 100 * segment {
                let mut doc = TantivyDocument::default();
                let mut paths: [Vec<String>; 4] = Default::default();
                for (f, field) in fields.iter().enumerate() {
                    for _ in 0..next() % 4 {
                        let n = (next() % 30).min(next() % 30) + segment * 2;
                        let path = match next() % 6 {
                            0 => format!("/k{f}/v{n:02}/x/deep"),
                            1 => format!("/k{f}/v{n:02}/sub"),
                            _ => format!("/k{f}/v{n:02}"),
                        };
                        doc.add_facet(*field, Facet::from(path.as_str()));
                        paths[f].push(path);
                    }
                    paths[f].sort();
                    paths[f].dedup();
                }
                writer.add_document(doc).unwrap();
                given.push(paths);
            }
            writer.commit().unwrap();
        }
        let searcher = index.reader().unwrap().searcher();
        let segments = searcher.segment_readers().iter().map(|s| s.segment_id()).collect();
        let tables = Arc::new(FacetTables::build(&searcher, segments).unwrap());
        let some = Term::from_facet(fields[0], &Facet::from("/k0/v03"));
        let queries: Vec<Box<dyn Query>> = vec![
            Box::new(AllQuery),
            Box::new(TermQuery::new(some, IndexRecordOption::Basic)),
        ];
        for query in &queries {
            for k in [1, 2, 5, 100] {
                let by_fields = FacetCounting::Fields(
                    COUNTED_FACETS
                        .iter()
                        .zip(FACET_DEPTHS)
                        .map(|(field, depth)| TopFacets::new(field, None, depth, k))
                        .collect(),
                );
                let expected = searcher.search(query, &by_fields).unwrap();
                let by_tables = searcher
                    .search(query, &FacetCounting::Tables(tables.clone(), k))
                    .unwrap();
                assert_eq!(by_tables, expected, "k {k}");
                assert!(expected.iter().all(|values| !values.is_empty()));
            }
        }
        let mut docs = Vec::new();
        for (s, segment) in searcher.segment_readers().iter().enumerate() {
            docs.extend((0..segment.max_doc()).map(|d| DocAddress::new(s as u32, d)));
        }
        let from_tables = hit_facets(&searcher, Some(&tables), &docs).unwrap();
        let from_dictionaries = hit_facets(&searcher, None, &docs).unwrap();
        assert_eq!(from_tables, from_dictionaries);
        let mut expected = given.clone();
        expected.sort();
        let mut read = from_tables;
        read.sort();
        assert_eq!(read, expected);
    }

    /// Facet counts over several segments, with ties and deep values, agree
    /// with counting every value.
    #[test]
    fn top_facets_match_counting_every_value() {
        let mut builder = Schema::builder();
        let actor = builder.add_facet_field("actor", FacetOptions::default());
        let index = Index::create_in_ram(builder.build());
        let mut writer: tantivy::IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let mut next = pseudo_random(7);
        for segment in 0..3 {
            for _ in 0..200 + 150 * segment {
                let mut doc = TantivyDocument::default();
                for _ in 0..next() % 4 {
                    // Skewed: low numbers are frequent, and segments differ.
                    let n = (next() % 40).min(next() % 40) + segment * 3;
                    let path = if next().is_multiple_of(5) {
                        format!("/country/C{n:02}/GOV")
                    } else {
                        format!("/country/C{n:02}")
                    };
                    doc.add_facet(actor, Facet::from(path.as_str()));
                }
                writer.add_document(doc).unwrap();
            }
            writer.commit().unwrap();
        }
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.segment_readers().len(), 3);
        let some = Facet::from("/country/C05");
        let queries: Vec<Box<dyn Query>> = vec![
            Box::new(AllQuery),
            Box::new(TermQuery::new(Term::from_facet(actor, &some), IndexRecordOption::Basic)),
        ];
        for query in &queries {
            for depth in [2, 3] {
                let all = searcher.search(query, &FacetValueCounter::new("actor", depth)).unwrap();
                for k in [0, 1, 2, 3, 5, 10, 100] {
                    let table = Arc::new(FacetTable::build(&searcher, "actor").unwrap());
                    let top = searcher
                        .search(query, &TopFacets::new("actor", Some(table), depth, k))
                        .unwrap();
                    assert_eq!(top, top_k(all.clone(), k), "depth {depth}, k {k}, global ordinals");
                    let top = searcher
                        .search(query, &TopFacets::new("actor", None, depth, k))
                        .unwrap();
                    assert_eq!(top, top_k(all.clone(), k), "depth {depth}, k {k}, by value");
                }
            }
        }
    }
}
