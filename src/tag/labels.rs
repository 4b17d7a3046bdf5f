//! Display names for facet values: `/group/G0128` is APT31, `/country/CHN/GOV`
//! is "China (government)", `/GBR/accuse/CHN` is "United Kingdom → China:
//! accuse". Read from `index-schema/actors/labels.tsv` alone, so that a
//! search can afford them; values the table does not know (people and groups
//! found outside the dictionaries) are named from their slug.

use std::collections::{BTreeMap, HashMap};

use super::dictionary::DictionarySource;
use crate::Error;

/// Facet path → display name.
#[derive(Debug, Clone, Default)]
pub struct Labels {
    paths: HashMap<String, String>,
    /// Sector code → the word shown after a country.
    sectors: HashMap<String, String>,
}

impl Labels {
    /// The labels of the dictionaries in `source`.
    pub fn load(source: &DictionarySource) -> Result<Labels, Error> {
        let text = source.read(LABELS_FILE)?;
        Labels::parse(&text)
    }

    fn parse(text: &str) -> Result<Labels, Error> {
        let mut labels = Labels::default();
        let rows = text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty());
        for (i, line) in rows.skip(1) {
            let Some((path, label)) = line.split_once('\t') else {
                return Err(Error::Dictionary {
                    file: LABELS_FILE.into(),
                    line: i + 1,
                    reason: "expected `path TAB label`".into(),
                });
            };
            match path.strip_prefix("*/") {
                Some(code) => labels.sectors.insert(code.to_string(), label.to_string()),
                None => labels.paths.insert(path.to_string(), label.to_string()),
            };
        }
        Ok(labels)
    }

    /// The display name of a facet path (actor, mention, event or dyad).
    pub fn label(&self, path: &str) -> String {
        if let Some(label) = self.paths.get(path) {
            return label.clone();
        }
        let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        match parts[..] {
            ["country", code, sector] => {
                let country = self.code_label(code);
                match self.sectors.get(sector) {
                    Some(word) => format!("{country} ({word})"),
                    None => format!("{country} ({sector})"),
                }
            }
            ["person", slug] => title_case(slug),
            // A group found by its designation ("storm-0558") or family name ("salt-typhoon").
            ["group", slug] if slug.bytes().any(|b| b.is_ascii_digit()) => slug.to_uppercase(),
            ["group", slug] => title_case(slug),
            ["igo" | "country", value] => value.to_string(),
            // An event type the text words (a `mention` value).
            ["event", event] => event.to_string(),
            ["event", event, mode] => format!("{event} ({mode})"),
            [event] => event.to_string(),
            [event, mode] => format!("{event} ({mode})"),
            [source, event, target] => {
                format!("{} → {}: {event}", self.code_label(source), self.code_label(target))
            }
            _ => path.to_string(),
        }
    }

    /// A dyad side's name: an ISO3 code, an organisation slug or a group id.
    fn code_label(&self, code: &str) -> String {
        ["country", "igo", "group"]
            .iter()
            .find_map(|kind| self.paths.get(&format!("/{kind}/{code}")))
            .cloned()
            .unwrap_or_else(|| code.to_string())
    }

    /// The labels of every path given, for a `labels` map in JSON output.
    pub fn for_paths<'a>(&self, paths: impl IntoIterator<Item = &'a String>) -> BTreeMap<String, String> {
        paths.into_iter().map(|p| (p.clone(), self.label(p))).collect()
    }
}

/// Where the labels are, relative to the dictionaries' folder.
pub(crate) const LABELS_FILE: &str = "actors/labels.tsv";

/// `george-soros` → `George Soros`.
fn title_case(slug: &str) -> String {
    slug.split('-')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_name_every_kind_of_value() {
        let labels = Labels::load(&DictionarySource::Embedded).expect("labels");
        assert_eq!(labels.label("/group/G0128"), "APT31");
        assert_eq!(labels.label("/country/CHN"), "China");
        assert_eq!(labels.label("/country/CHN/GOV"), "China (government)");
        assert_eq!(labels.label("/igo/nato"), "NATO");
        assert_eq!(labels.label("/person/george-soros"), "George Soros");
        assert_eq!(labels.label("/group/unc3886"), "UNC3886");
        assert_eq!(labels.label("/group/salt-typhoon"), "Salt Typhoon");
        assert_eq!(labels.label("/accuse/allege"), "accuse (allege)");
        assert_eq!(labels.label("/GBR/accuse/CHN"), "United Kingdom → China: accuse");
        assert_eq!(labels.label("/CHN/coerce/G0128"), "China → APT31: coerce");
    }

    #[test]
    fn a_bad_row_names_its_line() {
        let err = Labels::parse("# comment\npath\tlabel\n/country/CHN\tChina\nbroken\n").unwrap_err();
        assert!(err.to_string().contains("line 4"), "{err}");
    }
}
