//! Saving a [`Clusterer`] to bytes and loading it back, so a caller that feeds articles in runs
//! (one ingest after another) does not have to replay every earlier article to continue.
//!
//! A saved state is a fixed header followed by the clusterer in postcard (a compact serde format
//! with a documented, stable wire format). The header carries a magic tag, the format version,
//! a fingerprint of the clustering code, a fingerprint of the [`Config`] and a checksum of the
//! rest. [`Clusterer::load`] refuses a state whose format, code or configuration differs from
//! this program's, or that is damaged, and says which: the caller then rebuilds the clusterer by
//! replaying its articles, which is always correct, only slower.
//!
//! **Invariant:** loading a saved clusterer and feeding it more articles gives the same
//! assignments and stories as one clusterer fed everything. (The clusterer sums a story's term
//! weights in hash-map order, which a loaded map need not share, so a score can differ in its
//! last bit; that changes a decision only for a score within rounding error of a threshold.)
//! **Boundary:** bytes in, bytes out; where they are kept is the caller's business.

use serde::de::{self, SeqAccess, Visitor};
use serde::ser::SerializeTuple;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::cluster::{Clusterer, Config};
use crate::hash::hash_bytes;

/// The version of the byte layout: bump it when the header or the serialised structs change
/// shape in a way old states cannot be read in.
pub const STATE_FORMAT: u32 = 2;

/// Bump when clustering changes through code outside this crate's own sources (the `text`
/// tokenizer, say): those are not in [`code_fingerprint`].
const ALGORITHM: u64 = 1;

const MAGIC: &[u8; 4] = b"PXCS";
/// Magic, format, code fingerprint, config fingerprint, checksum.
const HEADER: usize = 4 + 4 + 8 + 8 + 8;

/// Why a saved state cannot be used. Every case is recoverable by replaying the articles.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StateError {
    #[error("not a saved clusterer state ({len} bytes without the {MAGIC:?} header)")]
    NotAState { len: usize },
    #[error("saved clusterer state has format {found}, this program reads format {expected}")]
    Format { found: u32, expected: u32 },
    #[error("saved clusterer state was written by another version of the clustering code")]
    Program,
    #[error("saved clusterer state was written with another clustering configuration")]
    Config,
    #[error("saved clusterer state is damaged (checksum mismatch over {len} bytes)")]
    Checksum { len: usize },
    #[error("saved clusterer state does not decode: {message}")]
    Decode { message: String },
    #[error("clusterer state does not encode: {message}")]
    Encode { message: String },
}

/// A fingerprint of the clustering code: this crate's sources and `ALGORITHM`. Any change to
/// them, even a comment, makes saved states stale; the cost is one replay, never a clusterer
/// that disagrees with the code that runs it.
pub fn code_fingerprint() -> u64 {
    const SOURCES: &[&[u8]] = &[
        include_bytes!("lib.rs"),
        include_bytes!("cluster.rs"),
        include_bytes!("dup.rs"),
        include_bytes!("entities.rs"),
        include_bytes!("features.rs"),
        include_bytes!("hash.rs"),
        include_bytes!("lexicon.rs"),
        include_bytes!("state.rs"),
        include_bytes!("../../text/src/credits.rs"),
    ];
    const FINGERPRINT: u64 = crate::hash::fingerprint_sources(ALGORITHM, SOURCES);
    FINGERPRINT
}

/// A fingerprint of a configuration: equal configurations give equal fingerprints.
pub fn config_fingerprint(config: &Config) -> u64 {
    // `Debug` prints every field, floats in their shortest exact form.
    hash_bytes(format!("{config:?}").as_bytes())
}

impl Clusterer {
    /// The clusterer as bytes, for [`load`](Self::load).
    pub fn save(&self) -> Result<Vec<u8>, StateError> {
        let body = postcard::to_stdvec(self).map_err(|e| StateError::Encode {
            message: e.to_string(),
        })?;
        let mut out = Vec::with_capacity(HEADER + body.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&STATE_FORMAT.to_le_bytes());
        out.extend_from_slice(&code_fingerprint().to_le_bytes());
        out.extend_from_slice(&config_fingerprint(self.config()).to_le_bytes());
        out.extend_from_slice(&hash_bytes(&body).to_le_bytes());
        out.extend_from_slice(&body);
        Ok(out)
    }

    /// A clusterer saved by [`save`](Self::save), if it was saved by this program with `config`.
    pub fn load(bytes: &[u8], config: &Config) -> Result<Clusterer, StateError> {
        if bytes.len() < HEADER || &bytes[..4] != MAGIC {
            return Err(StateError::NotAState { len: bytes.len() });
        }
        let u32_at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap_or([0; 4]));
        let u64_at = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap_or([0; 8]));
        let format = u32_at(4);
        if format != STATE_FORMAT {
            return Err(StateError::Format {
                found: format,
                expected: STATE_FORMAT,
            });
        }
        if u64_at(8) != code_fingerprint() {
            return Err(StateError::Program);
        }
        if u64_at(16) != config_fingerprint(config) {
            return Err(StateError::Config);
        }
        let body = &bytes[HEADER..];
        // Decoding trusts the structure it rebuilds; a damaged body must never get that far.
        if u64_at(24) != hash_bytes(body) {
            return Err(StateError::Checksum { len: body.len() });
        }
        let (clusterer, rest): (Clusterer, &[u8]) =
            postcard::take_from_bytes(body).map_err(|e| StateError::Decode {
                message: e.to_string(),
            })?;
        if !rest.is_empty() {
            return Err(StateError::Decode {
                message: format!("{} bytes left over", rest.len()),
            });
        }
        if clusterer.config() != config {
            return Err(StateError::Config);
        }
        Ok(clusterer)
    }
}

/// Serde for boxed arrays longer than serde's built-in 32 (MinHash signatures), as a tuple: a
/// fixed length needs no length prefix.
pub(crate) mod boxed_array {
    use super::*;

    // The field is a `Box<[T; N]>`, and serde's `with` hands us a reference to the field.
    #[allow(clippy::borrowed_box)]
    pub(crate) fn serialize<S: Serializer, T: Serialize, const N: usize>(
        value: &Box<[T; N]>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        super::array::serialize(value, serializer)
    }

    pub(crate) fn deserialize<'de, D, T, const N: usize>(
        deserializer: D,
    ) -> Result<Box<[T; N]>, D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de>,
    {
        struct Elements<T, const N: usize>(std::marker::PhantomData<T>);

        impl<'de, T: Deserialize<'de>, const N: usize> Visitor<'de> for Elements<T, N> {
            type Value = Box<[T; N]>;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                write!(f, "an array of {N} elements")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut v = Vec::with_capacity(N);
                while v.len() < N {
                    match seq.next_element()? {
                        Some(x) => v.push(x),
                        None => return Err(de::Error::invalid_length(v.len(), &self)),
                    }
                }
                v.into_boxed_slice()
                    .try_into()
                    .map_err(|_| de::Error::invalid_length(N, &self))
            }
        }

        deserializer.deserialize_tuple(N, Elements::<T, N>(std::marker::PhantomData))
    }
}

/// Serde for arrays held inline that are longer than serde's built-in 32 (the signatures kept in
/// the duplicate index's window), in the same tuple form as [`boxed_array`].
pub(crate) mod array {
    use super::*;

    pub(crate) fn serialize<S: Serializer, T: Serialize, const N: usize>(
        value: &[T; N],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let mut t = serializer.serialize_tuple(N)?;
        for x in value {
            t.serialize_element(x)?;
        }
        t.end()
    }

    pub(crate) fn deserialize<'de, D, T, const N: usize>(
        deserializer: D,
    ) -> Result<[T; N], D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de>,
    {
        super::boxed_array::deserialize(deserializer).map(|boxed| *boxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Assignment, Story};
    use ingest::Article;
    use proptest::prelude::*;

    /// One article of `topic` (a place, a person and a number that set it apart) on `day`.
    fn article(id: &str, topic: usize, day: Option<u32>, n: usize) -> Article {
        const TOPICS: [(&str, &str, &str, u32); 4] = [
            ("Kessel", "Edda Brun", "dam on the river Orla burst", 3000),
            (
                "Marrow",
                "Ilse Varn",
                "dam on the river Tave collapsed",
                800,
            ),
            (
                "Valdoria",
                "Pell Arno",
                "central bank raised its main rate",
                475,
            ),
            (
                "Ostburg",
                "Lene Dahl",
                "ferry ran aground in the harbour",
                140,
            ),
        ];
        let (place, person, event, number) = TOPICS[topic % TOPICS.len()];
        let body = format!(
            "In {place} the {event}, and {number} people were affected. {person} said the \
             authorities in {place} would report again on day {n}.\n\nUpdate {n}: {person} \
             visited {place} and spoke to residents about the {event}."
        );
        let mut a = ingest::Draft {
            outlet: Some(format!("Outlet {}", n % 5)),
            title: Some(format!("{place}: {person} on the {event} ({n})")),
            body,
            published: day.map(|d| {
                chrono::DateTime::parse_from_rfc3339(&format!("2026-03-{d:02}T09:00:00+00:00"))
                    .expect("date")
            }),
            ..ingest::Draft::default()
        }
        .finish(ingest::Source::file(id))
        .expect("fixture has text");
        a.id = id.to_owned();
        a
    }

    /// A small stream in publication order: four topics over two weeks, an exact copy, an
    /// undated article, a German one and an empty one.
    fn stream() -> Vec<Article> {
        let mut out = Vec::new();
        for n in 0..20 {
            let topic = (n * 7 + n / 3) % 4;
            out.push(article(&format!("a{n}"), topic, Some(1 + n as u32 / 2), n));
            if n == 6 {
                let mut copy = out[2].clone();
                copy.id = "copy".into();
                out.push(copy);
            }
        }
        out.push(article("undated", 1, None, 40));
        let mut german = article("de", 0, Some(12), 41);
        german.language = Some("de".into());
        out.push(german);
        let mut empty = article("empty", 2, Some(12), 42);
        empty.text.clear();
        out.push(empty);
        out
    }

    /// What a run produced: each assignment with its story as it is now, and the stories.
    fn outcome(c: &Clusterer, assigned: Vec<Assignment>) -> (Vec<Assignment>, Vec<Story>) {
        let assigned = assigned
            .into_iter()
            .map(|mut a| {
                a.story = a.story.map(|s| c.current(&s));
                a
            })
            .collect();
        (assigned, c.stories())
    }

    /// Feeds `articles`, saving and loading the clusterer before each index in `cuts`.
    fn fed_with_cuts(articles: &[Article], cuts: &[usize]) -> (Vec<Assignment>, Vec<Story>) {
        let config = Config::default();
        let mut c = Clusterer::new(config.clone());
        let mut assigned = Vec::new();
        for (i, a) in articles.iter().enumerate() {
            if cuts.contains(&i) {
                let bytes = c.save().expect("saves");
                c = Clusterer::load(&bytes, &config).expect("loads");
            }
            assigned.push(c.add(a));
        }
        outcome(&c, assigned)
    }

    fn check(cuts: &[usize]) {
        let articles = stream();
        let whole = fed_with_cuts(&articles, &[]);
        assert_eq!(fed_with_cuts(&articles, cuts), whole, "cuts {cuts:?}");
    }

    #[test]
    fn the_fixture_stream_has_stories_copies_and_an_unclustered_article() {
        let (assigned, stories) = fed_with_cuts(&stream(), &[]);
        assert!(stories.len() >= 4, "{stories:?}");
        assert!(assigned.iter().any(|a| a.duplicate_of.is_some()));
        assert!(assigned.iter().any(|a| a.story.is_none()));
    }

    #[test]
    fn save_load_and_continue_is_the_same_as_one_run() {
        check(&[1]);
        check(&[8]);
        check(&[3, 7, 21]);
        check(&(0..24).step_by(4).collect::<Vec<_>>());
    }

    proptest! {
        // Each save and load moves the 8 MiB term-frequency sketch: few cases, all different.
        #![proptest_config(ProptestConfig::with_cases(12))]
        #[test]
        fn any_cut_points_give_the_same_result(cuts in proptest::collection::vec(0usize..24, 1..3)) {
            let articles = stream();
            prop_assert_eq!(fed_with_cuts(&articles, &cuts), fed_with_cuts(&articles, &[]));
        }
    }

    #[test]
    fn a_state_from_another_config_format_or_damaged_is_refused() {
        let config = Config::default();
        let mut c = Clusterer::new(config.clone());
        for a in stream().iter().take(6) {
            c.add(a);
        }
        let bytes = c.save().unwrap();
        assert!(Clusterer::load(&bytes, &config).is_ok());
        let other = Config {
            merge_threshold: 0.6,
            ..config.clone()
        };
        assert_eq!(
            Clusterer::load(&bytes, &other).err(),
            Some(StateError::Config)
        );
        let mut newer = bytes.clone();
        newer[4] += 1;
        assert_eq!(
            Clusterer::load(&newer, &config).err(),
            Some(StateError::Format {
                found: STATE_FORMAT + 1,
                expected: STATE_FORMAT
            })
        );
        let mut program = bytes.clone();
        program[8] ^= 1;
        assert_eq!(
            Clusterer::load(&program, &config).err(),
            Some(StateError::Program)
        );
        let mut damaged = bytes.clone();
        let last = damaged.len() - 1;
        damaged[last] ^= 0x55;
        assert!(matches!(
            Clusterer::load(&damaged, &config),
            Err(StateError::Checksum { .. })
        ));
        assert!(matches!(
            Clusterer::load(&bytes[..HEADER - 1], &config),
            Err(StateError::NotAState { .. })
        ));
        assert!(matches!(
            Clusterer::load(b"not a state at all, just some words", &config),
            Err(StateError::NotAState { .. })
        ));
    }

    #[test]
    fn a_body_that_does_not_decode_is_an_error_not_a_panic() {
        let config = Config::default();
        for body in [&b""[..], b"\xff\xff\xff", &[0u8; 64]] {
            let mut bytes = Vec::from(&MAGIC[..]);
            bytes.extend_from_slice(&STATE_FORMAT.to_le_bytes());
            bytes.extend_from_slice(&code_fingerprint().to_le_bytes());
            bytes.extend_from_slice(&config_fingerprint(&config).to_le_bytes());
            bytes.extend_from_slice(&hash_bytes(body).to_le_bytes());
            bytes.extend_from_slice(body);
            assert!(
                matches!(
                    Clusterer::load(&bytes, &config),
                    Err(StateError::Decode { .. })
                ),
                "{body:?}"
            );
        }
    }
}
