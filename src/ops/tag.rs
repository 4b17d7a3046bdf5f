//! `newsdex tag`: tags articles read from files or a stream and hands each
//! one, with its facets, their names and the sentence behind each dyad, to
//! the caller in input order, without an index. Articles are tagged a batch
//! at a time on every core, so memory stays bounded whatever the input's
//! size and the output keeps the input's order.

use std::collections::BTreeMap;
use std::io::{self, BufRead};

use rayon::prelude::*;
use serde::Serialize;

use crate::ingest::{self, Article, FieldMap, Inputs, Location, Record, Rejection};
use crate::search::{format_date, EvidenceSentence};
use crate::tag::{Extractor, Labels};

/// Articles tagged together on every core; the output waits for a batch.
const BATCH: usize = 256;

/// Where `tag` reads articles from.
pub enum TagInput {
    Files(Inputs),
    /// A stream (standard input) in any format newsdex reads, JSON Lines
    /// the most likely; `name` is what messages call it.
    Stream {
        name: String,
        reader: Box<dyn BufRead + Send>,
    },
}

/// One article with what the tagger found in it.
#[derive(Debug, Clone, Serialize)]
pub struct TaggedArticle {
    pub id: String,
    pub title: String,
    pub date: Option<String>,
    pub source: Option<String>,
    pub url: Option<String>,
    /// The body text, with `--with-text` (what `index --tagged` reads).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    pub actors: Vec<String>,
    pub events: Vec<String>,
    pub mentions: Vec<String>,
    pub dyads: Vec<String>,
    /// For each dyad, the body sentence it was read from.
    pub evidence: Vec<EvidenceSentence>,
    /// The display name of every facet value above.
    pub labels: BTreeMap<String, String>,
    /// Where the article was read: file, and line or record.
    pub location: Location,
}

/// What a `tag` run read: every record is tagged or rejected.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TagReport {
    pub read: u64,
    pub tagged: u64,
    pub rejected: u64,
}

/// Tags every article of `input`, handing each to `emit` in input order and
/// each record that is not an article to `reject`. Stops at the first error
/// `emit` returns (a closed pipe), after the batch it was writing.
pub fn tag(
    input: TagInput,
    fields: &FieldMap,
    with_text: bool,
    extractor: &Extractor,
    labels: &Labels,
    emit: &mut dyn FnMut(&TaggedArticle) -> io::Result<()>,
    reject: &mut dyn FnMut(&Rejection),
) -> io::Result<TagReport> {
    let mut run = Run {
        extractor,
        labels,
        with_text,
        batch: Vec::with_capacity(BATCH),
        report: TagReport::default(),
        failed: None,
        emit,
    };
    let mut sink = |record: Record| run.take(record, reject);
    match input {
        TagInput::Files(inputs) => {
            for rejection in &inputs.unreadable {
                sink(Record::Rejected(rejection.clone()));
            }
            for path in &inputs.files {
                ingest::read_file(path, fields, &mut sink);
            }
        }
        TagInput::Stream { name, reader } => ingest::read_stream(&name, reader, fields, &mut sink),
    }
    run.flush();
    match run.failed {
        Some(err) => Err(err),
        None => Ok(run.report),
    }
}

struct Run<'a> {
    extractor: &'a Extractor,
    labels: &'a Labels,
    with_text: bool,
    batch: Vec<Article>,
    report: TagReport,
    /// The first error writing out; reading goes on, tagging stops.
    failed: Option<io::Error>,
    emit: &'a mut dyn FnMut(&TaggedArticle) -> io::Result<()>,
}

impl Run<'_> {
    fn take(&mut self, record: Record, reject: &mut dyn FnMut(&Rejection)) {
        self.report.read += 1;
        match record {
            Record::Article(article) => {
                self.batch.push(*article);
                if self.batch.len() == BATCH {
                    self.flush();
                }
            }
            Record::Rejected(rejection) => {
                self.report.rejected += 1;
                reject(&rejection);
            }
        }
    }

    fn flush(&mut self) {
        let batch = std::mem::take(&mut self.batch);
        if self.failed.is_some() || batch.is_empty() {
            return;
        }
        let (extractor, labels, with_text) = (self.extractor, self.labels, self.with_text);
        let tagged: Vec<TaggedArticle> = batch
            .into_par_iter()
            .map(|article| tagged(extractor, labels, article, with_text))
            .collect();
        for article in &tagged {
            if let Err(err) = (self.emit)(article) {
                self.failed = Some(err);
                return;
            }
            self.report.tagged += 1;
        }
    }
}

fn tagged(extractor: &Extractor, labels: &Labels, article: Article, with_text: bool) -> TaggedArticle {
    let tags = extractor.tag(&article.title, &article.body, article.date.map(|d| d.timestamp()));
    let evidence = EvidenceSentence::from_body(&article.body, &tags.evidence);
    let list = |set: &std::collections::BTreeSet<String>| set.iter().cloned().collect::<Vec<_>>();
    let (actors, events, mentions, dyads) = (
        list(&tags.actors),
        list(&tags.events),
        list(&tags.mentions),
        list(&tags.dyads),
    );
    let labels = labels.for_paths(actors.iter().chain(&events).chain(&mentions).chain(&dyads));
    TaggedArticle {
        id: article.id,
        title: article.title,
        date: article.date.map(|d| format_date(d.timestamp())),
        source: article.source,
        url: article.url,
        body: with_text.then_some(article.body),
        actors,
        events,
        mentions,
        dyads,
        evidence,
        labels,
        location: article.location,
    }
}
