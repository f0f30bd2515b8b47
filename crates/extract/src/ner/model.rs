//! The tagger's model: hashed feature weights per tag for one or two stages, tag transition
//! weights, and the gazetteer and word classes the features need; decoding with Viterbi; and
//! a compact binary format (quantised weights, zero runs collapsed).
//!
//! Decoding is deterministic and never panics on any input, including an empty sentence.

use super::features::{self, DocView, FirstPass, KeyMap, hash_str, lower_form};
use super::gazetteer::Gazetteer;
use super::tags::{NTAGS, Tag};

/// Why model bytes could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ModelError {
    /// The bytes do not start with the model's magic number (or come from another version).
    #[error("not a parallax ner model (bad magic number)")]
    BadMagic,
    /// The bytes end before the model does.
    #[error("model truncated at byte {0}")]
    Truncated(usize),
    /// A field holds a value the format does not allow.
    #[error("model field {0} is invalid")]
    Invalid(&'static str),
}

const MAGIC: &[u8; 8] = b"PLXNER04";

/// Feature weights: full precision while training, 8-bit when loaded from bytes.
#[derive(Debug, Clone)]
pub(crate) enum Weights {
    Float(Vec<f32>),
    Quantised { values: Vec<i8>, scale: f32 },
}

/// One stage of the tagger: a first-order linear-chain model over IOB2 tags.
#[derive(Debug, Clone)]
pub(crate) struct Stage {
    pub(crate) bits: u32,
    pub(crate) weights: Weights,
    /// `trans[prev][cur]`.
    pub(crate) trans: [[f32; NTAGS]; NTAGS],
    pub(crate) start: [f32; NTAGS],
}

/// Hashed features of one sentence: bucket numbers, `offsets[i]..offsets[i + 1]` for token `i`.
#[derive(Debug, Clone, Default)]
pub(crate) struct SentenceFeatures {
    pub(crate) buckets: Vec<u32>,
    pub(crate) offsets: Vec<u32>,
}

impl SentenceFeatures {
    pub(crate) fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    pub(crate) fn token(&self, i: usize) -> &[u32] {
        &self.buckets[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }
}

/// Hashes features with `extract(i, out)` for `n` tokens into buckets of `2^bits`.
pub(crate) fn sentence_features(
    n: usize,
    bits: u32,
    mut extract: impl FnMut(usize, &mut Vec<u64>),
) -> SentenceFeatures {
    let mut out = SentenceFeatures {
        buckets: Vec::with_capacity(n * 48),
        offsets: Vec::with_capacity(n + 1),
    };
    out.offsets.push(0);
    let mut hashes = Vec::with_capacity(64);
    for i in 0..n {
        hashes.clear();
        extract(i, &mut hashes);
        out.buckets.extend(hashes.iter().map(|&h| bucket(h, bits)));
        out.offsets.push(out.buckets.len() as u32);
    }
    out
}

#[inline]
pub(crate) fn bucket(hash: u64, bits: u32) -> u32 {
    (hash >> (64 - bits)) as u32
}

impl Stage {
    /// Per-token tag scores from the feature weights alone.
    pub(crate) fn emissions(&self, feats: &SentenceFeatures) -> Vec<[f32; NTAGS]> {
        (0..feats.len())
            .map(|i| {
                let mut acc = [0f32; NTAGS];
                match &self.weights {
                    Weights::Float(w) => {
                        for &b in feats.token(i) {
                            let row = &w[b as usize * NTAGS..][..NTAGS];
                            for (a, r) in acc.iter_mut().zip(row) {
                                *a += r;
                            }
                        }
                    }
                    Weights::Quantised { values, scale } => {
                        let mut sum = [0i32; NTAGS];
                        for &b in feats.token(i) {
                            let row = &values[b as usize * NTAGS..][..NTAGS];
                            for (a, &r) in sum.iter_mut().zip(row) {
                                *a += i32::from(r);
                            }
                        }
                        for (a, s) in acc.iter_mut().zip(sum) {
                            *a = s as f32 * scale;
                        }
                    }
                }
                acc
            })
            .collect()
    }

    pub(crate) fn decode(&self, feats: &SentenceFeatures) -> Vec<Tag> {
        viterbi(&self.emissions(feats), &self.trans, &self.start)
    }

    /// The same stage with 8-bit weights.
    pub(crate) fn quantised(&self) -> Stage {
        let Weights::Float(w) = &self.weights else {
            return self.clone();
        };
        let (values, scale) = quantise(w);
        Stage {
            bits: self.bits,
            weights: Weights::Quantised { values, scale },
            trans: self.trans,
            start: self.start,
        }
    }
}

/// 8-bit weights and the scale that turns them back into `w` (`value * scale`). The largest
/// weight sets the scale: clipping the few large weights costs more accuracy than rounding the
/// many small ones (measured on the NER dev set).
pub(crate) fn quantise(w: &[f32]) -> (Vec<i8>, f32) {
    let top = w.iter().fold(0f32, |m, x| m.max(x.abs()));
    let scale = if top > 0.0 { top / 127.0 } else { 1.0 };
    let values = w
        .iter()
        .map(|&x| (x / scale).round().clamp(-127.0, 127.0) as i8)
        .collect();
    (values, scale)
}

/// The best tag sequence under first-order scores, allowing only valid IOB2 sequences.
pub(crate) fn viterbi(
    emissions: &[[f32; NTAGS]],
    trans: &[[f32; NTAGS]; NTAGS],
    start: &[f32; NTAGS],
) -> Vec<Tag> {
    let n = emissions.len();
    if n == 0 {
        return Vec::new();
    }
    // Per current tag, the list of previous tags allowed before it, so that the inner loop
    // only visits allowed pairs. The lists do not depend on the scores: built once.
    static ALLOWED: std::sync::OnceLock<([[u8; NTAGS]; NTAGS], [usize; NTAGS])> =
        std::sync::OnceLock::new();
    let (prevs, nprevs) = ALLOWED.get_or_init(|| {
        let mut prevs = [[0u8; NTAGS]; NTAGS];
        let mut nprevs = [0usize; NTAGS];
        for cur in Tag::all() {
            for prev in Tag::all() {
                if cur.may_follow(Some(prev)) {
                    let c = cur.0 as usize;
                    prevs[c][nprevs[c]] = prev.0;
                    nprevs[c] += 1;
                }
            }
        }
        (prevs, nprevs)
    });
    let mut back = vec![[0u8; NTAGS]; n];
    let mut score = [f32::NEG_INFINITY; NTAGS];
    for t in Tag::all() {
        if t.may_follow(None) {
            score[t.0 as usize] = start[t.0 as usize] + emissions[0][t.0 as usize];
        }
    }
    for i in 1..n {
        let mut next = [f32::NEG_INFINITY; NTAGS];
        for c in 0..NTAGS {
            let mut best = f32::NEG_INFINITY;
            let mut arg = 0u8;
            for &p in &prevs[c][..nprevs[c]] {
                let s = score[p as usize] + trans[p as usize][c];
                if s > best {
                    best = s;
                    arg = p;
                }
            }
            next[c] = best + emissions[i][c];
            back[i][c] = arg;
        }
        score = next;
    }
    let mut last = 0u8;
    let mut best = f32::NEG_INFINITY;
    for (t, &s) in score.iter().enumerate() {
        if s > best && Tag(t as u8).may_end() {
            best = s;
            last = t as u8;
        }
    }
    let mut out = vec![Tag(last); n];
    for i in (1..n).rev() {
        last = back[i][last as usize];
        out[i - 1] = Tag(last);
    }
    out
}

/// A trained tagger with everything its features need.
#[derive(Debug, Clone)]
pub struct Model {
    pub(crate) first: Stage,
    pub(crate) second: Option<Stage>,
    pub(crate) gazetteer: Gazetteer,
    /// Word classes: `(lower-cased word, class)`; the class is a 12-bit path, coarse bits first.
    pub(crate) class_words: Vec<(String, u16)>,
    pub(crate) classes: KeyMap<u16>,
    /// For a loaded two-stage model: both stages' weights side by side (then the stages' own
    /// tables are empty), so that one memory access per feature serves both stages.
    joint: Option<Joint>,
}

/// Rows of `2 * NTAGS` weights: first stage, then second stage.
#[derive(Debug, Clone)]
struct Joint {
    values: Vec<i8>,
    scales: [f32; 2],
}

impl Joint {
    /// Moves the 8-bit tables of two stages with the same bucket count into one.
    fn take(first: &mut Stage, second: &mut Stage) -> Option<Joint> {
        if first.bits != second.bits {
            return None;
        }
        let (
            Weights::Quantised {
                values: a,
                scale: sa,
            },
            Weights::Quantised {
                values: b,
                scale: sb,
            },
        ) = (&mut first.weights, &mut second.weights)
        else {
            return None;
        };
        let mut values = Vec::with_capacity(a.len() * 2);
        for (ra, rb) in a.chunks_exact(NTAGS).zip(b.chunks_exact(NTAGS)) {
            values.extend_from_slice(ra);
            values.extend_from_slice(rb);
        }
        let scales = [*sa, *sb];
        *a = Vec::new();
        *b = Vec::new();
        Some(Joint { values, scales })
    }

    /// The 8-bit table of stage `k` (0 or 1).
    fn stage(&self, k: usize) -> Vec<i8> {
        self.values
            .chunks_exact(2 * NTAGS)
            .flat_map(|r| &r[k * NTAGS..(k + 1) * NTAGS])
            .copied()
            .collect()
    }

    /// Tags a document with both stages: the first stage's scores and the second stage's
    /// scores for the same (local) features are summed in one pass; the second stage then
    /// adds its document-level features.
    fn tag(&self, model: &Model, second: &Stage, doc: &DocView) -> Vec<Vec<Tag>> {
        let bits = model.first.bits;
        let n = doc.sentences.len();
        let mut partial: Vec<Vec<[i32; NTAGS]>> = Vec::with_capacity(n);
        let mut first_tags = Vec::with_capacity(n);
        for s in 0..n {
            let f = local(doc, s, bits);
            let mut em = Vec::with_capacity(f.len());
            let mut part = Vec::with_capacity(f.len());
            for i in 0..f.len() {
                let mut a = [0i32; NTAGS];
                let mut b = [0i32; NTAGS];
                for &k in f.token(i) {
                    let row = &self.values[k as usize * 2 * NTAGS..][..2 * NTAGS];
                    for t in 0..NTAGS {
                        a[t] += i32::from(row[t]);
                        b[t] += i32::from(row[NTAGS + t]);
                    }
                }
                em.push(a.map(|x| x as f32 * self.scales[0]));
                part.push(b);
            }
            first_tags.push(viterbi(&em, &model.first.trans, &model.first.start));
            partial.push(part);
        }
        let pass = FirstPass::new(doc, first_tags);
        let mut hashes = Vec::with_capacity(16);
        partial
            .into_iter()
            .enumerate()
            .map(|(s, part)| {
                let em: Vec<[f32; NTAGS]> = part
                    .into_iter()
                    .enumerate()
                    .map(|(i, mut b)| {
                        hashes.clear();
                        features::global_features(doc, &pass, s, i, &mut hashes);
                        for &h in &hashes {
                            let at = bucket(h, bits) as usize * 2 * NTAGS + NTAGS;
                            for (x, &w) in b.iter_mut().zip(&self.values[at..at + NTAGS]) {
                                *x += i32::from(w);
                            }
                        }
                        b.map(|x| x as f32 * self.scales[1])
                    })
                    .collect();
                viterbi(&em, &second.trans, &second.start)
            })
            .collect()
    }
}

impl Model {
    pub(crate) fn new(
        first: Stage,
        second: Option<Stage>,
        gazetteer: Gazetteer,
        class_words: Vec<(String, u16)>,
    ) -> Model {
        let classes = class_map(&class_words);
        Model {
            first,
            second,
            gazetteer,
            class_words,
            classes,
            joint: None,
        }
    }

    /// Tags the sentences of one document (given as tokens). The document matters: the second
    /// stage looks at how the same word was tagged in the other sentences.
    pub fn tag_document(&self, sentences: &[Vec<&str>]) -> Vec<Vec<Tag>> {
        let doc = self.doc_view(sentences);
        if let (Some(joint), Some(second)) = (&self.joint, &self.second) {
            return joint.tag(self, second, &doc);
        }
        let local: Vec<SentenceFeatures> = (0..sentences.len())
            .map(|s| local(&doc, s, self.first.bits))
            .collect();
        let first: Vec<Vec<Tag>> = local.iter().map(|f| self.first.decode(f)).collect();
        match &self.second {
            None => first,
            Some(second) if second.bits == self.first.bits => {
                let pass = FirstPass::new(&doc, first);
                local
                    .iter()
                    .enumerate()
                    .map(|(s, f)| second.decode(&add_global(f, &doc, &pass, s, second.bits)))
                    .collect()
            }
            Some(second) => {
                let pass = FirstPass::new(&doc, first);
                (0..sentences.len())
                    .map(|s| second.decode(&global(&doc, &pass, s, second.bits)))
                    .collect()
            }
        }
    }

    pub(crate) fn doc_view(&self, sentences: &[Vec<&str>]) -> DocView {
        DocView::new(sentences, Some(&self.classes), Some(&self.gazetteer))
    }

    /// The same model with 8-bit weights, as it is saved.
    pub fn quantised(&self) -> Model {
        if self.joint.is_some() {
            return self.clone();
        }
        Model {
            first: self.first.quantised(),
            second: self.second.as_ref().map(Stage::quantised),
            gazetteer: self.gazetteer.clone(),
            class_words: self.class_words.clone(),
            classes: self.classes.clone(),
            joint: None,
        }
    }

    /// Number of names in the gazetteer.
    pub fn gazetteer_len(&self) -> usize {
        self.gazetteer.len()
    }

    /// Saves the model (quantised) in the format [`Model::from_bytes`] reads.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        out.extend((self.class_words.len() as u32).to_le_bytes());
        for (w, c) in &self.class_words {
            put_str(&mut out, w);
            out.extend(c.to_le_bytes());
        }
        out.extend((self.gazetteer.entries.len() as u32).to_le_bytes());
        for (kinds, name) in &self.gazetteer.entries {
            out.push(*kinds);
            put_str(&mut out, name);
        }
        let stages: Vec<&Stage> = std::iter::once(&self.first).chain(&self.second).collect();
        out.push(stages.len() as u8);
        for (k, stage) in stages.into_iter().enumerate() {
            let q = stage.quantised();
            let Weights::Quantised { values, scale } = &q.weights else {
                continue;
            };
            let joined;
            let values = match &self.joint {
                Some(j) => {
                    joined = j.stage(k);
                    &joined
                }
                None => values,
            };
            out.push(q.bits as u8);
            out.extend(scale.to_le_bytes());
            for x in q.start.iter().chain(q.trans.iter().flatten()) {
                out.extend(x.to_le_bytes());
            }
            let packed = pack(values);
            out.extend((packed.len() as u32).to_le_bytes());
            out.extend(packed);
        }
        out
    }

    /// Reads a model saved by [`Model::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, ModelError> {
        let mut r = Reader { bytes, pos: 0 };
        if r.take(MAGIC.len())? != MAGIC {
            return Err(ModelError::BadMagic);
        }
        let n = r.u32()? as usize;
        let mut class_words = Vec::with_capacity(n.min(1 << 20));
        for _ in 0..n {
            let w = r.str()?;
            let c = u16::from_le_bytes(r.array()?);
            class_words.push((w, c));
        }
        let n = r.u32()? as usize;
        let mut gazetteer = Gazetteer::default();
        for _ in 0..n {
            let kinds = r.array::<1>()?[0];
            let name = r.str()?;
            let tokens: Vec<&str> = name.split(' ').collect();
            gazetteer.add(&tokens, kinds);
        }
        let nstages = r.array::<1>()?[0];
        if !(1..=2).contains(&nstages) {
            return Err(ModelError::Invalid("stage count"));
        }
        let mut stages = Vec::new();
        for _ in 0..nstages {
            let bits = u32::from(r.array::<1>()?[0]);
            if !(8..=26).contains(&bits) {
                return Err(ModelError::Invalid("bucket bits"));
            }
            let scale = f32::from_le_bytes(r.array()?);
            let mut start = [0f32; NTAGS];
            for x in &mut start {
                *x = f32::from_le_bytes(r.array()?);
            }
            let mut trans = [[0f32; NTAGS]; NTAGS];
            for x in trans.iter_mut().flatten() {
                *x = f32::from_le_bytes(r.array()?);
            }
            let len = r.u32()? as usize;
            let values = unpack(r.take(len)?, (1usize << bits) * NTAGS)
                .ok_or(ModelError::Invalid("weights"))?;
            stages.push(Stage {
                bits,
                weights: Weights::Quantised { values, scale },
                trans,
                start,
            });
        }
        let second = if stages.len() == 2 {
            stages.pop()
        } else {
            None
        };
        let first = stages.pop().ok_or(ModelError::Invalid("stage count"))?;
        let mut model = Model::new(first, second, gazetteer, class_words);
        if let Some(second) = &mut model.second {
            model.joint = Joint::take(&mut model.first, second);
        }
        Ok(model)
    }
}

pub(crate) fn local(doc: &DocView, s: usize, bits: u32) -> SentenceFeatures {
    sentence_features(doc.sentences[s].len(), bits, |i, out| {
        features::local_features(doc, s, i, out)
    })
}

pub(crate) fn global(doc: &DocView, pass: &FirstPass, s: usize, bits: u32) -> SentenceFeatures {
    sentence_features(doc.sentences[s].len(), bits, |i, out| {
        features::local_features(doc, s, i, out);
        features::global_features(doc, pass, s, i, out);
    })
}

/// The second-stage features of sentence `s` given its first-stage features `local`: the same
/// as [`global`], without hashing the local features again.
pub(crate) fn add_global(
    local: &SentenceFeatures,
    doc: &DocView,
    pass: &FirstPass,
    s: usize,
    bits: u32,
) -> SentenceFeatures {
    let mut out = SentenceFeatures {
        buckets: Vec::with_capacity(local.buckets.len() + local.len() * 12),
        offsets: Vec::with_capacity(local.offsets.len()),
    };
    out.offsets.push(0);
    let mut hashes = Vec::with_capacity(16);
    for i in 0..local.len() {
        out.buckets.extend_from_slice(local.token(i));
        hashes.clear();
        features::global_features(doc, pass, s, i, &mut hashes);
        out.buckets.extend(hashes.iter().map(|&h| bucket(h, bits)));
        out.offsets.push(out.buckets.len() as u32);
    }
    out
}

pub(crate) fn class_map(words: &[(String, u16)]) -> KeyMap<u16> {
    words
        .iter()
        .map(|(w, c)| (hash_str(&lower_form(w)), *c))
        .collect()
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    let b = &s.as_bytes()[..s.len().min(255)];
    // Never cut inside a character: drop the whole string if it is too long.
    let b = if std::str::from_utf8(b).is_ok() {
        b
    } else {
        &[]
    };
    out.push(b.len() as u8);
    out.extend(b);
}

/// Collapses runs of zero bytes: repeated `(varint zeros, varint n, n literal bytes)`.
pub(crate) fn pack(values: &[i8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < values.len() {
        let z = values[i..].iter().take_while(|&&v| v == 0).count();
        i += z;
        let mut n = 0;
        // A literal run ends at the next run of at least 3 zeros.
        while i + n < values.len() {
            if values[i + n] == 0 && values[i + n..].iter().take(3).all(|&v| v == 0) {
                break;
            }
            n += 1;
        }
        put_varint(&mut out, z);
        put_varint(&mut out, n);
        out.extend(values[i..i + n].iter().map(|&v| v as u8));
        i += n;
    }
    out
}

pub(crate) fn unpack(bytes: &[u8], len: usize) -> Option<Vec<i8>> {
    let mut out = Vec::with_capacity(len);
    let mut r = Reader { bytes, pos: 0 };
    while r.pos < bytes.len() {
        let z = r.varint().ok()?;
        let n = r.varint().ok()?;
        if out.len() + z + n > len {
            return None;
        }
        out.resize(out.len() + z, 0);
        out.extend(r.take(n).ok()?.iter().map(|&b| b as i8));
    }
    out.resize(len, 0);
    Some(out)
}

fn put_varint(out: &mut Vec<u8>, mut v: usize) {
    while v >= 0x80 {
        out.push((v as u8 & 0x7f) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes, pos: 0 }
    }

    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8], ModelError> {
        let end = self
            .pos
            .checked_add(n)
            .ok_or(ModelError::Truncated(self.pos))?;
        let out = self
            .bytes
            .get(self.pos..end)
            .ok_or(ModelError::Truncated(self.pos))?;
        self.pos = end;
        Ok(out)
    }

    pub(crate) fn array<const N: usize>(&mut self) -> Result<[u8; N], ModelError> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }

    pub(crate) fn u32(&mut self) -> Result<u32, ModelError> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    fn str(&mut self) -> Result<String, ModelError> {
        let n = self.array::<1>()?[0] as usize;
        std::str::from_utf8(self.take(n)?)
            .map(str::to_owned)
            .map_err(|_| ModelError::Invalid("string"))
    }

    fn varint(&mut self) -> Result<usize, ModelError> {
        let mut v = 0usize;
        for shift in (0..64).step_by(7) {
            let b = self.array::<1>()?[0];
            v |= usize::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(ModelError::Invalid("varint"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_round_trips() {
        let v: Vec<i8> = vec![0, 0, 0, 5, -3, 0, 7, 0, 0, 0, 0, 1, 0, 0];
        assert_eq!(unpack(&pack(&v), v.len()), Some(v));
        assert_eq!(unpack(&pack(&[]), 0), Some(vec![]));
    }

    #[test]
    fn rejects_bad_bytes() {
        assert_eq!(
            Model::from_bytes(b"nope").err(),
            Some(ModelError::Truncated(0))
        );
        assert_eq!(
            Model::from_bytes(b"NOTAMODELATALL").err(),
            Some(ModelError::BadMagic)
        );
        let mut b = MAGIC.to_vec();
        b.extend([1, 0]);
        assert!(matches!(
            Model::from_bytes(&b),
            Err(ModelError::Truncated(_))
        ));
    }

    #[test]
    fn viterbi_never_starts_inside() {
        let mut em = [[0f32; NTAGS]; 2];
        em[0][2] = 10.0; // I-PER at the start is not allowed
        em[1][3] = 10.0; // L-PER
        let tags = viterbi(&em, &[[0.0; NTAGS]; NTAGS], &[0.0; NTAGS]);
        assert_eq!(tags, [Tag(1), Tag(3)]);
        em[1][2] = 20.0; // I-PER cannot end a sentence
        let tags = viterbi(&em, &[[0.0; NTAGS]; NTAGS], &[0.0; NTAGS]);
        assert_eq!(tags, [Tag(1), Tag(3)]);
        assert!(viterbi(&[], &[[0.0; NTAGS]; NTAGS], &[0.0; NTAGS]).is_empty());
    }
}
