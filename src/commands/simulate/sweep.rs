//! The Kuramoto order parameter r(K) swept over the coupling, for Lorentzian quantile
//! frequencies (theory: Ott & Antonsen's closed form) or Gaussian ones (theory: the
//! self-consistency equation solved numerically).

use crate::output::RunFolder;
use dgnn_core::error::{at_least, finite, positive};
use dgnn_core::{ParamGuard, Progress, Seed, Valid};
use dgnn_dynamics::kuramoto::{Gaussian, Lorentzian, QuantileDensity};
use dgnn_dynamics::network::{evenly_spaced, uniform_phases};
use dgnn_dynamics::simd::{KuramotoParams, kuramoto_mean_field};
use dgnn_plot::Plot;
use serde::Serialize;
use std::f64::consts::PI;

use super::Figures;
use super::config::{Config, SweepConfig};

/// The frequency density of a sweep: `half_width` (Lorentzian) or `sigma` (Gaussian), exactly one.
pub(super) fn sweep_density(c: &SweepConfig) -> anyhow::Result<QuantileDensity> {
    Ok(match (c.half_width, c.sigma) {
        (Some(half_width), None) => QuantileDensity::Lorentzian(Lorentzian::new(positive(
            "kuramoto.half_width",
            half_width,
        )?)?),
        (None, Some(sigma)) => {
            QuantileDensity::Gaussian(Gaussian::new(positive("kuramoto.sigma", sigma)?)?)
        }
        (Some(_), Some(_)) => anyhow::bail!(
            "kuramoto: give half_width (Lorentzian frequencies) or sigma (Gaussian), not both"
        ),
        (None, None) => anyhow::bail!(
            "kuramoto: give half_width (Lorentzian frequencies) or sigma (Gaussian frequencies)"
        ),
    })
}

pub(super) fn sweep_params(c: &SweepConfig, seed: Seed) -> anyhow::Result<Valid<KuramotoParams>> {
    at_least("kuramoto.oscillators", c.oscillators, 1)?;
    let density = sweep_density(c)?;
    finite("kuramoto.k_min", c.k_min)?;
    finite("kuramoto.k_max", c.k_max)?;
    at_least("kuramoto.k_count", c.k_count, 1)?;
    let couplings = evenly_spaced(c.k_min, c.k_max, c.k_count);
    let params = KuramotoParams {
        omega: density.quantiles(c.oscillators, 0.0)?,
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
    let density = sweep_density(c)?;
    let points = kuramoto_mean_field(&params, progress);
    let k_c = density.critical_coupling();
    let rows = points
        .iter()
        .map(|p| Ok(SweepRow { k: p.k, r: p.r_mean, r_theory: density.order_parameter(p.k)? }))
        .collect::<anyhow::Result<Vec<SweepRow>>>()?;
    folder.write_csv("r_by_k.csv", &rows)?;
    let floor = (PI / (4.0 * c.oscillators as f64)).sqrt();
    let k_hi = rows.iter().map(|r| r.k).fold(0.0, f64::max).max(k_c * 1.5);
    let theory = (0..=300)
        .map(|i| k_c + (k_hi - k_c) * f64::from(i) / 300.0)
        .map(|k| Ok((k, density.order_parameter(k)?)))
        .collect::<anyhow::Result<Vec<(f64, f64)>>>()?;
    let (title, theory_label) = match density {
        QuantileDensity::Lorentzian(l) => (
            format!("Kuramoto r(K), N = {}, Lorentzian Δ = {}", c.oscillators, l.half_width()),
            "sqrt(1 − 2Δ/K) (Ott–Antonsen)",
        ),
        QuantileDensity::Gaussian(g) => (
            format!("Kuramoto r(K), N = {}, Gaussian σ = {}", c.oscillators, g.sigma()),
            "self-consistent r(K) (Kuramoto)",
        ),
    };
    let mut plot = Plot::new(title)
        .x_label("K")
        .y_label("r")
        .line(theory_label, theory)
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
    super::write_figures(folder, Seed(config.seed), config, Figures::Sweep(figures))?;
    Ok(summary)
}
