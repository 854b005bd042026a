//! `dgnn tongues`: the Arnold tongues of the sine circle map (or of a forced flow) as a picture
//! with labelled p/q, the exact saddle-node edges as CSV, and the K = 1 figures (locked measure,
//! fractal dimension of the unlocked set, golden-mean critical Ω and its scaling δ with an error
//! estimate, also printed).
//!
//! Folder: `result.json`/`result.ron` (envelope with the checked options and the K = 1
//! figures), `grid.csv` (Ω, K, ρ), `edges.csv` (p, q, K, lower, upper, width; sine map only),
//! `tongues.svg`/`.png`.

use crate::output::{RunFolder, TerminalProgress, VERSION};
use anyhow::Context;
use dgnn_core::{Envelope, NoProgress, ParamGuard};
use dgnn_lock::Ratio;
use dgnn_lock::flow::{PrcForced, flow_grid};
use dgnn_lock::grid::{GridParams, TongueGrid, locked_denominator, sine_grid};
use dgnn_lock::tongue::{CriticalFigures, critical_figures, sine_tongue_edges};
use dgnn_plot::{Cell, Plot};
use serde::Serialize;
use std::f64::consts::TAU;
use std::path::PathBuf;

/// Which system's tongues to draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum System {
    /// The sine circle map θ ↦ θ + Ω − (K/2π) sin 2πθ (exact edges too).
    Sine,
    /// The flow dθ/dt = 2πΩ − K·P_κ(t)·(sin θ + s·sin 2θ) with a von Mises pulse P_κ of unit
    /// mean, integrated by RK4 (grid only; slow: use a smaller grid).
    PrcForced,
}

/// Arguments of `dgnn tongues`.
#[derive(Debug, Clone, clap::Args, Serialize)]
pub struct Args {
    /// The system.
    #[arg(long, value_enum, default_value_t = System::Sine)]
    pub system: System,
    /// Ω columns over [0, 1) (default 300 for the sine map, 120 for the flow).
    #[arg(long)]
    pub n_omega: Option<usize>,
    /// K rows over [0, k_max] (default 150 for the sine map, 60 for the flow).
    #[arg(long)]
    pub n_k: Option<usize>,
    /// Largest K (at most 1 for exact edges of the sine map).
    #[arg(long, default_value_t = 1.0)]
    pub k_max: f64,
    /// Transient iterations (forcing periods for a flow; default 500 for the sine map, 200 for
    /// the flow).
    #[arg(long)]
    pub transient: Option<usize>,
    /// Measured iterations (default 840 = lcm(1..8), which makes every q ≤ 8 plateau exact, for
    /// the sine map; 420 = lcm(1..7) for the flow).
    #[arg(long)]
    pub measured: Option<usize>,
    /// Largest denominator of the exact edges, labels and K = 1 figures.
    #[arg(long, default_value_t = 6)]
    pub q_max: u64,
    /// Largest denominator for the K = 1 locked measure and dimension.
    #[arg(long, default_value_t = 40)]
    pub q_max_measure: u64,
    /// RK4 steps per forcing period (flows).
    #[arg(long, default_value_t = 128)]
    pub steps_per_period: usize,
    /// Sharpness κ of the flow's forcing pulse (width ≈ 1/(2π√κ) periods; large κ approaches
    /// a kicked map).
    #[arg(long, default_value_t = 20.0)]
    pub pulse_sharpness: f64,
    /// Second harmonic s of the flow's phase-response curve sin θ + s·sin 2θ (with s = 0 the
    /// period map is a Möbius map and only the 0:1 and 1:1 tongues have width).
    #[arg(long, default_value_t = 0.5)]
    pub second_harmonic: f64,
    /// The result folder (default: the first free `runs/tongues-N`).
    #[arg(long, value_name = "DIR")]
    #[serde(skip)]
    pub out: Option<PathBuf>,
}

#[derive(Serialize)]
struct GridRow {
    omega: f64,
    k: f64,
    rho: f64,
}

#[derive(Serialize)]
struct EdgeRow {
    p: u64,
    q: u64,
    k: f64,
    lower: f64,
    upper: f64,
    width: f64,
}

#[derive(Serialize)]
struct Figures {
    grid_points: usize,
    critical: Option<CriticalFigures>,
}

/// The grid sizes of a system when the user gives none: the sine map's full grid, and for the
/// flow (128 RK4 steps per forcing period) one about 13× cheaper, about a minute on 2 cores
/// (issue 14: the flow took 15 minutes at the sine map's sizes, silently when piped).
fn default_sizes(system: System) -> (usize, usize, usize, usize) {
    match system {
        System::Sine => (300, 150, 500, 840),
        System::PrcForced => (120, 60, 200, 420),
    }
}

/// Runs `dgnn tongues`.
pub fn run(mut args: Args) -> anyhow::Result<()> {
    let (n_omega, n_k, transient, measured) = default_sizes(args.system);
    // The sizes used are what the result records.
    args.n_omega = Some(args.n_omega.unwrap_or(n_omega));
    args.n_k = Some(args.n_k.unwrap_or(n_k));
    args.transient = Some(args.transient.unwrap_or(transient));
    args.measured = Some(args.measured.unwrap_or(measured));
    let params = GridParams {
        n_omega: args.n_omega.unwrap_or(n_omega),
        n_k: args.n_k.unwrap_or(n_k),
        k_max: args.k_max,
        transient: args.transient.unwrap_or(transient),
        measured: args.measured.unwrap_or(measured),
        ..GridParams::default()
    };
    let spec = params.check().context("checking the grid")?;
    let folder = RunFolder::create_or_default(args.out.as_deref(), "tongues")?;
    let progress = TerminalProgress::new();
    let grid = match args.system {
        System::Sine => sine_grid(&spec, &progress),
        System::PrcForced => flow_grid(
            &spec,
            |o, k| PrcForced::new(TAU * o, k, args.pulse_sharpness, args.second_harmonic),
            args.steps_per_period,
            &progress,
        )?,
    };
    let rows: Vec<GridRow> =
        grid.points().map(|(omega, k, rho)| GridRow { omega, k, rho }).collect();
    folder.write_csv("grid.csv", &rows)?;
    let mut plot = heat_map(&grid, args.system, 8);
    let mut critical = None;
    if args.system == System::Sine {
        anyhow::ensure!(
            args.k_max <= 1.0,
            "exact edges need k_max ≤ 1 (the sine map is invertible only there)"
        );
        let (edge_rows, by_tongue) = edges(&args)?;
        folder.write_csv("edges.csv", &edge_rows)?;
        for (ratio, lower, upper) in &by_tongue {
            plot = plot.line("", lower.clone()).line("", upper.clone());
            if ratio.denom() <= 5
                && let (Some(l), Some(u)) = (lower.last(), upper.last())
            {
                let x = (0.5 * (l.0 + u.0) - 0.01).clamp(0.0, 0.97);
                plot = plot.label(x, args.k_max * 1.02, ratio.to_string());
            }
        }
        if (args.k_max - 1.0).abs() < 1e-12 {
            let figures = critical_figures(args.q_max_measure, &TerminalProgress::new())?;
            println!(
                "golden mean at K = 1: Ω_c = {:.15}, δ = {:.9} ± {:.1e} (Aitken's Δ² on the \
                 convergence ratios up to F_n = {})",
                figures.golden_mean_omega_c,
                figures.golden_mean_delta,
                figures.golden_mean_delta_error,
                figures.golden_mean_delta_denominator
            );
            critical = Some(figures);
        }
    }
    folder.write_plot("tongues", &plot.y_range(0.0, args.k_max * 1.06))?;
    let figures = Figures { grid_points: rows.len(), critical };
    folder.write_envelope(&Envelope::new("tongues", VERSION, None, &args, &figures))?;
    println!("{} grid points; results in {}", figures.grid_points, folder.path().display());
    Ok(())
}

/// Cells locked to some p/q with q ≤ `q_max` (|ρ − p/q| below 1e-6), coloured by q; unlocked
/// cells stay white, so the tongues stand out.
fn heat_map(grid: &TongueGrid, system: System, q_max: u64) -> Plot {
    let d_omega = grid.omegas.get(1).map_or(1.0, |o| o - grid.omegas[0]);
    let d_k = if grid.ks.len() > 1 { grid.ks[1] - grid.ks[0] } else { 1.0 };
    let cells = grid
        .points()
        .filter_map(|(o, k, w)| {
            locked_denominator(w, q_max, 1e-6).map(|q| Cell {
                x0: o,
                x1: o + d_omega,
                y0: k - 0.5 * d_k,
                y1: k + 0.5 * d_k,
                value: q as f64,
            })
        })
        .collect();
    let title = match system {
        System::Sine => "Arnold tongues of the sine circle map (lines: exact saddle-node edges)",
        System::PrcForced => {
            "Arnold tongues of the pulse-forced flow dθ/dt = 2πΩ − K·P(t)·(sin θ + s sin 2θ)"
        }
    };
    Plot::new(title)
        .x_label("Ω")
        .y_label("K")
        .size(1100, 700)
        .x_range(0.0, 1.0)
        .cells(cells, "q of the locked p/q")
}

type TongueLines = Vec<(Ratio, Vec<(f64, f64)>, Vec<(f64, f64)>)>;

/// Exact edges at 24 K values in (0, k_max] for every p/q with q ≤ q_max: the CSV rows (K by
/// K) and each tongue's two edge lines from its tip at (p/q, 0).
fn edges(args: &Args) -> anyhow::Result<(Vec<EdgeRow>, TongueLines)> {
    let ks: Vec<f64> = (1..=24).map(|i| args.k_max * f64::from(i) / 24.0).collect();
    let curves = sine_tongue_edges(&ks, args.q_max, &NoProgress)?;
    let mut rows = Vec::new();
    for (j, &k) in ks.iter().enumerate() {
        for curve in &curves {
            let (lower, upper) = (curve.lower[j], curve.upper[j]);
            let (p, q) = (curve.ratio.numer(), curve.ratio.denom());
            rows.push(EdgeRow { p, q, k, lower, upper, width: upper - lower });
        }
    }
    let lines = curves
        .iter()
        .map(|curve| {
            let tip = (curve.ratio.value(), 0.0);
            let line = |edge: &[f64]| {
                std::iter::once(tip)
                    .chain(edge.iter().copied().zip(curve.ks.iter().copied()))
                    .collect()
            };
            (curve.ratio, line(&curve.lower), line(&curve.upper))
        })
        .collect();
    Ok((rows, lines))
}
