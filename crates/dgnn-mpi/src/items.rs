//! Independent work items over ranks: an experiment's items (seed × arm × data set) handed out
//! by demand ([`crate::tasks`]), their outcomes gathered at rank 0.
//!
//! An item is known by its index: every rank prepares the same experiment from the same config,
//! so a worker needs only the index and sends back the outcome as text (RON, exact for every
//! float). Rank 0 runs items on its own threads too and receives every outcome, in the order
//! they end, through one callback — where it saves them — so the folder is written by rank 0
//! alone and holds exactly what a run without MPI writes.

use crate::error::MpiError;
use crate::tasks::{Crew, HandOut, Traffic, serve_tasks};
use crate::transport::Transport;
use std::sync::atomic::AtomicBool;

/// How a rank runs one item: its outcome as text, or why it failed.
pub type RunItem<'a> = dyn Fn(usize) -> Result<String, String> + Sync + 'a;

/// Rank 0: runs the items `pending` (indices) on every rank, `local_slots` of them at a time on
/// this one, calling `finished(index, outcome)` here as each ends (from any of rank 0's threads).
/// Once `stop` is raised no item starts. Every other rank must call [`serve_items`] (or
/// [`refuse`](crate::refuse)).
///
/// # Errors
/// A worker that refused, and transport errors (an item's own failure is an outcome `Err`).
pub fn run_items<T: Transport + ?Sized>(
    transport: &T,
    pending: &[usize],
    local_slots: usize,
    run: &RunItem<'_>,
    finished: &(dyn Fn(usize, Result<String, String>) + Sync),
    stop: &AtomicBool,
) -> Result<Traffic, MpiError> {
    let mut traffic = Traffic::default();
    let crew = Crew::gather(transport, local_slots, &mut traffic)?;
    let local = |position: usize| run(pending[position]);
    let task = |position: usize| pending[position];
    let done = |position: usize, outcome: Result<String, String>, _rank: usize| {
        finished(pending[position], outcome);
    };
    let job =
        HandOut { count: pending.len(), local: &local, task: &task, done: &done, stop: Some(stop) };
    let outcome = crew.hand_out(transport, job, &mut traffic);
    crew.dismiss(transport, &mut traffic)?;
    outcome.map(|()| traffic)
}

/// A rank other than 0: runs the items rank 0 hands out with `run`, `slots` at a time, until
/// rank 0 has no more; returns how many it ran.
///
/// # Errors
/// Transport and protocol errors.
pub fn serve_items<T: Transport + ?Sized>(
    transport: &T,
    slots: usize,
    run: &RunItem<'_>,
) -> Result<u64, MpiError> {
    let run = |index: usize| run(index);
    serve_tasks(transport, slots, &run)
}
