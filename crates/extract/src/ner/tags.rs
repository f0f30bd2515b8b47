//! Tags of the tagger: BILOU (begin, inside, last, unit-length, outside) over the four CoNLL
//! entity types. Reading and writing use CoNLL's IOB2 (`B-PER`, `I-PER`, `O`); BILOU is only
//! how the tagger sees sequences, because marking the last word of a name helps it find where
//! names end.

use super::EntityKind;

/// Number of entity types.
pub(crate) const NTYPES: usize = 4;
/// Number of tags: outside, and begin/inside/last/unit for each type.
pub(crate) const NTAGS: usize = 1 + 4 * NTYPES;

const BEGIN: u8 = 0;
const INSIDE: u8 = 1;
const LAST: u8 = 2;
const UNIT: u8 = 3;

/// One tag: 0 is outside; `1 + 4k + p` is part `p` (begin, inside, last, unit) of an entity of
/// type `k`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Tag(pub(crate) u8);

impl Tag {
    /// Outside any entity.
    pub const OUTSIDE: Tag = Tag(0);

    fn new(kind: EntityKind, part: u8) -> Tag {
        Tag(1 + 4 * kind as u8 + part)
    }

    fn part(self) -> Option<u8> {
        self.0.checked_sub(1).map(|t| t % 4)
    }

    /// Parses a CoNLL tag such as `B-PER`, `I-LOC` or `O` (also `L-` and `U-`).
    pub fn parse(s: &str) -> Option<Tag> {
        if s == "O" {
            return Some(Tag::OUTSIDE);
        }
        let (prefix, kind) = s.split_once('-')?;
        let kind = EntityKind::from_conll(kind)?;
        let part = match prefix {
            "B" => BEGIN,
            "I" => INSIDE,
            "L" | "E" => LAST,
            "U" | "S" => UNIT,
            _ => return None,
        };
        Some(Tag::new(kind, part))
    }

    /// The entity type, or `None` outside.
    pub fn kind(self) -> Option<EntityKind> {
        let t = self.0.checked_sub(1)?;
        EntityKind::ALL.get(usize::from(t / 4)).copied()
    }

    /// Whether this tag begins an entity.
    pub fn is_begin(self) -> bool {
        matches!(self.part(), Some(BEGIN | UNIT))
    }

    /// Whether this tag ends an entity.
    fn is_end(self) -> bool {
        matches!(self.part(), Some(LAST | UNIT))
    }

    /// Whether `self` may follow `prev` (`None` at the start of a sentence).
    pub(crate) fn may_follow(self, prev: Option<Tag>) -> bool {
        let open = prev.is_some_and(|p| matches!(p.part(), Some(BEGIN | INSIDE)));
        match self.part() {
            None | Some(BEGIN | UNIT) => !open,
            Some(_) => open && prev.and_then(Tag::kind) == self.kind(),
        }
    }

    /// Whether a sentence may end with `self`.
    pub(crate) fn may_end(self) -> bool {
        matches!(self.part(), None | Some(LAST | UNIT))
    }

    pub(crate) fn all() -> impl Iterator<Item = Tag> {
        (0..NTAGS as u8).map(Tag)
    }
}

impl std::fmt::Display for Tag {
    /// Writes the IOB2 form.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.kind() {
            None => f.write_str("O"),
            Some(k) => write!(
                f,
                "{}-{}",
                if self.is_begin() { "B" } else { "I" },
                k.conll()
            ),
        }
    }
}

/// Entity spans (token ranges and types) of one tagged sentence, read the way conlleval reads
/// IOB2: an inside tag after `O` or after another type also begins an entity.
pub fn chunks(tags: &[Tag]) -> Vec<(std::ops::Range<usize>, EntityKind)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, EntityKind)> = None;
    for (i, tag) in tags.iter().enumerate() {
        let kind = tag.kind();
        let continues =
            !tag.is_begin() && kind.is_some() && open.is_some_and(|(_, k)| Some(k) == kind);
        if !continues {
            if let Some((s, k)) = open.take() {
                out.push((s..i, k));
            }
            if let Some(k) = kind {
                open = Some((i, k));
            }
        }
        if tag.is_end()
            && let Some((s, k)) = open.take()
        {
            out.push((s..i + 1, k));
        }
    }
    if let Some((s, k)) = open {
        out.push((s..tags.len(), k));
    }
    out
}

/// The BILOU tags of the same entities as `tags`.
pub fn bilou(tags: &[Tag]) -> Vec<Tag> {
    let mut out = vec![Tag::OUTSIDE; tags.len()];
    for (range, kind) in chunks(tags) {
        if range.len() == 1 {
            out[range.start] = Tag::new(kind, UNIT);
        } else {
            for i in range.clone() {
                out[i] = Tag::new(kind, INSIDE);
            }
            out[range.start] = Tag::new(kind, BEGIN);
            out[range.end - 1] = Tag::new(kind, LAST);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(s: &str) -> Vec<Tag> {
        s.split(' ')
            .map(|t| Tag::parse(t).expect("valid tag"))
            .collect()
    }

    #[test]
    fn chunks_read_like_conlleval() {
        use EntityKind::*;
        let t = tags("B-PER I-PER O I-LOC B-LOC B-ORG I-ORG I-MISC");
        assert_eq!(
            chunks(&t),
            [
                (0..2, Person),
                (3..4, Location),
                (4..5, Location),
                (5..7, Organization),
                (7..8, Misc)
            ]
        );
        assert_eq!(chunks(&bilou(&t)), chunks(&t));
        let shown: Vec<String> = bilou(&t).iter().map(Tag::to_string).collect();
        assert_eq!(
            shown.join(" "),
            "B-PER I-PER O B-LOC B-LOC B-ORG I-ORG B-MISC"
        );
    }
}
