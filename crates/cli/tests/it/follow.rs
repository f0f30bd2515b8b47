//! `parallax follow` against a local server this test starts on 127.0.0.1 (no other address is
//! contacted): an OPML list, `--once` rounds with conditional GET, and resuming after `kill -9`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::Dir;

/// Each request's path, with the `If-None-Match` of a feed request.
type Requests = Arc<Mutex<Vec<(String, Option<String>)>>>;

#[derive(Clone, Default)]
struct Site {
    /// Requests per path, and the `If-None-Match` of each feed request.
    log: Requests,
    slow_pages: Arc<AtomicUsize>,
}

impl Site {
    fn count(&self, path: &str) -> usize {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|(p, _)| p == path)
            .count()
    }

    fn validators(&self, path: &str) -> Vec<Option<String>> {
        let log = self.log.lock().unwrap();
        log.iter()
            .filter(|(p, _)| p == path)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

/// A feed of `n` summary-only items about `topic`, linking to `/{prefix}/{i}`.
fn feed(base: &str, prefix: &str, topic: &str, n: usize) -> String {
    let items: String = (1..=n)
        .map(|i| {
            format!(
                "<item><title>{topic} {i}</title><link>{base}/{prefix}/{i}</link>\
                 <pubDate>Tue, 03 Mar 2026 0{i}:00:00 GMT</pubDate>\
                 <description>{topic}: the {i}th report.</description></item>"
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Echo {prefix}</title>\
         {items}</channel></rss>"
    )
}

fn page(topic: &str, i: usize) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{topic} {i}</title>\
         </head><body><article><h1>{topic} {i}</h1><p>The {topic} report number {i} says the \
         crews worked through the night at the harbour wall of Northgate.</p><p>Officials said \
         the work would go on for {i} more days, weather permitting.</p></article></body></html>"
    )
}

fn serve(site: Site) -> String {
    let app = Router::new()
        .route(
            "/robots.txt",
            get(|| async { "User-agent: *\nDisallow: /private\n" }),
        )
        .route("/{feed}", get(feed_route))
        .route("/{prefix}/{i}", get(page_route))
        .with_state(site);
    crate::serve_app(app)
}

async fn feed_route(
    State(site): State<Site>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    let etag = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    site.log
        .lock()
        .unwrap()
        .push((format!("/{name}"), etag.clone()));
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let base = format!("http://{host}");
    let (prefix, topic, n) = match name.as_str() {
        "quay.xml" => ("quay", "Quay repairs", 3),
        "mill.xml" => ("mill", "Mill closure", 4),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    if etag.as_deref() == Some("\"1\"") {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, "\"1\"")]).into_response();
    }
    (
        [
            (header::CONTENT_TYPE, "application/rss+xml"),
            (header::ETAG, "\"1\""),
        ],
        feed(&base, prefix, topic, n),
    )
        .into_response()
}

async fn page_route(
    State(site): State<Site>,
    Path((prefix, i)): Path<(String, usize)>,
) -> Response {
    site.log
        .lock()
        .unwrap()
        .push((format!("/{prefix}/{i}"), None));
    let topic = match prefix.as_str() {
        "mill" => "Mill closure",
        "quay" => {
            // Slow, so a test can kill the follower in the middle of this feed.
            site.slow_pages.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(400)).await;
            "Quay repairs"
        }
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        page(topic, i),
    )
        .into_response()
}

fn article_count(dir: &Dir) -> usize {
    dir.ok(&["articles", "--format", "jsonl"]).jsonl().len()
}

#[test]
fn follow_once_reads_an_opml_list_and_the_second_round_is_not_modified() {
    let site = Site::default();
    let base = serve(site.clone());
    let dir = Dir::new();
    dir.write(
        "feeds.opml",
        format!(
            "<?xml version=\"1.0\"?><opml version=\"2.0\"><body>\
             <outline text=\"Quay\" xmlUrl=\"{base}/quay.xml\"/>\
             <outline text=\"Bad\" xmlUrl=\"file:///etc/passwd\"/>\
             <outline text=\"Private\" xmlUrl=\"{base}/private/feed.xml\"/></body></opml>"
        ),
    );
    let run = dir.run(&[
        "follow",
        "--once",
        "--every",
        "1s",
        "--host-delay",
        "0s",
        "feeds.opml",
    ]);
    // The bad outline and the feed robots.txt forbids are reported; the rest is done.
    assert_eq!(run.code(), 1, "{}", run.stderr());
    let err = run.stderr();
    assert!(err.contains("feeds.opml: outline at byte"), "{err}");
    assert!(err.contains("not an http(s) url"), "{err}");
    assert!(
        err.contains(&format!(
            "{base}/private/feed.xml: not fetched: robots.txt has Disallow: /private"
        )),
        "{err}"
    );
    assert!(err.contains("polled 2 feeds"), "{err}");
    assert_eq!(article_count(&dir), 3);
    assert_eq!(site.count("/private/feed.xml"), 0);
    assert!(
        std::fs::read_dir(dir.data().join("warc"))
            .unwrap()
            .next()
            .is_some()
    );

    // Cron's next run, once the feed is due: it answers 304 and nothing is fetched again.
    std::thread::sleep(Duration::from_secs(2));
    let run = dir.run(&[
        "follow",
        "--once",
        "--every",
        "1s",
        &format!("{base}/quay.xml"),
    ]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert!(run.stderr().contains("1 not modified"), "{}", run.stderr());
    assert_eq!(
        site.validators("/quay.xml"),
        vec![None, Some("\"1\"".to_owned())]
    );
    assert_eq!(site.count("/quay/1"), 1);
    assert_eq!(article_count(&dir), 3);
}

#[test]
fn a_follow_killed_mid_round_resumes_without_fetching_stored_pages_again() {
    let site = Site::default();
    let base = serve(site.clone());
    let dir = Dir::new();
    let quay = format!("{base}/quay.xml");
    let mill = format!("{base}/mill.xml");
    let args = ["--every", "1s", "--host-delay", "0s", "--connections", "1"];
    let mut command = dir.command(&["follow"]);
    command.args(args).args([&quay, &mill]);
    let mut child = command.stderr(std::process::Stdio::null()).spawn().unwrap();
    // The feeds of one host are polled one after another in order of url: mill.xml (whole and
    // stored), then quay.xml, whose pages are slow. Kill in the middle of that poll.
    let started = Instant::now();
    while site.slow_pages.load(Ordering::SeqCst) < 2 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the follower did not get to the second feed"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert_eq!(article_count(&dir), 4);
    // Once both are due again: the stored feed is asked with its validators and answers 304;
    // the killed poll stored nothing, so it is done again, whole.
    std::thread::sleep(Duration::from_secs(2));
    let mut once = vec!["follow", "--once"];
    once.extend(args);
    once.extend([quay.as_str(), mill.as_str()]);
    let run = dir.run(&once);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert!(run.stderr().contains("1 not modified"), "{}", run.stderr());
    assert_eq!(
        site.validators("/mill.xml"),
        vec![None, Some("\"1\"".to_owned())]
    );
    assert_eq!(article_count(&dir), 7);
    assert_eq!(site.count("/mill/1"), 1);
    assert_eq!(site.count("/quay/1"), 2);
}

/// `GET path` on `addr` with a plain socket; the body.
fn http_get(addr: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default()
}

#[test]
fn serve_follow_lists_the_feeds_on_the_sources_page_and_shows_their_articles() {
    use std::io::BufRead;
    let site = Site::default();
    let base = serve(site.clone());
    let dir = Dir::new();
    let mill = format!("{base}/mill.xml");
    let mut child = dir
        .command(&[
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--host-delay",
            "0s",
            "--follow",
            &mill,
        ])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = std::io::BufReader::new(stderr).lines();
    let addr = loop {
        let line = lines.next().expect("serve said where it serves").unwrap();
        if let Some(rest) = line.strip_prefix("serving on http://") {
            break rest
                .trim_end_matches(|c| c != '/')
                .trim_end_matches('/')
                .to_owned();
        }
    };
    // Drain the rest of stderr so the server never blocks on it.
    std::thread::spawn(move || for _ in lines {});
    let started = Instant::now();
    let sources = loop {
        let body = http_get(&addr, "/api/sources");
        let json: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
        let stories = http_get(&addr, "/api/stories");
        if json["sources"][0]["last_status"] == "200" && stories.contains("Mill closure") {
            break json;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the feed was not followed: {body}"
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(sources["sources"][0]["url"], mill.as_str());
    assert_eq!(sources["sources"][0]["articles_new"], 4);
    let page = http_get(&addr, "/sources");
    assert!(page.contains("mill.xml"), "{page}");
    assert!(page.contains("http-equiv=\"refresh\""), "{page}");
    child.kill().unwrap();
    child.wait().unwrap();
}
