//! Batch re-clustering of a closed set of articles (a time range, or the whole input of
//! `parallax cluster`), for better quality than the online pass can reach.
//!
//! Three steps. (1) Every article gets TF-IDF vectors per kind of term with IDF taken over the
//! whole batch. (2) Candidate pairs come from an inverted index over each article's terms
//! (frequent terms skipped), keeping each article's `neighbours` most similar others: never all
//! pairs. (3) A logistic model over pair features ([`PAIR_FEATURES`]: cosines per kind, lead and
//! title similarity, name and date *conflict*, neighbour ranks, length) gives each candidate pair
//! a probability of telling the same story, and average-link merging joins groups while the mean
//! probability over all their cross pairs (missing pairs count as 0) stays at or above
//! `threshold`. The weights are fitted on the dev splits of ECB+ and Multi-News together
//! (`cargo xtask eval-stories --fit-batch`) and written into [`BatchConfig::default`].
//!
//! Deterministic: no randomness, ties broken by article index. Never panics on input: empty
//! batches and articles without terms come back as singletons.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BinaryHeap};

use ingest::Article;

use crate::features::{self, Features, KINDS, Kind, Origin};
use crate::hash::IdMap;

/// Number of pair features; see [`PairFeatures`] for their order.
pub const PAIR_FEATURES: usize = 20;

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
    /// Heaviest terms per article used to find candidates.
    pub probe_terms: usize,
    /// Bytes at the start of the body that count as the lead.
    pub lead_bytes: usize,
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
            probe_terms: 100,
            lead_bytes: 400,
        }
    }
}

// Fitted by `cargo xtask eval-stories --fit-batch` (ECB+ topics 1–20 and Multi-News examples
// 1–100, pairs of both weighted equally); see docs/benchmarks.md.
const FITTED_WEIGHTS: [f32; PAIR_FEATURES] = [
    -2.616, 0.146, 2.334, 2.176, 4.576, -0.875, 0.264, 1.911, 4.329, -0.986, -1.205, -1.294, 2.122,
    3.591, 5.155, 0.388, -0.084, 0.112, -2.642, 0.511,
];
const FITTED_BIAS: f32 = -3.469;
const FITTED_TREES: [Tree; 100] = [
    tree(
        [(12, 0.1), (2, 0.03906955), (14, 0.4360536)],
        [-0.01382107, -0.09816916, 0.050522536, -0.010510975],
    ),
    tree(
        [(16, 0.07250288), (14, 0.22252539), (0, 0.23890555)],
        [-0.06467919, 0.037836656, 0.026761683, -0.04284836],
    ),
    tree(
        [(12, 0.1), (2, 0.03906955), (14, 0.4360536)],
        [-0.012225837, -0.09174845, 0.04475534, -0.009230933],
    ),
    tree(
        [(13, 0.0625), (16, 0.1657416), (14, 0.6284702)],
        [-0.009536806, -0.11464238, 0.026084583, -0.051601384],
    ),
    tree(
        [(16, 0.07250288), (14, 0.22252539), (16, 0.20190136)],
        [-0.061472584, 0.030181587, 0.02846706, -0.025603153],
    ),
    tree(
        [(12, 0.11111111), (0, 0.23890555), (14, 0.4360536)],
        [-0.0143862, -0.12953892, 0.04454126, -0.008272925],
    ),
    tree(
        [(14, 0.09907595), (10, 0.8366038), (13, 0.09090909)],
        [-0.026854916, -0.09062148, -0.007973936, 0.032647487],
    ),
    tree(
        [(16, 0.057662047), (8, 0.06130913), (0, 0.23890555)],
        [-0.07347116, 0.03351736, 0.01812579, -0.034793627],
    ),
    tree(
        [(14, 0.09907595), (10, 0.8366038), (13, 0.09090909)],
        [-0.021125328, -0.08798004, -0.007899486, 0.029534169],
    ),
    tree(
        [(16, 0.07250288), (15, 0.10575916), (1, 0.027700782)],
        [0.037844397, -0.052616194, 0.09091066, 0.0019550854],
    ),
    tree(
        [(13, 0.07692308), (0, 0.23890555), (13, 0.33333334)],
        [-0.0060283793, -0.1411157, 0.027813762, -0.048112024],
    ),
    tree(
        [(14, 0.09907595), (8, 0.06130913), (16, 0.20190136)],
        [-0.081544, -0.0030747515, 0.015422928, -0.023700776],
    ),
    tree(
        [(13, 0.0625), (16, 0.1657416), (14, 0.6284702)],
        [-0.0018486975, -0.0984293, 0.018753348, -0.045727827],
    ),
    tree(
        [(14, 0.14262518), (4, 0.17756164), (2, 0.03906955)],
        [-0.06313132, 0.07734787, 0.017344955, -0.023802869],
    ),
    tree(
        [(12, 0.11111111), (2, 0.03906955), (16, 0.09723362)],
        [-0.0017656791, -0.073065914, -0.034638382, 0.027715959],
    ),
    tree(
        [(14, 0.09907595), (10, 0.8366038), (16, 0.20190136)],
        [-0.0064090705, -0.08257957, 0.013855578, -0.02263826],
    ),
    tree(
        [(12, 0.1), (4, 0.17756164), (14, 0.4360536)],
        [-0.036510147, 0.029447071, 0.029172204, -0.011721324],
    ),
    tree(
        [(16, 0.07250288), (15, 0.10575916), (1, 0.027700782)],
        [0.039175022, -0.045187462, 0.076513655, 0.00050042325],
    ),
    tree(
        [(13, 0.09090909), (2, 0.03906955), (0, 0.10521673)],
        [0.0029671218, -0.06401423, -0.049167488, 0.035372958],
    ),
    tree(
        [(2, 0.42958215), (2, 0.03906955), (9, 0.8922568)],
        [0.0061686398, -0.03792895, 0.011760497, 0.13676785],
    ),
    tree(
        [(14, 0.09907595), (10, 0.8366038), (0, 0.23890555)],
        [-0.0030191937, -0.07884129, 0.010353935, -0.029228624],
    ),
    tree(
        [(2, 0.42958215), (2, 0.03906955), (9, 0.8922568)],
        [0.005493449, -0.034006502, 0.011095881, 0.12576728],
    ),
    tree(
        [(13, 0.09090909), (16, 0.1657416), (4, 0.17756164)],
        [0.007002067, -0.045762654, 0.033876866, -0.054564998],
    ),
    tree(
        [(16, 0.07250288), (9, 0.92669976), (9, 0.9676825)],
        [0.030071177, -0.04270949, -0.0015080848, 0.047845807],
    ),
    tree(
        [(13, 0.0625), (16, 0.1657416), (13, 0.33333334)],
        [0.0005881594, -0.0832394, 0.01472804, -0.049953904],
    ),
    tree(
        [(14, 0.14262518), (8, 0.086193204), (10, 0.78038114)],
        [-0.059741046, 0.052595034, -0.0050926516, 0.028393604],
    ),
    tree(
        [(2, 0.42958215), (2, 0.03906955), (9, 0.8922568)],
        [0.004909642, -0.030395772, 0.010298743, 0.1136249],
    ),
    tree(
        [(12, 0.11111111), (11, 0.5), (16, 0.09723362)],
        [0.0047193267, -0.055134267, -0.033831555, 0.022378711],
    ),
    tree(
        [(13, 0.05882353), (4, 0.17756164), (2, 0.42958215)],
        [-0.042514063, 0.047865663, 0.004450518, 0.07319156],
    ),
    tree(
        [(0, 0.23890555), (14, 0.22252539), (13, 0.07692308)],
        [-0.017374512, 0.015796602, -0.10754409, 0.003767442],
    ),
    tree(
        [(14, 0.4360536), (12, 0.11111111), (10, 0.78038114)],
        [-0.008802177, 0.028656136, -0.034893293, 0.07128253],
    ),
    tree(
        [(14, 0.09907595), (10, 0.8366038), (0, 0.049117647)],
        [0.0077641755, -0.07359158, 0.063573994, -0.00011000457],
    ),
    tree(
        [(13, 0.33333334), (13, 0.09090909), (0, 0.16619805)],
        [-0.007400916, 0.022942763, -0.1378553, 0.05407453],
    ),
    tree(
        [(16, 0.20190136), (13, 0.33333334), (12, 0.14285715)],
        [0.010232943, -0.077950366, -0.0690332, 0.011010414],
    ),
    tree(
        [(16, 0.07250288), (15, 0.10575916), (14, 0.4360536)],
        [0.041551694, -0.0368622, 0.015271391, -0.018752815],
    ),
    tree(
        [(2, 0.42958215), (2, 0.03906955), (9, 0.8922568)],
        [0.0047497195, -0.027529117, 0.0042138053, 0.101607606],
    ),
    tree(
        [(13, 0.05882353), (4, 0.17756164), (4, 0.06707585)],
        [-0.03855067, 0.043777876, 0.019673552, -0.009006268],
    ),
    tree(
        [(19, 1.0), (13, 0.33333334), (13, 0.11111111)],
        [0.007481855, -0.09299048, -0.058211822, 0.016934354],
    ),
    tree(
        [(14, 0.6284702), (16, 0.29330567), (4, 0.12585546)],
        [-8.973453e-5, 0.07532175, -0.004705117, -0.14182653],
    ),
    tree(
        [(14, 0.09907595), (8, 0.045264464), (0, 0.049117647)],
        [-0.07265972, 0.009566161, 0.05739062, -0.00030257474],
    ),
    tree(
        [(0, 0.23890555), (14, 0.22252539), (13, 0.05882353)],
        [-0.015944188, 0.013485731, -0.1572088, -0.007727088],
    ),
    tree(
        [(2, 0.42958215), (2, 0.03906955), (9, 0.8922568)],
        [0.004282359, -0.025034852, 0.004076955, 0.09412052],
    ),
    tree(
        [(12, 0.071428575), (19, 0.20250757), (14, 0.4360536)],
        [0.010298344, -0.05298027, 0.013791054, -0.014829185],
    ),
    tree(
        [(16, 0.07250288), (14, 0.2796094), (1, 0.027700782)],
        [-0.03838078, 0.108864605, 0.053352226, -0.00025616426],
    ),
    tree(
        [(3, 0.46333125), (0, 0.23890555), (4, 0.06707585)],
        [0.0028283987, -0.023428367, 0.013309268, 0.07799864],
    ),
    tree(
        [(13, 0.07692308), (16, 0.1657416), (0, 0.10521673)],
        [0.006137356, -0.045516096, -0.034054615, 0.01989863],
    ),
    tree(
        [(12, 0.05882353), (19, 0.145551), (1, 0.22781277)],
        [0.026330533, -0.103126384, 0.009475146, -0.013210075],
    ),
    tree(
        [(15, 0.16774194), (4, 0.24293728), (19, 0.9649369)],
        [0.0025255596, -0.1830145, 0.011170334, -0.0234366],
    ),
    tree(
        [(14, 0.22252539), (8, 0.086193204), (10, 1.0)],
        [-0.044338103, 0.018530734, 0.002114929, 0.09065042],
    ),
    tree(
        [(12, 0.1), (11, 0.5), (11, 0.6666666)],
        [0.005712964, -0.05237867, -0.004904492, 0.033554927],
    ),
    tree(
        [(13, 0.33333334), (2, 0.42958215), (11, 1.0)],
        [-0.00057875837, 0.05920514, -0.0986606, 0.08938967],
    ),
    tree(
        [(16, 0.09723362), (9, 0.84934497), (8, 0.010516549)],
        [0.07706989, -0.023320844, 0.14550193, 0.0018623342],
    ),
    tree(
        [(3, 0.46333125), (14, 0.6284702), (14, 0.2796094)],
        [0.0008598112, -0.040345795, 0.010582935, 0.076891005],
    ),
    tree(
        [(14, 0.07002574), (0, f32::NEG_INFINITY), (15, 0.16774194)],
        [-0.0, -0.057674892, -0.023125416, 0.004783],
    ),
    tree(
        [(12, 0.05882353), (19, 0.20250757), (14, 0.4360536)],
        [0.019840116, -0.11067637, 0.008665804, -0.0125605175],
    ),
    tree(
        [(13, 0.09090909), (2, 0.03906955), (4, 0.17756164)],
        [0.0043602623, -0.048529938, 0.024251124, -0.055037078],
    ),
    tree(
        [(16, 0.09723362), (19, 0.7226297), (8, 0.010516549)],
        [-0.006711021, -0.09728687, 0.12671262, 0.0018658915],
    ),
    tree(
        [(13, 0.33333334), (2, 0.42958215), (0, 0.16619805)],
        [-0.00051915215, 0.056184903, -0.116981424, 0.05241496],
    ),
    tree(
        [(1, 0.22781277), (14, 0.22252539), (14, 0.4360536)],
        [-0.014670763, 0.015094302, 0.025224023, -0.035688877],
    ),
    tree(
        [(3, 0.46333125), (0, 0.23890555), (4, 0.06707585)],
        [0.0023381738, -0.018975843, 0.00915989, 0.072767414],
    ),
    tree(
        [(12, 0.1), (11, 0.5), (11, 0.6666666)],
        [0.005356982, -0.0487108, -0.0039946036, 0.029093305],
    ),
    tree(
        [(14, 0.07002574), (0, f32::NEG_INFINITY), (0, 0.049117647)],
        [-0.0, -0.05504104, 0.038271543, -0.0009860808],
    ),
    tree(
        [(16, 0.057662047), (8, 0.06130913), (9, 0.9676825)],
        [-0.049413797, 0.059709508, -0.0027068271, 0.028277423],
    ),
    tree(
        [(13, 0.0625), (8, 0.23512553), (8, 0.1918732)],
        [-0.0011119958, -0.115381256, -0.004387338, 0.021008395],
    ),
    tree(
        [(12, 0.5), (13, 0.09090909), (5, 1.0)],
        [-0.0058809584, 0.02074534, -0.09975294, 0.01566053],
    ),
    tree(
        [(19, 0.7226297), (13, 0.33333334), (11, 1.0)],
        [0.008003038, -0.10290574, -0.029242316, 0.027569367],
    ),
    tree(
        [(19, 1.0), (15, 0.16774194), (9, 0.92669976)],
        [-0.028851913, 0.009078189, -0.0037754204, -0.11357443],
    ),
    tree(
        [(12, 0.071428575), (1, 0.08242907), (16, 0.041136794)],
        [0.010172797, -0.042626634, 0.07101771, 0.0013894888],
    ),
    tree(
        [(16, 0.07250288), (14, 0.2796094), (9, 0.9676825)],
        [-0.032548383, 0.087632254, -0.0016629023, 0.029052237],
    ),
    tree(
        [(3, 0.46333125), (14, 0.6284702), (14, 0.2796094)],
        [0.00076024997, -0.033424128, 0.0058855936, 0.0702103],
    ),
    tree(
        [(16, 0.09723362), (9, 0.84934497), (8, 0.010516549)],
        [0.06884174, -0.02043321, 0.11014941, 0.0015303408],
    ),
    tree(
        [(1, 0.22781277), (16, 0.09723362), (14, 0.4360536)],
        [-0.013047511, 0.01284304, 0.023200385, -0.031423733],
    ),
    tree(
        [(12, 0.11111111), (0, 0.1329698), (16, 0.09723362)],
        [0.016182834, -0.029253857, -0.030107182, 0.014486911],
    ),
    tree(
        [(19, 0.7226297), (13, 0.33333334), (0, 0.10521673)],
        [0.0071524447, -0.09504397, -0.09175351, -0.0015238924],
    ),
    tree(
        [(12, 0.05882353), (19, 0.20250757), (16, 0.20190136)],
        [0.020166544, -0.1055202, 0.006914656, -0.010765682],
    ),
    tree(
        [(13, 0.07692308), (2, 0.03906955), (4, 0.17756164)],
        [0.0033414413, -0.04902247, 0.015904041, -0.029019251],
    ),
    tree(
        [(2, 0.42958215), (2, 0.03906955), (19, 0.3483684)],
        [0.0032422242, -0.019078607, 0.08897179, -0.0011681826],
    ),
    tree(
        [(9, 0.84934497), (2, 0.03906955), (19, 0.5452816)],
        [0.025161933, -0.034389917, 0.0027811604, -0.03629259],
    ),
    tree(
        [(2, 0.42958215), (14, 0.22252539), (19, 0.3483684)],
        [-0.015146986, 0.0029087104, 0.08249742, 0.0013578981],
    ),
    tree(
        [(3, 0.46333125), (0, 0.23890555), (4, 0.06707585)],
        [0.0021155777, -0.016516233, 0.005691879, 0.06858503],
    ),
    tree(
        [(14, 0.07002574), (0, f32::NEG_INFINITY), (0, 0.049117647)],
        [-0.0, -0.05042763, 0.037056785, -0.0010807255],
    ),
    tree(
        [(13, 0.07692308), (0, 0.23890555), (1, 0.1253018)],
        [-0.0002953768, -0.069578074, -0.021803977, 0.017506303],
    ),
    tree(
        [(1, 0.22781277), (14, 0.22252539), (14, 0.4360536)],
        [-0.01196595, 0.012315515, 0.020619748, -0.028523263],
    ),
    tree(
        [(15, 0.53648067), (5, 1.0), (5, 1.0)],
        [-0.026110673, 0.0082639875, 0.04480539, -0.0065408647],
    ),
    tree(
        [(12, 0.1), (11, 0.5), (15, 0.10575916)],
        [0.0051163468, -0.043171104, 0.061252248, 0.0012829964],
    ),
    tree(
        [(0, 0.3522129), (1, 0.22781277), (0, f32::NEG_INFINITY)],
        [0.0042289384, -0.013638434, -0.0, 0.046987478],
    ),
    tree(
        [(9, 0.84934497), (2, 0.03906955), (1, 0.22781277)],
        [0.023151927, -0.030313596, -0.0011380416, -0.055597864],
    ),
    tree(
        [(2, 0.42958215), (12, 0.16666667), (12, 0.2)],
        [-0.0066224798, 0.008696093, 0.05835098, -0.022116167],
    ),
    tree(
        [(15, 0.16774194), (4, 0.24293728), (8, 0.03282948)],
        [0.007978708, -0.15153027, -0.032692753, 0.0064295065],
    ),
    tree(
        [(4, 0.37151134), (14, 0.11794207), (3, 0.12368593)],
        [-0.034964725, 0.00072879676, -0.019507647, 0.10698146],
    ),
    tree(
        [(16, 0.031045616), (0, f32::NEG_INFINITY), (16, 0.057662047)],
        [-0.0, 0.049024776, -0.03689081, 0.0016779361],
    ),
    tree(
        [(1, 0.010337756), (14, 0.2796094), (12, 0.05882353)],
        [-0.0056150304, 0.105203874, -0.056806464, 0.0003621873],
    ),
    tree(
        [(3, 0.46333125), (14, 0.34674993), (14, 0.2796094)],
        [0.00529836, -0.008572111, 0.0037785994, 0.06543078],
    ),
    tree(
        [(9, 0.47536343), (0, f32::NEG_INFINITY), (0, 0.3522129)],
        [-0.0, -0.03848289, -0.0001360768, 0.066641346],
    ),
    tree(
        [(15, 0.53648067), (5, 1.0), (5, 1.0)],
        [-0.02378227, 0.0074568116, 0.040871736, -0.00571491],
    ),
    tree(
        [(4, 0.37151134), (13, 0.09090909), (0, 0.16619805)],
        [-0.0069329785, 0.009012015, 0.085671894, -0.036981363],
    ),
    tree(
        [(12, 0.5), (13, 0.09090909), (5, 1.0)],
        [-0.0046065687, 0.016628144, -0.08628333, 0.015779667],
    ),
    tree(
        [(16, 0.031045616), (0, f32::NEG_INFINITY), (16, 0.057662047)],
        [-0.0, 0.045372132, -0.034106642, 0.0014913795],
    ),
    tree(
        [(1, 0.010337756), (14, 0.2796094), (19, 0.103087865)],
        [-0.004257439, 0.09722753, -0.048149273, 0.00064092135],
    ),
    tree(
        [(0, 0.049117647), (8, 0.06130913), (15, 0.16774194)],
        [-0.027446, 0.13324876, -0.026881935, 0.0020536426],
    ),
];
const FITTED_THRESHOLD: f32 = 0.45;
const FITTED_MISSING_WEIGHT: f32 = 0.50;

/// A regression tree of depth two over the pair features: node 0 splits first, then node 1
/// (left side, `x[feature] < threshold`) or node 2; `leaves` are left-left, left-right,
/// right-left, right-right.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tree {
    pub splits: [(u8, f32); 3],
    pub leaves: [f32; 4],
}

/// A [`Tree`] from its parts, for the fitted table.
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

/// Re-clusters `articles`: returns for each article the index of the first article of its group,
/// so equal values mean one story.
pub fn recluster(articles: &[&Article], config: &BatchConfig) -> Vec<usize> {
    let pairs = pair_features(articles, config);
    let scored: Vec<(usize, usize, f32)> = pairs
        .iter()
        .map(|p| (p.a, p.b, config.probability(&p.x)))
        .collect();
    average_link(
        articles.len(),
        &scored,
        config.threshold,
        config.missing_weight,
    )
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
    words: usize,
}

/// The candidate pairs of a batch with their features, sorted by `(a, b)`.
pub fn pair_features(articles: &[&Article], config: &BatchConfig) -> Vec<PairFeatures> {
    let n = articles.len();
    // Site furniture is left out of the features, so two pages that share only an archive notice
    // or a share prompt have nothing in common (a page of nothing else stays alone).
    let cleaned: Vec<(String, f32)> = articles
        .iter()
        .map(|a| strip_boilerplate(&a.text))
        .collect();
    let feats: Vec<Features> = articles
        .iter()
        .zip(&cleaned)
        .map(|(a, (body, _))| features::extract(a.title.as_deref(), body))
        .collect();
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
    let docs: Vec<Doc> = feats
        .iter()
        .zip(&cleaned)
        .map(|(f, (_, share))| {
            let mut d = doc(f, &idf, config);
            d.name_rarity = d.names.iter().map(|&k| rarity(k)).collect();
            d.boilerplate = *share;
            d
        })
        .collect();

    // Candidates: partial dot products over each article's heaviest terms through an inverted
    // index. Terms in one article only, or in very many, find nothing worth the cost; the
    // posting lists stay short, so the work grows with the batch, not its square.
    let skip_df = ((config.max_df_share * n as f32) as usize)
        .max(config.min_skip_df)
        .min(config.max_skip_df);
    let probes: Vec<Vector> = docs
        .iter()
        .map(|d| {
            let mut p: Vector = d
                .all
                .iter()
                .copied()
                .filter(|&(k, _)| {
                    let f = df.get(&k).copied().unwrap_or(0) as usize;
                    f >= 2 && f <= skip_df
                })
                .collect();
            p.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
            p.truncate(config.probe_terms);
            p
        })
        .collect();
    let mut postings: IdMap<u64, Vec<(usize, f32)>> = IdMap::default();
    for (i, p) in probes.iter().enumerate() {
        for &(k, w) in p {
            postings.entry(k).or_default().push((i, w));
        }
    }
    let mut scratch = vec![0.0f32; n];
    let mut touched: Vec<usize> = Vec::new();
    let mut neighbours: Vec<Vec<(usize, f32)>> = Vec::with_capacity(n);
    for (i, p) in probes.iter().enumerate() {
        for &(k, w) in p {
            let Some(list) = postings.get(&k) else {
                continue;
            };
            for &(j, wj) in list {
                if j != i {
                    if scratch[j] == 0.0 {
                        touched.push(j);
                    }
                    scratch[j] += w * wj;
                }
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
        neighbours.push(near);
    }
    let mut pairs: Vec<(usize, usize)> = neighbours
        .iter()
        .enumerate()
        .flat_map(|(i, near)| near.iter().map(move |&(j, _)| (i.min(j), i.max(j))))
        .collect();
    pairs.sort_unstable();
    pairs.dedup();

    // Exact combined cosines, then each article's ranking of its candidate partners.
    let cos_all: Vec<f32> = pairs
        .iter()
        .map(|&(a, b)| cosine(&docs[a].all, &docs[b].all))
        .collect();
    let mut partners: Vec<Vec<(usize, f32)>> = vec![Vec::new(); n];
    for (&(a, b), &c) in pairs.iter().zip(&cos_all) {
        partners[a].push((b, c));
        partners[b].push((a, c));
    }
    let mut rank: Vec<IdMap<u64, usize>> = Vec::with_capacity(n);
    let mut top: Vec<f32> = Vec::with_capacity(n);
    for p in &mut partners {
        p.sort_by(by_score_then_index);
        top.push(p.first().map_or(0.0, |x| x.1));
        rank.push(
            p.iter()
                .enumerate()
                .map(|(r, &(j, _))| (j as u64, r))
                .collect(),
        );
    }

    pairs
        .iter()
        .zip(&cos_all)
        .map(|(&(a, b), &c)| {
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
            PairFeatures { a, b, x }
        })
        .collect()
}

fn by_score_then_index(x: &(usize, f32), y: &(usize, f32)) -> Ordering {
    y.1.partial_cmp(&x.1)
        .unwrap_or(Ordering::Equal)
        .then(x.0.cmp(&y.0))
}

fn doc(f: &Features, idf: &dyn Fn(u64) -> f32, config: &BatchConfig) -> Doc {
    let mut kinds: [Vector; KINDS] = Default::default();
    let mut all = Vector::new();
    let mut lead = Vector::new();
    let mut salient_names = Vec::new();
    let mut names = Vec::new();
    let mut dates = Vec::new();
    for t in &f.terms {
        let w = (1.0 + t.tf.ln()) * idf(t.key);
        kinds[t.kind as usize].push((t.key, w));
        if matches!(t.kind, Kind::Word | Kind::Entity | Kind::Title) {
            all.push((t.key, w));
        }
        let in_lead = matches!(&t.origin, Origin::Body(s) if s.start < config.lead_bytes);
        if (t.kind == Kind::Word && in_lead) || t.kind == Kind::Title {
            lead.push((t.key, w));
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

/// Lower-case phrases of site furniture: archive notices, share and subscribe prompts, player
/// and cookie messages. A page made mostly of these tells no story of its own.
const BOILERPLATE: [&str; 26] = [
    "tweet location",
    "learn more",
    "twitter status",
    "copying the code below",
    "internet archive",
    "wayback machine",
    "crawl",
    "tweet with a location",
    "your tweets",
    "javascript",
    "your browser does not support",
    "media playback is unsupported",
    "interactive transcript could not be loaded",
    "video has been rented",
    "newsletter",
    "subscribe",
    "cookies",
    "opens in new window",
    "all rights reserved",
    "privacy policy",
    "terms of use",
    "terms of service",
    "click here",
    "reprints",
    "non-commercial use",
    "sign up",
];

/// Share of the sentences of `text` that hold a [`BOILERPLATE`] phrase (0 for no sentences).
pub fn boilerplate_share(text: &str) -> f32 {
    strip_boilerplate(text).1
}

/// The sentences of `text` without a [`BOILERPLATE`] phrase, joined by blank lines, and the
/// share of sentences left out.
fn strip_boilerplate(text: &str) -> (String, f32) {
    let lower = text.to_ascii_lowercase();
    let sentences = text::sentences(text);
    if sentences.is_empty() {
        return (text.to_owned(), 0.0);
    }
    let mut kept = String::with_capacity(text.len());
    let mut hits = 0;
    for s in &sentences {
        let furniture = lower
            .get(s.start..s.end)
            .is_some_and(|t| BOILERPLATE.iter().any(|p| t.contains(p)));
        if furniture {
            hits += 1;
        } else if let Some(t) = text.get(s.start..s.end) {
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
/// Returns for each item the smallest item index of its group.
pub fn average_link(
    n: usize,
    pairs: &[(usize, usize, f32)],
    threshold: f32,
    missing_weight: f32,
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
    let mean = |(s, k): (f64, f64), na: usize, nb: usize| -> f64 {
        let all = (na * nb) as f64;
        let denominator = k + m * (all - k).max(0.0);
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
            let link = mean(e, 1, 1);
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
        for (&c, &e) in &sums[a] {
            let link = mean(e, size[a], size[c]);
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
        assert_eq!(average_link(n, pairs, threshold, 1.0), expected);
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
        let got = recluster(&refs, &config);
        assert_eq!(got, [0, 0, 0, 3, 3, 3, 6, 7]);
        // Deterministic. (Two texts about different events that are the same sentences with
        // the names swapped do merge: the model has learnt that the words matter most.)
        assert_eq!(pair_features(&refs, &config), pair_features(&refs, &config));
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
            let groups = recluster(&refs, &BatchConfig::default());
            proptest::prop_assert_eq!(groups.len(), refs.len());
            for (i, &g) in groups.iter().enumerate() {
                proptest::prop_assert!(g <= i && groups[g] == g);
            }
        }
    }

    #[test]
    fn recluster_of_empty_and_tiny_batches() {
        assert!(recluster(&[], &BatchConfig::default()).is_empty());
        let one = article("A title", "x");
        assert_eq!(recluster(&[&one], &BatchConfig::default()), [0]);
    }
}
