//! People in one article and how a speaker mention resolves to one of them: short names to the
//! full name ("Varga" → "Elena Varga"), pronouns to the nearest person of the same gender,
//! roles ("the president") to the person the article introduced with that role.
//!
//! Resolution never guesses: when no person fits, the speaker keeps its mention and role but no
//! name. [`find_people`] is a capitalised-name heuristic standing in for the NER model.

use super::tokens::{Tok, tokenize};
use super::{Gender, PersonMention};
use text::Span;

/// Honorifics and the gender they imply.
const HONORIFICS: &[(&str, Option<Gender>)] = &[
    ("mr", Some(Gender::Male)),
    ("mrs", Some(Gender::Female)),
    ("ms", Some(Gender::Female)),
    ("miss", Some(Gender::Female)),
    ("madam", Some(Gender::Female)),
    ("sir", Some(Gender::Male)),
    ("lady", Some(Gender::Female)),
    ("lord", Some(Gender::Male)),
    ("dr", None),
    ("prof", None),
];

/// Words that name a role or title. Used for title-before-name ("President Elena Varga"),
/// appositions ("Varga, the president") and role speakers ("a spokesman said").
pub(crate) const ROLE_WORDS: &[&str] = &[
    "president",
    "vice",
    "prime",
    "minister",
    "secretary",
    "senator",
    "sen",
    "rep",
    "gov",
    "representative",
    "governor",
    "mayor",
    "chancellor",
    "judge",
    "general",
    "gen",
    "col",
    "lt",
    "sgt",
    "capt",
    "adm",
    "pope",
    "king",
    "queen",
    "prince",
    "princess",
    "sheikh",
    "ambassador",
    "commissioner",
    "chairman",
    "chairwoman",
    "chair",
    "chief",
    "attorney",
    "speaker",
    "leader",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "spokesmen",
    "aide",
    "aides",
    "adviser",
    "advisers",
    "advisor",
    "advisors",
    "official",
    "officials",
    "manager",
    "director",
    "candidate",
    "nominee",
    "congressman",
    "congresswoman",
    "lawmaker",
    "lawmakers",
    "deputy",
    "acting",
    "former",
    "executive",
    "officer",
    "strategist",
    "pollster",
    "founder",
    "head",
    "prosecutor",
    "prosecutors",
    "lawyer",
    "lawyers",
    "economist",
    "analyst",
    "analysts",
    "professor",
    "coach",
    "ceo",
    "governor-elect",
    "president-elect",
    "senior",
    "top",
    "campaign",
    "press",
    "foreign",
    "interior",
    "defense",
    "defence",
    "finance",
    "justice",
    "health",
    "state",
    "white",
    "house",
    "senate",
    "majority",
    "minority",
    "party",
    "police",
    "army",
    "military",
    "federal",
    "republican",
    "democratic",
    "democrat",
    "national",
    "security",
    "communications",
    "treasury",
    "energy",
    "labor",
    "education",
    "trade",
    "economy",
    "inspector",
    "sheriff",
    "commander",
    "colonel",
    "captain",
    "sergeant",
    "lieutenant",
    "admiral",
    "bishop",
    "rabbi",
    "imam",
    "cardinal",
    "surgeon",
    "dean",
    "rector",
    "treasurer",
    "auditor",
    "clerk",
    "mp",
    "mep",
    "councillor",
    "councilman",
    "councilwoman",
    "delegate",
    "envoy",
    "negotiator",
    "staffer",
    "staff",
    "organizer",
];

pub(crate) fn is_honorific(lower: &str) -> bool {
    let l = lower.trim_end_matches('.');
    HONORIFICS.iter().any(|(h, _)| *h == l)
}

/// Membership in one of the word lists, through a hash set built once per list.
/// A map from words, hashed with a fast non-cryptographic hash: these lookups run per token.
pub(crate) type WordMap<V> = std::collections::HashMap<String, V, foldhash::fast::FixedState>;

macro_rules! word_set {
    ($name:ident, $list:ident) => {
        pub(crate) fn $name(w: &str) -> bool {
            static SET: std::sync::OnceLock<
                std::collections::HashSet<&'static str, foldhash::fast::FixedState>,
            > = std::sync::OnceLock::new();
            SET.get_or_init(|| $list.iter().copied().collect())
                .contains(w)
        }
    };
}
pub(crate) use word_set;

word_set!(is_role, ROLE_WORDS);
word_set!(is_not_name, NOT_NAMES);
word_set!(is_not_person, NOT_PERSON);

/// Title words that may stand before a name and are not part of it.
fn is_title(lower: &str) -> bool {
    let l = lower.trim_end_matches('.');
    HONORIFICS.iter().any(|(h, _)| *h == l) || is_role(l) || l == "of"
}

/// A small written-in list of first names and their usual gender; enough for pronoun agreement.
const FEMALE: &[&str] = &[
    "mary",
    "patricia",
    "jennifer",
    "linda",
    "elizabeth",
    "barbara",
    "susan",
    "jessica",
    "sarah",
    "karen",
    "nancy",
    "lisa",
    "betty",
    "margaret",
    "sandra",
    "ashley",
    "kimberly",
    "emily",
    "donna",
    "michelle",
    "dorothy",
    "carol",
    "amanda",
    "melissa",
    "deborah",
    "stephanie",
    "rebecca",
    "sharon",
    "laura",
    "cynthia",
    "kathleen",
    "amy",
    "shirley",
    "angela",
    "helen",
    "anna",
    "brenda",
    "pamela",
    "nicole",
    "emma",
    "samantha",
    "katherine",
    "christine",
    "debra",
    "rachel",
    "catherine",
    "carolyn",
    "janet",
    "ruth",
    "maria",
    "heather",
    "diane",
    "virginia",
    "julie",
    "joyce",
    "victoria",
    "olivia",
    "kelly",
    "christina",
    "lauren",
    "joan",
    "evelyn",
    "judith",
    "megan",
    "cheryl",
    "andrea",
    "hannah",
    "martha",
    "jacqueline",
    "frances",
    "gloria",
    "ann",
    "teresa",
    "kathryn",
    "sara",
    "janice",
    "jean",
    "alice",
    "madison",
    "doris",
    "abigail",
    "julia",
    "judy",
    "grace",
    "denise",
    "amber",
    "marilyn",
    "beverly",
    "danielle",
    "theresa",
    "sophia",
    "marie",
    "diana",
    "brittany",
    "natalie",
    "isabella",
    "charlotte",
    "rose",
    "alexis",
    "kayla",
    "hillary",
    "chelsea",
    "melania",
    "ivanka",
    "kellyanne",
    "huma",
    "carly",
    "jill",
    "elena",
    "angela",
    "theresa",
    "nikki",
    "sarah",
    "hope",
    "donna",
    "debbie",
    "dana",
    "katrina",
    "kirsten",
    "tammy",
    "nita",
    "maxine",
    "elise",
    "marsha",
    "kamala",
    "loretta",
    "condoleezza",
    "madeleine",
    "hope",
    "anne",
    "sophie",
    "claire",
    "marine",
    "ursula",
    "christine",
    "giorgia",
    "irina",
    "olga",
    "natasha",
    "svetlana",
    "fatima",
    "aisha",
    "leila",
    "yasmin",
    "mei",
    "yuki",
    "priya",
    "ana",
    "carmen",
    "lucia",
    "sofia",
    "ingrid",
    "astrid",
    "greta",
    "hanna",
    "eva",
    "clara",
    "nina",
    "vera",
    "zoe",
    "chloe",
    "lucy",
    "ella",
    "mia",
    "ava",
    "lily",
    "jane",
    "susanna",
    "sheila",
    "wendy",
    "tina",
    "paula",
    "monica",
    "veronica",
    "rita",
    "irene",
    "nora",
    "elaine",
    "lois",
    "peggy",
    "connie",
    "stacey",
    "tracy",
    "kristen",
    "erin",
    "molly",
    "hilary",
    "janine",
    "ruby",
    "stella",
    "maya",
    "naomi",
    "leah",
    "miriam",
    "esther",
    "sonia",
    "marta",
    "agnes",
    "beatrice",
    "margot",
    "ines",
    "jenna",
    "kate",
    "katie",
    "meghan",
    "lara",
];

const MALE: &[&str] = &[
    "james",
    "john",
    "robert",
    "michael",
    "william",
    "david",
    "richard",
    "joseph",
    "thomas",
    "charles",
    "christopher",
    "daniel",
    "matthew",
    "anthony",
    "mark",
    "donald",
    "steven",
    "paul",
    "andrew",
    "joshua",
    "kenneth",
    "kevin",
    "brian",
    "george",
    "timothy",
    "ronald",
    "edward",
    "jason",
    "jeffrey",
    "ryan",
    "jacob",
    "gary",
    "nicholas",
    "eric",
    "jonathan",
    "stephen",
    "larry",
    "justin",
    "scott",
    "brandon",
    "benjamin",
    "samuel",
    "gregory",
    "frank",
    "alexander",
    "raymond",
    "patrick",
    "jack",
    "dennis",
    "jerry",
    "tyler",
    "aaron",
    "jose",
    "adam",
    "henry",
    "nathan",
    "douglas",
    "zachary",
    "peter",
    "kyle",
    "walter",
    "ethan",
    "jeremy",
    "harold",
    "keith",
    "christian",
    "roger",
    "noah",
    "gerald",
    "carl",
    "terry",
    "sean",
    "austin",
    "arthur",
    "lawrence",
    "jesse",
    "dylan",
    "bryan",
    "joe",
    "jordan",
    "billy",
    "bruce",
    "albert",
    "willie",
    "gabriel",
    "logan",
    "alan",
    "juan",
    "wayne",
    "roy",
    "ralph",
    "randy",
    "eugene",
    "vincent",
    "russell",
    "elijah",
    "louis",
    "bobby",
    "philip",
    "johnny",
    "barack",
    "bill",
    "bernie",
    "ted",
    "marco",
    "mike",
    "tim",
    "newt",
    "mitt",
    "jeb",
    "ben",
    "chris",
    "reince",
    "corey",
    "rudy",
    "rand",
    "marco",
    "lindsey",
    "mitch",
    "harry",
    "chuck",
    "rick",
    "jim",
    "tom",
    "bob",
    "dick",
    "jimmy",
    "ronald",
    "hugh",
    "vladimir",
    "sergei",
    "dmitry",
    "boris",
    "emmanuel",
    "francois",
    "françois",
    "nicolas",
    "jacques",
    "angelo",
    "matteo",
    "giuseppe",
    "luigi",
    "carlos",
    "miguel",
    "pedro",
    "luis",
    "jorge",
    "manuel",
    "omar",
    "ahmed",
    "mohammed",
    "muhammad",
    "ali",
    "hassan",
    "hussein",
    "ibrahim",
    "mustafa",
    "recep",
    "bashar",
    "benjamin",
    "yair",
    "xi",
    "shinzo",
    "narendra",
    "justin",
    "stephen",
    "tony",
    "gordon",
    "nigel",
    "jeremy",
    "keir",
    "rishi",
    "olaf",
    "friedrich",
    "helmut",
    "gerhard",
    "wolfgang",
    "hans",
    "karl",
    "viktor",
    "andrzej",
    "volodymyr",
    "petro",
    "alexei",
    "alexey",
    "mikhail",
    "ivan",
    "igor",
    "oleg",
    "yuri",
    "sebastian",
    "mateo",
    "leo",
    "hugo",
    "oscar",
    "felix",
    "max",
    "lucas",
    "liam",
    "oliver",
    "elias",
    "jan",
    "piotr",
    "tomas",
    "lars",
    "anders",
    "erik",
    "sven",
    "dan",
    "ken",
    "steve",
    "jeff",
    "greg",
    "doug",
    "phil",
    "nick",
    "sam",
    "matt",
    "andy",
    "dave",
    "ron",
    "don",
    "rob",
    "ed",
    "al",
    "fred",
    "hank",
    "howard",
    "martin",
    "marvin",
    "glenn",
    "kurt",
    "leon",
    "dean",
    "roy",
    "earl",
    "herman",
    "newton",
    "trey",
    "jared",
    "eric",
    "kellan",
];

/// The gender a first name usually has, if the list knows it.
pub(crate) fn first_name_gender(first: &str) -> Option<Gender> {
    let l = first.to_lowercase();
    let f = FEMALE.contains(&l.as_str());
    let m = MALE.contains(&l.as_str());
    match (f, m) {
        (true, false) => Some(Gender::Female),
        (false, true) => Some(Gender::Male),
        _ => None,
    }
}

/// Capitalised words that start a sentence or clause but never a name.
const NOT_NAMES: &[&str] = &[
    "the",
    "a",
    "an",
    "but",
    "and",
    "or",
    "so",
    "yet",
    "in",
    "on",
    "at",
    "when",
    "after",
    "before",
    "while",
    "if",
    "as",
    "for",
    "meanwhile",
    "however",
    "then",
    "this",
    "that",
    "it",
    "he",
    "she",
    "they",
    "we",
    "i",
    "you",
    "his",
    "her",
    "their",
    "our",
    "my",
    "there",
    "here",
    "what",
    "who",
    "why",
    "how",
    "where",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
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
    "with",
    "from",
    "by",
    "to",
    "of",
    "not",
    "no",
    "yes",
    "all",
    "some",
    "many",
    "most",
    "also",
    "still",
    "now",
    "today",
    "since",
    "although",
    "though",
    "because",
    "during",
    "despite",
    "under",
    "over",
    "about",
    "just",
    "even",
    "only",
    "both",
    "each",
    "every",
    "one",
    "two",
    "three",
    "last",
    "next",
    "new",
    "read",
    "watch",
    "click",
    "follow",
    "update",
    "updated",
    "photo",
    "video",
    "these",
    "those",
    "its",
    "our",
    "your",
    "we're",
    "i'm",
    "it's",
    "that's",
    "there's",
    "he's",
    "she's",
];

/// Words that mark a capitalised sequence as an organisation, place or thing, not a person.
pub(crate) const NOT_PERSON: &[&str] = &[
    "party",
    "house",
    "department",
    "news",
    "post",
    "times",
    "journal",
    "ministry",
    "university",
    "committee",
    "campaign",
    "court",
    "street",
    "county",
    "state",
    "states",
    "city",
    "republicans",
    "democrats",
    "republican",
    "democratic",
    "democrat",
    "fox",
    "cnn",
    "msnbc",
    "abc",
    "nbc",
    "cbs",
    "reuters",
    "press",
    "associated",
    "council",
    "office",
    "agency",
    "bank",
    "company",
    "inc",
    "corp",
    "group",
    "institute",
    "foundation",
    "center",
    "centre",
    "association",
    "union",
    "senate",
    "congress",
    "white",
    "america",
    "american",
    "americans",
    "united",
    "national",
    "federal",
    "international",
    "service",
    "services",
    "police",
    "army",
    "force",
    "forces",
    "network",
    "magazine",
    "daily",
    "tribune",
    "herald",
    "review",
    "club",
    "school",
    "college",
    "hospital",
    "church",
    "airport",
    "island",
    "river",
    "mountain",
    "park",
    "square",
    "avenue",
    "road",
    "bridge",
    "tower",
    "hall",
    "building",
    "media",
    "twitter",
    "facebook",
    "google",
    "twitter's",
    "gop",
    "fbi",
    "cia",
    "nsa",
    "isis",
    "nato",
    "eu",
    "un",
    "u.s",
    "obamacare",
    "trump's",
    "clinton's",
    "times'",
    "politico",
    "breitbart",
    "huffington",
];

const PARTICLES: &[&str] = &[
    "de", "van", "von", "der", "den", "bin", "al", "da", "di", "du", "la", "le", "del", "dos",
];

/// People mentioned in `text` by a capitalised-name heuristic: a capitalised sequence counts as a
/// person when a title or honorific stands before it or its first word is a known first name;
/// a later single word equal to such a person's surname counts too. Stands in for the NER model.
pub fn find_people(text: &str) -> Vec<PersonMention> {
    let toks = tokenize(text);
    let mut out: Vec<PersonMention> = Vec::new();
    let mut surnames: Vec<String> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if !(toks[i].word && toks[i].cap) {
            i += 1;
            continue;
        }
        // A run of capitalised words, honorific full stops and name particles.
        let mut j = i;
        let mut last_word = i;
        while j < toks.len() {
            let t = &toks[j];
            let joined = j == i || toks[j - 1].span.end <= t.span.start;
            if !joined {
                break;
            }
            if t.word && t.cap {
                last_word = j;
                j += 1;
            } else if (t.is_punct('.')
                && j > i
                && toks[j - 1].word
                && toks[j - 1].span.end == t.span.start
                && is_title(&toks[j - 1].lower))
                || (t.word
                    && PARTICLES.contains(&t.lower.as_str())
                    && toks.get(j + 1).is_some_and(|n| n.word && n.cap))
            {
                j += 1;
            } else {
                break;
            }
        }
        let run = i..last_word + 1;
        i = last_word + 1;
        people_in_run(text, &toks, run, &mut out, &mut surnames);
    }
    out
}

fn people_in_run(
    text: &str,
    toks: &[Tok],
    run: std::ops::Range<usize>,
    out: &mut Vec<PersonMention>,
    surnames: &mut Vec<String>,
) {
    let mut k = run.start;
    let mut gender = None;
    let mut titled = false;
    // Titles and stray clause words before the name.
    while k < run.end {
        let l = toks[k].lower.trim_end_matches('.');
        if toks[k].word && is_title(l) {
            titled = true;
            if let Some((_, g)) = HONORIFICS.iter().find(|(h, _)| *h == l) {
                gender = *g;
            }
            k += 1;
        } else if !toks[k].word || is_not_name(l) {
            k += 1;
        } else {
            break;
        }
    }
    // A lowercase title just before the run ("spokeswoman Ana Ruiz").
    if k == run.start
        && run.start > 0
        && toks[run.start - 1].word
        && is_title(&toks[run.start - 1].lower)
    {
        titled = true;
    }
    let words: Vec<usize> = (k..run.end).filter(|&w| toks[w].word).collect();
    if words.is_empty() || words.len() > 4 {
        return;
    }
    if words
        .iter()
        .any(|&w| is_not_person(toks[w].lower.as_str()) || is_not_name(toks[w].lower.as_str()))
    {
        return;
    }
    let first = strip_possessive(&text[toks[words[0]].span.clone()]);
    let last_tok = &toks[*words.last().unwrap_or(&words[0])];
    let last = strip_possessive(&text[last_tok.span.clone()]);
    let known_first = first_name_gender(first);
    let is_person = titled
        || (words.len() >= 2 && known_first.is_some())
        || (words.len() == 1 && surnames.iter().any(|s| s == &last.to_lowercase()));
    if !is_person {
        return;
    }
    let start = toks[words[0]].span.start;
    let end = toks[*words.last().unwrap_or(&words[0])].span.start + last.len();
    let name = text[start..end].to_owned();
    if words.len() >= 2 {
        surnames.push(last.to_lowercase());
    }
    out.push(PersonMention {
        span: start..end,
        name,
        gender: gender.or(if words.len() >= 2 { known_first } else { None }),
    });
}

pub(crate) fn strip_possessive(word: &str) -> &str {
    word.strip_suffix("'s")
        .or_else(|| word.strip_suffix("’s"))
        .or_else(|| word.strip_suffix('\''))
        .or_else(|| word.strip_suffix('’'))
        .unwrap_or(word)
}

/// One person of the article, after joining short mentions to full names.
#[derive(Debug, Clone)]
pub(crate) struct Person {
    pub full: String,
    pub gender: Option<Gender>,
}

/// The people of one article with every mention resolved, and the roles the text gave them.
#[derive(Debug, Default)]
pub(crate) struct People {
    pub persons: Vec<Person>,
    /// (mention span, person index), sorted by start.
    pub mentions: Vec<(Span, usize)>,
    /// (role word, person index, offset where the role was given).
    pub roles: Vec<(String, usize, usize)>,
}

impl People {
    /// Joins `mentions` into persons and collects genders and roles from the surrounding text.
    pub fn build(text: &str, mentions: &[PersonMention]) -> People {
        People::build_with(text, &tokenize(text), mentions)
    }

    /// [`People::build`] with the tokens of `text` already at hand.
    pub fn build_with(text: &str, toks: &[Tok], mentions: &[PersonMention]) -> People {
        let mut sorted: Vec<&PersonMention> = mentions
            .iter()
            .filter(|m| m.span.start <= m.span.end && m.span.end <= text.len())
            .collect();
        sorted.sort_by_key(|m| (m.span.start, m.span.end));
        let mut people = People::default();
        let clean: Vec<(Vec<&str>, Option<Gender>)> = sorted
            .iter()
            .map(|m| {
                let mut g = m.gender;
                let mut words: Vec<&str> = m
                    .name
                    .split_whitespace()
                    .map(strip_possessive)
                    .filter(|w| !w.is_empty())
                    .collect();
                while let Some(first) = words.first() {
                    let l = first.trim_end_matches('.').to_lowercase();
                    if words.len() > 1 && is_title(&l) {
                        if let Some((_, hg)) = HONORIFICS.iter().find(|(h, _)| *h == l) {
                            g = g.or(*hg);
                        }
                        words.remove(0);
                    } else {
                        break;
                    }
                }
                (words, g)
            })
            .collect();
        // Full names first, so that a headline's bare surname finds the full name given later.
        let mut index: Vec<Option<usize>> = vec![None; sorted.len()];
        for (mi, (words, g)) in clean.iter().enumerate() {
            if words.len() < 2 {
                continue;
            }
            let full = words.join(" ");
            let found = people
                .persons
                .iter()
                .position(|p| p.full.eq_ignore_ascii_case(&full));
            let pi = found.unwrap_or_else(|| {
                people.persons.push(Person { full, gender: None });
                people.persons.len() - 1
            });
            let gender = g.or_else(|| first_name_gender(words[0]));
            if people.persons[pi].gender.is_none() {
                people.persons[pi].gender = gender;
            }
            index[mi] = Some(pi);
        }
        for (mi, (words, g)) in clean.iter().enumerate() {
            if index[mi].is_some() || words.is_empty() {
                continue;
            }
            let w = words[0];
            let at = sorted[mi].span.start;
            let pi = people
                .best_match(w, at, &sorted, &index)
                .unwrap_or_else(|| {
                    people.persons.push(Person {
                        full: w.to_owned(),
                        gender: None,
                    });
                    people.persons.len() - 1
                });
            if people.persons[pi].gender.is_none() {
                people.persons[pi].gender = *g;
            }
            index[mi] = Some(pi);
        }
        people.mentions = sorted
            .iter()
            .zip(&index)
            .filter_map(|(m, i)| i.map(|i| (m.span.clone(), i)))
            .collect();
        people.learn_from_text(text, toks);
        people
    }

    /// The person whose surname (or first name) is `word`: the nearest full-name mention before
    /// `at`, else the first one after it.
    fn best_match(
        &self,
        word: &str,
        at: usize,
        sorted: &[&PersonMention],
        index: &[Option<usize>],
    ) -> Option<usize> {
        let matches = |pi: usize| {
            let words: Vec<&str> = self.persons[pi].full.split_whitespace().collect();
            words.len() >= 2
                && (words.last().is_some_and(|l| l.eq_ignore_ascii_case(word))
                    || words[0].eq_ignore_ascii_case(word))
        };
        let mut before = None;
        let mut after = None;
        for (m, i) in sorted.iter().zip(index) {
            let Some(pi) = *i else { continue };
            if !matches(pi) {
                continue;
            }
            if m.span.start < at {
                before = Some(pi);
            } else if after.is_none() {
                after = Some(pi);
            }
        }
        before.or(after)
    }

    /// The person a bare name refers to (surname, first name or full name).
    pub fn resolve_name(&self, name: &str, at: usize) -> Option<usize> {
        let words: Vec<&str> = name.split_whitespace().map(strip_possessive).collect();
        if words.is_empty() {
            return None;
        }
        let full = words.join(" ");
        if let Some(pi) = self
            .persons
            .iter()
            .position(|p| p.full.eq_ignore_ascii_case(&full))
        {
            return Some(pi);
        }
        let last = words[words.len() - 1];
        let mut best = None;
        for (span, pi) in &self.mentions {
            let pw: Vec<&str> = self.persons[*pi].full.split_whitespace().collect();
            let fits = pw.len() > words.len()
                && (pw.last().is_some_and(|l| l.eq_ignore_ascii_case(last))
                    || (words.len() == 1 && pw[0].eq_ignore_ascii_case(last)));
            if fits && (best.is_none() || span.start < at) {
                best = Some(*pi);
            }
        }
        best
    }

    /// The nearest person of `gender` mentioned before `at` (within a few paragraphs).
    pub fn resolve_pronoun(&self, gender: Gender, at: usize) -> Option<(Span, usize)> {
        let end = self.mentions.partition_point(|(s, _)| s.start < at);
        self.mentions[..end]
            .iter()
            .rev()
            .take_while(|(s, _)| at.saturating_sub(s.start) < 2500)
            .find(|(_, pi)| self.persons[*pi].gender == Some(gender))
            .cloned()
    }

    /// The person the article gave `role` (one lower-case role word) to, preferring the latest
    /// before `at`; `None` when no person holds it.
    pub fn resolve_role(&self, role: &str, at: usize) -> Option<usize> {
        let holders: Vec<&(String, usize, usize)> =
            self.roles.iter().filter(|(r, _, _)| r == role).collect();
        holders
            .iter()
            .rev()
            .find(|(_, _, off)| *off < at)
            .or_else(|| holders.first())
            .map(|(_, pi, _)| *pi)
    }

    /// Genders from pronouns that follow a mention, and roles from titles and appositions.
    fn learn_from_text(&mut self, text: &str, toks: &[Tok]) {
        let mut votes: Vec<(i32, i32)> = vec![(0, 0); self.persons.len()];
        for (mi, (span, pi)) in self.mentions.iter().enumerate() {
            let ti = toks.partition_point(|t| t.span.start < span.start);
            let te = toks.partition_point(|t| t.span.start < span.end);
            let next_mention = self
                .mentions
                .get(mi + 1)
                .map_or(usize::MAX, |(s, _)| s.start);
            let limit = text[span.end..]
                .find("\n\n")
                .map_or(text.len(), |p| span.end + p)
                .min(next_mention);
            // First gendered pronoun after the mention, before the next person or paragraph.
            for t in toks[te..].iter().take_while(|t| t.span.start < limit) {
                match t.lower.as_str() {
                    "he" | "him" | "his" | "himself" => {
                        votes[*pi].0 += 1;
                        break;
                    }
                    "she" | "her" | "hers" | "herself" => {
                        votes[*pi].1 += 1;
                        break;
                    }
                    _ => {}
                }
            }
            // Titles straight before the name: "President Elena Varga", "spokeswoman Ana Ruiz".
            let mut k = ti;
            while k > 0 {
                let t = &toks[k - 1];
                if t.is_punct('.') {
                    k -= 1;
                    continue;
                }
                if t.word && is_title(&t.lower) && t.lower != "of" {
                    if !matches!(
                        t.lower.as_str(),
                        "mr" | "mrs" | "ms" | "dr" | "miss" | "former" | "acting"
                    ) {
                        self.roles.push((role_key(&t.lower), *pi, span.start));
                    }
                    k -= 1;
                } else {
                    break;
                }
            }
            // Apposition after the name: "Elena Varga, the president," / ", a spokeswoman for".
            if toks.get(te).is_some_and(|t| t.is_punct(',')) {
                let mut k = te + 1;
                if toks
                    .get(k)
                    .is_some_and(|t| matches!(t.lower.as_str(), "the" | "a" | "an"))
                {
                    k += 1;
                    let mut last_role = None;
                    while let Some(t) = toks.get(k) {
                        if !t.word || matches!(t.lower.as_str(), "of" | "for" | "who" | "and") {
                            break;
                        }
                        if is_role(t.lower.as_str()) {
                            last_role = Some(t.lower.clone());
                        }
                        k += 1;
                    }
                    if let Some(r) = last_role {
                        self.roles.push((role_key(&r), *pi, span.start));
                    }
                }
            }
            // Apposition before the name: "the president, Elena Varga".
            if ti >= 2
                && toks[ti - 1].is_punct(',')
                && toks[ti - 2].word
                && is_role(toks[ti - 2].lower.as_str())
            {
                self.roles
                    .push((role_key(&toks[ti - 2].lower), *pi, span.start));
            }
        }
        for (p, (m, f)) in self.persons.iter_mut().zip(votes) {
            if p.gender.is_none() && m != f {
                p.gender = Some(if m > f { Gender::Male } else { Gender::Female });
            }
        }
        self.roles.sort_by_key(|r| r.2);
    }
}

/// The word a role is filed under: abbreviations spelt out.
pub(crate) fn role_key(word: &str) -> String {
    match word.trim_end_matches('.') {
        "sen" => "senator".into(),
        "rep" => "representative".into(),
        "gov" => "governor".into(),
        "gen" => "general".into(),
        "lt" => "lieutenant".into(),
        "sgt" => "sergeant".into(),
        "capt" => "captain".into(),
        "col" => "colonel".into(),
        "adm" => "admiral".into(),
        "spokeswoman" | "spokesperson" => "spokesman".into(),
        w => w.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_people(text: &str, expected: &[&str]) {
        let got: Vec<&str> = find_people(text)
            .iter()
            .map(|m| &text[m.span.clone()])
            .collect();
        assert_eq!(got, expected, "{text}");
    }

    #[test]
    fn heuristic_people() {
        check_people(
            "President Elena Varga met Omar Haddad in Lisbon. Varga said little.",
            &["Elena Varga", "Omar Haddad", "Varga"],
        );
        check_people("Mr. Okafor left the Interior Ministry.", &["Okafor"]);
        check_people("The White House said nothing on Monday.", &[]);
    }

    #[test]
    fn resolves_names_pronouns_and_roles() {
        let text = "President Elena Varga met Mr. Tomas Brel. Brel smiled. She left.";
        let people = People::build(text, &find_people(text));
        let name = |pi: usize| people.persons[pi].full.clone();
        assert_eq!(
            people.resolve_name("Brel", 50).map(name),
            Some("Tomas Brel".into())
        );
        assert_eq!(
            people
                .resolve_pronoun(Gender::Female, 60)
                .map(|(_, p)| name(p)),
            Some("Elena Varga".into())
        );
        assert_eq!(
            people.resolve_role("president", 60).map(name),
            Some("Elena Varga".into())
        );
        assert_eq!(people.resolve_role("minister", 60), None);
    }
}
