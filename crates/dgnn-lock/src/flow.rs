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
//!   the tilted landscape of docs/science.md#hkb. With `P = HKB(a, 0)` it is the Adler equation,
//!   locked 1:1 iff `|δω| ≤ a`, otherwise `ρ = 1 + sign(δω)·sqrt(δω² − a²)/2π`; with
//!   `b > 0` it is the forced HKB model (Kelso, DelColle & Schöner 1990). The exact locking
//!   range is `δω ∈ [min P′, max P′]` ([`locking_range`]).
//! - [`PrcForced`]: `dθ/dt = ω − K·P_κ(t)·Z(θ)`, an oscillator with phase-response curve
//!   `Z(θ) = sin θ + s·sin 2θ` kicked once per period by the von Mises pulse
//!   `P_κ(t) = exp(κ(cos 2πt − 1))/(e^{−κ} I₀(κ))` of unit mean (width ≈ 1/(2π√κ) periods;
//!   `P = 1 + 2 Σ_n (I_n/I₀) cos 2πnt`). First-order averaging gives the 0:1 tongue
//!   `ω ∈ K·[min Z, max Z]` and the 1:1 tongue `ω − 2π ∈` the locking range of
//!   `K[(I₁/I₀) sin ψ + s (I₂/I₀) sin 2ψ]` ([`PrcForced::averaged_ranges`]).
//!   With `s = 0` the equation is a Riccati equation, so every stroboscopic map is a Möbius
//!   transformation of the circle (Watanabe & Strogatz 1994; Marvel, Mirollo & Strogatz 2009):
//!   then only the 0:1 and 1:1 tongues have width, every other p/q is reached at single points.
//!   Its κ → ∞ limit is the kick `tan(θ′/2) = e^{−K} tan(θ/2)` ([`KickedLift`], the sine
//!   circle map to first order in K). With `s ≠ 0` every p/q has a tongue.
//!
//! Integration is the classical RK4 step of [`dgnn_dynamics::ode::rk4_step`] with a fixed
//! number of steps per forcing period (global error O(h⁴)).

use crate::error::{LockError, Result};
use crate::grid::{GridSpec, TongueGrid};
use crate::map::{RotationNumber, RotationOptions};
use dgnn_core::error::{at_least, finite};
use dgnn_core::{ParamError, Progress, Valid};
use dgnn_dynamics::Potential;
/// The exact 1:1 locking range `[min P′, max P′]` in the detuning, a landscape property that
/// lives in dgnn-dynamics.
pub use dgnn_dynamics::landscape::locking_range;
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

/// `dθ/dt = ω − K·P_κ(t)·(sin θ + s·sin 2θ)` with a von Mises pulse of sharpness κ (see the
/// module docs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PrcForced {
    omega: f64,
    k: f64,
    kappa: f64,
    second: f64,
    /// `1/(e^{−κ} I₀(κ))`, the pulse's normalisation.
    norm: f64,
}

/// The κ → ∞, `s = 0` limit: the kicked map's lift in turns, `g(x) = n + arctan(e^{−K} tan(π r))/π` with `n = round(x)`,
/// `r = x − n` (see the module docs): the κ → ∞ limit of [`PrcForced`]'s stroboscopic map.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KickedLift {
    contraction: f64,
}

impl KickedLift {
    /// The lift for kick strength `k` (finite).
    pub fn new(k: f64) -> std::result::Result<Self, ParamError> {
        Ok(Self { contraction: (-finite("k", k)?).exp() })
    }
}

impl crate::map::Lift for KickedLift {
    fn value(&self, theta: f64) -> f64 {
        let n = theta.round();
        n + (self.contraction * (PI * (theta - n)).tan()).atan() / PI
    }
    fn derivative(&self, theta: f64) -> f64 {
        let (s, c) = (PI * theta).sin_cos();
        let a = self.contraction;
        a / (c * c + a * a * s * s)
    }
    fn second_derivative(&self, theta: f64) -> f64 {
        let (s, c) = (PI * theta).sin_cos();
        let a = self.contraction;
        let d = c * c + a * a * s * s;
        -2.0 * PI * a * s * c * (a * a - 1.0) / (d * d)
    }
}

/// The modified Bessel functions `e^{−κ}I₀(κ)` and `e^{−κ}I₁(κ)` by their power series (all
/// terms positive, so no cancellation). The terms peak near k = κ/2; the sum stops once past
/// the peak they fall below 1e-18 of it (at most 2000 terms, enough for κ ≤ 400).
fn scaled_bessel(kappa: f64) -> [f64; 3] {
    let half = 0.5 * kappa;
    let e = (-kappa).exp();
    let (mut term0, mut term1, mut term2) = (e, e * half, e * half * half / 2.0);
    let (mut i0, mut i1, mut i2) = (term0, term1, term2);
    for k in 1..2000 {
        let kf = f64::from(k);
        term0 *= half * half / (kf * kf);
        term1 *= half * half / (kf * (kf + 1.0));
        term2 *= half * half / (kf * (kf + 2.0));
        i0 += term0;
        i1 += term1;
        i2 += term2;
        if kf > half && term0 < 1e-18 * i0 {
            break;
        }
    }
    [i0, i1, i2]
}

impl PrcForced {
    /// A forced oscillator with natural frequency `omega` (rad per period), strength `k`,
    /// pulse sharpness `kappa` (0 < κ ≤ 400) and second PRC harmonic `second` (s).
    pub fn new(
        omega: f64,
        k: f64,
        kappa: f64,
        second: f64,
    ) -> std::result::Result<Self, ParamError> {
        finite("omega", omega)?;
        finite("k", k)?;
        finite("second", second)?;
        dgnn_core::error::in_range("kappa", kappa, 1e-9, 400.0)?;
        let [i0, _, _] = scaled_bessel(kappa);
        Ok(Self { omega, k, kappa, second, norm: 1.0 / i0 })
    }

    /// The first-order (averaged) locking ranges in ω of the 0:1 tongue and of the 1:1 tongue
    /// (the latter relative to 2π), from [`locking_range`] of the averaged HKB-form couplings.
    pub fn averaged_ranges(&self) -> Result<((f64, f64), (f64, f64))> {
        let [i0, i1, i2] = scaled_bessel(self.kappa);
        let hkb = |a: f64, two_b: f64| dgnn_dynamics::Hkb::new(a, 0.5 * two_b);
        let zero = locking_range(&hkb(self.k, self.k * self.second)?)?;
        let one = locking_range(&hkb(self.k * i1 / i0, self.k * self.second * i2 / i0)?)?;
        Ok((zero, one))
    }
}

impl VectorField for PrcForced {
    fn dim(&self) -> usize {
        1
    }
    fn eval(&self, t: f64, x: &[f64], dxdt: &mut [f64]) {
        let pulse = self.norm * (self.kappa * ((TAU * t).cos() - 1.0)).exp();
        dxdt[0] = self.omega - self.k * pulse * (x[0].sin() + self.second * (2.0 * x[0]).sin());
    }
}

/// The rotation number of a one-dimensional forced flow from `θ(0) = 0`, with
/// `steps_per_period` RK4 steps per forcing period; `options` count forcing periods.
pub fn flow_rotation_number<F: VectorField + ?Sized>(
    field: &F,
    steps_per_period: usize,
    options: &Valid<RotationOptions>,
) -> Result<RotationNumber> {
    if field.dim() != 1 {
        return Err(ParamError::new("field.dim", field.dim(), "must be 1 (a phase)").into());
    }
    at_least("steps_per_period", steps_per_period, 4)?;
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
    progress.start(spec.ks().len() as u64, "flow tongues");
    let rows: Result<Vec<Vec<f64>>> = spec
        .ks()
        .par_iter()
        .map(|&k| {
            let row = spec
                .omegas()
                .iter()
                .map(|&omega| {
                    flow_rotation_number(&family(omega, k)?, steps_per_period, spec.options())
                        .map(|r| r.value)
                })
                .collect();
            progress.advance(1);
            row
        })
        .collect();
    progress.finish();
    Ok(TongueGrid {
        omegas: spec.omegas().to_vec(),
        ks: spec.ks().to_vec(),
        w: rows?.into_iter().flatten().collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grid::GridParams;
    use dgnn_core::{NoProgress, ParamGuard};
    use dgnn_dynamics::{Hkb, TiltedHkb};

    fn checked(transient: usize, measured: usize) -> Valid<RotationOptions> {
        RotationOptions { transient, measured }.check().unwrap()
    }

    #[test]
    fn forced_adler_flow_matches_the_beat_frequency() {
        // docs/science.md#hkb: the Adler equation δω − a sin φ is locked iff |δω| ≤ a, else the
        // phase slips at sqrt(δω² − a²); the flow's ρ must be 1 inside and 1 + that/2π outside, and
        // agree with dgnn-dynamics' deterministic frequency. RK4 with 64 steps per period has
        // error ~1e-9 here; measuring over M = 400 periods leaves at most one partial slip,
        // |Δρ| ≤ 1/M.
        let a = 0.9;
        let opts = checked(100, 400);
        for delta in [-2.0, -1.0, -0.5, 0.0, 0.85, 1.3, 3.0] {
            let field = ForcedPhase { omega: TAU + delta, potential: Hkb::new(a, 0.0).unwrap() };
            let rho = flow_rotation_number(&field, 64, &opts).unwrap().value;
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
        let opts = checked(300, 400);
        let rho = |delta: f64| {
            flow_rotation_number(&ForcedPhase { omega: TAU + delta, potential: hkb }, 64, &opts)
                .unwrap()
                .value
        };
        for (inside, outside) in [(hi - 1e-3, hi + 1e-3), (lo + 1e-3, lo - 1e-3)] {
            assert!((rho(inside) - 1.0).abs() < 1e-6, "inside {inside}: {}", rho(inside));
            assert!((rho(outside) - 1.0).abs() > 5e-3, "outside {outside}: {}", rho(outside));
        }
    }

    #[test]
    fn bessel_ratio_matches_tables() {
        // Abramowitz & Stegun Table 9.8: I₀(1) = 1.266065878, I₁(1) = 0.565159104,
        // e^{−10}I₀(10) = 0.1278333372.
        // I₂(1) = 0.135747670 (A&S Table 9.8 gives e^{−1}I₂(1) = 0.04993877).
        let [i0, i1, i2] = scaled_bessel(1.0);
        assert!((i0 * 1f64.exp() - 1.266_065_878).abs() < 1e-9);
        assert!((i1 * 1f64.exp() - 0.565_159_104).abs() < 1e-9);
        assert!((i2 * 1f64.exp() - 0.135_747_670).abs() < 1e-9);
        assert!((scaled_bessel(10.0)[0] - 0.127_833_337_2).abs() < 1e-9);
        // Large κ: e^{−κ}I₀(κ) ≈ (2πκ)^{−1/2}(1 + 1/(8κ) + 9/(128κ²)) (A&S 9.7.1), error O(κ⁻³).
        let kappa: f64 = 400.0;
        let asymptotic =
            (1.0 + 1.0 / (8.0 * kappa) + 9.0 / (128.0 * kappa * kappa)) / (TAU * kappa).sqrt();
        assert!((scaled_bessel(kappa)[0] / asymptotic - 1.0).abs() < 1e-7);
    }

    #[test]
    fn prc_forced_tongues_match_first_order_averaging() {
        // Averaged 0:1 and 1:1 locking ranges (module docs) at K = 0.2, κ = 1, s = 0.5.
        // Second-order corrections are O(K/2π) ≈ 3% of the widths, so points at 0.9 and 1.1
        // times each edge (measured from the tongue's centre) must lie inside and outside.
        // Inside, the transient has decayed (|ρ − p/q| < 1e-5); outside, the averaged beat
        // ≳ 5e-3 turns per period exceeds one slip per measurement, 1/M = 2.5e-3.
        let (k, kappa, s) = (0.2, 1.0, 0.5);
        let opts = checked(200, 400);
        let rho = |omega: f64| {
            flow_rotation_number(&PrcForced::new(omega, k, kappa, s).unwrap(), 64, &opts)
                .unwrap()
                .value
        };
        let (zero, one) = PrcForced::new(0.0, k, kappa, s).unwrap().averaged_ranges().unwrap();
        for (centre, (lo, hi), target) in [(0.0, zero, 0.0), (TAU, one, 1.0)] {
            for edge in [lo, hi] {
                assert!((rho(centre + 0.9 * edge) - target).abs() < 1e-5, "inside {edge}");
                assert!((rho(centre + 1.1 * edge) - target).abs() > 1.0 / 400.0, "outside {edge}");
            }
        }
    }

    #[test]
    fn first_harmonic_forcing_is_mobius_and_has_no_half_tongue() {
        // s = 0 makes the flow a Riccati equation whose period map is a Möbius transformation
        // (Watanabe & Strogatz 1994): no plateau at 1/2, ρ keeps growing through it. With
        // s = 0.5 the 1/2 tongue has width: ρ = 1/2 exactly on both sides of Ω = 1/2.
        let opts = checked(300, 420);
        let rho = |omega: f64, s: f64| {
            flow_rotation_number(&PrcForced::new(TAU * omega, 1.0, 20.0, s).unwrap(), 128, &opts)
                .unwrap()
                .value
        };
        let (a, b) = (rho(0.49, 0.0), rho(0.51, 0.0));
        assert!(b - a > 2.0 / 420.0, "{a} {b}");
        for omega in [0.49, 0.5, 0.51] {
            assert!((rho(omega, 0.5) - 0.5).abs() < 1e-5, "Ω = {omega}: {}", rho(omega, 0.5));
        }
    }

    #[test]
    fn kicked_lift_is_a_degree_one_lift_with_the_right_derivatives() {
        // Central differences with h = 1e-5 are accurate to O(h²·g‴) < 1e-6 here.
        use crate::map::Lift;
        let lift = KickedLift::new(0.8).unwrap();
        for i in 0..40 {
            let x = -1.3 + 0.071 * f64::from(i);
            let h = 1e-5;
            assert!((lift.value(x + 1.0) - lift.value(x) - 1.0).abs() < 1e-12);
            let d1 = (lift.value(x + h) - lift.value(x - h)) / (2.0 * h);
            let d2 = (lift.derivative(x + h) - lift.derivative(x - h)) / (2.0 * h);
            assert!(
                (d1 - lift.derivative(x)).abs() < 1e-6
                    && (d2 - lift.second_derivative(x)).abs() < 1e-4
            );
        }
    }

    #[test]
    fn sharp_pulses_give_the_kicked_map() {
        // κ = 400: the pulse lasts ≈ 1/(2π·20) = 0.008 period, during which the free rotation
        // moves θ by ≲ 2π·0.008 = 0.05 rad without commuting with the kick; the flow's map is
        // the kicked map up to O(K·0.05) rad ≈ 6e-3 turns, so ρ agrees with the kicked lift's
        // at the same (Ω, K) to within the staircase's slope times that shift, < 0.02.
        let opts = checked(100, 300);
        for (omega, k) in [(0.1, 0.8), (0.37, 0.8), (0.5, 0.5), (0.62, 0.9), (0.83, 0.3)] {
            let flow = PrcForced::new(TAU * omega, k, 400.0, 0.0).unwrap();
            let a = flow_rotation_number(&flow, 800, &opts).unwrap().value;
            let b = crate::map::rotation_number(&KickedLift::new(k).unwrap(), omega, 0.0, &opts)
                .unwrap()
                .value;
            assert!((a - b).abs() < 0.02, "Ω = {omega}, K = {k}: flow {a} vs kicked map {b}");
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
            flow_grid(&spec, |o, k| PrcForced::new(TAU * o, k, 5.0, 0.5), 32, &NoProgress).unwrap();
        // K = 0 is the free rotation ρ = Ω.
        for (w, o) in grid.row(0).iter().zip(&grid.omegas) {
            assert!((w - o).abs() < 1e-9);
        }
        let two_d =
            dgnn_dynamics::ode::FnField::new(2, |_t: f64, _x: &[f64], d: &mut [f64]| d.fill(0.0));
        let options = checked(1000, 10_000);
        assert!(flow_rotation_number(&two_d, 32, &options).is_err());
        assert!(
            flow_rotation_number(&PrcForced::new(1.0, 1.0, 1.0, 0.0).unwrap(), 2, &options)
                .is_err()
        );
        assert!(PrcForced::new(1.0, 1.0, 0.0, 0.0).is_err());
    }
}
