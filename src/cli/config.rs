//! Resolving: parsed flags become the library's configurations (files found,
//! names made facet paths, days made timestamps, defaults filled in), checked
//! before any work starts.

use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};

use newsdex::ingest;
use newsdex::ops;
use newsdex::ops::{DeleteRequest, IndexConfig, RetagConfig, WatchedQuery};
use newsdex::search::{
    check_query, day_start, event_path, CountUnit, FacetFilter, Filters, NameResolver, SearchRequest, SortOrder,
    TimelineRequest,
};
use newsdex::tag::DictionarySource;

use super::args::{
    ColorChoice, CountUnitArg, DeleteArgs, DictionaryArgs, FilterArgs, IndexArgs, RetagArgs, SearchArgs, TagArgs,
    TimelineArgs, WatchArgs, WriterArgs,
};

pub fn dictionary_source(args: &DictionaryArgs) -> Result<DictionarySource> {
    match &args.dictionaries {
        Some(dir) if !dir.is_dir() => bail!("dictionary folder {} does not exist", dir.display()),
        Some(dir) => Ok(DictionarySource::Dir(dir.clone())),
        None => Ok(DictionarySource::Embedded),
    }
}

fn thread_count(args: &WriterArgs) -> Result<usize> {
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    if threads == 0 {
        bail!("--threads must be at least 1");
    }
    Ok(threads)
}

/// What `newsdex index` runs with; the input folders are walked here, once.
pub fn index(index_dir: PathBuf, args: &IndexArgs) -> Result<IndexConfig> {
    let dictionaries = dictionary_source(&args.dictionaries)?;
    let mut fields = dictionaries.field_map()?;
    for spec in &args.fields {
        fields.apply_override(spec)?;
    }
    fields.tagged = args.tagged;
    Ok(IndexConfig {
        index_dir,
        inputs: ingest::collect_files(&args.paths),
        threads: thread_count(&args.writer)?,
        memory_mb: args.writer.memory,
        fields,
        dictionaries,
        rebuild: args.rebuild,
    })
}

/// Where `newsdex tag` reads from, and the JSON keys it reads.
pub fn tag(args: &TagArgs) -> Result<(ops::TagInput, ingest::FieldMap, DictionarySource)> {
    let dictionaries = dictionary_source(&args.dictionaries)?;
    let mut fields = dictionaries.field_map()?;
    for spec in &args.fields {
        fields.apply_override(spec)?;
    }
    let stdin = args.paths.is_empty() || args.paths.iter().any(|p| p.as_os_str() == "-");
    if stdin && args.paths.len() > 1 {
        bail!("`-` (standard input) cannot be read beside files; give one or the other");
    }
    let input = if stdin {
        ops::TagInput::Stream {
            name: "<stdin>".into(),
            reader: Box::new(std::io::BufReader::with_capacity(256 * 1024, std::io::stdin())),
        }
    } else {
        ops::TagInput::Files(ingest::collect_files(&args.paths))
    };
    Ok((input, fields, dictionaries))
}

pub fn retag(args: &RetagArgs) -> Result<RetagConfig> {
    Ok(RetagConfig {
        dictionaries: dictionary_source(&args.dictionaries)?,
        threads: thread_count(&args.writer)?,
        memory_mb: args.writer.memory,
    })
}

pub fn delete(args: &DeleteArgs) -> Result<DeleteRequest> {
    Ok(DeleteRequest {
        ids: args.ids.clone(),
        sources: args.sources.clone(),
        before: args.before.as_deref().map(|d| day_start(d, "--before")).transpose()?,
    })
}

/// The shell splits what the user typed; the arguments are one query
/// again. Beside other arguments, one of several words was quoted as a
/// phrase (`"foreign ministry" china`); alone, it is the whole query.
fn join_query(args: &[String]) -> String {
    let several = args.len() > 1;
    args.iter()
        .map(|word| {
            if several && word.trim().contains(char::is_whitespace) && !word.contains('"') {
                format!("\"{word}\"")
            } else {
                word.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The timeline to count: the queries checked, the filters resolved.
pub fn timeline(args: &TimelineArgs, dictionaries: DictionarySource) -> Result<TimelineRequest> {
    timeline_with(args, &mut NameResolver::new(dictionaries))
}

/// [`timeline`] with names resolved by `resolver` (the server keeps one).
pub fn timeline_with(args: &TimelineArgs, resolver: &mut NameResolver) -> Result<TimelineRequest> {
    let mut queries = vec![join_query(&args.query)];
    queries.extend(args.compare.iter().cloned());
    for query in &queries {
        check_query(query)?;
    }
    Ok(TimelineRequest {
        queries,
        any: args.any,
        filters: filters(&args.filters, resolver)?,
        by: args.by,
        normalize: args.normalize,
    })
}

/// The search to run: names resolved to facet paths, days to timestamps.
pub fn search(args: &SearchArgs, dictionaries: DictionarySource) -> Result<SearchRequest> {
    search_with(args, &mut NameResolver::new(dictionaries))
}

/// [`search`] with names resolved by `resolver` (the server keeps one).
pub fn search_with(args: &SearchArgs, resolver: &mut NameResolver) -> Result<SearchRequest> {
    let query = join_query(&args.query);
    check_query(&query)?;
    let filters = filters(&args.filters, resolver)?;
    Ok(SearchRequest {
        query,
        any: args.any,
        filters,
        sort: args.sort,
        limit: args.limit,
        offset: args.offset,
        facet_limit: args.facet_limit,
        snippet_chars: args.snippet.max(20),
        evidence: args.evidence,
        explain: args.explain,
        histogram: args.histogram,
        collapse: args.collapse,
        count: match args.count {
            CountUnitArg::Articles => CountUnit::Articles,
            CountUnitArg::Stories => CountUnit::Stories,
        },
    })
}

/// New hits a watched query prints when neither it nor `--limit` says.
const WATCH_LIMIT: usize = 20;

/// A query's own keys in a queries file; every other key is a filter.
const WATCHED_QUERY_KEYS: [&str; 4] = ["query", "any", "limit", "sort"];

/// The queries of `newsdex watch`: the queries file read (a table per
/// query, in name order), each query's keys and filters checked and
/// resolved, `--only` applied. Errors name the file and the query.
pub fn watch(args: &WatchArgs, dictionaries: DictionarySource) -> Result<Vec<WatchedQuery>> {
    let file = &args.queries;
    let text = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => bail!(
            "no queries file {}; write one with a table per query, e.g. `[uk-cyber]` then \
             `query = \"cyber attack\"` and filters such as `actor = [\"China\"]` (README: Watched queries), \
             or give --queries FILE",
            file.display()
        ),
        Err(e) => return Err(e).with_context(|| format!("cannot read the queries file {}", file.display())),
    };
    let table: toml::Table = toml::from_str(&text).map_err(|e| toml_error(file, &text, &e))?;
    if table.is_empty() {
        bail!(
            "{} holds no queries; give each one a table: `[name]` then `query = \"…\"`",
            file.display()
        );
    }
    for name in &args.only {
        if !table.contains_key(name) {
            let names: Vec<&str> = table.keys().map(String::as_str).collect();
            bail!("{} has no query `{name}` (it has {})", file.display(), names.join(", "));
        }
    }
    let mut resolver = NameResolver::new(dictionaries);
    let mut queries = Vec::new();
    for (name, value) in table {
        if !args.only.is_empty() && !args.only.contains(&name) {
            continue;
        }
        let watched =
            watched_query(&name, value, args, &mut resolver).with_context(|| format!("{} [{name}]", file.display()))?;
        queries.push(watched);
    }
    Ok(queries)
}

/// One table of a queries file: its own keys, then its filters as
/// `search` takes them (`actor = ["China"]` is `--actor China`). Every
/// error names the key.
fn watched_query(
    name: &str,
    value: toml::Value,
    args: &WatchArgs,
    resolver: &mut NameResolver,
) -> Result<WatchedQuery> {
    let toml::Value::Table(table) = value else {
        bail!("`{name}` is not a query; give each query a table: `[{name}]` then `query = \"…\"` on the next line");
    };
    let filter_keys: Vec<String> = <FilterArgs as clap::Args>::augment_args(clap::Command::new("watch"))
        .get_arguments()
        .filter_map(|arg| arg.get_long().map(str::to_string))
        .collect();
    let mut filters = toml::Table::new();
    let mut request = SearchRequest::new("");
    request.sort = SortOrder::Date;
    let mut query = None;
    let mut limit = None;
    for (key, value) in table {
        let wrong = |expected: &str| anyhow!("`{key}` must be {expected}, not {value}");
        match key.as_str() {
            "query" => query = Some(value.as_str().ok_or_else(|| wrong("a string"))?.to_string()),
            "any" => request.any = value.as_bool().ok_or_else(|| wrong("true or false"))?,
            "limit" => {
                let n = value.as_integer().and_then(|n| usize::try_from(n).ok());
                limit = Some(n.ok_or_else(|| wrong("a number of hits (0 or more)"))?);
            }
            "sort" => {
                request.sort = match value.as_str() {
                    Some("date") => SortOrder::Date,
                    Some("relevance") => SortOrder::Relevance,
                    _ => return Err(wrong("\"date\" or \"relevance\"")),
                }
            }
            _ if filter_keys.contains(&key) => {
                // A TOML date (`from = 2024-01-01`) is the day as text.
                let value = match value {
                    toml::Value::Datetime(d) => toml::Value::String(d.to_string()),
                    value => value,
                };
                let one = toml::Table::from_iter([(key.clone(), value.clone())]);
                toml::Value::Table(one)
                    .try_into::<FilterArgs>()
                    .map_err(|e| anyhow!("`{key} = {value}`: {}", e.message().trim()))?;
                filters.insert(key, value);
            }
            _ => bail!(
                "unknown key `{key}`; a query takes {} and the filters {}",
                WATCHED_QUERY_KEYS.join(", "),
                filter_keys.join(", ")
            ),
        }
    }
    let Some(query) = query else {
        bail!("no `query`; give one, e.g. `query = \"cyber attack\"` (`query = \"*\"` for every article)");
    };
    check_query(&query)?;
    let filters: FilterArgs = toml::Value::Table(filters)
        .try_into()
        .map_err(|e: toml::de::Error| anyhow!("{}", e.message().trim()))?;
    request.query = query;
    request.filters = self::filters(&filters, resolver)?;
    request.snippet_chars = args.snippet.max(20);
    request.evidence = args.evidence;
    request.facet_limit = 0;
    Ok(WatchedQuery {
        name: name.to_string(),
        request,
        limit: args.limit.or(limit).unwrap_or(WATCH_LIMIT),
    })
}

/// toml's error on one line: the file, the line and column, the message.
fn toml_error(file: &Path, text: &str, error: &toml::de::Error) -> anyhow::Error {
    let place = error.span().map(|span| {
        let before = &text[..span.start.min(text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        format!(" line {line} column {column}")
    });
    let message = error.message().split_whitespace().collect::<Vec<_>>().join(" ");
    anyhow!("{}{}: {message}", file.display(), place.unwrap_or_default())
}

/// The filters as facet paths and timestamps: names resolved, a repeated
/// flag one required group each, commas splitting a group's alternatives.
pub fn filters(args: &FilterArgs, resolver: &mut NameResolver) -> Result<Filters> {
    // An empty value would silently widen or drop a filter; it is a typo.
    fn alternatives<'a>(values: &'a [String], flag: &str) -> Result<Vec<Vec<&'a str>>> {
        values
            .iter()
            .map(|v| {
                let group: Vec<&str> = v.split(',').map(str::trim).collect();
                if group.iter().any(|s| s.is_empty()) {
                    bail!("--{flag} {v:?} has an empty value; give a name or a path, commas between alternatives");
                }
                Ok(group)
            })
            .collect()
    }
    let mut facet = |wanted: &[String],
                     unwanted: &[String],
                     flag: &str,
                     resolve: &mut dyn FnMut(&mut NameResolver, &str) -> Result<String, newsdex::Error>|
     -> Result<FacetFilter> {
        let mut filter = FacetFilter::default();
        for group in alternatives(wanted, flag)? {
            filter.all_of.push(
                group
                    .into_iter()
                    .map(|v| resolve(resolver, v))
                    .collect::<Result<_, _>>()?,
            );
        }
        for value in alternatives(unwanted, &format!("not-{flag}"))?.into_iter().flatten() {
            filter.none_of.push(resolve(resolver, value)?);
        }
        Ok(filter)
    };
    let actor = facet(&args.actor, &args.not_actor, "actor", &mut |r, v| r.entity(v, "actor"))?;
    let event = facet(&args.event, &args.not_event, "event", &mut |_, v| event_path(v))?;
    let mention = facet(&args.mention, &args.not_mention, "mention", &mut |r, v| {
        r.entity(v, "mention")
    })?;
    let dyad = facet(&args.dyad, &args.not_dyad, "dyad", &mut |r, v| r.dyad(v))?;
    let lowercase = |values: &[String], flag: &str| -> Result<Vec<String>> {
        Ok(alternatives(values, flag)?
            .into_iter()
            .flatten()
            .map(str::to_lowercase)
            .collect())
    };
    let from = args.from.as_deref().map(|d| day_start(d, "--from")).transpose()?;
    let to = args
        .to
        .as_deref()
        .map(|d| day_start(d, "--to").map(|s| s + 86_400))
        .transpose()?;
    if let (Some(from), Some(to)) = (from, to) {
        if from >= to {
            bail!("--from is after --to; nothing can match");
        }
    }
    Ok(Filters {
        actor,
        event,
        mention,
        dyad,
        sources: lowercase(&args.source, "source")?,
        not_sources: lowercase(&args.not_source, "not-source")?,
        stories: alternatives(&args.story, "story")?
            .into_iter()
            .flatten()
            .map(str::to_string)
            .collect(),
        from,
        to,
    })
}

/// The columns a chart may fill: the terminal's width, else `COLUMNS`,
/// else 80.
pub fn chart_width() -> usize {
    if let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size_of(io::stdout()) {
        return usize::from(w);
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse().ok())
        .filter(|&c: &usize| c >= 20)
        .unwrap_or(80)
}

/// Colour on a terminal, unless `NO_COLOR` is set; or as the user chose.
pub fn color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}
