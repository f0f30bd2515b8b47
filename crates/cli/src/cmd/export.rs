//! `parallax export articles|stories|quotes|entities`: one row per item, for spreadsheets and
//! notebooks, as CSV (with a header row), JSON lines or Parquet, all with the same columns in the
//! same order (Parquet through `arrow-json`'s serde decoder into record batches of
//! [`PARQUET_BATCH`] rows, written uncompressed by `parquet`'s `ArrowWriter`). The
//! columns are documented in README ("Exporting for analysis") and only ever added to at the
//! end; lists (authors, outlets, entities, terms) are one field joined by `"; "`.

use std::collections::HashMap;
use std::io::{self, IsTerminal, Write};

use anyhow::{Context as _, Result};
use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::Serialize;
use store::{Store, StoredArticle};

use super::entities::Found;
use crate::output::{self, rfc3339, rfc3339_utc};
use crate::{Context, Outcome};

/// Export articles, stories, quotes or entities as CSV or JSON lines, one row per item
#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to export
    #[arg(value_enum)]
    what: What,
    /// Output format
    #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
    format: ExportFormat,
    /// Only items published (stories: last seen) on or after this date (2026-03-01, or RFC 3339)
    #[arg(long, value_name = "DATE", value_parser = since)]
    since: Option<DateTime<FixedOffset>>,
    /// Only this story (an id or a unique prefix of one) and its articles or quotes
    #[arg(long, value_name = "ID")]
    story: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum What {
    Articles,
    Stories,
    Quotes,
    Entities,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ExportFormat {
    /// Comma-separated values with a header row (RFC 4180 quoting)
    Csv,
    /// One JSON object per line
    Jsonl,
    /// Apache Parquet (binary: redirect it to a file)
    Parquet,
}

/// Rows per Parquet record batch (and row group at most).
const PARQUET_BATCH: usize = 8192;

/// The columns of each export for Parquet, in the rows' order: name and type, all nullable
/// (strings unless said). The CSV header names the same columns (a test checks it).
fn parquet_schema(what: What) -> arrow_schema::Schema {
    use arrow_schema::DataType::{Boolean, UInt64, Utf8};
    let columns: &[(&str, arrow_schema::DataType)] = match what {
        What::Articles => &[
            ("id", Utf8),
            ("story", Utf8),
            ("published", Utf8),
            ("outlet", Utf8),
            ("title", Utf8),
            ("url", Utf8),
            ("authors", Utf8),
            ("dateline", Utf8),
            ("language", Utf8),
            ("summary_only", Boolean),
            ("words", UInt64),
            ("source", Utf8),
            ("ingested_at", Utf8),
            ("text", Utf8),
        ],
        What::Stories => &[
            ("id", Utf8),
            ("storyline", Utf8),
            ("headline", Utf8),
            ("first_seen", Utf8),
            ("last_seen", Utf8),
            ("articles", UInt64),
            ("outlets", Utf8),
            ("entities", Utf8),
            ("terms", Utf8),
            ("language", Utf8),
        ],
        What::Quotes => &[
            ("article", Utf8),
            ("story", Utf8),
            ("published", Utf8),
            ("outlet", Utf8),
            ("kind", Utf8),
            ("class", Utf8),
            ("speaker", Utf8),
            ("role", Utf8),
            ("cue", Utf8),
            ("text", Utf8),
            ("start", UInt64),
            ("end", UInt64),
        ],
        What::Entities => &[
            ("article", Utf8),
            ("story", Utf8),
            ("published", Utf8),
            ("outlet", Utf8),
            ("kind", Utf8),
            ("name", Utf8),
            ("roles", Utf8),
            ("mentions", UInt64),
            ("start", UInt64),
            ("end", UInt64),
        ],
    };
    arrow_schema::Schema::new(
        columns
            .iter()
            .map(|(name, kind)| arrow_schema::Field::new(*name, kind.clone(), true))
            .collect::<Vec<_>>(),
    )
}

/// One article. Column order is the export's contract.
#[derive(Serialize)]
struct ArticleRow<'a> {
    id: &'a str,
    story: Option<&'a str>,
    published: Option<String>,
    outlet: Option<&'a str>,
    title: Option<&'a str>,
    url: Option<&'a str>,
    authors: String,
    dateline: Option<&'a str>,
    language: Option<&'a str>,
    summary_only: bool,
    words: usize,
    source: String,
    ingested_at: String,
    text: &'a str,
}

#[derive(Serialize)]
struct StoryRow<'a> {
    id: &'a str,
    storyline: &'a str,
    headline: Option<&'a str>,
    first_seen: Option<String>,
    last_seen: Option<String>,
    articles: u64,
    outlets: String,
    entities: String,
    terms: String,
    language: &'a str,
}

#[derive(Serialize)]
struct QuoteRow<'a> {
    article: &'a str,
    story: Option<&'a str>,
    published: Option<String>,
    outlet: Option<&'a str>,
    kind: &'static str,
    class: &'static str,
    speaker: Option<&'a str>,
    role: Option<&'a str>,
    cue: Option<&'a str>,
    /// The parts of a quotation split around its attribution, joined by " … ".
    text: String,
    /// Byte range of the first part in the article text.
    start: usize,
    end: usize,
}

/// One named entity of one article (all its mentions there).
#[derive(Serialize)]
struct EntityRow<'a> {
    article: &'a str,
    story: Option<&'a str>,
    published: Option<String>,
    outlet: Option<&'a str>,
    /// `person`, `organization`, `location` or `misc`.
    kind: &'static str,
    /// The fullest form of the name in the article.
    name: &'a str,
    roles: String,
    mentions: usize,
    /// Byte range of the first mention in the article text.
    start: usize,
    end: usize,
}

/// Writes rows as CSV, JSON lines or Parquet.
enum Rows<W: Write> {
    Csv(Box<csv::Writer<W>>),
    Jsonl(W),
    Parquet(Box<ParquetRows>),
}

/// Parquet on stdout: rows go through the decoder into batches, batches into the file.
struct ParquetRows {
    decoder: arrow_json::reader::Decoder,
    writer: parquet::arrow::ArrowWriter<io::BufWriter<io::Stdout>>,
    pending: usize,
}

impl<W: Write> Rows<W> {
    /// Rows of `what` in `format`; Parquet goes to stdout itself (its writer must be `Send`).
    fn new(out: W, format: ExportFormat, what: What) -> Result<Self> {
        Ok(match format {
            ExportFormat::Csv => Rows::Csv(Box::new(csv::Writer::from_writer(out))),
            ExportFormat::Jsonl => Rows::Jsonl(out),
            ExportFormat::Parquet => {
                anyhow::ensure!(
                    !io::stdout().is_terminal(),
                    "parquet is binary: redirect it to a file (> {}.parquet)",
                    format!("{what:?}").to_lowercase()
                );
                let schema = std::sync::Arc::new(parquet_schema(what));
                let decoder = arrow_json::ReaderBuilder::new(schema.clone())
                    .with_batch_size(PARQUET_BATCH)
                    .build_decoder()?;
                let writer = parquet::arrow::ArrowWriter::try_new(
                    io::BufWriter::new(io::stdout()),
                    schema,
                    None,
                )?;
                Rows::Parquet(Box::new(ParquetRows {
                    decoder,
                    writer,
                    pending: 0,
                }))
            }
        })
    }

    fn write(&mut self, row: &impl Serialize) -> Result<()> {
        match self {
            Rows::Csv(w) => w.serialize(row).map_err(csv_error)?,
            Rows::Jsonl(w) => {
                serde_json::to_writer(&mut *w, row)?;
                w.write_all(b"\n")?;
            }
            Rows::Parquet(p) => {
                p.decoder.serialize(std::slice::from_ref(row))?;
                p.pending += 1;
                if p.pending >= PARQUET_BATCH {
                    p.flush()?;
                }
            }
        }
        Ok(())
    }

    fn finish(self) -> Result<()> {
        match self {
            Rows::Csv(mut w) => w.flush()?,
            Rows::Jsonl(mut w) => w.flush()?,
            Rows::Parquet(mut p) => {
                p.flush()?;
                let mut out = p.writer.into_inner()?;
                out.flush()?;
            }
        }
        Ok(())
    }
}

impl ParquetRows {
    fn flush(&mut self) -> Result<()> {
        if let Some(batch) = self.decoder.flush()? {
            self.writer.write(&batch)?;
        }
        self.pending = 0;
        Ok(())
    }
}

/// The I/O error inside a CSV error, so a closed pipe is seen as one.
fn csv_error(e: csv::Error) -> anyhow::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => io.into(),
        other => anyhow::anyhow!("writing csv: {other:?}"),
    }
}

pub fn run(args: Args, context: &Context) -> Result<Outcome> {
    let store = Store::open_existing(&context.data)?;
    let story = match &args.story {
        Some(prefix) => Some(store.story(prefix)?),
        None => None,
    };
    let mut rows = Rows::new(output::stdout(), args.format, args.what)?;
    let mut outcome = Outcome::Done;
    if args.what == What::Stories {
        let stories = match story {
            Some(story) => vec![story],
            None => store.stories()?,
        };
        for s in &stories {
            if args
                .since
                .is_some_and(|since| s.last_seen.is_none_or(|t| t < since))
            {
                continue;
            }
            rows.write(&StoryRow {
                id: &s.id,
                storyline: &s.storyline,
                headline: s.headline.as_deref(),
                first_seen: s.first_seen.as_ref().map(rfc3339),
                last_seen: s.last_seen.as_ref().map(rfc3339),
                articles: s.articles,
                outlets: s.outlets.join("; "),
                entities: s.entities.join("; "),
                terms: s.terms.join("; "),
                language: &s.language,
            })?;
        }
        rows.finish()?;
        return Ok(outcome);
    }
    // Articles in ingest order, each with the story it is shown in.
    let (articles, stories): (Vec<StoredArticle>, HashMap<String, String>) = match &story {
        Some(s) => {
            let members = store.story_articles(&s.id)?;
            let ids = members
                .iter()
                .map(|m| (m.stored.article.id.clone(), s.id.clone()))
                .collect();
            (members.into_iter().map(|m| m.stored).collect(), ids)
        }
        None => {
            let ids = store
                .assignments()?
                .into_iter()
                .filter_map(|a| Some((a.article_id, a.story_id?)))
                .collect();
            (store.all_articles()?, ids)
        }
    };
    for stored in &articles {
        let a = &stored.article;
        if args
            .since
            .is_some_and(|since| a.published.is_none_or(|t| t < since))
        {
            continue;
        }
        let story = stories.get(&a.id).map(String::as_str);
        let published = a.published.as_ref().map(rfc3339);
        if args.what == What::Articles {
            rows.write(&ArticleRow {
                id: &a.id,
                story,
                published,
                outlet: a.outlet.as_deref(),
                title: a.title.as_deref(),
                url: a.url.as_deref(),
                authors: a.authors.join("; "),
                dateline: a.dateline.as_deref(),
                language: a.language.as_deref(),
                summary_only: a.summary_only,
                words: a.text.split_whitespace().count(),
                source: a.source.to_string(),
                ingested_at: rfc3339_utc(&stored.ingested_at),
                text: &a.text,
            })?;
            continue;
        }
        let found = match Found::of(&a.text) {
            Ok(found) => found,
            Err(fault) => {
                context.report(&format!("{}: {fault}", a.id));
                outcome = Outcome::SomeFailed;
                continue;
            }
        };
        if args.what == What::Entities {
            for e in &found.entities {
                let first = e.mentions.first().map(|m| m.span.clone()).unwrap_or(0..0);
                rows.write(&EntityRow {
                    article: &a.id,
                    story,
                    published: published.clone(),
                    outlet: a.outlet.as_deref(),
                    kind: super::entities::kind_name(e.kind),
                    name: &e.name,
                    roles: e
                        .roles
                        .iter()
                        .map(|r| r.text.as_str())
                        .collect::<Vec<_>>()
                        .join("; "),
                    mentions: e.mentions.len(),
                    start: first.start,
                    end: first.end,
                })?;
            }
            continue;
        }
        for q in &found.quotes {
            let speaker = q.speaker.as_ref();
            rows.write(&QuoteRow {
                article: &a.id,
                story,
                published: published.clone(),
                outlet: a.outlet.as_deref(),
                kind: match q.kind {
                    extract::quotes::QuoteKind::Direct => "direct",
                    extract::quotes::QuoteKind::Partial => "partial",
                    extract::quotes::QuoteKind::Indirect => "indirect",
                },
                class: q.class.as_str(),
                speaker: speaker.and_then(|s| s.name.as_deref()),
                role: speaker.and_then(|s| s.role.as_deref()),
                cue: q.cue.as_ref().map(|c| c.text.as_str()),
                text: q.parts().map(|(_, t)| t).collect::<Vec<_>>().join(" … "),
                start: q.span.start,
                end: q.span.end,
            })?;
        }
    }
    rows.finish().context("writing the export")?;
    Ok(outcome)
}

/// `--since`: a day (midnight UTC) or an RFC 3339 time.
fn since(s: &str) -> Result<DateTime<FixedOffset>, String> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s.trim()) {
        return Ok(t);
    }
    match NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d") {
        Ok(day) => Ok(day
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default()
            .and_utc()
            .fixed_offset()),
        Err(_) => Err(format!(
            "{s:?} is not a date (2026-03-01, or 2026-03-01T12:00:00Z)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_dates() {
        assert_eq!(
            since("2026-03-01").unwrap().to_rfc3339(),
            "2026-03-01T00:00:00+00:00"
        );
        assert_eq!(
            since("2026-03-01T12:00:00+02:00").unwrap().to_rfc3339(),
            "2026-03-01T12:00:00+02:00"
        );
        assert!(since("yesterday").is_err());
    }
}
