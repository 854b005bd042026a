//! The one error type of dgnn-lock.
//!
//! Bad parameters become a [`ParamError`] (field, value, fix); unreadable or malformed
//! recordings name the file, the line and what is wrong; analyses that cannot run on the data
//! they were given say so with [`LockError::NotEnoughData`] instead of returning a number that
//! means nothing.

use dgnn_core::ParamError;
use std::path::PathBuf;

/// Everything that can go wrong in dgnn-lock.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// A parameter failed its check.
    #[error(transparent)]
    Param(#[from] ParamError),
    /// A simulation in dgnn-dynamics failed (positive controls, flows).
    #[error(transparent)]
    Dynamics(#[from] dgnn_dynamics::DynamicsError),
    /// A file could not be opened or read.
    #[error("reading `{path}`: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating-system error.
        source: std::io::Error,
    },
    /// A file was read but its content does not follow the expected format.
    #[error("`{path}`{}: {message}", line.map(|l| format!(" line {l}")).unwrap_or_default())]
    Format {
        /// The file.
        path: PathBuf,
        /// The 1-based line (or header line) where the problem was found, if known.
        line: Option<usize>,
        /// What is wrong and, where possible, how to fix it.
        message: String,
    },
    /// A requested column or signal does not exist in the recording.
    #[error("no column `{name}` in `{path}`; available: {available}")]
    MissingColumn {
        /// The file.
        path: PathBuf,
        /// The requested name.
        name: String,
        /// The names present, comma-separated.
        available: String,
    },
    /// The data are too short or too sparse for the requested analysis.
    #[error("not enough data: {0}")]
    NotEnoughData(String),
    /// An iterative solver did not reach its tolerance.
    #[error("{what} did not converge: {detail}")]
    NoConvergence {
        /// The solver.
        what: &'static str,
        /// Where it stopped.
        detail: String,
    },
}

/// Shorthand for results of this crate.
pub type Result<T> = std::result::Result<T, LockError>;
