//! The clusterer's online and batch passes over edited texts: never a panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let articles = mutate::pipeline::articles(&mutate::fuzz_texts(data));
    mutate::pipeline::cluster(&articles);
});
