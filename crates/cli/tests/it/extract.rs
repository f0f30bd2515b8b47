//! `parallax extract`: formats, errors per input, exit codes.

use crate::{Dir, wire_story};

#[test]
fn extract_jsonl_prints_one_record_per_article() {
    let dir = Dir::new();
    dir.write("wire/a.txt", wire_story(1));
    dir.write("wire/b.txt", wire_story(2));
    let run = dir.ok(&["extract", "wire/a.txt", "wire/b.txt", "--format", "jsonl"]);
    let records = run.jsonl();
    assert_eq!(records.len(), 2);
    insta::assert_json_snapshot!(records, { "[].id" => "[id]" });
}

#[test]
fn extract_json_is_one_array_with_the_same_records() {
    let dir = Dir::new();
    dir.write("a.txt", wire_story(1));
    dir.write("b.txt", wire_story(2));
    let lines = dir
        .ok(&["extract", "a.txt", "b.txt", "--format", "jsonl"])
        .jsonl();
    let array = dir
        .ok(&["extract", "a.txt", "b.txt", "--format", "json"])
        .json();
    assert_eq!(array, serde_json::Value::Array(lines));
}

#[test]
fn extract_json_of_nothing_is_an_empty_array() {
    let dir = Dir::new();
    let run = dir.run(&["extract", "missing.txt", "--format", "json"]);
    assert_eq!(run.code(), 1);
    assert_eq!(run.json(), serde_json::json!([]));
}

#[test]
fn extract_text_shows_metadata_then_paragraphs() {
    let dir = Dir::new();
    dir.write("a.txt", wire_story(1));
    let out = dir.ok(&["extract", "a.txt"]).stdout();
    assert!(out.starts_with("== a.txt ==\n"), "{out}");
    assert!(out.contains("  id "), "{out}");
    assert!(
        out.contains("story 1.\n\n\"We will find out who is responsible,\""),
        "{out}"
    );
}

#[test]
fn missing_path_is_reported_and_the_rest_is_printed() {
    let dir = Dir::new();
    dir.write("good.txt", wire_story(1));
    let run = dir.run(&["extract", "nope.txt", "good.txt", "--format", "jsonl"]);
    assert_eq!(run.code(), 1);
    assert_eq!(run.jsonl().len(), 1);
    let err = run.stderr();
    assert!(err.starts_with("parallax: nope.txt"), "{err}");
}

#[test]
fn empty_file_is_an_error_naming_it() {
    let dir = Dir::new();
    dir.write("empty.txt", "");
    dir.write("good.txt", wire_story(1));
    let run = dir.run(&["extract", "empty.txt", "good.txt", "--format", "jsonl"]);
    assert_eq!(run.code(), 1);
    assert_eq!(run.jsonl().len(), 1);
    assert!(
        run.stderr().contains("parallax: empty.txt"),
        "{}",
        run.stderr()
    );
}

#[test]
fn standard_input_is_read_for_a_dash() {
    use std::io::Write;
    use std::process::Stdio;
    let dir = Dir::new();
    let mut child = dir
        .command(&["extract", "-", "--format", "jsonl"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(wire_story(1).as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let record: serde_json::Value =
        serde_json::from_slice(out.stdout.split(|&b| b == b'\n').next().unwrap()).unwrap();
    assert_eq!(record["source"], "-");
}

#[test]
fn usage_errors_exit_with_2() {
    let dir = Dir::new();
    for args in [
        &[][..],
        &["extract"],
        &["extract", "a.txt", "--format", "yaml"],
        &["frobnicate"],
        &["ingest", "a.txt", "--batch", "0"],
    ] {
        let run = dir.run(args);
        assert_eq!(run.code(), 2, "{args:?}: {}", run.stderr());
        assert_eq!(run.stdout(), "", "{args:?}");
    }
}

#[test]
fn help_and_version_exit_with_0() {
    let dir = Dir::new();
    assert!(dir.ok(&["--help"]).stdout().contains("ingest"));
    assert!(dir.ok(&["--version"]).stdout().starts_with("parallax "));
}

#[test]
fn record_ids_of_the_input_are_kept_through_the_store() {
    let dir = Dir::new();
    dir.write(
        "feed.jsonl",
        concat!(
            r#"{"id": "wire-17", "title": "Dam holds", "text": "The dam at Kessel held overnight."}"#,
            "\n",
            r#"{"title": "No id", "text": "Engineers inspected the spillway on Tuesday."}"#,
            "\n"
        ),
    );
    let records = dir
        .ok(&["extract", "feed.jsonl", "--format", "jsonl"])
        .jsonl();
    assert_eq!(records[0]["record_id"], "wire-17");
    assert!(records[1].get("record_id").is_none(), "{}", records[1]);
    assert_ne!(
        records[0]["id"], "wire-17",
        "the key stays the content hash"
    );
    dir.ok(&["ingest", "feed.jsonl"]);
    let id = records[0]["id"].as_str().expect("id");
    let shown = dir.ok(&["show", id, "--format", "json"]).json();
    assert_eq!(shown["record_id"], "wire-17");
}
