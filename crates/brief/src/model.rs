//! The brief as data: what the JSON output carries (schema in `docs/brief.schema.json`) and what
//! the renderers read. Plain, serialisable structs; no logic.
//!
//! **Invariant:** every `text` here is a verbatim slice `article.text[start..end]` of the article
//! named next to it, so a front end can show and highlight the citation.

use serde::{Deserialize, Serialize};

/// Version of the JSON shape; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// Briefs of one or more stories, as printed by `parallax brief --format json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Brief {
    pub schema_version: u32,
    pub stories: Vec<StoryBrief>,
}

impl Brief {
    pub fn new(stories: Vec<StoryBrief>) -> Brief {
        Brief {
            schema_version: SCHEMA_VERSION,
            stories,
        }
    }
}

/// The brief of one story.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoryBrief {
    pub id: String,
    pub headline: String,
    /// The story's articles, in chronological order (undated ones in input order at the end).
    pub articles: Vec<ArticleRef>,
    /// Extractive summary in reading order.
    pub summary: Vec<SummarySentence>,
    pub quotes: Vec<QuoteGroup>,
    pub people: Vec<Person>,
    /// Facts carried by at least two articles, most widely carried first.
    pub facts: Vec<Fact>,
    /// Per article, the most central content no other article of the story carries.
    pub exclusive: Vec<Excerpt>,
    /// Dated events in date order.
    pub timeline: Vec<TimelineEvent>,
    /// Syndication: each copy and the original it was taken from.
    pub duplicates: Vec<Duplicate>,
    /// Problems with the input that did not stop the brief (bad spans, unknown article ids).
    pub warnings: Vec<String>,
}

/// An article of the story as the brief refers to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleRef {
    pub id: String,
    /// The input path, with `#record` for multi-record files.
    pub source: String,
    pub outlet: Option<String>,
    pub title: Option<String>,
    /// RFC 3339 publication time, when known.
    pub published: Option<String>,
    pub dateline: Option<String>,
    pub url: Option<String>,
}

/// A verbatim piece of one article: `text == article.text[start..end]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Excerpt {
    pub article: String,
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// One sentence of the summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummarySentence {
    /// Verbatim from `citations[0]`.
    pub text: String,
    /// Every article that carries this fact, the one quoted first.
    pub sources: Vec<String>,
    /// One per source: that article's own sentence for the fact, verbatim.
    pub citations: Vec<Excerpt>,
    /// Carried by at least two independent outlets.
    pub corroborated: bool,
}

/// A fact: a cluster of aligned sentences from different articles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fact {
    /// The fact as worded by `citations[0]`.
    pub text: String,
    pub sources: Vec<String>,
    pub outlets: Vec<String>,
    /// Carried by at least two independent outlets (syndicated copies count once).
    pub corroborated: bool,
    /// How many independent outlets carry it.
    pub independent: usize,
    /// How far the outlets agree: the same claim, the same claim with more said, or the same
    /// claim with other figures or the opposite polarity. Briefs written before it read as full.
    #[serde(default)]
    pub degree: Degree,
    pub citations: Vec<Excerpt>,
}

/// How far two outlets agree on a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Degree {
    /// Both state the same claim.
    #[default]
    Full,
    /// Both state it and one adds more.
    Partial,
    /// Both state it with different numbers or opposite polarity.
    Disputed,
}

impl Degree {
    pub fn as_str(self) -> &'static str {
        match self {
            Degree::Full => "full",
            Degree::Partial => "partial",
            Degree::Disputed => "disputed",
        }
    }
}

/// The same quotation across the story, with every appearance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuoteGroup {
    /// Unknown speakers stay unknown.
    pub speaker: Option<String>,
    /// The role the articles give the speaker ("officials", "spokesman"), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// The longest appearance's wording.
    pub text: String,
    pub appearances: Vec<Excerpt>,
}

impl QuoteGroup {
    /// Who to show as the speaker: the name, else the role marked as unnamed ("officials
    /// (unnamed)"), else "Unknown speaker".
    pub fn speaker_label(&self) -> String {
        match (&self.speaker, &self.role) {
            (Some(name), _) => name.clone(),
            (None, Some(role)) => format!("{role} (unnamed)"),
            (None, None) => "Unknown speaker".to_owned(),
        }
    }
}

/// A person (or, without the extract stage's entities, a capitalised name) and where it appears.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Person {
    pub name: String,
    pub articles: Vec<String>,
    pub mentions: usize,
}

/// A dated event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineEvent {
    /// `YYYY-MM-DD`, `YYYY-MM` or `YYYY`, as precise as the text allows.
    pub date: String,
    /// The words the date was read from ("on Thursday").
    pub expression: String,
    pub text: String,
    pub sources: Vec<String>,
    pub citations: Vec<Excerpt>,
}

/// A syndicated copy and its original.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Duplicate {
    pub article: String,
    pub original: String,
}
