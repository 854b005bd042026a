//! Train a glia-neuron network on a CSV table and evaluate it: held-out figures, energy by
//! category and region, and 5-fold cross-validation.
//!
//! Run with `cargo run --release -p dgnn-glia --example train_csv -- FILE.csv [LABEL]`, where
//! `LABEL` is the label column's header name (default: the last column). Without arguments it
//! runs on the bundled WDBC table. Only `dgnn_glia` is used.

use dgnn_glia::{
    Architecture, BiologicalEnergy, CsvOptions, Dataset, GliaError, LabelColumn, NoProgress,
    ParamGuard, Region, Seed, TrainConfig, TrainingJob, stratified_split,
};
use std::path::Path;

fn main() -> Result<(), GliaError> {
    let mut args = std::env::args().skip(1);
    let data = match args.next() {
        Some(file) => {
            let label = args.next().map_or(LabelColumn::Last, LabelColumn::Name);
            Dataset::from_csv(Path::new(&file), &CsvOptions { label, ..CsvOptions::default() })?
        }
        None => Dataset::builtin("wdbc")?,
    };
    println!(
        "{}: {} samples × {} features, classes {:?}",
        data.name(),
        data.len(),
        data.n_features(),
        data.class_names()
    );

    // One region of 16 tanh neurons with two astrocytes each, Adam for 100 epochs, ATP prices.
    let architecture = Architecture {
        regions: vec![Region { glia_ratio: 2.0, ..Region::dense(16) }],
        ..Architecture::plain(&[16])
    }
    .check()?;
    let adam = TrainConfig { epochs: 100, ..TrainConfig::default() }.check()?;
    let energy = BiologicalEnergy::default().check()?;
    let job = TrainingJob::new(&architecture, &adam, &energy);

    let seed = Seed(1);
    let split = stratified_split(data.labels(), 0.2, seed)?;
    let (train_part, test_part) = (data.subset(&split.train), data.subset(&split.test));
    let result = job.train_and_test(&train_part, &test_part, seed, &NoProgress)?;
    let test = &result.test;
    println!(
        "held out: accuracy {:.4} · I(Y;Ŷ) {:.3} of {:.3} bits · {:.3e} ATP per inference",
        test.accuracy,
        test.mutual_information.value(),
        test.label_entropy.value(),
        test.atp_per_inference.value()
    );
    for (category, joules) in test.energy.by_category() {
        println!("  {category:<11} {:.3e} J", joules.value());
    }
    for (region, joules) in test.energy.by_region() {
        println!("  {region:<11} {:.3e} J", joules.value());
    }

    let cv = job.cross_validate(&data, 5, seed, &NoProgress)?.summary();
    println!(
        "5-fold cross-validation: accuracy {:.4} ± {:.4} (sd over folds)",
        cv.mean_accuracy, cv.sd_accuracy
    );
    Ok(())
}
