//! Prints what the `text` crate finds in a text read from standard input: the dateline, the
//! language, then each sentence on its own line and each quotation, for eyeballing real articles.
//!
//! `cargo run -p text --example inspect < article.txt`

use std::io::{ErrorKind, Read, Write};

fn main() -> std::io::Result<()> {
    let mut raw = String::new();
    std::io::stdin().read_to_string(&mut raw)?;
    match print(&raw) {
        // `inspect < a.txt | head` is fine.
        Err(e) if e.kind() == ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

fn print(raw: &str) -> std::io::Result<()> {
    let n = text::normalize(raw);
    let t = &n.text;
    let mut out = std::io::stdout().lock();
    writeln!(out, "dateline: {:?}", text::dateline(t))?;
    writeln!(out, "language: {:?}", text::language(t))?;
    for s in text::sentences(t) {
        writeln!(out, "S| {}", &t[s])?;
    }
    for q in text::quotations(t) {
        let mark = if q.closed { "" } else { " (open)" };
        writeln!(out, "Q{}{}| {}", q.depth, mark, &t[q.inner])?;
    }
    Ok(())
}
