//! What the benches share: reading a corpus folder.

use std::path::Path;

use newsdex::ingest::{self, Article, Record};
use newsdex::tag::DictionarySource;

/// Every article under `dir`, read as `newsdex index` reads it (the
/// embedded field map); rejected records are left out.
pub fn articles_in(dir: &Path) -> Vec<Article> {
    let fields = DictionarySource::Embedded.field_map().expect("the embedded field map");
    let files = ingest::collect_files(&[dir.to_path_buf()]).files;
    let mut articles = Vec::new();
    for file in &files {
        ingest::read_file(file, &fields, &mut |record| {
            if let Record::Article(article) = record {
                articles.push(*article);
            }
        });
    }
    articles
}
