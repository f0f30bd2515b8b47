//! Online story clustering. Articles arrive one at a time (in publication order, or arrival order
//! when undated); each joins the most similar active story or starts a new one. Nothing here
//! re-reads earlier articles: a story keeps a bounded centroid of weighted terms, and an inverted
//! index from terms to active stories finds the few candidates worth scoring.
//!
//! Similarity is the cosine between the article's vector and a story's centroid, over four kinds
//! of terms weighted separately: body and title words (TF-IDF, IDF learned as the stream goes),
//! names (capitalised phrases, see [`crate::entities`]), numbers, and dates (years, months,
//! days). Names, numbers and dates are what tell two look-alike events apart — two earthquakes,
//! two rehab check-ins — so they weigh more than words. Time distance decays the score. When an
//! article pulls two stories close together they merge, the younger into the older.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use chrono::{DateTime, FixedOffset};
use ingest::Article;
use serde::{Deserialize, Serialize};

use crate::dup::{DupConfig, Duplicate, DuplicateIndex, Fingerprint};
use crate::features::{self, Features, KINDS, Kind, Origin, kind_of};
use crate::hash::IdMap;
use crate::lexicon::is_wire_agency;

/// Clustering settings. [`Config::default`] holds the calibrated values (on ECB+ topics 1–20
/// and the first half of the Multi-News sample; see `cargo xtask eval-stories`); they are the
/// same for every corpus.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Config {
    /// The join model: an article joins the best-scoring story when its score is at least 0.
    pub weights: Weights,
    /// Two stories whose centroids score at least this (same model) merge.
    pub merge_threshold: f32,
    /// Term weights are `(1 + ln tf) · idf^idf_power`: above 1 favours rare terms (names).
    pub idf_power: f32,
    /// Terms kept per story centroid (the heaviest ones).
    pub story_terms: usize,
    /// Terms of an article used to look up candidate stories, and candidates scored in full.
    pub probe_terms: usize,
    pub candidates: usize,
    /// Score lost per day between an article and a story's time span (dated articles only).
    pub decay_per_day: f32,
    /// A story with no new article for this long (publication time) leaves the active pool.
    pub window_hours: f64,
    /// At most this many active stories per language pool; the least recently updated leave.
    pub max_active_stories: usize,
    /// Articles not marked with a language whose share of English stopwords is below this go to
    /// the `und` (undetermined) pool instead of the English one.
    pub min_english_stopwords: f32,
    /// Near-duplicate detection.
    pub duplicates: DupConfig,
}

/// A linear model over [`Signals`]: `bias + Σ present[k] · (similarity[k] · cos[k] + presence[k])`
/// over the kinds words, names, numbers, dates, title words (in that order). Fitted by logistic
/// regression on the dev splits (`cargo xtask eval-stories --fit`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Weights {
    pub similarity: [f32; KINDS],
    pub presence: [f32; KINDS],
    pub bias: f32,
}

/// How an article (or a story) compares with a story, per kind of term: cosine of the TF-IDF
/// vectors, and whether both sides have terms of that kind at all.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Signals {
    pub cosine: [f32; KINDS],
    pub present: [bool; KINDS],
    /// Hours between the article and the story's time span, when both are dated.
    pub hours_apart: Option<f64>,
}

impl Signals {
    /// The join score under `weights` and a time decay of `decay_per_day`.
    pub fn score(&self, weights: &Weights, decay_per_day: f32) -> f32 {
        let mut s = weights.bias;
        for k in 0..KINDS {
            if self.present[k] {
                s += weights.similarity[k] * self.cosine[k] + weights.presence[k];
            }
        }
        if let Some(h) = self.hours_apart {
            s -= decay_per_day * (h / 24.0) as f32;
        }
        s
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            weights: Weights {
                similarity: [6.0, 3.0, 1.0, 1.0, 2.0],
                presence: [0.0, -0.5, -0.2, -0.2, -0.3],
                bias: -0.8,
            },
            merge_threshold: 0.5,
            idf_power: 3.0,
            story_terms: 400,
            probe_terms: 10,
            candidates: 10,
            decay_per_day: 0.5,
            window_hours: 24.0 * 7.0,
            max_active_stories: 20_000,
            min_english_stopwords: 0.15,
            duplicates: DupConfig::default(),
        }
    }
}

/// A story's id: the id of its first article, so it is stable across runs and machines.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct StoryId(pub String);

impl std::fmt::Display for StoryId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What happened to one article.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// The story the article joined or started; `None` when it was not clustered (empty).
    /// Stories can merge later: [`Clusterer::current`] maps an id to the story it is part of now.
    pub story: Option<StoryId>,
    /// True when the article started the story.
    pub new_story: bool,
    /// The join model's score for the story joined (`None` for a new story, and for a copy
    /// that joined its original's story without scoring).
    pub score: Option<f32>,
    /// The earlier article this one copies, and how much changed.
    pub duplicate_of: Option<Duplicate>,
    /// The language pool the article was clustered in (`en`, another ISO 639-1 code, `und`).
    pub language: Option<String>,
    /// Why the article was handled specially (no date, empty, unknown language).
    pub warnings: Vec<String>,
}

/// A story as seen so far.
#[derive(Debug, Clone, PartialEq)]
pub struct Story {
    pub id: StoryId,
    /// The title of the article closest to the story's centroid.
    pub headline: Option<String>,
    /// Key people, places and organisations, most weighty first.
    pub entities: Vec<String>,
    /// Key terms, most weighty first.
    pub terms: Vec<String>,
    pub first_seen: Option<DateTime<FixedOffset>>,
    pub last_seen: Option<DateTime<FixedOffset>>,
    /// Outlets that covered the story, most articles first, then by name.
    pub outlets: Vec<String>,
    pub articles: usize,
    pub language: String,
    /// False once the story has left the active pool (no article within the window).
    pub active: bool,
}

/// The online clusterer. Feed articles with [`add`](Self::add); read [`stories`](Self::stories).
///
/// **Invariant:** the result depends only on the configuration and the sequence of articles
/// given: no clocks, no random seeds, ties broken by story age.
#[derive(Serialize, Deserialize)]
pub struct Clusterer {
    config: Config,
    seq: u64,
    df: DocFreq,
    dups: DuplicateIndex,
    pools: BTreeMap<String, Pool>,
    stories: IdMap<u32, StoryState>,
    next_story: u32,
    /// Stories merged into another: absorbed → absorber.
    merged: IdMap<u32, u32>,
    by_id: HashMap<String, u32>,
    /// Stories closed since the last [`drain_closed`](Clusterer::drain_closed), oldest first.
    closed: Vec<u32>,
    now: Option<i64>,
    /// Buffers reused from one article to the next; never part of the state.
    #[serde(skip)]
    scratch: Scratch,
}

/// Working memory of the assigning thread, kept between articles so the hot path does not
/// allocate (and grow a hash table) for every article.
#[derive(Default)]
struct Scratch {
    /// Rough score per candidate story.
    rough: IdMap<u32, f32>,
    /// The same, as (score, story) for ranking.
    ranked: Vec<(f32, u32)>,
    /// A centroid's terms while it is pruned.
    terms: Vec<(u64, f32)>,
}

/// The part of adding an article that reads only the article.
struct Prepared {
    features: Features,
    fingerprint: Fingerprint,
    /// Why the article is not an article (`text::not_article`): it is then not clustered.
    not_article: Option<String>,
}

impl Prepared {
    fn of(article: &Article) -> Prepared {
        let mut features = features::extract(article.title.as_deref(), &article.text);
        let rest = Features {
            shingles: std::mem::take(&mut features.shingles),
            paragraphs: std::mem::take(&mut features.paragraphs),
            body: features.body,
            ..Features::default()
        };
        let fingerprint = Fingerprint::from_features(rest, article.title.as_deref());
        Prepared {
            features,
            fingerprint,
            not_article: text::not_article(&article.text),
        }
    }
}

#[derive(Serialize, Deserialize)]
struct Pool {
    postings: IdMap<u64, VecDeque<u32>>,
    /// Active stories by (last article sequence, story number).
    active: BTreeSet<(u64, u32)>,
    added: usize,
    /// Stories absorbed into a drained story: their `merged` links go at the next sweep, once
    /// no posting can name them any more.
    retired: Vec<u32>,
}

#[derive(Serialize, Deserialize)]
struct StoryState {
    id: StoryId,
    language: String,
    first_seq: u64,
    last_seq: u64,
    first_time: Option<DateTime<FixedOffset>>,
    last_time: Option<DateTime<FixedOffset>>,
    articles: usize,
    outlets: BTreeMap<String, usize>,
    titles: Vec<(String, Vec<u64>)>,
    labels: IdMap<u64, Label>,
    /// Stories merged into this one, with their ids.
    absorbed: Vec<(u32, String)>,
    /// The centroid (sum of unit article vectors); `None` once closed.
    centroid: Option<Centroid>,
}

#[derive(Default, Serialize, Deserialize)]
struct Centroid {
    weights: IdMap<u64, f32>,
    /// Squared length of each kind's part.
    norm2: [f32; KINDS],
}

#[derive(Serialize, Deserialize)]
struct Label {
    text: String,
    entity: bool,
    weight: f32,
    first: u64,
}

/// An article's TF-IDF vector, each kind's part scaled to unit length, sorted by key.
struct Vector {
    terms: Vec<(u64, f32)>,
    present: [bool; KINDS],
    /// Indices into `terms` of the `HEAVIEST` heaviest terms, heaviest first.
    by_weight: Vec<usize>,
}

const TITLES_KEPT: usize = 24;
const LABELS_KEPT: usize = 48;
const POSTING_CAP: usize = 256;
/// Heaviest terms of each article added to the inverted index.
const INDEX_TERMS: usize = 32;
/// Heaviest terms of an article kept in order (probes, index, labels).
const HEAVIEST: usize = 48;
/// Articles prepared at a time by one thread in [`Clusterer::add_batch`].
const PREPARE_CHUNK: usize = 64;
/// Articles between sweeps of posting lists for closed stories.
const SWEEP_EVERY: usize = 10_000;

impl Clusterer {
    pub fn new(config: Config) -> Self {
        Clusterer {
            dups: DuplicateIndex::new(config.duplicates.clone()),
            config,
            seq: 0,
            df: DocFreq::new(),
            pools: BTreeMap::new(),
            stories: IdMap::default(),
            next_story: 0,
            merged: IdMap::default(),
            by_id: HashMap::new(),
            closed: Vec::new(),
            now: None,
            scratch: Scratch::default(),
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Clusters one article: finds its copies, then joins it to a story or starts one.
    pub fn add(&mut self, article: &Article) -> Assignment {
        let prepared = Prepared::of(article);
        self.add_prepared(article, prepared)
    }

    /// Clusters a batch of articles, in order, with the same result as calling
    /// [`add`](Self::add) on each. The per-article work that needs no shared state (tokens,
    /// terms, MinHash signature) runs on `threads` worker threads, a few chunks ahead of this
    /// thread, which assigns the prepared articles in order and prepares a chunk itself whenever
    /// the next one is not ready yet (so it never waits idle while work is left).
    pub fn add_batch(&mut self, articles: &[Article], threads: usize) -> Vec<Assignment> {
        let threads = threads.clamp(1, 16);
        if threads == 1 || articles.len() < 2 * PREPARE_CHUNK {
            return articles.iter().map(|a| self.add(a)).collect();
        }
        let chunks: Vec<&[Article]> = articles.chunks(PREPARE_CHUNK).collect();
        let claimed = AtomicUsize::new(0);
        let prepare = |i: usize| chunks[i].iter().map(Prepared::of).collect::<Vec<_>>();
        let mut out = Vec::with_capacity(articles.len());
        std::thread::scope(|scope| {
            // A bounded queue: workers block once `threads` chunks wait, so memory stays small.
            let (tx, rx) = mpsc::sync_channel::<(usize, Vec<Prepared>)>(threads);
            for _ in 0..threads {
                let tx = tx.clone();
                let (claimed, prepare, chunks) = (&claimed, &prepare, &chunks);
                scope.spawn(move || {
                    loop {
                        let i = claimed.fetch_add(1, Ordering::Relaxed);
                        if i >= chunks.len() || tx.send((i, prepare(i))).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(tx);
            // Chunks that arrived before their turn (at most a few: workers claim in order).
            let mut early: BTreeMap<usize, Vec<Prepared>> = BTreeMap::new();
            for (i, chunk) in chunks.iter().enumerate() {
                let prepared = loop {
                    if let Some(p) = early.remove(&i) {
                        break p;
                    }
                    match rx.try_recv() {
                        Ok((j, p)) => {
                            early.insert(j, p);
                            continue;
                        }
                        Err(mpsc::TryRecvError::Empty) => {}
                        // Every worker has stopped; chunk `i` was claimed but never sent.
                        Err(mpsc::TryRecvError::Disconnected) => break prepare(i),
                    }
                    let j = claimed.fetch_add(1, Ordering::Relaxed);
                    if j < chunks.len() {
                        early.insert(j, prepare(j));
                    } else if let Ok((j, p)) = rx.recv() {
                        early.insert(j, p);
                    }
                };
                out.extend(
                    chunk
                        .iter()
                        .zip(prepared)
                        .map(|(a, p)| self.add_prepared(a, p)),
                );
            }
        });
        out
    }

    fn add_prepared(&mut self, article: &Article, prepared: Prepared) -> Assignment {
        let seq = self.seq;
        self.seq += 1;
        let Prepared {
            features: f,
            fingerprint: fp,
            not_article,
        } = prepared;
        let mut warnings = Vec::new();
        let left_out = if f.words == 0 {
            Some("empty article".to_owned())
        } else {
            not_article.map(|reason| format!("not an article ({reason})"))
        };
        if let Some(why) = left_out {
            warnings.push(format!("{why}: not clustered"));
            return Assignment {
                story: None,
                new_story: false,
                score: None,
                duplicate_of: None,
                language: None,
                warnings,
            };
        }
        // The counters are read and written only after the duplicate lookup: time to arrive.
        self.df.prefetch(&f);
        let language = self.language_of(article, &f, &mut warnings);
        let time = article.published.map(|t| t.timestamp());
        if time.is_none() {
            warnings.push(
                "no publication date: clustered in arrival order without time decay".to_owned(),
            );
        }
        if let Some(t) = time {
            self.now = Some(self.now.map_or(t, |n| n.max(t)));
        }

        let found = self.dups.find(&fp, time);
        self.df.add(&f);
        let vector = self.weigh(&f);
        self.expire(&language);

        let copy_of = found.as_ref().and_then(|m| {
            let s = self.resolve(m.tag as u32);
            let st = self.stories.get(&s)?;
            (st.centroid.is_some() && st.language == language).then_some(s)
        });
        let (story, score, others) = match copy_of {
            Some(s) => (Some(s), None, Vec::new()),
            None => {
                let mut scratch = std::mem::take(&mut self.scratch);
                let scored = self.score_candidates(&language, &vector, time, &mut scratch);
                self.scratch = scratch;
                match scored.first() {
                    Some(&(score, s, _)) if score >= 0.0 => (Some(s), Some(score), scored),
                    _ => (None, None, scored),
                }
            }
        };
        let new_story = story.is_none();
        let mut num = match story {
            Some(s) => s,
            None => self.start_story(article, seq, &language),
        };
        self.join(num, article, seq, &f, &vector);
        if !new_story {
            num = self.merge_close(num, &others);
        }
        let wire = article.outlet.as_deref().is_some_and(is_wire_agency);
        self.dups
            .insert(&article.id, fp, time, wire, found.as_ref(), u64::from(num));
        Assignment {
            story: Some(self.stories[&num].id.clone()),
            new_story,
            score,
            duplicate_of: found.map(|m| m.duplicate),
            language: Some(language),
            warnings,
        }
    }

    /// The story that `id` is part of now (stories merge as evidence arrives). Unknown ids, and
    /// stories already drained, map to themselves.
    pub fn current(&self, id: &StoryId) -> StoryId {
        match self.by_id.get(&id.0) {
            Some(&n) => self
                .stories
                .get(&self.resolve(n))
                .map_or_else(|| id.clone(), |s| s.id.clone()),
            None => id.clone(),
        }
    }

    /// Every story not yet drained, oldest first.
    pub fn stories(&self) -> Vec<Story> {
        let mut nums: Vec<(u64, u32)> = self
            .stories
            .iter()
            .map(|(&n, s)| (s.first_seq, n))
            .collect();
        nums.sort_unstable();
        nums.into_iter().map(|(_, n)| self.summary(n)).collect()
    }

    /// Removes and returns the stories that have left the active pool, so a long-running caller
    /// can store them and keep memory bounded. Their ids stay valid for [`current`](Self::current)
    /// only until drained.
    ///
    /// Draining never changes what later articles get: a closed story can no longer be joined,
    /// merged or changed, and what still refers to it (postings not yet swept, copies in the
    /// duplicate window) finds it gone just as it found it closed. The one exception is an
    /// article whose id equals a drained story's id, which then gets that id back rather than
    /// `id-2`; the store never feeds an id twice.
    pub fn drain_closed(&mut self) -> Vec<Story> {
        self.drain_closed_with_absorbed()
            .into_iter()
            .map(|(story, _)| story)
            .collect()
    }

    /// [`drain_closed`](Self::drain_closed), with the ids of the stories each one absorbed
    /// (which [`current`](Self::current) mapped to it until now).
    pub fn drain_closed_with_absorbed(&mut self) -> Vec<(Story, Vec<StoryId>)> {
        let closed = std::mem::take(&mut self.closed);
        let mut out = Vec::with_capacity(closed.len());
        for n in closed {
            if !self.stories.contains_key(&n) {
                continue;
            }
            let story = self.summary(n);
            let Some(st) = self.stories.remove(&n) else {
                continue;
            };
            self.by_id.remove(&st.id.0);
            let mut absorbed = Vec::with_capacity(st.absorbed.len());
            // Postings not swept yet may still name an absorbed story: it must keep counting as
            // part of this one in the candidate ranking until the pool's next sweep drops them.
            let mut retired = self.pools.get_mut(&st.language).map(|p| &mut p.retired);
            for (a, id) in st.absorbed {
                self.by_id.remove(&id);
                match retired.as_deref_mut() {
                    Some(r) => r.push(a),
                    None => {
                        self.merged.remove(&a);
                    }
                }
                absorbed.push(StoryId(id));
            }
            out.push((story, absorbed));
        }
        out
    }

    /// A second pass over the active stories: merges each into the most similar other active
    /// story when their centroids score at least `merge_threshold` (as when an article brings
    /// two stories together, but for every pair the inverted index proposes). Call it at the end
    /// of a batch, or now and then in a long stream. Returns how many stories were merged.
    pub fn consolidate(&mut self) -> usize {
        let mut merges = 0;
        let languages: Vec<String> = self.pools.keys().cloned().collect();
        for language in languages {
            let order: Vec<u32> = {
                let Some(pool) = self.pools.get(&language) else {
                    continue;
                };
                let mut v: Vec<(u64, u32)> = pool
                    .active
                    .iter()
                    .filter_map(|&(_, n)| Some((self.stories.get(&n)?.first_seq, n)))
                    .collect();
                v.sort_unstable();
                v.into_iter().map(|(_, n)| n).collect()
            };
            for n in order {
                let n = self.resolve(n);
                let Some(best) = self.closest_story(&language, n) else {
                    continue;
                };
                let (keep, gone) = if self.stories[&n].first_seq <= self.stories[&best].first_seq {
                    (n, best)
                } else {
                    (best, n)
                };
                self.absorb(keep, gone);
                merges += 1;
            }
        }
        merges
    }

    /// The active story whose centroid scores highest against story `n`'s, if it reaches
    /// `merge_threshold`; ties to the older story.
    fn closest_story(&self, language: &str, n: u32) -> Option<u32> {
        let pool = self.pools.get(language)?;
        let c = self.stories.get(&n)?.centroid.as_ref()?;
        let mut top: Vec<(u64, f32)> = c.weights.iter().map(|(&k, &w)| (k, w)).collect();
        top.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut candidates: Vec<u32> = top
            .iter()
            .take(INDEX_TERMS)
            .filter_map(|(k, _)| pool.postings.get(k))
            .flatten()
            .map(|&m| self.resolve(m))
            .filter(|&m| m != n)
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        let mut best: Option<(f32, u64, u32)> = None;
        for m in candidates {
            let Some(st) = self.stories.get(&m) else {
                continue;
            };
            let Some(other) = st.centroid.as_ref() else {
                continue;
            };
            let score = c.similarity(other).score(&self.config.weights, 0.0);
            let better = match best {
                None => true,
                Some((s, seq, _)) => score > s || (score == s && st.first_seq < seq),
            };
            if score >= self.config.merge_threshold && better {
                best = Some((score, st.first_seq, m));
            }
        }
        best.map(|(_, _, m)| m)
    }

    /// Number of stories currently in active pools.
    pub fn active_stories(&self) -> usize {
        self.pools.values().map(|p| p.active.len()).sum()
    }

    fn language_of(&self, article: &Article, f: &Features, warnings: &mut Vec<String>) -> String {
        match article.language.as_deref().map(str::to_lowercase) {
            Some(lang) => {
                if lang != "en" {
                    warnings.push(format!(
                        "language {lang}: clustered only with other {lang} articles"
                    ));
                }
                lang
            }
            None => {
                let share = f.stopwords as f32 / f.words as f32;
                if f.words >= 20 && share < self.config.min_english_stopwords {
                    warnings.push(format!(
                        "language unknown and text does not read as English ({:.0}% stopwords): clustered in pool und",
                        share * 100.0
                    ));
                    "und".to_owned()
                } else {
                    "en".to_owned()
                }
            }
        }
    }

    /// TF-IDF weights, each kind's part scaled to unit length.
    fn weigh(&self, f: &Features) -> Vector {
        let mut terms: Vec<(u64, f32)> = f
            .terms
            .iter()
            .map(|t| (t.key, (1.0 + t.tf.ln()) * self.idf_weight(t.key)))
            .collect();
        let mut norm2 = [0.0f32; KINDS];
        for &(k, w) in &terms {
            norm2[kind_of(k)] += w * w;
        }
        let mut present = [false; KINDS];
        for k in 0..KINDS {
            present[k] = norm2[k] > 0.0;
            norm2[k] = norm2[k].sqrt();
        }
        for t in &mut terms {
            t.1 /= norm2[kind_of(t.0)];
        }
        // Only the heaviest terms are ever used in order (probes, index, labels).
        let heaviest = |a: &usize, b: &usize| {
            terms[*b]
                .1
                .total_cmp(&terms[*a].1)
                .then(terms[*a].0.cmp(&terms[*b].0))
        };
        let mut by_weight: Vec<usize> = (0..terms.len()).collect();
        if by_weight.len() > HEAVIEST {
            by_weight.select_nth_unstable_by(HEAVIEST, heaviest);
            by_weight.truncate(HEAVIEST);
        }
        by_weight.sort_by(heaviest);
        Vector {
            terms,
            present,
            by_weight,
        }
    }

    fn idf_weight(&self, key: u64) -> f32 {
        let idf = self.df.idf(key);
        let p = self.config.idf_power;
        if p.fract() == 0.0 && (0.0..=8.0).contains(&p) {
            idf.powi(p as i32)
        } else {
            idf.powf(p)
        }
    }

    /// How `article` compares with the candidate stories it would be scored against, best
    /// first, without adding it. For calibration and explanations; [`add`](Self::add) does the
    /// same work itself.
    pub fn signals(&self, article: &Article) -> Vec<(StoryId, Signals)> {
        let f = features::extract(article.title.as_deref(), &article.text);
        if f.words == 0 {
            return Vec::new();
        }
        let language = self.language_of(article, &f, &mut Vec::new());
        let v = self.weigh(&f);
        let time = article.published.map(|t| t.timestamp());
        self.score_candidates(&language, &v, time, &mut Scratch::default())
            .into_iter()
            .filter_map(|(_, n, s)| Some((self.stories.get(&n)?.id.clone(), s)))
            .collect()
    }

    /// Candidate stories that share one of the article's heaviest terms, scored in full;
    /// best first, ties to the older story.
    fn score_candidates(
        &self,
        language: &str,
        v: &Vector,
        time: Option<i64>,
        scratch: &mut Scratch,
    ) -> Vec<(f32, u32, Signals)> {
        let Some(pool) = self.pools.get(language) else {
            return Vec::new();
        };
        let rough = &mut scratch.rough;
        rough.clear();
        // Probe with the heaviest terms; per-kind scaling makes title words and names heavy.
        // Each story's sum is added up in probe order, whatever the map's layout.
        for &i in v.by_weight.iter().take(self.config.probe_terms) {
            let (key, w) = v.terms[i];
            if let Some(list) = pool.postings.get(&key) {
                for &n in list {
                    *rough.entry(self.resolve(n)).or_default() += w;
                }
            }
        }
        let ranked = &mut scratch.ranked;
        ranked.clear();
        ranked.extend(rough.iter().map(|(&n, &w)| (w, n)));
        // Story numbers are unique here, so this order is total: selecting the first few and
        // sorting them gives exactly the head of a full sort.
        let order = |a: &(f32, u32), b: &(f32, u32)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
        let keep = self.config.candidates;
        if ranked.len() > keep {
            ranked.select_nth_unstable_by(keep, order);
            ranked.truncate(keep);
        }
        ranked.sort_unstable_by(order);
        let mut scored: Vec<(f32, u32, Signals)> = ranked
            .iter()
            .filter_map(|&(_, n)| {
                let st = self.stories.get(&n)?;
                let c = st.centroid.as_ref()?;
                let mut sig = c.cosine(v);
                sig.hours_apart = time.and_then(|t| hours_apart(st, t));
                Some((
                    sig.score(&self.config.weights, self.config.decay_per_day),
                    n,
                    sig,
                ))
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        scored
    }

    fn start_story(&mut self, article: &Article, seq: u64, language: &str) -> u32 {
        let n = self.next_story;
        self.next_story += 1;
        let mut id = article.id.clone();
        let mut k = 2;
        while self.by_id.contains_key(&id) {
            id = format!("{}-{k}", article.id);
            k += 1;
        }
        self.by_id.insert(id.clone(), n);
        self.stories.insert(
            n,
            StoryState {
                id: StoryId(id),
                language: language.to_owned(),
                first_seq: seq,
                last_seq: seq,
                first_time: article.published,
                last_time: article.published,
                articles: 0,
                outlets: BTreeMap::new(),
                titles: Vec::new(),
                labels: IdMap::default(),
                absorbed: Vec::new(),
                centroid: Some(Centroid::default()),
            },
        );
        let pool = self
            .pools
            .entry(language.to_owned())
            .or_insert_with(|| Pool {
                postings: IdMap::default(),
                active: BTreeSet::new(),
                added: 0,
                retired: Vec::new(),
            });
        pool.active.insert((seq, n));
        n
    }

    fn join(&mut self, n: u32, article: &Article, seq: u64, f: &Features, v: &Vector) {
        let story_terms = self.config.story_terms;
        let Some(st) = self.stories.get_mut(&n) else {
            return;
        };
        let pool = self
            .pools
            .get_mut(&st.language)
            .expect("a story's pool exists");
        pool.active.remove(&(st.last_seq, n));
        pool.active.insert((seq, n));
        pool.added += 1;
        st.last_seq = seq;
        st.articles += 1;
        if let Some(t) = article.published {
            st.first_time = Some(st.first_time.map_or(t, |f| f.min(t)));
            st.last_time = Some(st.last_time.map_or(t, |l| l.max(t)));
        }
        if let Some(o) = &article.outlet {
            match st.outlets.get_mut(o) {
                Some(count) => *count += 1,
                None => {
                    st.outlets.insert(o.clone(), 1);
                }
            }
        }
        if let Some(t) = &article.title
            && st.titles.len() < TITLES_KEPT
        {
            st.titles.push((t.clone(), f.title_keys.clone()));
        }
        let centroid = st.centroid.get_or_insert_with(Centroid::default);
        for &(key, w) in &v.terms {
            let slot = centroid.weights.entry(key).or_insert(0.0);
            centroid.norm2[kind_of(key)] += 2.0 * *slot * w + w * w;
            *slot += w;
        }
        // Only an article's heaviest terms go into the inverted index: probes use the heaviest
        // terms too, and indexing every term would cost a map insert per word.
        for &i in v.by_weight.iter().take(INDEX_TERMS) {
            let key = v.terms[i].0;
            let list = pool.postings.entry(key).or_default();
            if list.back() != Some(&n) && !list.contains(&n) {
                if list.len() >= POSTING_CAP {
                    list.pop_front();
                }
                list.push_back(n);
            }
        }
        if centroid.weights.len() > story_terms * 2 {
            centroid.prune(story_terms, &mut self.scratch.terms);
        }
        add_labels(st, article, f, v, seq);
    }

    /// Merges into `n` any other candidate whose centroid is now close to `n`'s. Returns the
    /// surviving story (the older one).
    fn merge_close(&mut self, mut n: u32, others: &[(f32, u32, Signals)]) -> u32 {
        for &(_, m, _) in others.iter().take(4) {
            let m = self.resolve(m);
            if m == n {
                continue;
            }
            let close = match (
                self.stories.get(&n).and_then(|s| s.centroid.as_ref()),
                self.stories.get(&m).and_then(|s| s.centroid.as_ref()),
            ) {
                (Some(a), Some(b)) => {
                    a.similarity(b).score(&self.config.weights, 0.0) >= self.config.merge_threshold
                }
                _ => false,
            };
            if close {
                let (keep, gone) = if self.stories[&n].first_seq <= self.stories[&m].first_seq {
                    (n, m)
                } else {
                    (m, n)
                };
                self.absorb(keep, gone);
                n = keep;
            }
        }
        n
    }

    fn absorb(&mut self, keep: u32, gone: u32) {
        let Some(g) = self.stories.remove(&gone) else {
            return;
        };
        let story_terms = self.config.story_terms;
        if let Some(pool) = self.pools.get_mut(&g.language) {
            pool.active.remove(&(g.last_seq, gone));
        }
        self.merged.insert(gone, keep);
        let Some(k) = self.stories.get_mut(&keep) else {
            return;
        };
        let pool = self
            .pools
            .get_mut(&k.language)
            .expect("a story's pool exists");
        pool.active.remove(&(k.last_seq, keep));
        k.last_seq = k.last_seq.max(g.last_seq);
        pool.active.insert((k.last_seq, keep));
        k.first_time = min_opt(k.first_time, g.first_time);
        k.last_time = max_opt(k.last_time, g.last_time);
        k.articles += g.articles;
        for (o, c) in g.outlets {
            *k.outlets.entry(o).or_default() += c;
        }
        for t in g.titles {
            if k.titles.len() < TITLES_KEPT {
                k.titles.push(t);
            }
        }
        for (key, l) in g.labels {
            match k.labels.get_mut(&key) {
                Some(mine) => {
                    mine.weight += l.weight;
                    mine.first = mine.first.min(l.first);
                }
                None => {
                    k.labels.insert(key, l);
                }
            }
        }
        prune_labels(&mut k.labels);
        k.absorbed.push((gone, g.id.0));
        k.absorbed.extend(g.absorbed);
        if let (Some(kc), Some(gc)) = (k.centroid.as_mut(), g.centroid) {
            for (key, w) in gc.weights {
                let slot = kc.weights.entry(key).or_insert(0.0);
                *slot += w;
            }
            kc.norm2 = [0.0; KINDS];
            for (&key, &w) in &kc.weights {
                kc.norm2[kind_of(key)] += w * w;
            }
            if kc.weights.len() > story_terms * 2 {
                kc.prune(story_terms, &mut self.scratch.terms);
            }
        }
    }

    fn resolve(&self, mut n: u32) -> u32 {
        while let Some(&m) = self.merged.get(&n) {
            n = m;
        }
        n
    }

    /// Closes stories that fell out of the time window or beyond the pool's size limit.
    fn expire(&mut self, language: &str) {
        let Some(pool) = self.pools.get_mut(language) else {
            return;
        };
        let window = (self.config.window_hours * 3600.0) as i64;
        while let Some(&(seq, n)) = pool.active.first() {
            let stale = match (self.now, self.stories.get(&n).and_then(|s| s.last_time)) {
                (Some(now), Some(last)) => now - last.timestamp() > window,
                _ => false,
            };
            if !(stale || pool.active.len() > self.config.max_active_stories) {
                break;
            }
            pool.active.remove(&(seq, n));
            if let Some(st) = self.stories.get_mut(&n) {
                st.centroid = None;
            }
            self.closed.push(n);
        }
        // Now and then the inverted index drops what can no longer lead to a story: postings of
        // closed stories, and of terms pruned from a story's centroid (a story that stays active
        // for weeks would otherwise keep a posting for every heavy term of every article it ever
        // had, and the index would grow with the stream). So the index holds at most
        // `2 · story_terms` postings per active story.
        if pool.added >= SWEEP_EVERY {
            pool.added = 0;
            let stories = &self.stories;
            let merged = &self.merged;
            // The centroid each story number leads to (`None`: closed, drained or unknown),
            // looked up once per number rather than once per posting.
            let mut live: Vec<Option<Option<&Centroid>>> = vec![None; self.next_story as usize];
            let mut centroid_of = |n: u32| -> Option<&Centroid> {
                let lookup = || {
                    let mut r = n;
                    while let Some(&m) = merged.get(&r) {
                        r = m;
                    }
                    stories.get(&r).and_then(|s| s.centroid.as_ref())
                };
                match live.get_mut(n as usize) {
                    Some(Some(c)) => *c,
                    Some(slot) => *slot.insert(lookup()),
                    None => lookup(),
                }
            };
            pool.postings.retain(|key, list| {
                list.retain(|&n| centroid_of(n).is_some_and(|c| c.weights.contains_key(key)));
                !list.is_empty()
            });
            for a in pool.retired.drain(..) {
                self.merged.remove(&a);
            }
        }
    }

    fn summary(&self, n: u32) -> Story {
        let st = &self.stories[&n];
        let headline = st
            .titles
            .iter()
            .enumerate()
            .map(|(i, (title, keys))| {
                let w: f32 = match &st.centroid {
                    Some(c) => keys
                        .iter()
                        .map(|k| c.weights.get(k).copied().unwrap_or(0.0))
                        .sum(),
                    None => 0.0,
                };
                (w / (keys.len().max(1) as f32).sqrt(), i, title)
            })
            .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)))
            .map(|(_, _, t)| t.clone());
        let mut labels: Vec<&Label> = st.labels.values().collect();
        labels.sort_by(|a, b| {
            b.weight
                .total_cmp(&a.weight)
                .then(a.first.cmp(&b.first))
                .then(a.text.cmp(&b.text))
        });
        // The heaviest names, a longer name replacing a shorter one it contains ("Lena Falk"
        // replaces "Falk").
        let mut entities: Vec<String> = Vec::new();
        for l in labels.iter().filter(|l| l.entity) {
            if entities.iter().any(|e| contains_words(e, &l.text)) {
                continue;
            }
            match entities.iter().position(|e| contains_words(&l.text, e)) {
                Some(at) => {
                    entities.retain(|e| !contains_words(&l.text, e));
                    entities.insert(at.min(entities.len()), l.text.clone());
                }
                None if entities.len() < 6 => entities.push(l.text.clone()),
                None => {}
            }
        }
        // Names are listed once: a term that is a word of a listed name is left out.
        let named: Vec<String> = entities
            .iter()
            .flat_map(|e| e.split(' ').map(str::to_lowercase))
            .collect();
        let terms: Vec<String> = labels
            .iter()
            .filter(|l| !l.entity && !named.contains(&l.text))
            .take(8)
            .map(|l| l.text.clone())
            .collect();
        let mut outlets: Vec<(&String, &usize)> = st.outlets.iter().collect();
        outlets.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        Story {
            id: st.id.clone(),
            headline,
            entities,
            terms,
            first_seen: st.first_time,
            last_seen: st.last_time,
            outlets: outlets.into_iter().map(|(o, _)| o.clone()).collect(),
            articles: st.articles,
            language: st.language.clone(),
            active: st.centroid.is_some(),
        }
    }
}

impl Centroid {
    /// Per-kind cosines between this centroid and an article vector.
    fn cosine(&self, v: &Vector) -> Signals {
        let mut dot = [0.0f32; KINDS];
        for (k, w) in &v.terms {
            if let Some(c) = self.weights.get(k) {
                dot[kind_of(*k)] += c * w;
            }
        }
        let mut s = Signals::default();
        for (k, d) in dot.iter().enumerate() {
            s.present[k] = v.present[k] && self.norm2[k] > 0.0;
            if s.present[k] {
                s.cosine[k] = d / self.norm2[k].sqrt();
            }
        }
        s
    }

    /// Per-kind cosines between two centroids. Symmetric.
    fn similarity(&self, other: &Centroid) -> Signals {
        let (small, large) = if self.weights.len() <= other.weights.len() {
            (self, other)
        } else {
            (other, self)
        };
        let mut dot = [0.0f32; KINDS];
        for (k, w) in &small.weights {
            if let Some(c) = large.weights.get(k) {
                dot[kind_of(*k)] += c * w;
            }
        }
        let mut s = Signals::default();
        for (k, d) in dot.iter().enumerate() {
            let denom = (self.norm2[k] * other.norm2[k]).sqrt();
            s.present[k] = denom > 0.0;
            if s.present[k] {
                s.cosine[k] = d / denom;
            }
        }
        s
    }

    /// Keeps the `keep` heaviest terms (ties by key), so a long story's centroid stays small.
    /// `all` is a buffer to work in.
    fn prune(&mut self, keep: usize, all: &mut Vec<(u64, f32)>) {
        all.clear();
        all.extend(self.weights.iter().map(|(&k, &w)| (k, w)));
        // Keys are unique, so the order is total: selecting the heaviest and sorting only them
        // gives the same terms in the same order as sorting all. The order matters: norms are
        // summed and the map is rebuilt in it, and the rebuilt map's layout decides the order
        // of later sums over it.
        let order = |a: &(u64, f32), b: &(u64, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
        if all.len() > keep {
            all.select_nth_unstable_by(keep, order);
            all.truncate(keep);
        }
        all.sort_unstable_by(order);
        self.norm2 = [0.0; KINDS];
        for &(k, w) in all.iter() {
            self.norm2[kind_of(k)] += w * w;
        }
        self.weights = all.iter().copied().collect();
    }
}

fn add_labels(st: &mut StoryState, article: &Article, f: &Features, v: &Vector, seq: u64) {
    let (mut words, mut names) = (0, 0);
    for &i in &v.by_weight {
        if words >= 5 && names >= 5 {
            break;
        }
        let (key, w) = v.terms[i];
        let Ok(pos) = f.terms.binary_search_by_key(&key, |t| t.key) else {
            continue;
        };
        let t = &f.terms[pos];
        let entity = match t.kind {
            Kind::Word if words < 5 => false,
            Kind::Entity if names < 5 => true,
            _ => continue,
        };
        if entity {
            names += 1;
        } else {
            words += 1;
        }
        match st.labels.get_mut(&key) {
            Some(l) => l.weight += w,
            None => {
                let surface = match &t.origin {
                    Origin::Body(s) => article.text.get(s.clone()),
                    Origin::Title(s) => article.title.as_deref().and_then(|x| x.get(s.clone())),
                };
                let Some(surface) = surface else { continue };
                let text = if entity {
                    name_label(surface).to_owned()
                } else {
                    surface.to_lowercase()
                };
                st.labels.insert(
                    key,
                    Label {
                        text,
                        entity,
                        weight: w,
                        first: seq,
                    },
                );
            }
        }
    }
    prune_labels(&mut st.labels);
}

fn prune_labels(labels: &mut IdMap<u64, Label>) {
    if labels.len() <= LABELS_KEPT * 2 {
        return;
    }
    let mut all: Vec<(u64, f32, u64)> = labels
        .iter()
        .map(|(&k, l)| (k, l.weight, l.first))
        .collect();
    all.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.2.cmp(&b.2)).then(a.0.cmp(&b.0)));
    for (k, _, _) in all.into_iter().skip(LABELS_KEPT) {
        labels.remove(&k);
    }
}

/// Hours between `t` and the story's time span (0 inside it), when the story is dated.
fn hours_apart(st: &StoryState, t: i64) -> Option<f64> {
    let (a, b) = (st.first_time?.timestamp(), st.last_time?.timestamp());
    let gap = if t < a { a - t } else { (t - b).max(0) };
    Some(gap as f64 / 3600.0)
}

/// Does the phrase `long` contain `short` as whole words?
fn contains_words(long: &str, short: &str) -> bool {
    long.len() >= short.len()
        && long
            .split(' ')
            .collect::<Vec<_>>()
            .windows(short.split(' ').count())
            .any(|w| w.join(" ") == short)
}

fn min_opt<T: Ord>(a: Option<T>, b: Option<T>) -> Option<T> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn max_opt<T: Ord>(a: Option<T>, b: Option<T>) -> Option<T> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// Document frequencies learned online, in fixed memory: a count-min sketch (two rows of 2²⁰
/// counters). Collisions can only make a term look more common, never rarer.
#[derive(Serialize, Deserialize)]
struct DocFreq {
    rows: Vec<u32>,
    docs: u64,
}

const DF_BITS: u32 = 20;

impl DocFreq {
    fn new() -> Self {
        DocFreq {
            rows: vec![0; 2 << DF_BITS],
            docs: 0,
        }
    }

    fn slots(key: u64) -> [usize; 2] {
        let mask = (1u64 << DF_BITS) - 1;
        [
            (key & mask) as usize,
            (1 << DF_BITS) + ((key >> 32) & mask) as usize,
        ]
    }

    /// Counts each distinct term of the article once.
    fn add(&mut self, f: &Features) {
        self.docs += 1;
        for t in &f.terms {
            for s in Self::slots(t.key) {
                self.rows[s] = self.rows[s].saturating_add(1);
            }
        }
    }

    /// Asks the CPU to bring the counters of the article's terms into cache (the sketch is
    /// 8 MiB, so each would otherwise be a wait for memory, one after another). Only a hint:
    /// nothing is read or written.
    fn prefetch(&self, f: &Features) {
        #[cfg(target_arch = "x86_64")]
        for t in &f.terms {
            for s in Self::slots(t.key) {
                if let Some(counter) = self.rows.get(s) {
                    let p = std::ptr::from_ref(counter).cast::<i8>();
                    // SAFETY: a prefetch never faults and changes no memory; `p` points at a
                    // live counter anyway.
                    unsafe {
                        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p)
                    };
                }
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = f;
    }

    fn idf(&self, key: u64) -> f32 {
        let [a, b] = Self::slots(key);
        let df = self.rows[a].min(self.rows[b]) as f32;
        ((self.docs as f32 + 1.0) / (df + 1.0)).ln() + 1.0
    }
}

/// A name as a story lists it: without a possessive ending or an opening "The" ("The Bank of
/// Valdoria's" → "Bank of Valdoria").
fn name_label(surface: &str) -> &str {
    let s = surface
        .strip_suffix("'s")
        .or_else(|| surface.strip_suffix("’s"))
        .unwrap_or(surface);
    match s.strip_prefix("The ") {
        Some(rest) if !rest.is_empty() => rest,
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn article(id: &str, title: &str, text: &str, day: Option<u32>) -> Article {
        let mut a = ingest::Draft {
            outlet: Some(format!("Outlet {id}")),
            title: Some(title.to_owned()),
            body: text.to_owned(),
            published: day.map(|d| {
                DateTime::parse_from_rfc3339(&format!("2026-01-{d:02}T08:00:00+00:00"))
                    .expect("date")
            }),
            ..ingest::Draft::default()
        }
        .finish(ingest::Source::file(id))
        .expect("fixture has text");
        a.id = id.to_owned();
        a
    }

    /// Two dam failures (Kessel and Marrow) reported by several outlets, and a rate decision.
    fn fixtures(dated: bool) -> Vec<Article> {
        let d = |n| dated.then_some(n);
        vec![
            article(
                "k1",
                "Kessel dam gives way, thousands flee",
                "The Kessel dam on the river Orla burst early on Tuesday, and about 3,000 people fled the lower town. Mayor Edda Brun said buses took families to Ostby.",
                d(12),
            ),
            article(
                "m1",
                "Marrow dam collapses after storms",
                "A dam above Marrow on the river Tave collapsed on Friday after days of storms. Governor Ilse Varn said 800 people were moved to Holt.",
                d(12),
            ),
            article(
                "k2",
                "Kessel flood: Brun promises inquiry",
                "Edda Brun, mayor of Kessel, promised an inquiry into the Orla dam failure as 3,000 evacuees waited in Ostby. Engineers had warned about the Kessel dam.",
                d(13),
            ),
            article(
                "r1",
                "Valdoria raises interest rates",
                "The Bank of Valdoria raised its main rate by half a point to 4.75 percent, citing inflation. Governor Pell Arno said borrowers should expect higher costs.",
                d(13),
            ),
            article(
                "m2",
                "Varn visits Marrow as Tave recedes",
                "Governor Ilse Varn visited Marrow as the Tave receded, two days after the dam collapse. Most of the 800 people moved to Holt are still there.",
                d(14),
            ),
            article(
                "k3",
                "Kessel evacuees return to Ostby road",
                "Families from Kessel began to return from Ostby as the Orla fell. Mayor Edda Brun said the dam breach would be sealed within a week.",
                d(14),
            ),
        ]
    }

    fn stories_of(articles: &[Article], config: Config) -> Vec<Option<String>> {
        let mut c = Clusterer::new(config);
        let assigned: Vec<Option<StoryId>> = articles.iter().map(|a| c.add(a).story).collect();
        assigned
            .into_iter()
            .map(|s| s.map(|s| c.current(&s).0))
            .collect()
    }

    fn check(articles: &[Article], expected: &[&str]) {
        let got = stories_of(articles, Config::default());
        let got: Vec<&str> = got.iter().map(|s| s.as_deref().unwrap_or("-")).collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn names_are_listed_without_possessive_or_article() {
        assert_eq!(name_label("Valdoria's"), "Valdoria");
        assert_eq!(name_label("The Bank"), "Bank");
        assert_eq!(name_label("Lena Falk’s"), "Lena Falk");
        assert_eq!(name_label("The"), "The");
        assert_eq!(name_label("Thessaloniki"), "Thessaloniki");
    }

    #[test]
    fn same_kind_of_event_in_another_place_is_another_story() {
        check(&fixtures(true), &["k1", "m1", "k1", "r1", "m1", "k1"]);
        check(&fixtures(false), &["k1", "m1", "k1", "r1", "m1", "k1"]);
    }

    #[test]
    fn copies_join_their_originals_story() {
        let mut articles = fixtures(true);
        let k1 = &articles[0];
        let copy = Article {
            id: "copy".into(),
            title: Some("Dam bursts".into()),
            ..k1.clone()
        };
        articles.push(copy);
        let mut c = Clusterer::new(Config::default());
        let last = articles.iter().map(|a| c.add(a)).last().expect("articles");
        assert_eq!(last.story, Some(StoryId("k1".into())));
        assert_eq!(last.duplicate_of.map(|d| d.original), Some("k1".to_owned()));
    }

    #[test]
    fn empty_foreign_and_undated_articles_are_marked() {
        let mut c = Clusterer::new(Config::default());
        let mut empty = article("e", "t", "x", None);
        empty.text = String::new();
        let a = c.add(&empty);
        assert_eq!(a.story, None);
        assert!(a.warnings[0].starts_with("empty article"));

        let mut german = article(
            "g",
            "Damm gebrochen",
            "Der Damm oberhalb von Kessel ist am Dienstag gebrochen.",
            None,
        );
        german.language = Some("de".into());
        let a = c.add(&german);
        assert_eq!(a.language.as_deref(), Some("de"));
        assert!(a.warnings.iter().any(|w| w.starts_with("language de")));

        let mut unmarked = article(
            "u",
            "Damm",
            "Kessel Damm Dienstag gebrochen Familien Ostby Busse Bürgermeisterin Brun Untersuchung versprochen Ingenieure warnten Monate vorher Wasser Orla stieg schnell Nacht Häuser verlassen",
            None,
        );
        unmarked.language = None;
        let a = c.add(&unmarked);
        assert_eq!(a.language.as_deref(), Some("und"));

        let a = c.add(&fixtures(false)[0]);
        assert!(
            a.warnings
                .iter()
                .any(|w| w.starts_with("no publication date"))
        );
        assert_eq!(a.language.as_deref(), Some("en"));
    }

    #[test]
    fn stories_carry_headline_terms_outlets_and_times() {
        let mut c = Clusterer::new(Config::default());
        for a in fixtures(true) {
            c.add(&a);
        }
        let stories = c.stories();
        let kessel = stories
            .iter()
            .find(|s| s.id.0 == "k1")
            .expect("kessel story");
        assert_eq!(kessel.articles, 3);
        assert_eq!(kessel.outlets.len(), 3);
        assert!(
            kessel
                .headline
                .as_deref()
                .is_some_and(|h| h.contains("Kessel"))
        );
        assert!(
            kessel
                .entities
                .iter()
                .any(|e| e.contains("Brun") || e.contains("Kessel")),
            "{kessel:?}"
        );
        assert_eq!(kessel.first_seen.map(|t| t.day()), Some(12));
        assert_eq!(kessel.last_seen.map(|t| t.day()), Some(14));
    }

    #[test]
    fn old_stories_leave_the_pool_and_can_be_drained() {
        let config = Config {
            window_hours: 12.0,
            ..Config::default()
        };
        let mut c = Clusterer::new(config);
        for a in fixtures(true) {
            c.add(&a);
        }
        let drained = c.drain_closed();
        assert!(!drained.is_empty());
        assert!(drained.iter().all(|s| !s.active));
        // A day apart, nothing is within 12 hours of an earlier story: six stories.
        assert_eq!(c.stories().len() + drained.len(), 6);
    }

    #[test]
    fn batch_gives_the_same_result_as_one_by_one() {
        let articles = fixtures(true);
        let mut one = Clusterer::new(Config::default());
        let a: Vec<Option<StoryId>> = articles.iter().map(|x| one.add(x).story).collect();
        let mut batch = Clusterer::new(Config::default());
        let b: Vec<Option<StoryId>> = batch
            .add_batch(&articles, 2)
            .into_iter()
            .map(|x| x.story)
            .collect();
        assert_eq!(a, b);
    }

    #[test]
    fn pipelined_batch_gives_the_same_result_as_one_by_one() {
        // Enough articles for several prepared chunks per worker, so chunks arrive out of order.
        let base = fixtures(true);
        let articles: Vec<Article> = (0..9 * PREPARE_CHUNK + 5)
            .map(|i| {
                let mut a = base[i % base.len()].clone();
                a.id = format!("a{i}");
                a.text = format!("{} Update {} from {}.", a.text, i / 7, i % 11);
                a
            })
            .collect();
        let mut one = Clusterer::new(Config::default());
        let expected: Vec<Assignment> = articles.iter().map(|x| one.add(x)).collect();
        for threads in [2, 3] {
            let mut batch = Clusterer::new(Config::default());
            let (head, tail) = articles.split_at(3 * PREPARE_CHUNK + 1);
            let mut got = batch.add_batch(head, threads);
            got.extend(batch.add_batch(tail, threads));
            assert_eq!(got, expected, "{threads} threads");
        }
    }

    #[test]
    fn draining_closed_stories_changes_nothing_later() {
        // A small pool closes stories all the time, one of them after absorbing another; their
        // postings stay in the index (no sweep in so short a stream) and keep taking candidate
        // places, of which there are only two here, so the ranking matters. (Forgetting a
        // drained story's absorbed stories at once, as before, fails this test.) No article is
        // taken for a copy: copies join without scoring or merging.
        let config = Config {
            max_active_stories: 4,
            merge_threshold: 1.0,
            candidates: 2,
            duplicates: DupConfig {
                min_shingles: usize::MAX,
                ..DupConfig::default()
            },
            ..Config::default()
        };
        let base = fixtures(false);
        let articles: Vec<Article> = (0..240)
            .map(|i| {
                let mut a = base[(i * 7 + i / 5) % base.len()].clone();
                let g = i / 12;
                a.id = format!("a{i}");
                a.text = format!(
                    "{} Update {} from {}. Officials in Zorn{g} and Vela{g} met Mara{g} Holt{g}.",
                    a.text,
                    i / 9,
                    i % 13
                );
                a
            })
            .collect();
        let mut kept = Clusterer::new(config.clone());
        let expected: Vec<Assignment> = articles.iter().map(|a| kept.add(a)).collect();
        for every in [1, 7] {
            let mut drained = Clusterer::new(config.clone());
            let mut stories = Vec::new();
            let mut absorbed = 0;
            let got: Vec<Assignment> = articles
                .iter()
                .enumerate()
                .map(|(i, a)| {
                    let assigned = drained.add(a);
                    if i % every == 0 {
                        for (story, merged) in drained.drain_closed_with_absorbed() {
                            absorbed += merged.len();
                            stories.push(story);
                        }
                    }
                    assigned
                })
                .collect();
            assert_eq!(got, expected, "drained every {every}");
            assert!(
                stories.len() >= 5 && absorbed > 0,
                "{} {absorbed}",
                stories.len()
            );
            stories.extend(drained.stories());
            stories.sort_by(|a, b| a.id.cmp(&b.id));
            let mut all = kept.stories();
            all.sort_by(|a, b| a.id.cmp(&b.id));
            assert_eq!(stories, all, "drained every {every}");
        }
    }

    use chrono::Datelike;

    proptest! {
        #[test]
        fn centroid_similarity_is_symmetric(xs in proptest::collection::vec((0u64..50, 0.0f32..1.0), 0..40),
                                            ys in proptest::collection::vec((0u64..50, 0.0f32..1.0), 0..40)) {
            let make = |v: &[(u64, f32)]| {
                let mut c = Centroid::default();
                for &(k, w) in v {
                    *c.weights.entry(k * 8 + k % KINDS as u64).or_insert(0.0) += w;
                }
                for (&k, &w) in &c.weights {
                    c.norm2[kind_of(k)] += w * w;
                }
                c
            };
            let (a, b) = (make(&xs), make(&ys));
            let (ab, ba) = (a.similarity(&b), b.similarity(&a));
            prop_assert_eq!(ab.present, ba.present);
            for k in 0..KINDS {
                prop_assert!((ab.cosine[k] - ba.cosine[k]).abs() < 1e-5);
            }
        }

        #[test]
        fn identical_articles_always_end_in_one_story(n in 2usize..6, pick in 0usize..6) {
            // Ties between equal candidates go to the older story, whatever the order.
            let base = fixtures(false)[pick].clone();
            let copies: Vec<Article> = (0..n).map(|i| Article { id: format!("a{i}"), ..base.clone() }).collect();
            let got = stories_of(&copies, Config::default());
            prop_assert!(got.iter().all(|s| s.as_deref() == Some("a0")));
        }

        #[test]
        fn clustering_is_deterministic(order in Just(()).prop_perturb(|_, mut rng| {
            let mut idx: Vec<usize> = (0..6).collect();
            for i in (1..idx.len()).rev() {
                idx.swap(i, (rng.next_u32() as usize) % (i + 1));
            }
            idx
        })) {
            let all = fixtures(true);
            let articles: Vec<Article> = order.iter().map(|&i| all[i].clone()).collect();
            prop_assert_eq!(stories_of(&articles, Config::default()), stories_of(&articles, Config::default()));
        }
    }
}
