//! Throughput of each text stage on about 1 MB of news-like text (a fictional paragraph,
//! repeated), or on the file named on the command line. Best of five runs, one thread.
//!
//! `cargo run --release -p text --example bench [-- FILE]`

use std::hint::black_box;
use std::time::{Duration, Instant};

const PARAGRAPH: &str = "PORT ELLIS, March 3 (Reuters) - Sen. Jane Doe said on Jan. 5 that the \
U.S. economy grew 3.5 per cent, citing figures from Acme Inc. and the U.N. “It is good news. \
Really,” she told reporters at 9 a.m. Others disagreed! Why? Nobody knows... The minister, \
who met J. K. Rowling in St. Louis, said the café would reopen.\n\n";

fn best_of_five(mut f: impl FnMut()) -> Duration {
    (0..5)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn main() -> std::io::Result<()> {
    let raw = match std::env::args().nth(1) {
        Some(path) => std::fs::read_to_string(path)?,
        None => PARAGRAPH.repeat(1_000_000 / PARAGRAPH.len() + 1),
    };
    let n = text::normalize(&raw);
    let t = &n.text;
    let mb = raw.len() as f64 / 1e6;
    let report = |name: &str, d: Duration| {
        let ms = d.as_secs_f64() * 1e3;
        println!("{name:<12} {ms:8.2} ms  {:8.1} MB/s", mb / d.as_secs_f64());
    };
    println!("{:.2} MB", mb);
    report(
        "normalize",
        best_of_five(|| drop(black_box(text::normalize(&raw)))),
    );
    report(
        "paragraphs",
        best_of_five(|| drop(black_box(text::paragraphs(t)))),
    );
    report(
        "sentences",
        best_of_five(|| drop(black_box(text::sentences(t)))),
    );
    report(
        "quotations",
        best_of_five(|| drop(black_box(text::quotations(t)))),
    );
    report("words", best_of_five(|| drop(black_box(text::words(t)))));
    report(
        "language",
        best_of_five(|| _ = black_box(text::language(t))),
    );
    report(
        "dateline",
        best_of_five(|| drop(black_box(text::dateline(t)))),
    );
    Ok(())
}
