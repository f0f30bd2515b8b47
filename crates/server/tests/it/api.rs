//! The API and pages in-process: status codes, the error shape, token rules, limits, escaping of
//! hostile article content, and ingest followed by the story showing up.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};

use crate::support::{app_with, demo_articles, get, record, send};

const TOKEN: &str = "s3cret-token";

/// A fictional article written to attack the pages: markup and script in every field.
const HOSTILE: &str = r#"{"outlet": "<b onmouseover=alert(1)>Evil Times</b>",
 "title": "<script>alert('title')</script> Ostland mint recalls coins",
 "url": "javascript:alert(document.cookie)",
 "published": "2026-05-02T10:00:00+02:00",
 "authors": ["<img src=x onerror=alert(2)>"],
 "text": "OSTBURG - The Ostland mint recalled 40,000 coins on Saturday after a stamping fault, the finance ministry said.\n\n<script>alert('body')</script> \"We <em>regret</em> the error,\" said mint director Karl Odin. See <a href=\"javascript:alert(3)\">here</a>.\n\nThe recalled coins were minted in April in the city of Ostburg."}"#;

fn post(
    uri: &str,
    content_type: &str,
    token: Option<&str>,
    body: impl Into<Body>,
) -> Request<Body> {
    let mut r = Request::post(uri).header(header::CONTENT_TYPE, content_type);
    if let Some(t) = token {
        r = r.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    r.body(body.into()).unwrap()
}

fn new_record(n: u32) -> String {
    serde_json::json!({
        "outlet": "Ostland Broadcasting",
        "title": format!("Ferry number {n} runs aground near Ostburg harbour"),
        "published": "2026-06-01T09:00:00+02:00",
        "text": format!("OSTBURG - The passenger ferry Maren {n} ran aground near Ostburg harbour on Monday morning with 212 people on board, the coast guard said.\n\nNobody was hurt and tugs pulled the ferry free at high tide, harbour master Lene Dahl said. \"The channel was marked correctly,\" Dahl said.")
    })
    .to_string()
}

#[tokio::test]
async fn stories_list_and_pages_on_the_demo_corpus() {
    let app = app_with(&demo_articles(), None);
    let r = get(&app, "/api/stories").await;
    assert_eq!(r.status, StatusCode::OK);
    let v = r.json();
    let stories = v["stories"].as_array().unwrap();
    assert!(stories.len() >= 4, "{v}");
    // The dam failure is the demo corpus's biggest story.
    let dam = stories
        .iter()
        .max_by_key(|s| s["articles"].as_u64())
        .expect("a story");
    assert!(dam["outlets"].as_array().unwrap().len() >= 4, "{dam}");
    assert!(dam["articles"].as_u64().unwrap() >= 5, "{v:#}");
    // Newest first: the transfer story (April) comes before the dam (January).
    let first = stories[0]["last_seen"].as_str().unwrap();
    let last = stories.last().unwrap()["last_seen"].as_str().unwrap_or("");
    assert!(first >= last, "{first} < {last}");

    let id = dam["id"].as_str().unwrap();
    let r = get(&app, &format!("/api/stories/{id}")).await;
    assert_eq!(r.status, StatusCode::OK);
    let v = r.json();
    assert_eq!(v["story"]["id"], id);
    assert!(!v["brief"]["summary"].as_array().unwrap().is_empty());

    let page = get(&app, &format!("/stories/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    for section in [
        "id=\"summary\"",
        "id=\"coverage\"",
        "id=\"quotes\"",
        "class=\"chip\"",
    ] {
        assert!(html.contains(section), "story page lacks {section}");
    }
    let home = get(&app, "/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.text().contains(&format!("/stories/{id}")));
    let outlets = get(&app, "/api/outlets").await;
    assert_eq!(outlets.status, StatusCode::OK);
    assert!(outlets.json()["outlets"].as_array().unwrap().len() >= 5);
    assert_eq!(get(&app, "/outlets").await.status, StatusCode::OK);
    assert_eq!(get(&app, "/outlets/NWS").await.status, StatusCode::OK);
    assert_eq!(get(&app, "/api/outlets/NWS").await.status, StatusCode::OK);
    // One outlet's figures (computed from its own stories only) are its row in the list.
    for row in outlets.json()["outlets"].as_array().unwrap() {
        let name = row["name"].as_str().unwrap();
        let path: String = name
            .bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => (b as char).to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect();
        let detail = get(&app, &format!("/api/outlets/{path}")).await;
        assert_eq!(detail.status, StatusCode::OK, "{name}");
        assert_eq!(&detail.json()["outlet"], row, "{name}");
    }
}

/// The demo corpus's transfer saga (a deal, then the match days after) is one storyline of
/// several stories: listed in the API, named from each of its stories, and shown as a timeline
/// of links on each story's page.
#[tokio::test]
async fn storylines_in_the_api_and_on_story_pages() {
    let app = app_with(&demo_articles(), None);
    let r = get(&app, "/api/storylines").await;
    assert_eq!(r.status, StatusCode::OK);
    let v = r.json();
    let lines = v["storylines"].as_array().unwrap();
    let stories = get(&app, "/api/stories").await.json();
    let stories = stories["stories"].as_array().unwrap();
    // Every story is in exactly one storyline, and says which.
    let listed: usize = lines
        .iter()
        .map(|l| l["stories"].as_array().unwrap().len())
        .sum();
    assert_eq!(listed, stories.len(), "{v:#}");
    assert_eq!(v["total"].as_u64().unwrap() as usize, lines.len());
    for s in stories {
        let line = lines
            .iter()
            .find(|l| l["id"] == s["storyline"])
            .unwrap_or_else(|| panic!("no storyline {} for {s}", s["storyline"]));
        assert!(
            line["stories"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x["id"] == s["id"])
        );
    }
    let saga = lines
        .iter()
        .find(|l| l["stories"].as_array().unwrap().len() > 1)
        .unwrap_or_else(|| panic!("the demo corpus has a saga: {v:#}"));
    let events = saga["stories"].as_array().unwrap();
    let days: Vec<&str> = events
        .iter()
        .filter_map(|e| e["first_seen"].as_str())
        .collect();
    assert!(
        days.windows(2).all(|w| w[0] <= w[1]),
        "oldest first: {days:?}"
    );
    // Any of its stories' ids names the storyline.
    let later = events.last().unwrap()["id"].as_str().unwrap();
    let by_story = get(&app, &format!("/api/storylines/{later}")).await;
    assert_eq!(by_story.status, StatusCode::OK);
    assert_eq!(by_story.json()["id"], saga["id"]);
    let page = get(&app, &format!("/stories/{later}")).await.text();
    assert!(page.contains("id=\"storyline\""), "{page}");
    let first = events[0]["id"].as_str().unwrap();
    assert!(
        page.contains(&format!("href=\"/stories/{first}\"")),
        "the timeline links the first event"
    );
    assert!(page.contains("aria-current=\"page\""));
    assert_eq!(
        get(&app, "/api/storylines/ffffffff").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&app, "/api/storylines?limit=0").await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        get(&app, "/api/storylines?q=x").await.status,
        StatusCode::BAD_REQUEST
    );
    let paged = get(&app, "/api/storylines?limit=1&offset=1").await.json();
    assert_eq!(paged["storylines"].as_array().unwrap().len(), 1);
    assert_eq!(paged["storylines"][0]["id"], lines[1]["id"]);

    // The stories page grouped by storyline: one section per storyline, the saga's events
    // oldest first inside its section.
    let grouped = get(&app, "/?group=storyline").await;
    assert_eq!(grouped.status, StatusCode::OK);
    let html = grouped.text();
    assert_eq!(
        html.matches("class=\"storyline-group\"").count(),
        lines.len(),
        "{html}"
    );
    let at = |id: &str| html.find(&format!("href=\"/stories/{id}\"")).unwrap();
    assert!(at(first) < at(later), "oldest event first in its group");
    assert!(html.contains("value=\"storyline\" selected"));
    assert_eq!(
        get(&app, "/?group=outlet").await.status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn every_citation_points_at_its_text() {
    let articles = demo_articles();
    let app = app_with(&articles, None);
    let stories = get(&app, "/api/stories").await.json();
    let mut checked = 0;
    for s in stories["stories"].as_array().unwrap() {
        let v = get(&app, &format!("/api/stories/{}", s["id"].as_str().unwrap()))
            .await
            .json();
        for sentence in v["brief"]["summary"].as_array().unwrap() {
            for c in sentence["citations"].as_array().unwrap() {
                let id = c["article"].as_str().unwrap();
                let (start, end) = (
                    c["start"].as_u64().unwrap() as usize,
                    c["end"].as_u64().unwrap() as usize,
                );
                let a = get(&app, &format!("/api/articles/{id}")).await.json();
                let text = a["text"].as_str().unwrap();
                assert_eq!(&text[start..end], c["text"].as_str().unwrap());
                // The article page highlights exactly that passage under the anchor.
                let page = get(&app, &format!("/articles/{id}?cite={start}-{end}")).await;
                assert_eq!(page.status, StatusCode::OK);
                assert!(page.text().contains(&format!("id=\"s-{start}-{end}\"")));
                checked += 1;
            }
        }
    }
    assert!(checked > 5, "only {checked} citations");
}

#[tokio::test]
async fn unknown_ids_and_paths_are_404_with_the_error_shape() {
    let app = app_with(&demo_articles(), None);
    for uri in [
        "/api/stories/nope",
        "/api/articles/0123abcd",
        "/api/outlets/Nobody",
        "/api/nothing",
    ] {
        let r = get(&app, uri).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(r.error_code(), "not_found", "{uri}");
        assert!(
            r.headers[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("application/json")
        );
    }
    for uri in [
        "/stories/nope",
        "/articles/zzz",
        "/nothing/../../etc/passwd",
        "/assets/../Cargo.toml",
    ] {
        let r = get(&app, uri).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{uri}");
        assert!(r.text().contains("<h1>404"), "{uri}");
    }
}

#[tokio::test]
async fn bad_queries_are_400() {
    let app = app_with(&demo_articles(), None);
    for uri in [
        "/api/search",
        "/api/search?q=%20",
        "/api/search?q=dam&limit=0",
        "/api/search?q=dam&limit=lots",
        "/api/stories?from=yesterday",
        "/api/stories?from=2026-03-01&to=2026-01-01",
    ] {
        let r = get(&app, uri).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(r.error_code(), "bad_query", "{uri}");
    }
    let long = format!("/api/search?q={}", "a".repeat(600));
    assert_eq!(get(&app, &long).await.status, StatusCode::BAD_REQUEST);
    let stories = get(&app, "/api/stories").await.json();
    let id = stories["stories"][0]["id"].as_str().unwrap().to_owned();
    let story = get(&app, &format!("/api/stories/{id}")).await.json();
    let article = story["brief"]["articles"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for cite in ["x", "5-2", "0-99999999"] {
        let r = get(&app, &format!("/articles/{article}?cite={cite}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{cite}");
    }
}

#[tokio::test]
async fn search_and_filters() {
    let app = app_with(&demo_articles(), None);
    let v = get(&app, "/api/search?q=dam%20Kessel").await.json();
    let results = v["results"].as_array().unwrap();
    assert!(!results.is_empty());
    assert!(results.iter().all(|r| r["story"].is_string()));
    // FTS5 syntax in the words is taken literally, not as an error.
    assert_eq!(
        get(&app, "/api/search?q=%22dam%20OR%20NEAR(").await.status,
        StatusCode::OK
    );

    let all = get(&app, "/api/stories").await.json()["stories"]
        .as_array()
        .unwrap()
        .len();
    let feb = get(&app, "/api/stories?from=2026-02-01&to=2026-02-28")
        .await
        .json();
    let feb = feb["stories"].as_array().unwrap();
    assert!(!feb.is_empty() && feb.len() < all);
    assert!(
        feb.iter()
            .all(|s| s["headline"].as_str().unwrap().contains("Orla")
                || s["first_seen"].as_str().unwrap().starts_with("2026-02"))
    );
    let nws = get(&app, "/api/stories?outlet=Pitchside").await.json();
    assert!(nws["stories"].as_array().unwrap().iter().all(|s| {
        s["outlets"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o == "Pitchside")
    }));
    let page = get(&app, "/?q=rescue").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("class=\"result\""));
}

#[tokio::test]
async fn wrong_method_is_405_with_the_error_shape() {
    let app = app_with(&demo_articles(), None);
    let r = send(
        &app,
        Request::delete("/api/stories").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.error_code(), "method_not_allowed");
    assert!(r.headers.contains_key(header::ALLOW));
}

#[tokio::test]
async fn ingest_is_off_without_a_token_and_needs_the_right_one() {
    let body = new_record(1);
    let off = app_with(&[], None);
    let r = send(
        &off,
        post(
            "/api/articles",
            "application/json",
            Some(TOKEN),
            body.clone(),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.error_code(), "ingest_disabled");

    let on = app_with(&[], Some(TOKEN));
    let r = send(
        &on,
        post("/api/articles", "application/json", None, body.clone()),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.error_code(), "missing_token");
    assert_eq!(r.headers[header::WWW_AUTHENTICATE], "Bearer");
    let r = send(
        &on,
        post(
            "/api/articles",
            "application/json",
            Some("guess"),
            body.clone(),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.error_code(), "bad_token");
    let r = send(
        &on,
        post("/api/articles", "text/plain", Some(TOKEN), body.clone()),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(r.error_code(), "unsupported_media_type");
    let r = send(
        &on,
        post(
            "/api/articles",
            "application/json",
            Some(TOKEN),
            "{not json",
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.error_code(), "bad_article");
    let r = send(
        &on,
        post("/api/articles", "application/json", Some(TOKEN), body),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
}

#[tokio::test]
async fn too_large_body_is_413_with_the_error_shape() {
    let app = app_with(&[], Some(TOKEN));
    let big = format!("{{\"text\": \"{}\"}}", "word ".repeat(600_000));
    let r = send(
        &app,
        post("/api/articles", "application/json", Some(TOKEN), big),
    )
    .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.error_code(), "too_large");
}

#[tokio::test]
async fn a_repeated_search_finds_an_article_ingested_in_between() {
    let app = app_with(&demo_articles(), Some(TOKEN));
    let hits = |v: serde_json::Value| v["results"].as_array().unwrap().len();
    // Asked twice, so the second answer comes from the search cache.
    for _ in 0..2 {
        assert_eq!(hits(get(&app, "/api/search?q=Maren").await.json()), 0);
    }
    let r = send(
        &app,
        post(
            "/api/articles",
            "application/json",
            Some(TOKEN),
            new_record(3),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(hits(get(&app, "/api/search?q=maren%20%20").await.json()), 1);
}

#[tokio::test]
async fn ingested_article_shows_up_in_a_story() {
    let app = app_with(&demo_articles(), Some(TOKEN));
    let before = get(&app, "/api/stories").await.json()["stories"]
        .as_array()
        .unwrap()
        .len();
    let r = send(
        &app,
        post(
            "/api/articles",
            "application/json",
            Some(TOKEN),
            new_record(7),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let v = r.json();
    let a = &v["articles"][0];
    assert_eq!(a["new"], true);
    let story = a["story"]
        .as_str()
        .expect("clustered into a story")
        .to_owned();
    let stories = get(&app, "/api/stories").await.json();
    let list = stories["stories"].as_array().unwrap();
    assert_eq!(list.len(), before + 1);
    assert_eq!(
        list[0]["id"],
        story.as_str(),
        "the newest story comes first"
    );
    let id = a["id"].as_str().unwrap();
    assert_eq!(
        get(&app, &format!("/api/articles/{id}")).await.status,
        StatusCode::OK
    );
    assert!(
        get(&app, &format!("/stories/{story}"))
            .await
            .text()
            .contains("Ostburg")
    );
    let hits = get(&app, "/api/search?q=ferry%20aground").await.json();
    assert_eq!(hits["results"][0]["id"], id);

    // The same article again is stored once.
    let r = send(
        &app,
        post(
            "/api/articles",
            "application/json",
            Some(TOKEN),
            new_record(7),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["articles"][0]["new"], false);

    // An HTML page is read by the page extractor.
    let page = "<!doctype html><html><head><title>Second ferry grounded off Ostburg</title>\
        <meta property=\"og:site_name\" content=\"Marrow Gazette\"></head><body><article>\
        <h1>Second ferry grounded off Ostburg</h1><p>OSTBURG - A second ferry, the Maren 9, ran \
        aground near Ostburg harbour on Tuesday with 140 people on board, the coast guard said.</p>\
        <p>Harbour master Lene Dahl said the channel would be dredged next month.</p></article></body></html>";
    let r = send(
        &app,
        post(
            "/api/articles",
            "text/html; charset=utf-8",
            Some(TOKEN),
            page,
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert!(r.json()["articles"][0]["story"].is_string());
}

#[tokio::test]
async fn hostile_article_content_is_escaped_everywhere() {
    let hostile = record(HOSTILE);
    let mut articles = demo_articles();
    articles.push(hostile.clone());
    let app = app_with(&articles, None);
    let id = &hostile.id;
    let story = get(&app, &format!("/api/articles/{id}")).await.json()["story"]
        .as_str()
        .unwrap()
        .to_owned();
    let quotes = get(&app, &format!("/api/articles/{id}")).await.json();
    let start = quotes["text"].as_str().unwrap().find("OSTBURG").unwrap();
    let pages = [
        format!("/articles/{id}"),
        format!("/articles/{id}?cite={start}-{}", start + 7),
        format!("/stories/{story}"),
        "/".to_owned(),
        "/?q=mint".to_owned(),
        "/outlets".to_owned(),
    ];
    for uri in pages {
        let r = get(&app, &uri).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}");
        let html = r.text().to_lowercase();
        assert!(!html.contains("<script"), "{uri} has a script tag");
        assert!(!html.contains("<img"), "{uri} has an img tag");
        assert!(!html.contains("<b "), "{uri} has markup from the article");
        assert!(
            !html.contains("href=\"javascript:"),
            "{uri} links to javascript:"
        );
        for tag in html
            .split('<')
            .skip(1)
            .map(|t| t.split('>').next().unwrap_or(""))
        {
            // Attribute values are quoted and escaped: what is left is names.
            let tag: String = tag.split('"').step_by(2).collect();
            assert!(!tag.contains(" on"), "{uri}: event handler in <{tag}>");
            assert!(!tag.contains("style="), "{uri}: inline style in <{tag}>");
        }
    }
    let page = get(&app, &format!("/articles/{id}")).await.text();
    assert!(page.contains("&lt;script&gt;alert("), "{page}");
    assert!(page.contains("not a web address; not linked"));
}

#[tokio::test]
async fn security_headers_on_every_response() {
    let app = app_with(&demo_articles(), None);
    for uri in ["/", "/api/stories", "/api/nothing", "/assets/app.css"] {
        let r = get(&app, uri).await;
        let csp = r.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(csp.starts_with("default-src 'none'"), "{uri}: {csp}");
        assert!(
            csp.contains("style-src 'self'") && !csp.contains("unsafe"),
            "{uri}: {csp}"
        );
        assert_eq!(
            r.headers[header::X_CONTENT_TYPE_OPTIONS],
            "nosniff",
            "{uri}"
        );
    }
    let css = get(&app, "/assets/app.css").await;
    assert!(
        css.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
}

#[test]
fn openapi_documents_every_api_route() {
    let spec = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/openapi.yaml"
    ))
    .expect("docs/openapi.yaml");
    for path in [
        "/api/stories:",
        "/api/stories/{id}:",
        "/api/storylines:",
        "/api/storylines/{id}:",
        "/api/articles:",
        "/api/articles/{id}:",
        "/api/search:",
        "/api/outlets:",
        "/api/outlets/{name}:",
        "/api/sources:",
    ] {
        assert!(
            spec.contains(&format!("  {path}\n")),
            "{path} not documented"
        );
    }
}

/// A report on the Kessel dam collapse (12 January) that arrives after stories from February to
/// April are already stored.
const LATE_DAM_REPORT: &str = r#"{"outlet": "Aske Valley Courier",
 "title": "Kessel dam: Brekke orders inquiry as 17 remain missing",
 "published": "2026-01-13T08:00:00+01:00",
 "text": "KESSEL - Interior Minister Tomas Brekke ordered an independent inquiry into the collapse of the Upper Aske dam above Kessel, where at least three people died and 17 are missing.\n\nAbout 4,000 people were evacuated from the lower town of Kessel. Aske Hydro, which operates the dam, said inspections had found no immediate risk last year.\n\nGreen Alliance leader Sofie Rask said the government had ignored every warning about the Kessel dam."}"#;

#[tokio::test]
async fn web_app_stories_are_the_stores_after_a_late_article() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store::Store::open(dir.path()).unwrap();
    let run = store.begin_run(&["test".to_owned()]).unwrap();
    store.add_articles(run, &demo_articles()).unwrap();
    let engine = server::Engine::new(store).unwrap();
    let app = server::app(server::AppState::new(
        engine,
        server::Config {
            ingest_token: Some(TOKEN.to_owned()),
        },
    ));
    let r = send(
        &app,
        post(
            "/api/articles",
            "application/json",
            Some(TOKEN),
            LATE_DAM_REPORT,
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let late = r.json()["articles"][0]["id"].as_str().unwrap().to_owned();

    // What `parallax stories` and `parallax brief --story` read, from a second connection.
    let store = store::Store::open_existing(dir.path()).unwrap();
    let stored = store.stories().unwrap();
    let listed = get(&app, "/api/stories").await.json();
    let listed = listed["stories"].as_array().unwrap();
    let ids = |v: &[serde_json::Value]| -> Vec<String> {
        v.iter()
            .map(|s| s["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let stored_ids: Vec<String> = stored.iter().map(|s| s.id.clone()).collect();
    assert_eq!(ids(listed), stored_ids, "same stories, same order");
    for (web, s) in listed.iter().zip(&stored) {
        assert_eq!(web["articles"].as_u64(), Some(s.articles), "{web}");
        let brief = get(&app, &format!("/api/stories/{}", s.id)).await.json();
        let mut in_web = ids(brief["brief"]["articles"].as_array().unwrap());
        let mut in_store: Vec<String> = store
            .story_articles(&s.id)
            .unwrap()
            .into_iter()
            .map(|m| m.stored.article.id)
            .collect();
        in_web.sort();
        in_store.sort();
        assert_eq!(in_web, in_store, "members of {}", s.id);
    }
    // The dam story left the online clusterer's time window long before, so the online pass
    // starts a story of its own for the late report; the batch pass over the store's window puts
    // it into the dam story (see ARCHITECTURE.md), and the web app shows that, listed by its
    // January date, not first.
    let story = store.story_of(&late).unwrap().expect("clustered");
    let dam = stored.iter().max_by_key(|s| s.articles).unwrap();
    assert_eq!(story, dam.id);
    assert_ne!(stored_ids[0], story);
    let article = get(&app, &format!("/api/articles/{late}")).await.json();
    assert_eq!(article["story"], story.as_str());
}

/// The API serves the store's batch stories: the same stories, ids and counts as the store
/// gives `parallax stories`, fewer than the online pass made.
#[tokio::test]
async fn api_lists_the_stores_batch_stories() {
    let articles = demo_articles();
    let app = app_with(&articles, None);
    let mut store = store::Store::open_in_memory().unwrap();
    let run = store.begin_run(&["test".to_owned()]).unwrap();
    store.add_articles(run, &articles).unwrap();
    let done = store.update_stories(&stories::Config::default()).unwrap();
    assert_eq!(done.reclustered, articles.len() as u64);
    let stored: Vec<(String, u64)> = store
        .stories()
        .unwrap()
        .into_iter()
        .map(|s| (s.id, s.articles))
        .collect();
    let listed = get(&app, "/api/stories").await.json();
    let listed: Vec<(String, u64)> = listed["stories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let id = s["id"].as_str().unwrap().to_owned();
            (id, s["articles"].as_u64().unwrap())
        })
        .collect();
    assert_eq!(listed, stored);
    for a in &articles {
        let v = get(&app, &format!("/api/articles/{}", a.id)).await.json();
        let story = store.story_of(&a.id).unwrap();
        assert_eq!(v["story"].as_str(), story.as_deref(), "{}", a.id);
    }
}

#[tokio::test]
async fn a_story_that_went_into_another_redirects_there() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store::Store::open(dir.path()).unwrap();
    let run = store.begin_run(&["test".to_owned()]).unwrap();
    store.add_articles(run, &demo_articles()).unwrap();
    store.update_stories(&stories::Config::default()).unwrap();
    let big = store
        .stories()
        .unwrap()
        .into_iter()
        .max_by_key(|s| s.articles)
        .unwrap()
        .id;
    drop(store);
    // Show a third of the story's articles as a story of their own, as an earlier batch might
    // have; the engine's first update joins them again under the id most of them had.
    let db = rusqlite::Connection::open(dir.path().join("parallax.sqlite")).unwrap();
    db.execute_batch(&format!(
        "UPDATE article_story SET shown_id = 'fff0' WHERE article_id IN
           (SELECT article_id FROM article_story WHERE shown_id = '{big}' ORDER BY feed
            LIMIT (SELECT COUNT(*) / 3 FROM article_story WHERE shown_id = '{big}'));
         INSERT INTO shown_stories SELECT 'fff0', headline, first_seen, first_ts, last_seen,
           last_ts, last_feed, outlets, articles, entities, terms, language, storyline
           FROM shown_stories WHERE id = '{big}';
         DELETE FROM shown_state;"
    ))
    .unwrap();
    drop(db);
    let engine = server::Engine::new(store::Store::open(dir.path()).unwrap()).unwrap();
    let app = server::app(server::AppState::new(engine, server::Config::default()));
    for (old, new) in [
        (
            "/api/stories/fff0".to_owned(),
            format!("/api/stories/{big}"),
        ),
        ("/stories/fff0".to_owned(), format!("/stories/{big}")),
    ] {
        let reply = get(&app, &old).await;
        assert_eq!(reply.status, StatusCode::PERMANENT_REDIRECT, "{old}");
        assert_eq!(reply.headers[header::LOCATION], new.as_str());
        assert_eq!(get(&app, &new).await.status, StatusCode::OK);
    }
    assert_eq!(
        get(&app, "/api/stories/fff1").await.status,
        StatusCode::NOT_FOUND
    );
}

/// The stories list comes in pages: `limit` and `offset` on the API, previous and next links on
/// the page; the pages together are the whole list, once each.
#[tokio::test]
async fn stories_come_in_pages() {
    let app = app_with(&demo_articles(), None);
    let all = get(&app, "/api/stories").await.json();
    let total = all["total"].as_u64().unwrap() as usize;
    let ids = |v: &serde_json::Value| -> Vec<String> {
        v["stories"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(total >= 3, "{all}");
    assert_eq!(ids(&all).len(), total);
    let mut paged = Vec::new();
    for offset in (0..total).step_by(2) {
        let page = get(&app, &format!("/api/stories?limit=2&offset={offset}"))
            .await
            .json();
        assert_eq!(page["total"].as_u64(), Some(total as u64));
        assert_eq!(page["offset"].as_u64(), Some(offset as u64));
        paged.extend(ids(&page));
    }
    assert_eq!(paged, ids(&all));
    let past = get(&app, &format!("/api/stories?offset={total}"))
        .await
        .json();
    assert!(ids(&past).is_empty());
    for bad in ["limit=0", "limit=501", "limit=x", "offset=-1"] {
        let r = get(&app, &format!("/api/stories?{bad}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(r.error_code(), "bad_query", "{bad}");
    }

    let first = get(&app, "/?limit=2").await.text();
    assert!(
        first.contains(&format!("1–2 of {total} stories")),
        "{first}"
    );
    assert!(
        first.contains("rel=\"next\" href=\"/?limit=2&amp;offset=2\""),
        "{first}"
    );
    assert!(!first.contains("rel=\"prev\""));
    let second = get(&app, "/?limit=2&offset=2").await.text();
    assert!(
        second.contains("rel=\"prev\" href=\"/?limit=2&amp;offset=0\""),
        "{second}"
    );
    let whole = get(&app, "/").await.text();
    assert!(!whole.contains("class=\"pager\""));
}

#[tokio::test]
async fn sources_list_the_followed_feeds_with_their_state() {
    let mut store = store::Store::open_in_memory().unwrap();
    let feeds = [
        (
            "http://127.0.0.1:9/echo.xml".to_owned(),
            Some("Harbour <Echo>".to_owned()),
        ),
        ("http://127.0.0.1:9/down.xml".to_owned(), None),
    ];
    store.add_feeds(&feeds).unwrap();
    let mut down = store.feed(&feeds[1].0).unwrap().unwrap();
    down.last_status = Some("error".into());
    down.last_error = Some("http://127.0.0.1:9/down.xml: connection refused".into());
    down.failures = 3;
    down.next_poll = 1_772_438_400;
    store
        .record_poll(
            None,
            &store::Poll {
                feed: &down,
                items: &[],
                articles: &[],
            },
        )
        .unwrap();
    let state = server::AppState::new(
        server::Engine::new(store).unwrap(),
        server::Config::default(),
    )
    .refreshing(std::time::Duration::from_secs(60));
    let app = server::app(state);

    let api = get(&app, "/api/sources").await;
    assert_eq!(api.status, StatusCode::OK);
    let sources = api.json()["sources"].as_array().unwrap().clone();
    assert_eq!(sources.len(), 2);
    let d = sources
        .iter()
        .find(|s| s["url"] == "http://127.0.0.1:9/down.xml")
        .unwrap();
    assert_eq!(d["failures"], 3);
    assert_eq!(d["last_status"], "error");
    assert_eq!(d["next_poll"], "2026-03-02T08:00:00Z");
    assert!(
        d["last_error"]
            .as_str()
            .unwrap()
            .contains("connection refused")
    );

    let page = get(&app, "/sources").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("Harbour &lt;Echo&gt;"), "{html}");
    assert!(html.contains("(3 failures in a row)"), "{html}");
    assert!(html.contains("never polled"), "{html}");
    assert!(
        html.contains("<meta http-equiv=\"refresh\" content=\"60\">"),
        "{html}"
    );
    // The stories page reloads itself too while feeds are followed.
    assert!(
        get(&app, "/")
            .await
            .text()
            .contains("http-equiv=\"refresh\"")
    );
}
