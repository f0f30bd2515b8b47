//! `eval-brief` and `bench-brief`: the story brief on the Multi-News sample.
//!
//! `eval-brief` treats each example's documents as one story, writes a summary of at most
//! `--words` words (300 by default, as in the issue), and reports ROUGE-1/2/Lsum F1 (our
//! implementation of rouge-score's, with Porter stemming) on the dev half (first 100 examples in
//! file order, used for tuning), the test half (the other 100) and all 200; the First-3 baseline
//! beside it; redundancy (highest ROUGE-2 F1 between two sentences of one summary); and the
//! citation check: every cited text must be the article text at its span, for every story.
//!
//! `bench-brief` times briefs of synthetic stories (50 and 1,000 articles) built from the same
//! documents with syndicated copies and trimmed rewrites, and reports the peak memory.

use std::time::Instant;

use anyhow::{Context, Result, bail};
use brief::{Article, Config, StoryBrief, StoryInput, Tuning, rouge};
use ingest::{Draft, Source};

/// The Multi-News sample, inside the shared data.
const DATA: &str = "multi-news-200/multi_news_test200.jsonl";

fn default_data() -> String {
    crate::shared_data().join(DATA).display().to_string()
}

struct Example {
    articles: Vec<Article>,
    reference: String,
}

fn load(path: &str) -> Result<Vec<Example>> {
    let raw = std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?;
    let mut out = Vec::new();
    for (n, line) in raw.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value =
            serde_json::from_str(line).with_context(|| format!("{path}:{}: bad json", n + 1))?;
        // Documents come as a list; older dumps join them with "|||||" in one string.
        let docs: Vec<String> = match &v["documents"] {
            serde_json::Value::Array(a) => a
                .iter()
                .filter_map(|d| d.as_str().map(str::to_owned))
                .collect(),
            serde_json::Value::String(s) => s.split("|||||").map(str::to_owned).collect(),
            _ => bail!("{path}:{}: no documents", n + 1),
        };
        let articles = docs
            .into_iter()
            .enumerate()
            .filter_map(|(k, body)| {
                Draft {
                    body,
                    outlet: Some(format!("doc{k}")),
                    ..Default::default()
                }
                .finish(Source::record(format!("{path}:{}", n + 1), k as u64 + 1))
                .ok()
            })
            .collect();
        let summary = v["summary"].as_str().unwrap_or_default();
        out.push(Example {
            articles,
            reference: sentence_lines(summary.trim_start_matches(['–', ' '])),
        });
    }
    Ok(out)
}

/// One sentence per line, as ROUGE-Lsum expects.
fn sentence_lines(s: &str) -> String {
    let t = text::normalize(s).text;
    text::sentences(&t)
        .into_iter()
        .map(|r| t[r].replace('\n', " "))
        .collect::<Vec<_>>()
        .join("\n")
}

#[derive(Default, Clone, Copy)]
struct Totals {
    n: usize,
    r1: f64,
    r2: f64,
    rl: f64,
    words: usize,
    redundancy_sum: f64,
    redundancy_max: f64,
}

impl Totals {
    fn add(&mut self, reference: &str, candidate: &str, sentences: &[String]) {
        let s = rouge::score(reference, candidate);
        self.n += 1;
        self.r1 += s.rouge1.f1;
        self.r2 += s.rouge2.f1;
        self.rl += s.rouge_lsum.f1;
        self.words += candidate.split_whitespace().count();
        let toks: Vec<Vec<String>> = sentences.iter().map(|s| rouge::tokenize(s)).collect();
        let mut worst = 0f64;
        for i in 0..toks.len() {
            for j in i + 1..toks.len() {
                worst = worst.max(rouge::rouge_n(&toks[i], &toks[j], 2).f1);
            }
        }
        self.redundancy_sum += worst;
        self.redundancy_max = self.redundancy_max.max(worst);
    }

    fn row(&self, name: &str) -> String {
        let n = self.n.max(1) as f64;
        format!(
            "{name:<14} {:>4} {:>7.2} {:>7.2} {:>8.2} {:>7.0} {:>11.3} {:>9.3}",
            self.n,
            100.0 * self.r1 / n,
            100.0 * self.r2 / n,
            100.0 * self.rl / n,
            self.words as f64 / n,
            self.redundancy_sum / n,
            self.redundancy_max
        )
    }
}

/// Checks every text of a brief against its article; returns (checked, failures).
fn check_citations(story: &StoryBrief, articles: &[Article]) -> (usize, Vec<String>) {
    let mut checked = 0;
    let mut bad = Vec::new();
    let mut check = |e: &brief::Excerpt| {
        checked += 1;
        let ok = articles
            .iter()
            .find(|a| a.id == e.article)
            .and_then(|a| a.text.get(e.start..e.end))
            == Some(e.text.as_str());
        if !ok {
            bad.push(format!("{} {}..{}", e.article, e.start, e.end));
        }
    };
    for s in &story.summary {
        s.citations.iter().for_each(&mut check);
    }
    for f in &story.facts {
        f.citations.iter().for_each(&mut check);
    }
    for t in &story.timeline {
        t.citations.iter().for_each(&mut check);
    }
    for q in &story.quotes {
        q.appearances.iter().for_each(&mut check);
    }
    story.exclusive.iter().for_each(&mut check);
    for s in &story.summary {
        if s.citations.first().map(|c| &c.text) != Some(&s.text) {
            bad.push(format!(
                "summary text differs from its first citation: {:?}",
                s.text
            ));
        }
    }
    (checked, bad)
}

fn parse_tuning(args: &[String]) -> Result<(usize, String, Tuning)> {
    let mut words = 300;
    let mut data = default_data();
    let mut t = Tuning::default();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--words" => words = it.next().context("--words needs a number")?.parse()?,
            "--data" => data = it.next().context("--data needs a path")?.clone(),
            "--set" => {
                let kv = it.next().context("--set needs name=value")?;
                let (k, v) = kv.split_once('=').context("--set needs name=value")?;
                let v: f32 = v.parse().with_context(|| format!("bad value in {kv}"))?;
                match k {
                    "centroid" => t.centroid = v,
                    "position" => t.position = v,
                    "position_decay" => t.position_decay = v,
                    "corroboration" => t.corroboration = v,
                    "quote" => t.quote = v,
                    "coverage" => t.coverage = v,
                    "max_overlap" => t.max_overlap = v,
                    "length_exponent" => t.length_exponent = v,
                    _ => bail!("unknown tuning weight {k}"),
                }
            }
            other => bail!("unknown argument {other}"),
        }
    }
    Ok((words, data, t))
}

/// `cargo xtask eval-brief [--words N] [--data PATH] [--set weight=value]...`
pub fn eval(args: &[String]) -> Result<()> {
    let (words, data, tuning) = parse_tuning(args)?;
    let examples = load(&data)?;
    let config = Config {
        words,
        tuning,
        ..Config::default()
    };
    let mut ours = [Totals::default(); 3];
    let mut first3 = [Totals::default(); 3];
    let (mut checked, mut failures) = (0, Vec::new());
    let start = Instant::now();
    for (i, ex) in examples.iter().enumerate() {
        let story = brief::brief_story(&StoryInput::new(&ex.articles), &config);
        let (c, bad) = check_citations(&story, &ex.articles);
        checked += c;
        failures.extend(bad);
        let sents: Vec<String> = story
            .summary
            .iter()
            .map(|s| s.text.replace('\n', " "))
            .collect();
        let candidate = sents.join("\n");
        let lead: Vec<String> = ex
            .articles
            .iter()
            .flat_map(|a| {
                text::sentences(&a.text)
                    .into_iter()
                    .take(3)
                    .map(|r| a.text[r].replace('\n', " "))
            })
            .collect();
        for split in [if i < 100 { 0 } else { 1 }, 2] {
            ours[split].add(&ex.reference, &candidate, &sents);
            first3[split].add(&ex.reference, &lead.join("\n"), &lead);
        }
    }
    println!(
        "Multi-News sample, {} examples, summaries of at most {words} words ({:.1} s)\n",
        examples.len(),
        start.elapsed().as_secs_f64()
    );
    println!(
        "{:<14} {:>4} {:>7} {:>7} {:>8} {:>7} {:>11} {:>9}",
        "system/split", "n", "R-1", "R-2", "R-Lsum", "words", "redund.avg", "redund.max"
    );
    for (k, name) in ["dev", "test", "all"].iter().enumerate() {
        println!("{}", ours[k].row(&format!("brief/{name}")));
    }
    for (k, name) in ["dev", "test", "all"].iter().enumerate() {
        println!("{}", first3[k].row(&format!("first-3/{name}")));
    }
    println!(
        "\ncitations: {checked} texts checked, {} not verbatim at their span",
        failures.len()
    );
    if !failures.is_empty() {
        for f in failures.iter().take(10) {
            eprintln!("  {f}");
        }
        bail!("citation check failed");
    }
    Ok(())
}

/// `cargo xtask bench-brief [--data PATH]`
pub fn bench(args: &[String]) -> Result<()> {
    let data = match args {
        [flag, path] if flag == "--data" => path.clone(),
        [] => default_data(),
        _ => bail!("usage: cargo xtask bench-brief [--data PATH]"),
    };
    let examples = load(&data)?;
    let pool: Vec<&Article> = examples.iter().flat_map(|e| &e.articles).collect();
    if pool.is_empty() {
        bail!("{data}: no articles");
    }
    let config = Config::default();
    // Wall time is what a user waits; CPU time is robust to a machine shared with other jobs.
    println!(
        "{:>9} {:>10} {:>10} {:>10} {:>12}",
        "articles", "sentences", "wall ms", "cpu ms", "peak RSS MB"
    );
    for (size, runs) in [(50, 7), (1000, 1)] {
        let story = synthetic_story(&examples, &pool, size);
        let sentences: usize = story.iter().map(|a| text::sentences(&a.text).len()).sum();
        let mut times = Vec::new();
        let cpu_start = cpu_ms();
        for _ in 0..runs {
            let t = Instant::now();
            let b = brief::brief_story(&StoryInput::new(&story), &config);
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            std::hint::black_box(b);
        }
        let cpu = (cpu_ms() - cpu_start) / runs as f64;
        times.sort_by(f64::total_cmp);
        println!(
            "{:>9} {:>10} {:>10.1} {:>10.0} {:>12.1}",
            story.len(),
            sentences,
            times[times.len() / 2],
            cpu,
            peak_rss_mb()
        );
    }
    Ok(())
}

/// A story of `size` articles: one example's documents, then syndicated copies of them (some
/// trimmed, some with an added paragraph) and, for variety, documents of neighbouring examples.
fn synthetic_story(examples: &[Example], pool: &[&Article], size: usize) -> Vec<Article> {
    let mut rng: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let base: Vec<&Article> = examples.iter().take(4).flat_map(|e| &e.articles).collect();
    let mut out: Vec<Article> = Vec::with_capacity(size);
    while out.len() < size {
        let k = out.len();
        let body = match next() % 3 {
            0 => pool[next() as usize % pool.len()].text.clone(),
            1 => {
                let src = &base[next() as usize % base.len()].text;
                let paras: Vec<&str> = src.split("\n\n").collect();
                let keep = (paras.len() * 3 / 4).max(1);
                paras[..keep].join("\n\n")
            }
            _ => {
                let src = &base[next() as usize % base.len()].text;
                format!("{src}\n\nThis story was updated with reporting from bureau {k}.")
            }
        };
        if let Ok(a) = (Draft {
            body,
            outlet: Some(format!("outlet{}", next() % 200)),
            title: Some(format!("Article {k}")),
            ..Default::default()
        })
        .finish(Source::record("bench", k as u64 + 1))
        {
            out.push(a);
        }
    }
    out
}

/// CPU time (user + system) of this thread so far, in ms, from /proc (10 ms ticks).
fn cpu_ms() -> f64 {
    std::fs::read_to_string("/proc/thread-self/stat")
        .ok()
        .and_then(|s| {
            let fields: Vec<&str> = s.rsplit_once(')')?.1.split_whitespace().collect();
            let utime: f64 = fields.get(11)?.parse().ok()?;
            let stime: f64 = fields.get(12)?.parse().ok()?;
            Some((utime + stime) * 10.0)
        })
        .unwrap_or(0.0)
}

/// Peak resident memory of this process so far, from /proc (0 where unavailable).
fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}
