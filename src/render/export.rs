//! Export files: the hits of a search as CSV (for spreadsheets), JSON Lines
//! (for programs) or Parquet (for data frames and Spark), written one hit at
//! a time; Parquet holds a row group in memory before writing it.

use std::io::{self, Write};
use std::path::Path;
use std::sync::Arc;

use parquet::basic::{Compression, ZstdLevel};
use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int64Type};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use serde::Serialize;

use crate::search::{ExportStamp, SearchHit};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Csv,
    Jsonl,
    Parquet,
}

impl ExportFormat {
    /// The format a file name asks for: `.csv`, `.jsonl`/`.ndjson`, `.parquet`.
    pub fn from_path(path: &Path) -> Option<ExportFormat> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "csv" => Some(ExportFormat::Csv),
            "jsonl" | "ndjson" => Some(ExportFormat::Jsonl),
            "parquet" => Some(ExportFormat::Parquet),
            _ => None,
        }
    }
}

/// Writes hits to an export file.
pub trait HitWriter {
    fn write(&mut self, hit: &SearchHit) -> io::Result<()>;
    /// Writes what is still buffered and the file's end; returns the output.
    fn finish(self: Box<Self>) -> io::Result<()>;
}

/// A writer for `format` over `out`, the stamp in the file where the format
/// has room for it (JSON Lines: the first line; Parquet: the file's
/// metadata). CSV has none: its stamp goes beside it.
pub fn export_writer<W: Write + Send + 'static>(
    format: ExportFormat,
    out: W,
    stamp: &ExportStamp,
    bom: bool,
) -> io::Result<Box<dyn HitWriter>> {
    Ok(match format {
        ExportFormat::Csv => Box::new(CsvHits::new(out, bom)?),
        ExportFormat::Jsonl => Box::new(JsonlHits::new(out, stamp)?),
        ExportFormat::Parquet => Box::new(ParquetHits::new(out, stamp)?),
    })
}

const LIST_SEPARATOR: &str = "; ";

struct CsvHits<W: Write> {
    csv: csv::Writer<W>,
}

const CSV_HEADER: [&str; 15] = [
    "rank",
    "score",
    "id",
    "date",
    "source",
    "title",
    "url",
    "actors",
    "events",
    "mentions",
    "dyads",
    "evidence",
    "snippet",
    "story",
    "story_reports",
];

impl<W: Write> CsvHits<W> {
    fn new(mut out: W, bom: bool) -> io::Result<CsvHits<W>> {
        if bom {
            out.write_all("\u{feff}".as_bytes())?;
        }
        let mut csv = csv::Writer::from_writer(out);
        csv.write_record(CSV_HEADER)?;
        Ok(CsvHits { csv })
    }
}

impl<W: Write> HitWriter for CsvHits<W> {
    fn write(&mut self, hit: &SearchHit) -> io::Result<()> {
        let evidence = hit
            .evidence
            .iter()
            .flatten()
            .map(|e| format!("{}: {}", e.dyad, e.sentence.replace(['\n', '\r'], " ")))
            .collect::<Vec<_>>()
            .join(" | ");
        self.csv.write_record([
            hit.rank.to_string(),
            hit.score.map(|s| s.to_string()).unwrap_or_default(),
            hit.id.clone(),
            hit.date.clone().unwrap_or_default(),
            hit.source.clone().unwrap_or_default(),
            hit.title.clone(),
            hit.url.clone().unwrap_or_default(),
            hit.actors.join(LIST_SEPARATOR),
            hit.events.join(LIST_SEPARATOR),
            hit.mentions.join(LIST_SEPARATOR),
            hit.dyads.join(LIST_SEPARATOR),
            evidence,
            hit.snippet.text.replace(['\n', '\r'], " "),
            hit.story.as_ref().map(|s| s.id.clone()).unwrap_or_default(),
            hit.story
                .as_ref()
                .map(|s| s.reports_in_index.to_string())
                .unwrap_or_default(),
        ])?;
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> io::Result<()> {
        self.csv.flush()
    }
}

struct JsonlHits<W: Write> {
    out: W,
}

#[derive(Serialize)]
struct StampLine<'a> {
    newsdex_export: &'a ExportStamp,
}

impl<W: Write> JsonlHits<W> {
    fn new(mut out: W, stamp: &ExportStamp) -> io::Result<JsonlHits<W>> {
        serde_json::to_writer(&mut out, &StampLine { newsdex_export: stamp })?;
        writeln!(out)?;
        Ok(JsonlHits { out })
    }
}

impl<W: Write> HitWriter for JsonlHits<W> {
    fn write(&mut self, hit: &SearchHit) -> io::Result<()> {
        serde_json::to_writer(&mut self.out, hit)?;
        writeln!(self.out)
    }

    fn finish(mut self: Box<Self>) -> io::Result<()> {
        self.out.flush()
    }
}

/// Rows held before a row group is written: bounded memory, and groups
/// large enough to compress well.
const ROW_GROUP_ROWS: usize = 8_192;

/// The Parquet schema: lists are repeated fields (one level, as Spark and
/// pandas read them as arrays), evidence a repeated group of dyad and
/// sentence, dates timestamps in UTC.
const PARQUET_SCHEMA: &str = "
message newsdex_export {
  required int64 rank;
  optional double score;
  required binary id (STRING);
  optional int64 date (TIMESTAMP(MILLIS,true));
  optional binary source (STRING);
  required binary title (STRING);
  optional binary url (STRING);
  repeated binary actors (STRING);
  repeated binary events (STRING);
  repeated binary mentions (STRING);
  repeated binary dyads (STRING);
  repeated group evidence {
    required binary dyad (STRING);
    required binary sentence (STRING);
  }
  required binary snippet (STRING);
  optional binary story (STRING);
  optional int64 story_reports;
}";

struct ParquetHits<W: Write + Send> {
    writer: SerializedFileWriter<W>,
    rows: Vec<SearchHit>,
}

fn parquet_error(err: parquet::errors::ParquetError) -> io::Error {
    io::Error::other(format!("writing parquet failed: {err}"))
}

impl<W: Write + Send> ParquetHits<W> {
    fn new(out: W, stamp: &ExportStamp) -> io::Result<ParquetHits<W>> {
        let schema = Arc::new(parquet::schema::parser::parse_message_type(PARQUET_SCHEMA).map_err(parquet_error)?);
        let stamp = serde_json::to_string(stamp)?;
        let properties = WriterProperties::builder()
            .set_compression(Compression::ZSTD(ZstdLevel::default()))
            .set_created_by(format!("newsdex {}", env!("CARGO_PKG_VERSION")))
            .set_key_value_metadata(Some(vec![KeyValue::new("newsdex_export".to_string(), stamp)]))
            .build();
        let writer = SerializedFileWriter::new(out, schema, Arc::new(properties)).map_err(parquet_error)?;
        Ok(ParquetHits {
            writer,
            rows: Vec::with_capacity(ROW_GROUP_ROWS),
        })
    }

    fn write_row_group(&mut self) -> io::Result<()> {
        if self.rows.is_empty() {
            return Ok(());
        }
        let rows = std::mem::take(&mut self.rows);
        let mut group = self.writer.next_row_group().map_err(parquet_error)?;
        let mut column = 0;
        while let Some(mut writer) = group.next_column().map_err(parquet_error)? {
            let written = match column {
                0 => {
                    let ranks: Vec<i64> = rows.iter().map(|h| h.rank as i64).collect();
                    writer.typed::<Int64Type>().write_batch(&ranks, None, None)
                }
                1 => {
                    let (values, defined) = optional(&rows, |h| h.score.map(f64::from));
                    writer.typed::<DoubleType>().write_batch(&values, Some(&defined), None)
                }
                2 => write_strings(&mut writer, rows.iter().map(|h| h.id.as_str())),
                3 => {
                    let (values, defined) = optional(&rows, |h| {
                        h.date
                            .as_deref()
                            .and_then(|d| chrono::DateTime::parse_from_rfc3339(d).ok())
                            .map(|d| d.timestamp_millis())
                    });
                    writer.typed::<Int64Type>().write_batch(&values, Some(&defined), None)
                }
                4 => write_optional_strings(&mut writer, &rows, |h| h.source.as_deref()),
                5 => write_strings(&mut writer, rows.iter().map(|h| h.title.as_str())),
                6 => write_optional_strings(&mut writer, &rows, |h| h.url.as_deref()),
                7 => write_repeated(&mut writer, &rows, |h| h.actors.iter().map(String::as_str).collect()),
                8 => write_repeated(&mut writer, &rows, |h| h.events.iter().map(String::as_str).collect()),
                9 => write_repeated(&mut writer, &rows, |h| h.mentions.iter().map(String::as_str).collect()),
                10 => write_repeated(&mut writer, &rows, |h| h.dyads.iter().map(String::as_str).collect()),
                11 => write_repeated(&mut writer, &rows, |h| {
                    h.evidence.iter().flatten().map(|e| e.dyad.as_str()).collect()
                }),
                12 => write_repeated(&mut writer, &rows, |h| {
                    h.evidence.iter().flatten().map(|e| e.sentence.as_str()).collect()
                }),
                13 => write_strings(&mut writer, rows.iter().map(|h| h.snippet.text.as_str())),
                14 => write_optional_strings(&mut writer, &rows, |h| h.story.as_ref().map(|s| s.id.as_str())),
                _ => {
                    let (values, defined) =
                        optional(&rows, |h| h.story.as_ref().map(|s| i64::from(s.reports_in_index)));
                    writer.typed::<Int64Type>().write_batch(&values, Some(&defined), None)
                }
            };
            written.map_err(parquet_error)?;
            writer.close().map_err(parquet_error)?;
            column += 1;
        }
        group.close().map_err(parquet_error)?;
        Ok(())
    }
}

/// The present values and a definition level per row (1 present, 0 null).
fn optional<T>(rows: &[SearchHit], value: impl Fn(&SearchHit) -> Option<T>) -> (Vec<T>, Vec<i16>) {
    let mut values = Vec::new();
    let defined = rows
        .iter()
        .map(|h| match value(h) {
            Some(v) => {
                values.push(v);
                1
            }
            None => 0,
        })
        .collect();
    (values, defined)
}

type ColumnWriter<'a> = parquet::file::writer::SerializedColumnWriter<'a>;

fn write_strings<'s>(
    writer: &mut ColumnWriter,
    values: impl Iterator<Item = &'s str>,
) -> parquet::errors::Result<usize> {
    let values: Vec<ByteArray> = values.map(ByteArray::from).collect();
    writer.typed::<ByteArrayType>().write_batch(&values, None, None)
}

fn write_optional_strings(
    writer: &mut ColumnWriter,
    rows: &[SearchHit],
    value: impl Fn(&SearchHit) -> Option<&str>,
) -> parquet::errors::Result<usize> {
    let (values, defined) = optional(rows, |h| value(h).map(ByteArray::from));
    writer
        .typed::<ByteArrayType>()
        .write_batch(&values, Some(&defined), None)
}

/// A repeated column: per row, its values (repetition level 0 for the
/// first, 1 for the others) or, for an empty list, one null (level 0, 0).
fn write_repeated(
    writer: &mut ColumnWriter,
    rows: &[SearchHit],
    values: impl Fn(&SearchHit) -> Vec<&str>,
) -> parquet::errors::Result<usize> {
    let (mut data, mut defined, mut repeated) = (Vec::new(), Vec::new(), Vec::new());
    for row in rows {
        let list = values(row);
        if list.is_empty() {
            defined.push(0);
            repeated.push(0);
        }
        for (i, value) in list.into_iter().enumerate() {
            data.push(ByteArray::from(value));
            defined.push(1);
            repeated.push(i16::from(i > 0));
        }
    }
    writer
        .typed::<ByteArrayType>()
        .write_batch(&data, Some(&defined), Some(&repeated))
}

impl<W: Write + Send> HitWriter for ParquetHits<W> {
    fn write(&mut self, hit: &SearchHit) -> io::Result<()> {
        self.rows.push(hit.clone());
        if self.rows.len() >= ROW_GROUP_ROWS {
            self.write_row_group()?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> io::Result<()> {
        self.write_row_group()?;
        let mut out = self.writer.into_inner().map_err(parquet_error)?;
        out.flush()
    }
}
