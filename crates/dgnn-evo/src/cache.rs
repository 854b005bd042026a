//! The evaluation cache: evaluations by exact genome key, and the fast hasher behind it.
//!
//! Lookups go through a hash map with the Fx hash (the multiply–rotate hash of rustc and
//! Firefox: one rotate, xor and multiply per 64-bit word), much cheaper than the default
//! SipHash on long keys such as a real vector's bit patterns; resistance to adversarial
//! collisions is not needed for keys the engine makes itself. Checkpoints store the cache as a
//! list sorted by key, so the file is a deterministic function of the run.

use crate::problem::Evaluation;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hash, Hasher};

/// The Fx hash: `h ← (rotl(h, 5) ⊕ word) · 0x517cc1b727220a95` per 64-bit word.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct FxHasher {
    hash: u64,
}

impl FxHasher {
    const SEED: u64 = 0x517c_c1b7_2722_0a95;

    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(Self::SEED);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        for &byte in chunks.remainder() {
            self.add(u64::from(byte));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.hash
    }
}

/// A hash set with the Fx hash.
pub(crate) type FxHashSet<K> = HashSet<K, BuildHasherDefault<FxHasher>>;
/// A hash map with the Fx hash.
pub(crate) type FxHashMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// Evaluations by genome key.
#[derive(Debug, Clone)]
pub struct EvaluationCache<K> {
    entries: FxHashMap<K, Evaluation>,
}

impl<K: Eq + Hash> PartialEq for EvaluationCache<K> {
    fn eq(&self, other: &Self) -> bool {
        self.entries == other.entries
    }
}

impl<K> Default for EvaluationCache<K> {
    fn default() -> Self {
        Self { entries: FxHashMap::default() }
    }
}

impl<K: Eq + Hash> EvaluationCache<K> {
    /// An empty cache with room for `capacity` evaluations.
    #[must_use]
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            entries: FxHashMap::with_capacity_and_hasher(capacity, BuildHasherDefault::default()),
        }
    }

    /// The evaluation of the genome with this key, if it was evaluated before.
    #[must_use]
    pub fn get(&self, key: &K) -> Option<&Evaluation> {
        self.entries.get(key)
    }

    /// Records an evaluation.
    pub fn insert(&mut self, key: K, evaluation: Evaluation) {
        self.entries.insert(key, evaluation);
    }

    /// The number of cached evaluations.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is cached.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Forgets every evaluation (the problem's evaluation changed, see
    /// [`crate::Problem::regime`]).
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// Every cached evaluation, in no particular order.
    pub fn evaluations(&self) -> impl Iterator<Item = &Evaluation> {
        self.entries.values()
    }
}

impl<K: Ord + Serialize> Serialize for EvaluationCache<K> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut sorted: Vec<(&K, &Evaluation)> = self.entries.iter().collect();
        sorted.sort_by(|a, b| a.0.cmp(b.0));
        serializer.collect_seq(sorted)
    }
}

impl<'de, K: Eq + Hash + DeserializeOwned> Deserialize<'de> for EvaluationCache<K> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let pairs = Vec::<(K, Evaluation)>::deserialize(deserializer)?;
        Ok(Self { entries: pairs.into_iter().collect() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    #[test]
    fn fx_hash_separates_nearby_keys_and_is_deterministic() {
        let build = BuildHasherDefault::<FxHasher>::default();
        let a = build.hash_one(vec![1u64, 2, 3]);
        assert_eq!(a, build.hash_one(vec![1u64, 2, 3]));
        assert_ne!(a, build.hash_one(vec![1u64, 2, 4]));
        assert_ne!(a, build.hash_one(vec![2u64, 1, 3]));
    }

    #[test]
    fn cache_serialises_sorted_and_round_trips() {
        let mut cache = EvaluationCache::default();
        for k in [5u32, 1, 3] {
            cache.insert(k, Evaluation::feasible(vec![f64::from(k) / 7.0]));
        }
        let text = ron::to_string(&cache).unwrap();
        assert!(text.find("(1,").unwrap() < text.find("(3,").unwrap());
        assert!(text.find("(3,").unwrap() < text.find("(5,").unwrap());
        let back: EvaluationCache<u32> = ron::from_str(&text).unwrap();
        assert_eq!(back, cache);
    }
}
