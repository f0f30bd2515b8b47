//! Sentence boundaries as byte ranges, tuned for news: abbreviations, titles, initials and
//! acronyms (`Sen.`, `U.S.`, `J. K. Rowling`, `a.m.`) do not end a sentence unless a clear
//! sentence opener follows, and a quotation closed within its paragraph is never split
//! (`He said: 'Stop. Now.' Then he left.` is one sentence).
//!
//! Rule-based and linear in the length of the text. It must never return a sentence that
//! crosses a paragraph break, an empty sentence, or one with white space at either end.

use crate::{Span, paragraphs, quotations};

/// Sentences of `text` as byte ranges, in order, never crossing a paragraph break.
pub fn sentences(text: &str) -> Vec<Span> {
    // Closed quotations within one paragraph are kept whole; one left open (a typo, or the first
    // paragraph of a long quote) would otherwise swallow its whole paragraph.
    let mut protected: Vec<Span> = Vec::new();
    for q in quotations(text) {
        if q.closed && q.parts.len() == 1 {
            match protected.last_mut() {
                Some(last) if q.span.start < last.end => last.end = last.end.max(q.span.end),
                _ => protected.push(q.span),
            }
        }
    }
    let mut protected = protected.into_iter().peekable();
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    for para in paragraphs(text) {
        let mut start = para.start;
        let mut i = para.start;
        while i < para.end {
            // Terminators are ASCII or start with one of these lead bytes, so `i` is then a
            // character boundary.
            match bytes[i..para.end]
                .iter()
                .position(|b| matches!(b, b'.' | b'!' | b'?' | 0xE2 | 0xE3 | 0xEF))
            {
                Some(k) => i += k,
                None => break,
            }
            let Some((term, cjk)) = terminator(&text[i..para.end]) else {
                i += 1;
                continue;
            };
            // The run of terminators ("?!", "...") and the closing marks after it.
            let mut end = i + term.len_utf8();
            let mut periods = usize::from(term == '.');
            let mut others = usize::from(term != '.');
            while let Some((t, _)) = terminator(&text[end..para.end]) {
                if t == '.' {
                    periods += 1;
                } else {
                    others += 1;
                }
                end += t.len_utf8();
            }
            loop {
                let rest = &text[end..para.end];
                let mut chars = rest.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), _) if is_closer(c) => end += c.len_utf8(),
                    // French spacing: « Non. Jamais. »
                    (Some(' '), Some(c @ ('»' | '›'))) => end += 1 + c.len_utf8(),
                    _ => break,
                }
            }
            let candidate = i;
            i = end;
            let next_start =
                end + (text[end..para.end].len() - text[end..para.end].trim_start().len());
            if next_start >= para.end || (!cjk && next_start == end) {
                continue;
            }
            while protected.peek().is_some_and(|q| q.end <= end) {
                protected.next();
            }
            if protected.peek().is_some_and(|q| q.start < end) {
                continue;
            }
            let next = &text[next_start..para.end];
            let quoted = text[candidate..end]
                .chars()
                .any(|c| matches!(c, '"' | '\'' | '”' | '’' | '»'));
            let ends = cjk
                || (opens_sentence(next)
                    && (others > 0
                        || periods > 1
                        || period_ends(&text[para.start..candidate], next))
                    && !(quoted && attribution_follows(next, others > 0)));
            if ends {
                out.push(start..end);
                start = next_start;
            }
        }
        if start < para.end {
            out.push(start..para.end);
        }
    }
    out
}

/// The sentence terminator `s` starts with, and whether it is one that needs no space after it.
fn terminator(s: &str) -> Option<(char, bool)> {
    match s.as_bytes().first()? {
        b'.' => Some(('.', false)),
        b'!' => Some(('!', false)),
        b'?' => Some(('?', false)),
        b'\xE2' | b'\xE3' | b'\xEF' => match s.chars().next()? {
            '…' => Some(('…', false)),
            c @ ('。' | '！' | '？') => Some((c, true)),
            _ => None,
        },
        _ => None,
    }
}

fn is_closer(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '”' | '’' | '»' | '›' | '」' | '』' | ')' | ']' | '}'
    )
}

/// Whether the text after a boundary looks like the start of a sentence.
fn opens_sentence(next: &str) -> bool {
    next.chars().next().is_some_and(|c| {
        c.is_uppercase()
            || c.is_ascii_digit()
            || (c.is_alphabetic() && !c.is_lowercase())
            || matches!(
                c,
                '"' | '\'' | '“' | '‘' | '«' | '„' | '(' | '[' | '¿' | '¡' | '»'
            )
    })
}

/// Whether a single period after `before` (the paragraph up to the period) ends a sentence that
/// `next` follows.
fn period_ends(before: &str, next: &str) -> bool {
    // Abbreviations are short: look back a few characters only, so that a long run of text
    // without spaces costs nothing per period.
    let mut token_start = 0;
    for (n, (i, c)) in before.char_indices().rev().enumerate() {
        if c.is_whitespace() {
            token_start = i + c.len_utf8();
            break;
        }
        if n == 24 {
            return true;
        }
    }
    let token = before[token_start..].trim_start_matches(|c: char| !c.is_alphanumeric());
    if token.is_empty() {
        return true;
    }
    let next_is_number = next.starts_with(|c: char| c.is_ascii_digit());
    if NEVER_FINAL.contains(&token) {
        return false;
    }
    if BEFORE_NUMBER.contains(&token) {
        return !next_is_number;
    }
    let mut chars = token.chars();
    let single_letter = chars.next().is_some_and(char::is_alphabetic) && chars.next().is_none();
    // "U.S", "a.m", "Ph.D": letters and periods, at least one inner period.
    let initialism = token.contains('.')
        && token
            .split('.')
            .all(|p| !p.is_empty() && p.chars().count() <= 2 && p.chars().all(char::is_alphabetic));
    if single_letter || initialism || MAYBE_FINAL.contains(&token) {
        return strong_opener(next);
    }
    true
}

/// After an abbreviation that may end a sentence ("Inc.", "U.S.", "Jan."), only a word that
/// usually opens one, or a quotation, makes it a boundary.
fn strong_opener(next: &str) -> bool {
    if next.starts_with(['"', '“', '‘', '«', '„']) {
        return true;
    }
    let word_end = next
        .find(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
        .unwrap_or(next.len());
    OPENERS.contains(&&next[..word_end])
}

/// `“Is it?” Vitter demanded.`: after a closing quotation mark, a short name (capitalised words)
/// and a speech verb belong to the quotation's sentence. After a question or exclamation mark any
/// verb position counts; after a period the verb must end its clause (`Trump said.`), since
/// `“...” Trump said in March that ...` is more often a new sentence.
fn attribution_follows(next: &str, question: bool) -> bool {
    for (i, token) in next.split_whitespace().take(5).enumerate() {
        let bare = token.trim_end_matches([',', '.', ':', ';', '!', '?']);
        if i > 0 && SPEECH_VERBS.contains(&bare) {
            return question || bare.len() < token.len();
        }
        let capitalised = token.starts_with(char::is_uppercase);
        if !capitalised || (bare.len() < token.len() && !is_title(bare)) || i == 4 {
            return false;
        }
    }
    false
}

fn is_title(word: &str) -> bool {
    NEVER_FINAL.contains(&word)
}

const SPEECH_VERBS: &[&str] = &[
    "acknowledged",
    "added",
    "adds",
    "admitted",
    "announced",
    "argued",
    "asked",
    "asks",
    "continued",
    "countered",
    "cried",
    "declared",
    "demanded",
    "exclaimed",
    "explained",
    "insisted",
    "joked",
    "noted",
    "quipped",
    "recalled",
    "replied",
    "replies",
    "responded",
    "said",
    "says",
    "shouted",
    "stated",
    "told",
    "tweeted",
    "tweets",
    "warned",
    "wondered",
    "wrote",
    "writes",
    "yelled",
];

/// Titles and words that are never the last of a sentence.
const NEVER_FINAL: &[&str] = &[
    "Mr", "Mrs", "Ms", "Messrs", "Mmes", "Mme", "Mlle", "Dr", "Prof", "Sen", "Sens", "Rep", "Reps",
    "Gov", "Govs", "Gen", "Lt", "Col", "Maj", "Capt", "Cpt", "Sgt", "Cpl", "Pvt", "Adm", "Cmdr",
    "Cdr", "Brig", "Rev", "Fr", "Hon", "Pres", "Supt", "Insp", "Det", "Amb", "Atty", "Sec", "Secs",
    "Gens", "vs", "v", "Vs", "cf", "eg", "ie", "Mt", "Ft", "Pt",
];

/// Abbreviations that stand before a number ("No. 10", "Art. 5").
const BEFORE_NUMBER: &[&str] = &[
    "No", "Nos", "no", "nos", "Art", "art", "Fig", "fig", "Vol", "vol", "pp", "p", "para", "Para",
    "Ch", "ch", "Sec", "sec", "Nr", "nr",
];

/// Abbreviations that also end sentences ("He works for Acme Inc. The company ...").
const MAYBE_FINAL: &[&str] = &[
    "Inc", "Corp", "Co", "Cos", "Jr", "Sr", "Ltd", "Bros", "LLC", "Plc", "plc", "Assn", "Dept",
    "Univ", "Govt", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov",
    "Dec", "Mon", "Tue", "Tues", "Wed", "Thu", "Thur", "Thurs", "Fri", "Sat", "St", "Ave", "Rd",
    "Blvd", "Sq", "etc", "approx", "est", "Ala", "Ariz", "Ark", "Calif", "Colo", "Conn", "Del",
    "Fla", "Ga", "Ill", "Ind", "Kan", "Kans", "Ky", "La", "Md", "Mass", "Mich", "Minn", "Miss",
    "Mo", "Mont", "Neb", "Nev", "Okla", "Ore", "Pa", "Penn", "Tenn", "Tex", "Va", "Vt", "Wash",
    "Wis", "Wyo",
];

/// Words that usually open a sentence in news English.
const OPENERS: &[&str] = &[
    "A",
    "According",
    "After",
    "Also",
    "Although",
    "An",
    "And",
    "As",
    "At",
    "Because",
    "Before",
    "Both",
    "But",
    "By",
    "During",
    "Each",
    "Earlier",
    "For",
    "From",
    "He",
    "Her",
    "His",
    "How",
    "However",
    "I",
    "If",
    "In",
    "It",
    "It's",
    "Its",
    "Last",
    "Later",
    "Many",
    "Meanwhile",
    "Most",
    "My",
    "Now",
    "On",
    "One",
    "Our",
    "She",
    "Since",
    "So",
    "Some",
    "That",
    "The",
    "Their",
    "Then",
    "There",
    "These",
    "They",
    "This",
    "Those",
    "Though",
    "To",
    "Two",
    "We",
    "What",
    "When",
    "Where",
    "While",
    "Who",
    "Why",
    "With",
    "Yet",
    "You",
];

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(input: &str, expected: &[&str]) {
        let got: Vec<&str> = sentences(input).into_iter().map(|s| &input[s]).collect();
        assert_eq!(got, expected, "sentences of {input:?}");
    }

    #[test]
    fn plain() {
        check("", &[]);
        check("One sentence", &["One sentence"]);
        check("One. Two. Three.", &["One.", "Two.", "Three."]);
        check("Really? Yes! Fine.", &["Really?", "Yes!", "Fine."]);
        check("Wait?! Go.", &["Wait?!", "Go."]);
        check(
            "He paused... Then he spoke.",
            &["He paused...", "Then he spoke."],
        );
        check(
            "He paused… Then he spoke.",
            &["He paused…", "Then he spoke."],
        );
        check("the plan ... was fine. ok", &["the plan ... was fine. ok"]);
        check(
            "It rose in 2019. 2020 was worse.",
            &["It rose in 2019.", "2020 was worse."],
        );
        check(
            "Lower. case does not split",
            &["Lower. case does not split"],
        );
        check("(See below.) Next one.", &["(See below.)", "Next one."]);
        check(
            "地震が起きた。被害は小さい。",
            &["地震が起きた。", "被害は小さい。"],
        );
    }

    #[test]
    fn paragraphs_are_hard_breaks() {
        check(
            "No end here\n\nNew paragraph. Two.",
            &["No end here", "New paragraph.", "Two."],
        );
        check(
            "A line\nbroken mid-sentence. Next.",
            &["A line\nbroken mid-sentence.", "Next."],
        );
        check(
            "He said “stop\n\nnow” and left.",
            &["He said “stop", "now” and left."],
        );
    }

    #[test]
    fn abbreviations_and_initials() {
        check(
            "Sen. Elizabeth Warren spoke. Rep. Jim Jordan did not.",
            &["Sen. Elizabeth Warren spoke.", "Rep. Jim Jordan did not."],
        );
        check(
            "Gov. Gavin Newsom met Gen. Mark Milley, Lt. Col. Vindman and Mr. and Mrs. Smith.",
            &["Gov. Gavin Newsom met Gen. Mark Milley, Lt. Col. Vindman and Mr. and Mrs. Smith."],
        );
        check(
            "Ms. Lee and Dr. Chen visited St. Louis.",
            &["Ms. Lee and Dr. Chen visited St. Louis."],
        );
        check(
            "Martin Luther King Jr. Day is Monday.",
            &["Martin Luther King Jr. Day is Monday."],
        );
        check(
            "He met Smith Sr. The talks failed.",
            &["He met Smith Sr.", "The talks failed."],
        );
        check(
            "Acme Inc. The firm said no.",
            &["Acme Inc.", "The firm said no."],
        );
        check(
            "Acme Inc. Chief Executive Jo Bloggs spoke.",
            &["Acme Inc. Chief Executive Jo Bloggs spoke."],
        );
        check(
            "Acme Corp. and Beta Co. Ltd. merged.",
            &["Acme Corp. and Beta Co. Ltd. merged."],
        );
        check(
            "Downing St. No. 10 is there.",
            &["Downing St. No. 10 is there."],
        );
        check(
            "It was a draw vs. Chelsea.",
            &["It was a draw vs. Chelsea."],
        );
        check(
            "U.S. President Joe Biden and U.K. and U.N. and E.U. officials met.",
            &["U.S. President Joe Biden and U.K. and U.N. and E.U. officials met."],
        );
        check(
            "He flew to the U.S. The trip was short.",
            &["He flew to the U.S.", "The trip was short."],
        );
        check(
            "On Jan. 5 and Feb. 6 and Aug. 7 and Sept. 8 it rained.",
            &["On Jan. 5 and Feb. 6 and Aug. 7 and Sept. 8 it rained."],
        );
        check(
            "It starts at 9 a.m. Tuesday and ends at 5 p.m. The room is booked.",
            &[
                "It starts at 9 a.m. Tuesday and ends at 5 p.m.",
                "The room is booked.",
            ],
        );
        check(
            "J. K. Rowling met John F. Kennedy Jr. in Washington.",
            &["J. K. Rowling met John F. Kennedy Jr. in Washington."],
        );
        check(
            "Growth was 3.5 per cent. Prices rose 1.2%.",
            &["Growth was 3.5 per cent.", "Prices rose 1.2%."],
        );
        check(
            "It needs vitamin C. The doctor said so.",
            &["It needs vitamin C.", "The doctor said so."],
        );
    }

    #[test]
    fn quotations_are_not_split() {
        check(
            "He said: 'Stop. Now.' Then he left.",
            &["He said: 'Stop. Now.'", "Then he left."],
        );
        check(
            r#"He said: "Stop. Now." Then he left."#,
            &[r#"He said: "Stop. Now.""#, "Then he left."],
        );
        check(
            "“We will fight. We will win,” he said. She agreed.",
            &["“We will fight. We will win,” he said.", "She agreed."],
        );
        check(
            "“Why?” she asked. “Because.” He left.",
            &["“Why?” she asked.", "“Because.”", "He left."],
        );
        check(
            "“Is it too big?” Vitter demanded. Nobody answered.",
            &["“Is it too big?” Vitter demanded.", "Nobody answered."],
        );
        check(
            "“Why now?” Sen. Jane Doe asked on Friday. Nobody knew.",
            &["“Why now?” Sen. Jane Doe asked on Friday.", "Nobody knew."],
        );
        check(
            "“We won.” Trump said. He left.",
            &["“We won.” Trump said.", "He left."],
        );
        check(
            "“We won.” Trump said in March that it was over.",
            &["“We won.”", "Trump said in March that it was over."],
        );
        check(
            "“Stop!” The crowd said nothing.",
            &["“Stop!”", "The crowd said nothing."],
        );
        check(
            "“He told me ‘Stop. Go.’ Then he left,” she said.",
            &["“He told me ‘Stop. Go.’ Then he left,” she said."],
        );
        check(
            "Il a dit « Non. Jamais. » Puis il est parti.",
            &["Il a dit « Non. Jamais. »", "Puis il est parti."],
        );
        // Left open: the quotation is not protected, so its paragraph still splits.
        check(
            "“We will fight. We will win.\n\n“We never surrender,” he said.",
            &[
                "“We will fight.",
                "We will win.",
                "“We never surrender,” he said.",
            ],
        );
    }

    #[test]
    fn one_megabyte_is_fast() {
        let para = "Sen. Jane Doe said on Jan. 5 that the U.S. economy grew 3.5 per cent. \
                    “It is good news. Really,” she said. Others disagreed! Why? Nobody knows...\n\n";
        let text = para.repeat(1_000_000 / para.len() + 1);
        let started = std::time::Instant::now();
        let n = sentences(&text).len();
        let took = started.elapsed();
        assert_eq!(n, 5 * (1_000_000 / para.len() + 1));
        eprintln!("sentences over {} bytes: {took:?}", text.len());
        // Generous for an unoptimised build on a busy machine; release takes a few milliseconds
        // (`cargo run --release -p text --example bench`).
        assert!(took.as_millis() < 5_000, "{took:?}");
    }

    #[test]
    fn long_runs_without_spaces_take_linear_time() {
        let started = std::time::Instant::now();
        for text in [
            "a".repeat(300_000) + ". The end. " + &"x. ".repeat(100_000),
            "U.S.".repeat(100_000) + " Next.",
            "?!".repeat(100_000) + " Next.",
            ". ".repeat(100_000),
        ] {
            let _ = sentences(&text);
        }
        // Linear input runs in about a second unoptimised; quadratic would take minutes.
        assert!(started.elapsed().as_secs() < 30, "{:?}", started.elapsed());
    }

    proptest! {
        #[test]
        fn sentences_are_trimmed_ordered_and_inside_paragraphs(s in "[a-zA-Z .?!'\"“”\n]{0,80}") {
            let paras = paragraphs(&s);
            let mut last = 0;
            for sent in sentences(&s) {
                prop_assert!(sent.start < sent.end && sent.start >= last);
                prop_assert_eq!(s[sent.clone()].trim(), &s[sent.clone()]);
                prop_assert!(paras.iter().any(|p| p.start <= sent.start && sent.end <= p.end));
                last = sent.end;
            }
        }

        #[test]
        fn never_panics(s in any::<String>()) {
            for sent in sentences(&s) {
                prop_assert!(s.is_char_boundary(sent.start) && s.is_char_boundary(sent.end));
            }
        }

        #[test]
        fn never_panics_on_punctuation_soup(s in "([A-Za-z]{1,3}|[ .?!…。！？'\"“”‘’«»„()]|é|\u{301}|\n\n){0,60}") {
            for sent in sentences(&s) {
                prop_assert!(s.is_char_boundary(sent.start) && s.is_char_boundary(sent.end));
            }
        }
    }
}
