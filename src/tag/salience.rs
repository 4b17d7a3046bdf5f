//! Salience: which of the events an article's sentences mention it actually
//! reports. News says what happened in its title and lead and builds the story
//! on it; background, passing mentions and quotes of what might happen sit
//! further down, once each. An event type is salient when it is in the title,
//! in the lead with a named party, or the main event of several body
//! sentences with a named party (of one, for a reaction: [`TOLD_ONCE`]); at
//! most the strongest [`MAX_SALIENT`] of them.
//! A body sentence dated years before the article tells background.
//! What is only intended or possible counts in the title alone, a weak cue
//! (a generated verb + object pattern, or a curated word that is as often
//! something else, such as "talks" or "trade") counts only where the
//! sentence names both who acted and on whom, and a column or a market
//! report ([`Genre`]) reports only what its title says a named party did.

use std::cell::LazyCell;
use std::collections::BTreeSet;
use std::ops::Range;

use super::genre::Genre;
use super::tags::SentenceEvent;
use super::{HashMap, HashSet};

/// Where in an article an event was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Place {
    Title,
    /// The first body sentences, where news says what happened.
    Lead,
    Body,
}

/// Body sentences that make the lead.
const LEAD_SENTENCES: usize = 2;
/// Body sentences (with a named party) an event type must be told in to
/// count without the title or the lead.
const RECURRING: usize = 2;
/// Event types a single body sentence reports when they are its main event,
/// from a curated cue, with a named party: news gives each reaction its own
/// paragraph, once ("Iran condemned the strikes"), where other events told
/// once in the body are mostly background.
const TOLD_ONCE: &[&str] = &["accuse"];
/// Event types a single body sentence reports, as for [`TOLD_ONCE`], when
/// its cue appeals to someone (`appeal_cues`: "urged", "called on") and
/// the party appealed to is named and no private person: an appeal from
/// one party to another ("Kishida urged Beijing to lift the ban") is a
/// reaction of its own, where other request words told once ("insisted",
/// "is seeking", "a request") are mostly talk or background.
const TOLD_ONCE_TO_A_PARTY: &[&str] = &["request"];
/// The most event types an article reports.
const MAX_SALIENT: usize = 3;

/// One event as the article reports it.
pub(super) struct Reported {
    pub place: Place,
    /// 0 for the title, then body sentences from 1.
    pub sentence: usize,
    /// The sentence, as a byte range of its text.
    pub range: Range<usize>,
    /// The cue appeals to someone (`appeal_cues`).
    pub appeal: bool,
    /// A body sentence dated years before the article ("in 1945", "since
    /// 2014"): background, which reports nothing.
    pub background: bool,
    pub event: SentenceEvent,
}

impl Place {
    /// The place of sentence `index` of the title (`in_body` false) or the body.
    pub(super) fn of(in_body: bool, index: usize) -> Place {
        match (in_body, index) {
            (false, _) => Place::Title,
            (true, i) if i < LEAD_SENTENCES => Place::Lead,
            (true, _) => Place::Body,
        }
    }

    pub(super) fn name(self) -> &'static str {
        match self {
            Place::Title => "title",
            Place::Lead => "lead",
            Place::Body => "body",
        }
    }
}

/// What an article reports.
pub(super) struct Salience {
    /// The event types it reports.
    pub types: BTreeSet<&'static str>,
    /// For each reported event, whether it is told as the article's own news
    /// (a main event, realised, from a curated cue or with both sides named,
    /// in a report): only those give parties and dyads.
    pub counted: Vec<bool>,
}

impl Salience {
    /// The events that report one of the salient types.
    pub(super) fn events<'r>(&'r self, reported: &'r [Reported]) -> impl Iterator<Item = &'r Reported> {
        reported
            .iter()
            .zip(&self.counted)
            .filter(|(r, counted)| **counted && self.types.contains(r.event.event_type))
            .map(|(r, _)| r)
    }
}

/// The main event type of each sentence: the largest summed cue weight, the
/// first cued on ties. Other cues in a sentence mostly sit in clauses that
/// describe, explain or quote it; a verb joined to it by "and" is a main
/// event too.
fn main_types(reported: &[Reported]) -> HashMap<usize, &'static str> {
    let mut weights: HashMap<(usize, &'static str), (u32, usize)> = HashMap::default();
    for (order, r) in reported.iter().enumerate() {
        weights.entry((r.sentence, r.event.event_type)).or_insert((0, order)).0 += r.event.weight;
    }
    let mut best: HashMap<usize, (&'static str, u32, usize)> = HashMap::default();
    for ((sentence, kind), (weight, first)) in weights {
        let entry = best.entry(sentence).or_insert((kind, weight, first));
        if weight > entry.1 || (weight == entry.1 && first < entry.2) {
            *entry = (kind, weight, first);
        }
    }
    best.into_iter()
        .map(|(sentence, (kind, _, _))| (sentence, kind))
        .collect()
}

/// The event types an article reports, strongest first in weight: the title
/// counts three times, the lead twice, the body once (a type must recur in
/// the body, unless it is [`TOLD_ONCE`]); only a sentence's main event
/// counts, only events with a named party count outside the title, and what
/// is only intended or possible ("will withdraw") counts in the title alone;
/// a weak cue needs a named source and target. A column or a market report
/// ([`Genre`]) reports only what its title says a named party did.
pub(super) fn salience(reported: &[Reported], genre: impl FnOnce() -> Genre) -> Salience {
    // Reading the genre is a pass over the body: done only for an event
    // that passes every other test and is not a named party's headline.
    let genre = LazyCell::new(genre);
    let main = main_types(reported);
    let mut counted = Vec::with_capacity(reported.len());
    let mut score: HashMap<&'static str, u32> = HashMap::default();
    let mut body_sentences: HashMap<&'static str, BTreeSet<usize>> = HashMap::default();
    let mut prominent: HashSet<&'static str> = HashSet::default();
    for r in reported {
        let kind = r.event.event_type;
        // A person known only by name (no title, no country) is often
        // someone quoted; it takes part in an event reported otherwise, but
        // does not make one reported.
        let named = r.event.sources.iter().any(|e| !e.is_private_person());
        let main_event = r.event.coordinated || main.get(&r.sentence) == Some(&kind);
        // A weak cue ("announced ... plan", "meeting", "trade") is too
        // common to report an event unless the sentence names who acted and
        // on whom, or two who acted together ("Kenya and Ethiopia held
        // exercises").
        let both_sides = named && r.event.sources.len() + r.event.targets.len() >= 2;
        let counts = (r.place != Place::Body || main_event)
            && !r.background
            && (r.place == Place::Title || !r.event.unrealised)
            && (r.event.strong || both_sides)
            && ((r.place == Place::Title && named) || *genre == Genre::Report);
        counted.push(counts);
        if !counts {
            continue;
        }
        let factor = match r.place {
            Place::Title => 3,
            Place::Lead if named => 2,
            Place::Body if named => 1,
            _ => 0,
        };
        *score.entry(kind).or_default() += factor * r.event.weight;
        match r.place {
            Place::Title | Place::Lead if factor > 0 => {
                prominent.insert(kind);
            }
            Place::Body if named => {
                body_sentences.entry(kind).or_default().insert(r.sentence);
                if r.event.strong && main_event && TOLD_ONCE.contains(&kind) {
                    prominent.insert(kind);
                }
                let addressed = r.event.targets.iter().any(|e| !e.is_private_person());
                if r.event.strong && main_event && r.appeal && addressed && TOLD_ONCE_TO_A_PARTY.contains(&kind) {
                    prominent.insert(kind);
                }
            }
            _ => {}
        }
    }
    let mut kept: Vec<(&'static str, u32)> = score
        .into_iter()
        .filter(|(kind, _)| prominent.contains(kind) || body_sentences.get(kind).is_some_and(|s| s.len() >= RECURRING))
        .collect();
    kept.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    kept.truncate(MAX_SALIENT);
    Salience {
        types: kept.into_iter().map(|(kind, _)| kind).collect(),
        counted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tag::{Entity, EntityKind};

    fn event(kind: &'static str, named: bool) -> SentenceEvent {
        let party = Entity {
            kind: EntityKind::Country,
            code: "GBR".into(),
            country: Some("GBR".into()),
            sector: None,
        };
        SentenceEvent {
            event_type: kind,
            mode: None,
            weight: 2,
            sources: if named { vec![party] } else { Vec::new() },
            targets: Vec::new(),
            unrealised: false,
            coordinated: false,
            strong: true,
            cue: 0..0,
        }
    }

    fn at(place: Place, sentence: usize, kind: &'static str, named: bool) -> Reported {
        Reported {
            place,
            sentence,
            range: 0..0,
            appeal: false,
            background: false,
            event: event(kind, named),
        }
    }

    #[test]
    fn title_and_lead_report_the_body_mentions() {
        let reported = [
            at(Place::Title, 0, "sanction", false),
            at(Place::Lead, 1, "accuse", true),
            at(Place::Lead, 2, "agree", false),
            at(Place::Body, 5, "cooperate", true),
            at(Place::Body, 9, "support", false),
            at(Place::Body, 11, "support", false),
        ];
        assert_eq!(
            salience(&reported, || Genre::Report).types,
            BTreeSet::from(["accuse", "sanction"])
        );
    }

    #[test]
    fn only_the_main_event_of_a_body_sentence_counts() {
        // "The ministry said talks would resume, after it protested the
        // arrests": protest is the heavier cue in both sentences.
        let mut reported = Vec::new();
        for s in [4, 7] {
            reported.push(at(Place::Body, s, "protest", true));
            reported.push(at(Place::Body, s, "protest", true));
            reported.push(at(Place::Body, s, "consult", true));
        }
        assert_eq!(salience(&reported, || Genre::Report).types, BTreeSet::from(["protest"]));
        // In the lead every event with a named party counts.
        reported.push(at(Place::Lead, 1, "sanction", true));
        reported.push(at(Place::Lead, 1, "sanction", true));
        reported.push(at(Place::Lead, 1, "accuse", true));
        assert_eq!(
            salience(&reported, || Genre::Report).types,
            BTreeSet::from(["accuse", "protest", "sanction"])
        );
    }

    #[test]
    fn what_is_only_intended_counts_in_the_title_alone() {
        let mut intended = at(Place::Lead, 1, "agree", true);
        intended.event.unrealised = true;
        assert!(salience(&[intended], || Genre::Report).types.is_empty());
        let mut headline = at(Place::Title, 0, "agree", true);
        headline.event.unrealised = true;
        assert_eq!(salience(&[headline], || Genre::Report).types, BTreeSet::from(["agree"]));
    }

    #[test]
    fn a_column_reports_only_what_its_title_says_a_named_party_did() {
        let reported = [
            at(Place::Title, 0, "accuse", true),
            at(Place::Title, 0, "support", false),
            at(Place::Lead, 1, "assault", true),
            at(Place::Body, 3, "cooperate", true),
            at(Place::Body, 5, "cooperate", true),
        ];
        assert_eq!(salience(&reported, || Genre::Opinion).types, BTreeSet::from(["accuse"]));
        assert_eq!(salience(&reported, || Genre::Figures).types, BTreeSet::from(["accuse"]));
        assert_eq!(salience(&reported, || Genre::Report).types.len(), 3);
    }

    #[test]
    fn a_weak_cue_needs_both_parties_named() {
        let mut weak = at(Place::Lead, 1, "cooperate", true);
        weak.event.strong = false;
        assert!(salience(&[weak], || Genre::Report).types.is_empty());
        let mut dyad = at(Place::Lead, 1, "cooperate", true);
        dyad.event.strong = false;
        dyad.event.targets = dyad.event.sources.clone();
        assert_eq!(salience(&[dyad], || Genre::Report).types, BTreeSet::from(["cooperate"]));
    }

    #[test]
    fn a_reaction_told_once_in_the_body_is_reported() {
        // "Iran condemned the strikes": one body sentence, its main event.
        let reaction = at(Place::Body, 6, "accuse", true);
        assert_eq!(
            salience(&[reaction], || Genre::Report).types,
            BTreeSet::from(["accuse"])
        );
        // Other events told once in the body are background.
        assert!(salience(&[at(Place::Body, 6, "support", true)], || Genre::Report)
            .types
            .is_empty());
        // A weak cue, an unnamed speaker or a
        // column's author does not make a reaction.
        let mut generated = at(Place::Body, 6, "accuse", true);
        generated.event.strong = false;
        assert!(salience(&[generated], || Genre::Report).types.is_empty());
        assert!(salience(&[at(Place::Body, 6, "accuse", false)], || Genre::Report)
            .types
            .is_empty());
        assert!(salience(&[at(Place::Body, 6, "accuse", true)], || Genre::Opinion)
            .types
            .is_empty());
    }

    #[test]
    fn a_story_told_again_and_again_is_reported_and_four_types_are_three() {
        let mut reported: Vec<Reported> = (3..5).map(|s| at(Place::Body, s, "protest", true)).collect();
        assert_eq!(salience(&reported, || Genre::Report).types, BTreeSet::from(["protest"]));
        for kind in ["accuse", "reject", "request"] {
            reported.push(at(Place::Title, 0, kind, true));
        }
        assert_eq!(salience(&reported, || Genre::Report).types.len(), MAX_SALIENT);
    }
}
