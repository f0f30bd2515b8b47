//! Paragraphs: runs of non-blank lines separated by blank lines, as trimmed byte ranges.
//!
//! Works on normalised text (paragraphs separated by `"\n\n"`) and on raw text alike. It must
//! never return an empty range or one that starts or ends with white space.

use crate::Span;

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

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: &[&str]) {
        let got: Vec<&str> = paragraphs(input).into_iter().map(|p| &input[p]).collect();
        assert_eq!(got, expected, "paragraphs of {input:?}");
    }

    #[test]
    fn table() {
        check("", &[]);
        check(" \n \n", &[]);
        check("one", &["one"]);
        check("one\n\ntwo", &["one", "two"]);
        check(
            "  one\nstill one \n \t\n\n two\r\n",
            &["one\nstill one", "two"],
        );
        check("a\r\n\r\nb", &["a", "b"]);
    }
}
