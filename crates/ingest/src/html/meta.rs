//! Page metadata: title, outlet, authors, publication time, canonical URL and language, taken
//! from JSON-LD (`NewsArticle` and kin), OpenGraph and other `<meta>` tags, `<link>`, `<time>`
//! and bylines. Each field takes the first source that has it, in a fixed order of trust.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};
use serde_json::Value;

use super::dom::{Dom, Tag};
use super::entities;

/// What the page says about itself.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Meta {
    pub title: Option<String>,
    pub outlet: Option<String>,
    pub authors: Vec<String>,
    pub published: Option<DateTime<FixedOffset>>,
    pub url: Option<String>,
    pub language: Option<String>,
}

/// Candidates for each field, gathered in one pass and ranked at the end.
#[derive(Default)]
struct Found {
    ld_headline: Option<String>,
    ld_published: Option<String>,
    ld_authors: Vec<String>,
    ld_publisher: Option<String>,
    ld_url: Option<String>,
    og_title: Option<String>,
    twitter_title: Option<String>,
    title_tag: Option<String>,
    site_name: Option<String>,
    meta_authors: Vec<String>,
    /// (rank, value): lower rank wins.
    published: Vec<(u8, String)>,
    og_url: Option<String>,
    canonical: Option<String>,
    locale: Option<String>,
    time_published: Option<String>,
    time_any: Option<String>,
    byline_authors: Vec<String>,
}

/// Meta names that carry a publication time, most trusted first.
const DATE_NAMES: &[&str] = &[
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "article.published",
    "publish-date",
    "publishdate",
    "pubdate",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.created",
    "dc.date",
    "dcterms.date",
    "date",
    "og:published_time",
    "article:modified_time",
];

/// Reads the metadata of a parsed page. `page_url` (where the page was fetched from) resolves a
/// relative canonical link and is the URL of last resort.
pub fn read(dom: &Dom, page_url: Option<&str>) -> Meta {
    let mut f = Found::default();
    let itemprop = memchr::memmem::Finder::new("itemprop");
    for id in 0..dom.nodes.len() as u32 {
        match dom.nodes[id as usize].tag {
            Tag::Meta => meta_tag(dom, id, &mut f),
            Tag::Link => {
                let rel = dom.attr(id, "rel").unwrap_or("");
                if rel.eq_ignore_ascii_case("canonical") && f.canonical.is_none() {
                    f.canonical = dom.attr(id, "href").map(attr_text);
                }
            }
            Tag::Title if f.title_tag.is_none() => {
                f.title_tag = Some(dom.text_of(id));
            }
            Tag::Script => {
                let ty = dom.attr(id, "type").unwrap_or("");
                if ty.trim().eq_ignore_ascii_case("application/ld+json") {
                    json_ld(&dom.text_of(id), &mut f);
                }
            }
            Tag::Time => {
                if let Some(dt) = dom.attr(id, "datetime") {
                    let itemprop = dom.attr(id, "itemprop").unwrap_or("");
                    if itemprop.eq_ignore_ascii_case("datepublished") {
                        f.time_published.get_or_insert_with(|| attr_text(dt));
                    }
                    f.time_any.get_or_insert_with(|| attr_text(dt));
                }
            }
            Tag::A => {
                let rel = dom.attr(id, "rel").unwrap_or("");
                if rel
                    .split_ascii_whitespace()
                    .any(|r| r.eq_ignore_ascii_case("author"))
                    && f.byline_authors.len() < 5
                {
                    f.byline_authors.push(dom.text_of(id));
                }
            }
            _ => {}
        }
        if f.byline_authors.is_empty()
            && is_element(dom, id)
            && itemprop.find(dom.raw(id).as_bytes()).is_some()
        {
            let itemprop = dom.attr(id, "itemprop").unwrap_or("");
            if itemprop.eq_ignore_ascii_case("author") && dom.nodes[id as usize].tag != Tag::Meta {
                f.byline_authors.push(dom.text_of(id));
            }
        }
    }
    rank(f, dom, page_url)
}

fn is_element(dom: &Dom, id: u32) -> bool {
    !matches!(dom.nodes[id as usize].tag, Tag::Text | Tag::Root)
}

fn attr_text(raw: &str) -> String {
    collapse(&entities::decode(raw))
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn meta_tag(dom: &Dom, id: u32, f: &mut Found) {
    let mut key = "";
    let mut content = None;
    for (name, value) in dom.attrs(id) {
        if name.eq_ignore_ascii_case("property")
            || name.eq_ignore_ascii_case("name")
            || name.eq_ignore_ascii_case("itemprop")
            || name.eq_ignore_ascii_case("http-equiv")
        {
            if key.is_empty() {
                key = value;
            }
        } else if name.eq_ignore_ascii_case("content") {
            content = Some(value);
        }
    }
    let Some(content) = content else { return };
    let value = attr_text(content);
    if value.is_empty() {
        return;
    }
    let key = key.trim().to_ascii_lowercase();
    match key.as_str() {
        "og:title" => set(&mut f.og_title, value),
        "twitter:title" => set(&mut f.twitter_title, value),
        "og:site_name" | "application-name" => set(&mut f.site_name, value),
        "og:url" => set(&mut f.og_url, value),
        "og:locale" | "content-language" | "language" | "dc.language" => set(&mut f.locale, value),
        "author" | "article:author" | "dc.creator" | "byl" | "parsely-author"
        | "sailthru.author" | "cxenseparse:author" => {
            if !value.starts_with("http") && f.meta_authors.len() < 10 {
                f.meta_authors.push(value);
            }
        }
        k => {
            if let Some(rank) = DATE_NAMES.iter().position(|n| *n == k) {
                f.published.push((rank as u8, value));
            }
        }
    }
}

fn set(slot: &mut Option<String>, value: String) {
    if slot.is_none() {
        *slot = Some(value);
    }
}

/// Takes what we need from one JSON-LD block: the first article-like object's fields.
fn json_ld(text: &str, f: &mut Found) {
    let Ok(value) = serde_json::from_str::<Value>(text.trim().trim_end_matches(';')) else {
        return;
    };
    let mut stack = vec![&value];
    let mut seen = 0;
    while let Some(v) = stack.pop() {
        seen += 1;
        if seen > 10_000 {
            break;
        }
        match v {
            Value::Array(items) => stack.extend(items.iter().rev()),
            Value::Object(map) => {
                if let Some(graph) = map.get("@graph") {
                    stack.push(graph);
                }
                if !is_article_type(map.get("@type")) {
                    continue;
                }
                if f.ld_headline.is_none() {
                    f.ld_headline = map.get("headline").and_then(as_text);
                }
                if f.ld_published.is_none() {
                    f.ld_published = map
                        .get("datePublished")
                        .or_else(|| map.get("dateCreated"))
                        .and_then(as_text);
                }
                if let Some(a) = map.get("author").or_else(|| map.get("creator"))
                    && f.ld_authors.is_empty()
                {
                    names(a, &mut f.ld_authors);
                }
                if f.ld_publisher.is_none() {
                    f.ld_publisher = map.get("publisher").and_then(|p| match p {
                        Value::Object(p) => p.get("name").and_then(as_text),
                        other => as_text(other),
                    });
                }
                if f.ld_url.is_none() {
                    f.ld_url = map.get("url").and_then(as_text).or_else(|| {
                        map.get("mainEntityOfPage").and_then(|m| match m {
                            Value::Object(m) => m.get("@id").and_then(as_text),
                            other => as_text(other),
                        })
                    });
                }
            }
            _ => {}
        }
    }
}

fn is_article_type(t: Option<&Value>) -> bool {
    let article = |s: &str| s.ends_with("Article") || s == "BlogPosting" || s == "Report";
    match t {
        Some(Value::String(s)) => article(s),
        Some(Value::Array(a)) => a.iter().any(|v| v.as_str().is_some_and(article)),
        _ => false,
    }
}

fn as_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(collapse(&entities::decode(s))).filter(|s| !s.is_empty()),
        Value::Array(a) => a.first().and_then(as_text),
        _ => None,
    }
}

fn names(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(collapse(s)),
        Value::Object(o) => {
            if let Some(n) = o.get("name").and_then(as_text) {
                out.push(n);
            }
        }
        Value::Array(items) => {
            for item in items.iter().take(10) {
                match item {
                    Value::String(s) => out.push(collapse(s)),
                    Value::Object(o) => {
                        if let Some(n) = o.get("name").and_then(as_text) {
                            out.push(n);
                        }
                    }
                    _ => {}
                }
            }
        }
        _ => {}
    }
}

fn rank(f: Found, dom: &Dom, page_url: Option<&str>) -> Meta {
    let outlet = f.site_name.or(f.ld_publisher);
    let title = f
        .ld_headline
        .or(f.og_title)
        .or(f.twitter_title)
        .or_else(|| {
            f.title_tag
                .map(|t| strip_site(&collapse(&t), outlet.as_deref()))
        })
        .filter(|t| !t.is_empty());
    let mut published_raw: Vec<String> = Vec::new();
    published_raw.extend(f.ld_published);
    let mut meta_dates = f.published;
    meta_dates.sort_by_key(|(rank, _)| *rank);
    published_raw.extend(meta_dates.into_iter().map(|(_, v)| v));
    published_raw.extend(f.time_published);
    published_raw.extend(f.time_any);
    let published = published_raw.iter().find_map(|s| parse_date(s));

    let mut authors = Vec::new();
    for list in [f.ld_authors, f.meta_authors, f.byline_authors] {
        for a in list {
            add_authors(&a, &mut authors);
        }
        if !authors.is_empty() {
            break;
        }
    }

    let url = [f.canonical, f.og_url, f.ld_url]
        .into_iter()
        .flatten()
        .find_map(|u| absolute(&u, page_url))
        .or_else(|| page_url.map(str::to_owned));

    let language = html_lang(dom)
        .map(str::to_owned)
        .or(f.locale)
        .and_then(|l| language_code(&l));

    let outlet = outlet.or_else(|| url.as_deref().and_then(host).map(str::to_owned));

    Meta {
        title,
        outlet,
        authors,
        published,
        url,
        language,
    }
}

fn html_lang<'a>(dom: &Dom<'a>) -> Option<&'a str> {
    let (start, end) = dom.html_attrs?;
    let raw = dom.src.get(start as usize..end as usize)?;
    super::dom::Attrs::new(raw)
        .find(|(n, _)| n.eq_ignore_ascii_case("lang") || n.eq_ignore_ascii_case("xml:lang"))
        .map(|(_, v)| v)
}

/// `en-US`, `en_GB`, `EN` → `en`; anything that is not a 2–3 letter code → None.
fn language_code(tag: &str) -> Option<String> {
    let primary = tag.trim().split(['-', '_']).next()?;
    ((2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_alphabetic()))
        .then(|| primary.to_ascii_lowercase())
}

fn host(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#', ':']).next()?;
    let host = host.strip_prefix("www.").unwrap_or(host);
    (!host.is_empty()).then_some(host)
}

/// Makes `url` absolute against `base`; None when that cannot be done.
fn absolute(url: &str, base: Option<&str>) -> Option<String> {
    let url = url.trim();
    if url.starts_with("http://") || url.starts_with("https://") {
        return Some(url.to_owned());
    }
    if let Some(rest) = url.strip_prefix("//") {
        return Some(format!("https://{rest}"));
    }
    let base = base?;
    let (scheme, rest) = base.split_once("://")?;
    let origin_len = rest.find('/').unwrap_or(rest.len());
    if url.starts_with('/') {
        Some(format!("{scheme}://{}{url}", &rest[..origin_len]))
    } else {
        None
    }
}

/// Removes an outlet name from a `<title>` like "Story headline | The Outlet".
fn strip_site(title: &str, outlet: Option<&str>) -> String {
    for sep in [" | ", " - ", " – ", " — ", " :: ", " · "] {
        if let Some((head, tail)) = title.rsplit_once(sep) {
            let tail_is_outlet = outlet.is_some_and(|o| tail.trim().eq_ignore_ascii_case(o.trim()));
            let short_tail =
                tail.split_whitespace().count() <= 3 && head.split_whitespace().count() >= 3;
            if tail_is_outlet || short_tail {
                return head.trim().to_owned();
            }
        }
    }
    title.to_owned()
}

/// Words that make a byline part a job title ("CNN Editor-at-large"), not a name.
const ROLES: &[&str] = &[
    "editor",
    "correspondent",
    "reporter",
    "writer",
    "contributor",
    "staff",
    "columnist",
    "producer",
    "analyst",
    "bureau",
    "desk",
    "agencies",
];

/// Splits a byline ("By Ann Lee and Bo Diaz") into names and adds the new ones.
fn add_authors(byline: &str, out: &mut Vec<String>) {
    let byline = collapse(byline);
    // "By Ann Lee", and also "Analysis by Ann Lee", "Story by Ann Lee".
    // ASCII lower-casing keeps byte offsets, so `at` is valid in `byline` too.
    let lower = byline.to_ascii_lowercase();
    let trimmed = match lower.find("by ") {
        Some(at)
            if (at == 0 || lower.as_bytes()[at - 1] == b' ')
                && byline[..at].split_whitespace().count() <= 2 =>
        {
            &byline[at + 3..]
        }
        _ => &byline[..],
    };
    for part in trimmed
        .split([',', ';', '|'])
        .flat_map(|p| p.split(" and "))
        .flat_map(|p| p.split(" & "))
    {
        let name = part.trim();
        let words = name.split_whitespace().count();
        let role = ROLES
            .iter()
            .any(|r| name.to_lowercase().split([' ', '-']).any(|w| w == *r));
        if name.is_empty() || words > 5 || name.contains("://") || name.contains('@') || role {
            continue;
        }
        if !out.iter().any(|a| a.eq_ignore_ascii_case(name)) && out.len() < 10 {
            out.push(name.to_owned());
        }
    }
}

/// Reads the date formats pages use: RFC 3339 and its looser ISO 8601 cousins (no seconds, no
/// colon in the offset, no offset at all: taken as UTC), a bare date, and RFC 2822.
pub fn parse_date(s: &str) -> Option<DateTime<FixedOffset>> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d);
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M%z",
        "%Y-%m-%d %H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S %z",
        "%Y-%m-%dT%H:%M:%S%.f %z",
    ] {
        if let Ok(d) = DateTime::parse_from_str(s, fmt) {
            return Some(d);
        }
    }
    let utc = FixedOffset::east_opt(0)?;
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(d) = NaiveDateTime::parse_from_str(s.trim_end_matches('Z'), fmt) {
            return d.and_local_timezone(utc).single();
        }
    }
    let date_part = s.get(..10).unwrap_or(s);
    if let Ok(d) = NaiveDate::parse_from_str(date_part, "%Y-%m-%d") {
        return d.and_hms_opt(0, 0, 0)?.and_local_timezone(utc).single();
    }
    DateTime::parse_from_rfc2822(s).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::html::dom::parse;

    fn check(html: &str, expected: Meta) {
        let dom = parse(html);
        assert_eq!(
            read(&dom, Some("https://example.org/news/1")),
            expected,
            "reading {html}"
        );
    }

    fn date(s: &str) -> Option<DateTime<FixedOffset>> {
        Some(DateTime::parse_from_rfc3339(s).unwrap())
    }

    #[test]
    fn json_ld_news_article_wins() {
        check(
            r#"<html lang="en-GB"><head><title>Ignored | Daily Lantern</title>
            <meta property="og:title" content="OG title">
            <meta property="article:published_time" content="2024-01-01T00:00:00Z">
            <script type="application/ld+json">{"@context":"https://schema.org","@graph":[
              {"@type":"WebSite","name":"x"},
              {"@type":"NewsArticle","headline":"Harbour bridge reopens",
               "datePublished":"2024-03-05T09:30:00+01:00",
               "author":[{"@type":"Person","name":"Mira Okafor"},{"name":"Tom Reyes"}],
               "publisher":{"@type":"Organization","name":"The Daily Lantern"}}]}
            </script>
            <link rel="canonical" href="/news/harbour-bridge"></head></html>"#,
            Meta {
                title: Some("Harbour bridge reopens".into()),
                outlet: Some("The Daily Lantern".into()),
                authors: vec!["Mira Okafor".into(), "Tom Reyes".into()],
                published: date("2024-03-05T09:30:00+01:00"),
                url: Some("https://example.org/news/harbour-bridge".into()),
                language: Some("en".into()),
            },
        );
    }

    #[test]
    fn opengraph_and_meta_tags() {
        check(
            r#"<html LANG=fr><meta property="og:site_name" content="Le Phare">
            <meta property="og:title" content="Le pont rouvre &amp; la ville respire">
            <meta name="author" content="By Ana Ruiz and Léo Martin">
            <meta property="article:published_time" content="2024-03-05T09:30:00+0100">
            <meta property="og:url" content="https://lephare.example/pont">"#,
            Meta {
                title: Some("Le pont rouvre & la ville respire".into()),
                outlet: Some("Le Phare".into()),
                authors: vec!["Ana Ruiz".into(), "Léo Martin".into()],
                published: date("2024-03-05T09:30:00+01:00"),
                url: Some("https://lephare.example/pont".into()),
                language: Some("fr".into()),
            },
        );
    }

    #[test]
    fn title_tag_time_element_and_byline_link() {
        check(
            r#"<title>Council votes on new tram line - Northgate Echo</title>
            <p>By <a rel="author" href="/staff/jo">Jo Park</a>
            <time datetime="2024-02-29">Feb 29</time>"#,
            Meta {
                title: Some("Council votes on new tram line".into()),
                outlet: Some("example.org".into()),
                authors: vec!["Jo Park".into()],
                published: date("2024-02-29T00:00:00Z"),
                url: Some("https://example.org/news/1".into()),
                language: None,
            },
        );
    }

    #[test]
    fn broken_json_ld_is_ignored() {
        check(
            r#"<script type="application/ld+json">{"@type":"NewsArticle", "headline": </script>
            <meta property="og:title" content="Fallback">"#,
            Meta {
                title: Some("Fallback".into()),
                outlet: Some("example.org".into()),
                url: Some("https://example.org/news/1".into()),
                ..Meta::default()
            },
        );
    }

    #[test]
    fn bylines() {
        for (byline, expected) in [
            ("By Ann Lee and Bo Diaz", vec!["Ann Lee", "Bo Diaz"]),
            (
                "Analysis by Chris Vale, Northgate Editor-at-large",
                vec!["Chris Vale"],
            ),
            ("BY JO PARK", vec!["JO PARK"]),
            ("Mira Okafor; Tom Reyes", vec!["Mira Okafor", "Tom Reyes"]),
            ("Staff Writer", vec![]),
            ("Ana Byrne", vec!["Ana Byrne"]),
        ] {
            let mut out = Vec::new();
            add_authors(byline, &mut out);
            assert_eq!(out, expected, "splitting {byline:?}");
        }
    }

    #[test]
    fn dates() {
        for (input, expected) in [
            ("2024-03-05T09:30:00Z", "2024-03-05T09:30:00Z"),
            (
                "2024-03-05T09:30:00.123-05:00",
                "2024-03-05T09:30:00.123-05:00",
            ),
            ("2024-03-05T09:30:00-0500", "2024-03-05T09:30:00-05:00"),
            ("2024-03-05T09:30", "2024-03-05T09:30:00Z"),
            ("2024-03-05 09:30:00", "2024-03-05T09:30:00Z"),
            ("2024-03-05", "2024-03-05T00:00:00Z"),
            ("Tue, 5 Mar 2024 09:30:00 +0000", "2024-03-05T09:30:00Z"),
        ] {
            assert_eq!(parse_date(input), date(expected), "parsing {input}");
        }
        assert_eq!(parse_date("last Tuesday"), None);
        assert_eq!(parse_date(""), None);
    }
}
