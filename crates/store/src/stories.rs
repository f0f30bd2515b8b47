//! Stories in the store: which story each article belongs to, and a summary row per story,
//! kept up to date by [`Store::update_stories`] after each ingest.
//!
//! The clusterer's state (term rarity, MinHash index, centroids) is not saved: `stories` has no
//! way to serialise it, and it is cheap to rebuild. Each update replays the articles already
//! assigned, in the order they were first fed (`article_story.feed`), which gives back exactly
//! the clusterer they left (it is deterministic), then feeds the articles that have no
//! assignment yet in publication order (ingest order when undated). **Invariant:** an article's
//! row is written once, with its feed position, and only its story id changes afterwards (when
//! stories merge); the `stories` table is rewritten whole from the clusterer in the same
//! transaction, so readers never see assignments and summaries that disagree. This module never
//! decides anything about stories itself: it feeds and records the `stories` crate.

use chrono::{DateTime, FixedOffset, SecondsFormat};
use ingest::{Article, Source};
use rusqlite::{OptionalExtension, TransactionBehavior, params};

use crate::{
    ARTICLE_COLUMN_COUNT, ARTICLE_COLUMNS, Result, Store, StoreError, StoredArticle, parse_rfc3339,
    read_article_row,
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
}

/// A story as stored: the `stories` crate's summary when it was last updated.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredStory {
    /// The id of its first article.
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
    "id, headline, first_seen, last_seen, outlets, articles, entities, terms, language";

impl Store {
    /// Puts every article that has no story yet into one, rebuilding the clusterer from the
    /// articles already assigned first (see the module doc). Does nothing when every article
    /// has its story. Runs in one write transaction.
    pub fn update_stories(&mut self, config: &stories::Config) -> Result<StoriesUpdated> {
        let path = self.path.clone();
        let path = &path;
        let fail = |operation| move |e| StoreError::sql(operation, path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(fail("start story update"))?;
        let columns = format!("a.{}", ARTICLE_COLUMNS.replace(", ", ", a."));
        let pending: Vec<Article> = {
            let mut stmt = tx
                .prepare(&format!(
                    "SELECT {columns} FROM articles a WHERE NOT EXISTS
                     (SELECT 1 FROM article_story s WHERE s.article_id = a.id) ORDER BY a.seq"
                ))
                .map_err(fail("read unclustered articles"))?;
            let rows = stmt
                .query_map([], read_article_row)
                .map_err(fail("read unclustered articles"))?;
            let mut out = Vec::new();
            for row in rows {
                out.push(
                    row.map_err(fail("read unclustered articles"))?
                        .decode(&self.path)?
                        .article,
                );
            }
            out
        };
        let mut done = StoriesUpdated::default();
        if pending.is_empty() {
            done.stories = tx
                .query_row("SELECT COUNT(*) FROM stories", [], |r| r.get::<_, i64>(0))
                .map_err(fail("count stories"))? as u64;
            return Ok(done);
        }

        let mut clusterer = stories::Clusterer::new(config.clone());
        // (article id, story id as stored, story id when replayed)
        let mut replayed: Vec<(String, Option<String>, Option<stories::StoryId>)> = Vec::new();
        let mut next_feed: i64 = 0;
        {
            let mut stmt = tx
                .prepare(&format!(
                    "SELECT {columns}, s.story_id, s.feed FROM article_story s
                     JOIN articles a ON a.id = s.article_id ORDER BY s.feed"
                ))
                .map_err(fail("read clustered articles"))?;
            let mut rows = stmt.query([]).map_err(fail("read clustered articles"))?;
            // One article in memory at a time: the clusterer keeps no text.
            while let Some(row) = rows.next().map_err(fail("read clustered articles"))? {
                let article = read_article_row(row)
                    .map_err(fail("read clustered articles"))?
                    .decode(&self.path)?
                    .article;
                let stored: Option<String> = row
                    .get(ARTICLE_COLUMN_COUNT)
                    .map_err(fail("read clustered articles"))?;
                let feed: i64 = row
                    .get(ARTICLE_COLUMN_COUNT + 1)
                    .map_err(fail("read clustered articles"))?;
                next_feed = next_feed.max(feed + 1);
                let a = clusterer.add(&article);
                replayed.push((article.id, stored, a.story));
            }
        }
        done.replayed = replayed.len() as u64;

        let mut new_rows = Vec::with_capacity(pending.len());
        for i in stories::publication_order(&pending) {
            let a = clusterer.add(&pending[i]);
            done.warnings.extend(
                a.warnings
                    .iter()
                    .map(|w| (pending[i].source.clone(), w.clone())),
            );
            new_rows.push((i, a));
        }
        done.clustered = new_rows.len() as u64;

        {
            let mut update = tx
                .prepare("UPDATE article_story SET story_id = ?2 WHERE article_id = ?1")
                .map_err(fail("update story of article"))?;
            for (article, stored, assigned) in &replayed {
                let now = assigned.as_ref().map(|s| clusterer.current(s).0);
                if now != *stored {
                    update
                        .execute(params![article, now])
                        .map_err(fail("update story of article"))?;
                    done.moved += 1;
                }
            }
            let mut insert = tx
                .prepare(
                    "INSERT INTO article_story
                     (article_id, feed, story_id, duplicate_of, kind, similarity)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )
                .map_err(fail("store story of article"))?;
            for (n, (i, a)) in new_rows.iter().enumerate() {
                let story = a.story.as_ref().map(|s| clusterer.current(s).0);
                let dup = a.duplicate_of.as_ref();
                let kind = match (&a.story, dup) {
                    (None, _) => None,
                    (Some(_), Some(d)) => Some(d.kind.as_str()),
                    (Some(_), None) if a.new_story => Some("new"),
                    (Some(_), None) => Some("joined"),
                };
                let similarity = dup.map(|d| d.containment).or(a.score);
                insert
                    .execute(params![
                        pending[*i].id,
                        next_feed + n as i64,
                        story,
                        dup.map(|d| &d.original),
                        kind,
                        similarity.map(f64::from),
                    ])
                    .map_err(fail("store story of article"))?;
            }

            tx.execute("DELETE FROM stories", [])
                .map_err(fail("clear stories"))?;
            let mut insert = tx
                .prepare(
                    "INSERT INTO stories (id, headline, first_seen, first_ts, last_seen, last_ts,
                     last_feed, outlets, articles, entities, terms, language)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7, ?8, ?9, ?10, ?11)",
                )
                .map_err(fail("store story"))?;
            for s in clusterer.stories() {
                if s.articles == 0 {
                    continue;
                }
                let json = |v: &[String]| serde_json::to_string(v).expect("strings serialise");
                insert
                    .execute(params![
                        s.id.0,
                        s.headline,
                        s.first_seen.as_ref().map(rfc3339),
                        s.first_seen.map(|t| t.timestamp()),
                        s.last_seen.as_ref().map(rfc3339),
                        s.last_seen.map(|t| t.timestamp()),
                        json(&s.outlets),
                        s.articles as i64,
                        json(&s.entities),
                        json(&s.terms),
                        s.language,
                    ])
                    .map_err(fail("store story"))?;
                done.stories += 1;
            }
            // Undated stories are ordered by when their latest article arrived.
            tx.execute(
                "UPDATE stories SET last_feed = (SELECT MAX(feed) FROM article_story
                 WHERE story_id = stories.id)",
                [],
            )
            .map_err(fail("store story"))?;
        }
        tx.commit().map_err(fail("commit story update"))?;
        tracing::debug!(
            clustered = done.clustered,
            replayed = done.replayed,
            moved = done.moved,
            stories = done.stories,
            "updated stories"
        );
        Ok(done)
    }

    /// Every story, newest first: by the time of its latest article (undated last), then by
    /// when that article arrived.
    pub fn stories(&self) -> Result<Vec<StoredStory>> {
        let fail = |e| StoreError::sql("list stories", &self.path, e);
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {STORY_COLUMNS} FROM stories
                 ORDER BY last_ts IS NULL, last_ts DESC, last_feed DESC"
            ))
            .map_err(fail)?;
        let rows = stmt.query_map([], read_story_row).map_err(fail)?;
        rows.map(|row| row.map_err(fail)?.decode(&self.path))
            .collect()
    }

    /// The story whose id is `prefix` or starts with it. A prefix must match exactly one.
    pub fn story(&self, prefix: &str) -> Result<StoredStory> {
        if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(StoreError::BadId {
                prefix: prefix.to_owned(),
            });
        }
        let fail = |e| StoreError::sql("read story", &self.path, e);
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {STORY_COLUMNS} FROM stories WHERE id GLOB ?1 LIMIT 2"
            ))
            .map_err(fail)?;
        let pattern = format!("{}*", prefix.to_ascii_lowercase());
        let mut rows: Vec<StoryRow> = stmt
            .query_map([pattern], read_story_row)
            .map_err(fail)?
            .collect::<Result<_, _>>()
            .map_err(fail)?;
        match rows.len() {
            0 => Err(StoreError::NoStory {
                prefix: prefix.to_owned(),
            }),
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
                "SELECT {columns}, s.duplicate_of, s.kind FROM article_story s
                 JOIN articles a ON a.id = s.article_id WHERE s.story_id = ?1 ORDER BY s.feed"
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
                "SELECT story_id FROM article_story WHERE article_id = ?1",
                [article_id],
                |r| r.get::<_, Option<String>>(0),
            )
            .optional()
            .map(Option::flatten)
            .map_err(|e| StoreError::sql("read story of article", &self.path, e))
    }
}

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
            id: self.id,
        })
    }
}

fn rfc3339(t: &DateTime<FixedOffset>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn a_later_ingest_replays_and_keeps_earlier_assignments() {
        let first = [article("flood", 1, 1), article("election", 1, 2)];
        let later = [article("flood", 2, 3)];
        let mut store = store_with(&first);
        let before: Vec<Option<String>> = first
            .iter()
            .map(|a| store.story_of(&a.id).unwrap())
            .collect();
        let done = add(&mut store, &later);
        assert_eq!((done.replayed, done.clustered), (2, 1));
        let after: Vec<Option<String>> = first
            .iter()
            .map(|a| store.story_of(&a.id).unwrap())
            .collect();
        assert_eq!(after, before);
        // The same articles in one run give the same stories.
        let together = store_with(&[first[0].clone(), first[1].clone(), later[0].clone()]);
        assert_eq!(together.stories().unwrap(), store.stories().unwrap());
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
