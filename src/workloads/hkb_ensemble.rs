//! W1 `hkb-ensemble` (docs/benchmarks.md): the extended HKB phase SDE by Euler–Maruyama over an
//! ensemble, `φ += (δω − a sin φ − 2b sin 2φ)·dt + sqrt(Q·dt)·N(0,1)`, a = 1, b = 0.5, δω = 0,
//! Q = 0.5, dt = 0.01, 10 000 trajectories × 10 000 steps, φ0 ~ U[−π, π), never wrapped while
//! integrating; final φ wrapped into a 64-bin density histogram compared with the exact
//! stationary density (bin averages of a 256-point midpoint grid per bin, as the peer).
//!
//! Timed: the integration only, the minimum over `--repeats` runs, in f64 and in f32. This
//! workload benchmarks the SIMD kernel of `dgnn_dynamics::simd` itself (the kernel that
//! `dgnn_dynamics::ensemble::run_phase_ensemble` chooses for this landscape, scheme and start),
//! so it calls the kernel directly. The flags and result fields mirror the numpy peer
//! `hkb_ensemble.py`; the exact density also covers δω ≠ 0 (the tilted flux formula).

use super::{record, timed};
use dgnn_dynamics::ensemble::Histogram;
use dgnn_dynamics::landscape::stationary_density;
use dgnn_dynamics::simd::{HkbEnsembleParams, Precision, hkb_ensemble_final_phases};
use dgnn_dynamics::{NoProgress, ParamGuard, Seed, TiltedHkb};
use serde::Serialize;
use std::f64::consts::PI;

/// Size flags of `dgnn bench hkb-ensemble` (named as the peer's).
#[derive(Debug, Clone, clap::Args, Serialize)]
pub struct Params {
    /// Number of trajectories.
    #[arg(long, default_value_t = 10_000)]
    pub trajectories: usize,
    /// Steps per trajectory.
    #[arg(long, default_value_t = 10_000)]
    pub steps: usize,
    /// Euler–Maruyama step.
    #[arg(long, default_value_t = 0.01)]
    pub dt: f64,
    /// HKB a.
    #[arg(long, default_value_t = 1.0)]
    pub a: f64,
    /// HKB b.
    #[arg(long, default_value_t = 0.5)]
    pub b: f64,
    /// Detuning δω.
    #[arg(long, default_value_t = 0.0)]
    pub dw: f64,
    /// Noise intensity Q.
    #[arg(long = "Q", default_value_t = 0.5)]
    #[serde(rename = "Q")]
    pub q: f64,
    /// Histogram bins.
    #[arg(long, default_value_t = 64)]
    pub bins: usize,
    /// Master seed.
    #[arg(long, default_value_t = 12345)]
    pub seed: u64,
    /// Timed repetitions (the minimum is reported).
    #[arg(long, default_value_t = 2)]
    pub repeats: usize,
}

#[derive(Serialize)]
struct Fields {
    seconds_all: Vec<f64>,
    steps_per_second: f64,
    l1_hist_vs_exact: f64,
    l1_expected_sampling_floor: f64,
    frac_abs_phi_lt_pi_over_2: f64,
    hist_density: Vec<f64>,
    exact_bin_density: Vec<f64>,
    f32_seconds: f64,
    f32_seconds_all: Vec<f64>,
    f32_steps_per_second: f64,
    f32_l1_hist_vs_exact: f64,
    f32_speedup: f64,
    finite: bool,
}

/// One precision: all timings, and the histogram of the last run.
struct Run {
    seconds_all: Vec<f64>,
    hist: Histogram,
    near_zero: f64,
    finite: bool,
}

impl Run {
    fn best(&self) -> f64 {
        self.seconds_all.iter().copied().fold(f64::INFINITY, f64::min)
    }
}

fn run_precision(params: &Params, precision: Precision) -> anyhow::Result<Run> {
    let ensemble = HkbEnsembleParams {
        a: params.a,
        b: params.b,
        detuning: params.dw,
        q: params.q,
        dt: params.dt,
        trajectories: params.trajectories,
        steps: params.steps,
    }
    .check()?;
    let mut seconds_all = Vec::new();
    let mut phases = Vec::new();
    for _ in 0..params.repeats.max(1) {
        let (out, seconds) = timed(|| {
            hkb_ensemble_final_phases(&ensemble, precision, Seed(params.seed), &NoProgress)
        });
        phases = out;
        seconds_all.push(seconds);
    }
    let mut hist = Histogram::new(-PI, PI, params.bins);
    for &p in &phases {
        hist.add_wrapped(p);
    }
    let near_zero =
        phases.iter().filter(|p| dgnn_core::angle::wrap_pi(**p).abs() < PI / 2.0).count() as f64
            / phases.len() as f64;
    Ok(Run { seconds_all, hist, near_zero, finite: phases.iter().all(|p| p.is_finite()) })
}

/// Runs the workload and returns its JSON record.
pub fn run(params: &Params) -> anyhow::Result<serde_json::Value> {
    let potential = TiltedHkb::new(params.a, params.b, params.dw)?;
    let exact =
        stationary_density(&potential, params.q, params.bins * 256)?.bin_averages(params.bins)?;
    let f64_run = run_precision(params, Precision::F64)?;
    let f32_run = run_precision(params, Precision::F32)?;
    let steps = (params.trajectories * params.steps) as f64;
    let round = |v: &[f64]| v.iter().map(|x| (x * 1e4).round() / 1e4).collect::<Vec<_>>();
    let fields = Fields {
        seconds_all: round(&f64_run.seconds_all),
        steps_per_second: steps / f64_run.best(),
        l1_hist_vs_exact: f64_run.hist.l1_distance(&exact),
        l1_expected_sampling_floor: f64_run.hist.expected_l1_floor(&exact),
        frac_abs_phi_lt_pi_over_2: f64_run.near_zero,
        hist_density: f64_run.hist.density(),
        exact_bin_density: exact.clone(),
        f32_seconds: f32_run.best(),
        f32_seconds_all: round(&f32_run.seconds_all),
        f32_steps_per_second: steps / f32_run.best(),
        f32_l1_hist_vs_exact: f32_run.hist.l1_distance(&exact),
        f32_speedup: f64_run.best() / f32_run.best(),
        finite: f64_run.finite && f32_run.finite,
    };
    Ok(record("hkb-ensemble", params, f64_run.best(), &fields)?)
}
