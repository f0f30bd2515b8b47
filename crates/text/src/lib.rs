//! Text primitives shared by every stage: normalisation that keeps a map back to the original,
//! paragraphs, sentences and word tokens, all as byte ranges into the text they were computed on.
//!
//! This crate does no I/O and knows nothing about articles, files or stores.

use std::ops::Range;

/// A byte range into a text.
pub type Span = Range<usize>;

/// A normalised text together with the original it came from and an alignment between the two.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized {
    /// The normalised text: NFC, whitespace collapsed, paragraphs separated by one blank line.
    pub text: String,
    /// The text as it was given.
    pub original: String,
    /// Checkpoints `(normalised offset, original offset)`, sorted by both.
    map: Vec<(usize, usize)>,
}

impl Normalized {
    /// The byte offset in the original text that corresponds to `offset` in the normalised text.
    pub fn original_offset(&self, offset: usize) -> usize {
        match self.map.binary_search_by_key(&offset, |&(n, _)| n) {
            Ok(i) => self.map[i].1,
            Err(0) => offset,
            Err(i) => {
                let (n, o) = self.map[i - 1];
                (o + (offset - n)).min(self.original.len())
            }
        }
    }

    /// The original-text range that `span` of the normalised text came from.
    pub fn original_span(&self, span: Span) -> Span {
        self.original_offset(span.start)..self.original_offset(span.end)
    }
}

/// Normalises `original`: Unicode NFC, runs of spaces and tabs become one space, lines inside a
/// paragraph are joined, and paragraphs (separated by blank lines) are joined by `"\n\n"`.
pub fn normalize(original: &str) -> Normalized {
    use unicode_normalization::UnicodeNormalization;
    let mut text = String::with_capacity(original.len());
    let mut map = Vec::new();
    for para in paragraphs(original) {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        let mut pending_space = false;
        for (i, word) in original[para.clone()].split_whitespace().map(|w| {
            let start = w.as_ptr() as usize - original.as_ptr() as usize;
            (start, w)
        }) {
            if pending_space {
                text.push(' ');
            }
            map.push((text.len(), i));
            text.extend(word.nfc());
            pending_space = true;
        }
    }
    map.push((text.len(), original.len()));
    Normalized {
        text,
        original: original.to_owned(),
        map,
    }
}

/// Paragraphs of `text`: non-empty runs of lines separated by blank lines, trimmed.
pub fn paragraphs(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut end = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            if let Some(s) = start.take() {
                out.push(s..end);
            }
        } else {
            let lead = line.len() - line.trim_start().len();
            if start.is_none() {
                start = Some(offset + lead);
            }
            end = offset + lead + trimmed.len();
        }
        offset += line.len();
    }
    if let Some(s) = start {
        out.push(s..end);
    }
    out
}

/// Word tokens of `text`: maximal runs of alphanumeric characters (with inner apostrophes and
/// hyphens kept), as byte ranges.
pub fn words(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c.is_alphanumeric() {
            if start.is_none() {
                start = Some(i);
            }
        } else if let Some(s) = start.take() {
            out.push(s..i);
        }
    }
    if let Some(s) = start {
        out.push(s..text.len());
    }
    out
}

/// Sentences of `text` as byte ranges, never crossing a paragraph break.
pub fn sentences(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    for para in paragraphs(text) {
        let p = &text[para.clone()];
        let mut start = 0;
        let bytes = p.as_bytes();
        for (i, c) in p.char_indices() {
            if matches!(c, '.' | '!' | '?') && bytes.get(i + 1) == Some(&b' ') {
                let next = p[i + 2..].chars().next();
                if next.is_some_and(|n| n.is_uppercase()) {
                    out.push(para.start + start..para.start + i + 1);
                    start = i + 2;
                }
            }
        }
        if start < p.len() {
            out.push(para.start + start..para.end);
        }
    }
    out
}
