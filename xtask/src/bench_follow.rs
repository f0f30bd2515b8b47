//! `cargo xtask bench-follow [--feeds N] [--items K] [--minutes M]`: `parallax follow --every 1m`
//! on N feeds (default 500) of K items each (default 20, each carrying its whole article) served
//! by a local HTTP server on 127.0.0.1 that answers 304 to a matching `If-None-Match`, for M
//! minutes (default 3). Prints each round's line as `follow` gives it, the process's peak
//! memory (VmHWM) and its CPU use between rounds as a share of one core, sampled from /proc
//! once a second (a second that holds the end of a round is not counted as between rounds).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::bench_ingest::RemoveOnDrop;

const USAGE: &str = "usage: cargo xtask bench-follow [--feeds N] [--items K] [--minutes M]";

pub fn run(args: &[String]) -> Result<()> {
    let (mut feeds, mut items, mut minutes) = (500usize, 20usize, 3u64);
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it.next().context(USAGE)?;
        match flag.as_str() {
            "--feeds" => feeds = value.parse().context(USAGE)?,
            "--items" => items = value.parse().context(USAGE)?,
            "--minutes" => minutes = value.parse().context(USAGE)?,
            _ => bail!("{USAGE}"),
        }
    }
    let parallax = crate::build_parallax()?;
    let work = std::env::temp_dir().join(format!("parallax-bench-follow-{}", std::process::id()));
    let _cleanup = RemoveOnDrop(work.clone());
    std::fs::create_dir_all(&work)?;
    let base = serve(items)?;
    let list: String = (0..feeds)
        .map(|n| format!("{base}/feeds/{n}.xml\n"))
        .collect();
    let list_path = work.join("feeds.txt");
    std::fs::write(&list_path, list)?;

    let mut child = Command::new(&parallax)
        .arg("--data")
        .arg(work.join("data"))
        .args(["follow", "--every", "1m", "--host-delay", "0s"])
        .arg(&list_path)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .context("starting parallax follow")?;
    let pid = child.id();
    let rounds: Arc<Mutex<Vec<(Instant, String)>>> = Arc::default();
    let stderr = child.stderr.take().context("no stderr")?;
    let seen = rounds.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.starts_with("polled ") {
                seen.lock().unwrap().push((Instant::now(), line));
            } else if line.starts_with("parallax: ") {
                eprintln!("{line}");
            }
        }
    });

    let start = Instant::now();
    let ticks = ticks_per_second();
    let mut last = (Instant::now(), cpu_ticks(pid)?);
    // (seconds, cpu seconds) of the one-second samples between rounds.
    let (mut idle_wall, mut idle_cpu) = (0.0f64, 0.0f64);
    let mut peak_kib = 0u64;
    while start.elapsed() < Duration::from_secs(minutes * 60) {
        std::thread::sleep(Duration::from_secs(1));
        let now = (Instant::now(), cpu_ticks(pid)?);
        peak_kib = peak_kib.max(vm_hwm_kib(pid)?);
        let round_ended = rounds
            .lock()
            .unwrap()
            .iter()
            .any(|(at, _)| *at > last.0 - Duration::from_secs(1));
        let cpu = (now.1 - last.1) as f64 / ticks;
        // Between rounds: the first round is over and no round ended in or just before it.
        let started = !rounds.lock().unwrap().is_empty();
        if started && !round_ended && cpu < 0.5 {
            idle_wall += (now.0 - last.0).as_secs_f64();
            idle_cpu += cpu;
        }
        last = now;
    }
    child.kill().ok();
    child.wait().ok();
    let rounds = rounds.lock().unwrap();
    println!("{feeds} feeds x {items} items on 127.0.0.1, --every 1m, {minutes} min:");
    for (at, line) in rounds.iter() {
        println!("  at {:>5.1} s: {line}", (*at - start).as_secs_f64());
    }
    println!("peak memory (VmHWM): {:.1} MiB", peak_kib as f64 / 1024.0);
    if idle_wall > 0.0 {
        println!(
            "cpu between rounds: {:.2}% of one core ({idle_wall:.0} s sampled)",
            100.0 * idle_cpu / idle_wall
        );
    }
    Ok(())
}

/// Serves the feeds on a thread of its own and gives the base URL.
fn serve(items: usize) -> Result<String> {
    use axum::extract::Path;
    use axum::http::{HeaderMap, StatusCode, header};
    use axum::response::{IntoResponse, Response};

    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    listener.set_nonblocking(true)?;
    let base = format!("http://{}", listener.local_addr()?);
    let feed = move |Path(name): Path<String>, headers: HeaderMap| async move {
        let n: usize = name.trim_end_matches(".xml").parse().unwrap_or(0);
        if headers
            .get(header::IF_NONE_MATCH)
            .is_some_and(|v| v.as_bytes() == b"\"1\"")
        {
            return (StatusCode::NOT_MODIFIED, [(header::ETAG, "\"1\"")]).into_response();
        }
        let body: String = (0..items)
            .map(|i| {
                format!(
                    "<item><title>Council {n} report {i}</title>\
                     <link>http://127.0.0.1/feeds/{n}/{i}</link>\
                     <pubDate>Mon, 02 Mar 2026 {:02}:{:02}:00 GMT</pubDate>\
                     <content:encoded>&lt;p&gt;The council of district {n} met on Monday for \
                     session {i} and voted on the harbour budget, the mayor said. Work on the sea \
                     wall is to start in {} weeks.&lt;/p&gt;</content:encoded></item>",
                    i % 24,
                    n % 60,
                    n + i
                )
            })
            .collect();
        let feed = format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\" \
             xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel>\
             <title>District {n} Gazette</title>{body}</channel></rss>"
        );
        let response: Response = (
            [
                (header::CONTENT_TYPE, "application/rss+xml"),
                (header::ETAG, "\"1\""),
            ],
            feed,
        )
            .into_response();
        response
    };
    let app = axum::Router::new()
        .route(
            "/robots.txt",
            axum::routing::get(|| async { "User-agent: *\nDisallow: /private\n" }),
        )
        .route("/feeds/{name}", axum::routing::get(feed));
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
            axum::serve(listener, app).await.expect("serve");
        });
    });
    Ok(base)
}

/// utime + stime of a process, in clock ticks.
fn cpu_ticks(pid: u32) -> Result<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let get = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // utime and stime are fields 14 and 15 of stat, 12 and 13 after the state.
    Ok(get(11) + get(12))
}

fn vm_hwm_kib(pid: u32) -> Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    Ok(status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0))
}

fn ticks_per_second() -> f64 {
    // SAFETY: sysconf has no preconditions.
    let t = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if t > 0 { t as f64 } else { 100.0 }
}
