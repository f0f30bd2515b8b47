//! `cargo xtask bench-ingest [--articles N] [--runs N]`: plain-text ingest speed of the real
//! `parallax` binary (release build) into a fresh store.
//!
//! It writes N plain-text articles (default 100,000) made by varying the demo corpus's stories
//! (deterministic: the same N gives the same files), then runs `parallax ingest` on them R times
//! (default 3), each into a new data folder, and once more into the last store (everything
//! already stored). It prints articles/s (median of the runs) and the peak resident memory of the
//! ingest process, measured by the kernel (`wait4`). Both wall-clock and CPU (user + system) time
//! are given: on a shared machine the CPU figure is the one that repeats. With the `sqlite3`
//! shell installed it also prints the size of the clusterer state saved in the store, the
//! number of online stories and the number of stories shown (the batch pass's, which
//! `parallax stories` lists). `PARALLAX_BIN=path` times that binary instead of building this tree's
//! (to compare two versions on the same generated input).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail, ensure};

const USAGE: &str = "usage: cargo xtask bench-ingest [--articles N] [--runs N]";

pub fn run(args: &[String]) -> Result<()> {
    let (mut articles, mut runs) = (100_000usize, 3usize);
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it.next().context(USAGE)?;
        match flag.as_str() {
            "--articles" => articles = value.parse().context(USAGE)?,
            "--runs" => runs = value.parse().context(USAGE)?,
            _ => bail!("{USAGE}"),
        }
    }
    ensure!(articles > 0 && runs > 0, "{USAGE}");

    let parallax = match std::env::var_os("PARALLAX_BIN") {
        Some(bin) => PathBuf::from(bin),
        None => crate::build_parallax()?,
    };
    let work = std::env::temp_dir().join(format!("parallax-bench-ingest-{}", std::process::id()));
    let _cleanup = RemoveOnDrop(work.clone());
    let input = work.join("articles");
    let t = Instant::now();
    let bytes = generate(&examples_dir(), &input, articles)?;
    eprintln!(
        "wrote {articles} articles ({:.1} MB) in {:.1} s",
        bytes as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );

    let mut rates = Vec::new();
    let mut cpu_rates = Vec::new();
    let mut peak_kb = 0;
    let mut data = PathBuf::new();
    for r in 0..runs {
        data = work.join(format!("data-{r}"));
        let m = ingest(&parallax, &data, &input, articles, articles)?;
        eprintln!(
            "run {}: {:.2} s wall, {:.2} s CPU, {:.0} articles/s, peak RSS {:.1} MB",
            r + 1,
            m.seconds,
            m.cpu_seconds,
            articles as f64 / m.seconds,
            m.peak_kb as f64 / 1024.0
        );
        rates.push(articles as f64 / m.seconds);
        cpu_rates.push(articles as f64 / m.cpu_seconds);
        peak_kb = peak_kb.max(m.peak_kb);
    }
    let again = ingest(&parallax, &data, &input, articles, 0)?;
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let db_bytes: u64 = ["parallax.sqlite", "parallax.sqlite-wal"]
        .iter()
        .filter_map(|f| fs::metadata(data.join(f)).ok())
        .map(|m| m.len())
        .sum();

    println!(
        "plain-text ingest, {articles} articles ({:.1} MB of text files), {runs} runs, fresh store each",
        bytes as f64 / 1e6
    );
    println!("  articles/s, wall (median):  {:.0}", median(rates));
    println!("  articles per CPU second:    {:.0}", median(cpu_rates));
    println!(
        "  peak RSS of parallax:       {:.1} MB",
        peak_kb as f64 / 1024.0
    );
    println!(
        "  store size:                 {:.1} MB",
        db_bytes as f64 / 1e6
    );
    println!(
        "  re-ingest, all stored:      {:.0} articles/s wall, {:.0} per CPU second",
        articles as f64 / again.seconds,
        articles as f64 / again.cpu_seconds
    );
    if let Some(out) = sqlite(
        &data.join("parallax.sqlite"),
        "SELECT (SELECT length(state) FROM story_state), (SELECT COUNT(*) FROM stories)",
    ) {
        let mut it = out.trim().split('|');
        let state: f64 = it.next().and_then(|v| v.parse().ok()).unwrap_or(0.0);
        let stories = it.next().unwrap_or("?");
        println!(
            "  clusterer state saved:      {:.1} MB ({stories} online stories in the store)",
            state / 1e6
        );
    }
    // What the store shows: the batch pass's stories (a store from before it has no such table).
    if let Some(out) = sqlite(
        &data.join("parallax.sqlite"),
        "SELECT COUNT(*) FROM shown_stories",
    ) {
        println!("  stories shown (batch pass): {}", out.trim());
    }
    Ok(())
}

/// The output of a query through the `sqlite3` shell, when it is installed and succeeds.
pub fn sqlite(db: &Path, sql: &str) -> Option<String> {
    let out = Command::new("sqlite3").arg(db).arg(sql).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

struct Measured {
    seconds: f64,
    cpu_seconds: f64,
    peak_kb: i64,
}

/// Runs `parallax ingest` and checks its summary: all `read`, `new` of them new.
fn ingest(parallax: &Path, data: &Path, input: &Path, read: usize, new: usize) -> Result<Measured> {
    let start = Instant::now();
    let mut child = Command::new(parallax)
        .arg("--data")
        .arg(data)
        .arg("ingest")
        .arg(input)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("starting {}", parallax.display()))?;
    let stderr = child.stderr.take().expect("piped");
    let reader = std::thread::spawn(move || std::io::read_to_string(stderr));
    let (status, usage) = wait4(child.id() as i32)?;
    let seconds = start.elapsed().as_secs_f64();
    let stderr = reader.join().expect("reader thread")?;
    ensure!(status == 0, "parallax ingest failed ({status}):\n{stderr}");
    let expected = format!("read {read} articles: {new} new");
    ensure!(
        stderr.contains(&expected),
        "expected {expected:?} from parallax, got:\n{stderr}"
    );
    let cpu = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Ok(Measured {
        seconds,
        cpu_seconds: cpu(usage.ru_utime) + cpu(usage.ru_stime),
        peak_kb: usage.ru_maxrss,
    })
}

/// Waits for `pid` and returns its exit code and resource use (peak RSS in KiB, CPU times).
pub fn wait4(pid: i32) -> Result<(i32, libc::rusage)> {
    let mut status = 0;
    // SAFETY: plain syscall on a child of ours; `usage` is a valid out-pointer.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    ensure!(r == pid, "wait4: {}", std::io::Error::last_os_error());
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    Ok((code, usage))
}

pub fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples")
}

/// The stories the generator varies: the demo corpus's wire stories and the plain-text records
/// of its JSON lines file, as (headline, paragraphs).
fn bases(examples: &Path) -> Result<Vec<(String, Vec<String>)>> {
    let mut bases = Vec::new();
    let mut wire: Vec<PathBuf> = fs::read_dir(examples.join("wire"))
        .with_context(|| format!("reading {}", examples.join("wire").display()))?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    wire.sort();
    for path in wire {
        let text =
            fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        let mut paragraphs: Vec<String> = text
            .split("\n\n")
            .map(|p| p.trim().to_owned())
            .filter(|p| !p.is_empty() && !p.starts_with("By "))
            .collect();
        let headline = paragraphs.remove(0);
        bases.push((headline, paragraphs));
    }
    let jsonl = examples.join("records/newsdesk.jsonl");
    for line in fs::read_to_string(&jsonl)?.lines() {
        let v: serde_json::Value = serde_json::from_str(line)?;
        if let (Some(title), Some(text)) = (v["title"].as_str(), v["text"].as_str()) {
            let paragraphs = text.split("\n\n").map(str::to_owned).collect();
            bases.push((title.to_owned(), paragraphs));
        }
    }
    ensure!(
        !bases.is_empty(),
        "no stories found in {}",
        examples.display()
    );
    Ok(bases)
}

const PLACES: &[&str] = &[
    "KESSEL",
    "NORDHAVEN",
    "MARROW",
    "TESK",
    "LINDMOOR",
    "SERRAVALLE",
    "PORTMUND",
    "ASKEBY",
    "VALLEN",
    "ORLAMUND",
    "BRENNA",
    "STAVIK",
    "HOLMGARD",
    "RISTA",
    "EKEBERG",
    "SUNDVIK",
];
const NAMES: &[&str] = &[
    "Ilse Varga",
    "Petr Holm",
    "Maja Lund",
    "Karl Moen",
    "Elin Kraft",
    "Anton Vik",
    "Greta Moen",
    "Nadia Kovac",
    "Oskar Brandt",
    "Ruth Engel",
    "Jonas Berg",
    "Lena Falk",
];

/// Writes `n` articles under `dir` (1,000 per folder) and returns their total size in bytes.
pub fn generate(examples: &Path, dir: &Path, n: usize) -> Result<u64> {
    let bases = bases(examples)?;
    let mut total = 0u64;
    for i in 0..n {
        let mut rng = SplitMix(i as u64);
        let (headline, paragraphs) = &bases[i % bases.len()];
        let mut body: Vec<String> = paragraphs.clone();
        // Keep the dateline paragraph first; shuffle and trim the rest like an edited copy.
        let mut rest = body.split_off(1.min(body.len()));
        for k in (1..rest.len()).rev() {
            rest.swap(k, rng.below(k + 1));
        }
        if rest.len() > 3 && rng.below(2) == 0 {
            rest.truncate(rest.len() - 1);
        }
        body.extend(rest);
        let place = PLACES[rng.below(PLACES.len())];
        if let Some(first) = body.first_mut()
            && let Some(cut) = first.find([',', ' '])
        {
            first.replace_range(..cut, place);
        }
        body.push(format!(
            "Update {i}: {} reported from {} at {:02}:{:02}, {} people were still in shelters.",
            NAMES[rng.below(NAMES.len())],
            place.to_lowercase(),
            rng.below(24),
            rng.below(60),
            100 + rng.below(9_900),
        ));
        let text = format!("{headline} ({})\n\n{}\n", i + 1, body.join("\n\n"));
        let folder = dir.join(format!("{:03}", i / 1000));
        if i % 1000 == 0 {
            fs::create_dir_all(&folder)?;
        }
        fs::write(folder.join(format!("{i:06}.txt")), &text)?;
        total += text.len() as u64;
    }
    Ok(total)
}

/// A small deterministic generator (SplitMix64), so the corpus is the same on every machine.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

pub struct RemoveOnDrop(pub PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}
