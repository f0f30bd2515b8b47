//! Articles from one HTTP response: a page or a feed with the headers that came with it.
//!
//! The WARC reader hands its `response` records here and so does the `fetch` crate for what it
//! downloads, so ingesting a kept WARC file gives exactly the articles the fetch gave. The body
//! arrives with transfer coding undone; content coding (gzip, deflate) is undone here. A page
//! is read with the charset its `Content-Type` declares; a feed by its own XML declaration.
//!
//! Two choices about metadata, the same for both callers: the article's URL is the URL the body
//! was fetched from (after redirects; a WARC record's target), not the canonical URL the page
//! claims, since that is where the text was really found; and `Last-Modified` becomes the
//! publication date only when the page itself gives none (with a warning saying so), never for
//! feed items, whose feed's date says nothing about them. Nothing here does I/O or panics.

use std::io::Read;

use chrono::{DateTime, Datelike};

use crate::{Article, ReadError, Source, feed, sniff};

/// One HTTP response as received.
#[derive(Debug, Clone, Copy)]
pub struct Response<'a> {
    /// Where the body came from: the last URL of the redirect chain.
    pub url: &'a str,
    pub status: u16,
    /// Header names and values in the order received.
    pub headers: &'a [(String, String)],
    /// The body, with any transfer coding (chunked) already undone.
    pub body: &'a [u8],
}

impl Response<'_> {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Why a response gave no article to read: not a success, or neither a page nor a feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skipped {
    Status(u16),
    NotArticle {
        content_type: String,
    },
    /// A feed was asked for ([`read_feed`]) and the response is a web page.
    NotFeed {
        content_type: String,
    },
}

impl std::fmt::Display for Skipped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Skipped::Status(code) => write!(f, "http status {code}, not a success"),
            Skipped::NotArticle { content_type } if content_type.is_empty() => {
                f.write_str("the response is neither an html page nor a feed")
            }
            Skipped::NotArticle { content_type } => write!(
                f,
                "the response is neither an html page nor a feed (content type {content_type})"
            ),
            Skipped::NotFeed { content_type } => write!(
                f,
                "the response is a web page, not a feed (content type {})",
                if content_type.is_empty() {
                    "none"
                } else {
                    content_type
                }
            ),
        }
    }
}

/// The articles of `response`: one for a page, one per item for a feed (each `Ok` or a
/// per-item error), or why there is nothing to read. `source` names a page's article and
/// `location` names the response in errors and feed items' sources; `limit` bounds the body
/// after decompression.
pub fn read_response(
    response: &Response<'_>,
    location: &str,
    source: Source,
    limit: u64,
) -> Result<Vec<Result<Article, ReadError>>, Skipped> {
    let (kind, body, content_type) = match decoded(response, location, limit)? {
        Ok(decoded) => decoded,
        Err(e) => return Ok(vec![Err(e)]),
    };
    if kind == sniff::Format::Feed {
        return Ok(feed::read(location, &body));
    }
    let charset = content_type
        .split(';')
        .filter_map(|p| p.trim().strip_prefix("charset="))
        .map(|c| c.trim_matches(['"', '\'']))
        .next();
    let page = crate::html::extract_with_charset(&body, location, Some(response.url), charset)
        .and_then(|mut draft| {
            draft.url = Some(response.url.to_owned());
            if draft.published.is_none()
                && let Some(modified) = response.header("last-modified").and_then(http_date)
            {
                draft.published = Some(modified);
                draft.warnings.push(
                    "the page gives no publication date; took the http last-modified header".into(),
                );
            }
            draft.finish(source)
        });
    Ok(vec![page])
}

/// The items of a feed fetched on its own, and how long it asks to be left alone.
#[derive(Debug)]
pub struct FeedItems {
    pub items: Vec<Result<Article, ReadError>>,
    /// RSS `<ttl>` (minutes the feed may be cached), when it gives one.
    pub ttl_minutes: Option<u64>,
}

/// [`read_response`] for a response that should be a feed: a web page in its place (a feed
/// that moved, or a site that now answers with its home page) is [`Skipped::NotFeed`].
pub fn read_feed(
    response: &Response<'_>,
    location: &str,
    limit: u64,
) -> Result<FeedItems, Skipped> {
    let (kind, body, content_type) = match decoded(response, location, limit)? {
        Ok(decoded) => decoded,
        Err(e) => {
            return Ok(FeedItems {
                items: vec![Err(e)],
                ttl_minutes: None,
            });
        }
    };
    if kind != sniff::Format::Feed {
        return Err(Skipped::NotFeed { content_type });
    }
    Ok(FeedItems {
        items: feed::read(location, &body),
        ttl_minutes: feed::ttl_minutes(&body),
    })
}

/// The body with its content coding undone, what it is (a page or a feed) and the lower-cased
/// `Content-Type`; the inner error is a body that could not be decoded.
type Decoded<'a> = Result<(sniff::Format, std::borrow::Cow<'a, [u8]>, String), ReadError>;

fn decoded<'a>(
    response: &Response<'a>,
    location: &str,
    limit: u64,
) -> Result<Decoded<'a>, Skipped> {
    if !(200..300).contains(&response.status) {
        return Err(Skipped::Status(response.status));
    }
    let content_type = response
        .header("content-type")
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let encoding = response
        .header("content-encoding")
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let bad = |message: String| {
        Ok(Err(ReadError::BadInput {
            location: location.to_owned(),
            message,
        }))
    };
    let body: std::borrow::Cow<'a, [u8]> = match encoding.as_str() {
        "" | "identity" => response.body.into(),
        "gzip" | "x-gzip" | "deflate" => {
            let body = response.body;
            let decoded = if encoding == "deflate" {
                inflate(flate2::read::ZlibDecoder::new(body), limit)
                    .or_else(|_| inflate(flate2::read::DeflateDecoder::new(body), limit))
            } else {
                inflate(flate2::read::MultiGzDecoder::new(body), limit)
            };
            match decoded {
                Ok(plain) => plain.into(),
                // Archivers often store the body already decoded but keep the header.
                Err(_) if !body.starts_with(&[0x1f, 0x8b]) => body.into(),
                Err(e) => {
                    return bad(format!(
                        "http body could not be decompressed ({encoding}): {e}"
                    ));
                }
            }
        }
        other => return bad(format!("http content encoding {other:?} is not supported")),
    };
    let mime = content_type.split(';').next().unwrap_or("").trim();
    let sniffed = || sniff::format(&body[..body.len().min(8192)], "");
    let kind = if mime.contains("html") {
        Some(sniff::Format::Html)
    } else if mime.is_empty()
        || mime == "application/octet-stream"
        || mime == "text/plain"
        || ["xml", "rss", "atom", "rdf", "json"]
            .iter()
            .any(|k| mime.contains(k))
    {
        Some(sniffed()).filter(|f| matches!(f, sniff::Format::Html | sniff::Format::Feed))
    } else {
        None
    };
    match kind {
        Some(kind) => Ok(Ok((kind, body, content_type))),
        None => Err(Skipped::NotArticle { content_type }),
    }
}

/// An HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`), when it is one from 1995 on, the same
/// floor the page's own dates have.
pub fn http_date(value: &str) -> Option<DateTime<chrono::FixedOffset>> {
    crate::dates::parse(value).filter(|d| d.year() >= 1995)
}

fn inflate(reader: impl Read, limit: u64) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    reader.take(limit.saturating_add(1)).read_to_end(&mut out)?;
    if out.len() as u64 > limit {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "decompressed body is larger than the limit",
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "<html><head><title>Ferry resumes</title></head><body><article>\
        <p>The ferry to Northgate resumed on Tuesday, after a week of storms, and crowds \
        cheered at the quay as the first boat came in.</p></article></body></html>";

    fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    fn read(
        status: u16,
        pairs: &[(&str, &str)],
        body: &[u8],
    ) -> Result<Vec<Result<Article, ReadError>>, Skipped> {
        let headers = headers(pairs);
        let response = Response {
            url: "http://news.example/ferry",
            status,
            headers: &headers,
            body,
        };
        read_response(&response, "page", Source::file("page"), 1 << 20)
    }

    #[test]
    fn page_takes_the_fetched_url_and_last_modified_as_fallback() {
        let got = read(
            200,
            &[
                ("Content-Type", "text/html; charset=utf-8"),
                ("Last-Modified", "Tue, 03 Mar 2026 10:00:00 GMT"),
            ],
            PAGE.as_bytes(),
        )
        .unwrap();
        let a = got[0].as_ref().unwrap();
        assert_eq!(a.url.as_deref(), Some("http://news.example/ferry"));
        assert_eq!(
            a.published.map(|d| d.to_rfc3339()).as_deref(),
            Some("2026-03-03T10:00:00+00:00")
        );
        assert!(a.warnings.iter().any(|w| w.contains("last-modified")));
        // A date in the page wins over the header.
        let dated = PAGE.replace(
            "</head>",
            r#"<meta property="article:published_time" content="2026-03-01T08:00:00Z"></head>"#,
        );
        let got = read(
            200,
            &[("Last-Modified", "Tue, 03 Mar 2026 10:00:00 GMT")],
            dated.as_bytes(),
        )
        .unwrap();
        let a = got[0].as_ref().unwrap();
        assert_eq!(
            a.published.map(|d| d.to_rfc3339()).as_deref(),
            Some("2026-03-01T08:00:00+00:00")
        );
    }

    #[test]
    fn declared_charset_is_used() {
        let body = PAGE.replace("Tuesday", "Mardi caf\u{e9}");
        let (latin1, _, _) = encoding_rs::WINDOWS_1252.encode(&body);
        let got = read(
            200,
            &[("Content-Type", "text/html; charset=ISO-8859-1")],
            &latin1,
        )
        .unwrap();
        assert!(got[0].as_ref().unwrap().text.contains("Mardi café"));
    }

    #[test]
    fn feeds_failures_and_other_types() {
        let rss = br#"<?xml version="1.0"?><rss version="2.0"><channel><title>Echo</title>
            <item><title>One</title><link>http://news.example/1</link>
            <description>The first item of the feed says enough to be read.</description></item>
            </channel></rss>"#;
        let got = read(200, &[("Content-Type", "application/rss+xml")], rss).unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(
            got[0].as_ref().unwrap().url.as_deref(),
            Some("http://news.example/1")
        );
        assert_eq!(
            read(404, &[], PAGE.as_bytes()).unwrap_err(),
            Skipped::Status(404)
        );
        let png = read(200, &[("Content-Type", "image/png")], b"\x89PNG").unwrap_err();
        assert_eq!(
            png.to_string(),
            "the response is neither an html page nor a feed (content type image/png)"
        );
        let broken = read(200, &[("Content-Encoding", "gzip")], b"\x1f\x8b\x08junk").unwrap();
        let e = broken[0].as_ref().unwrap_err().to_string();
        assert!(
            e.starts_with("page: http body could not be decompressed"),
            "{e}"
        );
    }

    #[test]
    fn read_feed_refuses_a_page_in_place_of_the_feed() {
        let headers = headers(&[("Content-Type", "text/html")]);
        let page = Response {
            url: "http://news.example/feed.xml",
            status: 200,
            headers: &headers,
            body: PAGE.as_bytes(),
        };
        let e = read_feed(&page, "feed", 1 << 20).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the response is a web page, not a feed (content type text/html)"
        );
        let rss = b"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Echo</title>\
            <ttl>30</ttl><item><title>One</title><link>http://news.example/1</link>\
            <description>The first item of the feed says enough to be read.</description></item>\
            </channel></rss>";
        let feed = Response {
            body: rss,
            headers: &[],
            ..page
        };
        let got = read_feed(&feed, "feed", 1 << 20).unwrap();
        assert_eq!(got.items.len(), 1);
        assert_eq!(got.ttl_minutes, Some(30));
    }
}
