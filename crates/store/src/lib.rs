//! The embedded store: one SQLite file (`parallax.sqlite`) in a data folder, holding the
//! articles, their full-text index, a log of ingest runs and the stories articles belong to (the
//! online pass's, which its saved clusterer continues, and the batch pass's, which are shown).
//!
//! Writes go in batches, one transaction each, so a crash or Ctrl-C mid-batch loses at most that
//! batch and leaves the database consistent; because articles are keyed by their content hash,
//! re-running the same ingest stores what was lost and nothing twice. Several processes may
//! write one store at once: writers wait their turn (`concurrent.rs`). This crate never reads
//! input files and never prints: it takes [`ingest::Article`]s and gives them back.

mod concurrent;
mod feeds;
mod schema;
mod shown;
mod stories;

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, FixedOffset, SecondsFormat, Utc};
use ingest::{Article, Source};
use rusqlite::{Connection, Row, Transaction, params};

pub use feeds::{Feed, Poll};
pub use schema::VERSION as SCHEMA_VERSION;
pub use shown::BatchWindow;
pub use stories::{Assigned, StoredStory, StoredStoryline, StoriesUpdated, StoryArticle};

/// The database file inside the data folder.
pub const DB_FILE: &str = "parallax.sqlite";

/// How many of the most recently stored matches a search ranks (see [`Store::search`]).
pub const SEARCH_RECENT: usize = 2_000;

/// An open store.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// What the batch pass re-clusters after each story update.
    batch_window: BatchWindow,
}

/// The id of one ingest run in the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunId(i64);

/// What one batch did to the store.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Added {
    /// Articles stored for the first time.
    pub new: u64,
    /// Articles that were already in the store (same content hash).
    pub existing: u64,
}

/// One line of `parallax articles`: what a list needs, without the text.
#[derive(Debug, Clone, PartialEq)]
pub struct ArticleSummary {
    pub id: String,
    pub source: Source,
    pub outlet: Option<String>,
    pub title: Option<String>,
    pub published: Option<DateTime<FixedOffset>>,
    pub dateline: Option<String>,
    pub ingested_at: DateTime<Utc>,
}

/// A whole article as stored, with the time it was first ingested.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredArticle {
    pub article: Article,
    pub ingested_at: DateTime<Utc>,
}

/// One entry of the ingest log.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub id: RunId,
    pub started_at: DateTime<Utc>,
    /// `None` while running, or when the run was killed before it finished.
    pub finished_at: Option<DateTime<Utc>>,
    pub inputs: Vec<String>,
    pub new: u64,
    pub existing: u64,
    pub failures: u64,
}

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    // The caller asked for something that is not there.
    #[error("invalid article id {prefix:?}: expected hex digits")]
    BadId { prefix: String },
    #[error("no article with id {prefix:?}")]
    NotFound { prefix: String },
    #[error("id prefix {prefix:?} matches more than one article; give more digits")]
    Ambiguous { prefix: String },
    #[error("no story with id {prefix:?}")]
    NoStory { prefix: String },
    #[error("id prefix {prefix:?} matches more than one story; give more digits")]
    AmbiguousStory { prefix: String },

    #[error("no store in {path} (run `parallax ingest` first, or give --data)", path = path.display())]
    NoStore { path: PathBuf },

    // The database is not what this program expects.
    #[error(
        "{path}: schema version {found} is newer than this program knows ({known}); upgrade parallax",
        path = path.display()
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("{path}: migrating to schema version {version}: {source}", path = path.display())]
    Migrate {
        path: PathBuf,
        version: i64,
        #[source]
        source: rusqlite::Error,
    },
    #[error("{path}: article {id} is stored damaged: {message}", path = path.display())]
    Corrupt {
        path: PathBuf,
        id: String,
        message: String,
    },

    // The file system or SQLite failed.
    #[error("cannot create data folder {path}: {source}", path = path.display())]
    CreateDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{path}: {operation}: the store stayed locked by another process for {secs:.0} s ({tries} tries)",
        path = path.display(), secs = waited.as_secs_f64()
    )]
    Busy {
        path: PathBuf,
        operation: &'static str,
        tries: u32,
        waited: Duration,
    },
    #[error(
        "{path}: cannot open: its folder is not writable ({source}); parallax writes beside its \
         store even to read it (SQLite's WAL index), so give it a writable data folder",
        path = path.display()
    )]
    ReadOnly {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {operation}: {source}", path = path.display())]
    Sql {
        path: PathBuf,
        operation: &'static str,
        #[source]
        source: rusqlite::Error,
    },
}

impl StoreError {
    fn sql(operation: &'static str, path: &Path, source: rusqlite::Error) -> Self {
        StoreError::Sql {
            path: path.to_owned(),
            operation,
            source,
        }
    }
}

/// The words of `query` as one FTS5 query in which each is a literal string (FTS5 syntax in
/// them has no effect), or `None` when it has no words.
fn fts_words(query: &str) -> Option<String> {
    let words: Vec<String> = query
        .split_whitespace()
        .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

type Result<T, E = StoreError> = std::result::Result<T, E>;

const SUMMARY_COLUMNS: &str =
    "id, source_path, source_record, outlet, title, published, dateline, ingested_at";
const ARTICLE_COLUMNS: &str = "id, source_path, source_record, url, outlet, title, authors, \
     published, dateline, language, text, original, summary_only, warnings, ingested_at, record_id";
/// How many columns [`ARTICLE_COLUMNS`] names: a query that selects more reads them from here on.
const ARTICLE_COLUMN_COUNT: usize = 16;

impl Store {
    /// Opens the store in `dir`, creating the folder and the database if needed and bringing the
    /// schema up to date.
    pub fn open(dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
            path: dir.to_owned(),
            source,
        })?;
        let path = dir.join(DB_FILE);
        let opened = Connection::open(&path)
            .map_err(|e| StoreError::sql("open", &path, e))
            .and_then(|conn| Store::setup(conn, path.clone()));
        match opened {
            // SQLite only says it cannot open the file: say why when it is the folder.
            Err(e) if concurrent::cannot_open(&e) => match probe_writable(dir) {
                Err(source) => Err(StoreError::ReadOnly { path, source }),
                Ok(()) => Err(e),
            },
            other => other,
        }
    }

    /// Opens the store in `dir` only if one is there: for commands that read, so that a typo in
    /// `--data` is an error rather than a new empty store.
    pub fn open_existing(dir: &Path) -> Result<Store> {
        if !dir.join(DB_FILE).is_file() {
            return Err(StoreError::NoStore {
                path: dir.to_owned(),
            });
        }
        Store::open(dir)
    }

    /// A store that lives in memory and is gone when dropped; for tests and one-off runs.
    pub fn open_in_memory() -> Result<Store> {
        let path = PathBuf::from(":memory:");
        let conn = Connection::open_in_memory().map_err(|e| StoreError::sql("open", &path, e))?;
        Store::setup(conn, path)
    }

    fn setup(mut conn: Connection, path: PathBuf) -> Result<Store> {
        let pragma = |e| StoreError::sql("set up connection", &path, e);
        // Another parallax process (say `serve` while `ingest` runs) may hold the write lock.
        // Each attempt waits this long; `concurrent::retry` tries again with backoff.
        conn.busy_timeout(concurrent::BUSY_TIMEOUT)
            .map_err(pragma)?;
        // WAL lets readers go on while a batch is written; NORMAL is durable at each checkpoint
        // and never corrupt, which is what an ingest that can be re-run needs.
        // Switching to WAL needs a moment of exclusive access: retried like any write.
        let _mode: String = concurrent::retry(&path, "set up connection", || {
            conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
                .map_err(pragma)
        })?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(pragma)?;
        conn.pragma_update(None, "foreign_keys", true)
            .map_err(pragma)?;
        concurrent::retry(&path, "migrate", || schema::migrate(&mut conn, &path))?;
        Ok(Store {
            conn,
            path,
            batch_window: BatchWindow::default(),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Starts an entry in the ingest log.
    pub fn begin_run(&mut self, inputs: &[String]) -> Result<RunId> {
        let inputs = serde_json::to_string(inputs).expect("strings serialise");
        let path = &self.path;
        concurrent::write(&mut self.conn, path, "start ingest run", |tx| {
            tx.execute(
                "INSERT INTO ingest_runs (started_at, inputs) VALUES (?1, ?2)",
                params![now(), inputs],
            )
            .map_err(|e| StoreError::sql("start ingest run", path, e))?;
            Ok(RunId(tx.last_insert_rowid()))
        })
    }

    /// Stores a batch of articles in one transaction and adds it to the run's counts: either the
    /// whole batch is stored, or (on error or crash) none of it.
    pub fn add_articles(&mut self, run: RunId, articles: &[Article]) -> Result<Added> {
        let path = &self.path;
        let added = concurrent::write(&mut self.conn, path, "store batch", |tx| {
            let added = insert_batch(tx, path, articles)?;
            tx.execute(
                "UPDATE ingest_runs SET articles_new = articles_new + ?2,
                     articles_existing = articles_existing + ?3 WHERE id = ?1",
                params![run.0, added.new as i64, added.existing as i64],
            )
            .map_err(|e| StoreError::sql("update ingest run", path, e))?;
            Ok(added)
        })?;
        tracing::debug!(
            articles = articles.len(),
            new = added.new,
            existing = added.existing,
            "stored batch"
        );
        Ok(added)
    }

    /// Closes a run in the log with the number of inputs or records that could not be read.
    pub fn finish_run(&mut self, run: RunId, failures: u64) -> Result<()> {
        let path = &self.path;
        concurrent::write(&mut self.conn, path, "finish ingest run", |tx| {
            tx.execute(
                "UPDATE ingest_runs SET finished_at = ?2, failures = ?3 WHERE id = ?1",
                params![run.0, now(), failures as i64],
            )
            .map_err(|e| StoreError::sql("finish ingest run", path, e))?;
            Ok(())
        })
    }

    /// A number that changes whenever another connection (another process, or another `Store`
    /// on the same file) commits a change: `PRAGMA data_version`, cheap enough to poll every
    /// second. The changes this `Store` makes itself do not change it.
    pub fn data_version(&self) -> Result<i64> {
        self.conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))
            .map_err(|e| StoreError::sql("read data version", &self.path, e))
    }

    /// The ingest position (`seq`) of the latest stored article, 0 for an empty store.
    pub fn last_seq(&self) -> Result<i64> {
        self.conn
            .query_row("SELECT COALESCE(MAX(seq), 0) FROM articles", [], |r| {
                r.get(0)
            })
            .map_err(|e| StoreError::sql("read last article", &self.path, e))
    }

    /// The articles stored after ingest position `seq`, in ingest order, with the position of
    /// the last one (or `seq` when there are none): for a front end that follows the store.
    pub fn articles_after(&self, seq: i64) -> Result<(Vec<StoredArticle>, i64)> {
        let fail = |e| StoreError::sql("read new articles", &self.path, e);
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {ARTICLE_COLUMNS}, seq FROM articles WHERE seq > ?1 ORDER BY seq"
            ))
            .map_err(fail)?;
        let mut rows = stmt.query([seq]).map_err(fail)?;
        let (mut out, mut last) = (Vec::new(), seq);
        while let Some(row) = rows.next().map_err(fail)? {
            last = row.get(ARTICLE_COLUMN_COUNT).map_err(fail)?;
            out.push(read_article_row(row).map_err(fail)?.decode(&self.path)?);
        }
        Ok((out, last))
    }

    /// The ingest log, latest run first.
    pub fn runs(&self) -> Result<Vec<Run>> {
        let fail = |e| StoreError::sql("read ingest log", &self.path, e);
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, started_at, finished_at, inputs, articles_new, articles_existing,
                        failures
                 FROM ingest_runs ORDER BY id DESC",
            )
            .map_err(fail)?;
        let rows = stmt
            .query_map([], |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, Option<String>>(2)?,
                    row.get::<_, String>(3)?,
                    row.get::<_, i64>(4)? as u64,
                    row.get::<_, i64>(5)? as u64,
                    row.get::<_, i64>(6)? as u64,
                ))
            })
            .map_err(fail)?;
        let mut runs = Vec::new();
        for row in rows {
            let (id, started, finished, inputs, new, existing, failures) = row.map_err(fail)?;
            let corrupt = |message: String| StoreError::Corrupt {
                path: self.path.clone(),
                id: format!("ingest run {id}"),
                message,
            };
            runs.push(Run {
                id: RunId(id),
                started_at: parse_utc(&started).map_err(corrupt)?,
                finished_at: finished
                    .as_deref()
                    .map(parse_utc)
                    .transpose()
                    .map_err(corrupt)?,
                inputs: serde_json::from_str(&inputs).map_err(|e| corrupt(e.to_string()))?,
                new,
                existing,
                failures,
            });
        }
        Ok(runs)
    }

    /// How many articles are stored.
    pub fn article_count(&self) -> Result<u64> {
        self.conn
            .query_row("SELECT count(*) FROM articles", [], |r| r.get::<_, i64>(0))
            .map(|n| n as u64)
            .map_err(|e| StoreError::sql("count articles", &self.path, e))
    }

    /// Every article, newest first: by publication time, undated ones last, then latest
    /// ingested first.
    pub fn articles(&self) -> Result<Vec<ArticleSummary>> {
        self.summaries(
            &format!(
                "SELECT {SUMMARY_COLUMNS} FROM articles
                 ORDER BY published_ts IS NULL, published_ts DESC, seq DESC"
            ),
            [],
        )
    }

    /// Articles whose title or text hold every word of `query` (any case, any accents), best
    /// match first among the [`SEARCH_RECENT`] most recently stored matches. The words are taken
    /// literally: FTS5 query syntax in them has no effect.
    ///
    /// Ranking every match costs time in proportion to their number: a word found in each of
    /// 100,000 articles takes about 90 ms to rank, against 5 ms for the newest 2,000 (FTS5 walks
    /// its index newest first without scoring the rest). For news the newest matches are the
    /// ones a reader is after, and a query of rarer words has fewer matches and is ranked whole.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<ArticleSummary>> {
        let Some(words) = fts_words(query) else {
            return Ok(Vec::new());
        };
        let columns = SUMMARY_COLUMNS.replace(", ", ", a.");
        self.summaries(
            &format!(
                "SELECT a.{columns} FROM (
                     SELECT rowid, bm25(articles_fts) AS score FROM articles_fts
                     WHERE articles_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?3
                 ) f JOIN articles a ON a.seq = f.rowid
                 ORDER BY f.score, a.seq LIMIT ?2"
            ),
            params![words, limit as i64, SEARCH_RECENT as i64],
        )
    }

    /// Whether an article stored after `seq` matches `query` as [`Store::search`] reads it:
    /// what tells a front end that a search it answered before still has the same hits.
    pub fn matches_after(&self, query: &str, seq: i64) -> Result<bool> {
        let Some(words) = fts_words(query) else {
            return Ok(false);
        };
        let fail = |e| StoreError::sql("search", &self.path, e);
        self.conn
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM articles_fts
                 WHERE articles_fts MATCH ?1 AND rowid > ?2)",
            )
            .and_then(|mut stmt| stmt.query_row(params![words, seq], |r| r.get(0)))
            .map_err(fail)
    }

    /// Every stored article in full, in ingest order: for front ends that load the whole corpus
    /// (one query, rather than one [`Store::article`] call per id).
    pub fn all_articles(&self) -> Result<Vec<StoredArticle>> {
        let fail = |e| StoreError::sql("read articles", &self.path, e);
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {ARTICLE_COLUMNS} FROM articles ORDER BY seq"
            ))
            .map_err(fail)?;
        let rows = stmt.query_map([], read_article_row).map_err(fail)?;
        rows.map(|row| row.map_err(fail)?.decode(&self.path))
            .collect()
    }

    /// The article whose id is `prefix` or starts with it. A prefix must match exactly one.
    pub fn article(&self, prefix: &str) -> Result<StoredArticle> {
        let bad_id = || StoreError::BadId {
            prefix: prefix.to_owned(),
        };
        if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad_id());
        }
        let fail = |e| StoreError::sql("read article", &self.path, e);
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {ARTICLE_COLUMNS} FROM articles WHERE id GLOB ?1 LIMIT 2"
            ))
            .map_err(fail)?;
        let pattern = format!("{}*", prefix.to_ascii_lowercase());
        let mut rows: Vec<_> = stmt
            .query_map([pattern], read_article_row)
            .map_err(fail)?
            .collect::<Result<_, _>>()
            .map_err(fail)?;
        match rows.len() {
            0 => Err(StoreError::NotFound {
                prefix: prefix.to_owned(),
            }),
            1 => rows.pop().expect("one row").decode(&self.path),
            _ => Err(StoreError::Ambiguous {
                prefix: prefix.to_owned(),
            }),
        }
    }

    fn summaries(&self, sql: &str, params: impl rusqlite::Params) -> Result<Vec<ArticleSummary>> {
        let fail = |e| StoreError::sql("list articles", &self.path, e);
        let mut stmt = self.conn.prepare_cached(sql).map_err(fail)?;
        let rows = stmt
            .query_map(params, |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, Option<i64>>(2)?.map(|r| r as u64),
                    row.get::<_, Option<String>>(3)?,
                    row.get::<_, Option<String>>(4)?,
                    row.get::<_, Option<String>>(5)?,
                    row.get::<_, Option<String>>(6)?,
                    row.get::<_, String>(7)?,
                ))
            })
            .map_err(fail)?;
        let mut out = Vec::new();
        for row in rows {
            let (id, path, record, outlet, title, published, dateline, ingested) =
                row.map_err(fail)?;
            let corrupt = |message| StoreError::Corrupt {
                path: self.path.clone(),
                id: id.clone(),
                message,
            };
            out.push(ArticleSummary {
                source: Source { path, record },
                outlet,
                title,
                published: published
                    .as_deref()
                    .map(parse_rfc3339)
                    .transpose()
                    .map_err(corrupt)?,
                dateline,
                ingested_at: parse_utc(&ingested).map_err(corrupt)?,
                id,
            });
        }
        Ok(out)
    }
}

/// Whether files can be created in `dir` (a read-only mount or missing permission say no).
fn probe_writable(dir: &Path) -> std::io::Result<()> {
    let probe = dir.join(format!(".parallax-probe-{}", std::process::id()));
    std::fs::File::create(&probe)?;
    std::fs::remove_file(&probe)
}

/// Inserts `articles` inside `tx`, skipping those already stored.
fn insert_batch(tx: &Transaction, path: &Path, articles: &[Article]) -> Result<Added> {
    let fail = |e| StoreError::sql("store article", path, e);
    let mut stmt = tx
        .prepare_cached(
            "INSERT INTO articles (id, source_path, source_record, url, outlet, title, authors,
                 published, published_ts, dateline, language, text, original, summary_only,
                 warnings, ingested_at, record_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)
             ON CONFLICT (id) DO NOTHING",
        )
        .map_err(fail)?;
    let ingested_at = now();
    let mut added = Added::default();
    for a in articles {
        let inserted = stmt
            .execute(params![
                a.id,
                a.source.path,
                a.source.record.map(|r| r as i64),
                a.url,
                a.outlet,
                a.title,
                serde_json::to_string(&a.authors).expect("strings serialise"),
                a.published
                    .map(|t| t.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
                a.published.map(|t| t.timestamp()),
                a.dateline,
                a.language,
                a.text,
                // Most plain text is already normal: keep one copy.
                (a.original != a.text).then_some(&a.original),
                a.summary_only,
                serde_json::to_string(&a.warnings).expect("strings serialise"),
                ingested_at,
                a.record_id,
            ])
            .map_err(fail)?;
        if inserted == 1 {
            added.new += 1;
        } else {
            added.existing += 1;
        }
    }
    Ok(added)
}

/// An `articles` row as SQLite gives it, before the JSON and time columns are decoded.
struct ArticleRow {
    id: String,
    source_path: String,
    source_record: Option<u64>,
    url: Option<String>,
    outlet: Option<String>,
    title: Option<String>,
    authors: String,
    published: Option<String>,
    dateline: Option<String>,
    language: Option<String>,
    text: String,
    original: Option<String>,
    summary_only: bool,
    warnings: String,
    ingested_at: String,
    record_id: Option<String>,
}

fn read_article_row(row: &Row) -> rusqlite::Result<ArticleRow> {
    Ok(ArticleRow {
        id: row.get(0)?,
        source_path: row.get(1)?,
        source_record: row.get::<_, Option<i64>>(2)?.map(|r| r as u64),
        url: row.get(3)?,
        outlet: row.get(4)?,
        title: row.get(5)?,
        authors: row.get(6)?,
        published: row.get(7)?,
        dateline: row.get(8)?,
        language: row.get(9)?,
        text: row.get(10)?,
        original: row.get(11)?,
        summary_only: row.get(12)?,
        warnings: row.get(13)?,
        ingested_at: row.get(14)?,
        record_id: row.get(15)?,
    })
}

impl ArticleRow {
    fn decode(self, path: &Path) -> Result<StoredArticle> {
        let corrupt = |message: String| StoreError::Corrupt {
            path: path.to_owned(),
            id: self.id.clone(),
            message,
        };
        let json_list = |s: &str, column: &str| {
            serde_json::from_str::<Vec<String>>(s).map_err(|e| corrupt(format!("{column}: {e}")))
        };
        let authors = json_list(&self.authors, "authors")?;
        let warnings = json_list(&self.warnings, "warnings")?;
        let published = self
            .published
            .as_deref()
            .map(parse_rfc3339)
            .transpose()
            .map_err(corrupt)?;
        let ingested_at = parse_utc(&self.ingested_at).map_err(corrupt)?;
        let original = self.original.unwrap_or_else(|| self.text.clone());
        Ok(StoredArticle {
            article: Article {
                id: self.id,
                source: Source {
                    path: self.source_path,
                    record: self.source_record,
                },
                record_id: self.record_id,
                url: self.url,
                outlet: self.outlet,
                title: self.title,
                authors,
                published,
                dateline: self.dateline,
                language: self.language,
                text: self.text,
                original,
                summary_only: self.summary_only,
                warnings,
            },
            ingested_at,
        })
    }
}

fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn parse_rfc3339(s: &str) -> Result<DateTime<FixedOffset>, String> {
    DateTime::parse_from_rfc3339(s).map_err(|e| format!("bad time {s:?}: {e}"))
}

fn parse_utc(s: &str) -> Result<DateTime<Utc>, String> {
    parse_rfc3339(s).map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests;
