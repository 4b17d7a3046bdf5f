//! What a word is, for the `news` analyser and the tagger alike: a run of
//! alphanumeric characters, cut as tantivy's `SimpleTokenizer` cuts them.

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
            if is_alphanumeric(c) {
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
            if !is_alphanumeric(c) {
                break;
            }
            ascii = false;
            at += c.len_utf8();
        }
    }
    *cursor = at;
    Some((from, at, ascii))
}

/// `char::is_alphanumeric`, answered at once for the General Punctuation
/// block: news text is full of its curly quotes and dashes, it holds no
/// letter or digit, and the Unicode tables cost more.
pub fn is_alphanumeric(c: char) -> bool {
    !('\u{2000}'..='\u{206f}').contains(&c) && c.is_alphanumeric()
}

/// Byte ranges of the words of `text`, as [`next_word`] finds them.
pub fn words(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut cursor = 0;
    std::iter::from_fn(move || next_word(text, &mut cursor).map(|(from, to, _)| (from, to)))
}
