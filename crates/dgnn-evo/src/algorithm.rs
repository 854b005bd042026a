//! The algorithm side of the engine (argmin's `Solver`): how one population becomes the next.
//!
//! An [`Algorithm`] knows selection, variation and survival, nothing else. The
//! [`Executor`](crate::Executor) runs it: it owns the state of the run (population, evaluation
//! cache, Pareto archive, counters, history), the checkpoint, the observers, the evaluation
//! budget and the stop flag, and it hands the algorithm a [`GenerationContext`] through which
//! every evaluation goes. A new strategy — a sleep–wake alternation of growth and pruning
//! phases, say — is therefore a new implementation of this trait, never a new run loop; where
//! the evaluations run (this process, a cluster) is the executor's [`Evaluator`], never the
//! algorithm's concern.
//!
//! **Invariants an implementation keeps** (they make resumed runs bit-identical):
//! - every random number comes from `context.seed().stream(name, path)` with a path built from
//!   the generation number and fixed indices (never from a generator carried across
//!   generations, never from the thread that happens to run);
//! - whatever the algorithm remembers between generations is a function of the run's state
//!   (generation number, population, archive) or of its [`Algorithm::Config`]: the checkpoint
//!   stores nothing else.

use crate::cache::{FxHashMap, FxHashSet};
use crate::dominance::rank_and_crowding;
use crate::error::EvoError;
use crate::evaluator::Evaluator;
use crate::problem::{EvalContext, Evaluation, Genome, Individual, Problem};
use crate::state::State;
use dgnn_core::{ParamError, Seed};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// What the executor enforces and records for a run, read from the algorithm's configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSettings {
    /// Generations counting the initial population (≥ 1).
    pub generations: u64,
    /// Optional cap on problem evaluations (cache hits are free).
    pub max_evaluations: Option<u64>,
    /// The most evaluations one generation may need: a generation starts only if that many
    /// still fit in `max_evaluations`.
    pub evaluations_per_generation: u64,
    /// Reference point of the hypervolume reported every generation (one value per objective,
    /// 2 or 3 objectives), or none.
    pub reference_point: Option<Vec<f64>>,
    /// Remember every evaluation by genome key and never evaluate a genome twice.
    pub cache: bool,
    /// Keep a Pareto archive of every non-dominated solution evaluated.
    pub archive: bool,
}

impl RunSettings {
    /// Checks the settings against a problem with `objectives` objectives: the reference point
    /// needs one value per objective.
    ///
    /// # Errors
    /// A [`ParamError`] naming `reference_point` when its length differs.
    pub fn check_against(&self, objectives: usize) -> Result<(), ParamError> {
        match &self.reference_point {
            Some(reference) if reference.len() != objectives => Err(ParamError::new(
                "reference_point",
                format!("{reference:?}"),
                format!("must have one value per objective ({objectives}), for 2 or 3 objectives"),
            )),
            _ => Ok(()),
        }
    }
}

/// A multi-objective evolutionary algorithm driven by the [`Executor`](crate::Executor)
/// (module docs). [`Nsga2`](crate::Nsga2) is the reference implementation.
pub trait Algorithm<P: Problem> {
    /// The checked configuration of a whole run with this algorithm. The checkpoint records it
    /// and a resumed run rebuilds the algorithm from it; deserialising it must check it.
    type Config: Serialize + DeserializeOwned + Clone + std::fmt::Debug;

    /// The format tag of this algorithm's checkpoints (a checkpoint with another tag is
    /// refused as foreign).
    const CHECKPOINT_FORMAT: &'static str;

    /// The configuration the algorithm was built with.
    fn config(&self) -> &Self::Config;

    /// What the executor enforces: generations, evaluation budget, hypervolume reference,
    /// cache and archive.
    fn run_settings(&self) -> RunSettings;

    /// A one-line description of the variation operators the algorithm applies, with every
    /// parameter that is not in [`Algorithm::Config`]; checkpoints store it and refuse to
    /// resume with operators that describe themselves differently.
    fn describe(&self) -> String;

    /// Makes and evaluates the initial population (generation 0).
    ///
    /// # Errors
    /// What [`GenerationContext::evaluate`] reports.
    fn init(
        &mut self,
        context: &mut GenerationContext<'_, P>,
    ) -> Result<Vec<Individual<P::Genome>>, EvoError>;

    /// Makes the next population from the current one (ranked by the executor, once per
    /// generation, in `ranking`), evaluating new genomes through `context`.
    ///
    /// # Errors
    /// What [`GenerationContext::evaluate`] reports.
    fn next_generation(
        &mut self,
        population: Vec<Individual<P::Genome>>,
        ranking: &Ranking,
        context: &mut GenerationContext<'_, P>,
    ) -> Result<Vec<Individual<P::Genome>>, EvoError>;
}

/// Constrained non-domination ranks and crowding distances of a population
/// ([`rank_and_crowding`]): computed by the executor once per generation, for the report and
/// for the algorithm's selection.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranking {
    rank: Vec<usize>,
    crowding: Vec<f64>,
}

impl Ranking {
    /// Ranks a population.
    #[must_use]
    pub fn of<E: AsRef<Evaluation>>(population: &[E]) -> Self {
        let (rank, crowding) = rank_and_crowding(population);
        Self { rank, crowding }
    }

    /// The constrained front of each individual (0 = first front).
    #[must_use]
    pub fn rank(&self) -> &[usize] {
        &self.rank
    }

    /// The crowding distance of each individual within its front.
    #[must_use]
    pub fn crowding(&self) -> &[f64] {
        &self.crowding
    }

    /// Indices of the first constrained front, in population order.
    #[must_use]
    pub fn first_front(&self) -> Vec<usize> {
        (0..self.rank.len()).filter(|&i| self.rank[i] == 0).collect()
    }
}

/// A genome waiting for evaluation, with its key once known (so that it is computed once).
#[derive(Debug, Clone)]
pub struct Candidate<G: Genome> {
    genome: G,
    key: Option<G::Key>,
}

impl<G: Genome> Candidate<G> {
    /// A genome whose key the executor computes when it needs it.
    #[must_use]
    pub fn new(genome: G) -> Self {
        Self { genome, key: None }
    }

    /// A genome with its key, which must be `genome.key()`.
    pub(crate) fn with_key(genome: G, key: G::Key) -> Self {
        Self { genome, key: Some(key) }
    }

    /// The genome.
    #[must_use]
    pub fn genome(&self) -> &G {
        &self.genome
    }

    /// The key, computed now unless it is already known.
    fn take_key(&mut self) -> G::Key {
        self.key.take().unwrap_or_else(|| self.genome.key())
    }
}

impl<G: Genome> From<G> for Candidate<G> {
    fn from(genome: G) -> Self {
        Self::new(genome)
    }
}

/// What an algorithm may use while it makes one generation: the problem, the seed, the
/// generation number, and evaluation through the executor's cache, evaluator, counters and
/// archive.
pub struct GenerationContext<'r, P: Problem> {
    pub(crate) problem: &'r P,
    pub(crate) evaluator: &'r dyn Evaluator<P>,
    pub(crate) seed: Seed,
    pub(crate) settings: &'r RunSettings,
    /// The run's state; its population is out with the algorithm during the generation.
    pub(crate) state: &'r mut State<P::Genome>,
}

/// Where a candidate's evaluation comes from.
enum Source {
    /// The cache had it.
    Cached(Evaluation),
    /// This position of the batch sent to the evaluator.
    Batch(usize),
}

/// A generation's candidates sorted into cache hits and the batch of distinct genomes that
/// must be evaluated.
struct BatchPlan<K> {
    /// For each candidate, in order: where its evaluation comes from.
    sources: Vec<Source>,
    /// For each batch position: the index of the candidate evaluated there.
    batch: Vec<usize>,
    /// Each candidate's key (empty when the cache is off).
    keys: Vec<K>,
}

impl<'r, P: Problem> GenerationContext<'r, P> {
    /// The problem being solved.
    #[must_use]
    pub fn problem(&self) -> &'r P {
        self.problem
    }

    /// The master seed of the run.
    #[must_use]
    pub fn seed(&self) -> Seed {
        self.seed
    }

    /// The generation being made (0 = the initial population).
    #[must_use]
    pub fn generation(&self) -> u64 {
        self.state.generation
    }

    /// Evaluates candidates, in order: a genome already in the cache (or earlier in the same
    /// call) is not evaluated again; the rest go to the evaluator as one batch. Every result is
    /// checked, counted, cached (when the cache is on) and offered to the archive (when it is
    /// on), in candidate order.
    ///
    /// # Errors
    /// [`EvoError::Evaluation`] when the problem fails on a genome, and
    /// [`EvoError::InvalidEvaluation`] when it returns the wrong number of results or an
    /// unusable evaluation (wrong length, NaN, negative violation).
    pub fn evaluate(
        &mut self,
        mut candidates: Vec<Candidate<P::Genome>>,
    ) -> Result<Vec<Individual<P::Genome>>, EvoError> {
        let plan = self.plan(&mut candidates);
        let evaluated = self.evaluate_batch(&candidates, &plan.batch)?;
        self.state.evaluations += plan.batch.len() as u64;
        self.state.cache_hits += (candidates.len() - plan.batch.len()) as u64;
        if self.settings.cache {
            for (&index, evaluation) in plan.batch.iter().zip(&evaluated) {
                self.state.cache.insert(plan.keys[index].clone(), evaluation.clone());
            }
        }
        let mut individuals: Vec<Individual<P::Genome>> = candidates
            .into_iter()
            .zip(plan.sources)
            .map(|(candidate, source)| {
                let evaluation = match source {
                    Source::Cached(evaluation) => evaluation,
                    Source::Batch(position) => evaluated[position].clone(),
                };
                Individual { genome: candidate.genome, evaluation }
            })
            .collect();
        reassess(self.problem, &mut individuals, self.state.generation)?;
        if self.settings.archive {
            for individual in &individuals {
                self.state.archive.offer(individual);
            }
        }
        Ok(individuals)
    }

    /// Sorts the candidates into cache hits and batch positions (a genome repeated within the
    /// call takes the batch position of its first occurrence).
    fn plan(&self, candidates: &mut [Candidate<P::Genome>]) -> BatchPlan<Key<P>> {
        if !self.settings.cache {
            return BatchPlan {
                sources: (0..candidates.len()).map(Source::Batch).collect(),
                batch: (0..candidates.len()).collect(),
                keys: Vec::new(),
            };
        }
        let keys: Vec<Key<P>> = candidates.iter_mut().map(Candidate::take_key).collect();
        let mut sources = Vec::with_capacity(candidates.len());
        let mut batch = Vec::with_capacity(candidates.len());
        let mut pending: FxHashMap<&Key<P>, usize> =
            FxHashMap::with_capacity_and_hasher(candidates.len(), Default::default());
        for (index, key) in keys.iter().enumerate() {
            if let Some(evaluation) = self.state.cache.get(key) {
                sources.push(Source::Cached(evaluation.clone()));
            } else if let Some(&position) = pending.get(key) {
                sources.push(Source::Batch(position));
            } else {
                pending.insert(key, batch.len());
                sources.push(Source::Batch(batch.len()));
                batch.push(index);
            }
        }
        BatchPlan { sources, batch, keys }
    }

    /// Has the problem evaluate the batch through the evaluator and checks every result.
    fn evaluate_batch(
        &self,
        candidates: &[Candidate<P::Genome>],
        batch: &[usize],
    ) -> Result<Vec<Evaluation>, EvoError> {
        let generation = self.state.generation;
        let context = EvalContext::new(self.seed, generation);
        let genomes: Vec<&P::Genome> = batch.iter().map(|&i| &candidates[i].genome).collect();
        let results = self.problem.evaluate_batch(&genomes, &context, self.evaluator);
        if results.len() != genomes.len() {
            return Err(EvoError::InvalidEvaluation {
                generation,
                index: results.len().min(genomes.len()),
                reason: format!(
                    "the batch returned {} results for {} genomes",
                    results.len(),
                    genomes.len()
                ),
            });
        }
        let objectives = self.problem.objectives();
        results
            .into_iter()
            .enumerate()
            .map(|(index, result)| {
                let evaluation =
                    result.map_err(|source| EvoError::Evaluation { generation, index, source })?;
                match evaluation.problem_with(objectives) {
                    Some(reason) => Err(EvoError::InvalidEvaluation { generation, index, reason }),
                    None => Ok(evaluation),
                }
            })
            .collect()
    }
}

/// Sets each individual's violation to the problem's [`Problem::violation_at`] generation
/// `generation`, for a problem whose constraints vary ([`Problem::constraints_vary`]; nothing
/// otherwise).
///
/// # Errors
/// [`EvoError::InvalidEvaluation`] when the problem returns a violation that is not finite and
/// ≥ 0.
pub(crate) fn reassess<P: Problem>(
    problem: &P,
    individuals: &mut [Individual<P::Genome>],
    generation: u64,
) -> Result<(), EvoError> {
    if !problem.constraints_vary() {
        return Ok(());
    }
    for (index, individual) in individuals.iter_mut().enumerate() {
        let violation = problem.violation_at(&individual.evaluation, generation);
        if !(violation.is_finite() && violation >= 0.0) {
            let reason = format!("violation_at gave {violation} (must be finite and ≥ 0)");
            return Err(EvoError::InvalidEvaluation { generation, index, reason });
        }
        individual.evaluation.violation = violation;
    }
    Ok(())
}

/// The genome key type of a problem.
pub(crate) type Key<P> = <<P as Problem>::Genome as Genome>::Key;

/// Which genomes a new generation may contain (pymoo's `eliminate_duplicates`).
pub(crate) enum DuplicateFilter<K> {
    /// Every genome, duplicates included.
    KeepAll,
    /// No genome whose key is in the set (current parents, earlier children), while attempts
    /// remain.
    RefuseSeen(FxHashSet<K>),
}

impl<K: std::hash::Hash + Eq + Clone> DuplicateFilter<K> {
    /// Collects `wanted` genomes from successive attempts `0, 1, …` (each attempt yields one or
    /// more genomes, taken in order), skipping genomes already seen while attempts remain: the
    /// last of `attempts` attempts is accepted whatever it yields.
    pub(crate) fn collect<G: Genome<Key = K>>(
        &mut self,
        wanted: usize,
        attempts: u64,
        mut attempt: impl FnMut(u64) -> Vec<G>,
    ) -> Vec<Candidate<G>> {
        let mut out = Vec::with_capacity(wanted);
        for a in 0..attempts {
            let last = a + 1 == attempts;
            for genome in attempt(a) {
                if out.len() == wanted {
                    break;
                }
                match self {
                    Self::KeepAll => out.push(Candidate::new(genome)),
                    Self::RefuseSeen(seen) => {
                        let key = genome.key();
                        if seen.insert(key.clone()) || last {
                            out.push(Candidate::with_key(genome, key));
                        }
                    }
                }
            }
            if out.len() == wanted {
                break;
            }
        }
        out
    }
}
