//! Cutting a text into sentences: after `.`, `!` or `?` before a capital, a
//! digit or a quote, unless the full stop ends an abbreviation or an
//! initial, and at blank lines.

use std::ops::Range;

use super::extract::Extractor;
use super::text::lowercase;

impl Extractor {
    /// Sentence byte ranges: split after `.`, `!` or `?` followed by space and
    /// a capital, digit or quote (not after an abbreviation or an initial),
    /// and at blank lines.
    pub(super) fn sentence_bounds(&self, text: &str) -> Vec<Range<usize>> {
        let bytes = text.as_bytes();
        let mut bounds = Vec::new();
        let mut start = 0;
        let mut i = 0;
        while i < bytes.len() {
            // Jump to the next byte that can end a sentence.
            let rest = &bytes[i..];
            let mark = memchr::memchr3(b'.', b'!', b'?', rest).unwrap_or(rest.len());
            i += memchr::memchr(b'\n', &rest[..mark]).unwrap_or(mark);
            if i >= bytes.len() {
                break;
            }
            let b = bytes[i];
            let mut split_at = None;
            if b == b'\n' && bytes.get(i + 1) == Some(&b'\n') {
                split_at = Some(i);
            } else if matches!(b, b'.' | b'!' | b'?') {
                let mut j = i + 1;
                while j < bytes.len() && matches!(bytes[j], b'"' | b'\'' | b')') {
                    j += 1;
                }
                if j < bytes.len() && bytes[j].is_ascii_whitespace() {
                    let mut k = j;
                    while k < bytes.len() && bytes[k].is_ascii_whitespace() {
                        k += 1;
                    }
                    let next = text[k..].chars().next();
                    let starts_sentence = next
                        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || matches!(c, '"' | '“' | '\'' | '‘'));
                    if starts_sentence && (b != b'.' || !self.is_abbreviation(text, start, i)) {
                        split_at = Some(j);
                    }
                }
            }
            if let Some(end) = split_at {
                if end > start {
                    bounds.push(start..end);
                }
                start = end;
                while start < bytes.len() && bytes[start].is_ascii_whitespace() {
                    start += 1;
                }
                i = start;
                continue;
            }
            i += 1;
        }
        if start < bytes.len() {
            bounds.push(start..bytes.len());
        }
        if bounds.is_empty() {
            bounds.push(0..bytes.len());
        }
        bounds
    }

    /// Whether the full stop at `dot` ends an abbreviation ("Mr.", "U.S.")
    /// or a single initial rather than the sentence.
    fn is_abbreviation(&self, text: &str, sentence_start: usize, dot: usize) -> bool {
        let word_start = text[sentence_start..dot]
            .rfind(|c: char| c.is_whitespace() || c == '(')
            .map_or(sentence_start, |p| sentence_start + p + 1);
        let word = &text[word_start..dot];
        let single_initial = word.chars().count() == 1 && word.chars().all(char::is_uppercase);
        single_initial || self.abbreviations.contains(lowercase(word).as_ref())
    }
}
