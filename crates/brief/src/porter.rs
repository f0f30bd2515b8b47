//! The Porter stemmer exactly as NLTK's `PorterStemmer()` runs it in its default
//! `NLTK_EXTENSIONS` mode, which is what the reference `rouge-score` package uses. Matching it
//! rule for rule (including its quirks) is what makes our ROUGE figures comparable.
//!
//! Works on lower-case ASCII words; anything else is returned unchanged. Never panics.

/// Stems one lower-case ASCII word.
pub fn stem(word: &str) -> String {
    if !word
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        return word.to_owned();
    }
    if let Some(s) = irregular(word) {
        return s.to_owned();
    }
    if word.len() <= 2 {
        return word.to_owned();
    }
    let mut w = word.as_bytes().to_vec();
    w = step1a(w);
    w = step1b(w);
    w = step1c(w);
    w = step2(w);
    w = step3(w);
    w = step4(w);
    w = step5a(w);
    w = step5b(w);
    // Only ASCII bytes were ever written.
    String::from_utf8(w).unwrap_or_default()
}

fn irregular(word: &str) -> Option<&'static str> {
    Some(match word {
        "sky" | "skies" => "sky",
        "dying" => "die",
        "lying" => "lie",
        "tying" => "tie",
        "news" => "news",
        "innings" | "inning" => "inning",
        "outings" | "outing" => "outing",
        "cannings" | "canning" => "canning",
        "howe" => "howe",
        "proceed" => "proceed",
        "exceed" => "exceed",
        "succeed" => "succeed",
        _ => return None,
    })
}

fn is_vowel(c: u8) -> bool {
    matches!(c, b'a' | b'e' | b'i' | b'o' | b'u')
}

/// NLTK's `_is_consonant`: a `y` is a consonant or not depending on the run of `y`s before it.
fn is_consonant(w: &[u8], mut i: usize) -> bool {
    if is_vowel(w[i]) {
        return false;
    }
    if w[i] == b'y' {
        let mut negate = false;
        while i > 0 && w[i] == b'y' {
            negate = !negate;
            i -= 1;
        }
        return is_vowel(w[i]) == negate;
    }
    true
}

/// NLTK's `_consonant_flags`, used by the measure (differs from `is_consonant` on `yy`).
fn consonant_flags(w: &[u8]) -> Vec<bool> {
    let mut flags: Vec<bool> = Vec::with_capacity(w.len());
    for (i, &c) in w.iter().enumerate() {
        let f = if is_vowel(c) {
            false
        } else if c == b'y' {
            i == 0 || !flags[i - 1]
        } else {
            true
        };
        flags.push(f);
    }
    flags
}

fn measure(stem: &[u8]) -> usize {
    let flags = consonant_flags(stem);
    flags.windows(2).filter(|p| !p[0] && p[1]).count()
}

fn contains_vowel(stem: &[u8]) -> bool {
    !consonant_flags(stem).iter().all(|&c| c)
}

fn ends_double_consonant(w: &[u8]) -> bool {
    let n = w.len();
    n >= 2 && w[n - 1] == w[n - 2] && is_consonant(w, n - 1)
}

fn ends_cvc(w: &[u8]) -> bool {
    let n = w.len();
    (n >= 3
        && is_consonant(w, n - 3)
        && !is_consonant(w, n - 2)
        && is_consonant(w, n - 1)
        && !matches!(w[n - 1], b'w' | b'x' | b'y'))
        || (n == 2 && !is_consonant(w, 0) && is_consonant(w, 1))
}

/// A rule's condition on the stem left after removing the suffix.
#[derive(Clone, Copy)]
enum Cond {
    None,
    Positive,
    GreaterThanOne,
    /// Step 4's `ion`: measure > 1 and the stem ends in s or t.
    Ion,
    /// Step 1c: the stem is longer than one letter and ends in a consonant.
    Step1c,
    /// Step 2's `logi`: positive measure of the word minus its last three letters.
    Logi,
    /// Step 5b: measure > 1 of the word minus its last letter.
    Step5b,
    /// Step 1b's double-consonant rule: the doubled letter is not l, s or z.
    NotLsz,
    /// Step 1b's last rule: measure 1 and ends consonant-vowel-consonant.
    OneCvc,
}

fn holds(cond: Cond, word: &[u8], stem: &[u8]) -> bool {
    match cond {
        Cond::None => true,
        Cond::Positive => measure(stem) > 0,
        Cond::GreaterThanOne => measure(stem) > 1,
        Cond::Ion => measure(stem) > 1 && matches!(stem.last(), Some(b's' | b't')),
        Cond::Step1c => stem.len() > 1 && is_consonant(stem, stem.len() - 1),
        Cond::Logi => measure(&word[..word.len().saturating_sub(3)]) > 0,
        Cond::Step5b => measure(&word[..word.len().saturating_sub(1)]) > 1,
        Cond::NotLsz => !matches!(word.last(), Some(b'l' | b's' | b'z')),
        Cond::OneCvc => measure(stem) == 1 && ends_cvc(stem),
    }
}

/// NLTK's `_apply_rule_list`: the first rule whose suffix matches decides, whether or not its
/// condition holds. The suffix `*d` stands for a double consonant.
fn apply(word: Vec<u8>, rules: &[(&str, &str, Cond)]) -> Vec<u8> {
    for &(suffix, replacement, cond) in rules {
        if suffix == "*d" {
            if ends_double_consonant(&word) {
                let stem = &word[..word.len() - 2];
                if holds(cond, &word, stem) {
                    // The replacement of the double-consonant rule is the doubled letter itself.
                    let mut out = stem.to_vec();
                    out.push(word[word.len() - 1]);
                    return out;
                }
                return word;
            }
            continue;
        }
        if word.ends_with(suffix.as_bytes()) {
            let stem = &word[..word.len() - suffix.len()];
            if holds(cond, &word, stem) {
                let mut out = stem.to_vec();
                out.extend_from_slice(replacement.as_bytes());
                return out;
            }
            return word;
        }
    }
    word
}

fn replace_suffix(word: &[u8], suffix: &str, replacement: &str) -> Vec<u8> {
    let mut out = word[..word.len() - suffix.len()].to_vec();
    out.extend_from_slice(replacement.as_bytes());
    out
}

fn step1a(w: Vec<u8>) -> Vec<u8> {
    if w.ends_with(b"ies") && w.len() == 4 {
        return replace_suffix(&w, "ies", "ie");
    }
    apply(
        w,
        &[
            ("sses", "ss", Cond::None),
            ("ies", "i", Cond::None),
            ("ss", "ss", Cond::None),
            ("s", "", Cond::None),
        ],
    )
}

fn step1b(w: Vec<u8>) -> Vec<u8> {
    if w.ends_with(b"ied") {
        return if w.len() == 4 {
            replace_suffix(&w, "ied", "ie")
        } else {
            replace_suffix(&w, "ied", "i")
        };
    }
    if w.ends_with(b"eed") {
        let stem = &w[..w.len() - 3];
        return if measure(stem) > 0 {
            replace_suffix(&w, "eed", "ee")
        } else {
            w
        };
    }
    let mut intermediate = None;
    for suffix in ["ed", "ing"] {
        if w.ends_with(suffix.as_bytes()) {
            let stem = &w[..w.len() - suffix.len()];
            if contains_vowel(stem) {
                intermediate = Some(stem.to_vec());
                break;
            }
        }
    }
    let Some(stem) = intermediate else {
        return w;
    };
    apply(
        stem,
        &[
            ("at", "ate", Cond::None),
            ("bl", "ble", Cond::None),
            ("iz", "ize", Cond::None),
            ("*d", "", Cond::NotLsz),
            ("", "e", Cond::OneCvc),
        ],
    )
}

fn step1c(w: Vec<u8>) -> Vec<u8> {
    apply(w, &[("y", "i", Cond::Step1c)])
}

fn step2(w: Vec<u8>) -> Vec<u8> {
    if w.ends_with(b"alli") && measure(&w[..w.len() - 4]) > 0 {
        return step2(replace_suffix(&w, "alli", "al"));
    }
    use Cond::Positive as P;
    apply(
        w,
        &[
            ("ational", "ate", P),
            ("tional", "tion", P),
            ("enci", "ence", P),
            ("anci", "ance", P),
            ("izer", "ize", P),
            ("bli", "ble", P),
            ("alli", "al", P),
            ("entli", "ent", P),
            ("eli", "e", P),
            ("ousli", "ous", P),
            ("ization", "ize", P),
            ("ation", "ate", P),
            ("ator", "ate", P),
            ("alism", "al", P),
            ("iveness", "ive", P),
            ("fulness", "ful", P),
            ("ousness", "ous", P),
            ("aliti", "al", P),
            ("iviti", "ive", P),
            ("biliti", "ble", P),
            ("fulli", "ful", P),
            ("logi", "log", Cond::Logi),
        ],
    )
}

fn step3(w: Vec<u8>) -> Vec<u8> {
    use Cond::Positive as P;
    apply(
        w,
        &[
            ("icate", "ic", P),
            ("ative", "", P),
            ("alize", "al", P),
            ("iciti", "ic", P),
            ("ical", "ic", P),
            ("ful", "", P),
            ("ness", "", P),
        ],
    )
}

fn step4(w: Vec<u8>) -> Vec<u8> {
    use Cond::GreaterThanOne as G;
    apply(
        w,
        &[
            ("al", "", G),
            ("ance", "", G),
            ("ence", "", G),
            ("er", "", G),
            ("ic", "", G),
            ("able", "", G),
            ("ible", "", G),
            ("ant", "", G),
            ("ement", "", G),
            ("ment", "", G),
            ("ent", "", G),
            ("ion", "", Cond::Ion),
            ("ou", "", G),
            ("ism", "", G),
            ("ate", "", G),
            ("iti", "", G),
            ("ous", "", G),
            ("ive", "", G),
            ("ize", "", G),
        ],
    )
}

fn step5a(w: Vec<u8>) -> Vec<u8> {
    if w.ends_with(b"e") {
        let stem = &w[..w.len() - 1];
        let m = measure(stem);
        if m > 1 || (m == 1 && !ends_cvc(stem)) {
            return stem.to_vec();
        }
    }
    w
}

fn step5b(w: Vec<u8>) -> Vec<u8> {
    apply(w, &[("ll", "l", Cond::Step5b)])
}

#[cfg(test)]
mod tests {
    use super::stem;

    fn check(word: &str, expected: &str) {
        assert_eq!(stem(word), expected, "stem of {word:?}");
    }

    /// Expected values produced by NLTK 3.10's `PorterStemmer().stem`.
    #[test]
    fn matches_nltk() {
        for (w, e) in include!("porter_cases.in") {
            check(w, e);
        }
    }

    #[test]
    fn leaves_non_ascii_alone() {
        check("café", "café");
        check("", "");
    }
}
