//! Evaluation: runs the extractor on human-labelled data and scores it.
//! PLOVER gold sentences score event types (top-1 and multi-label) and
//! source/target countries with sectors; Reuters-21578's `<PLACES>`,
//! `<PEOPLE>` and `<ORGS>` score article-level country, person and
//! organisation recognition.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;

use serde::Serialize;

use super::dictionary::{Dictionaries, EVENT_TYPES};
use super::extract::Extractor;
use super::tags::{Entity, EntityKind, SentenceEvent};
use crate::Error;

/// Precision, recall and F1 from counts.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq)]
pub struct Prf {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub true_positives: u64,
    pub false_positives: u64,
    pub false_negatives: u64,
}

#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Tally {
    tp: u64,
    fp: u64,
    fn_: u64,
}

impl Tally {
    pub(super) fn add_sets<T: Ord>(&mut self, predicted: &BTreeSet<T>, gold: &BTreeSet<T>) {
        let hits = predicted.intersection(gold).count() as u64;
        self.tp += hits;
        self.fp += predicted.len() as u64 - hits;
        self.fn_ += gold.len() as u64 - hits;
    }

    pub(super) fn prf(self) -> Prf {
        let ratio = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let precision = ratio(self.tp, self.tp + self.fp);
        let recall = ratio(self.tp, self.tp + self.fn_);
        let f1 = if precision + recall == 0.0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        };
        Prf {
            precision,
            recall,
            f1,
            true_positives: self.tp,
            false_positives: self.fp,
            false_negatives: self.fn_,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct PloverScores {
    pub sentences: usize,
    pub top1_accuracy: f64,
    pub no_prediction: usize,
    pub micro: Prf,
    pub macro_f1: f64,
    pub per_type: BTreeMap<String, Prf>,
    pub source_country: Prf,
    pub target_country: Prf,
    pub source_sector: Prf,
    pub target_sector: Prf,
    /// Gold type → predicted top-1 type → count, for the error analysis.
    pub confusion: BTreeMap<String, BTreeMap<String, u64>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReutersScores {
    pub articles: usize,
    pub country: Prf,
    pub person: Prf,
    pub organisation: Prf,
    /// Gold labels no dictionary entry corresponds to (counted as misses).
    pub unmapped_labels: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct EvalReport {
    pub plover: Option<PloverScores>,
    pub reuters: Option<ReutersScores>,
    pub articles: Option<super::articles::ArticleReport>,
}

/// CAMEO country codes in the gold file that differ from ISO 3166.
fn iso3_of_cameo(code: &str) -> &str {
    match code {
        "JAP" => "JPN",
        "ITL" => "ITA",
        "GMY" => "DEU",
        "UK" => "GBR",
        other => other,
    }
}

fn is_country_code(code: &str) -> bool {
    code.len() == 3
        && code.chars().all(|c| c.is_ascii_uppercase())
        && !matches!(code, "IGO" | "NGO" | "IMG" | "MNC" | "***")
}

fn country_of(entity: &Entity) -> Option<String> {
    match entity.kind {
        EntityKind::Country | EntityKind::Person | EntityKind::Group => entity.country.as_deref().map(str::to_string),
        _ => None,
    }
}

/// Scores event types and participants on PLOVER gold-standard sentences (JSON Lines).
pub fn plover(extractor: &Extractor, path: &Path) -> Result<PloverScores, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut per_type: HashMap<&str, Tally> = HashMap::new();
    let mut micro = Tally::default();
    let (mut source_country, mut target_country, mut source_sector, mut target_sector) =
        (Tally::default(), Tally::default(), Tally::default(), Tally::default());
    let mut confusion: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    let (mut sentences, mut correct, mut no_prediction) = (0, 0, 0);
    for (number, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let record: serde_json::Value = serde_json::from_str(line)
            .map_err(|e| Error::BadArgument(format!("{} line {}: invalid JSON ({e})", path.display(), number + 1)))?;
        let sentence = record["text"].as_str().unwrap_or_default();
        let gold_type = record["event_v08"].as_str().unwrap_or_default().to_lowercase();
        let events = extractor.sentence_events(sentence);
        sentences += 1;
        let top = top_type(&events);
        if top == Some(gold_type.as_str()) {
            correct += 1;
        }
        if top.is_none() {
            no_prediction += 1;
        }
        *confusion
            .entry(gold_type.clone())
            .or_default()
            .entry(top.unwrap_or("none").to_string())
            .or_default() += 1;
        // Multi-label: the types whose cues weigh as much as the strongest.
        let predicted = strongest_types(&events);
        let gold: BTreeSet<&str> = [gold_type.as_str()].into_iter().collect();
        micro.add_sets(&predicted, &gold);
        for event_type in EVENT_TYPES {
            let p = predicted.contains(event_type);
            let g = gold.contains(event_type);
            let tally = per_type.entry(event_type).or_default();
            match (p, g) {
                (true, true) => tally.tp += 1,
                (true, false) => tally.fp += 1,
                (false, true) => tally.fn_ += 1,
                _ => {}
            }
        }
        // Participants: those of the main event against the gold actors.
        let chosen: Vec<_> = main_event(&events).into_iter().collect();
        let actors = |role: &str| -> (BTreeSet<String>, BTreeSet<String>) {
            let mut codes = BTreeSet::new();
            let mut sectors = BTreeSet::new();
            for actor in record[role].as_array().into_iter().flatten() {
                let code = iso3_of_cameo(actor["code"].as_str().unwrap_or_default());
                if is_country_code(code) {
                    codes.insert(code.to_string());
                    if let Some(sector) = actor["sector"].as_str().filter(|s| s.len() >= 3) {
                        sectors.insert(format!("{code}/{}", &sector[..3]));
                    }
                }
            }
            (codes, sectors)
        };
        let predicted_actors = |pick: &dyn Fn(&SentenceEvent) -> &[Entity]| {
            let mut codes = BTreeSet::new();
            let mut sectors = BTreeSet::new();
            for entity in chosen.iter().flat_map(|e| pick(e)) {
                if let Some(code) = country_of(entity) {
                    if let Some(sector) = &entity.sector {
                        sectors.insert(format!("{code}/{sector}"));
                    }
                    codes.insert(code);
                }
            }
            (codes, sectors)
        };
        let (gold_sources, gold_source_sectors) = actors("source");
        let (gold_targets, gold_target_sectors) = actors("target");
        let (sources, source_sectors) = predicted_actors(&|e| &e.sources);
        let (targets, target_sectors) = predicted_actors(&|e| &e.targets);
        if std::env::var_os("NEWSDEX_EVAL_TRACE").is_some() {
            let totals: Vec<String> = type_totals(&events).iter().map(|(t, w)| format!("{t}:{w}")).collect();
            eprintln!(
                "plover {gold_type} -> {} [{}] src {gold_sources:?}/{sources:?} tgt {gold_targets:?}/{targets:?} | {sentence}",
                top.unwrap_or("none"),
                totals.join(" ")
            );
        }
        source_country.add_sets(&sources, &gold_sources);
        target_country.add_sets(&targets, &gold_targets);
        source_sector.add_sets(&source_sectors, &gold_source_sectors);
        target_sector.add_sets(&target_sectors, &gold_target_sectors);
    }
    let per_type: BTreeMap<String, Prf> = per_type
        .into_iter()
        .map(|(t, tally)| (t.to_string(), tally.prf()))
        .collect();
    let macro_f1 = per_type.values().map(|p| p.f1).sum::<f64>() / per_type.len().max(1) as f64;
    Ok(PloverScores {
        sentences,
        top1_accuracy: correct as f64 / sentences.max(1) as f64,
        no_prediction,
        micro: micro.prf(),
        macro_f1,
        per_type,
        source_country: source_country.prf(),
        target_country: target_country.prf(),
        source_sector: source_sector.prf(),
        target_sector: target_sector.prf(),
        confusion,
    })
}

/// Every type whose summed weight equals the largest.
fn strongest_types(events: &[SentenceEvent]) -> BTreeSet<&'static str> {
    let totals = type_totals(events);
    let best = totals.iter().map(|(_, w)| *w).max().unwrap_or(0);
    totals.into_iter().filter(|(_, w)| *w == best).map(|(t, _)| t).collect()
}

fn type_totals(events: &[SentenceEvent]) -> Vec<(&'static str, u32)> {
    let mut totals: Vec<(&'static str, u32)> = Vec::new();
    for event in events {
        match totals.iter_mut().find(|(t, _)| *t == event.event_type) {
            Some((_, w)) => *w += event.weight,
            None => totals.push((event.event_type, event.weight)),
        }
    }
    totals
}

/// The type with the largest summed weight; ties go to the type seen first.
pub fn top_type(events: &[SentenceEvent]) -> Option<&'static str> {
    let totals = type_totals(events);
    let best = totals.iter().map(|(_, w)| *w).max()?;
    totals.into_iter().find(|(_, w)| *w == best).map(|(t, _)| t)
}

/// The event a sentence's gold codes: the heaviest cue of the top type, the
/// first on ties; its participants are the ones scored.
pub fn main_event(events: &[SentenceEvent]) -> Option<&SentenceEvent> {
    let top = top_type(events)?;
    events
        .iter()
        .filter(|e| e.event_type == top)
        .rev()
        .max_by_key(|e| e.weight)
}

/// Scores article-level recognition on Reuters-21578's SGML-as-XML files.
pub fn reuters(extractor: &Extractor, dictionaries: &Dictionaries, dir: &Path) -> Result<ReutersScores, Error> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map_err(|source| Error::Io {
            path: dir.to_path_buf(),
            source,
        })?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    files.sort();
    // The labellers chose people from a closed list (`all-people-strings.lc.txt`,
    // 267 names): anyone else the tagger finds is outside the labels'
    // vocabulary, neither right nor wrong, so only names in the list are scored.
    let people_vocabulary: Option<BTreeSet<String>> = std::fs::read_to_string(dir.join("all-people-strings.lc.txt"))
        .ok()
        .map(|list| {
            list.lines()
                .map(|l| l.trim().to_string())
                .filter(|l| !l.is_empty())
                .collect()
        });
    let mut unmapped = BTreeSet::new();
    let mut place_codes: HashMap<String, Option<String>> = HashMap::new();
    let (mut country, mut person, mut organisation) = (Tally::default(), Tally::default(), Tally::default());
    let mut articles = 0;
    for file in files {
        let bytes = std::fs::read(&file).map_err(|source| Error::Io {
            path: file.clone(),
            source,
        })?;
        // One Reuters file carries a few stray non-UTF-8 bytes; they fall in no label.
        let text = String::from_utf8_lossy(&bytes);
        let document = roxmltree::Document::parse_with_options(
            &text,
            roxmltree::ParsingOptions {
                allow_dtd: true,
                ..Default::default()
            },
        )
        .map_err(|e| Error::BadArgument(format!("{}: not parseable XML ({e})", file.display())))?;
        for article in document.descendants().filter(|n| n.has_tag_name("REUTERS")) {
            let labels = |tag: &str| -> Vec<String> {
                article
                    .children()
                    .find(|n| n.has_tag_name(tag))
                    .map(|n| {
                        n.children()
                            .filter(|d| d.has_tag_name("D"))
                            .filter_map(|d| d.text())
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default()
            };
            let content = |tag: &str| -> String {
                article
                    .descendants()
                    .find(|n| n.has_tag_name(tag))
                    .and_then(|n| n.text())
                    .unwrap_or_default()
                    .to_string()
            };
            let (title, dateline, body) = (content("TITLE"), content("DATELINE"), content("BODY"));
            if body.trim().is_empty() && title.trim().is_empty() {
                continue;
            }
            articles += 1;
            let date = crate::ingest::parse_date(&content("DATE")).map(|d| d.timestamp());
            let full = format!("{title}\n\n{dateline}{body}");
            let entities = extractor.entities(&full, date);
            // Reuters labels what a story is about, not everything it names:
            // entities in the headline or dateline, or named often enough.
            let headline: HashSet<(EntityKind, String)> = extractor
                .entities(&format!("{title}\n\n{dateline}"), date)
                .into_iter()
                .map(|e| (e.kind, e.code.to_string()))
                .collect();
            let mut mentions: HashMap<(EntityKind, &str), usize> = HashMap::new();
            for entity in &entities {
                *mentions.entry((entity.kind, &*entity.code)).or_default() += 1;
            }
            let salient = |kind: EntityKind, min_mentions: usize| -> Vec<&str> {
                mentions
                    .iter()
                    .filter(|((k, code), count)| {
                        *k == kind && (**count >= min_mentions || headline.contains(&(kind, code.to_string())))
                    })
                    .map(|((_, code), _)| *code)
                    .collect()
            };
            let mut gold_places = BTreeSet::new();
            for slug in labels("PLACES") {
                let code = place_codes
                    .entry(slug.clone())
                    .or_insert_with(|| resolve_place(dictionaries, &slug))
                    .clone();
                match code {
                    Some(code) => {
                        gold_places.insert(code);
                    }
                    None => {
                        unmapped.insert(format!("place:{slug}"));
                    }
                }
            }
            let found_places: BTreeSet<String> = salient(EntityKind::Country, 3)
                .into_iter()
                .map(str::to_string)
                .collect();
            country.add_sets(&found_places, &gold_places);
            if std::env::var_os("NEWSDEX_EVAL_TRACE").is_some() {
                let missed: Vec<_> = gold_places.difference(&found_places).collect();
                let extra: Vec<_> = found_places.difference(&gold_places).collect();
                if !missed.is_empty() || !extra.is_empty() {
                    eprintln!(
                        "reuters {}: missed {missed:?} extra {extra:?} | {}",
                        articles,
                        title.trim()
                    );
                }
            }

            let gold_people: BTreeSet<String> = labels("PEOPLE").into_iter().collect();
            let found_people: BTreeSet<String> = salient(EntityKind::Person, 2)
                .into_iter()
                .map(|code| code.rsplit('-').next().unwrap_or(code).to_string())
                .filter(|surname| people_vocabulary.as_ref().is_none_or(|v| v.contains(surname)))
                .collect();
            person.add_sets(&found_people, &gold_people);

            let gold_orgs: BTreeSet<String> = labels("ORGS").into_iter().map(|s| s.replace('-', "")).collect();
            let found_orgs: BTreeSet<String> = salient(EntityKind::Igo, 2)
                .into_iter()
                .map(|code| code.replace('-', ""))
                .collect();
            organisation.add_sets(&found_orgs, &gold_orgs);
        }
    }
    Ok(ReutersScores {
        articles,
        country: country.prf(),
        person: person.prf(),
        organisation: organisation.prf(),
        unmapped_labels: unmapped.into_iter().collect(),
    })
}

/// A Reuters place slug (`west-germany`, `usa`) as a country code.
fn resolve_place(dictionaries: &Dictionaries, slug: &str) -> Option<String> {
    let words = slug.replace('-', " ");
    dictionaries
        .resolve_country_code(&words)
        .or_else(|| dictionaries.resolve_country_code(&slug.to_uppercase()))
}
