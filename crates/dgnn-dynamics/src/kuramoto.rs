//! Kuramoto's mean-field theory for any symmetric unimodal density of natural frequencies.
//!
//! For `dθ_i/dt = ω_i + K r sin(ψ − θ_i)` with natural frequencies drawn from a density `g`
//! (centred on 0, symmetric, non-increasing in `|ω|`), Kuramoto (1975; Strogatz 2000, Physica D
//! 143:1, §4) showed that in the large-N limit
//! - incoherence (`r = 0`) loses stability at the critical coupling `K_c = 2/(π g(0))`
//!   ([`critical_coupling`]);
//! - above `K_c` the oscillators with `|ω| ≤ K r` lock at `sin θ = ω/(K r)`, the drifting ones
//!   contribute nothing to the order parameter, and `r` solves the self-consistency equation
//!   `r = K r ∫_{−π/2}^{π/2} cos²θ g(K r sin θ) dθ` ([`self_consistent_order_parameter`]).
//!
//! Closed forms checked by the tests: the Lorentzian of half-width Δ has `K_c = 2Δ` and
//! `r = sqrt(1 − 2Δ/K)` (Kuramoto 1975; Ott & Antonsen 2008, Chaos 18:037113); the Gaussian of
//! standard deviation σ has `K_c = 2σ sqrt(2π)/π = sqrt(8/π)·σ ≈ 1.5958σ`, and just above any
//! `K_c` the root grows as `r ≈ sqrt(16(K − K_c)/(π K_c⁴ |g″(0)|))` (Strogatz 2000, eq. 4.9).
//!
//! A density is a [`FrequencyDensity`]: [`Lorentzian`], [`Gaussian`], or a user's closure
//! ([`UserDensity`]). The deterministic frequency samples of a simulation are the quantiles
//! [`crate::network::lorentzian_quantiles`] and [`crate::network::gaussian_quantiles`].
//!
//! Numerics: the integral is 8-point Gauss–Legendre on cells of `[0, π/2]` (the integrand is
//! even in θ), the number of cells doubled from 64 until two values agree to 1e-13; the
//! nontrivial root is bracketed by `(0, 1]` (the right side minus `r` is positive just above 0
//! when `K > K_c` and negative at 1) and found by bisection to machine precision. For a
//! unimodal density the right side over `r` falls monotonically in `r`, so the root is unique.

use crate::error::{DynamicsError, Result};
use crate::quadrature::gauss_legendre;
use dgnn_core::ParamError;
use dgnn_core::error::{finite, positive};
use std::f64::consts::{FRAC_PI_2, PI};

/// A density `g` of natural frequencies around their centre, for the mean-field theory: it must
/// be symmetric (`g(ω) = g(−ω)`), non-increasing in `|ω|` and integrate to 1. The solvers check
/// `g(0) > 0`, the symmetry and the monotonicity at the frequencies they evaluate.
pub trait FrequencyDensity: Sync {
    /// `g(ω)` at the offset `ω` from the centre frequency.
    fn density(&self, offset: f64) -> f64;
}

impl<D: FrequencyDensity + ?Sized> FrequencyDensity for &D {
    fn density(&self, offset: f64) -> f64 {
        (**self).density(offset)
    }
}

/// The Lorentzian (Cauchy) density `g(ω) = Δ/(π(ω² + Δ²))` of half-width `Δ`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Lorentzian {
    half_width: f64,
}

impl Lorentzian {
    /// The Lorentzian of half-width at half maximum `half_width > 0`.
    pub fn new(half_width: f64) -> Result<Self, ParamError> {
        Ok(Self { half_width: positive("half_width", half_width)? })
    }

    /// The half-width `Δ`.
    #[must_use]
    pub fn half_width(&self) -> f64 {
        self.half_width
    }
}

impl FrequencyDensity for Lorentzian {
    fn density(&self, offset: f64) -> f64 {
        self.half_width / (PI * (offset * offset + self.half_width * self.half_width))
    }
}

/// The Gaussian density `g(ω) = exp(−ω²/(2σ²))/(σ sqrt(2π))` of standard deviation `σ`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Gaussian {
    sigma: f64,
}

impl Gaussian {
    /// The Gaussian of standard deviation `sigma > 0`.
    pub fn new(sigma: f64) -> Result<Self, ParamError> {
        Ok(Self { sigma: positive("sigma", sigma)? })
    }

    /// The standard deviation `σ`.
    #[must_use]
    pub fn sigma(&self) -> f64 {
        self.sigma
    }
}

impl FrequencyDensity for Gaussian {
    fn density(&self, offset: f64) -> f64 {
        let z = offset / self.sigma;
        (-0.5 * z * z).exp() / (self.sigma * (2.0 * PI).sqrt())
    }
}

/// A user's density from a closure `g(ω)` (symmetric, non-increasing in `|ω|`, normalised).
///
/// ```
/// use dgnn_dynamics::kuramoto::{UserDensity, critical_coupling};
/// // The uniform density on [−1, 1] has g(0) = 1/2, so K_c = 4/π.
/// let uniform = UserDensity::new(|w: f64| if w.abs() <= 1.0 { 0.5 } else { 0.0 });
/// let k_c = critical_coupling(&uniform).unwrap();
/// assert!((k_c - 4.0 / std::f64::consts::PI).abs() < 1e-15);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct UserDensity<F> {
    density: F,
}

impl<F: Fn(f64) -> f64 + Sync> UserDensity<F> {
    /// The density `g(ω) = density(ω)`.
    pub fn new(density: F) -> Self {
        Self { density }
    }
}

impl<F: Fn(f64) -> f64 + Sync> FrequencyDensity for UserDensity<F> {
    fn density(&self, offset: f64) -> f64 {
        (self.density)(offset)
    }
}

/// `g(0)`, checked finite and positive.
fn peak(density: &impl FrequencyDensity) -> Result<f64> {
    let g0 = finite("g(0)", density.density(0.0))?;
    if g0 <= 0.0 {
        return Err(DynamicsError::Undefined {
            quantity: "critical coupling",
            reason: format!(
                "g(0) = {g0}: a unimodal symmetric density has its maximum at 0, so g(0) must be \
                 positive (centre the density on 0)"
            ),
        });
    }
    Ok(g0)
}

/// The critical coupling `K_c = 2/(π g(0))` of a symmetric unimodal density (Kuramoto 1975):
/// below it incoherence is stable, above it a synchronised cluster grows.
///
/// ```
/// use dgnn_dynamics::kuramoto::{Gaussian, critical_coupling};
/// let k_c = critical_coupling(&Gaussian::new(1.0).unwrap()).unwrap();
/// assert!((k_c - (8.0 / std::f64::consts::PI).sqrt()).abs() < 1e-15); // ≈ 1.5958
/// ```
pub fn critical_coupling(density: &impl FrequencyDensity) -> Result<f64> {
    Ok(2.0 / (PI * peak(density)?))
}

/// Cells of `[0, π/2]` the integral starts with, and the most it may use.
const FIRST_CELLS: usize = 64;
const MAX_CELLS: usize = 1 << 16;

/// `2K ∫_0^{π/2} cos²θ g(K r sin θ) dθ`: the right side of the self-consistency equation
/// divided by `r`, with cells doubled until two values agree to 1e-13.
fn locked_share(density: &impl FrequencyDensity, coupling: f64, r: f64) -> f64 {
    let integrand = |theta: f64| {
        let c = theta.cos();
        c * c * density.density(coupling * r * theta.sin())
    };
    let on_cells = |cells: usize| {
        let h = FRAC_PI_2 / cells as f64;
        (0..cells).map(|k| gauss_legendre(k as f64 * h, (k + 1) as f64 * h, integrand)).sum::<f64>()
            * 2.0
            * coupling
    };
    let mut cells = FIRST_CELLS;
    let mut previous = on_cells(cells);
    while cells < MAX_CELLS {
        cells *= 2;
        let next = on_cells(cells);
        let converged = (next - previous).abs() <= 1e-13 * next.abs();
        previous = next;
        if converged {
            break;
        }
    }
    previous
}

/// Checks, at 256 frequencies in `[0, reach]`, that `g` is symmetric and non-increasing in
/// `|ω|` (to 1e-12 of `g(0)`): the self-consistency equation assumes both.
fn check_unimodal_symmetric(density: &impl FrequencyDensity, g0: f64, reach: f64) -> Result<()> {
    let tolerance = 1e-12 * g0;
    let mut previous = g0;
    for k in 1..=256 {
        let w = reach * f64::from(k) / 256.0;
        let (right, left) = (density.density(w), density.density(-w));
        finite("g(ω)", right)?;
        let fault = if (right - left).abs() > tolerance {
            Some(format!("g({w}) = {right} but g({}) = {left}: it is not symmetric", -w))
        } else if right > previous + tolerance {
            Some(format!("g rises from {previous} to {right} at ω = {w}: it is not unimodal"))
        } else {
            None
        };
        if let Some(fault) = fault {
            return Err(DynamicsError::Undefined {
                quantity: "self-consistent order parameter",
                reason: format!(
                    "{fault}; the self-consistency equation holds for symmetric densities that \
                     fall away from their centre"
                ),
            });
        }
        previous = right;
    }
    Ok(())
}

/// The large-N Kuramoto order parameter `r(K)` for the frequency density `g`: 0 at and below
/// [`critical_coupling`], above it the nontrivial root of
/// `r = K r ∫_{−π/2}^{π/2} cos²θ g(K r sin θ) dθ` (locked oscillators only; see the module
/// docs for the quadrature and the bracketing).
///
/// ```
/// use dgnn_dynamics::kuramoto::{Lorentzian, self_consistent_order_parameter};
/// // Lorentzian, Δ = 0.5: r = sqrt(1 − 2Δ/K) (Ott & Antonsen 2008).
/// let r = self_consistent_order_parameter(&Lorentzian::new(0.5).unwrap(), 2.0).unwrap();
/// assert!((r - 0.5f64.sqrt()).abs() < 1e-10);
/// ```
///
/// Errors: a non-finite or negative `coupling` ([`DynamicsError::Param`]), `g(0) ≤ 0`, or a
/// density that is not symmetric and non-increasing in `|ω|` on `[−K, K]`
/// ([`DynamicsError::Undefined`]).
pub fn self_consistent_order_parameter(
    density: &impl FrequencyDensity,
    coupling: f64,
) -> Result<f64> {
    let coupling = dgnn_core::error::non_negative("coupling", coupling)?;
    let g0 = peak(density)?;
    if coupling <= 2.0 / (PI * g0) {
        return Ok(0.0);
    }
    check_unimodal_symmetric(density, g0, coupling)?;
    // h(r) = share(r) − 1 is positive as r → 0 (share → πK g(0)/2 > 1) and falls with r.
    let excess = |r: f64| locked_share(density, coupling, r) - 1.0;
    if excess(1.0) >= 0.0 {
        return Ok(1.0);
    }
    let (mut low, mut high) = (0.0, 1.0);
    for _ in 0..200 {
        let mid = 0.5 * (low + high);
        if mid <= low || mid >= high {
            break;
        }
        if excess(mid) > 0.0 {
            low = mid;
        } else {
            high = mid;
        }
    }
    Ok(0.5 * (low + high))
}

/// The densities with a deterministic quantile sample, which a simulation can draw its natural
/// frequencies from: the choice behind `--freq lorentzian | gaussian`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub enum QuantileDensity {
    /// Lorentzian frequencies, sampled by [`crate::network::lorentzian_quantiles`].
    Lorentzian(Lorentzian),
    /// Gaussian frequencies, sampled by [`crate::network::gaussian_quantiles`].
    Gaussian(Gaussian),
}

impl QuantileDensity {
    /// `n` deterministic quantile frequencies around `center`.
    pub fn quantiles(&self, n: usize, center: f64) -> Result<Vec<f64>, ParamError> {
        match self {
            Self::Lorentzian(l) => {
                Ok(crate::network::lorentzian_quantiles(n, finite("center", center)?, l.half_width))
            }
            Self::Gaussian(g) => crate::network::gaussian_quantiles(n, center, g.sigma),
        }
    }

    /// The large-N order parameter at `coupling`: the closed form
    /// [`crate::network::lorentzian_order_parameter`] for the Lorentzian,
    /// [`self_consistent_order_parameter`] otherwise.
    pub fn order_parameter(&self, coupling: f64) -> Result<f64> {
        match self {
            Self::Lorentzian(l) => {
                Ok(crate::network::lorentzian_order_parameter(coupling, l.half_width))
            }
            Self::Gaussian(g) => self_consistent_order_parameter(g, coupling),
        }
    }

    /// The critical coupling `2/(π g(0))`: exactly `2Δ` for the Lorentzian, `2/(π g(0))` =
    /// `sqrt(8/π)σ` for the Gaussian.
    #[must_use]
    pub fn critical_coupling(&self) -> f64 {
        match self {
            Self::Lorentzian(l) => 2.0 * l.half_width,
            Self::Gaussian(g) => 2.0 / (PI * g.density(0.0)),
        }
    }
}

impl FrequencyDensity for QuantileDensity {
    fn density(&self, offset: f64) -> f64 {
        match self {
            Self::Lorentzian(l) => l.density(offset),
            Self::Gaussian(g) => g.density(offset),
        }
    }
}
