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

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, FixedOffset};
use ingest::Article;

use crate::dup::{DupConfig, Duplicate, DuplicateIndex, Fingerprint};
use crate::features::{self, Features, KINDS, Kind, Origin};
use crate::hash::IdMap;
use crate::lexicon::is_wire_agency;

/// Clustering settings. [`Config::default`] holds the calibrated values (on ECB+ topics 1–20
/// and the first half of the Multi-News sample; see `cargo xtask eval-stories`); they are the
/// same for every corpus.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// An article joins the best story when its similarity is at least this; else it starts one.
    pub join_threshold: f32,
    /// Two stories whose centroids have at least this cosine merge.
    pub merge_threshold: f32,
    /// How many body occurrences one title occurrence of a word counts for.
    pub title_weight: f32,
    /// Weight of each kind of term: words, names, numbers, dates.
    pub word_weight: f32,
    pub entity_weight: f32,
    pub number_weight: f32,
    pub date_weight: f32,
    /// Terms kept per article vector and per story centroid (the heaviest ones).
    pub article_terms: usize,
    pub story_terms: usize,
    /// Terms of an article used to look up candidate stories, and candidates scored in full.
    pub probe_terms: usize,
    pub candidates: usize,
    /// The score halves for every this many hours between an article and a story's time span.
    pub half_life_hours: f64,
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

impl Default for Config {
    fn default() -> Self {
        Config {
            join_threshold: 0.2,
            merge_threshold: 0.5,
            title_weight: 2.0,
            word_weight: 1.0,
            entity_weight: 1.5,
            number_weight: 1.0,
            date_weight: 1.0,
            article_terms: 150,
            story_terms: 400,
            probe_terms: 12,
            candidates: 24,
            half_life_hours: 72.0,
            window_hours: 24.0 * 14.0,
            max_active_stories: 20_000,
            min_english_stopwords: 0.15,
            duplicates: DupConfig::default(),
        }
    }
}

/// A story's id: the id of its first article, so it is stable across runs and machines.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
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
    /// Similarity to the story joined (1 for a copy joining its original's story, 0 for new).
    pub score: f32,
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
}

struct Pool {
    postings: IdMap<u64, Vec<u32>>,
    /// Active stories by (last article sequence, story number).
    active: BTreeSet<(u64, u32)>,
    added: usize,
}

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

#[derive(Default)]
struct Centroid {
    weights: IdMap<u64, f32>,
    norm2: f32,
}

struct Label {
    text: String,
    entity: bool,
    weight: f32,
    first: u64,
}

/// An article's weighted, unit-length term vector, sorted by key.
struct Vector {
    terms: Vec<(u64, f32)>,
    /// Indices into `terms`, heaviest first.
    by_weight: Vec<usize>,
}

const TITLES_KEPT: usize = 24;
const LABELS_KEPT: usize = 48;
const POSTING_CAP: usize = 256;

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
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Clusters one article: finds its copies, then joins it to a story or starts one.
    pub fn add(&mut self, article: &Article) -> Assignment {
        let seq = self.seq;
        self.seq += 1;
        let title = article.title.as_deref();
        let f = features::extract(title, &article.text, self.config.title_weight);
        let mut warnings = Vec::new();
        if f.words == 0 {
            warnings.push("empty article: not clustered".to_owned());
            return Assignment {
                story: None,
                new_story: false,
                score: 0.0,
                duplicate_of: None,
                language: None,
                warnings,
            };
        }
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

        let fp = Fingerprint::from_features(&f, title);
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
            Some(s) => (Some(s), 1.0, Vec::new()),
            None => {
                let scored = self.score_candidates(&language, &vector, time);
                match scored.first() {
                    Some(&(score, s)) if score >= self.config.join_threshold => {
                        (Some(s), score, scored)
                    }
                    _ => (None, 0.0, scored),
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
    pub fn drain_closed(&mut self) -> Vec<Story> {
        let closed = std::mem::take(&mut self.closed);
        let mut out = Vec::with_capacity(closed.len());
        for n in closed {
            if !self.stories.contains_key(&n) {
                continue;
            }
            out.push(self.summary(n));
            if let Some(st) = self.stories.remove(&n) {
                self.by_id.remove(&st.id.0);
                for (a, id) in st.absorbed {
                    self.merged.remove(&a);
                    self.by_id.remove(&id);
                }
            }
        }
        out
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

    /// TF-IDF weights per kind, the heaviest `article_terms`, scaled to unit length.
    fn weigh(&self, f: &Features) -> Vector {
        let c = &self.config;
        let kind_weight: [f32; KINDS] = [
            c.word_weight,
            c.entity_weight,
            c.number_weight,
            c.date_weight,
        ];
        let mut terms: Vec<(u64, f32)> = f
            .terms
            .iter()
            .map(|t| {
                (
                    t.key,
                    kind_weight[t.kind as usize] * (1.0 + t.tf.ln()) * self.df.idf(t.key),
                )
            })
            .collect();
        if terms.len() > c.article_terms {
            terms.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            terms.truncate(c.article_terms);
            terms.sort_unstable_by_key(|t| t.0);
        }
        let norm = terms.iter().map(|t| t.1 * t.1).sum::<f32>().sqrt();
        if norm > 0.0 {
            for t in &mut terms {
                t.1 /= norm;
            }
        }
        let mut by_weight: Vec<usize> = (0..terms.len()).collect();
        by_weight.sort_by(|&a, &b| {
            terms[b]
                .1
                .total_cmp(&terms[a].1)
                .then(terms[a].0.cmp(&terms[b].0))
        });
        Vector { terms, by_weight }
    }

    /// Candidate stories that share one of the article's heaviest terms, scored in full;
    /// best first, ties to the older story.
    fn score_candidates(&self, language: &str, v: &Vector, time: Option<i64>) -> Vec<(f32, u32)> {
        let Some(pool) = self.pools.get(language) else {
            return Vec::new();
        };
        let mut rough: IdMap<u32, f32> = IdMap::default();
        for &i in v.by_weight.iter().take(self.config.probe_terms) {
            let (key, w) = v.terms[i];
            if let Some(list) = pool.postings.get(&key) {
                for &n in list {
                    *rough.entry(self.resolve(n)).or_default() += w;
                }
            }
        }
        let mut rough: Vec<(f32, u32)> = rough.into_iter().map(|(n, w)| (w, n)).collect();
        rough.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut scored: Vec<(f32, u32)> = rough
            .into_iter()
            .take(self.config.candidates)
            .filter_map(|(_, n)| {
                let st = self.stories.get(&n)?;
                let c = st.centroid.as_ref()?;
                let mut s = c.cosine(&v.terms);
                if let Some(t) = time {
                    s *= self.decay(st, t);
                }
                Some((s, n))
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        scored
    }

    fn decay(&self, st: &StoryState, t: i64) -> f32 {
        let (Some(a), Some(b)) = (st.first_time, st.last_time) else {
            return 1.0;
        };
        let (a, b) = (a.timestamp(), b.timestamp());
        let gap = if t < a { a - t } else { (t - b).max(0) };
        let hours = gap as f64 / 3600.0;
        0.5f64.powf(hours / self.config.half_life_hours) as f32
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
            *st.outlets.entry(o.clone()).or_default() += 1;
        }
        if let Some(t) = &article.title
            && st.titles.len() < TITLES_KEPT
        {
            st.titles.push((t.clone(), f.title_keys.clone()));
        }
        let centroid = st.centroid.get_or_insert_with(Centroid::default);
        for &(key, w) in &v.terms {
            let slot = centroid.weights.entry(key).or_insert_with(|| {
                let list = pool.postings.entry(key).or_default();
                if list.len() >= POSTING_CAP {
                    list.remove(0);
                }
                list.push(n);
                0.0
            });
            centroid.norm2 += 2.0 * *slot * w + w * w;
            *slot += w;
        }
        if centroid.weights.len() > story_terms * 2 {
            centroid.prune(story_terms);
        }
        add_labels(st, article, f, v, seq);
    }

    /// Merges into `n` any other candidate whose centroid is now close to `n`'s. Returns the
    /// surviving story (the older one).
    fn merge_close(&mut self, mut n: u32, others: &[(f32, u32)]) -> u32 {
        for &(score, m) in others.iter().take(4) {
            let m = self.resolve(m);
            if m == n || score < self.config.join_threshold * 0.5 {
                continue;
            }
            let close = match (
                self.stories.get(&n).and_then(|s| s.centroid.as_ref()),
                self.stories.get(&m).and_then(|s| s.centroid.as_ref()),
            ) {
                (Some(a), Some(b)) => a.similarity(b) >= self.config.merge_threshold,
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
            kc.norm2 = kc.weights.values().map(|w| w * w).sum();
            if kc.weights.len() > story_terms * 2 {
                kc.prune(story_terms);
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
        // Posting lists of closed stories are dropped now and then, so memory stays bounded.
        if pool.added >= 4 * self.config.max_active_stories.max(1000) {
            pool.added = 0;
            let stories = &self.stories;
            let merged = &self.merged;
            pool.postings.retain(|_, list| {
                list.retain(|&n| {
                    let mut r = n;
                    while let Some(&m) = merged.get(&r) {
                        r = m;
                    }
                    stories.get(&r).is_some_and(|s| s.centroid.is_some())
                });
                !list.is_empty()
            });
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
        let mut entities: Vec<String> = Vec::new();
        for l in labels.iter().filter(|l| l.entity) {
            if entities.len() == 6 {
                break;
            }
            if !entities
                .iter()
                .any(|e| e.contains(&l.text) || l.text.contains(e.as_str()))
            {
                entities.push(l.text.clone());
            }
        }
        let terms: Vec<String> = labels
            .iter()
            .filter(|l| !l.entity)
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
    /// Cosine between this centroid and a unit vector.
    fn cosine(&self, v: &[(u64, f32)]) -> f32 {
        if self.norm2 <= 0.0 {
            return 0.0;
        }
        let dot: f32 = v
            .iter()
            .map(|(k, w)| self.weights.get(k).map_or(0.0, |c| c * w))
            .sum();
        dot / self.norm2.sqrt()
    }

    /// Cosine between two centroids. Symmetric.
    fn similarity(&self, other: &Centroid) -> f32 {
        let (small, large) = if self.weights.len() <= other.weights.len() {
            (self, other)
        } else {
            (other, self)
        };
        let denom = (self.norm2 * other.norm2).sqrt();
        if denom <= 0.0 {
            return 0.0;
        }
        let dot: f32 = small
            .weights
            .iter()
            .map(|(k, w)| large.weights.get(k).map_or(0.0, |c| c * w))
            .sum();
        dot / denom
    }

    /// Keeps the `keep` heaviest terms (ties by key), so a long story's centroid stays small.
    fn prune(&mut self, keep: usize) {
        let mut all: Vec<(u64, f32)> = self.weights.iter().map(|(&k, &w)| (k, w)).collect();
        all.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        all.truncate(keep);
        self.norm2 = all.iter().map(|t| t.1 * t.1).sum();
        self.weights = all.into_iter().collect();
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
                    surface.to_owned()
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

    fn idf(&self, key: u64) -> f32 {
        let [a, b] = Self::slots(key);
        let df = self.rows[a].min(self.rows[b]) as f32;
        ((self.docs as f32 + 1.0) / (df + 1.0)).ln() + 1.0
    }
}
