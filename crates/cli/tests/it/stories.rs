//! Stories in the store: `parallax ingest` puts articles into stories incrementally,
//! `parallax stories` lists them, `parallax brief --story ID` briefs one.

use std::path::PathBuf;

use serde_json::Value;

use crate::Dir;

fn examples() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    path.canonicalize().unwrap().to_str().unwrap().to_owned()
}

/// A later report on the Kessel dam failure by an outlet the demo corpus does not have.
const DAM_FOLLOW_UP: &str = "Inquiry into Upper Aske dam failure to start next week\n\n\
    By Jonas Rask\n\n\
    KESSEL, Jan 13 (Harbour Wire) - An independent inquiry into the failure of the Upper Aske dam \
    above Kessel will begin next week, Interior Minister Tomas Brekke said on Tuesday, as rescue \
    teams searched the flooded lower town for the missing.\n\n\
    Engineers had warned in November that the 1960s earth dam needed urgent repairs, the minister \
    said. The dam's operator, Aske Hydro, said it was cooperating fully with the authorities.\n\n\
    Kessel mayor Anja Lindqvist said about 4,000 people were still unable to return to their \
    homes after the dam gave way on Monday.\n";

fn stories(dir: &Dir) -> Vec<Value> {
    match dir.ok(&["stories", "--format", "json"]).json() {
        Value::Array(list) => list,
        other => panic!("not an array: {other}"),
    }
}

fn total_articles(list: &[Value]) -> u64 {
    list.iter().map(|s| s["articles"].as_u64().unwrap()).sum()
}

#[test]
fn ingest_makes_stories_newest_first() {
    let dir = Dir::new();
    let run = dir.ok(&["ingest", &examples()]);
    assert!(
        run.stderr().contains("stories: 18 articles clustered"),
        "{}",
        run.stderr()
    );
    let list = stories(&dir);
    assert!(list.len() >= 4, "the demo has four events: {list:#?}");
    assert_eq!(total_articles(&list), 18);
    let last_seen: Vec<&str> = list
        .iter()
        .map(|s| s["last_seen"].as_str().unwrap())
        .collect();
    let mut sorted = last_seen.clone();
    // Times carry their own offsets: compare instants.
    sorted.sort_by_key(|t| std::cmp::Reverse(chrono::DateTime::parse_from_rfc3339(t).unwrap()));
    assert_eq!(last_seen, sorted, "newest first");
    let dam = list
        .iter()
        .find(|s| {
            s["articles"].as_u64() >= Some(3)
                && s["outlets"].to_string().contains("NWS")
                && s["headline"].to_string().to_lowercase().contains("dam")
        })
        .expect("a dam story with several articles");
    assert!(!dam["entities"].as_array().unwrap().is_empty(), "{dam}");

    let text = dir.ok(&["stories"]).stdout();
    assert!(
        text.contains(&format!(
            "  id         {}\n",
            list[0]["id"].as_str().unwrap()
        )),
        "{text}"
    );
}

#[test]
fn re_ingest_changes_no_story() {
    let dir = Dir::new();
    dir.ok(&["ingest", &examples()]);
    let before = stories(&dir);
    let again = dir.ok(&["ingest", &examples()]);
    assert!(
        again.stderr().contains("stories: 0 articles clustered"),
        "{}",
        again.stderr()
    );
    assert_eq!(stories(&dir), before);
}

#[test]
fn one_more_article_joins_its_story() {
    let dir = Dir::new();
    // The January stories only: the clusterer takes articles in publication order, so a
    // January article arriving after April ones would find the dam story closed (out of its
    // time window) and start a new one.
    let dam = format!("{}/wire/nws-kessel-dam-2026-01-12.txt", examples());
    let web = format!("{}/web/nordhaven-ledger-kessel-dam.html", examples());
    dir.ok(&["ingest", &dam, &web]);

    let before = stories(&dir);
    // Dated, as feeds and records are: an undated article would be placed after the newest
    // stored one (April), long after the dam story left the active window.
    let record = serde_json::json!({
        "title": DAM_FOLLOW_UP.lines().next().unwrap(),
        "text": DAM_FOLLOW_UP.split_once("\n\n").unwrap().1,
        "published": "2026-01-13T10:00:00+01:00",
        "outlet": "Harbour Wire",
    });
    dir.write("follow-up.jsonl", format!("{record}\n"));
    let run = dir.ok(&["ingest", "follow-up.jsonl"]);
    assert!(
        run.stderr().contains("stories: 1 article clustered"),
        "{}",
        run.stderr()
    );
    let after = stories(&dir);
    assert_eq!(after.len(), before.len(), "no new story: {after:#?}");
    assert_eq!(total_articles(&after), total_articles(&before) + 1);
    let grown: Vec<&Value> = after
        .iter()
        .filter(|s| {
            let old = before
                .iter()
                .find(|b| b["id"] == s["id"])
                .expect("same ids");
            old["articles"] != s["articles"]
        })
        .collect();
    assert_eq!(grown.len(), 1, "{after:#?}");
    let outlets = grown[0]["outlets"].to_string();
    assert!(
        outlets.contains("Harbour Wire") && outlets.contains("NWS"),
        "{outlets}"
    );
}

#[test]
fn articles_stored_in_several_runs_all_get_stories() {
    let all = Dir::new();
    all.ok(&["ingest", &examples()]);
    let split = Dir::new();
    split.ok(&["ingest", &format!("{}/wire", examples())]);
    split.ok(&["ingest", &examples()]);
    // Both stores hold every demo article in a story, in as many stories. (Late arrivals may
    // still be grouped differently: the second run's web pages come after the wire stories.)
    assert_eq!(total_articles(&stories(&split)), 18);
    assert_eq!(stories(&split).len(), stories(&all).len());
}

#[test]
fn brief_of_a_stored_story() {
    let dir = Dir::new();
    dir.ok(&["ingest", &examples()]);
    let list = stories(&dir);
    let biggest = list.iter().max_by_key(|s| s["articles"].as_u64()).unwrap();
    let id = biggest["id"].as_str().unwrap();
    let brief = dir
        .ok(&["brief", "--story", &id[..8], "--format", "json"])
        .json();
    let text = brief.to_string();
    assert!(text.contains(id), "the brief names its story: {text}");
    let markdown = dir.ok(&["brief", "--story", id]).stdout();
    assert!(!markdown.is_empty());

    let run = dir.run(&["brief", "--story", "ffffffff"]);
    assert_eq!(run.code(), 1);
    assert!(
        run.stderr().contains("no story with id"),
        "{}",
        run.stderr()
    );
    let run = dir.run(&["brief", "--story", id, "some/path"]);
    assert_eq!(run.code(), 2, "--story and paths conflict");
}

/// A story none of whose articles has a title is named from its lead sentences, never
/// "(untitled)".
#[test]
fn an_untitled_story_is_named_from_its_leads() {
    let dir = Dir::new();
    let records = [
        r#"{"outlet":"Wire A","published":"2026-03-01T10:00:00Z","text":"KESSEL, March 1 (Wire A) - Floodwaters rose across the lower town of Kessel on Sunday, forcing hundreds of families from their homes, officials said.\n\nThe river peaked at noon."}"#,
        r#"{"outlet":"Wire B","published":"2026-03-01T11:00:00Z","text":"Floodwaters rose across Kessel on Sunday and hundreds of families left their homes, the mayor said.\n\nMore rain is expected."}"#,
    ];
    let file = dir.write("untitled.jsonl", records.join("\n"));
    dir.ok(&["ingest", file.to_str().unwrap()]);
    let list = stories(&dir);
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(
        list[0]["headline"],
        "Floodwaters rose across Kessel on Sunday and hundreds of families left their homes"
    );
}

/// `parallax story ID`: the story's summary, then its articles with the syndicated copy marked;
/// `parallax show` of the same id prints its first article and says the id is a story's too.
#[test]
fn story_lists_its_articles() {
    let dir = Dir::new();
    dir.ok(&["ingest", &examples()]);
    let list = stories(&dir);
    let biggest = list.iter().max_by_key(|s| s["articles"].as_u64()).unwrap();
    let id = biggest["id"].as_str().unwrap();
    let record = dir.ok(&["story", &id[..8], "--format", "json"]).json();
    assert_eq!(record["id"], id);
    let members = record["members"].as_array().unwrap();
    assert_eq!(members.len() as u64, biggest["articles"].as_u64().unwrap());
    assert_eq!(
        members[0]["id"], id,
        "the story's id is its first article's"
    );
    let copies: Vec<&Value> = members.iter().filter(|m| !m["copy_of"].is_null()).collect();
    assert_eq!(copies.len(), 1, "{members:?}");
    assert_eq!(copies[0]["kind"], "syndicated");
    let original = copies[0]["copy_of"].as_str().unwrap();
    assert!(members.iter().any(|m| m["id"] == original));

    let text = dir.ok(&["story", id]).stdout();
    let rows: Vec<&str> = text
        .lines()
        .filter(|l| l.len() > 16 && l[..16].bytes().all(|b| b.is_ascii_hexdigit()))
        .collect();
    assert_eq!(rows.len(), members.len(), "{text}");
    assert!(
        text.contains(&format!("syndicated copy of {original}")),
        "{text}"
    );
    assert!(
        text.lines().all(|l| l == l.trim_end()),
        "no trailing spaces: {text:?}"
    );

    let shown = dir.ok(&["show", id]);
    assert!(
        shown.stdout().contains("Entities"),
        "show still prints the article"
    );
    assert!(
        shown.stderr().contains(&format!("`parallax story {id}`")),
        "{}",
        shown.stderr()
    );
    let run = dir.run(&["story", "ffffffff"]);
    assert_eq!(run.code(), 1);
    assert!(
        run.stderr().contains("no story with id"),
        "{}",
        run.stderr()
    );
}

/// `parallax cluster`: one line per article, in input order; the batch pass (the default) and
/// the online one both keep the demo's flood stories apart and the syndicated copy with its
/// original; a bad record is reported and costs nothing else.
#[test]
fn cluster_prints_one_line_per_article_with_its_story() {
    let dir = Dir::new();
    let bad = dir.write("bad.jsonl", "{\"id\": \"x\", \"title\": \"T\"\n");
    let by_title = |lines: &[Value]| -> std::collections::HashMap<String, String> {
        lines
            .iter()
            .map(|l| {
                (
                    l["title"].as_str().unwrap().to_owned(),
                    l["story"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    for online in [false, true] {
        let mut args = vec!["cluster", "--format", "jsonl"];
        if online {
            args.push("--online");
        }
        let examples = examples();
        let bad = bad.to_str().unwrap();
        args.extend([examples.as_str(), bad]);
        let run = dir.run(&args);
        assert_eq!(run.code(), 1, "one input failed: {}", run.stderr());
        assert!(run.stderr().contains("bad.jsonl:1"), "{}", run.stderr());
        let lines = run.jsonl();
        assert_eq!(lines.len(), 18);
        for l in &lines {
            for key in ["source", "id", "story", "duplicate_of"] {
                assert!(l.get(key).is_some(), "{key} missing in {l}");
            }
        }
        let story = by_title(&lines);
        let dam = &story["Dam bursts above Kessel, forcing thousands from their homes"];
        assert_eq!(&story["Thousands flee as Kessel dam gives way"], dam);
        assert_eq!(
            &story["Kessel dam: warnings were ignored for months, engineers say"],
            dam
        );
        let flood = &story["River Orla bursts its banks in Marrow Valley after record rain"];
        assert_eq!(
            &story["Hundreds evacuated as Orla floods Marrow Valley farms"],
            flood
        );
        assert_ne!(dam, flood, "two floods, two stories");
        // The Valdoria Today page and the NWS wire text are one copy pair.
        let copies: Vec<&Value> = lines
            .iter()
            .filter(|l| !l["duplicate_of"].is_null())
            .collect();
        assert_eq!(copies.len(), 1, "{copies:#?}");
        assert_eq!(copies[0]["duplicate_kind"], "syndicated");
        let original = lines
            .iter()
            .find(|l| l["id"] == copies[0]["duplicate_of"])
            .unwrap();
        let mut pair = [
            copies[0]["title"].as_str().unwrap(),
            original["title"].as_str().unwrap(),
        ];
        pair.sort();
        assert_eq!(
            pair,
            [
                "Dam bursts above Kessel, forcing thousands from their homes",
                "Thousands flee as Kessel dam gives way"
            ]
        );
        if !online {
            // The batch pass also finds the later death-toll report.
            assert_eq!(
                &story["Kessel death toll rises to seven as water recedes"],
                dam
            );
        }
    }
}

/// `parallax brief PATH...` (README's demo command) groups the files as `parallax cluster` does:
/// the dam story has its later death-toll report, the river flood is a story of its own.
#[test]
fn brief_of_files_groups_them_as_cluster_does() {
    let dir = Dir::new();
    let briefs = dir.ok(&["brief", &examples(), "--format", "json"]).json();
    let stories = briefs["stories"].as_array().unwrap();
    let titles = |s: &Value| -> Vec<String> {
        s["articles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["title"].as_str().unwrap().to_owned())
            .collect()
    };
    let clustered = dir
        .ok(&["cluster", &examples(), "--format", "jsonl"])
        .jsonl();
    let mut sizes: Vec<usize> = stories.iter().map(|s| titles(s).len()).collect();
    let mut expected: Vec<usize> = {
        let mut count: std::collections::HashMap<&str, usize> = Default::default();
        for l in &clustered {
            *count.entry(l["story"].as_str().unwrap()).or_default() += 1;
        }
        count.into_values().collect()
    };
    sizes.sort_unstable();
    expected.sort_unstable();
    assert_eq!(sizes, expected);
    let dam = stories
        .iter()
        .find(|s| {
            titles(s)
                .iter()
                .any(|t| t.contains("Dam bursts above Kessel"))
        })
        .unwrap();
    let dam = titles(dam);
    assert!(
        dam.iter().any(|t| t.contains("death toll rises")),
        "{dam:?}"
    );
    assert!(!dam.iter().any(|t| t.contains("Orla")), "{dam:?}");
}
