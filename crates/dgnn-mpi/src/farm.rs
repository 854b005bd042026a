//! Distributed evaluation: every stage of a batch farmed out to all ranks, rank 0 included, with
//! dynamic load balancing.
//!
//! Rank 0 runs the engine with a [`Farm`] as its [`Evaluator`]; every other rank builds the same
//! problem and calls [`serve`]. For each stage the farm hands out the stage's evaluations by
//! batch position:
//! - rank 0 evaluates on `local_slots` threads of its own, each taking the next position when it
//!   is free;
//! - each worker announced its slots (its `--threads`) when it joined; the farm first sends it
//!   that many positions, then answers each result with the next position (or with none when
//!   the stage has no more), so a worker asks for work exactly when one of its threads is free.
//!
//! Evaluations differ in cost by orders of magnitude (a small network at low fidelity against a
//! large one at full fidelity), so this hand-out by demand keeps every thread busy until the
//! stage runs dry, where a fixed split would leave ranks idle behind the slowest.
//!
//! Results come back keyed by position and are returned in order, and every evaluation is
//! `problem.evaluate(genome, context)` wherever it ran: the engine sees exactly what the local
//! evaluator would give, so the run is bit-identical for any number of ranks and threads.
//!
//! Protocol (a star around rank 0, one message per arrow):
//! ```text
//! worker → 0   Ready { slots } | Refused { reason }     once, after building the problem
//! 0 → worker   Tasks { context, tasks: [(position, genome)] }   ≤ slots tasks, when a stage starts
//! worker → 0   Done { position, result }                   when one evaluation ends
//! 0 → worker   Tasks { context, tasks: [] or [one] }       the answer to every Done
//! 0 → worker   Shutdown                                    when the run ends (or fails)
//! ```

use crate::error::MpiError;
use crate::transport::Transport;
use crate::wire;
use dgnn_evo::{EvalContext, Evaluation, EvaluationError, Evaluator, Problem};
use serde::{Deserialize, Serialize};
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, mpsc};
use std::time::Instant;

/// A message from rank 0 to a worker.
#[derive(Debug, Serialize, Deserialize)]
enum ToWorker<G> {
    /// Evaluate each genome under `context`; each is keyed by its position in the stage.
    Tasks { context: EvalContext, tasks: Vec<(usize, G)> },
    /// The run is over: leave.
    Shutdown,
}

/// A message from a worker to rank 0.
#[derive(Debug, Serialize, Deserialize)]
enum ToRoot {
    /// The worker built the problem and evaluates `slots` genomes at a time.
    Ready { slots: usize },
    /// The worker could not build the problem and leaves.
    Refused { reason: String },
    /// The evaluation at `position` ended.
    Done { position: usize, result: Result<Evaluation, String> },
}

impl ToRoot {
    fn name(&self) -> String {
        match self {
            Self::Ready { .. } => "Ready".into(),
            Self::Refused { .. } => "Refused".into(),
            Self::Done { position, .. } => format!("Done({position})"),
        }
    }
}

/// What rank 0's farm measured: the figures of the benchmark and of `mpi.json`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FarmStats {
    /// Ranks in the job.
    pub ranks: usize,
    /// Evaluation threads of rank 0.
    pub local_slots: usize,
    /// Evaluation slots of each rank (rank 0 first).
    pub slots_by_rank: Vec<usize>,
    /// Stages run.
    pub stages: u64,
    /// Evaluations run, by the rank that ran them.
    pub evaluations_by_rank: Vec<u64>,
    /// Bytes rank 0 sent to workers.
    pub bytes_sent: u64,
    /// Bytes rank 0 received from workers.
    pub bytes_received: u64,
    /// Messages rank 0 sent and received.
    pub messages: u64,
    /// Seconds rank 0 spent encoding, sending, receiving and decoding (waiting excluded).
    pub communication_seconds: f64,
    /// Wall seconds inside stages (from the first hand-out to the last result).
    pub stage_seconds: f64,
}

impl FarmStats {
    /// Evaluations run on all ranks.
    #[must_use]
    pub fn evaluations(&self) -> u64 {
        self.evaluations_by_rank.iter().sum()
    }
}

/// A worker as rank 0 knows it.
#[derive(Debug, Clone, Copy)]
struct Worker {
    rank: usize,
    slots: usize,
}

/// Rank 0's evaluator over all ranks (module docs). Shuts the workers down when dropped.
pub struct Farm<'t, T: Transport + ?Sized> {
    transport: &'t T,
    local_slots: usize,
    workers: Vec<Worker>,
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
        let size = transport.size();
        let local_slots = local_slots.max(1);
        let mut slots_by_rank = vec![0; size];
        slots_by_rank[0] = local_slots;
        let mut refusal = None;
        let (mut bytes, mut messages) = (0, 0);
        for _ in 1..size {
            let (from, message, length) = wire::receive::<T, ToRoot>(transport)?;
            bytes += length as u64;
            messages += 1;
            match message {
                ToRoot::Ready { slots } => slots_by_rank[from] = slots.max(1),
                ToRoot::Refused { reason } => {
                    refusal = Some(MpiError::Setup { rank: from, reason })
                }
                other => {
                    return Err(MpiError::Protocol {
                        from,
                        expected: "Ready or Refused",
                        found: other.name(),
                    });
                }
            }
        }
        let workers = (1..size)
            .filter(|&rank| slots_by_rank[rank] > 0)
            .map(|rank| Worker { rank, slots: slots_by_rank[rank] })
            .collect();
        let farm = Self {
            transport,
            local_slots,
            workers,
            stats: Mutex::new(FarmStats {
                ranks: size,
                local_slots,
                evaluations_by_rank: vec![0; size],
                slots_by_rank,
                bytes_received: bytes,
                messages,
                ..FarmStats::default()
            }),
            closed: Mutex::new(false),
        };
        match refusal {
            Some(error) => {
                farm.shutdown()?;
                Err(error)
            }
            None => Ok(farm),
        }
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
        let mut closed =
            self.closed.lock().map_err(|_| MpiError::Transport("farm poisoned".into()))?;
        if *closed {
            return Ok(());
        }
        *closed = true;
        for worker in &self.workers {
            let length = wire::send(self.transport, worker.rank, &ToWorker::<()>::Shutdown)?;
            self.record_sent(length, 0.0);
        }
        Ok(())
    }

    fn record_sent(&self, length: usize, seconds: f64) {
        if let Ok(mut stats) = self.stats.lock() {
            stats.bytes_sent += length as u64;
            stats.messages += 1;
            stats.communication_seconds += seconds;
        }
    }

    /// Hands the stage out to the workers while rank 0's own threads take positions from the
    /// same counter; collects every worker result into `results`.
    fn coordinate<G: Clone + Serialize>(
        &self,
        genomes: &[&G],
        context: &EvalContext,
        next: &AtomicUsize,
        results: &[Mutex<Option<Result<Evaluation, String>>>],
    ) -> Result<(), MpiError> {
        let n = genomes.len();
        let take = || {
            let position = next.fetch_add(1, Ordering::SeqCst);
            (position < n).then(|| (position, genomes[position].clone()))
        };
        let mut outstanding = vec![0usize; self.transport.size()];
        for worker in &self.workers {
            let tasks: Vec<(usize, G)> = std::iter::from_fn(take).take(worker.slots).collect();
            if tasks.is_empty() {
                break;
            }
            outstanding[worker.rank] = tasks.len();
            self.send_tasks(worker.rank, *context, tasks)?;
        }
        while outstanding.iter().any(|&o| o > 0) {
            let (from, bytes) = self.transport.receive()?;
            let started = Instant::now();
            let message: ToRoot = wire::decode(from, &bytes)?;
            let ToRoot::Done { position, result } = message else {
                return Err(MpiError::Protocol { from, expected: "Done", found: message.name() });
            };
            let slot =
                results.get(position).filter(|_| outstanding[from] > 0).ok_or_else(|| {
                    MpiError::Protocol {
                        from,
                        expected: "a position it was given",
                        found: format!("Done({position})"),
                    }
                })?;
            if let Ok(mut slot) = slot.lock() {
                *slot = Some(result);
            }
            outstanding[from] -= 1;
            if let Ok(mut stats) = self.stats.lock() {
                stats.bytes_received += bytes.len() as u64;
                stats.messages += 1;
                stats.communication_seconds += started.elapsed().as_secs_f64();
                stats.evaluations_by_rank[from] += 1;
            }
            let tasks: Vec<(usize, G)> = take().into_iter().collect();
            outstanding[from] += tasks.len();
            self.send_tasks(from, *context, tasks)?;
        }
        Ok(())
    }

    fn send_tasks<G: Serialize>(
        &self,
        to: usize,
        context: EvalContext,
        tasks: Vec<(usize, G)>,
    ) -> Result<(), MpiError> {
        let started = Instant::now();
        let length = wire::send(self.transport, to, &ToWorker::Tasks { context, tasks })?;
        self.record_sent(length, started.elapsed().as_secs_f64());
        Ok(())
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
        let n = genomes.len();
        let next = AtomicUsize::new(0);
        let results: Vec<Mutex<Option<Result<Evaluation, String>>>> =
            (0..n).map(|_| Mutex::new(None)).collect();
        let local_done = AtomicUsize::new(0);
        let failure = std::thread::scope(|scope| {
            for _ in 0..self.local_slots.min(n) {
                scope.spawn(|| {
                    loop {
                        let position = next.fetch_add(1, Ordering::SeqCst);
                        if position >= n {
                            break;
                        }
                        let result = evaluate_caught(problem, genomes[position], context);
                        if let Ok(mut slot) = results[position].lock() {
                            *slot = Some(result);
                        }
                        local_done.fetch_add(1, Ordering::SeqCst);
                    }
                });
            }
            let outcome = self.coordinate(genomes, context, &next, &results);
            if outcome.is_err() {
                // Rank 0's threads stop taking positions; the stage has failed.
                next.store(n, Ordering::SeqCst);
            }
            outcome.err()
        });
        if let Ok(mut stats) = self.stats.lock() {
            stats.stages += 1;
            stats.evaluations_by_rank[0] += local_done.load(Ordering::SeqCst) as u64;
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

/// Tells rank 0 that this rank could not build the problem (`reason`), so the job ends with that
/// reason instead of waiting for this rank.
///
/// # Errors
/// Transport errors.
pub fn refuse<T: Transport + ?Sized>(transport: &T, reason: &str) -> Result<(), MpiError> {
    wire::send(transport, 0, &ToRoot::Refused { reason: reason.into() }).map(|_| ())
}

/// What a worker did, returned by [`serve`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Served {
    /// Evaluations this rank ran.
    pub evaluations: u64,
}

/// The worker side (module docs): announces `slots` evaluation threads to rank 0, then
/// evaluates what it is given on those threads, answering each result as it ends, until rank 0
/// says the run is over.
///
/// # Errors
/// Transport and protocol errors (evaluation errors travel to rank 0 as results).
pub fn serve<P: Problem, T: Transport + ?Sized>(
    transport: &T,
    problem: &P,
    slots: usize,
) -> Result<Served, MpiError> {
    let slots = slots.max(1);
    wire::send(transport, 0, &ToRoot::Ready { slots })?;
    let (work, work_queue) = mpsc::channel::<(usize, EvalContext, P::Genome)>();
    let work_queue = Mutex::new(work_queue);
    let (finished, finished_queue) = mpsc::channel::<(usize, Result<Evaluation, String>)>();
    std::thread::scope(|scope| {
        for _ in 0..slots {
            let finished = finished.clone();
            let work_queue = &work_queue;
            scope.spawn(move || {
                loop {
                    let job = match work_queue.lock() {
                        Ok(queue) => queue.recv(),
                        Err(_) => break,
                    };
                    let Ok((position, context, genome)) = job else { break };
                    let result = evaluate_caught(problem, &genome, &context);
                    if finished.send((position, result)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(finished);
        let outcome = answer_until_shutdown::<P, T>(transport, &work, &finished_queue);
        // Closing the queue ends the threads.
        drop(work);
        outcome
    })
}

/// The worker's message loop: take tasks, queue them, send each result and take the answer.
fn answer_until_shutdown<P: Problem, T: Transport + ?Sized>(
    transport: &T,
    work: &mpsc::Sender<(usize, EvalContext, P::Genome)>,
    finished: &mpsc::Receiver<(usize, Result<Evaluation, String>)>,
) -> Result<Served, MpiError> {
    let mut served = Served::default();
    let mut outstanding = 0usize;
    loop {
        if outstanding > 0 {
            let (position, result) = finished
                .recv()
                .map_err(|_| MpiError::Transport("every evaluation thread ended".into()))?;
            wire::send(transport, 0, &ToRoot::Done { position, result })?;
            outstanding -= 1;
            served.evaluations += 1;
        }
        let (from, message, _) = wire::receive::<T, ToWorker<P::Genome>>(transport)?;
        if from != 0 {
            return Err(MpiError::Protocol {
                from,
                expected: "a message from rank 0",
                found: "a message from a worker".into(),
            });
        }
        match message {
            ToWorker::Tasks { context, tasks } => {
                for (position, genome) in tasks {
                    work.send((position, context, genome))
                        .map_err(|_| MpiError::Transport("every evaluation thread ended".into()))?;
                    outstanding += 1;
                }
            }
            ToWorker::Shutdown => return Ok(served),
        }
    }
}
