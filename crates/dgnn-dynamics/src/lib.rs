//! Energy landscapes on the circle, SDE integrators of known order, ensembles with observers,
//! landscape analysis and phase-oscillator networks with plasticity.
//!
//! The science (equations and sources) is in each module's docs; docs/science.md#dynamics lists the
//! facts the tests check. This crate never does I/O and never draws: it returns numbers.
//!
//! # API map
//!
//! | you want | use |
//! |---|---|
//! | a landscape `U(φ)`, `U′`, `U″` | [`Potential`]: [`Hkb`], [`TiltedHkb`], [`FourierPotential`], [`UserPotential`] |
//! | fixed points, stability, attractor count | [`landscape::fixed_points`], [`landscape::attractor_count`], [`landscape::basins`] (barriers), [`landscape::attractor_map`] |
//! | exact stationary density, mean frequency | [`landscape::stationary_density`], [`landscape::mean_frequency`], [`landscape::deterministic_frequency`] |
//! | escape times | [`landscape::mean_first_passage_time`], [`landscape::kramers_rates`] |
//! | a deterministic flow | [`ode::VectorField`], [`ode::rk4_step`], [`ode::rk4_scalar`], [`ode::integrate_rk4`] |
//! | an SDE | [`sde::Sde`] (implement it), [`sde::PhaseSde`], [`sde::AdditiveSde`], [`sde::OrnsteinUhlenbeck`] |
//! | an SDE scheme | [`sde::Integrator`]: [`sde::EulerMaruyama`], [`sde::Milstein`], [`sde::StochasticHeun`], [`sde::Sra1`]; [`sde::Scheme`] by name |
//! | one path | [`sde::simulate_path`], [`sde::integrate_along`] with a [`sde::BrownianPath`] |
//! | many paths in parallel | [`ensemble::run_ensemble`] with [`ensemble::Observer`]s (histograms, moments, first passages, paths) |
//! | the fast HKB ensemble (SIMD) | [`fast::hkb_ensemble_final_phases`], [`fast::hkb_ensemble_snapshots`] |
//! | a phase network, r and ψ | [`network::PhaseNetwork`], [`network::simulate_network`], [`network::order_parameter`] |
//! | the fast Kuramoto mean field (SIMD) | [`fast::kuramoto_mean_field`] |
//! | a network's Jacobian, locked states, their eigenvalues | [`stability::jacobian`], [`stability::find_locked_state`], [`stability::spectrum`] (nalgebra) |
//! | STDP and structural plasticity | [`plasticity::PlasticNetwork`], [`plasticity::simulate_plastic_network`] |
//!
//! Every random computation takes a [`dgnn_core::Seed`] and draws from
//! `seed.stream("dynamics/…", path)` per fixed work item, so results are bit-identical for any
//! thread count. Bad parameters are [`DynamicsError::Param`] errors naming the field and the fix.

pub mod ensemble;
pub mod error;
pub mod fast;
pub mod landscape;
pub mod network;
pub mod ode;
pub mod plasticity;
pub mod potential;
mod quadrature;
pub mod sde;
pub mod stability;

pub use error::{DynamicsError, Result};
pub use potential::{FourierPotential, Hkb, Potential, TiltedHkb, UserPotential};
