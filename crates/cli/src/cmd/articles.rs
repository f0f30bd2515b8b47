//! `parallax articles`: list the stored articles, newest first.

use std::io::Write;

use anyhow::Result;
use serde::Serialize;
use store::{ArticleSummary, Store};

use crate::output::{self, Format, Records, clip, rfc3339, rfc3339_utc};
use crate::{Context, Outcome};

/// List stored articles, newest first: outlet, date, title, id
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

#[derive(Serialize)]
struct Record<'a> {
    id: &'a str,
    outlet: Option<&'a str>,
    published: Option<String>,
    title: Option<&'a str>,
    dateline: Option<&'a str>,
    source: String,
    ingested_at: String,
}

pub fn run(args: Args, context: &Context) -> Result<Outcome> {
    let store = Store::open_existing(&context.data)?;
    let articles = store.articles()?;
    let mut out = output::stdout();
    match args.format {
        Format::Text => write_table(&mut out, &articles)?,
        Format::Json | Format::Jsonl => {
            let mut records = Records::new(&mut out, args.format == Format::Jsonl);
            for a in &articles {
                records.write(&Record {
                    id: &a.id,
                    outlet: a.outlet.as_deref(),
                    published: a.published.as_ref().map(rfc3339),
                    title: a.title.as_deref(),
                    dateline: a.dateline.as_deref(),
                    source: a.source.to_string(),
                    ingested_at: rfc3339_utc(&a.ingested_at),
                })?;
            }
            records.finish()?;
        }
    }
    out.flush()?;
    Ok(Outcome::Done)
}

const OUTLET_WIDTH: usize = 24;
const TITLE_WIDTH: usize = 64;

fn write_table(out: &mut impl Write, articles: &[ArticleSummary]) -> std::io::Result<()> {
    let outlet_width = articles
        .iter()
        .map(|a| a.outlet.as_deref().unwrap_or("-").chars().count())
        .max()
        .unwrap_or(0)
        .min(OUTLET_WIDTH);
    let title_width = articles
        .iter()
        .map(|a| a.title.as_deref().unwrap_or("-").chars().count())
        .max()
        .unwrap_or(0)
        .min(TITLE_WIDTH);
    for a in articles {
        let date = a
            .published
            .map(|t| t.format("%Y-%m-%d").to_string())
            .unwrap_or_else(|| "-".into());
        writeln!(
            out,
            "{:<outlet_width$}  {date:<10}  {:<title_width$}  {}",
            clip(a.outlet.as_deref().unwrap_or("-"), outlet_width),
            clip(a.title.as_deref().unwrap_or("-"), title_width),
            a.id,
        )?;
    }
    Ok(())
}
