//! Reading publication dates as feeds and exports write them: RFC 3339, RFC 2822 (with the
//! weekday wrong or missing), and the common `2026-03-04 10:00`, `2026-03-04`, `March 4, 2026`
//! forms. A date without a time zone is taken as UTC.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// Parses `s`, or `None` when it is not a date we know how to read.
pub(crate) fn parse(s: &str) -> Option<DateTime<FixedOffset>> {
    let s = s.trim();
    if s.is_empty() || s.len() > 64 {
        return None;
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d);
    }
    if let Ok(d) = DateTime::parse_from_rfc2822(s) {
        return Some(d);
    }
    // RFC 2822 with a weekday that does not match, or none, or a zone name chrono lacks.
    let no_weekday = match s.split_once(", ") {
        Some((day, rest)) if day.len() <= 9 && day.chars().all(|c| c.is_ascii_alphabetic()) => rest,
        _ => s,
    };
    let zoned = replace_zone(no_weekday);
    for format in [
        "%d %b %Y %H:%M:%S %z",
        "%d %b %Y %H:%M %z",
        "%d %B %Y %H:%M:%S %z",
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S %z",
        "%Y-%m-%dT%H:%M%z",
    ] {
        if let Ok(d) = DateTime::parse_from_str(&zoned, format) {
            return Some(d);
        }
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
        "%Y/%m/%d %H:%M:%S",
        "%Y/%m/%d %H:%M",
        "%d %b %Y %H:%M:%S",
        "%d %b %Y %H:%M",
    ] {
        if let Ok(d) = NaiveDateTime::parse_from_str(s, format) {
            return Some(utc(d));
        }
    }
    for format in [
        "%Y-%m-%d",
        "%Y/%m/%d",
        "%d %B %Y",
        "%d %b %Y",
        "%B %d, %Y",
        "%b %d, %Y",
        "%b. %d, %Y",
        "%Y%m%d",
    ] {
        if let Ok(d) = NaiveDate::parse_from_str(s, format) {
            return Some(utc(d.and_hms_opt(0, 0, 0)?));
        }
    }
    None
}

/// A Unix timestamp in seconds, or in milliseconds when it is too large to be seconds.
pub(crate) fn from_timestamp(n: f64) -> Option<DateTime<FixedOffset>> {
    if !n.is_finite() {
        return None;
    }
    let secs = if n.abs() > 1e11 { n / 1000.0 } else { n };
    if secs.abs() > 1e13 {
        return None;
    }
    let d = DateTime::from_timestamp(secs.floor() as i64, 0)?;
    Some(d.fixed_offset())
}

fn utc(d: NaiveDateTime) -> DateTime<FixedOffset> {
    Utc.from_utc_datetime(&d).fixed_offset()
}

/// Replaces a trailing zone name (`GMT`, `UTC`, `Z`, `EST`...) with its numeric offset.
fn replace_zone(s: &str) -> String {
    let Some((head, zone)) = s.rsplit_once(' ') else {
        return s.to_owned();
    };
    let offset = match zone {
        "GMT" | "UTC" | "UT" | "Z" => "+0000",
        "EST" => "-0500",
        "EDT" => "-0400",
        "CST" => "-0600",
        "CDT" => "-0500",
        "MST" => "-0700",
        "MDT" => "-0600",
        "PST" => "-0800",
        "PDT" => "-0700",
        "CET" => "+0100",
        "CEST" => "+0200",
        "BST" => "+0100",
        _ => return s.to_owned(),
    };
    format!("{head} {offset}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: Option<&str>) {
        assert_eq!(
            parse(input).map(|d| d.to_rfc3339()).as_deref(),
            expected,
            "{input:?}"
        );
    }

    #[test]
    fn dates() {
        check(
            "2026-03-04T10:15:00+01:00",
            Some("2026-03-04T10:15:00+01:00"),
        );
        check("2026-03-04T10:15:00Z", Some("2026-03-04T10:15:00+00:00"));
        check(
            "Wed, 04 Mar 2026 10:15:00 GMT",
            Some("2026-03-04T10:15:00+00:00"),
        );
        check(
            "Mon, 04 Mar 2026 10:15:00 +0100",
            Some("2026-03-04T10:15:00+01:00"),
        );
        check(
            "04 Mar 2026 10:15:00 EST",
            Some("2026-03-04T10:15:00-05:00"),
        );
        check("2026-03-04 10:15:00", Some("2026-03-04T10:15:00+00:00"));
        check("2026-03-04 10:15", Some("2026-03-04T10:15:00+00:00"));
        check("2026-03-04", Some("2026-03-04T00:00:00+00:00"));
        check("March 4, 2026", Some("2026-03-04T00:00:00+00:00"));
        check("4 March 2026", Some("2026-03-04T00:00:00+00:00"));
        check("yesterday", None);
        check("", None);
    }

    #[test]
    fn timestamps() {
        assert_eq!(
            from_timestamp(1_772_619_300.0).map(|d| d.to_rfc3339()),
            Some("2026-03-04T10:15:00+00:00".into())
        );
        assert_eq!(
            from_timestamp(1_772_619_300_000.0).map(|d| d.to_rfc3339()),
            Some("2026-03-04T10:15:00+00:00".into())
        );
        assert_eq!(from_timestamp(f64::NAN), None);
    }
}
