//! Extraction: tags an article with who did what to whom. One Aho-Corasick
//! automaton over every dictionary term (actors, sector nouns, role titles,
//! event cues, guards) finds candidates in a single pass; context rules then
//! decide what each candidate is (a capital that stands for a government or a
//! place, Turkey or turkey, a negated or hypothetical event), and sentence
//! structure links events to their source and target.

use std::borrow::Cow;
use std::collections::BTreeSet;

// Word lists, entities and offsets are hashed on every article: FxHash is
// several times cheaper than SipHash here, and nothing hashed is hostile.
type HashMap<K, V> = std::collections::HashMap<K, V, rustc_hash::FxBuildHasher>;
type HashSet<T> = std::collections::HashSet<T, rustc_hash::FxBuildHasher>;
use std::ops::Range;
use std::sync::Arc;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, Anchored, Input, MatchKind, StartKind};
use serde::Serialize;

use super::dictionary::{CountryTermKind, Dictionaries, GuardKind, EVENT_TYPES};
use crate::words::is_alphanumeric;
use crate::Error;

/// What the extractor found in one article, as facet paths.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Tags {
    /// Entities that are the source or target of an event.
    pub actors: BTreeSet<String>,
    /// Every entity recognised, actor or not.
    pub mentions: BTreeSet<String>,
    /// `/type` or `/type/mode`.
    pub events: BTreeSet<String>,
    /// `/SOURCE/type/TARGET`.
    pub dyads: BTreeSet<String>,
    /// For each dyad, the sentence it was read from (byte range in the body).
    pub evidence: Vec<Evidence>,
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
    fn facets(&self) -> Vec<String> {
        let mut out = Vec::with_capacity(2);
        match self.kind {
            EntityKind::Country => {
                out.push(format!("/country/{}", self.code));
                if let Some(sector) = &self.sector {
                    out.push(format!("/country/{}/{}", self.code, sector));
                }
            }
            EntityKind::Igo => out.push(format!("/igo/{}", self.code)),
            EntityKind::Group => out.push(format!("/group/{}", self.code)),
            EntityKind::Person => out.push(format!("/person/{}", self.code)),
        }
        out
    }

    /// The code a dyad uses: countries (and the people and agencies of a
    /// country) by ISO3, organisations by slug, groups by id.
    fn dyad_code(&self) -> Option<&str> {
        match self.kind {
            EntityKind::Country => Some(&self.code),
            EntityKind::Person => self.country.as_deref(),
            EntityKind::Igo | EntityKind::Group => Some(&self.code),
        }
    }
}

#[derive(Debug, Clone)]
enum Cue {
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
const NAMES: u8 = 1; // an entity or a role title
const REPORTS: u8 = 1 << 1; // a reporting verb
const GUARDS: u8 = 1 << 2; // any guard
const OBJECT_EVENT: u8 = 1 << 3; // an event cue with object words
const EVENT: u8 = 1 << 4; // any event cue
const ONLY_NOT_ACTOR: u8 = 1 << 5; // one cue: a phrase that blocks an actor reading
const SECTOR: u8 = 1 << 6; // a sector noun or a role title

fn cue_kinds(cues: &[Cue]) -> u8 {
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

/// How a name may act: a capital only stands for its government in the
/// right context; a place inside a country never acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NameRole {
    Name,
    Capital,
    Place,
}

/// The compiled extractor: build once, share between threads.
pub struct Extractor {
    automaton: AhoCorasick,
    starts: PatternStarts,
    cues: Vec<Vec<Cue>>,
    /// [`cue_kinds`] of each pattern's cues.
    cue_kinds: Vec<u8>,
    entities: Vec<Entity>,
    group_sponsors: HashMap<String, String>,
    government_cues: HashSet<String>,
    abbreviations: HashSet<String>,
    short_mention_blockers: HashSet<String>,
    bird_cues: HashSet<String>,
    state_names: HashSet<String>,
    state_cues: Vec<String>,
    main_verb_bonus: u32,
    family_name_first: HashSet<String>,
    subject_is_target: HashSet<String>,
    no_target: HashSet<String>,
    domestic_groups: HashSet<String>,
    location_nouns: HashSet<String>,
    location_bodies: HashSet<String>,
    stance_prefixes: Vec<String>,
    origin_suffixes: Vec<String>,
    /// Lowercase surnames of dictionary people, with their country when all
    /// who bear it share one ("President Bush" is American).
    surname_countries: HashMap<String, Option<Arc<str>>>,
    /// (code, older code, seconds since the epoch before which the older applies)
    historical: Vec<(String, String, i64)>,
}

/// Where an event cue sits, and what its sentence says about its parties.
struct CueSite {
    sentence: Range<usize>,
    cue: Range<usize>,
    /// "China must stop": the subject is acted on.
    subject_is_target: bool,
    /// The first reporting word after the cue, and whether it closes the sentence.
    attribution: Option<(usize, bool)>,
    /// A protest: a party named after "in" or "at" is where it happened
    /// (protesters "in Hong Kong" protest against someone else), unnamed
    /// protesters are the people of that place, and a protest that names no
    /// one is aimed at the protesters' own government.
    protest: bool,
}

/// A dictionary hit that survived boundary and case checks.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Hit {
    start: usize,
    end: usize,
    cue: u32,
}

impl Extractor {
    pub fn new(dictionaries: &Dictionaries) -> Result<Extractor, Error> {
        let mut builder = CueTable::default();
        for country in &dictionaries.countries {
            let entity = builder.entity(Entity {
                kind: EntityKind::Country,
                code: country.iso3.as_str().into(),
                country: Some(country.iso3.as_str().into()),
                sector: None,
            });
            let role = match country.kind {
                CountryTermKind::Capital => NameRole::Capital,
                CountryTermKind::Place => NameRole::Place,
                _ => NameRole::Name,
            };
            builder.add(
                &country.term,
                Cue::Entity {
                    entity,
                    exact: country.term.clone(),
                    role,
                },
            );
        }
        for igo in &dictionaries.igos {
            let entity = builder.entity(Entity {
                kind: EntityKind::Igo,
                code: igo.slug.as_str().into(),
                country: None,
                sector: None,
            });
            builder.add(
                &igo.term,
                Cue::Entity {
                    entity,
                    exact: igo.term.clone(),
                    role: NameRole::Name,
                },
            );
        }
        let mut group_sponsors = HashMap::default();
        for group in &dictionaries.groups {
            if let Some(sponsor) = &group.sponsor {
                group_sponsors.insert(group.id.clone(), sponsor.clone());
            }
            let entity = builder.entity(Entity {
                kind: EntityKind::Group,
                code: group.id.as_str().into(),
                // An armed group belongs to the country it fights in; an
                // intrusion set to the state behind it.
                country: group
                    .base
                    .as_ref()
                    .or(group.sponsor.as_ref())
                    .map(|c| c.as_str().into()),
                sector: None,
            });
            builder.add(
                &group.term,
                Cue::Entity {
                    entity,
                    exact: group.term.clone(),
                    role: NameRole::Name,
                },
            );
        }
        for person in &dictionaries.people {
            let entity = builder.entity(person_entity(person));
            builder.add(
                &person.term,
                Cue::Entity {
                    entity,
                    exact: person.term.clone(),
                    role: NameRole::Name,
                },
            );
        }
        // Surnames that name exactly one dictionary person, and the country
        // each last name belongs to when all who bear it share one.
        let rules_people = &dictionaries.rules.people;
        let mut surnames: HashMap<&str, Option<&super::dictionary::PersonTerm>> = HashMap::default();
        let mut surname_countries: HashMap<String, Option<Arc<str>>> = HashMap::default();
        for person in &dictionaries.people {
            if let (Some(last), Some(country)) = (person.term.rsplit([' ', '-']).next(), &person.iso3) {
                let slot = surname_countries
                    .entry(last.to_lowercase())
                    .or_insert_with(|| Some(country.as_str().into()));
                if slot.as_deref().is_some_and(|c| c != country) {
                    *slot = None;
                }
            }
            let Some(surname) = person.term.split_whitespace().last() else {
                continue;
            };
            let eligible = surname.chars().count() >= rules_people.surname_min_length
                && surname.chars().next().is_some_and(char::is_uppercase)
                && !rules_people.ambiguous_surnames.iter().any(|a| a == surname);
            if !eligible {
                continue;
            }
            let slot = surnames.entry(surname).or_insert(Some(person));
            if slot.is_some_and(|p| p.slug != person.slug) {
                *slot = None;
            }
        }
        let mut unique: Vec<(&str, &super::dictionary::PersonTerm)> =
            surnames.into_iter().filter_map(|(s, p)| p.map(|p| (s, p))).collect();
        unique.sort_by_key(|(s, _)| *s);
        for (surname, person) in unique {
            let entity = builder.entity(person_entity(person));
            builder.add(
                surname,
                Cue::Entity {
                    entity,
                    exact: surname.to_string(),
                    role: NameRole::Name,
                },
            );
        }
        for agency in &dictionaries.agencies {
            let entity = builder.entity(Entity {
                kind: EntityKind::Country,
                code: agency.iso3.as_str().into(),
                country: Some(agency.iso3.as_str().into()),
                sector: Some(agency.sector.as_str().into()),
            });
            builder.add(
                &agency.term,
                Cue::Entity {
                    entity,
                    exact: agency.term.clone(),
                    role: NameRole::Name,
                },
            );
        }
        for (term, sector) in &dictionaries.sectors {
            builder.add(term, Cue::Sector { sector: sector.clone() });
        }
        for (title, sector) in &dictionaries.rules.people.role_titles {
            builder.add(title, Cue::Role { sector: sector.clone() });
        }
        for pattern in &dictionaries.events {
            let event_type = EVENT_TYPES.iter().position(|t| *t == pattern.event_type).unwrap_or(0) as u8;
            let object = pattern
                .object
                .as_ref()
                .map(|o| o.split_whitespace().map(str::to_string).collect());
            builder.add(
                &pattern.head,
                Cue::Event {
                    event_type,
                    mode: pattern.mode.clone(),
                    weight: pattern.weight,
                    object,
                },
            );
        }
        for guard in &dictionaries.guards {
            builder.add(&guard.pattern, Cue::Guard(guard.kind));
        }
        for phrase in &dictionaries.rules.ambiguity.not_actors {
            builder.add(phrase, Cue::NotActor { exact: phrase.clone() });
        }
        // Case-insensitive matching runs on ASCII-lowercased text with
        // lowercase patterns: a case-sensitive automaton has half the
        // transitions to follow. Tagging searches only anchored; unanchored
        // searches serve the test that checks it against a full scan (an
        // anchored-only automaton measured no faster).
        let lowercase_patterns: Vec<String> = builder.patterns.iter().map(|p| p.to_ascii_lowercase()).collect();
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .start_kind(StartKind::Both)
            .build(&lowercase_patterns)
            .map_err(|e| Error::Dictionary {
                file: "index-schema".into(),
                line: 0,
                reason: e.to_string(),
            })?;
        let starts = PatternStarts::new(&lowercase_patterns);
        let lower_set = |words: &[String]| words.iter().map(|w| w.to_lowercase()).collect::<HashSet<_>>();
        let rules = &dictionaries.rules;
        Ok(Extractor {
            automaton,
            starts,
            cue_kinds: builder.cues.iter().map(|cues| cue_kinds(cues)).collect(),
            cues: builder.cues,
            entities: builder.entities,
            group_sponsors,
            government_cues: lower_set(&rules.capitals.government_cues),
            abbreviations: lower_set(&rules.sentences.abbreviations),
            short_mention_blockers: lower_set(&rules.people.short_mention_blockers),
            bird_cues: lower_set(&rules.ambiguity.bird_cues),
            state_names: rules.ambiguity.state_names.iter().cloned().collect(),
            state_cues: rules.ambiguity.state_cues.clone(),
            main_verb_bonus: rules.events.main_verb_bonus,
            family_name_first: rules.people.family_name_first.iter().cloned().collect(),
            subject_is_target: lower_set(&rules.events.subject_is_target),
            no_target: lower_set(&rules.events.no_target),
            domestic_groups: lower_set(&rules.events.domestic_groups),
            location_nouns: lower_set(&rules.events.location_nouns),
            location_bodies: lower_set(&rules.events.location_bodies),
            stance_prefixes: rules.events.stance_prefixes.iter().map(|p| p.to_lowercase()).collect(),
            origin_suffixes: rules.events.origin_suffixes.iter().map(|p| p.to_lowercase()).collect(),
            surname_countries,
            historical: rules
                .historical
                .iter()
                .map(|h| {
                    let before =
                        chrono::NaiveDate::parse_from_str(&h.before, "%Y-%m-%d").map_err(|_| Error::Dictionary {
                            file: "extraction.toml".into(),
                            line: 0,
                            reason: format!("historical `before` date `{}` is not YYYY-MM-DD", h.before),
                        })?;
                    let seconds = before
                        .and_hms_opt(0, 0, 0)
                        .expect("midnight exists")
                        .and_utc()
                        .timestamp();
                    Ok((h.code.clone(), h.becomes.clone(), seconds))
                })
                .collect::<Result<_, Error>>()?,
        })
    }

    /// Tags an article from its title and body; `date` (seconds since the
    /// epoch) picks historical state codes for older articles.
    pub fn tag(&self, title: &str, body: &str, date: Option<i64>) -> Tags {
        let mut tags = Tags::default();
        // Entities repeat through an article: facet paths are written once each.
        let mut mentioned: HashSet<Entity> = HashSet::default();
        let mut acting: HashSet<Entity> = HashSet::default();
        // Weights by event type, and by type and mode.
        let mut type_weights: HashMap<&'static str, u32> = HashMap::default();
        let mut mode_weights: HashMap<(&'static str, String), u32> = HashMap::default();
        for (text, is_body) in [(title, false), (body, true)] {
            if text.is_empty() {
                continue;
            }
            let analysis = self.analyse(text, date);
            for sentence in analysis.sentences {
                mentioned.extend(sentence.entities);
                for event in sentence.events {
                    for dyad in self.dyads(&event) {
                        if is_body {
                            tags.evidence.push(Evidence {
                                dyad: dyad.clone(),
                                start: sentence.range.start,
                                end: sentence.range.end,
                            });
                        }
                        tags.dyads.insert(dyad);
                    }
                    *type_weights.entry(event.event_type).or_default() += event.weight;
                    if let Some(mode) = event.mode {
                        *mode_weights.entry((event.event_type, mode)).or_default() += event.weight;
                    }
                    // An event names its actors through its source; a target
                    // without a source is only a place the sentence talks about.
                    if !event.sources.is_empty() {
                        acting.extend(event.sources.into_iter().chain(event.targets));
                    }
                }
            }
        }
        tags.mentions.extend(mentioned.iter().flat_map(Entity::facets));
        tags.actors.extend(acting.iter().flat_map(Entity::facets));
        // A single weak cue in a whole article is noise; a strong cue, or weak
        // cues that recur, are an event. Modes follow their type.
        let is_event = |event_type: &str| type_weights.get(event_type).is_some_and(|w| *w >= 2);
        for event_type in type_weights.keys().filter(|t| is_event(t)) {
            tags.events.insert(format!("/{event_type}"));
        }
        for (event_type, mode) in mode_weights.keys().filter(|(t, _)| is_event(t)) {
            tags.events.insert(format!("/{event_type}/{mode}"));
        }
        tags.evidence
            .sort_by(|a, b| (a.start, &a.dyad).cmp(&(b.start, &b.dyad)));
        tags.evidence.dedup();
        tags
    }

    fn dyads(&self, event: &SentenceEvent) -> Vec<String> {
        let mut out = Vec::new();
        for source in &event.sources {
            let Some(from) = source.dyad_code() else { continue };
            for target in &event.targets {
                let Some(to) = target.dyad_code() else { continue };
                if from != to {
                    out.push(format!("/{from}/{}/{to}", event.event_type));
                }
                // A state-sponsored group acted on stands for its sponsor too.
                if target.kind == EntityKind::Group {
                    if let Some(sponsor) = self.group_sponsors.get(&*target.code) {
                        if sponsor != from {
                            out.push(format!("/{from}/{}/{sponsor}", event.event_type));
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
        self.analyse(sentence, None)
            .sentences
            .into_iter()
            .flat_map(|s| s.events)
            .collect()
    }

    /// Every entity recognised in a text, in order.
    pub fn entities(&self, text: &str, date: Option<i64>) -> Vec<Entity> {
        self.analyse(text, date)
            .sentences
            .into_iter()
            .flat_map(|s| s.entities)
            .collect()
    }

    /// Rewrites a modern state code to the one its state had on `era`.
    fn apply_era(&self, entity: &mut Entity, era: Option<i64>) {
        let Some(era) = era else { return };
        for (code, older, before) in &self.historical {
            if era < *before {
                if entity.kind == EntityKind::Country && *entity.code == **code {
                    entity.code = older.as_str().into();
                }
                if entity.country.as_deref() == Some(code.as_str()) {
                    entity.country = Some(older.as_str().into());
                }
            }
        }
    }

    fn analyse(&self, text: &str, era: Option<i64>) -> Analysis {
        let hits = self.hits(text);
        let bounds = self.sentence_bounds(text);
        // Scanning for US-state cues costs a pass per cue: only when needed.
        let us_state_context = std::cell::OnceCell::new();
        let us_state_context =
            || *us_state_context.get_or_init(|| self.state_cues.iter().any(|cue| text.contains(cue.as_str())));
        let mut sentences: Vec<SentenceAnalysis> = bounds
            .iter()
            .map(|range| SentenceAnalysis {
                range: range.clone(),
                entities: Vec::new(),
                events: Vec::new(),
            })
            .collect();
        let sentence_of = |pos: usize| {
            bounds
                .partition_point(|r| r.end <= pos)
                .min(bounds.len().saturating_sub(1))
        };

        // Entities, with sectors and role-introduced people attached.
        let mut placed: Vec<(usize, usize, Entity, bool)> = Vec::new(); // start, end, entity, can act
        let mut mentioned_only: Vec<(usize, Entity)> = Vec::new();
        let mut consumed = vec![false; hits.len()];
        for (i, hit) in hits.iter().enumerate() {
            if self.cue_kinds[hit.cue as usize] & NAMES == 0 {
                continue;
            }
            for cue in &self.cues[hit.cue as usize] {
                match cue {
                    Cue::Entity { .. } if consumed[i] => break,
                    Cue::Entity { entity, exact, role } => {
                        let matched = &text[hit.start..hit.end];
                        if !case_matches(matched, exact) {
                            continue;
                        }
                        let mut entity = self.entities[*entity as usize].clone();
                        let next = next_word(text, hit.end);
                        if exact.eq_ignore_ascii_case("turkey") && self.bird_cues.contains(lowercase(next).as_ref()) {
                            break;
                        }
                        if self.state_names.contains(exact) && us_state_context() {
                            break;
                        }
                        self.apply_era(&mut entity, era);
                        // Named but never a party: "ethnic Albanians" in Serbia, the
                        // "Thai border", "US $50 million".
                        if entity.kind == EntityKind::Country && self.only_mentioned(text, hit.start, hit.end, next) {
                            mentioned_only.push((hit.start, entity));
                            break;
                        }
                        let mut can_act = *role != NameRole::Place;
                        if *role == NameRole::Capital {
                            let possessive = text[hit.end..].starts_with("'s") || text[hit.end..].starts_with("’s");
                            can_act = possessive || self.government_cues.contains(lowercase(next).as_ref());
                        }
                        if entity.kind == EntityKind::Country && entity.sector.is_none() && *role != NameRole::Place {
                            if let Some((j, sector)) = self.sector_after(text, &hits, i) {
                                entity.sector = Some(sector.into());
                                consumed[j] = true;
                                can_act = true;
                            }
                        }
                        placed.push((hit.start, hit.end, entity, can_act));
                        break;
                    }
                    Cue::Role { sector } if !consumed[i] => {
                        let title = &text[hit.start..hit.end];
                        let title_capitalised = title.chars().next().is_some_and(char::is_uppercase);
                        if let Some((name_end, slug)) = person_after_role(text, hit.end, title_capitalised) {
                            let country = placed
                                .last()
                                .filter(|(_, end, e, _)| {
                                    e.kind == EntityKind::Country && within_words(text, *end, hit.start, 1)
                                })
                                .map(|(_, _, e, _)| e.code.clone())
                                .or_else(|| {
                                    let surname = slug.rsplit('-').next().unwrap_or(&slug);
                                    self.surname_countries.get(surname).cloned().flatten()
                                });
                            // A dictionary person right after the title keeps its own
                            // record; any other name inside ("Senator Jordan Whitfield")
                            // is part of this person's name.
                            let inside = |h: &Hit| h.start >= hit.end && h.start < name_end;
                            let known = hits.iter().any(|h| {
                                inside(h)
                                    && self.cues[h.cue as usize].iter().any(|c| {
                                        matches!(c, Cue::Entity { entity, .. }
                                            if self.entities[*entity as usize].kind == EntityKind::Person)
                                    })
                            });
                            if !known {
                                for (j, h) in hits.iter().enumerate() {
                                    if inside(h) {
                                        consumed[j] = true;
                                    }
                                }
                                let person = Entity {
                                    kind: EntityKind::Person,
                                    code: slug.into(),
                                    country,
                                    sector: Some(sector.as_str().into()),
                                };
                                placed.push((hit.start, name_end, person, true));
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        self.add_short_mentions(text, &hits, &mut placed);
        placed.sort_by_key(|(start, ..)| *start);
        // A person named by title alone ("President Abdelaziz Bouteflika")
        // belongs, in a news sentence, to the country the sentence is about:
        // the first country it names.
        for i in 0..placed.len() {
            if placed[i].2.kind != EntityKind::Person || placed[i].2.country.is_some() {
                continue;
            }
            let bounds_of = &bounds[sentence_of(placed[i].0)];
            let country = placed
                .iter()
                .filter(|(s, ..)| bounds_of.contains(s))
                .find(|(_, _, e, _)| e.kind == EntityKind::Country)
                .map(|(_, _, e, _)| e.code.clone());
            placed[i].2.country = country;
        }
        for (start, _, entity, _) in &placed {
            sentences[sentence_of(*start)].entities.push(entity.clone());
        }
        for (start, entity) in mentioned_only {
            sentences[sentence_of(start)].entities.push(entity);
        }

        // Events, guarded against negation and hypotheticals.
        let reporting: Vec<usize> = hits
            .iter()
            .filter(|h| self.cue_kinds[h.cue as usize] & REPORTS != 0)
            .map(|h| h.start)
            .collect();
        let guards: Vec<(usize, GuardKind)> = hits
            .iter()
            .filter(|h| self.cue_kinds[h.cue as usize] & GUARDS != 0)
            .flat_map(|h| {
                self.cues[h.cue as usize].iter().filter_map(move |c| match c {
                    Cue::Guard(kind) => Some((h.end, *kind)),
                    _ => None,
                })
            })
            .collect();
        // A verb+object pattern that matched outranks the bare words inside
        // it: "lifted ... curfew" is not also a curfew, "imposed ... sanctions"
        // not also a bare "imposed".
        let sentence_end_of = |pos: usize| bounds.get(sentence_of(pos)).map_or(text.len(), |r| r.end);
        let mut object_spans: Vec<Range<usize>> = Vec::new();
        let mut gapped_heads: HashSet<usize> = HashSet::default();
        let mut gapped_matches: HashSet<(usize, usize)> = HashSet::default();
        for (h, hit) in hits.iter().enumerate() {
            if self.cue_kinds[hit.cue as usize] & OBJECT_EVENT == 0 {
                continue;
            }
            let cues = &self.cues[hit.cue as usize];
            // The words after the head, normalised once for all its objects.
            let window = following_words(&text[hit.end..sentence_end_of(hit.start)], OBJECT_GAP + 4);
            for (c, cue) in cues.iter().enumerate() {
                if let Cue::Event {
                    object: Some(object), ..
                } = cue
                {
                    if let Some(span) = find_object(&window, object) {
                        object_spans.push(hit.end + span.start..hit.end + span.end);
                        gapped_heads.insert(hit.start);
                        gapped_matches.insert((h, c));
                    }
                }
            }
        }
        for (h, hit) in hits.iter().enumerate() {
            if self.cue_kinds[hit.cue as usize] & EVENT == 0 {
                continue;
            }
            for (c, cue) in self.cues[hit.cue as usize].iter().enumerate() {
                let Cue::Event {
                    event_type,
                    mode,
                    weight,
                    object,
                } = cue
                else {
                    continue;
                };
                let sentence = sentence_of(hit.start);
                let sentence_end = sentence_end_of(hit.start);
                if object.is_some() {
                    if !gapped_matches.contains(&(h, c)) {
                        continue;
                    }
                } else {
                    let inside_object = object_spans.iter().any(|o| o.start <= hit.start && hit.end <= o.end);
                    if inside_object || gapped_heads.contains(&hit.start) {
                        continue;
                    }
                }
                let sentence_start = bounds.get(sentence).map_or(0, |r| r.start);
                // Guards end in text order: only those in this sentence, before the cue.
                let first_guard = guards.partition_point(|(end, _)| *end < sentence_start);
                let last_guard = guards.partition_point(|(end, _)| *end <= hit.start);
                // Walk back from the cue: once a guard is five words away, all
                // earlier ones are too. The earliest guard in reach decides.
                let guard = guards[first_guard..last_guard.max(first_guard)]
                    .iter()
                    .rev()
                    .map(|(end, kind)| (words_between(text, *end, hit.start, 5), *kind))
                    .take_while(|(words, _)| *words < 5)
                    .filter(|(words, kind)| *kind != GuardKind::Negation || *words < 3)
                    .map(|(_, kind)| kind)
                    .filter(|kind| *kind != GuardKind::Reporting)
                    .last();
                let mut event_type = EVENT_TYPES[*event_type as usize];
                let mut mode = mode.clone();
                match guard {
                    Some(GuardKind::Negation) => continue,
                    Some(kind @ (GuardKind::Hypothetical | GuardKind::Threat)) => {
                        // "will withdraw its troops unless …" is an ultimatum.
                        let threatened = kind == GuardKind::Threat || has_word(&text[hit.end..sentence_end], "unless");
                        (event_type, mode) = unrealised(event_type, mode, threatened);
                    }
                    _ => {}
                }
                let subject_is_target = self
                    .subject_is_target
                    .contains(lowercase(&text[hit.start..hit.end]).as_ref());
                let site = CueSite {
                    sentence: sentence_start..sentence_end,
                    cue: hit.start..hit.end,
                    subject_is_target,
                    attribution: reporting
                        .iter()
                        .copied()
                        .find(|r| *r > hit.end && *r < sentence_end)
                        .map(|r| (r, within_words(text, r, sentence_end, CLOSING_WORDS))),
                    protest: event_type == "protest",
                };
                let (sources, targets) = self.participants(text, &placed, site);
                let (sources, targets) = if is_passive(text, hit.start..hit.end) {
                    self.passive_participants(text, &placed, sentence_end, hit.end, targets, sources)
                } else {
                    (sources, targets)
                };
                sentences[sentence].events.push(SentenceEvent {
                    event_type,
                    mode,
                    weight: u32::from(*weight),
                    sources,
                    targets,
                });
            }
        }
        // The first event cue of a sentence is usually its main verb; later
        // cues tend to sit in clauses that describe, explain or report it.
        for sentence in &mut sentences {
            if let Some(first) = sentence.events.first_mut() {
                first.weight += self.main_verb_bonus;
            }
        }
        Analysis { sentences }
    }

    /// The sources (the first acting entity before the event cue in its
    /// sentence, with those coordinated with it) and the targets (the first
    /// other entity after the cue, with those coordinated with it).
    fn participants(
        &self,
        text: &str,
        placed: &[(usize, usize, Entity, bool)],
        site: CueSite,
    ) -> (Vec<Entity>, Vec<Entity>) {
        let CueSite {
            sentence,
            cue,
            subject_is_target,
            attribution,
            protest,
        } = site;
        // `placed` is in text order: the sentence's entities are a slice of it.
        let in_sentence = &placed[placed.partition_point(|(s, ..)| *s < sentence.start)
            ..placed.partition_point(|(s, ..)| *s < sentence.end)];
        if subject_is_target {
            // "<source> said <target> must ...": the nearest party before the
            // cue is told; whoever speaks first in the sentence tells it.
            let Some(target) = in_sentence.iter().rposition(|(s, ..)| *s < cue.start) else {
                return (Vec::new(), Vec::new());
            };
            let target_code = in_sentence[target].2.dyad_code();
            let sources = in_sentence[..target]
                .iter()
                .find(|(_, _, e, act)| *act && e.dyad_code() != target_code)
                .map(|(_, _, e, _)| vec![e.clone()])
                .unwrap_or_default();
            return (sources, vec![in_sentence[target].2.clone()]);
        }
        let coordinated = |from: usize, first: usize, limit: usize, acting: bool| -> Vec<Entity> {
            let mut out = vec![in_sentence[first].2.clone()];
            let mut last_end = in_sentence[first].1;
            for next in &in_sentence[first + 1..] {
                if next.0 >= limit || next.0 < from || (acting && !next.3) {
                    break;
                }
                if !is_coordination(&text[last_end.min(next.0)..next.0]) {
                    break;
                }
                out.push(next.2.clone());
                last_end = next.1;
            }
            out
        };
        // The subject is the first party before the cue that can act; failing
        // that, the first place named before it ("Beirut again rejected",
        // protesters "in Baghdad" are coded by where they are).
        let first_source = in_sentence
            .iter()
            .position(|(s, _, _, act)| *s < cue.start && *act)
            .or_else(|| in_sentence.iter().position(|(s, ..)| *s < cue.start));
        let sources = match first_source {
            Some(first) => coordinated(sentence.start, first, cue.start, false),
            None => Vec::new(),
        };
        // Protesters no one names are the people of the place they protest
        // in ("demonstrators in Baghdad").
        let sources = if sources.is_empty() && protest {
            in_sentence
                .iter()
                .find(|(s, ..)| is_locative(text, *s))
                .map(|(_, _, e, _)| vec![e.clone()])
                .unwrap_or_default()
        } else {
            sources
        };
        // The target is looked for up to the attribution ("…, the ministry
        // said", "according to …"), which names who reports, not who is acted on.
        if self.no_target.contains(lowercase(&text[cue.clone()]).as_ref()) {
            return (sources, Vec::new());
        }
        let limit = attribution
            .filter(|(a, _)| *a > cue.end)
            .map_or(sentence.end, |(a, closing)| {
                attribution_start(text, cue.end, a, closing)
            });
        let coordinated_sources = sources.len() > 1;
        let source_codes: Vec<&str> = sources.iter().filter_map(Entity::dyad_code).collect();
        let candidate = |skip_places: bool| {
            in_sentence.iter().position(|(s, _, e, _)| {
                *s >= cue.end
                    && *s < limit
                    && !(skip_places && is_locative(text, *s))
                    && e.dyad_code()
                        .is_some_and(|code| !(coordinated_sources && source_codes.contains(&code)))
            })
        };
        // A place is a target of last resort when the source's own country
        // cannot stand in ("ethnic Albanians demonstrated in Serbia").
        let first_target = candidate(protest).or_else(|| {
            (protest && home_country(&sources).is_none())
                .then(|| candidate(false))
                .flatten()
        });
        let targets = match first_target {
            Some(first) => coordinated(cue.end, first, limit, false),
            None => Vec::new(),
        };
        // No one after the cue: a party between subject and cue is the
        // indirect object ("Finland will give Tanzania a grant").
        let targets = if targets.is_empty() {
            in_sentence
                .iter()
                .rev()
                .find(|(s, _, e, _)| *s < cue.start && e.dyad_code().is_some_and(|c| !source_codes.contains(&c)))
                .map(|(_, _, e, _)| vec![e.clone()])
                .unwrap_or_default()
        } else {
            targets
        };
        // Still no one: a state acting on its own people ("police dispersed
        // demonstrators", "the government accepted the rebels' demands")
        // acts on itself, as coders code it; a protest is aimed at the
        // protesters' own government.
        let targets = if targets.is_empty() && (protest || self.names_domestic_group(text, cue.end, limit)) {
            home_of(&sources)
        } else {
            targets
        };
        (sources, targets)
    }

    /// Whether a country name is only a description: an ethnic group
    /// ("ethnic Albanians"), a stretch of border ("the Thai border"), a
    /// currency ("US $50 million", "U.S. dollars"), a stance ("an anti-Syria
    /// journalist") or an origin ("Russian-made rockets", "Syrian-backed militia").
    fn only_mentioned(&self, text: &str, start: usize, end: usize, next: &str) -> bool {
        // `next` is a slice of `text`: where it ends is where the word after it starts.
        let next_end = start_of(text, next) + next.len();
        let next = lowercase(next);
        let location = self.location_nouns.contains(next.as_ref())
            // "U.S. border patrol agents" are a state body, not a place.
            && !self.location_bodies.contains(lowercase(next_word(text, next_end)).as_ref());
        let ends_with =
            |p: &str| start >= p.len() && text.as_bytes()[start - p.len()..start].eq_ignore_ascii_case(p.as_bytes());
        let starts_with = |s: &str| {
            text.as_bytes()[end..]
                .get(..s.len())
                .is_some_and(|b| b.eq_ignore_ascii_case(s.as_bytes()))
        };
        previous_word(text, start).eq_ignore_ascii_case("ethnic")
            || location
            || self.stance_prefixes.iter().any(|p| ends_with(p))
            || self.origin_suffixes.iter().any(|s| starts_with(s))
            || text[end..].trim_start().starts_with('$')
            || next == "dollar"
            || next == "dollars"
    }

    /// Whether one of the first words after the cue names a domestic group.
    fn names_domestic_group(&self, text: &str, from: usize, to: usize) -> bool {
        text[from..to]
            .split(|c: char| !is_word_char(c))
            .filter(|w| !w.is_empty())
            .take(DOMESTIC_GROUP_WORDS)
            .any(|w| self.domestic_groups.contains(lowercase(w).as_ref()))
    }

    /// In the passive ("refugees were attacked by militiamen") the subject,
    /// found where an active sentence has its source, is acted on; the source
    /// is the agent of a "by" phrase after the verb, if there is one.
    fn passive_participants(
        &self,
        text: &str,
        placed: &[(usize, usize, Entity, bool)],
        sentence_end: usize,
        cue_end: usize,
        after_cue: Vec<Entity>,
        subject: Vec<Entity>,
    ) -> (Vec<Entity>, Vec<Entity>) {
        if subject.is_empty() {
            return (Vec::new(), after_cue);
        }
        let rest = &text[cue_end..sentence_end];
        let agent = rest
            .match_indices("by ")
            .map(|(at, _)| cue_end + at)
            .find(|at| is_boundary(text, *at, *at + 2))
            .and_then(|by| {
                placed
                    .iter()
                    .find(|(s, ..)| *s > by && *s < sentence_end && within_words(text, by + 2, *s, AGENT_WORDS))
            })
            .map(|(_, _, e, _)| vec![e.clone()])
            .unwrap_or_default();
        (agent, subject)
    }

    /// A sector noun that directly follows a country ("Chinese Foreign
    /// Ministry", "British government"): at most one word between.
    fn sector_after(&self, text: &str, hits: &[Hit], country_hit: usize) -> Option<(usize, String)> {
        let end = hits[country_hit].end;
        hits.iter()
            .enumerate()
            .skip(country_hit + 1)
            .take(3)
            .find_map(|(j, h)| {
                if self.cue_kinds[h.cue as usize] & SECTOR == 0 || !within_words(text, end, h.start, 1) {
                    return None;
                }
                self.cues[h.cue as usize].iter().find_map(|c| match c {
                    Cue::Sector { sector } | Cue::Role { sector } => Some((j, sector.clone())),
                    _ => None,
                })
            })
    }

    /// Later short mentions of a person seen in full ("Cameron", "Mr Cameron").
    fn add_short_mentions(&self, text: &str, hits: &[Hit], placed: &mut Vec<(usize, usize, Entity, bool)>) {
        let people: Vec<(usize, usize, Entity)> = placed
            .iter()
            .filter(|(_, _, e, _)| e.kind == EntityKind::Person)
            .map(|(s, e, entity, _)| (*s, *e, entity.clone()))
            .collect();
        let mut seen = HashSet::default();
        for (start, end, person) in people {
            if !seen.insert(person.code.clone()) {
                continue;
            }
            let full = &text[start..end];
            let words: Vec<&str> = full.split_whitespace().collect();
            // Chinese, Korean, Vietnamese and Hungarian names put the family name first.
            let family_first = person
                .country
                .as_deref()
                .is_some_and(|c| self.family_name_first.contains(c));
            let mut short_forms: Vec<&str> = words.last().copied().into_iter().collect();
            if family_first && words.len() > 1 {
                short_forms.push(words[0]);
            }
            short_forms.retain(|s| s.len() >= 3 && s.chars().next().is_some_and(char::is_uppercase));
            for surname in short_forms {
                for pos in memchr::memmem::find_iter(&text.as_bytes()[end..], surname.as_bytes()) {
                    let at = end + pos;
                    let after = at + surname.len();
                    if !is_boundary(text, at, after) {
                        continue;
                    }
                    // Another name wins; a cue word spelt like the surname ("may")
                    // does not: the capital letter marks the name.
                    let names_overlap = hits.iter().any(|h| {
                        h.start < after
                            && at < h.end
                            && self.cues[h.cue as usize]
                                .iter()
                                .any(|c| matches!(c, Cue::Entity { .. } | Cue::NotActor { .. }))
                    });
                    if names_overlap || placed.iter().any(|(s, e, ..)| *s < after && at < *e) {
                        continue;
                    }
                    let previous = lowercase(previous_word(text, at));
                    if self.short_mention_blockers.contains(previous.as_ref())
                        || next_word(text, after).starts_with(|c: char| c.is_ascii_digit())
                    {
                        continue;
                    }
                    placed.push((at, after, person.clone(), true));
                }
            }
        }
    }

    /// Dictionary hits at word boundaries: at each place a hit can begin
    /// (a word whose lowercase form starts some pattern, or a character that
    /// starts a pattern beginning with no word), the longest pattern there
    /// that ends at a boundary. Running the automaton anchored at those few
    /// places, not over every byte, is what keeps tagging cheap: most words
    /// begin no pattern.
    fn hits(&self, text: &str) -> Vec<Hit> {
        let lowercase = text.to_ascii_lowercase();
        let bytes = lowercase.as_bytes();
        let mut hits = Vec::new();
        let mut at = 0;
        // Whether the character before `at` is a word character.
        let mut after_word = false;
        // The word after a candidate, walked for its pair bit: kept so that
        // it is not walked twice.
        let mut walked: Option<WalkedWord> = None;
        while at < bytes.len() {
            let (c, width, is_word) = word_char_at(&lowercase, at);
            let candidate = if is_word {
                let (end, hash) = match walked.take() {
                    Some(word) if word.start == at => (word.end, word.hash),
                    _ => word_end(&lowercase, at),
                };
                let begins = !after_word && self.starts.may_begin_hit(&lowercase, end, hash, &mut walked);
                after_word = true;
                if begins {
                    Some(end)
                } else {
                    at = end;
                    None
                }
            } else {
                let begins = !after_word && self.starts.other_chars.contains(&c);
                after_word = false;
                if begins {
                    Some(at + width)
                } else {
                    at += width;
                    None
                }
            };
            if let Some(next) = candidate {
                if let Some(hit) = self.hit_at(text, &lowercase, at) {
                    at = hit.end;
                    after_word = lowercase[..at].chars().next_back().is_some_and(is_word_char);
                    hits.push(hit);
                } else {
                    at = next;
                }
            }
        }
        self.keep_cased(text, hits)
    }

    /// The longest pattern starting at `start` (where no word character
    /// precedes it) that ends at a boundary.
    fn hit_at(&self, text: &str, lowercase: &str, start: usize) -> Option<Hit> {
        let found = self
            .automaton
            .find(Input::new(lowercase).range(start..).anchored(Anchored::Yes))?;
        let fitting = if is_boundary(text, found.start(), found.end()) {
            Some(found)
        } else {
            // The longest pattern can run into the next word ("threatened to"
            // in "threatened today") and hide a shorter one that fits.
            self.fitting_match(text, lowercase, start, found.end())
        }?;
        Some(Hit {
            start: fitting.start(),
            end: fitting.end(),
            cue: fitting.pattern().as_u32(),
        })
    }

    /// Drops hits of phrases that block an actor reading whose case does
    /// not fit.
    fn keep_cased(&self, text: &str, mut hits: Vec<Hit>) -> Vec<Hit> {
        // A phrase that blocks an actor reading blocks only when its case
        // fits; one spelt like it with other cues is kept for those.
        hits.retain(|h| {
            self.cue_kinds[h.cue as usize] & ONLY_NOT_ACTOR == 0
                || match self.cues[h.cue as usize].as_slice() {
                    [Cue::NotActor { exact }] => case_matches(&text[h.start..h.end], exact),
                    _ => true,
                }
        });
        hits
    }

    /// The longest pattern at `start` that ends at a word boundary before
    /// `end`, if any.
    fn fitting_match(&self, text: &str, lowercase: &str, start: usize, end: usize) -> Option<aho_corasick::Match> {
        let mut limit = end;
        loop {
            // Cut back to the last word boundary before the current limit.
            limit = start + text[start..limit].rfind(|c: char| !is_word_char(c))?;
            let found = self
                .automaton
                .find(Input::new(lowercase).range(start..limit).anchored(Anchored::Yes))?;
            if is_boundary(text, found.start(), found.end()) {
                return Some(found);
            }
            limit = found.end();
        }
    }

    /// Sentence byte ranges: split after `.`, `!` or `?` followed by space and
    /// a capital, digit or quote (not after an abbreviation or an initial),
    /// and at blank lines.
    fn sentence_bounds(&self, text: &str) -> Vec<Range<usize>> {
        let bytes = text.as_bytes();
        let mut bounds = Vec::new();
        let mut start = 0;
        let mut i = 0;
        while i < bytes.len() {
            // Jump to the next byte that can end a sentence.
            let rest = &bytes[i..];
            let mark = memchr::memchr3(b'.', b'!', b'?', rest).unwrap_or(rest.len());
            i += memchr::memchr(b'\n', &rest[..mark]).unwrap_or(mark);
            if i >= bytes.len() {
                break;
            }
            let b = bytes[i];
            let mut split_at = None;
            if b == b'\n' && bytes.get(i + 1) == Some(&b'\n') {
                split_at = Some(i);
            } else if matches!(b, b'.' | b'!' | b'?') {
                let mut j = i + 1;
                while j < bytes.len() && matches!(bytes[j], b'"' | b'\'' | b')') {
                    j += 1;
                }
                if j < bytes.len() && bytes[j].is_ascii_whitespace() {
                    let mut k = j;
                    while k < bytes.len() && bytes[k].is_ascii_whitespace() {
                        k += 1;
                    }
                    let next = text[k..].chars().next();
                    let starts_sentence = next
                        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || matches!(c, '"' | '“' | '\'' | '‘'));
                    if starts_sentence && (b != b'.' || !self.is_abbreviation(text, start, i)) {
                        split_at = Some(j);
                    }
                }
            }
            if let Some(end) = split_at {
                if end > start {
                    bounds.push(start..end);
                }
                start = end;
                while start < bytes.len() && bytes[start].is_ascii_whitespace() {
                    start += 1;
                }
                i = start;
                continue;
            }
            i += 1;
        }
        if start < bytes.len() {
            bounds.push(start..bytes.len());
        }
        if bounds.is_empty() {
            bounds.push(0..bytes.len());
        }
        bounds
    }

    fn is_abbreviation(&self, text: &str, sentence_start: usize, dot: usize) -> bool {
        let word_start = text[sentence_start..dot]
            .rfind(|c: char| c.is_whitespace() || c == '(')
            .map_or(sentence_start, |p| sentence_start + p + 1);
        let word = &text[word_start..dot];
        let single_initial = word.chars().count() == 1 && word.chars().all(char::is_uppercase);
        single_initial || self.abbreviations.contains(lowercase(word).as_ref())
    }
}

struct Analysis {
    sentences: Vec<SentenceAnalysis>,
}

struct SentenceAnalysis {
    range: Range<usize>,
    entities: Vec<Entity>,
    events: Vec<SentenceEvent>,
}

/// Collects automaton patterns, merging identical terms (case-insensitively)
/// into one pattern with several cues.
#[derive(Default)]
struct CueTable {
    patterns: Vec<String>,
    cues: Vec<Vec<Cue>>,
    index: HashMap<String, usize>,
    entities: Vec<Entity>,
    entity_index: HashMap<Entity, u32>,
}

impl CueTable {
    fn entity(&mut self, entity: Entity) -> u32 {
        if let Some(&id) = self.entity_index.get(&entity) {
            return id;
        }
        let id = self.entities.len() as u32;
        self.entity_index.insert(entity.clone(), id);
        self.entities.push(entity);
        id
    }

    fn add(&mut self, term: &str, cue: Cue) {
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

/// A dictionary person as an entity; people of international organisations
/// act for no state.
fn person_entity(person: &super::dictionary::PersonTerm) -> Entity {
    Entity {
        kind: EntityKind::Person,
        code: person.slug.as_str().into(),
        country: person.iso3.as_deref().filter(|c| *c != "IGO").map(Into::into),
        sector: person.sector.as_deref().map(Into::into),
    }
}

/// The words between two entities that join them into one party:
/// "Israel and Lebanon", "Britain, France and Germany".
fn is_coordination(gap: &str) -> bool {
    let words: Vec<String> = gap
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !is_alphanumeric(c)).to_lowercase())
        .filter(|w| !w.is_empty())
        .collect();
    let joined = gap.contains(',') || words.iter().any(|w| w == "and" || w == "or");
    joined && words.len() <= 2 && words.iter().all(|w| matches!(w.as_str(), "and" | "or" | "the"))
}

/// Names match in their dictionary case, or shouted in an all-caps headline.
fn case_matches(matched: &str, exact: &str) -> bool {
    matched == exact
        || (matched.chars().any(char::is_alphabetic)
            && !matched.chars().any(char::is_lowercase)
            && exact.chars().count() > 2)
}

/// Where dictionary patterns can begin, for [`Extractor::hits`]: bits for
/// the hashes of the lowercase first words of the patterns, of the words
/// that are a whole pattern, and of the first two words of the others. A
/// word is a candidate only if its bits allow a pattern to start there (the
/// automaton decides), so collisions cost a search, never a hit. "the"
/// begins patterns ("the hague") but almost never a hit, and the word after
/// it settles that for one more bit test.
struct PatternStarts {
    first_words: BitTable,
    /// Words that make up a pattern on their own, punctuation after them aside.
    whole_words: BitTable,
    /// First and second words of the patterns of two words or more.
    word_pairs: BitTable,
    /// First characters of patterns that begin with no word ("#metoo" would).
    other_chars: Vec<char>,
}

impl PatternStarts {
    fn new(lowercase_patterns: &[String]) -> PatternStarts {
        let mut starts = PatternStarts {
            first_words: BitTable::new(),
            whole_words: BitTable::new(),
            word_pairs: BitTable::new(),
            other_chars: Vec::new(),
        };
        for pattern in lowercase_patterns {
            let (end, first) = word_end(pattern, 0);
            if end == 0 {
                if let Some(c) = pattern.chars().next().filter(|c| !starts.other_chars.contains(c)) {
                    starts.other_chars.push(c);
                }
                continue;
            }
            starts.first_words.set(first);
            match next_word_start(pattern, end) {
                Some(next) => starts.word_pairs.set(pair_hash(first, word_end(pattern, next).1)),
                None => starts.whole_words.set(first),
            }
        }
        starts
    }

    /// Whether a hit may begin with the word of this [`word_end`] hash,
    /// which ends at byte `end` of the lowercase text.
    /// The word after it is walked only when that decides, and left in `walked`.
    fn may_begin_hit(&self, lowercase: &str, end: usize, hash: u64, walked: &mut Option<WalkedWord>) -> bool {
        if !self.first_words.contains(hash) {
            return false;
        }
        if self.whole_words.contains(hash) {
            return true;
        }
        let Some(start) = next_word_start(lowercase, end) else {
            return false;
        };
        let (end, next_hash) = word_end(lowercase, start);
        *walked = Some(WalkedWord {
            start,
            end,
            hash: next_hash,
        });
        self.word_pairs.contains(pair_hash(hash, next_hash))
    }
}

/// A word of the text with its [`word_end`] hash.
struct WalkedWord {
    start: usize,
    end: usize,
    hash: u64,
}

/// A set of hashes that may answer yes wrongly, never no wrongly: one bit
/// per hash, taken from its top bits.
struct BitTable {
    words: Vec<u64>,
}

/// 2^18 bits (32 KB) per table: the shipped dictionaries' 7,500 patterns set
/// 2% of them or fewer (5,300 first words, 3,900 whole words, 2,900 pairs).
const TABLE_BITS: u32 = 18;

impl BitTable {
    fn new() -> BitTable {
        BitTable {
            words: vec![0; 1 << (TABLE_BITS - 6)],
        }
    }

    fn set(&mut self, hash: u64) {
        let (word, bit) = Self::bit_of(hash);
        self.words[word] |= bit;
    }

    fn contains(&self, hash: u64) -> bool {
        let (word, bit) = Self::bit_of(hash);
        self.words[word] & bit != 0
    }

    /// The table word and bit mask for a hash, from its top bits.
    fn bit_of(hash: u64) -> (usize, u64) {
        let bit = hash >> (64 - TABLE_BITS);
        ((bit >> 6) as usize, 1 << (bit & 63))
    }
}

/// The hash of two consecutive words from their [`word_end`] hashes.
fn pair_hash(first: u64, second: u64) -> u64 {
    mix(first.rotate_left(29) ^ second, u64::from(b' '))
}

/// Where the next word starts at or after byte `at`, if any does.
fn next_word_start(text: &str, mut at: usize) -> Option<usize> {
    while at < text.len() {
        let (_, width, is_word) = word_char_at(text, at);
        if is_word {
            return Some(at);
        }
        at += width;
    }
    None
}

/// The character at byte `at`, its width and whether it is a word
/// character. Plain ASCII is answered from [`WORD_BYTES`] without decoding:
/// most news text is ASCII, and decoding costs more.
#[inline]
fn word_char_at(text: &str, at: usize) -> (char, usize, bool) {
    let byte = text.as_bytes()[at];
    if byte.is_ascii() {
        return (char::from(byte), 1, WORD_BYTES[usize::from(byte)]);
    }
    let c = text[at..].chars().next().expect("`at` is inside the text");
    (c, c.len_utf8(), is_word_char(c))
}

/// The ASCII bytes that are word characters ([`is_word_char`]): letters,
/// digits and `_`. A table answers in one load where the range tests took
/// six instructions a byte.
const WORD_BYTES: [bool; 128] = {
    let mut table = [false; 128];
    let mut byte = 0;
    while byte < 128 {
        table[byte] = (byte as u8).is_ascii_alphanumeric() || byte as u8 == b'_';
        byte += 1;
    }
    table
};

/// Where the run of word characters starting at byte `at` ends, and a hash
/// of its bytes ([`word_hash`]).
fn word_end(text: &str, at: usize) -> (usize, u64) {
    let mut end = at;
    while end < text.len() {
        let (_, width, is_word) = word_char_at(text, end);
        if !is_word {
            break;
        }
        end += width;
    }
    (end, word_hash(text.as_bytes(), at, end))
}

/// A hash of `bytes[start..end]`, eight bytes at a time: one multiply for
/// most words. Mixing in each byte made a chain of dependent multiplies,
/// and `word_end` was 14% of tagging's instructions.
fn word_hash(bytes: &[u8], start: usize, end: usize) -> u64 {
    let mut hash = (end - start) as u64;
    let mut at = start;
    while at < end {
        let take = (end - at).min(8);
        // Whole eight-byte loads where the text goes on; a copy at its end.
        let chunk = match bytes.get(at..at + 8) {
            Some(eight) => u64::from_le_bytes(eight.try_into().expect("eight bytes")),
            None => {
                let mut last = [0u8; 8];
                last[..take].copy_from_slice(&bytes[at..at + take]);
                u64::from_le_bytes(last)
            }
        };
        let kept = if take == 8 {
            chunk
        } else {
            chunk & ((1u64 << (8 * take)) - 1)
        };
        hash = mix(hash, kept);
        at += take;
    }
    hash
}

fn mix(hash: u64, value: u64) -> u64 {
    (hash.rotate_left(5) ^ value).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

fn is_word_char(c: char) -> bool {
    is_alphanumeric(c) || c == '_'
}

fn is_boundary(text: &str, start: usize, end: usize) -> bool {
    let before_ok = text[..start].chars().next_back().is_none_or(|c| !is_word_char(c));
    let after_ok = text[end..].chars().next().is_none_or(|c| !is_word_char(c));
    before_ok && after_ok
}

fn next_word(text: &str, from: usize) -> &str {
    let rest = text[from..].trim_start_matches(|c: char| c.is_whitespace() || c == ',');
    let end = rest
        .find(|c: char| !is_word_char(c) && c != '\'' && c != '-')
        .unwrap_or(rest.len());
    &rest[..end]
}

fn previous_word(text: &str, before: usize) -> &str {
    let head = text[..before].trim_end_matches(|c: char| c.is_whitespace() || c == '.');
    let start = head
        .rfind(|c: char| !is_word_char(c))
        .map_or(0, |p| p + head[p..].chars().next().map_or(1, char::len_utf8));
    &head[start..]
}

/// How many words stand between two offsets, counted up to `cap`: rules
/// look across a few words, and the gap can be a whole article.
fn words_between(text: &str, from: usize, to: usize, cap: usize) -> usize {
    if to <= from {
        return 0;
    }
    text[from..to]
        .split_whitespace()
        .filter(|w| w.chars().any(is_alphanumeric))
        .take(cap)
        .count()
}

/// Whether at most `limit` words stand between two offsets.
fn within_words(text: &str, from: usize, to: usize, limit: usize) -> bool {
    words_between(text, from, to, limit + 1) <= limit
}

/// A word in lowercase, copied only when it has capitals.
fn lowercase(word: &str) -> Cow<'_, str> {
    if word.bytes().any(|b| b.is_ascii_uppercase()) || !word.is_ascii() {
        Cow::Owned(word.to_lowercase())
    } else {
        Cow::Borrowed(word)
    }
}

/// Words that make a following participle passive ("was attacked", "have
/// been accused", "got arrested").
const PASSIVE_AUXILIARIES: [&str; 5] = ["was", "were", "been", "being", "got"];
const PRESENT_AUXILIARIES: [&str; 4] = ["is", "are", "be", "get"];

/// How many words may stand between "by" and the agent it introduces ("by
/// current Haitian government officials").
const AGENT_WORDS: usize = 3;

/// Whether the cue is a participle after a passive auxiliary, allowing one
/// adverb between ("was reportedly attacked").
fn is_passive(text: &str, cue: Range<usize>) -> bool {
    let word = &text[cue.clone()];
    if word.ends_with("ing") || word.contains(' ') {
        return false;
    }
    let mut before = previous_word(text, cue.start);
    if before.len() > 3 && before.ends_with("ly") {
        before = previous_word(text, start_of(text, before));
    }
    let is_one_of = |words: &[&str]| words.iter().any(|w| before.eq_ignore_ascii_case(w));
    if is_one_of(&PASSIVE_AUXILIARIES) {
        return true;
    }
    // "is opposed to", "are concerned": present-tense participles are
    // mostly states; they are passive only with an agent.
    is_one_of(&PRESENT_AUXILIARIES) && next_word(text, cue.end).eq_ignore_ascii_case("by")
}

/// The country of the first source that has one.
fn home_country(sources: &[Entity]) -> Option<Arc<str>> {
    sources.iter().find_map(|s| {
        s.country
            .clone()
            .or_else(|| (s.kind == EntityKind::Country).then(|| s.code.clone()))
    })
}

/// The sources' home country as a target: a state acting on its own people,
/// or people protesting to their own government.
fn home_of(sources: &[Entity]) -> Vec<Entity> {
    home_country(sources)
        .map(|country| {
            vec![Entity {
                kind: EntityKind::Country,
                code: country.clone(),
                country: Some(country),
                sector: None,
            }]
        })
        .unwrap_or_default()
}

/// Prepositions that name where something happened.
const LOCATIVES: [&str; 5] = ["in", "at", "near", "outside", "inside"];

/// Whether the word before `at` is a locative preposition ("in Baghdad").
fn is_locative(text: &str, at: usize) -> bool {
    let before = previous_word(text, at);
    LOCATIVES.iter().any(|l| before.eq_ignore_ascii_case(l))
}

/// Where `part`, a slice of `text`, starts in it.
fn start_of(text: &str, part: &str) -> usize {
    part.as_ptr() as usize - text.as_ptr() as usize
}

/// How far after the cue a domestic group may be named ("opened fire to
/// disperse Moslem fundamentalist demonstrators").
const DOMESTIC_GROUP_WORDS: usize = 8;

/// Whether `text` holds `word` as a whole word, in any case.
fn has_word(text: &str, word: &str) -> bool {
    text.split(|c: char| !is_word_char(c))
        .any(|w| w.eq_ignore_ascii_case(word))
}

/// Where the attribution clause ending at the reporting word `reporting`
/// begins: at the comma that opens it (", Thai military sources said") when
/// that comma is a few words before the reporting word, or at any distance
/// when the reporting word closes the sentence, so the reporter is never
/// taken for the party acted on.
fn attribution_start(text: &str, after: usize, reporting: usize, closing: bool) -> usize {
    match text[after..reporting].rfind([',', ';']) {
        Some(comma) if closing || within_words(text, after + comma, reporting, ATTRIBUTION_WORDS) => after + comma,
        _ => reporting,
    }
}

/// A reporting word with at most this many words after it closes its
/// sentence ("…, a member of the mediating team said on Monday").
const CLOSING_WORDS: usize = 4;

/// The longest attribution clause before its reporting word ("…, western
/// diplomatic sources in neighboring Pakistan said").
const ATTRIBUTION_WORDS: usize = 6;

/// How many words may stand between the two parts of a `VERB ... OBJECT` cue.
const OBJECT_GAP: usize = 6;

/// Up to `limit` words at the start of `rest`: byte range and normalised text.
fn following_words<'a>(rest: &'a str, limit: usize) -> Vec<(Range<usize>, Cow<'a, str>)> {
    let mut words = Vec::with_capacity(limit);
    let mut start = None;
    let push = |s: usize, e: usize, words: &mut Vec<(Range<usize>, Cow<'a, str>)>| {
        let word = rest[s..e].trim_matches(|c: char| !is_alphanumeric(c) && c != '-');
        words.push((s..e, lowercase(word)));
    };
    for (i, c) in rest.char_indices() {
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                push(s, i, &mut words);
                if words.len() == limit {
                    return words;
                }
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        push(s, rest.len(), &mut words);
    }
    words
}

/// Where the object words of a `VERB ... OBJECT` cue sit among the words
/// after the verb, if they start within [`OBJECT_GAP`] words.
fn find_object(words: &[(Range<usize>, Cow<'_, str>)], object: &[String]) -> Option<Range<usize>> {
    let usable = &words[..words.len().min(OBJECT_GAP + object.len())];
    let at = usable
        .windows(object.len())
        .position(|window| window.iter().zip(object).all(|((_, a), b)| a == b))?;
    Some(usable[at].0.start..usable[at + object.len() - 1].0.end)
}

/// The name right after a role title, as its end and a slug: two or three
/// capitalised words ("Foreign Minister Wang Yi"), or one after a capitalised
/// title ("President Assad") unless it is a day or month ("President Monday").
fn person_after_role(text: &str, role_end: usize, title_capitalised: bool) -> Option<(usize, String)> {
    let rest = &text[role_end..];
    let lead = rest.len() - rest.trim_start_matches(' ').len();
    if lead != 1 {
        return None;
    }
    let mut end = role_end + lead;
    let mut words = Vec::new();
    for word in text[end..].split(' ').take(3) {
        let clean = word
            .trim_end_matches([',', '.', ';', ':', '\'', '"', ')', '’'])
            .trim_end_matches("'s")
            .trim_end_matches("’s");
        let capitalised = clean.chars().next().is_some_and(char::is_uppercase)
            && clean.chars().skip(1).any(char::is_lowercase)
            && clean.chars().all(|c| c.is_alphabetic() || c == '-' || c == '\'');
        if !capitalised {
            break;
        }
        words.push(clean);
        end += clean.len();
        if clean.len() != word.len() {
            break;
        }
        end += 1;
    }
    let end = end.min(text.len());
    let end = text[..end].trim_end().len();
    let single_name = words.len() == 1
        && title_capitalised
        && words[0].len() >= 3
        && !CALENDAR_WORDS.iter().any(|w| w.eq_ignore_ascii_case(words[0]));
    if words.len() < 2 && !single_name {
        return None;
    }
    let slug = words.iter().map(|w| w.to_lowercase()).collect::<Vec<_>>().join("-");
    Some((end, slug))
}

/// Capitalised words that follow a title without naming anyone.
const CALENDAR_WORDS: [&str; 19] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "January",
    "February",
    "March",
    "April",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Today",
];

/// What an event that is only intended, promised or threatened is coded
/// as: PLOVER codes the intent to cooperate, yield or help as AGREE, and the
/// intent to punish or use force as THREATEN (with the matching mode).
fn unrealised(event_type: &'static str, mode: Option<String>, threatened: bool) -> (&'static str, Option<String>) {
    let threat_mode = match (event_type, mode.as_deref()) {
        ("sanction", Some("expel")) => Some("expel"),
        ("sanction", _) | ("coerce", Some("restrict" | "seize" | "withhold")) => Some("restrict"),
        ("coerce", Some("arrest" | "deport")) => Some("arrest"),
        ("coerce", _) => None,
        ("assault" | "mobilize", _) => Some("violence"),
        // A strike or boycott held over someone is a threat against them.
        ("protest", _) => None,
        ("threaten", _) => return (event_type, mode),
        _ if threatened => None,
        ("consult" | "support" | "cooperate" | "aid" | "retreat" | "concede" | "agree", _) => return ("agree", None),
        _ => return (event_type, mode),
    };
    ("threaten", threat_mode.map(str::to_string))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tag::DictionarySource;

    impl Extractor {
        /// The straightforward finder `hits` must agree with: the automaton
        /// run unanchored over every byte, skipping matches that start inside
        /// a word.
        fn hits_by_scan(&self, text: &str) -> Vec<Hit> {
            let lowercase = text.to_ascii_lowercase();
            let mut hits = Vec::new();
            let mut from = 0;
            while let Some(found) = self.automaton.find(Input::new(&lowercase).range(from..)) {
                let (start, end) = (found.start(), found.end());
                let fitting = if is_boundary(text, start, end) {
                    Some(found)
                } else if text[..start].chars().next_back().is_none_or(|c| !is_word_char(c)) {
                    self.fitting_match(text, &lowercase, start, end)
                } else {
                    None
                };
                match fitting {
                    Some(m) => {
                        hits.push(Hit {
                            start: m.start(),
                            end: m.end(),
                            cue: m.pattern().as_u32(),
                        });
                        from = m.end();
                    }
                    None => {
                        from = start
                            + text[start..]
                                .find(|c: char| !is_word_char(c))
                                .unwrap_or(text.len() - start)
                                .max(1)
                    }
                }
            }
            self.keep_cased(text, hits)
        }
    }

    /// Dictionary words and phrases, their fragments and neighbours, and
    /// separators of every kind, mixed at random with random case.
    fn texts_with_cues() -> Vec<String> {
        let pieces = [
            "United States",
            "U.S.",
            "US",
            "us",
            "sanction",
            "sanctions",
            "sanctioned",
            "threatened to",
            "threatened today",
            "threatened",
            "al-Qaeda",
            "al",
            "Hamas",
            "Beijing",
            "China",
            "Chinese",
            "Turkey",
            "turkey",
            "May",
            "Theresa May",
            "Trump",
            "accused",
            "accuse",
            "cyberattack",
            "attack",
            "attacks",
            "North Korea",
            "Korea",
            "UN",
            "United Nations",
            "Nations",
            "Putin",
            "Moscow",
            "Russia's",
            "NATO",
            "Iran",
            "Tehran",
            "Washington",
            "European Union",
            "EU",
            "Islamic State",
            "said",
            "condemned",
            "protest",
            "Georgia",
            "New York",
            "Hong Kong",
            "Taiwan",
            "Xi Jinping",
            " ",
            " ",
            " ",
            ", ",
            ". ",
            "-",
            "'s",
            "\n",
            "\n\n",
            "é",
            "_",
            "9",
            "—",
            "(",
            ")",
            "#",
            "\"",
            "İ",
            "x",
            "pre",
            "anti-",
            "Ünited",
            "北京",
            "#MeToo",
            "(ret.)",
            "—said",
            "-backed",
            "été",
            "Été",
        ];
        let mut next = crate::test_support::pseudo_random(0x5eed_cafe);
        let mut texts = Vec::new();
        for _ in 0..3000 {
            let mut text = String::new();
            for _ in 0..next() % 40 {
                let piece = pieces[next() % pieces.len()];
                match next() % 4 {
                    0 => text.push_str(&piece.to_uppercase()),
                    1 => text.push_str(&piece.to_lowercase()),
                    _ => text.push_str(piece),
                }
            }
            texts.push(text);
        }
        texts.extend(crate::test_support::bundled_corpus_texts());
        texts
    }

    #[test]
    fn anchored_hits_are_the_hits_of_a_full_scan() {
        let mut dictionaries = Dictionaries::load(&DictionarySource::Embedded).expect("dictionaries");
        let shipped = Extractor::new(&dictionaries).expect("extractor");
        // A user's dictionary may hold patterns that begin with no word.
        for pattern in ["#metoo", "(ret.)", "\u{2014}said", "-backed", "\u{e9}t\u{e9}"] {
            dictionaries.guards.push(crate::tag::Guard {
                kind: GuardKind::Reporting,
                pattern: pattern.to_string(),
            });
        }
        let extended = Extractor::new(&dictionaries).expect("extractor");
        assert_eq!(extended.starts.other_chars, ['#', '(', '\u{2014}', '-']);
        for extractor in [shipped, extended] {
            let mut compared = 0;
            for text in texts_with_cues() {
                let expected = extractor.hits_by_scan(&text);
                assert_eq!(extractor.hits(&text), expected, "in {text:?}");
                compared += expected.len();
            }
            assert!(compared > 4_000, "only {compared} hits compared");
        }
    }
}
