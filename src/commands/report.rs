//! `dgnn report RUN_DIR`: redraws the pictures and the text summary of a finished search from
//! its machine-readable `result.json`, so a run can be re-plotted (or plotted again by a newer
//! dgnn) without re-running it. `dgnn search` draws through the same functions.
//!
//! Pictures (SVG + PNG): `front` — the energy–information front on the validation part, each
//! network coloured by its validation accuracy; `front_with_baseline` — the same beside the
//! baseline MLP; `hypervolume` — the normalised hypervolume of the population's front by
//! generation; `glia_ratio` — the glia:neuron ratio of the networks along the front.

use crate::commands::search::read_report;
use anyhow::Context;
use dgnn_nas::{EnergyUnit, MemberReport, SearchReport};
use dgnn_plot::Plot;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// Arguments of `dgnn report`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The folder of a finished `dgnn search` run.
    pub run_dir: PathBuf,
}

/// Runs `dgnn report`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let report = read_report(&args.run_dir)?;
    draw(&args.run_dir, &report)?;
    let summary = summary_text(&report);
    let path = args.run_dir.join("summary.txt");
    std::fs::write(&path, &summary).with_context(|| format!("writing {}", path.display()))?;
    println!("{summary}");
    println!("pictures redrawn in {}", args.run_dir.display());
    Ok(())
}

/// The energy of a member in the report's unit.
fn energy(report: &SearchReport, m: &MemberReport) -> f64 {
    match report.energy_unit {
        EnergyUnit::Atp => m.validation.energy_atp,
        EnergyUnit::Joules => m.validation.energy_joules,
    }
}

/// A power of ten that brings the largest energy into [1, 1000), and the axis label with it.
fn energy_scale(report: &SearchReport) -> (f64, String) {
    let largest = report
        .front
        .iter()
        .chain(std::iter::once(&report.baseline))
        .map(|m| energy(report, m))
        .fold(f64::MIN_POSITIVE, f64::max);
    let exponent = (largest.log10().floor() / 3.0).floor() * 3.0;
    let unit = match report.energy_unit {
        EnergyUnit::Atp => "ATP",
        EnergyUnit::Joules => "J",
    };
    (
        10f64.powf(exponent),
        format!("energy per inference (1e{exponent} {unit}, {})", report.energy_model),
    )
}

/// Draws the pictures of a search report into `dir` (SVG and PNG): `front` (the front alone,
/// so its members are told apart), `front_with_baseline` (the same beside the baseline MLP),
/// `hypervolume` and `glia_ratio`.
pub fn draw(dir: &Path, report: &SearchReport) -> anyhow::Result<()> {
    let (scale, energy_label) = energy_scale(report);
    let point = |m: &MemberReport| (energy(report, m) / scale, m.validation.information_bits);
    let front: Vec<(f64, f64)> = report.front.iter().map(point).collect();
    let coloured: Vec<(f64, f64, f64)> =
        report.front.iter().map(|m| (point(m).0, point(m).1, m.validation.accuracy)).collect();
    let base = point(&report.baseline);
    let front_plot = |title: String| {
        let mut plot = Plot::new(title)
            .x_label(energy_label.clone())
            .y_label("I(Y; Ŷ) on the validation part (bit)")
            .line("front", front.clone())
            .coloured_points(coloured.clone(), "validation accuracy");
        if let Some(m) = report.front.get(report.efficient) {
            let (x, y) = point(m);
            plot = plot.label(x, y, format!("  efficient: test acc {:.3}", m.test.accuracy));
        }
        plot
    };
    front_plot(format!(
        "energy–information front on {} (baseline MLP: {:.3} × 1e{}, I = {:.3} bit)",
        report.data.name,
        base.0,
        scale.log10().round(),
        base.1
    ))
    .save_both(dir, "front")
    .context("drawing the front")?;
    front_plot(format!(
        "front and baseline MLP on {} (H(Y) = {:.3} bit)",
        report.data.name, report.baseline.validation.label_entropy_bits
    ))
    .points("baseline MLP", vec![base])
    .save_both(dir, "front_with_baseline")
    .context("drawing the front with the baseline")?;

    let normalised = report.history.iter().all(|h| h.hypervolume_normalised.is_some());
    let hv: Vec<(f64, f64)> = report
        .history
        .iter()
        .filter_map(|h| {
            let value = if normalised { h.hypervolume_normalised } else { h.hypervolume };
            value.map(|v| (h.generation as f64, v))
        })
        .collect();
    if !hv.is_empty() {
        Plot::new("hypervolume of the population's front by generation")
            .x_label("generation")
            .y_label(if normalised {
                "hypervolume (normalised, reference = baseline)"
            } else {
                "hypervolume (objective units)"
            })
            .line("hypervolume", hv.clone())
            .points("generation", hv)
            .save_both(dir, "hypervolume")
            .context("drawing the hypervolume")?;
    }

    let ratios: Vec<(String, f64)> =
        report.front.iter().enumerate().map(|(i, m)| (format!("#{i}"), m.glia_ratio)).collect();
    if !ratios.is_empty() {
        Plot::new("glia:neuron ratio along the front (members by increasing energy)")
            .x_label("front member (see summary.txt)")
            .y_label("astrocytes per neuron")
            .category_bars("astrocytes per neuron", &ratios)
            .save_both(dir, "glia_ratio")
            .context("drawing the glia ratio")?;
    }
    Ok(())
}

/// `, N contexts` for data with several contexts (tasks), empty for one.
pub fn contexts_note(contexts: usize) -> String {
    if contexts > 1 { format!(", {contexts} contexts") } else { String::new() }
}

/// ` · by context A / B …` for a member of a multitask search, empty otherwise.
fn by_context(m: &MemberReport) -> String {
    if m.test_accuracy_by_context.is_empty() {
        return String::new();
    }
    let each: Vec<String> = m.test_accuracy_by_context.iter().map(|a| format!("{a:.4}")).collect();
    format!(" · by context {}", each.join(" / "))
}

/// The text summary of a search report (printed and written as `summary.txt`).
#[must_use]
pub fn summary_text(r: &SearchReport) -> String {
    let unit = match r.energy_unit {
        EnergyUnit::Atp => "ATP",
        EnergyUnit::Joules => "J",
    };
    let [train, validation, test, low] = r.data.parts;
    let contexts = contexts_note(r.data.contexts);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "dgnn search on {} ({} samples × {} features, {} classes{contexts}; train {train} / \
         validation {validation} / test {test}, low-fidelity subset {low})",
        r.data.name,
        r.data.samples,
        r.data.features,
        r.data.classes.len()
    );
    let _ = writeln!(
        s,
        "{} evaluations in {} generations ({} answered by the cache); energy model {}",
        r.evaluations, r.generations, r.cache_hits, r.energy_model
    );
    let energies: Vec<f64> = r.front.iter().map(|m| energy(r, m)).collect();
    let (lo, hi) =
        energies.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &e| (a.min(e), b.max(e)));
    let _ = writeln!(
        s,
        "front: {} networks, {lo:.3e} to {hi:.3e} {unit} per inference (max/min {:.2}); \
         normalised hypervolume {:.4}",
        r.front.len(),
        hi / lo,
        r.hypervolume_normalised
    );
    let _ = writeln!(s, "\n  #  energy ({unit})  I (bit)  val acc  test acc  glia:neuron  network");
    for (i, m) in r.front.iter().enumerate() {
        let _ = writeln!(
            s,
            "{i:>3}  {:>12.4e}  {:>7.4}  {:>7.4}  {:>8.4}  {:>11.2}  {}",
            energy(r, m),
            m.validation.information_bits,
            m.validation.accuracy,
            m.test.accuracy,
            m.glia_ratio,
            m.summary
        );
    }
    let b = &r.baseline;
    let _ = writeln!(
        s,
        "  -  {:>12.4e}  {:>7.4}  {:>7.4}  {:>8.4}  {:>11.2}  baseline MLP: {}\n",
        energy(r, b),
        b.validation.information_bits,
        b.validation.accuracy,
        b.test.accuracy,
        b.glia_ratio,
        b.summary
    );
    if let (Some(best), Some(eff)) = (r.front.get(r.most_accurate), r.front.get(r.efficient)) {
        let _ = writeln!(
            s,
            "most accurate (#{}): test accuracy {:.4} (validation {:.4}){}",
            r.most_accurate,
            best.test.accuracy,
            best.validation.accuracy,
            by_context(best)
        );
        let _ = writeln!(
            s,
            "efficient (#{}, lowest energy within 1 point): test accuracy {:.4} at {:.3} × the \
             baseline's energy ({:.1}× less)",
            r.efficient,
            eff.test.accuracy,
            r.energy_ratio,
            1.0 / r.energy_ratio
        );
    }
    s
}
