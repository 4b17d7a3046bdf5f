//! Highlighted snippets, chosen exactly as tantivy's `SnippetGenerator`
//! chooses them over newsdex's text analyser (cut the text into passages
//! of at most `max_chars` bytes at word starts, score each by the weights of
//! the query terms it holds, keep the best, earliest on ties) but without
//! running every word through the analyser's filter chain: a plain ASCII
//! word is lower-cased in place, checked against the stop words and the
//! [`StemGate`], and only stemmed (and looked up) when the gate lets it
//! through. Words with other characters take the analyser's own filters.
//! Profiled on the bench queries, the filter chain and a lower-cased copy
//! of every word for the term lookup were 40% of query time.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::sync::Arc;

use tantivy::query::Query;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, Stemmer, TextAnalyzer, Token, TokenFilter, TokenStream,
    Tokenizer,
};
use tantivy::{Score, Term};

use super::Snippet;
use crate::store::{is_stop_word, MAX_WORD_BYTES};
use crate::words::words;
use crate::Error;

/// Builds snippets of one field's text for one query.
#[derive(Clone)]
pub struct Highlighter {
    /// The query's terms in this field (stemmed, as indexed), with weights.
    terms: Vec<(String, Score)>,
    gate: StemGate,
    max_chars: usize,
    /// Lower-cases and folds a word that is not plain ASCII.
    fold: TextAnalyzer,
    stem: TextAnalyzer,
}

struct Passage {
    score: Score,
    start: usize,
    stop: usize,
    highlighted: Vec<Range<usize>>,
}

impl Passage {
    fn new(start: usize) -> Passage {
        Passage {
            score: 0.0,
            start,
            stop: start,
            highlighted: Vec::new(),
        }
    }
}

impl Highlighter {
    pub fn new(terms: BTreeMap<String, Score>, max_chars: usize) -> Highlighter {
        let gate = StemGate::new(terms.keys());
        Highlighter {
            terms: terms.into_iter().collect(),
            gate,
            max_chars,
            fold: TextAnalyzer::builder(RawTokenizer::default())
                .filter(LowerCaser)
                .filter(AsciiFoldingFilter)
                .build(),
            stem: TextAnalyzer::builder(RawTokenizer::default())
                .filter(Stemmer::new(Language::English))
                .build(),
        }
    }

    /// The best passage of `text`; without any query term, an empty snippet.
    pub fn snippet(&mut self, text: &str) -> Snippet {
        let passages = self.passages(text);
        // tantivy's choice: the highest score, the earliest passage on ties.
        let best = passages.iter().max_by(|a, b| {
            a.score
                .partial_cmp(&b.score)
                .unwrap_or(std::cmp::Ordering::Equal)
                .then_with(|| (b.start, b.stop).cmp(&(a.start, a.stop)))
        });
        match best {
            Some(p) => Snippet {
                text: text[p.start..p.stop].to_string(),
                highlights: p
                    .highlighted
                    .iter()
                    .map(|r| [r.start - p.start, r.end - p.start])
                    .collect(),
            },
            None => Snippet {
                text: String::new(),
                highlights: Vec::new(),
            },
        }
    }

    fn passages(&mut self, text: &str) -> Vec<Passage> {
        let mut passages = Vec::new();
        let mut passage = Passage::new(0);
        for (from, to) in words(text) {
            let raw = &text[from..to];
            if raw.len() >= MAX_WORD_BYTES {
                continue;
            }
            let weight = if raw.is_ascii() {
                let mut lower = [0u8; MAX_WORD_BYTES];
                let lower = &mut lower[..raw.len()];
                lower.copy_from_slice(raw.as_bytes());
                lower.make_ascii_lowercase();
                let lower = std::str::from_utf8(lower).expect("ASCII");
                if is_stop_word(lower) {
                    continue;
                }
                self.weight(lower)
            } else {
                let mut folded = String::new();
                self.fold.token_stream(raw).process(&mut |t| folded.push_str(&t.text));
                if is_stop_word(&folded) {
                    continue;
                }
                self.weight(&folded)
            };
            if to - passage.start > self.max_chars {
                if passage.score > 0.0 {
                    passages.push(passage);
                }
                passage = Passage::new(from);
            }
            passage.stop = to;
            if let Some(weight) = weight {
                passage.score += weight;
                passage.highlighted.push(from..to);
            }
        }
        if passage.score > 0.0 {
            passages.push(passage);
        }
        passages
    }

    /// The weight of the query term a lower-cased, folded word stems to.
    fn weight(&mut self, word: &str) -> Option<Score> {
        if !self.gate.admits(word) {
            return None;
        }
        let mut stemmed = String::new();
        self.stem.token_stream(word).process(&mut |t| stemmed.push_str(&t.text));
        let stemmed = stemmed.to_lowercase();
        self.terms
            .iter()
            .find(|(term, _)| *term == stemmed)
            .map(|(_, weight)| *weight)
    }
}

/// tantivy's default snippet length, which title snippets have always used.
pub(super) const TITLE_SNIPPET_CHARS: usize = 150;

/// Snippets of `field` for `query`: the query's terms in that field,
/// weighted by rarity as `SnippetGenerator::create` weighs them.
pub(super) fn highlighter(
    searcher: &tantivy::Searcher,
    query: &dyn Query,
    field: tantivy::schema::Field,
    max_chars: usize,
) -> Result<Highlighter, Error> {
    let mut terms: BTreeSet<&Term> = BTreeSet::new();
    query.query_terms(&mut |term, _| {
        if term.field() == field {
            terms.insert(term);
        }
    });
    let mut terms_text: BTreeMap<String, Score> = BTreeMap::new();
    for term in terms {
        let value = term.value();
        let Some(text) = value.as_str() else {
            continue;
        };
        let doc_freq = searcher.doc_freq(term)?;
        if doc_freq > 0 {
            terms_text.insert(text.to_string(), 1.0 / (1.0 + doc_freq as Score));
        }
    }
    Ok(Highlighter::new(terms_text, max_chars))
}

/// Lets a word through to the stemmer only when it starts with the first two
/// characters of a query term (the whole term if shorter); any other word is
/// blanked, which no term matches. Sound because English (Porter 2) stemming
/// keeps a word's first two characters, save `?ying` → `?ie` (`dying` →
/// `die`), let through for terms whose second character is `i`: checked on
/// the 235,983 distinct words of allsides + reuters21578.
#[derive(Clone)]
pub struct StemGate {
    prefixes: Arc<Vec<String>>,
}

impl StemGate {
    pub fn new<'a>(terms: impl IntoIterator<Item = &'a String>) -> StemGate {
        let mut prefixes = Vec::new();
        for term in terms {
            let mut chars = term.chars();
            let (first, second) = (chars.next(), chars.next());
            prefixes.push(first.into_iter().chain(second).collect::<String>());
            if let (Some(first), Some('i')) = (first, second) {
                prefixes.push(format!("{first}y"));
            }
        }
        prefixes.sort();
        prefixes.dedup();
        StemGate {
            prefixes: Arc::new(prefixes),
        }
    }

    pub(crate) fn admits(&self, word: &str) -> bool {
        self.prefixes.iter().any(|p| word.starts_with(p.as_str()))
    }
}

impl TokenFilter for StemGate {
    type Tokenizer<T: Tokenizer> = StemGateTokenizer<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> StemGateTokenizer<T> {
        StemGateTokenizer { gate: self, inner }
    }
}

#[derive(Clone)]
pub struct StemGateTokenizer<T> {
    gate: StemGate,
    inner: T,
}

impl<T: Tokenizer> Tokenizer for StemGateTokenizer<T> {
    type TokenStream<'a> = StemGateStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        StemGateStream {
            gate: &self.gate,
            tail: self.inner.token_stream(text),
        }
    }
}

pub struct StemGateStream<'a, T> {
    gate: &'a StemGate,
    tail: T,
}

impl<T: TokenStream> TokenStream for StemGateStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if !self.gate.admits(&token.text) {
            token.text.clear();
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// The body passage with the most matched terms; failing that, the title when
/// it matched; failing that, the lead.
pub(super) fn best_snippet(
    body: &str,
    title: &str,
    snippets: &mut Highlighter,
    title_snippets: &mut Highlighter,
    chars: usize,
) -> Snippet {
    let from_body = snippets.snippet(body);
    if !from_body.highlights.is_empty() {
        return from_body;
    }
    let from_title = title_snippets.snippet(title);
    if !from_title.highlights.is_empty() {
        return from_title;
    }
    Snippet {
        text: lead(body, chars),
        highlights: Vec::new(),
    }
}

/// The first `chars` characters of a text, cut at a word boundary.
pub fn lead(text: &str, chars: usize) -> String {
    let text = text.trim();
    match text.char_indices().nth(chars) {
        None => text.to_string(),
        Some((cut, _)) => {
            let cut = text[..cut].rfind(char::is_whitespace).unwrap_or(cut);
            text[..cut].trim_end().to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::tantivy_chain;
    use tantivy::snippet::SnippetGenerator;

    fn tantivy_snippet(terms: &BTreeMap<String, Score>, max_chars: usize, text: &str) -> Snippet {
        let analyzer = tantivy_chain()
            .filter(StemGate::new(terms.keys()))
            .filter(Stemmer::new(Language::English))
            .build();
        let mut schema = tantivy::schema::Schema::builder();
        let field = schema.add_text_field("body", tantivy::schema::TEXT);
        let generator = SnippetGenerator::new(terms.clone(), analyzer, field, max_chars);
        let snippet = generator.snippet(text);
        Snippet {
            text: snippet.fragment().to_string(),
            highlights: snippet.highlighted().iter().map(|r| [r.start, r.end]).collect(),
        }
    }

    /// The same passages and highlights as tantivy's generator over the
    /// same analyser, on the bundled corpus and on hostile text.
    #[test]
    fn snippets_match_tantivys() {
        let mut texts: Vec<String> = vec![
            String::new(),
            "Sanctions! SANCTIONED sanctioning: the sanctions, and the Sanction.".into(),
            "Ça coûte: Élection, ÉLECTIONS, élections électorales; Ｆｕｌｌｗｉｄｔｈ election ΣΊΣΥΦΟΣ".into(),
            format!("{} sanctions {} dying skies tie", "x".repeat(39), "sanctions".repeat(5)),
            "The trade war, and the war on trade: tariffs to the tariff-free zone; 1987's dividends.".into(),
            "naïve café résumé — ﬁnance ﬂow, ǅemal Straße election-year re-election".into(),
        ];
        for entry in walkdir::WalkDir::new(concat!(env!("CARGO_MANIFEST_DIR"), "/corpus"))
            .into_iter()
            .flatten()
        {
            if let Ok(text) = std::fs::read_to_string(entry.path()) {
                texts.push(text.chars().take(20_000).collect());
            }
        }
        let queries: &[&[&str]] = &[
            &["sanction"],
            &["elect", "trade"],
            &["tariff", "war", "die"],
            &["financ", "cafe", "naiv"],
            &["dividend", "1987"],
            &["china", "ministri", "foreign", "said"],
            &["sky", "ti"],
        ];
        for words in queries {
            let terms: BTreeMap<String, Score> = words
                .iter()
                .enumerate()
                .map(|(i, w)| (w.to_string(), 1.0 / (2.0 + i as Score)))
                .collect();
            for max_chars in [20, 150, 200] {
                let mut ours = Highlighter::new(terms.clone(), max_chars);
                for text in &texts {
                    assert_eq!(
                        ours.snippet(text),
                        tantivy_snippet(&terms, max_chars, text),
                        "terms {words:?}, {max_chars} chars, text starting {:?}",
                        text.chars().take(60).collect::<String>()
                    );
                }
            }
        }
    }

    #[test]
    fn stem_gate_admits_every_word_that_stems_to_a_term() {
        let mut stem = TextAnalyzer::builder(tantivy::tokenizer::RawTokenizer::default())
            .filter(Stemmer::new(Language::English))
            .build();
        let words = "dying lying tying vying skies skis news early only idly gently singly sanctioned cries ties \
                     generously communism a is x1980s";
        for word in words.split_whitespace() {
            let mut stemmed = String::new();
            stem.token_stream(word).process(&mut |t| stemmed = t.text.clone());
            let gate = StemGate::new([&stemmed]);
            assert!(
                gate.admits(word),
                "{word} stems to {stemmed}, which the gate turns away"
            );
        }
        assert!(!StemGate::new([&"sanction".to_string()]).admits("tariff"));
    }
}
