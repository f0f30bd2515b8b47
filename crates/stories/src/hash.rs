//! Small, fixed hash functions. Everything in this crate that is hashed (terms, shingles,
//! paragraphs, LSH bands) goes through here, so results never depend on a random seed or on the
//! platform. Never use `std`'s randomly seeded hasher for anything that decides an outcome.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// The splitmix64 finaliser: spreads every input bit over the whole word.
pub(crate) fn mix(mut x: u64) -> u64 {
    x ^= x >> 30;
    x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// FNV-1a over the bytes, then [`mix`]. Short tokens are the common case.
pub(crate) fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    mix(h)
}

/// FNV-1a over several files' bytes with a file boundary between them (so moving code between
/// files changes the result too), started from `seed`. A `const fn`: fingerprints of source code
/// are computed at compile time and the sources do not end up in the binary.
pub(crate) const fn fingerprint_sources(seed: u64, sources: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ seed;
    let mut f = 0;
    while f < sources.len() {
        let bytes = sources[f];
        let mut i = 0;
        while i < bytes.len() {
            h ^= bytes[i] as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
            i += 1;
        }
        h = h.rotate_left(17) ^ f as u64;
        f += 1;
    }
    h
}

/// Order-dependent combination of two hashes (`combine(a, b) != combine(b, a)`).
pub(crate) fn combine(a: u64, b: u64) -> u64 {
    mix(a.rotate_left(23) ^ b.wrapping_mul(0x9e37_79b9_7f4a_7c15))
}

/// Hash of a string tagged with a namespace, so a word and an entity with the same spelling are
/// different features.
pub(crate) fn tagged(tag: u64, key: u64) -> u64 {
    combine(tag, key)
}

/// A deterministic pseudo-random sequence (splitmix64) for fixed seeds.
#[derive(Debug, Clone)]
pub(crate) struct SplitMix(pub u64);

impl SplitMix {
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix(self.0)
    }
}

/// A hasher for keys that are already well-mixed `u64` hashes: passes them through.
#[derive(Default, Clone, Copy)]
pub(crate) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0 = combine(self.0, hash_bytes(bytes));
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }

    fn write_u32(&mut self, n: u32) {
        self.0 = mix(u64::from(n));
    }
}

/// A map keyed by pre-hashed `u64`s (or small integers).
pub(crate) type IdMap<K, V> = HashMap<K, V, BuildHasherDefault<IdHasher>>;

/// A set of pre-hashed `u64`s: no second hashing on every lookup.
pub(crate) type IdSet<K> = HashSet<K, BuildHasherDefault<IdHasher>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_fixed_across_runs() {
        // A changed value here means every stored fingerprint and every story id changes.
        assert_eq!(hash_bytes(b""), mix(0xcbf2_9ce4_8422_2325));
        assert_ne!(hash_bytes(b"ab"), hash_bytes(b"ba"));
        assert_ne!(combine(1, 2), combine(2, 1));
    }

    #[test]
    fn splitmix_is_deterministic() {
        let a: Vec<u64> = (0..4)
            .scan(SplitMix(7), |r, _| Some(r.next_u64()))
            .collect();
        let b: Vec<u64> = (0..4)
            .scan(SplitMix(7), |r, _| Some(r.next_u64()))
            .collect();
        assert_eq!(a, b);
        assert_ne!(a[0], a[1]);
    }
}
