//! Printers: render the library's results as text (coloured on a terminal)
//! or JSON, over any `Write`; `timeline` draws timelines, `export` writes
//! export files (CSV, JSON Lines, Parquet).

mod export;
mod timeline;

pub use export::{export_writer, ExportFormat, HitWriter};
pub use timeline::{timeline_csv, timeline_text, ChartStyle};

use std::collections::BTreeMap;
use std::io::{self, Write};

use anstyle::{AnsiColor, Style};
use serde::Serialize;

use crate::ops::{IndexReport, IndexStats, TagReport, WatchReport};
use crate::search::{CountUnit, FacetCount, HitExplanation, SearchHit, SearchResults, Snippet};
use crate::tag::evaluate::{EvalReport, Prf};

/// Whether to emit ANSI colour.
#[derive(Debug, Clone, Copy)]
pub struct Palette {
    pub color: bool,
}

impl Palette {
    fn paint(&self, style: Style, text: &str) -> String {
        if self.color {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    }
}

const TITLE: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();
const MATCH: Style = AnsiColor::Red.on_default().bold();
const RANK: Style = AnsiColor::Green.on_default();
const FACET: Style = AnsiColor::Cyan.on_default();

/// Pretty JSON followed by a newline.
pub fn json<W: Write, T: Serialize>(out: &mut W, value: &T) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)
}

pub fn search_text<W: Write>(
    out: &mut W,
    results: &SearchResults,
    palette: Palette,
    show_facets: bool,
) -> io::Result<()> {
    hits_text(out, &results.hits, &results.labels, palette)?;
    if show_facets {
        if results.counted == CountUnit::Stories {
            writeln!(out, "{}", palette.paint(DIM, "(facets count stories)"))?;
        }
        for (name, counts) in [
            ("actors", &results.facets.actor),
            ("events", &results.facets.event),
            ("mentions", &results.facets.mention),
            ("worded events", &results.facets.worded_event),
            ("dyads", &results.facets.dyad),
            ("sources", &results.facets.source),
        ] {
            facet_block(out, name, counts, &results.labels, palette)?;
        }
    }
    Ok(())
}

/// A watch run: per query a heading (`name: N new of M`) and its new hits
/// as `search` prints hits.
pub fn watch_text<W: Write>(out: &mut W, report: &WatchReport, palette: Palette) -> io::Result<()> {
    for query in &report.queries {
        let heading = format!("{}: {} new of {}", query.name, query.new, query.total);
        writeln!(out, "{}", palette.paint(TITLE, &heading))?;
        if !query.hits.is_empty() {
            writeln!(out)?;
        }
        hits_text(out, &query.hits, &report.labels, palette)?;
        if query.new > query.hits.len() {
            writeln!(
                out,
                "     {}\n",
                palette.paint(DIM, &format!("… and {} more new", query.new - query.hits.len()))
            )?;
        }
    }
    Ok(())
}

/// Hits as lines: rank, score, date, source and title; the snippet; id and
/// facets by name; dyads, evidence and explanations when there are any.
fn hits_text<W: Write>(
    out: &mut W,
    hits: &[SearchHit],
    labels: &BTreeMap<String, String>,
    palette: Palette,
) -> io::Result<()> {
    for hit in hits {
        let date = hit.date.as_deref().map_or("----------", |d| &d[..10.min(d.len())]);
        let score = hit.score.map(|s| format!(" {s:.2}")).unwrap_or_default();
        let title = if hit.title.is_empty() { "(untitled)" } else { &hit.title };
        writeln!(
            out,
            "{} {}  {}",
            palette.paint(RANK, &format!("{:>3}.{score}", hit.rank)),
            palette.paint(DIM, &format!("{date}  {}", hit.source.as_deref().unwrap_or("-"))),
            palette.paint(TITLE, title)
        )?;
        writeln!(out, "     {}", highlight(&hit.snippet, palette).replace('\n', " "))?;
        let name = |path: &String| labels.get(path).cloned().unwrap_or_else(|| path.clone());
        // Countries with their sectors read as one actor: the sector paths add nothing here.
        let actors: Vec<String> = hit
            .actors
            .iter()
            .filter(|a| a.matches('/').count() <= 2)
            .map(name)
            .collect();
        let events: Vec<String> = hit
            .events
            .iter()
            .filter(|e| e.matches('/').count() <= 1)
            .map(name)
            .collect();
        writeln!(
            out,
            "     {}  {}{}{}",
            palette.paint(DIM, &format!("id {}", hit.id)),
            palette.paint(FACET, &compact(&actors, HIT_ACTORS)),
            if actors.is_empty() || events.is_empty() {
                ""
            } else {
                " · "
            },
            palette.paint(FACET, &compact(&events, HIT_EVENTS)),
        )?;
        if let Some(story) = hit.story.as_ref().filter(|s| s.reports.is_some_and(|r| r > 1)) {
            let reports = story.reports.unwrap_or(1);
            let outlets = story.outlets.unwrap_or(0);
            let from = match outlets {
                0 => String::new(),
                1 => " from 1 outlet".to_string(),
                n => format!(" from {n} outlets"),
            };
            writeln!(
                out,
                "     {}",
                palette.paint(DIM, &format!("{reports} reports{from} · story {}", story.id))
            )?;
        }
        if !hit.dyads.is_empty() {
            let dyads: Vec<String> = hit.dyads.iter().map(name).collect();
            writeln!(out, "     {}", palette.paint(FACET, &compact(&dyads, HIT_DYADS)))?;
        }
        for evidence in hit.evidence.iter().flatten() {
            writeln!(
                out,
                "     {} {}",
                palette.paint(FACET, &name(&evidence.dyad)),
                palette.paint(DIM, &format!("“{}”", evidence.sentence))
            )?;
        }
        if let Some(explain) = &hit.explain {
            explanation(out, explain, &name, palette)?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// A hit's `--explain`: the score's tree, one node a line, and each facet
/// with its cue and sentence.
fn explanation<W: Write>(
    out: &mut W,
    explain: &HitExplanation,
    name: &dyn Fn(&String) -> String,
    palette: Palette,
) -> io::Result<()> {
    fn node<W: Write>(out: &mut W, tree: &serde_json::Value, depth: usize, palette: Palette) -> io::Result<()> {
        let value = tree["value"].as_f64().unwrap_or(0.0);
        let mut line = format!("{value:.3}  {}", tree["description"].as_str().unwrap_or(""));
        for context in tree["context"].as_array().into_iter().flatten() {
            line.push_str(&format!("; {}", context.as_str().unwrap_or("")));
        }
        writeln!(out, "     {}{}", "  ".repeat(depth), palette.paint(DIM, &line))?;
        // Deeper nodes (tantivy's own phrase scoring) are in `--json`.
        if depth < EXPLAIN_DEPTH {
            for detail in tree["details"].as_array().into_iter().flatten() {
                node(out, detail, depth + 1, palette)?;
            }
        }
        Ok(())
    }
    writeln!(out, "     score:")?;
    node(out, &explain.ranking, 1, palette)?;
    if !explain.facets.is_empty() || !explain.unexplained.is_empty() {
        writeln!(out, "     facets:")?;
    }
    // Facets read from the same cue share a line.
    let mut facets = explain.facets.iter().peekable();
    while let Some(first) = facets.next() {
        let mut names = vec![name(&first.facet)];
        while let Some(next) = facets.next_if(|f| (f.place, f.start, &f.cue) == (first.place, first.start, &first.cue))
        {
            names.push(name(&next.facet));
        }
        writeln!(
            out,
            "       {} ← “{}” in the {}: {}",
            palette.paint(FACET, &names.join(", ")),
            first.cue,
            first.place,
            palette.paint(DIM, &format!("“{}”", first.sentence))
        )?;
    }
    for facet in &explain.unexplained {
        writeln!(
            out,
            "       {} ← not reproduced by today's dictionaries (newsdex retag)",
            palette.paint(FACET, &name(facet))
        )?;
    }
    Ok(())
}

/// How deep the score's tree goes in text; `--json` has all of it.
const EXPLAIN_DEPTH: usize = 3;

/// How many actors, events and dyads a hit's lines show; `--json` has all.
const HIT_ACTORS: usize = 6;
const HIT_EVENTS: usize = 4;
const HIT_DYADS: usize = 4;

/// The first `shown` names, then how many more there are.
fn compact(names: &[String], shown: usize) -> String {
    let mut line = names.iter().take(shown).cloned().collect::<Vec<_>>().join(", ");
    if names.len() > shown {
        line.push_str(&format!(" (+{} more)", names.len() - shown));
    }
    line
}

fn facet_block<W: Write>(
    out: &mut W,
    name: &str,
    counts: &[FacetCount],
    labels: &BTreeMap<String, String>,
    palette: Palette,
) -> io::Result<()> {
    if counts.is_empty() {
        return Ok(());
    }
    writeln!(out, "{}", palette.paint(TITLE, name))?;
    for count in counts {
        match labels.get(&count.path) {
            Some(label) => writeln!(
                out,
                "  {:>7}  {}  {}",
                count.count,
                palette.paint(FACET, label),
                palette.paint(DIM, &count.path)
            )?,
            None => writeln!(out, "  {:>7}  {}", count.count, palette.paint(FACET, &count.path))?,
        }
    }
    Ok(())
}

/// The snippet with matched terms painted; unchanged when colour is off.
fn highlight(snippet: &Snippet, palette: Palette) -> String {
    let mut out = String::with_capacity(snippet.text.len() + 16);
    let mut last = 0;
    for &[start, end] in &snippet.highlights {
        if start < last || end > snippet.text.len() {
            continue;
        }
        out.push_str(&snippet.text[last..start]);
        out.push_str(&palette.paint(MATCH, &snippet.text[start..end]));
        last = end;
    }
    out.push_str(&snippet.text[last..]);
    out
}

pub fn stats_text<W: Write>(out: &mut W, stats: &IndexStats) -> io::Result<()> {
    writeln!(out, "index       {}", stats.index)?;
    writeln!(out, "articles    {}", stats.articles)?;
    let day = |d: &Option<String>| {
        d.as_deref()
            .map_or("-".to_string(), |d| d[..10.min(d.len())].to_string())
    };
    writeln!(
        out,
        "dates       {} to {}",
        day(&stats.first_date),
        day(&stats.last_date)
    )?;
    writeln!(out, "size        {:.1} MB", stats.size_bytes as f64 / 1e6)?;
    writeln!(out, "segments    {}", stats.segments)?;
    if let Some(m) = &stats.manifest {
        writeln!(
            out,
            "built by    newsdex {} (schema {}), dictionaries {} [{}]",
            m.newsdex_version, m.schema_version, m.dictionaries, m.dictionary_checksum
        )?;
        writeln!(out, "created     {}", m.created)?;
        writeln!(out, "updated     {}", m.updated)?;
        if let Some(retagged) = &m.retagged {
            writeln!(out, "retagged    {retagged}")?;
        }
        let bytes: u64 = m.corpus.iter().map(|f| f.size).sum();
        writeln!(
            out,
            "corpus      {} files, {:.1} MB",
            m.corpus.len(),
            bytes as f64 / 1e6
        )?;
        const LISTED: usize = 10;
        for file in m.corpus.iter().take(LISTED) {
            writeln!(
                out,
                "  {:>10}  {}  {}  {}",
                file.size,
                file.xxh3,
                &file.indexed[..19.min(file.indexed.len())],
                file.path
            )?;
        }
        if m.corpus.len() > LISTED {
            writeln!(
                out,
                "  … and {} more (stats --json lists them all)",
                m.corpus.len() - LISTED
            )?;
        }
    }
    for (name, counts) in [("top actors", &stats.top_actors), ("top events", &stats.top_events)] {
        writeln!(out, "{name}")?;
        for count in counts {
            match stats.labels.get(&count.path) {
                Some(label) => writeln!(out, "  {:>7}  {label}  {}", count.count, count.path)?,
                None => writeln!(out, "  {:>7}  {}", count.count, count.path)?,
            }
        }
    }
    Ok(())
}

/// The one-line end-of-run summary for stderr.
pub fn index_summary(report: &IndexReport) -> String {
    format!(
        "read {} · indexed {} (added {}, updated {}) · duplicates {} (unchanged {}, repeated in this run {}) · rejected {} · warnings {} · {:.1} MB of text in {:.2} s ({:.1} MB/s) · index holds {} articles",
        report.read,
        report.indexed,
        report.added,
        report.updated,
        report.unchanged + report.duplicates,
        report.unchanged,
        report.duplicates,
        report.rejected,
        report.warnings,
        report.megabytes(),
        report.seconds,
        report.mb_per_second(),
        report.total_articles,
    )
}

fn prf_line<W: Write>(out: &mut W, name: &str, prf: &Prf) -> io::Result<()> {
    writeln!(
        out,
        "  {name:<22} P {:.3}  R {:.3}  F1 {:.3}   (tp {}, fp {}, fn {})",
        prf.precision, prf.recall, prf.f1, prf.true_positives, prf.false_positives, prf.false_negatives
    )
}

pub fn eval_text<W: Write>(out: &mut W, report: &EvalReport) -> io::Result<()> {
    if let Some(p) = &report.plover {
        writeln!(out, "PLOVER gold sentences: {}", p.sentences)?;
        writeln!(
            out,
            "  event top-1 accuracy   {:.3}   ({} without a prediction)",
            p.top1_accuracy, p.no_prediction
        )?;
        prf_line(out, "events, micro", &p.micro)?;
        writeln!(out, "  events, macro F1       {:.3}", p.macro_f1)?;
        for (event_type, prf) in &p.per_type {
            prf_line(out, &format!("  {event_type}"), prf)?;
        }
        prf_line(out, "source country", &p.source_country)?;
        prf_line(out, "target country", &p.target_country)?;
        prf_line(out, "source country+sector", &p.source_sector)?;
        prf_line(out, "target country+sector", &p.target_sector)?;
    }
    if let Some(r) = &report.reuters {
        writeln!(out, "Reuters-21578 articles: {}", r.articles)?;
        prf_line(out, "country", &r.country)?;
        prf_line(out, "person", &r.person)?;
        prf_line(out, "organisation", &r.organisation)?;
        if !r.unmapped_labels.is_empty() {
            writeln!(
                out,
                "  labels with no dictionary entry ({}): {}",
                r.unmapped_labels.len(),
                r.unmapped_labels.join(" ")
            )?;
        }
    }
    if let Some(a) = &report.articles {
        for (name, scores) in [("tuned on", &a.dev), ("held aside", &a.held), ("all", &a.all)] {
            writeln!(out, "Article gold, {name}: {} articles", scores.articles)?;
            prf_line(out, "events, micro", &scores.events)?;
            writeln!(out, "  events, macro F1       {:.3}", scores.events_macro_f1)?;
            writeln!(
                out,
                "  event types per article, median: {} tagged, {} in the gold",
                scores.median_types_tagged, scores.median_types_gold
            )?;
            prf_line(out, "countries", &scores.countries)?;
            prf_line(out, "organisations", &scores.igos)?;
            prf_line(out, "people", &scores.people)?;
            prf_line(out, "groups", &scores.groups)?;
            prf_line(out, "dyads (with direction)", &scores.dyads)?;
        }
        for (event_type, prf) in &a.all.per_type {
            prf_line(out, &format!("  {event_type} (all)"), prf)?;
        }
    }
    Ok(())
}

/// The one-line summary of a `tag` run (stderr): read = tagged + rejected.
pub fn tag_summary(report: &TagReport) -> String {
    format!(
        "read {} · tagged {} · rejected {}",
        report.read, report.tagged, report.rejected
    )
}
