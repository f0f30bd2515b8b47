//! From mentions to entities: within an article, later short mentions join the full name they
//! refer to ("Angela Merkel" ... "Merkel"), and titles in front of a person's name become the
//! person's role ("Russian Foreign Minister Sergei Lavrov" is Sergei Lavrov, role "Russian
//! Foreign Minister"); across the articles of a story, the entities that name the same thing
//! are merged.
//!
//! Rules only, no model; every span still points into the article text. A short mention that
//! could belong to two different people is left on its own rather than guessed.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use text::Span;

use super::tokenize;
use super::{Entity, EntityKind};

/// One mention of an entity: the name as written, without any title in front of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    /// Byte range into the article text.
    pub span: Span,
    pub text: String,
}

/// A title or function written with a person's name ("Foreign Minister", "Sen.").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    pub span: Span,
    pub text: String,
}

/// One entity of an article with all its mentions, in text order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    pub kind: EntityKind,
    /// The fullest form of the name in the article ("Sergei Lavrov").
    pub name: String,
    /// Titles written with the name, in text order, without repeats of the same wording.
    pub roles: Vec<Role>,
    pub mentions: Vec<Mention>,
}

/// One entity of a story: the groups of several articles that name the same thing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoryEntity {
    pub kind: EntityKind,
    /// The fullest name any article used.
    pub name: String,
    /// The distinct role wordings over all articles.
    pub roles: Vec<String>,
    /// `(article index, group index)` of every group that names this entity.
    pub groups: Vec<(usize, usize)>,
}

/// Head words of titles and functions in front of a name (lower case); with [`QUALIFIERS`] they
/// make up every role word.
const ROLE_WORDS: &[&str] = &[
    "president",
    "minister",
    "secretary",
    "sen.",
    "senator",
    "rep.",
    "representative",
    "gov.",
    "governor",
    "mayor",
    "attorney",
    "general",
    "chief",
    "executive",
    "officer",
    "chairman",
    "chairwoman",
    "chair",
    "ceo",
    "director",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "deputy",
    "chancellor",
    "king",
    "queen",
    "prince",
    "princess",
    "pope",
    "judge",
    "coach",
    "manager",
    "captain",
    "leader",
    "ambassador",
    "envoy",
    "commissioner",
    "lawyer",
    "candidate",
    "nominee",
    "lawmaker",
    "congressman",
    "congresswoman",
    "speaker",
    "gen.",
    "col.",
    "lt.",
    "sgt.",
    "capt.",
    "adm.",
    "maj.",
    "cmdr.",
    "dr.",
    "prof.",
    "rev.",
    "sir",
    "dame",
    "lord",
    "lady",
    "sheikh",
    "emperor",
    "premier",
    "lady",
    "adviser",
    "advisor",
    "analyst",
    "economist",
    "professor",
    "founder",
    "owner",
    "head",
    "commander",
    "admiral",
    "sergeant",
    "colonel",
    "lieutenant",
    "detective",
    "inspector",
    "police",
    "sheriff",
    "prosecutor",
    "counsel",
    "solicitor",
    "president-elect",
    "mp",
    "mep",
    "official",
    "officials",
    "spokesmen",
    "actor",
    "actress",
    "singer",
    "star",
    "striker",
    "midfielder",
    "defender",
    "goalkeeper",
    "champion",
    "chief-executive",
    "staff",
    "photographer",
    "reporter",
    "correspondent",
    "editor",
    "writer",
    "columnist",
];

/// Honorifics that are neither name nor role.
const HONORIFICS: &[&str] = &["mr.", "mrs.", "ms.", "mr", "mrs", "ms", "miss", "mx."];

/// Capitalised words that start sentences and clauses rather than titles.
const NOT_IN_ROLES: &[&str] = &[
    "The",
    "A",
    "An",
    "When",
    "But",
    "And",
    "Or",
    "In",
    "On",
    "At",
    "After",
    "Before",
    "While",
    "If",
    "As",
    "This",
    "That",
    "Then",
    "Yesterday",
    "Today",
    "Meanwhile",
    "Earlier",
    "Later",
    "Also",
    "So",
    "By",
    "For",
    "From",
    "With",
    "To",
    "Of",
    "It",
    "He",
    "She",
    "They",
    "We",
    "I",
];

/// Role words that only qualify another ("national security adviser", "Interior Minister"):
/// alone they are an adjective or a department, not a role ("cuts to the national budget").
const QUALIFIERS: &[&str] = &[
    "vice",
    "prime",
    "foreign",
    "defense",
    "defence",
    "interior",
    "finance",
    "justice",
    "home",
    "state",
    "press",
    "former",
    "acting",
    "interim",
    "first",
    "economy",
    "trade",
    "health",
    "education",
    "energy",
    "labor",
    "labour",
    "agriculture",
    "transport",
    "culture",
    "sports",
    "security",
    "national",
    "majority",
    "minority",
];

fn is_role_word(word: &str) -> bool {
    let lower = word.to_lowercase();
    ROLE_WORDS.contains(&lower.as_str()) || QUALIFIERS.contains(&lower.as_str())
}

/// A role word that can stand for a role by itself: "minister", not "national".
fn is_role_head(word: &str) -> bool {
    let lower = word.to_lowercase();
    ROLE_WORDS.contains(&lower.as_str())
}

fn is_honorific(word: &str) -> bool {
    HONORIFICS.contains(&word.to_lowercase().as_str())
}

/// A comparable form of a name: lower case, straight apostrophes, no possessive `'s`.
fn key(name: &str) -> String {
    let lower = name.to_lowercase().replace('’', "'");
    let lower = lower.strip_suffix("'s").unwrap_or(&lower);
    lower.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn name_tokens(name: &str) -> Vec<String> {
    key(name)
        .split(' ')
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Groups the `entities` of one article (as returned by [`super::entities`] on `text`).
pub fn group(text: &str, entities: &[Entity]) -> Vec<Group> {
    let toks = tokenize::tokens(text);
    let mut groups: Vec<Group> = Vec::new();
    // The group each exact name belongs to, whatever kind the tagger gave each mention, and
    // per group how many mentions had each kind: a group takes its most frequent kind.
    let mut by_key: BTreeMap<String, usize> = BTreeMap::new();
    let mut votes: Vec<[usize; 4]> = Vec::new();
    for e in entities {
        let Some((mention, role)) = split_role(text, &toks, e) else {
            continue;
        };
        let k = key(&mention.text);
        let target = by_key
            .get(&k)
            .copied()
            .or_else(|| match e.kind {
                EntityKind::Person => person_match(&groups, &k),
                EntityKind::Organization => acronym_match(&groups, &mention.text),
                _ => None,
            })
            .or_else(|| {
                // A lone word tagged as something else that is a known person's surname.
                (e.kind != EntityKind::Person && !k.contains(' '))
                    .then(|| person_match(&groups, &k))
                    .flatten()
            });
        let g = match target {
            Some(g) => g,
            None => {
                groups.push(Group {
                    kind: e.kind,
                    name: mention.text.clone(),
                    roles: Vec::new(),
                    mentions: Vec::new(),
                });
                votes.push([0; 4]);
                groups.len() - 1
            }
        };
        by_key.insert(k, g);
        votes[g][e.kind as usize] += 1;
        let group = &mut groups[g];
        if name_tokens(&mention.text).len() > name_tokens(&group.name).len() {
            group.name = mention.text.clone();
        }
        if let Some(role) = role
            && !group.roles.iter().any(|r| key(&r.text) == key(&role.text))
        {
            group.roles.push(role);
        }
        group.mentions.push(mention);
    }
    for (g, v) in groups.iter_mut().zip(&votes) {
        // Most mentions win; a tie keeps the kind of the first mention.
        let best = (0..4)
            .max_by_key(|&k| (v[k], k == g.kind as usize))
            .unwrap_or(0);
        g.kind = EntityKind::ALL[best];
    }
    merge_short_people(&mut groups);
    groups
}

/// The person group a mention with key `k` continues: a group whose name ends with (or, for a
/// single word, contains) the mention's words, if exactly one does.
fn person_match(groups: &[Group], k: &str) -> Option<usize> {
    let words: Vec<&str> = k.split(' ').collect();
    let candidates: Vec<usize> = groups
        .iter()
        .enumerate()
        .filter(|(_, g)| g.kind == EntityKind::Person)
        .filter(|(_, g)| {
            let name = name_tokens(&g.name);
            name.len() > words.len()
                && (name[name.len() - words.len()..]
                    .iter()
                    .zip(&words)
                    .all(|(a, b)| a == b)
                    || words.len() == 1 && name[0] == words[0])
        })
        .map(|(i, _)| i)
        .collect();
    match candidates.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

/// The organisation group whose initials spell `short` ("EU" for "European Union").
fn acronym_match(groups: &[Group], short: &str) -> Option<usize> {
    let letters: String = short.chars().filter(|c| c.is_alphanumeric()).collect();
    if letters.len() < 2 || letters.chars().any(char::is_lowercase) {
        return None;
    }
    let candidates: Vec<usize> = groups
        .iter()
        .enumerate()
        .filter(|(_, g)| g.kind == EntityKind::Organization)
        .filter(|(_, g)| {
            let initials: String = g
                .name
                .split_whitespace()
                .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
                .filter_map(|w| w.chars().next())
                .collect();
            initials == letters
        })
        .map(|(i, _)| i)
        .collect();
    match candidates.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

/// Folds a person group named by one word that came before the full name ("Merkel" ...
/// "Angela Merkel") into the full name's group, when exactly one full name fits.
fn merge_short_people(groups: &mut Vec<Group>) {
    let mut i = 0;
    while i < groups.len() {
        let short = &groups[i];
        let target = (short.kind == EntityKind::Person && !key(&short.name).contains(' '))
            .then(|| {
                let k = key(&short.name);
                let others: Vec<Group> = groups
                    .iter()
                    .enumerate()
                    .map(|(j, g)| {
                        let mut g = g.clone();
                        if j == i {
                            g.kind = EntityKind::Misc;
                        }
                        g
                    })
                    .collect();
                person_match(&others, &k)
            })
            .flatten();
        match target {
            Some(t) => {
                let moved = groups.remove(i);
                let t = if t > i { t - 1 } else { t };
                let g = &mut groups[t];
                g.mentions.extend(moved.mentions);
                g.mentions.sort_by_key(|m| m.span.start);
                for r in moved.roles {
                    if !g.roles.iter().any(|x| key(&x.text) == key(&r.text)) {
                        g.roles.push(r);
                    }
                }
                g.roles.sort_by_key(|r| r.span.start);
            }
            None => i += 1,
        }
    }
}

/// Splits a person mention into the name and the title written in front of it (inside the
/// mention or just before it). Other kinds are returned unchanged. `None` if nothing of the
/// name is left.
fn split_role(text: &str, toks: &[Span], e: &Entity) -> Option<(Mention, Option<Role>)> {
    // Mentions from elsewhere may not fit this text: skip them rather than panic.
    text.get(e.span.clone()).filter(|m| !m.is_empty())?;
    let mention = |span: Span| Mention {
        text: text[span.clone()].to_owned(),
        span,
    };
    if e.kind != EntityKind::Person {
        return Some((mention(e.span.clone()), None));
    }
    // Tokens of the mention, and where the name proper starts.
    let first = toks.partition_point(|t| t.start < e.span.start);
    let last = toks.partition_point(|t| t.end <= e.span.end);
    let inside = &toks[first..last.max(first)];
    let mut name_start = 0;
    while name_start + 1 < inside.len() {
        let w = &text[inside[name_start].clone()];
        if is_role_word(w) || is_honorific(w) {
            name_start += 1;
        } else {
            break;
        }
    }
    if !inside.is_empty() && inside.iter().all(|t| is_role_word(&text[t.clone()])) {
        // "Staff Photographer", "Chief Inspector": a title alone names nobody.
        return None;
    }
    let name_span = match inside.get(name_start) {
        Some(t) => t.start..e.span.end,
        None => e.span.clone(),
    };
    if name_span.is_empty() {
        return None;
    }
    // Walk back over the title: role words, capitalised words between them and "of".
    let mut role_first = first + name_start;
    let mut j = role_first;
    let mut saw_role_word = false;
    while j > 0 {
        let w = &text[toks[j - 1].clone()];
        let adjacent_gap = &text[toks[j - 1].end..toks[j].start];
        if adjacent_gap.contains('\n') {
            break;
        }
        let capitalised = w.chars().next().is_some_and(char::is_uppercase);
        if is_honorific(w) {
            j -= 1;
            if !saw_role_word {
                role_first = j;
            }
            break;
        }
        if is_role_word(w) {
            saw_role_word = true;
            j -= 1;
            role_first = j;
        } else if saw_role_word
            && (capitalised && !NOT_IN_ROLES.contains(&w) || w == "of" || w == "'s" || w == "’s")
        {
            // "Russian Foreign Minister", "Secretary of State", "Moscow's envoy": keep going,
            // but only count these words if a role word comes before them or they are names.
            j -= 1;
            if capitalised && w != "of" {
                role_first = j;
            }
        } else {
            break;
        }
        if first + name_start - j > 8 {
            break;
        }
    }
    // Never start a role with "of" or a possessive.
    while role_first < first + name_start {
        let w = &text[toks[role_first].clone()];
        if w == "of" || w == "'s" || w == "’s" || is_honorific(w) {
            role_first += 1;
        } else {
            break;
        }
    }
    let role_words = &toks[role_first..first + name_start];
    let role = role_words
        .iter()
        .any(|t| is_role_head(&text[t.clone()]))
        .then(|| {
            let span = role_words[0].start..role_words[role_words.len() - 1].end;
            Role {
                text: text[span.clone()].to_owned(),
                span,
            }
        });
    let role = role.or_else(|| appositive_role(text, toks, last));
    Some((mention(name_span), role))
}

/// A role written after the name between commas: "Sergei Lavin, Ruritania's foreign minister,
/// said" or "Ada Holm, a spokeswoman for the council." `after` is the index of the first token
/// after the name.
fn appositive_role(text: &str, toks: &[Span], after: usize) -> Option<Role> {
    const NOT_ROLES: &[&str] = &[
        "who",
        "which",
        "that",
        "whose",
        "whom",
        "said",
        "says",
        "told",
        "and",
        "but",
        "however",
        "he",
        "she",
        "they",
        "it",
        "according",
        "in",
        "on",
        "at",
        "for",
        "with",
    ];
    let word = |i: usize| toks.get(i).map(|t| &text[t.clone()]);
    if word(after) != Some(",") {
        return None;
    }
    let mut first = after + 1;
    if matches!(word(first), Some("a" | "an" | "the" | "A" | "An" | "The")) {
        first += 1;
    }
    let mut end = first;
    while let Some(w) = word(end) {
        if matches!(w, "," | "." | ";" | ":" | ")") {
            break;
        }
        if end - first >= 8 || text[toks[end - 1].end..toks[end].start].contains('\n') {
            return None;
        }
        end += 1;
    }
    if end == first || !matches!(word(end), Some("," | "." | ";" | ":" | ")")) {
        return None;
    }
    let lead = &text[toks[first].clone()];
    if NOT_ROLES.contains(&lead.to_lowercase().as_str()) {
        return None;
    }
    if !toks[first..end.min(first + 4)]
        .iter()
        .any(|t| is_role_head(&text[t.clone()]))
    {
        return None;
    }
    let span = toks[first].start..toks[end - 1].end;
    Some(Role {
        text: text[span.clone()].to_owned(),
        span,
    })
}

/// Merges the groups of the articles of one story (`articles[a]` = groups of article `a`):
/// same kind and same name, or a shorter name that ends one fuller name and no other ("Lavrov"
/// and "Sergei Lavrov").
pub fn merge_story(articles: &[Vec<Group>]) -> Vec<StoryEntity> {
    let mut order: Vec<(usize, usize)> = articles
        .iter()
        .enumerate()
        .flat_map(|(a, gs)| (0..gs.len()).map(move |g| (a, g)))
        .collect();
    // Fuller names first, so that short ones find them; ties in input order.
    order.sort_by_key(|&(a, g)| std::cmp::Reverse(name_tokens(&articles[a][g].name).len()));
    let mut out: Vec<StoryEntity> = Vec::new();
    for (a, g) in order {
        let group = &articles[a][g];
        let k = key(&group.name);
        let words = name_tokens(&group.name);
        let exact = out
            .iter()
            .position(|s| s.kind == group.kind && key(&s.name) == k);
        let target = exact.or_else(|| {
            if group.kind != EntityKind::Person {
                return None;
            }
            let fits: Vec<usize> = out
                .iter()
                .enumerate()
                .filter(|(_, s)| s.kind == EntityKind::Person)
                .filter(|(_, s)| {
                    let name = name_tokens(&s.name);
                    name.len() > words.len() && name.ends_with(&words)
                })
                .map(|(i, _)| i)
                .collect();
            match fits.as_slice() {
                [one] => Some(*one),
                _ => None,
            }
        });
        let i = match target {
            Some(i) => i,
            None => {
                out.push(StoryEntity {
                    kind: group.kind,
                    name: group.name.clone(),
                    roles: Vec::new(),
                    groups: Vec::new(),
                });
                out.len() - 1
            }
        };
        let s = &mut out[i];
        s.groups.push((a, g));
        for r in &group.roles {
            if !s.roles.iter().any(|x| key(x) == key(&r.text)) {
                s.roles.push(r.text.clone());
            }
        }
    }
    for s in &mut out {
        s.groups.sort_unstable();
    }
    out.sort_by_key(|s| s.groups.first().copied());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds mentions by finding each `(kind, text)` in order in `text`.
    fn mentions(text: &str, marks: &[(EntityKind, &str)]) -> Vec<Entity> {
        let mut from = 0;
        marks
            .iter()
            .map(|&(kind, m)| {
                let start = from + text[from..].find(m).expect("mention is in the text");
                from = start + m.len();
                Entity {
                    kind,
                    span: start..start + m.len(),
                    text: m.to_owned(),
                }
            })
            .collect()
    }

    /// Checks groups as `(name, roles, mention texts)`.
    fn check(text: &str, marks: &[(EntityKind, &str)], expected: &[(&str, &[&str], &[&str])]) {
        let groups = group(text, &mentions(text, marks));
        for g in &groups {
            for m in &g.mentions {
                assert_eq!(&text[m.span.clone()], m.text);
            }
            for r in &g.roles {
                assert_eq!(&text[r.span.clone()], r.text);
            }
        }
        let got: Vec<(String, Vec<String>, Vec<String>)> = groups
            .iter()
            .map(|g| {
                (
                    g.name.clone(),
                    g.roles.iter().map(|r| r.text.clone()).collect(),
                    g.mentions.iter().map(|m| m.text.clone()).collect(),
                )
            })
            .collect();
        let want: Vec<(String, Vec<String>, Vec<String>)> = expected
            .iter()
            .map(|(n, r, m)| {
                (
                    (*n).to_owned(),
                    r.iter().map(|s| (*s).to_owned()).collect(),
                    m.iter().map(|s| (*s).to_owned()).collect(),
                )
            })
            .collect();
        assert_eq!(got, want, "groups of {text:?}");
    }

    use EntityKind::*;

    #[test]
    fn short_mentions_join_the_full_name() {
        check(
            "Chancellor Elke Brandt arrived. Brandt said Elke was tired. Brandt's aide left.",
            &[
                (Person, "Elke Brandt"),
                (Person, "Brandt"),
                (Person, "Elke"),
                (Person, "Brandt's"),
            ],
            &[(
                "Elke Brandt",
                &["Chancellor"],
                &["Elke Brandt", "Brandt", "Elke", "Brandt's"],
            )],
        );
    }

    #[test]
    fn earlier_short_mention_joins_a_later_full_name() {
        check(
            "Varga won. Prime Minister Elena Varga thanked voters.",
            &[(Person, "Varga"), (Person, "Elena Varga")],
            &[(
                "Elena Varga",
                &["Prime Minister"],
                &["Varga", "Elena Varga"],
            )],
        );
    }

    #[test]
    fn roles_are_not_names() {
        check(
            "Ruritanian Foreign Minister Sergei Lavin met Sen. Ray Olsen and spokeswoman Ada Holm.",
            &[
                (Misc, "Ruritanian"),
                (Person, "Sergei Lavin"),
                (Person, "Sen. Ray Olsen"),
                (Person, "Ada Holm"),
            ],
            &[
                ("Ruritanian", &[], &["Ruritanian"]),
                (
                    "Sergei Lavin",
                    &["Ruritanian Foreign Minister"],
                    &["Sergei Lavin"],
                ),
                ("Ray Olsen", &["Sen."], &["Ray Olsen"]),
                ("Ada Holm", &["spokeswoman"], &["Ada Holm"]),
            ],
        );
        check(
            "When Mr. Olsen spoke, Secretary of State Ada Holm listened.",
            &[(Person, "Olsen"), (Person, "Ada Holm")],
            &[
                ("Olsen", &[], &["Olsen"]),
                ("Ada Holm", &["Secretary of State"], &["Ada Holm"]),
            ],
        );
    }

    #[test]
    fn one_name_is_one_entity_whatever_kind_the_tagger_said() {
        check(
            "Crowds filled Harbour Square. Police cleared Harbour Square. Harbour Square was empty.",
            &[
                (Location, "Harbour Square"),
                (Organization, "Harbour Square"),
                (Location, "Harbour Square"),
            ],
            &[(
                "Harbour Square",
                &[],
                &["Harbour Square", "Harbour Square", "Harbour Square"],
            )],
        );
        let groups = group(
            "Staff Photographer",
            &mentions("Staff Photographer", &[(Person, "Staff Photographer")]),
        );
        assert!(
            groups.is_empty(),
            "a title alone is not a person: {groups:?}"
        );
    }

    #[test]
    fn roles_after_the_name() {
        check(
            "Sergei Lavin, Ruritania's foreign minister, said no. Ada Holm, a spokeswoman for the council.",
            &[(Person, "Sergei Lavin"), (Person, "Ada Holm")],
            &[
                (
                    "Sergei Lavin",
                    &["Ruritania's foreign minister"],
                    &["Sergei Lavin"],
                ),
                ("Ada Holm", &["spokeswoman for the council"], &["Ada Holm"]),
            ],
        );
        check(
            "Ray Olsen, who met the president, left. Ray Olsen, 54, stayed.",
            &[(Person, "Ray Olsen"), (Person, "Ray Olsen")],
            &[("Ray Olsen", &[], &["Ray Olsen", "Ray Olsen"])],
        );
    }

    #[test]
    fn adjectives_alone_are_not_roles() {
        let brekke = [(Person, "Tomas Brekke"), (Person, "Brekke")];
        for (text, roles) in [
            (
                "Interior Minister Tomas Brekke spoke. Brekke, who faces criticism over cuts to \
                 the national dam safety budget, said an inquiry would report.",
                &["Interior Minister"][..],
            ),
            (
                "National Tomas Brekke spoke. Brekke, a national of Valdoria, was held.",
                &[],
            ),
            (
                "Former Tomas Brekke spoke. Brekke, the national security adviser, said no.",
                &["national security adviser"],
            ),
            (
                "Tomas Brekke, the former interior minister, spoke. Brekke, acting, said no.",
                &["former interior minister"],
            ),
        ] {
            check(
                text,
                &brekke,
                &[("Tomas Brekke", roles, &["Tomas Brekke", "Brekke"])],
            );
        }
    }

    #[test]
    fn mentions_that_do_not_fit_the_text_are_skipped() {
        let bad = [Entity {
            kind: Person,
            span: 3..40,
            text: "nobody".to_owned(),
        }];
        assert!(group("Short text.", &bad).is_empty());
        assert!(
            group(
                "Åsa Öberg",
                &[Entity {
                    kind: Person,
                    span: 1..3,
                    text: String::new()
                }]
            )
            .is_empty()
        );
    }

    #[test]
    fn ambiguous_short_names_stay_apart() {
        check(
            "Anna Berg and Lars Berg spoke. Berg left.",
            &[
                (Person, "Anna Berg"),
                (Person, "Lars Berg"),
                (Person, "Berg"),
            ],
            &[
                ("Anna Berg", &[], &["Anna Berg"]),
                ("Lars Berg", &[], &["Lars Berg"]),
                ("Berg", &[], &["Berg"]),
            ],
        );
    }

    #[test]
    fn acronyms_join_organisations() {
        check(
            "The Nordic Trade Council met. The NTC agreed.",
            &[
                (Organization, "Nordic Trade Council"),
                (Organization, "NTC"),
            ],
            &[(
                "Nordic Trade Council",
                &[],
                &["Nordic Trade Council", "NTC"],
            )],
        );
    }

    #[test]
    fn story_merges_full_and_short_names() {
        let a = group(
            "Foreign Minister Sergei Lavin spoke in Oslo.",
            &mentions(
                "Foreign Minister Sergei Lavin spoke in Oslo.",
                &[(Person, "Sergei Lavin"), (Location, "Oslo")],
            ),
        );
        let b = group(
            "Lavin left Oslo.",
            &mentions("Lavin left Oslo.", &[(Person, "Lavin"), (Location, "Oslo")]),
        );
        let merged = merge_story(&[a, b]);
        let got: Vec<(&str, Vec<(usize, usize)>)> = merged
            .iter()
            .map(|s| (s.name.as_str(), s.groups.clone()))
            .collect();
        assert_eq!(
            got,
            [
                ("Sergei Lavin", vec![(0, 0), (1, 0)]),
                ("Oslo", vec![(0, 1), (1, 1)])
            ]
        );
        assert_eq!(merged[0].roles, ["Foreign Minister"]);
    }
}
