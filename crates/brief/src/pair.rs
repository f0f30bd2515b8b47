//! The pair model: do two sentences of different outlets state the same claim, and to what
//! degree (full, partial, disputed)?
//!
//! Cheap lexical features in the style of MT metrics (stem overlap both ways, token and bigram
//! precision and recall, longest common subsequence), agreement of numbers and names, negation
//! and length, scored by a logistic regression fitted on MRPC `train.tsv` by
//! `cargo xtask train-mrpc` (weights in `pair_model.rs`, generated). Alignment only scores pairs
//! its cosine prefilter lets through, so a story costs what its candidate pairs cost.
//!
//! Never allocates more than two small buffers per pair; pure and deterministic.

use crate::analyse::Sentence;
use crate::model::Degree;

/// Number of features of a sentence pair.
pub const FEATURES: usize = 24;

/// Feature names, in order (for the training report).
pub const NAMES: [&str; FEATURES] = [
    "cosine",
    "stem_cover_min",
    "stem_cover_max",
    "token_f_min",
    "token_f_max",
    "bigram_min",
    "bigram_max",
    "lcs_min",
    "lcs_max",
    "length_ratio",
    "number_clash",
    "number_shared",
    "name_clash",
    "name_jaccard",
    "negation_clash",
    "extra_terms",
    "extra_terms_min",
    "numbers_unmatched",
    "names_unmatched",
    "length_gap",
    "token_f_min_sq",
    "lcs_min_sq",
    "cosine_sq",
    "quote_mismatch",
];

/// Index of the features that say "different figures" and "opposite polarity": a pair that
/// is the same claim but for them is disputed.
const NUMBER_CLASH: usize = 10;
const NEGATION_CLASH: usize = 14;

/// A fitted pair model: `sigmoid(bias + weights · x) >= threshold` means the same claim.
#[derive(Debug, Clone, Copy)]
pub struct PairModel {
    pub bias: f32,
    pub weights: [f32; FEATURES],
    pub threshold: f32,
}

impl PairModel {
    /// The committed model. Its weights are stored by feature name so that adding a feature
    /// still builds (the new one weighs 0 until `cargo xtask train-mrpc` runs again); a test
    /// checks the names against [`NAMES`].
    pub const FITTED: PairModel = {
        let stored = crate::pair_model::WEIGHTS;
        let mut weights = [0f32; FEATURES];
        let mut k = 0;
        while k < stored.len() && k < FEATURES {
            weights[k] = stored[k].1;
            k += 1;
        }
        PairModel {
            bias: crate::pair_model::BIAS,
            weights,
            threshold: crate::pair_model::THRESHOLD,
        }
    };

    pub fn margin(&self, x: &[f32; FEATURES]) -> f32 {
        self.bias + self.weights.iter().zip(x).map(|(w, v)| w * v).sum::<f32>()
    }

    pub fn probability(&self, x: &[f32; FEATURES]) -> f32 {
        1.0 / (1.0 + (-self.margin(x)).exp())
    }
}

/// The features of sentences `a` and `b`, given their TF-IDF cosine within the story.
pub(crate) fn features(a: &Sentence, b: &Sentence, cos: f32) -> [f32; FEATURES] {
    let mut x = [0f32; FEATURES];
    x[0] = cos;
    let shared = intersection(&a.terms, &b.terms) as f32;
    let (ta, tb) = (a.terms.len().max(1) as f32, b.terms.len().max(1) as f32);
    let (ca, cb) = (shared / ta, shared / tb);
    x[1] = ca.min(cb);
    x[2] = ca.max(cb);
    let (ua, ub) = (a.tokens.len().max(1) as f32, b.tokens.len().max(1) as f32);
    let common = multiset_common(&a.tokens, &b.tokens) as f32;
    x[3] = (common / ua).min(common / ub);
    x[4] = (common / ua).max(common / ub);
    let bigrams = common_bigrams(&a.tokens, &b.tokens) as f32;
    let (ba, bb) = (
        a.tokens.len().saturating_sub(1).max(1) as f32,
        b.tokens.len().saturating_sub(1).max(1) as f32,
    );
    x[5] = (bigrams / ba).min(bigrams / bb);
    x[6] = (bigrams / ba).max(bigrams / bb);
    let lcs = lcs(&a.tokens, &b.tokens) as f32;
    x[7] = (lcs / ua).min(lcs / ub);
    x[8] = (lcs / ua).max(lcs / ub);
    x[9] = ua.min(ub) / ua.max(ub);
    let numbers_shared = intersection(&a.numbers, &b.numbers);
    let both_numbers = !a.numbers.is_empty() && !b.numbers.is_empty();
    // Each side has a figure the other lacks ("4,000" against "5,000"); one side only adding a
    // figure (a date, a second count) is more said, not a clash.
    x[NUMBER_CLASH] = f32::from(
        both_numbers && numbers_shared < a.numbers.len() && numbers_shared < b.numbers.len(),
    );
    x[11] = f32::from(numbers_shared > 0);
    let names_shared = intersection(&a.names, &b.names);
    x[12] = f32::from(!a.names.is_empty() && !b.names.is_empty() && names_shared == 0);
    let names_all = a.names.len() + b.names.len() - names_shared;
    x[13] = if names_all == 0 {
        1.0
    } else {
        names_shared as f32 / names_all as f32
    };
    x[NEGATION_CLASH] = f32::from(a.negations % 2 != b.negations % 2);
    x[15] = ((ta.max(tb) - shared) / 10.0).min(2.0);
    x[16] = ((ta.min(tb) - shared).max(0.0) / 10.0).min(2.0);
    let numbers_all = a.numbers.len() + b.numbers.len();
    x[17] = ((numbers_all - 2 * numbers_shared) as f32 / 3.0).min(2.0);
    x[18] = ((a.names.len() + b.names.len() - 2 * names_shared) as f32 / 3.0).min(2.0);
    x[19] = ((ua - ub).abs() / 10.0).min(3.0);
    x[20] = x[3] * x[3];
    x[21] = x[7] * x[7];
    x[22] = cos * cos;
    x[23] = f32::from(a.quoted != b.quoted);
    x
}

/// The degree of a pair the model scored, or None when it is not the same claim.
pub(crate) fn judge(model: &PairModel, x: &[f32; FEATURES]) -> Option<Degree> {
    let clash = clash(x);
    if model.probability(x) >= model.threshold {
        return Some(if clash {
            Degree::Disputed
        } else if partial(x) {
            Degree::Partial
        } else {
            Degree::Full
        });
    }
    if clash {
        let mut agreed = *x;
        agreed[NUMBER_CLASH] = 0.0;
        agreed[NEGATION_CLASH] = 0.0;
        // Well over the threshold once the figures or the polarity are set aside: the same claim,
        // told differently.
        if model.probability(&agreed) >= model.threshold.max(0.5) + 0.15 {
            return Some(Degree::Disputed);
        }
    }
    None
}

/// Each side has a figure the other lacks, or one side negates what the other does not.
pub(crate) fn clash(x: &[f32; FEATURES]) -> bool {
    x[NUMBER_CLASH] > 0.0 || x[NEGATION_CLASH] > 0.0
}

/// One sentence nearly inside the other, which says a good deal more.
fn partial(x: &[f32; FEATURES]) -> bool {
    x[2] >= 0.75 && x[1] < 0.6 && x[15] >= 0.4
}

/// Values the two sorted slices share, counted with multiplicity (for unique slices, the size
/// of their intersection).
fn intersection<T: Ord>(a: &[T], b: &[T]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Tokens the two sequences share, counted with multiplicity (clipped counts, as BLEU does).
fn multiset_common(a: &[u32], b: &[u32]) -> usize {
    let mut sa = a.to_vec();
    let mut sb = b.to_vec();
    sa.sort_unstable();
    sb.sort_unstable();
    intersection(&sa, &sb)
}

fn common_bigrams(a: &[u32], b: &[u32]) -> usize {
    let pack = |t: &[u32]| -> Vec<u64> {
        let mut v: Vec<u64> = t
            .windows(2)
            .map(|w| (u64::from(w[0]) << 32) | u64::from(w[1]))
            .collect();
        v.sort_unstable();
        v
    };
    let (sa, sb) = (pack(a), pack(b));
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < sa.len() && j < sb.len() {
        match sa[i].cmp(&sb[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Longest common subsequence length (ROUGE-L's), one row of memory. Sentences longer than
/// 200 tokens are cut there, so a pair never costs more than 40,000 steps.
fn lcs(a: &[u32], b: &[u32]) -> usize {
    let (a, b) = (&a[..a.len().min(200)], &b[..b.len().min(200)]);
    let mut row = vec![0u16; b.len() + 1];
    for &x in a {
        let mut diag = 0u16;
        for (j, &y) in b.iter().enumerate() {
            let up = row[j + 1];
            row[j + 1] = if x == y { diag + 1 } else { up.max(row[j]) };
            diag = up;
        }
    }
    usize::from(row[b.len()])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committed_weights_name_the_features_in_order() {
        let stored: Vec<&str> = crate::pair_model::WEIGHTS.iter().map(|w| w.0).collect();
        assert_eq!(stored, NAMES, "run `cargo xtask train-mrpc`");
    }

    #[test]
    fn lcs_of_known_sequences() {
        assert_eq!(lcs(&[1, 2, 3, 4, 5], &[1, 3, 5, 7]), 3);
        assert_eq!(lcs(&[1, 2], &[3, 4]), 0);
        assert_eq!(common_bigrams(&[1, 2, 3], &[0, 1, 2, 3]), 2);
        assert_eq!(multiset_common(&[1, 1, 2], &[1, 2, 2]), 2);
    }

    #[test]
    fn a_figure_clash_on_the_same_claim_is_disputed() {
        let model = PairModel {
            bias: -2.0,
            weights: {
                let mut w = [0.0; FEATURES];
                w[1] = 6.0;
                w[NUMBER_CLASH] = -5.0;
                w
            },
            threshold: 0.5,
        };
        let mut x = [0.0; FEATURES];
        x[1] = 0.9;
        x[2] = 0.9;
        assert_eq!(judge(&model, &x), Some(Degree::Full));
        x[NUMBER_CLASH] = 1.0;
        assert_eq!(judge(&model, &x), Some(Degree::Disputed));
        x[1] = 0.1;
        assert_eq!(judge(&model, &x), None);
    }
}
