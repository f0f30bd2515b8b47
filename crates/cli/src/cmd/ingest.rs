//! `parallax ingest PATH...`: read articles and store them, in batches of one transaction each,
//! then put the new articles into stories (`Store::update_stories`, which continues the clusterer
//! saved by the previous ingest, so only the new articles are clustered, and then re-clusters the
//! store's latest articles with the batch pass for the stories it shows).

use std::path::PathBuf;

use anyhow::{Context as _, Result};
use store::Store;

use crate::{Context, Outcome, output};

/// Read articles from files, folders or stdin and add them to the store
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files or folders (searched recursively) to read; `-` reads standard input
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Articles written per transaction; a crash loses at most one batch, which a re-run stores
    #[arg(long, default_value_t = 500, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    batch: u64,
}

pub fn run(args: Args, context: &Context) -> Result<Outcome> {
    let mut store = Store::open(&context.data)?;
    let inputs: Vec<String> = args.paths.iter().map(|p| p.display().to_string()).collect();
    let run = store.begin_run(&inputs)?;
    let progress = context.progress("articles");
    let config = ingest::Config::default();

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
    let paths = &args.paths;
    let config = &config;
    std::thread::scope(|scope| -> Result<()> {
        scope.spawn(move || {
            for result in ingest::read_inputs(paths, config) {
                if sender.send(result).is_err() {
                    break; // the writer stopped on an error
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
                    if batch.len() as u64 >= args.batch {
                        flush(&mut store, &mut batch)?;
                    }
                }
                Err(error) => {
                    failed += 1;
                    progress.suspend(|| context.report(&error));
                }
            }
        }
        Ok(())
    })?;
    flush(&mut store, &mut batch)?;
    store.finish_run(run, failed)?;
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
