//! Reading articles: files, folders, stdin and gzip in; [`Article`]s out.
//!
//! Each reader (plain text, HTML, JSON/JSONL, RSS/Atom, WARC) turns bytes into [`Draft`]s, and
//! [`Draft::finish`] normalises the body and gives the article its id. Bad input is normal input:
//! a reader reports a [`ReadError`] naming the file (and line, record or byte) and goes on with the
//! next record. Nothing here panics on input, and nothing here writes anywhere.

mod dates;
mod decode;
mod feed;
#[doc(hidden)]
pub mod fuzzing;
pub mod html;
pub mod http;
mod input;
mod json;
mod markup;
mod pending;
mod plain;
mod sniff;
mod warc;

pub use input::{Config, read_bytes, read_inputs};
pub use pending::{Pending, read_inputs_on};

use std::fmt;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// Where an article came from: a path (or `-` for stdin) and, for files that hold several
/// articles (JSONL, feeds, WARC), the 1-based record number within the file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Source {
    pub path: String,
    pub record: Option<u64>,
}

impl Source {
    pub fn file(path: impl Into<String>) -> Self {
        Source {
            path: path.into(),
            record: None,
        }
    }

    pub fn record(path: impl Into<String>, record: u64) -> Self {
        Source {
            path: path.into(),
            record: Some(record),
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.record {
            Some(n) => write!(f, "{}#{}", self.path, n),
            None => f.write_str(&self.path),
        }
    }
}

/// One news article, extracted and normalised.
///
/// **Invariant:** `text::normalize(&article.original).text == article.text`, so any byte range
/// into `text` can be mapped back into `original` with [`text::Normalized::original_span`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// Content hash of outlet, title and normalised body: the same article read twice has the
    /// same id.
    pub id: String,
    pub source: Source,
    /// The id the input gave the record (a JSON record's `id`), kept so results can be joined
    /// back to the caller's data. Not unique and not the key: that is `id`.
    pub record_id: Option<String>,
    pub url: Option<String>,
    pub outlet: Option<String>,
    pub title: Option<String>,
    pub authors: Vec<String>,
    pub published: Option<DateTime<FixedOffset>>,
    /// The place named in the dateline ("WASHINGTON"), if the article opens with one.
    pub dateline: Option<String>,
    /// ISO 639-1 code of the body's language, when it could be told.
    pub language: Option<String>,
    /// The normalised body: paragraphs separated by one blank line.
    pub text: String,
    /// The body as extracted, before normalisation.
    pub original: String,
    /// True when the body is only a feed item's summary, not the full article.
    pub summary_only: bool,
    /// Problems that did not stop the article from being read.
    pub warnings: Vec<String>,
}

/// An article as a reader found it, before normalisation and hashing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Draft {
    /// The id the input gave the record, if any.
    pub record_id: Option<String>,
    pub url: Option<String>,
    pub outlet: Option<String>,
    pub title: Option<String>,
    pub authors: Vec<String>,
    pub published: Option<DateTime<FixedOffset>>,
    pub dateline: Option<String>,
    pub language: Option<String>,
    /// The body, paragraphs separated by blank lines.
    pub body: String,
    pub summary_only: bool,
    pub warnings: Vec<String>,
}

impl Draft {
    /// Normalises the body and metadata and gives the article its id. Fails when nothing of the
    /// body is left.
    pub fn finish(mut self, source: Source) -> Result<Article, ReadError> {
        let normalized = text::normalize(&self.body);
        if normalized.text.is_empty() {
            return Err(ReadError::BadInput {
                location: source.to_string(),
                message: "no article text found".into(),
            });
        }
        // A dateline opening names the place and, for wire copy, the outlet.
        if let Some(found) = text::dateline(&normalized.text) {
            self.dateline = self.dateline.or(found.place);
            self.outlet = self.outlet.or(found.outlet);
        }
        let clean = |s: Option<String>| {
            s.map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|s| !s.is_empty())
        };
        let outlet = clean(self.outlet);
        let title = clean(self.title);
        let id = article_id(outlet.as_deref(), title.as_deref(), &normalized.text);
        Ok(Article {
            id,
            source,
            record_id: clean(self.record_id),
            url: clean(self.url),
            outlet,
            title,
            authors: self
                .authors
                .into_iter()
                .filter_map(|a| clean(Some(a)))
                .collect(),
            published: self.published,
            dateline: clean(self.dateline),
            language: self
                .language
                .or_else(|| text::language(&normalized.text).map(str::to_owned)),
            text: normalized.text,
            original: normalized.original,
            summary_only: self.summary_only,
            warnings: self.warnings,
        })
    }
}

/// The id of an article: 16 hex digits of a BLAKE3 hash over outlet, title and normalised body.
pub fn article_id(outlet: Option<&str>, title: Option<&str>, text: &str) -> String {
    let mut h = blake3::Hasher::new();
    for part in [outlet.unwrap_or(""), title.unwrap_or(""), text] {
        h.update(&(part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().to_hex()[..16].to_owned()
}

/// Why an input, or one record of it, could not be read. The message names the file, and the
/// line, record or byte where that applies.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file or stream could not be read at all.
    #[error("{location}: {source}")]
    Io {
        location: String,
        #[source]
        source: std::io::Error,
    },
    /// The input was read but is not something we can take an article from.
    #[error("{location}: {message}")]
    BadInput { location: String, message: String },
}
