//! The same quotation across the articles of a story: identical wordings, shorter partial quotes
//! inside a longer one, and differing wordings of one statement (high word overlap) all join one
//! group, each appearance keeping its article, exact text and span.
//!
//! Deterministic: groups come in order of their first appearance in the input.

use super::{Part, Quote, QuoteKind, Speaker};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use text::Span;

/// How an appearance relates to its group's fullest wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Relation {
    /// The same words (punctuation and case aside).
    Same,
    /// A contiguous part of the fullest wording.
    Part,
    /// A different wording of the same statement.
    Variant,
}

/// One place a quotation appears.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Appearance {
    pub article: String,
    /// The exact text in that article.
    pub text: String,
    /// Byte range in that article's text.
    pub span: Span,
    /// The further parts of a quotation split around its attribution ([`Quote::more`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub more: Vec<Part>,
    pub kind: QuoteKind,
    pub relation: Relation,
    /// The speaker's name as resolved in that article.
    pub speaker: Option<String>,
}

/// One statement and every appearance of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuoteGroup {
    /// The fullest wording (the parts of a split quotation joined by " … ").
    pub text: String,
    /// The speaker most appearances name; `None` when none does.
    pub speaker: Option<String>,
    /// The role most appearances give their speaker ("officials", "a spokesman"): who spoke
    /// when no appearance names them.
    pub role: Option<String>,
    pub appearances: Vec<Appearance>,
}

/// Word overlap (Jaccard) from which two wordings count as one statement.
const VARIANT_OVERLAP: f64 = 0.6;

/// Groups the quotations of several articles: `(article id, its quotes)`.
pub fn group_quotes(articles: &[(&str, &[Quote])]) -> Vec<QuoteGroup> {
    let items: Vec<(&str, &Quote, Vec<String>)> = articles
        .iter()
        .flat_map(|(id, qs)| {
            qs.iter()
                .map(move |q| (*id, q, q.parts().flat_map(|(_, t)| words(t)).collect()))
        })
        .collect();
    let mut parent: Vec<usize> = (0..items.len()).collect();
    // Candidate pairs share a word pair (or, for one-word quotes, the word).
    let mut index: BTreeMap<(&str, &str), Vec<usize>> = BTreeMap::new();
    for (i, (_, _, w)) in items.iter().enumerate() {
        let keys: BTreeSet<(&str, &str)> = if w.len() == 1 {
            std::iter::once((w[0].as_str(), "")).collect()
        } else {
            w.windows(2)
                .map(|p| (p[0].as_str(), p[1].as_str()))
                .collect()
        };
        for k in keys {
            index.entry(k).or_default().push(i);
        }
    }
    let mut pairs: BTreeSet<(usize, usize)> = BTreeSet::new();
    for list in index.values() {
        if list.len() > 200 {
            continue;
        }
        for (x, &i) in list.iter().enumerate() {
            for &j in &list[x + 1..] {
                pairs.insert((i, j));
            }
        }
    }
    for (i, j) in pairs {
        let (a, b) = (&items[i], &items[j]);
        if speakers_conflict(a.1, b.1) {
            continue;
        }
        if relation(&a.2, &b.2).is_some() || relation(&b.2, &a.2).is_some() {
            let (ri, rj) = (find(&mut parent, i), find(&mut parent, j));
            if ri != rj {
                parent[ri.max(rj)] = ri.min(rj);
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..items.len() {
        let r = find(&mut parent, i);
        groups.entry(r).or_default().push(i);
    }
    groups
        .into_values()
        .map(|members| {
            let best = *members
                .iter()
                .max_by_key(|&&i| (items[i].2.len(), std::cmp::Reverse(i)))
                .unwrap_or(&members[0]);
            let canon = &items[best].2;
            let most = |field: fn(&Speaker) -> Option<&str>| {
                let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
                for &i in &members {
                    if let Some(v) = items[i].1.speaker.as_ref().and_then(field) {
                        *counts.entry(v).or_default() += 1;
                    }
                }
                counts
                    .into_iter()
                    .max_by_key(|&(v, c)| (c, std::cmp::Reverse(v)))
                    .map(|(v, _)| v.to_owned())
            };
            let speaker = most(|s| s.name.as_deref());
            let role = most(|s| s.role.as_deref());
            QuoteGroup {
                text: items[best].1.full_text(),
                speaker,
                role,
                appearances: members
                    .iter()
                    .map(|&i| {
                        let (article, q, w) = &items[i];
                        Appearance {
                            article: (*article).to_owned(),
                            text: q.text.clone(),
                            span: q.span.clone(),
                            more: q.more.clone(),
                            kind: q.kind,
                            relation: if w == canon {
                                Relation::Same
                            } else if contains(canon, w) {
                                Relation::Part
                            } else {
                                Relation::Variant
                            },
                            speaker: q.speaker.as_ref().and_then(|s| s.name.clone()),
                        }
                    })
                    .collect(),
            }
        })
        .collect()
}

fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

fn words(text: &str) -> Vec<String> {
    text::words(text)
        .into_iter()
        .map(|s| text[s].to_lowercase())
        .collect()
}

/// Two named speakers that differ keep quotes apart even when the words match.
fn speakers_conflict(a: &Quote, b: &Quote) -> bool {
    let name = |q: &Quote| q.speaker.as_ref().and_then(|s| s.name.clone());
    match (name(a), name(b)) {
        (Some(x), Some(y)) => {
            let last = |n: &str| n.split_whitespace().last().unwrap_or("").to_lowercase();
            last(&x) != last(&y)
        }
        _ => false,
    }
}

/// How `b` relates to `a` when they are one statement.
fn relation(a: &[String], b: &[String]) -> Option<Relation> {
    if a.is_empty() || b.is_empty() {
        return None;
    }
    if a == b {
        return Some(Relation::Same);
    }
    if b.len() >= 2 && contains(a, b) {
        return Some(Relation::Part);
    }
    if a.len() < 4 || b.len() < 4 {
        return None;
    }
    let sa: BTreeSet<&String> = a.iter().collect();
    let sb: BTreeSet<&String> = b.iter().collect();
    let inter = sa.intersection(&sb).count() as f64;
    let union = sa.union(&sb).count() as f64;
    (inter / union >= VARIANT_OVERLAP).then_some(Relation::Variant)
}

/// `b` occurs in `a` as a contiguous run of words.
fn contains(a: &[String], b: &[String]) -> bool {
    !b.is_empty() && b.len() <= a.len() && a.windows(b.len()).any(|w| w == b)
}

#[cfg(test)]
mod tests {
    use super::super::quotes;
    use super::*;

    fn check(articles: &[(&str, &str)], expected: &[&[(&str, Relation)]]) {
        let quotes: Vec<(&str, Vec<Quote>)> =
            articles.iter().map(|(id, t)| (*id, quotes(t))).collect();
        let input: Vec<(&str, &[Quote])> =
            quotes.iter().map(|(id, q)| (*id, q.as_slice())).collect();
        let groups = group_quotes(&input);
        let got: Vec<Vec<(&str, Relation)>> = groups
            .iter()
            .map(|g| {
                g.appearances
                    .iter()
                    .map(|a| (a.article.as_str(), a.relation))
                    .collect()
            })
            .collect();
        let want: Vec<Vec<(&str, Relation)>> = expected.iter().map(|g| g.to_vec()).collect();
        assert_eq!(got, want);
        for g in &groups {
            for a in &g.appearances {
                let text = articles
                    .iter()
                    .find(|(id, _)| *id == a.article)
                    .map(|(_, t)| *t)
                    .unwrap_or("");
                assert_eq!(&text[a.span.clone()], a.text);
            }
        }
    }

    #[test]
    fn groups_across_outlets() {
        use Relation::*;
        check(
            &[
                ("a", "“The bridge will reopen in May,” Elena Varga said."),
                (
                    "b",
                    "“The bridge will reopen in May,” said Elena Varga, the mayor.",
                ),
                ("c", "Elena Varga said the bridge would “reopen in May”."),
            ],
            // The partial quote inside c's reported speech is part of it, not a quote of its own.
            &[&[("a", Same), ("b", Same), ("c", Variant)]],
        );
        check(
            &[
                (
                    "a",
                    "“We will rebuild every house on the river,” Elena Varga said.",
                ),
                (
                    "b",
                    "“We are going to rebuild every house on the river,” Elena Varga said.",
                ),
                ("c", "“Nothing will change,” Omar Haddad said."),
            ],
            &[&[("a", Variant), ("b", Same)], &[("c", Same)]],
        );
    }

    #[test]
    fn split_quote_joins_its_whole_wording() {
        use Relation::*;
        let a = "“We are ready,” Elena Varga said, “and we will stay.”";
        check(
            &[
                ("a", a),
                ("b", "“We are ready, and we will stay,” Elena Varga said."),
            ],
            &[&[("a", Same), ("b", Same)]],
        );
        let qa = quotes(a);
        let groups = group_quotes(&[("a", qa.as_slice())]);
        let first = &groups[0].appearances[0];
        assert_eq!(groups[0].text, "We are ready, … and we will stay.");
        assert_eq!(&a[first.more[0].span.clone()], first.more[0].text);
    }

    #[test]
    fn different_speakers_stay_apart() {
        use Relation::*;
        check(
            &[
                ("a", "“No comment at all,” Elena Varga said."),
                ("b", "“No comment at all,” Omar Haddad said."),
            ],
            &[&[("a", Same)], &[("b", Same)]],
        );
    }
}
