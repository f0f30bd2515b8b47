//! Order-keeping parallel maps on scoped threads for the batch pass: item `i`'s result lands at
//! `i` and is computed by the same code whatever the number of threads, so no result depends on
//! it. Each thread takes one contiguous run of the items.

/// Below this many items the work stays on the calling thread: a thread costs more.
const MIN_PARALLEL: usize = 256;

/// `(0..n).map(f)`, on up to `threads` threads.
pub(crate) fn map<R: Send>(n: usize, threads: usize, f: impl Fn(usize) -> R + Sync) -> Vec<R> {
    map_with(n, threads, || (), |_, i| f(i))
}

/// [`map`] with per-thread scratch state made by `init` (a buffer reused from item to item).
pub(crate) fn map_with<S, R: Send>(
    n: usize,
    threads: usize,
    init: impl Fn() -> S + Sync,
    f: impl Fn(&mut S, usize) -> R + Sync,
) -> Vec<R> {
    let threads = threads.clamp(1, 64).min(n.div_ceil(MIN_PARALLEL).max(1));
    if threads == 1 {
        let mut state = init();
        return (0..n).map(|i| f(&mut state, i)).collect();
    }
    let run = n.div_ceil(threads);
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                let (init, f) = (&init, &f);
                scope.spawn(move || {
                    let mut state = init();
                    (t * run..((t + 1) * run).min(n))
                        .map(|i| f(&mut state, i))
                        .collect::<Vec<R>>()
                })
            })
            .collect();
        let mut out = Vec::with_capacity(n);
        for w in workers {
            // A panic in a worker goes on in the caller, as if the work had been done there.
            out.extend(w.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        }
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_are_in_item_order_whatever_the_threads() {
        let one = map(10_000, 1, |i| i * i);
        for threads in [2, 3, 7, 64] {
            assert_eq!(map(10_000, threads, |i| i * i), one);
        }
        assert!(map(0, 4, |i| i).is_empty());
        assert_eq!(map(5, 4, |i| i), vec![0, 1, 2, 3, 4]);
    }

    #[test]
    fn each_thread_keeps_its_own_scratch() {
        let sums = map_with(1000, 2, Vec::new, |seen: &mut Vec<usize>, i| {
            seen.push(i);
            seen.len()
        });
        // Two runs of 500: the scratch restarts at the second thread's first item.
        assert_eq!(sums[499], 500);
        assert_eq!(sums[500], 1);
    }
}
