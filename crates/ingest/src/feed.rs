//! RSS 2.0, RSS 1.0 (RDF) and Atom feeds: each item or entry an article, numbered from 1.
//!
//! The full content (`content:encoded`, Atom `content`) is used when the feed carries it,
//! otherwise the summary (`description`, Atom `summary`), marked `summary_only` with a warning.
//! A broken item is reported with its number and the parser starts again at the next item, so
//! one bad item never costs the others.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::{Article, Draft, ReadError, Source, dates, decode, markup};

/// Reads every item of the feed in `bytes`; `path` names it in sources and messages.
pub(crate) fn read(path: &str, bytes: &[u8]) -> Vec<Result<Article, ReadError>> {
    let (text, warning) = decode::decode(bytes, decode::declared_charset(bytes));
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
        if self.item.is_none() {
            if !empty && (name == "item" || name == "entry") {
                self.items += 1;
                self.item = Some(Item::default());
                self.item_depth = self.stack.len();
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
        let mut draft = Draft {
            outlet: self.outlet.clone(),
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
        for date in [item.published, item.updated].into_iter().flatten() {
            match dates::parse(&date) {
                Some(d) => {
                    draft.published = Some(d);
                    break;
                }
                None => draft
                    .warnings
                    .push(format!("could not read the date {:?}", date.trim())),
            }
        }
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
        "description" | "summary" | "dc:description" => item.summary = Some(text),
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
}
