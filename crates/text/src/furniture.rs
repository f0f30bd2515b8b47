//! Site furniture: the share, archive-notice, player, cookie and error messages that pages show
//! around an article, and what is left of a text without them. A text that is all furniture (a
//! crawl notice, a "Tweet with a location" prompt, a video player's error) is not an article, and
//! [`not_article`] says so with the reason, so that no story is built from it.
//!
//! The phrases are data, in `data/furniture.txt` with their sources; a sentence holding one of
//! them (compared in ASCII lower case) is furniture. [`teaser`] tells the paragraphs a page puts
//! between an article's own (`READ MORE: …`, `Story continues below advertisement`), listed in
//! `data/teasers.txt`.

use std::sync::LazyLock;

use crate::Span;

static PHRASES: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    include_str!("../data/furniture.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
});

/// Teaser labels (`read more`) and whole teaser lines (`story continues below`), lower case.
static TEASERS: LazyLock<(Vec<&'static str>, Vec<&'static str>)> = LazyLock::new(|| {
    let mut labels = Vec::new();
    let mut lines = Vec::new();
    for l in include_str!("../data/teasers.txt").lines().map(str::trim) {
        if let Some(label) = l.strip_prefix("label:") {
            labels.push(label.trim());
        } else if let Some(line) = l.strip_prefix('=') {
            lines.push(line.trim());
        }
    }
    (labels, lines)
});

/// Whether `paragraph` is a teaser, not a paragraph of the article: a link to another story or
/// video behind a label (`WATCH: Minister visits flooded town`) or an advertising break
/// (`Article Continued Below`). Labels and lines are compared in ASCII lower case.
pub fn teaser(paragraph: &str) -> bool {
    let p = paragraph.trim();
    if p.len() > 300 {
        return false;
    }
    let lower = p.to_ascii_lowercase();
    let (labels, lines) = &*TEASERS;
    if let Some((label, rest)) = lower.split_once(':')
        && !rest.trim().is_empty()
        && labels.contains(&label.trim())
    {
        return true;
    }
    let line = lower.trim_end_matches(['.', ' ']);
    lines.contains(&line)
}

/// At most this many words of story may be left beside furniture for a text to be no article.
/// A real brief of one or two sentences is kept when it carries no furniture at all: only the
/// furniture, never the length, makes a text a non-article.
const STORY_WORDS: usize = 30;

/// Texts longer than this many bytes are never read as furniture alone (the check stays cheap).
const MAX_BYTES: usize = 4_000;

/// The first furniture phrase in `sentence`, if any.
pub fn furniture_phrase(sentence: &str) -> Option<&'static str> {
    let lower = sentence.to_ascii_lowercase();
    PHRASES.iter().copied().find(|p| lower.contains(p))
}

/// The sentences of `text` and, for each, whether it is furniture.
pub fn furniture_sentences(text: &str) -> Vec<(Span, bool)> {
    crate::sentences(text)
        .into_iter()
        .map(|s| {
            let furniture = text.get(s.clone()).and_then(furniture_phrase).is_some();
            (s, furniture)
        })
        .collect()
}

/// Why `text` is not an article, or `None` when it may be one: every sentence is furniture, or
/// furniture is most of it and at most a few words of story are left ("site furniture: 'tweet
/// with a location'"); or the text is one line said over and over ("one line repeated").
pub fn not_article(text: &str) -> Option<String> {
    if text.len() > MAX_BYTES {
        return None;
    }
    let sentences = furniture_sentences(text);
    if sentences.is_empty() {
        return None;
    }
    let mut first = None;
    let mut furniture = 0;
    let mut story_words = 0;
    for (span, is) in &sentences {
        let Some(sentence) = text.get(span.clone()) else {
            continue;
        };
        if *is {
            furniture += 1;
            first = first.or_else(|| furniture_phrase(sentence));
        } else {
            story_words += crate::words(sentence).len();
        }
    }
    if let Some(phrase) = first
        && furniture * 2 >= sentences.len()
        && story_words <= STORY_WORDS
    {
        return Some(format!("site furniture: '{phrase}'"));
    }
    let line = |s: &Span| text.get(s.clone()).unwrap_or("").trim();
    if sentences.len() >= 3
        && sentences
            .iter()
            .all(|(s, _)| line(s) == line(&sentences[0].0))
    {
        return Some("one line repeated".to_owned());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archive_and_embed_notices_are_not_articles() {
        let crawl = "Starting in 1996, Alexa Internet has been donating their crawl data to the \
                     Internet Archive. Flowing in every day, these data are added to the Wayback \
                     Machine after an embargo period.";
        assert_eq!(
            not_article(crawl).as_deref(),
            Some("site furniture: 'internet archive'")
        );
        let player = "The interactive transcript could not be loaded.\n\nRating is available when \
                      the video has been rented.\n\nThis feature is not available right now. \
                      Please try again later.";
        assert!(not_article(player).is_some());
        let echo = "Who called?\n\nWho called?\n\nWho called?";
        assert_eq!(not_article(echo).as_deref(), Some("one line repeated"));
    }

    #[test]
    fn teasers_between_paragraphs() {
        let check = |p: &str, want: bool| assert_eq!(teaser(p), want, "{p}");
        check("READ MORE: Minister visits flooded town", true);
        check("WATCH: Bomb threats investigated across Kessel", true);
        check("Watch: The new bridge opens. Story continues below.", true);
        check("Story continues below advertisement", true);
        check("Article Continued Below", true);
        check("READ MORE:", false);
        check("EARNINGS: Norvik Steel said profit fell.", false);
        check("Watch the river, the mayor said: it is rising.", false);
        check("The story continues below the bridge.", false);
    }

    #[test]
    fn short_stories_and_stories_with_a_share_line_are_articles() {
        // Short, but no furniture: a real text.
        assert_eq!(
            not_article(
                "Doing my best to disregard the roadblocks. Thought it was going to be smooth."
            ),
            None
        );
        // A story with a share prompt keeps its story words.
        let story = "Click to share on Twitter (Opens in new window)\n\nThe fight over the \
                     pipeline went to court on Monday, when the tribe asked a federal judge to \
                     halt construction near the reservation until a full environmental review \
                     of the river crossing is done and the permits are issued again.";
        assert_eq!(not_article(story), None);
        assert_eq!(not_article(""), None);
        assert_eq!(
            furniture_phrase("Sign up for our newsletter"),
            Some("newsletter")
        );
    }
}
