//! Integration tests of the server: the whole app in-process (`tower::ServiceExt::oneshot`) for
//! the API, pages and security rules, and a real headless Chromium driven over WebDriver for the
//! end-to-end walk through the web app.

mod api;
mod browser;
mod follow;
mod support;
