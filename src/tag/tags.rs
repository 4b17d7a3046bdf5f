//! What tagging produces: the tags of an article ([`Tags`], with the
//! [`Evidence`] of each dyad), the events of one sentence ([`SentenceEvent`])
//! and the entities they name ([`Entity`]), with the facet paths and dyad
//! codes they are written as.

use std::collections::BTreeSet;
use std::sync::Arc;

use serde::Serialize;

/// What the extractor found in one article, as facet paths.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Tags {
    /// Entities that are the source or target of an event.
    pub actors: BTreeSet<String>,
    /// Every entity recognised, actor or not, and every event type worded
    /// (`/event/<type>`), reported or not.
    pub mentions: BTreeSet<String>,
    /// `/type` or `/type/mode`.
    pub events: BTreeSet<String>,
    /// `/SOURCE/type/TARGET`.
    pub dyads: BTreeSet<String>,
    /// For each dyad, the sentence it was read from (byte range in the body).
    pub evidence: Vec<Evidence>,
}

/// Where one of an article's facet values came from: the event the tagger
/// read as reported, in which sentence of the title or body, on which cue.
/// `newsdex search --explain` shows these.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FacetOrigin {
    /// The facet value: `/accuse`, `/country/GBR`, `/GBR/accuse/CHN`.
    pub facet: String,
    /// `title`, `lead` (the body's first two sentences) or `body`.
    pub place: &'static str,
    /// The sentence, as a byte range of the title or the body.
    pub start: usize,
    pub end: usize,
    /// The event cue that gave it, as a byte range of the same text.
    pub cue_start: usize,
    pub cue_end: usize,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Evidence {
    pub dyad: String,
    pub start: usize,
    pub end: usize,
}

/// An event found in one sentence, for sentence-level evaluation.
#[derive(Debug, Clone, PartialEq)]
pub struct SentenceEvent {
    pub event_type: &'static str,
    pub mode: Option<String>,
    pub weight: u32,
    /// Who acts: the subject, with entities coordinated with it ("the United
    /// States and Jordan agreed").
    pub sources: Vec<Entity>,
    /// Who is acted on, likewise.
    pub targets: Vec<Entity>,
    /// Said as intended, possible or demanded rather than done ("will
    /// withdraw", "could strike"): the type is what PLOVER codes for it.
    pub unrealised: bool,
    /// The cue follows "and": a verb coordinated with the sentence's first
    /// ("summoned the ambassador and sanctioned two people").
    pub coordinated: bool,
    /// A strong cue: hand-curated and near-certain (weight 3), not a weak
    /// curated word or a generated verb + object pattern.
    pub strong: bool,
    /// The cue's byte range in the text (title or body) it was read from.
    pub cue: std::ops::Range<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntityKind {
    Country,
    Igo,
    Group,
    Person,
}

/// A recognised entity.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Entity {
    pub kind: EntityKind,
    /// ISO3, IGO slug, group id or person slug.
    pub code: Arc<str>,
    /// The state the entity belongs to or acts for, when known.
    pub country: Option<Arc<str>>,
    pub sector: Option<Arc<str>>,
}

impl Entity {
    /// A person found by name alone: not in the dictionaries, no title, no
    /// country.
    pub(super) fn is_private_person(&self) -> bool {
        self.kind == EntityKind::Person && self.country.is_none() && self.sector.is_none()
    }

    pub(super) fn facets(&self) -> Vec<String> {
        let mut out = Vec::with_capacity(2);
        match self.kind {
            EntityKind::Country => {
                out.push(facet_path(&["country", &self.code]));
                if let Some(sector) = &self.sector {
                    out.push(facet_path(&["country", &self.code, sector]));
                }
            }
            EntityKind::Igo => out.push(facet_path(&["igo", &self.code])),
            EntityKind::Group => out.push(facet_path(&["group", &self.code])),
            EntityKind::Person => out.push(facet_path(&["person", &self.code])),
        }
        out
    }

    /// The code a dyad uses: countries (and the people and agencies of a
    /// country) by ISO3, organisations by slug, groups by id.
    pub(super) fn dyad_code(&self) -> Option<&str> {
        match self.kind {
            EntityKind::Country => Some(&self.code),
            EntityKind::Person => self.country.as_deref(),
            EntityKind::Igo | EntityKind::Group => Some(&self.code),
        }
    }
}

/// A facet path from its parts, each after a `/`. Every article writes
/// dozens, and `format!` cost several times more.
pub(super) fn facet_path(parts: &[&str]) -> String {
    let mut path = String::with_capacity(parts.iter().map(|p| p.len() + 1).sum());
    for part in parts {
        path.push('/');
        path.push_str(part);
    }
    path
}
