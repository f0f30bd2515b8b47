//! `parallax ingest PATH...`: read articles and store them, in batches of one transaction each,
//! then put the new articles into stories (`Store::update_stories`, which continues the clusterer
//! saved by the previous ingest, so only the new articles are clustered, and then re-clusters the
//! store's latest articles with the batch pass for the stories it shows). An input that is an
//! http(s) URL is fetched (`cmd::fetch`), its responses kept in `<data>/warc/`.

use std::path::PathBuf;

use anyhow::{Context as _, Result};
use store::Store;

use super::fetch::{FetchArgs, read_url};
use crate::{Context, Outcome, output};

/// Read articles from files, folders or stdin and add them to the store
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files or folders (searched recursively) to read, or http(s) URLs of pages and feeds to
    /// fetch; `-` reads standard input
    #[arg(required = true, value_name = "PATH|URL")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    fetch: FetchArgs,
    /// Articles written per transaction; a crash loses at most one batch, which a re-run stores
    #[arg(long, default_value_t = 500, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    batch: u64,
}

/// One input: a file, folder or `-`, or a URL to fetch.
#[derive(Debug, Clone)]
pub enum Input {
    Path(PathBuf),
    Url(String),
}

impl Input {
    fn name(&self) -> String {
        match self {
            Input::Path(p) => p.display().to_string(),
            Input::Url(u) => u.clone(),
        }
    }
}

pub fn run(args: Args, context: &Context) -> Result<Outcome> {
    let inputs = args
        .paths
        .into_iter()
        .map(|p| match p.to_str() {
            Some(s) if fetch::is_url(s) => Input::Url(s.to_owned()),
            _ => Input::Path(p),
        })
        .collect();
    store_inputs(inputs, &args.fetch, args.batch, context)
}

/// Reads (or fetches) `inputs` in order and stores their articles, `batch` to a transaction,
/// then updates the stories.
pub fn store_inputs(
    inputs: Vec<Input>,
    fetch_args: &FetchArgs,
    batch_size: u64,
    context: &Context,
) -> Result<Outcome> {
    let mut store = Store::open(&context.data)?;
    let names: Vec<String> = inputs.iter().map(Input::name).collect();
    let run = store.begin_run(&names)?;
    let progress = context.progress("articles");
    let config = ingest::Config::default();
    // The client is made only when there is something to fetch.
    let fetcher = if inputs.iter().any(|i| matches!(i, Input::Url(_))) {
        Some(fetch::Blocking::new(fetch_args.config())?)
    } else {
        None
    };
    let mut warc = fetch_args.warc(&context.data);

    let (mut read, mut new, mut existing, mut failed) = (0u64, 0u64, 0u64, 0u64);
    let mut batch = Vec::new();
    let mut flush = |store: &mut Store, batch: &mut Vec<ingest::Article>| -> Result<()> {
        let added = store
            .add_articles(run, batch)
            .context("storing a batch of articles")?;
        new += added.new;
        existing += added.existing;
        batch.clear();
        Ok(())
    };
    // Reading (decoding, extraction, normalisation) and writing (SQLite and its full-text index)
    // cost about the same, so they run on two threads; the bounded channel keeps memory flat.
    let (sender, receiver) = std::sync::mpsc::sync_channel(256);
    let inputs = &inputs;
    let config = &config;
    let warc_writer = &mut warc;
    std::thread::scope(|scope| -> Result<()> {
        scope.spawn(move || {
            for input in inputs {
                let results: Box<dyn Iterator<Item = Result<ingest::Article, anyhow::Error>>> =
                    match (input, &fetcher) {
                        (Input::Url(url), Some(fetcher)) => {
                            Box::new(read_url(fetcher, warc_writer, config, url).into_iter())
                        }
                        (Input::Url(_), None) => Box::new(std::iter::empty()),
                        (Input::Path(path), _) => Box::new(
                            ingest::read_inputs(std::slice::from_ref(path), config)
                                .map(|r| r.map_err(anyhow::Error::from)),
                        ),
                    };
                for result in results {
                    if sender.send(result).is_err() {
                        return; // the writer stopped on an error
                    }
                }
            }
        });
        for result in receiver {
            match result {
                Ok(article) => {
                    read += 1;
                    progress.inc(1);
                    if read.is_multiple_of(64) {
                        progress.set_message(article.source.path.clone());
                    }
                    for warning in &article.warnings {
                        tracing::info!(source = %article.source, "{warning}");
                    }
                    batch.push(article);
                    if batch.len() as u64 >= batch_size {
                        flush(&mut store, &mut batch)?;
                    }
                }
                Err(error) => {
                    failed += 1;
                    progress.suspend(|| context.report(&format!("{error:#}")));
                }
            }
        }
        Ok(())
    })?;
    flush(&mut store, &mut batch)?;
    store.finish_run(run, failed)?;
    if let Some(last) = warc.files().last() {
        context.note(&format!(
            "kept the fetched responses in {}",
            output::count(warc.files().len() as u64, "warc file")
        ));
        tracing::info!(file = %last.display(), "last warc file");
    }
    // After the run is logged: a crash here leaves articles without a story, which the next
    // ingest clusters (it picks up every article that has none).
    let updated = store
        .update_stories(&stories::Config::default())
        .context("updating stories")?;
    for (source, warning) in &updated.warnings {
        tracing::info!(%source, "{warning}");
    }
    if let Some(reason) = &updated.replay_reason {
        // Correct either way, but slow on a large store: say why it happened.
        tracing::warn!(
            "stories: rebuilt the clusterer by replaying {}: {reason}",
            output::count(updated.replayed, "stored article")
        );
    }
    progress.finish_and_clear();

    context.note(&format!(
        "read {}: {new} new, {existing} already stored, {failed} failed (store: {}, {})",
        output::count(read, "article"),
        store.path().display(),
        output::count(store.article_count()?, "article"),
    ));
    context.note(&format!(
        "stories: {} clustered, {} {} in the store",
        output::count(updated.clustered, "article"),
        updated.stories,
        if updated.stories == 1 {
            "story"
        } else {
            "stories"
        },
    ));
    Ok(if failed == 0 {
        Outcome::Done
    } else {
        Outcome::SomeFailed
    })
}
