//! Where a generation's evaluations run: the [`Evaluator`] the executor hands each batch to.
//!
//! The executor collects the distinct genomes of a generation that the cache cannot answer and
//! calls [`Evaluator::evaluate_batch`] once with all of them; the results come back keyed by
//! their position in the batch. The default, [`LocalEvaluator`], runs the problem's own
//! [`Problem::evaluate_batch`] in this process (rayon over fixed indices unless the problem
//! overrides it). Another evaluator — one that sends the batch to the ranks of an MPI job and
//! gathers the results by index, for example — plugs in with
//! [`Executor::evaluator`](crate::Executor::evaluator) without the algorithm or the executor
//! seeing how it works: genomes are `Serialize + DeserializeOwned`, and so is the
//! [`EvalContext`] a remote evaluation needs, through its seed and generation.
//!
//! Results depend only on (genome, context), never on where or in which order they were
//! computed, as long as the evaluator returns them in batch order: a run is then bit-identical
//! for any evaluator that computes the same evaluations.

use crate::error::EvaluationError;
use crate::problem::{EvalContext, Evaluation, Problem};

/// Evaluates one generation's batch of distinct genomes (module docs).
pub trait Evaluator<P: Problem> {
    /// Evaluates `genomes` with `problem`; must return one result per genome, in order.
    fn evaluate_batch(
        &self,
        problem: &P,
        genomes: &[&P::Genome],
        context: &EvalContext,
    ) -> Vec<Result<Evaluation, EvaluationError>>;
}

/// A borrowed evaluator is an evaluator (one that holds a connection can be lent to a run).
impl<P: Problem, E: Evaluator<P> + ?Sized> Evaluator<P> for &E {
    fn evaluate_batch(
        &self,
        problem: &P,
        genomes: &[&P::Genome],
        context: &EvalContext,
    ) -> Vec<Result<Evaluation, EvaluationError>> {
        (**self).evaluate_batch(problem, genomes, context)
    }
}

/// The default evaluator: the problem's own batch evaluation, in this process.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LocalEvaluator;

impl<P: Problem> Evaluator<P> for LocalEvaluator {
    fn evaluate_batch(
        &self,
        problem: &P,
        genomes: &[&P::Genome],
        context: &EvalContext,
    ) -> Vec<Result<Evaluation, EvaluationError>> {
        problem.evaluate_batch(genomes, context)
    }
}
