//! The devil's staircase of the sine circle map at one K: the rotation number ρ(Ω) iterated on
//! a grid of Ω, beside its exact plateaus (the tongues cut at that K, [`crate::tongue`]) and
//! their total width, the locked measure.
//!
//! For `0 < K < 1` every rational has a plateau of positive width, yet together they leave a
//! set of positive measure unlocked; at K = 1 they fill [0, 1) up to a set of measure zero, the
//! complete devil's staircase (Jensen, Bak & Bohr 1984, PRA 30:1960).

use crate::error::Result;
use crate::grid::{GridParams, sine_grid};
use crate::map::SineLift;
use crate::tongue::{Tongue, locked_measure, tongues};
use dgnn_core::error::{at_least, in_range};
use dgnn_core::{ParamError, ParamGuard, Progress, Valid, Validate};
use serde::{Deserialize, Serialize};

/// A staircase as the user writes it (RON), before checking; [`ParamGuard::check`] turns it
/// into the [`Valid<StaircaseParams>`] that [`sine_staircase`] takes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StaircaseParams {
    /// The nonlinearity K, in [0, 1] so that the map is invertible and its plateaus exact
    /// (default 1).
    pub k: f64,
    /// Ω samples over [0, 1) (default 2000).
    pub n_omega: usize,
    /// Discarded iterations (default 500).
    pub transient: usize,
    /// Measured iterations (default 2520 = lcm(1, …, 10), so that every plateau with q ≤ 10
    /// is measured exactly).
    pub measured: usize,
    /// Largest denominator of the exact plateaus (default 20).
    pub q_max: u64,
}

impl Default for StaircaseParams {
    fn default() -> Self {
        Self { k: 1.0, n_omega: 2000, transient: 500, measured: 2520, q_max: 20 }
    }
}

impl Validate for StaircaseParams {
    /// K in [0, 1], at least one Ω, two measured iterations and denominator 1.
    fn validate(&self) -> std::result::Result<(), ParamError> {
        in_range("k", self.k, 0.0, 1.0)?;
        at_least("n_omega", self.n_omega, 1)?;
        at_least("measured", self.measured, 2)?;
        if self.q_max == 0 {
            return Err(ParamError::new("q_max", self.q_max, "must be at least 1"));
        }
        Ok(())
    }
}

/// A devil's staircase: ρ iterated at each Ω and the exact tongues at the same K.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Staircase {
    /// The nonlinearity K.
    pub k: f64,
    /// The Ω samples, `i/n_omega`.
    pub omegas: Vec<f64>,
    /// The iterated rotation number at each Ω.
    pub rho: Vec<f64>,
    /// Every tongue `p/q` with `q ≤ q_max` and `0 ≤ p/q ≤ 1`, in increasing order (of zero
    /// width at K = 0).
    pub tongues: Vec<Tongue>,
}

impl Staircase {
    /// The plateaus: the tongues of positive width.
    pub fn plateaus(&self) -> impl Iterator<Item = &Tongue> {
        self.tongues.iter().filter(|t| t.width() > 0.0)
    }

    /// The total width of the plateaus inside Ω ∈ [0, 1) ([`locked_measure`]).
    #[must_use]
    pub fn locked_measure(&self) -> f64 {
        locked_measure(&self.tongues)
    }
}

/// The staircase of the sine circle map: the SIMD grid of [`sine_grid`] at one K, then the
/// exact tongues. `progress` counts the grid row, then the tongues.
pub fn sine_staircase(
    params: &Valid<StaircaseParams>,
    progress: &dyn Progress,
) -> Result<Staircase> {
    let spec = GridParams {
        n_omega: params.n_omega,
        n_k: 1,
        k_min: params.k,
        k_max: params.k,
        transient: params.transient,
        measured: params.measured,
        ..GridParams::default()
    }
    .check()?;
    let grid = sine_grid(&spec, progress);
    let exact = tongues(&SineLift::new(params.k)?, params.q_max, progress)?;
    Ok(Staircase { k: params.k, omegas: grid.omegas, rho: grid.w, tongues: exact })
}

#[cfg(test)]
mod tests {
    use super::*;
    use dgnn_core::NoProgress;

    #[test]
    fn iterated_steps_lie_on_the_exact_plateaus() {
        // Ω at least 1e-3 inside a plateau p/q (q ≤ 5, so q divides M = 2520) has ρ = p/q to
        // rounding once the transient has reached the stable orbit (docs/science.md#mode-locking).
        let params =
            StaircaseParams { k: 0.9, n_omega: 400, q_max: 8, ..StaircaseParams::default() };
        let staircase = sine_staircase(&params.check().unwrap(), &NoProgress).unwrap();
        assert_eq!(staircase.rho.len(), 400);
        let mut inside = 0;
        for (&omega, &rho) in staircase.omegas.iter().zip(&staircase.rho) {
            let home = staircase
                .plateaus()
                .find(|t| t.ratio.denom() <= 5 && omega > t.lower + 1e-3 && omega < t.upper - 1e-3);
            if let Some(t) = home {
                inside += 1;
                assert!((rho - t.ratio.value()).abs() < 1e-9, "Ω = {omega}: {rho} vs {}", t.ratio);
            }
        }
        assert!(inside > 100, "{inside}");
        // Every tongue with q ≤ 8 has width at K = 0.9, and they cover part of [0, 1).
        assert_eq!(staircase.plateaus().count(), staircase.tongues.len());
        let measure = staircase.locked_measure();
        assert!(measure > 0.0 && measure < 1.0, "{measure}");
    }

    #[test]
    fn rigid_rotation_has_no_plateaus() {
        // K = 0: ρ = Ω exactly, and every tongue shrinks to its rational p/q (width 0 up to
        // the rounding of the edge solver).
        let params =
            StaircaseParams { k: 0.0, n_omega: 50, q_max: 5, ..StaircaseParams::default() };
        let staircase = sine_staircase(&params.check().unwrap(), &NoProgress).unwrap();
        for t in &staircase.tongues {
            assert!(t.width() < 1e-12 && (t.lower - t.ratio.value()).abs() < 1e-12, "{t:?}");
        }
        assert!(staircase.locked_measure() < 1e-10);
        for (omega, rho) in staircase.omegas.iter().zip(&staircase.rho) {
            assert!((omega - rho).abs() < 1e-12);
        }
    }

    #[test]
    fn bad_staircases_are_refused() {
        let field = |p: StaircaseParams| p.check().unwrap_err().field;
        let good = StaircaseParams::default();
        assert_eq!(field(StaircaseParams { k: 1.5, ..good.clone() }), "k");
        assert_eq!(field(StaircaseParams { k: f64::NAN, ..good.clone() }), "k");
        assert_eq!(field(StaircaseParams { n_omega: 0, ..good.clone() }), "n_omega");
        assert_eq!(field(StaircaseParams { measured: 1, ..good.clone() }), "measured");
        assert_eq!(field(StaircaseParams { q_max: 0, ..good }), "q_max");
    }
}
