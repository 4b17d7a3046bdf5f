//! Timelines: how many articles match per day, week, month or year, for one
//! query or several on one time axis, optionally as a share of everything
//! the index holds for that period. Counts come from the same query and
//! filters as a search, so a period's count is what `search` reports for it.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::query::AllQuery;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use super::{Filters, Searcher};
use crate::store::field_names;
use crate::Error;

/// The width of a timeline's buckets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    Day,
    /// ISO weeks, Monday to Sunday.
    Week,
    Month,
    Year,
}

/// The most periods one timeline draws (about 270 years of days).
pub const MAX_PERIODS: i64 = 100_000;

impl Period {
    pub fn name(self) -> &'static str {
        match self {
            Period::Day => "day",
            Period::Week => "week",
            Period::Month => "month",
            Period::Year => "year",
        }
    }

    /// The bucket size for a span of `days`: about 100 periods or fewer.
    pub fn for_span(days: i64) -> Period {
        if days <= 120 {
            Period::Day
        } else if days <= 730 {
            Period::Week
        } else if days <= 3_660 {
            Period::Month
        } else {
            Period::Year
        }
    }

    /// The first day of the period holding `day`.
    pub fn start(self, day: NaiveDate) -> NaiveDate {
        match self {
            Period::Day => day,
            Period::Week => day - chrono::Days::new(u64::from(day.weekday().num_days_from_monday())),
            Period::Month => day.with_day(1).expect("every month has a first day"),
            Period::Year => NaiveDate::from_ymd_opt(day.year(), 1, 1).expect("every year has a first day"),
        }
    }

    /// The first day of the period after the one starting on `start`.
    pub fn next(self, start: NaiveDate) -> NaiveDate {
        match self {
            Period::Day => start + chrono::Days::new(1),
            Period::Week => start + chrono::Days::new(7),
            Period::Month => start + chrono::Months::new(1),
            Period::Year => start + chrono::Months::new(12),
        }
    }

    /// How people write the period starting on `start`: 2024-03-05,
    /// 2024-W10, 2024-03, 2024.
    pub fn label(self, start: NaiveDate) -> String {
        match self {
            Period::Day => start.format("%Y-%m-%d").to_string(),
            Period::Week => {
                let week = start.iso_week();
                format!("{}-W{:02}", week.year(), week.week())
            }
            Period::Month => start.format("%Y-%m").to_string(),
            Period::Year => start.format("%Y").to_string(),
        }
    }
}

/// The queries of a timeline and what they share.
#[derive(Debug, Clone)]
pub struct TimelineRequest {
    /// One series per query (`*` for every article).
    pub queries: Vec<String>,
    pub any: bool,
    pub filters: Filters,
    /// The bucket size; `None` chooses one from the span of the dates.
    pub by: Option<Period>,
    /// Also count every article of the index per period, for shares.
    pub normalize: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Timeline {
    pub by: Period,
    pub series: Vec<Series>,
    /// Every period from the first to the last, empty ones included.
    pub periods: Vec<PeriodCounts>,
}

/// One query's totals.
#[derive(Debug, Clone, Serialize)]
pub struct Series {
    pub query: String,
    /// How a query that is not valid query language was read instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query_note: Option<String>,
    /// Every matching article: `dated` + `undated`, as `search` counts.
    pub total: u64,
    pub dated: u64,
    /// Matching articles without a date, in no period.
    pub undated: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct PeriodCounts {
    /// The period's first day, YYYY-MM-DD.
    pub start: String,
    pub label: String,
    /// One count per series, in the order of the queries.
    pub counts: Vec<u64>,
    /// With `normalize`: every article of the index in this period.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub articles: Option<u64>,
    /// With `normalize`: each count divided by `articles` (0 for an empty period).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shares: Option<Vec<f64>>,
}

/// Matching articles per day since the epoch, and those without a date.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DayCounts {
    pub days: BTreeMap<i64, u64>,
    pub undated: u64,
}

impl DayCounts {
    pub fn total(&self) -> u64 {
        self.days.values().sum::<u64>() + self.undated
    }

    /// The counts summed per period from `first` to `last` inclusive.
    fn per_period(&self, by: Period, starts: &[NaiveDate]) -> Vec<u64> {
        let mut counts = vec![0; starts.len()];
        for (&day, &n) in &self.days {
            let start = by.start(day_to_date(day));
            if let Ok(i) = starts.binary_search(&start) {
                counts[i] += n;
            }
        }
        counts
    }
}

fn day_to_date(day: i64) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(i32::try_from(day + EPOCH_DAYS_FROM_CE).unwrap_or(i32::MAX))
        .unwrap_or(NaiveDate::MAX)
}

#[cfg(test)]
fn date_to_day(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce()) - EPOCH_DAYS_FROM_CE
}

/// Days from 0001-01-01 (day 1) to 1970-01-01.
const EPOCH_DAYS_FROM_CE: i64 = 719_163;

/// Counts matching documents per day of the date column.
pub struct DayCollector;

pub struct DaySegmentCollector {
    dates: Column<tantivy::DateTime>,
    counts: DayCounts,
}

impl Collector for DayCollector {
    type Fruit = DayCounts;
    type Child = DaySegmentCollector;

    fn for_segment(&self, _: SegmentOrdinal, segment: &SegmentReader) -> tantivy::Result<DaySegmentCollector> {
        Ok(DaySegmentCollector {
            dates: segment.fast_fields().date(field_names::DATE)?,
            counts: DayCounts::default(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<DayCounts>) -> tantivy::Result<DayCounts> {
        let mut merged = DayCounts::default();
        for fruit in fruits {
            merged.undated += fruit.undated;
            for (day, n) in fruit.days {
                *merged.days.entry(day).or_default() += n;
            }
        }
        Ok(merged)
    }
}

impl SegmentCollector for DaySegmentCollector {
    type Fruit = DayCounts;

    fn collect(&mut self, doc: DocId, _: Score) {
        match self.dates.first(doc) {
            Some(date) => {
                *self
                    .counts
                    .days
                    .entry(date.into_timestamp_secs().div_euclid(86_400))
                    .or_default() += 1
            }
            None => self.counts.undated += 1,
        }
    }

    fn harvest(self) -> DayCounts {
        self.counts
    }
}

/// A histogram of one result set, as `search --histogram` gives it.
#[derive(Debug, Clone, Serialize)]
pub struct Histogram {
    pub by: Period,
    pub buckets: Vec<HistogramBucket>,
    pub undated: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct HistogramBucket {
    pub start: String,
    pub label: String,
    pub count: u64,
}

impl Histogram {
    /// The day counts in periods of `by`, from the first dated article (or
    /// `from`) to the last (or `to`), empty periods included.
    pub fn new(counts: &DayCounts, by: Period, filters: &Filters) -> Result<Histogram, Error> {
        let starts = period_starts(by, std::slice::from_ref(counts), filters)?;
        let per_period = counts.per_period(by, &starts);
        Ok(Histogram {
            by,
            buckets: starts
                .iter()
                .zip(per_period)
                .map(|(start, count)| HistogramBucket {
                    start: start.format("%Y-%m-%d").to_string(),
                    label: by.label(*start),
                    count,
                })
                .collect(),
            undated: counts.undated,
        })
    }
}

/// The span of days the timeline covers: the filter's dates where given,
/// else the first and last dated article of any series.
fn day_span(series: &[DayCounts], filters: &Filters) -> Option<(i64, i64)> {
    let first = filters
        .from
        .map(|s| s.div_euclid(86_400))
        .or_else(|| series.iter().filter_map(|c| c.days.keys().next().copied()).min())?;
    let last = filters
        .to
        .map(|s| (s - 1).div_euclid(86_400))
        .or_else(|| series.iter().filter_map(|c| c.days.keys().next_back().copied()).max())?;
    Some((first, last.max(first)))
}

/// The first day of every period of the span.
fn period_starts(by: Period, series: &[DayCounts], filters: &Filters) -> Result<Vec<NaiveDate>, Error> {
    let Some((first, last)) = day_span(series, filters) else {
        return Ok(Vec::new());
    };
    let days = last - first + 1;
    let rough = match by {
        Period::Day => days,
        Period::Week => days / 7,
        Period::Month => days / 28,
        Period::Year => days / 365,
    };
    if rough > MAX_PERIODS {
        return Err(Error::BadArgument(format!(
            "the dates span {days} days: {rough} periods of a {} are too many; use a longer --by or narrow with --from/--to",
            by.name()
        )));
    }
    let end = day_to_date(last);
    let mut start = by.start(day_to_date(first));
    let mut starts = Vec::new();
    while start <= end {
        starts.push(start);
        start = by.next(start);
    }
    Ok(starts)
}

impl Searcher {
    /// Counts a query's matching articles per day.
    pub fn day_counts(&self, query: &str, any: bool, filters: &Filters) -> Result<(DayCounts, Option<String>), Error> {
        let (user_query, note) = self.parse_query(query, any)?;
        let filtered = self.with_filters(user_query, filters)?;
        Ok((self.searcher().search(&*filtered, &DayCollector)?, note))
    }

    pub fn timeline(&self, request: &TimelineRequest) -> Result<Timeline, Error> {
        let mut series = Vec::new();
        let mut counts = Vec::new();
        for query in &request.queries {
            let (days, query_note) = self.day_counts(query, request.any, &request.filters)?;
            series.push(Series {
                query: query.clone(),
                query_note,
                total: days.total(),
                dated: days.total() - days.undated,
                undated: days.undated,
            });
            counts.push(days);
        }
        let by = request.by.unwrap_or_else(|| {
            Period::for_span(day_span(&counts, &request.filters).map_or(0, |(first, last)| last - first))
        });
        let starts = period_starts(by, &counts, &request.filters)?;
        let per_series: Vec<Vec<u64>> = counts.iter().map(|c| c.per_period(by, &starts)).collect();
        let articles = if request.normalize {
            let everything = self.searcher().search(&AllQuery, &DayCollector)?;
            Some(everything.per_period(by, &starts))
        } else {
            None
        };
        let periods = starts
            .iter()
            .enumerate()
            .map(|(i, start)| {
                let counts: Vec<u64> = per_series.iter().map(|s| s[i]).collect();
                let articles = articles.as_ref().map(|a| a[i]);
                let shares = articles.map(|all| {
                    counts
                        .iter()
                        .map(|&n| if all == 0 { 0.0 } else { n as f64 / all as f64 })
                        .collect()
                });
                PeriodCounts {
                    start: start.format("%Y-%m-%d").to_string(),
                    label: by.label(*start),
                    counts,
                    articles,
                    shares,
                }
            })
            .collect();
        Ok(Timeline { by, series, periods })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn periods_start_where_people_expect() {
        let wednesday = date("2024-03-06");
        assert_eq!(Period::Day.start(wednesday), wednesday);
        assert_eq!(
            Period::Week.start(wednesday),
            date("2024-03-04"),
            "weeks start on Monday"
        );
        assert_eq!(Period::Month.start(wednesday), date("2024-03-01"));
        assert_eq!(Period::Year.start(wednesday), date("2024-01-01"));
        assert_eq!(Period::Week.label(date("2024-12-30")), "2025-W01", "ISO week years");
        assert_eq!(Period::Month.next(date("2024-01-01")), date("2024-02-01"));
        assert_eq!(date_to_day(date("1970-01-02")), 1);
        assert_eq!(day_to_date(-1), date("1969-12-31"));
    }

    #[test]
    fn empty_periods_are_zero_not_gaps() {
        let mut counts = DayCounts::default();
        counts.days.insert(date_to_day(date("2024-01-15")), 2);
        counts.days.insert(date_to_day(date("2024-04-02")), 1);
        counts.undated = 5;
        let histogram = Histogram::new(&counts, Period::Month, &Filters::default()).unwrap();
        let got: Vec<(&str, u64)> = histogram.buckets.iter().map(|b| (b.label.as_str(), b.count)).collect();
        assert_eq!(got, [("2024-01", 2), ("2024-02", 0), ("2024-03", 0), ("2024-04", 1)]);
        assert_eq!(histogram.undated, 5);
        let zoomed = Filters {
            from: Some(date_to_day(date("2023-12-01")) * 86_400),
            to: Some(date_to_day(date("2024-02-01")) * 86_400),
            ..Filters::default()
        };
        let histogram = Histogram::new(&counts, Period::Month, &zoomed).unwrap();
        assert_eq!(histogram.buckets.len(), 2, "--from/--to set the span: {histogram:?}");
    }

    #[test]
    fn the_bucket_size_follows_the_span() {
        assert_eq!(Period::for_span(30), Period::Day);
        assert_eq!(Period::for_span(400), Period::Week);
        assert_eq!(Period::for_span(3_000), Period::Month);
        assert_eq!(Period::for_span(20_000), Period::Year);
    }
}
