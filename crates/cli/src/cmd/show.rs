//! `parallax show ID`: one stored article, metadata then text, then its entities and quotes.

use std::io::Write;

use anyhow::Result;
use serde::Serialize;
use store::Store;

use super::{entities, quotes};
use crate::output::{self, ArticleRecord, Format, Records, rfc3339_utc};
use crate::{Context, Outcome};

/// Print one stored article: metadata, the text with its paragraph breaks, entities and quotes
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The article's id, or a prefix of it that only this article has
    id: String,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// The JSON of `show`: the article's fields, then its entities and quotes (spans into `text`).
#[derive(Serialize)]
struct Shown<'a> {
    #[serde(flatten)]
    article: ArticleRecord<'a>,
    entities: Vec<entities::Record<'a>>,
    quotes: Vec<quotes::Record<'a>>,
}

pub fn run(args: Args, context: &Context) -> Result<Outcome> {
    let store = Store::open_existing(&context.data)?;
    let stored = store.article(&args.id)?;
    let found = entities::Found::of(&stored.article.text)
        .map_err(|fault| anyhow::anyhow!("{}: {fault}", stored.article.id))?;
    let mut out = output::stdout();
    match args.format {
        Format::Text => {
            output::write_article(&mut out, &stored.article, Some(&stored.ingested_at))?;
            writeln!(out, "\nEntities")?;
            entities::write_entities(&mut out, &found.entities)?;
            writeln!(out, "\nQuotes")?;
            quotes::write_quotes(&mut out, &found.quotes)?;
        }
        Format::Json | Format::Jsonl => {
            let mut article = ArticleRecord::new(&stored.article);
            article.ingested_at = Some(rfc3339_utc(&stored.ingested_at));
            let record = Shown {
                article,
                entities: (found.entities.iter())
                    .map(|g| entities::Record {
                        source: None,
                        ..entities::Record::new(&stored.article, g)
                    })
                    .collect(),
                quotes: (found.quotes.iter())
                    .map(|q| quotes::Record {
                        source: None,
                        ..quotes::Record::new(&stored.article, q)
                    })
                    .collect(),
            };
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
