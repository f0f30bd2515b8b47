//! Errors as responses: the fixed JSON shape `{"error": {"code", "message"}}` for the API, a
//! small HTML page for the web app, and a middleware that gives the same shape to the errors
//! axum and tower-http produce themselves (405, 408, 413, extractor rejections).

use axum::Json;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use serde_json::json;

use crate::html;

/// An API error: an HTTP status, a stable machine-readable code and a message for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

/// Marks a response whose error body we wrote, so [`shape_errors`] leaves it alone.
#[derive(Debug, Clone, Copy)]
struct Shaped;

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    pub fn not_found(what: &str, id: &str) -> Self {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no {what} with id {id:?}"),
        )
    }

    pub fn bad_query(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_query", message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        let message = message.into();
        tracing::error!(%message, "internal error");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }

    /// The same error as an HTML page, for the web app.
    pub fn into_page(self) -> Response {
        let title = self.status.canonical_reason().unwrap_or("Error");
        let body = format!(
            "<h1>{} {}</h1><p>{}</p><p><a href=\"/\">Back to the stories</a></p>",
            self.status.as_u16(),
            html::esc(title),
            html::esc(&self.message)
        );
        let mut response = (self.status, Html(html::page(title, &body))).into_response();
        response.extensions_mut().insert(Shaped);
        response
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({"error": {"code": self.code, "message": self.message}});
        let mut response = (self.status, Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
        }
        response.extensions_mut().insert(Shaped);
        response
    }
}

impl From<crate::EngineError> for ApiError {
    fn from(e: crate::EngineError) -> Self {
        ApiError::internal(e.to_string())
    }
}

/// A page-handler error: rendered as HTML.
pub struct PageError(pub ApiError);

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        self.0.into_page()
    }
}

impl From<ApiError> for PageError {
    fn from(e: ApiError) -> Self {
        PageError(e)
    }
}

/// 404 for a path no route matched, as JSON under `/api/` and as a page elsewhere.
pub fn not_found_for(path: &str) -> Response {
    let error = ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        format!("no such path {path:?}"),
    );
    if is_api(path) {
        error.into_response()
    } else {
        error.into_page()
    }
}

fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// Replaces the body of an error response we did not write (axum's 405, a body-limit 413,
/// tower-http's 408, an extractor's rejection) with our shape, keeping the status and headers.
pub async fn shape_errors(request: Request, next: Next) -> Response {
    let api = is_api(request.uri().path());
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error())
        || response.extensions().get::<Shaped>().is_some()
    {
        return response;
    }
    let code = match status {
        StatusCode::BAD_REQUEST => "bad_request",
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::REQUEST_TIMEOUT => "timeout",
        StatusCode::PAYLOAD_TOO_LARGE => "too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::UNPROCESSABLE_ENTITY => "bad_request",
        s if s.is_server_error() => "internal",
        _ => "bad_request",
    };
    let message = match status {
        StatusCode::PAYLOAD_TOO_LARGE => {
            format!("request body larger than {} bytes", crate::MAX_BODY_BYTES)
        }
        StatusCode::REQUEST_TIMEOUT => "request took too long".to_owned(),
        s => s.canonical_reason().unwrap_or("error").to_lowercase(),
    };
    let (mut parts, _) = response.into_parts();
    let error = ApiError::new(status, code, message);
    let new = if api {
        error.into_response()
    } else {
        error.into_page()
    };
    let (new_parts, body) = new.into_parts();
    // Keep headers such as `Allow` on a 405; the body's type is ours now.
    parts.headers.remove(header::CONTENT_LENGTH);
    if let Some(ct) = new_parts.headers.get(header::CONTENT_TYPE) {
        parts.headers.insert(header::CONTENT_TYPE, ct.clone());
    }
    for (k, v) in new_parts.headers.iter() {
        if k != header::CONTENT_TYPE {
            parts.headers.insert(k.clone(), v.clone());
        }
    }
    Response::from_parts(parts, body)
}
