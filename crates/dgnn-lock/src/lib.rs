//! Mode-locking analysis for dgnn: circle maps, Arnold tongues, Farey trees, and n:m
//! synchronisation of recordings.
//!
//! - [`map`]: lifts of circle maps (the [`map::Lift`] trait, the sine circle map) and rotation
//!   numbers with error bounds;
//! - [`grid`]: rotation numbers over (Ω, K) grids and devil's staircases (SIMD + rayon);
//! - [`tongue`]: exact tongue edges (saddle-node Newton), widths, the locked measure and the
//!   fractal dimension of its complement at K = 1, the golden-mean critical point;
//! - [`farey`]: Farey sequences, mediants, the Stern–Brocot tree and the depth ("hierarchy") of
//!   a ratio.
//!
//! Errors are one enum, [`LockError`].

pub mod controls;
pub mod error;
pub mod events;
pub mod farey;
pub mod grid;
pub mod indices;
pub mod map;
pub mod read;
pub mod signal;
pub mod surrogates;
pub mod sync;
pub mod synthetic;
pub mod tongue;

pub use error::{LockError, Result};
pub use farey::Ratio;
