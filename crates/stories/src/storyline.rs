//! Storylines: the events of one saga (Taliban advance, fall of Kabul, airport evacuation) over
//! days or weeks. An event is one happening, the batch pass's story; a storyline joins events
//! that keep naming the same people, places and things within a few days of one another.
//!
//! Each article gives a profile, its heaviest body, name and title terms by TF-IDF over the batch
//! ([`PROFILE_TERMS`] of them); an event's profile is the normalised sum of its articles'. Two
//! events are linked when their profiles' cosine is at least
//! [`BatchConfig::storyline_threshold`] and at most `storyline_gap_days` lie between their
//! publication spans; linked events are merged by single link, so a saga can run longer than
//! the gap through the events between. An event without a date is linked by its profile alone,
//! at twice the threshold: without time, two look-alike happenings (two earthquakes, two Oscar
//! hosts named years apart) are told apart by words only.
//! Candidate pairs come from an inverted index over the event profiles, leaving out terms in
//! more than [`MAX_TERM_SHARE`] of the events (they would make every pair a candidate).
//!
//! Deterministic; linear in the batch apart from the candidate pairs. Never panics.

use std::collections::BTreeMap;

use crate::batch::{BatchConfig, BatchInput, leader};
use crate::features::Kind;
use crate::hash::IdMap;

/// Heaviest terms kept per article and per event.
pub(crate) const PROFILE_TERMS: usize = 100;

/// Terms in more events than this share (and more than [`MIN_SKIP_EVENTS`]) find no candidates.
const MAX_TERM_SHARE: f32 = 0.05;
const MIN_SKIP_EVENTS: usize = 30;

/// An event without a date joins a storyline only at this multiple of the threshold.
const UNDATED_FACTOR: f32 = 2.0;

type Vector = Vec<(u64, f32)>;

/// An article's storyline profile: its heaviest terms, normalised, sorted by key.
pub(crate) fn profiles(inputs: &[BatchInput]) -> Vec<Vector> {
    let n = inputs.len();
    let mut df: IdMap<u64, u32> = IdMap::default();
    for f in inputs {
        for (key, _, _) in f.storyline_terms() {
            *df.entry(key).or_default() += 1;
        }
    }
    inputs
        .iter()
        .map(|f| {
            let v: Vector = f
                .storyline_terms()
                .map(|(key, tf, _)| {
                    let d = df.get(&key).copied().unwrap_or(1).max(1) as f32;
                    (key, (1.0 + tf.ln()) * (1.0 + n as f32 / d).ln())
                })
                .collect();
            heaviest(v, PROFILE_TERMS)
        })
        .collect()
}

/// The `keep` heaviest entries of `v`, normalised to unit length, sorted by key.
fn heaviest(mut v: Vector, keep: usize) -> Vector {
    v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    v.truncate(keep);
    let norm = v.iter().map(|x| x.1 * x.1).sum::<f32>().sqrt();
    if norm > 0.0 {
        for x in &mut v {
            x.1 /= norm;
        }
    }
    v.sort_unstable_by_key(|x| x.0);
    v
}

fn cosine(a: &Vector, b: &Vector) -> f32 {
    let (mut i, mut j, mut s) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                s += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    s
}

/// For each article the smallest index of its storyline, given its profile, its publication
/// time (Unix seconds) and `events[i]`, the smallest index of its event.
pub(crate) fn storylines(
    profiles: &[Vector],
    published: &[Option<i64>],
    events: &[usize],
    config: &BatchConfig,
) -> Vec<usize> {
    // Event profiles and spans, keyed by the event's leader.
    let mut sums: BTreeMap<usize, IdMap<u64, f32>> = BTreeMap::new();
    let mut span: BTreeMap<usize, Option<(i64, i64)>> = BTreeMap::new();
    for (i, &e) in events.iter().enumerate() {
        let sum = sums.entry(e).or_default();
        for &(k, w) in profiles.get(i).map_or(&[][..], Vec::as_slice) {
            *sum.entry(k).or_default() += w;
        }
        let t = published.get(i).copied().flatten();
        let s = span.entry(e).or_insert(None);
        if let Some(t) = t {
            *s = Some(s.map_or((t, t), |(a, b)| (a.min(t), b.max(t))));
        }
    }
    let leaders: Vec<usize> = sums.keys().copied().collect();
    let event_profiles: Vec<Vector> = sums
        .into_values()
        .map(|m| heaviest(m.into_iter().collect(), PROFILE_TERMS))
        .collect();
    let spans: Vec<Option<(i64, i64)>> = leaders.iter().map(|l| span[l]).collect();
    let m = leaders.len();
    let mut df: IdMap<u64, usize> = IdMap::default();
    for p in &event_profiles {
        for &(k, _) in p {
            *df.entry(k).or_default() += 1;
        }
    }
    let skip = ((MAX_TERM_SHARE * m as f32) as usize).max(MIN_SKIP_EVENTS);
    let mut postings: IdMap<u64, Vec<usize>> = IdMap::default();
    for (e, p) in event_profiles.iter().enumerate() {
        for &(k, _) in p {
            if df[&k] <= skip {
                postings.entry(k).or_default().push(e);
            }
        }
    }
    let max_gap = (config.storyline_gap_days * 86_400.0) as i64;
    // The cosine a pair needs: none when the events are too far apart, more when time cannot
    // tell (an undated event could be a look-alike happening years away).
    let needed = |a: usize, b: usize| match (spans[a], spans[b]) {
        (Some((a0, a1)), Some((b0, b1))) => {
            ((b0 - a1).max(a0 - b1) <= max_gap).then_some(config.storyline_threshold)
        }
        _ => Some(config.storyline_threshold * UNDATED_FACTOR),
    };
    // Union-find over events, each group led by its smallest index.
    let mut group: Vec<usize> = (0..m).collect();
    let mut seen: Vec<usize> = vec![usize::MAX; m];
    for a in 0..m {
        for &(k, _) in &event_profiles[a] {
            let Some(list) = postings.get(&k) else {
                continue;
            };
            for &b in list.iter().filter(|&&b| b > a) {
                if seen[b] == a {
                    continue;
                }
                seen[b] = a;
                if needed(a, b).is_some_and(|t| cosine(&event_profiles[a], &event_profiles[b]) >= t)
                {
                    let (x, y) = (leader(&mut group, a), leader(&mut group, b));
                    group[x.max(y)] = x.min(y);
                }
            }
        }
    }
    let line_of: BTreeMap<usize, usize> = (0..m)
        .map(|e| (leaders[e], leaders[leader(&mut group, e)]))
        .collect();
    events.iter().map(|e| line_of[e]).collect()
}

impl BatchInput {
    /// The terms a storyline profile is made of: body words, names and title words (not
    /// numbers or dates, which change from one day of a saga to the next), as (key, count,
    /// kind).
    pub(crate) fn storyline_terms(&self) -> impl Iterator<Item = (u64, f32, Kind)> + '_ {
        self.term_parts()
            .filter(|(_, _, kind)| matches!(kind, Kind::Word | Kind::Entity | Kind::Title))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400;

    fn profile(terms: &[(u64, f32)]) -> Vector {
        heaviest(terms.to_vec(), PROFILE_TERMS)
    }

    #[test]
    fn events_that_share_terms_within_the_gap_form_one_storyline() {
        let config = BatchConfig::default();
        let saga = profile(&[(1, 1.0), (2, 1.0), (3, 0.5)]);
        let next_day = profile(&[(1, 1.0), (2, 0.8), (4, 0.7)]);
        let other = profile(&[(7, 1.0), (8, 1.0)]);
        // Articles 0 and 1 are one event, 2 the next day's, 3 another subject, 4 the saga again
        // but a month later, 5 undated and only somewhat alike.
        let profiles = vec![
            saga.clone(),
            saga.clone(),
            next_day.clone(),
            other,
            next_day.clone(),
            profile(&[(1, 1.0), (9, 1.0), (10, 1.0), (11, 1.0)]),
        ];
        let published = [
            Some(0),
            Some(DAY / 2),
            Some(2 * DAY),
            Some(DAY),
            Some(40 * DAY),
            None,
        ];
        let events = [0, 0, 2, 3, 4, 5];
        let lines = storylines(&profiles, &published, &events, &config);
        assert_eq!(lines, [0, 0, 0, 3, 4, 5]);
        // Within reach of the month-later event, a chain carries the storyline on.
        let published = [
            Some(0),
            Some(DAY / 2),
            Some(6 * DAY),
            Some(DAY),
            Some(12 * DAY),
            None,
        ];
        let lines = storylines(&profiles, &published, &events, &config);
        assert_eq!(lines, [0, 0, 0, 3, 0, 5]);
    }

    #[test]
    fn nothing_in_gives_nothing_out() {
        let config = BatchConfig::default();
        assert!(storylines(&[], &[], &[], &config).is_empty());
        // Articles without terms stay apart.
        assert_eq!(
            storylines(&[vec![], vec![]], &[Some(0), Some(0)], &[0, 1], &config),
            [0, 1]
        );
    }
}
