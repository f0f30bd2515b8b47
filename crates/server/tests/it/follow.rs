//! The server follows the store: what another process stores shows up without a restart.

use std::time::{Duration, Instant};

use crate::support::{demo_articles, get, record};

/// Another writer (a second `Store` on the same file, as a cron `parallax ingest` would be)
/// stores an article and updates the stories; the running app's pages and API show it within
/// the 5 s the follower is given, with no request to the app in between to trigger it.
#[tokio::test]
async fn articles_stored_by_another_process_show_up_without_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store::Store::open(dir.path()).unwrap();
    let run = store.begin_run(&["test".to_owned()]).unwrap();
    store.add_articles(run, &demo_articles()).unwrap();
    let state = server::AppState::new(
        server::Engine::new(store).unwrap(),
        server::Config::default(),
    );
    let _follower = state.follow_store(Duration::from_millis(200));
    let app = server::app(state.clone());
    let before = get(&app, "/api/stories").await.json();

    let late = record(
        r#"{"outlet": "Ostland Broadcasting",
            "title": "Ferry runs aground near Ostburg harbour",
            "published": "2026-06-01T09:00:00+02:00",
            "text": "OSTBURG - The passenger ferry Maren ran aground near Ostburg harbour on Monday morning with 212 people on board, the coast guard said.\n\nNobody was hurt and tugs pulled the ferry free at high tide, harbour master Lene Dahl said."}"#,
    );
    let mut other = store::Store::open_existing(dir.path()).unwrap();
    let run = other.begin_run(&["cron".to_owned()]).unwrap();
    other
        .add_articles(run, std::slice::from_ref(&late))
        .unwrap();
    other.finish_run(run, 0).unwrap();
    other.update_stories(&stories::Config::default()).unwrap();
    let story = other.story_of(&late.id).unwrap().expect("clustered");

    let start = Instant::now();
    loop {
        let r = get(&app, &format!("/api/articles/{}", late.id)).await;
        if r.status.is_success() && r.json()["story"] == story.as_str() {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "not shown after 5 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let after = get(&app, "/api/stories").await.json();
    assert_eq!(
        after["stories"].as_array().unwrap().len(),
        before["stories"].as_array().unwrap().len() + 1
    );
    let page = get(&app, &format!("/stories/{story}")).await;
    assert!(page.status.is_success());
    assert!(
        page.text()
            .contains("Ferry runs aground near Ostburg harbour")
    );
    // Search runs on its own connections to the file, which see it too.
    let hits = get(&app, "/api/search?q=Maren%20aground").await.json();
    assert!(hits.to_string().contains(&late.id), "{hits}");
    // Nothing changed since: following again does nothing.
    assert!(!state.engine().follow().unwrap());
}

fn ferry(n: usize, outlet: &str) -> String {
    serde_json::json!({
        "outlet": outlet,
        "title": format!("Ferry number {n} runs aground near Ostburg harbour ({outlet})"),
        "published": "2026-06-01T09:00:00+02:00",
        "text": format!("OSTBURG - The passenger ferry Maren {n} ran aground near Ostburg harbour on Monday morning with 212 people on board, the coast guard said. {outlet} reports."),
    })
    .to_string()
}

/// `POST /api/articles` on the running app and another writer storing and clustering at the
/// same time: every request succeeds, and every article of both is stored once, with a story.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_ingest_and_another_writer_at_once_lose_nothing() {
    const EACH: usize = 8;
    let dir = tempfile::tempdir().unwrap();
    let mut store = store::Store::open(dir.path()).unwrap();
    let run = store.begin_run(&["test".to_owned()]).unwrap();
    let demo = demo_articles();
    store.add_articles(run, &demo).unwrap();
    let state = server::AppState::new(
        server::Engine::new(store).unwrap(),
        server::Config {
            ingest_token: Some("t".to_owned()),
        },
    );
    let app = server::app(state);
    let path = dir.path().to_owned();
    let other = std::thread::spawn(move || {
        let mut store = store::Store::open_existing(&path).unwrap();
        for n in 0..EACH {
            let run = store.begin_run(&["cron".to_owned()]).unwrap();
            let article = record(&ferry(n, "Cron Wire"));
            store.add_articles(run, &[article]).unwrap();
            store.finish_run(run, 0).unwrap();
            store.update_stories(&stories::Config::default()).unwrap();
        }
    });
    for n in 0..EACH {
        let request = axum::http::Request::post("/api/articles")
            .header("content-type", "application/json")
            .header("authorization", "Bearer t")
            .body(axum::body::Body::from(ferry(n, "Api Wire")))
            .unwrap();
        let r = crate::support::send(&app, request).await;
        assert_eq!(r.status, axum::http::StatusCode::CREATED, "{}", r.text());
    }
    other.join().unwrap();

    // Each writer's last update came after its last article: nothing is left unclustered.
    let store = store::Store::open_existing(dir.path()).unwrap();
    let expected = demo.len() + 2 * EACH;
    assert_eq!(store.article_count().unwrap() as usize, expected);
    let assigned = store.assignments().unwrap();
    assert_eq!(
        assigned.len(),
        expected,
        "every article once in article_story"
    );
    let counted: u64 = store.stories().unwrap().iter().map(|s| s.articles).sum();
    assert_eq!(counted as usize, expected);
}
