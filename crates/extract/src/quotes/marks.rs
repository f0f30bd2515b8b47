//! Quoted regions for the attribution rules: the outermost quotations of `text::quotations`
//! (straight, curly, low-9 and guillemet marks, the same `”` used to open and close, apostrophes
//! told apart, a quotation over several paragraphs that each reopen) with their marks located.

use text::Span;

/// One quotation: the marks and the content between them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Region {
    /// Byte range of the opening mark.
    pub open: Span,
    /// Byte range of the closing mark, `None` when the paragraph ended first.
    pub close: Option<Span>,
    /// Byte range between the marks, trimmed of white space. May cross paragraph breaks.
    pub content: Span,
}

impl Region {
    /// From the opening mark to the closing mark (or the content end).
    pub fn outer(&self) -> Span {
        self.open.start..self.close.as_ref().map_or(self.content.end, |c| c.end)
    }
}

/// Outermost quoted regions of `text`, in order.
pub(crate) fn regions(text: &str) -> Vec<Region> {
    text::quotations(text)
        .into_iter()
        .filter(|q| q.depth == 0 && q.inner.start < q.inner.end)
        .filter_map(|q| {
            let first = text.get(q.span.start..)?.chars().next()?;
            let open = q.span.start..q.span.start + first.len_utf8();
            let close = if q.closed {
                let last = text.get(..q.span.end)?.chars().next_back()?;
                Some(q.span.end - last.len_utf8()..q.span.end)
            } else {
                None
            };
            Some(Region {
                open,
                close,
                content: q.inner,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expected: &[&str]) {
        let got: Vec<&str> = regions(text)
            .iter()
            .map(|r| &text[r.content.clone()])
            .collect();
        assert_eq!(got, expected, "{text}");
    }

    #[test]
    fn pairs_marks() {
        check(r#"She said "no way" twice."#, &["no way"]);
        check("She said “no way” and ‘maybe’.", &["no way", "maybe"]);
        check("”We will win,” he said.", &["We will win,"]);
        check("Il a dit « non » hier.", &["non"]);
        check("Er sagte „nein“ dazu.", &["nein"]);
        check("It's the voters' choice, isn't it?", &[]);
        check("“The ‘deal’ is dead,” she said.", &["The ‘deal’ is dead,"]);
        check("'Carnage on the road' in Nice.", &["Carnage on the road"]);
    }

    #[test]
    fn quote_over_paragraphs() {
        check(
            "“We came here.\n\n“We stayed,” she said.",
            &["We came here.\n\n“We stayed,"],
        );
        check("“Unclosed here.\n\nNext paragraph.", &["Unclosed here."]);
    }
}
