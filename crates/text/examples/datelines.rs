//! Prints the dateline found at the start of each paragraph of each file named on the command
//! line, and whether its first line reads as a headline: a quick check for false positives.
//!
//! `cargo run -p text --example datelines -- FILE...`

fn main() -> std::io::Result<()> {
    for path in std::env::args().skip(1) {
        let raw = std::fs::read_to_string(&path)?;
        let n = text::normalize(&raw);
        let first = n.text.split("\n\n").next().unwrap_or("");
        println!("{path}\theadline={}", text::looks_like_headline(first));
        for p in text::paragraphs(&n.text) {
            if let Some(d) = text::dateline(&n.text[p.clone()]) {
                let found = &n.text[p.start + d.span.start..p.start + d.span.end];
                println!("\t{found:?}\tplace={:?}\toutlet={:?}", d.place, d.outlet);
            }
        }
    }
    Ok(())
}
