//! The `news` text analyser for titles and bodies, in one pass.
//!
//! It gives exactly the tokens of tantivy's chain `SimpleTokenizer →
//! RemoveLongFilter(40) → LowerCaser → AsciiFoldingFilter → StopWordFilter →
//! Stemmer(English)` (same words, positions and offsets; a test compares the
//! two over the bundled corpus and hostile text), but a plain ASCII word is
//! found and lower-cased in one scan and its stem is looked up in a table
//! this tokenizer fills as it goes. Profiled on the bench corpus, stemming
//! every word again was a third of what bare tantivy spent indexing, and
//! the same few thousand words make up most of any news text.

use rustc_hash::FxHashMap;

use crate::words::next_word;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, Stemmer, StopWordFilter, TextAnalyzer, Token, TokenStream,
    Tokenizer,
};

/// Lucene's English stop set: common words that carry no ranking signal.
pub(crate) const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no", "not", "of",
    "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was", "will", "with",
];

/// Whether a lower-cased word is in [`STOP_WORDS`]: the snippet
/// highlighter asks for every word of every hit's body, so the words are
/// compared as integers (none is over 8 bytes) rather than as strings.
pub(crate) fn is_stop_word(word: &str) -> bool {
    word.len() <= 8 && STOP_WORD_KEYS.contains(&stop_word_key(word.as_bytes()))
}

/// A word of at most 8 bytes packed into an integer, little-endian.
const fn stop_word_key(word: &[u8]) -> u64 {
    let mut key = 0u64;
    let mut i = 0;
    while i < word.len() {
        key |= (word[i] as u64) << (8 * i);
        i += 1;
    }
    key
}

const STOP_WORD_KEYS: [u64; STOP_WORDS.len()] = {
    let mut keys = [0u64; STOP_WORDS.len()];
    let mut i = 0;
    while i < STOP_WORDS.len() {
        assert!(STOP_WORDS[i].len() <= 8);
        keys[i] = stop_word_key(STOP_WORDS[i].as_bytes());
        i += 1;
    }
    keys
};

/// Words this long (in bytes) or longer are not indexed.
pub(crate) const MAX_WORD_BYTES: usize = 40;

/// Sets of the table of short words: two 32-byte slots in each 64-byte
/// set, so that a word is looked up in one cache line; 4 MB in all (it
/// lives in the shared level-3 cache). A miss costs a run of the stemmer, far
/// more than a slower lookup: on allsides, 512 KB gave 2.3x tantivy's chain,
/// 2 MB 2.9x, 4 MB 2.8-3.1x, 8 MB 2.9x (`cargo bench --bench analysis`).
const SHORT_WORD_SETS: usize = 1 << 16;

/// Words over 16 bytes whose indexed form one tokenizer remembers; beyond
/// this they are stemmed each time (as are the rare short words whose stem
/// does not fit a slot).
const REMEMBERED_LONG_WORDS: usize = 50_000;

/// The analyser registered as `news` for title and body.
pub fn news_analyzer() -> TextAnalyzer {
    TextAnalyzer::from(NewsTokenizer::default())
}

/// The per-word part of the chain (everything after cutting words), used
/// for words not yet in the table and for words that are not plain ASCII.
fn word_filters() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(StopWordFilter::remove(STOP_WORDS.iter().map(|w| w.to_string())))
        .filter(Stemmer::new(Language::English))
        .build()
}

pub struct NewsTokenizer {
    token: Token,
    /// Short plain ASCII words and what is indexed for them, a two-way set
    /// associative cache: sets of two slots (see [`SLOT_WORDS`]) of one
    /// cache line each, from `short_words_start`; empty until first used.
    short_words: Vec<u64>,
    short_words_start: usize,
    /// Short words still to stem directly before the table is made: a query
    /// or a snippet has a handful of words, and zeroing 4 MB for each (the
    /// allocator reuses freed memory, so the zeroes are written) cost more
    /// than the rest of a served search's tokenizing.
    words_before_table: u32,
    /// Lower-cased longer words → what is indexed for them (`None`: a stop word).
    long_words: FxHashMap<Box<str>, Option<Box<str>>>,
    filters: TextAnalyzer,
}

/// A slot remembers one word of at most 16 bytes in four u64s: `[key low,
/// key high, form bytes 0..8, form bytes 8..15 and its length in the top
/// byte]`, where the key is the lower-cased word packed little-endian into
/// a u128 (0: an empty slot; no word holds a zero byte) and the length
/// [`STOP`] marks a stop word. Plain integers, so a new table is zeroed
/// memory in one allocation.
const SLOT_WORDS: usize = 4;

const STOP: u8 = u8::MAX;

/// How many short words a tokenizer stems without the table: more than a
/// query or a snippet holds, a small part of one segment's text.
const WORDS_BEFORE_TABLE: u32 = 4096;

impl Default for NewsTokenizer {
    fn default() -> NewsTokenizer {
        NewsTokenizer {
            token: Token::default(),
            short_words: Vec::new(),
            short_words_start: 0,
            words_before_table: WORDS_BEFORE_TABLE,
            long_words: FxHashMap::default(),
            filters: word_filters(),
        }
    }
}

/// tantivy clones the registered analyser for every segment and query; a
/// clone starts with empty tables rather than copying them.
impl Clone for NewsTokenizer {
    fn clone(&self) -> NewsTokenizer {
        NewsTokenizer {
            filters: self.filters.clone(),
            ..NewsTokenizer::default()
        }
    }
}

impl NewsTokenizer {
    /// Puts the indexed form of `word` (shorter than [`MAX_WORD_BYTES`]) in
    /// `out`; false for a stop word.
    fn index_form(&mut self, word: &str, ascii: bool, out: &mut String) -> bool {
        out.clear();
        if !ascii {
            return run_filters(&mut self.filters, word, out);
        }
        if word.len() <= 16 {
            return self.short_word(word, out);
        }
        let lowered = word.to_ascii_lowercase();
        if let Some(form) = self.long_words.get(lowered.as_str()) {
            return match form {
                Some(form) => {
                    out.push_str(form);
                    true
                }
                None => false,
            };
        }
        let kept = run_filters(&mut self.filters, &lowered, out);
        if self.long_words.len() < REMEMBERED_LONG_WORDS {
            self.long_words
                .insert(Box::from(lowered), kept.then(|| Box::from(out.as_str())));
        }
        kept
    }

    /// The indexed form of a word of at most 16 bytes, from the short-word
    /// table, filling it on a miss.
    fn short_word(&mut self, word: &str, out: &mut String) -> bool {
        const SET_WORDS: usize = 2 * SLOT_WORDS;
        if self.short_words.is_empty() {
            if self.words_before_table > 0 {
                self.words_before_table -= 1;
                return run_filters(&mut self.filters, &word.to_ascii_lowercase(), out);
            }
            // One set more, to start the sets on a cache line.
            self.short_words = vec![0; (SHORT_WORD_SETS + 1) * SET_WORDS];
            let misaligned = self.short_words.as_ptr() as usize % 64 / 8;
            self.short_words_start = (SET_WORDS - misaligned) % SET_WORDS;
        }
        // Packed in registers: a key written to memory byte by byte and
        // read back whole stalls the load.
        let key = word.bytes().enumerate().fold(0u128, |key, (i, byte)| {
            key | u128::from(byte.to_ascii_lowercase()) << (8 * i)
        });
        let hash = ((key as u64) ^ ((key >> 64) as u64).rotate_left(29)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let set = (hash >> (64 - SHORT_WORD_SETS.trailing_zeros())) as usize;
        let start = self.short_words_start + set * SET_WORDS;
        let (first, second) = self.short_words[start..start + SET_WORDS].split_at_mut(SLOT_WORDS);
        for way in 0..2 {
            let slot: [u64; SLOT_WORDS] = if way == 0 { &*first } else { &*second }.try_into().expect("a slot");
            if u128::from(slot[0]) | u128::from(slot[1]) << 64 == key {
                if way == 1 {
                    // The most recently used word of a set sits first.
                    second.copy_from_slice(first);
                    first.copy_from_slice(&slot);
                }
                let length = (slot[3] >> 56) as u8;
                if length == STOP {
                    return false;
                }
                let mut form = [0u8; 16];
                form[..8].copy_from_slice(&slot[2].to_le_bytes());
                form[8..].copy_from_slice(&slot[3].to_le_bytes());
                out.push_str(std::str::from_utf8(&form[..usize::from(length)]).expect("ASCII forms only"));
                return true;
            }
        }
        let kept = run_filters(&mut self.filters, &word.to_ascii_lowercase(), out);
        if out.len() > 15 || !out.is_ascii() {
            // Right, but not remembered.
            return kept;
        }
        let mut form = [0u8; 16];
        form[..out.len()].copy_from_slice(out.as_bytes());
        form[15] = if kept { out.len() as u8 } else { STOP };
        second.copy_from_slice(first);
        first.copy_from_slice(&[
            key as u64,
            (key >> 64) as u64,
            u64::from_le_bytes(form[..8].try_into().expect("8 bytes")),
            u64::from_le_bytes(form[8..].try_into().expect("8 bytes")),
        ]);
        kept
    }
}

fn run_filters(filters: &mut TextAnalyzer, word: &str, out: &mut String) -> bool {
    let mut kept = false;
    filters.token_stream(word).process(&mut |token| {
        out.push_str(&token.text);
        kept = true;
    });
    kept
}

impl Tokenizer for NewsTokenizer {
    type TokenStream<'a> = NewsTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> NewsTokenStream<'a> {
        self.token.reset();
        NewsTokenStream {
            text,
            cursor: 0,
            position: usize::MAX,
            tokenizer: self,
        }
    }
}

pub struct NewsTokenStream<'a> {
    text: &'a str,
    cursor: usize,
    /// Every word takes a position, indexed or not, as in tantivy's chain.
    position: usize,
    tokenizer: &'a mut NewsTokenizer,
}

impl TokenStream for NewsTokenStream<'_> {
    fn advance(&mut self) -> bool {
        while let Some((from, to, ascii)) = next_word(self.text, &mut self.cursor) {
            self.position = self.position.wrapping_add(1);
            let word = &self.text[from..to];
            if word.len() >= MAX_WORD_BYTES {
                continue;
            }
            let mut out = std::mem::take(&mut self.tokenizer.token.text);
            let kept = self.tokenizer.index_form(word, ascii, &mut out);
            let token = &mut self.tokenizer.token;
            token.text = out;
            if kept {
                token.offset_from = from;
                token.offset_to = to;
                token.position = self.position;
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        &self.tokenizer.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokenizer.token
    }
}

/// tantivy's own chain up to stemming, which [`NewsTokenizer`] followed by
/// the English stemmer must match token for token (tests and benches).
#[doc(hidden)]
pub fn tantivy_chain() -> tantivy::tokenizer::TextAnalyzerBuilder<impl Tokenizer> {
    use tantivy::tokenizer::{RemoveLongFilter, SimpleTokenizer};

    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_WORD_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(StopWordFilter::remove(STOP_WORDS.iter().map(|w| w.to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::words::{is_alphanumeric, words};

    #[test]
    fn stop_words_are_found_by_their_keys() {
        assert!(STOP_WORDS.iter().all(|w| is_stop_word(w)));
        for word in ["", "ands", "thee", "there's", "within", "china"] {
            assert!(!is_stop_word(word), "{word}");
        }
    }

    #[test]
    fn a_short_text_is_indexed_alike_before_and_after_the_table() {
        let text = "The Electoral Commission said hackers were attacking it; attacks continued.";
        let mut fresh = news_analyzer();
        let before = tokens(&mut fresh, text);
        let mut warmed = news_analyzer();
        let filler = "running words ".repeat(WORDS_BEFORE_TABLE as usize);
        tokens(&mut warmed, &filler);
        assert_eq!(tokens(&mut warmed, text), before);
    }

    #[test]
    fn the_shortcut_agrees_with_char_is_alphanumeric() {
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            assert_eq!(is_alphanumeric(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut out = Vec::new();
        analyzer
            .token_stream(text)
            .process(&mut |t| out.push((t.text.clone(), t.position, t.offset_from, t.offset_to)));
        out
    }

    /// Texts that exercise every branch: ASCII, accents, other scripts,
    /// ligatures, full-width letters, long words, stop words in any case.
    fn hostile_texts() -> Vec<String> {
        let mut texts: Vec<String> = vec![
            String::new(),
            "   ,,, ...".into(),
            "Sanctions! SANCTIONED sanctioning: THE sanctions, and The Sanction. To be or NOT to be".into(),
            "Ça coûte: Élection, ÉLECTIONS, élections électorales; Ｆｕｌｌｗｉｄｔｈ election ΣΊΣΥΦΟΣ".into(),
            format!("{} sanctions {} ok {}é", "x".repeat(39), "y".repeat(40), "z".repeat(38)),
            "naïve café résumé — ﬁnance ﬂow, ǅemal Straße İstanbul election-year re-election 1987's".into(),
            "北京 said 東京 and Москва; a\u{0301}b c\u{200b}d e\u{00ad}f 🙂x🙂 ٣٤٥ Ⅻ ²³".into(),
        ];
        // Pseudo-random mixes of the characters above.
        let alphabet: Vec<char> = "aZ9 .,-'éÉßİﬁＦ北\u{0301}🙂Σς\t\nTHEthe".chars().collect();
        let mut next = crate::test_support::pseudo_random(0x2545_f491);
        for _ in 0..300 {
            let len = next() % 80;
            texts.push((0..len).map(|_| alphabet[next() % alphabet.len()]).collect());
        }
        texts.extend(crate::test_support::bundled_corpus_texts());
        texts
    }

    #[test]
    fn gives_the_tokens_of_tantivys_chain() {
        let mut chain = tantivy_chain().filter(Stemmer::new(Language::English)).build();
        // One tokenizer for every text, so later texts hit the table.
        let mut ours = news_analyzer();
        for text in hostile_texts() {
            assert_eq!(
                tokens(&mut ours, &text),
                tokens(&mut chain, &text),
                "text starting {:?}",
                text.chars().take(60).collect::<String>()
            );
        }
    }

    #[test]
    fn words_are_cut_as_simple_tokenizer_cuts_them() {
        let mut simple = TextAnalyzer::from(tantivy::tokenizer::SimpleTokenizer::default());
        for text in hostile_texts() {
            let theirs: Vec<(usize, usize)> = tokens(&mut simple, &text).iter().map(|t| (t.2, t.3)).collect();
            assert_eq!(words(&text).collect::<Vec<_>>(), theirs);
        }
    }

    #[test]
    fn a_full_table_still_stems() {
        let mut tokenizer = NewsTokenizer::default();
        for i in 0..REMEMBERED_LONG_WORDS {
            tokenizer.long_words.insert(format!("w{i}").into(), None);
        }
        let mut analyzer = TextAnalyzer::from(tokenizer);
        let words = "Internationalisations internationalization the Sanctioned";
        assert_eq!(tokens(&mut analyzer, words), tokens(&mut analyzer, words));
        let forms: Vec<String> = tokens(&mut analyzer, words).into_iter().map(|t| t.0).collect();
        assert_eq!(forms, ["internationalis", "internation", "sanction"]);
    }

    /// Far more distinct words than the short-word table holds, twice over,
    /// so that sets are evicted and refilled.
    #[test]
    fn evicted_words_are_still_right() {
        let letters = |mut n: usize| {
            let mut word = String::new();
            loop {
                word.push((b'a' + (n % 26) as u8) as char);
                n /= 26;
                if n == 0 {
                    return word;
                }
            }
        };
        let suffixes = ["", "ing", "ed", "ies", "ational", "ness", "s", "ly", "izations"];
        let text: String = (0..6 * SHORT_WORD_SETS)
            .map(|n| format!("{}{} ", letters(n).to_uppercase(), suffixes[n % suffixes.len()]))
            .collect();
        let mut chain = tantivy_chain().filter(Stemmer::new(Language::English)).build();
        let mut ours = news_analyzer();
        for _ in 0..2 {
            assert_eq!(tokens(&mut ours, &text), tokens(&mut chain, &text));
        }
    }
}
