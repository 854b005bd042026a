//! Experiments that answer the source paper's questions with data.
//!
//! An experiment states a question in the paper's terms, runs independent items (seed × arm ×
//! data set) in parallel, and decides a verdict — *supported*, *not supported* or
//! *inconclusive* — by a decision rule declared in its config before anything runs. No test and
//! no person picks the verdict: [`rule::DecisionRule::decide`] reads it off the intervals.
//!
//! - [`catalogue`]: every experiment by name, checked before any folder exists, and resume;
//! - [`experiments`]: the experiments themselves;
//! - [`experiment`]: the [`Experiment`] trait (question, design, items, analysis);
//! - [`fronts`]: front members and the selections analyses share (most accurate, cheapest within
//!   a margin, the knee);
//! - [`run`](mod@run): items in parallel into a run folder, stop at an item boundary, resume;
//! - [`rule`]: decision rules and verdicts;
//! - [`report`]: the Markdown report of a finished run;
//! - [`stats`]: bootstrap intervals, rank and permutation tests, with scipy's conventions.

pub mod catalogue;
pub mod experiment;
pub mod experiments;
pub mod fronts;
pub mod report;
pub mod rule;
pub mod run;
pub mod stats;

pub use dgnn_core::{NoProgress, ParamError, Progress, Seed};
pub use experiment::{Analysis, Common, Experiment, ExperimentInfo, Figure, Table};
pub use rule::{DecisionRule, Verdict};
pub use run::{ItemDone, ItemRunner, ItemServer, ItemWork, RunEnd, check_config, run};

/// Why an experiment could not run or finish.
#[derive(Debug, thiserror::Error)]
pub enum LabError {
    /// A bad parameter of the config.
    #[error(transparent)]
    Param(#[from] ParamError),
    /// A bad decision rule.
    #[error(transparent)]
    Rule(#[from] rule::RuleError),
    /// A statistic could not be computed.
    #[error(transparent)]
    Stats(#[from] stats::StatsError),
    /// A file could not be read or written.
    #[error(transparent)]
    Core(#[from] dgnn_core::CoreError),
    /// A picture could not be drawn.
    #[error(transparent)]
    Plot(#[from] dgnn_plot::PlotError),
    /// A saved item belongs to another config.
    #[error(
        "`{path}` does not hold the item this config expects ({expected}): the folder belongs to \
         another run; resume it with its own config.ron or start a new folder"
    )]
    ForeignItem {
        /// The item file.
        path: std::path::PathBuf,
        /// The item the config expects at that index.
        expected: String,
    },
    /// The processes running the items together lost touch (a process died, a message could
    /// not be read).
    #[error("running the items on several processes failed: {0}")]
    Distributed(String),
    /// An item failed.
    #[error("item {item}: {message}")]
    Item {
        /// The item, as written in `results.csv`.
        item: String,
        /// What went wrong.
        message: String,
    },
}
