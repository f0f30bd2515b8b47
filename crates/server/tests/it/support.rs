//! Shared set-up: a store with the demo corpus (or given articles), the app around it, and a
//! helper that sends one request through the whole service.

use std::path::PathBuf;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use ingest::Article;
use server::{AppState, Config, Engine};
use tower::ServiceExt;

/// The demo corpus in `examples/`.
pub fn demo_articles() -> Vec<Article> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    ingest::read_inputs(&[root], &ingest::Config::default())
        .filter_map(Result::ok)
        .collect()
}

/// Reads one JSON record as the ingest readers do.
pub fn record(json: &str) -> Article {
    ingest::read_bytes("fixture.json", json.as_bytes())
        .into_iter()
        .next()
        .expect("one record")
        .expect("a valid record")
}

/// An app over an in-memory store holding `articles`.
pub fn app_with(articles: &[Article], token: Option<&str>) -> Router {
    server::app(state_with(articles, token))
}

pub fn state_with(articles: &[Article], token: Option<&str>) -> AppState {
    let mut store = store::Store::open_in_memory().expect("in-memory store");
    let run = store.begin_run(&["test".to_owned()]).expect("run");
    store.add_articles(run, articles).expect("stored");
    let engine = Engine::new(store).expect("engine");
    AppState::new(
        engine,
        Config {
            ingest_token: token.map(str::to_owned),
        },
    )
}

/// A response, read whole.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8(self.body.to_vec()).expect("utf-8 body")
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    /// Checks the fixed error shape and returns the code.
    pub fn error_code(&self) -> String {
        let v = self.json();
        let e = &v["error"];
        assert!(e["message"].is_string(), "no error message in {v}");
        assert_eq!(
            v.as_object().map(|o| o.len()),
            Some(1),
            "extra fields in {v}"
        );
        e["code"].as_str().expect("error code").to_owned()
    }
}

pub async fn send(app: &Router, request: Request<Body>) -> Reply {
    let response = app.clone().oneshot(request).await.expect("infallible");
    let (parts, body) = response.into_parts();
    Reply {
        status: parts.status,
        headers: parts.headers,
        body: body.collect().await.expect("body").to_bytes(),
    }
}

pub async fn get(app: &Router, uri: &str) -> Reply {
    send(app, Request::get(uri).body(Body::empty()).unwrap()).await
}
