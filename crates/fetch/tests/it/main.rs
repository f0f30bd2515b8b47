//! The fetcher against a local server that this test starts on 127.0.0.1 (no other address is
//! ever contacted): redirects, a loop, limits, slow and stalled bodies, error statuses,
//! declared charsets, and the WARC round trip.

mod server;

use std::time::Duration;

use fetch::{Blocking, Config, Exchange, FetchError};

/// Limits small enough that every case here ends in well under a second.
fn config() -> Config {
    Config {
        user_agent: "Parallax-test/1".into(),
        max_redirects: 5,
        max_bytes: 64 << 10,
        timeout: Duration::from_millis(1500),
        stall_timeout: Duration::from_millis(500),
    }
}

/// Fetches `path` from the test server, with every kept exchange.
fn fetch(path: &str) -> (Result<fetch::Page, FetchError>, Vec<Exchange>, String) {
    let base = server::start();
    let fetcher = Blocking::new(config()).unwrap();
    let mut kept = Vec::new();
    let url = format!("{base}{path}");
    let result = fetcher.fetch(&url, &mut |e| kept.push(e.clone()));
    (result, kept, base)
}

fn error(path: &str) -> String {
    let (result, _, base) = fetch(path);
    result
        .expect_err("the fetch should fail")
        .to_string()
        .replace(&base, "BASE")
}

#[test]
fn a_page_with_its_headers_and_user_agent() {
    let (page, kept, base) = fetch("/news/ferry.html");
    let page = page.unwrap();
    assert_eq!(page.response.status, 200);
    assert_eq!(page.chain, [format!("{base}/news/ferry.html")]);
    assert_eq!(
        page.response.header("last-modified"),
        Some("Tue, 03 Mar 2026 10:00:00 GMT")
    );
    assert!(page.response.header("date").is_some());
    assert_eq!(kept.len(), 1);
    let (echo, _, _) = fetch("/echo-agent");
    assert_eq!(echo.unwrap().response.body, b"Parallax-test/1");
}

#[test]
fn redirects_are_followed_and_kept() {
    let (page, kept, base) = fetch("/old/ferry");
    let page = page.unwrap();
    assert_eq!(
        page.chain,
        [
            format!("{base}/old/ferry"),
            format!("{base}/moved/ferry"),
            format!("{base}/news/ferry.html"),
        ]
    );
    assert_eq!(page.response.url, format!("{base}/news/ferry.html"));
    let statuses: Vec<u16> = kept.iter().map(|e| e.status).collect();
    assert_eq!(statuses, [308, 302, 200]);
}

#[test]
fn a_redirect_loop_names_the_chain() {
    assert_eq!(
        error("/loop/a"),
        "BASE/loop/a: redirect loop: BASE/loop/a -> BASE/loop/b -> BASE/loop/a"
    );
    assert_eq!(
        error("/chain/9"),
        "BASE/chain/9: more than 5 redirects (last to BASE/chain/3)"
    );
}

#[test]
fn a_body_past_the_limit_is_abandoned() {
    // An endless body without a length: stopped as it passes the limit.
    assert_eq!(
        error("/endless"),
        "BASE/endless: the body is larger than the limit of 65536 bytes; not read"
    );
    // A declared length of 10 GB is refused before the body is read.
    assert_eq!(
        error("/ten-gigabytes"),
        "BASE/ten-gigabytes: the body of 10000000000 bytes is larger than the limit of 65536 bytes; not read"
    );
}

#[test]
fn a_slow_body_is_cut_off() {
    // One byte every 50 ms never stalls, but the whole fetch has 1.5 s.
    let started = std::time::Instant::now();
    let e = error("/one-byte-at-a-time");
    assert!(
        e.starts_with(
            "BASE/one-byte-at-a-time: the fetch took longer than the limit of 1.5 s; stopped after"
        ),
        "{e}"
    );
    assert!(started.elapsed() < Duration::from_secs(3));
    // A server that sends a little and then nothing.
    let e = error("/stalls");
    assert_eq!(
        e,
        "BASE/stalls: no data from the server for 500 ms; stopped after 5 bytes of the body"
    );
}

#[test]
fn error_statuses_are_errors_and_kept() {
    let (result, kept, base) = fetch("/missing");
    assert_eq!(
        result.unwrap_err().to_string(),
        format!("{base}/missing: http status 404 not found")
    );
    assert_eq!(kept.len(), 1);
    assert_eq!(
        error("/busy"),
        "BASE/busy: http status 503 service unavailable (retry after 120)"
    );
    assert_eq!(
        error("/old/missing"),
        "BASE/old/missing: http status 404 not found (at BASE/missing)"
    );
}

#[test]
fn a_refused_connection_names_the_url() {
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let fetcher = Blocking::new(config()).unwrap();
    let url = format!("http://127.0.0.1:{port}/");
    let e = fetcher.fetch(&url, &mut |_| {}).unwrap_err().to_string();
    assert!(e.starts_with(&format!("{url}: ")), "{e}");
    assert!(e.contains("refused"), "{e}");
}

#[test]
fn a_declared_charset_decodes_the_page() {
    let (page, _, base) = fetch("/latin1.html");
    let page = page.unwrap();
    let articles = ingest::http::read_response(
        &page.response.as_response(),
        &base,
        ingest::Source::file("x"),
        1 << 20,
    )
    .unwrap();
    let article = articles[0].as_ref().unwrap();
    assert!(
        article.text.contains("Le café du port a rouvert"),
        "{}",
        article.text
    );
    assert_eq!(article.title.as_deref(), Some("Le café rouvre"));
}

#[test]
fn the_kept_warc_gives_the_same_articles() {
    let dir = tempfile::tempdir().unwrap();
    let base = server::start();
    let fetcher = Blocking::new(config()).unwrap();
    let mut writer = fetch::warc::Writer::new(dir.path().join("warc"), 1 << 20);
    let mut fetched = Vec::new();
    for path in ["/old/ferry", "/latin1.html", "/feed.xml", "/missing"] {
        let url = format!("{base}{path}");
        let result = fetcher.fetch(&url, &mut |e| writer.write(e).unwrap());
        if let Ok(page) = result {
            let read = ingest::http::read_response(
                &page.response.as_response(),
                &url,
                ingest::Source::file(&url),
                1 << 20,
            )
            .unwrap();
            fetched.extend(read.into_iter().map(Result::unwrap));
        }
    }
    assert_eq!(fetched.len(), 4, "a page, a page and a feed of two items");
    let files = writer.files().to_vec();
    assert_eq!(files.len(), 1);
    let bytes = std::fs::read(&files[0]).unwrap();
    let reread: Vec<_> = ingest::read_bytes(&files[0].display().to_string(), &bytes)
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let key = |a: &ingest::Article| {
        (
            a.id.clone(),
            a.url.clone(),
            a.title.clone(),
            a.published,
            a.text.clone(),
            a.language.clone(),
        )
    };
    assert_eq!(
        reread.iter().map(key).collect::<Vec<_>>(),
        fetched.iter().map(key).collect::<Vec<_>>()
    );
    // The page's date came from Last-Modified, the page giving none.
    assert_eq!(
        fetched[0].published.map(|d| d.to_rfc3339()).as_deref(),
        Some("2026-03-03T10:00:00+00:00")
    );
    assert_eq!(
        fetched[0].url.as_deref(),
        Some(&*format!("{base}/news/ferry.html"))
    );
}
