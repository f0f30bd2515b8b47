//! The HTML extractor must never panic, whatever the bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = ingest::html::extract(data, "fuzz.html", Some("https://example.org/a"));
});
