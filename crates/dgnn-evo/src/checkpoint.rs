//! Checkpoints of a run: one RON file, rewritten atomically by the
//! [`Executor`](crate::Executor) after every generation.
//!
//! A checkpoint holds the algorithm's format tag and the format version (so a foreign or
//! future file is refused), the descriptions of the problem and of the algorithm's variation
//! operators (so a run is never resumed with different ones), the master seed, the algorithm's
//! checked configuration and the whole [`State`](crate::State): population, archive, evaluation counters,
//! evaluation cache and per-generation history.
//! No random-generator position is needed: every random number of generation `g` comes from
//! streams keyed by `g` (see the crate docs), so the state after generation `g` determines the
//! rest of the run, and a resumed run is bit-identical to an uninterrupted one.
//!
//! Floats are written by RON in Rust's shortest round-trip form and parsed by the standard
//! library's correctly rounded parser, so every finite `f64` survives exactly (tested).
//! The file is written to a temporary file and renamed into place
//! ([`dgnn_core::atomic_write`]), so a run killed at any moment (even by SIGKILL) leaves the
//! previous or the new checkpoint, never a torn one.

use crate::error::EvoError;
use dgnn_core::Seed;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The checkpoint format version this engine writes and reads.
pub const CHECKPOINT_VERSION: u32 = 1;

/// The content of a checkpoint file; `C` and `S` are the configuration and the
/// [`State`](crate::State) (references when writing, values when reading).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Checkpoint<C, S> {
    /// The algorithm's format tag.
    pub(crate) format: String,
    pub(crate) version: u32,
    pub(crate) problem: String,
    /// The algorithm's description of its variation operators.
    pub(crate) variation: String,
    pub(crate) seed: Seed,
    pub(crate) config: C,
    pub(crate) state: S,
}

/// The first two fields, read before anything else to recognise a foreign file.
#[derive(Deserialize)]
struct Header {
    format: String,
    version: u32,
}

/// Serialises a checkpoint to RON and writes it atomically.
pub(crate) fn write<C: Serialize, S: Serialize>(
    path: &Path,
    checkpoint: &Checkpoint<C, S>,
) -> Result<(), EvoError> {
    let text = ron::to_string(checkpoint).map_err(|e| dgnn_core::CoreError::Format {
        format: "RON",
        path: path.into(),
        message: e.to_string(),
    })?;
    Ok(dgnn_core::atomic_write(path, text.as_bytes())?)
}

/// Reads a checkpoint with the format tag `expected`, refusing unreadable, truncated and
/// foreign files with typed errors.
pub(crate) fn read<C: DeserializeOwned, S: DeserializeOwned>(
    path: &Path,
    expected: &'static str,
) -> Result<Checkpoint<C, S>, EvoError> {
    let unreadable = |reason: String| EvoError::CheckpointUnreadable { path: path.into(), reason };
    let text = std::fs::read_to_string(path).map_err(|e| unreadable(e.to_string()))?;
    let foreign = |format: String, version: u32| EvoError::CheckpointForeign {
        path: path.into(),
        expected,
        expected_version: CHECKPOINT_VERSION,
        format,
        version,
    };
    match ron::from_str::<Header>(&text) {
        Ok(header) if header.format != expected || header.version != CHECKPOINT_VERSION => {
            return Err(foreign(header.format, header.version));
        }
        Ok(_) => {}
        // Well-formed RON without a checkpoint header (a result file, a config …) is foreign;
        // anything else is truncated or damaged.
        Err(_) if ron::from_str::<ron::Value>(&text).is_ok() => {
            return Err(foreign("(no checkpoint header)".into(), 0));
        }
        Err(e) => return Err(unreadable(e.to_string())),
    }
    ron::from_str(&text).map_err(|e| unreadable(e.to_string()))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    proptest! {
        // Invariant: RON writes and reads back every finite f64 bit for bit (the checkpoint
        // relies on it), including subnormals, extremes and negative zero.
        #[test]
        fn ron_round_trips_every_finite_f64(bits in any::<u64>()) {
            let x = f64::from_bits(bits);
            prop_assume!(x.is_finite());
            let text = ron::to_string(&vec![x, -x]).unwrap();
            let back: Vec<f64> = ron::from_str(&text).unwrap();
            prop_assert_eq!(back[0].to_bits(), x.to_bits());
            prop_assert_eq!(back[1].to_bits(), (-x).to_bits());
        }
    }

    #[test]
    fn ron_round_trips_extreme_values() {
        for x in [f64::MIN_POSITIVE, 5e-324, f64::MAX, f64::MIN, 0.1 + 0.2, -0.0, 1e300, 1e-300] {
            let back: f64 = ron::from_str(&ron::to_string(&x).unwrap()).unwrap();
            assert_eq!(back.to_bits(), x.to_bits());
        }
    }
}
