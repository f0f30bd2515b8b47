//! `parallax entities PATH...`: the named entities of each article (people, organisations,
//! places, other names) with their roles and mentions, without a store. Also home of what
//! `quotes` and `show` share: running the recogniser once per article, the one run loop of
//! `entities` and `quotes` (articles analysed on every core, printed in input order) and
//! printing the results.

use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::Result;
use extract::guard::{Fault, guard, inject_fault};
use extract::ner::{self, EntityKind, Group};
use extract::quotes::Quote;
use ingest::Article;
use serde::Serialize;

use super::extract::for_each_article;
use super::quotes::{self, write_quotes};
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
    pub fn of(text: &str) -> Result<Found, Fault> {
        Found::for_listing(text, Listing::Quotes)
    }

    /// The entities, and the quotes only when `listing` prints them (they need the people).
    /// Each stage runs behind [`guard`]: a panic in one is this article's fault, not the run's.
    fn for_listing(text: &str, listing: Listing) -> Result<Found, Fault> {
        let mentions = guard("entities", || {
            inject_fault("entities", text);
            ner::entities(text)
        })?;
        let quotes = match listing {
            Listing::Quotes | Listing::Attributions => guard("quotes", || {
                inject_fault("quotes", text);
                let people = extract::quotes::people_from_entities(&mentions);
                let mut quotes = extract::quotes::extract_quotes(text, &people);
                if listing == Listing::Quotes {
                    quotes.retain(|q| q.is_quote());
                }
                quotes
            })?,
            Listing::Entities => Vec::new(),
        };
        Ok(Found {
            entities: guard("entities", || ner::group(text, &mentions))?,
            quotes,
        })
    }
}

/// What a listing command prints of each article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    Entities,
    /// Speech and writing.
    Quotes,
    /// Every attribution, whatever its class.
    Attributions,
}

/// Articles read before they are analysed together: enough to keep every core busy, few enough
/// that output starts at once and memory stays small.
const BATCH: usize = 64;

/// The run loop of `entities` and `quotes`: reads every article under `paths` (as `extract`
/// does, with [`for_each_article`]), analyses each batch on every core and prints the results in
/// input order; an input that cannot be read is reported and skipped.
pub fn list(
    paths: &[PathBuf],
    format: Format,
    context: &Context,
    listing: Listing,
) -> Result<Outcome> {
    let mut out = output::stdout();
    let mut printer = Printer {
        records: Records::new(&mut out, format == Format::Jsonl),
        format,
        listing,
        printed: 0,
        found: 0,
        failed: 0,
        context,
    };
    let mut batch: Vec<Article> = Vec::with_capacity(BATCH);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let (read, failed) = for_each_article(paths, context, cores, |article, _| {
        batch.push(article);
        if batch.len() == BATCH {
            printer.print(&batch)?;
            batch.clear();
        }
        Ok(())
    })?;
    printer.print(&batch)?;
    let found_total = printer.found;
    let failed = failed + printer.failed;
    if format == Format::Text {
        printer.records.inner().flush()?;
    } else {
        printer.records.finish()?;
    }
    let found = match listing {
        Listing::Entities => format!(
            "{found_total} {}",
            if found_total == 1 {
                "entity"
            } else {
                "entities"
            }
        ),
        Listing::Quotes => output::count(found_total, "quote"),
        Listing::Attributions => output::count(found_total, "attribution"),
    };
    context.note(&format!(
        "found {found} in {}, {failed} failed",
        output::count(read, "article")
    ));
    Ok(if failed == 0 {
        Outcome::Done
    } else {
        Outcome::SomeFailed
    })
}

/// Analyses batches of articles and prints them, keeping count across batches.
struct Printer<'c, W: Write> {
    records: Records<W>,
    format: Format,
    listing: Listing,
    /// Articles printed so far.
    printed: u64,
    /// Entities or quotes found so far.
    found: u64,
    /// Articles whose analysis failed (reported, not printed).
    failed: u64,
    context: &'c Context,
}

impl<W: Write> Printer<'_, W> {
    fn print(&mut self, batch: &[Article]) -> Result<()> {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let listing = self.listing;
        let found = extract::par_map(batch, cores, |a| Found::for_listing(&a.text, listing));
        for (article, found) in batch.iter().zip(&found) {
            let found = match found {
                Ok(found) => found,
                Err(fault) => {
                    self.context.report(&format!("{}: {fault}", article.source));
                    self.failed += 1;
                    continue;
                }
            };
            self.found += match listing {
                Listing::Entities => found.entities.len(),
                Listing::Quotes | Listing::Attributions => found.quotes.len(),
            } as u64;
            if self.format == Format::Text {
                let out = self.records.inner();
                if self.printed > 0 {
                    writeln!(out)?;
                }
                write_heading(out, article)?;
                match listing {
                    Listing::Entities => write_entities(out, &found.entities)?,
                    Listing::Quotes | Listing::Attributions => write_quotes(out, &found.quotes)?,
                }
            } else {
                match listing {
                    Listing::Entities => {
                        for group in &found.entities {
                            self.records.write(&Record::new(article, group))?;
                        }
                    }
                    Listing::Quotes | Listing::Attributions => {
                        for q in &found.quotes {
                            self.records.write(&quotes::Record::new(article, q))?;
                        }
                    }
                }
            }
            self.printed += 1;
        }
        Ok(())
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
    list(&args.paths, args.format, context, Listing::Entities)
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
