//! `newsdex serve`: the index over HTTP, read-only. A JSON API whose
//! responses are the CLI's `--json` structs (search, timeline, stats, one
//! article, a streamed export) and the page at `/` (embedded, no network).
//!
//! One warm [`Searcher`] serves every request; it is reopened when the
//! index's `meta.json` changes (an `index` run beside the server commits, or
//! `--rebuild` swaps a new index in). Searches are blocking work: each runs
//! on tokio's blocking pool holding a permit of a fixed pool, so a flood of
//! requests gets `503` at once instead of a queue, and a request that runs
//! past the time limit is answered `503` (its search finishes in the
//! background, still holding its permit).

mod api;
mod params;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime};

use anyhow::{bail, Context, Result};
use axum::http::{header, HeaderValue};
use tokio::sync::Semaphore;
use tower_http::set_header::SetResponseHeaderLayer;

use newsdex::search::{NameResolver, Searcher};
use newsdex::tag::{DictionarySource, Labels};

/// What `newsdex serve` runs with, resolved from its flags.
pub struct ServeConfig {
    /// The index folder, or several (shards) read as one index; shard lists
    /// already read.
    pub index: Vec<PathBuf>,
    pub addr: SocketAddr,
    /// Listening beyond loopback was asked for explicitly.
    pub public: bool,
    /// Requests worked on at once; more get `503`.
    pub max_requests: usize,
    /// A request running longer is answered `503`.
    pub timeout: Duration,
    /// Decompressed document-store blocks kept per segment.
    pub cached_blocks: usize,
    pub dictionaries: DictionarySource,
}

/// The page's Content-Security-Policy: its own script and style only, no
/// inline code, no frames, nothing fetched from elsewhere. Article text is
/// escaped by the page (it sets text, never markup); this is the second line.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Shared by every request.
pub(crate) struct AppState {
    index: Vec<PathBuf>,
    opened: RwLock<Arc<Opened>>,
    resolver: Mutex<NameResolver>,
    labels: Labels,
    permits: Arc<Semaphore>,
    /// Two per core: admitted requests take turns in arrival order (tokio's
    /// semaphore is fair) instead of all sharing the cores, which stretched
    /// every request by the number in flight; one per core left cores idle
    /// between one request's end and the next one's start (BENCHMARKS.md,
    /// session 15).
    turns: Arc<Semaphore>,
    max_requests: usize,
    timeout: Duration,
    cached_blocks: usize,
}

/// A searcher and the version of `meta.json` it was opened on.
struct Opened {
    searcher: Searcher,
    version: Vec<Option<MetaVersion>>,
}

/// What tells one commit from the next: `meta.json`'s identity, size and
/// time (a commit writes a new file and renames it into place).
#[derive(Debug, Clone, PartialEq, Eq)]
struct MetaVersion {
    inode: u64,
    len: u64,
    modified: Option<SystemTime>,
}

/// The version of every folder's `meta.json`: a commit to any shard reopens.
fn meta_versions(folders: &[PathBuf]) -> Vec<Option<MetaVersion>> {
    folders.iter().map(|folder| meta_version(folder)).collect()
}

fn meta_version(index: &Path) -> Option<MetaVersion> {
    let meta = std::fs::metadata(index.join("meta.json")).ok()?;
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(&meta);
    #[cfg(not(unix))]
    let inode = 0;
    Some(MetaVersion {
        inode,
        len: meta.len(),
        modified: meta.modified().ok(),
    })
}

impl AppState {
    /// The searcher for the index as last committed, reopened if a writer
    /// committed since.
    fn searcher(&self) -> Result<Arc<Opened>, newsdex::Error> {
        let version = meta_versions(&self.index);
        {
            let opened = self.opened.read().unwrap_or_else(|e| e.into_inner());
            if opened.version == version {
                return Ok(opened.clone());
            }
        }
        let mut opened = self.opened.write().unwrap_or_else(|e| e.into_inner());
        if opened.version != version {
            *opened = Arc::new(Opened {
                searcher: Searcher::open_many(&self.index, Some(self.cached_blocks))?,
                version,
            });
        }
        Ok(opened.clone())
    }
}

pub fn run(config: ServeConfig) -> Result<()> {
    if !config.addr.ip().is_loopback() && !config.public {
        bail!(
            "refusing to listen on {}: newsdex serve has no authentication; add --public to serve beyond this machine",
            config.addr
        );
    }
    let searcher = Searcher::open_many(&config.index, Some(config.cached_blocks))?;
    let labels = Labels::load(&config.dictionaries)?;
    let state = Arc::new(AppState {
        opened: RwLock::new(Arc::new(Opened {
            searcher,
            version: meta_versions(&config.index),
        })),
        index: config.index.clone(),
        resolver: Mutex::new(NameResolver::new(config.dictionaries.clone())),
        labels,
        permits: Arc::new(Semaphore::new(config.max_requests)),
        turns: Arc::new(Semaphore::new(
            2 * std::thread::available_parallelism().map_or(1, |n| n.get()),
        )),
        max_requests: config.max_requests,
        timeout: config.timeout,
        cached_blocks: config.cached_blocks,
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(config.max_requests + 4)
        .build()
        .context("cannot start the server's runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(config.addr)
            .await
            .with_context(|| format!("cannot listen on {}", config.addr))?;
        let local = listener.local_addr()?;
        if !local.ip().is_loopback() {
            eprintln!(
                "warning: serving {} to the network without authentication",
                newsdex::store::describe_folders(&config.index)
            );
        }
        eprintln!(
            "newsdex serve: listening on http://{local} (index {})",
            newsdex::store::describe_folders(&config.index)
        );
        let app = api::router(state)
            .layer(tower_http::limit::RequestBodyLimitLayer::new(16 * 1024))
            .layer(SetResponseHeaderLayer::overriding(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(CONTENT_SECURITY_POLICY),
            ))
            .layer(SetResponseHeaderLayer::overriding(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ))
            .layer(SetResponseHeaderLayer::overriding(
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            ));
        axum::serve(listener, app)
            .with_graceful_shutdown(shutdown_signal())
            .await
            .context("the server stopped")?;
        eprintln!("newsdex serve: stopped");
        Ok(())
    })
}

/// SIGINT or SIGTERM: stop accepting, finish what is running, exit 0.
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}
