//! The one boundary each article's analysis runs behind in the front ends. The algorithm crates
//! must never panic on input, and the fuzz targets and property tests hold them to it; this is
//! defence in depth for a defect they have not found yet. A panic inside [`guard`] becomes a
//! [`Fault`] naming the stage and where it happened, so the CLI reports it against the article
//! and the server serves the other articles, instead of the whole run or server dying.
//!
//! The panic is not printed by the default hook (the front end reports the fault itself); a
//! panic outside any guard still is.

use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

/// A panic caught in one stage of one article's analysis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// The stage that failed: "quotes", "entities", "brief"...
    pub stage: &'static str,
    /// The panic's message and where in the code it happened.
    pub message: String,
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "internal error in {}: {}", self.stage, self.message)
    }
}

impl std::error::Error for Fault {}

thread_local! {
    /// How many guards this thread is inside.
    static DEPTH: Cell<usize> = const { Cell::new(0) };
    /// Where the last guarded panic on this thread happened.
    static LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

static HOOK: Once = Once::new();

/// `f()`, or the [`Fault`] of the panic it raised. Results are whatever `f` gives; state `f`
/// borrowed mutably may be half-updated after a fault, so guard only work whose output is all
/// it leaves behind.
pub fn guard<T>(stage: &'static str, f: impl FnOnce() -> T) -> Result<T, Fault> {
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if DEPTH.with(Cell::get) > 0 {
                let at = info
                    .location()
                    .map(|l| format!("{}:{}", l.file(), l.line()));
                LOCATION.with(|l| *l.borrow_mut() = at);
            } else {
                previous(info);
            }
        }));
    });
    DEPTH.with(|d| d.set(d.get() + 1));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    DEPTH.with(|d| d.set(d.get() - 1));
    result.map_err(|payload| {
        let what = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "panic".to_string());
        let message = match LOCATION.with(|l| l.borrow_mut().take()) {
            Some(at) => format!("{what} at {at}"),
            None => what,
        };
        Fault { stage, message }
    })
}

/// In debug builds only, panics when `$PARALLAX_TEST_PANIC` is `<stage>:<words>` and `text`
/// contains those words: how the front ends' tests check that a fault in one article is reported
/// against it and the others go on. Guarded per-article stages call it first.
pub fn inject_fault(stage: &str, text: &str) {
    if cfg!(debug_assertions)
        && let Ok(spec) = std::env::var("PARALLAX_TEST_PANIC")
        && let Some((s, words)) = spec.split_once(':')
        && s == stage
        && text.contains(words)
    {
        panic!("injected by PARALLAX_TEST_PANIC");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_a_fault_naming_stage_and_place() {
        let fault = guard("quotes", || {
            let v: Vec<u8> = Vec::new();
            v[usize::from(v.is_empty())]
        })
        .unwrap_err();
        assert_eq!(fault.stage, "quotes");
        assert!(
            fault.to_string().starts_with(
                "internal error in quotes: index out of bounds: the len is 0 but the index is 1 at "
            ),
            "{fault}"
        );
        assert!(fault.message.contains("guard.rs"), "{fault}");
    }

    #[test]
    fn a_result_passes_through_and_guards_nest() {
        assert_eq!(guard("brief", || 7), Ok(7));
        let outer = guard("brief", || guard("quotes", || panic!("inner")).is_err());
        assert_eq!(outer, Ok(true));
        assert_eq!(
            guard("brief", || panic!("{}", 3))
                .unwrap_err()
                .message
                .split(" at ")
                .next(),
            Some("3")
        );
    }
}
