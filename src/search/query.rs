//! The query: plain words (each in the title or the body, scored by BM25F
//! over both, with a proximity score for neighbouring words found together),
//! tantivy's query language, or text that is neither, read as its words; and
//! the filters, added as zero-scored clauses so that they select without
//! changing the ranking.

use std::ops::Bound;

use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, QueryParser, RangeQuery, TermQuery,
};
use tantivy::schema::{Facet, Field, IndexRecordOption};
use tantivy::{Score, Term};

use super::ranking::{Bm25Params, Bm25fTermQuery, FieldTerm, ForwardExplain, WordsWithProximity};
use super::{Filters, Searcher};
use crate::Error;

impl Searcher {
    /// Parses the user's query; `*` alone matches everything. Text that is
    /// not valid query language (an unknown field before a colon, an
    /// unbalanced quote, a stray dash) is searched as the words it holds, and
    /// the second value says how it was read.
    pub fn parse_query(&self, text: &str, any: bool) -> Result<(Box<dyn Query>, Option<String>), Error> {
        let text = text.trim();
        if text.is_empty() {
            return Err(Error::BadQuery(
                "the query is empty; use `*` to match every article".into(),
            ));
        }
        if text == "*" {
            return Ok((Box::new(AllQuery), None));
        }
        if is_plain_words(text) {
            return Ok((self.bag_of_words(text, any)?, None));
        }
        // Balanced brackets around words, with no operator, prefix or field
        // to group, change nothing the query matches ("MEDLARS (Medical
        // Literature Analysis)", pasted prose): such text is still plain
        // words, and is ranked as plain words are, not by the query
        // language's scoring. Unbalanced ones get the note below.
        if brackets_balance(text) {
            let ungrouped = text.replace(['(', ')'], " ");
            if is_plain_words(&ungrouped) {
                return Ok((self.bag_of_words(&ungrouped, any)?, None));
            }
        }
        let mut parser = QueryParser::for_index(&self.index, vec![self.schema.title, self.schema.body]);
        parser.set_field_boost(self.schema.title, TITLE_BOOST);
        if !any {
            parser.set_conjunction_by_default();
        }
        let query = match parser.parse_query(text) {
            Ok(query) => query,
            Err(e) => {
                let words = without_syntax(text);
                let note = format!(
                    "read `{text}` as the words `{}` ({})",
                    words.split_whitespace().collect::<Vec<_>>().join(" "),
                    describe_parse_error(&e)
                );
                // Name what the user typed, not what was left of it.
                let query = self.bag_of_words(&words, any).map_err(|e| match e {
                    Error::BadQuery(_) => no_words(text),
                    other => other,
                })?;
                return Ok((query, Some(note)));
            }
        };
        let mut terms = 0;
        query.query_terms(&mut |_, _| terms += 1);
        if terms == 0 && !text.contains('*') && !text.contains('[') && !text.contains('{') {
            return Err(no_words(text));
        }
        Ok((query, None))
    }

    /// Plain words: each word must (or, with `any`, may) appear in the title
    /// or the body, scored by BM25F over both; and neighbouring words of the
    /// query found side by side in the text add a proximity score.
    fn bag_of_words(&self, text: &str, any: bool) -> Result<Box<dyn Query>, Error> {
        let mut analyzer = self.index.tokenizer_for_field(self.schema.body)?;
        let mut words: Vec<(usize, String)> = Vec::new();
        analyzer
            .token_stream(text)
            .process(&mut |token| words.push((token.position, token.text.clone())));
        if words.is_empty() {
            return Err(no_words(text));
        }
        let occur = if any { Occur::Should } else { Occur::Must };
        let clauses: Vec<(Occur, Box<dyn Query>)> = words
            .iter()
            .map(|(_, word)| {
                let in_either = Bm25fTermQuery::new(
                    vec![
                        FieldTerm {
                            term: Term::from_field_text(self.schema.title, word),
                            weight: TITLE_WEIGHT,
                            b: RANKING.b,
                        },
                        FieldTerm {
                            term: Term::from_field_text(self.schema.body, word),
                            weight: 1.0,
                            b: RANKING.b,
                        },
                    ],
                    RANKING.k1,
                );
                (occur, Box::new(in_either) as Box<dyn Query>)
            })
            .collect();
        let words_query: Box<dyn Query> = Box::new(BooleanQuery::new(clauses));
        let proximity = self.proximity(&words);
        if proximity.is_empty() {
            return Ok(words_query);
        }
        Ok(Box::new(WordsWithProximity {
            words: words_query,
            proximity,
        }))
    }

    /// Optional clauses that score neighbouring query words found close
    /// together (at most [`PROXIMITY_SLOP`] words apart beyond their
    /// distance in the query), in the body and in the title: "electoral
    /// commission" as a name ranks above "commission" in the title and
    /// "electoral" three paragraphs down. The words themselves still decide
    /// which articles match.
    fn proximity(&self, words: &[(usize, String)]) -> Vec<Box<dyn Query>> {
        let mut pairs: Vec<(usize, &str, &str)> = words
            .windows(2)
            .filter(|pair| pair[0].1 != pair[1].1)
            .map(|pair| {
                (
                    pair[1].0.saturating_sub(pair[0].0).max(1),
                    pair[0].1.as_str(),
                    pair[1].1.as_str(),
                )
            })
            .collect();
        pairs.sort_unstable();
        pairs.dedup();
        let mut clauses: Vec<Box<dyn Query>> = Vec::new();
        for (distance, first, second) in pairs.into_iter().take(MAX_PROXIMITY_PAIRS) {
            for (field, field_name) in [(self.schema.body, "body"), (self.schema.title, "title")] {
                let mut phrase = PhraseQuery::new_with_offset(vec![
                    (0, Term::from_field_text(field, first)),
                    (distance, Term::from_field_text(field, second)),
                ]);
                phrase.set_slop(PROXIMITY_SLOP);
                clauses.push(Box::new(BoostQuery::new(
                    Box::new(ForwardExplain {
                        query: phrase,
                        name: format!("proximity `{first} {second}` in the {field_name}"),
                    }),
                    PROXIMITY_WEIGHT,
                )));
            }
        }
        clauses
    }

    /// Adds filters as zero-scored required clauses, so they select without
    /// changing the ranking.
    /// The reports of these stories, as their article ids (the story table
    /// knows documents, which a query cannot name).
    fn story_members(&self, stories: &[String]) -> Result<Box<dyn Query>, Error> {
        let searcher = self.reader.searcher();
        let table = self.story_table(&searcher)?;
        let mut ids = Vec::new();
        let mut id = String::new();
        let columns = searcher
            .segment_readers()
            .iter()
            .map(|segment| segment.fast_fields().str(crate::store::field_names::ID))
            .collect::<tantivy::Result<Vec<_>>>()?;
        for name in stories {
            let story = table.find(name).ok_or_else(|| {
                Error::BadArgument(format!(
                    "no story has the id `{name}`; story ids are shown by --collapse and exported in the `story` column"
                ))
            })?;
            for address in table.members(story) {
                let Some(column) = &columns[address.segment_ord as usize] else {
                    continue;
                };
                if let Some(ord) = column.term_ords(address.doc_id).next() {
                    id.clear();
                    if column.ord_to_str(ord, &mut id).unwrap_or(false) {
                        ids.push(Term::from_field_text(self.schema.id, &id));
                    }
                }
            }
        }
        Ok(Box::new(tantivy::query::TermSetQuery::new(ids)))
    }

    pub(crate) fn with_filters(&self, query: Box<dyn Query>, filters: &Filters) -> Result<Box<dyn Query>, Error> {
        let facet_term = |field: Field, path: &str| -> Result<Box<dyn Query>, Error> {
            let facet = Facet::from_text(path).map_err(|e| {
                Error::BadArgument(format!(
                    "`{path}` is not a facet path ({e}); write it like /country/CHN"
                ))
            })?;
            Ok(Box::new(TermQuery::new(
                Term::from_facet(field, &facet),
                IndexRecordOption::Basic,
            )))
        };
        let source_term = |name: &str| -> Box<dyn Query> {
            let term = Term::from_field_text(self.schema.source, &name.to_lowercase());
            Box::new(TermQuery::new(term, IndexRecordOption::Basic))
        };
        let any_of = |options: Vec<Box<dyn Query>>| -> Box<dyn Query> {
            match <[_; 1]>::try_from(options) {
                Ok([only]) => only,
                Err(options) => Box::new(BooleanQuery::new(
                    options.into_iter().map(|q| (Occur::Should, q)).collect(),
                )),
            }
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (field, filter) in [
            (self.schema.actor, &filters.actor),
            (self.schema.event, &filters.event),
            (self.schema.mention, &filters.mention),
            (self.schema.dyad, &filters.dyad),
        ] {
            for group in &filter.all_of {
                let options = group
                    .iter()
                    .map(|path| facet_term(field, path))
                    .collect::<Result<Vec<_>, Error>>()?;
                clauses.push((Occur::Must, any_of(options)));
            }
            for path in &filter.none_of {
                clauses.push((Occur::MustNot, facet_term(field, path)?));
            }
        }
        if !filters.sources.is_empty() {
            clauses.push((
                Occur::Must,
                any_of(filters.sources.iter().map(|s| source_term(s)).collect()),
            ));
        }
        for source in &filters.not_sources {
            clauses.push((Occur::MustNot, source_term(source)));
        }
        if !filters.stories.is_empty() {
            clauses.push((Occur::Must, self.story_members(&filters.stories)?));
        }
        if filters.from.is_some() || filters.to.is_some() {
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
                Box::new(RangeQuery::new(bound(filters.from, true), bound(filters.to, false))),
            ));
        }
        // Exclusions alone select nothing in tantivy: they exclude from
        // every article.
        if !clauses.is_empty() && clauses.iter().all(|(occur, _)| *occur == Occur::MustNot) {
            clauses.push((Occur::Must, Box::new(AllQuery)));
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
}

/// How much more a word in the title counts than a word in the body: in the
/// query language (tantivy's scoring, one BM25 per field) and in plain
/// words (newsdex's BM25F, where the title's occurrences join the body's
/// before saturation).
const TITLE_BOOST: Score = 2.0;
const TITLE_WEIGHT: Score = 3.0;
/// BM25F's saturation and length normalisation for plain words, chosen on
/// the four collections of `../shared/ir` with `bench/ranking_grid.py` (see
/// README, Ranking).
const RANKING: Bm25Params = Bm25Params { k1: 1.2, b: 0.4 };
/// What a pair of neighbouring query words found together adds, as a boost
/// on tantivy's phrase score; how loose "together" is; and how many pairs
/// a long query tries (each is a phrase search).
const PROXIMITY_WEIGHT: Score = 0.2;
const PROXIMITY_SLOP: u32 = 2;
const MAX_PROXIMITY_PAIRS: usize = 12;

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

/// Whether every `(` is closed by a later `)`.
fn brackets_balance(text: &str) -> bool {
    let mut depth: usize = 0;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' if depth == 0 => return false,
            ')' => depth -= 1,
            _ => {}
        }
    }
    depth == 0
}

/// The error for a query with nothing to search.
fn no_words(text: &str) -> Error {
    Error::BadQuery(format!(
        "`{text}` has no searchable words (only stop words or punctuation); add a content word"
    ))
}

/// The text with the query language's marks taken out, so that only its
/// words remain ("OPINION: Trump" → "OPINION  Trump").
fn without_syntax(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '"' | ':' | '(' | ')' | '[' | ']' | '{' | '}' | '*' | '^' | '~' | '\\' | '+' | '-' => ' ',
            c => c,
        })
        .collect()
}

/// Why the query language could not read a query, for the note that says
/// how it was read instead.
fn describe_parse_error(err: &tantivy::query::QueryParserError) -> String {
    use tantivy::query::QueryParserError as E;
    match err {
        E::SyntaxError(_) => "not valid query syntax: check quotes and brackets".to_string(),
        E::FieldDoesNotExist(field) => {
            format!("`{field}` is not a field; searchable fields are title, body and source")
        }
        other => other.to_string(),
    }
}
