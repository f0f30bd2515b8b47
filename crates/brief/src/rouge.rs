//! ROUGE-N and ROUGE-Lsum F1 as the reference `rouge-score` package computes them with
//! `use_stemmer=True`, so figures are comparable with published ones.
//!
//! Tokenisation: lower-case, every run of characters outside `[a-z0-9]` becomes a space, tokens
//! longer than three characters are Porter-stemmed (NLTK's variant, see [`crate::porter`]).
//! ROUGE-Lsum splits both texts into sentences at newlines and uses the union-LCS of each
//! reference sentence against every candidate sentence, without double counting tokens.
//! Used by evaluations only; never by the brief itself at run time.

use std::collections::HashMap;

/// Precision, recall and F1 of one ROUGE variant, each in 0..=1.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Score {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Score {
    fn new(hits: usize, candidate: usize, reference: usize) -> Score {
        let precision = hits as f64 / candidate.max(1) as f64;
        let recall = hits as f64 / reference.max(1) as f64;
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        Score {
            precision,
            recall,
            f1,
        }
    }
}

/// ROUGE-1, ROUGE-2 and ROUGE-Lsum of one candidate against one reference.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Rouge {
    pub rouge1: Score,
    pub rouge2: Score,
    pub rouge_lsum: Score,
}

/// rouge-score's tokeniser with stemming.
pub fn tokenize(text: &str) -> Vec<String> {
    // Python lower-cases the whole text first; non-ASCII letters then become separators anyway.
    let lower = text.to_lowercase();
    lower
        .split(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit()))
        .filter(|t| !t.is_empty())
        .map(|t| {
            if t.len() > 3 {
                crate::porter::stem(t)
            } else {
                t.to_owned()
            }
        })
        .filter(|t| !t.is_empty())
        .collect()
}

/// Scores `candidate` against `reference`; sentences are separated by newlines in both.
pub fn score(reference: &str, candidate: &str) -> Rouge {
    let r = tokenize(reference);
    let c = tokenize(candidate);
    let sents = |t: &str| -> Vec<Vec<String>> {
        t.split('\n')
            .filter(|s| !s.is_empty())
            .map(tokenize)
            .collect()
    };
    Rouge {
        rouge1: rouge_n(&r, &c, 1),
        rouge2: rouge_n(&r, &c, 2),
        rouge_lsum: rouge_lsum(&sents(reference), &sents(candidate)),
    }
}

/// ROUGE-N over token lists.
pub fn rouge_n(reference: &[String], candidate: &[String], n: usize) -> Score {
    let r = ngrams(reference, n);
    let c = ngrams(candidate, n);
    let hits = r
        .iter()
        .map(|(g, &k)| k.min(c.get(g).copied().unwrap_or(0)))
        .sum();
    Score::new(hits, c.values().sum(), r.values().sum())
}

fn ngrams(tokens: &[String], n: usize) -> HashMap<&[String], usize> {
    let mut m: HashMap<&[String], usize> = HashMap::new();
    if n > 0 && tokens.len() >= n {
        for g in tokens.windows(n) {
            *m.entry(g).or_default() += 1;
        }
    }
    m
}

/// Summary-level ROUGE-L over tokenised sentences.
pub fn rouge_lsum(reference: &[Vec<String>], candidate: &[Vec<String>]) -> Score {
    let m: usize = reference.iter().map(Vec::len).sum();
    let n: usize = candidate.iter().map(Vec::len).sum();
    if m == 0 || n == 0 {
        return Score::default();
    }
    let mut count_r: HashMap<&str, usize> = HashMap::new();
    let mut count_c: HashMap<&str, usize> = HashMap::new();
    for t in reference.iter().flatten() {
        *count_r.entry(t).or_default() += 1;
    }
    for t in candidate.iter().flatten() {
        *count_c.entry(t).or_default() += 1;
    }
    let mut hits = 0;
    for r in reference {
        let mut union: Vec<usize> = candidate.iter().flat_map(|c| lcs_indices(r, c)).collect();
        union.sort_unstable();
        union.dedup();
        for i in union {
            let t = r[i].as_str();
            let (Some(cr), Some(cc)) = (count_r.get_mut(t), count_c.get_mut(t)) else {
                continue;
            };
            if *cr > 0 && *cc > 0 {
                hits += 1;
                *cr -= 1;
                *cc -= 1;
            }
        }
    }
    Score::new(hits, n, m)
}

/// Indices into `r` of one longest common subsequence, backtracked as rouge-score does.
fn lcs_indices(r: &[String], c: &[String]) -> Vec<usize> {
    let (rows, cols) = (r.len(), c.len());
    let mut t = vec![0u32; (rows + 1) * (cols + 1)];
    let at = |i: usize, j: usize| i * (cols + 1) + j;
    for i in 1..=rows {
        for j in 1..=cols {
            t[at(i, j)] = if r[i - 1] == c[j - 1] {
                t[at(i - 1, j - 1)] + 1
            } else {
                t[at(i - 1, j)].max(t[at(i, j - 1)])
            };
        }
    }
    let (mut i, mut j) = (rows, cols);
    let mut out = Vec::new();
    while i > 0 && j > 0 {
        if r[i - 1] == c[j - 1] {
            out.push(i - 1);
            i -= 1;
            j -= 1;
        } else if t[at(i, j - 1)] > t[at(i - 1, j)] {
            j -= 1;
        } else {
            i -= 1;
        }
    }
    out.reverse();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(reference, candidate, [r1, r2, rLsum] F1)` computed with rouge-score 0.1.2,
    /// `RougeScorer(["rouge1", "rouge2", "rougeLsum"], use_stemmer=True)`.
    const CASES: &[(&str, &str, [f64; 3])] = include!("rouge_cases.in");

    #[test]
    fn matches_rouge_score() {
        for (reference, candidate, expected) in CASES {
            let got = score(reference, candidate);
            let got = [got.rouge1.f1, got.rouge2.f1, got.rouge_lsum.f1];
            for (g, e) in got.iter().zip(expected) {
                assert!(
                    (g - e).abs() < 1e-9,
                    "{got:?} vs {expected:?} for {candidate:?}"
                );
            }
        }
    }

    #[test]
    fn tokenizes_like_rouge_score() {
        assert_eq!(
            tokenize("The runners' 3.5-mile RACE, running!"),
            ["the", "runner", "3", "5", "mile", "race", "run"]
        );
    }

    #[test]
    fn empty_texts_score_zero() {
        assert_eq!(score("", "a b").rouge1.f1, 0.0);
        assert_eq!(score("a b", "").rouge_lsum.f1, 0.0);
    }
}
