//! Quotations and their speakers: every direct quote, partial quote and piece of reported speech
//! in an article, with its cue ("said", "according to") and its speaker resolved to a full name
//! when the article allows it; and the same quote carried by several outlets grouped into one.
//!
//! Works on an article's normalised text (paragraphs separated by `"\n\n"`); every span is a byte
//! range of that text, and slicing the text by a quote's span gives its `text`. Hand-written
//! rules find most attributions; a small learned layer (perceptron classifiers trained on PolNeAR
//! train by `cargo xtask train-quotes`, compiled in) adds the ones whose cue the rules do not know
//! ("took aim at", "has no illusions about") among the tokens the rules left, and drops reported
//! speech that looks misread. No I/O, deterministic. A speaker that the text does not pin down
//! stays unknown: neither the rules nor the model pick a name by guessing.

mod attribution;
mod class;
mod group;
mod learned;
mod marks;
mod speakers;
mod tokens;

pub use class::Class;
pub use group::{Appearance, QuoteGroup, Relation, group_quotes};
pub use learned::{
    AttributionModel, TrainingArticle, TrainingAttribution, train as train_attribution,
};
pub use speakers::find_people;

use serde::Serialize;
use text::Span;

/// What kind of quotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum QuoteKind {
    /// A whole statement in quote marks.
    Direct,
    /// Quoted words inside the writer's own sentence: called the plan "a recipe for disaster".
    Partial,
    /// Reported speech without quote marks: the minister said he plans to resign.
    Indirect,
}

/// Grammatical gender, as far as honorifics, first names and pronouns tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Gender {
    Female,
    Male,
}

/// A person mentioned in the text, as the entity recogniser (or [`find_people`]) found it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PersonMention {
    /// Byte range of the name in the text.
    pub span: Span,
    /// The name as written, titles allowed ("Mr. Brel", "Elena Varga").
    pub name: String,
    /// Gender if the recogniser knows it.
    pub gender: Option<Gender>,
}

/// The verb or phrase that marks a quotation as someone's: "said", "told", "according to".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cue {
    pub text: String,
    pub span: Span,
}

/// Who said it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Speaker {
    /// Byte range of the mention that names the speaker at this quote ("he", "the president",
    /// "Varga"); for a continuation quote, the mention at the quote it continues.
    pub span: Span,
    /// Full name when the article allows it ("Elena Varga"); an organisation's name as written;
    /// `None` when the mention does not resolve (an unresolved "he", "a spokesman").
    pub name: Option<String>,
    /// The role given in the mention or its apposition ("spokesman", "president").
    pub role: Option<String>,
}

/// One quotation in one article.
///
/// A quotation the writer split around its attribution (`“A,” she said, “B.”`, or `“A,” said
/// Ruiz, a lawyer. “B.”` in one paragraph) is one `Quote`: `text`/`span` hold its first part and
/// `more` the parts after it, each with its own exact byte range. Front ends that show one
/// quotation use [`Quote::parts`] or [`Quote::full_text`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quote {
    /// The quoted or reported content, without the quote marks (the first part of a split
    /// quotation).
    pub text: String,
    /// Byte range of `text` in the article text.
    pub span: Span,
    /// The rest of a split quotation, in order; empty for a quotation in one piece.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub more: Vec<Part>,
    pub kind: QuoteKind,
    pub cue: Option<Cue>,
    pub speaker: Option<Speaker>,
    /// Speech, writing, thought, evidence or intention: only speech and writing are quotes to a
    /// reader ([`Class::is_quote`]).
    pub class: Class,
    /// Reported in a headline ("Minister says bridge will reopen"), which the body then tells
    /// with its real attribution: an attribution, but not a quote of its own.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub headline: bool,
}

/// A further part of a split quotation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Part {
    /// The words without the quote marks.
    pub text: String,
    /// Byte range of `text` in the article text.
    pub span: Span,
}

impl Quote {
    /// Whether front ends show it as a quote: speech or writing, and not a headline's.
    pub fn is_quote(&self) -> bool {
        self.class.is_quote() && !self.headline
    }

    /// Every part of the quotation in order, the first one included: `(span, text)`.
    pub fn parts(&self) -> impl Iterator<Item = (&Span, &str)> {
        std::iter::once((&self.span, self.text.as_str()))
            .chain(self.more.iter().map(|p| (&p.span, p.text.as_str())))
    }

    /// The whole quotation for display: its parts joined by " … ".
    pub fn full_text(&self) -> String {
        self.parts().map(|(_, t)| t).collect::<Vec<_>>().join(" … ")
    }
}

/// Every quotation in `text`, in order of position. `people` are the persons an entity
/// recogniser found; pass [`find_people`]`(text)` when there is none.
pub fn extract_quotes(text: &str, people: &[PersonMention]) -> Vec<Quote> {
    extract_quotes_with(text, people, learned::bundled())
}

/// The learned attribution fallback compiled into the crate.
pub fn bundled_attribution_model() -> Option<&'static AttributionModel> {
    learned::bundled()
}

/// [`extract_quotes`] with another learned fallback than the bundled one, or with the rules
/// alone (`None`). Evaluation uses it to score held-out folds.
pub fn extract_quotes_with(
    text: &str,
    people: &[PersonMention],
    model: Option<&AttributionModel>,
) -> Vec<Quote> {
    let mut quotes = attribution::extract(text, people, model);
    // A quoted fragment inside reported speech is part of that quote, not a second one; so is
    // reported speech inside other reported speech ("he said he had asked the office for
    // every report": what was asked is part of what was said).
    let inside: Vec<bool> = quotes
        .iter()
        .enumerate()
        .map(|(i, p)| {
            matches!(p.kind, QuoteKind::Partial | QuoteKind::Indirect)
                && quotes.iter().enumerate().any(|(j, q)| {
                    j != i
                        && q.kind == QuoteKind::Indirect
                        && q.span.start <= p.span.start
                        && p.span.end <= q.span.end + 3
                        && (p.kind == QuoteKind::Partial || q.span.len() > p.span.len())
                })
        })
        .collect();
    let mut inside = inside.into_iter();
    quotes.retain(|_| !inside.next().unwrap_or(false));
    // A headline reports ("Minister says bridge will reopen") what the body then tells with its
    // real attribution; as a quote it would be a second, shortened copy.
    let paragraphs = text::paragraphs(text);
    for q in &mut quotes {
        q.headline = q.kind == QuoteKind::Indirect
            && paragraphs
                .iter()
                .find(|p| p.start <= q.span.start && q.span.start < p.end)
                .is_some_and(|p| {
                    let line = &text[p.clone()];
                    text::looks_like_headline(line) && !line.ends_with(['?', '!', '"', '”'])
                });
        q.class = class::classify(text, q);
    }
    quotes
}

/// Whether the rules know `w` (lower case) as a cue word: a verb, participle, noun or stance
/// word, or the "according" of "according to". Evaluation uses it to sort misses.
pub fn is_cue_word(w: &str) -> bool {
    attribution::is_cue_word(w)
}

/// Every quotation in `text`, with people found by the built-in name heuristic.
pub fn quotes(text: &str) -> Vec<Quote> {
    extract_quotes(text, &find_people(text))
}

/// Words that make a name a place or an organisation, and are not surnames.
const PLACE_OR_BODY: &[&str] = &[
    "street",
    "road",
    "avenue",
    "boulevard",
    "square",
    "airport",
    "hospital",
    "university",
    "radio",
    "television",
    "ministry",
    "department",
    "agency",
    "committee",
    "council",
    "inc",
    "corp",
    "ltd",
    "institute",
    "foundation",
    "association",
];

/// The person mentions among an entity recogniser's output, as speaker candidates.
pub fn people_from_entities(entities: &[crate::ner::Entity]) -> Vec<PersonMention> {
    use crate::ner::EntityKind::Person;
    // A "person" named like a place or a body ("Mill Street", "Radio Kessel") is not one. Only
    // words that are never surnames count: "Jack White" and "Vicente Fox" stay.
    let people: Vec<&crate::ner::Entity> = entities
        .iter()
        .filter(|e| e.kind == Person)
        .filter(|e| {
            !e.text
                .split_whitespace()
                .any(|w| PLACE_OR_BODY.contains(&w.to_lowercase().as_str()))
        })
        .collect();
    // A lone word tagged as a person that the article otherwise uses only inside the names of
    // places and organisations ("Kessel" beside "Radio Kessel") is that place, not a surname.
    let other: Vec<&str> = entities
        .iter()
        .filter(|e| e.kind != Person)
        .flat_map(|e| e.text.split_whitespace())
        .collect();
    let full: Vec<&str> = people
        .iter()
        .filter(|e| e.text.contains(' '))
        .flat_map(|e| e.text.split_whitespace())
        .collect();
    people
        .into_iter()
        .filter(|e| {
            e.text.contains(' ')
                || !other.contains(&e.text.as_str())
                || full.contains(&e.text.as_str())
        })
        .map(|e| PersonMention {
            span: e.span.clone(),
            name: e.text.clone(),
            gender: None,
        })
        .collect()
}

/// The full name each of `people` resolves to within `text` ("Varga" → "Elena Varga"), in the
/// order given; evaluation uses it to compare speakers by name.
pub fn full_names(text: &str, people: &[PersonMention]) -> Vec<String> {
    let resolved = speakers::People::build(text, people);
    people
        .iter()
        .map(|m| {
            resolved
                .mentions
                .iter()
                .find(|(s, _)| *s == m.span)
                .map_or_else(
                    || m.name.clone(),
                    |(_, pi)| resolved.persons[*pi].full.clone(),
                )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ner::{Entity, EntityKind};

    #[test]
    fn reported_speech_inside_reported_speech_is_one_quote() {
        let text = "Interior Minister Tomas Brekke said he had asked the dam safety office for \
                    every report it had made on the dam since 2020.";
        let found = quotes(text);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].text.starts_with("he had asked"), "{found:#?}");
    }

    #[test]
    fn people_leave_out_places_and_bodies_tagged_as_persons() {
        use EntityKind::{Organization, Person};
        let text = "Jack White met Vicente Fox on Mill Street near Radio Kessel. \
                    Kessel and White agreed; Fox left for Fox News.";
        // The entity `name` where `at` begins in `text`.
        let entity = |kind, at: &str, name: &str| {
            let start = text.find(at).expect("in text");
            Entity {
                kind,
                span: start..start + name.len(),
                text: name.to_owned(),
            }
        };
        let entities = [
            entity(Person, "Jack White", "Jack White"),
            entity(Person, "Vicente Fox", "Vicente Fox"),
            entity(Person, "Mill Street", "Mill Street"),
            entity(Organization, "Radio Kessel", "Radio Kessel"),
            entity(Person, "Kessel and", "Kessel"),
            entity(Person, "White agreed", "White"),
            entity(Person, "Fox left", "Fox"),
            entity(Organization, "Fox News", "Fox News"),
        ];
        let names: Vec<String> = people_from_entities(&entities)
            .into_iter()
            .map(|p| p.name)
            .collect();
        // "Mill Street" is a place by its last word. "Kessel" is otherwise only part of an
        // organisation's name; "Fox" is also the surname of "Vicente Fox".
        assert_eq!(names, ["Jack White", "Vicente Fox", "White", "Fox"]);
        let radio = [entity(Person, "Radio Kessel", "Radio Kessel")];
        assert!(people_from_entities(&radio).is_empty());
    }
}
