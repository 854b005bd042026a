//! The errors of dgnn-evo: bad configuration, bad evaluations and unusable checkpoints.
//!
//! Every variant names what was wrong and how to fix it, so that the command line can print one
//! clear line. Parameter problems are [`ParamError`]s (field, value, requirement), as everywhere
//! in dgnn.

use dgnn_core::{CoreError, ParamError};
use std::path::PathBuf;

/// The error a [`Problem`](crate::Problem) returns when it cannot evaluate a genome (a training
/// run that diverged, a simulator that failed …). Any error type converts into it with `?`.
pub type EvaluationError = Box<dyn std::error::Error + Send + Sync>;

/// The evaluation error of an evaluation skipped because the run's stop flag was raised
/// (the executor then ends the run at the last completed generation, as if stopped between
/// generations).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("skipped: the run was asked to stop")]
pub struct Interrupted;

/// Everything that can go wrong in dgnn-evo.
#[derive(Debug, thiserror::Error)]
pub enum EvoError {
    /// A configuration or operator parameter failed its check.
    #[error(transparent)]
    Param(#[from] ParamError),
    /// The exact hypervolume is implemented for two and three objectives only.
    #[error(
        "exact hypervolume needs 2 or 3 objectives, got {objectives}: drop the reference point \
         or reduce the number of objectives"
    )]
    UnsupportedDimension {
        /// The number of objectives that was asked for.
        objectives: usize,
    },
    /// A point has a different number of objectives than the reference point.
    #[error("point {index} has {found} objectives but the reference point has {expected}")]
    DimensionMismatch {
        /// Position of the offending point.
        index: usize,
        /// Number of objectives of the reference point.
        expected: usize,
        /// Number of objectives of the point.
        found: usize,
    },
    /// The problem could not evaluate a genome.
    #[error("evaluating individual {index} of generation {generation} failed: {source}")]
    Evaluation {
        /// The generation being evaluated (0 = the initial population).
        generation: u64,
        /// Position of the genome in the evaluated batch.
        index: usize,
        /// What the problem reported.
        source: EvaluationError,
    },
    /// The problem returned an evaluation the engine cannot use.
    #[error(
        "the problem returned an invalid evaluation for individual {index} of generation \
         {generation}: {reason}"
    )]
    InvalidEvaluation {
        /// The generation being evaluated (0 = the initial population).
        generation: u64,
        /// Position of the genome in the evaluated batch.
        index: usize,
        /// What is wrong with it (wrong length, NaN, negative violation …).
        reason: String,
    },
    /// A checkpoint cannot be read or parsed (missing, truncated or damaged).
    #[error(
        "cannot read checkpoint `{path}`: {reason} (the file is missing, truncated or not a \
         checkpoint: pick another file or start a fresh run)"
    )]
    CheckpointUnreadable {
        /// The checkpoint file.
        path: PathBuf,
        /// What the reader or parser said.
        reason: String,
    },
    /// A file parsed, but it is not a checkpoint of this engine and version.
    #[error(
        "`{path}` is not a {expected} checkpoint of version {expected_version} (found format \
         `{format}`, version {version}): resume only from a checkpoint this engine wrote"
    )]
    CheckpointForeign {
        /// The checkpoint file.
        path: PathBuf,
        /// The format tag this engine writes.
        expected: &'static str,
        /// The format version this engine reads.
        expected_version: u32,
        /// The format tag found in the file.
        format: String,
        /// The version found in the file.
        version: u32,
    },
    /// A checkpoint's content hash does not match its text: edited or damaged since the engine
    /// wrote it.
    #[error(
        "checkpoint `{path}` was edited or damaged after it was written (content hash {written} \
         recorded, {actual} now): resume only from a checkpoint as the run left it, or start a \
         fresh run"
    )]
    CheckpointEdited {
        /// The checkpoint file.
        path: PathBuf,
        /// The hash recorded in the file.
        written: String,
        /// The hash of the file as read.
        actual: String,
    },
    /// A checkpoint's state is inconsistent (a genome outside the space, a non-finite
    /// objective, counters that disagree with the history).
    #[error("checkpoint `{path}` holds an invalid state: {reason}; start a fresh run")]
    CheckpointInvalid {
        /// The checkpoint file.
        path: PathBuf,
        /// The first thing wrong, named.
        reason: String,
    },
    /// A checkpoint was written for a different problem or variation operator.
    #[error(
        "checkpoint `{path}` was written for another {what}: {}; resume with the same {what} \
         or start a fresh run",
        crate::checkpoint::describe_difference(found, given)
    )]
    CheckpointMismatch {
        /// The checkpoint file.
        path: PathBuf,
        /// "problem" or "variation operator".
        what: &'static str,
        /// The description stored in the checkpoint.
        found: String,
        /// The description of what was passed to the engine.
        given: String,
    },
    /// The processes running the islands of one run lost touch with each other (a process
    /// died, or a message could not be read).
    #[error("the islands lost touch: {0}")]
    IslandLinks(String),
    /// Writing a checkpoint failed.
    #[error(transparent)]
    Core(#[from] CoreError),
}
