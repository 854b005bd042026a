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
//! | ρ over an (Ω, K) grid | [`grid::GridParams`] → [`grid::GridSpec`] → [`grid::sine_grid`] (SIMD), [`grid::family_grid`], [`grid::locked_denominator`] |
//! | a devil's staircase with its exact plateaus | [`staircase::StaircaseParams`] → [`staircase::sine_staircase`] |
//! | exact tongue edges and widths | [`tongue::tongue`], [`tongue::tongues`] |
//! | locked measure, fractal dimension, golden mean at K = 1 | [`tongue::critical_figures`] (all at once), [`tongue::locked_measure`], [`tongue::box_dimension`], [`tongue::gap_scalings`], [`tongue::golden_mean`] |
//! | tongues of a flow (forced Adler/HKB, PRC forcing) | [`flow::ForcedPhase`], [`flow::PrcForced`], [`flow::flow_rotation_number`], [`flow::flow_grid`], [`flow::locking_range`] |
//! | Farey sequences, mediants, Stern–Brocot depth | [`farey`] |
//! | read a recording | [`read::read`] (CSV, OpenSignals, WFDB incl. `212xN`, multi-frequency, FLAC) |
//! | R-peaks (paced and wide-QRS ECGs too), breaths, marker phases | [`events::detect_r_peaks`], [`events::remove_pacing_spikes`], [`events::detect_breaths`], [`events::marker_phase`] |
//! | check a record before analysing it (rates, swapped columns, wrong sampling rate) | [`plausibility::check`] |
//! | gaps, flat and clipped stretches, excluded spans, RR outliers | [`artefacts`] |
//! | Hilbert phases, band-pass | [`signal::HilbertPlan`], [`signal::hilbert_phase`], [`signal::bandpass`] |
//! | ρ, λ, γ of any n:m | [`indices::nm_indices`], [`indices::whole_record_indices`] (fused, W5) |
//! | surrogates and p-values | [`surrogates`] |
//! | windowed heart–breath analysis with significance | [`sync::SyncParams`] → [`sync::analyse`] (or [`sync::analyse_marked`] with artefact spans) → [`sync::SyncAnalysis::summary`], [`sync::synchrogram`] |
//! | positive controls (3:1 quiet vs active) | [`controls::ControlParams`] |
//! | synthetic locked pairs (W5) | [`synthetic::PairParams`] |
//!
//! Two phases locked 3:1 and the exact edge of a tongue, from the public API alone:
//!
//! ```
//! use dgnn_lock::{Ratio, indices::nm_indices, map::SineLift, tongue::tongue};
//! use std::f64::consts::TAU;
//!
//! // One minute sampled at 10 Hz: breathing at 0.25 Hz (φ₁), the heart three times as fast
//! // with a fixed lag (φ₂ = 3φ₁ + 0.4), both unwrapped, in radians.
//! let breath: Vec<f64> = (0..600).map(|k| TAU * 0.25 * f64::from(k) / 10.0).collect();
//! let heart: Vec<f64> = breath.iter().map(|phase| 3.0 * phase + 0.4).collect();
//! // Ψ = 3φ₁ − φ₂ = −0.4 is constant: γ = |⟨e^{iΨ}⟩| = 1 and every Ψ falls in one bin (ρ = 1).
//! let locked = nm_indices(&breath, &heart, 3, 1)?;
//! assert_eq!(locked.ratio, Ratio::integer(3));
//! assert!(locked.gamma > 1.0 - 1e-12 && locked.rho > 1.0 - 1e-12);
//! // Ψ = 2φ₁ − φ₂ = −φ₁ − 0.4 turns through 15 whole breaths: γ = 0.
//! assert!(nm_indices(&breath, &heart, 2, 1)?.gamma < 1e-9);
//!
//! // The 0/1 tongue of the sine circle map θ ↦ θ + Ω − (K/2π) sin 2πθ is |Ω| ≤ K/2π.
//! let k = 0.5;
//! let zero = tongue(&SineLift::new(k)?, Ratio::new(0, 1)?)?;
//! assert!((zero.upper - k / TAU).abs() < 1e-12 && (zero.lower + k / TAU).abs() < 1e-12);
//! # Ok::<(), dgnn_lock::LockError>(())
//! ```
//!
//! Parameter structs are raw (public fields, RON) until [`ParamGuard::check`] turns them into
//! the checked type the analyses take ([`grid::GridSpec`], [`Valid`]`<`[`sync::SyncParams`]`>`,
//! …). Every random computation takes a [`Seed`] and is bit-identical for any thread count.
//! Errors are one enum, [`LockError`]. The examples (`cargo run -p dgnn-lock --example …`) are
//! `heart_breath` (a synthetic 3:1 record through the windowed analysis) and `tongue_edges`
//! (exact edges against their closed forms).

pub mod artefacts;
pub mod controls;
pub mod error;
pub mod events;
pub mod farey;
pub mod flow;
pub mod grid;
pub mod indices;
pub mod map;
pub mod plausibility;
pub mod read;
pub mod signal;
pub mod staircase;
pub mod surrogates;
pub mod sync;
pub mod synthetic;
pub mod tongue;

pub use error::{LockError, Result};
pub use farey::Ratio;

/// What a user of this crate alone needs from dgnn-core: seeds and their streams, progress
/// sinks, parameter errors and the checked-parameter traits.
pub use dgnn_core::{
    NoProgress, ParamError, ParamGuard, Progress, Seed, StreamRng, Valid, Validate,
};
