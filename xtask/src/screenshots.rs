//! `cargo xtask screenshots`: regenerates the PNGs in `docs/screenshots/` so a reader sees the web
//! app without running it. Ingests `examples/` into a fresh store with the release `parallax`,
//! starts `parallax serve` on a free loopback port and has headless Chromium (Debian's
//! `chromium`, or `$CHROMIUM`) capture the main pages at desktop and phone width.

use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{Context, Result, ensure};

use crate::build_parallax;
use crate::server_bench::{Server, tempdir};

pub fn run(_args: &[String]) -> Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = root.join("docs/screenshots");
    std::fs::create_dir_all(&out)?;
    let parallax = build_parallax()?;
    let data = tempdir("parallax-screenshots")?;
    let status = Command::new(&parallax)
        .args(["--quiet", "--data"])
        .arg(&data)
        .arg("ingest")
        .arg(root.join("examples"))
        .status()
        .context("running parallax ingest")?;
    ensure!(status.success(), "parallax ingest failed");
    let server = Server::start(&parallax, &data, None)?;

    let stories = server.get_json("/api/stories")?;
    let story = stories["stories"]
        .as_array()
        .and_then(|s| s.iter().max_by_key(|s| s["articles"].as_u64()))
        .context("no story")?;
    let id = story["id"].as_str().context("story id")?.to_owned();
    let detail = server.get_json(&format!("/api/stories/{id}"))?;
    // The article page as a citation chip opens it: the summary's first sentence's source.
    let cite = &detail["brief"]["summary"][0]["citations"][0];
    let article = format!(
        "/articles/{}?cite={}-{}#s-{}-{}",
        cite["article"].as_str().context("cited article")?,
        cite["start"],
        cite["end"],
        cite["start"],
        cite["end"]
    );
    let story_page = format!("/stories/{id}");
    let shots: [(&str, &str, (u32, u32)); 7] = [
        ("stories", "/", (1280, 1100)),
        ("story", &story_page, (1280, 3400)),
        ("article-cited", &article, (1280, 1400)),
        ("search", "/?q=rescue+teams", (1280, 1100)),
        ("outlets", "/outlets", (1280, 900)),
        ("phone-stories", "/", (390, 1400)),
        ("phone-story", &story_page, (390, 2600)),
    ];
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "chromium".to_owned());
    for (name, path, (w, h)) in shots {
        let file = out.join(format!("{name}.png"));
        let profile = tempdir(&format!("parallax-chromium-{name}"))?;
        let status = Command::new(&chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--force-device-scale-factor=1",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(format!("--window-size={w},{h}"))
            .arg(format!("--screenshot={}", file.display()))
            .arg(format!("http://127.0.0.1:{}{path}", server.port))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .with_context(|| {
                format!(
                    "running {chromium} (install it: apt-get install -y chromium chromium-driver)"
                )
            })?;
        let _ = std::fs::remove_dir_all(&profile);
        ensure!(
            status.success() && file.is_file(),
            "screenshot {name} failed"
        );
        println!("{}", file.display());
    }
    drop(server);
    let _ = std::fs::remove_dir_all(&data);
    Ok(())
}
