//! `cargo xtask bench-stories [--runs N] [--batch] [SIZE...]`: speed and memory of near-duplicate
//! detection plus story assignment on a synthetic stream built at run time from the ECB+ and
//! Multi-News articles in `../shared/data` (nothing is copied into the repository).
//!
//! The generator, seeded and deterministic, makes events from the corpora's gold stories: each
//! event takes the articles of one gold story with every capitalised word and number renamed
//! by an event-specific code, so the same kind of story recurs as different events. Articles are
//! 30 s apart in publication time (about 2,900 a day). One in five is a syndicated copy of a
//! recent article (new headline, trimmed ending, an added paragraph, sometimes light edits).
//! Articles are generated in chunks, untimed; the figures time only the clustering
//! (`Clusterer::add_batch` with two worker threads preparing articles while the calling thread
//! assigns them), with closed stories drained as a long-running ingest would.
//!
//! `--batch` times the batch pass instead (`stories::batch_stories` over the whole generated
//! input after an untimed online pass, as `parallax cluster` runs it): seconds, articles per
//! second, stories, BCubed F1 against the generator's events and peak RSS (which includes the
//! generated articles the bench holds).
//!
//! Each run is a fresh child process, so its resident memory is its own; `--runs N` repeats
//! every size and prints the median of each column. The machine is shared with other jobs, so
//! several rates are shown: "wall a/s" divides by the wall time actually measured (the issue's
//! figure, honest only on an idle machine: the load average during the run is printed beside
//! it); "1core a/s" by the CPU time of all threads; "main a/s" by the CPU time of the calling
//! thread (assignment plus what it prepared itself); "2core a/s" by the larger of the main
//! thread's CPU time and half the total, the wall time two free cores could at best reach.

use std::collections::{HashMap, VecDeque};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use chrono::{DateTime, FixedOffset};
use ingest::{Article, Source};
use stories::{Clusterer, Config};

use crate::stories_eval::{Item, data_dir, load_ecbplus, load_multinews};

/// Columns of one run, as the child prints them on its last line.
const COLUMNS: &[&str] = &[
    "articles",
    "wall a/s",
    "1core a/s",
    "main a/s",
    "2core a/s",
    "cpu s",
    "main s",
    "wall s",
    "load",
    "stories",
    "active",
    "copies",
    "found",
    "dupR",
    "dupP",
    "F1",
    "RSS MB",
    "max MB",
    "heap MB",
];

pub fn run(args: &[String]) -> Result<()> {
    if let [flag, size] = args
        && flag == "--child"
    {
        let groups = load_groups()?;
        let row = bench(&groups, size.parse()?)?;
        println!(
            "{}",
            row.iter()
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join(" ")
        );
        return Ok(());
    }
    if let [flag, size] = args
        && flag == "--batch-child"
    {
        return bench_batch(&load_groups()?, size.parse()?);
    }
    let mut runs = 1usize;
    let mut batch = false;
    let mut sizes: Vec<usize> = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--runs" {
            runs = it.next().context("--runs needs a number")?.parse()?;
        } else if a == "--batch" {
            batch = true;
        } else {
            sizes.push(
                a.replace('_', "")
                    .parse()
                    .with_context(|| format!("size {a}"))?,
            );
        }
    }
    if sizes.is_empty() {
        sizes = vec![10_000, 100_000, 1_000_000];
    }
    let exe = std::env::current_exe()?;
    if batch {
        println!(
            "batch pass (stories::batch_stories after the online pass, one thread), each size in a fresh process"
        );
        println!("articles  batch s  art/s  stories  F1  RSS MB");
        for n in sizes {
            for _ in 0..runs {
                let status = Command::new(&exe)
                    .args(["bench-stories", "--batch-child", &n.to_string()])
                    .status()?;
                if !status.success() {
                    bail!("batch bench of {n} articles failed");
                }
            }
        }
        return Ok(());
    }
    println!(
        "near-duplicates + story assignment (add_batch: 2 worker threads prepare, the calling thread assigns), stories::Config::default(), {runs} run(s) per size, each in a fresh process"
    );
    let header: Vec<String> = COLUMNS.iter().map(|c| format!("{c:>9}")).collect();
    println!("{}", header.join(" "));
    for n in sizes {
        let mut rows: Vec<Vec<f64>> = Vec::new();
        for _ in 0..runs {
            // The child's memory curve (stderr) goes straight to ours.
            let out = Command::new(&exe)
                .args(["bench-stories", "--child", &n.to_string()])
                .stderr(Stdio::inherit())
                .output()?;
            if !out.status.success() {
                bail!(
                    "bench run of {n} articles failed: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            let text = String::from_utf8_lossy(&out.stdout);
            let row: Vec<f64> = text
                .lines()
                .last()
                .unwrap_or_default()
                .split_whitespace()
                .map(str::parse)
                .collect::<Result<_, _>>()
                .with_context(|| format!("bench run output {text:?}"))?;
            if row.len() != COLUMNS.len() {
                bail!(
                    "bench run printed {} values, not {}",
                    row.len(),
                    COLUMNS.len()
                );
            }
            print_row(&row, "");
            rows.push(row);
        }
        if runs > 1 {
            let median: Vec<f64> = (0..COLUMNS.len())
                .map(|c| {
                    let mut v: Vec<f64> = rows.iter().map(|r| r[c]).collect();
                    v.sort_by(f64::total_cmp);
                    v[v.len() / 2]
                })
                .collect();
            print_row(&median, " median");
        }
    }
    Ok(())
}

fn print_row(row: &[f64], note: &str) {
    let cells: Vec<String> = row
        .iter()
        .zip(COLUMNS)
        .map(|(v, c)| match *c {
            "cpu s" | "main s" | "wall s" | "load" => format!("{v:>9.2}"),
            "dupR" | "dupP" | "F1" => format!("{v:>9.3}"),
            _ => format!("{v:>9.0}"),
        })
        .collect();
    println!("{}{note}", cells.join(" "));
}

pub fn load_groups() -> Result<Vec<Vec<(String, String)>>> {
    let dir = data_dir();
    let mut items = load_ecbplus(&dir)?;
    items.extend(load_multinews(&dir)?);
    if items.is_empty() {
        bail!("no articles read from {}", dir.display());
    }
    Ok(group(&items))
}

/// Gold stories of the corpora: (title, body) of each member article.
fn group(items: &[Item]) -> Vec<Vec<(String, String)>> {
    let mut by: HashMap<&str, Vec<(String, String)>> = HashMap::new();
    let mut order: Vec<&str> = Vec::new();
    for it in items {
        let key = it.story.as_str();
        if !by.contains_key(key) {
            order.push(key);
        }
        let title = it.article.title.clone().unwrap_or_default();
        by.entry(key)
            .or_default()
            .push((title, it.article.text.clone()));
    }
    order.into_iter().filter_map(|k| by.remove(k)).collect()
}

pub struct Generated {
    pub article: Article,
    event: u64,
    copy_of: Option<String>,
}

fn bench(groups: &[Vec<(String, String)>], n: usize) -> Result<Vec<f64>> {
    let mut generator = Generator::new(groups);
    let mut c = Clusterer::new(Config::default());
    let mut gold: Vec<u64> = Vec::with_capacity(n);
    let mut predicted: Vec<u32> = Vec::with_capacity(n);
    // Keyed by a hash of the story id, so the benchmark's own table stays small beside the
    // clusterer it measures.
    let mut story_num: HashMap<u64, u32> = HashMap::new();
    let (mut copies, mut found, mut found_true) = (0usize, 0usize, 0usize);
    let (mut cpu, mut main, mut wall) = (0.0f64, 0.0f64, Duration::ZERO);
    let (mut load, mut loads) = (0.0f64, 0usize);
    let mut drained = 0;
    // Everything the clusterer said, hashed, so two builds can be checked to cluster alike.
    let mut digest = DefaultHasher::new();
    let mut done = 0;
    let mut stream_peak = 0.0f64;
    while done < n {
        // Generate a chunk first, then time only the clustering of it.
        let chunk: Vec<Generated> = (0..CHUNK.min(n - done)).map(|_| generator.next()).collect();
        let articles: Vec<Article> = chunk.iter().map(|g| g.article.clone()).collect();
        let (c0, t0, w0) = (process_cpu_secs(), thread_cpu_secs(), Instant::now());
        let assigned = c.add_batch(&articles, THREADS);
        let closed = c.drain_closed();
        wall += w0.elapsed();
        drained += closed.len();
        format!("{closed:?}").hash(&mut digest);
        cpu += process_cpu_secs() - c0;
        main += thread_cpu_secs() - t0;
        load += load_average();
        loads += 1;
        for (g, a) in chunk.iter().zip(assigned) {
            digest_assignment(&a, &mut digest);
            copies += usize::from(g.copy_of.is_some());
            if a.duplicate_of.is_some() {
                found += 1;
                found_true += usize::from(g.copy_of.is_some());
            }
            let next = story_num.len() as u32;
            let key = a.story.map_or(0, |s| {
                let mut h = DefaultHasher::new();
                s.0.hash(&mut h);
                h.finish()
            });
            let num = *story_num.entry(key).or_insert(next);
            gold.push(g.event);
            predicted.push(num);
        }
        done += chunk.len();
        drop(articles);
        drop(chunk);
        stream_peak = stream_peak.max(memory_mb().0);
        if done % (n / 10).max(CHUNK) == 0 || done == n {
            eprintln!(
                "  {done:>9} articles: RSS {:.0} MB, heap in use {:.0} MB, active stories {}",
                memory_mb().0,
                heap_mb(),
                c.active_stories()
            );
        }
    }
    // Memory is read before scoring: the BCubed tables are the benchmark's, not the clusterer's.
    let (rss, peak, heap) = (memory_mb().0, stream_peak, heap_mb());
    format!("{:?}", c.stories()).hash(&mut digest);
    eprintln!("  assignments and stories digest: {:016x}", digest.finish());
    let (_, _, f1) = bcubed_ids(&predicted, &gold);
    let wall = wall.as_secs_f64();
    let k = done as f64;
    Ok(vec![
        k,
        k / wall,
        k / cpu,
        k / main,
        k / main.max(cpu / 2.0),
        cpu,
        main,
        wall,
        load / loads.max(1) as f64,
        (drained + c.stories().len()) as f64,
        c.active_stories() as f64,
        copies as f64,
        found as f64,
        found_true as f64 / copies.max(1) as f64,
        found_true as f64 / found.max(1) as f64,
        f1,
        rss,
        peak,
        heap,
    ])
}

/// Times `stories::batch_stories` over `n` generated articles (the online pass that gives it the
/// copies and language pools is not timed) and prints one row: articles, seconds, articles per
/// second, stories, BCubed F1 against the generator's events, peak RSS.
fn bench_batch(groups: &[Vec<(String, String)>], n: usize) -> Result<()> {
    let mut generator = Generator::new(groups);
    let generated: Vec<Generated> = (0..n).map(|_| generator.next()).collect();
    let articles: Vec<Article> = generated.iter().map(|g| g.article.clone()).collect();
    let mut c = Clusterer::new(Config::default());
    let assigned: Vec<Option<stories::Assignment>> = c
        .add_batch(&articles, THREADS)
        .into_iter()
        .map(Some)
        .collect();
    let start = Instant::now();
    let story = stories::batch_stories(&articles, &assigned, &stories::BatchConfig::default());
    let secs = start.elapsed().as_secs_f64();
    let predicted: Vec<u32> = story
        .iter()
        .enumerate()
        .map(|(i, s)| s.map_or(i, |s| s.event) as u32)
        .collect();
    let gold: Vec<u64> = generated.iter().map(|g| g.event).collect();
    let mut distinct = predicted.clone();
    distinct.sort_unstable();
    distinct.dedup();
    let (_, _, f1) = bcubed_ids(&predicted, &gold);
    println!(
        "{n:>8} {secs:>8.2} {:>6.0} {:>8} {f1:.3} {:>7.0}",
        n as f64 / secs,
        distinct.len(),
        memory_mb().1
    );
    Ok(())
}

/// Feeds every field of an assignment (scores and similarities bit for bit) to `h`.
fn digest_assignment(a: &stories::Assignment, h: &mut DefaultHasher) {
    a.story.as_ref().map(|s| &s.0).hash(h);
    a.new_story.hash(h);
    a.score.map(f32::to_bits).hash(h);
    if let Some(d) = &a.duplicate_of {
        d.original.hash(h);
        d.kind.hash(h);
        (d.jaccard.to_bits(), d.containment.to_bits()).hash(h);
        (d.paragraphs_added, d.paragraphs_removed, d.title_changed).hash(h);
    }
    a.language.hash(h);
    a.warnings.hash(h);
}

/// The one-minute load average of the machine (Linux; 0 elsewhere).
fn load_average() -> f64 {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0.0)
}

/// Articles generated, then clustered, at a time.
const CHUNK: usize = 5_000;
/// Threads for the per-article preparation (the machine has two cores).
const THREADS: usize = 2;

/// BCubed F1 over numeric labels (story numbers here are per first id, merges not followed;
/// an approximation for the synthetic stream).
fn bcubed_ids(predicted: &[u32], gold: &[u64]) -> (f64, f64, f64) {
    let mut pair: HashMap<(u32, u64), usize> = HashMap::new();
    let mut pc: HashMap<u32, usize> = HashMap::new();
    let mut gc: HashMap<u64, usize> = HashMap::new();
    for (&p, &g) in predicted.iter().zip(gold) {
        *pair.entry((p, g)).or_default() += 1;
        *pc.entry(p).or_default() += 1;
        *gc.entry(g).or_default() += 1;
    }
    let (mut prec, mut rec) = (0.0, 0.0);
    for (&p, &g) in predicted.iter().zip(gold) {
        let both = pair[&(p, g)] as f64;
        prec += both / pc[&p] as f64;
        rec += both / gc[&g] as f64;
    }
    let k = predicted.len().max(1) as f64;
    let (p, r) = (prec / k, rec / k);
    (
        p,
        r,
        if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        },
    )
}

/// CPU time (user + system) of the calling thread so far, in seconds. The calling thread
/// assigns every article in order (and prepares some when the workers fall behind), so with free
/// cores the wall time cannot be below this.
fn thread_cpu_secs() -> f64 {
    cpu_secs(libc::CLOCK_THREAD_CPUTIME_ID)
}

/// CPU time (user + system) of this process so far, all threads, in seconds. The machine is
/// shared with other jobs, so wall time overstates the cost.
fn process_cpu_secs() -> f64 {
    cpu_secs(libc::CLOCK_PROCESS_CPUTIME_ID)
}

fn cpu_secs(clock: libc::clockid_t) -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec for the duration of the call.
    let rc = unsafe { libc::clock_gettime(clock, &mut ts) };
    if rc != 0 {
        return 0.0;
    }
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

/// Bytes the allocator has handed out and not got back, in MB: the live heap, without the
/// fragmentation and freed-but-kept pages that RSS also counts (glibc; 0 elsewhere).
fn heap_mb() -> f64 {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: mallinfo2 only reads the allocator's statistics.
        let m = unsafe { libc::mallinfo2() };
        (m.uordblks + m.hblkhd) as f64 / (1024.0 * 1024.0)
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        0.0
    }
}

/// Resident and peak resident memory of this process, in MB (Linux; 0 elsewhere).
fn memory_mb() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const OUTLETS: &[&str] = &[
    "Reuters",
    "AP",
    "Harbor Gazette",
    "Valley Courier",
    "Northern Star",
    "Daily Ledger",
    "Metro Post",
    "Evening Herald",
    "Coast Tribune",
    "Lake Times",
    "Plains Journal",
    "Capital Observer",
];

/// The synthetic stream: an endless, seeded sequence of articles.
pub struct Generator<'a> {
    groups: &'a [Vec<(String, String)>],
    rng: Rng,
    start: DateTime<FixedOffset>,
    i: usize,
    /// Events still being reported: (event, gold story, next member).
    live: VecDeque<(u64, usize, usize)>,
    /// Recent originals that copies are made from, with their events.
    recent: VecDeque<(u64, Article)>,
    next_event: u64,
}

impl<'a> Generator<'a> {
    pub fn new(groups: &'a [Vec<(String, String)>]) -> Self {
        Generator {
            groups,
            rng: Rng(2026),
            start: DateTime::parse_from_rfc3339("2024-01-01T00:00:00Z").expect("valid date"),
            i: 0,
            live: VecDeque::new(),
            recent: VecDeque::new(),
            next_event: 0,
        }
    }

    pub fn next(&mut self) -> Generated {
        let i = self.i;
        self.i += 1;
        let rng = &mut self.rng;
        let published = self.start + chrono::Duration::seconds(30 * i as i64);
        let outlet = OUTLETS[rng.below(OUTLETS.len())].to_owned();
        let g = if !self.recent.is_empty() && rng.chance(20) {
            let (event, orig) = &self.recent[rng.below(self.recent.len())];
            let article = syndicate(orig, rng, &outlet, published, i);
            Generated {
                copy_of: Some(orig.id.clone()),
                event: *event,
                article,
            }
        } else {
            if self.live.is_empty() || rng.chance(35) {
                self.live
                    .push_back((self.next_event, rng.below(self.groups.len()), 0));
                self.next_event += 1;
                if self.live.len() > 300 {
                    self.live.pop_front();
                }
            }
            let slot = self.live.len() - 1 - rng.below(self.live.len().min(40));
            let (event, group, member) = self.live[slot];
            self.live[slot].2 += 1;
            let docs = &self.groups[group];
            let (title, body) = &docs[member % docs.len()];
            let title = rename(title, event);
            let text = drop_sentences(&rename(body, event), rng);
            let article = make(format!("{i:016x}"), Some(title), text, outlet, published);
            Generated {
                copy_of: None,
                event,
                article,
            }
        };
        if g.copy_of.is_none() {
            self.recent.push_back((g.event, g.article.clone()));
            if self.recent.len() > 500 {
                self.recent.pop_front();
            }
        }
        g
    }
}

/// Keeps each sentence with probability 3/4, so two reports drawn from one corpus article are
/// not copies of each other.
fn drop_sentences(text: &str, rng: &mut Rng) -> String {
    let kept: Vec<&str> = text.split(". ").filter(|_| rng.chance(75)).collect();
    if kept.is_empty() {
        text.to_owned()
    } else {
        kept.join(". ")
    }
}

/// Renames every capitalised word and number after the first letter with an event-specific
/// code, so two events made from one gold story share their vocabulary but not their names,
/// places and figures.
fn rename(text: &str, event: u64) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for (i, word) in text.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let first = word.chars().next();
        if first.is_some_and(|c| c.is_uppercase() || c.is_ascii_digit()) && word.len() > 1 {
            let h = word
                .bytes()
                .fold(event.wrapping_mul(0x100_0000_01b3), |h, b| {
                    (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
                });
            if first.is_some_and(|c| c.is_ascii_digit()) {
                out.push_str(&(h % 997).to_string());
            } else {
                out.push_str(word);
                out.push_str(SYLLABLES[(h % 16) as usize]);
                out.push_str(SYLLABLES[((h >> 8) % 16) as usize]);
            }
        } else {
            out.push_str(word);
        }
    }
    out
}

const SYLLABLES: &[&str] = &[
    "ka", "vo", "ri", "del", "mon", "sa", "tur", "ne", "li", "gor", "ba", "fen", "qu", "zo", "wy",
    "px",
];

fn syndicate(
    orig: &Article,
    rng: &mut Rng,
    outlet: &str,
    published: DateTime<FixedOffset>,
    i: usize,
) -> Article {
    let mut paragraphs: Vec<String> = orig.text.split("\n\n").map(str::to_owned).collect();
    // Trim the ending: drop the last paragraph, or the last sentence of a one-paragraph text.
    if paragraphs.len() > 2 && rng.chance(50) {
        paragraphs.pop();
    } else if let Some(last) = paragraphs.last_mut()
        && let Some(cut) = last.rfind(". ")
        && rng.chance(50)
    {
        last.truncate(cut + 1);
    }
    if rng.chance(50) {
        paragraphs.push(format!(
            "{outlet} contributed reporting to this story. Copyright {outlet}, all rights reserved."
        ));
    }
    if rng.chance(30) {
        // Light edits: a few words replaced.
        for p in paragraphs.iter_mut() {
            *p = p
                .replacen(" said ", " told reporters ", 1)
                .replacen(" the ", " this ", 1);
        }
    }
    let title = format!("{} | {outlet}", orig.title.as_deref().unwrap_or("Update"));
    make(
        format!("{i:016x}"),
        Some(title),
        paragraphs.join("\n\n"),
        outlet.to_owned(),
        published,
    )
}

fn make(
    id: String,
    title: Option<String>,
    text: String,
    outlet: String,
    published: DateTime<FixedOffset>,
) -> Article {
    Article {
        id,
        source: Source::file("bench"),
        record_id: None,
        url: None,
        outlet: Some(outlet),
        title,
        authors: Vec::new(),
        published: Some(published),
        dateline: None,
        language: Some("en".to_owned()),
        text,
        original: String::new(),
        summary_only: false,
        warnings: Vec::new(),
    }
}
