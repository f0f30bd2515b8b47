//! The fixture sites: an axum app on 127.0.0.1 serving feeds written for these tests, the
//! pages they link to, and servers that misbehave. It logs every request it gets.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

/// What the server saw: each request's path and its `If-None-Match`.
#[derive(Clone, Default)]
pub struct Log(Arc<Mutex<Vec<Request>>>);

/// A request's path, its `If-None-Match` and when it came.
type Request = (String, Option<String>, tokio::time::Instant);

impl Log {
    pub fn paths(&self) -> Vec<String> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .map(|(p, _, _)| p.clone())
            .collect()
    }

    pub fn count(&self, path: &str) -> usize {
        self.paths().iter().filter(|p| *p == path).count()
    }

    /// The `If-None-Match` of each request for `path`, in order.
    pub fn validators(&self, path: &str) -> Vec<Option<String>> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .filter(|(p, _, _)| p == path)
            .map(|(_, v, _)| v.clone())
            .collect()
    }

    /// When each request came, in order.
    pub fn times(&self) -> Vec<tokio::time::Instant> {
        self.0.lock().unwrap().iter().map(|(_, _, t)| *t).collect()
    }
}

#[derive(Clone)]
struct Site {
    log: Log,
    /// Items the growing feed has now.
    items: Arc<Mutex<u32>>,
    /// The `Crawl-delay` robots.txt gives, if any.
    crawl_delay: Arc<Mutex<Option<u32>>>,
}

/// A running fixture server.
pub struct Server {
    pub base: String,
    pub log: Log,
    items: Arc<Mutex<u32>>,
    crawl_delay: Arc<Mutex<Option<u32>>>,
}

impl Server {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sets how many items `/news.xml` has (it starts with 2).
    pub fn set_items(&self, n: u32) {
        *self.items.lock().unwrap() = n;
    }

    /// Makes robots.txt ask for `secs` between requests.
    pub fn set_crawl_delay(&self, secs: u32) {
        *self.crawl_delay.lock().unwrap() = Some(secs);
    }
}

/// Starts the server on the current runtime.
pub async fn start() -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let site = Site {
        log: Log::default(),
        items: Arc::new(Mutex::new(2)),
        crawl_delay: Arc::default(),
    };
    let server = Server {
        base,
        log: site.log.clone(),
        items: site.items.clone(),
        crawl_delay: site.crawl_delay.clone(),
    };
    let app = app(site);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    server
}

fn app(site: Site) -> Router {
    Router::new()
        .route("/robots.txt", get(robots))
        .route("/news.xml", get(news))
        .route("/full.xml", get(full))
        .route("/pages/{n}", get(page))
        .route("/private/feed.xml", get(news))
        .route("/busy.xml", get(busy))
        .route("/limited.xml", get(limited))
        .route("/loop/a", get(|| async { Redirect::temporary("/loop/b") }))
        .route("/loop/b", get(|| async { Redirect::temporary("/loop/a") }))
        .route("/huge.xml", get(huge))
        .route("/slow.xml", get(slow))
        .route("/changed.xml", get(changed))
        .route("/consent.xml", get(consent_feed))
        .route("/consent", get(consent_page))
        .route("/broken.xml", get(broken))
        .layer(axum::middleware::from_fn_with_state(site.clone(), log))
        .with_state(site)
}

async fn log(
    State(site): State<Site>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let path = request.uri().path().to_owned();
    let etag = request
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    site.log
        .0
        .lock()
        .unwrap()
        .push((path, etag, tokio::time::Instant::now()));
    next.run(request).await
}

async fn robots(State(site): State<Site>) -> String {
    let delay = match *site.crawl_delay.lock().unwrap() {
        Some(secs) => format!("Crawl-delay: {secs}\n"),
        None => String::new(),
    };
    format!(
        "# fixture\nUser-agent: *\nDisallow: /private\n{delay}\nUser-agent: OtherBot\nDisallow: /\n"
    )
}

const PLACES: [&str; 6] = [
    "Northgate",
    "Eastholm",
    "Westmere",
    "Southby",
    "Kelda",
    "Orrin",
];

fn item(base: &str, n: u32) -> String {
    let place = PLACES[n as usize % PLACES.len()];
    format!(
        "<item><title>Harbour news {n}</title><link>{base}/pages/{n}</link>\
         <guid>{base}/pages/{n}</guid>\
         <pubDate>Mon, 02 Mar 2026 0{h}:00:00 GMT</pubDate>\
         <description>The quay at {place} reopened, the harbour office said ({n}).</description></item>",
        h = n % 10
    )
}

fn rss(items: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel>\
         <title>Harbour Echo</title>{items}</channel></rss>"
    )
}

/// A feed with `items` items and an ETag that changes with them; 304 when it matches.
async fn news(State(site): State<Site>, uri: Uri, headers: HeaderMap) -> Response {
    let n = *site.items.lock().unwrap();
    let etag = format!("\"v{n}\"");
    if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes())
    {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    let base = format!("http://{host}");
    let _ = uri;
    let items: String = (1..=n).rev().map(|i| item(&base, i)).collect();
    (
        [
            (header::CONTENT_TYPE, "application/rss+xml".to_owned()),
            (header::ETAG, etag),
        ],
        rss(&items),
    )
        .into_response()
}

/// A feed that carries each article whole, so no page is fetched.
async fn full() -> Response {
    let body = rss(
        "<item><title>Ferry timetable</title><link>http://127.0.0.1:9/never/fetched</link>\
         <content:encoded xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">\
         &lt;p&gt;The winter ferry timetable starts on Monday, with boats every two hours \
         between Northgate and the islands, the operator said.&lt;/p&gt;</content:encoded></item>",
    );
    (
        [
            (header::CONTENT_TYPE, "application/rss+xml"),
            (header::LAST_MODIFIED, "Mon, 02 Mar 2026 08:00:00 GMT"),
            (header::CACHE_CONTROL, "max-age=60"),
        ],
        body,
    )
        .into_response()
}

async fn page(Path(n): Path<u32>) -> Response {
    let place = PLACES[n as usize % PLACES.len()];
    let body = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Harbour news {n}</title></head><body><article><h1>Harbour news {n}</h1>\
         <p>The quay at {place} reopened on Monday after a week of storms, and the first boats \
         came in before noon, the harbour office said in a statement.</p>\
         <p>Repairs to the sea wall cost {n} hundred thousand crowns and took the crews of \
         three towns working through the nights.</p></article></body></html>"
    );
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

async fn busy() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::RETRY_AFTER, "120")],
        "come back later",
    )
        .into_response()
}

async fn limited() -> Response {
    (
        StatusCode::TOO_MANY_REQUESTS,
        [(header::RETRY_AFTER, "600")],
        "slow down",
    )
        .into_response()
}

/// A body declared as ten gigabytes.
async fn huge() -> Response {
    let chunks = futures_stream(64 * 1024, Duration::ZERO);
    Response::builder()
        .header(header::CONTENT_TYPE, "application/rss+xml")
        .body(chunks)
        .unwrap()
}

/// One byte a second.
async fn slow() -> Response {
    Response::builder()
        .header(header::CONTENT_TYPE, "application/rss+xml")
        .body(futures_stream(1, Duration::from_secs(1)))
        .unwrap()
}

/// Chunks of `size` bytes, one every `every`, forever.
fn futures_stream(size: usize, every: Duration) -> Body {
    let chunks = futures_util::stream::unfold((), move |()| async move {
        tokio::time::sleep(every).await;
        Some((Ok::<_, std::io::Error>(vec![b' '; size]), ()))
    });
    Body::from_stream(chunks)
}

/// A feed that became the site's home page.
async fn changed() -> Response {
    (
        [(header::CONTENT_TYPE, "text/html")],
        "<html><head><title>Welcome</title></head><body><p>Our new website.</p></body></html>",
    )
        .into_response()
}

async fn consent_feed(headers: HeaderMap) -> Response {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    let body = rss(&format!(
        "<item><title>Council vote</title><link>http://{host}/consent</link>\
         <description>The council voted on the harbour budget.</description></item>"
    ));
    ([(header::CONTENT_TYPE, "application/rss+xml")], body).into_response()
}

async fn consent_page() -> Response {
    let body = "<!doctype html><html><head><title>Before you continue</title></head><body>\
        <article><p>We use cookies and similar technologies to improve your experience. \
        By clicking accept all you agree to our use of cookies.</p>\
        <p>Accept all cookies. Manage cookie preferences.</p></article></body></html>";
    ([(header::CONTENT_TYPE, "text/html")], body).into_response()
}

/// A feed with one good item and one broken one.
async fn broken() -> Response {
    let body = rss(
        "<item><title>Good item</title><link>http://127.0.0.1:9/a</link>\
         <content:encoded xmlns:content=\"x\">The lighthouse at Kelda was repainted this \
         week, its keeper said.</content:encoded></item>\
         <item><title>Bad <b>item</title><description>oops</item>",
    );
    ([(header::CONTENT_TYPE, "application/rss+xml")], body).into_response()
}
