//! The whole pipeline over one story of edited texts, brief included: never a panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    mutate::pipeline::analyse_story(&mutate::fuzz_texts(data));
});
