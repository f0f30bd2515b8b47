//! Choosing a reader from the first bytes of an input and its file name, and refusing binary
//! files. Content wins over the extension wherever the content is unambiguous.

/// The formats we read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Text,
    Html,
    Json,
    Jsonl,
    Feed,
    Warc,
}

impl Format {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Format::Text => "plain text",
            Format::Html => "html",
            Format::Json => "json",
            Format::Jsonl => "json lines",
            Format::Feed => "feed",
            Format::Warc => "warc",
        }
    }
}

/// A first line at least this long with no end in sight marks JSON lines (see [`format`]).
const SNIFF_LONG_LINE: usize = 4096;

/// The lower-case extension of `name`, looking through a trailing `.gz`.
pub(crate) fn extension(name: &str) -> String {
    let name = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(name)
        .to_ascii_lowercase();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => ext.to_owned(),
        _ => String::new(),
    }
}

/// The offset of the first NUL byte, the mark of a binary file, unless the text is UTF-16 or
/// UTF-32 (with a byte order mark, or starting with `<`, `{` or `[`), which has NULs between
/// its characters and is decoded as text.
pub(crate) fn binary(prefix: &[u8]) -> Option<usize> {
    if crate::decode::Wide::of(prefix).is_some() {
        return None;
    }
    memchr::memchr(0, prefix)
}

/// The format of an input that starts with `prefix` and has extension `ext` (lower case, no
/// dot, `.gz` already looked through).
pub(crate) fn format(prefix: &[u8], ext: &str) -> Format {
    // UTF-16 and UTF-32 are sniffed as the text they hold.
    if let Some(wide) = crate::decode::Wide::of(prefix) {
        let (text, _) = wide.decode(&prefix[..prefix.len() - prefix.len() % 4]);
        return format(text.as_bytes(), ext);
    }
    if prefix.starts_with(b"WARC/") || ext == "warc" || ext == "arc" && prefix.starts_with(b"WARC")
    {
        return Format::Warc;
    }
    let body = skip_bom_and_space(prefix);
    match ext {
        "jsonl" | "ndjson" | "jsonlines" if body.first() == Some(&b'{') => return Format::Jsonl,
        "rss" | "atom" | "rdf" if body.first() == Some(&b'<') => return Format::Feed,
        _ => {}
    }
    match body.first() {
        // A JSON Feed (https://jsonfeed.org/version/1.1) is a feed, not an article record.
        Some(b'{') if memchr::memmem::find(body, b"jsonfeed.org/version/").is_some() => {
            Format::Feed
        }
        Some(b'{') => {
            // One complete object on the first line, and more lines like it, is JSON lines;
            // a pretty-printed object is one JSON document (which falls back to lines anyway).
            let first = body.split(|&b| b == b'\n').next().unwrap_or(body);
            let one_line = serde_json::from_slice::<serde::de::IgnoredAny>(first).is_ok();
            let more = body[first.len()..]
                .split(|&b| b == b'\n')
                .any(|l| skip_bom_and_space(l).first() == Some(&b'{'));
            // A first line longer than the sniffed prefix is a long record, not pretty-printing.
            let long_line = first.len() == body.len() && prefix.len() >= SNIFF_LONG_LINE;
            if one_line && (more || ext != "json") || long_line {
                Format::Jsonl
            } else {
                Format::Json
            }
        }
        Some(b'[') if matches!(skip_bom_and_space(&body[1..]).first(), Some(b'{' | b']')) => {
            Format::Json
        }
        Some(b'<') => markup_format(body, ext),
        _ if matches!(ext, "html" | "htm" | "xhtml" | "shtml") => Format::Html,
        _ => Format::Text,
    }
}

fn markup_format(body: &[u8], ext: &str) -> Format {
    let lower = body.to_ascii_lowercase();
    let first = |needles: &[&[u8]]| {
        needles
            .iter()
            .filter_map(|n| memchr::memmem::find(&lower, n))
            .min()
    };
    let feed = first(&[b"<rss", b"<feed", b"<rdf:rdf", b"<channel"]);
    let html = first(&[
        b"<html",
        b"<!doctype html",
        b"<body",
        b"<head",
        b"<div",
        b"<p>",
    ]);
    match (feed, html) {
        (Some(f), Some(h)) if f < h => Format::Feed,
        (Some(_), None) => Format::Feed,
        _ if html.is_none() && matches!(ext, "xml" | "rss" | "atom") => Format::Feed,
        _ => Format::Html,
    }
}

fn skip_bom_and_space(bytes: &[u8]) -> &[u8] {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    &bytes[start..]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, name: &str, expected: Format) {
        assert_eq!(
            format(input.as_bytes(), &extension(name)),
            expected,
            "{name}: {input:?}"
        );
    }

    #[test]
    fn formats() {
        check("WARC/1.1\r\n", "crawl", Format::Warc);
        check("Hello\n\nWorld", "story.txt", Format::Text);
        check("Hello", "page.html", Format::Html);
        check("<!DOCTYPE html><html>", "page", Format::Html);
        check(
            "<?xml version=\"1.0\"?><rss version=\"2.0\">",
            "x",
            Format::Feed,
        );
        check(
            "<?xml version=\"1.0\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">",
            "x",
            Format::Feed,
        );
        check("<rdf:RDF xmlns:rdf=\"x\">", "x.xml", Format::Feed);
        check(
            "{\"text\": \"a\"}\n{\"text\": \"b\"}\n",
            "a.json",
            Format::Jsonl,
        );
        check("{\"text\": \"a\"}\n", "a.json", Format::Json);
        check("{\"text\": \"a\"}\n", "a", Format::Jsonl);
        check("{\n  \"text\": \"a\"\n}\n", "a.json", Format::Json);
        check("[{\"text\": \"a\"}]", "a", Format::Json);
        check("[Updated] The council met", "a", Format::Text);
        check("{\"text\": \"a\"}\n", "a.jsonl.gz", Format::Jsonl);
        let long = format!("{{\"text\": \"{}", "a".repeat(5000));
        check(&long, "a.json", Format::Jsonl);
        check(
            "{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": []}",
            "feed.json",
            Format::Feed,
        );
    }

    #[test]
    fn wide_feeds_are_feeds_not_binary() {
        let xml = "<?xml version=\"1.0\" encoding=\"utf-16\"?><rss><channel>";
        let utf16_bom: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(xml.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let utf32_be: Vec<u8> = xml.chars().flat_map(|c| (c as u32).to_be_bytes()).collect();
        for bytes in [utf16_bom, utf32_be] {
            assert_eq!(binary(&bytes), None);
            assert_eq!(format(&bytes, "xml"), Format::Feed);
        }
        // A NUL after anything else is still binary.
        assert_eq!(binary(b"GIF89a\0\0"), Some(6));
    }

    #[test]
    fn extensions() {
        assert_eq!(extension("dir.d/a.JSONL.gz"), "jsonl");
        assert_eq!(extension(".hidden"), "");
        assert_eq!(extension("-"), "");
    }

    #[test]
    fn binary_files() {
        assert_eq!(binary(b"abc\0def"), Some(3));
        assert_eq!(binary(b"\xff\xfea\0b\0"), None);
        assert_eq!(binary(b"plain"), None);
    }
}
