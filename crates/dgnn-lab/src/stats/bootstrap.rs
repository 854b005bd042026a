//! Percentile bootstrap confidence intervals (Efron 1979; Efron & Tibshirani 1993, ch. 13).
//!
//! The data are `n` items (seeds, usually: every arm of an experiment ran on the same seeds, so
//! an item carries all arms' values and resampling items keeps the pairing). A resample draws
//! `n` item indices with replacement from a seeded stream; the statistic is evaluated on the
//! observed items and on every resample, and the interval is the (1 − level)/2 and
//! (1 + level)/2 quantiles of the resampled statistics, interpolated linearly between order
//! statistics as numpy's default percentile (and so scipy's `bootstrap(method="percentile")`).
//!
//! [`bias_corrected_interval`] moves the two quantiles by the bootstrap distribution's median
//! bias (Efron's BC interval), for statistics that resampling with repeated items shifts.

use dgnn_core::error::{at_least, in_range};
use dgnn_core::{ParamError, Seed, Valid, Validate};
use rand::RngExt;
use serde::{Deserialize, Serialize};

use statrs::distribution::{ContinuousCDF, Normal};

use super::{Interval, StatsError};

/// Options of a bootstrap interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BootstrapOptions {
    /// Resamples drawn (default 9999).
    pub resamples: usize,
    /// Confidence level in (0, 1) (default 0.95).
    pub level: f64,
}

impl Default for BootstrapOptions {
    fn default() -> Self {
        Self { resamples: 9999, level: 0.95 }
    }
}

impl Validate for BootstrapOptions {
    fn validate(&self) -> Result<(), ParamError> {
        at_least("resamples", self.resamples, 99)?;
        in_range("level", self.level, 0.5, 0.999)?;
        Ok(())
    }
}

/// The percentile bootstrap interval of `statistic` over `n` items.
///
/// `statistic` receives item indices (the observed `0..n` first, then each resample) and must
/// return a finite value for each. `stream` names the resampling stream under `seed`, so
/// several intervals of one report draw independent resamples.
///
/// # Errors
/// Fewer than two items, or a non-finite statistic (a ratio over a zero mean, say), named with
/// the resample it came from.
pub fn bootstrap_interval(
    n: usize,
    statistic: impl Fn(&[usize]) -> f64,
    options: &Valid<BootstrapOptions>,
    seed: Seed,
    stream: &[u64],
) -> Result<Interval, StatsError> {
    let (estimate, replicates) = replicates(n, statistic, options, seed, stream)?;
    let tail = (1.0 - options.level) / 2.0;
    Ok(Interval {
        estimate,
        low: percentile(&replicates, tail),
        high: percentile(&replicates, 1.0 - tail),
        level: options.level,
    })
}

/// The bias-corrected (BC) percentile interval of `statistic` (Efron 1981; Efron & Tibshirani
/// 1993, §14.3): with `z₀ = Φ⁻¹(share of resampled statistics below the observed one)`, the
/// interval's ends are the resampled quantiles at `Φ(2z₀ ± z_{(1+level)/2})` instead of
/// `(1 ± level)/2`. For statistics whose bootstrap distribution is shifted from the estimate —
/// rank effect sizes such as Kruskal–Wallis' ε², which resamples with repeated items inflate —
/// the plain percentile interval can miss its own estimate; the correction re-centres it.
///
/// # Errors
/// As [`bootstrap_interval`]; also when every resample lies on one side of the estimate (no
/// bias can be estimated).
pub fn bias_corrected_interval(
    n: usize,
    statistic: impl Fn(&[usize]) -> f64,
    options: &Valid<BootstrapOptions>,
    seed: Seed,
    stream: &[u64],
) -> Result<Interval, StatsError> {
    const NAME: &str = "bias-corrected bootstrap interval";
    let (estimate, replicates) = replicates(n, statistic, options, seed, stream)?;
    let below = replicates.iter().filter(|&&r| r < estimate).count() as f64;
    // Exact ties (a resample that reproduces the observed statistic bit for bit).
    let ties = replicates.iter().filter(|&&r| r.total_cmp(&estimate).is_eq()).count() as f64;
    // Ties count half (the usual mid-rank convention for a discrete bootstrap distribution).
    let share = (below + ties / 2.0) / replicates.len() as f64;
    if share <= 0.0 || share >= 1.0 {
        return Err(StatsError::NotFinite {
            statistic: NAME,
            what: "the bias correction (every resample on one side of the estimate)".into(),
            value: share,
        });
    }
    let normal = Normal::standard();
    let z0 = normal.inverse_cdf(share);
    let z = normal.inverse_cdf((1.0 + options.level) / 2.0);
    Ok(Interval {
        estimate,
        low: percentile(&replicates, normal.cdf(2.0 * z0 - z)),
        high: percentile(&replicates, normal.cdf(2.0 * z0 + z)),
        level: options.level,
    })
}

/// The statistic on the observed items and on every resample (sorted), or the first
/// non-finite value.
fn replicates(
    n: usize,
    statistic: impl Fn(&[usize]) -> f64,
    options: &Valid<BootstrapOptions>,
    seed: Seed,
    stream: &[u64],
) -> Result<(f64, Vec<f64>), StatsError> {
    const NAME: &str = "bootstrap interval";
    if n < 2 {
        return Err(StatsError::TooFew { statistic: NAME, needed: 2, got: n });
    }
    let observed: Vec<usize> = (0..n).collect();
    let estimate = statistic(&observed);
    if !estimate.is_finite() {
        return Err(StatsError::NotFinite {
            statistic: NAME,
            what: "the statistic on the observed data".into(),
            value: estimate,
        });
    }
    let mut rng = seed.stream("lab/bootstrap", stream);
    let mut indices = vec![0usize; n];
    let mut replicates = Vec::with_capacity(options.resamples);
    for r in 0..options.resamples {
        indices.iter_mut().for_each(|i| *i = rng.random_range(0..n));
        let value = statistic(&indices);
        if !value.is_finite() {
            return Err(StatsError::NotFinite {
                statistic: NAME,
                what: format!("the statistic on resample {r}"),
                value,
            });
        }
        replicates.push(value);
    }
    replicates.sort_by(f64::total_cmp);
    Ok((estimate, replicates))
}

/// The `q`-quantile of sorted values, linearly interpolated between order statistics
/// (numpy's default `method="linear"`: position q (n − 1)).
#[must_use]
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    let position = q * (sorted.len() - 1) as f64;
    let below = position.floor() as usize;
    let above = (below + 1).min(sorted.len() - 1);
    let fraction = position - below as f64;
    sorted[below] + fraction * (sorted[above] - sorted[below])
}

/// [`mean_interval`] of a quantity measured once per seed as the mean (geometric when
/// `geometric`) of that seed's values ([`mean_of`](super::mean_of)): one list per seed, in seed
/// order; a seed without a usable mean is left out.
#[must_use]
pub fn pooled_interval(
    per_seed_values: impl IntoIterator<Item = Vec<f64>>,
    geometric: bool,
    options: &Valid<BootstrapOptions>,
    stream: u64,
) -> Option<Interval> {
    let per_seed: Vec<f64> = per_seed_values
        .into_iter()
        .filter_map(|values| super::mean_of(&values, geometric))
        .collect();
    mean_interval(&per_seed, geometric, options, stream)
}

/// The percentile interval of the mean of `values` (one per seed, usually), or of their
/// geometric mean when `geometric` (the mean of the logs, exponentiated: for ratios that vary
/// over orders of magnitude). `None` for fewer than two values or a non-positive value under
/// `geometric`; `stream` separates the resamples of different quantities of one report.
#[must_use]
pub fn mean_interval(
    values: &[f64],
    geometric: bool,
    options: &Valid<BootstrapOptions>,
    stream: u64,
) -> Option<Interval> {
    if geometric && values.iter().any(|&v| v <= 0.0) {
        return None;
    }
    let transformed: Vec<f64> =
        if geometric { values.iter().map(|v| v.ln()).collect() } else { values.to_vec() };
    let interval = bootstrap_interval(
        transformed.len(),
        |idx| mean_at(&transformed, idx),
        options,
        Seed(0),
        &[stream],
    )
    .ok()?;
    Some(if geometric {
        Interval {
            estimate: interval.estimate.exp(),
            low: interval.low.exp(),
            high: interval.high.exp(),
            level: interval.level,
        }
    } else {
        interval
    })
}

/// The mean of the values at `indices` (a statistic for [`bootstrap_interval`]).
#[must_use]
pub fn mean_at(values: &[f64], indices: &[usize]) -> f64 {
    indices.iter().map(|&i| values[i]).sum::<f64>() / indices.len() as f64
}

/// The ratio of the means of `numerator` and `denominator` at the same `indices` (paired
/// items), a statistic for [`bootstrap_interval`].
#[must_use]
pub fn ratio_of_means_at(numerator: &[f64], denominator: &[f64], indices: &[usize]) -> f64 {
    mean_at(numerator, indices) / mean_at(denominator, indices)
}

/// The geometric mean of the ratios `numerator[i] / denominator[i]` at `indices`, a statistic
/// for [`bootstrap_interval`] suited to quantities that vary over orders of magnitude (energies).
#[must_use]
pub fn geometric_mean_ratio_at(numerator: &[f64], denominator: &[f64], indices: &[usize]) -> f64 {
    let log_sum: f64 = indices.iter().map(|&i| (numerator[i] / denominator[i]).ln()).sum();
    (log_sum / indices.len() as f64).exp()
}

#[cfg(test)]
mod tests {
    use super::*;
    use dgnn_core::ParamGuard;

    /// For the mean of symmetric data the bias correction is nil (z₀ ≈ 0) and the BC interval
    /// is the percentile interval, up to resampling error (same resamples: identical quantile
    /// positions when z₀ = 0 exactly).
    #[test]
    fn bias_correction_vanishes_for_an_unbiased_statistic() {
        let values = [-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0];
        let options = BootstrapOptions { resamples: 20_000, level: 0.9 }.check().unwrap();
        let mean = |idx: &[usize]| mean_at(&values, idx);
        let plain = bootstrap_interval(7, mean, &options, Seed(4), &[1]).unwrap();
        let corrected = bias_corrected_interval(7, mean, &options, Seed(4), &[1]).unwrap();
        // The resampled mean has sd 2/√7 ≈ 0.76; a shift of z₀ ≈ ±0.02 moves an end by < 0.05.
        assert!((plain.low - corrected.low).abs() < 0.05, "{plain:?} {corrected:?}");
        assert!((plain.high - corrected.high).abs() < 0.05, "{plain:?} {corrected:?}");
    }

    /// A statistic that only the observed items reach (0 for the items in their own order, 1
    /// for any other draw, P = 8⁻⁸ of drawing them back): every resample lies on one side of
    /// the estimate, so no bias can be estimated.
    #[test]
    fn one_sided_resamples_are_refused() {
        let options = BootstrapOptions::default().check().unwrap();
        let in_order = |idx: &[usize]| {
            if idx.iter().enumerate().all(|(k, &i)| k == i) { 0.0 } else { 1.0 }
        };
        assert!(bias_corrected_interval(8, in_order, &options, Seed(1), &[]).is_err());
    }

    #[test]
    fn percentile_interpolates_like_numpy() {
        // numpy.percentile([1, 2, 3, 4], [0, 25, 50, 100]) = [1, 1.75, 2.5, 4].
        let v = [1.0, 2.0, 3.0, 4.0];
        for (q, want) in [(0.0, 1.0), (0.25, 1.75), (0.5, 2.5), (1.0, 4.0)] {
            assert!((percentile(&v, q) - want).abs() < 1e-15);
        }
    }
}
