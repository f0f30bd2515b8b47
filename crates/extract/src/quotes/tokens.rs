//! Word and punctuation tokens and quote-aware sentences for the quote rules.
//!
//! Kept private to `quotes`: the rules need punctuation tokens (commas, colons, quote marks)
//! that `text::words` drops, and sentences that never split inside a quotation.

use text::Span;

/// One token: a word (letters and digits with inner apostrophes, hyphens and dots) or one
/// punctuation character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tok {
    pub span: Span,
    pub word: bool,
    /// First character, for quick punctuation tests.
    pub first: char,
    /// Lower-cased text for word tokens, empty for punctuation.
    pub lower: String,
    /// The word starts with an upper-case letter.
    pub cap: bool,
}

impl Tok {
    pub fn is(&self, lower: &str) -> bool {
        self.word && self.lower == lower
    }

    pub fn is_punct(&self, c: char) -> bool {
        !self.word && self.first == c
    }
}

/// Tokens of `text` as byte ranges; whitespace is dropped.
pub(crate) fn tokenize(text: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c.is_alphanumeric() {
            let mut j = i + 1;
            while j < chars.len() {
                let d = chars[j].1;
                if d.is_alphanumeric() {
                    j += 1;
                } else if matches!(d, '\'' | '’' | '-' | '.' | '&')
                    && chars.get(j + 1).is_some_and(|n| n.1.is_alphanumeric())
                {
                    j += 2;
                } else {
                    break;
                }
            }
            let end = chars.get(j).map_or(text.len(), |n| n.0);
            let w = &text[start..end];
            out.push(Tok {
                span: start..end,
                word: true,
                first: c,
                lower: w.to_lowercase(),
                cap: c.is_uppercase(),
            });
            i = j;
        } else {
            let end = chars.get(i + 1).map_or(text.len(), |n| n.0);
            out.push(Tok {
                span: start..end,
                word: false,
                first: c,
                lower: String::new(),
                cap: false,
            });
            i += 1;
        }
    }
    out
}

/// Words after which a full stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "sen", "rep", "gov", "gen", "lt", "col", "sgt", "capt", "st", "jr",
    "sr", "prof", "rev", "hon", "jan", "feb", "mar", "apr", "aug", "sept", "sep", "oct", "nov",
    "dec", "no", "vs", "mt", "ft", "ave", "u.s", "u.n", "u.k", "e.g", "i.e", "a.m", "p.m", "d.c",
];

/// Sentences of one paragraph's tokens as token index ranges. A full stop, question or
/// exclamation mark (with any closing quote mark after it) ends a sentence when the next token
/// starts upper case, with a digit or with an opening mark, unless the stop belongs to an
/// abbreviation or falls inside one of the `protected` byte ranges (quotations).
pub(crate) fn sentences(
    toks: &[Tok],
    para: &Span,
    protected: &[Span],
    is_cue: &dyn Fn(&str) -> bool,
) -> Vec<(usize, usize)> {
    let first = toks.partition_point(|t| t.span.start < para.start);
    let last = toks.partition_point(|t| t.span.start < para.end);
    let mut out = Vec::new();
    let mut start = first;
    let mut i = first;
    while i < last {
        let t = &toks[i];
        if !t.word && matches!(t.first, '.' | '!' | '?') {
            let abbrev = t.first == '.'
                && i > first
                && toks[i - 1].word
                && toks[i - 1].span.end == t.span.start
                && (ABBREVIATIONS.contains(&toks[i - 1].lower.as_str())
                    || (toks[i - 1].lower.chars().count() == 1 && toks[i - 1].cap));
            let mut end = i + 1;
            while end < last
                && !toks[end].word
                && is_closing_mark(toks[end].first)
                && toks[end].span.start == toks[end - 1].span.end
            {
                end += 1;
            }
            // A stop inside a quotation ends nothing, unless the quotation closes right after it.
            let inside = protected
                .iter()
                .any(|p| p.start < t.span.start && toks[end - 1].span.end < p.end);
            let next_starts = match toks.get(end) {
                Some(n) if end < last => {
                    n.cap || n.first.is_ascii_digit() || (!n.word && is_opening_mark(n.first))
                }
                _ => false,
            };
            // `“Why?” Varga asked.`: a quote closed by ? or ! runs on into its attribution, also
            // past an apposition (`“Why?” Mara Sund, a strategist for Nordbank, said.`).
            let attributed = end > i + 1 && t.first != '.' && {
                let tail = &toks[end..last.min(end + 25)];
                let clause = tail
                    .iter()
                    .enumerate()
                    .take_while(|&(k, t)| {
                        t.word
                            || t.first == ','
                            || (t.first == '.'
                                && k > 0
                                && ABBREVIATIONS.contains(&tail[k - 1].lower.as_str()))
                    })
                    .count();
                let tail = &tail[..clause];
                tail.iter()
                    .take(6)
                    .take_while(|t| t.word || t.first == '.')
                    .any(|t| is_cue(&t.lower))
                    || tail
                        .iter()
                        .enumerate()
                        .any(|(k, t)| k > 0 && tail[k - 1].first == ',' && is_cue(&t.lower))
            };
            if !inside && !abbrev && next_starts && !attributed {
                out.push((start, end));
                start = end;
                i = end;
                continue;
            }
        }
        i += 1;
    }
    if start < last {
        out.push((start, last));
    }
    out
}

pub(crate) fn is_opening_mark(c: char) -> bool {
    matches!(c, '"' | '“' | '„' | '«' | '‹' | '‘' | '\'' | '”' | '(')
}

pub(crate) fn is_closing_mark(c: char) -> bool {
    matches!(c, '"' | '”' | '»' | '›' | '’' | '\'' | '“' | ')')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expected: &[&str]) {
        let toks = tokenize(text);
        let para = 0..text.len();
        let got: Vec<&str> = sentences(&toks, &para, &[], &|w| w == "said")
            .into_iter()
            .map(|(a, b)| &text[toks[a].span.start..toks[b - 1].span.end])
            .collect();
        assert_eq!(got, expected, "{text}");
    }

    #[test]
    fn splits_sentences_but_not_abbreviations() {
        check(
            "Mr. Varga left. He said no.",
            &["Mr. Varga left.", "He said no."],
        );
        check(
            "The U.S. team won. Fans cheered.",
            &["The U.S. team won.", "Fans cheered."],
        );
        check("\"We won.\" She smiled.", &["\"We won.\"", "She smiled."]);
        check("It was 3 p.m. on Monday", &["It was 3 p.m. on Monday"]);
    }

    #[test]
    fn tokens_keep_inner_apostrophes() {
        let toks = tokenize("Varga’s plan, O'Neil said.");
        let words: Vec<&str> = toks
            .iter()
            .map(|t| &"Varga’s plan, O'Neil said."[t.span.clone()])
            .collect();
        assert_eq!(words, ["Varga’s", "plan", ",", "O'Neil", "said", "."]);
    }
}
