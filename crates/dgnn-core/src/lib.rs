//! The shared vocabulary of dgnn and nothing heavier.
//!
//! Every other dgnn crate depends on this one; it depends on no sibling. It owns:
//! - [`angle`]: wrapping, unwrapping and circular statistics of phases in radians;
//! - [`rng`]: seeded random streams keyed by (master seed, stream path), so a result is
//!   bit-identical whatever the thread count;
//! - [`units`]: time, ATP, joules and bits as types;
//! - [`config`]: configs as RON, read and written one way everywhere;
//! - [`envelope`]: the result envelope (command, config, seed, version, figures) and safe writes;
//! - [`error`]: the parameter-checking helpers and error values shared by every library crate;
//! - [`param`]: checked parameters as types ([`ParamGuard`], [`Validate`], [`Valid`]);
//! - [`stats`]: running moments that merge exactly across parallel work items;
//! - [`progress`]: a progress sink that libraries report to without knowing about terminals.

pub mod angle;
pub mod config;
pub mod envelope;
pub mod error;
pub mod param;
pub mod progress;
pub mod rng;
pub mod stats;
pub mod units;

pub use envelope::{Envelope, Provenance, atomic_write, create_run_dir};
pub use error::{CoreError, ParamError};
pub use param::{ParamGuard, Valid, Validate};
pub use progress::{NoProgress, Progress};
pub use rng::{Seed, StreamRng};
pub use stats::RunningMoments;
pub use units::{Atp, Bits, Joules, Seconds};
