//! Mode locking of flows: periodically forced phase oscillators integrated with
//! dgnn-dynamics, their rotation numbers, tongue grids and exact 1:1 locking ranges.
//!
//! Time is measured in forcing periods (the forcing has phase `2πt`) and phases in radians, so
//! the rotation number `ρ = lim (θ(t) − θ(0))/(2πt)` is the oscillator's frequency in units of
//! the forcing frequency — the flow's counterpart of the circle map's ρ, and the picture of
//! `ρ` over (natural frequency, coupling) is the flow's Arnold tongue diagram.
//!
//! - [`ForcedPhase`]: `dθ/dt = ω − P′(θ − 2πt)` for a landscape `P` of dgnn-dynamics. The
//!   relative phase `φ = θ − 2πt` obeys `dφ/dt = δω − P′(φ)` with detuning `δω = ω − 2π`:
//!   the tilted landscape of SCIENCE.md §1. With `P = HKB(a, 0)` it is the Adler equation,
//!   locked 1:1 iff `|δω| ≤ a`, otherwise `ρ = 1 + sign(δω)·sqrt(δω² − a²)/2π`; with
//!   `b > 0` it is the forced HKB model (Kelso, DelColle & Schöner 1990). The exact locking
//!   range is `δω ∈ [min P′, max P′]` ([`locking_range`]).
//! - [`PrcForced`]: `dθ/dt = ω − K (1 − cos 2πt) sin θ`, an oscillator with phase-response
//!   curve `−sin θ` kicked by a smooth non-negative pulse. Its stroboscopic map is a smooth
//!   circle map, so it has tongues at every `p/q`; first-order averaging gives the 0:1 tongue
//!   `|ω| ≤ K` and the 1:1 tongue `|ω − 2π| ≤ K/2` for small K.
//!
//! Integration is the classical RK4 step of [`dgnn_dynamics::ode::rk4_step`] with a fixed
//! number of steps per forcing period (global error O(h⁴)).

use crate::error::{LockError, Result};
use crate::grid::{GridSpec, TongueGrid};
use crate::map::{RotationNumber, RotationOptions};
use dgnn_core::error::{at_least, finite};
use dgnn_core::{ParamError, Progress};
use dgnn_dynamics::Potential;
use dgnn_dynamics::ode::{Rk4Workspace, VectorField, rk4_step};
use rayon::prelude::*;
use std::f64::consts::{PI, TAU};

/// `dθ/dt = ω − P′(θ − 2πt)`: an oscillator pulled towards the forcing by the landscape `P`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ForcedPhase<P> {
    /// Natural frequency ω in rad per forcing period.
    pub omega: f64,
    /// The coupling landscape (its tilt, if any, adds to the detuning).
    pub potential: P,
}

impl<P: Potential> VectorField for ForcedPhase<P> {
    fn dim(&self) -> usize {
        1
    }
    fn eval(&self, t: f64, x: &[f64], dxdt: &mut [f64]) {
        dxdt[0] = self.omega - self.potential.derivative(x[0] - TAU * t);
    }
}

/// `dθ/dt = ω − K (1 − cos 2πt) sin θ` (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PrcForced {
    /// Natural frequency ω in rad per forcing period.
    pub omega: f64,
    /// Forcing strength K in rad per forcing period.
    pub k: f64,
}

impl VectorField for PrcForced {
    fn dim(&self) -> usize {
        1
    }
    fn eval(&self, t: f64, x: &[f64], dxdt: &mut [f64]) {
        dxdt[0] = self.omega - self.k * (1.0 - (TAU * t).cos()) * x[0].sin();
    }
}

/// The rotation number of a one-dimensional forced flow from `θ(0) = 0`, with
/// `steps_per_period` RK4 steps per forcing period; `options` count forcing periods.
pub fn flow_rotation_number<F: VectorField + ?Sized>(
    field: &F,
    steps_per_period: usize,
    options: RotationOptions,
) -> Result<RotationNumber> {
    if field.dim() != 1 {
        return Err(ParamError::new("field.dim", field.dim(), "must be 1 (a phase)").into());
    }
    at_least("steps_per_period", steps_per_period, 4)?;
    let options = options.check()?;
    let h = 1.0 / steps_per_period as f64;
    let mut x = [0.0];
    let mut work = Rk4Workspace::new(1);
    let mut advance = |x: &mut [f64; 1], periods: usize| -> Result<()> {
        for _ in 0..periods {
            // The field is 1-periodic in t, so each period restarts at t = 0.
            for s in 0..steps_per_period {
                rk4_step(field, s as f64 * h, x, h, &mut work);
            }
            if !x[0].is_finite() {
                return Err(LockError::NoConvergence {
                    what: "flow integration",
                    detail: "the phase left the finite numbers".into(),
                });
            }
        }
        Ok(())
    };
    advance(&mut x, options.transient)?;
    let start = x[0];
    let half = options.measured / 2;
    advance(&mut x, half)?;
    let middle = x[0];
    advance(&mut x, options.measured - half)?;
    let turns = |a: f64, b: f64, n: usize| (b - a) / (TAU * n as f64);
    Ok(RotationNumber {
        value: turns(start, x[0], options.measured),
        bound: 1.0 / options.measured as f64,
        spread: (turns(start, middle, half) - turns(middle, x[0], options.measured - half)).abs(),
    })
}

/// Rotation numbers of a family of forced flows over a checked grid: `family(Ω, K)` builds the
/// flow with natural frequency `ω = 2πΩ` (Ω in forcing-frequency units, as for circle maps) and
/// coupling K. Parallel over K rows; `progress` counts rows.
pub fn flow_grid<F: VectorField>(
    spec: &GridSpec,
    family: impl Fn(f64, f64) -> std::result::Result<F, ParamError> + Sync,
    steps_per_period: usize,
    progress: &dyn Progress,
) -> Result<TongueGrid> {
    progress.start(spec.ks.len() as u64, "flow tongues");
    let rows: Result<Vec<Vec<f64>>> = spec
        .ks
        .par_iter()
        .map(|&k| {
            let row = spec
                .omegas
                .iter()
                .map(|&omega| {
                    flow_rotation_number(&family(omega, k)?, steps_per_period, spec.options)
                        .map(|r| r.value)
                })
                .collect();
            progress.advance(1);
            row
        })
        .collect();
    progress.finish();
    Ok(TongueGrid {
        omegas: spec.omegas.clone(),
        ks: spec.ks.clone(),
        w: rows?.into_iter().flatten().collect(),
    })
}

/// The exact 1:1 locking range of `dφ/dt = δω − P′(φ)` in the detuning: `[min P′, max P′]`
/// over the circle (a fixed point exists iff δω is a value of `P′`). The extrema of `P′` are
/// found as sign changes of `P″` on a 4096-point grid, refined by bisection to 1e-15.
pub fn locking_range<P: Potential + ?Sized>(potential: &P) -> Result<(f64, f64)> {
    let n = 4096;
    let h = TAU / n as f64;
    let mut low = f64::INFINITY;
    let mut high = f64::NEG_INFINITY;
    for i in 0..n {
        let (a, b) = (-PI + i as f64 * h, -PI + (i + 1) as f64 * h);
        let (va, vb) = (potential.derivative(a), potential.derivative(b));
        finite("P′", va)?;
        low = low.min(va).min(vb);
        high = high.max(va).max(vb);
        let (sa, sb) = (potential.second_derivative(a), potential.second_derivative(b));
        if sa.signum() != sb.signum() {
            let (mut lo, mut hi) = (a, b);
            for _ in 0..60 {
                let mid = 0.5 * (lo + hi);
                if potential.second_derivative(mid).signum() == sa.signum() {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            let v = potential.derivative(0.5 * (lo + hi));
            low = low.min(v);
            high = high.max(v);
        }
    }
    // Any tilt of P shifts P′ by a constant; the range is that of the periodic part.
    let tilt = potential.tilt();
    Ok((low + tilt, high + tilt))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grid::GridParams;
    use dgnn_core::NoProgress;
    use dgnn_dynamics::{Hkb, TiltedHkb};

    #[test]
    fn adler_and_hkb_locking_ranges() {
        // Adler: P′ = a sin φ, range [−a, a]. HKB(a = 1, b = 0.5): P′ = sin φ + sin 2φ, whose
        // maximum is at cos φ = (−1 + √33)/8 (from P″ = cos φ + 2 cos 2φ = 0), i.e.
        // sin φ (1 + 2 cos φ) there.
        let (lo, hi) = locking_range(&Hkb::new(0.7, 0.0).unwrap()).unwrap();
        assert!((lo + 0.7).abs() < 1e-13 && (hi - 0.7).abs() < 1e-13);
        let c = (-1.0 + 33f64.sqrt()) / 8.0;
        let max = (1.0 - c * c).sqrt() * (1.0 + 2.0 * c);
        let (lo, hi) = locking_range(&Hkb::new(1.0, 0.5).unwrap()).unwrap();
        assert!((hi - max).abs() < 1e-12 && (lo + max).abs() < 1e-12, "{lo} {hi} vs ±{max}");
    }

    #[test]
    fn forced_adler_flow_matches_the_beat_frequency() {
        // SCIENCE.md §1: the Adler equation δω − a sin φ is locked iff |δω| ≤ a, else the phase
        // slips at sqrt(δω² − a²); the flow's ρ must be 1 inside and 1 + that/2π outside, and
        // agree with dgnn-dynamics' deterministic frequency. RK4 with 64 steps per period has
        // error ~1e-9 here; measuring over M = 400 periods leaves at most one partial slip,
        // |Δρ| ≤ 1/M.
        let a = 0.9;
        let opts = RotationOptions { transient: 100, measured: 400 };
        for delta in [-2.0, -1.0, -0.5, 0.0, 0.85, 1.3, 3.0] {
            let field = ForcedPhase { omega: TAU + delta, potential: Hkb::new(a, 0.0).unwrap() };
            let rho = flow_rotation_number(&field, 64, opts).unwrap().value;
            let beat = if f64::abs(delta) <= a {
                0.0
            } else {
                delta.signum() * (delta * delta - a * a).sqrt()
            };
            assert!((rho - 1.0 - beat / TAU).abs() <= 1.0 / 400.0, "δω = {delta}: ρ = {rho}");
            let dynamics = dgnn_dynamics::landscape::deterministic_frequency(
                &TiltedHkb::new(a, 0.0, delta).unwrap(),
            );
            assert!((dynamics - beat).abs() < 1e-9, "{dynamics} vs {beat}");
        }
    }

    #[test]
    fn forced_hkb_locks_inside_its_exact_range() {
        // Just inside the exact range the relative phase has a fixed point (ρ = 1 to rounding
        // after the transient); 1e-3 outside it slips at ≈ sqrt(2·1e-3·|P‴|) ≳ 0.04 rad per
        // period, far above the 1/M = 2.5e-3 resolution.
        let hkb = Hkb::new(1.0, 0.5).unwrap();
        let (lo, hi) = locking_range(&hkb).unwrap();
        let opts = RotationOptions { transient: 300, measured: 400 };
        let rho = |delta: f64| {
            flow_rotation_number(&ForcedPhase { omega: TAU + delta, potential: hkb }, 64, opts)
                .unwrap()
                .value
        };
        for (inside, outside) in [(hi - 1e-3, hi + 1e-3), (lo + 1e-3, lo - 1e-3)] {
            assert!((rho(inside) - 1.0).abs() < 1e-6, "inside {inside}: {}", rho(inside));
            assert!((rho(outside) - 1.0).abs() > 5e-3, "outside {outside}: {}", rho(outside));
        }
    }

    #[test]
    fn prc_forced_tongues_match_first_order_averaging() {
        // Averaging dθ/dt = ω − K(1 − cos 2πt) sin θ over a period: 0:1 locking for |ω| ≤ K and
        // 1:1 for |ω − 2π| ≤ K/2. Second-order corrections are O(K/2π) ≈ 3% of the widths at
        // K = 0.2, so 0.9 and 1.1 times the half-widths must lie inside and outside. Inside,
        // the transient has decayed to ~1e-6 rad (rate ≈ (K/2)cos ψ* per period), so
        // |ρ − 1| < 1e-5; outside, the averaged beat ≈ 7e-3 turns per period exceeds one slip
        // per measurement, 1/M = 2.5e-3.
        let k = 0.2;
        let opts = RotationOptions { transient: 200, measured: 400 };
        let rho =
            |omega: f64| flow_rotation_number(&PrcForced { omega, k }, 64, opts).unwrap().value;
        assert!(rho(0.9 * k).abs() < 1e-5 && rho(1.1 * k).abs() > 1.0 / 400.0);
        for side in [-1.0, 1.0] {
            assert!((rho(TAU + side * 0.45 * k) - 1.0).abs() < 1e-5);
            assert!((rho(TAU + side * 0.55 * k) - 1.0).abs() > 1.0 / 400.0);
        }
    }

    #[test]
    fn flow_grid_draws_tongues_and_rejects_bad_fields() {
        let spec = GridParams {
            omega_min: 0.9,
            omega_max: 1.1,
            n_omega: 8,
            k_min: 0.0,
            k_max: 2.0,
            n_k: 3,
            transient: 50,
            measured: 100,
        }
        .check()
        .unwrap();
        let grid =
            flow_grid(&spec, |o, k| Ok(PrcForced { omega: TAU * o, k }), 32, &NoProgress).unwrap();
        // K = 0 is the free rotation ρ = Ω.
        for (w, o) in grid.row(0).iter().zip(&grid.omegas) {
            assert!((w - o).abs() < 1e-9);
        }
        let two_d =
            dgnn_dynamics::ode::FnField::new(2, |_t: f64, _x: &[f64], d: &mut [f64]| d.fill(0.0));
        assert!(flow_rotation_number(&two_d, 32, RotationOptions::default()).is_err());
        assert!(
            flow_rotation_number(&PrcForced { omega: 1.0, k: 1.0 }, 2, RotationOptions::default())
                .is_err()
        );
    }
}
