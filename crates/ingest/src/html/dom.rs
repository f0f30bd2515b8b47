//! A fast, forgiving HTML tokenizer and a flat arena tree.
//!
//! The tokenizer works on bytes of already-decoded UTF-8 and only ever splits at ASCII bytes
//! (`<`, `>`, quotes, `=`, whitespace), so every slice it makes is on a char boundary. The tree
//! keeps nodes in document order (a parent always comes before its children), holds byte ranges
//! into the source instead of copies, and is built with a loop and an explicit stack: no
//! recursion anywhere, and nesting deeper than [`MAX_DEPTH`] is flattened rather than followed.
//! It is not a conforming HTML5 tree builder; it implements the handful of rules that matter
//! for finding text (implied `</p>` and `</li>`, void elements, raw text, stray end tags).

/// Elements nested deeper than this become siblings of their parent instead of children.
pub const MAX_DEPTH: usize = 512;

/// How far up the open-element stack an end tag looks for its start tag.
const MAX_END_TAG_SEARCH: usize = 256;

/// No node: the end of a child or sibling list.
pub const NONE: u32 = u32::MAX;

/// The element kinds the extractor cares about; everything else is [`Tag::Other`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Tag {
    Root,
    Text,
    Other,
    A,
    Abbr,
    Address,
    Article,
    Aside,
    Audio,
    B,
    Base,
    Blockquote,
    Body,
    Br,
    Button,
    Canvas,
    Caption,
    Center,
    Cite,
    Code,
    Dd,
    Del,
    Details,
    Dialog,
    Div,
    Dl,
    Dt,
    Em,
    Embed,
    Fieldset,
    Figcaption,
    Figure,
    Font,
    Footer,
    Form,
    H1,
    H2,
    H3,
    H4,
    H5,
    H6,
    Head,
    Header,
    Hr,
    Html,
    I,
    Iframe,
    Img,
    Input,
    Ins,
    Label,
    Legend,
    Li,
    Link,
    Main,
    Mark,
    Menu,
    Meta,
    Nav,
    Noscript,
    Object,
    Ol,
    Option,
    P,
    Picture,
    Pre,
    Q,
    S,
    Script,
    Section,
    Select,
    Small,
    Source,
    Span,
    Strong,
    Style,
    Sub,
    Summary,
    Sup,
    Svg,
    Math,
    Table,
    Tbody,
    Td,
    Template,
    Textarea,
    Tfoot,
    Th,
    Thead,
    Time,
    Title,
    Tr,
    U,
    Ul,
    Video,
    Wbr,
    Area,
    Col,
    Param,
    Track,
    Xmp,
    Noembed,
    Noframes,
}

impl Tag {
    /// The tag for an element name, matched without regard to ASCII case.
    pub fn from_name(name: &[u8]) -> Tag {
        let Some(key) = pack(name) else {
            return Tag::Other;
        };
        let table = TAG_TABLE.get_or_init(|| {
            let mut t: Vec<(u128, Tag)> = TAG_NAMES
                .iter()
                .filter_map(|(n, tag)| Some((pack(n)?, *tag)))
                .collect();
            t.sort_unstable_by_key(|(k, _)| *k);
            t
        });
        match table.binary_search_by_key(&key, |(k, _)| *k) {
            Ok(i) => table[i].1,
            Err(_) => Tag::Other,
        }
    }

    /// Elements that never have content.
    pub fn is_void(self) -> bool {
        matches!(
            self,
            Tag::Area
                | Tag::Base
                | Tag::Br
                | Tag::Col
                | Tag::Embed
                | Tag::Hr
                | Tag::Img
                | Tag::Input
                | Tag::Link
                | Tag::Meta
                | Tag::Param
                | Tag::Source
                | Tag::Track
                | Tag::Wbr
        )
    }

    /// Elements whose content is raw text up to their end tag.
    pub fn is_raw_text(self) -> bool {
        matches!(
            self,
            Tag::Script
                | Tag::Style
                | Tag::Textarea
                | Tag::Title
                | Tag::Xmp
                | Tag::Iframe
                | Tag::Noembed
                | Tag::Noframes
        )
    }

    /// Elements that start a new block of text: their text is a paragraph of its own.
    pub fn is_block(self) -> bool {
        !matches!(
            self,
            Tag::Text
                | Tag::Other
                | Tag::A
                | Tag::Abbr
                | Tag::B
                | Tag::Br
                | Tag::Cite
                | Tag::Code
                | Tag::Del
                | Tag::Em
                | Tag::Font
                | Tag::I
                | Tag::Img
                | Tag::Ins
                | Tag::Label
                | Tag::Mark
                | Tag::Picture
                | Tag::Q
                | Tag::S
                | Tag::Small
                | Tag::Span
                | Tag::Strong
                | Tag::Sub
                | Tag::Sup
                | Tag::Time
                | Tag::U
                | Tag::Wbr
        )
    }

    pub fn is_heading(self) -> bool {
        matches!(
            self,
            Tag::H1 | Tag::H2 | Tag::H3 | Tag::H4 | Tag::H5 | Tag::H6
        )
    }

    /// Start tags that close an open `<p>` (the standard's list, roughly).
    fn closes_p(self) -> bool {
        matches!(
            self,
            Tag::Address
                | Tag::Article
                | Tag::Aside
                | Tag::Blockquote
                | Tag::Center
                | Tag::Details
                | Tag::Dialog
                | Tag::Div
                | Tag::Dl
                | Tag::Fieldset
                | Tag::Figcaption
                | Tag::Figure
                | Tag::Footer
                | Tag::Form
                | Tag::H1
                | Tag::H2
                | Tag::H3
                | Tag::H4
                | Tag::H5
                | Tag::H6
                | Tag::Header
                | Tag::Hr
                | Tag::Main
                | Tag::Menu
                | Tag::Nav
                | Tag::Ol
                | Tag::P
                | Tag::Pre
                | Tag::Section
                | Tag::Table
                | Tag::Ul
                | Tag::Li
                | Tag::Dd
                | Tag::Dt
                | Tag::Xmp
        )
    }

    /// Elements that stop the search for an open element to close.
    fn is_scope_boundary(self) -> bool {
        matches!(
            self,
            Tag::Root
                | Tag::Table
                | Tag::Td
                | Tag::Th
                | Tag::Caption
                | Tag::Template
                | Tag::Button
                | Tag::Object
        )
    }

    fn is_table_part(self) -> bool {
        matches!(
            self,
            Tag::Table
                | Tag::Tbody
                | Tag::Thead
                | Tag::Tfoot
                | Tag::Tr
                | Tag::Td
                | Tag::Th
                | Tag::Caption
        )
    }
}

/// Every element name we tell apart, lower case.
static TAG_NAMES: &[(&[u8], Tag)] = &[
    (b"a", Tag::A),
    (b"abbr", Tag::Abbr),
    (b"address", Tag::Address),
    (b"area", Tag::Area),
    (b"article", Tag::Article),
    (b"aside", Tag::Aside),
    (b"audio", Tag::Audio),
    (b"b", Tag::B),
    (b"base", Tag::Base),
    (b"blockquote", Tag::Blockquote),
    (b"body", Tag::Body),
    (b"br", Tag::Br),
    (b"button", Tag::Button),
    (b"canvas", Tag::Canvas),
    (b"caption", Tag::Caption),
    (b"center", Tag::Center),
    (b"cite", Tag::Cite),
    (b"code", Tag::Code),
    (b"col", Tag::Col),
    (b"dd", Tag::Dd),
    (b"del", Tag::Del),
    (b"details", Tag::Details),
    (b"dialog", Tag::Dialog),
    (b"div", Tag::Div),
    (b"dl", Tag::Dl),
    (b"dt", Tag::Dt),
    (b"em", Tag::Em),
    (b"embed", Tag::Embed),
    (b"fieldset", Tag::Fieldset),
    (b"figcaption", Tag::Figcaption),
    (b"figure", Tag::Figure),
    (b"font", Tag::Font),
    (b"footer", Tag::Footer),
    (b"form", Tag::Form),
    (b"h1", Tag::H1),
    (b"h2", Tag::H2),
    (b"h3", Tag::H3),
    (b"h4", Tag::H4),
    (b"h5", Tag::H5),
    (b"h6", Tag::H6),
    (b"head", Tag::Head),
    (b"header", Tag::Header),
    (b"hr", Tag::Hr),
    (b"html", Tag::Html),
    (b"i", Tag::I),
    (b"iframe", Tag::Iframe),
    (b"img", Tag::Img),
    (b"input", Tag::Input),
    (b"ins", Tag::Ins),
    (b"label", Tag::Label),
    (b"legend", Tag::Legend),
    (b"li", Tag::Li),
    (b"link", Tag::Link),
    (b"main", Tag::Main),
    (b"mark", Tag::Mark),
    (b"math", Tag::Math),
    (b"menu", Tag::Menu),
    (b"meta", Tag::Meta),
    (b"nav", Tag::Nav),
    (b"noembed", Tag::Noembed),
    (b"noframes", Tag::Noframes),
    (b"noscript", Tag::Noscript),
    (b"object", Tag::Object),
    (b"ol", Tag::Ol),
    (b"option", Tag::Option),
    (b"p", Tag::P),
    (b"param", Tag::Param),
    (b"picture", Tag::Picture),
    (b"pre", Tag::Pre),
    (b"q", Tag::Q),
    (b"s", Tag::S),
    (b"script", Tag::Script),
    (b"section", Tag::Section),
    (b"select", Tag::Select),
    (b"small", Tag::Small),
    (b"source", Tag::Source),
    (b"span", Tag::Span),
    (b"strong", Tag::Strong),
    (b"style", Tag::Style),
    (b"sub", Tag::Sub),
    (b"summary", Tag::Summary),
    (b"sup", Tag::Sup),
    (b"svg", Tag::Svg),
    (b"table", Tag::Table),
    (b"tbody", Tag::Tbody),
    (b"td", Tag::Td),
    (b"template", Tag::Template),
    (b"textarea", Tag::Textarea),
    (b"tfoot", Tag::Tfoot),
    (b"th", Tag::Th),
    (b"thead", Tag::Thead),
    (b"time", Tag::Time),
    (b"title", Tag::Title),
    (b"tr", Tag::Tr),
    (b"track", Tag::Track),
    (b"u", Tag::U),
    (b"ul", Tag::Ul),
    (b"video", Tag::Video),
    (b"wbr", Tag::Wbr),
    (b"xmp", Tag::Xmp),
];

static TAG_TABLE: std::sync::OnceLock<Vec<(u128, Tag)>> = std::sync::OnceLock::new();

/// An element name of up to 16 bytes, lower-cased into one integer so that lookup is a few
/// integer comparisons instead of string comparisons.
fn pack(name: &[u8]) -> Option<u128> {
    if name.is_empty() || name.len() > 16 {
        return None;
    }
    let mut buf = [0u8; 16];
    for (b, c) in buf.iter_mut().zip(name) {
        *b = c.to_ascii_lowercase();
    }
    Some(u128::from_be_bytes(buf))
}

/// One node: an element (its attribute source range in `start..end`) or a run of text (its
/// source range, character references not yet decoded).
#[derive(Debug, Clone, Copy)]
pub struct Node {
    pub tag: Tag,
    pub parent: u32,
    pub first_child: u32,
    pub last_child: u32,
    pub next_sibling: u32,
    pub start: u32,
    pub end: u32,
}

/// A parsed page: nodes in document order; node 0 is the root.
pub struct Dom<'a> {
    pub src: &'a str,
    pub nodes: Vec<Node>,
    /// Attribute source range of the `<html>` start tag, for `lang`.
    pub html_attrs: Option<(u32, u32)>,
}

impl<'a> Dom<'a> {
    /// The raw source text of a text node or the raw attribute text of an element.
    pub fn raw(&self, id: u32) -> &'a str {
        let n = &self.nodes[id as usize];
        self.src.get(n.start as usize..n.end as usize).unwrap_or("")
    }

    pub fn attrs(&self, id: u32) -> Attrs<'a> {
        Attrs {
            s: self.raw(id),
            pos: 0,
        }
    }

    /// The raw value of the attribute `name` (lower case) of an element.
    pub fn attr(&self, id: u32, name: &str) -> Option<&'a str> {
        self.attrs(id)
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    pub fn children(&self, id: u32) -> Children<'_, 'a> {
        Children {
            dom: self,
            next: self.nodes[id as usize].first_child,
        }
    }

    /// The text under `id`, references decoded, with no separators added between blocks.
    pub fn text_of(&self, id: u32) -> String {
        let mut out = String::new();
        let mut stack = vec![id];
        while let Some(n) = stack.pop() {
            let node = &self.nodes[n as usize];
            if node.tag == Tag::Text {
                out.push_str(&super::entities::decode(self.raw(n)));
                continue;
            }
            if matches!(node.tag, Tag::Script | Tag::Style | Tag::Template) && n != id {
                continue;
            }
            let start = stack.len();
            stack.extend(self.children(n));
            stack[start..].reverse();
        }
        out
    }
}

pub struct Children<'d, 'a> {
    dom: &'d Dom<'a>,
    next: u32,
}

impl Iterator for Children<'_, '_> {
    type Item = u32;
    fn next(&mut self) -> Option<u32> {
        if self.next == NONE {
            return None;
        }
        let id = self.next;
        self.next = self.dom.nodes[id as usize].next_sibling;
        Some(id)
    }
}

/// The attributes in a start tag's source: `(name, raw value)` pairs, values without quotes and
/// with references not yet decoded.
pub struct Attrs<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Attrs<'a> {
    /// The attributes in `source`, the text of a start tag after its name.
    pub fn new(source: &'a str) -> Self {
        Attrs { s: source, pos: 0 }
    }
}

impl<'a> Iterator for Attrs<'a> {
    type Item = (&'a str, &'a str);
    fn next(&mut self) -> Option<Self::Item> {
        let b = self.s.as_bytes();
        let mut i = self.pos;
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        if i >= b.len() {
            self.pos = i;
            return None;
        }
        let name_start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'=' && b[i] != b'/' {
            i += 1;
        }
        // A name can start with `=` only in broken markup; take it as a one-byte name.
        if i == name_start {
            i += 1;
        }
        let name = &self.s[name_start..i];
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= b.len() || b[i] != b'=' {
            self.pos = i;
            return Some((name, ""));
        }
        i += 1;
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let value;
        if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
            let q = b[i];
            let start = i + 1;
            let end = memchr::memchr(q, &b[start..]).map_or(b.len(), |e| start + e);
            value = &self.s[start..end];
            i = (end + 1).min(b.len());
        } else {
            let start = i;
            while i < b.len() && !b[i].is_ascii_whitespace() {
                i += 1;
            }
            value = &self.s[start..i];
        }
        self.pos = i;
        Some((name, value))
    }
}

enum Token {
    Start {
        tag: Tag,
        attrs: (u32, u32),
        self_closing: bool,
    },
    End(Tag),
    Text(u32, u32),
}

struct Tokenizer<'a> {
    b: &'a [u8],
    pos: usize,
    /// Inside a raw text element: its content runs to the matching end tag.
    raw: Option<Tag>,
}

impl Tokenizer<'_> {
    fn next(&mut self) -> Option<Token> {
        let b = self.b;
        if let Some(tag) = self.raw.take() {
            let start = self.pos;
            let end = find_end_tag(b, start, tag);
            self.pos = end;
            if end > start {
                return Some(Token::Text(start as u32, end as u32));
            }
        }
        loop {
            if self.pos >= b.len() {
                return None;
            }
            let start = self.pos;
            if b[start] != b'<' {
                let end = memchr::memchr(b'<', &b[start..]).map_or(b.len(), |e| start + e);
                self.pos = end;
                return Some(Token::Text(start as u32, end as u32));
            }
            match b.get(start + 1) {
                Some(c) if c.is_ascii_alphabetic() => return Some(self.tag(start + 1, false)),
                Some(b'/') => match b.get(start + 2) {
                    Some(c) if c.is_ascii_alphabetic() => return Some(self.tag(start + 2, true)),
                    Some(b'>') => self.pos = start + 3,
                    _ => self.pos = skip_to_gt(b, start + 2),
                },
                Some(b'!') => {
                    if b[start..].starts_with(b"<!--") {
                        self.pos = memchr::memmem::find(&b[start + 4..], b"-->")
                            .map_or(b.len(), |e| start + 4 + e + 3);
                    } else {
                        self.pos = skip_to_gt(b, start + 2);
                    }
                }
                Some(b'?') => self.pos = skip_to_gt(b, start + 2),
                _ => {
                    // A lone `<` is text.
                    let end =
                        memchr::memchr(b'<', &b[start + 1..]).map_or(b.len(), |e| start + 1 + e);
                    self.pos = end;
                    return Some(Token::Text(start as u32, end as u32));
                }
            }
        }
    }

    /// Reads a start or end tag whose name begins at `name_start`.
    fn tag(&mut self, name_start: usize, end_tag: bool) -> Token {
        let b = self.b;
        let mut i = name_start;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' && b[i] != b'/' {
            i += 1;
        }
        let tag = Tag::from_name(&b[name_start..i]);
        let attrs_start = i;
        // Find the closing `>`, stepping over quoted attribute values.
        let mut last = 0u8;
        while i < b.len() {
            let c = b[i];
            if c == b'>' {
                break;
            }
            if (c == b'"' || c == b'\'') && last == b'=' {
                match memchr::memchr(c, &b[i + 1..]) {
                    Some(e) => {
                        i += e + 2;
                        last = c;
                        continue;
                    }
                    None => {
                        i = b.len();
                        break;
                    }
                }
            }
            if !c.is_ascii_whitespace() {
                last = c;
            }
            i += 1;
        }
        let attrs_end = i.min(b.len());
        self.pos = (i + 1).min(b.len());
        if end_tag {
            return Token::End(tag);
        }
        let self_closing = attrs_end > attrs_start && b[attrs_end - 1] == b'/';
        if tag.is_raw_text() {
            self.raw = Some(tag);
        }
        Token::Start {
            tag,
            attrs: (attrs_start as u32, attrs_end as u32),
            self_closing,
        }
    }
}

fn skip_to_gt(b: &[u8], from: usize) -> usize {
    let from = from.min(b.len());
    memchr::memchr(b'>', &b[from..]).map_or(b.len(), |e| from + e + 1)
}

/// Where the raw text that starts at `from` ends: at the `</name` that closes `tag`.
fn find_end_tag(b: &[u8], from: usize, tag: Tag) -> usize {
    let mut at = from;
    while let Some(found) = memchr::memmem::find(&b[at..], b"</") {
        let name_start = at + found + 2;
        let mut name_end = name_start;
        while name_end < b.len()
            && b[name_end].is_ascii_alphanumeric()
            && name_end - name_start <= 10
        {
            name_end += 1;
        }
        if name_end > name_start && Tag::from_name(&b[name_start..name_end]) == tag {
            return at + found;
        }
        at = name_start;
    }
    b.len()
}

/// Parses `src` into a tree. Never fails: any input gives some tree.
pub fn parse(src: &str) -> Dom<'_> {
    // Offsets are u32; a page over 4 GiB is read up to that point only.
    let src = match src.len() {
        n if n < u32::MAX as usize => src,
        _ => {
            let mut cut = u32::MAX as usize - 1;
            while !src.is_char_boundary(cut) {
                cut -= 1;
            }
            &src[..cut]
        }
    };
    let mut dom = Dom {
        src,
        nodes: Vec::with_capacity(src.len() / 64),
        html_attrs: None,
    };
    dom.nodes.push(Node {
        tag: Tag::Root,
        parent: NONE,
        first_child: NONE,
        last_child: NONE,
        next_sibling: NONE,
        start: 0,
        end: 0,
    });
    let mut stack: Vec<u32> = vec![0];
    let mut has_body = false;
    let mut tokens = Tokenizer {
        b: src.as_bytes(),
        pos: 0,
        raw: None,
    };
    while let Some(token) = tokens.next() {
        match token {
            Token::Text(start, end) => {
                let parent = *stack.last().unwrap_or(&0);
                append(&mut dom.nodes, parent, Tag::Text, start, end);
            }
            Token::Start {
                tag,
                attrs,
                self_closing,
            } => {
                match tag {
                    Tag::Html => {
                        dom.html_attrs.get_or_insert(attrs);
                        continue;
                    }
                    Tag::Head => continue,
                    Tag::Body if has_body => continue,
                    Tag::Body => has_body = true,
                    _ => {}
                }
                implied_ends(&dom.nodes, &mut stack, tag);
                let parent = *stack.last().unwrap_or(&0);
                let id = append(&mut dom.nodes, parent, tag, attrs.0, attrs.1);
                let leaf = tag.is_void() || (self_closing && tag == Tag::Other);
                if !leaf && stack.len() < MAX_DEPTH {
                    stack.push(id);
                } else if !leaf && tag.is_raw_text() {
                    // Too deep to hold its raw text as a child; drop the text with it.
                    tokens.raw = None;
                    tokens.pos = find_end_tag(tokens.b, tokens.pos, tag);
                }
            }
            Token::End(tag) => match tag {
                Tag::Html | Tag::Head | Tag::Body => {}
                Tag::Br => {
                    let parent = *stack.last().unwrap_or(&0);
                    append(&mut dom.nodes, parent, Tag::Br, 0, 0);
                }
                _ => close(&dom.nodes, &mut stack, tag),
            },
        }
    }
    dom
}

fn append(nodes: &mut Vec<Node>, parent: u32, tag: Tag, start: u32, end: u32) -> u32 {
    let id = nodes.len() as u32;
    nodes.push(Node {
        tag,
        parent,
        first_child: NONE,
        last_child: NONE,
        next_sibling: NONE,
        start,
        end,
    });
    let p = &mut nodes[parent as usize];
    let prev = p.last_child;
    p.last_child = id;
    if prev == NONE {
        p.first_child = id;
    } else {
        nodes[prev as usize].next_sibling = id;
    }
    id
}

/// Closes the elements a start tag implicitly ends (`<p>` before a block, `<li>` before the
/// next item, and so on).
fn implied_ends(nodes: &[Node], stack: &mut Vec<u32>, tag: Tag) {
    let tag_of = |stack: &Vec<u32>, i: usize| nodes[stack[i] as usize].tag;
    if tag.closes_p() {
        for i in (1..stack.len()).rev().take(64) {
            let t = tag_of(stack, i);
            if t == Tag::P {
                stack.truncate(i);
                break;
            }
            if t.is_scope_boundary() {
                break;
            }
        }
    }
    if tag.is_heading() {
        if stack.len() > 1 && tag_of(stack, stack.len() - 1).is_heading() {
            stack.pop();
        }
        return;
    }
    // (elements this start tag closes, elements that hold them and stop the search)
    let (closes, holders): (&[Tag], &[Tag]) = match tag {
        Tag::Li => (&[Tag::Li], &[Tag::Ul, Tag::Ol, Tag::Menu]),
        Tag::Dt | Tag::Dd => (&[Tag::Dt, Tag::Dd], &[Tag::Dl]),
        Tag::Tr => (&[Tag::Tr], &[Tag::Table]),
        Tag::Td | Tag::Th => (&[Tag::Td, Tag::Th], &[Tag::Tr, Tag::Table]),
        Tag::Option => (&[Tag::Option], &[Tag::Select]),
        _ => return,
    };
    let list_item = matches!(tag, Tag::Li | Tag::Dt | Tag::Dd);
    for i in (1..stack.len()).rev().take(64) {
        let t = tag_of(stack, i);
        if closes.contains(&t) {
            stack.truncate(i);
            return;
        }
        let boundary = t.is_scope_boundary() && !(tag.is_table_part() && t.is_table_part());
        if holders.contains(&t) || boundary {
            return;
        }
        // A list item inside a block inside an item starts a new list, not a new item.
        if list_item && t.is_block() && !matches!(t, Tag::P | Tag::Div | Tag::Address) {
            return;
        }
    }
}

/// Closes the open element that an end tag names, if there is one in scope; otherwise the end
/// tag is ignored, as browsers do.
fn close(nodes: &[Node], stack: &mut Vec<u32>, tag: Tag) {
    for i in (1..stack.len()).rev().take(MAX_END_TAG_SEARCH) {
        let t = nodes[stack[i] as usize].tag;
        if t == tag {
            stack.truncate(i);
            return;
        }
        // An inline end tag does not close blocks it is not in (`<b><div></b>`).
        if !tag.is_block() && t.is_block() {
            return;
        }
        // `<button>` bounds only the search for an open `<p>` (the standard's button scope):
        // `<button><i></i></div>` closes the button with the div, as browsers do.
        if t.is_scope_boundary() && t != Tag::Button && !(tag.is_table_part() && t.is_table_part())
        {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Renders the tree as `tag(children)` with text in quotes, for compact expectations.
    fn render(dom: &Dom) -> String {
        let mut out = String::new();
        // (node, closing?) pairs; an explicit stack keeps this usable on deep trees.
        let mut stack = vec![(0u32, false)];
        while let Some((id, closing)) = stack.pop() {
            let node = dom.nodes[id as usize];
            if closing {
                out.push(')');
                continue;
            }
            match node.tag {
                Tag::Root => {}
                Tag::Text => out.push_str(&format!("{:?}", dom.raw(id))),
                t => out.push_str(&format!("{t:?}(").to_lowercase()),
            }
            if !matches!(node.tag, Tag::Root | Tag::Text) {
                stack.push((id, true));
            }
            let kids: Vec<u32> = dom.children(id).collect();
            stack.extend(kids.into_iter().rev().map(|k| (k, false)));
        }
        out
    }

    fn check(input: &str, expected: &str) {
        assert_eq!(render(&parse(input)), expected, "parsing {input:?}");
    }

    #[test]
    fn elements_text_and_void_tags() {
        check("<p>Hello <b>world</b></p>", r#"p("Hello "b("world"))"#);
        check(
            "<div>a<br>b<img src=x>c</div>",
            r#"div("a"br()"b"img()"c")"#,
        );
        check("<P CLASS=x>Upper</P>", r#"p("Upper")"#);
    }

    #[test]
    fn implied_end_tags() {
        check("<p>one<p>two", r#"p("one")p("two")"#);
        // An unclosed button ends with the block it is in, not at the end of the page.
        check(
            "<div><button><i></i></div><p>after</p>",
            r#"div(button(i()))p("after")"#,
        );
        check("<button><p>in</button>out", r#"button(p("in"))"out""#);
        check("<p>one<div>two</div>", r#"p("one")div("two")"#);
        check("<ul><li>a<li>b</ul>", r#"ul(li("a")li("b"))"#);
        check(
            "<ul><li>a<ul><li>b</ul><li>c</ul>",
            r#"ul(li("a"ul(li("b")))li("c"))"#,
        );
        check(
            "<table><tr><td>a<td>b<tr><td>c</table>",
            r#"table(tr(td("a")td("b"))tr(td("c")))"#,
        );
    }

    #[test]
    fn stray_and_misnested_end_tags() {
        check("<div>a</span>b</div>", r#"div("a""b")"#);
        check("<div><b>a<p>b</b>c</p></div>", r#"div(b("a"p("b""c")))"#);
        check("</p>text</div>", r#""text""#);
        check("<div>a</br>b</div>", r#"div("a"br()"b")"#);
    }

    #[test]
    fn raw_text_comments_and_doctype() {
        check(
            "<!DOCTYPE html><script>if (a < b) { x = '</p>'; }</script><p>t</p>",
            r#"script("if (a < b) { x = '</p>'; }")p("t")"#,
        );
        check("<style>p > a {}</STYLE>x", r#"style("p > a {}")"x""#);
        check("a<!-- <p>hidden</p> -->b", r#""a""b""#);
        check("<title>A &amp; B</title>", r#"title("A &amp; B")"#);
        check("1 < 2 <3", r#""1 ""< 2 ""<3""#);
    }

    #[test]
    fn truncated_input() {
        check("<p>text<", r#"p("text""<")"#);
        check("<p class=\"unclosed>text", "p()");
        check("<script>never closed", r#"script("never closed")"#);
        check("<!-- never closed", "");
        check("<", r#""<""#);
        check("", "");
    }

    #[test]
    fn attributes() {
        let dom = parse(r#"<div id=main class="a b" data-x='q"uote' hidden>t</div>"#);
        let attrs: Vec<_> = dom.attrs(1).collect();
        assert_eq!(
            attrs,
            [
                ("id", "main"),
                ("class", "a b"),
                ("data-x", "q\"uote"),
                ("hidden", "")
            ]
        );
        assert_eq!(dom.attr(1, "class"), Some("a b"));
        let dom = parse(r#"<a href="x>y" title=t>link</a>"#);
        assert_eq!(dom.attr(1, "href"), Some("x>y"));
        assert_eq!(dom.text_of(1), "link");
    }

    #[test]
    fn deep_nesting_is_flattened_not_followed() {
        let depth = 100_000;
        let html = format!("{}deep{}", "<div>".repeat(depth), "</div>".repeat(depth));
        let dom = parse(&html);
        assert_eq!(dom.nodes.len(), depth + 2);
        assert_eq!(dom.text_of(0), "deep");
        let html = format!("{}deep", "<span><b>".repeat(depth));
        assert_eq!(parse(&html).text_of(0), "deep");
    }

    #[test]
    fn multibyte_text_is_sliced_on_char_boundaries() {
        check("<p>café — “quoted”</p>", r#"p("café — “quoted”")"#);
        check("<é>ü</é>", r#""<é>ü""#);
    }
}
