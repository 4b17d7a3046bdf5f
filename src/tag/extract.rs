//! Extraction: tags an article with who did what to whom. One Aho-Corasick
//! automaton over every dictionary term (actors, sector nouns, role titles,
//! event cues, guards) finds candidates in a single pass; context rules then
//! decide what each candidate is (a capital that stands for a government or a
//! place, Turkey or turkey, a negated or hypothetical event), and sentence
//! structure links events to their source and target.
//!
//! This module holds the [`Extractor`] and the steps of analysing a text;
//! the steps live beside it: `build` (from the dictionaries), `scan` (hits),
//! `sentences`, `entities`, `events` and `participants`.

use std::cell::OnceCell;
use std::ops::Range;
use std::sync::Arc;

use aho_corasick::AhoCorasick;

use super::cues::Cue;
use super::genre::genre;
use super::groups::GroupNamer;
use super::salience::{salience, Place, Reported};
use super::scan::{Hit, PatternStarts};
use super::tags::{facet_path, Entity, EntityKind, Evidence, FacetOrigin, SentenceEvent, Tags};
use super::text::{lowercase, next_word, previous_word, start_of};
use super::{HashMap, HashSet};
use chrono::Datelike;

/// Years before the article's own that make a body sentence naming them
/// background: last year's events are often still the story.
const BACKGROUND_YEARS: i32 = 2;

/// The compiled extractor: build once, share between threads.
pub struct Extractor {
    pub(super) automaton: AhoCorasick,
    pub(super) starts: PatternStarts,
    pub(super) cues: Vec<Vec<Cue>>,
    /// [`cue_kinds`](super::cues::cue_kinds) of each pattern's cues.
    pub(super) cue_kinds: Vec<u8>,
    /// [`cue_shape`](super::cues::cue_shape) of each pattern.
    pub(super) cue_shapes: Vec<u8>,
    /// Each pattern's `VERB ... OBJECT` cues by the first word of their
    /// object (lowercase), as indices into its cues.
    pub(super) object_firsts: Vec<HashMap<Box<str>, Vec<u16>>>,
    pub(super) entities: Vec<Entity>,
    pub(super) group_sponsors: HashMap<String, String>,
    pub(super) government_cues: HashSet<String>,
    pub(super) abbreviations: HashSet<String>,
    /// Labels that open a line linking to another story, as written.
    pub(super) link_labels: Vec<String>,
    pub(super) short_mention_blockers: HashSet<String>,
    pub(super) bird_cues: HashSet<String>,
    pub(super) bird_names: Vec<String>,
    pub(super) state_names: HashSet<String>,
    pub(super) state_cues: Vec<String>,
    pub(super) state_country_cues: Vec<String>,
    pub(super) main_verb_bonus: u32,
    pub(super) family_name_first: HashSet<String>,
    pub(super) subject_is_target: HashSet<String>,
    pub(super) no_target: HashSet<String>,
    /// Event types two parties do with each other.
    pub(super) reciprocal_types: HashSet<String>,
    pub(super) domestic_groups: HashSet<String>,
    pub(super) location_nouns: HashSet<String>,
    /// Diplomats' posts: the country after "ambassador to" is their host.
    pub(super) posting_nouns: HashSet<String>,
    /// Nouns after a capital or city that make it a treaty's or meeting's name.
    pub(super) venue_nouns: HashSet<String>,
    pub(super) location_bodies: HashSet<String>,
    pub(super) stance_prefixes: Vec<String>,
    pub(super) origin_suffixes: Vec<String>,
    pub(super) ethnic_words: Vec<String>,
    pub(super) currency_words: HashSet<String>,
    pub(super) currency_signs: Vec<String>,
    pub(super) ultimatum_words: Vec<String>,
    /// Lowercase assault cues that need a word of force in their sentence.
    pub(super) figurative_assault_cues: HashSet<String>,
    pub(super) force_words: HashSet<String>,
    /// Verbs that carry out an attack named as a noun.
    pub(super) agentive_verbs: HashSet<String>,
    /// Words before an assault participle that name its victims.
    pub(super) victim_words: HashSet<String>,
    /// Marks of a photo caption, as written.
    pub(super) caption_marks: Vec<String>,
    /// Cues that state an opinion before "that".
    pub(super) opinion_cues: HashSet<String>,
    /// Words that join a cue to a second cue of the same act.
    pub(super) same_act_links: HashSet<String>,
    /// Objects that make a restriction a sanction.
    pub(super) trade_objects: HashSet<String>,
    /// Forces of nature that strike and kill without an actor.
    pub(super) natural_forces: HashSet<String>,
    pub(super) cyber_words: HashSet<String>,
    pub(super) hacking_words: HashSet<String>,
    pub(super) plain_attack_cues: HashSet<String>,
    pub(super) agent_nouns: HashSet<String>,
    pub(super) agent_modifiers: HashSet<String>,
    pub(super) agent_heads: HashSet<String>,
    pub(super) calendar_words: Vec<String>,
    /// Month names as written, and the words before one that make it a
    /// date ("in March").
    pub(super) months: Vec<String>,
    pub(super) date_words: HashSet<String>,
    pub(super) month_cue_followers: HashSet<String>,
    /// Words that open a mediator after an event cue ("brokered by").
    pub(super) mediator_openers: Vec<String>,
    /// First words two names can share the rest of ("North and South Korea").
    pub(super) shared_name_words: HashSet<String>,
    /// Words after four digits that make them a clock time, not a year.
    pub(super) clock_words: HashSet<String>,
    /// Function-word objects that a verb reaches only within its clause.
    pub(super) clause_objects: HashSet<String>,
    /// Words that make what follows a verb a question, not its object.
    pub(super) question_words: HashSet<String>,
    /// Words before an assault cue that make it criticism.
    pub(super) verbal_attack_words: HashSet<String>,
    /// Inquiry nouns a country written onto names as an affair.
    pub(super) inquiry_nouns: HashSet<String>,
    /// Prefixes after which a hyphenated participle is still the verb.
    pub(super) compound_prefixes: HashSet<String>,
    /// Lowercase words that join the capitalised words of a name.
    pub(super) name_connectors: HashSet<String>,
    /// Nouns a cue in front of describes.
    pub(super) topic_heads: HashSet<String>,
    /// Words after which a cue is a verb.
    pub(super) verb_openers: HashSet<String>,
    /// Words that open a noun phrase.
    pub(super) determiners: HashSet<String>,
    /// What is released when it is published.
    pub(super) published_things: HashSet<String>,
    /// Words that open an object.
    pub(super) object_openers: HashSet<String>,
    /// Words that open a subordinate clause.
    pub(super) clause_openers: HashSet<String>,
    /// First words of request cues that appeal to someone.
    pub(super) appeal_cues: HashSet<String>,
    /// Prepositions that keep a party inside a noun phrase.
    pub(super) subject_breaks: HashSet<String>,
    /// Common given names, as capitalised ("George"): they open the names of
    /// people the dictionaries do not list.
    pub(super) given_names: HashSet<String>,
    /// Frequent English words that are rarely surnames, lower-cased.
    pub(super) ordinary_words: HashSet<String>,
    /// The full dictionary names of people whose surname alone is common
    /// (by entity number): the article must hold it for the surname to count.
    pub(super) full_names: HashMap<u32, Vec<Box<str>>>,
    pub(super) given_name_shapes: super::entities::GivenNameShapes,
    pub(super) not_name_words: HashSet<String>,
    pub(super) company_words: HashSet<String>,
    pub(super) name_particles: HashSet<String>,
    /// The slugs of dictionary people.
    pub(super) person_slugs: HashSet<String>,
    /// Dictionary people by the first and last words of their names,
    /// lower-cased ("bashar", "assad" for Bashar al-Assad), where only one
    /// person has them.
    pub(super) person_by_first_and_last: HashMap<(String, String), String>,
    pub(super) given_names_also_words: HashSet<String>,
    /// Threat-group naming schemes ([`GroupNaming`](super::dictionary::GroupNaming)).
    pub(super) group_namer: GroupNamer,
    /// Lowercase surnames of dictionary people, with their country when all
    /// who bear it share one ("President Bush" is American).
    pub(super) surname_countries: HashMap<String, Option<Arc<str>>>,
    /// (code, older code, seconds since the epoch before which the older applies)
    pub(super) historical: Vec<(String, String, i64)>,
}

/// One text under analysis: what the steps of [`Extractor::analyse`] share.
pub(super) struct Passage<'t> {
    pub(super) text: &'t str,
    /// The texts of the whole article this passage belongs to (title and
    /// body), for what only the article as a whole can tell.
    pub(super) article: &'t [&'t str],
    /// The article's date, which picks historical state codes.
    pub(super) era: Option<i64>,
    /// Whether the text is a title, where headline style capitalises words.
    pub(super) headline: bool,
    pub(super) hits: Vec<Hit>,
    /// Lines that link to another story, whose names are not the text's.
    pub(super) links: Vec<Range<usize>>,
    /// Sentence byte ranges, in text order; never empty.
    pub(super) bounds: Vec<Range<usize>>,
    /// Whether the article reads as about a US state: scanning for the
    /// cues costs a pass per cue, so it is done only when a state name
    /// needs it.
    pub(super) us_state_context: OnceCell<bool>,
}

impl Passage<'_> {
    /// Whether byte `pos` is on a line that links to another story.
    pub(super) fn in_link(&self, pos: usize) -> bool {
        on_line_of(&self.links, pos)
    }

    /// The sentence that holds byte `pos`.
    pub(super) fn sentence_of(&self, pos: usize) -> usize {
        self.bounds
            .partition_point(|r| r.end <= pos)
            .min(self.bounds.len().saturating_sub(1))
    }

    /// Where the sentence that holds byte `pos` ends.
    pub(super) fn sentence_end_of(&self, pos: usize) -> usize {
        self.bounds
            .get(self.sentence_of(pos))
            .map_or(self.text.len(), |r| r.end)
    }
}

/// What [`Extractor::analyse`] found, sentence by sentence.
pub(super) struct Analysis {
    sentences: Vec<SentenceAnalysis>,
}

pub(super) struct SentenceAnalysis {
    range: Range<usize>,
    pub(super) entities: Vec<Entity>,
    pub(super) events: Vec<SentenceEvent>,
}

impl Extractor {
    /// Tags an article from its title and body; `date` (seconds since the
    /// epoch) picks historical state codes for older articles.
    pub fn tag(&self, title: &str, body: &str, date: Option<i64>) -> Tags {
        self.tag_traced(title, body, date, None)
    }

    /// Where each event, actor and dyad facet of an article comes from: the
    /// reported event, its sentence and its cue (`search --explain`).
    pub fn origins(&self, title: &str, body: &str, date: Option<i64>) -> Vec<FacetOrigin> {
        let mut origins = Vec::new();
        self.tag_traced(title, body, date, Some(&mut origins));
        origins
    }

    /// Whether a sentence dates something at least [`BACKGROUND_YEARS`]
    /// before `year`: four digits after a day ("Sept. 11, 2012"), a month
    /// ("May 2013") or one of `date_words` ("in 2008", "since 2014"), and
    /// not a clock time ("at 1900 GMT", one of `clock_words` after it). A
    /// year that names a thing ("the 2016 election", "the Act of 1976") does
    /// not date the sentence.
    fn dates_years_before(&self, sentence: &str, year: i32) -> bool {
        let bytes = sentence.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            if !bytes[at].is_ascii_digit() {
                at += 1;
                continue;
            }
            let start = at;
            while at < bytes.len() && bytes[at].is_ascii_digit() {
                at += 1;
            }
            // A digit group of a bigger figure ("1,945", "19.50") is no year.
            let joined = |i: Option<usize>| {
                i.and_then(|i| bytes.get(i))
                    .is_some_and(|&b| matches!(b, b',' | b'.' | b'$'))
            };
            if at - start != 4
                || joined(start.checked_sub(1))
                || (joined(Some(at)) && bytes.get(at + 1).is_some_and(u8::is_ascii_digit))
            {
                continue;
            }
            let Ok(named) = sentence[start..at].parse::<i32>() else {
                continue;
            };
            if !(year - 100..=year - BACKGROUND_YEARS).contains(&named) {
                continue;
            }
            let next = next_word(sentence, at);
            if !self.clock_words.contains(lowercase(next).as_ref()) && self.dates(sentence, start) {
                return true;
            }
        }
        false
    }

    /// Whether the words before the year starting at `start` make it a date.
    fn dates(&self, sentence: &str, start: usize) -> bool {
        let head = sentence[..start].trim_end();
        if let Some(day) = head.strip_suffix(',') {
            return day.ends_with(|c: char| c.is_ascii_digit());
        }
        let before = previous_word(sentence, start);
        if self.months.iter().any(|month| month == before) {
            return true;
        }
        // "in 1945", but not "the Civil Rights Act of 1964".
        self.date_words.contains(lowercase(before).as_ref())
            && !(before.eq_ignore_ascii_case("of")
                && previous_word(sentence, start_of(sentence, before)).starts_with(|c: char| c.is_uppercase()))
    }

    /// Whether a sentence holds one of `caption_marks`.
    fn is_caption(&self, sentence: &str) -> bool {
        self.caption_marks.iter().any(|mark| sentence.contains(mark.as_str()))
    }

    /// Whether a cue opens with one of `appeal_cues` ("urged", "called on").
    pub(super) fn is_appeal(&self, cue: &str) -> bool {
        let first = cue.split(' ').next().unwrap_or("");
        self.appeal_cues.contains(lowercase(first).as_ref())
    }

    fn tag_traced(&self, title: &str, body: &str, date: Option<i64>, mut trace: Option<&mut Vec<FacetOrigin>>) -> Tags {
        let mut tags = Tags::default();
        // Entities repeat through an article: facet paths are written once each.
        let mut mentioned: HashSet<Entity> = HashSet::default();
        let mut reported: Vec<Reported> = Vec::new();
        let article = [title, body];
        let year = date
            .and_then(|seconds| chrono::DateTime::from_timestamp(seconds, 0))
            .map(|d| d.year());
        for (text, in_body) in [(title, false), (body, true)] {
            if text.is_empty() {
                continue;
            }
            for (index, sentence) in self
                .analyse(text, &article, date, !in_body)
                .sentences
                .into_iter()
                .enumerate()
            {
                mentioned.extend(sentence.entities);
                let place = Place::of(in_body, index);
                // A caption describes a picture (a gallery's may come from
                // other days and places), which the article does not report.
                let words = &text[sentence.range.clone()];
                let background = !sentence.events.is_empty()
                    && ((place == Place::Body && year.is_some_and(|year| self.dates_years_before(words, year)))
                        || (place != Place::Title && self.is_caption(words)));
                reported.extend(sentence.events.into_iter().map(|event| Reported {
                    place,
                    sentence: if in_body { index + 1 } else { 0 },
                    range: sentence.range.clone(),
                    appeal: self.is_appeal(&text[event.cue.clone()]),
                    background,
                    event,
                }));
            }
        }
        resolve_one_word_people(&mut mentioned, &mut reported);
        tags.mentions.extend(mentioned.iter().flat_map(Entity::facets));
        // Every event type the text words, reported or not, under `/event/`:
        // `mention` is the facet for recall, `event` the one for precision.
        let worded: HashSet<(&'static str, Option<&str>)> = reported
            .iter()
            .map(|r| (r.event.event_type, r.event.mode.as_deref()))
            .collect();
        for (kind, mode) in worded {
            tags.mentions.insert(facet_path(&["event", kind]));
            if let Some(mode) = mode {
                tags.mentions.insert(facet_path(&["event", kind, mode]));
            }
        }
        // The facets hold what the article reports: its salient events, their
        // parties and their dyads.
        let salient = salience(&reported, || genre(body));
        let mut acting: HashSet<Entity> = HashSet::default();
        let traced = trace.is_some();
        // Each sentence's events of one type that named a target, by source:
        // a second cue of that type by the same source in the sentence mostly
        // retells the event in its detail ("airstrikes on Houthi targets,
        // hitting drone depots in Yemen"), and the entity after it is a place
        // or an object, not a second target.
        let mut told: Vec<(Place, usize, &'static str, &[Entity])> = Vec::new();
        for r in salient.events(&reported) {
            let kind = r.event.event_type;
            let facets = [
                Some(facet_path(&[kind])),
                r.event.mode.as_deref().map(|mode| facet_path(&[kind, mode])),
            ];
            // Where each facet comes from, for `--explain`: built only when asked.
            let mut origin = |facet: String| {
                if let Some(origins) = trace.as_deref_mut() {
                    origins.push(FacetOrigin {
                        facet,
                        place: r.place.name(),
                        start: r.range.start,
                        end: r.range.end,
                        cue_start: r.event.cue.start,
                        cue_end: r.event.cue.end,
                    });
                }
            };
            for facet in facets.into_iter().flatten() {
                if traced {
                    origin(facet.clone());
                }
                tags.events.insert(facet);
            }
            // An event names its actors through its source; a target
            // without a source is only a place the sentence talks about.
            if r.event.sources.is_empty() {
                continue;
            }
            let retold = told.iter().any(|&(place, sentence, told_kind, sources)| {
                place == r.place && sentence == r.sentence && told_kind == kind && sources == &r.event.sources[..]
            });
            if retold {
                continue;
            }
            if !r.event.targets.is_empty() {
                told.push((r.place, r.sentence, kind, &r.event.sources));
            }
            if traced {
                for party in r.event.sources.iter().chain(&r.event.targets) {
                    party.facets().into_iter().for_each(&mut origin);
                }
            }
            acting.extend(r.event.sources.iter().chain(&r.event.targets).cloned());
            for dyad in self.dyads(&r.event) {
                if traced {
                    origin(dyad.clone());
                }
                if r.place != Place::Title {
                    tags.evidence.push(Evidence {
                        dyad: dyad.clone(),
                        start: r.range.start,
                        end: r.range.end,
                    });
                }
                tags.dyads.insert(dyad);
            }
        }
        tags.actors.extend(acting.iter().flat_map(Entity::facets));
        tags.evidence
            .sort_by(|a, b| (a.start, &a.dyad).cmp(&(b.start, &b.dyad)));
        tags.evidence.dedup();
        tags
    }

    /// The side an entity takes in a dyad: its dyad code, or a
    /// state-sponsored group's sponsor (Lazarus acting on North Korea is no
    /// dyad).
    pub(super) fn side_of<'e>(&'e self, entity: &'e Entity) -> Option<&'e str> {
        let code = entity.dyad_code()?;
        Some(match entity.kind {
            EntityKind::Group => self.group_sponsors.get(code).map_or(code, String::as_str),
            _ => code,
        })
    }

    fn dyads(&self, event: &SentenceEvent) -> Vec<String> {
        let mut out = Vec::new();
        if event.targets.is_empty() && event.strong && self.reciprocal_types.contains(event.event_type) {
            // "Ukraine and Russia agreed": each does it with the other. Only
            // two sides: seven finance ministers agreeing make one
            // statement, not 42 pairs.
            let mut sides: Vec<(&str, &str)> = event
                .sources
                .iter()
                .filter_map(|source| Some((source.dyad_code()?, self.side_of(source)?)))
                .collect();
            sides.sort_unstable();
            sides.dedup();
            if let [(a, side_a), (b, side_b)] = sides[..] {
                if side_a != side_b {
                    out.push(facet_path(&[a, event.event_type, b]));
                    out.push(facet_path(&[b, event.event_type, a]));
                }
            }
            return out;
        }
        for source in &event.sources {
            let Some(from) = source.dyad_code() else { continue };
            for target in &event.targets {
                let Some(to) = target.dyad_code() else { continue };
                if self.side_of(source) == self.side_of(target) {
                    continue;
                }
                if from != to {
                    out.push(facet_path(&[from, event.event_type, to]));
                }
                // A state-sponsored group acted on stands for its sponsor too.
                if target.kind == EntityKind::Group {
                    if let Some(sponsor) = self.group_sponsors.get(&*target.code) {
                        if sponsor != from {
                            out.push(facet_path(&[from, event.event_type, sponsor]));
                        }
                    }
                }
            }
        }
        out
    }

    /// Events of one sentence, in text order: the sentence-level view that
    /// `newsdex eval` scores.
    pub fn sentence_events(&self, sentence: &str) -> Vec<SentenceEvent> {
        self.analyse(sentence, &[sentence], None, false)
            .sentences
            .into_iter()
            .flat_map(|s| s.events)
            .collect()
    }

    /// Every entity recognised in a text, in order.
    pub fn entities(&self, text: &str, date: Option<i64>) -> Vec<Entity> {
        self.analyse(text, &[text], date, false)
            .sentences
            .into_iter()
            .flat_map(|s| s.entities)
            .collect()
    }

    /// The lines that link to another story ("RELATED: …",
    /// [`link_labels`](Extractor::link_labels)): that story's headline
    /// names its own parties and events, not the article's.
    fn link_lines(&self, text: &str) -> Vec<Range<usize>> {
        let mut links = Vec::new();
        if self.link_labels.is_empty() {
            return links;
        }
        let mut line_start = 0;
        loop {
            let line_end =
                memchr::memchr(b'\n', &text.as_bytes()[line_start..]).map_or(text.len(), |at| line_start + at);
            if self
                .link_labels
                .iter()
                .any(|label| text[line_start..line_end].starts_with(label.as_str()))
            {
                links.push(line_start..line_end);
            }
            if line_end == text.len() {
                return links;
            }
            line_start = line_end + 1;
        }
    }

    /// Finds the entities of a text, then its events with their parties,
    /// and files both by sentence.
    fn analyse(&self, text: &str, article: &[&str], era: Option<i64>, headline: bool) -> Analysis {
        // A line that links to another story gives no cue and no name.
        let links = self.link_lines(text);
        let mut hits = self.hits(text);
        if !links.is_empty() {
            hits.retain(|h| !on_line_of(&links, h.start));
        }
        let passage = Passage {
            text,
            article,
            era,
            headline,
            hits,
            links,
            bounds: self.sentence_bounds(text),
            us_state_context: OnceCell::new(),
        };
        let mut sentences: Vec<SentenceAnalysis> = passage
            .bounds
            .iter()
            .map(|range| SentenceAnalysis {
                range: range.clone(),
                entities: Vec::new(),
                events: Vec::new(),
            })
            .collect();
        // Entities, with sectors and role-introduced people attached.
        let placement = self.place_entities(&passage);
        for placed in &placement.placed {
            sentences[passage.sentence_of(placed.start)]
                .entities
                .push(placed.entity.clone());
        }
        for (start, entity) in placement.mentioned_only {
            sentences[passage.sentence_of(start)].entities.push(entity);
        }
        // Events, guarded against negation and hypotheticals.
        self.find_events(&passage, &placement.placed, &mut sentences);
        // The first event cue of a sentence is usually its main verb; later
        // cues tend to sit in clauses that describe, explain or report it.
        for sentence in &mut sentences {
            if let Some(first) = sentence.events.first_mut() {
                first.weight += self.main_verb_bonus;
            }
        }
        Analysis { sentences }
    }
}

/// Whether byte `pos` is inside one of `lines`.
fn on_line_of(lines: &[Range<usize>], pos: usize) -> bool {
    lines.iter().any(|line| line.contains(&pos))
}

/// A person named by one word ("Mr. Cruz", "President Clinton") in an
/// article that names in full exactly one person whose name ends in that
/// word is that person: one person as two facets (`/person/cruz` beside
/// `/person/ted-cruz`) made counts by person wrong. Title and body are
/// read apart, so a later short mention alone could not tell.
fn resolve_one_word_people(mentioned: &mut HashSet<Entity>, reported: &mut [Reported]) {
    let one_word = |e: &Entity| e.kind == EntityKind::Person && !e.code.contains('-');
    if !mentioned.iter().any(one_word) {
        return;
    }
    let full: HashSet<Arc<str>> = mentioned
        .iter()
        .filter(|e| e.kind == EntityKind::Person && e.code.contains('-'))
        .map(|e| e.code.clone())
        .collect();
    let mut resolved: HashMap<Arc<str>, Arc<str>> = HashMap::default();
    for short in mentioned.iter().filter(|e| one_word(e)) {
        let mut owners = full.iter().filter(|code| {
            let name = code
                .strip_suffix("-jr")
                .or_else(|| code.strip_suffix("-sr"))
                .unwrap_or(code);
            name.strip_suffix(&*short.code).is_some_and(|rest| rest.ends_with('-'))
        });
        if let (Some(owner), None) = (owners.next(), owners.next()) {
            resolved.insert(short.code.clone(), owner.clone());
        }
    }
    if resolved.is_empty() {
        return;
    }
    let rename = |entity: &mut Entity| {
        if let Some(code) = resolved.get(&entity.code).filter(|_| entity.kind == EntityKind::Person) {
            entity.code = code.clone();
        }
    };
    *mentioned = std::mem::take(mentioned)
        .into_iter()
        .map(|mut e| {
            rename(&mut e);
            e
        })
        .collect();
    for r in reported {
        r.event
            .sources
            .iter_mut()
            .chain(r.event.targets.iter_mut())
            .for_each(rename);
    }
}
