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
    if let Some(wide) = Wide::of(bytes) {
        return wide.decode(bytes);
    }
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

/// UTF-16 and UTF-32, told by a byte order mark or, without one, by the NUL bytes around a
/// leading `<` or `{` (an XML feed, a JSON document). `encoding_rs` has no UTF-32 (the WHATWG
/// standard dropped it), so it is decoded here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wide {
    Utf16Le,
    Utf16Be,
    Utf32Le,
    Utf32Be,
}

impl Wide {
    /// The wide encoding `bytes` start in, if any.
    pub(crate) fn of(bytes: &[u8]) -> Option<Wide> {
        let lead = |b: u8| b == b'<' || b == b'{' || b == b'[';
        match bytes {
            [0xFF, 0xFE, 0, 0, ..] => Some(Wide::Utf32Le),
            [0, 0, 0xFE, 0xFF, ..] => Some(Wide::Utf32Be),
            [0xFF, 0xFE, ..] => Some(Wide::Utf16Le),
            [0xFE, 0xFF, ..] => Some(Wide::Utf16Be),
            [c, 0, 0, 0, ..] if lead(*c) => Some(Wide::Utf32Le),
            [0, 0, 0, c, ..] if lead(*c) => Some(Wide::Utf32Be),
            [c, 0, d, 0, ..] if lead(*c) && *d != 0 => Some(Wide::Utf16Le),
            [0, c, 0, d, ..] if lead(*c) && *d != 0 => Some(Wide::Utf16Be),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Wide::Utf16Le => "utf-16le",
            Wide::Utf16Be => "utf-16be",
            Wide::Utf32Le => "utf-32le",
            Wide::Utf32Be => "utf-32be",
        }
    }

    /// The text, without its byte order mark; a warning names the first bad code unit.
    pub(crate) fn decode(self, bytes: &[u8]) -> (String, Option<String>) {
        let (text, bad) = match self {
            Wide::Utf16Le | Wide::Utf16Be => {
                let encoding = if self == Wide::Utf16Le {
                    encoding_rs::UTF_16LE
                } else {
                    encoding_rs::UTF_16BE
                };
                let body = Encoding::for_bom(bytes).map_or(bytes, |(_, n)| &bytes[n..]);
                let (text, bad) = encoding.decode_without_bom_handling(body);
                (text.into_owned(), bad.then_some(None))
            }
            Wide::Utf32Le | Wide::Utf32Be => {
                let mut text = String::with_capacity(bytes.len() / 4);
                let mut bad = None;
                for (i, unit) in bytes.chunks(4).enumerate() {
                    let c = match unit {
                        [a, b, c, d] if self == Wide::Utf32Le => {
                            u32::from_le_bytes([*a, *b, *c, *d])
                        }
                        [a, b, c, d] => u32::from_be_bytes([*a, *b, *c, *d]),
                        _ => u32::MAX,
                    };
                    if i == 0 && c == 0xFEFF {
                        continue;
                    }
                    match char::from_u32(c) {
                        Some(c) => text.push(c),
                        None => {
                            bad.get_or_insert(i * 4);
                            text.push('\u{FFFD}');
                        }
                    }
                }
                (text, bad.map(Some))
            }
        };
        let warning = bad.map(|at| match at {
            Some(at) => format!(
                "invalid {} at byte {at}; bad code units replaced with U+FFFD",
                self.name()
            ),
            None => format!(
                "invalid {}; bad code units replaced with U+FFFD",
                self.name()
            ),
        });
        (text, warning)
    }
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
    fn utf16_and_utf32_with_and_without_bom() {
        fn wide(text: &str, le: bool, four: bool, bom: bool) -> Vec<u8> {
            let mut out = Vec::new();
            for c in bom.then_some('\u{FEFF}').into_iter().chain(text.chars()) {
                if four {
                    let n = c as u32;
                    out.extend(if le { n.to_le_bytes() } else { n.to_be_bytes() });
                } else {
                    for u in c.encode_utf16(&mut [0; 2]) {
                        out.extend(if le { u.to_le_bytes() } else { u.to_be_bytes() });
                    }
                }
            }
            out
        }
        let xml = "<rss><title>Caf\u{e9} \u{1F30A}</title></rss>";
        for le in [true, false] {
            for four in [true, false] {
                for bom in [true, false] {
                    let bytes = wide(xml, le, four, bom);
                    assert!(Wide::of(&bytes).is_some(), "{le} {four} {bom}");
                    assert_eq!(decode(&bytes, None), (xml.to_owned(), None));
                }
            }
        }
        let mut bad = wide("<a>", true, true, false);
        bad.extend([0, 0, 0x11, 0]);
        let (text, warning) = decode(&bad, None);
        assert_eq!(text, "<a>\u{FFFD}");
        assert_eq!(
            warning.as_deref(),
            Some("invalid utf-32le at byte 12; bad code units replaced with U+FFFD")
        );
        // Plain ASCII and UTF-8 are not wide.
        assert_eq!(Wide::of(b"<rss>"), None);
        assert_eq!(Wide::of("{\"a\": 1}".as_bytes()), None);
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
