//! `parallax show ID`: one stored article, metadata then text, then its entities and quotes.

use std::io::Write;

use anyhow::Result;
use serde::Serialize;
use store::{Store, StoreError};

use super::{entities, quotes, story};
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
    let stored = match store.article(&args.id) {
        Ok(stored) => stored,
        // Not an article's id: a story's (one whose first article's id was taken, or an id
        // that went into another story) prints the story and its articles.
        Err(StoreError::NotFound { .. }) if let Ok(found) = store.story(&args.id) => {
            context.note(&format!(
                "{} is a story of {}, not an article; this is `parallax story {0}`",
                found.id,
                output::count(found.articles, "article")
            ));
            let members = store.story_articles(&found.id)?;
            story::write(&found, &members, args.format)?;
            return Ok(Outcome::Done);
        }
        Err(e) => return Err(e.into()),
    };
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
    if let Ok(found) = store.story(&stored.article.id)
        && found.id == stored.article.id
    {
        context.note(&format!(
            "{} is also the id of a story of {}: `parallax story {0}` lists them",
            found.id,
            output::count(found.articles, "article")
        ));
    }
    Ok(Outcome::Done)
}
