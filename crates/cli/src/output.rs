//! Writing results to stdout: the `--format` choice, the JSON shape of an article, and the human
//! layout shared by `show` and `extract`. Every write returns its I/O error so that a closed pipe
//! ends the command (see `is_broken_pipe` in main).

use std::io::{self, BufWriter, StdoutLock, Write};

use chrono::{DateTime, FixedOffset, SecondsFormat, Utc};
use ingest::Article;
use serde::Serialize;

/// `--format`: human text by default, or machine-readable records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Human-readable text
    #[default]
    Text,
    /// One JSON document (an array of records)
    Json,
    /// One JSON record per line
    Jsonl,
}

/// Buffered stdout.
pub fn stdout() -> BufWriter<StdoutLock<'static>> {
    BufWriter::new(io::stdout().lock())
}

/// Writes serialisable records as a JSON array or as JSON lines, streaming: the array holds one
/// record per line, so nothing has to be collected first.
pub struct Records<W: Write> {
    out: W,
    lines: bool,
    written: usize,
}

impl<W: Write> Records<W> {
    /// `lines` picks JSON lines over a JSON array.
    pub fn new(out: W, lines: bool) -> Self {
        Records {
            out,
            lines,
            written: 0,
        }
    }

    /// The writer itself, for output that is not a record.
    pub fn inner(&mut self) -> &mut W {
        &mut self.out
    }

    pub fn write(&mut self, record: &impl Serialize) -> io::Result<()> {
        let sep = match (self.lines, self.written) {
            (true, _) => "",
            (false, 0) => "[\n",
            (false, _) => ",\n",
        };
        self.out.write_all(sep.as_bytes())?;
        serde_json::to_writer(&mut self.out, record)?;
        if self.lines {
            self.out.write_all(b"\n")?;
        }
        self.written += 1;
        Ok(())
    }

    pub fn finish(mut self) -> io::Result<()> {
        if !self.lines {
            let end: &[u8] = if self.written == 0 { b"[]\n" } else { b"\n]\n" };
            self.out.write_all(end)?;
        }
        self.out.flush()
    }
}

/// An article as `extract` and `show --format json` print it.
#[derive(Debug, Serialize)]
pub struct ArticleRecord<'a> {
    /// The path, with `#N` for the N-th record of a file holding several.
    pub source: String,
    pub id: &'a str,
    /// The id the input gave the record, when it gave one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record_id: Option<&'a str>,
    pub url: Option<&'a str>,
    pub outlet: Option<&'a str>,
    pub title: Option<&'a str>,
    pub authors: &'a [String],
    pub published: Option<String>,
    pub dateline: Option<&'a str>,
    pub language: Option<&'a str>,
    pub summary_only: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ingested_at: Option<String>,
    pub text: &'a str,
    pub warnings: &'a [String],
}

impl<'a> ArticleRecord<'a> {
    pub fn new(a: &'a Article) -> Self {
        ArticleRecord {
            source: a.source.to_string(),
            id: &a.id,
            record_id: a.record_id.as_deref(),
            url: a.url.as_deref(),
            outlet: a.outlet.as_deref(),
            title: a.title.as_deref(),
            authors: &a.authors,
            published: a.published.as_ref().map(rfc3339),
            dateline: a.dateline.as_deref(),
            language: a.language.as_deref(),
            summary_only: a.summary_only,
            ingested_at: None,
            text: &a.text,
            warnings: &a.warnings,
        }
    }
}

pub fn rfc3339(t: &DateTime<FixedOffset>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

pub fn rfc3339_utc(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// An article for a person: a title line, metadata lines, a blank line, then the text with its
/// paragraph breaks.
pub fn write_article(
    out: &mut impl Write,
    a: &Article,
    ingested_at: Option<&DateTime<Utc>>,
) -> io::Result<()> {
    writeln!(out, "{}", a.title.as_deref().unwrap_or("(untitled)"))?;
    let mut field = |name: &str, value: Option<String>| match value {
        Some(v) if !v.is_empty() => writeln!(out, "  {name:<10} {v}"),
        _ => Ok(()),
    };
    field("id", Some(a.id.clone()))?;
    field("outlet", a.outlet.clone())?;
    field("published", a.published.as_ref().map(rfc3339))?;
    field("dateline", a.dateline.clone())?;
    field("authors", Some(a.authors.join(", ")))?;
    field("url", a.url.clone())?;
    field("language", a.language.clone())?;
    field("source", Some(a.source.to_string()))?;
    field("ingested", ingested_at.map(rfc3339_utc))?;
    if a.summary_only {
        field(
            "note",
            Some("feed summary only, not the full article".into()),
        )?;
    }
    for w in &a.warnings {
        field("warning", Some(w.clone()))?;
    }
    writeln!(out)?;
    writeln!(out, "{}", a.text)
}

/// "1 article", "2 articles".
pub fn count(n: u64, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// `s` cut to at most `width` characters, with an ellipsis when cut.
pub fn clip(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_records(lines: bool, n: usize, expected: &str) {
        let mut buf = Vec::new();
        let mut records = Records::new(&mut buf, lines);
        for i in 0..n {
            records.write(&serde_json::json!({ "n": i })).unwrap();
        }
        records.finish().unwrap();
        assert_eq!(String::from_utf8(buf).unwrap(), expected);
    }

    #[test]
    fn records_as_array_and_lines() {
        check_records(false, 0, "[]\n");
        check_records(false, 2, "[\n{\"n\":0},\n{\"n\":1}\n]\n");
        check_records(true, 0, "");
        check_records(true, 2, "{\"n\":0}\n{\"n\":1}\n");
    }

    #[test]
    fn counts_are_plural_except_for_one() {
        assert_eq!(count(0, "article"), "0 articles");
        assert_eq!(count(1, "article"), "1 article");
        assert_eq!(count(2, "article"), "2 articles");
    }

    #[test]
    fn clip_counts_characters_not_bytes() {
        assert_eq!(clip("Sélvan", 6), "Sélvan");
        assert_eq!(clip("Sélvan dam", 6), "Sélva…");
    }
}
