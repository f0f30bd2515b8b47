//! Turning page bytes into text: byte-order mark, then a charset given by the caller (an HTTP
//! header), then one declared in the page (`<meta charset>` or `http-equiv`), then detection.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8};

/// How many leading bytes are searched for a `<meta>` charset declaration. The standard says
/// 1,024, but real pages put long scripts and styles first.
const PRESCAN_BYTES: usize = 16 * 1024;

/// Text decoded from a page, with the encoding used and, when the choice was a guess or the
/// input was damaged, a warning for the article.
pub struct Decoded<'a> {
    pub text: Cow<'a, str>,
    pub encoding: &'static Encoding,
    pub warning: Option<String>,
}

/// Decodes `bytes`, never failing: bytes that are invalid in the chosen encoding become U+FFFD
/// and a warning says so.
pub fn decode<'a>(bytes: &'a [u8], http_charset: Option<&str>) -> Decoded<'a> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        return finish(encoding, &bytes[bom_len..], None);
    }
    let declared = http_charset
        .and_then(|l| Encoding::for_label(l.trim().as_bytes()))
        .or_else(|| prescan(&bytes[..bytes.len().min(PRESCAN_BYTES)]))
        // A page cannot declare UTF-16 in ASCII-compatible bytes; browsers read it as UTF-8.
        .map(|e| e.output_encoding());
    match declared {
        Some(encoding) if encoding == UTF_8 => finish(UTF_8, bytes, None),
        Some(encoding) => {
            // Pages that declare a legacy charset but are really UTF-8 are common (a template
            // copied from an old site). For a single-byte charset, non-ASCII that is valid
            // UTF-8 settles it; a multi-byte one (EUC-KR, Shift_JIS, GBK) is left only when
            // the bytes do not decode in it, or hold more UTF-8 sequences than a legacy text
            // could by chance.
            let utf8 = !bytes.is_ascii() && std::str::from_utf8(bytes).is_ok();
            let name = encoding.name().to_ascii_lowercase();
            if utf8 && encoding.is_single_byte() {
                let note =
                    format!("page declares charset {name} but is valid utf-8; read as utf-8");
                finish(UTF_8, bytes, Some(note))
            } else if utf8 {
                let (_, had_errors) = encoding.decode_without_bom_handling(bytes);
                if had_errors || utf8_sequences(bytes) >= 8 {
                    let note =
                        format!("page declares charset {name} but is valid utf-8; read as utf-8");
                    finish(UTF_8, bytes, Some(note))
                } else {
                    finish(encoding, bytes, None)
                }
            } else {
                finish(encoding, bytes, None)
            }
        }
        None => {
            if std::str::from_utf8(bytes).is_ok() {
                return finish(UTF_8, bytes, None);
            }
            let mut detector = chardetng::EncodingDetector::new();
            detector.feed(bytes, true);
            let encoding = detector.guess(None, false);
            let note = format!(
                "no charset declared, detected {}",
                encoding.name().to_ascii_lowercase()
            );
            finish(encoding, bytes, Some(note))
        }
    }
}

/// How many multi-byte UTF-8 sequences `bytes` holds (lead bytes), up to 64.
fn utf8_sequences(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b >= 0xC2).take(64).count()
}

fn finish<'a>(
    encoding: &'static Encoding,
    bytes: &'a [u8],
    warning: Option<String>,
) -> Decoded<'a> {
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    let warning = if had_errors {
        let invalid = format!(
            "invalid {} bytes replaced with U+FFFD",
            encoding.name().to_ascii_lowercase()
        );
        Some(match warning {
            Some(w) => format!("{w}; {invalid}"),
            None => invalid,
        })
    } else {
        warning
    };
    Decoded {
        text,
        encoding,
        warning,
    }
}

/// Finds a charset declared in a `<meta>` tag: `<meta charset="x">` or
/// `<meta http-equiv="Content-Type" content="text/html; charset=x">`.
fn prescan(head: &[u8]) -> Option<&'static Encoding> {
    meta_charset(head).or_else(|| {
        // Upper-case tags (`<META`) are rare; look for them only when nothing else was found.
        let lower = head.to_ascii_lowercase();
        (lower != head).then(|| meta_charset(&lower)).flatten()
    })
}

/// The first charset named in a lower-case `<meta` tag of `head`.
fn meta_charset(head: &[u8]) -> Option<&'static Encoding> {
    let mut at = 0;
    while let Some(found) = memchr::memmem::find(&head[at..], b"<meta") {
        let start = at + found + 5;
        let end = memchr::memchr(b'>', &head[start..]).map_or(head.len(), |e| start + e);
        if let Some(encoding) = charset_in(&head[start..end]).and_then(Encoding::for_label) {
            return Some(encoding);
        }
        at = end;
    }
    None
}

/// The value after `charset=` inside one tag's bytes, without quotes.
fn charset_in(tag: &[u8]) -> Option<&[u8]> {
    let pos = tag
        .windows(7)
        .position(|w| w.eq_ignore_ascii_case(b"charset"))?;
    let mut rest = &tag[pos + 7..];
    rest = rest.trim_ascii_start();
    rest = rest.strip_prefix(b"=")?.trim_ascii_start();
    let rest = rest
        .strip_prefix(b"\"")
        .or_else(|| rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let len = rest
        .iter()
        .position(|&c| {
            matches!(c, b'"' | b'\'' | b';' | b' ' | b'/' | b'>') || c.is_ascii_whitespace()
        })
        .unwrap_or(rest.len());
    (len > 0).then(|| &rest[..len])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &[u8], expected_text: &str, expected_warning: Option<&str>) {
        let d = decode(input, None);
        assert!(
            d.text.contains(expected_text),
            "{:?} does not contain {expected_text:?}",
            d.text
        );
        assert_eq!(d.warning.as_deref(), expected_warning);
    }

    #[test]
    fn utf8_and_bom() {
        check("<p>café</p>".as_bytes(), "café", None);
        check(b"\xEF\xBB\xBF<p>caf\xC3\xA9</p>", "<p>café", None);
        check(b"\xFF\xFE<\0p\0>\0", "<p>", None);
    }

    #[test]
    fn declared_charsets() {
        check(b"<meta charset=\"iso-8859-1\"><p>caf\xE9</p>", "café", None);
        check(
            b"<META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=windows-1251\"><p>\xcf\xf0\xe8</p>",
            "При",
            None,
        );
        check(
            "<meta charset='latin1'><p>café</p>".as_bytes(),
            "café",
            Some("page declares charset windows-1252 but is valid utf-8; read as utf-8"),
        );
    }

    #[test]
    fn a_multi_byte_charset_that_is_really_utf8() {
        // A Korean page that declares euc-kr but was saved as UTF-8.
        let page = "<meta charset=\"euc-kr\"><p>서울시는 오늘 새 다리를 개통했다고 밝혔다</p>";
        check(
            page.as_bytes(),
            "서울시는 오늘 새 다리를",
            Some("page declares charset euc-kr but is valid utf-8; read as utf-8"),
        );
        // Real EUC-KR stays EUC-KR ("서울" in EUC-KR bytes is not valid UTF-8).
        check(
            b"<meta charset=\"euc-kr\"><p>\xbc\xad\xbf\xef</p>",
            "서울",
            None,
        );
    }

    #[test]
    fn latin1_without_charset_is_detected() {
        check(
            b"<html><p>Le caf\xE9 \xE9tait ferm\xE9 et la for\xEAt \xE9tait calme.</p>",
            "Le café était fermé",
            Some("no charset declared, detected windows-1252"),
        );
    }

    #[test]
    fn invalid_utf8_is_replaced() {
        check(
            b"<meta charset=utf-8><p>bad \xFF byte</p>",
            "bad \u{FFFD} byte",
            Some("invalid utf-8 bytes replaced with U+FFFD"),
        );
    }

    #[test]
    fn http_charset_wins_over_meta() {
        let d = decode(b"<meta charset=utf-8><p>caf\xE9</p>", Some("iso-8859-1"));
        assert!(d.text.contains("café"));
    }
}
