//! `cargo xtask search-scaling`: how the wall time of `dgnn search` grows with the rows of the
//! table, its features and the population (issue 15), measured with the release binary on
//! tables of known structure ([`crate::big_data`]), fitted as power laws and drawn log-log.
//!
//! Three series, each varying one size from the reference point (100 000 rows, 50 features,
//! population 40): rows 1e3 … 1e6, features 10 … 200, population 20 … 80. Every run is the
//! default search with 10 generations (the default budget is 40: the growth, not the total, is
//! measured), seed 2026, all threads of the machine. For each series the exponent is the
//! least-squares slope of ln(seconds) on ln(size). Writes `docs/search-scaling.md` and
//! `docs/search-scaling.{png,svg}`, and keeps the tables and runs in `target/search-scaling/`.

use crate::big_data::{Shape, write_table};
use anyhow::{Context, Result, bail};
use dgnn_plot::Plot;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// Generations of every scaling run.
const GENERATIONS: usize = 10;

/// The reference point: (rows, features, population).
const REFERENCE: (usize, usize, usize) = (100_000, 50, 40);

/// One measured run.
struct Point {
    series: &'static str,
    size: usize,
    rows: usize,
    features: usize,
    population: usize,
    seconds: f64,
    peak_bytes: Option<u64>,
}

/// `cargo xtask search-scaling` (module docs).
pub fn search_scaling(root: &Path) -> Result<()> {
    crate::run(root, "cargo", &["build", "--release", "--bin", "dgnn"])?;
    let binary = crate::release_binary(root);
    let work = root.join("target/search-scaling");
    std::fs::create_dir_all(&work)?;
    let (rows0, features0, population0) = REFERENCE;
    let mut plan: Vec<(&'static str, usize, usize, usize, usize)> = Vec::new();
    for rows in [1_000, 10_000, 100_000, 1_000_000] {
        plan.push(("rows", rows, rows, features0, population0));
    }
    for features in [10, 50, 200] {
        plan.push(("features", features, rows0, features, population0));
    }
    for population in [20, 40, 80] {
        plan.push(("population", population, rows0, features0, population));
    }
    let mut points = Vec::new();
    for (series, size, rows, features, population) in plan {
        let table = work.join(format!("table-{rows}x{features}.csv"));
        if !table.exists() {
            eprintln!("search-scaling: writing {}", table.display());
            let shape = Shape { rows, features, ..Shape::default_into(table.clone()) };
            write_table(&shape, false)?;
        }
        let name = format!("{series}-{size}");
        let config = work.join(format!("{name}.ron"));
        std::fs::write(
            &config,
            format!(
                "(seed: 2026, data: Csv(path: {:?}, label: Name(\"label\")), \
                 evolution: (population: {population}, generations: {GENERATIONS}))",
                table.display().to_string()
            ),
        )?;
        let out = work.join(format!("run-{name}"));
        if out.exists() {
            std::fs::remove_dir_all(&out)?;
        }
        eprintln!(
            "search-scaling: {series} = {size} ({rows} rows × {features}, population {population})"
        );
        let started = Instant::now();
        let output = Command::new(&binary)
            .arg("search")
            .arg(&config)
            .arg("--out")
            .arg(&out)
            .output()
            .context("running dgnn search")?;
        let seconds = started.elapsed().as_secs_f64();
        if !output.status.success() {
            bail!("dgnn search on {name} failed: {}", String::from_utf8_lossy(&output.stderr));
        }
        let result: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("result.json"))?)?;
        let peak_bytes = result["provenance"]["peak_memory_bytes"].as_u64();
        eprintln!("search-scaling: {seconds:.1} s");
        points.push(Point { series, size, rows, features, population, seconds, peak_bytes });
    }
    write_report(root, &points)
}

/// The least-squares slope of ln(seconds) on ln(size) of one series.
fn exponent(points: &[&Point]) -> f64 {
    let xy: Vec<(f64, f64)> =
        points.iter().map(|p| ((p.size as f64).ln(), p.seconds.ln())).collect();
    slope(&xy)
}

/// The least-squares slope of `y` on `x`.
fn slope(xy: &[(f64, f64)]) -> f64 {
    let n = xy.len() as f64;
    let (mx, my) =
        (xy.iter().map(|p| p.0).sum::<f64>() / n, xy.iter().map(|p| p.1).sum::<f64>() / n);
    let sxy: f64 = xy.iter().map(|(x, y)| (x - mx) * (y - my)).sum();
    let sxx: f64 = xy.iter().map(|(x, _)| (x - mx).powi(2)).sum();
    sxy / sxx
}

fn write_report(root: &Path, points: &[Point]) -> Result<()> {
    let mut plot = Plot::new("dgnn search: wall time against size (log-log)")
        .x_label("log₁₀(size / smallest size of the series)")
        .y_label("log₁₀(wall seconds)");
    let mut md = String::from(
        "# How `dgnn search` grows with the data and the population\n\n\
         Measured by `cargo xtask search-scaling` on this machine (2 cores): the default search \
         with 10 generations (the default budget is 40) on tables of known structure from \
         `cargo xtask make-big-data` (5 classes, the first 5 features informative), varying one \
         size at a time from 100 000 rows × 50 features, population 40. The exponent is the \
         least-squares slope of ln(seconds) on ln(size). Rows beyond the row caps \
         (`estimation.max_training_rows` 20 000, `max_validation_rows` 10 000, low-fidelity \
         `max_rows` 5 000) cost only reading, splitting and the final test measurement.\n\n\
         | series | exponent |\n|---|---|\n",
    );
    let mut table = String::from(
        "\n| series | size | rows | features | population | wall s | peak memory MB |\n\
         |---|---|---|---|---|---|---|\n",
    );
    for series in ["rows", "features", "population"] {
        let of: Vec<&Point> = points.iter().filter(|p| p.series == series).collect();
        let k = exponent(&of);
        writeln!(md, "| {series} | {k:.2} |")?;
        let first = of.first().map_or(1.0, |p| p.size as f64);
        let line: Vec<(f64, f64)> =
            of.iter().map(|p| ((p.size as f64 / first).log10(), p.seconds.log10())).collect();
        plot = plot.line(format!("{series} (exponent {k:.2})"), line.clone());
        plot = plot.points(format!("{series} measured"), line);
        for p in of {
            writeln!(
                table,
                "| {series} | {} | {} | {} | {} | {:.1} | {} |",
                p.size,
                p.rows,
                p.features,
                p.population,
                p.seconds,
                p.peak_bytes.map_or_else(|| "-".into(), |b| format!("{:.0}", b as f64 / 1e6))
            )?;
        }
    }
    md.push_str(&table);
    md.push_str("\n![Wall time against size, log-log](search-scaling.png)\n");
    let docs = root.join("docs");
    plot.save_both(&docs, "search-scaling").context("drawing docs/search-scaling")?;
    std::fs::write(docs.join("search-scaling.md"), md)?;
    eprintln!("search-scaling: wrote docs/search-scaling.md and docs/search-scaling.png");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_slope_of_a_power_law_is_its_exponent() {
        let xy: Vec<(f64, f64)> =
            [1.0f64, 10.0, 100.0].iter().map(|x| (x.ln(), (3.0 * x.powf(0.7)).ln())).collect();
        assert!((slope(&xy) - 0.7).abs() < 1e-12);
    }
}
