//! Threat groups the dictionaries do not list, read from the ways vendors and
//! reporters name them: numbered designations ("UNC5221", "Storm-2603"),
//! family names after a word ("Salt Typhoon"), and a name beside a gang phrase ("the Qilin ransomware gang", "a hacking
//! group called ShinyHunters"). A name read beside a gang phrase stands for
//! the group wherever else the passage uses it ("Qilin said …"): reporters
//! introduce a gang once and then name it bare.

use std::cell::OnceCell;
use std::sync::Arc;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::dictionary::{GroupNaming, GroupTerm};
use super::entities::PlacedEntity;
use super::tags::{Entity, EntityKind};
use super::text::lowercase;
use super::{HashMap, HashSet};
use crate::Error;

/// What a match of the naming automaton is.
#[derive(Debug, Clone)]
enum Pattern {
    /// Digits follow as one word or after a hyphen ("UNC5221", "Storm-0558").
    Prefix,
    /// A family word after one capitalised word ("Salt Typhoon"), with the
    /// state the family stands for.
    FamilyAfter(Option<Arc<str>>),
    /// A word that makes a gang phrase with a head after it ("ransomware
    /// gang", "hacking group").
    Modifier,
}

/// The naming schemes of [`GroupNaming`], compiled.
pub(super) struct GroupNamer {
    automaton: AhoCorasick,
    patterns: Vec<Pattern>,
    heads: HashSet<String>,
    /// Lowercase phrases that introduce a name after a gang phrase
    /// ("called", "known as").
    links: Vec<String>,
    /// Capitalised words that are never a gang's name (weekdays, vendors).
    not_names: HashSet<String>,
    /// Dictionary groups by lowercase name, for a name beside a gang phrase:
    /// the ATT&CK id and sponsor of "the Akira ransomware gang", whose name
    /// is too ambiguous to match alone.
    known: HashMap<String, (Arc<str>, Option<Arc<str>>)>,
}

impl GroupNamer {
    pub(super) fn new(naming: &GroupNaming, dictionary: &[GroupTerm]) -> Result<GroupNamer, Error> {
        let mut words: Vec<String> = Vec::new();
        let mut patterns = Vec::new();
        let state = |code: &str| (code != "-").then(|| Arc::<str>::from(code));
        for prefix in naming.numbered_prefixes.iter().filter(|p| !p.is_empty()) {
            words.push(prefix.clone());
            patterns.push(Pattern::Prefix);
        }
        for (family, code) in naming.families.iter().filter(|(f, _)| !f.is_empty()) {
            words.push(family.clone());
            patterns.push(Pattern::FamilyAfter(state(code)));
        }
        // As written in a sentence and in a title-case headline.
        for modifier in naming.gang_modifiers.iter().filter(|m| !m.is_empty()) {
            let lower = modifier.to_lowercase();
            let mut capitalised: Vec<char> = lower.chars().collect();
            capitalised[0] = capitalised[0].to_ascii_uppercase();
            words.push(lower);
            words.push(capitalised.into_iter().collect());
            patterns.extend([Pattern::Modifier, Pattern::Modifier]);
        }
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&words)
            .map_err(|e| Error::Dictionary {
                file: "extraction.toml".into(),
                line: 0,
                reason: format!("the [groups] names do not build: {e}"),
            })?;
        Ok(GroupNamer {
            automaton,
            patterns,
            heads: naming.gang_heads.iter().map(|h| h.to_lowercase()).collect(),
            links: naming.name_links.iter().map(|l| l.to_lowercase()).collect(),
            not_names: naming.not_names.iter().map(|n| n.to_lowercase()).collect(),
            known: dictionary
                .iter()
                .map(|g| {
                    let sponsor = g
                        .base
                        .as_ref()
                        .or(g.sponsor.as_ref())
                        .map(|c| Arc::<str>::from(c.as_str()));
                    (g.term.to_lowercase(), (Arc::<str>::from(g.id.as_str()), sponsor))
                })
                .collect(),
        })
    }

    /// Places the groups `text` names by these schemes where no entity
    /// already stands. `ordinary` holds words that are seldom names
    /// ("notorious", "the"), which never name a gang.
    pub(super) fn place(&self, text: &str, ordinary: &HashSet<String>, placed: &mut Vec<PlacedEntity>) {
        let about_hacking = OnceCell::new();
        let about_hacking = || {
            *about_hacking.get_or_init(|| {
                let lower = text.to_lowercase();
                ["hack", "cyber", "malware", "ransomware", "espionage", "phishing"]
                    .iter()
                    .any(|word| lower.contains(word))
            })
        };
        let bytes = text.as_bytes();
        let word_byte = |at: usize| bytes.get(at).is_some_and(|b| b.is_ascii_alphanumeric());
        let is_name = |range: &(usize, usize)| {
            let lower = lowercase(&text[range.0..range.1]);
            !ordinary.contains(lower.as_ref()) && !self.not_names.contains(lower.as_ref())
        };
        let free =
            |placed: &[PlacedEntity], (from, to): (usize, usize)| !placed.iter().any(|p| p.start < to && from < p.end);
        // Names read beside a gang phrase, to find again bare.
        let mut gang_names: Vec<(usize, usize)> = Vec::new();
        for found in self.automaton.find_iter(text) {
            let (start, end) = (found.start(), found.end());
            let pattern = &self.patterns[found.pattern().as_usize()];
            // A prefix runs into its number; every other word ends here.
            if (start > 0 && word_byte(start - 1)) || (!matches!(pattern, Pattern::Prefix) && word_byte(end)) {
                continue;
            }
            let group = match pattern {
                Pattern::Prefix => {
                    let hyphen = bytes.get(end) == Some(&b'-');
                    let from = end + usize::from(hyphen);
                    let digits = bytes[from..].iter().take_while(|b| b.is_ascii_digit()).count();
                    let enough = if hyphen { digits >= 3 } else { digits >= 1 };
                    (enough && !word_byte(from + digits)).then_some((start, from + digits, None))
                }
                Pattern::FamilyAfter(state) => name_before(text, start)
                    .filter(|name| starts_upper(&text[name.0..name.1]) && about_hacking())
                    .map(|name| (name.0, end, state.clone())),
                Pattern::Modifier => {
                    let Some(head) =
                        name_after(text, end).filter(|h| self.heads.contains(lowercase(&text[h.0..h.1]).as_ref()))
                    else {
                        continue;
                    };
                    let name_ok = |n: &(usize, usize)| gang_name(text, *n) && (self.knows(text, n) || is_name(n));
                    let before = name_before(text, start).filter(name_ok);
                    let after = || {
                        let mut at = head.1;
                        if let Some(link) = self.links.iter().find(|l| {
                            text.get(at + 1..at + 1 + l.len())
                                .is_some_and(|t| t.eq_ignore_ascii_case(l))
                                && bytes.get(at) == Some(&b' ')
                        }) {
                            at += 1 + link.len();
                        }
                        name_after(text, at).filter(|n| name_ok(n) && !text[n.1..].starts_with(['\'', '’']))
                    };
                    let Some(name) = before.or_else(after) else { continue };
                    // An ordinary word ("Play") names the gang beside its
                    // phrase only, never bare.
                    if free(placed, name) && is_name(&name) {
                        gang_names.push(name);
                    }
                    Some((name.0, name.1, None))
                }
            };
            let Some((from, to, country)) = group else { continue };
            if free(placed, (from, to)) {
                placed.push(self.group_entity(text, from, to, country));
            }
        }
        for (from, to) in gang_names {
            let name = &text[from..to];
            for (at, _) in text.match_indices(name) {
                let span = (at, at + name.len());
                let whole_word = (at == 0 || !word_byte(at - 1)) && !word_byte(span.1);
                if whole_word && free(placed, span) {
                    placed.push(self.group_entity(text, span.0, span.1, None));
                }
            }
        }
    }

    fn knows(&self, text: &str, (from, to): &(usize, usize)) -> bool {
        self.known.contains_key(lowercase(&text[*from..*to]).as_ref())
    }

    /// The group named `text[from..to]`: a dictionary group by its id, any
    /// other by the slug of its name.
    fn group_entity(&self, text: &str, from: usize, to: usize, country: Option<Arc<str>>) -> PlacedEntity {
        let name = &text[from..to];
        let (code, country) = match self.known.get(lowercase(name).as_ref()) {
            Some((id, sponsor)) => (id.clone(), sponsor.clone()),
            None => {
                // Lower case in every script ("Ünïcödé" is `ünïcödé`).
                let slug = name
                    .chars()
                    .map(|c| if c.is_alphanumeric() { c } else { '-' })
                    .collect::<String>()
                    .to_lowercase();
                (Arc::from(slug.trim_matches('-')), country)
            }
        };
        PlacedEntity {
            start: from,
            end: to,
            entity: Entity {
                kind: EntityKind::Group,
                code,
                country,
                sector: None,
            },
            can_act: true,
        }
    }
}

fn starts_upper(word: &str) -> bool {
    word.starts_with(|c: char| c.is_uppercase())
}

/// A gang's name as written: two characters or more, a capital or a digit
/// first, a letter in it ("LockBit", "8Base", "Lapsus$"), and a word of its
/// own, not the end of a compound ("pro-Russian").
fn gang_name(text: &str, (from, to): (usize, usize)) -> bool {
    let word = &text[from..to];
    word.len() >= 2
        && word.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit())
        && word.chars().any(char::is_alphabetic)
        && !text[..from].ends_with(['-', '.', '/', '\''])
}

/// The word right before `start`, one space between: letters, digits and
/// the `$` some gangs spell with. A closing quotation mark after the word is
/// not part of it ("the “Qilin” ransomware group").
fn name_before(text: &str, start: usize) -> Option<(usize, usize)> {
    let before = text[..start].strip_suffix(' ')?;
    let before = before.strip_suffix(['”', '"', '’']).unwrap_or(before);
    let from = before
        .char_indices()
        .rfind(|(_, c)| !is_name_char(*c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    (from < before.len()).then_some((from, before.len()))
}

/// The word right after `end`, one space between.
fn name_after(text: &str, end: usize) -> Option<(usize, usize)> {
    let after = text[end..].strip_prefix(' ')?;
    let from = end + 1;
    let len = after.find(|c: char| !is_name_char(c)).unwrap_or(after.len());
    // A word ends on a letter or digit: "Lapsus$." keeps its sign, a
    // sentence's full stop is not in `is_name_char` at all.
    (len > 0).then_some((from, from + len))
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '$'
}
