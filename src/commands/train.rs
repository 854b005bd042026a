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
//! per context (`test_by_context`).
//!
//! With `folds: K` in the config (or `--folds K`), the same network, trainer and consolidation
//! are also cross-validated: stratified K-fold on the whole data set (seeded, each fold
//! standardised on its own training part, folds trained in parallel with bit-identical results
//! whatever the thread count). The folds' held-out figures go to `cross_validation.csv`, their
//! mean and standard deviation to `result.json` and the terminal.

use crate::output::{RunFolder, TerminalProgress, VERSION};
use anyhow::{Context, bail};
use dgnn_core::{Envelope, Progress, Seed};
use dgnn_glia::data::{stratified_k_fold, stratified_split};
use dgnn_glia::network::{Layer, Territories};
use dgnn_glia::train::EpochRecord;
use dgnn_glia::{
    Architecture, Consolidation, ConsolidationReport, DataSource, Dataset, EnergyChoice,
    Evaluation, GaConfig, LabelColumn, TrainConfig, TrainedNetwork, ValidArchitecture,
    ValidTrainConfig, consolidate, cross_validate_with, train, train_genetic,
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

/// Which trainer sets the weights.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub enum Trainer {
    /// Mini-batch Adam with the `training` settings (the default).
    #[default]
    Gradient,
    /// The genetic algorithm of the Porto-Pazos comparison.
    Genetic(GaConfig),
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
    pub trainer: Trainer,
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

/// The held-out figures of the samples of one context.
#[derive(Debug, Clone, Serialize)]
struct ContextSummary {
    context: usize,
    samples: usize,
    accuracy: f64,
    mutual_information_bits: f64,
}

/// The mean and spread of the folds' held-out figures.
#[derive(Debug, Clone, Serialize)]
struct CrossValidationSummary {
    folds: usize,
    mean_accuracy: f64,
    /// Sample standard deviation over the folds.
    sd_accuracy: f64,
    mean_information_bits: f64,
    mean_energy_per_inference_joules: f64,
    mean_atp_per_inference: f64,
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
    region: &'a str,
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

/// Runs `dgnn train`.
pub fn run(args: Args) -> anyhow::Result<()> {
    if args.example {
        print!("{EXAMPLE}");
        return Ok(());
    }
    let (config, source) = load_config(&args)?;
    // Check everything before creating the folder, so bad input leaves nothing behind.
    let arch =
        config.architecture.check().with_context(|| format!("checking {source}: architecture"))?;
    let training =
        config.training.check().with_context(|| format!("checking {source}: training"))?;
    if let Trainer::Genetic(ga) = &config.trainer {
        ga.check().with_context(|| format!("checking {source}: trainer"))?;
    }
    if let Some(c) = &config.consolidation {
        c.check().with_context(|| format!("checking {source}: consolidation"))?;
    }
    if let EnergyChoice::Biological(b) = &config.energy {
        b.check().with_context(|| format!("checking {source}: energy"))?;
    }
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
    let (train_set, test_set) = (data.subset(&split.train), data.subset(&split.test));
    if train_set.class_counts().iter().filter(|&&c| c > 0).count() < 2 {
        bail!("the training part holds fewer than two classes: lower test_fraction");
    }
    if let Some(folds) = config.folds {
        stratified_k_fold(data.labels(), folds, seed)
            .with_context(|| format!("checking {source}: folds"))?;
    }
    let folder = RunFolder::create_or_default(args.out.as_deref(), "train")?;
    crate::config::write_ron_file(&folder.file("config.ron"), &config)?;
    let progress = TerminalProgress::new();
    let energy = config.energy.model();
    let mut trained = match &config.trainer {
        Trainer::Gradient => train(&arch, &train_set, &training, seed, &progress)?,
        Trainer::Genetic(ga) => train_genetic(&arch, &train_set, ga, seed, &progress)?,
    };
    let mut consolidation = None;
    if let Some(c) = &config.consolidation {
        progress.message("consolidating");
        let (net, report) = consolidate(&trained, &train_set, c, energy, seed, &progress)?;
        trained = net;
        consolidation = Some(report);
    }
    let test = trained.evaluate(&test_set, energy)?;
    let train_eval = trained.evaluate(&train_set, energy)?;
    write_outputs(&folder, &trained, &data, &test, &train_eval)?;
    let mut test_by_context = Vec::new();
    if test_set.n_contexts() > 1 {
        for context in 0..test_set.n_contexts() {
            let rows = test_set.context_members(context);
            if rows.is_empty() {
                continue;
            }
            let e = trained.evaluate(&test_set.subset(&rows), energy)?;
            test_by_context.push(ContextSummary {
                context,
                samples: e.samples,
                accuracy: e.accuracy,
                mutual_information_bits: e.mutual_information.value(),
            });
        }
    }
    let cross_validation = match config.folds {
        Some(folds) => Some(cross_validate_run(&config, &arch, &training, &data, folds, &folder)?),
        None => None,
    };
    let net = &trained.network;
    let figures = Figures {
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
        train: Summary::from(&train_eval),
        phase: net.phase().map(|p| PhaseSummary {
            attractors_per_unit: p.attractors_per_unit(),
            network_attractors_log2: p.network_attractors_log2(),
            distinct_context_states: p.distinct_context_states(),
        }),
        consolidation,
        cross_validation: cross_validation.clone(),
        test_by_context: test_by_context.clone(),
    };
    folder.write_envelope(&Envelope::new("train", VERSION, Some(seed), &config, &figures))?;
    println!(
        "test accuracy {:.4} · I(Y;Ŷ) {:.3} of {:.3} bits · {:.3e} J ({:.3e} ATP) per inference → {}",
        test.accuracy,
        test.mutual_information.value(),
        test.label_entropy.value(),
        test.energy_per_inference.value(),
        test.atp_per_inference.value(),
        folder.path().display()
    );
    for c in &test_by_context {
        println!(
            "  context {}: test accuracy {:.4} on {} samples · I(Y;Ŷ) {:.3} bits",
            c.context, c.accuracy, c.samples, c.mutual_information_bits
        );
    }
    if let Some(cv) = &cross_validation {
        println!(
            "{}-fold cross-validation: accuracy {:.4} ± {:.4} (sd over folds) · I(Y;Ŷ) {:.3} bits · {:.3e} ATP per inference",
            cv.folds,
            cv.mean_accuracy,
            cv.sd_accuracy,
            cv.mean_information_bits,
            cv.mean_atp_per_inference
        );
    }
    Ok(())
}

/// Cross-validates the configured network, trainer and consolidation with `folds` stratified
/// folds of all of `data`, and writes `cross_validation.csv`.
fn cross_validate_run(
    config: &Config,
    arch: &ValidArchitecture,
    training: &ValidTrainConfig,
    data: &Dataset,
    folds: usize,
    folder: &RunFolder,
) -> anyhow::Result<CrossValidationSummary> {
    let energy = config.energy.model();
    let progress = TerminalProgress::new();
    let per_fold = match &config.trainer {
        Trainer::Gradient => training.get().epochs,
        Trainer::Genetic(ga) => ga.generations,
    } + config.consolidation.as_ref().map_or(0, |c| c.fine_tune_epochs);
    progress.start((folds * per_fold) as u64, "cross-validate");
    let cv = cross_validate_with(
        data,
        folds,
        Seed(config.seed),
        energy,
        &progress,
        &|part, fold_seed, p| {
            let net = match &config.trainer {
                Trainer::Gradient => train(arch, part, training, fold_seed, p)?,
                Trainer::Genetic(ga) => train_genetic(arch, part, ga, fold_seed, p)?,
            };
            match &config.consolidation {
                Some(c) => Ok(consolidate(&net, part, c, energy, fold_seed, p)?.0),
                None => Ok(net),
            }
        },
    )?;
    progress.finish();
    let rows: Vec<FoldRow> = cv
        .folds
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
        .collect();
    folder.write_csv("cross_validation.csv", &rows)?;
    let mean_accuracy = cv.mean_accuracy();
    let sd_accuracy = (rows.iter().map(|r| (r.accuracy - mean_accuracy).powi(2)).sum::<f64>()
        / (folds - 1) as f64)
        .sqrt();
    Ok(CrossValidationSummary {
        folds,
        mean_accuracy,
        sd_accuracy,
        mean_information_bits: cv.mean_information().value(),
        mean_energy_per_inference_joules: cv.mean_energy().value(),
        mean_atp_per_inference: rows.iter().map(|r| r.atp_per_inference).sum::<f64>()
            / folds as f64,
    })
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
            category: &i.category,
            region: &i.region,
            joules: i.joules,
            atp: i.joules / joules_per_atp,
        })
        .collect();
    folder.write_csv("energy.csv", &rows)?;
    let bars = |parts: Vec<(String, dgnn_core::Joules)>| -> Vec<(String, f64)> {
        parts.into_iter().map(|(k, j)| (k, j.value())).collect()
    };
    folder.write_plot(
        "energy_by_category",
        &Plot::new(format!("energy per inference by category ({})", test.energy.model))
            .y_label("J per inference")
            .category_bars("energy", &bars(test.energy.by_category())),
    )?;
    folder.write_plot(
        "energy_by_region",
        &Plot::new(format!("energy per inference by region ({})", test.energy.model))
            .y_label("J per inference")
            .category_bars("energy", &bars(test.energy.by_region())),
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
        assert!(config.architecture.check().is_ok());
        assert!(config.training.check().is_ok());
        assert_eq!(config.data, DataSource::Builtin("wdbc".into()));
    }
}
