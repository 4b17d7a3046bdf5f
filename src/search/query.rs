//! The query: plain words (each in the title or the body, scored by newsdex's
//! BM25 with the title counting double) or tantivy's query language; and the
//! filters, added as zero-scored clauses so that they select without changing
//! the ranking.

use std::ops::Bound;

use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query, QueryParser, RangeQuery, TermQuery,
};
use tantivy::schema::{Facet, IndexRecordOption};
use tantivy::{Score, Term};

use super::ranking::{Bm25Params, Bm25TermQuery};
use super::{SearchRequest, Searcher};
use crate::Error;

impl Searcher {
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

    /// Adds filters as zero-scored required clauses, so they select without
    /// changing the ranking.
    pub(crate) fn with_filters(&self, query: Box<dyn Query>, request: &SearchRequest) -> Result<Box<dyn Query>, Error> {
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
