//! A plastic network's coupling hysteresis sweep: the upward branch from a desynchronised start,
//! the downward branch from a synchronised one, each carrying phases, weights and links from one
//! coupling to the next (`dgnn_dynamics::plasticity::coupling_hysteresis`). Where the branches
//! end apart, both states are stable: the bistability of Chauhan et al. (2022).

use crate::output::RunFolder;
use dgnn_core::{ParamGuard, Progress, Seed, Valid};
use dgnn_dynamics::network::NetworkRunParams;
use dgnn_dynamics::plasticity::{
    HysteresisParams, HysteresisPoint, PlasticNetwork, check_hysteresis_step, coupling_hysteresis,
};
use dgnn_plot::Plot;
use serde::Serialize;

use super::Figures;
use super::config::{Config, HysteresisConfig};
use super::network::frequencies;

/// `r` of the two branches must differ by more than this for a coupling to count as bistable
/// (several times the incoherent floor sqrt(π/(4N)) of the networks the example runs).
const BISTABLE_GAP: f64 = 0.2;

/// The template network and the checked sweep settings of a config.
pub(super) fn hysteresis_setup(
    c: &HysteresisConfig,
) -> anyhow::Result<(PlasticNetwork, Valid<HysteresisParams>)> {
    let omega = frequencies(&c.frequencies, "hysteresis.frequencies")?;
    let n = omega.len();
    let network = PlasticNetwork::new(
        omega,
        c.couplings.first().copied().unwrap_or(0.0),
        c.pair,
        c.noise,
        vec![0.0; n * n],
        Some(c.stdp),
        c.structural,
    )
    .map_err(|e| e.within("hysteresis"))?;
    let params = HysteresisParams {
        couplings: c.couplings.clone(),
        stay: NetworkRunParams {
            dt: c.dt,
            steps: c.stay_steps,
            record_every: c.record_every,
            scheme: c.scheme,
        },
        average_share: c.average_share,
        desynchronised_weight: c.desynchronised_weight,
        synchronised_weight: c.synchronised_weight,
    }
    .check()
    .map_err(|e| e.within("hysteresis"))?;
    dgnn_core::error::in_range(
        "hysteresis.desynchronised_weight",
        c.desynchronised_weight,
        0.0,
        c.stdp.max_weight,
    )?;
    dgnn_core::error::in_range(
        "hysteresis.synchronised_weight",
        c.synchronised_weight,
        0.0,
        c.stdp.max_weight,
    )?;
    // The library names the step `stay.dt`; this config calls it `dt`.
    check_hysteresis_step(&network, &params).map_err(|mut e| {
        e.field = "hysteresis.dt".into();
        e
    })?;
    Ok((network, params))
}

#[derive(Debug, Serialize)]
struct HysteresisRow {
    k: f64,
    r_up: f64,
    r_down: f64,
    mean_weight_up: f64,
    mean_weight_down: f64,
    link_density_up: f64,
    link_density_down: f64,
}

#[derive(Debug, Serialize)]
pub(super) struct HysteresisFigures {
    units: usize,
    /// Couplings where the downward branch's r exceeds the upward branch's by > 0.2.
    bistable_couplings: Vec<f64>,
    bistable_gap: f64,
    upward: Vec<HysteresisPoint>,
    downward: Vec<HysteresisPoint>,
}

pub(super) fn hysteresis(
    c: &HysteresisConfig,
    folder: &RunFolder,
    config: &Config,
    progress: &dyn Progress,
) -> anyhow::Result<String> {
    let (network, params) = hysteresis_setup(c)?;
    let run = coupling_hysteresis(&network, &params, Seed(config.seed), progress)?;
    let rows: Vec<HysteresisRow> = run
        .upward
        .iter()
        .zip(run.downward.iter().rev())
        .map(|(up, down)| HysteresisRow {
            k: up.coupling,
            r_up: up.r,
            r_down: down.r,
            mean_weight_up: up.mean_weight,
            mean_weight_down: down.mean_weight,
            link_density_up: up.link_density,
            link_density_down: down.link_density,
        })
        .collect();
    folder.write_csv("hysteresis.csv", &rows)?;
    let series = |f: fn(&HysteresisRow) -> f64| rows.iter().map(|r| (r.k, f(r))).collect();
    let n = network.len();
    let plot = Plot::new(format!("Plastic network, N = {n}: final r along the coupling sweep"))
        .x_label("K")
        .y_label("r")
        .y_range(0.0, 1.05)
        .line("upward, from desynchronised", series(|r| r.r_up))
        .points("upward points", series(|r| r.r_up))
        .line("downward, from synchronised", series(|r| r.r_down))
        .points("downward points", series(|r| r.r_down));
    folder.write_plot("hysteresis", &plot)?;
    let weights = Plot::new(format!("Plastic network, N = {n}: mean weight and link density"))
        .x_label("K")
        .y_label("mean weight κ̄ / link density")
        .y_range(0.0, 1.05)
        .line("κ̄ upward", series(|r| r.mean_weight_up))
        .line("κ̄ downward", series(|r| r.mean_weight_down))
        .line("links upward", series(|r| r.link_density_up))
        .line("links downward", series(|r| r.link_density_down));
    folder.write_plot("weights", &weights)?;
    let bistable = run.bistable_couplings(BISTABLE_GAP);
    let summary = match (bistable.first(), bistable.last()) {
        (Some(low), Some(high)) => format!(
            "Plastic hysteresis: {} couplings, N = {n}; both states stable at {} of them, \
             K from {low} to {high}",
            rows.len(),
            bistable.len()
        ),
        _ => format!(
            "Plastic hysteresis: {} couplings, N = {n}; the branches agree everywhere (no \
             bistability)",
            rows.len()
        ),
    };
    let figures = HysteresisFigures {
        units: n,
        bistable_couplings: bistable,
        bistable_gap: BISTABLE_GAP,
        upward: run.upward,
        downward: run.downward,
    };
    super::write_figures(folder, Seed(config.seed), config, Figures::Hysteresis(figures))?;
    Ok(summary)
}
