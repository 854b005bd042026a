//! Networks of phase oscillators with HKB-type pair coupling.
//!
//! `dθ_i = [ω_i + Σ_j W_ij H(θ_j − θ_i)] dt + sqrt(2D) dW_i` with the HKB pair function
//! `H(Δ) = a sin Δ + 2b sin 2Δ` (Haken, Kelso & Bunz 1985; `a = 1, b = 0` is Kuramoto 1975).
//! Two units with `W_12 = W_21 = k` have relative phase `φ = θ_1 − θ_2` obeying the HKB equation
//! `dφ/dt = δω − 2k(a sin φ + 2b sin 2φ)`.
//!
//! [`Coupling::MeanField`] (`W_ij = K/N`) uses the order parameters `Z_m = ⟨e^{imθ}⟩`:
//! `Σ_j (K/N) H(θ_j − θ_i) = K[a Im(Z_1 e^{−iθ_i}) + 2b Im(Z_2 e^{−2iθ_i})]`, O(N) per step
//! instead of O(N²). The Kuramoto order parameter is `r e^{iψ} = ⟨e^{iθ}⟩` ([`order_parameter`]);
//! for Lorentzian frequencies of half-width Δ, `r = sqrt(1 − 2Δ/K)` above `K_c = 2Δ` (Kuramoto
//! 1975; Ott & Antonsen 2008, Chaos 18:037113), and an incoherent population of N oscillators has
//! `E[r] ≈ sqrt(π/(4N))` (the mean of a Rayleigh variable of scale `1/sqrt(2N)`).

use crate::error::{DynamicsError, Result};
use crate::ode::{RK4_STABILITY_LIMIT, Rk4Workspace, VectorField, rk4_step};
use crate::sde::{
    Integrator, NoiseIncrement, NoiseKind, Scheme, Sde, SdeWorkspace, check_scheme, check_step,
};
use dgnn_core::error::{at_least, finite, non_negative, positive};
use dgnn_core::{ParamError, ParamGuard, Progress, Seed, Valid, Validate};
use rand::RngExt;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use wide::f64x8;

/// The HKB pair coupling `H(Δ) = a sin Δ + 2b sin 2Δ`, `Δ = θ_j − θ_i`; checking it confirms
/// that `a` and `b` are finite.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PairCoupling {
    /// First-harmonic strength `a` (1 for Kuramoto).
    pub a: f64,
    /// Second-harmonic strength `b` (0 for Kuramoto).
    pub b: f64,
}

impl Validate for PairCoupling {
    fn validate(&self) -> Result<(), ParamError> {
        finite("pair.a", self.a)?;
        finite("pair.b", self.b)?;
        Ok(())
    }
}

impl PairCoupling {
    /// Kuramoto's `H(Δ) = sin Δ`.
    pub const KURAMOTO: Self = Self { a: 1.0, b: 0.0 };

    /// `H(Δ)`.
    #[must_use]
    pub fn eval(&self, delta_rad: f64) -> f64 {
        self.a * delta_rad.sin() + 2.0 * self.b * (2.0 * delta_rad).sin()
    }

    /// `max_Δ |H′(Δ)| = max |a cos Δ + 4b cos 2Δ|`, the steepest slope of the pair coupling.
    #[must_use]
    pub fn max_slope(&self) -> f64 {
        crate::potential::max_abs_cos_pair(self.a, 4.0 * self.b)
    }
}

/// A bound on the drift's slope of `dθ_i = ω_i + Σ_j W_ij H(θ_j − θ_i)` (Gershgorin: every
/// eigenvalue of the Jacobian lies within `2 max_i Σ_{j≠i} |W_ij| · max |H′|`), given the
/// largest row sum of `|W_ij|` off the diagonal.
pub(crate) fn coupled_slope_bound(largest_row_sum: f64, pair: &PairCoupling) -> f64 {
    2.0 * largest_row_sum * pair.max_slope()
}

/// The stability limit of a network integration: `scheme`'s with noise, RK4's without.
pub(crate) fn step_limit(noise: f64, scheme: &impl Integrator) -> Option<f64> {
    if noise > 0.0 { scheme.stability_limit() } else { Some(RK4_STABILITY_LIMIT) }
}

/// Who is coupled to whom, and how strongly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Coupling {
    /// All-to-all `W_ij = K/N` (O(N) per step through the order parameters).
    MeanField {
        /// The coupling strength `K`.
        strength: f64,
    },
    /// An explicit row-major N×N matrix `W_ij` (row `i` = inputs of unit `i`).
    Matrix(Vec<f64>),
}

/// A checked network of phase oscillators (built only by [`PhaseNetwork::new`], which checks
/// every part); see the module docs for the equations.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PhaseNetwork {
    omega: Vec<f64>,
    coupling: Coupling,
    pair: Valid<PairCoupling>,
    noise: f64,
}

impl PhaseNetwork {
    /// A network of `omega.len()` units with natural frequencies `omega`, coupling, pair
    /// function and phase diffusion `noise = D ≥ 0` (noise amplitude `sqrt(2D)`).
    pub fn new(
        omega: Vec<f64>,
        coupling: Coupling,
        pair: PairCoupling,
        noise: f64,
    ) -> Result<Self, ParamError> {
        let n = at_least("omega (number of units)", omega.len(), 1)?;
        for (i, w) in omega.iter().enumerate() {
            finite(&format!("omega[{i}]"), *w)?;
        }
        match &coupling {
            Coupling::MeanField { strength } => {
                finite("coupling.strength", *strength)?;
            }
            Coupling::Matrix(w) => {
                if w.len() != n * n {
                    return Err(ParamError::new(
                        "coupling.matrix",
                        format!("{} entries", w.len()),
                        format!("must be N×N = {n}×{n} = {} entries, row-major", n * n),
                    ));
                }
                for (k, v) in w.iter().enumerate() {
                    finite(&format!("coupling.matrix[{}][{}]", k / n, k % n), *v)?;
                }
            }
        }
        Ok(Self { omega, coupling, pair: pair.check()?, noise: non_negative("noise", noise)? })
    }

    /// A network from parts that are valid by construction (a plastic network's frozen
    /// weights): no check is repeated.
    pub(crate) fn from_checked_parts(
        omega: Vec<f64>,
        matrix: Vec<f64>,
        pair: Valid<PairCoupling>,
        noise: f64,
    ) -> Self {
        Self { omega, coupling: Coupling::Matrix(matrix), pair, noise }
    }

    /// The number of units.
    #[must_use]
    pub fn len(&self) -> usize {
        self.omega.len()
    }

    /// Refuses a step `dt` beyond the stability limit of `scheme` (of RK4 when the network has
    /// no noise, as [`simulate_network`] integrates it) for this coupling ([`check_step`]).
    ///
    /// # Errors
    /// A [`ParamError`] on `dt` with the numbers and a step to use.
    pub fn check_step(&self, scheme: &impl Integrator, dt: f64) -> Result<(), ParamError> {
        check_step(self.drift_slope_bound(), step_limit(self.noise, scheme), dt)
    }

    /// Always false: a network has at least one unit.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.omega.is_empty()
    }

    /// The natural frequencies.
    #[must_use]
    pub fn omega(&self) -> &[f64] {
        &self.omega
    }

    /// The coupling.
    #[must_use]
    pub fn coupling(&self) -> &Coupling {
        &self.coupling
    }

    /// Replaces the coupling matrix (plasticity); it must be N×N with finite entries.
    pub fn set_matrix(&mut self, weights: Vec<f64>) -> Result<(), ParamError> {
        let checked =
            Self::new(self.omega.clone(), Coupling::Matrix(weights), *self.pair, self.noise)?;
        self.coupling = checked.coupling;
        Ok(())
    }

    /// The pair function.
    #[must_use]
    pub fn pair(&self) -> PairCoupling {
        *self.pair
    }

    /// The phase diffusion `D`.
    #[must_use]
    pub fn noise(&self) -> f64 {
        self.noise
    }
}

/// `(r, ψ)` of `r e^{iψ} = ⟨e^{iθ}⟩`, with ψ in `[-π, π)` (0 for r = 0).
///
/// ```
/// let (r, psi) = dgnn_dynamics::network::order_parameter(&[0.3, 0.3, 0.3]);
/// assert!((r - 1.0).abs() < 1e-12 && (psi - 0.3).abs() < 1e-12);
/// ```
#[must_use]
pub fn order_parameter(phases_rad: &[f64]) -> (f64, f64) {
    order_parameter_harmonic(phases_rad, 1)
}

/// `(r_m, ψ_m)` of `r_m e^{iψ_m} = ⟨e^{imθ}⟩` (m = 2 detects two-cluster states).
#[must_use]
pub fn order_parameter_harmonic(phases_rad: &[f64], m: u32) -> (f64, f64) {
    let (re, im) = mean_exp(phases_rad, f64::from(m));
    (re.hypot(im), dgnn_core::angle::wrap_pi(im.atan2(re)))
}

fn mean_exp(phases: &[f64], m: f64) -> (f64, f64) {
    let (mut re, mut im) = (0.0, 0.0);
    for &t in phases {
        let (s, c) = (m * t).sin_cos();
        re += c;
        im += s;
    }
    let n = phases.len().max(1) as f64;
    (re / n, im / n)
}

/// Rows per parallel work item of the dense coupling sum.
const ROWS_PER_TASK: usize = 64;
/// Below this size the dense sum runs on one thread.
const PARALLEL_FROM: usize = 512;

impl VectorField for PhaseNetwork {
    fn dim(&self) -> usize {
        self.omega.len()
    }

    fn eval(&self, _t: f64, theta: &[f64], dtheta: &mut [f64]) {
        let PairCoupling { a, b } = *self.pair;
        match &self.coupling {
            Coupling::MeanField { strength } => {
                let (z1r, z1i) = mean_exp(theta, 1.0);
                let (z2r, z2i) = if b.abs() > 0.0 { mean_exp(theta, 2.0) } else { (0.0, 0.0) };
                for ((d, &t), &w) in dtheta.iter_mut().zip(theta).zip(&self.omega) {
                    let (s, c) = t.sin_cos();
                    // Im(Z e^{−iθ}) = Im Z cos θ − Re Z sin θ; e^{−2iθ} from the double angle.
                    let first = z1i * c - z1r * s;
                    let (s2, c2) = (2.0 * s * c, c * c - s * s);
                    let second = z2i * c2 - z2r * s2;
                    *d = w + strength * (a * first + 2.0 * b * second);
                }
            }
            Coupling::Matrix(weights) => {
                let n = theta.len();
                let (sin, cos): (Vec<f64>, Vec<f64>) = theta.iter().map(|t| t.sin_cos()).unzip();
                let row = |i: usize| -> f64 {
                    dense_row(&weights[i * n..(i + 1) * n], &sin, &cos, sin[i], cos[i], a, b)
                        + self.omega[i]
                };
                if n >= PARALLEL_FROM {
                    dtheta.par_chunks_mut(ROWS_PER_TASK).enumerate().for_each(|(chunk, out)| {
                        for (k, d) in out.iter_mut().enumerate() {
                            *d = row(chunk * ROWS_PER_TASK + k);
                        }
                    });
                } else {
                    for (i, d) in dtheta.iter_mut().enumerate() {
                        *d = row(i);
                    }
                }
            }
        }
    }
}

/// `Σ_j w_j (a sin Δ_j + 2b sin 2Δ_j)` with `Δ_j = θ_j − θ_i`, from `sin θ`, `cos θ` by the
/// angle-difference formulas (`sin 2Δ = 2 sin Δ cos Δ`), eight lanes at a time with the lane sums
/// reduced in one fixed order (the same bits for any thread count, build target and CPU).
fn dense_row(w: &[f64], sin: &[f64], cos: &[f64], si: f64, ci: f64, a: f64, b: f64) -> f64 {
    let (si8, ci8) = (f64x8::splat(si), f64x8::splat(ci));
    let (a8, b4) = (f64x8::splat(a), f64x8::splat(4.0 * b));
    let mut lanes = f64x8::ZERO;
    // Whole groups of eight as arrays (the remainder is summed below): no fallback to take.
    let (w8, _) = w.as_chunks::<8>();
    let (sin8, _) = sin.as_chunks::<8>();
    let (cos8, _) = cos.as_chunks::<8>();
    for ((&wk, &sk), &ck) in w8.iter().zip(sin8).zip(cos8) {
        let (sj, cj) = (f64x8::from(sk), f64x8::from(ck));
        let sd = sj * ci8 - cj * si8;
        let cd = cj * ci8 + sj * si8;
        lanes = (f64x8::from(wk) * sd).mul_add(b4.mul_add(cd, a8), lanes);
    }
    let mut total = crate::simd::sum_in_fixed_order(lanes.to_array());
    for j in 8 * w8.len()..w.len() {
        let sd = sin[j] * ci - cos[j] * si;
        let cd = cos[j] * ci + sin[j] * si;
        total += w[j] * sd * (a + 4.0 * b * cd);
    }
    total
}

impl Sde for PhaseNetwork {
    fn dim(&self) -> usize {
        self.omega.len()
    }
    fn noise(&self) -> NoiseKind {
        NoiseKind::Additive
    }
    fn drift(&self, t: f64, x: &[f64], out: &mut [f64]) {
        self.eval(t, x, out);
    }
    fn diffusion(&self, _t: f64, _x: &[f64], out: &mut [f64]) {
        out.fill((2.0 * self.noise).sqrt());
    }
    fn drift_slope_bound(&self) -> Option<f64> {
        let n = self.omega.len();
        let largest_row_sum = match &self.coupling {
            Coupling::MeanField { strength } => strength.abs() * (n - 1) as f64 / n as f64,
            Coupling::Matrix(w) => (0..n)
                .map(|i| (0..n).filter(|&j| j != i).map(|j| w[i * n + j].abs()).sum::<f64>())
                .fold(0.0, f64::max),
        };
        Some(coupled_slope_bound(largest_row_sum, &self.pair))
    }
}

/// Unchecked settings of a network run; [`ParamGuard::check`] makes them the
/// `Valid<NetworkRunParams>` that [`simulate_network`] takes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NetworkRunParams {
    /// Step size (> 0).
    pub dt: f64,
    /// Number of steps (≥ 1).
    pub steps: usize,
    /// Record `r, ψ` every this many steps (≥ 1).
    pub record_every: usize,
    /// The SDE scheme when the network is noisy (RK4 is used without noise).
    pub scheme: Scheme,
}

impl Validate for NetworkRunParams {
    fn validate(&self) -> Result<(), ParamError> {
        positive("dt", self.dt)?;
        at_least("steps", self.steps, 1)?;
        at_least("record_every", self.record_every, 1)?;
        Ok(())
    }
}

/// The order parameter over time and the final phases of a network run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NetworkRun {
    /// Recording times.
    pub times: Vec<f64>,
    /// `r(t)`.
    pub r: Vec<f64>,
    /// `ψ(t)` in `[-π, π)`.
    pub psi: Vec<f64>,
    /// The phases at the end (unwrapped).
    pub final_phases: Vec<f64>,
}

/// The stream name of network noise.
pub const NETWORK_STREAM: &str = "dynamics/network";

/// Integrates a network from `theta0`: RK4 without noise, else `params.scheme` with increments
/// from `seed.stream("dynamics/network", &[0])`. Progress counts steps. A `dt` beyond the
/// scheme's stability limit for the network's coupling is refused before the first step
/// ([`check_step`]).
pub fn simulate_network(
    network: &PhaseNetwork,
    theta0: &[f64],
    params: &Valid<NetworkRunParams>,
    seed: Seed,
    progress: &dyn Progress,
) -> Result<NetworkRun> {
    check_phases("initial phases", theta0, network.len())?;
    check_scheme(network, &params.scheme)?;
    network.check_step(&params.scheme, params.dt)?;
    let mut theta = theta0.to_vec();
    let mut rng = seed.stream(NETWORK_STREAM, &[0]);
    let mut rk4 = Rk4Workspace::new(theta.len());
    let mut work = SdeWorkspace::new(theta.len());
    let mut noise = vec![NoiseIncrement::default(); theta.len()];
    let (r0, psi0) = order_parameter(&theta);
    let mut run =
        NetworkRun { times: vec![0.0], r: vec![r0], psi: vec![psi0], final_phases: vec![] };
    progress.start(params.steps as u64, "steps");
    for step in 0..params.steps {
        let t = step as f64 * params.dt;
        if network.noise > 0.0 {
            for n in noise.iter_mut() {
                *n = NoiseIncrement::sample(&mut rng, params.dt, params.scheme.needs_dz());
            }
            params.scheme.step(network, t, &mut theta, params.dt, &noise, &mut work);
        } else {
            rk4_step(network, t, &mut theta, params.dt, &mut rk4);
        }
        if let Some(&bad) = theta.iter().find(|v| !v.is_finite()) {
            return Err(DynamicsError::NonFinite {
                step: step + 1,
                time: t + params.dt,
                value: bad,
            });
        }
        if (step + 1).is_multiple_of(params.record_every) {
            let (r, psi) = order_parameter(&theta);
            run.times.push(t + params.dt);
            run.r.push(r);
            run.psi.push(psi);
            progress.advance(params.record_every as u64);
        }
    }
    progress.finish();
    run.final_phases = theta;
    Ok(run)
}

/// Checks that `phases` holds one finite phase per unit of a network of `units` units; the
/// error names `field` (or `field[i]`).
pub(crate) fn check_phases(field: &str, phases: &[f64], units: usize) -> Result<(), ParamError> {
    if phases.len() != units {
        return Err(ParamError::new(
            field,
            format!("{} values", phases.len()),
            format!("must hold one phase per unit ({units})"),
        ));
    }
    for (i, p) in phases.iter().enumerate() {
        finite(&format!("{field}[{i}]"), *p)?;
    }
    Ok(())
}

/// The infinite-N Kuramoto order parameter for Lorentzian frequencies of half-width Δ:
/// `r = sqrt(1 − 2Δ/K)` above `K_c = 2Δ`, 0 below (Kuramoto 1975; Ott & Antonsen 2008).
#[must_use]
pub fn lorentzian_order_parameter(coupling: f64, half_width: f64) -> f64 {
    let k_c = 2.0 * half_width;
    if coupling > k_c { (1.0 - k_c / coupling).sqrt() } else { 0.0 }
}

/// Deterministic Lorentzian quantiles `ω_i = center + γ tan(π((i + ½)/N − ½))` (symmetric,
/// reproducible; the frequencies of docs/benchmarks.md, W3).
#[must_use]
pub fn lorentzian_quantiles(n: usize, center: f64, half_width: f64) -> Vec<f64> {
    (0..n)
        .map(|i| {
            center + half_width * (std::f64::consts::PI * ((i as f64 + 0.5) / n as f64 - 0.5)).tan()
        })
        .collect()
}

/// Deterministic Gaussian quantiles `ω_i = center + σ Φ⁻¹((i + ½)/N)`, `Φ` the standard normal
/// distribution function (statrs' inverse): the Gaussian analogue of [`lorentzian_quantiles`],
/// symmetric about `center` and reproducible. `sigma` must be positive and finite.
pub fn gaussian_quantiles(n: usize, center: f64, sigma: f64) -> Result<Vec<f64>, ParamError> {
    let center = finite("center", center)?;
    let sigma = positive("sigma", sigma)?;
    let normal = statrs::distribution::Normal::new(center, sigma)
        .map_err(|e| ParamError::new("sigma", sigma, e.to_string()))?;
    Ok((0..n)
        .map(|i| {
            statrs::distribution::ContinuousCDF::inverse_cdf(&normal, (i as f64 + 0.5) / n as f64)
        })
        .collect())
}

/// `n` phases uniform on `[0, 2π)` from `seed.stream(stream, &[0])`.
#[must_use]
pub fn uniform_phases(seed: Seed, stream: &str, n: usize) -> Vec<f64> {
    let mut rng = seed.stream(stream, &[0]);
    (0..n).map(|_| std::f64::consts::TAU * rng.random::<f64>()).collect()
}

/// `n` phases from the wrapped normal distribution: `μ + σZ` with `Z ~ N(0, 1)`, wrapped onto
/// `[0, 2π)`, from `seed.stream(stream, &[0])`. Its mean direction is `μ = mean_rad` and its
/// mean resultant length `|⟨e^{iφ}⟩| = exp(−σ²/2)` (Mardia & Jupp 2000, §3.5.7): a partly
/// synchronised start of order parameter `r ≈ exp(−σ²/2)`. `sigma_rad` must be finite and ≥ 0.
pub fn wrapped_normal_phases(
    seed: Seed,
    stream: &str,
    n: usize,
    mean_rad: f64,
    sigma_rad: f64,
) -> Result<Vec<f64>, ParamError> {
    let mean_rad = finite("mean_rad", mean_rad)?;
    let sigma_rad = non_negative("sigma_rad", sigma_rad)?;
    let mut rng = seed.stream(stream, &[0]);
    Ok((0..n)
        .map(|_| {
            let z: f64 = rand_distr::Distribution::sample(&rand_distr::StandardNormal, &mut rng);
            dgnn_core::angle::wrap_two_pi(mean_rad + sigma_rad * z)
        })
        .collect())
}

/// `count` values evenly spaced from `low` to `high` inclusive (`[low]` when `count` is 1): the
/// coupling values of a sweep or the axis of a parameter map.
#[must_use]
pub fn evenly_spaced(low: f64, high: f64, count: usize) -> Vec<f64> {
    (0..count)
        .map(|i| if count == 1 { low } else { low + (high - low) * i as f64 / (count - 1) as f64 })
        .collect()
}
