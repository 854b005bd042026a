//! `dgnn report RUN_DIR`: redraws the pictures and the text summary of a finished search from
//! its machine-readable `result.json`, so a run can be re-plotted (or plotted again by a newer
//! dgnn) without re-running it. `dgnn search` draws through the same functions; the summary text
//! is dgnn-nas's `SearchReport::summary`.
//!
//! Pictures (SVG + PNG): `front` — the energy–information front on the validation part, each
//! network coloured by its validation accuracy; `front_with_baseline` — the same beside the
//! baseline MLP; `hypervolume` — the normalised hypervolume of the population's front by
//! generation; `glia_ratio` — the glia:neuron ratio of the networks along the front.

use anyhow::{Context, bail};
use dgnn_core::Envelope;
use dgnn_nas::{MemberReport, SearchReport};
use dgnn_plot::Plot;
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
    let summary = report.summary();
    let path = args.run_dir.join("summary.txt");
    std::fs::write(&path, &summary).with_context(|| format!("writing {}", path.display()))?;
    println!("{summary}");
    println!("pictures redrawn in {}", args.run_dir.display());
    Ok(())
}

/// Reads the report of a finished search run from its `result.json`.
pub fn read_report(dir: &Path) -> anyhow::Result<SearchReport> {
    let path = dir.join("result.json");
    let envelope: Envelope<serde_json::Value, SearchReport> = dgnn_core::envelope::read_json(&path)
        .with_context(|| {
            format!("reading {} (is {} a finished search run?)", path.display(), dir.display())
        })?;
    if envelope.tool != "dgnn" || envelope.command != "search" {
        bail!(
            "{} was written by `{} {}`, not by `dgnn search`",
            path.display(),
            envelope.tool,
            envelope.command
        );
    }
    Ok(envelope.figures)
}

/// How energies go on the x axis: divided by a power of ten that brings the largest into
/// [1, 1000), or, when the front and baseline span more than a factor of 10, as log₁₀ (issue 14:
/// a front from 4e8 to 5e9 ATP beside the baseline was a vertical line).
struct EnergyAxis {
    /// `Some(scale)`: linear, energies divided by `scale`; `None`: log₁₀ of the energy.
    scale: Option<f64>,
    label: String,
}

impl EnergyAxis {
    fn of(report: &SearchReport) -> Self {
        let energies: Vec<f64> = report
            .front
            .iter()
            .chain(std::iter::once(&report.baseline))
            .map(|m| report.energy_of(m))
            .collect();
        Self::for_energies(&energies, &format!("{}, {}", report.unit_symbol(), report.energy_model))
    }

    fn for_energies(energies: &[f64], units: &str) -> Self {
        let positive = || energies.iter().copied().filter(|e| e.is_finite() && *e > 0.0);
        let largest = positive().fold(f64::MIN_POSITIVE, f64::max);
        let smallest = positive().fold(f64::MAX, f64::min);
        if largest > 10.0 * smallest {
            return Self {
                scale: None, label: format!("log₁₀ energy per inference ({units})")
            };
        }
        let exponent = (largest.log10().floor() / 3.0).floor() * 3.0;
        Self {
            scale: Some(10f64.powf(exponent)),
            label: format!("energy per inference (1e{exponent} {units})"),
        }
    }

    fn x(&self, energy: f64) -> f64 {
        match self.scale {
            Some(scale) => energy / scale,
            None => energy.log10(),
        }
    }
}

/// Draws the pictures of a search report into `dir` (SVG and PNG): `front` (the front alone,
/// so its members are told apart), `front_with_baseline` (the same beside the baseline MLP),
/// `hypervolume` and `glia_ratio`.
pub fn draw(dir: &Path, report: &SearchReport) -> anyhow::Result<()> {
    let axis = EnergyAxis::of(report);
    let point = |m: &MemberReport| (axis.x(report.energy_of(m)), m.validation.information_bits);
    let front: Vec<(f64, f64)> = report.front.iter().map(point).collect();
    let coloured: Vec<(f64, f64, f64)> =
        report.front.iter().map(|m| (point(m).0, point(m).1, m.validation.accuracy)).collect();
    let base = point(&report.baseline);
    let front_plot = |title: String| {
        let mut plot = Plot::new(title)
            .x_label(axis.label.clone())
            .y_label("I(Y; Ŷ) on the validation part (bit)")
            .line("front", front.clone())
            .coloured_points(coloured.clone(), "validation accuracy");
        // No network is called efficient when none met the constraints.
        if let Some(m) = report.front.get(report.efficient).filter(|m| m.feasible) {
            let (x, y) = point(m);
            // Below and right of its marker, clear of the front's line, which rises to the right
            // (issue 14: the label covered the markers).
            let span = front
                .iter()
                .chain(std::iter::once(&base))
                .map(|p| p.1)
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), y| (lo.min(y), hi.max(y)));
            let drop = 0.04 * (span.1 - span.0).max(1e-9);
            plot = plot.label(x, y - drop, format!("↑ efficient: test acc {:.3}", m.test.accuracy));
        }
        plot
    };
    front_plot(format!(
        "energy–information front on {} (baseline MLP: {:.3e} {}, I = {:.3} bit)",
        report.data.name,
        report.energy_of(&report.baseline),
        report.unit_symbol(),
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
            // No legend: one series, named by the axis (a stray "generation" entry, issue 14).
            .line("", hv.clone())
            .points("", hv)
            .save_both(dir, "hypervolume")
            .context("drawing the hypervolume")?;
    }

    let ratios: Vec<(String, f64)> =
        report.front.iter().enumerate().map(|(i, m)| (format!("#{i}"), m.glia_ratio)).collect();
    if !ratios.is_empty() {
        Plot::new("glia:neuron ratio along the front (members by increasing energy)")
            .x_label("front member (see summary.txt)")
            .y_label("astrocytes per neuron")
            // No legend to cover the bars: the axis names the one series (issue 14).
            .category_bars("", &ratios)
            .save_both(dir, "glia_ratio")
            .context("drawing the glia ratio")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::EnergyAxis;

    #[test]
    fn energies_spanning_more_than_ten_times_go_on_a_log_axis() {
        let wide = EnergyAxis::for_energies(&[4.3e8, 5.3e9, 6.0e9], "ATP, biological");
        assert!(wide.scale.is_none() && wide.label.starts_with("log₁₀"));
        assert!((wide.x(1e9) - 9.0).abs() < 1e-12);
        // Within a factor of 10: linear, the largest brought into [1, 1000).
        let narrow = EnergyAxis::for_energies(&[4.0e8, 3.9e9], "ATP, biological");
        assert_eq!(narrow.scale, Some(1e9));
        assert!((narrow.x(3.9e9) - 3.9).abs() < 1e-12);
        assert!(narrow.label.contains("1e9 ATP"));
    }
}
