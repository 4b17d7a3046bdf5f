//! Genre: whether an article reports what happened, or argues (a column, an
//! op-ed, a reader's letter) or tabulates (a market or earnings report). Only
//! a report's lead and body say what happened; a column's verbs are its
//! author's argument and a market report's "support" and "loan" are prices and
//! balance sheets. Read from the writing itself, since few corpora label it:
//! the author's own "I" and "we" and the reader's "you" outside quotations, or
//! sentences made of figures. Headline labels ("Opinion:") and question
//! headlines were tried and dropped: on the article gold they sat on
//! articles that report events as often as on those that do not.

/// What kind of article a text is, as far as events go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Genre {
    /// News that tells what happened.
    Report,
    /// An author arguing: column, op-ed, editorial, letter, essay.
    Opinion,
    /// Mostly figures: prices, earnings, statistics.
    Figures,
}

/// First-person words of the author, per thousand words outside quotations,
/// above which the article argues rather than reports. Wire copy has none;
/// columns run from 5 to 80.
const FIRST_PERSON_PER_MILLE: usize = 5;
/// The reader addressed ("you"), likewise.
const SECOND_PERSON_PER_MILLE: usize = 5;
/// Fewer first- or second-person words than this never make an opinion,
/// however short the text.
const VOICE_MIN: usize = 3;
/// Share of sentences (in percent) giving a figure with its unit, above which
/// an article is a table in prose.
const FIGURE_SENTENCES_PERCENT: usize = 30;
/// Words read (outside quotations): the voice of an article is set by its
/// first pages, and a book-length text should not cost a book's reading.
const WORDS_READ: usize = 600;

/// The genre of an article, read from its body.
pub(super) fn genre(body: &str) -> Genre {
    let counts = WordCounts::of(body);
    // Often enough, and more often than `per_mille` words in a thousand.
    let voiced = |n: usize, per_mille: usize| n >= VOICE_MIN && n * 1000 / counts.words.max(1) > per_mille;
    if voiced(counts.first_person, FIRST_PERSON_PER_MILLE) || voiced(counts.second_person, SECOND_PERSON_PER_MILLE) {
        return Genre::Opinion;
    }
    if counts.sentences > 0 && counts.figure_sentences * 100 > counts.sentences * FIGURE_SENTENCES_PERCENT {
        return Genre::Figures;
    }
    Genre::Report
}

/// ASCII letters and digits, the bytes words are made of, as a table: the
/// genre pass tests every byte of the text against it.
static IS_WORD_BYTE: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = (byte as u8).is_ascii_alphanumeric();
        byte += 1;
    }
    table
};

#[derive(Debug, Default)]
struct WordCounts {
    /// Words outside quotations.
    words: usize,
    first_person: usize,
    second_person: usize,
    sentences: usize,
    figure_sentences: usize,
}

impl WordCounts {
    /// One pass over the bytes: every word of the text passes here, so words
    /// are runs of ASCII letters and digits (the words that tell the genre
    /// are ASCII), walked in a tight loop of their own, and curly quotation
    /// marks are read as their UTF-8 bytes.
    fn of(body: &str) -> WordCounts {
        let bytes = body.as_bytes();
        let mut counts = WordCounts::default();
        let mut quoted = false;
        let (mut number, mut unit) = (false, false);
        let mut at = 0;
        while at < bytes.len() {
            let byte = bytes[at];
            if IS_WORD_BYTE[usize::from(byte)] {
                let start = at;
                at += 1;
                while at < bytes.len() && IS_WORD_BYTE[usize::from(bytes[at])] {
                    at += 1;
                }
                if byte.is_ascii_digit() {
                    number = true;
                    continue;
                }
                let kind = word_kind(bytes, start, at);
                unit |= kind == WordKind::Unit;
                // A word that ends the text only completes its sentence.
                if !quoted && at < bytes.len() {
                    counts.words += 1;
                    match kind {
                        WordKind::FirstPerson => counts.first_person += 1,
                        WordKind::SecondPerson => counts.second_person += 1,
                        _ => {}
                    }
                    if counts.words == WORDS_READ {
                        break;
                    }
                }
                continue;
            }
            match byte {
                b'"' => quoted = !quoted,
                // U+201C and U+201D, the curly quotation marks.
                0xE2 if bytes.get(at + 1) == Some(&0x80) => match bytes.get(at + 2) {
                    Some(0x9C) => quoted = true,
                    Some(0x9D) => quoted = false,
                    _ => {}
                },
                b'%' => unit = true,
                b'.' | b'!' | b'?' if bytes.get(at + 1).is_none_or(u8::is_ascii_whitespace) => {
                    counts.sentences += 1;
                    counts.figure_sentences += usize::from(number && unit);
                    (number, unit) = (false, false);
                }
                // A quotation does not run past a paragraph's end in
                // well-formed text; an unbalanced mark must not hide the
                // rest of the article.
                b'\n' => quoted = false,
                _ => {}
            }
            at += 1;
        }
        if number && unit {
            counts.sentences += 1;
            counts.figure_sentences += 1;
        }
        counts
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WordKind {
    FirstPerson,
    SecondPerson,
    Unit,
    Other,
}

/// A word of up to eight bytes, lowercased, as one integer.
const fn packed(word: &[u8]) -> u64 {
    let mut bytes = [0u8; 8];
    let mut i = 0;
    while i < word.len() {
        bytes[i] = word[i].to_ascii_lowercase();
        i += 1;
    }
    u64::from_le_bytes(bytes)
}

/// Eight bytes of `text` from `start`, little-endian, zero-padded past its
/// end: one unaligned load in the common case.
#[inline(always)]
fn eight_bytes_at(text: &[u8], start: usize) -> u64 {
    match text.get(start..start + 8) {
        Some(eight) => u64::from_le_bytes(eight.try_into().expect("eight bytes")),
        None => {
            let mut eight = [0u8; 8];
            eight[..text.len() - start].copy_from_slice(&text[start..]);
            u64::from_le_bytes(eight)
        }
    }
}

/// Letters the listed words begin with, as bits from `a`.
const FIRST_LETTERS: u32 = {
    let mut bits = 0;
    let letters = b"mwouypdbtc";
    let mut i = 0;
    while i < letters.len() {
        bits |= 1 << (letters[i] - b'a');
        i += 1;
    }
    bits
};

/// What a word (a run of ASCII letters and digits) tells of the genre.
/// Every word of the text passes here, so most are turned away on their
/// length and first letter, and the rest are one integer matched at once.
/// The word is `text[start..end]`.
#[inline(always)]
fn word_kind(text: &[u8], start: usize, end: usize) -> WordKind {
    let bytes = &text[start..end];
    const ME: u64 = packed(b"me");
    const MY: u64 = packed(b"my");
    const WE: u64 = packed(b"we");
    const OUR: u64 = packed(b"our");
    const US: u64 = packed(b"us");
    const MYSELF: u64 = packed(b"myself");
    const YOU: u64 = packed(b"you");
    const YOUR: u64 = packed(b"your");
    const YOURS: u64 = packed(b"yours");
    const YOURSELF: u64 = packed(b"yourself");
    const PCT: u64 = packed(b"pct");
    const PERCENT: u64 = packed(b"percent");
    const DLRS: u64 = packed(b"dlrs");
    const MLN: u64 = packed(b"mln");
    const MILLION: u64 = packed(b"million");
    const BILLION: u64 = packed(b"billion");
    const TONNES: u64 = packed(b"tonnes");
    const CTS: u64 = packed(b"cts");
    const YEN: u64 = packed(b"yen");
    const MARKS: u64 = packed(b"marks");
    // "I" is the author, "i" a numeral or a typo; "US" is the country.
    if bytes.len() == 1 {
        return if bytes == b"I" {
            WordKind::FirstPerson
        } else {
            WordKind::Other
        };
    }
    // Most words start with a letter none of the listed words starts with.
    let first = (bytes[0] | 0x20).wrapping_sub(b'a');
    if bytes.len() > 8 || first >= 26 || FIRST_LETTERS & (1 << first) == 0 || bytes == b"US" {
        return WordKind::Other;
    }
    // The bytes are ASCII letters and digits, so setting bit 5 of each
    // lowercases the letters and leaves the digits as they are.
    let mask = u64::MAX >> (8 * (8 - bytes.len()));
    match (eight_bytes_at(text, start) & mask) | (0x2020_2020_2020_2020 & mask) {
        ME | MY | WE | OUR | US | MYSELF => WordKind::FirstPerson,
        YOU | YOUR | YOURS | YOURSELF => WordKind::SecondPerson,
        PCT | PERCENT | DLRS | MLN | MILLION | BILLION | TONNES | CTS | YEN | MARKS => WordKind::Unit,
        _ => WordKind::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wire_report_is_a_report() {
        let body = "The United Kingdom on Monday accused China of a cyber attack on its Electoral Commission. \
                    \"We will not tolerate this,\" the deputy prime minister told parliament. \
                    Britain sanctioned two people and a company.";
        assert_eq!(genre(body), Genre::Report);
    }

    #[test]
    fn the_authors_own_voice_makes_an_opinion() {
        let body = "I have covered this town for years. We were told the plant would close, and my neighbours \
                    believed it. Our council should have asked more questions, and I think you know why.";
        assert_eq!(genre(body), Genre::Opinion);
    }

    #[test]
    fn sentences_of_figures_make_a_table() {
        let body = "Net profit rose 12 pct to 45.2 mln dlrs. Sales were 310 mln dlrs against 290 mln. \
                    The company said it expects a good year.";
        assert_eq!(genre(body), Genre::Figures);
    }

    #[test]
    fn quoted_first_person_is_the_speakers_not_the_authors() {
        let body =
            "\u{201c}We will respond, and I mean it,\u{201d} the minister said. \u{201c}Our patience is at an end, \
                    we have told them,\u{201d} he added. The ministry recalled its ambassador on Tuesday.";
        assert_eq!(genre(body), Genre::Report);
    }
}
