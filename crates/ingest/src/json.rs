//! JSON and JSON lines records: `text` or `html` (HTML goes through the page extractor), plus
//! any of `url`, `title`, `outlet`, `published`, `authors`, `dateline`, `language`.
//!
//! JSON lines are streamed one line at a time, each line bounded by the size limit, so a file of
//! any length reads in bounded memory. A broken line is an error naming the file and line; the
//! other lines are still read.

use std::io::BufRead;

use serde_json::{Map, Value};

use crate::pending::Pending;
use crate::{Article, Draft, ReadError, Source, dates};

/// The articles of a JSON lines stream, one per non-blank line.
pub(crate) struct Lines<R> {
    path: String,
    reader: R,
    line: u64,
    limit: u64,
    buf: Vec<u8>,
    done: bool,
}

impl<R: BufRead> Lines<R> {
    pub(crate) fn new(path: String, reader: R, limit: u64) -> Self {
        Lines {
            path,
            reader,
            line: 0,
            limit,
            buf: Vec::new(),
            done: false,
        }
    }

    /// Reads the next line into `buf`, without its newline. `Ok(false)` at the end; `Ok(true)`
    /// with `buf` cleared and the rest of the line skipped when it exceeds the limit.
    fn next_line(&mut self) -> std::io::Result<Option<bool>> {
        self.buf.clear();
        let mut too_long = false;
        let mut any = false;
        loop {
            let chunk = match self.reader.fill_buf() {
                Ok(chunk) => chunk,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if chunk.is_empty() {
                return Ok(any.then_some(too_long));
            }
            any = true;
            let (part, found) = match memchr::memchr(b'\n', chunk) {
                Some(i) => (&chunk[..i], Some(i + 1)),
                None => (chunk, None),
            };
            if !too_long {
                if (self.buf.len() + part.len()) as u64 > self.limit {
                    too_long = true;
                    self.buf = Vec::new();
                } else {
                    self.buf.extend_from_slice(part);
                }
            }
            let used = found.unwrap_or(chunk.len());
            self.reader.consume(used);
            if found.is_some() {
                return Ok(Some(too_long));
            }
        }
    }
}

impl<R: BufRead> Lines<R> {
    /// The next line as work left to do: blank lines are skipped and a read error or an
    /// oversized line is an error here, while parsing the line is left to [`Pending::finish`]
    /// (so it can run on another thread).
    pub(crate) fn next_pending(&mut self) -> Option<Pending> {
        while !self.done {
            let too_long = match self.next_line() {
                Ok(Some(too_long)) => too_long,
                Ok(None) => {
                    self.done = true;
                    return None;
                }
                Err(e) => {
                    self.done = true;
                    let location = format!("{}:{}", self.path, self.line + 1);
                    return Some(Pending::ready(Err(crate::input::io_error(location, e))));
                }
            };
            self.line += 1;
            if too_long {
                return Some(Pending::ready(Err(ReadError::BadInput {
                    location: format!("{}:{}", self.path, self.line),
                    message: format!("line is longer than the limit of {} bytes", self.limit),
                })));
            }
            let line = self.buf.strip_suffix(b"\r").unwrap_or(&self.buf);
            let line = line.strip_prefix(b"\xef\xbb\xbf").unwrap_or(line);
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            return Some(Pending::json_line(
                self.path.clone(),
                self.line,
                line.to_vec(),
            ));
        }
        None
    }
}

impl<R: BufRead> Iterator for Lines<R> {
    type Item = Result<Article, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_pending().map(Pending::finish)
    }
}

/// Makes the article of line `line` of the JSON lines file `path` (its bytes without the newline).
pub(crate) fn parse_line(path: &str, line: u64, bytes: &[u8]) -> Result<Article, ReadError> {
    let location = format!("{path}:{line}");
    let value = match serde_json::from_slice::<Value>(bytes) {
        Ok(value) => value,
        Err(e) => {
            return Err(ReadError::BadInput {
                location,
                message: format!("invalid json: {e}"),
            });
        }
    };
    record(&location, Source::record(path, line), value)
}

/// Reads a whole JSON document: one object, or an array of objects (numbered from 1). A file
/// that does not parse as one document but has several lines is read as JSON lines.
pub(crate) fn read_document(
    path: &str,
    bytes: &[u8],
    limit: u64,
) -> Vec<Result<Article, ReadError>> {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Array(items)) => items
            .into_iter()
            .enumerate()
            .map(|(i, value)| {
                let n = i as u64 + 1;
                record(&format!("{path}#{n}"), Source::record(path, n), value)
            })
            .collect(),
        Ok(value) => vec![record(path, Source::file(path), value)],
        Err(e) if e.is_syntax() && e.line() > 1 && e.to_string().starts_with("trailing") => {
            Lines::new(path.to_owned(), bytes, limit).collect()
        }
        Err(e) => vec![Err(ReadError::BadInput {
            location: path.to_owned(),
            message: format!("invalid json: {e}"),
        })],
    }
}

/// Makes an article of one JSON record.
fn record(location: &str, source: Source, value: Value) -> Result<Article, ReadError> {
    let Value::Object(mut fields) = value else {
        return Err(ReadError::BadInput {
            location: location.to_owned(),
            message: format!("expected a json object, found {}", kind(&value)),
        });
    };
    let mut warnings = Vec::new();
    let mut take = |names: &[&str]| -> Option<String> { string(&mut fields, names, &mut warnings) };
    let record_id = take(&["id"]);
    let url = take(&["url", "link"]);
    let title = take(&["title", "headline"]);
    let outlet = take(&["outlet", "publisher", "site_name"]);
    let dateline = take(&["dateline"]);
    let language = take(&["language", "lang"]);
    let text = take(&["text", "body", "content"]);
    let html = take(&["html"]);
    let mut draft = match (text, html) {
        (Some(text), _) => Draft {
            body: text,
            ..Draft::default()
        },
        (None, Some(html)) => crate::html::extract(html.as_bytes(), location, url.as_deref())?,
        (None, None) => {
            return Err(ReadError::BadInput {
                location: location.to_owned(),
                message: "record has neither a `text` nor an `html` field".into(),
            });
        }
    };
    let published = published(&mut fields, &mut warnings);
    let authors = authors(&mut fields, &mut warnings);
    draft.record_id = record_id;
    draft.url = url.or(draft.url);
    draft.title = title.or(draft.title);
    draft.outlet = outlet.or(draft.outlet);
    draft.dateline = dateline.or(draft.dateline);
    draft.language = language.or(draft.language);
    draft.published = published.or(draft.published);
    if !authors.is_empty() {
        draft.authors = authors;
    }
    draft.warnings.extend(warnings);
    draft.finish(source)
}

/// The first of `names` present as a string (numbers are taken as their text).
fn string(
    fields: &mut Map<String, Value>,
    names: &[&str],
    warnings: &mut Vec<String>,
) -> Option<String> {
    for name in names {
        match fields.remove(*name) {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) => return Some(s),
            Some(Value::Number(n)) => return Some(n.to_string()),
            Some(other) => warnings.push(format!(
                "field `{name}` is {}, not a string; ignored",
                kind(&other)
            )),
        }
    }
    None
}

fn published(
    fields: &mut Map<String, Value>,
    warnings: &mut Vec<String>,
) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    for name in ["published", "date", "published_at", "datePublished"] {
        match fields.remove(name) {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) => match dates::parse(&s) {
                Some(d) => return Some(d),
                None => warnings.push(format!("could not read the date {s:?} in `{name}`")),
            },
            Some(Value::Number(n)) => match n.as_f64().and_then(dates::from_timestamp) {
                Some(d) => return Some(d),
                None => warnings.push(format!("could not read the timestamp {n} in `{name}`")),
            },
            Some(other) => warnings.push(format!("field `{name}` is {}, not a date", kind(&other))),
        }
    }
    None
}

fn authors(fields: &mut Map<String, Value>, warnings: &mut Vec<String>) -> Vec<String> {
    for name in ["authors", "author", "byline"] {
        match fields.remove(name) {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) => return split_names(&s),
            Some(Value::Array(items)) => {
                return items
                    .into_iter()
                    .filter_map(|item| match item {
                        Value::String(s) => Some(s),
                        // `{"name": "..."}`, as schema.org writes people.
                        Value::Object(mut o) => match o.remove("name") {
                            Some(Value::String(s)) => Some(s),
                            _ => None,
                        },
                        _ => None,
                    })
                    .collect();
            }
            Some(Value::Object(mut o)) => {
                if let Some(Value::String(s)) = o.remove("name") {
                    return vec![s];
                }
            }
            Some(other) => warnings.push(format!(
                "field `{name}` is {}, not a list of names",
                kind(&other)
            )),
        }
    }
    Vec::new()
}

/// The names in a byline string: `Ana Ruiz and Tom Hale`, `Ana Ruiz, Tom Hale`, `Ana Ruiz;
/// Tom Hale`. A comma splits only between full names, so `Ruiz, Ana` stays one name.
fn split_names(s: &str) -> Vec<String> {
    let s = s.trim();
    let s = s
        .strip_prefix("By ")
        .or_else(|| s.strip_prefix("by "))
        .unwrap_or(s);
    let mut names = Vec::new();
    for part in s.split(" and ").flat_map(|p| p.split(';')) {
        let pieces: Vec<&str> = part.split(',').map(str::trim).collect();
        if pieces.iter().all(|p| p.contains(' ')) {
            names.extend(pieces.into_iter().map(str::to_owned));
        } else {
            names.push(part.trim().to_owned());
        }
    }
    names.retain(|n| !n.is_empty());
    names
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads `input` as JSON lines and checks each line's title, or error message fragment.
    fn check(input: &str, expected: &[Result<&str, &str>]) {
        let got: Vec<_> = Lines::new("t.jsonl".into(), input.as_bytes(), 1000).collect();
        assert_eq!(got.len(), expected.len(), "{got:?}");
        for (got, want) in got.iter().zip(expected) {
            match (got, want) {
                (Ok(a), Ok(title)) => assert_eq!(a.title.as_deref(), Some(*title)),
                (Err(e), Err(fragment)) => {
                    assert!(
                        e.to_string().contains(fragment),
                        "{e} should contain {fragment:?}"
                    )
                }
                _ => panic!("{got:?} is not {want:?}"),
            }
        }
    }

    #[test]
    fn lines() {
        check(
            "{\"title\": \"A\", \"text\": \"Body a.\"}\n\n{\"title\": \"B\", \"text\": \"Body b.\"}",
            &[Ok("A"), Ok("B")],
        );
        check(
            "{\"title\": \"A\", \"text\": \"x\"}\n{\"title\": \"B\", \"text\n{\"title\": \"C\", \"text\": \"y\"}\n",
            &[Ok("A"), Err("t.jsonl:2: invalid json"), Ok("C")],
        );
        check(
            "[1]\n",
            &[Err("t.jsonl:1: expected a json object, found an array")],
        );
        check(
            "{\"title\": \"A\"}\n",
            &[Err("neither a `text` nor an `html`")],
        );
        check(
            &format!(
                "{{\"text\": \"{}\"}}\n{{\"title\": \"B\", \"text\": \"b\"}}",
                "x".repeat(2000)
            ),
            &[Err("t.jsonl:1: line is longer than the limit"), Ok("B")],
        );
        check(
            "{\"title\": \"H\", \"html\": \"<p>One</p><p>Two</p>\"}",
            &[Ok("H")],
        );
    }

    #[test]
    fn fields() {
        let line = r#"{"text": "Body.", "url": "https://example.org/a", "outlet": "The Ledger",
            "published": "Wed, 04 Mar 2026 10:15:00 GMT", "authors": ["Ana Ruiz", {"name": "Tom Hale"}],
            "dateline": "LISBON", "id": 7}"#
            .replace('\n', " ");
        let a = Lines::new("t.jsonl".into(), line.as_bytes(), 10_000)
            .next()
            .unwrap()
            .unwrap();
        assert_eq!(a.source, Source::record("t.jsonl", 1));
        assert_eq!(a.record_id.as_deref(), Some("7"));
        assert_eq!(a.url.as_deref(), Some("https://example.org/a"));
        assert_eq!(a.outlet.as_deref(), Some("The Ledger"));
        assert_eq!(
            a.published.unwrap().to_rfc3339(),
            "2026-03-04T10:15:00+00:00"
        );
        assert_eq!(a.authors, ["Ana Ruiz", "Tom Hale"]);
        assert_eq!(a.dateline.as_deref(), Some("LISBON"));
        let bad_date = Lines::new(
            "t".into(),
            &br#"{"text": "x", "published": "soon"}"#[..],
            100,
        )
        .next()
        .unwrap()
        .unwrap();
        assert_eq!(
            bad_date.warnings,
            ["could not read the date \"soon\" in `published`"]
        );
    }

    proptest::proptest! {
        /// Breaking any one line costs that line only, and the error names it.
        #[test]
        fn a_broken_line_costs_only_itself(n in 1usize..20, broken in 0usize..20, cut in 1usize..10) {
            let broken = broken % n;
            let lines: Vec<String> = (0..n)
                .map(|i| format!("{{\"title\": \"T{i}\", \"text\": \"Body {i}.\"}}"))
                .collect();
            let mut input = String::new();
            for (i, line) in lines.iter().enumerate() {
                input.push_str(if i == broken { &line[..line.len() - cut] } else { line });
                input.push('\n');
            }
            let got: Vec<_> = Lines::new("p.jsonl".into(), input.as_bytes(), 1000).collect();
            proptest::prop_assert_eq!(got.len(), n);
            for (i, result) in got.iter().enumerate() {
                match result {
                    Ok(a) => proptest::prop_assert_eq!(a.source.record, Some(i as u64 + 1)),
                    Err(e) => {
                        proptest::prop_assert_eq!(i, broken);
                        let location = format!("p.jsonl:{}: ", broken + 1);
                        proptest::prop_assert!(e.to_string().starts_with(&location));
                    }
                }
            }
        }
    }

    #[test]
    fn author_strings() {
        let check = |s: &str, expected: &[&str]| assert_eq!(split_names(s), expected, "{s:?}");
        check("Ana Ruiz", &["Ana Ruiz"]);
        check("By Ana Ruiz and Tom Hale", &["Ana Ruiz", "Tom Hale"]);
        check(
            "Ana Ruiz, Tom Hale; Lee Park",
            &["Ana Ruiz", "Tom Hale", "Lee Park"],
        );
        check("Ruiz, Ana", &["Ruiz, Ana"]);
        check("  ", &[]);
    }

    #[test]
    fn documents() {
        let got = read_document("a.json", br#"[{"text": "one"}, 5, {"text": "two"}]"#, 1000);
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].as_ref().unwrap().source, Source::record("a.json", 1));
        assert!(
            got[1]
                .as_ref()
                .unwrap_err()
                .to_string()
                .starts_with("a.json#2: expected a json object")
        );
        let one = read_document("a.json", b"{\n \"text\": \"one\"\n}", 1000);
        assert_eq!(one[0].as_ref().unwrap().source, Source::file("a.json"));
        let lines = read_document(
            "a.json",
            b"{\"text\": \"one\"}\n{\"text\": \"two\"}\n",
            1000,
        );
        assert_eq!(lines.len(), 2);
        let broken = read_document("a.json", b"{\"text\": ", 1000);
        assert!(
            broken[0]
                .as_ref()
                .unwrap_err()
                .to_string()
                .starts_with("a.json: invalid json")
        );
    }
}
