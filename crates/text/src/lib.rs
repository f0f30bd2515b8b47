//! Text primitives shared by every stage: normalisation that keeps a map back to the original,
//! paragraphs, sentences, quotation marks, datelines and credit lines, language and word tokens,
//! all as byte ranges into the text they were computed on.
//!
//! The usual flow: [`normalize`] an article body once and keep the [`Normalized`] value; run
//! everything else ([`paragraphs`], [`sentences`], [`quotations`], [`words`], [`dateline`]) on its
//! `text`; map any range found there back to the original with [`Normalized::original_span`].
//!
//! ```
//! let raw = "WASHINGTON (Reuters) -  Sen. Jane\u{A0}Doe said: “Stop.\nNow.”\n\n\nShe left.";
//! let n = text::normalize(raw);
//! assert_eq!(n.text, "WASHINGTON (Reuters) - Sen. Jane Doe said: “Stop. Now.”\n\nShe left.");
//!
//! let d = text::dateline(&n.text).unwrap();
//! assert_eq!((d.place.as_deref(), d.outlet.as_deref()), (Some("WASHINGTON"), Some("Reuters")));
//!
//! let sentences: Vec<&str> = text::sentences(&n.text).into_iter().map(|s| &n.text[s]).collect();
//! assert_eq!(sentences, ["WASHINGTON (Reuters) - Sen. Jane Doe said: “Stop. Now.”", "She left."]);
//!
//! let q = &text::quotations(&n.text)[0];
//! assert_eq!(&n.text[q.inner.clone()], "Stop. Now.");
//! assert_eq!(n.original_str(q.inner.clone()), "Stop.\nNow.");
//! ```
//!
//! **Invariants:** every returned range lies on UTF-8 character boundaries of the text it was
//! computed on; ranges are returned in order; sentences and quotation parts never cross a
//! paragraph break; the normalised text is NFC and normalising it again changes nothing.
//!
//! **Boundary:** this crate does no I/O, knows nothing about articles, files or stores, is
//! deterministic, and must never panic on any input.

use std::ops::Range;

mod credits;
mod dateline;
mod furniture;
mod language;
mod normalize;
mod paragraphs;
mod quotes;
mod sentences;
mod tokens;

pub use credits::credit_line;
pub use dateline::{Dateline, dateline, looks_like_headline};
pub use furniture::{furniture_phrase, furniture_sentences, not_article, teaser};
pub use language::{SAMPLE_BYTES, language, language_of_sample};
pub use normalize::{Normalized, normalize};
pub use paragraphs::paragraphs;
pub use quotes::{Quotation, QuoteFamily, QuoteMark, QuoteRole, quotations, quote_mark};
pub use sentences::sentences;
pub use tokens::{fold, is_stopword, words};

/// A byte range into a text.
pub type Span = Range<usize>;
