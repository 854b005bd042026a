//! The Kuramoto order parameter r(K) swept over the coupling.

use crate::output::{RunFolder, VERSION};
use dgnn_core::error::{at_least, finite, positive};
use dgnn_core::{Envelope, ParamGuard, Progress, Seed, Valid};
use dgnn_dynamics::network::{
    evenly_spaced, lorentzian_order_parameter, lorentzian_quantiles, uniform_phases,
};
use dgnn_dynamics::simd::{KuramotoParams, kuramoto_mean_field};
use dgnn_plot::Plot;
use serde::Serialize;
use std::f64::consts::PI;

use super::Figures;
use super::config::{Config, SweepConfig};

pub(super) fn sweep_params(c: &SweepConfig, seed: Seed) -> anyhow::Result<Valid<KuramotoParams>> {
    at_least("kuramoto.oscillators", c.oscillators, 1)?;
    positive("kuramoto.half_width", c.half_width)?;
    finite("kuramoto.k_min", c.k_min)?;
    finite("kuramoto.k_max", c.k_max)?;
    at_least("kuramoto.k_count", c.k_count, 1)?;
    let couplings = evenly_spaced(c.k_min, c.k_max, c.k_count);
    let params = KuramotoParams {
        omega: lorentzian_quantiles(c.oscillators, 0.0, c.half_width),
        theta0: uniform_phases(seed, "dynamics/kuramoto-initial", c.oscillators),
        couplings,
        dt: c.dt,
        steps: c.steps,
        average: c.average,
    };
    Ok(params.check().map_err(|e| e.within("kuramoto"))?)
}

#[derive(Debug, Serialize)]
struct SweepRow {
    k: f64,
    r: f64,
    r_theory: f64,
}

#[derive(Debug, Serialize)]
pub(super) struct SweepFigures {
    k_c: f64,
    r_by_k: Vec<SweepRow>,
    max_abs_err_vs_theory_k_gt_1p2kc: Option<f64>,
    incoherent_floor: f64,
}

pub(super) fn sweep(
    c: &SweepConfig,
    folder: &RunFolder,
    config: &Config,
    progress: &dyn Progress,
) -> anyhow::Result<String> {
    let params = sweep_params(c, Seed(config.seed))?;
    let points = kuramoto_mean_field(&params, progress);
    let k_c = 2.0 * c.half_width;
    let rows: Vec<SweepRow> = points
        .iter()
        .map(|p| SweepRow {
            k: p.k,
            r: p.r_mean,
            r_theory: lorentzian_order_parameter(p.k, c.half_width),
        })
        .collect();
    folder.write_csv("r_by_k.csv", &rows)?;
    let floor = (PI / (4.0 * c.oscillators as f64)).sqrt();
    let k_hi = rows.iter().map(|r| r.k).fold(0.0, f64::max).max(k_c * 1.5);
    let theory: Vec<(f64, f64)> = (0..=300)
        .map(|i| k_c + (k_hi - k_c) * f64::from(i) / 300.0)
        .map(|k| (k, lorentzian_order_parameter(k, c.half_width)))
        .collect();
    let mut plot =
        Plot::new(format!("Kuramoto r(K), N = {}, Lorentzian Δ = {}", c.oscillators, c.half_width))
            .x_label("K")
            .y_label("r")
            .line("sqrt(1 − 2Δ/K) (Ott–Antonsen)", theory)
            .line("finite-N floor sqrt(π/4N)", vec![(0.0, floor), (k_c, floor)])
            .points("simulated", rows.iter().map(|r| (r.k, r.r)).collect());
    plot = plot.y_range(0.0, 1.05);
    folder.write_plot("r_by_k", &plot)?;
    let err = rows
        .iter()
        .filter(|r| r.k > 1.2 * k_c)
        .map(|r| (r.r - r.r_theory).abs())
        .fold(None, |m: Option<f64>, e| Some(m.map_or(e, |m| m.max(e))));
    let figures = SweepFigures {
        k_c,
        r_by_k: rows,
        max_abs_err_vs_theory_k_gt_1p2kc: err,
        incoherent_floor: floor,
    };
    let summary = format!(
        "Kuramoto sweep: {} couplings, N = {}; max |r − theory| for K > 1.2 K_c = {}",
        c.k_count,
        c.oscillators,
        err.map_or("n/a".into(), |e| format!("{e:.2e}"))
    );
    folder.write_envelope(&Envelope::new(
        "simulate",
        VERSION,
        Some(Seed(config.seed)),
        config,
        Figures::Sweep(figures),
    ))?;
    Ok(summary)
}
