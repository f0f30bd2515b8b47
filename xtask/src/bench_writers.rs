//! `cargo xtask bench-writers [--articles N] [--writers W]`: W `parallax ingest` processes
//! (default 4) each storing N generated articles (default 10,000) into one data folder at the
//! same time, against one process storing all W × N into a fresh folder. Prints the wall time of
//! each, the writers that failed, and the articles lost (generated but not stored), and checks
//! that every stored article has exactly one story row and the shown stories count every
//! article once (`sqlite3` shell). The articles are `bench-ingest`'s generator's, one folder of
//! 1,000 per writer share, so the writers' inputs never overlap.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail, ensure};

use crate::bench_ingest::{RemoveOnDrop, examples_dir, generate, sqlite};

const USAGE: &str = "usage: cargo xtask bench-writers [--articles N] [--writers W]";

pub fn run(args: &[String]) -> Result<()> {
    let (mut per_writer, mut writers) = (10_000usize, 4usize);
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it.next().context(USAGE)?;
        match flag.as_str() {
            "--articles" => per_writer = value.parse().context(USAGE)?,
            "--writers" => writers = value.parse().context(USAGE)?,
            _ => bail!("{USAGE}"),
        }
    }
    ensure!(
        per_writer >= 1000 && per_writer.is_multiple_of(1000) && writers > 0,
        "--articles must be a multiple of 1,000: {USAGE}"
    );
    let parallax = crate::build_parallax()?;
    let work = std::env::temp_dir().join(format!("parallax-bench-writers-{}", std::process::id()));
    let _cleanup = RemoveOnDrop(work.clone());
    let input = work.join("articles");
    let total = per_writer * writers;
    generate(&examples_dir(), &input, total)?;
    // `generate` writes folders of 1,000: writer w takes its share of them.
    let folders_of = |w: usize| -> Vec<std::path::PathBuf> {
        let per = per_writer / 1000;
        (w * per..(w + 1) * per)
            .map(|f| input.join(format!("{f:03}")))
            .collect()
    };
    eprintln!("generated {total} articles");

    let one = work.join("one");
    let start = Instant::now();
    let mut all = Vec::new();
    for w in 0..writers {
        all.extend(folders_of(w));
    }
    let status = Command::new(&parallax)
        .arg("-q")
        .arg("--data")
        .arg(&one)
        .arg("ingest")
        .args(&all)
        .status()
        .context("running parallax ingest")?;
    let one_seconds = start.elapsed().as_secs_f64();
    ensure!(status.success(), "the single writer failed");
    let one_stored = check(&one)?;
    eprintln!("one writer: {one_seconds:.1} s, {one_stored} stored");

    let many = work.join("many");
    let start = Instant::now();
    let children: Vec<_> = (0..writers)
        .map(|w| {
            Command::new(&parallax)
                .arg("-q")
                .arg("--data")
                .arg(&many)
                .arg("ingest")
                .args(folders_of(w))
                .stderr(Stdio::piped())
                .spawn()
                .context("starting parallax ingest")
        })
        .collect::<Result<_>>()?;
    let mut failed = 0;
    let mut times = Vec::new();
    for (w, child) in children.into_iter().enumerate() {
        let out = child.wait_with_output()?;
        times.push(start.elapsed().as_secs_f64());
        if !out.status.success() {
            failed += 1;
            eprintln!(
                "writer {w} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    let many_seconds = start.elapsed().as_secs_f64();
    let many_stored = check(&many)?;
    let times: Vec<String> = times.iter().map(|t| format!("{t:.1}")).collect();
    let (a, b) = (partition(&one)?, partition(&many)?);
    let ids = |p: &Stories| -> BTreeSet<String> { p.iter().flatten().cloned().collect() };
    let same_ids = ids(&a) == ids(&b);
    println!(
        "same article ids: {same_ids}; shown stories: {} (one writer) and {} (concurrent), same \
         partition into stories: {}",
        a.len(),
        b.len(),
        a == b
    );
    println!("| run | wall s | writers failed | articles stored | articles lost |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    println!(
        "| 1 writer, {total} articles | {one_seconds:.1} | 0 | {one_stored} | {} |",
        total as u64 - one_stored
    );
    println!(
        "| {writers} writers × {per_writer} at once (each done at {} s) | {many_seconds:.1} | {failed} | {many_stored} | {} |",
        times.join(", "),
        total as u64 - many_stored
    );
    Ok(())
}

type Stories = BTreeSet<BTreeSet<String>>;

/// The shown stories of `data` as sets of article ids (story ids follow history, so they are
/// left out).
fn partition(data: &Path) -> Result<Stories> {
    let out = sqlite(
        &data.join("parallax.sqlite"),
        "SELECT article_id, shown_id FROM article_story",
    )
    .context("sqlite3")?;
    let mut by: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for line in out.lines() {
        if let Some((article, story)) = line.split_once('|') {
            by.entry(story.to_owned())
                .or_default()
                .insert(article.to_owned());
        }
    }
    Ok(by.into_values().collect())
}

/// The articles stored in `data`, after checking that each has one story row and the shown
/// stories count each once.
fn check(data: &Path) -> Result<u64> {
    let db = data.join("parallax.sqlite");
    let query = |sql: &str| -> Result<u64> {
        sqlite(&db, sql)
            .with_context(|| format!("sqlite3 {sql:?} (is the sqlite3 shell installed?)"))?
            .trim()
            .parse()
            .context("a count")
    };
    let articles = query("SELECT COUNT(*) FROM articles")?;
    let rows = query("SELECT COUNT(DISTINCT article_id) FROM article_story")?;
    let shown = query("SELECT COALESCE(SUM(articles), 0) FROM shown_stories")?;
    ensure!(
        rows == articles && shown == articles,
        "{}: {articles} articles, {rows} with a story row, {shown} counted by the shown stories",
        db.display()
    );
    Ok(articles)
}
