//! Where a generation's evaluations run: the [`Evaluator`] that runs independent evaluations.
//!
//! The executor collects the distinct genomes of a generation that the cache cannot answer and
//! asks the problem to evaluate them as one batch ([`Problem::evaluate_batch`]), handing it the
//! evaluator. A batch is made of *stages*: lists of independent evaluations, each a genome and an
//! [`EvalContext`] (seed, generation, stage). Most problems have one stage, every genome of the
//! batch evaluated once; a multi-fidelity problem has two (a cheap estimate of every genome, then
//! a full evaluation of the promising ones it selects from the estimates). The problem decides
//! what each stage holds; the evaluator decides where its evaluations run, and returns their
//! results keyed by position.
//!
//! The default, [`LocalEvaluator`], runs a stage in this process with rayon, one work item per
//! genome. Another evaluator — one that sends a stage's genomes to the ranks of an MPI job and
//! gathers the results by index, for example — plugs in with
//! [`Executor::evaluator`](crate::Executor::evaluator) without the algorithm, the executor or the
//! problem seeing how it works: genomes are `Serialize + DeserializeOwned`, and so is the
//! [`EvalContext`] a remote evaluation needs, and each evaluation is
//! [`Problem::evaluate`]`(genome, context)` wherever it runs.
//!
//! Results depend only on (genome, context), never on where or in which order they were
//! computed, as long as the evaluator returns them in order: a run is then bit-identical for any
//! evaluator that computes the same evaluations.

use crate::error::{EvaluationError, Interrupted};
use crate::problem::{EvalContext, Evaluation, Problem};
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};

/// Runs one stage of independent evaluations (module docs).
pub trait Evaluator<P: Problem> {
    /// Evaluates every genome independently, `problem.evaluate(genome, context)`, wherever the
    /// evaluator runs them; must return one result per genome, in order.
    fn evaluate_each(
        &self,
        problem: &P,
        genomes: &[&P::Genome],
        context: &EvalContext,
    ) -> Vec<Result<Evaluation, EvaluationError>>;
}

/// A borrowed evaluator is an evaluator (one that holds a connection can be lent to a run).
impl<P: Problem, E: Evaluator<P> + ?Sized> Evaluator<P> for &E {
    fn evaluate_each(
        &self,
        problem: &P,
        genomes: &[&P::Genome],
        context: &EvalContext,
    ) -> Vec<Result<Evaluation, EvaluationError>> {
        (**self).evaluate_each(problem, genomes, context)
    }
}

/// The default evaluator: in this process, in parallel with rayon over fixed indices (the
/// outcome never depends on the thread count).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LocalEvaluator;

impl<P: Problem> Evaluator<P> for LocalEvaluator {
    fn evaluate_each(
        &self,
        problem: &P,
        genomes: &[&P::Genome],
        context: &EvalContext,
    ) -> Vec<Result<Evaluation, EvaluationError>> {
        genomes.par_iter().map(|genome| problem.evaluate(genome, context)).collect()
    }
}

/// What the executor evaluates with when it has a stop flag (module docs): the default
/// evaluator checks the flag before each evaluation, any other before each stage; an
/// evaluation skipped because the flag was raised returns [`Interrupted`], and the executor
/// then ends the run at the last completed generation.
pub(crate) enum Stoppable<'e, P: Problem> {
    /// [`LocalEvaluator`], checking before every evaluation.
    Local(&'e AtomicBool),
    /// Another evaluator, checked before every stage.
    Other(&'e dyn Evaluator<P>, &'e AtomicBool),
}

impl<P: Problem> Evaluator<P> for Stoppable<'_, P> {
    fn evaluate_each(
        &self,
        problem: &P,
        genomes: &[&P::Genome],
        context: &EvalContext,
    ) -> Vec<Result<Evaluation, EvaluationError>> {
        let interrupted = || -> Result<Evaluation, EvaluationError> { Err(Box::new(Interrupted)) };
        match self {
            Self::Local(flag) => genomes
                .par_iter()
                .map(|genome| {
                    if flag.load(Ordering::SeqCst) {
                        interrupted()
                    } else {
                        problem.evaluate(genome, context)
                    }
                })
                .collect(),
            Self::Other(inner, flag) => {
                if flag.load(Ordering::SeqCst) {
                    genomes.iter().map(|_| interrupted()).collect()
                } else {
                    inner.evaluate_each(problem, genomes, context)
                }
            }
        }
    }
}
