//! Mode-locking analysis for dgnn: circle maps, Arnold tongues, Farey trees, and n:m
//! synchronisation of recordings.
//!
//! The paper's evidence for metabolic states is mode locking: quiet (low-energy) sleep shows 3:1
//! heartbeat:breathing coordination, active sleep breaks down into higher-order Farey ratios
//! (Hoyer et al. 2001). This crate makes that measurable on maps, on flows and on recordings.
//!
//! | you want | use |
//! |---|---|
//! | a circle map and its rotation number | [`map::Lift`] (plug in your own), [`map::SineLift`], [`map::rotation_number`] |
//! | ρ over an (Ω, K) grid, a devil's staircase | [`grid::GridParams`] → [`grid::sine_grid`] (SIMD), [`grid::family_grid`] |
//! | exact tongue edges and widths | [`tongue::tongue`], [`tongue::tongues`] |
//! | locked measure, fractal dimension, golden mean at K = 1 | [`tongue::locked_measure`], [`tongue::box_dimension`], [`tongue::gap_scalings`], [`tongue::golden_mean`] |
//! | tongues of a flow (forced Adler/HKB, PRC forcing) | [`flow::ForcedPhase`], [`flow::PrcForced`], [`flow::flow_rotation_number`], [`flow::flow_grid`], [`flow::locking_range`] |
//! | Farey sequences, mediants, Stern–Brocot depth | [`farey`] |
//! | read a recording | [`read::read`] (CSV, OpenSignals, WFDB) |
//! | R-peaks, breaths, marker phases | [`events::detect_r_peaks`], [`events::detect_breaths`], [`events::marker_phase`] |
//! | Hilbert phases, band-pass | [`signal::HilbertPlan`], [`signal::hilbert_phase`], [`signal::bandpass`] |
//! | ρ, λ, γ of any n:m | [`indices::nm_indices`], [`indices::whole_record_indices`] (fused, W5) |
//! | surrogates and p-values | [`surrogates`] |
//! | windowed heart–breath analysis with significance | [`sync::analyse`], [`sync::synchrogram`] |
//! | positive controls (3:1 quiet vs active) | [`controls::ControlParams`] |
//! | synthetic locked pairs (W5) | [`synthetic::PairParams`] |
//!
//! ```
//! use dgnn_lock::{Ratio, map::SineLift, tongue::tongue};
//! // The 0/1 tongue of the sine circle map is |Ω| ≤ K/2π.
//! let t = tongue(&SineLift::new(0.5).unwrap(), Ratio::new(0, 1).unwrap()).unwrap();
//! assert!((t.upper - 0.5 / std::f64::consts::TAU).abs() < 1e-12);
//! ```
//!
//! Every random computation takes a [`dgnn_core::Seed`] and is bit-identical for any thread
//! count. Errors are one enum, [`LockError`].

pub mod controls;
pub mod error;
pub mod events;
pub mod farey;
pub mod flow;
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
