//! Text primitives shared by every stage: normalisation that keeps a map back to the original,
//! paragraphs, sentences, quotation marks, datelines, language and word tokens, all as byte ranges
//! into the text they were computed on.
//!
//! The usual flow: [`normalize`] an article body once and keep the [`Normalized`] value; run
//! everything else ([`paragraphs`], [`sentences`], [`quotations`], [`words`], [`dateline`]) on its
//! `text`; map any range found there back to the original with [`Normalized::original_span`].
//!
//! **Invariants:** every returned range lies on UTF-8 character boundaries of the text it was
//! computed on; ranges are returned in order; sentences and quotation parts never cross a
//! paragraph break; the normalised text is NFC and normalising it again changes nothing.
//!
//! **Boundary:** this crate does no I/O, knows nothing about articles, files or stores, is
//! deterministic, and must never panic on any input.

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
