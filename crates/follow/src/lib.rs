//! Following feeds: polling a list of feeds, fetching each new item's page and storing the
//! articles, politely and resumably. `parallax follow` runs it on its own, `parallax serve
//! --follow` inside the server.
//!
//! A [`Follower`] polls the feeds it was given that are due ([`Follower::round`]), one host at a
//! time per host (`hosts.rs`, with a minimum delay and the site's `Crawl-delay`) and up to
//! [`Config::connections`] hosts at once. Each poll asks `robots.txt` first (kept per site for
//! [`Config::robots_ttl`]), sends the validators of the last response (`If-None-Match`,
//! `If-Modified-Since`) so an unchanged feed answers 304, reads the items, fetches the page of
//! each item not seen before whose feed carries only a summary (unless a page of that URL is
//! already stored), and writes the articles, the items seen and the feed's new state in one
//! transaction (`Store::record_poll`). A failed poll backs off (`fetch::policy::backoff`: the
//! interval doubled per failure in a row, with jitter, never sooner than `Retry-After`). Every
//! response is kept in the WARC writer given. After a round that stored new articles the
//! stories are updated.
//!
//! **Invariant:** one feed's failure (down, redirect loop, huge or slow body, a page in place of
//! the feed, a broken item) is a message naming the feed and where, and never stops another
//! feed; a killed follower loses at most the polls in flight, which the next round repeats.
//! **Boundary:** no HTTP here beyond what `fetch` offers; no SQL beyond what `store` offers;
//! nothing printed (the caller reports each [`Round`]).

pub mod list;

mod hosts;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};
use fetch::robots::Robots;
use fetch::{FetchError, Fetched, Validators, policy};
use store::{Feed, Poll, RunId, Store, StoriesUpdated};
use tokio::time::Instant;

use hosts::Hosts;

/// How to follow.
#[derive(Debug, Clone)]
pub struct Config {
    /// The interval between polls of a feed that answers (a feed's `ttl` or `max-age` may
    /// lengthen it).
    pub every: Duration,
    /// The shortest time between two requests to one host.
    pub host_delay: Duration,
    /// The longest wait a failing feed backs off to.
    pub max_backoff: Duration,
    /// Hosts polled at once.
    pub connections: usize,
    /// How long a site's `robots.txt` is used before it is asked for again.
    pub robots_ttl: Duration,
    /// A site's `Crawl-delay` longer than this is taken as this.
    pub max_crawl_delay: Duration,
    pub pages: Pages,
    pub fetch: fetch::Config,
    pub ingest: ingest::Config,
    pub stories: stories::Config,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            every: Duration::from_secs(15 * 60),
            host_delay: Duration::from_secs(1),
            max_backoff: Duration::from_secs(6 * 3600),
            connections: 8,
            robots_ttl: Duration::from_secs(24 * 3600),
            max_crawl_delay: Duration::from_secs(30),
            pages: Pages::Fetch,
            fetch: fetch::Config::default(),
            ingest: ingest::Config::default(),
            stories: stories::Config::default(),
        }
    }
}

/// What to store for an item whose feed carries only a summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pages {
    /// Fetch the item's page and store the article read from it (the summary when that fails).
    Fetch,
    /// Store the summary as the feed gives it.
    FeedOnly,
}

/// What one round did.
#[derive(Debug, Clone)]
pub struct Round {
    /// One report per feed polled, in order of url.
    pub feeds: Vec<FeedReport>,
    /// Followed feeds that were not due.
    pub waiting: usize,
    pub new_articles: u64,
    /// The story update after the round, when it stored anything.
    pub stories: Option<StoriesUpdated>,
    /// Why the stories could not be updated (they are at the next round that stores articles,
    /// or the next ingest).
    pub stories_error: Option<String>,
    pub elapsed: Duration,
}

impl Round {
    pub fn failed(&self) -> usize {
        self.feeds
            .iter()
            .filter(|f| matches!(f.outcome, Outcome::Failed(_)))
            .count()
    }

    pub fn not_modified(&self) -> usize {
        self.feeds
            .iter()
            .filter(|f| matches!(f.outcome, Outcome::NotModified))
            .count()
    }
}

/// What polling one feed did.
#[derive(Debug, Clone)]
pub struct FeedReport {
    pub url: String,
    pub outcome: Outcome,
    /// Articles new to the store.
    pub new_articles: u64,
    /// Problems that did not fail the poll (a broken item, a page that could not be fetched, a
    /// page that is not an article), each naming the feed and the item.
    pub problems: Vec<String>,
    /// When the feed is due next.
    pub next_poll: DateTime<Utc>,
}

/// How a poll ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// 304: nothing new.
    NotModified,
    /// The feed was read: its items and how many had not been seen before.
    Fetched { items: usize, new_items: usize },
    /// The feed could not be read; the message names it.
    Failed(String),
}

/// Why following could not go on at all (a feed's failure is never one).
#[derive(Debug, thiserror::Error)]
pub enum FollowError {
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error(transparent)]
    Store(#[from] store::StoreError),
}

/// Polls a set of feeds into a store. Cheap to clone (one shared state).
#[derive(Clone)]
pub struct Follower {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    fetcher: fetch::Fetcher,
    store: Mutex<Store>,
    warc: Mutex<fetch::warc::Writer>,
    hosts: Hosts,
    /// Per site origin: its rules and when they were read.
    robots: Mutex<HashMap<String, RobotsSlot>>,
    /// The feeds this follower polls (others in the store are left alone).
    urls: Vec<String>,
}

type RobotsSlot = Arc<tokio::sync::Mutex<Option<(Arc<Robots>, Instant)>>>;

/// Why one request could not be made or answered.
struct Failure {
    message: String,
    /// `robots`, `error` or the HTTP status.
    status: String,
    retry_after: Option<Duration>,
    /// Not a failure of the feed: `robots.txt` forbids it, so it waits its interval.
    blocked: bool,
}

impl Failure {
    fn fetch(error: &FetchError, now: DateTime<Utc>) -> Failure {
        Failure {
            message: error.to_string(),
            status: match error {
                FetchError::Status { code, .. } => code.to_string(),
                _ => "error".into(),
            },
            retry_after: error
                .retry_after()
                .and_then(|value| policy::retry_after(value, now)),
            blocked: false,
        }
    }
}

impl Follower {
    /// A follower of `feeds` (added to the store if new), keeping every response in `warc`.
    /// Must be called inside a Tokio runtime (the HTTP client belongs to it).
    pub fn new(
        mut store: Store,
        warc: fetch::warc::Writer,
        feeds: &[list::ListedFeed],
        config: Config,
    ) -> Result<Follower, FollowError> {
        let pairs: Vec<(String, Option<String>)> = feeds
            .iter()
            .map(|f| (f.url.clone(), f.title.clone()))
            .collect();
        store.add_feeds(&pairs)?;
        let fetcher = fetch::Fetcher::new(config.fetch.clone())?;
        Ok(Follower {
            inner: Arc::new(Inner {
                config,
                fetcher,
                store: Mutex::new(store),
                warc: Mutex::new(warc),
                hosts: Hosts::default(),
                robots: Mutex::new(HashMap::new()),
                urls: pairs.into_iter().map(|(url, _)| url).collect(),
            }),
        })
    }

    /// The state of the followed feeds, in order of url.
    pub fn feeds(&self) -> Result<Vec<Feed>, FollowError> {
        let feeds = self.inner.store().feeds()?;
        Ok(feeds
            .into_iter()
            .filter(|f| self.inner.urls.contains(&f.url))
            .collect())
    }

    /// The WARC files written so far.
    pub fn warc_files(&self) -> Vec<std::path::PathBuf> {
        self.inner
            .warc
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .files()
            .to_vec()
    }

    /// Polls every followed feed due within `slack` from now, then updates the stories if any
    /// article was stored.
    pub async fn round(&self, slack: Duration) -> Result<Round, FollowError> {
        let started = Instant::now();
        let now = Utc::now();
        let due_by = now.timestamp() + i64::try_from(slack.as_secs()).unwrap_or(i64::MAX / 2);
        let feeds = self.feeds()?;
        let waiting = feeds.iter().filter(|f| f.next_poll > due_by).count();
        // Feeds by host, each host's in order of url, polled one after another.
        let mut by_host: BTreeMap<String, Vec<Feed>> = BTreeMap::new();
        for feed in feeds.into_iter().filter(|f| f.next_poll <= due_by) {
            let host = fetch::site(&feed.url)
                .map(|s| s.authority)
                .unwrap_or_default();
            by_host.entry(host).or_default().push(feed);
        }
        let run = Arc::new(Mutex::new(None));
        let permits = Arc::new(tokio::sync::Semaphore::new(
            self.inner.config.connections.max(1),
        ));
        let mut tasks = tokio::task::JoinSet::new();
        for (_, feeds) in by_host {
            let inner = self.inner.clone();
            let permits = permits.clone();
            let run = run.clone();
            tasks.spawn(async move {
                // The semaphore is never closed.
                let _permit = permits.acquire_owned().await.ok();
                let mut reports = Vec::new();
                for feed in feeds {
                    reports.push(inner.poll(feed, now, &run).await);
                }
                reports
            });
        }
        let mut reports = Vec::new();
        while let Some(done) = tasks.join_next().await {
            match done {
                Ok(r) => reports.extend(r),
                // A poll that panicked is a bug, but must not stop the other feeds.
                Err(e) => tracing::error!("a feed poll ended abnormally: {e}"),
            }
        }
        let mut found = Vec::new();
        for report in reports {
            match report {
                Ok(r) => found.push(r),
                Err(e) => return Err(e),
            }
        }
        found.sort_by(|a, b| a.url.cmp(&b.url));
        let new_articles = found.iter().map(|r| r.new_articles).sum();
        let run = *run.lock().unwrap_or_else(|e| e.into_inner());
        let mut round = Round {
            feeds: found,
            waiting,
            new_articles,
            stories: None,
            stories_error: None,
            elapsed: Duration::ZERO,
        };
        if let Some(run) = run {
            let inner = self.inner.clone();
            let failures = round.failed() as u64;
            let updated = tokio::task::spawn_blocking(move || {
                let mut store = inner.store();
                store.finish_run(run, failures)?;
                if new_articles == 0 {
                    return Ok(None);
                }
                store.update_stories(&inner.config.stories).map(Some)
            })
            .await;
            match updated {
                Ok(Ok(updated)) => round.stories = updated,
                Ok(Err(e)) => round.stories_error = Some(format!("updating stories: {e}")),
                Err(e) => round.stories_error = Some(format!("updating stories: {e}")),
            }
        }
        round.elapsed = started.elapsed();
        Ok(round)
    }

    /// The earliest next poll of the followed feeds.
    pub fn next_due(&self) -> Result<Option<DateTime<Utc>>, FollowError> {
        Ok(self
            .feeds()?
            .iter()
            .map(|f| f.next_poll)
            .min()
            .and_then(|t| DateTime::from_timestamp(t, 0)))
    }

    /// Rounds until `stop` completes, each when the first feed is due; `report` sees each
    /// round. A round in flight when `stop` completes is dropped (what it stored stays).
    pub async fn run(
        &self,
        mut report: impl FnMut(&Round),
        stop: impl Future<Output = ()>,
    ) -> Result<(), FollowError> {
        tokio::pin!(stop);
        loop {
            tokio::select! {
                round = self.round(Duration::ZERO) => report(&round?),
                () = &mut stop => return Ok(()),
            }
            let wait = match self.next_due()? {
                Some(next) => (next - Utc::now()).to_std().unwrap_or(Duration::ZERO),
                None => self.inner.config.every,
            };
            // At least a second, so a feed due at once is not polled in a tight loop.
            let wait = wait.clamp(Duration::from_secs(1), policy::MAX_WAIT);
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = &mut stop => return Ok(()),
            }
        }
    }
}

impl Inner {
    fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Polls one feed and records what it found. Only a store failure is an error. The next
    /// poll is counted from `round` (when the round began), so the feeds of one round stay
    /// due together rather than drifting apart by the time each poll took.
    async fn poll(
        &self,
        mut feed: Feed,
        round: DateTime<Utc>,
        run: &Mutex<Option<RunId>>,
    ) -> Result<FeedReport, FollowError> {
        let now = round;
        let url = feed.url.clone();
        let validators = Validators {
            etag: feed.etag.clone(),
            last_modified: feed.last_modified.clone(),
        };
        let mut problems = Vec::new();
        let mut articles = Vec::new();
        let mut new_keys = Vec::new();
        feed.last_fetch = Some(Utc::now());
        let outcome = match self.get(&url, &validators, &mut problems).await {
            Err(failure) => {
                let wait = if failure.blocked {
                    feed.failures = 0;
                    self.config.every
                } else {
                    feed.failures = feed.failures.saturating_add(1);
                    policy::backoff(
                        self.config.every,
                        feed.failures,
                        self.config.max_backoff,
                        failure.retry_after,
                        &url,
                    )
                };
                feed.last_status = Some(failure.status);
                feed.last_error = Some(failure.message.clone());
                // From now, not from the round's start: `Retry-After` counts from the answer.
                feed.next_poll = at(Utc::now(), wait);
                Outcome::Failed(failure.message)
            }
            Ok(Fetched::NotModified(page)) => {
                let fresh = Validators::of(&page.response);
                feed.etag = fresh.etag.or(feed.etag);
                feed.last_modified = fresh.last_modified.or(feed.last_modified);
                self.answered(&mut feed, now, "304", None, &page.response);
                Outcome::NotModified
            }
            Ok(Fetched::Modified(page)) => {
                let response = page.response.as_response();
                match ingest::http::read_feed(&response, &url, self.config.ingest.max_file_bytes) {
                    Err(skipped) => {
                        let message = format!("{url}: {skipped}");
                        feed.failures = feed.failures.saturating_add(1);
                        feed.last_status = Some(page.response.status.to_string());
                        feed.last_error = Some(message.clone());
                        let wait = policy::backoff(
                            self.config.every,
                            feed.failures,
                            self.config.max_backoff,
                            None,
                            &url,
                        );
                        feed.next_poll = at(Utc::now(), wait);
                        Outcome::Failed(message)
                    }
                    Ok(read) => {
                        let fresh = Validators::of(&page.response);
                        feed.etag = fresh.etag;
                        feed.last_modified = fresh.last_modified;
                        let ttl = read
                            .ttl_minutes
                            .map(|m| Duration::from_secs(m.saturating_mul(60)));
                        self.answered(&mut feed, now, "200", ttl, &page.response);
                        let (items, new_items) = self
                            .items(
                                &url,
                                read.items,
                                &mut new_keys,
                                &mut articles,
                                &mut problems,
                            )
                            .await?;
                        Outcome::Fetched { items, new_items }
                    }
                }
            }
        };
        let run_id = if articles.is_empty() {
            None
        } else {
            Some(self.run(run)?)
        };
        let added = self.store().record_poll(
            run_id,
            &Poll {
                feed: &feed,
                items: &new_keys,
                articles: &articles,
            },
        )?;
        Ok(FeedReport {
            url,
            outcome,
            new_articles: added.new,
            problems,
            next_poll: DateTime::from_timestamp(feed.next_poll, 0).unwrap_or(now),
        })
    }

    /// The round's ingest run, begun with the first articles to store.
    fn run(&self, run: &Mutex<Option<RunId>>) -> Result<RunId, FollowError> {
        let mut run = run.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(id) = *run {
            return Ok(id);
        }
        let id = self
            .store()
            .begin_run(&[format!("follow: {} feeds", self.urls.len())])?;
        *run = Some(id);
        Ok(id)
    }

    /// A poll that got an answer (200 or 304): failures are over, next poll after the interval.
    fn answered(
        &self,
        feed: &mut Feed,
        now: DateTime<Utc>,
        status: &str,
        ttl: Option<Duration>,
        response: &fetch::Exchange,
    ) {
        let max_age = response.header("cache-control").and_then(policy::max_age);
        feed.failures = 0;
        feed.last_error = None;
        feed.last_status = Some(status.into());
        feed.next_poll = at(now, policy::after_success(self.config.every, ttl, max_age));
    }

    /// Reads the items of a feed: the new ones (not seen in this feed before) go into `keys`
    /// and their articles into `articles`, with their pages fetched when the feed carries only
    /// a summary. Gives the number of items and of new ones.
    async fn items(
        &self,
        feed: &str,
        items: Vec<Result<ingest::Article, ingest::ReadError>>,
        keys: &mut Vec<String>,
        articles: &mut Vec<ingest::Article>,
        problems: &mut Vec<String>,
    ) -> Result<(usize, usize), FollowError> {
        let mut read = Vec::new();
        for item in items {
            match item {
                Ok(article) => read.push(article),
                Err(e) => problems.push(e.to_string()),
            }
        }
        let item_keys: Vec<String> = read.iter().map(item_key).collect();
        let seen = self.store().seen_items(feed, &item_keys)?;
        let total = read.len();
        let mut fresh = std::collections::HashSet::new();
        for (article, key) in read.into_iter().zip(item_keys) {
            if seen.contains(&key) || !fresh.insert(key.clone()) {
                continue;
            }
            keys.push(key);
            let page = match (&article.url, self.config.pages) {
                (Some(link), Pages::Fetch) if article.summary_only && fetch::is_url(link) => {
                    link.clone()
                }
                _ => {
                    articles.push(article);
                    continue;
                }
            };
            if self.store().has_url(&page)? {
                continue;
            }
            match self.page(&page).await {
                Ok(mut got) => {
                    if let Some(reason) = text::not_article(&got.text) {
                        problems.push(format!(
                            "{}: {page}: kept, but it is not an article: {reason}",
                            article.source
                        ));
                        got.warnings.push(format!("not an article: {reason}"));
                    }
                    articles.push(got);
                }
                Err(message) => {
                    problems.push(format!(
                        "{}: {message}; the feed's summary is kept",
                        article.source
                    ));
                    articles.push(article);
                }
            }
        }
        Ok((total, fresh.len()))
    }

    /// Fetches an item's page and reads its article.
    async fn page(&self, url: &str) -> Result<ingest::Article, String> {
        let mut problems = Vec::new();
        let fetched = self
            .get(url, &Validators::default(), &mut problems)
            .await
            .map_err(|f| f.message)?;
        let page = match fetched {
            Fetched::Modified(page) => page,
            Fetched::NotModified(_) => return Err(format!("{url}: http status 304 not modified")),
        };
        let response = page.response.as_response();
        let read = ingest::http::read_response(
            &response,
            url,
            ingest::Source::file(url),
            self.config.ingest.max_file_bytes,
        )
        .map_err(|skipped| format!("{url}: {skipped}"))?;
        match read.into_iter().next() {
            Some(Ok(article)) => Ok(article),
            Some(Err(e)) => Err(e.to_string()),
            None => Err(format!("{url}: the page holds no article")),
        }
    }

    /// One polite fetch: allowed by `robots.txt`, in the host's turn, kept in the WARC.
    async fn get(
        &self,
        url: &str,
        validators: &Validators,
        problems: &mut Vec<String>,
    ) -> Result<Fetched, Failure> {
        let now = Utc::now();
        let site = fetch::site(url).map_err(|e| Failure::fetch(&e, now))?;
        let robots = self.robots(&site, problems).await.map_err(|mut failure| {
            failure.message = format!("{url}: {}", failure.message);
            failure
        })?;
        if let Err(rule) = robots.check(&site.path) {
            return Err(Failure {
                message: format!("{url}: not fetched: {rule}"),
                status: "robots".into(),
                retry_after: None,
                blocked: true,
            });
        }
        let delay = robots.crawl_delay().map_or(self.config.host_delay, |d| {
            d.min(self.config.max_crawl_delay)
                .max(self.config.host_delay)
        });
        let fetched = self
            .hosts
            .turn(
                &site.authority,
                delay,
                self.fetcher.fetch_if(url, validators, &mut |exchange| {
                    self.keep(exchange, problems)
                }),
            )
            .await;
        fetched.map_err(|e| Failure::fetch(&e, now))
    }

    /// The `robots.txt` of a site, fetched when not known or too old. A 4xx means no rules;
    /// a 5xx, 429 or no answer fails the request (RFC 9309: nothing is fetched meanwhile).
    async fn robots(
        &self,
        site: &fetch::Site,
        problems: &mut Vec<String>,
    ) -> Result<Arc<Robots>, Failure> {
        let slot = {
            let mut map = self.robots.lock().unwrap_or_else(|e| e.into_inner());
            map.entry(site.origin.clone()).or_default().clone()
        };
        let mut entry = slot.lock().await;
        if let Some((robots, read)) = entry.as_ref()
            && read.elapsed() < self.config.robots_ttl
        {
            return Ok(robots.clone());
        }
        let url = format!("{}/robots.txt", site.origin);
        let fetched = self
            .hosts
            .turn(
                &site.authority,
                self.config.host_delay,
                self.fetcher
                    .fetch(&url, &mut |exchange| self.keep(exchange, problems)),
            )
            .await;
        let agent = &self.config.fetch.user_agent;
        let robots = match fetched {
            Ok(page) => Robots::parse(&page.response.body, agent),
            Err(FetchError::Status { code, .. }) if (400..500).contains(&code) && code != 429 => {
                Robots::allow_all()
            }
            Err(e) => {
                let mut failure = Failure::fetch(&e, Utc::now());
                failure.message = format!(
                    "{e}; nothing is fetched from {} until it answers",
                    site.origin
                );
                return Err(failure);
            }
        };
        let robots = Arc::new(robots);
        *entry = Some((robots.clone(), Instant::now()));
        Ok(robots)
    }

    fn keep(&self, exchange: &fetch::Exchange, problems: &mut Vec<String>) {
        let written = self
            .warc
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .write(exchange);
        if let Err(e) = written {
            problems.push(format!("keeping a fetched response: {e}"));
        }
    }
}

/// The item's key in its feed: its link, or its article id when it has none.
fn item_key(article: &ingest::Article) -> String {
    article.url.clone().unwrap_or_else(|| article.id.clone())
}

/// `now + wait` in Unix seconds.
fn at(now: DateTime<Utc>, wait: Duration) -> i64 {
    now.timestamp()
        .saturating_add(i64::try_from(wait.as_secs()).unwrap_or(i64::MAX / 2))
}
