//! Seeded random streams that do not depend on scheduling.
//!
//! A run has one master [`Seed`]. Every random consumer (a trajectory, an individual of a
//! generation, a surrogate, a training fold) draws from its own stream, keyed by a *name* and a
//! *path* of indices: `seed.stream("dynamics/trajectory", &[index])`. The stream is a ChaCha8
//! generator (a counter-based cipher, rand_chacha) whose key comes from the master seed and whose
//! 64-bit stream id is a hash of (name, path). Because a stream's numbers depend only on
//! (seed, name, path), a parallel computation that gives each work item its own stream is
//! bit-identical for any thread count and any scheduling.
//!
//! [`StreamState`] captures a stream's exact position for checkpoints.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// The generator behind every stream: ChaCha with 8 rounds (statistically excellent, fast,
/// counter-based, so a stream can be positioned exactly).
pub type StreamRng = ChaCha8Rng;

/// The master seed of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Seed(pub u64);

impl Seed {
    /// The stream keyed by `name` (a short label of the consumer, such as `"evo/mutation"`) and
    /// `path` (indices such as `[generation, individual]`).
    ///
    /// ```
    /// use dgnn_core::Seed;
    /// use rand::Rng;
    /// let seed = Seed(7);
    /// let a = seed.stream("example", &[3]).next_u64();
    /// let b = seed.stream("example", &[3]).next_u64();
    /// let c = seed.stream("example", &[4]).next_u64();
    /// assert_eq!(a, b);
    /// assert_ne!(a, c);
    /// ```
    #[must_use]
    pub fn stream(self, name: &str, path: &[u64]) -> StreamRng {
        let mut rng = ChaCha8Rng::seed_from_u64(self.0);
        rng.set_stream(stream_id(name, path));
        rng
    }
}

impl From<u64> for Seed {
    fn from(value: u64) -> Self {
        Self(value)
    }
}

/// The 64-bit ChaCha stream id of (name, path): FNV-1a of the name, then each index mixed in
/// with the SplitMix64 finaliser (Steele, Lea & Flood 2014), which spreads nearby indices over
/// the whole 64-bit range.
#[must_use]
pub fn stream_id(name: &str, path: &[u64]) -> u64 {
    const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash =
        name.bytes().fold(FNV_OFFSET, |h, byte| (h ^ u64::from(byte)).wrapping_mul(FNV_PRIME));
    for &index in path {
        hash = splitmix64(hash ^ splitmix64(index.wrapping_add(0x9e37_79b9_7f4a_7c15)));
    }
    hash
}

/// The SplitMix64 output function: a bijective 64-bit mixer.
#[must_use]
pub fn splitmix64(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// Shuffles `items` uniformly (Fisher–Yates, Durstenfeld's form: for i from the end, swap with a
/// uniform index in `0..=i`).
///
/// dgnn keeps its own instead of `rand`'s `SliceRandom::shuffle`, which draws its indices
/// differently: every split, tournament and surrogate of a seed would change.
pub fn shuffle<T>(items: &mut [T], rng: &mut impl rand::Rng) {
    for i in (1..items.len()).rev() {
        let j = rng.random_range(0..=i);
        items.swap(i, j);
    }
}

/// The exact position of a stream, for checkpoints: restoring it continues the stream with
/// the very next number it would have produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamState {
    /// The 32-byte ChaCha key.
    pub key: [u8; 32],
    /// The ChaCha stream id.
    pub stream: u64,
    /// The 128-bit word position, split as `[high, low]` 64-bit halves (portable in RON/JSON).
    pub word_pos: [u64; 2],
}

impl StreamState {
    /// Captures the position of `rng`.
    #[must_use]
    pub fn capture(rng: &StreamRng) -> Self {
        let pos = rng.get_word_pos();
        Self {
            key: rng.get_seed(),
            stream: rng.get_stream(),
            word_pos: [(pos >> 64) as u64, pos as u64],
        }
    }

    /// Rebuilds the generator at the captured position.
    #[must_use]
    pub fn restore(&self) -> StreamRng {
        let mut rng = ChaCha8Rng::from_seed(self.key);
        rng.set_stream(self.stream);
        rng.set_word_pos((u128::from(self.word_pos[0]) << 64) | u128::from(self.word_pos[1]));
        rng
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn distinct_paths_give_distinct_streams() {
        let seed = Seed(1);
        let mut firsts = std::collections::HashSet::new();
        for g in 0..50 {
            for i in 0..50 {
                assert!(firsts.insert(seed.stream("test", &[g, i]).next_u64()));
            }
        }
    }

    #[test]
    fn names_separate_consumers() {
        let seed = Seed(1);
        assert_ne!(seed.stream("a", &[0]).next_u64(), seed.stream("b", &[0]).next_u64());
    }

    #[test]
    fn captured_state_continues_the_stream() {
        let mut rng = Seed(99).stream("checkpoint", &[5, 6]);
        for _ in 0..1001 {
            rng.next_u32();
        }
        let state = StreamState::capture(&rng);
        let json = serde_json::to_string(&state).unwrap();
        let mut restored = serde_json::from_str::<StreamState>(&json).unwrap().restore();
        for _ in 0..100 {
            assert_eq!(rng.next_u64(), restored.next_u64());
        }
    }
}
