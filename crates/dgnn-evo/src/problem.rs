//! What a user plugs into the engine: a [`Problem`] (search space + evaluation), a [`Genome`]
//! type, and a [`Variation`] operator (crossover + mutation).
//!
//! All objectives are minimised. A constraint is reported as one non-negative *violation*
//! (0 = feasible); the engine ranks solutions by Deb's constrained domination (Deb, Pratap,
//! Agarwal & Meyarivan 2002, §VI): a feasible solution beats an infeasible one, two infeasible
//! ones compare by violation, two feasible ones by Pareto dominance.

use crate::error::EvaluationError;
use crate::evaluator::Evaluator;
use dgnn_core::{Seed, StreamRng};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::hash::Hash;

/// A genome the engine can evolve, cache and checkpoint.
///
/// [`Genome::key`] identifies a genome *exactly*: two genomes with equal keys are treated as the
/// same solution. The engine uses the key for two things: the evaluation cache (a genome whose
/// key was evaluated before is not evaluated again) and duplicate elimination (an offspring whose
/// key equals a current parent's or an earlier sibling's is regenerated). For real vectors the
/// key is the bit pattern of every coordinate (with −0 read as +0), so only bit-identical vectors
/// share a key. A structured genome should use a canonical form (for example sorted layer lists)
/// so that equivalent genomes share a key.
pub trait Genome: Clone + std::fmt::Debug + Send + Sync + Serialize + DeserializeOwned {
    /// The exact identity of a genome.
    type Key: Ord + Hash + Clone + std::fmt::Debug + Send + Sync + Serialize + DeserializeOwned;
    /// The key of this genome.
    fn key(&self) -> Self::Key;
}

impl Genome for Vec<f64> {
    type Key = Vec<u64>;

    fn key(&self) -> Vec<u64> {
        self.iter().map(|&x| (x + 0.0).to_bits()).collect()
    }
}

/// The outcome of evaluating one genome: its objectives (all minimised) and its constraint
/// violation (0 when feasible, > 0 when not; larger is worse).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// Objective values, all minimised, all finite.
    pub objectives: Vec<f64>,
    /// Total constraint violation: 0 = feasible; must be finite and ≥ 0.
    pub violation: f64,
    /// The measured quantities the problem's constraints are on, kept by a problem whose
    /// constraints vary over the run so that the violation can be recomputed for a later
    /// generation ([`Problem::violation_at`]); empty otherwise (and then not written).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub measures: Vec<f64>,
}

impl Evaluation {
    /// An evaluation without constraint violation.
    #[must_use]
    pub fn feasible(objectives: Vec<f64>) -> Self {
        Self::new(objectives, 0.0)
    }

    /// An evaluation with the given constraint violation (0 = feasible).
    #[must_use]
    pub fn new(objectives: Vec<f64>, violation: f64) -> Self {
        Self { objectives, violation, measures: Vec::new() }
    }

    /// The same evaluation keeping `measures` (finite values) for [`Problem::violation_at`].
    #[must_use]
    pub fn with_measures(self, measures: Vec<f64>) -> Self {
        Self { measures, ..self }
    }

    /// Whether the evaluation satisfies every constraint.
    #[must_use]
    pub fn is_feasible(&self) -> bool {
        self.violation <= 0.0
    }

    /// Checks the evaluation has `objectives` finite objectives and a finite violation ≥ 0;
    /// returns what is wrong otherwise.
    pub(crate) fn problem_with(&self, objectives: usize) -> Option<String> {
        if self.objectives.len() != objectives {
            return Some(format!(
                "{} objectives where the problem declares {objectives}",
                self.objectives.len()
            ));
        }
        if let Some(k) = self.objectives.iter().position(|f| !f.is_finite()) {
            return Some(format!("objective {k} is {} (must be finite)", self.objectives[k]));
        }
        if !(self.violation.is_finite() && self.violation >= 0.0) {
            return Some(format!("violation is {} (must be finite and ≥ 0)", self.violation));
        }
        if let Some(k) = self.measures.iter().position(|m| !m.is_finite()) {
            return Some(format!("measure {k} is {} (must be finite)", self.measures[k]));
        }
        None
    }
}

impl AsRef<Evaluation> for Evaluation {
    fn as_ref(&self) -> &Evaluation {
        self
    }
}

/// A genome together with its evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Individual<G> {
    /// The genome.
    pub genome: G,
    /// Its objectives and constraint violation.
    pub evaluation: Evaluation,
}

impl<G> AsRef<Evaluation> for Individual<G> {
    fn as_ref(&self) -> &Evaluation {
        &self.evaluation
    }
}

/// What an evaluation may depend on besides the genome (serialisable, for evaluators that send
/// evaluations elsewhere).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvalContext {
    /// The master seed of the run. A problem with random evaluation (weight initialisation,
    /// mini-batches) should draw from `seed.stream(name, path)` with a path derived from the
    /// genome (for example a hash of its key), so that the result is a function of the genome
    /// and the evaluation cache stays meaningful.
    pub seed: Seed,
    /// The generation being evaluated (0 = the initial population).
    pub generation: u64,
    /// Which evaluation is asked for, for a problem that evaluates a batch in stages of
    /// different cost (see [`Problem::evaluate_batch`]): 0, the only stage of most problems,
    /// is the problem's full evaluation; other numbers mean what the problem defines (a
    /// multi-fidelity problem's cheap estimate, say).
    pub stage: u32,
}

impl EvalContext {
    /// The context of generation `generation` of a run with master seed `seed`, at stage 0
    /// (the full evaluation).
    #[must_use]
    pub fn new(seed: Seed, generation: u64) -> Self {
        Self { seed, generation, stage: 0 }
    }

    /// The same context at another stage.
    #[must_use]
    pub fn at_stage(self, stage: u32) -> Self {
        Self { stage, ..self }
    }
}

/// An optimisation problem: a search space, a way to sample it and an evaluation.
///
/// Implement [`Problem::evaluate`]; override [`Problem::evaluate_batch`] when the evaluation of a
/// generation is more than one evaluation of each genome (multi-fidelity promotion of the best
/// share of a batch). The default batch evaluation is one stage: every genome evaluated once, at
/// stage 0, by the executor's [`Evaluator`] (in parallel in this process by default), results
/// in input order, so the outcome never depends on the thread count. Where evaluations run (this
/// process, other machines) is the evaluator's concern, not the problem's.
pub trait Problem: Sync {
    /// The genome type of the search space.
    type Genome: Genome;

    /// A one-line description including every parameter (`"ZDT1(n=30)"`). Checkpoints store it
    /// and refuse to resume with a problem whose description differs.
    fn describe(&self) -> String;

    /// The number of objectives every evaluation returns.
    fn objectives(&self) -> usize;

    /// Draws a random genome of the search space from `rng` (the initial population).
    fn random_genome(&self, rng: &mut StreamRng) -> Self::Genome;

    /// Checks that `genome` lies in the search space (a genome read from a checkpoint must; see
    /// [`crate::checkpoint::check_state`]), saying what is outside it. The default accepts
    /// every genome; a problem whose genomes can be malformed should override it.
    ///
    /// # Errors
    /// What is outside the space (`regions[1].neurons = 5000: must lie between 1 and 32`).
    fn check_genome(&self, genome: &Self::Genome) -> Result<(), EvaluationError> {
        let _ = genome;
        Ok(())
    }

    /// Whether the constraints change with the generation (an energy budget tightened on a
    /// schedule, say). When they do, the executor re-assesses every evaluation it ranks for the
    /// generation being made with [`Problem::violation_at`]: the parents carried over, the
    /// evaluations taken from the cache, the new ones and the archive's members. The default is
    /// `false`: a violation is fixed when the genome is evaluated.
    fn constraints_vary(&self) -> bool {
        false
    }

    /// The violation of `evaluation` under the constraints of generation `generation`, for a
    /// problem whose constraints vary ([`Problem::constraints_vary`]); it must be finite and
    /// ≥ 0, and a function of the evaluation (its [`Evaluation::measures`], say) and the
    /// generation only, so that a resumed run re-assesses exactly as an uninterrupted one. The
    /// default keeps the violation as evaluated.
    fn violation_at(&self, evaluation: &Evaluation, generation: u64) -> f64 {
        let _ = generation;
        evaluation.violation
    }

    /// The regime of generation `generation`, for a problem whose evaluation itself changes
    /// during the run (an organism whose glial energy supply declines with age, say). The
    /// evaluation of a genome must depend on `context.generation` only through the regime.
    /// Evaluations from different regimes are not comparable, so when the regime of a
    /// generation differs from the previous one the executor forgets the evaluation cache,
    /// empties the archive and re-evaluates the carried-over population under the new regime
    /// before the algorithm makes the generation (as dynamic NSGA-II re-evaluates on a change:
    /// Deb, Rao & Karthik 2007). The re-evaluations count as evaluations; an evaluation budget
    /// is checked before the generation, so a regime change may exceed it by one population.
    /// The default is one regime (0) for the whole run.
    fn regime(&self, generation: u64) -> u64 {
        let _ = generation;
        0
    }

    /// Evaluates one genome.
    fn evaluate(
        &self,
        genome: &Self::Genome,
        context: &EvalContext,
    ) -> Result<Evaluation, EvaluationError>;

    /// A relative estimate of the time [`Problem::evaluate`] takes on `genome` in `context`, used
    /// only to schedule a stage: evaluators start the costliest evaluations first, so that a long
    /// one does not run alone at the end of the stage while the other workers wait
    /// ([`crate::evaluator::costliest_first`]). It never changes a result. The default is the
    /// same cost for every genome, which keeps the stage's order.
    fn cost_hint(&self, genome: &Self::Genome, context: &EvalContext) -> f64 {
        let _ = (genome, context);
        1.0
    }

    /// Evaluates a batch of distinct genomes (the cache misses of one generation, in a fixed
    /// order); must return one result per genome, in order.
    ///
    /// The batch is composed of stages of independent evaluations, each handed to `evaluator`
    /// ([`Evaluator::evaluate_each`]) with the stage number in the context; anything the problem
    /// computes between stages (which genomes go on) must be a deterministic function of the
    /// earlier stages' results, so that the batch's outcome does not depend on where the
    /// evaluations ran. The default is one stage: every genome at stage 0.
    fn evaluate_batch(
        &self,
        genomes: &[&Self::Genome],
        context: &EvalContext,
        evaluator: &dyn Evaluator<Self>,
    ) -> Vec<Result<Evaluation, EvaluationError>>
    where
        Self: Sized,
    {
        evaluator.evaluate_each(self, genomes, context)
    }
}

/// A variation operator: recombination of two parents and mutation of a child.
///
/// The engine gives every mating its own random stream, `seed.stream("evo/variation",
/// &[generation, pair, attempt])`, and calls `crossover` then `mutate` on each child with it;
/// an operator must draw all its randomness from that stream.
pub trait Variation<G>: Sync {
    /// A one-line description including every parameter; checkpoints store it and refuse to
    /// resume with an operator whose description differs.
    fn describe(&self) -> String;

    /// Recombines two parents into two children (returning copies of the parents when the
    /// operator decides not to recombine).
    fn crossover(&self, first: &G, second: &G, rng: &mut StreamRng) -> [G; 2];

    /// Mutates a child in place.
    fn mutate(&self, genome: &mut G, rng: &mut StreamRng);
}

/// A borrowed operator is an operator (so an algorithm can own or borrow its operator).
impl<G, V: Variation<G> + ?Sized> Variation<G> for &V {
    fn describe(&self) -> String {
        (**self).describe()
    }

    fn crossover(&self, first: &G, second: &G, rng: &mut StreamRng) -> [G; 2] {
        (**self).crossover(first, second, rng)
    }

    fn mutate(&self, genome: &mut G, rng: &mut StreamRng) {
        (**self).mutate(genome, rng);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_keys_are_bit_exact_and_identify_signed_zero() {
        let a = vec![0.0, 1.0];
        let b = vec![-0.0, 1.0];
        let c = vec![0.0, 1.0 + f64::EPSILON];
        assert_eq!(a.key(), b.key());
        assert_ne!(a.key(), c.key());
    }

    #[test]
    fn evaluation_checks_name_the_problem() {
        let good = Evaluation::new(vec![1.0, 2.0], 0.0);
        assert!(good.problem_with(2).is_none());
        assert!(good.problem_with(3).unwrap().contains("declares 3"));
        let nan = Evaluation::feasible(vec![1.0, f64::NAN]);
        assert!(nan.problem_with(2).unwrap().contains("objective 1"));
        let negative = Evaluation::new(vec![1.0, 2.0], -1.0);
        assert!(negative.problem_with(2).unwrap().contains("violation"));
    }
}
