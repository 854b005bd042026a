//! A single path of one phase SDE, and the landscape summary and plot shared with the ensemble.

use crate::output::RunFolder;
use dgnn_core::Seed;
use dgnn_dynamics::Potential;
use dgnn_dynamics::landscape::{self, Basin, FixedPoint, basins, fixed_points};
use dgnn_dynamics::sde::{Integrator, PhaseSde, simulate_path};
use dgnn_plot::Plot;
use serde::Serialize;
use std::f64::consts::{PI, TAU};

use super::Figures;
use super::config::{Config, SingleConfig};

/// The fixed points, attractors and barriers of a landscape (part of the figures).
#[derive(Debug, Serialize)]
pub(super) struct Landscape {
    fixed_points: Vec<FixedPoint>,
    pub(super) attractors: usize,
    basins: Vec<Basin>,
}

pub(super) fn landscape_of(p: &dyn Potential) -> Landscape {
    let fps = fixed_points(&p);
    let attractors = fps.iter().filter(|f| f.stability == landscape::Stability::Stable).count();
    Landscape { fixed_points: fps, attractors, basins: basins(&p) }
}

pub(super) fn landscape_plot(p: &dyn Potential, land: &Landscape) -> Plot {
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
    super::write_figures(folder, seed, config, Figures::Single(figures))?;
    Ok(summary)
}
