//! Reading a list of feeds: OPML as feed readers export it (every `<outline>` with an
//! `xmlUrl`, its `title` or `text` as the feed's title), or a text file with one URL a line
//! (blank lines and `#` comments skipped, anything after the URL taken as its title).
//!
//! A bad entry is an error naming the list and the line or byte, and the others are still read.

/// One feed of a list: its URL and, when the list gives one, its title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedFeed {
    pub url: String,
    pub title: Option<String>,
}

/// What a list held: its feeds in order (each URL once) and its bad entries.
#[derive(Debug, Default)]
pub struct List {
    pub feeds: Vec<ListedFeed>,
    /// Messages naming the list and the line (`list.txt:3`) or byte (`feeds.opml: byte 120`).
    pub errors: Vec<String>,
}

/// Reads the list in `bytes`; `name` names it in errors.
pub fn read(name: &str, bytes: &[u8]) -> List {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim_start_matches('\u{feff}');
    let mut list = if text.trim_start().starts_with('<') {
        opml(name, text)
    } else {
        lines(name, text)
    };
    let mut seen = std::collections::HashSet::new();
    list.feeds.retain(|f| seen.insert(f.url.clone()));
    if list.feeds.is_empty() && list.errors.is_empty() {
        list.errors.push(format!("{name}: the list names no feed"));
    }
    list
}

fn lines(name: &str, text: &str) -> List {
    let mut list = List::default();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (url, title) = match line.split_once(char::is_whitespace) {
            Some((url, title)) => (url, Some(title.trim().to_owned())),
            None => (line, None),
        };
        match checked(url) {
            Ok(url) => list.feeds.push(ListedFeed { url, title }),
            Err(e) => list.errors.push(format!("{name}:{}: {e}", i + 1)),
        }
    }
    list
}

fn opml(name: &str, text: &str) -> List {
    use quick_xml::events::Event;
    let mut list = List::default();
    let mut reader = quick_xml::Reader::from_str(text);
    loop {
        let at = reader.buffer_position();
        match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(Event::Start(e) | Event::Empty(e))
                if e.local_name().as_ref().eq_ignore_ascii_case("outline") =>
            {
                let mut url = None;
                let mut title = None;
                let mut text = None;
                for attr in e.attributes().flatten() {
                    let key = attr.key.local_name();
                    let raw = attr.value;
                    let value = quick_xml::escape::unescape(&raw)
                        .map(|v| v.into_owned())
                        .unwrap_or_else(|_| raw.clone().into_owned());
                    let key = key.as_ref();
                    if key.eq_ignore_ascii_case("xmlurl") {
                        url = Some(value);
                    } else if key.eq_ignore_ascii_case("title") {
                        title = Some(value);
                    } else if key.eq_ignore_ascii_case("text") {
                        text = Some(value);
                    }
                }
                // An outline without `xmlUrl` is a folder of others.
                let Some(url) = url else { continue };
                let title = title
                    .or(text)
                    .map(|t| t.trim().to_owned())
                    .filter(|t| !t.is_empty());
                match checked(url.trim()) {
                    Ok(url) => list.feeds.push(ListedFeed { url, title }),
                    Err(e) => list
                        .errors
                        .push(format!("{name}: outline at byte {at}: {e}")),
                }
            }
            Ok(_) => {}
            Err(e) => {
                let at = reader.error_position();
                list.errors.push(format!(
                    "{name}: broken opml at byte {at}: {e}; the outlines before it are read"
                ));
                break;
            }
        }
    }
    list
}

fn checked(url: &str) -> Result<String, String> {
    if !fetch::is_url(url) {
        return Err(format!("{url:?} is not an http(s) url"));
    }
    fetch::site(url).map_err(|e| e.to_string())?;
    Ok(url.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, urls: &[&str], errors: &[&str]) {
        let list = read("feeds", input.as_bytes());
        let got: Vec<&str> = list.feeds.iter().map(|f| f.url.as_str()).collect();
        assert_eq!(got, urls, "{input}");
        assert_eq!(list.errors, errors, "{input}");
    }

    #[test]
    fn text_lists() {
        check(
            "# my feeds\nhttp://a.example/feed.xml  The A Times\n\n  https://b.example/rss\n",
            &["http://a.example/feed.xml", "https://b.example/rss"],
            &[],
        );
        check(
            "http://a.example/f\nftp://c.example/f\nhttp://a.example/f\n",
            &["http://a.example/f"],
            &["feeds:2: \"ftp://c.example/f\" is not an http(s) url"],
        );
        check("", &[], &["feeds: the list names no feed"]);
        let list = read("feeds", b"http://a.example/f The A Times");
        assert_eq!(list.feeds[0].title.as_deref(), Some("The A Times"));
    }

    #[test]
    fn opml_lists() {
        let opml = r#"<?xml version="1.0"?><opml version="2.0"><head><title>Subs</title></head>
            <body><outline text="News">
              <outline type="rss" text="Echo" title="The Echo" xmlUrl="http://a.example/feed?x=1&amp;y=2"/>
              <outline type="rss" text="Post" xmlUrl="https://b.example/atom"></outline>
              <outline type="rss" text="Bad" xmlUrl="gopher://c.example/"/>
            </outline></body></opml>"#;
        let list = read("subs.opml", opml.as_bytes());
        assert_eq!(
            list.feeds,
            vec![
                ListedFeed {
                    url: "http://a.example/feed?x=1&y=2".into(),
                    title: Some("The Echo".into())
                },
                ListedFeed {
                    url: "https://b.example/atom".into(),
                    title: Some("Post".into())
                },
            ]
        );
        assert_eq!(list.errors.len(), 1);
        assert!(
            list.errors[0].starts_with("subs.opml: outline at byte"),
            "{:?}",
            list.errors
        );
        // A broken file keeps what came before the break.
        let broken = r#"<opml><body><outline xmlUrl="http://a.example/f"/><outline xmlUrl="#;
        let list = read("subs.opml", broken.as_bytes());
        assert_eq!(list.feeds.len(), 1);
        assert!(
            list.errors[0].contains("broken opml at byte"),
            "{:?}",
            list.errors
        );
    }

    #[test]
    fn damaged_lists_never_panic() {
        let opml = r#"<?xml version="1.0"?><opml><body><outline text="&amp;" title="T"
            xmlUrl="http://a.example/f?a=1&amp;b=2"/><outline xmlUrl="https://b.example/"/>
            </body></opml>"#;
        let text = "# feeds\nhttp://a.example/f  A\nhttps://b.example/g\n";
        for sample in [opml.as_bytes(), text.as_bytes()] {
            // Every cut of the file, and every byte replaced by one that often breaks parsers.
            for end in 0..=sample.len() {
                let _ = read("cut", &sample[..end]);
            }
            for at in 0..sample.len() {
                for b in [b'<', b'"', b'&', 0xff, b'\n'] {
                    let mut damaged = sample.to_vec();
                    damaged[at] = b;
                    let list = read("damaged", &damaged);
                    assert!(list.feeds.iter().all(|f| fetch::is_url(&f.url)));
                }
            }
        }
    }
}
