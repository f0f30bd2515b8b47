//! Sentences, paragraphs and quotations of any edited text: never a panic, and every range lies
//! on character boundaries, in order, inside the text.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    for raw in mutate::fuzz_texts(data) {
        let text = text::normalize(&raw).text;
        let mut last = 0;
        for s in text::sentences(&text) {
            assert!(last <= s.start && s.start <= s.end && s.end <= text.len());
            assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
            last = s.end;
        }
        let _ = text::paragraphs(&text);
        let _ = text::quotations(&text);
    }
});
