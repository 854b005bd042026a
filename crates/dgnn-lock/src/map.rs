//! Circle maps on the lift and their rotation numbers.
//!
//! A *lift* of a degree-one circle map is a function `g: ℝ → ℝ` with `g(θ + 1) = g(θ) + 1`; the
//! map family studied here is `f_Ω(θ) = g(θ) + Ω`, iterated on the real line without reduction
//! mod 1 so that `θ_n − θ_0` counts whole turns. The rotation number is
//! `ρ = lim_{n→∞} (θ_n − θ_0)/n`. For an orientation-preserving homeomorphism (`g′ ≥ 0`) it
//! exists, does not depend on `θ_0`, and every finite estimate obeys
//! `|(θ_n − θ_0)/n − ρ| < 1/n` because `|f^n(θ) − θ − nρ| < 1` (Poincaré; see Katok &
//! Hasselblatt, *Introduction to the Modern Theory of Dynamical Systems*, Prop. 11.1.1).
//!
//! The standard example is the sine circle map (Arnold 1961)
//! `θ_{n+1} = θ_n + Ω − (K/2π) sin 2πθ_n`, a homeomorphism for `0 ≤ K ≤ 1` ([`SineLift`]).
//! Users plug in other families by implementing [`Lift`].

use dgnn_core::error::{at_least, finite, non_negative};
use dgnn_core::{ParamError, Valid, Validate};
use serde::{Deserialize, Serialize};
use std::f64::consts::TAU;

/// A degree-one lift `g` with `g(θ + 1) = g(θ) + 1`, the Ω-independent part of the family
/// `f_Ω = g + Ω`. The derivatives drive the exact tongue-edge solver.
pub trait Lift: Sync {
    /// `g(θ)`.
    fn value(&self, theta: f64) -> f64;
    /// `g′(θ)`.
    fn derivative(&self, theta: f64) -> f64;
    /// `g″(θ)`.
    fn second_derivative(&self, theta: f64) -> f64;
}

/// The sine circle map's lift `g(θ) = θ − (K/2π) sin 2πθ`, a homeomorphism for `K ≤ 1`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SineLift {
    k: f64,
}

impl SineLift {
    /// The lift with nonlinearity `K ≥ 0` (finite).
    pub fn new(k: f64) -> Result<Self, ParamError> {
        Ok(Self { k: non_negative("k", k)? })
    }

    /// The nonlinearity `K`.
    #[must_use]
    pub fn k(&self) -> f64 {
        self.k
    }
}

impl Lift for SineLift {
    fn value(&self, theta: f64) -> f64 {
        theta - self.k / TAU * (TAU * theta).sin()
    }
    fn derivative(&self, theta: f64) -> f64 {
        1.0 - self.k * (TAU * theta).cos()
    }
    fn second_derivative(&self, theta: f64) -> f64 {
        self.k * TAU * (TAU * theta).sin()
    }
}

/// How a rotation number is measured: `transient` iterations are discarded (so that an
/// attracting periodic orbit is reached), then `measured` iterations are averaged.
///
/// Raw options; [`ParamGuard::check`](dgnn_core::ParamGuard::check) turns them into the
/// [`Valid<RotationOptions>`] that [`rotation_number`] takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RotationOptions {
    /// Iterations discarded first (default 1000).
    pub transient: usize,
    /// Iterations measured (default 10 000; at least 2).
    pub measured: usize,
}

impl Default for RotationOptions {
    fn default() -> Self {
        Self { transient: 1000, measured: 10_000 }
    }
}

impl Validate for RotationOptions {
    /// At least two measured iterations (the spread compares two halves).
    fn validate(&self) -> Result<(), ParamError> {
        at_least("measured", self.measured, 2).map(drop)
    }
}

/// A measured rotation number with two error figures.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RotationNumber {
    /// `(θ_{T+M} − θ_T)/M`.
    pub value: f64,
    /// `1/M`: a rigorous bound on `|value − ρ|` for homeomorphisms (`g′ ≥ 0`).
    pub bound: f64,
    /// `|W₁ − W₂|` between the two halves of the measured stretch: a practical error estimate
    /// (zero to rounding on an attracting periodic orbit whose period divides `M/2`).
    pub spread: f64,
}

/// The rotation number of `f_Ω = g + Ω` started at `theta0` (the orbit is iterated on
/// `[0, 1)` with whole turns counted exactly, which `g(θ + 1) = g(θ) + 1` allows).
pub fn rotation_number<L: Lift + ?Sized>(
    lift: &L,
    omega: f64,
    theta0: f64,
    options: &Valid<RotationOptions>,
) -> Result<RotationNumber, ParamError> {
    finite("omega", omega)?;
    finite("theta0", theta0)?;
    // The orbit is kept in [0, 1) and whole turns are counted exactly, so a long run does not
    // lose precision to a growing lift (with an unreduced lift of size L, each step would carry
    // a rounding error of ulp(L), enough to blur a saddle-node 1e-10 away).
    let mut state = Reduced::new(theta0);
    for _ in 0..options.transient {
        state.step(lift, omega);
    }
    let start = state.position();
    let half = options.measured / 2;
    for _ in 0..half {
        state.step(lift, omega);
    }
    let middle = state.position();
    for _ in half..options.measured {
        state.step(lift, omega);
    }
    let end = state.position();
    let first = (middle - start) / half as f64;
    let second = (end - middle) / (options.measured - half) as f64;
    Ok(RotationNumber {
        value: (end - start) / options.measured as f64,
        bound: 1.0 / options.measured as f64,
        spread: (first - second).abs(),
    })
}

/// A point of the lift stored as whole turns plus a fraction in [0, 1).
struct Reduced {
    turns: i64,
    fraction: f64,
}

impl Reduced {
    fn new(theta: f64) -> Self {
        let turns = theta.floor();
        Self { turns: turns as i64, fraction: theta - turns }
    }

    fn step<L: Lift + ?Sized>(&mut self, lift: &L, omega: f64) {
        let next = lift.value(self.fraction) + omega;
        let whole = next.floor();
        self.turns += whole as i64;
        self.fraction = next - whole;
    }

    /// The lift `turns + fraction` relative to the start is what rotation numbers need; the
    /// difference of two positions is exact in whole turns.
    fn position(&self) -> f64 {
        self.turns as f64 + self.fraction
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dgnn_core::ParamGuard;
    use proptest::prelude::*;

    fn checked(transient: usize, measured: usize) -> Valid<RotationOptions> {
        RotationOptions { transient, measured }.check().unwrap()
    }

    #[test]
    fn rigid_rotation_has_rotation_number_omega() {
        // K = 0: f(θ) = θ + Ω, so θ_n − θ_0 = nΩ exactly up to rounding.
        let lift = SineLift::new(0.0).unwrap();
        let r = rotation_number(&lift, 0.2875, 0.2, &checked(1000, 10_000)).unwrap();
        assert!((r.value - 0.2875).abs() < 1e-12);
        assert!(r.spread < 1e-12);
    }

    #[test]
    fn bad_options_are_rejected() {
        let lift = SineLift::new(0.5).unwrap();
        let bad = RotationOptions { transient: 0, measured: 1 }.check().unwrap_err();
        assert_eq!(bad.field, "measured");
        let read = ron::from_str::<Valid<RotationOptions>>("(transient: 5, measured: 1)");
        assert!(read.unwrap_err().to_string().contains("measured"), "deserialising checks too");
        let options = RotationOptions::default().check().unwrap();
        assert!(rotation_number(&lift, f64::NAN, 0.0, &options).is_err());
        assert!(SineLift::new(-0.1).is_err());
    }

    #[test]
    fn derivatives_match_finite_differences() {
        // Central differences have error O(h²)·g‴ ≈ 1e-10·(2π)³ < 1e-7 for h = 1e-5.
        let lift = SineLift::new(0.9).unwrap();
        for i in 0..20 {
            let t = -1.3 + 0.17 * f64::from(i);
            let h = 1e-5;
            let d1 = (lift.value(t + h) - lift.value(t - h)) / (2.0 * h);
            let d2 = (lift.derivative(t + h) - lift.derivative(t - h)) / (2.0 * h);
            assert!((d1 - lift.derivative(t)).abs() < 1e-7);
            assert!((d2 - lift.second_derivative(t)).abs() < 1e-6);
            assert!((lift.value(t + 1.0) - lift.value(t) - 1.0).abs() < 1e-12, "degree one");
        }
    }

    proptest! {
        // The check accepts exactly the options with at least two measured iterations.
        #[test]
        fn options_check_is_measured_at_least_two(transient in 0usize..100, measured in 0usize..100) {
            let result = RotationOptions { transient, measured }.check();
            prop_assert_eq!(result.is_ok(), measured >= 2);
        }

        // docs/science.md#mode-locking: for K ≤ 1 the rotation number does not depend on θ0. Two
        // estimates with M measured steps each lie within 1/M of ρ, hence within 2/M of each other.
        #[test]
        fn rotation_number_independent_of_start(omega in 0.0f64..1.0, k in 0.0f64..=1.0,
                                                 a in -5.0f64..5.0, b in -5.0f64..5.0) {
            let lift = SineLift::new(k).unwrap();
            let opts = checked(200, 2000);
            let ra = rotation_number(&lift, omega, a, &opts).unwrap();
            let rb = rotation_number(&lift, omega, b, &opts).unwrap();
            prop_assert!((ra.value - rb.value).abs() <= 2.0 * ra.bound);
        }
    }
}
