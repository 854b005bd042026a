//! Running statistics that merge exactly across parallel work items.
//!
//! [`RunningMoments`] is Welford's (1962) one-pass mean and variance, merged with the pairwise
//! formula of Chan, Golub & LeVeque (1979); ensembles, training folds and experiment arms all
//! summarise through it, so there is one standard deviation in dgnn, not several.

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
