//! The engine: the articles of the store, the stories they form and the brief of each story, kept
//! in memory for the web front end. It knows nothing about HTTP or JSON: handlers call it and
//! turn what it returns into pages and DTOs.
//!
//! Stories come from the store, never from a clusterer of its own: at startup the engine brings
//! the store's stories up to date (`Store::update_stories`, which clusters any article that has
//! no story yet), and an ingest stores its articles and updates them the same way; the snapshot
//! is then rebuilt from the store's `stories` and `article_story` tables. So the web app shows
//! exactly the stories `parallax stories` lists and `parallax brief --story` briefs. A computed
//! state is an immutable [`Snapshot`] behind an `RwLock<Arc<_>>`; readers clone the `Arc` and
//! never wait for a rebuild. Briefs are computed on first use and cached per snapshot; a rebuild
//! carries over every brief whose story kept the same articles.
//!
//! **Invariant:** every span handed out (quotes, names, citations) is a byte range of the named
//! article's `text` on `char` boundaries.
//!
//! **Boundary:** this module must never print or speak HTTP; the same glue (extract, brief) also
//! lives in `cli`'s `brief` command and belongs in a shared crate once a third front end needs it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use chrono::{DateTime, FixedOffset};
use extract::guard::{Fault, guard};
use ingest::Article;
use store::{Assigned, Store, StoredStory};

/// A story's brief, or the fault that stopped it.
pub type BriefResult = Result<Arc<brief::StoryBrief>, Fault>;

/// Why the engine could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error("the store lock was poisoned by a panic in another request")]
    Poisoned,
}

pub use brief::extracted::{Extracted, NameSpan};

/// One story as the list shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoryEntry {
    pub id: String,
    pub headline: String,
    /// Article ids, oldest first (undated at the end).
    pub members: Vec<String>,
    /// The same ids in the order they were clustered (as `parallax brief --story` reads them):
    /// the brief takes its articles in this order, so both front ends give the same brief.
    pub clustered: Vec<String>,
    /// `(copy id, original id)`.
    pub duplicates: Vec<(String, String)>,
    pub first_seen: Option<DateTime<FixedOffset>>,
    pub last_seen: Option<DateTime<FixedOffset>>,
    /// Outlets, most articles first, then by name.
    pub outlets: Vec<String>,
    /// People named in the most articles of the story, first the most widespread.
    pub people: Vec<String>,
    /// The storyline (saga) the story is part of: the id of its first story.
    pub storyline: String,
}

/// One storyline: the stories (events) of one saga.
#[derive(Debug, Clone, PartialEq)]
pub struct StorylineEntry {
    /// The id of its first story.
    pub id: String,
    /// The headline of its story with the most articles (the latest among equals).
    pub headline: String,
    /// Its story ids, oldest first (undated last).
    pub stories: Vec<String>,
    pub first_seen: Option<DateTime<FixedOffset>>,
    pub last_seen: Option<DateTime<FixedOffset>>,
    /// Articles over all its stories.
    pub articles: usize,
}

/// What one ingest did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ingested {
    /// `(article id, newly stored)` per article read, in input order.
    pub articles: Vec<(String, bool)>,
}

/// How an outlet's reporting is carried by others.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OutletStats {
    pub name: String,
    pub articles: Vec<String>,
    pub stories: usize,
    /// Facts this outlet carries that at least one other independent outlet carries too.
    pub corroborated: usize,
    /// Facts (or exclusive passages) of this outlet that nobody else carries.
    pub uncorroborated: usize,
}

/// A computed state of the corpus. Immutable once built.
pub struct Snapshot {
    /// Counts the snapshots built: a newer snapshot has a larger version (what caches key on).
    pub version: u64,
    articles: HashMap<String, Arc<Article>>,
    extracted: HashMap<String, Arc<Extracted>>,
    /// Newest first.
    stories: Vec<StoryEntry>,
    story_index: HashMap<String, usize>,
    /// Newest first (by their latest story).
    storylines: Vec<StorylineEntry>,
    storyline_index: HashMap<String, usize>,
    /// Ids of stories that went into others, to the id of that other.
    aliases: HashMap<String, String>,
    /// Every outlet of a story, sorted, once (the stories page's filter lists them).
    outlet_names: Vec<String>,
    article_story: HashMap<String, String>,
    briefs: HashMap<String, Arc<OnceLock<BriefResult>>>,
}

/// The engine. Cheap to share: put it in an `Arc`.
pub struct Engine {
    store: Mutex<Store>,
    /// Every article, in the order they were loaded and ingested.
    corpus: Mutex<Vec<Arc<Article>>>,
    snapshot: RwLock<Arc<Snapshot>>,
    /// Held while a snapshot is built, so concurrent ingests share one rebuild.
    rebuild: Mutex<()>,
    /// `articles.seq` of the last article in `corpus`; changed only with `corpus` locked.
    last_seq: AtomicI64,
    /// The store's `PRAGMA data_version` when it was last followed; changed only with `store`
    /// locked.
    data_version: AtomicI64,
    /// More connections to the same file for search, so searches run side by side and never
    /// wait for an ingest holding `store` (WAL readers do not block). Empty for a store in
    /// memory, which then searches on `store`.
    searchers: Vec<Mutex<Store>>,
    next_searcher: std::sync::atomic::AtomicUsize,
    /// Searches answered, by (query as the index reads it, limit): the hits, and the last
    /// article `seq` known when they were found (see [`Engine::search`]).
    searches: Mutex<HashMap<(String, usize), (i64, Hits)>>,
}

/// Search connections of an engine on a store file.
const SEARCHERS: usize = 4;

/// The articles a search found, best first: shared by the cache and its readers.
pub type Hits = Arc<Vec<store::ArticleSummary>>;

/// How many searches the engine keeps; past it the cache starts again empty.
const SEARCH_CACHE: usize = 1_024;

impl Engine {
    /// Loads every article of `store`, puts any that has no story yet into one, and reads the
    /// stories.
    pub fn new(mut store: Store) -> Result<Engine, EngineError> {
        update_stories(&mut store)?;
        let data_version = store.data_version()?;
        let (articles, last_seq) = store.articles_after(0)?;
        let corpus: Vec<Arc<Article>> = articles.into_iter().map(|s| Arc::new(s.article)).collect();
        let snapshot = build(&corpus, &read_stories(&store)?, None, 1);
        let searchers = match store.path().parent() {
            Some(dir) if store.path().is_file() => (0..SEARCHERS)
                .map(|_| Store::open_existing(dir).map(Mutex::new))
                .collect::<Result<_, _>>()?,
            _ => Vec::new(),
        };
        tracing::info!(
            articles = corpus.len(),
            stories = snapshot.stories.len(),
            "computed stories"
        );
        Ok(Engine {
            store: Mutex::new(store),
            corpus: Mutex::new(corpus),
            snapshot: RwLock::new(Arc::new(snapshot)),
            rebuild: Mutex::new(()),
            last_seq: AtomicI64::new(last_seq),
            data_version: AtomicI64::new(data_version),
            searchers,
            next_searcher: Default::default(),
            searches: Mutex::default(),
        })
    }

    /// Takes in what other processes (a `parallax ingest`, another server) committed to the
    /// store since the last call: when `PRAGMA data_version` moved, reads the articles stored
    /// since and rebuilds the snapshot with the store's stories. Returns whether it rebuilt.
    /// Cheap when nothing changed (one pragma); readers never wait for it. Blocking.
    pub fn follow(&self) -> Result<bool, EngineError> {
        let target = {
            let store = self.store.lock().map_err(|_| EngineError::Poisoned)?;
            let version = store.data_version()?;
            if version == self.data_version.load(Ordering::Relaxed) {
                return Ok(false);
            }
            let mut corpus = self.corpus.lock().map_err(|_| EngineError::Poisoned)?;
            self.take_new_articles(&store, &mut corpus)?;
            self.data_version.store(version, Ordering::Relaxed);
            corpus.len() as u64
        };
        tracing::debug!(articles = target, "the store changed: rebuilding");
        // Forced: another process may have changed the stories without adding an article.
        self.refresh(None);
        Ok(true)
    }

    /// Appends the articles stored after the last one of `corpus` (by this engine or by
    /// another process), in ingest order.
    fn take_new_articles(
        &self,
        store: &Store,
        corpus: &mut Vec<Arc<Article>>,
    ) -> Result<(), EngineError> {
        let (articles, last) = store.articles_after(self.last_seq.load(Ordering::Relaxed))?;
        corpus.extend(articles.into_iter().map(|s| Arc::new(s.article)));
        self.last_seq.store(last, Ordering::Relaxed);
        Ok(())
    }

    /// The current state; never waits for a rebuild.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        match self.snapshot.read() {
            Ok(s) => s.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Stores `articles` and returns once the stories include them. Blocking.
    pub fn ingest(&self, articles: Vec<Article>) -> Result<Ingested, EngineError> {
        let mut ingested = Ingested::default();
        let target = {
            let mut store = self.store.lock().map_err(|_| EngineError::Poisoned)?;
            let run = store.begin_run(&["api".to_owned()])?;
            let mut corpus = self.corpus.lock().map_err(|_| EngineError::Poisoned)?;
            let known: HashSet<&str> = corpus.iter().map(|a| a.id.as_str()).collect();
            let mut seen = HashSet::new();
            let mut fresh = Vec::new();
            for a in articles {
                let new = !known.contains(a.id.as_str()) && seen.insert(a.id.clone());
                ingested.articles.push((a.id.clone(), new));
                if new {
                    fresh.push(a);
                }
            }
            store.add_articles(run, &fresh)?;
            store.finish_run(run, 0)?;
            // The stories shown are the store's. The articles are stored either way, so a
            // failure here is logged, not returned; the next ingest or start clusters them.
            if !fresh.is_empty()
                && let Err(e) = update_stories(&mut store)
            {
                tracing::warn!(error = %e, "could not update the store's stories");
            }
            // Everything stored since the corpus was last read: these articles, and any that
            // another process stored meanwhile.
            drop(fresh);
            self.take_new_articles(&store, &mut corpus)?;
            corpus.len() as u64
        };
        self.refresh(Some(target));
        Ok(ingested)
    }

    /// Rebuilds the snapshot, unless `target` is given and one with at least that many articles
    /// is already there (another ingest's rebuild took these articles in).
    fn refresh(&self, target: Option<u64>) {
        let _guard = self.rebuild.lock().unwrap_or_else(|p| p.into_inner());
        let old = self.snapshot();
        if target.is_some_and(|t| old.article_count() as u64 >= t) {
            return;
        }
        // The store lock first, as in `ingest`: the articles and the stories read belong together.
        let (corpus, stories) = {
            let store = self.store.lock().unwrap_or_else(|p| p.into_inner());
            let stories = match read_stories(&store) {
                Ok(s) => s,
                Err(e) => {
                    tracing::warn!(error = %e, "could not read the store's stories");
                    return;
                }
            };
            let corpus = self
                .corpus
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clone();
            (corpus, stories)
        };
        let new = Arc::new(build(&corpus, &stories, Some(&old), old.version + 1));
        tracing::info!(
            articles = corpus.len(),
            stories = new.stories.len(),
            "recomputed stories"
        );
        match self.snapshot.write() {
            Ok(mut s) => *s = new,
            Err(poisoned) => *poisoned.into_inner() = new,
        }
    }

    /// Articles matching every word of `query` (SQLite FTS5), best first, as
    /// [`Store::search`] ranks them. A search asked before is answered from a cache, after one
    /// indexed look for a match among the articles stored since (cheap, where ranking a word
    /// found in every article of a large store takes milliseconds): the same searches come
    /// back (the search box, paging, shared links) while articles keep arriving. A kept answer
    /// is in the order of the scores it was found with. Blocking.
    pub fn search(&self, query: &str, limit: usize) -> Result<Hits, EngineError> {
        // Read first: anything stored after it is looked for on the next use of these hits.
        let known = self.last_seq.load(Ordering::Relaxed);
        // The index folds case and splits on white space, so these are the same search.
        let key = (
            query
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase(),
            limit,
        );
        let searches = || self.searches.lock().unwrap_or_else(|p| p.into_inner());
        let kept = searches().get(&key).cloned();
        if let Some((seq, hits)) = kept
            && (seq == known || !self.with_searcher(|s| s.matches_after(query, seq))?)
        {
            searches().insert(key, (known, hits.clone()));
            return Ok(hits);
        }
        let hits = Arc::new(self.with_searcher(|s| s.search(query, limit))?);
        let mut searches = searches();
        if searches.len() >= SEARCH_CACHE {
            searches.clear();
        }
        searches.insert(key, (known, hits.clone()));
        Ok(hits)
    }

    /// The followed feeds and their state (`parallax follow`, `serve --follow`), read on a
    /// search connection so a follower's writes never hold the page up.
    pub fn feeds(&self) -> Result<Vec<store::Feed>, EngineError> {
        self.with_searcher(Store::feeds)
    }

    /// Runs `read` on a free search connection.
    fn with_searcher<T>(
        &self,
        read: impl FnOnce(&Store) -> Result<T, store::StoreError>,
    ) -> Result<T, EngineError> {
        if self.searchers.is_empty() {
            let store = self.store.lock().map_err(|_| EngineError::Poisoned)?;
            return Ok(read(&store)?);
        }
        // A free connection if there is one, else wait for the next in turn.
        let first = self.next_searcher.fetch_add(1, Ordering::Relaxed);
        let n = self.searchers.len();
        let held = (0..n)
            .find_map(|k| self.searchers[(first + k) % n].try_lock().ok())
            .map_or_else(
                || {
                    self.searchers[first % n]
                        .lock()
                        .map_err(|_| EngineError::Poisoned)
                },
                Ok,
            )?;
        Ok(read(&held)?)
    }
}

impl Snapshot {
    /// Every story, newest first.
    pub fn stories(&self) -> &[StoryEntry] {
        &self.stories
    }

    /// Every outlet some story has, sorted.
    pub fn outlet_names(&self) -> &[String] {
        &self.outlet_names
    }

    /// Storylines, newest first.
    pub fn storylines(&self) -> &[StorylineEntry] {
        &self.storylines
    }

    /// The storyline `id` names: a storyline's id, or the id of one of its stories (or of a
    /// story that went into one of them).
    pub fn storyline(&self, id: &str) -> Option<&StorylineEntry> {
        let line = match self.storyline_index.get(id) {
            Some(&i) => return self.storylines.get(i),
            None => &self.story(self.moved_to(id).unwrap_or(id))?.storyline,
        };
        self.storylines.get(*self.storyline_index.get(line)?)
    }

    pub fn story(&self, id: &str) -> Option<&StoryEntry> {
        self.story_index.get(id).map(|&i| &self.stories[i])
    }

    /// The id of the story that the story `id`, no longer shown, went into.
    pub fn moved_to(&self, id: &str) -> Option<&str> {
        self.aliases
            .get(id)
            .map(String::as_str)
            .filter(|to| self.story_index.contains_key(*to))
    }

    pub fn article(&self, id: &str) -> Option<&Arc<Article>> {
        self.articles.get(id)
    }

    pub fn article_count(&self) -> usize {
        self.articles.len()
    }

    /// The story an article is part of.
    pub fn story_of(&self, article: &str) -> Option<&StoryEntry> {
        self.article_story.get(article).and_then(|s| self.story(s))
    }

    pub fn extracted(&self, article: &str) -> Option<&Arc<Extracted>> {
        self.extracted.get(article)
    }

    /// The brief of a story, computed on first use (blocking; ~100 ms for 50 articles). A brief
    /// whose computation panicked is kept as its [`Fault`], so the story's page says so while
    /// every other page is served.
    pub fn brief(&self, story: &str, config: &brief::Config) -> Option<BriefResult> {
        let entry = self.story(story)?;
        let cell = self.briefs.get(story)?;
        Some(
            cell.get_or_init(|| {
                guard("brief", || self.compute_brief(entry, config))
                    .map(Arc::new)
                    .inspect_err(|fault| tracing::error!(story, "{fault}"))
            })
            .clone(),
        )
    }

    fn compute_brief(&self, entry: &StoryEntry, config: &brief::Config) -> brief::StoryBrief {
        let articles: Vec<Article> = entry
            .clustered
            .iter()
            .filter_map(|id| self.articles.get(id).map(|a| (**a).clone()))
            .collect();
        let extracted: Vec<&Extracted> = entry
            .clustered
            .iter()
            .filter_map(|id| self.extracted.get(id).map(|e| &**e))
            .collect();
        let (quotes, people) = brief::extracted::quotes_and_people(&articles, &extracted);
        let input = brief::StoryInput {
            id: Some(entry.id.clone()),
            articles: &articles,
            duplicates: entry.duplicates.clone(),
            quotes,
            people,
        };
        brief::brief_story(&input, config)
    }

    /// Every outlet, most articles first, with how often its facts are carried by others.
    /// Computes the brief of every story it needs (blocking).
    pub fn outlets(&self, config: &brief::Config) -> Vec<OutletStats> {
        self.outlet_stats(None, config)
    }

    /// One outlet's figures, as in [`Snapshot::outlets`]; computes only the briefs of the
    /// stories it is part of.
    pub fn outlet(&self, name: &str, config: &brief::Config) -> Option<OutletStats> {
        self.outlet_stats(Some(name), config).pop()
    }

    /// Figures of every outlet, or of `only` that one.
    fn outlet_stats(&self, only: Option<&str>, config: &brief::Config) -> Vec<OutletStats> {
        let mut by_name: BTreeMap<String, OutletStats> = BTreeMap::new();
        for a in self.articles.values() {
            let name = outlet_name(a);
            if only.is_some_and(|o| o != name) {
                continue;
            }
            let s = by_name.entry(name.clone()).or_default();
            s.name = name;
            s.articles.push(a.id.clone());
        }
        for story in &self.stories {
            if only.is_some_and(|o| !story.outlets.iter().any(|x| x == o)) {
                continue;
            }
            let Some(Ok(b)) = self.brief(&story.id, config) else {
                continue;
            };
            let outlet_of = |id: &str| self.articles.get(id).map(|a| outlet_name(a));
            for o in &story.outlets {
                if let Some(s) = by_name.get_mut(o) {
                    s.stories += 1;
                }
            }
            for f in &b.facts {
                let outlets: HashSet<String> =
                    f.sources.iter().filter_map(|id| outlet_of(id)).collect();
                for o in outlets {
                    if let Some(s) = by_name.get_mut(&o) {
                        if f.corroborated {
                            s.corroborated += 1;
                        } else {
                            s.uncorroborated += 1;
                        }
                    }
                }
            }
            for e in &b.exclusive {
                if let Some(s) = outlet_of(&e.article).and_then(|o| by_name.get_mut(&o)) {
                    s.uncorroborated += 1;
                }
            }
        }
        let mut out: Vec<OutletStats> = by_name.into_values().collect();
        for s in &mut out {
            // Newest first, as everywhere else.
            s.articles.sort_by_key(|id| {
                let a = &self.articles[id];
                (std::cmp::Reverse(a.published), a.id.clone())
            });
        }
        out.sort_by(|a, b| {
            b.articles
                .len()
                .cmp(&a.articles.len())
                .then(a.name.cmp(&b.name))
        });
        out
    }
}

/// The outlet an article is filed under; articles without one share a name.
pub fn outlet_name(a: &Article) -> String {
    a.outlet
        .clone()
        .filter(|o| !o.trim().is_empty())
        .unwrap_or_else(|| "Unknown outlet".to_owned())
}

/// Clusters the articles that have no story yet, with the configuration every front end uses.
fn update_stories(store: &mut Store) -> Result<(), store::StoreError> {
    let done = store.update_stories(&stories::Config::default())?;
    if let Some(reason) = &done.replay_reason {
        tracing::warn!(
            replayed = done.replayed,
            "rebuilt the clusterer by replaying the stored articles: {reason}"
        );
    }
    for (source, warning) in &done.warnings {
        tracing::info!(%source, "{warning}");
    }
    Ok(())
}

/// The store's stories, newest first, every article's story in the order they were clustered,
/// and the ids of stories that went into others.
type StoreStories = (Vec<StoredStory>, Vec<Assigned>, HashMap<String, String>);

fn read_stories(store: &Store) -> Result<StoreStories, store::StoreError> {
    Ok((
        store.stories()?,
        store.assignments()?,
        store.story_aliases()?,
    ))
}

/// The snapshot of `corpus` with the store's stories, reusing extraction results and briefs of
/// `old`.
fn build(
    corpus: &[Arc<Article>],
    (stored, assigned, aliases): &StoreStories,
    old: Option<&Snapshot>,
    version: u64,
) -> Snapshot {
    let articles: HashMap<String, Arc<Article>> =
        corpus.iter().map(|a| (a.id.clone(), a.clone())).collect();
    let extracted: HashMap<String, Arc<Extracted>> = corpus
        .iter()
        .map(|a| {
            let e = old
                .and_then(|o| o.extracted.get(&a.id).cloned())
                .unwrap_or_else(|| {
                    // An article whose analysis panics is shown without its people and quotes.
                    let e = brief::extracted::extract_article_guarded(&a.text).unwrap_or_else(
                        |fault| {
                            tracing::error!(source = %a.source, article = %a.id, "{fault}");
                            Extracted::default()
                        },
                    );
                    Arc::new(e)
                });
            (a.id.clone(), e)
        })
        .collect();

    // Members in the order they were clustered, with their copy links.
    let mut groups: HashMap<&str, Group> = HashMap::new();
    for a in assigned {
        let Some(story) = a.story_id.as_deref() else {
            tracing::debug!(article = %a.article_id, "article is not part of any story");
            continue;
        };
        if !articles.contains_key(&a.article_id) {
            continue;
        }
        let g = groups.entry(story).or_default();
        g.0.push(a.article_id.clone());
        if let Some(o) = &a.duplicate_of {
            g.1.push((a.article_id.clone(), o.clone()));
        }
    }

    let mut entries = Vec::with_capacity(stored.len());
    for s in stored {
        let Some((clustered, duplicates)) = groups.remove(s.id.as_str()) else {
            continue;
        };
        let article = |id: &String| &articles[id];
        let mut members: Vec<(usize, &String)> = clustered.iter().enumerate().collect();
        members.sort_by_key(|&(i, id)| {
            let p = article(id).published;
            (p.is_none(), p, i)
        });
        let mut outlet_counts: BTreeMap<String, usize> = BTreeMap::new();
        let mut people: BTreeMap<String, HashSet<&str>> = BTreeMap::new();
        for id in &clustered {
            *outlet_counts.entry(outlet_name(article(id))).or_default() += 1;
            if let Some(e) = extracted.get(id) {
                for n in &e.names {
                    people.entry(n.name.clone()).or_default().insert(id);
                }
            }
        }
        let mut outlets: Vec<(String, usize)> = outlet_counts.into_iter().collect();
        outlets.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut people: Vec<(String, usize)> =
            people.into_iter().map(|(n, s)| (n, s.len())).collect();
        people.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let headline = s
            .headline
            .clone()
            .or_else(|| members.iter().find_map(|(_, id)| article(id).title.clone()))
            .unwrap_or_else(|| "Untitled story".to_owned());
        entries.push(StoryEntry {
            id: s.id.clone(),
            headline,
            members: members.into_iter().map(|(_, id)| id.clone()).collect(),
            clustered,
            duplicates,
            first_seen: s.first_seen,
            last_seen: s.last_seen,
            outlets: outlets.into_iter().map(|(o, _)| o).collect(),
            people: people.into_iter().take(5).map(|(n, _)| n).collect(),
            storyline: s.storyline.clone(),
        });
    }
    // Stories are in the store's order: newest first by latest article, undated last.

    let story_index: HashMap<String, usize> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.clone(), i))
        .collect();
    let storylines = storylines_of(&entries);
    let storyline_index: HashMap<String, usize> = storylines
        .iter()
        .enumerate()
        .map(|(i, l)| (l.id.clone(), i))
        .collect();
    let article_story: HashMap<String, String> = entries
        .iter()
        .flat_map(|e| e.members.iter().map(|m| (m.clone(), e.id.clone())))
        .collect();
    let briefs = entries
        .iter()
        .map(|e| {
            let reused = old.and_then(|o| {
                let before = o.story(&e.id)?;
                (before.clustered == e.clustered && before.duplicates == e.duplicates)
                    .then(|| o.briefs.get(&e.id).cloned())
                    .flatten()
            });
            (e.id.clone(), reused.unwrap_or_default())
        })
        .collect();
    let mut outlet_names: Vec<String> = entries
        .iter()
        .flat_map(|e| e.outlets.iter().cloned())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    outlet_names.sort();
    Snapshot {
        version,
        outlet_names,
        articles,
        extracted,
        stories: entries,
        story_index,
        storylines,
        storyline_index,
        aliases: aliases.clone(),
        article_story,
        briefs,
    }
}

/// `stories` grouped by storyline: the storylines in the order their first story comes in
/// `stories`, each with its stories oldest first (undated last, then by id).
pub fn by_storyline(stories: &[StoryEntry]) -> Vec<(&str, Vec<&StoryEntry>)> {
    let mut groups: Vec<(&str, Vec<&StoryEntry>)> = Vec::new();
    let mut at: HashMap<&str, usize> = HashMap::new();
    for e in stories {
        let i = *at.entry(e.storyline.as_str()).or_insert_with(|| {
            groups.push((e.storyline.as_str(), Vec::new()));
            groups.len() - 1
        });
        groups[i].1.push(e);
    }
    for (_, members) in &mut groups {
        members.sort_by(|a, b| {
            (a.first_seen.is_none(), a.first_seen, &a.id).cmp(&(
                b.first_seen.is_none(),
                b.first_seen,
                &b.id,
            ))
        });
    }
    groups
}

/// Groups `stories` (newest first) into storylines, newest first, each with its stories oldest
/// first. A story whose storyline has none of the shown stories is a storyline of its own.
fn storylines_of(stories: &[StoryEntry]) -> Vec<StorylineEntry> {
    by_storyline(stories)
        .into_iter()
        .map(|(line, members)| {
            // The biggest story names the saga; among equals the latest (the last, oldest first).
            let headline = members
                .iter()
                .enumerate()
                .max_by_key(|(i, e)| (e.members.len(), *i))
                .map(|(_, e)| e.headline.clone())
                .unwrap_or_default();
            StorylineEntry {
                id: line.to_owned(),
                headline,
                first_seen: members.iter().filter_map(|e| e.first_seen).min(),
                last_seen: members.iter().filter_map(|e| e.last_seen).max(),
                articles: members.iter().map(|e| e.members.len()).sum(),
                stories: members.into_iter().map(|e| e.id.clone()).collect(),
            }
        })
        .collect()
}

/// A story's article ids in the order they were clustered, and `(copy, original)` pairs.
type Group = (Vec<String>, Vec<(String, String)>);
