//! Reading on several threads with the results in input order.
//!
//! Reading has a cheap, ordered part (finding files, sniffing formats, splitting JSON lines)
//! and a costly part that needs nothing but its own bytes (parsing a line, extracting an HTML
//! page, normalising, detecting the language). The readers hand out the costly part as a
//! [`Pending`], and [`read_inputs_on`] finishes those on worker threads while one thread does
//! the ordered part and the caller gets every result in the order [`crate::read_inputs`] gives
//! it, whatever the number of threads. Memory stays bounded: only a few chunks are in flight.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};

use crate::sniff::Format;
use crate::{Article, Config, ReadError, Source};

/// An article read but not yet made: [`finish`](Self::finish) does the rest, on any thread.
pub struct Pending(Work);

enum Work {
    /// Boxed: an article is large, and most pending items are the small variants below.
    Ready(Box<Result<Article, ReadError>>),
    /// One line of a JSON lines file, without its newline.
    JsonLine {
        path: String,
        line: u64,
        bytes: Vec<u8>,
    },
    /// A whole plain-text or HTML file, read within the size limit.
    Document {
        name: String,
        bytes: Vec<u8>,
        format: Format,
        gz_truncated: bool,
    },
}

impl Pending {
    pub(crate) fn ready(result: Result<Article, ReadError>) -> Self {
        Pending(Work::Ready(Box::new(result)))
    }

    pub(crate) fn json_line(path: String, line: u64, bytes: Vec<u8>) -> Self {
        Pending(Work::JsonLine { path, line, bytes })
    }

    /// A single-article file of `format` (plain text or HTML; other formats are read at once).
    pub(crate) fn document(
        name: String,
        bytes: Vec<u8>,
        format: Format,
        gz_truncated: bool,
    ) -> Self {
        Pending(Work::Document {
            name,
            bytes,
            format,
            gz_truncated,
        })
    }

    /// Makes the article, or the error of the record or input it came from.
    pub fn finish(self) -> Result<Article, ReadError> {
        match self.0 {
            Work::Ready(result) => *result,
            Work::JsonLine { path, line, bytes } => crate::json::parse_line(&path, line, &bytes),
            Work::Document {
                name,
                bytes,
                format,
                gz_truncated,
            } => {
                let draft = match format {
                    Format::Html => crate::html::extract(&bytes, &name, None),
                    _ => crate::plain::read(&name, &bytes),
                };
                let mut article = draft.and_then(|d| d.finish(Source::file(&name)))?;
                if gz_truncated {
                    article
                        .warnings
                        .push("the gzip stream is truncated; this text may be incomplete".into());
                }
                Ok(article)
            }
        }
    }
}

/// How many pending articles a worker takes at a time: enough that handing them over costs
/// little, few enough that the threads stay evenly loaded near the end of a small input.
const CHUNK: usize = 32;

/// Reads every article from `inputs` as [`crate::read_inputs`] does and hands each result to
/// `each`, in the same order, finishing articles on `threads` worker threads (1 reads on the
/// calling thread alone). Stops at the first error `each` returns, and returns it.
pub fn read_inputs_on<E>(
    inputs: &[PathBuf],
    config: &Config,
    threads: usize,
    mut each: impl FnMut(Result<Article, ReadError>) -> Result<(), E>,
) -> Result<(), E> {
    let threads = threads.clamp(1, 64);
    if threads == 1 {
        for pending in crate::input::read_pending(inputs, config) {
            each(pending.finish())?;
        }
        return Ok(());
    }
    std::thread::scope(|scope| {
        // The reader may run ahead of `each` by this many chunks, no more.
        let in_flight = 4 * threads;
        let (job_tx, job_rx) = sync_channel::<(usize, Vec<Pending>)>(threads);
        let (done_tx, done_rx) =
            sync_channel::<(usize, Vec<Result<Article, ReadError>>)>(in_flight);
        let (token_tx, token_rx) = sync_channel::<()>(in_flight);
        let job_rx = Arc::new(Mutex::new(job_rx));
        scope.spawn(move || read_chunks(inputs, config, &token_tx, &job_tx));
        for _ in 0..threads {
            let job_rx = Arc::clone(&job_rx);
            let done_tx = done_tx.clone();
            scope.spawn(move || finish_chunks(&job_rx, &done_tx));
        }
        drop(done_tx);
        let result = deliver(&done_rx, &token_rx, &mut each);
        // Closing the channels stops the reader and the workers early when `each` failed.
        drop(token_rx);
        drop(done_rx);
        result
    })
}

/// The ordered part, on its own thread: numbers chunks of pending articles and queues them.
fn read_chunks(
    inputs: &[PathBuf],
    config: &Config,
    token_tx: &SyncSender<()>,
    job_tx: &SyncSender<(usize, Vec<Pending>)>,
) {
    let mut pending = crate::input::read_pending(inputs, config).peekable();
    let mut seq = 0;
    while pending.peek().is_some() {
        let chunk: Vec<Pending> = pending.by_ref().take(CHUNK).collect();
        if token_tx.send(()).is_err() || job_tx.send((seq, chunk)).is_err() {
            return;
        }
        seq += 1;
    }
}

fn finish_chunks(
    job_rx: &Mutex<Receiver<(usize, Vec<Pending>)>>,
    done_tx: &SyncSender<(usize, Vec<Result<Article, ReadError>>)>,
) {
    loop {
        // The lock is held only while taking a job, not while finishing it.
        let job = job_rx.lock().unwrap_or_else(|p| p.into_inner()).recv();
        let Ok((seq, chunk)) = job else { return };
        let done = chunk.into_iter().map(Pending::finish).collect();
        if done_tx.send((seq, done)).is_err() {
            return;
        }
    }
}

/// Hands the finished chunks to `each` in their order, releasing one token per chunk.
fn deliver<E>(
    done_rx: &Receiver<(usize, Vec<Result<Article, ReadError>>)>,
    token_rx: &Receiver<()>,
    each: &mut impl FnMut(Result<Article, ReadError>) -> Result<(), E>,
) -> Result<(), E> {
    let mut waiting = BTreeMap::new();
    let mut next = 0;
    for (seq, chunk) in done_rx {
        waiting.insert(seq, chunk);
        while let Some(chunk) = waiting.remove(&next) {
            for result in chunk {
                each(result)?;
            }
            let _ = token_rx.recv();
            next += 1;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;

    fn sources(paths: &[PathBuf], threads: usize) -> Vec<String> {
        let mut got = Vec::new();
        read_inputs_on(paths, &Config::default(), threads, |r| {
            got.push(match r {
                Ok(a) => format!("{} {} {:?}", a.source, a.id, a.language),
                Err(e) => e.to_string(),
            });
            Ok::<(), ()>(())
        })
        .expect("each never fails");
        got
    }

    #[test]
    fn threads_give_the_results_of_one_thread_in_input_order() {
        let dir = std::env::temp_dir().join(format!("ingest-pending-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("pages")).unwrap();
        let mut jsonl = String::new();
        for i in 0..500 {
            match i % 7 {
                3 => jsonl.push_str("{broken\n"),
                5 => jsonl.push('\n'),
                _ => writeln!(
                    jsonl,
                    r#"{{"title": "Report {i}", "text": "The council met on day {i} and agreed to repair the old bridge over the river before winter."}}"#
                )
                .unwrap(),
            }
        }
        std::fs::write(dir.join("a.jsonl"), jsonl).unwrap();
        for i in 0..40 {
            std::fs::write(
                dir.join(format!("pages/{i:02}.txt")),
                format!("Page {i}\n\nThe museum opened a new wing on day {i} of the festival."),
            )
            .unwrap();
        }
        std::fs::write(dir.join("pages/empty.txt"), "").unwrap();
        let paths = vec![dir.join("a.jsonl"), dir.join("pages"), dir.join("missing")];
        let one = sources(&paths, 1);
        let expected: Vec<String> = crate::read_inputs(&paths, &Config::default())
            .map(|r| match r {
                Ok(a) => format!("{} {} {:?}", a.source, a.id, a.language),
                Err(e) => e.to_string(),
            })
            .collect();
        assert_eq!(one, expected);
        assert!(one.len() > 450, "{}", one.len());
        for threads in [2, 3, 8] {
            assert_eq!(sources(&paths, threads), one, "{threads} threads");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_error_from_each_stops_the_reading() {
        let dir = std::env::temp_dir().join(format!("ingest-pending-stop-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let line = "{\"text\": \"The river rose overnight and the town closed its bridge.\"}\n";
        std::fs::write(dir.join("a.jsonl"), line.repeat(5000)).unwrap();
        let mut seen = 0;
        let result = read_inputs_on(&[dir.join("a.jsonl")], &Config::default(), 2, |_| {
            seen += 1;
            if seen == 100 { Err("closed") } else { Ok(()) }
        });
        assert_eq!(result, Err("closed"));
        assert_eq!(seen, 100);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
