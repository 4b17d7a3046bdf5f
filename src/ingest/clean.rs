//! Text cleaning and ids: strips the control characters and marks that would
//! corrupt a terminal or a result listing, and the invisible characters that
//! split a word in two for search and tagging; gives an article without an id
//! a stable one from its text.

/// Removes control characters (NUL, escapes) that would corrupt terminals and
/// snippets, keeping newlines and tabs.
pub fn clean_text(text: String) -> String {
    if !has_unwanted_control(text.as_bytes()) {
        return text;
    }
    text.chars().filter(|c| !is_unwanted_control(*c)).collect()
}

/// Whether UTF-8 text holds a character [`is_unwanted_control`] rejects,
/// found from its bytes: C0 controls and DEL are single bytes, C1 controls
/// are 0xc2 0x80-0x9f and U+FEFF is 0xef 0xbb 0xbf. Blocks of bytes that
/// hold none of those lead bytes are passed over whole, a pass the compiler
/// vectorises; decoding every char cost 14 instructions a byte.
fn has_unwanted_control(bytes: &[u8]) -> bool {
    const BLOCK: usize = 32;
    let may_start =
        |b: u8| (b < 0x20 && b != b'\n' && b != b'\t' && b != b'\r') | (b == 0x7f) | (b == 0xc2) | (b == 0xef);
    let mut block_start = 0;
    for block in bytes.chunks(BLOCK) {
        if block.iter().fold(false, |any, &b| any | may_start(b)) {
            let unwanted_at = |i: usize| {
                let rest = &bytes[i..];
                match rest[0] {
                    0xc2 => rest.get(1).is_some_and(|b| (0x80..=0x9f).contains(b)),
                    0xef => rest.starts_with(&[0xef, 0xbb, 0xbf]),
                    b => may_start(b),
                }
            };
            if (block_start..block_start + block.len()).any(unwanted_at) {
                return true;
            }
        }
        block_start += block.len();
    }
    false
}

/// Like [`clean_text`], for one-line fields: also drops line breaks and
/// bidirectional-override marks, which would garble a result listing.
pub fn clean_line(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| if c == '\n' || c == '\r' || c == '\t' { ' ' } else { c })
        .filter(|c| {
            !is_unwanted_control(*c)
                && !matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
        })
        .collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Characters that show nothing and join nothing: the soft hyphen (U+00AD),
/// the zero-width space (U+200B) and the word joiner (U+2060). Web pages
/// carry them inside words ("is\u{ad}sues", "Republi\u{200b}cans"), where
/// they cut a word in two: "sues" is read as a lawsuit and a search for
/// "issues" misses the article. The zero-width joiner and non-joiner stay:
/// emoji sequences and some scripts need them.
const INVISIBLE: [char; 3] = ['\u{ad}', '\u{200b}', '\u{2060}'];

/// Removes [`INVISIBLE`] characters. Ids are computed before this step, so
/// an article without an id keeps the id earlier versions gave it.
pub fn strip_invisible(text: String) -> String {
    if !INVISIBLE.iter().any(|c| text.contains(*c)) {
        return text;
    }
    text.chars().filter(|c| !INVISIBLE.contains(c)).collect()
}

/// What a body goes through after its id is taken: [`strip_invisible`],
/// then the name cards of scraped pages go
/// ([`remove_name_cards`](super::cards::remove_name_cards)).
pub fn clean_body_after_id(body: String) -> String {
    super::cards::remove_name_cards(strip_invisible(body))
}

fn is_unwanted_control(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t' && c != '\r') || c == '\u{feff}'
}

/// A stable id for an article that has none: the same text always gets the
/// same id, so indexing a corpus twice never duplicates it.
pub fn content_id(title: &str, body: &str) -> String {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(title.as_bytes());
    hasher.update(&[0]);
    hasher.update(body.as_bytes());
    format!("h{:032x}", hasher.digest128())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_ids_are_stable() {
        assert_eq!(content_id("t", "b"), content_id("t", "b"));
        assert_ne!(content_id("t", "b"), content_id("t", "c"));
    }

    #[test]
    fn controls_and_bidi_marks_are_cleaned() {
        assert_eq!(clean_line("A\u{0}B\u{202e}C\nD"), "ABC D");
        assert_eq!(clean_text("x\u{1b}[31my\n".into()), "x[31my\n");
        assert_eq!(clean_text("x\u{85}y\u{feff}\r\n".into()), "xy\r\n");
        assert_eq!(clean_text("caf\u{e9} \u{2019}\t".into()), "caf\u{e9} \u{2019}\t");
    }

    #[test]
    fn invisible_characters_inside_words_are_removed() {
        assert_eq!(
            strip_invisible("is\u{ad}sues Republi\u{200b}cans a\u{2060}b".into()),
            "issues Republicans ab"
        );
        // Joiners are kept: emoji sequences need them.
        let family = "\u{1f468}\u{200d}\u{1f469}".to_string();
        assert_eq!(strip_invisible(family.clone()), family);
    }

    #[test]
    fn control_bytes_are_found_as_decoding_finds_them() {
        // Every character around the lead bytes the block test looks for,
        // at every place in a block and across a block's end.
        let characters: Vec<char> = (0..0x300)
            .chain(0xfe00..0xff10)
            .chain([0x2028, 0x202e, 0x1_f600])
            .filter_map(char::from_u32)
            .collect();
        for c in characters {
            for at in [0, 1, 30, 31, 32, 33, 63] {
                let text: String = std::iter::repeat_n('a', at).chain([c, 'b']).collect();
                assert_eq!(
                    has_unwanted_control(text.as_bytes()),
                    text.chars().any(is_unwanted_control),
                    "{c:?} at {at}"
                );
            }
        }
    }
}
