//! `parallax storylines`: the storylines (sagas) kept in the store, newest first, each with its
//! stories in time order. Reads only: storylines are made with the stories by `parallax ingest`
//! (see `stories::recluster_levels`).

use std::io::Write;

use anyhow::Result;
use serde::Serialize;
use store::{Store, StoredStoryline};

use crate::output::{self, Format, Records, rfc3339};
use crate::{Context, Outcome};

/// List the storylines in the store, newest first: the stories of each saga in time order
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Show only the storyline of this story (a story or storyline id, or a unique prefix)
    #[arg(value_name = "ID")]
    id: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// One storyline in `--format json`/`jsonl`.
#[derive(Serialize)]
struct Record<'a> {
    /// The id of its first story.
    id: &'a str,
    /// The headline of its story with the most articles.
    headline: Option<&'a str>,
    first_seen: Option<String>,
    last_seen: Option<String>,
    articles: u64,
    /// Its stories, oldest first, as `parallax stories` gives them.
    stories: Vec<super::stories::Record<'a>>,
}

pub fn run(args: Args, context: &Context) -> Result<Outcome> {
    let store = Store::open_existing(&context.data)?;
    let lines: Vec<StoredStoryline> = match &args.id {
        Some(id) => vec![store.storyline(id)?],
        None => store.storylines()?,
    };
    let mut out = output::stdout();
    if args.format == Format::Text {
        for (n, l) in lines.iter().enumerate() {
            if n > 0 {
                writeln!(out)?;
            }
            writeln!(
                out,
                "== {} ({}, {}) ==",
                l.headline.as_deref().unwrap_or("(untitled)"),
                stories(l.stories.len()),
                output::count(l.articles, "article")
            )?;
            writeln!(out, "storyline {}", l.id)?;
            for s in &l.stories {
                let day = s.first_seen.map_or_else(
                    || "undated   ".to_owned(),
                    |t| t.format("%Y-%m-%d").to_string(),
                );
                writeln!(
                    out,
                    "  {day}  {}  {:>3}  {}",
                    s.id,
                    s.articles,
                    output::clip(s.headline.as_deref().unwrap_or("(untitled)"), 70)
                )?;
            }
        }
        out.flush()?;
    } else {
        let mut records = Records::new(&mut out, args.format == Format::Jsonl);
        for l in &lines {
            records.write(&Record {
                id: &l.id,
                headline: l.headline.as_deref(),
                first_seen: l.first_seen.as_ref().map(rfc3339),
                last_seen: l.last_seen.as_ref().map(rfc3339),
                articles: l.articles,
                stories: l.stories.iter().map(super::stories::Record::new).collect(),
            })?;
        }
        records.finish()?;
    }
    let sagas = lines.iter().filter(|l| l.stories.len() > 1).count();
    context.note(&format!(
        "{}, {sagas} of more than one story",
        output::count(lines.len() as u64, "storyline")
    ));
    Ok(Outcome::Done)
}

/// "1 story", "2 stories".
fn stories(n: usize) -> String {
    if n == 1 {
        "1 story".to_owned()
    } else {
        format!("{n} stories")
    }
}
