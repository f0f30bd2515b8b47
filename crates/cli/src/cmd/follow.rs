//! `parallax follow FEEDS...`: poll feeds into the store (the `follow` crate), each on its own
//! interval, until Ctrl-C, or one round with `--once` (for cron). FEEDS are feed URLs or lists
//! of them (a text file of URLs, or OPML). Each round prints one line; each feed that fails and
//! each item that could not be read is reported and the others go on. Every response is kept in
//! `<data>/warc/`. The feeds' state lives in the store, so a killed `follow` resumes.

use std::time::Duration;

use anyhow::{Context as _, Result};
use follow::list::ListedFeed;

use super::fetch::{FetchArgs, duration};
use crate::{Context, Outcome, output};

/// Follow feeds: poll them, fetch new items' pages, store the articles and update stories
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Feed URLs, or files listing them (one URL a line, or OPML as feed readers export it)
    #[arg(required = true, value_name = "FEEDS")]
    feeds: Vec<String>,
    #[command(flatten)]
    follow: FollowArgs,
    /// One round (the feeds that are due within a quarter of --every), then exit
    #[arg(long)]
    once: bool,
}

/// How feeds are followed (`follow`, `serve --follow`).
#[derive(Debug, Clone, clap::Args)]
pub struct FollowArgs {
    /// Interval between polls of a feed; a feed's ttl or Cache-Control max-age may lengthen it
    #[arg(long, default_value = "15m", value_name = "DURATION", value_parser = duration)]
    every: Duration,
    /// Shortest time between two requests to one host (a robots.txt Crawl-delay may lengthen it)
    #[arg(long, default_value = "1s", value_name = "DURATION", value_parser = duration)]
    host_delay: Duration,
    /// Longest wait a failing feed backs off to
    #[arg(long, default_value = "6h", value_name = "DURATION", value_parser = duration)]
    max_backoff: Duration,
    /// Hosts polled at once
    #[arg(long, default_value_t = 8, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    connections: u16,
    /// Store the feed's summary of an item instead of fetching the item's page
    #[arg(long)]
    feed_only: bool,
    #[command(flatten)]
    fetch: FetchArgs,
}

impl FollowArgs {
    pub fn config(&self) -> follow::Config {
        follow::Config {
            every: self.every,
            host_delay: self.host_delay,
            max_backoff: self.max_backoff,
            connections: usize::from(self.connections),
            pages: if self.feed_only {
                follow::Pages::FeedOnly
            } else {
                follow::Pages::Fetch
            },
            fetch: self.fetch.config(),
            ..follow::Config::default()
        }
    }

    pub fn warc(&self, data: &std::path::Path) -> fetch::warc::Writer {
        self.fetch.warc(data)
    }
}

/// The feeds named by `args`: URLs as they are, files read as lists. Bad entries are
/// reported; an unreadable file or no feed at all is an error.
pub fn read_feeds(args: &[String], context: &Context) -> Result<(Vec<ListedFeed>, u64)> {
    let mut feeds = Vec::new();
    let mut bad = 0u64;
    for arg in args {
        if fetch::is_url(arg) {
            feeds.push(ListedFeed {
                url: arg.clone(),
                title: None,
            });
            continue;
        }
        let bytes = std::fs::read(arg).with_context(|| format!("{arg}: cannot read the list"))?;
        let list = follow::list::read(arg, &bytes);
        for error in &list.errors {
            context.report(error);
        }
        bad += list.errors.len() as u64;
        feeds.extend(list.feeds);
    }
    let mut seen = std::collections::HashSet::new();
    feeds.retain(|f| seen.insert(f.url.clone()));
    if feeds.is_empty() {
        anyhow::bail!("no feed to follow");
    }
    Ok((feeds, bad))
}

pub fn run(args: Args, context: &Context) -> Result<Outcome> {
    let (feeds, bad) = read_feeds(&args.feeds, context)?;
    let store = store::Store::open(&context.data)
        .with_context(|| format!("opening the store in {}", context.data.display()))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let warc = args.follow.warc(&context.data);
    let config = args.follow.config();
    let every = config.every;
    let mut failed = bad > 0;
    runtime.block_on(async {
        let follower = follow::Follower::new(store, warc, &feeds, config)?;
        context.note(&format!(
            "following {} (store: {})",
            output::count(feeds.len() as u64, "feed"),
            context.data.display()
        ));
        if args.once {
            let round = follower.round(every / 4).await?;
            failed |= round.failed() > 0;
            report(&round, context);
        } else {
            follower
                .run(|round| report(round, context), server::shutdown_signal())
                .await?;
        }
        anyhow::Ok(())
    })?;
    Ok(if failed {
        Outcome::SomeFailed
    } else {
        Outcome::Done
    })
}

/// Reports each failed feed and problem, then one line for the round.
pub fn report(round: &follow::Round, context: &Context) {
    for feed in &round.feeds {
        if let follow::Outcome::Failed(message) = &feed.outcome {
            context.report(message);
        }
        for problem in &feed.problems {
            context.report(problem);
        }
    }
    if let Some(e) = &round.stories_error {
        context.report(e);
    }
    let fetched = round.feeds.len() - round.failed() - round.not_modified();
    let mut line = format!(
        "polled {} in {:.1} s: {} not modified, {} read ({}), {} failed; {} waiting",
        output::count(round.feeds.len() as u64, "feed"),
        round.elapsed.as_secs_f64(),
        round.not_modified(),
        fetched,
        output::count(round.new_articles, "new article"),
        round.failed(),
        round.waiting,
    );
    if let Some(stories) = &round.stories {
        line.push_str(&format!(
            "; stories: {} clustered, {} in the store",
            output::count(stories.clustered, "article"),
            stories.stories
        ));
    }
    context.note(&line);
}
