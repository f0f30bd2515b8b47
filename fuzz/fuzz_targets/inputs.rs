//! The whole dispatch (gzip, format sniffing, every reader) must never panic. The first byte
//! picks the file name, so extensions take part too.
#![no_main]

const NAMES: &[&str] = &[
    "a", "a.txt", "a.html", "a.json", "a.jsonl", "a.xml", "a.warc", "a.gz",
];

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Some((&first, rest)) = data.split_first() {
        ingest::fuzzing::any(NAMES[first as usize % NAMES.len()], rest);
    }
});
