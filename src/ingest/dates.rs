//! Date parsing: every date shape the corpora use, normalised to UTC.
//!
//! Accepted: ISO 8601 dates and datetimes (with or without offset), RFC 2822,
//! RFC 3339, Reuters' `26-FEB-1987 15:01:01.79`, long forms such as
//! `March 26, 2024` or `26 March 2024`, US `3/26/2024`, and Unix timestamps
//! (seconds or milliseconds) given as JSON numbers.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

/// The earliest and latest instants the index can store: tantivy keeps dates
/// as nanoseconds since 1970 in an i64 (1677-09-21 to 2262-04-11), trimmed to
/// whole days.
pub const EARLIEST: i64 = -9_223_286_400; // 1677-09-22T00:00:00Z
pub const LATEST: i64 = 9_223_286_399; // 2262-04-10T23:59:59Z

/// Parses a date as it appears in a corpus. `None` when the text is not a date
/// newsdex understands, or the date lies outside what the index can store
/// ([`EARLIEST`] to [`LATEST`]).
pub fn parse_date(text: &str) -> Option<DateTime<Utc>> {
    parse_any(text).and_then(in_range)
}

fn parse_any(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if text.is_empty() || text.len() > 64 {
        return None;
    }
    if let Some(date) = plain_date(text) {
        return Some(Utc.from_utc_datetime(&date.and_time(NaiveTime::MIN)));
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
        return Some(dt.with_timezone(&Utc));
    }
    if let Ok(dt) = DateTime::parse_from_rfc2822(text) {
        return Some(dt.with_timezone(&Utc));
    }
    const WITH_OFFSET: &[&str] = &[
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M%z",
        "%Y-%m-%d %H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S%.f %z",
        "%a, %d %b %Y %H:%M:%S %Z",
    ];
    for format in WITH_OFFSET {
        if let Ok(dt) = DateTime::parse_from_str(text, format) {
            return Some(dt.with_timezone(&Utc));
        }
    }
    // Month names arrive as FEB, Feb or feb; chrono wants one spelling.
    let normalised = title_case_months(text.trim_end_matches(" UTC").trim_end_matches('Z'));
    const NAIVE_DATETIME: &[&str] = &[
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
        "%d-%b-%Y %H:%M:%S%.f",
        "%d-%b-%Y %H:%M:%S",
        "%B %d, %Y %H:%M",
        "%b %d, %Y %H:%M",
        "%m/%d/%Y %H:%M:%S",
        "%m/%d/%Y %H:%M",
        "%Y/%m/%d %H:%M:%S",
    ];
    for format in NAIVE_DATETIME {
        if let Ok(dt) = NaiveDateTime::parse_from_str(&normalised, format) {
            return in_range(Utc.from_utc_datetime(&dt));
        }
    }
    const NAIVE_DATE: &[&str] = &[
        "%Y-%m-%d",
        "%Y%m%d",
        "%Y/%m/%d",
        "%d-%b-%Y",
        "%B %d, %Y",
        "%b %d, %Y",
        "%B %d %Y",
        "%b. %d, %Y",
        "%d %B %Y",
        "%d %b %Y",
        "%A, %B %d, %Y",
        "%a, %d %b %Y",
        "%m/%d/%Y",
        "%d.%m.%Y",
    ];
    for format in NAIVE_DATE {
        if let Ok(date) = NaiveDate::parse_from_str(&normalised, format) {
            return in_range(Utc.from_utc_datetime(&date.and_time(NaiveTime::MIN)));
        }
    }
    None
}

/// `YYYY-MM-DD`, the shape most corpora use, read without trying the
/// formats before it below (each failed try costs a parse).
fn plain_date(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    let shape = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shape {
        return None;
    }
    NaiveDate::from_ymd_opt(
        text[0..4].parse().ok()?,
        text[5..7].parse().ok()?,
        text[8..10].parse().ok()?,
    )
}

/// Interprets a JSON number as a Unix timestamp: milliseconds when it is too
/// large to be seconds of a plausible date.
pub fn from_timestamp(value: f64) -> Option<DateTime<Utc>> {
    if !value.is_finite() {
        return None;
    }
    let seconds = if value.abs() > 1e11 { value / 1000.0 } else { value };
    DateTime::from_timestamp(seconds as i64, 0).and_then(in_range)
}

fn in_range(dt: DateTime<Utc>) -> Option<DateTime<Utc>> {
    (EARLIEST..=LATEST).contains(&dt.timestamp()).then_some(dt)
}

fn title_case_months(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.len() >= 3 && word.chars().all(|c| c.is_ascii_alphabetic()) {
            let lower = word.to_ascii_lowercase();
            let mut chars = lower.chars();
            if let Some(first) = chars.next() {
                out.push(first.to_ascii_uppercase());
                out.extend(chars);
            }
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphabetic() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd_hms(text: &str) -> String {
        parse_date(text)
            .map(|d| d.format("%Y-%m-%d %H:%M:%S").to_string())
            .unwrap_or_else(|| "none".into())
    }

    #[test]
    fn iso_dates_and_datetimes() {
        assert_eq!(ymd_hms("2024-03-26"), "2024-03-26 00:00:00");
        assert_eq!(ymd_hms("2024-03-26T09:15:00Z"), "2024-03-26 09:15:00");
        assert_eq!(ymd_hms("2024-03-26T09:15:00+02:00"), "2024-03-26 07:15:00");
        assert_eq!(ymd_hms("2024-03-26T09:15:00.123"), "2024-03-26 09:15:00");
        assert_eq!(ymd_hms("2024-03-26 09:15:00"), "2024-03-26 09:15:00");
    }

    #[test]
    fn the_plain_date_shortcut_reads_as_chrono_does() {
        for text in [
            "2024-03-26",
            "1987-02-28",
            "2024-02-29",
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "0000-01-01",
            "9999-12-31",
            "2024-3-26",
            "2024-03-2a",
            "+024-03-26",
        ] {
            // Where the shortcut gives up, the formats after it still read the text.
            let by_format = NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .and_then(|date| in_range(Utc.from_utc_datetime(&date.and_time(NaiveTime::MIN))));
            assert_eq!(parse_date(text), by_format, "{text}");
            if let Some(date) = plain_date(text) {
                assert_eq!(date.format("%Y-%m-%d").to_string(), text);
            }
        }
        assert!(plain_date("2024-02-29").is_some());
        assert!(plain_date("2023-02-29").is_none());
    }

    #[test]
    fn rfc2822() {
        assert_eq!(ymd_hms("Tue, 26 Mar 2024 09:15:00 +0000"), "2024-03-26 09:15:00");
        assert_eq!(ymd_hms("Tue, 26 Mar 2024 09:15:00 GMT"), "2024-03-26 09:15:00");
    }

    #[test]
    fn reuters_style() {
        assert_eq!(ymd_hms("26-FEB-1987 15:01:01.79"), "1987-02-26 15:01:01");
        assert_eq!(ymd_hms(" 5-MAR-1987 09:10:15.11"), "1987-03-05 09:10:15");
    }

    #[test]
    fn long_forms() {
        assert_eq!(ymd_hms("March 26, 2024"), "2024-03-26 00:00:00");
        assert_eq!(ymd_hms("Mar 26, 2024"), "2024-03-26 00:00:00");
        assert_eq!(ymd_hms("26 March 2024"), "2024-03-26 00:00:00");
        assert_eq!(ymd_hms("3/26/2024"), "2024-03-26 00:00:00");
    }

    #[test]
    fn rejects_garbage() {
        for text in [
            "",
            "sometime last week",
            "9/16/",
            "2024-13-45",
            "0000-00-00",
            "yesterday",
        ] {
            assert_eq!(ymd_hms(text), "none", "{text:?}");
        }
    }

    #[test]
    fn timestamps() {
        assert_eq!(
            from_timestamp(1_711_444_500.0).unwrap().to_rfc3339(),
            "2024-03-26T09:15:00+00:00"
        );
        assert_eq!(
            from_timestamp(1_711_444_500_000.0).unwrap().to_rfc3339(),
            "2024-03-26T09:15:00+00:00"
        );
        assert!(from_timestamp(f64::NAN).is_none());
    }
}

#[cfg(test)]
mod range_tests {
    use super::*;

    #[test]
    fn dates_the_index_cannot_store_are_not_dates() {
        for text in [
            "0001-01-01",
            "1066-10-14",
            "9999-12-31T23:59:59Z",
            "2262-04-12",
            "1677-09-20",
        ] {
            assert_eq!(parse_date(text), None, "{text}");
        }
        for text in ["1678-01-01", "2261-12-31T23:59:59Z", "1970-01-01"] {
            assert!(parse_date(text).is_some(), "{text}");
        }
        assert_eq!(from_timestamp(1e300), None);
        // Every date that parses converts to the index's nanoseconds.
        for secs in [EARLIEST, LATEST] {
            assert!(secs.checked_mul(1_000_000_000).is_some());
        }
    }
}
