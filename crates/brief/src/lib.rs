//! The story brief: line the articles of one story up sentence by sentence, group the sentences
//! into facts, and write an extractive, fully cited summary, a timeline, quotes, people and
//! per-outlet exclusives.
//!
//! Input is plain data ([`StoryInput`]): the articles, and optionally what later stages know
//! (syndication pairs from `stories`, quote groups and people from `extract`), so this crate does
//! not depend on their internals. Output is a [`StoryBrief`] (JSON schema in
//! `docs/brief.schema.json`) and renderers to Markdown and self-contained HTML.
//!
//! Deterministic and free of I/O; never panics on input.
//!
//! **Invariant:** every `text` in the output is `article.text[start..end]` of the article it
//! names (checked by tests here and over the whole Multi-News sample by `cargo xtask eval-brief`).

mod align;
mod analyse;
pub mod extracted;
mod extras;
mod model;
mod pair;
mod pair_model;
pub mod porter;
pub mod render;
pub mod rouge;
mod summary;
mod timeline;

use std::collections::HashMap;

pub use ingest::Article;
pub use model::*;
pub use summary::Tuning;

/// A byte range of one article's normalised text, named by article id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub article: String,
    pub start: usize,
    pub end: usize,
}

/// One quotation as carried by several articles (from the extract stage).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct QuoteInput {
    pub speaker: Option<String>,
    /// The speaker's role ("officials"), shown when no name is known.
    pub role: Option<String>,
    pub appearances: Vec<Mention>,
}

/// One person (from the extract stage) and their mentions.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PersonInput {
    pub name: String,
    pub mentions: Vec<Mention>,
}

/// Everything the brief of one story is made from. Only `articles` is required.
#[derive(Debug, Clone, Default)]
pub struct StoryInput<'a> {
    /// The story id; derived from the article ids when absent.
    pub id: Option<String>,
    pub articles: &'a [Article],
    /// `(copy id, original id)` syndication pairs; more are detected here.
    pub duplicates: Vec<(String, String)>,
    /// Quote groups; when empty, direct quotations are found with simple rules.
    pub quotes: Vec<QuoteInput>,
    /// People; when empty, capitalised names are counted instead.
    pub people: Vec<PersonInput>,
}

impl<'a> StoryInput<'a> {
    pub fn new(articles: &'a [Article]) -> Self {
        StoryInput {
            articles,
            ..Default::default()
        }
    }
}

/// How long and how detailed a brief is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Config {
    /// Word budget of the summary (`--words`).
    pub words: usize,
    pub max_facts: usize,
    pub max_exclusive_per_article: usize,
    pub max_timeline: usize,
    pub max_quotes: usize,
    pub max_people: usize,
    /// Weights of the summary's sentence choice.
    pub tuning: Tuning,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            words: 250,
            max_facts: 30,
            max_exclusive_per_article: 3,
            max_timeline: 20,
            max_quotes: 10,
            max_people: 15,
            tuning: Tuning::default(),
        }
    }
}

/// Briefs of several stories.
pub fn brief(stories: &[StoryInput], config: &Config) -> Brief {
    Brief::new(stories.iter().map(|s| brief_story(s, config)).collect())
}

/// The brief of one story.
pub fn brief_story(input: &StoryInput, config: &Config) -> StoryBrief {
    let articles = input.articles;
    let mut warnings = Vec::new();
    let index: HashMap<&str, usize> = articles
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();

    // Reading order of articles: dated ones by date, then undated ones in input order.
    let mut order: Vec<usize> = (0..articles.len()).collect();
    order.sort_by_key(|&a| (articles[a].published.is_none(), articles[a].published, a));
    let mut rank = vec![0; articles.len()];
    for (r, &a) in order.iter().enumerate() {
        rank[a] = r;
    }

    let mut vocab = analyse::Vocabulary::default();
    let sentences = analyse::analyse(articles, &mut vocab);
    let outlets: Vec<Option<String>> = articles
        .iter()
        .map(|a| a.outlet.as_ref().map(|o| o.to_lowercase()))
        .collect();
    let mut given = Vec::new();
    for (copy, original) in &input.duplicates {
        match (index.get(copy.as_str()), index.get(original.as_str())) {
            (Some(&c), Some(&o)) => given.push((c, o)),
            _ => warnings.push(format!(
                "duplicate pair {copy} -> {original}: article not in the story"
            )),
        }
    }
    let alignment = align::align(
        &sentences,
        vocab.len(),
        &outlets,
        &given,
        &rank,
        align::AlignConfig::default(),
    );

    let excerpt_of = |i: usize| -> Excerpt {
        let s = &sentences[i];
        let a = &articles[s.article];
        Excerpt {
            article: a.id.clone(),
            text: a.text[s.span.clone()].to_owned(),
            start: s.span.start,
            end: s.span.end,
        }
    };
    // One sentence per article of a fact, the given sentence's article first, then by rank.
    let citations_of = |lead: usize, members: &[usize]| -> Vec<Excerpt> {
        let mut picked: Vec<usize> = vec![lead];
        let mut seen = vec![sentences[lead].article];
        let mut rest: Vec<usize> = members.to_vec();
        rest.sort_by_key(|&i| (rank[sentences[i].article], sentences[i].position));
        for i in rest {
            if !seen.contains(&sentences[i].article) {
                seen.push(sentences[i].article);
                picked.push(i);
            }
        }
        picked.into_iter().map(excerpt_of).collect()
    };

    let chosen = summary::summarise(
        &sentences,
        &vocab,
        &alignment,
        &rank,
        config.words,
        config.tuning,
    );
    let summary: Vec<SummarySentence> = chosen
        .iter()
        .map(|&i| {
            let fact = &alignment.facts[alignment.fact_of[i]];
            let citations = citations_of(i, &fact.members);
            SummarySentence {
                text: citations[0].text.clone(),
                sources: citations.iter().map(|c| c.article.clone()).collect(),
                citations,
                corroborated: fact.independent >= 2,
            }
        })
        .collect();

    // Facts carried by several articles, most widely carried first.
    let mut shared: Vec<usize> = (0..alignment.facts.len())
        .filter(|&f| alignment.facts[f].articles.len() >= 2)
        .filter(|&f| {
            alignment.facts[f]
                .members
                .iter()
                .any(|&i| sentences[i].content)
        })
        .collect();
    shared.sort_by_key(|&f| {
        let g = &alignment.facts[f];
        (
            std::cmp::Reverse(g.independent),
            std::cmp::Reverse(g.articles.len()),
            f,
        )
    });
    let facts: Vec<Fact> = shared
        .iter()
        .take(config.max_facts)
        .map(|&f| {
            let g = &alignment.facts[f];
            let lead = *g
                .members
                .iter()
                .min_by_key(|&&i| {
                    let s = &sentences[i];
                    (!s.content, rank[s.article], s.position)
                })
                .unwrap_or(&g.members[0]);
            let citations = citations_of(lead, &g.members);
            let mut outlets: Vec<String> = g
                .articles
                .iter()
                .map(|&a| outlet_name(&articles[a]))
                .collect();
            outlets.sort();
            outlets.dedup();
            Fact {
                text: citations[0].text.clone(),
                sources: citations.iter().map(|c| c.article.clone()).collect(),
                outlets,
                corroborated: g.independent >= 2,
                independent: g.independent,
                degree: g.degree,
                citations,
            }
        })
        .collect();

    // Exclusive content: each article's leading content sentences that no other article carries.
    let mut exclusive = Vec::new();
    for &a in &order {
        let mut n = 0;
        for (i, s) in sentences.iter().enumerate() {
            if n >= config.max_exclusive_per_article {
                break;
            }
            if s.article == a
                && s.content
                && alignment.facts[alignment.fact_of[i]].articles.len() == 1
            {
                exclusive.push(excerpt_of(i));
                n += 1;
            }
        }
    }

    let timeline = timeline_events(articles, &sentences, &alignment, &rank, config, &excerpt_of);

    let mut quotes = if input.quotes.is_empty() {
        extras::find_quotes(articles, &sentences, &alignment.fact_of)
    } else {
        extras::given_quotes(articles, &index, &input.quotes, &mut warnings)
    };
    quotes.sort_by_key(|q| {
        let mut arts: Vec<&str> = q.appearances.iter().map(|e| e.article.as_str()).collect();
        arts.sort_unstable();
        arts.dedup();
        std::cmp::Reverse(arts.len())
    });
    quotes.truncate(config.max_quotes);
    let mut people = if input.people.is_empty() {
        extras::find_people(articles, &sentences)
    } else {
        extras::given_people(articles, &index, &input.people, &mut warnings)
    };
    people.sort_by(|a, b| {
        (b.articles.len(), b.mentions)
            .cmp(&(a.articles.len(), a.mentions))
            .then_with(|| a.name.cmp(&b.name))
    });
    people.truncate(config.max_people);

    let headline = headline(articles, &sentences, &chosen, &rank);
    let id = input.id.clone().unwrap_or_else(|| story_id(articles));
    StoryBrief {
        id,
        headline,
        articles: order.iter().map(|&a| article_ref(&articles[a])).collect(),
        summary,
        quotes,
        people,
        facts,
        exclusive,
        timeline,
        duplicates: alignment
            .duplicates
            .iter()
            .map(|&(c, o)| Duplicate {
                article: articles[c].id.clone(),
                original: articles[o].id.clone(),
            })
            .collect(),
        warnings,
    }
}

fn timeline_events(
    articles: &[Article],
    sentences: &[analyse::Sentence],
    alignment: &align::Alignment,
    rank: &[usize],
    config: &Config,
    excerpt_of: &dyn Fn(usize) -> Excerpt,
) -> Vec<TimelineEvent> {
    struct Event {
        date: String,
        expression: String,
        members: Vec<usize>,
    }
    let mut events: Vec<Event> = Vec::new();
    let mut at: HashMap<(usize, String), usize> = HashMap::new();
    for (i, s) in sentences.iter().enumerate() {
        if !s.content {
            continue;
        }
        let a = &articles[s.article];
        let body = &a.text[s.span.clone()];
        let published = a.published.map(|p| p.date_naive());
        let Some(found) = timeline::find_date(body, published) else {
            continue;
        };
        let key = (alignment.fact_of[i], found.date.clone());
        match at.get(&key) {
            Some(&k) => events[k].members.push(i),
            None => {
                at.insert(key, events.len());
                events.push(Event {
                    date: found.date,
                    expression: body[found.expression].to_owned(),
                    members: vec![i],
                });
            }
        }
    }
    let article_count = |members: &[usize]| {
        let mut a: Vec<usize> = members.iter().map(|&i| sentences[i].article).collect();
        a.sort_unstable();
        a.dedup();
        a.len()
    };
    // Keep the most widely carried events, then show them in date order.
    let mut keep: Vec<usize> = (0..events.len()).collect();
    keep.sort_by_key(|&k| (std::cmp::Reverse(article_count(&events[k].members)), k));
    keep.truncate(config.max_timeline);
    let first = |e: &Event| {
        let s = &sentences[e.members[0]];
        (rank[s.article], s.position)
    };
    keep.sort_by(|&x, &y| {
        let (ex, ey) = (&events[x], &events[y]);
        ex.date
            .cmp(&ey.date)
            .then_with(|| first(ex).cmp(&first(ey)))
    });
    keep.into_iter()
        .map(|k| {
            let e = &events[k];
            let mut citations: Vec<Excerpt> = Vec::new();
            for &i in &e.members {
                let c = excerpt_of(i);
                if !citations.iter().any(|d| d.article == c.article) {
                    citations.push(c);
                }
            }
            TimelineEvent {
                date: e.date.clone(),
                expression: e.expression.clone(),
                text: citations[0].text.clone(),
                sources: citations.iter().map(|c| c.article.clone()).collect(),
                citations,
            }
        })
        .collect()
}

/// The title of the article that gave the summary most sentences (the earliest on ties), or the
/// first summary sentence when no article has a title.
fn headline(
    articles: &[Article],
    sentences: &[analyse::Sentence],
    chosen: &[usize],
    rank: &[usize],
) -> String {
    let mut votes = vec![0usize; articles.len()];
    for &i in chosen {
        votes[sentences[i].article] += 1;
    }
    let best = (0..articles.len())
        .filter(|&a| articles[a].title.is_some())
        .min_by_key(|&a| (std::cmp::Reverse(votes[a]), rank[a]));
    match best {
        Some(a) => articles[a].title.clone().unwrap_or_default(),
        None => chosen
            .first()
            .map(|&i| {
                let s = &sentences[i];
                articles[s.article].text[s.span.clone()].to_owned()
            })
            .unwrap_or_default(),
    }
}

/// 16 hex digits of an FNV-1a hash over the sorted article ids: stable for the same articles.
fn story_id(articles: &[Article]) -> String {
    let mut ids: Vec<&str> = articles.iter().map(|a| a.id.as_str()).collect();
    ids.sort_unstable();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for id in ids {
        for b in id.bytes().chain([0]) {
            h ^= b as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

fn outlet_name(a: &Article) -> String {
    a.outlet.clone().unwrap_or_else(|| a.source.to_string())
}

fn article_ref(a: &Article) -> ArticleRef {
    ArticleRef {
        id: a.id.clone(),
        source: a.source.to_string(),
        outlet: a.outlet.clone(),
        title: a.title.clone(),
        published: a.published.map(|p| p.to_rfc3339()),
        dateline: a.dateline.clone(),
        url: a.url.clone(),
    }
}

#[cfg(test)]
mod tests;

/// The brief's same-claim decision on two articles, for `cargo xtask eval-mrpc` and
/// `train-mrpc`: the same analysis and alignment a story goes through, nothing else.
#[doc(hidden)]
pub mod pairs {
    pub use crate::align::Rule;
    pub use crate::pair::{FEATURES, NAMES, PairModel};

    use crate::{Article, Degree, align, analyse};

    /// The degree of the fact the two articles share (full before partial before disputed), or
    /// None when alignment links no sentence of one to a sentence of the other.
    pub fn shared_fact(a: &Article, b: &Article, rule: Rule) -> Option<Degree> {
        let articles = [a.clone(), b.clone()];
        let mut vocab = analyse::Vocabulary::default();
        let sentences = analyse::analyse(&articles, &mut vocab);
        let outlets = vec![Some("a".to_owned()), Some("b".to_owned())];
        let config = align::AlignConfig {
            rule,
            ..Default::default()
        };
        let alignment = align::align(&sentences, vocab.len(), &outlets, &[], &[0, 1], config);
        alignment
            .facts
            .iter()
            .filter(|f| f.articles.len() == 2)
            .map(|f| f.degree)
            .min_by_key(|&d| d as u8)
    }

    /// The features of the cross-article sentence pair with the highest cosine (what the model
    /// is trained on), or None when either article has no sentence.
    pub fn best_pair_features(a: &Article, b: &Article) -> Option<[f32; FEATURES]> {
        let articles = [a.clone(), b.clone()];
        let mut vocab = analyse::Vocabulary::default();
        let sentences = analyse::analyse(&articles, &mut vocab);
        let idf = align::idf_of(&sentences, vocab.len());
        let norm = align::norms(&sentences, &idf);
        let mut best: Option<(f32, [f32; FEATURES])> = None;
        for (i, s) in sentences.iter().enumerate() {
            for (j, t) in sentences.iter().enumerate().skip(i + 1) {
                if s.article == t.article {
                    continue;
                }
                let d = norm[i] * norm[j];
                let cos = if d > 0.0 {
                    align::cosine(&s.terms, &t.terms, &idf) / d
                } else {
                    0.0
                };
                if best.is_none_or(|(c, _)| cos > c) {
                    best = Some((cos, crate::pair::features(s, t, cos)));
                }
            }
        }
        best.map(|(_, x)| x)
    }
}
