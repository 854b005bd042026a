//! NSGA-II (Deb, Pratap, Agarwal & Meyarivan 2002, IEEE TEC 6:182) with constrained domination
//! and duplicate elimination, as an [`Algorithm`] for the [`Executor`](crate::Executor) (which
//! adds the evaluation cache, the Pareto archive, observers, the budget, the stop flag and
//! checkpoints).
//!
//! One generation `g ≥ 1` of population size `N`:
//! 1. *Rank* the population: constrained non-dominated fronts and crowding distances
//!    ([`rank_and_crowding`](crate::rank_and_crowding); the executor's [`Ranking`]).
//! 2. *Select* `2⌈N/2⌉` parents by binary tournaments with the crowded comparison (lower front
//!    wins, then larger crowding distance, then a coin flip), the contestants taken pairwise
//!    from random permutations of the population (Deb's scheme, so every individual enters
//!    exactly two tournaments per permutation pair); stream `("evo/selection", [g])`.
//! 3. *Vary* each parent pair `k` with the [`Variation`] operator (crossover, then mutation of
//!    both children) on stream `("evo/variation", [g, k, attempt])`. With
//!    `eliminate_duplicates`, a child whose genome key equals a current parent's or an earlier
//!    child's is discarded and the pair is varied again with the next `attempt`, up to
//!    [`DUPLICATE_ATTEMPTS`] times (after which the duplicate is kept).
//! 4. *Evaluate* the children through the executor ([`GenerationContext::evaluate`]: the
//!    evaluator, parallel by default; with `cache`, a genome whose key was evaluated before is
//!    not evaluated again).
//! 5. *Survive*: sort parents ∪ children into constrained fronts; fill the next population front
//!    by front; split the last front that does not fit by decreasing crowding distance.
//!
//! The initial population (generation 0) draws genome `i` from stream `("evo/initial", [i,
//! attempt])`, with the same duplicate elimination. Every random number therefore depends only
//! on (seed, generation, index), never on the thread count, and the state after a generation
//! determines the rest of the run: checkpoints need no generator state.

use crate::algorithm::{
    Algorithm, Candidate, DuplicateFilter, GenerationContext, Ranking, RunSettings,
};
use crate::cache::FxHashSet;
use crate::dominance::{constrained_fronts, crowding_distances};
use crate::error::EvoError;
use crate::problem::{Genome, Individual, Problem, Variation};
use dgnn_core::error::{at_least, finite};
use dgnn_core::rng::shuffle;
use dgnn_core::{ParamError, Seed, StreamRng, Valid, Validate};
use rand::RngExt;
use serde::{Deserialize, Serialize};

/// How many times a mating (or an initial draw) is retried to avoid a duplicate genome.
pub const DUPLICATE_ATTEMPTS: u64 = 20;

/// The format tag of an NSGA-II checkpoint.
pub const CHECKPOINT_FORMAT: &str = "dgnn-evo/nsga2-checkpoint";

/// NSGA-II settings (RON; every field optional).
/// [`ParamGuard::check`](crate::ParamGuard::check) turns them into the checked
/// `Valid<Nsga2Config>` that [`Nsga2::new`] takes; deserialising a `Valid<Nsga2Config>` checks
/// it.
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

impl Validate for Nsga2Config {
    /// Checks every setting that does not depend on the problem; the executor checks the
    /// reference point's length against the problem's objectives
    /// ([`RunSettings::check_against`]).
    fn validate(&self) -> Result<(), ParamError> {
        at_least("population", self.population, 4)?;
        if self.generations == 0 {
            return Err(ParamError::new(
                "generations",
                0,
                "must be at least 1 (the initial population)",
            ));
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
            ));
        }
        if let Some(reference) = &self.reference_point {
            if !(2..=3).contains(&reference.len()) {
                return Err(ParamError::new(
                    "reference_point",
                    format!("{reference:?}"),
                    "must have one value per objective, for 2 or 3 objectives",
                ));
            }
            for (k, &r) in reference.iter().enumerate() {
                finite(&format!("reference_point[{k}]"), r)?;
            }
        }
        Ok(())
    }
}
/// NSGA-II with a variation operator `V` (module docs): an [`Algorithm`] for the
/// [`Executor`](crate::Executor).
#[derive(Debug, Clone)]
pub struct Nsga2<V> {
    variation: V,
    config: Valid<Nsga2Config>,
}

impl<V> Nsga2<V> {
    /// NSGA-II with the operator `variation` (a value or a reference) and checked settings.
    #[must_use]
    pub fn new(variation: V, config: Valid<Nsga2Config>) -> Self {
        Self { variation, config }
    }

    /// The variation operator.
    #[must_use]
    pub fn variation(&self) -> &V {
        &self.variation
    }

    /// The duplicate filter of a new generation, knowing the genomes in `present`.
    fn duplicate_filter<G: Genome>(&self, present: &[Individual<G>]) -> DuplicateFilter<G::Key> {
        if !self.config.eliminate_duplicates {
            return DuplicateFilter::KeepAll;
        }
        let mut seen = FxHashSet::with_capacity_and_hasher(
            present.len() + self.config.population,
            Default::default(),
        );
        seen.extend(present.iter().map(|i| i.genome.key()));
        DuplicateFilter::RefuseSeen(seen)
    }
}

impl<P: Problem, V: Variation<P::Genome>> Algorithm<P> for Nsga2<V> {
    type Config = Valid<Nsga2Config>;

    const CHECKPOINT_FORMAT: &'static str = CHECKPOINT_FORMAT;

    fn config(&self) -> &Valid<Nsga2Config> {
        &self.config
    }

    fn run_settings(&self) -> RunSettings {
        let config = &self.config;
        RunSettings {
            generations: config.generations,
            max_evaluations: config.max_evaluations,
            evaluations_per_generation: config.population as u64,
            reference_point: config.reference_point.clone(),
            cache: config.cache,
            archive: config.archive,
        }
    }

    fn describe(&self) -> String {
        self.variation.describe()
    }

    /// Draws genome `i` of the initial population from stream `("evo/initial", [i, attempt])`.
    fn init(
        &mut self,
        context: &mut GenerationContext<'_, P>,
    ) -> Result<Vec<Individual<P::Genome>>, EvoError> {
        let (problem, seed) = (context.problem(), context.seed());
        let mut filter = self.duplicate_filter::<P::Genome>(&[]);
        let mut genomes = Vec::with_capacity(self.config.population);
        for i in 0..self.config.population as u64 {
            genomes.extend(filter.collect(1, DUPLICATE_ATTEMPTS, |attempt| {
                vec![problem.random_genome(&mut seed.stream("evo/initial", &[i, attempt]))]
            }));
        }
        context.evaluate(genomes)
    }

    /// Selection, variation, evaluation and survival (module docs).
    fn next_generation(
        &mut self,
        population: Vec<Individual<P::Genome>>,
        ranking: &Ranking,
        context: &mut GenerationContext<'_, P>,
    ) -> Result<Vec<Individual<P::Genome>>, EvoError> {
        let (generation, seed) = (context.generation(), context.seed());
        let n = self.config.population;
        let parents = tournament(
            ranking.rank(),
            ranking.crowding(),
            2 * n.div_ceil(2),
            &mut seed.stream("evo/selection", &[generation]),
        );
        let children = self.children(&population, &parents, seed, generation);
        let offspring = context.evaluate(children)?;
        let mut combined = population;
        combined.extend(offspring);
        Ok(survive(combined, n))
    }
}

impl<V> Nsga2<V> {
    /// The `N` children of one generation: each pair of `parents` (indices into `population`)
    /// varied on stream `("evo/variation", [generation, pair, attempt])`.
    fn children<G: Genome>(
        &self,
        population: &[Individual<G>],
        parents: &[usize],
        seed: Seed,
        generation: u64,
    ) -> Vec<Candidate<G>>
    where
        V: Variation<G>,
    {
        let n = self.config.population;
        let mut filter = self.duplicate_filter(population);
        let mut children = Vec::with_capacity(n);
        for (pair, parent) in parents.chunks_exact(2).enumerate() {
            let first = &population[parent[0]].genome;
            let second = &population[parent[1]].genome;
            let wanted = (n - children.len()).min(2);
            children.extend(filter.collect(wanted, DUPLICATE_ATTEMPTS, |attempt| {
                let mut rng = seed.stream("evo/variation", &[generation, pair as u64, attempt]);
                let mut twins = self.variation.crossover(first, second, &mut rng);
                for child in &mut twins {
                    self.variation.mutate(child, &mut rng);
                }
                Vec::from(twins)
            }));
        }
        children
    }
}

/// `count` winners of binary crowded tournaments; contestants are consecutive entries of
/// random permutations of the population ([`shuffle`], Fisher–Yates).
fn tournament(rank: &[usize], crowding: &[f64], count: usize, rng: &mut StreamRng) -> Vec<usize> {
    let n = rank.len();
    let mut contestants = Vec::with_capacity(2 * count + n);
    while contestants.len() < 2 * count {
        let mut order: Vec<usize> = (0..n).collect();
        shuffle(&mut order, rng);
        contestants.extend(order);
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
