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
