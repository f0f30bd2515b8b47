//! `cargo xtask eval-stories`: BCubed precision, recall and F1 of story clustering on ECB+
//! (gold = subtopic, also scored at topic level) and on the 570 Multi-News articles (gold = the
//! example each came from). Reads `../shared/data` in place.
//!
//! Splits: ECB+ topics 1–20 are the dev split used to calibrate `stories::Config::default()`,
//! topics 21–45 the test split; Multi-News examples 1–100 dev, 101–200 test. Each split is its own
//! stream, articles shuffled with a fixed seed (ECB+ has no real dates). `--file-order` keeps the
//! file order instead; `--grid` searches the main parameters on the dev splits and prints the
//! best settings (they are then written into `Config::default()` by hand).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use ingest::{Article, Draft, Source};
use stories::{Clusterer, Config};

/// The seed of the shuffles; fixed so figures are reproducible.
pub const SEED: u64 = 42;

/// One corpus article with its gold labels.
pub struct Item {
    pub article: Article,
    /// Gold story (ECB+ subtopic, Multi-News example).
    pub story: String,
    /// Gold topic (ECB+ topic; the example again for Multi-News).
    pub topic: String,
    /// Dev split?
    pub dev: bool,
}

pub fn data_dir() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.join("../../shared/data")
}

/// ECB+ articles in file order. The first line of a text is dropped when it repeats the title.
pub fn load_ecbplus(dir: &Path) -> Result<Vec<Item>> {
    let path = dir.join("ecbplus/docs.jsonl");
    let raw =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let mut out = Vec::new();
    for (i, line) in raw.lines().enumerate() {
        let v: serde_json::Value = serde_json::from_str(line)
            .with_context(|| format!("{}:{}: bad json", path.display(), i + 1))?;
        let title = v["title"].as_str().unwrap_or("").trim().to_owned();
        let text = v["text"].as_str().unwrap_or("");
        let body = match text.split_once('\n') {
            Some((first, rest)) if first.trim() == title => rest,
            _ => text,
        };
        let topic = v["topic"].as_u64().unwrap_or(0);
        let draft = Draft {
            title: Some(title).filter(|t| !t.is_empty()),
            body: body.to_owned(),
            ..Draft::default()
        };
        let Ok(article) = draft.finish(Source::record(path.display().to_string(), i as u64 + 1))
        else {
            continue;
        };
        out.push(Item {
            article,
            story: v["subtopic"].as_str().unwrap_or("").to_owned(),
            topic: topic.to_string(),
            dev: (1..=20).contains(&topic),
        });
    }
    Ok(out)
}

/// Multi-News articles: every document of every example, in file order.
pub fn load_multinews(dir: &Path) -> Result<Vec<Item>> {
    let path = dir.join("multi-news-200/multi_news_test200.jsonl");
    let raw =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let mut out = Vec::new();
    let mut record = 0;
    for (i, line) in raw.lines().enumerate() {
        let v: serde_json::Value = serde_json::from_str(line)
            .with_context(|| format!("{}:{}: bad json", path.display(), i + 1))?;
        for doc in v["documents"].as_array().into_iter().flatten() {
            record += 1;
            let draft = Draft {
                body: doc.as_str().unwrap_or("").to_owned(),
                ..Draft::default()
            };
            let Ok(article) = draft.finish(Source::record(path.display().to_string(), record))
            else {
                continue;
            };
            out.push(Item {
                article,
                story: i.to_string(),
                topic: i.to_string(),
                dev: i < 100,
            });
        }
    }
    Ok(out)
}

/// A fixed-seed Fisher–Yates shuffle (splitmix64).
pub fn shuffle<T>(items: &mut [T], seed: u64) {
    let mut state = seed;
    for i in (1..items.len()).rev() {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        items.swap(i, (z % (i as u64 + 1)) as usize);
    }
}

/// Clusters the items in the given order; returns each item's final story.
pub fn cluster(items: &[&Item], config: &Config) -> Vec<String> {
    let mut c = Clusterer::new(config.clone());
    let assigned: Vec<Option<stories::StoryId>> =
        items.iter().map(|it| c.add(&it.article).story).collect();
    assigned
        .into_iter()
        .enumerate()
        .map(|(i, s)| s.map_or_else(|| format!("unclustered-{i}"), |s| c.current(&s).0))
        .collect()
}

/// BCubed precision, recall and F1 (per-item averages).
pub fn bcubed(predicted: &[String], gold: &[&str]) -> (f64, f64, f64) {
    let n = predicted.len();
    if n == 0 {
        return (0.0, 0.0, 0.0);
    }
    let mut pair: HashMap<(&str, &str), usize> = HashMap::new();
    let mut pc: HashMap<&str, usize> = HashMap::new();
    let mut gc: HashMap<&str, usize> = HashMap::new();
    for (p, g) in predicted.iter().zip(gold) {
        *pair.entry((p.as_str(), g)).or_default() += 1;
        *pc.entry(p.as_str()).or_default() += 1;
        *gc.entry(g).or_default() += 1;
    }
    let (mut prec, mut rec) = (0.0, 0.0);
    for (p, g) in predicted.iter().zip(gold) {
        let both = pair[&(p.as_str(), *g)] as f64;
        prec += both / pc[p.as_str()] as f64;
        rec += both / gc[g] as f64;
    }
    let (p, r) = (prec / n as f64, rec / n as f64);
    (
        p,
        r,
        if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        },
    )
}

struct Split<'a> {
    name: &'static str,
    items: Vec<&'a Item>,
}

fn splits<'a>(items: &'a [Item], order_seed: Option<u64>) -> Vec<Split<'a>> {
    let mut ordered: Vec<&Item> = items.iter().collect();
    if let Some(seed) = order_seed {
        shuffle(&mut ordered, seed);
    }
    vec![
        Split {
            name: "dev",
            items: ordered.iter().copied().filter(|i| i.dev).collect(),
        },
        Split {
            name: "test",
            items: ordered.iter().copied().filter(|i| !i.dev).collect(),
        },
        Split {
            name: "all",
            items: ordered,
        },
    ]
}

fn score(split: &Split, config: &Config) -> ((f64, f64, f64), (f64, f64, f64), usize) {
    let predicted = cluster(&split.items, config);
    let story: Vec<&str> = split.items.iter().map(|i| i.story.as_str()).collect();
    let topic: Vec<&str> = split.items.iter().map(|i| i.topic.as_str()).collect();
    let mut distinct = predicted.clone();
    distinct.sort();
    distinct.dedup();
    (
        bcubed(&predicted, &story),
        bcubed(&predicted, &topic),
        distinct.len(),
    )
}

pub fn run(args: &[String]) -> Result<()> {
    let dir = data_dir();
    let ecb = load_ecbplus(&dir)?;
    let mn = load_multinews(&dir)?;
    if ecb.is_empty() || mn.is_empty() {
        bail!("no articles read from {}", dir.display());
    }
    let seed = if args.iter().any(|a| a == "--file-order") {
        None
    } else {
        Some(SEED)
    };
    if args.iter().any(|a| a == "--grid") {
        return grid(&ecb, &mn, seed);
    }
    let config = Config::default();
    let order = seed.map_or("file order".to_owned(), |s| format!("shuffled, seed {s}"));
    println!("story clustering, BCubed, stories::Config::default(), {order}");
    println!(
        "{:<26} {:>5} {:>7} {:>6} {:>6} {:>6}   {:>6} {:>6} {:>6}",
        "set", "docs", "stories", "P", "R", "F1", "topicP", "topicR", "topicF1"
    );
    for (name, items) in [("ECB+ subtopic", &ecb), ("Multi-News example", &mn)] {
        for split in splits(items, seed) {
            let ((p, r, f), (tp, tr, tf), k) = score(&split, &config);
            println!(
                "{:<26} {:>5} {:>7} {p:>6.3} {r:>6.3} {f:>6.3}   {tp:>6.3} {tr:>6.3} {tf:>6.3}",
                format!("{name} {}", split.name),
                split.items.len(),
                k
            );
        }
    }
    Ok(())
}

/// Searches the main parameters on the dev splits; prints the best by the mean of the two F1s.
fn grid(ecb: &[Item], mn: &[Item], seed: Option<u64>) -> Result<()> {
    let ecb_dev = splits(ecb, seed)
        .into_iter()
        .next()
        .context("no dev split")?;
    let mn_dev = splits(mn, seed)
        .into_iter()
        .next()
        .context("no dev split")?;
    let mut results = Vec::new();
    let base = Config::default();
    for join in [0.12f32, 0.15, 0.18, 0.21, 0.24, 0.27, 0.3] {
        for merge in [0.3f32, 0.4, 0.5, 0.6] {
            for entity in [1.0f32, 1.5, 2.0, 3.0] {
                for number in [0.5f32, 1.0, 2.0] {
                    let config = Config {
                        join_threshold: join,
                        merge_threshold: merge,
                        entity_weight: entity,
                        number_weight: number,
                        date_weight: number,
                        ..base.clone()
                    };
                    let (e, _, _) = score(&ecb_dev, &config);
                    let (m, _, _) = score(&mn_dev, &config);
                    results.push(((e.2 + m.2) / 2.0, e.2, m.2, join, merge, entity, number));
                }
            }
        }
    }
    results.sort_by(|a, b| b.0.total_cmp(&a.0));
    println!("mean   ecbF1  mnF1   join merge entity number+date");
    for r in results.iter().take(15) {
        println!(
            "{:.4} {:.4} {:.4} {:.2} {:.2} {:.1} {:.1}",
            r.0, r.1, r.2, r.3, r.4, r.5, r.6
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bcubed_of_perfect_and_lumped_clusterings() {
        let gold = ["a", "a", "b"];
        let same: Vec<String> = ["x", "x", "y"].iter().map(|s| s.to_string()).collect();
        assert_eq!(bcubed(&same, &gold), (1.0, 1.0, 1.0));
        let lumped: Vec<String> = ["x", "x", "x"].iter().map(|s| s.to_string()).collect();
        let (p, r, _) = bcubed(&lumped, &gold);
        assert!((p - 5.0 / 9.0).abs() < 1e-9 && r == 1.0);
    }
}
