//! The MPI transport (feature `mpi`): rsmpi over the system's MPI library.
//!
//! MPI is initialised with `MPI_THREAD_FUNNELED`: only the thread that initialised it calls MPI
//! (the coordinator on rank 0, the message loop on workers), while evaluation threads hand their
//! results over through channels. Waiting is done by probing and sleeping (see
//! [`Transport::receive`]), never by MPI's spinning blocking receive, so a waiting rank leaves its
//! core to the evaluations, which matters when ranks are oversubscribed.

use crate::error::MpiError;
use crate::transport::Transport;
use mpi::Threading;
use mpi::point_to_point::MatchedReceiveVec;
use mpi::topology::SimpleCommunicator;
use mpi::traits::{Communicator, Destination, Source};

/// This process's place in the MPI job: `MPI_COMM_WORLD`, finalised when dropped.
pub struct MpiWorld {
    // Dropped before the universe, which finalises MPI.
    world: SimpleCommunicator,
    _universe: mpi::environment::Universe,
}

impl MpiWorld {
    /// Initialises MPI (once per process). A process started without `mpirun` is a job of one
    /// rank.
    ///
    /// # Errors
    /// [`MpiError::Transport`] when MPI was initialised before or cannot give the funneled
    /// threading level.
    pub fn init() -> Result<Self, MpiError> {
        let (universe, threading) = mpi::initialize_with_threading(Threading::Funneled)
            .ok_or_else(|| MpiError::Transport("MPI was already initialised".into()))?;
        if threading == Threading::Single {
            return Err(MpiError::Transport(
                "the MPI library gives no thread support (MPI_THREAD_FUNNELED is needed)".into(),
            ));
        }
        Ok(Self { world: universe.world(), _universe: universe })
    }

    /// The name of the node this rank runs on.
    #[must_use]
    pub fn node_name() -> String {
        mpi::environment::processor_name().unwrap_or_default()
    }

    /// Ends the whole job at once with `code` (for a rank that cannot go on and cannot tell the
    /// others in an orderly way).
    pub fn abort(&self, code: i32) -> ! {
        self.world.abort(code)
    }
}

impl Transport for MpiWorld {
    fn rank(&self) -> usize {
        usize::try_from(self.world.rank()).unwrap_or(0)
    }

    fn size(&self) -> usize {
        usize::try_from(self.world.size()).unwrap_or(1)
    }

    fn send(&self, to: usize, bytes: Vec<u8>) -> Result<(), MpiError> {
        let rank = i32::try_from(to)
            .ok()
            .filter(|&r| r < self.world.size())
            .ok_or_else(|| MpiError::Transport(format!("no rank {to} among {}", self.size())))?;
        self.world.process_at_rank(rank).send(&bytes[..]);
        Ok(())
    }

    fn try_receive(&self) -> Result<Option<(usize, Vec<u8>)>, MpiError> {
        Ok(self.world.any_process().immediate_matched_probe().map(|probed| {
            let (bytes, status) = probed.matched_receive_vec::<u8>();
            (usize::try_from(status.source_rank()).unwrap_or(0), bytes)
        }))
    }
}
