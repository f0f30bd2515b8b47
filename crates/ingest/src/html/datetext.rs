//! Dates as people write them on pages and in URLs: `2019-10-16`, `16.10.2019`, `16.10.19`,
//! `10/16/2019`, `16. Oktober 2019`, `le 16 octobre 2019`, `16 de octubre de 2019`,
//! `October 16th, 2019`, `2019.10.16.`, each with an optional time after it (`um 14:30 Uhr`,
//! `- 2:33 PM`), and the dates in URL paths (`/2019/10/16/`, `20191016`, `16-10-2019`).
//!
//! The month words are data (`data/months.tsv`, from CLDR), as are the words that label a
//! date published or modified (`data/date-cues.tsv`). Nothing here uses a clock: a year is
//! taken as written (two-digit years are 20xx below 70, else 19xx). Never panics; linear in
//! the length of the text.

use std::collections::HashMap;
use std::sync::OnceLock;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime};

/// Which date a label says it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cue {
    Published,
    Modified,
    /// A date of something else: a period's start or end ("seit 1. Januar 2018", "until").
    Other,
}

fn months() -> &'static HashMap<String, u32> {
    static MONTHS: OnceLock<HashMap<String, u32>> = OnceLock::new();
    MONTHS.get_or_init(|| {
        table(include_str!("data/months.tsv"))
            .filter_map(|(w, m)| Some((w, m.parse().ok()?)))
            .collect()
    })
}

fn cues() -> &'static HashMap<String, Cue> {
    static CUES: OnceLock<HashMap<String, Cue>> = OnceLock::new();
    CUES.get_or_init(|| {
        table(include_str!("data/date-cues.tsv"))
            .filter_map(|(w, c)| match c.as_str() {
                "published" => Some((w, Cue::Published)),
                "modified" => Some((w, Cue::Modified)),
                "other" => Some((w, Cue::Other)),
                _ => None,
            })
            .collect()
    })
}

/// `word<TAB>value` lines, `#` comments and blank lines skipped.
fn table(text: &'static str) -> impl Iterator<Item = (String, String)> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let (w, v) = l.split_once('\t')?;
            Some((w.trim().to_owned(), v.trim().to_owned()))
        })
}

/// The month a word names (`Oktober`, `oct.`, `Déc`), if any.
pub fn month_word(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_lowercase();
    months().get(&w).copied()
}

/// The label one word is (`gepostet`, `modified`), if any.
pub fn cue_word(word: &str) -> Option<Cue> {
    cues().get(&word.to_lowercase()).copied()
}

/// The label among the last words of `before` (`Veröffentlicht am`, `Updated`), if any.
pub fn cue_before(before: &str) -> Option<Cue> {
    before
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .rev()
        .take(4)
        .find_map(cue_word)
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Tok<'a> {
    Num(&'a str),
    Word(&'a str),
    Punct(char),
}

/// Splits into numbers, words and single punctuation marks, with byte offsets; white space
/// is dropped. At most `limit` tokens.
fn tokens(s: &str, limit: usize) -> Vec<(usize, Tok<'_>)> {
    let mut out = Vec::new();
    let mut it = s.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if out.len() >= limit {
            break;
        }
        if c.is_whitespace() {
            continue;
        }
        if c.is_ascii_digit() || c.is_alphabetic() {
            let digit = c.is_ascii_digit();
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = it.peek() {
                let same = if digit {
                    d.is_ascii_digit()
                } else {
                    d.is_alphabetic()
                };
                if !same {
                    break;
                }
                end = j + d.len_utf8();
                it.next();
            }
            let t = &s[i..end];
            out.push((i, if digit { Tok::Num(t) } else { Tok::Word(t) }));
        } else {
            out.push((i, Tok::Punct(c)));
        }
    }
    out
}

/// A date found in a text: the time (midnight UTC when the text gave only a day), whether the
/// text gave a time of day, and the byte range of the match.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Found {
    pub when: DateTime<FixedOffset>,
    pub has_time: bool,
    pub start: usize,
    pub end: usize,
}

fn num(t: Option<&(usize, Tok<'_>)>) -> Option<(u32, usize)> {
    match t {
        Some((_, Tok::Num(n))) if n.len() <= 4 => Some((n.parse().ok()?, n.len())),
        _ => None,
    }
}

fn punct(t: Option<&(usize, Tok<'_>)>) -> Option<char> {
    match t {
        Some((_, Tok::Punct(c))) => Some(*c),
        _ => None,
    }
}

fn word<'a>(t: Option<&(usize, Tok<'a>)>) -> Option<&'a str> {
    match t {
        Some((_, Tok::Word(w))) => Some(w),
        _ => None,
    }
}

fn year(y: u32, digits: usize) -> Option<i32> {
    match digits {
        4 => Some(y as i32),
        2 if y < 70 => Some(2000 + y as i32),
        2 => Some(1900 + y as i32),
        _ => None,
    }
}

/// Day-of-month suffixes: `1st`, `2nd`, `1er`, `3rd`, `4th`, `1º`.
fn is_ordinal(w: &str) -> bool {
    matches!(
        w.to_ascii_lowercase().as_str(),
        "st" | "nd" | "rd" | "th" | "er" | "e" | "º" | "ª"
    )
}

/// Finds the first date in `text`. `month_first` reads an ambiguous `04/05/2019` as April 5
/// (English pages) instead of 4 May.
pub fn find(text: &str, month_first: bool) -> Option<Found> {
    let toks = tokens(text, 400);
    for i in 0..toks.len() {
        if let Some((date, next)) =
            date_at(&toks, i, month_first).filter(|(d, _)| (1900..2100).contains(&d.year()))
        {
            let (time, after) = time_at(&toks, next).map_or((None, next), |(t, a)| (Some(t), a));
            let naive = date.and_time(time.unwrap_or_default());
            let utc = FixedOffset::east_opt(0)?;
            let end = toks
                .get(after.saturating_sub(1))
                .map_or(text.len(), |(o, t)| o + tok_len(t));
            return Some(Found {
                when: naive.and_local_timezone(utc).single()?,
                has_time: time.is_some(),
                start: toks[i].0,
                end,
            });
        }
    }
    None
}

fn tok_len(t: &Tok<'_>) -> usize {
    match t {
        Tok::Num(s) | Tok::Word(s) => s.len(),
        Tok::Punct(c) => c.len_utf8(),
    }
}

/// A date starting at token `i`: the date and the index of the token after it.
fn date_at(t: &[(usize, Tok<'_>)], i: usize, month_first: bool) -> Option<(NaiveDate, usize)> {
    // A number glued to the token before (`x2019`, `12.5.2019.3`) is not the start of a date.
    if i >= 2
        && matches!(t[i - 1].1, Tok::Punct('.' | '/' | '-' | ':'))
        && num(t.get(i)).is_some()
        && num(t.get(i - 2)).is_some()
        && t[i - 2].0 + tok_len(&t[i - 2].1) == t[i - 1].0
    {
        return None;
    }
    if let Some((a, alen)) = num(t.get(i)) {
        let sep = punct(t.get(i + 1));
        // 2019-10-16, 2019/10/16, 2019.10.16
        if alen == 4
            && let Some(s) = sep.filter(|c| matches!(c, '-' | '/' | '.'))
            && let Some((m, mlen)) = num(t.get(i + 2))
            && mlen <= 2
            && punct(t.get(i + 3)) == Some(s)
            && let Some((d, dlen)) = num(t.get(i + 4))
            && dlen <= 2
        {
            let mut next = i + 5;
            if s == '.' && punct(t.get(next)) == Some('.') {
                next += 1;
            }
            return Some((NaiveDate::from_ymd_opt(a as i32, m, d)?, next));
        }
        // 16.10.2019, 16/10/2019, 10/16/2019, 16-10-2019, 16.10.19
        if alen <= 2
            && let Some(s) = sep.filter(|c| matches!(c, '-' | '/' | '.'))
            && let Some((b, blen)) = num(t.get(i + 2))
            && blen <= 2
            && punct(t.get(i + 3)) == Some(s)
            && let Some((y, ylen)) = num(t.get(i + 4))
            && (ylen == 4 || (ylen == 2 && s == '.'))
        {
            let y = year(y, ylen)?;
            let (m, d) = if s == '/' && (b > 12 || (month_first && a <= 12)) {
                (a, b)
            } else {
                (b, a)
            };
            return Some((NaiveDate::from_ymd_opt(y, m, d)?, i + 5));
        }
        // 16. Oktober 2019, 16 octobre 2019, 16 de octubre de 2019, 1er mai 2019, 4th March 2019
        if alen <= 2 {
            let mut j = i + 1;
            if punct(t.get(j)) == Some('.') || word(t.get(j)).is_some_and(is_ordinal) {
                j += 1;
            }
            if word(t.get(j)).is_some_and(|w| w.eq_ignore_ascii_case("de")) {
                j += 1;
            }
            if let Some(m) = word(t.get(j)).and_then(month_word) {
                j += 1;
                if punct(t.get(j)) == Some('.') {
                    j += 1;
                }
                if matches!(punct(t.get(j)), Some(',')) {
                    j += 1;
                }
                if word(t.get(j)).is_some_and(|w| w.eq_ignore_ascii_case("de")) {
                    j += 1;
                }
                if let Some((y, 4)) = num(t.get(j)) {
                    return Some((NaiveDate::from_ymd_opt(y as i32, m, a)?, j + 1));
                }
            }
        }
        return None;
    }
    // October 16, 2019, Oct. 16 2019, Juli 12, 2017, Dezember 16th, 2012
    let m = word(t.get(i)).and_then(month_word)?;
    let mut j = i + 1;
    if punct(t.get(j)) == Some('.') {
        j += 1;
    }
    let (d, dlen) = num(t.get(j))?;
    if dlen > 2 {
        return None;
    }
    j += 1;
    if word(t.get(j)).is_some_and(is_ordinal) {
        j += 1;
    }
    if matches!(punct(t.get(j)), Some(',' | '.')) {
        j += 1;
    }
    match num(t.get(j)) {
        Some((y, 4)) => Some((NaiveDate::from_ymd_opt(y as i32, m, d)?, j + 1)),
        _ => None,
    }
}

/// A time of day right after a date: `14:30`, `um 14:30 Uhr`, `, 2:33 PM`, `T05:50:00`, `à 9h30`.
fn time_at(t: &[(usize, Tok<'_>)], mut j: usize) -> Option<(NaiveTime, usize)> {
    for _ in 0..3 {
        match t.get(j) {
            Some((_, Tok::Punct(',' | '-' | '|' | '/' | '@' | '–' | '·' | '('))) => j += 1,
            Some((_, Tok::Word(w)))
                if matches!(
                    w.to_lowercase().as_str(),
                    "um" | "at" | "à" | "a" | "las" | "alle" | "ore" | "om" | "kl" | "t"
                ) =>
            {
                j += 1
            }
            _ => break,
        }
    }
    let (h, hlen) = num(t.get(j))?;
    if hlen > 2 {
        return None;
    }
    let sep =
        punct(t.get(j + 1)).or_else(|| word(t.get(j + 1)).filter(|w| *w == "h").map(|_| 'h'))?;
    if sep != ':' && sep != 'h' {
        return None;
    }
    let (mi, milen) = num(t.get(j + 2))?;
    if milen != 2 {
        return None;
    }
    let mut next = j + 3;
    let mut s = 0;
    if punct(t.get(next)) == Some(':')
        && let Some((sec, 2)) = num(t.get(next + 1))
    {
        s = sec;
        next += 2;
    }
    let mut h = h;
    if let Some(w) = word(t.get(next)) {
        match w.to_ascii_lowercase().as_str() {
            "pm" if h < 12 => {
                h += 12;
                next += 1;
            }
            "am" if h == 12 => {
                h = 0;
                next += 1;
            }
            "am" | "pm" | "uhr" | "h" => next += 1,
            _ => {}
        }
    }
    Some((NaiveTime::from_hms_opt(h, mi, s)?, next))
}

/// The publication day in a URL's path: `/2019/10/16/`, `/2017/7/12/`, a path segment that
/// starts with `20191016` or `16-10-2019`, or holds `2019-10-16`. A web.archive.org prefix
/// (`/web/20160218174457/`) is skipped. Only days between 1995 and 2099.
pub fn url_date(url: &str) -> Option<NaiveDate> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let path = rest.find('/').map_or("", |i| &rest[i..]);
    let path = path.split(['?', '#']).next().unwrap_or("");
    let mut segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if segs.first() == Some(&"web") && segs.len() > 2 {
        // The archived URL follows: drop "web", the capture time and the host.
        segs.drain(..2);
        if let Some(i) = segs
            .iter()
            .position(|s| s.contains('.') || s.ends_with(':'))
        {
            segs.drain(..=i.min(segs.len() - 1));
        }
    }
    let plausible = |y: i32| (1995..2100).contains(&y);
    let as_num = |s: &str, min: usize, max: usize| -> Option<u32> {
        (s.len() >= min && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    for w in segs.windows(3) {
        if let (Some(y), Some(m), Some(d)) = (as_num(w[0], 4, 4), as_num(w[1], 1, 2), {
            let day = w[2].split(['-', '_', '.']).next().unwrap_or("");
            as_num(day, 1, 2)
        }) && plausible(y as i32)
            && let Some(date) = NaiveDate::from_ymd_opt(y as i32, m, d)
        {
            return Some(date);
        }
    }
    for seg in &segs {
        let head: String = seg.chars().take_while(|c| c.is_ascii_digit()).collect();
        if head.len() == 8 {
            let y = head[..4].parse().ok()?;
            let m = head[4..6].parse().ok()?;
            let d = head[6..8].parse().ok()?;
            if plausible(y)
                && let Some(date) = NaiveDate::from_ymd_opt(y, m, d)
            {
                return Some(date);
            }
        }
        let parts: Vec<&str> = seg.split(['-', '_']).collect();
        for w in parts.windows(3) {
            let date = match (as_num(w[0], 1, 4), as_num(w[1], 1, 2), as_num(w[2], 1, 4)) {
                (Some(y), Some(m), Some(d)) if w[0].len() == 4 && w[2].len() <= 2 => {
                    NaiveDate::from_ymd_opt(y as i32, m, d)
                }
                (Some(d), Some(m), Some(y)) if w[0].len() <= 2 && w[2].len() == 4 => {
                    NaiveDate::from_ymd_opt(y as i32, m, d)
                }
                _ => None,
            };
            if let Some(date) = date.filter(|d| plausible(d.year())) {
                return Some(date);
            }
        }
    }
    None
}

use chrono::Datelike;

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expected: Option<&str>) {
        let got = find(text, false).map(|f| {
            if f.has_time {
                f.when.format("%Y-%m-%d %H:%M").to_string()
            } else {
                f.when.format("%Y-%m-%d").to_string()
            }
        });
        assert_eq!(got.as_deref(), expected, "reading {text:?}");
    }

    #[test]
    fn written_dates() {
        check("Veröffentlicht am 6. August 2009", Some("2009-08-06"));
        check("18.10.2019, 15:07 Uhr", Some("2019-10-18 15:07"));
        check("Datum: 03.02.2022", Some("2022-02-03"));
        check("Party, 30.10.23 ", Some("2023-10-30"));
        check("Friday, December 23, 2016", Some("2016-12-23"));
        check("Juli 12, 2017", Some("2017-07-12"));
        check(
            "Sonntag, Dezember 16th, 2012, 7:05 pm",
            Some("2012-12-16 19:05"),
        );
        check("le 7 mai 2020 - 12:38.", Some("2020-05-07 12:38"));
        check("1er mars 2021", Some("2021-03-01"));
        check("3 de diciembre de 2019", Some("2019-12-03"));
        check("19 février 2020", Some("2020-02-19"));
        check("Jan 18, 2019", Some("2019-01-18"));
        check("Updated Mar 12, 2020 @ 10:42 am", Some("2020-03-12 10:42"));
        check("2023.11.02. 오후 8:06", Some("2023-11-02"));
        check("2021-10-16 | Botschaft", Some("2021-10-16"));
        check("2018-06-19T05:50", Some("2018-06-19 05:50"));
        check("27.1.2022 - Bei der Erinnerung", Some("2022-01-27"));
        check("Stand: 5. Februar 2020)", Some("2020-02-05"));
        check("13/06/2019", Some("2019-06-13"));
        check("15 августа 2016, 13:43", Some("2016-08-15 13:43"));
        check("3 października 2021", Some("2021-10-03"));
        check("version 1.2.3 and 4.5.6789", None);
        check("Seite 12 von 2019 Seiten", None);
        check("31.02.2019", None);
        check("", None);
        assert_eq!(
            find("06/13/2019", true).map(|f| f.when.date_naive().to_string()),
            Some("2019-06-13".into())
        );
        assert_eq!(
            find("04/05/2019", true).map(|f| f.when.date_naive().to_string()),
            Some("2019-04-05".into())
        );
    }

    #[test]
    fn cues() {
        assert_eq!(
            cue_before("Artikel veröffentlicht am "),
            Some(Cue::Published)
        );
        assert_eq!(cue_before("Zuletzt aktualisiert:"), Some(Cue::Modified));
        assert_eq!(cue_before("Die Hürden sind seit"), Some(Cue::Other));
        assert_eq!(cue_before("Von Ann Lee | "), None);
    }

    #[test]
    fn url_dates() {
        for (url, expected) in [
            (
                "https://blog.example/2017/06/29/a-post/",
                Some("2017-06-29"),
            ),
            (
                "https://www.example.de/home/2017/7/12/unter-uns",
                Some("2017-07-12"),
            ),
            (
                "https://example.de/texte/22/20220127-gedenken.html",
                Some("2022-01-27"),
            ),
            (
                "https://example.it/de/news/23-01-2022-jubeln/17-378.html",
                Some("2022-01-23"),
            ),
            ("https://example.org/a/2019-10-16-title", Some("2019-10-16")),
            (
                "https://web.archive.org/web/20160218174457/http://example.de/2010/05/typo/",
                None,
            ),
            (
                "https://web.archive.org/web/20130307194448/example.net/2008/05/26/x.html",
                Some("2008-05-26"),
            ),
            ("https://example.com/2019/10/", None),
            ("https://example.com/article/202159566/x.html", None),
            ("https://example.com/?date=2019/10/16", None),
            ("not a url", None),
        ] {
            assert_eq!(
                url_date(url).map(|d| d.to_string()).as_deref(),
                expected,
                "{url}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,80}") {
            let _ = find(&s, false);
            let _ = find(&s, true);
            let _ = url_date(&s);
        }
    }
}
