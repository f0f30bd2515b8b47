//! End-to-end test in a real headless Chromium (filled in below).
