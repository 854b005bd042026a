//! Ensembles: many trajectories of one SDE in parallel, summarised by observers.
//!
//! - the driver: checked sizes ([`EnsembleParams`] → [`EnsembleSpec`]), initial
//!   states ([`InitialState`]) and [`run_ensemble`];
//! - the [`Observer`] trait and the provided observers: the histogram of the final state
//!   ([`FinalHistogram`], into a [`Histogram`]), running moments of the final state
//!   ([`FinalMoments`]) or at regular times ([`MomentsOverTime`]), displacements (mean
//!   frequencies, [`Displacement`]), first-passage times ([`FirstPassage`], with the
//!   Brownian-bridge correction) and stored paths ([`PathRecorder`]);
//! - [`run_phase_ensemble`]: the ensemble of a phase SDE summarised by its final histogram and
//!   mean displacement, on the SIMD kernel of [`crate::simd`] when it applies, otherwise on
//!   [`run_ensemble`].
//!
//! Trajectories are split into fixed blocks of [`BLOCK`] trajectories; block `k` draws its
//! initial states and noise from `seed.stream("dynamics/trajectory", &[k])`, blocks run in
//! parallel (rayon) and their summaries are merged in block order. The result is therefore
//! bit-identical for any number of threads.
//!
//! An observer sees every step of every trajectory and folds it into a mergeable summary, so
//! paths are not stored unless asked for. A pair `(A, B)` of observers is an observer; a
//! trajectory stops early when every observer says [`Flow::Stop`]. Before any work,
//! [`run_ensemble`] checks that every component an observer reads exists.

mod driver;
mod histogram;
mod observer;
mod observers;
mod passage;
mod phase;

pub use dgnn_core::RunningMoments;
pub use driver::{
    BLOCK, EnsembleParams, EnsembleSpec, InitialState, TRAJECTORY_STREAM, run_ensemble,
};
pub use histogram::Histogram;
pub use observer::{Flow, Observer};
pub use observers::{Displacement, FinalHistogram, FinalMoments, MomentsOverTime, PathRecorder};
pub use passage::{FirstPassage, PassageSummary, PassageTrack};
pub use phase::{
    EnsembleKernel, PhaseEnsemble, PhaseEnsembleParams, PhaseStart, run_phase_ensemble,
};
