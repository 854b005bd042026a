//! Running statistics that merge exactly across parallel work items.
//!
//! [`RunningMoments`] is Welford's (1962) one-pass mean and variance, merged with the pairwise
//! formula of Chan, Golub & LeVeque (1979); ensembles, training folds and experiment arms all
//! summarise through it, so there is one standard deviation in dgnn, not several.
//!
//! The multiple-testing corrections shared by the synchronisation analysis (many windows) and
//! the experiments (several comparisons per report) live here too:
//! [`holm_adjusted`] (Holm 1979, family-wise error) and [`benjamini_hochberg_adjusted`] /
//! [`benjamini_hochberg_threshold`] (Benjamini & Hochberg 1995, false-discovery rate).

use serde::{Deserialize, Serialize};

/// Running mean and variance (Welford 1962; merged with Chan, Golub & LeVeque 1979).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct RunningMoments {
    /// Number of samples.
    pub count: u64,
    /// Their mean.
    pub mean: f64,
    /// Sum of squared deviations from the mean.
    pub m2: f64,
}

impl RunningMoments {
    /// Adds one sample.
    pub fn push(&mut self, x: f64) {
        self.count += 1;
        let delta = x - self.mean;
        self.mean += delta / self.count as f64;
        self.m2 += delta * (x - self.mean);
    }

    /// Merges the moments of another sample.
    pub fn merge(&mut self, other: &Self) {
        if other.count == 0 {
            return;
        }
        if self.count == 0 {
            *self = *other;
            return;
        }
        let n = (self.count + other.count) as f64;
        let delta = other.mean - self.mean;
        self.mean += delta * other.count as f64 / n;
        self.m2 += other.m2 + delta * delta * self.count as f64 * other.count as f64 / n;
        self.count += other.count;
    }

    /// The unbiased sample variance (NaN for fewer than two samples).
    #[must_use]
    pub fn variance(&self) -> f64 {
        if self.count < 2 { f64::NAN } else { self.m2 / (self.count - 1) as f64 }
    }

    /// The sample standard deviation (square root of the unbiased variance; NaN for fewer than
    /// two samples).
    #[must_use]
    pub fn std_dev(&self) -> f64 {
        self.variance().sqrt()
    }

    /// The standard error of the mean.
    #[must_use]
    pub fn standard_error(&self) -> f64 {
        (self.variance() / self.count as f64).sqrt()
    }
}

impl FromIterator<f64> for RunningMoments {
    fn from_iter<I: IntoIterator<Item = f64>>(iter: I) -> Self {
        let mut moments = Self::default();
        for x in iter {
            moments.push(x);
        }
        moments
    }
}

/// Holm's (1979) step-down adjusted p-values, in the input order: with the p-values sorted
/// ascending, `p̃₍ₖ₎ = max_{j ≤ k} min(1, (m − j + 1) p₍ⱼ₎)`. Rejecting every hypothesis with
/// `p̃ ≤ α` controls the family-wise error rate at α under any dependence.
///
/// NaN p-values are not allowed (they have no rank); the caller checks them.
#[must_use]
pub fn holm_adjusted(p_values: &[f64]) -> Vec<f64> {
    let m = p_values.len();
    let order = ascending_order(p_values);
    let mut adjusted = vec![0.0; m];
    let mut running_max: f64 = 0.0;
    for (rank, &i) in order.iter().enumerate() {
        running_max = running_max.max(((m - rank) as f64 * p_values[i]).min(1.0));
        adjusted[i] = running_max;
    }
    adjusted
}

/// Benjamini & Hochberg's (1995) adjusted p-values (q-values), in the input order: with the
/// p-values sorted ascending, `q₍ₖ₎ = min_{j ≥ k} min(1, m p₍ⱼ₎ / j)`. Rejecting every hypothesis
/// with `q ≤ α` is the BH step-up procedure at false-discovery rate α.
#[must_use]
pub fn benjamini_hochberg_adjusted(p_values: &[f64]) -> Vec<f64> {
    let m = p_values.len();
    let order = ascending_order(p_values);
    let mut adjusted = vec![0.0; m];
    let mut running_min: f64 = 1.0;
    for (rank, &i) in order.iter().enumerate().rev() {
        running_min = running_min.min(m as f64 * p_values[i] / (rank + 1) as f64);
        adjusted[i] = running_min;
    }
    adjusted
}

/// The largest p-value that the Benjamini–Hochberg step-up procedure at level `alpha` rejects
/// (the largest `p₍ₖ₎ ≤ k α / m`), or `None` when it rejects nothing. Every p-value at or below
/// the threshold is a discovery.
#[must_use]
pub fn benjamini_hochberg_threshold(p_values: &[f64], alpha: f64) -> Option<f64> {
    let m = p_values.len() as f64;
    let mut sorted = p_values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted
        .iter()
        .enumerate()
        .filter(|&(k, &p)| p <= (k + 1) as f64 / m * alpha)
        .map(|(_, &p)| p)
        .next_back()
}

/// The indices of `values` in ascending order (ties keep their input order).
fn ascending_order(values: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Welford's moments equal the two-pass textbook formulas, and merging any split of the
        /// sample gives the moments of the whole (Chan, Golub & LeVeque 1979).
        #[test]
        fn moments_match_two_pass_formulas_and_merge_exactly(
            xs in proptest::collection::vec(-1e3f64..1e3, 2..200),
            cut in 0usize..200,
        ) {
            let n = xs.len() as f64;
            let mean = xs.iter().sum::<f64>() / n;
            let variance = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
            let whole: RunningMoments = xs.iter().copied().collect();
            prop_assert_eq!(whole.count, xs.len() as u64);
            prop_assert!((whole.mean - mean).abs() <= 1e-9 * (1.0 + mean.abs()));
            prop_assert!((whole.variance() - variance).abs() <= 1e-9 * (1.0 + variance));
            let cut = cut.min(xs.len());
            let mut left: RunningMoments = xs[..cut].iter().copied().collect();
            left.merge(&xs[cut..].iter().copied().collect());
            prop_assert!((left.mean - mean).abs() <= 1e-9 * (1.0 + mean.abs()));
            prop_assert!((left.variance() - variance).abs() <= 1e-9 * (1.0 + variance));
        }
    }

    /// Reference values from statsmodels 0.15 `multipletests(p, method="holm")` and scipy 1.17
    /// `false_discovery_control(p)` on the same input (computed outside dgnn).
    #[test]
    fn corrections_match_statsmodels_and_scipy() {
        let p = [0.01, 0.04, 0.03, 0.005, 0.2, 0.04];
        let holm = [0.05, 0.12, 0.12, 0.03, 0.2, 0.12];
        let bh = [0.03, 0.048, 0.048, 0.03, 0.2, 0.048];
        for (got, want) in holm_adjusted(&p).iter().zip(holm) {
            assert!((got - want).abs() < 1e-12, "holm {got} vs {want}");
        }
        for (got, want) in benjamini_hochberg_adjusted(&p).iter().zip(bh) {
            assert!((got - want).abs() < 1e-12, "bh {got} vs {want}");
        }
        // BH at α = 0.05 rejects every p with q ≤ 0.05: all but 0.2, so the threshold is 0.04.
        assert_eq!(benjamini_hochberg_threshold(&p, 0.05), Some(0.04));
        assert_eq!(benjamini_hochberg_threshold(&[0.5, 0.9], 0.05), None);
    }

    proptest! {
        /// Adjusted p-values are at least the raw ones, at most 1, monotone in the raw order,
        /// and Holm's are never below BH's (FWER control is the stricter).
        #[test]
        fn adjusted_p_values_are_ordered_and_bounded(
            p in proptest::collection::vec(0.0f64..=1.0, 1..40),
        ) {
            let holm = holm_adjusted(&p);
            let bh = benjamini_hochberg_adjusted(&p);
            for i in 0..p.len() {
                prop_assert!(holm[i] >= p[i] && holm[i] <= 1.0);
                prop_assert!(bh[i] >= p[i] - 1e-15 && bh[i] <= 1.0);
                prop_assert!(holm[i] >= bh[i] - 1e-12);
                for j in 0..p.len() {
                    if p[i] < p[j] {
                        prop_assert!(holm[i] <= holm[j] && bh[i] <= bh[j]);
                    }
                }
            }
            // The BH threshold rejects exactly the hypotheses with q ≤ α.
            let alpha = 0.1;
            let threshold = benjamini_hochberg_threshold(&p, alpha);
            for i in 0..p.len() {
                let by_threshold = threshold.is_some_and(|t| p[i] <= t);
                prop_assert_eq!(by_threshold, bh[i] <= alpha + 1e-12);
            }
        }
    }

    #[test]
    fn fewer_than_two_samples_have_no_spread() {
        let one: RunningMoments = [3.0].into_iter().collect();
        assert!(one.variance().is_nan() && one.std_dev().is_nan());
        // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, unbiased variance 32/7.
        let eight: RunningMoments = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0].into_iter().collect();
        assert!((eight.mean - 5.0).abs() < 1e-15);
        assert!((eight.variance() - 32.0 / 7.0).abs() < 1e-14);
    }
}
