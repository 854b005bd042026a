//! The search driver: a checked user config ([`SearchConfig`], RON) becomes a [`Search`] — the
//! estimator with its data parts, the space, the objectives, the constraints and the variation
//! operator; no network is trained yet. Then, in visible steps:
//!
//! 1. [`Search::measure_baseline`] trains and measures the baseline MLP ([`Baseline`]), which
//!    fixes the hypervolume reference point and resolves the constraints relative to it;
//! 2. [`Search::run`] runs the whole search — fresh, from a checkpoint, or stopped early by a
//!    flag — with progress and observers ([`RunOptions`]), and returns a [`SearchOutcome`]:
//!    finished with a [`SearchResult`] (the front re-measured at full fidelity on the validation
//!    and the never-used-before test part), or stopped after a generation.
//!
//! `dgnn search`, experiments that run hundreds of searches in one process, and tests all go
//! through [`Search::run`]. Its parts are public for callers that need one phase at a time (a
//! benchmark timing the search apart from the final re-measurement, say):
//! [`Search::problem`] → [`Search::engine`] or [`Search::resume`] → [`Search::finish`].

use crate::baseline::{self, Baseline};
use crate::constraints::{Constraints, ResolvedConstraints};
use crate::error::NasError;
use crate::estimator::Estimator;
use crate::genome::DgnnGenome;
use crate::measure::EstimationConfig;
use crate::objective::{EnergyUnit, Objectives, ObjectivesConfig};
use crate::problem::{DgnnProblem, ProblemParts};
use crate::report::{
    DataSummary, Highlights, HistoryRecord, MemberReport, Scored, SearchReport, SearchResult,
    energy_ratio, final_candidates, final_front, normalised_hypervolume,
};
use crate::space::{SearchSpace, ValidSearchSpace};
use crate::strategy::{SleepWakeSettings, Strategy};
use crate::variation::{DgnnVariation, Growth, PhasedVariation, VariationConfig};
use dgnn_core::error::{at_least, in_range};
use dgnn_core::{NoProgress, ParamError, ParamGuard, Progress, Seed, Valid, Validate};
use dgnn_evo::{
    Archipelago, Evaluator, EvoError, Executor, GenerationReport, IslandConfig, IslandLinks,
    LocalLinks, Nsga2, Nsga2Config, Observer, SleepWake, SleepWakeConfig, State,
};
use dgnn_glia::{DataSource, Dataset};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The data the search runs on by default: the bundled WDBC (breast cancer) table.
fn default_data() -> DataSource {
    DataSource::Builtin("wdbc".into())
}

/// Settings of the evolutionary search (RON; every field optional).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EvolutionConfig {
    /// Population size (default 40; ≥ 4).
    pub population: usize,
    /// Generations counting the initial population (default 40; ≥ 1).
    pub generations: u64,
    /// Optional cap on evaluations (cache hits are free); a generation starts only if a whole
    /// population of evaluations fits (default none; ≥ `population`).
    pub max_evaluations: Option<u64>,
    /// Crossover and mutation settings.
    pub variation: VariationConfig,
    /// How each generation is made (default `Nsga2`; `SleepWake(…)` alternates active and
    /// quiet phases, see [`crate::strategy`]).
    #[serde(skip_serializing_if = "Strategy::is_nsga2")]
    pub strategy: Strategy,
}

/// Bytes a search holds per member of its population: parents, offspring and their share of
/// the archive. Measured: peak RSS 12 MB at population 24 and 83 MB at 24 000 on iris (one
/// generation), 3.0 KB per member; rounded up to 4 KiB.
pub const BYTES_PER_MEMBER: u64 = 4096;

/// Bytes the evaluation cache keeps per evaluation (genome and evaluation, about 300 B, rounded
/// up).
pub const BYTES_PER_CACHED_EVALUATION: u64 = 512;

impl EvolutionConfig {
    /// An upper estimate of the memory the evolution itself needs ([`BYTES_PER_MEMBER`] per
    /// member, [`BYTES_PER_CACHED_EVALUATION`] per evaluation of the whole run), data and
    /// training buffers excluded.
    #[must_use]
    pub fn memory_estimate(&self) -> u64 {
        let population = self.population as u64;
        let evaluations = self
            .max_evaluations
            .unwrap_or_else(|| population.saturating_mul(self.generations.saturating_mul(2)));
        population
            .saturating_mul(BYTES_PER_MEMBER)
            .saturating_add(evaluations.saturating_mul(BYTES_PER_CACHED_EVALUATION))
    }
}

impl Default for EvolutionConfig {
    fn default() -> Self {
        Self {
            population: 40,
            generations: 40,
            max_evaluations: None,
            variation: VariationConfig::default(),
            strategy: Strategy::Nsga2,
        }
    }
}

fn default_seed() -> u64 {
    2026
}

fn default_baseline() -> Vec<usize> {
    vec![16]
}

fn default_within() -> f64 {
    0.01
}

/// The whole configuration of a search, as `dgnn search` reads it (RON; every field optional).
/// Checked once into `Valid<SearchConfig>` ([`ParamGuard::check`]), the only form
/// [`Search::new`] takes; deserialising a `Valid<SearchConfig>` checks it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchConfig {
    /// Master seed of every random stream (default 2026).
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// The data: `Builtin("wdbc")` (the default), or dgnn-glia's
    /// `Csv(path: "my.csv", label: Name("diagnosis"), header: true)`. Read by callers that load
    /// the data ([`DataSource::load`]); [`Search::new`] takes the loaded [`Dataset`].
    #[serde(default = "default_data")]
    pub data: DataSource,
    /// The search space.
    #[serde(default)]
    pub space: SearchSpace,
    /// Splits, training budgets of both fidelities, promotion and the energy model.
    #[serde(default)]
    pub estimation: EstimationConfig,
    /// Energy unit, information form, an optional third objective, and whether energy is an
    /// objective at all.
    #[serde(default)]
    pub objectives: ObjectivesConfig,
    /// Energy budget and minimum accuracy, absolute or relative to the baseline (default
    /// none).
    #[serde(default)]
    pub constraints: Constraints,
    /// Population, generations, evaluation budget, variation.
    #[serde(default)]
    pub evolution: EvolutionConfig,
    /// Hidden sizes of the baseline plain MLP the front is compared with (default `[16]`).
    #[serde(default = "default_baseline")]
    pub baseline: Vec<usize>,
    /// Accuracy margin of the efficient member (default 0.01, one point; in [0, 1]).
    #[serde(default = "default_within")]
    pub efficient_within: f64,
    /// The island model (default none: one population): `(count: 4, migration_interval: 5,
    /// migrants: 2, topology: Ring)` evolves `count` populations of `evolution.population`
    /// each, every one with its own stream of the seed, exchanging their best `migrants` along
    /// a ring every `migration_interval` generations (dgnn-evo's `Archipelago`). The result
    /// depends on the island count only, wherever the islands run (`dgnn search --mpi` spreads
    /// them over ranks). The evaluation budget applies to each island.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub islands: Option<IslandConfig>,
}

impl Default for SearchConfig {
    fn default() -> Self {
        Self {
            seed: default_seed(),
            data: default_data(),
            space: SearchSpace::default(),
            estimation: EstimationConfig::default(),
            objectives: ObjectivesConfig::default(),
            constraints: Constraints::default(),
            evolution: EvolutionConfig::default(),
            baseline: default_baseline(),
            efficient_within: default_within(),
            islands: None,
        }
    }
}

impl SearchConfig {
    /// The engine settings for this config with a given hypervolume reference point.
    fn nsga2(&self, reference_point: Option<Vec<f64>>) -> Nsga2Config {
        Nsga2Config {
            population: self.evolution.population,
            generations: self.evolution.generations,
            max_evaluations: self.evolution.max_evaluations,
            reference_point,
            eliminate_duplicates: true,
            cache: true,
            archive: true,
        }
    }
}

impl Validate for SearchConfig {
    /// Checks everything that can be checked without the data: the space for one context
    /// ([`Search::new`] checks it again for the data's contexts), the estimation, the
    /// constraints, the efficient margin, the baseline and the evolution settings. Errors name
    /// the field as a path (`evolution.variation.mutation_probability`).
    fn validate(&self) -> Result<(), ParamError> {
        self.space.clone().check(1)?;
        self.estimation.clone().check()?;
        self.constraints.validate()?;
        in_range("efficient_within", self.efficient_within, 0.0, 1.0)?;
        at_least("baseline (hidden sizes of the baseline MLP)", self.baseline.len(), 1)?;
        for (i, &n) in self.baseline.iter().enumerate() {
            at_least(&format!("baseline[{i}]"), n, 1)?;
        }
        self.nsga2(None).check().map_err(|e| e.within("evolution"))?;
        self.evolution.variation.validate().map_err(|e| e.within("evolution"))?;
        if let Strategy::SleepWake(settings) = &self.evolution.strategy {
            settings.validate().map_err(|e| e.within("evolution.strategy"))?;
            if self.islands.is_some() {
                return Err(ParamError::new(
                    "islands",
                    "set",
                    "islands run NSGA-II: leave them out with a SleepWake strategy",
                ));
            }
        }
        if let Some(islands) = &self.islands {
            islands.validate()?;
            if islands.migrants >= self.evolution.population {
                return Err(ParamError::new(
                    "islands.migrants",
                    islands.migrants,
                    format!(
                        "must be fewer than evolution.population ({}): migrants replace an \
                         island's worst members",
                        self.evolution.population
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// A configured search (module docs): everything but the baseline, which
/// [`Search::measure_baseline`] measures.
#[derive(Debug)]
pub struct Search {
    config: Valid<SearchConfig>,
    estimator: Estimator,
    space: ValidSearchSpace,
    objectives: Objectives,
    constraints: Valid<Constraints>,
    variation: DgnnVariation,
    baseline_genome: DgnnGenome,
}

/// The engine of a search: NSGA-II with the search's operator, run by dgnn-evo's executor.
pub type SearchEngine<'s> = Executor<'s, DgnnProblem<'s>, Nsga2<&'s DgnnVariation>>;

/// The engine of a sleep–wake search ([`crate::strategy`]): the search's operator favouring
/// growth in active phases and forbidding it in quiet ones.
pub type SleepWakeEngine<'s> =
    Executor<'s, DgnnProblem<'s>, SleepWake<PhasedVariation<'s>, PhasedVariation<'s>>>;

/// The engine of [`Search::run`], whichever the strategy.
enum AnyEngine<'s> {
    Nsga2(SearchEngine<'s>),
    SleepWake(SleepWakeEngine<'s>),
}

impl<'s> AnyEngine<'s> {
    fn state(&self) -> Option<&State<DgnnGenome>> {
        match self {
            Self::Nsga2(e) => e.state(),
            Self::SleepWake(e) => e.state(),
        }
    }

    fn observer(self, observer: &'s mut dyn Observer<DgnnGenome>) -> Self {
        match self {
            Self::Nsga2(e) => Self::Nsga2(e.observer(observer)),
            Self::SleepWake(e) => Self::SleepWake(e.observer(observer)),
        }
    }

    fn stop_flag(self, flag: &'s AtomicBool) -> Self {
        match self {
            Self::Nsga2(e) => Self::Nsga2(e.stop_flag(flag)),
            Self::SleepWake(e) => Self::SleepWake(e.stop_flag(flag)),
        }
    }

    fn evaluator(self, evaluator: &'s dyn for<'p> Evaluator<DgnnProblem<'p>>) -> Self {
        match self {
            Self::Nsga2(e) => Self::Nsga2(e.evaluator(evaluator)),
            Self::SleepWake(e) => Self::SleepWake(e.evaluator(evaluator)),
        }
    }

    fn run(self) -> Result<dgnn_evo::Outcome<DgnnGenome>, EvoError> {
        match self {
            Self::Nsga2(e) => e.run(),
            Self::SleepWake(e) => e.run(),
        }
    }
}

/// Where a run keeps its checkpoint ([`RunOptions::checkpoint`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Checkpointing<'a> {
    /// No checkpoint (the default).
    #[default]
    Off,
    /// Start afresh and rewrite this checkpoint after every generation.
    Fresh(&'a Path),
    /// Continue the run saved in this checkpoint (refused when it is missing or belongs to
    /// another search) and keep rewriting it.
    Resume(&'a Path),
    /// Continue from this checkpoint if the file exists, else start afresh writing it (for
    /// callers that rerun an interrupted batch of searches).
    ResumeIfPresent(&'a Path),
}

/// How [`Search::run`] runs (every field optional; `RunOptions::default()` runs to the end in
/// silence, without a checkpoint, on this machine).
#[derive(Default)]
pub struct RunOptions<'a> {
    /// Where the checkpoint is kept, and whether the run continues from it.
    pub checkpoint: Checkpointing<'a>,
    /// Stops the run between generations once raised (for example by Ctrl-C); the outcome is
    /// then [`SearchOutcome::Stopped`], and the checkpoint, if any, resumes it.
    pub stop: Option<&'a AtomicBool>,
    /// Progress: one step per generation, with a status line (generation, evaluations per
    /// second, front size, best accuracy, lowest energy).
    pub progress: Option<&'a dyn Progress>,
    /// More observers, called after every generation.
    pub observers: Vec<&'a mut dyn Observer<DgnnGenome>>,
    /// Where the evaluations of every stage run (default: in this process, in parallel).
    pub evaluator: Option<&'a dyn for<'p> Evaluator<DgnnProblem<'p>>>,
    /// With `islands` in the config: how the islands reach each other (default: all in this
    /// process). With links over several processes, [`Search::run`] is called by the root and
    /// [`Search::serve_islands`] by the others; the checkpoint is the root's (use `Fresh` or
    /// `Resume` there, not `ResumeIfPresent`).
    pub links: Option<&'a dyn IslandLinks<DgnnGenome>>,
}

/// How [`Search::run`] ended.
#[derive(Debug, Clone)]
pub enum SearchOutcome {
    /// Every generation ran; the front was re-measured and reported.
    Finished(Box<SearchResult>),
    /// The stop flag ended the run after a generation (the checkpoint, if any, resumes it).
    Stopped {
        /// Generations completed, the initial one included.
        generation: u64,
        /// Evaluations made so far.
        evaluations: u64,
    },
}

impl SearchOutcome {
    /// The result of a finished search (none when it was stopped).
    #[must_use]
    pub fn finished(self) -> Option<SearchResult> {
        match self {
            Self::Finished(result) => Some(*result),
            Self::Stopped { .. } => None,
        }
    }
}

impl Search {
    /// A search of `data` with the objectives of `config` (module docs); trains nothing.
    ///
    /// # Errors
    /// [`NasError::Param`] when the space cannot serve the data's contexts, and
    /// [`NasError::Data`] when the data are too small for the splits.
    pub fn new(config: Valid<SearchConfig>, data: &Dataset) -> Result<Self, NasError> {
        let objectives = config.objectives.build();
        Self::with_objectives(config, data, objectives)
    }

    /// A search of `data` minimising `objectives` (a user's own [`Objective`](crate::Objective)s
    /// in any role) instead of those `config.objectives` names; `config.objectives` still gives
    /// the energy unit of reports and constraints.
    ///
    /// # Errors
    /// As [`Search::new`].
    pub fn with_objectives(
        config: Valid<SearchConfig>,
        data: &Dataset,
        objectives: Objectives,
    ) -> Result<Self, NasError> {
        let space = config.space.clone().check(data.n_contexts())?;
        let estimation = config.estimation.clone().check()?;
        let constraints = config.constraints.clone().check()?;
        let variation_config =
            config.evolution.variation.clone().check().map_err(|e| e.within("evolution"))?;
        let estimator = Estimator::new(data, estimation, Seed(config.seed))?;
        let variation = DgnnVariation::new(space.clone(), variation_config);
        let baseline_genome = baseline::baseline_genome(&config.baseline, data.n_contexts());
        Ok(Self { config, estimator, space, objectives, constraints, variation, baseline_genome })
    }

    /// The config.
    #[must_use]
    pub fn config(&self) -> &Valid<SearchConfig> {
        &self.config
    }

    /// The estimator (data parts, budgets, training seeds, what has been trained so far).
    #[must_use]
    pub fn estimator(&self) -> &Estimator {
        &self.estimator
    }

    /// The search space, checked for the data's contexts.
    #[must_use]
    pub fn space(&self) -> &ValidSearchSpace {
        &self.space
    }

    /// The objectives, by role.
    #[must_use]
    pub fn objectives(&self) -> &Objectives {
        &self.objectives
    }

    /// The variation operator.
    #[must_use]
    pub fn variation(&self) -> &DgnnVariation {
        &self.variation
    }

    /// The unit of energy of reports and constraints.
    #[must_use]
    pub fn energy_unit(&self) -> EnergyUnit {
        self.config.objectives.energy_unit
    }

    /// The baseline's architecture: a plain MLP with `config.baseline` hidden sizes.
    #[must_use]
    pub fn baseline_genome(&self) -> &DgnnGenome {
        &self.baseline_genome
    }

    /// Trains the baseline MLP at full fidelity and measures it on the validation and the test
    /// part: the hypervolume reference point, the relative constraints and the report's
    /// comparison all come from it.
    ///
    /// # Errors
    /// The glia crate's refusal to build or train the baseline.
    pub fn measure_baseline(&self) -> Result<Baseline, NasError> {
        Baseline::measure(&self.estimator, self.baseline_genome.clone())
    }

    /// The problem the engine solves, with the constraints resolved against `baseline`.
    ///
    /// # Errors
    /// [`NasError::ForeignBaseline`] when `baseline` was measured for other data, seed,
    /// estimation settings or architecture.
    pub fn problem<'s>(&'s self, baseline: &'s Baseline) -> Result<DgnnProblem<'s>, NasError> {
        let expected = baseline::identity(&self.estimator, &self.baseline_genome);
        if baseline.measured_under() != expected {
            return Err(NasError::ForeignBaseline {
                expected,
                found: baseline.measured_under().into(),
            });
        }
        let unit = self.energy_unit();
        let mut constraints =
            ResolvedConstraints::new(&self.constraints, baseline.validation(), unit);
        let (quiet, strategy_text) = match &self.config.evolution.strategy {
            Strategy::Nsga2 => (None, String::new()),
            Strategy::SleepWake(settings) => {
                let clock = settings.clock();
                constraints =
                    constraints.with_phases(clock, settings.active_budget, settings.quiet_budget);
                let consolidation =
                    settings.consolidation_for(baseline.validation().energy_joules)?;
                let text = format!(
                    "; strategy={}",
                    ron::to_string(&self.config.evolution.strategy).unwrap_or_default()
                );
                (Some((clock, consolidation)), text)
            }
        };
        Ok(DgnnProblem::new(ProblemParts {
            estimator: &self.estimator,
            space: &self.space,
            objectives: &self.objectives,
            constraints,
            constraints_text: ron::to_string(&*self.constraints).unwrap_or_default(),
            baseline,
            quiet,
            strategy_text,
        }))
    }

    /// The engine settings, with the problem's reference point.
    fn nsga2_config(&self, problem: &DgnnProblem<'_>) -> Result<Valid<Nsga2Config>, NasError> {
        let config = self.config.nsga2(problem.reference_point());
        Ok(config.check().map_err(|e| e.within("evolution"))?)
    }

    /// A fresh NSGA-II engine on `problem`; add a checkpoint, a stop flag and observers with
    /// its builder.
    ///
    /// # Errors
    /// The engine's refusal of its settings, and a config with a sleep–wake strategy (which
    /// [`Search::run`] runs).
    pub fn engine<'s>(
        &'s self,
        problem: &'s DgnnProblem<'s>,
    ) -> Result<SearchEngine<'s>, NasError> {
        self.require_nsga2()?;
        let nsga2 = Nsga2::new(&self.variation, self.nsga2_config(problem)?);
        Ok(Executor::new(problem, nsga2, self.estimator.seed())?)
    }

    /// An engine continuing the run saved in `checkpoint` (refused when it was written for
    /// another problem, operator, data or seed).
    ///
    /// # Errors
    /// dgnn-evo's checkpoint errors ([`NasError::Evo`]).
    pub fn resume<'s>(
        &'s self,
        problem: &'s DgnnProblem<'s>,
        checkpoint: &Path,
    ) -> Result<SearchEngine<'s>, NasError> {
        self.require_nsga2()?;
        Ok(Executor::resume(problem, checkpoint, |config| Nsga2::new(&self.variation, config))?)
    }

    /// [`Search::engine`] and [`Search::resume`] build NSGA-II engines only: a sleep–wake
    /// search runs through [`Search::run`].
    fn require_nsga2(&self) -> Result<(), NasError> {
        if self.config.evolution.strategy.is_nsga2() {
            return Ok(());
        }
        Err(ParamError::new(
            "evolution.strategy",
            "SleepWake",
            "Search::engine and Search::resume build NSGA-II; run a sleep-wake search with \
             Search::run",
        )
        .into())
    }

    /// The engine a run starts with, fresh or resumed as `checkpoint` says.
    fn start<'s>(
        &'s self,
        problem: &'s DgnnProblem<'s>,
        checkpoint: Checkpointing<'_>,
    ) -> Result<SearchEngine<'s>, NasError> {
        match checkpoint {
            Checkpointing::Off => self.engine(problem),
            Checkpointing::Fresh(path) => Ok(self.engine(problem)?.checkpoint(path)),
            Checkpointing::Resume(path) => self.resume(problem, path),
            Checkpointing::ResumeIfPresent(path) if path.exists() => self.resume(problem, path),
            Checkpointing::ResumeIfPresent(path) => Ok(self.engine(problem)?.checkpoint(path)),
        }
    }

    /// Runs the search against `baseline` (module docs): the engine, fresh or resumed, until
    /// every generation ran or the stop flag was raised, then — unless stopped — the final
    /// re-measurement ([`Search::finish`]).
    ///
    /// # Errors
    /// A foreign baseline, an unusable checkpoint, a failed evaluation or checkpoint write.
    pub fn run(
        &self,
        baseline: &Baseline,
        options: RunOptions<'_>,
    ) -> Result<SearchOutcome, NasError> {
        if self.config.islands.is_some() {
            return self.run_islands(baseline, options);
        }
        let RunOptions { checkpoint, stop, progress, observers, evaluator, links: _ } = options;
        let progress = progress.unwrap_or(&NoProgress);
        let problem = self.problem(baseline)?;
        let mut engine = match &self.config.evolution.strategy {
            Strategy::Nsga2 => AnyEngine::Nsga2(self.start(&problem, checkpoint)?),
            Strategy::SleepWake(settings) => {
                AnyEngine::SleepWake(self.start_sleep_wake(&problem, settings, checkpoint)?)
            }
        };
        let (generation, evaluations) =
            engine.state().map_or((0, 0), |s| (s.generation, s.evaluations));
        progress.start(self.config.evolution.generations, "search");
        progress.advance(generation);
        if generation > 0 {
            progress.message(&format!("resumed after generation {generation}"));
        }
        let mark = GenerationMark::new(generation, &self.estimator);
        let mut observer =
            SearchObserver::new(progress, self, evaluations, generation).marking(&mark);
        engine = engine.observer(&mut observer);
        for extra in observers {
            engine = engine.observer(extra);
        }
        if let Some(flag) = stop {
            engine = engine.stop_flag(flag);
        }
        if let Some(evaluator) = evaluator {
            engine = engine.evaluator(evaluator);
        }
        let outcome =
            mark.beating(progress, &self.estimator, self.energy_unit(), || engine.run())?;
        if outcome.stopped {
            progress.finish();
            let state = &outcome.state;
            return Ok(SearchOutcome::Stopped {
                generation: state.generation,
                evaluations: state.evaluations,
            });
        }
        progress.message("re-measuring the front on the held-out test part …");
        let result = self.finish(&problem, &outcome.state);
        progress.finish();
        Ok(SearchOutcome::Finished(Box::new(result?)))
    }

    /// The sleep–wake engine a run starts with ([`crate::strategy`]), fresh or resumed as
    /// `checkpoint` says.
    fn start_sleep_wake<'s>(
        &'s self,
        problem: &'s DgnnProblem<'s>,
        settings: &SleepWakeSettings,
        checkpoint: Checkpointing<'_>,
    ) -> Result<SleepWakeEngine<'s>, NasError> {
        let build = |config| {
            SleepWake::new(
                PhasedVariation::new(&self.variation, Growth::Favour),
                PhasedVariation::new(&self.variation, Growth::Forbid),
                config,
            )
        };
        let fresh = || -> Result<SleepWakeEngine<'s>, NasError> {
            let config = SleepWakeConfig {
                nsga2: self.config.nsga2(problem.reference_point()),
                clock: settings.clock(),
            };
            let config = config.check().map_err(|e| e.within("evolution"))?;
            Ok(Executor::new(problem, build(config), self.estimator.seed())?)
        };
        let resume = |path: &Path| -> Result<SleepWakeEngine<'s>, NasError> {
            Ok(Executor::resume(problem, path, build)?)
        };
        match checkpoint {
            Checkpointing::Off => fresh(),
            Checkpointing::Fresh(path) => Ok(fresh()?.checkpoint(path)),
            Checkpointing::Resume(path) => resume(path),
            Checkpointing::ResumeIfPresent(path) if path.exists() => resume(path),
            Checkpointing::ResumeIfPresent(path) => Ok(fresh()?.checkpoint(path)),
        }
    }

    /// The island run of [`Search::run`] at the root (or with every island in this process):
    /// the archipelago to the end or to the sync point where the stop flag is seen, then the
    /// final re-measurement of the merged islands' front.
    fn run_islands(
        &self,
        baseline: &Baseline,
        options: RunOptions<'_>,
    ) -> Result<SearchOutcome, NasError> {
        let progress = options.progress.unwrap_or(&NoProgress);
        let problem = self.problem(baseline)?;
        let links = options.links.unwrap_or(&LocalLinks);
        if !links.is_root() {
            return Err(EvoError::IslandLinks(
                "Search::run runs the root of an island run; the other processes call \
                 Search::serve_islands"
                    .into(),
            )
            .into());
        }
        progress.start(self.config.evolution.generations, "search");
        let Some((state, stopped)) = self.archipelago(&problem, links, options)? else {
            return Err(EvoError::IslandLinks("the root received no island states".into()).into());
        };
        if stopped {
            progress.finish();
            return Ok(SearchOutcome::Stopped {
                generation: state.generation,
                evaluations: state.evaluations,
            });
        }
        progress.message("re-measuring the front on the held-out test part …");
        let result = self.finish(&problem, &state);
        progress.finish();
        Ok(SearchOutcome::Finished(Box::new(result?)))
    }

    /// A process other than the root of an island run over several processes
    /// ([`RunOptions::links`]): runs this process's islands, taking part in every sync point,
    /// until the root's run ends (the root reports; `options.checkpoint` names the checkpoint the
    /// root reads when resuming).
    ///
    /// # Errors
    /// A search without `islands`, links that name this process the root, a foreign baseline,
    /// a failed evaluation or lost links.
    pub fn serve_islands(
        &self,
        baseline: &Baseline,
        options: RunOptions<'_>,
    ) -> Result<(), NasError> {
        let links = options.links.unwrap_or(&LocalLinks);
        if self.config.islands.is_none() || links.is_root() {
            return Err(EvoError::IslandLinks(
                "Search::serve_islands is for the processes other than the root of an island run"
                    .into(),
            )
            .into());
        }
        let problem = self.problem(baseline)?;
        self.archipelago(&problem, links, options)?;
        Ok(())
    }

    /// Builds (fresh or resumed) and runs the archipelago; at the root returns the merged
    /// islands and whether the run was stopped.
    fn archipelago(
        &self,
        problem: &DgnnProblem<'_>,
        links: &dyn IslandLinks<DgnnGenome>,
        options: RunOptions<'_>,
    ) -> Result<Option<(State<DgnnGenome>, bool)>, NasError> {
        let RunOptions { checkpoint, stop, progress, observers, evaluator, links: _ } = options;
        let progress = progress.unwrap_or(&NoProgress);
        let Some(islands) = &self.config.islands else {
            return Ok(None);
        };
        let islands = islands.clone().check()?;
        let nsga2 = self.nsga2_config(problem)?;
        let build = || Nsga2::new(&self.variation, nsga2.clone());
        let seed = self.estimator.seed();
        let fresh = || Archipelago::new(problem, islands.clone(), seed, build, links);
        let resume =
            |path: &Path| Archipelago::resume(problem, islands.clone(), seed, build, links, path);
        let mut archipelago = match checkpoint {
            Checkpointing::Off => fresh()?,
            Checkpointing::Fresh(path) => fresh()?.checkpoint(path),
            Checkpointing::Resume(path) => resume(path)?,
            Checkpointing::ResumeIfPresent(path) if path.exists() => resume(path)?,
            Checkpointing::ResumeIfPresent(path) => fresh()?.checkpoint(path),
        };
        let mark = GenerationMark::new(0, &self.estimator);
        let mut observer = SearchObserver::new(progress, self, 0, 0).marking(&mark);
        archipelago = archipelago.observer(&mut observer);
        for extra in observers {
            archipelago = archipelago.observer(extra);
        }
        if let Some(flag) = stop {
            archipelago = archipelago.stop_flag(flag);
        }
        if let Some(evaluator) = evaluator {
            archipelago = archipelago.evaluator(evaluator);
        }
        let outcome =
            mark.beating(progress, &self.estimator, self.energy_unit(), || archipelago.run())?;
        Ok(outcome.merged().map(|state| (state, outcome.stopped)))
    }

    /// Re-measures the final front at full fidelity on the validation and test parts and
    /// assembles the report ([`crate::report`]). The test part is used here for the first
    /// time.
    ///
    /// # Errors
    /// The glia crate's refusal to retrain a front member.
    pub fn finish(
        &self,
        problem: &DgnnProblem<'_>,
        state: &State<DgnnGenome>,
    ) -> Result<SearchResult, NasError> {
        let unit = self.energy_unit();
        // The constraints and the regime of the last generation run judge the final front (an
        // energy schedule's budget and a declined supply at the end of the run).
        let last = state.generation.saturating_sub(1);
        let candidates: Vec<DgnnGenome> = final_candidates(state)
            .iter()
            .map(|g| problem.phenotype(g, last).into_owned())
            .collect();
        let measured = problem.measure_final(&candidates, last)?;
        let scored = measured
            .into_iter()
            .map(|m| Scored { evaluation: problem.evaluation_at(&m.validation, last), measured: m })
            .collect();
        let front = final_front(scored, unit);
        let Highlights { most_accurate, efficient } =
            Highlights::of(&front, unit, self.config.efficient_within);
        let baseline = problem.baseline().measured();
        let scale = problem.hypervolume_scale();
        let report = SearchReport {
            data: DataSummary::of(&self.estimator),
            objective_names: self.objectives.names(),
            reference_point: problem.reference_point().unwrap_or_default(),
            energy_model: self.config.estimation.energy.name().into(),
            energy_unit: unit,
            generations: state.generation,
            evaluations: state.evaluations,
            cache_hits: state.cache_hits,
            baseline: MemberReport::of(
                baseline,
                &problem.evaluation_at(&baseline.validation, last),
            ),
            front: front.iter().map(|s| MemberReport::of(&s.measured, &s.evaluation)).collect(),
            history: state.history.iter().map(|h| HistoryRecord::of(h, scale)).collect(),
            hypervolume_normalised: normalised_hypervolume(&front, &baseline.validation),
            most_accurate,
            efficient,
            energy_ratio: energy_ratio(&front, efficient, &baseline.validation),
        };
        Ok(SearchResult {
            models: front.into_iter().map(|s| s.measured.model).collect(),
            baseline_model: baseline.model.clone(),
            report,
        })
    }
}

/// Seconds a generation runs before the progress shows what happens inside it.
const HEARTBEAT: Duration = Duration::from_secs(2);

/// Where a run is: the generation running and the trainings made before it, for the progress
/// shown inside a long generation (issue 14: a search on 10⁶ rows sat at `0/40` for minutes).
struct GenerationMark {
    /// The index of the generation running (0: the initial population).
    running: AtomicU64,
    /// This process's trainings (low and full fidelity) when it started.
    trainings_before: AtomicU64,
    /// When it started.
    since: Mutex<Instant>,
}

impl GenerationMark {
    fn new(running: u64, estimator: &Estimator) -> Self {
        let t = estimator.training_progress();
        Self {
            running: AtomicU64::new(running),
            trainings_before: AtomicU64::new(t.low + t.full),
            since: Mutex::new(Instant::now()),
        }
    }

    /// Marks generation `finished` done: the next one starts now.
    fn finished(&self, finished: u64, estimator: &Estimator) {
        let t = estimator.training_progress();
        self.running.store(finished + 1, Ordering::Relaxed);
        self.trainings_before.store(t.low + t.full, Ordering::Relaxed);
        if let Ok(mut since) = self.since.lock() {
            *since = Instant::now();
        }
    }

    /// Runs `run`, while a helper thread posts to `progress`, every [`HEARTBEAT`] once a
    /// generation has run that long, the networks trained in it so far; it never touches the
    /// search's state, so results do not depend on it.
    fn beating<T>(
        &self,
        progress: &dyn Progress,
        estimator: &Estimator,
        unit: EnergyUnit,
        run: impl FnOnce() -> T,
    ) -> T {
        let done = AtomicBool::new(false);
        std::thread::scope(|scope| {
            scope.spawn(|| {
                let mut last_post = Instant::now();
                while !done.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(100));
                    let since = self.since.lock().map(|s| s.elapsed()).unwrap_or_default();
                    if since < HEARTBEAT || last_post.elapsed() < HEARTBEAT {
                        continue;
                    }
                    last_post = Instant::now();
                    let t = estimator.training_progress();
                    let trained = (t.low + t.full)
                        .saturating_sub(self.trainings_before.load(Ordering::Relaxed));
                    let lowest =
                        t.lowest_energy(unit).map_or_else(|| "-".into(), |e| format!("{e:.3e}"));
                    progress.message(&format!(
                        "gen {} running for {:.0} s · {trained} networks trained in it · best acc \
                         {:.3} · min E {lowest} {}",
                        self.running.load(Ordering::Relaxed),
                        since.as_secs_f64(),
                        t.best_accuracy,
                        unit.symbol(),
                    ));
                }
            });
            let out = run();
            done.store(true, Ordering::Relaxed);
            out
        })
    }
}

/// An observer that shows a search's progress: generation, evaluations per second, front size,
/// best validation accuracy and lowest energy measured (one `advance` per generation).
pub struct SearchObserver<'a> {
    progress: &'a dyn Progress,
    estimator: &'a Estimator,
    unit: EnergyUnit,
    started: Instant,
    evaluations_before: u64,
    /// Generations the progress already shows.
    generations_shown: u64,
    /// The mark of the generation running, moved on at every report.
    mark: Option<&'a GenerationMark>,
}

impl<'a> SearchObserver<'a> {
    /// Reports to `progress`; `evaluations_before` and `generations_before` are the evaluations
    /// made and the generations shown when this process started (non-zero after a resume), so
    /// the rate counts this process's work only. The caller calls `progress.start` with the
    /// number of generations. Each report advances the progress to its generation (by one per
    /// generation; by several at an island run's sync points).
    #[must_use]
    pub fn new(
        progress: &'a dyn Progress,
        search: &'a Search,
        evaluations_before: u64,
        generations_before: u64,
    ) -> Self {
        Self {
            progress,
            estimator: &search.estimator,
            unit: search.energy_unit(),
            started: Instant::now(),
            evaluations_before,
            generations_shown: generations_before,
            mark: None,
        }
    }

    /// Moves `mark` on at every report.
    fn marking(mut self, mark: &'a GenerationMark) -> Self {
        self.mark = Some(mark);
        self
    }
}

impl Observer<DgnnGenome> for SearchObserver<'_> {
    fn observe(&mut self, report: &GenerationReport<'_, DgnnGenome>) {
        let s = report.summary;
        let seconds = self.started.elapsed().as_secs_f64().max(1e-9);
        let rate = s.evaluations.saturating_sub(self.evaluations_before) as f64 / seconds;
        let trained = self.estimator.training_progress();
        let lowest =
            trained.lowest_energy(self.unit).map_or_else(|| "-".into(), |e| format!("{e:.3e}"));
        self.progress.message(&format!(
            "gen {} · {rate:.1} eval/s · front {} · best acc {:.3} · min E {lowest} {}",
            s.generation,
            s.front_size,
            trained.best_accuracy,
            self.unit.symbol()
        ));
        if let Some(mark) = self.mark {
            mark.finished(s.generation, self.estimator);
        }
        let reached = s.generation + 1;
        self.progress.advance(reached.saturating_sub(self.generations_shown));
        self.generations_shown = self.generations_shown.max(reached);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A progress sink that keeps its messages.
    #[derive(Default)]
    struct Messages(Mutex<Vec<String>>);

    impl Progress for Messages {
        fn start(&self, _total: u64, _label: &str) {}
        fn advance(&self, _amount: u64) {}
        fn message(&self, text: &str) {
            self.0.lock().unwrap().push(text.into());
        }
        fn finish(&self) {}
    }

    #[test]
    fn a_long_generation_shows_progress_inside_it() {
        let data = Dataset::builtin("iris").unwrap();
        let config =
            SearchConfig { data: DataSource::Builtin("iris".into()), ..SearchConfig::default() };
        let search = Search::new(config.check().unwrap(), &data).unwrap();
        let mark = GenerationMark::new(3, &search.estimator);
        let messages = Messages::default();
        let answer = mark.beating(&messages, &search.estimator, EnergyUnit::Atp, || {
            std::thread::sleep(HEARTBEAT + Duration::from_millis(700));
            42
        });
        assert_eq!(answer, 42, "the run's own result comes back");
        let shown = messages.0.lock().unwrap().clone();
        assert!(
            shown.iter().any(|m| m.starts_with("gen 3 running for 2 s · 0 networks trained in it")),
            "{shown:?}"
        );
        // A quick run shows nothing of its own.
        let quiet = Messages::default();
        mark.finished(3, &search.estimator);
        mark.beating(&quiet, &search.estimator, EnergyUnit::Atp, || ());
        assert!(quiet.0.lock().unwrap().is_empty());
    }

    #[test]
    fn config_errors_name_the_field() {
        let mut c = SearchConfig::default();
        c.evolution.population = 2;
        assert!(c.check().unwrap_err().to_string().contains("evolution.population"));
        let mut c = SearchConfig::default();
        c.evolution.max_evaluations = Some(3);
        assert!(c.check().unwrap_err().to_string().contains("evolution.max_evaluations"));
        let mut c = SearchConfig::default();
        c.evolution.variation.mutation_probability = 1.5;
        let text = c.check().unwrap_err().to_string();
        assert!(text.contains("evolution.variation.mutation_probability"), "{text}");
        let c = SearchConfig { baseline: vec![4, 0], ..SearchConfig::default() };
        assert!(c.check().unwrap_err().to_string().contains("baseline[1]"));
        let text = "(evolution: (population: 8, colour: 3))";
        assert!(ron::from_str::<SearchConfig>(text).unwrap_err().to_string().contains("colour"));
        // A checked config cannot be read unchecked.
        let text = "(evolution: (population: 2))";
        let err = ron::from_str::<Valid<SearchConfig>>(text).unwrap_err().to_string();
        assert!(err.contains("evolution.population"), "{err}");
    }
}
