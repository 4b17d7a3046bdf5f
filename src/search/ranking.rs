//! Ranking: BM25 with tunable saturation (`k1`) and length normalisation
//! (`b`). tantivy fixes them at 1.2 / 0.75; news and abstracts rank better
//! with the lighter length penalty Lucene's Anserini baselines use (0.9 /
//! 0.4), which the Vaswani test collection confirms (see README, Ranking).

use std::sync::Arc;

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{Bm25StatisticsProvider, EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, SegmentReader, Term};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bm25Params {
    pub k1: Score,
    pub b: Score,
}

impl Default for Bm25Params {
    fn default() -> Bm25Params {
        Bm25Params { k1: 0.9, b: 0.4 }
    }
}

/// A single-term query scored by BM25 with [`Bm25Params`].
#[derive(Debug, Clone)]
pub struct Bm25TermQuery {
    term: Term,
    params: Bm25Params,
}

impl Bm25TermQuery {
    pub fn new(term: Term, params: Bm25Params) -> Bm25TermQuery {
        Bm25TermQuery { term, params }
    }
}

impl Query for Bm25TermQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let (idf, average_length) = match enable_scoring.searcher() {
            Some(searcher) if enable_scoring.is_scoring_enabled() => {
                let docs = Bm25StatisticsProvider::total_num_docs(searcher)?.max(1);
                let doc_freq = Bm25StatisticsProvider::doc_freq(searcher, &self.term)?.min(docs);
                let tokens = searcher.total_num_tokens(self.term.field())?;
                let idf = (1.0 + ((docs - doc_freq) as Score + 0.5) / (doc_freq as Score + 0.5)).ln();
                (idf, (tokens as Score / docs as Score).max(1.0))
            }
            _ => (0.0, 1.0),
        };
        let Bm25Params { k1, b } = self.params;
        let mut norms = [0.0; 256];
        for (id, norm) in norms.iter_mut().enumerate() {
            let length = FieldNormReader::id_to_fieldnorm(id as u8) as Score;
            *norm = k1 * (1.0 - b + b * length / average_length);
        }
        Ok(Box::new(Bm25TermWeight {
            term: self.term.clone(),
            weight: idf * (k1 + 1.0),
            norms: Arc::new(norms),
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        visitor(&self.term, false);
    }
}

struct Bm25TermWeight {
    term: Term,
    weight: Score,
    norms: Arc<[Score; 256]>,
}

impl Bm25TermWeight {
    fn term_scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Option<Bm25Scorer>> {
        let field = self.term.field();
        let postings = reader
            .inverted_index(field)?
            .read_postings(&self.term, IndexRecordOption::WithFreqs)?;
        Ok(match postings {
            None => None,
            Some(postings) => Some(Bm25Scorer {
                postings,
                fieldnorms: reader.get_fieldnorms_reader(field)?,
                weight: self.weight * boost,
                norms: self.norms.clone(),
            }),
        })
    }
}

impl Weight for Bm25TermWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(match self.term_scorer(reader, boost)? {
            Some(scorer) => Box::new(scorer),
            None => Box::new(EmptyScorer),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let not_matching = || tantivy::TantivyError::InvalidArgument(format!("document {doc} does not match"));
        let mut scorer = self.term_scorer(reader, 1.0)?.ok_or_else(not_matching)?;
        if scorer.seek(doc) != doc {
            return Err(not_matching());
        }
        let score = scorer.score();
        Ok(Explanation::new("bm25 (newsdex k1, b)", score))
    }
}

struct Bm25Scorer {
    postings: SegmentPostings,
    fieldnorms: FieldNormReader,
    weight: Score,
    norms: Arc<[Score; 256]>,
}

impl DocSet for Bm25Scorer {
    fn advance(&mut self) -> DocId {
        self.postings.advance()
    }
    fn seek(&mut self, target: DocId) -> DocId {
        self.postings.seek(target)
    }
    fn doc(&self) -> DocId {
        self.postings.doc()
    }
    fn size_hint(&self) -> u32 {
        self.postings.size_hint()
    }
}

impl Scorer for Bm25Scorer {
    fn score(&mut self) -> Score {
        let doc = self.postings.doc();
        let tf = self.postings.term_freq() as Score;
        let norm = self.norms[self.fieldnorms.fieldnorm_id(doc) as usize];
        self.weight * tf / (tf + norm)
    }
}
