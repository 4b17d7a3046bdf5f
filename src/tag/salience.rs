//! Salience: which of the events an article's sentences mention it actually
//! reports. News says what happened in its title and lead and builds the story
//! on it; background, passing mentions and quotes of what might happen sit
//! further down, once each. An event type is salient when it is in the title,
//! in the lead with a named party, or told with a named party in several body
//! sentences; at most the strongest [`MAX_SALIENT`] of them.

use std::collections::BTreeSet;
use std::ops::Range;

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
/// The most event types an article reports.
const MAX_SALIENT: usize = 3;

/// One event as the article reports it.
pub(super) struct Reported {
    pub place: Place,
    /// 0 for the title, then body sentences from 1.
    pub sentence: usize,
    /// The sentence, as a byte range of its text.
    pub range: Range<usize>,
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
}

/// The event types an article reports, strongest first in weight: the title
/// counts three times, the lead twice, the body once, and only events with a
/// named party count outside the title.
pub(super) fn salient_types(reported: &[Reported]) -> BTreeSet<&'static str> {
    let mut score: HashMap<&'static str, u32> = HashMap::default();
    let mut body_sentences: HashMap<&'static str, BTreeSet<usize>> = HashMap::default();
    let mut prominent: HashSet<&'static str> = HashSet::default();
    for r in reported {
        let named = !r.event.sources.is_empty();
        let factor = match r.place {
            Place::Title => 3,
            Place::Lead if named => 2,
            Place::Body if named => 1,
            _ => 0,
        };
        let kind = r.event.event_type;
        *score.entry(kind).or_default() += factor * r.event.weight;
        match r.place {
            Place::Title | Place::Lead if factor > 0 => {
                prominent.insert(kind);
            }
            Place::Body if named => {
                body_sentences.entry(kind).or_default().insert(r.sentence);
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
    kept.into_iter().map(|(kind, _)| kind).collect()
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
        }
    }

    fn at(place: Place, sentence: usize, kind: &'static str, named: bool) -> Reported {
        Reported {
            place,
            sentence,
            range: 0..0,
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
        assert_eq!(salient_types(&reported), BTreeSet::from(["accuse", "sanction"]));
    }

    #[test]
    fn a_story_told_again_and_again_is_reported_and_four_types_are_three() {
        let mut reported: Vec<Reported> = (3..5).map(|s| at(Place::Body, s, "protest", true)).collect();
        assert_eq!(salient_types(&reported), BTreeSet::from(["protest"]));
        for kind in ["accuse", "reject", "request"] {
            reported.push(at(Place::Title, 0, kind, true));
        }
        assert_eq!(salient_types(&reported).len(), MAX_SALIENT);
    }
}
