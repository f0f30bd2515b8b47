//! HTML building blocks: escaping, the page frame, the style sheet, safe links, text with
//! highlighted spans and word-level differences between two wordings.
//!
//! Article content comes from the open web. **Invariant:** every piece of it reaches the page
//! through [`esc`] (text and attribute values alike), and only `http`/`https` URLs become links
//! ([`safe_url`]). Nothing here emits a script, an event handler attribute or a `style`
//! attribute (the Content-Security-Policy would block them anyway).

use std::fmt::Write;
use std::ops::Range;

/// The one style sheet, served from `/assets/app.css` so the CSP can say `style-src 'self'`.
pub const CSS: &str = r#"
:root{--fg:#1b1b1b;--muted:#5f6368;--line:#dadce0;--accent:#1a56a8;--bg:#fff;--soft:#f4f6f9}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header.top{background:#14213d;color:#fff;padding:.6rem 1rem;display:flex;gap:1rem;align-items:baseline;flex-wrap:wrap}
header.top a{color:#fff;text-decoration:none}
header.top .brand{font-weight:700;font-size:1.15rem;letter-spacing:.02em}
main{max-width:60rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;line-height:1.25;margin:.4rem 0}
h2{font-size:1.2rem;margin:1.6rem 0 .5rem;border-bottom:1px solid var(--line);padding-bottom:.2rem}
a{color:var(--accent)}
.muted,.meta{color:var(--muted);font-size:.9rem}
form.search{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;background:var(--soft);padding:.75rem;border-radius:8px}
form.search label{display:flex;flex-direction:column;font-size:.8rem;color:var(--muted)}
form.search input,form.search select{font:inherit;padding:.35rem .5rem;border:1px solid var(--line);border-radius:6px;min-width:0}
form.search .q{flex:1 1 14rem}
form.search .q input{width:100%}
button{font:inherit;padding:.4rem .9rem;border:0;border-radius:6px;background:var(--accent);color:#fff;cursor:pointer}
ol.stories,ul.plain{list-style:none;padding:0;margin:0}
ol.stories li{padding:.8rem 0;border-bottom:1px solid var(--line)}
ol.stories .headline{font-size:1.1rem;font-weight:600}
.tags{display:flex;flex-wrap:wrap;gap:.3rem;margin-top:.3rem}
.tag{background:var(--soft);border:1px solid var(--line);border-radius:999px;padding:0 .55rem;font-size:.8rem}
.summary p{margin:.5rem 0}
a.chip{display:inline-block;font-size:.72rem;line-height:1.4;padding:0 .45rem;margin:0 .12rem;border-radius:999px;background:#e8f0fe;color:#174ea6;text-decoration:none;border:1px solid #c6dafc;white-space:nowrap;vertical-align:.1em}
a.chip:hover,a.chip:focus{background:#174ea6;color:#fff}
.badge{font-size:.72rem;background:#e6f4ea;color:#137333;border-radius:4px;padding:0 .35rem;margin-left:.3rem}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;font-size:.88rem}
th,td{border:1px solid var(--line);padding:.3rem .45rem;vertical-align:top;text-align:left}
th.outlet{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap;font-weight:600}
td.yes{text-align:center;background:#e6f4ea;color:#137333}
td.no{text-align:center;color:#c0c4c8}
td.fact{min-width:16rem}
.quote{border-left:3px solid var(--line);padding:.2rem .8rem;margin:.6rem 0}
.quote .said{font-style:italic}
mark.diff{background:#fff3b0;padding:0 .1rem}
del.diff{background:#fde2e1;color:#8a1c1c}
.article-text p{margin:0 0 1rem}
.article-text .q{background:#eef3fc}
.article-text .nm{font-weight:600;color:#0b3d2e}
.article-text .cite{background:#ffe58a;outline:2px solid #f0b400}
:target{scroll-margin-top:4rem}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.15rem .8rem;margin:.5rem 0 1rem}
dl.meta dt{font-weight:600;color:var(--muted)}
dl.meta dd{margin:0;overflow-wrap:anywhere}
.timeline li{margin:.3rem 0}
ol.storyline{padding-left:1.4rem;margin:.3rem 0}
ol.storyline li{margin:.2rem 0}
ol.storyline li[aria-current]{font-weight:600}
.date{font-variant-numeric:tabular-nums;font-weight:600;margin-right:.4rem}
.notice{background:#fef7e0;border:1px solid #f9e29c;padding:.5rem .8rem;border-radius:6px}
.pager{display:flex;gap:1.5rem;margin:1rem 0}
footer{color:var(--muted);font-size:.8rem;text-align:center;padding:2rem 1rem}
@media (max-width:40rem){main{padding:.6rem}h1{font-size:1.3rem}th,td{padding:.25rem .3rem}}
"#;

/// Escapes text for an HTML element or a quoted attribute value.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    push_esc(&mut out, s);
    out
}

/// Appends `s`, escaped, to `out`.
pub fn push_esc(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

/// Percent-encodes a path segment or query value (everything but unreserved characters).
pub fn url_part(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// The URL if it is an absolute `http` or `https` URL without control characters; `None` for
/// `javascript:`, `data:` and everything else, which must never become a link.
pub fn safe_url(url: &str) -> Option<&str> {
    let u = url.trim();
    let lower = u.get(..8).unwrap_or(u).to_ascii_lowercase();
    let ok_scheme = lower.starts_with("http://") || lower.starts_with("https://");
    let clean = !u.chars().any(|c| c.is_control() || c.is_whitespace());
    (ok_scheme && clean).then_some(u)
}

/// A whole page: head with the style sheet, the top bar, `body` as given (already escaped).
pub fn page(title: &str, body: &str) -> String {
    page_refreshed(title, body, None)
}

/// [`page`] that the browser loads again every `refresh` seconds (a meta refresh, which the CSP
/// allows, where a script would not be): pages that change while feeds are followed.
pub fn page_refreshed(title: &str, body: &str, refresh: Option<u64>) -> String {
    let mut out = String::with_capacity(body.len() + 1024);
    out.push_str("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    if let Some(secs) = refresh {
        out.push_str(&format!("<meta http-equiv=\"refresh\" content=\"{secs}\">"));
    }
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    out.push_str("<title>");
    push_esc(&mut out, title);
    out.push_str(" · Parallax</title><link rel=\"stylesheet\" href=\"/assets/app.css\">");
    out.push_str("</head><body><header class=\"top\"><a class=\"brand\" href=\"/\">Parallax</a>");
    out.push_str("<a href=\"/\">Stories</a><a href=\"/outlets\">Outlets</a>");
    out.push_str("<a href=\"/sources\">Sources</a></header><main>");
    out.push_str(body);
    out.push_str(
        "</main><footer>Parallax · follow one story across many outlets · \
         <a href=\"/api/stories\">JSON API</a></footer></body></html>\n",
    );
    out
}

/// Classes a piece of article text can carry; one `<span>` per run of text with the same set.
#[derive(Debug, Clone)]
pub struct Highlight {
    pub span: Range<usize>,
    pub class: &'static str,
    /// An element id for the first piece of the span (the citation anchor).
    pub id: Option<String>,
}

/// Article text as paragraphs, with the given spans highlighted. Overlapping spans are fine:
/// the text is cut at every span boundary and each piece gets the classes of all spans over it.
/// Spans outside the text or not on `char` boundaries are ignored.
pub fn highlighted_text(text: &str, spans: &[Highlight]) -> String {
    let valid: Vec<&Highlight> = spans
        .iter()
        .filter(|h| {
            h.span.start < h.span.end
                && h.span.end <= text.len()
                && text.is_char_boundary(h.span.start)
                && text.is_char_boundary(h.span.end)
        })
        .collect();
    let mut out = String::with_capacity(text.len() * 2);
    let mut offset = 0;
    for para in text.split("\n\n") {
        let range = offset..offset + para.len();
        offset += para.len() + 2;
        if para.trim().is_empty() {
            continue;
        }
        let mut cuts = vec![range.start, range.end];
        for h in &valid {
            for p in [h.span.start, h.span.end] {
                if range.start < p && p < range.end {
                    cuts.push(p);
                }
            }
        }
        cuts.sort_unstable();
        cuts.dedup();
        out.push_str("<p>");
        for w in cuts.windows(2) {
            let (a, b) = (w[0], w[1]);
            let over: Vec<&&Highlight> = valid
                .iter()
                .filter(|h| h.span.start <= a && b <= h.span.end)
                .collect();
            let piece = &text[a..b];
            if over.is_empty() {
                push_esc(&mut out, piece);
                continue;
            }
            let mut classes: Vec<&str> = over.iter().map(|h| h.class).collect();
            classes.sort_unstable();
            classes.dedup();
            out.push_str("<span class=\"");
            out.push_str(&classes.join(" "));
            out.push('"');
            // The anchor goes on the piece where its span starts (or its paragraph does).
            if let Some(id) = over
                .iter()
                .find(|h| h.id.is_some() && (h.span.start == a || a == range.start))
                .and_then(|h| h.id.as_ref())
            {
                out.push_str(" id=\"");
                push_esc(&mut out, id);
                out.push('"');
            }
            out.push('>');
            push_esc(&mut out, piece);
            out.push_str("</span>");
        }
        out.push_str("</p>\n");
    }
    out
}

/// `wording` with the words that `reference` does not have marked, by a longest common
/// subsequence of words (case and punctuation ignored). Long texts are shown unmarked.
pub fn word_diff(reference: &str, wording: &str) -> String {
    let norm = |w: &str| -> String {
        w.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let a: Vec<String> = reference.split_whitespace().map(norm).collect();
    let words: Vec<&str> = wording.split_whitespace().collect();
    let b: Vec<String> = words.iter().map(|w| norm(w)).collect();
    if a.len() * b.len() > 250_000 {
        return esc(wording);
    }
    // lcs[i][j]: LCS length of a[i..] and b[j..].
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut keep = vec![false; b.len()];
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            keep[j] = true;
            i += 1;
            j += 1;
        } else if lcs[i + 1][j] >= lcs[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    let mut out = String::new();
    for (k, w) in words.iter().enumerate() {
        if k > 0 {
            out.push(' ');
        }
        if keep[k] {
            push_esc(&mut out, w);
        } else {
            out.push_str("<mark class=\"diff\">");
            push_esc(&mut out, w);
            out.push_str("</mark>");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_safe(url: &str, expected: Option<&str>) {
        assert_eq!(safe_url(url), expected, "{url:?}");
    }

    #[test]
    fn only_http_urls_are_links() {
        check_safe("https://example.org/a", Some("https://example.org/a"));
        check_safe(" HTTP://example.org ", Some("HTTP://example.org"));
        check_safe("javascript:alert(1)", None);
        check_safe("JavaScript:alert(1)", None);
        check_safe("data:text/html,<script>", None);
        check_safe("//evil.example/x", None);
        check_safe("https://example.org/\nx", None);
        check_safe("http", None);
    }

    #[test]
    fn escaping_covers_text_and_attributes() {
        assert_eq!(
            esc(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
    }

    #[test]
    fn highlights_overlap_and_paragraphs() {
        let text = "Ana said \"go <now>\".\n\nSecond para.";
        let spans = [
            Highlight {
                span: 0..3,
                class: "nm",
                id: None,
            },
            Highlight {
                span: 0..19,
                class: "cite",
                id: Some("s-0-19".into()),
            },
            Highlight {
                span: 10..17,
                class: "q",
                id: None,
            },
            Highlight {
                span: 3..99,
                class: "q",
                id: None,
            },
        ];
        let html = highlighted_text(text, &spans);
        assert_eq!(
            html,
            "<p><span class=\"cite nm\" id=\"s-0-19\">Ana</span><span class=\"cite\"> said \
             &quot;</span><span class=\"cite q\">go &lt;now</span><span class=\"cite\">&gt;&quot;\
             </span>.</p>\n<p>Second para.</p>\n"
        );
    }

    #[test]
    fn word_diff_marks_added_words() {
        assert_eq!(
            word_diff("we will rebuild the dam", "We will rebuild the old dam."),
            "We will rebuild the <mark class=\"diff\">old</mark> dam."
        );
    }
}
