//! Stories in the store: which story each article belongs to, and a summary row per story,
//! kept up to date by [`Store::update_stories`] after each ingest.
//!
//! The clusterer (term rarity, MinHash index, centroids) is saved in `story_state` after each
//! update (`stories::Clusterer::save`, a few MB) and loaded before the next, which then reads
//! only the articles stored since (`articles.seq` above the state's `last_seq`) and feeds them
//! in publication order (ingest order when undated). When the state cannot be used (none yet,
//! written by another version of the clustering code or with another configuration, damaged,
//! or not covering exactly the assigned articles) the update says why and falls back to the
//! reference: replaying the articles already assigned in the order they were first fed
//! (`article_story.feed`), which gives back exactly the clusterer they left (it is
//! deterministic), and then saves a fresh state. New articles are read and clustered a chunk at
//! a time; stories the clusterer closes (no new article within its window, or pushed out of a
//! full pool) are drained from it after every chunk and kept only as their final `stories` row
//! (stories they absorbed are followed there), so the saved state and an update's memory follow
//! the active window, not the length of the history. **Invariant:** an article's row is written
//! once, with its feed position, and only its story id changes afterwards (when stories merge);
//! the `stories` rows, the assignments and the saved state are written in the same transaction,
//! so readers never see assignments and summaries that disagree and a killed update never
//! leaves a state that does not match the assignments. This module never decides anything about
//! stories itself: it feeds and records the `stories` crate.
//!
//! What the readers here return ([`Store::stories`], [`Store::story`], [`Store::story_articles`],
//! [`Store::story_of`], [`Store::assignments`]) are not these online stories but the shown ones:
//! at the end of each update the batch pass re-clusters the recent window on top of them
//! (`shown.rs`), in the same transaction. The online tables are the clusterer's own record.

use chrono::{DateTime, FixedOffset, SecondsFormat};
use ingest::Source;
use std::collections::HashMap;
use std::path::Path;

use rusqlite::{OptionalExtension, Transaction, params};

use crate::{
    ARTICLE_COLUMN_COUNT, ARTICLE_COLUMNS, BatchWindow, Result, Store, StoreError, StoredArticle,
    parse_rfc3339, read_article_row, shown,
};

/// What [`Store::update_stories`] did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StoriesUpdated {
    /// Articles clustered for the first time.
    pub clustered: u64,
    /// Articles replayed to rebuild the clusterer.
    pub replayed: u64,
    /// Earlier articles whose story changed (stories merged, or a newer program clustered them
    /// differently).
    pub moved: u64,
    /// Stories in the store afterwards.
    pub stories: u64,
    /// What the clusterer said about the newly clustered articles (no date, empty, language).
    pub warnings: Vec<(Source, String)>,
    /// Why the clusterer was rebuilt by replaying instead of loaded from its saved state (no
    /// state yet, another program version or configuration, a damaged state); `None` when it
    /// was loaded, or when there was nothing to replay.
    pub replay_reason: Option<String>,
    /// Size of the clusterer state saved by this update.
    pub state_bytes: u64,
    /// Articles in the window the batch pass re-clustered (0 when it did not run: nothing new).
    pub reclustered: u64,
    /// Articles whose shown (batch) story changed, not counting those shown for the first time.
    pub reshown: u64,
    /// Articles of the window whose batch input was made from their text by this update (new in
    /// the window); the others' inputs were kept from an earlier update.
    pub prepared: u64,
}

/// One row of `article_story`: an article's story and the earlier article it copies.
#[derive(Debug, Clone, PartialEq)]
pub struct Assigned {
    pub article_id: String,
    /// `None` when the article was not clustered (it has no text).
    pub story_id: Option<String>,
    pub duplicate_of: Option<String>,
    /// `new` (started the story), `joined`, or the copy kind (`exact`, `syndicated`, `rewrite`).
    pub kind: Option<String>,
}

/// A story as stored: the `stories` crate's summary when it was last updated.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredStory {
    /// The id of one of its articles, normally its first: a story keeps its id as it grows and
    /// as the batch pass regroups it (see `shown.rs`).
    pub id: String,
    /// The title of its most representative article.
    pub headline: Option<String>,
    pub first_seen: Option<DateTime<FixedOffset>>,
    pub last_seen: Option<DateTime<FixedOffset>>,
    /// Most articles first.
    pub outlets: Vec<String>,
    pub articles: u64,
    /// Key people, places and organisations, most weighty first.
    pub entities: Vec<String>,
    /// Key terms, most weighty first.
    pub terms: Vec<String>,
    pub language: String,
    /// The storyline (saga) the story belongs to: the id of its first story, which is this
    /// story's own id when it is a storyline of its own.
    pub storyline: String,
}

/// A storyline as stored: the stories of one saga.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredStoryline {
    /// The id of its first story.
    pub id: String,
    /// The headline of its story with the most articles (the latest among equals).
    pub headline: Option<String>,
    pub first_seen: Option<DateTime<FixedOffset>>,
    pub last_seen: Option<DateTime<FixedOffset>>,
    /// Articles over all its stories.
    pub articles: u64,
    /// Its stories, oldest first (undated last, then by id).
    pub stories: Vec<StoredStory>,
}

/// Groups `stories` (newest first) into storylines, newest first.
fn storylines_of(stories: Vec<StoredStory>) -> Vec<StoredStoryline> {
    let mut order: Vec<String> = Vec::new();
    let mut groups: HashMap<String, Vec<StoredStory>> = HashMap::new();
    for story in stories {
        let line = groups.entry(story.storyline.clone()).or_default();
        if line.is_empty() {
            order.push(story.storyline.clone());
        }
        line.push(story);
    }
    order
        .into_iter()
        .map(|id| {
            let mut stories = groups.remove(&id).unwrap_or_default();
            stories.sort_by(|a, b| {
                (a.first_seen.is_none(), a.first_seen, &a.id).cmp(&(
                    b.first_seen.is_none(),
                    b.first_seen,
                    &b.id,
                ))
            });
            let headline = stories
                .iter()
                .rev()
                .max_by_key(|s| s.articles)
                .and_then(|s| s.headline.clone());
            StoredStoryline {
                headline,
                first_seen: stories.iter().filter_map(|s| s.first_seen).min(),
                last_seen: stories.iter().filter_map(|s| s.last_seen).max(),
                articles: stories.iter().map(|s| s.articles).sum(),
                stories,
                id,
            }
        })
        .collect()
}

/// One article of a story, with the earlier article it copies.
#[derive(Debug, Clone)]
pub struct StoryArticle {
    pub stored: StoredArticle,
    pub duplicate_of: Option<String>,
    /// `new` (started the story), `joined`, or the copy kind (`exact`, `syndicated`, `rewrite`).
    pub kind: Option<String>,
}

const STORY_COLUMNS: &str =
    "id, headline, first_seen, last_seen, outlets, articles, entities, terms, language, storyline";

/// An `article_story s` row's kind in its shown story: a copy keeps its copy kind; otherwise
/// `new` for the story's first article in feed order, `joined` for the others (the stored
/// `kind` says what happened in the online story).
const SHOWN_KIND: &str = "CASE WHEN s.kind IN ('new', 'joined') THEN
     CASE WHEN s.feed = (SELECT MIN(t.feed) FROM article_story t WHERE t.shown_id = s.shown_id)
     THEN 'new' ELSE 'joined' END ELSE s.kind END";

impl Store {
    /// Sets which articles the batch pass re-clusters after each update (the default is
    /// [`BatchWindow::default`]). A store updated with another window re-clusters at its next
    /// update even when nothing is new.
    pub fn set_batch_window(&mut self, window: BatchWindow) {
        self.batch_window = window;
    }

    /// Puts every article that has no story yet into one (see the module doc): continues the
    /// saved clusterer when it is usable, else rebuilds it by replaying the articles already
    /// assigned; then re-clusters the recent window with the batch pass for the stories shown
    /// (`shown.rs`). Does nothing when every article has its story and the shown stories come
    /// from the same batch model and window. Computed on a read snapshot, then written (with
    /// the saved clusterer) in one short write transaction; computed again when another process
    /// updated the stories meanwhile (`concurrent.rs`).
    pub fn update_stories(&mut self, config: &stories::Config) -> Result<StoriesUpdated> {
        crate::concurrent::update_stories(self, config)
    }
}

/// The whole story update inside `tx` (see [`Store::update_stories`]), without committing.
/// Returns what it did and whether it wrote anything.
pub(crate) fn update_in(
    tx: &Transaction,
    path: &Path,
    window: &BatchWindow,
    config: &stories::Config,
) -> Result<(StoriesUpdated, bool)> {
    {
        let fail = |operation| move |e| StoreError::sql(operation, path, e);
        let mut done = StoriesUpdated::default();

        // Which articles the clusterer has seen: the saved state must cover exactly the
        // assigned ones. Only the small columns here; the blob is read once there is work.
        let (assigned, next_feed): (i64, i64) = tx
            .query_row(
                "SELECT COUNT(*), COALESCE(MAX(feed) + 1, 0) FROM article_story",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(fail("count clustered articles"))?;
        let saved: Option<(i64, i64)> = tx
            .query_row(
                "SELECT fed, last_seq FROM story_state WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(fail("read story state"))?;
        let resumable = match saved {
            Some((fed, last_seq)) if fed == assigned && fed == next_feed => Some(last_seq),
            Some((fed, _)) => {
                done.replay_reason = Some(format!(
                    "the saved clusterer state covers {fed} articles but {assigned} have a story"
                ));
                None
            }
            None if assigned > 0 => {
                done.replay_reason = Some("no saved clusterer state".to_owned());
                None
            }
            None => None,
        };

        let mut pending = read_pending(tx, path, resumable)?;
        if pending.is_empty() {
            done.replay_reason = None;
            // Nothing new, but the shown stories may come from another batch model or window
            // (or from before the batch pass existed, right after the migration).
            if !shown::is_current(tx, path, &shown::batch_key(window))? {
                tracing::info!("re-clustering the shown stories: made by another batch or window");
                let applied = shown::apply(tx, path, window)?;
                (done.reclustered, done.reshown) = (applied.reclustered, applied.moved);
                done.prepared = applied.prepared;
                done.stories = count_stories(tx, path)?;
                return Ok((done, true));
            }
            done.stories = count_stories(tx, path)?;
            return Ok((done, false));
        }

        let mut clusterer = None;
        if resumable.is_some() {
            let blob: Vec<u8> = tx
                .query_row("SELECT state FROM story_state WHERE id = 1", [], |r| {
                    r.get(0)
                })
                .map_err(fail("read story state"))?;
            match stories::Clusterer::load(&blob, config) {
                Ok(c) => clusterer = Some(c),
                Err(e) => {
                    done.replay_reason = Some(e.to_string());
                    // The replay below is the reference: take its view of what is new too.
                    pending = read_pending(tx, path, None)?;
                }
            }
        }
        let mut closed = Closed::default();
        // (article id, story id as stored, story id when replayed)
        let mut replayed: Vec<(String, Option<String>, Option<stories::StoryId>)> = Vec::new();
        let resumed = clusterer.is_some();
        let mut clusterer = match clusterer {
            Some(c) => c,
            None => {
                let (c, r) = replay(tx, path, config, &mut closed)?;
                replayed = r;
                c
            }
        };
        if let Some(reason) = &done.replay_reason {
            tracing::info!(articles = replayed.len(), "replayed the stories: {reason}");
        }
        done.replayed = replayed.len() as u64;
        // Stories whose id can change in this update (by merging): resumed, those the loaded
        // clusterer still holds (drained ones never change); replayed, every stored one.
        let stored_stories: Vec<String> = if resumed {
            clusterer.stories().into_iter().map(|s| s.id.0).collect()
        } else {
            let mut stmt = tx
                .prepare("SELECT id FROM stories")
                .map_err(fail("read stories"))?;
            stmt.query_map([], |r| r.get(0))
                .map_err(fail("read stories"))?
                .collect::<rusqlite::Result<_>>()
                .map_err(fail("read stories"))?
        };

        // The new articles, read a chunk at a time in publication order and stored with the
        // story they joined; ids that merge later are brought up to date below.
        let mut new_stories: Vec<String> = Vec::new();
        {
            let columns = ARTICLE_COLUMNS;
            let mut read = tx
                .prepare(&format!("SELECT {columns} FROM articles WHERE seq = ?1"))
                .map_err(fail("read unclustered articles"))?;
            let mut insert = tx
                .prepare(
                    "INSERT INTO article_story
                     (article_id, feed, story_id, duplicate_of, kind, similarity)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )
                .map_err(fail("store story of article"))?;
            let order = stories::publication_order_of(pending.iter().map(|&(_, t)| t));
            let mut feed = next_feed;
            for chunk in order.chunks(FEED_CHUNK) {
                let mut articles = Vec::with_capacity(chunk.len());
                for &i in chunk {
                    let row = read
                        .query_row([pending[i].0], read_article_row)
                        .map_err(fail("read unclustered articles"))?;
                    articles.push(row.decode(path)?.article);
                }
                let assigned = clusterer.add_batch(&articles, FEED_THREADS);
                for (article, a) in articles.iter().zip(assigned) {
                    done.warnings.extend(
                        a.warnings
                            .iter()
                            .map(|w| (article.source.clone(), w.clone())),
                    );
                    let dup = a.duplicate_of.as_ref();
                    let kind = match (&a.story, dup) {
                        (None, _) => None,
                        (Some(_), Some(d)) => Some(d.kind.as_str()),
                        (Some(_), None) if a.new_story => Some("new"),
                        (Some(_), None) => Some("joined"),
                    };
                    if a.new_story
                        && let Some(s) = &a.story
                    {
                        new_stories.push(s.0.clone());
                    }
                    let similarity = dup.map(|d| d.containment).or(a.score);
                    insert
                        .execute(params![
                            article.id,
                            feed,
                            a.story.as_ref().map(|s| &s.0),
                            dup.map(|d| &d.original),
                            kind,
                            similarity.map(f64::from),
                        ])
                        .map_err(fail("store story of article"))?;
                    feed += 1;
                    done.clustered += 1;
                }
                closed.take_from(&mut clusterer);
            }
        }
        closed.take_from(&mut clusterer);
        let now = |id: &str| closed.current(&clusterer, id);

        {
            // Earlier articles whose story merged into another since they were stored.
            let mut update = tx
                .prepare("UPDATE article_story SET story_id = ?2 WHERE article_id = ?1")
                .map_err(fail("update story of article"))?;
            for (article, stored, assigned) in &replayed {
                let id = assigned.as_ref().map(|s| now(&s.0));
                if id != *stored {
                    update
                        .execute(params![article, id])
                        .map_err(fail("update story of article"))?;
                    done.moved += 1;
                }
            }
            // Resumed, stored ids are current as of the last update: only merges since move.
            let mut update = tx
                .prepare("UPDATE article_story SET story_id = ?2 WHERE story_id = ?1 AND feed < ?3")
                .map_err(fail("update story of article"))?;
            if resumed {
                for id in &stored_stories {
                    let current = now(id);
                    if current != *id {
                        done.moved += update
                            .execute(params![id, current, next_feed])
                            .map_err(fail("update story of article"))?
                            as u64;
                    }
                }
            }
            // Articles of this update whose story merged after they joined it.
            let mut update = tx
                .prepare(
                    "UPDATE article_story SET story_id = ?2 WHERE story_id = ?1 AND feed >= ?3",
                )
                .map_err(fail("update story of article"))?;
            for id in stored_stories.iter().chain(&new_stories) {
                let current = now(id);
                if current != *id {
                    update
                        .execute(params![id, current, next_feed])
                        .map_err(fail("update story of article"))?;
                }
            }
        }
        let live = clusterer.stories();
        let mut written: std::collections::HashSet<&str> = std::collections::HashSet::new();
        write_stories(tx, path, live.iter().chain(&closed.stories))?;
        written.extend(live.iter().chain(&closed.stories).map(|s| s.id.0.as_str()));
        {
            // What is left merged into another story (or, replayed by another program version,
            // is no story any more).
            let mut delete = tx
                .prepare("DELETE FROM stories WHERE id = ?1")
                .map_err(fail("store story"))?;
            for id in &stored_stories {
                if !written.contains(id.as_str()) {
                    delete.execute([id]).map_err(fail("store story"))?;
                }
            }
        }
        // The state goes in with the assignments it produced, or not at all.
        let fed = next_feed + done.clustered as i64;
        let last_seq: i64 = tx
            .query_row("SELECT COALESCE(MAX(seq), 0) FROM articles", [], |r| {
                r.get(0)
            })
            .map_err(fail("read last article"))?;
        match clusterer.save() {
            Ok(bytes) => {
                done.state_bytes = bytes.len() as u64;
                tx.execute(
                    "INSERT OR REPLACE INTO story_state (id, fed, last_seq, state)
                     VALUES (1, ?1, ?2, ?3)",
                    params![fed, last_seq, bytes],
                )
                .map_err(fail("save story state"))?;
            }
            Err(e) => {
                // The next update replays instead; the stories themselves are right.
                tracing::warn!("could not save the clusterer: {e}");
                tx.execute("DELETE FROM story_state", [])
                    .map_err(fail("save story state"))?;
            }
        }
        // The batch holds the window's articles and pairs: not at the same time as the clusterer.
        drop(written);
        drop((clusterer, closed, live, replayed));
        // What is shown: the batch pass over the recent window, on top of the online stories.
        let applied = shown::apply(tx, path, window)?;
        (done.reclustered, done.reshown) = (applied.reclustered, applied.moved);
        done.prepared = applied.prepared;
        done.stories = count_stories(tx, path)?;
        tracing::debug!(
            clustered = done.clustered,
            replayed = done.replayed,
            moved = done.moved,
            reclustered = done.reclustered,
            reshown = done.reshown,
            prepared = done.prepared,
            stories = done.stories,
            state_bytes = done.state_bytes,
            "updated stories"
        );
        Ok((done, true))
    }
}

impl Store {
    /// Every article's story, in the order they were clustered: the whole `article_story`
    /// table without article text, for front ends that hold the articles already.
    pub fn assignments(&self) -> Result<Vec<Assigned>> {
        let fail = |e| StoreError::sql("read story assignments", &self.path, e);
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT article_id, shown_id, duplicate_of, {SHOWN_KIND} FROM article_story s
                 ORDER BY feed"
            ))
            .map_err(fail)?;
        let rows = stmt
            .query_map([], |r| {
                Ok(Assigned {
                    article_id: r.get(0)?,
                    story_id: r.get(1)?,
                    duplicate_of: r.get(2)?,
                    kind: r.get(3)?,
                })
            })
            .map_err(fail)?;
        rows.collect::<rusqlite::Result<_>>().map_err(fail)
    }

    /// Every story, newest first: by the time of its latest article (undated last), then by
    /// when that article arrived.
    pub fn stories(&self) -> Result<Vec<StoredStory>> {
        let fail = |e| StoreError::sql("list stories", &self.path, e);
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {STORY_COLUMNS} FROM shown_stories
                 ORDER BY last_ts IS NULL, last_ts DESC, last_feed DESC"
            ))
            .map_err(fail)?;
        let rows = stmt.query_map([], read_story_row).map_err(fail)?;
        rows.map(|row| row.map_err(fail)?.decode(&self.path))
            .collect()
    }

    /// Every storyline, newest first (by its latest story, as [`Store::stories`] orders them),
    /// each with its stories oldest first.
    pub fn storylines(&self) -> Result<Vec<StoredStoryline>> {
        Ok(storylines_of(self.stories()?))
    }

    /// The storyline of the story `prefix` names (see [`Store::story`]); a storyline's id is
    /// the id of its first story, so it names the storyline too.
    pub fn storyline(&self, prefix: &str) -> Result<StoredStoryline> {
        let story = self.story(prefix)?;
        let fail = |e| StoreError::sql("read storyline", &self.path, e);
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {STORY_COLUMNS} FROM shown_stories
                 WHERE storyline = ?1 OR (id = ?1 AND storyline IS NULL)"
            ))
            .map_err(fail)?;
        let stories: Vec<StoredStory> = stmt
            .query_map([&story.storyline], read_story_row)
            .map_err(fail)?
            .map(|row| row.map_err(fail)?.decode(&self.path))
            .collect::<Result<_>>()?;
        // The story itself is among the rows, so there is one storyline.
        storylines_of(stories)
            .into_iter()
            .next()
            .ok_or_else(|| StoreError::NoStory {
                prefix: prefix.to_owned(),
            })
    }

    /// Ids that no longer name a story, each with the id of the story its articles went into.
    pub fn story_aliases(&self) -> Result<HashMap<String, String>> {
        let fail = |e| StoreError::sql("read story aliases", &self.path, e);
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, story FROM shown_aliases")
            .map_err(fail)?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(fail)?;
        rows.collect::<rusqlite::Result<_>>().map_err(fail)
    }

    /// The story whose id is `prefix` or starts with it. A prefix must match exactly one. An id
    /// whose story went into another (see `shown_aliases`) gives that story, under its own id.
    pub fn story(&self, prefix: &str) -> Result<StoredStory> {
        // Hex digits, and a `-2`-style suffix on a story whose first article's id was taken.
        if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-') {
            return Err(StoreError::BadId {
                prefix: prefix.to_owned(),
            });
        }
        let fail = |e| StoreError::sql("read story", &self.path, e);
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {STORY_COLUMNS} FROM shown_stories WHERE id GLOB ?1 LIMIT 2"
            ))
            .map_err(fail)?;
        let pattern = format!("{}*", prefix.to_ascii_lowercase());
        let mut rows: Vec<StoryRow> = stmt
            .query_map([pattern], read_story_row)
            .map_err(fail)?
            .collect::<Result<_, _>>()
            .map_err(fail)?;
        match rows.len() {
            0 => {
                let mut stmt = self
                    .conn
                    .prepare_cached("SELECT story FROM shown_aliases WHERE id GLOB ?1 LIMIT 2")
                    .map_err(fail)?;
                let pattern = format!("{}*", prefix.to_ascii_lowercase());
                let now: Vec<String> = stmt
                    .query_map([pattern], |r| r.get(0))
                    .map_err(fail)?
                    .collect::<Result<_, _>>()
                    .map_err(fail)?;
                match now.as_slice() {
                    [id] => {
                        let mut stmt = self
                            .conn
                            .prepare_cached(&format!(
                                "SELECT {STORY_COLUMNS} FROM shown_stories WHERE id = ?1"
                            ))
                            .map_err(fail)?;
                        stmt.query_row([id], read_story_row)
                            .optional()
                            .map_err(fail)?
                            .ok_or_else(|| StoreError::NoStory {
                                prefix: prefix.to_owned(),
                            })?
                            .decode(&self.path)
                    }
                    [_, _] => Err(StoreError::AmbiguousStory {
                        prefix: prefix.to_owned(),
                    }),
                    _ => Err(StoreError::NoStory {
                        prefix: prefix.to_owned(),
                    }),
                }
            }
            1 => rows.pop().expect("one row").decode(&self.path),
            _ => Err(StoreError::AmbiguousStory {
                prefix: prefix.to_owned(),
            }),
        }
    }

    /// The articles of the story `id` (a full id), in the order they were clustered.
    pub fn story_articles(&self, id: &str) -> Result<Vec<StoryArticle>> {
        let fail = |e| StoreError::sql("read story articles", &self.path, e);
        let columns = format!("a.{}", ARTICLE_COLUMNS.replace(", ", ", a."));
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {columns}, s.duplicate_of, {SHOWN_KIND} FROM article_story s
                 JOIN articles a ON a.id = s.article_id WHERE s.shown_id = ?1 ORDER BY s.feed"
            ))
            .map_err(fail)?;
        let rows = stmt
            .query_map([id], |row| {
                Ok((
                    read_article_row(row)?,
                    row.get(ARTICLE_COLUMN_COUNT)?,
                    row.get(ARTICLE_COLUMN_COUNT + 1)?,
                ))
            })
            .map_err(fail)?;
        rows.map(|row| {
            let (article, duplicate_of, kind) = row.map_err(fail)?;
            Ok(StoryArticle {
                stored: article.decode(&self.path)?,
                duplicate_of,
                kind,
            })
        })
        .collect()
    }

    /// The story an article is in now, if it has been clustered into one.
    pub fn story_of(&self, article_id: &str) -> Result<Option<String>> {
        self.conn
            .query_row(
                "SELECT shown_id FROM article_story WHERE article_id = ?1",
                [article_id],
                |r| r.get::<_, Option<String>>(0),
            )
            .optional()
            .map(Option::flatten)
            .map_err(|e| StoreError::sql("read story of article", &self.path, e))
    }
}

/// Articles read and clustered at a time by an update: memory holds one chunk of articles, not
/// everything new since the last update.
const FEED_CHUNK: usize = 1024;
/// Threads that prepare articles for the clusterer while the update's thread assigns them.
const FEED_THREADS: usize = 2;
/// Articles replayed between two drains of the closed stories.
const REPLAY_DRAIN_EVERY: usize = 4096;

/// Stories drained from the clusterer during one update: their final summaries, to be written,
/// and where the stories they absorbed went (the clusterer forgets both once they are drained).
#[derive(Default)]
struct Closed {
    stories: Vec<stories::Story>,
    absorbed_into: HashMap<String, String>,
}

impl Closed {
    fn take_from(&mut self, clusterer: &mut stories::Clusterer) {
        for (story, absorbed) in clusterer.drain_closed_with_absorbed() {
            for a in absorbed {
                self.absorbed_into.insert(a.0, story.id.0.clone());
            }
            self.stories.push(story);
        }
    }

    /// The story `id` is part of now.
    fn current(&self, clusterer: &stories::Clusterer, id: &str) -> String {
        match self.absorbed_into.get(id) {
            Some(into) => into.clone(),
            None => clusterer.current(&stories::StoryId(id.to_owned())).0,
        }
    }
}

fn count_stories(tx: &Transaction, path: &Path) -> Result<u64> {
    tx.query_row("SELECT COUNT(*) FROM shown_stories", [], |r| {
        r.get::<_, i64>(0)
    })
    .map(|n| n as u64)
    .map_err(|e| StoreError::sql("count stories", path, e))
}

/// The articles that have no story yet, in ingest order, as (`seq`, publication time): the
/// articles themselves are read one chunk at a time when they are fed. With `after_seq` (from a
/// usable saved state) only articles stored after it are looked at, so the scan does not read
/// the corpus.
fn read_pending(
    tx: &Transaction,
    path: &Path,
    after_seq: Option<i64>,
) -> Result<Vec<(i64, Option<i64>)>> {
    let fail = |e| StoreError::sql("read unclustered articles", path, e);
    let mut stmt = tx
        .prepare(
            "SELECT a.seq, a.published_ts FROM articles a WHERE a.seq > ?1 AND NOT EXISTS
             (SELECT 1 FROM article_story s WHERE s.article_id = a.id) ORDER BY a.seq",
        )
        .map_err(fail)?;
    let rows = stmt
        .query_map([after_seq.unwrap_or(i64::MIN)], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .map_err(fail)?;
    rows.collect::<rusqlite::Result<_>>().map_err(fail)
}

/// A clusterer rebuilt by feeding it the assigned articles again in feed order, with each
/// article's story as stored and as replayed. Deterministic, so it gives back exactly the
/// clusterer that made the assignments (when the same code and configuration made them).
/// Closed stories are drained into `closed` as it goes.
#[allow(clippy::type_complexity)]
fn replay(
    tx: &Transaction,
    path: &Path,
    config: &stories::Config,
    closed: &mut Closed,
) -> Result<(
    stories::Clusterer,
    Vec<(String, Option<String>, Option<stories::StoryId>)>,
)> {
    let fail = |e| StoreError::sql("read clustered articles", path, e);
    let columns = format!("a.{}", ARTICLE_COLUMNS.replace(", ", ", a."));
    let mut clusterer = stories::Clusterer::new(config.clone());
    let mut replayed = Vec::new();
    let mut stmt = tx
        .prepare(&format!(
            "SELECT {columns}, s.story_id FROM article_story s
             JOIN articles a ON a.id = s.article_id ORDER BY s.feed"
        ))
        .map_err(fail)?;
    let mut rows = stmt.query([]).map_err(fail)?;
    // One article in memory at a time: the clusterer keeps no text.
    while let Some(row) = rows.next().map_err(fail)? {
        let article = read_article_row(row).map_err(fail)?.decode(path)?.article;
        let stored: Option<String> = row.get(ARTICLE_COLUMN_COUNT).map_err(fail)?;
        let a = clusterer.add(&article);
        replayed.push((article.id, stored, a.story));
        if replayed.len().is_multiple_of(REPLAY_DRAIN_EVERY) {
            closed.take_from(&mut clusterer);
        }
    }
    Ok((clusterer, replayed))
}

/// Brings the `stories` rows of `stories` up to date, writing only the rows that changed (most
/// stories are untouched by one ingest).
fn write_stories<'a>(
    tx: &Transaction,
    path: &Path,
    stories: impl Iterator<Item = &'a stories::Story>,
) -> Result<()> {
    let fail = |e| StoreError::sql("store story", path, e);
    let mut read = tx
        .prepare(
            "SELECT headline, first_seen, first_ts, last_seen, last_ts, outlets, articles,
             entities, terms, language FROM stories WHERE id = ?1",
        )
        .map_err(fail)?;
    let mut upsert = tx
        .prepare(
            "INSERT OR REPLACE INTO stories (id, headline, first_seen, first_ts, last_seen,
             last_ts, outlets, articles, entities, terms, language, last_feed)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,
             -- Undated stories are ordered by when their latest article arrived.
             (SELECT COALESCE(MAX(feed), 0) FROM article_story WHERE story_id = ?1))",
        )
        .map_err(fail)?;
    for s in stories {
        if s.articles == 0 {
            continue;
        }
        let json = |v: &[String]| serde_json::to_string(v).expect("strings serialise");
        let values: StoryValues = (
            s.headline.clone(),
            s.first_seen.as_ref().map(rfc3339),
            s.first_seen.map(|t| t.timestamp()),
            s.last_seen.as_ref().map(rfc3339),
            s.last_seen.map(|t| t.timestamp()),
            json(&s.outlets),
            s.articles as i64,
            json(&s.entities),
            json(&s.terms),
            s.language.clone(),
        );
        let stored: Option<StoryValues> = read
            .query_row([&s.id.0], |r| {
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
                ))
            })
            .optional()
            .map_err(fail)?;
        // Every new article changes its story's count, so `last_feed` needs no comparing.
        if stored.as_ref() == Some(&values) {
            continue;
        }
        let (
            headline,
            first_seen,
            first_ts,
            last_seen,
            last_ts,
            outlets,
            articles,
            entities,
            terms,
            language,
        ) = values;
        upsert
            .execute(params![
                s.id.0, headline, first_seen, first_ts, last_seen, last_ts, outlets, articles,
                entities, terms, language,
            ])
            .map_err(fail)?;
    }
    Ok(())
}

/// The columns of a `stories` row after its id, as SQL values.
type StoryValues = (
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<i64>,
    String,
    i64,
    String,
    String,
    String,
);

struct StoryRow {
    id: String,
    headline: Option<String>,
    first_seen: Option<String>,
    last_seen: Option<String>,
    outlets: String,
    articles: i64,
    entities: String,
    terms: String,
    language: String,
    storyline: Option<String>,
}

fn read_story_row(row: &rusqlite::Row) -> rusqlite::Result<StoryRow> {
    Ok(StoryRow {
        id: row.get(0)?,
        headline: row.get(1)?,
        first_seen: row.get(2)?,
        last_seen: row.get(3)?,
        outlets: row.get(4)?,
        articles: row.get(5)?,
        entities: row.get(6)?,
        terms: row.get(7)?,
        language: row.get(8)?,
        storyline: row.get(9)?,
    })
}

impl StoryRow {
    fn decode(self, path: &std::path::Path) -> Result<StoredStory> {
        let corrupt = |message: String| StoreError::Corrupt {
            path: path.to_owned(),
            id: format!("story {}", self.id),
            message,
        };
        let list = |s: &str, column: &str| {
            serde_json::from_str::<Vec<String>>(s).map_err(|e| corrupt(format!("{column}: {e}")))
        };
        let time =
            |s: &Option<String>| s.as_deref().map(parse_rfc3339).transpose().map_err(corrupt);
        Ok(StoredStory {
            headline: self.headline.clone(),
            first_seen: time(&self.first_seen)?,
            last_seen: time(&self.last_seen)?,
            outlets: list(&self.outlets, "outlets")?,
            articles: self.articles as u64,
            entities: list(&self.entities, "entities")?,
            terms: list(&self.terms, "terms")?,
            language: self.language.clone(),
            storyline: self.storyline.unwrap_or_else(|| self.id.clone()),
            id: self.id,
        })
    }
}

pub(crate) fn rfc3339(t: &DateTime<FixedOffset>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ingest::Article;

    /// A dated article about `topic`; `n` makes it distinct.
    fn article(topic: &str, day: u32, n: u32) -> Article {
        let mut a = ingest::Draft {
            title: Some(format!("{topic} report {n}")),
            body: format!(
                "The {topic} in Kessel was the main news on day {day}. Officials said the {topic} \
                 had affected hundreds of residents, and the {topic} response team met again.\n\n\
                 Report number {n} on the {topic}."
            ),
            outlet: Some(format!("Outlet {n}")),
            ..ingest::Draft::default()
        }
        .finish(Source::file(format!("{n}.txt")))
        .expect("text");
        a.published = Some(
            DateTime::parse_from_rfc3339(&format!("2026-01-{day:02}T10:00:00Z")).expect("date"),
        );
        a
    }

    fn store_with(articles: &[Article]) -> Store {
        let mut store = Store::open_in_memory().unwrap();
        add(&mut store, articles);
        store
    }

    fn add(store: &mut Store, articles: &[Article]) -> StoriesUpdated {
        let run = store.begin_run(&["test".into()]).unwrap();
        store.add_articles(run, articles).unwrap();
        store.update_stories(&stories::Config::default()).unwrap()
    }

    #[test]
    fn every_article_gets_a_story_once() {
        let articles = [article("flood", 1, 1), article("flood", 1, 2)];
        let mut store = store_with(&articles);
        let listed = store.stories().unwrap();
        assert_eq!(listed.iter().map(|s| s.articles).sum::<u64>(), 2);
        for a in &articles {
            assert!(store.story_of(&a.id).unwrap().is_some());
        }
        let again = store.update_stories(&stories::Config::default()).unwrap();
        assert_eq!((again.clustered, again.replayed), (0, 0));
        assert_eq!(again.stories, listed.len() as u64);
        assert_eq!(store.stories().unwrap(), listed);
    }

    /// Every article's assignment and every story, to compare two stores.
    fn contents(store: &Store) -> (Vec<Assigned>, Vec<StoredStory>) {
        let mut assigned = store.assignments().unwrap();
        assigned.sort_by(|a, b| a.article_id.cmp(&b.article_id));
        (assigned, store.stories().unwrap())
    }

    /// Ingests `runs` one after another, running `between` on the store before each later run.
    fn ingested(runs: &[&[Article]], between: impl Fn(&mut Store)) -> (Store, StoriesUpdated) {
        let mut store = Store::open_in_memory().unwrap();
        let mut last = StoriesUpdated::default();
        for (n, run) in runs.iter().enumerate() {
            if n > 0 {
                between(&mut store);
            }
            last = add(&mut store, run);
        }
        (store, last)
    }

    /// Three topics over a week, with a late article about the first.
    fn runs() -> Vec<Vec<Article>> {
        vec![
            vec![article("flood", 1, 1), article("election", 1, 2)],
            vec![article("flood", 2, 3), article("strike", 2, 4)],
            vec![
                article("election", 3, 5),
                article("flood", 1, 6),
                article("strike", 4, 7),
            ],
        ]
    }

    /// Ingesting `runs()` in several runs, with `between` done to the store before each later
    /// one, ends exactly like the reference: each update replaying every earlier article.
    /// Returns the last run's report.
    fn check(between: impl Fn(&mut Store)) -> StoriesUpdated {
        let runs = runs();
        let parts: Vec<&[Article]> = runs.iter().map(Vec::as_slice).collect();
        let (store, last) = ingested(&parts, between);
        let (reference, _) = ingested(&parts, |s| {
            s.conn.execute_batch("DELETE FROM story_state").unwrap()
        });
        assert_eq!(contents(&store), contents(&reference));
        last
    }

    #[test]
    fn a_later_ingest_continues_the_saved_clusterer() {
        let done = check(|_| {});
        assert_eq!((done.replayed, done.clustered), (0, 3));
        // The late flood report joins the flood story of the first run.
        let (store, _) = ingested(&[&runs()[0], &runs()[1], &runs()[2]], |_| {});
        let story = |a: &Article| store.story_of(&a.id).unwrap();
        assert_eq!(story(&runs()[2][1]), story(&runs()[0][0]));
        assert_eq!(done.replay_reason, None);
        assert!(done.state_bytes > 0);
    }

    #[test]
    fn without_a_usable_saved_state_an_update_replays_and_says_why() {
        let sql = |sql: &'static str| move |s: &mut Store| s.conn.execute_batch(sql).unwrap();
        let done = check(sql("DELETE FROM story_state"));
        assert_eq!(done.replayed, 4);
        assert_eq!(
            done.replay_reason.as_deref(),
            Some("no saved clusterer state")
        );

        let done = check(sql("UPDATE story_state SET state = x'00010203'"));
        assert!(
            done.replay_reason
                .as_deref()
                .is_some_and(|r| r.contains("not a saved clusterer state")),
            "{done:?}"
        );
        let done = check(sql(
            "UPDATE story_state SET state = substr(state, 1, length(state) - 1)",
        ));
        assert!(
            done.replay_reason
                .as_deref()
                .is_some_and(|r| r.contains("damaged")),
            "{done:?}"
        );
        // Assignments the state has not seen (as if written by an older program).
        let done = check(sql("UPDATE story_state SET fed = fed - 1"));
        assert!(
            done.replay_reason
                .as_deref()
                .is_some_and(|r| r.contains("covers")),
            "{done:?}"
        );
    }

    #[test]
    fn a_state_saved_with_another_configuration_is_replayed() {
        let mut store = store_with(&runs()[0]);
        let other = stories::Config {
            merge_threshold: 0.9,
            ..stories::Config::default()
        };
        let run = store.begin_run(&["test".into()]).unwrap();
        store.add_articles(run, &runs()[1]).unwrap();
        let done = store.update_stories(&other).unwrap();
        assert_eq!(done.replayed, 2);
        assert!(
            done.replay_reason
                .as_deref()
                .is_some_and(|r| r.contains("configuration")),
            "{done:?}"
        );
    }

    #[test]
    fn closed_stories_leave_the_saved_state_and_keep_their_rows() {
        // Three ingests ten days apart: each closes the stories of the one before.
        let runs: Vec<Vec<Article>> = (0..3u32)
            .map(|w| {
                ["flood", "election", "strike"]
                    .iter()
                    .enumerate()
                    .flat_map(|(k, topic)| {
                        (0..2)
                            .map(move |j| article(topic, 1 + 10 * w + j, 10 * w + 2 * k as u32 + j))
                    })
                    .collect()
            })
            .collect();
        let parts: Vec<&[Article]> = runs.iter().map(Vec::as_slice).collect();
        let (store, last) = ingested(&parts, |_| {});
        assert_eq!(last.replay_reason, None);
        let (reference, _) = ingested(&parts, |s| {
            s.conn.execute_batch("DELETE FROM story_state").unwrap()
        });
        assert_eq!(contents(&store), contents(&reference));
        let listed = store.stories().unwrap();
        assert_eq!(listed.iter().map(|s| s.articles).sum::<u64>(), 18);
        let blob: Vec<u8> = store
            .conn
            .query_row("SELECT state FROM story_state", [], |r| r.get(0))
            .unwrap();
        let saved = stories::Clusterer::load(&blob, &stories::Config::default()).unwrap();
        // Only the last week's stories are still in the clusterer.
        assert!(saved.stories().len() <= 3, "{}", saved.stories().len());
        assert!(listed.len() > saved.stories().len());
    }

    #[test]
    fn state_and_assignments_are_written_together() {
        let (store, _) = ingested(&[&runs()[0], &runs()[1]], |_| {});
        let (fed, rows): (i64, i64) = store
            .conn
            .query_row(
                "SELECT fed, (SELECT COUNT(*) FROM article_story) FROM story_state",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!((fed, rows), (4, 4));
    }

    #[test]
    fn story_lookup_by_prefix_and_its_articles_in_feed_order() {
        let articles = [article("flood", 1, 1), article("flood", 1, 2)];
        let store = store_with(&articles);
        let id = store.story_of(&articles[0].id).unwrap().unwrap();
        assert_eq!(store.story(&id[..6]).unwrap().id, id);
        assert!(matches!(store.story("xyz"), Err(StoreError::BadId { .. })));
        let members = store.story_articles(&id).unwrap();
        assert_eq!(members[0].stored.article.id, articles[0].id);
        assert_eq!(members[0].kind.as_deref(), Some("new"));
    }
}
