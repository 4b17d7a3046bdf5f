//! Facets over a result set: the counts of the most frequent actors, events,
//! mentions and dyads, and each hit's own facets, read from the facet
//! columns (facets are not stored). A one-off search counts field by field
//! from the segments' dictionaries ([`TopFacets`]); a Searcher that counts
//! again over the same segments builds [`FacetTables`] once and counts by
//! number from then on.

use std::collections::HashSet as StdHashSet;
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::{DocAddress, Score, SegmentOrdinal, SegmentReader};

use super::FacetCount;
use crate::store::{field_names, StoryTable};

type HashSet<T> = StdHashSet<T, rustc_hash::FxBuildHasher>;

/// A facet's path from its encoded form (segments separated by NUL).
/// tantivy's own conversion escapes slashes with a regex, which dominated
/// query time; newsdex's facet segments never contain a slash.
fn facet_path(encoded: &[u8]) -> String {
    let mut path = String::with_capacity(encoded.len() + 1);
    path.push('/');
    path.push_str(&String::from_utf8_lossy(encoded).replace('\0', "/"));
    path
}

/// Every value of one facet field across a searcher's segments, sorted
/// ("global ordinals"), with each segment's ordinals mapped onto it. Read
/// once per set of segments, then counting facets never touches a facet
/// dictionary again (reading one decompresses it block by block, which
/// dominated query time).
#[derive(Default)]
struct FacetTable {
    /// Encoded values (segments separated by NUL), back to back, in byte order.
    bytes: Vec<u8>,
    ends: Vec<usize>,
    depths: Vec<u8>,
    /// Whether each value is a worded event (`/event/…` in `mention`), so
    /// that counting need not look at the value's bytes.
    worded: Vec<bool>,
    /// Per segment (in the searcher's order), its ordinal → global ordinal.
    segment_ords: Vec<Vec<u32>>,
}

impl FacetTable {
    fn build(searcher: &tantivy::Searcher, field: &str) -> tantivy::Result<FacetTable> {
        let mut segments: Vec<(Vec<u8>, Vec<usize>)> = Vec::new();
        for segment in searcher.segment_readers() {
            let reader = segment.facet_reader(field)?;
            let ords: Vec<u64> = (0..reader.num_facets() as u64).collect();
            let (mut bytes, mut ends) = (Vec::new(), Vec::with_capacity(ords.len()));
            reader.facet_dict().sorted_ords_to_term_cb(&ords, |value| {
                bytes.extend_from_slice(value);
                ends.push(bytes.len());
            })?;
            if ends.len() != ords.len() {
                return Err(tantivy::TantivyError::InternalError(format!(
                    "the `{field}` facet dictionary holds {} values, not {}",
                    ends.len(),
                    ords.len()
                )));
            }
            segments.push((bytes, ends));
        }
        fn value((bytes, ends): &(Vec<u8>, Vec<usize>), i: usize) -> &[u8] {
            let start = if i == 0 { 0 } else { ends[i - 1] };
            &bytes[start..ends[i]]
        }
        let mut table = FacetTable {
            bytes: Vec::new(),
            ends: Vec::new(),
            depths: Vec::new(),
            worded: Vec::new(),
            segment_ords: segments.iter().map(|(_, ends)| vec![0; ends.len()]).collect(),
        };
        // Merge the sorted dictionaries.
        let mut next = vec![0usize; segments.len()];
        loop {
            let mut smallest: Option<&[u8]> = None;
            for (segment, &i) in segments.iter().zip(&next) {
                if i < segment.1.len() {
                    let v = value(segment, i);
                    if smallest.is_none_or(|s| v < s) {
                        smallest = Some(v);
                    }
                }
            }
            let Some(smallest) = smallest else { break };
            let global = table.ends.len() as u32;
            table.bytes.extend_from_slice(smallest);
            table.ends.push(table.bytes.len());
            table.depths.push(facet_depth(smallest).min(255) as u8);
            table.worded.push(is_worded_event(smallest));
            for (s, segment) in segments.iter().enumerate() {
                let i = next[s];
                if i < segment.1.len() && value(segment, i) == smallest {
                    table.segment_ords[s][i] = global;
                    next[s] += 1;
                }
            }
        }
        Ok(table)
    }

    fn value(&self, global: u32) -> &[u8] {
        let i = global as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.bytes[start..self.ends[i]]
    }

    /// Orders two values as their paths order.
    fn cmp_paths(&self, a: u32, b: u32) -> std::cmp::Ordering {
        cmp_paths(self.value(a), self.value(b))
    }
}

/// Each document's facet paths (actor, event, mention, dyad; each sorted
/// by path, as they were tagged), read from the facet columns rather than
/// the document store, which no longer keeps them: through the facet tables
/// when the Searcher has them, else in one dictionary pass per segment and
/// field over the values these documents hold.
pub(crate) fn hit_facets(
    searcher: &tantivy::Searcher,
    tables: Option<&FacetTables>,
    docs: &[DocAddress],
) -> tantivy::Result<Vec<[Vec<String>; 4]>> {
    let mut out: Vec<[Vec<String>; 4]> = vec![Default::default(); docs.len()];
    for (f, field) in COUNTED_FACETS.iter().enumerate() {
        let table = tables.map(|t| &t.tables[f]);
        let mut segments: Vec<SegmentOrdinal> = docs.iter().map(|d| d.segment_ord).collect();
        segments.sort_unstable();
        segments.dedup();
        for segment in segments {
            let reader = searcher.segment_reader(segment).facet_reader(field)?;
            let in_segment: Vec<(usize, Vec<u64>)> = docs
                .iter()
                .enumerate()
                .filter(|(_, d)| d.segment_ord == segment)
                .map(|(i, d)| (i, reader.facet_ords(d.doc_id).collect()))
                .collect();
            let globals = table.and_then(|t| t.segment_ords.get(segment as usize).map(|g| (t, g)));
            if let Some((table, globals)) = globals {
                for (i, ords) in in_segment {
                    out[i][f] = ords
                        .iter()
                        .filter_map(|&ord| globals.get(ord as usize))
                        .map(|&global| facet_path(table.value(global)))
                        .collect();
                }
                continue;
            }
            let mut ords: Vec<u64> = in_segment.iter().flat_map(|(_, ords)| ords.iter().copied()).collect();
            ords.sort_unstable();
            ords.dedup();
            let mut paths = Vec::with_capacity(ords.len());
            reader
                .facet_dict()
                .sorted_ords_to_term_cb(&ords, |value| paths.push(facet_path(value)))?;
            for (i, doc_ords) in in_segment {
                out[i][f] = doc_ords
                    .iter()
                    .filter_map(|ord| ords.binary_search(ord).ok().and_then(|k| paths.get(k).cloned()))
                    .collect();
            }
        }
    }
    for hit in &mut out {
        for paths in hit.iter_mut() {
            paths.sort_unstable();
            paths.dedup();
        }
    }
    Ok(out)
}

/// Whether a searcher has facet tables, or has counted facets once.
#[derive(Default)]
pub(super) enum TablesState {
    #[default]
    None,
    Seen(Vec<tantivy::index::SegmentId>),
    Built(Arc<FacetTables>),
}

impl TablesState {
    /// The facet tables for `searcher`'s segments, if facets were counted
    /// over them before (reading every facet dictionary costs more than one
    /// search reading only the values it counted: a one-off `newsdex search`
    /// never builds them).
    pub(super) fn tables_for(&mut self, searcher: &tantivy::Searcher) -> tantivy::Result<Option<Arc<FacetTables>>> {
        let segments: Vec<tantivy::index::SegmentId> =
            searcher.segment_readers().iter().map(|s| s.segment_id()).collect();
        match &*self {
            TablesState::Built(tables) if tables.segments == segments => return Ok(Some(tables.clone())),
            TablesState::Seen(seen) if *seen == segments => {}
            _ => {
                *self = TablesState::Seen(segments);
                return Ok(None);
            }
        }
        let tables = Arc::new(FacetTables::build(searcher, segments)?);
        *self = TablesState::Built(tables.clone());
        Ok(Some(tables))
    }

    /// The facet tables for `searcher`'s segments, built now if need be:
    /// for reading the facets of many documents (an export).
    pub(super) fn tables_now(&mut self, searcher: &tantivy::Searcher) -> tantivy::Result<Arc<FacetTables>> {
        loop {
            if let Some(tables) = self.tables_for(searcher)? {
                return Ok(tables);
            }
        }
    }
}

/// The four facet tables for one set of segments, and each document's
/// values in all four as one list of numbers: a value's global ordinal in
/// field `f` plus `bases[f]`, so that one counter vector serves all four
/// fields and every segment.
pub(crate) struct FacetTables {
    segments: Vec<tantivy::index::SegmentId>,
    tables: [FacetTable; 4],
    bases: [u32; 4],
    /// How many numbers there are (the four tables' values).
    width: usize,
    /// Per segment, in the searcher's order.
    docs: Vec<DocValues>,
}

/// Each document's numbers: document `d` holds `values[starts[d]..starts[d + 1]]`.
struct DocValues {
    starts: Vec<u32>,
    values: Vec<u32>,
}

impl FacetTables {
    fn build(searcher: &tantivy::Searcher, segments: Vec<tantivy::index::SegmentId>) -> tantivy::Result<FacetTables> {
        let tables = [
            FacetTable::build(searcher, COUNTED_FACETS[0])?,
            FacetTable::build(searcher, COUNTED_FACETS[1])?,
            FacetTable::build(searcher, COUNTED_FACETS[2])?,
            FacetTable::build(searcher, COUNTED_FACETS[3])?,
        ];
        let mut bases = [0u32; 4];
        let mut width = 0usize;
        for (base, table) in bases.iter_mut().zip(&tables) {
            *base = u32::try_from(width)
                .map_err(|_| tantivy::TantivyError::InternalError("too many facet values".into()))?;
            width += table.ends.len();
        }
        let mut docs = Vec::with_capacity(searcher.segment_readers().len());
        for (s, segment) in searcher.segment_readers().iter().enumerate() {
            let readers = COUNTED_FACETS
                .iter()
                .map(|field| segment.facet_reader(field))
                .collect::<tantivy::Result<Vec<_>>>()?;
            let mut starts = Vec::with_capacity(segment.max_doc() as usize + 1);
            let mut values = Vec::new();
            starts.push(0);
            for doc in 0..segment.max_doc() {
                for (f, reader) in readers.iter().enumerate() {
                    let globals = &tables[f].segment_ords[s];
                    values.extend(
                        reader
                            .facet_ords(doc)
                            .filter_map(|ord| globals.get(ord as usize))
                            .map(|g| g + bases[f]),
                    );
                }
                let end = u32::try_from(values.len())
                    .map_err(|_| tantivy::TantivyError::InternalError("too many facet values".into()))?;
                starts.push(end);
            }
            docs.push(DocValues { starts, values });
        }
        Ok(FacetTables {
            segments,
            tables,
            bases,
            width,
            docs,
        })
    }

    /// The `k` most frequent values of `part` of field `f` at most
    /// `max_depth` deep, from counts by number.
    fn top(&self, counts: &[u32], f: usize, part: Part, max_depth: usize, k: usize) -> Vec<FacetCount> {
        let table = &self.tables[f];
        let base = self.bases[f] as usize;
        let counts = &counts[base..base + table.ends.len()];
        if k == 0 {
            return Vec::new();
        }
        // Most values are not counted by a given search: runs of zeroes are
        // skipped a block at a time (an OR the compiler vectorises).
        const BLOCK: usize = 32;
        let mut counted: Vec<(u32, u64)> = Vec::new();
        for (block, block_counts) in counts.chunks(BLOCK).enumerate() {
            if block_counts.iter().fold(0, |any, &count| any | count) == 0 {
                continue;
            }
            for (i, &count) in block_counts.iter().enumerate() {
                let global = block * BLOCK + i;
                if count > 0 && usize::from(table.depths[global]) <= max_depth && part.admits(table.worded[global]) {
                    counted.push((global as u32, u64::from(count)));
                }
            }
        }
        // Only values counting at least the k-th largest count can be kept.
        if counted.len() > k {
            let floor = counted.select_nth_unstable_by(k - 1, |a, b| b.1.cmp(&a.1)).1 .1;
            counted.retain(|(_, count)| *count >= floor);
        }
        counted.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| table.cmp_paths(a.0, b.0)));
        counted.truncate(k);
        counted
            .into_iter()
            .map(|(global, count)| FacetCount {
                path: facet_path(table.value(global)),
                count,
            })
            .collect()
    }
}

/// The facet fields search counts, and how deep each is counted.
const COUNTED_FACETS: [&str; 4] = [
    field_names::ACTOR,
    field_names::EVENT,
    field_names::MENTION,
    field_names::DYAD,
];
const FACET_DEPTHS: [usize; 4] = [2, 2, 2, 3];

/// Which values of a facet field a counted list holds. `mention` is counted
/// as two lists, the entities the articles name and the event types they
/// word (`/event/…`), so that neither crowds the other out of the top k.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    All,
    Entities,
    WordedEvents,
}

impl Part {
    fn keeps(self, encoded: &[u8]) -> bool {
        self.admits(is_worded_event(encoded))
    }

    fn admits(self, worded: bool) -> bool {
        match self {
            Part::All => true,
            Part::Entities => !worded,
            Part::WordedEvents => worded,
        }
    }
}

fn is_worded_event(encoded: &[u8]) -> bool {
    encoded.starts_with(b"event\0")
}

/// The lists search counts, in the order of [`FacetSummary`]: a field of
/// [`COUNTED_FACETS`] and the part of it.
///
/// [`FacetSummary`]: super::FacetSummary
const COUNTED_LISTS: [(usize, Part); 5] = [
    (0, Part::All),
    (1, Part::All),
    (2, Part::Entities),
    (2, Part::WordedEvents),
    (3, Part::All),
];

/// The parts of field `f` that search counts, in list order.
fn parts_of(f: usize) -> Vec<Part> {
    COUNTED_LISTS
        .iter()
        .filter(|(field, _)| *field == f)
        .map(|(_, part)| *part)
        .collect()
}

/// Counts the four facet fields, keeping the `k` most frequent values of
/// each: with the Searcher's tables, into one vector by number (one pass
/// over each matching document's numbers); without, field by field.
pub(super) enum FacetCounting {
    /// The tables, `k`, and the stories when a value counts once per story.
    Tables(Arc<FacetTables>, usize, Option<Arc<StoryTable>>),
    Fields(Vec<TopFacets>),
}

impl FacetCounting {
    /// Counts the `k` most frequent values of each counted field, through
    /// `tables` when there are some.
    pub(super) fn new(tables: Option<Arc<FacetTables>>, k: usize) -> FacetCounting {
        match tables {
            Some(tables) => FacetCounting::Tables(tables, k, None),
            None => FacetCounting::Fields(
                COUNTED_FACETS
                    .iter()
                    .zip(FACET_DEPTHS)
                    .enumerate()
                    .map(|(f, (field, depth))| TopFacets::with_parts(field, depth, k, parts_of(f)))
                    .collect(),
            ),
        }
    }
}

impl FacetCounting {
    /// Counts each value once per story that has it on any matching report
    /// (the tables must be there: `FacetTables` numbers values across
    /// segments, and a story's reports may lie in several).
    pub(super) fn counting_stories(self, stories: Option<Arc<StoryTable>>) -> FacetCounting {
        match (self, stories) {
            (FacetCounting::Tables(tables, k, _), stories) => FacetCounting::Tables(tables, k, stories),
            (fields, _) => fields,
        }
    }
}

pub(super) enum FacetCountingSegment {
    Tables {
        tables: Arc<FacetTables>,
        segment: usize,
        counts: Vec<u32>,
        /// Counting stories: (value, story) pairs seen.
        stories: Option<(Arc<StoryTable>, HashSet<u64>)>,
    },
    Fields(Vec<TopFacetsSegment>),
}

pub(super) enum FacetCountingFruit {
    Tables(Vec<u32>),
    StoryPairs(HashSet<u64>),
    Fields(Vec<SegmentValues>),
}

impl Collector for FacetCounting {
    type Fruit = [Vec<FacetCount>; 5];
    type Child = FacetCountingSegment;

    fn for_segment(&self, segment_ord: SegmentOrdinal, segment: &SegmentReader) -> tantivy::Result<Self::Child> {
        match self {
            FacetCounting::Tables(tables, _, stories) => {
                let fits = tables
                    .docs
                    .get(segment_ord as usize)
                    .is_some_and(|d| d.starts.len() == segment.max_doc() as usize + 1);
                if !fits {
                    return Err(tantivy::TantivyError::InternalError(
                        "the facet tables were built for other segments".into(),
                    ));
                }
                Ok(FacetCountingSegment::Tables {
                    tables: tables.clone(),
                    segment: segment_ord as usize,
                    counts: if stories.is_some() {
                        Vec::new()
                    } else {
                        vec![0; tables.width]
                    },
                    stories: stories.clone().map(|s| (s, HashSet::default())),
                })
            }
            FacetCounting::Fields(fields) => Ok(FacetCountingSegment::Fields(
                fields
                    .iter()
                    .map(|f| f.for_segment(segment_ord, segment))
                    .collect::<tantivy::Result<_>>()?,
            )),
        }
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segments: Vec<FacetCountingFruit>) -> tantivy::Result<[Vec<FacetCount>; 5]> {
        match self {
            FacetCounting::Tables(tables, k, _) => {
                let mut total = vec![0u32; tables.width];
                let mut pairs: HashSet<u64> = HashSet::default();
                for fruit in segments {
                    match fruit {
                        FacetCountingFruit::Tables(counts) => {
                            for (sum, count) in total.iter_mut().zip(counts) {
                                *sum += count;
                            }
                        }
                        FacetCountingFruit::StoryPairs(seen) => pairs.extend(seen),
                        FacetCountingFruit::Fields(_) => {}
                    }
                }
                for pair in pairs {
                    total[(pair >> 32) as usize] += 1;
                }
                Ok(std::array::from_fn(|list| {
                    let (f, part) = COUNTED_LISTS[list];
                    tables.top(&total, f, part, FACET_DEPTHS[f], *k)
                }))
            }
            FacetCounting::Fields(fields) => {
                let mut per_field: Vec<Vec<_>> = fields.iter().map(|_| Vec::new()).collect();
                for fruit in segments {
                    if let FacetCountingFruit::Fields(counts) = fruit {
                        for (field, counts) in per_field.iter_mut().zip(counts) {
                            field.push(counts);
                        }
                    }
                }
                // Each field gives its parts' lists, in list order.
                let mut lists = Vec::with_capacity(COUNTED_LISTS.len());
                for (field, counts) in fields.iter().zip(per_field) {
                    lists.extend(field.merge_fruits(counts)?);
                }
                lists.try_into().map_err(|lists: Vec<_>| {
                    tantivy::TantivyError::InternalError(format!("{} facet lists counted, not 5", lists.len()))
                })
            }
        }
    }
}

impl SegmentCollector for FacetCountingSegment {
    type Fruit = FacetCountingFruit;

    fn collect(&mut self, doc: tantivy::DocId, score: Score) {
        match self {
            FacetCountingSegment::Tables {
                tables,
                segment,
                counts,
                stories,
            } => {
                let docs = &tables.docs[*segment];
                let (start, end) = (docs.starts[doc as usize], docs.starts[doc as usize + 1]);
                let values = &docs.values[start as usize..end as usize];
                match stories {
                    Some((table, seen)) => {
                        let story = table.story(DocAddress::new(*segment as u32, doc));
                        seen.extend(values.iter().map(|&value| (u64::from(value) << 32) | u64::from(story)));
                    }
                    None => {
                        for &value in values {
                            counts[value as usize] += 1;
                        }
                    }
                }
            }
            FacetCountingSegment::Fields(fields) => {
                for field in fields {
                    field.collect(doc, score);
                }
            }
        }
    }

    fn harvest(self) -> FacetCountingFruit {
        match self {
            FacetCountingSegment::Tables {
                stories: Some((_, seen)),
                ..
            } => FacetCountingFruit::StoryPairs(seen),
            FacetCountingSegment::Tables { counts, .. } => FacetCountingFruit::Tables(counts),
            FacetCountingSegment::Fields(fields) => {
                FacetCountingFruit::Fields(fields.into_iter().map(SegmentCollector::harvest).collect())
            }
        }
    }
}

/// The `k` most frequent values of a facet field among the matching
/// documents, at most `max_depth` deep, most frequent first (ties by path).
/// Each segment reads the values it counted from its dictionary, in one pass.
/// The fruit is one list per part of the field asked for.
pub struct TopFacets {
    field: String,
    max_depth: usize,
    k: usize,
    parts: Vec<Part>,
}

impl TopFacets {
    pub fn new(field: &str, max_depth: usize, k: usize) -> TopFacets {
        TopFacets::with_parts(field, max_depth, k, vec![Part::All])
    }

    pub fn with_parts(field: &str, max_depth: usize, k: usize, parts: Vec<Part>) -> TopFacets {
        TopFacets {
            field: field.to_string(),
            max_depth,
            k,
            parts,
        }
    }
}

/// One segment's counted values (encoded), with their counts.
pub type SegmentValues = std::io::Result<Vec<(Vec<u8>, u32)>>;

pub struct TopFacetsSegment {
    reader: tantivy::fastfield::FacetReader,
    max_depth: usize,
    counts: Vec<u32>,
}

impl Collector for TopFacets {
    type Fruit = Vec<Vec<FacetCount>>;
    type Child = TopFacetsSegment;

    fn for_segment(&self, _: SegmentOrdinal, segment: &SegmentReader) -> tantivy::Result<Self::Child> {
        let reader = segment.facet_reader(&self.field)?;
        let counts = if self.k == 0 {
            Vec::new()
        } else {
            vec![0; reader.num_facets()]
        };
        Ok(TopFacetsSegment {
            reader,
            max_depth: self.max_depth,
            counts,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segments: Vec<SegmentValues>) -> tantivy::Result<Vec<Vec<FacetCount>>> {
        if self.k == 0 {
            return Ok(self.parts.iter().map(|_| Vec::new()).collect());
        }
        let mut values = Vec::new();
        for segment in segments {
            values.extend(segment?);
        }
        Ok(self
            .parts
            .iter()
            .map(|part| {
                let kept = values.iter().filter(|(value, _)| part.keeps(value)).cloned();
                top_counts(kept, self.k, |a, b| cmp_paths(a, b))
                    .into_iter()
                    .map(|(value, count)| FacetCount {
                        path: facet_path(&value),
                        count,
                    })
                    .collect()
            })
            .collect())
    }
}

/// Sums the counts of equal keys and keeps the `k` largest, ties ordered by
/// `cmp`.
fn top_counts<K: Ord>(
    counts: impl IntoIterator<Item = (K, u32)>,
    k: usize,
    cmp: impl Fn(&K, &K) -> std::cmp::Ordering,
) -> Vec<(K, u64)> {
    let mut totals: Vec<(K, u64)> = counts.into_iter().map(|(key, c)| (key, u64::from(c))).collect();
    totals.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    totals.dedup_by(|next, kept| {
        let same = next.0 == kept.0;
        if same {
            kept.1 += next.1;
        }
        same
    });
    // Only keys counting at least the k-th largest count can be kept.
    if totals.len() > k {
        let floor = totals.select_nth_unstable_by(k - 1, |a, b| b.1.cmp(&a.1)).1 .1;
        totals.retain(|(_, count)| *count >= floor);
    }
    totals.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| cmp(&a.0, &b.0)));
    totals.truncate(k);
    totals
}

/// Orders two encoded facets as their paths order (`/` in place of NUL).
fn cmp_paths(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    let slash = |v: &u8| if *v == 0 { b'/' } else { *v };
    a.iter().map(slash).cmp(b.iter().map(slash))
}

impl SegmentCollector for TopFacetsSegment {
    type Fruit = SegmentValues;

    fn collect(&mut self, doc: tantivy::DocId, _score: Score) {
        if self.counts.is_empty() {
            return;
        }
        for ord in self.reader.facet_ords(doc) {
            self.counts[ord as usize] += 1;
        }
    }

    fn harvest(self) -> Self::Fruit {
        // One pass over the dictionary, reading only the blocks that hold
        // counted values.
        let counted: Vec<(u64, u32)> = self
            .counts
            .iter()
            .enumerate()
            .filter(|(_, count)| **count > 0)
            .map(|(ord, count)| (ord as u64, *count))
            .collect();
        let ords: Vec<u64> = counted.iter().map(|(ord, _)| *ord).collect();
        let mut counts = counted.iter().map(|(_, count)| *count);
        let mut values = Vec::new();
        self.reader.facet_dict().sorted_ords_to_term_cb(&ords, |value| {
            let count = counts.next().unwrap_or(0);
            if facet_depth(value) <= self.max_depth {
                values.push((value.to_vec(), count));
            }
        })?;
        Ok(values)
    }
}

/// The number of levels of an encoded facet (segments separated by NUL).
fn facet_depth(encoded: &[u8]) -> usize {
    encoded.iter().filter(|b| **b == 0).count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::pseudo_random;
    use std::collections::HashMap;
    use tantivy::collector::DocSetCollector;
    use tantivy::query::{AllQuery, Query, TermQuery};
    use tantivy::schema::{Facet, FacetOptions, IndexRecordOption, Schema};
    use tantivy::{Index, TantivyDocument, Term};

    /// The four facet fields counted through the Searcher's tables agree
    /// with counting field by field, and each document's facets read back
    /// through the tables or the dictionaries are the ones it was given.
    #[test]
    fn table_counts_and_hit_facets_match_field_by_field() {
        let mut builder = Schema::builder();
        let fields: Vec<_> = COUNTED_FACETS
            .iter()
            .map(|name| builder.add_facet_field(name, FacetOptions::default()))
            .collect();
        let index = Index::create_in_ram(builder.build());
        let mut writer: tantivy::IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let mut next = pseudo_random(11);
        let mut given: Vec<[Vec<String>; 4]> = Vec::new();
        for segment in 0..3 {
            for _ in 0..150 + 100 * segment {
                let mut doc = TantivyDocument::default();
                let mut paths: [Vec<String>; 4] = Default::default();
                for (f, field) in fields.iter().enumerate() {
                    for _ in 0..next() % 4 {
                        let n = (next() % 30).min(next() % 30) + segment * 2;
                        let path = match next() % 6 {
                            // The mention field's worded events, counted as a list of their own.
                            5 if f == 2 => format!("/event/v{n:02}"),
                            0 => format!("/k{f}/v{n:02}/x/deep"),
                            1 => format!("/k{f}/v{n:02}/sub"),
                            _ => format!("/k{f}/v{n:02}"),
                        };
                        doc.add_facet(*field, Facet::from(path.as_str()));
                        paths[f].push(path);
                    }
                    paths[f].sort();
                    paths[f].dedup();
                }
                writer.add_document(doc).unwrap();
                given.push(paths);
            }
            writer.commit().unwrap();
        }
        let searcher = index.reader().unwrap().searcher();
        let segments = searcher.segment_readers().iter().map(|s| s.segment_id()).collect();
        let tables = Arc::new(FacetTables::build(&searcher, segments).unwrap());
        let some = Term::from_facet(fields[0], &Facet::from("/k0/v03"));
        let queries: Vec<Box<dyn Query>> = vec![
            Box::new(AllQuery),
            Box::new(TermQuery::new(some, IndexRecordOption::Basic)),
        ];
        for query in &queries {
            for k in [1, 2, 5, 100] {
                let by_fields = FacetCounting::new(None, k);
                let expected = searcher.search(query, &by_fields).unwrap();
                let by_tables = searcher
                    .search(query, &FacetCounting::Tables(tables.clone(), k, None))
                    .unwrap();
                assert_eq!(by_tables, expected, "k {k}");
                assert!(expected.iter().all(|values| !values.is_empty()));
            }
        }
        let mut docs = Vec::new();
        for (s, segment) in searcher.segment_readers().iter().enumerate() {
            docs.extend((0..segment.max_doc()).map(|d| DocAddress::new(s as u32, d)));
        }
        let from_tables = hit_facets(&searcher, Some(&tables), &docs).unwrap();
        let from_dictionaries = hit_facets(&searcher, None, &docs).unwrap();
        assert_eq!(from_tables, from_dictionaries);
        let mut expected = given.clone();
        expected.sort();
        let mut read = from_tables;
        read.sort();
        assert_eq!(read, expected);
    }

    /// Facet counts over several segments, with ties and deep values, agree
    /// with counting every value.
    #[test]
    fn top_facets_match_counting_every_value() {
        let mut builder = Schema::builder();
        let actor = builder.add_facet_field("actor", FacetOptions::default());
        let index = Index::create_in_ram(builder.build());
        let mut writer: tantivy::IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let mut next = pseudo_random(7);
        for segment in 0..3 {
            for _ in 0..200 + 150 * segment {
                let mut doc = TantivyDocument::default();
                for _ in 0..next() % 4 {
                    // Skewed: low numbers are frequent, and segments differ.
                    let n = (next() % 40).min(next() % 40) + segment * 3;
                    let path = if next().is_multiple_of(5) {
                        format!("/country/C{n:02}/GOV")
                    } else {
                        format!("/country/C{n:02}")
                    };
                    doc.add_facet(actor, Facet::from(path.as_str()));
                }
                writer.add_document(doc).unwrap();
            }
            writer.commit().unwrap();
        }
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.segment_readers().len(), 3);
        let some = Facet::from("/country/C05");
        let queries: Vec<Box<dyn Query>> = vec![
            Box::new(AllQuery),
            Box::new(TermQuery::new(Term::from_facet(actor, &some), IndexRecordOption::Basic)),
        ];
        for query in &queries {
            for depth in [2, 3] {
                let all = count_every_value(&searcher, &**query, "actor", depth);
                for k in [0, 1, 2, 3, 5, 10, 100] {
                    let top = searcher
                        .search(query, &TopFacets::new("actor", depth, k))
                        .unwrap()
                        .remove(0);
                    assert_eq!(top, top_k(all.clone(), k), "depth {depth}, k {k}");
                }
            }
        }
    }

    /// Every value of `field` at most `depth` deep over the documents
    /// `query` matches, counted one document at a time.
    fn count_every_value(
        searcher: &tantivy::Searcher,
        query: &dyn Query,
        field: &str,
        depth: usize,
    ) -> HashMap<String, u64> {
        let mut counts = HashMap::new();
        for address in searcher.search(query, &DocSetCollector).unwrap() {
            let reader = searcher
                .segment_reader(address.segment_ord)
                .facet_reader(field)
                .unwrap();
            for ord in reader.facet_ords(address.doc_id) {
                let mut facet = Facet::root();
                reader.facet_from_ord(ord, &mut facet).unwrap();
                let path = facet.to_string();
                if path.matches('/').count() <= depth {
                    *counts.entry(path).or_default() += 1;
                }
            }
        }
        counts
    }

    /// The `k` most frequent values, most frequent first (ties by path).
    fn top_k(counts: HashMap<String, u64>, k: usize) -> Vec<FacetCount> {
        let mut all: Vec<FacetCount> = counts
            .into_iter()
            .map(|(path, count)| FacetCount { path, count })
            .collect();
        all.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.path.cmp(&b.path)));
        all.truncate(k);
        all
    }
}
