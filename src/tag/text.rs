//! The words around an offset, as the context rules read them: the word
//! before and after a name, how many words stand between two offsets,
//! whole-word tests, and lowercasing that copies only when it must.

use std::borrow::Cow;
use std::ops::Range;

use super::scan::is_word_char;
use crate::words::is_alphanumeric;

/// The word after byte `from`, past spaces and commas; apostrophes and
/// hyphens stay inside it ("Russia's", "al-Qaeda").
#[inline]
pub(super) fn next_word(text: &str, from: usize) -> &str {
    let rest = text[from..].trim_start_matches(|c: char| c.is_whitespace() || c == ',');
    let end = rest
        .find(|c: char| !is_word_char(c) && c != '\'' && c != '-')
        .unwrap_or(rest.len());
    &rest[..end]
}

/// The word before byte `before`, past spaces and full stops.
#[inline]
pub(super) fn previous_word(text: &str, before: usize) -> &str {
    let head = text[..before].trim_end_matches(|c: char| c.is_whitespace() || c == '.');
    let start = head
        .rfind(|c: char| !is_word_char(c))
        .map_or(0, |p| p + head[p..].chars().next().map_or(1, char::len_utf8));
    &head[start..]
}

/// The word right before byte `at`, past spaces only: empty after any
/// punctuation.
pub(super) fn word_before(text: &str, at: usize) -> &str {
    let head = text[..at].trim_end_matches(' ');
    if head.len() == at {
        return "";
    }
    let start = head
        .rfind(|c: char| !is_alphanumeric(c) && c != '.')
        .map_or(0, |p| p + head[p..].chars().next().map_or(1, char::len_utf8));
    &head[start..]
}

/// The word right after byte `at`, past spaces only: empty before any
/// punctuation.
pub(super) fn word_after(text: &str, at: usize) -> &str {
    let rest = text[at..].trim_start_matches(' ');
    if rest.len() == text.len() - at {
        return "";
    }
    let end = rest.find(|c: char| !is_alphanumeric(c)).unwrap_or(rest.len());
    &rest[..end]
}

/// How many words stand between two offsets, counted up to `cap`: rules
/// look across a few words, and the gap can be a whole article.
#[inline]
pub(super) fn words_between(text: &str, from: usize, to: usize, cap: usize) -> usize {
    if to <= from {
        return 0;
    }
    let part = &text[from..to];
    // Rules ask this of a few words at a time, very often: ASCII is counted
    // byte by byte, anything else by characters.
    let (mut count, mut in_word, mut worded) = (0, false, false);
    for &byte in part.as_bytes() {
        match byte {
            byte if is_ascii_space(byte) => {
                if in_word && worded {
                    count += 1;
                    if count == cap {
                        return count;
                    }
                }
                (in_word, worded) = (false, false);
            }
            byte if byte.is_ascii() => {
                in_word = true;
                worded |= byte.is_ascii_alphanumeric();
            }
            _ => {
                return part
                    .split_whitespace()
                    .filter(|w| w.chars().any(is_alphanumeric))
                    .take(cap)
                    .count();
            }
        }
    }
    (count + usize::from(in_word && worded)).min(cap)
}

/// The aside set off by commas after a party's noun phrase ("the Qilin
/// ransomware gang, which is believed to operate from Russia, hit …"), as a
/// byte range, if it opens within [`ASIDE_OPENS_WITHIN`] words of `from` and
/// closes before `to`.
pub(super) fn aside_after(text: &str, from: usize, to: usize) -> Option<Range<usize>> {
    let after = text.get(from..to)?;
    let opens = after.find(',')?;
    if after[..opens].split_whitespace().count() > ASIDE_OPENS_WITHIN {
        return None;
    }
    let closes = after[opens + 1..].find(',')?;
    Some(from + opens..from + opens + 1 + closes)
}

/// Words of a party's noun phrase before an aside about it ("the Qilin
/// ransomware gang, which …").
const ASIDE_OPENS_WITHIN: usize = 3;

/// Whether an ASCII byte is whitespace as `char::is_whitespace` reads it
/// (which, unlike `u8::is_ascii_whitespace`, counts the vertical tab).
#[inline]
pub(super) fn is_ascii_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r')
}

/// Whether at most `limit` words stand between two offsets.
#[inline]
pub(super) fn within_words(text: &str, from: usize, to: usize, limit: usize) -> bool {
    words_between(text, from, to, limit + 1) <= limit
}

/// Whether `at` opens a sentence: nothing before it but spaces after a full
/// stop, a question or exclamation mark, a quotation mark or a line break.
pub(super) fn at_sentence_start(text: &str, at: usize) -> bool {
    let head = text[..at].trim_end_matches(' ');
    head.is_empty() || head.ends_with(['.', '!', '?', '\n', '"', '“', '‘', '\'', ':', '('])
}

/// A word in lowercase, copied only when it has capitals.
#[inline]
pub(super) fn lowercase(word: &str) -> Cow<'_, str> {
    if word.bytes().any(|b| b.is_ascii_uppercase()) || !word.is_ascii() {
        Cow::Owned(word.to_lowercase())
    } else {
        Cow::Borrowed(word)
    }
}

/// Where `part`, a slice of `text`, starts in it.
#[inline]
pub(super) fn start_of(text: &str, part: &str) -> usize {
    part.as_ptr() as usize - text.as_ptr() as usize
}

/// Whether `text` holds one of `words` as a whole word, in any case.
#[inline]
pub(super) fn has_any_word(text: &str, words: &[String]) -> bool {
    text.split(|c: char| !is_word_char(c))
        .any(|w| words.iter().any(|word| w.eq_ignore_ascii_case(word)))
}

/// Names match in their dictionary case, or shouted in an all-caps headline.
#[inline]
pub(super) fn case_matches(matched: &str, exact: &str) -> bool {
    matched == exact
        || (matched.chars().any(char::is_alphabetic)
            && !matched.chars().any(char::is_lowercase)
            && exact.chars().count() > 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_between_counts_words_with_a_letter_or_digit() {
        let by_characters = |text: &str, cap: usize| {
            text.split_whitespace()
                .filter(|w| w.chars().any(is_alphanumeric))
                .take(cap)
                .count()
        };
        for text in [
            "",
            "  ",
            "a",
            "the new   trade deal",
            " -- and, then \u{2014} ",
            "x\u{b}y\u{c}z\r\n",
            "the \u{201c}peace\u{201d} deal\u{a0}signed",
            "café au lait",
            "1987 -- 12 ",
        ] {
            for cap in 0..6 {
                assert_eq!(
                    words_between(text, 0, text.len(), cap),
                    by_characters(text, cap),
                    "{text:?} up to {cap}"
                );
            }
        }
        assert_eq!(words_between("one two", 5, 2, 3), 0);
    }
}
