//! The feeds `parallax follow` polls: their validators, failures and next poll, and the items
//! already seen in each, so a killed `follow` resumes where it stopped and nothing already
//! stored is fetched again.
//!
//! **Invariant:** a poll's articles, the items it saw and the feed's new state are written in
//! one transaction ([`Store::record_poll`]): an item is marked seen only with its articles.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use ingest::Article;
use rusqlite::{OptionalExtension, params};

use crate::{Added, Result, RunId, Store, StoreError, concurrent, insert_batch, now, parse_utc};

/// One followed feed and its state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feed {
    pub url: String,
    pub title: Option<String>,
    pub added_at: DateTime<Utc>,
    /// Validators of the last full response, sent back as `If-None-Match` /
    /// `If-Modified-Since`.
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub last_fetch: Option<DateTime<Utc>>,
    /// `200`, `304`, another HTTP status, `error` (no response) or `robots` (not allowed).
    pub last_status: Option<String>,
    /// Why the last poll failed; `None` once a poll works.
    pub last_error: Option<String>,
    /// Failed polls in a row.
    pub failures: u32,
    /// When the feed is due next (Unix seconds; 0 for at once).
    pub next_poll: i64,
    pub items_seen: u64,
    pub articles_new: u64,
}

/// What one poll of one feed brought: its new state, the items seen for the first time and the
/// articles read from them.
#[derive(Debug, Clone)]
pub struct Poll<'a> {
    pub feed: &'a Feed,
    pub items: &'a [String],
    pub articles: &'a [Article],
}

const FEED_COLUMNS: &str = "url, title, added_at, etag, last_modified, last_fetch, last_status, \
     last_error, failures, next_poll, items_seen, articles_new";

impl Store {
    /// Adds feeds to follow (url and title); a feed already there keeps its state, and takes the
    /// title when it had none. Gives how many were new.
    pub fn add_feeds(&mut self, feeds: &[(String, Option<String>)]) -> Result<u64> {
        let path = &self.path;
        concurrent::write(&mut self.conn, path, "add feeds", |tx| {
            let fail = |e| StoreError::sql("add feeds", path, e);
            let mut stmt = tx
                .prepare_cached(
                    "INSERT INTO feeds (url, title, added_at) VALUES (?1, ?2, ?3)
                     ON CONFLICT (url) DO UPDATE SET title = COALESCE(title, excluded.title)",
                )
                .map_err(fail)?;
            let mut exists = tx
                .prepare_cached("SELECT 1 FROM feeds WHERE url = ?1")
                .map_err(fail)?;
            let added_at = now();
            let mut new = 0;
            for (url, title) in feeds {
                let known = exists
                    .query_row([url], |_| Ok(()))
                    .optional()
                    .map_err(fail)?
                    .is_some();
                stmt.execute(params![url, title, added_at]).map_err(fail)?;
                new += u64::from(!known);
            }
            Ok(new)
        })
    }

    /// Every followed feed, in order of url.
    pub fn feeds(&self) -> Result<Vec<Feed>> {
        let fail = |e| StoreError::sql("read feeds", &self.path, e);
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT {FEED_COLUMNS} FROM feeds ORDER BY url"))
            .map_err(fail)?;
        let rows = stmt.query_map([], read_feed_row).map_err(fail)?;
        let mut feeds = Vec::new();
        for row in rows {
            feeds.push(self.decode_feed(row.map_err(fail)?)?);
        }
        Ok(feeds)
    }

    /// One followed feed.
    pub fn feed(&self, url: &str) -> Result<Option<Feed>> {
        let fail = |e| StoreError::sql("read feed", &self.path, e);
        let row = self
            .conn
            .query_row(
                &format!("SELECT {FEED_COLUMNS} FROM feeds WHERE url = ?1"),
                [url],
                read_feed_row,
            )
            .optional()
            .map_err(fail)?;
        row.map(|r| self.decode_feed(r)).transpose()
    }

    /// Which of `items` were already seen in `feed`.
    pub fn seen_items(&self, feed: &str, items: &[String]) -> Result<HashSet<String>> {
        let fail = |e| StoreError::sql("read feed items", &self.path, e);
        let mut stmt = self
            .conn
            .prepare_cached("SELECT 1 FROM feed_items WHERE feed = ?1 AND item = ?2")
            .map_err(fail)?;
        let mut seen = HashSet::new();
        for item in items {
            if stmt.exists(params![feed, item]).map_err(fail)? {
                seen.insert(item.clone());
            }
        }
        Ok(seen)
    }

    /// Whether an article fetched from `url` is stored (from any feed, or `parallax fetch`).
    pub fn has_url(&self, url: &str) -> Result<bool> {
        self.conn
            .prepare_cached("SELECT 1 FROM articles WHERE url = ?1")
            .and_then(|mut stmt| stmt.exists([url]))
            .map_err(|e| StoreError::sql("look up url", &self.path, e))
    }

    /// Stores one poll in one transaction: its articles (counted in `run`, which a poll without
    /// articles needs not have), its new items and the feed's new state (`items_seen` and
    /// `articles_new` are added to, not set).
    pub fn record_poll(&mut self, run: Option<RunId>, poll: &Poll<'_>) -> Result<Added> {
        let path = &self.path;
        concurrent::write(&mut self.conn, path, "record feed poll", |tx| {
            let fail = |e| StoreError::sql("record feed poll", path, e);
            let added = insert_batch(tx, path, poll.articles)?;
            if let Some(run) = run {
                tx.execute(
                    "UPDATE ingest_runs SET articles_new = articles_new + ?2,
                         articles_existing = articles_existing + ?3 WHERE id = ?1",
                    params![run.0, added.new as i64, added.existing as i64],
                )
                .map_err(fail)?;
            }
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO feed_items (feed, item, seen_at) VALUES (?1, ?2, ?3)
                     ON CONFLICT DO NOTHING",
                )
                .map_err(fail)?;
            let seen_at = now();
            let mut items = 0i64;
            for item in poll.items {
                items += insert
                    .execute(params![poll.feed.url, item, seen_at])
                    .map_err(fail)? as i64;
            }
            let f = poll.feed;
            // A feed polled without being added first is added now, so its state is kept.
            tx.execute(
                "INSERT INTO feeds (url, title, added_at, etag, last_modified, last_fetch,
                     last_status, last_error, failures, next_poll, items_seen, articles_new)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
                 ON CONFLICT (url) DO UPDATE SET etag = excluded.etag,
                     last_modified = excluded.last_modified, last_fetch = excluded.last_fetch,
                     last_status = excluded.last_status, last_error = excluded.last_error,
                     failures = excluded.failures, next_poll = excluded.next_poll,
                     items_seen = items_seen + excluded.items_seen,
                     articles_new = articles_new + excluded.articles_new",
                params![
                    f.url,
                    f.title,
                    now(),
                    f.etag,
                    f.last_modified,
                    f.last_fetch
                        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
                    f.last_status,
                    f.last_error,
                    f.failures,
                    f.next_poll,
                    items,
                    added.new as i64,
                ],
            )
            .map_err(fail)?;
            Ok(added)
        })
    }

    fn decode_feed(&self, row: FeedRow) -> Result<Feed> {
        let corrupt = |message: String| StoreError::Corrupt {
            path: self.path.clone(),
            id: format!("feed {}", row.0),
            message,
        };
        let added_at = parse_utc(&row.2).map_err(corrupt)?;
        let last_fetch = row
            .5
            .as_deref()
            .map(parse_utc)
            .transpose()
            .map_err(corrupt)?;
        Ok(Feed {
            url: row.0,
            title: row.1,
            added_at,
            etag: row.3,
            last_modified: row.4,
            last_fetch,
            last_status: row.6,
            last_error: row.7,
            failures: u32::try_from(row.8.max(0)).unwrap_or(u32::MAX),
            next_poll: row.9,
            items_seen: row.10.max(0) as u64,
            articles_new: row.11.max(0) as u64,
        })
    }
}

type FeedRow = (
    String,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    i64,
    i64,
    i64,
    i64,
);

fn read_feed_row(row: &rusqlite::Row) -> rusqlite::Result<FeedRow> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
        row.get(5)?,
        row.get(6)?,
        row.get(7)?,
        row.get(8)?,
        row.get(9)?,
        row.get(10)?,
        row.get(11)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ingest::{Draft, Source};

    fn article(n: u32) -> Article {
        Draft {
            url: Some(format!("http://127.0.0.1/item/{n}")),
            title: Some(format!("Item {n}")),
            body: format!("The harbour reopened after {n} days of storms."),
            ..Draft::default()
        }
        .finish(Source::record("http://127.0.0.1/feed.xml", u64::from(n)))
        .unwrap()
    }

    #[test]
    fn a_poll_stores_articles_items_and_state_together() {
        let mut store = Store::open_in_memory().unwrap();
        let url = "http://127.0.0.1/feed.xml".to_owned();
        assert_eq!(
            store
                .add_feeds(&[(url.clone(), Some("Echo".into()))])
                .unwrap(),
            1
        );
        assert_eq!(store.add_feeds(&[(url.clone(), None)]).unwrap(), 0);
        let mut feed = store.feed(&url).unwrap().unwrap();
        assert_eq!(feed.title.as_deref(), Some("Echo"));
        assert_eq!((feed.next_poll, feed.failures), (0, 0));

        feed.etag = Some("\"v1\"".into());
        feed.last_status = Some("200".into());
        feed.last_fetch = Some(Utc::now());
        feed.next_poll = 1_000;
        let run = store.begin_run(&["follow".into()]).unwrap();
        let items = vec![
            "http://127.0.0.1/item/1".to_owned(),
            "http://127.0.0.1/item/2".to_owned(),
        ];
        let articles = [article(1), article(2)];
        let added = store
            .record_poll(
                Some(run),
                &Poll {
                    feed: &feed,
                    items: &items,
                    articles: &articles,
                },
            )
            .unwrap();
        assert_eq!(added.new, 2);
        let stored = store.feed(&url).unwrap().unwrap();
        assert_eq!(stored.etag.as_deref(), Some("\"v1\""));
        assert_eq!((stored.items_seen, stored.articles_new), (2, 2));
        assert_eq!(stored.next_poll, 1_000);
        assert!(store.has_url("http://127.0.0.1/item/1").unwrap());
        assert!(!store.has_url("http://127.0.0.1/item/3").unwrap());
        let asked = vec![items[0].clone(), "http://127.0.0.1/item/3".to_owned()];
        assert_eq!(
            store.seen_items(&url, &asked).unwrap(),
            HashSet::from([items[0].clone()])
        );
        // The same items again add nothing.
        store
            .record_poll(
                Some(run),
                &Poll {
                    feed: &stored,
                    items: &items,
                    articles: &articles,
                },
            )
            .unwrap();
        let again = store.feed(&url).unwrap().unwrap();
        assert_eq!((again.items_seen, again.articles_new), (2, 2));
        assert_eq!(store.feeds().unwrap().len(), 1);
    }
}
