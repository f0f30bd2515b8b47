//! Word tokens and the small word helpers every stage shares: byte ranges of words, an English
//! stopword list and a comparison key.
//!
//! Deliberately simple and language-agnostic (apart from the stopword list); it must never split
//! inside a UTF-8 character or return an empty token.

use std::borrow::Cow;

use unicode_normalization::char::is_combining_mark;

use crate::Span;

/// Word tokens of `text`: maximal runs of letters, digits and combining marks, keeping inner
/// apostrophes and hyphens (`don't`, `O’Brien`, `well-known`) and inner decimal points and
/// thousands separators of numbers (`3.5`, `1,000`), as byte ranges.
pub fn words(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start = None;
    let mut prev = '\0';
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let inside = if start.is_some() {
            is_word_char(c) || {
                let next = chars.peek().map_or(' ', |&(_, n)| n);
                match c {
                    '\'' | '’' | '-' | '‐' | '‑' => {
                        prev.is_alphanumeric() && next.is_alphanumeric()
                    }
                    '.' | ',' => prev.is_ascii_digit() && next.is_ascii_digit(),
                    _ => false,
                }
            }
        } else {
            c.is_alphanumeric()
        };
        match (inside, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(s..i);
                start = None;
            }
            _ => {}
        }
        prev = c;
    }
    if let Some(s) = start {
        out.push(s..text.len());
    }
    out
}

fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        c.is_alphanumeric() || is_combining_mark(c)
    }
}

/// The key two words are compared by: lower case, with the typographic apostrophe made straight.
/// Borrows when nothing changes.
pub fn fold(word: &str) -> Cow<'_, str> {
    if word
        .chars()
        .all(|c| !c.is_uppercase() && c != '’' && c != 'ʼ')
    {
        return Cow::Borrowed(word);
    }
    Cow::Owned(
        word.chars()
            .map(|c| if c == '’' || c == 'ʼ' { '\'' } else { c })
            .flat_map(char::to_lowercase)
            .collect(),
    )
}

/// True for common English function words (articles, pronouns, prepositions, auxiliaries),
/// compared case-insensitively.
pub fn is_stopword(word: &str) -> bool {
    let key = fold(word);
    STOPWORDS.binary_search(&key.as_ref()).is_ok()
}

/// Sorted, lower case.
const STOPWORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "aren't",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "can't",
    "cannot",
    "could",
    "couldn't",
    "did",
    "didn't",
    "do",
    "does",
    "doesn't",
    "doing",
    "don't",
    "down",
    "during",
    "each",
    "few",
    "for",
    "from",
    "further",
    "had",
    "hadn't",
    "has",
    "hasn't",
    "have",
    "haven't",
    "having",
    "he",
    "he'd",
    "he'll",
    "he's",
    "her",
    "here",
    "here's",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "how's",
    "i",
    "i'd",
    "i'll",
    "i'm",
    "i've",
    "if",
    "in",
    "into",
    "is",
    "isn't",
    "it",
    "it's",
    "its",
    "itself",
    "let's",
    "me",
    "more",
    "most",
    "mustn't",
    "my",
    "myself",
    "no",
    "nor",
    "not",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "ought",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "same",
    "shan't",
    "she",
    "she'd",
    "she'll",
    "she's",
    "should",
    "shouldn't",
    "so",
    "some",
    "such",
    "than",
    "that",
    "that's",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "there's",
    "these",
    "they",
    "they'd",
    "they'll",
    "they're",
    "they've",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "very",
    "was",
    "wasn't",
    "we",
    "we'd",
    "we'll",
    "we're",
    "we've",
    "were",
    "weren't",
    "what",
    "what's",
    "when",
    "when's",
    "where",
    "where's",
    "which",
    "while",
    "who",
    "who's",
    "whom",
    "why",
    "why's",
    "will",
    "with",
    "won't",
    "would",
    "wouldn't",
    "you",
    "you'd",
    "you'll",
    "you're",
    "you've",
    "your",
    "yours",
    "yourself",
    "yourselves",
];

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(input: &str, expected: &[&str]) {
        let got: Vec<&str> = words(input).into_iter().map(|w| &input[w]).collect();
        assert_eq!(got, expected, "words of {input:?}");
    }

    #[test]
    fn table() {
        check("", &[]);
        check("  ,. ", &[]);
        check("Hello, world!", &["Hello", "world"]);
        check(
            "don't O’Brien well-known",
            &["don't", "O’Brien", "well-known"],
        );
        check("'quoted' -dash- end-", &["quoted", "dash", "end"]);
        check(
            "3.5 per cent of 1,000, U.S.",
            &["3.5", "per", "cent", "of", "1,000", "U", "S"],
        );
        check(
            "café cafe\u{301} 日本語",
            &["café", "cafe\u{301}", "日本語"],
        );
        check("the '90s", &["the", "90s"]);
    }

    #[test]
    fn stopwords_and_fold() {
        assert!(
            STOPWORDS.windows(2).all(|w| w[0] < w[1]),
            "list must stay sorted"
        );
        assert!(is_stopword("The") && is_stopword("don’t") && is_stopword("i"));
        assert!(!is_stopword("Merkel") && !is_stopword(""));
        assert_eq!(fold("Don’t"), "don't");
        assert!(matches!(fold("plain"), Cow::Borrowed(_)));
        assert_eq!(fold("ÉTÉ"), "été");
    }

    proptest! {
        #[test]
        fn words_are_nonempty_ordered_and_on_boundaries(s in any::<String>()) {
            let mut last = 0;
            for w in words(&s) {
                prop_assert!(w.start < w.end && w.start >= last);
                prop_assert!(s.is_char_boundary(w.start) && s.is_char_boundary(w.end));
                last = w.end;
            }
        }
    }
}
