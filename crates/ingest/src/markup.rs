//! A small, forgiving tag stripper for the HTML fragments that feeds carry (`content:encoded`,
//! Atom `content`, escaped summaries): block elements become paragraph breaks, scripts, styles
//! and page furniture are dropped, entities are decoded. Whole pages go to [`crate::html`].
//!
//! It reads the markup in one pass with no tree and no recursion, so depth and malformed markup
//! cost nothing. It must never try to find the "main content" of a page: that is the extractor's
//! job.

/// Text taken from a piece of HTML.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Stripped {
    /// The `<title>`, if the markup has one.
    pub title: Option<String>,
    /// The text, paragraphs separated by blank lines.
    pub text: String,
}

/// Elements whose content is never article text.
const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "nav", "footer", "aside", "form", "button",
    "select", "iframe", "object", "head",
];

/// Elements that start a new paragraph.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "table",
    "article",
    "section",
    "blockquote",
    "pre",
    "header",
    "main",
    "figure",
    "figcaption",
    "dd",
    "dt",
    "dl",
    "hr",
    "td",
    "th",
    "body",
    "html",
];

pub(crate) fn strip(html: &str) -> Stripped {
    let mut out = Stripped::default();
    let bytes = html.as_bytes();
    let mut i = 0;
    let mut text_start = 0;
    while let Some(lt) = memchr::memchr(b'<', &bytes[i..]).map(|p| p + i) {
        push_text(&mut out.text, &html[text_start..lt]);
        let rest = &bytes[lt..];
        if rest.starts_with(b"<!--") {
            i = find(bytes, lt + 4, b"-->").map_or(bytes.len(), |e| e + 3);
            text_start = i;
            continue;
        }
        let Some(tag) = parse_tag(bytes, lt) else {
            // A `<` that opens no tag is text.
            push_text(&mut out.text, "<");
            i = lt + 1;
            text_start = i;
            continue;
        };
        i = tag.end;
        let name = tag.name.to_ascii_lowercase();
        if !tag.closing && name == "title" {
            let end = find_close(bytes, i, "title");
            if out.title.is_none() {
                let mut title = String::new();
                push_text(&mut title, &html[i..end.unwrap_or(bytes.len())]);
                let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
                out.title = Some(title).filter(|t| !t.is_empty());
            }
            i = end.map_or(bytes.len(), |e| skip_tag(bytes, e));
        } else if !tag.closing && !tag.self_closing && SKIPPED.contains(&name.as_str()) {
            // Keep `<head>` only for its title, which is searched for above before skipping.
            if name == "head"
                && let Some(t) = find_ci(bytes, i, b"<title")
                && find_close(bytes, i, "head").is_none_or(|h| t < h)
            {
                text_start = t;
                i = t;
                continue;
            }
            i = find_close(bytes, i, &name).map_or(bytes.len(), |e| skip_tag(bytes, e));
        } else if BLOCKS.contains(&name.as_str()) {
            if name == "br" && !out.text.ends_with('\n') {
                out.text.push('\n');
            } else if !out.text.is_empty() && !out.text.ends_with("\n\n") {
                out.text.push_str("\n\n");
            }
        } else if !out.text.ends_with(char::is_whitespace) && matches!(name.as_str(), "td" | "th") {
            out.text.push(' ');
        }
        text_start = i;
    }
    push_text(&mut out.text, &html[text_start.min(html.len())..]);
    let trimmed = out.text.trim_end().len();
    out.text.truncate(trimmed);
    out
}

struct Tag<'a> {
    name: &'a str,
    closing: bool,
    self_closing: bool,
    /// The offset just past the tag's `>`.
    end: usize,
}

/// Parses the tag starting at `bytes[lt] == b'<'`, or `None` if no tag starts there.
fn parse_tag(bytes: &[u8], lt: usize) -> Option<Tag<'_>> {
    let mut j = lt + 1;
    let closing = bytes.get(j) == Some(&b'/');
    if closing {
        j += 1;
    }
    let declaration = matches!(bytes.get(j), Some(b'!' | b'?'));
    if !declaration && !bytes.get(j).is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    let name_start = j;
    while bytes
        .get(j)
        .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b':' | b'!' | b'?'))
    {
        j += 1;
    }
    let name = std::str::from_utf8(&bytes[name_start..j]).unwrap_or("");
    // Find the closing `>`, stepping over quoted attribute values.
    let mut quote = None;
    while let Some(&b) = bytes.get(j) {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'>') => {
                return Some(Tag {
                    name,
                    closing,
                    self_closing: j > 0 && bytes[j - 1] == b'/',
                    end: j + 1,
                });
            }
            (None, _) => {}
        }
        j += 1;
        // An unbalanced quote must not swallow the rest of the document.
        if quote.is_some() && j - lt > 4096 {
            quote = None;
            j = lt + 1;
            while bytes.get(j).is_some_and(|&b| b != b'>') {
                j += 1;
            }
        }
    }
    Some(Tag {
        name,
        closing,
        self_closing: false,
        end: bytes.len(),
    })
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(bytes.get(from..)?, needle).map(|p| p + from)
}

/// The offset of the first ASCII-case-insensitive `needle` at or after `from`.
fn find_ci(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let mut at = from;
    while let Some(p) = memchr::memchr(b'<', bytes.get(at..)?) {
        let start = at + p;
        if bytes.len() - start >= needle.len()
            && bytes[start..start + needle.len()].eq_ignore_ascii_case(needle)
        {
            return Some(start);
        }
        at = start + 1;
    }
    None
}

/// The offset of `</name` at or after `from`.
fn find_close(bytes: &[u8], from: usize, name: &str) -> Option<usize> {
    let needle = format!("</{name}");
    find_ci(bytes, from, needle.as_bytes())
}

/// The offset just past the tag that starts at `at`.
fn skip_tag(bytes: &[u8], at: usize) -> usize {
    memchr::memchr(b'>', &bytes[at..]).map_or(bytes.len(), |p| at + p + 1)
}

/// Appends `raw` text to `out`, decoding entities and collapsing whitespace runs to one space.
fn push_text(out: &mut String, raw: &str) {
    if raw.is_empty() {
        return;
    }
    let decoded = decode_entities(raw);
    for (k, word) in decoded.split_whitespace().enumerate() {
        let space_before = k > 0 || decoded.starts_with(char::is_whitespace);
        if space_before && !out.is_empty() && !out.ends_with(char::is_whitespace) {
            out.push(' ');
        }
        out.push_str(word);
    }
    if decoded.ends_with(char::is_whitespace)
        && !out.is_empty()
        && !out.ends_with(char::is_whitespace)
    {
        out.push(' ');
    }
}

/// Decodes HTML character references: numeric ones and the named ones common in news text.
/// Unknown references are kept as they are.
pub(crate) fn decode_entities(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains('&') {
        return s.into();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let end = rest[1..]
            .char_indices()
            .take(32)
            .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '#'))
            .map_or(rest.len(), |(i, _)| i + 1);
        let name = &rest[1..end];
        match entity(name) {
            Some(c) => {
                out.push(c);
                rest = &rest[end..];
                rest = rest.strip_prefix(';').unwrap_or(rest);
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out.into()
}

/// The character a reference names, without its `&` and `;`.
pub(crate) fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return match code {
            0 => Some('\u{fffd}'),
            // Windows-1252 code points that pages write as numeric references.
            0x80..=0x9f => encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(&[code as u8])
                .0
                .chars()
                .next(),
            _ => char::from_u32(code),
        };
    }
    Some(match name {
        "amp" | "AMP" => '&',
        "lt" | "LT" => '<',
        "gt" | "GT" => '>',
        "quot" | "QUOT" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "mdash" => '—',
        "ndash" => '–',
        "hellip" => '…',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "laquo" => '«',
        "raquo" => '»',
        "sbquo" => '‚',
        "bdquo" => '„',
        "middot" => '·',
        "bull" => '•',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "deg" => '°',
        "euro" => '€',
        "pound" => '£',
        "yen" => '¥',
        "cent" => '¢',
        "sect" => '§',
        "times" => '×',
        "eacute" => 'é',
        "egrave" => 'è',
        "ecirc" => 'ê',
        "aacute" => 'á',
        "agrave" => 'à',
        "acirc" => 'â',
        "iacute" => 'í',
        "oacute" => 'ó',
        "uacute" => 'ú',
        "ntilde" => 'ñ',
        "ccedil" => 'ç',
        "auml" => 'ä',
        "ouml" => 'ö',
        "uuml" => 'ü',
        "Auml" => 'Ä',
        "Ouml" => 'Ö',
        "Uuml" => 'Ü',
        "szlig" => 'ß',
        "Eacute" => 'É',
        "shy" => '\u{ad}',
        "zwj" => '\u{200d}',
        "zwnj" => '\u{200c}',
        "thinsp" => '\u{2009}',
        "ensp" => '\u{2002}',
        "emsp" => '\u{2003}',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(html: &str, title: Option<&str>, text: &str) {
        let got = strip(html);
        assert_eq!(got.title.as_deref(), title, "title of {html:?}");
        assert_eq!(got.text, text, "text of {html:?}");
    }

    #[test]
    fn strips() {
        check(
            "<p>One</p><p>Two &amp; three</p>",
            None,
            "One\n\nTwo & three",
        );
        check(
            "<html><head><title>T &mdash; x</title><style>p{}</style></head><body><nav>Home</nav><p>Body <b>bold</b> text.</p><script>x<y</script></body></html>",
            Some("T — x"),
            "Body bold text.",
        );
        check("a < b and c > d", None, "a < b and c > d");
        check("<p title=\"a>b\">x</p><!-- c -->y", None, "x\n\ny");
        check("<p>unclosed <b>tag", None, "unclosed tag");
        check("<p>trailing <", None, "trailing <");
        check("line<br>break<br/>again", None, "line\nbreak\nagain");
        check("&#8220;Q&#x201d; &unknown; &#150;", None, "“Q” &unknown; –");
        check("<div attr=\"never closed>text", None, "");
    }

    #[test]
    fn deep_nesting_is_linear() {
        let html = format!(
            "{}deep{}",
            "<div>".repeat(100_000),
            "</div>".repeat(100_000)
        );
        assert_eq!(strip(&html).text, "deep");
    }
}
