//! `cargo xtask bench-throughput [--n N] [--runs R] [--only extract|cluster] [--run LABEL=PATH[,ARG...]]...`
//! `[--write FILE]`:
//! whole-process time of `parallax extract` and `parallax cluster` (JSON lines in, JSON lines
//! out) on N generated articles (20,000 unless told), the median of R runs (5).
//!
//! The input is written at run time from the ECB+ and Multi-News texts in `../shared/data` by
//! the `bench-stories` generator (renamed events, one in five a syndicated copy), publication
//! times spread evenly over 60 days, without a language field so detection runs. Every `--run`
//! is one program with its extra arguments (`.` is the release binary of this checkout, built
//! first), so a build from before a change, or `--threads 1`, is timed in the same command; the
//! runs are interleaved so a change in the machine's load hits them alike. The table gives the
//! median wall and CPU seconds, articles per second, peak RSS, the ratio of the first run's
//! median to each one's, and whether each wrote the same output as the first. `--write FILE`
//! only writes the N generated articles to FILE (for profiling one command by hand) and stops.

use std::fs;
use std::hash::{DefaultHasher, Hasher};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail, ensure};

use crate::bench_ingest::{RemoveOnDrop, wait4};
use crate::stories_bench::{Generator, load_groups};

struct Variant {
    label: String,
    program: PathBuf,
    args: Vec<String>,
}

struct Measured {
    wall: f64,
    cpu: f64,
    peak_mb: f64,
    digest: u64,
}

pub fn run(args: &[String]) -> Result<()> {
    let mut n = 20_000usize;
    let mut runs = 5usize;
    let mut commands = vec!["extract", "cluster"];
    let mut specs: Vec<String> = Vec::new();
    let mut write_only: Option<PathBuf> = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = || it.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--n" => n = value()?.parse().context("--n")?,
            "--runs" => runs = value()?.parse().context("--runs")?,
            "--only" => match value()?.as_str() {
                "extract" => commands = vec!["extract"],
                "cluster" => commands = vec!["cluster"],
                other => bail!("--only takes extract or cluster, not {other:?}"),
            },
            "--run" => specs.push(value()?.clone()),
            "--write" => write_only = Some(PathBuf::from(value()?)),
            other => bail!("unknown argument {other:?}"),
        }
    }
    ensure!(runs > 0 && n > 0, "--n and --runs must be positive");
    if let Some(path) = write_only {
        let bytes = write_input(&path, n)?;
        println!(
            "{n} articles, {:.1} MB of JSON lines, in {}",
            bytes as f64 / 1e6,
            path.display()
        );
        return Ok(());
    }
    if specs.is_empty() {
        specs.push("now=.".into());
    }
    let built = if specs
        .iter()
        .any(|s| s.split(',').next().is_some_and(|p| p.ends_with("=.")))
    {
        Some(crate::build_parallax()?)
    } else {
        None
    };
    let variants = specs
        .iter()
        .map(|spec| {
            let (label, rest) = spec
                .split_once('=')
                .with_context(|| format!("--run {spec:?}: expected LABEL=PATH[,ARG...]"))?;
            let mut parts = rest.split(',');
            let path = parts.next().unwrap_or_default();
            let program = match (path, &built) {
                (".", Some(b)) => b.clone(),
                _ => PathBuf::from(path),
            };
            ensure!(program.is_file(), "--run {spec:?}: no program at {path}");
            Ok(Variant {
                label: label.to_owned(),
                program,
                args: parts.map(str::to_owned).collect(),
            })
        })
        .collect::<Result<Vec<_>>>()?;

    let dir = std::env::temp_dir().join(format!("parallax-throughput-{}", std::process::id()));
    fs::create_dir_all(&dir)?;
    let _cleanup = RemoveOnDrop(dir.clone());
    let input = dir.join("articles.jsonl");
    let bytes = write_input(&input, n)?;
    println!(
        "{n} articles, {:.1} MB of JSON lines; median of {runs} runs; load average {:.2}",
        bytes as f64 / 1e6,
        load_average()
    );
    for command in commands {
        let mut results: Vec<Vec<Measured>> = variants.iter().map(|_| Vec::new()).collect();
        for _ in 0..runs {
            for (v, out) in variants.iter().zip(results.iter_mut()) {
                out.push(time(v, command, &input, &dir.join("out.jsonl"))?);
            }
        }
        println!("\nparallax {command}");
        println!(
            "  {:<14} {:>8} {:>8} {:>10} {:>8} {:>8}  same output",
            "run", "wall s", "cpu s", "articles/s", "peak MB", "ratio"
        );
        let first = median(results[0].iter().map(|m| m.wall));
        let digest = results[0][0].digest;
        for (v, ms) in variants.iter().zip(&results) {
            let wall = median(ms.iter().map(|m| m.wall));
            let same = ms.iter().all(|m| m.digest == digest);
            println!(
                "  {:<14} {:>8.3} {:>8.3} {:>10.0} {:>8.0} {:>7.2}×  {}",
                v.label,
                wall,
                median(ms.iter().map(|m| m.cpu)),
                n as f64 / wall,
                median(ms.iter().map(|m| m.peak_mb)),
                first / wall,
                if same { "yes" } else { "no" }
            );
        }
    }
    Ok(())
}

/// Writes `n` generated articles as JSON lines and returns the file's size in bytes.
fn write_input(path: &Path, n: usize) -> Result<u64> {
    let groups = load_groups()?;
    let mut generator = Generator::new(&groups);
    let start = chrono::DateTime::parse_from_rfc3339("2024-01-01T00:00:00Z").expect("valid date");
    let span = 60 * 24 * 3600;
    let mut out = BufWriter::new(fs::File::create(path)?);
    let mut bytes = 0u64;
    for i in 0..n {
        let a = generator.next().article;
        let published = start + chrono::Duration::seconds((i as i64 * span) / n as i64);
        let line = serde_json::json!({
            "id": a.id,
            "title": a.title,
            "outlet": a.outlet,
            "published": published.to_rfc3339(),
            "text": a.text,
        })
        .to_string();
        writeln!(out, "{line}")?;
        bytes += line.len() as u64 + 1;
    }
    out.flush()?;
    Ok(bytes)
}

fn time(v: &Variant, command: &str, input: &Path, output: &Path) -> Result<Measured> {
    let start = Instant::now();
    let mut child = Command::new(&v.program)
        .arg(command)
        .args(["--format", "jsonl"])
        .args(&v.args)
        .arg(input)
        .stdout(fs::File::create(output)?)
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("starting {}", v.program.display()))?;
    let stderr = child.stderr.take().expect("piped");
    let reader = std::thread::spawn(move || std::io::read_to_string(stderr));
    let (status, usage) = wait4(child.id() as i32)?;
    let wall = start.elapsed().as_secs_f64();
    let stderr = reader.join().expect("reader thread")?;
    ensure!(
        status == 0,
        "{} {command} failed ({status}):\n{stderr}",
        v.label
    );
    let mut h = DefaultHasher::new();
    h.write(&fs::read(output)?);
    let cpu = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Ok(Measured {
        wall,
        cpu: cpu(usage.ru_utime) + cpu(usage.ru_stime),
        peak_mb: usage.ru_maxrss as f64 / 1024.0,
        digest: h.finish(),
    })
}

fn median(values: impl Iterator<Item = f64>) -> f64 {
    let mut v: Vec<f64> = values.collect();
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn load_average() -> f64 {
    fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(f64::NAN)
}
