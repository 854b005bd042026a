//! Analysis of a landscape on the circle: fixed points and their stability, barriers, the
//! number of attractors, the 1:1 locking range, the exact stationary density with its moments
//! and basin masses, mean frequency, mean first-passage times by quadrature (and the anti-phase
//! to in-phase switching time), and Kramers rates.
//!
//! Equations (docs/science.md#dynamics; Risken, *The Fokker–Planck Equation*, 2nd ed. 1989, ch. 5
//! and 11; Gardiner, *Stochastic Methods*, 4th ed. 2009, §5.5 and §9.2) for
//! `dφ = −U′(φ) dt + sqrt(Q) dW` with `Φ = 2U/Q`:
//! - fixed points solve `U′(φ*) = 0`; stable iff `U″(φ*) > 0` (the relaxation rate is `U″`);
//! - with `U = P − δω φ`, a fixed point exists iff the tilt δω lies in the locking range
//!   `[min P′, max P′]` (for the Adler equation `P′ = a sin φ`: `|δω| ≤ a`);
//! - barriers `ΔU = U(saddle) − U(attractor)` to the neighbouring saddles on either side;
//! - stationary density on the circle (tilt `δω`, `U(φ + 2π) = U(φ) − 2πδω`):
//!   `p(φ) = (2J/Q) e^{−Φ(φ)} ∫_φ^{φ+2π} e^{Φ(ψ)} dψ / (1 − e^{−4πδω/Q})`, the probability
//!   current `J` fixed by normalisation, mean frequency `⟨φ̇⟩ = 2πJ`; for `δω = 0` this is the
//!   Boltzmann density `p ∝ e^{−2U/Q}`; its trigonometric moments `⟨cos mφ⟩`, `⟨sin mφ⟩` (for
//!   `U = −a cos φ` the von Mises value `⟨cos φ⟩ = I₁(κ)/I₀(κ)`, `κ = 2a/Q`; Mardia & Jupp 2000,
//!   §3.5) and the mass of each basin between its saddles;
//! - deterministic (`Q = 0`) running frequency `2π / ∫_0^{2π} dφ/|U′(φ)|` (0 when locked);
//! - mean first-passage time from `x` with reflecting `a` and absorbing `b`:
//!   `T(x) = (2/Q) ∫_x^b dy e^{Φ(y)} ∫_a^y e^{−Φ(z)} dz`, and with two absorbing ends the
//!   solution of `−U′T′ + (Q/2)T″ = −1`, `T(a) = T(b) = 0`; the switching time from anti-phase
//!   to in-phase is `T(π)` with both in-phase points `0` and `2π` absorbing (free diffusion:
//!   `π²/Q`);
//! - Kramers rate out of an attractor `m` over saddles `s` (Kramers 1940; Hänggi, Talkner &
//!   Borkovec 1990, Rev Mod Phys 62:251):
//!   `k = Σ_s sqrt(U″(m)·|U″(s)|)/(2π) · exp(−2ΔU_s/Q)`.
//!
//! Integrals are computed in log-scaled form so that deep wells (large `ΔU/Q`) do not overflow:
//! the cell integrals `∫_cell e^{Φ(ψ)−Φ(ψ_j)} dψ` use 8-point Gauss–Legendre, and sums of
//! positive terms are accumulated directly (no subtraction).

use crate::error::{DynamicsError, Result};
use crate::potential::Potential;
use crate::quadrature::{gauss_legendre, log_add_exp};
use dgnn_core::ParamError;
use dgnn_core::angle::wrap_pi;
use dgnn_core::error::{at_least, finite, positive};
use rayon::prelude::*;
use std::f64::consts::{PI, TAU};

/// Default number of grid points used to bracket fixed points on the circle.
pub const DEFAULT_ROOT_GRID: usize = 4096;

/// The stability of a fixed point of `dφ/dt = −U′(φ)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Stability {
    /// A minimum of `U`: `U′` changes from negative to positive (an attractor).
    Stable,
    /// A maximum of `U`: `U′` changes from positive to negative (a repeller, the saddle
    /// between two attractors on the circle).
    Unstable,
    /// A tangency (`U′` touches zero without changing sign): a saddle-node point.
    HalfStable,
}

/// A fixed point `U′(φ*) = 0` on the circle.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct FixedPoint {
    /// The phase in `[-π, π)`.
    pub phase_rad: f64,
    /// `U″(φ*)`: the relaxation rate at an attractor, minus the instability rate at a repeller.
    pub curvature: f64,
    /// Its stability, from the sign change of `U′`.
    pub stability: Stability,
}

/// The fixed points of a potential in `[-π, π)`, in increasing phase, with a
/// [`DEFAULT_ROOT_GRID`]-point bracketing grid.
///
/// ```
/// use dgnn_dynamics::{Hkb, landscape::{fixed_points, Stability}};
/// let fps = fixed_points(&Hkb::new(1.0, 1.0).unwrap());
/// let stable = fps.iter().filter(|f| f.stability == Stability::Stable).count();
/// assert_eq!(stable, 2); // in-phase and anti-phase (b/a = 1 > 1/4)
/// ```
#[must_use]
pub fn fixed_points(potential: &impl Potential) -> Vec<FixedPoint> {
    fixed_points_with_grid(potential, DEFAULT_ROOT_GRID)
}

/// [`fixed_points`] with a chosen bracketing grid (at least 16 points). Roots closer together
/// than `2π/grid` can be missed; refine the grid near a saddle-node bifurcation.
#[must_use]
pub fn fixed_points_with_grid(potential: &impl Potential, grid: usize) -> Vec<FixedPoint> {
    let n = grid.max(16);
    let h = TAU / n as f64;
    let phases: Vec<f64> = (0..n).map(|k| -PI + k as f64 * h).collect();
    let slopes: Vec<f64> = phases.iter().map(|&x| potential.derivative(x)).collect();
    let scale = slopes.iter().fold(0.0f64, |m, s| m.max(s.abs())).max(f64::MIN_POSITIVE);
    let tangency = 1e-12 * scale;
    let mut out = Vec::new();
    for k in 0..n {
        let (x0, f0) = (phases[k], slopes[k]);
        let f1 = slopes[(k + 1) % n];
        let fm = slopes[(k + n - 1) % n];
        if f0 == 0.0 {
            let stability = classify(fm, f1);
            out.push(point(potential, x0, stability));
        } else if f0 < 0.0 && f1 > 0.0 || f0 > 0.0 && f1 < 0.0 {
            let root = bisect(potential, x0, x0 + h, f0);
            let stability = if f0 < 0.0 { Stability::Stable } else { Stability::Unstable };
            out.push(point(potential, root, stability));
        } else if f0.abs() < tangency
            && f0.abs() <= fm.abs()
            && f0.abs() <= f1.abs()
            && (fm > 0.0) == (f0 > 0.0)
            && (f1 > 0.0) == (f0 > 0.0)
        {
            out.push(point(potential, x0, Stability::HalfStable));
        }
    }
    out.sort_by(|a, b| a.phase_rad.total_cmp(&b.phase_rad));
    out
}

fn classify(before: f64, after: f64) -> Stability {
    if before < 0.0 && after > 0.0 {
        Stability::Stable
    } else if before > 0.0 && after < 0.0 {
        Stability::Unstable
    } else {
        Stability::HalfStable
    }
}

fn point(potential: &impl Potential, phase: f64, stability: Stability) -> FixedPoint {
    let phase_rad = wrap_pi(phase);
    FixedPoint { phase_rad, curvature: potential.second_derivative(phase_rad), stability }
}

/// Bisection of `U′` on a bracket `[lo, hi]` with `U′(lo) = f_lo`, to machine precision.
fn bisect(potential: &impl Potential, mut lo: f64, mut hi: f64, f_lo: f64) -> f64 {
    let lo_negative = f_lo < 0.0;
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        let f = potential.derivative(mid);
        if f == 0.0 {
            return mid;
        }
        if (f < 0.0) == lo_negative {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// The number of attractors (stable fixed points) on the circle: 2 for HKB with `b/a > 1/4`,
/// 1 below, 0 when a tilt makes the phase run.
#[must_use]
pub fn attractor_count(potential: &impl Potential) -> usize {
    fixed_points(potential).iter().filter(|f| f.stability == Stability::Stable).count()
}

/// The 1:1 locking range of the landscape `U = P − δω φ`: the tilts `(low, high)` =
/// `(min P′, max P′)` over the circle for which `dφ/dt = δω − P′(φ)` has a fixed point (the
/// landscape's own tilt does not matter). The extrema of `P′` are found as sign changes of `U″`
/// on a 4096-point grid, refined by bisection to 1e-15.
///
/// ```
/// use dgnn_dynamics::{TiltedHkb, landscape::locking_range};
/// // Adler: P′ = a sin φ locks for |δω| ≤ a, whatever the tilt already in the landscape.
/// let (low, high) = locking_range(&TiltedHkb::new(0.7, 0.0, 0.3).unwrap()).unwrap();
/// assert!((low + 0.7).abs() < 1e-13 && (high - 0.7).abs() < 1e-13);
/// ```
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
    // U′ = P′ − tilt: adding the tilt back gives the range of the periodic part.
    let tilt = potential.tilt();
    Ok((low + tilt, high + tilt))
}

/// A saddle next to an attractor and the barrier to it.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Saddle {
    /// The saddle's phase on the lift, on the attractor's side (may lie outside `[-π, π)`).
    pub phase_rad: f64,
    /// `U″` at the saddle (negative).
    pub curvature: f64,
    /// The barrier `U(saddle) − U(attractor)` along the lift (tilt included).
    pub height: f64,
}

/// An attractor with the barriers on its two sides.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Basin {
    /// The attractor's phase in `[-π, π)`.
    pub attractor_rad: f64,
    /// `U″` at the attractor (its relaxation rate).
    pub curvature: f64,
    /// The nearest repeller below the attractor.
    pub left: Saddle,
    /// The nearest repeller above the attractor.
    pub right: Saddle,
}

/// The basins of all attractors with their barriers. Empty when there is no attractor; for a
/// landscape with attractors but no repeller (not possible for a smooth potential) also empty.
#[must_use]
pub fn basins(potential: &impl Potential) -> Vec<Basin> {
    let fps = fixed_points(potential);
    let repellers: Vec<&FixedPoint> =
        fps.iter().filter(|f| f.stability == Stability::Unstable).collect();
    let Some((first, others)) = repellers.split_first() else {
        return Vec::new();
    };
    let saddle = |(phase, curvature): (f64, f64), base: f64| Saddle {
        phase_rad: phase,
        curvature,
        height: potential.value(phase) - base,
    };
    fps.iter()
        .filter(|f| f.stability == Stability::Stable)
        .map(|m| {
            let base = potential.value(m.phase_rad);
            let above = |r: &FixedPoint| (lift_above(r.phase_rad, m.phase_rad), r.curvature);
            let below = |r: &FixedPoint| (lift_above(r.phase_rad, m.phase_rad) - TAU, r.curvature);
            // The nearest repeller on each side: the first lowest lift above the attractor and
            // the last highest one below it (the ties of `min_by` and `max_by`).
            let right = others.iter().map(|r| above(r)).fold(above(first), |best, x| {
                if x.0.total_cmp(&best.0).is_lt() { x } else { best }
            });
            let left = others.iter().map(|r| below(r)).fold(below(first), |best, x| {
                if x.0.total_cmp(&best.0).is_ge() { x } else { best }
            });
            Basin {
                attractor_rad: m.phase_rad,
                curvature: m.curvature,
                left: saddle(left, base),
                right: saddle(right, base),
            }
        })
        .collect()
}

/// `phase + 2πk`, the smallest such value above `reference`.
fn lift_above(phase: f64, reference: f64) -> f64 {
    let mut p = phase;
    while p <= reference {
        p += TAU;
    }
    while p - TAU > reference {
        p -= TAU;
    }
    p
}

/// One point of an attractor map: the number of attractors at parameters `(x, y)`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct AttractorCount {
    /// The first parameter.
    pub x: f64,
    /// The second parameter.
    pub y: f64,
    /// The number of stable fixed points.
    pub attractors: usize,
}

/// The number of attractors over a parameter grid `xs × ys` (row-major: all `xs` for the first
/// `y`, then the next `y`), computed in parallel; `make(x, y)` builds the potential.
pub fn attractor_map<P, F>(xs: &[f64], ys: &[f64], make: F) -> Result<Vec<AttractorCount>>
where
    P: Potential,
    F: Fn(f64, f64) -> std::result::Result<P, ParamError> + Sync,
{
    let cells: Vec<(f64, f64)> = ys.iter().flat_map(|&y| xs.iter().map(move |&x| (x, y))).collect();
    cells
        .par_iter()
        .map(|&(x, y)| {
            let p = make(x, y)?;
            Ok(AttractorCount { x, y, attractors: attractor_count(&p) })
        })
        .collect()
}

/// The exact stationary density of `dφ = −U′ dt + sqrt(Q) dW` on the circle, on a midpoint grid.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StationaryDensity {
    /// Grid phases `−π + (k + ½)·2π/n`, `k = 0..n`.
    pub phases_rad: Vec<f64>,
    /// The density at the grid phases (integrates to 1 over the circle).
    pub density: Vec<f64>,
    /// The probability current `J` (0 without tilt); the mean frequency is `2πJ`.
    pub current: f64,
}

impl StationaryDensity {
    /// The mean frequency `⟨dφ/dt⟩ = 2πJ` in rad per time unit.
    #[must_use]
    pub fn mean_frequency(&self) -> f64 {
        TAU * self.current
    }

    /// Averages of the density over `bins` equal bins of `[-π, π)` (midpoint rule on the grid;
    /// the grid size must be a multiple of `bins`).
    pub fn bin_averages(&self, bins: usize) -> Result<Vec<f64>> {
        let n = self.density.len();
        if bins == 0 || !n.is_multiple_of(bins) {
            return Err(ParamError::new(
                "bins",
                bins,
                format!("must divide the density grid of {n} points"),
            )
            .into());
        }
        let sub = n / bins;
        Ok(self.density.chunks(sub).map(|c| c.iter().sum::<f64>() / sub as f64).collect())
    }

    /// The grid spacing `2π/n`.
    fn spacing(&self) -> f64 {
        TAU / self.density.len() as f64
    }

    /// `⟨f(φ)⟩ = ∫ f(φ) p(φ) dφ` over the circle by the midpoint rule on the grid (spectrally
    /// accurate for a smooth periodic `f`).
    pub fn expectation(&self, f: impl Fn(f64) -> f64) -> f64 {
        self.phases_rad.iter().zip(&self.density).map(|(&x, &p)| f(x) * p).sum::<f64>()
            * self.spacing()
    }

    /// The `m`-th trigonometric moment `(⟨cos mφ⟩, ⟨sin mφ⟩)`; its length is the mean resultant
    /// length of the stationary phase (1 for a point mass, 0 for the uniform density).
    ///
    /// ```
    /// use dgnn_dynamics::{Hkb, landscape::stationary_density};
    /// // U = −cos φ at Q = 2: the von Mises density with κ = 2a/Q = 1, so
    /// // ⟨cos φ⟩ = I₁(1)/I₀(1) = 0.565159104/1.266065878 (Abramowitz & Stegun, table 9.8).
    /// let d = stationary_density(&Hkb::new(1.0, 0.0).unwrap(), 2.0, 1024).unwrap();
    /// let (cos, sin) = d.trigonometric_moment(1);
    /// assert!((cos - 0.565159104 / 1.266065878).abs() < 1e-8 && sin.abs() < 1e-15);
    /// ```
    #[must_use]
    pub fn trigonometric_moment(&self, m: u32) -> (f64, f64) {
        let m = f64::from(m);
        (self.expectation(|x| (m * x).cos()), self.expectation(|x| (m * x).sin()))
    }

    /// The probability of the arc from `lower` to `upper`, counter-clockwise (`upper` is taken
    /// on the lift in `(lower, lower + 2π]`, so equal ends give the whole circle), from the
    /// periodic piecewise-linear interpolant of the density on the grid: exact on the whole
    /// circle, with error O(h²·max|p″|) at the arc's ends.
    pub fn mass_on(&self, lower: f64, upper: f64) -> Result<f64> {
        let lower = finite("lower", lower)?;
        let mut upper = finite("upper", upper)?;
        while upper <= lower {
            upper += TAU;
        }
        while upper - lower > TAU {
            upper -= TAU;
        }
        Ok(self.cumulative(upper) - self.cumulative(lower))
    }

    /// `∫_{φ_0}^{x} L` of the periodic piecewise-linear interpolant `L` through the grid
    /// values, for any `x` on the lift (one turn adds the whole mass `h Σ p_k`).
    fn cumulative(&self, x: f64) -> f64 {
        let n = self.density.len();
        let h = self.spacing();
        let p = |k: usize| self.density[k % n];
        let u = (x - self.phases_rad[0]) / h;
        let cell = u.floor();
        let frac = u - cell;
        let turns = cell.div_euclid(n as f64);
        let k = (cell - turns * n as f64) as usize;
        let whole: f64 = self.density.iter().sum::<f64>() * h;
        let before: f64 = (0..k).map(|i| 0.5 * h * (p(i) + p(i + 1))).sum();
        let inside = h * (p(k) * frac + 0.5 * (p(k + 1) - p(k)) * frac * frac);
        turns * whole + before + inside
    }

    /// The stationary mass of each basin in `basins` (from [`basins`] of the same landscape):
    /// the arc between its left and right saddles, by [`Self::mass_on`]. The masses of all
    /// basins of a landscape sum to 1.
    pub fn basin_masses(&self, basins: &[Basin]) -> Result<Vec<f64>> {
        basins.iter().map(|b| self.mass_on(b.left.phase_rad, b.right.phase_rad)).collect()
    }
}

/// A grid size that resolves the stationary density of `potential` at noise `q`: at least
/// 1024 points and a cell no wider than `Q/(2·max|U′|)`, rounded up to a power of two.
#[must_use]
pub fn default_density_grid(potential: &impl Potential, q: f64) -> usize {
    let max_slope = (0..512)
        .map(|k| potential.derivative(-PI + k as f64 * TAU / 512.0).abs())
        .fold(0.0, f64::max);
    let needed = if q > 0.0 { TAU * 2.0 * max_slope / q } else { 0.0 };
    (needed.min(4_194_304.0) as usize).max(1024).next_power_of_two()
}

/// The exact stationary density at noise intensity `q` (`dφ = −U′ dt + sqrt(q) dW`) on
/// `grid_points` midpoints; see the module docs for the formula.
///
/// ```
/// use dgnn_dynamics::{Hkb, landscape::stationary_density};
/// let d = stationary_density(&Hkb::new(1.0, 0.5).unwrap(), 0.5, 1024).unwrap();
/// let total: f64 = d.density.iter().sum::<f64>() * std::f64::consts::TAU / 1024.0;
/// assert!((total - 1.0).abs() < 1e-12);
/// assert!(d.current.abs() < 1e-15);
/// ```
pub fn stationary_density(
    potential: &impl Potential,
    q: f64,
    grid_points: usize,
) -> Result<StationaryDensity> {
    let q = positive("q", q)?;
    let n = at_least("grid_points", grid_points, 16)?;
    let h = TAU / n as f64;
    let phases: Vec<f64> = (0..n).map(|k| -PI + (k as f64 + 0.5) * h).collect();
    let big_phi = |x: f64| 2.0 * potential.value(x) / q;
    let phi: Vec<f64> = phases.iter().map(|&x| big_phi(x)).collect();
    let tilt = finite("tilt", potential.tilt())?;
    // c = Φ(ψ) − Φ(ψ + 2π).
    let c = 4.0 * PI * tilt / q;
    // Unnormalised log density L_k = ln(e^{−Φ_k} ∫_{φ_k}^{φ_k+2π} e^{Φ}).
    let log_u: Vec<f64> = if tilt == 0.0 {
        phi.iter().map(|p| -p).collect()
    } else {
        // ln w_j = Φ_j + ln ∫_{ψ_j}^{ψ_j+h} e^{Φ(ψ) − Φ_j} dψ (cell integrals, log scale).
        let log_w: Vec<f64> = phases
            .iter()
            .zip(&phi)
            .map(|(&x, &pj)| pj + gauss_legendre(x, x + h, |psi| (big_phi(psi) - pj).exp()).ln())
            .collect();
        // ln W_k = ln(Σ_{j≥k} w_j + e^{−c} Σ_{j<k} w_j): sums of positive terms in log space.
        let mut log_suffix = vec![f64::NEG_INFINITY; n + 1];
        for j in (0..n).rev() {
            log_suffix[j] = log_add_exp(log_w[j], log_suffix[j + 1]);
        }
        let mut log_prefix = f64::NEG_INFINITY;
        let mut out = Vec::with_capacity(n);
        for k in 0..n {
            out.push(-phi[k] + log_add_exp(log_suffix[k], -c + log_prefix));
            log_prefix = log_add_exp(log_prefix, log_w[k]);
        }
        out
    };
    let l_max = log_u.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let scaled: Vec<f64> = log_u.iter().map(|l| (l - l_max).exp()).collect();
    let z = scaled.iter().sum::<f64>() * h;
    let density: Vec<f64> = scaled.iter().map(|s| s / z).collect();
    let current = if tilt == 0.0 {
        0.0
    } else {
        // J = (Q/2)(1 − e^{−c}) / (h Σ u_k), in logs: |1 − e^{−c}| = e^{max(0,−c)}(1 − e^{−|c|}).
        let log_norm = l_max + z.ln();
        let log_mag = (-c).max(0.0) + (-(-c.abs()).exp_m1()).ln();
        c.signum() * 0.5 * q * (log_mag - log_norm).exp()
    };
    Ok(StationaryDensity { phases_rad: phases, density, current })
}

/// The mean frequency `⟨dφ/dt⟩` at noise `q > 0` (from the stationary current) on a grid of
/// [`default_density_grid`] points.
pub fn mean_frequency(potential: &impl Potential, q: f64) -> Result<f64> {
    let grid = default_density_grid(potential, q);
    Ok(stationary_density(potential, q, grid)?.mean_frequency())
}

/// The deterministic (`Q = 0`) mean frequency: 0 when a fixed point exists (locked), else
/// `±2π / ∫_0^{2π} dφ/|U′(φ)|` (the sign of the drift). For the Adler equation
/// `δω − a sin φ` with `|δω| > a` this is `sign(δω)·sqrt(δω² − a²)`.
#[must_use]
pub fn deterministic_frequency(potential: &impl Potential) -> f64 {
    if !fixed_points(potential).is_empty() {
        return 0.0;
    }
    // Periodic trapezoid rule: spectrally accurate; doubled until two values agree to 1e-13.
    let period = |n: usize| {
        let h = TAU / n as f64;
        (0..n).map(|k| 1.0 / potential.derivative(-PI + k as f64 * h).abs()).sum::<f64>() * h
    };
    let mut n = 1024;
    let mut previous = period(n);
    while n < 1 << 24 {
        n *= 2;
        let next = period(n);
        let converged = (next - previous).abs() <= 1e-13 * next;
        previous = next;
        if converged {
            break;
        }
    }
    let sign = if potential.drift(0.0) >= 0.0 { 1.0 } else { -1.0 };
    sign * TAU / previous
}

/// A boundary of a first-passage problem on the lift.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Boundary {
    /// The walk ends when it reaches this phase.
    Absorbing(f64),
    /// The walk is reflected at this phase.
    Reflecting(f64),
}

impl Boundary {
    fn at(self) -> f64 {
        match self {
            Self::Absorbing(x) | Self::Reflecting(x) => x,
        }
    }
}

/// Default number of cells for [`mean_first_passage_time`].
pub const DEFAULT_MFPT_CELLS: usize = 4000;

/// The mean first-passage time of `dφ = −U′ dt + sqrt(q) dW` from `start` to the absorbing
/// boundary (or boundaries) of `[lower, upper]` on the lift, by quadrature on `cells` cells
/// (Simpson on half cells, Gauss–Legendre inside; error O(cells⁻⁴)).
///
/// ```
/// use dgnn_dynamics::{FourierPotential, landscape::{mean_first_passage_time, Boundary}};
/// // Free diffusion, absorbing at 0 and 1, from 0.5: T = x(1 − x)/Q = 0.25/Q.
/// let flat = FourierPotential::new(vec![], vec![], 0.0).unwrap();
/// let t = mean_first_passage_time(&flat, 2.0, 0.5, Boundary::Absorbing(0.0),
///                                 Boundary::Absorbing(1.0), 1000).unwrap();
/// assert!((t - 0.125).abs() < 1e-10);
/// ```
pub fn mean_first_passage_time(
    potential: &impl Potential,
    q: f64,
    start: f64,
    lower: Boundary,
    upper: Boundary,
    cells: usize,
) -> Result<f64> {
    let q = positive("q", q)?;
    let start = finite("start", start)?;
    let (a, b) = (finite("lower", lower.at())?, finite("upper", upper.at())?);
    let cells = at_least("cells", cells, 8)?;
    if !(a < start && start < b) {
        return Err(ParamError::new(
            "start",
            start,
            format!("must lie strictly between lower = {a} and upper = {b}"),
        )
        .into());
    }
    let big_phi = |x: f64| 2.0 * potential.value(x) / q;
    match (lower, upper) {
        (Boundary::Reflecting(_), Boundary::Reflecting(_)) => Err(DynamicsError::Undefined {
            quantity: "mean first-passage time",
            reason: "both boundaries reflect, so the walk never ends: make one absorbing".into(),
        }),
        (Boundary::Reflecting(_), Boundary::Absorbing(_)) => {
            Ok(mfpt_reflecting_lower(&big_phi, a, start, b, q, cells))
        }
        (Boundary::Absorbing(_), Boundary::Reflecting(_)) => {
            // Mirror φ → −φ: the reflecting end becomes the lower one.
            Ok(mfpt_reflecting_lower(&|y: f64| big_phi(-y), -b, -start, -a, q, cells))
        }
        (Boundary::Absorbing(_), Boundary::Absorbing(_)) => {
            Ok(mfpt_two_absorbing(&big_phi, a, start, b, q, cells))
        }
    }
}

/// The mean time to switch from anti-phase to in-phase: the mean first-passage time of
/// `dφ = −U′ dt + sqrt(q) dW` from `φ = π` to either in-phase point on the lift, `0` or `2π`
/// (both absorbing), by [`mean_first_passage_time`] on [`DEFAULT_MFPT_CELLS`] cells. For the
/// HKB landscape with `b/a > 1/4` it is the mean life of the anti-phase state (Schöner, Haken &
/// Kelso 1986), ≈ 1/k of its [`kramers_rates`] when the barrier is high.
///
/// ```
/// use dgnn_dynamics::{FourierPotential, landscape::switching_time};
/// // Free diffusion from π to 0 or 2π: T = π·π/Q.
/// let flat = FourierPotential::new(vec![], vec![], 0.0).unwrap();
/// let t = switching_time(&flat, 0.5).unwrap();
/// assert!((t - std::f64::consts::PI.powi(2) / 0.5).abs() < 1e-9);
/// ```
pub fn switching_time(potential: &impl Potential, q: f64) -> Result<f64> {
    mean_first_passage_time(
        potential,
        q,
        PI,
        Boundary::Absorbing(0.0),
        Boundary::Absorbing(TAU),
        DEFAULT_MFPT_CELLS,
    )
}

/// Nodes `y_0 = a < … < y_m = b` of half cells, with `x` on a node, and
/// `g(y) = ∫_a^y e^{Φ(y) − Φ(z)} dz` at each node.
struct Profile {
    nodes: Vec<f64>,
    g: Vec<f64>,
    start_index: usize,
}

fn profile(big_phi: &dyn Fn(f64) -> f64, a: f64, x: f64, b: f64, cells: usize) -> Profile {
    // Even numbers of half cells on [a, x] and [x, b], so Simpson pairs never straddle x.
    let cells_left = ((cells as f64 * (x - a) / (b - a)).round() as usize).max(2);
    let cells_right = ((cells as f64 * (b - x) / (b - a)).round() as usize).max(2);
    let mut nodes = Vec::with_capacity(2 * (cells_left + cells_right) + 1);
    for i in 0..2 * cells_left {
        nodes.push(a + (x - a) * i as f64 / (2 * cells_left) as f64);
    }
    let start_index = nodes.len();
    for i in 0..=2 * cells_right {
        nodes.push(x + (b - x) * i as f64 / (2 * cells_right) as f64);
    }
    let mut g = vec![0.0; nodes.len()];
    for i in 1..nodes.len() {
        let (y0, y1) = (nodes[i - 1], nodes[i]);
        let (p0, p1) = (big_phi(y0), big_phi(y1));
        g[i] = (p1 - p0).exp() * g[i - 1] + gauss_legendre(y0, y1, |z| (p1 - big_phi(z)).exp());
    }
    Profile { nodes, g, start_index }
}

/// Composite Simpson over node pairs `[from, to)` of a profile (both indices even offsets).
fn simpson(nodes: &[f64], values: &[f64], from: usize, to: usize) -> f64 {
    let mut total = 0.0;
    let mut i = from;
    while i + 2 <= to {
        let h = nodes[i + 2] - nodes[i];
        total += h / 6.0 * (values[i] + 4.0 * values[i + 1] + values[i + 2]);
        i += 2;
    }
    total
}

fn mfpt_reflecting_lower(
    big_phi: &dyn Fn(f64) -> f64,
    a: f64,
    x: f64,
    b: f64,
    q: f64,
    cells: usize,
) -> f64 {
    let p = profile(big_phi, a, x, b, cells);
    2.0 / q * simpson(&p.nodes, &p.g, p.start_index, p.nodes.len() - 1)
}

fn mfpt_two_absorbing(
    big_phi: &dyn Fn(f64) -> f64,
    a: f64,
    x: f64,
    b: f64,
    q: f64,
    cells: usize,
) -> f64 {
    // With H = ∫_a^x e^{Φ(y)} ∫_y^x e^{−Φ} dz dy, K = ∫_x^b e^{Φ(y)} ∫_x^y e^{−Φ} dz dy and the
    // splitting weight w = ∫_a^x e^Φ / ∫_a^b e^Φ, the solution is T(x) = (2/Q)((1 − w)H + wK):
    // every term is positive, so deep wells next to the absorbing ends cause no cancellation.
    let right = profile(big_phi, x, 0.5 * (x + b), b, cells / 2);
    let left = profile(&|y: f64| big_phi(-y), -x, -0.5 * (a + x), -a, cells / 2);
    let last = |p: &Profile| p.nodes.len() - 1;
    let k = simpson(&right.nodes, &right.g, 0, last(&right));
    let h = simpson(&left.nodes, &left.g, 0, last(&left));
    let phis_r: Vec<f64> = right.nodes.iter().map(|&y| big_phi(y)).collect();
    let phis_l: Vec<f64> = left.nodes.iter().map(|&y| big_phi(-y)).collect();
    let m = phis_r.iter().chain(&phis_l).copied().fold(f64::NEG_INFINITY, f64::max);
    let e_r: Vec<f64> = phis_r.iter().map(|v| (v - m).exp()).collect();
    let e_l: Vec<f64> = phis_l.iter().map(|v| (v - m).exp()).collect();
    let mass_left = simpson(&left.nodes, &e_l, 0, last(&left));
    let mass_right = simpson(&right.nodes, &e_r, 0, last(&right));
    let w = mass_left / (mass_left + mass_right);
    2.0 / q * ((1.0 - w) * h + w * k)
}

/// The Kramers escape rate out of one attractor.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct KramersEscape {
    /// The attractor's phase in `[-π, π)`.
    pub attractor_rad: f64,
    /// The rate over the left saddle.
    pub rate_left: f64,
    /// The rate over the right saddle.
    pub rate_right: f64,
}

impl KramersEscape {
    /// The total escape rate (left + right).
    #[must_use]
    pub fn total(&self) -> f64 {
        self.rate_left + self.rate_right
    }
}

/// Kramers rates out of every attractor at noise `q` (asymptotic for `ΔU/Q ≫ 1`; relative error
/// O(Q/ΔU)).
pub fn kramers_rates(potential: &impl Potential, q: f64) -> Result<Vec<KramersEscape>> {
    let q = positive("q", q)?;
    let basins = basins(potential);
    if basins.is_empty() {
        return Err(DynamicsError::Undefined {
            quantity: "Kramers rate",
            reason: "the landscape has no attractor with a saddle (the phase runs)".into(),
        });
    }
    let rate = |curvature: f64, s: &Saddle| {
        (curvature * s.curvature.abs()).sqrt() / TAU * (-2.0 * s.height / q).exp()
    };
    Ok(basins
        .iter()
        .map(|b| KramersEscape {
            attractor_rad: b.attractor_rad,
            rate_left: rate(b.curvature, &b.left),
            rate_right: rate(b.curvature, &b.right),
        })
        .collect())
}
