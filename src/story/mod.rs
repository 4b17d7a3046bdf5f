//! Stories: which articles are versions of one report (reprints, syndicated
//! copies, updates, trimmed or extended versions). Each article gets a
//! [`Fingerprint`] of its body's word shingles when it is indexed; grouping
//! articles into stories ([`cluster`]) compares fingerprints across the
//! whole index. Nothing here knows about tantivy: `store::stories` reads the
//! fingerprints from their columns and keeps the grouping beside the index.

mod cluster;
mod fingerprint;

pub use cluster::{cluster, Member, Stories};
pub use fingerprint::{Fingerprint, Similarity, FINGERPRINT_WORDS};
