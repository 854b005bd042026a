//! An ensemble of one phase SDE against its exact stationary density and mean frequency, with
//! optional first passages against the exact mean first-passage time. The library
//! (`dgnn_dynamics::ensemble::run_phase_ensemble`) chooses the SIMD or the general integrator.

use crate::output::RunFolder;
use dgnn_core::error::{at_least, finite};
use dgnn_core::{ParamError, ParamGuard, Progress, Seed};
use dgnn_dynamics::ensemble::{
    EnsembleParams, FirstPassage, Histogram, InitialState, PhaseEnsemble, PhaseEnsembleParams,
    run_ensemble, run_phase_ensemble,
};
use dgnn_dynamics::landscape::{
    self, Boundary, KramersEscape, StationaryDensity, kramers_rates, mean_first_passage_time,
    stationary_density,
};
use dgnn_dynamics::sde::PhaseSde;
use dgnn_dynamics::{DynamicsError, Potential};
use dgnn_plot::Plot;
use serde::Serialize;
use std::f64::consts::TAU;

use super::Figures;
use super::config::{Config, EnsembleConfig, PassageConfig};
use super::trajectory::{Landscape, landscape_of, landscape_plot};

/// The phase SDE of an ensemble config.
type ConfigSde = PhaseSde<Box<dyn Potential>>;

#[derive(Debug, Serialize)]
pub(super) struct EnsembleFigures {
    /// Which integrator implementation ran ("SIMD fast path" or "general path").
    path: &'static str,
    landscape: Landscape,
    trajectories: usize,
    total_time: f64,
    l1_hist_vs_exact: Option<f64>,
    l1_expected_sampling_floor: Option<f64>,
    l1_expected_sampling_spread: Option<f64>,
    /// ⟨φ(T) − φ(T/2)⟩/(T/2): the mean frequency after the transient.
    mean_frequency_simulated: f64,
    mean_frequency_standard_error: f64,
    mean_frequency_exact: Option<f64>,
    kramers_rates: Vec<KramersEscape>,
    first_passage: Option<PassageFigures>,
}

#[derive(Debug, Serialize)]
struct PassageFigures {
    mean_time_bridge_corrected: f64,
    standard_error: f64,
    mean_time_discrete_monitoring: f64,
    mean_time_exact: f64,
    survived_fraction: f64,
}

#[derive(Debug, Serialize)]
struct DensityRow {
    phi_rad: f64,
    simulated: f64,
    exact: Option<f64>,
}

/// The exact stationary density (noise only) on a fine grid and averaged over the bins.
struct ExactDensity {
    grid: StationaryDensity,
    bins: Vec<f64>,
}

/// The library's settings of an ensemble config: the mean frequency is measured over the
/// second half, after the transient from the start.
pub(super) fn ensemble_params(c: &EnsembleConfig) -> PhaseEnsembleParams {
    PhaseEnsembleParams {
        trajectories: c.trajectories,
        steps: c.steps,
        dt: c.dt,
        scheme: c.scheme,
        initial: c.initial,
        bins: c.bins,
        displacement_from_step: c.steps / 2,
        precision: c.precision,
    }
}

/// Checks the first-passage block of an ensemble config (before any work).
pub(super) fn check_passage(c: &EnsembleConfig) -> anyhow::Result<()> {
    let Some(p) = &c.first_passage else { return Ok(()) };
    for (field, v) in [("start", p.start), ("lower", p.lower), ("upper", p.upper)] {
        finite(&format!("ensemble.first_passage.{field}"), v)?;
    }
    if !(p.lower < p.start && p.start < p.upper) {
        return Err(ParamError::new(
            "ensemble.first_passage.start",
            p.start,
            format!("must lie strictly between lower = {} and upper = {}", p.lower, p.upper),
        )
        .into());
    }
    if c.q <= 0.0 {
        return Err(ParamError::new("ensemble.q", c.q, "must be > 0 for first passages").into());
    }
    at_least("ensemble.first_passage.trajectories", p.trajectories, 1)?;
    at_least("ensemble.first_passage.max_steps", p.max_steps, 1)?;
    Ok(())
}

pub(super) fn ensemble(
    c: &EnsembleConfig,
    seed: Seed,
    folder: &RunFolder,
    config: &Config,
    progress: &dyn Progress,
) -> anyhow::Result<String> {
    let sde = PhaseSde::new(c.potential.build()?, c.q)?;
    let run = run_phase_ensemble(&sde, &ensemble_params(c).check()?, seed, progress)?;
    let land = landscape_of(sde.potential().as_ref());
    let exact = exact_density(&sde, c)?;
    write_density(folder, c, &run.histogram, exact.as_ref())?;
    folder.write_plot("landscape", &landscape_plot(sde.potential().as_ref(), &land))?;
    let passage = c.first_passage.map(|p| passage(&sde, c, &p, seed, progress)).transpose()?;
    let figures = ensemble_figures(c, &sde, &run, exact.as_ref(), land, passage)?;
    let summary = ensemble_summary(c, &figures);
    super::write_figures(folder, seed, config, Figures::Ensemble(Box::new(figures)))?;
    Ok(summary)
}

/// The exact stationary density when there is noise (256 grid points per bin).
fn exact_density(sde: &ConfigSde, c: &EnsembleConfig) -> anyhow::Result<Option<ExactDensity>> {
    if c.q <= 0.0 {
        return Ok(None);
    }
    let grid = stationary_density(sde.potential(), c.q, c.bins * 256)?;
    let bins = grid.bin_averages(c.bins)?;
    Ok(Some(ExactDensity { grid, bins }))
}

/// `density.csv` and the `density` plot: the histogram against the exact density.
fn write_density(
    folder: &RunFolder,
    c: &EnsembleConfig,
    hist: &Histogram,
    exact: Option<&ExactDensity>,
) -> anyhow::Result<()> {
    let simulated = hist.density();
    let rows: Vec<DensityRow> = hist
        .centres()
        .iter()
        .enumerate()
        .map(|(k, &x)| DensityRow {
            phi_rad: x,
            simulated: simulated[k],
            exact: exact.map(|e| e.bins[k]),
        })
        .collect();
    folder.write_csv("density.csv", &rows)?;
    let width = TAU / c.bins as f64;
    let total_time = c.dt * c.steps as f64;
    let mut plot = Plot::new(format!(
        "stationary density, {} trajectories at t = {total_time}",
        c.trajectories
    ))
    .x_label("φ (rad)")
    .y_label("p(φ)")
    .bars(
        "simulated",
        hist.centres().into_iter().zip(simulated.iter().copied()).collect(),
        width * 0.9,
    );
    if let Some(d) = exact.map(|e| &e.grid) {
        let stride = (d.phases_rad.len() / 512).max(1);
        let line =
            d.phases_rad.iter().zip(&d.density).step_by(stride).map(|(&x, &p)| (x, p)).collect();
        plot = plot.line("exact (Fokker–Planck)", line);
    }
    folder.write_plot("density", &plot)?;
    Ok(())
}

/// The figures of an ensemble run: density distances, mean frequency, Kramers rates.
fn ensemble_figures(
    c: &EnsembleConfig,
    sde: &ConfigSde,
    run: &PhaseEnsemble,
    exact: Option<&ExactDensity>,
    landscape: Landscape,
    first_passage: Option<PassageFigures>,
) -> anyhow::Result<EnsembleFigures> {
    let hist = &run.histogram;
    // The displacement runs from step `steps / 2` to the end.
    let span = (c.steps - c.steps / 2) as f64 * c.dt;
    let kramers_rates = if c.q > 0.0 {
        match kramers_rates(sde.potential(), c.q) {
            Ok(rates) => rates,
            // A running phase has no attractor to escape from.
            Err(DynamicsError::Undefined { .. }) => Vec::new(),
            Err(e) => return Err(e.into()),
        }
    } else {
        Vec::new()
    };
    Ok(EnsembleFigures {
        path: run.kernel.describe(),
        trajectories: c.trajectories,
        total_time: c.dt * c.steps as f64,
        l1_hist_vs_exact: exact.map(|e| hist.l1_distance(&e.bins)),
        l1_expected_sampling_floor: exact.map(|e| hist.expected_l1_floor(&e.bins)),
        l1_expected_sampling_spread: exact.map(|e| hist.expected_l1_spread(&e.bins)),
        mean_frequency_simulated: run.displacement.mean / span,
        mean_frequency_standard_error: run.displacement.standard_error() / span,
        mean_frequency_exact: exact.map(|e| e.grid.mean_frequency()),
        kramers_rates,
        first_passage,
        landscape,
    })
}

/// The terminal summary of an ensemble run.
fn ensemble_summary(c: &EnsembleConfig, figures: &EnsembleFigures) -> String {
    let mut summary = format!(
        "ensemble: {} trajectories × {} steps ({}), {} attractor(s)",
        c.trajectories, c.steps, figures.path, figures.landscape.attractors
    );
    if let (Some(l1), Some(floor), Some(spread)) = (
        figures.l1_hist_vs_exact,
        figures.l1_expected_sampling_floor,
        figures.l1_expected_sampling_spread,
    ) {
        summary += &format!(
            "\n  density: L1(histogram, exact) = {l1:.4} (a perfect sampler: {floor:.4} ± {spread:.4})"
        );
    }
    if let Some(exact) = figures.mean_frequency_exact {
        summary += &format!(
            "\n  mean frequency: {:.4} ± {:.4} simulated, {exact:.4} exact",
            figures.mean_frequency_simulated, figures.mean_frequency_standard_error
        );
    }
    if let Some(p) = &figures.first_passage {
        summary += &format!(
            "\n  first passage: {:.4} ± {:.4} (bridge-corrected), {:.4} (discrete monitoring), {:.4} exact",
            p.mean_time_bridge_corrected,
            p.standard_error,
            p.mean_time_discrete_monitoring,
            p.mean_time_exact
        );
    }
    summary
}

/// First passages out of `(lower, upper)` with and without the Brownian-bridge correction (the
/// general path, same seed), against the exact mean first-passage time.
fn passage(
    sde: &ConfigSde,
    c: &EnsembleConfig,
    p: &PassageConfig,
    seed: Seed,
    progress: &dyn Progress,
) -> anyhow::Result<PassageFigures> {
    let spec =
        EnsembleParams { trajectories: p.trajectories, steps: p.max_steps, dt: c.dt }.check()?;
    let initial = InitialState::Fixed(vec![p.start]).check()?;
    let (lower, upper) = (Some(p.lower), Some(p.upper));
    let run = |observer: FirstPassage| {
        anyhow::Ok(run_ensemble(sde, &c.scheme, &spec, &initial, &observer, seed, progress)?)
    };
    let corrected = run(FirstPassage::bridged(sde, 0, lower, upper)?)?;
    let plain = run(FirstPassage::discrete(0, lower, upper)?)?;
    let exact = mean_first_passage_time(
        sde.potential(),
        c.q,
        p.start,
        Boundary::Absorbing(p.lower),
        Boundary::Absorbing(p.upper),
        landscape::DEFAULT_MFPT_CELLS,
    )?;
    Ok(PassageFigures {
        mean_time_bridge_corrected: corrected.mean(),
        standard_error: corrected.standard_error(),
        mean_time_discrete_monitoring: plain.mean(),
        mean_time_exact: exact,
        survived_fraction: corrected.survived_fraction(),
    })
}
