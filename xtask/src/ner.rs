//! Named-entity tasks: train the tagger on CoNLL-2003 (`train-ner`), score it conlleval-style
//! on the dev and test sets (`eval-ner`), and time it on real articles (`bench-ner`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use extract::ner::train::{Document, TrainConfig, train};
use extract::ner::{EntityKind, Model, Tag, chunks};

const MODEL: &str = "crates/extract/models/ner.bin";
/// Name lists that are not derived from the training data (see the README there).
const GAZETTEERS: &str = "crates/extract/models/gazetteer";

fn data_dir() -> PathBuf {
    crate::shared_data()
}

/// `cargo xtask train-ner [--out PATH] [--epochs N] [--bits N] [--folds N] [--ensemble N] [--one-stage]
/// [--no-gazetteer] [--no-classes] [--skip-names FILE]`: trains on `eng.train`, reports dev
/// (`eng.testa`) scores of the full-precision and the saved model, and writes the model.
/// `--skip-names places.txt` leaves one of the name lists out (for measuring what it adds).
pub fn train_task(args: &[String]) -> Result<()> {
    let mut config = TrainConfig::default();
    let mut out = PathBuf::from(MODEL);
    let mut use_classes = true;
    let mut name_files = vec![
        ("first-names.txt", 16),
        ("last-names.txt", 32),
        ("places.txt", 64),
    ];
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .with_context(|| format!("{name} needs a value"))
                .cloned()
        };
        match a.as_str() {
            "--out" => out = PathBuf::from(value("--out")?),
            "--epochs" => config.epochs = value("--epochs")?.parse()?,
            "--bits" => config.bits = value("--bits")?.parse()?,
            "--folds" => config.folds = value("--folds")?.parse()?,
            "--seed" => config.seed = value("--seed")?.parse()?,
            "--ensemble" => config.ensemble = value("--ensemble")?.parse()?,
            "--one-stage" => config.second_stage = false,
            "--no-gazetteer" => config.gazetteer = false,
            "--no-classes" => use_classes = false,
            "--skip-names" => {
                let file = value("--skip-names")?;
                name_files.retain(|(f, _)| *f != file);
            }
            other => bail!("unknown argument {other:?}"),
        }
    }
    let dir = data_dir().join("conll2003");
    let started = Instant::now();
    let docs = read_conll(&dir.join("eng.train"))?;
    let classes = if use_classes {
        let t = Instant::now();
        let c = word_classes(&data_dir(), &docs)?;
        eprintln!(
            "word classes: {} words in {:.1}s",
            c.len(),
            t.elapsed().as_secs_f64()
        );
        c
    } else {
        Vec::new()
    };
    let names = hand_names(Path::new(GAZETTEERS), &name_files)?;
    eprintln!("{} names from {GAZETTEERS}", names.len());
    let model = train(&docs, classes, &names, &config, &mut |line| {
        eprintln!("{line}")
    });
    let seconds = started.elapsed().as_secs_f64();
    let dev = read_conll(&dir.join("eng.testa"))?;
    let float = score(&model, &dev);
    let bytes = model.to_bytes();
    let saved = Model::from_bytes(&bytes).context("reading back the model just trained")?;
    let quant = score(&saved, &dev);
    std::fs::write(&out, &bytes).with_context(|| format!("writing {}", out.display()))?;
    println!(
        "trained in {seconds:.1}s; eng.testa F1 {:.4} (full precision) {:.4} (saved); {} bytes to {}",
        float.overall().2,
        quant.overall().2,
        bytes.len(),
        out.display()
    );
    Ok(())
}

/// `cargo xtask eval-ner [--model PATH]`: conlleval scores on `eng.testa` and `eng.testb`.
pub fn eval_task(args: &[String]) -> Result<()> {
    let mut path = PathBuf::from(MODEL);
    let mut dump = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match (a.as_str(), it.next()) {
            ("--model", Some(p)) => path = PathBuf::from(p),
            ("--dump-dev", Some(p)) => dump = Some(PathBuf::from(p)),
            _ => bail!("usage: cargo xtask eval-ner [--model PATH] [--dump-dev PATH]"),
        }
    }
    let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
    let model = Model::from_bytes(&bytes).with_context(|| format!("reading {}", path.display()))?;
    let dir = data_dir().join("conll2003");
    if let Some(dump) = dump {
        // `word gold predicted` per line, for reading the dev set's errors.
        let mut out = String::new();
        for doc in read_conll(&dir.join("eng.testa"))? {
            let sents: Vec<Vec<&str>> = doc
                .sentences
                .iter()
                .map(|s| s.iter().map(String::as_str).collect())
                .collect();
            for ((words, gold), pred) in sents.iter().zip(&doc.tags).zip(model.tag_document(&sents))
            {
                for ((w, g), p) in words.iter().zip(gold).zip(pred) {
                    out.push_str(&format!("{w} {g} {p}\n"));
                }
                out.push('\n');
            }
        }
        std::fs::write(&dump, out).with_context(|| format!("writing {}", dump.display()))?;
    }
    for set in ["eng.testa", "eng.testb"] {
        let docs = read_conll(&dir.join(set))?;
        let t = Instant::now();
        let s = score(&model, &docs);
        let tokens: usize = docs.iter().flat_map(|d| &d.sentences).map(Vec::len).sum();
        println!(
            "{set} ({} documents, {tokens} tokens, tagged in {:.2}s)",
            docs.len(),
            t.elapsed().as_secs_f64()
        );
        println!(
            "  {:<8} {:>9} {:>9} {:>9} {:>6}",
            "type", "precision", "recall", "F1", "gold"
        );
        let (p, r, f) = s.overall();
        println!(
            "  {:<8} {p:>9.4} {r:>9.4} {f:>9.4} {:>6}",
            "overall",
            s.gold_total()
        );
        for kind in EntityKind::ALL {
            let (p, r, f) = s.of(kind);
            let gold = s.counts.get(&kind).map_or(0, |c| c.gold);
            println!("  {:<8} {p:>9.4} {r:>9.4} {f:>9.4} {gold:>6}", kind.conll());
        }
    }
    Ok(())
}

/// `cargo xtask bench-ner [--repeat N] [--model PATH]`: entities and entity grouping over the
/// Multi-News articles, one thread; reports articles per second.
pub fn bench_task(args: &[String]) -> Result<()> {
    let mut repeat = 3;
    let mut model_path = None;
    let mut show = 0;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match (a.as_str(), it.next()) {
            ("--repeat", Some(n)) => repeat = n.parse()?,
            ("--model", Some(p)) => model_path = Some(PathBuf::from(p)),
            ("--show", Some(n)) => show = n.parse()?,
            _ => bail!("usage: cargo xtask bench-ner [--repeat N] [--model PATH] [--show N]"),
        }
    }
    let model = match model_path {
        Some(p) => {
            let bytes = std::fs::read(&p).with_context(|| format!("reading {}", p.display()))?;
            Model::from_bytes(&bytes).with_context(|| format!("reading {}", p.display()))?
        }
        None => extract::ner::bundled_model()
            .context("the bundled model does not load")?
            .clone(),
    };
    let path = data_dir().join("multi-news-200/multi_news_test200.jsonl");
    let raw =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let mut articles = Vec::new();
    for (n, line) in raw.lines().enumerate() {
        let v: serde_json::Value = serde_json::from_str(line)
            .with_context(|| format!("{}:{}: bad json", path.display(), n + 1))?;
        for d in v["documents"].as_array().into_iter().flatten() {
            if let Some(s) = d.as_str() {
                articles.push(text::normalize(s).text);
            }
        }
    }
    let bytes: usize = articles.iter().map(String::len).sum();
    for a in articles.iter().take(show) {
        // The entities of the first articles, for reading.
        for g in extract::ner::group(a, &extract::ner::recognize(&model, a)) {
            let mentions: Vec<&str> = g.mentions.iter().map(|m| m.text.as_str()).collect();
            let roles: Vec<&str> = g.roles.iter().map(|r| r.text.as_str()).collect();
            println!(
                "{:?} {:?} roles {roles:?} mentions {mentions:?}",
                g.kind, g.name
            );
        }
        println!();
    }
    let mut mentions = 0;
    let cpu = cpu_seconds();
    let t = Instant::now();
    for _ in 0..repeat {
        mentions = 0;
        for a in &articles {
            let found = extract::ner::recognize(&model, a);
            mentions += found.len();
            let groups = extract::ner::group(a, &found);
            std::hint::black_box(groups);
        }
    }
    let secs = t.elapsed().as_secs_f64() / repeat as f64;
    let cpu = cpu.zip(cpu_seconds()).map(|(a, b)| (b - a) / repeat as f64);
    println!(
        "{} articles ({:.1} MB), {mentions} mentions: {:.3}s per pass, {:.0} articles/s, {:.2} MB/s (one thread, wall clock)",
        articles.len(),
        bytes as f64 / 1e6,
        secs,
        articles.len() as f64 / secs,
        bytes as f64 / 1e6 / secs
    );
    if let Some(cpu) = cpu {
        println!(
            "on-CPU time {cpu:.3}s per pass: {:.0} articles per CPU second (the machine is shared)",
            articles.len() as f64 / cpu
        );
    }
    Ok(())
}

/// Time this thread has spent on a CPU, from `/proc/thread-self/schedstat` (Linux only).
fn cpu_seconds() -> Option<f64> {
    let raw = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = raw.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

/// Reads a CoNLL-2003 file (`word POS chunk tag`, blank lines between sentences) and splits it
/// into documents. The files have no `-DOCSTART-` lines, so a document is taken to begin at the
/// sentence before a dateline (`LONDON 1996-08-30`), which is how Reuters stories start.
pub fn read_conll(path: &Path) -> Result<Vec<Document>> {
    let raw =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut sentences: Vec<(Vec<String>, Vec<Tag>)> = Vec::new();
    let mut words = Vec::new();
    let mut tags = Vec::new();
    for (n, line) in raw.lines().enumerate() {
        let line = line.trim_end();
        if line.is_empty() {
            if !words.is_empty() {
                sentences.push((std::mem::take(&mut words), std::mem::take(&mut tags)));
            }
            continue;
        }
        let fields: Vec<&str> = line.split(' ').collect();
        let (Some(word), Some(tag)) = (fields.first(), fields.last()) else {
            bail!("{}:{}: empty line", path.display(), n + 1);
        };
        if fields.len() < 2 || word.starts_with("-DOCSTART-") {
            continue;
        }
        let tag = Tag::parse(tag)
            .with_context(|| format!("{}:{}: bad tag {tag:?}", path.display(), n + 1))?;
        words.push((*word).to_owned());
        tags.push(tag);
    }
    if !words.is_empty() {
        sentences.push((words, tags));
    }
    let is_dateline = |s: &[String]| {
        s.len() <= 8
            && s.last().is_some_and(|w| {
                let b = w.as_bytes();
                b.len() == 10
                    && b[4] == b'-'
                    && b[7] == b'-'
                    && b.iter().filter(|c| c.is_ascii_digit()).count() == 8
            })
    };
    let mut docs: Vec<Document> = Vec::new();
    let mut current = Document::default();
    for (i, (words, tags)) in sentences.iter().enumerate() {
        let next_is_dateline = sentences.get(i + 1).is_some_and(|(w, _)| is_dateline(w));
        if next_is_dateline && !current.sentences.is_empty() {
            docs.push(std::mem::take(&mut current));
        }
        current.sentences.push(words.clone());
        current.tags.push(tags.clone());
    }
    if !current.sentences.is_empty() {
        docs.push(current);
    }
    Ok(docs)
}

#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    gold: usize,
    predicted: usize,
    correct: usize,
}

/// conlleval's entity-level exact-match counts, per type.
#[derive(Debug, Default)]
pub struct Score {
    counts: BTreeMap<EntityKind, Counts>,
}

fn prf(c: Counts) -> (f64, f64, f64) {
    let p = if c.predicted == 0 {
        0.0
    } else {
        c.correct as f64 / c.predicted as f64
    };
    let r = if c.gold == 0 {
        0.0
    } else {
        c.correct as f64 / c.gold as f64
    };
    let f = if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    };
    (p, r, f)
}

impl Score {
    fn total(&self) -> Counts {
        self.counts.values().fold(Counts::default(), |a, c| Counts {
            gold: a.gold + c.gold,
            predicted: a.predicted + c.predicted,
            correct: a.correct + c.correct,
        })
    }

    fn gold_total(&self) -> usize {
        self.total().gold
    }

    /// Micro precision, recall and F1 over all types.
    pub fn overall(&self) -> (f64, f64, f64) {
        prf(self.total())
    }

    fn of(&self, kind: EntityKind) -> (f64, f64, f64) {
        prf(self.counts.get(&kind).copied().unwrap_or_default())
    }
}

/// Tags every document with `model` and counts entities conlleval-style.
pub fn score(model: &Model, docs: &[Document]) -> Score {
    let mut score = Score::default();
    for doc in docs {
        let sents: Vec<Vec<&str>> = doc
            .sentences
            .iter()
            .map(|s| s.iter().map(String::as_str).collect())
            .collect();
        let predicted = model.tag_document(&sents);
        for (gold, pred) in doc.tags.iter().zip(&predicted) {
            let g = chunks(gold);
            let p = chunks(pred);
            for (_, k) in &g {
                score.counts.entry(*k).or_default().gold += 1;
            }
            for (span, k) in &p {
                let c = score.counts.entry(*k).or_default();
                c.predicted += 1;
                if g.iter().any(|(gs, gk)| gs == span && gk == k) {
                    c.correct += 1;
                }
            }
        }
    }
    score
}

/// Word classes from unlabeled text: the CoNLL training text and the other local corpora
/// (Multi-News, ECB+, PolNeAR train and dev), never the CoNLL dev or test text.
fn word_classes(dir: &Path, docs: &[Document]) -> Result<Vec<(String, u16)>> {
    let mut texts: Vec<String> = Vec::new();
    let path = dir.join("multi-news-200/multi_news_test200.jsonl");
    let raw =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    for (n, line) in raw.lines().enumerate() {
        let v: serde_json::Value = serde_json::from_str(line)
            .with_context(|| format!("{}:{}: bad json", path.display(), n + 1))?;
        texts.extend(
            v["documents"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|d| d.as_str())
                .map(str::to_owned),
        );
    }
    let path = dir.join("ecbplus/docs.jsonl");
    let raw =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    for (n, line) in raw.lines().enumerate() {
        let v: serde_json::Value = serde_json::from_str(line)
            .with_context(|| format!("{}:{}: bad json", path.display(), n + 1))?;
        texts.extend(v["text"].as_str().map(str::to_owned));
    }
    for split in ["train", "dev"] {
        let d = dir.join("polnear/data").join(split).join("text");
        let mut files: Vec<PathBuf> = std::fs::read_dir(&d)
            .with_context(|| format!("listing {}", d.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        files.sort();
        for f in files {
            texts.push(
                std::fs::read_to_string(&f).with_context(|| format!("reading {}", f.display()))?,
            );
        }
    }
    let mut sentences: Vec<Vec<&str>> = docs
        .iter()
        .flat_map(|d| &d.sentences)
        .map(|s| s.iter().map(String::as_str).collect())
        .collect();
    for t in &texts {
        let toks = extract::ner::tokenize::tokens(t);
        for r in extract::ner::tokenize::sentences(t, &toks) {
            sentences.push(toks[r].iter().map(|s| &t[s.clone()]).collect());
        }
    }
    let tokens: usize = sentences.iter().map(Vec::len).sum();
    eprintln!(
        "word classes from {} sentences, {tokens} tokens",
        sentences.len()
    );
    Ok(extract::ner::classes::word_classes(
        sentences,
        &extract::ner::classes::ClassConfig::default(),
    ))
}

/// The name lists in `dir`, one name a line, tokenised as the tagger tokenises text, with their
/// gazetteer type bits: 16 = first name, 32 = last name, 64 = place.
fn hand_names(dir: &Path, files: &[(&str, u8)]) -> Result<Vec<(Vec<String>, u8)>> {
    let mut out = Vec::new();
    for &(file, bits) in files {
        let path = dir.join(file);
        let raw = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        for line in raw.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let tokens = extract::ner::tokenize::tokens(line)
                .into_iter()
                .map(|s| line[s].to_owned())
                .collect();
            out.push((tokens, bits));
        }
    }
    Ok(out)
}
