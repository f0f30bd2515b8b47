use super::*;
use ingest::Draft;

/// A small article; `n` makes the body (and so the id) distinct.
fn article(title: &str, published: Option<&str>, n: u32) -> Article {
    Draft {
        record_id: Some(format!("wire-{n}")),
        url: Some(format!("https://example.test/{n}")),
        outlet: Some("The Nordhaven Ledger".into()),
        title: Some(title.into()),
        authors: vec!["Ilse Varga".into()],
        published: published.map(|p| DateTime::parse_from_rfc3339(p).unwrap()),
        dateline: Some("NORDHAVEN".into()),
        language: Some("en".into()),
        body: format!("The dam at Kessel held for {n} hours.\n\nThen it failed."),
        summary_only: false,
        warnings: vec!["no byline found".into()],
    }
    .finish(Source::record("feed.jsonl", u64::from(n)))
    .unwrap()
}

fn store_with(articles: &[Article]) -> Store {
    let mut store = Store::open_in_memory().unwrap();
    let run = store.begin_run(&["test".into()]).unwrap();
    store.add_articles(run, articles).unwrap();
    store
}

#[test]
fn new_store_is_at_current_schema_version() {
    let store = Store::open_in_memory().unwrap();
    let version: i64 = store
        .conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
}

#[test]
fn reopening_keeps_articles_and_uses_wal() {
    let dir = tempfile::tempdir().unwrap();
    let a = article("Dam fails", None, 1);
    {
        let mut store = Store::open(dir.path()).unwrap();
        let run = store.begin_run(&[]).unwrap();
        store.add_articles(run, std::slice::from_ref(&a)).unwrap();
    }
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.path(), dir.path().join(DB_FILE));
    assert_eq!(store.article_count().unwrap(), 1);
    let mode: String = store
        .conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn store_from_a_newer_program_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    drop(Store::open(dir.path()).unwrap());
    let conn = Connection::open(dir.path().join(DB_FILE)).unwrap();
    conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    drop(conn);
    let err = Store::open(dir.path()).err().unwrap();
    assert!(matches!(err, StoreError::TooNew { .. }), "{err}");
    assert!(err.to_string().contains("parallax.sqlite"), "{err}");
}

#[test]
fn unwritable_data_folder_names_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-folder");
    std::fs::write(&file, "x").unwrap();
    let err = Store::open(&file.join("data")).err().unwrap();
    assert!(matches!(err, StoreError::CreateDir { .. }), "{err}");
    assert!(err.to_string().contains("not-a-folder"), "{err}");
}

#[test]
fn same_article_twice_is_stored_once() {
    let a = article("Dam fails", None, 1);
    let mut store = Store::open_in_memory().unwrap();
    let run = store.begin_run(&[]).unwrap();
    let first = store.add_articles(run, &[a.clone(), a.clone()]).unwrap();
    assert_eq!(
        first,
        Added {
            new: 1,
            existing: 1
        }
    );
    let again = store.add_articles(run, &[a]).unwrap();
    assert_eq!(
        again,
        Added {
            new: 0,
            existing: 1
        }
    );
    assert_eq!(store.article_count().unwrap(), 1);
}

#[test]
fn article_round_trips_with_every_field() {
    let a = article("Dam fails", Some("2026-01-12T08:30:00+01:00"), 7);
    let store = store_with(std::slice::from_ref(&a));
    let stored = store.article(&a.id).unwrap();
    assert_eq!(stored.article, a);
    assert!(Utc::now() - stored.ingested_at < chrono::Duration::minutes(1));
}

#[test]
fn original_is_kept_only_when_it_differs_from_the_text() {
    let same = article("Same", None, 1);
    let mut differs = article("Differs", None, 2);
    differs.original = format!("  {}  ", differs.text.replace("\n\n", "\n \n"));
    let store = store_with(&[same.clone(), differs.clone()]);
    let nulls: i64 = store
        .conn
        .query_row(
            "SELECT count(*) FROM articles WHERE original IS NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(nulls, 1);
    assert_eq!(store.article(&same.id).unwrap().article, same);
    assert_eq!(store.article(&differs.id).unwrap().article, differs);
}

#[test]
fn unique_prefix_finds_the_article() {
    let a = article("Dam fails", None, 1);
    let store = store_with(std::slice::from_ref(&a));
    assert_eq!(store.article(&a.id[..4]).unwrap().article.id, a.id);
    assert_eq!(
        store.article(&a.id[..4].to_uppercase()).unwrap().article.id,
        a.id
    );
}

#[test]
fn bad_missing_and_ambiguous_ids_are_errors() {
    let articles: Vec<Article> = (0..40).map(|n| article("Dam", None, n)).collect();
    let store = store_with(&articles);
    let check = |prefix: &str, expected: &str| {
        let err = store.article(prefix).err().unwrap().to_string();
        assert!(err.contains(expected), "{prefix}: {err}");
    };
    check("", "expected hex digits");
    check("xyz", "expected hex digits");
    check("0*", "expected hex digits");
    check("ffffffffffffffff0", "no article");
    // 40 ids over 16 first digits: some digit starts two of them.
    let ambiguous = (0..16)
        .map(|d| format!("{d:x}"))
        .find(|d| articles.iter().filter(|a| a.id.starts_with(d)).count() > 1)
        .unwrap();
    check(&ambiguous, "more than one article");
}

#[test]
fn articles_are_listed_newest_first_undated_last() {
    let old = article("Old", Some("2026-01-10T12:00:00Z"), 1);
    // Earlier in UTC than it looks: 09:00+05:00 is 04:00Z.
    let early = article("Early", Some("2026-01-12T09:00:00+05:00"), 2);
    let late = article("Late", Some("2026-01-12T06:00:00Z"), 3);
    let undated = article("Undated", None, 4);
    let store = store_with(&[undated, old, late, early]);
    let titles: Vec<_> = store
        .articles()
        .unwrap()
        .into_iter()
        .map(|s| s.title.unwrap())
        .collect();
    assert_eq!(titles, ["Late", "Early", "Old", "Undated"]);
}

#[test]
fn dropped_batch_leaves_nothing_and_a_rerun_completes() {
    let articles: Vec<Article> = (0..10).map(|n| article("Dam", None, n)).collect();
    let mut store = store_with(&articles[..3]);
    {
        // A batch that dies before commit, as on Ctrl-C.
        let tx = store.conn.transaction().unwrap();
        let added = insert_batch(&tx, Path::new("test"), &articles[3..]).unwrap();
        assert_eq!(added.new, 7);
    }
    assert_eq!(store.article_count().unwrap(), 3);
    let run = store.begin_run(&[]).unwrap();
    let added = store.add_articles(run, &articles).unwrap();
    assert_eq!(
        added,
        Added {
            new: 7,
            existing: 3
        }
    );
    assert_eq!(store.article_count().unwrap(), 10);
    // The index follows the table through the rollback too.
    assert_eq!(store.search("kessel", 100).unwrap().len(), 10);
}

#[test]
fn search_matches_words_in_title_and_text() {
    let mut a = article("Central bank of Valdoria raises rates", None, 1);
    a.text = "Governor Mirela Ostrova spoke in Sélvan.".into();
    let b = article("Dam fails", None, 2);
    let store = store_with(&[a.clone(), b.clone()]);
    let ids = |q: &str| -> Vec<String> {
        store
            .search(q, 10)
            .unwrap()
            .into_iter()
            .map(|s| s.id)
            .collect()
    };
    assert_eq!(ids("valdoria"), vec![a.id.clone()]);
    assert_eq!(ids("selvan OSTROVA"), vec![a.id.clone()]);
    assert_eq!(ids("kessel"), vec![b.id.clone()]);
    assert!(ids("kessel valdoria").is_empty());
    // FTS5 syntax in the query is taken as plain words, never as an error.
    assert!(ids("\"dam OR NEAR( *").is_empty());
    assert!(ids("   ").is_empty());
}

#[test]
fn a_search_with_more_matches_than_it_ranks_ranks_the_newest() {
    // Every article holds "kessel"; the oldest is the best match by far, and is left out.
    let mut articles: Vec<Article> = (0..SEARCH_RECENT as u32 + 10)
        .map(|n| article(&format!("Report {n}"), None, n))
        .collect();
    articles[0].title = Some("Kessel Kessel Kessel".into());
    let newest_best = SEARCH_RECENT as u32 + 5;
    articles[newest_best as usize].title = Some("Kessel Kessel".into());
    let store = store_with(&articles);
    let hits = store.search("kessel", 3).unwrap();
    assert_eq!(hits[0].id, articles[newest_best as usize].id);
    assert!(hits.iter().all(|h| h.id != articles[0].id));
    // Fewer matches than that are all ranked: the oldest article is found by its own word.
    assert_eq!(store.search("kessel 0", 1).unwrap()[0].id, articles[0].id);
}

#[test]
fn ingest_log_records_counts_and_end() {
    let a = article("Dam", None, 1);
    let mut store = Store::open_in_memory().unwrap();
    let run = store.begin_run(&["examples".into()]).unwrap();
    store.add_articles(run, &[a.clone(), a]).unwrap();
    let unfinished = store.runs().unwrap();
    assert_eq!(unfinished[0].finished_at, None);
    store.finish_run(run, 2).unwrap();
    let runs = store.runs().unwrap();
    assert_eq!(runs.len(), 1);
    let r = &runs[0];
    assert_eq!(r.inputs, ["examples"]);
    assert_eq!((r.new, r.existing, r.failures), (1, 1, 2));
    assert!(r.finished_at.unwrap() >= r.started_at);
}

#[test]
fn open_existing_refuses_a_folder_without_a_store() {
    let dir = tempfile::tempdir().unwrap();
    let err = Store::open_existing(dir.path()).err().unwrap();
    assert!(matches!(err, StoreError::NoStore { .. }), "{err}");
    assert!(!dir.path().join(DB_FILE).exists());
    drop(Store::open(dir.path()).unwrap());
    assert!(Store::open_existing(dir.path()).is_ok());
}

#[test]
fn all_articles_come_whole_in_ingest_order() {
    let articles: Vec<Article> = (0..5).map(|n| article("Dam", None, 4 - n)).collect();
    let store = store_with(&articles);
    let all: Vec<Article> = store
        .all_articles()
        .unwrap()
        .into_iter()
        .map(|s| s.article)
        .collect();
    assert_eq!(all, articles);
}

#[test]
fn article_column_count_matches_the_column_list() {
    assert_eq!(ARTICLE_COLUMNS.split(',').count(), ARTICLE_COLUMN_COUNT);
}
