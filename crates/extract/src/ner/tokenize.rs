//! Tokens and sentences for the tagger, as byte ranges into the text.
//!
//! The tagger was trained on CoNLL-2003 tokens, so this splits text the same way: punctuation
//! becomes its own token, possessive and negative clitics (`'s`, `n't`) are split off, and
//! abbreviations (`U.S.`, `Sen.`, `Inc.`) keep their period. It must never drop or reorder
//! text: every token is a non-empty byte range on character boundaries, in text order.

use std::ops::Range;

use text::Span;

/// Titles and other abbreviations that keep their trailing period, lower case, without it.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "capt",
    "cmdr", "adm", "maj", "rev", "sr", "jr", "st", "mt", "ft", "inc", "corp", "co", "ltd", "plc",
    "bros", "no", "vs", "v", "etc", "jan", "feb", "mar", "apr", "aug", "sept", "sep", "oct", "nov",
    "dec", "ave", "blvd", "dept", "univ", "est", "pres", "supt", "messrs", "atty", "hon",
];

/// Splits `text` into tokens.
pub fn tokens(text: &str) -> Vec<Span> {
    let mut out = Vec::with_capacity(text.len() / 5);
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                split_chunk(text, s, i, &mut out);
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        split_chunk(text, s, text.len(), &mut out);
    }
    out
}

/// Groups `tokens` (from [`tokens`]) into sentences, as ranges of token indices. A sentence ends
/// after `.`, `!` or `?` (and any closing quotes or brackets right after it) and at a blank
/// line; very long runs are cut so that no sentence has more than 250 tokens.
pub fn sentences(text: &str, tokens: &[Span]) -> Vec<Range<usize>> {
    const MAX: usize = 250;
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < tokens.len() {
        let tok = &text[tokens[i].clone()];
        let mut end = None;
        if matches!(tok, "." | "!" | "?" | "..." | "…") {
            let mut j = i + 1;
            while j < tokens.len()
                && tokens[j].start == tokens[j - 1].end
                && is_closer(&text[tokens[j].clone()])
            {
                j += 1;
            }
            end = Some(j);
        } else if i + 1 - start >= MAX
            || i + 1 < tokens.len() && text[tokens[i].end..tokens[i + 1].start].contains("\n\n")
        {
            end = Some(i + 1);
        }
        match end {
            Some(e) => {
                out.push(start..e);
                start = e;
                i = e;
            }
            None => i += 1,
        }
    }
    if start < tokens.len() {
        out.push(start..tokens.len());
    }
    out
}

fn is_closer(tok: &str) -> bool {
    matches!(tok, "\"" | "'" | "”" | "’" | "»" | ")" | "]")
}

/// Splits one whitespace-free chunk `text[s..e]` into tokens.
fn split_chunk(text: &str, mut s: usize, mut e: usize, out: &mut Vec<Span>) {
    // Leading punctuation, one token per character (a run of dots is one token).
    while s < e {
        let c = text[s..e].chars().next().unwrap_or('a');
        if c.is_alphanumeric() {
            break;
        }
        let len = punct_run(&text[s..e]);
        out.push(s..s + len);
        s += len;
    }
    let mut trailing = Vec::new();
    while e > s {
        let c = text[s..e].chars().next_back().unwrap_or('a');
        if c.is_alphanumeric() {
            break;
        }
        if c == '.' {
            let core = &text[s..e - 1];
            let dots = core.len() - core.trim_end_matches('.').len();
            if dots == 0 && is_abbreviation(core) {
                break;
            }
            let run = dots + 1;
            trailing.push(e - run..e);
            e -= run;
            continue;
        }
        let len = c.len_utf8();
        trailing.push(e - len..e);
        e -= len;
    }
    if s < e {
        split_core(text, s, e, out);
    }
    out.extend(trailing.into_iter().rev());
}

/// Splits a core that starts and ends with an alphanumeric character: dashes and clitics.
fn split_core(text: &str, s: usize, e: usize, out: &mut Vec<Span>) {
    let core = &text[s..e];
    // Em and en dashes and double hyphens separate words.
    if let Some((i, len)) = core
        .char_indices()
        .find(|&(_, c)| c == '—' || c == '–')
        .map(|(i, c)| (i, c.len_utf8()))
        .or_else(|| core.find("--").map(|i| (i, 2)))
    {
        if i > 0 {
            split_chunk(text, s, s + i, out);
        }
        out.push(s + i..s + i + len);
        if s + i + len < e {
            split_chunk(text, s + i + len, e, out);
        }
        return;
    }
    let lower = core.to_lowercase();
    for clitic in [
        "n't", "n’t", "'s", "’s", "'re", "’re", "'ve", "’ve", "'ll", "’ll", "'d", "’d", "'m", "’m",
    ] {
        if lower.len() == core.len() && lower.ends_with(clitic) && core.len() > clitic.len() {
            let cut = e - clitic.len();
            out.push(s..cut);
            out.push(cut..e);
            return;
        }
    }
    out.push(s..e);
}

/// The byte length of the punctuation token at the start of `rest`: a run of dots or hyphens,
/// or one character.
fn punct_run(rest: &str) -> usize {
    let first = rest.chars().next().map_or(1, char::len_utf8);
    if rest.starts_with('.') || rest.starts_with('-') {
        let c = rest.as_bytes()[0];
        rest.bytes().take_while(|&b| b == c).count()
    } else {
        first
    }
}

/// Whether `core` followed by a period is an abbreviation: initials (`U.S`, `J`), a known title
/// or short form.
fn is_abbreviation(core: &str) -> bool {
    let mut chars = core.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => c.is_alphabetic(),
        _ => {
            core.contains('.') && core.split('.').all(|p| p.chars().count() <= 2)
                || ABBREVIATIONS.contains(&core.to_lowercase().as_str())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: &[&str]) {
        let got: Vec<&str> = tokens(input).into_iter().map(|s| &input[s]).collect();
        assert_eq!(got, expected, "tokens of {input:?}");
    }

    #[test]
    fn splits_punctuation_and_clitics() {
        check("Hello, world.", &["Hello", ",", "world", "."]);
        check(
            "“Merkel’s plan,” he said.",
            &["“", "Merkel", "’s", "plan", ",", "”", "he", "said", "."],
        );
        check("They don't know.", &["They", "do", "n't", "know", "."]);
        check("(AP) -- Oslo", &["(", "AP", ")", "--", "Oslo"]);
        check("wait...", &["wait", "..."]);
    }

    #[test]
    fn keeps_abbreviations() {
        check(
            "Sen. Ray Olsen met U.S. officials",
            &["Sen.", "Ray", "Olsen", "met", "U.S.", "officials"],
        );
        check("Nordic Bank Inc. said", &["Nordic", "Bank", "Inc.", "said"]);
        check("in the U.S.", &["in", "the", "U.S."]);
        check("the end.", &["the", "end", "."]);
    }

    #[test]
    fn keeps_hyphenated_words_and_numbers() {
        check(
            "a Danish-born $1,200.50 deal",
            &["a", "Danish-born", "$", "1,200.50", "deal"],
        );
    }

    #[test]
    fn sentences_end_at_stops_and_blank_lines() {
        let text = "Mr. Olsen left. \"Why?\" she asked.\n\nNew paragraph";
        let toks = tokens(text);
        let got: Vec<String> = sentences(text, &toks)
            .into_iter()
            .map(|r| text[toks[r.start].start..toks[r.end - 1].end].to_owned())
            .collect();
        assert_eq!(
            got,
            ["Mr. Olsen left.", "\"Why?\"", "she asked.", "New paragraph"]
        );
    }

    proptest::proptest! {
        #[test]
        fn tokens_are_ordered_non_empty_and_trimmed(s in "\\PC{0,80}") {
            let toks = tokens(&s);
            let mut last = 0;
            for t in &toks {
                proptest::prop_assert!(t.start >= last && t.start < t.end);
                let piece = &s[t.clone()];
                proptest::prop_assert!(!piece.chars().any(char::is_whitespace));
                last = t.end;
            }
            let joined: String = toks.iter().map(|t| &s[t.clone()]).collect();
            let squeezed: String = s.chars().filter(|c| !c.is_whitespace()).collect();
            proptest::prop_assert_eq!(joined, squeezed);
        }
    }
}
