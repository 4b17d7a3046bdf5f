//! `newsdex delete`: removes articles by id, by source or by date, in one
//! commit under the writer lock.

use std::path::Path;

use serde::Serialize;
use tantivy::collector::Count;
use tantivy::query::{BooleanQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::Term;

use crate::store::{self, IndexManifest, NewsSchema};
use crate::Error;

/// Which articles `newsdex delete` removes: those matching every condition
/// given (any of several ids, any of several sources, dated before a day).
#[derive(Debug, Clone, Default)]
pub struct DeleteRequest {
    pub ids: Vec<String>,
    pub sources: Vec<String>,
    /// Seconds since the epoch; articles dated strictly before it. Undated
    /// articles never match.
    pub before: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DeleteReport {
    pub removed: u64,
    pub total_articles: u64,
}

/// Deletes the matching articles in one commit.
pub fn delete(index: &Path, request: &DeleteRequest, cleaned: &mut dyn FnMut(&Path)) -> Result<DeleteReport, Error> {
    delete_articles(index, request, cleaned).map_err(store::explain_write_error)
}

fn delete_articles(
    index: &Path,
    request: &DeleteRequest,
    cleaned: &mut dyn FnMut(&Path),
) -> Result<DeleteReport, Error> {
    if request.ids.is_empty() && request.sources.is_empty() && request.before.is_none() {
        return Err(Error::BadArgument(
            "say what to delete: --id ID, --source NAME or --before DATE".into(),
        ));
    }
    if !store::exists(index) {
        return Err(Error::NoIndex(index.to_path_buf()));
    }
    let session = store::begin_write(index, "delete", cleaned)?;
    let (tantivy_index, schema) = store::open(&session.index)?;
    let query = delete_query(&schema, request);
    let mut writer = store::writer(&tantivy_index, 1, 50)?;
    let searcher = tantivy_index.reader()?.searcher();
    let removed = searcher.search(&query, &Count)? as u64;
    if removed > 0 {
        writer.delete_query(query)?;
        writer.commit()?;
        IndexManifest::touch(&session.index, |_| {})?;
        store::StoryTable::refresh(&session.index, &tantivy_index)?;
    }
    drop(writer);
    let total_articles = tantivy_index.reader()?.searcher().num_docs();
    Ok(DeleteReport {
        removed,
        total_articles,
    })
}

fn delete_query(schema: &NewsSchema, request: &DeleteRequest) -> Box<dyn Query> {
    let term_query = |term: Term| -> Box<dyn Query> { Box::new(TermQuery::new(term, IndexRecordOption::Basic)) };
    let any = |queries: Vec<Box<dyn Query>>| -> Box<dyn Query> {
        Box::new(BooleanQuery::new(
            queries.into_iter().map(|q| (Occur::Should, q)).collect(),
        ))
    };
    let mut all: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    if !request.ids.is_empty() {
        let ids = request
            .ids
            .iter()
            .map(|id| term_query(Term::from_field_text(schema.id, id)))
            .collect();
        all.push((Occur::Must, any(ids)));
    }
    if !request.sources.is_empty() {
        let sources = request
            .sources
            .iter()
            .map(|s| term_query(Term::from_field_text(schema.source, &s.trim().to_lowercase())))
            .collect();
        all.push((Occur::Must, any(sources)));
    }
    if let Some(before) = request.before {
        let bound = Term::from_field_date_for_search(schema.date, tantivy::DateTime::from_timestamp_secs(before));
        all.push((
            Occur::Must,
            Box::new(RangeQuery::new(
                std::ops::Bound::Unbounded,
                std::ops::Bound::Excluded(bound),
            )),
        ));
    }
    Box::new(BooleanQuery::new(all))
}
