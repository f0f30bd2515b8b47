//! What kind of attribution a quote is: speech, writing, thought or stance, evidence, or
//! intention. Only speech and writing are quotes to a reader ("said", "wrote", "according to");
//! the rest stay available to those who ask (PolNeAR counts them all as attributions).
//!
//! The class comes from the cue's verb as WordNet knows it (`data/verb-senses.tsv`), and from
//! the content's shape: reported speech needs reported content, a clause, so a verb that is
//! speech only in some senses ("added", "responded") counts only with one, and a noun phrase
//! after a verb of judgement ("praised the plan") is stance, not speech.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Serialize;

use super::{Quote, QuoteKind};

/// The class of an attribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Class {
    /// Said, told, announced, according to.
    Speech,
    /// Wrote, tweeted, posted, in a statement.
    Writing,
    /// Believes, thinks, fears, hopes; a judgement of something ("praised the plan").
    Thought,
    /// A poll shows, the report found.
    Evidence,
    /// Plans to, pledged to.
    Intention,
}

impl Class {
    /// Speech and writing: what front ends show as quotes.
    pub fn is_quote(self) -> bool {
        matches!(self, Class::Speech | Class::Writing)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Class::Speech => "speech",
            Class::Writing => "writing",
            Class::Thought => "thought",
            Class::Evidence => "evidence",
            Class::Intention => "intention",
        }
    }
}

/// One verb form's senses: whether its most frequent sense is communication, cognition or
/// emotion, and the rank of its first communication sense (0: none).
#[derive(Debug, Clone, Copy)]
struct Senses {
    lemma: &'static str,
    first: &'static str,
    communication: u8,
}

struct Tables {
    verbs: HashMap<&'static str, Senses>,
    writing: Vec<&'static str>,
    document: Vec<&'static str>,
    modifier: Vec<&'static str>,
    say: Vec<&'static str>,
    preposition: Vec<&'static str>,
    clause: Vec<&'static str>,
    subject: Vec<&'static str>,
    determiner: Vec<&'static str>,
    object: Vec<&'static str>,
    complementiser: Vec<&'static str>,
    denial: Vec<&'static str>,
    question: Vec<&'static str>,
    evidence: Vec<&'static str>,
    owned: Vec<&'static str>,
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let verbs = include_str!("../../data/verb-senses.tsv")
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| {
                let mut f = l.split('\t');
                let form = f.next()?;
                let lemma = f.next()?;
                let first = f.next()?;
                let communication = f.next()?.parse().ok()?;
                Some((
                    form,
                    Senses {
                        lemma,
                        first,
                        communication,
                    },
                ))
            })
            .collect();
        let mut sections: HashMap<&str, Vec<&'static str>> = HashMap::new();
        let mut current = "";
        for line in include_str!("../../data/cue-classes.txt").lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                current = name;
            } else {
                sections.entry(current).or_default().push(line);
            }
        }
        let mut take = |k: &str| sections.remove(k).unwrap_or_default();
        Tables {
            verbs,
            writing: take("writing"),
            document: take("document"),
            modifier: take("modifier"),
            say: take("say"),
            preposition: take("preposition"),
            clause: take("clause"),
            subject: take("subject"),
            determiner: take("determiner"),
            object: take("object"),
            complementiser: take("complementiser"),
            denial: take("denial"),
            question: take("question"),
            evidence: take("evidence"),
            owned: take("owned"),
        }
    })
}

/// Whether `lower` names a written piece that someone issued ("statement", "website"): a
/// source phrase headed by one speaks for its owner. Records and polls ("Harbour records show")
/// are evidence of their own.
pub(super) fn is_document(lower: &str) -> bool {
    tables().owned.contains(&lower)
}

fn words(s: &str) -> impl Iterator<Item = String> + '_ {
    s.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’' || c == '-'))
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase().replace('’', "'"))
}

/// Whether reported content, as its lower-case words `ws`, reads as a clause: it opens with a
/// complementiser, a wh-word or a subject pronoun, carries quoted words or an auxiliary, or has a
/// finite verb form (a verb in -s, -ed or an irregular past, as WordNet lists them) that does
/// not follow a determiner or a preposition.
fn is_clause(content: &str, ws: &[String]) -> bool {
    let t = tables();
    if content.contains(['"', '“', '”']) {
        return true;
    }
    let has = |list: &[&str], w: &str| list.contains(&w);
    let opens = ws
        .first()
        .is_some_and(|w| has(&t.clause, w) || has(&t.subject, w));
    opens
        || ws.iter().enumerate().skip(1).any(|(i, w)| {
            let after_det = has(&t.determiner, &ws[i - 1]) || ws[i - 1].ends_with("'s");
            has(&t.clause, w)
                || (!after_det
                    && t.verbs
                        .get(w.as_str())
                        .is_some_and(|v| v.lemma != w.as_str())
                    && !w.ends_with("ing"))
        })
}

/// Whether reported content, as its lower-case words `ws`, opens as an object rather than a
/// clause: an indefinite article, a number or a gerund (`added a goal and an assist`, `added 0.1
/// per cent`, `posted a video`, `recommended putting`), with no complementiser after it.
fn opens_object(ws: &[String]) -> bool {
    let t = tables();
    let Some(first) = ws.first() else {
        return false;
    };
    let gerund = first.ends_with("ing")
        && t.verbs
            .get(first.as_str())
            .is_some_and(|v| v.lemma != first.as_str());
    let object = t.object.contains(&first.as_str())
        || first.starts_with(|c: char| c.is_ascii_digit())
        || gerund;
    object && !ws.iter().any(|w| t.complementiser.contains(&w.as_str()))
}

/// Whether the source of `q` may be a person: a name, a pronoun for one, or a phrase headed by
/// a role word ("the minister"). "Official data", "the spot" and "it" are not.
fn by_person(text: &str, q: &Quote) -> bool {
    let Some(s) = &q.speaker else {
        return false;
    };
    if s.name.is_some() {
        return true;
    }
    let ws: Vec<String> = text
        .get(s.span.clone())
        .map(|p| words(p).collect())
        .unwrap_or_default();
    let head = ws.last().map(|w| w.trim_end_matches("'s").to_owned());
    head.is_some_and(|h| {
        matches!(h.as_str(), "he" | "she" | "they" | "i" | "we" | "you")
            || super::speakers::is_role(&h)
    })
}

/// Whether the source of `q` is the writer: a bare "I" or "we" (not a resolved speaker).
fn by_writer(text: &str, q: &Quote) -> bool {
    q.speaker.as_ref().is_some_and(|s| {
        s.name.is_none()
            && text
                .get(s.span.clone())
                .is_some_and(|w| matches!(w.to_lowercase().as_str(), "i" | "we"))
    })
}

/// Whether the cue of `q` is denied right before it and its content is a question: "wouldn't
/// say what he'll do", "declined to say whether", "did not explain how".
fn refused(text: &str, q: &Quote, content: &[String]) -> bool {
    let t = tables();
    let Some(cue) = &q.cue else {
        return false;
    };
    let before: Vec<String> = text
        .get(cue.span.start.saturating_sub(40)..cue.span.start)
        .map(|b| words(b).collect())
        .unwrap_or_default();
    let denied = before
        .iter()
        .rev()
        .take(3)
        .any(|w| t.denial.contains(&w.as_str()) || w.ends_with("n't"));
    let question = content
        .first()
        .is_some_and(|w| t.question.contains(&w.as_str()));
    denied && question
}

/// The class of `q`, a quote of `text`.
pub fn classify(text: &str, q: &Quote) -> Class {
    let t = tables();
    let cue = q
        .cue
        .as_ref()
        .map(|c| c.text.to_lowercase())
        .unwrap_or_default();
    let cue_words: Vec<String> = words(&cue).collect();
    let content = &q.text;
    let content_words: Vec<String> = words(content).collect();
    if cue_words.iter().any(|w| t.writing.contains(&w.as_str())) {
        // "posted a video", "writes about style": writing needs written content, as speech does.
        return if q.kind != QuoteKind::Indirect
            || (is_clause(content, &content_words) && !opens_object(&content_words))
        {
            Class::Writing
        } else {
            Class::Thought
        };
    }
    if cue.starts_with("according") {
        return Class::Speech;
    }
    // A source that is a document gives evidence: "a poll shows", "the report found".
    // The head of the source phrase is its last word before a modifier: "people familiar with
    // the report" is people, "a poll by the council" is a poll. A source before its cue is read
    // from the start of its clause, where the mention may be only the modifier's noun.
    let source_head = q
        .speaker
        .as_ref()
        .filter(|s| s.name.is_none())
        .and_then(|s| {
            let cue = q.cue.as_ref()?;
            let phrase = if s.span.end <= cue.span.start {
                let before = text.get(..cue.span.start)?;
                let start = before.rfind(['.', '\n', ';', ':']).map_or(0, |i| i + 1);
                before.get(start.min(s.span.start)..)?
            } else {
                text.get(s.span.clone())?
            };
            words(phrase)
                .take_while(|w| !t.modifier.contains(&w.as_str()))
                .last()
        });
    if source_head.is_some_and(|w| t.document.contains(&w.as_str())) {
        return Class::Evidence;
    }
    // "official data showed", "the figures indicate": a verb of showing whose source is no
    // person (no name, no pronoun for one, not headed by a role) gives evidence.
    let shows = cue_words.iter().any(|w| t.evidence.contains(&w.as_str()));
    if shows && q.kind == QuoteKind::Indirect && !by_person(text, q) {
        return Class::Evidence;
    }
    // Reported words of the writer ("we can't predict the future", "I asked a barber") are
    // narration, and a refusal to say ("wouldn't say what he'll do") states nothing.
    if q.kind == QuoteKind::Indirect && (by_writer(text, q) || refused(text, q, &content_words)) {
        return Class::Thought;
    }
    // The verb of the cue: its first word WordNet knows ("did not deny" → "deny").
    let senses = cue_words.iter().find_map(|w| t.verbs.get(w.as_str()));
    if q.kind == QuoteKind::Direct {
        // Quoted words in full are someone's words, whatever the verb.
        return Class::Speech;
    }
    let Some(senses) = senses else {
        return if q.kind == QuoteKind::Partial || cue.is_empty() {
            Class::Speech
        } else {
            Class::Thought
        };
    };
    let between = q
        .cue
        .as_ref()
        .and_then(|c| text.get(c.span.end..q.span.start.max(c.span.end)))
        .unwrap_or("");
    let first = content_words.first().map(String::as_str);
    // "pledged to work", "plans to": an infinitive right after the verb is what was intended;
    // with an object between ("urged voters to") it is what was said to them.
    if first == Some("to") && words(between).next().is_none() {
        return Class::Intention;
    }
    // Content that opens with a preposition is what the verb is about, not what was said:
    // "warned about slowing sales", "speak volumes to".
    if first.is_some_and(|w| t.preposition.contains(&w)) {
        return Class::Thought;
    }
    // "asked people not to drive", "called the minister to resign": a short object, then what
    // was said to them.
    // The word after "to" is a verb ("urged all Canadians considering travel to China to
    // consult"; "asked China's envoy to Canada for clemency" asks for something, says nothing).
    let told_to =
        senses.first == "communication"
            && content_words.windows(2).take(8).skip(1).any(|p| {
                p[0] == "to" && t.verbs.get(p[1].as_str()).is_some_and(|v| v.lemma == p[1])
            });
    // After a verb whose every use reports speech ("said", "told"), the content is what was
    // said, whatever its shape; "added", "responded" and the rest need a clause.
    let saying = t.say.contains(&senses.lemma);
    let clause = q.kind == QuoteKind::Partial
        || saying
        || told_to
        || (is_clause(content, &content_words) && !opens_object(&content_words));
    match senses.first {
        "communication" if clause => Class::Speech,
        _ if senses.communication > 0 && senses.communication <= 3 && clause => Class::Speech,
        _ => Class::Thought,
    }
}

#[cfg(test)]
mod tests {
    use super::super::quotes;
    use super::*;

    /// The class of each quote of `text`, with its content.
    fn check(text: &str, expected: &[(&str, Class)]) {
        let got: Vec<(String, Class)> = quotes(text)
            .iter()
            .map(|q| (q.full_text(), q.class))
            .collect();
        let want: Vec<(String, Class)> =
            expected.iter().map(|(t, c)| (t.to_string(), *c)).collect();
        assert_eq!(got, want, "{text}");
    }

    #[test]
    fn speech_writing_thought_evidence_intention() {
        check(
            "Mayor Ana Vik said the bridge would reopen in May.",
            &[("the bridge would reopen in May", Class::Speech)],
        );
        check(
            "Mayor Ana Vik wrote that the bridge would reopen in May.",
            &[("that the bridge would reopen in May", Class::Writing)],
        );
        check(
            "Mayor Ana Vik believes the bridge will reopen in May.",
            &[("the bridge will reopen in May", Class::Thought)],
        );
        check(
            "A poll by the council shows that most residents want the bridge back.",
            &[("that most residents want the bridge back", Class::Evidence)],
        );
        check(
            "Mayor Ana Vik pledged to reopen the bridge in May.",
            &[("to reopen the bridge in May", Class::Intention)],
        );
    }

    #[test]
    fn an_object_after_a_verb_of_several_senses_is_no_speech() {
        check(
            "Dana Brel added a goal and an assist as Kessel won.",
            &[("a goal and an assist as Kessel won", Class::Thought)],
        );
        check(
            "The index added 0.1 per cent to 11,193 and the bond market rose.",
            &[(
                "0.1 per cent to 11,193 and the bond market rose",
                Class::Thought,
            )],
        );
        check(
            "Dana Brel added that a second goal was disallowed.",
            &[("that a second goal was disallowed", Class::Speech)],
        );
        check(
            "Mayor Ana Vik posted a video of the flood.",
            &[("a video of the flood", Class::Thought)],
        );
    }

    #[test]
    fn the_writer_and_a_refusal_to_say_are_no_speech() {
        check(
            "We can't predict the future, but the team looks strong.",
            &[("the future, but the team looks strong", Class::Thought)],
        );
        check(
            "Dana Brel wouldn't say what she will do if she loses.",
            &[("what she will do if she loses", Class::Thought)],
        );
        check(
            "Dana Brel said what she will do if she loses.",
            &[("what she will do if she loses", Class::Speech)],
        );
    }

    #[test]
    fn showing_without_a_person_is_evidence() {
        check(
            "Sentiment fell after official data showed the economy grew only 0.2 per cent.",
            &[("the economy grew only 0.2 per cent", Class::Evidence)],
        );
        check(
            "The minister showed that the economy grew.",
            &[("that the economy grew", Class::Speech)],
        );
    }

    #[test]
    fn an_object_pronoun_is_no_content() {
        check(
            "Critics railed against him for the vote.",
            &[("him for the vote", Class::Thought)],
        );
    }

    #[test]
    fn a_verb_of_judgement_with_a_noun_phrase_is_stance() {
        check(
            "Mayor Ana Vik praised the council's support for the bridge.",
            &[("the council's support for the bridge", Class::Thought)],
        );
    }
}
