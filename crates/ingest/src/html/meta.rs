//! Page metadata: title, outlet, authors, publication time, canonical URL and language, taken
//! from JSON-LD (`NewsArticle` and kin), OpenGraph and other `<meta>` tags, `<link>`, `<time>`
//! and bylines. Each field takes the first source that has it, in a fixed order of trust; the
//! publication date is chosen from all its sources in `published`.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};
use serde_json::Value;

use super::dom::{Dom, Tag};
use super::entities;
use super::published::{self, Cand, Kind, Src};

/// What the page says about itself.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Meta {
    pub title: Option<String>,
    pub outlet: Option<String>,
    pub authors: Vec<String>,
    pub published: Option<DateTime<FixedOffset>>,
    pub url: Option<String>,
    pub language: Option<String>,
    /// What was doubtful about the metadata (dates that disagree, a date before 1995).
    pub warnings: Vec<String>,
}

/// Candidates for each field, gathered in one pass and ranked at the end.
#[derive(Default)]
struct Found {
    ld_headline: Option<String>,
    ld_authors: Vec<String>,
    ld_publisher: Option<String>,
    ld_url: Option<String>,
    og_title: Option<String>,
    twitter_title: Option<String>,
    title_tag: Option<String>,
    site_name: Option<String>,
    meta_authors: Vec<String>,
    /// Dates as found, parsed once the page's language is known.
    dates: Vec<RawDate>,
    og_url: Option<String>,
    canonical: Option<String>,
    locale: Option<String>,
    byline_authors: Vec<String>,
    /// The main heading and its ancestors (`published::main_path`).
    main: Vec<u32>,
}

/// A date value as the page wrote it, with where it came from.
struct RawDate {
    src: Src,
    sub: u32,
    kind: Kind,
    value: String,
}

impl Found {
    fn date(&mut self, src: Src, sub: u32, kind: Kind, value: String) {
        if self.dates.len() < 200 && !value.is_empty() {
            self.dates.push(RawDate {
                src,
                sub,
                kind,
                value,
            });
        }
    }
}

/// Reads the metadata of a parsed page. `page_url` (where the page was fetched from) resolves a
/// relative canonical link and is the URL of last resort; `container` is the element the body
/// was taken from, which tells the article's dates from the sidebar's.
pub fn read(dom: &Dom, page_url: Option<&str>, container: Option<u32>) -> Meta {
    let mut f = Found::default();
    let itemprop = memchr::memmem::Finder::new("itemprop");
    let property = memchr::memmem::Finder::new("property");
    let publish = memchr::memmem::Finder::new("ublish");
    f.main = published::main_path(dom, container);
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
                    let text = dom.text_of(id);
                    if !json_ld(&text, &mut f) {
                        script_dates(&text, id, &mut f);
                    }
                } else if let Some(child) = dom.children(id).next() {
                    let text = dom.raw(child);
                    if publish.find(text.as_bytes()).is_some() {
                        script_dates(text, id, &mut f);
                    }
                }
            }
            Tag::Time => time_tag(dom, id, &mut f),
            // hAtom: `<abbr class="published" title="...">`, or a `<span>` in the value-title way.
            Tag::Abbr | Tag::Span => {
                if let Some(title) = dom.attr(id, "title") {
                    let class = dom.attr(id, "class").unwrap_or("").to_ascii_lowercase();
                    let outside = published::outside_article(dom, id, &f.main);
                    if outside {
                        // a comment's or another article's date
                    } else if class.contains("published") {
                        f.date(Src::Marked, id, Kind::Published, attr_text(title));
                    } else if class.contains("updated") {
                        f.date(Src::Marked, id, Kind::Modified, attr_text(title));
                    }
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
        if is_element(dom, id) && dom.nodes[id as usize].tag != Tag::Meta {
            let raw = dom.raw(id).as_bytes();
            if itemprop.find(raw).is_some() {
                let itemprop = dom.attr(id, "itemprop").unwrap_or("");
                if itemprop.eq_ignore_ascii_case("author") && f.byline_authors.is_empty() {
                    f.byline_authors.push(dom.text_of(id));
                }
                element_date(dom, id, itemprop, &mut f);
            } else if property.find(raw).is_some() {
                let prop = dom.attr(id, "property").unwrap_or("");
                element_date(dom, id, prop, &mut f);
            }
        }
    }
    rank(f, dom, page_url)
}

/// `itemprop="datePublished"` (or RDFa `property="schema:dateCreated"`) on an element: the
/// date in its `content`, `datetime` or `title`, else its text.
fn element_date(dom: &Dom, id: u32, prop: &str, f: &mut Found) {
    let Some(kind) = published::schema_prop(prop) else {
        return;
    };
    if dom.nodes[id as usize].tag == Tag::Time {
        return; // read by `time_tag`
    }
    let value = ["content", "datetime", "title"]
        .iter()
        .find_map(|a| dom.attr(id, a))
        .map(attr_text)
        .unwrap_or_else(|| collapse(&dom.text_of(id)));
    if value.len() <= 200 && !published::outside_article(dom, id, &f.main) {
        f.date(Src::Itemprop, id, kind, value);
    }
}

/// `<time datetime>`: the publication when marked so (`itemprop`, `pubdate`, a class that says
/// published or updated), else a time element, unless it sits in comments or a footer.
fn time_tag(dom: &Dom, id: u32, f: &mut Found) {
    let value = match dom.attr(id, "datetime") {
        Some(dt) => attr_text(dt),
        None => collapse(&dom.text_of(id)),
    };
    if value.is_empty() || value.len() > 200 {
        return;
    }
    let itemprop = dom.attr(id, "itemprop").unwrap_or("");
    let class = dom.attr(id, "class").unwrap_or("").to_ascii_lowercase();
    let marked = if let Some(kind) = published::schema_prop(itemprop) {
        Some(kind)
    } else if dom.attr(id, "pubdate").is_some()
        || class.contains("publish")
        || class.contains("entry-date")
    {
        Some(Kind::Published)
    } else if class.contains("updated") || class.contains("modified") {
        Some(Kind::Modified)
    } else {
        None
    };
    if published::outside_article(dom, id, &f.main) {
        return;
    }
    match marked {
        Some(kind) => f.date(Src::Marked, id, kind, value),
        None => f.date(Src::Time, id, Kind::Published, value),
    }
}

/// Keys of page data objects that name the publication time (`"published_at": "..."`), as
/// CMSs and shop systems write them, compared in lower case; `datePublished` first.
const SCRIPT_KEYS: &[&str] = &[
    "datepublished",
    "date_published",
    "publishdate",
    "publish_date",
    "published_at",
    "publishedat",
    "publisheddate",
    "publishedtime",
    "published_time",
    "firstpublished",
];

/// `"datePublished": "..."` and its kin (`SCRIPT_KEYS`) in a script that is not valid JSON-LD
/// (a broken block, or a page's own data object): the first of each key, a value of at most
/// 64 bytes. One pass over the script for `ublish`, so long scripts cost little.
fn script_dates(text: &str, id: u32, f: &mut Found) {
    let bytes = text.as_bytes();
    let mut seen = 0;
    for at in memchr::memmem::find_iter(bytes, b"ublish").take(200) {
        // The quoted key around the match: `"` .. `ublish` .. `"`, then `:` and `"value"`.
        let Some(open) = bytes[at.saturating_sub(12)..at]
            .iter()
            .rposition(|&b| b == b'"')
        else {
            continue;
        };
        let start = at.saturating_sub(12) + open + 1;
        let Some(close) = bytes[at..bytes.len().min(at + 20)]
            .iter()
            .position(|&b| b == b'"')
        else {
            continue;
        };
        let end = at + close;
        let Some(key) = text.get(start..end) else {
            continue;
        };
        let key = key.to_ascii_lowercase();
        let Some(rank) = SCRIPT_KEYS.iter().position(|k| *k == key) else {
            continue;
        };
        let rest = text.get(end + 1..).unwrap_or("").trim_start();
        let rest = rest.strip_prefix(':').unwrap_or("").trim_start();
        if let Some(v) = rest.strip_prefix('"')
            && let Some(len) = v.find('"')
            && len <= 64
            && seen & (1 << rank) == 0
        {
            seen |= 1 << rank;
            f.date(
                Src::Script,
                id * 16 + rank as u32,
                Kind::Published,
                v[..len].to_owned(),
            );
        }
    }
    if let Some(at) = memchr::memmem::find(bytes, b"\"dateModified\"") {
        let rest = text.get(at + 14..).unwrap_or("").trim_start();
        let rest = rest.strip_prefix(':').unwrap_or("").trim_start();
        if let Some(v) = rest.strip_prefix('"')
            && let Some(len) = v.find('"')
            && len <= 64
        {
            f.date(Src::Script, id, Kind::Modified, v[..len].to_owned());
        }
    }
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
        // Never `application-name`: that names the CMS or the app ("nextgen"), not the outlet.
        "og:site_name" => set(&mut f.site_name, value),
        "og:url" => set(&mut f.og_url, value),
        "og:locale" | "content-language" | "language" | "dc.language" => set(&mut f.locale, value),
        "author" | "article:author" | "dc.creator" | "byl" | "parsely-author"
        | "sailthru.author" | "cxenseparse:author" => {
            if !value.starts_with("http") && f.meta_authors.len() < 10 {
                f.meta_authors.push(value);
            }
        }
        k => {
            if let Some((src, kind, rank)) = published::meta_name(k) {
                f.date(src, rank, kind, value);
            }
        }
    }
}

fn set(slot: &mut Option<String>, value: String) {
    if slot.is_none() {
        *slot = Some(value);
    }
}

/// Takes what we need from one JSON-LD block: the first article-like object's fields, and
/// the dates of every object (an article's first). False when the block is not JSON.
fn json_ld(text: &str, f: &mut Found) -> bool {
    let Ok(value) = serde_json::from_str::<Value>(text.trim().trim_end_matches(';')) else {
        return false;
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
                let article = is_article_type(map.get("@type"));
                let src = if article {
                    Src::LdArticle
                } else {
                    Src::LdOther
                };
                if has_type(map.get("@type"), |t| NOT_THE_PAGE.contains(&t)) {
                    continue;
                }
                let order = f.dates.len() as u32;
                for (key, kind, sub) in [
                    ("datePublished", Kind::Published, 0),
                    ("dateCreated", Kind::Published, 1),
                    ("uploadDate", Kind::Published, 2),
                    ("dateModified", Kind::Modified, 0),
                ] {
                    if let Some(d) = map.get(key).and_then(as_text) {
                        f.date(src, sub * 1000 + order, kind, d);
                    }
                }
                if !article {
                    continue;
                }
                if f.ld_headline.is_none() {
                    f.ld_headline = map.get("headline").and_then(as_text);
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
    true
}

fn is_article_type(t: Option<&Value>) -> bool {
    has_type(t, |s| {
        s.ends_with("Article") || s == "BlogPosting" || s == "Report"
    })
}

/// schema.org types that describe a part of the page or who made it, not the page: their dates
/// (a photo's `datePublished`, a comment's) are not the page's.
const NOT_THE_PAGE: &[&str] = &[
    "ImageObject",
    "Person",
    "Organization",
    "NewsMediaOrganization",
    "Comment",
    "Brand",
    "Offer",
];

fn has_type(t: Option<&Value>, test: impl Fn(&str) -> bool) -> bool {
    match t {
        Some(Value::String(s)) => test(s),
        Some(Value::Array(a)) => a.iter().any(|v| v.as_str().is_some_and(&test)),
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
    let language_tag = html_lang(dom).map(str::to_owned).or(f.locale.clone());
    let language = language_tag.as_deref().and_then(language_code);
    // An ambiguous 04/05/2019 is April 5 on English pages, 4 May elsewhere.
    let month_first = language.as_deref().is_none_or(|l| l == "en");
    let (published, warnings) = choose_date(&f, dom, page_url, f.title_tag.clone(), month_first);

    let url = [f.canonical, f.og_url, f.ld_url]
        .into_iter()
        .flatten()
        .find_map(|u| absolute(&u, page_url))
        .or_else(|| page_url.map(str::to_owned));
    let page_host = url.as_deref().and_then(host).map(str::to_owned);

    // `og:site_name`, then the article's JSON-LD publisher, then the host. A site name that
    // is a URL says only the host.
    let outlet = [f.site_name, f.ld_publisher]
        .into_iter()
        .flatten()
        .map(|o| match host(&o) {
            Some(h) if o.contains("://") => h.to_owned(),
            _ => o,
        })
        .find(|o| !o.is_empty())
        .or_else(|| page_host.clone());

    let site = Site {
        outlet: outlet.as_deref(),
        host: page_host.as_deref(),
    };
    let title = f
        .ld_headline
        .or(f.og_title)
        .or(f.twitter_title)
        .or(f.title_tag)
        .map(|t| strip_site(&collapse(&t), &site))
        .filter(|t| !t.is_empty());

    let mut authors = Vec::new();
    for list in [f.ld_authors, f.meta_authors, f.byline_authors] {
        for a in list {
            add_authors(&a, &site, &mut authors);
        }
        if !authors.is_empty() {
            break;
        }
    }

    Meta {
        title,
        outlet,
        authors,
        published,
        url,
        language,
        warnings,
    }
}

/// Parses every date the page gave and picks one (see `published`). The URL and the visible
/// text are read only when the structured sources name no publication date.
fn choose_date(
    f: &Found,
    dom: &Dom,
    page_url: Option<&str>,
    title: Option<String>,
    month_first: bool,
) -> (Option<DateTime<FixedOffset>>, Vec<String>) {
    let mut cands: Vec<Cand> = f
        .dates
        .iter()
        .filter_map(|d| {
            Some(Cand {
                src: d.src,
                sub: d.sub,
                kind: d.kind,
                when: parse_date_with(&d.value, month_first)?,
            })
        })
        .collect();
    // Elements in the page are ranked by their distance from the headline; when the marked
    // ones name three or more days they are a list of other articles, no better than `<time>`.
    let mut marked_days: Vec<NaiveDate> = cands
        .iter()
        .filter(|c| c.src == Src::Marked && c.kind == Kind::Published)
        .map(|c| c.when.date_naive())
        .collect();
    marked_days.sort();
    marked_days.dedup();
    for c in &mut cands {
        if matches!(c.src, Src::Itemprop | Src::Marked | Src::Time) {
            c.sub = published::distance(&f.main, c.sub);
        }
        if c.src == Src::Marked && marked_days.len() >= 3 {
            c.src = Src::Time;
        }
    }
    let url = page_url
        .or(f.canonical.as_deref())
        .and_then(super::datetext::url_date);
    if let Some(day) = url
        && let Some(when) = midnight(day)
    {
        cands.push(Cand {
            src: Src::Url,
            sub: 0,
            kind: Kind::Published,
            when,
        });
    }
    let structured = cands
        .iter()
        .any(|c| c.kind == Kind::Published && c.src <= Src::Url);
    if !structured {
        published::text_dates(dom, &f.main, month_first, &mut cands);
        if let Some(t) = title
            && let Some(found) = super::datetext::find(&t, month_first)
        {
            cands.push(Cand {
                src: Src::Title,
                sub: 0,
                kind: Kind::Published,
                when: found.when,
            });
        }
    }
    published::choose(&cands)
}

fn midnight(day: NaiveDate) -> Option<DateTime<FixedOffset>> {
    day.and_hms_opt(0, 0, 0)?
        .and_local_timezone(FixedOffset::east_opt(0)?)
        .single()
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

/// The page's outlet and host, which a title's suffix and a byline are compared with.
struct Site<'a> {
    outlet: Option<&'a str>,
    host: Option<&'a str>,
}

/// Letters and digits only, lower case: "Sott.net", "sott.net" and "SOTT NET" compare equal.
fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

impl Site<'_> {
    /// Whether `name` is the outlet or the host ("TheHill", "Sportsnet.ca", "NZZ" on nzz.ch,
    /// "新华网" when the outlet says so), not merely a short phrase.
    fn names_itself(&self, name: &str) -> bool {
        let n = squash(name);
        if n.chars().count() < 2 {
            return false;
        }
        let outlet = self.outlet.map(squash).unwrap_or_default();
        let host = self.host.map(squash).unwrap_or_default();
        // The host without its top-level domain: "nzz" for nzz.ch, "theguardian" for
        // theguardian.com.
        let label = self
            .host
            .and_then(|h| h.rsplit_once('.'))
            .map(|(l, _)| squash(l.rsplit('.').next().unwrap_or(l)))
            .unwrap_or_default();
        // A longer phrase that holds the outlet's name ("The Guardian view on Hong Kong") is
        // a headline; a few letters more ("Sportsnet.ca" for Sportsnet) is the name.
        (!outlet.is_empty() && (n == outlet || (n.len() >= 4 && outlet.contains(&n))))
            || (outlet.len() >= 4 && n.contains(&outlet) && n.len() <= outlet.len() + 6)
            || (!host.is_empty() && (n == host || n == label))
            || (label.len() >= 5 && n.starts_with(&label) && name.split_whitespace().count() <= 4)
    }
}

/// Removes the site's name from a headline like "Story headline | The Outlet",
/// "Outlet: Story", "新闻标题-新华网": only when that part names the outlet or the host.
fn strip_site(title: &str, site: &Site) -> String {
    const SEPS: [&str; 12] = [
        " | ", " - ", " – ", " — ", " -- ", " :: ", " · ", " : ", " « ", " » ", "｜", "_",
    ];
    let mut title = title.trim();
    for _ in 0..2 {
        let mut cut = None;
        for sep in SEPS.iter().chain(["-", "|"].iter()) {
            if let Some((head, tail)) = title.rsplit_once(sep)
                && !head.trim().is_empty()
                && site.names_itself(tail)
            {
                cut = Some(head.trim());
                break;
            }
            if let Some((head, tail)) = title.split_once(sep)
                && !tail.trim().is_empty()
                && sep.trim() != "-"
                && site.names_itself(head)
            {
                cut = Some(tail.trim());
                break;
            }
        }
        match cut {
            Some(c) => title = c,
            None => break,
        }
    }
    title.to_owned()
}

/// News agencies, whose byline is a source, not an author.
const AGENCIES: &[&str] = &[
    "ap",
    "associated press",
    "the associated press",
    "reuters",
    "thomson reuters",
    "afp",
    "agence france-presse",
    "agence france presse",
    "dpa",
    "deutsche presse-agentur",
    "epd",
    "kna",
    "apa",
    "sda",
    "keystone-sda",
    "ansa",
    "efe",
    "europa press",
    "xinhua",
    "upi",
    "united press international",
    "kyodo",
    "yonhap",
    "tass",
    "ria novosti",
    "anadolu",
    "anadolu agency",
    "pa",
    "pa media",
    "press association",
    "bloomberg",
    "ians",
    "pti",
    "bernama",
    "aap",
    "cp",
    "the canadian press",
    "agencies",
    "wire services",
    "staff",
    "admin",
];

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

/// Splits a byline ("By Ann Lee and Bo Diaz") into names and adds the new ones; the outlet,
/// the host and news agencies are not authors.
fn add_authors(byline: &str, site: &Site, out: &mut Vec<String>) {
    let byline = collapse(byline);
    // "By Ann Lee", and also "Analysis by Ann Lee", "Story by Ann Lee".
    // ASCII lower-casing keeps byte offsets, so `at` is valid in `byline` too.
    // "| BY: Ann Lee" after a date: the separator and the colon go too.
    let byline = byline
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .to_owned();
    let byline = match byline.get(..3) {
        Some(by) if by.eq_ignore_ascii_case("by:") => byline[3..].trim_start().to_owned(),
        _ => byline,
    };
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
        let lower = name.to_lowercase();
        if AGENCIES.contains(&lower.trim_end_matches('.')) || site.names_itself(name) {
            continue;
        }
        if !out.iter().any(|a| a.eq_ignore_ascii_case(name)) && out.len() < 10 {
            out.push(name.to_owned());
        }
    }
}

/// Reads the date formats pages use: RFC 3339 and its looser ISO 8601 cousins (no seconds, no
/// colon in the offset, no offset at all: taken as UTC), ISO basic (`20180619T055000+0900`), a
/// bare date, RFC 2822, and a written date (`Di., 25.01.2022 - 14:45`, `April 13, 2020`).
#[cfg(test)]
fn parse_date(s: &str) -> Option<DateTime<FixedOffset>> {
    parse_date_with(s, true)
}

/// As [`parse_date`]; `month_first` reads an ambiguous written `04/05/2019` as April 5.
fn parse_date_with(s: &str, month_first: bool) -> Option<DateTime<FixedOffset>> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d);
    }
    for fmt in [
        "%Y%m%dT%H%M%S%z",
        "%Y%m%dT%H%M%S%.f%z",
        "%Y%m%dT%H%M%z",
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
    for fmt in ["%Y%m%dT%H%M%S", "%Y%m%dT%H%M"] {
        if let Ok(d) = NaiveDateTime::parse_from_str(s, fmt) {
            return d.and_local_timezone(utc).single();
        }
    }
    let date_part = s.get(..10).unwrap_or(s);
    if let Ok(d) = NaiveDate::parse_from_str(date_part, "%Y-%m-%d") {
        return d.and_hms_opt(0, 0, 0)?.and_local_timezone(utc).single();
    }
    if s.len() == 8
        && s.bytes().all(|b| b.is_ascii_digit())
        && let Ok(d) = NaiveDate::parse_from_str(s, "%Y%m%d")
    {
        return d.and_hms_opt(0, 0, 0)?.and_local_timezone(utc).single();
    }
    if let Ok(d) = DateTime::parse_from_rfc2822(s) {
        return Some(d);
    }
    if s.len() <= 80 {
        return super::datetext::find(s, month_first).map(|f| f.when);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::html::dom::parse;

    fn check(html: &str, expected: Meta) {
        let dom = parse(html);
        assert_eq!(
            read(&dom, Some("https://example.org/news/1"), None),
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
                warnings: vec![
                    "publication dates disagree: 2024-03-05 from json-ld, 2024-01-01 from meta tag"
                        .into(),
                ],
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
                warnings: vec![],
            },
        );
    }

    #[test]
    fn title_tag_time_element_and_byline_link() {
        check(
            r#"<title>Council votes on new tram line - Example</title>
            <p>By <a rel="author" href="/staff/jo">Jo Park</a>
            <time datetime="2024-02-29">Feb 29</time>"#,
            Meta {
                title: Some("Council votes on new tram line".into()),
                outlet: Some("example.org".into()),
                authors: vec!["Jo Park".into()],
                published: date("2024-02-29T00:00:00Z"),
                url: Some("https://example.org/news/1".into()),
                language: None,
                warnings: vec![],
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
            (
                "Gaby Acevedo and Jessica Cunnington, CNN",
                vec!["Gaby Acevedo", "Jessica Cunnington"],
            ),
            ("CNN", vec![]),
            ("By Ann Lee, Associated Press", vec!["Ann Lee"]),
            ("Reuters", vec![]),
            ("dpa", vec![]),
            ("Cnn.com Staff", vec![]),
            ("| BY: Ann Lee", vec!["Ann Lee"]),
        ] {
            let mut out = Vec::new();
            let site = Site {
                outlet: Some("CNN"),
                host: Some("edition.cnn.com"),
            };
            add_authors(byline, &site, &mut out);
            assert_eq!(out, expected, "splitting {byline:?}");
        }
    }

    #[test]
    fn titles_lose_only_the_sites_own_name() {
        let site = |outlet: Option<&'static str>, host: &'static str| Site {
            outlet,
            host: Some(host),
        };
        for (title, s, expected) in [
            (
                "Bridge reopens after repairs | Northgate Echo",
                site(Some("Northgate Echo"), "echo.example"),
                "Bridge reopens after repairs",
            ),
            (
                "Bridge reopens -- Sott.net",
                site(None, "sott.net"),
                "Bridge reopens",
            ),
            (
                "大桥重新开放-新华网",
                site(Some("新华网"), "xinhuanet.com"),
                "大桥重新开放",
            ),
            (
                "Bridge reopens | NZZ",
                site(None, "nzz.ch"),
                "Bridge reopens",
            ),
            (
                "South Dakota governor doubles down | TheHill",
                site(Some("TheHill"), "thehill.com"),
                "South Dakota governor doubles down",
            ),
            (
                "IGN | Daily deals",
                site(Some("IGN"), "ign.com"),
                "Daily deals",
            ),
            // A suffix that is not the site is part of the headline.
            (
                "Bridge reopens - Part Two",
                site(Some("Northgate Echo"), "echo.example"),
                "Bridge reopens - Part Two",
            ),
            (
                "Opinion | The bridge we deserve",
                site(Some("The Times"), "times.example"),
                "Opinion | The bridge we deserve",
            ),
            (
                "X-Men return",
                site(Some("Men"), "men.example"),
                "X-Men return",
            ),
        ] {
            assert_eq!(strip_site(title, &s), expected, "stripping {title:?}");
        }
    }

    #[test]
    fn outlet_is_the_site_name_never_the_application_name() {
        let dom = parse(
            r#"<meta name="application-name" content="nextgen">
            <meta property="og:site_name" content="TIME"><title>Bridge | TIME</title>"#,
        );
        let meta = read(&dom, Some("https://time.example/a"), None);
        assert_eq!(meta.outlet.as_deref(), Some("TIME"));
        assert_eq!(meta.title.as_deref(), Some("Bridge"));
        let dom = parse(
            r#"<meta name="application-name" content="nextgen"><title>Bridge</title>
            <meta property="og:site_name" content="https://www.newsnation.example">"#,
        );
        let meta = read(&dom, Some("https://newsnation.example/a"), None);
        assert_eq!(meta.outlet.as_deref(), Some("newsnation.example"));
    }

    /// The day and warnings `read` gives for a page fetched from `url`.
    fn check_date(html: &str, url: &str, expected: Option<&str>, warnings: &[&str]) {
        let dom = parse(html);
        let (_, container) = super::super::body::extract(&dom);
        let meta = read(&dom, Some(url), container);
        let got = meta.published.map(|d| d.to_rfc3339());
        assert_eq!(got.as_deref(), expected, "reading {html}");
        assert_eq!(meta.warnings, warnings, "warnings of {html}");
    }

    #[test]
    fn publication_date_sources() {
        let url = "https://echo.example/news/bridge";
        // JSON-LD in a Yoast @graph: the WebPage's date, ISO basic format, time zone kept.
        check_date(
            r#"<script type="application/ld+json">{"@graph":[{"@type":"WebPage",
            "datePublished":"20240305T093000+0900","dateModified":"20240306T100000+0900"}]}</script>"#,
            url,
            Some("2024-03-05T09:30:00+09:00"),
            &[],
        );
        // An array of JSON-LD objects; the article's date wins over the page's.
        check_date(
            r#"<script type="application/ld+json">[{"@type":"WebPage","datePublished":"2024-03-04"},
            {"@type":"NewsArticle","datePublished":"2024-03-05T08:00:00Z"}]</script>"#,
            url,
            Some("2024-03-05T08:00:00+00:00"),
            &["publication dates disagree: 2024-03-05 from json-ld, 2024-03-04 from json-ld"],
        );
        check_date(
            r#"<div itemprop="datePublished" content="2020-12-03T18:47">3 Dec</div>"#,
            url,
            Some("2020-12-03T18:47:00+00:00"),
            &[],
        );
        check_date(
            r#"<meta name="dc.date" content="2024-03-05">"#,
            url,
            Some("2024-03-05T00:00:00+00:00"),
            &[],
        );
        check_date(
            r#"<meta name="article_date_original" content="Saturday, December 27, 2014, 12:06 PM">"#,
            url,
            Some("2014-12-27T12:06:00+00:00"),
            &[],
        );
        // A shop's or CMS's own data object.
        check_date(
            r#"<script>var product = {"title":"Beans","published_at":"2019-03-02T06:22:28+01:00"};</script>"#,
            url,
            Some("2019-03-02T06:22:28+01:00"),
            &[],
        );
        // The date in the URL path.
        check_date(
            "<p>No date here.</p>",
            "https://echo.example/2019/10/16/bridge/",
            Some("2019-10-16T00:00:00+00:00"),
            &[],
        );
        // Only modified: taken, with a warning.
        check_date(
            r#"<meta property="article:modified_time" content="2024-03-09T10:00:00Z">"#,
            url,
            Some("2024-03-09T10:00:00+00:00"),
            &["no publication date, took the modified date from meta tag"],
        );
        // Before 1995: a warning, not a date.
        check_date(
            r#"<meta property="article:published_time" content="1970-01-01T00:00:00Z">"#,
            url,
            None,
            &["date before 1995 ignored: 1970-01-01 from meta tag"],
        );
    }

    #[test]
    fn a_sidebar_or_footer_that_says_when_the_page_was_posted_is_the_last_resort() {
        let url = "https://echo.example/news/bridge";
        let article =
            "<article><h1>Bridge reopens</h1><p>The harbour bridge reopened.</p></article>";
        // "About this article" in the sidebar, the label after the date and its time.
        check_date(
            &format!(
                r#"<body>{article}<div id="sidebar"><p>This article was on
                <nobr>19. Mai 2010</nobr> um <nobr>23:03</nobr> Uhr gepostet</p></div></body>"#
            ),
            url,
            Some("2010-05-19T00:00:00+00:00"),
            &[],
        );
        // A wiki's footer line is the modified date.
        check_date(
            &format!(
                r#"<body>{article}<footer><ul><li id="footer-info-lastmod">Diese Seite wurde
                zuletzt am 29. Januar 2020 um 13:22 Uhr geändert.</li></ul></footer></body>"#
            ),
            url,
            Some("2020-01-29T13:22:00+00:00"),
            &["no publication date, took the modified date from sidebar or footer"],
        );
        // Any other date on the page comes first; a comment's or an unlabelled footer date never counts.
        check_date(
            &format!(
                r#"<body>{article}<p class="dateline">3 March 2024</p><div id="sidebar">Posted
                on 19 May 2010</div></body>"#
            ),
            url,
            Some("2024-03-03T00:00:00+00:00"),
            &[],
        );
        check_date(
            &format!(
                r#"<body>{article}<div class="comments"><p>Posted on 19 May 2010</p></div>
                <footer>© 7.3.2024 Northgate Echo</footer></body>"#
            ),
            url,
            None,
            &[],
        );
    }

    #[test]
    fn a_url_day_before_a_structured_date_is_the_original_publication() {
        // A page republished two years on keeps its URL; a day's difference is a time zone.
        check_date(
            r#"<meta property="article:published_time" content="2019-06-17T18:28:00+02:00">"#,
            "https://blog.example/home/2017/7/12/montauk",
            Some("2017-07-12T00:00:00+00:00"),
            &["publication dates disagree: 2017-07-12 from url, 2019-06-17 from meta tag"],
        );
        check_date(
            r#"<meta property="article:published_time" content="2019-06-18T08:00:00+02:00">"#,
            "https://blog.example/2019/06/17/montauk",
            Some("2019-06-18T08:00:00+02:00"),
            &["publication dates disagree: 2019-06-18 from meta tag, 2019-06-17 from url"],
        );
    }

    #[test]
    fn the_headline_is_the_h1_the_title_names_not_the_logo() {
        // The site's logo is the first <h1>, beside today's date; the article's dateline sits
        // by the real headline.
        check_date(
            r#"<head><title>Die Titanic und die Liegestühle - Kulturfragen</title></head><body>
            <h1><a href="/">Radio Eins</a></h1><span class="dlf-date">Mittwoch, 26.02.2020</span>
            <nav><a href="/a">A</a></nav><div><p>Navigation text here</p></div><div><p>More</p></div>
            <article><h1>Die Titanic und die Liegestühle</h1><span class="current">01.05.2017</span>
            <p>Der Text des Artikels.</p></article></body>"#,
            "https://radio.example/titanic.html",
            Some("2017-05-01T00:00:00+00:00"),
            &[],
        );
    }

    #[test]
    fn an_articles_own_aside_of_metadata_gives_its_date() {
        check_date(
            r#"<body><main><article class="article"><h1>Freeride</h1><aside class="meta">
            <p><time datetime="2022-01-21">21.01.2022 - 13:30</time></p></aside>
            <p>Article text.</p></article><aside class="teasers"><time datetime="2022-01-26">x</time>
            </aside></main></body>"#,
            "https://alps.example/freeride.html",
            Some("2022-01-21T00:00:00+00:00"),
            &[],
        );
    }

    #[test]
    fn a_photos_date_in_json_ld_is_not_the_pages() {
        check_date(
            r#"<script type="application/ld+json">[{"@type":"ImageObject","datePublished":"2023-11-06"},
            {"@type":"WebPage","datePublished":"2023-11-07T07:30:00+01:00"}]</script>"#,
            "https://news.example/a",
            Some("2023-11-07T07:30:00+01:00"),
            &[],
        );
    }

    #[test]
    fn a_date_that_starts_or_ends_a_period_is_not_the_pages() {
        // "Stand" labels the modified date; "seit 1. Januar 2018" is when a rule began.
        check_date(
            r#"<body><article><h1>Betriebsrente</h1><p class="meta">Stand: 05. Februar 2020</p>
            <p>Die Regeln sind <strong>seit 1. Januar 2018 einfacher</strong>.</p></article></body>"#,
            "https://money.example/betriebsrente/",
            Some("2020-02-05T00:00:00+00:00"),
            &["no publication date, took the modified date from page text"],
        );
    }

    #[test]
    fn hatom_dates_on_spans() {
        check_date(
            r#"<h1>Mozart</h1><span class="published" title="2013-04-04T18:52:11+00:00"></span>
            <p>Text of the post.</p>"#,
            "https://blog.example/mozart",
            Some("2013-04-04T18:52:11+00:00"),
            &[],
        );
    }

    #[test]
    fn visible_dates_skip_comments_lists_and_footers() {
        let url = "https://echo.example/news/bridge";
        check_date(
            r#"<body><div class="related"><span class="date">01.02.2023</span></div>
            <article><h1>Bridge reopens</h1><p class="meta">Veröffentlicht am 5. März 2024, 14:30 Uhr</p>
            <p>The harbour bridge reopened on Tuesday.</p>
            <div class="comments"><span class="date">6. März 2024</span></div></article>
            <footer>© 7.3.2024 Northgate Echo</footer></body>"#,
            url,
            Some("2024-03-05T14:30:00+00:00"),
            &[],
        );
        // A time element in the comments is not the article's.
        check_date(
            r#"<h1>Bridge</h1><section id="comments"><time datetime="2024-03-08">8 March</time></section>
            <p class="byline">By Ann Lee, March 5, 2024</p>"#,
            url,
            Some("2024-03-05T00:00:00+00:00"),
            &[],
        );
        // "Updated" in the text is the modified date; the published one wins.
        check_date(
            r#"<h1>Bridge</h1><div class="info">Updated 9 March 2024</div>
            <div class="info">Published 5 March 2024</div>"#,
            url,
            Some("2024-03-05T00:00:00+00:00"),
            &[],
        );
        // A long paragraph that opens with its dateline.
        check_date(
            &format!(
                "<h1>Bridge</h1><p>5.3.2024 - {}</p>",
                "The harbour bridge reopened after months of repairs. ".repeat(8)
            ),
            url,
            Some("2024-03-05T00:00:00+00:00"),
            &[],
        );
        // The Wayback Machine's toolbar shows the day of the capture, not of the article.
        check_date(
            r#"<div id="wm-ipp-base"><div id="wm-ipp"><span class="date">10 Nov 2013</span></div></div>
            <h1>Bridge</h1><p>The harbour bridge reopened on Tuesday.</p>"#,
            url,
            None,
            &[],
        );
        // A layout class naming the sidebar wraps the article too.
        check_date(
            r#"<div class="layout-right-sidebar"><h1>Bridge</h1><span class="date">5.3.2024</span></div>"#,
            url,
            Some("2024-03-05T00:00:00+00:00"),
            &[],
        );
    }

    #[test]
    fn a_utc_time_keeps_the_zone_the_page_gives() {
        check_date(
            r#"<meta property="article:published_time" content="2023-11-09T02:11:03+00:00">
            <h1>Roxbury</h1><time class="published" datetime="2023-11-08T21:11:03-05:00">Nov 8</time>"#,
            "https://echo.example/news/x",
            Some("2023-11-08T21:11:03-05:00"),
            &[],
        );
    }

    #[test]
    fn a_utc_time_takes_the_urls_day() {
        check_date(
            r#"<meta property="article:published_time" content="2020-02-25T02:25:54+00:00">"#,
            "https://echo.example/2020/02/24/harbour-bridge/",
            Some("2020-02-24T23:25:54-03:00"),
            &["time given in UTC; took the url's day 2020-02-24 as the local day"],
        );
        // A day that no time zone explains is not moved.
        check_date(
            r#"<meta property="article:published_time" content="2020-02-25T15:00:00+00:00">"#,
            "https://echo.example/2020/02/24/harbour-bridge/",
            Some("2020-02-25T15:00:00+00:00"),
            &["publication dates disagree: 2020-02-25 from meta tag, 2020-02-24 from url"],
        );
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
            ("20180619T055000+0900", "2018-06-19T05:50:00+09:00"),
            ("Di., 25.01.2022 - 14:45", "2022-01-25T14:45:00Z"),
        ] {
            assert_eq!(parse_date(input), date(expected), "parsing {input}");
        }
        assert_eq!(parse_date("last Tuesday"), None);
        assert_eq!(parse_date(""), None);
    }
}
