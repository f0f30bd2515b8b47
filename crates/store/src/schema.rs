//! The schema, as an append-only list of migrations. The database's `PRAGMA user_version` is the
//! number of steps already applied; each step runs in its own transaction, so a store is always
//! at exactly one version. Never edit a step that has shipped: add a new one.

use std::path::Path;

use rusqlite::{Connection, TransactionBehavior};

use crate::StoreError;

/// Step `i` takes the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    // 1: articles, their full-text index and the ingest log.
    r#"
    CREATE TABLE articles (
        -- Ingest order; also the rowid the full-text index points at.
        seq           INTEGER PRIMARY KEY,
        -- Content hash from `ingest::article_id`: the same article is stored once.
        id            TEXT NOT NULL UNIQUE,
        source_path   TEXT NOT NULL,
        source_record INTEGER,
        url           TEXT,
        outlet        TEXT,
        title         TEXT,
        authors       TEXT NOT NULL,          -- JSON array of strings
        published     TEXT,                   -- RFC 3339 with the offset the article gave
        published_ts  INTEGER,                -- the same instant in Unix seconds, for ordering
        dateline      TEXT,
        language      TEXT,
        text          TEXT NOT NULL,
        original      TEXT,                   -- NULL when the same as `text`
        summary_only  INTEGER NOT NULL,
        warnings      TEXT NOT NULL,          -- JSON array of strings
        ingested_at   TEXT NOT NULL           -- RFC 3339, UTC
    );
    CREATE INDEX articles_by_published ON articles (published_ts);
    CREATE INDEX articles_by_outlet ON articles (outlet);

    CREATE VIRTUAL TABLE articles_fts USING fts5 (
        title, text,
        content = 'articles', content_rowid = 'seq',
        tokenize = 'unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts (rowid, title, text) VALUES (new.seq, new.title, new.text);
    END;
    CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts (articles_fts, rowid, title, text)
        VALUES ('delete', old.seq, old.title, old.text);
    END;

    CREATE TABLE ingest_runs (
        id                INTEGER PRIMARY KEY,
        started_at        TEXT NOT NULL,
        -- NULL while running, and forever for a run that was killed: its committed batches stay.
        finished_at       TEXT,
        inputs            TEXT NOT NULL,      -- JSON array of the paths given
        articles_new      INTEGER NOT NULL DEFAULT 0,
        articles_existing INTEGER NOT NULL DEFAULT 0,
        failures          INTEGER NOT NULL DEFAULT 0
    );
    "#,
    // 2: stories and the story of each article (kept by stories.rs).
    r#"
    CREATE TABLE stories (
        -- The id of the story's first article (`stories::StoryId`).
        id          TEXT PRIMARY KEY,
        headline    TEXT,
        first_seen  TEXT,                     -- RFC 3339, as the article gave it
        first_ts    INTEGER,
        last_seen   TEXT,
        last_ts     INTEGER,                  -- Unix seconds, for ordering
        last_feed   INTEGER NOT NULL,         -- feed position of its latest article
        outlets     TEXT NOT NULL,            -- JSON array, most articles first
        articles    INTEGER NOT NULL,
        entities    TEXT NOT NULL,            -- JSON array of key names, most weighty first
        terms       TEXT NOT NULL,            -- JSON array of key terms
        language    TEXT NOT NULL
    );
    CREATE INDEX stories_by_last_seen ON stories (last_ts, last_feed);

    CREATE TABLE article_story (
        article_id   TEXT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
        -- Position in the clusterer's input; replaying in this order rebuilds the clusterer.
        feed         INTEGER NOT NULL UNIQUE,
        story_id     TEXT,                    -- NULL when not clustered (an empty article)
        duplicate_of TEXT,                    -- id of the article this one copies
        kind         TEXT,                    -- new, joined, exact, syndicated or rewrite
        similarity   REAL                     -- join score, or containment for a copy
    );
    CREATE INDEX article_story_by_story ON article_story (story_id, feed);
    "#,
    // 3: the id the input gave a record (a JSON record's `id`).
    r#"
    ALTER TABLE articles ADD COLUMN record_id TEXT;
    "#,
    // 4: the clusterer's saved state (kept by stories.rs), so an update feeds only new articles.
    r#"
    CREATE TABLE story_state (
        id        INTEGER PRIMARY KEY CHECK (id = 1),  -- one row at most
        -- `article_story` rows the clusterer has been fed (the next feed position).
        fed       INTEGER NOT NULL,
        -- `articles.seq` of the newest article it has been fed: later ones are the new ones.
        last_seq  INTEGER NOT NULL,
        -- `stories::Clusterer::save` output; carries its own format, code and config checks.
        state     BLOB NOT NULL
    );
    "#,
    r#"
    -- The stories shown (`stories.rs`, `shown.rs`): the batch pass's stories over the recent
    -- window, kept apart from the online pass's (`stories`, `article_story.story_id`), which
    -- the saved clusterer continues. Until the first batch they are the online ones.
    CREATE TABLE shown_stories (
        -- The id of a story the articles were in before (a bookmark stays valid), or the id
        -- of one of its articles (its first one not already naming a story).
        id          TEXT PRIMARY KEY,
        headline    TEXT,
        first_seen  TEXT,
        first_ts    INTEGER,
        last_seen   TEXT,
        last_ts     INTEGER,
        last_feed   INTEGER NOT NULL,
        outlets     TEXT NOT NULL,
        articles    INTEGER NOT NULL,
        entities    TEXT NOT NULL,
        terms       TEXT NOT NULL,
        language    TEXT NOT NULL
    );
    CREATE INDEX shown_stories_by_last_seen ON shown_stories (last_ts, last_feed);
    INSERT INTO shown_stories (id, headline, first_seen, first_ts, last_seen, last_ts,
        last_feed, outlets, articles, entities, terms, language)
    SELECT id, headline, first_seen, first_ts, last_seen, last_ts, last_feed, outlets,
        articles, entities, terms, language FROM stories;

    -- The shown story of each article (NULL when not clustered).
    ALTER TABLE article_story ADD COLUMN shown_id TEXT;
    UPDATE article_story SET shown_id = story_id;
    CREATE INDEX article_story_by_shown ON article_story (shown_id, feed);

    CREATE TABLE shown_state (
        id        INTEGER PRIMARY KEY CHECK (id = 1),  -- one row at most
        -- Which batch pass and window made the shown stories; another one (or none yet)
        -- re-runs the batch at the next update even when no article is new.
        batch     TEXT NOT NULL
    );
    "#,
    r#"
    -- Ids that no longer name a shown story because its articles went into another (a merge,
    -- or the smaller side of a regrouping), so a bookmark still leads somewhere.
    CREATE TABLE shown_aliases (
        id        TEXT PRIMARY KEY,
        story     TEXT NOT NULL   -- the shown story most of its articles are in now
    );
    "#,
    r#"
    -- What the batch pass takes from each article of its window on its own
    -- (`stories::BatchInput::encode`: terms, length, furniture share, date), written when the
    -- article first enters the window and deleted when it leaves (`shown.rs`), so an update reads
    -- these instead of deriving them again from the text of the whole window.
    CREATE TABLE batch_inputs (
        seq       INTEGER PRIMARY KEY REFERENCES articles (seq) ON DELETE CASCADE,
        input     BLOB NOT NULL   -- carries the fingerprint of the code that made it
    );
    -- The columns `shown.rs` reads of every clustered article at each update, so it reads them
    -- here (a few MB) rather than from the rows, which hold the text (`INDEXED BY` there).
    CREATE INDEX articles_for_shown ON articles (id, published_ts, published, outlet);
    "#,
    r#"
    -- The storyline of each shown story (`shown.rs`): the id of the storyline's first story,
    -- NULL for a story that is a storyline of its own or has not been through a batch yet.
    ALTER TABLE shown_stories ADD COLUMN storyline TEXT;
    CREATE INDEX shown_stories_by_storyline ON shown_stories (storyline);
    -- A shown story's headline is the title of one of its articles (`shown.rs`), read here too.
    DROP INDEX articles_for_shown;
    CREATE INDEX articles_for_shown ON articles (id, published_ts, published, outlet, title);
    "#,
    r#"
    -- The feeds `parallax follow` polls, with what it needs to poll them politely and to
    -- resume after a kill (`feeds.rs`).
    CREATE TABLE feeds (
        url           TEXT PRIMARY KEY,
        title         TEXT,                   -- from the feed list (OPML title), else NULL
        added_at      TEXT NOT NULL,          -- RFC 3339, UTC
        etag          TEXT,                   -- validators of the last 200, sent back next time
        last_modified TEXT,
        last_fetch    TEXT,                   -- RFC 3339, UTC, of the last attempt
        last_status   TEXT,                   -- `200`, `304`, `404`, or `error`, `robots`
        last_error    TEXT,                   -- the message of the last failure, NULL once it works
        failures      INTEGER NOT NULL DEFAULT 0,  -- failures in a row, for the backoff
        next_poll     INTEGER NOT NULL DEFAULT 0,  -- Unix seconds; 0: at once
        items_seen    INTEGER NOT NULL DEFAULT 0,  -- distinct items seen in the feed
        articles_new  INTEGER NOT NULL DEFAULT 0   -- articles it brought that were new to the store
    );
    -- Every item seen in a feed, so nothing already stored is fetched again.
    CREATE TABLE feed_items (
        feed      TEXT NOT NULL REFERENCES feeds (url) ON DELETE CASCADE,
        item      TEXT NOT NULL,               -- the item's link, or its article id without one
        seen_at   TEXT NOT NULL,
        PRIMARY KEY (feed, item)
    ) WITHOUT ROWID;
    -- A page already stored under its URL (from any feed or `parallax fetch`) is not fetched again.
    CREATE INDEX articles_by_url ON articles (url);
    "#,
];

/// The schema version this program writes.
pub const VERSION: i64 = MIGRATIONS.len() as i64;

/// The store's schema version, refused when a newer program wrote it.
fn known_version(conn: &Connection, path: &Path) -> Result<i64, StoreError> {
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(|source| StoreError::sql("read schema version", path, source))?;
    if version > VERSION {
        return Err(StoreError::TooNew {
            path: path.to_owned(),
            found: version,
            known: VERSION,
        });
    }
    Ok(version)
}

/// Brings the database up to [`VERSION`]. Refuses a database from a newer program.
pub(crate) fn migrate(conn: &mut Connection, path: &Path) -> Result<(), StoreError> {
    // Up to date (every open but the first): a plain read, so a reader opening the store does
    // not queue for the write lock behind an ingest, and a read-only store opens.
    if known_version(conn, path)? == VERSION {
        return Ok(());
    }
    loop {
        // IMMEDIATE takes the write lock before reading the version, so two processes opening a
        // new store at once cannot both apply the same step.
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|source| StoreError::sql("start migration", path, source))?;
        let version = known_version(&tx, path)?;
        let Some(step) = MIGRATIONS.get(version as usize) else {
            return Ok(());
        };
        let failed = |source| StoreError::Migrate {
            path: path.to_owned(),
            version: version + 1,
            source,
        };
        tx.execute_batch(step).map_err(failed)?;
        tx.pragma_update(None, "user_version", version + 1)
            .map_err(failed)?;
        tx.commit().map_err(failed)?;
        tracing::info!(path = %path.display(), version = version + 1, "migrated store");
    }
}
