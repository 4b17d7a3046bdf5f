//! The index schema, built in one place: field names, options and the text
//! analysers. `index-schema/README.md` documents each field for users.

use std::path::Path;

use serde::{Deserialize, Serialize};
use tantivy::schema::{Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, STORED, STRING};
use tantivy::tokenizer::{LowerCaser, RawTokenizer, TextAnalyzer};
use tantivy::Index;

use crate::Error;

/// Bumped whenever a change to fields or analysers makes older indexes unreadable.
pub const SCHEMA_VERSION: u32 = 1;

/// Analyser for title and body: words, lower-cased, accents folded, English
/// stop words dropped, Porter-stemmed, so "sanctioned" finds "sanctions".
pub const TEXT_ANALYZER: &str = "news";
/// Analyser for exact-match keywords such as the source name: case-insensitive.
pub const KEYWORD_ANALYZER: &str = "keyword";

/// Handles to every field.
#[derive(Debug, Clone)]
pub struct NewsSchema {
    pub schema: Schema,
    pub id: Field,
    pub content_hash: Field,
    pub title: Field,
    pub body: Field,
    pub date: Field,
    pub source: Field,
    pub url: Field,
    pub location: Field,
    pub actor: Field,
    pub mention: Field,
    pub event: Field,
    pub dyad: Field,
    pub evidence: Field,
}

impl NewsSchema {
    pub fn build() -> NewsSchema {
        let mut builder = Schema::builder();
        let text = TextOptions::default().set_stored().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TEXT_ANALYZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        let keyword = TextOptions::default().set_stored().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(KEYWORD_ANALYZER)
                .set_index_option(IndexRecordOption::Basic),
        );
        builder.add_text_field("id", STRING | STORED | FAST);
        builder.add_u64_field("content_hash", FAST);
        builder.add_text_field("title", text.clone());
        builder.add_text_field("body", text);
        // Not indexed: date ranges and date order read the fast column.
        builder.add_date_field("date", STORED | FAST);
        builder.add_text_field("source", keyword);
        builder.add_text_field("url", STORED);
        builder.add_text_field("location", STORED);
        // Facets are not stored: hits and retag read them from the facet
        // columns every facet field has (storing them too cost 8 MB of the
        // 1x corpus's 115 MB document store).
        for facet in ["actor", "mention", "event", "dyad"] {
            builder.add_facet_field(facet, tantivy::schema::FacetOptions::default());
        }
        builder.add_text_field("evidence", STORED);
        NewsSchema::from_schema(&builder.build()).expect("the schema just built has every field")
    }

    /// Finds every field in an existing index's schema.
    pub fn from_schema(schema: &Schema) -> Result<NewsSchema, Error> {
        let field = |name: &str| {
            schema
                .get_field(name)
                .map_err(|_| Error::IncompatibleIndex(format!("it has no `{name}` field")))
        };
        Ok(NewsSchema {
            schema: schema.clone(),
            id: field("id")?,
            content_hash: field("content_hash")?,
            title: field("title")?,
            body: field("body")?,
            date: field("date")?,
            source: field("source")?,
            url: field("url")?,
            location: field("location")?,
            actor: field("actor")?,
            mention: field("mention")?,
            event: field("event")?,
            dyad: field("dyad")?,
            evidence: field("evidence")?,
        })
    }
}

/// Registers newsdex's analysers on an index; must run before any indexing
/// or query parsing.
pub fn register_analyzers(index: &Index) {
    index
        .tokenizers()
        .register(TEXT_ANALYZER, crate::analysis::news_analyzer());
    let keyword = TextAnalyzer::builder(RawTokenizer::default())
        .filter(LowerCaser)
        .build();
    index.tokenizers().register(KEYWORD_ANALYZER, keyword);
}

/// What built an index, kept beside tantivy's files as `newsdex.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IndexManifest {
    pub schema_version: u32,
    pub newsdex_version: String,
    pub dictionaries: String,
    pub dictionary_checksum: String,
    /// When the index was first built (a rebuild starts a new index).
    pub created: String,
    /// When it last changed: an index run, a delete or a retag.
    pub updated: String,
    /// When the articles were last re-tagged with `newsdex retag`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retagged: Option<String>,
    /// The corpus files read into the index, newest run last; a file read
    /// again replaces its entry.
    #[serde(default)]
    pub corpus: Vec<CorpusFile>,
}

/// One corpus file as it was when it was indexed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorpusFile {
    /// The path as given, made absolute.
    pub path: String,
    pub size: u64,
    /// xxh3-64 of the file's bytes (as stored, compressed if it is), in hex.
    pub xxh3: String,
    /// When this file was read.
    pub indexed: String,
}

pub const MANIFEST_FILE: &str = "newsdex.json";

impl IndexManifest {
    pub fn read(dir: &Path) -> Result<Option<IndexManifest>, Error> {
        let path = dir.join(MANIFEST_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text)
                .map(Some)
                .map_err(|e| Error::CorruptIndex(format!("{} is not valid: {e}", path.display()))),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(Error::Io { path, source }),
        }
    }

    pub fn write(&self, dir: &Path) -> Result<(), Error> {
        let path = dir.join(MANIFEST_FILE);
        let tmp = dir.join(format!("{MANIFEST_FILE}.tmp"));
        let text = serde_json::to_string_pretty(self).expect("manifest serialises");
        let written = std::fs::File::create(&tmp).and_then(|mut file| {
            std::io::Write::write_all(&mut file, text.as_bytes())?;
            file.sync_all()
        });
        written.map_err(|source| Error::Io {
            path: tmp.clone(),
            source,
        })?;
        std::fs::rename(&tmp, &path).map_err(|source| Error::Io { path, source })
    }
}
