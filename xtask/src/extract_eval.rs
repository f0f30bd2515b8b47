//! `eval-extract` and `bench-extract`: article-body extraction from web pages, scored and timed
//! on the 181 pages of `../shared/data/article-extraction` (the Scrapinghub article extraction
//! benchmark).
//!
//! The score is the benchmark's own: texts split into `\w+` tokens, 4-token shingles counted as
//! multisets, tp/fp/fn normalised per page, precision and recall averaged over pages (a page
//! counts for precision only when something was predicted), F1 the harmonic mean of the two
//! averages. Pages are split into dev and test halves by a hash of their id; heuristics are tuned
//! on dev only.

use std::collections::HashMap;
use std::io::Read;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result, bail};

const DATA: &str = "article-extraction";

struct Page {
    id: String,
    url: String,
    truth: String,
    html: Vec<u8>,
}

/// The data folder: `$ARTICLE_EXTRACTION_DIR`, or the shared data beside the checkout.
fn data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("ARTICLE_EXTRACTION_DIR") {
        return dir.into();
    }
    crate::shared_data().join(DATA)
}

fn load() -> Result<Vec<Page>> {
    let dir = data_dir();
    let truth_path = dir.join("ground-truth.json");
    let text = std::fs::read_to_string(&truth_path)
        .with_context(|| format!("reading {}", truth_path.display()))?;
    let truth: HashMap<String, serde_json::Value> =
        serde_json::from_str(&text).with_context(|| format!("parsing {}", truth_path.display()))?;
    let mut ids: Vec<&String> = truth.keys().collect();
    ids.sort();
    let mut pages = Vec::new();
    for id in ids {
        let path = dir.join("html").join(format!("{id}.html.gz"));
        let gz = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        let mut html = Vec::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_end(&mut html)
            .with_context(|| format!("decompressing {}", path.display()))?;
        let entry = &truth[id];
        pages.push(Page {
            id: id.clone(),
            url: entry["url"].as_str().unwrap_or("").to_owned(),
            truth: entry["articleBody"].as_str().unwrap_or("").to_owned(),
            html,
        });
    }
    Ok(pages)
}

/// Dev or test, fixed by an FNV-1a hash of the page id.
pub fn is_dev(id: &str) -> bool {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h.is_multiple_of(2)
}

fn tokens(text: &str) -> Vec<&str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|t| !t.is_empty())
        .collect()
}

fn shingles<'a>(tokens: &'a [&'a str]) -> HashMap<&'a [&'a str], i64> {
    let mut counts = HashMap::new();
    if tokens.is_empty() {
        return counts;
    }
    let n = 4.min(tokens.len());
    for w in tokens.windows(n) {
        *counts.entry(w).or_insert(0) += 1;
    }
    counts
}

/// Normalised (tp, fp, fn) of one page, as the benchmark's `string_shingle_matching`.
fn tp_fp_fn(truth: &str, pred: &str) -> (f64, f64, f64) {
    let tt = tokens(truth);
    let pt = tokens(pred);
    let ts = shingles(&tt);
    let ps = shingles(&pt);
    let (mut tp, mut fp, mut fneg) = (0i64, 0i64, 0i64);
    for (k, &t) in &ts {
        let p = ps.get(k).copied().unwrap_or(0);
        tp += t.min(p);
        fneg += (t - p).max(0);
    }
    for (k, &p) in &ps {
        let t = ts.get(k).copied().unwrap_or(0);
        fp += (p - t).max(0);
    }
    let s = (tp + fp + fneg) as f64;
    if s > 0.0 {
        (tp as f64 / s, fp as f64 / s, fneg as f64 / s)
    } else {
        (0.0, 0.0, 0.0)
    }
}

fn precision(&(tp, fp, fneg): &(f64, f64, f64)) -> f64 {
    if fp == 0.0 && fneg == 0.0 {
        1.0
    } else if tp == 0.0 && fp == 0.0 {
        0.0
    } else {
        tp / (tp + fp)
    }
}

fn recall(&(tp, fp, fneg): &(f64, f64, f64)) -> f64 {
    if fp == 0.0 && fneg == 0.0 {
        1.0
    } else if tp == 0.0 && fneg == 0.0 {
        0.0
    } else {
        tp / (tp + fneg)
    }
}

/// (precision, recall, F1) over pages, as the benchmark's `metrics_from_tp_fp_fns`.
fn metrics(scores: &[(f64, f64, f64)]) -> (f64, f64, f64) {
    let mean = |v: Vec<f64>| {
        if v.is_empty() {
            0.0
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        }
    };
    let p = mean(
        scores
            .iter()
            .filter(|s| s.0 + s.1 > 0.0)
            .map(precision)
            .collect(),
    );
    let r = mean(
        scores
            .iter()
            .filter(|s| s.0 + s.2 > 0.0)
            .map(recall)
            .collect(),
    );
    let f = if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    (p, r, f)
}

fn extract_body(page: &Page) -> String {
    match ingest::html::extract(&page.html, &page.id, Some(&page.url)) {
        Ok(draft) => draft.body,
        Err(_) => String::new(),
    }
}

/// `cargo xtask eval-extract [--worst N] [--dump DIR] [--split dev|test|all] [--show ID]`
/// `--meta`: one tab-separated row per page (id, host, outlet, title, authors, day, url) for
/// checking titles, outlets and authors by hand; the benchmark has no gold for them.
fn meta_table() -> Result<()> {
    println!("id\toutlet\ttitle\tauthors\tpublished\turl");
    for page in load()? {
        match ingest::html::extract(&page.html, &page.id, Some(&page.url)) {
            Ok(d) => println!(
                "{}\t{}\t{}\t{}\t{}\t{}",
                &page.id[..12],
                d.outlet.unwrap_or_default(),
                d.title.unwrap_or_default(),
                d.authors.join("; "),
                d.published.map(|p| p.to_rfc3339()).unwrap_or_default(),
                page.url
            ),
            Err(e) => println!("{}\terror: {e}\t\t\t\t{}", &page.id[..12], page.url),
        }
    }
    Ok(())
}

/// `cargo xtask eval-extract [--split dev|test|all] [--worst N] [--dump DIR] [--show ID] [--meta]`
pub fn eval_task(args: &[String]) -> Result<()> {
    let mut worst = 10usize;
    let mut dump: Option<PathBuf> = None;
    let mut only: Option<String> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--worst" => worst = it.next().context("--worst needs a number")?.parse()?,
            "--dump" => dump = Some(it.next().context("--dump needs a folder")?.into()),
            "--show" => {
                let prefix = it.next().context("--show needs a page id prefix")?;
                return show(prefix);
            }
            "--split" => only = Some(it.next().context("--split needs dev, test or all")?.clone()),
            "--meta" => return meta_table(),
            other => bail!("unknown argument {other:?}"),
        }
    }
    let pages = load()?;
    if let Some(dir) = &dump {
        std::fs::create_dir_all(dir)?;
    }
    let mut rows = Vec::new();
    for page in &pages {
        let pred = extract_body(page);
        let s = tp_fp_fn(&page.truth, &pred);
        if let Some(dir) = &dump {
            std::fs::write(dir.join(format!("{}.pred.txt", page.id)), &pred)?;
            std::fs::write(dir.join(format!("{}.true.txt", page.id)), &page.truth)?;
        }
        rows.push((page, s));
    }
    println!(
        "article extraction, {} pages (4-token shingles, per-page averages)",
        pages.len()
    );
    for (name, pick) in [("dev", Some(true)), ("test", Some(false)), ("all", None)] {
        let scores: Vec<_> = rows
            .iter()
            .filter(|(p, _)| pick.is_none_or(|d| is_dev(&p.id) == d))
            .map(|(_, s)| *s)
            .collect();
        let (p, r, f) = metrics(&scores);
        println!(
            "{name:<5} pages {:>3}  precision {p:.4}  recall {r:.4}  F1 {f:.4}",
            scores.len()
        );
    }
    let mut listed: Vec<_> = rows
        .iter()
        .filter(|(p, _)| match only.as_deref() {
            Some("test") => !is_dev(&p.id),
            Some("all") => true,
            _ => is_dev(&p.id),
        })
        .collect();
    listed.sort_by(|a, b| {
        let fa = 2.0 * precision(&a.1) * recall(&a.1) / (precision(&a.1) + recall(&a.1) + 1e-9);
        let fb = 2.0 * precision(&b.1) * recall(&b.1) / (precision(&b.1) + recall(&b.1) + 1e-9);
        fa.total_cmp(&fb)
    });
    if worst > 0 {
        println!(
            "\nworst {} pages ({}):",
            worst,
            only.as_deref().unwrap_or("dev")
        );
        for (page, s) in listed.iter().take(worst) {
            println!(
                "  {}  P {:.3}  R {:.3}  {}",
                &page.id[..12],
                precision(s),
                recall(s),
                page.url
            );
        }
    }
    Ok(())
}

/// Prints what the extractor makes of one page: metadata, warnings and body.
fn show(prefix: &str) -> Result<()> {
    for page in load()?.iter().filter(|p| p.id.starts_with(prefix)) {
        println!("== {} {}", page.id, page.url);
        match ingest::html::extract(&page.html, &page.id, Some(&page.url)) {
            Ok(d) => {
                println!(
                    "title: {:?}\noutlet: {:?}\nauthors: {:?}",
                    d.title, d.outlet, d.authors
                );
                println!(
                    "published: {:?}\nurl: {:?}\nlanguage: {:?}",
                    d.published, d.url, d.language
                );
                println!("warnings: {:?}\n\n{}", d.warnings, d.body);
            }
            Err(e) => println!("error: {e}"),
        }
    }
    Ok(())
}

/// `cargo xtask bench-extract [--runs N]`: pages per second over all pages, one thread.
pub fn bench_task(args: &[String]) -> Result<()> {
    let mut runs = 7usize;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--runs" => runs = it.next().context("--runs needs a number")?.parse()?,
            other => bail!("unknown argument {other:?}"),
        }
    }
    let pages = load()?;
    let bytes: usize = pages.iter().map(|p| p.html.len()).sum();
    // One warm-up run, then the timed ones.
    let mut sink = 0usize;
    for page in &pages {
        sink += extract_body(page).len();
    }
    let mut rates = Vec::new();
    let mut cpu_rates = Vec::new();
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        let cpu_start = thread_cpu_seconds();
        for page in &pages {
            let draft = ingest::html::extract(&page.html, &page.id, Some(&page.url));
            sink += draft
                .map(|d| d.body.len() + d.title.map_or(0, |t| t.len()))
                .unwrap_or(0);
        }
        rates.push(pages.len() as f64 / start.elapsed().as_secs_f64());
        cpu_rates.push(pages.len() as f64 / (thread_cpu_seconds() - cpu_start));
    }
    rates.sort_by(f64::total_cmp);
    cpu_rates.sort_by(f64::total_cmp);
    let median = rates[rates.len() / 2];
    println!(
        "html extraction: {} pages, {:.1} MB, {} runs, one thread",
        pages.len(),
        bytes as f64 / 1e6,
        rates.len()
    );
    println!(
        "median {median:.0} pages/s ({:.0} MB/s), min {:.0}, max {:.0}",
        median * bytes as f64 / pages.len() as f64 / 1e6,
        rates[0],
        rates[rates.len() - 1]
    );
    println!(
        "median {:.0} pages per CPU-second of this thread (wall-clock rates suffer when the machine is shared)",
        cpu_rates[cpu_rates.len() / 2]
    );
    println!(
        "peak RSS {:.1} MB (decompressed pages held in memory)",
        peak_rss_kb() as f64 / 1024.0
    );
    std::hint::black_box(sink);
    Ok(())
}

/// CPU time used by the calling thread so far, in seconds.
pub fn thread_cpu_seconds() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime only writes into the struct we pass.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc == 0 {
        ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
    } else {
        0.0
    }
}

fn peak_rss_kb() -> i64 {
    // SAFETY: getrusage only writes into the struct we pass.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    if rc == 0 { usage.ru_maxrss } else { 0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_matches_the_benchmark() {
        let same = tp_fp_fn("one two three four five", "one two three four five");
        assert_eq!(same, (1.0, 0.0, 0.0));
        // Truth has shingles {1234, 2345}; prediction {1234}: tp 1, fn 1.
        let half = tp_fp_fn("one two three four five", "one two three four");
        assert_eq!(half, (0.5, 0.0, 0.5));
        assert_eq!(precision(&half), 1.0);
        assert_eq!(recall(&half), 0.5);
        // Nothing predicted: the page counts for recall only.
        let none = tp_fp_fn("one two three four", "");
        assert_eq!(none, (0.0, 0.0, 1.0));
        let (p, r, _) = metrics(&[same, none]);
        assert_eq!((p, r), (1.0, 0.5));
        assert_eq!(
            tokens("don’t stop_me, café"),
            ["don", "t", "stop_me", "café"]
        );
    }
}
