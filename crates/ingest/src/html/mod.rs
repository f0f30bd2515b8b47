//! Web pages: from the bytes of one HTML page to a [`Draft`] with the article body and the
//! page's metadata.
//!
//! The pipeline is decode (`decode`: BOM, HTTP or `<meta>` charset, else detection) → parse
//! (`dom`: a byte-level tokenizer and a flat arena tree, no recursion) → body (`body`:
//! readability-style block scoring and boilerplate removal) → metadata (`meta`: JSON-LD,
//! OpenGraph, `<meta>`, `<time>`, bylines; the publication date from every source, ranked, in
//! `published` and `datetext`), told which element the body came from. It must never panic or recurse on any input, and it never
//! does I/O: callers hand it bytes.

mod body;
mod datetext;
mod decode;
mod dom;
mod entities;
mod meta;
mod published;

use crate::{Draft, ReadError};

/// Extracts the article from one HTML page.
///
/// `location` names the input in errors (a path, or a path and record number); `url` is where
/// the page was fetched from, when known (a WARC record's target URI), and is used when the
/// page names no canonical URL. Bytes may be in any encoding; see [`extract_with_charset`] when
/// an HTTP header declared one.
pub fn extract(bytes: &[u8], location: &str, url: Option<&str>) -> Result<Draft, ReadError> {
    extract_with_charset(bytes, location, url, None)
}

/// As [`extract`], with the charset from an HTTP `Content-Type` header, which takes precedence
/// over one declared inside the page.
pub fn extract_with_charset(
    bytes: &[u8],
    location: &str,
    url: Option<&str>,
    http_charset: Option<&str>,
) -> Result<Draft, ReadError> {
    let bad = |message: &str| ReadError::BadInput {
        location: location.to_owned(),
        message: message.to_owned(),
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(bad("empty html page"));
    }
    if looks_binary(bytes) {
        return Err(bad("binary data, not an html page"));
    }
    let decoded = decode::decode(bytes, http_charset);
    let _span =
        tracing::debug_span!("html", %location, encoding = decoded.encoding.name()).entered();
    let dom = dom::parse(&decoded.text);
    let (body, container) = body::extract(&dom);
    let meta = meta::read(&dom, url, container);
    if body.is_empty() {
        return Err(bad("no article text found in html page"));
    }
    let mut warnings = Vec::new();
    warnings.extend(decoded.warning);
    warnings.extend(meta.warnings);
    Ok(Draft {
        record_id: None,
        url: meta.url,
        outlet: meta.outlet,
        title: meta.title,
        authors: meta.authors,
        published: meta.published,
        dateline: None,
        language: meta.language,
        body,
        summary_only: false,
        warnings,
    })
}

/// NUL bytes in the first kilobyte, without a UTF-16 byte-order mark: an image, an archive, an
/// executable, not a page.
fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    let utf16 = head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]);
    !utf16 && head.contains(&0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARA: &str = "The harbour bridge in Northgate reopened on Tuesday, after six months of \
        repairs, and the first buses crossed it before dawn.";

    fn check(bytes: &[u8], expected_body: &str, expected_warnings: &[&str]) {
        let draft = extract(bytes, "page.html", None).expect("page should give an article");
        assert_eq!(draft.body, expected_body);
        assert_eq!(draft.warnings, expected_warnings);
    }

    fn check_error(bytes: &[u8], expected: &str) {
        let err = extract(bytes, "page.html", None).expect_err("page should be refused");
        assert_eq!(err.to_string(), expected);
    }

    #[test]
    fn whole_page() {
        let html = format!(
            r#"<!doctype html><html lang="en"><head><meta charset="utf-8">
            <title>Bridge reopens | Northgate Echo</title>
            <meta property="og:site_name" content="Northgate Echo">
            <meta property="article:published_time" content="2024-03-05T07:00:00Z">
            <link rel="canonical" href="https://echo.example/bridge"></head>
            <body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
            <article><header><h1>Bridge reopens</h1><p class="byline">By Ann Lee</p></header>
            <p>{PARA}</p><figure><img src="b.jpg"><figcaption>The bridge at dawn, lit up, by the river.</figcaption></figure>
            <p>Mayor Dana Fry said the city, at last, could breathe again.</p></article>
            <aside class="related"><a href="/x">More on bridges and tunnels and roads</a></aside>
            </body></html>"#
        );
        let draft = extract(html.as_bytes(), "echo.html", None).unwrap();
        assert_eq!(
            draft.body,
            format!("{PARA}\n\nMayor Dana Fry said the city, at last, could breathe again.")
        );
        assert_eq!(draft.title.as_deref(), Some("Bridge reopens"));
        assert_eq!(draft.outlet.as_deref(), Some("Northgate Echo"));
        assert_eq!(draft.url.as_deref(), Some("https://echo.example/bridge"));
        assert_eq!(draft.language.as_deref(), Some("en"));
        assert_eq!(
            draft.published.map(|d| d.to_rfc3339()).as_deref(),
            Some("2024-03-05T07:00:00+00:00")
        );
        assert!(draft.warnings.is_empty());
    }

    #[test]
    fn article_in_a_widget_container_is_kept() {
        // Page builders put the whole article in a box named like page furniture.
        let second =
            "Crews worked through the winter nights, and the council, for once, kept its word.";
        let html = format!(
            r#"<body><nav><a href="/">Home</a></nav><div class="column"><h1>Bridge reopens</h1>
            <div class="widget-container"><p>{PARA}</p><p>{second}</p></div></div></body>"#
        );
        check(html.as_bytes(), &format!("{PARA}\n\n{second}"), &[]);
    }

    #[test]
    fn latin1_without_charset() {
        let mut bytes = b"<html><body><article><p>".to_vec();
        bytes.extend_from_slice(
            b"Le caf\xE9 du port a rouvert ses portes, apr\xE8s des mois de travaux, et la f\xEAte \xE9tait belle.",
        );
        bytes.extend_from_slice(b"</p></article></body></html>");
        check(
            &bytes,
            "Le café du port a rouvert ses portes, après des mois de travaux, et la fête était belle.",
            &["no charset declared, detected windows-1252"],
        );
    }

    #[test]
    fn malformed_html_still_gives_text() {
        check(
            format!("<div class=content><p>{PARA}<p>Second <b>bold <i>and</b> italic</i> text, here.</div></span></div>")
                .as_bytes(),
            &format!("{PARA}\n\nSecond bold and italic text, here."),
            &[],
        );
    }

    #[test]
    fn deep_nesting() {
        let depth = 100_000;
        let html = format!(
            "{}<p>{PARA}</p>{}",
            "<div>".repeat(depth),
            "</div>".repeat(depth)
        );
        check(html.as_bytes(), PARA, &[]);
    }

    proptest::proptest! {
        #[test]
        fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..2000)) {
            let _ = extract(&bytes, "fuzz.html", Some("https://example.org/a"));
        }

        #[test]
        fn never_panics_on_tag_soup(parts in proptest::collection::vec(
            proptest::sample::select(vec![
                "<p>", "</p>", "<div class=\"content\">", "</div>", "<a href='x'>", "</a>", "<b>",
                "</b>", "<li>", "<ul>", "<table><tr><td>", "<script>", "</script>", "<!--", "-->",
                "<br/>", "&amp;", "&#x2019;", "&", "<", ">", "\"", "é", "text, words and commas ",
                "<meta charset=latin1>", "<title>", "<blockquote>", "<style>", "<p hidden>",
            ]),
            0..200,
        )) {
            let html: String = parts.concat();
            let _ = extract(html.as_bytes(), "soup.html", None);
        }
    }

    #[test]
    fn bad_input_is_refused_with_the_location() {
        check_error(b"", "page.html: empty html page");
        check_error(b"  \n", "page.html: empty html page");
        check_error(
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
            "page.html: binary data, not an html page",
        );
        check_error(
            b"<html><script>only()</script></html>",
            "page.html: no article text found in html page",
        );
    }
}
