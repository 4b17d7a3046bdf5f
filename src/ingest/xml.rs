//! XML input: news feeds (RSS 2.0, RSS 1.0/RDF, Atom) and the Reuters-21578
//! collection as XML (`<REUTERS NEWID=…>` records). A feed item or a
//! `REUTERS` record is one article; its line in the file locates it. Feeds
//! carry HTML in their text, which is read as text: tags go, paragraphs
//! stay apart, entities are decoded.

use std::io::{BufRead, Read};
use std::path::Path;

use roxmltree::{Document, Node};

use super::clean::{clean_body_after_id, clean_line, clean_text, content_id, strip_invisible};
use super::{dates, Article, Location, Record, Rejection};

/// Larger XML files are not read: the whole document is held in memory to
/// parse it. Feeds and the Reuters files are a few megabytes.
const MAX_XML_BYTES: u64 = 512 * 1024 * 1024;

/// Where the XML a file holds keeps its articles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    Rss,
    Atom,
    Reuters,
}

/// Reads an XML file's articles, or rejects the file whole when it is not
/// well-formed XML or not a layout newsdex knows.
pub(super) fn read_xml(path: &Path, reader: Box<dyn BufRead + Send + '_>, sink: &mut dyn FnMut(Record)) {
    let reject_file = |sink: &mut dyn FnMut(Record), reason: String| {
        sink(Record::Rejected(Rejection {
            location: Location::file(path),
            reason,
        }))
    };
    let mut bytes = Vec::new();
    if let Err(err) = reader.take(MAX_XML_BYTES + 1).read_to_end(&mut bytes) {
        return reject_file(sink, format!("file is truncated or corrupt: {err}"));
    }
    if bytes.len() as u64 > MAX_XML_BYTES {
        return reject_file(
            sink,
            format!(
                "XML file over {} MB; split it or convert it to JSON Lines",
                MAX_XML_BYTES / (1024 * 1024)
            ),
        );
    }
    // A few stray bytes (one Reuters file has some) should not cost a
    // thousand articles: they become U+FFFD and the articles holding one say so.
    let (text, lossy) = match String::from_utf8(bytes) {
        Ok(text) => (text, false),
        Err(err) => (String::from_utf8_lossy(err.as_bytes()).into_owned(), true),
    };
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    let document = match Document::parse_with_options(&text, options) {
        Ok(document) => document,
        Err(err) => return reject_file(sink, format!("not well-formed XML ({err}); {SUPPORTED}")),
    };
    let root = document.root_element();
    let Some(layout) = layout_of(root) else {
        return reject_file(
            sink,
            format!("XML whose root is <{}>; {SUPPORTED}", root.tag_name().name()),
        );
    };
    let source = match layout {
        Layout::Rss => root
            .descendants()
            .find(|n| n.has_tag_name("channel"))
            .and_then(|channel| child_text(channel, "title")),
        Layout::Atom => child_text(root, "title"),
        Layout::Reuters => None,
    };
    let item_tag = match layout {
        Layout::Rss => "item",
        Layout::Atom => "entry",
        Layout::Reuters => "REUTERS",
    };
    let mut read_any = false;
    for item in root.descendants().filter(|n| n.has_tag_name(item_tag)) {
        read_any = true;
        let line = document.text_pos_at(item.range().start).row;
        let location = Location::line(path, u64::from(line));
        let fields = match layout {
            Layout::Rss => rss_item(item),
            Layout::Atom => atom_entry(item),
            Layout::Reuters => reuters_record(item),
        };
        sink(article(fields, source.as_deref(), lossy, location));
    }
    if !read_any {
        reject_file(
            sink,
            format!("no <{item_tag}> elements: the {layout:?} file holds no articles"),
        );
    }
}

const SUPPORTED: &str = "newsdex reads RSS, Atom and Reuters-21578 XML; convert other XML to JSON Lines";

fn layout_of(root: Node) -> Option<Layout> {
    match root.tag_name().name() {
        "rss" | "RDF" => Some(Layout::Rss),
        "feed" => Some(Layout::Atom),
        "LEWIS" | "REUTERS" => Some(Layout::Reuters),
        _ => None,
    }
}

/// An item's fields as the file gives them, before cleaning.
#[derive(Debug, Default)]
struct ItemFields {
    id: Option<String>,
    title: Option<String>,
    body: Option<String>,
    date: Option<String>,
    url: Option<String>,
    /// Whether title and body are HTML (feeds), not plain text (Reuters).
    html: bool,
}

fn rss_item(item: Node) -> ItemFields {
    // The full text (content:encoded) when the feed gives it, else the summary.
    let body = child_text(item, "encoded").or_else(|| child_text(item, "description"));
    ItemFields {
        id: child_text(item, "guid").or_else(|| item.attribute((RDF_NS, "about")).map(str::to_string)),
        title: child_text(item, "title"),
        body,
        date: child_text(item, "pubDate").or_else(|| child_text(item, "date")),
        url: child_text(item, "link"),
        html: true,
    }
}

const RDF_NS: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";

fn atom_entry(entry: Node) -> ItemFields {
    let link = entry
        .children()
        .filter(|n| n.has_tag_name("link"))
        .find(|n| n.attribute("rel").is_none_or(|rel| rel == "alternate"))
        .and_then(|n| n.attribute("href"))
        .map(str::to_string);
    ItemFields {
        id: child_text(entry, "id"),
        title: child_text(entry, "title"),
        body: child_text(entry, "content").or_else(|| child_text(entry, "summary")),
        date: child_text(entry, "published").or_else(|| child_text(entry, "updated")),
        url: link,
        html: true,
    }
}

fn reuters_record(record: Node) -> ItemFields {
    let text = |tag: &str| record.descendants().find(|n| n.has_tag_name(tag)).map(all_text);
    ItemFields {
        id: record.attribute("NEWID").map(str::to_string),
        title: text("TITLE"),
        body: text("BODY"),
        date: text("DATE"),
        url: None,
        html: false,
    }
}

/// The text of the first child element called `tag`, if it has any.
fn child_text(node: Node, tag: &str) -> Option<String> {
    node.children()
        .find(|n| n.has_tag_name(tag))
        .map(all_text)
        .filter(|t| !t.trim().is_empty())
}

/// All the text inside an element (CDATA included), in order.
fn all_text(node: Node) -> String {
    node.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect()
}

fn article(fields: ItemFields, source: Option<&str>, lossy: bool, location: Location) -> Record {
    let reject = |reason: &str| {
        Record::Rejected(Rejection {
            location: location.clone(),
            reason: reason.to_string(),
        })
    };
    let as_text = |raw: String| if fields.html { html_to_text(&raw) } else { raw };
    let Some(body) = fields
        .body
        .map(as_text)
        .map(clean_text)
        .filter(|b| !b.trim().is_empty())
    else {
        return reject("no body text (looked for content, description, summary or BODY)");
    };
    // Reuters bodies end in a control byte (cleaned to a space) after the
    // last line.
    let body = body.trim_end_matches([' ', '\t']).to_string();
    let title = fields.title.map(as_text).map(|t| clean_line(&t)).unwrap_or_default();
    let mut warnings = Vec::new();
    let date = match fields.date.as_deref().map(str::trim) {
        None | Some("") => {
            warnings.push("no date".to_string());
            None
        }
        Some(raw) => {
            let parsed = dates::parse_date(raw);
            if parsed.is_none() {
                warnings.push(format!(
                    "date {raw:?} is not one newsdex can read; indexed without a date"
                ));
            }
            parsed
        }
    };
    if lossy && (body.contains('\u{fffd}') || title.contains('\u{fffd}')) {
        warnings.push("invalid UTF-8 bytes in the file; replaced by U+FFFD".to_string());
    }
    let id = fields
        .id
        .map(|id| clean_line(&id))
        .filter(|id| !id.is_empty())
        .unwrap_or_else(|| content_id(&title, &body));
    Record::Article(Box::new(Article {
        id,
        title: strip_invisible(title),
        body: clean_body_after_id(body),
        date,
        source: source.map(clean_line).filter(|s| !s.is_empty()),
        url: fields.url.map(|u| clean_line(&u)).filter(|u| !u.is_empty()),
        location,
        warnings,
        given: None,
    }))
}

/// Elements whose content is no text to read.
const SKIPPED_ELEMENTS: &[&str] = &["script", "style", "head", "noscript", "template"];
/// Elements that end a paragraph or a line.
const BLOCK_ELEMENTS: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "tr",
    "table",
    "section",
    "article",
    "figure",
    "figcaption",
    "pre",
    "hr",
];

/// The text of an HTML fragment: tags removed, paragraphs and line breaks
/// kept as blank lines and newlines, entities decoded. Not a full HTML
/// parser: feed text is short and well-behaved, and a stray `<` that opens
/// no tag is kept as text.
fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    let mut skipping: Option<String> = None;
    while let Some(open) = rest.find('<') {
        if skipping.is_none() {
            out.push_str(&html_escape::decode_html_entities(&rest[..open]));
        }
        let after = &rest[open + 1..];
        let Some(close) = after.find('>') else {
            if skipping.is_none() {
                out.push_str(&html_escape::decode_html_entities(&rest[open..]));
            }
            rest = "";
            break;
        };
        let tag = &after[..close];
        rest = &after[close + 1..];
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if name.is_empty() && !tag.starts_with('!') && !closing {
            // "a < b": not a tag.
            if skipping.is_none() {
                out.push('<');
                out.push_str(&html_escape::decode_html_entities(tag));
                out.push('>');
            }
            continue;
        }
        if let Some(skipped) = &skipping {
            if closing && *skipped == name {
                skipping = None;
            }
            continue;
        }
        if SKIPPED_ELEMENTS.contains(&name.as_str()) && !closing && !tag.ends_with('/') {
            skipping = Some(name);
            continue;
        }
        if BLOCK_ELEMENTS.contains(&name.as_str()) {
            out.push_str(if name == "br" { "\n" } else { "\n\n" });
        }
    }
    if skipping.is_none() {
        out.push_str(&html_escape::decode_html_entities(rest));
    }
    tidy_blank_lines(&out)
}

/// Trims each line and keeps at most one blank line between paragraphs.
fn tidy_blank_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines().map(str::trim) {
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::testing::read_bytes;

    fn read(name: &str, content: &str) -> (Vec<Article>, Vec<Rejection>) {
        let mut articles = Vec::new();
        let mut rejections = Vec::new();
        for record in read_bytes(name, content.as_bytes()) {
            match record {
                Record::Article(a) => articles.push(*a),
                Record::Rejected(r) => rejections.push(r),
            }
        }
        (articles, rejections)
    }

    #[test]
    fn html_becomes_text() {
        let text = html_to_text(
            "<p>First &amp; <b>bold</b> point.</p><script>var x = 1;</script><p>Second<br/>line &lt;3</p>",
        );
        assert_eq!(text, "First & bold point.\n\nSecond\nline <3");
        assert_eq!(html_to_text("a < b and c > d"), "a < b and c > d");
        assert_eq!(html_to_text("unclosed <b"), "unclosed <b");
    }

    #[test]
    fn rss_items_are_articles() {
        let feed = r#"<?xml version="1.0"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Harbour Gazette</title>
<item><title>Ferry strike ends</title><link>https://example.org/a</link>
<guid>gazette-1</guid><pubDate>Tue, 02 Jan 2024 10:00:00 GMT</pubDate>
<description>Short.</description>
<content:encoded><![CDATA[<p>The ferry crews voted to return.</p><p>Sailings resume Friday.</p>]]></content:encoded></item>
<item><title>No text here</title></item>
</channel></rss>"#;
        let (articles, rejections) = read("feed.xml", feed);
        assert_eq!(articles.len(), 1);
        let a = &articles[0];
        assert_eq!(a.id, "gazette-1");
        assert_eq!(a.title, "Ferry strike ends");
        assert_eq!(a.body, "The ferry crews voted to return.\n\nSailings resume Friday.");
        assert_eq!(a.source.as_deref(), Some("Harbour Gazette"));
        assert_eq!(a.url.as_deref(), Some("https://example.org/a"));
        assert_eq!(
            a.date.map(|d| d.to_rfc3339()).as_deref(),
            Some("2024-01-02T10:00:00+00:00")
        );
        assert_eq!(a.location.line, Some(4));
        assert_eq!(rejections.len(), 1);
        assert_eq!(rejections[0].location.line, Some(8));
        assert!(
            rejections[0].reason.contains("no body text"),
            "{}",
            rejections[0].reason
        );
    }

    #[test]
    fn atom_entries_are_articles() {
        let feed = r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>Valley Wire</title>
<entry><id>urn:valley:7</id><title type="html">Bridge &amp;amp; road reopen</title>
<link rel="self" href="https://example.org/self"/><link href="https://example.org/7"/>
<updated>2023-05-04T08:00:00Z</updated><summary>Crews finished repairs overnight.</summary></entry>
</feed>"#;
        let (articles, rejections) = read("wire.atom", feed);
        assert!(rejections.is_empty(), "{rejections:?}");
        assert_eq!(articles[0].id, "urn:valley:7");
        assert_eq!(articles[0].title, "Bridge & road reopen");
        assert_eq!(articles[0].url.as_deref(), Some("https://example.org/7"));
        assert_eq!(articles[0].body, "Crews finished repairs overnight.");
    }

    #[test]
    fn reuters_records_are_articles() {
        let xml = r#"<?xml version="1.0"?>
<LEWIS>
<REUTERS NEWID="41"><DATE> 3-MAR-1987 09:15:00.00</DATE>
<TEXT><TITLE>GRAIN TALKS OPEN</TITLE><DATELINE>LONDON, March 3 - </DATELINE><BODY>Delegates met &lt;today&gt; to
discuss wheat quotas.</BODY></TEXT></REUTERS>
<REUTERS NEWID="42"><DATE>3-MAR-1987 09:16:00.00</DATE><TEXT><TITLE>HEADLINE ONLY</TITLE></TEXT></REUTERS>
</LEWIS>"#;
        let (articles, rejections) = read("reut2-000.xml", xml);
        assert_eq!(articles.len(), 1);
        assert_eq!(articles[0].id, "41");
        assert_eq!(articles[0].title, "GRAIN TALKS OPEN");
        assert_eq!(articles[0].body, "Delegates met <today> to\ndiscuss wheat quotas.");
        assert!(articles[0].date.is_some());
        assert_eq!(rejections.len(), 1);
        assert_eq!(rejections[0].location.line, Some(6));
    }

    #[test]
    fn other_xml_is_rejected_with_a_reason() {
        let (articles, rejections) = read("data.xml", "<catalog><book>x</book></catalog>");
        assert!(articles.is_empty());
        assert!(
            rejections[0].reason.contains("root is <catalog>"),
            "{}",
            rejections[0].reason
        );
        let (_, rejections) = read("broken.xml", "<rss><channel><item></channel>");
        assert!(
            rejections[0].reason.starts_with("not well-formed XML"),
            "{}",
            rejections[0].reason
        );
    }
}
