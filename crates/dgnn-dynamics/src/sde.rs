//! Stochastic differential equations and fixed-step integrators of known strong order.
//!
//! Systems are Itô SDEs `dx_i = f_i(t, x) dt + g_i(t, x) dW_i` with *diagonal* noise (each
//! component driven by its own Wiener process; diagonal noise is commutative) or *additive* noise
//! (`g` independent of `x`). The schemes (Kloeden & Platen, *Numerical Solution of SDEs*, 1992;
//! Rößler 2010, SIAM J Numer Anal 48:922):
//!
//! | scheme | update | strong order |
//! |---|---|---|
//! | [`EulerMaruyama`] | `x + f h + g ΔW` | 0.5 (1.0 for additive noise) |
//! | [`Milstein`] | `x + f h + g ΔW + ½ g ∂g (ΔW² − h)` | 1.0 |
//! | [`StochasticHeun`] | predictor `x̄ = x + f h + g ΔW`, `x + ½(f + f̄) h + ½(g + ḡ) ΔW` | 1.0 (Stratonovich, commutative noise) |
//! | [`Sra1`] | Rößler's SRA1, two drift stages using `ΔZ = ∫∫ dW ds` | 1.5 (additive noise) |
//!
//! Stochastic Heun converges to the *Stratonovich* solution; the others to the Itô solution
//! (the two agree for additive noise). The noise of one step is a [`NoiseIncrement`]
//! `(ΔW, ΔZ)` with `ΔW ~ N(0, h)`, `ΔZ = ∫_t^{t+h} (W(s) − W(t)) ds`, `Var ΔZ = h³/3`,
//! `Cov(ΔW, ΔZ) = h²/2` (Kloeden & Platen §10.4). A [`BrownianPath`] holds fine increments
//! and sums them exactly into coarse ones, which is how the convergence tests refine one path.
//!
//! The Ornstein–Uhlenbeck process `dx = θ(μ − x) dt + σ dW` ([`OrnsteinUhlenbeck`]) has the
//! exact step `x' = μ + (x − μ) e^{−θh} + σ sqrt((1 − e^{−2θh})/(2θ)) Z` and stationary variance
//! `σ²/(2θ)` (Gillespie 1996, Phys Rev E 54:2084).

use crate::error::{DynamicsError, Result};
use crate::ode::VectorField;
use crate::potential::Potential;
use dgnn_core::ParamError;
use dgnn_core::error::{at_least, finite, non_negative, positive, show_number};
use rand::Rng;
use rand_distr::{Distribution, StandardNormal};
use serde::{Deserialize, Serialize};

/// The structure of the noise of an SDE.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NoiseKind {
    /// `g` does not depend on the state.
    Additive,
    /// `g_i` depends on the state (diagonal, hence commutative, noise).
    Diagonal,
}

/// An SDE `dx_i = f_i(t, x) dt + g_i(t, x) dW_i` with diagonal or additive noise.
pub trait Sde: Sync {
    /// The dimension of the state.
    fn dim(&self) -> usize;
    /// Whether `g` depends on the state.
    fn noise(&self) -> NoiseKind;
    /// Writes the drift `f(t, x)` into `out`.
    fn drift(&self, t: f64, x: &[f64], out: &mut [f64]);
    /// Writes the diagonal diffusion `g(t, x)` into `out`.
    fn diffusion(&self, t: f64, x: &[f64], out: &mut [f64]);
    /// Writes `∂g_i/∂x_i` into `out` (Milstein's correction). The default is 0, right for
    /// additive noise; multiplicative systems must override it.
    fn diffusion_derivative(&self, t: f64, x: &[f64], out: &mut [f64]) {
        let _ = (t, x);
        out.fill(0.0);
    }
    /// The noise intensity `g_i²` of `component` when the noise is additive; `None` for
    /// state-dependent noise or a component outside the system. The default evaluates `g` at
    /// `t = 0` in the zero state; a system that stores its intensity (a phase SDE's `Q`) returns
    /// it exactly.
    fn additive_intensity(&self, component: usize) -> Option<f64> {
        if self.noise() != NoiseKind::Additive || component >= self.dim() {
            return None;
        }
        let zeros = vec![0.0; self.dim()];
        let mut g = vec![0.0; self.dim()];
        self.diffusion(0.0, &zeros, &mut g);
        Some(g[component] * g[component])
    }
    /// An upper bound on the drift's slope over every state (a Lipschitz constant of `f`, which
    /// bounds the magnitude of every eigenvalue of its Jacobian), as [`check_step`] compares
    /// with a scheme's stability limit; `None` (the default) when the system does not know one,
    /// and then no step is refused. A phase SDE gives `max |U″|`.
    fn drift_slope_bound(&self) -> Option<f64> {
        None
    }
}

impl<S: Sde + ?Sized> Sde for &S {
    fn dim(&self) -> usize {
        (**self).dim()
    }
    fn noise(&self) -> NoiseKind {
        (**self).noise()
    }
    fn drift(&self, t: f64, x: &[f64], out: &mut [f64]) {
        (**self).drift(t, x, out);
    }
    fn diffusion(&self, t: f64, x: &[f64], out: &mut [f64]) {
        (**self).diffusion(t, x, out);
    }
    fn diffusion_derivative(&self, t: f64, x: &[f64], out: &mut [f64]) {
        (**self).diffusion_derivative(t, x, out);
    }
    fn additive_intensity(&self, component: usize) -> Option<f64> {
        (**self).additive_intensity(component)
    }
    fn drift_slope_bound(&self) -> Option<f64> {
        (**self).drift_slope_bound()
    }
}

/// The phase SDE of a landscape, `dφ = −U′(φ) dt + sqrt(Q) dW` (Schöner, Haken & Kelso 1986).
#[derive(Debug, Clone)]
pub struct PhaseSde<P> {
    potential: P,
    q: f64,
    sqrt_q: f64,
}

impl<P: Potential> PhaseSde<P> {
    /// The SDE of `potential` with noise intensity `q ≥ 0`.
    pub fn new(potential: P, q: f64) -> Result<Self, ParamError> {
        let q = non_negative("q", q)?;
        Ok(Self { potential, q, sqrt_q: q.sqrt() })
    }
    /// The landscape.
    pub fn potential(&self) -> &P {
        &self.potential
    }
    /// The noise intensity `Q`.
    #[must_use]
    pub fn q(&self) -> f64 {
        self.q
    }
}

impl<P: Potential> Sde for PhaseSde<P> {
    fn dim(&self) -> usize {
        1
    }
    fn noise(&self) -> NoiseKind {
        NoiseKind::Additive
    }
    fn drift(&self, _t: f64, x: &[f64], out: &mut [f64]) {
        out[0] = self.potential.drift(x[0]);
    }
    fn diffusion(&self, _t: f64, _x: &[f64], out: &mut [f64]) {
        out[0] = self.sqrt_q;
    }
    fn additive_intensity(&self, component: usize) -> Option<f64> {
        (component == 0).then_some(self.q)
    }
    fn drift_slope_bound(&self) -> Option<f64> {
        Some(self.potential.max_curvature())
    }
}

/// A deterministic field with constant additive noise amplitudes, `dx_i = f_i dt + σ_i dW_i`.
#[derive(Debug, Clone)]
pub struct AdditiveSde<F> {
    field: F,
    sigma: Vec<f64>,
}

impl<F: VectorField> AdditiveSde<F> {
    /// `field` plus noise amplitudes `sigma` (one per component, each finite and ≥ 0).
    pub fn new(field: F, sigma: Vec<f64>) -> Result<Self, ParamError> {
        if sigma.len() != field.dim() {
            return Err(ParamError::new(
                "sigma",
                format!("{} values", sigma.len()),
                format!("must hold one amplitude per component ({})", field.dim()),
            ));
        }
        for (i, s) in sigma.iter().enumerate() {
            non_negative(&format!("sigma[{i}]"), *s)?;
        }
        Ok(Self { field, sigma })
    }
}

impl<F: VectorField> Sde for AdditiveSde<F> {
    fn dim(&self) -> usize {
        self.field.dim()
    }
    fn noise(&self) -> NoiseKind {
        NoiseKind::Additive
    }
    fn drift(&self, t: f64, x: &[f64], out: &mut [f64]) {
        self.field.eval(t, x, out);
    }
    fn diffusion(&self, _t: f64, _x: &[f64], out: &mut [f64]) {
        out.copy_from_slice(&self.sigma);
    }
}

/// The Ornstein–Uhlenbeck process `dx = θ(μ − x) dt + σ dW`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct OrnsteinUhlenbeck {
    theta: f64,
    mu: f64,
    sigma: f64,
}

impl OrnsteinUhlenbeck {
    /// An OU process with rate `theta > 0`, mean `mu` and amplitude `sigma ≥ 0`.
    pub fn new(theta: f64, mu: f64, sigma: f64) -> Result<Self, ParamError> {
        Ok(Self {
            theta: positive("theta", theta)?,
            mu: finite("mu", mu)?,
            sigma: non_negative("sigma", sigma)?,
        })
    }
    /// The exact transition over `dt`: `μ + (x − μ)e^{−θ dt} + σ sqrt((1 − e^{−2θ dt})/(2θ))·z`
    /// with `z ~ N(0, 1)`.
    #[must_use]
    pub fn exact_step(&self, x: f64, dt: f64, z: f64) -> f64 {
        let decay = (-self.theta * dt).exp();
        let sd = self.sigma * (-(-2.0 * self.theta * dt).exp_m1() / (2.0 * self.theta)).sqrt();
        self.mu + (x - self.mu) * decay + sd * z
    }
    /// The stationary variance `σ²/(2θ)`.
    #[must_use]
    pub fn stationary_variance(&self) -> f64 {
        self.sigma * self.sigma / (2.0 * self.theta)
    }
}

impl Sde for OrnsteinUhlenbeck {
    fn dim(&self) -> usize {
        1
    }
    fn noise(&self) -> NoiseKind {
        NoiseKind::Additive
    }
    fn drift(&self, _t: f64, x: &[f64], out: &mut [f64]) {
        out[0] = self.theta * (self.mu - x[0]);
    }
    fn drift_slope_bound(&self) -> Option<f64> {
        Some(self.theta)
    }
    fn diffusion(&self, _t: f64, _x: &[f64], out: &mut [f64]) {
        out[0] = self.sigma;
    }
}

/// The Wiener increments of one step for one component.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct NoiseIncrement {
    /// `ΔW = W(t + h) − W(t)`.
    pub dw: f64,
    /// `ΔZ = ∫_t^{t+h} (W(s) − W(t)) ds` (used by [`Sra1`]; 0 when a scheme does not need it).
    pub dz: f64,
}

impl NoiseIncrement {
    /// Draws `(ΔW, ΔZ)` for a step `dt` with the exact joint law
    /// `ΔW = sqrt(h) ξ₁`, `ΔZ = ½ h^{3/2} (ξ₁ + ξ₂/√3)`.
    pub fn sample<R: Rng + ?Sized>(rng: &mut R, dt: f64, with_dz: bool) -> Self {
        let xi1: f64 = StandardNormal.sample(rng);
        let dw = dt.sqrt() * xi1;
        if !with_dz {
            return Self { dw, dz: 0.0 };
        }
        let xi2: f64 = StandardNormal.sample(rng);
        Self { dw, dz: 0.5 * dt * dt.sqrt() * (xi1 + xi2 / 3f64.sqrt()) }
    }
}

/// Scratch space for the integrators, reusable across steps.
#[derive(Debug, Clone, Default)]
pub struct SdeWorkspace {
    f0: Vec<f64>,
    g0: Vec<f64>,
    dg0: Vec<f64>,
    stage: Vec<f64>,
    f1: Vec<f64>,
    g1: Vec<f64>,
}

impl SdeWorkspace {
    /// Scratch space for systems of dimension `dim`.
    #[must_use]
    pub fn new(dim: usize) -> Self {
        let v = || vec![0.0; dim];
        Self { f0: v(), g0: v(), dg0: v(), stage: v(), f1: v(), g1: v() }
    }

    fn fit(&mut self, dim: usize) {
        if self.f0.len() != dim {
            *self = Self::new(dim);
        }
    }
}

/// A fixed-step SDE integrator. Implement it to plug in a new scheme.
pub trait Integrator: Sync {
    /// A short name (`"euler-maruyama"` …).
    fn name(&self) -> &'static str;
    /// Whether the scheme needs [`NoiseIncrement::dz`].
    fn needs_dz(&self) -> bool {
        false
    }
    /// Whether the scheme converges for this noise structure.
    fn supports(&self, noise: NoiseKind) -> bool {
        let _ = noise;
        true
    }
    /// The strong order of convergence for this noise structure.
    fn strong_order(&self, noise: NoiseKind) -> f64;
    /// The stability limit of the scheme's deterministic part on the negative real axis: the
    /// largest `h·λ` for which a step of `x′ = −λx` does not grow (2 for Euler and for every
    /// two-stage second-order Runge–Kutta scheme, whose amplification is `1 − z + z²/2`;
    /// [`crate::ode::RK4_STABILITY_LIMIT`] for RK4). [`check_step`] refuses a step beyond it;
    /// `None` (the default) checks nothing.
    fn stability_limit(&self) -> Option<f64> {
        None
    }
    /// Advances `x` from `t` by `dt` with the given per-component increments.
    fn step<S: Sde + ?Sized>(
        &self,
        sde: &S,
        t: f64,
        x: &mut [f64],
        dt: f64,
        noise: &[NoiseIncrement],
        work: &mut SdeWorkspace,
    );
}

/// The stability limit of the explicit schemes of this module: `h·λ ≤ 2` on `x′ = −λx`.
pub const EXPLICIT_STABILITY_LIMIT: f64 = 2.0;

/// Checks a step `dt` of an explicit scheme against its stability: refuses, as an error on
/// `dt` with the numbers and a step to use instead, a `dt` whose product with the drift's
/// steepest slope ([`Sde::drift_slope_bound`], `max |U″|` for a phase SDE) exceeds the scheme's
/// stability limit (`limit`, e.g. [`Integrator::stability_limit`]), and a slope that is not
/// finite. Beyond the limit an attractor's neighbourhood is thrown further away at every step,
/// and the run reports numbers of the scheme, not of the system (issue 14: `Hkb(a: 1e3)` with
/// `dt = 0.01` gave a mean frequency of 17 where the exact one is 0). Nothing is checked when
/// the system knows no slope bound or the scheme no limit.
///
/// # Errors
/// A [`ParamError`] on `dt` (callers prefix their config path with [`ParamError::within`]).
pub fn check_step(slope: Option<f64>, limit: Option<f64>, dt: f64) -> Result<(), ParamError> {
    let (Some(slope), Some(limit)) = (slope, limit) else { return Ok(()) };
    if !slope.is_finite() {
        return Err(ParamError::new(
            "dt",
            show_number(dt),
            format!(
                "cannot be checked for stability: the drift's steepest slope (max |U″| for a \
                 landscape) is {slope}: use coefficients whose curvature is a finite number"
            ),
        ));
    }
    if dt * slope > limit {
        let suggested = suggested_step(slope, limit);
        return Err(ParamError::new(
            "dt",
            show_number(dt),
            format!(
                "is beyond the explicit scheme's stability limit: dt · (steepest drift slope \
                 {slope:.4e}) = {:.4e} > {limit}; use dt ≤ {suggested:e} (a tenth of the limit \
                 {:.4e}), or soften the landscape",
                dt * slope,
                limit / slope
            ),
        ));
    }
    Ok(())
}

/// The step [`check_step`] suggests for a drift slope and a stability limit: a tenth of the
/// limit (stable, and within about a percent of the exact relaxation per step), rounded down to
/// one significant digit.
#[must_use]
pub fn suggested_step(slope: f64, limit: f64) -> f64 {
    round_down_1_digit(0.1 * limit / slope)
}

/// `x` rounded down to one significant digit (`0.0234 → 0.02`), for a suggested step.
fn round_down_1_digit(x: f64) -> f64 {
    if !(x.is_finite() && x > 0.0) {
        return x;
    }
    let scale = 10f64.powf(x.log10().floor());
    let rounded = (x / scale).floor() * scale;
    if rounded > 0.0 { rounded } else { x }
}

/// [`check_step`] for `sde` integrated with `scheme` at `dt`.
///
/// # Errors
/// As [`check_step`].
pub fn check_scheme_step<S: Sde + ?Sized, I: Integrator + ?Sized>(
    sde: &S,
    scheme: &I,
    dt: f64,
) -> Result<(), ParamError> {
    check_step(sde.drift_slope_bound(), scheme.stability_limit(), dt)
}

/// Checks that `scheme` converges for the noise of `sde`.
pub fn check_scheme<S: Sde + ?Sized, I: Integrator + ?Sized>(sde: &S, scheme: &I) -> Result<()> {
    if scheme.supports(sde.noise()) {
        Ok(())
    } else {
        Err(DynamicsError::SchemeNeedsAdditiveNoise { scheme: scheme.name() })
    }
}

/// Euler–Maruyama: strong order 0.5, or 1.0 for additive noise.
#[derive(Debug, Clone, Copy, Default)]
pub struct EulerMaruyama;

impl Integrator for EulerMaruyama {
    fn name(&self) -> &'static str {
        "euler-maruyama"
    }
    fn stability_limit(&self) -> Option<f64> {
        Some(EXPLICIT_STABILITY_LIMIT)
    }
    fn strong_order(&self, noise: NoiseKind) -> f64 {
        match noise {
            NoiseKind::Additive => 1.0,
            NoiseKind::Diagonal => 0.5,
        }
    }
    fn step<S: Sde + ?Sized>(
        &self,
        sde: &S,
        t: f64,
        x: &mut [f64],
        dt: f64,
        noise: &[NoiseIncrement],
        work: &mut SdeWorkspace,
    ) {
        work.fit(x.len());
        sde.drift(t, x, &mut work.f0);
        sde.diffusion(t, x, &mut work.g0);
        for i in 0..x.len() {
            x[i] += work.f0[i] * dt + work.g0[i] * noise[i].dw;
        }
    }
}

/// Milstein (Itô, diagonal noise): strong order 1.0.
#[derive(Debug, Clone, Copy, Default)]
pub struct Milstein;

impl Integrator for Milstein {
    fn name(&self) -> &'static str {
        "milstein"
    }
    fn stability_limit(&self) -> Option<f64> {
        Some(EXPLICIT_STABILITY_LIMIT)
    }
    fn strong_order(&self, _noise: NoiseKind) -> f64 {
        1.0
    }
    fn step<S: Sde + ?Sized>(
        &self,
        sde: &S,
        t: f64,
        x: &mut [f64],
        dt: f64,
        noise: &[NoiseIncrement],
        work: &mut SdeWorkspace,
    ) {
        work.fit(x.len());
        sde.drift(t, x, &mut work.f0);
        sde.diffusion(t, x, &mut work.g0);
        sde.diffusion_derivative(t, x, &mut work.dg0);
        for i in 0..x.len() {
            let dw = noise[i].dw;
            x[i] +=
                work.f0[i] * dt + work.g0[i] * dw + 0.5 * work.g0[i] * work.dg0[i] * (dw * dw - dt);
        }
    }
}

/// Stochastic Heun (the Stratonovich trapezoidal predictor–corrector): strong order 1.0 for
/// commutative noise, converging to the Stratonovich solution.
#[derive(Debug, Clone, Copy, Default)]
pub struct StochasticHeun;

impl Integrator for StochasticHeun {
    fn name(&self) -> &'static str {
        "heun"
    }
    fn stability_limit(&self) -> Option<f64> {
        Some(EXPLICIT_STABILITY_LIMIT)
    }
    fn strong_order(&self, _noise: NoiseKind) -> f64 {
        1.0
    }
    fn step<S: Sde + ?Sized>(
        &self,
        sde: &S,
        t: f64,
        x: &mut [f64],
        dt: f64,
        noise: &[NoiseIncrement],
        work: &mut SdeWorkspace,
    ) {
        work.fit(x.len());
        let SdeWorkspace { f0, g0, stage, f1, g1, .. } = work;
        sde.drift(t, x, f0);
        sde.diffusion(t, x, g0);
        for i in 0..x.len() {
            stage[i] = x[i] + f0[i] * dt + g0[i] * noise[i].dw;
        }
        sde.drift(t + dt, stage, f1);
        sde.diffusion(t + dt, stage, g1);
        for i in 0..x.len() {
            x[i] += 0.5 * (f0[i] + f1[i]) * dt + 0.5 * (g0[i] + g1[i]) * noise[i].dw;
        }
    }
}

/// Rößler's SRA1 (Rößler 2010, SIAM J Numer Anal 48:922, table of SRA1): strong order 1.5 for
/// additive noise. Tableau: `c⁰ = (0, ¾)`, `A⁰₂₁ = ¾`, `B⁰₂₁ = 3/2`, `α = (⅓, ⅔)`,
/// `c¹ = (1, 0)`, `β¹ = (1, 0)`, `β² = (−1, 1)`:
/// `H₂ = x + ¾ h f(t, x) + 3/2 g(t+h) ΔZ/h`,
/// `x' = x + h(⅓ f(t, x) + ⅔ f(t + ¾h, H₂)) + g(t+h)(ΔW − ΔZ/h) + g(t) ΔZ/h`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sra1;

impl Integrator for Sra1 {
    fn name(&self) -> &'static str {
        "sra1"
    }
    fn stability_limit(&self) -> Option<f64> {
        Some(EXPLICIT_STABILITY_LIMIT)
    }
    fn needs_dz(&self) -> bool {
        true
    }
    fn supports(&self, noise: NoiseKind) -> bool {
        noise == NoiseKind::Additive
    }
    fn strong_order(&self, _noise: NoiseKind) -> f64 {
        1.5
    }
    fn step<S: Sde + ?Sized>(
        &self,
        sde: &S,
        t: f64,
        x: &mut [f64],
        dt: f64,
        noise: &[NoiseIncrement],
        work: &mut SdeWorkspace,
    ) {
        work.fit(x.len());
        let SdeWorkspace { f0, g0, stage, f1, g1, .. } = work;
        sde.drift(t, x, f0);
        sde.diffusion(t + dt, x, g1);
        sde.diffusion(t, x, g0);
        for i in 0..x.len() {
            stage[i] = x[i] + 0.75 * dt * f0[i] + 1.5 * g1[i] * noise[i].dz / dt;
        }
        sde.drift(t + 0.75 * dt, stage, f1);
        for i in 0..x.len() {
            let (dw, dz_h) = (noise[i].dw, noise[i].dz / dt);
            x[i] += dt * (f0[i] / 3.0 + 2.0 * f1[i] / 3.0) + g1[i] * (dw - dz_h) + g0[i] * dz_h;
        }
    }
}

/// The built-in schemes by name, for configs (RON: `EulerMaruyama`, `Milstein`, `Heun`, `Sra1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Scheme {
    /// [`EulerMaruyama`].
    #[default]
    EulerMaruyama,
    /// [`Milstein`].
    Milstein,
    /// [`StochasticHeun`].
    Heun,
    /// [`Sra1`].
    Sra1,
}

/// Runs `$body` with `$s` bound to the scheme value behind a [`Scheme`].
macro_rules! with_scheme {
    ($scheme:expr, $s:ident => $body:expr) => {
        match $scheme {
            Scheme::EulerMaruyama => {
                let $s = EulerMaruyama;
                $body
            }
            Scheme::Milstein => {
                let $s = Milstein;
                $body
            }
            Scheme::Heun => {
                let $s = StochasticHeun;
                $body
            }
            Scheme::Sra1 => {
                let $s = Sra1;
                $body
            }
        }
    };
}

impl Integrator for Scheme {
    fn name(&self) -> &'static str {
        with_scheme!(self, s => s.name())
    }
    fn needs_dz(&self) -> bool {
        with_scheme!(self, s => s.needs_dz())
    }
    fn supports(&self, noise: NoiseKind) -> bool {
        with_scheme!(self, s => s.supports(noise))
    }
    fn strong_order(&self, noise: NoiseKind) -> f64 {
        with_scheme!(self, s => s.strong_order(noise))
    }
    fn stability_limit(&self) -> Option<f64> {
        with_scheme!(self, s => s.stability_limit())
    }
    fn step<S: Sde + ?Sized>(
        &self,
        sde: &S,
        t: f64,
        x: &mut [f64],
        dt: f64,
        noise: &[NoiseIncrement],
        work: &mut SdeWorkspace,
    ) {
        with_scheme!(self, s => s.step(sde, t, x, dt, noise, work));
    }
}

/// A sampled Brownian path: `steps` increments of `dt` for each of `dim` components, with the
/// integrals `ΔZ` so that any scheme can be driven by it and coarsened exactly.
#[derive(Debug, Clone, PartialEq)]
pub struct BrownianPath {
    dt: f64,
    dim: usize,
    /// Row-major: step `k`, component `i` at `k·dim + i`.
    increments: Vec<NoiseIncrement>,
}

impl BrownianPath {
    /// Samples a path of `steps` increments of `dt` in `dim` components.
    pub fn sample<R: Rng + ?Sized>(rng: &mut R, dim: usize, dt: f64, steps: usize) -> Self {
        let increments = (0..steps * dim).map(|_| NoiseIncrement::sample(rng, dt, true)).collect();
        Self { dt, dim, increments }
    }

    /// The step size.
    #[must_use]
    pub fn dt(&self) -> f64 {
        self.dt
    }

    /// The number of components.
    #[must_use]
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// The number of steps.
    #[must_use]
    pub fn steps(&self) -> usize {
        self.increments.len() / self.dim.max(1)
    }

    /// The increments of step `k` (one per component).
    #[must_use]
    pub fn step(&self, k: usize) -> &[NoiseIncrement] {
        &self.increments[k * self.dim..(k + 1) * self.dim]
    }

    /// The same path on a grid `factor` times coarser: `ΔW` summed, and
    /// `ΔZ = Σ_k [(W_k − W_start) h + ΔZ_k]` (exact, no new randomness).
    pub fn coarsen(&self, factor: usize) -> Result<Self, ParamError> {
        if factor == 0 || !self.steps().is_multiple_of(factor) {
            return Err(ParamError::new(
                "factor",
                factor,
                format!("must divide the number of steps ({})", self.steps()),
            ));
        }
        let coarse_steps = self.steps() / factor;
        let mut increments = Vec::with_capacity(coarse_steps * self.dim);
        for c in 0..coarse_steps {
            for i in 0..self.dim {
                let (mut w, mut z) = (0.0, 0.0);
                for k in c * factor..(c + 1) * factor {
                    let inc = self.increments[k * self.dim + i];
                    z += w * self.dt + inc.dz;
                    w += inc.dw;
                }
                increments.push(NoiseIncrement { dw: w, dz: z });
            }
        }
        Ok(Self { dt: self.dt * factor as f64, dim: self.dim, increments })
    }

    /// `W(T) − W(0)` for each component.
    #[must_use]
    pub fn total(&self) -> Vec<f64> {
        (0..self.dim)
            .map(|i| (0..self.steps()).map(|k| self.increments[k * self.dim + i].dw).sum())
            .collect()
    }
}

/// Checks that `x0` holds one finite value per component of a system of dimension `dim`.
fn check_start(x0: &[f64], dim: usize) -> Result<(), ParamError> {
    if x0.len() != dim {
        return Err(ParamError::new(
            "x0",
            format!("{} values", x0.len()),
            format!("must hold one value per component of the system ({dim})"),
        ));
    }
    for (i, v) in x0.iter().enumerate() {
        finite(&format!("x0[{i}]"), *v)?;
    }
    Ok(())
}

/// Integrates `sde` along a given Brownian path from `x0` at `t = 0`; returns the final state.
///
/// Errors: [`DynamicsError::Param`] when `x0` or the path does not have the system's dimension
/// (or `x0` is not finite), [`DynamicsError::SchemeNeedsAdditiveNoise`].
pub fn integrate_along<S: Sde + ?Sized, I: Integrator + ?Sized>(
    sde: &S,
    scheme: &I,
    x0: &[f64],
    path: &BrownianPath,
) -> Result<Vec<f64>> {
    check_scheme(sde, scheme)?;
    check_start(x0, sde.dim())?;
    if path.dim() != sde.dim() {
        return Err(ParamError::new(
            "path",
            format!("{} components", path.dim()),
            format!("must have one Wiener component per component of the system ({})", sde.dim()),
        )
        .into());
    }
    let mut x = x0.to_vec();
    let mut work = SdeWorkspace::new(x.len());
    for k in 0..path.steps() {
        scheme.step(sde, k as f64 * path.dt(), &mut x, path.dt(), path.step(k), &mut work);
    }
    Ok(x)
}

/// A stored trajectory: times and states.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Path {
    /// The times of the stored states.
    pub times: Vec<f64>,
    /// The stored states (one vector per time).
    pub states: Vec<Vec<f64>>,
}

/// Integrates one trajectory of `sde` from `x0` over `steps` steps of `dt` with increments from
/// `rng`, storing every `record_every`-th state (`≥ 1`; and the first).
///
/// Errors: [`DynamicsError::Param`] for a bad `dt` (also one beyond the scheme's stability limit
/// for the system, [`check_scheme_step`]) or `record_every`, or an `x0` that does not
/// hold one finite value per component of the system; [`DynamicsError::SchemeNeedsAdditiveNoise`];
/// [`DynamicsError::NonFinite`] if the state leaves the finite numbers.
pub fn simulate_path<S: Sde + ?Sized, I: Integrator + ?Sized, R: Rng + ?Sized>(
    sde: &S,
    scheme: &I,
    x0: &[f64],
    dt: f64,
    steps: usize,
    record_every: usize,
    rng: &mut R,
) -> Result<Path> {
    check_scheme(sde, scheme)?;
    check_start(x0, sde.dim())?;
    let dt = positive("dt", dt)?;
    check_scheme_step(sde, scheme, dt)?;
    let every = at_least("record_every", record_every, 1)?;
    let mut x = x0.to_vec();
    let mut work = SdeWorkspace::new(x.len());
    let mut noise = vec![NoiseIncrement::default(); x.len()];
    let mut path = Path { times: vec![0.0], states: vec![x.clone()] };
    for step in 0..steps {
        for n in noise.iter_mut() {
            *n = NoiseIncrement::sample(rng, dt, scheme.needs_dz());
        }
        let t = step as f64 * dt;
        scheme.step(sde, t, &mut x, dt, &noise, &mut work);
        if let Some(&bad) = x.iter().find(|v| !v.is_finite()) {
            return Err(DynamicsError::NonFinite { step: step + 1, time: t + dt, value: bad });
        }
        if (step + 1).is_multiple_of(every) {
            path.times.push(t + dt);
            path.states.push(x.clone());
        }
    }
    Ok(path)
}
