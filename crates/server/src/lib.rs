//! The web front end: a local web app (server-rendered HTML, no scripts) and a JSON API over the
//! store, its stories and their briefs. [`app`] builds the whole service as an axum `Router`, so
//! tests run it in-process; [`serve`] binds it to an address.
//!
//! This is the only crate that knows HTTP and JSON DTOs; everything it shows comes from the
//! [`engine`]. It never serves files from paths a request names (the one style sheet is compiled
//! in), and it escapes every piece of article content ([`html`]).
//!
//! **Boundary:** handlers do no pipeline work themselves; blocking engine calls (SQLite, briefs,
//! re-clustering after an ingest) run on tokio's blocking pool.

mod api;
pub mod engine;
mod error;
pub mod html;
mod pages;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware;
use axum::response::Response;
use axum::routing::{get, post};
use tower::ServiceBuilder;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

pub use engine::{Engine, EngineError};
pub use error::ApiError;

/// Largest request body accepted (an ingested HTML page or JSON record).
pub const MAX_BODY_BYTES: usize = 2 << 20;
/// Time a request may take before it is answered with 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The Content-Security-Policy of every response: nothing but our own style sheet and images.
pub const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
     form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// How the server runs.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Bearer token that enables `POST /api/articles`; ingest is refused without one.
    pub ingest_token: Option<String>,
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    engine: Engine,
    config: Config,
    brief: brief::Config,
    /// Rendered story pages and story JSON of the current snapshot: a 50-article story's page is
    /// ~160 KB of HTML, worth building once per snapshot rather than per request.
    rendered: std::sync::Mutex<Rendered>,
    /// Seconds after which the stories and sources pages load themselves again (when feeds are
    /// followed, so new stories show up without a reload).
    refresh: Option<u64>,
}

/// Response bodies keyed by what they show, valid for one snapshot version.
#[derive(Default)]
struct Rendered {
    version: u64,
    bodies: std::collections::HashMap<String, axum::body::Bytes>,
}

impl AppState {
    pub fn new(engine: Engine, config: Config) -> AppState {
        AppState {
            inner: Arc::new(Inner {
                engine,
                config,
                brief: brief::Config::default(),
                rendered: std::sync::Mutex::default(),
                refresh: None,
            }),
        }
    }

    /// The same state with its stories and sources pages reloading every `every`. Only before
    /// the state is shared (it is ignored on a clone).
    pub fn refreshing(mut self, every: Duration) -> AppState {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.refresh = Some(every.as_secs().max(1));
        }
        self
    }

    fn refresh(&self) -> Option<u64> {
        self.inner.refresh
    }

    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    /// Starts a thread that checks every `every` whether another process changed the store
    /// ([`Engine::follow`]) and, if so, swaps in a rebuilt snapshot. It ends when the last
    /// clone of this state is dropped.
    pub fn follow_store(&self, every: std::time::Duration) -> std::thread::JoinHandle<()> {
        let inner = Arc::downgrade(&self.inner);
        std::thread::Builder::new()
            .name("follow-store".to_owned())
            .spawn(move || {
                loop {
                    std::thread::sleep(every);
                    let Some(inner) = inner.upgrade() else { return };
                    if let Err(e) = inner.engine.follow() {
                        tracing::warn!(error = %e, "could not follow the store");
                    }
                }
            })
            .expect("spawn the store follower")
    }

    fn brief_config(&self) -> &brief::Config {
        &self.inner.brief
    }

    /// The body cached under `key` for snapshot `version`, if any.
    fn cached(&self, version: u64, key: &str) -> Option<axum::body::Bytes> {
        let r = self.inner.rendered.lock().ok()?;
        (r.version == version)
            .then(|| r.bodies.get(key).cloned())
            .flatten()
    }

    /// Caches a body for snapshot `version`; a newer version drops everything older.
    fn cache(&self, version: u64, key: String, body: axum::body::Bytes) {
        if let Ok(mut r) = self.inner.rendered.lock() {
            if r.version < version {
                r.version = version;
                r.bodies.clear();
            }
            if r.version == version && r.bodies.len() < 1024 {
                r.bodies.insert(key, body);
            }
        }
    }

    fn token(&self) -> Option<&str> {
        self.inner.config.ingest_token.as_deref()
    }

    /// Runs blocking engine work off the async threads.
    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&AppState) -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let state = self.clone();
        tokio::task::spawn_blocking(move || work(&state))
            .await
            .map_err(|e| ApiError::internal(format!("worker failed: {e}")))
    }
}

/// The whole service: pages, API, limits and security headers.
pub fn app(state: AppState) -> Router {
    let header = |name: HeaderName, value: &'static str| {
        SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value))
    };
    Router::new()
        .route("/", get(pages::stories))
        .route("/stories/{id}", get(pages::story))
        .route("/articles/{id}", get(pages::article))
        .route("/outlets", get(pages::outlets))
        .route("/outlets/{name}", get(pages::outlet))
        .route("/sources", get(pages::sources))
        .route("/assets/app.css", get(pages::css))
        .route("/api/stories", get(api::stories))
        .route("/api/stories/{id}", get(api::story))
        .route("/api/storylines", get(api::storylines))
        .route("/api/storylines/{id}", get(api::storyline))
        .route("/api/articles", post(api::ingest))
        .route("/api/articles/{id}", get(api::article))
        .route("/api/search", get(api::search))
        .route("/api/outlets", get(api::outlets))
        .route("/api/outlets/{name}", get(api::outlet))
        .route("/api/sources", get(api::sources))
        .fallback(fallback)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
        .layer(
            ServiceBuilder::new()
                .layer(header(header::CONTENT_SECURITY_POLICY, CSP))
                .layer(header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
                .layer(header(header::X_FRAME_OPTIONS, "DENY"))
                .layer(header(header::REFERRER_POLICY, "no-referrer"))
                .layer(middleware::from_fn(error::shape_errors))
                .layer(TimeoutLayer::with_status_code(
                    StatusCode::REQUEST_TIMEOUT,
                    REQUEST_TIMEOUT,
                )),
        )
}

async fn fallback(request: Request) -> Response {
    error::not_found_for(request.uri().path())
}

/// Serves `app` on `addr` until Ctrl-C. Warns when the address is not loopback and no token is
/// set (anyone who can reach it can read the store).
pub async fn serve(state: AppState, addr: SocketAddr) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    serve_on(state, listener, shutdown_signal()).await
}

/// Serves on an already bound listener until `shutdown` completes (tests bind port 0).
pub async fn serve_on(
    state: AppState,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let local = listener.local_addr()?;
    if !local.ip().is_loopback() && state.token().is_none() {
        tracing::warn!(
            addr = %local,
            "serving on a non-loopback address without an ingest token: anyone who can reach \
             it can read every stored article"
        );
    }
    tracing::info!(addr = %local, "serving");
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown)
        .await
}

/// Completes on Ctrl-C (never, when no signal handler can be installed).
pub async fn shutdown_signal() {
    if tokio::signal::ctrl_c().await.is_err() {
        // No signal handler: run until killed.
        std::future::pending::<()>().await;
    }
}
