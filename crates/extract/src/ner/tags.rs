//! Tags of the tagger: IOB2 over the four CoNLL entity types.

use super::EntityKind;

/// Number of entity types.
pub(crate) const NTYPES: usize = 4;
/// Number of tags: outside, and begin/inside for each type.
pub(crate) const NTAGS: usize = 1 + 2 * NTYPES;

/// One IOB2 tag: 0 is outside, `1 + 2k` begins an entity of type `k`, `2 + 2k` continues it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Tag(pub(crate) u8);

impl Tag {
    /// Outside any entity.
    pub const OUTSIDE: Tag = Tag(0);

    /// Parses a CoNLL tag such as `B-PER`, `I-LOC` or `O`.
    pub fn parse(s: &str) -> Option<Tag> {
        if s == "O" {
            return Some(Tag::OUTSIDE);
        }
        let (prefix, kind) = s.split_once('-')?;
        let kind = EntityKind::from_conll(kind)? as u8;
        match prefix {
            "B" => Some(Tag(1 + 2 * kind)),
            "I" => Some(Tag(2 + 2 * kind)),
            _ => None,
        }
    }

    /// The entity type, or `None` outside.
    pub fn kind(self) -> Option<EntityKind> {
        if self.0 == 0 {
            None
        } else {
            EntityKind::ALL.get(usize::from((self.0 - 1) / 2)).copied()
        }
    }

    /// Whether this tag begins an entity.
    pub fn is_begin(self) -> bool {
        self.0 % 2 == 1
    }

    /// Whether `self` may follow `prev` (`None` at the start of a sentence).
    pub(crate) fn may_follow(self, prev: Option<Tag>) -> bool {
        if self.0 == 0 || self.is_begin() {
            return true;
        }
        prev.is_some_and(|p| p.0 != 0 && p.kind() == self.kind())
    }

    pub(crate) fn all() -> impl Iterator<Item = Tag> {
        (0..NTAGS as u8).map(Tag)
    }
}

impl std::fmt::Display for Tag {
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
/// them: an `I-` tag after `O` or after another type also begins an entity.
pub fn chunks(tags: &[Tag]) -> Vec<(std::ops::Range<usize>, EntityKind)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, EntityKind)> = None;
    for (i, tag) in tags.iter().enumerate() {
        let kind = tag.kind();
        let continues =
            !tag.is_begin() && kind.is_some() && open.is_some_and(|(_, k)| Some(k) == kind);
        if continues {
            continue;
        }
        if let Some((s, k)) = open.take() {
            out.push((s..i, k));
        }
        if let Some(k) = kind {
            open = Some((i, k));
        }
    }
    if let Some((s, k)) = open {
        out.push((s..tags.len(), k));
    }
    out
}
