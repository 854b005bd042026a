//! W2 `arnold-tongues` (docs/benchmarks.md): rotation numbers of the sine circle map on the
//! 512 × 512 (Ω, K) grid, 500 transient + 1000 measured iterations from θ0 = 0.
//!
//! Timed: the grid only. Reported as the peer `arnold_tongues.py` does: iterations per second,
//! the share of the K = 1 row within 1e-4 of some p/q with q ≤ 8 (with 1000 and with 840 =
//! lcm(1..8) measured iterations), counts per q, and a few sample rotation numbers.

use super::{record, timed};
use dgnn_core::{NoProgress, ParamGuard};
use dgnn_lock::grid::{GridParams, plateau_fraction, sine_grid};
use serde::Serialize;

/// Size flags of `dgnn bench arnold-tongues`.
#[derive(Debug, Clone, clap::Args, Serialize)]
pub struct Params {
    /// Ω columns (Ω_i = i/n_omega).
    #[arg(long, default_value_t = 512)]
    pub n_omega: usize,
    /// K rows (K_j = j/(n_k − 1), K = 1 included).
    #[arg(long, default_value_t = 512)]
    pub n_k: usize,
    /// Transient iterations.
    #[arg(long, default_value_t = 500)]
    pub transient: usize,
    /// Measured iterations.
    #[arg(long, default_value_t = 1000)]
    pub measured: usize,
    /// Largest denominator of the plateau test.
    #[arg(long, default_value_t = 8)]
    pub qmax: u64,
    /// Distance to p/q that counts as a plateau.
    #[arg(long, default_value_t = 1e-4)]
    pub tol: f64,
}

#[derive(Serialize)]
struct Sample {
    omega: f64,
    #[serde(rename = "K")]
    k: f64,
    #[serde(rename = "W")]
    w: f64,
}

#[derive(Serialize)]
struct Fields {
    map_iterations_per_second: f64,
    k1_plateau_fraction: f64,
    k1_plateau_counts_by_q: std::collections::BTreeMap<u64, usize>,
    k1_plateau_fraction_lcm: f64,
    k1_measured_lcm: usize,
    grid_w_k0_max_abs_err: f64,
    w_checksum_mean: f64,
    samples: Vec<Sample>,
}

/// Runs the workload and returns its JSON record.
pub fn run(params: &Params) -> anyhow::Result<serde_json::Value> {
    let grid_params = GridParams {
        n_omega: params.n_omega,
        n_k: params.n_k,
        transient: params.transient,
        measured: params.measured,
        ..GridParams::default()
    };
    let spec = grid_params.clone().check()?;
    let (grid, seconds) = timed(|| sine_grid(&spec, &NoProgress));
    let iterations = (params.n_omega * params.n_k * (params.transient + params.measured)) as f64;
    let k1 = grid.row(grid.ks.len() - 1);
    let (fraction, counts) = plateau_fraction(k1, params.qmax, params.tol);
    let lcm = (1..=params.qmax).fold(1u64, |acc, q| acc / dgnn_lock::farey::gcd(acc, q) * q);
    let lcm_spec =
        GridParams { n_k: 1, k_min: 1.0, measured: lcm as usize, ..grid_params.clone() }.check()?;
    let lcm_row = sine_grid(&lcm_spec, &NoProgress);
    let (fraction_lcm, _) = plateau_fraction(&lcm_row.w, params.qmax, params.tol);
    let k0_err =
        grid.row(0).iter().zip(&grid.omegas).map(|(w, o)| (w - o).abs()).fold(0.0, f64::max);
    let samples = [
        (0.5, 1.0),
        (0.0, 1.0),
        (0.25, 0.0),
        (0.1, 0.5),
        (0.1, 1.0),
        (1.0 / 3.0, 1.0),
        (0.618_033_988_749_894_9, 1.0),
        (0.7, 0.8),
    ]
    .into_iter()
    .map(|(omega, k)| -> anyhow::Result<Sample> {
        let spec = GridParams {
            omega_min: omega,
            omega_max: omega + 1.0,
            n_omega: 1,
            k_min: k,
            n_k: 1,
            ..grid_params.clone()
        }
        .check()?;
        Ok(Sample { omega, k, w: sine_grid(&spec, &NoProgress).w[0] })
    })
    .collect::<anyhow::Result<Vec<_>>>()?;
    let fields = Fields {
        map_iterations_per_second: iterations / seconds,
        k1_plateau_fraction: fraction,
        k1_plateau_counts_by_q: counts,
        k1_plateau_fraction_lcm: fraction_lcm,
        k1_measured_lcm: lcm as usize,
        grid_w_k0_max_abs_err: k0_err,
        w_checksum_mean: grid.w.iter().sum::<f64>() / grid.w.len() as f64,
        samples,
    };
    Ok(record("arnold-tongues", params, seconds, &fields)?)
}
