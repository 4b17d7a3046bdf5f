//! The command line: flags are parsed by clap ([`args`]), resolved into the
//! library's configurations ([`config`]), run, and rendered; errors carry
//! context for the user. Progress and notices go to stderr ([`progress`]).

pub(crate) mod args;
pub(crate) mod config;
mod progress;

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{bail, Context, Result};

use newsdex::ops;
use newsdex::render::{self, ChartStyle, ExportFormat, Palette};
use newsdex::search::{ExportStamp, SearchRequest, Searcher};
use newsdex::store;
use newsdex::tag::articles::{self, ArticleRoots};
use newsdex::tag::evaluate::{self, EvalReport};
use newsdex::tag::{Dictionaries, Extractor, Labels};

pub use args::Cli;
use args::{
    Command, DeleteArgs, EvalArgs, IndexArgs, ManArgs, RetagArgs, SearchArgs, StatsArgs, TagArgs, TimelineArgs,
    WatchArgs,
};
use progress::{say_cleaned, CliObserver};

/// How a successful run ended, for the exit code.
pub enum Outcome {
    Success,
    NoResults,
}

pub fn run(cli: Cli) -> Result<Outcome> {
    let indexes = if cli.index.is_empty() {
        vec![store::default_index_dir()]
    } else {
        cli.index.clone()
    };
    // Writers, the watch state and the server hold one index folder.
    let one = |command: &str| -> Result<PathBuf> {
        match indexes.as_slice() {
            [index] if !index.is_file() => Ok(index.clone()),
            _ => bail!(
                "`newsdex {command}` works on one index folder; only search, timeline, stats and serve read several (shards) together"
            ),
        }
    };
    match cli.command {
        Command::Index(args) => run_index(one("index")?, args),
        Command::Search(args) => run_search(&indexes, *args),
        Command::Stats(args) => run_stats(&indexes, args),
        Command::Delete(args) => run_delete(one("delete")?, args),
        Command::Retag(args) => run_retag(one("retag")?, args),
        Command::Eval(args) => run_eval(args),
        Command::Tag(args) => run_tag(args),
        Command::Timeline(args) => run_timeline(&indexes, *args),
        Command::Watch(args) => run_watch(one("watch")?, args),
        Command::Serve(args) => {
            let index = store::index_folders(&indexes)?;
            if !(args.timeout > 0.0 && args.timeout <= 3600.0) {
                bail!(
                    "--timeout is a number of seconds between 0 and 3600, not {}",
                    args.timeout
                );
            }
            for folder in &index {
                if !store::exists(folder) {
                    bail!(
                        "no index at {}; build one with `newsdex index PATH...` first",
                        folder.display()
                    );
                }
            }
            crate::serve::run(crate::serve::ServeConfig {
                index,
                addr: args.addr,
                public: args.public,
                max_requests: usize::from(args.max_requests),
                timeout: std::time::Duration::from_secs_f64(args.timeout),
                // The document store's blocks are 256 KB (`store::dir`).
                cached_blocks: (args.cache_mb as usize * 4).max(1),
                dictionaries: config::dictionary_source(&args.dictionaries)?,
            })?;
            Ok(Outcome::Success)
        }
        Command::Completions(args) => {
            let mut command = <Cli as clap::CommandFactory>::command();
            with_stdout(|out| {
                clap_complete::generate(args.shell, &mut command, "newsdex", out);
                Ok(())
            })?;
            Ok(Outcome::Success)
        }
        Command::Man(args) => run_man(args),
    }
}

fn run_man(args: ManArgs) -> Result<Outcome> {
    let command = <Cli as clap::CommandFactory>::command();
    match &args.dir {
        None => with_stdout(|out| clap_mangen::Man::new(command).render(out))?,
        Some(dir) => {
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
            clap_mangen::generate_to(command, dir)
                .with_context(|| format!("cannot write the manual pages into {}", dir.display()))?;
            eprintln!("wrote the manual pages into {}", dir.display());
        }
    }
    Ok(Outcome::Success)
}

/// Writes to stdout through a buffer, flushed at the end.
fn with_stdout(print: impl FnOnce(&mut BufWriter<io::StdoutLock<'static>>) -> io::Result<()>) -> Result<()> {
    let mut out = BufWriter::new(io::stdout().lock());
    print(&mut out)?;
    out.flush()?;
    Ok(())
}

fn run_index(index: PathBuf, args: IndexArgs) -> Result<Outcome> {
    let config = config::index(index.clone(), &args)?;
    let rejects = match &args.rejects {
        Some(path) => {
            Some(Mutex::new(BufWriter::new(File::create(path).with_context(|| {
                format!("cannot create the rejects file {}", path.display())
            })?)))
        }
        None => None,
    };
    let observer = CliObserver::new(config.inputs.bytes(), args.quiet, rejects);
    let report = ops::index(&config, &observer).with_context(|| format!("indexing into {} failed", index.display()))?;
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

fn run_delete(index: PathBuf, args: DeleteArgs) -> Result<Outcome> {
    let request = config::delete(&args)?;
    let report = ops::delete(&index, &request, &mut say_cleaned)
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
    let config = config::retag(&args)?;
    let observer = CliObserver::new(0, false, None);
    let report = ops::retag(&index, &config, &observer, &mut say_cleaned)
        .with_context(|| format!("re-tagging {} failed", index.display()))?;
    observer.finish()?;
    eprintln!(
        "retagged {} articles with dictionaries {} · tags changed on {} · {:.2} s",
        report.articles,
        config.dictionaries.describe(),
        report.changed,
        report.seconds
    );
    Ok(Outcome::Success)
}

fn run_search(index: &[PathBuf], args: SearchArgs) -> Result<Outcome> {
    let dictionaries = config::dictionary_source(&args.dictionaries)?;
    let request = config::search(&args, dictionaries.clone())?;
    if let Some(path) = &args.export {
        return run_export(index, &request, path, &args);
    }
    let mut searcher = Searcher::open_many(index, None)?;
    if request.explain {
        // Facets are explained by tagging each hit again, as `index` did.
        searcher = searcher.with_tagger(Extractor::new(&Dictionaries::load(&dictionaries)?)?);
    }
    let mut results = searcher.search(&request).map_err(store::damaged)?;
    results.label_with(&Labels::load(&dictionaries)?);
    if let Some(note) = &results.query_note {
        eprintln!("note: {note}");
    }
    if args.output.json {
        with_stdout(|out| render::json(out, &results))?;
    } else {
        let palette = Palette {
            color: config::color(args.color.color),
        };
        with_stdout(|out| render::search_text(out, &results, palette, args.facets))?;
        let shown = results.hits.len();
        let first = if shown == 0 { 0 } else { request.offset + 1 };
        let of = match results.stories {
            Some(stories) if request.collapse => format!("{stories} stories ({} articles)", results.total),
            Some(stories) => format!("{} articles ({stories} stories)", results.total),
            None => format!("{} articles", results.total),
        };
        eprintln!(
            "{}–{} of {of} · {:.1} ms",
            first,
            request.offset + shown,
            results.took_ms
        );
    }
    if results.total == 0 {
        if !request.any && !request.query.trim().eq("*") && request.query.split_whitespace().count() > 1 {
            eprintln!("no article has all of these words; try --any to rank articles that have some of them");
        }
        return Ok(Outcome::NoResults);
    }
    Ok(Outcome::Success)
}

/// Writes every hit to `path`: into a temporary file beside it, renamed
/// into place when complete, so that a failed export leaves no half file.
fn run_export(index: &[PathBuf], request: &SearchRequest, path: &Path, args: &SearchArgs) -> Result<Outcome> {
    let format = match args.format.or_else(|| ExportFormat::from_path(path)) {
        Some(format) => format,
        None => bail!(
            "cannot tell the export format from `{}`; name the file .csv, .jsonl or .parquet, or give --format",
            path.display()
        ),
    };
    let searcher = Searcher::open_many(index, None)?;
    let stamp = ExportStamp::new(request, std::env::args().collect(), index)?;
    let to_stdout = path.as_os_str() == "-";
    let (report, partial) = if to_stdout {
        let mut writer = render::export_writer(format, BufWriter::new(io::stdout()), &stamp, args.bom)?;
        let report = searcher.export(request, &mut |hit| Ok(writer.write(hit)?));
        writer.finish()?;
        (report, None)
    } else {
        let folder = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let mut partial = tempfile::Builder::new();
        partial.prefix(".newsdex-export-");
        // A finished export is an ordinary file, not a private temporary one.
        #[cfg(unix)]
        partial.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
        let partial = partial
            .tempfile_in(folder)
            .with_context(|| format!("cannot write the export into {}", folder.display()))?;
        let file = partial.reopen()?;
        let mut writer = render::export_writer(format, BufWriter::with_capacity(1 << 20, file), &stamp, args.bom)?;
        let report = searcher.export(request, &mut |hit| Ok(writer.write(hit)?));
        writer.finish()?;
        (report, Some(partial))
    };
    let report = report.map_err(store::damaged)?;
    if let Some(note) = &report.query_note {
        eprintln!("note: {note}");
    }
    if let Some(partial) = partial {
        partial
            .persist(path)
            .with_context(|| format!("cannot move the export into place at {}", path.display()))?;
        if format == ExportFormat::Csv {
            let sidecar = stamp_path(path);
            std::fs::write(&sidecar, serde_json::to_string_pretty(&stamp)? + "\n")
                .with_context(|| format!("cannot write the export's stamp {}", sidecar.display()))?;
        }
        let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        eprintln!(
            "exported {} articles to {} ({:.1} MB) in {:.2} s",
            report.articles,
            path.display(),
            bytes as f64 / 1e6,
            report.seconds
        );
    }
    Ok(if report.articles == 0 {
        Outcome::NoResults
    } else {
        Outcome::Success
    })
}

/// Where a CSV export's stamp goes: `hits.csv` → `hits.csv.stamp.json`.
fn stamp_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".stamp.json");
    PathBuf::from(name)
}

fn run_timeline(index: &[PathBuf], args: TimelineArgs) -> Result<Outcome> {
    let request = config::timeline(&args, config::dictionary_source(&args.dictionaries)?)?;
    let searcher = Searcher::open_many(index, None)?;
    let timeline = searcher.timeline(&request).map_err(store::damaged)?;
    for series in &timeline.series {
        if let Some(note) = &series.query_note {
            eprintln!("note: {note}");
        }
    }
    if args.output.json {
        with_stdout(|out| render::json(out, &timeline))?;
    } else if args.csv {
        with_stdout(|out| render::timeline_csv(out, &timeline))?;
    } else {
        let terminal = io::stdout().is_terminal();
        let style = ChartStyle {
            palette: Palette {
                color: config::color(args.color.color),
            },
            unicode: terminal,
            width: config::chart_width(),
        };
        with_stdout(|out| render::timeline_text(out, &timeline, style))?;
        for series in &timeline.series {
            eprintln!(
                "{}: {} articles ({} undated, in no period) · by {}",
                series.query,
                series.total,
                series.undated,
                timeline.by.name()
            );
        }
    }
    Ok(if timeline.series.iter().all(|s| s.total == 0) {
        Outcome::NoResults
    } else {
        Outcome::Success
    })
}

/// Runs the watched queries, prints their new hits, and only then records
/// them as seen: a run that dies before the end tells them again next time.
fn run_watch(index: PathBuf, args: WatchArgs) -> Result<Outcome> {
    let dictionaries = config::dictionary_source(&args.dictionaries)?;
    let queries = config::watch(&args, dictionaries.clone())?;
    let (mut report, pending) = ops::watch(&index, &queries, args.dry_run)?;
    report.label_with(&Labels::load(&dictionaries)?);
    for query in &report.queries {
        if let Some(note) = &query.query_note {
            eprintln!("note: {}: {note}", query.name);
        }
        match query.status {
            ops::WatchStatus::First => eprintln!("note: {}: first run; every hit is new", query.name),
            ops::WatchStatus::Changed => eprintln!(
                "note: {}: its definition changed since the last run; starting over, every hit is new",
                query.name
            ),
            ops::WatchStatus::Continued => {}
        }
    }
    if args.output.json {
        with_stdout(|out| render::json(out, &report))?;
    } else {
        let palette = Palette {
            color: config::color(args.color.color),
        };
        with_stdout(|out| render::watch_text(out, &report, palette))?;
    }
    pending
        .commit()
        .with_context(|| format!("cannot save the watch state {}", report.state))?;
    let new: usize = report.queries.iter().map(|q| q.new).sum();
    let with_new = report.queries.iter().filter(|q| q.new > 0).count();
    eprintln!(
        "{new} new in {with_new} of {} queries · {}",
        report.queries.len(),
        if report.dry_run {
            "dry run: nothing recorded".to_string()
        } else {
            format!("state {}", report.state)
        }
    );
    Ok(if report.any_new() {
        Outcome::Success
    } else {
        Outcome::NoResults
    })
}

fn run_stats(index: &[PathBuf], args: StatsArgs) -> Result<Outcome> {
    let mut stats = ops::stats(index, args.top)?;
    stats.label_with(&Labels::load(&config::dictionary_source(&args.dictionaries)?)?);
    if args.output.json {
        with_stdout(|out| render::json(out, &stats))?;
    } else {
        with_stdout(|out| render::stats_text(out, &stats))?;
    }
    Ok(Outcome::Success)
}

fn run_tag(args: TagArgs) -> Result<Outcome> {
    let (input, fields, dictionaries) = config::tag(&args)?;
    let extractor = Extractor::new(&Dictionaries::load(&dictionaries)?)?;
    let labels = Labels::load(&dictionaries)?;
    let mut out = BufWriter::new(io::stdout().lock());
    let quiet = args.quiet;
    let report = ops::tag(
        input,
        &fields,
        args.with_text,
        &extractor,
        &labels,
        &mut |article| {
            serde_json::to_writer(&mut out, article)?;
            writeln!(out)
        },
        &mut |rejection| {
            if !quiet {
                eprintln!("rejected {}: {}", rejection.location, rejection.reason);
            }
        },
    )?;
    out.flush()?;
    if !quiet {
        eprintln!("{}", render::tag_summary(&report));
    }
    Ok(if report.tagged == 0 {
        Outcome::NoResults
    } else {
        Outcome::Success
    })
}

fn run_eval(args: EvalArgs) -> Result<Outcome> {
    let source = config::dictionary_source(&args.dictionaries)?;
    let dictionaries = Dictionaries::load(&source)?;
    let extractor = Extractor::new(&dictionaries)?;
    let report = EvalReport {
        plover: args
            .plover
            .as_deref()
            .map(|p| evaluate::plover(&extractor, p))
            .transpose()?,
        reuters: args
            .reuters
            .as_deref()
            .map(|d| evaluate::reuters(&extractor, &dictionaries, d))
            .transpose()?,
        articles: match &args.articles {
            Some(gold) => {
                let roots = ArticleRoots {
                    project: PathBuf::from("."),
                    shared: args.shared.clone(),
                };
                let report = articles::articles(&extractor, &dictionaries, &source.field_map()?, gold, &roots)
                    .with_context(|| format!("scoring the articles of {} failed", gold.display()))?;
                if report.skipped > 0 {
                    eprintln!(
                        "{} gold articles skipped: their files are not there (give --shared DIR for corpora/…)",
                        report.skipped
                    );
                }
                Some(report)
            }
            None => None,
        },
    };
    if args.output.json {
        with_stdout(|out| render::json(out, &report))?;
    } else {
        with_stdout(|out| render::eval_text(out, &report))?;
    }
    Ok(Outcome::Success)
}
