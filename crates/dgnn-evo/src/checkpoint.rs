//! Checkpoints of a run: one RON file, rewritten atomically by the
//! [`Executor`](crate::Executor) after every generation.
//!
//! A checkpoint holds the algorithm's format tag and the format version (so a foreign or
//! future file is refused), the descriptions of the problem and of the algorithm's variation
//! operators (so a run is never resumed with different ones), the master seed, the algorithm's
//! checked configuration and the whole [`State`]: population, archive, evaluation counters,
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
//!
//! Nothing in a checkpoint is trusted on reading (issue 14: an edited `generation: 999`, a NaN
//! objective or a genome outside the space resumed quietly and changed the front):
//! - a **content hash** of the whole text, written as the third field (`content_hash`, the
//!   FNV-1a/SplitMix64 hash of the file with that field empty), must match, so an edited or
//!   damaged file is refused ([`EvoError::CheckpointEdited`]);
//! - the **state** must be consistent ([`check_state`]): every genome inside the problem's
//!   space ([`Problem::check_genome`]), every evaluation finite with the problem's number of
//!   objectives, and the generation and evaluation counters in agreement with the history
//!   ([`EvoError::CheckpointInvalid`] names the first thing wrong).

use crate::error::EvoError;
use crate::problem::Problem;
use crate::state::State;
use dgnn_core::Seed;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The checkpoint format version this engine writes and reads (2: with a content hash).
pub const CHECKPOINT_VERSION: u32 = 2;

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

/// A checkpoint as stored: the same fields with the content hash after the header.
#[derive(Serialize, Deserialize)]
struct Stored<C, S> {
    format: String,
    version: u32,
    content_hash: String,
    problem: String,
    variation: String,
    seed: Seed,
    config: C,
    state: S,
}

/// The first fields, read before anything else to recognise a foreign file.
#[derive(Deserialize)]
struct Header {
    format: String,
    version: u32,
    /// Empty when the field is missing.
    #[serde(default)]
    content_hash: String,
}

/// The content hash field as written, with `hash` in it (empty while hashing).
fn hash_field(hash: &str) -> String {
    format!("content_hash:\"{hash}\"")
}

/// The content hash of a checkpoint's text with an empty hash field: FNV-1a of the bytes
/// mixed with the length by SplitMix64, as 16 hex digits.
fn content_hash(text_with_empty_hash: &str) -> String {
    let hash =
        dgnn_core::rng::stream_id(text_with_empty_hash, &[text_with_empty_hash.len() as u64]);
    format!("{hash:016x}")
}

/// Writes the content hash into a checkpoint's text (whose hash field may hold anything):
/// what the engine does when it writes a checkpoint. Public for tests and fuzzing, which need
/// checkpoints that pass the hash but are wrong inside; a checkpoint resealed by hand is
/// trusted as far as [`check_state`] goes, no further.
///
/// # Errors
/// [`EvoError::CheckpointUnreadable`] when the text has no content hash field.
pub fn seal(text: &str) -> Result<String, EvoError> {
    let unreadable = |reason: &str| EvoError::CheckpointUnreadable {
        path: "(text)".into(),
        reason: reason.into(),
    };
    let header: Header = ron::from_str(text).map_err(|e| unreadable(&e.to_string()))?;
    if !text.contains(&hash_field(&header.content_hash)) {
        return Err(unreadable("no content_hash field"));
    }
    let blank = text.replacen(&hash_field(&header.content_hash), &hash_field(""), 1);
    Ok(blank.replacen(&hash_field(""), &hash_field(&content_hash(&blank)), 1))
}

/// Serialises a checkpoint to RON with its content hash and writes it atomically.
pub(crate) fn write<C: Serialize, S: Serialize>(
    path: &Path,
    checkpoint: &Checkpoint<C, S>,
) -> Result<(), EvoError> {
    let stored = Stored {
        format: checkpoint.format.clone(),
        version: checkpoint.version,
        content_hash: String::new(),
        problem: checkpoint.problem.clone(),
        variation: checkpoint.variation.clone(),
        seed: checkpoint.seed,
        config: &checkpoint.config,
        state: &checkpoint.state,
    };
    let blank = ron::to_string(&stored).map_err(|e| dgnn_core::CoreError::Format {
        format: "RON",
        path: path.into(),
        message: e.to_string(),
    })?;
    let text = blank.replacen(&hash_field(""), &hash_field(&content_hash(&blank)), 1);
    Ok(dgnn_core::atomic_write(path, text.as_bytes())?)
}

/// Reads a checkpoint with the format tag `expected`, refusing unreadable, truncated, foreign
/// and edited files with typed errors (the state itself is checked by [`check_state`]).
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
    let header = match ron::from_str::<Header>(&text) {
        Ok(header) if header.format != expected || header.version != CHECKPOINT_VERSION => {
            return Err(foreign(header.format, header.version));
        }
        Ok(header) => header,
        // Well-formed RON without a checkpoint header (a result file, a config …) is foreign;
        // anything else is truncated or damaged.
        Err(_) if ron::from_str::<ron::Value>(&text).is_ok() => {
            return Err(foreign("(no checkpoint header)".into(), 0));
        }
        Err(e) => return Err(unreadable(e.to_string())),
    };
    let written = header.content_hash;
    if !text.contains(&hash_field(&written)) {
        return Err(unreadable("no content_hash field".into()));
    }
    let blank = text.replacen(&hash_field(&written), &hash_field(""), 1);
    let actual = content_hash(&blank);
    if actual != written {
        return Err(EvoError::CheckpointEdited { path: path.into(), written, actual });
    }
    let stored: Stored<C, S> = ron::from_str(&text).map_err(|e| unreadable(e.to_string()))?;
    Ok(Checkpoint {
        format: stored.format,
        version: stored.version,
        problem: stored.problem,
        variation: stored.variation,
        seed: stored.seed,
        config: stored.config,
        state: stored.state,
    })
}

/// Checks a state read from a checkpoint against `problem` before a run continues from it:
/// every genome of the population and the archive inside the space
/// ([`Problem::check_genome`]); every evaluation (population, archive, cache) with the problem's
/// number of objectives, all finite, and a finite violation ≥ 0; one history entry per
/// completed generation, numbered from 0; counters that never decrease along the history and end
/// at the state's; at least one generation done, and no more than `generations`.
///
/// # Errors
/// [`EvoError::CheckpointInvalid`] naming the first thing wrong (`population[3].genome: …`).
pub fn check_state<P: Problem>(
    problem: &P,
    state: &State<P::Genome>,
    generations: u64,
    path: &Path,
) -> Result<(), EvoError> {
    let invalid = |reason: String| EvoError::CheckpointInvalid { path: path.into(), reason };
    if state.generation == 0 || state.generation > generations {
        return Err(invalid(format!(
            "generation {} is outside 1..={generations} (the generations of this run)",
            state.generation
        )));
    }
    if state.history.len() as u64 != state.generation {
        return Err(invalid(format!(
            "generation {} but {} history entries (one per completed generation)",
            state.generation,
            state.history.len()
        )));
    }
    let (mut evaluations, mut cache_hits) = (0, 0);
    for (i, entry) in state.history.iter().enumerate() {
        if entry.generation != i as u64 {
            return Err(invalid(format!(
                "history[{i}] is numbered generation {}",
                entry.generation
            )));
        }
        if entry.evaluations < evaluations || entry.cache_hits < cache_hits {
            return Err(invalid(format!(
                "history[{i}] counts fewer evaluations or cache hits than the generation before"
            )));
        }
        (evaluations, cache_hits) = (entry.evaluations, entry.cache_hits);
    }
    if evaluations != state.evaluations || cache_hits != state.cache_hits {
        return Err(invalid(format!(
            "{} evaluations and {} cache hits, but the last generation's history records {} and {}",
            state.evaluations, state.cache_hits, evaluations, cache_hits
        )));
    }
    if state.population.is_empty() {
        return Err(invalid("an empty population".into()));
    }
    let objectives = problem.objectives();
    let members = state.population.iter().enumerate().map(|(i, m)| (format!("population[{i}]"), m));
    let archived =
        state.archive.members().iter().enumerate().map(|(i, m)| (format!("archive[{i}]"), m));
    for (name, member) in members.chain(archived) {
        problem
            .check_genome(&member.genome)
            .map_err(|e| invalid(format!("{name}.genome is outside the search space: {e}")))?;
        if let Some(reason) = member.evaluation.problem_with(objectives) {
            return Err(invalid(format!("{name}.evaluation: {reason}")));
        }
    }
    for evaluation in state.cache.evaluations() {
        if let Some(reason) = evaluation.problem_with(objectives) {
            return Err(invalid(format!("an evaluation in the cache: {reason}")));
        }
    }
    Ok(())
}

/// The difference between two descriptions of the form `name(key=value; key=value; …)` (or
/// without the name), item by item: `seed 2026 in the checkpoint, 7 now`; values that are RON
/// structures are compared field by field (`estimation.training.epochs 60 in the checkpoint,
/// 30 now`), fingerprints only said to differ. Falls back to both descriptions when they share
/// no items.
#[must_use]
pub fn describe_difference(found: &str, given: &str) -> String {
    let (old, new) = (description_items(found), description_items(given));
    let mut differences = Vec::new();
    for (key, old_value) in &old {
        match new.iter().find(|(k, _)| k == key) {
            Some((_, new_value)) if new_value != old_value => {
                differences.extend(value_difference(key, old_value, new_value));
            }
            Some(_) => {}
            None => differences.push(format!("{key} only in the checkpoint")),
        }
    }
    for (key, _) in new.iter().filter(|(k, _)| !old.iter().any(|(o, _)| o == k)) {
        differences.push(format!("{key} only now"));
    }
    if differences.is_empty() || old.is_empty() || new.is_empty() {
        return format!("`{found}` in the checkpoint, `{given}` now");
    }
    differences.join("; ")
}

/// The `key=value` items of a description, split at `;` outside brackets and quotes.
fn description_items(text: &str) -> Vec<(String, String)> {
    let inner = match (text.find('('), text.ends_with(')')) {
        (Some(open), true) if !text[..open].contains('=') => &text[open + 1..text.len() - 1],
        _ => text,
    };
    let mut items = Vec::new();
    let (mut depth, mut quoted, mut start) = (0i32, false, 0);
    let bytes = inner.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b'(' | b'[' | b'{' if !quoted => depth += 1,
            b')' | b']' | b'}' if !quoted => depth -= 1,
            b';' if !quoted && depth == 0 => {
                items.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&inner[start..]);
    items
        .into_iter()
        .filter_map(|item| {
            let (key, value) = item.split_once('=')?;
            Some((key.trim().to_string(), value.trim().to_string()))
        })
        .collect()
}

/// How one item differs: field by field when both values are RON structures.
fn value_difference(key: &str, old: &str, new: &str) -> Vec<String> {
    if key.contains("fingerprint") {
        return vec![format!("{key} differs")];
    }
    match (ron::from_str::<ron::Value>(old), ron::from_str::<ron::Value>(new)) {
        (Ok(a), Ok(b)) if matches!(a, ron::Value::Map(_)) && matches!(b, ron::Value::Map(_)) => {
            let mut out = Vec::new();
            leaf_differences(key, &a, &b, &mut out);
            if out.is_empty() { vec![format!("{key} differs")] } else { out }
        }
        _ => vec![format!("{key} {old} in the checkpoint, {new} now")],
    }
}

/// The paths at which two RON values differ, with both values.
fn leaf_differences(path: &str, a: &ron::Value, b: &ron::Value, out: &mut Vec<String>) {
    use ron::Value;
    match (a, b) {
        (Value::Map(x), Value::Map(y)) => {
            for (k, va) in x.iter() {
                let name = match k {
                    Value::String(s) => s.clone(),
                    other => ron::to_string(other).unwrap_or_default(),
                };
                let child = format!("{path}.{name}");
                match y.get(k) {
                    Some(vb) => leaf_differences(&child, va, vb, out),
                    None => out.push(format!("{child} only in the checkpoint")),
                }
            }
            for (k, _) in y.iter().filter(|(k, _)| x.get(k).is_none()) {
                out.push(format!("{path}.{} only now", ron::to_string(k).unwrap_or_default()));
            }
        }
        (Value::Option(Some(x)), Value::Option(Some(y))) => leaf_differences(path, x, y, out),
        _ if a == b => {}
        _ => {
            let show = |v: &Value| ron::to_string(v).unwrap_or_default();
            out.push(format!("{path} {} in the checkpoint, {} now", show(a), show(b)));
        }
    }
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
