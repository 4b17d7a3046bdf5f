//! A body's fingerprint: a one-permutation MinHash of its word 5-shingles.
//!
//! Every shingle is hashed once; the top bits choose one of [`SLOTS`] slots
//! and each slot keeps the smallest 16-bit value it sees. Two fingerprints
//! agree on a slot with probability close to the Jaccard similarity of the
//! two shingle sets, so the share of agreeing slots estimates it. Classic
//! MinHash hashes every shingle once per slot (64 times here); one hash per
//! shingle keeps the cost at indexing speed. Empty slots (short texts) take
//! the next filled slot's value, shifted by the distance ("rotation
//! densification"), so that short texts compare too.
//!
//! A second, smaller sketch holds only the shingles with a number in them.
//! Wire services repeat templates (a central bank's daily operation, an
//! earnings table, a dividend notice) whose words are the same from one
//! item to the next while the figures differ: the words say "same text",
//! the figures say "another report".

/// Slots of a fingerprint.
pub const SLOTS: usize = 64;
/// Words in a shingle: long enough that unrelated articles share few
/// shingles, short enough that an edited sentence leaves most of them.
const SHINGLE_WORDS: usize = 5;
/// Texts shorter than this have no fingerprint: a line of a few words says
/// too little to call two articles one story.
const MIN_WORDS: usize = 8;
/// Slots of the sketch of the shingles holding a number.
pub const NUMBER_SLOTS: usize = 32;
/// 64-bit words of a fingerprint as stored: the slots of both sketches,
/// four to a word, then the two shingle counts.
pub const FINGERPRINT_WORDS: usize = (SLOTS + NUMBER_SLOTS) / 4 + 1;
/// Below this many shingles with numbers on either side, figures say
/// nothing about whether two texts are one report.
const MIN_NUMBER_SHINGLES: u32 = 3;
/// Slots per band for candidate search: two agreeing slots make two
/// articles worth comparing (at a Jaccard similarity of 0.3, 95% of pairs
/// share at least one band of two among 32).
const BAND_SLOTS: usize = 2;
pub const BANDS: usize = SLOTS / BAND_SLOTS;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    slots: [u16; SLOTS],
    /// Shingles hashed (repeated shingles count again); sizes the texts for
    /// containment.
    shingles: u32,
    numbers: [u16; NUMBER_SLOTS],
    number_shingles: u32,
}

/// How alike two fingerprints say their texts are.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Similarity {
    /// Estimated Jaccard similarity of the shingle sets.
    pub jaccard: f64,
    /// Estimated share of the shorter text's shingles found in the other.
    pub containment: f64,
    /// The same for the shingles holding a number, when both texts have
    /// enough of them to tell.
    pub number_containment: Option<f64>,
    /// Whether the shorter text is short (fewer than [`SHORT_TEXT`]
    /// shingles): a short text's similarity is coarse, and short items are
    /// the ones templates are made of.
    pub short: bool,
}

/// Shingles below which a text counts as short (about 35 words).
const SHORT_TEXT: u32 = 30;

impl Similarity {
    /// Whether two texts are versions of one report: mostly the same text,
    /// or a shorter text standing whole inside a longer one that is not
    /// more than about three times its size (a trimmed wire copy, not a
    /// paragraph quoted in a roundup); and, where they give figures, mostly
    /// the same figures. Short texts must be alike in most of their words.
    pub fn same_story(&self) -> bool {
        let same_text = if self.short {
            self.jaccard >= 0.7
        } else {
            self.jaccard >= 0.5 || (self.containment >= 0.8 && self.jaccard >= 0.25)
        };
        same_text && self.number_containment.is_none_or(|c| c >= 0.6)
    }
}

impl Fingerprint {
    /// The fingerprint of `text`, or `None` when it has fewer than
    /// [`MIN_WORDS`] words.
    pub fn of(text: &str) -> Option<Fingerprint> {
        // The last five words' hashes, oldest first.
        let mut window = [0u64; SHINGLE_WORDS];
        // Bit k: the word k places back holds a digit.
        let mut digits = 0u32;
        let mut words = 0usize;
        let mut text_sketch = Sketch::<SLOTS>::new();
        let mut number_sketch = Sketch::<NUMBER_SLOTS>::new();
        for_each_word(text.as_bytes(), |hash, has_digit| {
            digits = (digits << 1) | u32::from(has_digit);
            window.copy_within(1.., 0);
            window[SHINGLE_WORDS - 1] = hash;
            words += 1;
            if words >= SHINGLE_WORDS {
                // Each place rotated apart, so that word order counts.
                let shingle = window[0].rotate_left(4 * 13)
                    ^ window[1].rotate_left(3 * 13)
                    ^ window[2].rotate_left(2 * 13)
                    ^ window[3].rotate_left(13)
                    ^ window[4];
                let mixed = mix(shingle);
                text_sketch.add(mixed);
                if digits & ((1 << SHINGLE_WORDS) - 1) != 0 {
                    number_sketch.add(mixed);
                }
            }
        });
        if words < MIN_WORDS {
            return None;
        }
        Some(Fingerprint {
            shingles: text_sketch.count,
            slots: text_sketch.finish(),
            number_shingles: number_sketch.count,
            numbers: number_sketch.finish(),
        })
    }

    pub fn similarity(&self, other: &Fingerprint) -> Similarity {
        let (jaccard, containment) = estimate(&self.slots, &other.slots, self.shingles, other.shingles);
        let number_containment = (self.number_shingles.min(other.number_shingles) >= MIN_NUMBER_SHINGLES).then(|| {
            estimate(
                &self.numbers,
                &other.numbers,
                self.number_shingles,
                other.number_shingles,
            )
            .1
        });
        Similarity {
            jaccard,
            containment,
            number_containment,
            short: self.shingles.min(other.shingles) < SHORT_TEXT,
        }
    }

    /// The candidate keys: one per band of [`BAND_SLOTS`] slots, salted by
    /// the band's number so that bands never meet each other.
    pub fn bands(&self) -> [u64; BANDS] {
        let mut keys = [0u64; BANDS];
        for (band, key) in keys.iter_mut().enumerate() {
            let mut packed = band as u64;
            for slot in &self.slots[band * BAND_SLOTS..(band + 1) * BAND_SLOTS] {
                packed = (packed << 16) | u64::from(*slot);
            }
            *key = mix(packed);
        }
        keys
    }

    /// The fingerprint as [`FINGERPRINT_WORDS`] numbers (tantivy keeps
    /// numbers in plain columns; as one bytes value it went through a
    /// sorted, compressed dictionary that cost 7% of indexing).
    pub fn to_words(&self) -> [u64; FINGERPRINT_WORDS] {
        let mut out = [0u64; FINGERPRINT_WORDS];
        let slots: Vec<u16> = self.slots.iter().chain(&self.numbers).copied().collect();
        for (word, four) in out.iter_mut().zip(slots.chunks_exact(4)) {
            *word = four.iter().fold(0u64, |w, &slot| (w << 16) | u64::from(slot));
        }
        out[FINGERPRINT_WORDS - 1] = (u64::from(self.shingles) << 32) | u64::from(self.number_shingles);
        out
    }

    pub fn from_words(words: &[u64; FINGERPRINT_WORDS]) -> Fingerprint {
        let slot = |n: usize| (words[n / 4] >> (16 * (3 - n % 4))) as u16;
        let counts = words[FINGERPRINT_WORDS - 1];
        Fingerprint {
            slots: std::array::from_fn(slot),
            numbers: std::array::from_fn(|n| slot(SLOTS + n)),
            shingles: (counts >> 32) as u32,
            number_shingles: counts as u32,
        }
    }
}

/// Calls `word` with each word's hash and whether it holds a digit. A word
/// is a run of ASCII letters and digits (case folded) or of non-ASCII
/// characters other than the General Punctuation block (curly quotes,
/// dashes) and the no-break space. One pass over the bytes, hashing as it
/// goes: the analyser's Unicode-exact word cutting cost as much as all the
/// rest of the fingerprint, and copies of one report cut alike either way.
fn for_each_word(bytes: &[u8], mut word: impl FnMut(u64, bool)) {
    const SEED: u64 = 0xcbf2_9ce4_8422_2325;
    let mut hash = SEED;
    let mut in_word = false;
    let mut has_digit = false;
    let mut at = 0;
    while at < bytes.len() {
        let byte = bytes[at];
        let part_of_word = if byte.is_ascii() {
            byte.is_ascii_alphanumeric()
        } else if byte == 0xe2 && bytes.get(at + 1) == Some(&0x80) {
            at += 2;
            false
        } else {
            !(byte == 0xc2 && bytes.get(at + 1) == Some(&0xa0))
        };
        if part_of_word {
            has_digit |= byte.is_ascii_digit();
            hash = (hash ^ u64::from(byte.to_ascii_lowercase())).wrapping_mul(0x0000_0100_0000_01b3);
            in_word = true;
        } else if in_word {
            // FNV's bits are too regular to be XORed into shingles as they
            // are (similar words gave shingles that collide): spread first.
            word(mix(hash), has_digit);
            hash = SEED;
            in_word = false;
            has_digit = false;
        }
        at += 1;
    }
    if in_word {
        word(mix(hash), has_digit);
    }
}

/// A 64-bit finaliser (MurmurHash3's): spreads a combination of word hashes
/// over every bit before its top bits pick a slot.
fn mix(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// A one-permutation MinHash being filled.
struct Sketch<const N: usize> {
    slots: [u16; N],
    filled: u64,
    count: u32,
}

impl<const N: usize> Sketch<N> {
    fn new() -> Self {
        Sketch {
            slots: [u16::MAX; N],
            filled: 0,
            count: 0,
        }
    }

    /// Adds a mixed shingle hash: its top bits choose the slot, its low 16
    /// bits are the value.
    fn add(&mut self, mixed: u64) {
        let slot = ((mixed >> 32) as usize * N) >> 32;
        let value = mixed as u16;
        if value < self.slots[slot] {
            self.slots[slot] = value;
        }
        self.filled |= 1 << slot;
        self.count = self.count.saturating_add(1);
    }

    /// Fills each empty slot from the next filled one (circularly), shifted
    /// by the distance so that a copied value does not look like a real
    /// agreement.
    fn finish(self) -> [u16; N] {
        let full = if N == 64 { u64::MAX } else { (1u64 << N) - 1 };
        if self.filled == 0 || self.filled == full {
            return self.slots;
        }
        let mut slots = self.slots;
        for (slot, value) in slots.iter_mut().enumerate() {
            if self.filled & (1 << slot) != 0 {
                continue;
            }
            let mut distance = 1;
            while self.filled & (1 << ((slot + distance) % N)) == 0 {
                distance += 1;
            }
            *value = self.slots[(slot + distance) % N].wrapping_add((distance as u16).wrapping_mul(0x9e37));
        }
        slots
    }
}

/// Jaccard similarity and containment of two sets from their sketches and
/// sizes.
fn estimate(a: &[u16], b: &[u16], size_a: u32, size_b: u32) -> (f64, f64) {
    let agree = a.iter().zip(b).filter(|(x, y)| x == y).count();
    let jaccard = agree as f64 / a.len() as f64;
    let (size_a, size_b) = (f64::from(size_a), f64::from(size_b));
    // |A∩B| = J·|A∪B| and |A∪B| = (|A| + |B|) / (1 + J).
    let shared = jaccard * (size_a + size_b) / (1.0 + jaccard);
    (jaccard, (shared / size_a.min(size_b).max(1.0)).min(1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(words: std::ops::Range<usize>) -> String {
        words.map(|n| format!("w{n} ")).collect()
    }

    #[test]
    fn the_same_text_gives_the_same_fingerprint_whatever_the_case_and_punctuation() {
        let a =
            Fingerprint::of("The Electoral Commission said on Tuesday that hackers had reached its servers.").unwrap();
        let b =
            Fingerprint::of("the electoral commission said, on tuesday, that HACKERS had reached its servers").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.similarity(&b).jaccard, 1.0);
        assert!(a.similarity(&b).same_story());
    }

    #[test]
    fn similarity_estimates_the_jaccard_of_the_shingles() {
        // 1,000 words sharing the first 600: 596 shared shingles of 1,392.
        let a = Fingerprint::of(&text(0..1000)).unwrap();
        let b = Fingerprint::of(&(text(0..600) + &text(5000..5400))).unwrap();
        let s = a.similarity(&b);
        let exact = 596.0 / 1392.0;
        assert!((s.jaccard - exact).abs() < 0.15, "{} vs {exact}", s.jaccard);
        let unrelated = Fingerprint::of(&text(10_000..11_000)).unwrap();
        assert!(a.similarity(&unrelated).jaccard < 0.1);
        assert!(!a.similarity(&unrelated).same_story());
    }

    #[test]
    fn a_trimmed_copy_is_contained_in_the_whole() {
        let whole = Fingerprint::of(&text(0..900)).unwrap();
        let trimmed = Fingerprint::of(&text(0..400)).unwrap();
        let s = whole.similarity(&trimmed);
        // Exactly 1.0; 64 slots estimate it within about 0.2.
        assert!(s.containment > 0.7, "{s:?}");
        let lightly_trimmed = Fingerprint::of(&text(0..700)).unwrap();
        assert!(whole.similarity(&lightly_trimmed).same_story());
        let excerpt = Fingerprint::of(&text(0..60)).unwrap();
        assert!(!whole.similarity(&excerpt).same_story());
    }

    #[test]
    fn a_template_with_other_figures_is_another_report() {
        let item = |rate: &str, amount: &str| {
            format!(
                "The central bank entered the market to arrange {amount} billion of repurchase agreements, \
                 a spokesman said. Dealers said funds were trading at {rate} pct when the bank began its \
                 temporary supply of reserves to the banking system through the agreements."
            )
        };
        let monday = Fingerprint::of(&item("6-3/16", "1.5")).unwrap();
        let tuesday = Fingerprint::of(&item("5-7/8", "2.25")).unwrap();
        let again = Fingerprint::of(&item("6-3/16", "1.5")).unwrap();
        assert!(monday.similarity(&again).same_story());
        let s = monday.similarity(&tuesday);
        assert!(s.number_containment.is_some_and(|c| c < 0.6), "{s:?}");
        assert!(!s.same_story(), "{s:?}");
    }

    #[test]
    fn short_texts_have_no_fingerprint_and_words_round_trip() {
        assert!(Fingerprint::of("Shr 10 cts vs 5 cts").is_none());
        let f = Fingerprint::of(&text(0..30)).unwrap();
        assert_eq!(Fingerprint::from_words(&f.to_words()), f);
        assert_eq!(f.bands(), Fingerprint::of(&text(0..30)).unwrap().bands());
    }
}
