//! The one error type of dgnn-nas: bad configs, unusable data, failures of the glia model or of
//! the evolutionary engine. Every variant names what was wrong and how to fix it.

use dgnn_core::ParamError;

/// Everything that can go wrong in an architecture search.
#[derive(Debug, thiserror::Error)]
pub enum NasError {
    /// A field of the search config, the search space or a genome failed its check.
    #[error(transparent)]
    Param(#[from] ParamError),
    /// The data set cannot support the search (too few samples for the splits …).
    #[error("data set `{name}` is unsuited to the search: {problem}")]
    Data {
        /// The data set's name.
        name: String,
        /// What is wrong and what to do.
        problem: String,
    },
    /// The glia crate refused a data set, an architecture or a training run.
    #[error(transparent)]
    Glia(#[from] dgnn_glia::GliaError),
    /// The evolutionary engine failed (bad settings, unusable checkpoint …).
    #[error(transparent)]
    Evo(#[from] dgnn_evo::EvoError),
    /// A baseline measured for another setup was handed to a search.
    #[error(
        "the baseline was measured under `{found}`, but this search measures under `{expected}`: \
         measure the baseline with this search (`Search::measure_baseline`)"
    )]
    ForeignBaseline {
        /// What this search measures under (data, seed, estimation, baseline architecture).
        expected: String,
        /// What the baseline was measured under.
        found: String,
    },
}
