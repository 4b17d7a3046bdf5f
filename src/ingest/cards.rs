//! Name cards: the pop-up text some news sites attach to a politician's
//! name, which a scrape of the page glues into the sentence. The card holds
//! the person's full legal name run into three headlines of other stories
//! and a "MORE" link:
//!
//! "President Trump Donald John TrumpGOP senators balk at lengthy
//! impeachment trial … veterans' votes MORE says he thrives on conflict"
//!
//! Left in, the headlines make every such article match searches for other
//! stories, put their events and people on it, and turn the glued words
//! into people nobody is ("donald-john-trumpgop"). This module finds a card
//! by its shape and keeps the name as the sentence wrote it.

/// How far before a "MORE" link a card can start, in bytes: a name and
/// three headlines fit in a few hundred.
const CARD_REACH: usize = 1_000;

/// How far before the glued full name the name as written can stand.
const NAME_REACH: usize = 120;

/// Removes name cards from a text. A card is recognised by three things
/// together: a " MORE" link that ends a word, a word before it glued to the
/// next without a space ("TrumpGOP", "McCain2020"), and the glued word's
/// first part written as a word of its own shortly before (the name as the
/// sentence has it: "President Trump … TrumpGOP"). The text from the end of
/// that name through "MORE" goes; any text without all three is returned
/// as it is.
pub fn remove_name_cards(text: String) -> String {
    let bytes = text.as_bytes();
    let mut cleaned = String::new();
    // Bytes of `text` up to here are in `cleaned` or were a card.
    let mut done = 0;
    for more in memchr::memmem::find_iter(bytes, b" MORE") {
        let after = more + " MORE".len();
        let is_link = more > done
            && !bytes[more - 1].is_ascii_whitespace()
            && !bytes.get(after).is_some_and(u8::is_ascii_alphanumeric);
        if !is_link {
            continue;
        }
        let reach = text.ceil_char_boundary(more.saturating_sub(CARD_REACH).max(done));
        if let Some(name_end) = card_start(&text, done, reach, more) {
            cleaned.push_str(&text[done..name_end]);
            done = after;
        }
    }
    if done == 0 {
        return text;
    }
    cleaned.push_str(&text[done..]);
    cleaned
}

/// Where the name a card belongs to ends, for a card that ends at byte
/// `more`: the first word in `text[from..more]` glued to the next at a
/// change to a capital, a digit or a quotation mark, whose first part also
/// stands before it as a word, at or after `floor` (where the text not yet
/// kept starts). `None` when no word fits.
fn card_start(text: &str, floor: usize, from: usize, more: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut at = from;
    while at < more {
        if bytes[at].is_ascii_whitespace() {
            at += 1;
            continue;
        }
        let word_start = at;
        while at < more && !bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        // Only a capitalised word can be a name run into a headline.
        if !bytes[word_start].is_ascii_uppercase() {
            continue;
        }
        // The longest first part first: "McCain2020" is glued after
        // "McCain", not after "Mc".
        for glue in (word_start + 2..at).rev() {
            let (last, next) = (bytes[glue - 1], bytes[glue]);
            let joins = (last.is_ascii_lowercase() || last == b'.' || last == b')')
                && (next.is_ascii_uppercase()
                    || (next.is_ascii_digit() && last.is_ascii_lowercase())
                    || next == b'"'
                    || next == b'\''
                    || bytes[glue..].starts_with("\u{2018}".as_bytes())
                    || bytes[glue..].starts_with("\u{201c}".as_bytes()));
            if !joins {
                continue;
            }
            if let Some(name_end) = name_before(text, &text[word_start..glue], floor, word_start) {
                return Some(name_end);
            }
        }
    }
    None
}

/// Where `name` ends as a word of its own within [`NAME_REACH`] bytes
/// before `before` and not before `floor`, the latest such place.
fn name_before(text: &str, name: &str, floor: usize, before: usize) -> Option<usize> {
    let start = text.ceil_char_boundary(before.saturating_sub(NAME_REACH).max(floor));
    let window = &text[start..before];
    let mut end = window.len();
    while let Some(found) = window[..end].rfind(name) {
        let name_end = start + found + name.len();
        let spaced = found > 0 && window.as_bytes()[found - 1] == b' ';
        // A name of four letters or more may be glued to a capital itself
        // ("Stephen BreyerStephen BreyerDivided"); a shorter one is more
        // likely the start of another name ("Mc" of "McCain").
        let next = text.as_bytes()[name_end];
        let ends_word = !next.is_ascii_alphanumeric() || (next.is_ascii_uppercase() && name.len() >= 4);
        if spaced && ends_word && name_end < before && only_names_between(&text[name_end..before]) {
            return Some(name_end);
        }
        end = found;
    }
    None
}

/// Whether what stands between a name as written and its glued full name
/// is the rest of a full name: a few capitalised words, initials,
/// nicknames in brackets ("Donald John", "Robert (Bob) Swan") and short
/// particles ("de"). Anything else, and the glued word is no card's.
fn only_names_between(gap: &str) -> bool {
    gap.len() <= NAME_GAP
        && gap.split_whitespace().all(|piece| {
            piece.starts_with(|c: char| c.is_ascii_uppercase() || c == '(')
                || (piece.len() <= 3 && piece.bytes().all(|b| b.is_ascii_lowercase()))
        })
}

/// The longest rest of a full name between the name as written and the
/// glued full name, in bytes.
const NAME_GAP: usize = 60;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_card_goes_and_the_name_stays() {
        let text = "President Trump Donald John TrumpGOP senators balk at lengthy trial Warren goes local \
                    2020 Democrats make play for veterans' votes MORE says he thrives on conflict."
            .to_string();
        assert_eq!(remove_name_cards(text), "President Trump says he thrives on conflict.");
        let text = "Sen. John McCain John Sidney McCain2020 Democrats make play MORE (R-Ariz.), a war hero, \
                    met Special counsel Robert Mueller Robert (Bob) Swan MuellerSpeier says inquiry \
                    shows 'very strong case' MORE’s team."
            .to_string();
        assert_eq!(
            remove_name_cards(text),
            "Sen. John McCain (R-Ariz.), a war hero, met Special counsel Robert Mueller’s team."
        );
        let text = "Justices Sonia Sotomayor, Stephen BreyerStephen BreyerDivided court leans toward \
                    allowing it MORE and Elena Kagan dissented."
            .to_string();
        assert_eq!(
            remove_name_cards(text),
            "Justices Sonia Sotomayor, Stephen Breyer and Elena Kagan dissented."
        );
    }

    #[test]
    fn cards_close_together_each_go() {
        let text = "Sens. Ted Cruz Rafael (Ted) Edward CruzSenate passes bill MORE and Ted Cruz Rafael (Ted) \
                    Edward CruzHouse votes on it MORE spoke."
            .to_string();
        assert_eq!(remove_name_cards(text), "Sens. Ted Cruz and Ted Cruz spoke.");
        // The second card's name would be found inside the first card, which is gone.
        let text = "Ted Cruz Rafael CruzSenate Votes MORE CruzHouse Votes MORE spoke.".to_string();
        assert_eq!(remove_name_cards(text), "Ted Cruz CruzHouse Votes MORE spoke.");
    }

    #[test]
    fn any_text_is_safe() {
        let pieces = [
            " MORE",
            "MORE",
            " ",
            "\n",
            "Trump",
            "TrumpGOP",
            "McCain2020",
            "Mc",
            "(Bob)",
            "é",
            "‘",
            "“",
            "’s",
            ".",
            "Ab",
            "aB",
            "Stephen",
            "BreyerX",
            "Breyer",
            "de",
            "北京",
            "Cruz",
            "CruzSenate",
            "Votes",
        ];
        let mut next = crate::test_support::pseudo_random(0x0ca7d);
        for _ in 0..20_000 {
            let text: String = (0..next() % 30).map(|_| pieces[next() % pieces.len()]).collect();
            let cleaned = remove_name_cards(text.clone());
            assert!(cleaned.len() <= text.len(), "{text:?}");
        }
    }

    #[test]
    fn text_without_the_whole_shape_is_kept() {
        for text in [
            "READ MORE: Poland’s populist government",
            "FOLLOW US ON FACEBOOK FOR MORE FOX NEWS",
            "He said JavaScript is everywhere and we want MORE of it.",
            "Fans of McDonald want MORE.",
            "He said: You know it. Watch YouTube, fans want MORE (now).",
            "Speaker Paul Ryan Paul Davis Ryan Retirees should say no MORE (R-Wis.) said.",
            "The word MOREover is no link, nor is MORE at the start.",
            " MORE",
            "é MORE",
        ] {
            assert_eq!(remove_name_cards(text.to_string()), text);
        }
    }
}
