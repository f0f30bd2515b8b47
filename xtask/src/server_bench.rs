//! `cargo xtask bench-server [--seconds N] [--connections N] [--ingest N]`: load on the web
//! server over loopback. Generates a 50-article story about one fictional event, ingests it into
//! a fresh store with the release `parallax` binary, starts `parallax serve` on 127.0.0.1, then
//! runs three bounded phases with N keep-alive connections (default 64): the story page, then
//! `/api/stories/{id}`, then both while another connection ingests articles through
//! `POST /api/articles`. Reports requests/s, p50/p99/max latency and errors per phase, and checks
//! that every ingested article can be read back. Loopback only; every loop stops by itself.
//!
//! `--store N` instead builds a store of N generated articles (stories of 25) and loads story pages, the stories
//! index (page and API) and search with the connections while a separate `parallax ingest`
//! process stores `--ingest` (at least 1,000) more: p99 per endpoint, errors, and the time from
//! the end of that ingest until the server shows its last article in a story. `--keep DIR`
//! keeps the generated articles and the N-article store in DIR and reuses them on the next run
//! (each run starts from a copy of that store, so the `--ingest` articles are new every time).
//!
//! Also holds the helpers `screenshots` shares: building `parallax`, starting and stopping the
//! server, and a tiny HTTP/1.1 client (std only).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};

pub const TOKEN: &str = "bench-token";

pub fn run(args: &[String]) -> Result<()> {
    let mut seconds = 10u64;
    let mut connections = 64usize;
    let mut ingest = 100usize;
    let mut store_articles = None;
    let mut keep: Option<PathBuf> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| -> Result<usize> {
            it.next()
                .and_then(|v| v.parse().ok())
                .with_context(|| format!("{name} needs a number"))
        };
        match a.as_str() {
            "--seconds" => seconds = value("--seconds")?.clamp(1, 120) as u64,
            "--connections" => connections = value("--connections")?.clamp(1, 512),
            "--ingest" => ingest = value("--ingest")?.clamp(1, 10_000),
            "--store" => {
                store_articles = Some(value("--store")?.clamp(1000, 1_000_000) / 1000 * 1000)
            }
            "--keep" => keep = Some(it.next().context("--keep needs a folder")?.into()),
            other => bail!("unknown argument {other:?}"),
        }
    }
    let parallax = crate::build_parallax()?;
    if let Some(n) = store_articles {
        return large_store(
            &parallax,
            n,
            ingest.max(1000) / 1000 * 1000,
            connections,
            seconds,
            keep.as_deref(),
        );
    }
    ensure!(keep.is_none(), "--keep goes with --store");
    let data = tempdir("parallax-bench-server")?;
    let records = data.join("story.jsonl");
    std::fs::write(&records, story_records(50))?;
    let status = Command::new(&parallax)
        .args(["--quiet", "--data"])
        .arg(&data)
        .arg("ingest")
        .arg(&records)
        .status()
        .context("running parallax ingest")?;
    ensure!(status.success(), "parallax ingest failed");

    let server = Server::start(&parallax, &data, Some(TOKEN))?;
    let stories = server.get_json("/api/stories")?;
    let story = stories["stories"]
        .as_array()
        .and_then(|s| s.iter().max_by_key(|s| s["articles"].as_u64()))
        .context("no story")?;
    let id = story["id"].as_str().context("story id")?.to_owned();
    println!(
        "story {id}: {} articles, {} outlets (of 50 generated)",
        story["articles"],
        story["outlets"].as_array().map_or(0, Vec::len)
    );
    let page = format!("/stories/{id}");
    let api = format!("/api/stories/{id}");
    // The first request computes the brief; time it separately.
    let t = Instant::now();
    server.get(&api)?;
    println!("first brief: {:.0} ms", t.elapsed().as_secs_f64() * 1e3);
    let bytes = server.get(&page)?.1.len();
    println!("story page: {bytes} bytes\n");

    println!(
        "{:<34} {:>9} {:>9} {:>8} {:>8} {:>8} {:>7}",
        "phase", "requests", "req/s", "p50 ms", "p99 ms", "max ms", "errors"
    );
    let port = server.port;
    let d = Duration::from_secs(seconds);
    load(port, "story page", &[&page], connections, d, None).print();
    load(port, "/api/stories/{id}", &[&api], connections, d, None).print();
    let ingested = Arc::new(Mutex::new(Vec::new()));
    let r = load(
        port,
        "both + ingest through the API",
        &[&page, &api],
        connections,
        d,
        Some((ingest, ingested.clone())),
    );
    r.print();
    let ids = ingested.lock().map(|v| v.clone()).unwrap_or_default();
    let mut missing = 0;
    for aid in &ids {
        if server.get(&format!("/api/articles/{aid}"))?.0 != 200 {
            missing += 1;
        }
    }
    println!(
        "\ningest under load: {} articles posted, {} answered 2xx, {} failed, {} missing afterwards",
        r.ingest_sent,
        ids.len(),
        r.ingest_failed,
        missing
    );
    drop(server);
    let _ = std::fs::remove_dir_all(&data);
    ensure!(
        r.errors == 0 && r.ingest_failed == 0 && missing == 0,
        "errors under load"
    );
    Ok(())
}

/// `--store N`: a store of N generated articles in stories of [`PER_STORY`], then
/// `connections` connections reading story pages, the stories index (page and API) and search
/// while another process (`parallax ingest`) stores `new` more; p99 per endpoint, errors, and how
/// long after that ingest ends its last article shows up in the server (with its story).
fn large_store(
    parallax: &Path,
    n: usize,
    new: usize,
    connections: usize,
    seconds: u64,
    keep: Option<&Path>,
) -> Result<()> {
    let (work, _cleanup) = match keep {
        Some(dir) => {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            (dir.to_owned(), None)
        }
        None => {
            let work = tempdir("parallax-bench-server-store")?;
            (work.clone(), Some(crate::bench_ingest::RemoveOnDrop(work)))
        }
    };
    // Kept stores are named by their size, so one folder can keep several.
    let base = work.join(format!("store-{n}"));
    let input = work.join("articles");
    for f in 0..(n + new) / 1000 {
        let file = input.join(format!("{f:03}")).join("records.jsonl");
        if file.is_file() {
            continue;
        }
        let folder = input.join(format!("{f:03}"));
        std::fs::create_dir_all(&folder)?;
        let records: String = (f * 1000..(f + 1) * 1000)
            .map(|i| story_article(i, PER_STORY) + "\n")
            .collect();
        std::fs::write(folder.join("records.jsonl"), records)?;
    }
    let folders = |range: std::ops::Range<usize>| -> Vec<PathBuf> {
        range.map(|f| input.join(format!("{f:03}"))).collect()
    };
    if !base.join("complete").is_file() {
        let _ = std::fs::remove_dir_all(&base);
        let t = Instant::now();
        let status = Command::new(parallax)
            .args(["--quiet", "--data"])
            .arg(&base)
            .arg("ingest")
            .args(folders(0..n / 1000))
            .status()
            .context("running parallax ingest")?;
        ensure!(status.success(), "parallax ingest failed");
        std::fs::write(base.join("complete"), "")?;
        println!("stored {n} articles in {:.0} s", t.elapsed().as_secs_f64());
    } else {
        println!("reusing the {n}-article store in {}", base.display());
    }
    // Every run starts from a copy, so the new articles are new each time.
    let data = work.join("data");
    let _ = std::fs::remove_dir_all(&data);
    std::fs::create_dir_all(&data)?;
    for entry in std::fs::read_dir(&base)? {
        let entry = entry?;
        if entry.file_type()?.is_file() && entry.file_name() != "complete" {
            std::fs::copy(entry.path(), data.join(entry.file_name()))
                .with_context(|| format!("copying {}", entry.path().display()))?;
        }
    }
    // The id of the last new article, to see when the server shows it.
    let new_folders = folders(n / 1000..(n + new) / 1000);
    let last_file = input
        .join(format!("{:03}", (n + new) / 1000 - 1))
        .join("records.jsonl");
    let out = Command::new(parallax)
        .args(["extract", "--format", "jsonl"])
        .arg(&last_file)
        .output()?;
    let last: serde_json::Value = serde_json::from_slice(
        out.stdout
            .split(|&b| b == b'\n')
            .rfind(|l| !l.is_empty())
            .context("no record extracted")?,
    )?;
    let last_id = last["id"]
        .as_str()
        .context("id of the last new article")?
        .to_owned();

    let t = Instant::now();
    let server = Server::start_within(parallax, &data, None, Duration::from_secs(3600))?;
    println!("server up in {:.0} s", t.elapsed().as_secs_f64());
    let list = server.get_json("/api/stories?limit=20")?;
    let stories: Vec<String> = list["stories"]
        .as_array()
        .context("stories")?
        .iter()
        .filter_map(|s| s["id"].as_str().map(|id| format!("/stories/{id}")))
        .collect();
    println!("{} stories in the store", list["total"]);
    // Briefs are computed on first use: warm them, as a running server would have.
    for p in &stories {
        server.get(p)?;
    }
    // The place of 200 stories spread over the store (25 articles each), alone and with a word
    // of every article, then words of a sixth of the corpus and a word of every article: 403
    // queries, so most are asked a few times in a run, as searches repeat on a live server,
    // and every store change (the ingest below) starts the server's search cache again.
    let mut queries = Vec::new();
    for k in 0..200 {
        let sample: serde_json::Value =
            serde_json::from_str(&story_article(k * (n / 200), PER_STORY))?;
        let place = sample["text"]
            .as_str()
            .and_then(|t| t.split(' ').next())
            .context("a place")?
            .to_lowercase();
        queries.push(format!("/api/search?q={place}"));
        queries.push(format!("/api/search?q={place}%20mayor"));
    }
    for q in ["council%20budget", "wildfire%20forest", "mayor"] {
        queries.push(format!("/api/search?q={q}"));
    }
    let endpoints: Vec<(&str, Vec<String>)> = vec![
        ("story page", stories),
        (
            "stories index page /",
            vec!["/".into(), "/?offset=50".into()],
        ),
        (
            "/api/stories",
            vec!["/api/stories".into(), "/api/stories?offset=100".into()],
        ),
        ("/api/search", queries),
    ];

    let port = server.port;
    let writer = {
        let mut cmd = Command::new(parallax);
        cmd.args(["--quiet", "--data"])
            .arg(&data)
            .arg("ingest")
            .args(&new_folders);
        cmd
    };
    let (reports, ingest_secs, visible_after) = mixed_load(
        port,
        &endpoints,
        connections,
        Duration::from_secs(seconds),
        writer,
        &last_id,
    );
    println!(
        "\n{connections} connections for {seconds} s on a {n}-article store while `parallax ingest` \
         stored {new} more"
    );
    println!(
        "{:<24} {:>9} {:>9} {:>8} {:>8} {:>8} {:>7}",
        "endpoint", "requests", "req/s", "p50 ms", "p99 ms", "max ms", "errors"
    );
    let mut errors = 0;
    for r in &reports {
        r.print();
        errors += r.errors;
    }
    match (ingest_secs, visible_after) {
        (Some(i), Some(v)) => println!(
            "ingest of {new}: {i:.1} s; its last article shown (with its story) {v:.1} s after it ended"
        ),
        (Some(i), None) => {
            println!("ingest of {new}: {i:.1} s; its last article NOT shown within the run")
        }
        _ => println!("the ingest did not finish within the run"),
    }
    ensure!(errors == 0, "errors under load");
    Ok(())
}

/// Articles per generated story in `--store` mode: a store of N articles holds N / 25 stories,
/// each a few hours of reports, and stories 8 days apart (dated articles more than 7 days apart
/// never share a story), so the index has thousands of stories as a real archive would
/// (`bench-ingest`'s generator copies 8 stories 12,500 times each, whose briefs alone take
/// minutes).
const PER_STORY: usize = 25;

/// Article `i` of the `--store` corpus: story `i / per_story`, one of six kinds of event, with
/// its own place, people and figures, told by ten outlets.
fn story_article(i: usize, per_story: usize) -> String {
    const SYLLABLES: &[&str] = &[
        "ka", "lo", "mer", "vi", "sten", "ra", "dal", "or", "fen", "hu", "bri", "tas", "gul", "no",
        "pe", "vik", "sa", "mun", "tor", "el",
    ];
    const OUTLETS: &[&str] = &[
        "NWS",
        "Meridian Press",
        "Ostland Broadcasting",
        "Marrow Gazette",
        "Nordhaven Ledger",
        "Valdoria Today",
        "Radio Kessel",
        "Veskar Courier",
        "Ostburg Evening News",
        "Lakeside Herald",
    ];
    const EVENTS: &[(&str, &str)] = &[
        (
            "Ferry fire off {P}",
            "A fire broke out on the ferry {N} off {P}, and {X} passengers were taken off by boats.",
        ),
        (
            "Flood hits {P}",
            "The river burst its banks at {P} and {X} homes were flooded overnight.",
        ),
        (
            "Strike at {P} port",
            "Dock workers at {P} walked out over pay, leaving {X} ships waiting at anchor.",
        ),
        (
            "{P} council rejects budget",
            "The council of {P} rejected the budget by {X} votes after a long debate about schools.",
        ),
        (
            "Wildfire near {P}",
            "A wildfire spread through the forest near {P} and {X} people left their homes.",
        ),
        (
            "Comet seen from {P}",
            "Astronomers at the {P} observatory reported a comet that {X} people watched last night.",
        ),
    ];
    let s = i / per_story;
    let k = i % per_story;
    let name = |seed: usize| -> String {
        let mut w = String::new();
        let mut x = seed;
        for _ in 0..3 {
            w.push_str(SYLLABLES[x % SYLLABLES.len()]);
            x /= SYLLABLES.len();
        }
        let mut c = w.chars();
        c.next()
            .map_or(w.clone(), |f| f.to_uppercase().chain(c).collect())
    };
    let place = name(s);
    let person = format!("{} {}", name(s * 7 + 3), name(s * 13 + 5));
    let figure = 100 + (s * 37) % 900;
    let (title, lead) = EVENTS[s % EVENTS.len()];
    let fill = |t: &str| {
        t.replace("{P}", &place)
            .replace("{N}", &name(s + 11))
            .replace("{X}", &figure.to_string())
    };
    let outlet = OUTLETS[(i * 3) % OUTLETS.len()];
    let day = chrono::NaiveDate::from_ymd_opt(1990, 1, 1).expect("a date")
        + chrono::Days::new(8 * s as u64);
    let text = format!(
        "{} - {}\n\n\"We are doing everything we can,\" {person}, the mayor of {place}, said on \
         {}.\n\nReport {k} of {outlet} on the events in {place}; more on {} is expected.",
        place.to_uppercase(),
        fill(lead),
        day.format("%A"),
        fill(title).to_lowercase(),
    );
    serde_json::json!({
        "outlet": outlet,
        "title": format!("{} ({outlet}, report {k})", fill(title)),
        "url": format!("https://news.example/{i}"),
        "published": format!("{day}T{:02}:{:02}:00+00:00", 6 + k % 16, (i * 7) % 60),
        "language": "en",
        "text": text,
    })
    .to_string()
}

/// A request slower than this is listed by [`mixed_load`], with its path and when it started.
const SLOW: Duration = Duration::from_millis(50);

/// Like [`load`], with each connection going round `endpoints` and a report per endpoint, while
/// `writer` runs; also polls until `last_id` is shown with a story after the writer exits.
/// Returns the reports, the writer's time and how long after its end the article showed up.
fn mixed_load(
    port: u16,
    endpoints: &[(&str, Vec<String>)],
    connections: usize,
    duration: Duration,
    mut writer: Command,
    last_id: &str,
) -> (Vec<Report>, Option<f64>, Option<f64>) {
    let start = Instant::now();
    let deadline = start + duration;
    let paths: Arc<Vec<Vec<String>>> = Arc::new(endpoints.iter().map(|e| e.1.clone()).collect());
    let mut handles = Vec::new();
    for c in 0..connections {
        let paths = paths.clone();
        handles.push(std::thread::spawn(move || {
            let mut lat: Vec<Vec<Duration>> = vec![Vec::new(); paths.len()];
            let mut errors = vec![0usize; paths.len()];
            // Requests over SLOW: (time taken, when it started, path).
            let mut slow: Vec<(Duration, Duration, String)> = Vec::new();
            let mut conn: Option<Client> = None;
            let mut k = c;
            while Instant::now() < deadline {
                let e = k % paths.len();
                let path = &paths[e][(k / paths.len()) % paths[e].len()];
                k += 1;
                if conn.is_none() {
                    conn = Client::connect(port).ok();
                }
                let Some(client) = conn.as_mut() else {
                    errors[e] += 1;
                    std::thread::sleep(Duration::from_millis(10));
                    continue;
                };
                let t = Instant::now();
                match client.request("GET", path, None) {
                    Ok((200, _)) => {
                        let took = t.elapsed();
                        lat[e].push(took);
                        if took > SLOW && slow.len() < 1000 {
                            slow.push((took, t - start, path.clone()));
                        }
                    }
                    Ok(_) => errors[e] += 1,
                    Err(_) => {
                        errors[e] += 1;
                        conn = None;
                    }
                }
            }
            (lat, errors, slow)
        }));
    }
    let wrote = Instant::now();
    let mut ingest_secs = None;
    let mut visible_after = None;
    if let Ok(mut child) = writer.spawn() {
        while Instant::now() < deadline {
            if let Ok(Some(status)) = child.try_wait() {
                if status.success() {
                    ingest_secs = Some(wrote.elapsed().as_secs_f64());
                }
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        if ingest_secs.is_some() {
            let ended = Instant::now();
            let mut client = Client::connect(port).ok();
            while Instant::now() < deadline {
                let shown = client
                    .as_mut()
                    .and_then(|c| {
                        c.request("GET", &format!("/api/articles/{last_id}"), None)
                            .ok()
                    })
                    .filter(|(status, _)| *status == 200)
                    .and_then(|(_, body)| serde_json::from_slice::<serde_json::Value>(&body).ok())
                    .is_some_and(|v| v["story"].is_string());
                if shown {
                    visible_after = Some(ended.elapsed().as_secs_f64());
                    break;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        } else {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
    let mut reports: Vec<Report> = endpoints
        .iter()
        .map(|(name, _)| Report {
            phase: (*name).to_owned(),
            latencies: Vec::new(),
            errors: 0,
            elapsed: Duration::ZERO,
            ingest_sent: 0,
            ingest_failed: 0,
        })
        .collect();
    let mut slow = Vec::new();
    for h in handles {
        if let Ok((lat, errors, s)) = h.join() {
            for (e, (l, n)) in lat.into_iter().zip(errors).enumerate() {
                reports[e].latencies.extend(l);
                reports[e].errors += n;
            }
            slow.extend(s);
        }
    }
    for r in &mut reports {
        r.elapsed = start.elapsed();
    }
    slow.sort_by_key(|s| std::cmp::Reverse(s.0));
    println!(
        "{} requests over {} ms; the slowest:",
        slow.len(),
        SLOW.as_millis()
    );
    for (took, at, path) in slow.iter().take(8) {
        println!(
            "  {:>7.1} ms at {:>5.1} s  {path}",
            took.as_secs_f64() * 1e3,
            at.as_secs_f64()
        );
    }
    (reports, ingest_secs, visible_after)
}

/// Articles about one fictional event (a ferry fire on Lake Veskar, Ostland), each outlet
/// wording the same facts a little differently.
pub fn story_records(n: usize) -> String {
    const OUTLETS: &[&str] = &[
        "NWS",
        "Meridian Press",
        "Ostland Broadcasting",
        "Marrow Gazette",
        "The Nordhaven Ledger",
        "Valdoria Today",
        "Radio Kessel",
        "Veskar Courier",
        "Ostburg Evening News",
        "Lakeside Herald",
    ];
    const FACTS: &[&[&str]] = &[
        &[
            "A fire broke out on the passenger ferry Veskar Star on Lake Veskar on Sunday evening, forcing 312 passengers to abandon ship.",
            "Fire swept through the ferry Veskar Star on Lake Veskar on Sunday evening and all 312 passengers had to leave the ship.",
        ],
        &[
            "Nine people were taken to hospital in Ostburg with smoke injuries, the regional rescue service said.",
            "The regional rescue service said nine people were treated in hospital in Ostburg for smoke inhalation.",
        ],
        &[
            "\"The crew did everything right and nobody was left behind,\" said Captain Ingrid Sol of the coast guard.",
            "\"The crew did everything right,\" coast guard captain Ingrid Sol said.",
        ],
        &[
            "The fire started in the engine room shortly after the ferry left the port of Ostburg at 18:40.",
            "Investigators believe the blaze began in the engine room soon after the 18:40 departure from Ostburg.",
        ],
        &[
            "Transport Minister Aron Feld said the ferry line would be inspected before it sails again.",
            "Aron Feld, the transport minister, ordered an inspection of the line's ships.",
        ],
        &[
            "Fishing boats and two coast guard vessels took passengers off the ferry within an hour.",
            "Within an hour, fishing boats and two coast guard vessels had picked up the passengers.",
        ],
        &[
            "The Veskar Star, built in 1998, carries up to 400 passengers between Ostburg and Lindholm.",
            "Built in 1998, the Veskar Star can carry 400 passengers on the Ostburg to Lindholm route.",
        ],
        &[
            "The ferry operator, Veskar Lines, said it had suspended all crossings until Wednesday.",
            "Veskar Lines suspended its crossings until Wednesday, the company said.",
        ],
    ];
    let mut out = String::new();
    for i in 0..n {
        let outlet = OUTLETS[i % OUTLETS.len()];
        let mut paragraphs = Vec::new();
        for (k, fact) in FACTS.iter().enumerate() {
            // Every article carries the lead; the others drop a fact now and then.
            if k == 0 || (i + k) % 5 != 0 {
                paragraphs.push(fact[(i / OUTLETS.len() + k) % fact.len()].to_owned());
            }
        }
        paragraphs.push(format!(
            "This is report number {i} from {outlet}'s correspondent in Ostburg."
        ));
        let record = serde_json::json!({
            "outlet": outlet,
            "title": format!("Ferry fire on Lake Veskar: 312 passengers rescued ({outlet}, update {i})"),
            "url": format!("https://news.example/{i}"),
            "published": format!("2026-07-{:02}T{:02}:{:02}:00+02:00", 5 + i / 30, (19 + i / 3) % 24, (i * 7) % 60),
            "language": "en",
            "text": format!("OSTBURG - {}", paragraphs.join("\n\n")),
        });
        out.push_str(&record.to_string());
        out.push('\n');
    }
    out
}

/// An ingest record about an unrelated small event (a new story each), or every tenth one a
/// late update of the ferry story.
fn ingest_record(i: usize) -> String {
    if i % 10 == 9 {
        let mut line = story_records(51 + i)
            .lines()
            .last()
            .unwrap_or("")
            .to_owned();
        line = line.replace("update", "late update");
        return line;
    }
    serde_json::json!({
        "outlet": "Bench Wire",
        "title": format!("Council of town {i} approves a new bridge over the river {i}"),
        "published": "2026-08-01T10:00:00+02:00",
        "language": "en",
        "text": format!("TOWN{i} - The council of the fictional town number {i} voted 7 to 2 on Tuesday to build a bridge over the river {i}, mayor Lena Berg{i} said.\n\nWork on the {i} metre bridge starts in spring and costs {i} million crowns, the council said."),
    })
    .to_string()
}

struct Report {
    phase: String,
    latencies: Vec<Duration>,
    errors: usize,
    elapsed: Duration,
    ingest_sent: usize,
    ingest_failed: usize,
}

impl Report {
    fn print(&self) {
        let mut l = self.latencies.clone();
        l.sort_unstable();
        let q = |p: f64| {
            l.get(((l.len() as f64 * p).ceil() as usize).saturating_sub(1))
                .map_or(0.0, |d| d.as_secs_f64() * 1e3)
        };
        println!(
            "{:<34} {:>9} {:>9.0} {:>8.1} {:>8.1} {:>8.1} {:>7}",
            self.phase,
            l.len(),
            l.len() as f64 / self.elapsed.as_secs_f64(),
            q(0.50),
            q(0.99),
            q(1.0),
            self.errors
        );
    }
}

/// `connections` threads, each on one keep-alive connection, requesting `paths` in turn until
/// `duration` is over; optionally one more thread posting `n` articles meanwhile.
fn load(
    port: u16,
    phase: &str,
    paths: &[&str],
    connections: usize,
    duration: Duration,
    ingest: Option<(usize, Arc<Mutex<Vec<String>>>)>,
) -> Report {
    let stop = Arc::new(AtomicBool::new(false));
    let start = Instant::now();
    let deadline = start + duration;
    let mut handles = Vec::new();
    for c in 0..connections {
        let paths: Vec<String> = paths.iter().map(|p| p.to_string()).collect();
        handles.push(std::thread::spawn(move || {
            let mut lat = Vec::new();
            let mut errors = 0usize;
            let mut conn: Option<Client> = None;
            let mut k = c;
            while Instant::now() < deadline {
                let path = &paths[k % paths.len()];
                k += 1;
                if conn.is_none() {
                    conn = Client::connect(port).ok();
                }
                let Some(client) = conn.as_mut() else {
                    errors += 1;
                    std::thread::sleep(Duration::from_millis(10));
                    continue;
                };
                let t = Instant::now();
                match client.request("GET", path, None) {
                    Ok((200, _)) => lat.push(t.elapsed()),
                    Ok(_) => errors += 1,
                    Err(_) => {
                        errors += 1;
                        conn = None;
                    }
                }
            }
            (lat, errors)
        }));
    }
    let ingester = ingest.map(|(n, ids)| {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let (mut sent, mut failed) = (0, 0);
            let mut client = Client::connect(port).ok();
            for i in 0..n {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                sent += 1;
                let body = ingest_record(i);
                let r = client
                    .as_mut()
                    .context("no connection")
                    .and_then(|c| c.request("POST", "/api/articles", Some(&body)));
                match r {
                    Ok((s, body)) if (200..300).contains(&s) => {
                        let v: serde_json::Value =
                            serde_json::from_slice(&body).unwrap_or_default();
                        if let Some(id) = v["articles"][0]["id"].as_str()
                            && let Ok(mut ids) = ids.lock()
                        {
                            ids.push(id.to_owned());
                        }
                    }
                    _ => {
                        failed += 1;
                        client = Client::connect(port).ok();
                    }
                }
            }
            (sent, failed)
        })
    });
    let mut report = Report {
        phase: phase.to_owned(),
        latencies: Vec::new(),
        errors: 0,
        elapsed: Duration::ZERO,
        ingest_sent: 0,
        ingest_failed: 0,
    };
    for h in handles {
        if let Ok((lat, errors)) = h.join() {
            report.latencies.extend(lat);
            report.errors += errors;
        }
    }
    report.elapsed = start.elapsed();
    stop.store(true, Ordering::Relaxed);
    if let Some(h) = ingester
        && let Ok((sent, failed)) = h.join()
    {
        report.ingest_sent = sent;
        report.ingest_failed = failed;
    }
    report
}

/// One keep-alive HTTP/1.1 connection to 127.0.0.1.
pub struct Client {
    reader: BufReader<TcpStream>,
}

impl Client {
    pub fn connect(port: u16) -> Result<Client> {
        let stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port))?;
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(Duration::from_secs(30)))?;
        Ok(Client {
            reader: BufReader::new(stream),
        })
    }

    /// Sends one request and reads the whole response: `(status, body)`.
    pub fn request(
        &mut self,
        method: &str,
        path: &str,
        json: Option<&str>,
    ) -> Result<(u16, Vec<u8>)> {
        let mut req = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        if let Some(body) = json {
            req.push_str(&format!(
                "Authorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            ));
        } else {
            req.push_str("\r\n");
        }
        self.reader.get_mut().write_all(req.as_bytes())?;
        let mut line = String::new();
        self.reader.read_line(&mut line)?;
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .with_context(|| format!("bad status line {line:?}"))?;
        let mut length = None;
        loop {
            line.clear();
            self.reader.read_line(&mut line)?;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':')
                && k.eq_ignore_ascii_case("content-length")
            {
                length = v.trim().parse::<usize>().ok();
            }
        }
        let length = length.context("response without content-length")?;
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body)?;
        Ok((status, body))
    }
}

/// A `parallax serve` child on a free loopback port, killed when dropped.
pub struct Server {
    child: Child,
    pub port: u16,
}

impl Server {
    pub fn start(parallax: &Path, data: &Path, token: Option<&str>) -> Result<Server> {
        Server::start_within(parallax, data, token, Duration::from_secs(60))
    }

    /// Starts the server and waits up to `wait` for it to listen (a large store takes minutes).
    pub fn start_within(
        parallax: &Path,
        data: &Path,
        token: Option<&str>,
        wait: Duration,
    ) -> Result<Server> {
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?
            .local_addr()?
            .port();
        let mut cmd = Command::new(parallax);
        cmd.args(["--quiet", "--data"])
            .arg(data)
            .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
            .env_remove("PARALLAX_TOKEN")
            .stdout(Stdio::null());
        if let Some(t) = token {
            cmd.args(["--ingest-token", t]);
        }
        let server = Server {
            child: cmd.spawn().context("starting parallax serve")?,
            port,
        };
        let deadline = Instant::now() + wait;
        while Client::connect(port).is_err() {
            ensure!(
                Instant::now() < deadline,
                "parallax serve did not start in {} s",
                wait.as_secs()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(server)
    }

    pub fn get(&self, path: &str) -> Result<(u16, Vec<u8>)> {
        Client::connect(self.port)?.request("GET", path, None)
    }

    pub fn get_json(&self, path: &str) -> Result<serde_json::Value> {
        let (status, body) = self.get(path)?;
        ensure!(status == 200, "GET {path}: {status}");
        Ok(serde_json::from_slice(&body)?)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A new empty folder under the system temp dir.
pub fn tempdir(prefix: &str) -> Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("{prefix}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
