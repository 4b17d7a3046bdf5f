//! The stories of an index (`story::cluster` over every article's
//! fingerprint), kept in `stories.bin` inside the index folder. Grouping
//! compares articles across the whole index, so a story cannot be a field
//! written with each document: the table is computed after every write
//! (`index`, `delete`, `retag`) and keyed by the segments it was computed
//! on. A reader whose segments differ (a run killed between its commit and
//! the table, an index from an older newsdex) computes it again.

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::Path;

use tantivy::{DocAddress, DocId, SegmentReader};

use super::{field_names, io_error};
use crate::story::{cluster, Fingerprint, Member, Stories, FINGERPRINT_WORDS};
use crate::Error;

/// The table's file in the index folder.
const STORIES_FILE: &str = "stories.bin";
const MAGIC: &[u8] = b"newsdex stories 1\n";

/// Every live article's story, by its address in one set of segments.
#[derive(Debug, Clone)]
pub struct StoryTable {
    /// Per segment (in the searcher's order): its id, document count and
    /// deletions, which must match for the table to apply.
    segments: Vec<SegmentKey>,
    /// Per segment, per document: the story's number (`u32::MAX` for a
    /// deleted document).
    story_of: Vec<Vec<u32>>,
    /// Per story: its id (the earliest report's article id).
    ids: Vec<String>,
    /// Per story: its reports in the whole index.
    reports: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct SegmentKey {
    id: String,
    max_doc: u32,
    deleted: u32,
}

impl SegmentKey {
    fn of(segment: &SegmentReader) -> SegmentKey {
        SegmentKey {
            id: segment.segment_id().uuid_string(),
            max_doc: segment.max_doc(),
            deleted: segment.num_deleted_docs(),
        }
    }
}

impl StoryTable {
    /// The table for `searcher`'s segments: read from `dir` if it was
    /// computed for them, else computed now and written back for the next
    /// reader (when the folder can be written; a read-only index computes
    /// it each time).
    pub fn for_searcher(dir: &Path, searcher: &tantivy::Searcher) -> Result<StoryTable, Error> {
        let keys: Vec<SegmentKey> = searcher.segment_readers().iter().map(SegmentKey::of).collect();
        if let Some(table) = std::fs::read(dir.join(STORIES_FILE))
            .ok()
            .and_then(|bytes| StoryTable::decode(&bytes))
            .filter(|table| table.segments == keys)
        {
            return Ok(table);
        }
        let table = StoryTable::compute(searcher)?;
        let _ = table.write(dir);
        Ok(table)
    }

    /// Computes the table for `index` as committed and writes it to `dir`;
    /// the write commands call it once their segments are final.
    pub fn refresh(dir: &Path, index: &tantivy::Index) -> Result<(), Error> {
        let searcher = index.reader()?.searcher();
        StoryTable::compute(&searcher)?.write(dir)
    }

    pub fn compute(searcher: &tantivy::Searcher) -> Result<StoryTable, Error> {
        let mut members = Vec::with_capacity(searcher.num_docs() as usize);
        let mut addresses: Vec<(u32, DocId)> = Vec::with_capacity(members.capacity());
        let mut segments = Vec::new();
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            segments.push(SegmentKey::of(segment));
            let fast = segment.fast_fields();
            let ids = fast.str(field_names::ID)?;
            let dates = fast.date(field_names::DATE)?;
            let prints = (0..FINGERPRINT_WORDS)
                .map(|word| fast.u64(&field_names::fingerprint(word)))
                .collect::<tantivy::Result<Vec<_>>>()?;
            // One pass over the id dictionary: a lookup per document cost a
            // second on 56,597 articles.
            let id_by_ord: Vec<String> = match &ids {
                Some(column) => super::document::values_by_ord(column).map_err(corrupt)?,
                None => Vec::new(),
            };
            for doc in segment.doc_ids_alive() {
                let id = ids
                    .as_ref()
                    .and_then(|column| column.term_ords(doc).next())
                    .and_then(|ord| id_by_ord.get(ord as usize))
                    .cloned()
                    .unwrap_or_default();
                let fingerprint = prints[0].first(doc).map(|_| {
                    let words: [u64; FINGERPRINT_WORDS] =
                        std::array::from_fn(|word| prints[word].first(doc).unwrap_or(0));
                    Fingerprint::from_words(&words)
                });
                members.push(Member {
                    id,
                    date: dates.first(doc).map(|d| d.into_timestamp_secs()),
                    fingerprint,
                });
                addresses.push((ord as u32, doc));
            }
        }
        let Stories { story_of, ids, reports } = cluster(&members);
        let mut table = StoryTable {
            story_of: segments.iter().map(|s| vec![u32::MAX; s.max_doc as usize]).collect(),
            segments,
            ids,
            reports,
        };
        for ((segment, doc), story) in addresses.into_iter().zip(story_of) {
            table.story_of[segment as usize][doc as usize] = story;
        }
        Ok(table)
    }

    /// Whether the table was made for `searcher`'s segments.
    pub fn fits(&self, searcher: &tantivy::Searcher) -> bool {
        self.segments.len() == searcher.segment_readers().len()
            && self
                .segments
                .iter()
                .zip(searcher.segment_readers())
                .all(|(key, segment)| *key == SegmentKey::of(segment))
    }

    /// The story of the document at `address` (of the searcher the table
    /// was made for).
    pub fn story(&self, address: DocAddress) -> u32 {
        self.story_of[address.segment_ord as usize][address.doc_id as usize]
    }

    pub fn story_id(&self, story: u32) -> &str {
        &self.ids[story as usize]
    }

    /// Reports of `story` in the whole index.
    pub fn reports(&self, story: u32) -> u32 {
        self.reports[story as usize]
    }

    /// The story whose id is `id`, if there is one.
    pub fn find(&self, id: &str) -> Option<u32> {
        self.ids.iter().position(|s| s == id).map(|n| n as u32)
    }

    /// Every live document of `story`.
    pub fn members(&self, story: u32) -> Vec<DocAddress> {
        let mut out = Vec::new();
        for (segment, stories) in self.story_of.iter().enumerate() {
            for (doc, &s) in stories.iter().enumerate() {
                if s == story {
                    out.push(DocAddress::new(segment as u32, doc as DocId));
                }
            }
        }
        out
    }

    /// The table as `stories.bin`: little-endian counts, the segment keys,
    /// the stories, then each segment's documents' story numbers.
    fn encode(&self) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        let put = |out: &mut Vec<u8>, n: u32| out.extend_from_slice(&n.to_le_bytes());
        put(&mut out, self.segments.len() as u32);
        for segment in &self.segments {
            put(&mut out, segment.id.len() as u32);
            out.extend_from_slice(segment.id.as_bytes());
            put(&mut out, segment.max_doc);
            put(&mut out, segment.deleted);
        }
        put(&mut out, self.ids.len() as u32);
        for (id, reports) in self.ids.iter().zip(&self.reports) {
            put(&mut out, id.len() as u32);
            out.extend_from_slice(id.as_bytes());
            put(&mut out, *reports);
        }
        for stories in &self.story_of {
            for &story in stories {
                put(&mut out, story);
            }
        }
        out
    }

    /// Reads `stories.bin`; `None` for anything but a whole, well-formed
    /// table (which is then computed again).
    fn decode(bytes: &[u8]) -> Option<StoryTable> {
        let mut input = bytes.strip_prefix(MAGIC)?;
        let mut take = |n: usize| -> Option<&[u8]> {
            let (head, tail) = input.split_at_checked(n)?;
            input = tail;
            Some(head)
        };
        fn number(bytes: Option<&[u8]>) -> Option<u32> {
            Some(u32::from_le_bytes(bytes?.try_into().ok()?))
        }
        let mut segments = Vec::new();
        for _ in 0..number(take(4))? {
            let len = number(take(4))? as usize;
            let id = String::from_utf8(take(len)?.to_vec()).ok()?;
            let max_doc = number(take(4))?;
            let deleted = number(take(4))?;
            segments.push(SegmentKey { id, max_doc, deleted });
        }
        let stories = number(take(4))? as usize;
        let (mut ids, mut reports) = (Vec::new(), Vec::new());
        for _ in 0..stories {
            let len = number(take(4))? as usize;
            ids.push(String::from_utf8(take(len)?.to_vec()).ok()?);
            reports.push(number(take(4))?);
        }
        let mut story_of = Vec::with_capacity(segments.len());
        for segment in &segments {
            let column = take(segment.max_doc as usize * 4)?;
            let numbers: Vec<u32> = column
                .chunks_exact(4)
                .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect();
            if numbers.iter().any(|&s| s != u32::MAX && s as usize >= stories) {
                return None;
            }
            story_of.push(numbers);
        }
        take(1).is_none().then_some(StoryTable {
            segments,
            story_of,
            ids,
            reports,
        })
    }

    /// Writes the table under a temporary name and renames it into place,
    /// so that a reader never sees half of one.
    fn write(&self, dir: &Path) -> Result<(), Error> {
        let path = dir.join(STORIES_FILE);
        let mut file = tempfile::NamedTempFile::new_in(dir).map_err(io_error(dir))?;
        file.write_all(&self.encode()).map_err(io_error(&path))?;
        // Readable by whoever can read the index (a temporary file is not).
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = file.as_file().set_permissions(std::fs::Permissions::from_mode(0o644));
        }
        file.as_file().sync_all().map_err(io_error(&path))?;
        file.persist(&path).map_err(|e| io_error(&path)(e.error))?;
        Ok(())
    }
}

fn corrupt(err: io::Error) -> Error {
    Error::CorruptIndex(format!("cannot read the columns stories are grouped by: {err}"))
}

/// Reads `story`'s reports' sources from the segment columns, for "N
/// reports from M outlets".
pub fn outlets<'a>(
    searcher: &tantivy::Searcher,
    addresses: impl IntoIterator<Item = &'a DocAddress>,
) -> Result<HashMap<DocAddress, String>, Error> {
    let mut out = HashMap::new();
    let mut columns = HashMap::new();
    let mut source = String::new();
    for &address in addresses {
        let column = match columns.entry(address.segment_ord) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => e.insert(
                searcher
                    .segment_reader(address.segment_ord)
                    .fast_fields()
                    .str(field_names::SOURCE)?,
            ),
        };
        let Some(column) = column else { continue };
        if let Some(ord) = column.term_ords(address.doc_id).next() {
            source.clear();
            column.ord_to_str(ord, &mut source).map_err(corrupt)?;
            out.insert(address, source.clone());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_round_trips_and_rejects_what_is_not_whole() {
        let table = StoryTable {
            segments: vec![SegmentKey {
                id: "abc".into(),
                max_doc: 3,
                deleted: 1,
            }],
            story_of: vec![vec![0, u32::MAX, 1]],
            ids: vec!["a".into(), "b".into()],
            reports: vec![1, 1],
        };
        let bytes = table.encode();
        let back = StoryTable::decode(&bytes).unwrap();
        assert_eq!(back.segments, table.segments);
        assert_eq!(back.story_of, table.story_of);
        assert_eq!(back.ids, table.ids);
        assert!(StoryTable::decode(&bytes[..bytes.len() - 1]).is_none());
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(StoryTable::decode(&longer).is_none());
        assert!(StoryTable::decode(b"something else").is_none());
    }
}
