//! Project tasks that are not part of `cargo test`: evaluations on the real data in
//! `../shared/data`, benchmarks, model training. Run as `cargo xtask <task> [args]`.
//!
//! Each task lives in its own module with a `run(args)` entry point and one row in [`TASKS`].

mod ner;

use anyhow::{Result, bail};

type Task = fn(&[String]) -> Result<()>;

/// Every task: name, one-line description, entry point.
const TASKS: &[(&str, &str, Task)] = &[
    (
        "train-ner",
        "train the named-entity tagger on CoNLL-2003",
        ner::train_task,
    ),
    (
        "eval-ner",
        "score the named-entity tagger on CoNLL-2003 dev and test",
        ner::eval_task,
    ),
    (
        "bench-ner",
        "time entity recognition on the Multi-News articles",
        ner::bench_task,
    ),
];

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = || {
        let list: Vec<String> = TASKS
            .iter()
            .map(|(name, about, _)| format!("  {name:<20} {about}"))
            .collect();
        format!(
            "usage: cargo xtask <task> [args]\n\ntasks:\n{}",
            list.join("\n")
        )
    };
    let Some((task, rest)) = args.split_first() else {
        bail!("{}", usage());
    };
    match TASKS.iter().find(|(name, _, _)| name == task) {
        Some((_, _, run)) => run(rest),
        None => bail!("unknown task {task:?}\n\n{}", usage()),
    }
}
