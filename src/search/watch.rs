//! The search side of a watched query: every hit of the result set (a new
//! article may rank anywhere) as 64-bit hashes of its id, read from the id
//! column without opening a document, and full hits built only for the ones
//! not seen before. The state that remembers them is `ops::watch`'s.

use tantivy::{DocAddress, Score};

use super::{SearchHit, SearchRequest, Searcher};
use crate::store::field_names;
use crate::Error;

/// The key an article is remembered by: its id hashed to 64 bits (a
/// collision among a million ids is about a 1-in-10^7 chance, and costs one
/// article reported as already seen).
pub fn article_key(id: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(id.as_bytes())
}

/// One run of a watched query.
#[derive(Debug, Clone)]
pub struct WatchHits {
    /// How a query that is not valid query language was read instead.
    pub query_note: Option<String>,
    /// The key of every hit of the result set, in its order.
    pub keys: Vec<u64>,
    /// How many hits `seen` did not know.
    pub new: usize,
    /// The first `show` new hits, in the request's order, each with its rank
    /// in the whole result set.
    pub hits: Vec<SearchHit>,
}

impl Searcher {
    /// Runs `request` over the whole result set (its `limit` and `offset`
    /// are ignored) and builds the first `show` hits whose key `seen` does not
    /// hold.
    pub fn watch(&self, request: &SearchRequest, seen: &dyn Fn(u64) -> bool, show: usize) -> Result<WatchHits, Error> {
        let all = self.rank_all(request)?;
        let keys = keys(&all.searcher, &all.ranked)?;
        let new: Vec<(usize, Option<Score>, DocAddress)> = all
            .ranked
            .iter()
            .zip(&keys)
            .enumerate()
            .filter(|(_, (_, key))| !seen(**key))
            .map(|(i, ((score, address), _))| (i + 1, *score, *address))
            .collect();
        let shown = &new[..show.min(new.len())];
        let hits = if shown.is_empty() {
            Vec::new()
        } else {
            all.hit_builder(self, request)?.build(self, &all.searcher, shown)?
        };
        Ok(WatchHits {
            query_note: all.query_note,
            keys,
            new: new.len(),
            hits,
        })
    }
}

/// The key of each ranked article, from the id column.
fn keys(searcher: &tantivy::Searcher, ranked: &[(Option<Score>, DocAddress)]) -> Result<Vec<u64>, Error> {
    let columns = searcher
        .segment_readers()
        .iter()
        .map(|segment| segment.fast_fields().str(field_names::ID))
        .collect::<Result<Vec<_>, _>>()?;
    let unreadable = |what: String| Error::CorruptIndex(format!("cannot read the ids: {what}"));
    let mut id = String::new();
    ranked
        .iter()
        .map(|(_, address)| {
            let column = columns
                .get(address.segment_ord as usize)
                .and_then(Option::as_ref)
                .ok_or_else(|| unreadable("a segment has no id column".into()))?;
            let ord = column
                .term_ords(address.doc_id)
                .next()
                .ok_or_else(|| unreadable(format!("article {} of a segment has no id", address.doc_id)))?;
            id.clear();
            column.ord_to_str(ord, &mut id).map_err(|e| unreadable(e.to_string()))?;
            Ok(article_key(&id))
        })
        .collect()
}
