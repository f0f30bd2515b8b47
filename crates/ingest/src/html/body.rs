//! Finding the article body in a parsed page.
//!
//! Readability-style: every block of text scores its ancestors (by length and commas), scores
//! are damped by link density and nudged by class and id hints, the best-scoring container
//! wins and takes along siblings that look like more of the same. The winner is then walked in
//! document order, leaving out boilerplate (share widgets, related links, captions, forms) and
//! paragraphs that are mostly links, to give paragraphs separated by blank lines.
//!
//! Every pass is a loop over the node array (parents come before children, so a reverse loop
//! is a bottom-up pass) or uses an explicit stack: nothing here recurses.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::dom::{Dom, NONE, Tag};
use super::entities;

/// Per-element figures, summed over the subtree unless named `own_*`.
#[derive(Debug, Clone, Copy, Default)]
struct Stat {
    /// Characters of text, whitespace not counted.
    text: u32,
    /// Characters of text inside links.
    link: u32,
    commas: u32,
    /// Text that belongs to this block itself (not to a nested block).
    own: u32,
    own_link: u32,
    own_commas: u32,
    p: u16,
    img: u16,
    li: u16,
    input: u16,
    embed: u16,
    headings: u16,
    /// Text in paragraph-like blocks: long enough and not mostly links.
    ptext: u32,
    /// Text inside `<blockquote>` (embedded posts are quoted this way).
    quote: u32,
    /// Has a child that is a block element (so text of its own is loose text between blocks).
    block_child: bool,
}

/// What the class, id and role of an element suggest.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Hint {
    /// Readability's class weight: +25 per positive, −25 per negative attribute.
    weight: i16,
    /// Clearly not content (comments, sharing, related links, cookie notices…).
    junk: bool,
    /// Named as the article body (`itemprop=articleBody`, `article-body`, `entry-content`).
    body: bool,
    /// Not shown: `hidden`, `aria-hidden="true"`, `display: none`.
    hidden: bool,
}

/// Finds the article body in `dom`: paragraphs separated by blank lines, or an empty string,
/// and the element chosen as the article's container, if one was.
pub fn extract(dom: &Dom) -> (String, Option<u32>) {
    let hints = hints(dom);
    let first = attempt(dom, &hints, true, None);
    // Like readability: when stripping unlikely-looking elements leaves little, their names
    // misled us; try again keeping them and take the longer text.
    if first.0.len() >= RETRY_BELOW {
        return first;
    }
    let second = attempt(dom, &hints, false, None);
    let best = if second.0.len() > first.0.len() {
        second
    } else {
        first
    };
    if best.0.len() >= RETRY_BELOW {
        return best;
    }
    // Still little: the scores went to a block of teasers while the article's paragraphs,
    // each wrapped in containers of its own, scored none of their far ancestors. Take the
    // element that holds most of the page's paragraph text instead.
    match paragraph_home(dom, &hints) {
        Some(home) => {
            let third = attempt(dom, &hints, true, Some(home));
            if third.0.len() > best.0.len() {
                third
            } else {
                best
            }
        }
        None => best,
    }
}

/// The innermost element that holds at least [`HOME_SHARE`] of the page's paragraph text, when
/// that text is at least [`RETRY_BELOW`] long.
fn paragraph_home(dom: &Dom, hints: &[Hint]) -> Option<u32> {
    let skip = skipped(dom, hints, true);
    let stats = stats(dom, &skip);
    let total = stats[0].ptext;
    if (total as usize) < RETRY_BELOW {
        return None;
    }
    // Parents come before children: the last element that qualifies is the innermost one
    // on the path of elements that qualify.
    (1..dom.nodes.len() as u32).rev().find(|&id| {
        !skip[id as usize]
            && dom.nodes[id as usize].tag != Tag::Text
            && stats[id as usize].ptext as f32 >= HOME_SHARE * total as f32
    })
}

/// The share of a page's paragraph text an element must hold to be taken as the article when
/// scoring found none.
const HOME_SHARE: f32 = 0.6;

/// Paragraph text (characters) a `<header>` inside the article must hold to be emitted: more
/// than a headline, byline and one-sentence standfirst.
const HEADER_PARAGRAPHS: u32 = 300;

/// Bodies shorter than this (in bytes) are extracted a second time, keeping junk-named elements.
const RETRY_BELOW: usize = 500;

/// One extraction: the best-scoring container, or `forced` when given.
fn attempt(
    dom: &Dom,
    hints: &[Hint],
    strip_junk: bool,
    forced: Option<u32>,
) -> (String, Option<u32>) {
    let skip = skipped(dom, hints, strip_junk);
    let stats = stats(dom, &skip);
    let scores = score(dom, &skip, hints, &stats);
    let mut protected = vec![false; dom.nodes.len()];
    let chosen = match forced {
        Some(home) => Some((home, home)),
        None => top_candidate(dom, &scores, &stats),
    };
    let roots = match chosen {
        Some((top, best)) => {
            // The chosen container and the path down to the best-scoring one are never
            // dropped as clutter.
            let mut n = best;
            while n != NONE {
                protected[n as usize] = true;
                if n == top {
                    break;
                }
                n = dom.nodes[n as usize].parent;
            }
            if forced.is_some() {
                vec![top]
            } else {
                with_siblings(dom, top, &scores, &stats, &skip, hints)
            }
        }
        None => vec![0],
    };
    for (id, h) in hints.iter().enumerate() {
        if h.body {
            protected[id] = true;
        }
    }
    let page = Page {
        dom,
        skip: &skip,
        hints,
        stats: &stats,
        scores: &scores,
        protected: &protected,
    };
    (page.emit_all(&roots), chosen.map(|(top, _)| top))
}

/// Tags whose content is never article text.
fn never_content(tag: Tag) -> bool {
    matches!(
        tag,
        Tag::Script
            | Tag::Style
            | Tag::Noscript
            | Tag::Template
            | Tag::Svg
            | Tag::Math
            | Tag::Iframe
            | Tag::Textarea
            | Tag::Select
            | Tag::Option
            | Tag::Button
            | Tag::Input
            | Tag::Nav
            | Tag::Object
            | Tag::Canvas
            | Tag::Video
            | Tag::Audio
            | Tag::Dialog
            | Tag::Title
            | Tag::Meta
            | Tag::Link
            | Tag::Base
            | Tag::Xmp
            | Tag::Noembed
            | Tag::Noframes
            | Tag::Embed
            | Tag::Label
    )
}

/// Reads class, id, role and itemprop of every element into a [`Hint`].
fn hints(dom: &Dom) -> Vec<Hint> {
    let mut out = vec![Hint::default(); dom.nodes.len()];
    // Pages repeat the same class values on many elements; judge each distinct value once.
    let mut seen: HashMap<&str, Hint, BuildHasherDefault<FxHasher>> = HashMap::default();
    let mut buf = String::new();
    for (id, node) in dom.nodes.iter().enumerate() {
        if matches!(node.tag, Tag::Text | Tag::Root) || node.start == node.end {
            continue;
        }
        let mut h = Hint::default();
        for (name, value) in dom.attrs(id as u32) {
            let name = name.as_bytes();
            let is = |n: &str| name.eq_ignore_ascii_case(n.as_bytes());
            if is("class") || is("id") {
                if value.is_empty() {
                    continue;
                }
                let v = *seen.entry(value).or_insert_with(|| {
                    buf.clear();
                    buf.push_str(value);
                    buf.make_ascii_lowercase();
                    judge(&buf)
                });
                h.weight += v.weight;
                h.junk |= v.junk;
                h.body |= v.body;
            } else if is("role") {
                let v = value.trim();
                h.junk |= [
                    "navigation",
                    "menu",
                    "menubar",
                    "complementary",
                    "alert",
                    "alertdialog",
                    "dialog",
                    "banner",
                    "contentinfo",
                    "search",
                ]
                .iter()
                .any(|r| v.eq_ignore_ascii_case(r));
            } else if is("itemprop") {
                if value.eq_ignore_ascii_case("articleBody") || value.eq_ignore_ascii_case("text") {
                    h.body = true;
                }
            } else if is("hidden") {
                h.hidden = true;
            } else if is("aria-hidden") {
                h.hidden |= value.eq_ignore_ascii_case("true");
            } else if is("style") {
                h.hidden |= hidden_style(value);
            }
        }
        if h.body {
            h.junk = false;
        }
        out[id] = h;
    }
    out
}

/// `display: none` or `visibility: hidden` in a style attribute, any case and spacing.
fn hidden_style(style: &str) -> bool {
    style.split(';').any(|decl| {
        let Some((prop, value)) = decl.split_once(':') else {
            return false;
        };
        let (prop, value) = (prop.trim(), value.trim());
        (prop.eq_ignore_ascii_case("display") && value.eq_ignore_ascii_case("none"))
            || (prop.eq_ignore_ascii_case("visibility") && value.eq_ignore_ascii_case("hidden"))
    })
}

/// FxHash (rustc's hasher): much faster than SipHash for short keys, and attribute values
/// from one page are no denial-of-service risk worth SipHash's cost.
#[derive(Default)]
struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word))
                .wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// Splits a class or id value into words: `article-body__text` → article, body, text.
fn words(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
}

const POSITIVE: &[&str] = &[
    "article", "body", "content", "entry", "hentry", "main", "page", "post", "text", "blog",
    "story",
];

const NEGATIVE: &[&str] = &[
    "hidden",
    "banner",
    "combx",
    "comment",
    "contact",
    "foot",
    "footer",
    "footnote",
    "masthead",
    "media",
    "meta",
    "outbrain",
    "taboola",
    "promo",
    "related",
    "scroll",
    "share",
    "shoutbox",
    "sidebar",
    "skyscraper",
    "sponsor",
    "shopping",
    "tags",
    "tool",
    "widget",
    "newsletter",
    "subscribe",
    "social",
    "byline",
    "caption",
    "credit",
    "recommend",
    "popular",
    "trending",
];

/// Word beginnings in class or id values that mark an element as boilerplate outright
/// (`comment` also catches `comments` and `commentlist`).
const UNLIKELY_STEMS: &[&str] = &[
    "comment",
    "disqus",
    "sidebar",
    "related",
    "share",
    "sharing",
    "social",
    "sponsor",
    "newsletter",
    "subscri",
    "signup",
    "cookie",
    "consent",
    "gdpr",
    "breadcrumb",
    "advert",
    "popup",
    "modal",
    "recirc",
    "recommend",
    "outbrain",
    "taboola",
    "promo",
    "skyscraper",
    "pagination",
    "footer",
    "masthead",
    "menu",
    "trending",
    "popular",
    "mostread",
    "readmore",
    "byline",
    "caption",
    "credit",
    "toolbar",
    "tooltip",
    "paywall",
    "agegate",
    "adslot",
    "adsense",
    "adunit",
    "advertis",
    "dfp",
    "screenreader",
    "visuallyhidden",
    "offscreen",
    "newsfeed",
    "shoutbox",
    "combx",
    "remark",
    "replies",
    "rss",
];

/// Several-word markers, matched anywhere in the value.
const UNLIKELY_PHRASES: &[&str] = &[
    "read-more",
    "more-stories",
    "further-reading",
    "sign-up",
    "author-bio",
    "ad-slot",
    "ad-container",
    "ad-wrapper",
    "print-only",
    "sr-only",
    "visually-hidden",
    "skip-link",
    "most-read",
    "-ad-",
    "ad-break",
    "cover-wrap",
];

/// Whole words that mark boilerplate (`ad` must not match `header` or `read`).
const UNLIKELY_WORDS: &[&str] = &[
    "ad",
    "ads",
    "nav",
    "navbar",
    "pager",
    "tags",
    "topics",
    "keywords",
    "bio",
    "print",
    "login",
    "banner",
    "dateline",
    "timestamp",
    "rating",
    "copyright",
    "disclaimer",
    "slideshow",
    "lightbox",
    "poll",
    "quiz",
    "feedback",
    "overlay",
    "supplemental",
];

/// Words that keep an element even when it also looks like boilerplate.
const MAYBE_CONTENT: &[&str] = &["body", "column", "content", "main", "text"];

/// Class or id values that name the article body itself.
const BODY: &[&str] = &[
    "articlebody",
    "article-body",
    "article_body",
    "article-content",
    "article_content",
    "articlecontent",
    "story-body",
    "storybody",
    "story-content",
    "post-body",
    "post-content",
    "postcontent",
    "entry-content",
    "article-text",
    "article__body",
    "article__content",
    "story__body",
    "body-text",
    "bodytext",
    "main-content",
];

// Kinds of pattern, as bits. Substring patterns match anywhere in the value; word patterns
// match a whole word (`Exact`) or the start of a word (`Stem`) of the value split at
// non-alphanumerics.
const POS: u8 = 1;
const NEG: u8 = 2;
const JUNK: u8 = 4;
const BODY_NAME: u8 = 8;
const MAYBE: u8 = 16;

/// All class and id patterns, indexed by first byte, so that one pass over a value finds every
/// match (a handful of `starts_with` per byte instead of a hundred substring searches).
struct Matcher {
    substrings: Vec<Vec<(&'static str, u8)>>,
    exact_words: Vec<Vec<(&'static str, u8)>>,
    word_stems: Vec<Vec<(&'static str, u8)>>,
}

static MATCHER: std::sync::OnceLock<Matcher> = std::sync::OnceLock::new();

impl Matcher {
    fn get() -> &'static Matcher {
        MATCHER.get_or_init(|| {
            let mut m = Matcher {
                substrings: vec![Vec::new(); 256],
                exact_words: vec![Vec::new(); 256],
                word_stems: vec![Vec::new(); 256],
            };
            let add = |table: &mut Vec<Vec<(&'static str, u8)>>, list: &[&'static str], kind| {
                for p in list {
                    table[usize::from(p.as_bytes()[0])].push((*p, kind));
                }
            };
            add(&mut m.substrings, POSITIVE, POS);
            add(&mut m.substrings, NEGATIVE, NEG);
            add(&mut m.substrings, UNLIKELY_PHRASES, JUNK);
            add(&mut m.substrings, BODY, BODY_NAME);
            add(&mut m.exact_words, &["ad", "ads"], NEG);
            add(&mut m.exact_words, UNLIKELY_WORDS, JUNK);
            add(&mut m.word_stems, UNLIKELY_STEMS, JUNK);
            add(&mut m.word_stems, MAYBE_CONTENT, MAYBE);
            m
        })
    }

    /// The kinds of pattern found in a lower-case class or id value.
    fn kinds(&self, s: &str) -> u8 {
        let b = s.as_bytes();
        let mut found = 0;
        for i in 0..b.len() {
            for &(p, kind) in &self.substrings[usize::from(b[i])] {
                if b[i..].starts_with(p.as_bytes()) {
                    found |= kind;
                }
            }
        }
        for w in words(s) {
            let first = usize::from(w.as_bytes()[0]);
            for &(p, kind) in &self.exact_words[first] {
                if w == p {
                    found |= kind;
                }
            }
            for &(p, kind) in &self.word_stems[first] {
                if w.starts_with(p) {
                    found |= kind;
                }
            }
        }
        found
    }
}

/// What one lower-case class or id value says: readability's class weight (+25 for a positive
/// word, −25 for a negative one), whether it marks boilerplate outright, and whether it names
/// the article body.
fn judge(value: &str) -> Hint {
    let k = Matcher::get().kinds(value);
    let mut weight = 0;
    if k & POS != 0 {
        weight += 25;
    }
    if k & NEG != 0 {
        weight -= 25;
    }
    Hint {
        weight,
        junk: k & JUNK != 0 && k & MAYBE == 0,
        body: k & BODY_NAME != 0,
        hidden: false,
    }
}

/// Marks every node inside an element that is never content, hidden or junk. An element
/// whose class says junk but which holds most of the page's text is a wrapper with an
/// unlucky name, and is kept.
fn skipped(dom: &Dom, hints: &[Hint], strip_junk: bool) -> Vec<bool> {
    let mut hard = vec![false; dom.nodes.len()];
    for (id, node) in dom.nodes.iter().enumerate().skip(1) {
        hard[id] = hard[node.parent as usize] || never_content(node.tag) || hints[id].hidden;
    }
    if !strip_junk {
        return hard;
    }
    let raw = stats(dom, &hard);
    let total = raw[0].text;
    // Elements that hold one named as the article body are never junk.
    let mut holds_body: Vec<bool> = hints.iter().map(|h| h.body).collect();
    for id in (1..dom.nodes.len()).rev() {
        if holds_body[id] {
            holds_body[dom.nodes[id].parent as usize] = true;
        }
    }
    let mut skip = hard;
    for (id, node) in dom.nodes.iter().enumerate().skip(1) {
        let junk = hints[id].junk
            && !matches!(node.tag, Tag::Body | Tag::A | Tag::Text)
            && !holds_body[id]
            && raw[id].text * 2 < total
            // An embedded post (a tweet in a "social-embed" box) is quoted article content.
            && !(raw[id].quote > 0 && raw[id].quote * 5 >= raw[id].text * 4);
        skip[id] = skip[id] || skip[node.parent as usize] || junk;
    }
    skip
}

/// Counts text, links and elements, first per text block, then summed up the tree.
fn stats(dom: &Dom, skip: &[bool]) -> Vec<Stat> {
    let n = dom.nodes.len();
    let mut st = vec![Stat::default(); n];
    for (id, node) in dom.nodes.iter().enumerate() {
        if skip[id] {
            continue;
        }
        match node.tag {
            Tag::Text => {
                let (chars, commas) = measure(dom.raw(id as u32));
                if chars == 0 {
                    continue;
                }
                // The nearest block owns this text; note whether a link holds it on the way.
                let mut owner = node.parent;
                let mut in_link = false;
                let mut steps = 0;
                while owner != NONE && steps < 64 {
                    let t = dom.nodes[owner as usize].tag;
                    if t == Tag::A {
                        in_link = true;
                    }
                    if t.is_block() || t == Tag::Root {
                        break;
                    }
                    owner = dom.nodes[owner as usize].parent;
                    steps += 1;
                }
                if owner == NONE {
                    owner = 0;
                }
                let o = &mut st[owner as usize];
                o.own += chars;
                o.own_commas += commas;
                if in_link {
                    o.own_link += chars;
                }
            }
            Tag::P => st[id].p = 1,
            Tag::Img | Tag::Picture => st[id].img = 1,
            Tag::Li => st[id].li = 1,
            Tag::Input | Tag::Select | Tag::Textarea | Tag::Button => st[id].input = 1,
            Tag::Embed | Tag::Object | Tag::Iframe | Tag::Video => st[id].embed = 1,
            t if t.is_heading() => st[id].headings = 1,
            _ => {}
        }
        if node.tag.is_block() && node.parent != NONE {
            st[node.parent as usize].block_child = true;
        }
    }
    // Counted elements inside skipped subtrees were never set, except the skipped elements
    // themselves (inputs, embeds), which readability counts too.
    for (id, node) in dom.nodes.iter().enumerate() {
        if skip[id]
            && matches!(
                node.tag,
                Tag::Input | Tag::Select | Tag::Textarea | Tag::Button
            )
        {
            st[id].input = 1;
        }
        if skip[id]
            && matches!(
                node.tag,
                Tag::Embed | Tag::Object | Tag::Iframe | Tag::Video
            )
        {
            st[id].embed = 1;
        }
    }
    for s in st.iter_mut() {
        s.text = s.own;
        s.link = s.own_link;
        s.commas = s.own_commas;
        if s.own >= PARAGRAPH_CHARS && s.own_link * 3 < s.own {
            s.ptext = s.own;
        }
    }
    for id in (1..n).rev() {
        let parent = dom.nodes[id].parent as usize;
        if parent >= n {
            continue;
        }
        let c = st[id];
        let p = &mut st[parent];
        p.text += c.text;
        p.link += c.link;
        p.commas += c.commas;
        p.p = p.p.saturating_add(c.p);
        p.img = p.img.saturating_add(c.img);
        p.li = p.li.saturating_add(c.li);
        p.input = p.input.saturating_add(c.input);
        p.embed = p.embed.saturating_add(c.embed);
        p.headings = p.headings.saturating_add(c.headings);
        p.ptext += c.ptext;
        p.quote += if dom.nodes[id].tag == Tag::Blockquote {
            c.text
        } else {
            c.quote
        };
    }
    st
}

/// A block with at least this many characters of its own text reads as a paragraph.
const PARAGRAPH_CHARS: u32 = 50;

/// Characters (whitespace and references not counted exactly) and commas in raw text.
fn measure(raw: &str) -> (u32, u32) {
    let mut chars = 0u32;
    let mut commas = 0u32;
    for &b in raw.as_bytes() {
        // Count the first byte of each character only.
        if (b as i8) >= -0x40 && !b.is_ascii_whitespace() {
            chars += 1;
        }
        if b == b',' {
            commas += 1;
        }
    }
    (chars, commas)
}

fn link_density(s: &Stat) -> f32 {
    if s.text == 0 {
        0.0
    } else {
        s.link as f32 / s.text as f32
    }
}

/// Gives every candidate container a score from the text blocks inside it.
fn score(dom: &Dom, skip: &[bool], hints: &[Hint], stats: &[Stat]) -> Vec<f32> {
    let n = dom.nodes.len();
    let mut scores = vec![f32::NAN; n];
    let init = |id: usize| -> f32 {
        let base = match dom.nodes[id].tag {
            Tag::Div | Tag::Article | Tag::Main | Tag::Section => 5.0,
            Tag::Pre | Tag::Td | Tag::Blockquote => 3.0,
            Tag::Address
            | Tag::Ol
            | Tag::Ul
            | Tag::Dl
            | Tag::Dd
            | Tag::Dt
            | Tag::Li
            | Tag::Form => -3.0,
            t if t.is_heading() || t == Tag::Th => -5.0,
            _ => 0.0,
        };
        let body = if hints[id].body { 25.0 } else { 0.0 };
        base + f32::from(hints[id].weight) + body
    };
    for (id, node) in dom.nodes.iter().enumerate() {
        if skip[id] || node.tag == Tag::Text {
            continue;
        }
        let s = &stats[id];
        if s.own < 25 || s.own_link * 2 > s.own {
            continue;
        }
        let content = 1.0 + s.own_commas as f32 + (s.own as f32 / 100.0).min(3.0);
        // Loose text between blocks is a paragraph of this element (readability wraps it in a
        // `<p>`), so it scores this element first.
        let mut ancestor = if s.block_child && node.tag != Tag::P {
            id as u32
        } else {
            node.parent
        };
        let mut level = 0u32;
        while ancestor != NONE && ancestor != 0 && level < 5 {
            let a = ancestor as usize;
            if scores[a].is_nan() {
                scores[a] = init(a);
            }
            let divider = match level {
                0 => 1.0,
                1 => 2.0,
                l => l as f32 * 3.0,
            };
            scores[a] += content / divider;
            ancestor = dom.nodes[a].parent;
            level += 1;
        }
    }
    for (id, s) in scores.iter_mut().enumerate() {
        if !s.is_nan() {
            *s *= 1.0 - link_density(&stats[id]);
        }
    }
    scores
}

/// The container to extract and the best-scoring candidate inside it.
fn top_candidate(dom: &Dom, scores: &[f32], stats: &[Stat]) -> Option<(u32, u32)> {
    let mut order: Vec<u32> = (0..scores.len() as u32)
        .filter(|&i| !scores[i as usize].is_nan())
        .collect();
    order.sort_by(|&a, &b| {
        scores[b as usize]
            .total_cmp(&scores[a as usize])
            .then(a.cmp(&b))
    });
    let &best = order.first()?;
    let mut top = best;
    let top_score = scores[top as usize];

    // When several strong candidates share an ancestor, the article is that ancestor (the
    // text is split over sibling containers).
    let alternatives: Vec<u32> = order
        .iter()
        .skip(1)
        .take(4)
        .copied()
        .filter(|&c| scores[c as usize] >= top_score * 0.75)
        .collect();
    if alternatives.len() >= 3 {
        let mut parent = dom.nodes[top as usize].parent;
        while parent != NONE && parent != 0 {
            let holds = alternatives
                .iter()
                .filter(|&&alt| is_ancestor(dom, parent, alt))
                .count();
            if holds >= 3 {
                top = parent;
                break;
            }
            parent = dom.nodes[parent as usize].parent;
        }
    }

    // Climb while the parent scores better: the article is at least as wide as its best part.
    let mut last = scores[top as usize];
    let threshold = last / 3.0;
    let mut parent = dom.nodes[top as usize].parent;
    while parent != NONE && parent != 0 {
        let ps = scores[parent as usize];
        if ps.is_nan() {
            parent = dom.nodes[parent as usize].parent;
            continue;
        }
        if ps < threshold {
            break;
        }
        if ps > last {
            top = parent;
            last = ps;
        }
        parent = dom.nodes[parent as usize].parent;
    }
    // An article split over several containers (a lead block, then the rest): climb while
    // what the parent adds is mostly more paragraphs rather than links and furniture.
    loop {
        let parent = dom.nodes[top as usize].parent;
        if parent == NONE || parent == 0 {
            break;
        }
        let (p, t) = (&stats[parent as usize], &stats[top as usize]);
        let gain = p.ptext.saturating_sub(t.ptext);
        let extra = p.text.saturating_sub(t.text);
        if gain >= PARAGRAPH_CHARS && gain as f32 >= CLIMB_SHARE * extra as f32 {
            top = parent;
        } else if extra == 0 {
            // An only child adds nothing: take its parent.
            top = parent;
        } else {
            break;
        }
    }
    Some((top, best))
}

/// How much of the text a parent adds must be paragraphs for the article to grow into it.
const CLIMB_SHARE: f32 = 0.75;

fn is_ancestor(dom: &Dom, ancestor: u32, mut node: u32) -> bool {
    while node != NONE {
        if node == ancestor {
            return true;
        }
        node = dom.nodes[node as usize].parent;
    }
    false
}

/// The top candidate and those of its siblings that look like more of the article.
fn with_siblings(
    dom: &Dom,
    top: u32,
    scores: &[f32],
    stats: &[Stat],
    skip: &[bool],
    hints: &[Hint],
) -> Vec<u32> {
    let parent = dom.nodes[top as usize].parent;
    if parent == NONE {
        return vec![top];
    }
    let top_score = scores[top as usize];
    let threshold = (top_score * 0.2).max(10.0);
    let top_class = dom.attr(top, "class");
    let mut roots = Vec::new();
    for sib in dom.children(parent) {
        if sib == top {
            roots.push(sib);
            continue;
        }
        let node = &dom.nodes[sib as usize];
        if skip[sib as usize] || node.tag == Tag::Text {
            continue;
        }
        let mut bonus = 0.0;
        if top_class.is_some() && dom.attr(sib, "class") == top_class {
            bonus = top_score * 0.2;
        }
        let s = scores[sib as usize];
        if !s.is_nan() && s + bonus >= threshold && !hints[sib as usize].junk {
            roots.push(sib);
            continue;
        }
        if node.tag == Tag::P {
            let st = &stats[sib as usize];
            let ld = link_density(st);
            if (st.text > 80 && ld < 0.25)
                || (st.text > 0 && st.text <= 80 && ld == 0.0 && {
                    let t = dom.text_of(sib);
                    t.trim_end().ends_with('.')
                })
            {
                roots.push(sib);
            }
        }
    }
    roots
}

/// Everything the output pass needs to know about the page.
struct Page<'p, 'a> {
    dom: &'p Dom<'a>,
    skip: &'p [bool],
    hints: &'p [Hint],
    stats: &'p [Stat],
    scores: &'p [f32],
    protected: &'p [bool],
}

impl Page<'_, '_> {
    /// Readability's "clean conditionally": is this container inside the article clutter?
    fn is_clutter(&self, id: usize) -> bool {
        let s = &self.stats[id];
        // Protected path, or a box around an embedded post (quoted article content).
        if self.protected[id] || (s.quote > 0 && s.quote * 5 >= s.text * 4) {
            return false;
        }
        let tag = self.dom.nodes[id].tag;
        if !matches!(
            tag,
            Tag::Form
                | Tag::Fieldset
                | Tag::Table
                | Tag::Ul
                | Tag::Ol
                | Tag::Div
                | Tag::Section
                | Tag::Aside
                | Tag::Figure
                | Tag::Header
                | Tag::Footer
        ) {
            return false;
        }
        let weight = f32::from(self.hints[id].weight);
        // A list scored from its own items starts below zero; only the class weight may sink
        // a container on its own.
        let score = if self.scores[id].is_nan() {
            0.0
        } else {
            self.scores[id].max(0.0)
        };
        if weight + score < 0.0 {
            return true;
        }
        if s.commas >= 10 {
            return false;
        }
        let is_list = matches!(tag, Tag::Ul | Tag::Ol);
        let p = f32::from(s.p);
        let img = f32::from(s.img);
        let li = f32::from(s.li) - 100.0;
        let input = f32::from(s.input);
        let ld = link_density(s);
        let len = s.text;
        (img > 1.0 && p / img < 0.5 && tag != Tag::Figure)
            || (!is_list && li > p)
            || (input > (p / 3.0).floor())
            || (!is_list && len < 25 && (s.img == 0 || s.img > 2) && s.headings == 0)
            || (!is_list && weight < 25.0 && ld > 0.2)
            || (weight >= 25.0 && ld > 0.5)
            || (s.embed == 1 && len < 75)
            || s.embed > 1
    }

    /// Walks the chosen subtrees in document order and writes their text as paragraphs.
    fn emit_all(&self, roots: &[u32]) -> String {
        let mut out = Emitter::default();
        for &root in roots {
            self.emit(root, &mut out);
        }
        out.flush();
        out.text
    }

    fn emit(&self, root: u32, out: &mut Emitter) {
        let dom = self.dom;
        // (node, leaving?, inside a link?)
        let mut stack: Vec<(u32, bool, bool)> = vec![(root, false, false)];
        while let Some((id, leaving, in_link)) = stack.pop() {
            let node = &dom.nodes[id as usize];
            if leaving {
                if node.tag.is_block() {
                    out.flush();
                }
                continue;
            }
            if self.skip[id as usize] {
                continue;
            }
            match node.tag {
                Tag::Text => {
                    out.push_text(dom.raw(id), in_link);
                    continue;
                }
                Tag::Br => {
                    out.flush();
                    continue;
                }
                Tag::Img | Tag::Picture | Tag::Hr => continue,
                // A header that holds paragraphs of the article's own (a page built of
                // captioned text blocks) is text, not a masthead.
                Tag::Header if self.stats[id as usize].ptext >= HEADER_PARAGRAPHS => {}
                Tag::H1
                | Tag::Aside
                | Tag::Footer
                | Tag::Header
                | Tag::Figure
                | Tag::Figcaption
                | Tag::Form
                | Tag::Fieldset
                | Tag::Caption
                    if id != root =>
                {
                    continue;
                }
                _ => {}
            }
            // Clutter is a small part of the container; one that holds most of its text is
            // the article (an `elementor-widget-container`, a `content-wrapper` with no text of
            // its own), whatever its name or link count.
            if id != root
                && self.stats[id as usize].text * 2 <= self.stats[root as usize].text
                && self.is_clutter(id as usize)
            {
                continue;
            }
            if node.tag.is_block() {
                out.flush();
            }
            stack.push((id, true, in_link));
            let start = stack.len();
            let link = in_link || node.tag == Tag::A;
            stack.extend(dom.children(id).map(|c| (c, false, link)));
            stack[start..].reverse();
        }
    }
}

#[derive(Default)]
struct Emitter {
    text: String,
    para: String,
    para_link: usize,
    pending_space: bool,
}

impl Emitter {
    fn push_text(&mut self, raw: &str, in_link: bool) {
        let decoded = entities::decode(raw);
        let before = self.para.len();
        for (i, word) in decoded.split(|c: char| c.is_whitespace()).enumerate() {
            if i > 0 {
                self.pending_space = true;
            }
            if word.is_empty() {
                continue;
            }
            if self.pending_space && !self.para.is_empty() {
                self.para.push(' ');
            }
            self.pending_space = false;
            self.para.push_str(word);
        }
        if in_link {
            self.para_link += self.para.len() - before;
        }
    }

    fn flush(&mut self) {
        let para = std::mem::take(&mut self.para);
        let link = std::mem::take(&mut self.para_link);
        self.pending_space = false;
        if para.is_empty() || !keep_paragraph(&para, link) {
            return;
        }
        if !self.text.is_empty() {
            self.text.push_str("\n\n");
        }
        self.text.push_str(&para);
    }
}

/// Paragraph-level filter: drops link lists and the stock phrases of page furniture.
fn keep_paragraph(para: &str, link_bytes: usize) -> bool {
    if link_bytes * 10 > para.len() * 6 {
        return false;
    }
    if !para.chars().any(|c| c.is_alphanumeric()) {
        return false;
    }
    let words = para.split_whitespace().count();
    if words <= 12 {
        // Bylines, datelines and credits that sit inside the article container.
        let lower = para.to_lowercase();
        let furniture = lower.starts_with("by ")
            || lower.starts_with("updated ")
            || lower.starts_with("published ")
            || lower.starts_with("posted ")
            || lower.starts_with("last updated")
            || lower.starts_with("photo")
            || lower.starts_with("image")
            || lower.starts_with("copyright")
            || lower.contains('©')
            || lower.starts_with("advertisement")
            || lower.starts_with("read more")
            || lower.starts_with("related:")
            || lower.starts_with("share this")
            || lower.starts_with("sign up")
            || lower.starts_with("subscribe");
        if furniture {
            return false;
        }
    }
    if words <= 40 {
        // Calls to action that close many articles: follow, subscribe, send us a tip.
        let lower = para.to_lowercase();
        if CALLS_TO_ACTION.iter().any(|c| lower.contains(c)) {
            return false;
        }
    }
    true
}

const CALLS_TO_ACTION: &[&str] = &[
    "follow us on",
    "follow him on",
    "follow her on",
    "follow @",
    "subscribe to our",
    "sign up for our",
    "sign up to our",
    "newsletter",
    "have a tip",
    "news tip",
    "click here for more",
    "click here to subscribe",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::html::dom::parse;

    #[test]
    fn class_names() {
        let check = |value: &str, weight: i16, junk: bool, body: bool| {
            let h = judge(value);
            assert_eq!(
                (h.weight, h.junk, h.body),
                (weight, junk, body),
                "judging {value:?}"
            );
        };
        check("article-body", 25, false, true);
        check("entry-content clearfix", 25, false, true);
        check("comments-area", -25, true, false);
        check("share-tools", -25, true, false);
        check("article-share", 0, true, false);
        check("header", 0, false, false);
        check("ad", -25, true, false);
        check("pagebuilder-pagerow", 25, false, false);
        check("img_container", 0, false, false);
        check("main-content related", 0, false, true);
        check("col-md-8", 0, false, false);
    }

    fn check(html: &str, expected: &str) {
        assert_eq!(extract(&parse(html)).0, expected, "extracting from {html}");
    }

    const PARA: &str = "The harbour bridge in Northgate reopened on Tuesday, after six months of \
        repairs, and the first buses crossed it before dawn.";

    /// A paragraph wrapped in containers of its own, as some page builders write each one.
    fn wrapped(text: &str) -> String {
        format!(
            r#"<div class="section-outer"><div class="section-container text-container"><div class="section-text">{text}</div></div></div>"#
        )
    }

    #[test]
    fn the_home_of_the_paragraphs_is_the_innermost_element_holding_most_of_them() {
        let paragraphs: String = (0..8).map(|_| wrapped(PARA)).collect();
        let teaser =
            r#"<div class="story-content"><p>Also read, a teaser, short, with, commas.</p></div>"#;
        let html = format!(
            r#"<body><main><article><h1>Bridge reopens</h1><div id="editorial"><section class="body">{paragraphs}</section></div></article>
            <div class="more">{teaser}{teaser}</div></main></body>"#
        );
        let dom = parse(&html);
        let home = paragraph_home(&dom, &hints(&dom)).expect("a home");
        assert_eq!(dom.nodes[home as usize].tag, Tag::Section);
        let (body, _) = attempt(&dom, &hints(&dom), true, Some(home));
        assert_eq!(body, [PARA; 8].join("\n\n"));
        // A page with less paragraph text than a short article has no home.
        let short = format!("<body><div><p>{PARA}</p></div></body>");
        let dom = parse(&short);
        assert_eq!(paragraph_home(&dom, &hints(&dom)), None);
    }

    #[test]
    fn a_header_holding_the_articles_paragraphs_is_text() {
        let block = format!(
            "<article><header><h2>Part</h2><p>{PARA} {PARA}</p><p>{PARA}</p></header></article>"
        );
        let html = format!("<body><main><h1>Title</h1>{block}{block}</main></body>");
        let body = extract(&parse(&html)).0;
        assert_eq!(
            body.matches(PARA).count(),
            6,
            "extracting from {html}: {body}"
        );
        // A masthead header (headline and byline) inside the article is still left out.
        check(
            &format!(
                "<body><article><header><h1>Title</h1><p>By A. Writer</p></header><p>{PARA}</p><p>{PARA}</p></article></body>"
            ),
            &format!("{PARA}\n\n{PARA}"),
        );
    }

    #[test]
    fn keeps_article_drops_navigation_and_footer() {
        let html = format!(
            r#"<body><nav><ul><li><a href="/">Home</a></li><li><a href="/w">World</a></li></ul></nav>
            <div class="header">Site name, tagline, and more words here for length</div>
            <article><h1>Bridge reopens</h1><p>{PARA}</p><p>{PARA}</p>
            <div class="share-tools"><a href="/s">Share on social media, please, now</a></div>
            <p>Second, with commas, and enough text to count as a paragraph.</p></article>
            <footer><p>Copyright, all rights reserved, Northgate Echo, 2024, and so on.</p></footer></body>"#
        );
        check(
            &html,
            &format!(
                "{PARA}\n\n{PARA}\n\nSecond, with commas, and enough text to count as a paragraph."
            ),
        );
    }

    #[test]
    fn drops_comments_related_and_cookie_banners() {
        let html = format!(
            r#"<div id="cookie-consent"><p>We use cookies, to improve your experience, on this site, okay.</p></div>
            <div class="story"><p>{PARA}</p><p>{PARA}</p>
            <ul class="related-links"><li><a href="/a">Another story about bridges and roads</a></li></ul></div>
            <div id="comments"><p>Great article, thanks, I loved it, really, truly.</p></div>"#
        );
        check(&html, &format!("{PARA}\n\n{PARA}"));
    }

    #[test]
    fn paragraphs_from_divs_and_line_breaks() {
        let html = format!(r#"<div class="content">{PARA}<br><br>{PARA}</div>"#);
        check(&html, &format!("{PARA}\n\n{PARA}"));
    }

    #[test]
    fn entities_and_whitespace() {
        let html = format!(
            "<article><p>{PARA}</p><p>Caf&eacute;   owners\n said &ldquo;finally,&rdquo; and smiled, widely.</p></article>"
        );
        check(
            &html,
            &format!("{PARA}\n\nCafé owners said “finally,” and smiled, widely."),
        );
    }

    #[test]
    fn hidden_elements_are_skipped() {
        let html = format!(
            r#"<article><p>{PARA}</p><p style="display: none">Hidden, secret, text, here, now.</p>
            <p hidden>Also hidden, text, with commas, everywhere.</p></article>"#
        );
        check(&html, PARA);
    }

    #[test]
    fn page_without_paragraphs_gives_its_text() {
        check("<body>Just a line</body>", "Just a line");
        check("", "");
        check("<script>var x = 1;</script>", "");
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let depth = 100_000;
        let html = format!(
            "{}<p>{PARA}</p>{}",
            "<div>".repeat(depth),
            "</div>".repeat(depth)
        );
        check(&html, PARA);
        let html = format!("{}<p>{PARA}", "<section><span>".repeat(depth));
        check(&html, PARA);
    }
}
