//! `parallax cluster PATH...`: read articles, find copies and group them into stories, without a
//! store. Glue only: the work is `stories::Clusterer` (copies, languages, the online stories) and
//! then `stories::batch_stories` (the whole input re-clustered with the pair model, unless
//! `--online`); this module orders the input, feeds it and prints one record per article (in
//! input order) with the story it ended up in.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use ingest::Article;
use serde::Serialize;

use crate::output::{self, Format, Records};
use crate::{Context, Outcome};

/// Group articles into stories and mark syndicated copies, without storing anything
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files or folders (searched recursively) to read; `-` reads standard input
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// Keep the stories of the online pass (as `parallax ingest` makes them, one article at a
    /// time) instead of re-clustering the whole input with the batch pair model
    #[arg(long)]
    online: bool,
    #[command(flatten)]
    threads: super::Threads,
}

/// One article's line in `--format json`/`jsonl`.
#[derive(Serialize)]
struct Record<'a> {
    source: String,
    id: &'a str,
    /// The id the input gave the record, when it gave one.
    #[serde(skip_serializing_if = "Option::is_none")]
    record_id: Option<&'a str>,
    /// Same value for every article of one story (the id of its first article); null when the
    /// article was not clustered (empty).
    story: Option<String>,
    /// Same value for every article of one storyline (the saga the story is part of: the id
    /// of its first article); equal to `story` for a story that is a storyline of its own.
    storyline: Option<String>,
    /// Id of the article this one copies, or null.
    duplicate_of: Option<&'a str>,
    /// `exact`, `syndicated` or `rewrite` when a copy.
    duplicate_kind: Option<&'static str>,
    /// Estimated share of the shorter text found in the longer one, when a copy.
    containment: Option<f32>,
    title: Option<&'a str>,
    outlet: Option<&'a str>,
    /// The language pool the article was clustered in.
    language: Option<&'a str>,
    warnings: &'a [String],
}

pub fn run(args: Args, context: &Context) -> Result<Outcome> {
    let threads = args.threads.get();
    let mut articles: Vec<Article> = Vec::new();
    let (_, failed) = super::extract::for_each_article(&args.paths, context, threads, |a, _| {
        articles.push(a);
        Ok(())
    })?;
    let mut clusterer = stories::Clusterer::new(stories::Config::default());
    let (order, assignments) = assign_in_publication_order(&mut clusterer, &mut articles, threads);
    let mut assigned: Vec<Option<stories::Assignment>> = vec![None; articles.len()];
    let mut undated = 0u64;
    for (i, a) in order.into_iter().zip(assignments) {
        if articles[i].published.is_none() {
            undated += 1;
        }
        for w in a
            .warnings
            .iter()
            .filter(|w| !w.starts_with("no publication date"))
        {
            context.report(&format!("{}: {w}", articles[i].source));
        }
        assigned[i] = Some(a);
    }
    let (online, story, storyline) = levels_of(
        &articles,
        &assigned,
        &mut clusterer,
        (!args.online).then_some(threads),
    );
    let mut out = output::stdout();
    if args.format == Format::Text {
        let summaries: BTreeMap<String, stories::Story> = clusterer
            .stories()
            .into_iter()
            .map(|s| (s.id.0.clone(), s))
            .collect();
        let mut members: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, s) in story.iter().enumerate() {
            if let Some(s) = s {
                members.entry(s).or_default().push(i);
            }
        }
        for (n, (id, list)) in members.iter().enumerate() {
            if n > 0 {
                writeln!(out)?;
            }
            // Headline: the most representative of the members' titles. Key terms: those of the
            // online story most of the members were in.
            let s = majority(list.iter().filter_map(|&i| online[i].as_deref()))
                .and_then(|o| summaries.get(o));
            let titles: Vec<Option<&str>> =
                list.iter().map(|&i| articles[i].title.as_deref()).collect();
            let headline = stories::representative_title(&titles)
                .and_then(|k| titles[k])
                .or_else(|| s.and_then(|s| s.headline.as_deref()))
                .unwrap_or("(untitled)");
            writeln!(
                out,
                "== {headline} ({}) ==",
                output::count(list.len() as u64, "article")
            )?;
            writeln!(out, "story {id}")?;
            if let Some(line) = list.first().and_then(|&i| storyline[i].as_deref())
                && line != *id
            {
                writeln!(out, "storyline {line}")?;
            }
            if let Some(s) = s.filter(|s| !s.entities.is_empty() || !s.terms.is_empty()) {
                writeln!(
                    out,
                    "key: {}",
                    s.entities
                        .iter()
                        .chain(&s.terms)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ")
                )?;
            }
            for &i in list {
                let a = &articles[i];
                let copy = assigned[i].as_ref().and_then(|x| x.duplicate_of.as_ref());
                let mark = copy.map_or(String::new(), |d| {
                    format!("  [{} of {}]", d.kind.as_str(), d.original)
                });
                let title = a.title.as_deref().unwrap_or("(untitled)");
                writeln!(
                    out,
                    "  {}  {}  {}{mark}",
                    a.id,
                    a.outlet.as_deref().unwrap_or("-"),
                    output::clip(title, 70)
                )?;
            }
        }
        out.flush()?;
    } else {
        let mut records = Records::new(&mut out, args.format == Format::Jsonl);
        for (((a, x), story), storyline) in
            articles.iter().zip(&assigned).zip(&story).zip(&storyline)
        {
            let Some(x) = x else { continue };
            let dup = x.duplicate_of.as_ref();
            records.write(&Record {
                source: a.source.to_string(),
                id: &a.id,
                record_id: a.record_id.as_deref(),
                story: story.clone(),
                storyline: storyline.clone(),
                duplicate_of: dup.map(|d| d.original.as_str()),
                duplicate_kind: dup.map(|d| d.kind.as_str()),
                containment: dup.map(|d| d.containment),
                title: a.title.as_deref(),
                outlet: a.outlet.as_deref(),
                language: x.language.as_deref(),
                warnings: &x.warnings,
            })?;
        }
        records.finish()?;
    }
    let stories = story
        .iter()
        .flatten()
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let copies = assigned
        .iter()
        .flatten()
        .filter(|a| a.duplicate_of.is_some())
        .count();
    let mut note = format!(
        "clustered {} into {} ({} copies), {failed} failed",
        output::count(articles.len() as u64, "article"),
        if stories == 1 {
            "1 story".to_owned()
        } else {
            format!("{stories} stories")
        },
        copies
    );
    if undated > 0 {
        note.push_str(&format!(
            "; {undated} without a date, placed in input order"
        ));
    }
    context.note(&note);
    Ok(if failed == 0 {
        Outcome::Done
    } else {
        Outcome::SomeFailed
    })
}

/// The most frequent value (the first met among equals).
fn majority<'a>(values: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for v in values {
        match counts.iter_mut().find(|(x, _)| *x == v) {
            Some((_, n)) => *n += 1,
            None => counts.push((v, 1)),
        }
    }
    let best = counts.iter().map(|&(_, n)| n).max()?;
    counts.into_iter().find(|&(_, n)| n == best).map(|(v, _)| v)
}

/// Every article's story once the whole input has been fed to `clusterer` (`assigned[i]` is
/// article `i`'s assignment): the online stories after the second (consolidate) pass, and the
/// stories to show, which are the batch pass's when `batch` and the input is small enough (a
/// note says when it is not). Returns `(online, shown)`; `None` for articles not clustered.
/// Clusters `articles` in publication order with [`stories::Clusterer::add_batch`] (the same
/// assignments as adding them one by one, with the per-article work on `threads` threads).
/// Returns the input index of each assignment; `articles` is in input order again afterwards.
fn assign_in_publication_order(
    clusterer: &mut stories::Clusterer,
    articles: &mut Vec<Article>,
    threads: usize,
) -> (Vec<usize>, Vec<stories::Assignment>) {
    let order = stories::publication_order(articles);
    // Moved, not cloned, into publication order and back, so the input is held once.
    let mut slots: Vec<Option<Article>> = std::mem::take(articles).into_iter().map(Some).collect();
    let sorted: Vec<Article> = order.iter().filter_map(|&i| slots[i].take()).collect();
    let assignments = clusterer.add_batch(&sorted, threads);
    for (&i, article) in order.iter().zip(sorted) {
        slots[i] = Some(article);
    }
    *articles = slots.into_iter().flatten().collect();
    (order, assignments)
}

pub(crate) fn stories_of(
    articles: &[Article],
    assigned: &[Option<stories::Assignment>],
    clusterer: &mut stories::Clusterer,
    batch: Option<usize>,
) -> (Vec<Option<String>>, Vec<Option<String>>) {
    let (online, shown, _) = levels_of(articles, assigned, clusterer, batch);
    (online, shown)
}

/// Each article's story or storyline id, `None` when not clustered.
type Ids = Vec<Option<String>>;

/// [`stories_of`] with each article's storyline (the id of its storyline's first article; the
/// story's own id when the online stories are shown).
pub(crate) fn levels_of(
    articles: &[Article],
    assigned: &[Option<stories::Assignment>],
    clusterer: &mut stories::Clusterer,
    batch: Option<usize>,
) -> (Ids, Ids, Ids) {
    // The whole input is at hand: a second pass merges stories that ended up close.
    clusterer.consolidate();
    // Stories merge as evidence arrives: every article's online story as it is now.
    let online: Vec<Option<String>> = assigned
        .iter()
        .map(|a| {
            a.as_ref()
                .and_then(|a| a.story.as_ref())
                .map(|s| clusterer.current(s).0)
        })
        .collect();
    let Some(threads) = batch else {
        return (online.clone(), online.clone(), online);
    };
    let config = stories::BatchConfig {
        threads,
        ..stories::BatchConfig::default()
    };
    let batch = stories::batch_stories(articles, assigned, &config);
    let id = |i: usize| articles[i].id.clone();
    let shown = batch.iter().map(|s| s.map(|s| id(s.event))).collect();
    let lines = batch.iter().map(|s| s.map(|s| id(s.storyline))).collect();
    (online, shown, lines)
}
