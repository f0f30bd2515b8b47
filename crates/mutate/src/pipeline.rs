//! Every analysis stage over the texts of one story, as the front ends run them: articles made
//! from the texts, sentences, entities, quotations and speakers, the clusterer's online and
//! batch passes, and the brief. The fuzz targets, the property tests and `cargo xtask sweep`
//! call these, so what they check is what a user's command runs.

use ingest::{Article, Draft, Source};

/// Articles made from `texts` as a JSON lines file with one record each would give them (texts
/// with no body are left out, as the reader leaves them out). Outlets alternate, so a story has
/// several; dates are a few hours apart.
pub fn articles(texts: &[String]) -> Vec<Article> {
    texts
        .iter()
        .enumerate()
        .filter_map(|(k, body)| {
            Draft {
                body: body.clone(),
                title: body.lines().next().map(|l| l.chars().take(80).collect()),
                outlet: Some(format!("outlet{}", k % 3)),
                published: chrono::DateTime::from_timestamp(1_700_000_000 + 3_600 * k as i64, 0)
                    .map(|t| t.fixed_offset()),
                ..Default::default()
            }
            .finish(Source::record("mutated.jsonl", k as u64 + 1))
            .ok()
        })
        .collect()
}

/// The text stages of one article's normalised text: sentences, entities, quotes.
pub fn analyse_text(text: &str) -> brief::extracted::Extracted {
    let _ = text::sentences(text);
    let _ = text::paragraphs(text);
    brief::extracted::extract_article(text)
}

/// The whole pipeline over one story's texts: each article analysed, clustered online and in the
/// batch pass, then briefed as one story.
pub fn analyse_story(texts: &[String]) {
    let articles = articles(texts);
    let extracted: Vec<_> = articles.iter().map(|a| analyse_text(&a.text)).collect();
    cluster(&articles);
    let extracted: Vec<_> = extracted.iter().collect();
    let (quotes, people) = brief::extracted::quotes_and_people(&articles, &extracted);
    let input = brief::StoryInput {
        quotes,
        people,
        ..brief::StoryInput::new(&articles)
    };
    let _ = brief::brief_story(&input, &brief::Config::default());
}

/// The clusterer's online pass in publication order, then the batch pass, as `parallax cluster`
/// runs them.
pub fn cluster(articles: &[Article]) {
    let mut clusterer = stories::Clusterer::new(stories::Config::default());
    let mut assigned = vec![None; articles.len()];
    for i in stories::publication_order(articles) {
        assigned[i] = Some(clusterer.add(&articles[i]));
    }
    let _ = stories::batch_stories(articles, &assigned, &stories::BatchConfig::default());
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    /// The demo corpus's wire stories: two stories of two outlets each, and one more.
    const WIRE: [&str; 5] = [
        include_str!("../../../examples/wire/nws-kessel-dam-2026-01-12.txt"),
        include_str!("../../../examples/wire/meridian-kessel-dam-2026-01-12.txt"),
        include_str!("../../../examples/wire/nws-valdoria-rates-2026-03-05.txt"),
        include_str!("../../../examples/wire/meridian-valdoria-rates-2026-03-05.txt"),
        include_str!("../../../examples/wire/nws-orla-floods-2026-02-20.txt"),
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Every stage, over any structural edit of real-shaped stories, runs to the end.
        #[test]
        fn no_edit_of_a_story_makes_any_stage_panic(
            pick in 0usize..4,
            ops in proptest::collection::vec(any::<u8>(), 0..10),
            ops2 in proptest::collection::vec(any::<u8>(), 0..10),
        ) {
            let texts = vec![
                crate::mutate(WIRE[pick], &ops),
                crate::mutate(WIRE[pick + 1], &ops2),
            ];
            super::analyse_story(&texts);
        }
    }
}
