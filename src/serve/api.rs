//! The routes: the JSON API (`/api/…`) and the page's three files. Every
//! answer that is not data is `{"error": MESSAGE, "status": CODE}`.

use std::io::{self, Write};
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

use newsdex::render::{self, ExportFormat};
use newsdex::search::{ArticleView, ExportStamp, SearchResults, Timeline};
use newsdex::{ops, Error};

use super::{params, AppState};
use crate::cli::config;

/// The deepest a request may page: `limit + offset`.
pub const MAX_WINDOW: usize = 1_000;

pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/", get(|| async { page(PAGE_HTML, "text/html; charset=utf-8") }))
        .route(
            "/app.js",
            get(|| async { page(PAGE_JS, "text/javascript; charset=utf-8") }),
        )
        .route(
            "/style.css",
            get(|| async { page(PAGE_CSS, "text/css; charset=utf-8") }),
        )
        .route("/api/search", get(search))
        .route("/api/timeline", get(timeline))
        .route("/api/stats", get(stats))
        .route("/api/articles/{id}", get(article))
        .route("/api/export", get(export))
        .fallback(not_found)
        .with_state(state)
}

const PAGE_HTML: &str = include_str!("page/index.html");
const PAGE_JS: &str = include_str!("page/app.js");
const PAGE_CSS: &str = include_str!("page/style.css");

fn page(body: &'static str, content_type: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

/// An answer other than data.
#[derive(Debug)]
pub struct ApiError(StatusCode, String);

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
    status: u16,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: &self.1,
            status: self.0.as_u16(),
        };
        (self.0, Json(body)).into_response()
    }
}

fn bad_request(message: impl std::fmt::Display) -> ApiError {
    ApiError(StatusCode::BAD_REQUEST, message.to_string())
}

/// The library's errors: what the request asked wrongly is a 400, the rest
/// (a damaged index, a failed read) a 500.
fn from_library(err: Error) -> ApiError {
    match err {
        Error::BadArgument(_) | Error::BadQuery(_) => bad_request(err),
        other => ApiError(StatusCode::INTERNAL_SERVER_ERROR, other.to_string()),
    }
}

/// Runs `work` on the blocking pool once it holds one of the fixed permits
/// and its turn has come; gives up at the time limit, waiting included.
async fn blocking<T: Send + 'static>(
    state: &Arc<AppState>,
    work: impl FnOnce(&AppState) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let permit = state.permits.clone().try_acquire_owned().map_err(|_| busy(state))?;
    let shared = state.clone();
    let task = async move {
        let turn = shared.turns.clone().acquire_owned().await;
        tokio::task::spawn_blocking(move || {
            let _held = (permit, turn);
            work(&shared)
        })
        .await
    };
    match tokio::time::timeout(state.timeout, task).await {
        Ok(Ok(answer)) => answer,
        Ok(Err(_)) => Err(ApiError(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the request failed inside newsdex (see the server's log)".into(),
        )),
        Err(_) => Err(ApiError(
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "the request took over {:.1} s and was abandoned",
                state.timeout.as_secs_f64()
            ),
        )),
    }
}

fn busy(state: &AppState) -> ApiError {
    ApiError(
        StatusCode::SERVICE_UNAVAILABLE,
        format!(
            "busy: {} requests are being answered; retry shortly",
            state.max_requests
        ),
    )
}

/// A request's flags resolved into the library's request with the shared
/// name resolver; what cannot be resolved is the client's mistake.
fn resolve<T>(
    state: &AppState,
    make: impl FnOnce(&mut newsdex::search::NameResolver) -> anyhow::Result<T>,
) -> Result<T, ApiError> {
    let mut resolver = state.resolver.lock().unwrap_or_else(|e| e.into_inner());
    make(&mut resolver).map_err(|e| bad_request(format!("{e:#}")))
}

fn check_window(limit: usize, offset: usize) -> Result<(), ApiError> {
    if limit.saturating_add(offset) > MAX_WINDOW {
        return Err(bad_request(format!(
            "limit + offset is {}; at most {MAX_WINDOW} (narrow the query, or use /api/export for everything)",
            limit.saturating_add(offset)
        )));
    }
    Ok(())
}

async fn search(
    State(state): State<Arc<AppState>>,
    RawQuery(query): RawQuery,
) -> Result<Json<SearchResults>, ApiError> {
    let args = params::search(query.as_deref().unwrap_or("")).map_err(|e| bad_request(e.0))?;
    check_window(args.limit, args.offset)?;
    blocking(&state, move |state| {
        let request = resolve(state, |resolver| config::search_with(&args, resolver))?;
        let opened = state.searcher().map_err(from_library)?;
        let mut results = opened.searcher.search(&request).map_err(from_library)?;
        results.label_with(&state.labels);
        Ok(Json(results))
    })
    .await
}

async fn timeline(State(state): State<Arc<AppState>>, RawQuery(query): RawQuery) -> Result<Json<Timeline>, ApiError> {
    let args = params::timeline(query.as_deref().unwrap_or("")).map_err(|e| bad_request(e.0))?;
    blocking(&state, move |state| {
        let request = resolve(state, |resolver| config::timeline_with(&args, resolver))?;
        let opened = state.searcher().map_err(from_library)?;
        Ok(Json(opened.searcher.timeline(&request).map_err(from_library)?))
    })
    .await
}

async fn stats(State(state): State<Arc<AppState>>, RawQuery(query): RawQuery) -> Result<Response, ApiError> {
    let query = query.unwrap_or_default();
    let top = match params::value(&query, "top") {
        None => 10,
        Some(top) => top
            .parse::<usize>()
            .ok()
            .filter(|&n| n <= 1_000)
            .ok_or_else(|| bad_request(format!("`top` is a number up to 1000, not `{top}`")))?,
    };
    blocking(&state, move |state| {
        let mut stats = ops::stats(&state.index, top).map_err(from_library)?;
        stats.label_with(&state.labels);
        Ok(Json(stats).into_response())
    })
    .await
}

async fn article(State(state): State<Arc<AppState>>, Path(id): Path<String>) -> Result<Json<ArticleView>, ApiError> {
    blocking(&state, move |state| {
        let opened = state.searcher().map_err(from_library)?;
        match opened.searcher.article(&id).map_err(from_library)? {
            Some(mut article) => {
                article.label_with(&state.labels);
                Ok(Json(article))
            }
            None => Err(ApiError(StatusCode::NOT_FOUND, format!("no article has the id `{id}`"))),
        }
    })
    .await
}

/// The whole result set as a download, streamed as it is written: the
/// search's parameters, plus `format` (`jsonl`, the default, `csv` or
/// `parquet`) and `bom`.
async fn export(State(state): State<Arc<AppState>>, RawQuery(query): RawQuery) -> Result<Response, ApiError> {
    let query = query.unwrap_or_default();
    let format = match params::value(&query, "format").as_deref() {
        None | Some("jsonl") => ExportFormat::Jsonl,
        Some("csv") => ExportFormat::Csv,
        Some("parquet") => ExportFormat::Parquet,
        Some(other) => return Err(bad_request(format!("`format` is jsonl, csv or parquet, not `{other}`"))),
    };
    let bom = params::value(&query, "bom").is_some_and(|v| v == "true" || v == "1");
    let rest: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form_urlencoded::parse(query.as_bytes()).filter(|(k, _)| k != "format" && k != "bom"))
        .finish();
    let args = params::search(&rest).map_err(|e| bad_request(e.0))?;
    let request = resolve(&state, |resolver| config::search_with(&args, resolver))?;
    let permit = state.permits.clone().try_acquire_owned().map_err(|_| busy(&state))?;
    let opened = state.searcher().map_err(from_library)?;
    let stamp = ExportStamp::new(
        &request,
        vec!["newsdex serve".into(), format!("/api/export?{query}")],
        &state.index,
    )
    .map_err(from_library)?;
    let (sender, receiver) = tokio::sync::mpsc::channel::<io::Result<Bytes>>(8);
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let out = ChannelWriter {
            sender: sender.clone(),
            buffer: Vec::with_capacity(CHUNK),
        };
        let written = (|| -> io::Result<()> {
            let mut writer = render::export_writer(format, out, &stamp, bom)?;
            opened
                .searcher
                .export(&request, &mut |hit| writer.write(hit).map_err(Error::Output))
                .map_err(|e| io::Error::other(e.to_string()))?;
            writer.finish()
        })();
        if let Err(err) = written {
            // The client sees the download cut short, not a complete file.
            let _ = sender.blocking_send(Err(err));
        }
    });
    let (content_type, extension) = match format {
        ExportFormat::Csv => ("text/csv; charset=utf-8", "csv"),
        ExportFormat::Jsonl => ("application/x-ndjson", "jsonl"),
        ExportFormat::Parquet => ("application/vnd.apache.parquet", "parquet"),
    };
    let stream = tokio_stream::wrappers::ReceiverStream::new(receiver);
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"newsdex-export.{extension}\""),
            ),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}

/// Bytes of an export sent at a time.
const CHUNK: usize = 64 * 1024;

/// An export's bytes, handed to the response body a chunk at a time; a
/// client that hangs up stops the export.
struct ChannelWriter {
    sender: tokio::sync::mpsc::Sender<io::Result<Bytes>>,
    buffer: Vec<u8>,
}

impl Write for ChannelWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        if self.buffer.len() >= CHUNK {
            self.flush()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.buffer, Vec::with_capacity(CHUNK)));
        self.sender
            .blocking_send(Ok(chunk))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the client hung up"))
    }
}

impl Drop for ChannelWriter {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

async fn not_found(uri: Uri) -> ApiError {
    ApiError(StatusCode::NOT_FOUND, format!("nothing at `{}`", uri.path()))
}
