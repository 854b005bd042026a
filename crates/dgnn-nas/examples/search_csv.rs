//! An energy-constrained architecture search on a CSV table, then its front: every network's
//! energy per inference, information, accuracies and architecture, beside the baseline MLP, and
//! the efficient network (`SearchReport::summary` prints the same as `dgnn search` does).
//!
//! Run with `cargo run --release -p dgnn-nas --example search_csv -- FILE.csv [LABEL]`, where
//! `LABEL` is the label column's header name (default: the last column). Without arguments it
//! writes a table of its own — points of the unit square, labelled by whether they lie inside a
//! disc of radius 0.35, a boundary no single straight cut follows — into a temporary folder and
//! searches that. Only `dgnn_nas` is used (and `tempfile` for the folder).

use dgnn_nas::{
    DataSource, LabelColumn, ParamGuard, RunOptions, Search, SearchConfig, SearchOutcome,
};
use std::path::PathBuf;

/// Writes the disc table (15 × 15 grid points, header `x,y,where`) into `dir`.
fn write_disc_table(dir: &std::path::Path) -> std::io::Result<PathBuf> {
    let mut csv = String::from("x,y,where\n");
    for i in 0..15 {
        for j in 0..15 {
            let (x, y) = (f64::from(i) / 14.0, f64::from(j) / 14.0);
            let inside = (x - 0.5).powi(2) + (y - 0.5).powi(2) < 0.35 * 0.35;
            csv.push_str(&format!("{x},{y},{}\n", if inside { "inside" } else { "outside" }));
        }
    }
    let path = dir.join("disc.csv");
    std::fs::write(&path, csv)?;
    Ok(path)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let folder = tempfile::tempdir()?;
    let mut args = std::env::args().skip(1);
    let (path, label) = match args.next() {
        Some(file) => {
            (PathBuf::from(file), args.next().map_or(LabelColumn::Last, LabelColumn::Name))
        }
        None => (write_disc_table(folder.path())?, LabelColumn::Name("where".into())),
    };

    // A small search: 16 networks of at most two regions of up to 8 neurons, 8 generations,
    // each network trained for 100 epochs at learning rate 0.05 (the table is small).
    let data = DataSource::Csv { path, label, header: Some(true), context: None };
    let mut config = SearchConfig { data, ..SearchConfig::default() };
    config.evolution.population = 16;
    config.evolution.generations = 8;
    config.estimation.training.epochs = 100;
    config.estimation.training.learning_rate = 0.05;
    config.space.regions = (1, 2);
    config.space.neurons = (1, 8);
    let config = config.check()?;
    let data = config.data.load()?;
    println!(
        "{}: {} samples × {} features, classes {:?}",
        data.name(),
        data.len(),
        data.n_features(),
        data.class_names()
    );

    let search = Search::new(config, &data)?;
    let baseline = search.measure_baseline()?;
    let result = match search.run(&baseline, RunOptions::default())? {
        SearchOutcome::Finished(result) => result,
        SearchOutcome::Stopped { generation, .. } => {
            return Err(format!("stopped after generation {generation}").into());
        }
    };
    let report = &result.report;
    println!("\nthe front by increasing energy, then the baseline MLP:");
    println!(
        "{:>12}  {:>8}  {:>7}  {:>8}  network",
        "energy (ATP)", "I (bit)", "val acc", "test acc"
    );
    for member in report.front.iter().chain(std::iter::once(&report.baseline)) {
        let v = &member.validation;
        println!(
            "{:>12.4e}  {:>8.4}  {:>7.4}  {:>8.4}  {}",
            v.energy_atp, v.information_bits, v.accuracy, member.test.accuracy, member.summary
        );
    }
    let efficient = &report.front[report.efficient];
    println!(
        "\nefficient (lowest energy within one point of the most accurate): {}\n  test accuracy \
         {:.4} at {:.3} × the baseline's energy",
        efficient.summary, efficient.test.accuracy, report.energy_ratio
    );
    Ok(())
}
