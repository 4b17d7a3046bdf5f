//! The flags, as clap parses them. Flags that several commands share are
//! defined once and flattened into each.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use newsdex::render::ExportFormat;
use newsdex::search::{Period, SortOrder};

#[derive(Debug, Parser)]
#[command(
    name = "newsdex",
    version,
    about = "Search your own news collections: index corpora, then query them by words, actors, events and dates."
)]
pub struct Cli {
    /// Index folder [default: ~/.local/share/newsdex/index]. search, timeline and stats take
    /// several (repeat the flag), or a file listing shard folders, and read them as one index
    #[arg(long, global = true, env = "NEWSDEX_INDEX", value_name = "DIR")]
    pub index: Vec<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Index files and folders of articles (dated text, plain text, JSON, JSON Lines, gzip'd)
    Index(IndexArgs),
    /// Search the index
    Search(Box<SearchArgs>),
    /// Show what the index holds
    Stats(StatsArgs),
    /// Remove articles by id, by source or by date (exit 1 if none matched)
    Delete(DeleteArgs),
    /// Re-tag every article's actors and events from its stored text with the current dictionaries
    Retag(RetagArgs),
    /// Score actor and event extraction against human labels (PLOVER gold sentences, Reuters-21578)
    Eval(EvalArgs),
    /// Count matching articles per day, week, month or year, for one query or several
    Timeline(Box<TimelineArgs>),
    /// Run the named queries of a queries file and print only the hits new since each one's last run
    /// (exit 0 if any is new, 1 if none)
    Watch(WatchArgs),
    /// Serve the index over HTTP: a search page at / and a read-only JSON API at /api/
    Serve(ServeArgs),
    /// Tag articles without an index: one JSON line per article with its facets, names and dyad evidence
    Tag(TagArgs),
    /// Print a shell completion script: `newsdex completions bash > ~/.local/share/bash-completion/completions/newsdex`
    Completions(CompletionsArgs),
    /// Print the manual page (roff), or write one page per command into a folder
    Man(ManArgs),
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write newsdex.1 and newsdex-COMMAND.1 pages into this folder instead of printing newsdex.1
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// Where the actor and event dictionaries come from.
#[derive(Debug, Args)]
pub struct DictionaryArgs {
    /// Use dictionaries from this index-schema folder instead of the built-in ones
    #[arg(long, env = "NEWSDEX_DICTIONARIES", value_name = "DIR")]
    pub dictionaries: Option<PathBuf>,
}

/// How hard a writing command works.
#[derive(Debug, Args)]
pub struct WriterArgs {
    /// Worker threads for parsing, tagging and indexing [default: number of cores]
    #[arg(long, short = 'j')]
    pub threads: Option<usize>,
    /// Indexing memory budget in MB
    #[arg(long, default_value_t = 512, value_name = "MB")]
    pub memory: usize,
}

/// Text for people, or JSON for programs.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Print one JSON object instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct TagArgs {
    /// Files or folders of articles in any format `index` reads; `-` or none
    /// for standard input (JSON Lines, or any other format, gzip'd or not)
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Read a field from another JSON key: title=headline, body=text, id=guid
    #[arg(long = "field", value_name = "FIELD=KEY")]
    pub fields: Vec<String>,
    #[command(flatten)]
    pub dictionaries: DictionaryArgs,
    /// No rejection messages, no summary
    #[arg(long, short)]
    pub quiet: bool,
    /// Write each article's title and body too, so that `newsdex index --tagged` can index the
    /// output without tagging it again
    #[arg(long)]
    pub with_text: bool,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// PLOVER gold-standard sentences (JSON Lines), e.g. plover_gsr_cameo_v08.jsonl
    #[arg(long, value_name = "FILE", required_unless_present_any = ["reuters", "articles"])]
    pub plover: Option<PathBuf>,
    /// Reuters-21578 XML folder (the reut2-*.sgm files as XML)
    #[arg(long, value_name = "DIR")]
    pub reuters: Option<PathBuf>,
    /// Whole articles labelled by reading (tests/data/gold/articles.jsonl); `corpus/…` paths in it
    /// are read from the current folder, `corpora/…` paths from --shared
    #[arg(long, value_name = "FILE")]
    pub articles: Option<PathBuf>,
    /// The folder holding `corpora/` for --articles (the project's ../shared)
    #[arg(long, value_name = "DIR", requires = "articles")]
    pub shared: Option<PathBuf>,
    #[command(flatten)]
    pub dictionaries: DictionaryArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct IndexArgs {
    /// Files or folders to read (folders recursively)
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub writer: WriterArgs,
    /// Read an article field from a given JSON key for this run, e.g. body=content_original
    #[arg(long = "field", value_name = "FIELD=KEY")]
    pub fields: Vec<String>,
    #[command(flatten)]
    pub dictionaries: DictionaryArgs,
    /// Write every rejected record (location and reason) to FILE as JSON Lines
    #[arg(long, value_name = "FILE")]
    pub rejects: Option<PathBuf>,
    /// Exit with status 2 if any record is rejected
    #[arg(long)]
    pub strict: bool,
    /// No progress bar and no per-record messages; the summary still prints
    #[arg(long, short)]
    pub quiet: bool,
    /// Build a complete new index from PATHs beside the current one and swap it in when done
    #[arg(long)]
    pub rebuild: bool,
    /// Keep the facets the records carry instead of tagging them: the JSON Lines that
    /// `newsdex tag --with-text` writes (a cluster's tagging, then its index shards)
    #[arg(long)]
    pub tagged: bool,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("what").required(true).multiple(true).args(["ids", "sources", "before"])))]
pub struct DeleteArgs {
    /// Delete the article with this id (repeat, or give several)
    #[arg(long = "id", value_name = "ID", num_args = 1..)]
    pub ids: Vec<String>,
    /// Delete the articles from this source (case-insensitive; repeat for several)
    #[arg(long = "source", value_name = "NAME")]
    pub sources: Vec<String>,
    /// Delete the articles dated before this day (YYYY-MM-DD); undated articles stay
    #[arg(long, value_name = "DATE")]
    pub before: Option<String>,
}

#[derive(Debug, Args)]
pub struct RetagArgs {
    #[command(flatten)]
    pub dictionaries: DictionaryArgs,
    #[command(flatten)]
    pub writer: WriterArgs,
}

/// What selects articles besides the query; search, timeline and watched
/// queries share them. A repeated flag requires each value; commas give
/// alternatives (`--actor China,Russia`: either).
#[derive(Debug, Args, Default, Clone, serde::Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct FilterArgs {
    /// Only articles with this actor: a facet path (/country/CHN) or a name (China, APT31, NATO);
    /// repeat for all of several, `A,B` for either
    #[arg(long, value_name = "ACTOR", help_heading = "Filters")]
    #[serde(deserialize_with = "one_or_many")]
    pub actor: Vec<String>,
    /// Leave out articles with this actor (repeat or `A,B` for several)
    #[arg(long, value_name = "ACTOR", help_heading = "Filters")]
    #[serde(deserialize_with = "one_or_many")]
    pub not_actor: Vec<String>,
    /// Only articles with this event: /accuse, /accuse/allege, accuse or accuse/allege;
    /// repeat for all of several, `A,B` for either
    #[arg(long, value_name = "EVENT", help_heading = "Filters")]
    #[serde(deserialize_with = "one_or_many")]
    pub event: Vec<String>,
    /// Leave out articles with this event
    #[arg(long, value_name = "EVENT", help_heading = "Filters")]
    #[serde(deserialize_with = "one_or_many")]
    pub not_event: Vec<String>,
    /// Only articles that mention this entity (path or name) or word this event type (/event/accuse)
    #[arg(long, value_name = "ENTITY", help_heading = "Filters")]
    #[serde(deserialize_with = "one_or_many")]
    pub mention: Vec<String>,
    /// Leave out articles that mention this entity or word this event type
    #[arg(long, value_name = "ENTITY", help_heading = "Filters")]
    #[serde(deserialize_with = "one_or_many")]
    pub not_mention: Vec<String>,
    /// Only articles with this who-did-what-to-whom: SOURCE:event:TARGET (GBR:accuse:CHN) or /GBR/accuse/CHN
    #[arg(long, value_name = "DYAD", help_heading = "Filters")]
    #[serde(deserialize_with = "one_or_many")]
    pub dyad: Vec<String>,
    /// Leave out articles with this dyad
    #[arg(long, value_name = "DYAD", help_heading = "Filters")]
    #[serde(deserialize_with = "one_or_many")]
    pub not_dyad: Vec<String>,
    /// Only articles from this source (case-insensitive; repeat or `A,B` for any of several)
    #[arg(long, value_name = "NAME", help_heading = "Filters")]
    #[serde(deserialize_with = "one_or_many")]
    pub source: Vec<String>,
    /// Leave out articles from this source
    #[arg(long, value_name = "NAME", help_heading = "Filters")]
    #[serde(deserialize_with = "one_or_many")]
    pub not_source: Vec<String>,
    /// Only the reports of this story (its id, as --collapse shows it; repeat or `A,B` for any)
    #[arg(long, value_name = "ID", help_heading = "Filters")]
    #[serde(deserialize_with = "one_or_many")]
    pub story: Vec<String>,
    /// Only articles dated on or after this day (YYYY-MM-DD)
    #[arg(long, value_name = "DATE", help_heading = "Filters")]
    pub from: Option<String>,
    /// Only articles dated on or before this day (YYYY-MM-DD)
    #[arg(long, value_name = "DATE", help_heading = "Filters")]
    pub to: Option<String>,
}

/// A queries file may give one value as a string: `actor = "China"` is
/// `actor = ["China"]`.
fn one_or_many<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    #[derive(serde::Deserialize)]
    #[serde(untagged, expecting = "a string or a list of strings")]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match serde::Deserialize::deserialize(deserializer)? {
        OneOrMany::One(value) => vec![value],
        OneOrMany::Many(values) => values,
    })
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// The queries file: a TOML table per named query (`[name]`, `query = "…"`, and filters as
    /// `search` takes them: `actor = ["China"]`, `from = "2024-01-01"`)
    #[arg(long, value_name = "FILE", default_value = "queries.toml")]
    pub queries: PathBuf,
    /// Run only these queries (repeat, or `A,B`); the others' state is kept as it is
    #[arg(long, value_name = "NAME", value_delimiter = ',')]
    pub only: Vec<String>,
    /// New hits to print per query, over each query's `limit` [default: its `limit`, else 20];
    /// every new hit is recorded as seen, printed or not
    #[arg(long, short = 'n', value_name = "N")]
    pub limit: Option<usize>,
    /// Show what is new without recording it (takes no lock, changes no state)
    #[arg(long)]
    pub dry_run: bool,
    /// Show the sentence each dyad was read from
    #[arg(long)]
    pub evidence: bool,
    /// Snippet length in characters
    #[arg(long, default_value_t = 200, value_name = "CHARS")]
    pub snippet: usize,
    /// Dictionaries that resolve the names given to actor, mention and dyad
    #[command(flatten)]
    pub dictionaries: DictionaryArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub color: ColorArgs,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Query: words (all required), "phrases", AND/OR/NOT, +must -not, title:word; `*` for everything.
    /// Several arguments are one query (`search "foreign ministry" china`)
    #[arg(required = true, num_args = 1..)]
    pub query: Vec<String>,
    /// Make every word optional and rank by BM25 (for natural-language questions)
    #[arg(long)]
    pub any: bool,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Order of results
    #[arg(long, value_enum, default_value_t = SortOrder::Relevance)]
    pub sort: SortOrder,
    /// Number of results
    #[arg(long, short = 'n', default_value_t = 10)]
    pub limit: usize,
    /// Skip this many results (for paging)
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// Print facet counts for the whole result set after the hits
    #[arg(long)]
    pub facets: bool,
    /// How many values to count per facet
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub facet_limit: usize,
    /// Count the whole result set per day, week, month or year (the `histogram` of --json;
    /// `newsdex timeline` draws it)
    #[arg(long, value_enum, value_name = "PERIOD")]
    pub histogram: Option<Period>,
    /// One hit per story (reprints, wire copies and updates of one report): its best-ranked
    /// report, with how many reports from how many outlets matched
    #[arg(long)]
    pub collapse: bool,
    /// What facet counts count: articles, or stories (a value once per story)
    #[arg(long, value_enum, default_value = "articles", value_name = "UNIT")]
    pub count: CountUnitArg,
    /// Show the sentence each dyad was read from
    #[arg(long)]
    pub evidence: bool,
    /// Explain each hit: its score per word and field (frequency, length, IDF,
    /// proximity) and, for each actor, event and dyad, the sentence and cue it came from
    #[arg(long)]
    pub explain: bool,
    /// Snippet length in characters
    #[arg(long, default_value_t = 200, value_name = "CHARS")]
    pub snippet: usize,
    /// Write every hit (not one page) to FILE: .csv, .jsonl or .parquet, with facets, dyad
    /// evidence and snippets; `-` for standard output
    #[arg(long, value_name = "FILE", help_heading = "Export")]
    pub export: Option<PathBuf>,
    /// The export's format, when the file name does not say it
    #[arg(long, value_enum, requires = "export", help_heading = "Export")]
    pub format: Option<ExportFormat>,
    /// Start a CSV export with a UTF-8 byte order mark (for spreadsheets that need one)
    #[arg(long, requires = "export", help_heading = "Export")]
    pub bom: bool,
    /// Dictionaries that resolve the names given to --actor, --mention and --dyad
    #[command(flatten)]
    pub dictionaries: DictionaryArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub color: ColorArgs,
}

#[derive(Debug, Args)]
pub struct TimelineArgs {
    /// Query, as `search` takes it (`*` for every article); several arguments are one query
    #[arg(required = true, num_args = 1..)]
    pub query: Vec<String>,
    /// Another query to draw on the same time axis (repeat for more)
    #[arg(long, value_name = "QUERY")]
    pub compare: Vec<String>,
    /// Make every word optional, as `search --any`
    #[arg(long)]
    pub any: bool,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Period of each bar [default: from the span of the dates: day up to 4 months,
    /// week up to 2 years, month up to 10 years, else year]
    #[arg(long, value_enum, value_name = "PERIOD")]
    pub by: Option<Period>,
    /// Divide each count by the articles the index holds for that period (share of attention)
    #[arg(long)]
    pub normalize: bool,
    /// Print CSV: one row per period, a column per query
    #[arg(long, conflicts_with = "json")]
    pub csv: bool,
    #[command(flatten)]
    pub dictionaries: DictionaryArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub color: ColorArgs,
}

/// Colour for people on a terminal.
#[derive(Debug, Args)]
pub struct ColorArgs {
    /// When to colour the output
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// How many top actors and events to list
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    /// Dictionaries whose labels name the actors and events
    #[command(flatten)]
    pub dictionaries: DictionaryArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// What facet counts count.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum CountUnitArg {
    Articles,
    Stories,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free one)
    #[arg(long, default_value = "127.0.0.1:7700", value_name = "HOST:PORT")]
    pub addr: std::net::SocketAddr,
    /// Allow an address beyond this machine (there is no authentication)
    #[arg(long)]
    pub public: bool,
    /// Requests answered at once; more are refused with 503
    #[arg(long, default_value_t = 16, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub max_requests: u16,
    /// Seconds a request may take before it is answered 503
    #[arg(long, default_value_t = 10.0, value_name = "SECONDS")]
    pub timeout: f64,
    /// Megabytes of decompressed articles to keep in memory per index segment (popular articles
    /// are then read without decompressing their block again)
    #[arg(long, default_value_t = 128, value_name = "MB", value_parser = clap::value_parser!(u32).range(1..=65536))]
    pub cache_mb: u32,
    #[command(flatten)]
    pub dictionaries: DictionaryArgs,
}
