//! Oscillator networks (optionally plastic) and the stability of their final locked state.

use crate::output::RunFolder;
use anyhow::Context;
use dgnn_core::error::{at_least, finite, in_range, non_negative};
use dgnn_core::{ParamError, ParamGuard, Progress, Seed, Valid};
use dgnn_dynamics::network::{
    Coupling, NetworkRunParams, PhaseNetwork, gaussian_quantiles, lorentzian_quantiles,
    simulate_network, uniform_phases,
};
use dgnn_dynamics::plasticity::{PlasticNetwork, simulate_plastic_network};
use dgnn_dynamics::stability::{LinearStability, LockParams, find_locked_state};
use dgnn_plot::Plot;
use serde::Serialize;

use super::Figures;
use super::config::{Config, CouplingConfig, FrequencyConfig, NetworkConfig, NetworkStart};

pub(super) enum BuiltNetwork {
    Fixed(PhaseNetwork),
    Plastic(Box<PlasticNetwork>),
}

pub(super) fn build_network(
    c: &NetworkConfig,
) -> anyhow::Result<(BuiltNetwork, Valid<NetworkRunParams>)> {
    let within = |e: ParamError| e.within("network");
    let omega = frequencies(&c.frequencies, "network.frequencies")?;
    let params = NetworkRunParams {
        dt: c.dt,
        steps: c.steps,
        record_every: c.record_every,
        scheme: c.scheme,
    }
    .check()
    .map_err(within)?;
    let n = omega.len();
    let built = match &c.plasticity {
        None => {
            let coupling = match &c.coupling {
                CouplingConfig::MeanField { strength } => {
                    Coupling::MeanField { strength: *strength }
                }
                CouplingConfig::Matrix(w) => Coupling::Matrix(w.clone()),
            };
            BuiltNetwork::Fixed(
                PhaseNetwork::new(omega, coupling, c.pair, c.noise).map_err(within)?,
            )
        }
        Some(p) => {
            let max = p.stdp.map_or(f64::INFINITY, |s| s.max_weight);
            if max.is_finite() {
                in_range("network.plasticity.initial_weight", p.initial_weight, 0.0, max)?;
            } else {
                non_negative("network.plasticity.initial_weight", p.initial_weight)?;
            }
            let weights =
                (0..n * n).map(|k| if k / n == k % n { 0.0 } else { p.initial_weight }).collect();
            BuiltNetwork::Plastic(Box::new(
                PlasticNetwork::new(
                    omega,
                    p.strength,
                    c.pair,
                    c.noise,
                    weights,
                    p.stdp,
                    p.structural,
                )
                .map_err(|e| e.within("network.plasticity"))?,
            ))
        }
    };
    let step = match &built {
        BuiltNetwork::Fixed(net) => net.check_step(&c.scheme, c.dt),
        BuiltNetwork::Plastic(net) => net.check_step(&c.scheme, c.dt),
    };
    step.map_err(within)?;
    if let NetworkStart::Fixed(theta) = &c.initial
        && theta.len() != n
    {
        return Err(ParamError::new(
            "network.initial",
            format!("{} values", theta.len()),
            format!("must hold one phase per unit ({n})"),
        )
        .into());
    }
    Ok((built, params))
}

/// The natural frequencies of a config (`field` names it in errors).
pub(super) fn frequencies(c: &FrequencyConfig, field: &str) -> anyhow::Result<Vec<f64>> {
    Ok(match c {
        FrequencyConfig::Lorentzian { center, half_width, count } => {
            finite(&format!("{field}.center"), *center)?;
            non_negative(&format!("{field}.half_width"), *half_width)?;
            at_least(&format!("{field}.count"), *count, 1)?;
            lorentzian_quantiles(*count, *center, *half_width)
        }
        FrequencyConfig::Gaussian { center, sigma, count } => {
            at_least(&format!("{field}.count"), *count, 1)?;
            gaussian_quantiles(*count, *center, *sigma).map_err(|e| e.within(field))?
        }
        FrequencyConfig::Values(v) => v.clone(),
    })
}

#[derive(Debug, Serialize)]
pub(super) struct NetworkFigures {
    units: usize,
    final_r: f64,
    mean_r_second_half: f64,
    final_mean_weight: Option<f64>,
    final_link_density: Option<f64>,
    stability: StabilityFigures,
}

/// Networks up to this size get the linear stability of the locked state nearest their final
/// phases (Newton's LU and the eigenvalues cost O(N³)).
const STABILITY_MAX_UNITS: usize = 400;

/// The phase-locked state of the noise-free drift (plastic weights frozen at their final values)
/// found by Newton from the final phases, and its linear stability (`dgnn_dynamics::stability`).
#[derive(Debug, Default, Serialize)]
struct StabilityFigures {
    /// Whether Newton found a locked state.
    locked: bool,
    /// Why not (Newton's message), or why the analysis was skipped.
    reason: Option<String>,
    /// Its common frequency Ω.
    frequency: Option<f64>,
    /// `max_i |f_i(θ*) − Ω|`.
    residual: Option<f64>,
    /// `max_i |θ*_i − θ_i − c|` (wrapped; `c` the circular mean offset): how far the final
    /// phases are from the locked state, up to a common rotation.
    distance_rad: Option<f64>,
    /// The largest real part of an eigenvalue other than the rotation mode's 0.
    largest_real_part: Option<f64>,
    /// Stable, Unstable or Marginal.
    stability: Option<LinearStability>,
}

#[derive(Debug, Serialize)]
struct EigenvalueRow {
    re: f64,
    im: f64,
}

/// Finds the locked state near `final_phases`, writes `stability.csv` and the `stability` plot
/// (eigenvalues in the complex plane) when there is one.
fn final_stability(
    net: &PhaseNetwork,
    final_phases: &[f64],
    folder: &RunFolder,
) -> anyhow::Result<StabilityFigures> {
    if net.len() > STABILITY_MAX_UNITS {
        let reason = format!("skipped above {STABILITY_MAX_UNITS} units (O(N³))");
        return Ok(StabilityFigures { reason: Some(reason), ..StabilityFigures::default() });
    }
    let locked = match find_locked_state(net, final_phases, &LockParams::default().check()?) {
        Ok(locked) => locked,
        Err(e) => {
            return Ok(StabilityFigures { reason: Some(e.to_string()), ..Default::default() });
        }
    };
    let offsets: Vec<f64> =
        locked.phases_rad.iter().zip(final_phases).map(|(a, b)| a - b).collect();
    let (_, c) = dgnn_dynamics::network::order_parameter(&offsets);
    let distance =
        offsets.iter().map(|d| dgnn_core::angle::wrap_pi(d - c).abs()).fold(0.0, f64::max);
    let rows: Vec<EigenvalueRow> =
        locked.spectrum.eigenvalues.iter().map(|z| EigenvalueRow { re: z.re, im: z.im }).collect();
    folder.write_csv("stability.csv", &rows)?;
    // The imaginary axis is in view (stability is the side of it), with room on the right for
    // the legend.
    let low = rows.iter().map(|r| r.re).fold(0.0, f64::min);
    let high = rows.iter().map(|r| r.re).fold(0.0, f64::max);
    let span = (high - low).max(1e-3);
    let height = rows.iter().map(|r| r.im.abs()).fold(0.0, f64::max).max(0.25 * span) * 1.2;
    let plot = Plot::new("eigenvalues at the locked state (rotation mode removed)")
        .x_label("Re λ")
        .y_label("Im λ")
        .x_range(low - 0.1 * span, high + 0.35 * span)
        .y_range(-height, height)
        .line("Re λ = 0", vec![(0.0, -height), (0.0, height)])
        .points("λ", rows.iter().map(|r| (r.re, r.im)).collect());
    folder.write_plot("stability", &plot)?;
    Ok(StabilityFigures {
        locked: true,
        reason: None,
        frequency: Some(locked.frequency),
        residual: Some(locked.residual),
        distance_rad: Some(distance),
        largest_real_part: locked.spectrum.largest_real_part(),
        stability: Some(locked.spectrum.stability()),
    })
}

#[derive(Debug, Serialize)]
struct OrderRow {
    t: f64,
    r: f64,
    psi_rad: f64,
    mean_weight: Option<f64>,
    link_density: Option<f64>,
}

pub(super) fn network(
    c: &NetworkConfig,
    seed: Seed,
    folder: &RunFolder,
    config: &Config,
    progress: &dyn Progress,
) -> anyhow::Result<String> {
    let (built, params) = build_network(c)?;
    let n = match &built {
        BuiltNetwork::Fixed(net) => net.len(),
        BuiltNetwork::Plastic(net) => net.len(),
    };
    let theta0 = match &c.initial {
        NetworkStart::Fixed(t) => t.clone(),
        NetworkStart::Uniform => uniform_phases(seed, "dynamics/network-initial", n),
    };
    let (rows, stability) = run_network(built, &theta0, &params, seed, folder, progress)?;
    write_order_parameter(folder, n, &rows)?;
    let half = &rows[rows.len() / 2..];
    let last = rows.last().context("no recorded state")?;
    let figures = NetworkFigures {
        units: n,
        final_r: last.r,
        mean_r_second_half: half.iter().map(|r| r.r).sum::<f64>() / half.len() as f64,
        final_mean_weight: last.mean_weight,
        final_link_density: last.link_density,
        stability,
    };
    let summary = network_summary(&figures);
    super::write_figures(folder, seed, config, Figures::Network(figures))?;
    Ok(summary)
}

/// Integrates the network (plastic or not) from `theta0`: the recorded order parameter (with
/// the mean weight and link density of a plastic network) and the stability of the locked
/// state nearest the final phases.
fn run_network(
    built: BuiltNetwork,
    theta0: &[f64],
    params: &Valid<NetworkRunParams>,
    seed: Seed,
    folder: &RunFolder,
    progress: &dyn Progress,
) -> anyhow::Result<(Vec<OrderRow>, StabilityFigures)> {
    Ok(match built {
        BuiltNetwork::Fixed(net) => {
            let run = simulate_network(&net, theta0, params, seed, progress)?;
            let stability = final_stability(&net, &run.final_phases, folder)?;
            let rows = (0..run.times.len())
                .map(|k| OrderRow {
                    t: run.times[k],
                    r: run.r[k],
                    psi_rad: run.psi[k],
                    mean_weight: None,
                    link_density: None,
                })
                .collect();
            (rows, stability)
        }
        BuiltNetwork::Plastic(mut net) => {
            let run = simulate_plastic_network(&mut net, theta0, params, seed, progress)?;
            let stability = final_stability(&net.phase_network(), &run.final_phases, folder)?;
            let rows = (0..run.times.len())
                .map(|k| OrderRow {
                    t: run.times[k],
                    r: run.r[k],
                    psi_rad: run.psi[k],
                    mean_weight: Some(run.mean_weight[k]),
                    link_density: Some(run.link_density[k]),
                })
                .collect();
            (rows, stability)
        }
    })
}

/// `order_parameter.csv` and the `order_parameter` plot (r, and for a plastic network the mean
/// weight and the link density, over time).
fn write_order_parameter(folder: &RunFolder, n: usize, rows: &[OrderRow]) -> anyhow::Result<()> {
    folder.write_csv("order_parameter.csv", rows)?;
    let mut plot = Plot::new(format!("order parameter of {n} oscillators"))
        .x_label("t")
        .y_label("r")
        .y_range(0.0, 1.05)
        .line("r(t)", rows.iter().map(|r| (r.t, r.r)).collect());
    if rows.iter().any(|r| r.mean_weight.is_some()) {
        plot = plot
            .line(
                "mean weight κ",
                rows.iter().filter_map(|r| r.mean_weight.map(|w| (r.t, w))).collect(),
            )
            .line(
                "link density",
                rows.iter().filter_map(|r| r.link_density.map(|d| (r.t, d))).collect(),
            );
    }
    folder.write_plot("order_parameter", &plot)?;
    Ok(())
}

/// The terminal summary of a network run.
fn network_summary(figures: &NetworkFigures) -> String {
    let mut summary = format!(
        "network of {} units: r(T) = {:.4}, mean r over the second half = {:.4}",
        figures.units, figures.final_r, figures.mean_r_second_half
    );
    if let (Some(w), Some(d)) = (figures.final_mean_weight, figures.final_link_density) {
        summary += &format!("; mean weight {w:.4}, link density {d:.4}");
    }
    let s = &figures.stability;
    summary += &match (s.stability, s.largest_real_part, s.distance_rad) {
        (Some(kind), Some(re), Some(d)) => format!(
            "\nlocked state of the noise-free drift {d:.3} rad from the final phases: {kind:?} \
             (largest non-neutral Re λ = {re:.4e}; stability.csv)"
        ),
        _ if s.locked => "\none unit: no relative phases to analyse".to_string(),
        _ => format!("\nnot phase-locked: {}", s.reason.as_deref().unwrap_or_default()),
    };
    summary
}

#[cfg(test)]
mod tests {
    use super::*;
    use dgnn_dynamics::network::PairCoupling;
    use std::f64::consts::PI;

    #[test]
    fn final_stability_reports_the_hkb_anti_phase_switch() {
        // Two units with W_12 = W_21 = k near anti-phase: the locked state is φ* = π with the
        // non-rotation eigenvalue −2k(4b − a) (Haken, Kelso & Bunz 1985; dgnn_dynamics::stability
        // docs): −1.6 (stable) for b = 0.5, +0.96 (unstable) for b = 0.1, with k = 0.8, a = 1.
        // Newton keeps θ_1 and moves θ_2 by 0.01, a distance of 0.005 up to the common rotation.
        let dir = tempfile::tempdir().unwrap();
        for (b, want) in [(0.5, LinearStability::Stable), (0.1, LinearStability::Unstable)] {
            let folder = RunFolder::create(&dir.path().join(format!("b{b}"))).unwrap();
            let net = PhaseNetwork::new(
                vec![0.0, 0.0],
                Coupling::Matrix(vec![0.0, 0.8, 0.8, 0.0]),
                PairCoupling { a: 1.0, b },
                0.0,
            )
            .unwrap();
            let figures = final_stability(&net, &[PI + 0.01, 0.0], &folder).unwrap();
            assert!(figures.locked && figures.stability == Some(want), "{figures:?}");
            let rate = -2.0 * 0.8 * (4.0 * b - 1.0);
            assert!((figures.largest_real_part.unwrap() - rate).abs() < 1e-12, "{figures:?}");
            assert!((figures.distance_rad.unwrap() - 0.005).abs() < 1e-9, "{figures:?}");
            let csv = std::fs::read_to_string(folder.path().join("stability.csv")).unwrap();
            assert_eq!(csv.lines().count(), 2, "{csv}");
            assert!(folder.path().join("stability.png").exists());
        }
    }
}
