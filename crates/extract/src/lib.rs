//! What an article says and who says it: named entities (people, organisations, places) and
//! quotations with their speakers, as byte ranges into the article's normalised text.
//!
//! Deterministic and free of I/O: models are loaded from bytes compiled into the crate.

pub mod guard;
pub mod ner;
pub mod quotes;

use std::sync::atomic::{AtomicUsize, Ordering};

/// `f` of every item, in input order, computed on `threads` threads (one thread: no spawning).
/// Articles are independent, so this is how front ends analyse many at once; workers take the
/// next item as they finish one, so a few long articles do not leave a core idle. The result
/// does not depend on `threads`.
pub fn par_map<T: Sync, U: Send>(
    items: &[T],
    threads: usize,
    f: impl Fn(&T) -> U + Sync,
) -> Vec<U> {
    let threads = threads.min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, U)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        mine.push((i, f(item)));
                    }
                    mine
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, u)| u).collect()
}

#[cfg(test)]
mod tests {
    use super::par_map;

    fn check(n: usize, threads: usize) {
        let items: Vec<usize> = (0..n).collect();
        let squares = par_map(&items, threads, |&i| i * i);
        assert_eq!(squares, items.iter().map(|i| i * i).collect::<Vec<_>>());
    }

    #[test]
    fn par_map_keeps_input_order() {
        check(0, 2);
        check(1, 2);
        check(1000, 2);
        check(1000, 3);
        check(5, 1);
    }
}
