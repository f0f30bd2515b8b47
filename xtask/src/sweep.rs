//! `cargo xtask sweep [--rounds N] [--corpus DIR] [--slow SECONDS]`: every analysis stage over real texts from
//! `../shared/data`, each story edited `N` times by [`mutate`], with every panic caught and
//! reported by where it happened. A cheap first pass before the fuzzers, and the way their seed
//! corpora are written (`--corpus fuzz/corpus`: one file per story and target, in the input
//! shape the targets read).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;
use std::time::Instant;

use anyhow::{Context, Result};

/// The stories of every shared set that holds article texts, each a list of texts, with the
/// set's name.
pub fn real_stories(data: &Path) -> Result<Vec<(String, Vec<String>)>> {
    let mut out = Vec::new();
    let lines = |rel: &str| -> Result<Vec<serde_json::Value>> {
        let path = data.join(rel);
        let raw = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        Ok(raw
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect())
    };
    let s = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
    for (n, v) in lines("multi-news-200/multi_news_test200.jsonl")?
        .iter()
        .enumerate()
    {
        let docs = v["documents"].as_array().cloned().unwrap_or_default();
        out.push((
            format!("multi-news:{}", n + 1),
            docs.iter().map(s).collect(),
        ));
    }
    let mut by: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for v in lines("ecbplus/docs.jsonl")? {
        // Tokenised, one sentence a line: joined into paragraphs as a wire text would be.
        let text = s(&v["text"]).replace('\n', "\n\n");
        by.entry(format!("ecb+:{}", s(&v["subtopic"])))
            .or_default()
            .push(text);
    }
    let gold: BTreeMap<String, String> = lines("allsides-dev/gold.jsonl")?
        .iter()
        .map(|v| (s(&v["id"]), v["story"].to_string()))
        .collect();
    for v in lines("allsides-dev/articles.jsonl")? {
        let story = gold.get(&s(&v["id"])).cloned().unwrap_or_default();
        by.entry(format!("allsides:{story}"))
            .or_default()
            .push(s(&v["text"]));
    }
    for v in lines("regressions/quotes-panic.jsonl")? {
        by.entry("regressions".into())
            .or_default()
            .push(s(&v["text"]));
    }
    out.extend(by);
    for dir in [
        "polnear/data/dev/text",
        "polnear/data/train/text",
        "gendergaptracker-dev/articles",
    ] {
        let mut files: Vec<_> = std::fs::read_dir(data.join(dir))
            .with_context(|| format!("reading {dir}"))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        files.sort();
        for (k, chunk) in files.chunks(3).enumerate() {
            let texts = chunk
                .iter()
                .filter_map(|p| std::fs::read_to_string(p).ok())
                .collect();
            out.push((format!("{dir}:{k}"), texts));
        }
    }
    Ok(out)
}

/// A small deterministic generator (xorshift64*), so a run can be repeated exactly.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn ops(&mut self) -> Vec<u8> {
        let n = 2 * (1 + self.next() % 4) as usize;
        (0..n).map(|_| self.next() as u8).collect()
    }
}

/// The panics met at one place: how many, the first one's message, and its edited texts.
type Found = (usize, String, Vec<String>);

/// One pipeline run and how long it took: seconds, story name, round, its edited texts.
type Timed = (f64, String, usize, Vec<String>);

/// How many of the slowest runs are printed.
const SLOWEST: usize = 5;

pub fn run(args: &[String]) -> Result<()> {
    let mut rounds = 20usize;
    // A run slower than this is reported as a hang suspect and fails the sweep.
    let mut slow = 10.0f64;
    let mut corpus: Option<std::path::PathBuf> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--rounds" => rounds = it.next().context("--rounds N")?.parse()?,
            "--corpus" => corpus = Some(it.next().context("--corpus DIR")?.into()),
            "--slow" => slow = it.next().context("--slow SECONDS")?.parse()?,
            other => anyhow::bail!(
                "unknown argument {other:?} (--rounds N, --corpus DIR, --slow SECONDS)"
            ),
        }
    }
    let stories = real_stories(&crate::shared_data())?;
    if let Some(dir) = corpus {
        return write_corpus(&dir, &stories);
    }
    let started = Instant::now();
    let found: Mutex<BTreeMap<String, Found>> = Mutex::default();
    // The slowest runs, and every run over `slow`.
    let slowest: Mutex<Vec<Timed>> = Mutex::default();
    let over: Mutex<Vec<Timed>> = Mutex::default();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let runs = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| {
                loop {
                    let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some((name, texts)) = stories.get(k) else {
                        break;
                    };
                    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ (k as u64 + 1));
                    for round in 0..=rounds {
                        // Round 0 is the text as it is.
                        let edited: Vec<String> = if round == 0 {
                            texts.clone()
                        } else {
                            texts
                                .iter()
                                .map(|t| mutate::mutate(t, &rng.ops()))
                                .collect()
                        };
                        runs.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let t = Instant::now();
                        // The front ends' own boundary: it names the panic and where it was.
                        let result = extract::guard::guard("pipeline", || {
                            mutate::pipeline::analyse_story(&edited)
                        });
                        let secs = t.elapsed().as_secs_f64();
                        if secs > slow {
                            eprintln!("slow: {name} round {round} took {secs:.1} s");
                            over.lock().unwrap_or_else(|e| e.into_inner()).push((
                                secs,
                                name.clone(),
                                round,
                                edited.clone(),
                            ));
                        }
                        {
                            let mut top = slowest.lock().unwrap_or_else(|e| e.into_inner());
                            if top.len() < SLOWEST || secs > top[top.len() - 1].0 {
                                top.push((secs, name.clone(), round, Vec::new()));
                                top.sort_by(|a, b| b.0.total_cmp(&a.0));
                                top.truncate(SLOWEST);
                            }
                        }
                        if let Err(fault) = result {
                            let (message, at) = fault
                                .message
                                .rsplit_once(" at ")
                                .map_or((fault.message.clone(), String::new()), |(m, a)| {
                                    (m.to_string(), a.to_string())
                                });
                            let mut f = found.lock().unwrap_or_else(|e| e.into_inner());
                            let e = f.entry(at).or_insert_with(|| (0, message, Vec::new()));
                            e.0 += 1;
                            if e.2.is_empty() {
                                e.2 = edited;
                                eprintln!("panic in {name} round {round}: {}", e.1);
                            }
                        }
                    }
                }
            });
        }
    });
    let found = found.into_inner().unwrap_or_else(|e| e.into_inner());
    let runs = runs.into_inner();
    println!(
        "{} stories x {} rounds: {runs} pipeline runs in {:.1} s, {} panic sites",
        stories.len(),
        rounds + 1,
        started.elapsed().as_secs_f64(),
        found.len()
    );
    println!("slowest runs:");
    for (secs, name, round, _) in slowest.into_inner().unwrap_or_else(|e| e.into_inner()) {
        println!("  {secs:>7.3} s  {name} round {round}");
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/sweep");
    std::fs::create_dir_all(&dir)?;
    for (n, (at, (count, message, texts))) in found.iter().enumerate() {
        let file = dir.join(format!("panic-{n}.json"));
        std::fs::write(&file, serde_json::to_string(texts)?)?;
        println!("{count:>6}  {at}  {message}  ({})", file.display());
    }
    let over = over.into_inner().unwrap_or_else(|e| e.into_inner());
    for (n, (secs, name, round, texts)) in over.iter().enumerate() {
        let file = dir.join(format!("slow-{n}.json"));
        std::fs::write(&file, serde_json::to_string(texts)?)?;
        println!(
            "slow  {secs:.1} s  {name} round {round}  ({})",
            file.display()
        );
    }
    anyhow::ensure!(found.is_empty(), "{} panic sites", found.len());
    anyhow::ensure!(over.is_empty(), "{} runs slower than {slow} s", over.len());
    Ok(())
}

/// Seed corpora for the fuzz targets: each story's texts in the shape the targets read
/// ([`mutate::fuzz_texts`]): no op bytes, then the texts separated by NUL.
fn write_corpus(dir: &Path, stories: &[(String, Vec<String>)]) -> Result<()> {
    for target in ["quotes", "entities", "sentences", "brief", "cluster"] {
        let out = dir.join(target);
        std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
        for (k, (_, texts)) in stories.iter().enumerate() {
            // Single-article targets take the first text; story targets take them all.
            let texts: &[String] = match target {
                "brief" | "cluster" => texts,
                _ => &texts[..texts.len().min(1)],
            };
            let mut bytes = vec![0u8];
            bytes.extend(texts.join("\0").into_bytes());
            std::fs::write(out.join(format!("{k:05}")), bytes)?;
        }
    }
    println!(
        "wrote {} seeds per target under {}",
        stories.len(),
        dir.display()
    );
    Ok(())
}
