//! Search input as users type it: days, event types, actor names and dyads,
//! turned into the facet paths and timestamps a [`SearchRequest`] takes, and
//! queries checked for size before the parser sees them. Kept apart from the
//! command line so that the fuzz targets can drive them.
//!
//! [`SearchRequest`]: super::SearchRequest

use crate::ingest::{EARLIEST, LATEST};
use crate::tag::{Dictionaries, DictionarySource, EVENT_TYPES};
use crate::Error;

/// Seconds since the epoch at the start of a `YYYY-MM-DD` day.
pub fn day_start(text: &str, flag: &str) -> Result<i64, Error> {
    let date = chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| Error::BadArgument(format!("{flag} `{text}` is not a date; write it as YYYY-MM-DD")))?;
    let secs = date
        .and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_utc()
        .timestamp();
    // Days beyond what the index stores select as its first or last day would.
    Ok(secs.clamp(EARLIEST, LATEST - 86_399))
}

/// `/accuse`, `/accuse/allege`, `accuse`, `ACCUSE`, `accuse/allege`, `accuse:allege`.
pub fn event_path(text: &str) -> Result<String, Error> {
    let cleaned = text.trim().trim_start_matches('/').to_lowercase().replace(':', "/");
    let event_type = cleaned.split('/').next().unwrap_or("");
    if !EVENT_TYPES.contains(&event_type) {
        return Err(Error::BadArgument(format!(
            "unknown event `{text}`; use a PLOVER type such as {}",
            EVENT_TYPES.join(", ")
        )));
    }
    Ok(format!("/{cleaned}"))
}

/// Turns names into facet paths, loading the dictionaries only when a name
/// (not a path) is given, so plain searches start fast.
pub struct NameResolver {
    source: DictionarySource,
    dictionaries: Option<Dictionaries>,
}

impl NameResolver {
    /// Resolves names with the dictionaries from `source`.
    pub fn new(source: DictionarySource) -> NameResolver {
        NameResolver {
            source,
            dictionaries: None,
        }
    }

    fn dictionaries(&mut self) -> Result<&Dictionaries, Error> {
        if self.dictionaries.is_none() {
            self.dictionaries = Some(Dictionaries::load(&self.source)?);
        }
        Ok(self.dictionaries.as_ref().expect("just loaded"))
    }

    pub fn entity(&mut self, text: &str, flag: &str) -> Result<String, Error> {
        let text = text.trim();
        if text.starts_with('/') {
            let kind = text.split('/').nth(1).unwrap_or("");
            // `mention` also holds every event type an article words.
            if kind == "event" && flag == "mention" {
                return Ok(format!("/event{}", event_path(&text["/event".len()..])?));
            }
            if !["country", "igo", "group", "person"].contains(&kind) || text.len() < 3 {
                let events = if flag == "mention" {
                    ", or /event/ for an event type"
                } else {
                    ""
                };
                return Err(Error::BadArgument(format!(
                    "--{flag} `{text}` is not an actor path; paths start with /country/, /igo/, /group/ or /person/{events}"
                )));
            }
            return Ok(text.to_string());
        }
        self.dictionaries()?.resolve_actor(text).ok_or_else(|| {
            Error::BadArgument(format!(
                "--{flag} `{text}`: no such name in the dictionaries; give a facet path such as /country/CHN"
            ))
        })
    }

    pub fn dyad(&mut self, text: &str) -> Result<String, Error> {
        let parts: Vec<&str> = text.trim().trim_start_matches('/').split([':', '/']).collect();
        let [source, event_type, target] = parts[..] else {
            return Err(Error::BadArgument(format!(
                "--dyad `{text}` is not SOURCE:event:TARGET, e.g. GBR:accuse:CHN"
            )));
        };
        let event_type = event_type.to_lowercase();
        if !EVENT_TYPES.contains(&event_type.as_str()) {
            return Err(Error::BadArgument(format!(
                "--dyad `{text}`: unknown event type `{event_type}`"
            )));
        }
        let code = |me: &mut Self, part: &str| -> Result<String, Error> {
            if part.len() == 3 && part.chars().all(|c| c.is_ascii_uppercase())
                || part.starts_with('G') && part[1..].chars().all(|c| c.is_ascii_digit())
            {
                return Ok(part.to_string());
            }
            let dictionaries = me.dictionaries()?;
            if let Some(iso3) = dictionaries.resolve_country_code(part) {
                return Ok(iso3);
            }
            match dictionaries.resolve_actor(part) {
                Some(path) => Ok(path.rsplit('/').next().unwrap_or(part).to_string()),
                None => Err(Error::BadArgument(format!("--dyad `{text}`: unknown actor `{part}`"))),
            }
        };
        let source = code(self, source)?;
        let target = code(self, target)?;
        Ok(format!("/{source}/{event_type}/{target}"))
    }
}

/// The longest query accepted, in bytes.
pub const MAX_QUERY_BYTES: usize = 10_000;
/// The deepest nesting of brackets accepted in a query.
pub const MAX_QUERY_DEPTH: usize = 16;

/// Refuses queries too big for the query parser to handle safely: over
/// [`MAX_QUERY_BYTES`], or nested deeper than [`MAX_QUERY_DEPTH`] (the parser
/// recurses once per bracket and would run out of stack).
pub fn check_query(text: &str) -> Result<(), Error> {
    if text.len() > MAX_QUERY_BYTES {
        return Err(Error::BadQuery(format!(
            "the query is {} bytes long; the limit is {MAX_QUERY_BYTES}",
            text.len()
        )));
    }
    let (mut depth, mut deepest, mut quoted) = (0usize, 0usize, false);
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '(' | '[' | '{' if !quoted => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ')' | ']' | '}' if !quoted => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    if deepest > MAX_QUERY_DEPTH {
        return Err(Error::BadQuery(format!(
            "brackets are nested {deepest} deep; the limit is {MAX_QUERY_DEPTH}"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_too_big_or_too_deep_are_refused() {
        assert!(check_query("china (trade OR (tariffs AND steel))").is_ok());
        assert!(check_query(&"(".repeat(100_000)).is_err());
        assert!(check_query(&"china ".repeat(2_000)).is_err());
        assert!(check_query(&format!("{}x{}", "(".repeat(17), ")".repeat(17))).is_err());
        assert!(
            check_query(&format!("\"{}\"", "(".repeat(40))).is_ok(),
            "brackets in a phrase"
        );
    }

    #[test]
    fn filters_parse_or_explain() {
        assert_eq!(day_start("1970-01-02", "--from").unwrap(), 86_400);
        assert!(day_start("2024-02-30", "--from").is_err());
        assert_eq!(event_path("Accuse:allege").unwrap(), "/accuse/allege");
        assert!(event_path("/").is_err());
        let mut resolver = NameResolver::new(DictionarySource::Embedded);
        assert_eq!(resolver.entity("/country/CHN", "actor").unwrap(), "/country/CHN");
        assert!(resolver.entity("/", "actor").is_err());
        assert!(resolver.dyad("::").is_err());
    }
}
