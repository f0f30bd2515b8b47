//! The bridge from the extract stage: each article's people and quotations, found once, and
//! turned into the brief's [`QuoteInput`]s and [`PersonInput`]s. Front ends (the CLI, the server)
//! call this instead of wiring `extract` to `brief` themselves.
//!
//! Speakers are resolved against the people the entity recogniser found, so places and
//! organisations never stand as speakers or as "people" of a story.

use std::collections::BTreeMap;
use std::ops::Range;

use extract::guard::{Fault, guard, inject_fault};
use extract::quotes::{Quote, QuoteKind};

use crate::{Article, Mention, PersonInput, QuoteInput};

/// One mention of a person in an article, by byte range of its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameSpan {
    pub span: Range<usize>,
    /// The full name the mention resolves to ("Varga" → "Elena Varga").
    pub name: String,
}

/// What the extract stage found in one article.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extracted {
    pub names: Vec<NameSpan>,
    pub quotes: Vec<Quote>,
}

/// The people and quotations of one article's normalised text. Spans that do not fit the text
/// are dropped, so every kept span slices `text`.
pub fn extract_article(text: &str) -> Extracted {
    from_entities(text, &extract::ner::entities(text))
}

/// [`extract_article`] with each stage behind [`guard`](extract::guard::guard), as the front ends
/// run it: a panic in the recogniser or the quote rules is this article's [`Fault`], reported
/// against it, and the other articles go on.
pub fn extract_article_guarded(text: &str) -> Result<Extracted, Fault> {
    let entities = guard("entities", || {
        inject_fault("entities", text);
        extract::ner::entities(text)
    })?;
    guard("quotes", || {
        inject_fault("quotes", text);
        from_entities(text, &entities)
    })
}

fn from_entities(text: &str, entities: &[extract::ner::Entity]) -> Extracted {
    let people = extract::quotes::people_from_entities(entities);
    let names = extract::quotes::full_names(text, &people);
    let quotes = extract::quotes::extract_quotes(text, &people);
    let fits = |r: &Range<usize>| {
        r.start < r.end
            && r.end <= text.len()
            && text.is_char_boundary(r.start)
            && text.is_char_boundary(r.end)
    };
    // The reporters and editors of a wire credit line are not people of the story.
    let credits = text::credit_line(text);
    let credited = |r: &Range<usize>| {
        credits
            .as_ref()
            .is_some_and(|c| c.start <= r.start && r.end <= c.end)
    };
    Extracted {
        names: people
            .iter()
            .zip(names)
            .filter(|(m, _)| fits(&m.span) && !credited(&m.span))
            .map(|(m, name)| NameSpan {
                span: m.span.clone(),
                name,
            })
            .collect(),
        // Speech and writing are quotes; thoughts, evidence and intentions are not.
        quotes: quotes
            .into_iter()
            .filter(|q| q.is_quote() && q.parts().all(|(s, _)| fits(s)))
            .collect(),
    }
}

/// Quote groups (the same statement across outlets) and people of a story, from what was
/// extracted from each of its articles; `extracted[i]` belongs to `articles[i]`.
pub fn quotes_and_people(
    articles: &[Article],
    extracted: &[&Extracted],
) -> (Vec<QuoteInput>, Vec<PersonInput>) {
    let mut people: BTreeMap<String, Vec<Mention>> = BTreeMap::new();
    for (a, e) in articles.iter().zip(extracted) {
        for n in &e.names {
            people.entry(n.name.clone()).or_default().push(Mention {
                article: a.id.clone(),
                start: n.span.start,
                end: n.span.end,
            });
        }
    }
    let refs: Vec<(&str, &[Quote])> = articles
        .iter()
        .zip(extracted)
        .map(|(a, e)| (a.id.as_str(), e.quotes.as_slice()))
        .collect();
    let quotes = extract::quotes::group_quotes(&refs)
        .into_iter()
        // Reported speech with no speaker at all ("It did not respond to further questions")
        // tells a reader nothing about who said what; quoted words stay even when unattributed.
        .filter(|g| {
            g.speaker.is_some()
                || g.role.is_some()
                || g.appearances.iter().any(|a| a.kind != QuoteKind::Indirect)
        })
        .map(|g| QuoteInput {
            speaker: g.speaker,
            role: g.role,
            // Each part of a split quotation is cited where it stands.
            appearances: g
                .appearances
                .into_iter()
                .flat_map(|a| {
                    std::iter::once(a.span)
                        .chain(a.more.into_iter().map(|p| p.span))
                        .map(move |s| Mention {
                            article: a.article.clone(),
                            start: s.start,
                            end: s.end,
                        })
                })
                .collect(),
        })
        .collect();
    let people = people
        .into_iter()
        .map(|(name, mentions)| PersonInput { name, mentions })
        .collect();
    (quotes, people)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(id: &str, text: &str) -> Article {
        ingest::Draft {
            body: text.to_owned(),
            ..Default::default()
        }
        .finish(ingest::Source::file(id))
        .expect("article")
    }

    #[test]
    fn same_quote_in_two_articles_is_one_group_with_its_speaker() {
        let one = article(
            "a",
            "Interior Minister Elena Varga visited the shelter. \"We will rebuild every house,\" Varga said on Monday.",
        );
        let two = article(
            "b",
            "\"We will rebuild every house,\" Interior Minister Elena Varga told reporters in Kessel.",
        );
        let extracted = [extract_article(&one.text), extract_article(&two.text)];
        for (a, e) in [(&one, &extracted[0]), (&two, &extracted[1])] {
            for n in &e.names {
                assert!(a.text[n.span.clone()].contains("Varga"), "{n:?}");
            }
            for q in &e.quotes {
                assert_eq!(&a.text[q.span.clone()], q.text);
            }
        }
        let articles = [one, two];
        let (quotes, people) = quotes_and_people(&articles, &[&extracted[0], &extracted[1]]);
        let group = quotes
            .iter()
            .find(|q| q.appearances.len() == 2)
            .expect("one group carried by both articles");
        assert_eq!(group.speaker.as_deref(), Some("Elena Varga"));
        assert!(people.iter().any(|p| p.name == "Elena Varga"));
        assert!(people.iter().all(|p| p.name != "Kessel"), "{people:?}");
    }

    #[test]
    fn reported_speech_without_any_speaker_is_left_out_and_roles_are_kept() {
        let one = article(
            "a",
            "The operator said it was cooperating. It did not respond to further questions. More rain was expected, regional officials said.",
        );
        let extracted = [extract_article(&one.text)];
        assert!(
            extracted[0].quotes.iter().any(|q| q.speaker.is_none()
                || q.speaker
                    .as_ref()
                    .is_some_and(|s| s.name.is_none() && s.role.is_none())),
            "the article has a quote with no speaker: {:?}",
            extracted[0].quotes
        );
        let articles = [one];
        let (quotes, _) = quotes_and_people(&articles, &[&extracted[0]]);
        assert!(
            quotes
                .iter()
                .all(|q| q.speaker.is_some() || q.role.is_some()),
            "{quotes:?}"
        );
        assert!(
            quotes
                .iter()
                .any(|q| q.role.as_deref() == Some("officials")),
            "{quotes:?}"
        );
    }

    #[test]
    fn reporters_and_editors_of_the_credit_line_are_not_people_of_the_story() {
        let text = "Interior Minister Elena Varga visited the shelter on Monday.\n\n(Reporting by Petr Holm in Kessel; editing by Mara Sund)";
        let names: Vec<String> = extract_article(text)
            .names
            .into_iter()
            .map(|n| n.name)
            .collect();
        assert!(names.iter().any(|n| n == "Elena Varga"), "{names:?}");
        assert!(
            names
                .iter()
                .all(|n| !n.contains("Holm") && !n.contains("Sund")),
            "{names:?}"
        );
    }
}
