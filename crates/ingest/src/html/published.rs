//! The publication date of a page, chosen from every source it offers, ranked.
//!
//! Structured sources first: JSON-LD `datePublished` of an article (then of any other object,
//! such as a Yoast `@graph` `WebPage`), the `<meta>` vocabularies (OpenGraph `article:`,
//! Dublin Core, Parse.ly, Sailthru, `pubdate`, ...), `itemprop`/RDFa `datePublished` on any
//! element, `<abbr class="published">` and `<time>` marked as the publication; then the date
//! in the URL path; then `<time datetime>` elsewhere; then a written date in the visible text
//! (a dateline or byline, preferring elements whose class says date and text that says
//! published); then the `<title>`. Modified dates (`dateModified`, `article:modified_time`,
//! "Updated ...") are kept apart and used only when nothing says published. Comments, related
//! lists, sidebars and footers never give a date.
//!
//! Deterministic and clock-free: a date before 1995 is dropped with a warning; a date after
//! another source's is accepted, with a warning when sources disagree.

use chrono::{DateTime, Datelike, FixedOffset};

use super::datetext;
use super::dom::{Dom, NONE, Tag};

/// Where a date came from, most trusted first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Src {
    LdArticle,
    MetaTag,
    LdOther,
    Itemprop,
    Marked,
    Script,
    Url,
    Time,
    /// `<meta name="date">` and the like: a date, but not said to be the publication's.
    Text,
    MetaVague,
    Title,
    /// A date in a sidebar or site footer that says it is this page's ("wurde am 19. Mai 2010
    /// gepostet", "This page was last modified on ..."): taken only when nothing else gives one.
    Aside,
}

impl Src {
    fn name(self) -> &'static str {
        match self {
            Src::LdArticle | Src::LdOther => "json-ld",
            Src::MetaTag | Src::MetaVague => "meta tag",
            Src::Itemprop => "itemprop",
            Src::Marked => "marked element",
            Src::Script => "script data",
            Src::Url => "url",
            Src::Time => "time element",
            Src::Text => "page text",
            Src::Title => "title",
            Src::Aside => "sidebar or footer",
        }
    }

    /// Sources that state the date as data, not as text a reader sees.
    fn structured(self) -> bool {
        self <= Src::Script || self == Src::MetaVague
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Published,
    Modified,
}

/// One date a page offers.
#[derive(Debug, Clone, Copy)]
pub struct Cand {
    pub src: Src,
    /// Order inside the source (a meta name's rank, or document order).
    pub sub: u32,
    pub kind: Kind,
    pub when: DateTime<FixedOffset>,
}

/// Meta names that carry a date: (name, published or modified), most trusted first. From the
/// OpenGraph article vocabulary, Dublin Core, schema.org as `itemprop`, Parse.ly, Sailthru,
/// Google News (`original-source`), Highwire citation tags and common CMS names.
const META_DATES: &[(&str, Kind)] = &[
    ("article:published_time", Kind::Published),
    ("og:article:published_time", Kind::Published),
    ("article:published", Kind::Published),
    ("datepublished", Kind::Published),
    ("article.published", Kind::Published),
    ("article_date_original", Kind::Published),
    ("original-publish-date", Kind::Published),
    ("publication_date", Kind::Published),
    ("publish_date", Kind::Published),
    ("publish-date", Kind::Published),
    ("publishdate", Kind::Published),
    ("published_time", Kind::Published),
    ("published-date", Kind::Published),
    ("date_published", Kind::Published),
    ("og:published_time", Kind::Published),
    ("og:pubdate", Kind::Published),
    ("pubdate", Kind::Published),
    ("sw-pubdate", Kind::Published),
    ("parsely-pub-date", Kind::Published),
    ("sailthru.date", Kind::Published),
    ("citation_publication_date", Kind::Published),
    ("citation_date", Kind::Published),
    ("dc.date.issued", Kind::Published),
    ("dcterms.issued", Kind::Published),
    ("dc.date.created", Kind::Published),
    ("dcterms.created", Kind::Published),
    ("datecreated", Kind::Published),
    ("dc.date", Kind::Published),
    ("dcterms.date", Kind::Published),
    ("date", Kind::Published),
    ("created", Kind::Published),
    ("article:modified_time", Kind::Modified),
    ("og:updated_time", Kind::Modified),
    ("datemodified", Kind::Modified),
    ("dc.date.modified", Kind::Modified),
    ("dcterms.modified", Kind::Modified),
    ("last-modified", Kind::Modified),
    ("lastmod", Kind::Modified),
    ("modified", Kind::Modified),
];

/// Meta names that say only "a date" (the page's, a crawl's, a template's): below the
/// named publication sources and `<time>`.
const VAGUE_META: &[&str] = &["dc.date", "dcterms.date", "date", "created"];

/// The source, kind and rank of a `<meta>` name that carries a date.
pub fn meta_name(key: &str) -> Option<(Src, Kind, u32)> {
    let key = key.strip_prefix("schema:").unwrap_or(key);
    let i = META_DATES.iter().position(|(n, _)| *n == key)?;
    let src = if VAGUE_META.contains(&key) {
        Src::MetaVague
    } else {
        Src::MetaTag
    };
    Some((src, META_DATES[i].1, i as u32))
}

/// `datePublished`, `schema:dateCreated`, `dateModified` as `itemprop` or `property` values.
pub fn schema_prop(value: &str) -> Option<Kind> {
    let v = value.trim();
    let v = v.rsplit([':', '/']).next().unwrap_or(v);
    if v.eq_ignore_ascii_case("datepublished") || v.eq_ignore_ascii_case("datecreated") {
        Some(Kind::Published)
    } else if v.eq_ignore_ascii_case("datemodified") {
        Some(Kind::Modified)
    } else {
        None
    }
}

/// Class and id words of the parts of a page that are not the article: a date there belongs
/// to a comment, another article or the site.
const NOT_ARTICLE: &[&str] = &[
    "comment",
    "related",
    "sidebar",
    "recommend",
    "reply",
    "disqus",
    "leserbrief",
    "copyright",
    "popular",
    "trending",
    // The Wayback Machine's toolbar, whose calendar shows the day of the capture.
    "wm-ipp",
];

/// Class and id words of an `<aside>` that holds the article's own date and byline.
const ARTICLE_META: &[&str] = &[
    "meta", "byline", "date", "datum", "author", "posted", "publi",
];

/// Class and id words of elements that hold a date or a byline.
const DATE_HINTS: &[&str] = &[
    "date",
    "datum",
    "time",
    "publi",
    "posted",
    "byline",
    "meta",
    "created",
    "submitted",
    "author",
    "fecha",
    "stamp",
    "info",
];

fn class_id(dom: &Dom, id: u32) -> String {
    let mut s = String::new();
    for (n, v) in dom.attrs(id) {
        if n.eq_ignore_ascii_case("class") || n.eq_ignore_ascii_case("id") {
            s.push_str(&v.to_ascii_lowercase());
            s.push(' ');
        }
    }
    s
}

/// How far node `id` is from the main heading (`main[0]`) in document order, counted double
/// before it: the dateline sits by the headline; dates further off belong to teasers and lists.
pub fn distance(main: &[u32], id: u32) -> u32 {
    match main.first() {
        Some(&h) if id >= h => id - h,
        Some(&h) => (h - id).saturating_mul(2),
        None => id,
    }
}

/// The main heading and its ancestors, innermost first, then the ancestors of the body's
/// `container` (the element the article text came from). The heading is the first `<h1>`,
/// else the first `<article>`, else the container.
pub fn main_path(dom: &Dom, container: Option<u32>) -> Vec<u32> {
    let first =
        |tag: Tag| (0..dom.nodes.len() as u32).find(|&id| dom.nodes[id as usize].tag == tag);
    let mut path = Vec::new();
    let heading = headline(dom)
        .or_else(|| first(Tag::H1))
        .or_else(|| first(Tag::Article));
    for start in [heading, container].into_iter().flatten() {
        let mut n = start;
        while n != NONE && path.len() < 1024 {
            if !path.contains(&n) {
                path.push(n);
            }
            if n == 0 {
                break;
            }
            n = dom.nodes[n as usize].parent;
        }
    }
    path
}

/// The first `<h1>` most of whose words are in the page's `<title>`: the headline, where a
/// page's first `<h1>` is its logo or site name.
fn headline(dom: &Dom) -> Option<u32> {
    let words = |text: &str| -> Vec<String> {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() >= 2)
            .map(str::to_lowercase)
            .collect()
    };
    let title = (0..dom.nodes.len() as u32).find(|&id| dom.nodes[id as usize].tag == Tag::Title)?;
    let title = words(&dom.text_of(title));
    (0..dom.nodes.len() as u32)
        .filter(|&id| dom.nodes[id as usize].tag == Tag::H1)
        .take(50)
        .find(|&id| {
            let h = words(&dom.text_of(id));
            let shared = h.iter().filter(|w| title.contains(w)).count();
            h.len() >= 2 && shared * 2 > h.len()
        })
}

/// Whether `id` sits in a comment, related list, sidebar or site footer. Class words are read
/// one at a time and count when they start or end with a marker (`comments`, `sidebar-left`,
/// `recentcomments`, not `vw-blog-sidebar-position-right`), leaving out the page-layout ones (`has-sidebar`, `no-sidebars`,
/// `content-sidebar-wrap`) that wrap the article too; an article's own footer
/// (`<article>…<footer>`, `post-footer`) is part of it.
///
/// `main` is the path from the page's main heading up to the root (see [`main_path`]): an
/// element that holds the headline is the page's layout, whatever its class says
/// (`layout-two-columns-right-sidebar`).
pub fn outside_article(dom: &Dom, id: u32, main: &[u32]) -> bool {
    let mut n = dom.nodes[id as usize].parent;
    let mut footer = false;
    for _ in 0..40 {
        if n == NONE || n == 0 {
            return footer;
        }
        let node = &dom.nodes[n as usize];
        match node.tag {
            Tag::Body | Tag::Html => return footer,
            Tag::Article if footer => return false,
            // An article's own aside of metadata (`<aside class="meta">` with its date and
            // byline) is part of it; any other aside is not.
            Tag::Aside if class_within(dom, n, 1, ARTICLE_META) => {}
            Tag::Aside | Tag::Nav | Tag::Select | Tag::Option => return true,
            Tag::Footer => footer = true,
            _ => {}
        }
        for (name, value) in dom.attrs(n) {
            if !(name.eq_ignore_ascii_case("class") || name.eq_ignore_ascii_case("id"))
                || main.contains(&n)
            {
                continue;
            }
            for word in value.split_ascii_whitespace() {
                let w = word.to_ascii_lowercase();
                if w.contains("wrap")
                    || ["has-", "with-", "no-", "is-", "page-", "single"]
                        .iter()
                        .any(|p| w.starts_with(p))
                {
                    continue;
                }
                if footer
                    && ["article", "post", "entry", "hentry"]
                        .iter()
                        .any(|p| w.starts_with(p))
                {
                    // The footer of an article (`<div class="article">…<div class="footer">`).
                    return false;
                }
                if w.contains("footer") {
                    if !["post", "entry", "article", "meta"]
                        .iter()
                        .any(|p| w.contains(p))
                    {
                        footer = true;
                    }
                } else if NOT_ARTICLE.iter().any(|x| {
                    let w = w.trim_end_matches('s');
                    w.starts_with(x) || w.ends_with(x)
                }) {
                    return true;
                }
            }
        }
        n = node.parent;
    }
    footer
}

/// Class and id words of comment sections, whose dates are the commenters'.
const COMMENTS: &[&str] = &["comment", "reply", "disqus", "leserbrief", "kommentar"];

/// Whether `id` sits in a comment section.
fn in_comments(dom: &Dom, id: u32) -> bool {
    class_within(dom, dom.nodes[id as usize].parent, 40, COMMENTS)
}

/// Whether the class or id of `start` or of one of its next `depth - 1` ancestors contains one
/// of `words`.
fn class_within(dom: &Dom, start: u32, depth: usize, words: &[&str]) -> bool {
    let mut n = start;
    for _ in 0..depth {
        if n == NONE || n == 0 {
            return false;
        }
        let ci = class_id(dom, n);
        if words.iter().any(|w| ci.contains(w)) {
            return true;
        }
        n = dom.nodes[n as usize].parent;
    }
    false
}

/// The label in the words after a date (`19. Mai 2010 um 23:03 Uhr gepostet`): the rest of its
/// own text and the next four text nodes, at most eight words in all.
fn cue_after(dom: &Dom, id: u32, rest: &str) -> Option<datetext::Cue> {
    let mut words: Vec<&str> = rest
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let mut next = id + 1;
    let mut texts = 0;
    while words.len() < 8 && texts < 4 && (next as usize) < dom.nodes.len() {
        if dom.nodes[next as usize].tag == Tag::Text {
            texts += 1;
            words.extend(
                dom.raw(next)
                    .split(|c: char| !c.is_alphanumeric())
                    .filter(|w| !w.is_empty()),
            );
        }
        next += 1;
    }
    words.truncate(8);
    words.iter().find_map(|w| datetext::cue_word(w))
}

fn date_hinted(dom: &Dom, id: u32) -> bool {
    class_within(dom, id, 4, DATE_HINTS)
}

/// Dates written in the visible text: in each short text node outside comments and footers,
/// the first date, as published or modified by the words before it.
///
/// A text date's `sub` is its distance from the page's main heading (the first `<h1>` outside
/// `main`), counted double before it: the dateline sits by the headline, and
/// dates further off belong to teasers and lists.
pub fn text_dates(dom: &Dom, main: &[u32], month_first: bool, out: &mut Vec<Cand>) {
    let mut prev_text: &str = "";
    for id in 0..dom.nodes.len() as u32 {
        let node = &dom.nodes[id as usize];
        if node.tag != Tag::Text {
            continue;
        }
        let parent = node.parent;
        if parent != NONE
            && matches!(
                dom.nodes[parent as usize].tag,
                Tag::Script
                    | Tag::Style
                    | Tag::Title
                    | Tag::Textarea
                    | Tag::Noscript
                    | Tag::Template
            )
        {
            continue;
        }
        let raw = dom.raw(id);
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            continue;
        }
        // A long text counts only for the dateline it may open with ("27.1.2022 - The ...").
        let long = trimmed.len() > 300;
        let trimmed = if long {
            let mut cut = 60;
            while !trimmed.is_char_boundary(cut) {
                cut -= 1;
            }
            &trimmed[..cut]
        } else {
            trimmed
        };
        if !trimmed.bytes().any(|b| b.is_ascii_digit()) {
            prev_text = trimmed;
            continue;
        }
        let text = if trimmed.contains('&') {
            super::entities::decode(trimmed).into_owned()
        } else {
            trimmed.to_owned()
        };
        let Some(found) = datetext::find(&text, month_first).filter(|f| !long || f.start <= 5)
        else {
            prev_text = trimmed;
            continue;
        };
        if outside_article(dom, id, main) {
            // A sidebar or footer may still say when this page was posted or last changed;
            // a comment's date never counts.
            if !in_comments(dom, id)
                && let Some(cue) = datetext::cue_before(&text[..found.start])
                    .or_else(|| datetext::cue_before(prev_text))
                    .or_else(|| cue_after(dom, id, &text[found.end..]))
                && cue != datetext::Cue::Other
            {
                out.push(Cand {
                    src: Src::Aside,
                    sub: distance(main, id),
                    kind: if cue == datetext::Cue::Modified {
                        Kind::Modified
                    } else {
                        Kind::Published
                    },
                    when: found.when,
                });
            }
            prev_text = trimmed;
            continue;
        }
        let before = &text[..found.start];
        let cue = datetext::cue_before(before).or_else(|| {
            before
                .trim()
                .is_empty()
                .then(|| datetext::cue_before(prev_text))
                .flatten()
        });
        let kind = match cue {
            Some(datetext::Cue::Modified) => Kind::Modified,
            // "seit 1. Januar 2018", "until March 5": the date of something else.
            Some(datetext::Cue::Other) => {
                prev_text = trimmed;
                continue;
            }
            _ => Kind::Published,
        };
        // A date in an element named for dates, or said to be the publication's, counts at
        // a third of its distance; a short text that leads with a date at its distance.
        let sub = if cue == Some(datetext::Cue::Published) || date_hinted(dom, parent) {
            distance(main, id)
        } else if found.start <= 30 || text.split_whitespace().count() <= 8 {
            distance(main, id).saturating_mul(3)
        } else {
            prev_text = trimmed;
            continue;
        };
        out.push(Cand {
            src: Src::Text,
            sub,
            kind,
            when: found.when,
        });
        prev_text = trimmed;
    }
}

/// How a candidate ranks, lowest first: by source, then by its place in the source. A date
/// written in the text competes with `<time>` elements by its distance from the headline
/// (counted double): a dateline under the headline beats a `<time>` in a teaser further down.
fn rank(c: &Cand) -> (Src, u32) {
    match c.src {
        Src::Text => (Src::Time, c.sub.saturating_mul(2)),
        src => (src, c.sub),
    }
}

/// The chosen date and what to warn about.
pub fn choose(cands: &[Cand]) -> (Option<DateTime<FixedOffset>>, Vec<String>) {
    tracing::debug!(candidates = ?cands, "publication date candidates");
    let mut warnings = Vec::new();
    let mut usable: Vec<&Cand> = Vec::new();
    let only_aside = cands.iter().all(|c| c.src == Src::Aside);
    for c in cands.iter().filter(|c| only_aside || c.src != Src::Aside) {
        if c.when.year() < 1995 {
            let w = format!(
                "date before 1995 ignored: {} from {}",
                c.when.date_naive(),
                c.src.name()
            );
            if !warnings.contains(&w) {
                warnings.push(w);
            }
        } else {
            usable.push(c);
        }
    }
    let best = |kind: Kind| {
        usable
            .iter()
            .filter(|c| c.kind == kind)
            .min_by_key(|c| rank(c))
            .copied()
    };
    // A URL path is minted when an article is first published: a structured date more than a
    // day after the URL's day is a republication or an edit, and the URL has the original day.
    let published = best(Kind::Published).map(|c| {
        match usable
            .iter()
            .find(|u| u.src == Src::Url && u.kind == Kind::Published)
        {
            Some(url)
                if c.src.structured()
                    && (c.when.date_naive() - url.when.date_naive()).num_days() > 1 =>
            {
                *url
            }
            _ => c,
        }
    });
    let chosen = published.or_else(|| best(Kind::Modified));
    let Some(mut chosen) = chosen.copied() else {
        return (None, warnings);
    };
    // A time given in UTC that the page also gives in its own zone: keep the page's zone, so
    // the day is the one its readers saw.
    if chosen.when.offset().local_minus_utc() == 0
        && let Some(local) = usable.iter().find(|c| {
            c.when.offset().local_minus_utc() != 0
                && (c.when.timestamp() - chosen.when.timestamp()).abs() <= 60
        })
    {
        chosen.when = chosen.when.with_timezone(local.when.offset());
    }
    // A time given in UTC whose day is one off the URL's, in the direction some time zone
    // would move it: the URL has the local day. Keep the instant, in the nearest whole-hour
    // zone that gives that day, and say so.
    if chosen.when.offset().local_minus_utc() == 0
        && chosen.src != Src::Url
        && let Some(url) = usable.iter().find(|c| c.src == Src::Url)
    {
        use chrono::Timelike;
        let day = chosen.when.date_naive();
        let hour = chosen.when.hour() as i32;
        // Midnight is how a bare day is stored: no time to move.
        let timed = chosen.when.num_seconds_from_midnight() != 0;
        let shift = if !timed {
            None
        } else if url.when.date_naive().succ_opt() == Some(day) && hour < 12 {
            Some(-(hour + 1))
        } else if day.succ_opt() == Some(url.when.date_naive()) && hour >= 10 {
            Some(24 - hour)
        } else {
            None
        };
        if let Some(h) = shift
            && let Some(zone) = FixedOffset::east_opt(h * 3600)
        {
            chosen.when = chosen.when.with_timezone(&zone);
            warnings.push(format!(
                "time given in UTC; took the url's day {} as the local day",
                url.when.date_naive()
            ));
        }
    }
    // A whole hour of 22:00 or 23:00 UTC with no minutes or seconds is how a CMS stores the
    // midnight of a day in Central Europe (UTC+2 in summer, UTC+1 in winter): the page's day
    // is the next one. Keep the instant, in the zone that makes it midnight.
    if chosen.when.offset().local_minus_utc() == 0 && chosen.src != Src::Url {
        use chrono::Timelike;
        let t = chosen.when.time();
        if t.minute() == 0 && t.second() == 0 && t.nanosecond() == 0 && t.hour() >= 22 {
            let east = (24 - t.hour() as i32) * 3600;
            if let Some(zone) = FixedOffset::east_opt(east) {
                chosen.when = chosen.when.with_timezone(&zone);
            }
        }
    }
    if published.is_none() {
        warnings.push(format!(
            "no publication date, took the modified date from {}",
            chosen.src.name()
        ));
    }
    // Another source of another kind of evidence that names a different day.
    let day = chosen.when.date_naive();
    if let Some(other) = usable
        .iter()
        .filter(|c| c.kind == Kind::Published && c.src != chosen.src)
        .filter(|c| c.src.structured() || c.src == Src::Url)
        .filter(|_| chosen.src.structured() || chosen.src == Src::Url)
        .find(|c| c.when.date_naive() != day)
    {
        warnings.push(format!(
            "publication dates disagree: {day} from {}, {} from {}",
            chosen.src.name(),
            other.when.date_naive(),
            other.src.name()
        ));
    }
    if let Some(modified) = best(Kind::Modified)
        && chosen.kind == Kind::Published
        && modified.when.date_naive() < day
    {
        warnings.push(format!(
            "publication date {day} is after the modified date {}",
            modified.when.date_naive()
        ));
    }
    (Some(chosen.when), warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cand(src: Src, kind: Kind, day: &str) -> Cand {
        Cand {
            src,
            sub: 0,
            kind,
            when: DateTime::parse_from_rfc3339(&format!("{day}T00:00:00Z")).unwrap(),
        }
    }

    fn check(cands: &[Cand], expected: Option<&str>, warnings: &[&str]) {
        let (d, w) = choose(cands);
        assert_eq!(d.map(|d| d.date_naive().to_string()).as_deref(), expected);
        assert_eq!(w, warnings);
    }

    #[test]
    fn ranking() {
        use Kind::*;
        check(
            &[
                cand(Src::Url, Published, "2024-03-05"),
                cand(Src::MetaTag, Published, "2024-03-05"),
            ],
            Some("2024-03-05"),
            &[],
        );
        check(
            &[
                cand(Src::MetaTag, Modified, "2024-03-09"),
                cand(Src::Text, Published, "2024-03-05"),
            ],
            Some("2024-03-05"),
            &[],
        );
        check(
            &[cand(Src::MetaTag, Modified, "2024-03-09")],
            Some("2024-03-09"),
            &["no publication date, took the modified date from meta tag"],
        );
        check(
            &[
                cand(Src::LdArticle, Published, "2024-03-05"),
                cand(Src::Url, Published, "2024-03-04"),
            ],
            Some("2024-03-05"),
            &["publication dates disagree: 2024-03-05 from json-ld, 2024-03-04 from url"],
        );
        check(
            &[
                cand(Src::MetaTag, Published, "1970-01-01"),
                cand(Src::Text, Published, "2024-03-05"),
            ],
            Some("2024-03-05"),
            &["date before 1995 ignored: 1970-01-01 from meta tag"],
        );
        check(&[], None, &[]);
    }

    fn at(src: Src, sub: u32, when: &str) -> Cand {
        Cand {
            src,
            sub,
            kind: Kind::Published,
            when: DateTime::parse_from_rfc3339(when).unwrap(),
        }
    }

    #[test]
    fn a_dateline_by_the_headline_beats_a_time_element_further_off() {
        let teaser = at(Src::Time, 360, "2018-03-12T19:30:12Z");
        let dateline = at(Src::Text, 13, "2019-01-29T00:00:00Z");
        check(&[teaser, dateline], Some("2019-01-29"), &[]);
        // A text date far below a time element by the headline does not.
        let far = at(Src::Text, 900, "2019-01-29T00:00:00Z");
        let near = at(Src::Time, 20, "2018-03-12T19:30:12Z");
        check(&[far, near], Some("2018-03-12"), &[]);
    }

    #[test]
    fn a_central_european_midnight_in_utc_is_the_next_day() {
        let (d, w) = choose(&[at(Src::MetaTag, 0, "2021-11-04T23:00:00Z")]);
        assert_eq!(d.unwrap().to_rfc3339(), "2021-11-05T00:00:00+01:00");
        assert!(w.is_empty());
        let (d, _) = choose(&[at(Src::MetaTag, 0, "2021-06-04T22:00:00Z")]);
        assert_eq!(d.unwrap().to_rfc3339(), "2021-06-05T00:00:00+02:00");
        // A time with minutes is a real time of day, and an earlier hour is not a midnight.
        let (d, _) = choose(&[at(Src::MetaTag, 0, "2021-11-04T23:15:00Z")]);
        assert_eq!(d.unwrap().to_rfc3339(), "2021-11-04T23:15:00+00:00");
        let (d, _) = choose(&[at(Src::MetaTag, 0, "2021-11-04T21:00:00Z")]);
        assert_eq!(d.unwrap().to_rfc3339(), "2021-11-04T21:00:00+00:00");
    }
}
