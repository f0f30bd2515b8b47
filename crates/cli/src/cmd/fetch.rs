//! `parallax fetch URL...`: download pages and feeds and store their articles, as `ingest` does
//! with files (`ingest` takes URLs too, through the same code). Every response received whole
//! is kept in a WARC file under `<data>/warc/`, so `parallax ingest <data>/warc` rebuilds the
//! same articles offline. Each URL that fails is reported and counted; the others go on.

use std::time::Duration;

use anyhow::Result;

use crate::{Context, Outcome};

/// Fetch pages and feeds over HTTP(S) and add their articles to the store
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Pages or feeds to fetch (http or https)
    #[arg(required = true, value_name = "URL")]
    urls: Vec<String>,
    #[command(flatten)]
    fetch: FetchArgs,
    /// Articles written per transaction; a crash loses at most one batch, which a re-run stores
    #[arg(long, default_value_t = 500, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    batch: u64,
}

/// How URLs are fetched (`fetch` and `ingest`).
#[derive(Debug, Clone, clap::Args)]
pub struct FetchArgs {
    /// User-Agent sent with every request [default: Parallax/VERSION]
    #[arg(long, value_name = "STRING")]
    user_agent: Option<String>,
    /// Longest a whole fetch (redirects included) may take: 500ms, 30s, 2m
    #[arg(long, default_value = "60s", value_name = "DURATION", value_parser = duration)]
    timeout: Duration,
    /// Longest wait for a connection or the next bytes of a response
    #[arg(long, default_value = "15s", value_name = "DURATION", value_parser = duration)]
    stall_timeout: Duration,
    /// Redirects followed before giving up
    #[arg(long, default_value_t = 10, value_name = "N")]
    max_redirects: usize,
    /// Largest response body read; a longer one is abandoned [default: 64 MiB]
    #[arg(long, value_name = "BYTES")]
    max_bytes: Option<u64>,
    /// Size at which a WARC file of kept responses is closed and the next begun
    #[arg(long, default_value_t = fetch::warc::Writer::DEFAULT_MAX_FILE_BYTES, value_name = "BYTES")]
    warc_max_bytes: u64,
}

impl FetchArgs {
    pub fn config(&self) -> fetch::Config {
        let defaults = fetch::Config::default();
        fetch::Config {
            user_agent: self.user_agent.clone().unwrap_or(defaults.user_agent),
            max_redirects: self.max_redirects,
            max_bytes: self.max_bytes.unwrap_or(defaults.max_bytes),
            timeout: self.timeout,
            stall_timeout: self.stall_timeout,
        }
    }

    pub fn warc(&self, data: &std::path::Path) -> fetch::warc::Writer {
        fetch::warc::Writer::new(fetch::warc::folder(data), self.warc_max_bytes)
    }
}

pub fn run(args: Args, context: &Context) -> Result<Outcome> {
    let inputs = args
        .urls
        .into_iter()
        .map(super::ingest::Input::Url)
        .collect();
    super::ingest::store_inputs(inputs, &args.fetch, args.batch, context)
}

/// Fetches `url` and reads its articles (one for a page, one per item for a feed), keeping
/// every response in `warc`. Each result is an article or an error naming the URL (or the
/// WARC file that could not be written).
pub fn read_url(
    fetcher: &fetch::Blocking,
    warc: &mut fetch::warc::Writer,
    config: &ingest::Config,
    url: &str,
) -> Vec<Result<ingest::Article, anyhow::Error>> {
    let mut out = Vec::new();
    let mut kept_error = None;
    let fetched = fetcher.fetch(url, &mut |exchange| {
        if let Err(e) = warc.write(exchange)
            && kept_error.is_none()
        {
            kept_error = Some(e);
        }
    });
    if let Some(e) = kept_error {
        out.push(Err(
            anyhow::Error::new(e).context("keeping a fetched response")
        ));
    }
    let page = match fetched {
        Ok(page) => page,
        Err(e) => {
            out.push(Err(e.into()));
            return out;
        }
    };
    let response = page.response.as_response();
    let source = ingest::Source::file(url);
    match ingest::http::read_response(&response, url, source, config.max_file_bytes) {
        Ok(articles) => out.extend(articles.into_iter().map(|r| r.map_err(Into::into))),
        Err(skipped) => out.push(Err(anyhow::anyhow!("{url}: {skipped}"))),
    }
    out
}

/// A duration as `250ms`, `30s`, `1.5s`, `2m`, `1h`, or a number of seconds.
pub fn duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (number, unit) = s.split_at(split);
    let value: f64 = number
        .parse()
        .map_err(|_| format!("{s:?} is not a duration (for example 500ms, 30s, 2m)"))?;
    let seconds = match unit.trim() {
        "ms" => value / 1000.0,
        "" | "s" => value,
        "m" | "min" => value * 60.0,
        "h" => value * 3600.0,
        other => return Err(format!("unknown unit {other:?} (use ms, s, m or h)")),
    };
    Duration::try_from_secs_f64(seconds).map_err(|e| format!("{s:?}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(duration("1.5"), Ok(Duration::from_millis(1500)));
        assert_eq!(duration("2m"), Ok(Duration::from_secs(120)));
        assert!(duration("soon").is_err());
        assert!(duration("5 days").is_err());
    }
}
