//! gendergaptracker-dev in `eval-quotes`: 41 Canadian news articles of every section with their
//! quotes and resolved speakers, scored as the set's README says. A predicted quote matches the
//! unused gold quote whose `\w+` tokens it covers most, when it covers at least 30% of them; the
//! speaker is right when the last word of the predicted speaker's name (or of the mention's words
//! when it has no name) equals the last word of the gold `reference`.
//!
//! Predictions are what `parallax quotes` prints for the article file: the same reader, the
//! recogniser's people, the same extractor. The annotation counts each sentence of a quotation
//! split around its attribution as its own quote (`“A,” Kaine said. “B.”` is two), where the
//! extractor gives one quote with two parts; so a part that follows a part ending its sentence is
//! scored as a quote of its own, with the same speaker. A part that goes on the same sentence
//! (`“A,” she said, “b.”`) stays with the part before it. The articles are split in two halves by file order
//! (`ggt-dev` even, `ggt-test` odd) so that one half stays unseen while tuning; `ggt` is all.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use extract::quotes::{Quote, QuoteKind};

use crate::quotes_eval::ratio;

const DIR: &str = "gendergaptracker-dev";

struct GoldQuote {
    tokens: Vec<String>,
    reference: String,
    direct: bool,
}

struct Article {
    file: String,
    text: String,
    gold: Vec<GoldQuote>,
}

#[derive(Default)]
struct Tally {
    gold: usize,
    pred: usize,
    matched: usize,
    speaker_right: usize,
}

impl Tally {
    fn line(&self, label: &str) -> String {
        let p = ratio(self.matched, self.pred);
        let r = ratio(self.matched, self.gold);
        let f = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        format!(
            "{label:<10} gold {:>4}  pred {:>4}  matched {:>4}  P {p:.3}  R {r:.3}  F1 {f:.4}  speaker {:.3}",
            self.gold,
            self.pred,
            self.matched,
            ratio(self.speaker_right, self.matched)
        )
    }
}

/// Lower-case `\w+` tokens.
fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn load(data: &Path) -> Result<Vec<Article>> {
    let dir = data.join(DIR);
    let gold = std::fs::read_to_string(dir.join("gold.jsonl"))
        .with_context(|| format!("reading {}", dir.join("gold.jsonl").display()))?;
    let mut out = Vec::new();
    for (n, line) in gold.lines().enumerate() {
        let v: serde_json::Value = serde_json::from_str(line)
            .with_context(|| format!("{}:{}: bad json", dir.display(), n + 1))?;
        let file = v["file"].as_str().unwrap_or_default().to_string();
        let path: PathBuf = dir.join("articles").join(&file);
        // Read as `parallax quotes FILE` reads it.
        let text = ingest::read_inputs(std::slice::from_ref(&path), &ingest::Config::default())
            .next()
            .context("no article")?
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .text;
        let gold = v["quotes"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|q| {
                let quote = q["quote"].as_str().unwrap_or_default();
                GoldQuote {
                    tokens: words(quote),
                    reference: q["reference"].as_str().unwrap_or_default().to_string(),
                    direct: quote.trim_start().starts_with(['"', '“', '”']),
                }
            })
            .collect();
        out.push(Article { file, text, gold });
    }
    out.sort_by(|a, b| a.file.cmp(&b.file));
    Ok(out)
}

/// `q` as the annotation counts it: one quote per run of parts that make one sentence (a part
/// starts a new one when its own text or the attribution after it ends a sentence).
fn by_sentence(text: &str, q: &Quote) -> Vec<Quote> {
    let mut out = vec![Quote {
        more: Vec::new(),
        ..q.clone()
    }];
    let mut end = q.span.end;
    for p in &q.more {
        let gap = text.get(end..p.span.start.max(end)).unwrap_or("");
        let before = text.get(..end).unwrap_or("");
        let ended = before
            .trim_end_matches(['"', '”', '’', '\'', ' '])
            .ends_with(['.', '?', '!'])
            || gap
                .trim_start_matches(['"', '”', '’', '\''])
                .contains(['.', '?', '!']);
        match out.last_mut() {
            Some(last) if !ended => last.more.push(p.clone()),
            _ => out.push(Quote {
                text: p.text.clone(),
                span: p.span.clone(),
                more: Vec::new(),
                ..q.clone()
            }),
        }
        end = p.span.end;
    }
    out
}

/// The words of a predicted quote, all its parts.
fn predicted_words(q: &Quote) -> Vec<String> {
    q.parts().flat_map(|(_, t)| words(t)).collect()
}

/// How many of `gold`'s tokens `pred` covers, as a multiset.
fn covered(gold: &[String], pred: &HashMap<&str, usize>) -> usize {
    let mut left = pred.clone();
    gold.iter()
        .filter(|w| match left.get_mut(w.as_str()) {
            Some(n) if *n > 0 => {
                *n -= 1;
                true
            }
            _ => false,
        })
        .count()
}

fn last_word(s: &str) -> Option<String> {
    words(s).pop()
}

/// Counts, for every class, its predictions and how many of those left out of the quotes would
/// match a gold quote the quotes left unmatched (`used`): what the class filter costs.
fn class_costs(
    a: &Article,
    every: &[Quote],
    mut used: Vec<bool>,
    by_class: &mut BTreeMap<&'static str, (usize, usize)>,
) {
    for q in every {
        let e = by_class.entry(q.class.as_str()).or_default();
        e.0 += 1;
        if q.is_quote() {
            continue;
        }
        if let Some(g) = best_gold(a, q, &used) {
            used[g] = true;
            e.1 += 1;
        }
    }
}

fn best_gold(a: &Article, q: &Quote, used: &[bool]) -> Option<usize> {
    let pw = predicted_words(q);
    let mut bag: HashMap<&str, usize> = HashMap::new();
    for w in &pw {
        *bag.entry(w.as_str()).or_default() += 1;
    }
    (0..a.gold.len())
        .filter(|&g| !used[g] && !a.gold[g].tokens.is_empty())
        .map(|g| {
            (
                g,
                covered(&a.gold[g].tokens, &bag) as f64 / a.gold[g].tokens.len() as f64,
            )
        })
        .filter(|&(_, c)| c >= 0.3)
        .max_by(|x, y| x.1.total_cmp(&y.1).then(y.0.cmp(&x.0)))
        .map(|(g, _)| g)
}

/// Scores `quotes` against `a`'s gold and returns which gold quotes they matched; `show` prints
/// the false quotes and the wrong speakers.
fn score(
    a: &Article,
    quotes: &[Quote],
    all: &mut Tally,
    direct: &mut Tally,
    show: bool,
) -> Vec<bool> {
    all.gold += a.gold.len();
    direct.gold += a.gold.iter().filter(|g| g.direct).count();
    let mut used = vec![false; a.gold.len()];
    for q in quotes {
        let is_direct = q.kind == QuoteKind::Direct;
        all.pred += 1;
        direct.pred += usize::from(is_direct);
        let Some(g) = best_gold(a, q, &used) else {
            if show {
                let text: String = q.full_text().chars().take(100).collect();
                let cue = q.cue.as_ref().map_or("", |c| c.text.as_str());
                println!("  FALSE {:?} ({cue}): {text}", q.kind);
            }
            continue;
        };
        used[g] = true;
        let gold = &a.gold[g];
        let speaker = q.speaker.as_ref().and_then(|s| {
            s.name
                .clone()
                .or_else(|| a.text.get(s.span.clone()).map(str::to_string))
        });
        let right = speaker.as_deref().and_then(last_word) == last_word(&gold.reference)
            && !gold.reference.is_empty();
        if !right && show {
            let text: String = q.text.chars().take(60).collect();
            println!("  WRONG {:?} for {:?}: {text}", speaker, gold.reference);
        }
        all.matched += 1;
        all.speaker_right += usize::from(right);
        if is_direct && gold.direct {
            direct.matched += 1;
            direct.speaker_right += usize::from(right);
        }
    }
    used
}

/// Every attribution of one article's text, as `parallax quotes --all` finds them; `parallax
/// quotes` prints those of speech and writing.
pub fn quotes_of(text: &str) -> Vec<Quote> {
    let entities = extract::ner::entities(text);
    let people = extract::quotes::people_from_entities(&entities);
    extract::quotes::extract_quotes(text, &people)
}

/// Scores `split` (`ggt`, `ggt-dev` or `ggt-test`) and prints its lines; `show` prints each
/// article's false quotes, wrong speakers, every attribution and the gold quotes, missed or not.
pub fn run(data: &Path, split: &str, show: bool) -> Result<()> {
    let articles = load(data)?;
    let keep = |i: usize| match split {
        "ggt-dev" => i.is_multiple_of(2),
        "ggt-test" => !i.is_multiple_of(2),
        _ => true,
    };
    let (mut all, mut direct) = (Tally::default(), Tally::default());
    let mut by_class = BTreeMap::new();
    let mut n = 0;
    for (_, a) in articles.iter().enumerate().filter(|(i, _)| keep(*i)) {
        n += 1;
        let every = quotes_of(&a.text);
        let quotes: Vec<Quote> = every
            .iter()
            .filter(|q| q.is_quote())
            .flat_map(|q| by_sentence(&a.text, q))
            .collect();
        if show {
            println!("== {}", a.file);
        }
        let used = score(a, &quotes, &mut all, &mut direct, show);
        if show {
            show_article(a, &every, &used);
        }
        class_costs(a, &every, used, &mut by_class);
    }
    println!("gendergaptracker {split}: {n} articles");
    println!("  {}", direct.line("direct"));
    println!("  {}", all.line("all"));
    let classes: Vec<String> = by_class
        .iter()
        .map(|(c, (n, m))| format!("{c} {n} ({m} of them match a gold quote left unmatched)"))
        .collect();
    println!("  classes: {}", classes.join(", "));
    Ok(())
}

fn show_article(a: &Article, quotes: &[Quote], matched: &[bool]) {
    for q in quotes {
        let speaker = q.speaker.as_ref().map_or("-".to_string(), |s| {
            s.name
                .clone()
                .unwrap_or_else(|| format!("[{}]", a.text.get(s.span.clone()).unwrap_or("")))
        });
        let cue = q.cue.as_ref().map_or("", |c| c.text.as_str());
        let text: String = q.full_text().chars().take(90).collect();
        let mark = if q.is_quote() { "P" } else { "x" };
        println!(
            "  {mark} {:?} {} {speaker} ({cue}): {text}",
            q.kind,
            q.class.as_str()
        );
    }
    for (g, &m) in a.gold.iter().zip(matched) {
        let text: String = g.tokens.join(" ").chars().take(90).collect();
        let mark = if m { "G" } else { "MISS" };
        let kind = if g.direct { "direct" } else { "" };
        println!("  {mark} {kind} {}: {text}", g.reference);
    }
}
