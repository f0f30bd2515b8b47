//! `parallax brief PATH...`: read articles, group them into stories (or take them as one story
//! with `--as-one-story`), and print a brief per story as Markdown, JSON or HTML.
//! `parallax brief --story ID` briefs a story kept in the store instead.
//!
//! Glue only: stories come from the `stories` clusterer, quotes and people from `extract`, the
//! brief itself from the `brief` crate.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use ingest::Article;

use crate::output;
use crate::{Context, Outcome};

/// Summarise the story (or stories) told by the given articles, with a citation on every sentence
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files or folders (searched recursively) to read; `-` reads standard input
    #[arg(required_unless_present = "story", value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Brief a story from the store (its id, or a prefix only it has) instead of reading paths
    #[arg(long, value_name = "ID", conflicts_with_all = ["paths", "as_one_story"])]
    story: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    format: BriefFormat,
    /// Word budget of each summary
    #[arg(long, default_value_t = 250, value_name = "N")]
    words: usize,
    /// Treat all the given articles as one story (no clustering)
    #[arg(long)]
    as_one_story: bool,
}

/// `--format` of `brief`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum BriefFormat {
    /// Markdown, for the terminal
    #[default]
    Markdown,
    /// JSON, as described by docs/brief.schema.json
    Json,
    /// One self-contained HTML page
    Html,
}

pub fn run(args: Args, context: &Context) -> Result<Outcome> {
    let (articles, groups, failed) = match &args.story {
        Some(id) => stored_story(id, context)?,
        None => read_and_group(&args, context),
    };

    let config = brief::Config {
        words: args.words,
        ..brief::Config::default()
    };
    let mut stories = Vec::new();
    let mut faults = 0u64;
    for group in &groups {
        let story: Vec<Article> = group.members.iter().map(|&i| articles[i].clone()).collect();
        // An article whose analysis fails is reported and briefed without its people and
        // quotes; a story whose brief fails is reported and left out.
        let extracted: Vec<_> = story
            .iter()
            .map(|a| {
                brief::extracted::extract_article_guarded(&a.text).unwrap_or_else(|fault| {
                    context.report(&format!("{}: {fault}", a.source));
                    faults += 1;
                    brief::extracted::Extracted::default()
                })
            })
            .collect();
        let extracted: Vec<_> = extracted.iter().collect();
        let (quotes, people) = brief::extracted::quotes_and_people(&story, &extracted);
        let input = brief::StoryInput {
            id: group.id.clone(),
            articles: &story,
            duplicates: group.duplicates.clone(),
            quotes,
            people,
        };
        match extract::guard::guard("brief", || brief::brief_story(&input, &config)) {
            Ok(brief) => stories.push(brief),
            Err(fault) => {
                let first = story
                    .first()
                    .map(|a| a.source.to_string())
                    .unwrap_or_default();
                context.report(&format!("story of {first}: {fault}"));
                faults += 1;
            }
        }
    }
    let result = brief::Brief::new(stories);

    let mut out = output::stdout();
    match args.format {
        BriefFormat::Markdown => out.write_all(brief::render::markdown(&result).as_bytes())?,
        BriefFormat::Html => out.write_all(brief::render::html(&result).as_bytes())?,
        BriefFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &result)?;
            out.write_all(b"\n")?;
        }
    }
    out.flush()?;
    context.note(&format!(
        "read {} articles ({failed} failed) into {} stories",
        articles.len(),
        result.stories.len()
    ));
    Ok(if failed + faults == 0 {
        Outcome::Done
    } else {
        Outcome::SomeFailed
    })
}

/// Reads the articles under the paths and groups them into stories (or one, with
/// `--as-one-story`); returns them with the number of inputs that failed.
fn read_and_group(args: &Args, context: &Context) -> (Vec<Article>, Vec<Group>, u64) {
    let mut articles = Vec::new();
    let mut failed = 0u64;
    for result in ingest::read_inputs(&args.paths, &ingest::Config::default()) {
        match result {
            Ok(article) => articles.push(article),
            Err(error) => {
                failed += 1;
                context.report(&error);
            }
        }
    }
    let groups = if args.as_one_story {
        vec![Group {
            id: None,
            members: (0..articles.len()).collect(),
            duplicates: Vec::new(),
        }]
    } else {
        cluster(&articles, context)
    };
    (articles, groups, failed)
}

/// The articles of a stored story (in the order they were clustered) as one group.
fn stored_story(prefix: &str, context: &Context) -> Result<(Vec<Article>, Vec<Group>, u64)> {
    let store = store::Store::open_existing(&context.data)?;
    let story = store.story(prefix)?;
    let mut articles = Vec::new();
    let mut duplicates = Vec::new();
    for member in store.story_articles(&story.id)? {
        let article = member.stored.article;
        if let Some(original) = member.duplicate_of {
            duplicates.push((article.id.clone(), original));
        }
        articles.push(article);
    }
    let group = Group {
        id: Some(story.id),
        members: (0..articles.len()).collect(),
        duplicates,
    };
    Ok((articles, vec![group], 0))
}

/// The articles of one story, as indices into the input.
struct Group {
    id: Option<String>,
    members: Vec<usize>,
    /// `(copy id, original id)`.
    duplicates: Vec<(String, String)>,
}

/// Stories as `parallax cluster` makes them (the online clusterer fed in publication order, then
/// the batch pass over the whole input); articles it does not cluster (empty ones) are reported
/// and left out.
fn cluster(articles: &[Article], context: &Context) -> Vec<Group> {
    let mut clusterer = stories::Clusterer::new(stories::Config::default());
    let mut assigned: Vec<Option<stories::Assignment>> = vec![None; articles.len()];
    for i in stories::publication_order(articles) {
        let a = clusterer.add(&articles[i]);
        if a.story.is_none() {
            context.report(&format!(
                "{}: not part of any story ({})",
                articles[i].source,
                a.warnings.join("; ")
            ));
        }
        assigned[i] = Some(a);
    }
    let (_, story) = super::cluster::stories_of(
        articles,
        &assigned,
        &mut clusterer,
        Some(super::Threads::default_count()),
    );
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    for (i, (a, id)) in assigned.iter().zip(story).enumerate() {
        let (Some(a), Some(id)) = (a, id) else {
            continue;
        };
        let g = groups.entry(id.clone()).or_insert_with(|| Group {
            id: Some(id),
            members: Vec::new(),
            duplicates: Vec::new(),
        });
        g.members.push(i);
        if let Some(d) = &a.duplicate_of {
            g.duplicates
                .push((articles[i].id.clone(), d.original.clone()));
        }
    }
    let mut groups: Vec<Group> = groups.into_values().collect();
    for g in &mut groups {
        g.members.sort_unstable();
    }
    // Biggest stories first, then by first article.
    groups.sort_by_key(|g| {
        (
            std::cmp::Reverse(g.members.len()),
            g.members.first().copied(),
        )
    });
    groups
}
