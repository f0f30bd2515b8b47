//! A stand-in for named-entity recognition: runs of capitalised words, minus stopwords that are
//! capitalised only because they open a sentence. Clustering uses these spans as the "who and
//! where" signal; a real NER from the `extract` crate can replace [`entity_spans`] without any
//! other change here. It must never allocate per token or look outside the text it is given.

use text::Span;

use crate::lexicon;

/// Byte ranges of name-like phrases in `text` ("Lindsay Lohan", "Betty Ford Center",
/// "WASHINGTON"), in text order.
///
/// Month and weekday names are left out (they are dates, see the clusterer's date signal), and a
/// single capitalised word at the start of a sentence counts only if the same word is also
/// capitalised somewhere mid-sentence ("Police said ..." is not a name; "Reid said ..." is, when
/// "Tara Reid" appears elsewhere).
pub fn entity_spans(text: &str) -> Vec<Span> {
    entity_spans_in(text, &text::words(text))
}

/// [`entity_spans`] over word spans the caller already has.
pub(crate) fn entity_spans_in(text: &str, words: &[Span]) -> Vec<Span> {
    let mut runs: Vec<(Span, bool)> = Vec::new(); // (span, single word at sentence start)
    let mut run: Option<(Span, bool, usize)> = None; // (span, starts a sentence, word count)
    let mut prev_end = 0;
    for w in words {
        let word = &text[w.clone()];
        // Only a capitalised word can start a name, so only then is the look back needed.
        let capitalised = is_capitalised(word);
        let initial = capitalised && sentence_initial(text, w.start);
        let adjacent = text[prev_end..w.start].bytes().all(|b| b == b' ');
        prev_end = w.end;
        let name_like = capitalised
            && !lexicon::is_month_or_weekday(word)
            && !(initial && lexicon::is_stopword_ci(word));
        if name_like {
            match &mut run {
                Some((span, _, n)) if adjacent && !initial => {
                    span.end = w.end;
                    *n += 1;
                }
                _ => {
                    flush(&mut runs, run.take());
                    run = Some((w.clone(), initial, 1));
                }
            }
        } else {
            flush(&mut runs, run.take());
        }
    }
    flush(&mut runs, run.take());
    // Keep a lone sentence-initial word only if it also shows up capitalised mid-sentence.
    let mut confirmed: Vec<&str> = runs
        .iter()
        .filter(|(_, lone_initial)| !lone_initial)
        .flat_map(|(s, _)| text[s.clone()].split(' '))
        .collect();
    confirmed.sort_unstable();
    runs.into_iter()
        .filter(|(s, lone_initial)| {
            !lone_initial || confirmed.binary_search(&&text[s.clone()]).is_ok()
        })
        .map(|(s, _)| s)
        .collect()
}

fn flush(runs: &mut Vec<(Span, bool)>, run: Option<(Span, bool, usize)>) {
    if let Some((span, initial, n)) = run {
        runs.push((span, initial && n == 1));
    }
}

fn is_capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

/// True when the word at byte `start` opens a sentence: only quotes, brackets and spaces stand
/// between it and the start of the text, a line break or a sentence-ending mark.
pub(crate) fn sentence_initial(text: &str, start: usize) -> bool {
    for c in text[..start].chars().rev() {
        match c {
            ' ' | '\t' | '"' | '\'' | '`' | '(' | '[' | '“' | '‘' | '«' | '-' | '—' => {
                continue;
            }
            '\n' | '.' | '!' | '?' | ':' | ';' | '”' | '’' => return true,
            _ => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expected: &[&str]) {
        let got: Vec<&str> = entity_spans(text).into_iter().map(|s| &text[s]).collect();
        assert_eq!(got, expected, "in {text:?}");
    }

    #[test]
    fn finds_names_places_and_organisations() {
        check(
            "The singer Mira Havel checked into Lakeview Clinic in Port Aldine on Tuesday.",
            &["Mira Havel", "Lakeview Clinic", "Port Aldine"],
        );
    }

    #[test]
    fn drops_sentence_initial_stopwords() {
        check(
            "The mayor of Dunmore spoke. She said Dunmore would rebuild.",
            &["Dunmore", "Dunmore"],
        );
    }

    #[test]
    fn lone_sentence_initial_word_needs_confirmation() {
        check("Police said the fire was out. Firefighters left.", &[]);
        check(
            "Havel said no. Later, officials met Havel.",
            &["Havel", "Havel"],
        );
    }

    #[test]
    fn months_and_weekdays_are_not_names() {
        check(
            "On Monday in March the Orlov Bridge closed.",
            &["Orlov Bridge"],
        );
    }

    #[test]
    fn runs_stop_at_punctuation() {
        check(
            "officials from Tarn, Velde and Ostrova met",
            &["Tarn", "Velde", "Ostrova"],
        );
    }

    #[test]
    fn spans_slice_back_to_the_text() {
        let text = "“Kessler Works” said Anna Brel.";
        for s in entity_spans(text) {
            assert!(text.get(s.clone()).is_some_and(|t| !t.is_empty()));
        }
    }
}
