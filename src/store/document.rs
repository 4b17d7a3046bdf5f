//! The stored document, in one place: how an article and its tags become a
//! tantivy document, and how a stored document becomes an article again
//! (for hits and for re-tagging). Facets are indexed but not stored: they are
//! read back from their columns (`search::facets`).

use std::collections::HashMap;

use tantivy::schema::{Facet, Value};
use tantivy::{DateTime, TantivyDocument};

use super::{field_names, NewsSchema};
use crate::ingest::{Article, Location};
use crate::story::Fingerprint;
use crate::tag::{Evidence, Tags};
use crate::Error;

/// The document for `article`, with its content hash and its tags.
pub(crate) fn encode(schema: &NewsSchema, article: &Article, hash: u64, tags: &Tags) -> TantivyDocument {
    let mut doc = TantivyDocument::new();
    doc.add_text(schema.id, &article.id);
    doc.add_u64(schema.content_hash, hash);
    doc.add_text(schema.title, &article.title);
    doc.add_text(schema.body, &article.body);
    if let Some(date) = article.date {
        doc.add_date(schema.date, DateTime::from_timestamp_secs(date.timestamp()));
    }
    if let Some(source) = &article.source {
        doc.add_text(schema.source, source);
    }
    if let Some(url) = &article.url {
        doc.add_text(schema.url, url);
    }
    doc.add_text(schema.location, article.location.to_string());
    if let Some(fingerprint) = Fingerprint::of(&article.body) {
        for (field, word) in schema.fingerprint.iter().zip(fingerprint.to_words()) {
            doc.add_u64(*field, word);
        }
    }
    for (field, paths) in [
        (schema.actor, &tags.actors),
        (schema.mention, &tags.mentions),
        (schema.event, &tags.events),
        (schema.dyad, &tags.dyads),
    ] {
        for path in paths {
            if let Ok(facet) = Facet::from_text(path) {
                doc.add_facet(field, facet);
            }
        }
    }
    if !tags.evidence.is_empty() {
        // One line per dyad: `dyad TAB start TAB end`, a byte range of the body.
        let lines: Vec<String> = tags
            .evidence
            .iter()
            .map(|e| format!("{}\t{}\t{}", e.dyad, e.start, e.end))
            .collect();
        doc.add_text(schema.evidence, lines.join("\n"));
    }
    doc
}

/// A stored document as the article it was made from (its location is the
/// file only), with the evidence of its dyads.
pub(crate) fn decode(schema: &NewsSchema, doc: &TantivyDocument) -> (Article, Vec<Evidence>) {
    let text = |field| doc.get_first(field).and_then(|v| v.as_str()).map(str::to_string);
    let date = doc
        .get_first(schema.date)
        .and_then(|v| v.as_datetime())
        .and_then(|d| chrono::DateTime::from_timestamp(d.into_timestamp_secs(), 0));
    let evidence = text(schema.evidence)
        .unwrap_or_default()
        .lines()
        .filter_map(|line| {
            let mut cells = line.split('\t');
            let dyad = cells.next()?.to_string();
            let start: usize = cells.next()?.parse().ok()?;
            let end: usize = cells.next()?.parse().ok()?;
            Some(Evidence { dyad, start, end })
        })
        .collect();
    let article = Article {
        id: text(schema.id).unwrap_or_default(),
        title: text(schema.title).unwrap_or_default(),
        body: text(schema.body).unwrap_or_default(),
        date,
        source: text(schema.source),
        url: text(schema.url),
        location: Location {
            file: text(schema.location).unwrap_or_default(),
            line: None,
            record: None,
        },
        warnings: Vec::new(),
        given: None,
    };
    (article, evidence)
}

/// Every indexed id with its content hash, read from their columns.
pub(crate) fn ids_and_hashes(index: &tantivy::Index) -> Result<HashMap<String, u64>, Error> {
    let searcher = index.reader()?.searcher();
    let mut out = HashMap::with_capacity(searcher.num_docs() as usize);
    for segment in searcher.segment_readers() {
        let fast = segment.fast_fields();
        let Some(ids) = fast.str(field_names::ID)? else {
            continue;
        };
        let hashes = fast.u64(field_names::CONTENT_HASH)?;
        // Looking each id up by its ord decompressed a dictionary block per
        // article: a quarter of the time of adding a few articles to a large
        // index.
        let id_by_ord = values_by_ord(&ids).map_err(|e| Error::CorruptIndex(format!("cannot read ids: {e}")))?;
        for doc in segment.doc_ids_alive() {
            let Some(id) = ids.term_ords(doc).next().and_then(|ord| id_by_ord.get(ord as usize)) else {
                continue;
            };
            out.insert(id.clone(), hashes.first(doc).unwrap_or(0));
        }
    }
    Ok(out)
}

/// A fingerprint of everything stored about an article, to tell an updated
/// article from an unchanged one.
pub(crate) fn content_hash(article: &Article) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for part in [
        article.title.as_str(),
        article.body.as_str(),
        article.source.as_deref().unwrap_or(""),
        article.url.as_deref().unwrap_or(""),
    ] {
        hasher.update(part.as_bytes());
        hasher.update(&[0]);
    }
    hasher.update(&article.date.map_or(i64::MIN, |d| d.timestamp()).to_le_bytes());
    hasher.digest()
}

/// Every value of a string column, by ord, in one pass over its dictionary
/// (a lookup per ord decompresses a dictionary block each time).
pub(crate) fn values_by_ord(column: &tantivy::columnar::StrColumn) -> std::io::Result<Vec<String>> {
    let mut values = Vec::with_capacity(column.dictionary().num_terms());
    let mut stream = column.dictionary().stream()?;
    while stream.advance() {
        values.push(String::from_utf8_lossy(stream.key()).into_owned());
    }
    Ok(values)
}
