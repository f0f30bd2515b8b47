//! Dates in sentences: absolute ("July 4, 2025", "4 July", "March 2024", "in 2019") and relative
//! ("yesterday", "on Thursday", "last month", "in July"), resolved against the article's
//! publication date. Relative dates of undated articles are not guessed: they are left out.
//!
//! The result is as precise as the text: a day (`YYYY-MM-DD`), a month (`YYYY-MM`) or a year.

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};

/// A resolved date and the byte range of the words it was read from, within the sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    pub date: String,
    pub expression: std::ops::Range<usize>,
}

/// The first date expression of `sentence` that can be resolved, given the publication date.
pub(crate) fn find_date(sentence: &str, published: Option<NaiveDate>) -> Option<Found> {
    let words = text::words(sentence);
    let word = |i: usize| words.get(i).map(|w| &sentence[w.clone()]);
    let lower = |i: usize| word(i).map(str::to_lowercase);
    let future = speaks_of_future(sentence);
    for i in 0..words.len() {
        let Some(w) = word(i) else { continue };
        let lw = w.to_lowercase();
        let prev = if i > 0 { lower(i - 1) } else { None };
        let start_with_prev = |i: usize| {
            if i > 0
                && matches!(
                    lower(i - 1).as_deref(),
                    Some("on" | "in" | "last" | "next" | "this" | "since" | "until" | "by")
                )
            {
                words[i - 1].start
            } else {
                words[i].start
            }
        };
        // Month names, capitalised, so that "may" the verb is not May the month.
        if let Some(month) = month(w) {
            let day = word(i + 1)
                .and_then(|d| d.parse::<u32>().ok())
                .filter(|d| (1..=31).contains(d));
            let year_at = if day.is_some() { i + 2 } else { i + 1 };
            let year = word(year_at)
                .and_then(|y| y.parse::<i32>().ok())
                .filter(|y| {
                    (1900..=2100).contains(y) && word(year_at).is_some_and(|y| y.len() == 4)
                });
            let end_word = match (day, year) {
                (_, Some(_)) => year_at,
                (Some(_), None) => i + 1,
                (None, None) => i,
            };
            let expression = start_with_prev(i)..words[end_word].end;
            let date = match (day, year) {
                (Some(d), Some(y)) => NaiveDate::from_ymd_opt(y, month, d).map(day_string),
                (None, Some(y)) => Some(format!("{y:04}-{month:02}")),
                (Some(d), None) => published.and_then(|p| {
                    nearest_year(p, future, |y| NaiveDate::from_ymd_opt(y, month, d))
                        .map(day_string)
                }),
                (None, None) => {
                    // A bare month only counts after a preposition ("in July", "last March").
                    if !matches!(
                        prev.as_deref(),
                        Some(
                            "in" | "last"
                                | "since"
                                | "until"
                                | "early"
                                | "late"
                                | "by"
                                | "next"
                                | "this"
                        )
                    ) {
                        continue;
                    }
                    published.and_then(|p| {
                        nearest_year(p, future, |y| NaiveDate::from_ymd_opt(y, month, 1))
                            .map(|d| format!("{:04}-{:02}", d.year(), d.month()))
                    })
                }
            };
            if let Some(date) = date {
                return Some(Found { date, expression });
            }
            continue;
        }
        if let Some(p) = published {
            let date = match lw.as_str() {
                "yesterday" => p.checked_sub_days(Days::new(1)).map(day_string),
                "today" | "tonight" => Some(day_string(p)),
                "tomorrow" => p.checked_add_days(Days::new(1)).map(day_string),
                "week" | "month" | "year" => {
                    let dir = prev.as_deref();
                    let shift: i32 = match dir {
                        Some("last" | "past") if i > 0 => -1,
                        Some("next") => 1,
                        Some("this") => 0,
                        _ => continue,
                    };
                    if lw == "week" {
                        let d = if shift < 0 {
                            p.checked_sub_days(Days::new(7))
                        } else {
                            p.checked_add_days(Days::new(7 * shift as u64))
                        };
                        d.map(day_string)
                    } else if lw == "month" {
                        let d = match shift {
                            -1 => p.checked_sub_months(Months::new(1)),
                            1 => p.checked_add_months(Months::new(1)),
                            _ => Some(p),
                        };
                        d.map(|d| format!("{:04}-{:02}", d.year(), d.month()))
                    } else {
                        Some(format!("{:04}", p.year() + shift))
                    }
                }
                _ => match weekday(w) {
                    Some(day) => {
                        let next = prev.as_deref() == Some("next")
                            || (future && prev.as_deref() != Some("last"));
                        resolve_weekday(p, day, next, prev.as_deref() == Some("last"))
                            .map(day_string)
                    }
                    None => None,
                },
            };
            if let Some(date) = date {
                let start = if matches!(lw.as_str(), "week" | "month" | "year") {
                    words[i - 1].start
                } else {
                    start_with_prev(i)
                };
                return Some(Found {
                    date,
                    expression: start..words[i].end,
                });
            }
        }
        // "in 2019": a bare year after a preposition.
        if matches!(prev.as_deref(), Some("in" | "since" | "until" | "by"))
            && w.len() == 4
            && let Ok(y) = w.parse::<i32>()
            && (1900..=2100).contains(&y)
        {
            return Some(Found {
                date: format!("{y:04}"),
                expression: words[i - 1].start..words[i].end,
            });
        }
    }
    None
}

/// "will" or "next" outside quotation marks: what the reporter says, not what a source says.
fn speaks_of_future(sentence: &str) -> bool {
    let mut outside = String::with_capacity(sentence.len());
    let mut quoted = false;
    for c in sentence.chars() {
        if matches!(c, '"' | '“' | '”' | '«' | '»') {
            quoted = !quoted;
        } else if !quoted {
            outside.push(c);
        }
    }
    outside.contains(" will ") || outside.contains(" next ")
}

fn day_string(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Of the date in the publication year and the years either side, the one nearest publication;
/// news mostly reports what happened, so a date ahead counts double unless the sentence speaks
/// of the future.
fn nearest_year(
    p: NaiveDate,
    future: bool,
    make: impl Fn(i32) -> Option<NaiveDate>,
) -> Option<NaiveDate> {
    [p.year() - 1, p.year(), p.year() + 1]
        .into_iter()
        .filter_map(make)
        .min_by_key(|d| {
            let days = d.signed_duration_since(p).num_days();
            let cost = if days > 0 && !future {
                days * 2
            } else {
                days.abs()
            };
            (cost, *d)
        })
}

fn resolve_weekday(p: NaiveDate, day: Weekday, next: bool, last: bool) -> Option<NaiveDate> {
    let from = p.weekday().num_days_from_monday() as i64;
    let to = day.num_days_from_monday() as i64;
    let back = (from - to).rem_euclid(7);
    if next {
        let ahead = (to - from).rem_euclid(7);
        let ahead = if ahead == 0 { 7 } else { ahead };
        p.checked_add_days(Days::new(ahead as u64))
    } else {
        let back = if last && back == 0 { 7 } else { back };
        p.checked_sub_days(Days::new(back as u64))
    }
}

fn month(w: &str) -> Option<u32> {
    if !w.chars().next().is_some_and(char::is_uppercase) {
        return None;
    }
    let m = match w.to_lowercase().as_str() {
        "january" | "jan" => 1,
        "february" | "feb" => 2,
        "march" => 3,
        "april" | "apr" => 4,
        "may" => 5,
        "june" => 6,
        "july" => 7,
        "august" | "aug" => 8,
        "september" | "sept" | "sep" => 9,
        "october" | "oct" => 10,
        "november" | "nov" => 11,
        "december" | "dec" => 12,
        _ => return None,
    };
    Some(m)
}

fn weekday(w: &str) -> Option<Weekday> {
    if !w.chars().next().is_some_and(char::is_uppercase) {
        return None;
    }
    Some(match w.to_lowercase().as_str() {
        "monday" => Weekday::Mon,
        "tuesday" => Weekday::Tue,
        "wednesday" => Weekday::Wed,
        "thursday" => Weekday::Thu,
        "friday" => Weekday::Fri,
        "saturday" => Weekday::Sat,
        "sunday" => Weekday::Sun,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Publication date of the fictional articles: Saturday 12 July 2025.
    fn check(sentence: &str, expected: Option<(&str, &str)>) {
        let published = NaiveDate::from_ymd_opt(2025, 7, 12);
        let got =
            find_date(sentence, published).map(|f| (f.date, sentence[f.expression].to_owned()));
        let expected = expected.map(|(d, e)| (d.to_owned(), e.to_owned()));
        assert_eq!(got, expected, "{sentence:?}");
    }

    #[test]
    fn resolves_dates() {
        check(
            "The dam failed on Thursday, officials said.",
            Some(("2025-07-10", "on Thursday")),
        );
        check(
            "Rescuers arrived yesterday.",
            Some(("2025-07-11", "yesterday")),
        );
        check(
            "The mayor resigned last month.",
            Some(("2025-06", "last month")),
        );
        check(
            "Work began in March and stopped.",
            Some(("2025-03", "in March")),
        );
        check(
            "The vote is set for July 30.",
            Some(("2025-07-30", "July 30")),
        );
        check(
            "She was born on May 4, 1961, in Lund.",
            Some(("1961-05-04", "on May 4, 1961")),
        );
        check("The town was founded in 1988.", Some(("1988", "in 1988")));
        check(
            "\"We will win,\" she said on Friday.",
            Some(("2025-07-11", "on Friday")),
        );
        check(
            "Voters will decide on Tuesday.",
            Some(("2025-07-15", "on Tuesday")),
        );
        check("Talks resumed in January.", Some(("2025-01", "in January")));
        check(
            "Talks will resume in January.",
            Some(("2026-01", "in January")),
        );
        check("They may leave soon.", None);
        check("Nothing dated here.", None);
    }

    #[test]
    fn relative_dates_need_a_publication_date() {
        assert_eq!(find_date("It happened on Friday.", None), None);
        let f = find_date("It happened on 4 July... no, July 4, 2024.", None);
        assert_eq!(f.map(|f| f.date), Some("2024-07-04".to_owned()));
    }
}
