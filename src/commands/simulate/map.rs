//! The attractor map of the extended HKB landscape over (b/a, δω/a).

use crate::output::RunFolder;
use anyhow::bail;
use dgnn_core::error::{at_least, finite};
use dgnn_core::{ParamError, Seed};
use dgnn_dynamics::TiltedHkb;
use dgnn_dynamics::landscape::{AttractorCount, attractor_map};
use dgnn_dynamics::network::evenly_spaced;
use dgnn_plot::{Cell, Plot};
use serde::Serialize;

use super::Figures;
use super::config::{Config, MapConfig};

fn axis(field: &str, low: f64, high: f64, count: usize) -> anyhow::Result<Vec<f64>> {
    finite(&format!("attractor_map.{field}_min"), low)?;
    finite(&format!("attractor_map.{field}_max"), high)?;
    at_least(&format!("attractor_map.{field}_count"), count, 1)?;
    if high < low {
        bail!(ParamError::new(
            format!("attractor_map.{field}_max"),
            high,
            format!("must be ≥ {field}_min = {low}")
        ));
    }
    Ok(evenly_spaced(low, high, count))
}

pub(super) fn map_axes(c: &MapConfig) -> anyhow::Result<(Vec<f64>, Vec<f64>)> {
    Ok((
        axis("b", c.b_min, c.b_max, c.b_count)?,
        axis("detuning", c.detuning_min, c.detuning_max, c.detuning_count)?,
    ))
}

#[derive(Debug, Serialize)]
pub(super) struct MapFigures {
    cells: usize,
    max_attractors: usize,
}

pub(super) fn map(c: &MapConfig, folder: &RunFolder, config: &Config) -> anyhow::Result<String> {
    let (bs, ds) = map_axes(c)?;
    let counts: Vec<AttractorCount> = attractor_map(&bs, &ds, |b, d| TiltedHkb::new(1.0, b, d))?;
    folder.write_csv("attractor_map.csv", &counts)?;
    let half = |v: &[f64]| if v.len() > 1 { 0.5 * (v[1] - v[0]) } else { 0.5 };
    let (hb, hd) = (half(&bs), half(&ds));
    let cells = counts
        .iter()
        .map(|a| Cell {
            x0: a.x - hb,
            x1: a.x + hb,
            y0: a.y - hd,
            y1: a.y + hd,
            value: a.attractors as f64,
        })
        .collect();
    folder.write_plot(
        "attractor_map",
        &Plot::new("number of attractors of −δω φ − cos φ − b cos 2φ")
            .x_label("b/a")
            .y_label("δω/a")
            .cells(cells, "attractors")
            .line("b/a = 1/4", vec![(0.25, ds[0] - hd), (0.25, ds[ds.len() - 1] + hd)]),
    )?;
    let figures = MapFigures {
        cells: counts.len(),
        max_attractors: counts.iter().map(|a| a.attractors).max().unwrap_or(0),
    };
    let summary = format!(
        "attractor map: {} cells, up to {} attractors",
        figures.cells, figures.max_attractors
    );
    super::write_figures(folder, Seed(config.seed), config, Figures::Map(figures))?;
    Ok(summary)
}
