//! Entry points for the fuzz targets in `fuzz/`: one per reader, each taking raw bytes and
//! driving the reader to the end. Not part of the API; hidden from the docs.

use crate::{Source, feed, json, plain, warc};

/// A bound small enough that the fuzzer explores limits, large enough for real records.
const LIMIT: u64 = 1 << 16;

/// The plain-text reader and [`crate::Draft::finish`].
pub fn text(bytes: &[u8]) {
    if let Ok(draft) = plain::read("fuzz.txt", bytes) {
        let _ = draft.finish(Source::file("fuzz.txt"));
    }
}

/// The JSON lines reader, and the whole-document JSON reader on the same bytes.
pub fn jsonl(bytes: &[u8]) {
    json::Lines::new("fuzz.jsonl".into(), bytes, LIMIT).for_each(drop);
    json::read_document("fuzz.json", bytes, LIMIT);
}

/// The RSS/Atom reader.
pub fn feed(bytes: &[u8]) {
    feed::read("fuzz.xml", bytes);
}

/// The WARC reader.
pub fn warc(bytes: &[u8]) {
    warc::Records::new("fuzz.warc".into(), bytes, LIMIT).for_each(drop);
}

/// The whole dispatch as the CLI sees it: gzip, sniffing, every reader.
pub fn any(name: &str, bytes: &[u8]) {
    crate::read_bytes(name, bytes);
}
