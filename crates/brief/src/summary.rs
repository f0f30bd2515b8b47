//! Extractive summary: pick whole sentences, verbatim, until the word budget is spent.
//!
//! Each content sentence gets a relevance from its similarity to the story's TF-IDF centroid,
//! its position among its article's content sentences (news leads first), how many independent
//! outlets carry its fact, and whether it carries a quotation. Selection is greedy: the next
//! sentence maximises relevance plus the weight of story bigrams it adds that the summary does
//! not cover yet (bigrams carried by several articles weigh more), per word; sentences of a fact
//! already in the summary, or too close to a chosen sentence, are skipped (MMR-like). The chosen
//! sentences are then put in reading order: by article date, then by place in the article.

use std::collections::{HashMap, HashSet};

use crate::align::Alignment;
use crate::analyse::{Sentence, Vocabulary};

/// Weights of the summary's sentence choice. The defaults were set on the first half of the
/// Multi-News sample (see `cargo xtask eval-brief`); they are not tuned per story at run time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tuning {
    /// Weight of cosine similarity to the story centroid.
    pub centroid: f32,
    /// Weight of the lead-position prior `1 / (1 + position)^position_decay`.
    pub position: f32,
    pub position_decay: f32,
    /// Weight of corroboration: share of the story's independent outlets carrying the fact.
    pub corroboration: f32,
    /// Bonus for a sentence with a direct quotation carried by several articles.
    pub quote: f32,
    /// Weight of the not-yet-covered bigram mass the sentence adds, per word.
    pub coverage: f32,
    /// Sentences whose bigrams overlap a chosen sentence's by more than this are skipped.
    pub max_overlap: f32,
    /// Exponent of the length normalisation of the coverage gain.
    pub length_exponent: f32,
}

impl Default for Tuning {
    fn default() -> Self {
        Tuning {
            centroid: 1.0,
            position: 1.0,
            position_decay: 0.5,
            corroboration: 0.3,
            quote: 0.05,
            coverage: 1.0,
            max_overlap: 0.3,
            length_exponent: 1.0,
        }
    }
}

/// Indices of the chosen sentences, in reading order.
pub(crate) fn summarise(
    sentences: &[Sentence],
    vocab: &Vocabulary,
    alignment: &Alignment,
    article_rank: &[usize],
    budget: usize,
    tuning: Tuning,
) -> Vec<usize> {
    let candidates: Vec<usize> = (0..sentences.len())
        .filter(|&i| sentences[i].content)
        .collect();
    if candidates.is_empty() || budget == 0 {
        return Vec::new();
    }
    let relevance = relevance(sentences, &candidates, alignment, tuning);

    // Bigram concepts, weighted by the number of independent sources carrying them.
    let grams: Vec<Vec<u64>> = sentences.iter().map(|s| bigrams(s, vocab)).collect();
    let mut carriers: HashMap<u64, HashSet<usize>> = HashMap::new();
    for &i in &candidates {
        let src = alignment.source_of[sentences[i].article];
        for &g in &grams[i] {
            carriers.entry(g).or_default().insert(src);
        }
    }
    let weight: HashMap<u64, f32> = carriers
        .into_iter()
        .map(|(g, s)| (g, s.len() as f32))
        .collect();
    let mut max_gain = 0f32;
    for &i in &candidates {
        max_gain = max_gain.max(gain(
            &grams[i],
            &weight,
            &HashSet::new(),
            &sentences[i],
            tuning,
        ));
    }
    let max_gain = max_gain.max(f32::EPSILON);

    let mut covered: HashSet<u64> = HashSet::new();
    let mut chosen: Vec<usize> = Vec::new();
    let mut used_facts: HashSet<usize> = HashSet::new();
    let mut open: Vec<bool> = vec![true; candidates.len()];
    let mut words = 0;
    loop {
        let mut best: Option<(f32, usize)> = None;
        for (k, &i) in candidates.iter().enumerate() {
            if !open[k] {
                continue;
            }
            let s = &sentences[i];
            if words + s.words > budget || used_facts.contains(&alignment.fact_of[i]) {
                open[k] = false;
                continue;
            }
            let score = relevance[k]
                + tuning.coverage * gain(&grams[i], &weight, &covered, s, tuning) / max_gain;
            // Ties go to the earlier sentence, which keeps the choice deterministic.
            if best.is_none_or(|(b, _)| score > b) {
                best = Some((score, k));
            }
        }
        let Some((_, k)) = best else { break };
        open[k] = false;
        let i = candidates[k];
        if chosen
            .iter()
            .any(|&c| overlap(&grams[i], &grams[c]) > tuning.max_overlap)
        {
            continue;
        }
        words += sentences[i].words;
        used_facts.insert(alignment.fact_of[i]);
        covered.extend(grams[i].iter().copied());
        chosen.push(i);
    }
    chosen.sort_by_key(|&i| (article_rank[sentences[i].article], sentences[i].position));
    chosen
}

/// Static relevance of each candidate (same order as `candidates`).
fn relevance(
    sentences: &[Sentence],
    candidates: &[usize],
    alignment: &Alignment,
    tuning: Tuning,
) -> Vec<f32> {
    let idf = &alignment.idf;
    let mut centroid: HashMap<u32, f32> = HashMap::new();
    for &i in candidates {
        for &t in &sentences[i].terms {
            *centroid.entry(t).or_default() += idf[t as usize];
        }
    }
    let centroid_norm = centroid
        .values()
        .map(|v| v * v)
        .sum::<f32>()
        .sqrt()
        .max(f32::EPSILON);
    let total_sources = {
        let mut s = alignment.source_of.clone();
        s.sort_unstable();
        s.dedup();
        s.len()
    };
    // Position among the article's content sentences: bylines and captions do not count.
    let mut content_position: HashMap<usize, usize> = HashMap::new();
    let mut positions = Vec::with_capacity(candidates.len());
    for &i in candidates {
        let p = content_position.entry(sentences[i].article).or_default();
        positions.push(*p);
        *p += 1;
    }
    candidates
        .iter()
        .zip(positions)
        .map(|(&i, position)| {
            let s = &sentences[i];
            let (dot, norm) = s.terms.iter().fold((0f32, 0f32), |(d, n), &t| {
                let w = idf[t as usize];
                (d + w * centroid.get(&t).copied().unwrap_or(0.0), n + w * w)
            });
            let cos = if norm > 0.0 {
                dot / (norm.sqrt() * centroid_norm)
            } else {
                0.0
            };
            let fact = &alignment.facts[alignment.fact_of[i]];
            let corroboration = if total_sources > 1 {
                (fact.independent.saturating_sub(1)) as f32 / (total_sources - 1) as f32
            } else {
                0.0
            };
            let quote = if s.quoted && fact.articles.len() > 1 {
                tuning.quote
            } else {
                0.0
            };
            tuning.centroid * cos
                + tuning.position / (1.0 + position as f32).powf(tuning.position_decay)
                + tuning.corroboration * corroboration
                + quote
        })
        .collect()
}

/// Bigram keys of a sentence, skipping pairs of two function words.
fn bigrams(s: &Sentence, vocab: &Vocabulary) -> Vec<u64> {
    let mut out: Vec<u64> = s
        .tokens
        .windows(2)
        .filter(|w| !(vocab.stopword[w[0] as usize] && vocab.stopword[w[1] as usize]))
        .map(|w| ((w[0] as u64) << 32) | w[1] as u64)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

fn gain(
    grams: &[u64],
    weight: &HashMap<u64, f32>,
    covered: &HashSet<u64>,
    s: &Sentence,
    tuning: Tuning,
) -> f32 {
    let mass: f32 = grams
        .iter()
        .filter(|g| !covered.contains(g))
        .map(|g| weight.get(g).copied().unwrap_or(0.0))
        .sum();
    mass / (s.words.max(1) as f32).powf(tuning.length_exponent)
}

/// Share of the shorter sentence's bigrams that the other one also has.
fn overlap(a: &[u64], b: &[u64]) -> f32 {
    let shorter = a.len().min(b.len());
    if shorter == 0 {
        return 0.0;
    }
    let (mut i, mut j, mut shared) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    shared as f32 / shorter as f32
}
