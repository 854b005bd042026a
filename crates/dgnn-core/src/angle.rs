//! Angles and phases in radians: wrapping, unwrapping and circular statistics.
//!
//! Conventions: a *wrapped* phase lies in `[-π, π)` ([`wrap_pi`]) or `[0, 2π)` ([`wrap_two_pi`]);
//! an *unwrapped* phase (the lift) is a continuous real number whose differences count whole
//! cycles. Circular statistics follow Mardia & Jupp, *Directional Statistics* (2000), ch. 2:
//! mean resultant length `R = |⟨e^{iθ}⟩|`, circular variance `1 − R`, circular standard deviation
//! `sqrt(−2 ln R)`.

use std::f64::consts::{PI, TAU};

/// Wraps an angle to `[-π, π)`.
///
/// ```
/// use dgnn_core::angle::wrap_pi;
/// assert!((wrap_pi(3.0 * std::f64::consts::PI) + std::f64::consts::PI).abs() < 1e-12);
/// ```
#[must_use]
pub fn wrap_pi(angle_rad: f64) -> f64 {
    let wrapped = (angle_rad + PI).rem_euclid(TAU) - PI;
    // `rem_euclid` can return exactly TAU for tiny negative inputs after rounding.
    if wrapped >= PI { wrapped - TAU } else { wrapped }
}

/// Wraps an angle to `[0, 2π)`.
#[must_use]
pub fn wrap_two_pi(angle_rad: f64) -> f64 {
    let wrapped = angle_rad.rem_euclid(TAU);
    if wrapped >= TAU { wrapped - TAU } else { wrapped }
}

/// Unwraps a sequence of phases: adds multiples of 2π so that consecutive differences lie in
/// `[-π, π)`. The first value is kept as it is (numpy's `unwrap` convention).
#[must_use]
pub fn unwrap(phases_rad: &[f64]) -> Vec<f64> {
    let mut out = Vec::with_capacity(phases_rad.len());
    let mut offset = 0.0;
    let mut previous: Option<f64> = None;
    for &phase in phases_rad {
        if let Some(prev) = previous {
            let jump = wrap_pi(phase - prev) - (phase - prev);
            offset += jump;
        }
        previous = Some(phase);
        out.push(phase + offset);
    }
    out
}

/// Circular summary of a sample of angles: the mean resultant vector `⟨e^{iθ}⟩`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CircularStats {
    /// Number of angles summarised.
    pub count: usize,
    /// Mean direction `arg⟨e^{iθ}⟩` in `[-π, π)`; meaningless when `resultant_length` is 0.
    pub mean_rad: f64,
    /// Mean resultant length `R = |⟨e^{iθ}⟩|` in `[0, 1]`.
    pub resultant_length: f64,
}

impl CircularStats {
    /// Summarises a sample; `None` for an empty sample.
    #[must_use]
    pub fn of(angles_rad: &[f64]) -> Option<Self> {
        if angles_rad.is_empty() {
            return None;
        }
        let (sum_cos, sum_sin) =
            angles_rad.iter().fold((0.0, 0.0), |(c, s), &theta| (c + theta.cos(), s + theta.sin()));
        let n = angles_rad.len() as f64;
        let (mean_cos, mean_sin) = (sum_cos / n, sum_sin / n);
        Some(Self {
            count: angles_rad.len(),
            mean_rad: wrap_pi(mean_sin.atan2(mean_cos)),
            resultant_length: mean_cos.hypot(mean_sin).min(1.0),
        })
    }

    /// Circular variance `1 − R` in `[0, 1]`.
    #[must_use]
    pub fn variance(&self) -> f64 {
        1.0 - self.resultant_length
    }

    /// Circular standard deviation `sqrt(−2 ln R)` in radians (infinite when `R = 0`).
    /// For a wrapped normal distribution of standard deviation σ it equals σ.
    #[must_use]
    pub fn std_dev_rad(&self) -> f64 {
        (-2.0 * self.resultant_length.ln()).sqrt()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        // Invariant: wrap_pi lands in [-π, π) and differs from its input by a whole number of turns.
        #[test]
        fn wrap_pi_range_and_turns(x in -1e6f64..1e6) {
            let w = wrap_pi(x);
            prop_assert!((-PI..PI).contains(&w));
            let turns = (x - w) / TAU;
            prop_assert!((turns - turns.round()).abs() < 1e-9);
        }

        // Invariant: wrap_two_pi lands in [0, 2π) and agrees with wrap_pi modulo 2π.
        #[test]
        fn wrap_two_pi_range(x in -1e6f64..1e6) {
            let w = wrap_two_pi(x);
            prop_assert!((0.0..TAU).contains(&w));
            prop_assert!(wrap_pi(w - wrap_pi(x)).abs() < 1e-9);
        }

        // Invariant: unwrapping a wrapped random walk with steps below π recovers the walk.
        #[test]
        fn unwrap_recovers_walk(start in -10.0f64..10.0, steps in proptest::collection::vec(-3.0f64..3.0, 1..200)) {
            let mut walk = vec![start];
            for s in &steps { let last = *walk.last().unwrap(); walk.push(last + s); }
            let wrapped: Vec<f64> = walk.iter().map(|&x| wrap_pi(x)).collect();
            let unwrapped = unwrap(&wrapped);
            let offset = walk[0] - unwrapped[0];
            for (u, w) in unwrapped.iter().zip(&walk) {
                prop_assert!((u + offset - w).abs() < 1e-8);
            }
        }

        // Invariant: the resultant length is rotation invariant and lies in [0, 1].
        #[test]
        fn resultant_rotation_invariant(angles in proptest::collection::vec(-10.0f64..10.0, 1..100), shift in -10.0f64..10.0) {
            let a = CircularStats::of(&angles).unwrap();
            let rotated: Vec<f64> = angles.iter().map(|x| x + shift).collect();
            let b = CircularStats::of(&rotated).unwrap();
            prop_assert!((a.resultant_length - b.resultant_length).abs() < 1e-9);
            prop_assert!((0.0..=1.0).contains(&a.resultant_length));
        }
    }

    #[test]
    fn identical_angles_have_unit_resultant() {
        let stats = CircularStats::of(&[1.0; 10]).unwrap();
        assert!((stats.resultant_length - 1.0).abs() < 1e-15);
        assert!((stats.mean_rad - 1.0).abs() < 1e-15);
        assert!(stats.std_dev_rad() < 1e-7);
    }

    #[test]
    fn opposite_angles_cancel() {
        let stats = CircularStats::of(&[0.3, 0.3 + PI]).unwrap();
        assert!(stats.resultant_length < 1e-15);
        assert!((stats.variance() - 1.0).abs() < 1e-15);
    }

    #[test]
    fn empty_sample_has_no_stats() {
        assert!(CircularStats::of(&[]).is_none());
    }
}
