//! One module per subcommand, each with its `Args` (clap derive) and a `run(args, context)`.
//! A new subcommand is a new file here plus one variant and one match arm below.

mod articles;
mod brief;
mod cluster;
mod entities;
mod export;
mod extract;
mod fetch;
mod follow;
mod ingest;
mod quotes;
mod serve;
mod show;
mod stories;
mod story;
mod storylines;

use anyhow::Result;

use crate::{Context, Outcome};

/// `--threads N`, for the commands that read and analyse articles on worker threads.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct Threads {
    /// Worker threads for reading and analysing articles [default: one per core]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    threads: Option<u16>,
}

impl Threads {
    /// The number asked for, or one per core.
    pub fn get(self) -> usize {
        self.threads.map_or_else(Self::default_count, usize::from)
    }

    /// One per core, for the commands that do not offer `--threads`.
    pub fn default_count() -> usize {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    }
}

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    Ingest(ingest::Args),
    Fetch(fetch::Args),
    Follow(follow::Args),
    Export(export::Args),
    Articles(articles::Args),
    Show(show::Args),
    Extract(extract::Args),
    Brief(brief::Args),
    Cluster(cluster::Args),
    Entities(entities::Args),
    Quotes(quotes::Args),
    Stories(stories::Args),
    Story(story::Args),
    Storylines(storylines::Args),
    Serve(serve::Args),
}

impl Command {
    pub fn run(self, context: &Context) -> Result<Outcome> {
        match self {
            Command::Ingest(args) => ingest::run(args, context),
            Command::Fetch(args) => fetch::run(args, context),
            Command::Follow(args) => follow::run(args, context),
            Command::Export(args) => export::run(args, context),
            Command::Articles(args) => articles::run(args, context),
            Command::Show(args) => show::run(args, context),
            Command::Extract(args) => extract::run(args, context),
            Command::Brief(args) => brief::run(args, context),
            Command::Cluster(args) => cluster::run(args, context),
            Command::Entities(args) => entities::run(args, context),
            Command::Quotes(args) => quotes::run(args, context),
            Command::Stories(args) => stories::run(args, context),
            Command::Story(args) => story::run(args, context),
            Command::Storylines(args) => storylines::run(args, context),
            Command::Serve(args) => serve::run(args, context),
        }
    }
}
