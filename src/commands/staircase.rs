//! `dgnn staircase`: the devil's staircase ρ(Ω) of the sine circle map at one K, with its
//! exact plateaus (the tongues cut at that K) and the locked measure.
//!
//! Folder: `result.json`/`result.ron`, `staircase.csv` (Ω, ρ), `plateaus.csv` (p, q, lower,
//! upper, width), `staircase.svg`/`.png`.

use crate::output::{RunFolder, TerminalProgress, VERSION};
use anyhow::Context;
use dgnn_core::{Envelope, ParamGuard};
use dgnn_lock::staircase::{StaircaseParams, sine_staircase};
use dgnn_plot::Plot;
use serde::Serialize;
use std::path::PathBuf;

/// Arguments of `dgnn staircase`.
#[derive(Debug, Clone, clap::Args, Serialize)]
pub struct Args {
    /// The nonlinearity K (at most 1 for the exact plateaus).
    #[arg(long, default_value_t = 1.0)]
    pub k: f64,
    /// Ω samples over [0, 1).
    #[arg(long, default_value_t = 2000)]
    pub n_omega: usize,
    /// Transient iterations.
    #[arg(long, default_value_t = 500)]
    pub transient: usize,
    /// Measured iterations.
    #[arg(long, default_value_t = 2520)]
    pub measured: usize,
    /// Largest denominator of the exact plateaus.
    #[arg(long, default_value_t = 20)]
    pub q_max: u64,
    /// The result folder (default: the first free `runs/staircase-N`).
    #[arg(long, value_name = "DIR")]
    #[serde(skip)]
    pub out: Option<PathBuf>,
}

#[derive(Serialize)]
struct Point {
    omega: f64,
    rho: f64,
}

#[derive(Serialize)]
struct Plateau {
    p: u64,
    q: u64,
    lower: f64,
    upper: f64,
    width: f64,
}

#[derive(Serialize)]
struct Figures {
    locked_measure_q_le_q_max: f64,
    plateaus: usize,
}

/// Runs `dgnn staircase`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let params = StaircaseParams {
        k: args.k,
        n_omega: args.n_omega,
        transient: args.transient,
        measured: args.measured,
        q_max: args.q_max,
    }
    .check()
    .context("checking the staircase options")?;
    let folder = RunFolder::create_or_default(args.out.as_deref(), "staircase")?;
    let progress = TerminalProgress::new();
    let staircase = sine_staircase(&params, &progress)?;
    let points: Vec<Point> = staircase
        .omegas
        .iter()
        .zip(&staircase.rho)
        .map(|(&omega, &rho)| Point { omega, rho })
        .collect();
    folder.write_csv("staircase.csv", &points)?;
    let plateaus: Vec<Plateau> = staircase
        .plateaus()
        .map(|t| Plateau {
            p: t.ratio.numer(),
            q: t.ratio.denom(),
            lower: t.lower,
            upper: t.upper,
            width: t.width(),
        })
        .collect();
    folder.write_csv("plateaus.csv", &plateaus)?;
    let mut plot = Plot::new(format!("Devil's staircase of the sine circle map, K = {}", args.k))
        .x_label("Ω")
        .y_label("rotation number ρ")
        .x_range(0.0, 1.0)
        .y_range(0.0, 1.0)
        .line("ρ(Ω), iterated", points.iter().map(|p| (p.omega, p.rho)).collect());
    for (i, t) in staircase.tongues.iter().filter(|t| t.width() > 2e-3).enumerate() {
        let name = if i == 0 { "exact plateaus (q ≤ q_max)" } else { "" };
        let v = t.ratio.value();
        plot = plot.line(name, vec![(t.lower.max(0.0), v), (t.upper.min(1.0), v)]);
    }
    for t in staircase.tongues.iter().filter(|t| t.ratio.denom() <= 5 && t.width() > 5e-3) {
        plot = plot.label(
            (0.5 * (t.lower + t.upper)).clamp(0.02, 0.93),
            t.ratio.value() + 0.025,
            t.ratio.to_string(),
        );
    }
    folder.write_plot("staircase", &plot)?;
    let figures =
        Figures { locked_measure_q_le_q_max: staircase.locked_measure(), plateaus: plateaus.len() };
    folder.write_envelope(&Envelope::new("staircase", VERSION, None, &args, &figures))?;
    println!(
        "locked measure (q ≤ {}): {:.4}; wrote {}",
        args.q_max,
        figures.locked_measure_q_le_q_max,
        folder.path().display()
    );
    Ok(())
}
