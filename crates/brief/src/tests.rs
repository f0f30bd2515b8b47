//! Tests of the whole brief on small fictional stories.

use chrono::DateTime;
use ingest::{Draft, Source};

use super::*;

fn article(outlet: &str, title: &str, published: &str, body: &str) -> Article {
    Draft {
        outlet: Some(outlet.to_owned()),
        title: Some(title.to_owned()),
        published: Some(DateTime::parse_from_rfc3339(published).expect("test date")),
        body: body.to_owned(),
        ..Default::default()
    }
    .finish(Source::file(format!(
        "{}.txt",
        outlet.to_lowercase().replace(' ', "-")
    )))
    .expect("test article")
}

/// A fictional flood in a fictional town, told by a wire agency, a copy of its story, and two
/// independent outlets.
fn flood() -> Vec<Article> {
    let wire = "BRIGHTWATER — The Lune Valley dam failed on Thursday night, flooding 300 homes in Brightwater. \
        Mayor Ana Ruiz ordered the evacuation of the lower town shortly after midnight.\n\n\
        \"We will rebuild every street,\" said Ana Ruiz. \
        Engineers had warned in March that the spillway was cracked. \
        The regional government said repairs would cost 40 million euros.";
    let copy = "BRIGHTWATER — The Lune Valley dam failed on Thursday night, flooding 300 homes in Brightwater. \
        Mayor Ana Ruiz ordered the evacuation of the lower town shortly after midnight.\n\n\
        \"We will rebuild every street,\" said Ana Ruiz. \
        Engineers had warned in March that the spillway was cracked.";
    let herald = "Three hundred homes were flooded in Brightwater after the Lune Valley dam collapsed on Thursday. \
        The dam failed late on Thursday night and flooded 300 homes, officials said. \
        Residents of the lower town were evacuated after midnight on the orders of Mayor Ana Ruiz.\n\n\
        Local farmer Jonas Berg said his barn was swept away in minutes.\n\n\
        \"We will rebuild every street,\" Ruiz said on Friday.";
    let courier = "The regional government estimates repairs to the Lune Valley dam at 40 million euros. \
        An inquiry into the dam failure will open next month, the interior ministry said. \
        Volunteers from nearby villages brought food and blankets to the school gym.";
    vec![
        article(
            "Wire Agency",
            "Dam fails, floods Brightwater",
            "2025-07-11T06:00:00+00:00",
            wire,
        ),
        article(
            "Valley Post",
            "Brightwater flooded as dam fails",
            "2025-07-11T09:00:00+00:00",
            copy,
        ),
        article(
            "Herald",
            "Three hundred homes flooded",
            "2025-07-12T08:00:00+00:00",
            herald,
        ),
        article(
            "Courier",
            "Inquiry into Brightwater dam",
            "2025-07-12T10:00:00+00:00",
            courier,
        ),
    ]
}

fn flood_brief() -> StoryBrief {
    let articles = flood();
    let input = StoryInput {
        id: Some("flood".into()),
        ..StoryInput::new(&articles)
    };
    brief_story(&input, &Config::default())
}

/// Every `text` of the brief is the article text at its span: the citation round trip.
pub(crate) fn assert_verbatim(story: &StoryBrief, articles: &[Article]) {
    let check = |e: &Excerpt| {
        let a = articles
            .iter()
            .find(|a| a.id == e.article)
            .unwrap_or_else(|| panic!("unknown article {}", e.article));
        assert_eq!(a.text.get(e.start..e.end), Some(e.text.as_str()), "{e:?}");
    };
    for s in &story.summary {
        assert_eq!(s.text, s.citations[0].text);
        assert_eq!(s.sources.len(), s.citations.len());
        s.citations.iter().for_each(check);
    }
    for f in &story.facts {
        assert_eq!(f.text, f.citations[0].text);
        f.citations.iter().for_each(check);
    }
    story.exclusive.iter().for_each(check);
    for t in &story.timeline {
        assert_eq!(t.text, t.citations[0].text);
        t.citations.iter().for_each(check);
    }
    for q in &story.quotes {
        q.appearances.iter().for_each(check);
    }
}

#[test]
fn every_text_is_verbatim_at_its_span() {
    let articles = flood();
    assert_verbatim(&flood_brief(), &articles);
}

#[test]
fn reworded_sentences_form_one_fact() {
    let story = flood_brief();
    let fact = story
        .facts
        .iter()
        .find(|f| f.text.contains("flooding 300 homes"))
        .expect("the dam fact");
    let herald = flood()[2].id.clone();
    assert!(fact.sources.contains(&herald), "{fact:?}");
    assert!(fact.corroborated);
}

#[test]
fn syndicated_copies_do_not_corroborate() {
    let story = flood_brief();
    let warning = story
        .facts
        .iter()
        .find(|f| f.text.contains("spillway"))
        .expect("the spillway fact, carried by the wire story and its copy");
    assert_eq!(warning.sources.len(), 2);
    assert_eq!(warning.independent, 1);
    assert!(!warning.corroborated);
    let articles = flood();
    assert_eq!(
        story.duplicates,
        [Duplicate {
            article: articles[1].id.clone(),
            original: articles[0].id.clone()
        }]
    );
}

#[test]
fn summary_respects_the_word_budget() {
    let articles = flood();
    for words in [0, 10, 30, 60, 1000] {
        let config = Config {
            words,
            ..Config::default()
        };
        let story = brief_story(&StoryInput::new(&articles), &config);
        let used: usize = story
            .summary
            .iter()
            .map(|s| s.text.split_whitespace().count())
            .sum();
        assert!(used <= words, "{used} > {words}");
        assert_verbatim(&story, &articles);
    }
}

#[test]
fn summary_has_no_repeated_fact() {
    let story = flood_brief();
    let texts: Vec<&str> = story.summary.iter().map(|s| s.text.as_str()).collect();
    let dam = texts.iter().filter(|t| t.contains("300 homes")).count();
    assert_eq!(dam, 1, "{texts:#?}");
}

#[test]
fn exclusives_belong_to_one_article() {
    let story = flood_brief();
    assert!(
        story
            .exclusive
            .iter()
            .any(|e| e.text.contains("Jonas Berg"))
    );
    assert!(!story.exclusive.iter().any(|e| e.text.contains("spillway")));
}

#[test]
fn timeline_resolves_relative_dates() {
    let story = flood_brief();
    let thursday = story
        .timeline
        .iter()
        .find(|t| t.expression == "on Thursday")
        .expect("the dam failure");
    assert_eq!(thursday.date, "2025-07-10");
    assert!(story.timeline.iter().any(|t| t.date == "2025-03"));
    let dates: Vec<&str> = story.timeline.iter().map(|t| t.date.as_str()).collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "{dates:?}");
}

#[test]
fn quotes_are_grouped_across_outlets() {
    let story = flood_brief();
    let q = story
        .quotes
        .iter()
        .find(|q| q.text.contains("rebuild every street"))
        .expect("the mayor's quote");
    assert_eq!(q.speaker.as_deref(), Some("Ana Ruiz"));
    assert_eq!(q.appearances.len(), 3);
}

#[test]
fn given_quotes_and_people_are_used_and_bad_spans_warned() {
    let articles = flood();
    let a = &articles[2];
    let start = a.text.find("his barn").expect("fixture");
    let input = StoryInput {
        quotes: vec![QuoteInput {
            speaker: Some("Jonas Berg".into()),
            role: None,
            appearances: vec![
                Mention {
                    article: a.id.clone(),
                    start,
                    end: start + 8,
                },
                Mention {
                    article: "nope".into(),
                    start: 0,
                    end: 3,
                },
            ],
        }],
        people: vec![PersonInput {
            name: "Jonas Berg".into(),
            mentions: vec![Mention {
                article: a.id.clone(),
                start: 0,
                end: usize::MAX,
            }],
        }],
        ..StoryInput::new(&articles)
    };
    let story = brief_story(&input, &Config::default());
    assert_eq!(story.quotes.len(), 1);
    assert_eq!(story.quotes[0].text, "his barn");
    assert!(story.people.is_empty());
    assert_eq!(story.warnings.len(), 2, "{:?}", story.warnings);
}

#[test]
fn odd_input_does_not_panic() {
    assert!(
        brief_story(&StoryInput::new(&[]), &Config::default())
            .summary
            .is_empty()
    );
    let odd = [
        article(
            "X",
            "t",
            "2025-01-01T00:00:00+00:00",
            "»«“ \"\" 1,,2.. Ünïcödé ÄÖ! ¿? ... — “",
        ),
        article(
            "Y",
            "u",
            "2025-01-01T00:00:00+00:00",
            "On Monday. In May. Last year. Yesterday in 1899.",
        ),
    ];
    let story = brief_story(&StoryInput::new(&odd), &Config::default());
    assert_verbatim(&story, &odd);
    let _ = render::html(&Brief::new(vec![story.clone()]));
    let _ = render::markdown(&Brief::new(vec![story]));
}

#[test]
fn html_escapes_article_content() {
    let evil = [article(
        "Evil <b>",
        "<script>alert(1)</script>",
        "2025-01-01T00:00:00+00:00",
        "The <script>alert('x')</script> council met on Monday to discuss the budget plans.",
    )];
    let page = render::html(&brief(&[StoryInput::new(&evil)], &Config::default()));
    assert!(!page.contains("<script>"), "{page}");
    assert!(!page.contains("Evil <b>"));
    assert!(page.contains("&lt;script&gt;"));
    assert!(!page.contains("http"), "no external assets");
}

#[test]
fn same_input_same_brief() {
    assert_eq!(flood_brief(), flood_brief());
}

#[test]
fn json_snapshot() {
    // Datelines are the ingest stage's reading of the text, not the brief's.
    insta::assert_json_snapshot!(Brief::new(vec![flood_brief()]), {
        ".stories[].articles[].dateline" => "[dateline]",
    });
}

#[test]
fn markdown_snapshot() {
    insta::assert_snapshot!(render::markdown(&Brief::new(vec![flood_brief()])));
}

#[test]
fn json_matches_the_schema_file() {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../../docs/brief.schema.json")).expect("schema");
    let value = serde_json::to_value(Brief::new(vec![flood_brief()])).expect("json");
    validate(&schema, &schema, &value, "$");
}

/// A small JSON Schema checker covering what our schema uses: `type`, `properties`,
/// `required`, `additionalProperties: false`, `items`, `$ref` to `#/$defs/..`, `const`, `enum`.
fn validate(root: &serde_json::Value, schema: &serde_json::Value, v: &serde_json::Value, at: &str) {
    use serde_json::Value;
    if let Some(Value::String(r)) = schema.get("$ref") {
        let name = r.trim_start_matches("#/$defs/");
        return validate(root, &root["$defs"][name], v, at);
    }
    if let Some(c) = schema.get("const") {
        assert_eq!(c, v, "{at}");
    }
    if let Some(Value::Array(allowed)) = schema.get("enum") {
        assert!(allowed.contains(v), "{at}: {v} is not one of {allowed:?}");
    }
    if let Some(t) = schema.get("type") {
        let types: Vec<&str> = match t {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let ok = types.iter().any(|t| match *t {
            "object" => v.is_object(),
            "array" => v.is_array(),
            "string" => v.is_string(),
            "integer" => v.is_u64() || v.is_i64(),
            "number" => v.is_number(),
            "boolean" => v.is_boolean(),
            "null" => v.is_null(),
            _ => false,
        });
        assert!(ok, "{at}: {v} is not {types:?}");
    }
    if let Value::Object(obj) = v {
        let props = schema.get("properties").and_then(Value::as_object);
        for req in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let key = req.as_str().unwrap_or_default();
            assert!(obj.contains_key(key), "{at}: missing {key}");
        }
        for (k, val) in obj {
            match props.and_then(|p| p.get(k)) {
                Some(s) => validate(root, s, val, &format!("{at}.{k}")),
                None => assert!(
                    schema.get("additionalProperties") != Some(&Value::Bool(false)),
                    "{at}: unexpected {k}"
                ),
            }
        }
    }
    if let (Value::Array(items), Some(s)) = (v, schema.get("items")) {
        for (i, item) in items.iter().enumerate() {
            validate(root, s, item, &format!("{at}[{i}]"));
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Whatever the text, the brief does not panic and every cited text is at its span.
    #[test]
    fn any_text_gives_a_verbatim_brief(
        bodies in proptest::collection::vec(
            "([A-Z][a-z]{0,8}|[a-z]{1,8}|[0-9]{1,4}|[.,!?\"“”«»—-]|Monday|in July|yesterday|é|\n\n| ){1,80}",
            1..4,
        )
    ) {
        let articles: Vec<Article> = bodies
            .iter()
            .enumerate()
            .filter_map(|(i, b)| {
                Draft {
                    outlet: Some(format!("Outlet {}", i % 2)),
                    published: DateTime::parse_from_rfc3339("2025-07-12T08:00:00+00:00").ok(),
                    body: b.clone(),
                    ..Default::default()
                }
                .finish(Source::file(format!("{i}.txt")))
                .ok()
            })
            .collect();
        let config = Config { words: 40, ..Config::default() };
        let story = brief_story(&StoryInput::new(&articles), &config);
        assert_verbatim(&story, &articles);
        let words: usize = story.summary.iter().map(|s| s.text.split_whitespace().count()).sum();
        proptest::prop_assert!(words <= 40);
    }
}

#[test]
fn the_same_claim_with_other_figures_is_disputed() {
    let articles = vec![
        article(
            "Herald",
            "Evacuation",
            "2025-07-12T08:00:00+00:00",
            "About 4,000 residents were evacuated from Brightwater on Friday after the dam failed. \
             Local farmer Jonas Berg said his barn was swept away in minutes.",
        ),
        article(
            "Courier",
            "Evacuation",
            "2025-07-12T09:00:00+00:00",
            "5,000 residents were evacuated from Brightwater on Friday after the dam failed. \
             Volunteers brought food and blankets to the school gym.",
        ),
    ];
    let story = brief_story(&StoryInput::new(&articles), &Config::default());
    let fact = story
        .facts
        .iter()
        .find(|f| f.text.contains("evacuated"))
        .expect("the evacuation fact");
    assert_eq!(fact.degree, Degree::Disputed, "{fact:?}");
    assert_eq!(fact.sources.len(), 2);
    assert!(
        story
            .facts
            .iter()
            .all(|f| f.text.contains("evacuated") || f.sources.len() < 2)
    );
    assert_verbatim(&story, &articles);
    let md = render::markdown(&Brief::new(vec![story]));
    assert!(md.contains("(disputed by 2 outlets: other figures"), "{md}");
}

#[test]
fn a_fact_in_other_words_is_not_an_exclusive() {
    let articles = vec![
        article(
            "Herald",
            "Mayor steps aside",
            "2025-07-12T08:00:00+00:00",
            "Mayor Ana Ruiz announced she would step aside from any inquiry into the Lune Valley dam failure. \
             Local farmer Jonas Berg said his barn was swept away in minutes.",
        ),
        article(
            "Courier",
            "Ruiz recuses herself",
            "2025-07-12T09:00:00+00:00",
            "Ana Ruiz stepped aside from any investigation related to the failure of the Lune Valley dam. \
             Volunteers brought food and blankets to the school gym.",
        ),
    ];
    let story = brief_story(&StoryInput::new(&articles), &Config::default());
    let fact = story
        .facts
        .iter()
        .find(|f| f.text.contains("step"))
        .expect("the mayor's fact, carried by both");
    assert_eq!(fact.sources.len(), 2, "{fact:?}");
    assert!(story.exclusive.iter().all(|e| !e.text.contains("step")));
    assert!(story.exclusive.iter().any(|e| e.text.contains("barn")));
}
