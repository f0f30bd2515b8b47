//! Lists of known names by entity type, matched as whole token sequences (case-insensitive).
//!
//! Built from the training labels (and a few hand-written lists); a match is a hint to the
//! tagger, never a decision.

use super::features::{KeyMap, canonical, hash_str, lower_form, mix};

/// The longest name, in tokens, that is looked up.
pub(crate) const MAX_LEN: usize = 6;

/// Value bit of [`Gazetteer::names`]: a longer name starts with this token sequence.
const CONTINUES: u16 = 1 << 8;

/// Known names: key = hash of the lower-cased token sequence, value = bit set of entity types.
#[derive(Debug, Clone, Default)]
pub struct Gazetteer {
    /// Names and the proper prefixes of names (the low 8 bits are the types, empty for a
    /// prefix that is no name itself; [`CONTINUES`] marks a prefix), so that matching stops at
    /// the first token that no name continues with instead of trying every length.
    names: KeyMap<u16>,
    /// Number of names (keys with at least one type).
    count: usize,
    /// The entries as text, for saving: `(type bits, lower-cased tokens joined by spaces)`.
    pub(crate) entries: Vec<(u8, String)>,
}

impl Gazetteer {
    /// Adds `tokens` as a name of the types in `kinds` (bit `k` = type `k`).
    pub fn add(&mut self, tokens: &[&str], kinds: u8) {
        if tokens.is_empty() || tokens.len() > MAX_LEN {
            return;
        }
        let keys: Vec<u64> = tokens
            .iter()
            .map(|t| hash_str(&lower_form(&canonical(t))))
            .collect();
        let mut key = 0;
        for (n, &k) in keys.iter().enumerate() {
            key = extend_key(key, k);
            if n + 1 < keys.len() {
                *self.names.entry(key).or_insert(0) |= CONTINUES;
            }
        }
        let slot = self.names.entry(key).or_insert(0);
        let kinds = u16::from(kinds);
        if *slot & kinds != kinds {
            if *slot & 0xff == 0 {
                self.count += 1;
            }
            *slot |= kinds;
            let text: Vec<String> = tokens.iter().map(|t| lower_form(&canonical(t))).collect();
            self.entries.push((kinds as u8, text.join(" ")));
        }
    }

    /// Number of names.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether there are no names.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Per token of a sentence (given as token keys): feature hashes for the longest name that
    /// starts at each position, saying the type and where in the name the token is.
    pub(crate) fn features(&self, keys: &[u64]) -> TokenLists {
        // `(token, feature)` pairs in the order they are found, then grouped by token (a
        // stable sort keeps that order within a token): two allocations per sentence rather
        // than one per matched token.
        let mut pairs: Vec<(u32, u64)> = Vec::new();
        if !self.is_empty() {
            for start in 0..keys.len() {
                let mut key = 0;
                let mut best = None;
                for len in 1..=MAX_LEN.min(keys.len() - start) {
                    key = extend_key(key, keys[start + len - 1]);
                    let Some(&v) = self.names.get(&key) else {
                        break;
                    };
                    if v & 0xff != 0 {
                        best = Some((len, v as u8));
                    }
                    if v & CONTINUES == 0 {
                        break;
                    }
                }
                let Some((len, kinds)) = best else { continue };
                for k in 0..8u64 {
                    if kinds & (1 << k) == 0 {
                        continue;
                    }
                    for j in 0..len {
                        let pos = if len == 1 {
                            0
                        } else if j == 0 {
                            1
                        } else if j + 1 == len {
                            3
                        } else {
                            2
                        };
                        pairs.push(((start + j) as u32, mix(k + 1, pos)));
                    }
                }
            }
        }
        pairs.sort_by_key(|&(t, _)| t);
        let mut offsets = Vec::with_capacity(keys.len() + 1);
        let mut at = 0;
        for t in 0..=keys.len() {
            while pairs.get(at).is_some_and(|&(p, _)| (p as usize) < t) {
                at += 1;
            }
            offsets.push(at as u32);
        }
        TokenLists {
            items: pairs.into_iter().map(|(_, f)| f).collect(),
            offsets,
        }
    }
}

/// A list of hashes per token of a sentence, stored flat.
#[derive(Debug, Clone, Default)]
pub(crate) struct TokenLists {
    items: Vec<u64>,
    /// Token `i` has `items[offsets[i]..offsets[i + 1]]`; empty for a sentence without lists.
    offsets: Vec<u32>,
}

impl TokenLists {
    /// The hashes of token `i` (none if there is no such token).
    pub(crate) fn get(&self, i: usize) -> &[u64] {
        match (self.offsets.get(i), self.offsets.get(i + 1)) {
            (Some(&a), Some(&b)) => &self.items[a as usize..b as usize],
            _ => &[],
        }
    }
}

fn extend_key(key: u64, token: u64) -> u64 {
    mix(key ^ 0x6a7, token)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks which tokens of `sentence` get gazetteer features from a list of `(name, kinds)`,
    /// as the number of features per token.
    fn check(names: &[(&str, u8)], sentence: &str, expected: &[usize]) {
        let mut g = Gazetteer::default();
        for (name, kinds) in names {
            g.add(&name.split(' ').collect::<Vec<_>>(), *kinds);
        }
        let keys: Vec<u64> = sentence
            .split(' ')
            .map(|t| hash_str(&lower_form(&canonical(t))))
            .collect();
        let f = g.features(&keys);
        let got: Vec<usize> = (0..keys.len()).map(|i| f.get(i).len()).collect();
        assert_eq!(got, expected, "{sentence:?}");
    }

    #[test]
    fn matches_the_longest_name_at_each_start() {
        let names = [("new york", 4), ("new york stock exchange", 2), ("york", 4)];
        check(&names, "the New York Stock Exchange", &[0, 1, 2, 1, 1]);
        check(&names, "in New York today", &[0, 1, 2, 0]);
        // "new york stock" is only a prefix of a name, not a name.
        check(&names, "New York stock", &[1, 2, 0]);
        check(&names, "New", &[0]);
        check(&[("anna", 1 | 16)], "ANNA and Anna", &[2, 0, 2]);
        check(&[], "Anna", &[0]);
    }

    #[test]
    fn counts_names_not_prefixes() {
        let mut g = Gazetteer::default();
        g.add(&["new", "york", "stock", "exchange"], 2);
        g.add(&["New", "York"], 4);
        g.add(&["new", "york"], 4);
        assert_eq!(g.len(), 2);
        assert_eq!(g.entries.len(), 2);
    }
}
