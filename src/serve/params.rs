//! Query strings as command lines: `?q=china&actor=China&limit=5` is read
//! as `newsdex search --actor=China --limit=5 -- china`, by the same clap
//! definitions as the CLI, so that every flag is a parameter with the same
//! meaning and the same errors. Flags that reach beyond the index (export
//! files, dictionary folders, colour) are refused.

use clap::{ArgAction, CommandFactory};

use crate::cli::args::{Cli, Command, SearchArgs, TimelineArgs};

/// The longest query string accepted, in bytes.
pub const MAX_QUERY_STRING: usize = 16 * 1024;

/// Flags no request may set: they write files, read folders or only make
/// sense on a terminal.
const REFUSED: &[&str] = &[
    "export",
    "format",
    "bom",
    "dictionaries",
    "color",
    "json",
    "explain",
    "index",
];

/// Why a query string cannot be read; the message names the parameter.
#[derive(Debug)]
pub struct BadParams(pub String);

/// The `search` arguments a query string stands for.
pub fn search(query_string: &str) -> Result<SearchArgs, BadParams> {
    match parse("search", query_string)? {
        Command::Search(args) => Ok(*args),
        _ => unreachable!("parsed as search"),
    }
}

/// The `timeline` arguments a query string stands for (`compare` may repeat).
pub fn timeline(query_string: &str) -> Result<TimelineArgs, BadParams> {
    match parse("timeline", query_string)? {
        Command::Timeline(args) => Ok(*args),
        _ => unreachable!("parsed as timeline"),
    }
}

/// One named parameter's value (the last one given), for endpoints whose
/// parameters are not flags.
pub fn value(query_string: &str, key: &str) -> Option<String> {
    form_urlencoded::parse(query_string.as_bytes())
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
        .last()
}

fn parse(command: &str, query_string: &str) -> Result<Command, BadParams> {
    if query_string.len() > MAX_QUERY_STRING {
        return Err(BadParams(format!(
            "the query string is {} bytes; at most {MAX_QUERY_STRING} are read",
            query_string.len()
        )));
    }
    let bytes = query_string.as_bytes();
    for (at, _) in bytes.iter().enumerate().filter(|(_, &b)| b == b'%') {
        let escape = bytes.get(at + 1..at + 3);
        if !escape.is_some_and(|e| e.iter().all(u8::is_ascii_hexdigit)) {
            return Err(BadParams(format!(
                "malformed percent-encoding at byte {at} of the query string"
            )));
        }
    }
    let cli = Cli::command();
    let sub = cli.find_subcommand(command).expect("the subcommand exists");
    let mut argv: Vec<String> = vec!["newsdex".into(), command.into()];
    let mut query = Vec::new();
    for (key, value) in form_urlencoded::parse(query_string.as_bytes()) {
        if key == "q" {
            if !value.trim().is_empty() {
                query.push(value.into_owned());
            }
            continue;
        }
        let arg = sub
            .get_arguments()
            .find(|a| a.get_long() == Some(&*key) && !REFUSED.contains(&&*key))
            .ok_or_else(|| BadParams(format!("unknown parameter `{key}`")))?;
        match arg.get_action() {
            ArgAction::SetTrue => match &*value {
                "" | "1" | "true" | "on" => argv.push(format!("--{key}")),
                "0" | "false" | "off" => {}
                other => return Err(BadParams(format!("`{key}` is true or false, not `{other}`"))),
            },
            _ => argv.push(format!("--{key}={value}")),
        }
    }
    if query.is_empty() {
        query.push("*".to_string());
    }
    argv.push("--".into());
    argv.extend(query);
    let parsed = <Cli as clap::Parser>::try_parse_from(&argv).map_err(|e| {
        let text = e.to_string();
        let first = text
            .lines()
            .next()
            .unwrap_or("bad parameters")
            .trim_start_matches("error: ");
        BadParams(first.replace("'--", "'").replace("--", ""))
    })?;
    Ok(parsed.command)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_the_flags() {
        let args = search("q=china+trade&actor=China&actor=Russia&any=true&limit=5").unwrap();
        assert_eq!(args.query, vec!["china trade"]);
        assert_eq!(args.filters.actor, vec!["China", "Russia"]);
        assert!(args.any);
        assert_eq!(args.limit, 5);
        assert_eq!(search("").unwrap().query, vec!["*"]);
        // A value starting with a dash is a value, not a flag.
        assert_eq!(search("q=-x").unwrap().query, vec!["-x"]);
    }

    #[test]
    fn unknown_refused_and_malformed_parameters_are_named() {
        for (query, expected) in [
            ("q=x&nope=1", "unknown parameter `nope`"),
            ("q=x&export=/tmp/x.csv", "unknown parameter `export`"),
            ("q=x&dictionaries=/etc", "unknown parameter `dictionaries`"),
            ("q=x&any=maybe", "`any` is true or false"),
            ("q=x&limit=lots", "invalid value"),
        ] {
            let err = search(query).unwrap_err().0;
            assert!(err.contains(expected), "{query}: {err}");
        }
        assert!(search(&"a".repeat(MAX_QUERY_STRING + 1)).is_err());
    }
}
