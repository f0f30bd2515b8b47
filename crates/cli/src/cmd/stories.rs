//! `parallax stories`: the stories kept in the store, newest first. Reads only: stories are made
//! by `parallax ingest` (see `Store::update_stories`).

use std::io::Write;

use anyhow::Result;
use serde::Serialize;
use store::{Store, StoredStory};

use crate::output::{self, Format, Records, rfc3339};
use crate::{Context, Outcome};

/// List the stories in the store, newest first: headline, dates, outlets, key names
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// A story's block in the text listing: headline, then id, dates, size, outlets, key names and
/// storyline, one a line.
pub(crate) fn write_story(out: &mut impl Write, s: &StoredStory) -> std::io::Result<()> {
    writeln!(out, "{}", s.headline.as_deref().unwrap_or("(untitled)"))?;
    writeln!(out, "  {:<10} {}", "id", s.id)?;
    let seen = match (&s.first_seen, &s.last_seen) {
        (Some(a), Some(b)) if a == b => rfc3339(a),
        (Some(a), Some(b)) => format!("{} to {}", rfc3339(a), rfc3339(b)),
        _ => "undated".to_owned(),
    };
    writeln!(out, "  {:<10} {seen}", "seen")?;
    writeln!(out, "  {:<10} {}", "articles", s.articles)?;
    if !s.outlets.is_empty() {
        writeln!(out, "  {:<10} {}", "outlets", s.outlets.join(", "))?;
    }
    if !s.entities.is_empty() {
        writeln!(out, "  {:<10} {}", "key", s.entities.join(", "))?;
    }
    if s.storyline != s.id {
        writeln!(out, "  {:<10} {}", "storyline", s.storyline)?;
    }
    Ok(())
}

/// One story in `--format json`/`jsonl`.
#[derive(Serialize)]
pub(crate) struct Record<'a> {
    /// The id of one of its articles, normally its first (kept as the story grows); `parallax
    /// brief --story ID` takes it.
    id: &'a str,
    headline: Option<&'a str>,
    first_seen: Option<String>,
    last_seen: Option<String>,
    /// Most articles first.
    outlets: &'a [String],
    articles: u64,
    /// Key people, places and organisations, most weighty first.
    entities: &'a [String],
    terms: &'a [String],
    language: &'a str,
    /// The storyline (saga) the story is part of: the id of its first story (this story's
    /// own id when it is a storyline of its own); `parallax storylines` lists them.
    storyline: &'a str,
}

impl<'a> Record<'a> {
    pub(crate) fn new(s: &'a StoredStory) -> Record<'a> {
        Record {
            id: &s.id,
            headline: s.headline.as_deref(),
            first_seen: s.first_seen.as_ref().map(rfc3339),
            last_seen: s.last_seen.as_ref().map(rfc3339),
            outlets: &s.outlets,
            articles: s.articles,
            entities: &s.entities,
            terms: &s.terms,
            language: &s.language,
            storyline: &s.storyline,
        }
    }
}

pub fn run(args: Args, context: &Context) -> Result<Outcome> {
    let store = Store::open_existing(&context.data)?;
    let stories = store.stories()?;
    let mut out = output::stdout();
    if args.format == Format::Text {
        for (n, s) in stories.iter().enumerate() {
            if n > 0 {
                writeln!(out)?;
            }
            write_story(&mut out, s)?;
        }
        out.flush()?;
    } else {
        let mut records = Records::new(&mut out, args.format == Format::Jsonl);
        for s in &stories {
            records.write(&Record::new(s))?;
        }
        records.finish()?;
    }
    context.note(&if stories.len() == 1 {
        "1 story".to_owned()
    } else {
        format!("{} stories", stories.len())
    });
    Ok(Outcome::Done)
}
