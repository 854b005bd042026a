//! The `dgnn simulate` config: every field, its meaning and default.

use dgnn_core::ParamError;
use dgnn_dynamics::ensemble::PhaseStart;
use dgnn_dynamics::network::PairCoupling;
use dgnn_dynamics::plasticity::{StdpRule, StructuralRule};
use dgnn_dynamics::sde::Scheme;
use dgnn_dynamics::simd::Precision;
use dgnn_dynamics::{FourierPotential, Potential, TiltedHkb};
use serde::{Deserialize, Serialize};

fn default_seed() -> u64 {
    12345
}
fn default_scheme() -> Scheme {
    Scheme::EulerMaruyama
}
fn default_bins() -> usize {
    64
}
fn default_record_every() -> usize {
    10
}
fn default_passage_trajectories() -> usize {
    4000
}
fn default_max_steps() -> usize {
    200_000
}
fn default_average_share() -> f64 {
    0.25
}

/// Writes a given optional number as the number itself (`half_width: 0.5`, never
/// `Some(0.5)`), so every result file echoes the config as it is written; absent ones are
/// skipped by `skip_serializing_if`.
fn given_value<S: serde::Serializer>(
    value: &Option<f64>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => serializer.serialize_f64(*v),
        None => serializer.serialize_none(),
    }
}

/// A `dgnn simulate` config.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The master seed of every random stream (default 12345).
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// What to simulate.
    pub model: Model,
}

/// The kinds of simulation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Model {
    /// One stored trajectory of a phase SDE.
    Single(SingleConfig),
    /// Many trajectories summarised by a histogram (and optional first passages).
    Ensemble(EnsembleConfig),
    /// A network of phase oscillators, optionally plastic.
    Network(NetworkConfig),
    /// Kuramoto r(K) for Lorentzian or Gaussian frequencies (mean field, RK4).
    KuramotoSweep(SweepConfig),
    /// Attractor counts of the tilted HKB landscape over (b/a, δω/a).
    AttractorMap(MapConfig),
    /// A plastic network swept up and down in the coupling (bistability, hysteresis).
    PlasticHysteresis(HysteresisConfig),
}

/// A landscape `U(φ)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum PotentialConfig {
    /// HKB `−a cos φ − b cos 2φ`.
    Hkb {
        /// First harmonic.
        a: f64,
        /// Second harmonic.
        b: f64,
    },
    /// Extended HKB `−δω φ − a cos φ − b cos 2φ`.
    Tilted {
        /// First harmonic.
        a: f64,
        /// Second harmonic.
        b: f64,
        /// Detuning δω.
        detuning: f64,
    },
    /// `−tilt·φ + Σ_k (cos[k−1] cos kφ + sin[k−1] sin kφ)`.
    Fourier {
        /// Cosine coefficients c₁, c₂, ….
        cos: Vec<f64>,
        /// Sine coefficients s₁, s₂, ….
        sin: Vec<f64>,
        /// The tilt δω.
        tilt: f64,
    },
}

impl PotentialConfig {
    pub(super) fn build(&self) -> Result<Box<dyn Potential>, ParamError> {
        let within = |e: ParamError| e.within("potential");
        let built: Box<dyn Potential> = match self {
            Self::Hkb { a, b } => Box::new(TiltedHkb::new(*a, *b, 0.0).map_err(within)?),
            Self::Tilted { a, b, detuning } => {
                Box::new(TiltedHkb::new(*a, *b, *detuning).map_err(within)?)
            }
            Self::Fourier { cos, sin, tilt } => {
                Box::new(FourierPotential::new(cos.clone(), sin.clone(), *tilt).map_err(within)?)
            }
        };
        self.check_range(built.as_ref())?;
        Ok(built)
    }

    /// Refuses a landscape whose height over one period is not a finite number (issue 14:
    /// `Hkb(a: 1e308)` spans 2e308, beyond f64): nothing could be drawn or integrated from it.
    fn check_range(&self, potential: &dyn Potential) -> Result<(), ParamError> {
        const SAMPLES: usize = 1024;
        let (mut low, mut high) = (f64::INFINITY, f64::NEG_INFINITY);
        for k in 0..=SAMPLES {
            let phi = -std::f64::consts::PI + std::f64::consts::TAU * k as f64 / SAMPLES as f64;
            let u = potential.value(phi);
            low = low.min(u);
            high = high.max(u);
            if !u.is_finite() {
                high = f64::INFINITY;
                break;
            }
        }
        if (high - low).is_finite() {
            return Ok(());
        }
        Err(ParamError::new(
            "potential",
            format!("{self:?}"),
            "spans more than the floating-point range over one period (its height max U − min U \
             is not a finite number): scale the coefficients down (below about 1e300)",
        ))
    }
}

/// One trajectory (`Single`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SingleConfig {
    /// The landscape.
    pub potential: PotentialConfig,
    /// Noise intensity Q ≥ 0.
    pub q: f64,
    /// Step > 0.
    pub dt: f64,
    /// Number of steps ≥ 1.
    pub steps: usize,
    /// The scheme (default EulerMaruyama).
    #[serde(default = "default_scheme")]
    pub scheme: Scheme,
    /// The start φ0.
    pub initial_phase: f64,
    /// Store every this many steps (default 10).
    #[serde(default = "default_record_every")]
    pub record_every: usize,
}

/// First passages out of `(lower, upper)` from `start`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PassageConfig {
    /// The start (strictly between the levels).
    pub start: f64,
    /// Lower absorbing level on the lift.
    pub lower: f64,
    /// Upper absorbing level on the lift.
    pub upper: f64,
    /// Number of escape trajectories (default 4000).
    #[serde(default = "default_passage_trajectories")]
    pub trajectories: usize,
    /// Maximum steps per trajectory (default 200000).
    #[serde(default = "default_max_steps")]
    pub max_steps: usize,
}

/// An ensemble (`Ensemble`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnsembleConfig {
    /// The landscape.
    pub potential: PotentialConfig,
    /// Noise intensity Q ≥ 0.
    pub q: f64,
    /// Step > 0.
    pub dt: f64,
    /// Steps per trajectory ≥ 1.
    pub steps: usize,
    /// Number of trajectories ≥ 1.
    pub trajectories: usize,
    /// The scheme (default EulerMaruyama).
    #[serde(default = "default_scheme")]
    pub scheme: Scheme,
    /// Histogram bins on [−π, π) (default 64).
    #[serde(default = "default_bins")]
    pub bins: usize,
    /// The start: `Uniform` on `[−π, π)` or `Fixed(φ0)` (default Uniform).
    #[serde(default)]
    pub initial: PhaseStart,
    /// Precision of the SIMD path, which `dgnn_dynamics::ensemble::run_phase_ensemble` takes for
    /// (tilted) HKB with Euler–Maruyama and a uniform start (default F64).
    #[serde(default)]
    pub precision: Precision,
    /// Optional first-passage measurement.
    #[serde(default)]
    pub first_passage: Option<PassageConfig>,
}

/// Natural frequencies of a network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum FrequencyConfig {
    /// Deterministic Lorentzian quantiles `center + Δ tan(π((i + ½)/N − ½))`.
    Lorentzian {
        /// Centre frequency.
        center: f64,
        /// Half-width Δ ≥ 0.
        half_width: f64,
        /// Number of units N ≥ 1.
        count: usize,
    },
    /// Deterministic Gaussian quantiles `center + σ Φ⁻¹((i + ½)/N)`.
    Gaussian {
        /// Centre frequency.
        center: f64,
        /// Standard deviation σ > 0.
        sigma: f64,
        /// Number of units N ≥ 1.
        count: usize,
    },
    /// Explicit frequencies, one per unit.
    Values(Vec<f64>),
}

/// Fixed coupling of a network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum CouplingConfig {
    /// All-to-all `K/N`.
    MeanField {
        /// K.
        strength: f64,
    },
    /// Row-major N×N `W_ij`.
    Matrix(Vec<f64>),
}

/// Plasticity of a network.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlasticityConfig {
    /// Global coupling K.
    pub strength: f64,
    /// The weight of every link at the start, in [0, stdp.max_weight].
    pub initial_weight: f64,
    /// The STDP rule (none: weights fixed).
    #[serde(default)]
    pub stdp: Option<StdpRule>,
    /// The structural rule (none: links fixed).
    #[serde(default)]
    pub structural: Option<StructuralRule>,
}

/// Where network phases start.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub enum NetworkStart {
    /// Uniform on `[0, 2π)`.
    #[default]
    Uniform,
    /// Explicit phases.
    Fixed(Vec<f64>),
}

/// A network (`Network`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkConfig {
    /// Natural frequencies.
    pub frequencies: FrequencyConfig,
    /// Fixed coupling (ignored when `plasticity` is given).
    pub coupling: CouplingConfig,
    /// The pair function `a sin Δ + 2b sin 2Δ`.
    pub pair: PairCoupling,
    /// Phase diffusion D ≥ 0.
    pub noise: f64,
    /// Step > 0.
    pub dt: f64,
    /// Steps ≥ 1.
    pub steps: usize,
    /// Record every this many steps (default 10).
    #[serde(default = "default_record_every")]
    pub record_every: usize,
    /// SDE scheme when noisy (default EulerMaruyama; RK4 without noise).
    #[serde(default = "default_scheme")]
    pub scheme: Scheme,
    /// The start (default Uniform).
    #[serde(default)]
    pub initial: NetworkStart,
    /// Optional plasticity.
    #[serde(default)]
    pub plasticity: Option<PlasticityConfig>,
}

/// A Kuramoto sweep (`KuramotoSweep`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepConfig {
    /// N ≥ 1.
    pub oscillators: usize,
    /// Lorentzian frequencies of half-width Δ > 0 (K_c = 2Δ); give this or `sigma`.
    #[serde(default, skip_serializing_if = "Option::is_none", serialize_with = "given_value")]
    pub half_width: Option<f64>,
    /// Gaussian frequencies of standard deviation σ > 0 (K_c = sqrt(8/π)σ); give this or
    /// `half_width`.
    #[serde(default, skip_serializing_if = "Option::is_none", serialize_with = "given_value")]
    pub sigma: Option<f64>,
    /// Smallest K.
    pub k_min: f64,
    /// Largest K.
    pub k_max: f64,
    /// Number of K values ≥ 1.
    pub k_count: usize,
    /// RK4 step > 0.
    pub dt: f64,
    /// Steps ≥ 1.
    pub steps: usize,
    /// Steps averaged at the end.
    pub average: usize,
}

/// An attractor map (`AttractorMap`), a = 1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MapConfig {
    /// Smallest b/a.
    pub b_min: f64,
    /// Largest b/a.
    pub b_max: f64,
    /// Number of b values ≥ 1.
    pub b_count: usize,
    /// Smallest δω/a.
    pub detuning_min: f64,
    /// Largest δω/a.
    pub detuning_max: f64,
    /// Number of δω values ≥ 1.
    pub detuning_count: usize,
}

/// A plastic network's coupling hysteresis sweep (`PlasticHysteresis`): the upward branch starts
/// desynchronised (uniform phases, every link at `desynchronised_weight`), the downward branch
/// synchronised (equal phases, links at `synchronised_weight`), and each hands its phases,
/// weights and links from one coupling to the next.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HysteresisConfig {
    /// Natural frequencies.
    pub frequencies: FrequencyConfig,
    /// The pair function `a sin Δ + 2b sin 2Δ`.
    pub pair: PairCoupling,
    /// Phase diffusion D ≥ 0.
    pub noise: f64,
    /// The STDP rule.
    pub stdp: StdpRule,
    /// The structural rule (none: links fixed).
    #[serde(default)]
    pub structural: Option<StructuralRule>,
    /// The couplings K in increasing order (the downward branch visits them in reverse).
    pub couplings: Vec<f64>,
    /// Step > 0.
    pub dt: f64,
    /// Steps spent at each coupling ≥ 1.
    pub stay_steps: usize,
    /// Record r every this many steps (default 10).
    #[serde(default = "default_record_every")]
    pub record_every: usize,
    /// SDE scheme when noisy (default EulerMaruyama; RK4 without noise).
    #[serde(default = "default_scheme")]
    pub scheme: Scheme,
    /// r of a stay is averaged over its last `average_share` of recordings, in (0, 1]
    /// (default 0.25).
    #[serde(default = "default_average_share")]
    pub average_share: f64,
    /// The weight of every link at the desynchronised start, in [0, stdp.max_weight].
    pub desynchronised_weight: f64,
    /// The weight of every link at the synchronised start, in [0, stdp.max_weight].
    pub synchronised_weight: f64,
}
