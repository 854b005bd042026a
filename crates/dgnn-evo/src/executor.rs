//! The run loop (argmin's `Executor`): an [`Algorithm`] applied to a [`Problem`] generation after
//! generation, with everything that is not the algorithm's business.
//!
//! The executor owns the run's [`State`] (population, evaluation cache, Pareto archive,
//! counters, history), the [`Evaluator`] that runs each batch's evaluations, the checkpoint
//! (rewritten atomically after every generation), the observers, the evaluation budget and the
//! stop flag.
//! One generation:
//! 0. for a problem whose evaluation changes at this generation ([`Problem::regime`]), the
//!    cache and the archive are emptied and the parents re-evaluated; for a problem whose
//!    constraints vary over the run ([`Problem::constraints_vary`]), the parents' and the
//!    archive's violations are re-assessed under this generation's constraints
//!    ([`Problem::violation_at`]), as is every evaluation made or taken from the cache during
//!    it;
//! 1. the algorithm makes the next population ([`Algorithm::init`] for generation 0, then
//!    [`Algorithm::next_generation`]), evaluating through the [`GenerationContext`];
//! 2. the executor ranks it once ([`Ranking`]), records the [`GenerationSummary`] (front size,
//!    feasible count, hypervolume), writes the checkpoint and calls the observers;
//! 3. it stops when the generations are done, when the budget cannot afford another generation,
//!    or when the stop flag is raised: checked before every generation, and inside one before
//!    every evaluation (before every stage with an evaluator other than the default), so a
//!    large generation does not have to finish first; the run then ends at the last completed
//!    generation, whose checkpoint resumes it.
//!
//! A checkpoint holds the state, the seed and the algorithm's configuration; every random
//! number of a generation comes from streams keyed by its number (see the crate docs), so a run
//! resumed from the checkpoint of any generation is bit-identical to an uninterrupted one.

use crate::algorithm::{Algorithm, Candidate, GenerationContext, Ranking, RunSettings, reassess};
use crate::archive::ParetoArchive;
use crate::checkpoint::{self, CHECKPOINT_VERSION, Checkpoint};
use crate::error::{EvoError, Interrupted};
use crate::evaluator::{Evaluator, LocalEvaluator, Stoppable};
use crate::hypervolume::hypervolume;
use crate::observer::{GenerationReport, Observer};
use crate::problem::{Individual, Problem};
use crate::state::{GenerationSummary, State};
use dgnn_core::Seed;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// The result of [`Executor::run`].
#[derive(Debug, Clone)]
pub struct Outcome<G: crate::Genome> {
    /// The final state (population, archive, counters, history, cache).
    pub state: State<G>,
    /// Whether the run ended because the stop flag was raised (the last checkpoint, if any,
    /// holds the last completed generation and can be resumed).
    pub stopped: bool,
}

impl<G: crate::Genome> Outcome<G> {
    /// The final population's first constrained front.
    #[must_use]
    pub fn front(&self) -> Vec<&Individual<G>> {
        self.state.front()
    }

    /// The hypervolume of the last generation's front, if a reference point was configured.
    #[must_use]
    pub fn hypervolume(&self) -> Option<f64> {
        self.state.history.last().and_then(|s| s.hypervolume)
    }
}

/// Runs an [`Algorithm`] on a [`Problem`] (module docs): a consuming builder, then
/// [`Executor::run`] (or [`Executor::step`] one generation at a time).
///
/// ```
/// use dgnn_evo::{Executor, Nsga2, Nsga2Config, ParamGuard, RealVariation, Seed, Zdt, ZdtKind};
/// let problem = Zdt::new(ZdtKind::Zdt1, 10)?;
/// let variation = RealVariation::with_defaults(problem.bounds().clone());
/// let config = Nsga2Config {
///     population: 20,
///     generations: 5,
///     reference_point: Some(vec![1.1, 1.1]),
///     ..Nsga2Config::default()
/// }
/// .check()?;
/// let outcome = Executor::new(&problem, Nsga2::new(&variation, config), Seed(1))?.run()?;
/// assert_eq!(outcome.state.generation, 5);
/// assert_eq!(outcome.state.evaluations, 100);
/// assert!(!outcome.front().is_empty() && outcome.hypervolume().is_some());
/// # Ok::<(), dgnn_evo::EvoError>(())
/// ```
#[must_use = "an executor does nothing until `run` or `step` is called"]
pub struct Executor<'a, P: Problem, A> {
    problem: &'a P,
    algorithm: A,
    seed: Seed,
    settings: RunSettings,
    evaluator: Box<dyn Evaluator<P> + 'a>,
    /// Whether `evaluator` was set by the caller (else it is the default [`LocalEvaluator`]).
    custom_evaluator: bool,
    state: Option<State<P::Genome>>,
    /// The ranking of `state.population` (a pure function of it, recomputed after a resume).
    ranking: Option<Ranking>,
    checkpoint: Option<PathBuf>,
    stop: Option<&'a AtomicBool>,
    observers: Vec<&'a mut dyn Observer<P::Genome>>,
}

impl<'a, P: Problem, A: Algorithm<P>> Executor<'a, P, A> {
    /// A fresh run of `algorithm` on `problem`; checks the algorithm's settings against the
    /// problem (one reference value per objective).
    ///
    /// # Errors
    /// [`EvoError::Param`] naming the setting that does not fit the problem.
    pub fn new(problem: &'a P, algorithm: A, seed: Seed) -> Result<Self, EvoError> {
        let settings = algorithm.run_settings();
        settings.check_against(problem.objectives())?;
        Ok(Self {
            problem,
            algorithm,
            seed,
            settings,
            evaluator: Box::new(LocalEvaluator),
            custom_evaluator: false,
            state: None,
            ranking: None,
            checkpoint: None,
            stop: None,
            observers: Vec::new(),
        })
    }

    /// Continues the run saved in `checkpoint` (which keeps being updated after every further
    /// generation), with the algorithm `build` makes from the saved configuration. The problem
    /// and the algorithm's operators must describe themselves exactly as when the checkpoint was
    /// written.
    ///
    /// # Errors
    /// [`EvoError::CheckpointUnreadable`], [`EvoError::CheckpointForeign`],
    /// [`EvoError::CheckpointEdited`], [`EvoError::CheckpointMismatch`] or
    /// [`EvoError::CheckpointInvalid`] ([`checkpoint::check_state`]) for a checkpoint that
    /// cannot be continued here, and the errors of [`Executor::new`].
    pub fn resume(
        problem: &'a P,
        checkpoint: &Path,
        build: impl FnOnce(A::Config) -> A,
    ) -> Result<Self, EvoError> {
        let saved: Checkpoint<A::Config, State<P::Genome>> =
            checkpoint::read(checkpoint, A::CHECKPOINT_FORMAT)?;
        let mismatch = |what, found: String, given: String| EvoError::CheckpointMismatch {
            path: checkpoint.into(),
            what,
            found,
            given,
        };
        if saved.problem != problem.describe() {
            return Err(mismatch("problem", saved.problem, problem.describe()));
        }
        let algorithm = build(saved.config);
        if saved.variation != algorithm.describe() {
            return Err(mismatch("variation operator", saved.variation, algorithm.describe()));
        }
        let mut run = Self::new(problem, algorithm, saved.seed)?;
        checkpoint::check_state(problem, &saved.state, run.settings.generations, checkpoint)?;
        run.state = Some(saved.state);
        run.checkpoint = Some(checkpoint.into());
        Ok(run)
    }

    /// Continues a run from `state` (the state after a generation, from an island model's
    /// gathered checkpoint, say) without a checkpoint file of its own.
    ///
    /// # Errors
    /// As [`Executor::new`].
    pub fn from_state(
        problem: &'a P,
        algorithm: A,
        seed: Seed,
        state: State<P::Genome>,
    ) -> Result<Self, EvoError> {
        let mut run = Self::new(problem, algorithm, seed)?;
        run.state = Some(state);
        Ok(run)
    }

    /// Writes a checkpoint to `path` after every generation. The checkpoint holds the whole
    /// evaluation cache, so it grows with the number of evaluations: for cheap problems with
    /// many evaluations (tens of thousands) prefer running without the cache when
    /// checkpointing.
    pub fn checkpoint(mut self, path: impl Into<PathBuf>) -> Self {
        self.checkpoint = Some(path.into());
        self
    }

    /// Stops [`Executor::run`] once `flag` is raised (for example by Ctrl-C): between
    /// generations, or inside one before the next evaluation (module docs); the outcome then
    /// holds the last completed generation.
    pub fn stop_flag(mut self, flag: &'a AtomicBool) -> Self {
        self.stop = Some(flag);
        self
    }

    /// Adds an observer, called after every generation.
    pub fn observer(mut self, observer: &'a mut dyn Observer<P::Genome>) -> Self {
        self.observers.push(observer);
        self
    }

    /// Runs every evaluation with `evaluator` instead of the default [`LocalEvaluator`].
    pub fn evaluator(mut self, evaluator: impl Evaluator<P> + 'a) -> Self {
        self.evaluator = Box::new(evaluator);
        self.custom_evaluator = true;
        self
    }

    /// The algorithm (and through it, its configuration).
    #[must_use]
    pub fn algorithm(&self) -> &A {
        &self.algorithm
    }

    /// What the executor enforces: generations, budget, reference point, cache, archive.
    #[must_use]
    pub fn settings(&self) -> &RunSettings {
        &self.settings
    }

    /// The state after the last completed generation (none before the first).
    #[must_use]
    pub fn state(&self) -> Option<&State<P::Genome>> {
        self.state.as_ref()
    }

    /// The ranking of the current population (none before the first generation).
    pub fn ranking(&mut self) -> Option<&Ranking> {
        let state = self.state.as_ref()?;
        Some(self.ranking.get_or_insert_with(|| Ranking::of(&state.population)))
    }

    /// Puts each individual at its position of the current population, in place of the member
    /// there (migrants from other islands, say); they are offered to the archive when it is on,
    /// and the next generation selects from the changed population. Positions past the end are
    /// ignored; nothing happens before the first generation.
    pub fn replace_members(&mut self, replacements: Vec<(usize, Individual<P::Genome>)>) {
        let Some(state) = self.state.as_mut() else {
            return;
        };
        for (position, individual) in replacements {
            if position < state.population.len() {
                if self.settings.archive {
                    state.archive.offer(&individual);
                }
                state.population[position] = individual;
            }
        }
        self.ranking = None;
    }

    /// Whether the run is complete: all generations done or the evaluation budget cannot
    /// afford another generation.
    #[must_use]
    pub fn is_done(&self) -> bool {
        self.state.as_ref().is_some_and(|state| self.done(state))
    }

    fn done(&self, state: &State<P::Genome>) -> bool {
        let settings = &self.settings;
        state.generation >= settings.generations
            || settings.max_evaluations.is_some_and(|budget| {
                state.evaluations + settings.evaluations_per_generation > budget
            })
    }

    /// Runs generations until done or stopped; consumes the run. The stop flag is checked
    /// before every generation and before every evaluation inside one (module docs); a
    /// generation the flag interrupts is dropped, and the outcome holds the one before (an empty
    /// state at generation 0 when the initial generation was interrupted).
    ///
    /// # Errors
    /// The first error of a generation (evaluation, hypervolume, checkpoint write); the last
    /// checkpoint then holds the last completed generation.
    pub fn run(mut self) -> Result<Outcome<P::Genome>, EvoError> {
        let mut state = match self.state.take() {
            Some(state) => state,
            None => match self.advance(None) {
                Ok(state) => state,
                Err(error) if self.interrupted(&error) => {
                    return Ok(Outcome { state: State::empty(0), stopped: true });
                }
                Err(error) => return Err(error),
            },
        };
        let mut stopped = false;
        while !self.done(&state) {
            if self.stop_requested() {
                stopped = true;
                break;
            }
            // The state before the generation, to return if the flag interrupts it.
            let before = self.stop.is_some().then(|| state.clone());
            match (self.advance(Some(state)), before) {
                (Ok(next), _) => state = next,
                (Err(error), Some(before)) if self.interrupted(&error) => {
                    state = before;
                    stopped = true;
                    break;
                }
                (Err(error), _) => return Err(error),
            }
        }
        Ok(Outcome { state, stopped })
    }

    /// Whether the stop flag is raised.
    fn stop_requested(&self) -> bool {
        self.stop.is_some_and(|flag| flag.load(Ordering::SeqCst))
    }

    /// Whether `error` is an evaluation the raised stop flag skipped.
    fn interrupted(&self, error: &EvoError) -> bool {
        self.stop_requested()
            && matches!(error, EvoError::Evaluation { source, .. } if source.is::<Interrupted>())
    }

    /// Runs one generation (the first call evaluates the initial population); does nothing and
    /// returns false when the run is already done. After an error the in-memory state is
    /// gone: resume from the last checkpoint.
    ///
    /// # Errors
    /// As [`Executor::run`].
    pub fn step(&mut self) -> Result<bool, EvoError> {
        if self.is_done() {
            return Ok(false);
        }
        let state = self.state.take();
        self.state = Some(self.advance(state)?);
        Ok(true)
    }

    /// Makes the next generation from `previous` (the initial one from nothing), then records
    /// it.
    fn advance(
        &mut self,
        previous: Option<State<P::Genome>>,
    ) -> Result<State<P::Genome>, EvoError> {
        let initial = previous.is_none();
        let mut state = previous.unwrap_or_else(|| State::empty(self.expected_evaluations()));
        let mut population = std::mem::take(&mut state.population);
        let generation = state.generation;
        let new_regime =
            !initial && self.problem.regime(generation) != self.problem.regime(generation - 1);
        if new_regime {
            // Nothing evaluated under the old regime stands: the parents are re-evaluated
            // below, through the context, and refill the cache and the archive.
            state.cache.clear();
            state.archive = ParetoArchive::default();
            self.ranking = None;
        } else if !initial && self.problem.constraints_vary() {
            // The constraints of this generation apply to the parents and the archive too.
            reassess(self.problem, &mut population, generation)?;
            state.archive.reassess(|e| self.problem.violation_at(e, generation));
            self.ranking = None;
        }
        let stoppable = self.stop.map(|flag| {
            if self.custom_evaluator {
                Stoppable::Other(&*self.evaluator, flag)
            } else {
                Stoppable::Local(flag)
            }
        });
        let evaluator: &dyn Evaluator<P> = match &stoppable {
            Some(stoppable) => stoppable,
            None => &*self.evaluator,
        };
        let mut context = GenerationContext {
            problem: self.problem,
            evaluator,
            seed: self.seed,
            settings: &self.settings,
            state: &mut state,
        };
        if new_regime {
            let parents = population.into_iter().map(|i| Candidate::new(i.genome)).collect();
            population = context.evaluate(parents)?;
        }
        let next = if initial {
            self.algorithm.init(&mut context)?
        } else {
            let ranking = self.ranking.take().unwrap_or_else(|| Ranking::of(&population));
            self.algorithm.next_generation(population, &ranking, &mut context)?
        };
        state.population = next;
        self.finish_generation(&mut state)?;
        Ok(state)
    }

    /// Room reserved in the cache up front, so the table is not rehashed as it grows: one
    /// generation's evaluations per generation, capped (a long run grows it later).
    fn expected_evaluations(&self) -> usize {
        if !self.settings.cache {
            return 0;
        }
        let expected =
            self.settings.generations.saturating_mul(self.settings.evaluations_per_generation);
        expected.min(1 << 16) as usize
    }

    /// Ranks the new population, records the generation's summary, writes the checkpoint and
    /// calls the observers.
    fn finish_generation(&mut self, state: &mut State<P::Genome>) -> Result<(), EvoError> {
        let ranking = Ranking::of(&state.population);
        let front = ranking.first_front();
        let summary = self.summarise(state, &front)?;
        state.history.push(summary);
        state.generation += 1;
        self.write_checkpoint(state)?;
        if let Some(summary) = state.history.last() {
            let report = GenerationReport {
                summary,
                population: &state.population,
                front: &front,
                archive: &state.archive,
            };
            for observer in &mut self.observers {
                observer.observe(&report);
            }
        }
        self.ranking = Some(ranking);
        Ok(())
    }

    /// The summary of the generation just made, whose first front is `front`.
    fn summarise(
        &self,
        state: &State<P::Genome>,
        front: &[usize],
    ) -> Result<GenerationSummary, EvoError> {
        let population = &state.population;
        let hypervolume = match &self.settings.reference_point {
            Some(reference) => {
                let points: Vec<&[f64]> = front
                    .iter()
                    .map(|&i| &population[i].evaluation)
                    .filter(|evaluation| evaluation.is_feasible())
                    .map(|evaluation| evaluation.objectives.as_slice())
                    .collect();
                Some(hypervolume(&points, reference)?)
            }
            None => None,
        };
        Ok(GenerationSummary {
            generation: state.generation,
            evaluations: state.evaluations,
            cache_hits: state.cache_hits,
            front_size: front.len(),
            feasible: population.iter().filter(|i| i.evaluation.is_feasible()).count(),
            hypervolume,
            archive_size: state.archive.len(),
        })
    }

    /// Rewrites the checkpoint, if one is configured.
    fn write_checkpoint(&self, state: &State<P::Genome>) -> Result<(), EvoError> {
        let Some(path) = &self.checkpoint else {
            return Ok(());
        };
        let saved = Checkpoint {
            format: A::CHECKPOINT_FORMAT.into(),
            version: CHECKPOINT_VERSION,
            problem: self.problem.describe(),
            variation: self.algorithm.describe(),
            seed: self.seed,
            config: self.algorithm.config(),
            state,
        };
        checkpoint::write(path, &saved)
    }
}
