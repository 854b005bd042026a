//! W7 `mlp-train` (docs/benchmarks.md): the inner training loop of the search, against
//! scikit-learn.
//!
//! WDBC, stratified 5-fold cross-validation (shuffled, fixed seed), features standardised on each
//! training fold, a 30-16-2 network with tanh hidden units (softmax output), Adam lr 1e-3,
//! batch 32, 200 epochs, L2 1e-4, no early stopping, no astrocytes or phases. Timed: the five
//! fits and their held-out evaluations (the peer times its fits and predictions), folds in
//! parallel. Reported as the peer `mlp_train.py` does.

use super::{record, timed};
use dgnn_glia::{
    Architecture, BiologicalEnergy, Dataset, NoProgress, ParamGuard, Seed, TrainConfig,
    cross_validate,
};
use serde::Serialize;

/// Size flags of `dgnn bench mlp-train`.
#[derive(Debug, Clone, clap::Args, Serialize)]
pub struct Params {
    /// Hidden neurons.
    #[arg(long, default_value_t = 16)]
    pub hidden: usize,
    /// Training epochs.
    #[arg(long, default_value_t = 200)]
    pub epochs: usize,
    /// Mini-batch size.
    #[arg(long, default_value_t = 32)]
    pub batch: usize,
    /// Cross-validation folds.
    #[arg(long, default_value_t = 5)]
    pub folds: usize,
    /// Master seed (fold split and initialisation).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Repeat the timed run and report the fastest (as the peer's `--repeats`).
    #[arg(long, default_value_t = 1)]
    pub repeats: usize,
}

#[derive(Serialize)]
struct Fields {
    seconds_all: Vec<f64>,
    mean_test_accuracy: f64,
    fold_accuracies: Vec<f64>,
    sample_epochs_per_second: f64,
    mean_information_bits: f64,
}

/// Runs the workload and returns its JSON record.
pub fn run(params: &Params) -> anyhow::Result<serde_json::Value> {
    let data = Dataset::builtin("wdbc")?;
    let arch = Architecture::plain(&[params.hidden]).check()?;
    let config = TrainConfig {
        epochs: params.epochs,
        batch_size: params.batch,
        learning_rate: 1e-3,
        l2: 1e-4,
        early_stopping: None,
        sample_budget: None,
        ..TrainConfig::default()
    }
    .check()?;
    let energy = BiologicalEnergy::default().check()?;
    let mut runs = Vec::new();
    for _ in 0..params.repeats.max(1) {
        let (cv, seconds) = timed(|| {
            cross_validate(
                &arch,
                &data,
                &config,
                params.folds,
                Seed(params.seed),
                &energy,
                &NoProgress,
            )
        });
        runs.push((cv?, seconds));
    }
    let seconds_all: Vec<f64> = runs.iter().map(|r| r.1).collect();
    let seconds = seconds_all.iter().copied().fold(f64::INFINITY, f64::min);
    let cv = &runs[0].0;
    let fields = Fields {
        seconds_all,
        mean_test_accuracy: cv.mean_accuracy(),
        fold_accuracies: cv.folds.iter().map(|f| f.accuracy).collect(),
        sample_epochs_per_second: cv.samples_seen as f64 / seconds,
        mean_information_bits: cv.mean_information().value(),
    };
    Ok(record("mlp-train", params, seconds, &fields)?)
}
