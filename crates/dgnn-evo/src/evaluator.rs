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
//! The default, [`LocalEvaluator`], runs a stage in this process on rayon's threads, one work
//! item per genome, costliest first by [`Problem::cost_hint`] ([`costliest_first`]). Another
//! evaluator — one that sends a stage's genomes to the ranks of an MPI job and gathers the
//! results by index, for example — plugs in with
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
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

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

/// The default evaluator: in this process, in parallel on rayon's threads, costliest first
/// ([`costliest_first`]); the outcome never depends on the thread count or the order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LocalEvaluator;

impl<P: Problem> Evaluator<P> for LocalEvaluator {
    fn evaluate_each(
        &self,
        problem: &P,
        genomes: &[&P::Genome],
        context: &EvalContext,
    ) -> Vec<Result<Evaluation, EvaluationError>> {
        costliest_first(problem, genomes, context, |genome| problem.evaluate(genome, context))
    }
}

/// Runs `evaluate` on every genome with this process's rayon pool and returns the results in
/// input order. The genomes are taken in decreasing [`Problem::cost_hint`] (ties in input order),
/// each worker taking the next one when it is free: list scheduling, longest first (Graham 1969),
/// so the stage ends close to `total / workers` rather than waiting on a long evaluation started
/// last. The order of work never changes a result.
pub fn costliest_first<P, R, F>(
    problem: &P,
    genomes: &[&P::Genome],
    context: &EvalContext,
    evaluate: F,
) -> Vec<R>
where
    P: Problem,
    R: Send,
    F: Fn(&P::Genome) -> R + Sync,
{
    let order = schedule(problem, genomes, context);
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<R>>> = genomes.iter().map(|_| Mutex::new(None)).collect();
    let workers = rayon::current_num_threads().min(genomes.len());
    rayon::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|_| {
                while let Some(&position) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let result = evaluate(genomes[position]);
                    *slots[position].lock().unwrap_or_else(PoisonError::into_inner) = Some(result);
                }
            });
        }
    });
    slots
        .into_iter()
        .map(|slot| {
            slot.into_inner()
                .unwrap_or_else(PoisonError::into_inner)
                .expect("every position is taken by exactly one worker")
        })
        .collect()
}

/// The positions of `genomes` in decreasing [`Problem::cost_hint`], ties (and hints that are not
/// finite) in input order.
pub fn schedule<P: Problem>(
    problem: &P,
    genomes: &[&P::Genome],
    context: &EvalContext,
) -> Vec<usize> {
    let cost: Vec<f64> = genomes
        .iter()
        .map(|genome| problem.cost_hint(genome, context))
        .map(|c| if c.is_finite() { c } else { 0.0 })
        .collect();
    let mut order: Vec<usize> = (0..genomes.len()).collect();
    order.sort_by(|&a, &b| cost[b].total_cmp(&cost[a]));
    order
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
            Self::Local(flag) => costliest_first(problem, genomes, context, |genome| {
                if flag.load(Ordering::SeqCst) {
                    interrupted()
                } else {
                    problem.evaluate(genome, context)
                }
            }),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::EvaluationError;
    use dgnn_core::StreamRng;
    use proptest::prelude::*;

    /// A genome is `[position, cost hint]`; evaluating one records its position in `started`.
    struct Costed {
        started: Mutex<Vec<usize>>,
    }

    impl Problem for Costed {
        type Genome = Vec<f64>;
        fn describe(&self) -> String {
            "costed".into()
        }
        fn objectives(&self) -> usize {
            1
        }
        fn random_genome(&self, _: &mut StreamRng) -> Vec<f64> {
            vec![0.0, 1.0]
        }
        fn evaluate(&self, g: &Vec<f64>, _: &EvalContext) -> Result<Evaluation, EvaluationError> {
            self.started.lock().unwrap().push(g[0] as usize);
            Ok(Evaluation::feasible(vec![g[0]]))
        }
        fn cost_hint(&self, g: &Vec<f64>, _: &EvalContext) -> f64 {
            g[1]
        }
    }

    fn context() -> EvalContext {
        EvalContext { seed: dgnn_core::Seed(1), generation: 0, stage: 0 }
    }

    fn cost() -> impl Strategy<Value = f64> {
        prop_oneof![
            4 => 0.0..4.0f64,
            1 => Just(1.0),
            1 => Just(f64::NAN),
            1 => Just(f64::INFINITY),
        ]
    }

    proptest! {
        // Whatever the hints and the thread count, every genome is evaluated once and the
        // results come back in input order.
        #[test]
        fn results_come_back_in_input_order(costs in proptest::collection::vec(cost(), 0..40), threads in 1usize..5) {
            let genomes: Vec<Vec<f64>> = costs.iter().enumerate().map(|(i, &c)| vec![i as f64, c]).collect();
            let refs: Vec<&Vec<f64>> = genomes.iter().collect();
            let problem = Costed { started: Mutex::new(Vec::new()) };
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            let results = pool.install(|| LocalEvaluator.evaluate_each(&problem, &refs, &context()));
            let objectives: Vec<f64> = results.into_iter().map(|r| r.unwrap().objectives[0]).collect();
            let expected: Vec<f64> = (0..genomes.len()).map(|i| i as f64).collect();
            prop_assert_eq!(objectives, expected);
            let mut started = problem.started.into_inner().unwrap();
            started.sort_unstable();
            prop_assert_eq!(started, (0..genomes.len()).collect::<Vec<_>>());
        }

        // The schedule is a permutation in decreasing hint, equal hints in input order, hints
        // that are not finite counted as 0; one thread starts the genomes in exactly that order.
        #[test]
        fn one_thread_starts_the_costliest_first(costs in proptest::collection::vec(cost(), 0..40)) {
            let genomes: Vec<Vec<f64>> = costs.iter().enumerate().map(|(i, &c)| vec![i as f64, c]).collect();
            let refs: Vec<&Vec<f64>> = genomes.iter().collect();
            let problem = Costed { started: Mutex::new(Vec::new()) };
            let order = schedule(&problem, &refs, &context());
            let key = |i: usize| if costs[i].is_finite() { costs[i] } else { 0.0 };
            for pair in order.windows(2) {
                let (a, b) = (pair[0], pair[1]);
                prop_assert!(key(a) > key(b) || (key(a).to_bits() == key(b).to_bits() && a < b));
            }
            let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
            pool.install(|| LocalEvaluator.evaluate_each(&problem, &refs, &context()));
            prop_assert_eq!(problem.started.into_inner().unwrap(), order);
        }
    }
}
