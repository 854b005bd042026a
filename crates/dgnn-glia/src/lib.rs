//! Deep glial-neural networks (DGNNs): data, the glia-neuron model, training, and what a network
//! costs (energy) and knows (information).
//!
//! The paper this project implements (`energy-constrained-nas-paper`) proposes searching over
//! networks whose units are neurons *and* astrocytes, whose function is energy-constrained first,
//! and whose relative phases gate what the weights do. This crate is that search space and its
//! performance estimate; `dgnn-nas` searches it.
//!
//! # Train and evaluate on your own table
//! ```
//! use dgnn_glia::{Architecture, BiologicalEnergy, CsvOptions, Dataset, LabelColumn, NoProgress};
//! use dgnn_glia::{ParamGuard, Region, Seed, TrainConfig, TrainingJob, stratified_split};
//!
//! // Two measurements and a label per row, with a header (a file: `Dataset::from_csv`).
//! let table = "length,width,size
//!     0.2,0.2,small   1.31,0.95,large  0.62,1.69,large  1.74,0.64,large
//!     1.05,1.38,large  0.36,0.33,small  1.47,1.07,large  0.79,1.82,large
//!     1.9,0.76,large   1.21,1.51,large  0.52,0.46,small  1.64,1.2,large
//!     0.95,1.95,large  0.26,0.89,small  1.37,1.64,large  0.69,0.58,small
//!     1.8,1.33,large   1.11,0.27,small  0.42,1.02,small  1.54,1.77,large
//!     0.85,0.71,small  1.96,1.46,large  1.27,0.4,small   0.59,1.15,small"
//!     .split_whitespace()
//!     .collect::<Vec<_>>()
//!     .join("\n");
//! let options = CsvOptions { label: LabelColumn::Name("size".into()), ..CsvOptions::default() };
//! let data = Dataset::from_csv_text(&table, "sizes", "sizes.csv", &options)?;
//!
//! // Hold out a quarter of each class (seeded), and describe the job: 8 tanh neurons with two
//! // astrocytes each, trained by Adam, priced in ATP. Checked parameters are their own types.
//! let split = stratified_split(data.labels(), 0.25, Seed(7))?;
//! let (train_part, test_part) = (data.subset(&split.train), data.subset(&split.test));
//! let architecture = Architecture {
//!     regions: vec![Region { glia_ratio: 2.0, ..Region::dense(8) }],
//!     ..Architecture::plain(&[8])
//! }
//! .check()?;
//! let adam = TrainConfig { epochs: 150, batch_size: 6, learning_rate: 0.02, ..TrainConfig::default() }
//!     .check()?;
//! let energy = BiologicalEnergy::default().check()?;
//!
//! let result = TrainingJob::new(&architecture, &adam, &energy)
//!     .train_and_test(&train_part, &test_part, Seed(7), &NoProgress)?;
//! assert_eq!(result.test.samples, 7); // round(¼ × 14) + round(¼ × 10)
//! assert!(result.test.accuracy >= 6.0 / 7.0, "held-out accuracy {}", result.test.accuracy);
//! assert!(result.test.atp_per_inference.value() > 0.0);
//! let model = result.network.to_ron()?; // what `TrainedNetwork::save` writes
//! # let _ = model;
//! # Ok::<(), dgnn_glia::GliaError>(())
//! ```
//! `examples/train_csv.rs` does the same on a CSV file (`cargo run -p dgnn-glia --example
//! train_csv -- FILE.csv LABEL`), with cross-validation; `examples/porto_pazos.rs` compares
//! networks with and without astrocytes trained by the genetic algorithm.
//!
//! # Models and sources
//! - Artificial astrocytes: Porto-Pazos et al. 2011 (PLoS ONE 6:e19109), Alvarellos-González et
//!   al. 2012 (Comput Math Methods Med 476324) — [`astrocyte`].
//! - Glia:neuron ratios 1:1 to 6:1, region specific (von Bartheld et al. 2016; Herculano-Houzel
//!   2014); astrocytic energy supply to neurons (Pellerin & Magistretti 1994) — [`network`].
//! - Phase-gated coupling on HKB landscapes (Haken, Kelso & Bunz 1985; Schöner & Kelso 1988),
//!   context-dependent gating (Masse et al. 2018) — [`phase`]; learnable phases (gradients
//!   through the gates, an attractor penalty, a final projection) — [`learn`].
//! - Metabolic energy: Attwell & Laughlin 2001, Howarth et al. 2012; hardware energy: Horowitz
//!   2014 — [`energy`].
//! - Information: plug-in mutual information of the confusion matrix (Cover & Thomas) — [`info`].
//! - Sleep-like synaptic down-selection: Tononi & Cirelli 2014/2020 — [`consolidate()`].
//!
//! # API map (for the search and other callers)
//! ```text
//! Dataset::builtin("wdbc") | Dataset::from_csv(path, &CsvOptions)     data (builtin, csv)
//!   stratified_split / stratified_k_fold (seeded)                     data::split
//! Dataset::conflicting_tasks(T, inputs)  T tasks on shared inputs; controls:
//!   .with_context_one_hot() (task=t columns) · .context_part(t) (one task alone)
//!   · .best_context_blind_accuracy() (⌈T/2⌉/T for conflicting tasks)
//! Architecture { regions: [Region { neurons, glia_ratio, activation, density }],
//!                astrocytes: Option<AstrocyteRule>, supply_per_astrocyte: Option<f64>,
//!                phase: Option<PhaseLayer> }  .check() -> ValidArchitecture   (ParamGuard)
//! TrainConfig { epochs, batch_size, learning_rate, l2, early_stopping, sample_budget,
//!                learn: Learn, phase_penalty }
//!                .check() -> ValidTrainConfig;  GaConfig .check() -> Valid<GaConfig>
//! Learn { Weights, Phases, WeightsAndPhases, UnitGains }  what Adam learns (learn: the phase
//!                trainer); Learn::learned_parameters(&network); History { learned, projection }
//! Trainer (trait): ValidTrainConfig (Adam), Valid<GaConfig> (GA), AnyTrainer;
//!                TrainerChoice { Gradient, Genetic(GaConfig) } for configs
//! EnergyModel (trait): Valid<BiologicalEnergy>, Valid<HardwareEnergy>, Valid<EnergyChoice>;
//!                items by EnergyCategory × RegionId
//! TrainingJob::new(&arch, &dyn Trainer, &dyn EnergyModel) [.with_consolidation(Some(&c))]
//!     .train(&data, seed, &dyn Progress) -> TrainedJob { network, consolidation }
//!     .train_and_test(&train, &test, seed, p) -> HeldOutResult { network, test, train,
//!                                               test_by_context, consolidation }
//!     .cross_validate(&data, folds, seed, p) -> CrossValidation  (folds in parallel,
//!                                               thread-count independent) .summary()
//! train(&arch, &data, &config, seed, p) / train_genetic(…) -> TrainedNetwork   (sequential)
//! TrainedNetwork::evaluate(&data, &dyn EnergyModel) -> Evaluation
//!     { accuracy, mutual_information, label_entropy, cross_entropy, confusion,
//!       activity, energy, energy_per_inference, atp_per_inference, bits_per_joule, bits_per_atp }
//! TrainedNetwork::evaluate_by_context(&data, energy) -> [ContextEvaluation]  (every context)
//! TrainedNetwork::{predict, probabilities, save, load}
//! TrainedNetwork::predict_file(path, &TableColumns { label, context, .. }, energy)
//!     -> Predictions { predicted, probabilities, energy_per_inference, evaluation (labelled) }
//! consolidate(&trained, &data, &Valid<Consolidation>, energy, seed, p)
//!     -> (TrainedNetwork, ConsolidationReport)
//! Network::{layers, set_parameters, phase() -> PhaseState { attractors_per_unit, … },
//!           unit_gains(), free_weights_and_biases(), hidden_neurons()}
//! ```
//! Every random choice draws from `Seed::stream(name, path)` with names under `glia/`; a search
//! trains many networks in parallel by calling a [`Trainer`] from rayon tasks, one seed each.
//! Low-fidelity estimates: `TrainConfig::sample_budget` caps the sample presentations.
//!
//! # Conventions
//! - Output: a softmax over the classes; for two classes the class-0 logit is held at 0, so
//!   the output is one logistic unit (scikit-learn's binary model, the W7 comparison).
//! - Forward and backward passes are hand-written register-blocked FMA loops over row-major
//!   arrays ([`network`]), written for the small products of the search (tens of units, batches
//!   of 32) with no allocation per batch; no general matrix library is involved.
//! - The softmax's and the sigmoid's exponentials are one vectorised `exp` over a batch: Tang's
//!   table method as written in ARM's optimized-routines (Szabolcs Nagy, 2018; glibc's `exp`
//!   since 2.28), performed with the fused multiply-adds of glibc's x86-64 FMA build, so it
//!   equals the C library's `exp` to the bit on x86-64 Linux with FMA (tested over the whole
//!   range) and is within 1 ulp of it elsewhere.
//! - Energies are per inference; information is per held-out sample (plug-in estimate).
//! - Parameters are checked in one step into their own types (`dgnn_core::ParamGuard`, re-exported
//!   here with the seeds, progress sinks and units a user of this crate alone needs); entry
//!   points take only checked types, and checked types read from files are checked as read.

pub mod arch;
pub mod astrocyte;
pub mod consolidate;
pub mod data;
pub mod energy;
mod error;
pub mod ga;
pub mod info;
pub mod job;
mod kernels;
pub mod learn;
pub mod model;
pub mod network;
pub mod phase;
pub mod predict;
pub mod train;
pub mod trained;

pub use arch::{Activation, Architecture, Region, ValidArchitecture};
pub use astrocyte::AstrocyteRule;
pub use consolidate::{Consolidation, ConsolidationReport, consolidate, consolidate_standardized};
pub use data::{
    Builtin, CsvOptions, DataSource, Dataset, LabelColumn, Split, Standardized, Standardizer,
    stratified_k_fold, stratified_split,
};
pub use energy::{
    BiologicalEnergy, EnergyBreakdown, EnergyCategory, EnergyChoice, EnergyItem, EnergyModel,
    HardwareEnergy, RegionId,
};
pub use error::GliaError;
pub use ga::{GaConfig, train_genetic, train_genetic_standardized};
pub use info::ConfusionMatrix;
pub use job::{
    AnyTrainer, CrossValidation, CrossValidationSummary, HeldOutResult, TrainedJob, Trainer,
    TrainerChoice, TrainingJob, cross_validate,
};
pub use learn::{Learn, PhaseProjection};
pub use network::{ActivityReport, Layer, Network, RegionActivity, Territories};
pub use phase::{PhaseLayer, PhaseState};
pub use predict::Predictions;
pub use train::{
    EarlyStopping, EpochRecord, History, TrainConfig, ValidTrainConfig, train, train_standardized,
};
pub use trained::{ContextEvaluation, Evaluation, TrainedNetwork};

/// What a one-crate user needs from `dgnn-core`: seeds, progress sinks, checked parameters,
/// units and the parameter error.
pub use dgnn_core::{
    Atp, Bits, Joules, NoProgress, ParamError, ParamGuard, Progress, RunningMoments, Seed, Valid,
    Validate,
};
