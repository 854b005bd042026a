//! Energy-constrained neural architecture search over deep glial-neural networks (DGNNs).
//!
//! The paper behind dgnn (`energy-constrained-nas-paper`, section 2.6) revisits the three steps
//! of neural architecture search (Elsken, Metzen & Hutter 2019, JMLR 20:55) and makes each one
//! energy-aware. This crate is that search:
//!
//! - **Search space** ([`space`], [`genome`]): glial-neural ensembles instead of neuronal ones —
//!   the number of regions, neurons per region, the glia:neuron ratio of each region (the human
//!   brain spans 1:1 to 6:1 by region; von Bartheld et al. 2016), activations, connection
//!   density, the artificial-astrocyte rule (Porto-Pazos et al. 2011), the astrocytic energy
//!   supply (Pellerin & Magistretti 1994) and the phase layer whose HKB landscape
//!   (`dΔ/dt = δω − a sin Δ − 2b sin 2Δ`, Haken, Kelso & Bunz 1985) gates the coupling.
//! - **Search strategy** ([`variation`] and dgnn-evo's NSGA-II, Deb et al. 2002): multi-objective
//!   evolution with constrained domination; variation that never leaves the space.
//! - **Performance estimation** ([`measure`], [`problem`]): training with dgnn-glia under a
//!   budget, cheap low-fidelity estimates (few epochs on a subset) promoted to full training only
//!   for the most promising genomes of each batch (successive halving, Jamieson & Talwalkar 2016);
//!   objectives on a validation part; the final front re-measured on a test part never used
//!   during the search.
//! - **Objectives** ([`objective`]): minimum energy `E` per inference (ATP by default, Attwell &
//!   Laughlin 2001; joules or the 45 nm hardware model of Horowitz 2014 selectable) and maximum
//!   information `I(Y; Ŷ)` (minimised as `H(Y) − I`); accuracy reported; optional third
//!   objective (hardware energy, number of phase attractors for multitask networks, error rate);
//!   an energy budget or a minimum accuracy as constraints.
//!
//! # API map
//! ```text
//! SearchConfig (RON) ──check()──► Search::new(config, &data)      search
//!     Search::engine() / resume(checkpoint) -> SearchEngine        (dgnn_evo::Executor running
//!                                        NSGA-II: add .checkpoint(), .stop_flag(), .observer(…))
//!     Search::finish(&state) -> SearchResult { report, models, baseline_model }
//! DgnnProblem: dgnn_evo::Problem   (multi-fidelity evaluate_batch)  problem
//! DgnnVariation: dgnn_evo::Variation<DgnnGenome>                     variation
//! SearchSpace ──check(contexts)──► ValidSearchSpace { random_genome, repair, validate }
//! DgnnGenome(Architecture): dgnn_evo::Genome                         genome
//! Objective (trait): EnergyObjective, InformationObjective, HardwareObjective,
//!                    AttractorObjective, ErrorObjective               objective
//! ```
//!
//! # Reproducibility
//! Every random number comes from `Seed::stream` under `nas/…` (splits, training seeds) and
//! dgnn-evo's `evo/…` streams; evaluations of a batch run in parallel over fixed indices and are
//! gathered in order. The same seed and config give the same front for any thread count, and a
//! run resumed from any generation's checkpoint is bit-identical to an uninterrupted one (tested).
//!
//! ```
//! use dgnn_nas::{Search, SearchConfig};
//! let mut config = SearchConfig::default();
//! config.evolution.population = 4;
//! config.evolution.generations = 1;
//! config.estimation.training.epochs = 2;
//! config.space.neurons = (1, 4);
//! config.space.astrocytes = None;
//! let data = config.data.load()?;
//! let search = Search::new(config, &data)?;
//! let outcome = search.engine()?.run()?;
//! let result = search.finish(&outcome.state)?;
//! assert!(!result.report.front.is_empty());
//! # Ok::<(), dgnn_nas::NasError>(())
//! ```

mod error;
pub mod genome;
pub mod measure;
pub mod objective;
pub mod problem;
pub mod search;
pub mod space;
pub mod variation;

pub use dgnn_glia::DataSource;
pub use error::NasError;
pub use genome::DgnnGenome;
pub use measure::{EstimationConfig, Fidelity, LowFidelity, Measurement, Splits};
pub use objective::{
    AttractorObjective, EnergyObjective, EnergyUnit, ErrorObjective, HardwareObjective,
    InformationForm, InformationObjective, Objective, ObjectivesConfig, ThirdObjective,
};
pub use problem::{Constraints, DgnnProblem, FinalMeasurement, Tally};
pub use search::{
    EvolutionConfig, MemberReport, Search, SearchConfig, SearchEngine, SearchObserver, SearchReport,
    SearchResult,
};
pub use space::{GeneRange, SearchSpace, ValidSearchSpace};
pub use variation::{DgnnVariation, VariationConfig};
