//! Reading real files end to end: every kind of bad input from the foundation issue gives a
//! clear message naming the file (and line, record or byte), never a panic, and the good
//! articles of the same run are still read.

use std::io::Write;
use std::path::PathBuf;

use ingest::{Article, Config, read_inputs};

/// A temporary folder of inputs.
struct Dir(tempfile::TempDir);

impl Dir {
    fn new() -> Self {
        Dir(tempfile::tempdir().expect("temp dir"))
    }

    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&path, bytes).expect("write");
        path
    }

    /// A good wire story, to check that it survives next to the bad input.
    fn good(&self) -> PathBuf {
        self.write("good.txt", GOOD)
    }

    fn path(&self) -> PathBuf {
        self.0.path().to_owned()
    }
}

const GOOD: &str = "Harbour bridge reopens after repairs\n\nPORTVALE (Reuters) - The harbour bridge reopened on Monday after six weeks of repairs, the city council said.\n\n\"We are glad to have it back,\" said Mayor Ines Calder.\n";

/// Reads `inputs` and splits the results into articles and error messages.
fn read(inputs: &[PathBuf]) -> (Vec<Article>, Vec<String>) {
    read_with(inputs, &Config::default())
}

fn read_with(inputs: &[PathBuf], config: &Config) -> (Vec<Article>, Vec<String>) {
    let mut articles = Vec::new();
    let mut errors = Vec::new();
    for result in read_inputs(inputs, config) {
        match result {
            Ok(a) => articles.push(a),
            Err(e) => errors.push(e.to_string()),
        }
    }
    (articles, errors)
}

/// Checks that exactly one error came out, naming `file`, containing `fragment`, and that the
/// good story was read too.
fn check_one_error(articles: &[Article], errors: &[String], file: &str, fragment: &str) {
    assert_eq!(errors.len(), 1, "errors: {errors:?}");
    let e = &errors[0];
    assert!(e.contains(file), "{e:?} should name {file:?}");
    assert!(e.contains(fragment), "{e:?} should contain {fragment:?}");
    assert!(
        articles
            .iter()
            .any(|a| a.title.as_deref() == Some("Harbour bridge reopens after repairs")),
        "the good article is missing: {articles:?}"
    );
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(bytes).expect("gzip");
    gz.finish().expect("gzip")
}

#[test]
fn wire_story_gives_title_outlet_and_dateline() {
    let dir = Dir::new();
    let (articles, errors) = read(&[dir.good()]);
    assert!(errors.is_empty(), "{errors:?}");
    let a = &articles[0];
    assert_eq!(
        a.title.as_deref(),
        Some("Harbour bridge reopens after repairs")
    );
    assert_eq!(a.outlet.as_deref(), Some("Reuters"));
    assert_eq!(a.dateline.as_deref(), Some("PORTVALE"));
    assert!(
        a.text
            .starts_with("PORTVALE (Reuters) - The harbour bridge")
    );
    assert!(a.source.path.ends_with("good.txt") && a.source.record.is_none());
}

#[test]
fn empty_file() {
    let dir = Dir::new();
    let empty = dir.write("empty.txt", "");
    let (articles, errors) = read(&[empty, dir.good()]);
    check_one_error(&articles, &errors, "empty.txt", "empty file");
}

#[test]
fn binary_file() {
    let dir = Dir::new();
    let bin = dir.write("photo.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    let (articles, errors) = read(&[bin, dir.good()]);
    check_one_error(
        &articles,
        &errors,
        "photo.txt",
        "binary file (nul byte at offset 8)",
    );
}

#[test]
fn binary_files_found_in_a_folder_are_skipped_quietly() {
    let dir = Dir::new();
    dir.write("a/photo.dat.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    dir.write("a/good.txt", GOOD);
    let (articles, errors) = read(&[dir.path()]);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(articles.len(), 1);
}

#[test]
fn invalid_utf8_is_decoded_with_a_warning_naming_the_byte() {
    let dir = Dir::new();
    let text = b"Caf\xe9 owners protest new rent rules\n\nLISBON \xe2\x80\x94 The owners of the caf\xe9 on the square said the rules would close them.\n";
    let bad = dir.write("latin.txt", text);
    let (articles, errors) = read(&[bad]);
    assert!(errors.is_empty(), "{errors:?}");
    let a = &articles[0];
    assert!(a.text.contains("caf"), "{}", a.text);
    assert!(
        a.warnings
            .iter()
            .any(|w| w.contains("utf-8") && w.contains("offset 3")),
        "{:?}",
        a.warnings
    );
}

#[test]
fn latin1_page_without_charset() {
    let dir = Dir::new();
    let page = b"<html><head><title>Le caf\xe9 rouvre</title></head><body><article><h1>Le caf\xe9 rouvre</h1><p>Apr\xe8s des ann\xe9es de travaux, le caf\xe9 de la gare a rouvert ses portes mardi matin, au grand plaisir des habitu\xe9s du quartier.</p><p>Les propri\xe9taires ont gard\xe9 le vieux comptoir en bois et les miroirs d'origine, a expliqu\xe9 la g\xe9rante.</p></article></body></html>";
    let path = dir.write("cafe.html", page);
    let (articles, errors) = read(&[path, dir.good()]);
    assert!(errors.is_empty(), "{errors:?}");
    let a = articles
        .iter()
        .find(|a| a.source.path.ends_with("cafe.html"))
        .expect("page read");
    assert!(a.text.contains("café de la gare"), "{}", a.text);
    assert!(!a.text.contains('\u{fffd}'));
}

#[test]
fn truncated_gzip_keeps_what_was_decoded() {
    let dir = Dir::new();
    let lines: String = (1..=200)
        .map(|i| format!("{{\"title\": \"Story {i}\", \"text\": \"Body of story number {i}, long enough to matter.\"}}\n"))
        .collect();
    let gz = gzip(lines.as_bytes());
    let cut = dir.write("cut.jsonl.gz", &gz[..gz.len() * 2 / 3]);
    let (articles, errors) = read(&[cut, dir.good()]);
    assert!(articles.len() > 1, "some stories should survive");
    let gz_error = errors
        .iter()
        .find(|e| e.contains("gzip"))
        .expect("a gzip error");
    assert!(gz_error.starts_with(&format!("{}", dir.path().join("cut.jsonl.gz").display())));
    assert!(
        gz_error.contains("truncated or corrupt gzip stream after"),
        "{gz_error}"
    );
    assert!(
        articles
            .iter()
            .any(|a| a.title.as_deref() == Some("Harbour bridge reopens after repairs"))
    );
}

#[test]
fn truncated_gzip_document_is_kept_with_a_warning() {
    let dir = Dir::new();
    let story = format!(
        "{GOOD}\n{}",
        "The repairs cost more than planned. ".repeat(400)
    );
    let gz = gzip(story.as_bytes());
    let cut = dir.write("story.txt.gz", &gz[..gz.len() - 40]);
    let (articles, errors) = read(&[cut]);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("story.txt.gz: truncated or corrupt gzip stream"));
    let a = &articles[0];
    assert_eq!(
        a.title.as_deref(),
        Some("Harbour bridge reopens after repairs")
    );
    assert!(
        a.warnings.iter().any(|w| w.contains("may be incomplete")),
        "{:?}",
        a.warnings
    );
}

#[test]
fn multi_member_gzip_is_read_whole() {
    let dir = Dir::new();
    let mut gz = gzip(b"{\"title\": \"One\", \"text\": \"First.\"}\n");
    gz.extend(gzip(b"{\"title\": \"Two\", \"text\": \"Second.\"}\n"));
    let path = dir.write("two.jsonl.gz", gz);
    let (articles, errors) = read(&[path]);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(articles.len(), 2);
}

#[test]
fn malformed_html() {
    let dir = Dir::new();
    let page = "<html><head><title>Ferry strike ends</title><body><div><p>The ferry strike ended on Friday after the union and the operator agreed on pay.<p>Services will resume on Saturday morning, the operator said in a statement.</div></span></b><p>Unclosed <i>italic and a stray </td> cell<div <p>";
    let path = dir.write("broken.html", page);
    let (articles, errors) = read(&[path, dir.good()]);
    assert!(errors.is_empty(), "{errors:?}");
    let a = articles
        .iter()
        .find(|a| a.source.path.ends_with("broken.html"))
        .expect("page read");
    assert!(a.text.contains("The ferry strike ended"), "{}", a.text);
}

#[test]
fn jsonl_with_one_broken_line() {
    let dir = Dir::new();
    let path = dir.write(
        "records.jsonl",
        "{\"title\": \"A\", \"text\": \"First record.\"}\n{\"title\": \"B\", \"text\": \"Second\n{\"title\": \"C\", \"text\": \"Third record.\"}\n",
    );
    let (articles, errors) = read(&[path, dir.good()]);
    check_one_error(&articles, &errors, "records.jsonl:2", "invalid json");
    let titles: Vec<_> = articles.iter().filter_map(|a| a.title.as_deref()).collect();
    assert_eq!(titles[..2], ["A", "C"]);
    assert_eq!(articles[1].source.record, Some(3));
}

#[test]
fn feed_with_a_broken_item() {
    let dir = Dir::new();
    let feed = r#"<?xml version="1.0"?>
<rss version="2.0"><channel><title>Valley Post</title>
<item><title>Mill reopens</title><description>The mill reopened.</description></item>
<item><title>Broken</titel><description>Never read.</description></item>
<item><title>Dam inspected</title><description>Inspectors visited the dam.</description></item>
</channel></rss>"#;
    let path = dir.write("feed.xml", feed);
    let (articles, errors) = read(&[path, dir.good()]);
    check_one_error(&articles, &errors, "feed.xml#2", "broken item 2 at byte");
    let titles: Vec<_> = articles.iter().filter_map(|a| a.title.as_deref()).collect();
    assert_eq!(titles[..2], ["Mill reopens", "Dam inspected"]);
    assert!(articles[0].summary_only);
    assert_eq!(articles[0].outlet.as_deref(), Some("Valley Post"));
}

fn warc_record(uri: &str, html: &str) -> Vec<u8> {
    let http = format!("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n{html}");
    let mut out = format!(
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n",
        http.len()
    )
    .into_bytes();
    out.extend_from_slice(http.as_bytes());
    out.extend_from_slice(b"\r\n\r\n");
    out
}

const PAGE: &str = "<html><head><title>Rail line extended</title></head><body><article><h1>Rail line extended</h1><p>The regional rail line will be extended to the airport by 2028, the transport ministry said on Tuesday.</p><p>Construction starts next spring and will cost an estimated 40 million euros.</p></article></body></html>";

#[test]
fn warc_gz_with_a_truncated_record() {
    let dir = Dir::new();
    let first = warc_record("https://news.example/rail", PAGE);
    let second = warc_record("https://news.example/other", PAGE);
    // Per-record gzip, as crawlers write it; the second record is cut short inside its content.
    let mut warc = gzip(&first);
    warc.extend(gzip(&second[..second.len() - 100]));
    let path = dir.write("crawl.warc.gz", warc);
    let (articles, errors) = read(&[path, dir.good()]);
    check_one_error(
        &articles,
        &errors,
        "crawl.warc.gz#2",
        &format!("record 2 at byte {} (uncompressed): truncated", first.len()),
    );
    let page = &articles[0];
    assert_eq!(page.url.as_deref(), Some("https://news.example/rail"));
    assert_eq!(page.source.record, Some(1));
    assert!(
        page.text.contains("extended to the airport"),
        "{}",
        page.text
    );
}

#[test]
fn truncated_gzip_member_in_a_warc() {
    let dir = Dir::new();
    let first = warc_record("https://news.example/rail", PAGE);
    let mut warc = gzip(&first);
    let second = gzip(&warc_record("https://news.example/other", PAGE));
    warc.extend_from_slice(&second[..second.len() / 2]);
    let path = dir.write("cut.warc.gz", warc);
    let (articles, errors) = read(&[path]);
    assert_eq!(articles.len(), 1);
    assert!(
        errors
            .iter()
            .any(|e| e.contains("cut.warc.gz") && e.contains("gzip")),
        "{errors:?}"
    );
}

#[test]
fn file_of_200_mb_is_refused_quickly() {
    let dir = Dir::new();
    let path = dir.0.path().join("huge.txt");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
    let line = "The council met again today and talked for a very long time about the bridge.\n";
    let block = line.repeat((1 << 20) / line.len());
    while file.get_ref().metadata().expect("size").len() < 200 << 20 {
        file.write_all(block.as_bytes()).expect("write");
    }
    file.flush().expect("flush");
    drop(file);
    let start = std::time::Instant::now();
    let (articles, errors) = read(&[path, dir.good()]);
    check_one_error(
        &articles,
        &errors,
        "huge.txt",
        "too large to read as one plain text document",
    );
    assert!(start.elapsed().as_secs() < 5, "took {:?}", start.elapsed());
}

#[test]
fn gzip_bomb_is_stopped_at_the_limit() {
    let dir = Dir::new();
    let config = Config {
        max_file_bytes: 1 << 20,
    };
    let bomb = gzip(&b"a ".repeat(8 << 20));
    let path = dir.write("bomb.txt.gz", bomb);
    let (articles, errors) = read_with(&[path, dir.good()], &config);
    check_one_error(&articles, &errors, "bomb.txt.gz", "too large");
}

#[test]
fn large_jsonl_is_streamed() {
    let dir = Dir::new();
    let line = "{\"title\": \"Tiny\", \"text\": \"A short record.\"}\n";
    let path = dir.write("many.jsonl", line.repeat(20_000));
    // The file is far larger than the limit; JSON lines are read one line at a time.
    let config = Config {
        max_file_bytes: 4096,
    };
    let (articles, errors) = read_with(&[path], &config);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(articles.len(), 20_000);
}

#[test]
fn html_nested_100000_levels_deep() {
    let dir = Dir::new();
    let page = format!(
        "<html><body>{}<p>Deep inside the page the council approved the new budget for the coming year after a long debate.</p>{}</body></html>",
        "<div>".repeat(100_000),
        "</div>".repeat(100_000)
    );
    let path = dir.write("deep.html", page);
    let (articles, errors) = read(&[path, dir.good()]);
    // Either the body is found or a clear error names the file; never a crash.
    assert!(
        articles.len() == 2 || errors.iter().all(|e| e.contains("deep.html")),
        "{errors:?}"
    );
    assert!(articles.iter().any(|a| a.source.path.ends_with("good.txt")));
}

#[test]
fn truncated_gzip_with_nothing_decoded_gives_one_error() {
    let dir = Dir::new();
    let gz = gzip(GOOD.as_bytes());
    let cut = dir.write("cut.txt.gz", &gz[..12]);
    let (articles, errors) = read(&[cut, dir.good()]);
    check_one_error(
        &articles,
        &errors,
        "cut.txt.gz",
        "truncated or corrupt gzip stream after 0 decompressed bytes",
    );
}

#[test]
fn path_that_does_not_exist() {
    let dir = Dir::new();
    let missing = dir.0.path().join("missing.txt");
    let (articles, errors) = read(&[missing, dir.good()]);
    check_one_error(
        &articles,
        &errors,
        "missing.txt",
        "no such file or directory",
    );
}

#[test]
fn folders_are_walked_in_sorted_order_skipping_hidden_entries() {
    let dir = Dir::new();
    dir.write("b/2.txt", "Second story headline\n\nBody two.");
    dir.write("b/10.txt", "Tenth story headline\n\nBody ten.");
    dir.write("a.txt", "First story headline\n\nBody one.");
    dir.write(".hidden.txt", "Hidden story headline\n\nHidden body.");
    dir.write(".git/config.txt", "Git story headline\n\nGit body.");
    dir.write("README.md", "About this folder\n\nNot an article.");
    dir.write("b/data.csv", "a,b\n1,2\n");
    let (articles, errors) = read(&[dir.path()]);
    assert!(errors.is_empty(), "{errors:?}");
    let titles: Vec<_> = articles.iter().filter_map(|a| a.title.as_deref()).collect();
    assert_eq!(
        titles,
        [
            "First story headline",
            "Tenth story headline",
            "Second story headline"
        ]
    );
}

#[test]
fn every_format_in_one_run() {
    let dir = Dir::new();
    let feed = "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Courier</title><entry><title>Atom entry</title><content type=\"html\">&lt;p&gt;Full text of the entry.&lt;/p&gt;</content></entry></feed>";
    let inputs = [
        dir.write("1.txt", GOOD),
        dir.write("2.html", PAGE),
        dir.write("3.json", "[{\"title\": \"Json one\", \"text\": \"One.\"}, {\"title\": \"Json two\", \"html\": \"<p>Two.</p>\"}]"),
        dir.write("4.atom", feed),
        dir.write("5.warc", warc_record("https://news.example/rail", PAGE)),
    ];
    let (articles, errors) = read(&inputs);
    assert!(errors.is_empty(), "{errors:?}");
    let sources: Vec<_> = articles.iter().map(|a| a.source.to_string()).collect();
    let names: Vec<_> = sources
        .iter()
        .map(|s| s.rsplit('/').next().unwrap_or(s))
        .collect();
    assert_eq!(
        names,
        [
            "1.txt", "2.html", "3.json#1", "3.json#2", "4.atom#1", "5.warc#1"
        ]
    );
    assert_eq!(articles[2].title.as_deref(), Some("Json one"));
    assert_eq!(articles[4].text, "Full text of the entry.");
    assert!(!articles[4].summary_only);
}

#[test]
fn read_bytes_takes_the_format_from_the_name_and_content() {
    let got = ingest::read_bytes("x.jsonl", b"{\"text\": \"a\"}\n{\"text\": \"b\"}\n");
    assert_eq!(got.len(), 2);
    let got = ingest::read_bytes("story.txt.gz", &gzip(GOOD.as_bytes()));
    assert_eq!(
        got[0].as_ref().expect("read").outlet.as_deref(),
        Some("Reuters")
    );
}
