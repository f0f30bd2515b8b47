//! Fixed English word lists and a light stemmer. Small on purpose: the clustering signals weight
//! words by rarity (IDF), so these lists only need to catch the words that carry no topic at all.

use std::sync::OnceLock;

use crate::hash::{IdSet, hash_bytes};

/// Function words, pronouns, auxiliaries and discourse words. Also used to tell English from
/// other languages (English prose is about 40% stopwords).
const STOPWORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "according",
    "across",
    "after",
    "again",
    "against",
    "ago",
    "all",
    "almost",
    "along",
    "already",
    "also",
    "although",
    "always",
    "am",
    "among",
    "an",
    "and",
    "another",
    "any",
    "anyone",
    "anything",
    "are",
    "around",
    "as",
    "at",
    "back",
    "be",
    "became",
    "because",
    "become",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "came",
    "can",
    "cannot",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "done",
    "down",
    "during",
    "each",
    "either",
    "else",
    "even",
    "ever",
    "every",
    "few",
    "for",
    "from",
    "further",
    "get",
    "gets",
    "got",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "however",
    "i",
    "if",
    "in",
    "including",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "last",
    "later",
    "least",
    "less",
    "like",
    "made",
    "make",
    "many",
    "may",
    "me",
    "meanwhile",
    "might",
    "more",
    "most",
    "mr",
    "mrs",
    "ms",
    "much",
    "must",
    "my",
    "myself",
    "near",
    "never",
    "new",
    "next",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "often",
    "on",
    "once",
    "one",
    "only",
    "or",
    "other",
    "others",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "per",
    "perhaps",
    "rather",
    "really",
    "said",
    "same",
    "say",
    "says",
    "see",
    "seen",
    "several",
    "shall",
    "she",
    "should",
    "since",
    "so",
    "some",
    "still",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "though",
    "through",
    "thus",
    "to",
    "told",
    "too",
    "toward",
    "towards",
    "under",
    "until",
    "up",
    "upon",
    "us",
    "very",
    "via",
    "was",
    "we",
    "well",
    "were",
    "what",
    "when",
    "where",
    "whether",
    "which",
    "while",
    "who",
    "whom",
    "whose",
    "why",
    "will",
    "with",
    "within",
    "without",
    "would",
    "yes",
    "yet",
    "you",
    "your",
    "yours",
    "yourself",
    "s",
    "t",
    "year",
    "years",
    "time",
    "week",
    "day",
    "today",
    "yesterday",
    "tomorrow",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
];

const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// News agencies whose stories other outlets republish; their copy is the original of a
/// syndicated story even when a republisher was seen first.
const WIRE_AGENCIES: &[&str] = &[
    "ap",
    "associated press",
    "the associated press",
    "reuters",
    "afp",
    "agence france-presse",
    "agence france presse",
    "dpa",
    "deutsche presse-agentur",
    "ansa",
    "efe",
    "upi",
    "united press international",
    "pa",
    "press association",
    "pa media",
    "bloomberg",
    "xinhua",
    "kyodo",
    "tass",
    "anadolu",
    "aap",
    "australian associated press",
    "canadian press",
];

fn stopword_hashes() -> &'static IdSet<u64> {
    static SET: OnceLock<IdSet<u64>> = OnceLock::new();
    SET.get_or_init(|| STOPWORDS.iter().map(|w| hash_bytes(w.as_bytes())).collect())
}

/// Is the lower-cased word with this [`hash_bytes`] hash a stopword?
pub(crate) fn is_stopword_hash(h: u64) -> bool {
    stopword_hashes().contains(&h)
}

/// Is `word` (any case) a stopword?
pub(crate) fn is_stopword_ci(word: &str) -> bool {
    let mut buf = [0u8; 16];
    ascii_lower(word, &mut buf).is_some_and(|w| is_stopword_hash(hash_bytes(w)))
}

/// The word lower-cased into `buf`, when it is short ASCII (all stopwords and month names are).
fn ascii_lower<'a>(word: &str, buf: &'a mut [u8; 16]) -> Option<&'a [u8]> {
    if word.len() > buf.len() || !word.is_ascii() {
        return None;
    }
    let out = &mut buf[..word.len()];
    out.copy_from_slice(word.as_bytes());
    out.make_ascii_lowercase();
    Some(out)
}

/// Is the lower-cased word a month name or abbreviation? Returns its number (1–12).
pub(crate) fn month(lower: &str) -> Option<u32> {
    let i = MONTHS.iter().position(|m| *m == lower)?;
    Some(if i < 12 {
        i as u32 + 1
    } else {
        month_of_abbrev(i)
    })
}

fn month_of_abbrev(i: usize) -> u32 {
    match MONTHS[i] {
        "jan" => 1,
        "feb" => 2,
        "mar" => 3,
        "apr" => 4,
        "jun" => 6,
        "jul" => 7,
        "aug" => 8,
        "sep" | "sept" => 9,
        "oct" => 10,
        "nov" => 11,
        _ => 12,
    }
}

/// Month or weekday name, in any case.
pub(crate) fn is_month_or_weekday(word: &str) -> bool {
    let mut buf = [0u8; 16];
    ascii_lower(word, &mut buf).is_some_and(|w| {
        MONTHS[..12]
            .iter()
            .chain(WEEKDAYS)
            .any(|m| m.as_bytes() == w)
    })
}

/// Is the outlet name a news agency (AP, Reuters, AFP, ...)?
pub fn is_wire_agency(outlet: &str) -> bool {
    let lower = outlet.trim().to_lowercase();
    WIRE_AGENCIES.contains(&lower.as_str())
}

/// A light plural stemmer (Harman's S-stemmer): "quakes" → "quake", "cities" → "city",
/// "glass" stays. Works on a lower-case ASCII-or-not word in place.
pub(crate) fn stem(word: &mut String) {
    let n = word.len();
    if n <= 3 || !word.ends_with('s') {
        return;
    }
    if word.ends_with("ies") && !word.ends_with("eies") && !word.ends_with("aies") {
        word.truncate(n - 3);
        word.push('y');
    } else if !word.ends_with("ss") && !word.ends_with("us") && !word.ends_with("is") {
        word.truncate(n - 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_stem(word: &str, expected: &str) {
        let mut w = word.to_owned();
        stem(&mut w);
        assert_eq!(w, expected, "stem of {word}");
    }

    #[test]
    fn stems_plurals_only() {
        check_stem("quakes", "quake");
        check_stem("cities", "city");
        check_stem("glass", "glass");
        check_stem("status", "status");
        check_stem("bus", "bus");
        check_stem("analysis", "analysis");
        check_stem("houses", "house");
    }

    #[test]
    fn knows_months_stopwords_and_agencies() {
        assert_eq!(month("sept"), Some(9));
        assert_eq!(month("may"), Some(5));
        assert_eq!(month("maybe"), None);
        assert!(is_stopword_ci("The"));
        assert!(!is_stopword_ci("Havel"));
        assert!(is_month_or_weekday("Tuesday"));
        assert!(is_wire_agency("Reuters"));
        assert!(!is_wire_agency("Port Aldine Herald"));
    }
}
