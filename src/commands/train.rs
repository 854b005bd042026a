//! `dgnn train [CONFIG.ron] [--dataset NAME | --data FILE --label COLUMN] [--out DIR]`: train one
//! described glia-neuron network and write a result folder.
//!
//! The data are split once (stratified, seeded) into a training and a held-out test part; the
//! network is trained on the training part (standardisation fitted there only), optionally
//! consolidated, then evaluated on both parts. The folder holds `result.json`/`result.ron` (the
//! envelope: command, version, seed, config, figures), `config.ron` (to re-run), `metrics.csv`,
//! `energy.csv` with bar charts by category and by region, `confusion.csv`, the trained
//! `model.ron`, and `training.csv` with loss and accuracy curves (SVG + PNG).
//! `dgnn train --example` prints the commented example config, which is also the default.
//! With several contexts (tasks, from a CSV `context` column) the test figures are also given
//! per context (`test_by_context`; a context without test samples is listed with no figures).
//!
//! With `folds: K` in the config (or `--folds K`), the same network, trainer and consolidation
//! are also cross-validated: stratified K-fold on the whole data set (seeded, each fold
//! standardised on its own training part, folds trained in parallel with bit-identical results
//! whatever the thread count). The folds' held-out figures go to `cross_validation.csv`, their
//! mean and standard deviation to `result.json` and the terminal.
//!
//! Training, consolidation, evaluation and cross-validation are dgnn-glia's
//! [`TrainingJob`]; this module reads the config, checks it, and writes what the job returns.

use crate::output::{RunFolder, TerminalProgress, VERSION};
use anyhow::{Context, bail};
use dgnn_core::{Envelope, Seed, Valid};
use dgnn_glia::data::{stratified_k_fold, stratified_split};
use dgnn_glia::network::{Layer, Territories};
use dgnn_glia::{
    AnyTrainer, Architecture, Consolidation, ConsolidationReport, ContextEvaluation,
    CrossValidationSummary, DataSource, Dataset, EnergyChoice, EnergyModel, EpochRecord,
    Evaluation, HeldOutResult, LabelColumn, ParamGuard, TrainConfig, TrainedNetwork, TrainerChoice,
    TrainingJob, ValidArchitecture,
};
use dgnn_plot::Plot;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Arguments of `dgnn train`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The RON config to run (default: the example of `--example`).
    pub config: Option<PathBuf>,
    /// Train on a bundled data set instead of the config's: iris, wine, wdbc, digits.
    #[arg(long, value_name = "NAME", conflicts_with = "data")]
    pub dataset: Option<String>,
    /// Train on your own CSV file instead of the config's data.
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
    /// The label column of `--data`: a header name or a 0-based index (default: the last).
    #[arg(long, value_name = "COLUMN", requires = "data")]
    pub label: Option<LabelColumn>,
    /// The context (task id) column of `--data`, for multitask networks with a phase layer: a
    /// header name or a 0-based index (default: none, one task).
    #[arg(long, value_name = "COLUMN", requires = "data")]
    pub context: Option<LabelColumn>,
    /// Override the config's master seed.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Also cross-validate with K stratified folds (overrides the config's `folds`).
    #[arg(long, value_name = "K")]
    pub folds: Option<usize>,
    /// The result folder (default: the first free `runs/train-N`).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Print the commented example config and exit.
    #[arg(long, conflicts_with = "config")]
    pub example: bool,
}

fn default_seed() -> u64 {
    1
}
fn default_data() -> DataSource {
    DataSource::Builtin("wdbc".into())
}
fn default_test_fraction() -> f64 {
    0.2
}
fn default_architecture() -> Architecture {
    Architecture::plain(&[16])
}

/// A `dgnn train` config; every field has a default (see `dgnn train --example`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Master seed of every random stream (default 1).
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// The data (default `Builtin("wdbc")`).
    #[serde(default = "default_data")]
    pub data: DataSource,
    /// Share of each class held out for testing (default 0.2).
    #[serde(default = "default_test_fraction")]
    pub test_fraction: f64,
    /// The network (default: one tanh region of 16 neurons).
    #[serde(default = "default_architecture")]
    pub architecture: Architecture,
    /// Gradient-training settings (defaults of `TrainConfig`).
    #[serde(default)]
    pub training: TrainConfig,
    /// The trainer (default `Gradient`).
    #[serde(default)]
    pub trainer: TrainerChoice,
    /// The energy model (default `Biological()` with published unit costs).
    #[serde(default)]
    pub energy: EnergyChoice,
    /// Sleep-like consolidation after training (default none).
    #[serde(default)]
    pub consolidation: Option<Consolidation>,
    /// Also cross-validate the same network, trainer and consolidation with this many
    /// stratified folds of the whole data set, ≥ 2 (default none).
    #[serde(default)]
    pub folds: Option<usize>,
}

/// The commented example config (also the default run).
pub const EXAMPLE: &str = r#"// dgnn train: one deep glial-neural network, trained and evaluated on held-out data.
(
    seed: 1,                      // master seed of every random stream (default 1)
    data: Builtin("wdbc"),        // iris | wine | wdbc | digits, or
                                  // Csv(path: "my.csv", label: Name("diagnosis"), header: Some(true))
                                  //   label: Last | Name("column") | Index(0)   (default Last)
                                  //   header: Some(true) | Some(false) | None = detect (default None)
                                  //   context: Name("task") | Index(2): task ids for multitask
                                  //     networks, which need phase.contexts = tasks (default None)
    test_fraction: 0.2,           // share of each class held out for testing, in (0, 1) (default 0.2)
    architecture: (
        regions: [                // hidden regions (layers), input side first
            (
                neurons: 16,      // ≥ 1
                glia_ratio: 2.0,  // astrocytes per neuron, (0, 10] (default 1.0; brain: 1 to 6)
                activation: tanh, // tanh | relu | sigmoid (default tanh)
                density: 1.0,     // share of synapses from the previous level, (0, 1] (default 1.0)
            ),
        ],
        astrocytes: None,         // the Porto-Pazos astrocyte rule, e.g.
                                  // (iterations: 6, threshold: 2, increase: 0.25, decrease: 0.5,
                                  //  consecutive: true, weight_limited: false,
                                  //  attenuated: false, global: false, active_above: 0.0)
        supply_per_astrocyte: None, // energy per astrocyte per step, in fully-active-neuron units;
                                  // territories that demand more are throttled (default None: unlimited)
        phase: None,              // phase-gated coupling, e.g.
                                  // (a: 1.0, b: 1.0, detuning: 0.0, coupling: 1.0, contexts: 1)
    ),
    training: (
        epochs: 200,              // ≥ 1 (default 200)
        batch_size: 32,           // ≥ 1 (default 32)
        learning_rate: 0.001,     // Adam step > 0 (default 1e-3)
        l2: 0.0001,               // L2 penalty, scikit-learn's alpha ≥ 0 (default 1e-4)
        early_stopping: (validation_fraction: 0.1, patience: 20, min_delta: 0.0001),
                                  // default None: train all epochs
        sample_budget: None,      // stop after this many sample presentations (default None)
    ),
    trainer: Gradient,            // Gradient | Genetic(population: 60, generations: 150,
                                  //   tournament: 3, crossover_rate: 0.9, mutation_rate: 0.05,
                                  //   mutation_scale: 0.2, elite: 2, init_scale: 1.0)
    energy: Biological(),         // Biological() (ATP, Attwell & Laughlin 2001) or
                                  // Hardware() (Horowitz 2014, 45 nm); fields inside override
                                  // unit costs, e.g. Biological(atp_per_spike: 1.2e8)
    consolidation: None,          // sleep-like down-selection, e.g.
                                  // (prune_fraction: 0.2, energy_budget_joules: None,
                                  //  max_prune_fraction: 0.9, fine_tune_epochs: 30,
                                  //  learning_rate: 0.001)
    folds: None,                  // also cross-validate with K stratified folds of all the
                                  // data, e.g. 5 (default None; `--folds K` overrides)
)
"#;

/// Parses a config (RON with the `implicit_some` and `unwrap_variant_newtypes` extensions).
pub fn parse_config(text: &str) -> anyhow::Result<Config> {
    crate::config::parse_ron(text)
}

/// Reads and checks a train config as `dgnn train CONFIG` does before any work (parse, then
/// the network, trainer, energy model and consolidation checks); data files are not opened.
/// The fuzz harness's entry.
///
/// # Errors
/// The refusal `dgnn train` would print.
pub fn check_config_text(text: &str) -> anyhow::Result<()> {
    let config = parse_config(text)?;
    CheckedParts::of(&config, "the config").map(|_| ())
}

/// The headline figures of one evaluation.
#[derive(Debug, Clone, Serialize)]
struct Summary {
    samples: usize,
    accuracy: f64,
    mutual_information_bits: f64,
    label_entropy_bits: f64,
    cross_entropy_nats: f64,
    energy_per_inference_joules: f64,
    atp_per_inference: f64,
    bits_per_joule: f64,
    bits_per_atp: f64,
}

impl From<&Evaluation> for Summary {
    fn from(e: &Evaluation) -> Self {
        Self {
            samples: e.samples,
            accuracy: e.accuracy,
            mutual_information_bits: e.mutual_information.value(),
            label_entropy_bits: e.label_entropy.value(),
            cross_entropy_nats: e.cross_entropy,
            energy_per_inference_joules: e.energy_per_inference.value(),
            atp_per_inference: e.atp_per_inference.value(),
            bits_per_joule: e.bits_per_joule,
            bits_per_atp: e.bits_per_atp,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
struct PhaseSummary {
    attractors_per_unit: usize,
    network_attractors_log2: f64,
    distinct_context_states: usize,
}

#[derive(Debug, Clone, Serialize)]
struct Figures {
    dataset: String,
    classes: Vec<String>,
    synapses: usize,
    astrocytes: usize,
    parameters: usize,
    epochs_run: usize,
    best_epoch: usize,
    stopped_early: bool,
    energy_model: String,
    test: Summary,
    train: Summary,
    phase: Option<PhaseSummary>,
    consolidation: Option<ConsolidationReport>,
    cross_validation: Option<CrossValidationSummary>,
    /// The held-out figures of each context (task), for data with several.
    test_by_context: Vec<ContextSummary>,
}

/// The held-out figures of the samples of one context (NaN, written as null, for a context
/// without test samples).
#[derive(Debug, Clone, Serialize)]
struct ContextSummary {
    context: usize,
    samples: usize,
    accuracy: f64,
    mutual_information_bits: f64,
}

impl From<&ContextEvaluation> for ContextSummary {
    fn from(c: &ContextEvaluation) -> Self {
        Self {
            context: c.context,
            samples: c.samples(),
            accuracy: c.accuracy(),
            mutual_information_bits: c.mutual_information().value(),
        }
    }
}

/// One fold's held-out figures, a row of `cross_validation.csv`.
#[derive(Serialize)]
struct FoldRow {
    fold: usize,
    test_samples: usize,
    accuracy: f64,
    mutual_information_bits: f64,
    energy_per_inference_joules: f64,
    atp_per_inference: f64,
}

#[derive(Serialize)]
struct EnergyRow<'a> {
    category: &'a str,
    region: String,
    joules: f64,
    atp: f64,
}

#[derive(Serialize)]
struct MetricRow<'a> {
    part: &'a str,
    metric: &'a str,
    value: f64,
}

fn load_config(args: &Args) -> anyhow::Result<(Config, String)> {
    let (mut config, source) = match &args.config {
        Some(path) => (crate::config::read_ron_file(path)?, path.display().to_string()),
        None => (parse_config(EXAMPLE).context("the bundled example")?, "the example".into()),
    };
    if let Some(name) = &args.dataset {
        config.data = DataSource::Builtin(name.clone());
    }
    if let Some(path) = &args.data {
        let label = args.label.clone().unwrap_or_default();
        let context = args.context.clone();
        config.data = DataSource::Csv { path: path.clone(), label, header: None, context };
    }
    if let Some(seed) = args.seed {
        config.seed = seed;
    }
    if let Some(folds) = args.folds {
        config.folds = Some(folds);
    }
    Ok((config, source))
}

/// The config's network, trainer, energy model and consolidation, checked.
struct CheckedParts {
    architecture: ValidArchitecture,
    trainer: AnyTrainer,
    energy: Valid<EnergyChoice>,
    consolidation: Option<Valid<Consolidation>>,
}

impl CheckedParts {
    fn of(config: &Config, source: &str) -> anyhow::Result<Self> {
        let architecture = config
            .architecture
            .clone()
            .check()
            .with_context(|| format!("checking {source}: architecture"))?;
        let training = config
            .training
            .clone()
            .check()
            .with_context(|| format!("checking {source}: training"))?;
        let trainer =
            config.trainer.check_with(&training).with_context(|| format!("checking {source}"))?;
        let consolidation = match &config.consolidation {
            Some(c) => Some(
                c.clone().check().with_context(|| format!("checking {source}: consolidation"))?,
            ),
            None => None,
        };
        let energy =
            config.energy.clone().check().with_context(|| format!("checking {source}: energy"))?;
        Ok(Self { architecture, trainer, energy, consolidation })
    }

    fn job(&self) -> TrainingJob<'_> {
        TrainingJob::new(&self.architecture, &self.trainer, &self.energy)
            .with_consolidation(self.consolidation.as_ref())
    }
}

/// The data and their training and test parts, refused before any folder exists when the
/// network cannot serve them or a part would be unusable.
struct Parts {
    /// The whole data set, kept only for cross-validation (`folds`): on large tables the two
    /// parts alone are what training needs in memory (issue 14).
    all: Option<Dataset>,
    train: Dataset,
    test: Dataset,
}

fn load_data(config: &Config, source: &str) -> anyhow::Result<Parts> {
    let data = config.data.load().context("loading the data")?;
    let served = config.architecture.contexts();
    if data.n_contexts() > served {
        bail!(
            "checking {source}: the data have {} contexts (tasks) but the network serves {served}: \
             set architecture.phase.contexts to {} (the phase layer is what tells the tasks apart)",
            data.n_contexts(),
            data.n_contexts()
        );
    }
    let seed = Seed(config.seed);
    let split = stratified_split(data.labels(), config.test_fraction, seed)
        .with_context(|| format!("checking {source}"))?;
    let (train, test) = (data.subset(&split.train), data.subset(&split.test));
    // Issue 14: a table too small for every class to be trained on and tested is refused, as
    // `dgnn search` refuses it (a 3-row table returned test accuracy 0 with status 0).
    let counts = data.class_counts();
    for (part, set) in [("training", &train), ("test", &test)] {
        let have = set.class_counts();
        if let Some(c) = (0..counts.len()).find(|&c| counts[c] > 0 && have[c] == 0) {
            bail!(
                "checking {source}: class `{}` has {} samples, too few to appear in the {part} \
                 part ({} samples in all): give every class at least 2 samples (more for a small \
                 test_fraction), or merge rare classes",
                data.class_names()[c],
                counts[c],
                data.len()
            );
        }
    }
    if train.class_counts().iter().filter(|&&c| c > 0).count() < 2 {
        bail!("the training part holds fewer than two classes: lower test_fraction");
    }
    if let Some(folds) = config.folds {
        stratified_k_fold(data.labels(), folds, seed)
            .with_context(|| format!("checking {source}: folds"))?;
    }
    let all = config.folds.is_some().then_some(data);
    Ok(Parts { all, train, test })
}

/// Runs `dgnn train`.
pub fn run(args: Args) -> anyhow::Result<()> {
    if args.example {
        print!("{EXAMPLE}");
        return Ok(());
    }
    let (config, source) = load_config(&args)?;
    // Check everything before creating the folder, so bad input leaves nothing behind.
    let checked = CheckedParts::of(&config, &source)?;
    let parts = load_data(&config, &source)?;
    let folder = RunFolder::create_or_default(args.out.as_deref(), "train")?;
    crate::config::write_ron_file(&folder.file("config.ron"), &config)?;
    let seed = Seed(config.seed);
    let job = checked.job();
    let held_out = job.train_and_test(&parts.train, &parts.test, seed, &TerminalProgress::new())?;
    // The test part carries the data set's name, classes and features.
    write_outputs(&folder, &held_out.network, &parts.test, &held_out.test, &held_out.train)?;
    let cross_validation = match config.folds {
        Some(folds) => {
            let all = parts.all.as_ref().context("the whole data set kept for folds")?;
            let cv = job.cross_validate(all, folds, seed, &TerminalProgress::new())?;
            folder.write_csv("cross_validation.csv", &fold_rows(&cv.folds))?;
            Some(cv.summary())
        }
        None => None,
    };
    let figures = figures(&parts.test, &checked.energy, held_out, cross_validation);
    folder.write_envelope(&Envelope::new("train", VERSION, Some(seed), &config, &figures))?;
    print_summary(&figures, &folder);
    Ok(())
}

/// The figures of `result.json`.
fn figures(
    data: &Dataset,
    energy: &dyn EnergyModel,
    held_out: HeldOutResult,
    cross_validation: Option<CrossValidationSummary>,
) -> Figures {
    let HeldOutResult { network: trained, consolidation, test, train, test_by_context } = held_out;
    let net = &trained.network;
    Figures {
        dataset: data.name().into(),
        classes: data.class_names().to_vec(),
        synapses: net.layers().iter().map(Layer::synapses).sum(),
        astrocytes: net.territories().iter().map(Territories::total_astrocytes).sum(),
        parameters: net.parameter_count(),
        epochs_run: trained.history.epochs.len(),
        best_epoch: trained.history.best_epoch,
        stopped_early: trained.history.stopped_early,
        energy_model: energy.name(),
        test: Summary::from(&test),
        train: Summary::from(&train),
        phase: net.phase().map(|p| PhaseSummary {
            attractors_per_unit: p.attractors_per_unit(),
            network_attractors_log2: p.network_attractors_log2(),
            distinct_context_states: p.distinct_context_states(),
        }),
        consolidation,
        cross_validation,
        test_by_context: test_by_context.iter().map(ContextSummary::from).collect(),
    }
}

/// The terminal lines of a run.
fn print_summary(figures: &Figures, folder: &RunFolder) {
    let test = &figures.test;
    println!(
        "test accuracy {:.4} · I(Y;Ŷ) {:.3} of {:.3} bits · {:.3e} J ({:.3e} ATP) per inference → {}",
        test.accuracy,
        test.mutual_information_bits,
        test.label_entropy_bits,
        test.energy_per_inference_joules,
        test.atp_per_inference,
        folder.path().display()
    );
    for c in &figures.test_by_context {
        if c.samples == 0 {
            println!("  context {}: no test samples", c.context);
            continue;
        }
        println!(
            "  context {}: test accuracy {:.4} on {} samples · I(Y;Ŷ) {:.3} bits",
            c.context, c.accuracy, c.samples, c.mutual_information_bits
        );
    }
    if let Some(cv) = &figures.cross_validation {
        println!(
            "{}-fold cross-validation: accuracy {:.4} ± {:.4} (sd over folds) · I(Y;Ŷ) {:.3} bits · {:.3e} ATP per inference",
            cv.folds,
            cv.mean_accuracy,
            cv.sd_accuracy,
            cv.mean_information_bits,
            cv.mean_atp_per_inference
        );
    }
}

/// The rows of `cross_validation.csv`.
fn fold_rows(folds: &[Evaluation]) -> Vec<FoldRow> {
    folds
        .iter()
        .enumerate()
        .map(|(fold, e)| FoldRow {
            fold,
            test_samples: e.samples,
            accuracy: e.accuracy,
            mutual_information_bits: e.mutual_information.value(),
            energy_per_inference_joules: e.energy_per_inference.value(),
            atp_per_inference: e.atp_per_inference.value(),
        })
        .collect()
}

fn write_outputs(
    folder: &RunFolder,
    trained: &TrainedNetwork,
    data: &Dataset,
    test: &Evaluation,
    train: &Evaluation,
) -> anyhow::Result<()> {
    trained.save(&folder.file("model.ron"))?;
    let mut metrics = Vec::new();
    for (part, e) in [("test", test), ("train", train)] {
        for (metric, value) in [
            ("accuracy", e.accuracy),
            ("mutual_information_bits", e.mutual_information.value()),
            ("label_entropy_bits", e.label_entropy.value()),
            ("cross_entropy_nats", e.cross_entropy),
            ("energy_per_inference_joules", e.energy_per_inference.value()),
            ("atp_per_inference", e.atp_per_inference.value()),
            ("bits_per_joule", e.bits_per_joule),
            ("bits_per_atp", e.bits_per_atp),
        ] {
            metrics.push(MetricRow { part, metric, value });
        }
    }
    folder.write_csv("metrics.csv", &metrics)?;
    let joules_per_atp = dgnn_core::units::JOULES_PER_ATP;
    let rows: Vec<EnergyRow> = test
        .energy
        .items
        .iter()
        .map(|i| EnergyRow {
            category: i.category.name(),
            region: i.region.to_string(),
            joules: i.joules,
            atp: i.joules / joules_per_atp,
        })
        .collect();
    folder.write_csv("energy.csv", &rows)?;
    let bars = |parts: Vec<(String, dgnn_core::Joules)>| -> Vec<(String, f64)> {
        parts.into_iter().map(|(k, j)| (k, j.value())).collect()
    };
    let by_category =
        test.energy.by_category().into_iter().map(|(c, j)| (c.to_string(), j)).collect();
    let by_region = test.energy.by_region().into_iter().map(|(r, j)| (r.to_string(), j)).collect();
    folder.write_plot(
        "energy_by_category",
        &Plot::new(format!("energy per inference by category ({})", test.energy.model))
            .y_label("J per inference")
            .category_bars("energy", &bars(by_category)),
    )?;
    folder.write_plot(
        "energy_by_region",
        &Plot::new(format!("energy per inference by region ({})", test.energy.model))
            .y_label("J per inference")
            .category_bars("energy", &bars(by_region)),
    )?;
    let classes = data.class_names();
    let mut confusion = csv::Writer::from_path(folder.file("confusion.csv"))?;
    let mut header = vec!["true \\ predicted".to_string()];
    header.extend(classes.iter().cloned());
    confusion.write_record(&header)?;
    for (t, name) in classes.iter().enumerate() {
        let mut row = vec![name.clone()];
        row.extend((0..classes.len()).map(|p| test.confusion.get(t, p).to_string()));
        confusion.write_record(&row)?;
    }
    confusion.flush()?;
    let history = &trained.history.epochs;
    folder.write_csv("training.csv", history)?;
    let series = |f: &dyn Fn(&EpochRecord) -> Option<f64>| -> Vec<(f64, f64)> {
        history.iter().filter_map(|e| f(e).map(|v| (e.epoch as f64, v))).collect()
    };
    // One curve per quantity: training, and validation when early stopping held some out.
    let curve = |title: &str, train: Vec<(f64, f64)>, validation: Vec<(f64, f64)>| {
        let plot = Plot::new(title).x_label("epoch").y_label(title).line("train", train);
        if validation.is_empty() { plot } else { plot.line("validation", validation) }
    };
    folder.write_plot(
        "training_loss",
        &curve("loss", series(&|e| Some(e.train_loss)), series(&|e| e.validation_loss)),
    )?;
    folder.write_plot(
        "training_accuracy",
        &curve("accuracy", series(&|e| Some(e.train_accuracy)), series(&|e| e.validation_accuracy)),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_config_parses_and_checks() {
        let config = parse_config(EXAMPLE).unwrap();
        assert!(config.architecture.clone().check().is_ok());
        assert!(config.training.clone().check().is_ok());
        assert_eq!(config.data, DataSource::Builtin("wdbc".into()));
        assert!(CheckedParts::of(&config, "the example").is_ok());
    }
}
