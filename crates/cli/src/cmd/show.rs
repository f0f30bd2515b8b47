//! `parallax show ID`: one stored article, metadata then text.

use std::io::Write;

use anyhow::Result;
use store::Store;

use crate::output::{self, ArticleRecord, Format, Records, rfc3339_utc};
use crate::{Context, Outcome};

/// Print one stored article: metadata, then the text with its paragraph breaks
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The article's id, or a prefix of it that only this article has
    id: String,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn run(args: Args, context: &Context) -> Result<Outcome> {
    let store = Store::open_existing(&context.data)?;
    let stored = store.article(&args.id)?;
    let mut out = output::stdout();
    match args.format {
        Format::Text => {
            output::write_article(&mut out, &stored.article, Some(&stored.ingested_at))?
        }
        Format::Json | Format::Jsonl => {
            let mut record = ArticleRecord::new(&stored.article);
            record.ingested_at = Some(rfc3339_utc(&stored.ingested_at));
            if args.format == Format::Json {
                serde_json::to_writer_pretty(&mut out, &record)?;
                writeln!(out)?;
            } else {
                let mut records = Records::new(&mut out, true);
                records.write(&record)?;
                records.finish()?;
            }
        }
    }
    out.flush()?;
    Ok(Outcome::Done)
}
