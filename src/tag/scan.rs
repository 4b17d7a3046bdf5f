//! Scanning an article for dictionary hits: the bit tables of where patterns
//! can begin ([`PatternStarts`]), the word walk and word hashes that read
//! them, and the anchored automaton runs at the few places a hit can start.

use aho_corasick::{Anchored, Input};

use super::cues::{Cue, EVENT, GUARDS, NAMES, ONLY_NOT_ACTOR, SECTOR};
use super::extract::Extractor;
use super::text::{at_sentence_start, case_matches, lowercase, next_word, previous_word};
use crate::words::is_alphanumeric;

/// A dictionary hit that survived boundary and case checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Hit {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) cue: u32,
}

impl Extractor {
    /// Dictionary hits at word boundaries: at each place a hit can begin
    /// (a word whose lowercase form starts some pattern, or a character that
    /// starts a pattern beginning with no word), the longest pattern there
    /// that ends at a boundary. Running the automaton anchored at those few
    /// places, not over every byte, is what keeps tagging cheap: most words
    /// begin no pattern.
    pub(super) fn hits(&self, text: &str) -> Vec<Hit> {
        let lowercase = text.to_ascii_lowercase();
        let bytes = lowercase.as_bytes();
        let mut hits = Vec::new();
        let mut at = 0;
        // Whether the character before `at` is a word character.
        let mut after_word = false;
        // The word after a candidate, walked for its pair bit: kept so that
        // it is not walked twice.
        let mut walked: Option<WalkedWord> = None;
        while at < bytes.len() {
            let (c, width, is_word) = word_char_at(&lowercase, at);
            let candidate = if is_word {
                let (end, hash) = match walked.take() {
                    Some(word) if word.start == at => (word.end, word.hash),
                    _ => word_end(&lowercase, at),
                };
                let begins = !after_word && self.starts.may_begin_hit(&lowercase, end, hash, &mut walked);
                after_word = true;
                if begins {
                    Some(end)
                } else {
                    at = end;
                    None
                }
            } else {
                let begins = !after_word && self.starts.other_chars.contains(&c);
                after_word = false;
                if begins {
                    Some(at + width)
                } else {
                    at += width;
                    None
                }
            };
            if let Some(next) = candidate {
                if let Some(hit) = self.hit_at(text, &lowercase, at) {
                    at = hit.end;
                    after_word = lowercase[..at].chars().next_back().is_some_and(is_word_char);
                    hits.push(hit);
                } else {
                    at = next;
                }
            }
        }
        self.keep_cased(text, hits)
    }

    /// The longest pattern starting at `start` (where no word character
    /// precedes it) that ends at a boundary.
    fn hit_at(&self, text: &str, lowercase: &str, start: usize) -> Option<Hit> {
        let found = self
            .automaton
            .find(Input::new(lowercase).range(start..).anchored(Anchored::Yes))?;
        let fitting = if is_boundary(text, found.start(), found.end()) {
            Some(found)
        } else {
            // The longest pattern can run into the next word ("threatened to"
            // in "threatened today") and hide a shorter one that fits.
            self.fitting_match(text, lowercase, start, found.end())
        }?;
        Some(Hit {
            start: fitting.start(),
            end: fitting.end(),
            cue: fitting.pattern().as_u32(),
        })
    }

    /// Drops hits of phrases that block an actor reading whose case does
    /// not fit, and event cues and guards that are month names.
    fn keep_cased(&self, text: &str, mut hits: Vec<Hit>) -> Vec<Hit> {
        // A phrase that blocks an actor reading blocks only when its case
        // fits; one spelt like it with other cues is kept for those.
        hits.retain(|h| {
            let kinds = self.cue_kinds[h.cue as usize];
            if kinds & ONLY_NOT_ACTOR != 0 {
                if let [Cue::NotActor { exact }] = self.cues[h.cue as usize].as_slice() {
                    return case_matches(&text[h.start..h.end], exact);
                }
            }
            kinds & (EVENT | GUARDS) == 0 || kinds & (NAMES | SECTOR) != 0 || !self.is_month_name_not_cue(text, h)
        });
        self.expand_shared_names(text, &mut hits);
        hits
    }

    /// Names that share their last words: in "North and South Korea" and
    /// "East and West Germany", the first word stands for a name of its own
    /// (North Korea, East Germany) when the dictionary has one, and becomes
    /// a hit for it. Only for `shared_name_words`.
    fn expand_shared_names(&self, text: &str, hits: &mut Vec<Hit>) {
        if self.shared_name_words.is_empty() {
            return;
        }
        let mut added = Vec::new();
        for (i, hit) in hits.iter().enumerate() {
            if self.cue_kinds[hit.cue as usize] & NAMES == 0 {
                continue;
            }
            let Some((second, rest)) = text[hit.start..hit.end].split_once(' ') else {
                continue;
            };
            if !self.shared_name_words.contains(second) {
                continue;
            }
            let head = text[..hit.start].trim_end();
            let Some(joined) = head.strip_suffix(" and").or_else(|| head.strip_suffix(" or")) else {
                continue;
            };
            let first = previous_word(text, joined.len());
            let first_start = joined.len() - first.len();
            if first.is_empty() || first == second || !self.shared_name_words.contains(first) {
                continue;
            }
            let name = format!("{} {}", first, rest).to_ascii_lowercase();
            let Some(found) = self.automaton.find(Input::new(&name).anchored(Anchored::Yes)) else {
                continue;
            };
            if found.end() != name.len() || self.cue_kinds[found.pattern().as_usize()] & NAMES == 0 {
                continue;
            }
            // The first word may already be a hit of its own (a surname).
            let before = hits[..i].iter().rposition(|h| h.start == first_start);
            added.push((
                before,
                Hit {
                    start: first_start,
                    end: first_start + first.len(),
                    cue: found.pattern().as_u32(),
                },
            ));
        }
        if added.is_empty() {
            return;
        }
        for (before, hit) in added {
            match before {
                Some(j) => hits[j] = hit,
                None => hits.push(hit),
            }
        }
        hits.sort_by_key(|h| h.start);
    }

    /// Whether a hit that is only an event cue or a guard is a month name
    /// used as no cue: a date ("protesters gathered in March", "on May 5,
    /// troops attacked"), capitalised with a number after or before it or
    /// one of `date_words` before it; or a name, for a capitalised guard
    /// after a lowercase word ("said May" is no modal). A capitalised event
    /// cue after a lowercase word is the month too ("the critical March
    /// primary"), unless one of `month_cue_followers` comes next ("the
    /// March on Washington").
    #[inline]
    fn is_month_name_not_cue(&self, text: &str, hit: &Hit) -> bool {
        let written = &text[hit.start..hit.end];
        if self.date_words.is_empty()
            || !written.starts_with(|c: char| c.is_ascii_uppercase())
            || !self.months.iter().any(|w| w == written)
        {
            return false;
        }
        let before = previous_word(text, hit.start);
        let after = next_word(text, hit.end);
        if after.starts_with(|c: char| c.is_ascii_digit())
            || before.starts_with(|c: char| c.is_ascii_digit())
            || self.date_words.contains(lowercase(before).as_ref())
        {
            return true;
        }
        if at_sentence_start(text, hit.start) || !before.starts_with(|c: char| c.is_lowercase()) {
            return false;
        }
        self.cue_kinds[hit.cue as usize] & GUARDS != 0 || !self.month_cue_followers.contains(lowercase(after).as_ref())
    }

    /// The longest pattern at `start` that ends at a word boundary before
    /// `end`, if any.
    fn fitting_match(&self, text: &str, lowercase: &str, start: usize, end: usize) -> Option<aho_corasick::Match> {
        let mut limit = end;
        loop {
            // Cut back to the last word boundary before the current limit.
            limit = start + text[start..limit].rfind(|c: char| !is_word_char(c))?;
            let found = self
                .automaton
                .find(Input::new(lowercase).range(start..limit).anchored(Anchored::Yes))?;
            if is_boundary(text, found.start(), found.end()) {
                return Some(found);
            }
            limit = found.end();
        }
    }
}

/// Where dictionary patterns can begin, for [`Extractor::hits`]: bits for
/// the hashes of the lowercase first words of the patterns, of the words
/// that are a whole pattern, and of the first two words of the others. A
/// word is a candidate only if its bits allow a pattern to start there (the
/// automaton decides), so collisions cost a search, never a hit. "the"
/// begins patterns ("the hague") but almost never a hit, and the word after
/// it settles that for one more bit test.
pub(super) struct PatternStarts {
    first_words: BitTable,
    /// Words that make up a pattern on their own, punctuation after them aside.
    whole_words: BitTable,
    /// First and second words of the patterns of two words or more.
    word_pairs: BitTable,
    /// First characters of patterns that begin with no word ("#metoo" would).
    other_chars: Vec<char>,
}

impl PatternStarts {
    pub(super) fn new(lowercase_patterns: &[String]) -> PatternStarts {
        let mut starts = PatternStarts {
            first_words: BitTable::new(),
            whole_words: BitTable::new(),
            word_pairs: BitTable::new(),
            other_chars: Vec::new(),
        };
        for pattern in lowercase_patterns {
            let (end, first) = word_end(pattern, 0);
            if end == 0 {
                if let Some(c) = pattern.chars().next().filter(|c| !starts.other_chars.contains(c)) {
                    starts.other_chars.push(c);
                }
                continue;
            }
            starts.first_words.set(first);
            match next_word_start(pattern, end) {
                Some(next) => starts.word_pairs.set(pair_hash(first, word_end(pattern, next).1)),
                None => starts.whole_words.set(first),
            }
        }
        starts
    }

    /// Whether a hit may begin with the word of this [`word_end`] hash,
    /// which ends at byte `end` of the lowercase text.
    /// The word after it is walked only when that decides, and left in `walked`.
    #[inline]
    fn may_begin_hit(&self, lowercase: &str, end: usize, hash: u64, walked: &mut Option<WalkedWord>) -> bool {
        if !self.first_words.contains(hash) {
            return false;
        }
        if self.whole_words.contains(hash) {
            return true;
        }
        let Some(start) = next_word_start(lowercase, end) else {
            return false;
        };
        let (end, next_hash) = word_end(lowercase, start);
        *walked = Some(WalkedWord {
            start,
            end,
            hash: next_hash,
        });
        self.word_pairs.contains(pair_hash(hash, next_hash))
    }
}

/// A word of the text with its [`word_end`] hash.
struct WalkedWord {
    start: usize,
    end: usize,
    hash: u64,
}

/// A set of hashes that may answer yes wrongly, never no wrongly: one bit
/// per hash, taken from its top bits.
struct BitTable {
    words: Vec<u64>,
}

/// 2^18 bits (32 KB) per table: the shipped dictionaries' 7,500 patterns set
/// 2% of them or fewer (5,300 first words, 3,900 whole words, 2,900 pairs).
const TABLE_BITS: u32 = 18;

impl BitTable {
    fn new() -> BitTable {
        BitTable {
            words: vec![0; 1 << (TABLE_BITS - 6)],
        }
    }

    fn set(&mut self, hash: u64) {
        let (word, bit) = Self::bit_of(hash);
        self.words[word] |= bit;
    }

    #[inline]
    fn contains(&self, hash: u64) -> bool {
        let (word, bit) = Self::bit_of(hash);
        self.words[word] & bit != 0
    }

    /// The table word and bit mask for a hash, from its top bits.
    #[inline]
    fn bit_of(hash: u64) -> (usize, u64) {
        let bit = hash >> (64 - TABLE_BITS);
        ((bit >> 6) as usize, 1 << (bit & 63))
    }
}

/// The hash of two consecutive words from their [`word_end`] hashes.
#[inline]
fn pair_hash(first: u64, second: u64) -> u64 {
    mix(first.rotate_left(29) ^ second, u64::from(b' '))
}

/// Where the next word starts at or after byte `at`, if any does.
fn next_word_start(text: &str, mut at: usize) -> Option<usize> {
    while at < text.len() {
        let (_, width, is_word) = word_char_at(text, at);
        if is_word {
            return Some(at);
        }
        at += width;
    }
    None
}

/// The character at byte `at`, its width and whether it is a word
/// character. Plain ASCII is answered from [`WORD_BYTES`] without decoding:
/// most news text is ASCII, and decoding costs more.
#[inline(always)]
fn word_char_at(text: &str, at: usize) -> (char, usize, bool) {
    let byte = text.as_bytes()[at];
    if byte.is_ascii() {
        return (char::from(byte), 1, WORD_BYTES[usize::from(byte)]);
    }
    let c = text[at..].chars().next().expect("`at` is inside the text");
    (c, c.len_utf8(), is_word_char(c))
}

/// The ASCII bytes that are word characters ([`is_word_char`]): letters,
/// digits and `_`. A table answers in one load where the range tests took
/// six instructions a byte.
const WORD_BYTES: [bool; 128] = {
    let mut table = [false; 128];
    let mut byte = 0;
    while byte < 128 {
        table[byte] = (byte as u8).is_ascii_alphanumeric() || byte as u8 == b'_';
        byte += 1;
    }
    table
};

/// Where the run of word characters starting at byte `at` ends, and a hash
/// of its bytes ([`word_hash`]).
fn word_end(text: &str, at: usize) -> (usize, u64) {
    let mut end = at;
    while end < text.len() {
        let (_, width, is_word) = word_char_at(text, end);
        if !is_word {
            break;
        }
        end += width;
    }
    (end, word_hash(text.as_bytes(), at, end))
}

/// A hash of `bytes[start..end]`, eight bytes at a time: one multiply for
/// most words. Mixing in each byte made a chain of dependent multiplies,
/// and `word_end` was 14% of tagging's instructions.
fn word_hash(bytes: &[u8], start: usize, end: usize) -> u64 {
    let mut hash = (end - start) as u64;
    let mut at = start;
    while at < end {
        let take = (end - at).min(8);
        // Whole eight-byte loads where the text goes on; a copy at its end.
        let chunk = match bytes.get(at..at + 8) {
            Some(eight) => u64::from_le_bytes(eight.try_into().expect("eight bytes")),
            None => {
                let mut last = [0u8; 8];
                last[..take].copy_from_slice(&bytes[at..at + take]);
                u64::from_le_bytes(last)
            }
        };
        let kept = if take == 8 {
            chunk
        } else {
            chunk & ((1u64 << (8 * take)) - 1)
        };
        hash = mix(hash, kept);
        at += take;
    }
    hash
}

#[inline]
fn mix(hash: u64, value: u64) -> u64 {
    (hash.rotate_left(5) ^ value).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

#[inline]
pub(super) fn is_word_char(c: char) -> bool {
    is_alphanumeric(c) || c == '_'
}

/// Whether `text[start..end]` is whole words: no word character runs on
/// across either end.
#[inline]
pub(super) fn is_boundary(text: &str, start: usize, end: usize) -> bool {
    let before_ok = text[..start].chars().next_back().is_none_or(|c| !is_word_char(c));
    let after_ok = text[end..].chars().next().is_none_or(|c| !is_word_char(c));
    before_ok && after_ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tag::{Dictionaries, DictionarySource, GuardKind};

    impl Extractor {
        /// The straightforward finder `hits` must agree with: the automaton
        /// run unanchored over every byte, skipping matches that start inside
        /// a word.
        fn hits_by_scan(&self, text: &str) -> Vec<Hit> {
            let lowercase = text.to_ascii_lowercase();
            let mut hits = Vec::new();
            let mut from = 0;
            while let Some(found) = self.automaton.find(Input::new(&lowercase).range(from..)) {
                let (start, end) = (found.start(), found.end());
                let fitting = if is_boundary(text, start, end) {
                    Some(found)
                } else if text[..start].chars().next_back().is_none_or(|c| !is_word_char(c)) {
                    self.fitting_match(text, &lowercase, start, end)
                } else {
                    None
                };
                match fitting {
                    Some(m) => {
                        hits.push(Hit {
                            start: m.start(),
                            end: m.end(),
                            cue: m.pattern().as_u32(),
                        });
                        from = m.end();
                    }
                    None => {
                        from = start
                            + text[start..]
                                .find(|c: char| !is_word_char(c))
                                .unwrap_or(text.len() - start)
                                .max(1)
                    }
                }
            }
            self.keep_cased(text, hits)
        }
    }

    /// Dictionary words and phrases, their fragments and neighbours, and
    /// separators of every kind, mixed at random with random case.
    fn texts_with_cues() -> Vec<String> {
        let pieces = [
            "United States",
            "U.S.",
            "US",
            "us",
            "sanction",
            "sanctions",
            "sanctioned",
            "threatened to",
            "threatened today",
            "threatened",
            "al-Qaeda",
            "al",
            "Hamas",
            "Beijing",
            "China",
            "Chinese",
            "Turkey",
            "turkey",
            "May",
            "Theresa May",
            "Trump",
            "accused",
            "accuse",
            "cyberattack",
            "attack",
            "attacks",
            "North Korea",
            "Korea",
            "UN",
            "United Nations",
            "Nations",
            "Putin",
            "Moscow",
            "Russia's",
            "NATO",
            "Iran",
            "Tehran",
            "Washington",
            "European Union",
            "EU",
            "Islamic State",
            "said",
            "condemned",
            "protest",
            "Georgia",
            "New York",
            "Hong Kong",
            "Taiwan",
            "Xi Jinping",
            " ",
            " ",
            " ",
            ", ",
            ". ",
            "-",
            "'s",
            "\n",
            "\n\n",
            "é",
            "_",
            "9",
            "—",
            "(",
            ")",
            "#",
            "\"",
            "İ",
            "x",
            "pre",
            "anti-",
            "Ünited",
            "北京",
            "#MeToo",
            "(ret.)",
            "—said",
            "-backed",
            "été",
            "Été",
        ];
        let mut next = crate::test_support::pseudo_random(0x5eed_cafe);
        let mut texts = Vec::new();
        for _ in 0..3000 {
            let mut text = String::new();
            for _ in 0..next() % 40 {
                let piece = pieces[next() % pieces.len()];
                match next() % 4 {
                    0 => text.push_str(&piece.to_uppercase()),
                    1 => text.push_str(&piece.to_lowercase()),
                    _ => text.push_str(piece),
                }
            }
            texts.push(text);
        }
        texts.extend(crate::test_support::bundled_corpus_texts());
        texts
    }

    #[test]
    fn anchored_hits_are_the_hits_of_a_full_scan() {
        let mut dictionaries = Dictionaries::load(&DictionarySource::Embedded).expect("dictionaries");
        let shipped = Extractor::new(&dictionaries).expect("extractor");
        // A user's dictionary may hold patterns that begin with no word.
        for pattern in ["#metoo", "(ret.)", "\u{2014}said", "-backed", "\u{e9}t\u{e9}"] {
            dictionaries.guards.push(crate::tag::Guard {
                kind: GuardKind::Reporting,
                pattern: pattern.to_string(),
            });
        }
        let extended = Extractor::new(&dictionaries).expect("extractor");
        assert_eq!(extended.starts.other_chars, ['#', '(', '\u{2014}', '-']);
        for extractor in [shipped, extended] {
            let mut compared = 0;
            for text in texts_with_cues() {
                let expected = extractor.hits_by_scan(&text);
                assert_eq!(extractor.hits(&text), expected, "in {text:?}");
                compared += expected.len();
            }
            assert!(compared > 4_000, "only {compared} hits compared");
        }
    }
}
