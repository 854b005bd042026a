//! [`Histogram`]: counts of values in equal bins, with the expected L1 distance of a perfect
//! sampler to compare an ensemble with an exact density.

use serde::Serialize;

/// Counts of values in equal bins of `[low, high)`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Histogram {
    /// Lower edge.
    pub low: f64,
    /// Upper edge.
    pub high: f64,
    /// Counts per bin.
    pub counts: Vec<u64>,
    /// Values that fell outside `[low, high)` (never, for a wrapped histogram).
    pub outside: u64,
}

impl Histogram {
    /// An empty histogram.
    #[must_use]
    pub fn new(low: f64, high: f64, bins: usize) -> Self {
        Self { low, high, counts: vec![0; bins], outside: 0 }
    }

    /// Adds a value; values outside `[low, high)` (and NaN) are counted in [`Self::outside`].
    pub fn add(&mut self, value: f64) {
        let bins = self.counts.len();
        let k = self.bin_position(value);
        if k >= 0.0 && k < bins as f64 {
            self.counts[k as usize] += 1;
        } else {
            self.outside += 1;
        }
    }

    /// Adds a value reduced modulo `high − low` into `[low, high)` first (a phase on the circle
    /// with `low = −π`, `high = π`); only a non-finite value ends up in [`Self::outside`].
    pub fn add_wrapped(&mut self, value: f64) {
        let width = self.high - self.low;
        let v = self.low + (value - self.low).rem_euclid(width);
        let bins = self.counts.len();
        let k = self.bin_position(v);
        if k >= 0.0 && k < bins as f64 {
            self.counts[k as usize] += 1;
        } else if v.is_finite() {
            // rem_euclid can round up to exactly `width`: that value belongs to the first bin.
            self.counts[if k < 0.0 { bins - 1 } else { 0 }] += 1;
        } else {
            self.outside += 1;
        }
    }

    /// `⌊(v − low)/width · bins⌋` as a float (the bin of `v` when it lies in `[0, bins)`).
    fn bin_position(&self, v: f64) -> f64 {
        ((v - self.low) / (self.high - self.low) * self.counts.len() as f64).floor()
    }

    /// The total number of values added (inside and outside).
    #[must_use]
    pub fn total(&self) -> u64 {
        self.counts.iter().sum::<u64>() + self.outside
    }

    /// The bin centres.
    #[must_use]
    pub fn centres(&self) -> Vec<f64> {
        let w = (self.high - self.low) / self.counts.len() as f64;
        (0..self.counts.len()).map(|k| self.low + (k as f64 + 0.5) * w).collect()
    }

    /// The empirical density per bin (counts / (total · width)).
    #[must_use]
    pub fn density(&self) -> Vec<f64> {
        let w = (self.high - self.low) / self.counts.len() as f64;
        let n = self.total().max(1) as f64;
        self.counts.iter().map(|&c| c as f64 / (n * w)).collect()
    }

    /// `Σ_k |h_k − p_k|·width`: the L1 distance to a density given as bin averages.
    #[must_use]
    pub fn l1_distance(&self, exact_bin_density: &[f64]) -> f64 {
        let w = (self.high - self.low) / self.counts.len() as f64;
        self.density().iter().zip(exact_bin_density).map(|(h, p)| (h - p).abs() * w).sum()
    }

    /// The expected L1 distance of a perfect sampler of `total()` values from bin probabilities
    /// `π_k = p_k·width` (normal approximation of the multinomial:
    /// `E|h_k − p_k|·w = sqrt(2π_k(1 − π_k)/(π n))`).
    #[must_use]
    pub fn expected_l1_floor(&self, exact_bin_density: &[f64]) -> f64 {
        let w = (self.high - self.low) / self.counts.len() as f64;
        let n = self.total() as f64;
        exact_bin_density
            .iter()
            .map(|p| {
                let pi = p * w;
                (2.0 * pi * (1.0 - pi) / (std::f64::consts::PI * n)).sqrt()
            })
            .sum()
    }

    /// The standard deviation of the L1 distance of a perfect sampler (the terms
    /// `w|h_k − p_k|` are half-normal with scale `s_k = sqrt(π_k(1 − π_k)/n)`, so the variance
    /// is `(1 − 2/π) Σ s_k²`, neglecting the weak multinomial correlations).
    #[must_use]
    pub fn expected_l1_spread(&self, exact_bin_density: &[f64]) -> f64 {
        let w = (self.high - self.low) / self.counts.len() as f64;
        let n = self.total() as f64;
        let sum_sq: f64 = exact_bin_density
            .iter()
            .map(|p| {
                let pi = p * w;
                pi * (1.0 - pi) / n
            })
            .sum();
        ((1.0 - 2.0 / std::f64::consts::PI) * sum_sq).sqrt()
    }

    /// Merges the counts of `other` (same edges and bins) into these.
    pub fn merge(&mut self, other: &Self) {
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        self.outside += other.outside;
    }
}
