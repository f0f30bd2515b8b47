//! Normalisation that never loses its way back: Unicode NFC, white space collapsed, the lines of a
//! paragraph joined with one space, paragraphs separated by exactly `"\n\n"`, invisible characters
//! (zero-width spaces, soft hyphens, byte-order marks, direction marks, control characters)
//! dropped, the C1 controls U+0080–U+009F that a text decoded as Latin-1 instead of
//! Windows-1252 carries read as the Windows-1252 characters they were (`\u{96}` is an en dash,
//! as the HTML standard maps them), and every other kind of space (no-break, narrow, ideographic) read as a space.
//!
//! The result keeps the original and an alignment: every byte range of the normalised text maps to
//! the range of the original it came from, so a quote found in the normalised text can be shown,
//! highlighted or cited in the original. This module must never change a visible character other
//! than by NFC, never reorder text, and never produce a mapping that lands inside a UTF-8
//! character of the original.

use std::ops::Range;

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

use crate::Span;

/// A normalised text together with the original it came from and an alignment between the two.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Normalized {
    /// The normalised text: NFC, whitespace collapsed, paragraphs separated by one blank line.
    pub text: String,
    /// The text as it was given.
    pub original: String,
    /// Consecutive pieces of `text`, each with the original range it came from; sorted by both.
    map: Vec<Piece>,
}

/// One piece of the alignment: `text[norm..norm + norm_len]` came from
/// `original[orig..orig + orig_len]`. Original bytes between two pieces were dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Piece {
    norm: usize,
    orig: usize,
    norm_len: usize,
    orig_len: usize,
    /// The two sides are the same bytes, so offsets inside the piece map one to one. Otherwise
    /// an offset inside the piece maps to the piece's start (or, for an end, its end).
    exact: bool,
}

impl Normalized {
    /// The byte offset in the original text where the normalised text starting at `offset`
    /// came from. Offsets past the end are clamped; the end of the text maps to the end of its
    /// last character in the original (trailing white space is not included).
    pub fn original_offset(&self, offset: usize) -> usize {
        let Some(first) = self.map.first() else {
            return 0;
        };
        let offset = offset.min(self.text.len());
        let i = self.map.partition_point(|p| p.norm <= offset);
        let p = if i == 0 { *first } else { self.map[i - 1] };
        if offset >= p.norm + p.norm_len {
            p.orig + p.orig_len
        } else if p.exact {
            p.orig + (offset - p.norm)
        } else {
            p.orig
        }
    }

    /// The byte offset in the original text where the normalised text ending at `offset` ends:
    /// like [`Normalized::original_offset`], but a position inside a changed piece rounds up.
    pub fn original_end(&self, offset: usize) -> usize {
        let Some(first) = self.map.first() else {
            return 0;
        };
        let offset = offset.min(self.text.len());
        let i = self.map.partition_point(|p| p.norm < offset);
        if i == 0 {
            return first.orig;
        }
        let p = self.map[i - 1];
        if p.exact && offset < p.norm + p.norm_len {
            p.orig + (offset - p.norm)
        } else {
            p.orig + p.orig_len
        }
    }

    /// The original-text range that `span` of the normalised text came from. The result always
    /// covers everything the span was made from; an empty span maps to an empty range.
    pub fn original_span(&self, span: Span) -> Span {
        let start = self.original_offset(span.start);
        if span.start >= span.end {
            return start..start;
        }
        start..self.original_end(span.end).max(start)
    }

    /// The original text that `span` of the normalised text came from.
    pub fn original_str(&self, span: Span) -> &str {
        &self.original[self.original_span(span)]
    }

    /// The byte offset in the normalised text that the original `offset` ended up at. An
    /// offset inside dropped text maps to where the next kept text starts.
    pub fn normalized_offset(&self, offset: usize) -> usize {
        let i = self.map.partition_point(|p| p.orig <= offset);
        if i == 0 {
            return 0;
        }
        let p = self.map[i - 1];
        if offset >= p.orig + p.orig_len {
            p.norm + p.norm_len
        } else if p.exact {
            p.norm + (offset - p.orig)
        } else {
            p.norm
        }
    }
}

/// Normalises `original`: Unicode NFC, runs of spaces and tabs become one space, lines inside a
/// paragraph are joined, and paragraphs (separated by blank lines) are joined by `"\n\n"`. A word
/// broken over two lines of a paragraph is joined back together: at a soft hyphen without it
/// (`infor\u{AD}` + `mation`), at a hyphen between letters with it (`well-` + `known`), except
/// for a suspended hyphen (`short-` + `and long-term`).
pub fn normalize(original: &str) -> Normalized {
    let mut out = Builder {
        text: String::with_capacity(original.len()),
        map: Vec::new(),
        original,
    };
    // The word being read, or the last one read while the gap after it is being read.
    let mut word: Option<Word> = None;
    let mut in_word = false;
    let mut gap = Gap::default();
    let mut previous = '\0';
    let bytes = original.as_bytes();
    let mut pos = 0;
    while pos < bytes.len() {
        let c = match bytes[pos] {
            b if b.is_ascii() => char::from(b),
            _ => match original[pos..].chars().next() {
                Some(c) => c,
                None => break,
            },
        };
        let class = classify(c);
        let mut next = pos + c.len_utf8();
        match class {
            Class::Visible => {
                // Printable ASCII after a visible character continues the word: skip it in bulk.
                next += bytes[next..]
                    .iter()
                    .position(|b| !(0x21..=0x7E).contains(b))
                    .unwrap_or(bytes.len() - next);
                let end = next;
                let rejoin = |w: &Word| {
                    !gap.paragraph
                        && gap.breaks == 1
                        && (w.soft_end
                            || (w.hyphen_end
                                && c.is_lowercase()
                                && !is_suspension(&original[pos..])))
                };
                match &mut word {
                    Some(w) if in_word => w.end = end,
                    // "infor\u{AD}\nmation", "well-\nknown": a word broken over two lines.
                    Some(w) if rejoin(w) => {
                        w.end = end;
                        w.special = true;
                    }
                    _ => {
                        let sep = match word.take() {
                            None => None,
                            Some(w) => {
                                let last_end = w.end;
                                out.word(&w);
                                Some((if gap.paragraph { "\n\n" } else { " " }, last_end))
                            }
                        };
                        word = Some(Word {
                            start: pos,
                            end,
                            special: false,
                            soft_end: false,
                            hyphen_end: false,
                            sep,
                        });
                    }
                }
                if let Some(w) = &mut word {
                    if c1_char(c).is_some() {
                        w.special = true;
                    }
                    w.soft_end = false;
                    w.hyphen_end = original[..end]
                        .strip_suffix('-')
                        .and_then(|s| s.chars().next_back())
                        .is_some_and(char::is_alphabetic);
                }
                in_word = true;
                gap = Gap::default();
            }
            Class::Invisible => {
                if let Some(w) = word.as_mut().filter(|_| in_word) {
                    w.special = true;
                    if c == '\u{AD}' {
                        w.soft_end = true;
                    }
                }
            }
            Class::Space | Class::LineBreak | Class::ParagraphBreak => {
                in_word = false;
                match class {
                    Class::LineBreak if !(c == '\n' && previous == '\r') => gap.breaks += 1,
                    Class::ParagraphBreak => gap.paragraph = true,
                    _ => {}
                }
                if gap.breaks >= 2 {
                    gap.paragraph = true;
                }
            }
        }
        previous = c;
        pos = next;
    }
    if let Some(w) = word {
        out.word(&w);
    }
    Normalized {
        text: out.text,
        original: original.to_owned(),
        map: out.map,
    }
}

#[derive(Default)]
struct Gap {
    breaks: usize,
    paragraph: bool,
}

/// A run of visible characters in the original, perhaps with invisible ones inside.
struct Word {
    start: usize,
    end: usize,
    /// Holds characters to drop (invisible ones, or the line break of a rejoined word).
    special: bool,
    /// The last character before the gap after it was a soft hyphen.
    soft_end: bool,
    /// It ends with a letter and a hyphen.
    hyphen_end: bool,
    /// The separator to write before it and where the previous word ended.
    sep: Option<(&'static str, usize)>,
}

/// "short-\nand long-term": a hyphen left hanging on purpose.
fn is_suspension(next: &str) -> bool {
    ["and ", "or ", "to "].iter().any(|w| next.starts_with(w))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Visible,
    Invisible,
    Space,
    LineBreak,
    ParagraphBreak,
}

#[inline]
fn classify(c: char) -> Class {
    if c.is_ascii() {
        return match c {
            ' ' | '\t' => Class::Space,
            '\n' | '\r' | '\u{0B}' | '\u{0C}' => Class::LineBreak,
            '\0'..='\u{1F}' | '\u{7F}' => Class::Invisible,
            _ => Class::Visible,
        };
    }
    match c {
        '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{2028}' => Class::LineBreak,
        '\u{2029}' => Class::ParagraphBreak,
        '\u{AD}' | '\u{180E}' | '\u{200B}' | '\u{200E}' | '\u{200F}' | '\u{2060}' | '\u{FEFF}' => {
            Class::Invisible
        }
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => Class::Invisible,
        // Before white space: U+0085 is NEL there, but "…" in Windows-1252.
        c if c1_char(c).is_some() => Class::Visible,
        c if c.is_whitespace() => Class::Space,
        c if c.is_control() => Class::Invisible,
        _ => Class::Visible,
    }
}

/// What a C1 control stands for when it came from Windows-1252 bytes decoded as Latin-1: the
/// HTML standard's table for `&#x80;`–`&#x9F;` (U+0081, U+008D, U+008F, U+0090 and U+009D
/// have no character there and stay invisible).
fn c1_char(c: char) -> Option<char> {
    const TABLE: [char; 32] = [
        '€', '\0', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\0', 'Ž', '\0', '\0',
        '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\0', 'ž', 'Ÿ',
    ];
    let i = (c as u32).checked_sub(0x80)?;
    TABLE.get(i as usize).copied().filter(|&m| m != '\0')
}

struct Builder<'a> {
    text: String,
    map: Vec<Piece>,
    original: &'a str,
}

impl Builder<'_> {
    fn word(&mut self, w: &Word) {
        if let Some((sep, gap_start)) = w.sep {
            self.push(sep, gap_start..w.start);
        }
        let s = &self.original[w.start..w.end];
        if !w.special && (s.is_ascii() || is_nfc_quick(s.chars()) == IsNormalized::Yes) {
            self.push_exact(s, w.start..w.end, true);
            return;
        }
        // Split at points where NFC cannot reach across, so each unit maps on its own.
        let mut unit: Option<Range<usize>> = None;
        let mut buf = String::new();
        for (i, c) in s.char_indices() {
            let pos = w.start + i;
            if classify(c) != Class::Visible {
                continue;
            }
            if let Some(m) = c1_char(c) {
                if let Some(u) = unit.take() {
                    self.unit(&buf, u);
                    buf.clear();
                }
                let mut tmp = [0u8; 4];
                self.push_exact(m.encode_utf8(&mut tmp), pos..pos + c.len_utf8(), false);
                continue;
            }
            if let Some(u) = unit.as_ref().filter(|_| is_boundary(c)) {
                self.unit(&buf, u.clone());
                buf.clear();
                unit = None;
            }
            let end = pos + c.len_utf8();
            match &mut unit {
                Some(u) => u.end = end,
                None => unit = Some(pos..end),
            }
            buf.push(c);
        }
        if let Some(u) = unit {
            self.unit(&buf, u);
        }
    }

    fn unit(&mut self, chars: &str, orig: Range<usize>) {
        if self.original[orig.clone()] == *chars
            && (chars.is_ascii() || is_nfc_quick(chars.chars()) == IsNormalized::Yes)
        {
            self.push(chars, orig);
        } else {
            let nfc: String = chars.nfc().collect();
            if nfc != chars {
                self.push(&nfc, orig);
                return;
            }
            // Unchanged by NFC but with dropped characters inside: keep each visible run exact.
            let mut run: Option<Range<usize>> = None;
            for (i, c) in self.original[orig.clone()].char_indices() {
                let pos = orig.start + i;
                if classify(c) == Class::Visible {
                    let end = pos + c.len_utf8();
                    match &mut run {
                        Some(r) => r.end = end,
                        None => run = Some(pos..end),
                    }
                } else if let Some(r) = run.take() {
                    self.push(&self.original[r.clone()], r);
                }
            }
            if let Some(r) = run {
                self.push(&self.original[r.clone()], r);
            }
        }
    }

    fn push(&mut self, s: &str, orig: Range<usize>) {
        let exact = self.original[orig.clone()] == *s;
        self.push_exact(s, orig, exact);
    }

    /// `exact`: `s` is the very text of `original[orig]`.
    fn push_exact(&mut self, s: &str, orig: Range<usize>, exact: bool) {
        if s.is_empty() {
            return;
        }
        let norm = self.text.len();
        self.text.push_str(s);
        if let Some(last) = self.map.last_mut()
            && exact
            && last.exact
            && last.orig + last.orig_len == orig.start
        {
            last.norm_len += s.len();
            last.orig_len += orig.len();
            return;
        }
        self.map.push(Piece {
            norm,
            orig: orig.start,
            norm_len: s.len(),
            orig_len: orig.len(),
            exact,
        });
    }
}

/// True when no character before `c` can be changed by NFC together with `c`: `c` is a starter
/// that never composes with what precedes it.
fn is_boundary(c: char) -> bool {
    c.is_ascii()
        || (canonical_combining_class(c) == 0
            && is_nfc_quick(std::iter::once(c)) == IsNormalized::Yes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use unicode_normalization::is_nfc;

    fn check(input: &str, expected: &str) {
        let n = normalize(input);
        assert_eq!(n.text, expected, "normalising {input:?}");
        assert_eq!(n.original, input);
        assert_round_trip(&n);
    }

    #[test]
    fn c1_controls_read_as_windows_1252() {
        // Multi-News: "subjects\x96the" was cited as "subjectsthe".
        check("subjects\u{96}the researchers", "subjects–the researchers");
        check("information\u{97}shapes", "information—shapes");
        check("\u{93}Yes,\u{94} she said\u{85}", "“Yes,” she said…");
        check("costs \u{80}5 and caf\u{e9}\u{92}s", "costs €5 and café’s");
        // The five bytes Windows-1252 leaves undefined are still dropped.
        check("a\u{81}b \u{9D}c", "ab c");
        let n = normalize("x \u{96} y");
        assert_eq!(n.text, "x – y");
        assert_eq!(n.original_span(2..5), 2..4);
    }

    /// Every word of the normalised text, looked up in the original, normalises to itself.
    fn assert_round_trip(n: &Normalized) {
        for w in crate::words(&n.text) {
            let o = n.original_span(w.clone());
            assert!(n.original.is_char_boundary(o.start) && n.original.is_char_boundary(o.end));
            assert_eq!(
                normalize(&n.original[o.clone()]).text,
                n.text[w.clone()],
                "word {:?} of {:?} maps to {:?}",
                &n.text[w],
                n.text,
                &n.original[o]
            );
        }
    }

    #[test]
    fn white_space() {
        check("", "");
        check("   \n\t ", "");
        check("one", "one");
        check("  one  two\tthree \n", "one two three");
        check(
            "a line\nand the next\r\nand a third",
            "a line and the next and a third",
        );
        check("para one\n\npara two", "para one\n\npara two");
        check("para one\r\n\r\npara two", "para one\n\npara two");
        check("para one\n \t \n\n\n  para two  \n", "para one\n\npara two");
        check("para one\u{2029}para two", "para one\n\npara two");
        check(
            "no\u{A0}break and\u{202F}narrow\u{3000}wide",
            "no break and narrow wide",
        );
    }

    #[test]
    fn invisible_characters() {
        check("zero\u{200B}width", "zerowidth");
        check("\u{FEFF}bom first", "bom first");
        check("soft\u{AD}hyphen", "softhyphen");
        check("infor\u{AD}\nmation", "information");
        check("infor\u{AD}\n\nmation", "infor\n\nmation");
        check("a well-\nknown case", "a well-known case");
        check("a well-\r\n  known case", "a well-known case");
        check("short-\nand long-term", "short- and long-term");
        check("in 2010-\n2015 and A-\nB", "in 2010- 2015 and A- B");
        check("a well-\n\nknown case", "a well-\n\nknown case");
        check("a\n\u{200B}\nb", "a\n\nb");
        check("bell\u{7}here", "bellhere");
        check("\u{200E}left\u{200F} mark", "left mark");
    }

    #[test]
    fn nfc() {
        check("cafe\u{301} au lait", "caf\u{E9} au lait");
        check("\u{212B}ngstr\u{F6}m", "\u{C5}ngstr\u{F6}m");
        check("e\u{200B}\u{301}", "\u{E9}");
        check("\u{1100}\u{1161}\u{11A8}", "\u{AC01}");
    }

    #[test]
    fn offsets() {
        let n = normalize("  Hello,\n  wor\u{200B}ld\u{A0}cafe\u{301}\n\nbye ");
        assert_eq!(n.text, "Hello, world caf\u{E9}\n\nbye");
        let find = |s: &str| {
            let i = n.text.find(s).unwrap();
            n.original_str(i..i + s.len())
        };
        assert_eq!(find("Hello"), "Hello");
        assert_eq!(find("Hello, world"), "Hello,\n  wor\u{200B}ld");
        assert_eq!(find("world"), "wor\u{200B}ld");
        assert_eq!(find("caf\u{E9}"), "cafe\u{301}");
        assert_eq!(find("\u{E9}"), "e\u{301}");
        assert_eq!(find("bye"), "bye");
        assert_eq!(n.original_offset(n.text.len()), n.original.len() - 1);
        assert_eq!(n.normalized_offset(0), 0);
        assert_eq!(n.normalized_offset(2), 0);
        assert_eq!(n.normalized_offset(n.original.len()), n.text.len());
    }

    #[test]
    fn empty_span_and_out_of_range() {
        let n = normalize("ab cd");
        assert_eq!(n.original_span(3..3), 3..3);
        assert_eq!(n.original_span(10..20), 5..5);
        assert_eq!(normalize("").original_span(0..4), 0..0);
    }

    #[test]
    fn odd_inputs_take_linear_time() {
        let started = std::time::Instant::now();
        for text in [
            "\u{301}".repeat(200_000),
            "e\u{301}\u{200B}".repeat(100_000),
            "ab\u{AD}\n".repeat(100_000),
            "a-\n".repeat(100_000),
            "\u{1100}\u{1161}".repeat(100_000),
            " \n".repeat(200_000),
        ] {
            let n = normalize(&text);
            assert!(n.original_offset(n.text.len()) <= text.len());
        }
        // Linear input runs in about a second unoptimised; quadratic would take minutes.
        assert!(started.elapsed().as_secs() < 30, "{:?}", started.elapsed());
    }

    fn realistic() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "a", "b", "Z", "é", "e\u{301}", "\u{301}", "ß", "日", "1", ".", ",", "'", "’", "“",
            "”", "—", " ", " ", "\t", "\n", "\n\n", "\r\n", "\u{A0}", "\u{200B}", "\u{AD}",
            "\u{AD}\n", "-", "a-\n", "-\n", "\u{FEFF}", "\u{1100}", "\u{1161}", "\u{11A8}",
            "\u{2029}",
        ]);
        prop::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
    }

    fn check_invariants(s: &str) {
        let n = normalize(s);
        let t = &n.text;
        assert!(is_nfc(t), "not NFC: {t:?}");
        assert_eq!(&normalize(t).text, t, "not idempotent");
        assert_eq!(t.trim(), t);
        assert!(
            !t.contains("  ") && !t.contains("\n\n\n") && !t.contains(" \n") && !t.contains("\n ")
        );
        assert!(t.split("\n\n").all(|p| !p.contains('\n') && !p.is_empty()) || t.is_empty());
        let (mut last_start, mut last_end) = (0, 0);
        for i in (0..=t.len()).filter(|&i| t.is_char_boundary(i)) {
            let (o, e) = (n.original_offset(i), n.original_end(i));
            assert!(o >= last_start && e >= last_end, "not monotone at {i}");
            assert!(s.is_char_boundary(o) && s.is_char_boundary(e));
            (last_start, last_end) = (o, e);
        }
        for o in (0..=s.len()).filter(|&o| s.is_char_boundary(o)) {
            let back = n.normalized_offset(o);
            assert!(back <= t.len() && t.is_char_boundary(back));
        }
        for w in crate::words(t) {
            let o = n.original_span(w.clone());
            assert!(normalize(&s[o]).text.contains(&t[w]));
        }
    }

    proptest! {
        #[test]
        fn invariants_on_any_string(s in any::<String>()) {
            check_invariants(&s);
        }

        #[test]
        fn invariants_on_news_like_text(s in realistic()) {
            check_invariants(&s);
        }

        #[test]
        fn words_round_trip_exactly(s in realistic()) {
            assert_round_trip(&normalize(&s));
        }

        #[test]
        fn offsets_round_trip(s in realistic()) {
            let n = normalize(&s);
            for (i, _) in n.text.char_indices().filter(|(_, c)| !c.is_whitespace()) {
                // Back to the same place, or to the start of the changed piece holding it.
                let o = n.original_offset(i);
                let back = n.normalized_offset(o);
                prop_assert!(back <= i);
                prop_assert_eq!(n.original_offset(back), o);
                if s.is_ascii() {
                    prop_assert_eq!(back, i);
                }
            }
        }
    }
}
