//! `parallax extract PATH...`: read articles and print them, without a store.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use ingest::Article;

use crate::output::{self, ArticleRecord, Format, Records};
use crate::{Context, Outcome};

/// Read articles and print them without storing them
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files or folders (searched recursively) to read; `-` reads standard input
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    #[command(flatten)]
    threads: super::Threads,
}

pub fn run(args: Args, context: &Context) -> Result<Outcome> {
    let mut out = output::stdout();
    let mut records = Records::new(&mut out, args.format == Format::Jsonl);
    let threads = args.threads.get();
    let (read, failed) = for_each_article(&args.paths, context, threads, |article, n| {
        if args.format == Format::Text {
            let out = records.inner();
            if n > 0 {
                writeln!(out)?;
            }
            writeln!(out, "== {} ==", article.source)?;
            output::write_article(out, &article, None)?;
        } else {
            records.write(&ArticleRecord::new(&article))?;
        }
        Ok(())
    })?;
    if args.format == Format::Text {
        records.inner().flush()?;
    } else {
        records.finish()?;
    }
    context.note(&format!(
        "read {}, {failed} failed",
        output::count(read, "article")
    ));
    Ok(if failed == 0 {
        Outcome::Done
    } else {
        Outcome::SomeFailed
    })
}

/// Reads every article under `paths` (as `extract` does) and hands each to `each` with the number
/// of articles before it; an input that cannot be read is reported and skipped. The articles are
/// made on `threads` worker threads and handed over in input order. Returns the numbers of
/// articles read and of inputs that failed. Shared by the commands that work on paths without a
/// store (`extract`, `entities`, `quotes`, `cluster`), so they read the same things the same way.
pub fn for_each_article(
    paths: &[PathBuf],
    context: &Context,
    threads: usize,
    mut each: impl FnMut(Article, u64) -> Result<()>,
) -> Result<(u64, u64)> {
    let config = ingest::Config::default();
    let (mut read, mut failed) = (0u64, 0u64);
    ingest::read_inputs_on(paths, &config, threads, |result| {
        match result {
            Ok(article) => {
                each(article, read)?;
                read += 1;
            }
            Err(error) => {
                failed += 1;
                context.report(&error);
            }
        }
        Ok::<(), anyhow::Error>(())
    })?;
    Ok((read, failed))
}
