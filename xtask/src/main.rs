//! Project tasks that are not part of `cargo test`: evaluations on the real data in
//! `../shared/data`, benchmarks, model training. Run as `cargo xtask <task> [args]`.
//!
//! Each task lives in its own module with a `run(args)` entry point and one row in [`TASKS`].

mod bench_follow;
mod bench_ingest;
mod bench_throughput;
mod bench_writers;
mod brief_eval;
mod cue_classes;
mod dates_eval;
mod extract_eval;
mod faults;
mod ggt_eval;
mod language_eval;
mod mrpc;
mod ner;
mod quotes_eval;
mod screenshots;
mod server_bench;
mod stories_bench;
mod stories_eval;
mod sweep;

use anyhow::{Context, Result, bail, ensure};

type Task = fn(&[String]) -> Result<()>;

/// Every task: name, one-line description, entry point.
const TASKS: &[(&str, &str, Task)] = &[
    (
        "bench-follow",
        "parallax follow --every 1m on 500 local feeds of 20 items: round times, peak memory, cpu between rounds",
        bench_follow::run,
    ),
    (
        "eval-extract",
        "score html body extraction on the article-extraction pages (dev/test/all)",
        extract_eval::eval_task,
    ),
    (
        "bench-extract",
        "time html extraction with metadata on the article-extraction pages",
        extract_eval::bench_task,
    ),
    (
        "eval-dates",
        "day accuracy of html publication dates on the dates pages (dev/test/all), --htmldate for peers",
        dates_eval::run,
    ),
    (
        "eval-language",
        "agreement of the bounded language sample with the first-4 KiB labels on every shared corpus",
        language_eval::run,
    ),
    (
        "bench-ingest",
        "time plain-text ingest of 100,000 generated articles into a fresh store",
        bench_ingest::run,
    ),
    (
        "bench-throughput",
        "whole-process extract and cluster on 20,000 generated JSON lines, against other builds",
        bench_throughput::run,
    ),
    (
        "bench-writers",
        "4 concurrent ingests of 10,000 articles each into one store against one ingest of all",
        bench_writers::run,
    ),
    (
        "faults",
        "kill -9, full disk, read-only folder, damaged or newer store: outcome and articles lost",
        faults::run,
    ),
    (
        "eval-quotes",
        "score quotes and speakers on PolNeAR dev and test and gendergaptracker-dev (ggt)",
        quotes_eval::eval_task,
    ),
    (
        "cue-words",
        "count the cue words of PolNeAR train and list the unknown ones that are mostly cues",
        quotes_eval::cue_words_task,
    ),
    (
        "cue-classes",
        "write the verb-sense table the quote classes come from, out of WordNet (wordnet-base)",
        cue_classes::run,
    ),
    (
        "train-quotes",
        "train the learned attribution fallback on PolNeAR train",
        quotes_eval::train_task,
    ),
    (
        "bench-quotes",
        "time quotation extraction on the PolNeAR articles",
        quotes_eval::bench_task,
    ),
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
    (
        "train-mrpc",
        "fit the same-claim pair model on MRPC train, threshold on dev; writes brief's pair_model.rs",
        mrpc::train,
    ),
    (
        "eval-mrpc",
        "same-fact P, R, F1 and accuracy on MRPC dev: the old cosine rule and the pair model",
        mrpc::eval,
    ),
    (
        "eval-brief",
        "ROUGE, redundancy and citation check of the brief on Multi-News",
        brief_eval::eval,
    ),
    (
        "bench-brief",
        "time and memory of briefs of 50- and 1,000-article stories",
        brief_eval::bench,
    ),
    (
        "eval-stories",
        "story clustering BCubed on ECB+ and Multi-News (dev/test/all)",
        stories_eval::run,
    ),
    (
        "bench-stories",
        "speed and memory of near-duplicates + story assignment at 10k/100k/1M articles",
        stories_bench::run,
    ),
    (
        "bench-server",
        "p99 of story pages, the stories index and search under 64 loopback connections, with ingest (--store N)",
        server_bench::run,
    ),
    (
        "sweep",
        "every analysis stage over real texts edited at random; lists the panics by place and the slowest runs (--slow S fails on any slower)",
        sweep::run,
    ),
    (
        "screenshots",
        "regenerate docs/screenshots/ (main pages, desktop and phone width) in headless Chromium",
        screenshots::run,
    ),
];

/// The evaluation data (`../shared/data` beside the checkout, or `$PARALLAX_SHARED_DATA`), found
/// the same way whatever folder the task is started from.
pub fn shared_data() -> std::path::PathBuf {
    std::env::var_os("PARALLAX_SHARED_DATA").map_or_else(
        || std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data"),
        std::path::PathBuf::from,
    )
}

/// Builds the release `parallax` binary and returns its path (the benchmarks time the real program).
pub fn build_parallax() -> Result<std::path::PathBuf> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args([
            "build",
            "--release",
            "--package",
            "cli",
            "--bin",
            "parallax",
        ])
        .args(["--message-format", "json-render-diagnostics"])
        .stderr(std::process::Stdio::inherit())
        .output()
        .context("running cargo build")?;
    ensure!(out.status.success(), "cargo build of parallax failed");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["target"]["name"] == "parallax")
        .find_map(|v| v["executable"].as_str().map(std::path::PathBuf::from))
        .context("cargo build did not name the parallax executable")
}

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
