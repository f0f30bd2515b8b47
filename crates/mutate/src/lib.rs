//! Structural mutations of article texts, for the fuzz targets and the property tests of the
//! analysis stages: real news edited the way copies and broken pages edit it (sentences dropped
//! or repeated, quote marks removed or unbalanced, paragraphs joined, very long tokens, control
//! and bidi characters, an article that is only a dateline).
//!
//! A mutation is driven by bytes, so a fuzzer's input and a property test's random vector steer
//! the same code: [`mutate`] reads `ops` a few bytes at a time, each group choosing one edit and
//! where it applies. Deterministic, no I/O; the result is always valid UTF-8. [`pipeline`] runs
//! texts through every analysis stage, as the front ends do.

pub mod pipeline;

/// The edits [`mutate`] can make, in the order their op code selects them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    DropSentence,
    RepeatSentence,
    RemoveQuoteMarks,
    RemoveOneQuoteMark,
    InsertQuoteMark,
    SwapQuoteStyle,
    JoinParagraphs,
    RepeatParagraph,
    LongToken,
    ControlChars,
    OnlyDateline,
    Truncate,
    Uppercase,
    SplitParagraph,
}

const EDITS: [Edit; 14] = [
    Edit::DropSentence,
    Edit::RepeatSentence,
    Edit::RemoveQuoteMarks,
    Edit::RemoveOneQuoteMark,
    Edit::InsertQuoteMark,
    Edit::SwapQuoteStyle,
    Edit::JoinParagraphs,
    Edit::RepeatParagraph,
    Edit::LongToken,
    Edit::ControlChars,
    Edit::OnlyDateline,
    Edit::Truncate,
    Edit::Uppercase,
    Edit::SplitParagraph,
];

/// Quotation marks of every style news copy uses.
const QUOTE_MARKS: [char; 10] = ['"', '“', '”', '‘', '’', '«', '»', '„', '\'', '‹'];

/// Characters that break naive text handling: NUL and other C0 controls, C1 controls, zero-width
/// and bidi controls, a lone combining mark, the replacement character.
const NASTY: [&str; 12] = [
    "\u{0}",
    "\u{7}",
    "\u{1b}[0m",
    "\u{85}",
    "\u{96}",
    "\u{200b}",
    "\u{200f}",
    "\u{202e}",
    "\u{2066}",
    "\u{301}",
    "\u{feff}",
    "\u{fffd}",
];

/// At most this many edits are made.
pub const MAX_EDITS: usize = 16;

/// Edits stop once the text has grown past twice its length or this many bytes.
const MAX_GROWTH: usize = 64 * 1024;

/// `text` after the edits `ops` selects (at most [`MAX_EDITS`]): each edit takes two bytes, the first choosing the edit,
/// the second where in the text it applies (scaled to the text's length).
pub fn mutate(text: &str, ops: &[u8]) -> String {
    let mut out = text.to_string();
    // Repeating a paragraph doubles it: a bound on the edits and on the growth keeps the result
    // the size of a real article, so a run's time is the analysis's, not the edits'.
    let limit = (2 * text.len()).max(MAX_GROWTH);
    for pair in ops.chunks(2).take(MAX_EDITS) {
        if out.len() > limit {
            break;
        }
        let edit = EDITS[pair[0] as usize % EDITS.len()];
        let at = pair.get(1).copied().unwrap_or(0);
        out = apply(&out, edit, at);
    }
    out
}

/// The texts a fuzz input stands for: its first byte `n` is how many op bytes follow, then the
/// texts, separated by NUL, each edited by those ops (invalid UTF-8 replaced). The seed corpora
/// that `cargo xtask sweep --corpus` writes have this shape.
pub fn fuzz_texts(data: &[u8]) -> Vec<String> {
    let Some((&n, rest)) = data.split_first() else {
        return Vec::new();
    };
    let (ops, body) = rest.split_at((n as usize).min(rest.len()));
    body.split(|&b| b == 0)
        .map(|t| mutate(&String::from_utf8_lossy(t), ops))
        .collect()
}

/// `text` with one `edit` made at the place `at` (0–255) points to.
pub fn apply(text: &str, edit: Edit, at: u8) -> String {
    match edit {
        Edit::DropSentence => edit_piece(text, sentences(text), at, |_| String::new()),
        Edit::RepeatSentence => edit_piece(text, sentences(text), at, |s| format!("{s}{s}")),
        Edit::RemoveQuoteMarks => {
            let mark = QUOTE_MARKS[at as usize % QUOTE_MARKS.len()];
            text.chars().filter(|&c| c != mark).collect()
        }
        Edit::RemoveOneQuoteMark => {
            let marks: Vec<usize> = text
                .char_indices()
                .filter(|(_, c)| QUOTE_MARKS.contains(c))
                .map(|(i, _)| i)
                .collect();
            match pick(&marks, at) {
                Some(&i) => {
                    let len = text[i..].chars().next().map_or(0, char::len_utf8);
                    format!("{}{}", &text[..i], &text[i + len..])
                }
                None => text.to_string(),
            }
        }
        Edit::InsertQuoteMark => {
            let mark = QUOTE_MARKS[at as usize % QUOTE_MARKS.len()];
            insert(text, at, &mark.to_string())
        }
        Edit::SwapQuoteStyle => {
            // Every style a copy may turn quotation marks into: the same closing mark on both
            // sides, guillemets, low-high, straight.
            let (open, close) =
                [('”', '”'), ('«', '»'), ('„', '“'), ('"', '"'), ('»', '«')][at as usize % 5];
            text.chars()
                .map(|c| match c {
                    '“' | '"' => open,
                    '”' => close,
                    c => c,
                })
                .collect()
        }
        Edit::JoinParagraphs => {
            let breaks: Vec<usize> = text.match_indices("\n\n").map(|(i, _)| i).collect();
            match pick(&breaks, at) {
                Some(&i) => format!("{} {}", &text[..i], &text[i + 2..]),
                None => text.to_string(),
            }
        }
        Edit::RepeatParagraph => edit_piece(text, paragraphs(text), at, |p| format!("{p}\n\n{p}")),
        Edit::LongToken => {
            let token = match at % 3 {
                0 => "a".repeat(5000),
                1 => format!("https://example.org/{}", "x/".repeat(1500)),
                _ => "Mc".repeat(1200),
            };
            insert(text, at, &format!(" {token} "))
        }
        Edit::ControlChars => insert(text, at, NASTY[at as usize % NASTY.len()]),
        Edit::OnlyDateline => [
            "KESSEL, Jan 12 (NWS) -",
            "LINDMOOR —",
            "WASHINGTON (AP) — ",
            "By ",
        ][at as usize % 4]
            .to_string(),
        Edit::Truncate => {
            let mut cut = text.len() * at as usize / 255;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text[..cut].to_string()
        }
        Edit::Uppercase => edit_piece(text, paragraphs(text), at, str::to_uppercase),
        Edit::SplitParagraph => insert(text, at, "\n\n"),
    }
}

/// The byte ranges of rough sentences: up to and including each ". ", "? ", "! " or line break.
fn sentences(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let end_mark = matches!(b, b'.' | b'?' | b'!') && bytes.get(i + 1) == Some(&b' ');
        if end_mark || b == b'\n' {
            // A sentence takes the space after its mark, so dropping it leaves no gap.
            let end = i + 1 + usize::from(end_mark);
            if end > start {
                out.push((start, end));
            }
            start = end;
        }
    }
    if start < text.len() {
        out.push((start, text.len()));
    }
    out
}

/// The byte ranges of the paragraphs, between blank lines.
fn paragraphs(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, _) in text.match_indices("\n\n") {
        out.push((start, i));
        start = i + 2;
    }
    out.push((start, text.len()));
    out
}

fn pick<T>(items: &[T], at: u8) -> Option<&T> {
    (!items.is_empty()).then(|| &items[at as usize * items.len() / 256])
}

/// `text` with the piece `at` picks of `pieces` replaced by `f` of it.
fn edit_piece(
    text: &str,
    pieces: Vec<(usize, usize)>,
    at: u8,
    f: impl Fn(&str) -> String,
) -> String {
    match pick(&pieces, at) {
        Some(&(s, e)) => format!("{}{}{}", &text[..s], f(&text[s..e]), &text[e..]),
        None => text.to_string(),
    }
}

/// `text` with `what` inserted at the character boundary nearest below the place `at` points to.
fn insert(text: &str, at: u8, what: &str) -> String {
    let mut i = text.len() * at as usize / 255;
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    format!("{}{what}{}", &text[..i], &text[i..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const TEXT: &str = "KESSEL — The dam broke. “We will rebuild,” she said.\n\nMore rain is due. Officials said 4,000 left.";

    fn check(edit: Edit, at: u8, expected: &str) {
        assert_eq!(apply(TEXT, edit, at), expected);
    }

    #[test]
    fn each_edit_does_what_it_says() {
        check(
            Edit::DropSentence,
            0,
            "“We will rebuild,” she said.\n\nMore rain is due. Officials said 4,000 left.",
        );
        check(
            Edit::RemoveOneQuoteMark,
            0,
            "KESSEL — The dam broke. We will rebuild,” she said.\n\nMore rain is due. Officials said 4,000 left.",
        );
        check(
            Edit::JoinParagraphs,
            0,
            "KESSEL — The dam broke. “We will rebuild,” she said. More rain is due. Officials said 4,000 left.",
        );
        check(Edit::OnlyDateline, 1, "LINDMOOR —");
        check(Edit::Truncate, 0, "");
        check(Edit::Truncate, 255, TEXT);
        assert_eq!(fuzz_texts(b"\x00one\x00two"), ["one", "two"]);
        assert_eq!(
            fuzz_texts(b"\x02\x0a\x00one"),
            [apply("one", Edit::OnlyDateline, 0)]
        );
        assert!(apply(TEXT, Edit::SwapQuoteStyle, 0).contains("”We will rebuild,”"));
    }

    proptest! {
        #[test]
        fn any_ops_give_valid_text(text in ".{0,200}", ops in proptest::collection::vec(any::<u8>(), 0..12)) {
            // A String is valid UTF-8 by construction; this checks that no edit panics on a
            // boundary, and that the edits are deterministic.
            prop_assert_eq!(mutate(&text, &ops), mutate(&text, &ops));
        }

        #[test]
        fn fuzz_texts_reads_any_bytes(data in proptest::collection::vec(any::<u8>(), 0..300)) {
            let texts = fuzz_texts(&data);
            prop_assert!(data.len() <= 1 || !texts.is_empty());
        }
    }
}
