//! Feature extraction for the tagger: every feature is a 64-bit hash of a template and the
//! values it looks at, folded into a fixed number of weight buckets (feature hashing), so the
//! model needs no feature dictionary.
//!
//! Features look only at token strings (never part-of-speech or chunk tags, which real articles
//! do not have), the sentence, the document and, in the second stage, the first stage's tags.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::gazetteer::{Gazetteer, TokenLists};
use super::tags::{NTYPES, Tag};

/// Hashing for keys that are already well-mixed 64-bit hashes: pass them through.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = mix(self.0, u64::from(b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// A map keyed by a hash.
pub(crate) type KeyMap<V> = HashMap<u64, V, BuildHasherDefault<PassThrough>>;

/// The hashed views of one token that the templates combine.
#[derive(Debug, Clone)]
pub(crate) struct TokenView {
    word: u64,
    lower: u64,
    shape: u64,
    short_shape: u64,
    cap: u64,
    prefixes: [u64; 4],
    suffixes: [u64; 4],
    /// Word classes learned from unlabeled text, at several granularities (0 when unknown).
    classes: [u64; 3],
    /// The lower-cased form's hash before mixing, used as a key for document statistics.
    pub(crate) key: u64,
    pub(crate) capitalised: bool,
}

/// The most neighbouring words remembered per word and document.
const MAX_CONTEXTS: usize = 12;

/// Capitalisation classes.
const CAP_LOWER: u64 = 1;
const CAP_INIT: u64 = 2;
const CAP_ALL: u64 = 3;
const CAP_ONE: u64 = 4;
const CAP_MIXED: u64 = 5;
const CAP_DIGIT: u64 = 6;
const CAP_NONE: u64 = 7;

/// Canonical form of a token for features: curly quotes and apostrophes become straight ones,
/// as in the training data.
pub(crate) fn canonical(word: &str) -> std::borrow::Cow<'_, str> {
    if word.is_ascii() {
        return word.into();
    }
    word.chars()
        .map(|c| match c {
            '’' | '‘' | '`' | '´' => '\'',
            '“' | '”' | '„' | '«' | '»' => '"',
            '—' | '–' => '-',
            c => c,
        })
        .collect::<String>()
        .into()
}

/// The lower-cased form with every digit replaced by `0`.
pub(crate) fn lower_form(word: &str) -> String {
    word.chars()
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_ascii_digit() { '0' } else { c })
        .collect()
}

pub(crate) fn hash_str(s: &str) -> u64 {
    finish(fnv(FNV_START, s.as_bytes()))
}

/// FNV-1a, the first half of [`hash_str`]: fed piece by piece it gives the same hash as the
/// whole string, so token views hash lower-cased forms, affixes and shapes without building
/// them.
const FNV_START: u64 = 0xcbf2_9ce4_8422_2325;

#[inline]
fn fnv(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

#[inline]
fn fnv_char(h: u64, c: char) -> u64 {
    fnv(h, c.encode_utf8(&mut [0; 4]).as_bytes())
}

#[inline]
fn finish(h: u64) -> u64 {
    mix(h, 0x51_7cc1_b727_220a)
}

#[inline]
pub(crate) fn mix(a: u64, b: u64) -> u64 {
    let x = (a ^ b.rotate_left(29)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let x = (x ^ (x >> 32)).wrapping_mul(0xd6e8_feb8_6659_fd93);
    x ^ (x >> 32)
}

impl TokenView {
    pub(crate) fn new(word: &str, classes: Option<&KeyMap<u16>>) -> TokenView {
        let word = canonical(word);
        // One pass over the lower-cased form (as `lower_form` makes it) hashes the whole form
        // and its prefixes; the last four characters are kept for the suffixes.
        let mut h = FNV_START;
        let mut prefix_states = [0u64; 4];
        let mut last = ['\0'; 4];
        let mut nchars = 0usize;
        for c in word.chars().flat_map(char::to_lowercase) {
            let c = if c.is_ascii_digit() { '0' } else { c };
            h = fnv_char(h, c);
            if nchars < 4 {
                prefix_states[nchars] = h;
            }
            last[nchars % 4] = c;
            nchars += 1;
        }
        let key = finish(h);
        let mut prefixes = [0; 4];
        let mut suffixes = [0; 4];
        for n in 1..=4usize {
            if nchars > n {
                prefixes[n - 1] = finish(prefix_states[n - 1]);
                let mut s = FNV_START;
                for k in (1..=n).rev() {
                    s = fnv_char(s, last[(nchars - k) % 4]);
                }
                suffixes[n - 1] = finish(s);
            }
        }
        let (shape, short_shape) = shapes(&word);
        let cap = cap_class(&word);
        let class_hashes = match classes.and_then(|c| c.get(&key)) {
            Some(&c) => [
                mix(u64::from(c >> 8), 1),
                mix(u64::from(c >> 4), 2),
                mix(u64::from(c), 3),
            ],
            None => [0; 3],
        };
        TokenView {
            word: hash_str(&word),
            lower: key,
            shape,
            short_shape,
            cap,
            prefixes,
            suffixes,
            classes: class_hashes,
            key,
            capitalised: matches!(cap, CAP_INIT | CAP_ALL | CAP_ONE | CAP_MIXED),
        }
    }

    fn boundary(which: u64) -> TokenView {
        let h = mix(which, 0xb0);
        TokenView {
            word: h,
            lower: h,
            shape: h,
            short_shape: h,
            cap: 0,
            prefixes: [0; 4],
            suffixes: [0; 4],
            classes: [h; 3],
            key: h,
            capitalised: false,
        }
    }
}

/// Hashes of the word's shape (`Xxxxx`, at most 8 bytes long) and short shape (`Xx`, repeats
/// collapsed), as [`hash_str`] would hash the shape strings.
fn shapes(word: &str) -> (u64, u64) {
    let mut long = FNV_START;
    let mut long_len = 0;
    let mut short = FNV_START;
    let mut prev = None;
    for c in word.chars() {
        let s = if c.is_uppercase() {
            'X'
        } else if c.is_lowercase() {
            'x'
        } else if c.is_numeric() {
            'd'
        } else {
            c
        };
        if long_len < 8 {
            long = fnv_char(long, s);
            long_len += s.len_utf8();
        }
        if prev != Some(s) {
            short = fnv_char(short, s);
            prev = Some(s);
        }
    }
    (finish(long), finish(short))
}

fn cap_class(word: &str) -> u64 {
    let mut upper = 0;
    let mut lower = 0;
    let mut digit = 0;
    let mut first_upper = false;
    for (i, c) in word.chars().enumerate() {
        if c.is_uppercase() {
            upper += 1;
            if i == 0 {
                first_upper = true;
            }
        } else if c.is_lowercase() {
            lower += 1;
        } else if c.is_numeric() {
            digit += 1;
        }
    }
    if upper + lower == 0 {
        if digit > 0 { CAP_DIGIT } else { CAP_NONE }
    } else if upper == 0 {
        CAP_LOWER
    } else if lower == 0 {
        if upper == 1 { CAP_ONE } else { CAP_ALL }
    } else if first_upper && upper == 1 {
        CAP_INIT
    } else {
        CAP_MIXED
    }
}

/// What the document says about a word's case: seen capitalised mid-sentence, seen in lower
/// case, both or neither (besides this occurrence). Headlines are all capitals and the first
/// word of a sentence is always capitalised; elsewhere in the document the same word shows
/// whether it is a name.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct CaseEvidence {
    capitalised: u32,
    lower: u32,
}

/// Up to [`MAX_CONTEXTS`] distinct context hashes, kept inline: a document has one list per
/// capitalised word, and a heap allocation each cost more than the tagging of the word.
#[derive(Debug, Clone, Copy, Default)]
struct Contexts {
    items: [u64; MAX_CONTEXTS],
    len: u8,
}

impl Contexts {
    fn as_slice(&self) -> &[u64] {
        &self.items[..usize::from(self.len)]
    }

    /// Adds `c` unless it is there already or the list is full.
    fn push_new(&mut self, c: u64) {
        let n = usize::from(self.len);
        if n < MAX_CONTEXTS && !self.as_slice().contains(&c) {
            self.items[n] = c;
            self.len += 1;
        }
    }
}

/// A document prepared for feature extraction.
pub(crate) struct DocView {
    pub(crate) sentences: Vec<Vec<TokenView>>,
    /// Per sentence: every letter in it is upper case (a headline).
    all_caps: Vec<bool>,
    case: KeyMap<CaseEvidence>,
    /// Per capitalised word: the neighbouring words of its occurrences in the document, as
    /// `(side, word)` hashes, at most [`MAX_CONTEXTS`] of them.
    contexts: KeyMap<Contexts>,
    /// Per sentence and token: gazetteer feature hashes.
    gazetteer: Vec<TokenLists>,
}

impl DocView {
    pub(crate) fn new(
        sentences: &[Vec<&str>],
        classes: Option<&KeyMap<u16>>,
        gazetteer: Option<&Gazetteer>,
    ) -> DocView {
        let views: Vec<Vec<TokenView>> = sentences
            .iter()
            .map(|s| s.iter().map(|w| TokenView::new(w, classes)).collect())
            .collect();
        let all_caps: Vec<bool> = sentences
            .iter()
            .map(|s| {
                let mut letters = 0;
                let upper = s.iter().all(|w| {
                    w.chars().all(|c| {
                        if c.is_alphabetic() {
                            letters += 1;
                        }
                        !c.is_lowercase()
                    })
                });
                upper && letters > 3
            })
            .collect();
        let mut case: KeyMap<CaseEvidence> = KeyMap::default();
        for (s, sent) in views.iter().enumerate() {
            if all_caps[s] {
                continue;
            }
            for (i, t) in sent.iter().enumerate() {
                let e = case.entry(t.key).or_default();
                if t.cap == CAP_LOWER {
                    e.lower += 1;
                } else if t.capitalised && i > 0 {
                    e.capitalised += 1;
                }
            }
        }
        let gazetteer = views
            .iter()
            .map(|s| match gazetteer {
                Some(g) => g.features(&s.iter().map(|t| t.key).collect::<Vec<_>>()),
                None => TokenLists::default(),
            })
            .collect();
        let mut contexts: KeyMap<Contexts> = KeyMap::default();
        for sent in &views {
            for (i, t) in sent.iter().enumerate() {
                if !t.capitalised {
                    continue;
                }
                let list = contexts.entry(t.key).or_default();
                let left = i.checked_sub(1).map_or(1, |j| sent[j].lower);
                let right = sent.get(i + 1).map_or(2, |n| n.lower);
                for c in [mix(left, 0x1ef7), mix(right, 0x419e)] {
                    list.push_new(c);
                }
            }
        }
        DocView {
            contexts,
            sentences: views,
            all_caps,
            case,
            gazetteer,
        }
    }
}

/// Appends the first-stage features of token `i` of sentence `s` to `out`.
pub(crate) fn local_features(doc: &DocView, s: usize, i: usize, out: &mut Vec<u64>) {
    let sent = &doc.sentences[s];
    let start = TokenView::boundary(1);
    let end = TokenView::boundary(2);
    let at = |k: isize| -> &TokenView {
        let j = i as isize + k;
        if j < 0 {
            &start
        } else if j as usize >= sent.len() {
            &end
        } else {
            &sent[j as usize]
        }
    };
    let (p2, p1, t, n1, n2) = (at(-2), at(-1), at(0), at(1), at(2));
    let caps = u64::from(doc.all_caps[s]);
    let first = u64::from(i == 0);
    let f = |template: u64, a: u64, b: u64| mix(mix(template, a), b);
    out.push(f(0, 0, 0));
    out.push(f(1, t.lower, 0));
    out.push(f(2, t.word, 0));
    out.push(f(3, p1.lower, 0));
    out.push(f(4, n1.lower, 0));
    out.push(f(5, p2.lower, 0));
    out.push(f(6, n2.lower, 0));
    out.push(f(7, p1.lower, t.lower));
    out.push(f(8, t.lower, n1.lower));
    out.push(f(9, p1.word, t.cap));
    out.push(f(10, t.shape, 0));
    out.push(f(11, p1.short_shape, t.shape));
    out.push(f(12, t.shape, n1.short_shape));
    out.push(f(13, mix(p1.short_shape, t.short_shape), n1.short_shape));
    out.push(f(14, p2.short_shape, 0));
    out.push(f(15, n2.short_shape, 0));
    for k in 0..4 {
        if t.prefixes[k] != 0 {
            out.push(f(16 + k as u64, t.prefixes[k], 0));
        }
        if t.suffixes[k] != 0 {
            out.push(f(20 + k as u64, t.suffixes[k], 0));
        }
    }
    out.push(f(24, t.cap, first));
    out.push(f(25, t.cap, caps));
    out.push(f(26, mix(p1.cap, t.cap), n1.cap));
    out.push(f(27, t.lower, caps));
    out.push(f(28, n1.word, t.cap));
    if t.capitalised
        && let Some(list) = doc.contexts.get(&t.key)
    {
        for &c in list.as_slice() {
            out.push(f(42, c, 0));
        }
    }
    let case = doc.case.get(&t.key).copied().unwrap_or_default();
    let mine = u64::from(t.cap == CAP_LOWER || (t.capitalised && i > 0 && caps == 0));
    let evidence =
        u64::from(case.capitalised > mine as u32) | u64::from(case.lower > mine as u32) << 1;
    out.push(f(29, evidence, mix(t.cap, first | caps << 1)));
    for k in 0..3 {
        if t.classes[k] != 0 {
            out.push(f(30 + k as u64, t.classes[k], 0));
        }
        if p1.classes[k] != 0 && k < 2 {
            out.push(f(33 + k as u64, p1.classes[k], 0));
        }
        if n1.classes[k] != 0 && k < 2 {
            out.push(f(35 + k as u64, n1.classes[k], 0));
        }
    }
    if t.classes[2] != 0 {
        out.push(f(37, t.classes[2], t.cap));
    }
    for &g in doc.gazetteer[s].get(i) {
        out.push(f(38, g, 0));
        out.push(f(39, g, t.cap));
    }
}

/// What the first stage said about a document: its tags, and per word (lower case) how often it
/// was tagged as each entity type (index 0 = outside).
pub(crate) struct FirstPass {
    pub(crate) tags: Vec<Vec<Tag>>,
    types: KeyMap<[u16; NTYPES + 1]>,
    /// Per predicted entity string (hash of its lower-cased words): count per type.
    names: KeyMap<[u16; NTYPES]>,
    /// Per sentence and token: the key of the predicted entity the token is in, and where.
    spans: Vec<Vec<Option<(u64, u64)>>>,
}

impl FirstPass {
    pub(crate) fn new(doc: &DocView, tags: Vec<Vec<Tag>>) -> FirstPass {
        let mut types: KeyMap<[u16; NTYPES + 1]> = KeyMap::default();
        for (sent, sent_tags) in doc.sentences.iter().zip(&tags) {
            for (t, tag) in sent.iter().zip(sent_tags) {
                if !t.capitalised {
                    continue;
                }
                let e = types.entry(t.key).or_default();
                let k = tag.kind().map_or(0, |k| k as usize + 1);
                e[k] = e[k].saturating_add(1);
            }
        }
        let mut names: KeyMap<[u16; NTYPES]> = KeyMap::default();
        let mut spans = Vec::with_capacity(tags.len());
        for (sent, sent_tags) in doc.sentences.iter().zip(&tags) {
            let mut inside = vec![None; sent.len()];
            for (range, kind) in super::tags::chunks(sent_tags) {
                let key = sent[range.clone()].iter().fold(0x4e, |k, t| mix(k, t.key));
                let e = names.entry(key).or_default();
                e[kind as usize] = e[kind as usize].saturating_add(1);
                for i in range.clone() {
                    let pos = u64::from(i == range.start) | u64::from(i + 1 == range.end) << 1;
                    inside[i] = Some((key, pos));
                }
            }
            spans.push(inside);
        }
        FirstPass {
            tags,
            types,
            names,
            spans,
        }
    }
}

/// Appends the second-stage features of token `i` of sentence `s`: the first stage's tags
/// around it and what the first stage said about the same word elsewhere in the document.
pub(crate) fn global_features(
    doc: &DocView,
    first: &FirstPass,
    s: usize,
    i: usize,
    out: &mut Vec<u64>,
) {
    let f = |template: u64, a: u64, b: u64| mix(mix(template + 100, a), b);
    let tags = &first.tags[s];
    let tag_at = |k: isize| -> u64 {
        let j = i as isize + k;
        if j < 0 || j as usize >= tags.len() {
            99
        } else {
            u64::from(tags[j as usize].0)
        }
    };
    let t = &doc.sentences[s][i];
    out.push(f(0, tag_at(0), 0));
    out.push(f(1, tag_at(-1), tag_at(0)));
    out.push(f(2, tag_at(0), tag_at(1)));
    out.push(f(3, tag_at(0), t.cap));
    out.push(f(9, tag_at(-2), tag_at(-1)));
    out.push(f(10, tag_at(1), tag_at(2)));
    if let Some((key, pos)) = first.spans[s][i]
        && let Some(counts) = first.names.get(&key)
    {
        let mut counts = *counts;
        if let Some(k) = tags[i].kind() {
            counts[k as usize] = counts[k as usize].saturating_sub(1);
        }
        if let Some(best) = (0..NTYPES)
            .filter(|&k| counts[k] > 0)
            .max_by_key(|&k| (counts[k], NTYPES - k))
        {
            out.push(f(11, best as u64, pos));
            out.push(f(12, best as u64, tag_at(0)));
        }
    }
    if !t.capitalised {
        return;
    }
    let Some(counts) = first.types.get(&t.key) else {
        return;
    };
    let mut counts = *counts;
    let own = tags[i].kind().map_or(0, |k| k as usize + 1);
    counts[own] = counts[own].saturating_sub(1);
    let total: u32 = counts.iter().map(|&c| u32::from(c)).sum();
    if total == 0 {
        out.push(f(4, 0, 0));
        return;
    }
    let best = (0..counts.len())
        .max_by_key(|&k| (counts[k], usize::MAX - k))
        .unwrap_or(0);
    out.push(f(5, best as u64, 0));
    out.push(f(6, best as u64, tag_at(0)));
    for (k, &c) in counts.iter().enumerate() {
        if c > 0 {
            out.push(f(7, k as u64, 0));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks that the one-pass hashes of a token view are the hashes of the strings they
    /// stand for (the lower-cased form, its affixes and the two shapes), built the plain way.
    fn check(word: &str) {
        let t = TokenView::new(word, None);
        let canon = canonical(word);
        let lower = lower_form(&canon);
        assert_eq!(t.key, hash_str(&lower), "lower form of {word:?}");
        let chars: Vec<char> = lower.chars().collect();
        for n in 1..=4 {
            let (p, s) = if chars.len() > n {
                let p: String = chars[..n].iter().collect();
                let s: String = chars[chars.len() - n..].iter().collect();
                (hash_str(&p), hash_str(&s))
            } else {
                (0, 0)
            };
            assert_eq!(t.prefixes[n - 1], p, "prefix {n} of {word:?}");
            assert_eq!(t.suffixes[n - 1], s, "suffix {n} of {word:?}");
        }
        let mut long = String::new();
        let mut short = String::new();
        for c in canon.chars() {
            let s = if c.is_uppercase() {
                'X'
            } else if c.is_lowercase() {
                'x'
            } else if c.is_numeric() {
                'd'
            } else {
                c
            };
            if long.len() < 8 {
                long.push(s);
            }
            if !short.ends_with(s) {
                short.push(s);
            }
        }
        assert_eq!(t.shape, hash_str(&long), "shape of {word:?}");
        assert_eq!(t.short_shape, hash_str(&short), "short shape of {word:?}");
    }

    #[test]
    fn one_pass_hashes_match_the_strings() {
        check("");
        check("a");
        check("Varga");
        check("NORDIC");
        check("1996-08-30");
        check("O'Neill");
        check("İstanbul");
        check("Ærøskøbing’s");
        check("ß-Straße");
        check("“quoted”");
        check("日本語テキスト");
    }
}
