//! Several `parallax` processes on one data folder at once: writers wait their turn, readers go
//! on, and nothing is lost.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::Dir;

const WRITERS: usize = 4;
const PER_WRITER: usize = 40;

/// Fictional events, each told with its own words, so the articles form several stories.
const TOPICS: &[(&str, &str, &str)] = &[
    (
        "Dam bursts above Kessel",
        "KESSEL",
        "The Upper Aske dam gave way and the river flooded the lower town; rescuers searched the valley",
    ),
    (
        "Lindmoor board faces fans",
        "LINDMOOR",
        "Supporters of Sporting Lindmoor protested against the board over the transfer payment to Venn",
    ),
    (
        "Ferry strike halts Nordhaven crossings",
        "NORDHAVEN",
        "Ferry crews walked out over pay and the harbour authority cancelled every crossing to the islands",
    ),
    (
        "Wildfire near Ostrava pass",
        "OSTRAVA",
        "A wildfire spread through the pine forest near the mountain pass and villages were evacuated overnight",
    ),
    (
        "Budget vote splits Velden council",
        "VELDEN",
        "The council rejected the budget after a long debate about school funding and the new tram line",
    ),
    (
        "Observatory finds comet",
        "MIRASOL",
        "Astronomers at the Mirasol observatory reported a bright comet that will be visible next month",
    ),
];

/// One writer's articles: each topic several times, told by different outlets on nearby days.
fn articles_of(writer: usize) -> Vec<(String, String)> {
    (0..PER_WRITER)
        .map(|k| {
            let n = writer * PER_WRITER + k;
            let (headline, place, body) = TOPICS[n % TOPICS.len()];
            let day = 10 + (n / TOPICS.len()) % 3;
            let outlet = ["NWS", "Kessel Post", "Echo", "Wire 9"][n % 4];
            let text = format!(
                "{headline}, report {n}\n\n\
                 {place}, Mar {day} ({outlet}) - {body}, officials said on day {day}. \
                 Report number {n} adds that {} people were affected.\n\n\
                 More details about {headline} are expected later, a spokesperson said.\n",
                100 + n
            );
            (format!("w{writer}/{n:04}.txt"), text)
        })
        .collect()
}

/// Each article's id with the set of articles in its shown story.
fn partition(dir: &Dir) -> (BTreeSet<String>, BTreeSet<BTreeSet<String>>) {
    let store = store::Store::open_existing(&dir.data()).unwrap();
    let ids: BTreeSet<String> = store
        .articles()
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect();
    let mut stories: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let assigned = store.assignments().unwrap();
    let once: BTreeSet<&str> = assigned.iter().map(|a| a.article_id.as_str()).collect();
    assert_eq!(once.len(), assigned.len(), "an article has two story rows");
    for a in assigned {
        let story = a.story_id.expect("every article has text, so a story");
        stories.entry(story).or_default().insert(a.article_id);
    }
    for s in store.stories().unwrap() {
        assert_eq!(
            s.articles as usize,
            stories[&s.id].len(),
            "story {} row",
            s.id
        );
    }
    (ids, stories.into_values().collect())
}

/// Four writer processes and a reader on one data folder end with the store a sequential ingest
/// of the same files makes: the same articles, each once, and the same stories (the same sets of
/// articles; story ids follow history, so they may differ).
#[test]
fn four_writers_and_a_reader_lose_nothing() {
    let dir = Dir::new();
    let sequential = Dir::new();
    for w in 0..WRITERS {
        for (name, text) in articles_of(w) {
            dir.write(&name, &text);
            sequential.write(&name, &text);
        }
    }
    // A store to read from the start, so the reader never sees a folder without one.
    dir.ok(&["-q", "ingest", "w0/0000.txt"]);

    let done = AtomicBool::new(false);
    let reads = std::thread::scope(|scope| {
        let reader = scope.spawn(|| {
            let mut reads = 0;
            while !done.load(Ordering::Relaxed) {
                for args in [&["stories"][..], &["articles", "--format", "json"]] {
                    let run = dir.run(args);
                    assert_eq!(run.code(), 0, "reader {args:?}: {}", run.stderr());
                    reads += 1;
                }
            }
            reads
        });
        let writers: Vec<_> = (0..WRITERS)
            .map(|w| {
                dir.command(&["-q", "ingest", &format!("w{w}"), "--batch", "3"])
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for (w, child) in writers.into_iter().enumerate() {
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "writer {w} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        done.store(true, Ordering::Relaxed);
        reader.join().unwrap()
    });
    assert!(reads > 0);

    let folders: Vec<String> = (0..WRITERS).map(|w| format!("w{w}")).collect();
    let mut args = vec!["-q", "ingest"];
    args.extend(folders.iter().map(String::as_str));
    sequential.ok(&args);

    let (ids, stories) = partition(&dir);
    let (expected_ids, expected_stories) = partition(&sequential);
    assert_eq!(ids.len(), WRITERS * PER_WRITER);
    assert_eq!(ids, expected_ids);
    assert_eq!(stories, expected_stories);
    assert!(stories.len() >= TOPICS.len(), "{} stories", stories.len());

    let store = store::Store::open_existing(&dir.data()).unwrap();
    let runs = store.runs().unwrap();
    assert_eq!(runs.len(), WRITERS + 1);
    assert!(runs.iter().all(|r| r.finished_at.is_some()));
    let new: u64 = runs.iter().map(|r| r.new).sum();
    assert_eq!(
        new,
        (WRITERS * PER_WRITER) as u64,
        "an article counted twice or lost"
    );
}
