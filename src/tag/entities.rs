//! Entities: which dictionary names in a text stand for a party, and where.
//! A name is read in its context (Turkey the bird, Georgia the US state, a
//! capital that stands for its government or is only a place, a country
//! that is only a description), takes the sector noun after it and the
//! state code of the article's era; role titles introduce people
//! ("Foreign Minister Wang Yi"), who are then found by surname alone.

use std::ops::Range;

use super::cues::{Cue, NameRole, NAMES, SECTOR};
use super::extract::{Extractor, Passage};
use super::scan::{is_boundary, Hit};
use super::tags::{Entity, EntityKind};
use super::text::{at_sentence_start, case_matches, lowercase, next_word, previous_word, start_of, within_words};
use super::HashSet;

/// Words before a diplomat's post that make it one sent or recalled, not a
/// title: "sent an envoy to", "recalled its ambassador to".
const SENDING_WORDS: [&str; 8] = ["a", "an", "its", "their", "his", "her", "our", "new"];
/// Lowercase words that begin a diplomat's title.
const TITLE_WORDS: [&str; 7] = ["the", "former", "acting", "then", "deputy", "outgoing", "incoming"];

/// An entity named in the text, where it is named, and whether it can act.
#[derive(Debug, Clone)]
pub(super) struct PlacedEntity {
    /// Byte range of the name in the text.
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) entity: Entity,
    /// Whether it can be the subject of an event: not a place inside a
    /// country, nor a capital that stands only for the city ("in Beijing",
    /// not "Beijing said").
    pub(super) can_act: bool,
}

/// The entities of a text.
pub(super) struct Placement {
    /// The entities that may be parties to an event, in text order.
    pub(super) placed: Vec<PlacedEntity>,
    /// Countries named only as a description ("ethnic Albanians", "the Thai
    /// border"), with where they start: mentions, never parties.
    pub(super) mentioned_only: Vec<(usize, Entity)>,
}

/// What a dictionary name turned out to be in its context.
enum NameReading {
    Placed(PlacedEntity),
    /// A country named only as a description, and where it starts.
    Description(usize, Entity),
}

impl Extractor {
    /// People the dictionaries do not list, named in full: a common given
    /// name and one or two capitalised words after it, maybe with a middle
    /// initial ("George Soros", "John W. Whitehead"), where no other name
    /// already stands. Later mentions by surname resolve to them
    /// ([`Self::add_short_mentions`]); a surname alone never makes a person.
    fn place_named_people(&self, text: &str, headline: bool, hits: &[Hit], placed: &mut Vec<PlacedEntity>) {
        let bytes = text.as_bytes();
        let mut found = Vec::new();
        let mut at = 0;
        while at < bytes.len() {
            let Some(offset) = bytes[at..].iter().position(u8::is_ascii_uppercase) else {
                break;
            };
            let start = at + offset;
            // A name is capitalised, not shouted ("GEORGE", "US"), and starts a word.
            if !bytes.get(start + 1).is_some_and(u8::is_ascii_lowercase)
                || (start > 0 && is_name_byte(bytes[start - 1]))
            {
                at = start + 1;
                continue;
            }
            if !self.given_name_shapes.may_start(&bytes[start..]) {
                at = start + 1;
                continue;
            }
            let given_end = name_word_end(bytes, start);
            at = given_end.max(start + 1);
            let given = &text[start..given_end];
            if !self.given_name_shapes.may_hold(given)
                || !self.given_names.contains(given)
                || (self.given_names_also_words.contains(given) && at_sentence_start(text, start))
            {
                continue;
            }
            let Some(name) = self.name_after_given(text, given_end, headline) else {
                continue;
            };
            let end = name.end;
            let overlaps = |p: &PlacedEntity| p.start < end && start < p.end;
            // A country that is the whole surname after a given name is the
            // surname ("Jim Jordan", "David French"): the person is placed
            // instead. Not in longer names ("Merrill Lynch Canada", "Beth
            // Israel Deaconess") nor for a people in the plural ("Young Turks").
            let one_surname = name.parts.len() == 1;
            let country_surname = |p: &PlacedEntity| {
                p.entity.kind == EntityKind::Country
                    && one_surname
                    && p.start > given_end
                    && p.end == end
                    && !text[p.start..p.end].ends_with('s')
            };
            let surname_is_country = placed.iter().any(|p| overlaps(p) && country_surname(p));
            let checked = if surname_is_country {
                start..given_end
            } else {
                start..end
            };
            let taken = placed.iter().any(|p| overlaps(p) && !country_surname(p))
                || self.name_hit_within(hits, checked, |c| matches!(c, Cue::Role { .. }));
            if taken {
                continue;
            }
            placed.retain(|p| !overlaps(p));
            let mut slug = given.to_lowercase();
            for part in name.parts {
                slug.push('-');
                slug.push_str(&part.to_lowercase());
            }
            found.push(PlacedEntity {
                start,
                end,
                entity: Entity {
                    kind: EntityKind::Person,
                    code: slug.into(),
                    country: None,
                    sector: None,
                },
                can_act: true,
            });
            at = end;
        }
        placed.extend(found);
    }

    /// The rest of a name after its given name ends at `from`: an optional
    /// middle initial and one or two capitalised words, none of them a word
    /// that makes it a place or an organisation, nor a day or a month.
    fn name_after_given<'t>(&self, text: &'t str, from: usize, headline: bool) -> Option<NameRest<'t>> {
        let bytes = text.as_bytes();
        let mut parts = Vec::new();
        let mut end = from;
        let mut initial_allowed = true;
        let mut words = 0;
        while words < 2 && bytes.get(end) == Some(&b' ') {
            let start = end + 1;
            if !bytes.get(start).is_some_and(u8::is_ascii_uppercase) {
                break;
            }
            // "W." as a middle initial, once, before the surname.
            if initial_allowed && bytes.get(start + 1) == Some(&b'.') && bytes.get(start + 2) == Some(&b' ') {
                parts.push(&text[start..start + 1]);
                end = start + 2;
                initial_allowed = false;
                continue;
            }
            let word_end = name_word_end(bytes, start);
            let word = &text[start..word_end];
            if self.not_name_words.contains(word) {
                return None;
            }
            let capitalised = word.len() >= 2 && word.bytes().skip(1).any(|b| b.is_ascii_lowercase());
            if !capitalised || self.calendar_words.iter().any(|w| w == word) {
                break;
            }
            // An everyday word is no surname ("Kelly File"). After a surname
            // it ends the name in a headline, whose words are all
            // capitalised ("Nikki Haley Says"); in running text a capital
            // on it makes the words before part of a longer name ("Royal
            // Fried Chicken", "George Washington Bridge"). A capital inside
            // makes it a name ("DeLay").
            let plain = !word.bytes().skip(1).any(|b| b.is_ascii_uppercase());
            if plain && self.ordinary_words.contains(word.to_ascii_lowercase().as_str()) {
                if words == 0 || !headline {
                    return None;
                }
                break;
            }
            parts.push(word);
            end = word_end;
            words += 1;
            initial_allowed = false;
        }
        if words == 0 {
            return None;
        }
        // "Clinton Cash", "Jackson County": the word after the name decides too.
        if bytes.get(end) == Some(&b' ') {
            let after_end = name_word_end(bytes, end + 1);
            if self.not_name_words.contains(&text[end + 1..after_end]) {
                return None;
            }
        }
        // A trailing initial with no surname after it is not part of the name.
        if parts.last().is_some_and(|p| p.len() == 1) {
            return None;
        }
        Some(NameRest { parts, end })
    }

    /// The entities of a text: dictionary names read in their context, with
    /// sectors and role-introduced people attached, and later short mentions
    /// of people named in full.
    pub(super) fn place_entities(&self, passage: &Passage) -> Placement {
        let (text, hits) = (passage.text, passage.hits.as_slice());
        let mut placement = Placement {
            placed: Vec::new(),
            mentioned_only: Vec::new(),
        };
        // Hits taken into another entity: a sector noun after a country, a
        // name inside a title's person.
        let mut consumed = vec![false; hits.len()];
        for (i, hit) in hits.iter().enumerate() {
            if self.cue_kinds[hit.cue as usize] & NAMES == 0 {
                continue;
            }
            for cue in &self.cues[hit.cue as usize] {
                match cue {
                    Cue::Entity { .. } if consumed[i] => break,
                    Cue::Entity { entity, exact, role } => {
                        // A shared name's first word ("North" in "North and
                        // South Korea") stands for the whole name.
                        let written = &text[hit.start..hit.end];
                        let spelt = exact.get(..written.len()).filter(|_| written.len() < exact.len());
                        if !case_matches(written, spelt.unwrap_or(exact)) {
                            continue;
                        }
                        match self.read_name(passage, i, *entity, exact, *role, &mut consumed) {
                            Some(NameReading::Placed(placed)) => placement.placed.push(placed),
                            Some(NameReading::Description(start, entity)) => {
                                placement.mentioned_only.push((start, entity));
                            }
                            None => {}
                        }
                        break;
                    }
                    Cue::Role { sector } if !consumed[i] => {
                        self.place_titled_person(passage, hit, sector, &mut consumed, &mut placement.placed);
                    }
                    _ => {}
                }
            }
        }
        self.group_namer
            .place(text, &self.ordinary_words, &mut placement.placed);
        self.place_named_people(text, passage.headline, hits, &mut placement.placed);
        // Names read from the text itself ("George Soros") on a line that
        // links to another story are that story's; its dictionary names
        // never became hits.
        if !passage.links.is_empty() {
            placement.placed.retain(|p| !passage.in_link(p.start));
        }
        self.add_short_mentions(text, hits, &mut placement.placed);
        placement.placed.sort_by_key(|p| p.start);
        give_titled_people_a_country(passage, &mut placement.placed);
        placement
    }

    /// What the name of hit `i` (a dictionary entity, in its dictionary
    /// case) stands for here: an entity to place, a description, or nothing
    /// (Turkey the bird, Georgia the US state).
    fn read_name(
        &self,
        passage: &Passage,
        i: usize,
        entity: u32,
        exact: &str,
        role: NameRole,
        consumed: &mut [bool],
    ) -> Option<NameReading> {
        let (text, hit) = (passage.text, &passage.hits[i]);
        if role == NameRole::CommonSurname && !self.named_in_full(passage, entity) {
            return None;
        }
        let mut entity = self.entities[entity as usize].clone();
        let next = next_word(text, hit.end);
        let bird_name = self.bird_names.iter().any(|b| exact.eq_ignore_ascii_case(b));
        if bird_name && self.bird_cues.contains(lowercase(next).as_ref()) {
            return None;
        }
        if self.state_names.contains(exact) && self.in_us_state_context(passage) {
            return None;
        }
        self.apply_era(&mut entity, passage.era);
        // Named but never a party: "ethnic Albanians" in Serbia, the
        // "Thai border", "US $50 million", an "Obama-era program", and the
        // affair an inquiry is named after ("the Russia probe": a demonym
        // still says who inquires, as in "a Russian investigation").
        let described = match entity.kind {
            EntityKind::Country => {
                self.only_mentioned(text, hit.start, hit.end, next)
                    || (role != NameRole::Demonym && self.inquiry_nouns.contains(lowercase(next).as_ref()))
                    || (matches!(role, NameRole::Capital | NameRole::Place)
                        && self.venue_nouns.contains(lowercase(next).as_ref()))
            }
            EntityKind::Person => self.origin_follows(text, hit.end),
            _ => false,
        };
        if described {
            return Some(NameReading::Description(hit.start, entity));
        }
        let mut can_act = role != NameRole::Place;
        if role == NameRole::Capital {
            let possessive = text[hit.end..].starts_with("'s") || text[hit.end..].starts_with("’s");
            can_act = possessive || self.government_cues.contains(lowercase(next).as_ref());
        }
        if entity.kind == EntityKind::Country && entity.sector.is_none() && role != NameRole::Place {
            if let Some((j, sector, role)) = self.sector_after(text, &passage.hits, i) {
                entity.sector = Some(sector.into());
                // A title still introduces the person named after it
                // ("Brazilian Foreign Minister Mauro Vieira").
                consumed[j] = !role;
                can_act = true;
            }
        }
        Some(NameReading::Placed(PlacedEntity {
            start: hit.start,
            end: hit.end,
            entity,
            can_act,
        }))
    }

    /// Whether the article holds a dictionary person's full name, in any of
    /// their spellings: only then does their common surname alone stand for them.
    fn named_in_full(&self, passage: &Passage, entity: u32) -> bool {
        self.full_names.get(&entity).is_some_and(|spellings| {
            spellings
                .iter()
                .any(|full| passage.article.iter().any(|text| text.contains(&**full)))
        })
    }

    /// Whether the article, title and body, names something of a US state
    /// (a city, a party, a race) and nothing of the country (its capital,
    /// its people): then a state name that is also a country's is the
    /// state. A headline ("Georgia man charged …") has the cues of its body.
    fn in_us_state_context(&self, passage: &Passage) -> bool {
        *passage.us_state_context.get_or_init(|| {
            let named = |cues: &[String]| {
                cues.iter()
                    .any(|cue| passage.article.iter().any(|text| text.contains(cue.as_str())))
            };
            named(&self.state_cues) && !named(&self.state_country_cues)
        })
    }

    /// The person a role title introduces ("Foreign Minister Wang Yi"), of
    /// the country named right before the title or, failing that, of the
    /// country all dictionary people of that surname share.
    fn place_titled_person(
        &self,
        passage: &Passage,
        hit: &Hit,
        sector: &str,
        consumed: &mut [bool],
        placed: &mut Vec<PlacedEntity>,
    ) {
        let (text, hits, headline) = (passage.text, passage.hits.as_slice(), passage.headline);
        let title = &text[hit.start..hit.end];
        let title_capitalised = title.chars().next().is_some_and(char::is_uppercase);
        let Some((name_end, slug)) = self.person_after_role(text, hit.end, title_capitalised, headline) else {
            return;
        };
        // A second title ("Committee Chairman Rep. Richard Neal") introduces
        // the person itself.
        let name_start = hit.end + 1;
        let next = hits.partition_point(|h| h.start < name_start);
        let second_title = hits[next..]
            .iter()
            .take_while(|h| h.start == name_start)
            .any(|h| self.cues[h.cue as usize].iter().any(|c| matches!(c, Cue::Role { .. })));
        if second_title {
            return;
        }
        let country = placed
            .last()
            .filter(|p| {
                p.entity.kind == EntityKind::Country
                    && within_words(text, p.end, hit.start, 1)
                    && !sentence_ends_between(text, p.end, hit.start)
            })
            .map(|p| p.entity.code.clone())
            .or_else(|| {
                let surname = slug.rsplit('-').next().unwrap_or(&slug);
                self.surname_countries.get(surname).cloned().flatten()
            });
        // A dictionary person right after the title keeps its own
        // record; any other name inside ("Senator Jordan Whitfield")
        // is part of this person's name.
        // Hits are in text order: those inside the name are one run of them.
        let first = hits.partition_point(|h| h.start < hit.end);
        let inside = first..hits.partition_point(|h| h.start < name_end).max(first);
        let known = hits[inside.clone()].iter().any(|h| {
            self.cues[h.cue as usize].iter().any(|c| {
                matches!(c, Cue::Entity { entity, .. }
                    if self.entities[*entity as usize].kind == EntityKind::Person)
            })
        });
        if known {
            return;
        }
        consumed[inside].fill(true);
        let person = Entity {
            kind: EntityKind::Person,
            code: slug.into(),
            country,
            sector: Some(sector.into()),
        };
        placed.push(PlacedEntity {
            start: hit.start,
            end: name_end,
            entity: person,
            can_act: true,
        });
    }

    /// The name right after a role title, as its end and a slug: two or
    /// three capitalised words ("Foreign Minister Wang Yi"), a middle
    /// initial among them ("Rep. John A. Boehner"), or one after a
    /// capitalised title ("President Assad") unless it is one of the
    /// `calendar_words` ("President Monday"). Words that make the title part
    /// of an organisation's name ("General Motors Corp", "General
    /// Agreement on Tariffs") give no person; an everyday word after the
    /// name ends it in a headline ("President Obama Signs").
    fn person_after_role(
        &self,
        text: &str,
        role_end: usize,
        title_capitalised: bool,
        headline: bool,
    ) -> Option<(usize, String)> {
        let rest = &text[role_end..];
        let lead = rest.len() - rest.trim_start_matches(' ').len();
        if lead != 1 {
            return None;
        }
        let mut end = role_end + lead;
        let mut words: Vec<&str> = Vec::new();
        let mut initial = None;
        let mut cut_by_bracket = false;
        let mut particles = 0;
        for word in text[end..].split([' ', '\n']).take(5) {
            if initial.is_none() && words.len() == 1 && is_initial(word) {
                initial = Some(words.len());
                words.push(&word[..1]);
                end += word.len() + 1;
                continue;
            }
            // "Bill de Blasio": a particle goes with the capitalised word after it.
            if !words.is_empty() && self.name_particles.contains(word) {
                let next = text[end + word.len()..].strip_prefix(' ').unwrap_or("");
                if next.chars().next().is_some_and(char::is_uppercase) {
                    words.push(word);
                    particles += 1;
                    end += word.len() + 1;
                    continue;
                }
            }
            let clean = word
                .trim_end_matches([',', '.', ';', ':', '\'', '"', ')', '’'])
                .trim_end_matches("'s")
                .trim_end_matches("’s");
            let capitalised = clean.chars().next().is_some_and(char::is_uppercase)
                && clean.chars().skip(1).any(char::is_lowercase)
                && clean
                    .chars()
                    .all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '’'));
            if self.company_words.contains(clean) {
                return None;
            }
            // "Isn’t", "Doesn't": a contraction in a headline is no name.
            let contraction = clean.ends_with("n't") || clean.ends_with("n’t");
            if !capitalised || contraction || words.len() - usize::from(initial.is_some()) - particles == 3 {
                break;
            }
            // The title's first word decides whether the title is one (a
            // title before a company's or a treaty's name is part of it:
            // "General Motors", "General Electric", "General Agreement");
            // later words are names after a title, even everyday ones ("Rep.
            // Ron Kind"), but in a headline they end the name.
            let plain = !clean.chars().skip(1).any(char::is_uppercase);
            let everyday = plain && self.ordinary_words.contains(lowercase(clean).as_ref());
            if words.is_empty() {
                let given = self.given_names.contains(clean);
                if self.not_name_words.contains(clean) || (everyday && !given) {
                    return None;
                }
            } else if everyday && headline {
                break;
            }
            words.push(clean);
            end += clean.len();
            if clean.len() != word.len() {
                // "(Russian President Vladimir) Putin": the bracket cuts the name.
                cut_by_bracket = word[clean.len()..].starts_with(')');
                break;
            }
            end += 1;
        }
        let mut end = text[..end.min(text.len())].trim_end().len();
        // An initial the name does not go on after is not part of it.
        if initial.is_some_and(|i| i + 1 == words.len()) {
            words.pop();
            initial = None;
            end = text[..end - 2].trim_end().len();
        }
        let names = words.len() - usize::from(initial.is_some()) - particles;
        let single_name = names == 1
            && !cut_by_bracket
            && title_capitalised
            && words[0].len() >= 3
            && !self.calendar_words.iter().any(|w| w.eq_ignore_ascii_case(words[0]));
        if names < 2 && !single_name {
            return None;
        }
        let slug_without = |skipped: Option<usize>| {
            let kept = words.iter().enumerate().filter(|(n, _)| Some(*n) != skipped);
            // One slug for either apostrophe ("O’Rourke", "O'Rourke").
            kept.map(|(_, w)| w.to_lowercase().replace('’', "'"))
                .collect::<Vec<_>>()
                .join("-")
        };
        // A dictionary person written with a middle initial or without a
        // particle ("Bashar Assad") is that person.
        let written = slug_without(None);
        if self.person_slugs.contains(written.as_str()) {
            return Some((end, written));
        }
        if initial.is_some() {
            let plain = slug_without(initial);
            if self.person_slugs.contains(plain.as_str()) {
                return Some((end, plain));
            }
        }
        if names >= 2 {
            let last = words[words.len() - 1].rsplit('-').next().unwrap_or_default();
            let key = (words[0].to_lowercase(), last.to_lowercase());
            if let Some(slug) = self.person_by_first_and_last.get(&key) {
                return Some((end, slug.clone()));
            }
        }
        Some((end, written))
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

    /// Whether a country name is only a description: an ethnic group
    /// ("ethnic Albanians"), a stretch of border ("the Thai border", "the
    /// border with Mexico"), a
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
        let previous = previous_word(text, start);
        // "the border with Mexico", "off the coast of Libya": the place
        // named after its location noun.
        let location_of = ["with", "of"].iter().any(|w| previous.eq_ignore_ascii_case(w))
            && self
                .location_nouns
                .contains(lowercase(previous_word(text, start_of(text, previous))).as_ref());
        self.ethnic_words.iter().any(|w| previous.eq_ignore_ascii_case(w))
            || location
            || location_of
            || self.posted_to(text, previous)
            || self.stance_prefixes.iter().any(|p| ends_with(p))
            || self.origin_follows(text, end)
            || self
                .currency_signs
                .iter()
                .any(|s| text[end..].trim_start().starts_with(s.as_str()))
            || self.currency_words.contains(next.as_ref())
    }

    /// Whether the name after `previous` (a word of `text`) is the host in a
    /// diplomat's title: "ambassador to (the) X", "the embassy in X".
    fn posted_to<'t>(&self, text: &'t str, mut previous: &'t str) -> bool {
        if self.posting_nouns.is_empty() {
            return false;
        }
        if previous.eq_ignore_ascii_case("the") {
            previous = previous_word(text, start_of(text, previous));
        }
        if !["to", "in"].iter().any(|w| previous.eq_ignore_ascii_case(w)) {
            return false;
        }
        let post = previous_word(text, start_of(text, previous));
        if !self.posting_nouns.contains(lowercase(post).as_ref()) {
            return false;
        }
        // A title has a holder ("Russia's ambassador", "the U.S. envoy",
        // "the acting ambassador"); an envoy sent or recalled is a move
        // towards the host ("sent an envoy to North Korea", "recalled its
        // ambassador to Canada").
        let holder = previous_word(text, start_of(text, post));
        !SENDING_WORDS.iter().any(|w| holder.eq_ignore_ascii_case(w))
            && (post.starts_with(|c: char| c.is_uppercase())
                || holder.starts_with(|c: char| c.is_uppercase())
                || TITLE_WORDS.iter().any(|w| holder.eq_ignore_ascii_case(w)))
    }

    /// Whether one of `origin_suffixes` is joined to the name ending at
    /// `end` ("Russian-made", "Obama-era"): the name describes a thing.
    fn origin_follows(&self, text: &str, end: usize) -> bool {
        self.origin_suffixes.iter().any(|s| {
            text.as_bytes()[end..]
                .get(..s.len())
                .is_some_and(|b| b.eq_ignore_ascii_case(s.as_bytes()))
        })
    }

    /// A sector noun that directly follows a country ("Chinese Foreign
    /// Ministry", "British government"): at most one word between, in one
    /// sentence.
    /// Whether the noun is a title (a role) is said too.
    fn sector_after(&self, text: &str, hits: &[Hit], country_hit: usize) -> Option<(usize, String, bool)> {
        let end = hits[country_hit].end;
        hits.iter()
            .enumerate()
            .skip(country_hit + 1)
            .take(3)
            .find_map(|(j, h)| {
                if self.cue_kinds[h.cue as usize] & SECTOR == 0
                    || !within_words(text, end, h.start, 1)
                    || sentence_ends_between(text, end, h.start)
                {
                    return None;
                }
                let cues = &self.cues[h.cue as usize];
                let role = cues.iter().any(|c| matches!(c, Cue::Role { .. }));
                cues.iter().find_map(|c| match c {
                    Cue::Sector { sector } | Cue::Role { sector } => Some((j, sector.clone(), role)),
                    _ => None,
                })
            })
    }

    /// Whether a dictionary name (or a name that is no actor, or a cue that
    /// `also` accepts) overlaps `range`. Hits are in text order, so only those
    /// starting a little before it can reach into it.
    fn name_hit_within(&self, hits: &[Hit], range: Range<usize>, also: impl Fn(&Cue) -> bool) -> bool {
        let reach = hits.partition_point(|h| h.start < range.end);
        let near = hits.partition_point(|h| h.start + LONGEST_NAME_BYTES < range.start);
        hits[near..reach].iter().any(|h| {
            range.start < h.end
                && self.cues[h.cue as usize]
                    .iter()
                    .any(|c| matches!(c, Cue::Entity { .. } | Cue::NotActor { .. }) || also(c))
        })
    }

    /// Whether the dictionary name hit spanning `range` is a demonym. Hits
    /// are in text order.
    fn demonym_at(&self, hits: &[Hit], range: Range<usize>) -> bool {
        let first = hits.partition_point(|h| h.start < range.start);
        hits[first..]
            .iter()
            .take_while(|h| h.start == range.start)
            .filter(|h| h.end == range.end)
            .any(|h| {
                self.cues[h.cue as usize].iter().any(|c| {
                    matches!(
                        c,
                        Cue::Entity {
                            role: NameRole::Demonym,
                            ..
                        }
                    )
                })
            })
    }

    /// Later short mentions of a person seen in full ("Cameron", "Mr Cameron").
    fn add_short_mentions(&self, text: &str, hits: &[Hit], placed: &mut Vec<PlacedEntity>) {
        let people: Vec<(usize, usize, Entity)> = placed
            .iter()
            .filter(|p| p.entity.kind == EntityKind::Person)
            .map(|p| (p.start, p.end, p.entity.clone()))
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
                    let previous = lowercase(previous_word(text, at));
                    if self.short_mention_blockers.contains(previous.as_ref())
                        || next_word(text, after).starts_with(|c: char| c.is_ascii_digit())
                    {
                        continue;
                    }
                    // A country spelt as the surname is the person once they are
                    // named in full ("Rep. Jim Jordan" … "Jordan said").
                    let taken = placed.iter().position(|p| p.start < after && at < p.end);
                    if let Some(k) = taken {
                        let country = &placed[k];
                        if country.entity.kind == EntityKind::Country
                            && (country.start, country.end) == (at, after)
                            && !self.demonym_at(hits, at..after)
                            && !words
                                .first()
                                .is_some_and(|given| self.given_names_also_words.contains(*given))
                        {
                            placed[k] = PlacedEntity {
                                start: at,
                                end: after,
                                entity: person.clone(),
                                can_act: true,
                            };
                        }
                        continue;
                    }
                    // Another name wins; a cue word spelt like the surname ("may")
                    // does not: the capital letter marks the name.
                    if self.name_hit_within(hits, at..after, |_| false) {
                        continue;
                    }
                    placed.push(PlacedEntity {
                        start: at,
                        end: after,
                        entity: person.clone(),
                        can_act: true,
                    });
                }
            }
        }
    }
}

/// The first two letters and the length of every given name: one table
/// lookup that rules out most capitalised words before a hash lookup does.
#[derive(Debug, Clone)]
pub(super) struct GivenNameShapes {
    /// Bit `len` of entry `[first - 'A'][second - 'a']`.
    lengths: Vec<u32>,
}

impl GivenNameShapes {
    pub(super) fn new<'a>(names: impl IntoIterator<Item = &'a String>) -> GivenNameShapes {
        let mut shapes = GivenNameShapes {
            lengths: vec![0; 26 * 26],
        };
        for name in names {
            if let Some(slot) = GivenNameShapes::slot(name.as_bytes()) {
                shapes.lengths[slot] |= 1 << name.len().min(30);
            }
        }
        shapes
    }

    /// The entry of a word that opens with a capital and a small letter.
    fn slot(bytes: &[u8]) -> Option<usize> {
        match bytes {
            [first @ b'A'..=b'Z', second @ b'a'..=b'z', ..] => {
                Some(usize::from(first - b'A') * 26 + usize::from(second - b'a'))
            }
            _ => None,
        }
    }

    /// False when no given name starts with these two letters.
    pub(super) fn may_start(&self, bytes: &[u8]) -> bool {
        GivenNameShapes::slot(bytes).is_some_and(|slot| self.lengths[slot] != 0)
    }

    /// False when no given name has this word's first two letters and length
    /// (a word of 31 bytes or more never matches: no given name is that long).
    pub(super) fn may_hold(&self, word: &str) -> bool {
        GivenNameShapes::slot(word.as_bytes()).is_some_and(|slot| self.lengths[slot] & (1 << word.len().min(31)) != 0)
    }
}

/// Longer than any dictionary name that could overlap a person's name.
const LONGEST_NAME_BYTES: usize = 96;

/// What follows a given name in a person's name, and where the name ends.
struct NameRest<'t> {
    /// Middle initials and surnames, as written ("W", "Whitehead").
    parts: Vec<&'t str>,
    end: usize,
}

/// Whether a byte can be inside a name's word: a letter, a hyphen, or any
/// byte of a non-ASCII letter ("José").
fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'-' || b >= 0x80
}

/// Where the name word starting at `start` ends: letters and hyphens, and an
/// apostrophe inside a name ("O'Brien") but not a possessive ("Soros's").
fn name_word_end(bytes: &[u8], start: usize) -> usize {
    let mut end = start;
    let mut ascii = true;
    while end < bytes.len() {
        let b = bytes[end];
        let inner_apostrophe = b == b'\'' && bytes.get(end + 1).is_some_and(u8::is_ascii_uppercase);
        if !(is_name_byte(b) || inner_apostrophe) {
            break;
        }
        ascii &= b < 0x80;
        end += 1;
    }
    if ascii {
        return end;
    }
    // A non-ASCII byte run may end in punctuation ("Soros’s", "—"): keep
    // letters only, on a character boundary.
    let text = std::str::from_utf8(&bytes[start..end]).unwrap_or("");
    let kept = text
        .char_indices()
        .find(|(_, c)| !(c.is_alphabetic() || *c == '-' || *c == '\''))
        .map_or(text.len(), |(i, _)| i);
    start + kept.min(end - start)
}

/// A person named by title alone ("President Abdelaziz Bouteflika")
/// belongs, in a news sentence, to the country the sentence is about: the
/// first country it names. `placed` is in text order.
fn give_titled_people_a_country(passage: &Passage, placed: &mut [PlacedEntity]) {
    for i in 0..placed.len() {
        // People found by their given name carry no title: the sentence's
        // first country says nothing of whose they are ("New York investor
        // George Soros" in a sentence about Britain).
        let titled = placed[i].entity.sector.is_some();
        if placed[i].entity.kind != EntityKind::Person || placed[i].entity.country.is_some() || !titled {
            continue;
        }
        let bounds_of = &passage.bounds[passage.sentence_of(placed[i].start)];
        let country = placed
            .iter()
            .filter(|p| bounds_of.contains(&p.start))
            .find(|p| p.entity.kind == EntityKind::Country)
            .map(|p| p.entity.code.clone());
        placed[i].entity.country = country;
    }
}

/// Whether a sentence ends between `from` and `to` in `text`: a line
/// break, a question or exclamation mark, or a full stop after a
/// lower-case letter ("Russia. President …", where "U.S. President" is one
/// phrase). The character before `from` counts, as the stop may follow it.
fn sentence_ends_between(text: &str, from: usize, to: usize) -> bool {
    let bytes = &text.as_bytes()[text.floor_char_boundary(from.saturating_sub(1))..to];
    bytes.iter().enumerate().any(|(i, &b)| match b {
        b'\n' | b'!' | b'?' => true,
        b'.' => i > 0 && bytes[i - 1].is_ascii_lowercase(),
        _ => false,
    })
}

/// Whether `word` is a middle initial as written in a name: one capital
/// and a full stop ("A.").
fn is_initial(word: &str) -> bool {
    let bytes = word.as_bytes();
    bytes.len() == 2 && bytes[0].is_ascii_uppercase() && bytes[1] == b'.'
}
