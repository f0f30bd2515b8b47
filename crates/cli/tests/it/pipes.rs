//! Output into a pipe that the reader closes early.

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use crate::{Dir, wire_story};

/// `parallax extract big | head -1` must end quietly with 0, not panic or complain.
#[test]
fn closed_stdout_pipe_exits_quietly_with_0() {
    let dir = Dir::new();
    // Far more output than a pipe buffers, so the writer is still writing when the pipe closes.
    for n in 0..400 {
        dir.write(&format!("in/{n:04}.txt"), wire_story(n).repeat(4));
    }
    for format in ["text", "jsonl", "json"] {
        let mut child = dir
            .command(&["extract", "in", "--format", format])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        assert!(!first.is_empty());
        // The reader is dropped here: the pipe is closed.
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{format}: {stderr}");
        assert!(!stderr.contains("parallax:"), "{format}: {stderr}");
        assert!(!stderr.contains("panicked"), "{format}: {stderr}");
    }
}
