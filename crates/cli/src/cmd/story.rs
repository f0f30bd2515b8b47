//! `parallax story ID`: one stored story, its summary as `parallax stories` gives it, then its
//! articles in the order they joined it (id, outlet, date, title, and what each is a copy of).

use std::io::Write;

use anyhow::Result;
use serde::Serialize;
use store::{Store, StoredStory, StoryArticle};

use crate::output::{self, Format, Records, clip, rfc3339};
use crate::{Context, Outcome};

/// Print one stored story and its articles: id, outlet, date, title, copy of
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The story's id, or a prefix of it that only this story has
    id: String,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// One article of the story in `--format json`/`jsonl`.
#[derive(Serialize)]
struct Member<'a> {
    id: &'a str,
    outlet: Option<&'a str>,
    published: Option<String>,
    title: Option<&'a str>,
    /// `new` (started the story), `joined`, or the copy kind (`exact`, `syndicated`, `rewrite`).
    kind: Option<&'a str>,
    /// The article this one is a copy of, when it is one.
    copy_of: Option<&'a str>,
}

/// The story in `--format json`/`jsonl`: its fields as `parallax stories` gives them, then its
/// articles.
#[derive(Serialize)]
struct Record<'a> {
    #[serde(flatten)]
    story: super::stories::Record<'a>,
    members: Vec<Member<'a>>,
}

pub fn run(args: Args, context: &Context) -> Result<Outcome> {
    let store = Store::open_existing(&context.data)?;
    let story = store.story(&args.id)?;
    let members = store.story_articles(&story.id)?;
    write(&story, &members, args.format)?;
    context.note(&output::count(members.len() as u64, "article"));
    Ok(Outcome::Done)
}

/// Prints `story` and its `members` to standard output in `format`.
pub(crate) fn write(story: &StoredStory, members: &[StoryArticle], format: Format) -> Result<()> {
    let mut out = output::stdout();
    match format {
        Format::Text => {
            super::stories::write_story(&mut out, story)?;
            writeln!(out)?;
            write_members(&mut out, members)?;
        }
        Format::Json | Format::Jsonl => {
            let record = Record {
                story: super::stories::Record::new(story),
                members: members.iter().map(member).collect(),
            };
            // One story: an object, as `parallax show` prints one article.
            if format == Format::Json {
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
    Ok(())
}

fn member(m: &StoryArticle) -> Member<'_> {
    let a = &m.stored.article;
    Member {
        id: &a.id,
        outlet: a.outlet.as_deref(),
        published: a.published.as_ref().map(rfc3339),
        title: a.title.as_deref(),
        kind: m.kind.as_deref(),
        copy_of: m.duplicate_of.as_deref(),
    }
}

const OUTLET_WIDTH: usize = 24;
const TITLE_WIDTH: usize = 60;

/// A table of the articles: id, outlet, day, title, then "copy of ID" for copies.
fn write_members(out: &mut impl Write, members: &[StoryArticle]) -> std::io::Result<()> {
    let width = |f: &dyn Fn(&StoryArticle) -> Option<&str>, cap: usize| {
        members
            .iter()
            .map(|m| f(m).unwrap_or("-").chars().count())
            .max()
            .unwrap_or(1)
            .min(cap)
    };
    let outlet_width = width(&|m| m.stored.article.outlet.as_deref(), OUTLET_WIDTH);
    let title_width = width(&|m| m.stored.article.title.as_deref(), TITLE_WIDTH);
    for m in members {
        let a = &m.stored.article;
        let day = a
            .published
            .map_or_else(|| "-".to_owned(), |t| t.format("%Y-%m-%d").to_string());
        let copy = match &m.duplicate_of {
            Some(of) => format!("  {} copy of {of}", m.kind.as_deref().unwrap_or("a")),
            None => String::new(),
        };
        let line = format!(
            "{}  {:<outlet_width$}  {day:<10}  {:<title_width$}{copy}",
            a.id,
            clip(a.outlet.as_deref().unwrap_or("-"), outlet_width),
            clip(a.title.as_deref().unwrap_or("-"), title_width),
        );
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}
