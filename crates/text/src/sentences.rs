//! Sentences (placeholder, replaced below).

use crate::{Span, paragraphs};

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
