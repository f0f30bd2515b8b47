//! `parallax fetch` and URLs given to `ingest`, against a local server this test starts on
//! 127.0.0.1 (no other address is contacted); and the kept WARC files ingested again.

use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

use crate::Dir;

fn page(title: &str, text: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         </head><body><article><h1>{title}</h1><p>{text}</p><p>The harbour master said the \
         crossing would run every hour until the end of the month, weather permitting.</p>\
         </article></body></html>"
    )
}

const FEED: &str = r#"<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>
<title>Northgate Echo</title>
<item><title>Storm closes the quay</title><link>http://news.example/quay</link>
<pubDate>Mon, 02 Mar 2026 08:00:00 GMT</pubDate>
<description>The quay at Northgate closed on Monday as the storm brought waves over the wall.</description></item>
<item><title>Ferry back on Tuesday</title><link>http://news.example/ferry</link>
<pubDate>Tue, 03 Mar 2026 08:00:00 GMT</pubDate>
<description>The ferry is expected back on Tuesday morning, the harbour office said.</description></item>
</channel></rss>"#;

/// Starts the fixture server on its own thread and gives its base URL.
fn serve() -> String {
    let app = Router::new()
        .route(
            "/ferry",
            get(|| async {
                (
                    [
                        (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                        (header::LAST_MODIFIED, "Tue, 03 Mar 2026 10:00:00 GMT"),
                    ],
                    page(
                        "Ferry service resumes",
                        "The ferry to Northgate resumed on Tuesday, after a week of storms.",
                    ),
                )
            }),
        )
        .route(
            "/old-ferry",
            get(|| async { Redirect::permanent("/ferry") }),
        )
        .route(
            "/feed.xml",
            get(|| async { ([(header::CONTENT_TYPE, "application/rss+xml")], FEED) }),
        )
        .route("/missing", get(|| async { StatusCode::NOT_FOUND }))
        .route("/loop", get(|| async { Redirect::temporary("/loop") }))
        .route(
            "/picture.png",
            get(|| async { ([(header::CONTENT_TYPE, "image/png")], b"\x89PNG".to_vec()) }),
        )
        .route("/members", get(members));
    crate::serve_app(app)
}

/// A page only for the user agent the test sets.
async fn members(headers: HeaderMap) -> Response {
    if headers.get(header::USER_AGENT).map(|v| v.as_bytes()) != Some(b"NorthgateReader/2") {
        return StatusCode::FORBIDDEN.into_response();
    }
    (
        [(header::CONTENT_TYPE, "text/html")],
        page(
            "Council meets on the quay",
            "The council met on the quay on Wednesday to discuss the storm wall.",
        ),
    )
        .into_response()
}

/// `parallax --data DATA ARGS` in the test's folder, insisting on success.
fn with_data(dir: &Dir, data: &std::path::Path, args: &[&str]) -> crate::Run {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_parallax"))
        .current_dir(dir.path())
        .env_remove("PARALLAX_DATA")
        .arg("--data")
        .arg(data)
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let run = crate::Run(output);
    assert_eq!(run.code(), 0, "parallax {args:?} failed:\n{}", run.stderr());
    run
}

/// `(id, title, published)` of every stored article, sorted.
fn stored(dir: &Dir, data: &std::path::Path) -> Vec<(String, String, String)> {
    let run = with_data(dir, data, &["articles", "--format", "jsonl"]);
    let mut out: Vec<(String, String, String)> = run
        .jsonl()
        .iter()
        .map(|a| {
            (
                a["id"].as_str().unwrap().to_owned(),
                a["title"].as_str().unwrap_or("").to_owned(),
                a["published"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn fetch_stores_pages_and_feeds_and_reports_each_failure() {
    let base = serve();
    let dir = Dir::new();
    let url = |p: &str| format!("{base}{p}");
    let run = dir.run(&[
        "fetch",
        "--timeout",
        "5s",
        &url("/old-ferry"),
        &url("/missing"),
        &url("/loop"),
        &url("/picture.png"),
        &url("/feed.xml"),
        "not-a-url",
    ]);
    assert_eq!(run.code(), 1, "{}", run.stderr());
    let stderr = run.stderr();
    for want in [
        format!("parallax: {base}/missing: http status 404 not found\n"),
        format!("parallax: {base}/loop: redirect loop: {base}/loop -> {base}/loop\n"),
        format!(
            "parallax: {base}/picture.png: the response is neither an html page nor a feed (content type image/png)\n"
        ),
        "parallax: not-a-url: not a valid url: relative URL without a base\n".to_owned(),
        "read 3 articles: 3 new, 0 already stored, 4 failed".to_owned(),
    ] {
        assert!(stderr.contains(&want), "{want:?} not in:\n{stderr}");
    }
    let articles = stored(&dir, &dir.data());
    let titles: Vec<&str> = articles.iter().map(|a| a.1.as_str()).collect();
    assert_eq!(
        titles
            .iter()
            .filter(|t| **t == "Ferry service resumes")
            .count(),
        1
    );
    assert_eq!(articles.len(), 3);
    // The page gives no date: Last-Modified stands in for it.
    let ferry = articles
        .iter()
        .find(|a| a.1 == "Ferry service resumes")
        .unwrap();
    assert_eq!(ferry.2, "2026-03-03T10:00:00Z");
    let show = dir.ok(&["show", &ferry.0, "--format", "json"]).json();
    assert_eq!(show["url"], format!("{base}/ferry"));

    // The kept responses, ingested into another store, give the same articles.
    let again = dir.path().join("again");
    let warc = dir.data().join("warc");
    let files = std::fs::read_dir(&warc).unwrap().count();
    assert_eq!(files, 1);
    with_data(&dir, &again, &["ingest", warc.to_str().unwrap()]);
    assert_eq!(stored(&dir, &again), articles);
}

#[test]
fn ingest_takes_urls_beside_files_with_the_user_agent_given() {
    let base = serve();
    let dir = Dir::new();
    dir.write("wire.txt", crate::wire_story(1));
    let members = format!("{base}/members");
    let run = dir.run(&["ingest", "wire.txt", &members]);
    assert_eq!(run.code(), 1);
    assert!(
        run.stderr()
            .contains(&format!("parallax: {members}: http status 403 forbidden")),
        "{}",
        run.stderr()
    );
    dir.ok(&[
        "ingest",
        "--user-agent",
        "NorthgateReader/2",
        "wire.txt",
        &members,
    ]);
    let titles: Vec<String> = stored(&dir, &dir.data()).into_iter().map(|a| a.1).collect();
    assert!(
        titles.contains(&"Council meets on the quay".to_owned()),
        "{titles:?}"
    );
    assert_eq!(titles.len(), 2);
}
