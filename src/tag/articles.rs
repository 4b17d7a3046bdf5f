//! Scores the tagger on whole articles labelled by careful reading
//! (`tests/data/gold/articles.jsonl`, codebook in EVALUATION.md): the salient
//! event types, the countries, organisations, people and groups that take
//! part, and the dyads with their direction. Reported for the articles rules
//! were tuned on (`dev`), the third held aside (`held`), and all.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::evaluate::{Prf, Tally};
use super::{Dictionaries, Extractor, Tags, EVENT_TYPES};
use crate::ingest::{self, FieldMap, Record};
use crate::Error;

/// One labelled article, as `articles.jsonl` holds it.
#[derive(Debug, Clone, Deserialize)]
pub struct GoldArticle {
    pub n: u32,
    pub split: String,
    /// `sample` for the bundled corpus (paths relative to the project), else a shared corpus.
    pub corpus: String,
    pub file: String,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub events: Vec<String>,
    #[serde(default)]
    pub countries: Vec<String>,
    #[serde(default)]
    pub igos: Vec<String>,
    #[serde(default)]
    pub people: Vec<String>,
    #[serde(default)]
    pub groups: Vec<String>,
    #[serde(default)]
    pub dyads: Vec<[String; 3]>,
}

/// Where the gold articles' files are.
#[derive(Debug, Clone)]
pub struct ArticleRoots {
    /// The folder `corpus/…` paths are relative to (the project).
    pub project: PathBuf,
    /// The folder `corpora/…` paths are relative to (`../shared`), if present.
    pub shared: Option<PathBuf>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ArticleScores {
    pub articles: usize,
    pub events: Prf,
    pub events_macro_f1: f64,
    pub per_type: BTreeMap<String, Prf>,
    pub countries: Prf,
    pub igos: Prf,
    pub people: Prf,
    pub groups: Prf,
    pub dyads: Prf,
    /// Median number of event types per article: tagged, and in the gold.
    pub median_types_tagged: f64,
    pub median_types_gold: f64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ArticleReport {
    pub dev: ArticleScores,
    pub held: ArticleScores,
    pub all: ArticleScores,
    /// Gold articles whose file was not there (`../shared` absent), skipped.
    pub skipped: usize,
}

/// What one article's tags and labels say, as comparable sets.
#[derive(Debug, Default)]
struct Sides {
    events: BTreeSet<String>,
    countries: BTreeSet<String>,
    igos: BTreeSet<String>,
    people: BTreeSet<String>,
    groups: BTreeSet<String>,
    dyads: BTreeSet<String>,
}

/// Scores `extractor` on the gold articles in `path`.
pub fn articles(
    extractor: &Extractor,
    dictionaries: &Dictionaries,
    fields: &FieldMap,
    path: &Path,
    roots: &ArticleRoots,
) -> Result<ArticleReport, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut gold = Vec::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let article: GoldArticle = serde_json::from_str(line)
            .map_err(|e| Error::BadArgument(format!("{} line {}: not a gold article: {e}", path.display(), i + 1)))?;
        gold.push(article);
    }
    // NEWSDEX_EVAL_TRACE=1 prints each article's tags beside its labels, for
    // the error analysis; =2 adds where each event facet came from.
    let trace_level = std::env::var("NEWSDEX_EVAL_TRACE").ok();
    let trace = trace_level.is_some();
    let trace_origins = trace_level.as_deref() == Some("2");
    let mut scored: Vec<(String, Sides, Sides)> = Vec::new();
    let mut skipped = 0;
    for article in &gold {
        let file = match (article.corpus.as_str(), &roots.shared) {
            ("sample", _) => roots.project.join(&article.file),
            (_, Some(shared)) => shared.join(&article.file),
            (_, None) => {
                skipped += 1;
                continue;
            }
        };
        if !file.is_file() {
            skipped += 1;
            continue;
        }
        let found = read_article(&file, article.id.as_deref(), fields)?;
        let tags = extractor.tag(&found.title, &found.body, found.date.map(|d| d.timestamp()));
        let (tagged, expected) = (tagged_sides(&tags), gold_sides(article, dictionaries));
        if trace {
            eprintln!(
                "article {} ({}, {:?}): events {:?} gold {:?}; dyads {:?} gold {:?}; people {:?} gold {:?}; countries {:?} gold {:?}",
                article.n,
                article.split,
                super::genre::genre(&found.body),
                tagged.events,
                expected.events,
                tagged.dyads,
                expected.dyads,
                tagged.people,
                expected.people,
                tagged.countries,
                expected.countries
            );
        }
        if trace_origins {
            let date = found.date.map(|d| d.timestamp());
            for origin in extractor.origins(&found.title, &found.body, date) {
                let text = if origin.place == "title" {
                    &found.title
                } else {
                    &found.body
                };
                let (sentence, cue) = (
                    text.get(origin.start..origin.end).unwrap_or(""),
                    text.get(origin.cue_start..origin.cue_end).unwrap_or(""),
                );
                eprintln!("  {} [{}] cue {cue:?}: {}", origin.facet, origin.place, sentence.trim());
            }
        }
        scored.push((article.split.clone(), tagged, expected));
    }
    let score = |keep: &dyn Fn(&str) -> bool| score_split(scored.iter().filter(|(s, _, _)| keep(s)));
    Ok(ArticleReport {
        dev: score(&|s| s == "dev"),
        held: score(&|s| s == "held"),
        all: score(&|_| true),
        skipped,
    })
}

/// The article with `id` in `file` (the only one when `id` is absent).
fn read_article(file: &Path, id: Option<&str>, fields: &FieldMap) -> Result<ingest::Article, Error> {
    let mut found = None;
    let mut count = 0;
    ingest::read_file(file, fields, &mut |record| {
        if let Record::Article(article) = record {
            count += 1;
            if id.is_none_or(|id| article.id == id) && found.is_none() {
                found = Some(*article);
            }
        }
    });
    match found {
        Some(article) if id.is_some() || count == 1 => Ok(article),
        _ => Err(Error::BadArgument(format!(
            "gold article {} is not in {} ({count} articles read)",
            id.unwrap_or("(the only one)"),
            file.display()
        ))),
    }
}

fn tagged_sides(tags: &Tags) -> Sides {
    let mut sides = Sides::default();
    for event in &tags.events {
        if let Some(kind) = event.trim_start_matches('/').split('/').next() {
            sides.events.insert(kind.to_string());
        }
    }
    for actor in &tags.actors {
        let parts: Vec<&str> = actor.trim_start_matches('/').split('/').collect();
        match parts[..] {
            ["country", code] => drop(sides.countries.insert(code.to_string())),
            ["igo", slug, ..] => drop(sides.igos.insert(slug.to_string())),
            ["person", slug, ..] => drop(sides.people.insert(slug.to_string())),
            ["group", id, ..] => drop(sides.groups.insert(id.to_string())),
            _ => {}
        }
    }
    sides.dyads = tags
        .dyads
        .iter()
        .map(|d| d.trim_start_matches('/').to_string())
        .collect();
    sides
}

fn gold_sides(article: &GoldArticle, dictionaries: &Dictionaries) -> Sides {
    // A name as the tags spell it: the dictionary's code for it, else its slug.
    let code = |name: &str, kind: &str| -> String {
        match dictionaries.resolve_actor(name) {
            Some(path) if path.starts_with(&format!("/{kind}/")) => {
                path.rsplit('/').next().unwrap_or_default().to_string()
            }
            _ => slug(name),
        }
    };
    let side = |name: &str| -> String {
        let name = name.trim();
        // Three capitals are an ISO code ("SUN" too, which no dictionary
        // resolves), unless they are an organisation's name ("IMF").
        let resolved = dictionaries.resolve_actor(name);
        let is_organisation = resolved.as_ref().is_some_and(|path| path.starts_with("/igo/"));
        if name.len() == 3 && name.chars().all(|c| c.is_ascii_uppercase()) && !is_organisation {
            return name.to_string();
        }
        match resolved {
            Some(path) => {
                let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
                match parts[..] {
                    ["country", iso3, ..] => iso3.to_string(),
                    [_, code, ..] => code.to_string(),
                    _ => slug(name),
                }
            }
            None => slug(name),
        }
    };
    Sides {
        events: article
            .events
            .iter()
            .map(|e| e.trim().to_lowercase())
            .filter(|e| EVENT_TYPES.contains(&e.as_str()))
            .collect(),
        countries: article.countries.iter().map(|c| c.trim().to_uppercase()).collect(),
        igos: article.igos.iter().map(|n| code(n, "igo")).collect(),
        people: article.people.iter().map(|n| code(n, "person")).collect(),
        groups: article.groups.iter().map(|n| code(n, "group")).collect(),
        dyads: article
            .dyads
            .iter()
            .map(|[s, t, o]| format!("{}/{}/{}", side(s), t.trim().to_lowercase(), side(o)))
            .collect(),
    }
}

/// `Xi Jinping` → `xi-jinping`, as person and group slugs are written.
fn slug(name: &str) -> String {
    let mut out = String::new();
    for word in name.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&word.to_lowercase());
    }
    out
}

fn score_split<'a>(articles: impl Iterator<Item = &'a (String, Sides, Sides)>) -> ArticleScores {
    let mut tallies: [Tally; 6] = Default::default();
    let mut per_type: BTreeMap<&str, Tally> = EVENT_TYPES.iter().map(|t| (*t, Tally::default())).collect();
    let (mut tagged_counts, mut gold_counts) = (Vec::new(), Vec::new());
    let mut n = 0;
    for (_, tagged, gold) in articles {
        n += 1;
        for (tally, (t, g)) in tallies.iter_mut().zip([
            (&tagged.events, &gold.events),
            (&tagged.countries, &gold.countries),
            (&tagged.igos, &gold.igos),
            (&tagged.people, &gold.people),
            (&tagged.groups, &gold.groups),
            (&tagged.dyads, &gold.dyads),
        ]) {
            tally.add_sets(t, g);
        }
        for (kind, tally) in per_type.iter_mut() {
            let one = |set: &BTreeSet<String>| set.iter().filter(|e| e == kind).cloned().collect::<BTreeSet<_>>();
            tally.add_sets(&one(&tagged.events), &one(&gold.events));
        }
        tagged_counts.push(tagged.events.len());
        gold_counts.push(gold.events.len());
    }
    let per_type: BTreeMap<String, Prf> = per_type
        .into_iter()
        .map(|(kind, tally)| (kind.to_string(), tally.prf()))
        .collect();
    // Macro F1 over the types the gold or the tags have at all.
    let present: Vec<f64> = per_type
        .values()
        .filter(|p| p.true_positives + p.false_positives + p.false_negatives > 0)
        .map(|p| p.f1)
        .collect();
    let [events, countries, igos, people, groups, dyads] = tallies.map(Tally::prf);
    ArticleScores {
        articles: n,
        events,
        events_macro_f1: if present.is_empty() {
            0.0
        } else {
            present.iter().sum::<f64>() / present.len() as f64
        },
        per_type,
        countries,
        igos,
        people,
        groups,
        dyads,
        median_types_tagged: median(tagged_counts),
        median_types_gold: median(gold_counts),
    }
}

fn median(mut values: Vec<usize>) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_unstable();
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        values[mid] as f64
    } else {
        (values[mid - 1] + values[mid]) as f64 / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_slugs() {
        assert_eq!(slug("Xi Jinping"), "xi-jinping");
        assert_eq!(slug("  Lazarus  Group "), "lazarus-group");
    }

    #[test]
    fn medians() {
        assert_eq!(median(vec![3, 1, 2]), 2.0);
        assert_eq!(median(vec![4, 1, 2, 3]), 2.5);
        assert_eq!(median(Vec::new()), 0.0);
    }
}
