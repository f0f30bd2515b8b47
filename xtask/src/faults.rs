//! `cargo xtask faults [--articles N]`: what the real `parallax` binary (release build) does to
//! a store when things go wrong, and whether running the same command again completes the job.
//! Too slow for `cargo test` (twenty killed ingests, and the mounts need root).
//!
//! Faults: `kill -9` of an ingest at 20 points spread over its run (some land in the story
//! update at the end), each followed by the same ingest again; a full disk (a small tmpfs data
//! folder, then grown); a read-only data folder (the tmpfs remounted read-only); a corrupted
//! and a truncated `parallax.sqlite`; a store whose schema version is newer than this program's.
//! Every case checks that no command panicked (exit code 101 or "panicked" on stderr), that an
//! error names the database file, and, where the store can be repaired by re-running, that the
//! store then holds every article once, each with one story row, counted once by the shown
//! stories, and passes `PRAGMA integrity_check` (through the `sqlite3` shell). Prints a Markdown
//! table: fault, outcome, articles lost. Mounting needs root; without it those rows say so.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

use anyhow::{Context, Result, bail, ensure};

use crate::bench_ingest::{RemoveOnDrop, examples_dir, generate, sqlite};

const USAGE: &str = "usage: cargo xtask faults [--articles N]";
const KILLS: usize = 20;

struct Row {
    fault: String,
    outcome: String,
    lost: String,
}

pub fn run(args: &[String]) -> Result<()> {
    let mut articles = 2000usize;
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--articles" => articles = it.next().context(USAGE)?.parse().context(USAGE)?,
            _ => bail!("{USAGE}"),
        }
    }
    let parallax = crate::build_parallax()?;
    let work = std::env::temp_dir().join(format!("parallax-faults-{}", std::process::id()));
    let _cleanup = RemoveOnDrop(work.clone());
    let input = work.join("articles");
    generate(&examples_dir(), &input, articles)?;
    let p = Parallax {
        bin: parallax,
        input,
        articles: articles as u64,
    };
    let mut rows = Vec::new();
    rows.push(kills(&p, &work)?);
    rows.push(server_kills(&p, &work)?);
    rows.extend(mounted(&p, &work)?);
    rows.extend(damaged(&p, &work)?);

    println!("| fault | outcome | articles lost |");
    println!("| --- | --- | ---: |");
    for r in &rows {
        println!("| {} | {} | {} |", r.fault, r.outcome, r.lost);
    }
    let bad = rows
        .iter()
        .filter(|r| r.outcome.starts_with("FAIL"))
        .count();
    ensure!(bad == 0, "{bad} fault cases failed");
    Ok(())
}

struct Parallax {
    bin: PathBuf,
    input: PathBuf,
    articles: u64,
}

impl Parallax {
    fn command(&self, data: &Path, args: &[&str]) -> Command {
        let mut c = Command::new(&self.bin);
        c.arg("-q").arg("--data").arg(data).args(args);
        c
    }

    fn ingest(&self, data: &Path) -> Command {
        let mut c = self.command(data, &["ingest", "--batch", "50"]);
        c.arg(&self.input);
        c
    }

    fn output(&self, mut c: Command) -> Result<Output> {
        c.output().context("running parallax")
    }
}

fn panicked(out: &Output) -> bool {
    out.status.code() == Some(101) || String::from_utf8_lossy(&out.stderr).contains("panicked")
}

fn first_error(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .replace('|', "\\|")
}

/// Articles in the store, after checking it is whole: `None` with the reason when it is not.
fn consistent(data: &Path) -> std::result::Result<u64, String> {
    let db = data.join("parallax.sqlite");
    let query = |sql: &str| -> std::result::Result<String, String> {
        sqlite(&db, sql)
            .map(|s| s.trim().to_owned())
            .ok_or_else(|| format!("sqlite3 {sql:?} failed"))
    };
    let integrity = query("PRAGMA integrity_check")?;
    if integrity != "ok" {
        return Err(format!("integrity_check: {integrity}"));
    }
    let n = |sql: &str| -> std::result::Result<u64, String> {
        query(sql)?.parse().map_err(|e| format!("{sql}: {e}"))
    };
    let articles = n("SELECT COUNT(*) FROM articles")?;
    let distinct = n("SELECT COUNT(DISTINCT id) FROM articles")?;
    let rows = n("SELECT COUNT(*) FROM article_story")?;
    let shown = n("SELECT COALESCE(SUM(articles), 0) FROM shown_stories")?;
    if distinct != articles || rows != articles || shown != articles {
        return Err(format!(
            "{articles} articles, {distinct} distinct, {rows} story rows, {shown} shown"
        ));
    }
    Ok(articles)
}

/// The same ingest again must finish and leave every article stored once.
fn rerun(p: &Parallax, data: &Path) -> std::result::Result<u64, String> {
    let out = p.output(p.ingest(data)).map_err(|e| e.to_string())?;
    if panicked(&out) {
        return Err(format!("re-run panicked: {}", first_error(&out)));
    }
    if !out.status.success() {
        return Err(format!("re-run failed: {}", first_error(&out)));
    }
    consistent(data)
}

fn kills(p: &Parallax, work: &Path) -> Result<Row> {
    let full = work.join("uninterrupted");
    let start = Instant::now();
    let out = p.output(p.ingest(&full))?;
    let run_time = start.elapsed();
    ensure!(out.status.success(), "ingest failed: {}", first_error(&out));
    let _ = std::fs::remove_dir_all(&full);
    let (mut lost, mut bad, mut in_update) = (0u64, Vec::new(), 0);
    for k in 0..KILLS {
        let data = work.join(format!("killed-{k}"));
        let at = run_time.mul_f64((k as f64 + 0.5) / KILLS as f64);
        let mut child = p
            .ingest(&data)
            .stderr(std::process::Stdio::null())
            .spawn()?;
        std::thread::sleep(at);
        let _ = child.kill(); // SIGKILL
        child.wait()?;
        let before = sqlite(
            &data.join("parallax.sqlite"),
            "SELECT COUNT(*) FROM articles",
        )
        .and_then(|s| s.trim().parse::<u64>().ok())
        .unwrap_or(0);
        if before == p.articles {
            in_update += 1;
        }
        match rerun(p, &data) {
            Ok(n) => {
                lost += p.articles - n;
                eprintln!(
                    "kill {k} at {:.2} s: {before} stored when killed, {n} after re-run",
                    at.as_secs_f64()
                );
            }
            Err(e) => bad.push(format!("kill at {:.2} s: {e}", at.as_secs_f64())),
        }
        let _ = std::fs::remove_dir_all(&data);
    }
    Ok(Row {
        fault: format!(
            "`kill -9` of `ingest` ({} articles, batches of 50) at {KILLS} points over its {:.1} s, \
             then the same ingest again",
            p.articles,
            run_time.as_secs_f64()
        ),
        outcome: if bad.is_empty() {
            format!(
                "every re-run completed, store whole (integrity_check ok, each article once with \
                 one story row); {in_update} kills landed after the last batch (story update)"
            )
        } else {
            format!("FAIL: {}", bad.join("; "))
        },
        lost: lost.to_string(),
    })
}

/// `kill -9` of `parallax serve` while it takes articles through `POST /api/articles`, five
/// times at growing delays; then one more start (which clusters what a killed update left) and
/// the check that every article the server acknowledged is stored once, with its story.
fn server_kills(p: &Parallax, work: &Path) -> Result<Row> {
    use crate::server_bench::{Client, Server, TOKEN};
    const ROUNDS: usize = 5;
    let data = work.join("served");
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in std::fs::read_dir(&p.input)? {
        for f in std::fs::read_dir(dir?.path())? {
            files.push(f?.path());
        }
    }
    files.sort();
    let mut acknowledged: Vec<String> = Vec::new();
    let mut next = 0;
    for round in 0..ROUNDS {
        let server = Server::start(&p.bin, &data, Some(TOKEN))?;
        let port = server.port;
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let poster = {
            let stop = stop.clone();
            let files = files[next..].to_vec();
            std::thread::spawn(move || {
                let mut ids = Vec::new();
                let mut sent = 0;
                let Ok(mut client) = Client::connect(port) else {
                    return (ids, sent);
                };
                for f in files {
                    if stop.load(std::sync::atomic::Ordering::Relaxed) {
                        break;
                    }
                    let text = std::fs::read_to_string(&f).unwrap_or_default();
                    let (title, body) = text.split_once("\n\n").unwrap_or(("", &text));
                    let record = serde_json::json!({"title": title, "text": body}).to_string();
                    sent += 1;
                    match client.request("POST", "/api/articles", Some(&record)) {
                        Ok((status, reply)) if (200..300).contains(&status) => {
                            let v: serde_json::Value =
                                serde_json::from_slice(&reply).unwrap_or_default();
                            if let Some(id) = v["articles"][0]["id"].as_str() {
                                ids.push(id.to_owned());
                            }
                        }
                        _ => break, // killed
                    }
                }
                (ids, sent)
            })
        };
        std::thread::sleep(std::time::Duration::from_millis(300 * (round as u64 + 1)));
        drop(server); // SIGKILL
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let (ids, sent) = poster
            .join()
            .map_err(|_| anyhow::anyhow!("poster panicked"))?;
        eprintln!(
            "server kill {round}: {} acknowledged of {sent} posted",
            ids.len()
        );
        next += sent;
        acknowledged.extend(ids);
    }
    drop(Server::start(&p.bin, &data, Some(TOKEN))?);
    let db = data.join("parallax.sqlite");
    let mut missing = 0u64;
    for id in &acknowledged {
        let found = sqlite(
            &db,
            &format!("SELECT COUNT(*) FROM articles WHERE id = '{id}'"),
        )
        .is_some_and(|s| s.trim() == "1");
        if !found {
            missing += 1;
        }
    }
    // `serve` updates the stories before it listens: that start has clustered what was left.
    let outcome = match consistent(&data) {
        Ok(n) => format!(
            "{} articles acknowledged over {ROUNDS} kills, {n} stored; store whole \
             (integrity_check ok, each article once with one story row) after one more start",
            acknowledged.len()
        ),
        Err(e) => format!("FAIL: {e}"),
    };
    Ok(Row {
        fault: "`kill -9` of `parallax serve` during `POST /api/articles`, 5 times (after 0.3 to 1.5 s)"
            .into(),
        outcome: if missing > 0 {
            format!("FAIL: {missing} acknowledged articles missing; {outcome}")
        } else {
            outcome
        },
        lost: missing.to_string(),
    })
}

/// Full disk and read-only folder, on a tmpfs mounted for the purpose (root only).
fn mounted(p: &Parallax, work: &Path) -> Result<Vec<Row>> {
    let mnt = work.join("tmpfs");
    std::fs::create_dir_all(&mnt)?;
    let mount = |opts: &str| {
        Command::new("mount")
            .args(["-t", "tmpfs", "-o", opts, "tmpfs"])
            .arg(&mnt)
            .status()
            .is_ok_and(|s| s.success())
    };
    let remount = |opts: &str| {
        Command::new("mount")
            .args(["-o", &format!("remount,{opts}")])
            .arg(&mnt)
            .status()
            .is_ok_and(|s| s.success())
    };
    if !mount("size=2m") {
        let note = "not run: cannot mount a tmpfs here (needs root)".to_owned();
        return Ok(vec![
            Row {
                fault: "full disk".into(),
                outcome: note.clone(),
                lost: "-".into(),
            },
            Row {
                fault: "read-only data folder".into(),
                outcome: note,
                lost: "-".into(),
            },
        ]);
    }
    let _unmount = Unmount(mnt.clone());
    let data = mnt.join("data");
    let mut rows = Vec::new();

    let out = p.output(p.ingest(&data))?;
    // Right after the failure: whole batches only, nothing damaged (the stories come with the
    // re-run, which clusters every article that has none).
    let db = data.join("parallax.sqlite");
    let integrity = sqlite(&db, "PRAGMA integrity_check").map(|s| s.trim().to_owned());
    let before = sqlite(&db, "SELECT COUNT(*) FROM articles")
        .and_then(|s| s.trim().parse::<u64>().ok())
        .unwrap_or(0);
    let outcome = if panicked(&out) {
        format!("FAIL: panicked: {}", first_error(&out))
    } else if out.status.success() {
        "FAIL: the ingest did not notice the full disk".to_owned()
    } else if !first_error(&out).contains("parallax.sqlite") {
        format!("FAIL: error does not name the file: {}", first_error(&out))
    } else if integrity.as_deref() != Some("ok") {
        format!("FAIL: store damaged after the full disk: {integrity:?}")
    } else if !before.is_multiple_of(50) {
        format!("FAIL: {before} articles stored, not whole batches of 50")
    } else if !remount("size=256m") {
        "FAIL: could not grow the tmpfs".to_owned()
    } else {
        match rerun(p, &data) {
            Ok(after) => format!(
                "exit {}, `{}`; store whole (integrity_check ok) with {before} articles in whole \
                 batches; after growing the disk the same ingest completed ({after})",
                out.status.code().unwrap_or(-1),
                first_error(&out)
            ),
            Err(e) => format!("FAIL: {e}"),
        }
    };
    let lost = consistent(&data).map_or("?".to_owned(), |n| (p.articles - n).to_string());
    rows.push(Row {
        fault: format!(
            "full disk: 2 MB tmpfs data folder, ingest of {} articles",
            p.articles
        ),
        outcome,
        lost,
    });

    // Read-only: the complete store from above, its folder remounted read-only.
    let before = consistent(&data).unwrap_or(0);
    let ro = remount("ro");
    let write = p.output(p.ingest(&data))?;
    let read = p.output(p.command(&data, &["stories"]))?;
    let outcome = if !ro {
        "FAIL: could not remount read-only".to_owned()
    } else if panicked(&write) || panicked(&read) {
        format!(
            "FAIL: panicked: {} / {}",
            first_error(&write),
            first_error(&read)
        )
    } else if write.status.success() {
        "ingest of already stored articles succeeded (nothing to write)".to_owned()
    } else if !first_error(&write).contains("parallax.sqlite") {
        format!(
            "FAIL: error does not name the file: {}",
            first_error(&write)
        )
    } else {
        format!(
            "ingest: exit {}, `{}`; stories: exit {}{}",
            write.status.code().unwrap_or(-1),
            first_error(&write),
            read.status.code().unwrap_or(-1),
            if read.status.success() {
                String::new()
            } else {
                format!(", `{}`", first_error(&read))
            }
        )
    };
    remount("rw");
    let after = consistent(&data).unwrap_or(0);
    rows.push(Row {
        fault: "read-only data folder (the store above, tmpfs remounted read-only)".into(),
        outcome,
        lost: before.saturating_sub(after).to_string(),
    });
    Ok(rows)
}

struct Unmount(PathBuf);

impl Drop for Unmount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

/// A damaged or too new `parallax.sqlite`: reading and ingesting must fail with an error naming
/// the file, never panic.
fn damaged(p: &Parallax, work: &Path) -> Result<Vec<Row>> {
    let good = work.join("good");
    let out = p.output(p.ingest(&good))?;
    ensure!(out.status.success(), "ingest failed: {}", first_error(&out));
    let db_len = std::fs::metadata(good.join("parallax.sqlite"))?.len();
    type Damage = Box<dyn Fn(&Path) -> Result<()>>;
    let cases: Vec<(String, Damage, bool)> = vec![
        (
            "corrupted `parallax.sqlite` (4 KiB of garbage at the middle of the file)".into(),
            Box::new(move |db| {
                use std::io::{Seek, SeekFrom, Write};
                let mut f = std::fs::OpenOptions::new().write(true).open(db)?;
                f.seek(SeekFrom::Start(db_len / 2 / 4096 * 4096))?;
                f.write_all(&[0xA5; 4096])?;
                Ok(())
            }),
            false,
        ),
        (
            "corrupted header of `parallax.sqlite` (first 100 bytes)".into(),
            Box::new(|db| {
                use std::io::Write;
                let mut f = std::fs::OpenOptions::new().write(true).open(db)?;
                f.write_all(&[0x5A; 100])?;
                Ok(())
            }),
            false,
        ),
        (
            "truncated `parallax.sqlite` (cut to half)".into(),
            Box::new(move |db| {
                std::fs::OpenOptions::new()
                    .write(true)
                    .open(db)?
                    .set_len(db_len / 2)?;
                Ok(())
            }),
            false,
        ),
        (
            "store written by a newer version (`user_version` 99)".into(),
            Box::new(|db| {
                sqlite(db, "PRAGMA user_version = 99").context("sqlite3")?;
                Ok(())
            }),
            true,
        ),
    ];
    let mut rows = Vec::new();
    for (k, (fault, damage, keeps)) in cases.into_iter().enumerate() {
        let data = work.join(format!("damaged-{k}"));
        std::fs::create_dir_all(&data)?;
        std::fs::copy(good.join("parallax.sqlite"), data.join("parallax.sqlite"))?;
        damage(&data.join("parallax.sqlite"))?;
        let read = p.output(p.command(&data, &["articles"]))?;
        let write = p.output(p.ingest(&data))?;
        let named = |o: &Output| first_error(o).contains("parallax.sqlite");
        let outcome = if panicked(&read) || panicked(&write) {
            format!(
                "FAIL: panicked: {} / {}",
                first_error(&read),
                first_error(&write)
            )
        } else if write.status.success() && read.status.success() {
            "FAIL: the damage went unnoticed".to_owned()
        } else if (!read.status.success() && !named(&read))
            || (!write.status.success() && !named(&write))
        {
            format!(
                "FAIL: error does not name the file: {} / {}",
                first_error(&read),
                first_error(&write)
            )
        } else {
            let say = |o: &Output| {
                if o.status.success() {
                    "exit 0".to_owned()
                } else {
                    format!(
                        "exit {}, `{}`",
                        o.status.code().unwrap_or(-1),
                        first_error(o)
                    )
                }
            };
            format!("articles: {}; ingest: {}", say(&read), say(&write))
        };
        let lost = if keeps {
            sqlite(
                &data.join("parallax.sqlite"),
                "SELECT COUNT(*) FROM articles",
            )
            .and_then(|s| s.trim().parse::<u64>().ok())
            .map_or("?".to_owned(), |n| (p.articles - n).to_string())
        } else {
            "n/a (file damaged: restore from a copy)".to_owned()
        };
        rows.push(Row {
            fault,
            outcome,
            lost,
        });
    }
    Ok(rows)
}
