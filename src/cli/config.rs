//! Resolving: parsed flags become the library's configurations (files found,
//! names made facet paths, days made timestamps, defaults filled in), checked
//! before any work starts.

use std::io::{self, IsTerminal};
use std::path::PathBuf;

use anyhow::{bail, Result};

use newsdex::ingest;
use newsdex::ops;
use newsdex::ops::{DeleteRequest, IndexConfig, RetagConfig};
use newsdex::search::{
    check_query, day_start, event_path, CountUnit, FacetFilter, Filters, NameResolver, SearchRequest, TimelineRequest,
};
use newsdex::tag::DictionarySource;

use super::args::{
    ColorChoice, CountUnitArg, DeleteArgs, DictionaryArgs, FilterArgs, IndexArgs, RetagArgs, SearchArgs, TagArgs,
    TimelineArgs, WriterArgs,
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
    let mut queries = vec![join_query(&args.query)];
    queries.extend(args.compare.iter().cloned());
    for query in &queries {
        check_query(query)?;
    }
    Ok(TimelineRequest {
        queries,
        any: args.any,
        filters: filters(&args.filters, &mut NameResolver::new(dictionaries))?,
        by: args.by,
        normalize: args.normalize,
    })
}

/// The search to run: names resolved to facet paths, days to timestamps.
pub fn search(args: &SearchArgs, dictionaries: DictionarySource) -> Result<SearchRequest> {
    let query = join_query(&args.query);
    check_query(&query)?;
    let filters = filters(&args.filters, &mut NameResolver::new(dictionaries))?;
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
