//! End-to-end tests of the `parallax` binary: each test gets a temporary folder, writes its
//! inputs there and runs the built binary in it (like ripgrep's `rgtest!`).

mod concurrent;
mod demo;
mod entities_quotes;
mod export;
mod extract;
mod fetch;
mod follow;
mod ingest;
mod pipes;
mod stories;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// A temporary working folder with its own data folder.
pub struct Dir {
    tmp: tempfile::TempDir,
}

impl Default for Dir {
    fn default() -> Dir {
        Dir {
            tmp: tempfile::tempdir().expect("temporary folder"),
        }
    }
}

impl Dir {
    pub fn new() -> Dir {
        Dir::default()
    }

    pub fn path(&self) -> &Path {
        self.tmp.path()
    }

    /// The data folder the commands use.
    pub fn data(&self) -> PathBuf {
        self.path().join("data")
    }

    /// Writes `contents` to `name` (folders are created), relative to the working folder.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, contents).unwrap();
        path
    }

    /// `parallax ARGS` run in the working folder with `--data data`.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_parallax"));
        cmd.current_dir(self.path())
            .env_remove("PARALLAX_DATA")
            .env_remove("RUST_LOG")
            .arg("--data")
            .arg(self.data())
            .args(args)
            .stdin(Stdio::null());
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Run {
        Run(self.command(args).output().expect("run parallax"))
    }

    /// Runs and insists on exit code 0.
    pub fn ok(&self, args: &[&str]) -> Run {
        let run = self.run(args);
        assert_eq!(run.code(), 0, "parallax {args:?} failed:\n{}", run.stderr());
        run
    }
}

/// Serves `app` on 127.0.0.1 (a port the system picks) on a thread and runtime of its own, so
/// the test's thread can run `parallax` meanwhile; gives the base URL.
pub fn serve_app(app: axum::Router) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    base
}

/// What a run of `parallax` left.
pub struct Run(pub Output);

impl Run {
    pub fn code(&self) -> i32 {
        self.0.status.code().expect("exited, not killed")
    }

    pub fn stdout(&self) -> String {
        String::from_utf8(self.0.stdout.clone()).expect("stdout is UTF-8")
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.0.stderr).into_owned()
    }

    /// Stdout as JSON lines.
    pub fn jsonl(&self) -> Vec<serde_json::Value> {
        self.stdout()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout()).expect("stdout is one JSON document")
    }
}

/// A plain-text wire story; `n` makes it a distinct article.
pub fn wire_story(n: usize) -> String {
    format!(
        "Dam bursts above Kessel, story {n}\n\n\
         KESSEL, Jan 12 (NWS) - The Upper Aske dam gave way early on Monday, story {n}.\n\n\
         \"We will find out who is responsible,\" Interior Minister Tomas Brekke said.\n"
    )
}
