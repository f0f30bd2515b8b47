//! The credit line a wire story ends with: `(Reporting by Ilse Varga in Kessel; editing by Mara
//! Sund)`. The people it names wrote or edited the story; they are not in it.

use crate::Span;

/// How a credit line opens, lower-cased, after an optional opening parenthesis.
const OPENINGS: &[&str] = &[
    "reporting by",
    "additional reporting by",
    "reporting and writing by",
    "writing by",
    "editing by",
    "compiled by",
];

/// The longest line taken for a credit line, in bytes.
const MAX_LEN: usize = 400;

/// The credit line `text` ends with, if its last line is one: it opens with "Reporting by",
/// "Writing by", "Editing by" or the like, optionally inside parentheses that close at its end.
pub fn credit_line(text: &str) -> Option<Span> {
    let end = text.trim_end().len();
    let start = text[..end].rfind('\n').map_or(0, |i| i + 1);
    let line = text[start..end].trim_start();
    let start = end - line.len();
    if line.is_empty() || line.len() > MAX_LEN {
        return None;
    }
    let inner = match line.strip_prefix('(') {
        Some(rest) if line.ends_with(')') => rest,
        Some(_) => return None,
        None => line,
    };
    let lower = inner.to_lowercase();
    OPENINGS
        .iter()
        .any(|o| lower.starts_with(o))
        .then_some(start..end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_credit_lines() {
        let text = "The dam failed.\n\n(Reporting by Ilse Varga in Kessel; editing by Mara Sund)\n";
        let span = credit_line(text).expect("a credit line");
        assert_eq!(
            &text[span],
            "(Reporting by Ilse Varga in Kessel; editing by Mara Sund)"
        );
        let text = "The dam failed.\nWriting by Petr Holm; Editing by Jonas Berg";
        assert_eq!(
            credit_line(text).map(|s| &text[s]),
            Some("Writing by Petr Holm; Editing by Jonas Berg")
        );
        assert_eq!(credit_line("Additional reporting by Ana Ruiz"), Some(0..32));
    }

    #[test]
    fn ordinary_endings_are_not_credit_lines() {
        for text in [
            "",
            "   \n ",
            "The dam failed.",
            "The report was written by engineers.",
            "(Reporting by Ilse Varga",
            "Reporting by the council showed the dam was safe.\n\nThe minister disagreed.",
        ] {
            assert_eq!(credit_line(text), None, "{text:?}");
        }
        let long = format!("Reporting by {}", "x".repeat(MAX_LEN));
        assert_eq!(credit_line(&long), None);
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "(\\PC|\n){0,60}(\\(?(Reporting|Editing|Writing) by [A-Za-zé ;]{0,20}\\)?)?[ \n]{0,3}") {
            if let Some(span) = credit_line(&s) {
                proptest::prop_assert!(s.is_char_boundary(span.start) && s.is_char_boundary(span.end));
                proptest::prop_assert!(span.start < span.end && span.end <= s.len());
            }
        }
    }
}
