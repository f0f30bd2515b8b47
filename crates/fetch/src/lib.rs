//! Fetching pages and feeds over HTTP(S), within limits, and keeping every response.
//!
//! [`Fetcher::fetch`] downloads one URL with a GET: redirects are followed by hand (at most
//! [`Config::max_redirects`], a loop is an error naming the chain), the body is streamed and the
//! fetch abandoned as soon as it passes [`Config::max_bytes`] (a declared `Content-Length` over
//! the limit is refused before any of the body is read), the whole fetch must end within
//! [`Config::timeout`] and no read may wait longer than [`Config::stall_timeout`]. Every response
//! received whole (redirects and error pages too) is handed to the caller's `keep` before
//! anything else happens to it, which is how [`warc::Writer`] keeps them all. No compression is
//! asked for; whatever content coding a server applies anyway is undone by the reader
//! (`ingest::http`), so the kept WARC holds the bytes as sent.
//!
//! This crate and `server` are the only ones that know HTTP. It reads no clock except for the
//! time limits and the dates of kept records, and it never panics on what a server sends.

pub mod policy;
pub mod robots;
pub mod warc;

use std::collections::HashSet;
use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::{StatusCode, Url, header};
use tokio::time::Instant;

/// Limits and identity for fetching.
#[derive(Debug, Clone)]
pub struct Config {
    /// Sent as `User-Agent`; names Parallax by default.
    pub user_agent: String,
    /// Redirects followed before giving up.
    pub max_redirects: usize,
    /// Largest body read; a longer one is abandoned as it passes this.
    pub max_bytes: u64,
    /// The whole fetch, redirects included, must end within this.
    pub timeout: Duration,
    /// Longest wait for a connection, the response head or the next piece of the body.
    pub stall_timeout: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            user_agent: default_user_agent(),
            max_redirects: 10,
            max_bytes: ingest::Config::default().max_file_bytes,
            timeout: Duration::from_secs(60),
            stall_timeout: Duration::from_secs(15),
        }
    }
}

/// `Parallax/<version>`.
pub fn default_user_agent() -> String {
    format!("Parallax/{}", env!("CARGO_PKG_VERSION"))
}

/// One HTTP response received whole: a redirect, an error page or the page itself.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// The URL this response answered.
    pub url: String,
    pub status: u16,
    /// `HTTP/1.1`, `HTTP/2.0`.
    pub version: String,
    /// Header names and values in the order received; `Transfer-Encoding` is left out, since
    /// `body` has the transfer coding undone.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// When the response head arrived.
    pub received: DateTime<Utc>,
}

impl Exchange {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The response as the ingest readers take it.
    pub fn as_response(&self) -> ingest::http::Response<'_> {
        ingest::http::Response {
            url: &self.url,
            status: self.status,
            headers: &self.headers,
            body: &self.body,
        }
    }
}

/// Why a URL could not be fetched. Every message starts with the URL asked for.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The URL given, or one a redirect pointed to, cannot be fetched.
    #[error("{url}: {message}")]
    BadUrl { url: String, message: String },
    /// The server answered with a status that is not a success (the page is kept all the same).
    #[error("{url}: http status {status}{}", where_from(url, final_url))]
    Status {
        url: String,
        final_url: String,
        /// The code with its reason and any `Retry-After`: `503 service unavailable (retry
        /// after 120)`.
        status: String,
        code: u16,
        /// The `Retry-After` header as sent.
        retry_after: Option<String>,
    },
    #[error("{url}: redirect loop: {}", chain.join(" -> "))]
    RedirectLoop { url: String, chain: Vec<String> },
    #[error("{url}: more than {limit} redirects (last to {last})")]
    TooManyRedirects {
        url: String,
        limit: usize,
        last: String,
    },
    #[error(
        "{url}: {what} is larger than the limit of {limit} bytes; not read{}",
        where_from(url, final_url)
    )]
    TooLarge {
        url: String,
        final_url: String,
        what: String,
        limit: u64,
    },
    #[error("{url}: the fetch took longer than the limit of {}{}; stopped after {received} bytes of the body", secs(*limit), where_from(url, final_url))]
    Timeout {
        url: String,
        final_url: String,
        limit: Duration,
        received: u64,
    },
    #[error("{url}: no data from the server for {}{}; stopped after {received} bytes of the body", secs(*limit), where_from(url, final_url))]
    Stalled {
        url: String,
        final_url: String,
        limit: Duration,
        received: u64,
    },
    /// The connection failed (refused, reset, TLS, DNS).
    #[error("{url}: {message}")]
    Network { url: String, message: String },
    /// The HTTP client could not be set up.
    #[error("setting up the http client: {0}")]
    Setup(String),
}

fn where_from(url: &str, final_url: &str) -> String {
    if url == final_url {
        String::new()
    } else {
        format!(" (at {final_url})")
    }
}

fn secs(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 1.0 {
        format!("{} ms", d.as_millis())
    } else {
        format!("{s} s")
    }
}

impl FetchError {
    /// Whether trying again later may succeed: a network failure, a time limit, 429 or a 5xx
    /// status. A feed that fails so is polled again after a growing wait (`policy::backoff`).
    pub fn is_transient(&self) -> bool {
        match self {
            FetchError::Status { code, .. } => *code == 429 || *code >= 500,
            FetchError::Network { .. }
            | FetchError::Timeout { .. }
            | FetchError::Stalled { .. } => true,
            _ => false,
        }
    }

    /// The `Retry-After` the server sent with an error status.
    pub fn retry_after(&self) -> Option<&str> {
        match self {
            FetchError::Status { retry_after, .. } => retry_after.as_deref(),
            _ => None,
        }
    }
}

/// Validators from an earlier response, sent so the server can answer 304 Not Modified.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    /// Sent as `If-None-Match`.
    pub etag: Option<String>,
    /// Sent as `If-Modified-Since`.
    pub last_modified: Option<String>,
}

impl Validators {
    /// The validators a response carries (`ETag`, `Last-Modified`).
    pub fn of(response: &Exchange) -> Validators {
        let value = |name| {
            response
                .header(name)
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        Validators {
            etag: value("etag"),
            last_modified: value("last-modified"),
        }
    }
}

/// What a conditional fetch found.
#[derive(Debug, Clone)]
pub enum Fetched {
    /// A 2xx response.
    Modified(Page),
    /// 304: what was fetched before is still current. The page holds the 304 response.
    NotModified(Page),
}

/// The last response of a successful fetch and the redirect chain that led to it.
#[derive(Debug, Clone)]
pub struct Page {
    /// The URL asked for.
    pub requested: String,
    /// Every URL visited, the asked one first and the final one last.
    pub chain: Vec<String>,
    /// The final (2xx) response.
    pub response: Exchange,
}

/// An HTTP client with its limits. Cheap to share; one per run.
pub struct Fetcher {
    client: reqwest::Client,
    config: Config,
}

impl Fetcher {
    pub fn new(config: Config) -> Result<Self, FetchError> {
        let client = reqwest::Client::builder()
            .user_agent(config.user_agent.clone())
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(config.stall_timeout)
            .build()
            .map_err(|e| FetchError::Setup(chain_message(&e)))?;
        Ok(Fetcher { client, config })
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Fetches `url`, following redirects. `keep` sees every response received whole, in
    /// order, including redirects and error pages; a body abandoned at a limit is not one.
    pub async fn fetch(
        &self,
        url: &str,
        keep: &mut (dyn FnMut(&Exchange) + Send),
    ) -> Result<Page, FetchError> {
        match self.fetch_if(url, &Validators::default(), keep).await? {
            Fetched::Modified(page) => Ok(page),
            // Never asked for, but a server may send it: it carries no page.
            Fetched::NotModified(page) => Err(FetchError::Status {
                url: page.requested,
                final_url: page.response.url,
                status: "304 not modified".into(),
                code: 304,
                retry_after: None,
            }),
        }
    }

    /// [`Fetcher::fetch`] with `validators` sent along (to every URL of the redirect chain),
    /// so a server whose resource has not changed answers 304 and sends no body.
    pub async fn fetch_if(
        &self,
        url: &str,
        validators: &Validators,
        keep: &mut (dyn FnMut(&Exchange) + Send),
    ) -> Result<Fetched, FetchError> {
        let requested = url.to_owned();
        let deadline = Instant::now() + self.config.timeout;
        let mut current = parse_url(url, url)?;
        let mut chain = vec![current.to_string()];
        let mut seen = HashSet::from([current.to_string()]);
        loop {
            let exchange = self
                .exchange(&requested, &current, validators, deadline)
                .await?;
            keep(&exchange);
            if exchange.status == 304 {
                return Ok(Fetched::NotModified(Page {
                    requested,
                    chain,
                    response: exchange,
                }));
            }
            let status = StatusCode::from_u16(exchange.status).ok();
            if status.is_some_and(|s| s.is_redirection())
                && let Some(location) = exchange.header("location")
            {
                let next = current
                    .join(location.trim())
                    .map_err(|e| FetchError::BadUrl {
                        url: requested.clone(),
                        message: format!("redirect to an invalid url {location:?}: {e}"),
                    })?;
                let next = parse_url(&requested, next.as_str())?;
                let name = next.to_string();
                if !seen.insert(name.clone()) {
                    chain.push(name);
                    return Err(FetchError::RedirectLoop {
                        url: requested,
                        chain,
                    });
                }
                if chain.len() > self.config.max_redirects {
                    return Err(FetchError::TooManyRedirects {
                        url: requested,
                        limit: self.config.max_redirects,
                        last: name,
                    });
                }
                chain.push(name);
                current = next;
                continue;
            }
            if !(200..300).contains(&exchange.status) {
                let mut status = exchange.status.to_string();
                if let Some(reason) = status_reason(exchange.status) {
                    status = format!("{status} {}", reason.to_ascii_lowercase());
                }
                let retry_after = exchange.header("retry-after").map(|a| a.trim().to_owned());
                if let Some(after) = &retry_after {
                    status = format!("{status} (retry after {after})");
                }
                return Err(FetchError::Status {
                    url: requested,
                    final_url: exchange.url,
                    status,
                    code: exchange.status,
                    retry_after,
                });
            }
            return Ok(Fetched::Modified(Page {
                requested,
                chain,
                response: exchange,
            }));
        }
    }

    /// One request and its whole response, within the limits.
    async fn exchange(
        &self,
        requested: &str,
        url: &Url,
        validators: &Validators,
        deadline: Instant,
    ) -> Result<Exchange, FetchError> {
        let config = &self.config;
        let final_url = url.to_string();
        let limits = Limits {
            config,
            requested,
            final_url: &final_url,
            deadline,
        };
        let network = |e: reqwest::Error| FetchError::Network {
            url: requested.to_owned(),
            message: chain_message(&e),
        };
        let mut request = self.client.get(url.clone()).header(
            header::ACCEPT,
            "text/html, application/xhtml+xml, application/rss+xml, application/atom+xml, \
             application/feed+json, application/xml;q=0.9, */*;q=0.8",
        );
        if let Some(etag) = &validators.etag {
            request = request.header(header::IF_NONE_MATCH, etag);
        }
        if let Some(date) = &validators.last_modified {
            request = request.header(header::IF_MODIFIED_SINCE, date);
        }
        let request = request.send();
        let mut response = limits.wait(request, 0).await?.map_err(network)?;
        let received = Utc::now();
        let too_large = |what: String| FetchError::TooLarge {
            url: requested.to_owned(),
            final_url: final_url.clone(),
            what,
            limit: config.max_bytes,
        };
        if let Some(length) = response.content_length()
            && length > config.max_bytes
        {
            return Err(too_large(format!("the body of {length} bytes")));
        }
        let status = response.status().as_u16();
        let version = format!("{:?}", response.version());
        let headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .filter(|(name, _)| *name != header::TRANSFER_ENCODING)
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect();
        let mut body = Vec::new();
        loop {
            let chunk = limits
                .wait(response.chunk(), body.len() as u64)
                .await?
                .map_err(network)?;
            let Some(chunk) = chunk else { break };
            if (body.len() + chunk.len()) as u64 > config.max_bytes {
                return Err(too_large("the body".into()));
            }
            body.extend_from_slice(&chunk);
        }
        tracing::debug!(url = %final_url, status, bytes = body.len(), "fetched");
        Ok(Exchange {
            url: final_url,
            status,
            version,
            headers,
            body,
            received,
        })
    }
}

/// The time limits of one request.
struct Limits<'a> {
    config: &'a Config,
    requested: &'a str,
    final_url: &'a str,
    deadline: Instant,
}

impl Limits<'_> {
    /// Waits for `what`, no longer than the stall limit nor past the deadline.
    async fn wait<F: Future>(&self, what: F, received: u64) -> Result<F::Output, FetchError> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        let stall = self.config.stall_timeout;
        match tokio::time::timeout(left.min(stall), what).await {
            Ok(output) => Ok(output),
            Err(_) if left <= stall => Err(FetchError::Timeout {
                url: self.requested.to_owned(),
                final_url: self.final_url.to_owned(),
                limit: self.config.timeout,
                received,
            }),
            Err(_) => Err(FetchError::Stalled {
                url: self.requested.to_owned(),
                final_url: self.final_url.to_owned(),
                limit: stall,
                received,
            }),
        }
    }
}

/// A [`Fetcher`] for callers without an async runtime: each fetch runs on a runtime of its
/// own thread. Must not be used from inside an async runtime.
pub struct Blocking {
    runtime: tokio::runtime::Runtime,
    fetcher: Fetcher,
}

impl Blocking {
    pub fn new(config: Config) -> Result<Self, FetchError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| FetchError::Setup(e.to_string()))?;
        // reqwest's client must be built inside the runtime that drives it.
        let fetcher = runtime.block_on(async { Fetcher::new(config) })?;
        Ok(Blocking { runtime, fetcher })
    }

    /// [`Fetcher::fetch`], waiting for it.
    pub fn fetch(
        &self,
        url: &str,
        keep: &mut (dyn FnMut(&Exchange) + Send),
    ) -> Result<Page, FetchError> {
        self.runtime.block_on(self.fetcher.fetch(url, keep))
    }
}

/// Whether `s` names something to fetch rather than a file.
pub fn is_url(s: &str) -> bool {
    let lower = s.get(..8).unwrap_or(s).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// Where a URL points, as politeness needs it: the site and the path on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    /// `http://host:port`, where `robots.txt` is asked for.
    pub origin: String,
    /// `host:port`: requests to one are made one at a time.
    pub authority: String,
    /// The path with its query, as `robots.txt` rules match it.
    pub path: String,
}

/// The site and path of an http(s) `url`.
pub fn site(url: &str) -> Result<Site, FetchError> {
    let parsed = parse_url(url, url)?;
    let host = parsed.host_str().unwrap_or("");
    let authority = match parsed.port_or_known_default() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    };
    let mut path = parsed.path().to_owned();
    if let Some(query) = parsed.query() {
        path.push('?');
        path.push_str(query);
    }
    Ok(Site {
        origin: format!("{}://{authority}", parsed.scheme()),
        authority,
        path,
    })
}

fn parse_url(requested: &str, url: &str) -> Result<Url, FetchError> {
    let bad = |message: String| FetchError::BadUrl {
        url: requested.to_owned(),
        message,
    };
    let parsed = Url::parse(url).map_err(|e| bad(format!("not a valid url: {e}")))?;
    match parsed.scheme() {
        "http" | "https" if parsed.host().is_some() => Ok(parsed),
        "http" | "https" => Err(bad(format!("{url}: the url names no host"))),
        other if requested == url => Err(bad(format!(
            "only http and https urls are fetched, not {other}"
        ))),
        other => Err(bad(format!(
            "redirected to a {other} url ({url}); only http and https are followed"
        ))),
    }
}

fn status_reason(status: u16) -> Option<&'static str> {
    StatusCode::from_u16(status).ok()?.canonical_reason()
}

/// What went wrong, from the innermost causes of a client error: `tcp connect error:
/// connection refused` rather than reqwest's `error sending request for url (...)`.
fn chain_message(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cause = error.source();
    while let Some(e) = cause {
        let text = e.to_string();
        let text = match text.find(" (os error") {
            Some(i) => text[..i].to_owned(),
            None => text,
        };
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(lower(&text));
        }
        cause = e.source();
    }
    if parts.is_empty() {
        parts.push(lower(&error.to_string()));
    }
    parts.join(": ")
}

fn lower(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert!(is_url("http://a.example/"));
        assert!(is_url("HTTPS://a.example/"));
        assert!(!is_url("news/page.html"));
        assert!(!is_url("htt"));
        assert!(!is_url("ftp://a.example/"));
        let e = parse_url("ftp://a.example/x", "ftp://a.example/x").unwrap_err();
        assert_eq!(
            e.to_string(),
            "ftp://a.example/x: only http and https urls are fetched, not ftp"
        );
        let e = parse_url("http://a.example/", "file:///etc/passwd").unwrap_err();
        assert!(e.to_string().contains("redirected to a file url"), "{e}");
        assert!(parse_url("not a url", "not a url").is_err());
        let s = site("https://a.example/news/feed.xml?page=2#top").unwrap();
        assert_eq!(s.origin, "https://a.example:443");
        assert_eq!(s.authority, "a.example:443");
        assert_eq!(s.path, "/news/feed.xml?page=2");
        assert_eq!(site("http://127.0.0.1:8080").unwrap().path, "/");
        assert!(site("mailto:desk@a.example").is_err());
    }
}
