//! A learned fallback for the attributions the rules miss ("took aim at the plan", "has no
//! illusions about Putin"): four averaged-perceptron token classifiers trained on PolNeAR train
//! by `cargo xtask train-quotes`. The first marks cue words; a cue grows from a confident word
//! over neighbours that score nearly as well. For each cue, two classifiers score every other
//! token of its sentence as the first and as the last token of its content, and the content is
//! the best-scoring pair on one side of the cue with no covered token between; the fourth scores
//! tokens as its source, taken as the best run of tokens left over (a maximum subarray) when
//! the rules find no subject right before the cue. The weights are compiled into the crate
//! (`models/attribution.bin`).
//!
//! The rules run first; the model only looks at tokens no rule attribution covers, and the cue
//! classifier is trained on exactly those tokens of the training articles. Last, a keep
//! classifier scores every reported-speech quote (the rules' and the model's) and drops the
//! ones that look misread; it is trained on what the rules and a model trained on the other
//! folds find in each fold of the training articles. Direct and partial quotes always stay.

use super::attribution::{flags, is_det, is_say, is_stop};
use super::marks::{self, Region};
use super::tokens::{Tok, sentences, tokenize};
use super::{Quote, QuoteKind};
use crate::ner::{ModelError, features, model};
use std::sync::OnceLock;
use text::Span;

const MAGIC: &[u8; 8] = b"PLXATT01";

/// Hash buckets per classifier, as a power of two.
const BITS: u32 = 18;

/// A token is a cue word when the cue classifier scores it above this.
const CUE_MIN: f32 = 0.0;

/// Words next to a cue word that score above this belong to the same cue.
const CUE_EXTEND: f32 = -5.0;

/// A reported-speech quote is kept when the keep classifier scores it above this.
const KEEP_MIN: f32 = -8.0;

/// A content run is kept when its total score is above this.
const CONTENT_MIN: f32 = 5.0;

/// A cue is at most this many tokens long; longer runs are misreadings.
const CUE_MAX_LEN: usize = 6;

/// The classifiers' weights, `2^BITS` each: cue words, the first and last token of a cue's
/// content, and the tokens of its source.
#[derive(Debug, Clone)]
pub struct AttributionModel {
    cue: Vec<f32>,
    start: Vec<f32>,
    end: Vec<f32>,
    source: Vec<f32>,
    /// Whether to keep a reported-speech attribution (the rules' or the model's); empty while
    /// the model is only half trained (see [`train`]).
    keep: Vec<f32>,
}

/// One attribution the model found: token index ranges (end exclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Guess {
    pub cue: (usize, usize),
    pub content: (usize, usize),
    pub source: Option<(usize, usize)>,
}

/// A labelled article for training: the text as `extract_quotes` sees it (normalised) and its
/// gold attributions as byte ranges of that text.
#[derive(Debug, Clone, Default)]
pub struct TrainingArticle {
    pub text: String,
    pub attributions: Vec<TrainingAttribution>,
}

/// One gold attribution: each part may be in several pieces.
#[derive(Debug, Clone, Default)]
pub struct TrainingAttribution {
    pub cue: Vec<Span>,
    pub content: Vec<Span>,
    pub source: Vec<Span>,
}

static BUNDLED: &[u8] = include_bytes!("../../models/attribution.bin");

/// The model compiled into the crate (`None` if it cannot be read, which a test rules out).
pub(super) fn bundled() -> Option<&'static AttributionModel> {
    static MODEL: OnceLock<Option<AttributionModel>> = OnceLock::new();
    MODEL
        .get_or_init(|| AttributionModel::from_bytes(BUNDLED).ok())
        .as_ref()
}

/// A tokenised text with what the features need.
pub(super) struct Doc<'a> {
    pub text: &'a str,
    pub toks: &'a [Tok],
    /// Token `i` lies inside a quotation.
    pub quoted: Vec<bool>,
    /// Sentences as token ranges, in order.
    pub sentences: Vec<(usize, usize)>,
    /// Per token: hash of [`Doc::word`], hash of its stem, cue-lexicon flags, and whether it is
    /// a pronoun or a determiner; made once so the features hash numbers, not strings.
    hash: Vec<u64>,
    stem: Vec<u64>,
    flag: Vec<u8>,
    pron: Vec<bool>,
    det: Vec<bool>,
}

impl<'a> Doc<'a> {
    pub(super) fn new(text: &'a str, toks: &'a [Tok], regions: &[Region]) -> Doc<'a> {
        let quoted = toks
            .iter()
            .map(|t| {
                let at = t.span.start;
                let k = regions.partition_point(|r| r.open.start < at);
                k.checked_sub(1)
                    .is_some_and(|r| at < regions[r].outer().end)
            })
            .collect();
        let protected: Vec<Span> = regions.iter().map(Region::outer).collect();
        let sentences = text::paragraphs(text)
            .iter()
            .flat_map(|p| sentences(toks, p, &protected, &|w| is_say(w)))
            .collect();
        let mut d = Doc {
            text,
            toks,
            quoted,
            sentences,
            hash: Vec::with_capacity(toks.len()),
            stem: Vec::with_capacity(toks.len()),
            flag: Vec::with_capacity(toks.len()),
            pron: Vec::with_capacity(toks.len()),
            det: Vec::with_capacity(toks.len()),
        };
        for i in 0..toks.len() {
            let w = d.word(i);
            let (h, st, fl) = (hash(w), hash(stem(w)), flags(w));
            let (p, dt) = (PRONOUNS.contains(&w), is_det(w));
            d.hash.push(h);
            d.stem.push(st);
            d.flag.push(fl);
            d.pron.push(p);
            d.det.push(dt);
        }
        d
    }

    /// The lower-cased word, or the punctuation character itself.
    fn word(&self, i: usize) -> &str {
        let t = &self.toks[i];
        if t.word {
            &t.lower
        } else {
            &self.text[t.span.clone()]
        }
    }
}

fn hash(s: &str) -> u64 {
    features::hash_str(s)
}

/// Stand-ins for the words before and after a sentence or a text.
const BEFORE: u64 = 1;
const AFTER: u64 = 2;

fn bucket(d: usize) -> u64 {
    match d {
        0..=3 => d as u64,
        4..=5 => 4,
        6..=8 => 5,
        9..=12 => 6,
        13..=20 => 7,
        _ => 8,
    }
}

/// A crude stem: the word without a common inflection, so unseen forms share weights.
fn stem(w: &str) -> &str {
    for suffix in ["ing", "ed", "es", "s"] {
        if let Some(s) = w.strip_suffix(suffix)
            && s.len() >= 3
        {
            return s;
        }
    }
    w
}

const PRONOUNS: &[&str] = &["he", "she", "they", "it", "we", "i", "you", "who"];

/// Hashed features of one token or quote, not yet tied to a classifier: each classifier
/// mixes in its own salt when it looks a feature up, so one set of span features serves the
/// content and source classifiers alike.
#[derive(Default)]
struct Features {
    raw: Vec<u64>,
}

impl Features {
    /// Feature `id` with these values (word hashes, numbers, flags).
    fn add(&mut self, id: u64, parts: &[u64]) {
        let mut h = features::mix(0x5eed, id);
        for &p in parts {
            h = features::mix(h, p);
        }
        self.raw.push(h);
    }
}

/// The weight bucket of feature `h` in the classifier salted `salt`.
fn bucket_of(h: u64, salt: u64) -> u32 {
    (features::mix(h, salt) & ((1 << BITS) - 1)) as u32
}

/// The score of features `raw` in the classifier with weights `w` and salt `salt`.
fn score(w: &[f32], raw: &[u64], salt: u64) -> f32 {
    raw.iter().map(|&h| w[bucket_of(h, salt) as usize]).sum()
}

/// Features of token `i` of sentence `(a, b)` for the cue classifier.
fn cue_features(d: &Doc, (a, b): (usize, usize), i: usize, f: &mut Features) {
    let idx = |k: isize| -> Option<usize> {
        let j = i as isize + k;
        (j >= a as isize && j < b as isize).then_some(j as usize)
    };
    let at = |k: isize| idx(k).map_or(BEFORE, |j| d.hash[j]);
    let flag = |k: isize| idx(k).map_or(0, |j| u64::from(d.flag[j]));
    let w = d.hash[i];
    let word = d.word(i);
    f.add(0, &[]);
    f.add(1, &[w]);
    f.add(2, &[at(-1)]);
    f.add(3, &[at(1)]);
    f.add(4, &[at(-2)]);
    f.add(5, &[at(2)]);
    f.add(6, &[at(-1), w]);
    f.add(7, &[w, at(1)]);
    f.add(8, &[d.stem[i]]);
    f.add(9, &[d.stem[i], at(1)]);
    f.add(10, &[flag(0)]);
    f.add(11, &[flag(1)]);
    f.add(12, &[flag(-1)]);
    f.add(13, &[u64::from(d.toks[i].cap && i > a)]);
    f.add(14, &[u64::from(d.quoted[i])]);
    f.add(15, &[bucket(i - a)]);
    f.add(16, &[bucket(b - 1 - i)]);
    f.add(17, &[u64::from(idx(-1).is_some_and(|j| d.pron[j]))]);
    f.add(18, &[u64::from(i > a && d.toks[i - 1].cap)]);
    f.add(19, &[at(-2), at(-1), w]);
    f.add(20, &[w, at(1), at(2)]);
    let suffix = |n: usize| {
        word.char_indices()
            .rev()
            .nth(n - 1)
            .map_or(word, |(k, _)| &word[k..])
    };
    f.add(21, &[hash(suffix(2))]);
    f.add(22, &[hash(suffix(3))]);
    // A subject just before (a name, a pronoun) and an object or clause just after.
    let subject = (i.saturating_sub(4).max(a)..i).any(|k| d.toks[k].cap || d.pron[k]);
    let object = idx(1).is_some_and(|j| d.det[j] || d.toks[j].cap || d.word(j) == "that");
    f.add(23, &[u64::from(subject) * 2 + u64::from(object)]);
    f.add(24, &[d.stem[i], u64::from(subject)]);
    let comma = (a..i)
        .rev()
        .position(|k| d.word(k) == ",")
        .map_or(9, bucket);
    f.add(25, &[comma]);
}

/// Features of token `j` as part of the content (or source) of the cue `c` in sentence
/// `(a, b)`.
fn span_features(d: &Doc, (a, b): (usize, usize), c: (usize, usize), j: usize, f: &mut Features) {
    let left = j < c.0;
    let side = if left { 1 } else { 2 };
    let (dist, between) = if left {
        (c.0 - j, j + 1..c.0)
    } else {
        (j + 1 - c.1, c.1..j)
    };
    let dist = bucket(dist);
    let w = d.hash[j];
    let head = d.hash[c.1 - 1];
    let first = d.hash[c.0];
    let after = if c.1 < b { d.hash[c.1] } else { AFTER };
    let before = if c.0 > a { d.hash[c.0 - 1] } else { BEFORE };
    let mut commas = 0u64;
    let (mut stop, mut that, mut dash) = (0, 0, 0);
    for k in between {
        match d.word(k) {
            "," => commas += 1,
            ";" | ":" | "(" | ")" => stop = 1,
            "that" => that = 1,
            "—" | "–" | "-" => dash = 1,
            _ => {}
        }
    }
    let commas = commas.min(3);
    let edge = bucket(if left { j - a } else { b - 1 - j });
    let cap = u64::from(d.toks[j].cap) * 2 + u64::from(d.pron[j]);
    f.add(0, &[side]);
    f.add(1, &[side, dist]);
    f.add(2, &[side, w]);
    f.add(3, &[side, head]);
    f.add(4, &[side, head, dist]);
    f.add(5, &[side, after]);
    f.add(6, &[side, after, dist]);
    f.add(7, &[side, before]);
    f.add(8, &[side, commas]);
    f.add(9, &[side, commas, dist]);
    f.add(10, &[side, stop]);
    f.add(11, &[side, that, dist]);
    f.add(12, &[side, dash]);
    f.add(13, &[side, u64::from(d.quoted[j])]);
    f.add(14, &[side, edge]);
    f.add(15, &[side, u64::from(c.0 == a)]);
    f.add(16, &[side, u64::from(c.1 >= b.saturating_sub(1))]);
    f.add(17, &[side, u64::from(d.flag[c.1 - 1])]);
    f.add(18, &[side, cap]);
    f.add(19, &[side, first]);
    f.add(20, &[side, d.stem[c.1 - 1], commas]);
    f.add(21, &[side, w, dist]);
}

const CUE_SALT: u64 = 1;
const START_SALT: u64 = 2;
const SOURCE_SALT: u64 = 3;
const END_SALT: u64 = 4;
const KEEP_SALT: u64 = 5;

/// Features of a reported-speech quote for the keep classifier: where it came from, its cue,
/// its speaker, the length and the edges of its content.
fn keep_features(d: &Doc, q: &Quote, learned: bool, f: &mut Features) {
    let origin = u64::from(learned);
    let n = d.toks.len();
    let first = d.toks.partition_point(|t| t.span.start < q.span.start);
    let last = d.toks.partition_point(|t| t.span.start < q.span.end);
    let word = |i: Option<usize>| i.filter(|&i| i < n).map_or(BEFORE, |i| d.hash[i]);
    let (cue_first, cue_end) = q.cue.as_ref().map_or((0, 0), |c| {
        (
            d.toks.partition_point(|t| t.span.start < c.span.start),
            d.toks.partition_point(|t| t.span.start < c.span.end),
        )
    });
    let cue: u64 = (cue_first..cue_end).fold(0, |h, i| features::mix(h, d.hash[i]));
    let head_at = cue_end.checked_sub(1).filter(|&i| i >= cue_first && i < n);
    let head = head_at.map_or(0, |i| d.hash[i]);
    let words = (first..last).filter(|&i| d.toks[i].word).count();
    let speaker: u64 = match &q.speaker {
        None => 0,
        Some(s) if s.name.is_some() => 1,
        Some(s) if s.role.is_some() => 2,
        Some(_) => 3,
    };
    let after = q.cue.as_ref().is_some_and(|c| c.span.start >= q.span.end);
    let before_content = word(first.checked_sub(1));
    let first_word = word(Some(first));
    let last_tok = word(last.checked_sub(1));
    let after_content = word(Some(last));
    let size = bucket(words);
    f.add(0, &[]);
    f.add(1, &[origin]);
    f.add(2, &[cue]);
    f.add(3, &[origin, head]);
    f.add(4, &[head_at.map_or(0, |i| d.stem[i])]);
    f.add(5, &[size]);
    f.add(6, &[origin, size]);
    f.add(7, &[first_word]);
    f.add(8, &[head, first_word]);
    f.add(9, &[last_tok]);
    f.add(10, &[speaker]);
    f.add(11, &[origin, speaker]);
    f.add(12, &[u64::from(after), origin]);
    f.add(13, &[before_content]);
    f.add(14, &[after_content]);
    f.add(15, &[head, size]);
    f.add(16, &[before_content, first_word]);
    f.add(17, &[head_at.map_or(0, |i| u64::from(d.flag[i]))]);
    f.add(18, &[(cue_end - cue_first) as u64]);
    let gap = if q.cue.is_none() {
        99
    } else if after {
        cue_first.saturating_sub(last)
    } else {
        first.saturating_sub(cue_end)
    };
    f.add(19, &[bucket(gap)]);
    let quoted = (first..last).filter(|&i| d.quoted[i]).count();
    f.add(20, &[(4 * quoted / (last - first).max(1)) as u64]);
    let nested = (first..last).any(|i| d.flag[i] != 0);
    f.add(21, &[origin, u64::from(nested)]);
    let pronoun = q.speaker.as_ref().is_some_and(|s| {
        let k = d.toks.partition_point(|t| t.span.start < s.span.start);
        k < n && d.pron[k] && d.toks[k].span.end >= s.span.end
    });
    f.add(22, &[speaker, u64::from(pronoun)]);
}

/// Which end of the content a boundary classifier looks for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Edge {
    Start,
    End,
}

/// The words around token `j` that mark a clause boundary on the `edge` side.
fn edge_features(d: &Doc, (a, b): (usize, usize), j: usize, edge: Edge, f: &mut Features) {
    let at = |k: isize| -> u64 {
        let i = j as isize + k;
        if i < a as isize {
            BEFORE
        } else if i >= b as isize {
            AFTER
        } else {
            d.hash[i as usize]
        }
    };
    let (out1, out2) = match edge {
        Edge::Start => (at(-1), at(-2)),
        Edge::End => (at(1), at(2)),
    };
    f.add(30, &[out1]);
    f.add(31, &[out1, out2]);
    f.add(32, &[at(0), out1]);
    f.add(33, &[at(0)]);
}

/// The run `lo..hi` inside `range` with the highest total of `scores` (indexed from
/// `range.start`), skipping `blocked` tokens, and that total.
fn best_run(
    scores: &[f32],
    range: std::ops::Range<usize>,
    blocked: &dyn Fn(usize) -> bool,
) -> Option<(usize, usize, f32)> {
    let base = range.start;
    let mut best: Option<(usize, usize, f32)> = None;
    let mut start = base;
    let mut sum = 0.0f32;
    for j in range {
        if blocked(j) {
            sum = 0.0;
            start = j + 1;
            continue;
        }
        if sum <= 0.0 {
            sum = 0.0;
            start = j;
        }
        sum += scores[j - base];
        if best.is_none_or(|b| sum > b.2) {
            best = Some((start, j + 1, sum));
        }
    }
    best
}

impl AttributionModel {
    /// Attributions in sentence `s` whose cue and content avoid the `covered` tokens.
    pub(super) fn guess(&self, d: &Doc, s: (usize, usize), covered: &[bool]) -> Vec<Guess> {
        let (a, b) = s;
        let mut f = Features::default();
        let mut cue_scores = vec![f32::NEG_INFINITY; b - a];
        for i in a..b {
            if covered[i] || !d.toks[i].word {
                continue;
            }
            f.raw.clear();
            cue_features(d, s, i, &mut f);
            cue_scores[i - a] = score(&self.cue, &f.raw, CUE_SALT);
        }
        let mut out = Vec::new();
        let mut i = a;
        while i < b {
            if cue_scores[i - a] <= CUE_MIN {
                i += 1;
                continue;
            }
            // A cue grows from a confident word over neighbours that score nearly as well
            // ("took" before "aim at").
            let mut start = i;
            while start > a && cue_scores[start - 1 - a] > CUE_EXTEND {
                start -= 1;
            }
            let mut e = i;
            while e < b && cue_scores[e - a] > CUE_EXTEND {
                e += 1;
            }
            let cue = (start, e);
            i = e;
            // A cue of function words only ("has", "on", "is for") is a misreading.
            if e - cue.0 > CUE_MAX_LEN
                || (cue.0..e).all(|k| is_stop(d.word(k)))
                || out.last().is_some_and(|g: &Guess| g.cue.1 > cue.0)
            {
                continue;
            }
            if let Some(g) = self.spans(d, s, cue, covered) {
                out.push(g);
            }
        }
        out
    }

    /// The content and source of `cue`.
    fn spans(
        &self,
        d: &Doc,
        s: (usize, usize),
        cue: (usize, usize),
        covered: &[bool],
    ) -> Option<Guess> {
        let (a, b) = s;
        let in_cue = |j: usize| (cue.0..cue.1).contains(&j);
        // Start, end and source scores of every token; the span features are made once.
        let n = b - a;
        let (mut starts, mut ends, mut sources) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
        let (mut f, mut e) = (Features::default(), Features::default());
        for j in (a..b).filter(|&j| !in_cue(j)) {
            f.raw.clear();
            span_features(d, s, cue, j, &mut f);
            e.raw.clear();
            edge_features(d, s, j, Edge::Start, &mut e);
            starts[j - a] =
                score(&self.start, &f.raw, START_SALT) + score(&self.start, &e.raw, START_SALT);
            e.raw.clear();
            edge_features(d, s, j, Edge::End, &mut e);
            ends[j - a] = score(&self.end, &f.raw, END_SALT) + score(&self.end, &e.raw, END_SALT);
            sources[j - a] = score(&self.source, &f.raw, SOURCE_SALT);
        }
        let blocked = |j: usize| covered[j] || in_cue(j);
        // The best first and last token on one side of the cue, with nothing blocked between.
        let best = |range: std::ops::Range<usize>| -> Option<(usize, usize, f32)> {
            let mut best: Option<(usize, usize, f32)> = None;
            let mut open: Option<(usize, f32)> = None;
            for j in range {
                if blocked(j) {
                    open = None;
                    continue;
                }
                let st = starts[j - a];
                if open.is_none_or(|(_, o)| st > o) {
                    open = Some((j, st));
                }
                if let Some((k, o)) = open {
                    let total = o + ends[j - a];
                    if best.is_none_or(|b| total > b.2) {
                        best = Some((k, j + 1, total));
                    }
                }
            }
            best
        };
        let (cs, ce, total) = match (best(a..cue.0), best(cue.1..b)) {
            (Some(l), Some(r)) => {
                if l.2 > r.2 {
                    l
                } else {
                    r
                }
            }
            (Some(x), None) | (None, Some(x)) => x,
            (None, None) => return None,
        };
        if total <= CONTENT_MIN || !(cs..ce).any(|j| d.toks[j].word) {
            return None;
        }
        let blocked = |j: usize| blocked(j) || (cs..ce).contains(&j);
        let source = best_run(&sources, a..b, &blocked)
            .filter(|r| r.2 > 0.0 && (r.0..r.1).any(|j| d.toks[j].word))
            .map(|r| (r.0, r.1));
        Some(Guess {
            cue,
            content: (cs, ce),
            source,
        })
    }

    /// Whether the reported-speech `quote` (found by the model when `learned`, else by the
    /// rules) is kept: every other quote is.
    pub(super) fn keeps(&self, d: &Doc, quote: &Quote, learned: bool) -> bool {
        if self.keep.is_empty() || quote.kind != QuoteKind::Indirect {
            return true;
        }
        let mut f = Features::default();
        keep_features(d, quote, learned, &mut f);
        score(&self.keep, &f.raw, KEEP_SALT) > KEEP_MIN
    }

    /// Saves the model (8-bit weights) in the format [`AttributionModel::from_bytes`] reads.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        out.push(BITS as u8);
        for w in [&self.cue, &self.start, &self.end, &self.source, &self.keep] {
            let (q, scale) = model::quantise(w);
            out.extend(scale.to_le_bytes());
            let packed = model::pack(&q);
            out.extend((packed.len() as u32).to_le_bytes());
            out.extend(packed);
        }
        out
    }

    /// Reads a model saved by [`AttributionModel::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<AttributionModel, ModelError> {
        let mut r = model::Reader::new(bytes);
        if r.take(MAGIC.len())? != MAGIC {
            return Err(ModelError::BadMagic);
        }
        if u32::from(r.array::<1>()?[0]) != BITS {
            return Err(ModelError::Invalid("bucket bits"));
        }
        let mut read = || -> Result<Vec<f32>, ModelError> {
            let scale = f32::from_le_bytes(r.array()?);
            let n = r.u32()? as usize;
            let q = model::unpack(r.take(n)?, 1 << BITS).ok_or(ModelError::Invalid("weights"))?;
            Ok(q.into_iter().map(|x| f32::from(x) * scale).collect())
        };
        Ok(AttributionModel {
            cue: read()?,
            start: read()?,
            end: read()?,
            source: read()?,
            keep: read()?,
        })
    }
}

/// Examples for one binary classifier: feature buckets per example and the labels.
#[derive(Default)]
struct Examples {
    feats: Vec<u32>,
    offsets: Vec<usize>,
    labels: Vec<bool>,
}

impl Examples {
    /// One example: the features of each of `parts`, looked up with `salt`.
    fn push(&mut self, parts: &[&Features], salt: u64, label: bool) {
        if self.offsets.is_empty() {
            self.offsets.push(0);
        }
        for f in parts {
            self.feats.extend(f.raw.iter().map(|&h| bucket_of(h, salt)));
        }
        self.offsets.push(self.feats.len());
        self.labels.push(label);
    }

    fn get(&self, k: usize) -> &[u32] {
        &self.feats[self.offsets[k]..self.offsets[k + 1]]
    }

    /// An averaged perceptron over the examples, `epochs` passes in a seeded order.
    fn train(&self, epochs: usize, seed: u64) -> Vec<f32> {
        let n = self.labels.len();
        let mut w = vec![0f32; 1 << BITS];
        let mut u = vec![0f64; 1 << BITS];
        let mut c = 1f64;
        let mut order: Vec<usize> = (0..n).collect();
        let mut rng = seed | 1;
        for _ in 0..epochs {
            for k in (1..n).rev() {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                order.swap(k, (rng % (k as u64 + 1)) as usize);
            }
            for &k in &order {
                let y = if self.labels[k] { 1.0 } else { -1.0 };
                let feats = self.get(k);
                let margin: f32 = feats.iter().map(|&x| w[x as usize]).sum();
                if y * margin <= 0.0 {
                    for &x in feats {
                        w[x as usize] += y;
                        u[x as usize] += y as f64 * c;
                    }
                }
                c += 1.0;
            }
        }
        w.iter()
            .zip(&u)
            .map(|(&w, &u)| (f64::from(w) - u / c) as f32)
            .collect()
    }
}

/// Tokens inside a quote of `quotes` (any part) or its cue.
pub(super) fn covered_tokens(toks: &[Tok], quotes: &[Quote]) -> Vec<bool> {
    let taken: Vec<Span> = quotes
        .iter()
        .flat_map(|q| {
            q.parts()
                .map(|(s, _)| s.clone())
                .chain(q.cue.iter().map(|c| c.span.clone()))
        })
        .collect();
    // Tokens are sorted and do not overlap: each span covers one run of them.
    let mut covered = vec![false; toks.len()];
    for s in &taken {
        let lo = toks.partition_point(|t| t.span.end <= s.start);
        let hi = toks.partition_point(|t| t.span.start < s.end);
        for c in covered.iter_mut().take(hi).skip(lo) {
            *c = true;
        }
    }
    covered
}

fn touches(t: &Span, spans: &[Span]) -> bool {
    spans.iter().any(|s| t.start < s.end && s.start < t.end)
}

/// Trains the four classifiers on `articles` (deterministic for a given `seed`).
pub fn train(articles: &[TrainingArticle], epochs: usize, seed: u64) -> AttributionModel {
    let all: Vec<&TrainingArticle> = articles.iter().collect();
    let mut model = train_spans(&all, epochs, seed);
    // The keep classifier learns from what the rules and the span classifiers find in articles
    // the span classifiers were not trained on.
    let mut keep = Examples::default();
    for k in 0..KEEP_FOLDS {
        let rest: Vec<&TrainingArticle> = all
            .iter()
            .enumerate()
            .filter(|(i, _)| i % KEEP_FOLDS != k)
            .map(|(_, a)| *a)
            .collect();
        let fold = train_spans(&rest, epochs, seed);
        for art in all.iter().skip(k).step_by(KEEP_FOLDS) {
            keep_examples(art, &fold, &mut keep);
        }
    }
    model.keep = keep.train(epochs, seed.wrapping_add(4));
    model
}

/// Folds of the training articles for the keep classifier's examples.
const KEEP_FOLDS: usize = 5;

/// Keep examples from one article: each reported-speech quote that `fold` and the rules find,
/// labelled by whether it covers at least half of a gold content's words.
fn keep_examples(art: &TrainingArticle, fold: &AttributionModel, keep: &mut Examples) {
    let people = super::find_people(&art.text);
    let rules = super::attribution::extract(&art.text, &people, None);
    let quotes = super::attribution::extract(&art.text, &people, Some(fold));
    let toks = tokenize(&art.text);
    let regions = marks::regions(&art.text);
    let d = Doc::new(&art.text, &toks, &regions);
    let words_in = |spans: &[Span]| -> Vec<usize> {
        (0..toks.len())
            .filter(|&i| toks[i].word && touches(&toks[i].span, spans))
            .collect()
    };
    let gold: Vec<Vec<usize>> = art
        .attributions
        .iter()
        .map(|g| words_in(&g.content))
        .filter(|w| !w.is_empty())
        .collect();
    for q in quotes.iter().filter(|q| q.kind == QuoteKind::Indirect) {
        let parts: Vec<Span> = q.parts().map(|(s, _)| s.clone()).collect();
        let mine = words_in(&parts);
        let hit = gold
            .iter()
            .any(|g| 2 * g.iter().filter(|i| mine.binary_search(i).is_ok()).count() >= g.len());
        let mut f = Features::default();
        keep_features(&d, q, !rules.contains(q), &mut f);
        keep.push(&[&f], KEEP_SALT, hit);
    }
}

/// The cue, content and source classifiers (no keep classifier yet).
fn train_spans(articles: &[&TrainingArticle], epochs: usize, seed: u64) -> AttributionModel {
    let mut cue = Examples::default();
    let mut start = Examples::default();
    let mut end = Examples::default();
    let mut source = Examples::default();
    for art in articles {
        let toks = tokenize(&art.text);
        let regions = marks::regions(&art.text);
        let d = Doc::new(&art.text, &toks, &regions);
        let all_cues: Vec<Span> = art
            .attributions
            .iter()
            .flat_map(|g| g.cue.iter().cloned())
            .collect();
        // The cue classifier learns from the tokens it will see: those the rules leave.
        let rules = super::attribution::extract(&art.text, &super::find_people(&art.text), None);
        let covered = covered_tokens(&toks, &rules);
        let mut f = Features::default();
        for &s in &d.sentences {
            for i in s.0..s.1 {
                if toks[i].word && !covered[i] {
                    f.raw.clear();
                    cue_features(&d, s, i, &mut f);
                    cue.push(&[&f], CUE_SALT, touches(&toks[i].span, &all_cues));
                }
            }
        }
        for g in &art.attributions {
            let in_cue: Vec<usize> = (0..toks.len())
                .filter(|&i| touches(&toks[i].span, &g.cue))
                .collect();
            let (Some(&c0), Some(&c1)) = (in_cue.first(), in_cue.last()) else {
                continue;
            };
            let Some(&s) = d.sentences.iter().find(|s| s.0 <= c0 && c0 < s.1) else {
                continue;
            };
            let c = (c0, (c1 + 1).min(s.1));
            let inside: Vec<usize> = (s.0..s.1)
                .filter(|&j| !(c.0..c.1).contains(&j) && touches(&toks[j].span, &g.content))
                .collect();
            // The content's first and last token in the sentence, on the side of its start.
            let first = inside.first().copied();
            let last = first.map(|f0| {
                let side = f0 < c.0;
                inside
                    .iter()
                    .copied()
                    .filter(|&j| (j < c.0) == side)
                    .max()
                    .unwrap_or(f0)
            });
            for (j, tok) in toks.iter().enumerate().take(s.1).skip(s.0) {
                if (c.0..c.1).contains(&j) {
                    continue;
                }
                let mut f = Features::default();
                span_features(&d, s, c, j, &mut f);
                for (edge, salt, ex, gold) in [
                    (Edge::Start, START_SALT, &mut start, first),
                    (Edge::End, END_SALT, &mut end, last),
                ] {
                    let mut e = Features::default();
                    edge_features(&d, s, j, edge, &mut e);
                    ex.push(&[&f, &e], salt, gold == Some(j));
                }
                source.push(&[&f], SOURCE_SALT, touches(&tok.span, &g.source));
            }
        }
    }
    AttributionModel {
        cue: cue.train(epochs, seed),
        start: start.train(epochs, seed.wrapping_add(1)),
        end: end.train(epochs, seed.wrapping_add(3)),
        source: source.train(epochs, seed.wrapping_add(2)),
        keep: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quotes::{QuoteKind, extract_quotes_with, find_people};

    fn learned(text: &str) -> Vec<(String, String, Option<String>)> {
        let model = bundled().expect("the bundled model loads");
        let rules = extract_quotes_with(text, &find_people(text), None);
        extract_quotes_with(text, &find_people(text), Some(model))
            .into_iter()
            .filter(|q| !rules.contains(q))
            .map(|q| {
                let cue = q.cue.map(|c| c.text).unwrap_or_default();
                let speaker = q.speaker.and_then(|s| s.name);
                (cue, q.text, speaker)
            })
            .collect()
    }

    #[test]
    fn finds_attributions_the_rules_miss() {
        let text = "Elena Varga visited Kessel on Monday. Varga took aim at the ministry's plan to \
                    close the hospital and sell the land.";
        assert_eq!(
            learned(text),
            [(
                "aim at".to_owned(),
                "the ministry's plan to close the hospital and sell the land".to_owned(),
                Some("Elena Varga".to_owned())
            )]
        );
    }

    #[test]
    fn leaves_what_the_rules_found_and_plain_narration_alone() {
        assert!(learned("“We will rebuild,” Elena Varga said on Monday.").is_empty());
        assert!(learned("The river rose a metre in three hours on Friday.").is_empty());
    }

    #[test]
    fn keeps_plain_reported_speech() {
        let text = "Elena Varga said on Monday that the dam would be rebuilt within two years.";
        let q = crate::quotes::extract_quotes(text, &find_people(text));
        assert_eq!(q.len(), 1, "{q:?}");
        assert_eq!(q[0].text, "that the dam would be rebuilt within two years");
    }

    #[test]
    fn learns_a_tiny_corpus_deterministically() {
        let text = "Ana Ruiz lamented that the bridge was closed. The bridge was closed on Monday.";
        let cue = text.find("lamented").unwrap();
        let content = text.find("the bridge").unwrap();
        let one = |start: usize, len: usize| -> Vec<Span> {
            std::iter::once(start..start + len).collect()
        };
        let article = TrainingArticle {
            text: text.to_owned(),
            attributions: vec![TrainingAttribution {
                cue: one(cue, "lamented".len()),
                content: one(content, "the bridge was closed".len()),
                source: one(0, "Ana Ruiz".len()),
            }],
        };
        let model = train(std::slice::from_ref(&article), 5, 7);
        assert_eq!(
            model.to_bytes(),
            train(std::slice::from_ref(&article), 5, 7).to_bytes()
        );
        let model = AttributionModel::from_bytes(&model.to_bytes()).expect("round trip");
        let q = extract_quotes_with(text, &find_people(text), Some(&model));
        assert_eq!(q.len(), 1, "{q:?}");
        assert_eq!(q[0].kind, QuoteKind::Indirect);
        assert!(q[0].text.ends_with("the bridge was closed"), "{q:?}");
        assert_eq!(q[0].cue.as_ref().map(|c| c.text.as_str()), Some("lamented"));
        assert_eq!(
            q[0].speaker.as_ref().and_then(|s| s.name.as_deref()),
            Some("Ana Ruiz")
        );
    }

    #[test]
    fn best_run_skips_blocked_tokens() {
        let scores = [-1.0, 2.0, 3.0, -0.5, 4.0, -9.0];
        assert_eq!(best_run(&scores, 0..6, &|_| false), Some((1, 5, 8.5)));
        assert_eq!(best_run(&scores, 0..6, &|j| j == 3), Some((1, 3, 5.0)));
    }

    #[test]
    fn rejects_bad_bytes() {
        assert_eq!(
            AttributionModel::from_bytes(b"PLX").err(),
            Some(ModelError::Truncated(0))
        );
        assert_eq!(
            AttributionModel::from_bytes(b"PLXNER04xxxx").err(),
            Some(ModelError::BadMagic)
        );
        let mut b = BUNDLED.to_vec();
        b.truncate(b.len() / 2);
        assert!(AttributionModel::from_bytes(&b).is_err());
    }
}
