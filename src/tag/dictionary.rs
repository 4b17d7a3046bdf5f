//! Dictionaries: the actor and event data files in `index-schema/`, loaded
//! either from the copy compiled into the binary or from a folder the user
//! points at (`--dictionaries DIR`), so editing a file and re-indexing changes
//! the facets without touching Rust.

use std::borrow::Cow;
use std::path::PathBuf;

use serde::Deserialize;

use crate::ingest::FieldMap;
use crate::Error;

/// `(name, contents)` of files of `index-schema/`, compiled in.
macro_rules! embed {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/index-schema/", $name)))),*]
    };
}

/// The dictionary files, by path relative to the `index-schema/` folder.
const EMBEDDED: &[(&str, &str)] = embed![
    "fields.toml",
    "extraction.toml",
    "actors/countries.tsv",
    "actors/igos.tsv",
    "actors/groups.tsv",
    "actors/people.tsv",
    "actors/sectors.tsv",
    "actors/agencies.tsv",
    "actors/places.tsv",
    "actors/labels.tsv",
    "actors/given_names.txt",
    "actors/common_surnames.txt",
    "actors/ordinary_words.txt",
    "events/events.tsv",
    "events/guards.tsv",
];

/// Where dictionaries come from.
#[derive(Debug, Clone, Default)]
pub enum DictionarySource {
    /// The `index-schema/` copy compiled into this binary.
    #[default]
    Embedded,
    /// An `index-schema/`-shaped folder on disk.
    Dir(PathBuf),
}

impl DictionarySource {
    pub(crate) fn read(&self, relative: &str) -> Result<Cow<'static, str>, Error> {
        match self {
            DictionarySource::Embedded => EMBEDDED
                .iter()
                .find(|(name, _)| *name == relative)
                .map(|(_, text)| Cow::Borrowed(*text))
                .ok_or_else(|| Error::Dictionary {
                    file: relative.into(),
                    line: 0,
                    reason: "not embedded".into(),
                }),
            DictionarySource::Dir(dir) => {
                let path = dir.join(relative);
                std::fs::read_to_string(&path)
                    .map(Cow::Owned)
                    .map_err(|source| Error::Io { path, source })
            }
        }
    }

    /// A fingerprint of every dictionary file, recorded in the index so a
    /// changed dictionary is visible in `stats`.
    pub fn checksum(&self) -> Result<String, Error> {
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        for (name, _) in EMBEDDED {
            hasher.update(name.as_bytes());
            hasher.update(self.read(name)?.as_bytes());
        }
        Ok(format!("{:016x}", hasher.digest()))
    }

    pub fn describe(&self) -> String {
        match self {
            DictionarySource::Embedded => "built-in".into(),
            DictionarySource::Dir(dir) => dir.display().to_string(),
        }
    }
}

/// How a country is named in a dictionary row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountryTermKind {
    Name,
    Alias,
    Demonym,
    Capital,
    Historical,
    /// A city or region inside the country: a mention, never an actor.
    Place,
}

#[derive(Debug, Clone)]
pub struct CountryTerm {
    pub iso3: String,
    pub kind: CountryTermKind,
    pub term: String,
}

#[derive(Debug, Clone)]
pub struct IgoTerm {
    pub slug: String,
    pub term: String,
}

#[derive(Debug, Clone)]
pub struct GroupTerm {
    pub id: String,
    /// The country an armed group is based in and fights in.
    pub base: Option<String>,
    pub sponsor: Option<String>,
    pub term: String,
    /// A name too ambiguous to match alone ("Play", "Akira"), matched only
    /// beside a gang phrase ("the Akira ransomware gang").
    pub in_context: bool,
}

#[derive(Debug, Clone)]
pub struct PersonTerm {
    pub slug: String,
    pub iso3: Option<String>,
    pub sector: Option<String>,
    pub term: String,
}

#[derive(Debug, Clone)]
pub struct AgencyTerm {
    pub iso3: String,
    pub sector: String,
    pub term: String,
}

#[derive(Debug, Clone)]
pub struct EventPattern {
    pub event_type: String,
    pub mode: Option<String>,
    pub weight: u8,
    /// The phrase that must appear.
    pub head: String,
    /// For `VERB ... OBJECT` patterns: the object, within a few words after.
    pub object: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuardKind {
    Negation,
    /// Intended, future or conditional.
    Hypothetical,
    /// Threatened.
    Threat,
    Reporting,
}

#[derive(Debug, Clone)]
pub struct Guard {
    pub kind: GuardKind,
    pub pattern: String,
}

/// Context rules from `extraction.toml`.
#[derive(Debug, Clone, Deserialize)]
pub struct ContextRules {
    pub sentences: SentenceRules,
    pub capitals: CapitalRules,
    pub people: PeopleRules,
    pub ambiguity: AmbiguityRules,
    pub events: EventRules,
    #[serde(default)]
    pub historical: Vec<HistoricalState>,
    /// Threat-group naming schemes; absent in folders made before them.
    #[serde(default)]
    pub groups: GroupNaming,
}

/// How vendors name threat groups, for groups the dictionaries do not list.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct GroupNaming {
    /// Prefixes followed by a number, as one word (`UNC3886`, `TA505`) or
    /// hyphenated (`Storm-0558`, `UAC-0050`, `CL-STA-0044`).
    #[serde(default)]
    pub numbered_prefixes: Vec<String>,
    /// A capitalised word then a family word, with the state the family
    /// stands for (`Salt Typhoon` CHN, `Fancy Bear` RUS); `-` for none.
    #[serde(default)]
    pub families: Vec<(String, String)>,
    /// Words that make a gang phrase with one of `gang_heads` after them
    /// ("ransomware gang"); the name beside it is a group's.
    #[serde(default)]
    pub gang_modifiers: Vec<String>,
    #[serde(default)]
    pub gang_heads: Vec<String>,
    /// Phrases between a gang phrase and the name after it ("called").
    #[serde(default)]
    pub name_links: Vec<String>,
    /// Capitalised words that never name a gang (weekdays, vendors).
    #[serde(default)]
    pub not_names: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct EventRules {
    /// Weight added to the first event cue of a sentence.
    pub main_verb_bonus: u32,
    /// Cues whose subject is the party acted on ("China must stop").
    #[serde(default)]
    pub subject_is_target: Vec<String>,
    /// Cues that act on no one ("resigned"): a country after them is a place.
    #[serde(default)]
    pub no_target: Vec<String>,
    /// Event types two parties do with each other: with coordinated
    /// subjects and no one acted on ("Ukraine and Russia agreed"), each
    /// subject is the other's target.
    #[serde(default)]
    pub reciprocal_types: Vec<String>,
    /// Nouns for a state's own people ("demonstrators", "the opposition"):
    /// acted on without a country named, they stand for the source's country.
    #[serde(default)]
    pub domestic_groups: Vec<String>,
    /// Nouns that make the country before them a place ("the Thai border").
    #[serde(default)]
    pub location_nouns: Vec<String>,
    /// Diplomats' posts whose host country, named after "to" or "in", is
    /// part of a title ("the ambassador to the U.S."); left out, no such test.
    #[serde(default)]
    pub posting_nouns: Vec<String>,
    /// Nouns that make a capital or city before them the name of a treaty
    /// or a meeting ("the Paris accord", "the Helsinki summit"); left out,
    /// no such test.
    #[serde(default)]
    pub venue_nouns: Vec<String>,
    /// Words after a location noun that make it a state body ("border patrol").
    #[serde(default)]
    pub location_bodies: Vec<String>,
    /// Prefixes that make a country a stance, not a party ("anti-Syria").
    #[serde(default)]
    pub stance_prefixes: Vec<String>,
    /// Suffixes that make a country the origin or backer ("Russian-made").
    #[serde(default)]
    pub origin_suffixes: Vec<String>,
    /// Words right before a country that make it an ethnic group, not a
    /// party ("ethnic Albanians").
    #[serde(default = "later_keys::ethnic_words")]
    pub ethnic_words: Vec<String>,
    /// Words right after a country that make it a currency ("U.S. dollars").
    #[serde(default = "later_keys::currency_words")]
    pub currency_words: Vec<String>,
    /// Signs after a country, spaces aside, that make it a currency ("US $50").
    #[serde(default = "later_keys::currency_signs")]
    pub currency_signs: Vec<String>,
    /// Words later in the sentence that turn an intended event into a
    /// threat ("will withdraw its troops unless …").
    #[serde(default = "later_keys::ultimatum_words")]
    pub ultimatum_words: Vec<String>,
    /// Assault cues that count only beside one of `force_words` in their
    /// sentence ("a Senate battle" is no assault). Left out: no such test.
    #[serde(default)]
    pub figurative_assault_cues: Vec<String>,
    #[serde(default)]
    pub force_words: Vec<String>,
    /// Verbs that carry out an attack named as a noun ("launched an
    /// attack"); left out, the sentence's subject is never a noun's source.
    #[serde(default)]
    pub agentive_verbs: Vec<String>,
    /// Words before an assault cue in "-ed" that make it a participle
    /// describing its victims ("those injured"); left out, no such test.
    #[serde(default)]
    pub victim_words: Vec<String>,
    /// Marks of a photo caption or credit, as written (case counts): a
    /// sentence holding one describes a picture, not the article's news;
    /// left out, no sentence is a caption.
    #[serde(default)]
    pub caption_marks: Vec<String>,
    /// Cues that state an opinion when "that" follows ("agreed that the
    /// plan was bad"); left out, no such test.
    #[serde(default)]
    pub opinion_cues: Vec<String>,
    /// Words that join a cue to a second cue of the same event type right
    /// after it, which names the same act ("indicted on charges", "fired
    /// rockets"); left out, every cue is read on its own.
    #[serde(default)]
    pub same_act_links: Vec<String>,
    /// Objects that make a restriction a sanction ("banned imports");
    /// left out, no such test.
    #[serde(default)]
    pub trade_objects: Vec<String>,
    /// Forces of nature that make an assault cue near them no event ("a
    /// quake hits Nepal"). Left out: no such test.
    #[serde(default)]
    pub natural_forces: Vec<String>,
    /// Words right before an assault cue that make it a cyber attack.
    #[serde(default)]
    pub cyber_words: Vec<String>,
    /// Words that make a sentence about hacking, where one of
    /// `plain_attack_cues` is a cyber attack.
    #[serde(default)]
    pub hacking_words: Vec<String>,
    #[serde(default)]
    pub plain_attack_cues: Vec<String>,
    /// Event cues that name who acts, not an act of the sentence's subject
    /// ("hackers"); cues that do so before one of `agent_heads` ("hacking
    /// group").
    #[serde(default)]
    pub agent_nouns: Vec<String>,
    #[serde(default)]
    pub agent_modifiers: Vec<String>,
    #[serde(default)]
    pub agent_heads: Vec<String>,
    /// Month names, and the words before one that make it a date ("in
    /// March", "since May"), so that it is no event cue or guard. Left out:
    /// no such test.
    #[serde(default)]
    pub months: Vec<String>,
    #[serde(default)]
    pub date_words: Vec<String>,
    /// Words after which a capitalised month name inside a sentence is still
    /// the event ("the March on Washington", "a March for Our Lives");
    /// elsewhere there it is the month ("the critical March primary").
    #[serde(default)]
    pub month_cue_followers: Vec<String>,
    /// Words after four digits that make them a clock time ("1900 GMT"), not
    /// a year that dates a sentence as background.
    #[serde(default)]
    pub clock_words: Vec<String>,
    /// First words of names that two names share the rest of ("North and
    /// South Korea", "East and West Germany"), as written.
    #[serde(default)]
    pub shared_name_words: Vec<String>,
    /// Words after an event cue that open its mediator ("talks brokered by
    /// Turkey"): the target is looked for before them.
    #[serde(default)]
    pub mediator_openers: Vec<String>,
    /// Objects of a `VERB ... OBJECT` cue that are function words ("asked
    /// ... to"): the verb reaches them only within its clause, past none
    /// of `question_words` ("asked whether ... to" is a question). Left
    /// out: no such test.
    #[serde(default)]
    pub clause_objects: Vec<String>,
    #[serde(default)]
    pub question_words: Vec<String>,
    /// Words right before an assault cue that make the attack one of words
    /// ("personal attacks", "a blistering attack"): PLOVER codes it ACCUSE.
    #[serde(default)]
    pub verbal_attack_words: Vec<String>,
    /// Inquiry nouns that a country written onto names as an affair ("the
    /// Russia probe"): a mention, never a party; left out, no such test.
    #[serde(default)]
    pub inquiry_nouns: Vec<String>,
    /// Prefixes after which a hyphenated participle is still the verb
    /// ("counter-attacked"); left out, every such participle after a word
    /// of four letters or more describes.
    #[serde(default)]
    pub compound_prefixes: Vec<String>,
    /// Lowercase words that join the capitalised words of a name ("Bureau
    /// of Investigation"); left out, only adjacent capitals make a name.
    #[serde(default)]
    pub name_connectors: Vec<String>,
    /// Nouns a cue word in front of describes ("trade bill", "attack ads",
    /// "funding deadline"): such a cue tells no event.
    #[serde(default)]
    pub topic_heads: Vec<String>,
    /// Words after which a cue in front of a `topic_heads` noun is a verb
    /// with its object ("to support legislation"), not a describing word.
    #[serde(default)]
    pub verb_openers: Vec<String>,
    /// Words that open a noun phrase ("A", "The", "Its"): capitalised at a
    /// sentence's start, they are no subject for a cue after them.
    #[serde(default)]
    pub determiners: Vec<String>,
    /// What is released when it is published ("released a statement", "a
    /// poll released Monday"): such a release frees no one.
    #[serde(default)]
    pub published_things: Vec<String>,
    /// Cues that are verbs only before their object ("back the bill",
    /// "backs Assad"), and adverbs elsewhere ("pushed back", "back home").
    #[serde(default)]
    pub object_only_cues: Vec<String>,
    /// Words that open an object: determiners and object pronouns.
    #[serde(default)]
    pub object_openers: Vec<String>,
    /// Words that open a subordinate clause ("after", "when"): a cue
    /// after one, with no comma between, has its own subject after it.
    #[serde(default)]
    pub clause_openers: Vec<String>,
    /// Prepositions that, between a clause opener and a party, make the
    /// party part of a noun phrase rather than the clause's subject.
    #[serde(default)]
    pub subject_breaks: Vec<String>,
    /// The first words of request cues that appeal to someone ("urged",
    /// "called"): told once in the body, with the party appealed to named,
    /// such a request is one the article reports.
    #[serde(default)]
    pub appeal_cues: Vec<String>,
}

/// A state written under an older code before a date (`DEU` → `FRG`).
#[derive(Debug, Clone, Deserialize)]
pub struct HistoricalState {
    pub code: String,
    pub becomes: String,
    /// `YYYY-MM-DD`.
    pub before: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SentenceRules {
    pub abbreviations: Vec<String>,
    /// Labels that open a line linking to another story ("RELATED:",
    /// "READ MORE:"), as written: the line is that story's, not the
    /// article's. Left out: every line is read.
    #[serde(default)]
    pub link_labels: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CapitalRules {
    pub government_cues: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PeopleRules {
    /// Countries whose names put the family name first.
    #[serde(default)]
    pub family_name_first: Vec<String>,
    pub surname_min_length: usize,
    pub ambiguous_surnames: Vec<String>,
    pub role_titles: Vec<(String, String)>,
    pub short_mention_blockers: Vec<String>,
    /// Capitalised words after a role title that name no one ("President
    /// Monday").
    #[serde(default = "later_keys::calendar_words")]
    pub calendar_words: Vec<String>,
    /// Capitalised words that make a given name and what follows it a
    /// place or an organisation ("Clinton Foundation", "Lake Street"), not
    /// a person. Left out, names are read without this guard.
    #[serde(default)]
    pub not_name_words: Vec<String>,
    /// Words that end a company's name ("Corp", "Inc"): after a title
    /// ("General Electric Co") they make the title part of it.
    #[serde(default)]
    pub company_words: Vec<String>,
    /// Lower-case words inside a surname ("de" in "Bill de Blasio").
    #[serde(default)]
    pub name_particles: Vec<String>,
    /// Given names that are also ordinary words ("Will", "May"): not read as
    /// a name where a sentence starts.
    #[serde(default)]
    pub given_names_also_words: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct AmbiguityRules {
    pub not_actors: Vec<String>,
    pub state_names: Vec<String>,
    pub state_cues: Vec<String>,
    /// Words that tell the country where a state shares its name
    /// ("Tbilisi", "Abkhazia"): the article is about the country.
    #[serde(default)]
    pub state_country_cues: Vec<String>,
    pub bird_cues: Vec<String>,
    /// Names that mean the bird when one of `bird_cues` follows ("turkey").
    #[serde(default = "later_keys::bird_names")]
    pub bird_names: Vec<String>,
}

/// Keys `extraction.toml` gained after dictionary folders were first
/// written (`--dictionaries DIR`): where a folder leaves one out, it holds
/// the value that was built in before the key existed, so the folder tags
/// as it did.
mod later_keys {
    fn strings(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    pub fn ethnic_words() -> Vec<String> {
        strings(&["ethnic"])
    }

    pub fn currency_words() -> Vec<String> {
        strings(&["dollar", "dollars"])
    }

    pub fn currency_signs() -> Vec<String> {
        strings(&["$"])
    }

    pub fn ultimatum_words() -> Vec<String> {
        strings(&["unless"])
    }

    pub fn bird_names() -> Vec<String> {
        strings(&["turkey"])
    }

    pub fn calendar_words() -> Vec<String> {
        strings(&[
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
        ])
    }
}

/// Every dictionary, parsed.
#[derive(Debug, Clone)]
pub struct Dictionaries {
    pub countries: Vec<CountryTerm>,
    pub igos: Vec<IgoTerm>,
    pub groups: Vec<GroupTerm>,
    pub people: Vec<PersonTerm>,
    pub sectors: Vec<(String, String)>,
    pub agencies: Vec<AgencyTerm>,
    pub events: Vec<EventPattern>,
    pub guards: Vec<Guard>,
    pub rules: ContextRules,
    /// Common given names (US Census): never a person's name on their own.
    pub given_names: std::collections::HashSet<String>,
    /// Common surnames (US Census), lower-cased: alone, they stand for a
    /// dictionary person only where the article names that person in full.
    pub common_surnames: std::collections::HashSet<String>,
    /// Frequent English words that are rarely surnames, lower-cased: after
    /// a given name they end the name ("Royal Fried Chicken").
    pub ordinary_words: std::collections::HashSet<String>,
}

/// Common given names, relative to the dictionaries' folder.
const GIVEN_NAMES: &str = "actors/given_names.txt";

/// Common surnames, relative to the dictionaries' folder.
const COMMON_SURNAMES: &str = "actors/common_surnames.txt";

/// Ordinary words, relative to the dictionaries' folder.
const ORDINARY_WORDS: &str = "actors/ordinary_words.txt";

/// The PLOVER v0.8 event types, in the codebook's order.
pub const EVENT_TYPES: [&str; 16] = [
    "agree",
    "consult",
    "support",
    "concede",
    "cooperate",
    "aid",
    "retreat",
    "request",
    "accuse",
    "reject",
    "threaten",
    "protest",
    "sanction",
    "mobilize",
    "coerce",
    "assault",
];

impl Dictionaries {
    pub fn load(source: &DictionarySource) -> Result<Dictionaries, Error> {
        let rules_text = source.read("extraction.toml")?;
        let rules: ContextRules = toml::from_str(&rules_text).map_err(|e| Error::Dictionary {
            file: "extraction.toml".into(),
            line: 0,
            reason: e.message().to_string(),
        })?;
        let countries = rows(source, "actors/countries.tsv", 3, |c| {
            let kind = match c[1] {
                "name" => CountryTermKind::Name,
                "alias" => CountryTermKind::Alias,
                "demonym" => CountryTermKind::Demonym,
                "capital" => CountryTermKind::Capital,
                "historical" => CountryTermKind::Historical,
                other => {
                    return Err(format!(
                        "unknown kind `{other}`; use name, alias, demonym, capital or historical"
                    ))
                }
            };
            Ok(CountryTerm {
                iso3: c[0].to_string(),
                kind,
                term: c[2].to_string(),
            })
        })?;
        let mut countries = countries;
        countries.extend(rows(source, "actors/places.tsv", 2, |c| {
            Ok(CountryTerm {
                iso3: c[0].to_string(),
                kind: CountryTermKind::Place,
                term: c[1].to_string(),
            })
        })?);
        let igos = rows(source, "actors/igos.tsv", 2, |c| {
            Ok(IgoTerm {
                slug: c[0].into(),
                term: c[1].into(),
            })
        })?;
        let groups = rows(source, "actors/groups.tsv", 5, |c| {
            Ok(GroupTerm {
                id: c[0].into(),
                base: optional(c[2]),
                sponsor: optional(c[3]),
                term: c[4].into(),
                in_context: c[1] == "in-context",
            })
        })?;
        let people = rows(source, "actors/people.tsv", 5, |c| {
            Ok(PersonTerm {
                slug: c[0].into(),
                iso3: optional(c[1]),
                sector: optional(c[2]),
                term: c[4].into(),
            })
        })?;
        let sectors = rows(source, "actors/sectors.tsv", 2, |c| {
            Ok((c[0].to_lowercase(), c[1].to_string()))
        })?;
        let agencies = rows(source, "actors/agencies.tsv", 3, |c| {
            Ok(AgencyTerm {
                iso3: c[0].into(),
                sector: c[1].into(),
                term: c[2].into(),
            })
        })?;
        let events = rows(source, "events/events.tsv", 4, |c| {
            let event_type = c[0].to_lowercase();
            if !EVENT_TYPES.contains(&event_type.as_str()) {
                return Err(format!("unknown PLOVER type `{}`", c[0]));
            }
            let weight: u8 = c[2].parse().map_err(|_| format!("weight `{}` is not a number", c[2]))?;
            let pattern = c[3].to_lowercase();
            let (head, object) = match pattern.split_once(" ... ") {
                Some((head, object)) => (head.trim().to_string(), Some(object.trim().to_string())),
                None => (pattern.trim().to_string(), None),
            };
            Ok(EventPattern {
                event_type,
                mode: optional(c[1]),
                weight,
                head,
                object,
            })
        })?;
        let guards = rows(source, "events/guards.tsv", 2, |c| {
            let kind = match c[0] {
                "negation" => GuardKind::Negation,
                "hypothetical" => GuardKind::Hypothetical,
                "threat" => GuardKind::Threat,
                "reporting" => GuardKind::Reporting,
                other => return Err(format!("unknown guard kind `{other}`")),
            };
            Ok(Guard {
                kind,
                pattern: c[1].to_lowercase(),
            })
        })?;
        // Folders made before a list existed tag as they did.
        let name_list = |path: &str| -> Result<Vec<String>, Error> {
            Ok(match source {
                DictionarySource::Dir(dir) if !dir.join(path).is_file() => Vec::new(),
                _ => source
                    .read(path)?
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty() && !l.starts_with('#'))
                    .map(str::to_string)
                    .collect(),
            })
        };
        let given_names = name_list(GIVEN_NAMES)?.into_iter().collect();
        let common_surnames = name_list(COMMON_SURNAMES)?
            .into_iter()
            .map(|name| name.to_lowercase())
            .collect();
        let ordinary_words = name_list(ORDINARY_WORDS)?.into_iter().collect();
        Ok(Dictionaries {
            countries,
            igos,
            groups,
            people,
            sectors,
            agencies,
            events,
            guards,
            rules,
            given_names,
            common_surnames,
            ordinary_words,
        })
    }

    /// Resolves a name a user typed (`China`, `APT31`, `NATO`, `Wang Yi`) to
    /// an actor facet path, case-insensitively.
    pub fn resolve_actor(&self, name: &str) -> Option<String> {
        let wanted = name.trim();
        let same = |term: &str| term.eq_ignore_ascii_case(wanted);
        let by_code = |code: &str| code.eq_ignore_ascii_case(wanted);
        self.countries
            .iter()
            .find(|c| same(&c.term) || by_code(&c.iso3))
            .map(|c| format!("/country/{}", c.iso3))
            .or_else(|| {
                self.igos
                    .iter()
                    .find(|i| same(&i.term) || by_code(&i.slug))
                    .map(|i| format!("/igo/{}", i.slug))
            })
            .or_else(|| {
                self.groups
                    .iter()
                    .find(|g| same(&g.term) || by_code(&g.id))
                    .map(|g| format!("/group/{}", g.id))
            })
            .or_else(|| {
                self.people
                    .iter()
                    .find(|p| same(&p.term) || by_code(&p.slug))
                    .map(|p| format!("/person/{}", p.slug))
            })
    }

    /// The country code a name or code stands for (`UK` → `GBR`).
    pub fn resolve_country_code(&self, name: &str) -> Option<String> {
        self.resolve_actor(name)
            .and_then(|path| path.strip_prefix("/country/").map(str::to_string))
    }
}

impl DictionarySource {
    /// The JSON key aliases (`fields.toml`) from this source.
    pub fn field_map(&self) -> Result<FieldMap, Error> {
        FieldMap::from_toml(&self.read("fields.toml")?)
    }
}

fn optional(cell: &str) -> Option<String> {
    let cell = cell.trim();
    (!cell.is_empty() && cell != "-").then(|| cell.to_string())
}

/// Parses a TSV dictionary: skips the header, blank and `#` lines; every other
/// line must have at least `columns` cells.
fn rows<T>(
    source: &DictionarySource,
    file: &str,
    columns: usize,
    parse: impl Fn(&[&str]) -> Result<T, String>,
) -> Result<Vec<T>, Error> {
    let text = source.read(file)?;
    let mut out = Vec::new();
    let mut header_seen = false;
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        if !header_seen {
            header_seen = true;
            continue;
        }
        let cells: Vec<&str> = line.split('\t').map(str::trim).collect();
        let fail = |reason: String| Error::Dictionary {
            file: file.into(),
            line: index + 1,
            reason,
        };
        if cells.len() < columns {
            return Err(fail(format!(
                "expected {columns} tab-separated columns, found {}",
                cells.len()
            )));
        }
        if cells[..columns].iter().any(|c| c.is_empty()) {
            return Err(fail("an empty cell; write `-` for none".into()));
        }
        out.push(parse(&cells).map_err(fail)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A dictionary folder written before the later keys existed still
    /// loads and tags as it did: each key it leaves out takes the value
    /// that was built in when the key was added. Those are today's built-in
    /// lists; should one be tuned, compare its default with its first value.
    #[test]
    fn later_keys_left_out_take_the_values_they_replaced() {
        let text = DictionarySource::Embedded.read("extraction.toml").expect("embedded");
        let built_in: ContextRules = toml::from_str(&text).expect("the built-in rules parse");
        let mut older: toml::Table = toml::from_str(&text).expect("the built-in rules parse");
        for (section, key) in [
            ("events", "ethnic_words"),
            ("events", "currency_words"),
            ("events", "currency_signs"),
            ("events", "ultimatum_words"),
            ("people", "calendar_words"),
            ("ambiguity", "bird_names"),
        ] {
            let removed = older[section].as_table_mut().expect("a section").remove(key);
            assert!(removed.is_some(), "the built-in file sets [{section}] {key}");
        }
        let older: ContextRules = toml::Value::Table(older)
            .try_into()
            .expect("rules without the later keys parse");
        assert_eq!(older.events.ethnic_words, built_in.events.ethnic_words);
        assert_eq!(older.events.currency_words, built_in.events.currency_words);
        assert_eq!(older.events.currency_signs, built_in.events.currency_signs);
        assert_eq!(older.events.ultimatum_words, built_in.events.ultimatum_words);
        assert_eq!(older.people.calendar_words, built_in.people.calendar_words);
        assert_eq!(older.ambiguity.bird_names, built_in.ambiguity.bird_names);
    }
}
