#![no_main]
//! Query and filter parsing, then a full search (ranking, filters, snippets,
//! highlights, facet counts) over an index of the bundled sample corpus.
//!
//! Input: the query, then optional filters, each after a 0x1f byte and
//! introduced by one letter: a actor, m mention, e event, d dyad, s source,
//! f from-day, t to-day, y "any" mode, o date order.

use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use libfuzzer_sys::fuzz_target;
use newsdex::ops::{IndexConfig, Notice, Observer};
use newsdex::search::{day_start, event_path, NameResolver, SearchRequest, Searcher, SortOrder};
use newsdex::tag::DictionarySource;

struct Quiet;
impl Observer for Quiet {
    fn notice(&self, _notice: Notice<'_>) {}
}

fn searcher() -> &'static Searcher {
    static SEARCHER: OnceLock<Searcher> = OnceLock::new();
    SEARCHER.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("newsdex-fuzz-index-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let source = DictionarySource::Embedded;
        let config = IndexConfig {
            index_dir: dir.clone(),
            inputs: newsdex::ingest::collect_files(&[PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../corpus")]),
            threads: 1,
            memory_mb: 50,
            fields: source.field_map().expect("field map"),
            dictionaries: source,
            rebuild: false,
        };
        newsdex::ops::index(&config, &Quiet).expect("the sample corpus indexes");
        Searcher::open(&dir).expect("the sample index opens")
    })
}

fn resolver() -> &'static Mutex<NameResolver> {
    static RESOLVER: OnceLock<Mutex<NameResolver>> = OnceLock::new();
    RESOLVER.get_or_init(|| Mutex::new(NameResolver::new(DictionarySource::Embedded)))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut parts = text.split('\u{1f}');
    let query = parts.next().unwrap_or("").to_string();
    let mut request = SearchRequest::new(&query);
    request.limit = 5;
    request.facet_limit = 5;
    request.snippet_chars = 80;
    request.evidence = true;
    let mut resolver = resolver().lock().unwrap_or_else(|e| e.into_inner());
    for part in parts {
        let mut chars = part.chars();
        let kind = chars.next();
        let value = chars.as_str();
        let parsed: Result<(), newsdex::Error> = (|| {
            match kind {
                Some('a') => request.filters.actor.require(resolver.entity(value, "actor")?),
                Some('A') => request.filters.actor.none_of.push(resolver.entity(value, "actor")?),
                Some('m') => request.filters.mention.require(resolver.entity(value, "mention")?),
                Some('e') => request.filters.event.require(event_path(value)?),
                Some('E') => request.filters.event.none_of.push(event_path(value)?),
                Some('d') => request.filters.dyad.require(resolver.dyad(value)?),
                Some('s') => request.filters.sources.push(value.to_lowercase()),
                Some('S') => request.filters.not_sources.push(value.to_lowercase()),
                Some('f') => request.filters.from = Some(day_start(value, "--from")?),
                Some('t') => request.filters.to = Some(day_start(value, "--to")? + 86_400),
                Some('y') => request.any = true,
                Some('o') => request.sort = SortOrder::Date,
                _ => {}
            }
            Ok(())
        })();
        if let Err(err) = parsed {
            assert!(!err.to_string().is_empty());
        }
    }
    drop(resolver);
    // As the command line does: refuse what the query parser cannot take.
    if let Err(err) = newsdex::search::check_query(&request.query) {
        assert!(!err.to_string().is_empty());
        return;
    }
    match searcher().search(&request) {
        Ok(results) => {
            assert!(results.hits.len() <= request.limit);
            assert!(results.hits.len() <= results.total);
            for hit in &results.hits {
                for &[start, end] in &hit.snippet.highlights {
                    assert!(start <= end && end <= hit.snippet.text.len());
                    assert!(hit.snippet.text.is_char_boundary(start) && hit.snippet.text.is_char_boundary(end));
                }
            }
        }
        Err(err) => assert!(!err.to_string().is_empty()),
    }
});
