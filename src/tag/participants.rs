//! Participants: who acts and who is acted on, for an event cue in its
//! sentence. The subject before the cue is the source, the first other
//! party after it the target, with the parties coordinated with each ("the
//! United States and Jordan"); the passive swaps them, an attribution
//! ("…, the ministry said") names the reporter, not a target, and a state
//! acting on its own people or protesters acts on their own country.

use std::ops::Range;
use std::sync::Arc;

use super::entities::PlacedEntity;
use super::extract::Extractor;
use super::scan::{is_boundary, is_word_char};
use super::tags::{Entity, EntityKind};
use super::text::{aside_after, lowercase, next_word, previous_word, start_of, within_words};
use crate::words::is_alphanumeric;

/// Bytes after an event cue searched for a mediator ("talks in Cairo on
/// Monday brokered by Egypt").
const MEDIATOR_WINDOW: usize = 160;

/// Where an event cue sits, and what its sentence says about its parties.
pub(super) struct CueSite {
    pub(super) sentence: Range<usize>,
    pub(super) cue: Range<usize>,
    /// "China must stop": the subject is acted on.
    pub(super) subject_is_target: bool,
    /// The first reporting word after the cue, and whether it closes the sentence.
    pub(super) attribution: Option<(usize, bool)>,
    /// Where the cue's own clause begins when its subject is not the
    /// sentence's: after a reporting word ("Ukraine said Russian hackers
    /// attacked …" reports an act whose subject follows it) or a word that
    /// opens a subordinate clause ("after Russia annexed Crimea").
    pub(super) subject_from: Option<usize>,
    /// A protest: a party named after "in" or "at" is where it happened
    /// (protesters "in Hong Kong" protest against someone else), unnamed
    /// protesters are the people of that place, and a protest that names no
    /// one is aimed at the protesters' own government.
    pub(super) protest: bool,
    /// An armed attack: a place named before the cue names the attack ("the
    /// Benghazi attack", "Gaza fighting"), and is not the indirect object
    /// that takes the target's place when none follows.
    pub(super) attack: bool,
    /// A type two parties do with each other (`reciprocal_types`): when
    /// several act together, a place named after "in" or "at" is where they
    /// met ("Trump and Kim pledged at their summit in Singapore").
    pub(super) reciprocal: bool,
    /// Where the noun phrase begins when the cue is a noun that names an
    /// act no verb of the sentence carries out ("Trump condemned the
    /// attack in London"): its source is named inside the phrase ("the
    /// Israeli airstrike") or after "by", never the sentence's subject.
    pub(super) noun_phrase: Option<usize>,
    /// A mediation (consult, third-party): the sides named after "between"
    /// are its targets, not its sources.
    pub(super) mediation: bool,
}

impl Extractor {
    /// The sources (the first acting entity before the event cue in its
    /// sentence, with those coordinated with it) and the targets (the first
    /// other entity after the cue, with those coordinated with it).
    pub(super) fn participants(
        &self,
        text: &str,
        placed: &[PlacedEntity],
        site: CueSite,
    ) -> (Vec<Entity>, Vec<Entity>) {
        let CueSite {
            sentence,
            cue,
            subject_is_target,
            attribution,
            subject_from,
            protest,
            attack,
            reciprocal,
            noun_phrase,
            mediation,
        } = site;
        // `placed` is in text order: the sentence's entities are a slice of it.
        let in_sentence =
            placed.partition_point(|p| p.start < sentence.start)..placed.partition_point(|p| p.start < sentence.end);
        let in_sentence = &placed[in_sentence];
        if subject_is_target {
            // "<source> said <target> must ...": the nearest party before the
            // cue is told; whoever speaks first in the sentence tells it.
            let Some(target) = in_sentence.iter().rposition(|p| p.start < cue.start) else {
                return (Vec::new(), Vec::new());
            };
            let target_code = in_sentence[target].entity.dyad_code();
            let sources = in_sentence[..target]
                .iter()
                .find(|p| p.can_act && p.entity.dyad_code() != target_code)
                .map(|p| vec![p.entity.clone()])
                .unwrap_or_default();
            return (sources, vec![in_sentence[target].entity.clone()]);
        }
        let coordinated = |from: usize, first: usize, limit: usize, acting: bool| -> Vec<Entity> {
            let mut out = vec![in_sentence[first].entity.clone()];
            let mut last_end = in_sentence[first].end;
            for next in &in_sentence[first + 1..] {
                if next.start >= limit || next.start < from || (acting && !next.can_act) {
                    break;
                }
                let gap = &text[last_end.min(next.start)..next.start];
                // "Australian Trade Minister Steve Ciobo", "UN Secretary-General
                // Antonio Guterres": the office and its holder are one party,
                // and the holder acts for the office's country (for none when
                // the office is an organisation's), whatever country the name
                // has elsewhere.
                let office = out
                    .last()
                    .filter(|e| {
                        next.entity.kind == EntityKind::Person && (e.sector.is_some() || e.kind == EntityKind::Igo)
                    })
                    .filter(|_| names_an_office(gap))
                    .map(|e| (e.kind == EntityKind::Country).then(|| e.code.clone()));
                if let Some(country) = office {
                    out.push(Entity {
                        country,
                        ..next.entity.clone()
                    });
                    last_end = next.end;
                    continue;
                }
                if !is_coordination(gap) {
                    break;
                }
                out.push(next.entity.clone());
                last_end = next.end;
            }
            out
        };
        // "a ceasefire between Israel and Hamas": the two named are the
        // sides, whoever brokered or hosted it; a mediation acts on them.
        let between_sides = between_follows(text, cue.end, sentence.end).and_then(|after_between| {
            let first = in_sentence
                .iter()
                .position(|p| p.start >= after_between && within_words(text, after_between, p.start, 1))?;
            let sides = coordinated(after_between, first, sentence.end, false);
            (sides.len() >= 2).then_some(sides)
        });
        if let (Some(sides), false) = (&between_sides, mediation) {
            return (sides.clone(), Vec::new());
        }
        // The subject is the first party before the cue that can act; failing
        // that, the first place named before it ("Beirut again rejected",
        // protesters "in Baghdad" are coded by where they are).
        // In reported speech or a subordinate clause the act's subject comes
        // after the reporting or opening word; the speaker is the subject
        // only when none does ("Ukraine said it had shot down …").
        let first_source = match noun_phrase {
            Some(phrase) => in_sentence
                .iter()
                .position(|p| p.start >= phrase && p.start < cue.start && p.can_act),
            None => subject_from
                .and_then(|from| {
                    in_sentence
                        .iter()
                        .position(|p| p.start >= from && p.start < cue.start && p.can_act)
                })
                .or_else(|| in_sentence.iter().position(|p| p.start < cue.start && p.can_act))
                .or_else(|| in_sentence.iter().position(|p| p.start < cue.start)),
        };
        let mut sources = match first_source {
            Some(first) => coordinated(sentence.start, first, cue.start, false),
            None => Vec::new(),
        };
        // "an attack by Houthi rebels on a ship": the agent after "by", and
        // the target after the agent.
        let mut targets_from = cue.end;
        let by = next_word(text, cue.end);
        if noun_phrase.is_some() && sources.is_empty() && by.eq_ignore_ascii_case("by") {
            let by_end = start_of(text, by) + by.len();
            if let Some(agent) = agent_after_by(text, in_sentence, by_end, sentence.end, |p| p.can_act) {
                sources = coordinated(by_end, agent, sentence.end, true);
                targets_from = in_sentence[agent].end;
            }
        }
        // Protesters no one names are the people of the place they protest
        // in ("demonstrators in Baghdad").
        let sources = if sources.is_empty() && protest {
            in_sentence
                .iter()
                .find(|p| is_locative(text, p.start))
                .map(|p| vec![p.entity.clone()])
                .unwrap_or_default()
        } else {
            sources
        };
        // The target is looked for up to the attribution ("…, the ministry
        // said", "according to …"), which names who reports, not who is acted on.
        if self.no_target.contains(lowercase(&text[cue.clone()]).as_ref()) {
            return (sources, Vec::new());
        }
        let limit = attribution
            .filter(|(a, _)| *a > cue.end)
            .map_or(sentence.end, |(a, closing)| {
                attribution_start(text, cue.end, a, closing)
            });
        // Nor past a mediator ("talks brokered by Turkey"): who brokers
        // talks is not the one talked to.
        let limit = self.mediator_start(text, cue.end, limit).unwrap_or(limit);
        let coordinated_sources = sources.len() > 1;
        let source_codes: Vec<&str> = sources.iter().filter_map(Entity::dyad_code).collect();
        let candidate = |skip_places: bool| {
            in_sentence.iter().position(|p| {
                p.start >= targets_from
                    && p.start < limit
                    && !(skip_places && is_locative(text, p.start))
                    && p.entity
                        .dyad_code()
                        .is_some_and(|code| !(coordinated_sources && source_codes.contains(&code)))
            })
        };
        // A place is a target of last resort when the source's own country
        // cannot stand in ("ethnic Albanians demonstrated in Serbia").
        let first_target = candidate(protest).or_else(|| {
            (protest && home_country(&sources).is_none())
                .then(|| candidate(false))
                .flatten()
        });
        // Several sides doing together what two do with each other name no
        // target by the place they did it in: the venue ends the search.
        // Sides are dyad codes, so an office and its holder are one ("Iraqi
        // President Saddam Hussein arrived in Amman" visits Jordan).
        let several_sides = source_codes.iter().any(|code| *code != source_codes[0]);
        let first_target =
            first_target.filter(|&first| !(reciprocal && several_sides && is_locative(text, in_sentence[first].start)));
        let targets = match (between_sides, first_target) {
            (Some(sides), _) => sides,
            (None, Some(first)) => coordinated(cue.end, first, limit, false),
            (None, None) => Vec::new(),
        };
        // No one after the cue: a party between subject and cue is the
        // indirect object ("Finland will give Tanzania a grant"), unless the
        // cue is a noun phrase of its own. A party before the subject is
        // not: it is who reports or where ("officials in Washington said
        // North Korea fired").
        // Nor is a party inside an aside about the subject ("Qilin, which is
        // believed to operate from Russia, hit a hospital").
        let aside = first_source
            .and_then(|first| aside_after(text, in_sentence[first].end, cue.start))
            .unwrap_or_default();
        let targets = if targets.is_empty() && noun_phrase.is_none() {
            in_sentence
                .iter()
                .rev()
                .find(|p| {
                    p.start < cue.start
                        && first_source.is_none_or(|first| p.start >= in_sentence[first].end)
                        && !aside.contains(&p.start)
                        && (p.can_act || !attack)
                        && p.entity.dyad_code().is_some_and(|c| !source_codes.contains(&c))
                })
                .map(|p| vec![p.entity.clone()])
                .unwrap_or_default()
        } else {
            targets
        };
        // Still no one: a state acting on its own people ("police dispersed
        // demonstrators", "the government accepted the rebels' demands")
        // acts on itself, as coders code it; a protest is aimed at the
        // protesters' own government.
        let targets = if targets.is_empty() && (protest || self.names_domestic_group(text, cue.end, limit)) {
            home_of(&sources)
        } else {
            targets
        };
        (sources, targets)
    }

    /// Where the first of `mediator_openers` starts between `from` and `to`,
    /// within [`MEDIATOR_WINDOW`] bytes of `from`: a mediator is named close
    /// to its talks, and a sentence can be megabytes long.
    fn mediator_start(&self, text: &str, from: usize, to: usize) -> Option<usize> {
        if self.mediator_openers.is_empty() || from >= to {
            return None;
        }
        let window = &text.as_bytes()[from..to.min(from + MEDIATOR_WINDOW)];
        // Openers are lower-case ASCII: compared byte by byte, no copy.
        let opens_at = |at: usize| {
            self.mediator_openers.iter().any(|opener| {
                window[at..]
                    .get(..opener.len())
                    .is_some_and(|b| b.eq_ignore_ascii_case(opener.as_bytes()))
            })
        };
        (1..window.len())
            .find(|&at| !window[at - 1].is_ascii_alphanumeric() && opens_at(at))
            .map(|at| from + at)
    }

    /// Whether one of the first words after the cue names a domestic group.
    fn names_domestic_group(&self, text: &str, from: usize, to: usize) -> bool {
        text[from..to]
            .split(|c: char| !is_word_char(c))
            .filter(|w| !w.is_empty())
            .take(DOMESTIC_GROUP_WORDS)
            .any(|w| self.domestic_groups.contains(lowercase(w).as_ref()))
    }

    /// In the passive ("refugees were attacked by militiamen") the subject,
    /// found where an active sentence has its source, is acted on; the source
    /// is the agent of a "by" phrase after the verb, if there is one.
    pub(super) fn passive_participants(
        &self,
        text: &str,
        placed: &[PlacedEntity],
        sentence_end: usize,
        cue_end: usize,
        after_cue: Vec<Entity>,
        subject: Vec<Entity>,
    ) -> (Vec<Entity>, Vec<Entity>) {
        if subject.is_empty() {
            return (Vec::new(), after_cue);
        }
        let rest = &text[cue_end..sentence_end];
        let agent = rest
            .match_indices("by ")
            .map(|(at, _)| cue_end + at)
            .find(|at| is_boundary(text, *at, *at + 2))
            .and_then(|by| agent_after_by(text, placed, by + 2, sentence_end, |_| true))
            .map(|agent| vec![placed[agent].entity.clone()])
            .unwrap_or_default();
        (agent, subject)
    }
}

/// Words a cue may stand from "between" ("talks between", "a peace
/// treaty between").
const BETWEEN_WORDS: usize = 3;

/// Where the parties of a "between" right after the cue begin: after
/// "between", within [`BETWEEN_WORDS`] words of the cue and with no
/// punctuation before it.
fn between_follows(text: &str, cue_end: usize, sentence_end: usize) -> Option<usize> {
    let rest = &text[cue_end..sentence_end];
    let mut words = 0;
    for word in rest.split(' ').filter(|w| !w.is_empty()) {
        if word.eq_ignore_ascii_case("between") {
            return Some(start_of(text, word) + word.len());
        }
        words += 1;
        if words > BETWEEN_WORDS || !word.chars().all(|c| c.is_alphanumeric() || c == '-') {
            return None;
        }
    }
    None
}

/// The words between two entities that join them into one party:
/// "Israel and Lebanon", "Britain, France and Germany".
fn is_coordination(gap: &str) -> bool {
    // Called for every pair of neighbouring entities: no allocation.
    let mut words = 0;
    let mut conjunction = false;
    for word in gap
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !is_alphanumeric(c)))
        .filter(|w| !w.is_empty())
    {
        words += 1;
        let and_or = word.eq_ignore_ascii_case("and") || word.eq_ignore_ascii_case("or");
        if words > 2 || !(and_or || word.eq_ignore_ascii_case("the")) {
            return false;
        }
        conjunction |= and_or;
    }
    conjunction || gap.contains(',')
}

/// Whether the words between a country's or organisation's role and a
/// person are only the rest of the title ("Trade Minister", "Minister of
/// Foreign Affairs"): a few words, no clause or list between.
fn names_an_office(gap: &str) -> bool {
    const BREAKS: [&str; 16] = [
        "and", "or", "said", "says", "told", "to", "in", "on", "at", "by", "with", "after", "before", "that", "who",
        "which",
    ];
    if gap.contains([',', ';', ':', '(', ')', '"', '\u{201c}', '\u{201d}']) {
        return false;
    }
    let mut words = 0;
    for word in gap.split_whitespace() {
        words += 1;
        if words > 5 || BREAKS.iter().any(|b| word.eq_ignore_ascii_case(b)) {
            return false;
        }
    }
    true
}

/// Words that make a following participle passive ("was attacked", "have
/// been accused", "got arrested").
const PASSIVE_AUXILIARIES: [&str; 5] = ["was", "were", "been", "being", "got"];
const PRESENT_AUXILIARIES: [&str; 4] = ["is", "are", "be", "get"];

/// How many words may stand between "by" and the agent it introduces ("by
/// current Haitian government officials").
const AGENT_WORDS: usize = 3;

/// The first of `parties` (in text order) that `fits`, named within
/// [`AGENT_WORDS`] words after a "by" that ends at `by_end` and before
/// `end`: the agent of "attacked by militiamen", "an attack by Houthi rebels".
fn agent_after_by(
    text: &str,
    parties: &[PlacedEntity],
    by_end: usize,
    end: usize,
    fits: impl Fn(&PlacedEntity) -> bool,
) -> Option<usize> {
    parties
        .iter()
        .position(|p| p.start >= by_end && p.start < end && fits(p) && within_words(text, by_end, p.start, AGENT_WORDS))
}

/// Whether the cue is a participle after a passive auxiliary, allowing one
/// adverb between ("was reportedly attacked").
pub(super) fn is_passive(text: &str, cue: Range<usize>) -> bool {
    let word = &text[cue.clone()];
    if word.ends_with("ing") || word.contains(' ') {
        return false;
    }
    let mut before = previous_word(text, cue.start);
    if before.len() > 3 && before.ends_with("ly") {
        before = previous_word(text, start_of(text, before));
    }
    let is_one_of = |words: &[&str]| words.iter().any(|w| before.eq_ignore_ascii_case(w));
    if is_one_of(&PASSIVE_AUXILIARIES) {
        return true;
    }
    // "is opposed to", "are concerned": present-tense participles are
    // mostly states; they are passive only with an agent.
    is_one_of(&PRESENT_AUXILIARIES) && next_word(text, cue.end).eq_ignore_ascii_case("by")
}

/// The country of the first source that has one.
fn home_country(sources: &[Entity]) -> Option<Arc<str>> {
    sources.iter().find_map(|s| {
        s.country
            .clone()
            .or_else(|| (s.kind == EntityKind::Country).then(|| s.code.clone()))
    })
}

/// The sources' home country as a target: a state acting on its own people,
/// or people protesting to their own government.
fn home_of(sources: &[Entity]) -> Vec<Entity> {
    home_country(sources)
        .map(|country| {
            vec![Entity {
                kind: EntityKind::Country,
                code: country.clone(),
                country: Some(country),
                sector: None,
            }]
        })
        .unwrap_or_default()
}

/// Prepositions that name where something happened.
const LOCATIVES: [&str; 5] = ["in", "at", "near", "outside", "inside"];

/// Whether the word before `at` is a locative preposition ("in Baghdad").
fn is_locative(text: &str, at: usize) -> bool {
    let before = previous_word(text, at);
    LOCATIVES.iter().any(|l| before.eq_ignore_ascii_case(l))
}

/// How far after the cue a domestic group may be named ("opened fire to
/// disperse Moslem fundamentalist demonstrators").
const DOMESTIC_GROUP_WORDS: usize = 8;

/// Where the attribution clause ending at the reporting word `reporting`
/// begins: at the comma that opens it (", Thai military sources said") when
/// that comma is a few words before the reporting word, or at any distance
/// when the reporting word closes the sentence, so the reporter is never
/// taken for the party acted on.
fn attribution_start(text: &str, after: usize, reporting: usize, closing: bool) -> usize {
    match text[after..reporting].rfind([',', ';']) {
        Some(comma) if closing || within_words(text, after + comma, reporting, ATTRIBUTION_WORDS) => after + comma,
        _ => reporting,
    }
}

/// A reporting word with at most this many words after it closes its
/// sentence ("…, a member of the mediating team said on Monday").
pub(super) const CLOSING_WORDS: usize = 4;

/// The longest attribution clause before its reporting word ("…, western
/// diplomatic sources in neighboring Pakistan said").
const ATTRIBUTION_WORDS: usize = 6;
