//! The paired sign-flip permutation test of a mean difference (Fisher 1935; Good 2005, ch. 3).
//!
//! Under the null hypothesis that two paired arms are exchangeable, each paired difference is
//! equally likely to have either sign. The p-value is the share of sign assignments whose mean
//! is at least as extreme as the observed one: two-sided, 2 · min(P(T ≤ t), P(T ≥ t)), capped
//! at 1, as scipy's `permutation_test(..., permutation_type="samples")`.
//!
//! With n ≤ [`EXACT_LIMIT`] pairs every one of the 2ⁿ assignments is enumerated; otherwise
//! `resamples` random assignments are drawn from a seeded stream and the p-value carries the
//! +1 correction of Phipson & Smyth (2010), `(b + 1) / (R + 1)`, so it is never zero.

use dgnn_core::error::at_least;
use dgnn_core::{Seed, Valid, Validate};
use rand::RngExt;
use serde::{Deserialize, Serialize};

use super::{StatsError, check_finite};

/// The largest number of pairs whose 2ⁿ sign assignments are enumerated exactly.
pub const EXACT_LIMIT: usize = 16;

/// Options of the sign-flip test.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignFlipOptions {
    /// Random sign assignments drawn when n > [`EXACT_LIMIT`] (default 9999).
    pub resamples: usize,
}

impl Default for SignFlipOptions {
    fn default() -> Self {
        Self { resamples: 9999 }
    }
}

impl Validate for SignFlipOptions {
    fn validate(&self) -> Result<(), dgnn_core::ParamError> {
        at_least("resamples", self.resamples, 99).map(drop)
    }
}

/// The result of a sign-flip test.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SignFlip {
    /// The observed mean difference.
    pub mean_difference: f64,
    /// The two-sided p-value.
    pub p_value: f64,
    /// Whether every assignment was enumerated.
    pub exact: bool,
}

/// The two-sided sign-flip permutation test of the mean of paired differences `d`.
///
/// # Errors
/// An empty sample or non-finite differences.
pub fn sign_flip_test(
    d: &[f64],
    options: &Valid<SignFlipOptions>,
    seed: Seed,
) -> Result<SignFlip, StatsError> {
    const NAME: &str = "sign-flip permutation test";
    check_finite(NAME, d)?;
    if d.is_empty() {
        return Err(StatsError::TooFew { statistic: NAME, needed: 1, got: 0 });
    }
    let n = d.len();
    let observed: f64 = d.iter().sum();
    // Sums are compared instead of means (same order); the tolerance absorbs the rounding of
    // sums taken in different orders, as scipy's relative tolerance does.
    let tolerance = 1e-12 * d.iter().map(|x| x.abs()).sum::<f64>().max(f64::MIN_POSITIVE);
    let (mut below, mut above, total) = if n <= EXACT_LIMIT {
        let (mut below, mut above) = (0u64, 0u64);
        for mask in 0u64..(1 << n) {
            let t = flipped_sum(d, |i| mask >> i & 1 == 1);
            below += u64::from(t <= observed + tolerance);
            above += u64::from(t >= observed - tolerance);
        }
        (below, above, 1u64 << n)
    } else {
        let mut rng = seed.stream("lab/sign-flip", &[n as u64]);
        let (mut below, mut above) = (0u64, 0u64);
        let mut signs = vec![false; n];
        for _ in 0..options.resamples {
            signs.iter_mut().for_each(|s| *s = rng.random_bool(0.5));
            let t = flipped_sum(d, |i| signs[i]);
            below += u64::from(t <= observed + tolerance);
            above += u64::from(t >= observed - tolerance);
        }
        (below, above, options.resamples as u64)
    };
    let exact = n <= EXACT_LIMIT;
    let p_value = if exact {
        2.0 * (below as f64 / total as f64).min(above as f64 / total as f64)
    } else {
        below += 1;
        above += 1;
        2.0 * (below as f64 / (total + 1) as f64).min(above as f64 / (total + 1) as f64)
    };
    Ok(SignFlip { mean_difference: observed / n as f64, p_value: p_value.min(1.0), exact })
}

/// Σ ±dᵢ with the sign of dᵢ flipped where `flip(i)`.
fn flipped_sum(d: &[f64], flip: impl Fn(usize) -> bool) -> f64 {
    d.iter().enumerate().map(|(i, &x)| if flip(i) { -x } else { x }).sum()
}
