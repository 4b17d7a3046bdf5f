//! Building the [`Extractor`] from the dictionaries: every term becomes a
//! pattern of one Aho-Corasick automaton with its cues, the bit tables of
//! where patterns begin are filled, and the context rules of
//! `extraction.toml` become the sets the rules look words up in.

use std::sync::Arc;

use aho_corasick::{AhoCorasickBuilder, MatchKind, StartKind};

use super::cues::{cue_kinds, cue_shape, Cue, CueTable, NameRole};
use super::dictionary::{CountryTermKind, Dictionaries, PersonTerm, EVENT_TYPES};
use super::extract::Extractor;
use super::groups::GroupNamer;
use super::scan::PatternStarts;
use super::tags::{Entity, EntityKind};
use super::{HashMap, HashSet};
use crate::Error;

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
                CountryTermKind::Demonym => NameRole::Demonym,
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
            if group.in_context {
                continue;
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
        let mut surnames: HashMap<&str, Option<&PersonTerm>> = HashMap::default();
        let mut surname_countries: HashMap<String, Option<Arc<str>>> = HashMap::default();
        // Everyone who bears each last name, with a country or without.
        let mut bearers: HashMap<String, HashSet<&str>> = HashMap::default();
        for person in &dictionaries.people {
            if let Some(last) = person.term.rsplit([' ', '-']).next() {
                let last = last.to_lowercase();
                if let Some(country) = &person.iso3 {
                    let slot = surname_countries
                        .entry(last.clone())
                        .or_insert_with(|| Some(country.as_str().into()));
                    if slot.as_deref().is_some_and(|c| c != country) {
                        *slot = None;
                    }
                }
                bearers.entry(last).or_default().insert(person.slug.as_str());
            }
            let Some(surname) = person.term.split_whitespace().last() else {
                continue;
            };
            let eligible = surname.chars().count() >= rules_people.surname_min_length
                && surname.chars().next().is_some_and(char::is_uppercase)
                && !rules_people.ambiguous_surnames.iter().any(|a| a == surname)
                // "George" alone is anyone called George, not Eddie George.
                && !dictionaries.given_names.contains(surname);
            if !eligible {
                continue;
            }
            let slot = surnames.entry(surname).or_insert(Some(person));
            if slot.is_some_and(|p| p.slug != person.slug) {
                *slot = None;
            }
        }
        // A common surname tells the country only when several of its
        // officials bear it (the Bushes): one British Peter Walker made every
        // "Gov. Walker" British.
        surname_countries.retain(|surname, _| {
            !dictionaries.common_surnames.contains(surname) || bearers.get(surname).is_some_and(|b| b.len() >= 2)
        });
        let mut unique: Vec<(&str, &PersonTerm)> =
            surnames.into_iter().filter_map(|(s, p)| p.map(|p| (s, p))).collect();
        unique.sort_by_key(|(s, _)| *s);
        let mut full_names: HashMap<u32, Vec<Box<str>>> = HashMap::default();
        for (surname, person) in unique {
            let entity = builder.entity(person_entity(person));
            let role = if dictionaries.common_surnames.contains(&surname.to_lowercase()) {
                // Every spelling of the full name ("J.D. Vance", "JD Vance").
                let spellings = dictionaries.people.iter().filter(|p| p.slug == person.slug);
                full_names.insert(entity, spellings.map(|p| p.term.as_str().into()).collect());
                NameRole::CommonSurname
            } else {
                NameRole::Name
            };
            builder.add(
                surname,
                Cue::Entity {
                    entity,
                    exact: surname.to_string(),
                    role,
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
                .map(|o| o.split_whitespace().map(str::to_lowercase).collect());
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
        // An empty word or sign would match everywhere.
        let non_empty = |words: &[String]| words.iter().filter(|w| !w.is_empty()).cloned().collect::<Vec<_>>();
        let rules = &dictionaries.rules;
        let topic_heads = lower_set(&rules.events.topic_heads);
        let verb_openers = lower_set(&rules.events.verb_openers);
        let object_only_cues = lower_set(&rules.events.object_only_cues);
        let cue_shapes = lowercase_patterns
            .iter()
            .map(|pattern| cue_shape(pattern, &topic_heads, &verb_openers, &object_only_cues))
            .collect();
        Ok(Extractor {
            automaton,
            starts,
            cue_kinds: builder.cues.iter().map(|cues| cue_kinds(cues)).collect(),
            cue_shapes,
            object_firsts: builder.cues.iter().map(|cues| object_firsts(cues)).collect(),
            cues: builder.cues,
            entities: builder.entities,
            group_sponsors,
            government_cues: lower_set(&rules.capitals.government_cues),
            abbreviations: lower_set(&rules.sentences.abbreviations),
            link_labels: non_empty(&rules.sentences.link_labels),
            short_mention_blockers: lower_set(&rules.people.short_mention_blockers),
            bird_cues: lower_set(&rules.ambiguity.bird_cues),
            bird_names: rules.ambiguity.bird_names.clone(),
            state_names: rules.ambiguity.state_names.iter().cloned().collect(),
            state_cues: rules.ambiguity.state_cues.clone(),
            state_country_cues: rules.ambiguity.state_country_cues.clone(),
            main_verb_bonus: rules.events.main_verb_bonus,
            family_name_first: rules.people.family_name_first.iter().cloned().collect(),
            subject_is_target: lower_set(&rules.events.subject_is_target),
            no_target: lower_set(&rules.events.no_target),
            reciprocal_types: lower_set(&rules.events.reciprocal_types),
            domestic_groups: lower_set(&rules.events.domestic_groups),
            location_nouns: lower_set(&rules.events.location_nouns),
            posting_nouns: lower_set(&rules.events.posting_nouns),
            venue_nouns: lower_set(&rules.events.venue_nouns),
            location_bodies: lower_set(&rules.events.location_bodies),
            stance_prefixes: rules.events.stance_prefixes.iter().map(|p| p.to_lowercase()).collect(),
            origin_suffixes: rules.events.origin_suffixes.iter().map(|p| p.to_lowercase()).collect(),
            ethnic_words: non_empty(&rules.events.ethnic_words),
            currency_words: lower_set(&non_empty(&rules.events.currency_words)),
            currency_signs: non_empty(&rules.events.currency_signs),
            ultimatum_words: non_empty(&rules.events.ultimatum_words),
            figurative_assault_cues: lower_set(&rules.events.figurative_assault_cues),
            force_words: lower_set(&rules.events.force_words),
            natural_forces: lower_set(&rules.events.natural_forces),
            trade_objects: lower_set(&rules.events.trade_objects),
            victim_words: lower_set(&rules.events.victim_words),
            caption_marks: non_empty(&rules.events.caption_marks),
            opinion_cues: lower_set(&rules.events.opinion_cues),
            same_act_links: lower_set(&rules.events.same_act_links),
            agentive_verbs: lower_set(&rules.events.agentive_verbs),
            cyber_words: lower_set(&rules.events.cyber_words),
            hacking_words: lower_set(&rules.events.hacking_words),
            plain_attack_cues: lower_set(&rules.events.plain_attack_cues),
            agent_nouns: lower_set(&rules.events.agent_nouns),
            agent_modifiers: lower_set(&rules.events.agent_modifiers),
            agent_heads: lower_set(&rules.events.agent_heads),
            calendar_words: rules.people.calendar_words.clone(),
            months: rules.events.months.clone(),
            date_words: lower_set(&rules.events.date_words),
            month_cue_followers: lower_set(&rules.events.month_cue_followers),
            clock_words: lower_set(&rules.events.clock_words),
            shared_name_words: rules.events.shared_name_words.iter().cloned().collect(),
            mediator_openers: rules
                .events
                .mediator_openers
                .iter()
                .map(|w| w.to_ascii_lowercase())
                .collect(),
            clause_objects: lower_set(&rules.events.clause_objects),
            question_words: lower_set(&rules.events.question_words),
            verbal_attack_words: lower_set(&rules.events.verbal_attack_words),
            inquiry_nouns: lower_set(&rules.events.inquiry_nouns),
            compound_prefixes: lower_set(&rules.events.compound_prefixes),
            name_connectors: lower_set(&rules.events.name_connectors),
            topic_heads,
            verb_openers,
            determiners: lower_set(&rules.events.determiners),
            published_things: lower_set(&rules.events.published_things),
            object_openers: lower_set(&rules.events.object_openers),
            clause_openers: lower_set(&rules.events.clause_openers),
            appeal_cues: lower_set(&rules.events.appeal_cues),
            subject_breaks: lower_set(&rules.events.subject_breaks),
            given_names: dictionaries.given_names.iter().cloned().collect(),
            ordinary_words: dictionaries.ordinary_words.iter().cloned().collect(),
            given_name_shapes: super::entities::GivenNameShapes::new(&dictionaries.given_names),
            not_name_words: rules.people.not_name_words.iter().cloned().collect(),
            company_words: rules.people.company_words.iter().cloned().collect(),
            name_particles: rules.people.name_particles.iter().cloned().collect(),
            given_names_also_words: rules.people.given_names_also_words.iter().cloned().collect(),
            group_namer: GroupNamer::new(&rules.groups, &dictionaries.groups)?,
            surname_countries,
            person_slugs: dictionaries.people.iter().map(|p| p.slug.to_string()).collect(),
            person_by_first_and_last: people_by_first_and_last(&dictionaries.people),
            full_names,
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
}

/// A dictionary person as an entity; people of international organisations
/// act for no state.
fn person_entity(person: &PersonTerm) -> Entity {
    Entity {
        kind: EntityKind::Person,
        code: person.slug.as_str().into(),
        country: person.iso3.as_deref().filter(|c| *c != "IGO").map(Into::into),
        sector: person.sector.as_deref().map(Into::into),
    }
}

/// A pattern's `VERB ... OBJECT` cues by the first word of their object:
/// a frequent verb ("called", "approved") has dozens of objects, and the
/// words after it are looked up here rather than compared with each.
fn object_firsts(cues: &[Cue]) -> HashMap<Box<str>, Vec<u16>> {
    let mut firsts: HashMap<Box<str>, Vec<u16>> = HashMap::default();
    for (c, cue) in cues.iter().enumerate() {
        if let Cue::Event {
            object: Some(object), ..
        } = cue
        {
            if let (Some(first), Ok(c)) = (object.first(), u16::try_from(c)) {
                firsts.entry(first.as_str().into()).or_default().push(c);
            }
        }
    }
    firsts
}

/// Dictionary people by the first and last words of their names (the last
/// word's last hyphenated part: "al-Assad" is "assad"), lower-cased; a pair
/// two people share names neither.
fn people_by_first_and_last(people: &[PersonTerm]) -> HashMap<(String, String), String> {
    let mut found: HashMap<(String, String), Option<&str>> = HashMap::default();
    for person in people {
        let mut words = person.term.split_whitespace();
        let (Some(first), Some(last)) = (words.next(), words.next_back()) else {
            continue;
        };
        let last = last.rsplit('-').next().unwrap_or(last);
        let slot = found
            .entry((first.to_lowercase(), last.to_lowercase()))
            .or_insert(Some(person.slug.as_str()));
        if slot.is_some_and(|slug| slug != person.slug) {
            *slot = None;
        }
    }
    found
        .into_iter()
        .filter_map(|(key, slug)| slug.map(|s| (key, s.to_string())))
        .collect()
}
