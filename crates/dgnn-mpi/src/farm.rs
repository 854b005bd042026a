//! Distributed evaluation: every stage of a batch farmed out to all ranks, rank 0 included, by
//! demand.
//!
//! Rank 0 runs the engine with a [`Farm`] as its [`Evaluator`]; every other rank builds the same
//! problem and calls [`serve`]. For each stage the farm hands the stage's evaluations out by
//! batch position ([`crate::tasks`]): rank 0 evaluates on `local_slots` threads of its own, and
//! each worker on the slots it announced (its `--threads`), asking for the next position each
//! time one of its evaluations ends. Evaluations differ in cost by orders of magnitude (a small
//! network at low fidelity against a large one at full fidelity), so this hand-out by demand
//! keeps every thread busy until the stage runs dry, where a fixed split would leave ranks idle
//! behind the slowest. The positions go out costliest first by [`dgnn_evo::Problem::cost_hint`]
//! ([`dgnn_evo::evaluator::schedule`]), so a long evaluation does not start last.
//!
//! Results come back keyed by position and are returned in order, and every evaluation is
//! `problem.evaluate(genome, context)` wherever it ran: the engine sees exactly what the local
//! evaluator would give, so the run is bit-identical for any number of ranks and threads.
//! A task on the wire is `(context, genome)`; a result is `Result<Evaluation, String>` (an
//! evaluation error travels as its message).

use crate::error::MpiError;
use crate::tasks::{Crew, HandOut, Traffic, serve_tasks};
use crate::transport::Transport;
use dgnn_evo::evaluator::schedule;
use dgnn_evo::{EvalContext, Evaluation, EvaluationError, Evaluator, Problem};
use serde::{Deserialize, Serialize};
use std::panic::AssertUnwindSafe;
use std::sync::Mutex;
use std::time::Instant;

pub use crate::tasks::refuse;

/// What rank 0's farm measured: the figures of the benchmark and of `mpi.json`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FarmStats {
    /// Ranks in the job.
    pub ranks: usize,
    /// Evaluation slots of each rank (rank 0 first).
    pub slots_by_rank: Vec<usize>,
    /// Stages run.
    pub stages: u64,
    /// Wall seconds inside stages (from the first hand-out to the last result).
    pub stage_seconds: f64,
    /// Messages, bytes and communication time of rank 0, and evaluations by rank.
    #[serde(flatten)]
    pub traffic: Traffic,
}

impl FarmStats {
    /// Evaluations run on all ranks.
    #[must_use]
    pub fn evaluations(&self) -> u64 {
        self.traffic.tasks_by_rank.iter().sum()
    }
}

/// Rank 0's evaluator over all ranks (module docs). Shuts the workers down when dropped.
pub struct Farm<'t, T: Transport + ?Sized> {
    transport: &'t T,
    crew: Crew,
    stats: Mutex<FarmStats>,
    /// Whether the workers were already told to leave.
    closed: Mutex<bool>,
}

impl<'t, T: Transport + ?Sized> Farm<'t, T> {
    /// Waits until every other rank has built its problem ([`serve`] or [`refuse`]); rank 0
    /// evaluates on `local_slots` threads (at least one).
    ///
    /// # Errors
    /// [`MpiError::Setup`] when a worker refused (the others are told to leave), and transport
    /// errors.
    pub fn start(transport: &'t T, local_slots: usize) -> Result<Self, MpiError> {
        let mut traffic = Traffic::default();
        let crew = Crew::gather(transport, local_slots, &mut traffic)?;
        let stats = FarmStats {
            ranks: transport.size(),
            slots_by_rank: crew.slots.clone(),
            traffic,
            ..FarmStats::default()
        };
        Ok(Self { transport, crew, stats: Mutex::new(stats), closed: Mutex::new(false) })
    }

    /// What the farm measured so far.
    #[must_use]
    pub fn stats(&self) -> FarmStats {
        self.stats.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Tells every worker to leave (once; dropping the farm does it too).
    ///
    /// # Errors
    /// Transport errors.
    pub fn shutdown(&self) -> Result<(), MpiError> {
        let poisoned = || MpiError::Transport("the farm's state is poisoned".into());
        let mut closed = self.closed.lock().map_err(|_| poisoned())?;
        if *closed {
            return Ok(());
        }
        *closed = true;
        let mut stats = self.stats.lock().map_err(|_| poisoned())?;
        self.crew.dismiss(self.transport, &mut stats.traffic)
    }
}

impl<T: Transport + ?Sized> Drop for Farm<'_, T> {
    fn drop(&mut self) {
        // A farm dropped on an error path still releases its workers; a transport that fails
        // here has nobody left to tell.
        let _ = self.shutdown();
    }
}

/// Evaluates one genome, turning a panic into an error (a worker must answer every task).
fn evaluate_caught<P: Problem>(
    problem: &P,
    genome: &P::Genome,
    context: &EvalContext,
) -> Result<Evaluation, String> {
    match std::panic::catch_unwind(AssertUnwindSafe(|| problem.evaluate(genome, context))) {
        Ok(result) => result.map_err(|e| e.to_string()),
        Err(panic) => Err(format!(
            "the evaluation panicked: {}",
            panic
                .downcast_ref::<&str>()
                .map(ToString::to_string)
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default()
        )),
    }
}

impl<P: Problem, T: Transport + ?Sized> Evaluator<P> for Farm<'_, T> {
    fn evaluate_each(
        &self,
        problem: &P,
        genomes: &[&P::Genome],
        context: &EvalContext,
    ) -> Vec<Result<Evaluation, EvaluationError>> {
        let started = Instant::now();
        let results: Vec<Mutex<Option<Result<Evaluation, String>>>> =
            genomes.iter().map(|_| Mutex::new(None)).collect();
        // Hand-out position k is genome order[k]: the costliest evaluations go out first.
        let order = schedule(problem, genomes, context);
        let local = |k: usize| evaluate_caught(problem, genomes[order[k]], context);
        let task = |k: usize| (*context, genomes[order[k]].clone());
        let done = |k: usize, result: Result<Evaluation, String>, _rank: usize| {
            if let Ok(mut slot) = results[order[k]].lock() {
                *slot = Some(result);
            }
        };
        let job =
            HandOut { count: genomes.len(), local: &local, task: &task, done: &done, stop: None };
        let mut traffic = self.stats.lock().map(|s| s.traffic.clone()).unwrap_or_default();
        let failure = self.crew.hand_out(self.transport, job, &mut traffic).err();
        if let Ok(mut stats) = self.stats.lock() {
            stats.traffic = traffic;
            stats.stages += 1;
            stats.stage_seconds += started.elapsed().as_secs_f64();
        }
        let generation = context.generation;
        results
            .into_iter()
            .map(|slot| match slot.into_inner().ok().flatten() {
                Some(result) => result.map_err(EvaluationError::from),
                None => Err(match &failure {
                    Some(MpiError::RankFailed { rank, .. }) => MpiError::RankFailed {
                        rank: *rank,
                        during: format!("during generation {generation}"),
                    }
                    .to_string(),
                    Some(error) => format!("{error} (during generation {generation})"),
                    None => "the farm lost this evaluation".to_string(),
                }
                .into()),
            })
            .collect()
    }
}

/// What a worker did, returned by [`serve`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Served {
    /// Evaluations this rank ran.
    pub evaluations: u64,
}

/// The worker side (module docs): announces `slots` evaluation threads to rank 0, then
/// evaluates what it is given on them, answering each result as it ends, until rank 0 says the
/// run is over.
///
/// # Errors
/// Transport and protocol errors (evaluation errors travel to rank 0 as results).
pub fn serve<P: Problem, T: Transport + ?Sized>(
    transport: &T,
    problem: &P,
    slots: usize,
) -> Result<Served, MpiError> {
    let run =
        |(context, genome): (EvalContext, P::Genome)| evaluate_caught(problem, &genome, &context);
    let evaluations = serve_tasks(transport, slots, &run)?;
    Ok(Served { evaluations })
}
