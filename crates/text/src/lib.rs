//! Text primitives shared by every stage: normalisation that keeps a map back to the original,
//! paragraphs, sentences, quotation marks, datelines, language and word tokens, all as byte ranges
//! into the text they were computed on.
//!
//! This crate does no I/O, knows nothing about articles, files or stores, is deterministic, and
//! must never panic on any input (every returned range lies on UTF-8 character boundaries).

use std::ops::Range;

mod dateline;
mod language;
mod normalize;
mod paragraphs;
mod quotes;
mod sentences;
mod tokens;

pub use dateline::{Dateline, dateline, looks_like_headline};
pub use language::language;
pub use normalize::{Normalized, normalize};
pub use paragraphs::paragraphs;
pub use quotes::{Quotation, QuoteFamily, QuoteMark, QuoteRole, quotations, quote_mark};
pub use sentences::sentences;
pub use tokens::{fold, is_stopword, words};

/// A byte range into a text.
pub type Span = Range<usize>;
