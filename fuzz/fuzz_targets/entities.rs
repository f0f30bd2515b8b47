//! The entity recogniser on any edited text: never a panic, and every mention slices the text.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    for raw in mutate::fuzz_texts(data) {
        let text = text::normalize(&raw).text;
        let mentions = extract::ner::entities(&text);
        let _ = extract::ner::group(&text, &mentions);
    }
});
