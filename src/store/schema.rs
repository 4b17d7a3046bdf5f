//! The index schema, built in one place: field names, options and the text
//! analysers. `index-schema/README.md` documents each field for users.

use tantivy::schema::{Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, STORED, STRING};
use tantivy::tokenizer::{LowerCaser, RawTokenizer, TextAnalyzer};
use tantivy::Index;

use crate::story::FINGERPRINT_WORDS;
use crate::Error;

/// Bumped whenever a change to fields or analysers makes older indexes unreadable.
pub const SCHEMA_VERSION: u32 = 2;

/// Analyser for title and body: words, lower-cased, accents folded, English
/// stop words dropped, Porter-stemmed, so "sanctioned" finds "sanctions".
pub const TEXT_ANALYZER: &str = "news";
/// Analyser for exact-match keywords such as the source name: case-insensitive.
pub const KEYWORD_ANALYZER: &str = "keyword";

/// Field names, for tantivy's calls that take a name (fast columns, facet
/// readers); everything else uses the handles in [`NewsSchema`].
pub mod field_names {
    pub const ID: &str = "id";
    pub const CONTENT_HASH: &str = "content_hash";
    pub const TITLE: &str = "title";
    pub const BODY: &str = "body";
    pub const DATE: &str = "date";
    pub const SOURCE: &str = "source";
    pub const URL: &str = "url";
    pub const LOCATION: &str = "location";
    pub const ACTOR: &str = "actor";
    pub const MENTION: &str = "mention";
    pub const EVENT: &str = "event";
    pub const DYAD: &str = "dyad";
    pub const EVIDENCE: &str = "evidence";
    /// The fingerprint's columns: `fingerprint_00` … `fingerprint_24`.
    pub fn fingerprint(word: usize) -> String {
        format!("fingerprint_{word:02}")
    }
}

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
    pub fingerprint: [Field; FINGERPRINT_WORDS],
}

impl NewsSchema {
    pub fn build() -> NewsSchema {
        let mut builder = Schema::builder();
        let text = TextOptions::default().set_stored().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TEXT_ANALYZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        // Fast too, as written (not lower-cased): stories count their
        // outlets and searches their sources from the column.
        let keyword = TextOptions::default()
            .set_stored()
            .set_fast("raw")
            .set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(KEYWORD_ANALYZER)
                    .set_index_option(IndexRecordOption::Basic),
            );
        builder.add_text_field(field_names::ID, STRING | STORED | FAST);
        builder.add_u64_field(field_names::CONTENT_HASH, FAST);
        builder.add_text_field(field_names::TITLE, text.clone());
        builder.add_text_field(field_names::BODY, text);
        // Not indexed: date ranges and date order read the fast column.
        builder.add_date_field(field_names::DATE, STORED | FAST);
        builder.add_text_field(field_names::SOURCE, keyword);
        builder.add_text_field(field_names::URL, STORED);
        builder.add_text_field(field_names::LOCATION, STORED);
        // Facets are not stored: hits and retag read them from the facet
        // columns every facet field has (storing them too cost 8 MB of the
        // 1x corpus's 115 MB document store).
        for facet in [
            field_names::ACTOR,
            field_names::MENTION,
            field_names::EVENT,
            field_names::DYAD,
        ] {
            builder.add_facet_field(facet, tantivy::schema::FacetOptions::default());
        }
        builder.add_text_field(field_names::EVIDENCE, STORED);
        // The body's shingle sketch (`story::Fingerprint`), read from its
        // columns to group articles into stories.
        for word in 0..FINGERPRINT_WORDS {
            builder.add_u64_field(&field_names::fingerprint(word), FAST);
        }
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
            id: field(field_names::ID)?,
            content_hash: field(field_names::CONTENT_HASH)?,
            title: field(field_names::TITLE)?,
            body: field(field_names::BODY)?,
            date: field(field_names::DATE)?,
            source: field(field_names::SOURCE)?,
            url: field(field_names::URL)?,
            location: field(field_names::LOCATION)?,
            actor: field(field_names::ACTOR)?,
            mention: field(field_names::MENTION)?,
            event: field(field_names::EVENT)?,
            dyad: field(field_names::DYAD)?,
            evidence: field(field_names::EVIDENCE)?,
            fingerprint: (0..FINGERPRINT_WORDS)
                .map(|word| field(&field_names::fingerprint(word)))
                .collect::<Result<Vec<_>, _>>()?
                .try_into()
                .expect("one field a word"),
        })
    }
}

/// Registers newsdex's analysers on an index; must run before any indexing
/// or query parsing.
pub fn register_analyzers(index: &Index) {
    index
        .tokenizers()
        .register(TEXT_ANALYZER, super::analyzer::news_analyzer());
    let keyword = TextAnalyzer::builder(RawTokenizer::default())
        .filter(LowerCaser)
        .build();
    index.tokenizers().register(KEYWORD_ANALYZER, keyword);
}
