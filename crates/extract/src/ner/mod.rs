//! Named entities: people, organisations, places and other names in an article, as byte ranges
//! into its text; mentions grouped into entities within an article (with roles such as
//! "Foreign Minister" kept apart from names) and merged across the articles of a story.
//!
//! The recogniser is a two-stage averaged-perceptron tagger trained on CoNLL-2003 by
//! `cargo xtask train-ner`; its weights are compiled into the crate. Nothing here does I/O, and
//! no input makes it panic.

pub mod classes;
pub(crate) mod features;
mod gazetteer;
mod group;
pub(crate) mod model;
mod tags;
pub mod tokenize;
pub mod train;

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use text::Span;

pub use gazetteer::Gazetteer;
pub use group::{Group, Mention, Role, StoryEntity, group, merge_story};
pub use model::{Model, ModelError};
pub use tags::{Tag, bilou, chunks};

/// The kind of a named entity (the four CoNLL-2003 types).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum EntityKind {
    Person,
    Organization,
    Location,
    /// Other names: nationalities, events, works, products.
    Misc,
}

impl EntityKind {
    /// Every kind, in tag order.
    pub const ALL: [EntityKind; 4] = [
        EntityKind::Person,
        EntityKind::Organization,
        EntityKind::Location,
        EntityKind::Misc,
    ];

    /// The CoNLL name: `PER`, `ORG`, `LOC` or `MISC`.
    pub fn conll(self) -> &'static str {
        match self {
            EntityKind::Person => "PER",
            EntityKind::Organization => "ORG",
            EntityKind::Location => "LOC",
            EntityKind::Misc => "MISC",
        }
    }

    /// Parses a CoNLL name.
    pub fn from_conll(s: &str) -> Option<EntityKind> {
        EntityKind::ALL.into_iter().find(|k| k.conll() == s)
    }
}

/// One mention of a named entity in a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    pub kind: EntityKind,
    /// Byte range into the text; `&text[span]` is `text`.
    pub span: Span,
    pub text: String,
}

static BUNDLED: &[u8] = include_bytes!("../../models/ner.bin");

/// The model compiled into the crate, loaded on first use (`None` if it cannot be read, which
/// a test rules out).
pub fn bundled_model() -> Option<&'static Model> {
    static MODEL: OnceLock<Option<Model>> = OnceLock::new();
    MODEL
        .get_or_init(|| Model::from_bytes(BUNDLED).ok())
        .as_ref()
}

/// The named-entity mentions in `text`, in text order, found with the bundled model.
pub fn entities(text: &str) -> Vec<Entity> {
    match bundled_model() {
        Some(model) => recognize(model, text),
        None => Vec::new(),
    }
}

/// The entities of one article: [`entities`] grouped with [`group`].
pub fn article_entities(text: &str) -> Vec<Group> {
    group(text, &entities(text))
}

/// The named-entity mentions in `text` found with `model`. The whole text is one document.
pub fn recognize(model: &Model, text: &str) -> Vec<Entity> {
    let toks = tokenize::tokens(text);
    let sents = tokenize::sentences(text, &toks);
    let words: Vec<Vec<&str>> = sents
        .iter()
        .map(|r| toks[r.clone()].iter().map(|t| &text[t.clone()]).collect())
        .collect();
    let tags = model.tag_document(&words);
    let mut out = Vec::new();
    for (range, sent_tags) in sents.iter().zip(&tags) {
        for (chunk, kind) in chunks(sent_tags) {
            let span = toks[range.start + chunk.start].start..toks[range.start + chunk.end - 1].end;
            out.push(Entity {
                kind,
                text: text[span.clone()].to_owned(),
                span,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks that `text` yields exactly the mentions `expected` as `(kind, text)`.
    fn check(text: &str, expected: &[(EntityKind, &str)]) {
        let found = entities(text);
        for e in &found {
            assert_eq!(
                &text[e.span.clone()],
                e.text,
                "span of {e:?} does not round-trip"
            );
        }
        let got: Vec<(EntityKind, &str)> =
            found.iter().map(|e| (e.kind, e.text.as_str())).collect();
        assert_eq!(got, expected, "entities of {text:?}");
    }

    #[test]
    fn bundled_model_loads() {
        assert!(bundled_model().is_some());
    }

    #[test]
    fn tags_a_fictional_sentence() {
        use EntityKind::*;
        check(
            "Prime Minister Elena Varga met Nordic Bank officials in Oslo.",
            &[
                (Person, "Elena Varga"),
                (Organization, "Nordic Bank"),
                (Location, "Oslo"),
            ],
        );
    }

    #[test]
    fn groups_a_fictional_article() {
        let text = "Prime Minister Elena Varga met Nordic Bank officials in Oslo.\n\nVarga said \
                    the talks went well.";
        let groups = article_entities(text);
        let varga = groups
            .iter()
            .find(|g| g.name == "Elena Varga")
            .expect("Elena Varga is an entity");
        assert_eq!(varga.kind, EntityKind::Person);
        let roles: Vec<&str> = varga.roles.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(roles, ["Prime Minister"]);
        let mentions: Vec<&str> = varga
            .mentions
            .iter()
            .map(|m| &text[m.span.clone()])
            .collect();
        assert_eq!(mentions, ["Elena Varga", "Varga"]);
    }

    #[test]
    fn empty_and_odd_inputs_give_nothing() {
        check("", &[]);
        check("   \n\n  ", &[]);
        check("... !!! ???", &[]);
    }

    proptest::proptest! {
        #[test]
        fn spans_round_trip(s in "\\PC{0,120}") {
            for e in entities(&s) {
                proptest::prop_assert_eq!(&s[e.span.clone()], e.text.as_str());
            }
        }

        /// Name-like text (capitalised words, titles, curly quotes, accents, blank lines) so
        /// that entities and roles are actually found.
        #[test]
        fn name_spans_and_roles_round_trip(
            s in "((Sen\\.|President|Ms\\.|said|in|the|“|”|’s|, |\\.|\\n\\n|[A-ZÅÉ][a-zåéö]{1,7}) ){0,25}"
        ) {
            let found = entities(&s);
            for e in &found {
                proptest::prop_assert_eq!(&s[e.span.clone()], e.text.as_str());
            }
            for g in group(&s, &found) {
                for m in &g.mentions {
                    proptest::prop_assert_eq!(&s[m.span.clone()], m.text.as_str());
                }
                for r in &g.roles {
                    proptest::prop_assert_eq!(&s[r.span.clone()], r.text.as_str());
                }
            }
        }
    }
}
