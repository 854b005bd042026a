//! The one error type of dgnn-glia: every failure names what was wrong and how to fix it.

use dgnn_core::ParamError;
use std::path::PathBuf;

/// Errors of data loading, network construction, training, evaluation and model files.
#[derive(Debug, thiserror::Error)]
pub enum GliaError {
    /// A parameter of an architecture, a training config or an energy model failed its check.
    #[error(transparent)]
    Param(#[from] ParamError),
    /// A bundled data set was asked for by a name that does not exist.
    #[error("unknown data set `{name}`: choose one of iris, wine, wdbc (or breast_cancer), digits")]
    UnknownDataset {
        /// The name given.
        name: String,
    },
    /// A file could not be read or written.
    #[error("{action} `{path}`: {source}")]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The operating-system error.
        source: std::io::Error,
    },
    /// A CSV table is malformed at a given line.
    #[error("{source_name}, line {line}: {problem}; {fix}")]
    Csv {
        /// The file (or the label of an in-memory table).
        source_name: String,
        /// The 1-based line number in the file.
        line: usize,
        /// What is wrong there.
        problem: String,
        /// What would fix it.
        fix: String,
    },
    /// A data set as a whole cannot be used (too few samples or classes, bad labels …).
    #[error("data set `{name}`: {problem}")]
    Data {
        /// The data set's name.
        name: String,
        /// What is wrong and what to do.
        problem: String,
    },
    /// Two pieces that must fit together do not: a data set and a network, a data set and its
    /// own parts, a data set and a fitted standardiser. The message names both sides, e.g.
    /// "data set `iris` has 3 feature columns, but the network's `inputs` is 4".
    #[error("{subject} has {found} {what}, but {expected_from} is {expected}")]
    Shape {
        /// What was measured ("data set `iris`").
        subject: String,
        /// What was counted ("feature columns").
        what: &'static str,
        /// The count found.
        found: usize,
        /// Where the required count comes from ("the network's `inputs`").
        expected_from: String,
        /// The count required.
        expected: usize,
    },
    /// A saved model file cannot be used.
    #[error("model file `{path}`: {problem}")]
    ModelFile {
        /// The file.
        path: PathBuf,
        /// Why it was refused and what to do.
        problem: String,
    },
    /// The phase layer's landscape could not be analysed by dgnn-dynamics.
    #[error("phase layer: {0}")]
    Dynamics(String),
}
