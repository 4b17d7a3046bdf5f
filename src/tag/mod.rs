//! Tagging: who did what to whom. The dictionaries (`index-schema/`, compiled
//! in or read from a folder) become one automaton of terms; the extractor
//! finds candidates, decides what each is from its context, cuts sentences,
//! and links events to their source and target. `evaluate` scores it against
//! human labels: sentences and Reuters places, and (`articles`) whole articles. Nothing here knows about tantivy: tags are plain data.

pub mod articles;
mod dictionary;
pub mod evaluate;
mod extract;
mod labels;

pub use dictionary::{
    AgencyTerm, CountryTerm, CountryTermKind, Dictionaries, DictionarySource, EventPattern, GroupTerm, Guard,
    GuardKind, IgoTerm, PersonTerm, EVENT_TYPES,
};
pub use extract::{Entity, EntityKind, Evidence, Extractor, SentenceEvent, Tags};
pub use labels::Labels;
