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
mod state;

pub use batch::{BatchConfig, BatchInput, batch_stories, recluster, recluster_inputs};
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

#[cfg(test)]
mod tests {
    use super::*;

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
