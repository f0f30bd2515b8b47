//! Project tasks that are not part of `cargo test`: evaluations on the real data in
//! `../shared/data`, benchmarks, model training. Run as `cargo xtask <task> [args]`.
//!
//! Each task lives in its own module with a `run(args)` entry point.

use anyhow::{Result, bail};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((task, rest)) = args.split_first() else {
        bail!(
            "usage: cargo xtask <task> [args]\n\ntasks:\n{}",
            TASKS.join("\n")
        );
    };
    let _ = rest;
    match task.as_str() {
        _ => bail!("unknown task {task:?}\n\ntasks:\n{}", TASKS.join("\n")),
    }
}

const TASKS: &[&str] = &[];
