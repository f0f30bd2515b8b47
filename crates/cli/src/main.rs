//! `parallax`: the command-line front end. Parses arguments, sets up logging, runs one
//! subcommand from [`cmd`] and turns its outcome into the exit code.
//!
//! Only results go to stdout; diagnostics, progress and summaries go to stderr. Exit codes: 0 all
//! went well, 1 some input failed (the rest was done) or the command could not run, 2 usage error
//! (clap's). A closed stdout pipe ends the run quietly with 0. This crate holds no pipeline logic:
//! it calls the library crates and formats what they return.

mod cmd;
mod output;

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};

/// Follow one news story across many outlets.
#[derive(Debug, Parser)]
#[command(name = "parallax", version, max_term_width = 100)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: cmd::Command,
}

/// Options every subcommand takes.
#[derive(Debug, clap::Args)]
struct Global {
    /// Data folder holding the store
    #[arg(
        long,
        global = true,
        env = "PARALLAX_DATA",
        default_value = "parallax-data",
        value_name = "DIR"
    )]
    data: PathBuf,
    /// No progress bar and no summary; errors are still printed
    #[arg(short, long, global = true)]
    quiet: bool,
    /// More log output on stderr (-v: info, -vv: debug, -vvv: trace)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
}

/// How a command ended when it did not fail outright.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything was done.
    Done,
    /// Some inputs failed and were reported; the rest was done.
    SomeFailed,
}

/// What a subcommand gets besides its own arguments.
pub struct Context {
    pub data: PathBuf,
    pub quiet: bool,
}

impl Context {
    /// Prints a per-input error as `parallax: <message>`; the run goes on.
    pub fn report(&self, error: &dyn std::fmt::Display) {
        let _ = writeln!(io::stderr(), "parallax: {error}");
    }

    /// Prints a line for the user on stderr (summaries), unless `--quiet`.
    pub fn note(&self, message: &str) {
        if !self.quiet {
            let _ = writeln!(io::stderr(), "{message}");
        }
    }

    /// A progress spinner on stderr when it is a terminal and not `--quiet`; hidden otherwise.
    pub fn progress(&self, what: &'static str) -> ProgressBar {
        if self.quiet || !io::stderr().is_terminal() {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::new_spinner().with_style(
            ProgressStyle::with_template("{spinner} {human_pos} {prefix} in {elapsed} {wide_msg}")
                .expect("valid template"),
        );
        bar.set_prefix(what);
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        bar
    }
}

fn main() -> ExitCode {
    // Usage errors exit here with code 2, help and version with 0.
    let cli = Cli::parse();
    init_logging(&cli.global);
    let context = Context {
        data: cli.global.data,
        quiet: cli.global.quiet,
    };
    match cli.command.run(&context) {
        Ok(Outcome::Done) => ExitCode::SUCCESS,
        Ok(Outcome::SomeFailed) => ExitCode::from(1),
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            context.report(&format!("{error:#}"));
            ExitCode::from(1)
        }
    }
}

fn init_logging(global: &Global) {
    use tracing::Level;
    let level = match (global.quiet, global.verbose) {
        (true, _) => Level::ERROR,
        (false, 0) => Level::WARN,
        (false, 1) => Level::INFO,
        (false, 2) => Level::DEBUG,
        (false, _) => Level::TRACE,
    };
    tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(io::stderr)
        .with_ansi(io::stderr().is_terminal())
        .with_target(false)
        .without_time()
        .init();
}

/// Whether the error comes from writing to a stdout nobody reads any more (`| head`).
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn broken_pipe_is_found_under_context() {
        let error = anyhow::Error::from(io::Error::from(io::ErrorKind::BrokenPipe))
            .context("writing results");
        assert!(is_broken_pipe(&error));
        assert!(!is_broken_pipe(&anyhow::anyhow!("disk full")));
    }
}
