//! `eval-dates`: publication dates from web pages, scored on the 778 pages of
//! `../shared/data/dates` (htmldate's evaluation set, `pages/<file>.html.gz` and
//! `gold.json` `{file: {url, date}}`).
//!
//! Each page goes through `ingest::html::extract` with the URL from `gold.json`, as a fetch
//! (a WARC record's target URI) would hand it over. The score is day accuracy: the day of the
//! extracted time, in the zone the page gave, must equal the gold day; a page with no date (or
//! refused as no article) counts as wrong. Pages are split into dev and test halves by a hash
//! of the file name (the same FNV-1a split as `eval-extract`); heuristics are tuned on dev only.
//!
//! With `--htmldate`, htmldate (Python) runs on the same pages from a benchmark-only virtualenv
//! under `target/` for peer figures; it is never used at run time.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result, bail};

struct Page {
    file: String,
    url: String,
    gold: String,
    html: Vec<u8>,
}

fn data_dir() -> PathBuf {
    crate::shared_data().join("dates")
}

fn load() -> Result<Vec<Page>> {
    let dir = data_dir();
    let gold_path = dir.join("gold.json");
    let text = std::fs::read_to_string(&gold_path)
        .with_context(|| format!("reading {}", gold_path.display()))?;
    let gold: BTreeMap<String, serde_json::Value> =
        serde_json::from_str(&text).with_context(|| format!("parsing {}", gold_path.display()))?;
    let mut pages = Vec::new();
    for (file, entry) in gold {
        let path = dir.join("pages").join(format!("{file}.gz"));
        let gz = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        let mut html = Vec::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_end(&mut html)
            .with_context(|| format!("decompressing {}", path.display()))?;
        pages.push(Page {
            url: entry["url"].as_str().unwrap_or("").to_owned(),
            gold: entry["date"].as_str().unwrap_or("").to_owned(),
            file,
            html,
        });
    }
    Ok(pages)
}

/// What one extractor said about one page.
#[derive(Clone, PartialEq)]
enum Outcome {
    Right,
    Wrong(String),
    Missing,
}

fn judge(gold: &str, predicted: Option<String>) -> Outcome {
    match predicted {
        None => Outcome::Missing,
        Some(day) if day == gold => Outcome::Right,
        Some(day) => Outcome::Wrong(day),
    }
}

fn parallax_day(page: &Page) -> (Option<String>, Vec<String>) {
    match ingest::html::extract(&page.html, &page.file, Some(&page.url)) {
        Ok(d) => (d.published.map(|p| p.date_naive().to_string()), d.warnings),
        Err(e) => (None, vec![e.to_string()]),
    }
}

fn report(name: &str, pages: &[Page], outcomes: &[Outcome]) {
    for (split, pick) in [("dev", Some(true)), ("test", Some(false)), ("all", None)] {
        let rows: Vec<&Outcome> = pages
            .iter()
            .zip(outcomes)
            .filter(|(p, _)| pick.is_none_or(|d| crate::extract_eval::is_dev(&p.file) == d))
            .map(|(_, o)| o)
            .collect();
        let right = rows.iter().filter(|o| **o == &Outcome::Right).count();
        let missing = rows.iter().filter(|o| **o == &Outcome::Missing).count();
        let wrong = rows.len() - right - missing;
        println!(
            "{name:<20} {split:<5} pages {:>3}  day accuracy {:.3}  no date {missing:>3}  wrong date {wrong:>3}",
            rows.len(),
            right as f64 / rows.len().max(1) as f64,
        );
    }
}

/// `cargo xtask eval-dates [--htmldate] [--list dev|test|all] [--show FILE]`
pub fn run(args: &[String]) -> Result<()> {
    let mut list: Option<String> = None;
    let mut show: Option<String> = None;
    let mut htmldate = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--list" => list = Some(it.next().context("--list needs dev, test or all")?.clone()),
            "--show" => {
                show = Some(
                    it.next()
                        .context("--show needs a file name prefix")?
                        .clone(),
                )
            }
            "--htmldate" => htmldate = true,
            other => bail!("unknown argument {other:?}"),
        }
    }
    let pages = load()?;
    if let Some(prefix) = show {
        // The extractor's debug events (the date candidates of each page) go to stderr.
        let _ = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .with_writer(std::io::stderr)
            .try_init();
        for page in pages.iter().filter(|p| p.file.starts_with(&prefix)) {
            let (day, warnings) = parallax_day(page);
            println!(
                "== {} {}\ngold {}  got {:?}\nwarnings {:?}",
                page.file, page.url, page.gold, day, warnings
            );
        }
        return Ok(());
    }
    let bytes: usize = pages.iter().map(|p| p.html.len()).sum();
    // One warm-up pass, then a timed one; the outcomes come from the timed pass.
    for page in &pages {
        std::hint::black_box(parallax_day(page));
    }
    let start = Instant::now();
    let cpu_start = crate::extract_eval::thread_cpu_seconds();
    let results: Vec<(Option<String>, Vec<String>)> = pages.iter().map(parallax_day).collect();
    let secs = start.elapsed().as_secs_f64();
    let cpu_secs = crate::extract_eval::thread_cpu_seconds() - cpu_start;
    let outcomes: Vec<Outcome> = pages
        .iter()
        .zip(&results)
        .map(|(p, (day, _))| judge(&p.gold, day.clone()))
        .collect();
    println!(
        "publication dates, {} pages ({:.1} MB), day accuracy (no date counts as wrong)",
        pages.len(),
        bytes as f64 / 1e6
    );
    report("parallax", &pages, &outcomes);
    println!(
        "parallax: {:.0} pages/s wall clock, {:.0} pages per CPU-second, one thread, full extraction (body and metadata)",
        pages.len() as f64 / secs,
        pages.len() as f64 / cpu_secs
    );
    let disagree = results
        .iter()
        .filter(|(_, w)| w.iter().any(|w| w.contains("dates disagree")))
        .count();
    println!("pages with a 'dates disagree' warning: {disagree}");
    if htmldate {
        for (mode, extensive) in [("htmldate fast", false), ("htmldate extensive", true)] {
            let (days, secs) = run_htmldate(&pages, extensive)?;
            let outcomes: Vec<Outcome> = pages
                .iter()
                .map(|p| judge(&p.gold, days.get(&p.file).cloned()))
                .collect();
            report(mode, &pages, &outcomes);
            println!(
                "{mode}: {:.0} pages/s, one process",
                pages.len() as f64 / secs
            );
        }
    }
    if let Some(split) = list {
        println!("\nmissed pages ({split}):");
        for ((page, o), (_, warnings)) in pages.iter().zip(&outcomes).zip(&results) {
            let keep = match split.as_str() {
                "dev" => crate::extract_eval::is_dev(&page.file),
                "test" => !crate::extract_eval::is_dev(&page.file),
                _ => true,
            };
            match o {
                Outcome::Right => {}
                _ if !keep => {}
                Outcome::Missing => println!(
                    "  none   gold {}  {}  {}  {:?}",
                    page.gold, page.file, page.url, warnings
                ),
                Outcome::Wrong(d) => println!(
                    "  wrong  gold {}  got {d}  {}  {}  {:?}",
                    page.gold, page.file, page.url, warnings
                ),
            }
        }
    }
    Ok(())
}

const HTMLDATE_SCRIPT: &str = r#"
import gzip, json, sys, time
from htmldate import find_date
folder, extensive = sys.argv[1], sys.argv[2] == "1"
gold = json.load(open(folder + "/gold.json"))
pages = {f: gzip.open(folder + "/pages/" + f + ".gz").read().decode("utf-8", "replace") for f in gold}
out = {}
start = time.perf_counter()
for f, html in pages.items():
    try:
        out[f] = find_date(html, url=gold[f]["url"], extensive_search=extensive, original_date=True)
    except Exception:
        out[f] = None
out["__seconds__"] = time.perf_counter() - start
print(json.dumps(out))
"#;

/// Runs htmldate from `target/htmldate-venv` (made with `python3 -m venv` and
/// `pip install htmldate`); returns its day per page and the seconds it took.
fn run_htmldate(pages: &[Page], extensive: bool) -> Result<(HashMap<String, String>, f64)> {
    let target = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target");
    let python = target.join("htmldate-venv/bin/python");
    if !python.exists() {
        bail!(
            "no {}: run `python3 -m venv target/htmldate-venv && target/htmldate-venv/bin/pip install htmldate`",
            python.display()
        );
    }
    let script = target.join("htmldate_eval.py");
    std::fs::write(&script, HTMLDATE_SCRIPT)?;
    let out = std::process::Command::new(&python)
        .arg(&script)
        .arg(data_dir())
        .arg(if extensive { "1" } else { "0" })
        .stderr(std::process::Stdio::null())
        .output()
        .context("running htmldate")?;
    anyhow::ensure!(out.status.success(), "htmldate script failed");
    let v: HashMap<String, serde_json::Value> = serde_json::from_slice(&out.stdout)?;
    let secs = v.get("__seconds__").and_then(|s| s.as_f64()).unwrap_or(0.0);
    let days = pages
        .iter()
        .filter_map(|p| {
            let d = v.get(&p.file)?.as_str()?;
            Some((p.file.clone(), d.get(..10)?.to_owned()))
        })
        .collect();
    Ok((days, secs))
}
