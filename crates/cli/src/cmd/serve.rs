//! `parallax serve`: the local web app and JSON API over the store (the `server` crate).
//!
//! Glue only: opens the store, builds the engine (stories and briefs in memory), starts the
//! thread that follows changes other processes make to the store, and runs the server until
//! Ctrl-C.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context as _, Result};

use crate::{Context, Outcome};

/// Serve a local web app and JSON API over the store (open http://127.0.0.1:7878)
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on; keep it on loopback unless you mean to share the store
    #[arg(long, default_value = "127.0.0.1:7878", value_name = "IP:PORT")]
    addr: SocketAddr,
    /// Token that enables `POST /api/articles` (as `Authorization: Bearer <token>`); ingest
    /// through the API is off without one
    #[arg(
        long,
        env = "PARALLAX_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true
    )]
    ingest_token: Option<String>,
    /// Follow these feeds (URLs, or lists of them: text or OPML) while serving, as `parallax
    /// follow` does; the Sources page shows their state
    #[arg(long, value_name = "FEEDS", num_args = 1..)]
    follow: Vec<String>,
    #[command(flatten)]
    follow_args: super::follow::FollowArgs,
}

pub fn run(args: Args, context: &Context) -> Result<Outcome> {
    let store = store::Store::open(&context.data)
        .with_context(|| format!("opening the store in {}", context.data.display()))?;
    let engine = server::Engine::new(store).context("loading articles and computing stories")?;
    let feeds = if args.follow.is_empty() {
        Vec::new()
    } else {
        super::follow::read_feeds(&args.follow, context)?.0
    };
    let mut state = server::AppState::new(
        engine,
        server::Config {
            ingest_token: args.ingest_token.filter(|t| !t.is_empty()),
        },
    );
    if !feeds.is_empty() {
        // A page shows new stories within a minute, or the interval when that is shorter.
        state = state.refreshing(args.follow_args.config().every.min(Duration::from_secs(60)));
    }
    // Articles another process (a cron `parallax ingest`) stores show up within about a second.
    let _follower = state.follow_store(std::time::Duration::from_secs(1));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let addr = args.addr;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        // With port 0 the system picks one: say which.
        let local = listener.local_addr().context("reading the bound address")?;
        context.note(&format!("serving on http://{local}/ (Ctrl-C stops)"));
        if !feeds.is_empty() {
            // The follower writes through a connection of its own; the server sees its
            // articles as it sees any other process's (`follow_store`).
            let store = store::Store::open(&context.data)
                .with_context(|| format!("opening the store in {}", context.data.display()))?;
            let follower = follow::Follower::new(
                store,
                args.follow_args.warc(&context.data),
                &feeds,
                args.follow_args.config(),
            )?;
            context.note(&format!(
                "following {}",
                crate::output::count(feeds.len() as u64, "feed")
            ));
            let quiet = context.quiet;
            tokio::spawn(async move {
                let context = crate::Context {
                    data: std::path::PathBuf::new(),
                    quiet,
                };
                let reported = follower
                    .run(
                        |round| super::follow::report(round, &context),
                        std::future::pending::<()>(),
                    )
                    .await;
                if let Err(e) = reported {
                    context.report(&format!("following feeds stopped: {e}"));
                }
            });
        }
        server::serve_on(state, listener, server::shutdown_signal())
            .await
            .with_context(|| format!("serving on {local}"))
    })?;
    Ok(Outcome::Done)
}
