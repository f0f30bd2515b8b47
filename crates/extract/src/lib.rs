//! What an article says and who says it: named entities (people, organisations, places) and
//! quotations with their speakers, as byte ranges into the article's normalised text.
//!
//! Deterministic and free of I/O: models are loaded from bytes compiled into the crate.

pub mod ner;
pub mod quotes;
