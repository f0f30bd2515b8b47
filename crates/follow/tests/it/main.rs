//! The follower against a fixture server on 127.0.0.1: conditional GET, robots.txt, backoff,
//! bad feeds beside good ones, resuming from the store and the WARC round trip.

mod server;

use std::collections::HashSet;
use std::time::Duration;

use follow::list::ListedFeed;
use follow::{Config, Follower, Outcome, Round};
use store::Store;

/// Everything due, whatever its next poll says: the tests drive the rounds.
const ANY_TIME: Duration = Duration::from_secs(400 * 24 * 3600);

fn config() -> Config {
    Config {
        host_delay: Duration::ZERO,
        fetch: fetch::Config {
            timeout: Duration::from_secs(5),
            stall_timeout: Duration::from_millis(500),
            max_bytes: 1 << 20,
            ..fetch::Config::default()
        },
        ..Config::default()
    }
}

fn feeds(server: &server::Server, paths: &[&str]) -> Vec<ListedFeed> {
    paths
        .iter()
        .map(|p| ListedFeed {
            url: server.url(p),
            title: None,
        })
        .collect()
}

fn follower(dir: &std::path::Path, feeds: &[ListedFeed]) -> Follower {
    let store = Store::open(dir).unwrap();
    let warc = fetch::warc::Writer::new(fetch::warc::folder(dir), 1 << 30);
    Follower::new(store, warc, feeds, config()).unwrap()
}

fn outcome<'r>(round: &'r Round, url: &str) -> &'r follow::FeedReport {
    round
        .feeds
        .iter()
        .find(|f| f.url == url)
        .unwrap_or_else(|| panic!("{url} not polled: {round:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn second_round_sends_validators_and_gets_304() {
    let server = server::start().await;
    let dir = tempfile::tempdir().unwrap();
    let f = follower(dir.path(), &feeds(&server, &["/news.xml"]));
    let news = server.url("/news.xml");

    let first = f.round(ANY_TIME).await.unwrap();
    let report = outcome(&first, &news);
    assert_eq!(
        report.outcome,
        Outcome::Fetched {
            items: 2,
            new_items: 2
        }
    );
    assert_eq!(report.new_articles, 2, "{report:?}");
    // Both pages were fetched (the feed has only summaries), robots.txt once.
    assert_eq!(server.log.count("/pages/1"), 1);
    assert_eq!(server.log.count("/pages/2"), 1);
    assert_eq!(server.log.count("/robots.txt"), 1);
    let stories = first.stories.as_ref().expect("stories were updated");
    assert_eq!(stories.clustered, 2);

    let second = f.round(ANY_TIME).await.unwrap();
    assert_eq!(outcome(&second, &news).outcome, Outcome::NotModified);
    assert_eq!(
        server.log.validators("/news.xml"),
        vec![None, Some("\"v2\"".to_owned())]
    );
    assert!(second.stories.is_none());

    // A third item: only its page is fetched.
    server.set_items(3);
    let third = f.round(ANY_TIME).await.unwrap();
    assert_eq!(
        outcome(&third, &news).outcome,
        Outcome::Fetched {
            items: 3,
            new_items: 1
        }
    );
    assert_eq!(server.log.count("/pages/1"), 1);
    assert_eq!(server.log.count("/pages/3"), 1);
    let feed = &f.feeds().unwrap()[0];
    assert_eq!(feed.etag.as_deref(), Some("\"v3\""));
    assert_eq!((feed.items_seen, feed.articles_new), (3, 3));
    assert_eq!(feed.last_status.as_deref(), Some("200"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn robots_txt_forbids_a_feed_without_a_request() {
    let server = server::start().await;
    let dir = tempfile::tempdir().unwrap();
    let f = follower(
        dir.path(),
        &feeds(&server, &["/private/feed.xml", "/full.xml"]),
    );
    let round = f.round(ANY_TIME).await.unwrap();
    let private = server.url("/private/feed.xml");
    match &outcome(&round, &private).outcome {
        Outcome::Failed(m) => assert_eq!(
            m,
            &format!("{private}: not fetched: robots.txt has Disallow: /private")
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(server.log.count("/private/feed.xml"), 0);
    assert_eq!(server.log.count("/robots.txt"), 1);
    // Not counted as a failure: it waits its interval.
    let state = f.feeds().unwrap();
    let p = state.iter().find(|s| s.url == private).unwrap();
    assert_eq!((p.failures, p.last_status.as_deref()), (0, Some("robots")));
    // The feeds of one round are due again together: the interval counts from its start.
    let full = state.iter().find(|s| s.url.ends_with("/full.xml")).unwrap();
    assert_eq!(full.next_poll, p.next_poll);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crawl_delay_spaces_the_requests_to_a_host() {
    let server = server::start().await;
    server.set_crawl_delay(1);
    let dir = tempfile::tempdir().unwrap();
    let f = follower(dir.path(), &feeds(&server, &["/full.xml"]));
    let round = f.round(ANY_TIME).await.unwrap();
    assert_eq!(round.new_articles, 1);
    // robots.txt, then the feed a second later (the host delay of these tests is zero).
    assert_eq!(server.log.paths(), ["/robots.txt", "/full.xml"]);
    let times = server.log.times();
    let gap = times[1] - times[0];
    assert!(gap >= Duration::from_secs(1), "{gap:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failing_feeds_back_off_and_honour_retry_after() {
    let server = server::start().await;
    let dir = tempfile::tempdir().unwrap();
    let f = follower(dir.path(), &feeds(&server, &["/busy.xml", "/limited.xml"]));
    let busy = server.url("/busy.xml");
    let limited = server.url("/limited.xml");
    let before = chrono::Utc::now().timestamp();
    let first = f.round(ANY_TIME).await.unwrap();
    match &outcome(&first, &busy).outcome {
        Outcome::Failed(m) => assert_eq!(
            m,
            &format!("{busy}: http status 503 service unavailable (retry after 120)")
        ),
        other => panic!("{other:?}"),
    }
    let state = |url: &str| {
        f.feeds()
            .unwrap()
            .into_iter()
            .find(|s| s.url == url)
            .unwrap()
    };
    // The first failure waits the interval less jitter (15 min less at most a quarter).
    let wait = state(&busy).next_poll - before;
    assert!((675..=901).contains(&wait), "{wait}");
    assert_eq!(state(&busy).failures, 1);
    assert_eq!(state(&busy).last_status.as_deref(), Some("503"));
    // The second doubles it; Retry-After (10 min) is below both, so it changes nothing.
    let _ = f.round(ANY_TIME).await.unwrap();
    let wait = state(&busy).next_poll - before;
    assert!((1350..=1802).contains(&wait), "{wait}");
    assert_eq!(state(&busy).failures, 2);
    assert_eq!(state(&limited).failures, 2);

    // A Retry-After longer than the backoff wins.
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let warc = fetch::warc::Writer::new(fetch::warc::folder(dir.path()), 1 << 30);
    let quick = Config {
        every: Duration::from_secs(60),
        ..config()
    };
    let f = Follower::new(store, warc, &feeds(&server, &["/limited.xml"]), quick).unwrap();
    let before = chrono::Utc::now().timestamp();
    let _ = f.round(ANY_TIME).await.unwrap();
    let wait = f.feeds().unwrap()[0].next_poll - before;
    assert!((600..=602).contains(&wait), "{wait}");
    // Nothing is due now, so a round polls nothing.
    let idle = f.round(Duration::ZERO).await.unwrap();
    assert!(idle.feeds.is_empty());
    assert_eq!(idle.waiting, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_feeds_are_named_and_never_stop_the_others() {
    let server = server::start().await;
    let dir = tempfile::tempdir().unwrap();
    let paths = [
        "/loop/a",
        "/huge.xml",
        "/slow.xml",
        "/changed.xml",
        "/broken.xml",
        "/consent.xml",
        "/full.xml",
    ];
    let mut listed = feeds(&server, &paths);
    // A feed that is down: nothing listens on this port of 127.0.0.1.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let down = format!("http://{}/feed.xml", closed.local_addr().unwrap());
    drop(closed);
    listed.push(ListedFeed {
        url: down.clone(),
        title: None,
    });
    let f = follower(dir.path(), &listed);
    let round = f.round(ANY_TIME).await.unwrap();
    assert_eq!(round.feeds.len(), paths.len() + 1);
    let failed = |path: &str, wanted: &str| {
        let url = if path.starts_with("http") {
            path.to_owned()
        } else {
            server.url(path)
        };
        match &outcome(&round, &url).outcome {
            Outcome::Failed(m) => {
                assert!(m.starts_with(&url), "{m}");
                assert!(m.contains(wanted), "{m}");
            }
            other => panic!("{url}: {other:?}"),
        }
    };
    failed("/loop/a", "redirect loop");
    failed("/huge.xml", "larger than the limit");
    failed("/slow.xml", "no data from the server");
    failed("/changed.xml", "a web page, not a feed");
    failed(&down, "robots.txt");
    // The good ones were read.
    let full = outcome(&round, &server.url("/full.xml"));
    assert_eq!(full.new_articles, 1);
    // The broken item is named, the good one beside it stored.
    let broken = outcome(&round, &server.url("/broken.xml"));
    assert_eq!(broken.new_articles, 1);
    assert!(
        broken.problems.iter().any(|p| p.contains("broken.xml#2")),
        "{:?}",
        broken.problems
    );
    // The consent wall is kept, and said to be no article.
    let consent = outcome(&round, &server.url("/consent.xml"));
    assert_eq!(consent.new_articles, 1);
    assert!(
        consent
            .problems
            .iter()
            .any(|p| p.contains("not an article")),
        "{:?}",
        consent.problems
    );
    // `Cache-Control: max-age=60` is shorter than the interval: the interval stands.
    let state = f.feeds().unwrap();
    let full_state = state.iter().find(|s| s.url.ends_with("/full.xml")).unwrap();
    assert_eq!(
        full_state.last_modified.as_deref(),
        Some("Mon, 02 Mar 2026 08:00:00 GMT")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_follower_resumes_from_the_store_and_the_warc_gives_the_same_articles() {
    let server = server::start().await;
    let dir = tempfile::tempdir().unwrap();
    let listed = feeds(&server, &["/news.xml", "/full.xml"]);
    {
        let f = follower(dir.path(), &listed);
        let round = f.round(ANY_TIME).await.unwrap();
        assert_eq!(round.new_articles, 3);
    }
    // As after a kill: a new process, the same store.
    let f = follower(dir.path(), &listed);
    let round = f.round(ANY_TIME).await.unwrap();
    assert_eq!(round.new_articles, 0);
    assert_eq!(
        outcome(&round, &server.url("/news.xml")).outcome,
        Outcome::NotModified
    );
    assert_eq!(server.log.count("/pages/1"), 1);
    let files = f.warc_files();
    assert!(!files.is_empty());

    let store = Store::open(dir.path()).unwrap();
    let stored: HashSet<String> = store
        .all_articles()
        .unwrap()
        .into_iter()
        .map(|a| a.article.id)
        .collect();
    assert_eq!(stored.len(), 3);
    let warc = fetch::warc::folder(dir.path());
    let replayed: HashSet<String> = ingest::read_inputs(&[warc], &ingest::Config::default())
        .filter_map(Result::ok)
        .map(|a| a.id)
        .collect();
    // The kept responses hold every stored article (and the feeds' summaries besides).
    assert!(stored.is_subset(&replayed), "{stored:?} {replayed:?}");
}
