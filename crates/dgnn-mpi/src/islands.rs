//! The island model over ranks: dgnn-evo's [`IslandLinks`] on a [`Transport`].
//!
//! Island `i` runs on rank `i mod size`, so with as many islands as ranks every rank runs one,
//! and with fewer islands than ranks the extra ranks only take part in the sync points. Every
//! method is a collective step of all ranks through rank 0 (a star, like every protocol here):
//!
//! ```text
//! agree     worker → 0  all_done        0 → worker  Agreement { all_done: AND, stop: rank 0's }
//! exchange  worker → 0  its migrations  0 → worker  the migrations addressed to its islands
//! gather    worker → 0  its states      (rank 0 writes the checkpoint)
//! scatter                               0 → worker  its islands' states (a resume)
//! ```
//!
//! MPI only moves migrants, votes and states: each rank evolves its islands with dgnn-evo's
//! executor, and the archipelago's result depends on the island count alone, never on the rank
//! count. A worker may run ahead into the next step after `gather` (which has no answer); rank 0
//! keeps such early messages until their step comes.

use crate::error::MpiError;
use crate::transport::Transport;
use crate::wire;
use dgnn_evo::{Agreement, EvoError, Genome, IslandLinks, Migration, State};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::cell::RefCell;
use std::collections::VecDeque;

/// dgnn-evo's island links over the ranks of a job (module docs).
pub struct RankLinks<'t, T: Transport + ?Sized> {
    transport: &'t T,
    /// Rank 0: messages that arrived before their step, by sender.
    early: RefCell<Vec<VecDeque<Vec<u8>>>>,
    /// Bytes this rank sent and received.
    bytes: RefCell<u64>,
    /// Seconds this rank spent at sync points (waiting for the others included).
    seconds: RefCell<f64>,
}

impl<'t, T: Transport + ?Sized> RankLinks<'t, T> {
    /// The links of this rank of `transport`.
    #[must_use]
    pub fn new(transport: &'t T) -> Self {
        Self {
            transport,
            early: RefCell::new(vec![VecDeque::new(); transport.size()]),
            bytes: RefCell::new(0),
            seconds: RefCell::new(0.0),
        }
    }

    /// Bytes this rank sent and received at sync points so far.
    #[must_use]
    pub fn bytes(&self) -> u64 {
        *self.bytes.borrow()
    }

    /// Seconds this rank spent in the sync points' exchanges so far, waiting for the other
    /// ranks included (at rank 0: the sync cost of the island model plus the slowest island's
    /// lead).
    #[must_use]
    pub fn seconds(&self) -> f64 {
        *self.seconds.borrow()
    }

    /// Runs one exchange step, adding its wall time to [`RankLinks::seconds`].
    fn timed<R>(&self, step: impl FnOnce() -> Result<R, MpiError>) -> Result<R, EvoError> {
        let started = std::time::Instant::now();
        let result = step();
        *self.seconds.borrow_mut() += started.elapsed().as_secs_f64();
        result.map_err(links_error)
    }

    fn count(&self, bytes: usize) {
        *self.bytes.borrow_mut() += bytes as u64;
    }

    fn send<M: Serialize>(&self, to: usize, message: &M) -> Result<(), MpiError> {
        let sent = wire::send(self.transport, to, message)?;
        self.count(sent);
        Ok(())
    }

    /// A worker: the next message from rank 0.
    fn receive_from_root<M: DeserializeOwned>(&self) -> Result<M, MpiError> {
        let (from, message, length) = wire::receive::<T, M>(self.transport)?;
        self.count(length);
        if from == 0 {
            Ok(message)
        } else {
            Err(MpiError::Protocol {
                from,
                expected: "a message from rank 0",
                found: "a worker's".into(),
            })
        }
    }

    /// Rank 0: one message of this step from every worker, in rank order.
    fn receive_from_each_worker<M: DeserializeOwned>(&self) -> Result<Vec<M>, MpiError> {
        let size = self.transport.size();
        let mut got: Vec<Option<Vec<u8>>> = vec![None; size];
        {
            let mut early = self.early.borrow_mut();
            for (rank, queue) in early.iter_mut().enumerate().skip(1) {
                got[rank] = queue.pop_front();
            }
        }
        while got.iter().skip(1).any(Option::is_none) {
            let (from, bytes) = self.transport.receive()?;
            if from == 0 || from >= size {
                return Err(MpiError::Protocol {
                    from,
                    expected: "a worker's message",
                    found: "rank 0's".into(),
                });
            }
            if got[from].is_none() {
                got[from] = Some(bytes);
            } else {
                self.early.borrow_mut()[from].push_back(bytes);
            }
        }
        got.into_iter()
            .enumerate()
            .skip(1)
            .map(|(rank, bytes)| {
                let bytes = bytes.unwrap_or_default();
                self.count(bytes.len());
                wire::decode(rank, &bytes)
            })
            .collect()
    }

    /// The rank that runs island `island`.
    fn rank_of(&self, island: usize) -> usize {
        island % self.transport.size()
    }
}

fn links_error(error: MpiError) -> EvoError {
    EvoError::IslandLinks(error.to_string())
}

impl<G: Genome, T: Transport + ?Sized> IslandLinks<G> for RankLinks<'_, T> {
    fn local_islands(&self, count: usize) -> Vec<usize> {
        (0..count).filter(|&i| self.rank_of(i) == self.transport.rank()).collect()
    }

    fn is_root(&self) -> bool {
        self.transport.rank() == 0
    }

    fn exchange(&self, outgoing: Vec<Migration<G>>) -> Result<Vec<Migration<G>>, EvoError> {
        let run = || -> Result<Vec<Migration<G>>, MpiError> {
            if self.transport.rank() != 0 {
                self.send(0, &outgoing)?;
                return self.receive_from_root();
            }
            let mut all = outgoing;
            for migrations in self.receive_from_each_worker::<Vec<Migration<G>>>()? {
                all.extend(migrations);
            }
            all.sort_by_key(|m| m.to);
            let mut by_rank: Vec<Vec<Migration<G>>> = vec![Vec::new(); self.transport.size()];
            for migration in all {
                by_rank[self.rank_of(migration.to)].push(migration);
            }
            for (rank, migrations) in by_rank.iter().enumerate().skip(1) {
                self.send(rank, migrations)?;
            }
            Ok(std::mem::take(&mut by_rank[0]))
        };
        self.timed(run)
    }

    fn gather(
        &self,
        local: Vec<(usize, &State<G>)>,
        count: usize,
    ) -> Result<Option<Vec<State<G>>>, EvoError> {
        let run = || -> Result<Option<Vec<State<G>>>, MpiError> {
            if self.transport.rank() != 0 {
                self.send(0, &local)?;
                return Ok(None);
            }
            let mut states: Vec<Option<State<G>>> = vec![None; count];
            for (i, state) in local {
                states[i] = Some(state.clone());
            }
            for part in self.receive_from_each_worker::<Vec<(usize, State<G>)>>()? {
                for (i, state) in part {
                    if let Some(slot) = states.get_mut(i) {
                        *slot = Some(state);
                    }
                }
            }
            let missing = states.iter().position(Option::is_none);
            match missing {
                Some(i) => Err(MpiError::Protocol {
                    from: self.rank_of(i),
                    expected: "the state of every island it runs",
                    found: format!("no state of island {i}"),
                }),
                None => Ok(Some(states.into_iter().flatten().collect())),
            }
        };
        self.timed(run)
    }

    fn scatter(
        &self,
        all: Option<Vec<State<G>>>,
        _count: usize,
    ) -> Result<Vec<(usize, State<G>)>, EvoError> {
        let run = || -> Result<Vec<(usize, State<G>)>, MpiError> {
            if self.transport.rank() != 0 {
                return self.receive_from_root();
            }
            let mut by_rank: Vec<Vec<(usize, State<G>)>> = vec![Vec::new(); self.transport.size()];
            for (i, state) in all.unwrap_or_default().into_iter().enumerate() {
                by_rank[self.rank_of(i)].push((i, state));
            }
            for (rank, states) in by_rank.iter().enumerate().skip(1) {
                self.send(rank, states)?;
            }
            Ok(std::mem::take(&mut by_rank[0]))
        };
        self.timed(run)
    }

    fn agree(&self, local: Agreement) -> Result<Agreement, EvoError> {
        let run = || -> Result<Agreement, MpiError> {
            if self.transport.rank() != 0 {
                self.send(0, &local.all_done)?;
                return self.receive_from_root();
            }
            let votes = self.receive_from_each_worker::<bool>()?;
            let agreement = Agreement {
                all_done: local.all_done && votes.iter().all(|&d| d),
                stop: local.stop,
            };
            for rank in 1..self.transport.size() {
                self.send(rank, &agreement)?;
            }
            Ok(agreement)
        };
        self.timed(run)
    }
}
