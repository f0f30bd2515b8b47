//! Finding inputs (files, folders, stdin), undoing gzip, choosing a reader by content and
//! extension, and handing each file to it.
//!
//! Single-document formats (plain text, HTML, JSON, feeds) are read into memory only up to
//! [`Config::max_file_bytes`]; JSON lines and WARC are streamed record by record, so a file of any
//! size is read in bounded memory. Folder walks are sorted by name, skip hidden entries, and read
//! only files with an article format's extension (or none); a file named by the user is always
//! read. Nothing here panics on input.

use std::collections::HashSet;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Cursor, Read};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use flate2::bufread::MultiGzDecoder;

use crate::pending::Pending;
use crate::sniff::{self, Format};
use crate::{Article, ReadError, Source, feed, json, plain, warc};

/// How inputs are read.
#[derive(Debug, Clone)]
pub struct Config {
    /// Single-document files (text, HTML, JSON, feeds) larger than this are refused with an
    /// error rather than read into memory; it also bounds one JSON line and one WARC record.
    pub max_file_bytes: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_file_bytes: 64 << 20,
        }
    }
}

/// The articles of a run, or the errors of the inputs and records that failed, in input order,
/// each still to be finished.
pub(crate) type Articles<'a> = Box<dyn Iterator<Item = Pending> + Send + 'a>;

/// Reads every article from `inputs` (files, folders searched recursively, or `-` for stdin), yielding one result per article or per input or
/// record that failed. Lazy: a file is opened only when the iterator reaches it.
pub fn read_inputs<'a>(
    inputs: &'a [PathBuf],
    config: &'a Config,
) -> impl Iterator<Item = Result<Article, ReadError>> + Send + 'a {
    read_pending(inputs, config).map(Pending::finish)
}

/// [`read_inputs`] with the costly part of each article left to [`Pending::finish`].
pub(crate) fn read_pending<'a>(
    inputs: &'a [PathBuf],
    config: &'a Config,
) -> impl Iterator<Item = Pending> + Send + 'a {
    inputs
        .iter()
        .flat_map(|p| expand(p))
        .flat_map(move |found| -> Articles<'a> {
            match found {
                Ok((path, origin)) => read_path(&path, origin, config),
                Err(e) => once(Err(e)),
            }
        })
}

/// One result as the whole of an input's articles.
fn once<'a>(result: Result<Article, ReadError>) -> Articles<'a> {
    Box::new(std::iter::once(Pending::ready(result)))
}

/// Reads the articles held in `bytes`, which came from the input called `name` (its extension
/// helps to choose the format). Gzip is undone as for files.
pub fn read_bytes(name: &str, bytes: &[u8]) -> Vec<Result<Article, ReadError>> {
    let config = Config::default();
    read_stream(
        name.to_owned(),
        Box::new(bytes),
        Hint {
            origin: Origin::Named,
            len: Some(bytes.len() as u64),
            gzipped: false,
        },
        &config,
    )
    .map(Pending::finish)
    .collect()
}

/// Whether the user named an input or a folder walk found it: files found in a folder that turn
/// out to be binary are skipped quietly, as ripgrep does, while a named one is an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    Named,
    Found,
}

struct Hint {
    origin: Origin,
    /// The size on disk, when known, so an oversized file is refused before it is read.
    len: Option<u64>,
    /// Whether the bytes the readers see were gunzipped, so offsets are not the file's.
    gzipped: bool,
}

/// How much of the start of an input is looked at to choose its format.
const SNIFF_BYTES: usize = 8192;

fn expand(path: &Path) -> Vec<Result<(PathBuf, Origin), ReadError>> {
    if path.as_os_str() == "-" {
        return vec![Ok((path.to_owned(), Origin::Named))];
    }
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => {
            let mut out = Vec::new();
            let mut seen = HashSet::new();
            walk(path, &mut out, &mut seen);
            out
        }
        Ok(_) => vec![Ok((path.to_owned(), Origin::Named))],
        Err(e) => vec![Err(io_error(path.display().to_string(), e))],
    }
}

/// Collects the files under `dir`, sorted by name at each level, skipping hidden entries and
/// folders already visited through a symlink.
fn walk(
    dir: &Path,
    out: &mut Vec<Result<(PathBuf, Origin), ReadError>>,
    seen: &mut HashSet<PathBuf>,
) {
    if let Ok(canonical) = std::fs::canonicalize(dir)
        && !seen.insert(canonical)
    {
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            out.push(Err(io_error(dir.display().to_string(), e)));
            return;
        }
    };
    let mut paths = Vec::new();
    for entry in entries {
        match entry {
            Ok(entry) if entry.file_name().as_encoded_bytes().starts_with(b".") => {}
            Ok(entry) => paths.push(entry.path()),
            Err(e) => out.push(Err(io_error(dir.display().to_string(), e))),
        }
    }
    paths.sort();
    for path in paths {
        match std::fs::metadata(&path) {
            Ok(m) if m.is_dir() => walk(&path, out, seen),
            Ok(m) if m.is_file() && is_article_file(&path) => out.push(Ok((path, Origin::Found))),
            Ok(m) if m.is_file() => {
                tracing::debug!(file = %path.display(), "not an article file; skipped")
            }
            Ok(_) => {}
            Err(e) => out.push(Err(io_error(path.display().to_string(), e))),
        }
    }
}

/// Whether a file found in a folder is one we read: an article format's extension (also under
/// `.gz`) or none, and not a folder's README or licence. Named files are always read.
fn is_article_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if ["readme", "license", "licence", "copying", "changelog"]
        .iter()
        .any(|p| name.starts_with(p))
    {
        return false;
    }
    let ext = sniff::extension(&name);
    ARTICLE_EXTENSIONS.contains(&ext.as_str())
}

/// Extensions of the files a folder walk reads.
const ARTICLE_EXTENSIONS: &[&str] = &[
    "",
    "txt",
    "text",
    "html",
    "htm",
    "xhtml",
    "shtml",
    "json",
    "jsonl",
    "ndjson",
    "jsonlines",
    "xml",
    "rss",
    "atom",
    "rdf",
    "warc",
    "arc",
];

fn read_path<'a>(path: &Path, origin: Origin, config: &'a Config) -> Articles<'a> {
    let name = path.display().to_string();
    let _span = tracing::debug_span!("read", file = %name).entered();
    if path.as_os_str() == "-" {
        let reader = BufReader::with_capacity(1 << 16, io::stdin());
        let hint = Hint {
            origin,
            len: None,
            gzipped: false,
        };
        return read_stream(name, Box::new(reader), hint, config);
    }
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) => return once(Err(io_error(name, e))),
    };
    let len = file.metadata().ok().map(|m| m.len());
    let reader = BufReader::with_capacity(1 << 16, file);
    let hint = Hint {
        origin,
        len,
        gzipped: false,
    };
    read_stream(name, Box::new(reader), hint, config)
}

/// A gzip failure seen by [`GzGuard`], kept until the reader of the decoded stream is done.
type GzFailure = Arc<Mutex<Option<(u64, io::Error)>>>;

/// Turns a failure of the gzip decoder into the end of the stream, remembering it, so that the
/// reader keeps whatever was decoded before a truncated or corrupt member.
struct GzGuard<R> {
    inner: R,
    decoded: u64,
    failure: GzFailure,
    failed: bool,
}

impl<R: Read> Read for GzGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.failed {
            return Ok(0);
        }
        match self.inner.read(buf) {
            Ok(n) => {
                self.decoded += n as u64;
                Ok(n)
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Err(e),
            Err(e) => {
                self.failed = true;
                *self.failure.lock().unwrap_or_else(|p| p.into_inner()) = Some((self.decoded, e));
                Ok(0)
            }
        }
    }
}

fn read_stream<'a>(
    name: String,
    mut reader: Box<dyn BufRead + Send + 'a>,
    mut hint: Hint,
    config: &'a Config,
) -> Articles<'a> {
    let mut gz_failure: Option<GzFailure> = None;
    match reader.fill_buf() {
        Ok([0x1f, 0x8b, ..]) => {
            let failure = GzFailure::default();
            let guard = GzGuard {
                inner: MultiGzDecoder::new(reader),
                decoded: 0,
                failure: failure.clone(),
                failed: false,
            };
            reader = Box::new(BufReader::with_capacity(1 << 16, guard));
            gz_failure = Some(failure);
            hint.len = None;
            hint.gzipped = true;
        }
        Ok(_) => {}
        Err(e) => return once(Err(io_error(name, e))),
    }

    let mut prefix = Vec::with_capacity(SNIFF_BYTES);
    if let Err(e) = (&mut reader)
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut prefix)
    {
        return once(Err(io_error(name, e)));
    }
    let reader: Box<dyn BufRead + Send + 'a> = Box::new(Cursor::new(prefix.clone()).chain(reader));

    let gz_failed = gz_failure
        .as_ref()
        .is_some_and(|f| f.lock().unwrap_or_else(|p| p.into_inner()).is_some());
    let articles: Articles<'a> = if prefix.is_empty() && gz_failed {
        // Nothing decoded: the gzip error below says it all.
        Box::new(std::iter::empty())
    } else {
        read_format(&name, &prefix, reader, &hint, gz_failure.as_ref(), config)
    };
    let gz_error = gz_failure.map(move |failure| {
        std::iter::from_fn(move || {
            let (decoded, e) = failure.lock().unwrap_or_else(|p| p.into_inner()).take()?;
            Some(Pending::ready(Err(ReadError::BadInput {
                location: name.clone(),
                message: format!(
                    "truncated or corrupt gzip stream after {decoded} decompressed bytes ({}); what came before it was read",
                    lower(&e.to_string())
                ),
            })))
        })
    });
    Box::new(articles.chain(gz_error.into_iter().flatten()))
}

fn read_format<'a>(
    name: &str,
    prefix: &[u8],
    reader: Box<dyn BufRead + Send + 'a>,
    hint: &Hint,
    gz_failure: Option<&GzFailure>,
    config: &'a Config,
) -> Articles<'a> {
    let bad = |message: String| -> Articles<'a> {
        once(Err(ReadError::BadInput {
            location: name.to_owned(),
            message,
        }))
    };
    if prefix.is_empty() {
        return bad("empty file".into());
    }
    let format = sniff::format(prefix, &sniff::extension(name));
    tracing::debug!(?format, "format chosen");
    if format != Format::Warc
        && let Some(offset) = sniff::binary(prefix)
    {
        if hint.origin == Origin::Found {
            tracing::debug!(file = name, "binary file skipped");
            return Box::new(std::iter::empty());
        }
        return bad(format!(
            "binary file (nul byte at offset {offset}), not an article"
        ));
    }
    let limit = config.max_file_bytes;
    match format {
        Format::Warc => {
            let records = warc::Records::new(name.to_owned(), reader, limit);
            return Box::new(records.gzipped(hint.gzipped).map(Pending::ready));
        }
        Format::Jsonl => {
            let mut lines = json::Lines::new(name.to_owned(), reader, limit);
            return Box::new(std::iter::from_fn(move || lines.next_pending()));
        }
        _ => {}
    }
    if let Some(len) = hint.len
        && len > limit
    {
        return bad(too_large(format, Some(len), limit));
    }
    let mut bytes = Vec::new();
    if let Err(e) = reader.take(limit.saturating_add(1)).read_to_end(&mut bytes) {
        return once(Err(io_error(name.to_owned(), e)));
    }
    if bytes.len() as u64 > limit {
        return bad(too_large(format, None, limit));
    }
    let gz_truncated =
        gz_failure.is_some_and(|f| f.lock().unwrap_or_else(|p| p.into_inner()).is_some());
    if matches!(format, Format::Text | Format::Html) {
        // One article each, made on whichever thread finishes it.
        return Box::new(std::iter::once(Pending::document(
            name.to_owned(),
            bytes,
            format,
            gz_truncated,
        )));
    }
    let mut articles = read_document(name, &bytes, format, limit);
    if gz_truncated {
        for article in articles.iter_mut().flatten() {
            article
                .warnings
                .push("the gzip stream is truncated; this text may be incomplete".into());
        }
    }
    Box::new(articles.into_iter().map(Pending::ready))
}

fn too_large(format: Format, len: Option<u64>, limit: u64) -> String {
    let size = match len {
        Some(len) => format!("{len} bytes"),
        None => "more than the limit".into(),
    };
    format!(
        "file is too large to read as one {} document ({size}, limit {limit} bytes); split it, or use JSON lines or WARC, which are streamed",
        format.name()
    )
}

/// Reads a whole single-document file that is already in memory.
fn read_document(
    name: &str,
    bytes: &[u8],
    format: Format,
    limit: u64,
) -> Vec<Result<Article, ReadError>> {
    match format {
        Format::Text => vec![plain::read(name, bytes).and_then(|d| d.finish(Source::file(name)))],
        Format::Html => {
            vec![crate::html::extract(bytes, name, None).and_then(|d| d.finish(Source::file(name)))]
        }
        Format::Json => json::read_document(name, bytes, limit),
        Format::Feed => feed::read(name, bytes),
        Format::Jsonl => json::Lines::new(name.to_owned(), bytes, limit).collect(),
        Format::Warc => warc::Records::new(name.to_owned(), bytes, limit).collect(),
    }
}

/// An I/O error with the operating system's message in our style: lower case, no error code.
pub(crate) fn io_error(location: String, e: io::Error) -> ReadError {
    let message = e.to_string();
    let message = match message.find(" (os error") {
        Some(i) => &message[..i],
        None => &message,
    };
    ReadError::Io {
        location,
        source: io::Error::new(e.kind(), lower(message)),
    }
}

pub(crate) fn lower(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}
