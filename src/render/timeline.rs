//! Timelines as a bar chart for the terminal (Unicode eighth blocks in
//! colour, sized to the terminal; `#` bars when piped) and as CSV.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};

use super::Palette;
use crate::search::Timeline;

/// How the chart is drawn.
#[derive(Debug, Clone, Copy)]
pub struct ChartStyle {
    pub palette: Palette,
    /// Eighth-block bars; else `#`.
    pub unicode: bool,
    /// Columns the chart may fill.
    pub width: usize,
}

const SERIES_COLOURS: [AnsiColor; 6] = [
    AnsiColor::Cyan,
    AnsiColor::Magenta,
    AnsiColor::Yellow,
    AnsiColor::Green,
    AnsiColor::Blue,
    AnsiColor::Red,
];

/// The longest query name the chart shows before cutting it short.
const NAME_CHARS: usize = 24;

fn short(text: &str) -> String {
    if text.chars().count() <= NAME_CHARS {
        text.to_string()
    } else {
        let cut: String = text.chars().take(NAME_CHARS - 1).collect();
        format!("{cut}…")
    }
}

/// A bar `value / max` of `width` columns.
fn bar(value: f64, max: f64, width: usize, unicode: bool) -> String {
    if max <= 0.0 || value <= 0.0 {
        return String::new();
    }
    let eighths = ((value / max) * (width * 8) as f64).round().max(1.0) as usize;
    if !unicode {
        return "#".repeat(eighths.div_ceil(8));
    }
    const PARTS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    let mut text = "█".repeat(eighths / 8);
    if !eighths.is_multiple_of(8) {
        text.push(PARTS[eighths % 8]);
    }
    text
}

fn figure(timeline: &Timeline, period: usize, series: usize) -> (f64, String) {
    let row = &timeline.periods[period];
    let count = row.counts[series];
    match (&row.shares, row.articles) {
        (Some(shares), Some(all)) => (
            shares[series],
            format!("{:.1}% ({count}/{all})", shares[series] * 100.0),
        ),
        _ => (count as f64, count.to_string()),
    }
}

pub fn timeline_text<W: Write>(out: &mut W, timeline: &Timeline, style: ChartStyle) -> io::Result<()> {
    let paint = |colour: AnsiColor, text: &str| style.palette.paint(Style::new().fg_color(Some(colour.into())), text);
    let several = timeline.series.len() > 1;
    if several {
        let legend: Vec<String> = timeline
            .series
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let mark = if style.unicode { "█" } else { "#" };
                format!(
                    "{} {} ({})",
                    paint(SERIES_COLOURS[i % 6], mark),
                    short(&s.query),
                    s.total
                )
            })
            .collect();
        writeln!(out, "{}", legend.join("   "))?;
    }
    let label_width = timeline.periods.iter().map(|p| p.label.len()).max().unwrap_or(0);
    let name_width = if several {
        timeline
            .series
            .iter()
            .map(|s| short(&s.query).chars().count())
            .max()
            .unwrap_or(0)
            + 1
    } else {
        0
    };
    let figures: Vec<Vec<(f64, String)>> = (0..timeline.periods.len())
        .map(|p| (0..timeline.series.len()).map(|s| figure(timeline, p, s)).collect())
        .collect();
    let max = figures.iter().flatten().map(|(v, _)| *v).fold(0.0, f64::max);
    let figure_width = figures.iter().flatten().map(|(_, t)| t.len()).max().unwrap_or(1);
    let bar_width = style
        .width
        .saturating_sub(label_width + name_width + figure_width + 4)
        .max(10);
    for (p, period) in timeline.periods.iter().enumerate() {
        for (s, series) in timeline.series.iter().enumerate() {
            let label = if s == 0 { period.label.as_str() } else { "" };
            let name = if several {
                format!("{:<width$} ", short(&series.query), width = name_width - 1)
            } else {
                String::new()
            };
            let (value, text) = &figures[p][s];
            let drawn = bar(*value, max, bar_width, style.unicode);
            let gap = " ".repeat(bar_width.saturating_sub(drawn.chars().count()));
            writeln!(
                out,
                "{label:<label_width$} {name}{}{gap} {text:>figure_width$}",
                paint(SERIES_COLOURS[s % 6], &drawn)
            )?;
        }
    }
    Ok(())
}

/// One row per period: its label and first day, then each query's count
/// (and with `--normalize` the articles of the period and each share).
pub fn timeline_csv<W: Write>(out: W, timeline: &Timeline) -> io::Result<()> {
    let mut csv = csv::Writer::from_writer(out);
    let normalized = timeline.periods.first().is_some_and(|p| p.articles.is_some());
    let mut header = vec!["period".to_string(), "start".to_string()];
    header.extend(timeline.series.iter().map(|s| s.query.clone()));
    if normalized {
        header.push("articles".into());
        header.extend(timeline.series.iter().map(|s| format!("{} (share)", s.query)));
    }
    csv.write_record(&header)?;
    for period in &timeline.periods {
        let mut row = vec![period.label.clone(), period.start.clone()];
        row.extend(period.counts.iter().map(u64::to_string));
        if let (Some(all), Some(shares)) = (period.articles, &period.shares) {
            row.push(all.to_string());
            row.extend(shares.iter().map(|s| format!("{s:.6}")));
        }
        csv.write_record(&row)?;
    }
    csv.flush()
}
