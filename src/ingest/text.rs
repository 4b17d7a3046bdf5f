//! Text input: the seed's dated text (` date YYYY-MM-DD ` then the article)
//! and plain text (a title line, then the body). A text file is one article.

use std::io::{BufRead, Read};
use std::path::Path;

use chrono::{DateTime, Utc};

use super::clean::{clean_body_after_id, clean_line, clean_text, content_id, strip_invisible};
use super::{dates, Article, Location, Record, Rejection};

/// Dated text (the seed's format) or plain text: the whole file is one article.
pub(super) fn read_text(path: &Path, mut reader: Box<dyn BufRead + Send + '_>, sink: &mut dyn FnMut(Record)) {
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
        title: strip_invisible(title),
        body: clean_body_after_id(body.to_string()),
        date,
        source: None,
        url: None,
        location,
        warnings,
        given: None,
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
    use super::super::testing::{articles, read_bytes};

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
}
