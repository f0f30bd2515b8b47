//! Sentence features shared by alignment, summary and timeline: stemmed terms, numbers,
//! capitalised names, and whether a sentence is article content at all (not a byline, caption,
//! share button or archive notice).
//!
//! Every sentence keeps its byte range into its article's normalised text; nothing here copies
//! or rewrites article text.

use std::collections::HashMap;

use ingest::Article;
use text::Span;

/// One sentence of one article, with the features the later stages need.
#[derive(Debug, Clone)]
pub(crate) struct Sentence {
    /// Index of the article in the story's input order.
    pub article: usize,
    /// Position of the sentence within its article (0 = lead).
    pub position: usize,
    /// Byte range into the article's `text`.
    pub span: Span,
    /// Term ids of all word tokens (Porter stems of lower-cased words), in order.
    pub tokens: Vec<u32>,
    /// Term ids of the content words (stopwords and one-letter tokens removed), sorted, unique.
    pub terms: Vec<u32>,
    /// Numbers written with digits, without thousands separators.
    pub numbers: Vec<String>,
    /// Lower-cased capitalised words that do not open the sentence: names, mostly.
    pub names: Vec<String>,
    /// Word count, as a reader (and `--words`) counts them.
    pub words: usize,
    /// False for boilerplate, captions, bylines and fragments: never summarised.
    pub content: bool,
    /// True when the sentence carries a direct quotation.
    pub quoted: bool,
    /// Negations and denials ("not", "didn't", "never", "denied"): an odd count turns the
    /// claim around, which the pair model reads as a polarity clash.
    pub negations: u8,
}

/// Interns stems as dense ids so sentences compare as integer lists.
#[derive(Debug, Default)]
pub(crate) struct Vocabulary {
    ids: HashMap<String, u32>,
    pub stopword: Vec<bool>,
}

impl Vocabulary {
    pub fn id(&mut self, stem: &str, stop: bool) -> u32 {
        if let Some(&id) = self.ids.get(stem) {
            return id;
        }
        let id = self.ids.len() as u32;
        self.ids.insert(stem.to_owned(), id);
        self.stopword.push(stop);
        id
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }
}

/// Splits every article into sentences and computes their features.
pub(crate) fn analyse(articles: &[Article], vocab: &mut Vocabulary) -> Vec<Sentence> {
    let mut stems: HashMap<String, String> = HashMap::new();
    let mut out = Vec::new();
    for (a, article) in articles.iter().enumerate() {
        let body = article.text.as_str();
        for (position, span) in text::sentences(body).into_iter().enumerate() {
            let Some(s) = body.get(span.clone()) else {
                continue;
            };
            if s.trim().is_empty() {
                continue;
            }
            // A wire dateline (`KESSEL, Jan 12 (NWS) - The dam ...`) is not part of what the
            // sentence says: the brief quotes the sentence from its first word.
            let rest = text::dateline(s).map(|d| d.rest(s));
            let (span, s) = match rest {
                Some(rest) if rest.split_whitespace().nth(3).is_some() => {
                    (span.end - rest.len()..span.end, rest)
                }
                _ => (span, s),
            };
            out.push(sentence(a, position, span, s, vocab, &mut stems));
        }
    }
    out
}

fn sentence(
    article: usize,
    position: usize,
    span: Span,
    s: &str,
    vocab: &mut Vocabulary,
    cache: &mut HashMap<String, String>,
) -> Sentence {
    let mut tokens = Vec::new();
    let mut terms = Vec::new();
    let mut names = Vec::new();
    let mut negations = 0u8;
    let spans = text::words(s);
    for (i, w) in spans.iter().enumerate() {
        let word = &s[w.clone()];
        let lower = word.to_lowercase();
        if is_negation(&lower) {
            negations = negations.saturating_add(1);
        }
        if word.chars().any(|c| c.is_ascii_digit()) {
            // Numbers are read separately, with their separators.
        } else if i > 0
            && word.chars().next().is_some_and(char::is_uppercase)
            && !is_stopword(&lower)
        {
            names.push(lower.clone());
        }
        // Tokens follow ROUGE's view of words so that coverage we optimise is coverage it sees.
        for part in lower.split(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit())) {
            if part.is_empty() {
                continue;
            }
            let stop = is_stopword(part);
            let stem = if part.len() > 3 {
                cache
                    .entry(part.to_owned())
                    .or_insert_with(|| crate::porter::stem(part))
                    .as_str()
            } else {
                part
            };
            let id = vocab.id(stem, stop);
            tokens.push(id);
            if !stop && part.len() > 1 {
                terms.push(id);
            }
        }
    }
    terms.sort_unstable();
    terms.dedup();
    let mut numbers = numbers_in(s);
    numbers.sort();
    numbers.dedup();
    names.sort();
    names.dedup();
    let words = s.split_whitespace().count();
    let quoted = s.contains(['"', '“', '”', '«', '»']);
    Sentence {
        article,
        position,
        span,
        tokens,
        terms,
        numbers,
        names,
        words,
        content: is_content(s, words),
        quoted,
        negations,
    }
}

/// Words that deny or negate what the sentence reports.
fn is_negation(lower: &str) -> bool {
    matches!(
        lower,
        "not"
            | "no"
            | "never"
            | "nor"
            | "neither"
            | "none"
            | "nobody"
            | "nothing"
            | "cannot"
            | "denied"
            | "denies"
            | "deny"
            | "denying"
    ) || lower.ends_with("n't")
        || lower.ends_with("n\u{2019}t")
}

/// Numbers written with digits ("1,200", "3.5", "2024"), thousands separators removed.
fn numbers_in(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            current.push(c);
        } else if !current.is_empty()
            && matches!(c, ',' | '.')
            && chars.peek().is_some_and(char::is_ascii_digit)
        {
            if c == '.' {
                current.push('.');
            }
        } else if !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Phrases that mark a sentence as page furniture rather than reporting.
const BOILERPLATE: &[&str] = &[
    "advertisement",
    "photo:",
    "photograph:",
    "image:",
    "image caption",
    "getty images",
    "(ap photo",
    "file photo",
    "click here",
    "sign up",
    "subscribe",
    "newsletter",
    "all rights reserved",
    "copyright",
    "follow us",
    "follow him on",
    "follow her on",
    "on twitter",
    "on facebook",
    "contributed to this report",
    "read more",
    "related:",
    "article excerpt",
    "story continues",
    "continue reading",
    "media playback",
    "crawl",
    "wayback",
    "internet archive",
    "archive pages",
    "tweet with a location",
    "your tweets",
    "location information",
    "privacy policy",
    "terms of service",
    "this material may not be",
    "http://",
    "https://",
    "www.",
    "@",
    "toggle caption",
    "play facebook",
    "share this",
    "email this",
    "top of page",
    "last updated",
    "posted by",
    "reporting by",
    "editing by",
    "writing by",
];

/// A sentence worth summarising: a real sentence of reasonable length, not page furniture.
fn is_content(s: &str, words: usize) -> bool {
    if !(6..=55).contains(&words) {
        return false;
    }
    let first = s.chars().next();
    if !first.is_some_and(|c| {
        c.is_uppercase() || c.is_ascii_digit() || matches!(c, '"' | '“' | '‘' | '\'')
    }) {
        return false;
    }
    let last = s.trim_end().chars().last();
    if !last.is_some_and(|c| matches!(c, '.' | '!' | '?' | '"' | '”' | '’' | '\'' | ')')) {
        return false;
    }
    let lower = s.to_lowercase();
    if BOILERPLATE.iter().any(|p| lower.contains(p)) {
        return false;
    }
    // Headlines and shouted captions: mostly upper-case letters.
    let letters = s.chars().filter(|c| c.is_alphabetic()).count();
    let upper = s.chars().filter(|c| c.is_uppercase()).count();
    letters > 0 && upper * 2 < letters
}

/// English function words, as the other stages count them.
pub(crate) fn is_stopword(w: &str) -> bool {
    text::is_stopword(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_content(s: &str, expected: bool) {
        assert_eq!(
            is_content(s, s.split_whitespace().count()),
            expected,
            "{s:?}"
        );
    }

    #[test]
    fn tells_content_from_furniture() {
        check_content(
            "The council voted 7 to 2 to close the old bridge on Friday.",
            true,
        );
        check_content("Advertisement Continue reading the main story", false);
        check_content(
            "Follow her on Twitter for more updates from the valley.",
            false,
        );
        check_content("Short one.", false);
        check_content(
            "300 homes were flooded when the dam failed on Thursday.",
            true,
        );
        check_content(
            "the sentence starts in lower case as a fragment does",
            false,
        );
        check_content(
            "A caption without any final punctuation mark at all here",
            false,
        );
    }

    #[test]
    fn features_of_a_sentence() {
        let mut v = Vocabulary::default();
        let mut c = HashMap::new();
        let s = "Mayor Ana Ruiz said 1,200 residents left Brightwater on Friday.";
        let f = sentence(0, 0, 0..s.len(), s, &mut v, &mut c);
        assert_eq!(f.numbers, ["1200"]);
        assert_eq!(f.names, ["ana", "brightwater", "friday", "ruiz"]);
        assert_eq!(f.words, 10);
        assert!(f.content);
        assert!(!f.quoted);
    }
}
