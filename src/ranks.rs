//! `--mpi`: joining the MPI job this process was started in (by `mpirun` or `srun`), for
//! `dgnn search` and `dgnn experiment`.
//!
//! A build without the `mpi` feature refuses `--mpi` with the line that builds one. Rank 0 is
//! the process that reads the input, writes the folder and prints; the others do what it hands
//! them. Before anything runs, rank 0 shares the checked config with every other rank
//! ([`RootSetup::share`]); a rank 0 that fails before that point (a bad config, say) releases the
//! others when its [`RootSetup`] is dropped, so no rank waits for a run that never comes.

use anyhow::Context;
use dgnn_lab::run::{ItemDone, ItemWork};
use dgnn_lab::{ItemRunner, ItemServer, LabError};
use dgnn_mpi::Transport;
use dgnn_mpi::wire::share_from_root;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::cell::Cell;
use std::sync::atomic::AtomicBool;

/// Makes rayon's global pool `threads` wide: under `--mpi` a command runs on the main thread,
/// the only one that calls MPI, and its parallel parts use the global pool.
///
/// # Errors
/// When the global pool was built before.
pub fn global_thread_pool(threads: usize) -> anyhow::Result<()> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global()
        .context("setting up the worker threads")
}

/// This process's place in the MPI job it was started in (`--mpi`).
pub struct Job {
    #[cfg(feature = "mpi")]
    world: dgnn_mpi::MpiWorld,
    #[cfg(not(feature = "mpi"))]
    never: std::convert::Infallible,
}

impl Job {
    /// Joins the MPI job (a process started without `mpirun` is a job of one rank).
    ///
    /// # Errors
    /// A build without MPI (with the line that builds one), or an MPI library that cannot start.
    pub fn join() -> anyhow::Result<Self> {
        #[cfg(feature = "mpi")]
        {
            Ok(Self { world: dgnn_mpi::MpiWorld::init().context("starting MPI")? })
        }
        #[cfg(not(feature = "mpi"))]
        {
            anyhow::bail!(
                "--mpi needs a dgnn built with MPI: install Open MPI (Debian: apt-get install \
                 openmpi-bin libopenmpi-dev libclang-dev), run `cargo build --release --features \
                 mpi`, then start `mpirun -np 4 target/release/dgnn … --mpi`"
            )
        }
    }

    /// The job's ranks.
    #[must_use]
    pub fn transport(&self) -> &dyn Transport {
        #[cfg(feature = "mpi")]
        {
            &self.world
        }
        #[cfg(not(feature = "mpi"))]
        {
            match self.never {}
        }
    }

    /// Ends this rank's part of a command: an error while other ranks may still wait for this
    /// one (`others_waiting`: any worker; rank 0 between sharing the config and releasing the
    /// others) is printed with the rank and ends the whole job at once (`MPI_Abort`, exit status
    /// as the error's); anything else returns, and MPI is finalised when the job is dropped.
    ///
    /// # Errors
    /// `outcome`'s error, when it ended the command cleanly.
    pub fn finish(self, outcome: anyhow::Result<()>, others_waiting: bool) -> anyhow::Result<()> {
        match outcome {
            Err(error) if others_waiting && self.transport().size() > 1 => {
                let rank = self.transport().rank();
                eprintln!("error (rank {rank}): {error:#}");
                self.abort(crate::exit_status(&error))
            }
            other => other,
        }
    }

    fn abort(&self, code: i32) -> ! {
        #[cfg(feature = "mpi")]
        {
            self.world.abort(code)
        }
        #[cfg(not(feature = "mpi"))]
        {
            let _ = code;
            match self.never {}
        }
    }
}

/// Rank 0 before the run: shares the checked config once, or releases the other ranks when
/// dropped without having shared it.
pub struct RootSetup<'t> {
    transport: &'t dyn Transport,
    shared: Cell<bool>,
    released: Cell<bool>,
}

impl<'t> RootSetup<'t> {
    /// The setup of rank 0 of `transport`.
    #[must_use]
    pub fn new(transport: &'t dyn Transport) -> Self {
        Self { transport, shared: Cell::new(false), released: Cell::new(false) }
    }

    /// The job.
    #[must_use]
    pub fn transport(&self) -> &'t dyn Transport {
        self.transport
    }

    /// Hands every other rank `config`.
    ///
    /// # Errors
    /// A transport failure.
    pub fn share<C: Serialize + DeserializeOwned + Clone>(&self, config: &C) -> anyhow::Result<()> {
        if self.shared.get() {
            anyhow::bail!("the config was already shared with the other ranks");
        }
        self.shared.set(true);
        share_from_root(self.transport, Some(config.clone()))
            .context("handing the config to the other ranks")?;
        Ok(())
    }
}

impl RootSetup<'_> {
    /// Records that the other ranks finished their part (they no longer wait for rank 0).
    pub fn released(&self) {
        self.released.set(true);
    }

    /// Whether the other ranks are at work and wait for rank 0: the config went out and they
    /// were not released yet.
    #[must_use]
    pub fn others_waiting(&self) -> bool {
        self.shared.get() && !self.released.get()
    }
}

impl Drop for RootSetup<'_> {
    fn drop(&mut self) {
        if !self.shared.get() {
            // Rank 0 is failing already; its own error is the one to report.
            let _ = share_from_root::<_, ()>(self.transport, None);
        }
    }
}

/// A worker rank: the config rank 0 shared, or `None` when rank 0 could not start (this rank
/// then leaves quietly: rank 0 reports why).
///
/// # Errors
/// A transport failure or a message that is not a config.
pub fn shared_config<C: Serialize + DeserializeOwned>(
    transport: &dyn Transport,
) -> anyhow::Result<Option<C>> {
    share_from_root(transport, None).context("receiving the config from rank 0")
}

/// An experiment's items over the ranks of a job: dgnn-lab's [`ItemRunner`] on rank 0 and
/// [`ItemServer`] on the others, each rank running `threads` items at a time.
pub struct RankItems<'t> {
    transport: &'t dyn Transport,
    threads: usize,
}

impl<'t> RankItems<'t> {
    /// The items' hand-out over `transport`, `threads` per rank.
    #[must_use]
    pub fn new(transport: &'t dyn Transport, threads: usize) -> Self {
        Self { transport, threads }
    }
}

fn distributed(error: dgnn_mpi::MpiError) -> LabError {
    LabError::Distributed(error.to_string())
}

impl ItemRunner for RankItems<'_> {
    fn run_items(
        &self,
        pending: &[usize],
        work: &ItemWork<'_>,
        done: &ItemDone<'_>,
        stop: &AtomicBool,
    ) -> Result<(), LabError> {
        dgnn_mpi::run_items(self.transport, pending, self.threads, work, done, stop)
            .map(|_| ())
            .map_err(distributed)
    }
}

impl ItemServer for RankItems<'_> {
    fn serve(&self, work: &ItemWork<'_>) -> Result<(), LabError> {
        dgnn_mpi::serve_items(self.transport, self.threads, work).map(|_| ()).map_err(distributed)
    }
}
