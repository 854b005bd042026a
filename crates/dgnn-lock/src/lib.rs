//! Mode-locking analysis for dgnn: circle maps, Arnold tongues, Farey trees, and n:m
//! synchronisation of recordings.
//!
//! - [`map`]: lifts of circle maps (the [`map::Lift`] trait, the sine circle map) and rotation
//!   numbers with error bounds;
//! - [`grid`]: rotation numbers over (Ω, K) grids and devil's staircases (SIMD + rayon);
//! - [`farey`]: Farey sequences, mediants, the Stern–Brocot tree and the depth ("hierarchy") of
//!   a ratio.
//!
//! Errors are one enum, [`LockError`].

pub mod error;
pub mod farey;
pub mod grid;
pub mod map;

pub use error::{LockError, Result};
pub use farey::Ratio;
