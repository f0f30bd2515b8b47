//! When to ask a server again: the wait after a successful poll (the caller's interval, or
//! longer when the feed's `ttl` or the response's `Cache-Control: max-age` asks for it) and
//! after a failure (exponential backoff with jitter, at least what `Retry-After` says).
//!
//! Pure functions of their arguments (the jitter is a hash of a key and the failure count, so a
//! test can give exact figures and feeds that failed together do not come back together); the
//! caller reads the clock.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::time::Duration;

use chrono::{DateTime, Utc};

/// No wait is longer than this: a feed is looked at at least daily.
pub const MAX_WAIT: Duration = Duration::from_secs(24 * 3600);

/// The wait before the next poll of a resource that answered (200 or 304). `every` is the
/// caller's interval; `ttl` (RSS `<ttl>`) and `max_age` (from [`max_age`]) only lengthen it.
pub fn after_success(
    every: Duration,
    ttl: Option<Duration>,
    max_age: Option<Duration>,
) -> Duration {
    [Some(every), ttl, max_age]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(every)
        .min(MAX_WAIT)
}

/// The wait after the `failures`-th failure in a row (1 for the first): `every` doubled for
/// each failure after the first, at most `max`, of which a jitter of up to a quarter is taken
/// off; never shorter than `retry_after` (the server's own wish, capped at [`MAX_WAIT`]).
pub fn backoff(
    every: Duration,
    failures: u32,
    max: Duration,
    retry_after: Option<Duration>,
    key: &str,
) -> Duration {
    let doublings = failures.saturating_sub(1).min(30);
    let full = every.checked_mul(1u32 << doublings).unwrap_or(max).min(max);
    let mut hasher = DefaultHasher::new();
    (key, failures).hash(&mut hasher);
    // A fraction in [0, 1) from the hash: the jitter takes up to 25% off.
    let unit = (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64;
    let jittered = full.mul_f64(1.0 - 0.25 * unit);
    match retry_after {
        Some(wish) => jittered.max(wish.min(MAX_WAIT)),
        None => jittered,
    }
}

/// `Retry-After` as a wait from `now`: a number of seconds or an HTTP date.
pub fn retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let date = ingest::http::http_date(value)?;
    Some(
        (date.with_timezone(&Utc) - now)
            .to_std()
            .unwrap_or(Duration::ZERO),
    )
}

/// `max-age` of a `Cache-Control` header (`no-cache`, `no-store` give none).
pub fn max_age(cache_control: &str) -> Option<Duration> {
    cache_control.split(',').find_map(|part| {
        let (key, value) = part.split_once('=')?;
        (key.trim().eq_ignore_ascii_case("max-age"))
            .then(|| value.trim().trim_matches('"').parse().ok())
            .flatten()
            .map(Duration::from_secs)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: Duration = Duration::from_secs(60);

    #[test]
    fn success_waits_the_longest_of_interval_ttl_and_max_age() {
        assert_eq!(after_success(15 * MIN, None, None), 15 * MIN);
        assert_eq!(after_success(15 * MIN, Some(60 * MIN), None), 60 * MIN);
        assert_eq!(after_success(15 * MIN, None, Some(MIN)), 15 * MIN);
        assert_eq!(after_success(15 * MIN, None, Some(MAX_WAIT * 7)), MAX_WAIT);
    }

    #[test]
    fn backoff_doubles_with_jitter_and_stops_at_the_cap() {
        let max = 6 * 60 * MIN;
        let mut last = Duration::ZERO;
        for failures in 1..=5 {
            let wait = backoff(15 * MIN, failures, max, None, "http://a.example/feed");
            let full = 15 * MIN * (1 << (failures - 1));
            assert!(
                wait <= full && wait >= full.mul_f64(0.75),
                "{failures}: {wait:?}"
            );
            assert!(wait > last, "{failures}: {wait:?} after {last:?}");
            last = wait;
        }
        let capped = backoff(15 * MIN, 40, max, None, "k");
        assert!(capped <= max && capped >= max.mul_f64(0.75));
        // The same key and count always give the same wait; another key another one.
        assert_eq!(
            backoff(15 * MIN, 3, max, None, "k"),
            backoff(15 * MIN, 3, max, None, "k")
        );
        assert_ne!(
            backoff(15 * MIN, 3, max, None, "k"),
            backoff(15 * MIN, 3, max, None, "j")
        );
        // Retry-After is a floor.
        assert_eq!(backoff(MIN, 1, max, Some(120 * MIN), "k"), 120 * MIN);
        assert_eq!(backoff(MIN, 1, max, Some(MAX_WAIT * 9), "k"), MAX_WAIT);
    }

    #[test]
    fn header_values() {
        let now = DateTime::parse_from_rfc3339("2026-03-02T08:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(retry_after("120", now), Some(Duration::from_secs(120)));
        assert_eq!(
            retry_after("Mon, 02 Mar 2026 08:05:00 GMT", now),
            Some(5 * MIN)
        );
        assert_eq!(
            retry_after("Mon, 02 Mar 2026 07:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after("soon", now), None);
        assert_eq!(max_age("public, max-age=600"), Some(10 * MIN));
        assert_eq!(max_age("no-cache"), None);
        assert_eq!(max_age("max-age=x"), None);
    }
}
