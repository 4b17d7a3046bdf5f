//! The command line: flags are parsed by clap, resolved into library
//! configurations, run, and rendered. Errors carry context for the user.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use newsdex::dictionary::{self, Dictionaries, DictionarySource};
use newsdex::evaluate::{self, EvalReport};
use newsdex::extract::Extractor;
use newsdex::filters::{check_query, day_start, event_path, NameResolver};
use newsdex::indexer::{self, IndexConfig, Notice, Observer};
use newsdex::lifecycle::{self, DeleteRequest};
use newsdex::render::{self, Palette};
use newsdex::search::{SearchRequest, SortOrder};
use newsdex::{index_dir, stats};

#[derive(Debug, Parser)]
#[command(
    name = "newsdex",
    version,
    about = "Search your own news collections: index corpora, then query them by words, actors, events and dates."
)]
pub struct Cli {
    /// Index folder [default: ~/.local/share/newsdex/index]
    #[arg(long, global = true, env = "NEWSDEX_INDEX", value_name = "DIR")]
    index: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Index files and folders of articles (dated text, plain text, JSON, JSON Lines, gzip'd)
    Index(IndexArgs),
    /// Search the index
    Search(SearchArgs),
    /// Show what the index holds
    Stats(StatsArgs),
    /// Remove articles by id, by source or by date (exit 1 if none matched)
    Delete(DeleteArgs),
    /// Re-tag every article's actors and events from its stored text with the current dictionaries
    Retag(RetagArgs),
    /// Score actor and event extraction against human labels (PLOVER gold sentences, Reuters-21578)
    Eval(EvalArgs),
}

#[derive(Debug, Args)]
struct EvalArgs {
    /// PLOVER gold-standard sentences (JSON Lines) [default: ../shared/gold/plover_gsr_cameo_v08.jsonl]
    #[arg(long, value_name = "FILE")]
    plover: Option<PathBuf>,
    /// Reuters-21578 XML folder [default: ../shared/corpora/reuters21578/xml]
    #[arg(long, value_name = "DIR")]
    reuters: Option<PathBuf>,
    /// Use dictionaries from this index-schema folder instead of the built-in ones
    #[arg(long, env = "NEWSDEX_DICTIONARIES", value_name = "DIR")]
    dictionaries: Option<PathBuf>,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct IndexArgs {
    /// Files or folders to read (folders recursively)
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Worker threads for parsing, tagging and indexing [default: number of cores]
    #[arg(long, short = 'j')]
    threads: Option<usize>,
    /// Indexing memory budget in MB
    #[arg(long, default_value_t = 512, value_name = "MB")]
    memory: usize,
    /// Read an article field from a given JSON key for this run, e.g. body=content_original
    #[arg(long = "field", value_name = "FIELD=KEY")]
    fields: Vec<String>,
    /// Use dictionaries from this index-schema folder instead of the built-in ones
    #[arg(long, env = "NEWSDEX_DICTIONARIES", value_name = "DIR")]
    dictionaries: Option<PathBuf>,
    /// Write every rejected record (location and reason) to FILE as JSON Lines
    #[arg(long, value_name = "FILE")]
    rejects: Option<PathBuf>,
    /// Exit with status 2 if any record is rejected
    #[arg(long)]
    strict: bool,
    /// No progress bar and no per-record messages; the summary still prints
    #[arg(long, short)]
    quiet: bool,
    /// Build a complete new index from PATHs beside the current one and swap it in when done
    #[arg(long)]
    rebuild: bool,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("what").required(true).multiple(true).args(["ids", "sources", "before"])))]
struct DeleteArgs {
    /// Delete the article with this id (repeat, or give several)
    #[arg(long = "id", value_name = "ID", num_args = 1..)]
    ids: Vec<String>,
    /// Delete the articles from this source (case-insensitive; repeat for several)
    #[arg(long = "source", value_name = "NAME")]
    sources: Vec<String>,
    /// Delete the articles dated before this day (YYYY-MM-DD); undated articles stay
    #[arg(long, value_name = "DATE")]
    before: Option<String>,
}

#[derive(Debug, Args)]
struct RetagArgs {
    /// Use dictionaries from this index-schema folder instead of the built-in ones
    #[arg(long, env = "NEWSDEX_DICTIONARIES", value_name = "DIR")]
    dictionaries: Option<PathBuf>,
    /// Worker threads for tagging and indexing [default: number of cores]
    #[arg(long, short = 'j')]
    threads: Option<usize>,
    /// Indexing memory budget in MB
    #[arg(long, default_value_t = 512, value_name = "MB")]
    memory: usize,
}

#[derive(Debug, Args)]
struct SearchArgs {
    /// Query: words (all required), "phrases", AND/OR/NOT, +must -not, title:word; `*` for everything
    query: String,
    /// Make every word optional and rank by BM25 (for natural-language questions)
    #[arg(long)]
    any: bool,
    /// Only articles with this actor: a facet path (/country/CHN) or a name (China, APT31, NATO)
    #[arg(long, value_name = "ACTOR")]
    actor: Vec<String>,
    /// Only articles with this event: /accuse, /accuse/allege, accuse or accuse/allege
    #[arg(long, value_name = "EVENT")]
    event: Vec<String>,
    /// Only articles that mention this entity (path or name)
    #[arg(long, value_name = "ENTITY")]
    mention: Vec<String>,
    /// Only articles with this who-did-what-to-whom: SOURCE:event:TARGET (GBR:accuse:CHN) or /GBR/accuse/CHN
    #[arg(long, value_name = "DYAD")]
    dyad: Vec<String>,
    /// Only articles from this source (case-insensitive; repeat for any of several)
    #[arg(long, value_name = "NAME")]
    source: Vec<String>,
    /// Only articles dated on or after this day (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    from: Option<String>,
    /// Only articles dated on or before this day (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    to: Option<String>,
    /// Order of results
    #[arg(long, value_enum, default_value_t = SortOrder::Relevance)]
    sort: SortOrder,
    /// Number of results
    #[arg(long, short = 'n', default_value_t = 10)]
    limit: usize,
    /// Skip this many results (for paging)
    #[arg(long, default_value_t = 0)]
    offset: usize,
    /// Print facet counts for the whole result set after the hits
    #[arg(long)]
    facets: bool,
    /// How many values to count per facet
    #[arg(long, default_value_t = 10, value_name = "N")]
    facet_limit: usize,
    /// Show the sentence each dyad was read from
    #[arg(long)]
    evidence: bool,
    /// Snippet length in characters
    #[arg(long, default_value_t = 200, value_name = "CHARS")]
    snippet: usize,
    /// Print one JSON object instead of text
    #[arg(long)]
    json: bool,
    /// When to colour the output
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
struct StatsArgs {
    /// How many top actors and events to list
    #[arg(long, default_value_t = 10)]
    top: usize,
    #[arg(long)]
    json: bool,
}

/// How a successful run ended, for the exit code.
pub enum Outcome {
    Success,
    NoResults,
}

pub fn run(cli: Cli) -> Result<Outcome> {
    let index = cli.index.clone().unwrap_or_else(index_dir::default_index_dir);
    match cli.command {
        Command::Index(args) => run_index(index, args),
        Command::Search(args) => run_search(index, args),
        Command::Stats(args) => run_stats(index, args),
        Command::Delete(args) => run_delete(index, args),
        Command::Retag(args) => run_retag(index, args),
        Command::Eval(args) => run_eval(args),
    }
}

fn dictionary_source(dir: Option<PathBuf>) -> Result<DictionarySource> {
    match dir {
        Some(dir) if !dir.is_dir() => bail!("dictionary folder {} does not exist", dir.display()),
        Some(dir) => Ok(DictionarySource::Dir(dir)),
        None => Ok(DictionarySource::Embedded),
    }
}

fn run_index(index: PathBuf, args: IndexArgs) -> Result<Outcome> {
    let dictionaries = dictionary_source(args.dictionaries)?;
    let mut fields = dictionary::load_field_map(&dictionaries)?;
    for spec in &args.fields {
        fields.apply_override(spec)?;
    }
    let threads = thread_count(args.threads)?;
    let total_bytes: u64 = newsdex::corpus::collect_files(&args.paths)
        .0
        .iter()
        .filter_map(|p| p.metadata().ok())
        .map(|m| m.len())
        .sum();
    let rejects = match &args.rejects {
        Some(path) => {
            Some(Mutex::new(BufWriter::new(File::create(path).with_context(|| {
                format!("cannot create the rejects file {}", path.display())
            })?)))
        }
        None => None,
    };
    let observer = CliObserver::new(total_bytes, args.quiet, rejects);
    let config = IndexConfig {
        index_dir: index.clone(),
        paths: args.paths,
        threads,
        memory_mb: args.memory,
        fields,
        dictionaries,
        rebuild: args.rebuild,
    };
    let report =
        indexer::run(&config, &observer).with_context(|| format!("indexing into {} failed", index.display()))?;
    observer.finish()?;
    eprintln!("{}", render::index_summary(&report));
    if args.strict && report.rejected > 0 {
        bail!(
            "{} records were rejected and --strict is set; the good records were indexed",
            report.rejected
        );
    }
    Ok(Outcome::Success)
}

/// Prints notices to stderr (the first few of each kind), writes rejections
/// to the rejects file, and drives the progress bar.
struct CliObserver {
    bar: ProgressBar,
    quiet: bool,
    rejects: Option<Mutex<BufWriter<File>>>,
    rejects_error: Mutex<Option<io::Error>>,
    shown: [AtomicUsize; 3],
}

const SHOWN_PER_KIND: usize = 20;

impl CliObserver {
    fn new(total_bytes: u64, quiet: bool, rejects: Option<Mutex<BufWriter<File>>>) -> CliObserver {
        let bar = if quiet || !io::stderr().is_terminal() {
            ProgressBar::hidden()
        } else {
            let bar = ProgressBar::with_draw_target(Some(total_bytes), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {binary_bytes_per_sec} ETA {eta} · {msg}")
                    .expect("valid template"),
            );
            bar
        };
        CliObserver {
            bar,
            quiet,
            rejects,
            rejects_error: Mutex::new(None),
            shown: Default::default(),
        }
    }

    fn say(&self, kind: usize, line: String) {
        if self.quiet {
            return;
        }
        let shown = self.shown[kind].fetch_add(1, Ordering::Relaxed);
        if shown < SHOWN_PER_KIND {
            self.bar.suspend(|| eprintln!("{line}"));
        }
    }

    fn finish(&self) -> Result<()> {
        self.bar.finish_and_clear();
        if let Some(err) = self.rejects_error.lock().expect("lock").take() {
            return Err(err).context("writing the rejects file failed");
        }
        if let Some(file) = &self.rejects {
            file.lock()
                .expect("lock")
                .flush()
                .context("writing the rejects file failed")?;
        }
        if !self.quiet {
            for (kind, name) in ["rejected records", "warnings", "duplicate ids"].iter().enumerate() {
                let shown = self.shown[kind].load(Ordering::Relaxed);
                if shown > SHOWN_PER_KIND {
                    let hint = if kind == 0 {
                        "; --rejects FILE lists them all"
                    } else {
                        ""
                    };
                    eprintln!("… and {} more {name}{hint}", shown - SHOWN_PER_KIND);
                }
            }
        }
        Ok(())
    }
}

impl Observer for CliObserver {
    fn notice(&self, notice: Notice<'_>) {
        match notice {
            Notice::Rejected(rejection) => {
                if let Some(file) = &self.rejects {
                    let mut file = file.lock().expect("lock");
                    let written = serde_json::to_writer(&mut *file, rejection)
                        .map_err(io::Error::from)
                        .and_then(|()| writeln!(file));
                    if let Err(err) = written {
                        self.rejects_error.lock().expect("lock").get_or_insert(err);
                    }
                }
                self.say(0, format!("rejected {}: {}", rejection.location, rejection.reason));
            }
            Notice::Warning { location, message } => self.say(1, format!("warning {location}: {message}")),
            Notice::Cleaned { path } => self.bar.suspend(|| say_cleaned(path)),
            Notice::Duplicate {
                location,
                id,
                same_content,
            } => {
                let what = if same_content {
                    "repeats"
                } else {
                    "reuses, with different content,"
                };
                self.say(
                    2,
                    format!("duplicate {location}: {what} id {id:?} seen earlier in this run; kept the first"),
                );
            }
        }
    }

    fn progress(&self, bytes: u64, articles: u64) {
        self.bar.set_position(bytes);
        self.bar.set_message(format!("{articles} articles"));
    }
}

fn thread_count(threads: Option<usize>) -> Result<usize> {
    let threads = threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    if threads == 0 {
        bail!("--threads must be at least 1");
    }
    Ok(threads)
}

fn say_cleaned(path: &std::path::Path) {
    eprintln!(
        "removed {}: an unfinished index left by an interrupted run",
        path.display()
    );
}

fn run_delete(index: PathBuf, args: DeleteArgs) -> Result<Outcome> {
    let before = args.before.as_deref().map(|d| day_start(d, "--before")).transpose()?;
    let request = DeleteRequest {
        ids: args.ids,
        sources: args.sources,
        before,
    };
    let report = lifecycle::delete(&index, &request, &mut say_cleaned)
        .with_context(|| format!("deleting from {} failed", index.display()))?;
    eprintln!(
        "deleted {} articles · index holds {} articles",
        report.removed, report.total_articles
    );
    Ok(if report.removed == 0 {
        Outcome::NoResults
    } else {
        Outcome::Success
    })
}

fn run_retag(index: PathBuf, args: RetagArgs) -> Result<Outcome> {
    let dictionaries = dictionary_source(args.dictionaries)?;
    let threads = thread_count(args.threads)?;
    let observer = CliObserver::new(0, false, None);
    let report = lifecycle::retag(&index, &dictionaries, threads, args.memory, &observer, &mut say_cleaned)
        .with_context(|| format!("re-tagging {} failed", index.display()))?;
    observer.finish()?;
    eprintln!(
        "retagged {} articles with dictionaries {} · tags changed on {} · {:.2} s",
        report.articles,
        dictionaries.describe(),
        report.changed,
        report.seconds
    );
    Ok(Outcome::Success)
}

fn run_search(index: PathBuf, args: SearchArgs) -> Result<Outcome> {
    check_query(&args.query)?;
    let mut resolver = NameResolver::default();
    let actors = args
        .actor
        .iter()
        .map(|a| resolver.entity(a, "actor"))
        .collect::<Result<Vec<_>, _>>()?;
    let mentions = args
        .mention
        .iter()
        .map(|a| resolver.entity(a, "mention"))
        .collect::<Result<Vec<_>, _>>()?;
    let events = args
        .event
        .iter()
        .map(|e| event_path(e))
        .collect::<Result<Vec<_>, _>>()?;
    let dyads = args
        .dyad
        .iter()
        .map(|d| resolver.dyad(d))
        .collect::<Result<Vec<_>, _>>()?;
    let from = args.from.as_deref().map(|d| day_start(d, "--from")).transpose()?;
    let to = args
        .to
        .as_deref()
        .map(|d| day_start(d, "--to").map(|s| s + 86_400))
        .transpose()?;
    if let (Some(from), Some(to)) = (from, to) {
        if from >= to {
            bail!("--from is after --to; nothing can match");
        }
    }
    let request = SearchRequest {
        query: args.query,
        any: args.any,
        actors,
        events,
        mentions,
        dyads,
        sources: args.source,
        from,
        to,
        sort: args.sort,
        limit: args.limit,
        offset: args.offset,
        facet_limit: args.facet_limit,
        snippet_chars: args.snippet.max(20),
        evidence: args.evidence,
    };
    let searcher = lifecycle::open_searcher(&index)?;
    let results = searcher.search(&request).map_err(index_dir::damaged)?;
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    if args.json {
        render::json(&mut out, &results)?;
    } else {
        let color = match args.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        };
        render::search_text(&mut out, &results, Palette { color }, args.facets)?;
        let shown = results.hits.len();
        let first = if shown == 0 { 0 } else { request.offset + 1 };
        eprintln!(
            "{}–{} of {} articles · {:.1} ms",
            first,
            request.offset + shown,
            results.total,
            results.took_ms
        );
    }
    out.flush()?;
    if results.total == 0 {
        if !request.any && !request.query.trim().eq("*") && request.query.split_whitespace().count() > 1 {
            eprintln!("no article has all of these words; try --any to rank articles that have some of them");
        }
        return Ok(Outcome::NoResults);
    }
    Ok(Outcome::Success)
}

fn run_stats(index: PathBuf, args: StatsArgs) -> Result<Outcome> {
    let stats = stats::collect(&index, args.top)?;
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    if args.json {
        render::json(&mut out, &stats)?;
    } else {
        render::stats_text(&mut out, &stats)?;
    }
    out.flush()?;
    Ok(Outcome::Success)
}

fn run_eval(args: EvalArgs) -> Result<Outcome> {
    let shared = |path: &str| Some(PathBuf::from(path)).filter(|p| p.exists());
    let plover_path = args
        .plover
        .or_else(|| shared("../shared/gold/plover_gsr_cameo_v08.jsonl"));
    let reuters_path = args.reuters.or_else(|| shared("../shared/corpora/reuters21578/xml"));
    if plover_path.is_none() && reuters_path.is_none() {
        bail!("no labelled data found; pass --plover FILE and/or --reuters DIR (see EVALUATION.md)");
    }
    let dictionaries = Dictionaries::load(&dictionary_source(args.dictionaries)?)?;
    let extractor = Extractor::new(&dictionaries)?;
    let report = EvalReport {
        plover: plover_path.map(|p| evaluate::plover(&extractor, &p)).transpose()?,
        reuters: reuters_path
            .map(|d| evaluate::reuters(&extractor, &dictionaries, &d))
            .transpose()?,
    };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    if args.json {
        render::json(&mut out, &report)?;
    } else {
        render::eval_text(&mut out, &report)?;
    }
    out.flush()?;
    Ok(Outcome::Success)
}
