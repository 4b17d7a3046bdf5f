//! Reading: finds the files under the paths a user gives, detects each
//! file's format (dated text, plain text, JSON object or array, JSON Lines,
//! RSS, Atom and Reuters-21578 XML, any of them gzip'd) and turns it into articles, or into rejections that say
//! which file, which line or record, and what was wrong.
//!
//! This file holds the public types, [`read_file`] and [`read_bytes`], and the
//! detection of a file's format that sends it to its reader. Beside it:
//! [`collect_files`] finds the files (`discover.rs`), `json.rs`, `text.rs`
//! and `xml.rs` read the formats, `clean.rs` cleans text and makes ids, `cards.rs` removes
//! the name cards web scrapes glue into sentences, `dates.rs` parses
//! dates and `fields.rs` says which JSON keys hold which field.

use std::collections::BTreeSet;
use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::Serialize;

mod cards;
mod clean;
mod dates;
mod discover;
mod fields;
mod json;
mod text;
mod xml;

pub use clean::{clean_line, clean_text, content_id};
pub use dates::{parse_date, EARLIEST, LATEST};
pub use discover::collect_files;
pub use fields::{ArticleField, FieldMap};

/// One article as read from a corpus, before tagging.
#[derive(Debug, Clone)]
pub struct Article {
    pub id: String,
    pub title: String,
    pub body: String,
    pub date: Option<DateTime<Utc>>,
    pub source: Option<String>,
    pub url: Option<String>,
    pub location: Location,
    /// Things worth telling the user that did not stop the article being indexed.
    pub warnings: Vec<String>,
    /// Facets given with the article (`index --tagged`, reading what `newsdex
    /// tag --with-text` wrote), kept instead of tagging it again.
    pub given: Option<Box<GivenTags>>,
}

/// The facets a tagged record carries, as `newsdex tag` wrote them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GivenTags {
    pub actors: BTreeSet<String>,
    pub mentions: BTreeSet<String>,
    pub events: BTreeSet<String>,
    pub dyads: BTreeSet<String>,
    /// Each dyad's sentence: (dyad, start, end), a byte range of the body.
    pub evidence: Vec<(String, usize, usize)>,
}

/// Where a record came from: a file, and the line or array element inside it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<u64>,
}

impl Location {
    fn file(path: &Path) -> Location {
        Location {
            file: path.display().to_string(),
            line: None,
            record: None,
        }
    }
    fn line(path: &Path, line: u64) -> Location {
        Location {
            line: Some(line),
            ..Location::file(path)
        }
    }
    fn record(path: &Path, record: u64) -> Location {
        Location {
            record: Some(record),
            ..Location::file(path)
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(record) = self.record {
            write!(f, " record {record}")?;
        }
        Ok(())
    }
}

/// A record that could not be indexed, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Rejection {
    #[serde(flatten)]
    pub location: Location,
    pub reason: String,
}

/// What a reader yields for each record.
#[derive(Debug)]
pub enum Record {
    Article(Box<Article>),
    Rejected(Rejection),
}

/// The input formats newsdex reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    JsonLines,
    Text,
    Xml,
}

/// The files a run reads, found once: in order, with the paths that could
/// not be read as rejections.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    pub files: Vec<PathBuf>,
    pub unreadable: Vec<Rejection>,
}

impl Inputs {
    /// Size of the files on disk, for a progress bar.
    pub fn bytes(&self) -> u64 {
        self.files
            .iter()
            .filter_map(|p| p.metadata().ok())
            .map(|m| m.len())
            .sum()
    }
}

/// An I/O error as a rejection's reason: finding files and reading them alike.
fn describe_io(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::NotFound => "no such file or directory".into(),
        io::ErrorKind::PermissionDenied => "permission denied; check the file's permissions".into(),
        _ => err.to_string(),
    }
}

/// Reads one file and hands every record to `sink`: an article, or a rejection
/// naming the line or record and the reason. Never fails: a file that cannot
/// be read at all is one rejection.
pub fn read_file(path: &Path, fields: &FieldMap, sink: &mut dyn FnMut(Record)) {
    let reject_file = |sink: &mut dyn FnMut(Record), reason: String| {
        sink(Record::Rejected(Rejection {
            location: Location::file(path),
            reason,
        }))
    };
    let reader = match open(path) {
        Ok(reader) => reader,
        Err(err) => return reject_file(sink, describe_io(&err)),
    };
    read_from(path, reader, fields, sink);
}

/// Reads a file's contents given in memory, as [`read_file`] would read a
/// file called `name` holding them (gzip included). For fuzzing and tests.
pub fn read_bytes(name: &str, bytes: &[u8], fields: &FieldMap, sink: &mut dyn FnMut(Record)) {
    let path = Path::new(name);
    let reader: Box<dyn BufRead + Send + '_> = if bytes.starts_with(&[0x1f, 0x8b]) {
        Box::new(BufReader::new(flate2::bufread::MultiGzDecoder::new(bytes)))
    } else {
        Box::new(bytes)
    };
    read_from(path, reader, fields, sink);
}

/// Reads a stream (standard input) as [`read_file`] reads a file called
/// `name`: any format, gzip'd or not.
pub fn read_stream(name: &str, mut reader: Box<dyn BufRead + Send>, fields: &FieldMap, sink: &mut dyn FnMut(Record)) {
    let is_gzip = reader.fill_buf().is_ok_and(|head| head.starts_with(&[0x1f, 0x8b]));
    let reader: Box<dyn BufRead + Send> = if is_gzip {
        Box::new(BufReader::new(flate2::bufread::MultiGzDecoder::new(reader)))
    } else {
        reader
    };
    read_from(Path::new(name), reader, fields, sink);
}

/// Detects the format of an opened (and, if need be, decompressed) file and
/// reads its records.
fn read_from(path: &Path, mut reader: Box<dyn BufRead + Send + '_>, fields: &FieldMap, sink: &mut dyn FnMut(Record)) {
    let reject_file = |sink: &mut dyn FnMut(Record), reason: String| {
        sink(Record::Rejected(Rejection {
            location: Location::file(path),
            reason,
        }))
    };
    let head = match reader.fill_buf() {
        Ok(head) => head,
        Err(err) => return reject_file(sink, format!("cannot read: {}", describe_io(&err))),
    };
    if head.is_empty() {
        return reject_file(sink, "empty file".into());
    }
    if looks_binary(head) {
        return reject_file(
            sink,
            "binary file (control bytes in the first block); not a corpus file".into(),
        );
    }
    let mut records = 0u64;
    let mut counted = |record: Record| {
        records += 1;
        sink(record)
    };
    match detect_format(path, head) {
        Format::JsonLines => json::read_json_lines(path, reader, fields, &mut counted),
        Format::Json => json::read_json_document(path, reader, fields, &mut counted),
        Format::Text | Format::Xml if fields.tagged => {
            return reject_file(
                sink,
                "plain text and XML carry no facets; --tagged reads the JSON Lines that `newsdex tag --with-text` writes"
                    .into(),
            );
        }
        Format::Text => text::read_text(path, reader, &mut counted),
        Format::Xml => xml::read_xml(path, reader, &mut counted),
    }
    // Found by fuzzing: `[]` or blank lines alone were read silently, as if
    // the file were not there. Every file accounts for itself.
    if records == 0 {
        reject_file(
            sink,
            "no articles: the file holds only blank lines or an empty JSON array".into(),
        );
    }
}

/// Opens a file, transparently decompressing gzip (recognised by its magic
/// bytes, whatever the file is called).
fn open(path: &Path) -> io::Result<Box<dyn BufRead + Send>> {
    let mut file = BufReader::with_capacity(256 * 1024, File::open(path)?);
    let is_gzip = file.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    if is_gzip {
        let decoder = flate2::bufread::MultiGzDecoder::new(file);
        Ok(Box::new(BufReader::with_capacity(256 * 1024, decoder)))
    } else {
        Ok(Box::new(file))
    }
}

fn looks_binary(head: &[u8]) -> bool {
    let sample = &head[..head.len().min(8192)];
    let control = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c))
        .count();
    // A stray NUL or escape in real text is tolerated and cleaned; a block
    // that is mostly control bytes is not text.
    control * 10 > sample.len() || (sample.len() < 16 && control > 0)
}

fn detect_format(path: &Path, head: &[u8]) -> Format {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    let extension = name.rsplit_once('.').map(|(_, ext)| ext).unwrap_or("");
    match extension {
        "jsonl" | "ndjson" | "jsonlines" => Format::JsonLines,
        "json" => Format::Json,
        "xml" | "rss" | "atom" | "rdf" => Format::Xml,
        _ => {
            let first = head
                .iter()
                .copied()
                .find(|b| !b.is_ascii_whitespace() && *b != 0xef && *b != 0xbb && *b != 0xbf);
            match first {
                Some(b'[') => Format::Json,
                Some(b'{') => Format::JsonLines,
                Some(b'<') if is_xml_document(head) => Format::Xml,
                _ => Format::Text,
            }
        }
    }
}

/// Whether a file that starts with `<` is an XML document newsdex reads
/// (a text file may start with a bracket too).
fn is_xml_document(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&head[..head.len().min(512)]);
    let start = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    ["<?xml", "<rss", "<feed", "<rdf:RDF", "<LEWIS"]
        .iter()
        .any(|opening| start.starts_with(opening))
}

/// What the unit tests of every reader share: the bundled field map, and
/// bytes read back through a real file as `newsdex index` reads them.
#[cfg(test)]
mod testing {
    use super::*;

    pub(super) fn fields() -> FieldMap {
        FieldMap::from_toml(include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/index-schema/fields.toml"
        )))
        .unwrap()
    }

    pub(super) fn read_bytes(name: &str, bytes: &[u8]) -> Vec<Record> {
        read_bytes_with(name, bytes, &fields())
    }

    pub(super) fn read_bytes_with(name: &str, bytes: &[u8], fields: &FieldMap) -> Vec<Record> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let mut records = Vec::new();
        read_file(&path, fields, &mut |r| records.push(r));
        records
    }

    pub(super) fn articles(records: &[Record]) -> Vec<&Article> {
        records
            .iter()
            .filter_map(|r| {
                if let Record::Article(a) = r {
                    Some(a.as_ref())
                } else {
                    None
                }
            })
            .collect()
    }

    pub(super) fn rejections(records: &[Record]) -> Vec<&Rejection> {
        records
            .iter()
            .filter_map(|r| if let Record::Rejected(x) = r { Some(x) } else { None })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{articles, read_bytes, rejections};

    #[test]
    fn gzip_is_detected_by_content() {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(b"{\"body\":\"zipped\"}\n").unwrap();
        let bytes = encoder.finish().unwrap();
        let records = read_bytes("f.jsonl.gz", &bytes);
        assert_eq!(articles(&records)[0].body, "zipped");
        let truncated = read_bytes("g.jsonl.gz", &bytes[..bytes.len() - 6]);
        assert!(rejections(&truncated)[0].reason.contains("truncated"), "{truncated:?}");
    }

    #[test]
    fn empty_and_binary_files() {
        assert_eq!(rejections(&read_bytes("h.txt", b""))[0].reason, "empty file");
        let binary: Vec<u8> = (0u8..64).collect();
        assert!(rejections(&read_bytes("i.bin", &binary))[0]
            .reason
            .starts_with("binary"));
    }
    /// Regression tests for inputs found by `cargo fuzz` (fuzz/): files that
    /// yielded neither an article nor a rejection.
    #[test]
    fn files_without_records_are_rejected() {
        for (name, bytes) in [
            ("crash-57530ea2.json", &b"[]\n  "[..]),
            ("crash-adc83b19.jsonl", b"\n"),
            ("crash-bce3d6c6.txt", b"[\n\n\n\n\n\n\n]\n\n\n\n\n\n\n\n\n"),
            ("blank.jsonl", b"\n\n   \n"),
        ] {
            let records = read_bytes(name, bytes);
            assert_eq!(records.len(), 1, "{name}: {records:?}");
            assert!(
                rejections(&records)[0].reason.starts_with("no articles"),
                "{name}: {records:?}"
            );
        }
    }
}
