//! WARC archives (1.0 and 1.1; per-record gzip is undone by the input layer, since a `.warc.gz`
//! is a multi-member gzip stream): every `response` or `resource` record holding an HTML page
//! is an article, numbered by its record number in the file, and so is every `conversion`
//! record of a WET file (Common Crawl's extracted text: one line a paragraph). A file that
//! gives no article and no error ends with one error saying how many records of each kind it
//! held and why none was read.
//!
//! Records are streamed: only one record's content, bounded by the size limit, is in memory at
//! a time. HTTP chunked transfer coding and gzip or deflate content coding are undone. A truncated
//! record is an error naming the record and its byte offset; the records before it are kept.

use std::io::{self, BufRead, Read};

use crate::{Article, ReadError, Source};

/// Longest header line we accept; longer ones mean the stream is not WARC.
const MAX_LINE: usize = 64 << 10;
/// Most header lines in one record or HTTP response.
const MAX_HEADERS: usize = 1000;

/// The articles of a WARC stream.
pub(crate) struct Records<R> {
    path: String,
    reader: R,
    /// Bytes consumed from the (decompressed) stream so far.
    offset: u64,
    /// The number of the last record begun.
    record: u64,
    limit: u64,
    done: bool,
    /// Offsets count bytes after gzip was undone, and messages say so.
    gzipped: bool,
    /// Articles and errors given so far; when both stay at zero the end says why.
    given: u64,
    /// Records that held no article, by why ("request", "response not html"), in order.
    skipped: Vec<(String, u64)>,
    /// The rest of a record that gave several results (a feed's items).
    queue: std::collections::VecDeque<Result<Article, ReadError>>,
}

/// How a record's header says to treat its content.
#[derive(Default)]
struct Header {
    kind: String,
    content_type: String,
    target: Option<String>,
    length: Option<u64>,
}

impl<R: BufRead> Records<R> {
    pub(crate) fn new(path: String, reader: R, limit: u64) -> Self {
        Records {
            path,
            reader,
            offset: 0,
            record: 0,
            limit,
            done: false,
            gzipped: false,
            given: 0,
            skipped: Vec::new(),
            queue: std::collections::VecDeque::new(),
        }
    }

    fn skipped(&mut self, why: &str) {
        match self.skipped.iter_mut().find(|(w, _)| w == why) {
            Some((_, n)) => *n += 1,
            None => self.skipped.push((why.to_owned(), 1)),
        }
    }

    /// The error that ends a file which gave nothing: how many records, of which kinds.
    fn nothing_read(&self) -> ReadError {
        let message = if self.record == 0 {
            "the warc file holds no records".to_owned()
        } else {
            let kinds: Vec<String> = self
                .skipped
                .iter()
                .map(|(why, n)| format!("{n} {why}"))
                .collect();
            format!(
                "no html page or text conversion in the warc file's {} record{} ({}); nothing was read",
                self.record,
                if self.record == 1 { "" } else { "s" },
                kinds.join(", ")
            )
        };
        ReadError::BadInput {
            location: self.path.clone(),
            message,
        }
    }

    /// Marks the stream as gunzipped, so byte offsets in messages say they are uncompressed.
    pub(crate) fn gzipped(mut self, gzipped: bool) -> Self {
        self.gzipped = gzipped;
        self
    }

    fn error(&self, start: u64, message: impl std::fmt::Display) -> ReadError {
        ReadError::BadInput {
            location: format!("{}#{}", self.path, self.record),
            message: format!(
                "record {} at byte {start}{}: {message}",
                self.record,
                if self.gzipped { " (uncompressed)" } else { "" }
            ),
        }
    }

    /// Reads one line, without its line ending. `None` at the end of the stream.
    fn line(&mut self) -> io::Result<Option<Vec<u8>>> {
        let mut line = Vec::new();
        let n = (&mut self.reader)
            .take(MAX_LINE as u64)
            .read_until(b'\n', &mut line)?;
        self.offset += n as u64;
        if n == 0 {
            return Ok(None);
        }
        if line.last() != Some(&b'\n') && n == MAX_LINE {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "header line is too long",
            ));
        }
        while line.last().is_some_and(|b| matches!(b, b'\n' | b'\r')) {
            line.pop();
        }
        Ok(Some(line))
    }

    /// Skips `n` bytes, returning how many there were.
    fn skip(&mut self, n: u64) -> io::Result<u64> {
        let skipped = io::copy(&mut (&mut self.reader).take(n), &mut io::sink())?;
        self.offset += skipped;
        Ok(skipped)
    }

    /// Reads the next record. `Ok(None)` at the end; `Ok(Some(None))` for a record that holds
    /// no article.
    fn next_record(&mut self) -> Result<Option<Option<Article>>, ReadError> {
        // Find the version line, stepping over the blank lines between records.
        let mut start;
        let version = loop {
            start = self.offset;
            match self.line() {
                Ok(None) => return Ok(None),
                Ok(Some(line)) if line.is_empty() => continue,
                Ok(Some(line)) => break line,
                Err(e) => {
                    self.record += 1;
                    return Err(self.error(start, e));
                }
            }
        };
        self.record += 1;
        if !version.starts_with(b"WARC/") {
            self.done = true;
            let shown = String::from_utf8_lossy(&version[..version.len().min(40)]).into_owned();
            return Err(self.error(
                start,
                format!("expected a warc record header, found {shown:?}; the rest of the file is skipped"),
            ));
        }
        let mut header = Header::default();
        let mut lines = 0;
        loop {
            let line = match self.line() {
                Ok(Some(line)) => line,
                Ok(None) => {
                    return Err(
                        self.error(start, "truncated: the file ends inside the record header")
                    );
                }
                Err(e) => return Err(self.error(start, e)),
            };
            if line.is_empty() {
                break;
            }
            lines += 1;
            if lines > MAX_HEADERS {
                return Err(self.error(start, "too many header lines"));
            }
            let Some((name, value)) = split_header(&line) else {
                continue;
            };
            match name.to_ascii_lowercase().as_str() {
                "warc-type" => header.kind = value.to_ascii_lowercase(),
                "content-type" => header.content_type = value.to_ascii_lowercase(),
                "warc-target-uri" => {
                    header.target = Some(value.trim_matches(['<', '>']).to_owned());
                }
                "content-length" => header.length = value.trim().parse().ok(),
                _ => {}
            }
        }
        let Some(length) = header.length else {
            return Err(self.error(start, "the record header has no valid content-length"));
        };
        let wanted = match header.kind.as_str() {
            "response" => header.content_type.starts_with("application/http"),
            "resource" => header.content_type.contains("html"),
            "conversion" => header.content_type.is_empty() || header.content_type.contains("text"),
            _ => false,
        };
        if !wanted || length > self.limit {
            let skipped = self.skip(length).map_err(|e| self.error(start, e))?;
            if skipped < length {
                return Err(self.truncated(start, skipped, length));
            }
            if wanted {
                return Err(self.error(
                    start,
                    format!(
                        "content of {length} bytes is larger than the limit of {} bytes; skipped",
                        self.limit
                    ),
                ));
            }
            let why = match header.kind.as_str() {
                "" => "without a warc-type".to_owned(),
                "response" => "response not http".to_owned(),
                "resource" => "resource not html".to_owned(),
                kind => kind.to_owned(),
            };
            self.skipped(&why);
            return Ok(Some(None));
        }
        let mut content = Vec::with_capacity(length.min(1 << 20) as usize);
        let got = (&mut self.reader)
            .take(length)
            .read_to_end(&mut content)
            .map_err(|e| self.error(start, e))?;
        self.offset += got as u64;
        if (got as u64) < length {
            return Err(self.truncated(start, got as u64, length));
        }
        let location = format!("{}#{}", self.path, self.record);
        if header.kind == "conversion" {
            // One line a paragraph, the first usually the page's title.
            let (text, _) = crate::decode::decode(&content, None);
            let paragraphs: Vec<&str> = text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect();
            let mut draft = crate::plain::read(&location, paragraphs.join("\n\n").as_bytes())?;
            draft.url = header.target;
            return draft
                .finish(Source::record(self.path.clone(), self.record))
                .map(|a| Some(Some(a)));
        }
        if header.kind == "response" {
            let (status, headers, body, warnings) = match http_message(&content) {
                Ok(found) => found,
                Err(message) => return Err(self.error(start, message)),
            };
            let response = crate::http::Response {
                url: header.target.as_deref().unwrap_or(""),
                status,
                headers: &headers,
                body: &body,
            };
            let source = Source::record(self.path.clone(), self.record);
            return match crate::http::read_response(&response, &location, source, self.limit) {
                Ok(mut articles) => {
                    for article in articles.iter_mut().flatten() {
                        article.warnings.extend(warnings.iter().cloned());
                    }
                    let first = articles.drain(..1.min(articles.len())).next();
                    self.queue.extend(articles);
                    match first {
                        Some(Ok(article)) => Ok(Some(Some(article))),
                        Some(Err(e)) => Err(e),
                        None => Ok(Some(None)),
                    }
                }
                Err(skipped) => {
                    tracing::trace!(%skipped, "warc response skipped");
                    self.skipped("response not an html page or feed (or not a success)");
                    Ok(Some(None))
                }
            };
        }
        let mut draft = crate::html::extract(&content, &location, header.target.as_deref())?;
        if draft.url.is_none() {
            draft.url = header.target;
        }
        draft
            .finish(Source::record(self.path.clone(), self.record))
            .map(|a| Some(Some(a)))
    }

    fn truncated(&mut self, start: u64, got: u64, length: u64) -> ReadError {
        self.done = true;
        self.error(
            start,
            format!("truncated: the file ends after {got} of its {length} content bytes"),
        )
    }
}

impl<R: BufRead> Iterator for Records<R> {
    type Item = Result<Article, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(queued) = self.queue.pop_front() {
            self.given += 1;
            return Some(queued);
        }
        while !self.done {
            match self.next_record() {
                Ok(None) => {
                    self.done = true;
                    if self.given == 0 {
                        self.given = 1;
                        return Some(Err(self.nothing_read()));
                    }
                }
                Ok(Some(None)) => {}
                Ok(Some(Some(article))) => {
                    self.given += 1;
                    return Some(Ok(article));
                }
                Err(e) => {
                    self.given += 1;
                    return Some(Err(e));
                }
            }
        }
        None
    }
}

fn split_header(line: &[u8]) -> Option<(String, String)> {
    let colon = memchr::memchr(b':', line)?;
    let name = String::from_utf8_lossy(&line[..colon]).trim().to_owned();
    let value = String::from_utf8_lossy(&line[colon + 1..])
        .trim()
        .to_owned();
    Some((name, value))
}

/// An HTTP message's status, headers, body (chunked transfer coding undone) and warnings
/// about it.
type Message = (u16, Vec<(String, String)>, Vec<u8>, Vec<String>);

/// Splits the HTTP response stored in a record into its parts.
fn http_message(content: &[u8]) -> Result<Message, String> {
    let end = memchr::memmem::find(content, b"\r\n\r\n")
        .map(|i| (i, i + 4))
        .or_else(|| memchr::memmem::find(content, b"\n\n").map(|i| (i, i + 2)));
    let Some((head_end, body_start)) = end else {
        return Err("the http response has no end of headers".into());
    };
    let head = String::from_utf8_lossy(&content[..head_end]);
    let mut lines = head.lines();
    let status = lines.next().unwrap_or("");
    if !status.starts_with("HTTP/") {
        return Err(format!(
            "expected an http status line, found {:?}",
            status.chars().take(40).collect::<String>()
        ));
    }
    // A status line without a readable code is treated as a failure, not an error.
    let code = status
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse::<u16>().ok())
        .unwrap_or(0);
    let headers: Vec<(String, String)> = lines
        .take(MAX_HEADERS)
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
        .collect();
    let chunked = headers.iter().any(|(name, value)| {
        name.eq_ignore_ascii_case("transfer-encoding")
            && value.to_ascii_lowercase().contains("chunked")
    });
    let mut warnings = Vec::new();
    let mut body = content[body_start..].to_vec();
    if chunked {
        match dechunk(&body) {
            Ok(plain) => body = plain,
            Err(Partial(plain)) if !plain.is_empty() => {
                warnings.push("http chunked body is cut short; kept what was complete".into());
                body = plain;
            }
            // Archivers often store the body already de-chunked but keep the header.
            Err(_) => {}
        }
    }
    Ok((code, headers, body, warnings))
}

/// A chunked body that ended early or broke: what was complete before it.
struct Partial(Vec<u8>);

/// Undoes HTTP/1.1 chunked transfer coding.
fn dechunk(mut body: &[u8]) -> Result<Vec<u8>, Partial> {
    let mut out = Vec::with_capacity(body.len());
    loop {
        let Some(eol) = memchr::memchr(b'\n', body) else {
            return Err(Partial(out));
        };
        let size_line = std::str::from_utf8(&body[..eol]).map_err(|_| Partial(Vec::new()))?;
        let size_text = size_line.split(';').next().unwrap_or("").trim();
        let Ok(size) = usize::from_str_radix(size_text, 16) else {
            return Err(Partial(if out.is_empty() { Vec::new() } else { out }));
        };
        body = &body[eol + 1..];
        if size == 0 {
            return Ok(out);
        }
        if body.len() < size {
            out.extend_from_slice(body);
            return Err(Partial(out));
        }
        out.extend_from_slice(&body[..size]);
        body = &body[size..];
        body = body
            .strip_prefix(b"\r\n")
            .or(body.strip_prefix(b"\n"))
            .unwrap_or(body);
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A WARC record of `kind` with the given content.
    pub(crate) fn record(kind: &str, uri: &str, content_type: &str, content: &[u8]) -> Vec<u8> {
        let mut out = format!(
            "WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
            content.len()
        )
        .into_bytes();
        out.extend_from_slice(content);
        out.extend_from_slice(b"\r\n\r\n");
        out
    }

    pub(crate) fn response(uri: &str, headers: &str, body: &[u8]) -> Vec<u8> {
        let mut http = format!("HTTP/1.1 200 OK\r\n{headers}\r\n").into_bytes();
        http.extend_from_slice(body);
        record("response", uri, "application/http; msgtype=response", &http)
    }

    fn check(warc: &[u8], expected: &[Result<&str, &str>]) -> Vec<Result<Article, ReadError>> {
        let got: Vec<_> = Records::new("c.warc".into(), warc, 1 << 20).collect();
        assert_eq!(got.len(), expected.len(), "{got:?}");
        for (got, want) in got.iter().zip(expected) {
            match (got, want) {
                (Ok(a), Ok(text)) => assert_eq!(a.text, *text),
                (Err(e), Err(w)) => assert!(e.to_string().contains(w), "{e} should contain {w:?}"),
                _ => panic!("{got:?} is not {want:?}"),
            }
        }
        got
    }

    #[test]
    fn records() {
        let mut warc = record(
            "warcinfo",
            "",
            "application/warc-fields",
            b"software: test\r\n",
        );
        warc.extend(response(
            "https://a.example/1",
            "Content-Type: text/html\r\n",
            b"<p>First page.</p>",
        ));
        warc.extend(record(
            "request",
            "https://a.example/1",
            "application/http; msgtype=request",
            b"GET / HTTP/1.1\r\n\r\n",
        ));
        warc.extend(response(
            "https://a.example/img",
            "Content-Type: image/png\r\n",
            b"\x89PNG",
        ));
        warc.extend(response(
            "https://a.example/2",
            "Content-Type: text/html; charset=utf-8\r\nTransfer-Encoding: chunked\r\n",
            b"6\r\n<p>Chu\r\n9\r\nnked.</p>\r\n0\r\n\r\n",
        ));
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, b"<p>Zipped page.</p>").unwrap();
        warc.extend(response(
            "https://a.example/3",
            "Content-Encoding: gzip\r\n",
            &gz.finish().unwrap(),
        ));
        let got = check(
            &warc,
            &[Ok("First page."), Ok("Chunked."), Ok("Zipped page.")],
        );
        let first = got[0].as_ref().unwrap();
        assert_eq!(first.url.as_deref(), Some("https://a.example/1"));
        assert_eq!(first.source, Source::record("c.warc", 2));
        assert_eq!(got[2].as_ref().unwrap().source, Source::record("c.warc", 6));
    }

    #[test]
    fn wet_conversion_records() {
        let mut wet = record(
            "warcinfo",
            "",
            "application/warc-fields",
            b"software: test\r\n",
        );
        wet.extend(record(
            "conversion",
            "https://a.example/ferry",
            "text/plain",
            "Ferry service resumes\nThe ferry resumed on Tuesday.\nCrowds cheered at the quay.\n"
                .as_bytes(),
        ));
        wet.extend(record(
            "conversion",
            "https://a.example/empty",
            "text/plain",
            b"  \n",
        ));
        let got = check(
            &wet,
            &[
                Ok("The ferry resumed on Tuesday.\n\nCrowds cheered at the quay."),
                Err("c.warc#3: no article text found"),
            ],
        );
        let a = got[0].as_ref().unwrap();
        assert_eq!(a.title.as_deref(), Some("Ferry service resumes"));
        assert_eq!(a.url.as_deref(), Some("https://a.example/ferry"));
        assert_eq!(a.source, Source::record("c.warc", 2));
    }

    #[test]
    fn a_warc_without_pages_says_what_it_held() {
        let mut warc = record(
            "request",
            "https://a.example/1",
            "application/http; msgtype=request",
            b"GET / HTTP/1.1\r\n\r\n",
        );
        warc.extend(record(
            "request",
            "https://a.example/2",
            "application/http; msgtype=request",
            b"GET /2 HTTP/1.1\r\n\r\n",
        ));
        warc.extend(record(
            "metadata",
            "https://a.example/1",
            "application/warc-fields",
            b"x: y\r\n",
        ));
        warc.extend(record(
            "resource",
            "https://a.example/a.png",
            "image/png",
            b"\x89PNG",
        ));
        warc.extend(response(
            "https://a.example/css",
            "Content-Type: text/css\r\n",
            b"p {}",
        ));
        check(
            &warc,
            &[Err(
                "c.warc: no html page or text conversion in the warc file's 5 records (2 request, 1 metadata, 1 resource not html, 1 response not an html page or feed (or not a success)); nothing was read",
            )],
        );
        check(b"", &[Err("c.warc: the warc file holds no records")]);
        // A file that gave an article says nothing more.
        let mut one = warc.clone();
        one.extend(response(
            "https://a.example/p",
            "Content-Type: text/html\r\n",
            b"<p>A page.</p>",
        ));
        check(&one, &[Ok("A page.")]);
    }

    #[test]
    fn truncated_record_keeps_earlier_ones() {
        let mut warc = response(
            "https://a.example/1",
            "Content-Type: text/html\r\n",
            b"<p>Kept.</p>",
        );
        let offset = warc.len();
        let second = response(
            "https://a.example/2",
            "Content-Type: text/html\r\n",
            b"<p>Lost page body.</p>",
        );
        warc.extend_from_slice(&second[..second.len() - 12]);
        check(
            &warc,
            &[
                Ok("Kept."),
                Err(&format!("c.warc#2: record 2 at byte {offset}: truncated")),
            ],
        );
        check(
            b"WARC/1.0\r\nWARC-Type: response\r\n",
            &[Err("c.warc#1: record 1 at byte 0: truncated")],
        );
        check(b"not a warc", &[Err("expected a warc record header")]);
    }

    #[test]
    fn dechunking() {
        assert_eq!(
            dechunk(b"3\r\nabc\r\n0\r\n\r\n").ok(),
            Some(b"abc".to_vec())
        );
        assert_eq!(
            dechunk(b"3;ext=1\nabc\n2\nde\n0\n").ok(),
            Some(b"abcde".to_vec())
        );
        assert!(matches!(dechunk(b"<html>"), Err(Partial(p)) if p.is_empty()));
        assert!(matches!(dechunk(b"3\r\nabc\r\n9\r\nde"), Err(Partial(p)) if p == b"abcde"));
    }
}
