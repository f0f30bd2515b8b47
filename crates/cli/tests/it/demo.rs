//! The README's main job: the demo corpus in `examples/`, every format in it, end to end.

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::Dir;

fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

/// Every article of the demo corpus by source, relative to `examples/`.
const SOURCES: &[&str] = &[
    "feeds/radio-kessel.rss#1",
    "feeds/radio-kessel.rss#2",
    "feeds/radio-kessel.rss#3",
    "feeds/sportsline.atom#1",
    "feeds/sportsline.atom#2",
    "records/newsdesk.jsonl#1",
    "records/newsdesk.jsonl#2",
    "records/newsdesk.jsonl#3",
    "records/newsdesk.jsonl#4",
    "web/marrow-gazette-orla-floods.html",
    "web/nordhaven-ledger-kessel-dam.html",
    "web/pitchside-venn-transfer-inquiry.html",
    "web/valdoria-today-kessel-dam-syndicated.html",
    "wire/meridian-kessel-dam-2026-01-12.txt",
    "wire/meridian-valdoria-rates-2026-03-05.txt",
    "wire/nws-kessel-dam-2026-01-12.txt",
    "wire/nws-orla-floods-2026-02-20.txt",
    "wire/nws-valdoria-rates-2026-03-05.txt",
];

#[test]
fn demo_corpus_is_read_whole_and_stored_once() {
    let dir = Dir::new();
    let examples = examples().canonicalize().unwrap();
    let root = format!("{}/", examples.display());
    let path = examples.to_str().unwrap();

    let records = dir.ok(&["extract", path, "--format", "jsonl"]).jsonl();
    let sources: BTreeSet<String> = records
        .iter()
        .map(|r| r["source"].as_str().unwrap().replace(&root, ""))
        .collect();
    let expected: BTreeSet<String> = SOURCES.iter().map(|s| s.to_string()).collect();
    assert_eq!(sources, expected);
    for r in &records {
        assert!(r["title"].is_string(), "no title: {}", r["source"]);
        assert!(!r["text"].as_str().unwrap().is_empty(), "{}", r["source"]);
    }

    let first = dir.ok(&["ingest", path]);
    let summary = format!("{} new, 0 already stored, 0 failed", SOURCES.len());
    assert!(first.stderr().contains(&summary), "{}", first.stderr());
    let again = dir.ok(&["ingest", path]);
    let summary = format!("0 new, {} already stored, 0 failed", SOURCES.len());
    assert!(again.stderr().contains(&summary), "{}", again.stderr());

    let listed = dir.ok(&["articles", "--format", "jsonl"]).jsonl();
    assert_eq!(listed.len(), SOURCES.len());
    // Newest first: the dated articles in descending time, the undated wire stories last.
    let dated: Vec<&str> = listed
        .iter()
        .map_while(|r| r["published"].as_str())
        .collect();
    let times: Vec<chrono::DateTime<chrono::FixedOffset>> = dated
        .iter()
        .map(|t| chrono::DateTime::parse_from_rfc3339(t).unwrap())
        .collect();
    assert!(times.is_sorted_by(|a, b| a >= b), "{dated:?}");
    assert!(
        listed[dated.len()..]
            .iter()
            .all(|r| r["published"].is_null())
    );
}
