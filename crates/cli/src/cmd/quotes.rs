//! `parallax quotes PATH...`: every quotation of each article with its kind, cue and speaker,
//! without a store. Speakers are resolved against the people the entity recogniser finds.

use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::Result;
use extract::quotes::{Class, Quote, QuoteKind};
use ingest::Article;
use serde::Serialize;

use super::entities::{self, Listing, Piece};
use crate::output::Format;
use crate::{Context, Outcome};

/// Print who said what in each article: direct, partial and reported quotes with their speakers
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files or folders (searched recursively) to read; `-` reads standard input
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// Every attribution, not only speech and writing: thoughts and stances ("believes"),
    /// evidence ("a poll shows") and intentions ("plans to") too, each with its class
    #[arg(long)]
    all: bool,
}

/// One quotation of one article in `--format json`/`jsonl`.
#[derive(Serialize)]
pub struct Record<'a> {
    /// The path, with `#N` for the N-th record of a file holding several.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    pub article: &'a str,
    /// `direct`, `partial` or `indirect`.
    pub kind: QuoteKind,
    /// `speech`, `writing`, `thought`, `evidence` or `intention`.
    pub class: Class,
    /// The content without quote marks, and its byte range in the article text.
    pub text: &'a str,
    pub start: usize,
    pub end: usize,
    /// The rest of a quotation split around its attribution (`“A,” she said, “B.”`), in order;
    /// left out when the quotation is in one piece.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub more: Vec<Piece<'a>>,
    pub cue: Option<Piece<'a>>,
    /// Null when the text names no speaker for it.
    pub speaker: Option<Speaker<'a>>,
}

#[derive(Serialize)]
pub struct Speaker<'a> {
    /// Full name, or null when the mention does not resolve ("he" with nobody before it).
    pub name: Option<&'a str>,
    pub role: Option<&'a str>,
    /// The mention that names the speaker at this quote.
    pub mention: Piece<'a>,
}

impl<'a> Record<'a> {
    pub fn new(article: &'a Article, q: &'a Quote) -> Record<'a> {
        Record {
            source: Some(article.source.to_string()),
            article: &article.id,
            kind: q.kind,
            class: q.class,
            text: &q.text,
            start: q.span.start,
            end: q.span.end,
            more: q
                .more
                .iter()
                .map(|p| Piece::new(&p.text, &p.span))
                .collect(),
            cue: q.cue.as_ref().map(|c| Piece::new(&c.text, &c.span)),
            speaker: q.speaker.as_ref().map(|s| Speaker {
                name: s.name.as_deref(),
                role: s.role.as_deref(),
                mention: Piece::new(
                    article.text.get(s.span.clone()).unwrap_or_default(),
                    &s.span,
                ),
            }),
        }
    }
}

pub fn run(args: Args, context: &Context) -> Result<Outcome> {
    let listing = if args.all {
        Listing::Attributions
    } else {
        Listing::Quotes
    };
    entities::list(&args.paths, args.format, context, listing)
}

/// One line per quote: speaker (or "unknown", with the role when one is given), kind, cue and
/// the class when it is not speech, then the quoted text (the parts of a split quotation joined
/// by " … ").
pub fn write_quotes(out: &mut impl Write, quotes: &[Quote]) -> io::Result<()> {
    if quotes.is_empty() {
        return writeln!(out, "  (no quotes)");
    }
    for q in quotes {
        let speaker = q.speaker.as_ref();
        let name = speaker.and_then(|s| s.name.as_deref()).unwrap_or("unknown");
        let role = match speaker.and_then(|s| s.role.as_deref()) {
            Some(role) => format!(", {role}"),
            None => String::new(),
        };
        let kind = match q.kind {
            QuoteKind::Direct => "direct",
            QuoteKind::Partial => "partial",
            QuoteKind::Indirect => "indirect",
        };
        let cue = q.cue.as_ref().map_or("-", |c| c.text.as_str());
        let class = match q.class {
            Class::Speech => String::new(),
            other => format!(", {}", other.as_str()),
        };
        let text = q
            .parts()
            .map(|(_, t)| format!("“{t}”"))
            .collect::<Vec<_>>()
            .join(" … ");
        writeln!(out, "  {name}{role} ({kind}, {cue}{class}): {text}")?;
    }
    Ok(())
}
