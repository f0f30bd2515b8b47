//! One pass over an article that yields everything the duplicate index and the clusterer need:
//! hashed terms of four kinds (words, entities, numbers, dates) with counts, word-shingle hashes,
//! paragraph hashes and counts for the language check. Weights are not decided here: IDF and
//! boosts belong to the clusterer. Nothing here keeps the text; surface forms are byte ranges.

use text::Span;

use crate::entities::{entity_spans_in, sentence_initial};
use crate::hash::{combine, hash_bytes, tagged};
use crate::lexicon;

/// What a term stands for. The clusterer weights each kind separately.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Kind {
    Word = 0,
    Entity = 1,
    Number = 2,
    Date = 3,
    /// Words of the title, kept apart from the body's.
    Title = 4,
}

pub(crate) const KINDS: usize = 5;

/// The kind of a term key: keys carry it in their low three bits.
pub(crate) fn kind_of(key: u64) -> usize {
    (key & 7) as usize
}

/// Where a term's surface form can be read back from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Origin {
    Body(Span),
    Title(Span),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Term {
    pub key: u64,
    pub kind: Kind,
    /// Occurrences.
    pub tf: f32,
    /// The first occurrence, for labels.
    pub origin: Origin,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Features {
    /// Unique terms, sorted by key.
    pub terms: Vec<Term>,
    /// Hashes of overlapping word n-grams of the body (all words, lower-cased), unsorted.
    pub shingles: Vec<u64>,
    /// One hash per paragraph of the body.
    pub paragraphs: Vec<u64>,
    /// Hash of the whole body.
    pub body: u64,
    /// Keys of the title's word terms, for picking a story's headline.
    pub title_keys: Vec<u64>,
    /// Word tokens in the body, and how many of them are English stopwords.
    pub words: usize,
    pub stopwords: usize,
}

/// Words per shingle for near-duplicate detection.
pub(crate) const SHINGLE: usize = 4;

const TAG_WORD: u64 = 0x5744;
const TAG_ENTITY: u64 = 0x454e;
const TAG_NUMBER: u64 = 0x4e55;
const TAG_DATE: u64 = 0x4454;
const TAG_TITLE: u64 = 0x5449;

/// Extracts the features of one article.
pub(crate) fn extract(title: Option<&str>, body: &str) -> Features {
    let mut f = Features::default();
    let spans = text::words(body);
    let mut raw: Vec<Term> = Vec::with_capacity(spans.len() + 16);
    let mut lower = String::new();
    let mut word_hashes: Vec<u64> = Vec::with_capacity(spans.len());
    let mut i = 0;
    while i < spans.len() {
        let span = spans[i].clone();
        let word = &body[span.clone()];
        lower_into(word, &mut lower);
        let h = hash_bytes(lower.as_bytes());
        word_hashes.push(h);
        f.words += 1;
        let stop = lexicon::is_stopword_hash(h);
        if stop {
            f.stopwords += 1;
        }
        if is_number(&lower) {
            i += number(body, &spans, i, &lower, &mut raw);
            continue;
        }
        // Capitals first: most words are not, and the month lookup compares strings.
        if word.starts_with(|c: char| c.is_uppercase())
            && let Some(m) = lexicon::month(&lower)
            && !(m == 5 && sentence_initial(body, span.start))
        {
            // "May 3" and "March" mark when; a day number right after makes it a date.
            raw.push(term(
                tagged(TAG_DATE, u64::from(m)),
                Kind::Date,
                1.0,
                Origin::Body(span.clone()),
            ));
            if let Some(next) = spans.get(i + 1)
                && let Ok(day) = body[next.clone()].parse::<u64>()
                && (1..=31).contains(&day)
                && body[span.end..next.start].trim().is_empty()
            {
                let key = tagged(TAG_DATE, combine(u64::from(m), day));
                raw.push(term(
                    key,
                    Kind::Date,
                    1.0,
                    Origin::Body(span.start..next.end),
                ));
            }
        } else if !stop && lower.chars().nth(1).is_some() {
            // The stemmer only ever shortens a word: the same length means the same word.
            let unstemmed = lower.len();
            lexicon::stem(&mut lower);
            let stemmed = if lower.len() == unstemmed {
                h
            } else {
                hash_bytes(lower.as_bytes())
            };
            let key = tagged(TAG_WORD, stemmed);
            raw.push(term(key, Kind::Word, 1.0, Origin::Body(span)));
        }
        i += 1;
    }
    // Names in a wire credit line ("Reporting by ...; editing by ...") are the newsroom's, not
    // the event's: a reporter who covers many stories must not tie them together.
    let credits = text::credit_line(body).map_or(body.len(), |c| c.start);
    for s in entity_spans_in(body, &spans)
        .into_iter()
        .take_while(|s| s.start < credits)
    {
        let phrase = &body[s.clone()];
        let mut phrase_key = 0;
        let mut n = 0;
        let mut offset = s.start;
        for part in phrase.split(' ') {
            lower_into(part, &mut lower);
            let h = hash_bytes(lower.as_bytes());
            phrase_key = if n == 0 { h } else { combine(phrase_key, h) };
            n += 1;
            if !lexicon::is_stopword_hash(h) {
                let origin = Origin::Body(offset..offset + part.len());
                raw.push(term(tagged(TAG_ENTITY, h), Kind::Entity, 1.0, origin));
            }
            offset += part.len() + 1;
        }
        if n > 1 {
            raw.push(term(
                tagged(TAG_ENTITY, phrase_key),
                Kind::Entity,
                1.0,
                Origin::Body(s),
            ));
        }
    }
    if let Some(title) = title {
        for span in text::words(title) {
            lower_into(&title[span.clone()], &mut lower);
            let h = hash_bytes(lower.as_bytes());
            if lexicon::is_stopword_hash(h) || lower.chars().nth(1).is_none() {
                continue;
            }
            if !is_number(&lower) {
                lexicon::stem(&mut lower);
            }
            let key = term(
                tagged(TAG_TITLE, hash_bytes(lower.as_bytes())),
                Kind::Title,
                1.0,
                Origin::Title(span),
            );
            f.title_keys.push(key.key);
            raw.push(key);
        }
    }
    f.terms = merge(raw);
    for w in word_hashes.windows(SHINGLE) {
        f.shingles.push(w.iter().fold(0, |acc, &h| combine(acc, h)));
    }
    if word_hashes.len() < SHINGLE && !word_hashes.is_empty() {
        f.shingles
            .push(word_hashes.iter().fold(0, |acc, &h| combine(acc, h)));
    }
    for p in text::paragraphs(body) {
        f.paragraphs.push(hash_bytes(body[p].as_bytes()));
    }
    f.body = f
        .paragraphs
        .iter()
        .fold(0x626f_6479, |acc, &h| combine(acc, h));
    f
}

/// A run of digits starting at word `i`: years become dates, other numbers of two digits or
/// more become numbers ("6.1", "1,200" kept whole). Returns how many word spans were used.
fn number(body: &str, spans: &[Span], i: usize, lower: &str, raw: &mut Vec<Term>) -> usize {
    let mut end = i;
    let mut value: String = lower.chars().filter(|&c| c != ',').collect();
    // Join "6.1" and "1,200", which the word splitter cuts at the mark.
    while let Some(next) = spans.get(end + 1) {
        let gap = &body[spans[end].end..next.start];
        let digits = body[next.clone()].bytes().all(|b| b.is_ascii_digit());
        if digits && (gap == "." || gap == ",") {
            if gap == "." {
                value.push('.');
            }
            value.push_str(&body[next.clone()]);
            end += 1;
        } else {
            break;
        }
    }
    let span = spans[i].start..spans[end].end;
    if value.len() == 4 && (value.starts_with("19") || value.starts_with("20")) {
        raw.push(term(
            tagged(TAG_DATE, hash_bytes(value.as_bytes())),
            Kind::Date,
            1.0,
            Origin::Body(span),
        ));
    } else if value.len() >= 2 {
        raw.push(term(
            tagged(TAG_NUMBER, hash_bytes(value.as_bytes())),
            Kind::Number,
            1.0,
            Origin::Body(span),
        ));
    }
    end - i + 1
}

/// Digits, possibly with inner decimal or thousands marks ("12", "6.1", "1,200").
fn is_number(word: &str) -> bool {
    word.starts_with(|c: char| c.is_ascii_digit())
        && word
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
}

fn term(key: u64, kind: Kind, tf: f32, origin: Origin) -> Term {
    Term {
        key: (key & !7) | kind as u64,
        kind,
        tf,
        origin,
    }
}

/// Sorts by key and sums counts of equal keys, keeping the first origin (body before title).
fn merge(raw: Vec<Term>) -> Vec<Term> {
    // Sorting (key, position) pairs moves far less than sorting whole terms; the position keeps
    // the first occurrence first, as a stable sort would.
    let mut order: Vec<(u64, usize)> = raw.iter().enumerate().map(|(i, t)| (t.key, i)).collect();
    order.sort_unstable();
    let mut out: Vec<Term> = Vec::with_capacity(raw.len());
    for (key, i) in order {
        let t = &raw[i];
        match out.last_mut() {
            Some(last) if last.key == key => last.tf += t.tf,
            _ => out.push(t.clone()),
        }
    }
    out
}

fn lower_into(word: &str, out: &mut String) {
    out.clear();
    if word.is_ascii() {
        out.push_str(word);
        out.make_ascii_lowercase();
    } else {
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(title: Option<&str>, body: &str) -> Vec<(Kind, String)> {
        let f = extract(title, body);
        let mut v: Vec<(Kind, String)> = f
            .terms
            .iter()
            .map(|t| {
                let s = match &t.origin {
                    Origin::Body(s) => &body[s.clone()],
                    Origin::Title(s) => &title.unwrap_or("")[s.clone()],
                };
                (t.kind, s.to_owned())
            })
            .collect();
        v.sort();
        v
    }

    fn check(body: &str, kind: Kind, expected: &[&str]) {
        let got: Vec<String> = kinds(None, body)
            .into_iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, s)| s)
            .collect();
        assert_eq!(got, expected, "{kind:?} in {body:?}");
    }

    #[test]
    fn numbers_and_dates() {
        check(
            "A 6.1 quake hit Velde on May 3, 2011, killing 12.",
            Kind::Number,
            &["12", "6.1"],
        );
        check(
            "A 6.1 quake hit Velde on May 3, 2011, killing 12.",
            Kind::Date,
            &["2011", "May", "May 3"],
        );
    }

    #[test]
    fn words_are_stemmed_and_stopwords_dropped() {
        check(
            "The quakes shook the cities.",
            Kind::Word,
            &["cities", "quakes", "shook"],
        );
    }

    #[test]
    fn entities_count_whole_names_and_their_parts() {
        check(
            "residents of Port Aldine met Mira Havel",
            Kind::Entity,
            &[
                "Aldine",
                "Havel",
                "Mira",
                "Mira Havel",
                "Port",
                "Port Aldine",
            ],
        );
    }

    #[test]
    fn title_words_are_their_own_kind() {
        let f = extract(Some("Flood in Velde"), "The flood reached Velde.");
        let titles = f.terms.iter().filter(|t| t.kind == Kind::Title).count();
        assert_eq!(titles, 2, "{:?}", f.terms);
        assert_eq!(f.title_keys.len(), 2);
        assert!(f.terms.iter().all(|t| kind_of(t.key) == t.kind as usize));
    }

    #[test]
    fn origins_slice_back_to_the_text() {
        let body = "“Orlov Bridge” closed in 2014 after 37 cracks appeared, said Anna Brel.";
        for t in extract(None, body).terms {
            let Origin::Body(s) = t.origin else {
                panic!("title origin without a title")
            };
            assert!(body.get(s).is_some_and(|s| !s.is_empty()));
        }
    }

    #[test]
    fn word_keys_are_hashes_of_the_stemmed_lower_case_word() {
        let body = "Cities and QUAKES: the glass houses of Analysis stood.";
        let f = extract(None, body);
        for t in f.terms.iter().filter(|t| t.kind == Kind::Word) {
            let Origin::Body(s) = &t.origin else {
                panic!("body term with a title origin")
            };
            let mut w = body[s.clone()].to_lowercase();
            lexicon::stem(&mut w);
            assert_eq!(
                t.key,
                term(
                    tagged(TAG_WORD, hash_bytes(w.as_bytes())),
                    Kind::Word,
                    1.0,
                    t.origin.clone()
                )
                .key,
                "{w}"
            );
        }
        assert_eq!(f.terms.iter().filter(|t| t.kind == Kind::Word).count(), 6);
    }

    #[test]
    fn empty_and_short_texts() {
        let f = extract(None, "");
        assert!(f.terms.is_empty() && f.shingles.is_empty() && f.words == 0);
        let f = extract(None, "Hello there");
        assert_eq!(f.shingles.len(), 1);
    }
}
