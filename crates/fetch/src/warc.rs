//! Keeping fetched responses: WARC 1.1 files, one gzip member per record (`.warc.gz`, as
//! crawlers write them and as `ingest` reads them), in a folder of the caller's choosing.
//!
//! Each writer makes files of its own, named by the time it started, its process id and a
//! serial number, opened with `create_new`, so two processes writing into one folder never share
//! a file. A file is closed and the next begun once the next record would take it past
//! [`Writer::max_file_bytes`] (compressed); each file opens with a `warcinfo` record. Records
//! are written whole with one `write_all`, so a killed run leaves at most one truncated gzip
//! member at the end of its last file, which the reader reports and steps over. A response is
//! stored as received, except that the body has its transfer coding undone (and the
//! `Transfer-Encoding` header is left out accordingly).

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};
use flate2::{Compression, write::GzEncoder};

use crate::Exchange;

/// Writes responses into rotated WARC files in one folder (made on the first record).
pub struct Writer {
    dir: PathBuf,
    max_file_bytes: u64,
    /// The open file, its path and the bytes written to it.
    current: Option<(File, PathBuf, u64)>,
    /// Files begun so far, in order.
    files: Vec<PathBuf>,
    started: DateTime<Utc>,
    records: u64,
}

/// Where a record could not be written: the file and the error.
#[derive(Debug, thiserror::Error)]
#[error("{}: {source}", path.display())]
pub struct WriteError {
    pub path: PathBuf,
    #[source]
    pub source: io::Error,
}

impl Writer {
    /// 1 GB, the usual size of a crawler's WARC file.
    pub const DEFAULT_MAX_FILE_BYTES: u64 = 1_000_000_000;

    pub fn new(dir: impl Into<PathBuf>, max_file_bytes: u64) -> Self {
        Writer {
            dir: dir.into(),
            max_file_bytes,
            current: None,
            files: Vec::new(),
            started: Utc::now(),
            records: 0,
        }
    }

    pub fn max_file_bytes(&self) -> u64 {
        self.max_file_bytes
    }

    /// The files begun so far, in order.
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }

    /// Appends one `response` record for `exchange`.
    pub fn write(&mut self, exchange: &Exchange) -> Result<(), WriteError> {
        let record = self.response_record(exchange);
        let record = gzip(&record).map_err(|e| self.error(e))?;
        let full = self
            .current
            .as_ref()
            .is_some_and(|(_, _, n)| *n > 0 && n + record.len() as u64 > self.max_file_bytes);
        if self.current.is_none() || full {
            self.rotate()?;
        }
        let Some((file, path, written)) = self.current.as_mut() else {
            return Err(self.error(io::Error::other("no warc file is open")));
        };
        file.write_all(&record)
            .and_then(|()| file.flush())
            .map_err(|source| WriteError {
                path: path.clone(),
                source,
            })?;
        *written += record.len() as u64;
        Ok(())
    }

    fn error(&self, source: io::Error) -> WriteError {
        let path = match &self.current {
            Some((_, path, _)) => path.clone(),
            None => self.dir.clone(),
        };
        WriteError { path, source }
    }

    /// Closes the current file and begins the next, with its `warcinfo` record.
    fn rotate(&mut self) -> Result<(), WriteError> {
        self.current = None;
        let dir_error = |source| WriteError {
            path: self.dir.clone(),
            source,
        };
        std::fs::create_dir_all(&self.dir).map_err(dir_error)?;
        let stamp = self.started.format("%Y%m%d%H%M%S");
        let pid = std::process::id();
        let mut serial = self.files.len();
        let (file, path) = loop {
            let path = self
                .dir
                .join(format!("parallax-{stamp}-{pid}-{serial:05}.warc.gz"));
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(file) => break (file, path),
                // A file of an earlier process that had the same id in the same second.
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && serial < 100_000 => {
                    serial += 1;
                }
                Err(source) => return Err(WriteError { path, source }),
            }
        };
        self.files.push(path.clone());
        self.current = Some((file, path, 0));
        let info = self.info_record();
        let info = gzip(&info).map_err(|e| self.error(e))?;
        if let Some((file, path, written)) = self.current.as_mut() {
            file.write_all(&info).map_err(|source| WriteError {
                path: path.clone(),
                source,
            })?;
            *written += info.len() as u64;
        }
        Ok(())
    }

    fn info_record(&mut self) -> Vec<u8> {
        let name = self
            .current
            .as_ref()
            .and_then(|(_, path, _)| path.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let fields = format!(
            "software: parallax/{}\r\nformat: WARC File Format 1.1\r\n",
            env!("CARGO_PKG_VERSION")
        );
        let id = self.record_id(&name);
        record(
            &[
                ("WARC-Type", "warcinfo"),
                ("WARC-Record-ID", &id),
                ("WARC-Date", &warc_date(Utc::now())),
                ("WARC-Filename", &name),
                ("Content-Type", "application/warc-fields"),
            ],
            fields.as_bytes(),
        )
    }

    fn response_record(&mut self, exchange: &Exchange) -> Vec<u8> {
        let reason = reqwest::StatusCode::from_u16(exchange.status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("");
        let mut http = format!("{} {} {reason}\r\n", exchange.version, exchange.status);
        for (name, value) in &exchange.headers {
            // A header value cannot hold a line break; one that did would end the head.
            let value: String = value
                .chars()
                .filter(|c| !matches!(c, '\r' | '\n'))
                .collect();
            http.push_str(&format!("{name}: {value}\r\n"));
        }
        http.push_str("\r\n");
        let mut block = http.into_bytes();
        block.extend_from_slice(&exchange.body);
        let id = self.record_id(&exchange.url);
        let uri: String = exchange
            .url
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        record(
            &[
                ("WARC-Type", "response"),
                ("WARC-Record-ID", &id),
                ("WARC-Date", &warc_date(exchange.received)),
                ("WARC-Target-URI", &uri),
                ("Content-Type", "application/http; msgtype=response"),
            ],
            &block,
        )
    }

    /// A `urn:uuid:` unique to this writer's record: a hash of the writer's start, process,
    /// record number and `what`, shaped as a version 4 UUID.
    fn record_id(&mut self, what: &str) -> String {
        self.records += 1;
        let mut h = blake3::Hasher::new();
        h.update(
            self.started
                .timestamp_nanos_opt()
                .unwrap_or_default()
                .to_le_bytes()
                .as_slice(),
        );
        h.update(&std::process::id().to_le_bytes());
        h.update(&self.records.to_le_bytes());
        h.update(what.as_bytes());
        let mut b = [0u8; 16];
        b.copy_from_slice(&h.finalize().as_bytes()[..16]);
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
        format!(
            "<urn:uuid:{}-{}-{}-{}-{}>",
            &hex[..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..]
        )
    }
}

/// The folder of a data folder where fetched responses are kept.
pub fn folder(data: &Path) -> PathBuf {
    data.join("warc")
}

fn warc_date(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn record(fields: &[(&str, &str)], block: &[u8]) -> Vec<u8> {
    let mut out = b"WARC/1.1\r\n".to_vec();
    for (name, value) in fields {
        out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", block.len()).as_bytes());
    out.extend_from_slice(block);
    out.extend_from_slice(b"\r\n\r\n");
    out
}

fn gzip(bytes: &[u8]) -> io::Result<Vec<u8>> {
    let mut gz = GzEncoder::new(Vec::with_capacity(bytes.len() / 3), Compression::default());
    gz.write_all(bytes)?;
    gz.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exchange(url: &str, body: &str) -> Exchange {
        Exchange {
            url: url.into(),
            status: 200,
            version: "HTTP/1.1".into(),
            headers: vec![("content-type".into(), "text/html; charset=utf-8".into())],
            body: body.as_bytes().to_vec(),
            received: Utc::now(),
        }
    }

    const PAGE: &str = "<html><head><title>Harbour bridge reopens</title></head><body><article>\
        <p>The harbour bridge in Northgate reopened on Tuesday after six months of repairs, and \
        the first buses crossed it before dawn.</p></article></body></html>";

    #[test]
    fn records_are_read_back_and_files_rotate() {
        let dir = tempfile::tempdir().unwrap();
        let mut writer = Writer::new(dir.path().join("warc"), 600);
        for i in 0..4 {
            let page = PAGE.replace("Tuesday", &format!("day {i}"));
            writer
                .write(&exchange(&format!("http://news.example/{i}"), &page))
                .unwrap();
        }
        // Each compressed record is a few hundred bytes: two to a file.
        assert!(writer.files().len() >= 2, "{:?}", writer.files());
        let mut urls = Vec::new();
        for file in writer.files() {
            let bytes = std::fs::read(file).unwrap();
            assert!(bytes.len() < 1200);
            for article in ingest::read_bytes(&file.display().to_string(), &bytes) {
                let article = article.unwrap();
                urls.push(article.url.unwrap());
            }
        }
        let want: Vec<String> = (0..4).map(|i| format!("http://news.example/{i}")).collect();
        assert_eq!(urls, want);
    }

    #[test]
    fn record_ids_are_uuids_and_unique() {
        let mut writer = Writer::new("unused", 1);
        let a = writer.record_id("x");
        let b = writer.record_id("x");
        assert_ne!(a, b);
        assert_eq!(a.len(), "<urn:uuid:>".len() + 36);
        assert_eq!(&a[24..25], "4");
    }

    #[test]
    fn an_unwritable_folder_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, b"x").unwrap();
        let mut writer = Writer::new(blocker.join("warc"), 1 << 20);
        let e = writer
            .write(&exchange("http://a.example/", PAGE))
            .unwrap_err();
        assert!(
            e.to_string().starts_with(&blocker.display().to_string()),
            "{e}"
        );
    }
}
