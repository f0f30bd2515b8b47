//! Alignment: link each sentence to the sentences of other articles that report the same fact,
//! and group linked sentences into facts.
//!
//! Two sentences are linked when their TF-IDF cosine is high and they do not disagree on
//! numbers or names (a lower cosine is enough when they share a number or a name). Candidates
//! come from an inverted index over terms; terms so common that their posting lists exceed a cap
//! are left out of the probe, so the cost grows with the story, not with the square of its
//! sentence count. Facts are the connected components of the links.
//!
//! Syndicated copies (given, or detected here as articles whose sentences nearly all reappear
//! verbatim in one other article) and articles of the same outlet are one independent source.

use crate::analyse::Sentence;
use crate::model::Degree;
use crate::pair::{self, PairModel};

/// What alignment found.
#[derive(Debug, Clone)]
pub(crate) struct Alignment {
    /// Fact id of each sentence.
    pub fact_of: Vec<usize>,
    pub facts: Vec<FactGroup>,
    /// `(copy, original)` article indices, given and detected.
    pub duplicates: Vec<(usize, usize)>,
    /// Independent-source id of each article.
    pub source_of: Vec<usize>,
    /// Inverse document frequency of each term over the story's sentences.
    pub idf: Vec<f32>,
}

/// The sentences of one fact.
#[derive(Debug, Clone)]
pub struct FactGroup {
    /// Sentence indices, ascending.
    pub members: Vec<usize>,
    /// Article indices, ascending, unique.
    pub articles: Vec<usize>,
    /// Number of independent sources among the articles.
    pub independent: usize,
    /// Disputed when any link inside is; else full when any is; else partial.
    pub degree: Degree,
}

/// How two sentences are judged the same claim.
#[derive(Debug, Clone, Copy)]
pub enum Rule {
    /// The old rule: cosine thresholds when numbers and names do not disagree.
    Cosine,
    /// The learned pair model (`pair.rs`).
    Model(PairModel),
}

/// Thresholds of the alignment.
#[derive(Debug, Clone, Copy)]
pub struct AlignConfig {
    /// Cosine that links two sentences on its own.
    pub link: f32,
    /// Cosine that links two sentences sharing a number or a name.
    pub link_shared: f32,
    /// Cosine above which two sentences count as the same wording (syndication).
    pub copy: f32,
    /// Terms in more sentences than this are not used to find candidates.
    pub max_postings: usize,
    /// Cosine below which a pair is not scored at all (the model's prefilter).
    pub candidate: f32,
    pub rule: Rule,
}

impl Default for AlignConfig {
    fn default() -> Self {
        AlignConfig {
            link: 0.55,
            link_shared: 0.38,
            copy: 0.9,
            max_postings: 400,
            candidate: 0.2,
            rule: Rule::Model(PairModel::FITTED),
        }
    }
}

/// Aligns the sentences of `articles` articles. `outlets[a]` is the outlet key of article `a`
/// (None when unknown: then the article is its own outlet); `given` are known `(copy, original)`
/// pairs; `published` orders articles to tell an original from its copies.
pub(crate) fn align(
    sentences: &[Sentence],
    vocab_len: usize,
    outlets: &[Option<String>],
    given: &[(usize, usize)],
    published_rank: &[usize],
    config: AlignConfig,
) -> Alignment {
    let n = sentences.len();
    let articles = outlets.len();
    let idf = idf_of(sentences, vocab_len);
    let norm = norms(sentences, &idf);
    let mut facts_uf = UnionFind::new(n);
    // Degree of every link that is not a verbatim repeat.
    let mut links: Vec<(usize, Degree)> = Vec::new();
    // Near-verbatim sentence matches per article pair, to detect syndication.
    let mut copies: std::collections::HashMap<(usize, usize), usize> = Default::default();

    // Word-for-word repeats (syndicated copies) join the first occurrence directly and stay out
    // of the index: a wire sentence reprinted by 300 outlets costs 300 lookups, not 300² pairs.
    let mut first_seen: std::collections::HashMap<&[u32], usize> = Default::default();
    let mut indexed = vec![true; n];
    for (i, s) in sentences.iter().enumerate() {
        if s.tokens.len() < 4 {
            continue;
        }
        match first_seen.get(s.tokens.as_slice()) {
            // Tokens leave figures out: the same words with other figures are not a repeat.
            Some(&r) if sentences[r].article != s.article && sentences[r].numbers == s.numbers => {
                facts_uf.union(r, i);
                indexed[i] = false;
                let key = (
                    s.article.min(sentences[r].article),
                    s.article.max(sentences[r].article),
                );
                *copies.entry(key).or_default() += 1;
            }
            Some(_) => {}
            None => {
                first_seen.insert(&s.tokens, i);
            }
        }
    }

    let mut postings: Vec<Vec<u32>> = vec![Vec::new(); vocab_len];
    for (i, s) in sentences.iter().enumerate() {
        if indexed[i] {
            for &t in &s.terms {
                postings[t as usize].push(i as u32);
            }
        }
    }

    let mut acc = vec![0f32; n];
    let mut touched: Vec<u32> = Vec::new();
    for (i, s) in sentences.iter().enumerate() {
        if norm[i] == 0.0 || !indexed[i] {
            continue;
        }
        for &t in &s.terms {
            let list = &postings[t as usize];
            if list.len() > config.max_postings {
                continue;
            }
            let w = idf[t as usize].powi(2);
            // Postings are ascending: only look at later sentences, each pair once.
            let from = list.partition_point(|&j| j as usize <= i);
            for &j in &list[from..] {
                if sentences[j as usize].article == s.article {
                    continue;
                }
                if acc[j as usize] == 0.0 {
                    touched.push(j);
                }
                acc[j as usize] += w;
            }
        }
        for &j in &touched {
            let j = j as usize;
            let partial = acc[j] / (norm[i] * norm[j]);
            acc[j] = 0.0;
            let floor = match config.rule {
                Rule::Cosine => config.link_shared * 0.8,
                Rule::Model(_) => config.candidate,
            };
            if partial < floor {
                continue;
            }
            let other = &sentences[j];
            let cos = cosine(&s.terms, &other.terms, &idf) / (norm[i] * norm[j]);
            if let Some(degree) = judge(s, other, cos, config) {
                facts_uf.union(i, j);
                links.push((i, degree));
                if cos >= config.copy {
                    let key = (s.article.min(other.article), s.article.max(other.article));
                    *copies.entry(key).or_default() += 1;
                }
            }
        }
        touched.clear();
    }

    // Syndication: given pairs, plus articles whose sentences nearly all reappear in another.
    let mut counts = vec![0usize; articles];
    for s in sentences {
        counts[s.article] += 1;
    }
    let mut duplicates: Vec<(usize, usize)> = given
        .iter()
        .copied()
        .filter(|&(c, o)| c < articles && o < articles && c != o)
        .collect();
    let mut pairs: Vec<_> = copies.into_iter().collect();
    pairs.sort_unstable();
    for ((a, b), shared) in pairs {
        let smaller = counts[a].min(counts[b]);
        if smaller == 0 || (shared as f32) < 0.8 * smaller as f32 {
            continue;
        }
        if duplicates
            .iter()
            .any(|&(c, o)| (c == a && o == b) || (c == b && o == a))
        {
            continue;
        }
        let (copy, original) = if (published_rank[a], a) <= (published_rank[b], b) {
            (b, a)
        } else {
            (a, b)
        };
        duplicates.push((copy, original));
    }
    duplicates.sort_unstable();

    let mut sources = UnionFind::new(articles);
    for &(c, o) in &duplicates {
        sources.union(c, o);
    }
    let mut first_of_outlet: std::collections::HashMap<&str, usize> = Default::default();
    for (a, outlet) in outlets.iter().enumerate() {
        if let Some(o) = outlet {
            match first_of_outlet.get(o.as_str()) {
                Some(&first) => sources.union(first, a),
                None => {
                    first_of_outlet.insert(o, a);
                }
            }
        }
    }
    let source_of: Vec<usize> = (0..articles).map(|a| sources.find(a)).collect();

    // Facts in order of their first sentence, so ids are stable.
    let mut fact_id = vec![usize::MAX; n];
    let mut fact_of = vec![0; n];
    let mut facts: Vec<FactGroup> = Vec::new();
    for (i, slot) in fact_of.iter_mut().enumerate() {
        let root = facts_uf.find(i);
        if fact_id[root] == usize::MAX {
            fact_id[root] = facts.len();
            facts.push(FactGroup {
                members: Vec::new(),
                articles: Vec::new(),
                independent: 0,
                degree: Degree::Full,
            });
        }
        let f = fact_id[root];
        *slot = f;
        facts[f].members.push(i);
    }
    // Which degrees each fact's links have: [full, partial, disputed]. Verbatim repeats are full.
    let mut seen = vec![[false; 3]; facts.len()];
    for &(i, degree) in &links {
        seen[fact_of[i]][degree as usize] = true;
    }
    for (f, [full, partial, disputed]) in seen.into_iter().enumerate() {
        facts[f].degree = if disputed {
            Degree::Disputed
        } else if partial && !full {
            Degree::Partial
        } else {
            Degree::Full
        };
    }
    for f in &mut facts {
        let mut arts: Vec<usize> = f.members.iter().map(|&i| sentences[i].article).collect();
        arts.sort_unstable();
        arts.dedup();
        let mut srcs: Vec<usize> = arts.iter().map(|&a| source_of[a]).collect();
        srcs.sort_unstable();
        srcs.dedup();
        f.articles = arts;
        f.independent = srcs.len();
    }
    Alignment {
        fact_of,
        facts,
        duplicates,
        source_of,
        idf,
    }
}

/// Inverse document frequency of each term over the story's sentences.
pub(crate) fn idf_of(sentences: &[Sentence], vocab_len: usize) -> Vec<f32> {
    let n = sentences.len();
    let mut df = vec![0u32; vocab_len];
    for s in sentences {
        for &t in &s.terms {
            df[t as usize] += 1;
        }
    }
    df.iter()
        .map(|&d| ((n as f32 + 1.0) / (d as f32 + 1.0)).ln() + 1.0)
        .collect()
}

/// Length of each sentence's binary TF-IDF vector.
pub(crate) fn norms(sentences: &[Sentence], idf: &[f32]) -> Vec<f32> {
    sentences
        .iter()
        .map(|s| {
            s.terms
                .iter()
                .map(|&t| idf[t as usize].powi(2))
                .sum::<f32>()
                .sqrt()
        })
        .collect()
}

/// The link decision for two sentences of different articles: the degree, or None.
pub(crate) fn judge(a: &Sentence, b: &Sentence, cos: f32, config: AlignConfig) -> Option<Degree> {
    match config.rule {
        Rule::Cosine => linked(a, b, cos, config).then_some(Degree::Full),
        Rule::Model(model) => {
            let x = pair::features(a, b, cos);
            if cos >= config.copy {
                // Near-verbatim: the same claim, unless a figure or the polarity was changed.
                Some(if pair::clash(&x) {
                    Degree::Disputed
                } else {
                    Degree::Full
                })
            } else {
                pair::judge(&model, &x)
            }
        }
    }
}

/// The old link decision: cosine thresholds when numbers and names agree.
fn linked(a: &Sentence, b: &Sentence, cos: f32, config: AlignConfig) -> bool {
    if cos >= config.copy {
        return true;
    }
    // Different figures mean different facts ("3 dead" is not "30 dead").
    if !a.numbers.is_empty() && !b.numbers.is_empty() && !intersects(&a.numbers, &b.numbers) {
        return false;
    }
    let names_clash = !a.names.is_empty() && !b.names.is_empty() && !intersects(&a.names, &b.names);
    if names_clash {
        return false;
    }
    let shared = intersects(&a.numbers, &b.numbers) || intersects(&a.names, &b.names);
    cos >= config.link || (shared && cos >= config.link_shared)
}

fn intersects(a: &[String], b: &[String]) -> bool {
    // Both sorted.
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => return true,
        }
    }
    false
}

/// Dot product of two binary TF-IDF vectors given as sorted term lists (unnormalised).
pub(crate) fn cosine(a: &[u32], b: &[u32], idf: &[f32]) -> f32 {
    let (mut i, mut j, mut dot) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                dot += idf[a[i] as usize].powi(2);
                i += 1;
                j += 1;
            }
        }
    }
    dot
}

/// Disjoint sets with path halving; the smaller root joins the larger index order for
/// determinism (the lower index stays root).
pub(crate) struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    pub fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n).collect(),
        }
    }

    pub fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    pub fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            let (lo, hi) = (ra.min(rb), ra.max(rb));
            self.parent[hi] = lo;
        }
    }
}
