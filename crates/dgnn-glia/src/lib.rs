//! Deep glial-neural networks (DGNNs): data, the glia-neuron model, training, and what a network
//! costs (energy) and knows (information).
//!
//! The paper this project implements (`energy-constrained-nas-paper`) proposes searching over
//! networks whose units are neurons *and* astrocytes, whose function is energy-constrained first,
//! and whose relative phases gate what the weights do. This crate is that search space and its
//! performance estimate; `dgnn-nas` searches it.
//!
//! # Models and sources
//! - Artificial astrocytes: Porto-Pazos et al. 2011 (PLoS ONE 6:e19109), Alvarellos-González et
//!   al. 2012 (Comput Math Methods Med 476324) — [`astrocyte`].
//! - Glia:neuron ratios 1:1 to 6:1, region specific (von Bartheld et al. 2016; Herculano-Houzel
//!   2014); astrocytic energy supply to neurons (Pellerin & Magistretti 1994) — [`network`].
//! - Phase-gated coupling on HKB landscapes (Haken, Kelso & Bunz 1985; Schöner & Kelso 1988),
//!   context-dependent gating (Masse et al. 2018) — [`phase`].
//! - Metabolic energy: Attwell & Laughlin 2001, Howarth et al. 2012; hardware energy: Horowitz
//!   2014 — [`energy`].
//! - Information: plug-in mutual information of the confusion matrix (Cover & Thomas) — [`info`].
//! - Sleep-like synaptic down-selection: Tononi & Cirelli 2014/2020 — [`consolidate()`].
//!
//! # API map (for the search and other callers)
//! ```text
//! Dataset::builtin("wdbc") | Dataset::from_csv(path, &CsvOptions)     data::Dataset
//!   stratified_split / stratified_k_fold (seeded)                     data
//! Architecture { regions: [Region { neurons, glia_ratio, activation, density }],
//!                astrocytes: Option<AstrocyteRule>, supply_per_astrocyte: Option<f64>,
//!                phase: Option<PhaseLayer> }  .check() -> ValidArchitecture
//! TrainConfig { epochs, batch_size, learning_rate, l2, early_stopping, sample_budget }
//!                .check() -> ValidTrainConfig
//! train(&arch, &data, &config, seed, &dyn Progress) -> TrainedNetwork        (sequential)
//! train_genetic(&arch, &data, &GaConfig, seed, &dyn Progress) -> TrainedNetwork
//! TrainedNetwork::evaluate(&data, &dyn EnergyModel) -> Evaluation
//!     { accuracy, mutual_information, label_entropy, cross_entropy, confusion,
//!       activity, energy (items by category × region), energy_per_inference,
//!       atp_per_inference, bits_per_joule, bits_per_atp }
//! TrainedNetwork::{predict, probabilities, save, load}
//! cross_validate(&arch, &data, &config, folds, seed, &dyn EnergyModel, &dyn Progress)
//!     -> CrossValidation                        (folds in parallel, thread-count independent)
//! cross_validate_with(&data, folds, seed, &dyn EnergyModel, &dyn Progress, &trainer)
//!     (any trainer, e.g. |part, seed, p| train_genetic(&arch, part, &ga, seed, p))
//! consolidate(&trained, &data, &Consolidation, &dyn EnergyModel, seed, &dyn Progress)
//!     -> (TrainedNetwork, ConsolidationReport)
//! EnergyModel (trait): BiologicalEnergy, HardwareEnergy; EnergyChoice for configs
//! Network::phase() -> PhaseState { attractors_per_unit, network_attractors_log2, … }
//! ```
//! Every random choice draws from `Seed::stream(name, path)` with names under `glia/`; a search
//! trains many networks in parallel by calling [`train()`] from rayon tasks, one seed each.
//! Low-fidelity estimates: `TrainConfig::sample_budget` caps the sample presentations.
//!
//! # Conventions
//! - Output: a softmax over the classes; for two classes the class-0 logit is held at 0, so
//!   the output is one logistic unit (scikit-learn's binary model, the W7 comparison).
//! - Forward and backward passes are hand-written register-blocked FMA loops over row-major
//!   arrays ([`network`]), written for the small products of the search (tens of units, batches
//!   of 32) with no allocation per batch; no general matrix library is involved.
//! - Energies are per inference; information is per held-out sample (plug-in estimate).

pub mod arch;
pub mod astrocyte;
pub mod consolidate;
pub mod data;
pub mod energy;
mod error;
pub mod ga;
pub mod info;
mod kernels;
pub mod model;
pub mod network;
pub mod phase;
pub mod train;

pub use arch::{Activation, Architecture, Region, ValidArchitecture};
pub use astrocyte::AstrocyteRule;
pub use consolidate::{Consolidation, ConsolidationReport, consolidate};
pub use data::{Builtin, CsvOptions, DataSource, Dataset, LabelColumn, Split, Standardizer};
pub use energy::{BiologicalEnergy, EnergyBreakdown, EnergyChoice, EnergyModel, HardwareEnergy};
pub use error::GliaError;
pub use ga::{GaConfig, train_genetic};
pub use info::ConfusionMatrix;
pub use network::{ActivityReport, Network};
pub use phase::{PhaseLayer, PhaseState};
pub use train::{
    CrossValidation, EarlyStopping, Evaluation, History, TrainConfig, TrainedNetwork,
    ValidTrainConfig, cross_validate, cross_validate_with, train,
};
