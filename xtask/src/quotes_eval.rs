//! `eval-quotes` and `bench-quotes`: quotation extraction scored on PolNeAR and timed.
//!
//! Scoring: a predicted quotation matches a gold attribution when their content spans share at
//! least half of the gold content's word tokens (one-to-one, largest overlap first). Its speaker
//! is right when the predicted speaker span overlaps the gold Source span, or resolves to the
//! same full name as the gold Source's nearest named mention. Direct quotes are the gold
//! attributions whose content begins with a quote mark, and the predictions of kind `Direct`.
//!
//! PolNeAR offsets count characters, not bytes; they are converted. Extraction runs on the
//! normalised text and its spans are mapped back with `Normalized::original_span`. Articles
//! annotated by several annotators use the annotator whose id sorts first. A partial quote that
//! lies inside a predicted reported-speech span is scored as part of it (PolNeAR gives each token
//! to one attribution at most). A quotation split around its attribution is one prediction with
//! all its parts (`Quote::more`), exactly as the extractor returns it.

use anyhow::{Context, Result, bail};
use extract::quotes::{self, Quote, QuoteKind};
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Extracts the quotes of the article with this index and says how many.
type Counter<'a> = dyn Fn(usize) -> usize + Sync + 'a;

const DEFAULT_DATA: &str = "polnear/data";

/// One gold attribution, spans as byte ranges of the original text.
struct Gold {
    content: Vec<Range<usize>>,
    source: Vec<Range<usize>>,
    cue: Vec<Range<usize>>,
    direct: bool,
}

struct Article {
    name: String,
    original: String,
    gold: Vec<Gold>,
}

#[derive(Default)]
struct Tally {
    gold: usize,
    pred: usize,
    /// Predictions that match a gold attribution.
    pred_matched: usize,
    /// Gold attributions matched by a prediction.
    gold_matched: usize,
    /// Unmatched predictions lying mostly inside a matched gold content (nested attributions,
    /// pieces of a split quote the extractor did not join).
    fragments: usize,
    speaker_total: usize,
    speaker_right: usize,
}

impl Tally {
    fn report(&self, label: &str) {
        let p = ratio(self.pred_matched, self.pred);
        let r = ratio(self.gold_matched, self.gold);
        let f = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        let pl = ratio(self.pred_matched, self.pred - self.fragments);
        let fl = if pl + r > 0.0 {
            2.0 * pl * r / (pl + r)
        } else {
            0.0
        };
        println!(
            "{label:<12} gold {:>5}  pred {:>5}  P {:.3} ({})  R {:.3} ({})  F1 {:.4}  (predictions inside a matched gold not counted: P {:.3} F1 {:.3})  speaker {:.3} ({}/{})",
            self.gold,
            self.pred,
            p,
            self.pred_matched,
            r,
            self.gold_matched,
            f,
            pl,
            fl,
            ratio(self.speaker_right, self.speaker_total),
            self.speaker_right,
            self.speaker_total
        );
    }
}

/// Why gold attributions were missed and what the unmatched predictions were (`--errors`).
#[derive(Default)]
struct Breakdown {
    /// Missed gold attributions by cause (direct ones counted apart).
    missed: BTreeMap<String, usize>,
    /// Cue phrases of missed gold attributions that no prediction came near, by whether the
    /// rules know a word of the phrase.
    tail: BTreeMap<String, usize>,
    /// Cue phrases of missed gold attributions whose cue we found (content overlap too small).
    short: BTreeMap<String, usize>,
    /// Unmatched predictions, not inside a matched gold, by kind and cue.
    false_pos: BTreeMap<String, usize>,
    /// Print every miss as it is sorted (`--errors-list`).
    list: bool,
}

impl Breakdown {
    fn report(&self) {
        let top = |m: &BTreeMap<String, usize>, n: usize| {
            let mut v: Vec<(&String, &usize)> = m.iter().collect();
            v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            let total: usize = m.values().sum();
            let shown: Vec<String> = v.iter().take(n).map(|(k, c)| format!("{k} {c}")).collect();
            format!("total {total}: {}", shown.join(", "))
        };
        println!("  missed gold by cause:");
        for (k, c) in &self.missed {
            println!("    {c:>5}  {k}");
        }
        println!(
            "  missed, no prediction near, cue phrases {}",
            top(&self.tail, 80)
        );
        println!(
            "  missed, cue found but content overlap < half, cue phrases {}",
            top(&self.short, 40)
        );
        println!(
            "  false positives by kind and cue {}",
            top(&self.false_pos, 60)
        );
    }
}

pub(crate) fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// `cargo xtask eval-quotes [--data DIR] [--people heuristic|ner] [--show N] [--article NAME]
/// [--errors] [--errors-list] [SPLIT...]` (splits default to dev and test; `--show` prints up to
/// N misses, `--article` every prediction and gold attribution of the articles whose name
/// contains NAME, `--errors` the misses sorted by cause and the false positives by cue,
/// `--errors-list` each miss with its cause as a tab-separated `MISS` line and each false
/// positive as a `FALSE` line as well).
pub fn eval_task(args: &[String]) -> Result<()> {
    let opts = parse_args(args)?;
    let (data, splits) = (&opts.data, opts.splits.clone());
    let splits = if splits.is_empty() {
        vec!["dev".to_owned(), "test".to_owned(), "ggt".to_owned()]
    } else {
        splits
    };
    for split in &splits {
        if split.starts_with("ggt") {
            crate::ggt_eval::run(&crate::shared_data(), split, opts.show > 0)?;
            continue;
        }
        let articles = load_split(data, split)?;
        let mut direct = Tally::default();
        let mut all = Tally::default();
        let mut shown = 0;
        let mut errors = Breakdown {
            list: opts.errors_list,
            ..Breakdown::default()
        };
        if opts.folds > 1 {
            // Each article scored with a model trained on the other folds of its split.
            for k in 0..opts.folds {
                let train: Vec<quotes::TrainingArticle> = articles
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| i % opts.folds != k)
                    .map(|(_, a)| training_article(a))
                    .collect();
                let model = quotes::train_attribution(&train, EPOCHS, SEED);
                for a in articles.iter().skip(k).step_by(opts.folds) {
                    let m = Some(&model);
                    score(a, &opts, m, &mut direct, &mut all, &mut shown, &mut errors);
                }
            }
        } else {
            let model = if opts.rules_only {
                None
            } else {
                quotes::bundled_attribution_model()
            };
            for a in &articles {
                score(
                    a,
                    &opts,
                    model,
                    &mut direct,
                    &mut all,
                    &mut shown,
                    &mut errors,
                );
            }
        }
        println!("PolNeAR {split}: {} articles", articles.len());
        direct.report("  direct");
        all.report("  all");
        if opts.errors {
            errors.report();
        }
    }
    Ok(())
}

/// `cargo xtask bench-quotes [--data DIR]`: articles per second of people finding plus quote
/// extraction over every PolNeAR text (train, dev and test), on normalised text. Each pipeline
/// runs on one thread (articles per CPU second: user + system time of the process, which repeats
/// better than wall time on a shared machine) and then on one thread per core with articles
/// handed out one at a time, as `parallax quotes` does (articles per wall second).
pub fn bench_task(args: &[String]) -> Result<()> {
    let data = parse_args(args)?.data;
    let mut texts = Vec::new();
    for split in ["train", "dev", "test"] {
        for a in load_split(&data, split)? {
            texts.push(text::normalize(&a.original).text);
        }
    }
    let bytes: usize = texts.iter().map(String::len).sum();
    let people: Vec<Vec<quotes::PersonMention>> = texts
        .iter()
        .map(|t| quotes::people_from_entities(&extract::ner::entities(t)))
        .collect();
    let heuristic = |i: usize| quotes::quotes(&texts[i]).len();
    let with_ner = |i: usize| {
        let t = &texts[i];
        let people = quotes::people_from_entities(&extract::ner::entities(t));
        quotes::extract_quotes(t, &people).len()
    };
    let quotes_only = |i: usize| quotes::extract_quotes(&texts[i], &people[i]).len();
    let runs: [(&str, &Counter<'_>); 3] = [
        ("heuristic people + quotes", &heuristic),
        ("NER entities + quotes", &with_ner),
        ("quotes alone (NER people given)", &quotes_only),
    ];
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    for (label, run) in runs {
        for threads in [1, cores] {
            let start = Instant::now();
            let cpu0 = cpu_secs();
            let mut rounds = 0;
            let mut found = 0;
            while rounds == 0 || start.elapsed().as_secs_f64() < 3.0 {
                found += run_on(threads, texts.len(), run);
                rounds += 1;
            }
            let secs = start.elapsed().as_secs_f64();
            let cpu = cpu_secs() - cpu0;
            let n = (texts.len() * rounds) as f64;
            println!(
                "{label}, {threads} thread(s): {} articles x {rounds} rounds, {:.0} articles/s wall, {:.0} articles per CPU second, {:.1} MB/s wall, {} quotes per round",
                texts.len(),
                n / secs,
                n / cpu.max(1e-9),
                (bytes * rounds) as f64 / secs / 1e6,
                found / rounds
            );
        }
    }
    Ok(())
}

/// Runs `run` on articles `0..n` on `threads` threads, the way `parallax entities` and
/// `parallax quotes` do (`extract::par_map`); returns the sum of what it returns.
fn run_on(threads: usize, n: usize, run: &Counter<'_>) -> usize {
    let articles: Vec<usize> = (0..n).collect();
    extract::par_map(&articles, threads, |&i| run(i))
        .into_iter()
        .sum()
}

/// User plus system CPU time of this process so far, all threads, in seconds.
fn cpu_secs() -> f64 {
    // SAFETY: getrusage only writes into the struct we pass.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    if rc != 0 {
        return 0.0;
    }
    let t = |v: libc::timeval| v.tv_sec as f64 + v.tv_usec as f64 * 1e-6;
    t(usage.ru_utime) + t(usage.ru_stime)
}

/// `cargo xtask cue-words [--data DIR] [--min N] [--share P] [SPLIT...]` (split defaults to
/// train): every word that lies inside a gold Cue span at least N times (default 5) and in at
/// least the share P (default 0.5) of its occurrences, and that the rules do not know as a cue
/// word, most frequent first, as `word cue-count occurrences share`. The learned cue table in
/// `extract::quotes::attribution` (`LEARNED`) is this list, checked by hand.
pub fn cue_words_task(args: &[String]) -> Result<()> {
    let mut min = 5usize;
    let mut share = 0.5f64;
    let mut rest = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--min" => min = it.next().context("--min needs a number")?.parse()?,
            "--share" => share = it.next().context("--share needs a number")?.parse()?,
            _ => rest.push(a.clone()),
        }
    }
    let opts = parse_args(&rest)?;
    let splits = opts.splits_or_train();
    // word -> (times inside a gold cue, occurrences)
    let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for split in &splits {
        for a in load_split(&opts.data, split)? {
            let words = text::words(&a.original);
            let cues: Vec<Range<usize>> = a.gold.iter().flat_map(|g| g.cue.clone()).collect();
            let in_cue = tokens_in(&words, &cues);
            for (i, w) in words.iter().enumerate() {
                let c = counts
                    .entry(a.original[w.clone()].to_lowercase())
                    .or_default();
                c.1 += 1;
                if in_cue.binary_search(&i).is_ok() {
                    c.0 += 1;
                }
            }
        }
    }
    let mut rows: Vec<(&String, usize, usize)> = counts
        .iter()
        .filter(|(w, (c, n))| {
            *c >= min && *c as f64 >= share * *n as f64 && !quotes::is_cue_word(w)
        })
        .map(|(w, (c, n))| (w, *c, *n))
        .collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    for (w, c, n) in rows {
        println!("{w}\t{c}\t{n}\t{:.2}", c as f64 / n as f64);
    }
    Ok(())
}

/// Training passes and seed of the bundled attribution model.
const EPOCHS: usize = 10;
const SEED: u64 = 7;

/// Where `train-quotes` writes the attribution model by default.
const MODEL: &str = "crates/extract/models/attribution.bin";

/// `cargo xtask train-quotes [--out PATH] [--epochs N] [--seed N] [--data DIR] [SPLIT...]`:
/// trains the learned attribution fallback on PolNeAR train (or the splits named) and writes
/// it where `extract` compiles it in. Deterministic for a given seed.
pub fn train_task(args: &[String]) -> Result<()> {
    let mut out = PathBuf::from(MODEL);
    let mut epochs = EPOCHS;
    let mut seed = SEED;
    let mut rest = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--out" => out = PathBuf::from(it.next().context("--out needs a path")?),
            "--epochs" => epochs = it.next().context("--epochs needs a number")?.parse()?,
            "--seed" => seed = it.next().context("--seed needs a number")?.parse()?,
            _ => rest.push(a.clone()),
        }
    }
    let opts = parse_args(&rest)?;
    let splits = opts.splits_or_train();
    let start = Instant::now();
    let mut articles = Vec::new();
    for split in &splits {
        for a in load_split(&opts.data, split)? {
            articles.push(training_article(&a));
        }
    }
    let model = quotes::train_attribution(&articles, epochs, seed);
    let bytes = model.to_bytes();
    std::fs::write(&out, &bytes).with_context(|| format!("writing {}", out.display()))?;
    println!(
        "trained on {} articles ({} attributions) in {:.1} s; wrote {} ({} bytes)",
        articles.len(),
        articles.iter().map(|a| a.attributions.len()).sum::<usize>(),
        start.elapsed().as_secs_f64(),
        out.display(),
        bytes.len()
    );
    Ok(())
}

/// The article as the extractor sees it (normalised) with its gold spans moved there.
fn training_article(a: &Article) -> quotes::TrainingArticle {
    let norm = text::normalize(&a.original);
    let map = |spans: &[Range<usize>]| -> Vec<Range<usize>> {
        spans
            .iter()
            .map(|s| norm.normalized_offset(s.start)..norm.normalized_offset(s.end))
            .filter(|s| s.start < s.end)
            .collect()
    };
    quotes::TrainingArticle {
        attributions: a
            .gold
            .iter()
            .map(|g| quotes::TrainingAttribution {
                cue: map(&g.cue),
                content: map(&g.content),
                source: map(&g.source),
            })
            .collect(),
        text: norm.text,
    }
}

/// Command-line options of both tasks.
struct Options {
    data: PathBuf,
    splits: Vec<String>,
    show: usize,
    article: Option<String>,
    ner_people: bool,
    errors: bool,
    errors_list: bool,
    /// Score each article with a model trained on the other folds of its split.
    folds: usize,
    /// The rules without the learned fallback.
    rules_only: bool,
}

impl Options {
    /// The splits named on the command line, or PolNeAR train.
    fn splits_or_train(&self) -> Vec<String> {
        if self.splits.is_empty() {
            vec!["train".to_owned()]
        } else {
            self.splits.clone()
        }
    }
}

fn parse_args(args: &[String]) -> Result<Options> {
    let mut data = crate::shared_data().join(DEFAULT_DATA);
    let mut show = 0;
    let mut splits = Vec::new();
    let mut article = None;
    let mut ner_people = false;
    let mut errors = false;
    let mut errors_list = false;
    let mut folds = 0;
    let mut rules_only = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--errors" => errors = true,
            "--rules" => rules_only = true,
            "--folds" => {
                folds = it
                    .next()
                    .context("--folds needs a number")?
                    .parse()
                    .context("--folds needs a number")?
            }
            "--errors-list" => {
                errors = true;
                errors_list = true;
            }
            "--article" => article = Some(it.next().context("--article needs a name")?.clone()),
            "--people" => {
                ner_people = match it.next().map(String::as_str) {
                    Some("ner") => true,
                    Some("heuristic") => false,
                    other => bail!("--people takes heuristic or ner, not {other:?}"),
                }
            }
            "--data" => data = PathBuf::from(it.next().context("--data needs a directory")?),
            "--show" => {
                show = it
                    .next()
                    .context("--show needs a number")?
                    .parse()
                    .context("--show needs a number")?
            }
            s if s.starts_with("--") => bail!("unknown option {s}"),
            s => splits.push(s.to_owned()),
        }
    }
    if !data.is_dir() {
        // Run from the workspace root or from xtask/.
        let alt = Path::new("..").join(&data);
        if alt.is_dir() {
            data = alt;
        }
    }
    Ok(Options {
        data,
        splits,
        show,
        article,
        ner_people,
        errors,
        errors_list,
        folds,
        rules_only,
    })
}

fn load_split(data: &Path, split: &str) -> Result<Vec<Article>> {
    let dir = data.join(split);
    let mut anns: BTreeMap<String, PathBuf> = BTreeMap::new();
    let ann_dir = dir.join("attributions");
    for e in
        std::fs::read_dir(&ann_dir).with_context(|| format!("reading {}", ann_dir.display()))?
    {
        let path = e?.path();
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        let Some((name, _annotator)) = stem.rsplit_once('_') else {
            continue;
        };
        // The annotator whose id sorts first: paths sort by annotator for one article.
        let keep = anns.get(name).is_none_or(|p| path < *p);
        if keep {
            anns.insert(name.to_owned(), path.clone());
        }
    }
    let mut out = Vec::new();
    for (name, ann) in anns {
        let text_path = dir.join("text").join(format!("{name}.txt"));
        let original = std::fs::read_to_string(&text_path)
            .with_context(|| format!("reading {}", text_path.display()))?;
        let ann_text =
            std::fs::read_to_string(&ann).with_context(|| format!("reading {}", ann.display()))?;
        let gold = parse_ann(&original, &ann_text)
            .with_context(|| format!("parsing {}", ann.display()))?;
        out.push(Article {
            name,
            original,
            gold,
        });
    }
    Ok(out)
}

/// brat standoff: `T` lines with label and character-offset fragments, `E` lines linking them.
fn parse_ann(original: &str, ann: &str) -> Result<Vec<Gold>> {
    let mut bytes: Vec<usize> = original.char_indices().map(|(b, _)| b).collect();
    bytes.push(original.len());
    let to_byte = |c: usize| bytes.get(c).copied().unwrap_or(original.len());
    let mut spans: BTreeMap<&str, Vec<Range<usize>>> = BTreeMap::new();
    let mut out = Vec::new();
    for (n, line) in ann.lines().enumerate() {
        let fields: Vec<&str> = line.split('\t').collect();
        if line.starts_with('T') && fields.len() >= 2 {
            let (_label, frags) = fields[1]
                .split_once(' ')
                .with_context(|| format!("line {}: no offsets", n + 1))?;
            let mut v = Vec::new();
            for f in frags.split(';') {
                let (s, e) = f
                    .trim()
                    .split_once(' ')
                    .with_context(|| format!("line {}: bad fragment {f:?}", n + 1))?;
                v.push(to_byte(s.parse()?)..to_byte(e.parse()?));
            }
            spans.insert(fields[0], v);
        } else if line.starts_with('E') && fields.len() >= 2 {
            let mut g = Gold {
                content: vec![],
                source: vec![],
                cue: vec![],
                direct: false,
            };
            for part in fields[1].split_whitespace().skip(1) {
                let Some((role, id)) = part.split_once(':') else {
                    continue;
                };
                let Some(v) = spans.get(id) else { continue };
                match role {
                    "Content" => g.content = v.clone(),
                    "Source" => g.source = v.clone(),
                    "Cue" => g.cue = v.clone(),
                    _ => {}
                }
            }
            if let Some(first) = g.content.iter().min_by_key(|r| r.start) {
                let c = original[first.clone()].trim_start().chars().next();
                g.direct = c.is_some_and(|c| text::quote_mark(c).is_some());
            }
            if !g.content.is_empty() {
                out.push(g);
            }
        }
    }
    Ok(out)
}

/// Indices of `words` (sorted word spans) inside any of `spans`.
fn tokens_in(words: &[Range<usize>], spans: &[Range<usize>]) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::new();
    for s in spans {
        let lo = words.partition_point(|w| w.start < s.start);
        let hi = words.partition_point(|w| w.start < s.end);
        out.extend((lo..hi).filter(|&i| words[i].end <= s.end));
    }
    out.sort_unstable();
    out.dedup();
    out
}

fn overlap(a: &[usize], b: &[usize]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

fn score(
    a: &Article,
    opts: &Options,
    model: Option<&quotes::AttributionModel>,
    direct: &mut Tally,
    all: &mut Tally,
    shown: &mut usize,
    errors: &mut Breakdown,
) {
    let show = opts.show;
    let norm = text::normalize(&a.original);
    let people = if opts.ner_people {
        quotes::people_from_entities(&extract::ner::entities(&norm.text))
    } else {
        quotes::find_people(&norm.text)
    };
    let mut preds: Vec<Quote> = quotes::extract_quotes_with(&norm.text, &people, model);
    // Partial quotes inside a reported-speech span are part of it.
    let outer: Vec<Range<usize>> = preds
        .iter()
        .filter(|q| q.kind != QuoteKind::Partial)
        .flat_map(|q| q.parts().map(|(s, _)| s.clone()))
        .collect();
    preds.retain(|q| {
        q.kind != QuoteKind::Partial
            || !outer
                .iter()
                .any(|o| o.start <= q.span.start && q.span.end <= o.end)
    });
    let map = |s: &Range<usize>| norm.original_span(s.clone());
    // A quotation split around its attribution (`"A," she said, "B."`) is one prediction with
    // all its parts, as the extractor returns it.
    let pieces: Vec<Vec<Range<usize>>> = preds
        .iter()
        .map(|q| q.parts().map(|(s, _)| map(s)).collect())
        .collect();
    // Full names of the people, in original offsets, for the by-name speaker test.
    let names = quotes::full_names(&norm.text, &people);
    let person_spans: Vec<(Range<usize>, String)> = people
        .iter()
        .zip(names)
        .map(|(m, n)| (map(&m.span), n.to_lowercase()))
        .collect();
    let words = text::words(&a.original);
    let gold_toks: Vec<Vec<usize>> = a
        .gold
        .iter()
        .map(|g| tokens_in(&words, &g.content))
        .collect();
    let pred_toks: Vec<Vec<usize>> = pieces.iter().map(|p| tokens_in(&words, p)).collect();
    if opts
        .article
        .as_ref()
        .is_some_and(|v| a.name.contains(v.as_str()))
    {
        for (q, p) in preds.iter().zip(&pieces) {
            println!(
                "PRED {:?} {:?} {:?} {:?} {:?}",
                q.kind,
                p,
                q.speaker,
                q.cue,
                q.full_text().chars().take(60).collect::<String>()
            );
        }
        for g in &a.gold {
            println!(
                "GOLD {:?} {:?}",
                g.content,
                a.original[g.content[0].clone()]
                    .chars()
                    .take(60)
                    .collect::<String>()
            );
        }
    }
    let mut cands: Vec<(usize, usize, usize)> = Vec::new();
    for (gi, gt) in gold_toks.iter().enumerate() {
        if gt.is_empty() {
            continue;
        }
        for (pi, pt) in pred_toks.iter().enumerate() {
            let o = overlap(gt, pt);
            if 2 * o >= gt.len() && o > 0 {
                cands.push((o, gi, pi));
            }
        }
    }
    cands.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
    let mut gold_of: Vec<Option<usize>> = vec![None; preds.len()];
    let mut pred_of: Vec<Option<usize>> = vec![None; a.gold.len()];
    for (_, gi, pi) in cands {
        if gold_of[pi].is_none() && pred_of[gi].is_none() {
            gold_of[pi] = Some(gi);
            pred_of[gi] = Some(pi);
        }
    }
    for (gi, g) in a.gold.iter().enumerate() {
        for (t, counts) in [(&mut *all, true), (&mut *direct, g.direct)] {
            if !counts {
                continue;
            }
            t.gold += 1;
            if pred_of[gi].is_some() {
                t.gold_matched += 1;
            }
        }
    }
    for (pi, q) in preds.iter().enumerate() {
        let is_direct = q.kind == QuoteKind::Direct;
        let fragment = gold_of[pi].is_none()
            && !pred_toks[pi].is_empty()
            && a.gold.iter().enumerate().any(|(gi, _)| {
                pred_of[gi].is_some()
                    && 2 * overlap(&gold_toks[gi], &pred_toks[pi]) >= pred_toks[pi].len()
            });
        let speaker_right = gold_of[pi].and_then(|gi| {
            let g = &a.gold[gi];
            if g.source.is_empty() {
                return None;
            }
            let Some(s) = &q.speaker else {
                return Some(false);
            };
            let sp = map(&s.span);
            if g.source
                .iter()
                .any(|r| r.start < sp.end && sp.start < r.end)
            {
                return Some(true);
            }
            let gold_name = nearest_name(&person_spans, &g.source);
            Some(matches!((gold_name, &s.name), (Some(gn), Some(pn)) if gn == pn.to_lowercase()))
        });
        for (t, counts) in [(&mut *all, true), (&mut *direct, is_direct)] {
            if !counts {
                continue;
            }
            t.pred += 1;
            if gold_of[pi].is_some() {
                t.pred_matched += 1;
            } else if fragment {
                t.fragments += 1;
            }
            if let Some(right) = speaker_right {
                t.speaker_total += 1;
                if right {
                    t.speaker_right += 1;
                }
            }
        }
        if *shown < show && (gold_of[pi].is_none() || speaker_right == Some(false)) {
            *shown += 1;
            let sp = q.speaker.as_ref().map(|s| &norm.text[s.span.clone()]);
            println!(
                "  [{}] {:?} {:?} speaker {:?}: {}",
                a.name,
                match (gold_of[pi].is_some(), fragment) {
                    (true, _) => "SPK",
                    (false, true) => "FRAGMENT",
                    (false, false) => "FP",
                },
                q.kind,
                sp,
                q.full_text().chars().take(150).collect::<String>()
            );
            if let Some(gi) = gold_of[pi] {
                let g = &a.gold[gi];
                let src: Vec<&str> = g.source.iter().map(|r| &a.original[r.clone()]).collect();
                println!("      gold source {src:?}");
            }
        }
    }
    if opts.errors {
        breakdown(
            a, &preds, &gold_toks, &pred_toks, &pred_of, &gold_of, &map, errors,
        );
    }
    if show > 0 {
        for (gi, g) in a.gold.iter().enumerate() {
            if pred_of[gi].is_none() && *shown < show {
                *shown += 1;
                let best = pred_toks
                    .iter()
                    .map(|p| overlap(&gold_toks[gi], p))
                    .max()
                    .unwrap_or(0);
                print!("  overlap {best}/{} ", gold_toks[gi].len());
                let c: String = g
                    .content
                    .iter()
                    .map(|r| &a.original[r.clone()])
                    .collect::<Vec<_>>()
                    .join(" … ");
                let cue: Vec<&str> = g.cue.iter().map(|r| &a.original[r.clone()]).collect();
                let src: Vec<&str> = g.source.iter().map(|r| &a.original[r.clone()]).collect();
                println!(
                    "  [{}] FN{} {cue:?} {src:?}: {}",
                    a.name,
                    if g.direct { " direct" } else { "" },
                    c.chars().take(150).collect::<String>()
                );
            }
        }
    }
}

/// Sorts the misses and false positives of one article into `out` (see [`Breakdown`]).
#[allow(clippy::too_many_arguments)]
fn breakdown(
    a: &Article,
    preds: &[Quote],
    gold_toks: &[Vec<usize>],
    pred_toks: &[Vec<usize>],
    pred_of: &[Option<usize>],
    gold_of: &[Option<usize>],
    map: &dyn Fn(&Range<usize>) -> Range<usize>,
    out: &mut Breakdown,
) {
    let hit = |x: &Range<usize>, ys: &[Range<usize>]| {
        ys.iter().any(|y| x.start < y.end && y.start < x.end)
    };
    for (gi, g) in a.gold.iter().enumerate() {
        if pred_of[gi].is_some() {
            continue;
        }
        let cue: Vec<String> = g
            .cue
            .iter()
            .map(|r| a.original[r.clone()].to_lowercase())
            .collect();
        let cue = cue.join(" … ");
        let known = text::words(&cue)
            .iter()
            .any(|w| quotes::is_cue_word(&cue[w.clone()]));
        let cue_found = preds
            .iter()
            .any(|q| q.cue.as_ref().is_some_and(|c| hit(&map(&c.span), &g.cue)));
        let best = (0..preds.len())
            .map(|pi| (overlap(&gold_toks[gi], &pred_toks[pi]), pi))
            .max();
        let taken_elsewhere = best
            .is_some_and(|(o, pi)| 2 * o >= gold_toks[gi].len() && o > 0 && gold_of[pi].is_some());
        let touched = best.is_some_and(|(o, _)| o > 0);
        let cause = if gold_toks[gi].is_empty() {
            "gold content has no words"
        } else if taken_elsewhere {
            "content covered by a prediction matched to another gold (nested)"
        } else if cue_found {
            "cue found, content overlap < half"
        } else if touched {
            "cue not found, some content overlap < half"
        } else if known {
            "cue not found, no overlap, cue word known"
        } else {
            "cue not found, no overlap, cue word unknown"
        };
        let kind = if g.direct { "direct" } else { "other" };
        if out.list {
            let c: Vec<&str> = g.content.iter().map(|r| &a.original[r.clone()]).collect();
            let src: Vec<&str> = g.source.iter().map(|r| &a.original[r.clone()]).collect();
            let near = best
                .filter(|(o, _)| *o > 0)
                .map(|(_, pi)| preds[pi].full_text());
            println!(
                "MISS\t{cause}\t{cue}\t{src:?}\t{}\tBEST {near:?}",
                c.join(" … ")
            );
        }
        *out.missed.entry(format!("{kind}: {cause}")).or_default() += 1;
        if cue_found {
            *out.short.entry(cue.clone()).or_default() += 1;
        } else if !touched && !taken_elsewhere {
            let tag = if known { "+" } else { "" };
            *out.tail.entry(format!("{tag}{cue}")).or_default() += 1;
        }
    }
    for (pi, q) in preds.iter().enumerate() {
        if gold_of[pi].is_some() {
            continue;
        }
        let inside = !pred_toks[pi].is_empty()
            && (0..a.gold.len()).any(|gi| {
                pred_of[gi].is_some()
                    && 2 * overlap(&gold_toks[gi], &pred_toks[pi]) >= pred_toks[pi].len()
            });
        if inside {
            continue;
        }
        let cue = q
            .cue
            .as_ref()
            .map_or("-".to_owned(), |c| c.text.to_lowercase());
        if out.list {
            println!("FALSE\t{:?}\t{cue}\t{}", q.kind, q.full_text());
        }
        *out.false_pos
            .entry(format!("{:?}:{cue}", q.kind))
            .or_default() += 1;
    }
}

/// The full name of the person mention inside the gold source, else the nearest one before it.
fn nearest_name(people: &[(Range<usize>, String)], source: &[Range<usize>]) -> Option<String> {
    let start = source.iter().map(|r| r.start).min()?;
    let end = source.iter().map(|r| r.end).max()?;
    if let Some((_, n)) = people.iter().find(|(s, _)| s.start < end && start < s.end) {
        return Some(n.clone());
    }
    people
        .iter()
        .rev()
        .find(|(s, _)| s.end <= start)
        .map(|(_, n)| n.clone())
}
