//! Quotation marks and the quotations they enclose: which characters are quote marks, which of
//! them open or close here, which are really apostrophes, and how they pair into quotations,
//! including nested ones and a quotation that runs over several paragraphs.
//!
//! Pairing is local and typographic; it knows nothing of speakers or verbs (that is the quote
//! extractor's job). It must never produce a quotation that crosses a paragraph break except by
//! the multi-paragraph convention (each new paragraph reopens with a mark, the previous one is
//! left without a closing mark), and a mark left open is capped at the end of its paragraph.

use crate::{Span, paragraphs};

/// Marks of one family pair with each other: a straight `"` may be closed by a curly `”`, never
/// by `»`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QuoteFamily {
    /// `"` `“` `”` `„` `‟` `＂`
    Double,
    /// `'` `‘` `’` `‚` `‛` `＇`
    Single,
    /// `«` `»`
    Guillemet,
    /// `‹` `›`
    SingleGuillemet,
    /// `「` `」`
    Corner,
    /// `『` `』`
    WhiteCorner,
}

/// What a mark usually does, before its neighbours decide: `“` usually opens but closes a German
/// `„`, `”` usually closes but opens in Swedish and Finnish text, `"` can do either.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuoteRole {
    Opens,
    Closes,
    Either,
}

/// A quote character's family and usual role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuoteMark {
    pub family: QuoteFamily,
    pub role: QuoteRole,
}

/// One quotation: the marks and what they enclose, as byte ranges of the text given to
/// [`quotations`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quotation {
    /// From the opening mark through the closing mark, or to the end of the paragraph where it
    /// was left open.
    pub span: Span,
    /// Between the marks, trimmed of white space. For a quotation over several paragraphs it
    /// runs from the first paragraph to the last and so includes the reopening marks; see `parts`.
    pub inner: Span,
    /// The inner text paragraph by paragraph, without the reopening marks (one part for a
    /// quotation within one paragraph).
    pub parts: Vec<Span>,
    pub family: QuoteFamily,
    /// 0 for an outermost quotation, 1 for a quotation inside it, and so on.
    pub depth: usize,
    /// A closing mark was found (false when the paragraph, or an enclosing quotation, ended first).
    pub closed: bool,
}

/// The family and usual role of `c` when it is a quote mark.
pub fn quote_mark(c: char) -> Option<QuoteMark> {
    use QuoteFamily::*;
    use QuoteRole::*;
    let (family, role) = match c {
        '"' | '＂' => (Double, Either),
        '“' | '„' | '‟' => (Double, Opens),
        '”' => (Double, Closes),
        '\'' | '＇' => (Single, Either),
        '‘' | '‚' | '‛' => (Single, Opens),
        '’' => (Single, Closes),
        '«' => (Guillemet, Opens),
        '»' => (Guillemet, Closes),
        '‹' => (SingleGuillemet, Opens),
        '›' => (SingleGuillemet, Closes),
        '「' => (Corner, Opens),
        '」' => (Corner, Closes),
        '『' => (WhiteCorner, Opens),
        '』' => (WhiteCorner, Closes),
        _ => return None,
    };
    Some(QuoteMark { family, role })
}

/// The quotations of `text`, ordered by start (an enclosing quotation before those inside it).
/// Apostrophes (`don't`, `the '90s`, `Jones'`) are not quote marks; a mark that pairs with
/// nothing is ignored, or, when it opens, makes a quotation capped at the end of its paragraph.
pub fn quotations(text: &str) -> Vec<Quotation> {
    let mut out: Vec<Quotation> = Vec::new();
    // The outermost quotation left open at the end of the previous paragraph, as an index into
    // `out`, which the next paragraph continues when it opens with a mark of the same family.
    let mut pending: Option<(usize, QuoteFamily)> = None;
    for para in paragraphs(text) {
        let p = &text[para.clone()];
        let continuing = pending.take();
        let mut stack: Vec<Open> = Vec::new();
        let bytes = p.as_bytes();
        let mut i = 0;
        // Every quote mark is ASCII or starts with one of these lead bytes (always a character
        // boundary), so the scan can skip everything else.
        while let Some(k) = bytes[i..]
            .iter()
            .position(|b| matches!(b, b'"' | b'\'' | 0xC2 | 0xE2 | 0xE3 | 0xEF))
        {
            i += k;
            let Some(mut c) = p[i..].chars().next() else {
                break;
            };
            let mut len = c.len_utf8();
            // ''Two straight single quotes'' stand for a double one (an old New York Times style).
            if p[i..].starts_with("''") {
                (c, len) = ('"', 2);
            }
            if let Some(mark) = quote_mark(c) {
                let prev = p[..i].chars().next_back();
                let next = p[i + len..].chars().next();
                let at = para.start + i;
                let end = at + len;
                let context = Context {
                    prev,
                    next,
                    rest: &p[i + len..],
                    open: stack.iter().any(|e| e.family == mark.family),
                };
                match decide(c, mark, &context) {
                    Action::Open => {
                        // Marks of one family do not nest: the earlier one was left open.
                        if stack.last().is_some_and(|e| e.family == mark.family)
                            && let Some(e) = stack.pop()
                        {
                            finish(text, &mut out, e, None, at);
                        }
                        // Real text nests two or three deep; a run of marks must not cost
                        // more than linear time.
                        if stack.len() >= MAX_DEPTH {
                            i += len;
                            continue;
                        }
                        let continues = continuing
                            .filter(|&(_, f)| i == 0 && f == mark.family)
                            .map(|(idx, _)| idx);
                        stack.push(Open {
                            family: mark.family,
                            mark: at..end,
                            depth: stack.len(),
                            continues,
                        });
                    }
                    Action::Close => {
                        if let Some(k) = stack.iter().rposition(|e| e.family == mark.family) {
                            while stack.len() > k + 1 {
                                if let Some(e) = stack.pop() {
                                    finish(text, &mut out, e, None, at);
                                }
                            }
                            if let Some(e) = stack.pop() {
                                finish(text, &mut out, e, Some(at..end), at);
                            }
                        }
                    }
                    Action::Ignore => {}
                }
            }
            i += len;
        }
        while let Some(e) = stack.pop() {
            let (family, outermost) = (e.family, e.depth == 0);
            let idx = finish(text, &mut out, e, None, para.end);
            if outermost {
                pending = Some((idx, family));
            }
        }
    }
    // A single mark left open is far more often a misread apostrophe than a quotation.
    out.retain(|q| q.closed || q.family != QuoteFamily::Single || q.parts.len() > 1);
    out.sort_by_key(|q| (q.span.start, std::cmp::Reverse(q.span.end)));
    out
}

/// Deeper marks are ignored.
const MAX_DEPTH: usize = 8;

/// How far ahead (in characters) a closing mark is looked for to tell a possessive apostrophe.
const CLOSE_LOOKAHEAD: usize = 600;

struct Open {
    family: QuoteFamily,
    mark: Span,
    depth: usize,
    /// Index into the output of the quotation this one continues from the previous paragraph.
    continues: Option<usize>,
}

/// Ends `e` (at the closing mark `close`, or left open with its content ending at
/// `content_end`) and returns the index of its quotation in `out`.
fn finish(
    text: &str,
    out: &mut Vec<Quotation>,
    e: Open,
    close: Option<Span>,
    content_end: usize,
) -> usize {
    let content_end = close.as_ref().map_or(content_end, |c| c.start);
    let inner = trim(text, e.mark.end..content_end.max(e.mark.end));
    let span_end = close.as_ref().map_or(inner.end.max(e.mark.end), |c| c.end);
    if let Some(head) = e.continues.filter(|&h| h < out.len()) {
        let q = &mut out[head];
        q.span.end = span_end;
        q.inner.end = inner.end.max(q.inner.start);
        q.parts.push(inner);
        q.closed = close.is_some();
        return head;
    }
    out.push(Quotation {
        span: e.mark.start..span_end,
        inner: inner.clone(),
        parts: vec![inner],
        family: e.family,
        depth: e.depth,
        closed: close.is_some(),
    });
    out.len() - 1
}

fn trim(text: &str, span: Span) -> Span {
    let s = &text[span.clone()];
    let start = span.start + (s.len() - s.trim_start().len());
    let end = span.end - (s.len() - s.trim_end().len());
    start..end.max(start)
}

enum Action {
    Open,
    Close,
    Ignore,
}

struct Context<'a> {
    prev: Option<char>,
    next: Option<char>,
    /// The paragraph after the mark.
    rest: &'a str,
    /// A quotation of the mark's family is open.
    open: bool,
}

fn is_punct(c: char) -> bool {
    !c.is_alphanumeric() && !c.is_whitespace()
}

fn decide(c: char, mark: QuoteMark, cx: &Context) -> Action {
    // Flanking as in CommonMark: a mark opens when it leans on the text after it.
    let left = cx.next.is_some_and(|n| !n.is_whitespace())
        && (cx.next.is_some_and(|n| !is_punct(n))
            || cx.prev.is_none_or(|p| p.is_whitespace() || is_punct(p)));
    let right = cx.prev.is_some_and(|p| !p.is_whitespace())
        && (cx.prev.is_some_and(|p| !is_punct(p))
            || cx.next.is_none_or(|n| n.is_whitespace() || is_punct(n)));
    if is_apostrophe(c, cx, left, right) {
        return Action::Ignore;
    }
    let close_or_ignore = if cx.open {
        Action::Close
    } else {
        Action::Ignore
    };
    // Nothing follows in the paragraph: there is nothing to open.
    if cx.next.is_none() {
        return close_or_ignore;
    }
    match (mark.role, c) {
        (QuoteRole::Opens, '„' | '‚' | '‟' | '‛') if right && !left => Action::Ignore,
        (QuoteRole::Opens, '「' | '『') => Action::Open,
        // German „…“ and »…«: the English opener closes.
        (QuoteRole::Opens, _) if right && !left => close_or_ignore,
        (QuoteRole::Opens, _) => Action::Open,
        (QuoteRole::Closes, '」' | '』') => close_or_ignore,
        // Swedish ”…”, German »…«: the English closer opens.
        (QuoteRole::Closes, _) if left && !right => Action::Open,
        (QuoteRole::Closes, _) => close_or_ignore,
        (QuoteRole::Either, _) if left && !right => Action::Open,
        (QuoteRole::Either, _) if right && !left => close_or_ignore,
        // Both sides or neither: the state decides.
        (QuoteRole::Either, _) if cx.open => Action::Close,
        (QuoteRole::Either, _) if mark.family == QuoteFamily::Double && !left => Action::Open,
        (QuoteRole::Either, _) => Action::Ignore,
    }
}

/// `don't`, `O’Brien`, `the '90s`, `’em`, `rock 'n' roll`.
fn is_apostrophe(c: char, cx: &Context, left: bool, right: bool) -> bool {
    if !matches!(c, '\'' | '’' | '‘' | '＇') {
        return false;
    }
    let alnum = |x: Option<char>| x.is_some_and(char::is_alphanumeric);
    if alnum(cx.prev) && alnum(cx.next) {
        return true;
    }
    // 'It's the players' fault,' he said: a plural possessive inside a quotation that closes
    // later with the usual punctuation.
    if right
        && !left
        && cx.open
        && cx.prev == Some('s')
        && cx.next.is_some_and(char::is_whitespace)
        && closes_later(cx.rest)
    {
        return true;
    }
    if !left || right {
        return false;
    }
    let word_len = cx
        .rest
        .find(|ch: char| !ch.is_alphanumeric())
        .unwrap_or(cx.rest.len());
    let word = &cx.rest[..word_len];
    let digits = word.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 2 && matches!(&word[2..], "" | "s") {
        return true;
    }
    matches!(
        word.to_lowercase().as_str(),
        "em" | "til" | "tis" | "twas" | "cause" | "n" | "bout"
    )
}

/// Whether `rest` holds a single closing mark after sentence punctuation (`,'` or `.’`).
fn closes_later(rest: &str) -> bool {
    let mut prev = ' ';
    for c in rest.chars().take(CLOSE_LOOKAHEAD) {
        if matches!(c, '\'' | '’') && matches!(prev, ',' | '.' | '!' | '?') {
            return true;
        }
        prev = c;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The inner text of each quotation, in order.
    fn check(input: &str, expected: &[&str]) {
        let got: Vec<&str> = quotations(input)
            .into_iter()
            .map(|q| &input[q.inner])
            .collect();
        assert_eq!(got, expected, "quotations of {input:?}");
    }

    #[test]
    fn marks() {
        check(r#"He said "stop" and left."#, &["stop"]);
        check("He said “stop” and left.", &["stop"]);
        check("He said ‘stop’ and left.", &["stop"]);
        check("Il a dit « stop » et il est parti.", &["stop"]);
        check("Il a dit «stop» et il est parti.", &["stop"]);
        check("Er sagte „Halt“ und ging.", &["Halt"]);
        check("Er sagte ‚Halt‘ und ging.", &["Halt"]);
        check("Er sagte »Halt« und ging.", &["Halt"]);
        check("Han sa ”stopp” och gick.", &["stopp"]);
        check(
            "Han sa ”stopp,” och gick. Hon sa ”nej”.",
            &["stopp,", "nej"],
        );
        check("‹non› 「はい」", &["non", "はい"]);
        check(r#""Stop," he said."#, &["Stop,"]);
        check(r#"—"Yes," ("maybe")"#, &["Yes,", "maybe"]);
    }

    #[test]
    fn apostrophes() {
        check("Don't stop O’Brien's car.", &[]);
        check("the '90s and the ’80s", &[]);
        check("rock 'n' roll and ’em", &[]);
        check("the players' union and Jones’ car", &[]);
        check(
            "'The players' union is fine,' he said.",
            &["The players' union is fine,"],
        );
        check(
            "‘It’s the players’ fault,’ he said.",
            &["It’s the players’ fault,"],
        );
        check("'Ask the players' he said", &["Ask the players"]);
        check("‘I don’t know,’ she said.", &["I don’t know,"]);
        check("He said 'no' twice.", &["no"]);
        check("It's 5'10\" tall", &[]);
    }

    #[test]
    fn doubled_single_quotes() {
        check(
            "''This isn't tax reform,'' he said.",
            &["This isn't tax reform,"],
        );
        check("called it ''a genius'' move", &["a genius"]);
        let q = quotations("''Yes''");
        assert_eq!(
            (q[0].span.clone(), q[0].family),
            (0..7, QuoteFamily::Double)
        );
    }

    #[test]
    fn nesting() {
        check(
            "“He told me ‘never again’ last year,” she said.",
            &["He told me ‘never again’ last year,", "never again"],
        );
        check(
            r#""He said: 'Stop. Now.' Then he left." "#,
            &["He said: 'Stop. Now.' Then he left.", "Stop. Now."],
        );
        let q = quotations("“a ‘b’ c”");
        assert_eq!((q[0].depth, q[1].depth), (0, 1));
        check(
            "„Er sagte ‚nein‘ dazu“, sagte sie.",
            &["Er sagte ‚nein‘ dazu", "nein"],
        );
    }

    #[test]
    fn unbalanced() {
        // Left open: capped at the end of the paragraph, never beyond.
        check(
            "He said \"stop and left.\n\nNext paragraph.",
            &["stop and left."],
        );
        let q = quotations("He said \"stop and left.\n\nNext paragraph.");
        assert!(!q[0].closed);
        assert_eq!(q[0].span, 8..23);
        check("He said ” and left.", &[]);
        check("Stray closer” here and “a real one”.", &["a real one"]);
        // The same family does not nest: a second opener ends the first.
        check(
            r#"He said "yes. Then she said "no" and left."#,
            &["yes. Then she said", "no"],
        );
        check("'Unclosed single quote here", &[]);
        check("\"\"", &[""]);
        check("He said: \"\n\nNothing.", &[]);
        check("He said: “", &[]);
    }

    #[test]
    fn multi_paragraph() {
        let text =
            "“We will fight on the beaches.\n\n“We will never surrender,” he said.\n\nLater.";
        let q = quotations(text);
        assert_eq!(q.len(), 1);
        let q = &q[0];
        assert!(q.closed);
        assert_eq!(&text[q.span.clone()], &text[..text.find(" he").unwrap()]);
        let parts: Vec<&str> = q.parts.iter().map(|p| &text[p.clone()]).collect();
        assert_eq!(
            parts,
            ["We will fight on the beaches.", "We will never surrender,"]
        );
        // Three paragraphs, single marks, British style.
        let text = "‘One.\n\n‘Two.\n\n‘Three,’ he said.";
        let q = quotations(text);
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].parts.len(), 3);
        // A paragraph that does not reopen ends the quotation at the previous paragraph's end.
        let text = "“Open and never closed.\n\nHe said nothing.";
        let q = quotations(text);
        assert_eq!(q.len(), 1);
        assert_eq!(&text[q[0].inner.clone()], "Open and never closed.");
    }

    #[test]
    fn quote_marks() {
        assert_eq!(quote_mark('a'), None);
        assert_eq!(quote_mark('”').map(|m| m.role), Some(QuoteRole::Closes));
        assert_eq!(quote_mark('„').map(|m| m.family), Some(QuoteFamily::Double));
    }

    #[test]
    fn runs_of_marks_take_linear_time() {
        let started = std::time::Instant::now();
        for text in [
            "“‘«‹".repeat(50_000),
            "'xs' xs' ".repeat(30_000),
            "\"".repeat(200_000),
            "“a ".repeat(100_000),
        ] {
            let _ = quotations(&text);
        }
        // Linear input runs in about a second unoptimised; quadratic would take minutes.
        assert!(started.elapsed().as_secs() < 30, "{:?}", started.elapsed());
    }

    proptest! {
        #[test]
        fn spans_are_sane(s in "[a-z \"'“”‘’«»„\n.]{0,60}") {
            let paras = paragraphs(&s);
            for q in quotations(&s) {
                prop_assert!(q.span.start <= q.inner.start && q.inner.start <= q.inner.end);
                prop_assert!(q.inner.end <= q.span.end && q.span.end <= s.len());
                prop_assert!(s.is_char_boundary(q.span.start) && s.is_char_boundary(q.span.end));
                prop_assert!(s.is_char_boundary(q.inner.start) && s.is_char_boundary(q.inner.end));
                for part in &q.parts {
                    prop_assert!(paras.iter().any(|p| p.start <= part.start && part.end <= p.end));
                }
            }
        }

        #[test]
        fn never_panics(s in any::<String>()) {
            let _ = quotations(&s);
        }
    }
}
