//! The state of a run after each generation — what a checkpoint stores — and the summary kept
//! for every generation.

use crate::archive::ParetoArchive;
use crate::cache::EvaluationCache;
use crate::dominance::constrained_fronts;
use crate::problem::{Genome, Individual};
use serde::{Deserialize, Serialize};

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
    /// The state before the initial generation, with room in the cache for
    /// `expected_evaluations`.
    pub(crate) fn empty(expected_evaluations: usize) -> Self {
        Self {
            generation: 0,
            population: Vec::new(),
            archive: ParetoArchive::default(),
            evaluations: 0,
            cache_hits: 0,
            history: Vec::new(),
            cache: EvaluationCache::with_capacity(expected_evaluations),
        }
    }

    /// The population's first constrained front.
    #[must_use]
    pub fn front(&self) -> Vec<&Individual<G>> {
        constrained_fronts(&self.population)
            .first()
            .map(|front| front.iter().map(|&i| &self.population[i]).collect())
            .unwrap_or_default()
    }
}
