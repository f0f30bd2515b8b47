//! Batch re-clustering of a closed set of articles (a time range, or the whole input of
//! `parallax cluster`), for better quality than the online pass can reach.
//!
//! Three steps, after each article's [`BatchInput`] (its terms without site furniture, length,
//! date: what depends on the article alone, so a caller re-clustering overlapping batches can
//! keep it, [`recluster_inputs`]). (1) Every article gets TF-IDF vectors per kind of term with
//! IDF taken over the whole batch. (2) Candidate pairs come from an inverted index over each article's terms
//! (frequent terms only among the articles nearby in publication order, and only for an article
//! the rarer terms leave short of partners), keeping each article's `neighbours` most similar
//! others, plus each known copy with its original: never all pairs. (3) A logistic model over
//! pair features ([`PAIR_FEATURES`]: cosines per kind, lead and title similarity, name, lead-word
//! and date *conflict*, neighbour ranks, length, days apart) gives each candidate pair a
//! probability of telling the same story, and average-link merging joins groups while the mean probability over their cross
//! pairs (missing pairs count as 0, with less weight where the candidate lists are full, see
//! [`average_link`]) stays at or above `threshold`; two dated articles further apart than
//! `max_hours_apart` count as probability 0. Copies then hold together the pieces of a story too
//! big for the candidate lists (see [`recluster`]).
//! The weights are fitted on the dev splits of ECB+, Multi-News and allsides-dev together
//! (`cargo xtask eval-stories --fit-batch`) and written into [`BatchConfig::default`].
//!
//! Deterministic: no randomness, ties broken by article index. Never panics on input: empty
//! batches and articles without terms come back as singletons.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BinaryHeap, HashMap};

use chrono::{DateTime, FixedOffset};
use ingest::Article;

use crate::cluster::Assignment;
use crate::features::{self, KINDS, Kind, Origin};
use crate::hash::IdMap;

/// Number of pair features; see [`PairFeatures`] for their order.
pub const PAIR_FEATURES: usize = 24;

/// Names of the pair features, in order (for printing fitted weights).
pub const FEATURE_NAMES: [&str; PAIR_FEATURES] = [
    "cos_words",
    "cos_names",
    "cos_numbers",
    "cos_dates",
    "cos_title",
    "both_numbers",
    "both_dates",
    "both_titles",
    "cos_lead",
    "name_conflict_max",
    "name_conflict_min",
    "date_conflict",
    "rank_best",
    "rank_worst",
    "rel_cos_min",
    "length_ratio",
    "cos_all",
    "names_disjoint",
    "boilerplate_max",
    "shared_rare_names",
    "shared_neighbours",
    "lead_conflict_max",
    "lead_conflict_min",
    "days_apart",
];

/// Batch settings. [`BatchConfig::default`] holds the fitted model; it is the same for every
/// corpus.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchConfig {
    /// Logistic model over the pair features.
    pub weights: [f32; PAIR_FEATURES],
    pub bias: f32,
    /// Boosted trees added to the logistic score (they correct what a linear model cannot
    /// draw); empty for the logistic model alone.
    pub trees: Vec<Tree>,
    /// Two groups merge while the mean same-story probability of their cross pairs is at least
    /// this.
    pub threshold: f32,
    /// How much a cross pair that was never scored (not a candidate) weighs, as probability 0,
    /// in the mean that decides a merge.
    pub missing_weight: f32,
    /// Candidate pairs kept per article (the most similar by the combined cosine).
    pub neighbours: usize,
    /// Term weights are `(1 + ln tf) · idf^idf_power`.
    pub idf_power: f32,
    /// Terms in more than this share of the batch (and more than `min_skip_df` articles) are not
    /// used to find candidates (they still count in the cosines).
    pub max_df_share: f32,
    pub min_skip_df: usize,
    pub max_skip_df: usize,
    /// An article that finds fewer than `neighbours` candidates through its rarer terms also
    /// probes its frequent terms, but only among the articles nearest to it in batch order
    /// (publication order) that weigh the term heavily too: this many per term, half before and
    /// half after. Inside a story of thousands of articles every telling word is frequent, and
    /// without this each of them would stand alone.
    pub frequent_window: usize,
    /// Heaviest terms per article used to find candidates.
    pub probe_terms: usize,
    /// Bytes at the start of the body that count as the lead.
    pub lead_bytes: usize,
    /// Two dated articles published further apart than this are not the same story (their
    /// pair counts as probability 0), as the online pass's window; undated ones are free.
    pub max_hours_apart: f64,
    /// Two events are one storyline's when the cosine of their term profiles is at least
    /// this and at most `storyline_gap_days` lie between them (see [`crate::storyline`]).
    pub storyline_threshold: f32,
    pub storyline_gap_days: f64,
    /// Worker threads for the per-article and per-pair work. No result depends on it.
    pub threads: usize,
    /// A language pool of at most this many articles is one batch; a larger one is clustered in
    /// overlapping windows of at most this many (see [`batch_stories`]), which bounds the time
    /// and memory of one batch.
    pub max_batch: usize,
}

impl Default for BatchConfig {
    fn default() -> Self {
        BatchConfig {
            weights: FITTED_WEIGHTS,
            bias: FITTED_BIAS,
            trees: FITTED_TREES.to_vec(),
            threshold: FITTED_THRESHOLD,
            missing_weight: FITTED_MISSING_WEIGHT,
            neighbours: 20,
            idf_power: 1.0,
            max_df_share: 0.05,
            min_skip_df: 50,
            max_skip_df: 1000,
            frequent_window: 40,
            probe_terms: 100,
            lead_bytes: 400,
            max_hours_apart: 24.0 * 7.0,
            storyline_threshold: STORYLINE_THRESHOLD,
            storyline_gap_days: 7.0,
            threads: 1,
            max_batch: MAX_BATCH,
        }
    }
}

/// [`BatchConfig::max_batch`]: `cargo xtask bench-stories --batch` measured 0.4 GB peak at
/// 10,000 articles and 3.3 GB at 100,000 (the generated articles included).
const MAX_BATCH: usize = 50_000;

// Fitted by `cargo xtask eval-stories --fit-batch` (ECB+ topics 1–20, Multi-News examples
// 1–100 and the allsides-dev stories before 2021-07-22, the pairs of each corpus weighted
// equally); see docs/benchmarks.md.
const FITTED_WEIGHTS: [f32; PAIR_FEATURES] = [
    -2.961, -2.022, 1.854, 1.704, 4.707, -0.789, 0.738, 2.566, 2.151, -0.777, -1.162, -1.634,
    2.209, 2.651, 3.687, 0.680, -0.477, 0.390, -2.189, -0.036, 5.758, -1.062, -0.326, -11.105,
];
const FITTED_BIAS: f32 = -3.190;
const FITTED_TREES: [Tree; 50] = [
    tree(
        [(14, 0.12792249), (8, 0.080372795), (0, 0.05917687)],
        [-0.08165271, 0.023926249, 0.15238652, 0.003672252],
    ),
    tree(
        [(14, 0.12792249), (8, 0.080372795), (0, 0.05917687)],
        [-0.07921244, 0.021652002, 0.12773016, 0.0033064445],
    ),
    tree(
        [(14, 0.12792249), (8, 0.06405065), (0, 0.046822708)],
        [-0.0813584, 0.003945545, 0.15010324, 0.004111507],
    ),
    tree(
        [(14, 0.12792249), (8, 0.06405065), (23, 0.39583334)],
        [-0.07902942, 0.003577192, 0.009652024, -0.14028062],
    ),
    tree(
        [(14, 0.09382561), (10, 0.84241796), (0, 0.046822708)],
        [-0.012595668, -0.089946486, 0.09895106, 0.0008839571],
    ),
    tree(
        [(14, 0.12792249), (8, 0.06405065), (23, 0.39583334)],
        [-0.07569169, 0.0037482325, 0.008353832, -0.13339306],
    ),
    tree(
        [(14, 0.09382561), (10, 0.84241796), (0, 0.046822708)],
        [-0.006551271, -0.087032735, 0.0874439, 0.00030676034],
    ),
    tree(
        [(14, 0.12792249), (8, 0.06405065), (14, 0.36489084)],
        [-0.07231987, 0.0039274613, 0.021686774, -0.013045799],
    ),
    tree(
        [(23, 0.39583334), (14, 0.12792249), (0, f32::NEG_INFINITY)],
        [-0.04734628, 0.0067095356, -0.0, -0.12589651],
    ),
    tree(
        [(14, 0.09382561), (10, 0.88290673), (16, 0.04224801)],
        [-0.0057304637, -0.08200149, 0.10433857, 0.0003705536],
    ),
    tree(
        [(14, 0.12792249), (8, 0.06405065), (16, 0.04224801)],
        [-0.06724366, 0.009878228, 0.1359608, 0.0014247069],
    ),
    tree(
        [(12, 0.071428575), (20, 0.2), (16, 0.04224801)],
        [-0.05742982, 0.036592666, 0.111368485, 0.0025936884],
    ),
    tree(
        [(16, 0.20248123), (14, 0.19985709), (7, 1.0)],
        [-0.023022106, 0.020708479, 0.078790784, -0.03296032],
    ),
    tree(
        [(14, 0.07927904), (10, 0.938194), (14, 0.36489084)],
        [-0.030481547, -0.08547774, 0.014100189, -0.012542585],
    ),
    tree(
        [(12, 0.071428575), (20, 0.2), (16, 0.04224801)],
        [-0.053531647, 0.031524565, 0.09654302, 0.0022478784],
    ),
    tree(
        [(14, 0.07927904), (15, 0.46), (0, 0.05917687)],
        [-0.030286554, -0.08562353, 0.044900052, -0.0020116463],
    ),
    tree(
        [(14, 0.19985709), (4, 0.32589367), (0, 0.0676471)],
        [-0.03355966, 0.1279444, 0.13616168, 0.00026553258],
    ),
    tree(
        [(16, 0.20248123), (4, 0.14457087), (7, 1.0)],
        [-0.0045699603, 0.033645526, 0.07547637, -0.02853862],
    ),
    tree(
        [(20, 0.2), (12, 0.25), (14, 0.36489084)],
        [-0.033443347, 0.08825264, 0.039589733, -0.01621914],
    ),
    tree(
        [(12, 0.071428575), (20, 0.2), (16, 0.04224801)],
        [-0.048980076, 0.025150536, 0.081920765, 0.001961976],
    ),
    tree(
        [(14, 0.09382561), (5, 1.0), (0, 0.046822708)],
        [-0.01984853, -0.08496528, 0.05967305, -0.00088048965],
    ),
    tree(
        [(12, 0.1), (20, 0.2), (10, 1.0)],
        [-0.04619317, 0.028070688, 0.002382301, 0.10109804],
    ),
    tree(
        [(14, 0.36489084), (7, 1.0), (1, 0.06478208)],
        [-0.05490843, 0.021869434, 0.11274975, -0.017993938],
    ),
    tree(
        [(12, 0.1), (20, 0.2), (0, 0.05917687)],
        [-0.044047035, 0.02464016, 0.08861132, 0.0029773086],
    ),
    tree(
        [(14, 0.36489084), (7, 1.0), (16, 0.090597175)],
        [-0.052200563, 0.02058053, 0.12782155, -0.015464795],
    ),
    tree(
        [(12, 0.1), (20, 0.2), (10, 1.0)],
        [-0.041950848, 0.021652585, 0.0031231125, 0.08450155],
    ),
    tree(
        [(12, 0.1), (20, 0.2), (8, 0.052574933)],
        [-0.03895302, 0.019561518, 0.047488205, -0.0002467691],
    ),
    tree(
        [(14, 0.36489084), (7, 1.0), (13, 0.05882353)],
        [-0.050557267, 0.020238636, -0.08088805, 0.00073193363],
    ),
    tree(
        [(4, 0.32589367), (14, 0.19985709), (22, 0.8232779)],
        [-0.028607683, 0.0040739174, -0.023551766, 0.14568107],
    ),
    tree(
        [(16, 0.20248123), (7, 1.0), (13, 0.07692308)],
        [-0.023277288, 0.01292284, -0.0670698, 0.004288159],
    ),
    tree(
        [(12, 0.1), (4, 0.14457087), (0, 0.05917687)],
        [-0.033019118, 0.024472773, 0.07649561, 0.0024691208],
    ),
    tree(
        [(14, 0.36489084), (7, 1.0), (10, 0.88290673)],
        [-0.045376137, 0.017934047, -0.014783936, 0.09733069],
    ),
    tree(
        [(12, 0.1), (20, 0.2), (8, 0.052574933)],
        [-0.037603643, 0.017741488, 0.045426708, -0.00017389529],
    ),
    tree(
        [(21, 1.0), (1, 0.008287172), (0, f32::NEG_INFINITY)],
        [0.031531654, -0.00249925, -0.0, -0.049600054],
    ),
    tree(
        [(12, 0.1), (20, 0.2), (10, 1.0)],
        [-0.035053622, 0.016019182, 0.0024002036, 0.06674409],
    ),
    tree(
        [(4, 0.32589367), (14, 0.19985709), (22, 0.8232779)],
        [-0.02593297, 0.0035563782, -0.021325288, 0.13793902],
    ),
    tree(
        [(14, 0.36489084), (7, 1.0), (13, 0.05882353)],
        [-0.043245945, 0.017709615, -0.0734717, 0.0006139419],
    ),
    tree(
        [(12, 0.1), (4, 0.14457087), (8, 0.052574933)],
        [-0.029591642, 0.021519234, 0.04173127, -0.0006596963],
    ),
    tree(
        [(21, 0.96237826), (0, 0.041956052), (1, 0.11717007)],
        [0.0931106, 0.00020671441, -0.05074032, 0.06128345],
    ),
    tree(
        [(14, 0.36489084), (7, 1.0), (13, 0.05263158)],
        [-0.04067539, 0.016357362, -0.10350435, -0.0027118765],
    ),
    tree(
        [(16, 0.032842476), (0, f32::NEG_INFINITY), (16, 0.073610805)],
        [-0.0, 0.04997859, -0.023969717, 0.0023600785],
    ),
    tree(
        [(0, 0.05917687), (14, 0.23763806), (16, 0.073610805)],
        [-0.009389678, 0.16973636, -0.048278112, 0.0010258663],
    ),
    tree(
        [(1, 0.1991288), (14, 0.23763806), (21, 0.7993168)],
        [-0.012756166, 0.020517396, 0.014388113, -0.039630577],
    ),
    tree(
        [(16, 0.20248123), (7, 1.0), (7, 1.0)],
        [-0.018196832, 0.010844461, 0.07211861, -0.021441652],
    ),
    tree(
        [(12, 0.1), (20, 0.2), (8, 0.052574933)],
        [-0.03310427, 0.0145762665, 0.040003084, -0.00050825503],
    ),
    tree(
        [(0, 0.05917687), (14, 0.23763806), (16, 0.073610805)],
        [-0.0067402185, 0.14431341, -0.04469122, 0.0007564788],
    ),
    tree(
        [(14, 0.36489084), (7, 1.0), (1, 0.06478208)],
        [-0.036720205, 0.015525532, 0.07778243, -0.013212361],
    ),
    tree(
        [(12, 0.1), (4, 0.14457087), (4, 0.2095556)],
        [-0.027153807, 0.018158542, 0.011961359, -0.024720998],
    ),
    tree(
        [(16, 0.032842476), (0, f32::NEG_INFINITY), (22, 0.9020839)],
        [-0.0, 0.048259534, 0.0009996408, -0.027237412],
    ),
    tree(
        [(19, 0.9999437), (13, 0.33333334), (13, 0.07692308)],
        [0.007378648, -0.06344343, -0.10463377, 0.010499794],
    ),
];
const FITTED_THRESHOLD: f32 = 0.55;
/// Chosen with `cargo xtask eval-stories --storylines 0.1,0.15,0.2,0.25 --storyline-gap 7`
/// on the allsides-dev dev split (saga pairs joined against unrelated pairs joined, and the
/// storylines read with `--dump-storylines`).
const STORYLINE_THRESHOLD: f32 = 0.2;
const FITTED_MISSING_WEIGHT: f32 = 0.25;

/// A regression tree of depth two over the pair features: node 0 splits first, then node 1
/// (left side, `x[feature] < threshold`) or node 2; `leaves` are left-left, left-right,
/// right-left, right-right.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tree {
    pub splits: [(u8, f32); 3],
    pub leaves: [f32; 4],
}

/// A [`Tree`] from its parts, for the fitted table.
// The fitted table uses it whenever `--fit-batch` chooses trees (the present fit chose none).
#[allow(dead_code)]
const fn tree(splits: [(u8, f32); 3], leaves: [f32; 4]) -> Tree {
    Tree { splits, leaves }
}

impl Tree {
    pub fn eval(&self, x: &[f32; PAIR_FEATURES]) -> f32 {
        let left = |(f, t): (u8, f32)| x.get(usize::from(f)).is_some_and(|&v| v < t);
        let (node, base) = if left(self.splits[0]) { (1, 0) } else { (2, 2) };
        self.leaves[base + usize::from(!left(self.splits[node]))]
    }
}

/// One candidate pair (`a < b`, indices into the batch) and its features.
#[derive(Debug, Clone, PartialEq)]
pub struct PairFeatures {
    pub a: usize,
    pub b: usize,
    pub x: [f32; PAIR_FEATURES],
}

impl BatchConfig {
    /// The model's same-story probability for a pair.
    pub fn probability(&self, x: &[f32; PAIR_FEATURES]) -> f32 {
        1.0 / (1.0 + (-self.score(x)).exp())
    }

    /// The model's log-odds for a pair.
    pub fn score(&self, x: &[f32; PAIR_FEATURES]) -> f32 {
        self.linear(x) + self.trees.iter().map(|t| t.eval(x)).sum::<f32>()
    }

    /// The logistic part of [`BatchConfig::score`] alone.
    pub fn linear(&self, x: &[f32; PAIR_FEATURES]) -> f32 {
        self.bias + x.iter().zip(&self.weights).map(|(a, w)| a * w).sum::<f32>()
    }
}

/// Two articles of one copy group join when one of them has at least this saturation (see
/// [`average_link`]): its candidate list is full of articles probably of the same story.
const SATURATED: f64 = 0.5;

/// Re-clusters `articles`: returns for each article the index of the first article of its group,
/// so equal values mean one story. `copy_of[i]` is the index of the article that article `i`
/// copies (a syndicated copy found by the duplicate index; empty when none are known; when the
/// original is not in the batch, any one of its copies stands in for it). Each copy and its
/// original are scored as a pair. In a story of thousands of articles, where each is scored
/// against only its nearest few, average-link merging leaves pieces, and the copies are what
/// holds them together: two scored articles of one copy group (an original and its copies) join
/// when the model says they tell the same story and one of them is in such a story (its
/// candidate list is full of probable partners: saturation at least 0.5, see [`average_link`]). Elsewhere copies get no say
/// beyond their pairs: templated reports of two events (two earthquakes, two market closes) look
/// like copies to the duplicate index, and archive notices like copies of one another.
pub fn recluster(
    articles: &[&Article],
    copy_of: &[Option<usize>],
    config: &BatchConfig,
) -> Vec<usize> {
    recluster_inputs(inputs_of(articles, config.threads), copy_of, config)
}

/// [`recluster`] over the articles' [`BatchInput`]s (in the same order), for a caller that keeps
/// them instead of the text: the same stories, bit for bit.
pub fn recluster_inputs(
    inputs: Vec<BatchInput>,
    copy_of: &[Option<usize>],
    config: &BatchConfig,
) -> Vec<usize> {
    recluster_levels(inputs, copy_of, config).events
}

/// The two levels of a batch, for each article the index of the first article of its group:
/// its event (the story of [`recluster`]) and its storyline, the saga the event belongs to.
/// Every event lies in one storyline, which may hold only that event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Levels {
    pub events: Vec<usize>,
    pub storylines: Vec<usize>,
}

/// [`recluster_inputs`] with the storylines, which join whole events (see
/// [`crate::storyline`]).
pub fn recluster_levels(
    inputs: Vec<BatchInput>,
    copy_of: &[Option<usize>],
    config: &BatchConfig,
) -> Levels {
    let n = inputs.len();
    let published: Vec<Option<DateTime<FixedOffset>>> =
        inputs.iter().map(|input| input.published).collect();
    let times: Vec<Option<i64>> = published.iter().map(|t| t.map(|t| t.timestamp())).collect();
    let profiles = crate::storyline::profiles(&inputs);
    let pairs = pair_features_of(inputs, copy_of, config);
    let scored: Vec<(usize, usize, f32)> = pairs
        .iter()
        .map(|p| {
            let apart = hours_apart(published[p.a], published[p.b]);
            (p.a, p.b, config.pair_probability(&p.x, apart))
        })
        .collect();
    let mut group = average_link(
        n,
        &scored,
        config.threshold,
        config.missing_weight,
        config.neighbours,
    );
    // Union-find over the groups, each led by its smallest member (`group[g] == g` for a leader).
    let saturated = saturation(n, &scored, config.neighbours);
    let copy_group = |i: usize| copy_of.get(i).copied().flatten().unwrap_or(i);
    for &(a, b, p) in &scored {
        if copy_group(a) == copy_group(b)
            && p >= config.threshold
            && saturated[a].max(saturated[b]) >= SATURATED
        {
            let (x, y) = (leader(&mut group, a), leader(&mut group, b));
            group[x.max(y)] = x.min(y);
        }
    }
    for i in 0..group.len() {
        group[i] = leader(&mut group, i);
    }
    let storylines = crate::storyline::storylines(&profiles, &times, &group, config);
    Levels {
        events: group,
        storylines,
    }
}

/// Hours between two publication times; 0 when either is undated.
pub fn hours_apart(a: Option<DateTime<FixedOffset>>, b: Option<DateTime<FixedOffset>>) -> f64 {
    match (a, b) {
        (Some(a), Some(b)) => (a - b).num_seconds().unsigned_abs() as f64 / 3600.0,
        _ => 0.0,
    }
}

impl BatchConfig {
    /// The same-story probability of a pair with features `x` published `apart` hours apart, as
    /// merging uses it: 0 beyond [`max_hours_apart`](Self::max_hours_apart).
    pub fn pair_probability(&self, x: &[f32; PAIR_FEATURES], apart: f64) -> f32 {
        if apart > self.max_hours_apart {
            0.0
        } else {
            self.probability(x)
        }
    }
}

/// The leader of item `i`'s group, shortening the path on the way.
pub(crate) fn leader(group: &mut [usize], i: usize) -> usize {
    let mut root = i;
    while group[root] != root {
        root = group[root];
    }
    let mut at = i;
    while group[at] != root {
        let next = group[at];
        group[at] = root;
        at = next;
    }
    root
}

/// The stories of a closed set of articles that went through a [`Clusterer`](crate::Clusterer)
/// (`assigned[i]` is article `i`'s online assignment, `None` when it was not fed): each language
/// pool is re-clustered with [`recluster`] in publication order. Returns for each article the
/// index (into `articles`) of its story's first article, whose id names the story as online;
/// articles the clusterer left out (empty) get `None`. The copies the clusterer found go to
/// [`recluster`] as copy links (which joins a copy to its original's story only in a story too
/// big for the candidate lists). The storyline is named the same way, by its first article.
pub fn batch_stories(
    articles: &[Article],
    assigned: &[Option<Assignment>],
    config: &BatchConfig,
) -> Vec<Option<BatchStory>> {
    let mut pools: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for i in crate::publication_order(articles) {
        if let Some(a) = assigned.get(i).and_then(Option::as_ref)
            && a.story.is_some()
        {
            pools
                .entry(a.language.as_deref().unwrap_or(""))
                .or_default()
                .push(i);
        }
    }
    let mut story: Vec<Option<BatchStory>> = vec![None; articles.len()];
    for members in pools.values() {
        let refs: Vec<&Article> = members.iter().map(|&i| &articles[i]).collect();
        let at: HashMap<&str, usize> = refs
            .iter()
            .enumerate()
            .map(|(k, a)| (a.id.as_str(), k))
            .collect();
        let copy_of: Vec<Option<usize>> = members
            .iter()
            .map(|&i| {
                let d = assigned[i].as_ref()?.duplicate_of.as_ref()?;
                at.get(d.original.as_str()).copied()
            })
            .collect();
        let levels = pool_levels(&refs, &copy_of, config);
        for (k, &i) in members.iter().enumerate() {
            story[i] = Some(BatchStory {
                event: members[levels.events[k]],
                storyline: members[levels.storylines[k]],
            });
        }
    }
    story
}

/// The levels of one language pool (`refs` in publication order, `copy_of` into it): one batch
/// when the pool holds at most [`BatchConfig::max_batch`] articles. A larger pool is cut into
/// blocks of [`BatchConfig::max_hours_apart`] (aligned to the Unix epoch, so a block holds the
/// same articles whatever else the input holds), each further cut into runs of at most half the
/// limit; every two consecutive pieces are one batch, and two articles are in one event (one
/// storyline) when some window put them there. So every pair of articles that the pair model may
/// join (at most a week apart) shares a window unless their week held more than half the
/// limit. An undated article goes with the article before it in publication order (which
/// `publication_order` puts after the dated article before it in the input); the undated
/// articles that come first, and a pool with no date at all, are cut by count alone.
fn pool_levels(refs: &[&Article], copy_of: &[Option<usize>], config: &BatchConfig) -> Levels {
    let n = refs.len();
    if n <= config.max_batch {
        return recluster_levels(inputs_of(refs, config.threads), copy_of, config);
    }
    let pieces = pieces_of(refs, config);
    let mut events: Vec<usize> = (0..n).collect();
    let mut lines: Vec<usize> = (0..n).collect();
    let join = |group: &mut Vec<usize>, a: usize, b: usize| {
        let (x, y) = (leader(group, a), leader(group, b));
        group[x.max(y)] = x.min(y);
    };
    for w in 0..pieces.len().saturating_sub(1).max(1) {
        let last = &pieces[(w + 1).min(pieces.len() - 1)];
        let (start, end) = (pieces[w].start, last.end);
        let window = &refs[start..end];
        let copies: Vec<Option<usize>> = (start..end)
            .map(|i| {
                let j = copy_of.get(i).copied().flatten()?;
                (start..end).contains(&j).then(|| j - start)
            })
            .collect();
        let levels = recluster_levels(inputs_of(window, config.threads), &copies, config);
        for k in 0..window.len() {
            join(&mut events, start + k, start + levels.events[k]);
            join(&mut lines, start + k, start + levels.storylines[k]);
        }
    }
    for i in 0..n {
        let e = leader(&mut events, i);
        join(&mut lines, i, e);
    }
    Levels {
        events: (0..n).map(|i| leader(&mut events, i)).collect(),
        storylines: (0..n).map(|i| leader(&mut lines, i)).collect(),
    }
}

/// The pieces [`pool_levels`] cuts a large pool into: ranges of `refs`, in order.
fn pieces_of(refs: &[&Article], config: &BatchConfig) -> Vec<std::ops::Range<usize>> {
    let block_secs = ((config.max_hours_apart * 3600.0) as i64).max(1);
    let mut last: Option<i64> = None;
    let blocks: Vec<Option<i64>> = refs
        .iter()
        .map(|a| {
            if let Some(t) = a.published {
                last = Some(t.timestamp().div_euclid(block_secs));
            }
            last
        })
        .collect();
    let most = (config.max_batch / 2).max(1);
    let mut pieces = Vec::new();
    let mut start = 0;
    for i in 1..=refs.len() {
        if i == refs.len() || blocks[i] != blocks[start] || i - start == most {
            pieces.push(start..i);
            start = i;
        }
    }
    pieces
}

/// An article's place in [`batch_stories`]: the index of the first article of its event (its
/// story) and of its storyline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchStory {
    pub event: usize,
    pub storyline: usize,
}

/// What the batch pass takes from one article on its own, before it meets the others: its terms
/// (key, count, where first met) from the text without site furniture, the body's length in
/// words, the share of furniture, and the publication time. Nothing here depends on the batch or
/// its configuration, so a caller that re-clusters overlapping batches can keep each article's
/// input ([`encode`](Self::encode)) instead of deriving it from the text every time, and
/// [`recluster_inputs`] gives exactly what [`recluster`] gives.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchInput {
    /// Unique terms, sorted by key (as `features::extract` gives them).
    terms: Vec<InputTerm>,
    words: usize,
    boilerplate: f32,
    published: Option<DateTime<FixedOffset>>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct InputTerm {
    key: u64,
    tf: f32,
    kind: Kind,
    /// Byte offset of the first occurrence in the body without furniture (saturated), or
    /// [`NOT_IN_BODY`] for a term first met in the title; only compared with the lead's length.
    start: u32,
}

impl BatchInput {
    /// Each term as (key, count, kind).
    pub(crate) fn term_parts(&self) -> impl Iterator<Item = (u64, f32, Kind)> + '_ {
        self.terms.iter().map(|t| (t.key, t.tf, t.kind))
    }
}

/// [`InputTerm::start`] of a term first met in the title.
const NOT_IN_BODY: u32 = u32::MAX;

/// Version of [`BatchInput::encode`]'s layout; part of [`input_fingerprint`].
const INPUT_FORMAT: u64 = 2;

/// A fingerprint of the code that makes a [`BatchInput`] (this crate's feature extraction and
/// furniture list, the `text` crate's tokens and sentences) and of its encoding. An input encoded
/// by other code does not decode, so a kept input never disagrees with the text it came from.
pub fn input_fingerprint() -> u64 {
    const SOURCES: &[&[u8]] = &[
        include_bytes!("batch.rs"),
        include_bytes!("entities.rs"),
        include_bytes!("features.rs"),
        include_bytes!("hash.rs"),
        include_bytes!("lexicon.rs"),
        include_bytes!("../../text/src/credits.rs"),
        include_bytes!("../../text/src/lib.rs"),
        include_bytes!("../../text/src/normalize.rs"),
        include_bytes!("../../text/src/paragraphs.rs"),
        include_bytes!("../../text/src/quotes.rs"),
        include_bytes!("../../text/src/sentences.rs"),
        include_bytes!("../../text/src/tokens.rs"),
    ];
    const FINGERPRINT: u64 = crate::hash::fingerprint_sources(INPUT_FORMAT, SOURCES);
    FINGERPRINT
}

/// Bytes of [`BatchInput::encode`]'s header: fingerprint, words, furniture share, publication
/// time (flag, seconds, nanoseconds, offset) and the number of terms.
const INPUT_HEADER: usize = 8 + 8 + 4 + 1 + 8 + 4 + 4 + 4;
/// Bytes per term, about: the key, then its count and kind and its start as variable-length
/// integers (one or two bytes each for nearly all terms).
const INPUT_TERM: usize = 8 + 1 + 2;

impl BatchInput {
    /// The input of one article. Site furniture is left out of the features, so two pages that
    /// share only an archive notice or a share prompt have nothing in common (a page of nothing
    /// else stays alone).
    pub fn new(article: &Article) -> BatchInput {
        let (body, boilerplate) = strip_boilerplate(&article.text);
        let f = features::extract(article.title.as_deref(), &body);
        let terms = f
            .terms
            .iter()
            .map(|t| InputTerm {
                key: t.key,
                tf: t.tf,
                kind: t.kind,
                start: match &t.origin {
                    Origin::Body(s) => u32::try_from(s.start).unwrap_or(NOT_IN_BODY - 1),
                    Origin::Title(_) => NOT_IN_BODY,
                },
            })
            .collect();
        BatchInput {
            terms,
            words: f.words,
            boilerplate,
            published: article.published,
        }
    }

    /// The input as bytes for [`decode`](Self::decode): little-endian, with
    /// [`input_fingerprint`] in front.
    pub fn encode(&self) -> Vec<u8> {
        let mut body = Vec::with_capacity(INPUT_HEADER + INPUT_TERM * self.terms.len());
        body.extend_from_slice(&input_fingerprint().to_le_bytes());
        body.extend_from_slice(&(self.words as u64).to_le_bytes());
        body.extend_from_slice(&self.boilerplate.to_bits().to_le_bytes());
        match self.published {
            Some(t) => {
                body.push(1);
                body.extend_from_slice(&t.timestamp().to_le_bytes());
                body.extend_from_slice(&t.timestamp_subsec_nanos().to_le_bytes());
                body.extend_from_slice(&t.offset().local_minus_utc().to_le_bytes());
            }
            None => body.extend_from_slice(&[0; 17]),
        }
        body.extend_from_slice(&(self.terms.len() as u32).to_le_bytes());
        for t in &self.terms {
            body.extend_from_slice(&t.key.to_le_bytes());
            // A count is a whole number of occurrences; anything else (never made now) is kept
            // bit for bit after a zero count.
            let count = t.tf as u32;
            let whole = t.tf >= 1.0 && count < 1 << 24 && count as f32 == t.tf;
            let kind = t.kind as u64;
            if whole {
                push_varint(&mut body, u64::from(count) << 3 | kind);
            } else {
                push_varint(&mut body, kind);
                body.extend_from_slice(&t.tf.to_bits().to_le_bytes());
            }
            // 0 for a title word, else the offset plus one.
            push_varint(&mut body, u64::from(t.start.wrapping_add(1)));
        }
        body
    }

    /// An input from [`encode`](Self::encode)'s bytes; `None` when they were written by other
    /// code (another [`input_fingerprint`]) or cut short, and the input must be made again.
    pub fn decode(bytes: &[u8]) -> Option<BatchInput> {
        let mut r = Reader(bytes);
        if r.u64()? != input_fingerprint() {
            return None;
        }
        let words = usize::try_from(r.u64()?).ok()?;
        let boilerplate = f32::from_bits(r.u32()?);
        let dated = r.take(1)?[0];
        let (secs, nanos, offset) = (r.u64()? as i64, r.u32()?, r.u32()? as i32);
        let published = match dated {
            0 => None,
            1 => {
                let offset = FixedOffset::east_opt(offset)?;
                Some(DateTime::from_timestamp(secs, nanos)?.with_timezone(&offset))
            }
            _ => return None,
        };
        let count = r.u32()? as usize;
        // At least 10 bytes a term: a count from a damaged blob allocates no more than it holds.
        if r.0.len() < count.checked_mul(10)? {
            return None;
        }
        let mut terms = Vec::with_capacity(count);
        for _ in 0..count {
            let key = r.u64()?;
            let counted = r.varint()?;
            let kind = match counted & 7 {
                0 => Kind::Word,
                1 => Kind::Entity,
                2 => Kind::Number,
                3 => Kind::Date,
                4 => Kind::Title,
                _ => return None,
            };
            let tf = match counted >> 3 {
                0 => f32::from_bits(r.u32()?),
                n => u32::try_from(n).ok().filter(|&n| n < 1 << 24)? as f32,
            };
            let start = u32::try_from(r.varint()?).ok()?.wrapping_sub(1);
            terms.push(InputTerm {
                key,
                tf,
                kind,
                start,
            });
        }
        if !r.0.is_empty() {
            return None;
        }
        Some(BatchInput {
            terms,
            words,
            boilerplate,
            published,
        })
    }
}

/// Reads [`BatchInput::encode`]'s fields from the front of a byte slice.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(head)
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    /// A [`push_varint`] number.
    fn varint(&mut self) -> Option<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.take(1)?[0];
            if shift == 63 && byte > 1 {
                return None;
            }
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    }
}

/// Appends `value` seven bits a byte, low first, the high bit set on all bytes but the last.
fn push_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push(value as u8 | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// A sparse vector sorted by key, L2-normalised (empty when there are no terms).
type Vector = Vec<(u64, f32)>;

struct Doc {
    /// Per kind (words, names, numbers, dates, title words).
    kinds: [Vector; KINDS],
    /// Words, names and title words together.
    all: Vector,
    /// Word terms first met in the lead, and title words.
    lead: Vector,
    /// Name terms that stand out: first met in the lead or said at least three times.
    salient_names: Vec<(u64, f32)>,
    /// Keys of all name terms (sorted), to tell whether a name is mentioned at all.
    names: Vec<u64>,
    /// `idf / ln(1 + n)` of each of `names`: near 1 for a name only this article and a few
    /// others mention.
    name_rarity: Vec<f32>,
    /// Share of the body's sentences that are site furniture (see [`boilerplate_share`]).
    boilerplate: f32,
    /// Keys of date terms (sorted).
    dates: Vec<u64>,
    /// Word terms first met in the lead, with their IDF: what the article opens with (what
    /// happened, and the new facts of the day).
    lead_words: Vec<(u64, f32)>,
    /// Publication time, seconds since the epoch.
    published: Option<i64>,
    words: usize,
}

/// The candidate pairs of a batch with their features, sorted by `(a, b)`: each article's
/// nearest others, and each copy with its original (`copy_of`, as for [`recluster`]).
pub fn pair_features(
    articles: &[&Article],
    copy_of: &[Option<usize>],
    config: &BatchConfig,
) -> Vec<PairFeatures> {
    pair_features_of(inputs_of(articles, config.threads), copy_of, config)
}

/// Every article's [`BatchInput`]. A large batch holds them all at once: only the terms are kept.
fn inputs_of(articles: &[&Article], threads: usize) -> Vec<BatchInput> {
    crate::par::map(articles.len(), threads, |i| BatchInput::new(articles[i]))
}

/// [`pair_features`] over the articles' inputs; they are dropped once their vectors are made.
fn pair_features_of(
    feats: Vec<BatchInput>,
    copy_of: &[Option<usize>],
    config: &BatchConfig,
) -> Vec<PairFeatures> {
    let n = feats.len();
    let mut df: IdMap<u64, u32> = IdMap::default();
    for f in &feats {
        for t in &f.terms {
            *df.entry(t.key).or_default() += 1;
        }
    }
    let idf = |key: u64| -> f32 {
        let d = df.get(&key).copied().unwrap_or(1).max(1) as f32;
        (1.0 + n as f32 / d).ln().powf(config.idf_power)
    };
    let max_idf = (1.0 + n as f32).ln();
    let rarity = |key: u64| -> f32 {
        let d = df.get(&key).copied().unwrap_or(1).max(1) as f32;
        if max_idf > 0.0 {
            (1.0 + n as f32 / d).ln() / max_idf
        } else {
            0.0
        }
    };
    let threads = config.threads;
    let docs: Vec<Doc> = crate::par::map(n, threads, |i| {
        let f = &feats[i];
        let mut d = doc(f, &idf, config);
        d.name_rarity = d.names.iter().map(|&k| rarity(k)).collect();
        d.boilerplate = f.boilerplate;
        d.published = f.published.map(|t| t.timestamp());
        d
    });
    drop(feats);

    // Candidates: partial dot products over each article's heaviest terms through an inverted
    // index. Terms in one article only, or in very many, find nothing worth the cost; the
    // posting lists stay short, so the work grows with the batch, not its square.
    let skip_df = ((config.max_df_share * n as f32) as usize)
        .max(config.min_skip_df)
        .min(config.max_skip_df);
    let df_of = |k: u64| df.get(&k).copied().unwrap_or(0) as usize;
    let heaviest = |d: &Doc, keep: &dyn Fn(usize) -> bool| -> Vector {
        let mut p: Vector = d
            .all
            .iter()
            .copied()
            .filter(|&(k, _)| keep(df_of(k)))
            .collect();
        p.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
        p.truncate(config.probe_terms);
        // Kept for every article until the candidates are found.
        p.shrink_to_fit();
        p
    };
    let probes: Vec<Vector> = crate::par::map(n, threads, |i| {
        heaviest(&docs[i], &|f| f >= 2 && f <= skip_df)
    });
    let mut postings: IdMap<u64, Vec<(usize, f32)>> = IdMap::default();
    for (i, p) in probes.iter().enumerate() {
        for &(k, w) in p {
            postings.entry(k).or_default().push((i, w));
        }
    }
    // The frequent terms among each article's heaviest, with their articles in batch order.
    let frequent_probes: Vec<Vector> = if config.frequent_window > 0 {
        crate::par::map(n, threads, |i| heaviest(&docs[i], &|f| f > skip_df))
    } else {
        vec![Vector::new(); n]
    };
    let mut frequent: IdMap<u64, Vec<(usize, f32)>> = IdMap::default();
    // Where article `i` first is in the list of each of its frequent probes: the lists are made
    // in batch order, so that is the list's length when it comes (a search per probe and article
    // cost a tenth of the whole batch).
    let mut frequent_at: Vec<Vec<u32>> = Vec::with_capacity(n);
    for (i, p) in frequent_probes.iter().enumerate() {
        let mut places = Vec::with_capacity(p.len());
        for &(k, w) in p {
            let list = frequent.entry(k).or_default();
            let mut at = list.len();
            while at > 0 && list[at - 1].0 == i {
                at -= 1;
            }
            places.push(at as u32);
            list.push((i, w));
        }
        frequent_at.push(places);
    }
    let half = config.frequent_window / 2;
    let scratch_of = || (vec![0.0f32; n], Vec::<usize>::new());
    let neighbours_of = |(scratch, touched): &mut (Vec<f32>, Vec<usize>), i: usize| {
        let p = &probes[i];
        accumulate(i, p, &postings, scratch, touched);
        if touched.len() < config.neighbours {
            for (&(k, w), &at) in frequent_probes[i].iter().zip(&frequent_at[i]) {
                let Some(list) = frequent.get(&k) else {
                    continue;
                };
                let at = at as usize;
                let window = &list[at.saturating_sub(half)..(at + half + 1).min(list.len())];
                add_products(i, w, window, scratch, touched);
            }
        }
        let mut near: Vec<(usize, f32)> = touched
            .drain(..)
            .map(|j| {
                let s = std::mem::take(&mut scratch[j]);
                (j, s)
            })
            .filter(|&(_, s)| s > 0.0)
            .collect();
        near.sort_by(by_score_then_index);
        near.truncate(config.neighbours);
        // Kept for every article: without its capacity for all it touched.
        near.shrink_to_fit();
        near
    };
    let neighbours: Vec<Vec<(usize, f32)>> =
        crate::par::map_with(n, threads, scratch_of, neighbours_of);
    let mut pairs: Vec<(usize, usize)> = neighbours
        .iter()
        .enumerate()
        .flat_map(|(i, near)| near.iter().map(move |&(j, _)| (i.min(j), i.max(j))))
        .chain(copy_of.iter().enumerate().filter_map(|(i, j)| {
            let j = (*j)?;
            (j != i && j < n && i < n).then_some((i.min(j), i.max(j)))
        }))
        .collect();
    pairs.sort_unstable();
    pairs.dedup();

    // Exact combined cosines, then each article's ranking of its candidate partners.
    let cos_all: Vec<f32> = crate::par::map(pairs.len(), threads, |k| {
        let (a, b) = pairs[k];
        cosine(&docs[a].all, &docs[b].all)
    });
    let mut partners: Vec<Vec<(usize, f32)>> = vec![Vec::new(); n];
    for (&(a, b), &c) in pairs.iter().zip(&cos_all) {
        partners[a].push((b, c));
        partners[b].push((a, c));
    }
    // Each article's five nearest partners (sorted), for the shared-neighbour feature.
    const NEAREST: usize = 5;
    const MIN_NEAR_COSINE: f32 = 0.1;
    for p in &mut partners {
        p.sort_by(by_score_then_index);
    }
    let top: Vec<f32> = partners
        .iter()
        .map(|p| p.first().map_or(0.0, |x| x.1))
        .collect();
    let nearest: Vec<Vec<usize>> = crate::par::map(n, threads, |i| {
        // Only partners with real overlap count: in a small batch the five nearest may be
        // nearly everyone.
        let mut near: Vec<usize> = partners[i]
            .iter()
            .take(NEAREST)
            .filter(|x| x.1 >= MIN_NEAR_COSINE)
            .map(|x| x.0)
            .collect();
        near.sort_unstable();
        near
    });
    let rank: Vec<IdMap<u64, usize>> = crate::par::map(n, threads, |i| {
        partners[i]
            .iter()
            .enumerate()
            .map(|(r, &(j, _))| (j as u64, r))
            .collect()
    });

    crate::par::map(pairs.len(), threads, |k| {
        let (a, b) = pairs[k];
        let c = cos_all[k];
        let (da, db) = (&docs[a], &docs[b]);
        let mut x = [0.0f32; PAIR_FEATURES];
        for (k, slot) in x.iter_mut().take(KINDS).enumerate() {
            *slot = cosine(&da.kinds[k], &db.kinds[k]);
        }
        let both = |k: Kind| -> f32 {
            f32::from(u8::from(
                !da.kinds[k as usize].is_empty() && !db.kinds[k as usize].is_empty(),
            ))
        };
        x[5] = both(Kind::Number);
        x[6] = both(Kind::Date);
        x[7] = both(Kind::Title);
        x[8] = cosine(&da.lead, &db.lead);
        let (cab, cba) = (
            conflict(&da.salient_names, &db.names),
            conflict(&db.salient_names, &da.names),
        );
        x[9] = cab.max(cba);
        x[10] = cab.min(cba);
        if !da.dates.is_empty() && !db.dates.is_empty() {
            x[11] = 1.0 - overlap(&da.dates, &db.dates);
        }
        let ra = rank[a].get(&(b as u64)).copied().unwrap_or(usize::MAX - 1);
        let rb = rank[b].get(&(a as u64)).copied().unwrap_or(usize::MAX - 1);
        let inv = |r: usize| 1.0 / (1.0 + r as f32);
        x[12] = inv(ra).max(inv(rb));
        x[13] = inv(ra).min(inv(rb));
        let rel = |t: f32| if t > 0.0 { (c / t).min(1.0) } else { 0.0 };
        x[14] = rel(top[a]).min(rel(top[b]));
        let (la, lb) = (da.words.max(1) as f32, db.words.max(1) as f32);
        x[15] = la.min(lb) / la.max(lb);
        x[16] = c;
        // Neither side mentions any of the other's salient names: a step the linear model
        // cannot draw from the two shares alone.
        x[17] = f32::from(u8::from(x[10] > 0.99));
        x[18] = da.boilerplate.max(db.boilerplate);
        x[19] = shared_rarity(da, db).min(3.0) / 3.0;
        let (na, nb) = (&nearest[a], &nearest[b]);
        let shared = na.iter().filter(|j| nb.binary_search(j).is_ok()).count();
        x[20] = shared as f32 / na.len().min(nb.len()).max(1) as f32;
        // Two days of one saga share its names but open on different happenings.
        let (wa, wb) = (
            &da.kinds[Kind::Word as usize],
            &db.kinds[Kind::Word as usize],
        );
        let (lab, lba) = (
            word_conflict(&da.lead_words, wb),
            word_conflict(&db.lead_words, wa),
        );
        x[21] = lab.max(lba);
        x[22] = lab.min(lba);
        if let (Some(ta), Some(tb)) = (da.published, db.published) {
            x[23] = ((ta - tb).unsigned_abs() as f32 / 86_400.0).min(MAX_DAYS) / MAX_DAYS;
        }
        PairFeatures { a, b, x }
    })
}

/// Adds to `scratch[j]` the partial dot product of probe `p` (article `i`) with every other
/// article `j` in the posting `lists`, noting in `touched` each `j` first met.
fn accumulate(
    i: usize,
    p: &Vector,
    lists: &IdMap<u64, Vec<(usize, f32)>>,
    scratch: &mut [f32],
    touched: &mut Vec<usize>,
) {
    for &(k, w) in p {
        if let Some(list) = lists.get(&k) {
            add_products(i, w, list, scratch, touched);
        }
    }
}

/// Adds `w · wj` to `scratch[j]` for each other article `j` of one posting list.
fn add_products(
    i: usize,
    w: f32,
    list: &[(usize, f32)],
    scratch: &mut [f32],
    touched: &mut Vec<usize>,
) {
    for &(j, wj) in list {
        if j != i {
            if scratch[j] == 0.0 {
                touched.push(j);
            }
            scratch[j] += w * wj;
        }
    }
}

fn by_score_then_index(x: &(usize, f32), y: &(usize, f32)) -> Ordering {
    y.1.partial_cmp(&x.1)
        .unwrap_or(Ordering::Equal)
        .then(x.0.cmp(&y.0))
}

fn doc(f: &BatchInput, idf: &dyn Fn(u64) -> f32, config: &BatchConfig) -> Doc {
    // Every article's vectors are held at once: sized exactly, not by doubling.
    let mut count = [0usize; KINDS];
    for t in &f.terms {
        count[t.kind as usize] += 1;
    }
    let mut kinds: [Vector; KINDS] = std::array::from_fn(|k| Vector::with_capacity(count[k]));
    let mut all = Vector::with_capacity(
        count[Kind::Word as usize] + count[Kind::Entity as usize] + count[Kind::Title as usize],
    );
    let mut lead = Vector::new();
    let mut salient_names = Vec::new();
    let mut names = Vec::with_capacity(count[Kind::Entity as usize]);
    let mut dates = Vec::with_capacity(count[Kind::Date as usize]);
    let mut lead_words = Vec::new();
    for t in &f.terms {
        let w = (1.0 + t.tf.ln()) * idf(t.key);
        kinds[t.kind as usize].push((t.key, w));
        if matches!(t.kind, Kind::Word | Kind::Entity | Kind::Title) {
            all.push((t.key, w));
        }
        let in_lead = t.start != NOT_IN_BODY && (t.start as usize) < config.lead_bytes;
        if (t.kind == Kind::Word && in_lead) || t.kind == Kind::Title {
            lead.push((t.key, w));
        }
        if t.kind == Kind::Word && in_lead {
            lead_words.push((t.key, idf(t.key)));
        }
        match t.kind {
            Kind::Entity => {
                names.push(t.key);
                if in_lead || t.tf >= 3.0 {
                    salient_names.push((t.key, idf(t.key)));
                }
            }
            Kind::Date => dates.push(t.key),
            _ => {}
        }
    }
    for v in kinds.iter_mut() {
        normalise(v);
    }
    normalise(&mut all);
    normalise(&mut lead);
    Doc {
        kinds,
        all,
        lead,
        salient_names,
        names,
        name_rarity: Vec::new(),
        boilerplate: 0.0,
        dates,
        lead_words,
        published: None,
        words: f.words,
    }
}

fn normalise(v: &mut Vector) {
    v.sort_unstable_by_key(|x| x.0);
    let norm = v.iter().map(|x| x.1 * x.1).sum::<f32>().sqrt();
    if norm > 0.0 {
        for x in v.iter_mut() {
            x.1 /= norm;
        }
    }
}

/// Dot product of two sorted, normalised vectors.
fn cosine(a: &Vector, b: &Vector) -> f32 {
    let (mut i, mut j, mut s) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            Ordering::Less => i += 1,
            Ordering::Greater => j += 1,
            Ordering::Equal => {
                s += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    s.clamp(0.0, 1.0)
}

/// The IDF-weighted share of `salient` names that `other` never mentions (0 when there are none).
fn conflict(salient: &[(u64, f32)], other: &[u64]) -> f32 {
    let total: f32 = salient.iter().map(|x| x.1).sum();
    if total <= 0.0 {
        return 0.0;
    }
    let missing: f32 = salient
        .iter()
        .filter(|x| other.binary_search(&x.0).is_err())
        .map(|x| x.1)
        .sum();
    missing / total
}

/// The IDF-weighted share of the lead `words` that the sorted word vector `other` never has
/// (0 when there are none).
fn word_conflict(words: &[(u64, f32)], other: &Vector) -> f32 {
    let total: f32 = words.iter().map(|x| x.1).sum();
    if total <= 0.0 {
        return 0.0;
    }
    let missing: f32 = words
        .iter()
        .filter(|x| other.binary_search_by_key(&x.0, |y| y.0).is_err())
        .map(|x| x.1)
        .sum();
    missing / total
}

/// Days apart at which the `days_apart` feature stops growing.
const MAX_DAYS: f32 = 4.0;

/// Summed rarity of the names both articles mention: one shared rare name ("Kalashnikov") says
/// more than many shared common ones.
fn shared_rarity(a: &Doc, b: &Doc) -> f32 {
    a.names
        .iter()
        .zip(&a.name_rarity)
        .filter(|(k, _)| b.names.binary_search(k).is_ok())
        .map(|(_, r)| r * r)
        .sum()
}

/// Share of the sentences of `text` that are site furniture (`text::furniture_phrase`; 0 for no
/// sentences).
pub fn boilerplate_share(text: &str) -> f32 {
    strip_boilerplate(text).1
}

/// The sentences of `text` that are not site furniture, joined by blank lines, and the share of
/// sentences left out.
fn strip_boilerplate(text: &str) -> (String, f32) {
    let sentences = text::furniture_sentences(text);
    if sentences.is_empty() {
        return (text.to_owned(), 0.0);
    }
    let mut kept = String::with_capacity(text.len());
    let mut hits = 0;
    for (s, furniture) in &sentences {
        if *furniture {
            hits += 1;
        } else if let Some(t) = text.get(s.clone()) {
            if !kept.is_empty() {
                kept.push_str("\n\n");
            }
            kept.push_str(t);
        }
    }
    (kept, hits as f32 / sentences.len() as f32)
}

/// Share of the smaller sorted key set found in the other.
fn overlap(a: &[u64], b: &[u64]) -> f32 {
    let (small, big) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if small.is_empty() {
        return 0.0;
    }
    let shared = small
        .iter()
        .filter(|k| big.binary_search(k).is_ok())
        .count();
    shared as f32 / small.len() as f32
}

/// Each item's saturation: its `candidates`-th best probability among the scored `pairs` (0 with
/// fewer). Near 1, the item has more partners in its story than its candidate list holds.
fn saturation(n: usize, pairs: &[(usize, usize, f32)], candidates: usize) -> Vec<f64> {
    let mut probabilities: Vec<Vec<f32>> = vec![Vec::new(); n];
    for &(a, b, p) in pairs {
        if a != b && a < n && b < n && p.is_finite() {
            probabilities[a].push(p.clamp(0.0, 1.0));
            probabilities[b].push(p.clamp(0.0, 1.0));
        }
    }
    probabilities
        .into_iter()
        .map(|mut p| {
            if candidates == 0 || p.len() < candidates {
                return 0.0;
            }
            p.sort_by(|x, y| y.total_cmp(x));
            f64::from(p[candidates - 1])
        })
        .collect()
}

/// A merge candidate in the heap: mean cross-pair probability of two groups.
#[derive(PartialEq)]
struct Link {
    mean: f64,
    a: usize,
    b: usize,
    /// Sizes of both groups when the link was computed; stale entries are skipped.
    sizes: (usize, usize),
}

impl Eq for Link {}

impl PartialOrd for Link {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Link {
    fn cmp(&self, other: &Self) -> Ordering {
        self.mean
            .partial_cmp(&other.mean)
            .unwrap_or(Ordering::Equal)
            .then(other.a.cmp(&self.a))
            .then(other.b.cmp(&self.b))
    }
}

/// Average-link merging over `n` items and sparse pair probabilities: merges the two groups
/// with the highest mean cross probability while it is at least `threshold`. A cross pair that
/// was never scored counts as probability 0 with weight `missing_weight` (1: a plain mean over
/// all cross pairs; below 1: unscored pairs, which are unlike but not known to be, weigh less).
/// Each item was scored against at most about `candidates` others, so between two groups of
/// `a` and `b` items at most `candidates·a·b/(a+b)` unscored pairs (about `candidates` per member
/// of the smaller group) count: beyond that, a missing pair only says the candidate list was
/// full, and two big parts of one story would never join. For the same reason the weight of
/// the unscored pairs shrinks with the groups' saturation: an item whose `candidates`-th best
/// pair is already probably the same story (saturation 0.9) has more such partners than its
/// list holds, so the pairs it misses say little (weight `missing_weight · (1 − 0.9)`); an item
/// with room left in its list, as in a batch of many small stories, keeps the full weight.
/// Returns for each item the smallest item index of its group.
pub fn average_link(
    n: usize,
    pairs: &[(usize, usize, f32)],
    threshold: f32,
    missing_weight: f32,
    candidates: usize,
) -> Vec<usize> {
    // Group ids are the smallest member index; `sums[g]` holds summed probabilities and the
    // number of scored pairs to other groups.
    let mut sums: Vec<BTreeMap<usize, (f64, f64)>> = vec![BTreeMap::new(); n];
    for &(a, b, p) in pairs {
        if a == b || a >= n || b >= n || !p.is_finite() {
            continue;
        }
        let p = f64::from(p.clamp(0.0, 1.0));
        for (x, y) in [(a, b), (b, a)] {
            let e = sums[x].entry(y).or_default();
            e.0 += p;
            e.1 += 1.0;
        }
    }
    let m = f64::from(missing_weight.clamp(0.0, 1.0));
    // A group's saturation is its members' mean.
    let mut saturation = saturation(n, pairs, candidates);
    let mean = |(s, k): (f64, f64), na: usize, nb: usize, sa: f64, sb: f64| -> f64 {
        let (a, b) = (na as f64, nb as f64);
        let unscored = (a * b - k)
            .max(0.0)
            .min(candidates as f64 * a * b / (a + b));
        let weight = m * (1.0 - (sa / a).min(sb / b)).max(0.0);
        let denominator = k + weight * unscored;
        if denominator > 0.0 {
            s / denominator
        } else {
            0.0
        }
    };
    let mut size = vec![1usize; n];
    let mut parent: Vec<usize> = (0..n).collect();
    let mut heap = BinaryHeap::new();
    let t = f64::from(threshold);
    for (a, row) in sums.iter().enumerate() {
        for (&b, &e) in row {
            let link = mean(e, 1, 1, saturation[a], saturation[b]);
            if a < b && link >= t {
                heap.push(Link {
                    mean: link,
                    a,
                    b,
                    sizes: (1, 1),
                });
            }
        }
    }
    let stale_limit = 4 * (pairs.len() + n);
    while let Some(link) = heap.pop() {
        let (a, b) = (link.a, link.b);
        if parent[a] != a || parent[b] != b || (size[a], size[b]) != link.sizes {
            continue;
        }
        // Merge b into a (a < b).
        parent[b] = a;
        let moved = std::mem::take(&mut sums[b]);
        sums[a].remove(&b);
        for (c, (s, k)) in moved {
            if c == a {
                continue;
            }
            let e = sums[a].entry(c).or_default();
            e.0 += s;
            e.1 += k;
            let sc = &mut sums[c];
            sc.remove(&b);
            let e = sc.entry(a).or_default();
            e.0 += s;
            e.1 += k;
        }
        size[a] += size[b];
        saturation[a] += saturation[b];
        for (&c, &e) in &sums[a] {
            let link = mean(e, size[a], size[c], saturation[a], saturation[c]);
            if link >= t {
                let (x, y) = (a.min(c), a.max(c));
                heap.push(Link {
                    mean: link,
                    a: x,
                    b: y,
                    sizes: (size[x], size[y]),
                });
            }
        }
        // Every merge pushes fresh links and leaves the old ones in the heap (they are skipped
        // when popped). Around big groups that adds up to far more than the live pairs, so now
        // and then drop the stale ones: at most one link per live pair is current, the heap
        // stays within a few times the pairs, and the merges come out the same.
        if heap.len() > stale_limit {
            heap = heap
                .into_vec()
                .into_iter()
                .filter(|l| {
                    parent[l.a] == l.a && parent[l.b] == l.b && (size[l.a], size[l.b]) == l.sizes
                })
                .collect();
        }
    }
    (0..n)
        .map(|mut i| {
            while parent[i] != i {
                i = parent[i];
            }
            i
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(title: &str, body: &str) -> Article {
        ingest::Draft {
            title: Some(title.into()),
            body: body.into(),
            ..ingest::Draft::default()
        }
        .finish(ingest::Source::file("x"))
        .expect("text")
    }

    fn check(pairs: &[(usize, usize, f32)], n: usize, threshold: f32, expected: &[usize]) {
        assert_eq!(average_link(n, pairs, threshold, 1.0, 20), expected);
    }

    #[test]
    fn average_link_merges_close_pairs_and_counts_missing_pairs_as_zero() {
        check(&[(0, 1, 0.9)], 3, 0.5, &[0, 0, 2]);
        check(&[(0, 1, 0.9), (1, 2, 0.9)], 3, 0.5, &[0, 0, 2]);
        check(&[(0, 1, 0.9), (1, 2, 0.9), (0, 2, 0.6)], 3, 0.5, &[0, 0, 0]);
        check(&[(0, 1, 0.4)], 2, 0.5, &[0, 1]);
        check(&[], 0, 0.5, &[]);
        check(
            &[(0, 5, 0.9), (1, 1, 0.9), (0, 1, f32::NAN)],
            2,
            0.5,
            &[0, 1],
        );
    }

    #[test]
    fn recluster_keeps_two_look_alike_events_apart() {
        let a = [
            article(
                "Earthquake of magnitude 6.1 hits Lorvania",
                "An earthquake of magnitude 6.1 struck Lorvania on Tuesday, killing 12 people in the town of Pesk. Rescue teams from Lorvania searched the rubble of Pesk.",
            ),
            article(
                "Lorvania quake kills 12 in Pesk",
                "Twelve people died when a magnitude 6.1 earthquake hit Pesk in Lorvania. The Pesk mayor Anna Brill said rescue teams were still searching.",
            ),
            article(
                "Pesk mourns quake victims",
                "Mayor Anna Brill of Pesk said the town would rebuild after the magnitude 6.1 earthquake. Lorvania sent rescue teams and tents to Pesk.",
            ),
            article(
                "Deadly tremor shakes Vell",
                "At least 40 people were killed in Vell when a strong earthquake, measured at 7.3, shook western Mardonia before dawn on Friday, officials in Vell said.",
            ),
            article(
                "Vell death toll rises to 40",
                "Governor Otto Krane said the toll from Friday's 7.3 tremor in Vell had reached 40, with hundreds of homes in Vell destroyed and thousands sleeping outdoors.",
            ),
            article(
                "Mardonia asks for help after Vell tremor",
                "Mardonia appealed for foreign aid as Otto Krane, governor of the stricken Vell region, warned that aftershocks of the 7.3 tremor could bring down more buildings.",
            ),
            article(
                "Harbor Town wins the cup",
                "Harbor Town beat Riverside 3-1 in the cup final on Sunday. Coach Mira Dell praised her defence.",
            ),
            article(
                "Bank raises rates",
                "The Central Bank of Ostrava raised its interest rate by half a point, citing prices of food and fuel.",
            ),
        ];
        let refs: Vec<&Article> = a.iter().collect();
        let config = BatchConfig::default();
        let got = recluster(&refs, &[], &config);
        assert_eq!(got, [0, 0, 0, 3, 3, 3, 6, 7]);
        // Deterministic. (Two texts about different events that are the same sentences with
        // the names swapped do merge: the model has learnt that the words matter most.)
        assert_eq!(
            pair_features(&refs, &[], &config),
            pair_features(&refs, &[], &config)
        );
    }

    #[test]
    fn batch_stories_names_stories_by_their_first_article_with_copies_beside_originals() {
        let quake = |title: &str, body: &str, day: u32| {
            let mut a = article(title, body);
            a.published =
                chrono::DateTime::parse_from_rfc3339(&format!("2026-02-{day:02}T08:00:00Z")).ok();
            a
        };
        let body = "An earthquake of magnitude 6.1 struck Lorvania on Tuesday, killing 12 people in the town of Pesk. Rescue teams from Lorvania searched the rubble of Pesk.";
        let articles = vec![
            quake(
                "Lorvania quake kills 12 in Pesk",
                "Twelve people died when a magnitude 6.1 earthquake hit Pesk in Lorvania. The Pesk mayor Anna Brill said rescue teams were still searching.",
                4,
            ),
            quake(
                "Harbor Town wins the cup",
                "Harbor Town beat Riverside 3-1 in the cup final on Sunday. Coach Mira Dell praised her defence.",
                3,
            ),
            quake("Earthquake of magnitude 6.1 hits Lorvania", body, 3),
            quake("Quake hits Lorvania (copy)", body, 5),
        ];
        let mut clusterer = crate::Clusterer::new(crate::Config::default());
        let mut assigned: Vec<Option<Assignment>> = vec![None; articles.len()];
        for i in crate::publication_order(&articles) {
            assigned[i] = Some(clusterer.add(&articles[i]));
        }
        let copy = assigned[3].as_ref().and_then(|a| a.duplicate_of.as_ref());
        assert_eq!(
            copy.map(|d| d.original.as_str()),
            Some(articles[2].id.as_str())
        );
        // The cup final was never fed: it has no story.
        assigned[1] = None;
        let got = batch_stories(&articles, &assigned, &BatchConfig::default());
        let events: Vec<Option<usize>> = got.iter().map(|s| s.map(|s| s.event)).collect();
        assert_eq!(events, [Some(2), None, Some(2), Some(2)]);
        assert!(got.iter().flatten().all(|s| s.storyline == 2));
    }

    #[test]
    fn recluster_keeps_articles_months_apart_in_different_stories() {
        let body = "Mayor Anna Brill of Pesk said the town would rebuild after the magnitude 6.1 earthquake. Lorvania sent rescue teams and tents to Pesk.";
        let on = |day: &str| {
            let mut a = article("Pesk rebuilds after the quake", body);
            a.published = chrono::DateTime::parse_from_rfc3339(day).ok();
            a
        };
        let (a, b, c) = (
            on("2026-02-03T08:00:00Z"),
            on("2026-02-05T08:00:00Z"),
            on("2026-05-03T08:00:00Z"),
        );
        assert_eq!(
            recluster(&[&a, &b, &c], &[], &BatchConfig::default()),
            [0, 0, 2]
        );
        let mut undated = c.clone();
        undated.published = None;
        assert_eq!(
            recluster(&[&a, &b, &undated], &[], &BatchConfig::default()),
            [0, 0, 0]
        );
    }

    #[test]
    fn recluster_keeps_two_days_of_one_saga_apart() {
        // Day one: the rebels advance; day two: the capital falls. Same names, other happenings.
        let told = |title: &str, body: &str, at: &str| {
            let mut a = article(title, body);
            a.published = chrono::DateTime::parse_from_rfc3339(at).ok();
            a
        };
        let saga = [
            told(
                "Orvan rebels seize three towns on the road to Kessel",
                "Orvan rebels seized the towns of Dalby, Rusk and Ferrin on Monday as government troops retreated toward Kessel. President Maren Holt said the army would hold the capital.",
                "2026-03-02T09:00:00Z",
            ),
            told(
                "Rebels take Dalby, Rusk and Ferrin as troops fall back",
                "Government troops withdrew from Dalby, Rusk and Ferrin, which the Orvan rebels captured after a day of shelling. Holt vowed that Kessel would not be taken.",
                "2026-03-02T20:00:00Z",
            ),
            told(
                "Orvan advance: three towns lost in a day",
                "The Orvan movement captured three towns north of Kessel, Dalby among them, and its fighters are now 60 kilometres from the capital, officials in Holt's government said.",
                "2026-03-01T22:00:00Z",
            ),
            told(
                "Kessel falls to the Orvan rebels; Holt flees the country",
                "Kessel fell to the Orvan rebels on Tuesday night. President Maren Holt fled by plane to Lindmoor, and crowds gathered at the airport as foreign embassies evacuated their staff.",
                "2026-03-03T23:00:00Z",
            ),
            told(
                "President Holt flees as rebels enter the capital",
                "Maren Holt left the country as Orvan fighters entered Kessel and took the presidential palace. Thousands of residents rushed to the airport hoping to board evacuation flights.",
                "2026-03-04T06:00:00Z",
            ),
            told(
                "Capital surrenders: Orvan flag over Kessel palace",
                "The Orvan movement raised its flag over the palace in Kessel after the government collapsed and Holt fled abroad. Embassies began evacuating diplomats from the airport.",
                "2026-03-03T15:00:00Z",
            ),
        ];
        let refs: Vec<&Article> = saga.iter().collect();
        assert_eq!(
            recluster(&refs, &[], &BatchConfig::default()),
            [0, 0, 0, 3, 3, 3]
        );
    }

    #[test]
    fn boilerplate_share_of_archive_notices_and_news() {
        let check = |text: &str, expected: f32| {
            assert!((boilerplate_share(text) - expected).abs() < 1e-6, "{text}");
        };
        check(
            "These crawls are part of an effort to archive pages. Then the Internet Archive hopes to keep them.",
            1.0,
        );
        check(
            "The mayor of Pesk resigned on Monday. Sign up for our newsletter.",
            0.5,
        );
        check(
            "The mayor of Pesk resigned on Monday. She gave no reason.",
            0.0,
        );
        check("", 0.0);
    }

    proptest::proptest! {
        #[test]
        fn recluster_gives_every_article_a_group_led_by_its_first_member(
            texts in proptest::collection::vec("[A-Za-z0-9 .,\n]{0,80}", 0..12)
        ) {
            let articles: Vec<Article> = texts
                .iter()
                .filter_map(|t| {
                    ingest::Draft { body: t.clone(), ..ingest::Draft::default() }
                        .finish(ingest::Source::file("x"))
                        .ok()
                })
                .collect();
            let refs: Vec<&Article> = articles.iter().collect();
            let groups = recluster(&refs, &[], &BatchConfig::default());
            proptest::prop_assert_eq!(groups.len(), refs.len());
            for (i, &g) in groups.iter().enumerate() {
                proptest::prop_assert!(g <= i && groups[g] == g);
            }
        }
    }

    const FLOOD: [&str; 10] = [
        "Floodwaters from the Varna river swept through Pesk on Monday.",
        "Rescue boats carried families from the roofs of Pesk.",
        "Mayor Anna Brill said the dykes along the Varna had given way before dawn.",
        "Lorvania's army sent helicopters and field kitchens to Pesk.",
        "Forecasters warned of more rain over the Varna basin this week.",
        "Farmers near Pesk lost cattle and the wheat harvest to the water.",
        "Schools in Pesk were turned into shelters for the homeless.",
        "The Red Cross appealed for blankets, clean water and tents.",
        "Engineers said the Varna crested at nine metres, a record.",
        "Brill said the town would need months to rebuild its bridges.",
    ];
    const VOTE: [&str; 6] = [
        "Voters in Mardonia chose a new parliament on Sunday.",
        "Prime Minister Otto Krane conceded defeat late in the evening.",
        "The Green Union won a majority of seats for the first time.",
        "Turnout in Mardonia reached seventy percent, officials said.",
        "Krane said his party would rebuild in opposition.",
        "Observers reported long queues at polling stations in the capital.",
    ];

    /// Retelling `i` of a story: `keep` of the pool's sentences, picked and ordered by a fixed
    /// pseudo-random shuffle.
    fn retell(pool: &[&str], i: usize, keep: usize, title: &str) -> Article {
        let mut order: Vec<&str> = pool.to_vec();
        let mut x = (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        for k in (1..order.len()).rev() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            order.swap(k, (x % (k as u64 + 1)) as usize);
        }
        article(&format!("{title} ({i})"), &order[..keep].join(" "))
    }

    /// 1,500 articles: every fifth about an election, the others about a flood.
    fn two_big_stories(keep: usize) -> Vec<Article> {
        (0..1500)
            .map(|i| {
                if i % 5 == 4 {
                    retell(&VOTE, i, keep.min(VOTE.len()), "Mardonia votes")
                } else {
                    retell(&FLOOD, i, keep, "Pesk flood")
                }
            })
            .collect()
    }

    /// The groups of `got` (first member to members), checking that none mixes the two stories
    /// of [`two_big_stories`].
    fn unmixed_groups(got: &[usize]) -> BTreeMap<usize, Vec<usize>> {
        let mut members: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (i, &g) in got.iter().enumerate() {
            members.entry(g).or_default().push(i);
        }
        for group in members.values() {
            let events: std::collections::BTreeSet<bool> =
                group.iter().map(|i| i % 5 == 4).collect();
            assert_eq!(events.len(), 1, "group of {} mixes the events", group[0]);
        }
        members
    }

    #[test]
    fn a_pool_over_the_limit_is_clustered_in_windows_that_join_across_their_edges() {
        // 120 articles of two events over 12 days that straddle a week's edge (2026-03-05 is a
        // Thursday, where the epoch's weeks begin), a few undated; windows of at most 40.
        let mut articles = two_big_stories(9)[..120].to_vec();
        let edge = chrono::DateTime::parse_from_rfc3339("2026-03-05T00:00:00+00:00").expect("date");
        for (i, a) in articles.iter_mut().enumerate() {
            let hours = i as i64 * 2 - 144;
            a.published = (i % 9 != 5).then(|| edge + chrono::Duration::hours(hours));
        }
        let order = crate::publication_order(&articles);
        let refs: Vec<&Article> = order.iter().map(|&i| &articles[i]).collect();
        let small = BatchConfig {
            max_batch: 40,
            ..BatchConfig::default()
        };
        let pieces = pieces_of(&refs, &small);
        assert!(pieces.len() > 2 && pieces.iter().all(|p| p.len() <= 20));
        assert_eq!(pieces.first().map(|p| p.start), Some(0));
        assert_eq!(pieces.last().map(|p| p.end), Some(refs.len()));
        // The week's edge is a piece's edge.
        let before_edge = refs
            .iter()
            .rposition(|a| a.published.is_some_and(|t| t < edge))
            .expect("dated before the edge");
        assert!(
            pieces
                .iter()
                .any(|p| p.end > before_edge && p.start <= before_edge + 1)
        );
        let windowed = pool_levels(&refs, &[], &small);
        // Each event is one story across the edges, never mixed.
        let mut w: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (k, &g) in windowed.events.iter().enumerate() {
            w.entry(g).or_default().push(order[k]);
        }
        for group in w.values() {
            let kinds: std::collections::BTreeSet<bool> =
                group.iter().map(|i| i % 5 == 4).collect();
            assert_eq!(kinds.len(), 1, "a window mixed the events");
        }
        assert_eq!(w.len(), 2, "{w:?}");
        // Leaders are the first members in publication order, and storylines hold whole events.
        for (k, &e) in windowed.events.iter().enumerate() {
            assert!(e <= k);
            assert_eq!(windowed.storylines[k], windowed.storylines[e]);
        }
    }

    #[test]
    fn recluster_finds_partners_inside_a_story_of_thousands_of_articles() {
        // Every telling word is in far more articles than the candidate search looks up in
        // full, so each article must find its partners among the frequent terms.
        let articles = two_big_stories(5);
        let refs: Vec<&Article> = articles.iter().collect();
        let members = unmixed_groups(&recluster(&refs, &[], &BatchConfig::default()));
        // Without the frequent terms, every article stood alone. Without copies to hold it
        // together, a story this size still comes out in pieces of tens of articles.
        let alone = members.values().filter(|g| g.len() == 1).count();
        assert!(alone < 15, "{alone} of 1,500 articles stand alone");
        assert!(members.len() < 300, "{} groups", members.len());
    }

    #[test]
    fn recluster_holds_a_story_of_thousands_of_copies_together() {
        // Syndicated copies of two wire stories, each reordered and trimmed by one sentence
        // (as `cargo xtask bench-ingest` makes them): the copies join their originals.
        let articles = two_big_stories(9);
        let refs: Vec<&Article> = articles.iter().collect();
        let copy_of: Vec<Option<usize>> = (0..articles.len())
            .map(|i| Some(if i % 5 == 4 { 4 } else { 0 }).filter(|&o| o != i))
            .collect();
        let members = unmixed_groups(&recluster(&refs, &copy_of, &BatchConfig::default()));
        assert_eq!(
            members.len(),
            2,
            "{:?}",
            members.values().map(Vec::len).collect::<Vec<_>>()
        );
    }

    #[test]
    fn batch_inputs_kept_as_bytes_give_the_same_pairs_and_stories() {
        // Dated (two offsets) and undated articles, with names, numbers, dates, a lead and
        // furniture: every field of an input counts in some pair feature.
        let mut articles = two_big_stories(9)[..60].to_vec();
        for (i, a) in articles.iter_mut().enumerate() {
            let zone = if i % 2 == 0 { "+02:00" } else { "-05:30" };
            let day = format!("2026-03-{:02}T08:15:{:02}.25{zone}", 1 + i % 20, i % 60);
            a.published =
                (i % 7 != 3).then(|| chrono::DateTime::parse_from_rfc3339(&day).expect("date"));
        }
        articles.push(article(
            "Vell death toll rises to 40 on March 3, 2026",
            "Governor Otto Krane said the toll from Friday's 7.3 tremor in Vell had reached 40. Sign up for our newsletter.",
        ));
        let refs: Vec<&Article> = articles.iter().collect();
        let copy_of: Vec<Option<usize>> =
            (0..refs.len()).map(|i| (i % 5 == 2).then_some(0)).collect();
        let config = BatchConfig::default();
        let kept: Vec<BatchInput> = refs
            .iter()
            .map(|a| {
                let input = BatchInput::new(a);
                let bytes = input.encode();
                let back = BatchInput::decode(&bytes).expect("decodes");
                assert_eq!(back, input);
                // Cut short, or written by other code: made again from the text.
                assert_eq!(BatchInput::decode(&bytes[..bytes.len() - 1]), None);
                let mut other = bytes.clone();
                other[0] ^= 1;
                assert_eq!(BatchInput::decode(&other), None);
                back
            })
            .collect();
        assert!(
            kept.iter()
                .any(|k| k.boilerplate > 0.0 && k.published.is_none())
        );
        // Counts that are not whole, and offsets and numbers at the edges, come back bit for bit.
        let mut odd = kept[0].clone();
        odd.terms[0].tf = 2.5;
        odd.terms[1].tf = (1u32 << 24) as f32;
        odd.terms[2].start = NOT_IN_BODY - 1;
        odd.terms[3].start = 0;
        assert_eq!(BatchInput::decode(&odd.encode()), Some(odd));
        for value in [
            0,
            127,
            128,
            16_383,
            16_384,
            u64::from(u32::MAX) + 1,
            u64::MAX,
        ] {
            let mut bytes = Vec::new();
            push_varint(&mut bytes, value);
            assert_eq!(Reader(&bytes).varint(), Some(value));
        }
        assert_eq!(
            pair_features_of(kept.clone(), &copy_of, &config),
            pair_features(&refs, &copy_of, &config)
        );
        assert_eq!(
            recluster_inputs(kept, &copy_of, &config),
            recluster(&refs, &copy_of, &config)
        );
    }

    #[test]
    fn recluster_of_empty_and_tiny_batches() {
        assert!(recluster(&[], &[], &BatchConfig::default()).is_empty());
        let one = article("A title", "x");
        assert_eq!(recluster(&[&one], &[], &BatchConfig::default()), [0]);
    }
}
