//! Near-duplicate detection: MinHash signatures over word shingles, banded into an LSH table, so
//! each new article is compared only with the few earlier ones that share a band — never with all
//! of them. The index holds a bounded window of recent articles (by count and by time) and
//! forgets the oldest. It never keeps article text: a signature, paragraph hashes and an id.

use std::collections::VecDeque;

use ingest::Article;
use serde::{Deserialize, Serialize};

use crate::features::{self, Features};
use crate::hash::{IdMap, SplitMix, combine};
use crate::lexicon::is_wire_agency;

/// MinHash values per signature: `BANDS` bands of `ROWS` rows. A pair with shingle Jaccard
/// similarity J shares at least one band with probability 1 − (1 − J³)¹⁶: 0.65 at J = 0.4,
/// 0.88 at 0.5, 0.97 at 0.6, and about 2·10⁻⁵ for unrelated texts (J ≈ 0.01).
pub const SIGNATURE: usize = BANDS * ROWS;
const BANDS: usize = 16;
const ROWS: usize = 3;
const NONE: u64 = u64::MAX;
/// Candidates checked per article at most (a bucket of boilerplate can be long).
const MAX_CANDIDATES: usize = 256;

/// Settings of the duplicate index. The defaults are fixed; see each field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DupConfig {
    /// A candidate is a copy when at least this share of the shorter text's shingles are in the
    /// longer one (estimated from the signatures).
    pub min_containment: f32,
    /// At or above this containment the copy is a syndicated copy, below it a rewrite.
    pub syndicated_containment: f32,
    /// Texts with fewer shingles than this are never called copies (too short to tell).
    pub min_shingles: usize,
    /// How many recent articles the index remembers.
    pub capacity: usize,
    /// How far back in publication time (seconds) a copy's original may lie.
    pub window_secs: i64,
}

impl Default for DupConfig {
    fn default() -> Self {
        DupConfig {
            min_containment: 0.5,
            syndicated_containment: 0.8,
            min_shingles: 8,
            capacity: 200_000,
            window_secs: 14 * 24 * 3600,
        }
    }
}

/// How a copy relates to its original.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DuplicateKind {
    /// The same body, word for word (the headline may differ).
    Exact,
    /// Most of the shorter text appears verbatim in the longer (at least half its paragraphs,
    /// or `syndicated_containment` of its shingles): a republished wire story with a new
    /// headline, a trimmed ending or an added paragraph.
    Syndicated,
    /// The same text lightly edited: much shared wording, but less than a syndicated copy.
    Rewrite,
}

impl DuplicateKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DuplicateKind::Exact => "exact",
            DuplicateKind::Syndicated => "syndicated",
            DuplicateKind::Rewrite => "rewrite",
        }
    }
}

/// A copy found for a new article, and how much it changed.
#[derive(Debug, Clone, PartialEq)]
pub struct Duplicate {
    /// Id of the original: the earliest article of the copy group, or the wire agency's copy.
    pub original: String,
    pub kind: DuplicateKind,
    /// Estimated Jaccard similarity of the two shingle sets.
    pub jaccard: f32,
    /// Estimated share of the shorter text's shingles found in the longer one.
    pub containment: f32,
    /// Paragraphs of the new article not in the original, and of the original not in the new.
    pub paragraphs_added: usize,
    pub paragraphs_removed: usize,
    /// True when the headline differs from the original's.
    pub title_changed: bool,
}

/// A compact description of one article for duplicate detection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fingerprint {
    #[serde(with = "crate::state::boxed_array")]
    signature: Box<[u32; SIGNATURE]>,
    shingles: u32,
    paragraphs: Box<[u64]>,
    body: u64,
    title: u64,
}

impl Fingerprint {
    /// The fingerprint of an article's title and body.
    pub fn of(article: &Article) -> Fingerprint {
        let f = features::extract(article.title.as_deref(), &article.text);
        Fingerprint::from_features(f, article.title.as_deref())
    }

    /// Consumes the shingles and paragraphs of `f` (the clusterer needs only its terms).
    pub(crate) fn from_features(mut f: Features, title: Option<&str>) -> Fingerprint {
        let mut shingles = std::mem::take(&mut f.shingles);
        shingles.sort_unstable();
        shingles.dedup();
        let sig = signature_of(&shingles);
        let mut paragraphs = std::mem::take(&mut f.paragraphs);
        paragraphs.sort_unstable();
        Fingerprint {
            signature: Box::new(sig),
            shingles: shingles.len() as u32,
            paragraphs: paragraphs.into_boxed_slice(),
            body: f.body,
            title: crate::hash::hash_bytes(title.unwrap_or("").trim().to_lowercase().as_bytes()),
        }
    }

    /// Estimated Jaccard similarity of the two shingle sets. Symmetric.
    pub fn jaccard(&self, other: &Fingerprint) -> f32 {
        estimate_jaccard(
            (&self.signature, self.shingles, self.body),
            (&other.signature, other.shingles, other.body),
        )
    }

    /// Estimated share of the smaller shingle set that lies in the larger one. Symmetric.
    pub fn containment(&self, other: &Fingerprint) -> f32 {
        containment_of(self.jaccard(other), self.shingles, other.shingles)
    }

    fn band_keys(&self) -> [u64; BANDS] {
        band_keys(&self.signature)
    }
}

/// The LSH key of each band of a signature.
fn band_keys(signature: &[u32; SIGNATURE]) -> [u64; BANDS] {
    std::array::from_fn(|band| {
        signature[band * ROWS..(band + 1) * ROWS]
            .iter()
            .fold(band as u64, |acc, &v| combine(acc, u64::from(v)))
    })
}

/// Share of equal MinHash values; for two texts without shingles, whether the bodies are equal.
fn estimate_jaccard(
    (a, a_shingles, a_body): (&[u32; SIGNATURE], u32, u64),
    (b, b_shingles, b_body): (&[u32; SIGNATURE], u32, u64),
) -> f32 {
    if a_shingles == 0 || b_shingles == 0 {
        return if a_body == b_body { 1.0 } else { 0.0 };
    }
    let same = a.iter().zip(b.iter()).filter(|(x, y)| x == y).count();
    same as f32 / SIGNATURE as f32
}

/// Containment from the Jaccard estimate and the two set sizes: |A ∩ B| / min(|A|, |B|).
fn containment_of(j: f32, a: u32, b: u32) -> f32 {
    let (a, b) = (a as f32, b as f32);
    if a == 0.0 || b == 0.0 {
        return j;
    }
    let inter = j * (a + b) / (1.0 + j);
    (inter / a.min(b)).min(1.0)
}

/// The MinHash signature of a set of shingle hashes: for each permutation `a·h + b` (the upper
/// half of the low 64 bits), the least value over the set; `u32::MAX` each for an empty set.
///
/// This is most of the per-article cost of duplicate detection, so on x86-64 the same code is
/// also compiled for AVX-512 and AVX2 and picked at run time; all versions compute the same
/// integers, so the signature never depends on the machine.
fn signature_of(shingles: &[u64]) -> [u32; SIGNATURE] {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512dq")
            && std::arch::is_x86_feature_detected!("avx512vl")
        {
            // SAFETY: the CPU has the features this version is compiled for.
            return unsafe { signature_avx512(shingles) };
        }
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: as above.
            return unsafe { signature_avx2(shingles) };
        }
    }
    signature_portable(shingles)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq,avx512vl")]
fn signature_avx512(shingles: &[u64]) -> [u32; SIGNATURE] {
    signature_portable(shingles)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn signature_avx2(shingles: &[u64]) -> [u32; SIGNATURE] {
    signature_portable(shingles)
}

/// Written so the compiler vectorises it: one lane per permutation, 64-bit minima.
#[inline(always)]
fn signature_portable(shingles: &[u64]) -> [u32; SIGNATURE] {
    let (a, b) = permutations();
    let mut min = [u64::from(u32::MAX); SIGNATURE];
    for &h in shingles {
        for i in 0..SIGNATURE {
            min[i] = min[i].min(a[i].wrapping_mul(h).wrapping_add(b[i]) >> 32);
        }
    }
    min.map(|v| v as u32)
}

/// The fixed random multipliers of the MinHash permutations (seed 0x5eed).
fn permutations() -> &'static ([u64; SIGNATURE], [u64; SIGNATURE]) {
    static P: std::sync::OnceLock<([u64; SIGNATURE], [u64; SIGNATURE])> =
        std::sync::OnceLock::new();
    P.get_or_init(|| {
        let mut rng = SplitMix(0x5eed);
        let mut a = [0; SIGNATURE];
        let mut b = [0; SIGNATURE];
        for i in 0..SIGNATURE {
            a[i] = rng.next_u64() | 1;
            b[i] = rng.next_u64();
        }
        (a, b)
    })
}

/// What the index found for a fingerprint: the copy relation and the caller's tag of the
/// original (the clusterer stores story numbers there).
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    pub duplicate: Duplicate,
    pub tag: u64,
    /// Position of the original in the index.
    root: u64,
}

/// One remembered article. The fingerprint is stored inline (no pointer to follow), so
/// comparing a candidate touches one record.
#[derive(Serialize, Deserialize)]
struct Entry {
    #[serde(with = "crate::state::array")]
    signature: [u32; SIGNATURE],
    shingles: u32,
    wire: bool,
    body: u64,
    title: u64,
    /// Sequence number of this group's original (itself when it is one).
    root: u64,
    tag: u64,
    time: Option<i64>,
    id: Box<str>,
    /// Sorted paragraph hashes.
    paragraphs: Box<[u64]>,
}

/// How a new fingerprint compares with one entry (the [`Duplicate`] is built only for the best).
struct Comparison {
    kind: DuplicateKind,
    jaccard: f32,
    containment: f32,
    shared: usize,
}

/// The near-duplicate index: a sliding window of recent fingerprints with an LSH table.
///
/// **Invariant:** every bucket holds the newest window entry with that band; chains run from
/// newer to older entries and are cut at the window's start, so memory is bounded by
/// `capacity` (a fixed-size record per article plus one map slot per band).
#[derive(Serialize, Deserialize)]
pub struct DuplicateIndex {
    config: DupConfig,
    entries: VecDeque<Entry>,
    /// Beside each entry, how far back the next older entry in each of its band buckets is
    /// (0: none). Kept apart from the entries, 64 bytes each, so walking a bucket chain reads
    /// one small record per step that mostly stays in cache, not a 400-byte entry.
    chains: VecDeque<[u32; BANDS]>,
    /// Sequence number of `entries[0]`.
    base: u64,
    /// Band key → newest entry with that band; older ones follow `Entry::next`.
    buckets: IdMap<u64, u64>,
    newest: Option<i64>,
}

impl DuplicateIndex {
    pub fn new(config: DupConfig) -> Self {
        DuplicateIndex {
            config,
            entries: VecDeque::new(),
            chains: VecDeque::new(),
            base: 0,
            buckets: IdMap::default(),
            newest: None,
        }
    }

    /// Checks an article against the window and then remembers it. Returns the copy relation
    /// when the article is a near-duplicate of an earlier one.
    pub fn add(&mut self, article: &Article) -> Option<Duplicate> {
        let fp = Fingerprint::of(article);
        let time = article.published.map(|t| t.timestamp());
        let wire = article.outlet.as_deref().is_some_and(is_wire_agency);
        let found = self.find(&fp, time);
        self.insert(&article.id, fp, time, wire, found.as_ref(), 0);
        found.map(|m| m.duplicate)
    }

    /// How many articles the window holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The best earlier copy of `fp` in the window, if any. A wire agency's copy is preferred,
    /// then the highest similarity, then the earliest.
    pub fn find(&self, fp: &Fingerprint, time: Option<i64>) -> Option<Match> {
        if (fp.shingles as usize) < self.config.min_shingles {
            return None;
        }
        // On the stack: this runs once per article.
        let mut candidates = [0u64; MAX_CANDIDATES];
        let mut len = 0;
        for (band, key) in fp.band_keys().into_iter().enumerate() {
            let mut seq = self.buckets.get(&key).copied().unwrap_or(NONE);
            // Entries older than the window were evicted; the chain ends there.
            while seq != NONE && seq >= self.base && len < MAX_CANDIDATES {
                candidates[len] = seq;
                len += 1;
                seq = self.next_in_band(seq, band);
            }
        }
        let candidates = &mut candidates[..len];
        candidates.sort_unstable();
        let mut best: Option<(bool, f32, u64, Comparison)> = None;
        let mut previous = NONE;
        for &seq in candidates.iter() {
            if seq == previous {
                continue;
            }
            previous = seq;
            let Some(e) = self.entry(seq) else {
                continue;
            };
            if let (Some(t), Some(et)) = (time, e.time)
                && (t - et).abs() > self.config.window_secs
            {
                continue;
            }
            let Some(c) = self.compare(fp, e) else {
                continue;
            };
            let root_wire = self.entry(e.root).is_some_and(|r| r.wire);
            // Strictly better only: on ties the earliest candidate stays.
            let better = match &best {
                None => true,
                Some((bw, bj, _, _)) => (root_wire, c.jaccard) > (*bw, *bj),
            };
            if better {
                best = Some((root_wire, c.jaccard, seq, c));
            }
        }
        let (_, _, seq, c) = best?;
        let e = self.entry(seq)?;
        // Point at the group's original, unless it has left the window.
        let (root, original) = match self.entry(e.root) {
            Some(r) => (e.root, &r.id),
            None => (seq, &e.id),
        };
        Some(Match {
            duplicate: Duplicate {
                original: original.to_string(),
                kind: c.kind,
                jaccard: c.jaccard,
                containment: c.containment,
                paragraphs_added: fp.paragraphs.len() - c.shared,
                paragraphs_removed: e.paragraphs.len() - c.shared,
                title_changed: fp.title != e.title,
            },
            tag: e.tag,
            root,
        })
    }

    /// The next older entry in `seq`'s bucket of `band`, or `NONE`.
    fn next_in_band(&self, seq: u64, band: usize) -> u64 {
        let back = usize::try_from(seq.wrapping_sub(self.base))
            .ok()
            .and_then(|i| self.chains.get(i))
            .map_or(0, |c| c[band]);
        if back == 0 {
            NONE
        } else {
            seq - u64::from(back)
        }
    }

    fn entry(&self, seq: u64) -> Option<&Entry> {
        self.entries
            .get(usize::try_from(seq.checked_sub(self.base)?).ok()?)
    }

    fn compare(&self, fp: &Fingerprint, e: &Entry) -> Option<Comparison> {
        if (e.shingles as usize) < self.config.min_shingles {
            return None;
        }
        let exact = fp.body == e.body;
        let (jaccard, containment) = if exact {
            (1.0, 1.0)
        } else {
            let j = estimate_jaccard(
                (&fp.signature, fp.shingles, fp.body),
                (&e.signature, e.shingles, e.body),
            );
            (j, containment_of(j, fp.shingles, e.shingles))
        };
        if containment < self.config.min_containment {
            return None;
        }
        let shared = count_shared(&fp.paragraphs, &e.paragraphs);
        // A syndicated copy keeps whole paragraphs word for word (trimming or adding some); a
        // rewrite edits inside them.
        let fewer = fp.paragraphs.len().min(e.paragraphs.len());
        let verbatim = fewer > 1 && 2 * shared >= fewer;
        let kind = if exact {
            DuplicateKind::Exact
        } else if verbatim || containment >= self.config.syndicated_containment {
            DuplicateKind::Syndicated
        } else {
            DuplicateKind::Rewrite
        };
        Some(Comparison {
            kind,
            jaccard,
            containment,
            shared,
        })
    }

    /// Remembers an article. `found` is what [`find`](Self::find) returned for it; `tag` is
    /// kept for the caller and returned with matches against this article.
    pub fn insert(
        &mut self,
        id: &str,
        fp: Fingerprint,
        time: Option<i64>,
        wire: bool,
        found: Option<&Match>,
        tag: u64,
    ) {
        let seq = self.base + self.entries.len() as u64;
        // A wire agency's copy heads its own group: later copies prefer it as their original.
        let root = if wire {
            seq
        } else {
            found.map_or(seq, |m| m.root)
        };
        if let Some(t) = time {
            self.newest = Some(self.newest.map_or(t, |n| n.max(t)));
        }
        let mut next = [0u32; BANDS];
        for (band, key) in fp.band_keys().into_iter().enumerate() {
            // A link further back than u32 can say would be outside any window: chain ends.
            next[band] = self
                .buckets
                .insert(key, seq)
                .and_then(|older| seq.checked_sub(older))
                .and_then(|back| u32::try_from(back).ok())
                .unwrap_or(0);
        }
        self.chains.push_back(next);
        self.entries.push_back(Entry {
            signature: *fp.signature,
            shingles: fp.shingles,
            wire,
            body: fp.body,
            title: fp.title,
            root,
            tag,
            time,
            id: id.into(),
            paragraphs: fp.paragraphs,
        });
        self.evict();
    }

    fn evict(&mut self) {
        loop {
            let Some(front) = self.entries.front() else {
                return;
            };
            let too_many = self.entries.len() > self.config.capacity;
            let too_old = matches!((front.time, self.newest), (Some(t), Some(n)) if n - t > self.config.window_secs);
            if !(too_many || too_old) {
                return;
            }
            let Some(e) = self.entries.pop_front() else {
                return;
            };
            self.chains.pop_front();
            let seq = self.base;
            self.base += 1;
            // The oldest entry ends every chain it is in; a bucket whose newest entry it is
            // holds nothing else.
            for key in band_keys(&e.signature) {
                if self.buckets.get(&key) == Some(&seq) {
                    self.buckets.remove(&key);
                }
            }
        }
    }
}

/// Number of equal values in two sorted slices (as multisets).
fn count_shared(a: &[u64], b: &[u64]) -> usize {
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const WIRE: &str = "Engineers at the Kessel reservoir opened all four spillways on Tuesday as the water \
        level rose to within a metre of the crest.\n\nThe regional authority said about 3,000 residents of \
        the lower town had been told to leave their homes before nightfall.\n\nMayor Edda Brun said buses \
        would run every half hour from the market square to the sports hall in Ostby.\n\nThe reservoir, \
        built in 1962, holds back the river Orla above the valley.";

    fn article(id: &str, outlet: &str, title: &str, text: &str) -> Article {
        ingest::Draft {
            outlet: Some(outlet.to_owned()),
            title: Some(title.to_owned()),
            body: text.to_owned(),
            ..ingest::Draft::default()
        }
        .finish(ingest::Source::file(id))
        .map(|mut a| {
            a.id = id.to_owned();
            a
        })
        .expect("fixture has text")
    }

    /// Adds the articles in order; returns what the last one was found to copy.
    fn check(articles: &[Article]) -> Option<Duplicate> {
        let mut index = DuplicateIndex::new(DupConfig::default());
        let mut last = None;
        for a in articles {
            last = index.add(a);
        }
        last
    }

    #[test]
    fn exact_copy_with_a_new_headline() {
        let d = check(&[
            article("a", "Meridian Press", "Kessel dam spillways opened", WIRE),
            article(
                "b",
                "Valley Courier",
                "Thousands told to leave as Kessel dam fills",
                WIRE,
            ),
        ])
        .expect("a copy");
        assert_eq!((d.original.as_str(), d.kind), ("a", DuplicateKind::Exact));
        assert!(d.title_changed);
        assert_eq!((d.paragraphs_added, d.paragraphs_removed), (0, 0));
    }

    #[test]
    fn syndicated_copy_trimmed_and_extended() {
        let paragraphs: Vec<&str> = WIRE.split("\n\n").collect();
        let copy = format!(
            "{}\n\nOur reporter in Ostby saw the first buses arrive shortly after six.",
            paragraphs[..3].join("\n\n")
        );
        let d = check(&[
            article("a", "Meridian Press", "Kessel dam spillways opened", WIRE),
            article("b", "Ostby Herald", "Buses to Ostby as dam rises", &copy),
        ])
        .expect("a copy");
        assert_eq!(
            (d.original.as_str(), d.kind),
            ("a", DuplicateKind::Syndicated)
        );
        assert_eq!((d.paragraphs_added, d.paragraphs_removed), (1, 1));
        assert!(d.containment >= 0.6, "{d:?}");
    }

    #[test]
    fn light_rewrite_is_told_apart() {
        let edited = WIRE
            .replace(
                "Engineers at the Kessel reservoir",
                "Kessel reservoir engineers",
            )
            .replace("had been told to leave their homes", "were ordered out")
            .replace(
                "would run every half hour",
                "will leave every thirty minutes",
            )
            .replace("The reservoir, built", "The dam, completed");
        let d = check(&[
            article("a", "Meridian Press", "Kessel dam spillways opened", WIRE),
            article("b", "Ostby Herald", "Kessel dam spillways opened", &edited),
        ])
        .expect("a copy");
        assert_eq!(d.kind, DuplicateKind::Rewrite, "{d:?}");
        assert_eq!((d.paragraphs_added, d.paragraphs_removed), (4, 4));
    }

    #[test]
    fn independent_report_of_the_same_event_is_not_a_copy() {
        let other = "Residents of Kessel queued for buses on Tuesday evening after officials warned that \
            the dam above the town could overflow. Several families said they had packed only \
            documents and medicine. In Ostby, volunteers set out camp beds in the sports hall, and \
            the regional authority promised an update at midnight.";
        assert_eq!(
            check(&[
                article("a", "Meridian Press", "Kessel dam spillways opened", WIRE),
                article(
                    "b",
                    "Nordhaven Ledger",
                    "A night of waiting in Kessel",
                    other
                ),
            ]),
            None
        );
    }

    #[test]
    fn copies_of_copies_point_to_the_earliest() {
        let d = check(&[
            article("a", "Valley Courier", "Kessel dam spillways opened", WIRE),
            article("b", "Ostby Herald", "Kessel dam fills", WIRE),
            article("c", "Coast Tribune", "Dam fills above Kessel", WIRE),
        ])
        .expect("a copy");
        assert_eq!(d.original, "a");
    }

    #[test]
    fn a_wire_agency_copy_is_preferred_as_original() {
        let d = check(&[
            article("a", "Valley Courier", "Kessel dam spillways opened", WIRE),
            article("b", "Reuters", "Kessel dam fills", WIRE),
            article("c", "Coast Tribune", "Dam fills above Kessel", WIRE),
        ])
        .expect("a copy");
        assert_eq!(d.original, "b");
    }

    #[test]
    fn short_texts_are_never_copies() {
        let short = "Dam opened.";
        assert_eq!(
            check(&[article("a", "X", "t", short), article("b", "Y", "t", short)]),
            None
        );
    }

    #[test]
    fn window_stays_within_capacity() {
        let config = DupConfig {
            capacity: 3,
            ..DupConfig::default()
        };
        let mut index = DuplicateIndex::new(config);
        for i in 0..10 {
            let text = format!(
                "{WIRE} Update number {i} of the evening, with new figures {}.",
                i * 7
            );
            index.add(&article(&i.to_string(), "X", "t", &text));
        }
        assert_eq!(index.len(), 3);
        assert_eq!(index.chains.len(), 3);
        assert!(index.buckets.len() <= 3 * BANDS);
    }

    /// The signature as first written: one permutation at a time, scalar.
    fn reference_signature(shingles: &[u64]) -> [u32; SIGNATURE] {
        let (a, b) = permutations();
        let mut sig = [u32::MAX; SIGNATURE];
        for &h in shingles {
            for i in 0..SIGNATURE {
                sig[i] = sig[i].min((a[i].wrapping_mul(h).wrapping_add(b[i]) >> 32) as u32);
            }
        }
        sig
    }

    proptest! {
        #[test]
        fn every_signature_version_computes_the_same_values(shingles in proptest::collection::vec(any::<u64>(), 0..300)) {
            let expected = reference_signature(&shingles);
            prop_assert_eq!(signature_of(&shingles), expected);
            prop_assert_eq!(signature_portable(&shingles), expected);
        }

        #[test]
        fn similarity_is_symmetric_and_bounded(a in "[a-e ]{0,200}", b in "[a-e ]{0,200}") {
            let fa = Fingerprint::of(&article("a", "X", "t", &format!("x {a}")));
            let fb = Fingerprint::of(&article("b", "X", "t", &format!("x {b}")));
            prop_assert_eq!(fa.jaccard(&fb), fb.jaccard(&fa));
            prop_assert_eq!(fa.containment(&fb), fb.containment(&fa));
            prop_assert!((0.0..=1.0).contains(&fa.containment(&fb)));
            prop_assert_eq!(fa.jaccard(&fa), 1.0);
        }
    }
}
