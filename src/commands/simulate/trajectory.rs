//! Single paths, ensembles and first passages of one phase SDE, with its landscape.

use crate::output::{RunFolder, VERSION};
use anyhow::Context;
use dgnn_core::{Envelope, Progress, Seed};
use dgnn_dynamics::Potential;
use dgnn_dynamics::ensemble::{
    Displacement, EnsembleParams, FinalHistogram, FirstPassage, Histogram, InitialState,
    RunningMoments, run_ensemble,
};
use dgnn_dynamics::fast::{HkbEnsembleParams, hkb_ensemble_snapshots};
use dgnn_dynamics::landscape::{
    self, Basin, Boundary, FixedPoint, KramersEscape, basins, fixed_points, kramers_rates,
    mean_first_passage_time, stationary_density,
};
use dgnn_dynamics::sde::{Integrator, PhaseSde, Scheme, simulate_path};
use dgnn_plot::Plot;
use serde::Serialize;
use std::f64::consts::{PI, TAU};

use super::Figures;
use super::config::{Config, EnsembleConfig, PassageConfig, SingleConfig, StartConfig};

#[derive(Debug, Serialize)]
struct Landscape {
    fixed_points: Vec<FixedPoint>,
    attractors: usize,
    basins: Vec<Basin>,
}

fn landscape_of(p: &dyn Potential) -> Landscape {
    let fps = fixed_points(&p);
    let attractors = fps.iter().filter(|f| f.stability == landscape::Stability::Stable).count();
    Landscape { fixed_points: fps, attractors, basins: basins(&p) }
}

fn landscape_plot(p: &dyn Potential, land: &Landscape) -> Plot {
    let curve: Vec<(f64, f64)> =
        (0..=400).map(|k| -PI + TAU * f64::from(k) / 400.0).map(|x| (x, p.value(x))).collect();
    let stable: Vec<(f64, f64)> = land
        .fixed_points
        .iter()
        .filter(|f| f.stability == landscape::Stability::Stable)
        .map(|f| (f.phase_rad, p.value(f.phase_rad)))
        .collect();
    let unstable: Vec<(f64, f64)> = land
        .fixed_points
        .iter()
        .filter(|f| f.stability != landscape::Stability::Stable)
        .map(|f| (f.phase_rad, p.value(f.phase_rad)))
        .collect();
    let mut plot =
        Plot::new("energy landscape U(φ)").x_label("φ (rad)").y_label("U(φ)").line("U(φ)", curve);
    if !stable.is_empty() {
        plot = plot.points("attractors", stable);
    }
    if !unstable.is_empty() {
        plot = plot.points("repellers", unstable);
    }
    plot
}

#[derive(Debug, Serialize)]
pub(super) struct SingleFigures {
    landscape: Landscape,
    final_phase_rad: f64,
    mean_frequency_simulated: f64,
}

#[derive(Debug, Serialize)]
struct PathRow {
    t: f64,
    phi_rad: f64,
}

pub(super) fn single(
    c: &SingleConfig,
    seed: Seed,
    folder: &RunFolder,
    config: &Config,
) -> anyhow::Result<String> {
    let potential = c.potential.build()?;
    let sde = PhaseSde::new(potential, c.q)?;
    let mut rng = seed.stream("dynamics/single", &[0]);
    let path = simulate_path(
        &sde,
        &c.scheme,
        &[c.initial_phase],
        c.dt,
        c.steps,
        c.record_every,
        &mut rng,
    )?;
    let rows: Vec<PathRow> =
        path.times.iter().zip(&path.states).map(|(&t, s)| PathRow { t, phi_rad: s[0] }).collect();
    folder.write_csv("path.csv", &rows)?;
    let land = landscape_of(sde.potential().as_ref());
    folder.write_plot("landscape", &landscape_plot(sde.potential().as_ref(), &land))?;
    folder.write_plot(
        "path",
        &Plot::new("φ(t)")
            .x_label("t")
            .y_label("φ (rad, unwrapped)")
            .line("φ", rows.iter().map(|r| (r.t, r.phi_rad)).collect()),
    )?;
    let last = rows.last().map_or(c.initial_phase, |r| r.phi_rad);
    let total_time = c.dt * c.steps as f64;
    let figures = SingleFigures {
        final_phase_rad: last,
        mean_frequency_simulated: (last - c.initial_phase) / total_time,
        landscape: land,
    };
    let summary = format!(
        "single trajectory: {} steps with {}, {} attractor(s); φ(T) = {:.4}, mean frequency {:.4}",
        c.steps,
        c.scheme.name(),
        figures.landscape.attractors,
        figures.final_phase_rad,
        figures.mean_frequency_simulated
    );
    folder.write_envelope(&Envelope::new(
        "simulate",
        VERSION,
        Some(seed),
        config,
        Figures::Single(figures),
    ))?;
    Ok(summary)
}

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

pub(super) fn ensemble(
    c: &EnsembleConfig,
    seed: Seed,
    folder: &RunFolder,
    config: &Config,
    progress: &dyn Progress,
) -> anyhow::Result<String> {
    let potential = c.potential.build()?;
    let sde = PhaseSde::new(potential, c.q)?;
    let total_time = c.dt * c.steps as f64;
    // The mean frequency is measured over the second half, after the transient from the start.
    let half = c.steps / 2;
    let span = (c.steps - half) as f64 * c.dt;
    let fast = matches!(c.scheme, Scheme::EulerMaruyama) && c.initial == StartConfig::Uniform;
    let (hist, drift, path) = match (fast, c.potential.hkb()) {
        (true, Some((a, b, detuning))) => {
            let params = HkbEnsembleParams {
                a,
                b,
                detuning,
                q: c.q,
                dt: c.dt,
                trajectories: c.trajectories,
                steps: c.steps,
            };
            let snaps: Vec<usize> = if half > 0 { vec![half, c.steps] } else { vec![c.steps] };
            let phases = hkb_ensemble_snapshots(&params, c.precision, seed, &snaps, progress)?;
            let last = phases.last().context("no snapshot")?;
            let mut hist = Histogram::new(-PI, PI, c.bins);
            let mut drift = RunningMoments::default();
            for (k, &p) in last.iter().enumerate() {
                hist.add(p, true);
                // With half = 0 (one step) the uniform start has mean 0: use the final phase.
                drift.push(if half > 0 { p - phases[0][k] } else { p });
            }
            (hist, drift, "SIMD fast path")
        }
        _ => {
            let spec = EnsembleParams { trajectories: c.trajectories, steps: c.steps, dt: c.dt }
                .check()?;
            let initial = match c.initial {
                StartConfig::Uniform => InitialState::Uniform { low: vec![-PI], high: vec![PI] },
                StartConfig::Fixed(x) => InitialState::Fixed(vec![x]),
            };
            let observer =
                (FinalHistogram::phase(0, c.bins)?, Displacement { component: 0, from_step: half });
            let (hist, drift) =
                run_ensemble(&sde, &c.scheme, &spec, &initial, &observer, seed, progress)?;
            (hist, drift, "general path")
        }
    };
    let land = landscape_of(sde.potential().as_ref());
    let exact = if c.q > 0.0 {
        let sub = 256;
        Some(stationary_density(sde.potential(), c.q, c.bins * sub)?)
    } else {
        None
    };
    let exact_bins = exact.as_ref().map(|d| d.bin_averages(c.bins)).transpose()?;
    let simulated = hist.density();
    let rows: Vec<DensityRow> = hist
        .centres()
        .iter()
        .enumerate()
        .map(|(k, &x)| DensityRow {
            phi_rad: x,
            simulated: simulated[k],
            exact: exact_bins.as_ref().map(|e| e[k]),
        })
        .collect();
    folder.write_csv("density.csv", &rows)?;
    let width = TAU / c.bins as f64;
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
    if let Some(d) = &exact {
        let stride = (d.phases_rad.len() / 512).max(1);
        let line =
            d.phases_rad.iter().zip(&d.density).step_by(stride).map(|(&x, &p)| (x, p)).collect();
        plot = plot.line("exact (Fokker–Planck)", line);
    }
    folder.write_plot("density", &plot)?;
    folder.write_plot("landscape", &landscape_plot(sde.potential().as_ref(), &land))?;
    let passage = c.first_passage.map(|p| passage(&sde, c, &p, seed, progress)).transpose()?;
    let figures = EnsembleFigures {
        path,
        trajectories: c.trajectories,
        total_time,
        l1_hist_vs_exact: exact_bins.as_ref().map(|e| hist.l1_distance(e)),
        l1_expected_sampling_floor: exact_bins.as_ref().map(|e| hist.expected_l1_floor(e)),
        l1_expected_sampling_spread: exact_bins.as_ref().map(|e| hist.expected_l1_spread(e)),
        mean_frequency_simulated: drift.mean / span,
        mean_frequency_standard_error: drift.standard_error() / span,
        mean_frequency_exact: exact.as_ref().map(|d| d.mean_frequency()),
        kramers_rates: if c.q > 0.0 {
            kramers_rates(sde.potential(), c.q).unwrap_or_default()
        } else {
            vec![]
        },
        first_passage: passage,
        landscape: land,
    };
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
    folder.write_envelope(&Envelope::new(
        "simulate",
        VERSION,
        Some(seed),
        config,
        Figures::Ensemble(Box::new(figures)),
    ))?;
    Ok(summary)
}

fn passage(
    sde: &PhaseSde<Box<dyn Potential>>,
    c: &EnsembleConfig,
    p: &PassageConfig,
    seed: Seed,
    progress: &dyn Progress,
) -> anyhow::Result<PassageFigures> {
    let spec =
        EnsembleParams { trajectories: p.trajectories, steps: p.max_steps, dt: c.dt }.check()?;
    let initial = InitialState::Fixed(vec![p.start]);
    let run = |bridge: bool| {
        let observer = FirstPassage::new(0, Some(p.lower), Some(p.upper), c.q, bridge)?;
        anyhow::Ok(run_ensemble(sde, &c.scheme, &spec, &initial, &observer, seed, progress)?)
    };
    let corrected = run(true)?;
    let plain = run(false)?;
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
