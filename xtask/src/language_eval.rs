//! `eval-language`: how often the bounded language sample gives the label the detector gives
//! on the whole first 4 KiB (the labels before samples were bounded and spread), on every shared
//! corpus, and what each sample costs.
//!
//! Each corpus is read as the program reads it (`ingest` for files, the story evaluations'
//! loaders for ECB+ and Multi-News), then every article's normalised text is labelled by the
//! reference (the first 4,096 bytes, read whole) and by each candidate sample: a prefix of N
//! bytes, N bytes as three pieces from spread-out paragraph starts, and what `text::language`
//! ships with (a prefix of `text::SAMPLE_BYTES`). Agreement counts `None` as a label.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Result, bail};

/// A corpus: its name and its articles' texts.
struct Corpus {
    name: &'static str,
    texts: Vec<String>,
}

fn read_dir_texts(paths: &[PathBuf]) -> Vec<String> {
    let config = ingest::Config::default();
    ingest::read_inputs(paths, &config)
        .filter_map(|r| r.ok())
        .map(|a| a.text)
        .collect()
}

fn load() -> Result<Vec<Corpus>> {
    let dir = crate::shared_data();
    let items = |v: Vec<crate::stories_eval::Item>| -> Vec<String> {
        v.into_iter().map(|i| i.article.text).collect()
    };
    let polnear = ["train", "dev", "test"]
        .map(|s| dir.join("polnear/data").join(s).join("text"))
        .to_vec();
    let corpora = vec![
        Corpus {
            name: "article-extraction",
            texts: read_dir_texts(&[dir.join("article-extraction/html")]),
        },
        Corpus {
            name: "dates",
            texts: read_dir_texts(&[dir.join("dates/pages")]),
        },
        Corpus {
            name: "ecbplus",
            texts: items(crate::stories_eval::load_ecbplus(&dir)?),
        },
        Corpus {
            name: "multi-news-200",
            texts: items(crate::stories_eval::load_multinews(&dir)?),
        },
        Corpus {
            name: "allsides-dev",
            texts: read_dir_texts(&[dir.join("allsides-dev/articles.jsonl")]),
        },
        Corpus {
            name: "polnear",
            texts: read_dir_texts(&polnear),
        },
        Corpus {
            name: "gendergaptracker-dev",
            texts: read_dir_texts(&[dir.join("gendergaptracker-dev/articles")]),
        },
    ];
    for c in &corpora {
        if c.texts.is_empty() {
            bail!("no articles read for {}", c.name);
        }
    }
    Ok(corpora)
}

/// The first `n` bytes of `text`, cut back to a character boundary.
fn prefix(text: &str, n: usize) -> &str {
    let mut end = text.len().min(n);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// A way of choosing the sample.
#[derive(Clone, Copy)]
enum Sampler {
    Prefix(usize),
    Spread(usize),
    Shipped,
}

impl Sampler {
    fn name(self) -> String {
        match self {
            Sampler::Prefix(n) => format!("prefix {n}"),
            Sampler::Spread(n) => format!("spread {n} (3 pieces)"),
            Sampler::Shipped => format!("text::language ({} B)", text::SAMPLE_BYTES),
        }
    }

    fn label(self, t: &str) -> Option<&'static str> {
        match self {
            Sampler::Prefix(n) => text::language_of_sample(prefix(t, n)),
            Sampler::Spread(n) => text::language_of_sample(&spread_sample(t, n, 3)),
            Sampler::Shipped => text::language(t),
        }
    }
}

/// Labels of every text and the seconds they took (best of 3 passes).
fn labels(sampler: Sampler, texts: &[String]) -> (Vec<Option<&'static str>>, f64) {
    let mut best = f64::INFINITY;
    let mut out = Vec::new();
    for _ in 0..3 {
        let start = Instant::now();
        out = texts.iter().map(|t| sampler.label(t)).collect();
        best = best.min(start.elapsed().as_secs_f64());
    }
    (out, best)
}

pub fn run(args: &[String]) -> Result<()> {
    let mut samplers = vec![Sampler::Prefix(4096)];
    let mut sizes = vec![512, 1024, 1536, 2048];
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--sizes" => {
                let Some(list) = it.next() else {
                    bail!("--sizes needs a list such as 1024,2048")
                };
                sizes = list
                    .split(',')
                    .map(|s| s.trim().parse())
                    .collect::<Result<_, _>>()?;
            }
            other => bail!("unknown argument {other:?} (expected --sizes N,N,...)"),
        }
    }
    for &n in &sizes {
        samplers.push(Sampler::Prefix(n));
        samplers.push(Sampler::Spread(n));
    }
    samplers.push(Sampler::Shipped);

    let corpora = load()?;
    let total: usize = corpora.iter().map(|c| c.texts.len()).sum();
    let bytes: usize = corpora.iter().flat_map(|c| &c.texts).map(|t| t.len()).sum();
    println!(
        "{total} articles, {:.1} MB of normalised text; reference: the first 4,096 bytes read whole",
        bytes as f64 / 1e6
    );
    let reference: Vec<Vec<Option<&str>>> = corpora
        .iter()
        .map(|c| labels(Sampler::Prefix(4096), &c.texts).0)
        .collect();
    for c in corpora.iter().zip(&reference) {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for l in c.1 {
            *counts.entry(l.unwrap_or("none")).or_default() += 1;
        }
        let list: Vec<String> = counts.iter().map(|(l, n)| format!("{l} {n}")).collect();
        println!(
            "  {:<22} {:>5} articles: {}",
            c.0.name,
            c.0.texts.len(),
            list.join(", ")
        );
    }
    println!();
    print!("{:<26} {:>9}", "sample", "µs/article");
    for c in &corpora {
        print!(" {:>12}", shorten(c.name));
    }
    println!(" {:>9}  changed labels", "all");
    for sampler in samplers {
        let mut seconds = 0.0;
        let mut agree_all = 0;
        let mut changes: BTreeMap<String, usize> = BTreeMap::new();
        let mut cells = Vec::new();
        for (c, reference) in corpora.iter().zip(&reference) {
            let (got, s) = labels(sampler, &c.texts);
            seconds += s;
            let agree = got.iter().zip(reference).filter(|(a, b)| a == b).count();
            agree_all += agree;
            for (a, b) in got.iter().zip(reference) {
                if a != b {
                    let key = format!(
                        "{}: {}→{}",
                        shorten(c.name),
                        b.unwrap_or("none"),
                        a.unwrap_or("none")
                    );
                    *changes.entry(key).or_default() += 1;
                }
            }
            cells.push(format!(
                "{:>12}",
                format!("{:.2}%", 100.0 * agree as f64 / c.texts.len() as f64)
            ));
        }
        let list: Vec<String> = changes.iter().map(|(k, n)| format!("{k} ×{n}")).collect();
        println!(
            "{:<26} {:>9.1} {} {:>9}  {}",
            sampler.name(),
            seconds * 1e6 / total as f64,
            cells.join(" "),
            format!("{:.2}%", 100.0 * agree_all as f64 / total as f64),
            list.join(", ")
        );
    }
    Ok(())
}

/// At most about `max_bytes` of `text` to detect its language on: all of it when it fits, else
/// `pieces` runs of `max_bytes / pieces` bytes, each from the start of a paragraph, the
/// paragraphs spread evenly over the text (the first always among them). A text of fewer
/// paragraphs than pieces gives runs from evenly spread word starts instead. Runs end on a
/// character boundary and are joined by blank lines.
fn spread_sample(text: &str, max_bytes: usize, pieces: usize) -> Cow<'_, str> {
    if text.len() <= max_bytes {
        return Cow::Borrowed(text);
    }
    let pieces = pieces.max(1);
    let piece = max_bytes / pieces;
    let mut starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices("\n\n").map(|(i, _)| i + 2))
        .collect();
    if starts.len() < pieces {
        // Too few paragraphs: evenly spread positions, moved on to the next word.
        starts = (0..pieces)
            .map(|k| {
                let at = floor_boundary(text, text.len() * k / pieces);
                match text[at..].find(char::is_whitespace) {
                    Some(i) if k > 0 => at + i + 1,
                    _ => at,
                }
            })
            .collect();
    } else {
        let n = starts.len();
        starts = (0..pieces).map(|k| starts[n * k / pieces]).collect();
    }
    let mut out = String::with_capacity(max_bytes + 2 * pieces);
    let mut covered = 0;
    for start in starts {
        let start = start.max(covered).min(text.len());
        let end = floor_boundary(text, (start + piece).min(text.len()));
        if end <= start {
            continue;
        }
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&text[start..end]);
        covered = end;
    }
    Cow::Owned(out)
}

/// The largest character boundary of `text` at or before `at`.
fn floor_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn shorten(name: &str) -> &str {
    match name {
        "article-extraction" => "art-extract",
        "multi-news-200" => "multi-news",
        "gendergaptracker-dev" => "ggt-dev",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_of_a_short_text_is_the_text() {
        assert!(matches!(
            spread_sample("Kurz.", 100, 3),
            Cow::Borrowed("Kurz.")
        ));
    }

    #[test]
    fn sample_takes_paragraph_starts_spread_over_the_text() {
        let paras: Vec<String> = (0..9).map(|i| format!("P{i} {}", "x".repeat(40))).collect();
        let text = paras.join("\n\n");
        let got = spread_sample(&text, 30, 3);
        let starts: Vec<&str> = got.split("\n\n").map(|p| &p[..2]).collect();
        assert_eq!(starts, ["P0", "P3", "P6"]);
        assert!(got.len() <= 30 + 4);
    }

    #[test]
    fn sample_of_one_long_paragraph_starts_at_words() {
        let text = "Wort ".repeat(100);
        let got = spread_sample(&text, 60, 3);
        for piece in got.split("\n\n") {
            assert!(piece.starts_with("Wort"), "{piece:?}");
        }
    }
}
