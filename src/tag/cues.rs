//! What each automaton pattern stands for: its [`Cue`]s (a name, a sector
//! noun, a role title, an event cue, a guard, a phrase that blocks an actor
//! reading), a bit summary of them for the passes that skip most patterns,
//! and the [`CueTable`] that collects them from the dictionaries.

use super::dictionary::GuardKind;
use super::tags::Entity;
use super::{HashMap, HashSet};

#[derive(Debug, Clone)]
pub(super) enum Cue {
    Entity {
        entity: u32,
        exact: String,
        role: NameRole,
    },
    Sector {
        sector: String,
    },
    Role {
        sector: String,
    },
    Event {
        event_type: u8,
        mode: Option<String>,
        weight: u8,
        object: Option<Vec<String>>,
    },
    Guard(GuardKind),
    NotActor {
        exact: String,
    },
}

/// What a pattern's cues hold, a bit each, so that the passes over an
/// article's hits skip the patterns a pass has no use for without reading
/// their cue lists, each a pointer away and mostly out of the fast caches.
pub(super) const NAMES: u8 = 1; // an entity or a role title
pub(super) const REPORTS: u8 = 1 << 1; // a reporting verb
pub(super) const GUARDS: u8 = 1 << 2; // any guard
pub(super) const OBJECT_EVENT: u8 = 1 << 3; // an event cue with object words
pub(super) const EVENT: u8 = 1 << 4; // any event cue
pub(super) const ONLY_NOT_ACTOR: u8 = 1 << 5; // one cue: a phrase that blocks an actor reading
pub(super) const SECTOR: u8 = 1 << 6; // a sector noun or a role title

pub(super) fn cue_kinds(cues: &[Cue]) -> u8 {
    let mut kinds = 0;
    for cue in cues {
        kinds |= match cue {
            Cue::Entity { .. } => NAMES,
            Cue::Role { .. } => NAMES | SECTOR,
            Cue::Sector { .. } => SECTOR,
            Cue::Event { object: Some(_), .. } => EVENT | OBJECT_EVENT,
            Cue::Event { .. } => EVENT,
            Cue::Guard(GuardKind::Reporting) => GUARDS | REPORTS,
            Cue::Guard(_) => GUARDS,
            Cue::NotActor { .. } => 0,
        };
    }
    if matches!(cues, [Cue::NotActor { .. }]) {
        kinds |= ONLY_NOT_ACTOR;
    }
    kinds
}

/// What a pattern's own words say about how the event rules read it,
/// settled once when the dictionaries are compiled rather than for every
/// hit.
pub(super) const ONE_WORD_MODIFIER: u8 = 1; // one word that may describe the noun after it
pub(super) const OBJECT_ONLY: u8 = 1 << 1; // a verb only right before its object
pub(super) const RELEASE: u8 = 1 << 2; // a form of "release"

/// The [`ONE_WORD_MODIFIER`], [`OBJECT_ONLY`] and [`RELEASE`] bits of a
/// lowercase pattern.
pub(super) fn cue_shape(
    pattern: &str,
    topic_heads: &HashSet<String>,
    verb_openers: &HashSet<String>,
    object_only_cues: &HashSet<String>,
) -> u8 {
    let mut shape = 0;
    if !topic_heads.is_empty() && pattern.bytes().all(|b| b.is_ascii_alphabetic()) && !verb_openers.contains(pattern) {
        shape |= ONE_WORD_MODIFIER;
    }
    if object_only_cues.contains(pattern) {
        shape |= OBJECT_ONLY;
    }
    if pattern.starts_with("releas") {
        shape |= RELEASE;
    }
    shape
}

/// How a name may act: a capital only stands for its government in the
/// right context; a place inside a country never acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NameRole {
    Name,
    /// What a country's people are called ("Syrian"): a name that is
    /// never a person's surname.
    Demonym,
    Capital,
    Place,
    /// A dictionary person's common surname alone: their name only where
    /// the article also names them in full.
    CommonSurname,
}

/// Collects automaton patterns, merging identical terms (case-insensitively)
/// into one pattern with several cues.
#[derive(Default)]
pub(super) struct CueTable {
    pub(super) patterns: Vec<String>,
    pub(super) cues: Vec<Vec<Cue>>,
    index: HashMap<String, usize>,
    pub(super) entities: Vec<Entity>,
    entity_index: HashMap<Entity, u32>,
}

impl CueTable {
    pub(super) fn entity(&mut self, entity: Entity) -> u32 {
        if let Some(&id) = self.entity_index.get(&entity) {
            return id;
        }
        let id = self.entities.len() as u32;
        self.entity_index.insert(entity.clone(), id);
        self.entities.push(entity);
        id
    }

    pub(super) fn add(&mut self, term: &str, cue: Cue) {
        let term = term.trim();
        if term.is_empty() {
            return;
        }
        let key = term.to_ascii_lowercase();
        let slot = *self.index.entry(key).or_insert_with(|| {
            self.patterns.push(term.to_string());
            self.cues.push(Vec::new());
            self.patterns.len() - 1
        });
        // Proper names first: they are checked for case and win over cue words.
        if matches!(cue, Cue::Entity { .. } | Cue::NotActor { .. }) {
            self.cues[slot].insert(0, cue);
        } else {
            self.cues[slot].push(cue);
        }
    }
}
