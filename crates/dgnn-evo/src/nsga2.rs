//! NSGA-II (Deb, Pratap, Agarwal & Meyarivan 2002, IEEE TEC 6:182) with constrained domination,
//! evaluation caching, duplicate elimination, a Pareto archive, observers, a stop flag and
//! checkpoints.
//!
//! One generation `g ≥ 1` of population size `N`:
//! 1. *Rank* the population: constrained non-dominated fronts and crowding distances
//!    ([`rank_and_crowding`]).
//! 2. *Select* `2⌈N/2⌉` parents by binary tournaments with the crowded comparison (lower front
//!    wins, then larger crowding distance, then a coin flip), the contestants taken pairwise
//!    from random permutations of the population (Deb's scheme, so every individual enters
//!    exactly two tournaments per permutation pair); stream `("evo/selection", [g])`.
//! 3. *Vary* each parent pair `k` with the [`Variation`] operator (crossover, then mutation of
//!    both children) on stream `("evo/variation", [g, k, attempt])`. With
//!    `eliminate_duplicates`, a child whose genome key equals a current parent's or an earlier
//!    child's is discarded and the pair is varied again with the next `attempt`, up to
//!    [`DUPLICATE_ATTEMPTS`] times (after which the duplicate is kept).
//! 4. *Evaluate* the children ([`Problem::evaluate_batch`], parallel by default); with `cache`,
//!    a genome whose key was evaluated before is not evaluated again.
//! 5. *Survive*: sort parents ∪ children into constrained fronts; fill the next population front
//!    by front; split the last front that does not fit by decreasing crowding distance.
//!
//! The initial population (generation 0) draws genome `i` from stream `("evo/initial", [i,
//! attempt])`, with the same duplicate elimination. Every random number therefore depends only
//! on (seed, generation, index), never on the thread count, and the state after a generation
//! determines the rest of the run: checkpoints need no generator state.

use crate::archive::ParetoArchive;
use crate::cache::{EvaluationCache, FxHashMap, FxHashSet};
use crate::checkpoint::{self, CHECKPOINT_FORMAT, CHECKPOINT_VERSION, Checkpoint};
use crate::dominance::{constrained_fronts, crowding_distances, rank_and_crowding};
use crate::error::EvoError;
use crate::hypervolume::hypervolume;
use crate::problem::{EvalContext, Evaluation, Genome, Individual, Problem, Variation};
use dgnn_core::error::{at_least, finite};
use dgnn_core::{ParamError, Progress, Seed, StreamRng};
use rand::RngExt;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// How many times a mating (or an initial draw) is retried to avoid a duplicate genome.
pub const DUPLICATE_ATTEMPTS: u64 = 20;

/// NSGA-II settings (RON; every field optional).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Nsga2Config {
    /// Population size N (≥ 4); each generation makes N children. Default 100.
    pub population: usize,
    /// Number of generations counting the initial population (≥ 1), so a run evaluates at
    /// most `population × generations` genomes. Default 250.
    pub generations: u64,
    /// Optional cap on problem evaluations (cache hits are free): a generation starts only if
    /// `population` more evaluations fit in it. Must be ≥ `population`. Default none.
    pub max_evaluations: Option<u64>,
    /// Reference point for the hypervolume reported every generation (2 or 3 objectives,
    /// one finite value per objective). Default none (no hypervolume).
    pub reference_point: Option<Vec<f64>>,
    /// Regenerate children whose genome equals a current parent's or an earlier child's
    /// (pymoo's `eliminate_duplicates`). Default true.
    pub eliminate_duplicates: bool,
    /// Remember every evaluation by genome key and never evaluate a genome twice. The cache is
    /// part of the checkpoint. Worth turning off for cheap problems on continuous genomes,
    /// where a genome practically never repeats. Default true.
    pub cache: bool,
    /// Keep a Pareto archive of every non-dominated solution evaluated. Default true.
    pub archive: bool,
}

impl Default for Nsga2Config {
    fn default() -> Self {
        Self {
            population: 100,
            generations: 250,
            max_evaluations: None,
            reference_point: None,
            eliminate_duplicates: true,
            cache: true,
            archive: true,
        }
    }
}

impl Nsga2Config {
    /// Checks the settings for a problem with `objectives` objectives.
    pub fn check(&self, objectives: usize) -> Result<(), EvoError> {
        at_least("population", self.population, 4)?;
        if self.generations == 0 {
            return Err(ParamError::new(
                "generations",
                0,
                "must be at least 1 (the initial population)",
            )
            .into());
        }
        if let Some(budget) = self.max_evaluations
            && budget < self.population as u64
        {
            return Err(ParamError::new(
                "max_evaluations",
                budget,
                format!(
                    "must be at least `population` = {} to evaluate one generation",
                    self.population
                ),
            )
            .into());
        }
        if let Some(reference) = &self.reference_point {
            if reference.len() != objectives || !(2..=3).contains(&objectives) {
                return Err(ParamError::new(
                    "reference_point",
                    format!("{reference:?}"),
                    format!(
                        "must have one value per objective ({objectives}), for 2 or 3 objectives"
                    ),
                )
                .into());
            }
            for (k, &r) in reference.iter().enumerate() {
                finite(&format!("reference_point[{k}]"), r)?;
            }
        }
        Ok(())
    }
}

/// What one generation achieved (kept for every generation, in the checkpoint too).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GenerationSummary {
    /// Generation number (0 = the initial population).
    pub generation: u64,
    /// Problem evaluations so far.
    pub evaluations: u64,
    /// Evaluations answered by the cache so far.
    pub cache_hits: u64,
    /// Size of the population's first (constrained) front.
    pub front_size: usize,
    /// Number of feasible individuals in the population.
    pub feasible: usize,
    /// Hypervolume of the feasible first-front points against the reference point, if one is
    /// configured.
    pub hypervolume: Option<f64>,
    /// Size of the Pareto archive.
    pub archive_size: usize,
}

/// The complete state of a run after a generation: what a checkpoint stores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound(serialize = "G: Genome", deserialize = "G: Genome"))]
pub struct State<G: Genome> {
    /// Number of completed generations, the initial one included.
    pub generation: u64,
    /// The current population.
    pub population: Vec<Individual<G>>,
    /// Every non-dominated solution evaluated so far (empty when the archive is off).
    pub archive: ParetoArchive<G>,
    /// Problem evaluations so far.
    pub evaluations: u64,
    /// Evaluations answered by the cache so far.
    pub cache_hits: u64,
    /// One summary per completed generation.
    pub history: Vec<GenerationSummary>,
    /// Evaluations by genome key (empty when the cache is off).
    pub cache: EvaluationCache<G::Key>,
}

impl<G: Genome> State<G> {
    /// The population's first constrained front.
    #[must_use]
    pub fn front(&self) -> Vec<&Individual<G>> {
        constrained_fronts(&self.population)
            .first()
            .map(|front| front.iter().map(|&i| &self.population[i]).collect())
            .unwrap_or_default()
    }
}

/// What an observer sees after every generation.
#[derive(Debug)]
pub struct GenerationReport<'s, G> {
    /// The generation's summary (number, evaluations, front size, hypervolume …).
    pub summary: &'s GenerationSummary,
    /// The population after survival.
    pub population: &'s [Individual<G>],
    /// Indices into `population` of its first constrained front.
    pub front: &'s [usize],
    /// The Pareto archive.
    pub archive: &'s ParetoArchive<G>,
}

/// Watches a run: called after every generation (the initial one included), after the
/// checkpoint of that generation is written.
pub trait Observer<G> {
    /// Receives the report of a finished generation.
    fn observe(&mut self, report: &GenerationReport<'_, G>);
}

impl<G, F: FnMut(&GenerationReport<'_, G>)> Observer<G> for F {
    fn observe(&mut self, report: &GenerationReport<'_, G>) {
        self(report);
    }
}

/// An observer that advances a [`Progress`] by one per generation and shows the front size,
/// the evaluations and the hypervolume.
#[derive(Clone, Copy)]
pub struct ProgressObserver<'p> {
    progress: &'p dyn Progress,
}

impl<'p> ProgressObserver<'p> {
    /// Reports to `progress` (the caller calls `start` with the number of generations).
    #[must_use]
    pub fn new(progress: &'p dyn Progress) -> Self {
        Self { progress }
    }
}

impl<G> Observer<G> for ProgressObserver<'_> {
    fn observe(&mut self, report: &GenerationReport<'_, G>) {
        let s = report.summary;
        let hv = s.hypervolume.map(|hv| format!(" · hv {hv:.6}")).unwrap_or_default();
        self.progress.message(&format!(
            "gen {} · front {} · {} evals{hv}",
            s.generation, s.front_size, s.evaluations
        ));
        self.progress.advance(1);
    }
}

/// The result of [`Nsga2::run`].
#[derive(Debug, Clone)]
pub struct Outcome<G: Genome> {
    /// The final state (population, archive, counters, history, cache).
    pub state: State<G>,
    /// Whether the run ended because the stop flag was raised (the last checkpoint, if any,
    /// holds the last completed generation and can be resumed).
    pub stopped: bool,
}

impl<G: Genome> Outcome<G> {
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

/// An NSGA-II run over a problem and a variation operator: a consuming builder, then
/// [`Nsga2::run`] (or [`Nsga2::step`] one generation at a time).
///
/// ```
/// use dgnn_core::Seed;
/// use dgnn_evo::{Nsga2, Nsga2Config, RealVariation, Zdt, ZdtKind};
/// let problem = Zdt::new(ZdtKind::Zdt1, 10)?;
/// let variation = RealVariation::with_defaults(problem.bounds().clone());
/// let config = Nsga2Config {
///     population: 20,
///     generations: 5,
///     reference_point: Some(vec![1.1, 1.1]),
///     ..Nsga2Config::default()
/// };
/// let outcome = Nsga2::new(&problem, &variation, config, Seed(1))?.run()?;
/// assert_eq!(outcome.state.generation, 5);
/// assert_eq!(outcome.state.evaluations, 100);
/// assert!(!outcome.front().is_empty() && outcome.hypervolume().is_some());
/// # Ok::<(), dgnn_evo::EvoError>(())
/// ```
pub struct Nsga2<'a, P: Problem, V> {
    problem: &'a P,
    variation: &'a V,
    config: Nsga2Config,
    seed: Seed,
    state: Option<State<P::Genome>>,
    /// Ranks and crowding distances of `state.population` (a pure function of it, recomputed
    /// after a resume).
    selection: Option<(Vec<usize>, Vec<f64>)>,
    checkpoint: Option<PathBuf>,
    stop: Option<&'a AtomicBool>,
    observers: Vec<&'a mut dyn Observer<P::Genome>>,
}

impl<'a, P: Problem, V: Variation<P::Genome>> Nsga2<'a, P, V> {
    /// A fresh run; checks the configuration against the problem.
    pub fn new(
        problem: &'a P,
        variation: &'a V,
        config: Nsga2Config,
        seed: Seed,
    ) -> Result<Self, EvoError> {
        config.check(problem.objectives())?;
        Ok(Self {
            problem,
            variation,
            config,
            seed,
            state: None,
            selection: None,
            checkpoint: None,
            stop: None,
            observers: Vec::new(),
        })
    }

    /// Continues the run saved in `checkpoint` (which keeps being updated after every further
    /// generation). The problem and variation must describe themselves exactly as when the
    /// checkpoint was written.
    pub fn resume(problem: &'a P, variation: &'a V, checkpoint: &Path) -> Result<Self, EvoError> {
        let saved: Checkpoint<State<P::Genome>> = checkpoint::read(checkpoint)?;
        let mismatch = |what, found: String, given: String| EvoError::CheckpointMismatch {
            path: checkpoint.into(),
            what,
            found,
            given,
        };
        if saved.problem != problem.describe() {
            return Err(mismatch("problem", saved.problem, problem.describe()));
        }
        if saved.variation != variation.describe() {
            return Err(mismatch("variation operator", saved.variation, variation.describe()));
        }
        let mut run = Self::new(problem, variation, saved.config, saved.seed)?;
        run.state = Some(saved.state);
        run.checkpoint = Some(checkpoint.into());
        Ok(run)
    }

    /// Writes a checkpoint to `path` after every generation. The checkpoint holds the whole
    /// evaluation cache, so it grows with the number of evaluations: for cheap problems with
    /// many evaluations (tens of thousands) prefer `cache: false` when checkpointing.
    #[must_use]
    pub fn checkpoint(mut self, path: impl Into<PathBuf>) -> Self {
        self.checkpoint = Some(path.into());
        self
    }

    /// Stops [`Nsga2::run`] between generations once `flag` is raised (for example by Ctrl-C).
    #[must_use]
    pub fn stop_flag(mut self, flag: &'a AtomicBool) -> Self {
        self.stop = Some(flag);
        self
    }

    /// Adds an observer, called after every generation.
    #[must_use]
    pub fn observer(mut self, observer: &'a mut dyn Observer<P::Genome>) -> Self {
        self.observers.push(observer);
        self
    }

    /// The checked configuration.
    #[must_use]
    pub fn config(&self) -> &Nsga2Config {
        &self.config
    }

    /// The state after the last completed generation (none before the first).
    #[must_use]
    pub fn state(&self) -> Option<&State<P::Genome>> {
        self.state.as_ref()
    }

    /// Whether the run is complete: all generations done or the evaluation budget cannot
    /// afford another generation.
    #[must_use]
    pub fn is_done(&self) -> bool {
        self.state.as_ref().is_some_and(|state| self.done(state))
    }

    fn done(&self, state: &State<P::Genome>) -> bool {
        state.generation >= self.config.generations
            || self
                .config
                .max_evaluations
                .is_some_and(|budget| state.evaluations + self.config.population as u64 > budget)
    }

    /// Runs generations until done or stopped; consumes the run. The stop flag is checked
    /// before every generation after the initial one.
    pub fn run(mut self) -> Result<Outcome<P::Genome>, EvoError> {
        let mut state = match self.state.take() {
            Some(state) => state,
            None => self.advance(None)?,
        };
        let mut stopped = false;
        while !self.done(&state) {
            if self.stop.is_some_and(|flag| flag.load(Ordering::SeqCst)) {
                stopped = true;
                break;
            }
            state = self.advance(Some(state))?;
        }
        Ok(Outcome { state, stopped })
    }

    /// Runs one generation (the first call evaluates the initial population); does nothing and
    /// returns false when the run is already done. After an error the in-memory state is
    /// gone: resume from the last checkpoint.
    pub fn step(&mut self) -> Result<bool, EvoError> {
        if self.is_done() {
            return Ok(false);
        }
        let state = self.state.take();
        self.state = Some(self.advance(state)?);
        Ok(true)
    }

    /// Makes the next generation from `state` (the initial one from nothing), then records it.
    fn advance(&mut self, state: Option<State<P::Genome>>) -> Result<State<P::Genome>, EvoError> {
        let mut state = match state {
            None => self.initial_state()?,
            Some(state) => self.next_state(state)?,
        };
        self.finish_generation(&mut state)?;
        Ok(state)
    }

    /// Draws and evaluates the initial population.
    fn initial_state(&mut self) -> Result<State<P::Genome>, EvoError> {
        let mut state = State {
            generation: 0,
            population: Vec::new(),
            archive: ParetoArchive::default(),
            evaluations: 0,
            cache_hits: 0,
            history: Vec::new(),
            cache: if self.config.cache {
                // One generation's worth of evaluations per generation, reserved up front so
                // the table is not rehashed as it grows (capped: a long run grows it later).
                let expected =
                    self.config.generations.saturating_mul(self.config.population as u64);
                EvaluationCache::with_capacity(expected.min(1 << 16) as usize)
            } else {
                EvaluationCache::default()
            },
        };
        let mut seen = FxHashSet::default();
        let mut genomes = Vec::with_capacity(self.config.population);
        for i in 0..self.config.population as u64 {
            genomes.extend(self.distinct(1, &mut seen, |attempt| {
                vec![
                    self.problem.random_genome(&mut self.seed.stream("evo/initial", &[i, attempt])),
                ]
            }));
        }
        state.population = self.evaluate(&mut state, genomes, 0)?;
        if self.config.archive {
            for individual in &state.population {
                state.archive.offer(individual);
            }
        }
        Ok(state)
    }

    /// Selection, variation, evaluation and survival of one generation.
    fn next_state(&mut self, mut state: State<P::Genome>) -> Result<State<P::Genome>, EvoError> {
        let generation = state.generation;
        let (rank, crowding) = match self.selection.take() {
            Some(selection) => selection,
            None => rank_and_crowding(&state.population),
        };
        let n = self.config.population;
        let pairs = n.div_ceil(2);
        let parents = tournament(
            &rank,
            &crowding,
            2 * pairs,
            &mut self.seed.stream("evo/selection", &[generation]),
        );
        let mut seen = FxHashSet::with_capacity_and_hasher(2 * n, Default::default());
        if self.config.eliminate_duplicates {
            seen.extend(state.population.iter().map(|i| i.genome.key()));
        }
        let mut children = Vec::with_capacity(n);
        for (pair, parent) in parents.chunks_exact(2).enumerate() {
            let first = &state.population[parent[0]].genome;
            let second = &state.population[parent[1]].genome;
            let wanted = (n - children.len()).min(2);
            children.extend(self.distinct(wanted, &mut seen, |attempt| {
                let mut rng =
                    self.seed.stream("evo/variation", &[generation, pair as u64, attempt]);
                let mut twins = self.variation.crossover(first, second, &mut rng);
                for child in &mut twins {
                    self.variation.mutate(child, &mut rng);
                }
                Vec::from(twins)
            }));
        }
        let offspring = self.evaluate(&mut state, children, generation)?;
        if self.config.archive {
            for individual in &offspring {
                state.archive.offer(individual);
            }
        }
        let mut combined = std::mem::take(&mut state.population);
        combined.extend(offspring);
        state.population = survive(combined, n);
        Ok(state)
    }

    /// Collects `wanted` genomes from successive attempts, skipping (while attempts remain)
    /// genomes whose key is already in `seen` when duplicates are eliminated. Returns each
    /// genome with its key when it was computed.
    fn distinct(
        &self,
        wanted: usize,
        seen: &mut FxHashSet<Key<P>>,
        mut attempt: impl FnMut(u64) -> Vec<P::Genome>,
    ) -> Vec<(P::Genome, Option<Key<P>>)> {
        let mut out = Vec::with_capacity(wanted);
        for a in 0..DUPLICATE_ATTEMPTS {
            let last = a + 1 == DUPLICATE_ATTEMPTS;
            for genome in attempt(a) {
                if out.len() == wanted {
                    break;
                }
                if !self.config.eliminate_duplicates {
                    out.push((genome, None));
                    continue;
                }
                let key = genome.key();
                if seen.insert(key.clone()) || last {
                    out.push((genome, Some(key)));
                }
            }
            if out.len() == wanted {
                break;
            }
        }
        out
    }

    /// Evaluates genomes (through the cache when enabled) and checks every evaluation.
    fn evaluate(
        &self,
        state: &mut State<P::Genome>,
        mut genomes: Vec<(P::Genome, Option<Key<P>>)>,
        generation: u64,
    ) -> Result<Vec<Individual<P::Genome>>, EvoError> {
        let context = EvalContext { seed: self.seed, generation };
        // For each genome: where its evaluation comes from (the cache or a batch position).
        enum Source {
            Cached(Evaluation),
            Batch(usize),
        }
        let mut batch: Vec<&P::Genome> = Vec::with_capacity(genomes.len());
        // Indices into `keys` of the genomes in the batch (cache only).
        let mut batch_keys = Vec::new();
        let mut sources = Vec::with_capacity(genomes.len());
        let keys: Vec<Key<P>> = if self.config.cache {
            genomes
                .iter_mut()
                .map(|(genome, key)| key.take().unwrap_or_else(|| genome.key()))
                .collect()
        } else {
            Vec::new()
        };
        if self.config.cache {
            let mut pending: FxHashMap<&Key<P>, usize> =
                FxHashMap::with_capacity_and_hasher(genomes.len(), Default::default());
            for (index, ((genome, _), key)) in genomes.iter().zip(&keys).enumerate() {
                if let Some(evaluation) = state.cache.get(key) {
                    sources.push(Source::Cached(evaluation.clone()));
                } else if let Some(&position) = pending.get(key) {
                    sources.push(Source::Batch(position));
                } else {
                    pending.insert(key, batch.len());
                    sources.push(Source::Batch(batch.len()));
                    batch.push(genome);
                    batch_keys.push(index);
                }
            }
        } else {
            batch.extend(genomes.iter().map(|(genome, _)| genome));
            sources.extend((0..genomes.len()).map(Source::Batch));
        }
        let results = self.problem.evaluate_batch(&batch, &context);
        if results.len() != batch.len() {
            return Err(EvoError::InvalidEvaluation {
                generation,
                index: results.len().min(batch.len()),
                reason: format!(
                    "the batch returned {} results for {} genomes",
                    results.len(),
                    batch.len()
                ),
            });
        }
        let objectives = self.problem.objectives();
        let mut evaluated = Vec::with_capacity(results.len());
        for (index, result) in results.into_iter().enumerate() {
            let evaluation =
                result.map_err(|source| EvoError::Evaluation { generation, index, source })?;
            if let Some(reason) = evaluation.problem_with(objectives) {
                return Err(EvoError::InvalidEvaluation { generation, index, reason });
            }
            evaluated.push(evaluation);
        }
        state.evaluations += batch.len() as u64;
        state.cache_hits += (genomes.len() - batch.len()) as u64;
        if self.config.cache {
            for (&index, evaluation) in batch_keys.iter().zip(&evaluated) {
                state.cache.insert(keys[index].clone(), evaluation.clone());
            }
        }
        Ok(genomes
            .into_iter()
            .zip(sources)
            .map(|((genome, _), source)| {
                let evaluation = match source {
                    Source::Cached(evaluation) => evaluation,
                    Source::Batch(position) => evaluated[position].clone(),
                };
                Individual { genome, evaluation }
            })
            .collect())
    }

    /// Ranks the new population, records the generation's summary, writes the checkpoint and
    /// calls the observers.
    fn finish_generation(&mut self, state: &mut State<P::Genome>) -> Result<(), EvoError> {
        let evaluations: Vec<&Evaluation> =
            state.population.iter().map(|i| &i.evaluation).collect();
        let (rank, crowding) = rank_and_crowding(&evaluations);
        let front: Vec<usize> = (0..rank.len()).filter(|&i| rank[i] == 0).collect();
        let hypervolume = match &self.config.reference_point {
            Some(reference) => {
                let points: Vec<&[f64]> = front
                    .iter()
                    .filter(|&&i| evaluations[i].is_feasible())
                    .map(|&i| evaluations[i].objectives.as_slice())
                    .collect();
                Some(hypervolume(&points, reference)?)
            }
            None => None,
        };
        state.history.push(GenerationSummary {
            generation: state.generation,
            evaluations: state.evaluations,
            cache_hits: state.cache_hits,
            front_size: front.len(),
            feasible: evaluations.iter().filter(|e| e.is_feasible()).count(),
            hypervolume,
            archive_size: state.archive.len(),
        });
        state.generation += 1;
        if let Some(path) = &self.checkpoint {
            let saved = Checkpoint {
                format: CHECKPOINT_FORMAT.into(),
                version: CHECKPOINT_VERSION,
                problem: self.problem.describe(),
                variation: self.variation.describe(),
                seed: self.seed,
                config: self.config.clone(),
                state: &*state,
            };
            checkpoint::write(path, &saved)?;
        }
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
        self.selection = Some((rank, crowding));
        Ok(())
    }
}

/// The genome key type of a problem.
type Key<P> = <<P as Problem>::Genome as Genome>::Key;

/// A uniformly random permutation of `0..n` (Fisher–Yates).
fn permutation(n: usize, rng: &mut StreamRng) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        order.swap(i, rng.random_range(0..=i));
    }
    order
}

/// `count` winners of binary crowded tournaments; contestants are consecutive entries of
/// random permutations of the population.
fn tournament(rank: &[usize], crowding: &[f64], count: usize, rng: &mut StreamRng) -> Vec<usize> {
    let n = rank.len();
    let mut contestants = Vec::with_capacity(2 * count + n);
    while contestants.len() < 2 * count {
        contestants.extend(permutation(n, rng));
    }
    contestants
        .chunks_exact(2)
        .take(count)
        .map(|pair| {
            let (a, b) = (pair[0], pair[1]);
            match rank[a].cmp(&rank[b]).then(crowding[b].total_cmp(&crowding[a])) {
                std::cmp::Ordering::Less => a,
                std::cmp::Ordering::Greater => b,
                std::cmp::Ordering::Equal => {
                    if rng.random::<bool>() {
                        a
                    } else {
                        b
                    }
                }
            }
        })
        .collect()
}

/// NSGA-II's elitist survival: whole fronts while they fit, then the most crowded-apart
/// members of the front that does not fit (ties by position, for determinism).
fn survive<G>(mut combined: Vec<Individual<G>>, n: usize) -> Vec<Individual<G>> {
    let mut chosen = Vec::with_capacity(n);
    for front in constrained_fronts(&combined) {
        if chosen.len() + front.len() <= n {
            chosen.extend(front);
        } else {
            let objectives: Vec<&[f64]> =
                combined.iter().map(|i| i.evaluation.objectives.as_slice()).collect();
            let distance = crowding_distances(&objectives, &front);
            let mut order: Vec<usize> = (0..front.len()).collect();
            order.sort_by(|&a, &b| {
                distance[b].total_cmp(&distance[a]).then(front[a].cmp(&front[b]))
            });
            chosen.extend(order.into_iter().take(n - chosen.len()).map(|k| front[k]));
        }
        if chosen.len() == n {
            break;
        }
    }
    let mut slots: Vec<Option<Individual<G>>> = combined.drain(..).map(Some).collect();
    chosen.into_iter().filter_map(|i| slots[i].take()).collect()
}
