//! Watched queries: named searches run again and again (from cron), each
//! reporting only the articles it has not reported before.
//!
//! What each query has seen is kept in `<index>.watch.json`, beside the
//! index folder (so that `index --rebuild`, which swaps the folder, keeps
//! it): per query name, a hash of its definition (query, `any` and the
//! resolved filters: a changed definition starts over), when it last ran,
//! and the 64-bit keys of the articles its last run found
//! ([`article_key`](crate::search::article_key)). A run holds `<index>.watch.lock`, so two runs never
//! race on the state; the state is replaced by writing a temporary file
//! beside it, syncing it and renaming it over the old one, so that a crash
//! leaves the old state or the new one, never a broken one. [`watch`] does
//! not save: it hands back a [`PendingState`] to commit once the new hits are
//! out, so that a run that dies before telling them tells them again next
//! time (at least once, never lost).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::search::{SearchHit, SearchRequest, Searcher};
use crate::store::{self, FileLock};
use crate::tag::Labels;
use crate::Error;

/// The state file's format; another is refused, not overwritten.
pub const STATE_VERSION: u32 = 1;

/// A named query, resolved.
#[derive(Debug, Clone)]
pub struct WatchedQuery {
    pub name: String,
    /// The query, `any`, the filters and the order hits are shown in;
    /// `limit` and `offset` are not used.
    pub request: SearchRequest,
    /// How many new hits to show; every new one is recorded.
    pub limit: usize,
}

impl WatchedQuery {
    /// A hash of what selects the articles (query, `any`, filters as paths
    /// and timestamps), in hex: neither the order nor the limit changes it.
    pub fn definition(&self) -> String {
        let request = &self.request;
        let selects = serde_json::json!({
            "query": request.query,
            "any": request.any,
            "filters": request.filters,
        });
        format!("{:016x}", xxhash_rust::xxh3::xxh3_64(selects.to_string().as_bytes()))
    }
}

/// What every watched query has seen, as saved.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WatchState {
    pub version: u32,
    pub queries: BTreeMap<String, QueryState>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueryState {
    /// [`WatchedQuery::definition`] when these were seen.
    pub definition: String,
    /// The query text, for people reading the file.
    pub query: String,
    /// RFC 3339, UTC.
    pub last_run: String,
    /// The [`article_key`](crate::search::article_key)s of the last run's hits, sorted.
    pub seen: Vec<u64>,
}

impl QueryState {
    fn has_seen(&self, key: u64) -> bool {
        self.seen.binary_search(&key).is_ok()
    }
}

/// `<index>.watch.json`, beside the index folder.
pub fn state_path(index: &Path) -> Result<PathBuf, Error> {
    Ok(store::sibling(&store::resolve(index)?, ".watch.json"))
}

impl WatchState {
    /// The state at `path`; none yet when there is no file. A file that
    /// cannot be read is an error, never a silent start-over.
    pub fn load(path: &Path) -> Result<WatchState, Error> {
        let text = match fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(WatchState {
                    version: STATE_VERSION,
                    queries: BTreeMap::new(),
                })
            }
            Err(e) => return Err(bad_state(path, e.to_string())),
        };
        let state: WatchState = serde_json::from_str(&text).map_err(|e| bad_state(path, e.to_string()))?;
        if state.version != STATE_VERSION {
            return Err(bad_state(
                path,
                format!(
                    "version {} where this newsdex reads version {STATE_VERSION}",
                    state.version
                ),
            ));
        }
        if let Some((name, _)) = state.queries.iter().find(|(_, q)| !q.seen.is_sorted()) {
            return Err(bad_state(path, format!("the seen articles of `{name}` are not sorted")));
        }
        Ok(state)
    }

    /// Replaces the file at `path` whole: a temporary file beside it,
    /// written, synced, renamed over it, and the folder synced.
    pub fn save(&self, path: &Path) -> Result<(), Error> {
        let folder = folder_of(path);
        let io = |e: std::io::Error| Error::Io {
            path: path.to_path_buf(),
            source: e,
        };
        let mut partial = tempfile::Builder::new();
        let prefix = partial_prefix(path);
        partial.prefix(&prefix);
        #[cfg(unix)]
        partial.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
        let partial = partial.tempfile_in(folder).map_err(io)?;
        let mut out = BufWriter::new(partial.as_file());
        serde_json::to_writer(&mut out, self).map_err(|e| io(e.into()))?;
        out.write_all(b"\n").map_err(io)?;
        out.into_inner()
            .map_err(|e| io(e.into_error()))?
            .sync_all()
            .map_err(io)?;
        store::failpoint("watch-before-rename");
        partial.persist(path).map_err(|e| io(e.error))?;
        // The rename itself survives a power cut once the folder is synced.
        #[cfg(unix)]
        fs::File::open(folder).and_then(|f| f.sync_all()).map_err(io)?;
        Ok(())
    }
}

/// The folder `path` is in.
fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Temporary states are `.<state file name>.<random>`, beside it.
fn partial_prefix(path: &Path) -> String {
    format!(".{}.", path.file_name().unwrap_or_default().to_string_lossy())
}

/// Removes the temporary states a killed run left beside `path`; only
/// with the watch lock held, when they cannot be anyone's work in progress.
fn remove_partials(path: &Path) -> Result<(), Error> {
    let folder = folder_of(path);
    let prefix = partial_prefix(path);
    let Ok(entries) = fs::read_dir(folder) else {
        return Ok(());
    };
    for entry in entries.filter_map(Result::ok) {
        if entry.file_name().to_string_lossy().starts_with(&prefix) {
            fs::remove_file(entry.path()).map_err(|e| Error::Io {
                path: entry.path(),
                source: e,
            })?;
        }
    }
    Ok(())
}

fn bad_state(path: &Path, reason: String) -> Error {
    Error::BadWatchState {
        path: path.to_path_buf(),
        reason,
    }
}

/// How a query's run relates to its last one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum WatchStatus {
    /// Never run: every hit is new.
    First,
    /// Its definition changed since the last run: started over, every hit new.
    Changed,
    /// Only hits the last run did not find are new.
    Continued,
}

/// What one watched query found.
#[derive(Debug, Clone, Serialize)]
pub struct QueryReport {
    pub name: String,
    pub query: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query_note: Option<String>,
    pub status: WatchStatus,
    /// When it last ran (RFC 3339), if it did with this definition.
    pub previous_run: Option<String>,
    /// Hits in the whole result set.
    pub total: usize,
    /// Hits the last run did not find.
    pub new: usize,
    /// The first `limit` new hits, each with its rank in the whole result set.
    pub hits: Vec<SearchHit>,
}

/// What a watch run found, query by query.
#[derive(Debug, Clone, Serialize)]
pub struct WatchReport {
    /// The state file.
    pub state: String,
    /// Nothing was recorded.
    pub dry_run: bool,
    pub queries: Vec<QueryReport>,
    /// The display name of every facet value in the hits.
    pub labels: BTreeMap<String, String>,
}

impl WatchReport {
    /// Whether any query has new hits.
    pub fn any_new(&self) -> bool {
        self.queries.iter().any(|q| q.new > 0)
    }

    /// Names every facet value the hits hold with `labels`.
    pub fn label_with(&mut self, labels: &Labels) {
        let paths: BTreeSet<&String> = self
            .queries
            .iter()
            .flat_map(|q| &q.hits)
            .flat_map(|h| h.actors.iter().chain(&h.events).chain(&h.mentions).chain(&h.dyads))
            .collect();
        self.labels = labels.for_paths(paths);
    }
}

/// The state after a run, to save once its new hits are out; dropped
/// unsaved, the next run finds them new again. Holds the run's lock.
pub struct PendingState {
    path: PathBuf,
    state: WatchState,
    /// None for a dry run, which records nothing.
    lock: Option<FileLock>,
}

impl PendingState {
    /// Saves the state (atomically), unless this was a dry run.
    pub fn commit(self) -> Result<(), Error> {
        if self.lock.is_some() {
            remove_partials(&self.path)?;
            self.state.save(&self.path)?;
        }
        Ok(())
    }
}

/// Runs `queries` against the index at `index`, each against what its last
/// run saw. A dry run takes no lock and records nothing.
pub fn watch(index: &Path, queries: &[WatchedQuery], dry_run: bool) -> Result<(WatchReport, PendingState), Error> {
    let searcher = Searcher::open(index)?;
    let path = state_path(index)?;
    let lock = if dry_run {
        None
    } else {
        let lock_path = store::sibling(&store::resolve(index)?, ".watch.lock");
        Some(FileLock::acquire(&lock_path, "watch", Error::WatchLocked)?)
    };
    let mut state = WatchState::load(&path)?;
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut reports = Vec::with_capacity(queries.len());
    for watched in queries {
        let definition = watched.definition();
        let (status, before) = match state.queries.get(&watched.name) {
            None => (WatchStatus::First, None),
            Some(before) if before.definition != definition => (WatchStatus::Changed, None),
            Some(before) => (WatchStatus::Continued, Some(before)),
        };
        let seen = |key: u64| before.is_some_and(|b| b.has_seen(key));
        let found = searcher
            .watch(&watched.request, &seen, watched.limit)
            .map_err(store::damaged)?;
        reports.push(QueryReport {
            name: watched.name.clone(),
            query: watched.request.query.clone(),
            query_note: found.query_note,
            status,
            previous_run: before.map(|b| b.last_run.clone()),
            total: found.keys.len(),
            new: found.new,
            hits: found.hits,
        });
        let mut seen = found.keys;
        seen.sort_unstable();
        seen.dedup();
        state.queries.insert(
            watched.name.clone(),
            QueryState {
                definition,
                query: watched.request.query.clone(),
                last_run: now.clone(),
                seen,
            },
        );
    }
    let report = WatchReport {
        state: path.display().to_string(),
        dry_run,
        queries: reports,
        labels: BTreeMap::new(),
    };
    Ok((report, PendingState { path, state, lock }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state_with(seen: Vec<u64>) -> WatchState {
        let mut queries = BTreeMap::new();
        queries.insert(
            "q".to_string(),
            QueryState {
                definition: "0123456789abcdef".into(),
                query: "cyber".into(),
                last_run: "2024-04-02T09:12:55Z".into(),
                seen,
            },
        );
        WatchState {
            version: STATE_VERSION,
            queries,
        }
    }

    #[test]
    fn saved_state_loads_back_and_replaces_the_old_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("index.watch.json");
        assert!(WatchState::load(&path).unwrap().queries.is_empty());
        let first = state_with(vec![1, 5, u64::MAX]);
        first.save(&path).unwrap();
        assert_eq!(WatchState::load(&path).unwrap(), first);
        let second = state_with(vec![2]);
        second.save(&path).unwrap();
        assert_eq!(WatchState::load(&path).unwrap(), second);
        // Nothing left beside it but the state.
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["index.watch.json"]);
    }

    #[test]
    fn a_state_that_cannot_be_read_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("index.watch.json");
        for text in [
            "{\"version\": 1, \"queries\": {\"q\": {\"definition\": ",
            "not json",
            "{\"version\": 7, \"queries\": {}}",
            "{\"version\": 1, \"queries\": {\"q\": {\"definition\": \"x\", \"query\": \"q\", \"last_run\": \"t\", \"seen\": [3, 1]}}}",
        ] {
            fs::write(&path, text).unwrap();
            let err = WatchState::load(&path).unwrap_err().to_string();
            assert!(err.contains("index.watch.json"), "{err}");
        }
    }

    #[test]
    fn seen_is_a_lookup_in_the_sorted_keys() {
        let state = state_with(vec![1, 5, 9]);
        let q = &state.queries["q"];
        assert!(q.has_seen(5) && q.has_seen(9));
        assert!(!q.has_seen(4) && !q.has_seen(10));
    }

    #[test]
    fn the_definition_is_what_selects_not_how_it_is_shown() {
        let mut request = SearchRequest::new("cyber attack");
        let watched = |request: &SearchRequest, limit| WatchedQuery {
            name: "q".into(),
            request: request.clone(),
            limit,
        };
        let base = watched(&request, 20).definition();
        assert_eq!(base.len(), 16);
        assert_eq!(watched(&request, 5).definition(), base);
        request.sort = crate::search::SortOrder::Date;
        assert_eq!(watched(&request, 20).definition(), base);
        request.any = true;
        assert_ne!(watched(&request, 20).definition(), base);
        request.any = false;
        request.filters.actor.require("/country/CHN");
        assert_ne!(watched(&request, 20).definition(), base);
        request.filters = Default::default();
        request.query = "cyber attacks".into();
        assert_ne!(watched(&request, 20).definition(), base);
    }
}
