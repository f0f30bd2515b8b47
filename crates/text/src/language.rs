//! The language a text is written in, as an ISO 639-1 code, by the `whatlang` trigram detector
//! (about 70 languages, no models to load).
//!
//! It answers only when the detector is confident: a short or mixed text gets `None`, never a
//! guess. Past a fixed cost the detector's time grows with what it reads (it counts and ranks
//! the text's trigrams), so it reads only the first [`SAMPLE_BYTES`]. `cargo xtask
//! eval-language` chose the size: against the labels of the first 4 KiB on every shared corpus
//! it changes 1 of 4,232 labels and saves a fifth of the time; pieces from spread-out paragraph
//! starts changed more labels for the same cost.

/// How much of the start of a text is enough to tell its language.
pub const SAMPLE_BYTES: usize = 2048;

/// Fewer letters than this and no language is claimed.
const MIN_LETTERS: usize = 20;

/// The ISO 639-1 code of the language of `text` (`"en"`, `"de"`, `"zh"`), or `None` when the
/// text is too short or the detector is unsure.
pub fn language(text: &str) -> Option<&'static str> {
    language_of_sample(prefix(text, SAMPLE_BYTES))
}

/// The language of `sample` as it is, read whole (see [`language`] for the answer's rules).
pub fn language_of_sample(sample: &str) -> Option<&'static str> {
    if sample
        .chars()
        .filter(|c| c.is_alphabetic())
        .take(MIN_LETTERS)
        .count()
        < MIN_LETTERS
    {
        return None;
    }
    let info = whatlang::detect(sample)?;
    if !info.is_reliable() {
        return None;
    }
    iso639_1(info.lang().code())
}

/// The first `max_bytes` of `text`, cut back to a character boundary.
fn prefix(text: &str, max_bytes: usize) -> &str {
    let mut end = text.len().min(max_bytes);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// ISO 639-3 (as `whatlang` names languages) to ISO 639-1.
fn iso639_1(code: &str) -> Option<&'static str> {
    Some(match code {
        "afr" => "af",
        "aka" => "ak",
        "amh" => "am",
        "ara" => "ar",
        "aze" => "az",
        "bel" => "be",
        "ben" => "bn",
        "bul" => "bg",
        "cat" => "ca",
        "ces" => "cs",
        "cmn" => "zh",
        "cym" => "cy",
        "dan" => "da",
        "deu" => "de",
        "ell" => "el",
        "eng" => "en",
        "epo" => "eo",
        "est" => "et",
        "fin" => "fi",
        "fra" => "fr",
        "guj" => "gu",
        "heb" => "he",
        "hin" => "hi",
        "hrv" => "hr",
        "hun" => "hu",
        "hye" => "hy",
        "ind" => "id",
        "ita" => "it",
        "jav" => "jv",
        "jpn" => "ja",
        "kan" => "kn",
        "kat" => "ka",
        "khm" => "km",
        "kor" => "ko",
        "lat" => "la",
        "lav" => "lv",
        "lit" => "lt",
        "mal" => "ml",
        "mar" => "mr",
        "mkd" => "mk",
        "mya" => "my",
        "nep" => "ne",
        "nld" => "nl",
        "nob" => "nb",
        "ori" => "or",
        "pan" => "pa",
        "pes" => "fa",
        "pol" => "pl",
        "por" => "pt",
        "ron" => "ro",
        "rus" => "ru",
        "sin" => "si",
        "slk" => "sk",
        "slv" => "sl",
        "sna" => "sn",
        "spa" => "es",
        "srp" => "sr",
        "swe" => "sv",
        "tam" => "ta",
        "tel" => "te",
        "tgl" => "tl",
        "tha" => "th",
        "tuk" => "tk",
        "tur" => "tr",
        "ukr" => "uk",
        "urd" => "ur",
        "uzb" => "uz",
        "vie" => "vi",
        "yid" => "yi",
        "zul" => "zu",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(input: &str, expected: Option<&str>) {
        assert_eq!(language(input), expected, "language of {input:?}");
    }

    #[test]
    fn table() {
        check(
            "The Senate voted on Tuesday to pass the budget bill, which now goes to the House of \
             Representatives, where its fate is far less certain.",
            Some("en"),
        );
        check(
            "Der Bundestag hat am Dienstag den Haushalt beschlossen, der nun an den Bundesrat \
             geht, wo seine Zukunft weit weniger sicher ist.",
            Some("de"),
        );
        check(
            "Le Sénat a adopté mardi le projet de loi de finances, qui part maintenant à \
             l'Assemblée nationale, où son sort est bien moins certain.",
            Some("fr"),
        );
        check(
            "El Senado aprobó el martes el proyecto de presupuesto, que ahora pasa a la Cámara \
             de Diputados, donde su destino es mucho menos seguro.",
            Some("es"),
        );
        check(
            "Сенат во вторник одобрил законопроект о бюджете, который теперь поступит в палату \
             представителей. Там его судьба гораздо менее определённа, заявили источники.",
            Some("ru"),
        );
        check(
            "Сенат у вівторок схвалив законопроект про бюджет, який тепер надійде до палати \
             представників. Там його доля набагато менш визначена, заявили джерела в уряді.",
            Some("uk"),
        );
        // Too short to be sure: no guess.
        check("Il a dit non.", None);
        check("Parliament approved the plan", None);
        check("", None);
        check("OK", None);
        check("12345 67890 !!! ???", None);
    }

    #[test]
    fn every_code_is_two_letters() {
        for code in ["eng", "cmn", "pes", "nob", "zul", "xyz"] {
            if let Some(c) = iso639_1(code) {
                assert_eq!(c.len(), 2);
            }
        }
        assert_eq!(iso639_1("xyz"), None);
    }

    #[test]
    fn a_long_text_costs_its_first_bytes_only() {
        let german = "Der Ausschuss hat am Dienstag beschlossen, seinen Bericht im nächsten Monat \
                      zu veröffentlichen, nach einer langen Debatte über die Kosten.";
        let mut text = german.repeat(SAMPLE_BYTES / german.len() + 1);
        let tail = " The committee met on Tuesday and agreed to publish its findings next month.";
        text.push_str(&tail.repeat(1000));
        assert_eq!(language(&text), Some("de"));
        assert_eq!(prefix("añb", 2), "a");
    }

    proptest! {
        #[test]
        fn never_panics(s in any::<String>()) {
            let _ = language(&s);
        }
    }
}
