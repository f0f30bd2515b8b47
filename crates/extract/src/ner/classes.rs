//! Word classes learned from unlabeled text: words that occur between the same neighbours get
//! the same class, so the tagger can generalise from a name it saw in training to one it did
//! not ("Lavrov" and "Primakov" both follow "Minister" and precede "said").
//!
//! Each word is described by counts of its left and right neighbours among the most frequent
//! words, projected to a small dense vector; a three-level k-means (16 x 16 x 16) gives every
//! word a 12-bit class whose top 4 and 8 bits are coarser classes, like a Brown cluster path.
//! Deterministic: fixed projection and seeds, ties broken by word order.

use std::collections::HashMap;

use super::features::{canonical, lower_form, mix};

/// Settings for [`word_classes`].
#[derive(Debug, Clone)]
pub struct ClassConfig {
    /// Words seen fewer times get no class.
    pub min_count: usize,
    /// Neighbours counted: this many most frequent words (others share one slot).
    pub contexts: usize,
    /// Dimensions of the projected vectors.
    pub dims: usize,
    /// K-means iterations per level.
    pub iterations: usize,
}

impl Default for ClassConfig {
    fn default() -> Self {
        ClassConfig {
            min_count: 3,
            contexts: 600,
            dims: 96,
            iterations: 12,
        }
    }
}

/// Learns classes for the words of `sentences` (tokens). Returns `(lower-cased word, class)`
/// sorted by word.
pub fn word_classes<'a>(
    sentences: impl IntoIterator<Item = Vec<&'a str>>,
    config: &ClassConfig,
) -> Vec<(String, u16)> {
    let sents: Vec<Vec<String>> = sentences
        .into_iter()
        .map(|s| s.into_iter().map(|w| lower_form(&canonical(w))).collect())
        .collect();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for s in &sents {
        for w in s {
            *counts.entry(w.as_str()).or_default() += 1;
        }
    }
    let mut by_freq: Vec<(&str, usize)> = counts.iter().map(|(w, c)| (*w, *c)).collect();
    by_freq.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let context_index: HashMap<&str, usize> = by_freq
        .iter()
        .take(config.contexts)
        .enumerate()
        .map(|(i, (w, _))| (*w, i))
        .collect();
    let vocab: Vec<&str> = by_freq
        .iter()
        .filter(|(w, c)| *c >= config.min_count && w.chars().any(char::is_alphabetic))
        .map(|(w, _)| *w)
        .collect();
    let word_index: HashMap<&str, usize> = vocab.iter().enumerate().map(|(i, w)| (*w, i)).collect();
    // Sparse context counts per word: slot = side * (contexts + 2) + context.
    let slots = config.contexts + 2;
    let mut ctx: Vec<HashMap<usize, f32>> = vec![HashMap::new(); vocab.len()];
    for s in &sents {
        for (i, w) in s.iter().enumerate() {
            let Some(&wi) = word_index.get(w.as_str()) else {
                continue;
            };
            let slot = |j: Option<usize>| match j.and_then(|j| s.get(j)) {
                None => config.contexts + 1,
                Some(n) => context_index
                    .get(n.as_str())
                    .copied()
                    .unwrap_or(config.contexts),
            };
            *ctx[wi].entry(slot(i.checked_sub(1))).or_default() += 1.0;
            *ctx[wi].entry(slots + slot(Some(i + 1))).or_default() += 1.0;
        }
    }
    // Random projection with fixed +-1 signs, after damping counts with a square root.
    let dims = config.dims;
    let vectors: Vec<Vec<f32>> = ctx
        .iter()
        .map(|c| {
            let mut v = vec![0f32; dims];
            let mut entries: Vec<(&usize, &f32)> = c.iter().collect();
            entries.sort_by_key(|(k, _)| **k);
            for (&k, &n) in entries {
                let x = n.sqrt();
                for (d, slot) in v.iter_mut().enumerate() {
                    let h = mix(k as u64, d as u64);
                    *slot += if h & 1 == 0 { x } else { -x };
                }
            }
            normalise(&mut v);
            v
        })
        .collect();
    let mut class = vec![0u16; vocab.len()];
    let all: Vec<usize> = (0..vocab.len()).collect();
    split(&vectors, &all, 0, config, &mut class);
    let mut out: Vec<(String, u16)> = vocab
        .iter()
        .zip(class)
        .map(|(w, c)| ((*w).to_owned(), c))
        .collect();
    out.sort();
    out
}

fn normalise(v: &mut [f32]) {
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if n > 0.0 {
        for x in v {
            *x /= n;
        }
    }
}

/// Splits `members` into 16 clusters with k-means and recurses to depth 3, writing the 4-bit
/// cluster number of each level into `class`.
fn split(
    vectors: &[Vec<f32>],
    members: &[usize],
    level: u32,
    config: &ClassConfig,
    class: &mut [u16],
) {
    const K: usize = 16;
    if level >= 3 || members.len() <= 1 {
        return;
    }
    let dims = config.dims;
    // Initial centres: evenly spaced members (members are in frequency order).
    let k = K.min(members.len());
    let mut centres: Vec<Vec<f32>> = (0..k)
        .map(|i| vectors[members[i * members.len() / k]].clone())
        .collect();
    let mut assign = vec![0usize; members.len()];
    for _ in 0..config.iterations {
        for (a, &m) in assign.iter_mut().zip(members) {
            let v = &vectors[m];
            let mut best = f32::NEG_INFINITY;
            for (c, centre) in centres.iter().enumerate() {
                let s: f32 = v.iter().zip(centre).map(|(x, y)| x * y).sum();
                if s > best {
                    best = s;
                    *a = c;
                }
            }
        }
        let mut sums = vec![vec![0f32; dims]; k];
        for (&a, &m) in assign.iter().zip(members) {
            for (s, x) in sums[a].iter_mut().zip(&vectors[m]) {
                *s += x;
            }
        }
        for (c, s) in centres.iter_mut().zip(sums) {
            if s.iter().any(|&x| x != 0.0) {
                *c = s;
                normalise(c);
            }
        }
    }
    let shift = 4 * (2 - level);
    for c in 0..k {
        let sub: Vec<usize> = members
            .iter()
            .zip(&assign)
            .filter(|(_, a)| **a == c)
            .map(|(m, _)| *m)
            .collect();
        for &m in &sub {
            class[m] |= (c as u16) << shift;
        }
        split(vectors, &sub, level + 1, config, class);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_in_the_same_slots_share_a_class() {
        let letters: Vec<char> = ('a'..='z').collect();
        let names: Vec<String> = letters.iter().map(|c| format!("var{c}a")).collect();
        let places: Vec<String> = letters.iter().map(|c| format!("lun{c}")).collect();
        let mut sents = Vec::new();
        for _ in 0..3 {
            for name in &names {
                sents.push(vec!["minister", name.as_str(), "said", "on", "monday"]);
            }
            for place in &places {
                sents.push(vec!["talks", "in", place.as_str(), "ended", "early"]);
            }
        }
        let config = ClassConfig {
            min_count: 2,
            contexts: 20,
            dims: 32,
            iterations: 5,
        };
        let learned = word_classes(sents.clone(), &config);
        let classes: HashMap<String, u16> = learned.iter().cloned().collect();
        assert_eq!(classes["varaa"], classes["varqa"]);
        assert_eq!(classes["luna"], classes["lunz"]);
        assert_ne!(classes["varaa"], classes["luna"]);
        assert_eq!(word_classes(sents, &config), learned);
    }
}
