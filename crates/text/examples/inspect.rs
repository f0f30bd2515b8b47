//! Prints what the `text` crate finds in a text read from standard input: the dateline, the
//! language, then each sentence on its own line and each quotation, for eyeballing real articles.
//!
//! `cargo run -p text --example inspect < article.txt`

use std::io::Read;

fn main() -> std::io::Result<()> {
    let mut raw = String::new();
    std::io::stdin().read_to_string(&mut raw)?;
    let n = text::normalize(&raw);
    let t = &n.text;
    println!("dateline: {:?}", text::dateline(t));
    println!("language: {:?}", text::language(t));
    for s in text::sentences(t) {
        println!("S| {}", &t[s]);
    }
    for q in text::quotations(t) {
        let mark = if q.closed { "" } else { " (open)" };
        println!("Q{}{}| {}", q.depth, mark, &t[q.inner]);
    }
    Ok(())
}
