//! Quotations and speakers of any edited text, through the bridge the front ends call: never a
//! panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    for raw in mutate::fuzz_texts(data) {
        let text = text::normalize(&raw).text;
        let _ = mutate::pipeline::analyse_text(&text);
    }
});
