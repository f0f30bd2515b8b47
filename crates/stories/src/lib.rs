//! Stories: which articles copy one another, and which tell the same real-world event.
//!
//! Two parts, both online and deterministic. [`DuplicateIndex`] finds exact, syndicated and
//! lightly rewritten copies with MinHash/LSH over word shingles and says how much changed.
//! [`Clusterer`] takes articles in publication order and puts each into a story (joining the most
//! similar active story or starting one), using the duplicate index first and then TF-IDF, name,
//! number and date similarity with time decay. [`recluster`] (module [`batch`]) re-clusters a
//! closed set of articles with a learned pair model and average-link merging, for better quality
//! than the online pass. This crate does no I/O, keeps no article text, and never panics on
//! input: empty, undated and non-English articles come back with warnings.

pub mod batch;
mod cluster;
mod dup;
pub mod entities;
mod features;
mod hash;
mod lexicon;
mod par;
mod state;
mod storyline;

pub use batch::{
    BatchConfig, BatchInput, BatchStory, Levels, batch_stories, recluster, recluster_inputs,
    recluster_levels,
};
pub use cluster::{Assignment, Clusterer, Config, Signals, Story, StoryId, Weights};
pub use dup::{DupConfig, Duplicate, DuplicateIndex, DuplicateKind, Fingerprint, Match};
pub use lexicon::is_wire_agency;
pub use state::{STATE_FORMAT, StateError, code_fingerprint, config_fingerprint};

use ingest::Article;

/// The order to feed articles to a [`Clusterer`]: by publication time, stable, with an undated
/// article keeping the place of the dated article before it in the input (so a batch of undated
/// articles stays in arrival order). Returns indices into `articles`.
pub fn publication_order(articles: &[Article]) -> Vec<usize> {
    publication_order_of(articles.iter().map(|a| a.published.map(|t| t.timestamp())))
}

/// [`publication_order`] from the articles' publication times alone (Unix seconds), for a
/// caller that reads the articles themselves later, one at a time.
pub fn publication_order_of(published: impl IntoIterator<Item = Option<i64>>) -> Vec<usize> {
    let mut last = None;
    let mut keyed: Vec<(Option<i64>, usize)> = published
        .into_iter()
        .enumerate()
        .map(|(i, t)| {
            if t.is_some() {
                last = t;
            }
            (last, i)
        })
        .collect();
    keyed.sort_by_key(|&(t, i)| (t, i));
    keyed.into_iter().map(|(_, i)| i).collect()
}

/// The most representative of a story's titles (`None` for an untitled article): the one whose
/// words (folded, stopwords left out) are most shared by the other titles, the smallest
/// among equals; `None` when no title has a word. The headline a story shows is the title of one of
/// its own articles, whatever online story the articles came from.
pub fn representative_title(titles: &[Option<&str>]) -> Option<usize> {
    let sets: Vec<Option<std::collections::BTreeSet<String>>> = titles
        .iter()
        .map(|t| {
            let t = (*t)?;
            let set: std::collections::BTreeSet<String> = text::words(t)
                .into_iter()
                .map(|w| &t[w.start..w.end])
                .filter(|w| !text::is_stopword(w))
                .map(|w| text::fold(w).into_owned())
                .collect();
            (!set.is_empty()).then_some(set)
        })
        .collect();
    let mut best: Option<(usize, f64)> = None;
    for (i, a) in sets.iter().enumerate() {
        let Some(a) = a else { continue };
        let score: f64 = sets
            .iter()
            .enumerate()
            .filter(|&(j, _)| j != i)
            .filter_map(|(_, b)| b.as_ref())
            .map(|b| a.intersection(b).count() as f64 / a.union(b).count() as f64)
            .sum();
        // Ties (within rounding, as the sum's order may differ) go to the smallest title, so
        // the choice does not depend on the order the titles come in.
        let better = best
            .is_none_or(|(b, s)| score > s + 1e-9 || (score > s - 1e-9 && titles[i] < titles[b]));
        if better {
            best = Some((i, score));
        }
    }
    best.map(|(i, _)| i)
}

/// A headline for a story none of whose articles has a title (plain wire copy, one-line texts):
/// the most representative of the articles' lead sentences (as [`representative_title`] picks
/// among titles), without its dateline, shortened at a clause boundary to at most
/// [`HEADLINE_CHARS`] characters. `None` when no text has a word.
pub fn headline_from_leads(texts: &[&str]) -> Option<String> {
    let leads: Vec<Option<&str>> = texts
        .iter()
        .map(|t| {
            let body = text::dateline(t).map_or(*t, |d| d.rest(t));
            let first = text::sentences(body).into_iter().next()?;
            Some(body[first].trim())
        })
        .collect();
    let lead = leads[representative_title(&leads)?]?;
    Some(shorten(lead))
}

/// The longest a headline made from a lead sentence gets, in characters.
pub const HEADLINE_CHARS: usize = 90;

/// `lead` without its closing full stop, cut at the last clause boundary (a comma, semicolon,
/// colon or dash) that keeps at least four words within [`HEADLINE_CHARS`], else at the last
/// word that fits, with "…".
fn shorten(lead: &str) -> String {
    let lead = lead.trim_end_matches(['.', ' ']);
    if lead.chars().count() <= HEADLINE_CHARS {
        return lead.to_owned();
    }
    let fits: usize = lead
        .char_indices()
        .nth(HEADLINE_CHARS)
        .map_or(lead.len(), |(i, _)| i);
    let head = &lead[..fits];
    let clause = head
        .match_indices([',', ';', ':'])
        .map(|(i, _)| i)
        .chain(head.match_indices(" - ").map(|(i, _)| i))
        .chain(head.match_indices(" —").map(|(i, _)| i))
        .filter(|&i| head[..i].split_whitespace().count() >= 4)
        .max();
    match clause {
        Some(i) => head[..i].trim_end().to_owned(),
        None => {
            let cut = head.rfind(' ').unwrap_or(head.len());
            format!("{}…", head[..cut].trim_end_matches([',', ';', ':', ' ']))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untitled_stories_are_named_by_their_most_shared_lead_sentence() {
        let texts = [
            "KESSEL, March 1 (Wire A) - Floodwaters rose across the lower town of Kessel on \
             Sunday, forcing hundreds of families from their homes, officials said.\n\nMore.",
            "Floodwaters rose across Kessel on Sunday. Hundreds of families left.",
            "The mayor spoke to reporters.",
        ];
        assert_eq!(
            headline_from_leads(&texts).as_deref(),
            Some("Floodwaters rose across Kessel on Sunday")
        );
        // A long lead is cut at a clause boundary, without the dateline.
        assert_eq!(
            headline_from_leads(&texts[..1]).as_deref(),
            Some("Floodwaters rose across the lower town of Kessel on Sunday")
        );
        // With no clause boundary within reach, at a word, marked.
        let long = "Word ".repeat(30);
        let h = headline_from_leads(&[long.as_str()]).unwrap();
        assert!(
            h.ends_with('…') && h.chars().count() <= HEADLINE_CHARS + 1,
            "{h}"
        );
        assert_eq!(headline_from_leads(&["", "  "]), None);
        assert_eq!(headline_from_leads(&[]), None);
    }

    #[test]
    fn the_representative_title_shares_most_words_with_the_others() {
        let titles = [
            None,
            Some("Opinion: what the vote means"),
            Some("Senate passes hate crimes bill"),
            Some("Senate passes bill on hate crimes against Asian Americans"),
            Some("Hate crimes bill clears the Senate"),
        ];
        assert_eq!(representative_title(&titles), Some(2));
        assert_eq!(representative_title(&[None, Some("the of"), None]), None);
        assert_eq!(representative_title(&[]), None);
        assert_eq!(representative_title(&[Some("Only one")]), Some(0));
    }

    fn at(day: Option<u32>) -> Article {
        let mut a = ingest::Draft {
            body: "Some text here.".into(),
            ..ingest::Draft::default()
        }
        .finish(ingest::Source::file("x"))
        .expect("text");
        a.published = day.map(|d| {
            chrono::DateTime::parse_from_rfc3339(&format!("2026-02-{d:02}T00:00:00Z"))
                .expect("date")
        });
        a
    }

    #[test]
    fn publication_order_sorts_by_date_and_keeps_undated_with_their_neighbour() {
        let articles = [at(Some(3)), at(None), at(Some(1)), at(None), at(Some(2))];
        assert_eq!(publication_order(&articles), [2, 3, 4, 0, 1]);
    }
}
