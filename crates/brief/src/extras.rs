//! Quotes and people for the brief: taken from the extract stage when it supplies them, and
//! otherwise found with simple, conservative rules (direct quotations inside one sentence, with a
//! speaker only when a name stands right next to "said"; runs of capitalised words as names).
//!
//! Spans handed in are checked against the article text; bad ones become warnings, not panics.

use std::collections::{BTreeMap, HashMap};

use ingest::Article;

use crate::analyse::{Sentence, is_stopword};
use crate::model::{Excerpt, Person, QuoteGroup};
use crate::{Mention, PersonInput, QuoteInput};

/// The excerpt a mention points at, if the article is known and the span is valid.
pub(crate) fn excerpt(
    articles: &[Article],
    index: &HashMap<&str, usize>,
    m: &Mention,
) -> Option<Excerpt> {
    let a = &articles[*index.get(m.article.as_str())?];
    let text = a.text.get(m.start..m.end)?;
    Some(Excerpt {
        article: a.id.clone(),
        text: text.to_owned(),
        start: m.start,
        end: m.end,
    })
}

pub(crate) fn given_quotes(
    articles: &[Article],
    index: &HashMap<&str, usize>,
    quotes: &[QuoteInput],
    warnings: &mut Vec<String>,
) -> Vec<QuoteGroup> {
    let mut out = Vec::new();
    for (g, q) in quotes.iter().enumerate() {
        let mut appearances = Vec::new();
        for m in &q.appearances {
            match excerpt(articles, index, m) {
                Some(e) => appearances.push(e),
                None => warnings.push(format!(
                    "quote group {g}: no text at {}..{} of article {}",
                    m.start, m.end, m.article
                )),
            }
        }
        if let Some(longest) = appearances.iter().max_by_key(|e| e.text.len()) {
            out.push(QuoteGroup {
                speaker: q.speaker.clone(),
                role: q.role.clone(),
                text: longest.text.clone(),
                appearances,
            });
        }
    }
    out
}

pub(crate) fn given_people(
    articles: &[Article],
    index: &HashMap<&str, usize>,
    people: &[PersonInput],
    warnings: &mut Vec<String>,
) -> Vec<Person> {
    let mut out = Vec::new();
    for p in people {
        let mut ids: Vec<String> = Vec::new();
        let mut mentions = 0;
        for m in &p.mentions {
            match excerpt(articles, index, m) {
                Some(e) => {
                    mentions += 1;
                    if !ids.contains(&e.article) {
                        ids.push(e.article);
                    }
                }
                None => warnings.push(format!(
                    "person {:?}: no text at {}..{} of article {}",
                    p.name, m.start, m.end, m.article
                )),
            }
        }
        if mentions > 0 {
            out.push(Person {
                name: p.name.clone(),
                articles: ids,
                mentions,
            });
        }
    }
    out
}

/// Direct quotations inside single sentences, grouped by the fact their sentence belongs to.
pub(crate) fn find_quotes(
    articles: &[Article],
    sentences: &[Sentence],
    fact_of: &[usize],
) -> Vec<QuoteGroup> {
    let mut groups: BTreeMap<usize, Vec<(Excerpt, Option<String>)>> = BTreeMap::new();
    for (i, s) in sentences.iter().enumerate() {
        if !s.quoted {
            continue;
        }
        let a = &articles[s.article];
        let Some(body) = a.text.get(s.span.clone()) else {
            continue;
        };
        if let Some((inner, speaker)) = quotation(body) {
            let start = s.span.start + inner.start;
            let end = s.span.start + inner.end;
            groups.entry(fact_of[i]).or_default().push((
                Excerpt {
                    article: a.id.clone(),
                    text: a.text[start..end].to_owned(),
                    start,
                    end,
                },
                speaker,
            ));
        }
    }
    groups
        .into_values()
        .filter_map(|apps| {
            let speaker = apps.iter().find_map(|(_, s)| s.clone());
            let appearances: Vec<Excerpt> = apps.into_iter().map(|(e, _)| e).collect();
            let text = appearances
                .iter()
                .max_by_key(|e| e.text.len())?
                .text
                .clone();
            Some(QuoteGroup {
                speaker,
                role: None,
                text,
                appearances,
            })
        })
        .collect()
}

/// The first quotation of at least four words in `s` (the range inside the marks) and its
/// speaker when a capitalised name stands next to "said"/"says" right after it.
fn quotation(s: &str) -> Option<(std::ops::Range<usize>, Option<String>)> {
    let (open, close) = s.char_indices().find_map(|(i, c)| match c {
        '"' => Some((i + 1, '"')),
        '“' => Some((i + c.len_utf8(), '”')),
        '«' => Some((i + c.len_utf8(), '»')),
        _ => None,
    })?;
    let end = open + s[open..].find(close)?;
    let inner = open..end;
    if s[inner.clone()].split_whitespace().count() < 4 {
        return None;
    }
    let after = &s[end + close.len_utf8()..];
    Some((inner, speaker_after(after)))
}

fn speaker_after(rest: &str) -> Option<String> {
    let words: Vec<&str> = rest
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '.'))
        .filter(|w| !w.is_empty())
        .collect();
    let capitalised = |w: &&str| {
        w.chars().next().is_some_and(char::is_uppercase)
            && w.chars()
                .all(|c| c.is_alphabetic() || matches!(c, '-' | '\''))
            && !matches!(*w, "He" | "She" | "They" | "It" | "We" | "I")
    };
    let name = |ws: &[&str]| -> Option<String> {
        let run: Vec<&str> = ws
            .iter()
            .take_while(|w| capitalised(w))
            .take(3)
            .copied()
            .collect();
        (!run.is_empty()).then(|| run.join(" "))
    };
    match words.first() {
        Some(&("said" | "says")) => name(&words[1..]),
        _ => {
            let run = name(&words)?;
            let n = run.split(' ').count();
            matches!(words.get(n), Some(&("said" | "says"))).then_some(run)
        }
    }
}

/// Runs of two or more capitalised words as names; a later lone surname counts for the full
/// name it ends.
pub(crate) fn find_people(articles: &[Article], sentences: &[Sentence]) -> Vec<Person> {
    // name -> (article indices, mentions)
    let mut names: BTreeMap<String, (Vec<usize>, usize)> = BTreeMap::new();
    let mut singles: HashMap<(usize, String), usize> = HashMap::new();
    for s in sentences {
        let Some(body) = articles[s.article].text.get(s.span.clone()) else {
            continue;
        };
        let words = text::words(body);
        let mut run: Vec<&str> = Vec::new();
        let flush = |run: &mut Vec<&str>,
                     names: &mut BTreeMap<String, (Vec<usize>, usize)>,
                     singles: &mut HashMap<(usize, String), usize>| {
            // Titles are roles, not part of the name ("Mayor Ana Ruiz" is Ana Ruiz).
            while run.len() > 2 && ROLES.contains(&run[0]) {
                run.remove(0);
            }
            if run.len() >= 2 {
                let e = names.entry(run.join(" ")).or_default();
                if !e.0.contains(&s.article) {
                    e.0.push(s.article);
                }
                e.1 += 1;
            } else if run.len() == 1 {
                *singles.entry((s.article, run[0].to_owned())).or_default() += 1;
            }
            run.clear();
        };
        let mut last_end = 0;
        for (k, w) in words.iter().enumerate() {
            let word = &body[w.clone()];
            let is_name = word.chars().next().is_some_and(char::is_uppercase)
                && word.chars().all(char::is_alphabetic)
                && !is_stopword(&word.to_lowercase())
                && !NOT_NAMES.contains(&word)
                && !(k == 0 && word.len() < 3);
            // A run breaks at punctuation between words.
            let joined = run.is_empty() || body[last_end..w.start].trim() == "";
            if is_name && joined {
                run.push(word);
            } else {
                flush(&mut run, &mut names, &mut singles);
                if is_name {
                    run.push(word);
                }
            }
            last_end = w.end;
        }
        flush(&mut run, &mut names, &mut singles);
    }
    // Lone words by word, so each full name looks up its surname once.
    let mut by_word: HashMap<&str, Vec<(usize, usize)>> = HashMap::new();
    for ((a, w), &n) in &singles {
        by_word.entry(w.as_str()).or_default().push((*a, n));
    }
    let mut out: Vec<Person> = names
        .into_iter()
        .map(|(name, (mut arts, mut mentions))| {
            if let Some(last) = name.rsplit(' ').next() {
                for &(a, n) in by_word.get(last).into_iter().flatten() {
                    if arts.contains(&a) {
                        mentions += n;
                    }
                }
            }
            arts.sort_unstable();
            Person {
                name,
                articles: arts.iter().map(|&a| articles[a].id.clone()).collect(),
                mentions,
            }
        })
        .filter(|p| p.mentions >= 2 || p.articles.len() >= 2)
        .collect();
    out.sort_by(|a, b| {
        (b.articles.len(), b.mentions)
            .cmp(&(a.articles.len(), a.mentions))
            .then_with(|| a.name.cmp(&b.name))
    });
    out
}

/// Titles that precede names.
const ROLES: &[&str] = &[
    "President",
    "Mayor",
    "Governor",
    "Senator",
    "Sen",
    "Rep",
    "Representative",
    "Minister",
    "Prime",
    "Chancellor",
    "Judge",
    "Justice",
    "General",
    "Gen",
    "Secretary",
    "Chief",
    "Officer",
    "Dr",
    "Doctor",
    "Professor",
    "Prof",
    "Mr",
    "Mrs",
    "Ms",
    "Lord",
    "Lady",
    "Sir",
    "King",
    "Queen",
    "Prince",
    "Princess",
    "Pope",
    "Bishop",
    "Father",
    "Captain",
    "Capt",
    "Sgt",
    "Sergeant",
    "Detective",
    "Inspector",
    "Commissioner",
    "Director",
    "Spokesman",
    "Spokeswoman",
    "Farmer",
    "Coach",
    "Former",
    "Deputy",
    "Vice",
    "Attorney",
];

/// Capitalised words that start name-like runs but are not names.
const NOT_NAMES: &[&str] = &[
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
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
    "But",
    "And",
    "The",
    "A",
    "An",
    "In",
    "On",
    "At",
    "It",
    "He",
    "She",
    "They",
    "We",
    "I",
    "This",
    "That",
    "There",
    "Some",
    "Many",
    "When",
    "While",
    "After",
    "Before",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn check(s: &str, expected: Option<(&str, Option<&str>)>) {
        let got = quotation(s).map(|(r, sp)| (s[r].to_owned(), sp));
        let expected = expected.map(|(q, sp)| (q.to_owned(), sp.map(str::to_owned)));
        assert_eq!(got, expected, "{s:?}");
    }

    #[test]
    fn finds_quotations_and_named_speakers() {
        check(
            "\u{201c}We will rebuild the bridge,\u{201d} said Ana Ruiz.",
            Some(("We will rebuild the bridge,", Some("Ana Ruiz"))),
        );
        check(
            "\"The water came up fast,\" Ruiz said on Friday.",
            Some(("The water came up fast,", Some("Ruiz"))),
        );
        check("\"It was awful,\" he said, \"truly awful.\"", None);
        check(
            "\"Nobody expected this at all,\" he said.",
            Some(("Nobody expected this at all,", None)),
        );
        check("No quotation here at all.", None);
    }
}
