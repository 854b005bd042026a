//! Energy landscapes on the circle, SDE integrators of known order, ensembles with observers,
//! landscape analysis and phase-oscillator networks with plasticity.
//!
//! The science (equations and sources) is in each module's docs; docs/science.md#dynamics lists
//! the facts the tests check. This crate never does I/O and never draws: it returns numbers.
//!
//! # Example: a stochastic HKB ensemble, its histogram and its first passages
//!
//! ```
//! use dgnn_dynamics::ensemble::{
//!     EnsembleParams, FirstPassage, InitialState, PhaseEnsembleParams, PhaseStart, run_ensemble,
//!     run_phase_ensemble,
//! };
//! use dgnn_dynamics::landscape::{Boundary, mean_first_passage_time, stationary_density};
//! use dgnn_dynamics::sde::{PhaseSde, Scheme};
//! use dgnn_dynamics::simd::Precision;
//! use dgnn_dynamics::{Hkb, NoProgress, ParamGuard, Seed};
//!
//! // dφ = −V′(φ) dt + sqrt(Q) dW, V(φ) = −a cos φ − b cos 2φ (Schöner, Haken & Kelso 1986).
//! let q = 0.5;
//! let sde = PhaseSde::new(Hkb::new(1.0, 0.5)?, q)?;
//!
//! // 2000 trajectories from a uniform start to t = 40; the final phases in 16 bins against the
//! // exact stationary density p ∝ exp(−2V/Q). A perfect sampler's L1 distance has mean `floor`
//! // and standard deviation `spread`.
//! let params = PhaseEnsembleParams {
//!     trajectories: 2000, steps: 4000, dt: 0.01, scheme: Scheme::EulerMaruyama,
//!     initial: PhaseStart::Uniform, bins: 16, displacement_from_step: 2000,
//!     precision: Precision::F64,
//! }
//! .check()?;
//! let ensemble = run_phase_ensemble(&sde, &params, Seed(7), &NoProgress)?;
//! let exact = stationary_density(sde.potential(), q, 16 * 64)?.bin_averages(16)?;
//! let histogram = &ensemble.histogram;
//! let (floor, spread) =
//!     (histogram.expected_l1_floor(&exact), histogram.expected_l1_spread(&exact));
//! assert!(histogram.l1_distance(&exact) < floor + 4.0 * spread);
//!
//! // Exits from φ = 0 through −1 or 1 with the Brownian-bridge correction, against the exact
//! // mean first-passage time by quadrature (≈ 23). Euler–Maruyama's O(dt) bias of the escape
//! // rate (measured: −5% at dt = 0.01) is ≈ −1% at dt = 0.002; allowed: 4 standard errors + 2%.
//! let spec = EnsembleParams { trajectories: 1000, steps: 1_000_000, dt: 0.002 }.check()?;
//! let start = InitialState::Fixed(vec![0.0]).check()?;
//! let exits = FirstPassage::bridged(&sde, 0, Some(-1.0), Some(1.0))?;
//! let passage =
//!     run_ensemble(&sde, &Scheme::EulerMaruyama, &spec, &start, &exits, Seed(7), &NoProgress)?;
//! let exact_time = mean_first_passage_time(
//!     sde.potential(), q, 0.0, Boundary::Absorbing(-1.0), Boundary::Absorbing(1.0), 4000,
//! )?;
//! assert!((passage.mean() - exact_time).abs() < 4.0 * passage.standard_error() + 0.02 * exact_time);
//! # Ok::<(), dgnn_dynamics::DynamicsError>(())
//! ```
//!
//! `examples/hkb_ensemble.rs` prints the same comparison in full.
//!
//! # API map
//!
//! | you want | use |
//! |---|---|
//! | a landscape `U(φ)`, `U′`, `U″` | [`Potential`]: [`Hkb`], [`TiltedHkb`], [`FourierPotential`], [`UserPotential`] |
//! | fixed points, stability, attractor count | [`landscape::fixed_points`], [`landscape::attractor_count`], [`landscape::basins`] (barriers), [`landscape::attractor_map`], [`landscape::locking_range`] |
//! | exact stationary density, its moments and basin masses, mean frequency | [`landscape::stationary_density`] ([`landscape::StationaryDensity::trigonometric_moment`], [`landscape::StationaryDensity::basin_masses`]), [`landscape::mean_frequency`], [`landscape::deterministic_frequency`] |
//! | escape times | [`landscape::mean_first_passage_time`], [`landscape::switching_time`] (anti-phase → in-phase), [`landscape::kramers_rates`] |
//! | a deterministic flow | [`ode::VectorField`], [`ode::rk4_step`], [`ode::rk4_scalar`], [`ode::integrate_rk4`] |
//! | an SDE | [`sde::Sde`] (implement it), [`sde::PhaseSde`], [`sde::AdditiveSde`], [`sde::OrnsteinUhlenbeck`] |
//! | an SDE scheme | [`sde::Integrator`]: [`sde::EulerMaruyama`], [`sde::Milstein`], [`sde::StochasticHeun`], [`sde::Sra1`]; [`sde::Scheme`] by name |
//! | one path | [`sde::simulate_path`], [`sde::integrate_along`] with a [`sde::BrownianPath`] |
//! | many paths in parallel | [`ensemble::run_ensemble`] with [`ensemble::Observer`]s (histograms, moments, first passages, paths) |
//! | a phase ensemble's histogram and mean frequency, SIMD when possible | [`ensemble::run_phase_ensemble`] |
//! | the SIMD HKB kernel itself | [`simd::hkb_ensemble_final_phases`], [`simd::hkb_ensemble_snapshots`] |
//! | a phase network, r and ψ | [`network::PhaseNetwork`], [`network::simulate_network`], [`network::order_parameter`] |
//! | initial phases | [`network::uniform_phases`], [`network::wrapped_normal_phases`] (mean resultant length exp(−σ²/2)) |
//! | the SIMD Kuramoto mean field | [`simd::kuramoto_mean_field`] |
//! | Kuramoto theory for any frequency density: K_c, self-consistent r(K), quantile frequencies | [`kuramoto::critical_coupling`], [`kuramoto::self_consistent_order_parameter`] with a [`kuramoto::FrequencyDensity`]; [`network::lorentzian_quantiles`], [`network::gaussian_quantiles`] |
//! | a network's Jacobian, locked states, their eigenvalues | [`stability::jacobian`], [`stability::find_locked_state`], [`stability::spectrum`] (nalgebra) |
//! | STDP and structural plasticity, bistability | [`plasticity::PlasticNetwork`], [`plasticity::simulate_plastic_network`], [`plasticity::coupling_hysteresis`] |
//!
//! Every random computation takes a [`Seed`] and draws from `seed.stream("dynamics/…", path)`
//! per fixed work item, so results are bit-identical for any thread count. Parameter structs
//! are raw until [`ParamGuard::check`] turns them into the checked type that the entry points
//! take; bad parameters are [`DynamicsError::Param`] errors naming the field and the fix. What a
//! user of this crate needs from dgnn-core is re-exported here.

pub mod ensemble;
pub mod error;
pub mod kuramoto;
pub mod landscape;
pub mod network;
pub mod ode;
pub mod plasticity;
pub mod potential;
mod quadrature;
pub mod sde;
pub mod simd;
pub mod stability;

pub use dgnn_core::{
    NoProgress, ParamError, ParamGuard, Progress, RunningMoments, Seed, Valid, Validate,
};
pub use error::{DynamicsError, Result};
pub use potential::{FourierPotential, Hkb, Potential, TiltedHkb, UserPotential};
