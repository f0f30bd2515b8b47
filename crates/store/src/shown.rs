//! The stories the store shows: the batch pass (`stories::recluster`, the pair model that
//! `parallax cluster` uses) over the store's recent window, applied after every online update in
//! the same transaction. The online pass (`stories.rs`) still decides, records and saves its own
//! stories (`stories`, `article_story.story_id`, `story_state`), because the saved clusterer
//! continues the stream; this module only re-groups what it fed, into `shown_stories` and
//! `article_story.shown_id`, which is what every reader of the store sees.
//!
//! **Copies:** each article's online copy link (`article_story.duplicate_of`) goes to the batch
//! with it; a copy whose original has left the window is linked to the first copy of the same
//! original in it (see `stories::recluster` for what the batch does with them).
//!
//! **Window:** the latest [`BatchWindow::max_articles`] clustered articles in publication order
//! (an undated article goes with the dated article stored before it, as in
//! `stories::publication_order`), however many days they span: the batch pass never joins dated
//! articles more than a week apart, so a long span costs nothing in quality, and the count is
//! what bounds its time and memory. A window of days instead would leave most of a first ingest
//! of an archive (the bundled demo spans three months) with its online stories. Articles outside
//! the window keep their shown story; a new article outside it (an old archive ingested late,
//! or more new articles than the window holds) is shown in its online story.
//!
//! **Kept inputs:** what the batch takes from each article on its own (`stories::BatchInput`:
//! terms, length, furniture share, date) is made from the text when the article enters the
//! window and kept in `batch_inputs` until it leaves, so an update reads 20,000 inputs instead of
//! tokenising 20,000 texts. Everything that depends on the window (IDF, candidates, pair scores,
//! merging) is computed again at each update, so the stories are exactly those of a fresh batch
//! over the same window, whatever the updates were. An input carries the fingerprint of the code
//! that made it (`stories::batch::input_fingerprint`): one made by other code is made again. The
//! articles' id, date and outlet are read from the `articles_for_shown` index, not from the rows
//! that hold the text.
//!
//! **Ids:** a batch story takes the id its articles were shown under before that it shares the
//! most articles with; every id goes to one story at most, larger overlaps first, ties to the
//! smaller id, then to the story that comes first in publication order. A story left without an
//! id (new articles only, or the smaller part of a split) takes the online id most of its
//! articles have if no story holds it (so when a first ingest is larger than the window, the
//! older articles, shown in their online stories, and the newer part of each story are one
//! story), else the id of its first article in publication order that does not already name a
//! story (`-2`, `-3`, ... appended when all do, as the clusterer does). So a bookmarked story
//! keeps its id while it grows, a store ingested in one go has the ids `parallax cluster` prints
//! wherever the online and batch stories agree (the id of each story's first article), and
//! the first batch over a store made before it keeps the online ids wherever the online and
//! batch stories mostly agree (the migration shows the online stories until then). Ids follow
//! history: a store fed the same articles in another order of arrival has the same stories,
//! but a story whose earliest article came last keeps the id it was first shown under. An id
//! left with no article is kept in `shown_aliases`, pointing at the story most of its articles
//! went to (and every alias that pointed at it follows), until it names a story again.
//!
//! **Rows:** a shown story's row is recomputed from its articles whenever it is in the window or
//! lost articles: count, first and last seen, outlets (most articles first, then by name) and
//! the feed position of its latest article from the articles themselves, and the headline from
//! its articles' titles (`stories::representative_title`); key names, key terms and language
//! from the online story most of its articles are in (the first met in ingest order among
//! equals), exactly as `parallax cluster` labels a batch story.
//!
//! **Storylines:** the batch pass also joins the window's stories into storylines
//! (`stories::recluster_levels`); each story's row names its storyline by the id of the
//! storyline's first story (NULL when it is its own), so a storyline's id follows its first
//! story's. Only rows that
//! differ are written, and a story left with no article is deleted.
//!
//! **Invariant:** a pure function of the stored articles, the assignments and the previous shown
//! ids, so an update that brings nothing new (and the same batch model and window) changes
//! nothing and is skipped. Never decides anything itself: the grouping is the `stories` crate's.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;

use rusqlite::{OptionalExtension, Transaction, params};
use stories::BatchInput;

use crate::{ARTICLE_COLUMNS, Result, StoreError, parse_rfc3339, read_article_row};

/// Which articles the batch pass re-clusters after each update (see the module doc).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchWindow {
    /// At most this many articles, the latest in publication order. The batch holds their text,
    /// vectors and candidate pairs in memory at once, and runs over all of them at every update
    /// that brings a new article.
    pub max_articles: usize,
}

impl Default for BatchWindow {
    fn default() -> Self {
        BatchWindow {
            max_articles: WINDOW_ARTICLES,
        }
    }
}

/// Articles in the default window. `cargo xtask bench-ingest --articles 100000 --runs 1` (plain
/// text, all undated, so the window is the last articles stored), on a shared machine with a
/// load average of 4 to 7, CPU figures varying by a sixth between runs of one binary: without the
/// batch 48.6 and 59.0 CPU s, 222.6 and 222.3 MB peak RSS; with 20,000 53.0 and 60.8 CPU s, 353.0
/// and 351.3 MB; with 50,000 (`parallax cluster`'s limit) 64.2 CPU s and 781.0 MB, three and a
/// half times the memory. An update that only re-clusters a window of 20,000 (a store of 25,000
/// generated articles, `shown_state` deleted) took 2.5 s and 315 MB. A week of 2,800 articles a
/// day fits in 20,000.
const WINDOW_ARTICLES: usize = 20_000;

/// What [`apply`] did.
#[derive(Debug, Default)]
pub(crate) struct Applied {
    /// Articles in the window.
    pub reclustered: u64,
    /// Articles whose shown story changed (not counting those shown for the first time).
    pub moved: u64,
    /// Articles of the window whose batch input was made from the text (not kept from before).
    pub prepared: u64,
}

/// One clustered article, without its text.
struct Member {
    seq: i64,
    published_ts: Option<i64>,
    article_id: String,
    online: String,
    shown: Option<String>,
    /// The article this one copies, as the online pass found it.
    duplicate_of: Option<String>,
}

/// What identifies the batch pass and window that made the shown stories: the model's table (a
/// hash of its parameters) and the window. A change to the batch code that keeps the table is
/// not seen here; the next update that brings a new article re-clusters the window anyway.
pub(crate) fn batch_key(window: &BatchWindow) -> String {
    // The default's threads (1) stand for any: no result depends on them.
    let model = format!("{:?}", stories::BatchConfig::default());
    // FNV-1a: stable across builds and machines, unlike `DefaultHasher`.
    let hash = model.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("batch {hash:016x} window {} articles", window.max_articles)
}

/// True when the shown stories were made by the batch pass and window of `key`, so an update
/// with no new article has nothing to do.
pub(crate) fn is_current(tx: &Transaction, path: &Path, key: &str) -> Result<bool> {
    let saved: Option<String> = tx
        .query_row("SELECT batch FROM shown_state WHERE id = 1", [], |r| {
            r.get(0)
        })
        .optional()
        .map_err(|e| StoreError::sql("read shown state", path, e))?;
    Ok(saved.as_deref() == Some(key))
}

/// Re-clusters the window with the batch pass and brings `article_story.shown_id`,
/// `shown_stories` and `shown_state` up to date (see the module doc). Runs inside the caller's
/// transaction, after the online update has written its assignments and rows.
pub(crate) fn apply(tx: &Transaction, path: &Path, window: &BatchWindow) -> Result<Applied> {
    let fail = |operation| move |e| StoreError::sql(operation, path, e);
    let mut done = Applied::default();
    let members: Vec<Member> = {
        let mut stmt = tx
            .prepare(
                "SELECT a.seq, a.published_ts, a.id, s.story_id, s.shown_id, s.duplicate_of
                 FROM article_story s JOIN articles a INDEXED BY articles_for_shown
                 ON a.id = s.article_id WHERE s.story_id IS NOT NULL ORDER BY a.seq",
            )
            .map_err(fail("read clustered articles"))?;
        stmt.query_map([], |r| {
            Ok(Member {
                seq: r.get(0)?,
                published_ts: r.get(1)?,
                article_id: r.get(2)?,
                online: r.get(3)?,
                shown: r.get(4)?,
                duplicate_of: r.get(5)?,
            })
        })
        .map_err(fail("read clustered articles"))?
        .collect::<rusqlite::Result<_>>()
        .map_err(fail("read clustered articles"))?
    };
    let times: Vec<Option<i64>> = members.iter().map(|m| m.published_ts).collect();
    let in_window = window_of(&times, window);
    done.reclustered = in_window.len() as u64;

    // Language pools as the online pass made them (its story's language).
    let languages: HashMap<String, String> = {
        let mut stmt = tx
            .prepare("SELECT id, language FROM stories")
            .map_err(fail("read stories"))?;
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(fail("read stories"))?
            .collect::<rusqlite::Result<_>>()
            .map_err(fail("read stories"))?
    };
    let mut pools: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for &m in &in_window {
        let language = languages.get(&members[m].online).map_or("", String::as_str);
        pools.entry(language).or_default().push(m);
    }

    // The batch stories, each a list of members in publication order, pool by pool, ordered by
    // their first article. One pool's inputs are in memory at a time.
    // Every core: no story depends on the number of threads.
    let config = stories::BatchConfig {
        threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
        ..stories::BatchConfig::default()
    };
    let mut clusters: Vec<Vec<usize>> = Vec::new();
    // The storyline of each cluster: the index (into `clusters`) of its storyline's first.
    let mut line_of: Vec<usize> = Vec::new();
    {
        let mut kept = tx
            .prepare("SELECT input FROM batch_inputs WHERE seq = ?1")
            .map_err(fail("read batch inputs"))?;
        let mut keep = tx
            .prepare("INSERT OR REPLACE INTO batch_inputs (seq, input) VALUES (?1, ?2)")
            .map_err(fail("store batch input"))?;
        let mut read = tx
            .prepare(&format!(
                "SELECT {ARTICLE_COLUMNS} FROM articles WHERE seq = ?1"
            ))
            .map_err(fail("read articles to re-cluster"))?;
        for pool in pools.values() {
            let inputs: Vec<BatchInput> = pool
                .iter()
                .map(|&m| {
                    let seq = members[m].seq;
                    let input = kept
                        .query_row([seq], |r| {
                            Ok(r.get_ref(0)?.as_blob().ok().and_then(BatchInput::decode))
                        })
                        .optional()
                        .map_err(fail("read batch inputs"))?
                        .flatten();
                    if let Some(input) = input {
                        return Ok(input);
                    }
                    // New in the window, or made by other code: from the text, once.
                    let row = read
                        .query_row([seq], read_article_row)
                        .map_err(fail("read articles to re-cluster"))?;
                    let input = BatchInput::new(&row.decode(path)?.article);
                    keep.execute(params![seq, input.encode()])
                        .map_err(fail("store batch input"))?;
                    done.prepared += 1;
                    Ok(input)
                })
                .collect::<Result<_>>()?;
            let at: HashMap<&str, usize> = pool
                .iter()
                .enumerate()
                .map(|(k, &m)| (members[m].article_id.as_str(), k))
                .collect();
            // A copy whose original has left the window goes with the first copy of the same
            // original still in it.
            let mut first_copy: HashMap<&str, usize> = HashMap::new();
            for (k, &m) in pool.iter().enumerate() {
                if let Some(original) = members[m].duplicate_of.as_deref() {
                    first_copy.entry(original).or_insert(k);
                }
            }
            let copy_of: Vec<Option<usize>> = pool
                .iter()
                .enumerate()
                .map(|(k, &m)| {
                    let original = members[m].duplicate_of.as_deref()?;
                    at.get(original)
                        .or_else(|| first_copy.get(original))
                        .copied()
                        .filter(|&o| o != k)
                })
                .collect();
            let levels = stories::recluster_levels(inputs, &copy_of, &config);
            let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
            for (i, &first) in levels.events.iter().enumerate() {
                groups.entry(first).or_default().push(pool[i]);
            }
            // Groups come in order of their first article, so a storyline's first group is met
            // before its others.
            let base = clusters.len();
            let mut line_start: HashMap<usize, usize> = HashMap::new();
            for (k, &first) in groups.keys().enumerate() {
                let line = levels.storylines[first];
                line_of.push(*line_start.entry(line).or_insert(base + k));
            }
            clusters.extend(groups.into_values());
        }
    }
    forget_inputs(tx, path, &members, &in_window)?;

    let window_set: HashSet<usize> = in_window.iter().copied().collect();
    // Ids kept by articles outside the window: a new story must not take them.
    let mut taken: HashSet<String> = members
        .iter()
        .enumerate()
        .filter(|(m, _)| !window_set.contains(m))
        .filter_map(|(_, x)| x.shown.clone())
        .collect();
    let names = name_clusters(&clusters, &members, &mut taken);

    let mut touched: BTreeSet<String> = BTreeSet::new();
    // Where the articles of each id went: (old id, new id) -> articles.
    let mut went: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    let mut update = tx
        .prepare("UPDATE article_story SET shown_id = ?2 WHERE article_id = ?1")
        .map_err(fail("update shown story of article"))?;
    for (cluster, name) in clusters.iter().zip(&names) {
        for &m in cluster {
            let x = &members[m];
            if x.shown.as_deref() != Some(name.as_str()) {
                update
                    .execute(params![x.article_id, name])
                    .map_err(fail("update shown story of article"))?;
                if let Some(old) = &x.shown {
                    done.moved += 1;
                    touched.insert(old.clone());
                    *went.entry((old.as_str(), name.as_str())).or_default() += 1;
                }
            }
        }
        // Its online stories' labels may have changed even when its articles did not.
        touched.insert(name.clone());
    }
    // New articles older than the window: shown in their online story.
    for (m, x) in members.iter().enumerate() {
        if x.shown.is_none() && !window_set.contains(&m) {
            update
                .execute(params![x.article_id, x.online])
                .map_err(fail("update shown story of article"))?;
            touched.insert(x.online.clone());
        }
    }
    drop(update);
    for id in &touched {
        write_row(tx, path, id)?;
    }
    write_storylines(tx, path, &names, &line_of)?;
    write_aliases(tx, path, &went)?;
    tx.execute(
        "INSERT OR REPLACE INTO shown_state (id, batch) VALUES (1, ?1)",
        [batch_key(window)],
    )
    .map_err(fail("save shown state"))?;
    Ok(done)
}

/// Deletes the kept batch inputs of articles that left the window (an article never comes back
/// into it: later ones only push it further out), so the table holds about one window.
fn forget_inputs(
    tx: &Transaction,
    path: &Path,
    members: &[Member],
    window: &[usize],
) -> Result<()> {
    let fail = |e| StoreError::sql("delete batch inputs", path, e);
    let inside: HashSet<i64> = window.iter().map(|&m| members[m].seq).collect();
    let kept: Vec<i64> = {
        let mut stmt = tx.prepare("SELECT seq FROM batch_inputs").map_err(fail)?;
        stmt.query_map([], |r| r.get(0))
            .map_err(fail)?
            .collect::<rusqlite::Result<_>>()
            .map_err(fail)?
    };
    let mut delete = tx
        .prepare("DELETE FROM batch_inputs WHERE seq = ?1")
        .map_err(fail)?;
    for seq in kept.into_iter().filter(|seq| !inside.contains(seq)) {
        delete.execute([seq]).map_err(fail)?;
    }
    Ok(())
}

/// The members (indices into `times`, clustered articles in ingest order) in the window, in
/// publication order.
fn window_of(times: &[Option<i64>], window: &BatchWindow) -> Vec<usize> {
    let order = stories::publication_order_of(times.iter().copied());
    order[order.len().saturating_sub(window.max_articles)..].to_vec()
}

/// The id of each cluster (see the module doc). `taken` holds the ids that must not be given
/// to a new story; the names given are added to it.
fn name_clusters(
    clusters: &[Vec<usize>],
    members: &[Member],
    taken: &mut HashSet<String>,
) -> Vec<String> {
    // (shared articles, id, cluster)
    let mut candidates: Vec<(usize, &str, usize)> = Vec::new();
    for (k, cluster) in clusters.iter().enumerate() {
        let mut shared: BTreeMap<&str, usize> = BTreeMap::new();
        for shown in cluster.iter().filter_map(|&m| members[m].shown.as_deref()) {
            *shared.entry(shown).or_default() += 1;
        }
        candidates.extend(shared.into_iter().map(|(id, n)| (n, id, k)));
    }
    candidates.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)).then(a.2.cmp(&b.2)));
    let mut names: Vec<Option<String>> = vec![None; clusters.len()];
    let mut given: HashSet<&str> = HashSet::new();
    for (_, id, k) in candidates {
        if names[k].is_none() && !given.contains(id) {
            names[k] = Some(id.to_owned());
            given.insert(id);
        }
    }
    // Then a story still without one takes the online id most of its articles have, if free: a
    // first ingest larger than the window shows the older articles in their online stories, and
    // the newer part of each story goes on under the same id.
    let mut online: Vec<(usize, &str, usize)> = Vec::new();
    for (k, cluster) in clusters.iter().enumerate() {
        if names[k].is_none() {
            let mut shared: BTreeMap<&str, usize> = BTreeMap::new();
            for &m in cluster {
                *shared.entry(members[m].online.as_str()).or_default() += 1;
            }
            online.extend(shared.into_iter().map(|(id, n)| (n, id, k)));
        }
    }
    online.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)).then(a.2.cmp(&b.2)));
    for (_, id, k) in online {
        if names[k].is_none() && !given.contains(id) && !taken.contains(id) {
            names[k] = Some(id.to_owned());
            given.insert(id);
        }
    }
    taken.extend(given.into_iter().map(str::to_owned));
    clusters
        .iter()
        .zip(names)
        .map(|(cluster, name)| {
            name.unwrap_or_else(|| {
                let fresh = cluster
                    .iter()
                    .map(|&m| &members[m].article_id)
                    .find(|id| !taken.contains(*id))
                    .cloned()
                    .unwrap_or_else(|| {
                        let first = &members[cluster[0]].article_id;
                        (2..)
                            .map(|k| format!("{first}-{k}"))
                            .find(|id| !taken.contains(id))
                            .expect("some suffix is free")
                    });
                taken.insert(fresh.clone());
                fresh
            })
        })
        .collect()
}

/// Points each id that `went` left without articles at the story most of them went to (ties to
/// the smaller id), and every alias that led to it along; an id that names a story again is no
/// alias.
fn write_aliases(
    tx: &Transaction,
    path: &Path,
    went: &BTreeMap<(&str, &str), usize>,
) -> Result<()> {
    let fail = |e| StoreError::sql("store story alias", path, e);
    let mut best: BTreeMap<&str, (usize, &str)> = BTreeMap::new();
    for (&(old, new), &n) in went {
        let e = best.entry(old).or_insert((n, new));
        if n > e.0 {
            *e = (n, new);
        }
    }
    for (old, (_, new)) in best {
        let gone = tx
            .prepare_cached("SELECT COUNT(*) FROM shown_stories WHERE id = ?1")
            .and_then(|mut s| s.query_row([old], |r| r.get::<_, i64>(0)))
            .map_err(fail)?
            == 0;
        if gone {
            tx.prepare_cached("INSERT OR REPLACE INTO shown_aliases (id, story) VALUES (?1, ?2)")
                .and_then(|mut s| s.execute([old, new]))
                .map_err(fail)?;
            tx.prepare_cached("UPDATE shown_aliases SET story = ?2 WHERE story = ?1")
                .and_then(|mut s| s.execute([old, new]))
                .map_err(fail)?;
        }
    }
    tx.execute(
        "DELETE FROM shown_aliases WHERE id IN (SELECT id FROM shown_stories)",
        [],
    )
    .map_err(fail)?;
    Ok(())
}

/// Writes each window story's storyline: the id of the storyline's first story, NULL for a
/// story that is its own storyline. Only rows that differ are written.
fn write_storylines(
    tx: &Transaction,
    path: &Path,
    names: &[String],
    line_of: &[usize],
) -> Result<()> {
    let fail = |e| StoreError::sql("store storyline", path, e);
    let mut stmt = tx
        .prepare_cached(
            "UPDATE shown_stories SET storyline = ?2 WHERE id = ?1 AND storyline IS NOT ?2",
        )
        .map_err(fail)?;
    for (k, name) in names.iter().enumerate() {
        let line = line_of
            .get(k)
            .filter(|&&l| l != k)
            .and_then(|&l| names.get(l));
        stmt.execute(params![name, line]).map_err(fail)?;
    }
    Ok(())
}

/// Recomputes the `shown_stories` row of `id` from its articles (see the module doc), writing
/// it only when it changed; deletes it when no article is left in it.
fn write_row(tx: &Transaction, path: &Path, id: &str) -> Result<()> {
    let fail = |e| StoreError::sql("store shown story", path, e);
    // (online story, feed, outlet, published, title)
    type Row = (String, i64, Option<String>, Option<String>, Option<String>);
    let rows: Vec<Row> = {
        let mut stmt = tx
            .prepare_cached(
                "SELECT s.story_id, s.feed, a.outlet, a.published, a.title
                 FROM article_story s JOIN articles a INDEXED BY articles_for_shown
                 ON a.id = s.article_id WHERE s.shown_id = ?1 ORDER BY a.seq",
            )
            .map_err(fail)?;
        stmt.query_map([id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .map_err(fail)?
        .collect::<rusqlite::Result<_>>()
        .map_err(fail)?
    };
    if rows.is_empty() {
        tx.prepare_cached("DELETE FROM shown_stories WHERE id = ?1")
            .and_then(|mut s| s.execute([id]))
            .map_err(fail)?;
        return Ok(());
    }
    let corrupt = |message: String| StoreError::Corrupt {
        path: path.to_owned(),
        id: format!("shown story {id}"),
        message,
    };
    let mut online: Vec<(&str, usize)> = Vec::new();
    let mut outlets: BTreeMap<&str, usize> = BTreeMap::new();
    let mut first: Option<chrono::DateTime<chrono::FixedOffset>> = None;
    let mut last: Option<chrono::DateTime<chrono::FixedOffset>> = None;
    let mut last_feed = 0;
    for (story, feed, outlet, published, _) in &rows {
        match online.iter_mut().find(|(s, _)| s == story) {
            Some((_, n)) => *n += 1,
            None => online.push((story, 1)),
        }
        if let Some(o) = outlet {
            *outlets.entry(o).or_default() += 1;
        }
        if let Some(p) = published {
            let t = parse_rfc3339(p).map_err(corrupt)?;
            if first.is_none_or(|f| t < f) {
                first = Some(t);
            }
            if last.is_none_or(|l| t > l) {
                last = Some(t);
            }
        }
        last_feed = last_feed.max(*feed);
    }
    let most = online.iter().map(|&(_, n)| n).max().unwrap_or(0);
    let label = online
        .iter()
        .find(|&&(_, n)| n == most)
        .map(|&(s, _)| s)
        .unwrap_or_default();
    // (headline, entities, terms, language) of the online story.
    let labels: Option<(Option<String>, String, String, String)> = tx
        .prepare_cached("SELECT headline, entities, terms, language FROM stories WHERE id = ?1")
        .and_then(|mut s| {
            s.query_row([label], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .optional()
        })
        .map_err(fail)?;
    let (online_headline, entities, terms, language) =
        labels.unwrap_or_else(|| (None, "[]".to_owned(), "[]".to_owned(), String::new()));
    // The headline is the title of one of its own articles; the online story's only when none
    // has a title.
    let titles: Vec<Option<&str>> = rows.iter().map(|r| r.4.as_deref()).collect();
    let headline = stories::representative_title(&titles)
        .and_then(|i| titles[i].map(str::to_owned))
        .or(online_headline);
    // No article has a title (plain wire copy): the headline is made from the lead sentences.
    let headline = match headline {
        Some(h) => Some(h),
        None => {
            let texts: Vec<String> = tx
                .prepare_cached(
                    "SELECT a.text FROM article_story s JOIN articles a ON a.id = s.article_id
                     WHERE s.shown_id = ?1 ORDER BY a.seq LIMIT 50",
                )
                .and_then(|mut stmt| {
                    stmt.query_map([id], |r| r.get(0))?
                        .collect::<rusqlite::Result<_>>()
                })
                .map_err(fail)?;
            let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
            stories::headline_from_leads(&texts)
        }
    };
    let mut outlets: Vec<(&str, usize)> = outlets.into_iter().collect();
    outlets.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let outlets: Vec<&str> = outlets.into_iter().map(|(o, _)| o).collect();
    let values = (
        headline,
        first.as_ref().map(crate::stories::rfc3339),
        first.map(|t| t.timestamp()),
        last.as_ref().map(crate::stories::rfc3339),
        last.map(|t| t.timestamp()),
        last_feed,
        serde_json::to_string(&outlets).expect("strings serialise"),
        rows.len() as i64,
        entities,
        terms,
        language,
    );
    type Values = (
        Option<String>,
        Option<String>,
        Option<i64>,
        Option<String>,
        Option<i64>,
        i64,
        String,
        i64,
        String,
        String,
        String,
    );
    let stored: Option<Values> = tx
        .prepare_cached(
            "SELECT headline, first_seen, first_ts, last_seen, last_ts, last_feed, outlets,
             articles, entities, terms, language FROM shown_stories WHERE id = ?1",
        )
        .and_then(|mut s| {
            s.query_row([id], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                    r.get(9)?,
                    r.get(10)?,
                ))
            })
            .optional()
        })
        .map_err(fail)?;
    if stored.as_ref() == Some(&values) {
        return Ok(());
    }
    let (h, fs, ft, ls, lt, lf, o, n, e, t, l) = values;
    tx.prepare_cached(
        // The storyline is written apart (`write_storylines`) and kept here.
        "INSERT OR REPLACE INTO shown_stories (id, headline, first_seen, first_ts, last_seen,
         last_ts, last_feed, outlets, articles, entities, terms, language, storyline)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,
         (SELECT storyline FROM shown_stories WHERE id = ?1))",
    )
    .and_then(|mut s| s.execute(params![id, h, fs, ft, ls, lt, lf, o, n, e, t, l]))
    .map_err(fail)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Assigned, Store, StoredStory, StoredStoryline, StoriesUpdated};
    use ingest::Article;
    use std::path::PathBuf;

    /// The demo corpus in `examples/`, in the order `parallax ingest examples` reads it.
    fn demo() -> Vec<Article> {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples");
        ingest::read_inputs(&[root], &ingest::Config::default())
            .map(|a| a.expect("demo article"))
            .collect()
    }

    fn add(store: &mut Store, articles: &[Article]) -> StoriesUpdated {
        let run = store.begin_run(&["test".into()]).unwrap();
        store.add_articles(run, articles).unwrap();
        store.update_stories(&stories::Config::default()).unwrap()
    }

    /// A store fed `runs` one after another, checked for consistent rows.
    fn ingested(runs: &[&[Article]]) -> Store {
        let mut store = Store::open_in_memory().unwrap();
        for run in runs {
            add(&mut store, run);
        }
        check_rows(&store);
        store
    }

    /// Every clustered article is in a shown story that exists, and every shown story's row
    /// counts its articles.
    fn check_rows(store: &Store) {
        let listed = store.stories().unwrap();
        let clustered = store
            .assignments()
            .unwrap()
            .into_iter()
            .filter(|a| a.story_id.is_some())
            .count();
        assert_eq!(
            listed.iter().map(|s| s.articles).sum::<u64>(),
            clustered as u64
        );
        for s in &listed {
            let members = store.story_articles(&s.id).unwrap();
            assert_eq!(members.len() as u64, s.articles, "{}", s.id);
            let new = members.iter().filter(|m| m.kind.as_deref() == Some("new"));
            assert!(new.count() <= 1, "{}", s.id);
        }
    }

    /// Every assignment (by article id) and every story.
    fn contents(store: &Store) -> (Vec<Assigned>, Vec<StoredStory>) {
        let mut assigned = store.assignments().unwrap();
        assigned.sort_by(|a, b| a.article_id.cmp(&b.article_id));
        (assigned, store.stories().unwrap())
    }

    /// The shown stories as sets of article ids.
    fn partition(store: &Store) -> BTreeSet<BTreeSet<String>> {
        let mut stories: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for a in store.assignments().unwrap() {
            if let Some(s) = a.story_id {
                stories.entry(s).or_default().insert(a.article_id);
            }
        }
        stories.into_values().collect()
    }

    fn online_stories(store: &Store) -> i64 {
        store
            .conn
            .query_row("SELECT COUNT(*) FROM stories", [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn the_demo_shows_the_stories_parallax_cluster_prints() {
        let articles = demo();
        let store = ingested(&[&articles]);
        // What `parallax cluster` does: the online pass, then the batch pass.
        let mut clusterer = stories::Clusterer::new(stories::Config::default());
        let mut assigned = vec![None; articles.len()];
        for i in stories::publication_order(&articles) {
            assigned[i] = Some(clusterer.add(&articles[i]));
        }
        let batch = stories::batch_stories(&articles, &assigned, &stories::BatchConfig::default());
        let expected: BTreeMap<&str, Option<&str>> = articles
            .iter()
            .zip(&batch)
            .map(|(a, s)| (a.id.as_str(), s.map(|s| articles[s.event].id.as_str())))
            .collect();
        let stored = store.assignments().unwrap();
        let got: BTreeMap<&str, Option<&str>> = stored
            .iter()
            .map(|a| (a.article_id.as_str(), a.story_id.as_deref()))
            .collect();
        assert_eq!(got, expected);
        // The online pass splits the demo's stories that the batch pass joins.
        let shown = store.stories().unwrap().len() as i64;
        assert!(online_stories(&store) > shown, "{shown}");
        // The dam story's headline is the title of one of its own reports, the one most like
        // the others.
        let dam = store.story_of(&articles[0].id).unwrap().unwrap();
        let titles: Vec<Option<String>> = store
            .story_articles(&dam)
            .unwrap()
            .into_iter()
            .map(|m| m.stored.article.title)
            .collect();
        let dam = store.story(&dam).unwrap();
        assert!(titles.contains(&dam.headline), "{:?}", dam.headline);
        assert_eq!(
            dam.headline.as_deref(),
            Some("Dam bursts above Kessel, forcing thousands from their homes")
        );
    }

    #[test]
    fn storylines_hold_whole_stories_and_are_named_by_their_first() {
        let articles = demo();
        let store = ingested(&[&articles]);
        let stories = store.stories().unwrap();
        let lines = store.storylines().unwrap();
        assert_eq!(
            lines.iter().map(|l| l.stories.len()).sum::<usize>(),
            stories.len()
        );
        for line in &lines {
            assert_eq!(line.stories[0].id, line.id);
            assert!(line.stories.iter().all(|s| s.storyline == line.id));
            assert_eq!(
                line.articles,
                line.stories.iter().map(|s| s.articles).sum::<u64>()
            );
            for s in &line.stories {
                assert_eq!(&store.storyline(&s.id).unwrap(), line);
            }
        }
        // The storylines are those of the batch pass over the same articles.
        let mut clusterer = stories::Clusterer::new(stories::Config::default());
        let mut assigned = vec![None; articles.len()];
        for i in stories::publication_order(&articles) {
            assigned[i] = Some(clusterer.add(&articles[i]));
        }
        let batch = stories::batch_stories(&articles, &assigned, &stories::BatchConfig::default());
        for (a, b) in articles.iter().zip(&batch) {
            let Some(b) = b else { continue };
            let story = store.story_of(&a.id).unwrap().unwrap();
            assert_eq!(
                store.story(&story).unwrap().storyline,
                articles[b.storyline].id,
                "{}",
                a.id
            );
        }
        // The demo's transfer saga runs over several days in two stories.
        let sagas: Vec<&StoredStoryline> = lines.iter().filter(|l| l.stories.len() > 1).collect();
        assert!(!sagas.is_empty());
        assert!(store.storyline("zz").is_err());
    }

    #[test]
    fn an_update_with_nothing_new_changes_nothing() {
        let articles = demo();
        let mut store = ingested(&[&articles]);
        let before = contents(&store);
        let done = add(&mut store, &articles);
        assert_eq!((done.clustered, done.reclustered), (0, 0));
        assert_eq!(contents(&store), before);
        // Without the record of which batch made them, the next update re-clusters, to the same.
        store.conn.execute_batch("DELETE FROM shown_state").unwrap();
        let done = add(&mut store, &[]);
        assert_eq!((done.reclustered, done.reshown), (articles.len() as u64, 0));
        assert_eq!(contents(&store), before);
    }

    #[test]
    fn the_demo_in_two_halves_gives_the_same_stories() {
        let articles = demo();
        let one_go = ingested(&[&articles]);
        // In publication order: the same stories and the same ids.
        let order = stories::publication_order(&articles);
        let by_date: Vec<Article> = order.iter().map(|&i| articles[i].clone()).collect();
        let (early, late) = by_date.split_at(by_date.len() / 2);
        assert_eq!(contents(&ingested(&[early, late])).1, contents(&one_go).1);
        // Any other split: the same stories, but one whose first report came last keeps the id
        // it was first shown under.
        let (wire, rest): (Vec<Article>, Vec<Article>) = articles
            .iter()
            .cloned()
            .partition(|a| a.source.to_string().contains("wire"));
        assert_eq!(partition(&ingested(&[&rest, &wire])), partition(&one_go));
        assert_eq!(partition(&ingested(&[&wire, &rest])), partition(&one_go));
    }

    #[test]
    fn a_story_keeps_its_id_when_its_first_report_arrives_last() {
        let articles = demo();
        let first = stories::publication_order(&articles)[0];
        let rest: Vec<Article> = articles
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != first)
            .map(|(_, a)| a.clone())
            .collect();
        // Another report of the same story, when all come in one go.
        let one_go = ingested(&[&articles]);
        let of = |a: &Article| one_go.story_of(&a.id).unwrap();
        let mate = rest.iter().find(|a| of(a) == of(&articles[first])).unwrap();
        let mut store = ingested(&[&rest]);
        let story = store.story_of(&mate.id).unwrap().unwrap();
        assert_ne!(story, articles[first].id);
        let before = store.story(&story).unwrap().articles;
        let done = add(&mut store, std::slice::from_ref(&articles[first]));
        check_rows(&store);
        assert_eq!(done.reshown, 0);
        assert_eq!(store.story_of(&mate.id).unwrap(), Some(story.clone()));
        assert_eq!(
            store.story_of(&articles[first].id).unwrap(),
            Some(story.clone())
        );
        assert_eq!(store.story(&story).unwrap().articles, before + 1);
    }

    #[test]
    fn a_store_from_before_the_batch_shows_its_online_stories_then_keeps_their_ids() {
        let dir = tempfile::tempdir().unwrap();
        let articles = demo();
        {
            let mut store = Store::open(dir.path()).unwrap();
            add(&mut store, &articles);
            // Back to schema 4: the online stories only.
            store
                .conn
                .execute_batch(
                    "DROP TABLE feed_items; DROP TABLE feeds; DROP INDEX articles_by_url;
                     DROP TABLE batch_inputs; DROP INDEX articles_for_shown;
                     DROP TABLE shown_aliases; DROP TABLE shown_state; DROP TABLE shown_stories;
                     DROP INDEX article_story_by_shown;
                     ALTER TABLE article_story DROP COLUMN shown_id;
                     PRAGMA user_version = 4;",
                )
                .unwrap();
        }
        let mut store = Store::open(dir.path()).unwrap();
        let online: BTreeSet<String> = store.stories().unwrap().into_iter().map(|s| s.id).collect();
        assert_eq!(online.len() as i64, online_stories(&store));
        check_rows(&store);
        // The first update re-clusters although nothing is new; each story keeps an online id.
        let done = add(&mut store, &articles);
        assert_eq!(
            (done.clustered, done.reclustered),
            (0, articles.len() as u64)
        );
        check_rows(&store);
        assert_eq!(partition(&store), partition(&ingested(&[&articles])));
        let shown = store.stories().unwrap();
        assert!(shown.len() < online.len());
        assert!(shown.iter().all(|s| online.contains(&s.id)), "{shown:?}");
    }

    #[test]
    fn a_story_that_went_into_another_still_answers_to_its_id() {
        let articles = demo();
        let mut store = ingested(&[&articles]);
        let big = store
            .stories()
            .unwrap()
            .into_iter()
            .max_by_key(|s| s.articles)
            .unwrap();
        // Show a third of its articles as a story of their own, as an earlier batch might have.
        let members = store.story_articles(&big.id).unwrap();
        let split = "fff0";
        for m in members.iter().take(members.len() / 3) {
            store
                .conn
                .execute(
                    "UPDATE article_story SET shown_id = ?2 WHERE article_id = ?1",
                    [m.stored.article.id.as_str(), split],
                )
                .unwrap();
        }
        store
            .conn
            .execute_batch(&format!(
                "INSERT INTO shown_stories SELECT '{split}', headline, first_seen, first_ts,
                 last_seen, last_ts, last_feed, outlets, articles, entities, terms, language,
                 storyline
                 FROM shown_stories WHERE id = '{}'; DELETE FROM shown_state;",
                big.id
            ))
            .unwrap();
        assert_eq!(store.story(split).unwrap().id, split);
        // The next batch joins them again under the id most of them had.
        add(&mut store, &[]);
        check_rows(&store);
        assert!(store.stories().unwrap().iter().all(|s| s.id != split));
        assert_eq!(store.story(split).unwrap().id, big.id);
        assert_eq!(store.story("fff").unwrap().id, big.id);
        assert!(matches!(
            store.story("fff1"),
            Err(StoreError::NoStory { .. })
        ));
    }

    /// Each kept batch input by article id, checked against the input its text gives now.
    fn kept_inputs(store: &Store) -> BTreeMap<String, BatchInput> {
        let mut stmt = store
            .conn
            .prepare("SELECT a.id, b.input FROM batch_inputs b JOIN articles a ON a.seq = b.seq")
            .unwrap();
        let kept: BTreeMap<String, Vec<u8>> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        kept.into_iter()
            .map(|(id, bytes)| {
                let input = BatchInput::decode(&bytes).expect("kept input decodes");
                let fresh = BatchInput::new(&store.article(&id).unwrap().article);
                assert_eq!(input, fresh, "{id}");
                (id, input)
            })
            .collect()
    }

    #[test]
    fn kept_batch_inputs_give_the_stories_the_text_gives() {
        let articles = demo();
        let order = stories::publication_order(&articles);
        let by_date: Vec<Article> = order.iter().map(|&i| articles[i].clone()).collect();
        let (early, late) = by_date.split_at(by_date.len() / 2);
        let mut store = Store::open_in_memory().unwrap();
        assert_eq!(add(&mut store, early).prepared, early.len() as u64);
        assert_eq!(kept_inputs(&store).len(), early.len());
        // The second update makes inputs for its new articles only and reads the others' back.
        let done = add(&mut store, late);
        assert_eq!(
            (done.reclustered, done.prepared),
            (articles.len() as u64, late.len() as u64)
        );
        assert_eq!(kept_inputs(&store).len(), articles.len());
        let kept = contents(&store);
        assert_eq!(kept, contents(&ingested(&[&articles])));
        // Inputs made by other code (or damaged) are made again from the text, to the same.
        store
            .conn
            .execute_batch("UPDATE batch_inputs SET input = x'00'; DELETE FROM shown_state;")
            .unwrap();
        let done = add(&mut store, &[]);
        assert_eq!(done.prepared, articles.len() as u64);
        assert_eq!(contents(&store), kept);
        assert_eq!(kept_inputs(&store).len(), articles.len());
        // An article that leaves the window leaves the table too.
        store.set_batch_window(BatchWindow { max_articles: 6 });
        let done = add(&mut store, &[]);
        assert_eq!((done.reclustered, done.prepared), (6, 0));
        let left: Vec<&str> = order[..articles.len() - 6]
            .iter()
            .map(|&i| articles[i].id.as_str())
            .collect();
        let kept = kept_inputs(&store);
        assert_eq!(kept.len(), 6);
        assert!(left.iter().all(|id| !kept.contains_key(*id)));
    }

    #[test]
    fn articles_outside_the_window_keep_or_get_a_story() {
        let articles = demo();
        let mut store = Store::open_in_memory().unwrap();
        store.set_batch_window(BatchWindow { max_articles: 6 });
        let done = add(&mut store, &articles);
        assert_eq!(done.reclustered, 6);
        check_rows(&store);
        // The older ones, new and outside the window, are shown in their online story.
        let online: i64 = store
            .conn
            .query_row(
                "SELECT COUNT(*) FROM article_story WHERE shown_id = story_id",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(online >= articles.len() as i64 - 6, "{online}");
        // And the window's part of each story goes on under the online id of its older
        // articles, so no story is shown twice: a window story whose articles are mostly in an
        // online story that older articles are shown in carries that story's id.
        let rows: Vec<(String, String, String, bool)> = store
            .conn
            .prepare(
                "SELECT s.article_id, s.story_id, s.shown_id, b.seq IS NOT NULL
                 FROM article_story s JOIN articles a ON a.id = s.article_id
                 LEFT JOIN batch_inputs b ON b.seq = a.seq",
            )
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(rows.iter().filter(|r| r.3).count(), 6);
        let older: HashSet<&str> = rows.iter().filter(|r| !r.3).map(|r| r.2.as_str()).collect();
        let mut window: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
        for (_, online, shown, _) in rows.iter().filter(|r| r.3) {
            *window.entry(shown).or_default().entry(online).or_default() += 1;
        }
        let mut continued = 0;
        for (shown, online) in &window {
            // Most articles first, ties to the smaller id.
            let (&most, _) = online
                .iter()
                .max_by_key(|(id, n)| (**n, std::cmp::Reverse(**id)))
                .unwrap();
            if older.contains(most) {
                assert_eq!(*shown, most, "{online:?}");
                continued += 1;
            }
        }
        // The demo's window holds the later part of a story begun before it.
        assert!(continued > 0, "{window:?}");
        // A wider window re-clusters at the next update, even with nothing new.
        store.set_batch_window(BatchWindow::default());
        let done = add(&mut store, &[]);
        assert_eq!(done.reclustered, articles.len() as u64);
        check_rows(&store);
        assert_eq!(partition(&store), partition(&ingested(&[&articles])));
    }

    fn member(article_id: &str, online: &str, shown: Option<&str>) -> Member {
        Member {
            seq: 0,
            published_ts: None,
            article_id: article_id.to_owned(),
            online: online.to_owned(),
            shown: shown.map(str::to_owned),
            duplicate_of: None,
        }
    }

    /// Names of `clusters` (lists of indices into `members`), with `taken` ids kept elsewhere.
    fn check(members: &[Member], clusters: &[&[usize]], taken: &[&str], expected: &[&str]) {
        let clusters: Vec<Vec<usize>> = clusters.iter().map(|c| c.to_vec()).collect();
        let mut taken: HashSet<String> = taken.iter().map(|s| s.to_string()).collect();
        assert_eq!(name_clusters(&clusters, members, &mut taken), expected);
    }

    #[test]
    fn a_story_keeps_the_id_it_shares_most_articles_with() {
        let m = [
            member("a1", "a1", Some("a1")),
            member("a2", "a2", Some("a2")),
            member("a3", "a2", Some("a2")),
            member("a4", "a4", None),
        ];
        // a1 and a2 are joined: the story with more of them gives the id.
        check(&m, &[&[0, 1, 2], &[3]], &[], &["a2", "a4"]);
        // Equal shares: the smaller id.
        check(&m, &[&[0, 1], &[2, 3]], &[], &["a1", "a2"]);
        // A split: the larger part keeps the id, the other is named by its first free article,
        // or by its first article with a suffix when every one of them names a story.
        let m = [
            member("x1", "x1", Some("x1")),
            member("x2", "x1", Some("x1")),
            member("x3", "x1", Some("x1")),
        ];
        check(&m, &[&[0, 1], &[2]], &[], &["x1", "x3"]);
        check(&m, &[&[0], &[1, 2]], &[], &["x1-2", "x1"]);
        // New articles join the story of the shown ones; a story of new articles only takes
        // their online story's id when no story holds it, else it is named by its first article.
        let m = [
            member("b1", "b1", Some("b1")),
            member("b2", "b1", None),
            member("b3", "b1", None),
            member("b4", "b1", None),
        ];
        check(&m, &[&[0, 1], &[2, 3]], &[], &["b1", "b3"]);
        let m = [member("c2", "c1", None), member("c3", "c1", None)];
        check(&m, &[&[0, 1]], &[], &["c1"]);
        check(&m, &[&[0, 1]], &["c1"], &["c2"]);
    }

    #[test]
    fn a_new_story_takes_no_id_in_use() {
        let m = [
            member("a1", "a1", Some("a1")),
            member("a2", "a1", Some("a1")),
        ];
        // "a1" goes to the first part; "a2" is in use outside the window.
        check(&m, &[&[0], &[1]], &["a2"], &["a1", "a2-2"]);
    }

    #[test]
    fn the_window_is_the_latest_articles_in_publication_order() {
        let day = 86_400;
        let times = [
            Some(0),
            None,
            Some(20 * day),
            Some(10 * day),
            None,
            Some(21 * day),
        ];
        let window = |max_articles| BatchWindow { max_articles };
        // Publication order: 0, 1, 3, 4, 2, 5 (undated ones go with the dated one before).
        assert_eq!(window_of(&times, &window(10)), [0, 1, 3, 4, 2, 5]);
        assert_eq!(window_of(&times, &window(3)), [4, 2, 5]);
        assert_eq!(window_of(&[None, None], &window(1)), [1]);
        assert!(window_of(&[], &window(1)).is_empty());
    }
}
