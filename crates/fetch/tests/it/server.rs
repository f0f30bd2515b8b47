//! The fixture server: an axum app on 127.0.0.1, on a thread and runtime of its own so the
//! blocking fetcher under test can run on the test's thread.

use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

pub const FERRY: &str = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
    <title>Ferry service resumes</title></head><body><article><h1>Ferry service resumes</h1>\
    <p>The ferry to Northgate resumed on Tuesday, after a week of storms, and crowds cheered \
    at the quay as the first boat came in.</p><p>The harbour master said the crossing would \
    run every hour until the end of the month.</p></article></body></html>";

const FEED: &str = r#"<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>
<title>Northgate Echo</title>
<item><title>Storm closes the quay</title><link>http://news.example/quay</link>
<pubDate>Mon, 02 Mar 2026 08:00:00 GMT</pubDate>
<description>The quay at Northgate closed on Monday as the storm brought waves over the wall.</description></item>
<item><title>Ferry back on Tuesday</title><link>http://news.example/ferry</link>
<pubDate>Tue, 03 Mar 2026 08:00:00 GMT</pubDate>
<description>The ferry is expected back on Tuesday morning, the harbour office said.</description></item>
</channel></rss>"#;

/// Starts the server and gives its base URL (`http://127.0.0.1:PORT`).
pub fn start() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(listener, app()).await.unwrap();
        });
    });
    base
}

fn app() -> Router {
    Router::new()
        .route("/news/ferry.html", get(ferry))
        .route("/latin1.html", get(latin1))
        .route("/feed.xml", get(feed))
        .route("/echo-agent", get(echo_agent))
        .route(
            "/old/ferry",
            get(|| async { Redirect::permanent("/moved/ferry") }),
        )
        .route(
            "/moved/ferry",
            get(|| async {
                (
                    StatusCode::FOUND,
                    [(header::LOCATION, "../news/ferry.html")],
                )
            }),
        )
        .route("/loop/a", get(|| async { Redirect::temporary("/loop/b") }))
        .route("/loop/b", get(|| async { Redirect::temporary("a") }))
        .route("/chain/{n}", get(chain))
        .route(
            "/old/missing",
            get(|| async { Redirect::temporary("/missing") }),
        )
        .route(
            "/missing",
            get(|| async { (StatusCode::NOT_FOUND, "no such page") }),
        )
        .route(
            "/busy",
            get(|| async {
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    [(header::RETRY_AFTER, "120")],
                    "come back later",
                )
            }),
        )
        .route("/endless", get(endless))
        .route("/ten-gigabytes", get(ten_gigabytes))
        .route("/one-byte-at-a-time", get(one_byte_at_a_time))
        .route("/stalls", get(stalls))
}

async fn ferry() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::LAST_MODIFIED, "Tue, 03 Mar 2026 10:00:00 GMT"),
        ],
        FERRY,
    )
}

async fn latin1() -> impl IntoResponse {
    let mut body =
        b"<html><head><title>Le caf\xE9 rouvre</title></head><body><article><p>".to_vec();
    body.extend_from_slice(
        b"Le caf\xE9 du port a rouvert ses portes mardi, apr\xE8s des mois de travaux, et la f\xEAte \xE9tait belle.</p></article></body></html>",
    );
    (
        [(header::CONTENT_TYPE, "text/html; charset=ISO-8859-1")],
        body,
    )
}

async fn feed() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/rss+xml")], FEED)
}

async fn echo_agent(headers: HeaderMap) -> impl IntoResponse {
    headers
        .get(header::USER_AGENT)
        .map(|v| v.as_bytes().to_vec())
        .unwrap_or_default()
}

async fn chain(Path(n): Path<u32>) -> Response {
    if n == 0 {
        return FERRY.into_response();
    }
    Redirect::temporary(&format!("/chain/{}", n - 1)).into_response()
}

/// Chunks of `chunk` bytes, one every `every`, `count` of them (`None`: forever), with
/// `Content-Length` set to `declared` when given.
fn stream(chunk: usize, every: Duration, count: Option<u64>) -> Body {
    let chunks = futures_util::stream::unfold(0u64, move |sent| async move {
        if count.is_some_and(|c| sent >= c) {
            // Then nothing, for longer than any test waits.
            tokio::time::sleep(Duration::from_secs(3600)).await;
            return None;
        }
        if sent > 0 {
            tokio::time::sleep(every).await;
        }
        Some((Ok::<_, std::io::Error>(vec![b'x'; chunk]), sent + 1))
    });
    Body::from_stream(chunks)
}

async fn endless() -> Response {
    (
        [(header::CONTENT_TYPE, "text/html")],
        stream(16 << 10, Duration::ZERO, None),
    )
        .into_response()
}

async fn ten_gigabytes() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html"),
            (header::CONTENT_LENGTH, "10000000000"),
        ],
        stream(16 << 10, Duration::ZERO, None),
    )
        .into_response()
}

async fn one_byte_at_a_time() -> Response {
    stream(1, Duration::from_millis(50), None).into_response()
}

async fn stalls() -> Response {
    stream(5, Duration::ZERO, Some(1)).into_response()
}
