//! Energy-constrained neural architecture search over deep glial-neural networks (DGNNs).
//!
//! # Example: a search on your own data
//! Two measurements per sample and a label — is `x + y` above 1? — built in code (a CSV file
//! works the same way: `DataSource::Csv { … }.load()`, see `examples/search_csv.rs`). A small
//! budget: six networks of one region with at most four neurons, two generations.
//!
//! ```
//! use dgnn_nas::{Dataset, ParamGuard, RunOptions, Search, SearchConfig};
//!
//! let (mut features, mut labels) = (Vec::new(), Vec::new());
//! for i in 0..8 {
//!     for j in 0..8 {
//!         let (x, y) = (f64::from(i) / 7.0, f64::from(j) / 7.0);
//!         features.extend([x, y]);
//!         labels.push(usize::from(x + y > 1.0));
//!     }
//! }
//! let classes = vec!["below".to_string(), "above".to_string()];
//! let data = Dataset::new("diagonal", features, 2, labels, classes, vec!["x".into(), "y".into()])?;
//!
//! let mut config = SearchConfig::default();
//! config.evolution.population = 6;
//! config.evolution.generations = 2;
//! config.estimation.training.epochs = 20;
//! config.space.regions = (1, 1);
//! config.space.neurons = (1, 4);
//! config.space.astrocytes = None;
//!
//! // Checking, then the steps: set up (no training), measure the baseline MLP (the
//! // hypervolume's reference and the report's comparison), run.
//! let search = Search::new(config.check()?, &data)?;
//! let baseline = search.measure_baseline()?;
//! let result = search.run(&baseline, RunOptions::default())?.finished().expect("never stopped");
//!
//! // The front is non-dominated: by increasing energy, the information lost strictly falls.
//! let report = &result.report;
//! assert!(report.constraints_met());
//! for pair in report.front.windows(2) {
//!     assert!(pair[0].objectives[0] <= pair[1].objectives[0]);
//!     assert!(pair[0].objectives[1] > pair[1].objectives[1]);
//! }
//! assert_eq!(result.models.len(), report.front.len());
//! println!("{}", report.summary());
//! # Ok::<(), dgnn_nas::NasError>(())
//! ```
//!
//! # What it is
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
//!   evolution with constrained domination; variation that never leaves the space. Or
//!   ([`strategy`]) a sleep–wake search: active phases that favour growth under a loose budget
//!   and quiet phases that consolidate (prune to a tight budget, fine-tune) and never grow.
//! - **Performance estimation** ([`measure`], [`estimator`], [`problem`]): training with
//!   dgnn-glia under a budget, cheap low-fidelity estimates (few epochs on a subset) promoted to
//!   full training only for the most promising genomes of each batch (successive halving,
//!   Jamieson & Talwalkar 2016) — two stages of independent evaluations that any dgnn-evo
//!   `Evaluator` can run, here or on other machines; objectives on a validation part; the final
//!   front re-measured on a test part never used during the search.
//! - **Objectives** ([`objective`]) with named roles: minimum energy `E` per inference (ATP by
//!   default, Attwell & Laughlin 2001; joules or the 45 nm hardware model of Horowitz 2014
//!   selectable), maximum information `I(Y; Ŷ)` (minimised as `H(Y) − I`), optional extras
//!   (hardware energy, number of phase attractors for multitask networks, error rate, or your
//!   own [`Objective`]). Without the energy role the search is information-only (accuracy-driven
//!   NAS as usually practised), and its reports still show every network's energy.
//! - **Constraints** ([`constraints`]): an energy budget and a minimum accuracy, absolute or
//!   relative to the baseline (`max_energy_ratio: Some(0.25)` = a quarter of the baseline's
//!   energy); a report says which networks meet them.
//!
//! # API map
//! ```text
//! SearchConfig (RON) ──check()──► Valid<SearchConfig>                          search
//! Search::new(config, &data) | Search::with_objectives(config, &data, Objectives)
//!     .measure_baseline() -> Baseline           (trains the plain MLP)         baseline
//!     .run(&baseline, RunOptions { checkpoint, stop, progress, observers, evaluator, links })
//!         -> SearchOutcome::Finished(SearchResult { report, models, baseline_model })
//!          | SearchOutcome::Stopped { generation, evaluations }
//!     one phase at a time: .problem(&baseline) -> DgnnProblem; .engine(&problem) /
//!         .resume(&problem, path) -> SearchEngine (dgnn_evo::Executor); .finish(&problem, &state)
//! SearchReport { front: [MemberReport { feasible, … }], history, … }.summary()  report
//! Estimator: splits, budgets, training seeds, measure(genome, fidelity)      estimator
//! DgnnProblem: dgnn_evo::Problem, batch = Stage (low) → promoted → Stage (full)  problem
//! DgnnVariation: dgnn_evo::Variation<DgnnGenome>                              variation
//! SearchSpace ──check(contexts)──► ValidSearchSpace { random_genome, repair, validate }
//! DgnnGenome(Architecture): dgnn_evo::Genome                                  genome
//! Objectives { energy?, information, extras }: Objective (trait) in roles     objective
//! Constraints ──check()──► Valid<Constraints> ──(baseline)──► ResolvedConstraints
//! ```
//!
//! # Reproducibility
//! Every random number comes from `Seed::stream` under `nas/…` (splits, training seeds) and
//! dgnn-evo's `evo/…` streams; evaluations of a batch run in parallel over fixed indices and are
//! gathered in order. The same seed and config give the same front for any thread count, and a
//! run resumed from any generation's checkpoint is bit-identical to an uninterrupted one (tested).

pub mod baseline;
pub mod constraints;
mod error;
pub mod estimator;
pub mod genome;
pub mod measure;
pub mod objective;
pub mod problem;
pub mod report;
pub mod search;
pub mod space;
pub mod strategy;
pub mod variation;

pub use baseline::Baseline;
pub use constraints::{Constraints, EnergySchedule, ResolvedConstraints};
pub use error::NasError;
pub use estimator::{Estimator, FinalMeasurement, TrainingProgress};
pub use genome::DgnnGenome;
pub use measure::{
    Estimation, EstimationConfig, Fidelity, LowFidelity, Measurement, SplitPlan, Splits,
    SupplyDecline,
};
pub use objective::{
    AttractorObjective, EnergyObjective, EnergyUnit, ErrorObjective, HardwareObjective,
    InformationForm, InformationObjective, Objective, Objectives, ObjectivesConfig, Role,
    ThirdObjective,
};
pub use problem::{DgnnProblem, Stage};
pub use report::{DataSummary, HistoryRecord, MemberReport, SearchReport, SearchResult};
pub use search::{
    Checkpointing, EvolutionConfig, RunOptions, Search, SearchConfig, SearchEngine, SearchObserver,
    SearchOutcome, SleepWakeEngine,
};
pub use space::{GeneRange, SearchSpace, ValidSearchSpace};
pub use strategy::{SleepWakeSettings, Strategy};
pub use variation::{DgnnVariation, Growth, PhasedVariation, VariationConfig};

/// What a user of dgnn-nas alone needs from dgnn-core: seeds, progress reporting, and checked
/// parameters.
pub use dgnn_core::{NoProgress, ParamError, ParamGuard, Progress, Seed, Valid, Validate};
/// What a user of dgnn-evo's engine needs to watch a run, to evaluate its stages elsewhere or
/// to run islands.
pub use dgnn_evo::{
    EvalContext, Evaluation, EvaluationError, Evaluator, GenerationReport, Individual,
    IslandConfig, IslandLinks, LocalEvaluator, LocalLinks, Observer, Phase, PhaseClock, Problem,
    State, Topology,
};
/// What a user of dgnn-nas alone needs from dgnn-glia: data, its sources and the settings the
/// search's config holds.
pub use dgnn_glia::{
    Architecture, BiologicalEnergy, Consolidation, CsvOptions, DataSource, Dataset, EnergyChoice,
    HardwareEnergy, LabelColumn, TrainConfig, TrainedNetwork,
};
