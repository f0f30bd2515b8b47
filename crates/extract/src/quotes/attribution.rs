//! The attribution rules: find cues, the source phrase next to each cue and the content it
//! governs, sentence by sentence, then attach quotations that have no cue of their own to the
//! speaker of the quote before them.
//!
//! Patterns, with `S` the source, `C` the cue and `Q` the content:
//! `S C [that] Q.` · `Q, S C.` · `Q, C S.` · `According to S, Q.` · `Q, according to S.` ·
//! `S, who ..., C Q.` · `S C: "Q"` · `S called X "Q"` (partial) · `S's claim that Q` (a noun
//! cue) · `Q was endorsed by S` (passive) · `"Q" ― S` (signature) · a quote paragraph after a
//! quote (continuation). A quotation split around its attribution (`"A," S C, "B."`, or a quote
//! resumed in the same paragraph after the sentence that attributes it) is one quote in parts.
//! Cue words were counted on PolNeAR train: the verbs of `SAY` and `BROAD`
//! in every form, a bare form only after a modal or pronoun ("would support").

use super::learned::{self, AttributionModel};
use super::marks::{self, Region};
use super::speakers::{
    People, WordMap, is_honorific, is_not_person, is_role, role_key, strip_possessive, word_set,
};
use super::tokens::{Tok, is_closing_mark, is_opening_mark, sentences, tokenize};
use super::{Cue, Gender, Part, PersonMention, Quote, QuoteKind, Speaker};
use std::sync::OnceLock;
use text::Span;

/// Verbs that introduce what someone said, wrote or thinks.
const SAY: &[&str] = &[
    "said",
    "says",
    "say",
    "saying",
    "told",
    "tells",
    "tell",
    "added",
    "adds",
    "warned",
    "warns",
    "tweeted",
    "tweets",
    "wrote",
    "writes",
    "argued",
    "argues",
    "claimed",
    "claims",
    "explained",
    "explains",
    "noted",
    "notes",
    "stated",
    "states",
    "declared",
    "declares",
    "insisted",
    "insists",
    "asked",
    "asks",
    "announced",
    "announces",
    "acknowledged",
    "acknowledges",
    "admitted",
    "admits",
    "suggested",
    "suggests",
    "reported",
    "reports",
    "recalled",
    "recalls",
    "replied",
    "responded",
    "stressed",
    "urged",
    "predicted",
    "predicts",
    "promised",
    "promises",
    "vowed",
    "vows",
    "complained",
    "conceded",
    "countered",
    "contended",
    "maintained",
    "maintains",
    "observed",
    "posted",
    "remarked",
    "repeated",
    "joked",
    "boasted",
    "believes",
    "believed",
    "believe",
    "thinks",
    "thought",
    "think",
    "estimated",
    "estimates",
    "alleged",
    "alleges",
    "confirmed",
    "confirms",
    "denied",
    "denies",
    "cautioned",
    "emphasized",
    "emphasised",
    "quipped",
    "shouted",
    "wondered",
    "disclosed",
    "revealed",
    "testified",
    "assured",
    "informed",
    "blasted",
    "slammed",
    "charged",
    "continued",
    "agreed",
    "agrees",
    "concluded",
    "contends",
    "argue",
    "claim",
    "insist",
    "warn",
    "predict",
    "fear",
    "fears",
    "feared",
    "hopes",
    "hoped",
    "expects",
    "expected",
    "knows",
    "knew",
    "learned",
    "found",
    "showed",
    "shows",
    "indicated",
    "indicates",
    "accused",
    "pointed",
    "mused",
    "conceded",
    "worried",
    "worries",
    "hinted",
    "signaled",
    "signalled",
    "decided",
    "explained",
    "reiterated",
    "reaffirmed",
    "proclaimed",
    "retorted",
    "demanded",
    "pledged",
    "questioned",
    "opined",
];

/// Verbs of communication and attitude whose object is what the source said, wanted or judged
/// ("urged voters to", "criticized the plan"): stems, matched with -s, -es, -ed and -d endings.
const BROAD: &[&str] = &[
    "urge",
    "criticize",
    "criticise",
    "praise",
    "describe",
    "cite",
    "denounce",
    "defend",
    "propose",
    "accuse",
    "blame",
    "reject",
    "endorse",
    "oppose",
    "question",
    "mock",
    "attack",
    "tout",
    "highlight",
    "mention",
    "request",
    "invite",
    "encourage",
    "discuss",
    "address",
    "dismiss",
    "condemn",
    "imply",
    "recommend",
    "apologize",
    "project",
    "plan",
    "intend",
    "pledge",
    "threaten",
    "refuse",
    "decline",
    "object",
    "unveil",
    "outline",
    "detail",
    "advocate",
    "support",
    "back",
    "embrace",
    "express",
    "voice",
    "echo",
    "lament",
    "bemoan",
    "decry",
    "lambaste",
    "rip",
    "hammer",
    "knock",
    "chide",
    "scold",
    "rebuke",
    "advise",
    "speculate",
    "guess",
    "disagree",
    "confess",
    "assert",
    "affirm",
    "reason",
    "comment",
    "answer",
    "brag",
    "grumble",
    "protest",
    "press",
    "challenge",
    "plead",
    "beg",
    "inquire",
    "clarify",
    "elaborate",
    "recount",
    "remember",
    "characterize",
    "portray",
    "frame",
    "want",
    "wish",
    "hope",
    "call",
    "tweet",
    "claim",
    "note",
    "warn",
    "insist",
    "suggest",
    "explain",
    "argue",
    "announce",
    "acknowledge",
    "admit",
    "recall",
    "reply",
    "respond",
    "stress",
    "predict",
    "promise",
    "vow",
    "complain",
    "concede",
    "counter",
    "contend",
    "maintain",
    "observe",
    "remark",
    "repeat",
    "joke",
    "boast",
    "believe",
    "estimate",
    "allege",
    "confirm",
    "deny",
    "caution",
    "emphasize",
    "emphasise",
    "quip",
    "shout",
    "wonder",
    "disclose",
    "reveal",
    "testify",
    "assure",
    "inform",
    "blast",
    "slam",
    "charge",
    "agree",
    "conclude",
    "fear",
    "expect",
    "show",
    "indicate",
    "hint",
    "signal",
    "reiterate",
    "demand",
    "retort",
    "ask",
    "insist",
    "promote",
    "tell",
    "urge",
    "welcome",
    "applaud",
    "celebrate",
    "thank",
    "lash",
    "target",
    "question",
    "doubt",
    "worry",
    "insinuate",
    "acknowledge",
    "dispute",
    "contest",
    "push",
    "seek",
    "offer",
    "say",
    "think",
    "add",
    "state",
    "declare",
    "post",
    "talk",
    "speak",
    "sing",
    "rule",
    "know",
    "understand",
    "feel",
    "need",
    "prefer",
    "like",
    "love",
    "admire",
    "resent",
    "view",
    "judge",
    "liken",
    "compare",
    "link",
    "implore",
    "exhort",
    "laud",
    "pitch",
    "pooh-pooh",
    "overrule",
    "recognize",
    "realize",
    "imagine",
    "suspect",
    "sense",
    "hear",
    "see",
    "envision",
    "forecast",
    "publish",
    "retweet",
    "reference",
    "invoke",
    "underscore",
    "reflect",
    "veto",
    "vote",
    "debate",
    "dedicate",
    "convince",
    "persuade",
    "yell",
    "rate",
    "seem",
];

const IRREGULAR: &[&str] = &[
    "sang",
    "understood",
    "saw",
    "heard",
    "known",
    "seen",
    "written",
    "spoken",
    "forecast",
    "sought",
    "felt",
    "spoke",
    "knew",
    "thought",
    "wrote",
    "told",
    "said",
    "found",
    "meant",
    "taught",
];

/// Verb forms that lie inside a gold cue in at least half of their occurrences in PolNeAR
/// train (three or more times) and that the lists above miss: the output of `cargo xtask
/// cue-words --min 3 --share 0.5`, keeping verbs only (adverbs such as "repeatedly" and nouns
/// are left out).
const LEARNED: &[&str] = &[
    "appears",
    "appeared",
    "ordered",
    "finds",
    "deemed",
    "listed",
    "nominated",
    "sounded",
    "titled",
    "emailed",
    "reads",
    "chanted",
    "chants",
    "quoted",
    "assailed",
    "championed",
    "balked",
    "considers",
    "derided",
    "distanced",
    "interjected",
    "regarded",
    "acquiesced",
    "articulated",
    "congratulated",
    "credited",
    "documented",
    "hailed",
    "rebuffed",
    "refers",
    "sparred",
    "bragged",
    "coined",
    "contradicted",
    "downplayed",
    "insulted",
    "resisted",
    "uttered",
    "vouched",
];

/// The -ing forms of the same count, cues after a comma or a form of "be".
const LEARNED_ING: &[&str] = &[
    "slamming",
    "reminding",
    "quoting",
    "crediting",
    "congratulating",
    "trumpeting",
    "alluding",
];

const SAY_FLAG: u8 = 1;
const BROAD_FLAG: u8 = 2;
const ING_FLAG: u8 = 4;
/// The bare verb ("support", "want"): a cue only after a modal, a negation or a pronoun
/// subject, since most bare forms double as nouns ("his support").
const BASE_FLAG: u8 = 8;
/// The head of a stance phrase ([`STANCE`]), looked up before the pairs are scanned.
const STANCE_FLAG: u8 = 16;

/// Every cue word form with what it can do, built once: a lookup per token instead of a scan
/// of the lists.
fn lexicon() -> &'static WordMap<u8> {
    static LEXICON: OnceLock<WordMap<u8>> = OnceLock::new();
    LEXICON.get_or_init(|| {
        let mut m = WordMap::<u8>::default();
        let mut add = |w: String, f: u8| *m.entry(w).or_default() |= f;
        for w in SAY {
            add((*w).to_owned(), SAY_FLAG);
        }
        for w in IRREGULAR {
            add((*w).to_owned(), BROAD_FLAG);
        }
        for stem in BROAD {
            for end in ["s", "es", "d"] {
                add(format!("{stem}{end}"), BROAD_FLAG);
            }
            if !stem.ends_with('e') {
                add(format!("{stem}ed"), BROAD_FLAG);
            }
            if let Some(base) = stem.strip_suffix('y') {
                add(format!("{base}ied"), BROAD_FLAG);
                add(format!("{base}ies"), BROAD_FLAG);
            }
            add((*stem).to_owned(), BASE_FLAG);
            add(format!("{stem}ing"), ING_FLAG);
            if let Some(base) = stem.strip_suffix('e') {
                add(format!("{base}ing"), ING_FLAG);
            }
        }
        for w in PARTICIPLES {
            add((*w).to_owned(), ING_FLAG);
        }
        for w in LEARNED {
            add((*w).to_owned(), BROAD_FLAG);
        }
        for w in LEARNED_ING {
            add((*w).to_owned(), ING_FLAG);
        }
        for (w, _) in STANCE {
            add((*w).to_owned(), STANCE_FLAG);
        }
        m
    })
}

pub(super) fn flags(w: &str) -> u8 {
    lexicon().get(w).copied().unwrap_or(0)
}

pub(super) fn is_cue_word(w: &str) -> bool {
    flags(w) != 0
        || is_nominal(w)
        || PARTIAL_CUES.contains(&w)
        || TELL.contains(&w)
        || w == "according"
}

pub(super) fn is_say(w: &str) -> bool {
    flags(w) & SAY_FLAG != 0
}

/// Participles that attribute to the subject of their sentence: `..., saying Q`.
const PARTICIPLES: &[&str] = &[
    "saying",
    "adding",
    "telling",
    "noting",
    "arguing",
    "calling",
    "citing",
    "asking",
    "claiming",
    "suggesting",
    "insisting",
    "explaining",
    "warning",
    "writing",
    "declaring",
    "describing",
    "acknowledging",
    "recalling",
    "referring",
    "urging",
    "accusing",
    "praising",
    "criticizing",
    "questioning",
    "promising",
    "pointing",
    "stressing",
    "predicting",
    "vowing",
    "complaining",
    "denouncing",
    "blaming",
    "announcing",
    "stating",
];

/// Nouns that name a statement or stance: `Varga's claim that Q` (counted on PolNeAR train).
const NOMINAL: &[&str] = &[
    "claim",
    "claims",
    "view",
    "views",
    "statement",
    "assertion",
    "argument",
    "suggestion",
    "belief",
    "insistence",
    "contention",
    "position",
    "warning",
    "promise",
    "pledge",
    "vow",
    "plan",
    "plans",
    "call",
    "calls",
    "hope",
    "fear",
    "fears",
    "concern",
    "concerns",
    "demand",
    "request",
    "decision",
    "proposal",
    "allegation",
    "allegations",
    "accusation",
    "complaint",
    "admission",
    "acknowledgment",
    "prediction",
    "conclusion",
    "assumption",
    "opinion",
    "message",
    "announcement",
    "desire",
    "refusal",
    "effort",
    "efforts",
];

/// Stance words and the preposition that brings in what the stance is about: "a staunch
/// opponent of Q", "has been critical of Q", "railed against Q", "questions about Q". Counted
/// among the cue phrases PolNeAR train annotates and the rules missed (four or more times).
const STANCE: &[(&str, &str)] = &[
    ("critical", "of"),
    ("critic", "of"),
    ("critics", "of"),
    ("criticism", "of"),
    ("critique", "of"),
    ("supporter", "of"),
    ("supporters", "of"),
    ("supportive", "of"),
    ("opponent", "of"),
    ("opponents", "of"),
    ("proponent", "of"),
    ("defender", "of"),
    ("endorsement", "of"),
    ("rejection", "of"),
    ("embrace", "of"),
    ("mention", "of"),
    ("skeptical", "of"),
    ("wary", "of"),
    ("proud", "of"),
    ("questions", "about"),
    ("concerns", "about"),
    ("concerned", "about"),
    ("worried", "about"),
    ("doubts", "about"),
    ("talking", "about"),
    ("talked", "about"),
    ("spoke", "about"),
    ("spoke", "of"),
    ("support", "for"),
    ("advocate", "for"),
    ("case", "for"),
    ("opposition", "to"),
    ("response", "to"),
    ("referred", "to"),
    ("pointed", "to"),
    ("attacks", "on"),
    ("attack", "on"),
    ("focused", "on"),
    ("positions", "on"),
    ("railed", "against"),
    ("voted", "against"),
    ("voted", "for"),
    ("sided", "with"),
];

/// Words between a subject and a stance word: "Graham has been critical of", "who is a staunch
/// opponent of".
const STANCE_FILL: &[&str] = &[
    "is", "was", "are", "were", "has", "have", "had", "been", "be", "remains", "remained",
    "became", "a", "an", "the", "and", "also", "long", "most", "very", "more",
];

/// Verbs that take a listener before the content: "told reporters he would".
const TELL: &[&str] = &["told", "tells", "tell", "assured", "informed", "reminded"];

/// Verbs that introduce quoted words inside the writer's sentence.
const PARTIAL_CUES: &[&str] = &[
    "called",
    "calls",
    "described",
    "describes",
    "dubbed",
    "labeled",
    "labelled",
    "branded",
    "termed",
];

/// Words after a source that describe it (`people familiar with the report`).
const POSTMODIFIERS: &[&[&str]] = &[
    &["familiar", "with"],
    &["close", "to"],
    &["briefed", "on"],
    &["with", "knowledge", "of"],
    &["knowledgeable", "about"],
];

/// Words that may stand between a source and its cue: "Varga has also said".
const BETWEEN: &[&str] = &[
    "should",
    "can",
    "must",
    "cannot",
    "doesn't",
    "didn't",
    "don't",
    "won't",
    "wouldn't",
    "can't",
    "couldn't",
    "doesn’t",
    "didn’t",
    "don’t",
    "won’t",
    "wouldn’t",
    "can’t",
    "couldn’t",
    "strongly",
    // `Nordbank and Valdoria Savings both said`.
    "both",
    "all",
    "each",
    "has",
    "have",
    "had",
    "also",
    "later",
    "previously",
    "then",
    "recently",
    "repeatedly",
    "once",
    "again",
    "reportedly",
    "would",
    "will",
    "could",
    "may",
    "might",
    "did",
    "does",
    "do",
    "is",
    "was",
    "were",
    "are",
    "been",
    "flatly",
    "publicly",
    "privately",
    "quickly",
    "simply",
    "just",
    "first",
    "earlier",
    "further",
    "still",
    "even",
    "often",
    "never",
    "not",
    "already",
    "long",
    "frequently",
    "told",
    "reportedly",
    "allegedly",
    "openly",
    "angrily",
    "bluntly",
    "clearly",
    "correctly",
    "falsely",
    "wrongly",
    "initially",
    "ultimately",
    "finally",
];

word_set!(is_stop, STOP);
word_set!(is_det, DETS);
word_set!(is_nominal, NOMINAL);
word_set!(is_auxiliary, AUXILIARIES);

/// Forms of "be", "have" and "do", and the modals: a word that shows a clause has its verb.
const AUXILIARIES: &[&str] = &[
    "is", "was", "are", "were", "has", "have", "had", "will", "would", "could", "should", "can",
    "may", "might", "must", "did", "does", "do",
];

const PRONOUNS: &[&str] = &["he", "she", "they", "it", "we", "i", "you"];

/// Determiners and possessives that start a source phrase.
const DETS: &[&str] = &[
    "the", "a", "an", "his", "her", "their", "its", "our", "my", "your", "this", "these", "those",
    "another", "some", "many", "several", "both", "other", "most", "two", "three", "one", "four",
    "five", "few", "all", "no", "each", "any", "such",
];

const DAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "yesterday",
    "today",
    "tonight",
    "earlier",
];

/// Words after which the content of `S C ...` begins.
const TIME_WORDS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "yesterday",
    "today",
    "tonight",
    "earlier",
    "later",
    "recently",
    "again",
    "also",
    "previously",
    "then",
    "repeatedly",
    "publicly",
    "privately",
    "flatly",
    "bluntly",
    "simply",
    "late",
    "early",
];

/// Words that end a source phrase going left.
const STOP: &[&str] = &[
    "that", "and", "but", "or", "which", "when", "while", "as", "because", "if", "after", "before",
    "since", "although", "though", "where", "so", "than", "what", "how", "why", "who", "whom",
    "whose", "to", "in", "on", "with", "by", "from", "into", "about", "not", "be", "being", "is",
    "was", "were", "are", "has", "have", "had", "will", "would", "could", "should", "can", "may",
    "might", "must", "do", "does", "did", "said", "says", "told", "there", "here", "now", "only",
    "just", "also", "even", "still", "like", "unlike", "then", "until", "unless", "whether",
    "once", "nor", "for", "at", "of", "up", "out", "over", "against", "during", "without",
    "within", "through", "under", "him", "her", "them", "us", "me", "this", "these", "those", "it",
    "its", "each", "every", "very", "too", "more", "less",
];

#[derive(Clone)]
struct Np {
    start: usize,
    end: usize,
}

/// One attribution found in a sentence.
struct Found {
    content: (usize, usize),
    cue: (usize, usize),
    source: Option<Np>,
    /// The cue introduces quoted words only (`called the plan "..."`).
    partial_only: bool,
    /// Content resumed after the attribution: `Q1, Varga said, Q2.`
    second: Option<(usize, usize)>,
}

struct Ctx<'a> {
    text: &'a str,
    toks: Vec<Tok>,
    regions: Vec<Region>,
    people: People,
    /// The named speakers of the quotes made so far: (mention start, name), in order. A pronoun
    /// after one of them is most often that speaker again, even when the recogniser did not
    /// take the name for a person ("Chief Na'moks said ... \"...,\" he said").
    /// Each with the span of that quote's content.
    named: std::cell::RefCell<Vec<(usize, String, Span)>>,
}

pub(super) fn extract(
    text: &str,
    mentions: &[PersonMention],
    model: Option<&AttributionModel>,
) -> Vec<Quote> {
    let toks = tokenize(text);
    // Teasers (`WATCH: …`, `Story continues below`) are not the article's: nobody in them
    // speaks, and a quote resumed after one goes on from the paragraph before it.
    let (teasers, paras): (Vec<Span>, Vec<Span>) = text::paragraphs(text)
        .into_iter()
        .partition(|p| text::teaser(&text[p.clone()]));
    let in_article = |s: &Span| {
        !teasers
            .iter()
            .any(|p| p.start <= s.start && s.start < p.end)
    };
    let mentions: Vec<PersonMention> = mentions
        .iter()
        .filter(|m| in_article(&m.span))
        .cloned()
        .collect();
    let people = People::build_with(text, &toks, &mentions);
    let cx = Ctx {
        text,
        toks,
        regions: marks::regions(text),
        people,
        named: Default::default(),
    };
    let mut out: Vec<Quote> = Vec::new();
    let mut done = vec![false; cx.regions.len()];
    // Regions taken as a direct quote or part of one.
    let mut direct = vec![false; cx.regions.len()];
    // The speaker of the last direct quote, the paragraph it was in, and the index in `out` of
    // that quote when it was direct (a later quote of the same paragraph is its next part).
    let mut last: Option<(Speaker, usize, Option<usize>)> = None;
    // A speaker announced with a colon and no content yet: `Varga said:`.
    let mut pending: Option<(Speaker, Cue)> = None;
    for (pi, para) in paras.iter().enumerate() {
        let protected: Vec<Span> = cx.regions.iter().map(Region::outer).collect();
        for (a, b) in sentences(&cx.toks, para, &protected, &|w| is_say(w)) {
            // Skip the part of a paragraph that continues a quote already emitted.
            let mut a = a;
            while a < b && cx.region_at(cx.toks[a].span.start).is_some_and(|r| done[r]) {
                a += 1;
            }
            if a >= b {
                continue;
            }
            let found = cx.attributions(a, b);
            let mut used: Vec<Span> = Vec::new();
            // A direct quote's speaker stays the one later quotes continue, even when a clause
            // about them follows: `"Q," said Ruiz, a lawyer who has been challenging X.`
            let mut quoted_here = false;
            // The cue of the previous attribution and the index of its quote: content resumed
            // after the attribution (`Q1, Varga said, Q2`) is the next part of that quote.
            let mut prev: Option<((usize, usize), usize)> = None;
            for f in &found {
                let cue = cx.cue(f.cue);
                let speaker = f.source.as_ref().map(|np| cx.speaker(np));
                let (cs, ce) = f.content;
                if ce <= cs {
                    // `Varga said:` with the quote in the next sentence or paragraph.
                    if let Some(s) = speaker {
                        pending = Some((s, cue));
                    }
                    continue;
                }
                let span = cx.toks[cs].span.start..cx.toks[ce - 1].span.end;
                let whole = cx.whole_region(cs, ce);
                let resumes = prev
                    .filter(|(c, _)| *c == f.cue && !f.partial_only)
                    .map(|(_, qi)| qi);
                let inside: Vec<usize> = cx
                    .regions_in(&span)
                    .filter(|&r| !done[r] && overlaps(&cx.regions[r].content, &span))
                    .collect();
                // The index in `out` of the direct quote this attribution gave, if any.
                let mut direct_at = None;
                if let (Some(r), false) = (whole, f.partial_only) {
                    done[r] = true;
                    direct[r] = true;
                    let content = cx.regions[r].content.clone();
                    used.push(cx.regions[r].outer());
                    let qi = match resumes.filter(|&qi| out[qi].kind == QuoteKind::Direct) {
                        Some(qi) => {
                            cx.add_part(&mut out[qi], content);
                            qi
                        }
                        None => {
                            out.push(cx.quote(
                                content,
                                QuoteKind::Direct,
                                Some(cue.clone()),
                                speaker.clone(),
                            ));
                            out.len() - 1
                        }
                    };
                    direct_at = Some(qi);
                    prev = Some((f.cue, qi));
                    if let Some(s) = &speaker {
                        last = Some((s.clone(), pi, Some(qi)));
                        quoted_here = true;
                    }
                } else {
                    // Reported content stops before a quote already taken as a direct one:
                    // `"A," Tester said, referring to the excuse, "B."` (B goes on with A).
                    let end = cx
                        .regions_in(&span)
                        .find(|&r| direct[r] && cx.regions[r].open.start > span.start)
                        .map_or(span.end, |r| cx.regions[r].open.start);
                    let content = cx.trim(span.start..end);
                    if !f.partial_only && words_in(cx.text, &content) > 0 {
                        match resumes.filter(|&qi| out[qi].kind == QuoteKind::Indirect) {
                            Some(qi) => cx.add_part(&mut out[qi], content),
                            None => {
                                out.push(cx.quote(
                                    content,
                                    QuoteKind::Indirect,
                                    Some(cue.clone()),
                                    speaker.clone(),
                                ));
                                prev = Some((f.cue, out.len() - 1));
                            }
                        }
                    }
                    for r in inside {
                        done[r] = true;
                        out.push(cx.quote(
                            cx.regions[r].content.clone(),
                            QuoteKind::Partial,
                            Some(cue.clone()),
                            speaker.clone(),
                        ));
                    }
                    used.push(span.clone());
                    // `When you say you hate it`: the reader addressed says nothing the quotes
                    // after it go on with.
                    if let Some(s) = &speaker
                        && !quoted_here
                        && !cx.text[s.span.clone()].eq_ignore_ascii_case("you")
                    {
                        last = Some((s.clone(), pi, None));
                    }
                }
                // `"A," she said, "B."`: a quote after the cue in the same sentence.
                // Only punctuation may stand between the source or cue and that quote.
                let tail = f.source.as_ref().map_or(f.cue.1, |np| np.end.max(f.cue.1));
                // `"A," Varga told the council on Monday, "B."`: a listener or time may come between.
                let mut k = tail;
                while k < b.min(tail + 12)
                    && cx.region_at(cx.toks[k].span.start).is_none()
                    && !is_say(cx.word(k))
                {
                    k += 1;
                }
                let glued = k > tail
                    && k < b
                    && matches!(cx.toks[k - 1].first, ',' | ':')
                    && !cx.toks[k - 1].word;
                // A signature (`“Q.” ― Ana Ruiz`) ends its quote: the next quote is the next
                // person's.
                let signed = !cx.toks[f.cue.0].word;
                if signed || (!glued && !(tail..k).all(|x| !cx.toks[x].word)) {
                    k = b;
                }
                let after = cx.toks[k.min(b - 1)].span.start;
                for r in cx.regions_in(&(after..after + 1)) {
                    let reg = &cx.regions[r];
                    if done[r] || reg.open.start != after || k >= b {
                        continue;
                    }
                    if words_in(cx.text, &reg.content) >= 2 && whole.is_some() {
                        done[r] = true;
                        direct[r] = true;
                        // `"A," Trump said, adding, "B."`: B has a cue of its own. A participle
                        // with an object is an aside (`"A," Tester said, referring to the
                        // excuse, "B."`) and B goes on with A.
                        let own = (tail..k)
                            .find(|&x| {
                                cx.toks[x].word
                                    && flags(cx.word(x)) & ING_FLAG != 0
                                    && (x + 1..k).filter(|&y| cx.toks[y].word).count() <= 1
                            })
                            .map(|x| cx.cue((x, x + 1)));
                        match (own, direct_at) {
                            // `"A," she said, "B."`: one quotation in two parts.
                            (None, Some(qi)) => cx.add_part(&mut out[qi], reg.content.clone()),
                            (own, _) => out.push(cx.quote(
                                reg.content.clone(),
                                QuoteKind::Direct,
                                Some(own.unwrap_or_else(|| cue.clone())),
                                speaker.clone(),
                            )),
                        }
                    }
                }
            }
            // Quotes in this sentence that no cue claimed.
            let s_span = cx.toks[a].span.start..cx.toks[b - 1].span.end;
            for r in cx.regions_in(&s_span) {
                let reg = &cx.regions[r];
                if done[r] {
                    continue;
                }
                let outer = reg.outer();
                if !(outer.start < s_span.end && s_span.start < outer.end) {
                    continue;
                }
                if used.iter().any(|u| overlaps(u, &reg.content)) {
                    continue;
                }
                // A quote that runs on into the next paragraph is handled where it ends.
                if outer.end > para.end && reg.close.is_some() {
                    continue;
                }
                let standalone = cx.covers_sentence(&outer, a, b);
                let frame = (!standalone)
                    .then(|| cx.colon_frame(&outer, a, b))
                    .flatten();
                // A frame with no person goes on from the last speaker of the paragraph,
                // as a quote of its own (the frame said something new: `I had to change my
                // answer: "Q"`).
                let from_last = last
                    .as_ref()
                    .filter(|(_, lp, _)| *lp == pi)
                    .map(|(s, ..)| s.clone());
                let orphan = matches!(frame, Some(None)) && from_last.is_none();
                if !(standalone || frame.is_some())
                    || orphan
                    || words_in(text, &reg.content) < 2
                    || cx.is_title(&reg.content)
                {
                    continue;
                }
                done[r] = true;
                direct[r] = true;
                let (speaker, cue) = if let Some(s) = frame {
                    (s.or(from_last), None)
                } else if let Some((s, c)) = pending.take() {
                    (Some(s), Some(c))
                } else if let Some((s, lp, at)) = &last {
                    // A quote resumed in the paragraph of a direct quote by the same speaker:
                    // `"A," said Ruiz, a lawyer. "B."` is one quotation.
                    if let (true, Some(qi)) = (*lp == pi, *at) {
                        cx.add_part(&mut out[qi], reg.content.clone());
                        continue;
                    }
                    if *lp + 1 >= pi {
                        (Some(s.clone()), None)
                    } else {
                        (None, None)
                    }
                } else {
                    (None, None)
                };
                out.push(cx.quote(reg.content.clone(), QuoteKind::Direct, cue, speaker));
                if let Some(s) = &out[out.len() - 1].speaker {
                    last = Some((s.clone(), pi, Some(out.len() - 1)));
                }
            }
        }
        let runs_on = cx.regions_in(para).any(|r| {
            let reg = &cx.regions[r];
            !done[r] && reg.open.start < para.end && reg.outer().end > para.end
        });
        if pending.is_some() && !runs_on && !text[para.clone()].trim_end().ends_with(':') {
            pending = None;
        }
    }
    if let Some(model) = model {
        let doc = learned::Doc::new(cx.text, &cx.toks, &cx.regions);
        let from_rules = out.len();
        cx.add_learned(model, &doc, &mut out);
        let mut k = 0;
        out.retain(|q| {
            k += 1;
            model.keeps(&doc, q, k > from_rules)
        });
    }
    // The learned layer reads every token left; a teaser holds no attribution.
    out.retain(|q| in_article(&q.span));
    // A region taken as the next part of a quote is not a quote of its own as well.
    let parts: Vec<Span> = out
        .iter()
        .flat_map(|q| q.more.iter().map(|p| p.span.clone()))
        .collect();
    if !parts.is_empty() {
        out.retain(|q| !parts.contains(&q.span));
    }
    // Reported speech that is only a short adverbial phrase ("But the next day", "from
    // Washington") is a misread clause, not a statement.
    out.retain(|q| q.kind != QuoteKind::Indirect || !is_adverbial_fragment(&q.text));
    out.sort_by_key(|q| (q.span.start, q.span.end, q.kind));
    out.dedup_by(|a, b| a.span == b.span);
    out
}

/// A role word, with its abbreviation's stop (`sen.`) or as the first part of a hyphenated role
/// (`sergeant-at-arms` is a sergeant).
fn is_role_head(lower: &str) -> bool {
    let w = lower.trim_end_matches('.');
    is_role(w) || w.split_once('-').is_some_and(|(first, _)| is_role(first))
}

/// Four words or fewer opening with a preposition or conjunction.
fn is_adverbial_fragment(content: &str) -> bool {
    let words = text::words(content);
    words.len() <= 4
        && words.first().is_some_and(|w| {
            matches!(
                content[w.clone()].to_lowercase().as_str(),
                "from"
                    | "as"
                    | "in"
                    | "on"
                    | "at"
                    | "but"
                    | "during"
                    | "after"
                    | "before"
                    | "since"
                    | "and"
                    | "or"
            )
        })
}

/// A manner or time adverb between a source and its verb: "Gingrich cynically dismissed".
fn is_adverb(w: &str) -> bool {
    w.len() > 4
        && w.ends_with("ly")
        && !matches!(
            w,
            "only"
                | "early"
                | "family"
                | "rally"
                | "italy"
                | "july"
                | "daily"
                | "weekly"
                | "likely"
                | "holy"
                | "ally"
                | "supply"
                | "reply"
                | "apply"
        )
}

fn overlaps(a: &Span, b: &Span) -> bool {
    a.start < b.end && b.start < a.end
}

fn words_in(text: &str, span: &Span) -> usize {
    text.get(span.clone()).map_or(0, |s| text::words(s).len())
}

impl Ctx<'_> {
    /// Attributions the learned model finds among the tokens no quote in `out` covers.
    fn add_learned(&self, model: &AttributionModel, doc: &learned::Doc, out: &mut Vec<Quote>) {
        let covered = learned::covered_tokens(&self.toks, out);
        for &s in &doc.sentences {
            for g in model.guess(doc, s, &covered) {
                let (cs, ce) = g.content;
                let (kind, span) = match self.whole_region(cs, ce) {
                    Some(r) => (QuoteKind::Direct, self.regions[r].content.clone()),
                    None => (
                        QuoteKind::Indirect,
                        self.trim(self.toks[cs].span.start..self.toks[ce - 1].span.end),
                    ),
                };
                if words_in(self.text, &span) == 0 {
                    continue;
                }
                // The subject right before the cue when the content follows it, as the rules
                // find it (`Varga has no illusions about Q`); else the model's source.
                let subject = (cs >= g.cue.1)
                    .then(|| self.left_np(s.0, g.cue.0))
                    .flatten();
                // A lower-case source right after a relative pronoun is the verb of a clause
                // ("who faces criticism"): unknown, not guessed.
                let speaker = subject
                    .or(g.source.map(|(start, end)| Np { start, end }))
                    .filter(|np| {
                        self.toks[np.start].cap
                            || np.start == 0
                            || !matches!(self.word(np.start - 1), "who" | "which" | "that")
                    })
                    // A phrase that names someone ends with the name: "Varga took" is "Varga".
                    .map(|np| {
                        let named = (np.start..np.end).rev().find(|&j| self.toks[j].cap);
                        let end = named.map_or(np.end, |j| j + 1);
                        self.speaker(&Np {
                            start: np.start,
                            end,
                        })
                    });
                out.push(self.quote(span, kind, Some(self.cue(g.cue)), speaker));
            }
        }
    }

    /// The lower-case word at `i`; "" for punctuation and past either end of the tokens, so a
    /// look-ahead or look-behind never has to check the bounds itself.
    fn word(&self, i: usize) -> &str {
        match self.toks.get(i) {
            Some(t) if t.word => &t.lower,
            _ => "",
        }
    }

    /// Indices of the regions that overlap `span`.
    fn regions_in(&self, span: &Span) -> std::ops::Range<usize> {
        let lo = self
            .regions
            .partition_point(|r| r.outer().end <= span.start);
        let hi = self.regions.partition_point(|r| r.open.start < span.end);
        lo..hi.max(lo)
    }

    /// The region whose marks enclose `offset` (regions are sorted and do not overlap).
    fn region_at(&self, offset: usize) -> Option<usize> {
        let k = self.regions.partition_point(|r| r.open.start <= offset);
        let r = k.checked_sub(1)?;
        (offset < self.regions[r].outer().end).then_some(r)
    }

    /// Token `i` lies inside a quotation, after its opening mark.
    fn in_region(&self, i: usize) -> bool {
        let at = self.toks[i].span.start;
        self.region_at(at)
            .is_some_and(|r| self.regions[r].open.start < at)
    }

    fn quote(
        &self,
        span: Span,
        kind: QuoteKind,
        cue: Option<Cue>,
        speaker: Option<Speaker>,
    ) -> Quote {
        if let Some(sp) = &speaker
            && let Some(name) = &sp.name
        {
            let mut named = self.named.borrow_mut();
            if named.last().is_none_or(|(s, ..)| *s <= sp.span.start) {
                named.push((sp.span.start, name.clone(), span.clone()));
            }
        }
        Quote {
            text: self.text[span.clone()].to_owned(),
            span,
            more: Vec::new(),
            kind,
            cue,
            speaker,
            class: super::Class::Speech,
            headline: false,
        }
    }

    /// Appends `span` to `q` as the next part of the same quotation (once).
    fn add_part(&self, q: &mut Quote, span: Span) {
        if q.parts().any(|(s, _)| *s == span) {
            return;
        }
        q.more.push(Part {
            text: self.text[span.clone()].to_owned(),
            span,
        });
    }

    fn cue(&self, (s, e): (usize, usize)) -> Cue {
        let span = self.toks[s].span.start..self.toks[e - 1].span.end;
        Cue {
            text: self.text[span.clone()].to_owned(),
            span,
        }
    }

    /// Reported content `span` without trailing sentence punctuation or leading commas, and
    /// without a wire dateline it opens with (`KESSEL, Jan 12 (NWS) - The dam ..., officials
    /// said`).
    fn trim(&self, span: Span) -> Span {
        let s = &self.text[span.clone()];
        let t = s.trim_end_matches(['.', ',', ';', ':', ' ']);
        let mut lead = t.len() - t.trim_start_matches([',', ':', ' ']).len();
        if let Some(d) = text::dateline(&t[lead..]) {
            let rest = d.rest(&t[lead..]);
            if rest.split_whitespace().count() >= 2 {
                lead = t.len() - rest.len();
            }
        }
        if lead >= t.len() {
            return span;
        }
        span.start + lead..span.start + t.len()
    }

    /// The region that makes up the whole of tokens `cs..ce` (ignoring punctuation around it).
    fn whole_region(&self, cs: usize, ce: usize) -> Option<usize> {
        // Punctuation outside any quotation (and doubled marks like `''`) is not content.
        let mut s = cs;
        while s < ce && !self.toks[s].word && self.region_at(self.toks[s].span.start).is_none() {
            s += 1;
        }
        let mut e = ce;
        while e > s
            && !self.toks[e - 1].word
            && self.region_at(self.toks[e - 1].span.start).is_none()
        {
            e -= 1;
        }
        if s >= e {
            return None;
        }
        let start = self.toks[s].span.start;
        let end = self.toks[e - 1].span.end;
        let r = self.region_at(start)?;
        let outer = self.regions[r].outer();
        // The quote may start before this sentence when it runs over several paragraphs.
        let covers = (outer.start == start || start > outer.start) && outer.end + 1 >= end;
        covers.then_some(r)
    }

    /// The quote spans the whole sentence `a..b` except punctuation.
    /// A quote opening the sentence with at least four words in five of the sentence.
    fn covers_sentence(&self, outer: &Span, a: usize, b: usize) -> bool {
        let (mut inside, mut all) = (0, 0);
        for t in self.toks[a..b].iter().filter(|t| t.word) {
            all += 1;
            if outer.start <= t.span.start && t.span.end <= outer.end {
                inside += 1;
            }
        }
        let opens = self.toks[a..b]
            .iter()
            .find(|t| t.word)
            .is_some_and(|t| outer.start <= t.span.start);
        opens && all > 0 && inside * 5 >= all * 4
    }

    /// A quotation that ends sentence `a..b` after a colon no cue claimed (`Musk took to Twitter
    /// with this: "Q"`, `And here was the big reveal: "Q"`): `Some` with the person whose
    /// mention opens the sentence, if one does, as its speaker; else the quote goes on from a
    /// quote before it in the paragraph. `None` when the quotation does not stand so.
    fn colon_frame(&self, outer: &Span, a: usize, b: usize) -> Option<Option<Speaker>> {
        let k = self.toks[a..b]
            .iter()
            .position(|t| t.span.start >= outer.start)?
            + a;
        let after = self.toks[k..b]
            .iter()
            .filter(|t| t.word && t.span.start >= outer.end)
            .count();
        if k == a || !self.toks[k - 1].is_punct(':') || after > 0 || words_in(self.text, outer) < 3
        {
            return None;
        }
        let start = self.toks[a].span.start;
        let person = self
            .people
            .mentions
            .iter()
            .find(|(s, _)| s.start >= start && s.start < outer.start)
            .filter(|(s, _)| self.opens_sentence(s.start))
            .map(|(s, pi)| Speaker {
                span: s.clone(),
                name: Some(self.people.persons[*pi].full.clone()),
                role: None,
            });
        Some(person)
    }

    /// Quoted words in title case (a book, a show, a headline) are not a statement.
    fn is_title(&self, span: &Span) -> bool {
        let lo = self.toks.partition_point(|t| t.span.start < span.start);
        let hi = self.toks.partition_point(|t| t.span.start < span.end);
        let words: Vec<&Tok> = self.toks[lo..hi].iter().filter(|t| t.word).collect();
        let caps = words.iter().filter(|t| t.cap).count();
        words.len() <= 8 && caps * 10 >= words.len() * 7
    }

    /// All attributions of the sentence `a..b`, left to right, never overlapping.
    fn attributions(&self, a: usize, b: usize) -> Vec<Found> {
        let mut out: Vec<Found> = Vec::new();
        // The sentence after a section label starts after its colon.
        let a = self.section_label(a, b).unwrap_or(a);
        // A headline in title case capitalises its verb too: "Lindsey Graham Says Trump Could
        // Address Clean Energy".
        // Counted only when a capitalised cue word asks.
        let headline = || {
            let (words, caps) = self.toks[a..b]
                .iter()
                .filter(|t| t.word)
                .fold((0, 0), |(n, c), t| (n + 1, c + usize::from(t.cap)));
            words >= 4 && caps * 10 >= words * 8
        };
        let mut i = a;
        if let Some(f) = self.colon(a, b) {
            i = f.content.1;
            out.push(f);
        }
        while i < b {
            if let Some(f) = self.dash(a, b, i) {
                i = f.cue.1.max(i + 1);
                out.push(f);
                continue;
            }
            // Cues inside another attribution's content are kept: PolNeAR-style annotation
            // gives the nested attribution its own content.
            let nested = out.iter().any(|f| f.content.0 <= i && i < f.content.1);
            // `S said he posed a threat and refused to R`: after a content clause with its own
            // subject, "and refused" is that subject's, so it stays inside the content.
            let in_clause = nested
                && !is_say(self.word(i))
                && i > a
                && self.word(i - 1) == "and"
                && out.iter().any(|f| {
                    f.content.0 <= i
                        && i < f.content.1
                        && f.content.0 > f.cue.0
                        && is_say(self.word(f.cue.0))
                        && PRONOUNS.contains(&self.word(f.content.0))
                });
            if !self.toks[i].word
                || self.in_region(i)
                || in_clause
                || (nested && !is_say(self.word(i)) && self.coordinated(a, i).is_none())
            {
                i += 1;
                continue;
            }
            let w = self.word(i);
            if nested
                && let Some(k) = self.coordinated(a, i)
                && let Some(f) = out
                    .iter_mut()
                    .rev()
                    .find(|f| f.content.0 <= i && i < f.content.1)
                && f.content.0 < k
            {
                // `S criticized A and praised B`: B is S's as well, and A ends before "and".
                let s = self.content_start(i, i + 1, b);
                let e = self.content_end(s, b);
                if e > s + 1 && f.content.0 > f.cue.0 {
                    let source = f.source.clone();
                    f.content.1 = k;
                    out.push(Found {
                        content: (s, e),
                        cue: (i, i + 1),
                        source,
                        partial_only: false,
                        second: None,
                    });
                    i = e;
                    continue;
                }
            }
            let found = if w == "according" && i + 1 < b && self.word(i + 1) == "to" {
                self.according(a, b, i)
            } else if i + 1 < b
                && self.word(i + 1) == "by"
                && !self.toks[i].cap
                && flags(w) & (BROAD_FLAG | SAY_FLAG) != 0
            {
                // `The nominee has been endorsed by dozens of papers`.
                self.passive(a, b, i)
            } else if i > a && self.toks[i - 1].is_punct(',') && flags(w) & ING_FLAG != 0 {
                // `..., saying Q`: the subject of the sentence said it; right after another
                // attribution (`Q1, Lohmar said, adding that Q2`), its speaker did.
                let shared = self.source_before(&out, i);
                self.participle(a, b, i)
                    .or_else(|| self.say(a, b, i))
                    .map(|mut f| {
                        if f.cue.0 == i && shared.is_some() {
                            f.source = shared;
                        }
                        f
                    })
            } else if i > a
                && !self.toks[i].cap
                && flags(w) & ING_FLAG != 0
                && flags(w) & SAY_FLAG == 0
                && self.toks[i - 1].word
                && !is_stop(self.word(i - 1))
                && !is_det(self.word(i - 1))
                && (self.toks[i - 1].cap
                    || (self.word(i - 1).ends_with('s') && !self.word(i - 1).ends_with("ss")))
            {
                // `pastors supporting Cruz`, `ads attacking Rubio`: the noun before is the
                // source.
                self.broad(a, b, i)
            } else if i > a + 1
                && !self.toks[i].cap
                && self.word(i - 1) == "to"
                && flags(w) & BASE_FLAG != 0
                && flags(self.word(i - 2)) & (SAY_FLAG | BROAD_FLAG | BASE_FLAG | ING_FLAG) == 0
                && !is_stop(self.word(i - 2))
            {
                // `Beck refused to endorse Trump`: the subject of the sentence.
                self.participle(a, b, i)
            } else if i > a + 1
                && !self.toks[i].cap
                && (matches!(self.word(i - 1), "and" | "by" | "while") && flags(w) & ING_FLAG != 0
                    || self.word(i - 1) == "and" && flags(w) & (BROAD_FLAG | SAY_FLAG) != 0)
            {
                // `Putin backpedaled on X and blamed Y`, `began by crediting X`: the subject of
                // the sentence.
                self.broad(a, b, i).or_else(|| self.participle(a, b, i))
            } else if is_say(w) && (!self.toks[i].cap || (i > a && headline())) {
                // `Varga left the hall and said Q`: the subject of the sentence.
                self.say(a, b, i).or_else(|| {
                    // `issued a statement saying Q`: the subject of the sentence, through
                    // what it issued.
                    (i > a
                        && (self.word(i - 1) == "and"
                            || (w == "saying"
                                && self.toks[i - 1].word
                                && !is_stop(self.word(i - 1))
                                && !matches!(self.word(i - 1), "without" | "by" | "am"))))
                    .then(|| self.participle(a, b, i))
                    .flatten()
                })
            } else if PARTIAL_CUES.contains(&w) && !self.toks[i].cap {
                self.broad(a, b, i).or_else(|| self.partial(a, b, i))
            } else if flags(w) & BROAD_FLAG != 0 && (!self.toks[i].cap || (i > a && headline())) {
                self.broad(a, b, i)
            } else if !self.toks[i].cap
                && flags(w) & (BASE_FLAG | ING_FLAG) != 0
                && self.verb_context(a, i, flags(w) & BASE_FLAG != 0)
            {
                // `Trump would support Q`, `they want Q`, `Clinton is promising Q`.
                self.broad(a, b, i)
            } else {
                None
            };
            // A lone lower-case singular noun is rarely a source: "the member states to
            // counter", "electoral votes".
            let found = found.filter(|f| {
                is_say(w)
                    || f.source.as_ref().is_none_or(|np| {
                        let t = &self.toks[np.start];
                        np.end > np.start + 1
                            || !t.word
                            || t.cap
                            || PRONOUNS.contains(&t.lower.as_str())
                            || is_role(&t.lower)
                            || t.lower.ends_with('s')
                            || is_det(self.word(np.start.saturating_sub(1)))
                    })
            });
            // Plural nouns that double as verbs ("five states voting", "the rules") need a
            // source that is a name, a pronoun or a role.
            let found = found.filter(|f| {
                !matches!(
                    w,
                    "states"
                        | "contests"
                        | "rules"
                        | "votes"
                        | "debates"
                        | "attacks"
                        | "needs"
                        | "talks"
                ) || f.source.as_ref().is_some_and(|np| {
                    (np.start..np.end).any(|k| {
                        let t = &self.toks[k];
                        t.word
                            && ((t.cap && !is_det(&t.lower))
                                || PRONOUNS.contains(&t.lower.as_str())
                                || is_role(&t.lower))
                    }) && !self.toks[np.start].first.is_ascii_digit()
                })
            });
            // After a possessive or a preposition an -s form is a noun: "McCallum's comments
            // raised concerns", "the statement came amid questions over how".
            let found = found.filter(|f| {
                let before = f.cue.0.checked_sub(1).map(|k| &self.toks[k]);
                !(w.ends_with('s')
                    && f.cue.0 > a
                    && before.is_some_and(|t| {
                        t.word
                            && (strip_possessive(&t.lower).len() < t.lower.len()
                                || matches!(
                                    t.lower.as_str(),
                                    "amid" | "over" | "after" | "despite" | "with" | "without"
                                ))
                    }))
            });
            match found {
                Some(f) => {
                    i = if f.content.0 > f.cue.0 {
                        f.cue.1
                    } else {
                        f.cue.1.max(f.content.1)
                    }
                    .max(i + 1);
                    let second = f.second.map(|content| Found {
                        content,
                        cue: f.cue,
                        source: f.source.clone(),
                        partial_only: false,
                        second: None,
                    });
                    out.push(f);
                    if let Some(g) = second {
                        i = i.max(g.content.1);
                        out.push(g);
                    }
                }
                None => i += 1,
            }
        }
        // `Varga's claim that Q`: only where no verb cue claimed the words, since the noun
        // phrase is often the content of one ("her plan to build it was wrong, Ruiz said").
        for i in a..b {
            let w = self.word(i);
            let stance = i + 1 < b
                && matches!(
                    self.word(i + 1),
                    "of" | "about" | "for" | "to" | "on" | "against" | "with"
                )
                && flags(w) & STANCE_FLAG != 0
                && STANCE.contains(&(w, self.word(i + 1)));
            if !(is_nominal(w) || stance) || self.toks[i].cap || self.in_region(i) {
                continue;
            }
            let taken = out.iter().any(|f| {
                let lo = f
                    .source
                    .as_ref()
                    .map_or(f.cue.0, |np| np.start.min(f.cue.0));
                let lo = lo.min(f.content.0);
                let hi = f.cue.1.max(f.content.1);
                lo <= i && i < hi
            });
            let found = if stance {
                self.stance(a, b, i)
            } else {
                self.nominal(a, b, i)
            };
            if !taken && let Some(f) = found {
                out.push(f);
            }
        }
        // `In a poll released Monday, Q` and `Asked whether Q, ...`: only where nothing else
        // claimed the words.
        if let Some(f) = self.framed(a, b) {
            let taken = out
                .iter()
                .any(|g| g.content.0 < f.content.1 && f.content.0 < g.content.1);
            if !taken {
                out.push(f);
            }
        }
        if let Some(f) = self.asked(a, b) {
            let taken = out
                .iter()
                .any(|g| g.content.0 < f.content.1 && f.content.0 < g.content.1);
            if !taken {
                out.push(f);
            }
        }
        out.sort_by_key(|f| f.content.0.min(f.cue.0));
        // `X said A, and Y said B`: A ends where the next attribution's clause begins.
        let starts: Vec<usize> = out
            .iter()
            .map(|g| {
                g.source
                    .as_ref()
                    .map_or(g.cue.0, |np| np.start.min(g.cue.0))
            })
            .collect();
        for f in out.iter_mut() {
            let (cs, ce) = f.content;
            for &gs in &starts {
                if gs <= cs || gs >= ce {
                    continue;
                }
                let cut = (cs + 1..gs).rev().find(|&k| {
                    let t = &self.toks[k];
                    (!t.word && matches!(t.first, ',' | ';' | '—'))
                        || (t.word && matches!(t.lower.as_str(), "and" | "but" | "while"))
                });
                if let Some(k) = cut
                    && !self.in_region(k)
                    && k > cs + 1
                {
                    f.content.1 = f.content.1.min(k);
                }
            }
        }
        out
    }

    /// The source of the speech attribution in `out` that ends just before the participle at
    /// `i` (`Q1, Lohmar said, adding Q2`; `Varga told reporters on Monday, saying Q2`): at most
    /// three words between its last token and the comma before `i`.
    fn source_before(&self, out: &[Found], i: usize) -> Option<Np> {
        let f = out.iter().rev().find(|f| f.cue.1 <= i)?;
        if !is_say(self.word(f.cue.0)) {
            return None;
        }
        let np = f.source.as_ref()?;
        let last = f.cue.1.max(np.end).max(f.content.1);
        let words = (last.min(i)..i).filter(|&k| self.toks[k].word).count();
        (last <= i && words <= 3).then(|| np.clone())
    }

    /// `In a new poll by the Courier, Q` · `In her words, Q` · `In an interview, Q`: a
    /// sentence that opens with "In" and a statement, poll or document up to a comma; the
    /// phrase is the source and the rest of the sentence the content.
    fn framed(&self, a: usize, b: usize) -> Option<Found> {
        const FRAMES: &[&str] = &[
            "poll",
            "polls",
            "survey",
            "surveys",
            "statement",
            "interview",
            "letter",
            "words",
            "op-ed",
            "tweet",
            "speech",
            "report",
            "memo",
            "post",
            "filing",
            "ruling",
            "opinion",
            "column",
            "essay",
            "editorial",
            "book",
            "remarks",
            "testimony",
            "video",
            "ad",
        ];
        if !self.toks[a].is("in") || !self.toks[a].cap {
            return None;
        }
        let c = (a + 1..b.min(a + 16)).find(|&k| !self.toks[k].word)?;
        if !self.toks[c].is_punct(',') || c < a + 2 {
            return None;
        }
        let frame = (a + 1..c).any(|k| FRAMES.contains(&self.word(k)));
        // The date is not part of the source: "a poll released on Monday".
        let mut end = c;
        while end > a + 2 && (DAYS.contains(&self.word(end - 1)) || self.word(end - 1) == "on") {
            end -= 1;
        }
        let s = c + 1;
        let e = self.content_end(s, b);
        let words = (s..e).filter(|&k| self.toks[k].word).count();
        (frame && words >= 3).then_some(Found {
            content: (s, e),
            cue: (a, a + 1),
            source: Some(Np { start: a + 1, end }),
            partial_only: false,
            second: None,
        })
    }

    /// `Asked whether he would run, Ruiz said ...` and `When asked about X, ...`: the question
    /// is content of its own, its asker unnamed.
    fn asked(&self, a: usize, b: usize) -> Option<Found> {
        // `Asked whether ...` opens the sentence; `He was asked whether ...` and `a reporter
        // asked which ...` put it later.
        let i = (a..b).find(|&k| self.toks[k].is("asked") && !self.in_region(k))?;
        if i + 2 >= b {
            return None;
        }
        if !matches!(
            self.word(i + 1),
            "whether"
                | "if"
                | "what"
                | "how"
                | "why"
                | "who"
                | "whom"
                | "which"
                | "when"
                | "where"
                | "about"
                | "to"
        ) {
            return None;
        }
        let mut e = i + 1;
        while e < b && (self.toks[e].word || self.in_region(e) || !self.toks[e].is_punct(',')) {
            e += 1;
        }
        // A question that opens the sentence ends at a comma; a later one may run to its end.
        let opening = i <= a + 1;
        if (opening && e >= b) || e < i + 3 {
            return None;
        }
        let s = if self.word(i + 1) == "about" {
            i + 2
        } else {
            i + 1
        };
        let e = if e >= b { self.content_end(s, b) } else { e };
        Some(Found {
            content: (s, e),
            cue: (i, if s == i + 2 { i + 2 } else { i + 1 }),
            source: None,
            partial_only: false,
            second: None,
        })
    }

    /// A second cue joined to the first one's clause, `S criticized A and praised B` or `S
    /// mocked A, claiming B`: the index of the "and" or comma that ends A.
    fn coordinated(&self, a: usize, i: usize) -> Option<usize> {
        let w = self.word(i);
        if self.toks[i].cap || flags(w) & (SAY_FLAG | BROAD_FLAG | ING_FLAG) == 0 {
            return None;
        }
        let mut k = i;
        while k > a && is_adverb(self.word(k - 1)) {
            k -= 1;
        }
        if k > a + 1 && self.word(k - 1) == "and" && flags(w) & (SAY_FLAG | BROAD_FLAG) != 0 {
            return Some(if self.toks[k - 2].is_punct(',') {
                k - 2
            } else {
                k - 1
            });
        }
        (k > a && self.toks[k - 1].is_punct(',') && flags(w) & ING_FLAG != 0).then_some(k - 1)
    }

    /// Whether the word at `i` is used as a finite verb: a bare form after a modal, a negation
    /// or a pronoun subject (`base`), an -ing form after a form of "be".
    fn verb_context(&self, a: usize, i: usize, base: bool) -> bool {
        let mut k = i;
        while k > a
            && (is_adverb(self.word(k - 1))
                || matches!(
                    self.word(k - 1),
                    "also"
                        | "still"
                        | "now"
                        | "never"
                        | "not"
                        | "publicly"
                        | "repeatedly"
                        | "strongly"
                        | "reportedly"
                        | "already"
                        | "openly"
                        | "even"
                        | "once"
                        | "again"
                ))
        {
            k -= 1;
        }
        if k == a {
            return false;
        }
        let prev = self.word(k - 1).replace('’', "'");
        // `polls show that`, `many experts suspect`: a plural noun subject.
        if base
            && self.toks[k - 1].word
            && (!self.toks[k - 1].cap || k - 1 == a || is_det(self.word(k - 2)))
            && prev.len() > 3
            && prev.ends_with('s')
            && !prev.ends_with("ss")
            && !prev.ends_with("'s")
            && !is_stop(&prev)
            && !is_det(&prev)
            && flags(&prev) == 0
            && i + 1 < self.toks.len()
            && self.toks[i + 1].word
        {
            return true;
        }
        if base {
            matches!(
                prev.as_str(),
                "will"
                    | "would"
                    | "could"
                    | "should"
                    | "can"
                    | "may"
                    | "might"
                    | "must"
                    | "do"
                    | "does"
                    | "did"
                    | "don't"
                    | "doesn't"
                    | "didn't"
                    | "won't"
                    | "wouldn't"
                    | "can't"
                    | "cannot"
                    | "couldn't"
                    | "shouldn't"
                    | "i"
                    | "we"
                    | "they"
                    | "you"
            )
        } else {
            matches!(
                prev.as_str(),
                "is" | "are"
                    | "was"
                    | "were"
                    | "been"
                    | "am"
                    | "he's"
                    | "she's"
                    | "they're"
                    | "we're"
                    | "i'm"
            )
        }
    }

    /// `“Q.” ― Elena Varga`: a quote signed with a dash and a name.
    fn dash(&self, a: usize, b: usize, i: usize) -> Option<Found> {
        let t = &self.toks[i];
        if t.word || !matches!(t.first, '―' | '—' | '–' | '-') || i == a {
            return None;
        }
        let close = &self.toks[i - 1];
        let r = self.region_at(close.span.start)?;
        if self.regions[r].close.as_ref()?.end != close.span.end {
            return None;
        }
        let np = self.right_np(i + 1, b)?;
        if !self.toks[np.start].cap {
            return None;
        }
        let content = &self.regions[r].content;
        let cs = self.toks.partition_point(|t| t.span.start < content.start);
        let ce = self.toks.partition_point(|t| t.span.start < content.end);
        (ce > cs && cs >= a).then_some(Found {
            content: (cs, ce),
            cue: (i, i + 1),
            source: Some(np),
            partial_only: false,
            second: None,
        })
    }

    /// `Varga: Bridge Will Reopen` (headlines, interview transcripts): a name, a colon, content.
    fn colon(&self, a: usize, b: usize) -> Option<Found> {
        const NOT_SOURCES: &[&str] = &[
            "update",
            "updated",
            "photo",
            "photos",
            "video",
            "note",
            "editor",
            "read",
            "watch",
            "related",
            "source",
            "sources",
            "credit",
            "exclusive",
            "breaking",
            "live",
            "opinion",
            "analysis",
            "review",
            "q",
            "a",
            "question",
            "answer",
            "warning",
            "correction",
            "listen",
            "see",
            "more",
            "also",
            "why",
            "how",
            "what",
            "when",
            "where",
            "here",
            "this",
            "the",
            "in",
            "on",
            "at",
            "by",
            "from",
            "for",
            "with",
            "but",
            "and",
        ];
        let k = (a + 1..b.min(a + 6)).find(|&k| self.toks[k].is_punct(':'))?;
        let ok = (a..k).all(|x| {
            let t = &self.toks[x];
            (t.word && t.cap) || t.is_punct('.') || (t.word && is_det(t.lower.as_str()) && x > a)
        });
        if !ok || NOT_SOURCES.contains(&self.word(a)) || self.in_region(a) {
            return None;
        }
        if self.section_label(a, b).is_some() {
            return None;
        }
        let s = k + 1;
        let e = self.content_end(s, b);
        let words = (s..e).filter(|&x| self.toks[x].word).count();
        (words >= 2).then_some(Found {
            content: (s, e),
            cue: (k, k + 1),
            source: Some(Np { start: a, end: k }),
            partial_only: false,
            second: None,
        })
    }

    /// The end of a section label in capitals that opens the sentence at `a` (`EARNINGS:`,
    /// `ANALYST'S VIEWPOINT:` in a market roundup): the token after its colon. In capitals only a
    /// person of the article speaks, or a label that opens several paragraphs (`VARGA: We will
    /// rebuild` in a transcript is no section label).
    fn section_label(&self, a: usize, b: usize) -> Option<usize> {
        let k = (a + 1..b.min(a + 6)).find(|&k| self.toks[k].is_punct(':'))?;
        let caps = (a..k).all(|x| {
            let t = &self.text[self.toks[x].span.clone()];
            t.chars().any(char::is_alphabetic) && !t.chars().any(char::is_lowercase)
                || (!self.toks[x].word && x > a)
        });
        if !caps || k + 1 >= b {
            return None;
        }
        // A transcript gives its speakers' labels again and again; a roundup each section once.
        let label = &self.text[self.toks[a].span.start..self.toks[k].span.end];
        let again = self
            .text
            .split("\n\n")
            .filter(|p| p.trim_start().starts_with(label))
            .nth(1)
            .is_some();
        let name = &label[..label.len() - 1];
        let person = again
            || self
                .people
                .resolve_name(name, self.toks[a].span.start)
                .is_some();
        (!person).then_some(k + 1)
    }

    /// `Varga spoke for an hour, saying the bridge would reopen`: the subject of the sentence
    /// is the source.
    fn participle(&self, a: usize, b: usize, i: usize) -> Option<Found> {
        const PREPS: &[&str] = &[
            "in", "on", "at", "for", "with", "from", "to", "by", "of", "after", "before", "during",
            "about", "over", "into",
        ];
        let np = (a..i).find_map(|j| {
            let prev = if j > a { self.word(j - 1) } else { "" };
            let t = &self.toks[j];
            let starts = t.word
                && (t.cap || PRONOUNS.contains(&t.lower.as_str()) || is_det(t.lower.as_str()))
                && !PREPS.contains(&prev)
                && !PREPS.contains(&t.lower.as_str())
                && !self.in_region(j);
            if !starts {
                return None;
            }
            self.right_np(j, i)
        })?;
        let s = self.content_start(i, i + 1, b);
        let e = self.content_end(s, b);
        (e > s + 1).then_some(Found {
            content: (s, e),
            cue: (i, i + 1),
            source: Some(np),
            partial_only: false,
            second: None,
        })
    }

    /// `According to S, Q.` and `Q, according to S.`
    fn according(&self, a: usize, b: usize, i: usize) -> Option<Found> {
        // `according to exit polls, Q`: a lower-case source up to the comma.
        let plain = || {
            let e = (i + 2..b.min(i + 8)).find(|&k| self.toks[k].is_punct(','))?;
            let ok = e > i + 2
                && (i + 2..e)
                    .all(|k| self.toks[k].word && !is_stop(self.word(k)) && !self.in_region(k));
            ok.then_some(Np {
                start: i + 2,
                end: e,
            })
        };
        // `according to early results of exit polls conducted for the networks, Q`: a long
        // source phrase that a comma ends.
        let long = || {
            let e = (i + 2..b.min(i + 26)).find(|&k| self.toks[k].is_punct(','))?;
            let ok = e > i + 2
                && e + 3 < b
                && (i + 2..e).all(|k| {
                    self.toks[k].word
                        && !self.in_region(k)
                        && !is_say(self.word(k))
                        && !matches!(self.word(k), "that" | "which" | "who")
                });
            ok.then_some(Np {
                start: i + 2,
                end: e,
            })
        };
        let mut np = match self.right_np(i + 2, b) {
            Some(np) if self.toks.get(np.end).is_some_and(|t| t.word) && i == a => {
                long().unwrap_or(np)
            }
            Some(np) => np,
            None => plain().or_else(long)?,
        };
        // `according to the Nordhaven regional emergency office, Q`: lower-case words after the
        // name belong to the source when the phrase runs on to a comma or the sentence end.
        let mut e = np.end;
        while e < b
            && e - np.start < 12
            && self.toks[e].word
            && !self.in_region(e)
            && (!is_stop(self.word(e)) || matches!(self.word(e), "of" | "for"))
            && !is_say(self.word(e))
        {
            e += 1;
        }
        if e > np.end
            && !matches!(self.word(e - 1), "of" | "for")
            && (e == b || self.toks[e].is_punct(',') || self.toks[e].is_punct('.'))
        {
            np.end = e;
        }
        let cue = (i, i + 2);
        let content_before = self.content_before(a, i);
        if let Some(end) = content_before {
            return Some(Found {
                content: (a, end),
                cue,
                source: Some(np),
                partial_only: false,
                second: None,
            });
        }
        let mut s = np.end;
        while s < b && !self.toks[s].word && !is_opening_mark(self.toks[s].first) {
            s += 1;
        }
        let e = self.content_end(s, b);
        (e > s + 1).then_some(Found {
            content: (s, e),
            cue,
            source: Some(np),
            partial_only: false,
            second: None,
        })
    }

    /// `Q-subject was endorsed by S`: the subject is the content, the agent after "by" the
    /// source.
    fn passive(&self, a: usize, b: usize, i: usize) -> Option<Found> {
        let mut k = i;
        while k > a
            && (is_adverb(self.word(k - 1))
                || matches!(self.word(k - 1), "first" | "also" | "widely" | "not"))
        {
            k -= 1;
        }
        if k == a
            || !matches!(
                self.word(k - 1),
                "is" | "was" | "were" | "are" | "been" | "be"
            )
        {
            return None;
        }
        let mut aux = k - 1;
        while aux > a
            && matches!(
                self.word(aux - 1),
                "has" | "have" | "had" | "will" | "would" | "to"
            )
        {
            aux -= 1;
        }
        // `endorsed by dozens of papers`: a plain phrase when no name, role or determiner
        // starts it.
        let np = self.right_np(i + 2, b).or_else(|| {
            let mut j = i + 2;
            while j < b
                && j < i + 8
                && self.toks[j].word
                && (!is_stop(self.word(j)) || self.word(j) == "of")
                && !is_say(self.word(j))
            {
                j += 1;
            }
            while j > i + 2 && self.word(j - 1) == "of" {
                j -= 1;
            }
            (j > i + 2).then_some(Np {
                start: i + 2,
                end: j,
            })
        })?;
        let mut s = a;
        while s < aux && !self.toks[s].word && !is_opening_mark(self.toks[s].first) {
            s += 1;
        }
        let words = (s..aux).filter(|&x| self.toks[x].word).count();
        ((1..=15).contains(&words) && !(s..aux).any(|x| self.toks[x].is_punct(','))).then_some(
            Found {
                content: (s, aux),
                cue: (k - 1, i + 2),
                source: Some(np),
                partial_only: false,
                second: None,
            },
        )
    }

    /// `Varga's claim that Q`, `her plan to Q`: a statement named by a noun, its holder in
    /// the possessive before it.
    fn nominal(&self, a: usize, b: usize, i: usize) -> Option<Found> {
        if i == a || i + 2 >= b {
            return None;
        }
        let next = self.word(i + 1);
        let takes_to = matches!(
            self.word(i),
            "plan"
                | "plans"
                | "promise"
                | "pledge"
                | "call"
                | "calls"
                | "decision"
                | "proposal"
                | "demand"
                | "request"
                | "vow"
                | "desire"
                | "refusal"
                | "effort"
                | "efforts"
        );
        if !(next == "that" || (next == "to" && takes_to)) {
            return None;
        }
        // The holder: a possessive name or pronoun, maybe with one adjective between
        // ("Trump's repeated claim that").
        let mut h = i - 1;
        if h > a && !self.toks[h].cap && !is_det(self.word(h)) && self.toks[h].word {
            h -= 1;
        }
        let t = &self.toks[h];
        let l = t.lower.replace('’', "'");
        let source = if matches!(l.as_str(), "his" | "her" | "their") {
            Np {
                start: h,
                end: h + 1,
            }
        } else if t.word && t.cap && (l.ends_with("'s") || l.ends_with("s'")) {
            self.np_core(a, h + 1)?
        } else if next == "that"
            && matches!(l.as_str(), "the" | "a" | "an")
            && !matches!(
                self.word(i),
                "plan" | "plans" | "decision" | "effort" | "efforts"
            )
        {
            // `the claim that Q`, `a belief that Q`: a statement with no holder named.
            Np { start: h, end: h }
        } else {
            return None;
        };
        let s = i + 1;
        let e = self.content_end(s, b);
        (e > s + 2).then_some(Found {
            content: (s, e),
            cue: (i, i + 1),
            source: (source.end > source.start).then_some(source),
            partial_only: false,
            second: None,
        })
    }

    /// A stance word at `i` followed by its preposition (see [`STANCE`]); the content is the
    /// phrase after the preposition up to the clause's end, the source the holder ("his support
    /// for") or the subject ("Graham has been critical of").
    fn stance(&self, a: usize, b: usize, i: usize) -> Option<Found> {
        if i == a || i + 2 >= b {
            return None;
        }
        let s = i + 2;
        let mut e = s;
        while e < b
            && (self.toks[e].word
                || self.in_region(e)
                || !matches!(
                    self.toks[e].first,
                    ',' | ';' | ':' | '(' | '—' | '–' | '.' | '?' | '!'
                ))
        {
            e += 1;
        }
        let e = self.content_end(s, e);
        if e <= s || !self.toks[s..e].iter().any(|t| t.word) {
            return None;
        }
        // The holder: a possessive right before, maybe with one adjective between.
        let mut h = i - 1;
        if h > a && !self.toks[h].cap && self.toks[h].word && !is_det(self.word(h)) {
            h -= 1;
        }
        let t = &self.toks[h];
        let l = t.lower.replace('’', "'");
        let source = if matches!(l.as_str(), "his" | "her" | "their") {
            Some(Np {
                start: h,
                end: h + 1,
            })
        } else if t.word && t.cap && (l.ends_with("'s") || l.ends_with("s'")) {
            self.np_core(a, h + 1)
        } else {
            // The subject: walk left over auxiliaries, articles and a few adjectives.
            let mut k = i;
            let mut adjectives = 0;
            while k > a && i - k < 6 {
                let t = &self.toks[k - 1];
                if !t.word || t.cap {
                    break;
                }
                if STANCE_FILL.contains(&t.lower.as_str()) || is_adverb(&t.lower) {
                    k -= 1;
                } else if !STOP.contains(&t.lower.as_str()) && adjectives < 2 && i - k < 3 {
                    adjectives += 1;
                    k -= 1;
                } else {
                    break;
                }
            }
            self.left_np(a, k)
        }?;
        // Only a named, pronoun or role holder is a source ("the bill's opponents" is not);
        // without one the stance is still an attribution, its holder unknown.
        let named = self.toks[source.start..source.end].iter().any(|t| {
            t.word
                && (t.cap
                    || PRONOUNS.contains(&t.lower.as_str())
                    || matches!(t.lower.as_str(), "his" | "her" | "their" | "who")
                    || is_role(&t.lower))
        });
        Some(Found {
            content: (s, e),
            cue: (i, i + 2),
            source: named.then_some(source),
            partial_only: false,
            second: None,
        })
    }

    /// A cue verb at `i`.
    fn say(&self, a: usize, b: usize, i: usize) -> Option<Found> {
        let cue_end = self.cue_end(i, b);
        let cue = (i, cue_end);
        if let Some(np) = self.left_np(a, i) {
            // `Q1, S C, Q2.`: content on both sides of the attribution.
            if let Some(end) = self.content_before_np(a, np.start)
                && cue_end + 1 < b
                && self.toks[cue_end].is_punct(',')
                && self.toks[cue_end + 1].word
                && !self.toks[cue_end + 1].cap
                && flags(self.word(cue_end + 1)) & ING_FLAG == 0
                && (!is_stop(self.word(cue_end + 1))
                    || !matches!(
                        self.word(cue_end + 1),
                        "in" | "on"
                            | "at"
                            | "during"
                            | "after"
                            | "before"
                            | "from"
                            | "to"
                            | "with"
                            | "by"
                            | "about"
                            | "of"
                            | "over"
                            | "through"
                            | "against"
                            | "under"
                            | "within"
                            | "without"
                            | "into"
                            | "like"
                            | "unlike"
                            | "said"
                            | "says"
                            | "told"
                    )
                    || matches!(
                        self.word(cue_end + 1),
                        "that"
                            | "and"
                            | "but"
                            | "because"
                            | "if"
                            | "since"
                            | "as"
                            | "so"
                            | "until"
                            | "while"
                            | "when"
                            | "before"
                            | "after"
                            | "although"
                            | "though"
                            | "unless"
                    )
                    || is_auxiliary(self.word(cue_end + 1))
                    || self.word(cue_end + 1) == "not")
                && !is_det(self.word(cue_end + 1))
                && !matches!(self.word(cue_end + 1), "who" | "which" | "according")
            {
                let s2 = cue_end + 1;
                let e2 = self.content_end(s2, b);
                if e2 > s2 + 1 {
                    return Some(Found {
                        content: (a, end),
                        cue,
                        source: Some(np),
                        partial_only: false,
                        second: Some((s2, e2)),
                    });
                }
            }
            // `Q, S C.`: content before the source, little after the cue.
            if let Some(end) = self.content_before_np(a, np.start)
                && (self.tail_is_short(cue_end, b)
                    || (self.whole_region(a, end).is_some()
                        && self.word(cue_end.min(b - 1)) != "that"))
            {
                return Some(Found {
                    content: (a, end),
                    cue,
                    source: Some(np),
                    partial_only: false,
                    second: None,
                });
            }
            let s = self.content_start(i, cue_end, b);
            if s >= b || (s + 1 == b && !self.toks[s].word) {
                // `S C:` with the content to follow.
                let colon = self.toks[b - 1].is_punct(':');
                return colon.then_some(Found {
                    content: (s, s),
                    cue,
                    source: Some(np),
                    partial_only: false,
                    second: None,
                });
            }
            let e = self.content_end(s, b);
            if e > s + 1 || (e == s + 1 && self.toks[s].word) {
                return Some(Found {
                    content: (s, e),
                    cue,
                    source: Some(np),
                    partial_only: false,
                    second: None,
                });
            }
            return None;
        }
        // `Q, C S.`: inverted, after a comma or a closing quote.
        if i > a {
            let np = self.right_np(cue_end, b)?;
            // `..., said he fully supports it`: a pronoun with words after it is the subject
            // of the content, not an inverted source.
            if np.end == np.start + 1
                && PRONOUNS.contains(&self.word(np.start))
                && np.end < b
                && self.toks[np.end].word
            {
                return None;
            }
            let end = self.content_before(a, i)?;
            return Some(Found {
                content: (a, end),
                cue,
                source: Some(np),
                partial_only: false,
                second: None,
            });
        }
        None
    }

    /// `S urged voters to stay home`: a subject before the verb, its object as content.
    fn broad(&self, a: usize, b: usize, i: usize) -> Option<Found> {
        let np = self.left_np(a, i)?;
        // A verb right after a determiner or possessive is a noun: "his tweets".
        if np.end == i && is_det(self.word(i - 1)) {
            return None;
        }
        // Numbers are not sources ("98,000 said" is a table).
        let strong = (np.start..np.end).any(|k| {
            let t = &self.toks[k];
            t.word && (t.cap || PRONOUNS.contains(&t.lower.as_str()) || is_role(t.lower.as_str()))
        }) || is_det(self.word(np.start));
        if !strong && self.toks[np.start].first.is_ascii_digit() {
            return None;
        }
        let mut s = i + 1;
        // "called for", "called on", "pushed back against".
        while s < b
            && (matches!(
                self.word(s),
                "for"
                    | "on"
                    | "out"
                    | "back"
                    | "up"
                    | "off"
                    | "about"
                    | "of"
                    | "against"
                    | "over"
                    | "with"
            )
            // "did not respond to questions": what was answered, not "to questions".
            || (s == i + 1
                && self.word(s) == "to"
                && ["respond", "repl", "react"]
                    .iter()
                    .any(|p| self.word(i).starts_with(p))))
        {
            s += 1;
        }
        let s = self.content_start(i, s, b);
        // `will protest before Saturday's game`: a time adjunct, not what was said.
        if s < b
            && matches!(
                self.word(s),
                "before" | "after" | "during" | "until" | "since"
            )
        {
            return None;
        }
        let e = self.content_end(s, b);
        // A lone object is content when it is a name: "The Times backed Clinton".
        let lone = e == s + 1 && {
            let t = &self.toks[s];
            t.word && t.cap && !DAYS.contains(&t.lower.as_str()) && !self.in_region(s)
        };
        (e > s + 1 || lone).then_some(Found {
            content: (s, e),
            cue: (i, i + 1),
            source: Some(np),
            partial_only: false,
            second: None,
        })
    }

    /// `S called the plan "Q"`: only the quoted words are the speaker's.
    fn partial(&self, a: usize, b: usize, i: usize) -> Option<Found> {
        let np = self.left_np(a, i)?;
        let after = self.toks[i].span.end;
        let limit = self.toks[b - 1].span.end;
        let r = self
            .regions
            .iter()
            .find(|r| r.open.start >= after && r.open.start < limit)?;
        let cs = self
            .toks
            .partition_point(|t| t.span.start < r.content.start);
        let ce = self.toks.partition_point(|t| t.span.start < r.content.end);
        (ce > cs).then_some(Found {
            content: (cs, ce),
            cue: (i, i + 1),
            source: Some(np),
            partial_only: true,
            second: None,
        })
    }

    /// The cue with a fixed phrase after it: "said in a statement", "told reporters".
    fn cue_end(&self, i: usize, b: usize) -> usize {
        const PHRASES: &[&[&str]] = &[
            &["in", "a", "statement"],
            &["in", "an", "interview"],
            &["in", "a", "tweet"],
            &["in", "a", "speech"],
            &["in", "a", "post"],
            &["on", "twitter"],
            &["on", "facebook"],
            &["reporters"],
            &["out"],
        ];
        for p in PHRASES {
            if i + p.len() < b
                && p.iter()
                    .enumerate()
                    .all(|(k, w)| self.word(i + 1 + k) == *w)
            {
                if p == &["reporters"] && !TELL.contains(&self.word(i)) {
                    continue;
                }
                if p == &["out"] && self.word(i) != "pointed" {
                    continue;
                }
                return i + 1 + p.len();
            }
        }
        i + 1
    }

    /// Where the content of `S C ...` starts: at "that" if it comes soon, after the listener of
    /// "told", after time words and punctuation otherwise.
    fn content_start(&self, i: usize, cue_end: usize, b: usize) -> usize {
        for k in cue_end..b.min(cue_end + 12) {
            if self.toks[k].is_punct(',') || self.toks[k].is_punct(':') || self.in_region(k) {
                break;
            }
            if self.word(k) == "that" && self.that_opens_clause(i, cue_end, k, b) {
                return k;
            }
        }
        let mut s = cue_end;
        if TELL.contains(&self.word(i)) && cue_end == i + 1 {
            // The listener: "told the Associated Press", "told reporters".
            if s < b && is_det(self.word(s)) {
                s += 1;
            }
            while s < b && self.toks[s].word && self.toks[s].cap {
                s += 1;
            }
            if s == cue_end && s < b && self.toks[s].word && !PRONOUNS.contains(&self.word(s)) {
                s += 1;
            }
        }
        loop {
            if s >= b {
                return s;
            }
            let w = self.word(s);
            if (!self.toks[s].word && matches!(self.toks[s].first, ',' | ':' | '—' | '–'))
                || TIME_WORDS.contains(&w)
            {
                s += 1;
            } else if w == "on" && s + 1 < b && TIME_WORDS.contains(&self.word(s + 1)) {
                s += 2;
            } else {
                return s;
            }
        }
    }

    /// Whether the "that" at `k`, after the cue ending at `cue_end`, begins the content
    /// (`said on Monday that`, `told the council that`) rather than pointing at something
    /// inside it (`said he had heard that account`).
    fn that_opens_clause(&self, i: usize, cue_end: usize, k: usize, b: usize) -> bool {
        let tell = TELL.contains(&self.word(i));
        let subject = (cue_end..k).any(|x| {
            let w = self.word(x);
            PRONOUNS.contains(&w)
                || (!tell && matches!(w, "his" | "her" | "their" | "its" | "our" | "my"))
        });
        // `want policies that create jobs`: after a verb that is not one of saying, an object
        // right after the cue makes "that" a relative pronoun.
        let object = k > cue_end && !is_say(self.word(i)) && !tell && {
            let t = &self.toks[cue_end];
            t.word
                && !t.cap
                && !TIME_WORDS.contains(&t.lower.as_str())
                && !matches!(
                    t.lower.as_str(),
                    "in" | "on" | "at" | "during" | "last" | "this" | "after" | "before"
                )
        };
        // `said officials have video that shows it`, `agreed to clean up land that`: a verb
        // before "that" means the content has begun.
        let verb = (cue_end..k).any(|x| self.word(x) == "to" || is_auxiliary(self.word(x)));
        let words_after = (k + 1..b).filter(|&x| self.toks[x].word).count();
        !subject && !object && !verb && words_after >= 3
    }

    /// The end of content starting at `s`: the sentence end without its final stop.
    fn content_end(&self, s: usize, b: usize) -> usize {
        // `..., hours after the league opened an inquiry`: a time adjunct after a comma says when
        // the statement was made; it is not part of it.
        let w = |i: usize| if i < b { self.word(i) } else { "" };
        let adjunct = |k: usize| {
            let when = match w(k + 1) {
                "a" | "one" => {
                    matches!(w(k + 2), "day" | "week" | "month")
                        && matches!(w(k + 3), "after" | "before")
                }
                "hours" | "days" | "weeks" | "minutes" | "moments" | "shortly" | "just" => {
                    matches!(w(k + 2), "after" | "before")
                }
                _ => false,
            };
            when && self.toks[k].is_punct(',') && !self.in_region(k)
        };
        let b = (s + 3..b).find(|&k| adjunct(k)).unwrap_or(b);
        let mut e = b;
        while e > s
            && !self.toks[e - 1].word
            && matches!(
                self.toks[e - 1].first,
                '.' | '!' | '?' | ',' | ';' | ':' | ')'
            )
            && !self.in_region(e - 1)
        {
            e -= 1;
        }
        // A trailing "on Monday" dates the statement; it is not part of it.
        if e > s + 2 && DAYS.contains(&self.word(e - 1)) {
            e -= 1;
            if self.word(e - 1) == "on" {
                e -= 1;
            }
        }
        e
    }

    /// When the tokens before `k` are a comma (or comma and closing mark) after at least two
    /// words of content starting at `a`, the end of that content (exclusive).
    fn content_before(&self, a: usize, k: usize) -> Option<usize> {
        if k < a + 3 {
            return None;
        }
        let t1 = &self.toks[k - 1];
        let boundary = if t1.is_punct(',') || t1.is_punct('—') {
            Some(k - 1)
        } else if !t1.word && is_closing_mark(t1.first) {
            // `"Q," S C` and `"Q" S C`.
            Some(k)
        } else {
            None
        }?;
        let words = (a..boundary).filter(|&x| self.toks[x].word).count();
        let quoted = !self.toks[a].word && is_opening_mark(self.toks[a].first);
        (words >= 4 || (words >= 1 && quoted)).then_some(boundary)
    }

    /// [`Ctx::content_before`] allowing up to two lowercase words between the boundary and the
    /// source phrase: `"Q," panel Chairman Ana Ruiz said`, `Q, top black lawmakers said`.
    fn content_before_np(&self, a: usize, start: usize) -> Option<usize> {
        (0..3).find_map(|back| {
            let k = start.checked_sub(back)?;
            if k < a || (back > 0 && (!self.toks[k].word || self.toks[k].cap)) {
                return None;
            }
            if (k..start).any(|x| !self.toks[x].word || is_stop(&self.toks[x].lower)) {
                return None;
            }
            self.content_before(a, k)
        })
    }

    /// Whether what follows the cue is only a time, a place phrase or an apposition, so that the
    /// content is before the source: `..., Varga said on Monday.`
    fn tail_is_short(&self, cue_end: usize, b: usize) -> bool {
        let rest: Vec<usize> = (cue_end..b).filter(|&k| self.toks[k].word).collect();
        if rest.is_empty() {
            return true;
        }
        if self.toks[cue_end].is_punct(',') || self.toks[cue_end].is_punct(':') {
            // `..., Varga said, "Q."`: the quote after the cue is the content.
            let quote_next = self
                .toks
                .get(cue_end + 1)
                .is_some_and(|t| self.region_at(t.span.start).is_some());
            return !quote_next;
        }
        // `Reaching for it, Trump said on CNN that Q`: a "that" clause after the cue is the
        // content.
        if (cue_end..b.min(cue_end + 8))
            .take_while(|&k| self.toks[k].word)
            .any(|k| {
                self.word(k) == "that" && (k + 1..b).filter(|&x| self.toks[x].word).count() >= 3
            })
        {
            return false;
        }
        let first = self.word(rest[0]);
        if DAYS.contains(&first) || TIME_WORDS.contains(&first) {
            return true;
        }
        if matches!(
            first,
            "on" | "in"
                | "at"
                | "during"
                | "after"
                | "before"
                | "while"
                | "when"
                | "of"
                | "to"
                | "about"
                | "from"
        ) {
            return true;
        }
        rest.len() <= 3 && !rest.iter().any(|&k| self.word(k) == "that")
    }

    /// The source phrase that ends right before the cue at `cue`.
    fn left_np(&self, a: usize, cue: usize) -> Option<Np> {
        let mut e = cue;
        loop {
            let w = if e > a { self.word(e - 1) } else { "" };
            if e > a && !self.toks[e - 1].cap && (BETWEEN.contains(&w) || is_adverb(w)) {
                e -= 1;
            } else if e > a && DAYS.contains(&w) {
                // "Varga on Monday said", "Varga Monday said".
                e -= 1;
                if e > a && self.word(e - 1) == "on" {
                    e -= 1;
                }
            } else if e > a + 1
                && matches!(w, "week" | "month" | "year" | "night")
                && matches!(self.word(e - 2), "last" | "this")
            {
                e -= 2;
            } else {
                break;
            }
        }
        if e == a {
            return None;
        }
        if self.toks[e - 1].is_punct(')') {
            // `Sen. Ana Ruiz (D-Ore.) said`: skip the parenthesis.
            let lo = a.max(e.saturating_sub(10));
            e = (lo..e - 1).rev().find(|&k| self.toks[k].is_punct('('))?;
            if e == a {
                return None;
            }
        }
        let t = &self.toks[e - 1];
        if t.is("who") && e >= a + 3 && self.toks[e - 2].is_punct(',') {
            // `Varga, who ..., ...` handled below; `the mayor, who said` → the mayor.
            return self.np_core(a, e - 2);
        }
        // `Democrats who said`, `a report, which notes`: the phrase the relative pronoun
        // stands for.
        // `voters who said`: a plural group (a single person is named at a quote).
        if t.is("who")
            && e >= a + 2
            && self.toks[e - 2].word
            && self.word(e - 2).ends_with('s')
            && !self.word(e - 2).ends_with("ss")
        {
            return self.np_core(a, e - 1);
        }
        if t.is("which") && e >= a + 2 {
            let end = if self.toks[e - 2].is_punct(',') {
                e - 2
            } else {
                e - 1
            };
            return self.np_core(a, end);
        }
        if t.word && PRONOUNS.contains(&t.lower.as_str()) {
            if t.lower == "it" && !self.toks.get(e).is_some_and(|n| n.word) {
                return None;
            }
            return Some(Np {
                start: e - 1,
                end: e,
            });
        }
        if t.is_punct(',') {
            // `S, who ..., C` or `S, the role, C`.
            let lo = a.max(e.saturating_sub(30));
            let c = (lo..e - 1).rev().find(|&k| self.toks[k].is_punct(','))?;
            let first = self.word(c + 1);
            let relative =
                matches!(
                    first,
                    "who"
                        | "which"
                        | "whose"
                        | "whom"
                        | "at"
                        | "in"
                        | "on"
                        | "during"
                        | "speaking"
                        | "after"
                        | "asked"
                        | "when"
                        | "while"
                        | "according"
                        | "including"
                ) || (first.len() > 5 && first.ends_with("ing") && !self.toks[c + 1].cap);
            let apposition = is_det(first)
                || self.toks[c + 1].first.is_ascii_digit()
                || self.toks[c + 1].cap
                || is_role(first)
                || (c + 1..e - 1).take(4).any(|k| is_role(self.word(k)));
            if !(relative || apposition) || self.in_region(c + 1) {
                return None;
            }
            // `Rep. Ana Ruiz (D-Ore.), the ranking member, said`: the name before the
            // parenthesis.
            let mut m = c;
            if m > a && self.toks[m - 1].is_punct(')') {
                let lo = a.max(m.saturating_sub(10));
                m = (lo..m - 1).rev().find(|&k| self.toks[k].is_punct('('))?;
            }
            let main = self.np_core(a, m)?;
            return Some(Np {
                start: main.start,
                end: e - 1,
            });
        }
        self.np_core(a, e)
    }

    /// A noun phrase ending at `e` (exclusive), going left.
    fn np_core(&self, a: usize, e: usize) -> Option<Np> {
        let mut s = e;
        while s > a && e - s < 10 {
            let t = &self.toks[s - 1];
            let take = if t.word {
                let l = t.lower.as_str();
                t.cap
                    || is_det(l)
                    || is_role(l)
                    || (matches!(l, "of" | "for") && s < e)
                    || (s == e && !is_stop(l) && !is_say(l) && !l.ends_with("ly"))
            } else {
                (t.first == '.'
                    && s > a + 1
                    && self.toks[s - 2].word
                    && self.toks[s - 2].span.end == t.span.start
                    && s < e)
                    || (matches!(t.first, '-' | '&') && s < e)
            };
            if !take || self.in_region(s - 1) {
                break;
            }
            s -= 1;
        }
        // `A federal appeals court ruled`, `the Nordhaven regional emergency office said`:
        // modifiers between a determiner and the head.
        let mut k = s;
        while k > a && s - k < 3 && {
            let t = &self.toks[k - 1];
            t.word
                && !is_stop(&t.lower)
                && !is_det(&t.lower)
                && flags(&t.lower) == 0
                && !t.lower.ends_with("ly")
                && !self.in_region(k - 1)
        } {
            k -= 1;
        }
        if k < s && k > a && is_det(self.word(k - 1)) && !self.in_region(k - 1) {
            s = k - 1;
        }
        // `a spokesman for the weather service said`: the role the organisation qualifies.
        if s > a + 1
            && matches!(self.word(s - 1), "of" | "for")
            && is_role(self.word(s - 2))
            && let Some(outer) = self.np_core(a, s - 1)
        {
            s = outer.start;
        }
        // `two people familiar with the report said`: the people, described by what they know.
        if let Some(p) = POSTMODIFIERS.iter().find(|p| {
            s > a + p.len()
                && p.iter()
                    .enumerate()
                    .all(|(k, w)| self.word(s - p.len() + k) == *w)
        }) && let Some(outer) = self.np_core(a, s - p.len())
        {
            s = outer.start;
        }
        // Trim clause words and prepositions at the left edge.
        while s < e {
            let t = &self.toks[s];
            let l = t.lower.as_str();
            let drop = !t.word
                || matches!(l, "of" | "for")
                || (t.cap && is_stop(l) && !is_det(l))
                || (t.cap
                    && matches!(
                        l,
                        "but"
                            | "and"
                            | "so"
                            | "yet"
                            | "meanwhile"
                            | "however"
                            | "in"
                            | "on"
                            | "at"
                            | "when"
                            | "after"
                            | "if"
                            | "as"
                    ));
            if drop {
                s += 1;
            } else {
                break;
            }
        }
        if s >= e || (s..e).all(|k| is_det(self.word(k))) {
            return None;
        }
        Some(Np { start: s, end: e })
    }

    /// A noun phrase starting at `s`, going right: `said Elena Varga, the president`.
    fn right_np(&self, s: usize, b: usize) -> Option<Np> {
        // `said 9/11 widow Ana Ruiz`: up to two modifiers before a capitalised name.
        let lead = (s..b.min(s + 3))
            .take_while(|&k| {
                let t = &self.toks[k];
                (t.word || matches!(t.first, '/' | '-'))
                    && !t.cap
                    && !is_stop(&t.lower)
                    && !is_det(&t.lower)
            })
            .count();
        if lead > 0 && s + lead < b && self.toks[s + lead].cap {
            return self.right_np(s + lead, b).map(|np| Np {
                start: s,
                end: np.end,
            });
        }
        let mut e = s;
        while e < b && e - s < 10 {
            let t = &self.toks[e];
            let take = if t.word {
                let l = t.lower.as_str();
                t.cap
                    || is_det(l)
                    || is_role(l)
                    || (matches!(l, "of" | "for") && e > s)
                    || (e > s && is_det(self.word(e - 1)) && !is_stop(l))
                    // `foreign ministry spokeswoman Hua Chunying`: a noun before a role word.
                    || (e > s
                        && !is_stop(l)
                        && self.toks.get(e + 1).is_some_and(|n| n.word && is_role(&n.lower)))
            } else {
                (t.first == '.'
                    && e > s
                    && e + 1 < b
                    && self.toks[e - 1].span.end == t.span.start
                    && self.toks[e - 1].cap
                    && self.toks[e - 1].lower.len() <= 4)
                    || (matches!(t.first, '-' | '&') && e > s)
            };
            if !take || self.in_region(e) {
                break;
            }
            e += 1;
        }
        while e > s
            && (matches!(self.word(e - 1), "of" | "for")
                || !self.toks[e - 1].word && self.toks[e - 1].first != '.')
        {
            e -= 1;
        }
        if e == s && s < b && PRONOUNS.contains(&self.word(s)) {
            e = s + 1;
        }
        if e <= s || (s..e).all(|k| is_det(self.word(k))) {
            return None;
        }
        Some(Np { start: s, end: e })
    }

    /// The full name a pronoun of `gender` at `at` refers to: the nearest person of that gender,
    /// unless a quote's named speaker came after that person's mention, within the paragraph or
    /// the one before, and is not known to be of the other gender.
    fn pronoun_antecedent(&self, gender: Gender, at: usize) -> Option<String> {
        let person = self
            .people
            .resolve_pronoun(gender, at)
            .map(|near| self.subject_over(near, gender, at));
        let named = self.named.borrow();
        // A person named inside what a speaker said is less salient than the speaker.
        let in_content = |x: usize| named.iter().any(|(_, _, c)| c.start <= x && x < c.end);
        let recent =
            named
                .iter()
                .rev()
                .find(|(start, ..)| *start < at)
                .filter(|(start, name, _)| {
                    let close = self.text[*start..at].matches("\n\n").count() <= 1;
                    let later = person
                        .as_ref()
                        .is_none_or(|(span, _)| span.start < *start || in_content(span.start));
                    let agrees = self
                        .people
                        .persons
                        .iter()
                        .find(|p| &p.full == name)
                        .map_or_else(
                            || {
                                name.split_whitespace()
                                    .next()
                                    .and_then(super::speakers::first_name_gender)
                            },
                            |p| p.gender,
                        )
                        .is_none_or(|g| g == gender);
                    close && later && agrees
                });
        match recent {
            Some((_, name, _)) => Some(name.clone()),
            None => person.map(|(_, pi)| self.people.persons[pi].full.clone()),
        }
    }

    /// The subject of the paragraph's sentence over a nearer mention `near` that is not one:
    /// "Lu Kang gave no details about Kim's schedule. But he said" is Lu Kang. The subject is a
    /// person of `gender`, or of no known gender, whose mention opens a sentence of the
    /// paragraph, before `near`.
    fn subject_over(&self, near: (Span, usize), gender: Gender, at: usize) -> (Span, usize) {
        if self.opens_sentence(near.0.start) {
            return near;
        }
        let para = self.text[..at].rfind("\n\n").map_or(0, |p| p + 2);
        let end = self
            .people
            .mentions
            .partition_point(|(s, _)| s.start < near.0.start);
        let subject = self.people.mentions[..end]
            .iter()
            .rev()
            .take_while(|(s, _)| s.start >= para)
            .find(|(s, pi)| {
                self.people.persons[*pi].gender.is_none_or(|g| g == gender)
                    && self.region_at(s.start).is_none()
                    && self.opens_sentence(s.start)
            });
        subject.cloned().unwrap_or(near)
    }

    /// The person a description at `at` whose role `role` nobody was given refers to: the last
    /// person before it, in its paragraph or the one before, who is the subject of a sentence
    /// (its first words, after titles and a dateline) and was given no other role before it.
    fn described_subject(&self, role: &str, at: usize) -> Option<usize> {
        let para_start = |x: usize| self.text[..x].rfind("\n\n").map_or(0, |p| p + 2);
        let from = para_start(para_start(at).saturating_sub(2));
        let end = self.people.mentions.partition_point(|(s, _)| s.start < at);
        let named = self.named.borrow();
        let quoted = |x: usize| named.iter().any(|(_, _, c)| c.start <= x && x < c.end);
        self.people.mentions[..end]
            .iter()
            .rev()
            .take_while(|(s, _)| s.start >= from)
            .filter(|(s, _)| !quoted(s.start) && self.region_at(s.start).is_none())
            .find(|(s, pi)| {
                let other_role = self
                    .people
                    .roles
                    .iter()
                    .any(|(r, p, off)| p == pi && r != role && *off < at);
                !other_role && self.opens_sentence(s.start) && !self.someone_between(s.end, at)
            })
            .map(|(_, pi)| *pi)
    }

    /// Whether an unnamed person (`the mayor`, `a lawyer`: a determiner and a role word) is
    /// mentioned between the bytes `from` and `to`: then a later description may be either.
    fn someone_between(&self, from: usize, to: usize) -> bool {
        let (s, e) = (
            self.toks.partition_point(|t| t.span.start < from),
            self.toks.partition_point(|t| t.span.start < to),
        );
        (s.max(1)..e).any(|k| {
            let t = &self.toks[k];
            t.word
                && !t.cap
                && is_role(&t.lower)
                && is_det(self.word(k - 1))
                && self.toks.get(k + 1).is_none_or(|n| !is_role(&n.lower))
        })
    }

    /// Whether the word at byte `x` opens its sentence, titles aside: before it and its titles
    /// (`Sen.`, `Assistant Commissioner`, `Foreign Ministry spokesperson`) comes the paragraph's start, a sentence end or a
    /// dateline's dash (`TROUT BROOK, N.B. — Kevin Vickers`).
    fn opens_sentence(&self, x: usize) -> bool {
        let mut k = self.toks.partition_point(|t| t.span.start < x);
        loop {
            let Some(t) = k.checked_sub(1).map(|p| &self.toks[p]) else {
                return true;
            };
            let gap = &self.text[t.span.end..x.max(t.span.end)];
            if gap.contains("\n\n") {
                return true;
            }
            // `Chinese Foreign Ministry spokesperson Lu Kang`: capitalised words and roles.
            let title = t.word
                && (t.cap || is_role(t.lower.trim_end_matches('.')) || is_honorific(&t.lower));
            let title_dot = t.is_punct('.')
                && k >= 2
                && self.toks[k - 2].word
                && (is_honorific(&self.toks[k - 2].lower) || is_role(&self.toks[k - 2].lower));
            if title || title_dot {
                k -= 1;
                continue;
            }
            return !t.word
                && (matches!(t.first, '.' | '?' | '!' | '—') || is_closing_mark(t.first));
        }
    }

    /// The speaker of a document's words: a source phrase headed by a document ("The RCMP
    /// statement said", "the Sensei website", "a statement released by the Prime Minister's
    /// Office") speaks for its owner, the name before the head or after a "by" or "from" that
    /// follows it. `None` when the head is no document or no owner is named.
    fn document_owner(&self, np: &Np, toks: &[Tok]) -> Option<Speaker> {
        let h = toks.iter().rposition(|t| t.word)?;
        if !super::class::is_document(&toks[h].lower) {
            return None;
        }
        let run = |ts: &[Tok]| -> Option<(usize, usize)> {
            let s = ts
                .iter()
                .position(|t| t.word && t.cap && !is_det(&t.lower))?;
            let mut e = s + ts[s..]
                .iter()
                .take_while(|t| (t.word && t.cap) || t.is_punct('.') || t.is_punct('-'))
                .count();
            // A stop ends the sentence unless it shortens a word (`Co.`, `Inc.`).
            while e > s + 1 && !ts[e - 1].word && ts[e - 2].lower.len() > 3 {
                e -= 1;
            }
            Some((ts[s].span.start, ts[e - 1].span.end))
        };
        let before = run(&toks[..h]).filter(|&(_, e)| e <= toks[h].span.start);
        // `released by the Prime Minister's Office`: at most one word, then by or from.
        let after = || {
            let from = self.toks[np.end - 1].span.end;
            let para_end = self.text[from..]
                .find("\n\n")
                .map_or(self.text.len(), |p| from + p);
            let last = self.toks.partition_point(|t| t.span.start < para_end);
            let rest = &self.toks[np.end..last.min(np.end + 12).max(np.end)];
            let k = rest
                .iter()
                .take(2)
                .position(|t| t.is("by") || t.is("from"))?;
            let tail = &rest[k + 1..];
            let end = tail
                .iter()
                .enumerate()
                .position(|(k, t)| {
                    let abbrev = t.is_punct('.') && k > 0 && tail[k - 1].lower.len() <= 3;
                    !(t.word && (t.cap || is_det(&t.lower))) && !abbrev
                })
                .unwrap_or(tail.len());
            run(&tail[..end])
        };
        let (s, e) = before.or_else(after)?;
        let written = strip_possessive(&self.text[s..e]).to_owned();
        let name = self
            .people
            .resolve_name(&written, s)
            .map_or(written, |pi| self.people.persons[pi].full.clone());
        Some(Speaker {
            span: self.toks[np.start].span.start..self.toks[np.end - 1].span.end,
            name: Some(name),
            role: None,
        })
    }

    /// What "they" or "it" at `at` refers to: the last named speaker before it, in its paragraph
    /// or the one before, when that speaker is no person of the article and fits the pronoun
    /// ("Authorities said … They said" → Authorities; "The consular office published a notice
    /// … It urged" → the office). A plural fits "they"; anything else that is no person, "it".
    fn group_antecedent(&self, pronoun: &str, at: usize) -> Option<String> {
        let named = self.named.borrow();
        let (start, name, _) = named.iter().rev().find(|(start, ..)| *start < at)?;
        if self.text[*start..at].matches("\n\n").count() > 1 {
            return None;
        }
        let person = self
            .people
            .persons
            .iter()
            .any(|p| p.full.eq_ignore_ascii_case(name))
            || name
                .split_whitespace()
                .next()
                .and_then(super::speakers::first_name_gender)
                .is_some();
        let last = name.split_whitespace().last()?.to_lowercase();
        let plural = last.ends_with('s') && !last.ends_with("ss") && !name.contains(' ');
        let fits = match pronoun {
            "they" => plural,
            "it" => !plural,
            _ => false,
        };
        (!person && fits).then(|| name.clone())
    }

    /// The speaker for a source phrase: its name resolved to a full name, or its role.
    fn speaker(&self, np: &Np) -> Speaker {
        let span = self.toks[np.start].span.start..self.toks[np.end - 1].span.end;
        let at = span.start;
        let toks = &self.toks[np.start..np.end];
        // A relative clause in the phrase (`Brekke, who faces criticism over cuts to the
        // national budget, said`) says something about the speaker, never their name or role.
        let toks = match toks
            .iter()
            .skip(1)
            .position(|t| matches!(t.lower.as_str(), "who" | "whom" | "whose" | "which"))
        {
            Some(p) => &toks[..=p],
            None => toks,
        };
        if let Some(owner) = self.document_owner(np, toks) {
            return owner;
        }
        if toks.len() == 1
            && toks[0].word
            && (PRONOUNS.contains(&toks[0].lower.as_str())
                || matches!(toks[0].lower.as_str(), "his" | "her" | "their"))
        {
            let gender = match toks[0].lower.as_str() {
                "he" | "his" => Some(Gender::Male),
                "she" | "her" => Some(Gender::Female),
                _ => None,
            };
            let name = match gender {
                Some(g) => self.pronoun_antecedent(g, at),
                None => self.group_antecedent(&toks[0].lower, at),
            };
            return Speaker {
                span,
                name,
                role: None,
            };
        }
        // Names: capitalised runs that end the phrase or an apposition, without titles.
        let mut runs: Vec<(usize, usize)> = Vec::new();
        let mut k = 0;
        while k < toks.len() {
            if toks[k].word && toks[k].cap && !is_det(toks[k].lower.as_str()) {
                let s = k;
                while k < toks.len()
                    && ((toks[k].word && toks[k].cap)
                        || (toks[k].is_punct('.') && k > s)
                        || (toks[k].is_punct('-') && k > s))
                {
                    k += 1;
                }
                let ends_phrase = k == toks.len()
                    || !toks[k].word
                    || matches!(toks[k].lower.as_str(), "of" | "for");
                if ends_phrase {
                    runs.push((s, k));
                }
            } else {
                k += 1;
            }
        }
        // In a description (`the former sergeant-at-arms of the House of Commons`) the names
        // after its "of" are what the person is of, not the person.
        if let Some(of) = toks.iter().position(|t| t.is("of"))
            && toks.first().is_some_and(|t| is_det(&t.lower))
            && of > 0
            && toks[of - 1].word
            && !toks[of - 1].cap
        {
            runs.retain(|&(s, _)| s < of);
        }
        // The head noun ends the phrase or comes before its "of"/"for" (`a spokesman for the
        // weather service`); only role words up to it make the role.
        let cut = toks
            .iter()
            .skip(1)
            .position(|t| {
                matches!(t.lower.as_str(), "of" | "for")
                    || POSTMODIFIERS.iter().any(|p| p[0] == t.lower)
            })
            .map_or(toks.len(), |p| p + 1);
        let head_is_role = toks[..cut]
            .iter()
            .rev()
            .find(|t| t.word)
            .is_some_and(|t| is_role_head(&t.lower));
        let role_words: Vec<&str> = toks[..cut]
            .iter()
            .filter(|t| {
                t.word
                    && is_role_head(&t.lower)
                    && !matches!(t.lower.as_str(), "former" | "acting" | "senior" | "top")
            })
            .map(|t| t.lower.as_str())
            .collect();
        let role = (!role_words.is_empty()).then(|| {
            role_words
                .iter()
                .map(|w| role_key(w))
                .collect::<Vec<_>>()
                .join(" ")
        });
        // A run that resolves to a known person wins; else the first run as written.
        let mut first_name: Option<String> = None;
        for &(s, e) in &runs {
            // Titles before a name are not part of it, unless the run names an organisation.
            let mut ns = s;
            let org = is_not_person(toks[e - 1].lower.as_str());
            while !org
                && ns + 1 < e
                && (is_role(toks[ns].lower.trim_end_matches('.'))
                    || !toks[ns].word
                    || is_honorific(&toks[ns].lower))
            {
                ns += 1;
            }
            if !toks[ns].word {
                continue;
            }
            if !org && e - ns == 1 && is_role(toks[ns].lower.as_str()) {
                continue;
            }
            let written = self.text[toks[ns].span.start..toks[e - 1].span.end].to_owned();
            let written = strip_possessive(&written).to_owned();
            if let Some(pi) = self.people.resolve_name(&written, at) {
                return Speaker {
                    span,
                    name: Some(self.people.persons[pi].full.clone()),
                    role,
                };
            }
            first_name.get_or_insert(written);
        }
        if let Some(name) = first_name {
            return Speaker {
                span,
                name: Some(name),
                role,
            };
        }
        // An organisation described in lower-case words after its name: "the Nordhaven
        // regional emergency office" is the office, not Nordhaven.
        let words: Vec<&Tok> = toks.iter().filter(|t| t.word).collect();
        if words.len() >= 2
            && words.iter().any(|t| t.cap && !is_det(&t.lower))
            && words.last().is_some_and(|t| is_not_person(&t.lower))
        {
            let first = toks
                .iter()
                .position(|t| t.word && !is_det(&t.lower))
                .unwrap_or(0);
            let written = &self.text[toks[first].span.start..toks[toks.len() - 1].span.end];
            return Speaker {
                span,
                name: Some(strip_possessive(written).to_owned()),
                role,
            };
        }
        // A phrase headed by something other than a role is named by all its words: "the
        // national weather service", not "national".
        // A definite role: "the president said" → the person the article gave that role.
        let definite = toks.first().is_some_and(|t| t.is("the"))
            || toks
                .first()
                .is_some_and(|t| t.cap && is_role(t.lower.as_str()));
        // The role is its head ("the justice official" is an official, whatever the justice
        // minister is called); a role nobody was given goes to the person the sentence or
        // paragraph before is about ("Trudeau made the comments … The prime minister said").
        let name = if definite && head_is_role {
            let head = role_words.last().map(|w| role_key(w)).unwrap_or_default();
            self.people
                .resolve_role(&head, at)
                .or_else(|| self.described_subject(&head, at))
                .map(|pi| self.people.persons[pi].full.clone())
        } else {
            None
        };
        let role = role.filter(|_| head_is_role).or_else(|| {
            // Without its leading determiners ("the report's authors" → "report's authors"),
            // names as written ("Sporting Lindmoor fans"), other words in lower case.
            let words: Vec<&str> = toks
                .iter()
                .filter(|t| t.word)
                .skip_while(|t| is_det(t.lower.as_str()))
                .map(|t| {
                    if t.cap && !is_role(&t.lower) && !is_stop(&t.lower) {
                        &self.text[t.span.clone()]
                    } else {
                        t.lower.as_str()
                    }
                })
                .collect();
            (!words.is_empty()).then(|| words.join(" "))
        });
        Speaker { span, name, role }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{QuoteKind::*, find_people};
    use super::*;

    /// The rules alone: the learned fallback has its own tests.
    fn quotes(text: &str) -> Vec<Quote> {
        extract(text, &find_people(text), None)
    }

    /// One expected quote: (text, kind, cue, speaker name) — "?" for a speaker with no name,
    /// "" for no speaker at all; the parts of a split quotation joined by " … ".
    type Want<'a> = (&'a str, QuoteKind, &'a str, &'a str);

    /// The speaker of the first quote in `text`.
    fn speaker_of(text: &str) -> Speaker {
        quotes(text)
            .into_iter()
            .next()
            .and_then(|q| q.speaker)
            .expect("a quote with a speaker")
    }

    fn check(text: &str, expected: &[Want]) {
        let got = quotes(text);
        for q in &got {
            for (span, part) in q.parts() {
                assert_eq!(&text[span.clone()], part, "span round trip in {text}");
            }
            if let Some(s) = &q.speaker {
                assert!(text.get(s.span.clone()).is_some(), "speaker span in {text}");
            }
        }
        let got: Vec<(String, QuoteKind, String, String)> = got
            .iter()
            .map(|q| {
                let speaker = match &q.speaker {
                    None => String::new(),
                    Some(s) => s.name.clone().unwrap_or_else(|| "?".into()),
                };
                (
                    q.full_text(),
                    q.kind,
                    q.cue.as_ref().map_or(String::new(), |c| c.text.clone()),
                    speaker,
                )
            })
            .collect();
        let want: Vec<(String, QuoteKind, String, String)> = expected
            .iter()
            .map(|(t, k, c, s)| (t.to_string(), *k, c.to_string(), s.to_string()))
            .collect();
        assert_eq!(got, want, "{text}");
    }

    /// A cue that is the article's last token: the look-ahead past it read beyond the token
    /// list (a Multi-News article with sentences dropped ended "... to test planes").
    #[test]
    fn cue_as_the_last_token_does_not_read_past_the_tokens() {
        for text in [
            "The last jet went to test planes",
            "Officials said",
            "The minister responded",
            "Critics hit back",
            "“We will rebuild,” said",
        ] {
            let _ = quotes(text);
            let _ = super::super::extract_quotes(text, &find_people(text));
        }
    }

    #[test]
    fn reported_content_without_its_dateline() {
        check(
            "KESSEL, Jan 12 (NWS) - The dam gave way early on Monday, regional officials said.",
            &[("The dam gave way early on Monday", Indirect, "said", "?")],
        );
    }

    #[test]
    fn sources_described_after_the_noun() {
        check(
            "Engineers warned in November that the dam needed repairs, two people familiar with the report said on Tuesday, a day after the dam collapsed.",
            &[
                (
                    "Engineers warned in November that the dam needed repairs",
                    Indirect,
                    "said",
                    "?",
                ),
                (
                    "that the dam needed repairs",
                    Indirect,
                    "warned",
                    "Engineers",
                ),
            ],
        );
        assert_eq!(
            speaker_of("Nordbank and Valdoria Savings both said they would raise their rates.")
                .name
                .as_deref(),
            Some("Valdoria Savings")
        );
    }

    #[test]
    fn time_adjunct_after_the_content() {
        check(
            "Carla Ruiz insisted on Tuesday that her club had done nothing wrong, hours after the league opened an inquiry.",
            &[(
                "that her club had done nothing wrong",
                Indirect,
                "insisted",
                "Carla Ruiz",
            )],
        );
    }

    #[test]
    fn time_adjunct_after_a_verb_is_not_content() {
        check(
            "Supporters of the club will protest before Saturday's home game against Portmund.",
            &[],
        );
    }

    #[test]
    fn what_was_responded_to() {
        check(
            "The company did not respond to questions about the leak.",
            &[("questions about the leak", Indirect, "respond", "?")],
        );
    }

    #[test]
    fn organisation_sources_with_names_and_modifiers() {
        check(
            "Three people were killed, the Nordhaven regional emergency office said in a statement.",
            &[(
                "Three people were killed",
                Indirect,
                "said in a statement",
                "Nordhaven regional emergency office",
            )],
        );
        // A phrase headed by something that is not a role is named by all its words.
        assert_eq!(
            speaker_of("The national weather service said more rain was expected.")
                .role
                .as_deref(),
            Some("national weather service")
        );
        assert_eq!(
            speaker_of("A spokesman for the national weather service said more rain was expected.")
                .role
                .as_deref(),
            Some("spokesman")
        );
    }

    #[test]
    fn direct_quotes() {
        check(
            "“We will rebuild the bridge,” Elena Varga said.",
            &[("We will rebuild the bridge,", Direct, "said", "Elena Varga")],
        );
        check(
            "\"It is over,\" said Omar Haddad, the mayor.",
            &[("It is over,", Direct, "said", "Omar Haddad")],
        );
        check(
            "Elena Varga said: «Nous restons.»",
            &[("Nous restons.", Direct, "said", "Elena Varga")],
        );
        check(
            "”Nothing is decided,” Omar Haddad told reporters.",
            &[(
                "Nothing is decided,",
                Direct,
                "told reporters",
                "Omar Haddad",
            )],
        );
        check(
            "“The river rose. The dam held,” Elena Varga said.",
            &[(
                "The river rose. The dam held,",
                Direct,
                "said",
                "Elena Varga",
            )],
        );
    }

    #[test]
    fn split_quote_around_the_cue() {
        check(
            "“We are ready,” Elena Varga said, “and we will stay.”",
            &[(
                "We are ready, … and we will stay.",
                Direct,
                "said",
                "Elena Varga",
            )],
        );
        // The resumed quote may follow the sentence that attributes it, in the same paragraph.
        check(
            "“We are ready,” Elena Varga said on Monday. “We will stay.”\n\n“Nobody leaves.”",
            &[
                (
                    "We are ready, … We will stay.",
                    Direct,
                    "said",
                    "Elena Varga",
                ),
                ("Nobody leaves.", Direct, "", "Elena Varga"),
            ],
        );
    }

    #[test]
    fn partial_quotes() {
        check(
            "Omar Haddad called the plan “a recipe for disaster” on Monday.",
            &[
                (
                    "the plan “a recipe for disaster”",
                    Indirect,
                    "called",
                    "Omar Haddad",
                ),
                ("a recipe for disaster", Partial, "called", "Omar Haddad"),
            ],
        );
        check(
            "Elena Varga said the vote was “a turning point” for the town.",
            &[
                (
                    "the vote was “a turning point” for the town",
                    Indirect,
                    "said",
                    "Elena Varga",
                ),
                ("a turning point", Partial, "said", "Elena Varga"),
            ],
        );
        check("The so-called “green wall” was finished.", &[]);
    }

    #[test]
    fn quote_over_paragraphs() {
        check(
            "Elena Varga said:\n\n“We came by night.\n\n“We left by day.”",
            &[(
                "We came by night.\n\n“We left by day.",
                Direct,
                "said",
                "Elena Varga",
            )],
        );
    }

    #[test]
    fn reported_speech() {
        check(
            "The minister said he plans to resign.",
            &[("he plans to resign", Indirect, "said", "?")],
        );
        check(
            "According to the Interior Ministry, the border stays closed.",
            &[(
                "the border stays closed",
                Indirect,
                "According to",
                "Interior Ministry",
            )],
        );
        check(
            "The border stays closed, according to the Interior Ministry.",
            &[(
                "The border stays closed",
                Indirect,
                "according to",
                "Interior Ministry",
            )],
        );
        check(
            "Omar Haddad said that the dam would hold.",
            &[("that the dam would hold", Indirect, "said", "Omar Haddad")],
        );
        check(
            "Omar Haddad told reporters the dam would hold.",
            &[(
                "the dam would hold",
                Indirect,
                "told reporters",
                "Omar Haddad",
            )],
        );
        check(
            "Omar Haddad, who runs the port, said on Monday that ships would wait.",
            &[("that ships would wait", Indirect, "said", "Omar Haddad")],
        );
        check(
            "Omar Haddad said in a statement the port is open.",
            &[(
                "the port is open",
                Indirect,
                "said in a statement",
                "Omar Haddad",
            )],
        );
        check(
            "The port will reopen next week, officials said.",
            &[("The port will reopen next week", Indirect, "said", "?")],
        );
    }

    #[test]
    fn pronoun_speakers() {
        check(
            "Elena Varga met Omar Haddad. “It went well,” she said. “We agree,” he tweeted.",
            &[
                ("It went well,", Direct, "said", "Elena Varga"),
                ("We agree,", Direct, "tweeted", "Omar Haddad"),
            ],
        );
        check(
            "Mr. Okafor arrived late. “Sorry,” she said.",
            &[("Sorry,", Direct, "said", "?")],
        );
        check(
            "Dana Brel spoke first. Brel said her team had won. “We worked hard,” she said.",
            &[
                ("her team had won", Indirect, "said", "Dana Brel"),
                ("We worked hard,", Direct, "said", "Dana Brel"),
            ],
        );
    }

    #[test]
    fn teasers_hold_no_speaker() {
        // A link to another story between paragraphs neither speaks nor interrupts a speaker.
        check(
            "Omar Haddad studied the emails. “They came from one group,” Haddad said.\n\n\
             WATCH: Kessel police warn of rise in email scams\n\n\
             “This game is about getting people to respond,” he said.\n\n\
             Article Continued Below\n\n\
             “They will try again.”",
            &[
                ("They came from one group,", Direct, "said", "Omar Haddad"),
                (
                    "This game is about getting people to respond,",
                    Direct,
                    "said",
                    "Omar Haddad",
                ),
                ("They will try again.", Direct, "", "Omar Haddad"),
            ],
        );
    }

    #[test]
    fn participle_after_an_attribution_shares_its_speaker() {
        check(
            "Each charge carries a long sentence, Tomas Brel said, adding that more charges \
             are possible.",
            &[
                (
                    "Each charge carries a long sentence",
                    Indirect,
                    "said",
                    "Tomas Brel",
                ),
                (
                    "that more charges are possible",
                    Indirect,
                    "adding",
                    "Tomas Brel",
                ),
            ],
        );
    }

    #[test]
    fn they_and_it_after_a_named_group() {
        check(
            "Authorities said the driver was hurt. They said her injuries were not serious.",
            &[
                ("the driver was hurt", Indirect, "said", "Authorities"),
                (
                    "her injuries were not serious",
                    Indirect,
                    "said",
                    "Authorities",
                ),
            ],
        );
        // A person is never "it"; a group two paragraphs back is too far.
        check(
            "Elena Varga said the port would open. It said trade would grow.",
            &[
                ("the port would open", Indirect, "said", "Elena Varga"),
                ("trade would grow", Indirect, "said", "?"),
            ],
        );
        check(
            "Authorities said the road was shut.\n\nRain fell.\n\nSnow fell.\n\n\
             They said it would reopen.",
            &[
                ("the road was shut", Indirect, "said", "Authorities"),
                ("it would reopen", Indirect, "said", "?"),
            ],
        );
    }

    #[test]
    fn section_labels_are_not_speakers() {
        check(
            "ANALYST'S VIEWPOINT: \"Let's see who folds there. Can he push back harder?\" \
             Mara Sund, a strategist for Nordbank, said in a commentary.",
            &[(
                "Let's see who folds there. Can he push back harder?",
                Direct,
                "said",
                "Mara Sund",
            )],
        );
        check(
            "EARNINGS: Norvik Steel said it posted a drop in profit.",
            &[
                (
                    "it posted a drop in profit",
                    Indirect,
                    "said",
                    "Norvik Steel",
                ),
                ("a drop in profit", Indirect, "posted", "Norvik Steel"),
            ],
        );
        check(
            "HADDAD: Will you rebuild?\n\nVARGA: We will rebuild the port.\n\nHADDAD: By \
             when?\n\nVARGA: By May.",
            &[
                ("Will you rebuild", Indirect, ":", "HADDAD"),
                ("We will rebuild the port", Indirect, ":", "VARGA"),
                ("By when", Indirect, ":", "HADDAD"),
                ("By May", Indirect, ":", "VARGA"),
            ],
        );
        check(
            "Elena Varga took the stand.\n\nVARGA: We will rebuild the port.",
            &[("We will rebuild the port", Indirect, ":", "Elena Varga")],
        );
    }

    #[test]
    fn role_speakers() {
        check(
            "President Elena Varga visited the port. “We will help,” the president said.",
            &[("We will help,", Direct, "said", "Elena Varga")],
        );
        check(
            "“No comment,” a spokesman said.",
            &[("No comment,", Direct, "said", "?")],
        );
        let q = quotes("“No comment,” a spokesman said.");
        assert_eq!(
            q[0].speaker.as_ref().and_then(|s| s.role.clone()),
            Some("spokesman".into())
        );
    }

    #[test]
    fn headline_in_title_case() {
        check(
            "Lindsey Graham Says Trump Could Address Clean Energy\n\nThe senator spoke on Monday.",
            &[(
                "Trump Could Address Clean Energy",
                Indirect,
                "Says",
                "Lindsey Graham",
            )],
        );
        // A capitalised verb in an ordinary sentence is not a cue.
        check("Says Who is a quiz show on Radio Kessel.", &[]);
    }

    #[test]
    fn stance_words_with_their_preposition() {
        check(
            "Lindsey Graham has been critical of Elena Varga.",
            &[("Elena Varga", Indirect, "critical of", "Lindsey Graham")],
        );
        check(
            "Ana Ruiz is a staunch opponent of the new dam.",
            &[("the new dam", Indirect, "opponent of", "Ana Ruiz")],
        );
        check(
            "Varga railed against the special provisions in the tax code, but the vote failed.",
            &[(
                "the special provisions in the tax code",
                Indirect,
                "railed against",
                "Varga",
            )],
        );
        // No holder, no attribution.
        check("The criticism of the dam grew louder.", &[]);
    }

    #[test]
    fn no_role_from_a_relative_clause_about_the_speaker() {
        let text = "Tomas Brekke visited Kessel. Brekke, who faces criticism over cuts to the national dam budget, said an inquiry would report soon.";
        let q = quotes(text);
        let s = q[0].speaker.as_ref().expect("a speaker");
        assert_eq!(
            (s.name.as_deref(), s.role.as_deref()),
            (Some("Tomas Brekke"), None)
        );
        let q = quotes(
            "Ana Ruiz, a lawyer who works for the national union, said the plan would fail.",
        );
        let s = q[0].speaker.as_ref().expect("a speaker");
        assert_eq!(s.role.as_deref(), Some("lawyer"));
    }

    #[test]
    fn description_of_the_subject_before() {
        check(
            "Tomas Brel made the comments at a town hall.\n\nThe prime minister said he was \
             concerned about the cuts.",
            &[(
                "he was concerned about the cuts",
                Indirect,
                "said",
                "Tomas Brel",
            )],
        );
        check(
            "KESSEL — Tomas Brel is considering a move into politics.\n\nThe former \
             sergeant-at-arms of the House of Commons said he would run.",
            &[("he would run", Indirect, "said", "Tomas Brel")],
        );
        // Someone else in between: either may be meant.
        check(
            "Tomas Brel met the mayor.\n\nThe prime minister said he was concerned.",
            &[("he was concerned", Indirect, "said", "?")],
        );
    }

    #[test]
    fn pronoun_prefers_the_subject_of_its_paragraph() {
        check(
            "Omar Haddad gave no details about Tomas Brel's trip. But he said talks would go on.",
            &[("talks would go on", Indirect, "said", "Omar Haddad")],
        );
    }

    #[test]
    fn quote_after_a_colon_frame() {
        check(
            "Omar Haddad took to the radio with this: “The port will open in May.”",
            &[("The port will open in May.", Direct, "", "Omar Haddad")],
        );
        check(
            "“Forget the old plan,” Haddad said. And here was the news: “We build a new port.”",
            &[
                ("Forget the old plan,", Direct, "said", "Haddad"),
                ("We build a new port.", Direct, "", "Haddad"),
            ],
        );
    }

    #[test]
    fn the_reader_addressed_is_no_speaker_to_go_on_with() {
        check(
            "“Beards are back,” says Omar Haddad.\n\nWhen you say you hate it, it may upset \
             him. “Confidence is attractive.”",
            &[
                ("Beards are back,", Direct, "says", "Omar Haddad"),
                ("you hate it, it may upset him", Indirect, "say", "?"),
                ("Confidence is attractive.", Direct, "", "Omar Haddad"),
            ],
        );
    }

    #[test]
    fn source_after_a_participle_with_its_titles() {
        check(
            "Kessel foreign ministry spokeswoman Ana Ruiz shot back on Tuesday, saying the \
             claims were false.",
            &[("the claims were false", Indirect, "saying", "Ana Ruiz")],
        );
        check(
            "Kessel Foreign Ministry spokesperson Lu Kang gave no details about Tomas Brel's \
             trip. But he said talks would go on.",
            &[("talks would go on", Indirect, "said", "Lu Kang")],
        );
    }

    #[test]
    fn a_document_speaks_for_its_owner() {
        check(
            "The Kessel Police statement said the road was closed.",
            &[("the road was closed", Indirect, "said", "Kessel Police")],
        );
        check(
            "“The road is closed,” said a statement released by the Nordhaven Council.\n\nThe \
             council met.",
            &[("The road is closed,", Direct, "said", "Nordhaven Council")],
        );
        check(
            "The statement said the road was closed.",
            &[("the road was closed", Indirect, "said", "?")],
        );
    }

    #[test]
    fn plural_nouns_after_a_possessive_or_preposition() {
        check(
            "The statement came amid questions over how the port was sold. Varga's comments \
             raised concerns about the sale.",
            // Only the stance noun "concerns about" attributes: the comments are not a cue.
            &[("the sale", Indirect, "concerns about", "Varga")],
        );
    }

    #[test]
    fn role_holder_named_with_title() {
        check(
            "Chancellor Angela Merkel met the mayor. “We stand together,” the chancellor said.",
            &[("We stand together,", Direct, "said", "Angela Merkel")],
        );
        // A role nobody was given stays without a name.
        check(
            "Angela Merkel met the mayor. “We stand together,” the minister said.",
            &[("We stand together,", Direct, "said", "?")],
        );
    }

    #[test]
    fn pronoun_gender_from_the_text() {
        // Neither first name is on the lists: "Ms." and "his" tell the genders.
        check(
            "Ms. Zorana Kell met Senator Tobin Arrow and his aides. “It went well,” she said. “Agreed,” he said.",
            &[
                ("It went well,", Direct, "said", "Zorana Kell"),
                ("Agreed,", Direct, "said", "Tobin Arrow"),
            ],
        );
    }

    #[test]
    fn organisation_after_according_to() {
        check(
            "According to the Nordhaven regional emergency office, the river will crest on Sunday.",
            &[(
                "the river will crest",
                Indirect,
                "According to",
                "Nordhaven regional emergency office",
            )],
        );
        check(
            "According to exit polls, the mayor leads by ten points.",
            &[(
                "the mayor leads by ten points",
                Indirect,
                "According to",
                "?",
            )],
        );
    }

    #[test]
    fn verb_cues_in_other_forms() {
        check(
            "Varga would support a new bridge over the river.",
            &[("a new bridge over the river", Indirect, "support", "Varga")],
        );
        check(
            "Varga is promising lower taxes for every family.",
            &[(
                "lower taxes for every family",
                Indirect,
                "promising",
                "Varga",
            )],
        );
        // A bare form after a determiner is a noun.
        check("The support for the bridge grew in the spring.", &[]);
        check(
            "Varga cynically dismissed the report as a fairy tale.",
            &[("the report as a fairy tale", Indirect, "dismissed", "Varga")],
        );
        // The passive: the subject is what was said or backed, the agent said it.
        check(
            "The harbour plan has been endorsed by Mayor Ana Ruiz.",
            &[("The harbour plan", Indirect, "been endorsed by", "Ana Ruiz")],
        );
    }

    #[test]
    fn quotes_signed_with_a_dash_one_per_line() {
        let text = text::normalize(
            "”We were never asked about the plan.” ― Ana Ruiz\n“He talks and talks and never listens.”― Omar Haddad\u{a0}\n“Nothing will change after this vote.” ― Lea Brel",
        )
        .text;
        check(
            &text,
            &[
                (
                    "We were never asked about the plan.",
                    Direct,
                    "―",
                    "Ana Ruiz",
                ),
                (
                    "He talks and talks and never listens.",
                    Direct,
                    "―",
                    "Omar Haddad",
                ),
                (
                    "Nothing will change after this vote.",
                    Direct,
                    "―",
                    "Lea Brel",
                ),
            ],
        );
    }

    #[test]
    fn second_quote_with_its_own_cue() {
        check(
            "“We cannot pay for this,” Varga said, adding later, “The bridge must wait a year.”",
            &[
                ("We cannot pay for this,", Direct, "said", "Varga"),
                ("The bridge must wait a year.", Direct, "adding", "Varga"),
            ],
        );
        check(
            "“Every time you say that,” Tester said, referring to the excuse, “you help them.”",
            &[
                (
                    "Every time you say that, … you help them.",
                    Direct,
                    "said",
                    "Tester",
                ),
                ("to the excuse", Indirect, "referring", "Tester"),
            ],
        );
    }

    #[test]
    fn continuation_after_a_clause_about_the_speaker() {
        check(
            "“These are strange days,” said Ana Ruiz, a lawyer who has been challenging the mine owners for years. “I am skeptical he can pull it off.”",
            &[(
                "These are strange days, … I am skeptical he can pull it off.",
                Direct,
                "said",
                "Ana Ruiz",
            )],
        );
    }

    #[test]
    fn continuation_quotes() {
        check(
            "“The water is rising,” Elena Varga said.\n\n“We need more boats and more hands.”",
            &[
                ("The water is rising,", Direct, "said", "Elena Varga"),
                (
                    "We need more boats and more hands.",
                    Direct,
                    "",
                    "Elena Varga",
                ),
            ],
        );
        check(
            "The town was quiet.\n\n“We need more boats and more hands.”",
            &[("We need more boats and more hands.", Direct, "", "")],
        );
    }

    #[test]
    fn other_attribution_shapes() {
        check(
            "Varga: Bridge Will Reopen in May",
            &[("Bridge Will Reopen in May", Indirect, ":", "Varga")],
        );
        check(
            "“The river is our road.” ― Elena Varga",
            &[("The river is our road.", Direct, "―", "Elena Varga")],
        );
        check(
            "Omar Haddad left the hall, saying the port would stay open.",
            &[(
                "the port would stay open",
                Indirect,
                "saying",
                "Omar Haddad",
            )],
        );
        check(
            "The port was busy, Omar Haddad said, until the storm came.",
            &[(
                "The port was busy … until the storm came",
                Indirect,
                "said",
                "Omar Haddad",
            )],
        );
        check(
            "''We will not sell,'' said Omar Haddad.",
            &[("We will not sell,", Direct, "said", "Omar Haddad")],
        );
        check(
            "“Why now?” Elena Varga asked.",
            &[("Why now?", Direct, "asked", "Elena Varga")],
        );
        check(
            "Omar Haddad urged voters to stay home.",
            &[("voters to stay home", Indirect, "urged", "Omar Haddad")],
        );
    }

    #[test]
    fn second_cue_of_the_same_subject() {
        check(
            "Tomas Brel criticized the budget and praised the new harbour plan.",
            &[
                ("the budget", Indirect, "criticized", "Tomas Brel"),
                ("the new harbour plan", Indirect, "praised", "Tomas Brel"),
            ],
        );
        check(
            "Ana Ruiz mocked the levy, claiming that it would close every bakery in town.",
            &[
                ("the levy", Indirect, "mocked", "Ana Ruiz"),
                (
                    "that it would close every bakery in town",
                    Indirect,
                    "claiming",
                    "Ana Ruiz",
                ),
            ],
        );
    }

    #[test]
    fn reported_speech_boundaries() {
        // A demonstrative "that" inside the content does not start it.
        check(
            "Mayor Ines Castell said she had heard that rumour.",
            &[(
                "she had heard that rumour",
                Indirect,
                "said",
                "Ines Castell",
            )],
        );
        // Nor does a relative "that" after the content's own verb.
        check(
            "Mayor Ines Castell said officials have a video that shows the crash.",
            &[(
                "officials have a video that shows the crash",
                Indirect,
                "said",
                "Ines Castell",
            )],
        );
        // A pronoun after an inverted cue is the content's subject.
        check(
            "Ines Castell, the mayor, said he would stay.",
            &[("he would stay", Indirect, "said", "Ines Castell")],
        );
        // Content resumed after the attribution with its verb.
        check(
            "The new ferry schedule, officials said, could start in May.",
            &[(
                "The new ferry schedule … could start in May",
                Indirect,
                "said",
                "?",
            )],
        );
        // "and" with a verb after a content clause with its own subject stays in the content.
        check(
            "Officers say he ignored the order and refused to drop the gun.",
            &[(
                "he ignored the order and refused to drop the gun",
                Indirect,
                "say",
                "Officers",
            )],
        );
        // A parenthesis and an apposition between the name and the cue.
        check(
            "Sen. Ana Ruiz (D-Ore.), chair of the port committee, said the dredging would wait.",
            &[("the dredging would wait", Indirect, "said", "Ana Ruiz")],
        );
    }

    #[test]
    fn learned_cues_and_plural_subjects() {
        check(
            "Councillor Ruiz derided the tram plan as a vanity project.",
            &[(
                "the tram plan as a vanity project",
                Indirect,
                "derided",
                "Ruiz",
            )],
        );
        check(
            "Harbour records show that the ferry lost money every winter.",
            &[(
                "that the ferry lost money every winter",
                Indirect,
                "show",
                "?",
            )],
        );
        check(
            "A regional appeals court ruled that the ferry fees were unlawful.",
            &[("that the ferry fees were unlawful", Indirect, "ruled", "?")],
        );
        check(
            "She read the harbour audit, which found that the ferry lost money.",
            &[("that the ferry lost money", Indirect, "found", "?")],
        );
        check(
            "The Harbour Gazette endorsed Castell.",
            &[("Castell", Indirect, "endorsed", "Harbour Gazette")],
        );
        check(
            "The tram plan has been endorsed by dozens of shopkeepers.",
            &[("The tram plan", Indirect, "been endorsed by", "?")],
        );
        check(
            "Elena Varga issued a statement saying the bridge would reopen.",
            &[("the bridge would reopen", Indirect, "saying", "?")],
        );
        check(
            "After the vote, local residents had little support for the tunnel.",
            &[("the tunnel", Indirect, "support for", "")],
        );
        check(
            "Turnout fell among voters who said the bridge mattered most.",
            &[("the bridge mattered most", Indirect, "said", "?")],
        );
        check(
            "Residents want a bridge that carries trams.",
            &[("a bridge that carries trams", Indirect, "want", "Residents")],
        );
        check(
            "Some Greens question the cost of the tunnel.",
            &[("the cost of the tunnel", Indirect, "question", "Greens")],
        );
        check(
            "According to early figures from the regional weather office, the river peaked at noon.",
            &[("the river peaked at noon", Indirect, "According to", "?")],
        );
    }

    #[test]
    fn cue_after_and_or_by_takes_the_subject() {
        check(
            "Tomas Brel left the council early and blamed the weather for the delay.",
            &[(
                "the weather for the delay",
                Indirect,
                "blamed",
                "Tomas Brel",
            )],
        );
        check(
            "Ana Ruiz opened the meeting by thanking the volunteers for their work.",
            &[(
                "the volunteers for their work",
                Indirect,
                "thanking",
                "Ana Ruiz",
            )],
        );
    }

    #[test]
    fn content_around_the_attribution() {
        // A "that" clause after the cue is the content, not the phrase before the source.
        check(
            "Pressing the point, Ana Ruiz said on the radio that the ferry would be late.",
            &[("that the ferry would be late", Indirect, "said", "Ana Ruiz")],
        );
        check(
            "When the polls finally opened, she said, there were no ballots left.",
            &[(
                "When the polls finally opened … there were no ballots left",
                Indirect,
                "said",
                "?",
            )],
        );
    }

    #[test]
    fn framing_phrases_and_questions() {
        check(
            "Minutes later, when asked which of the bridges would reopen first, she smiled.",
            &[(
                "which of the bridges would reopen first",
                Indirect,
                "asked",
                "",
            )],
        );
        check(
            "In a poll released by the Courier on Monday, most residents would pay a higher toll.",
            &[(
                "most residents would pay a higher toll",
                Indirect,
                "In",
                "Courier",
            )],
        );
        check(
            "Asked whether the ferry would run in winter, the mayor smiled.",
            &[(
                "whether the ferry would run in winter",
                Indirect,
                "Asked",
                "",
            )],
        );
        // A short adverbial phrase is not reported speech.
        check("From Lanvik, Ana Ruiz said.", &[]);
    }

    #[test]
    fn infinitive_and_postmodifier_cues() {
        check(
            "Tomas Brel hesitated to endorse the harbour plan.",
            &[("the harbour plan", Indirect, "endorse", "Tomas Brel")],
        );
        check(
            "The rally drew pastors supporting the new quota.",
            &[("the new quota", Indirect, "supporting", "?")],
        );
        check(
            "The report rests on the claim that the tunnel was safe.",
            &[("that the tunnel was safe", Indirect, "claim", "")],
        );
    }

    #[test]
    fn plural_nouns_that_look_like_cues() {
        check(
            "All four coastal states voting on Tuesday hold the ferry licences.",
            &[],
        );
        check(
            "Ana Ruiz, wearing a harbour pilot's cap, said the channel was clear.",
            &[("the channel was clear", Indirect, "said", "Ana Ruiz")],
        );
    }

    #[test]
    fn odd_input_does_not_panic() {
        for text in [
            "",
            "\"",
            "“",
            "said",
            "”said,” ",
            "a, said",
            "According to",
            "\n\n“\n\n”",
            "é“”’'«»",
            ", , said he",
        ] {
            for q in quotes(text) {
                assert_eq!(&text[q.span.clone()], q.text);
            }
        }
    }
}
