//! The hand-out by demand that the farm and the experiment items share: rank 0 and every worker
//! run independent tasks, numbered by position, each rank taking the next position when one of
//! its threads is free.
//!
//! Protocol (a star around rank 0, one message per arrow):
//! ```text
//! worker → 0   Ready { slots } | Refused { reason }   once, when the worker can run tasks
//! 0 → worker   Tasks [(position, task)]               ≤ slots tasks, when a hand-out starts
//! worker → 0   Done { position, result }              when one task ends
//! 0 → worker   Tasks [] or [one]                      the answer to every Done
//! 0 → worker   Shutdown                               when nothing more will come
//! ```
//! Rank 0's own threads take positions from the same counter as the hand-out, so no rank waits
//! while another has work queued: tasks that differ in cost by orders of magnitude are spread
//! as they end, not split in advance.

use crate::error::MpiError;
use crate::transport::Transport;
use crate::wire;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, mpsc};
use std::time::Instant;

/// A message from rank 0 to a worker.
#[derive(Debug, Serialize, Deserialize)]
enum ToWorker<M> {
    /// Run each task; each is keyed by its position.
    Tasks(Vec<(usize, M)>),
    /// Nothing more will come: leave.
    Shutdown,
}

/// A message from a worker to rank 0.
#[derive(Debug, Serialize, Deserialize)]
enum ToRoot<R> {
    /// The worker runs `slots` tasks at a time.
    Ready { slots: usize },
    /// The worker cannot run tasks and leaves.
    Refused { reason: String },
    /// The task at `position` ended.
    Done { position: usize, result: R },
}

impl<R> ToRoot<R> {
    fn name(&self) -> String {
        match self {
            Self::Ready { .. } => "Ready".into(),
            Self::Refused { .. } => "Refused".into(),
            Self::Done { position, .. } => format!("Done({position})"),
        }
    }
}

/// What rank 0 counted of the messages.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Traffic {
    /// Bytes rank 0 sent.
    pub bytes_sent: u64,
    /// Bytes rank 0 received.
    pub bytes_received: u64,
    /// Messages rank 0 sent and received.
    pub messages: u64,
    /// Seconds rank 0 spent encoding, sending, receiving and decoding (waiting excluded).
    pub communication_seconds: f64,
    /// Tasks run, by rank.
    pub tasks_by_rank: Vec<u64>,
}

impl Traffic {
    fn sent(&mut self, bytes: usize, seconds: f64) {
        self.bytes_sent += bytes as u64;
        self.messages += 1;
        self.communication_seconds += seconds;
    }

    fn received(&mut self, bytes: usize, seconds: f64) {
        self.bytes_received += bytes as u64;
        self.messages += 1;
        self.communication_seconds += seconds;
    }
}

/// The workers as rank 0 knows them, with their slots; rank 0's slots first.
#[derive(Debug, Clone)]
pub(crate) struct Crew {
    /// Task slots by rank (rank 0 first; 0 for a rank that refused).
    pub(crate) slots: Vec<usize>,
}

impl Crew {
    /// Waits for every other rank's `Ready` or `Refused`; rank 0 runs `local_slots` tasks at a
    /// time. On a refusal the others are told to leave and the refusal is the error.
    pub(crate) fn gather<T: Transport + ?Sized>(
        transport: &T,
        local_slots: usize,
        traffic: &mut Traffic,
    ) -> Result<Self, MpiError> {
        let size = transport.size();
        let mut slots = vec![0; size];
        slots[0] = local_slots.max(1);
        traffic.tasks_by_rank = vec![0; size];
        let mut refusal = None;
        for _ in 1..size {
            let started = Instant::now();
            let (from, bytes) = transport.receive()?;
            let message: ToRoot<()> = wire::decode(from, &bytes)?;
            traffic.received(bytes.len(), started.elapsed().as_secs_f64());
            match message {
                ToRoot::Ready { slots: n } => slots[from] = n.max(1),
                ToRoot::Refused { reason } => {
                    refusal.get_or_insert(MpiError::Setup { rank: from, reason });
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
        let crew = Self { slots };
        match refusal {
            Some(error) => {
                crew.dismiss(transport, traffic)?;
                Err(error)
            }
            None => Ok(crew),
        }
    }

    /// Tells every worker that is ready to leave.
    pub(crate) fn dismiss<T: Transport + ?Sized>(
        &self,
        transport: &T,
        traffic: &mut Traffic,
    ) -> Result<(), MpiError> {
        for (rank, &slots) in self.slots.iter().enumerate().skip(1) {
            if slots > 0 {
                let length = wire::send(transport, rank, &ToWorker::<()>::Shutdown)?;
                traffic.sent(length, 0.0);
            }
        }
        Ok(())
    }

    /// Runs positions `0..count` (module docs): rank 0's threads call `local(position)`,
    /// workers receive `task(position)`; every result goes to `done(position, result, rank)`
    /// (from rank 0's threads or its coordinator). Once `stop` is raised no position starts;
    /// the running ones end.
    pub(crate) fn hand_out<T, M, R>(
        &self,
        transport: &T,
        job: HandOut<'_, M, R>,
        traffic: &mut Traffic,
    ) -> Result<(), MpiError>
    where
        T: Transport + ?Sized,
        M: Serialize,
        R: DeserializeOwned + Send,
    {
        let HandOut { count, local, task, done, stop } = job;
        let next = AtomicUsize::new(0);
        let take = || {
            if stop.is_some_and(|flag| flag.load(Ordering::SeqCst)) {
                return None;
            }
            let position = next.fetch_add(1, Ordering::SeqCst);
            (position < count).then_some(position)
        };
        let local_done = AtomicUsize::new(0);
        let outcome = std::thread::scope(|scope| {
            for _ in 0..self.slots[0].min(count) {
                scope.spawn(|| {
                    while let Some(position) = take() {
                        done(position, local(position), 0);
                        local_done.fetch_add(1, Ordering::SeqCst);
                    }
                });
            }
            let outcome = self.coordinate(transport, &take, task, done, traffic);
            if outcome.is_err() {
                next.store(count, Ordering::SeqCst);
            }
            outcome
        });
        traffic.tasks_by_rank[0] += local_done.load(Ordering::SeqCst) as u64;
        outcome
    }

    /// The hand-out to workers: fill their slots, then answer every result with the next
    /// position.
    fn coordinate<T, M, R>(
        &self,
        transport: &T,
        take: &(dyn Fn() -> Option<usize> + Sync),
        task: &dyn Fn(usize) -> M,
        done: &(dyn Fn(usize, R, usize) + Sync),
        traffic: &mut Traffic,
    ) -> Result<(), MpiError>
    where
        T: Transport + ?Sized,
        M: Serialize,
        R: DeserializeOwned,
    {
        let send = |to: usize, positions: Vec<usize>, traffic: &mut Traffic| {
            let started = Instant::now();
            let tasks: Vec<(usize, M)> = positions.into_iter().map(|p| (p, task(p))).collect();
            let length = wire::send(transport, to, &ToWorker::Tasks(tasks))?;
            traffic.sent(length, started.elapsed().as_secs_f64());
            Ok::<(), MpiError>(())
        };
        let mut outstanding = vec![0usize; transport.size()];
        for (rank, &slots) in self.slots.iter().enumerate().skip(1) {
            let positions: Vec<usize> = std::iter::from_fn(take).take(slots).collect();
            if positions.is_empty() {
                break;
            }
            outstanding[rank] = positions.len();
            send(rank, positions, traffic)?;
        }
        while outstanding.iter().any(|&o| o > 0) {
            let (from, bytes) = transport.receive()?;
            let started = Instant::now();
            let message: ToRoot<R> = wire::decode(from, &bytes)?;
            let ToRoot::Done { position, result } = message else {
                return Err(MpiError::Protocol { from, expected: "Done", found: message.name() });
            };
            if outstanding.get(from).is_none_or(|&o| o == 0) {
                return Err(MpiError::Protocol {
                    from,
                    expected: "no result (it holds no task)",
                    found: format!("Done({position})"),
                });
            }
            traffic.received(bytes.len(), started.elapsed().as_secs_f64());
            traffic.tasks_by_rank[from] += 1;
            outstanding[from] -= 1;
            done(position, result, from);
            let positions: Vec<usize> = take().into_iter().collect();
            outstanding[from] += positions.len();
            send(from, positions, traffic)?;
        }
        Ok(())
    }
}

/// One hand-out ([`Crew::hand_out`]).
pub(crate) struct HandOut<'a, M, R> {
    /// Positions `0..count`.
    pub(crate) count: usize,
    /// How rank 0's threads run a position.
    pub(crate) local: &'a (dyn Fn(usize) -> R + Sync),
    /// The message that asks a worker to run a position.
    pub(crate) task: &'a dyn Fn(usize) -> M,
    /// Where each result goes, with the rank that ran it.
    pub(crate) done: &'a (dyn Fn(usize, R, usize) + Sync),
    /// Once raised, no position starts.
    pub(crate) stop: Option<&'a AtomicBool>,
}

/// Tells rank 0 that this rank cannot run tasks (`reason`), so the job ends with that reason
/// instead of waiting for this rank.
///
/// # Errors
/// Transport errors.
pub fn refuse<T: Transport + ?Sized>(transport: &T, reason: &str) -> Result<(), MpiError> {
    wire::send(transport, 0, &ToRoot::<()>::Refused { reason: reason.into() }).map(|_| ())
}

/// The worker side: announces `slots` threads, then runs what it is given on them with `run`,
/// answering each result as it ends, until rank 0 says nothing more will come. Returns the
/// number of tasks run.
///
/// # Errors
/// Transport and protocol errors.
pub(crate) fn serve_tasks<T, M, R>(
    transport: &T,
    slots: usize,
    run: &(dyn Fn(M) -> R + Sync),
) -> Result<u64, MpiError>
where
    T: Transport + ?Sized,
    M: DeserializeOwned + Send,
    R: Serialize + Send,
{
    let slots = slots.max(1);
    wire::send(transport, 0, &ToRoot::<()>::Ready { slots })?;
    let (work, work_queue) = mpsc::channel::<(usize, M)>();
    let work_queue = Mutex::new(work_queue);
    let (finished, finished_queue) = mpsc::channel::<(usize, R)>();
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
                    let Ok((position, task)) = job else { break };
                    if finished.send((position, run(task))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(finished);
        let outcome = answer_until_shutdown(transport, &work, &finished_queue);
        // Closing the queue ends the threads.
        drop(work);
        outcome
    })
}

/// The worker's message loop: take tasks, queue them, send each result and take the answer.
fn answer_until_shutdown<T, M, R>(
    transport: &T,
    work: &mpsc::Sender<(usize, M)>,
    finished: &mpsc::Receiver<(usize, R)>,
) -> Result<u64, MpiError>
where
    T: Transport + ?Sized,
    M: DeserializeOwned,
    R: Serialize,
{
    let mut ran = 0;
    let mut outstanding = 0usize;
    let lost = || MpiError::Transport("every task thread ended".into());
    loop {
        if outstanding > 0 {
            let (position, result) = finished.recv().map_err(|_| lost())?;
            wire::send(transport, 0, &ToRoot::Done { position, result })?;
            outstanding -= 1;
            ran += 1;
        }
        let (from, message, _) = wire::receive::<T, ToWorker<M>>(transport)?;
        if from != 0 {
            return Err(MpiError::Protocol {
                from,
                expected: "a message from rank 0",
                found: "a worker's".into(),
            });
        }
        match message {
            ToWorker::Tasks(tasks) => {
                for task in tasks {
                    work.send(task).map_err(|_| lost())?;
                    outstanding += 1;
                }
            }
            ToWorker::Shutdown => return Ok(ran),
        }
    }
}
