//! Tagging: who did what to whom. The dictionaries (`index-schema/`, compiled
//! in or read from a folder) become one automaton of terms; the extractor
//! finds candidates, decides what each is from its context, cuts sentences,
//! and links events to their source and target. `evaluate` scores it against
//! human labels: sentences and Reuters places, and (`articles`) whole
//! articles. Nothing here knows about tantivy: tags are plain data.

pub mod articles;
mod build;
mod cues;
mod dictionary;
mod entities;
pub mod evaluate;
mod events;
mod extract;
mod genre;
mod groups;
mod labels;
mod participants;
mod salience;
mod scan;
mod sentences;
mod tags;
mod text;

pub use dictionary::{
    AgencyTerm, CountryTerm, CountryTermKind, Dictionaries, DictionarySource, EventPattern, GroupTerm, Guard,
    GuardKind, IgoTerm, PersonTerm, EVENT_TYPES,
};
pub use extract::Extractor;
pub use labels::Labels;
pub use tags::{Entity, EntityKind, Evidence, FacetOrigin, SentenceEvent, Tags};

// Word lists, entities and offsets are hashed on every article: FxHash is
// several times cheaper than SipHash here, and nothing hashed is hostile.
type HashMap<K, V> = std::collections::HashMap<K, V, rustc_hash::FxBuildHasher>;
type HashSet<T> = std::collections::HashSet<T, rustc_hash::FxBuildHasher>;
