//! JSON input: JSON Lines (one article object a line), and JSON documents
//! (one article object, or an array of them, streamed element by element).
//! [`map_record`] turns an object into an article through the field aliases
//! of [`FieldMap`], with the key lookup it needs.

use std::collections::BTreeSet;
use std::fmt;
use std::io::{self, BufRead, Read};
use std::path::Path;

use serde_json::{Map, Value};

use super::clean::{clean_body_after_id, clean_line, clean_text, content_id, strip_invisible};
use super::{dates, Article, ArticleField, FieldMap, GivenTags, Location, Record, Rejection};

pub(super) fn read_json_lines(
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
pub(super) fn read_json_document(
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
    let (title, body) = (strip_invisible(title), clean_body_after_id(body));
    let given = if fields.tagged {
        match given_tags(&object, &body) {
            Ok((tags, dropped)) => {
                warnings.extend(dropped);
                Some(Box::new(tags))
            }
            Err(reason) => return reject(location, reason),
        }
    } else {
        None
    };
    // What `tag` wrote as where it read the article, if that is given.
    let location = match (fields.tagged, object.get("location")) {
        (true, Some(Value::Object(read_at))) => match read_at.get("file").and_then(Value::as_str) {
            Some(file) => Location {
                file: file.to_string(),
                line: read_at.get("line").and_then(Value::as_u64),
                record: read_at.get("record").and_then(Value::as_u64),
            },
            None => location,
        },
        _ => location,
    };
    Record::Article(Box::new(Article {
        id,
        title,
        body,
        date,
        source: source.map(|s| clean_line(&s)).filter(|s| !s.is_empty()),
        url: url.map(|s| clean_line(&s)).filter(|s| !s.is_empty()),
        location,
        warnings,
        given,
    }))
}

/// The facets a tagged record carries: four lists of facet paths and the
/// dyads' evidence as byte ranges of `body`. A missing or malformed list
/// rejects the record; evidence that does not fit the body is dropped with
/// a warning (the second value).
fn given_tags(object: &Map<String, Value>, body: &str) -> Result<(GivenTags, Vec<String>), String> {
    let paths = |key: &str| -> Result<BTreeSet<String>, String> {
        let not_paths = || {
            format!("`{key}` is not a list of facet paths (\"/country/GBR\"); --tagged reads what `newsdex tag --with-text` writes")
        };
        match object.get(key) {
            None | Some(Value::Null) => Err(format!(
                "no `{key}` list; --tagged reads what `newsdex tag --with-text` writes (or index without --tagged to tag the articles)"
            )),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| match item.as_str() {
                    Some(path) if path.starts_with('/') && path.len() > 1 => Ok(path.to_string()),
                    _ => Err(not_paths()),
                })
                .collect(),
            Some(_) => Err(not_paths()),
        }
    };
    let mut tags = GivenTags {
        actors: paths("actors")?,
        mentions: paths("mentions")?,
        events: paths("events")?,
        dyads: paths("dyads")?,
        evidence: Vec::new(),
    };
    let mut dropped = Vec::new();
    if let Some(Value::Array(items)) = object.get("evidence") {
        for (i, item) in items.iter().enumerate() {
            let dyad = item.get("dyad").and_then(Value::as_str);
            let start = item.get("start").and_then(Value::as_u64).map(|n| n as usize);
            let end = item.get("end").and_then(Value::as_u64).map(|n| n as usize);
            match (dyad, start, end) {
                (Some(dyad), Some(start), Some(end))
                    if tags.dyads.contains(dyad) && start <= end && body.get(start..end).is_some() =>
                {
                    tags.evidence.push((dyad.to_string(), start, end))
                }
                _ => dropped.push(format!(
                    "evidence {} is not a dyad of the article with a byte range of its body; dropped",
                    i + 1
                )),
            }
        }
    }
    Ok((tags, dropped))
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

#[cfg(test)]
mod tests {
    use super::super::testing::{articles, fields, read_bytes, read_bytes_with, rejections};

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
    fn truncated_json_array_keeps_complete_elements() {
        let records = read_bytes("j.json", br#"[{"body":"a"},{"body":"b"},{"body":"c"#);
        assert_eq!(articles(&records).len(), 2);
        assert_eq!(rejections(&records)[0].location.record, Some(3));
    }
}
