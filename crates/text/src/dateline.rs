//! The opening of a news body: a dateline (`WASHINGTON (Reuters) -`, `AFP, WASHINGTON —`,
//! `(CNN)`, `LONDON —`, `NEW YORK, March 3 (Reuters) -`) with the place and outlet it names, and
//! whether the first short line of a plain-text article reads as its headline.
//!
//! Only the very start of the text is looked at, and only shapes that wire services use: an
//! ordinary first sentence ("The President said — ...") must never be taken for a dateline.

use crate::Span;

/// A dateline at the start of an article body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dateline {
    /// From the first character of the text through the separator (`—`, `-`, `--`) or the
    /// closing parenthesis; the body starts at the first non-space character after it.
    pub span: Span,
    /// The place as written (`"WASHINGTON"`, `"NEW YORK"`), without the region or date after it.
    pub place: Option<String>,
    /// The outlet as written (`"Reuters"`, `"AP"`, `"dpa"`).
    pub outlet: Option<String>,
}

impl Dateline {
    /// What follows the dateline in `text` (the text it was found in): the body, from its first
    /// non-space character.
    pub fn rest<'a>(&self, text: &'a str) -> &'a str {
        text.get(self.span.end..).unwrap_or("").trim_start()
    }
}

/// The dateline `text` opens with, if any.
pub fn dateline(text: &str) -> Option<Dateline> {
    let start = text.len() - text.trim_start().len();
    let head = &text[start..];
    let line = &head[..head.find('\n').unwrap_or(head.len())];
    let (len, place, outlet) = parse(line)?;
    Some(Dateline {
        span: start..start + len,
        place,
        outlet,
    })
}

/// Whether `line`, the first line of a plain-text article, reads as a headline: short, not
/// ending like a sentence, starting with a capital, and neither a dateline nor a byline.
pub fn looks_like_headline(line: &str) -> bool {
    let line = line.trim();
    let words: Vec<&str> = line.split_whitespace().collect();
    if line.is_empty() || line.len() > 160 || line.contains('\n') || words.len() > 20 {
        return false;
    }
    let first = line.chars().next().unwrap_or(' ');
    let starts_well = first.is_uppercase()
        || first.is_ascii_digit()
        || (first.is_alphabetic() && !first.is_lowercase())
        || matches!(first, '"' | '“' | '‘' | '\'' | '«' | '„');
    let last_word = words.last().copied().unwrap_or("");
    let ends_badly = line.ends_with([',', ';', ':', '—', '-'])
        || (line.ends_with('.') && !line.ends_with("...") && !is_initialism(last_word));
    let byline = words.first() == Some(&"By") && words.len() <= 6;
    // "Storm hits coast as thousands flee the": a line broken inside a sentence.
    let dangling = words.len() > 1
        && matches!(
            crate::fold(last_word).as_ref(),
            "a" | "an"
                | "the"
                | "and"
                | "or"
                | "but"
                | "of"
                | "to"
                | "for"
                | "with"
                | "from"
                | "by"
                | "at"
                | "as"
                | "that"
                | "which"
                | "whose"
                | "his"
                | "their"
                | "its"
                | "our"
                | "my"
                | "your"
        );
    starts_well
        && !ends_badly
        && !byline
        && !dangling
        && line.chars().filter(|c| c.is_alphabetic()).count() >= 2
        && !line.contains("://")
        && !line.contains('@')
        && dateline(line).is_none()
        && crate::sentences(line).len() == 1
}

/// Parses a dateline at the start of `line`: its length, place and outlet.
fn parse(line: &str) -> Option<(usize, Option<String>, Option<String>)> {
    let mut c = Cursor { s: line, pos: 0 };
    // (CNN) —
    if line.starts_with('(') {
        let outlet = c.outlet()?;
        let sep = c.separator();
        // "(END VIDEO CLIP)" is no outlet; an unknown name needs the separator to count.
        if !is_known_outlet(&outlet) && sep.is_none() {
            return None;
        }
        return Some((sep.unwrap_or(c.pos), None, Some(outlet)));
    }
    let first = c.name()?;
    let mut outlet = None;
    let place;
    if is_known_outlet(first) && c.eat(',') {
        // AFP, WASHINGTON —
        outlet = Some(first.to_owned());
        c.spaces();
        place = c.name()?;
        if !is_all_caps(place) {
            return None;
        }
    } else {
        place = first;
    }
    // , March 3  /  , France  /  , D.C.
    let mut extras = 0;
    loop {
        let save = c.pos;
        if !c.eat(',') {
            break;
        }
        c.spaces();
        match c.name() {
            Some(n) if extras < 3 && n.split(' ').count() <= 3 => extras += 1,
            _ => {
                c.pos = save;
                break;
            }
        }
    }
    let before_paren = c.pos;
    c.spaces();
    if outlet.is_none() && c.peek() == Some('(') {
        match c.outlet() {
            Some(o) => outlet = Some(o),
            None => c.pos = before_paren,
        }
    }
    let sep_from = c.pos;
    let sep = c.separator();
    let spaced =
        line[..sep_from].ends_with([' ', '\t']) || line[sep_from..].starts_with([' ', '\t']);
    let caps = is_all_caps(place);
    let known = outlet.as_deref().is_some_and(is_known_outlet);
    let accepted = match (&outlet, sep) {
        // A place in capitals with an outlet, or a title-case place with a known outlet.
        (Some(_), _) => caps || known,
        (None, Some(_)) => caps,
        (None, None) => false,
    };
    // Two-letter capitals ("AI —", "OK —") are words, not the cities datelines name.
    let letters = place.chars().filter(|c| c.is_alphabetic()).count();
    if !accepted
        || NOT_PLACES.contains(&place)
        || place.split(' ').count() > 4
        // "CONGRESS HAS INVESTIGATED HIM —" is a heading, "THE HAGUE —" a place.
        || place
            .split(' ')
            .any(|w| crate::is_stopword(w) && !matches!(w, "THE" | "OF"))
        || (outlet.is_none() && letters < 3)
    {
        return None;
    }
    let end = sep.unwrap_or(c.pos);
    if outlet.is_none() {
        // Section labels: `PSA—"You have until ...`, `SIEGEL--Jerome Arthur, 98, ...`.
        let hyphens = line[..end].ends_with('-');
        let quote_follows = line[end..].starts_with(|ch| crate::quote_mark(ch).is_some());
        if quote_follows || (hyphens && !spaced) {
            return None;
        }
    }
    // "Dec 29 (Reuters) -": a date where the place would be.
    if MONTHS.iter().any(|m| {
        place
            .strip_prefix(m)
            .is_some_and(|r| r.trim_start_matches('.').starts_with(' '))
    }) {
        return Some((end, None, outlet));
    }
    let place = collapse(place);
    if outlet.is_none() && is_known_outlet(&place) {
        return Some((end, None, Some(place)));
    }
    Some((end, Some(place), outlet))
}

struct Cursor<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn rest(&self) -> &'a str {
        &self.s[self.pos..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn eat(&mut self, ch: char) -> bool {
        if self.peek() == Some(ch) {
            self.pos += ch.len_utf8();
            true
        } else {
            false
        }
    }

    fn spaces(&mut self) {
        let rest = self.rest();
        self.pos += rest.len() - rest.trim_start_matches([' ', '\t']).len();
    }

    /// One to five words separated by single spaces, each starting with a capital or a digit.
    fn name(&mut self) -> Option<&'a str> {
        let start = self.pos;
        let mut end = start;
        let mut words = 0;
        loop {
            let save = self.pos;
            if words > 0 && !self.eat(' ') {
                break;
            }
            match self.word() {
                Some(w) if w.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit()) => {
                    words += 1;
                    end = self.pos;
                    if words == 5 {
                        break;
                    }
                }
                _ => {
                    self.pos = save;
                    break;
                }
            }
        }
        self.pos = end;
        (words > 0).then(|| &self.s[start..end])
    }

    /// Letters and digits with inner (or, for abbreviations, final) `.`, `'`, `’`, `-`, `&`.
    fn word(&mut self) -> Option<&'a str> {
        let rest = self.rest();
        let mut end = 0;
        let mut chars = rest.char_indices().peekable();
        while let Some((i, ch)) = chars.next() {
            let next = chars.peek().map(|&(_, n)| n);
            let ok = ch.is_alphanumeric()
                || (end > 0
                    && match ch {
                        '.' => true,
                        '\'' | '’' | '-' | '&' => next.is_some_and(char::is_alphanumeric),
                        _ => false,
                    });
            if !ok {
                break;
            }
            end = i + ch.len_utf8();
        }
        if end == 0 {
            return None;
        }
        self.pos += end;
        Some(&rest[..end])
    }

    /// `(Reuters)`: a short name in parentheses; the cursor ends after `)`.
    fn outlet(&mut self) -> Option<String> {
        let save = self.pos;
        let found = self
            .eat('(')
            .then(|| self.name_or_lower())
            .flatten()
            .filter(|_| self.eat(')'));
        if found.is_none() {
            self.pos = save;
        }
        found.filter(|o| o.len() <= 40 && !o.contains(|c: char| c.is_ascii_digit() || c == '.'))
    }

    /// A name, or one known outlet written in lower case (`dpa`).
    fn name_or_lower(&mut self) -> Option<String> {
        if let Some(n) = self.name() {
            return Some(collapse(n));
        }
        let save = self.pos;
        match self.word() {
            Some(w) if is_known_outlet(w) => Some(w.to_owned()),
            _ => {
                self.pos = save;
                None
            }
        }
    }

    /// ` — `, ` - `, ` -- `, `—`: returns the offset just after the separator.
    fn separator(&mut self) -> Option<usize> {
        let save = self.pos;
        self.spaces();
        let rest = self.rest();
        let (len, needs_space) = if rest.starts_with("--") {
            (2, false)
        } else if rest.starts_with(['—', '–', '―']) {
            (3, false)
        } else if rest.starts_with('-') {
            (1, true)
        } else {
            self.pos = save;
            return None;
        };
        let after = &rest[len..];
        if needs_space && !(after.is_empty() || after.starts_with(char::is_whitespace)) {
            self.pos = save;
            return None;
        }
        self.pos += len;
        Some(self.pos)
    }
}

fn is_all_caps(s: &str) -> bool {
    s.chars().filter(|c| c.is_alphabetic()).count() >= 2 && s.chars().all(|c| !c.is_lowercase())
}

fn is_initialism(word: &str) -> bool {
    let w = word.trim_end_matches('.');
    !w.is_empty()
        && w.split('.')
            .all(|p| p.chars().count() == 1 && p.chars().all(char::is_alphabetic))
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn is_known_outlet(name: &str) -> bool {
    OUTLETS.iter().any(|o| o.eq_ignore_ascii_case(name))
}

const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Sept",
    "Oct",
    "Nov",
    "Dec",
];

const OUTLETS: &[&str] = &[
    "AAP",
    "ABC",
    "AFP",
    "Agence France-Presse",
    "Al Jazeera",
    "ANI",
    "ANSA",
    "AP",
    "APA",
    "Associated Press",
    "BBC",
    "Bernama",
    "Bloomberg",
    "CBS",
    "CNN",
    "CNN Business",
    "CP",
    "dpa",
    "EFE",
    "Fox News",
    "IANS",
    "Interfax",
    "IRNA",
    "Kyodo",
    "NBC",
    "NPR",
    "PA",
    "PTI",
    "Reuters",
    "RIA Novosti",
    "TASS",
    "The Canadian Press",
    "UPI",
    "Xinhua",
    "Yonhap",
];

/// Capitalised openings that are labels, not places.
const NOT_PLACES: &[&str] = &[
    "BREAKING",
    "BREAKING NEWS",
    "UPDATE",
    "UPDATED",
    "EXCLUSIVE",
    "WATCH",
    "LIVE",
    "ANALYSIS",
    "OPINION",
    "CORRECTION",
    "EDITOR'S NOTE",
    "EDITORS NOTE",
    "FILE",
    "PHOTO",
    "VIDEO",
    "NOTE",
    "URGENT",
    "FLASH",
    "NASA",
    "NATO",
    "FBI",
    "CIA",
    "GOP",
    "COVID",
    "COVID-19",
    "CEO",
    "IMF",
    "WHO",
];

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `expected`: the dateline text, place and outlet, or `None` for no dateline.
    fn check(input: &str, expected: Option<(&str, Option<&str>, Option<&str>)>) {
        let got = dateline(input);
        let got = got.as_ref().map(|d| {
            (
                &input[d.span.clone()],
                d.place.as_deref(),
                d.outlet.as_deref(),
            )
        });
        assert_eq!(got, expected, "dateline of {input:?}");
    }

    #[test]
    fn rest_is_the_body_after_the_dateline() {
        let text = "  KESSEL, Jan 12 (NWS) -   The dam gave way.";
        let d = dateline(text).expect("a dateline");
        assert_eq!(d.rest(text), "The dam gave way.");
        let bare = "LONDON —";
        assert_eq!(dateline(bare).map(|d| d.rest(bare)), Some(""));
    }

    #[test]
    fn wire_datelines() {
        check(
            "WASHINGTON (Reuters) - The Senate voted.",
            Some((
                "WASHINGTON (Reuters) -",
                Some("WASHINGTON"),
                Some("Reuters"),
            )),
        );
        check(
            "WASHINGTON (AP) — The Senate voted.",
            Some(("WASHINGTON (AP) —", Some("WASHINGTON"), Some("AP"))),
        );
        check(
            "AFP, WASHINGTON — The Senate voted.",
            Some(("AFP, WASHINGTON —", Some("WASHINGTON"), Some("AFP"))),
        );
        check(
            "(CNN) The Senate voted.",
            Some(("(CNN)", None, Some("CNN"))),
        );
        check("(CNN)The Senate voted.", Some(("(CNN)", None, Some("CNN"))));
        check(
            "(Reuters) - Shares fell.",
            Some(("(Reuters) -", None, Some("Reuters"))),
        );
        check(
            "LONDON — Rain fell.",
            Some(("LONDON —", Some("LONDON"), None)),
        );
        check("LONDON—Rain fell.", Some(("LONDON—", Some("LONDON"), None)));
        check(
            "NEW YORK, March 3 (Reuters) - Stocks rose.",
            Some((
                "NEW YORK, March 3 (Reuters) -",
                Some("NEW YORK"),
                Some("Reuters"),
            )),
        );
        check(
            "PARIS, France (AFP) -- Strikes spread.",
            Some(("PARIS, France (AFP) --", Some("PARIS"), Some("AFP"))),
        );
        check(
            "BERLIN, Jan 5 (dpa) – Snow fell.",
            Some(("BERLIN, Jan 5 (dpa) –", Some("BERLIN"), Some("dpa"))),
        );
        check(
            "  ST. LOUIS, Mo. (AP) — A storm hit.",
            Some(("ST. LOUIS, Mo. (AP) —", Some("ST. LOUIS"), Some("AP"))),
        );
        check(
            "WASHINGTON, D.C. — Congress met.",
            Some(("WASHINGTON, D.C. —", Some("WASHINGTON"), None)),
        );
        check(
            "Washington (Reuters) - Title case with a known outlet.",
            Some((
                "Washington (Reuters) -",
                Some("Washington"),
                Some("Reuters"),
            )),
        );
        check(
            "SÃO PAULO (Reuters) - Coffee rose.",
            Some(("SÃO PAULO (Reuters) -", Some("SÃO PAULO"), Some("Reuters"))),
        );
        check("AFP — Text.", Some(("AFP —", None, Some("AFP"))));
        check(
            "Dec 29 (Reuters) - Oil rose.",
            Some(("Dec 29 (Reuters) -", None, Some("Reuters"))),
        );
        check(
            "WASHINGTON, Dec. 8 (UPI) — Text.",
            Some((
                "WASHINGTON, Dec. 8 (UPI) —",
                Some("WASHINGTON"),
                Some("UPI"),
            )),
        );
        check(
            "PURCHASE, N.Y., April 1 (UPI) — Text.",
            Some((
                "PURCHASE, N.Y., April 1 (UPI) —",
                Some("PURCHASE"),
                Some("UPI"),
            )),
        );
        check(
            "BOSTON —Standing in front",
            Some(("BOSTON —", Some("BOSTON"), None)),
        );
        check(
            "WASHINGTON ― Text",
            Some(("WASHINGTON ―", Some("WASHINGTON"), None)),
        );
    }

    #[test]
    fn ordinary_openings_are_not_datelines() {
        check("The President said — in a speech — that...", None);
        check("President Biden (D) - said nothing.", None);
        check("Apple (AAPL) - shares rose.", None);
        check("US President Joe Biden said.", None);
        check("BREAKING — Something happened.", None);
        check("NATO is meeting today.", None);
        check("LONDON is rainy.", None);
        check("WASHINGTON-based groups said.", None);
        check("(This story has been corrected) The...", None);
        check("", None);
        check("—", None);
        check("AI — once a niche field — is everywhere.", None);
        check("(END VIDEO CLIP) And then...", None);
        check("(BEGIN VIDEO CLIP.) — And then...", None);
        check("PSA—\"You have until the end of December\"", None);
        check("SIEGEL--Jerome Arthur, 98, of Mamaroneck, died.", None);
        check(
            "IOWA POLLS NOT NECESSARILY WRONG, JUST TOO EARLY - Text",
            None,
        );
        check("NEW YORK AT ITS CORE—Text", None);
        check("NATO — the alliance — met.", None);
    }

    #[test]
    fn separators_and_headings() {
        check("CONGRESS HAS INVESTIGATED HIM — Text", None);
        check(
            "DES MOINES - Text",
            Some(("DES MOINES -", Some("DES MOINES"), None)),
        );
        check(
            "THE HAGUE -- Text",
            Some(("THE HAGUE --", Some("THE HAGUE"), None)),
        );
        check("LIMA-based", None);
    }

    #[test]
    fn headlines() {
        let yes = [
            "Storm hits coast as thousands flee",
            "Senate Passes Budget Bill After Late-Night Session",
            "Why the U.S. economy keeps surprising",
            "‘We will not give up,’ says mayor",
            "Biden visits the U.S.",
            "Markets sell off",
            "Why voters trust her",
            "3 things to know about the vote",
        ];
        let no = [
            "",
            "The Senate voted on Tuesday to pass the bill, which now goes to the House.",
            "It rained.",
            "By Jane Doe",
            "WASHINGTON (Reuters) - The Senate voted",
            "lower case start here",
            "https://example.com/story",
            "One sentence. Another sentence",
            "Storm hits coast as thousands flee the",
        ];
        for h in yes {
            assert!(looks_like_headline(h), "{h:?} should look like a headline");
        }
        for h in no {
            assert!(
                !looks_like_headline(h),
                "{h:?} should not look like a headline"
            );
        }
    }

    proptest! {
        #[test]
        fn never_panics(s in any::<String>()) {
            if let Some(d) = dateline(&s) {
                prop_assert!(s.is_char_boundary(d.span.start) && s.is_char_boundary(d.span.end));
            }
            let _ = looks_like_headline(&s);
        }

        #[test]
        fn never_panics_on_dateline_like_text(s in "[A-Z]{0,8}[ ,]{0,2}[A-Za-z0-9]{0,6} ?\\(?[A-Za-z]{0,7}\\)? ?(—|-|--|–)? ?[a-z ]{0,5}") {
            if let Some(d) = dateline(&s) {
                prop_assert!(d.span.end <= s.len());
            }
        }
    }
}
