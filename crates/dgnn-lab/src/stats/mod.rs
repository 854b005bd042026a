//! The statistics of the experiments: confidence intervals and tests that the decision rules
//! read.
//!
//! - [`bootstrap`]: percentile bootstrap confidence intervals (Efron & Tibshirani 1993, ch. 13)
//!   of any statistic of paired items, with seeded resampling;
//! - [`rank`]: the signed-rank and rank-sum tests for paired and independent samples (Wilcoxon
//!   1945; Mann & Whitney 1947), Kruskal & Wallis's (1952) H across several groups with the
//!   ε² effect size, and Spearman's rank correlation;
//! - [`permutation`]: the paired sign-flip permutation test of a mean difference (Fisher 1935),
//!   exact by enumeration for small samples, Monte Carlo otherwise.
//!
//! Multiple-comparison corrections (Holm, Benjamini–Hochberg) are shared with the
//! synchronisation analysis and live in [`dgnn_core::stats`].
//!
//! Every function follows the conventions of scipy.stats (1.17) where scipy has the same
//! statistic, so a reader can check a report with scipy: the tests compare against values that
//! scipy computed on fixed inputs (the script is `tests/reference/scipy_reference.py`).

pub mod bootstrap;
pub mod permutation;
pub mod rank;

use serde::{Deserialize, Serialize};

/// The median of the finite values (NaN when there are none).
#[must_use]
pub fn median(mut values: Vec<f64>) -> f64 {
    values.retain(|v| v.is_finite());
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 { values[n / 2] } else { (values[n / 2 - 1] + values[n / 2]) / 2.0 }
}

/// The mean of some values, geometric when asked; `None` for none, or for a geometric mean of
/// values that are not all positive.
#[must_use]
pub fn mean_of(values: &[f64], geometric: bool) -> Option<f64> {
    if values.is_empty() || (geometric && values.iter().any(|&v| v <= 0.0)) {
        return None;
    }
    let n = values.len() as f64;
    Some(if geometric {
        (values.iter().map(|v| v.ln()).sum::<f64>() / n).exp()
    } else {
        values.iter().sum::<f64>() / n
    })
}

/// A point estimate with a two-sided confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// The statistic on the observed data.
    pub estimate: f64,
    /// The lower end of the interval.
    pub low: f64,
    /// The upper end of the interval.
    pub high: f64,
    /// The confidence level (0.95 for a 95 % interval).
    pub level: f64,
}

impl Interval {
    /// Whether the interval contains `value` (ends included).
    #[must_use]
    pub fn contains(&self, value: f64) -> bool {
        self.low <= value && value <= self.high
    }
}

/// A statistic that could not be computed from the data given.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StatsError {
    /// Too few observations for the statistic.
    #[error("{statistic} needs at least {needed} observations, got {got}")]
    TooFew {
        /// The statistic asked for.
        statistic: &'static str,
        /// Its minimum sample size.
        needed: usize,
        /// The sample size given.
        got: usize,
    },
    /// An observation, or the statistic on a resample, is NaN or infinite.
    #[error("{statistic}: {what} is not finite ({value})")]
    NotFinite {
        /// The statistic asked for.
        statistic: &'static str,
        /// Which value (an observation, a resample's statistic …).
        what: String,
        /// The value.
        value: f64,
    },
    /// A parameter of the statistic is outside its range.
    #[error(transparent)]
    Param(#[from] dgnn_core::ParamError),
}

/// Checks that every value is finite.
pub(crate) fn check_finite(statistic: &'static str, values: &[f64]) -> Result<(), StatsError> {
    match values.iter().position(|v| !v.is_finite()) {
        Some(i) => Err(StatsError::NotFinite {
            statistic,
            what: format!("observation {i}"),
            value: values[i],
        }),
        None => Ok(()),
    }
}
