//! End-to-end in a real headless Chromium, driven over WebDriver (`chromedriver` + fantoccini):
//! the demo corpus is ingested into a temporary store, the server runs in-process on
//! 127.0.0.1 with port 0, and the test walks the app as a reader would: stories page, a story,
//! a citation chip, the cited passage, a search.
//!
//! Needs Debian's `chromium` and `chromium-driver`. Without them the test fails (it never skips)
//! and says how to install them; `scripts/test` and `.ci/run` install them first.

use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use crate::support::demo_articles;

const INSTALL: &str = "the browser test needs Chromium and its WebDriver: install them with \
     `apt-get update && apt-get install -y chromium chromium-driver` (or run ./scripts/test, \
     which does it), or point CHROMEDRIVER and CHROMIUM at existing binaries";

/// Finds a program on PATH (or the path in `env`).
fn program(env: &str, names: &[&str]) -> Option<String> {
    if let Ok(p) = std::env::var(env)
        && !p.is_empty()
    {
        return Some(p);
    }
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for n in names {
            let candidate = dir.join(n);
            if candidate.is_file() {
                return Some(candidate.to_string_lossy().into_owned());
            }
        }
    }
    None
}

/// Kills the child it holds when dropped, so a failing test leaves no chromedriver behind.
struct Reaper(Child);

impl Drop for Reaper {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// Starts chromedriver on a loopback port and waits (bounded) until it accepts connections.
fn start_chromedriver() -> (Reaper, u16) {
    let driver = program("CHROMEDRIVER", &["chromedriver"]).unwrap_or_else(|| panic!("{INSTALL}"));
    let port = free_port();
    let child = Command::new(&driver)
        .arg(format!("--port={port}"))
        .arg("--allowed-ips=127.0.0.1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {driver}: {e}; {INSTALL}"));
    let reaper = Reaper(child);
    let deadline = Instant::now() + Duration::from_secs(30);
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
        assert!(
            Instant::now() < deadline,
            "chromedriver did not listen on {addr} within 30 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    (reaper, port)
}

/// A WebDriver session on headless Chromium with a fresh profile.
async fn browser(driver_port: u16, profile: &std::path::Path) -> Client {
    let chromium = program(
        "CHROMIUM",
        &["chromium", "chromium-browser", "google-chrome"],
    )
    .unwrap_or_else(|| panic!("{INSTALL}"));
    let args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,1000",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([format!("--user-data-dir={}", profile.display())])
    .collect::<Vec<_>>();
    let caps = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {"binary": chromium, "args": args},
    });
    let serde_json::Value::Object(caps) = caps else {
        unreachable!()
    };
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{driver_port}"))
        .await
        .unwrap_or_else(|e| panic!("cannot start a Chromium session: {e}; {INSTALL}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reader_follows_a_story_a_citation_and_a_search_in_chromium() {
    // Fail first, and clearly, when the browser is missing.
    let (_driver, driver_port) = start_chromedriver();

    // The demo corpus in a temporary store on disk, as `parallax ingest examples` makes it.
    let data = tempfile::tempdir().expect("temp dir");
    let mut store = store::Store::open(data.path()).expect("store");
    let run = store.begin_run(&["examples".to_owned()]).expect("run");
    store.add_articles(run, &demo_articles()).expect("ingest");
    let engine = server::Engine::new(store).expect("engine");
    let biggest = engine
        .snapshot()
        .stories()
        .iter()
        .max_by_key(|s| s.members.len())
        .expect("stories")
        .clone();
    let state = server::AppState::new(engine, server::Config::default());
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(server::serve_on(state, listener, async {
        let _ = stopped.await;
    }));

    let profile = tempfile::tempdir().expect("profile dir");
    let c = browser(driver_port, profile.path()).await;
    let outcome = walk(&c, &base, &biggest.headline).await;
    let _ = c.close().await;
    let _ = stop.send(());
    let _ = server.await;
    outcome.unwrap_or_else(|e| panic!("{e}"));
}

/// The reader's walk; returns what went wrong instead of panicking so the session is closed.
async fn walk(c: &Client, base: &str, headline: &str) -> Result<(), String> {
    let fail = |what: &str| {
        let what = what.to_owned();
        move |e: fantoccini::error::CmdError| format!("{what}: {e}")
    };
    let wait = Duration::from_secs(15);

    // Stories page: the biggest story is listed; follow it.
    c.goto(&format!("{base}/"))
        .await
        .map_err(fail("open stories"))?;
    let h1 = c
        .find(Locator::Css("h1"))
        .await
        .map_err(fail("stories h1"))?;
    check(
        h1.text().await.map_err(fail("h1 text"))? == "Stories",
        "stories page title",
    )?;
    let link = c
        .find(Locator::LinkText(headline))
        .await
        .map_err(fail("link to the biggest story"))?;
    link.click().await.map_err(fail("follow the story"))?;
    let h1 = c
        .wait()
        .at_most(wait)
        .for_element(Locator::Css("h1"))
        .await
        .map_err(fail("story h1"))?;
    check(
        h1.text().await.map_err(fail("story h1 text"))? == headline,
        "story page shows its headline",
    )?;
    check(
        c.current_url()
            .await
            .map_err(fail("url"))?
            .path()
            .starts_with("/stories/"),
        "story url",
    )?;

    // The first summary sentence and its first citation chip.
    let sentence = c
        .find(Locator::Css(".summary p.sentence"))
        .await
        .map_err(fail("summary sentence"))?;
    let chip = sentence
        .find(Locator::Css("a.chip"))
        .await
        .map_err(fail("citation chip"))?;
    let href = chip
        .attr("href")
        .await
        .map_err(fail("chip href"))?
        .ok_or("chip without href")?;
    let fragment = href.rsplit('#').next().unwrap_or("").to_owned();
    check(fragment.starts_with("s-"), "chip links to a passage anchor")?;
    let sentence_text = sentence.text().await.map_err(fail("sentence text"))?;
    chip.click().await.map_err(fail("click the chip"))?;

    // The article page with the cited passage highlighted under the anchor.
    let cited = c
        .wait()
        .at_most(wait)
        .for_element(Locator::Css(".article-text .cite"))
        .await
        .map_err(fail("highlighted passage"))?;
    let url = c.current_url().await.map_err(fail("url"))?;
    check(
        url.path().starts_with("/articles/"),
        "chip opens the article",
    )?;
    check(
        url.fragment() == Some(fragment.as_str()),
        "url keeps the anchor",
    )?;
    let anchor = c
        .find(Locator::Id(&fragment))
        .await
        .map_err(fail("anchor element"))?;
    check(
        anchor.is_displayed().await.map_err(fail("anchor shown"))?,
        "cited passage is displayed",
    )?;
    let mut passage = String::new();
    for piece in c
        .find_all(Locator::Css(".article-text .cite"))
        .await
        .map_err(fail("passage pieces"))?
    {
        passage.push_str(&piece.text().await.map_err(fail("passage text"))?);
    }
    drop(cited);
    // A sentence's first citation is the sentence itself, verbatim.
    let norm = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
    check(!passage.trim().is_empty(), "cited passage has text")?;
    check(
        norm(&sentence_text).starts_with(&norm(&passage)),
        &format!("cited passage {passage:?} is the sentence {sentence_text:?}"),
    )?;

    // Search: type words into the box on the stories page.
    c.goto(&format!("{base}/"))
        .await
        .map_err(fail("back to stories"))?;
    let q = c
        .find(Locator::Css("input[name=q]"))
        .await
        .map_err(fail("search box"))?;
    q.send_keys("rescue teams")
        .await
        .map_err(fail("type query"))?;
    c.find(Locator::Css("form.search button"))
        .await
        .map_err(fail("search button"))?
        .click()
        .await
        .map_err(fail("submit search"))?;
    c.wait()
        .at_most(wait)
        .for_element(Locator::Css("li.result"))
        .await
        .map_err(fail("search results"))?;
    let results = c
        .find_all(Locator::Css("li.result a"))
        .await
        .map_err(fail("result links"))?;
    check(!results.is_empty(), "search finds articles")?;
    let heading = c
        .find(Locator::Id("results"))
        .await
        .map_err(fail("results heading"))?
        .text()
        .await
        .map_err(fail("results heading text"))?;
    check(
        heading.contains("rescue teams"),
        "results heading names the query",
    )?;
    results[0].click().await.map_err(fail("open a result"))?;
    let text = c
        .wait()
        .at_most(wait)
        .for_element(Locator::Css(".article-text"))
        .await
        .map_err(fail("result article"))?
        .text()
        .await
        .map_err(fail("result article text"))?
        .to_lowercase();
    check(
        text.contains("rescue") && text.contains("teams"),
        "the result holds the words searched",
    )?;
    Ok(())
}

fn check(ok: bool, what: &str) -> Result<(), String> {
    if ok {
        Ok(())
    } else {
        Err(format!("browser check failed: {what}"))
    }
}
