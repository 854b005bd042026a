//! What an experiment is: a question, a design of independent items, and an analysis that turns
//! the items' outcomes into estimates with confidence intervals, tables and pictures.
//!
//! An item is one unit of work — usually one seed of one arm on one data set — whose outcome
//! depends on the config and the item alone. Items therefore run in any order and on any number
//! of threads with bit-identical outcomes, and a stopped run resumes by running only the items
//! that have no outcome yet.

use std::collections::BTreeMap;
use std::fmt::Debug;

use dgnn_core::{ParamError, Valid};
use dgnn_plot::Plot;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::LabError;
use crate::rule::{self, DecisionRule, QuantitySpec};
use crate::stats::Interval;
use crate::stats::bootstrap::BootstrapOptions;

/// The settings every experiment shares: its seeds, its decision rules and its intervals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Common {
    /// The seeds every arm runs on (arms share seeds and data splits, so comparisons are
    /// paired). At least 2, for an interval.
    pub seeds: Vec<u64>,
    /// The claims and the rules that decide their verdicts, declared before anything runs (at
    /// least one).
    pub rules: Vec<DecisionRule>,
    /// Bootstrap settings of every interval (default 9999 resamples, 95 %).
    #[serde(default = "default_bootstrap")]
    pub bootstrap: Valid<BootstrapOptions>,
}

fn default_bootstrap() -> Valid<BootstrapOptions> {
    Valid::new(BootstrapOptions::default()).unwrap_or_else(|_| unreachable!("defaults are valid"))
}

impl Common {
    /// Settings with the given seeds and rules and the default bootstrap.
    #[must_use]
    pub fn new(seeds: Vec<u64>, rules: Vec<DecisionRule>) -> Self {
        Self { seeds, rules, bootstrap: default_bootstrap() }
    }

    /// Checks the seeds and the rules against the experiment's declared quantities.
    ///
    /// # Errors
    /// Fewer than two seeds (no interval), repeated seeds, no rule, or a bad rule.
    pub fn check(&self, quantities: &[QuantitySpec]) -> Result<(), LabError> {
        if self.seeds.len() < 2 {
            return Err(ParamError::new(
                "seeds",
                format!("{:?}", self.seeds),
                "needs at least 2 seeds: a confidence interval needs replicates (use --seeds 5)",
            )
            .into());
        }
        let mut sorted = self.seeds.clone();
        sorted.sort_unstable();
        if sorted.windows(2).any(|w| w[0] == w[1]) {
            return Err(ParamError::new(
                "seeds",
                format!("{:?}", self.seeds),
                "seeds must be distinct (a repeated seed repeats a replicate)",
            )
            .into());
        }
        if self.rules.is_empty() {
            return Err(rule::RuleError::NoClaim.into());
        }
        for rule in &self.rules {
            rule.check(quantities)?;
        }
        Ok(())
    }
}

/// An experiment's name and its question in one line (for `dgnn experiment --list`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExperimentInfo {
    /// The name on the command line.
    pub name: &'static str,
    /// The question in one line.
    pub question: &'static str,
}

/// A table of the report, in Markdown.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// What the table shows.
    pub title: String,
    /// Column headers.
    pub header: Vec<String>,
    /// Rows of cells.
    pub rows: Vec<Vec<String>>,
}

/// A picture of the report.
#[derive(Debug, Clone)]
pub struct Figure {
    /// File stem: the picture is written as `<stem>.svg` and `<stem>.png`.
    pub stem: String,
    /// The caption under it in the report.
    pub caption: String,
    /// The plot.
    pub plot: Plot,
}

/// What an analysis found.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    /// The estimates of the declared quantities, which the rules read.
    pub estimates: BTreeMap<String, Interval>,
    /// One sentence stating the answer in numbers (for the verdict table).
    pub answer: String,
    /// Result tables.
    pub tables: Vec<Table>,
    /// Pictures.
    pub figures: Vec<Figure>,
    /// Remarks on the results (limits, surprises), one paragraph each.
    pub notes: Vec<String>,
}

/// One experiment (module docs). Implementations are unit structs registered in
/// [`crate::catalogue`].
pub trait Experiment: Sync {
    /// The config (RON), holding a [`Common`] part.
    type Config: Serialize + DeserializeOwned + Clone + PartialEq + Debug + Send + Sync;
    /// One unit of work.
    type Item: Serialize + DeserializeOwned + Clone + PartialEq + Debug + Send + Sync;
    /// What one item measured.
    type Outcome: Serialize + DeserializeOwned + Clone + Debug + Send + Sync;

    /// Name and one-line question.
    fn info(&self) -> ExperimentInfo;

    /// The quantities the analysis estimates (the names rules may use).
    fn quantities(&self) -> &'static [QuantitySpec];

    /// The config of the default size (≤ 20 minutes on 2 cores).
    fn default_config(&self) -> Self::Config;

    /// The config of the `--quick` size (under a minute on 2 cores).
    fn quick_config(&self) -> Self::Config;

    /// The commented RON of the default config (`dgnn experiment --example NAME`).
    fn example(&self) -> String;

    /// The shared part of a config.
    fn common<'c>(&self, config: &'c Self::Config) -> &'c Common;

    /// The shared part of a config, to change (e.g. `--seeds N`).
    fn common_mut<'c>(&self, config: &'c mut Self::Config) -> &'c mut Common;

    /// Checks the experiment-specific part of a config (the common part is checked by the
    /// runner).
    ///
    /// # Errors
    /// The first bad field.
    fn check(&self, config: &Self::Config) -> Result<(), LabError>;

    /// The question in the paper's terms, then the design: arms, controls, what is held
    /// equal between arms (Markdown).
    fn design(&self, config: &Self::Config) -> String;

    /// The items of a run, in a fixed order.
    fn items(&self, config: &Self::Config) -> Vec<Self::Item>;

    /// Runs one item. Must depend on `config` and `item` only.
    ///
    /// # Errors
    /// Whatever stops the item; the run stops with it and keeps the finished items.
    fn run_item(&self, config: &Self::Config, item: &Self::Item)
    -> Result<Self::Outcome, LabError>;

    /// The columns of `results.csv`, one row per item.
    fn row(&self, item: &Self::Item, outcome: &Self::Outcome) -> Vec<(String, String)>;

    /// Estimates, tables and figures from every item's outcome, in item order.
    ///
    /// # Errors
    /// A statistic that cannot be computed.
    fn analyse(
        &self,
        config: &Self::Config,
        results: &[(Self::Item, Self::Outcome)],
    ) -> Result<Analysis, LabError>;
}
