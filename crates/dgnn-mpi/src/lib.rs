//! dgnn beyond one machine: the searches and experiments of dgnn on the ranks of an MPI job.
//!
//! All of dgnn's MPI code lives here; the libraries only see dgnn-evo's evaluation and island
//! interfaces ([`dgnn_evo::Evaluator`], [`dgnn_evo::IslandLinks`]) and the binary wires them up
//! behind its `mpi` cargo feature.
//!
//! - [`farm`]: distributed evaluation — rank 0 runs the engine and every stage of a batch is
//!   handed out to all ranks (rank 0 included) by demand; results come back keyed by position,
//!   so fronts are bit-identical for any number of ranks.
//! - [`islands`]: the island model's links — islands spread over ranks, migrants and checkpoints
//!   moved through rank 0.
//! - [`items`]: independent work items (an experiment's seed × arm × data set) spread over ranks
//!   by demand, outcomes gathered at rank 0.
//! - [`model`]: the scaling model of a distributed search (Amdahl's law with a measured serial
//!   share plus communication).
//! - [`transport`]: what the protocols need from MPI — point-to-point byte messages — and
//!   [`ThreadRanks`], ranks as threads of one process, with which every protocol is tested
//!   without an MPI library; `MpiWorld` (feature `mpi`) is the real transport.
//!
//! # Building
//! Without the `mpi` feature the crate builds anywhere (everything above except `MpiWorld`).
//! With it, rsmpi binds the system's MPI library (Debian: `openmpi-bin libopenmpi-dev
//! libclang-dev`) when it is built; the workspace's default build never enables it.

pub mod error;
pub mod farm;
pub mod islands;
pub mod items;
pub mod model;
pub mod tasks;
pub mod transport;
pub mod wire;

#[cfg(feature = "mpi")]
mod mpi_world;

pub use error::MpiError;
pub use farm::{Farm, FarmStats, Served, serve};
pub use islands::RankLinks;
pub use items::{RunItem, run_items, serve_items};
pub use model::{IslandsMeasured, Measured};
#[cfg(feature = "mpi")]
pub use mpi_world::MpiWorld;
pub use tasks::{Traffic, refuse};
pub use transport::{ThreadRank, ThreadRanks, Transport};
