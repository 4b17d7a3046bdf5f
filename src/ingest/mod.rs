//! Reading: finds the files under the paths a user gives, detects each
//! file's format (dated text, plain text, JSON object or array, JSON Lines, any
//! of them gzip'd) and turns it into articles, or into rejections that say
//! which file, which line or record, and what was wrong.

use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};

mod dates;
mod fields;

pub use dates::{parse_date, EARLIEST, LATEST};
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

/// Collects the files under `paths` (directories recursively, following
/// symlinks, skipping hidden entries), sorted so runs are reproducible.
/// Paths that cannot be read become rejections rather than aborting the run.
pub fn collect_files(paths: &[PathBuf]) -> Inputs {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for root in paths {
        let walker = walkdir::WalkDir::new(root)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        for entry in walker {
            match entry {
                // Documentation beside the articles (a folder's README.md) is not news.
                Ok(entry) if entry.file_type().is_file() && entry.depth() > 0 && is_documentation(entry.path()) => {}
                Ok(entry) if entry.file_type().is_file() => files.push(entry.into_path()),
                Ok(_) => {}
                Err(err) => {
                    let path = err.path().unwrap_or(root).to_path_buf();
                    let reason = if err.loop_ancestor().is_some() {
                        "symlink loop; skipped this directory".to_string()
                    } else if let Some(io) = err.io_error() {
                        describe_io(io)
                    } else {
                        err.to_string()
                    };
                    problems.push(Rejection {
                        location: Location::file(&path),
                        reason,
                    });
                }
            }
        }
    }
    Inputs {
        files,
        unreadable: problems,
    }
}

fn is_documentation(path: &Path) -> bool {
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    matches!(extension.as_str(), "md" | "markdown" | "rst")
}

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
        Format::JsonLines => read_json_lines(path, reader, fields, &mut counted),
        Format::Json => read_json_document(path, reader, fields, &mut counted),
        Format::Text => read_text(path, reader, &mut counted),
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
        _ => {
            let first = head
                .iter()
                .copied()
                .find(|b| !b.is_ascii_whitespace() && *b != 0xef && *b != 0xbb && *b != 0xbf);
            match first {
                Some(b'[') => Format::Json,
                Some(b'{') => Format::JsonLines,
                _ => Format::Text,
            }
        }
    }
}

fn read_json_lines(
    path: &Path,
    mut reader: Box<dyn BufRead + Send + '_>,
    fields: &FieldMap,
    sink: &mut dyn FnMut(Record),
) {
    let mut line = Vec::new();
    let mut number = 0u64;
    loop {
        line.clear();
        number += 1;
        match reader.read_until(b'\n', &mut line) {
            Ok(0) => return,
            Ok(_) => {}
            Err(err) => {
                let reason = if line.is_empty() {
                    format!("file is truncated or corrupt here: {err}; the records before this line were read")
                } else {
                    format!("file is truncated or corrupt inside this line: {err}")
                };
                sink(Record::Rejected(Rejection {
                    location: Location::line(path, number),
                    reason,
                }));
                return;
            }
        }
        let text = trim_line(&line);
        if text.is_empty() {
            continue;
        }
        let location = Location::line(path, number);
        let record = match parse_json_line(text) {
            Ok(object) => map_record(object, fields, location),
            Err(reason) => Record::Rejected(Rejection { location, reason }),
        };
        sink(record);
    }
}

fn trim_line(line: &[u8]) -> &[u8] {
    let line = line.strip_prefix(b"\xef\xbb\xbf").unwrap_or(line);
    let end = line.iter().rposition(|b| !b.is_ascii_whitespace()).map_or(0, |p| p + 1);
    let start = line.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(end);
    &line[start..end]
}

fn parse_json_line(text: &[u8]) -> Result<Map<String, Value>, String> {
    let text = match std::str::from_utf8(text) {
        Ok(text) => text,
        Err(err) => return Err(format!("invalid UTF-8 at byte {} of the line", err.valid_up_to())),
    };
    // From the checked `str`: serde_json does not check the UTF-8 again.
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(other) => Err(format!("expected a JSON object, found {}", json_kind(&other))),
        Err(err) => Err(format!("invalid JSON: {}", json_error(&err))),
    }
}

fn json_error(err: &serde_json::Error) -> String {
    // serde_json appends "at line L column C"; keep only the column, the line is ours.
    let text = err.to_string();
    match text.rsplit_once(" at line ") {
        Some((what, _)) => format!("{what} (column {})", err.column()),
        None => text,
    }
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A `.json` file: one article object, or an array of them. Elements are
/// handed on as they are parsed, so a syntax error late in a big array keeps
/// every element before it.
fn read_json_document(
    path: &Path,
    mut reader: Box<dyn BufRead + Send + '_>,
    fields: &FieldMap,
    sink: &mut dyn FnMut(Record),
) {
    let mut bytes = Vec::new();
    if let Err(err) = reader.read_to_end(&mut bytes) {
        // Keep what was decoded before the damage: a truncated array still
        // yields its complete elements below, then reports the cut.
        sink(Record::Rejected(Rejection {
            location: Location::file(path),
            reason: format!("file is truncated or corrupt: {err}; complete records before the damage are still read"),
        }));
    }
    let mut de = serde_json::Deserializer::from_slice(&bytes);
    let mut visitor = DocumentVisitor {
        path,
        fields,
        sink,
        elements: 0,
    };
    let outcome = serde::Deserializer::deserialize_any(&mut de, &mut visitor).and_then(|()| de.end());
    let elements = visitor.elements;
    if let Err(err) = outcome {
        if elements == 1 && err.to_string().starts_with("trailing characters") {
            // Several objects one after another: really JSON Lines named .json.
            let mut rest = Vec::new();
            let cut = line_start_offset(&bytes, err.line());
            rest.extend_from_slice(&bytes[cut..]);
            read_json_lines_offset(path, rest, err.line() as u64 - 1, fields, sink);
            return;
        }
        let location = if elements > 0 {
            Location {
                line: Some(err.line() as u64),
                ..Location::record(path, elements as u64 + 1)
            }
        } else {
            Location::line(path, err.line() as u64)
        };
        let reason = if std::str::from_utf8(&bytes).is_err() && err.to_string().contains("UTF-8") {
            "invalid UTF-8 inside the JSON text".to_string()
        } else {
            format!("invalid JSON: {}", json_error(&err))
        };
        let reason = if elements > 0 {
            format!("{reason}; the {elements} records before it were read, the rest of the file is skipped")
        } else {
            reason
        };
        sink(Record::Rejected(Rejection { location, reason }));
    }
}

fn line_start_offset(bytes: &[u8], line: usize) -> usize {
    if line <= 1 {
        return 0;
    }
    bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .nth(line - 2)
        .map_or(bytes.len(), |(i, _)| i + 1)
}

fn read_json_lines_offset(
    path: &Path,
    rest: Vec<u8>,
    first_line: u64,
    fields: &FieldMap,
    sink: &mut dyn FnMut(Record),
) {
    let reader: Box<dyn BufRead + Send> = Box::new(io::Cursor::new(rest));
    read_json_lines(path, reader, fields, &mut |record| {
        sink(match record {
            Record::Article(mut article) => {
                article.location.line = article.location.line.map(|l| l + first_line);
                Record::Article(article)
            }
            Record::Rejected(mut rejection) => {
                rejection.location.line = rejection.location.line.map(|l| l + first_line);
                Record::Rejected(rejection)
            }
        })
    });
}

struct DocumentVisitor<'a, 'b> {
    path: &'a Path,
    fields: &'a FieldMap,
    sink: &'b mut dyn FnMut(Record),
    elements: usize,
}

impl<'de> serde::de::Visitor<'de> for &mut DocumentVisitor<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an article object or an array of article objects")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(value) = seq.next_element::<Value>()? {
            self.elements += 1;
            let location = Location::record(self.path, self.elements as u64);
            let record = match value {
                Value::Object(object) => map_record(object, self.fields, location),
                other => Record::Rejected(Rejection {
                    location,
                    reason: format!("expected an article object, found {}", json_kind(&other)),
                }),
            };
            (self.sink)(record);
        }
        Ok(())
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        use serde::Deserialize;
        let object = Map::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
        self.elements += 1;
        let record = map_record(object, self.fields, Location::file(self.path));
        (self.sink)(record);
        Ok(())
    }
}

/// Turns a JSON object into an article through the field aliases.
fn map_record(mut object: Map<String, Value>, fields: &FieldMap, location: Location) -> Record {
    let reject = |location: Location, reason: String| Record::Rejected(Rejection { location, reason });
    let mut warnings = Vec::new();
    let body = match take(&mut object, fields, ArticleField::Body) {
        None => {
            let keys = fields.keys(ArticleField::Body).join(", ");
            return reject(
                location,
                format!("no body text (looked for {keys}); map the right key with --field body=KEY"),
            );
        }
        Some((key, value)) => match into_text(value) {
            Ok(text) if !text.trim().is_empty() => clean_text(text),
            Ok(_) => return reject(location, format!("field `{key}` (the body) is empty")),
            Err(value) => {
                return reject(
                    location,
                    format!("field `{key}` (the body) is {}, expected text", json_kind(&value)),
                );
            }
        },
    };
    let title = match take(&mut object, fields, ArticleField::Title) {
        None => String::new(),
        Some((key, value)) => match into_text(value) {
            Ok(text) => clean_line(&text),
            Err(value) => {
                warnings.push(format!(
                    "field `{key}` (the title) is {}, expected text; ignored",
                    json_kind(&value)
                ));
                String::new()
            }
        },
    };
    let date = match lookup(&object, fields, ArticleField::Date) {
        None => {
            warnings.push("no date".to_string());
            None
        }
        Some((key, value)) => {
            let parsed = match value {
                Value::String(text) => dates::parse_date(text),
                Value::Number(number) => number.as_f64().and_then(dates::from_timestamp),
                _ => None,
            };
            if parsed.is_none() {
                let shown = match value {
                    Value::String(text) if text.trim().is_empty() => "an empty string".to_string(),
                    Value::String(text) => format!("{:?}", truncate(text, 40)),
                    other => json_kind(other).to_string(),
                };
                warnings.push(format!(
                    "field `{key}` holds {shown}, not a date newsdex can read (or store: 1677-09-22 to 2262-04-10); indexed without a date"
                ));
            }
            parsed
        }
    };
    let source = lookup(&object, fields, ArticleField::Source).and_then(|(_, value)| match value {
        Value::Object(inner) => inner.get("name").and_then(text_of),
        other => text_of(other),
    });
    let url = lookup(&object, fields, ArticleField::Url).and_then(|(_, value)| text_of(value));
    let id = lookup(&object, fields, ArticleField::Id)
        .and_then(|(_, value)| match value {
            Value::Number(number) => Some(number.to_string()),
            other => text_of(other),
        })
        .map(|id| clean_line(&id))
        .filter(|id| !id.is_empty())
        .unwrap_or_else(|| content_id(&title, &body));
    Record::Article(Box::new(Article {
        id,
        title,
        body,
        date,
        source: source.map(|s| clean_line(&s)).filter(|s| !s.is_empty()),
        url: url.map(|s| clean_line(&s)).filter(|s| !s.is_empty()),
        location,
        warnings,
    }))
}

/// Takes the first alias key present with a non-null value out of the
/// object, so that its text moves into the article rather than being copied.
/// A key that another field reads too (`--field id=title`) is copied instead.
fn take(object: &mut Map<String, Value>, fields: &FieldMap, field: ArticleField) -> Option<(String, Value)> {
    let key = present_key(object, fields, field)?;
    let shared = ArticleField::ALL
        .into_iter()
        .any(|other| other != field && fields.keys(other).iter().any(|k| k == key));
    if shared {
        return object.get_key_value(key).map(|(k, v)| (k.clone(), v.clone()));
    }
    object.remove_entry(key)
}

/// The first alias key present with a non-null value.
fn lookup<'v>(object: &'v Map<String, Value>, fields: &FieldMap, field: ArticleField) -> Option<(&'v str, &'v Value)> {
    object
        .get_key_value(present_key(object, fields, field)?)
        .map(|(k, v)| (k.as_str(), v))
}

/// Which of the field's alias keys the object has with a non-null value, first alias first.
fn present_key<'f>(object: &Map<String, Value>, fields: &'f FieldMap, field: ArticleField) -> Option<&'f str> {
    fields
        .keys(field)
        .iter()
        .map(String::as_str)
        .find(|key| object.get(*key).is_some_and(|value| !value.is_null()))
}

/// Text from a JSON value, as [`text_of`], taking a string without copying
/// it; the value back when it holds no text.
fn into_text(value: Value) -> Result<String, Value> {
    match value {
        Value::String(text) => Ok(text),
        other => text_of(&other).ok_or(other),
    }
}

/// Text from a JSON value: a string, or an array of strings (paragraphs).
fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Array(items) if !items.is_empty() && items.iter().all(Value::is_string) => {
            Some(items.iter().filter_map(Value::as_str).collect::<Vec<_>>().join("\n\n"))
        }
        _ => None,
    }
}

fn truncate(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// Removes control characters (NUL, escapes) that would corrupt terminals and
/// snippets, keeping newlines and tabs.
pub fn clean_text(text: String) -> String {
    if !has_unwanted_control(text.as_bytes()) {
        return text;
    }
    text.chars().filter(|c| !is_unwanted_control(*c)).collect()
}

/// Whether UTF-8 text holds a character [`is_unwanted_control`] rejects,
/// found from its bytes: C0 controls and DEL are single bytes, C1 controls
/// are 0xc2 0x80-0x9f and U+FEFF is 0xef 0xbb 0xbf. Blocks of bytes that
/// hold none of those lead bytes are passed over whole, a pass the compiler
/// vectorises; decoding every char cost 14 instructions a byte.
fn has_unwanted_control(bytes: &[u8]) -> bool {
    const BLOCK: usize = 32;
    let may_start =
        |b: u8| (b < 0x20 && b != b'\n' && b != b'\t' && b != b'\r') | (b == 0x7f) | (b == 0xc2) | (b == 0xef);
    let mut block_start = 0;
    for block in bytes.chunks(BLOCK) {
        if block.iter().fold(false, |any, &b| any | may_start(b)) {
            let unwanted_at = |i: usize| {
                let rest = &bytes[i..];
                match rest[0] {
                    0xc2 => rest.get(1).is_some_and(|b| (0x80..=0x9f).contains(b)),
                    0xef => rest.starts_with(&[0xef, 0xbb, 0xbf]),
                    b => may_start(b),
                }
            };
            if (block_start..block_start + block.len()).any(unwanted_at) {
                return true;
            }
        }
        block_start += block.len();
    }
    false
}

/// Like [`clean_text`], for one-line fields: also drops line breaks and
/// bidirectional-override marks, which would garble a result listing.
pub fn clean_line(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| if c == '\n' || c == '\r' || c == '\t' { ' ' } else { c })
        .filter(|c| {
            !is_unwanted_control(*c)
                && !matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
        })
        .collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn is_unwanted_control(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t' && c != '\r') || c == '\u{feff}'
}

/// A stable id for an article that has none: the same text always gets the
/// same id, so indexing a corpus twice never duplicates it.
pub fn content_id(title: &str, body: &str) -> String {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(title.as_bytes());
    hasher.update(&[0]);
    hasher.update(body.as_bytes());
    format!("h{:032x}", hasher.digest128())
}

/// Dated text (the seed's format) or plain text: the whole file is one article.
fn read_text(path: &Path, mut reader: Box<dyn BufRead + Send + '_>, sink: &mut dyn FnMut(Record)) {
    let mut bytes = Vec::new();
    if let Err(err) = reader.read_to_end(&mut bytes) {
        let reason = format!("file is truncated or corrupt: {err}");
        return sink(Record::Rejected(Rejection {
            location: Location::file(path),
            reason,
        }));
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            let at = err.utf8_error().valid_up_to();
            let line = err.as_bytes()[..at].iter().filter(|b| **b == b'\n').count() + 1;
            let reason =
                format!("invalid UTF-8 at byte {at}; convert the file to UTF-8 (e.g. iconv -f latin1 -t utf-8)");
            return sink(Record::Rejected(Rejection {
                location: Location::line(path, line as u64),
                reason,
            }));
        }
    };
    // A leading byte-order mark goes with every other U+FEFF.
    let text = clean_text(text);
    let location = Location::file(path);
    let record = match parse_dated(&text) {
        Some((date, body)) => text_article(first_sentence(body), body.trim(), Some(date), location),
        None => {
            let mut lines = text.trim_start().splitn(2, '\n');
            let title = lines.next().unwrap_or("").trim();
            let body = lines.next().unwrap_or("").trim();
            // A one-line file is all lead: it is both title and body.
            let body = if body.is_empty() { title } else { body };
            text_article(title.to_string(), body, None, location)
        }
    };
    sink(record);
}

fn text_article(title: String, body: &str, date: Option<DateTime<Utc>>, location: Location) -> Record {
    if body.is_empty() {
        return Record::Rejected(Rejection {
            location,
            reason: "no text: the file holds only whitespace".into(),
        });
    }
    let title = clean_line(&title);
    let warnings = if date.is_none() {
        vec!["no date".to_string()]
    } else {
        Vec::new()
    };
    Record::Article(Box::new(Article {
        id: content_id(&title, body),
        title,
        body: body.to_string(),
        date,
        source: None,
        url: None,
        location,
        warnings,
    }))
}

/// The seed's format: the first line starts with ` date YYYY-MM-DD `.
fn parse_dated(text: &str) -> Option<(DateTime<Utc>, &str)> {
    let rest = text.trim_start_matches([' ', '\t']).strip_prefix("date")?;
    let rest = rest.strip_prefix([' ', '\t'])?.trim_start_matches([' ', '\t']);
    let date_text = rest.get(..10)?;
    let date = dates::parse_date(date_text)?;
    let body = &rest[10..];
    if !body.is_empty() && !body.starts_with(char::is_whitespace) {
        return None;
    }
    Some((date, body))
}

/// A title for an untitled article: its first sentence, cut to a readable length.
fn first_sentence(body: &str) -> String {
    let body = body.trim_start();
    let line = body.lines().next().unwrap_or("");
    let end = line
        .match_indices(". ")
        .map(|(i, _)| i + 1)
        .find(|&i| i >= 20)
        .unwrap_or(line.len());
    let sentence = &line[..end];
    if sentence.chars().count() <= 160 {
        return sentence.trim().to_string();
    }
    let cut = sentence.char_indices().nth(160).map_or(sentence.len(), |(i, _)| i);
    let cut = sentence[..cut].rfind(' ').unwrap_or(cut);
    format!("{}…", sentence[..cut].trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> FieldMap {
        FieldMap::from_toml(include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/index-schema/fields.toml"
        )))
        .unwrap()
    }

    fn read_bytes(name: &str, bytes: &[u8]) -> Vec<Record> {
        read_bytes_with(name, bytes, &fields())
    }

    fn read_bytes_with(name: &str, bytes: &[u8], fields: &FieldMap) -> Vec<Record> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let mut records = Vec::new();
        read_file(&path, fields, &mut |r| records.push(r));
        records
    }

    fn articles(records: &[Record]) -> Vec<&Article> {
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

    fn rejections(records: &[Record]) -> Vec<&Rejection> {
        records
            .iter()
            .filter_map(|r| if let Record::Rejected(x) = r { Some(x) } else { None })
            .collect()
    }

    #[test]
    fn dated_text_like_the_seed() {
        let records = read_bytes(
            "a.txt",
            b" date 2024-03-26 The UK on Monday accused China of things. More text.\n\nSecond paragraph.",
        );
        let a = articles(&records)[0];
        assert_eq!(a.date.unwrap().format("%Y-%m-%d").to_string(), "2024-03-26");
        assert_eq!(a.title, "The UK on Monday accused China of things.");
        assert!(a.body.starts_with("The UK on Monday"));
        assert!(a.body.ends_with("Second paragraph."));
    }

    #[test]
    fn plain_text_title_then_body() {
        let records = read_bytes("b.txt", b"\n\nGrain deal signed\nThe body of the story.\nMore.");
        let a = articles(&records)[0];
        assert_eq!(a.title, "Grain deal signed");
        assert_eq!(a.body, "The body of the story.\nMore.");
        assert!(a.date.is_none());
        assert_eq!(a.warnings, ["no date"]);
    }

    #[test]
    fn a_byte_order_mark_is_not_text() {
        let text = "date 2024-03-26 Body text. More of it.\n";
        let plain = read_bytes("a.txt", text.as_bytes());
        let marked = read_bytes("b.txt", format!("\u{feff}{text}").as_bytes());
        let (plain, marked) = (articles(&plain)[0], articles(&marked)[0]);
        assert!(plain.date.is_some());
        assert_eq!(
            (&marked.title, &marked.body, marked.date),
            (&plain.title, &plain.body, plain.date)
        );
    }

    #[test]
    fn one_key_can_feed_two_fields() {
        let mut fields = fields();
        fields.apply_override("id=title").unwrap();
        fields.apply_override("body=text").unwrap();
        fields.apply_override("title=text").unwrap();
        let records = read_bytes_with(
            "k.jsonl",
            b"{\"text\":\"Both here\",\"date\":\"2024-03-26\"}\n",
            &fields,
        );
        let all = articles(&records);
        assert_eq!(
            (all[0].title.as_str(), all[0].body.as_str()),
            ("Both here", "Both here")
        );
        let mut fields = self::fields();
        fields.apply_override("id=title").unwrap();
        let records = read_bytes_with("t.jsonl", b"{\"title\":\"T1\",\"body\":\"B\"}\n", &fields);
        assert_eq!(
            (articles(&records)[0].id.as_str(), articles(&records)[0].title.as_str()),
            ("T1", "T1")
        );
    }

    #[test]
    fn json_aliases_and_array() {
        let records = read_bytes(
            "c.json",
            br#"[{"uuid":"x1","headline":"H","content":"B","published":"March 26, 2024","publisher":{"name":"P"}},
                {"ID":"x2","title":"T","content_original":"C","date":""}]"#,
        );
        let all = articles(&records);
        assert_eq!(all.len(), 2);
        assert_eq!(
            (all[0].id.as_str(), all[0].title.as_str(), all[0].body.as_str()),
            ("x1", "H", "B")
        );
        assert_eq!(all[0].source.as_deref(), Some("P"));
        assert!(all[0].date.is_some());
        assert_eq!(all[1].location.record, Some(2));
        assert!(all[1].date.is_none() && all[1].warnings[0].contains("empty string"));
    }

    #[test]
    fn json_lines_with_bad_lines() {
        let records = read_bytes(
            "d.jsonl",
            b"{\"id\":1,\"body\":\"one\"}\n{broken\n\n{\"id\":2}\n[1]\n{\"id\":3,\"body\":42}\n{\"id\":4,\"text\":\"four\"}\n",
        );
        let good = articles(&records);
        assert_eq!(good.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(), ["1", "4"]);
        let bad = rejections(&records);
        let lines: Vec<_> = bad.iter().map(|r| r.location.line.unwrap()).collect();
        assert_eq!(lines, [2, 4, 5, 6]);
        assert!(bad[0].reason.starts_with("invalid JSON"));
        assert!(bad[1].reason.starts_with("no body"));
        assert!(bad[2].reason.contains("expected a JSON object"));
        assert!(bad[3].reason.contains("is a number"));
    }

    #[test]
    fn invalid_utf8_line_is_rejected_alone() {
        let records = read_bytes("e.jsonl", b"{\"body\":\"ok\"}\n{\"body\":\"caf\xe9\"}\n");
        assert_eq!(articles(&records).len(), 1);
        assert!(rejections(&records)[0].reason.contains("UTF-8"));
    }

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

    #[test]
    fn truncated_json_array_keeps_complete_elements() {
        let records = read_bytes("j.json", br#"[{"body":"a"},{"body":"b"},{"body":"c"#);
        assert_eq!(articles(&records).len(), 2);
        assert_eq!(rejections(&records)[0].location.record, Some(3));
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

    #[test]
    fn content_ids_are_stable() {
        assert_eq!(content_id("t", "b"), content_id("t", "b"));
        assert_ne!(content_id("t", "b"), content_id("t", "c"));
    }

    #[test]
    fn controls_and_bidi_marks_are_cleaned() {
        assert_eq!(clean_line("A\u{0}B\u{202e}C\nD"), "ABC D");
        assert_eq!(clean_text("x\u{1b}[31my\n".into()), "x[31my\n");
        assert_eq!(clean_text("x\u{85}y\u{feff}\r\n".into()), "xy\r\n");
        assert_eq!(clean_text("caf\u{e9} \u{2019}\t".into()), "caf\u{e9} \u{2019}\t");
    }

    #[test]
    fn control_bytes_are_found_as_decoding_finds_them() {
        // Every character around the lead bytes the block test looks for,
        // at every place in a block and across a block's end.
        let characters: Vec<char> = (0..0x300)
            .chain(0xfe00..0xff10)
            .chain([0x2028, 0x202e, 0x1_f600])
            .filter_map(char::from_u32)
            .collect();
        for c in characters {
            for at in [0, 1, 30, 31, 32, 33, 63] {
                let text: String = std::iter::repeat_n('a', at).chain([c, 'b']).collect();
                assert_eq!(
                    has_unwanted_control(text.as_bytes()),
                    text.chars().any(is_unwanted_control),
                    "{c:?} at {at}"
                );
            }
        }
    }
}
