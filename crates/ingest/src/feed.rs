//! RSS 2.0, RSS 1.0 (RDF), Atom and JSON Feed 1.0/1.1: each item or entry an article,
//! numbered from 1, in UTF-8, UTF-16 or UTF-32 (with or without a byte order mark).
//!
//! The full content (`content:encoded`, Atom `content`, JSON `content_html`/`content_text`) is
//! used when the feed carries it, otherwise the summary (`description`, Atom `summary`,
//! `media:description` of a media-only entry, JSON `summary`), marked `summary_only` with a
//! warning. The channel's language (`<language>`, `xml:lang`, JSON `language`) is the items'
//! unless an item says its own. A broken item is reported with its number and the parser
//! starts again at the next item, so one bad item never costs the others.
//!
//! Hand-written on `quick-xml` rather than on the `feed-rs` crate: `feed-rs` parses a whole
//! feed into its model or fails it whole, so one broken item would cost every other one and
//! the error could not name the item; here each item is an article or an error with its
//! number and byte offset.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::{Article, Draft, ReadError, Source, dates, decode, markup};

/// Reads every item of the feed in `bytes`; `path` names it in sources and messages.
pub(crate) fn read(path: &str, bytes: &[u8]) -> Vec<Result<Article, ReadError>> {
    let (text, warning) = decode::decode(bytes, decode::declared_charset(bytes));
    if text.trim_start().starts_with('{') {
        return json_feed(path, &text, warning);
    }
    let mut parser = Parser {
        path,
        warning,
        ..Parser::default()
    };
    parser.run(&text);
    if parser.items == 0 && parser.out.is_empty() {
        parser.out.push(Err(ReadError::BadInput {
            location: path.to_owned(),
            message: "feed has no items".into(),
        }));
    }
    parser.out
}

/// The channel's `<ttl>` (RSS: minutes the feed may be cached), looked for in the first 64 KiB.
pub(crate) fn ttl_minutes(bytes: &[u8]) -> Option<u64> {
    let head = &bytes[..bytes.len().min(64 * 1024)];
    let find = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).position(|w| w == needle);
    let start = find(head, b"<ttl>")? + b"<ttl>".len();
    let rest = &head[start..];
    let end = find(rest, b"</ttl>")?;
    std::str::from_utf8(&rest[..end]).ok()?.trim().parse().ok()
}

#[derive(Default)]
struct Parser<'p> {
    path: &'p str,
    /// How the feed's bytes were decoded, when that needs saying.
    warning: Option<String>,
    out: Vec<Result<Article, ReadError>>,
    /// Open elements (lower-cased qualified names) since the parser last (re)started.
    stack: Vec<String>,
    /// The feed's own title, from `<channel><title>` or `<feed><title>`.
    outlet: Option<String>,
    channel_title: Option<String>,
    /// The channel's `<language>` or the feed's `xml:lang`, as an ISO 639 code.
    language: Option<String>,
    /// Text of the channel's `<language>` element being read.
    channel_language: Option<String>,
    /// Items seen so far; the number of the current one.
    items: u64,
    item: Option<Item>,
    /// The stack depth of the current item's element.
    item_depth: usize,
    field: Option<Field>,
}

#[derive(Default)]
struct Item {
    title: Option<String>,
    link: Option<String>,
    guid: Option<String>,
    summary: Option<String>,
    content: Option<String>,
    content_is_text: bool,
    authors: Vec<String>,
    published: Option<String>,
    updated: Option<String>,
    language: Option<String>,
}

/// A child element of an item whose text is being collected.
struct Field {
    name: String,
    text: String,
    /// Text of a nested `<name>` (Atom authors).
    nested_name: Option<String>,
    in_name: bool,
    /// Atom `type="text"`, or a `src` that points elsewhere.
    plain: bool,
    external: bool,
}

impl Parser<'_> {
    fn run(&mut self, text: &str) {
        let mut start = 0;
        loop {
            let mut reader = Reader::from_str(&text[start..]);
            let error = loop {
                match reader.read_event() {
                    Ok(Event::Eof) => break None,
                    Ok(event) => self.event(event),
                    Err(e) => break Some(e),
                }
            };
            let at = start + reader.error_position() as usize;
            match error {
                None => {
                    if self.item.is_some() {
                        self.broken(at, "the item is not closed at the end of the feed");
                    }
                    return;
                }
                Some(e) => {
                    let message = crate::input::lower(&e.to_string());
                    if self.item.is_some() {
                        self.broken(at, &message);
                    } else if self.items == 0 {
                        self.out.push(Err(ReadError::BadInput {
                            location: self.path.to_owned(),
                            message: format!("broken feed at byte {at}: {message}"),
                        }));
                    }
                    // Anything after the last item is only the closing of the channel.
                    match next_item(text, at + 1) {
                        Some(next) => start = next,
                        None => return,
                    }
                    self.stack.clear();
                    self.field = None;
                }
            }
        }
    }

    fn broken(&mut self, at: usize, message: &str) {
        self.item = None;
        self.field = None;
        self.out.push(Err(ReadError::BadInput {
            location: format!("{}#{}", self.path, self.items),
            message: format!(
                "broken item {} at byte {at}: {message}; the feed's other items are read",
                self.items
            ),
        }));
    }

    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(e) => {
                let name = e.name().as_ref().to_ascii_lowercase();
                self.open(&e, &name, false);
                self.stack.push(name);
            }
            Event::Empty(e) => {
                let name = e.name().as_ref().to_ascii_lowercase();
                self.open(&e, &name, true);
            }
            Event::End(e) => {
                let name = e.name().as_ref().to_ascii_lowercase();
                self.stack.pop();
                self.close(&name);
            }
            Event::Text(e) => self.text(&e.xml10_content()),
            Event::CData(e) => self.text(&e.xml10_content()),
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    Ok(None) => match &*r {
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "amp" => Some('&'),
                        "quot" => Some('"'),
                        "apos" => Some('\''),
                        // Feeds often use HTML's entities without declaring them.
                        name => markup::entity(name),
                    },
                    Err(_) => None,
                };
                match c {
                    Some(c) => self.text(c.encode_utf8(&mut [0; 4])),
                    None => self.text(&format!("&{};", &*r)),
                }
            }
            _ => {}
        }
    }

    fn open(&mut self, e: &BytesStart<'_>, name: &str, empty: bool) {
        let lang = || {
            e.attributes()
                .flatten()
                .find(|a| a.key.as_ref().eq_ignore_ascii_case("xml:lang"))
                .and_then(|a| language_code(&a.value))
        };
        if self.item.is_none() {
            if !empty && (name == "item" || name == "entry") {
                self.items += 1;
                self.item = Some(Item {
                    language: lang(),
                    ..Item::default()
                });
                self.item_depth = self.stack.len();
            } else if matches!(name, "feed" | "channel" | "rss" | "rdf:rdf")
                && let Some(l) = lang()
            {
                self.language = Some(l);
            }
            return;
        }
        let depth = self.stack.len() - self.item_depth;
        if depth == 1 {
            let attr = |key: &str| {
                e.attributes()
                    .flatten()
                    .find(|a| a.key.as_ref().eq_ignore_ascii_case(key))
                    .map(|a| a.value.into_owned())
            };
            if name == "link"
                && let Some(href) = attr("href")
                && attr("rel").is_none_or(|r| r == "alternate")
                && let Some(item) = &mut self.item
                && item.link.is_none()
            {
                item.link = Some(href);
            }
            if !empty {
                let kind = attr("type").unwrap_or_default();
                self.field = Some(Field {
                    name: name.to_owned(),
                    text: String::new(),
                    nested_name: None,
                    in_name: false,
                    plain: kind == "text" || kind == "text/plain",
                    external: attr("src").is_some(),
                });
            }
        } else if let Some(field) = &mut self.field {
            if name == "name" && !empty {
                field.in_name = true;
            }
            // Atom XHTML content arrives as elements: keep them as markup for the stripper.
            field.text.push('<');
            field.text.push_str(name);
            field.text.push_str(if empty { "/>" } else { ">" });
        }
    }

    fn close(&mut self, name: &str) {
        let Some(item) = &mut self.item else {
            return;
        };
        let depth = self.stack.len() - self.item_depth.min(self.stack.len());
        if self.stack.len() < self.item_depth + 1 {
            // The item's own end tag.
            let item = self.item.take().unwrap_or_default();
            self.field = None;
            let article = self.article(item);
            self.out.push(article);
            return;
        }
        if depth == 1 {
            if let Some(field) = self.field.take() {
                assign(item, field);
            }
        } else if let Some(field) = &mut self.field {
            if name == "name" {
                field.in_name = false;
            }
            field.text.push_str("</");
            field.text.push_str(name);
            field.text.push('>');
        }
    }

    fn text(&mut self, s: &str) {
        if let Some(field) = &mut self.field {
            field.text.push_str(s);
            if field.in_name {
                field.nested_name.get_or_insert_default().push_str(s);
            }
        } else if self.item.is_none()
            && self
                .stack
                .last()
                .is_some_and(|n| n == "language" || n == "dc:language")
            && self.stack.len() >= 2
            && self.stack[self.stack.len() - 2] == "channel"
        {
            self.channel_language.get_or_insert_default().push_str(s);
        } else if self.item.is_none()
            && self.outlet.is_none()
            && self.stack.last().is_some_and(|n| n == "title")
            && self.stack.len() >= 2
            && matches!(
                self.stack[self.stack.len() - 2].as_str(),
                "channel" | "feed"
            )
        {
            self.channel_title.get_or_insert_default().push_str(s);
        } else if let Some(title) = self.channel_title.take() {
            self.outlet = Some(title.trim().to_owned()).filter(|t| !t.is_empty());
        }
    }

    fn article(&mut self, item: Item) -> Result<Article, ReadError> {
        if let Some(title) = self.channel_title.take() {
            self.outlet = Some(title.trim().to_owned()).filter(|t| !t.is_empty());
        }
        if let Some(l) = self.channel_language.take() {
            self.language = language_code(&l).or(self.language.take());
        }
        let mut draft = Draft {
            outlet: self.outlet.clone(),
            language: item.language.or_else(|| self.language.clone()),
            title: item.title.map(|t| markup::strip(&t).text),
            authors: item.authors,
            warnings: self.warning.iter().cloned().collect(),
            ..Draft::default()
        };
        draft.url = item
            .link
            .map(|l| l.trim().to_owned())
            .filter(|l| !l.is_empty())
            .or(item.guid.filter(|g| g.starts_with("http")));
        let content = item.content.filter(|c| !c.trim().is_empty());
        draft.body = match (content, item.summary) {
            (Some(content), _) => body(&content, item.content_is_text),
            (None, Some(summary)) => {
                draft.summary_only = true;
                draft
                    .warnings
                    .push("the feed carries only a summary of this article".into());
                body(&summary, false)
            }
            (None, None) => String::new(),
        };
        first_date(
            &mut draft,
            [item.published, item.updated].into_iter().flatten(),
        );
        draft.finish(Source::record(self.path, self.items))
    }
}

/// Stores a finished child element of an item.
fn assign(item: &mut Item, field: Field) {
    let Field {
        name,
        text,
        nested_name,
        plain,
        external,
        ..
    } = field;
    match name.as_str() {
        "title" => item.title = Some(text),
        "link" if item.link.is_none() => item.link = Some(text),
        "guid" | "id" => item.guid = Some(text.trim().to_owned()),
        "description" | "summary" | "dc:description" | "media:description" => {
            item.summary = Some(text)
        }
        // YouTube's Atom entries hold only a media group: its description is the summary.
        "media:group" if item.summary.is_none() => {
            let inner = text
                .split_once("<media:description>")
                .and_then(|(_, rest)| rest.split_once("</media:description>"))
                .map(|(d, _)| d.to_owned());
            item.summary = inner.filter(|d| !d.trim().is_empty());
        }
        "dc:language" | "language" => item.language = language_code(&text),
        "content:encoded" => item.content = Some(text),
        "content" if !external => {
            item.content = Some(text);
            item.content_is_text = plain;
        }
        "author" | "dc:creator" | "creator" | "dc:contributor" => {
            let name = nested_name.unwrap_or(text);
            let name = name.trim();
            // RSS 2.0 writes `jane@example.org (Jane Doe)`.
            let name = match name.split_once('(') {
                Some((email, rest)) if email.contains('@') => rest.trim_end_matches(')').trim(),
                _ => name,
            };
            if !name.is_empty() && !name.contains('@') {
                item.authors.push(name.to_owned());
            }
        }
        "pubdate" | "dc:date" | "published" | "issued" => item.published = Some(text),
        "updated" | "modified" | "dcterms:modified" => item.updated = Some(text),
        _ => {}
    }
}

/// `en-US`, `en_gb`, `DE` → the ISO 639 code; None for anything that is not one.
fn language_code(tag: &str) -> Option<String> {
    let primary = tag.trim().split(['-', '_']).next()?;
    ((2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_alphabetic()))
        .then(|| primary.to_ascii_lowercase())
}

/// A JSON Feed (https://jsonfeed.org, versions 1.0 and 1.1): the feed's `title` is the
/// outlet, its `language` the items'; each item an article (`content_html`, else
/// `content_text`, else `summary` as a summary), or an error naming the item.
fn json_feed(path: &str, text: &str, warning: Option<String>) -> Vec<Result<Article, ReadError>> {
    let bad = |location: String, message: String| Err(ReadError::BadInput { location, message });
    let feed: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            return vec![bad(
                path.to_owned(),
                format!(
                    "broken json feed at line {} column {}: {}",
                    e.line(),
                    e.column(),
                    crate::input::lower(&e.to_string())
                ),
            )];
        }
    };
    let str_of = |v: &serde_json::Value, key: &str| {
        v.get(key)
            .and_then(|s| s.as_str())
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let Some(items) = feed.get("items").and_then(|i| i.as_array()) else {
        return vec![bad(
            path.to_owned(),
            "json feed has no \"items\" list".into(),
        )];
    };
    if items.is_empty() {
        return vec![bad(path.to_owned(), "feed has no items".into())];
    }
    let outlet = str_of(&feed, "title");
    let language = str_of(&feed, "language").and_then(|l| language_code(&l));
    // 1.1 `authors`, 1.0 `author`: objects with a `name`.
    let authors_of = |v: &serde_json::Value| -> Vec<String> {
        let one = v.get("author").into_iter();
        let many = v
            .get("authors")
            .and_then(|a| a.as_array())
            .into_iter()
            .flatten();
        many.chain(one)
            .filter_map(|a| str_of(a, "name"))
            .take(10)
            .collect()
    };
    let feed_authors = authors_of(&feed);
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let n = i as u64 + 1;
        if !item.is_object() {
            out.push(bad(
                format!("{path}#{n}"),
                format!("item {n} of the json feed is not an object"),
            ));
            continue;
        }
        let mut draft = Draft {
            outlet: outlet.clone(),
            title: str_of(item, "title").map(|t| markup::strip(&t).text),
            url: str_of(item, "url").or_else(|| str_of(item, "external_url")),
            language: str_of(item, "language")
                .and_then(|l| language_code(&l))
                .or_else(|| language.clone()),
            warnings: warning.iter().cloned().collect(),
            ..Draft::default()
        };
        draft.authors = authors_of(item);
        if draft.authors.is_empty() {
            draft.authors = feed_authors.clone();
        }
        draft.body = if let Some(html) = str_of(item, "content_html") {
            body(&html, false)
        } else if let Some(text) = str_of(item, "content_text") {
            text
        } else if let Some(summary) = str_of(item, "summary") {
            draft.summary_only = true;
            draft
                .warnings
                .push("the feed carries only a summary of this article".into());
            body(&summary, false)
        } else {
            String::new()
        };
        first_date(
            &mut draft,
            ["date_published", "date_modified"]
                .into_iter()
                .filter_map(|key| str_of(item, key)),
        );
        out.push(draft.finish(Source::record(path, n)));
    }
    out
}

/// The text of an item's content or summary: HTML is stripped, plain text kept.
fn body(content: &str, plain: bool) -> String {
    if !plain && content.contains('<') && content.contains('>') {
        markup::strip(content).text
    } else {
        content.trim().to_owned()
    }
}

/// The offset of the next `<item` or `<entry` start tag at or after `from`.
fn next_item(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut at = from;
    while let Some(p) = memchr::memchr(b'<', bytes.get(at..)?) {
        let lt = at + p;
        for tag in [&b"<item"[..], b"<entry"] {
            if bytes[lt..].starts_with(tag)
                && bytes
                    .get(lt + tag.len())
                    .is_some_and(|b| matches!(b, b'>' | b' ' | b'\t' | b'\r' | b'\n'))
            {
                return Some(lt);
            }
        }
        at = lt + 1;
    }
    None
}

/// Sets the draft's date from the first of `dates` that reads, with a warning for each before it
/// that does not (an item's published date, then its updated one).
fn first_date(draft: &mut Draft, dates: impl IntoIterator<Item = String>) {
    for date in dates {
        match dates::parse(&date) {
            Some(d) => {
                draft.published = Some(d);
                return;
            }
            None => draft
                .warnings
                .push(format!("could not read the date {:?}", date.trim())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads `feed` and checks each item's title, or a fragment of its error.
    fn check(feed: &str, expected: &[Result<&str, &str>]) -> Vec<Result<Article, ReadError>> {
        let got = read("f.xml", feed.as_bytes());
        let titles: Vec<_> = got
            .iter()
            .map(|r| match r {
                Ok(a) => Ok(a.title.clone().unwrap_or_default()),
                Err(e) => Err(e.to_string()),
            })
            .collect();
        assert_eq!(titles.len(), expected.len(), "{titles:?}");
        for (got, want) in titles.iter().zip(expected) {
            match (got, want) {
                (Ok(t), Ok(w)) => assert_eq!(t, w),
                (Err(e), Err(w)) => assert!(e.contains(w), "{e:?} should contain {w:?}"),
                _ => panic!("{got:?} is not {want:?}"),
            }
        }
        got
    }

    const RSS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>The Harbour Gazette</title><link>https://gazette.example</link>
<image><title>logo</title></image>
<item><title>Ferry service resumes</title><link>https://gazette.example/ferry</link>
<dc:creator>Ana Ruiz</dc:creator><pubDate>Wed, 04 Mar 2026 10:15:00 GMT</pubDate>
<description>Short summary.</description>
<content:encoded><![CDATA[<p>The ferry resumed on Tuesday.</p><p>Crowds &amp; cheers.</p>]]></content:encoded></item>
<item><title>Storm &amp; tide</title><description>&lt;p&gt;Only a summary&lt;/p&gt;</description><author>desk@gazette.example (Tom Hale)</author></item>
</channel></rss>"#;

    #[test]
    fn rss() {
        let got = check(RSS, &[Ok("Ferry service resumes"), Ok("Storm & tide")]);
        let a = got[0].as_ref().unwrap();
        assert_eq!(a.outlet.as_deref(), Some("The Harbour Gazette"));
        assert_eq!(a.url.as_deref(), Some("https://gazette.example/ferry"));
        assert_eq!(a.authors, ["Ana Ruiz"]);
        assert_eq!(
            a.published.unwrap().to_rfc3339(),
            "2026-03-04T10:15:00+00:00"
        );
        assert_eq!(a.text, "The ferry resumed on Tuesday.\n\nCrowds & cheers.");
        assert!(!a.summary_only);
        assert_eq!(a.source, Source::record("f.xml", 1));
        let b = got[1].as_ref().unwrap();
        assert!(b.summary_only);
        assert_eq!(b.text, "Only a summary");
        assert_eq!(b.authors, ["Tom Hale"]);
        assert_eq!(
            b.warnings,
            ["the feed carries only a summary of this article"]
        );
    }

    #[test]
    fn atom() {
        let feed = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title type="text">Northern Courier</title>
<entry><title>Bridge opens</title><link rel="alternate" href="https://courier.example/bridge"/>
<author><name>Lee Park</name><email>lee@courier.example</email></author>
<published>2026-03-04T10:15:00+01:00</published>
<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>The bridge opened.</p><p>Cars crossed.</p></div></content></entry>
<entry><title>Plain one</title><updated>2026-03-05T08:00:00Z</updated><content type="text">Just &lt;text&gt;.</content></entry>
</feed>"#;
        let got = check(feed, &[Ok("Bridge opens"), Ok("Plain one")]);
        let a = got[0].as_ref().unwrap();
        assert_eq!(a.outlet.as_deref(), Some("Northern Courier"));
        assert_eq!(a.url.as_deref(), Some("https://courier.example/bridge"));
        assert_eq!(a.authors, ["Lee Park"]);
        assert_eq!(a.text, "The bridge opened.\n\nCars crossed.");
        let b = got[1].as_ref().unwrap();
        assert_eq!(b.text, "Just <text>.");
        assert_eq!(
            b.published.unwrap().to_rfc3339(),
            "2026-03-05T08:00:00+00:00"
        );
    }

    #[test]
    fn rss1() {
        let feed = r#"<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="x"><title>Valley Post</title></channel>
<item rdf:about="https://post.example/1"><title>Mill closes</title><link>https://post.example/1</link><dc:date>2026-03-04</dc:date><description>The mill closed.</description></item>
</rdf:RDF>"#;
        let got = check(feed, &[Ok("Mill closes")]);
        let a = got[0].as_ref().unwrap();
        assert_eq!(a.outlet.as_deref(), Some("Valley Post"));
        assert!(a.summary_only);
    }

    #[test]
    fn json_feed() {
        let feed = r#"{"version": "https://jsonfeed.org/version/1.1", "title": "Harbour Gazette",
            "language": "en-GB", "authors": [{"name": "Gazette Desk"}],
            "items": [
              {"id": "1", "url": "https://gazette.example/ferry", "title": "Ferry resumes",
               "content_html": "<p>The ferry resumed.</p><p>Crowds cheered.</p>",
               "date_published": "2026-03-04T10:15:00+01:00",
               "authors": [{"name": "Ana Ruiz"}, {"name": "Tom Hale"}]},
              {"id": "2", "title": "Tide tables", "content_text": "High tide at noon.", "language": "cy"},
              "not an item",
              {"id": "4", "title": "Storm", "summary": "A storm is coming."},
              {"id": "5", "title": "Empty"}
            ]}"#;
        let got = check(
            feed,
            &[
                Ok("Ferry resumes"),
                Ok("Tide tables"),
                Err("f.xml#3: item 3 of the json feed is not an object"),
                Ok("Storm"),
                Err("f.xml#5: no article text"),
            ],
        );
        let a = got[0].as_ref().unwrap();
        assert_eq!(a.outlet.as_deref(), Some("Harbour Gazette"));
        assert_eq!(a.url.as_deref(), Some("https://gazette.example/ferry"));
        assert_eq!(a.authors, ["Ana Ruiz", "Tom Hale"]);
        assert_eq!(a.language.as_deref(), Some("en"));
        assert_eq!(a.text, "The ferry resumed.\n\nCrowds cheered.");
        assert_eq!(
            a.published.unwrap().to_rfc3339(),
            "2026-03-04T10:15:00+01:00"
        );
        assert_eq!(a.source, Source::record("f.xml", 1));
        let b = got[1].as_ref().unwrap();
        assert_eq!(b.language.as_deref(), Some("cy"));
        assert_eq!(b.authors, ["Gazette Desk"]);
        assert!(got[3].as_ref().unwrap().summary_only);
        // Version 1.0 names one `author`.
        let v1 = r#"{"version": "https://jsonfeed.org/version/1", "title": "Post",
            "items": [{"id": "a", "title": "Mill", "content_text": "The mill closed.",
            "author": {"name": "Lee Park"}}]}"#;
        let got = check(v1, &[Ok("Mill")]);
        assert_eq!(got[0].as_ref().unwrap().authors, ["Lee Park"]);
        check(
            r#"{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": 1,}]}"#,
            &[Err("f.xml: broken json feed at line 1 column")],
        );
        check(
            r#"{"version": "https://jsonfeed.org/version/1.1", "title": "x"}"#,
            &[Err("f.xml: json feed has no \"items\" list")],
        );
    }

    #[test]
    fn utf16_and_utf32_feeds() {
        let xml = r#"<?xml version="1.0" encoding="UTF-16"?><rss><channel><title>Café Post</title>
<item><title>Crème brûlée</title><description>Sweet.</description></item></channel></rss>"#;
        let utf16_bom: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain(xml.encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        let utf16: Vec<u8> = xml.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let utf32: Vec<u8> = xml.chars().flat_map(|c| (c as u32).to_le_bytes()).collect();
        for bytes in [utf16_bom, utf16, utf32] {
            let got = read("f.xml", &bytes);
            assert_eq!(got.len(), 1);
            let a = got[0].as_ref().unwrap();
            assert_eq!(a.title.as_deref(), Some("Crème brûlée"));
            assert_eq!(a.outlet.as_deref(), Some("Café Post"));
            assert_eq!(a.text, "Sweet.");
        }
    }

    #[test]
    fn channel_language_goes_to_items() {
        let rss = r#"<rss><channel><title>G</title><language>de-DE</language>
<item><title>Eins</title><description>Erster.</description></item>
<item><title>Two</title><dc:language>en</dc:language><description>Second.</description></item>
</channel></rss>"#;
        let got = check(rss, &[Ok("Eins"), Ok("Two")]);
        assert_eq!(got[0].as_ref().unwrap().language.as_deref(), Some("de"));
        assert_eq!(got[1].as_ref().unwrap().language.as_deref(), Some("en"));
        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr"><title>C</title>
<entry><title>Un</title><summary>Premier.</summary></entry>
<entry xml:lang="it"><title>Due</title><summary>Secondo.</summary></entry></feed>"#;
        let got = check(atom, &[Ok("Un"), Ok("Due")]);
        assert_eq!(got[0].as_ref().unwrap().language.as_deref(), Some("fr"));
        assert_eq!(got[1].as_ref().unwrap().language.as_deref(), Some("it"));
    }

    #[test]
    fn media_only_entries_read_their_description() {
        let feed = r#"<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/">
<title>Harbour TV</title><entry><title>Ferry at dawn</title>
<link rel="alternate" href="https://video.example/watch?v=1"/>
<media:group><media:title>Ferry at dawn</media:title>
<media:description>The first ferry of the season crosses the bay.</media:description></media:group>
</entry></feed>"#;
        let got = check(feed, &[Ok("Ferry at dawn")]);
        let a = got[0].as_ref().unwrap();
        assert!(a.summary_only);
        assert_eq!(a.text, "The first ferry of the season crosses the bay.");
    }

    #[test]
    fn broken_items_are_reported_and_skipped() {
        let feed = r#"<rss><channel><title>G</title>
<item><title>One</title><description>First.</description></item>
<item><title>Two</titel><description>Second.</description></item>
<item><title>Three</title><description>Third.</description></item>
</channel></rss>"#;
        check(
            feed,
            &[
                Ok("One"),
                Err("f.xml#2: broken item 2 at byte"),
                Ok("Three"),
            ],
        );
        let truncated = "<rss><channel><item><title>One</title><description>First.</description></item><item><title>Tw";
        check(truncated, &[Ok("One"), Err("f.xml#2: broken item 2")]);
        check(
            "<rss><channel><title>Empty</title></channel></rss>",
            &[Err("f.xml: feed has no items")],
        );
        check(
            "<rss><channel><item><title>No body</title></item></channel></rss>",
            &[Err("f.xml#1: no article text")],
        );
    }

    #[test]
    fn ttl_is_read_from_the_channel() {
        let rss = b"<rss><channel><title>T</title><ttl> 60 </ttl><item></item></channel></rss>";
        assert_eq!(ttl_minutes(rss), Some(60));
        assert_eq!(ttl_minutes(b"<rss><ttl>soon</ttl></rss>"), None);
        assert_eq!(ttl_minutes(b"<rss><ttl>5"), None);
        assert_eq!(ttl_minutes(b""), None);
    }
}
