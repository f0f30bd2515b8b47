//! Turning the bytes of a text document into a `String`: UTF-8 when it is, the byte order mark's
//! or the declared encoding when there is one, otherwise the encoding `chardetng` guesses, with a
//! warning that says where the UTF-8 broke. Never fails: every byte sequence decodes to something.

use encoding_rs::{Encoding, UTF_8};

/// How much of a document the encoding detector looks at: enough to tell, bounded in time.
const DETECT_BYTES: usize = 1 << 20;

/// Decodes `bytes`, preferring `declared` (a document's own charset) over detection. Returns
/// the text and, when it was not plain UTF-8, a warning saying how it was read.
pub(crate) fn decode(
    bytes: &[u8],
    declared: Option<&'static Encoding>,
) -> (String, Option<String>) {
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom..]);
        return (text.into_owned(), None);
    }
    let error = match std::str::from_utf8(bytes) {
        Ok(text) => return (text.to_owned(), None),
        Err(e) => e,
    };
    let offset = error.valid_up_to();
    if let Some(encoding) = declared.filter(|e| *e != UTF_8) {
        let (text, _, _) = encoding.decode(bytes);
        return (text.into_owned(), None);
    }
    let mut detector = chardetng::EncodingDetector::new();
    let sample = &bytes[..bytes.len().min(DETECT_BYTES)];
    detector.feed(sample, sample.len() == bytes.len());
    let encoding = detector.guess(None, true);
    let (text, _, _) = encoding.decode(bytes);
    let warning = if encoding == UTF_8 {
        format!("invalid utf-8 at byte {offset}; bad bytes replaced with U+FFFD")
    } else {
        format!(
            "not valid utf-8 (first bad byte at offset {offset}); read as {}",
            encoding.name().to_ascii_lowercase()
        )
    };
    (text.into_owned(), Some(warning))
}

/// The charset an HTML or XML document declares in its first bytes (`<meta charset>`,
/// `http-equiv` content type, or the XML declaration's `encoding`), if any.
pub(crate) fn declared_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = bytes[..bytes.len().min(4096)].to_ascii_lowercase();
    for key in [&b"charset="[..], b"encoding="] {
        let mut from = 0;
        while let Some(i) = memchr::memmem::find(&head[from..], key) {
            let start = from + i + key.len();
            let rest = &head[start..];
            let rest = rest
                .strip_prefix(b"\"")
                .or(rest.strip_prefix(b"'"))
                .unwrap_or(rest);
            let end = rest
                .iter()
                .position(|b| {
                    !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.'))
                })
                .unwrap_or(rest.len());
            if let Some(encoding) = Encoding::for_label(&rest[..end]) {
                return Some(encoding);
            }
            from = start;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(bytes: &[u8], text: &str, warning: Option<&str>) {
        let (got, got_warning) = decode(bytes, declared_charset(bytes));
        assert_eq!(got, text);
        match warning {
            Some(w) => assert!(
                got_warning.as_deref().is_some_and(|g| g.contains(w)),
                "{got_warning:?} should contain {w:?}"
            ),
            None => assert_eq!(got_warning, None),
        }
    }

    #[test]
    fn encodings() {
        check("Caf\u{e9} cr\u{e8}me".as_bytes(), "Café crème", None);
        check(b"\xef\xbb\xbfBOM", "BOM", None);
        check(b"\xff\xfeh\0i\0", "hi", None);
        check(
            b"Le caf\xe9 de la gare a rouvert ses portes apr\xe8s des ann\xe9es de travaux.",
            "Le café de la gare a rouvert ses portes après des années de travaux.",
            Some("offset 6"),
        );
        check(
            b"<meta charset=\"iso-8859-1\"><p>caf\xe9",
            "<meta charset=\"iso-8859-1\"><p>café",
            None,
        );
    }
}
