//! W3 `kuramoto` (docs/benchmarks.md): the Kuramoto network with Lorentzian quantile frequencies
//! `ω_i = γ tan(π((i + ½)/N − ½))`, mean field, RK4: N = 2000, γ = 0.5 (K_c = 1), dt = 0.05,
//! 2000 steps, 13 values of K evenly in [0, 3], θ0 ~ U[0, 2π) shared by every K; r after every
//! step, reported r = mean of the last 500; theory `sqrt(1 − K_c/K)` above K_c.
//!
//! Timed: the sweep (SIMD mean field, one work item per K), the minimum over `--repeats` runs.
//! Also, as the peer: the naive O(N²) pairwise sum against the mean field on one K for a few
//! RK4 steps (seconds per step and the largest phase difference). The initial phases come from
//! dgnn's own stream (the peer's numpy stream cannot be matched bit for bit).
//!
//! `--freq gaussian` draws Gaussian quantile frequencies `ω_i = σ Φ⁻¹((i + ½)/N)` instead (σ from
//! `--sigma`, default sqrt(π/8) so that K_c = sqrt(8/π)σ = 1 as in W3); the theory is then the
//! numerically solved self-consistency equation of `dgnn_dynamics::kuramoto` (no peer runs it).

use super::{record, timed};
use dgnn_core::error::positive;
use dgnn_dynamics::kuramoto::{Gaussian, Lorentzian, QuantileDensity};
use dgnn_dynamics::network::{Coupling, PairCoupling, PhaseNetwork, evenly_spaced, uniform_phases};
use dgnn_dynamics::ode::integrate_rk4;
use dgnn_dynamics::simd::{KuramotoParams, kuramoto_mean_field};
use dgnn_dynamics::{NoProgress, ParamGuard, Seed};
use serde::Serialize;

/// Size flags of `dgnn bench kuramoto` (named as the peer's).
#[derive(Debug, Clone, clap::Args, Serialize)]
pub struct Params {
    /// Oscillators N.
    #[arg(long, default_value_t = 2000)]
    pub n: usize,
    /// Lorentzian half-width γ (K_c = 2γ), with `--freq lorentzian`.
    #[arg(long, default_value_t = 0.5)]
    pub gamma: f64,
    /// The density of the natural frequencies: lorentzian (W3, half-width `--gamma`) or gaussian
    /// (standard deviation `--sigma`). Recorded only when not the default.
    #[arg(long, value_enum, default_value_t = Frequencies::Lorentzian)]
    #[serde(skip_serializing_if = "Frequencies::is_lorentzian")]
    pub freq: Frequencies,
    /// Gaussian standard deviation σ with `--freq gaussian` (default sqrt(π/8) ≈ 0.6267, so
    /// K_c = sqrt(8/π)σ = 1).
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sigma: Option<f64>,
    /// RK4 step.
    #[arg(long, default_value_t = 0.05)]
    pub dt: f64,
    /// Steps.
    #[arg(long, default_value_t = 2000)]
    pub steps: usize,
    /// r is averaged over the last `avg` steps.
    #[arg(long, default_value_t = 500)]
    pub avg: usize,
    /// Smallest K.
    #[arg(long, default_value_t = 0.0)]
    pub k_min: f64,
    /// Largest K.
    #[arg(long, default_value_t = 3.0)]
    pub k_max: f64,
    /// Number of K values.
    #[arg(long, default_value_t = 13)]
    pub n_k: usize,
    /// Master seed (initial phases).
    #[arg(long, default_value_t = 12345)]
    pub seed: u64,
    /// Oscillators of the naive O(N²) comparison.
    #[arg(long, default_value_t = 2000)]
    pub naive_n: usize,
    /// RK4 steps of the naive comparison.
    #[arg(long, default_value_t = 10)]
    pub naive_steps: usize,
    /// K of the naive comparison.
    #[arg(long, default_value_t = 2.0)]
    pub naive_k: f64,
    /// Timed repetitions (the minimum is reported).
    #[arg(long, default_value_t = 2)]
    pub repeats: usize,
}

/// The choice of natural-frequency density (`--freq`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Frequencies {
    /// Lorentzian quantiles of half-width `--gamma` (W3).
    Lorentzian,
    /// Gaussian quantiles of standard deviation `--sigma`.
    Gaussian,
}

impl Frequencies {
    fn is_lorentzian(&self) -> bool {
        *self == Self::Lorentzian
    }
}

impl Params {
    /// The checked density of `--freq` with its width; `--sigma` belongs to `--freq gaussian`.
    fn density(&self) -> anyhow::Result<QuantileDensity> {
        Ok(match (self.freq, self.sigma) {
            (Frequencies::Lorentzian, None) => {
                QuantileDensity::Lorentzian(Lorentzian::new(positive("--gamma", self.gamma)?)?)
            }
            (Frequencies::Lorentzian, Some(_)) => {
                anyhow::bail!("--sigma sets the Gaussian width: add --freq gaussian or drop it")
            }
            (Frequencies::Gaussian, sigma) => {
                let sigma = sigma.unwrap_or((std::f64::consts::PI / 8.0).sqrt());
                QuantileDensity::Gaussian(Gaussian::new(positive("--sigma", sigma)?)?)
            }
        })
    }
}

#[derive(Serialize)]
struct Row {
    #[serde(rename = "K")]
    k: f64,
    r: f64,
    r_theory: f64,
}

#[derive(Serialize)]
struct Fields {
    seconds_all: Vec<f64>,
    #[serde(rename = "K_c")]
    k_c: f64,
    oscillator_steps_per_second: f64,
    #[serde(rename = "r_by_K")]
    r_by_k: Vec<Row>,
    #[serde(rename = "max_abs_err_vs_theory_K_gt_1p2Kc")]
    max_abs_err: f64,
    #[serde(rename = "r_below_Kc_max")]
    r_below_kc_max: f64,
    naive_n: usize,
    naive_steps: usize,
    naive_seconds_per_step: f64,
    #[serde(rename = "meanfield_1K_seconds_per_step")]
    meanfield_seconds_per_step: f64,
    naive_over_meanfield: f64,
    naive_vs_meanfield_max_abs_theta_diff: f64,
}

/// Runs the workload and returns its JSON record.
pub fn run(params: &Params) -> anyhow::Result<serde_json::Value> {
    let seed = Seed(params.seed);
    let density = params.density()?;
    let couplings = evenly_spaced(params.k_min, params.k_max, params.n_k);
    let sweep = KuramotoParams {
        omega: density.quantiles(params.n, 0.0)?,
        theta0: uniform_phases(seed, "bench/kuramoto-initial", params.n),
        couplings,
        dt: params.dt,
        steps: params.steps,
        average: params.avg,
    }
    .check()?;
    let mut seconds_all = Vec::new();
    let mut points = Vec::new();
    for _ in 0..params.repeats.max(1) {
        let (out, seconds) = timed(|| kuramoto_mean_field(&sweep, &NoProgress));
        points = out;
        seconds_all.push(seconds);
    }
    let seconds = seconds_all.iter().copied().fold(f64::INFINITY, f64::min);
    let k_c = density.critical_coupling();
    let rows = points
        .iter()
        .map(|p| Ok(Row { k: p.k, r: p.r_mean, r_theory: density.order_parameter(p.k)? }))
        .collect::<anyhow::Result<Vec<Row>>>()?;
    let max_abs_err = rows
        .iter()
        .filter(|r| r.k > 1.2 * k_c)
        .map(|r| (r.r - r.r_theory).abs())
        .fold(0.0, f64::max);
    let r_below_kc_max = rows.iter().filter(|r| r.k < k_c).map(|r| r.r).fold(0.0, f64::max);

    // Naive O(N²) pairwise coupling against the O(N) mean field, same state, one K.
    let omega = density.quantiles(params.naive_n, 0.0)?;
    let theta0 = uniform_phases(seed, "bench/kuramoto-naive", params.naive_n);
    let pair = PairCoupling::KURAMOTO;
    let naive_net = PhaseNetwork::new(
        omega.clone(),
        Coupling::Matrix(vec![
            params.naive_k / params.naive_n as f64;
            params.naive_n * params.naive_n
        ]),
        pair,
        0.0,
    )?;
    let mf_net =
        PhaseNetwork::new(omega, Coupling::MeanField { strength: params.naive_k }, pair, 0.0)?;
    let steps = params.naive_steps;
    let (naive, naive_seconds) =
        timed(|| integrate_rk4(&naive_net, 0.0, &theta0, params.dt, steps, steps.max(1)));
    let (mf, mf_seconds) =
        timed(|| integrate_rk4(&mf_net, 0.0, &theta0, params.dt, steps, steps.max(1)));
    let (naive, mf) = (naive?, mf?);
    let diff = naive
        .last()
        .zip(mf.last())
        .map_or(0.0, |(a, b)| a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f64::max));
    let per_step = |s: f64| s / steps.max(1) as f64;
    let fields = Fields {
        seconds_all: seconds_all.iter().map(|x| (x * 1e4).round() / 1e4).collect(),
        k_c,
        oscillator_steps_per_second: (params.n * params.n_k * params.steps) as f64 / seconds,
        r_by_k: rows,
        max_abs_err,
        r_below_kc_max,
        naive_n: params.naive_n,
        naive_steps: steps,
        naive_seconds_per_step: per_step(naive_seconds),
        meanfield_seconds_per_step: per_step(mf_seconds),
        naive_over_meanfield: naive_seconds / mf_seconds,
        naive_vs_meanfield_max_abs_theta_diff: diff,
    };
    Ok(record("kuramoto", params, seconds, &fields)?)
}
