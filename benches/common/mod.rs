//! What the benches share: reading a corpus folder.

use std::path::Path;

use newsdex::corpus::{self, Article, Record};
use newsdex::dictionary::{load_field_map, DictionarySource};

/// Every article under `dir`, read as `newsdex index` reads it (the
/// embedded field map); rejected records are left out.
pub fn articles_in(dir: &Path) -> Vec<Article> {
    let fields = load_field_map(&DictionarySource::Embedded).expect("the embedded field map");
    let (files, _) = corpus::collect_files(&[dir.to_path_buf()]);
    let mut articles = Vec::new();
    for file in &files {
        corpus::read_file(file, &fields, &mut |record| {
            if let Record::Article(article) = record {
                articles.push(*article);
            }
        });
    }
    articles
}
