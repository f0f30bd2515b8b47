//! Prints the quotations of a text read from standard input as tab-separated byte offsets into
//! that original text (mapped back through the normalisation): span start, span end, inner
//! start, inner end, depth, closed. For checking quotation pairing against annotated corpora.
//!
//! `cargo run -p text --example quotations < article.txt`

use std::io::{Read, Write};

fn main() -> std::io::Result<()> {
    let mut raw = String::new();
    std::io::stdin().read_to_string(&mut raw)?;
    let n = text::normalize(&raw);
    let mut out = std::io::stdout().lock();
    for q in text::quotations(&n.text) {
        let span = n.original_span(q.span);
        let inner = n.original_span(q.inner);
        writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{}",
            span.start, span.end, inner.start, inner.end, q.depth, q.closed
        )?;
    }
    Ok(())
}
