//! Shared by the fuzz targets: read bytes as a corpus file of a given name
//! and check what the reader promises, whatever the input.

use std::sync::OnceLock;

use newsdex::ingest::{read_bytes, FieldMap, Record};

fn fields() -> &'static FieldMap {
    static FIELDS: OnceLock<FieldMap> = OnceLock::new();
    FIELDS.get_or_init(|| {
        newsdex::tag::DictionarySource::Embedded.field_map()
            .expect("the built-in field map loads")
    })
}

/// Reads `bytes` as a file called `name`: never panics, every record is an
/// article with a body and an id, or a rejection with a reason, and every
/// location names the file.
pub fn read_as(name: &str, bytes: &[u8]) {
    let mut records = 0usize;
    read_bytes(name, bytes, fields(), &mut |record| {
        records += 1;
        match record {
            Record::Article(article) => {
                assert!(!article.body.trim().is_empty(), "an article without a body");
                assert!(!article.id.is_empty(), "an article without an id");
                assert_eq!(article.location.file, name);
                assert!(!article.title.contains(['\n', '\u{0}']), "title not cleaned");
            }
            Record::Rejected(rejection) => {
                assert!(!rejection.reason.is_empty(), "a rejection without a reason");
                assert_eq!(rejection.location.file, name);
            }
        }
    });
    assert!(records >= 1, "every file yields at least one record or rejection");
}
