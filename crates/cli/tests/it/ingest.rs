//! `parallax ingest`, `articles` and `show` against a store in the test's folder.

use std::time::{Duration, Instant};

use crate::{Dir, wire_story};

fn stored(dir: &Dir) -> u64 {
    store::Store::open_existing(&dir.data())
        .unwrap()
        .article_count()
        .unwrap()
}

#[test]
fn ingest_twice_stores_once() {
    let dir = Dir::new();
    dir.write("in/a.txt", wire_story(1));
    dir.write("in/b.txt", wire_story(2));
    let first = dir.ok(&["ingest", "in/a.txt", "in/b.txt"]);
    assert_eq!(first.stdout(), "", "results only on stdout");
    assert!(
        first.stderr().contains("2 new, 0 already stored, 0 failed"),
        "{}",
        first.stderr()
    );
    let again = dir.ok(&["ingest", "in/a.txt", "in/b.txt"]);
    assert!(
        again.stderr().contains("0 new, 2 already stored, 0 failed"),
        "{}",
        again.stderr()
    );
    assert_eq!(stored(&dir), 2);
    assert_eq!(dir.ok(&["articles", "--format", "jsonl"]).jsonl().len(), 2);
}

#[test]
fn ingest_with_a_bad_input_keeps_the_good_ones_and_exits_1() {
    let dir = Dir::new();
    dir.write("a.txt", wire_story(1));
    let run = dir.run(&["ingest", "a.txt", "no/such/file.txt"]);
    assert_eq!(run.code(), 1);
    assert!(
        run.stderr().contains("parallax: no/such/file.txt"),
        "{}",
        run.stderr()
    );
    assert_eq!(stored(&dir), 1);
}

#[test]
fn quiet_ingest_prints_nothing() {
    let dir = Dir::new();
    dir.write("a.txt", wire_story(1));
    let run = dir.ok(&["--quiet", "ingest", "a.txt"]);
    assert_eq!(run.stderr(), "");
    assert_eq!(run.stdout(), "");
}

#[test]
fn data_folder_comes_from_the_environment() {
    let dir = Dir::new();
    dir.write("a.txt", wire_story(1));
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_parallax"))
        .current_dir(dir.path())
        .env("PARALLAX_DATA", dir.path().join("elsewhere"))
        .args(["-q", "ingest", "a.txt"])
        .status()
        .unwrap();
    assert!(status.success());
    assert!(dir.path().join("elsewhere/parallax.sqlite").is_file());
}

#[test]
fn articles_json_lists_what_was_stored() {
    let dir = Dir::new();
    dir.write("a.txt", wire_story(1));
    dir.ok(&["-q", "ingest", "a.txt"]);
    let list = dir.ok(&["articles", "--format", "json"]).json();
    insta::assert_json_snapshot!(list, {
        "[].id" => "[id]",
        "[].ingested_at" => "[time]",
    });
}

#[test]
fn articles_text_has_one_line_per_article_ending_with_the_id() {
    let dir = Dir::new();
    for n in 0..3 {
        dir.write(&format!("{n}.txt"), wire_story(n));
    }
    dir.ok(&["-q", "ingest", "."]);
    let ids: Vec<String> = dir
        .ok(&["articles", "--format", "jsonl"])
        .jsonl()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    let text = dir.ok(&["articles"]).stdout();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    for (line, id) in lines.iter().zip(&ids) {
        assert!(line.ends_with(id.as_str()), "{line}");
    }
}

#[test]
fn articles_without_a_store_is_an_error() {
    let dir = Dir::new();
    let run = dir.run(&["articles"]);
    assert_eq!(run.code(), 1);
    assert!(run.stderr().contains("no store in"), "{}", run.stderr());
    assert!(!dir.data().exists(), "listing must not create a store");
}

#[test]
fn show_finds_an_article_by_unique_prefix() {
    let dir = Dir::new();
    dir.write("a.txt", wire_story(1));
    dir.ok(&["-q", "ingest", "a.txt"]);
    let id = dir.ok(&["articles", "--format", "jsonl"]).jsonl()[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let text = dir.ok(&["show", &id[..6]]).stdout();
    assert!(text.contains(&format!("  id         {id}\n")), "{text}");
    assert!(text.contains("\n\nKESSEL, Jan 12 (NWS) - "), "{text}");
    let json = dir.ok(&["show", &id, "--format", "json"]).json();
    assert_eq!(json["id"], id.as_str());
    assert_eq!(json["source"], "a.txt");
    assert!(json["ingested_at"].is_string());
}

#[test]
fn show_unknown_or_ambiguous_id_exits_1() {
    let dir = Dir::new();
    for n in 0..40 {
        dir.write(&format!("{n}.txt"), wire_story(n));
    }
    dir.ok(&["-q", "ingest", "."]);
    let run = dir.run(&["show", "0000000000000000"]);
    assert_eq!(run.code(), 1);
    assert!(
        run.stderr().contains("no article with id"),
        "{}",
        run.stderr()
    );
    // 40 ids over 16 first digits: one digit is shared.
    let ids: Vec<String> = dir
        .ok(&["articles", "--format", "jsonl"])
        .jsonl()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    let shared = ids
        .iter()
        .map(|id| &id[..1])
        .find(|d| ids.iter().filter(|id| id.starts_with(d)).count() > 1)
        .unwrap();
    let run = dir.run(&["show", shared]);
    assert_eq!(run.code(), 1);
    assert!(run.stderr().contains("more than one"), "{}", run.stderr());
    assert_eq!(run.stdout(), "");
}

/// A killed ingest keeps whole batches only, and running it again stores the rest.
#[test]
fn killed_ingest_leaves_whole_batches_and_a_rerun_completes() {
    const FILES: usize = 3000;
    const BATCH: u64 = 7;
    let dir = Dir::new();
    for n in 0..FILES {
        dir.write(&format!("in/{n:05}.txt"), wire_story(n));
    }
    let mut child = dir
        .command(&["-q", "ingest", "in", "--batch", &BATCH.to_string()])
        .spawn()
        .unwrap();
    // Kill it as soon as the first batches are in (or give up waiting once it is done).
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(30) {
        let db = dir.data().join("parallax.sqlite");
        if db.exists()
            && let Ok(store) = store::Store::open_existing(&dir.data())
            && store.article_count().unwrap_or(0) > 0
        {
            break;
        }
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    let _ = child.kill();
    child.wait().unwrap();

    let before = stored(&dir);
    assert!(
        before.is_multiple_of(BATCH) || before == FILES as u64,
        "a partial batch was stored: {before}"
    );
    let run = dir.ok(&["ingest", "in"]);
    let expected = format!(
        "{} new, {before} already stored, 0 failed",
        FILES as u64 - before
    );
    assert!(run.stderr().contains(&expected), "{}", run.stderr());
    assert_eq!(stored(&dir), FILES as u64);
}

/// Bad inputs are named on stderr, one line each, and every good record of the run is stored.
#[test]
fn bad_inputs_are_reported_and_good_records_kept() {
    let dir = Dir::new();
    dir.write(
        "in/recs.jsonl",
        "{\"title\":\"A one\",\"text\":\"Body one.\"}\n\
         {\"title\": broken\n\
         {\"title\":\"C three\",\"text\":\"Body three.\"}\n",
    );
    // Named on the command line: found in a folder it would be skipped quietly, as ripgrep does.
    dir.write(
        "binary.dat",
        b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00binary",
    );
    dir.write("in/empty.txt", "");
    dir.write("in/good.txt", wire_story(1));
    let run = dir.run(&["ingest", "in", "binary.dat", "nowhere"]);
    assert_eq!(run.code(), 1);
    let stderr = run.stderr();
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("parallax: "))
        .collect();
    for name in ["in/recs.jsonl:2", "binary.dat", "in/empty.txt", "nowhere"] {
        assert!(
            errors.iter().any(|l| l.contains(name)),
            "{name} not reported:\n{stderr}"
        );
    }
    let sources: Vec<String> = dir
        .ok(&["articles", "--format", "jsonl"])
        .jsonl()
        .iter()
        .map(|r| r["source"].as_str().unwrap().to_owned())
        .collect();
    for good in ["in/recs.jsonl#1", "in/recs.jsonl#3", "in/good.txt"] {
        assert!(sources.iter().any(|s| s == good), "{good}: {sources:?}");
    }
    assert_eq!(sources.len(), 3);
}

#[test]
fn verbose_logs_go_to_stderr_only() {
    let dir = Dir::new();
    dir.write("a.txt", wire_story(1));
    let run = dir.ok(&["-vv", "ingest", "a.txt"]);
    assert_eq!(run.stdout(), "");
    assert!(run.stderr().contains("stored batch"), "{}", run.stderr());
    let quiet = dir.ok(&["ingest", "a.txt"]);
    assert!(
        !quiet.stderr().contains("stored batch"),
        "{}",
        quiet.stderr()
    );
}

/// A damaged or truncated store file is an error naming it, from every command, never a panic.
#[test]
fn damaged_store_is_an_error_naming_the_file() {
    let dir = Dir::new();
    for n in 0..40 {
        dir.write(&format!("in/{n:02}.txt"), wire_story(n));
    }
    dir.ok(&["-q", "ingest", "in"]);
    let db = dir.data().join("parallax.sqlite");
    let len = std::fs::metadata(&db).unwrap().len();
    for (what, damage) in [("header", 0u64), ("truncated", len / 2)] {
        let mut bytes = std::fs::read(&db).unwrap();
        if what == "header" {
            bytes[..100].fill(0x5a);
        } else {
            bytes.truncate(damage as usize);
        }
        let copy = Dir::new();
        std::fs::create_dir_all(copy.data()).unwrap();
        std::fs::write(copy.data().join("parallax.sqlite"), &bytes).unwrap();
        for args in [&["articles"][..], &["stories"], &["ingest", "."]] {
            let run = copy.run(args);
            assert_eq!(run.code(), 1, "{what} {args:?}: {}", run.stderr());
            assert!(
                run.stderr().contains("parallax.sqlite"),
                "{what}: {}",
                run.stderr()
            );
            assert!(
                !run.stderr().contains("panicked"),
                "{what}: {}",
                run.stderr()
            );
        }
    }
}
