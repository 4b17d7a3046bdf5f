//! Ranking: BM25F, one query word scored over the title and the body at
//! once, with tunable saturation (`k1`) and length normalisation (`b`).
//! tantivy's BM25 scores one field and fixes them at 1.2 / 0.75; news and
//! abstracts rank better with a lighter length penalty (b 0.4, as Lucene's
//! Anserini baselines use), and the title's words join the body's before
//! saturation (see README, Ranking).

use std::sync::Arc;

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{Bm25StatisticsProvider, EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, SeekDangerResult, SegmentReader, Term, TERMINATED};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bm25Params {
    pub k1: Score,
    pub b: Score,
}

/// One query word scored over several fields at once (BM25F): each field's
/// frequency is divided by that field's own length normalisation and
/// weighted, and the weighted sum saturates once. Scoring the title and the
/// body as two BM25 terms and adding them saturates twice, so a word in both
/// counts almost double whatever its frequency; on collections with titles
/// that sum ranks below one field holding both (see README, Ranking).
#[derive(Debug, Clone)]
pub struct Bm25fTermQuery {
    fields: Vec<FieldTerm>,
    k1: Score,
}

/// A field of a [`Bm25fTermQuery`]: the word's term in it, how much one
/// occurrence there counts, and its length normalisation `b`.
#[derive(Debug, Clone)]
pub struct FieldTerm {
    pub term: Term,
    pub weight: Score,
    pub b: Score,
}

impl Bm25fTermQuery {
    pub fn new(fields: Vec<FieldTerm>, k1: Score) -> Bm25fTermQuery {
        Bm25fTermQuery { fields, k1 }
    }
}

impl Query for Bm25fTermQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let k1 = self.k1;
        let mut fields = Vec::with_capacity(self.fields.len());
        let mut idf = 0.0;
        if let Some(searcher) = enable_scoring
            .searcher()
            .filter(|_| enable_scoring.is_scoring_enabled())
        {
            let docs = Bm25StatisticsProvider::total_num_docs(searcher)?.max(1);
            // The documents holding the word in any field are at least as
            // many as in the field holding it most often.
            let mut doc_freq = 0;
            for field in &self.fields {
                doc_freq = doc_freq.max(Bm25StatisticsProvider::doc_freq(searcher, &field.term)?.min(docs));
            }
            idf = (1.0 + ((docs - doc_freq) as Score + 0.5) / (doc_freq as Score + 0.5)).ln();
            for field in &self.fields {
                let tokens = searcher.total_num_tokens(field.term.field())?;
                let average_length = (tokens as Score / docs as Score).max(1.0);
                let mut per_occurrence = [0.0; 256];
                for (id, value) in per_occurrence.iter_mut().enumerate() {
                    let length = FieldNormReader::id_to_fieldnorm(id as u8) as Score;
                    *value = field.weight / (1.0 - field.b + field.b * length / average_length);
                }
                fields.push(WeightedField {
                    term: field.term.clone(),
                    per_occurrence: Arc::new(per_occurrence),
                    weight: field.weight,
                    b: field.b,
                    average_length,
                });
            }
        } else {
            fields.extend(self.fields.iter().map(|f| WeightedField {
                term: f.term.clone(),
                per_occurrence: Arc::new([0.0; 256]),
                weight: f.weight,
                b: f.b,
                average_length: 1.0,
            }));
        }
        Ok(Box::new(Bm25fWeight {
            fields,
            idf,
            weight: idf * (k1 + 1.0),
            k1,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for field in &self.fields {
            visitor(&field.term, false);
        }
    }
}

struct Bm25fWeight {
    fields: Vec<WeightedField>,
    idf: Score,
    weight: Score,
    k1: Score,
}

/// A field's term and what one occurrence adds, by field norm id; and the
/// figures behind that, for explanations.
struct WeightedField {
    term: Term,
    per_occurrence: Arc<[Score; 256]>,
    weight: Score,
    b: Score,
    average_length: Score,
}

impl Bm25fWeight {
    fn bm25f_scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Option<Bm25fScorer>> {
        let mut fields = Vec::with_capacity(self.fields.len());
        for field in &self.fields {
            let postings = reader
                .inverted_index(field.term.field())?
                .read_postings(&field.term, IndexRecordOption::WithFreqs)?;
            if let Some(postings) = postings {
                fields.push(FieldPostings {
                    postings,
                    fieldnorms: reader.get_fieldnorms_reader(field.term.field())?,
                    per_occurrence: field.per_occurrence.clone(),
                });
            }
        }
        if fields.is_empty() {
            return Ok(None);
        }
        let doc = fields.iter().map(|f| f.postings.doc()).min().unwrap_or(TERMINATED);
        Ok(Some(Bm25fScorer {
            fields,
            doc,
            weight: self.weight * boost,
            k1: self.k1,
        }))
    }
}

impl Weight for Bm25fWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(match self.bm25f_scorer(reader, boost)? {
            Some(scorer) => Box::new(scorer),
            None => Box::new(EmptyScorer),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let not_matching = || tantivy::TantivyError::InvalidArgument(format!("document {doc} does not match"));
        let mut scorer = self.bm25f_scorer(reader, 1.0)?.ok_or_else(not_matching)?;
        if scorer.seek(doc) != doc {
            return Err(not_matching());
        }
        let word = self
            .fields
            .first()
            .and_then(|f| f.term.value().as_str().map(str::to_string))
            .unwrap_or_default();
        let mut explanation = Explanation::new_with_string(format!("bm25f `{word}`"), scorer.score());
        explanation.add_context(format!(
            "idf {:.3}, saturation k1 {}: score = idf × (k1 + 1) × f / (k1 + f)",
            self.idf, self.k1
        ));
        let mut frequency = 0.0;
        for field in &self.fields {
            let postings = reader
                .inverted_index(field.term.field())?
                .read_postings(&field.term, IndexRecordOption::WithFreqs)?;
            let Some(mut postings) = postings else { continue };
            // Fresh postings stand on their first document, which may be
            // past this one; seeking backwards is not allowed.
            if postings.doc() < doc {
                postings.seek(doc);
            }
            if postings.doc() != doc {
                continue;
            }
            let norms = reader.get_fieldnorms_reader(field.term.field())?;
            let length = norms.fieldnorm(doc);
            let contribution = postings.term_freq() as Score * field.per_occurrence[norms.fieldnorm_id(doc) as usize];
            frequency += contribution;
            let name = reader.schema().get_field_name(field.term.field()).to_string();
            let mut part = Explanation::new_with_string(format!("f from the {name}"), contribution);
            part.add_context(format!(
                "{} occurrence(s) in {length} words (average {:.1}), weight {}, b {}",
                postings.term_freq(),
                field.average_length,
                field.weight,
                field.b
            ));
            explanation.add_detail(part);
        }
        explanation.add_const("f, the weighted frequency", frequency);
        Ok(explanation)
    }
}

struct FieldPostings {
    postings: SegmentPostings,
    fieldnorms: FieldNormReader,
    per_occurrence: Arc<[Score; 256]>,
}

/// The documents holding the word in any of the fields, in order.
struct Bm25fScorer {
    fields: Vec<FieldPostings>,
    doc: DocId,
    weight: Score,
    k1: Score,
}

impl Bm25fScorer {
    fn settle(&mut self) -> DocId {
        self.doc = self.fields.iter().map(|f| f.postings.doc()).min().unwrap_or(TERMINATED);
        self.doc
    }
}

impl DocSet for Bm25fScorer {
    fn advance(&mut self) -> DocId {
        let current = self.doc;
        for field in &mut self.fields {
            if field.postings.doc() == current {
                field.postings.advance();
            }
        }
        self.settle()
    }
    fn seek(&mut self, target: DocId) -> DocId {
        for field in &mut self.fields {
            if field.postings.doc() < target {
                field.postings.seek(target);
            }
        }
        self.settle()
    }
    fn doc(&self) -> DocId {
        self.doc
    }
    fn size_hint(&self) -> u32 {
        self.fields.iter().map(|f| f.postings.size_hint()).max().unwrap_or(0)
    }
}

impl Scorer for Bm25fScorer {
    fn score(&mut self) -> Score {
        let doc = self.doc;
        let mut frequency = 0.0;
        for field in &self.fields {
            if field.postings.doc() == doc {
                let norm = field.fieldnorms.fieldnorm_id(doc) as usize;
                frequency += field.postings.term_freq() as Score * field.per_occurrence[norm];
            }
        }
        self.weight * frequency / (self.k1 + frequency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::TopDocs;
    use tantivy::schema::{Schema, TEXT};
    use tantivy::{doc, Index, TantivyDocument};

    fn index(docs: &[(&str, &str)]) -> (Index, tantivy::schema::Field, tantivy::schema::Field) {
        let mut builder = Schema::builder();
        let title = builder.add_text_field("title", TEXT);
        let body = builder.add_text_field("body", TEXT);
        let index = Index::create_in_ram(builder.build());
        let mut writer: tantivy::IndexWriter<TantivyDocument> = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for (t, b) in docs {
            writer.add_document(doc!(title => *t, body => *b)).unwrap();
        }
        writer.commit().unwrap();
        (index, title, body)
    }

    fn query(title: tantivy::schema::Field, body: tantivy::schema::Field, word: &str) -> Bm25fTermQuery {
        Bm25fTermQuery::new(
            vec![
                FieldTerm {
                    term: Term::from_field_text(title, word),
                    weight: 3.0,
                    b: 0.4,
                },
                FieldTerm {
                    term: Term::from_field_text(body, word),
                    weight: 1.0,
                    b: 0.4,
                },
            ],
            1.2,
        )
    }

    #[test]
    fn a_word_in_either_field_matches_once_and_saturates_once() {
        let (index, title, body) = index(&[
            ("storm warning", "a storm is coming and the storm is big"),
            ("storm", "nothing here"),
            ("quiet day", "the storm passed"),
            ("quiet day", "nothing at all"),
        ]);
        let searcher = index.reader().unwrap().searcher();
        let hits = searcher
            .search(&query(title, body, "storm"), &TopDocs::with_limit(10).order_by_score())
            .unwrap();
        let docs: Vec<u32> = hits.iter().map(|(_, d)| d.doc_id).collect();
        assert_eq!(docs.len(), 3, "each document holding the word once: {hits:?}");
        assert_eq!(docs[0], 0, "title and body together rank first: {hits:?}");
        // Saturating once, no score can reach idf × (k1 + 1), however often
        // the word occurs; the sum of two field scores could reach twice it.
        // Document frequency: the larger of the two fields' (2 each).
        let idf = (1.0 + (4.0 - 2.0 + 0.5) / (2.0 + 0.5f32)).ln();
        for (score, address) in &hits {
            assert!(*score < idf * 2.2, "{score} for {address:?}");
            let explained = query(title, body, "storm").explain(&searcher, *address).unwrap();
            assert!(
                (explained.value() - score).abs() < 1e-5,
                "explain {} vs {score}",
                explained.value()
            );
        }
    }

    #[test]
    fn the_score_is_bm25f() {
        let (index, title, body) = index(&[("red", "red red blue"), ("blue", "green green green green")]);
        let searcher = index.reader().unwrap().searcher();
        let hits = searcher
            .search(&query(title, body, "red"), &TopDocs::with_limit(10).order_by_score())
            .unwrap();
        assert_eq!(hits.len(), 1);
        // Average lengths: title 1, body 3.5; document 0 has title length 1 and body length 3.
        let title_part = 3.0 * 1.0 / (1.0 - 0.4 + 0.4 * 1.0 / 1.0);
        let body_part = 1.0 * 2.0 / (1.0 - 0.4 + 0.4 * 3.0 / 3.5);
        let f: f32 = title_part + body_part;
        let idf = (1.0 + (2.0 - 1.0 + 0.5) / (1.0 + 0.5f32)).ln();
        let expected = idf * 2.2 * f / (1.2 + f);
        assert!((hits[0].0 - expected).abs() < 1e-4, "{} vs {expected}", hits[0].0);
    }

    #[test]
    fn proximity_on_the_words_documents_scores_as_one_boolean_query() {
        use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery};
        // The pair "white house" occurs in many documents the words do not
        // all match, before, between and after the ones they do.
        let mut docs: Vec<(String, String)> = Vec::new();
        for i in 0..300 {
            let body = match i % 7 {
                0 => "the white house press secretary spoke",
                1 => "white house staff said little",
                2 => "a press secretary of the white and blue house",
                3 => "the press secretary left the white house",
                4 => "house prices rose; white paint sold out",
                _ => "nothing to see",
            };
            docs.push((format!("title {}", i % 5), body.to_string()));
        }
        let pairs: Vec<(&str, &str)> = docs.iter().map(|(t, b)| (t.as_str(), b.as_str())).collect();
        let (index, title, body) = index(&pairs);
        let searcher = index.reader().unwrap().searcher();
        let words = ["white", "house", "press"];
        for occur in [Occur::Must, Occur::Should] {
            let word_clauses = || -> Vec<(Occur, Box<dyn Query>)> {
                words
                    .iter()
                    .map(|w| (occur, Box::new(query(title, body, w)) as Box<dyn Query>))
                    .collect()
            };
            let phrases: Vec<Box<dyn Query>> = [("white", "house"), ("house", "press")]
                .iter()
                .map(|(a, b)| {
                    let mut phrase =
                        PhraseQuery::new(vec![Term::from_field_text(body, a), Term::from_field_text(body, b)]);
                    phrase.set_slop(2);
                    Box::new(BoostQuery::new(Box::new(phrase), 0.2)) as Box<dyn Query>
                })
                .collect();
            let mut together = word_clauses();
            together.extend(phrases.iter().map(|p| (Occur::Should, p.box_clone())));
            let expected = searcher
                .search(
                    &BooleanQuery::new(together),
                    &TopDocs::with_limit(1000).order_by_score(),
                )
                .unwrap();
            let fast = WordsWithProximity {
                words: Box::new(BooleanQuery::new(word_clauses())),
                proximity: phrases,
            };
            let got = searcher
                .search(&fast, &TopDocs::with_limit(1000).order_by_score())
                .unwrap();
            assert_eq!(got.len(), expected.len(), "{occur:?}");
            let mut expected: Vec<(u32, f32)> = expected.iter().map(|(s, d)| (d.doc_id, *s)).collect();
            let mut got: Vec<(u32, f32)> = got.iter().map(|(s, d)| (d.doc_id, *s)).collect();
            expected.sort_by_key(|(d, _)| *d);
            got.sort_by_key(|(d, _)| *d);
            for ((d1, s1), (d2, s2)) in got.iter().zip(&expected) {
                assert_eq!(d1, d2);
                assert!((s1 - s2).abs() < 1e-5, "{occur:?} doc {d1}: {s1} vs {s2}");
            }
            let (_, top) = searcher
                .search(&fast, &TopDocs::with_limit(1).order_by_score())
                .unwrap()
                .remove(0);
            let explained = fast.explain(&searcher, top).unwrap();
            assert!((explained.value() - got.iter().find(|(d, _)| *d == top.doc_id).unwrap().1).abs() < 1e-5);
        }
    }
}

/// A query whose explanation never seeks backwards, under a name of our
/// own. tantivy's phrase weight explains a document by seeking a fresh
/// scorer to it, which its debug builds refuse when the scorer's first
/// match is already past it; a boolean query explains every clause,
/// matching or not. The name says what the clause is ("proximity
/// `electoral commission` in the body"): tantivy's says "Phrase Scorer".
#[derive(Debug, Clone)]
pub struct ForwardExplain<Q: Query + Clone> {
    pub query: Q,
    pub name: String,
}

impl<Q: Query + Clone> Query for ForwardExplain<Q> {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(ForwardWeight {
            inner: self.query.weight(enable_scoring)?,
            name: self.name.clone(),
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.query.query_terms(visitor);
    }
}

struct ForwardWeight {
    inner: Box<dyn Weight>,
    name: String,
}

impl Weight for ForwardWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        self.inner.scorer(reader, boost)
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        if self.inner.scorer(reader, 1.0)?.doc() > doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        }
        let inner = self.inner.explain(reader, doc)?;
        let mut named = Explanation::new_with_string(self.name.clone(), inner.value());
        named.add_detail(inner);
        Ok(named)
    }
}

/// A query's words, with its proximity clauses scored only on the
/// documents the words match. It ranks as one boolean query of both would,
/// but tantivy scores optional clauses by seeking their union, which walks
/// every document each phrase matches ahead of the words: for common pairs
/// ("white house") that was most of a served search's time.
#[derive(Debug)]
pub struct WordsWithProximity {
    pub words: Box<dyn Query>,
    pub proximity: Vec<Box<dyn Query>>,
}

impl Clone for WordsWithProximity {
    fn clone(&self) -> WordsWithProximity {
        WordsWithProximity {
            words: self.words.box_clone(),
            proximity: self.proximity.iter().map(|query| query.box_clone()).collect(),
        }
    }
}

impl Query for WordsWithProximity {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let words = self.words.weight(enable_scoring)?;
        if !enable_scoring.is_scoring_enabled() {
            // Proximity never decides what matches.
            return Ok(words);
        }
        let proximity = self
            .proximity
            .iter()
            .map(|query| query.weight(enable_scoring))
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(Box::new(WordsWithProximityWeight { words, proximity }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.words.query_terms(visitor);
        for query in &self.proximity {
            query.query_terms(visitor);
        }
    }
}

struct WordsWithProximityWeight {
    words: Box<dyn Weight>,
    proximity: Vec<Box<dyn Weight>>,
}

impl Weight for WordsWithProximityWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let words = self.words.scorer(reader, boost)?;
        let proximity = self
            .proximity
            .iter()
            .map(|weight| {
                let scorer = weight.scorer(reader, boost)?;
                Ok(ProximityClause {
                    next_possible: scorer.doc(),
                    scorer,
                })
            })
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(Box::new(WordsWithProximityScorer {
            words,
            proximity,
            scored: None,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let words = self.words.explain(reader, doc)?;
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        }
        let mut explanation = Explanation::new("the words, plus the proximity of neighbouring words", scorer.score());
        explanation.add_detail(words);
        for weight in &self.proximity {
            if let Ok(detail) = weight.explain(reader, doc) {
                explanation.add_detail(detail);
            }
        }
        Ok(explanation)
    }
}

/// A proximity clause's scorer and the first document it can still match.
/// It is only ever asked about documents the words match, in increasing
/// order, through `seek_danger`, which checks one document without walking
/// to the next match.
struct ProximityClause {
    scorer: Box<dyn Scorer>,
    next_possible: DocId,
}

struct WordsWithProximityScorer {
    words: Box<dyn Scorer>,
    proximity: Vec<ProximityClause>,
    /// The last document scored and its score: a clause is asked about a
    /// document once, so a second `score` must not ask again.
    scored: Option<(DocId, Score)>,
}

impl DocSet for WordsWithProximityScorer {
    fn advance(&mut self) -> DocId {
        self.words.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.words.seek(target)
    }

    fn doc(&self) -> DocId {
        self.words.doc()
    }

    fn size_hint(&self) -> u32 {
        self.words.size_hint()
    }

    fn cost(&self) -> u64 {
        self.words.cost()
    }
}

impl Scorer for WordsWithProximityScorer {
    fn score(&mut self) -> Score {
        let doc = self.words.doc();
        if let Some((scored, score)) = self.scored {
            if scored == doc {
                return score;
            }
        }
        let mut score = self.words.score();
        for clause in &mut self.proximity {
            if clause.next_possible > doc {
                continue;
            }
            match clause.scorer.seek_danger(doc) {
                SeekDangerResult::Found => {
                    score += clause.scorer.score();
                    clause.next_possible = doc + 1;
                }
                SeekDangerResult::SeekLowerBound(bound) => clause.next_possible = bound.max(doc + 1),
            }
        }
        self.scored = Some((doc, score));
        score
    }
}
