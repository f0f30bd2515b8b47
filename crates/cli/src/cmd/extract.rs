//! `parallax extract PATH...`: read articles and print them, without a store.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;

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
}

pub fn run(args: Args, context: &Context) -> Result<Outcome> {
    let config = ingest::Config::default();
    let mut out = output::stdout();
    let mut records = Records::new(&mut out, args.format == Format::Jsonl);
    let (mut read, mut failed) = (0u64, 0u64);
    for result in ingest::read_inputs(&args.paths, &config) {
        let article = match result {
            Ok(article) => article,
            Err(error) => {
                failed += 1;
                context.report(&error);
                continue;
            }
        };
        if args.format == Format::Text {
            let out = records.inner();
            if read > 0 {
                writeln!(out)?;
            }
            writeln!(out, "== {} ==", article.source)?;
            output::write_article(out, &article, None)?;
        } else {
            records.write(&ArticleRecord::new(&article))?;
        }
        read += 1;
    }
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
