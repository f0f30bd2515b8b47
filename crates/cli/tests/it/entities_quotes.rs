//! `parallax entities`, `parallax quotes` and the entities and quotes in `parallax show`: formats,
//! spans that slice the article text, speakers resolved with the recogniser's people.

use serde_json::Value;

use crate::{Dir, Run};

/// A fictional story with a titled speaker, a speaker named after the quote, a pronoun and a
/// spokesman with no name.
const DAM: &str = "Dam bursts above Kessel\n\n\
    KESSEL, Jan 12 (NWS) - The Upper Aske dam gave way early on Monday, flooding the lower town \
    of Kessel.\n\n\
    \"We will find out who is responsible,\" Interior Minister Tomas Brekke said on Monday.\n\n\
    \"The water came in minutes,\" said Ilse Marrow, a baker on Quay Street. She said the bakery \
    was lost.\n\n\
    A spokesman for Aske Water said the dam had been inspected in March.\n";

/// The article text as `extract` gives it, to check spans against.
fn article_text(dir: &Dir, path: &str) -> String {
    let records = dir.ok(&["extract", path, "--format", "jsonl"]).jsonl();
    records[0]["text"].as_str().unwrap().to_owned()
}

/// `text[start..end]` is the record's `text` (for every piece given by pointer).
fn check_piece(text: &str, piece: &Value) {
    let (start, end) = (
        piece["start"].as_u64().unwrap() as usize,
        piece["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(
        &text[start..end],
        piece["text"].as_str().unwrap(),
        "{piece}"
    );
}

#[test]
fn quotes_jsonl_gives_speakers_cues_and_spans_into_the_text() {
    let dir = Dir::new();
    dir.write("dam.txt", DAM);
    let text = article_text(&dir, "dam.txt");
    let records = dir.ok(&["quotes", "dam.txt", "--format", "jsonl"]).jsonl();
    for r in &records {
        check_piece(&text, r);
        if !r["cue"].is_null() {
            check_piece(&text, &r["cue"]);
        }
        if !r["speaker"].is_null() {
            check_piece(&text, &r["speaker"]["mention"]);
        }
    }
    let speakers: Vec<&str> = records
        .iter()
        .map(|r| r["speaker"]["name"].as_str().unwrap_or("unknown"))
        .collect();
    assert!(speakers.contains(&"Tomas Brekke"), "{speakers:?}");
    assert!(speakers.contains(&"Ilse Marrow"), "{speakers:?}");
    insta::assert_json_snapshot!(records, { "[].article" => "[id]" });
}

#[test]
fn entities_jsonl_groups_mentions_with_roles() {
    let dir = Dir::new();
    dir.write("dam.txt", DAM);
    let text = article_text(&dir, "dam.txt");
    let records = dir
        .ok(&["entities", "dam.txt", "--format", "jsonl"])
        .jsonl();
    for r in &records {
        for piece in r["mentions"]
            .as_array()
            .unwrap()
            .iter()
            .chain(r["roles"].as_array().unwrap())
        {
            check_piece(&text, piece);
        }
    }
    let brekke = records
        .iter()
        .find(|r| r["name"] == "Tomas Brekke")
        .expect("Tomas Brekke is an entity");
    assert_eq!(brekke["kind"], "person");
    insta::assert_json_snapshot!(records, { "[].article" => "[id]" });
}

#[test]
fn json_is_one_array_with_the_jsonl_records() {
    let dir = Dir::new();
    dir.write("dam.txt", DAM);
    for command in ["entities", "quotes"] {
        let lines = dir.ok(&[command, "dam.txt", "--format", "jsonl"]).jsonl();
        let array = dir.ok(&[command, "dam.txt", "--format", "json"]).json();
        assert_eq!(array, Value::Array(lines), "{command}");
    }
}

#[test]
fn text_output_names_kind_speaker_cue_and_quote() {
    let dir = Dir::new();
    dir.write("dam.txt", DAM);
    let out = dir.ok(&["quotes", "dam.txt"]).stdout();
    assert!(out.starts_with("== dam.txt · "), "{out}");
    assert!(
        out.contains(
            "Tomas Brekke, interior minister (direct, said): “We will find out who is responsible,”"
        ),
        "{out}"
    );
    let out = dir.ok(&["entities", "dam.txt"]).stdout();
    assert!(
        out.contains("  person        Tomas Brekke  [Interior Minister]  (1 mention)"),
        "{out}"
    );
}

#[test]
fn unreadable_input_is_reported_and_the_rest_printed() {
    let dir = Dir::new();
    dir.write("dam.txt", DAM);
    for command in ["entities", "quotes"] {
        let run = dir.run(&[command, "missing.txt", "dam.txt", "--format", "jsonl"]);
        assert_eq!(run.code(), 1, "{command}");
        assert!(
            run.stderr().starts_with("parallax: missing.txt"),
            "{}",
            run.stderr()
        );
        assert!(!run.jsonl().is_empty(), "{command}");
    }
}

#[test]
fn show_lists_entities_and_quotes_after_the_text() {
    let dir = Dir::new();
    dir.write("dam.txt", DAM);
    dir.ok(&["ingest", "dam.txt"]);
    let id = dir.ok(&["articles", "--format", "jsonl"]).jsonl()[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let out = dir.ok(&["show", &id]).stdout();
    let (text, after) = out.split_once("\nEntities\n").expect("an Entities section");
    assert!(text.contains("Upper Aske dam gave way"), "{out}");
    let (entities, quotes) = after.split_once("\nQuotes\n").expect("a Quotes section");
    assert!(entities.contains("Tomas Brekke"), "{out}");
    assert!(quotes.contains("Ilse Marrow (direct, said)"), "{out}");

    let shown = dir.ok(&["show", &id, "--format", "json"]).json();
    let text = shown["text"].as_str().unwrap();
    assert!(!shown["entities"].as_array().unwrap().is_empty());
    for q in shown["quotes"].as_array().unwrap() {
        assert_eq!(q["article"], id.as_str());
        check_piece(text, q);
    }
}

#[test]
fn demo_corpus_quote_spans_slice_their_articles() {
    let dir = Dir::new();
    let examples = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let examples = examples.to_str().unwrap();
    let texts: std::collections::HashMap<String, String> = dir
        .ok(&["extract", examples, "--format", "jsonl"])
        .jsonl()
        .into_iter()
        .map(|a| {
            (
                a["id"].as_str().unwrap().to_owned(),
                a["text"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let quotes = dir.ok(&["quotes", examples, "--format", "jsonl"]).jsonl();
    assert!(quotes.len() >= 10, "{} quotes", quotes.len());
    for q in &quotes {
        check_piece(&texts[q["article"].as_str().unwrap()], q);
    }
    let entities = dir.ok(&["entities", examples, "--format", "jsonl"]).jsonl();
    for e in &entities {
        for m in e["mentions"].as_array().unwrap() {
            check_piece(&texts[e["article"].as_str().unwrap()], m);
        }
    }
}

/// One article whose analysis panics (injected: the debug build honours `PARALLAX_TEST_PANIC`)
/// is reported by source and stage and counted in the exit code; the other articles are printed.
#[test]
fn a_panic_in_one_article_is_reported_and_the_others_go_on() {
    let dir = Dir::new();
    dir.write(
        "in/a.jsonl",
        format!(
            "{}\n{}\n",
            serde_json::json!({"title": "Dam", "text": DAM}),
            serde_json::json!({"title": "Bad", "text": "Poison pill here. \"Hello,\" said Ana Vik."})
        ),
    );
    for (command, stage) in [
        ("quotes", "quotes"),
        ("entities", "entities"),
        ("brief", "quotes"),
    ] {
        let run = Run(dir
            .command(&[command, "in"])
            .env("PARALLAX_TEST_PANIC", format!("{stage}:Poison pill"))
            .output()
            .unwrap());
        assert_eq!(run.code(), 1, "{command}: {}", run.stderr());
        let err = run.stderr();
        assert!(
            err.contains(&format!(
                "parallax: in/a.jsonl#2: internal error in {stage}: injected by PARALLAX_TEST_PANIC at "
            )),
            "{command}: {err}"
        );
        assert!(!err.contains("panicked at"), "{command}: {err}");
        assert!(
            run.stdout().contains("Brekke"),
            "{command}: {}",
            run.stdout()
        );
    }
}
