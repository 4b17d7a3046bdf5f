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
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, Stemmer, StopWordFilter, TextAnalyzer, Token, TokenStream,
    Tokenizer,
};

/// Lucene's English stop set: common words that carry no ranking signal.
pub(crate) const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no", "not", "of",
    "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was", "will", "with",
];

/// Words this long (in bytes) or longer are not indexed.
pub(crate) const MAX_WORD_BYTES: usize = 40;

/// Distinct words whose indexed form one tokenizer remembers. Beyond this,
/// words are stemmed each time: the frequent ones were met long before, and
/// the table stays at a few megabytes per indexing thread.
const REMEMBERED_WORDS: usize = 200_000;

/// The next word (run of alphanumeric characters, as tantivy's
/// `SimpleTokenizer` cuts them) at or after byte `*cursor`: its byte range
/// and whether it is plain ASCII. Moves `*cursor` past it.
pub fn next_word(text: &str, cursor: &mut usize) -> Option<(usize, usize, bool)> {
    let bytes = text.as_bytes();
    let mut at = *cursor;
    let from = loop {
        let &byte = bytes.get(at)?;
        if byte.is_ascii() {
            if byte.is_ascii_alphanumeric() {
                break at;
            }
            at += 1;
        } else {
            let c = text[at..].chars().next().expect("a character starts here");
            if c.is_alphanumeric() {
                break at;
            }
            at += c.len_utf8();
        }
    };
    let mut ascii = true;
    while let Some(&byte) = bytes.get(at) {
        if byte.is_ascii() {
            if !byte.is_ascii_alphanumeric() {
                break;
            }
            at += 1;
        } else {
            let c = text[at..].chars().next().expect("a character starts here");
            if !c.is_alphanumeric() {
                break;
            }
            ascii = false;
            at += c.len_utf8();
        }
    }
    *cursor = at;
    Some((from, at, ascii))
}

/// Byte ranges of the words of `text`, as [`next_word`] finds them.
pub fn words(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut cursor = 0;
    std::iter::from_fn(move || next_word(text, &mut cursor).map(|(from, to, _)| (from, to)))
}

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
    /// Lower-cased ASCII words of up to 16 bytes, packed into an integer
    /// (no word holds a zero byte), → what is indexed for them (`None`: a
    /// stop word). Most words are this short, and an integer key is hashed
    /// and compared without a call.
    short_forms: FxHashMap<u128, Option<Box<str>>>,
    /// The same for longer ASCII words.
    long_forms: FxHashMap<Box<str>, Option<Box<str>>>,
    filters: TextAnalyzer,
}

impl Default for NewsTokenizer {
    fn default() -> NewsTokenizer {
        NewsTokenizer {
            token: Token::default(),
            short_forms: FxHashMap::default(),
            long_forms: FxHashMap::default(),
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
        let remembered = self.short_forms.len() + self.long_forms.len() < REMEMBERED_WORDS;
        if word.len() <= 16 {
            // Packed in registers: a key written to memory byte by byte and
            // read back whole stalls the load.
            let key = word.bytes().enumerate().fold(0u128, |key, (i, byte)| {
                key | u128::from(byte.to_ascii_lowercase()) << (8 * i)
            });
            if let Some(form) = self.short_forms.get(&key) {
                return copy_form(form, out);
            }
            let kept = run_filters(&mut self.filters, &word.to_ascii_lowercase(), out);
            if remembered {
                self.short_forms.insert(key, kept.then(|| Box::from(out.as_str())));
            }
            kept
        } else {
            let lowered = word.to_ascii_lowercase();
            if let Some(form) = self.long_forms.get(lowered.as_str()) {
                return copy_form(form, out);
            }
            let kept = run_filters(&mut self.filters, &lowered, out);
            if remembered {
                self.long_forms
                    .insert(Box::from(lowered), kept.then(|| Box::from(out.as_str())));
            }
            kept
        }
    }
}

fn copy_form(form: &Option<Box<str>>, out: &mut String) -> bool {
    match form {
        Some(form) => {
            out.push_str(form);
            true
        }
        None => false,
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
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..300 {
            let len = (state % 80) as usize;
            let text: String = (0..len)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    alphabet[(state % alphabet.len() as u64) as usize]
                })
                .collect();
            texts.push(text);
        }
        for entry in walkdir::WalkDir::new(concat!(env!("CARGO_MANIFEST_DIR"), "/corpus"))
            .into_iter()
            .flatten()
        {
            if let Ok(text) = std::fs::read_to_string(entry.path()) {
                texts.push(text);
            }
        }
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
        for i in 0..REMEMBERED_WORDS {
            tokenizer.short_forms.insert(i as u128, None);
        }
        let mut analyzer = TextAnalyzer::from(tokenizer);
        assert_eq!(tokens(&mut analyzer, "Sanctioned the")[0].0, "sanction");
    }
}
