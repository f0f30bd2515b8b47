//! Several processes writing one store: every write transaction starts with `BEGIN IMMEDIATE`
//! (a read transaction is never upgraded to a write, which SQLite can refuse with
//! `SQLITE_BUSY_SNAPSHOT` without waiting) and is retried with backoff and jitter while another
//! process holds the lock, so a writer waits its turn instead of failing.
//!
//! The story update is the one long job (seconds on a large store: the online pass and the batch
//! re-clustering of the window). It must not hold the write lock meanwhile, so it runs in two
//! phases. First it computes on a read snapshot, against TEMP copies of the tables it writes
//! (TEMP tables shadow the main ones of the same name, so the update's SQL is unchanged), with
//! triggers noting each row it changes. Then, in a short `BEGIN IMMEDIATE` transaction, it checks
//! that no other update committed since its snapshot (the clustered count, the saved clusterer
//! and the shown state are as it read them) and copies the changed rows into the main tables.
//! When another update did commit meanwhile, its own result is stale (both fed the same new
//! articles), so it starts again from a fresh snapshot; after [`MAX_ROUNDS`] such rounds it
//! computes inside the write lock, which always finishes. Articles stored by other writers
//! after the snapshot are not part of it: they stay without a story until the next update
//! (their own writer's, which always follows its last batch).
//!
//! **Invariant:** the main story tables only change in one transaction that holds the write lock
//! from its first read to its commit, so readers never see half an update.
//! **Boundary:** nothing here decides anything about stories; it only moves the update's rows.

use std::hash::{BuildHasher, Hasher};
use std::path::Path;
use std::time::{Duration, Instant};

use rusqlite::{Connection, ErrorCode, Transaction, TransactionBehavior};

use crate::stories::update_in;
use crate::{Result, Store, StoreError, StoriesUpdated};

/// How long SQLite itself waits for a lock before an attempt fails with `SQLITE_BUSY`.
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a write keeps retrying before it gives up and reports the store as busy.
const PATIENCE: Duration = Duration::from_secs(600);

/// Story updates computed outside the lock that may lose to another update before one is
/// computed inside it.
const MAX_ROUNDS: u32 = 4;

/// The tables a story update writes, each with its primary key.
const SHADOWED: &[(&str, &str)] = &[
    ("article_story", "article_id"),
    ("stories", "id"),
    ("story_state", "id"),
    ("shown_stories", "id"),
    ("shown_state", "id"),
    ("shown_aliases", "id"),
    ("batch_inputs", "seq"),
];

/// True when SQLite refused because another connection holds a lock: worth waiting and retrying.
pub(crate) fn is_busy(error: &StoreError) -> bool {
    let source = match error {
        StoreError::Sql { source, .. } | StoreError::Migrate { source, .. } => source,
        _ => return false,
    };
    matches!(
        source.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

/// True when SQLite could not open the database or its WAL files, or found them read-only.
pub(crate) fn cannot_open(error: &StoreError) -> bool {
    let StoreError::Sql { source, .. } = error else {
        return false;
    };
    matches!(
        source.sqlite_error_code(),
        Some(ErrorCode::CannotOpen | ErrorCode::ReadOnly)
    )
}

/// Runs `work` in a `BEGIN IMMEDIATE` transaction and commits it, retrying the whole
/// transaction with exponential backoff and jitter while the store is busy. `work` must be
/// repeatable: a failed attempt is rolled back.
pub(crate) fn write<T>(
    conn: &mut Connection,
    path: &Path,
    operation: &'static str,
    mut work: impl FnMut(&Transaction) -> Result<T>,
) -> Result<T> {
    retry(path, operation, || {
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| StoreError::sql(operation, path, e))?;
        let value = work(&tx)?;
        tx.commit()
            .map_err(|e| StoreError::sql(operation, path, e))?;
        Ok(value)
    })
}

/// Calls `attempt` until it succeeds, fails for another reason than a busy store, or
/// [`PATIENCE`] has passed.
pub(crate) fn retry<T>(
    path: &Path,
    operation: &'static str,
    mut attempt: impl FnMut() -> Result<T>,
) -> Result<T> {
    let start = Instant::now();
    let mut delay = Duration::from_millis(20);
    let mut tries = 0u32;
    loop {
        tries += 1;
        match attempt() {
            Err(e) if is_busy(&e) => {
                let waited = start.elapsed();
                if waited >= PATIENCE {
                    return Err(StoreError::Busy {
                        path: path.to_owned(),
                        operation,
                        tries,
                        waited,
                    });
                }
                // Full jitter: writers that collided do not collide again in step.
                let sleep = delay.mul_f64(0.5 + jitter());
                tracing::debug!(operation, tries, ?sleep, "store busy, retrying");
                std::thread::sleep(sleep);
                delay = (delay * 2).min(Duration::from_secs(1));
            }
            other => return other,
        }
    }
}

/// A number in [0, 1) that differs between calls and processes (no RNG crate for this).
fn jitter() -> f64 {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// What tells whether another story update committed: the clustered articles, the saved
/// clusterer's position and the shown state.
type Marker = (i64, i64, Option<String>, Option<String>, i64);

fn marker(tx: &Transaction, path: &Path) -> Result<Marker> {
    tx.query_row(
        "SELECT (SELECT COUNT(*) FROM main.article_story),
                (SELECT COALESCE(MAX(feed), -1) FROM main.article_story),
                (SELECT fed || ':' || last_seq FROM main.story_state WHERE id = 1),
                (SELECT batch FROM main.shown_state WHERE id = 1),
                (SELECT COUNT(*) FROM main.shown_stories)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
    )
    .map_err(|e| StoreError::sql("read story update marker", path, e))
}

/// [`Store::update_stories`]: computed on a snapshot outside the write lock, written in a short
/// transaction (see the module doc).
pub(crate) fn update_stories(
    store: &mut Store,
    config: &::stories::Config,
) -> Result<StoriesUpdated> {
    let path = store.path.clone();
    let window = store.batch_window;
    // One update at a time per store: a second would compute the same stories again on its own
    // snapshot and then lose. Writers of articles do not take this lock.
    let _updating = update_lock(&path);
    for round in 0..MAX_ROUNDS {
        let computed = retry(&path, "update stories", || {
            compute_shadowed(&mut store.conn, &path, &window, config)
        });
        let (done, wrote, seen) = match computed {
            Ok(c) => c,
            Err(e) => {
                drop_shadow(&store.conn, &path);
                return Err(e);
            }
        };
        if !wrote {
            drop_shadow(&store.conn, &path);
            return Ok(done);
        }
        let started = Instant::now();
        let applied = write(&mut store.conn, &path, "write story update", |tx| {
            if marker(tx, &path)? != seen {
                return Ok(false);
            }
            apply_shadow(tx, &path)?;
            Ok(true)
        });
        drop_shadow(&store.conn, &path);
        match applied {
            Ok(true) => {
                tracing::debug!(round, held = ?started.elapsed(), "wrote story update");
                return Ok(done);
            }
            Ok(false) => {
                tracing::info!(
                    round,
                    "another process updated the stories meanwhile: again"
                );
            }
            Err(e) => return Err(e),
        }
    }
    tracing::info!("story update kept losing to other writers: computing it under the lock");
    write(&mut store.conn, &path, "update stories", |tx| {
        update_in(tx, &path, &window, config).map(|(done, _)| done)
    })
}

/// Waits for, and holds until dropped, the store's update lock: an exclusive lock on the file
/// `parallax.sqlite-update` beside the database (the system releases it when a process dies).
/// `None` (no waiting) for a store in memory or a folder where the file cannot be made; the
/// check before writing keeps updates correct without it, only slower.
fn update_lock(db: &Path) -> Option<std::fs::File> {
    if !db.is_file() {
        return None;
    }
    let mut name = db.as_os_str().to_owned();
    name.push("-update");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(std::path::PathBuf::from(name))
        .ok()?;
    let start = Instant::now();
    file.lock().ok()?;
    if start.elapsed() > Duration::from_millis(100) {
        tracing::info!(waited = ?start.elapsed(), "waited for another story update");
    }
    Some(file)
}

/// Phase one: a read transaction on the main tables, the update's writes going to TEMP copies.
fn compute_shadowed(
    conn: &mut Connection,
    path: &Path,
    window: &crate::BatchWindow,
    config: &::stories::Config,
) -> Result<(StoriesUpdated, bool, Marker)> {
    drop_shadow(conn, path);
    // Cached statements bound to the main tables must not be reused against the shadows.
    conn.flush_prepared_statement_cache();
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Deferred)
        .map_err(|e| StoreError::sql("start story update", path, e))?;
    // The first read fixes the snapshot; the marker belongs to it.
    let seen = marker(&tx, path)?;
    create_shadow(&tx, path)?;
    let (done, wrote) = update_in(&tx, path, window, config)?;
    // Only TEMP tables changed: this commit takes no lock on the store.
    tx.commit()
        .map_err(|e| StoreError::sql("finish story update", path, e))?;
    conn.flush_prepared_statement_cache();
    Ok((done, wrote, seen))
}

fn create_shadow(tx: &Transaction, path: &Path) -> Result<()> {
    let fail = |e| StoreError::sql("copy story tables", path, e);
    tx.execute_batch(
        "CREATE TEMP TABLE shadow_dirty (tbl TEXT NOT NULL, k NOT NULL, PRIMARY KEY (tbl, k))",
    )
    .map_err(fail)?;
    for &(table, key) in SHADOWED {
        let sql: String = tx
            .query_row(
                "SELECT sql FROM main.sqlite_master WHERE type = 'table' AND name = ?1",
                [table],
                |r| r.get(0),
            )
            .map_err(fail)?;
        let create = strip_references(&sql).replacen("CREATE TABLE", "CREATE TEMP TABLE", 1);
        tx.execute_batch(&create).map_err(fail)?;
        tx.execute_batch(&format!(
            "INSERT INTO temp.{table} SELECT * FROM main.{table}"
        ))
        .map_err(fail)?;
        let indexes: Vec<String> = {
            let mut stmt = tx
                .prepare(
                    "SELECT sql FROM main.sqlite_master
                     WHERE type = 'index' AND tbl_name = ?1 AND sql IS NOT NULL",
                )
                .map_err(fail)?;
            stmt.query_map([table], |r| r.get(0))
                .map_err(fail)?
                .collect::<rusqlite::Result<_>>()
                .map_err(fail)?
        };
        for index in indexes {
            tx.execute_batch(&index.replacen("CREATE INDEX ", "CREATE INDEX temp.", 1))
                .map_err(fail)?;
        }
        tx.execute_batch(&format!(
            "CREATE TEMP TRIGGER shadow_{table}_insert AFTER INSERT ON {table} BEGIN
                 INSERT OR IGNORE INTO shadow_dirty VALUES ('{table}', new.{key});
             END;
             CREATE TEMP TRIGGER shadow_{table}_update AFTER UPDATE ON {table} BEGIN
                 INSERT OR IGNORE INTO shadow_dirty VALUES ('{table}', old.{key});
                 INSERT OR IGNORE INTO shadow_dirty VALUES ('{table}', new.{key});
             END;
             CREATE TEMP TRIGGER shadow_{table}_delete AFTER DELETE ON {table} BEGIN
                 INSERT OR IGNORE INTO shadow_dirty VALUES ('{table}', old.{key});
             END;"
        ))
        .map_err(fail)?;
    }
    Ok(())
}

/// A table's `CREATE TABLE` without its foreign keys, which cannot point from TEMP into main.
fn strip_references(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut rest = sql;
    while let Some(at) = rest.find("REFERENCES") {
        out.push_str(&rest[..at]);
        // Every foreign key of the schema ends `ON DELETE CASCADE`.
        let end = rest[at..]
            .find("CASCADE")
            .map_or(rest.len(), |e| at + e + "CASCADE".len());
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Phase two, under the write lock: the changed rows go into the main tables.
fn apply_shadow(tx: &Transaction, path: &Path) -> Result<()> {
    let fail = |e| StoreError::sql("write story update", path, e);
    for &(table, key) in SHADOWED {
        tx.execute_batch(&format!(
            "DELETE FROM main.{table} WHERE {key} IN
                 (SELECT k FROM temp.shadow_dirty WHERE tbl = '{table}');
             INSERT INTO main.{table} SELECT * FROM temp.{table} WHERE {key} IN
                 (SELECT k FROM temp.shadow_dirty WHERE tbl = '{table}');"
        ))
        .map_err(fail)?;
    }
    Ok(())
}

/// Drops the TEMP copies, if any, so later reads see the main tables again.
fn drop_shadow(conn: &Connection, path: &Path) {
    let mut sql = String::from("DROP TABLE IF EXISTS temp.shadow_dirty;");
    for &(table, _) in SHADOWED {
        sql.push_str(&format!("DROP TABLE IF EXISTS temp.{table};"));
    }
    if let Err(e) = conn.execute_batch(&sql) {
        tracing::warn!(path = %path.display(), "could not drop the story update's copies: {e}");
    }
    conn.flush_prepared_statement_cache();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn foreign_keys_are_left_out_of_the_copies() {
        assert_eq!(
            strip_references(
                "CREATE TABLE t (a TEXT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE, b)"
            ),
            "CREATE TABLE t (a TEXT PRIMARY KEY , b)"
        );
    }
}
