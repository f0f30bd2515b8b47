//! `cargo xtask eval-stories`: BCubed precision, recall and F1 of story clustering on ECB+
//! (gold = subtopic, also scored at topic level), on the 570 Multi-News articles (gold = the
//! example each came from) and on allsides-dev (682 dated articles, gold = the AllSides story,
//! topic level = the AllSides topic). Reads `../shared/data` in place.
//!
//! The main figures are the batch re-clustering (`stories::batch_stories` with
//! `BatchConfig::default()` after the online pass, as `parallax cluster` does); then the online
//! pass followed by `Clusterer::consolidate()` (the second pass that merges close stories, as
//! `parallax cluster --online` does at the end of its input), and the online pass alone.
//! `--fit-batch` refits the batch pair model on the dev splits of the three corpora (`--fit-on
//! ecb,mn` on some of them; `--trees N` forces the number of boosted trees; `--without f,g`
//! holds the named features at 0) and prints the
//! constants for `crates/stories/src/batch.rs`; `--dump-batch` lists the dev articles with their
//! batch groups.
//!
//! Splits: ECB+ topics 1–20 are the dev split used to calibrate `stories::Config::default()`,
//! topics 21–45 the test split; Multi-News examples 1–100 dev, 101–200 test; allsides-dev stories
//! whose first article is before 2021-07-22 dev, the later ones test (see [`load_allsides`]).
//! Every corpus is also run whole (`all`) as one stream. Each split is its own stream, articles
//! shuffled with a fixed seed (ECB+ and Multi-News have no dates; allsides-dev's dates count).
//! `--file-order` keeps the file order instead; `--fit` fits the online join model on the ECB+
//! and Multi-News dev splits and prints the weights (they are then written into
//! `Config::default()` by hand).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use ingest::{Article, Draft, Source};
use stories::batch::{FEATURE_NAMES, PAIR_FEATURES, average_link, pair_features};
use stories::{BatchConfig, Clusterer, Config};

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
    crate::shared_data()
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
    let not_articles = multinews_not_articles()?;
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
            // A page that is not an article is a story of its own.
            let story = match not_articles.get(&record) {
                Some(start) => {
                    let words = doc.as_str().unwrap_or("").split_whitespace();
                    if !words
                        .collect::<Vec<_>>()
                        .join(" ")
                        .starts_with(start.as_str())
                    {
                        bail!("{NOT_ARTICLES}: record {record} does not start with {start:?}");
                    }
                    format!("not-article-{record}")
                }
                None => i.to_string(),
            };
            out.push(Item {
                article,
                topic: story.clone(),
                story,
                dev: i < 100,
            });
        }
    }
    Ok(out)
}

/// The hand-labelled list of Multi-News documents that are not articles (see the file's header).
const NOT_ARTICLES: &str = "xtask/data/multinews-not-articles.tsv";

/// [`NOT_ARTICLES`]: record number → the document's first words.
fn multinews_not_articles() -> Result<HashMap<u64, String>> {
    let raw = include_str!("../data/multinews-not-articles.tsv");
    let mut out = HashMap::new();
    for (n, line) in raw.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut fields = line.split('\t');
        let (Some(record), Some(_example), Some(start)) =
            (fields.next(), fields.next(), fields.next())
        else {
            bail!(
                "{NOT_ARTICLES}:{}: expected record, example, first words",
                n + 1
            );
        };
        let record: u64 = record
            .parse()
            .with_context(|| format!("{NOT_ARTICLES}:{}: bad record number", n + 1))?;
        out.insert(record, start.to_owned());
    }
    Ok(out)
}

/// How the not-article check (`text::not_article`) agrees with the gold: on Multi-News against
/// the hand-labelled list; on the other corpora every flag is a false one.
fn not_article_line(name: &str, items: &[Item]) -> String {
    let gold = |i: &Item| i.story.starts_with("not-article-");
    let flagged = |i: &Item| text::not_article(&i.article.text).is_some();
    let both = items.iter().filter(|i| gold(i) && flagged(i)).count();
    let start = |i: &&Item| i.article.text.chars().take(30).collect::<String>();
    let missed: Vec<String> = items
        .iter()
        .filter(|i| gold(i) != flagged(i))
        .map(|i| {
            format!(
                "{} {:?}",
                if gold(i) { "missed" } else { "wrongly" },
                start(&i)
            )
        })
        .collect();
    format!(
        "{name}: {} labelled, {} flagged, {both} both{}{}",
        items.iter().filter(|i| gold(i)).count(),
        items.iter().filter(|i| flagged(i)).count(),
        if missed.is_empty() { "" } else { ": " },
        missed.join(", ")
    )
}

/// The allsides-dev articles in file order, dated, with their outlet; gold = the AllSides story,
/// topic = the AllSides topic. Dev = the 115 stories of the first half in time (the first
/// article's publication before 2021-07-22 00:00 UTC), test = the later 117, so each half keeps
/// its sagas' consecutive days together; only the dev half is looked at when tuning.
pub fn load_allsides(dir: &Path) -> Result<Vec<Item>> {
    let base = dir.join("allsides-dev");
    let read = |name: &str| -> Result<Vec<serde_json::Value>> {
        let path = base.join(name);
        let raw = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        raw.lines()
            .enumerate()
            .map(|(i, l)| {
                serde_json::from_str(l)
                    .with_context(|| format!("{}:{}: bad json", path.display(), i + 1))
            })
            .collect()
    };
    let gold: HashMap<String, (String, String)> = read("gold.jsonl")?
        .into_iter()
        .map(|v| {
            (
                v["id"].as_str().unwrap_or("").to_owned(),
                (
                    v["story"].to_string(),
                    v["topic"].as_str().unwrap_or("").to_owned(),
                ),
            )
        })
        .collect();
    let path = base.join("articles.jsonl");
    let mut out = Vec::new();
    for (i, v) in read("articles.jsonl")?.into_iter().enumerate() {
        let id = v["id"].as_str().unwrap_or("");
        let Some((story, topic)) = gold.get(id) else {
            bail!("{}:{}: id {id} has no gold story", path.display(), i + 1);
        };
        let published = v["published"]
            .as_str()
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok());
        let draft = Draft {
            title: v["title"]
                .as_str()
                .map(str::to_owned)
                .filter(|t| !t.is_empty()),
            outlet: v["outlet"].as_str().map(str::to_owned),
            url: v["url"].as_str().map(str::to_owned),
            published,
            body: v["text"].as_str().unwrap_or("").to_owned(),
            ..Draft::default()
        };
        let Ok(article) = draft.finish(Source::record(path.display().to_string(), i as u64 + 1))
        else {
            continue;
        };
        out.push(Item {
            article,
            story: format!("allsides-{story}"),
            topic: topic.clone(),
            dev: false,
        });
    }
    // A story's half is that of its first article.
    let cut = chrono::DateTime::parse_from_rfc3339("2021-07-22T00:00:00Z")?;
    let mut first: HashMap<String, chrono::DateTime<chrono::FixedOffset>> = HashMap::new();
    for item in &out {
        if let Some(t) = item.article.published {
            let e = first.entry(item.story.clone()).or_insert(t);
            *e = (*e).min(t);
        }
    }
    for item in &mut out {
        item.dev = first.get(&item.story).is_some_and(|t| *t < cut);
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
/// With `consolidate`, a second pass merges close stories at the end.
pub fn cluster(items: &[&Item], config: &Config, consolidate: bool) -> Vec<String> {
    let mut c = Clusterer::new(config.clone());
    let assigned: Vec<Option<stories::StoryId>> =
        items.iter().map(|it| c.add(&it.article).story).collect();
    if consolidate {
        c.consolidate();
    }
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

type Scores = ((f64, f64, f64), (f64, f64, f64), usize);

fn print_header() {
    println!(
        "{:<26} {:>5} {:>7} {:>6} {:>6} {:>6}   {:>6} {:>6} {:>6}",
        "set", "docs", "stories", "P", "R", "F1", "topicP", "topicR", "topicF1"
    );
}

fn print_row(
    name: &str,
    split: &Split,
    k: usize,
    (p, r, f): (f64, f64, f64),
    (tp, tr, tf): (f64, f64, f64),
) {
    println!(
        "{:<26} {:>5} {:>7} {p:>6.3} {r:>6.3} {f:>6.3}   {tp:>6.3} {tr:>6.3} {tf:>6.3}",
        format!("{name} {}", split.name),
        split.items.len(),
        k
    );
}

/// The batch stories of a split's articles (in the split's order), as `parallax cluster` makes
/// them: the online pass (copies, languages), then `stories::batch_stories`. A story is labelled
/// by the index of its first article (not its id: two identical archive pages share an id).
fn recluster_split(split: &Split, config: &BatchConfig) -> Vec<String> {
    recluster_levels_split(split, config).0
}

/// [`recluster_split`] with each article's storyline (labelled the same way).
fn recluster_levels_split(split: &Split, config: &BatchConfig) -> (Vec<String>, Vec<String>) {
    let articles: Vec<Article> = split.items.iter().map(|i| i.article.clone()).collect();
    let mut online = Clusterer::new(Config::default());
    let assigned: Vec<Option<stories::Assignment>> =
        articles.iter().map(|a| Some(online.add(a))).collect();
    stories::batch_stories(&articles, &assigned, config)
        .into_iter()
        .enumerate()
        .map(|(i, s)| match s {
            Some(s) => (s.event.to_string(), s.storyline.to_string()),
            None => (format!("unclustered-{i}"), format!("unclustered-{i}")),
        })
        .unzip()
}

/// How the storylines line up with the gold stories of a split: each gold story goes to the
/// storyline most of its articles are in; a pair of gold stories of one gold topic whose first
/// articles are at most 10 days apart (or undated) is a saga pair, a pair of different topics
/// an unrelated one. Returns (storylines, saga pairs, saga pairs in one storyline, unrelated
/// pairs, unrelated pairs in one storyline).
fn storyline_scores(split: &Split, lines: &[String]) -> (usize, usize, usize, usize, usize) {
    let mut votes: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    let mut first: BTreeMap<&str, Option<i64>> = BTreeMap::new();
    let mut topic: BTreeMap<&str, &str> = BTreeMap::new();
    for (item, line) in split.items.iter().zip(lines) {
        *votes
            .entry(item.story.as_str())
            .or_default()
            .entry(line.as_str())
            .or_default() += 1;
        let t = item.article.published.map(|t| t.timestamp());
        let e = first.entry(item.story.as_str()).or_insert(t);
        *e = match (*e, t) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        topic.insert(item.story.as_str(), item.topic.as_str());
    }
    let line_of: Vec<(&str, &str)> = votes
        .iter()
        .map(|(story, v)| {
            let best = v.values().copied().max().unwrap_or(0);
            let line = v.iter().find(|(_, n)| **n == best).map_or("", |(l, _)| *l);
            (*story, line)
        })
        .collect();
    let (mut saga, mut saga_joined, mut unrelated, mut unrelated_joined) = (0, 0, 0, 0);
    for (i, (a, la)) in line_of.iter().enumerate() {
        for (b, lb) in &line_of[i + 1..] {
            let joined = usize::from(la == lb);
            if topic[a] == topic[b] {
                let near = match (first[a], first[b]) {
                    (Some(x), Some(y)) => (x - y).abs() <= 10 * 86_400,
                    _ => true,
                };
                if near {
                    saga += 1;
                    saga_joined += joined;
                }
            } else {
                unrelated += 1;
                unrelated_joined += joined;
            }
        }
    }
    let distinct: BTreeSet<&String> = lines.iter().collect();
    (
        distinct.len(),
        saga,
        saga_joined,
        unrelated,
        unrelated_joined,
    )
}

/// The dev split's storylines of more than one event, each event by its first article's date,
/// gold story and title (`--storylines --dump-storylines`).
fn dump_storylines(name: &str, split: &Split, events: &[String], lines: &[String]) {
    let mut by_line: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for (i, (e, l)) in events.iter().zip(lines).enumerate() {
        by_line.entry(l).or_default().entry(e).or_insert(i);
    }
    for (line, events) in by_line.iter().filter(|(_, e)| e.len() > 1) {
        println!("{name} storyline {line}");
        for &i in events.values() {
            let a = &split.items[i].article;
            let date = a
                .published
                .map_or(String::new(), |t| t.format("%m-%d").to_string());
            let title: String = a
                .title
                .as_deref()
                .unwrap_or(&a.text)
                .chars()
                .take(80)
                .collect();
            println!("  {date:<5} {:<14} {title}", split.items[i].story);
        }
    }
}

/// `--storylines [T,T,...]`: the storyline figures of every corpus and split at the default
/// storyline threshold, or at each threshold given (the events are the same at all of them).
fn storylines(
    corpora: &[(&str, &[Item])],
    seed: Option<u64>,
    thresholds: &[f32],
    gap: f64,
    dump: bool,
) {
    println!(
        "storylines (batch_stories): gold story pairs of one topic within 10 days (saga) and of different topics (unrelated) in one storyline"
    );
    println!(
        "{:<26} {:>5} {:>6} {:>6} {:>7} {:>13} {:>16}",
        "set", "thr", "events", "lines", "stories", "saga joined", "unrelated joined"
    );
    for &t in thresholds {
        let config = BatchConfig {
            storyline_threshold: t,
            storyline_gap_days: gap,
            ..BatchConfig::default()
        };
        for (name, items) in corpora {
            for split in splits(items, seed) {
                let (events, lines) = recluster_levels_split(&split, &config);
                if dump && split.name == "dev" {
                    dump_storylines(name, &split, &events, &lines);
                }
                let (k, saga, sj, unrelated, uj) = storyline_scores(&split, &lines);
                let stories: BTreeSet<&str> =
                    split.items.iter().map(|i| i.story.as_str()).collect();
                let distinct: BTreeSet<&String> = events.iter().collect();
                let share = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
                println!(
                    "{:<26} {t:>5.2} {:>6} {k:>6} {:>7} {:>13} {:>16}",
                    format!("{name} {}", split.name),
                    distinct.len(),
                    stories.len(),
                    format!("{sj}/{saga} {:.2}", share(sj, saga)),
                    format!("{uj}/{unrelated} {:.3}", share(uj, unrelated)),
                );
            }
        }
    }
}

fn score(split: &Split, config: &Config, consolidate: bool) -> Scores {
    score_predicted(split, cluster(&split.items, config, consolidate))
}

fn score_predicted(split: &Split, predicted: Vec<String>) -> Scores {
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
    let al = load_allsides(&dir)?;
    if ecb.is_empty() || mn.is_empty() || al.is_empty() {
        bail!("no articles read from {}", dir.display());
    }
    let corpora: [(&str, &[Item]); 3] = [
        ("ECB+ subtopic", &ecb),
        ("Multi-News example", &mn),
        ("allsides-dev story", &al),
    ];
    let seed = if args.iter().any(|a| a == "--file-order") {
        None
    } else {
        Some(SEED)
    };
    let dump = args.iter().any(|a| a == "--dump");
    if dump || args.iter().any(|a| a == "--dump-batch") {
        // The dev articles with their gold story and the online (`--dump`) or batch group.
        let all: Vec<&[Item]> = corpora.iter().map(|c| c.1).collect();
        for (name, split) in ["ecb", "mn", "allsides"]
            .into_iter()
            .zip(dev_splits(&all, seed)?)
        {
            let predicted = if dump {
                cluster(&split.items, &Config::default(), true)
            } else {
                recluster_split(&split, &BatchConfig::default())
            };
            for (item, p) in split.items.iter().zip(predicted) {
                let title = item.article.title.as_deref().unwrap_or(&item.article.text);
                let title: String = title
                    .chars()
                    .take(100)
                    .collect::<String>()
                    .replace('\n', " ");
                let date = item
                    .article
                    .published
                    .map_or(String::new(), |t| t.format("%m-%d %H:%M").to_string());
                println!("{name}\t{}\t{p}\t{date}\t{title}", item.story);
            }
        }
        return Ok(());
    }
    if args.iter().any(|a| a == "--fit") {
        return fit(&ecb, &mn, seed);
    }
    if args.iter().any(|a| a == "--fit-batch") {
        let neighbours = args
            .iter()
            .position(|a| a == "--neighbours")
            .and_then(|i| args.get(i + 1))
            .and_then(|n| n.parse().ok());
        // `--fit-on ecb,mn` fits on those dev splits only (the model before allsides-dev).
        let on = args
            .iter()
            .position(|a| a == "--fit-on")
            .and_then(|i| args.get(i + 1))
            .map_or("ecb,mn,allsides", |s| s.as_str());
        let mut fit_corpora: Vec<(&str, &[Item])> = Vec::new();
        for key in on.split(',') {
            match key {
                "ecb" => fit_corpora.push(("ecb", &ecb)),
                "mn" => fit_corpora.push(("mn", &mn)),
                "allsides" => fit_corpora.push(("allsides", &al)),
                other => bail!("--fit-on: unknown corpus {other} (ecb, mn, allsides)"),
            }
        }
        // `--trees N` takes N boosted trees instead of the cross-validated choice.
        let trees = args
            .iter()
            .position(|a| a == "--trees")
            .and_then(|i| args.get(i + 1))
            .and_then(|n| n.parse().ok());
        // `--without a,b` fits with those features (by name) held at 0.
        let mut without = Vec::new();
        if let Some(list) = args
            .iter()
            .position(|a| a == "--without")
            .and_then(|i| args.get(i + 1))
        {
            for name in list.split(',') {
                match FEATURE_NAMES.iter().position(|f| *f == name) {
                    Some(k) => without.push(k),
                    None => bail!("--without: unknown feature {name}"),
                }
            }
        }
        return fit_batch(&fit_corpora, seed, neighbours, trees, &without);
    }
    if let Some(at) = args.iter().position(|a| a == "--storylines") {
        let thresholds: Vec<f32> = match args.get(at + 1) {
            Some(list) if !list.starts_with("--") => list
                .split(',')
                .map(|t| {
                    t.parse()
                        .with_context(|| format!("--storylines: bad threshold {t}"))
                })
                .collect::<Result<_>>()?,
            _ => vec![BatchConfig::default().storyline_threshold],
        };
        let gap = match args.iter().position(|a| a == "--storyline-gap") {
            Some(i) => args
                .get(i + 1)
                .and_then(|d| d.parse().ok())
                .context("--storyline-gap: give days")?,
            None => BatchConfig::default().storyline_gap_days,
        };
        let dump = args.iter().any(|a| a == "--dump-storylines");
        storylines(&corpora, seed, &thresholds, gap, dump);
        return Ok(());
    }
    let config = Config::default();
    let order = seed.map_or("file order".to_owned(), |s| format!("shuffled, seed {s}"));
    println!("story clustering, BCubed, stories::BatchConfig::default(), {order}, batch_stories()");
    print_header();
    let batch = BatchConfig::default();
    let mut timing = Vec::new();
    for (name, items) in corpora {
        for split in splits(items, seed) {
            let start = std::time::Instant::now();
            let predicted = recluster_split(&split, &batch);
            timing.push(format!(
                "{name} {} {:.0} ms",
                split.name,
                start.elapsed().as_secs_f64() * 1000.0
            ));
            let ((p, r, f), (tp, tr, tf), k) = score_predicted(&split, predicted);
            print_row(name, &split, k, (p, r, f), (tp, tr, tf));
        }
    }
    println!("batch time (one thread): {}", timing.join(", "));
    let flags: Vec<String> = corpora
        .iter()
        .map(|(name, items)| not_article_line(name, items))
        .collect();
    println!("not articles (text::not_article): {}", flags.join("; "));
    println!();
    for (consolidate, pass) in [(true, "online, then consolidate()"), (false, "online only")] {
        println!("story clustering, BCubed, stories::Config::default(), {order}, {pass}");
        print_header();
        for (name, items) in corpora {
            for split in splits(items, seed) {
                let (s, t, k) = score(&split, &config, consolidate);
                print_row(name, &split, k, s, t);
            }
        }
        println!();
    }
    Ok(())
}

/// The dev split of each corpus, in the order given.
fn dev_splits<'a>(corpora: &[&'a [Item]], seed: Option<u64>) -> Result<Vec<Split<'a>>> {
    corpora
        .iter()
        .map(|items| {
            splits(items, seed)
                .into_iter()
                .next()
                .context("no dev split")
        })
        .collect()
}

/// The cross-validation fold (0 or 1) of a dev item: the parity of its gold topic (ECB+ topic,
/// Multi-News example), so no topic is on both sides; for allsides-dev a hash of the AllSides
/// topic, so the days of one saga stay on one side.
fn fold_of(item: &Item) -> u64 {
    match item.topic.parse::<u64>() {
        Ok(t) => t % 2,
        Err(_) => item.topic.bytes().map(u64::from).sum::<u64>() % 2,
    }
}

/// Fits the join model on the dev splits: logistic regression over the signals of every
/// (article, candidate story) pair met while clustering the dev streams with the current
/// defaults, labelled by whether the story's majority gold label is the article's. Then sweeps
/// the bias and the merge threshold for the best mean dev F1 and prints the weights.
fn fit(ecb: &[Item], mn: &[Item], seed: Option<u64>) -> Result<()> {
    let dev = dev_splits(&[ecb, mn], seed)?;
    let base = Config::default();
    let mut xs: Vec<[f64; 10]> = Vec::new();
    let mut ys: Vec<f64> = Vec::new();
    for split in &dev {
        let mut c = Clusterer::new(base.clone());
        let mut members: HashMap<String, HashMap<&str, usize>> = HashMap::new();
        for item in &split.items {
            for (story, s) in c.signals(&item.article) {
                let story = c.current(&story).0;
                let Some(counts) = members.get(&story) else {
                    continue;
                };
                let majority = counts
                    .iter()
                    .max_by_key(|(g, n)| (**n, std::cmp::Reverse(**g)))
                    .map(|(g, _)| *g);
                let mut x = [0.0; 10];
                for k in 0..5 {
                    if s.present[k] {
                        x[k] = f64::from(s.cosine[k]);
                        x[5 + k] = 1.0;
                    }
                }
                xs.push(x);
                ys.push(if majority == Some(item.story.as_str()) {
                    1.0
                } else {
                    0.0
                });
            }
            if let Some(story) = c.add(&item.article).story {
                // Fold merged stories' members into the survivor.
                let now = c.current(&story).0;
                *members
                    .entry(now)
                    .or_default()
                    .entry(item.story.as_str())
                    .or_default() += 1;
                let stale: Vec<String> = members
                    .keys()
                    .filter(|k| c.current(&stories::StoryId((*k).clone())).0 != **k)
                    .cloned()
                    .collect();
                for k in stale {
                    let moved = members.remove(&k).unwrap_or_default();
                    let target = c.current(&stories::StoryId(k)).0;
                    let t = members.entry(target).or_default();
                    for (g, n) in moved {
                        *t.entry(g).or_default() += n;
                    }
                }
            }
        }
    }
    let positives = ys.iter().filter(|&&y| y > 0.0).count();
    println!("{} candidate pairs, {} positive", ys.len(), positives);
    // Plain batch gradient descent with a little L2; features are in [0, 1].
    let mut w = [0.0f64; 10];
    let mut b = 0.0f64;
    let n = ys.len().max(1) as f64;
    for _ in 0..4000 {
        let mut gw = [0.0f64; 10];
        let mut gb = 0.0;
        for (x, y) in xs.iter().zip(&ys) {
            let z = b + x.iter().zip(&w).map(|(a, b)| a * b).sum::<f64>();
            let p = 1.0 / (1.0 + (-z).exp());
            let e = p - y;
            for k in 0..10 {
                gw[k] += e * x[k];
            }
            gb += e;
        }
        for k in 0..10 {
            w[k] -= 2.0 * (gw[k] / n + 1e-4 * w[k]);
        }
        b -= 2.0 * gb / n;
    }
    let weights = stories::Weights {
        similarity: [
            w[0] as f32,
            w[1] as f32,
            w[2] as f32,
            w[3] as f32,
            w[4] as f32,
        ],
        presence: [
            w[5] as f32,
            w[6] as f32,
            w[7] as f32,
            w[8] as f32,
            w[9] as f32,
        ],
        bias: b as f32,
    };
    println!("fitted: {weights:?}");
    let mut best = (0.0, 0.0f32, 0.0f32);
    for shift in [-2.0f32, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0] {
        for merge in [-1.0f32, 0.0, 1.0, 2.0, 3.0, 100.0] {
            let config = Config {
                weights: stories::Weights {
                    bias: weights.bias + shift,
                    ..weights.clone()
                },
                merge_threshold: merge,
                ..base.clone()
            };
            let f: Vec<f64> = dev.iter().map(|s| score(s, &config, true).0.2).collect();
            let mean = f.iter().sum::<f64>() / f.len() as f64;
            println!(
                "shift {shift:>5.1} merge {merge:>5.1}: ecb {:.4} mn {:.4} mean {mean:.4}",
                f[0], f[1]
            );
            if mean > best.0 {
                best = (mean, shift, merge);
            }
        }
    }
    println!(
        "best: bias {} merge_threshold {} (mean dev F1 {:.4})",
        weights.bias + best.1,
        best.2,
        best.0
    );
    Ok(())
}

/// Fits the batch pair model on the dev splits of both corpora: logistic regression (Newton
/// steps with a little L2) over the features of every candidate pair, labelled by whether both
/// articles have the same gold story, each corpus weighted equally; then boosted depth-2 trees on
/// top. How many trees (0 = logistic alone) is chosen by two-fold cross-validation inside the dev
/// splits (folds by gold topic parity), the merge threshold on the whole dev splits. Prints the
/// constants for `batch.rs`.
fn fit_batch(
    corpora: &[(&str, &[Item])],
    seed: Option<u64>,
    neighbours: Option<usize>,
    forced_rounds: Option<usize>,
    without: &[usize],
) -> Result<()> {
    let items: Vec<&[Item]> = corpora.iter().map(|c| c.1).collect();
    let names: Vec<&str> = corpora.iter().map(|c| c.0).collect();
    let nc = corpora.len();
    let dev = dev_splits(&items, seed)?;
    let mut base = BatchConfig::default();
    if let Some(n) = neighbours {
        base.neighbours = n;
    }
    const ROUNDS: [usize; 5] = [0, 25, 50, 100, 200];
    let thresholds: Vec<f32> = (2..=15).map(|i| i as f32 * 0.05).collect();

    // Cross-validation: held-out mean F1 per (missing weight, rounds, threshold).
    const MISSING: [f32; 3] = [1.0, 0.5, 0.25];
    let mut held = vec![vec![vec![0.0f64; thresholds.len()]; ROUNDS.len()]; MISSING.len()];
    // The same per corpus, to report the worst of them.
    let mut held_by =
        vec![vec![vec![vec![0.0f64; nc]; thresholds.len()]; ROUNDS.len()]; MISSING.len()];
    for fold in 0..2u64 {
        let halves = |want: u64| -> Vec<Split> {
            dev.iter()
                .map(|s| Split {
                    name: s.name,
                    items: s
                        .items
                        .iter()
                        .copied()
                        .filter(|i| fold_of(i) == want)
                        .collect(),
                })
                .collect()
        };
        let (train_set, test_set) = (halves(fold), halves(1 - fold));
        let train_pairs = pairs_of(&train_set, &base, without);
        let test_pairs = pairs_of(&test_set, &base, without);
        let (linear, trees) = train(&train_set, &train_pairs, &base, 1e-4, 200);
        for (mi, &missing_weight) in MISSING.iter().enumerate() {
            for (r, &rounds) in ROUNDS.iter().enumerate() {
                let config = BatchConfig {
                    trees: trees[..rounds].to_vec(),
                    missing_weight,
                    ..linear.clone()
                };
                for (k, &t) in thresholds.iter().enumerate() {
                    let f = dev_f1(&test_set, &test_pairs, &config, t);
                    held[mi][r][k] += f.iter().sum::<f64>() / f.len() as f64 / 2.0;
                    for (c, v) in f.iter().enumerate() {
                        held_by[mi][r][k][c] += v / 2.0;
                    }
                }
            }
        }
    }
    let mut best_rounds = (0.0, 0usize, 1.0f32);
    for (mi, &missing) in MISSING.iter().enumerate() {
        for (r, &rounds) in ROUNDS.iter().enumerate() {
            let row: Vec<String> = held[mi][r].iter().map(|f| format!("{f:.4}")).collect();
            println!(
                "held-out, missing {missing:.2}, {rounds:>3} trees, thresholds {:.2}..{:.2}: {}",
                thresholds[0],
                thresholds[thresholds.len() - 1],
                row.join(" ")
            );
            let top = held[mi][r].iter().copied().fold(0.0, f64::max);
            if top > best_rounds.0 + 1e-4 {
                best_rounds = (top, rounds, missing);
            }
        }
    }
    let mut worst = (0.0f64, String::new());
    for (mi, &missing) in MISSING.iter().enumerate() {
        for (r, &rounds) in ROUNDS.iter().enumerate() {
            for (k, &t) in thresholds.iter().enumerate() {
                let by = &held_by[mi][r][k];
                let low = by.iter().copied().fold(f64::INFINITY, f64::min);
                if low > worst.0 {
                    let each: Vec<String> = names
                        .iter()
                        .zip(by)
                        .map(|(n, v)| format!("{n} {v:.4}"))
                        .collect();
                    worst = (
                        low,
                        format!(
                            "missing {missing:.2}, {rounds} trees, threshold {t:.2}: {}",
                            each.join(" ")
                        ),
                    );
                }
            }
        }
    }
    println!("held-out, best worst-corpus F1: {}", worst.1);
    let (_, mut rounds, missing_weight) = best_rounds;
    if let Some(forced) = forced_rounds {
        rounds = forced;
    }
    base.missing_weight = missing_weight;
    println!(
        "chosen: {rounds} trees, missing weight {missing_weight:.2} (held-out mean F1 {:.4})",
        best_rounds.0
    );

    let all_pairs = pairs_of(&dev, &base, without);
    // How far candidates and merging could go: every candidate pair scored by its gold label.
    for ((split, pairs), name) in dev.iter().zip(&all_pairs).zip(&names) {
        let same =
            |p: &stories::batch::PairFeatures| split.items[p.a].story == split.items[p.b].story;
        let mut sizes: HashMap<&str, usize> = HashMap::new();
        for i in &split.items {
            *sizes.entry(i.story.as_str()).or_default() += 1;
        }
        let gold_pairs: usize = sizes.values().map(|n| n * (n - 1) / 2).sum();
        let scored: Vec<(usize, usize, f32)> = pairs
            .iter()
            .map(|p| (p.a, p.b, f32::from(u8::from(same(p)))))
            .collect();
        let predicted: Vec<String> = average_link(
            split.items.len(),
            &scored,
            0.5,
            base.missing_weight,
            base.neighbours,
        )
        .into_iter()
        .map(|g| g.to_string())
        .collect();
        let (p, r, f) = score_predicted(split, predicted).0;
        println!(
            "{name} dev: {} candidate pairs, {} of {gold_pairs} same-story pairs; gold-labelled candidates give P {p:.3} R {r:.3} F1 {f:.3}",
            pairs.len(),
            pairs.iter().filter(|p| same(p)).count(),
        );
    }
    let (mut config, trees) = train(&dev, &all_pairs, &base, 1e-4, rounds);
    config.trees = trees;
    let mut best = (0.0, 0.0f32);
    for &t in &thresholds {
        let f = dev_f1(&dev, &all_pairs, &config, t);
        let mean = f.iter().sum::<f64>() / f.len() as f64;
        let each: Vec<String> = names
            .iter()
            .zip(&f)
            .map(|(n, v)| format!("{n} {v:.4}"))
            .collect();
        println!("threshold {t:.2}: {} mean {mean:.4}", each.join(" "));
        if mean > best.0 {
            best = (mean, t);
        }
    }
    let (score, threshold) = best;
    for (name, w) in FEATURE_NAMES.iter().zip(&config.weights) {
        println!("{name:>20} {w:>8.3}");
    }
    println!("{:>20} {:>8.3}", "bias", config.bias);
    println!("best threshold {threshold:.2} (mean dev F1 {score:.4})");
    let list: Vec<String> = config.weights.iter().map(|w| format!("{w:.3}")).collect();
    println!(
        "const FITTED_WEIGHTS: [f32; PAIR_FEATURES] = [{}];\nconst FITTED_BIAS: f32 = {:.3};",
        list.join(", "),
        config.bias,
    );
    println!("const FITTED_TREES: [Tree; {}] = [", config.trees.len());
    for t in &config.trees {
        let s: Vec<String> = t
            .splits
            .iter()
            .map(|(f, v)| {
                if v.is_finite() {
                    format!("({f}, {v:?})")
                } else {
                    format!("({f}, f32::NEG_INFINITY)")
                }
            })
            .collect();
        let l: Vec<String> = t.leaves.iter().map(|v| format!("{v:?}")).collect();
        println!("    tree([{}], [{}]),", s.join(", "), l.join(", "));
    }
    println!("];\nconst FITTED_THRESHOLD: f32 = {threshold:.2};");
    println!(
        "const FITTED_MISSING_WEIGHT: f32 = {:.2};",
        config.missing_weight
    );
    Ok(())
}

/// Candidate pairs with features of each split.
/// Candidate pairs with features of each split, the features in `without` set to 0 (to fit a
/// model without them).
fn pairs_of(
    splits: &[Split],
    config: &BatchConfig,
    without: &[usize],
) -> Vec<Vec<stories::batch::PairFeatures>> {
    splits
        .iter()
        .map(|split| {
            let articles: Vec<&Article> = split.items.iter().map(|i| &i.article).collect();
            let mut pairs = pair_features(&articles, &[], config);
            for p in &mut pairs {
                for &k in without {
                    p.x[k] = 0.0;
                }
            }
            pairs
        })
        .collect()
}

/// BCubed F1 of the batch clustering of each split under `config` at merge threshold `t`.
fn dev_f1(
    splits: &[Split],
    pairs: &[Vec<stories::batch::PairFeatures>],
    config: &BatchConfig,
    t: f32,
) -> Vec<f64> {
    splits
        .iter()
        .zip(pairs)
        .map(|(split, pairs)| {
            let scored: Vec<(usize, usize, f32)> = pairs
                .iter()
                .map(|p| {
                    let apart = stories::batch::hours_apart(
                        split.items[p.a].article.published,
                        split.items[p.b].article.published,
                    );
                    (p.a, p.b, config.pair_probability(&p.x, apart))
                })
                .collect();
            let predicted: Vec<String> = average_link(
                split.items.len(),
                &scored,
                t,
                config.missing_weight,
                config.neighbours,
            )
            .into_iter()
            .map(|g| g.to_string())
            .collect();
            score_predicted(split, predicted).0.2
        })
        .collect()
}

/// Fits the logistic part (L2 `lambda`) and then `rounds` boosted trees on the candidate pairs
/// of `splits`, each split weighted equally. Returns the logistic model (no trees) and the trees.
fn train(
    splits: &[Split],
    pairs: &[Vec<stories::batch::PairFeatures>],
    base: &BatchConfig,
    lambda: f64,
    rounds: usize,
) -> (BatchConfig, Vec<stories::batch::Tree>) {
    const D: usize = PAIR_FEATURES + 1;
    let mut xs: Vec<[f64; D]> = Vec::new();
    let mut ys: Vec<f64> = Vec::new();
    let mut ws: Vec<f64> = Vec::new();
    for (split, pairs) in splits.iter().zip(pairs) {
        let weight = 1.0 / pairs.len().max(1) as f64;
        for p in pairs {
            let mut x = [1.0; D];
            for k in 0..PAIR_FEATURES {
                x[k + 1] = f64::from(p.x[k]);
            }
            xs.push(x);
            ys.push(f64::from(u8::from(
                split.items[p.a].story == split.items[p.b].story,
            )));
            ws.push(weight);
        }
    }
    let w = logistic(&xs, &ys, &ws, lambda);
    let mut config = BatchConfig {
        bias: w[0] as f32,
        trees: Vec::new(),
        ..base.clone()
    };
    for k in 0..PAIR_FEATURES {
        config.weights[k] = w[k + 1] as f32;
    }
    let flat: Vec<&[f32; PAIR_FEATURES]> = pairs.iter().flatten().map(|p| &p.x).collect();
    let scale = ws.len() as f64 / ws.iter().sum::<f64>();
    let sw: Vec<f64> = ws.iter().map(|w| w * scale).collect();
    let mut margin: Vec<f64> = flat.iter().map(|x| f64::from(config.linear(x))).collect();
    let mut trees = Vec::new();
    while trees.len() < rounds {
        let tree = boost_tree(&flat, &ys, &sw, &margin);
        for (m, x) in margin.iter_mut().zip(&flat) {
            *m += f64::from(tree.eval(x));
        }
        trees.push(tree);
    }
    (config, trees)
}

/// One Newton-boosting round for the logistic loss: a depth-2 tree over the pair features
/// fitted to the gradients at `margin` (learning rate 0.1, L2 1 on the leaves, at least 5 units
/// of hessian per side). Split points are 16 quantiles of each feature.
fn boost_tree(
    xs: &[&[f32; PAIR_FEATURES]],
    ys: &[f64],
    ws: &[f64],
    margin: &[f64],
) -> stories::batch::Tree {
    const RATE: f64 = 0.1;
    const L2: f64 = 1.0;
    const MIN_HESSIAN: f64 = 5.0;
    let (g, h): (Vec<f64>, Vec<f64>) = margin
        .iter()
        .zip(ys)
        .zip(ws)
        .map(|((m, y), w)| {
            let p = 1.0 / (1.0 + (-m).exp());
            (w * (p - y), w * p * (1.0 - p))
        })
        .unzip();
    let cuts: Vec<Vec<f32>> = (0..PAIR_FEATURES)
        .map(|f| {
            let mut v: Vec<f32> = xs.iter().map(|x| x[f]).collect();
            v.sort_by(f32::total_cmp);
            let mut c: Vec<f32> = (1..16).map(|q| v[q * (v.len() - 1) / 16]).collect();
            c.dedup();
            c
        })
        .collect();
    // The best split of a set of rows: (feature, cut, gain).
    let best_split = |rows: &[usize]| -> (u8, f32) {
        let (gt, ht): (f64, f64) = rows
            .iter()
            .map(|&i| (g[i], h[i]))
            .fold((0.0, 0.0), |a, b| (a.0 + b.0, a.1 + b.1));
        let mut best = (0u8, f32::NEG_INFINITY, 0.0f64);
        for (f, cut) in cuts.iter().enumerate() {
            for &c in cut {
                let (mut gl, mut hl) = (0.0, 0.0);
                for &i in rows {
                    if xs[i][f] < c {
                        gl += g[i];
                        hl += h[i];
                    }
                }
                let (gr, hr) = (gt - gl, ht - hl);
                if hl < MIN_HESSIAN || hr < MIN_HESSIAN {
                    continue;
                }
                let gain = gl * gl / (hl + L2) + gr * gr / (hr + L2) - gt * gt / (ht + L2);
                if gain > best.2 {
                    best = (f as u8, c, gain);
                }
            }
        }
        (best.0, best.1)
    };
    let leaf = |rows: &[usize]| -> f32 {
        let (gs, hs) = rows
            .iter()
            .map(|&i| (g[i], h[i]))
            .fold((0.0, 0.0), |a, b| (a.0 + b.0, a.1 + b.1));
        (-RATE * gs / (hs + L2)) as f32
    };
    let all: Vec<usize> = (0..xs.len()).collect();
    let root = best_split(&all);
    let goes_left = |i: usize, (f, c): (u8, f32)| xs[i][usize::from(f)] < c;
    let (left, right): (Vec<usize>, Vec<usize>) = all.iter().partition(|&&i| goes_left(i, root));
    let (sl, sr) = (best_split(&left), best_split(&right));
    let split = |rows: &[usize], s: (u8, f32)| -> (Vec<usize>, Vec<usize>) {
        rows.iter().partition(|&&i| goes_left(i, s))
    };
    let (ll, lr) = split(&left, sl);
    let (rl, rr) = split(&right, sr);
    stories::batch::Tree {
        splits: [root, sl, sr],
        leaves: [leaf(&ll), leaf(&lr), leaf(&rl), leaf(&rr)],
    }
}

/// Weighted logistic regression by Newton's method with L2 `lambda` (not on the intercept,
/// column 0). Deterministic.
fn logistic<const D: usize>(xs: &[[f64; D]], ys: &[f64], ws: &[f64], lambda: f64) -> [f64; D] {
    let mut w = [0.0f64; D];
    for _ in 0..30 {
        let mut g = [0.0f64; D];
        let mut h = [[0.0f64; D]; D];
        for ((x, y), sw) in xs.iter().zip(ys).zip(ws) {
            let z: f64 = x.iter().zip(&w).map(|(a, b)| a * b).sum();
            let p = 1.0 / (1.0 + (-z).exp());
            let r = sw * (p - y);
            let v = sw * p * (1.0 - p);
            for i in 0..D {
                g[i] += r * x[i];
                for j in 0..D {
                    h[i][j] += v * x[i] * x[j];
                }
            }
        }
        for i in 1..D {
            g[i] += lambda * w[i];
            h[i][i] += lambda;
        }
        h[0][0] += 1e-9;
        let step = solve(h, g);
        let mut change = 0.0f64;
        for i in 0..D {
            w[i] -= step[i];
            change = change.max(step[i].abs());
        }
        if change < 1e-8 {
            break;
        }
    }
    w
}

/// Solves `a · x = b` by Gaussian elimination with partial pivoting.
#[allow(clippy::needless_range_loop)] // row operations read clearer with indices
fn solve<const D: usize>(mut a: [[f64; D]; D], mut b: [f64; D]) -> [f64; D] {
    for c in 0..D {
        let p = (c..D)
            .max_by(|&i, &j| a[i][c].abs().total_cmp(&a[j][c].abs()))
            .unwrap_or(c);
        a.swap(c, p);
        b.swap(c, p);
        if a[c][c].abs() < 1e-12 {
            continue;
        }
        for r in c + 1..D {
            let f = a[r][c] / a[c][c];
            for k in c..D {
                a[r][k] -= f * a[c][k];
            }
            b[r] -= f * b[c];
        }
    }
    let mut x = [0.0; D];
    for c in (0..D).rev() {
        let s: f64 = (c + 1..D).map(|k| a[c][k] * x[k]).sum();
        x[c] = if a[c][c].abs() < 1e-12 {
            0.0
        } else {
            (b[c] - s) / a[c][c]
        };
    }
    x
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
