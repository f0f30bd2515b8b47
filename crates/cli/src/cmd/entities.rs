//! `parallax entities PATH...`: the named entities of each article (people, organisations,
//! places, other names) with their roles and mentions, without a store. Also home of what
//! `quotes` and `show` share: running the recogniser once per article and printing the results.

use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::Result;
use extract::ner::{self, EntityKind, Group};
use extract::quotes::Quote;
use ingest::Article;
use serde::Serialize;

use super::extract::for_each_article;
use crate::output::{self, Format, Records};
use crate::{Context, Outcome};

/// Print the people, organisations and places each article names, with roles and mentions
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files or folders (searched recursively) to read; `-` reads standard input
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// What one article says and who says it, from one run of the recogniser: its entities, and its
/// quotes with speakers resolved against the recogniser's people.
pub struct Found {
    pub entities: Vec<Group>,
    pub quotes: Vec<Quote>,
}

impl Found {
    pub fn of(text: &str) -> Found {
        let mentions = ner::entities(text);
        let people = extract::quotes::people_from_entities(&mentions);
        Found {
            entities: ner::group(text, &mentions),
            quotes: extract::quotes::extract_quotes(text, &people),
        }
    }
}

/// Some text of the article and its byte range (`&article.text[start..end] == text`).
#[derive(Serialize)]
pub struct Piece<'a> {
    pub text: &'a str,
    pub start: usize,
    pub end: usize,
}

impl<'a> Piece<'a> {
    pub fn new(text: &'a str, span: &std::ops::Range<usize>) -> Piece<'a> {
        Piece {
            text,
            start: span.start,
            end: span.end,
        }
    }
}

/// One entity of one article in `--format json`/`jsonl`.
#[derive(Serialize)]
pub struct Record<'a> {
    /// The path, with `#N` for the N-th record of a file holding several.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    pub article: &'a str,
    /// `person`, `organization`, `location` or `misc`.
    pub kind: &'static str,
    /// The fullest form of the name in the article.
    pub name: &'a str,
    pub roles: Vec<Piece<'a>>,
    pub mentions: Vec<Piece<'a>>,
}

impl<'a> Record<'a> {
    pub fn new(article: &'a Article, group: &'a Group) -> Record<'a> {
        Record {
            source: Some(article.source.to_string()),
            article: &article.id,
            kind: kind_name(group.kind),
            name: &group.name,
            roles: group
                .roles
                .iter()
                .map(|r| Piece::new(&r.text, &r.span))
                .collect(),
            mentions: group
                .mentions
                .iter()
                .map(|m| Piece::new(&m.text, &m.span))
                .collect(),
        }
    }
}

pub fn run(args: Args, context: &Context) -> Result<Outcome> {
    let mut out = output::stdout();
    let mut records = Records::new(&mut out, args.format == Format::Jsonl);
    let mut entities = 0u64;
    let (read, failed) = for_each_article(&args.paths, context, |article, n| {
        let found = Found::of(&article.text);
        entities += found.entities.len() as u64;
        if args.format == Format::Text {
            let out = records.inner();
            if n > 0 {
                writeln!(out)?;
            }
            write_heading(out, &article)?;
            write_entities(out, &found.entities)?;
        } else {
            for group in &found.entities {
                records.write(&Record::new(&article, group))?;
            }
        }
        Ok(())
    })?;
    if args.format == Format::Text {
        records.inner().flush()?;
    } else {
        records.finish()?;
    }
    context.note(&format!(
        "found {entities} {} in {}, {failed} failed",
        if entities == 1 { "entity" } else { "entities" },
        output::count(read, "article")
    ));
    Ok(if failed == 0 {
        Outcome::Done
    } else {
        Outcome::SomeFailed
    })
}

/// `== source · id ==`, then the title: the heading of an article in `entities` and `quotes`.
pub fn write_heading(out: &mut impl Write, article: &Article) -> io::Result<()> {
    writeln!(out, "== {} · {} ==", article.source, article.id)?;
    writeln!(out, "{}", article.title.as_deref().unwrap_or("(untitled)"))
}

/// One line per entity: kind, name, roles in brackets, number of mentions.
pub fn write_entities(out: &mut impl Write, groups: &[Group]) -> io::Result<()> {
    if groups.is_empty() {
        return writeln!(out, "  (no entities)");
    }
    for g in groups {
        let roles: Vec<&str> = g.roles.iter().map(|r| r.text.as_str()).collect();
        let roles = if roles.is_empty() {
            String::new()
        } else {
            format!("  [{}]", roles.join(", "))
        };
        writeln!(
            out,
            "  {:<13} {}{roles}  ({})",
            kind_name(g.kind),
            g.name,
            output::count(g.mentions.len() as u64, "mention")
        )?;
    }
    Ok(())
}

pub fn kind_name(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Person => "person",
        EntityKind::Organization => "organization",
        EntityKind::Location => "location",
        EntityKind::Misc => "misc",
    }
}
