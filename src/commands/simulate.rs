//! `dgnn simulate [CONFIG.ron] [--out DIR]`: integrate a single phase SDE, an ensemble, an
//! oscillator network (optionally plastic), a Kuramoto sweep or an attractor map, from a
//! documented RON config, and write a result folder: `result.json`/`result.ron` (the envelope:
//! command, version, seed, checked config, figures), `config.ron` (to re-run), CSV tables and
//! SVG+PNG plots. `dgnn simulate --example NAME` prints a commented example config; with no
//! config the bundled `hkb` example runs.
//!
//! The config format (every field, its meaning and default) is documented on [`Config`] and the
//! types it contains, and shown by the examples. RON is read with the `implicit_some` and
//! `unwrap_variant_newtypes` extensions, so `first_passage: (lower: -1.0, upper: 1.0)` and
//! `model: Ensemble(potential: …)` need no extra `Some(…)` or parentheses.

use crate::output::{RunFolder, TerminalProgress, VERSION};
use anyhow::{Context, bail};
use dgnn_core::error::{at_least, finite, in_range, non_negative, positive};
use dgnn_core::{Envelope, ParamError, Progress, Seed};
use dgnn_dynamics::ensemble::{
    Displacement, EnsembleParams, FinalHistogram, FirstPassage, Histogram, InitialState,
    RunningMoments, run_ensemble,
};
use dgnn_dynamics::fast::{
    HkbEnsembleParams, KuramotoParams, Precision, hkb_ensemble_snapshots, kuramoto_mean_field,
};
use dgnn_dynamics::landscape::{
    self, AttractorCount, Basin, Boundary, FixedPoint, KramersEscape, attractor_map, basins,
    fixed_points, kramers_rates, mean_first_passage_time, stationary_density,
};
use dgnn_dynamics::network::{
    Coupling, NetworkRunParams, PairCoupling, PhaseNetwork, evenly_spaced, lorentzian_quantiles,
    simulate_network, uniform_phases,
};
use dgnn_dynamics::plasticity::{
    PlasticNetwork, StdpRule, StructuralRule, simulate_plastic_network,
};
use dgnn_dynamics::sde::{Integrator, PhaseSde, Scheme, simulate_path};
use dgnn_dynamics::stability::{LinearStability, LockParams, find_locked_state};
use dgnn_dynamics::{FourierPotential, Potential, TiltedHkb};
use dgnn_plot::{Cell, Plot};
use serde::{Deserialize, Serialize};
use std::f64::consts::{PI, TAU};
use std::path::PathBuf;

/// Arguments of `dgnn simulate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The RON config to run (default: the bundled `hkb` example).
    pub config: Option<PathBuf>,
    /// The result folder (default: the first free `runs/simulate-N`).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Print the commented example config NAME and exit (hkb, extended-hkb, kuramoto, network,
    /// single, attractor-map).
    #[arg(long, value_name = "NAME", conflicts_with = "config")]
    pub example: Option<String>,
}

/// The names and texts of the bundled example configs.
pub const EXAMPLES: &[(&str, &str)] = &[
    ("hkb", HKB_EXAMPLE),
    ("extended-hkb", EXTENDED_HKB_EXAMPLE),
    ("kuramoto", KURAMOTO_EXAMPLE),
    ("network", NETWORK_EXAMPLE),
    ("single", SINGLE_EXAMPLE),
    ("attractor-map", ATTRACTOR_MAP_EXAMPLE),
];

const HKB_EXAMPLE: &str = r"// dgnn simulate: an ensemble of the stochastic HKB relative phase
//   dφ = −V′(φ) dt + sqrt(Q) dW,  V(φ) = −a cos φ − b cos 2φ   (Schöner, Haken & Kelso 1986)
// whose final phases are histogrammed and compared with the exact density p ∝ exp(−2V/Q).
(
    seed: 12345,                 // master seed of every random stream (default 12345)
    model: Ensemble(
        potential: Hkb(a: 1.0, b: 0.5),  // b/a = 0.5 > 1/4: in-phase and anti-phase both stable
        q: 0.5,                  // noise intensity Q ≥ 0
        dt: 0.01,                // Euler–Maruyama step > 0
        steps: 10000,            // steps per trajectory ≥ 1 (t = 100)
        trajectories: 20000,     // ≥ 1
        scheme: EulerMaruyama,   // EulerMaruyama | Milstein | Heun | Sra1 (default EulerMaruyama)
        bins: 64,                // histogram bins on [−π, π) (default 64)
        initial: Uniform,        // Uniform on [−π, π), or Fixed(φ0) (default Uniform)
        precision: F64,          // F64 | F32, for the SIMD fast path (default F64)
    ),
)
";

const EXTENDED_HKB_EXAMPLE: &str = r"// dgnn simulate: the extended HKB with detuning δω (Kelso, DelColle & Schöner 1990)
//   dφ = (δω − a sin φ − 2b sin 2φ) dt + sqrt(Q) dW
// The tilted landscape U = −δω φ − a cos φ − b cos 2φ has an exact stationary density on the
// circle (flux formula) and a mean drift frequency 2πJ; both are compared with the ensemble.
// The first-passage block measures escape times from φ0 with the Brownian-bridge correction
// and compares them with the exact quadrature.
(
    seed: 7,
    model: Ensemble(
        potential: Tilted(a: 1.0, b: 0.5, detuning: 0.8),
        q: 0.5,
        dt: 0.01,
        steps: 10000,
        trajectories: 10000,
        bins: 64,
        first_passage: (
            start: 0.3,          // start of every escape trajectory (inside (lower, upper))
            lower: -2.0,         // absorbing levels on the lift (unwrapped phase)
            upper: 2.0,
            trajectories: 4000,  // (default 4000)
            max_steps: 200000,   // give up after this many steps (default 200000)
        ),
    ),
)
";

const KURAMOTO_EXAMPLE: &str = r"// dgnn simulate: the Kuramoto order parameter r(K) for Lorentzian natural frequencies,
//   dθ_i/dt = ω_i + K r sin(ψ − θ_i),  r e^{iψ} = ⟨e^{iθ}⟩,
// against Ott & Antonsen's r = sqrt(1 − 2Δ/K) above K_c = 2Δ (BENCHMARKS.md W3).
(
    seed: 12345,
    model: KuramotoSweep(
        oscillators: 2000,       // N ≥ 1; ω_i = Δ tan(π((i + ½)/N − ½)) (Lorentzian quantiles)
        half_width: 0.5,         // Δ > 0, so K_c = 1
        k_min: 0.0,
        k_max: 3.0,
        k_count: 13,             // couplings evenly spaced in [k_min, k_max], ≥ 1
        dt: 0.05,                // RK4 step > 0
        steps: 2000,             // ≥ 1
        average: 500,            // r is averaged over the last `average` steps (1 ≤ average ≤ steps)
    ),
)
";

const NETWORK_EXAMPLE: &str = r"// dgnn simulate: a noisy network of HKB-coupled phase oscillators with plastic weights
//   dθ_i = [ω_i + (K/N) Σ_j A_ij κ_ij (a sin(θ_j − θ_i) + 2b sin 2(θ_j − θ_i))] dt + sqrt(2D) dW_i
// with phase-difference STDP on κ and structural plasticity on A (after Chauhan et al. 2022).
// Without `plasticity`, `coupling` gives the fixed coupling (MeanField(strength) or Matrix([..])).
(
    seed: 3,
    model: Network(
        frequencies: Lorentzian(center: 0.0, half_width: 0.1, count: 60),  // or Values([..])
        coupling: MeanField(strength: 1.0),   // used when plasticity is absent
        pair: (a: 1.0, b: 0.25),              // H(Δ) = a sin Δ + 2b sin 2Δ (Kuramoto: a 1, b 0)
        noise: 0.01,                          // phase diffusion D ≥ 0
        dt: 0.05,
        steps: 4000,
        record_every: 20,                     // record r, ψ every this many steps (default 10)
        scheme: Heun,                         // SDE scheme when noise > 0 (RK4 without noise)
        initial: Uniform,                     // Uniform on [0, 2π) or Fixed([..])
        plasticity: (
            strength: 1.0,                    // K
            initial_weight: 0.5,              // κ of every link i ≠ j at the start
            stdp: (rate: 0.02, potentiation: 1.0, depression: 0.5,
                   potentiation_width_rad: 1.0, depression_width_rad: 3.0, max_weight: 1.0),
            structural: (interval: 20.0, prune_below: 0.1, remove_probability: 0.5,
                         add_probability: 0.02, new_weight: 0.2),
        ),
    ),
)
";

const SINGLE_EXAMPLE: &str = r"// dgnn simulate: one trajectory of the HKB phase SDE, stored every `record_every` steps.
(
    seed: 1,
    model: Single(
        potential: Fourier(cos: [-1.0, -1.0], sin: [], tilt: 0.0),  // = Hkb(a: 1, b: 1)
        q: 0.3,
        dt: 0.01,
        steps: 20000,
        scheme: Sra1,            // order 1.5 for this additive noise
        initial_phase: 3.0,
        record_every: 10,        // (default 10)
    ),
)
";

const ATTRACTOR_MAP_EXAMPLE: &str = r"// dgnn simulate: the number of attractors of U = −δω φ − a cos φ − b cos 2φ over (b/a, δω/a)
// (a = 1): two attractors above b/a = 1/4 without detuning, none when the tilt wins.
(
    seed: 1,
    model: AttractorMap(
        b_min: 0.0, b_max: 1.0, b_count: 101,
        detuning_min: 0.0, detuning_max: 2.0, detuning_count: 101,
    ),
)
";

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
    /// Kuramoto r(K) for Lorentzian frequencies (mean field, RK4).
    KuramotoSweep(SweepConfig),
    /// Attractor counts of the tilted HKB landscape over (b/a, δω/a).
    AttractorMap(MapConfig),
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
    fn build(&self) -> Result<Box<dyn Potential>, ParamError> {
        let within = |e: ParamError| e.within("potential");
        Ok(match self {
            Self::Hkb { a, b } => Box::new(TiltedHkb::new(*a, *b, 0.0).map_err(within)?),
            Self::Tilted { a, b, detuning } => {
                Box::new(TiltedHkb::new(*a, *b, *detuning).map_err(within)?)
            }
            Self::Fourier { cos, sin, tilt } => {
                Box::new(FourierPotential::new(cos.clone(), sin.clone(), *tilt).map_err(within)?)
            }
        })
    }

    /// `(a, b, δω)` when the landscape is (tilted) HKB, for the SIMD fast path.
    fn hkb(&self) -> Option<(f64, f64, f64)> {
        match *self {
            Self::Hkb { a, b } => Some((a, b, 0.0)),
            Self::Tilted { a, b, detuning } => Some((a, b, detuning)),
            Self::Fourier { .. } => None,
        }
    }
}

/// Where trajectories start.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub enum StartConfig {
    /// Uniform on `[−π, π)`.
    #[default]
    Uniform,
    /// Every trajectory at this phase.
    Fixed(f64),
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
    /// The start (default Uniform).
    #[serde(default)]
    pub initial: StartConfig,
    /// Precision of the SIMD fast path, used for (tilted) HKB with Euler–Maruyama and a
    /// uniform start (default F64).
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
    /// Lorentzian half-width Δ > 0.
    pub half_width: f64,
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

/// Reads a config from RON text (`implicit_some` and `unwrap_variant_newtypes` enabled).
pub fn parse_config(text: &str) -> anyhow::Result<Config> {
    crate::config::parse_ron(text)
}

/// Writes a config as RON that [`parse_config`] reads back (same extensions).
pub fn config_to_ron(config: &Config) -> anyhow::Result<String> {
    crate::config::to_ron(config)
}

/// Runs `dgnn simulate`.
pub fn run(args: Args) -> anyhow::Result<()> {
    if let Some(name) = &args.example {
        let text =
            EXAMPLES.iter().find(|(n, _)| n == name).map(|(_, t)| *t).with_context(|| {
                let names: Vec<&str> = EXAMPLES.iter().map(|(n, _)| *n).collect();
                format!("unknown example `{name}`: choose one of {}", names.join(", "))
            })?;
        print!("{text}");
        return Ok(());
    }
    let (config, source) = match &args.config {
        Some(path) => (crate::config::read_ron_file(path)?, path.display().to_string()),
        None => (
            parse_config(HKB_EXAMPLE).context("the bundled hkb example")?,
            "the bundled hkb example".into(),
        ),
    };
    // Check everything before creating the folder, so bad input leaves nothing behind.
    check(&config).with_context(|| format!("checking {source}"))?;
    let folder = RunFolder::create_or_default(args.out.as_deref(), "simulate")?;
    crate::config::write_ron_file(&folder.file("config.ron"), &config)?;
    let progress = TerminalProgress::new();
    let seed = Seed(config.seed);
    let summary = match &config.model {
        Model::Single(c) => single(c, seed, &folder, &config)?,
        Model::Ensemble(c) => ensemble(c, seed, &folder, &config, &progress)?,
        Model::Network(c) => network(c, seed, &folder, &config, &progress)?,
        Model::KuramotoSweep(c) => sweep(c, &folder, &config, &progress)?,
        Model::AttractorMap(c) => map(c, &folder, &config)?,
    };
    println!("{summary}");
    println!("results in {}", folder.path().display());
    Ok(())
}

/// Checks a config fully (the same checks the runs make, before any work).
pub fn check(config: &Config) -> anyhow::Result<()> {
    match &config.model {
        Model::Single(c) => {
            let potential = c.potential.build().map_err(|e| e.within("single"))?;
            let sde = PhaseSde::new(potential, c.q).map_err(|e| e.within("single"))?;
            positive("single.dt", c.dt)?;
            at_least("single.steps", c.steps, 1)?;
            at_least("single.record_every", c.record_every, 1)?;
            finite("single.initial_phase", c.initial_phase)?;
            dgnn_dynamics::sde::check_scheme(&sde, &c.scheme)?;
        }
        Model::Ensemble(c) => {
            let potential = c.potential.build().map_err(|e| e.within("ensemble"))?;
            let sde = PhaseSde::new(potential, c.q).map_err(|e| e.within("ensemble"))?;
            EnsembleParams { trajectories: c.trajectories, steps: c.steps, dt: c.dt }
                .check()
                .map_err(|e| e.within("ensemble"))?;
            at_least("ensemble.bins", c.bins, 1)?;
            if let StartConfig::Fixed(x) = c.initial {
                finite("ensemble.initial", x)?;
            }
            dgnn_dynamics::sde::check_scheme(&sde, &c.scheme)?;
            if let Some(p) = &c.first_passage {
                for (field, v) in [("start", p.start), ("lower", p.lower), ("upper", p.upper)] {
                    finite(&format!("ensemble.first_passage.{field}"), v)?;
                }
                if !(p.lower < p.start && p.start < p.upper) {
                    return Err(ParamError::new(
                        "ensemble.first_passage.start",
                        p.start,
                        format!(
                            "must lie strictly between lower = {} and upper = {}",
                            p.lower, p.upper
                        ),
                    )
                    .into());
                }
                if c.q <= 0.0 {
                    return Err(ParamError::new(
                        "ensemble.q",
                        c.q,
                        "must be > 0 for first passages",
                    )
                    .into());
                }
                at_least("ensemble.first_passage.trajectories", p.trajectories, 1)?;
                at_least("ensemble.first_passage.max_steps", p.max_steps, 1)?;
            }
        }
        Model::Network(c) => {
            build_network(c)?;
        }
        Model::KuramotoSweep(c) => {
            sweep_params(c, Seed(config.seed))?;
        }
        Model::AttractorMap(c) => {
            map_axes(c)?;
        }
    }
    Ok(())
}

/// The figures of one run, as written to `result.json`.
#[derive(Debug, Serialize)]
#[serde(untagged)]
enum Figures {
    Single(SingleFigures),
    Ensemble(Box<EnsembleFigures>),
    Network(NetworkFigures),
    Sweep(SweepFigures),
    Map(MapFigures),
}

#[derive(Debug, Serialize)]
struct Landscape {
    fixed_points: Vec<FixedPoint>,
    attractors: usize,
    basins: Vec<Basin>,
}

fn landscape_of(p: &dyn Potential) -> Landscape {
    let fps = fixed_points(&p);
    let attractors = fps.iter().filter(|f| f.stability == landscape::Stability::Stable).count();
    Landscape { fixed_points: fps, attractors, basins: basins(&p) }
}

fn landscape_plot(p: &dyn Potential, land: &Landscape) -> Plot {
    let curve: Vec<(f64, f64)> =
        (0..=400).map(|k| -PI + TAU * f64::from(k) / 400.0).map(|x| (x, p.value(x))).collect();
    let stable: Vec<(f64, f64)> = land
        .fixed_points
        .iter()
        .filter(|f| f.stability == landscape::Stability::Stable)
        .map(|f| (f.phase_rad, p.value(f.phase_rad)))
        .collect();
    let unstable: Vec<(f64, f64)> = land
        .fixed_points
        .iter()
        .filter(|f| f.stability != landscape::Stability::Stable)
        .map(|f| (f.phase_rad, p.value(f.phase_rad)))
        .collect();
    let mut plot =
        Plot::new("energy landscape U(φ)").x_label("φ (rad)").y_label("U(φ)").line("U(φ)", curve);
    if !stable.is_empty() {
        plot = plot.points("attractors", stable);
    }
    if !unstable.is_empty() {
        plot = plot.points("repellers", unstable);
    }
    plot
}

#[derive(Debug, Serialize)]
struct SingleFigures {
    landscape: Landscape,
    final_phase_rad: f64,
    mean_frequency_simulated: f64,
}

#[derive(Debug, Serialize)]
struct PathRow {
    t: f64,
    phi_rad: f64,
}

fn single(
    c: &SingleConfig,
    seed: Seed,
    folder: &RunFolder,
    config: &Config,
) -> anyhow::Result<String> {
    let potential = c.potential.build()?;
    let sde = PhaseSde::new(potential, c.q)?;
    let mut rng = seed.stream("dynamics/single", &[0]);
    let path = simulate_path(
        &sde,
        &c.scheme,
        &[c.initial_phase],
        c.dt,
        c.steps,
        c.record_every,
        &mut rng,
    )?;
    let rows: Vec<PathRow> =
        path.times.iter().zip(&path.states).map(|(&t, s)| PathRow { t, phi_rad: s[0] }).collect();
    folder.write_csv("path.csv", &rows)?;
    let land = landscape_of(sde.potential().as_ref());
    folder.write_plot("landscape", &landscape_plot(sde.potential().as_ref(), &land))?;
    folder.write_plot(
        "path",
        &Plot::new("φ(t)")
            .x_label("t")
            .y_label("φ (rad, unwrapped)")
            .line("φ", rows.iter().map(|r| (r.t, r.phi_rad)).collect()),
    )?;
    let last = rows.last().map_or(c.initial_phase, |r| r.phi_rad);
    let total_time = c.dt * c.steps as f64;
    let figures = SingleFigures {
        final_phase_rad: last,
        mean_frequency_simulated: (last - c.initial_phase) / total_time,
        landscape: land,
    };
    let summary = format!(
        "single trajectory: {} steps with {}, {} attractor(s); φ(T) = {:.4}, mean frequency {:.4}",
        c.steps,
        c.scheme.name(),
        figures.landscape.attractors,
        figures.final_phase_rad,
        figures.mean_frequency_simulated
    );
    folder.write_envelope(&Envelope::new(
        "simulate",
        VERSION,
        Some(seed),
        config,
        Figures::Single(figures),
    ))?;
    Ok(summary)
}

#[derive(Debug, Serialize)]
struct EnsembleFigures {
    /// Which integrator implementation ran ("SIMD fast path" or "general path").
    path: &'static str,
    landscape: Landscape,
    trajectories: usize,
    total_time: f64,
    l1_hist_vs_exact: Option<f64>,
    l1_expected_sampling_floor: Option<f64>,
    l1_expected_sampling_spread: Option<f64>,
    /// ⟨φ(T) − φ(T/2)⟩/(T/2): the mean frequency after the transient.
    mean_frequency_simulated: f64,
    mean_frequency_standard_error: f64,
    mean_frequency_exact: Option<f64>,
    kramers_rates: Vec<KramersEscape>,
    first_passage: Option<PassageFigures>,
}

#[derive(Debug, Serialize)]
struct PassageFigures {
    mean_time_bridge_corrected: f64,
    standard_error: f64,
    mean_time_discrete_monitoring: f64,
    mean_time_exact: f64,
    survived_fraction: f64,
}

#[derive(Debug, Serialize)]
struct DensityRow {
    phi_rad: f64,
    simulated: f64,
    exact: Option<f64>,
}

fn ensemble(
    c: &EnsembleConfig,
    seed: Seed,
    folder: &RunFolder,
    config: &Config,
    progress: &dyn Progress,
) -> anyhow::Result<String> {
    let potential = c.potential.build()?;
    let sde = PhaseSde::new(potential, c.q)?;
    let total_time = c.dt * c.steps as f64;
    // The mean frequency is measured over the second half, after the transient from the start.
    let half = c.steps / 2;
    let span = (c.steps - half) as f64 * c.dt;
    let fast = matches!(c.scheme, Scheme::EulerMaruyama) && c.initial == StartConfig::Uniform;
    let (hist, drift, path) = match (fast, c.potential.hkb()) {
        (true, Some((a, b, detuning))) => {
            let params = HkbEnsembleParams {
                a,
                b,
                detuning,
                q: c.q,
                dt: c.dt,
                trajectories: c.trajectories,
                steps: c.steps,
            };
            let snaps: Vec<usize> = if half > 0 { vec![half, c.steps] } else { vec![c.steps] };
            let phases = hkb_ensemble_snapshots(&params, c.precision, seed, &snaps, progress)?;
            let last = phases.last().context("no snapshot")?;
            let mut hist = Histogram::new(-PI, PI, c.bins);
            let mut drift = RunningMoments::default();
            for (k, &p) in last.iter().enumerate() {
                hist.add(p, true);
                // With half = 0 (one step) the uniform start has mean 0: use the final phase.
                drift.push(if half > 0 { p - phases[0][k] } else { p });
            }
            (hist, drift, "SIMD fast path")
        }
        _ => {
            let spec = EnsembleParams { trajectories: c.trajectories, steps: c.steps, dt: c.dt }
                .check()?;
            let initial = match c.initial {
                StartConfig::Uniform => InitialState::Uniform { low: vec![-PI], high: vec![PI] },
                StartConfig::Fixed(x) => InitialState::Fixed(vec![x]),
            };
            let observer =
                (FinalHistogram::phase(0, c.bins)?, Displacement { component: 0, from_step: half });
            let (hist, drift) =
                run_ensemble(&sde, &c.scheme, &spec, &initial, &observer, seed, progress)?;
            (hist, drift, "general path")
        }
    };
    let land = landscape_of(sde.potential().as_ref());
    let exact = if c.q > 0.0 {
        let sub = 256;
        Some(stationary_density(sde.potential(), c.q, c.bins * sub)?)
    } else {
        None
    };
    let exact_bins = exact.as_ref().map(|d| d.bin_averages(c.bins)).transpose()?;
    let simulated = hist.density();
    let rows: Vec<DensityRow> = hist
        .centres()
        .iter()
        .enumerate()
        .map(|(k, &x)| DensityRow {
            phi_rad: x,
            simulated: simulated[k],
            exact: exact_bins.as_ref().map(|e| e[k]),
        })
        .collect();
    folder.write_csv("density.csv", &rows)?;
    let width = TAU / c.bins as f64;
    let mut plot = Plot::new(format!(
        "stationary density, {} trajectories at t = {total_time}",
        c.trajectories
    ))
    .x_label("φ (rad)")
    .y_label("p(φ)")
    .bars(
        "simulated",
        hist.centres().into_iter().zip(simulated.iter().copied()).collect(),
        width * 0.9,
    );
    if let Some(d) = &exact {
        let stride = (d.phases_rad.len() / 512).max(1);
        let line =
            d.phases_rad.iter().zip(&d.density).step_by(stride).map(|(&x, &p)| (x, p)).collect();
        plot = plot.line("exact (Fokker–Planck)", line);
    }
    folder.write_plot("density", &plot)?;
    folder.write_plot("landscape", &landscape_plot(sde.potential().as_ref(), &land))?;
    let passage = c.first_passage.map(|p| passage(&sde, c, &p, seed, progress)).transpose()?;
    let figures = EnsembleFigures {
        path,
        trajectories: c.trajectories,
        total_time,
        l1_hist_vs_exact: exact_bins.as_ref().map(|e| hist.l1_distance(e)),
        l1_expected_sampling_floor: exact_bins.as_ref().map(|e| hist.expected_l1_floor(e)),
        l1_expected_sampling_spread: exact_bins.as_ref().map(|e| hist.expected_l1_spread(e)),
        mean_frequency_simulated: drift.mean / span,
        mean_frequency_standard_error: drift.standard_error() / span,
        mean_frequency_exact: exact.as_ref().map(|d| d.mean_frequency()),
        kramers_rates: if c.q > 0.0 {
            kramers_rates(sde.potential(), c.q).unwrap_or_default()
        } else {
            vec![]
        },
        first_passage: passage,
        landscape: land,
    };
    let mut summary = format!(
        "ensemble: {} trajectories × {} steps ({}), {} attractor(s)",
        c.trajectories, c.steps, figures.path, figures.landscape.attractors
    );
    if let (Some(l1), Some(floor), Some(spread)) = (
        figures.l1_hist_vs_exact,
        figures.l1_expected_sampling_floor,
        figures.l1_expected_sampling_spread,
    ) {
        summary += &format!(
            "\n  density: L1(histogram, exact) = {l1:.4} (a perfect sampler: {floor:.4} ± {spread:.4})"
        );
    }
    if let Some(exact) = figures.mean_frequency_exact {
        summary += &format!(
            "\n  mean frequency: {:.4} ± {:.4} simulated, {exact:.4} exact",
            figures.mean_frequency_simulated, figures.mean_frequency_standard_error
        );
    }
    if let Some(p) = &figures.first_passage {
        summary += &format!(
            "\n  first passage: {:.4} ± {:.4} (bridge-corrected), {:.4} (discrete monitoring), {:.4} exact",
            p.mean_time_bridge_corrected,
            p.standard_error,
            p.mean_time_discrete_monitoring,
            p.mean_time_exact
        );
    }
    folder.write_envelope(&Envelope::new(
        "simulate",
        VERSION,
        Some(seed),
        config,
        Figures::Ensemble(Box::new(figures)),
    ))?;
    Ok(summary)
}

fn passage(
    sde: &PhaseSde<Box<dyn Potential>>,
    c: &EnsembleConfig,
    p: &PassageConfig,
    seed: Seed,
    progress: &dyn Progress,
) -> anyhow::Result<PassageFigures> {
    let spec =
        EnsembleParams { trajectories: p.trajectories, steps: p.max_steps, dt: c.dt }.check()?;
    let initial = InitialState::Fixed(vec![p.start]);
    let run = |bridge: bool| {
        let observer = FirstPassage::new(0, Some(p.lower), Some(p.upper), c.q, bridge)?;
        anyhow::Ok(run_ensemble(sde, &c.scheme, &spec, &initial, &observer, seed, progress)?)
    };
    let corrected = run(true)?;
    let plain = run(false)?;
    let exact = mean_first_passage_time(
        sde.potential(),
        c.q,
        p.start,
        Boundary::Absorbing(p.lower),
        Boundary::Absorbing(p.upper),
        landscape::DEFAULT_MFPT_CELLS,
    )?;
    Ok(PassageFigures {
        mean_time_bridge_corrected: corrected.mean(),
        standard_error: corrected.standard_error(),
        mean_time_discrete_monitoring: plain.mean(),
        mean_time_exact: exact,
        survived_fraction: corrected.survived_fraction(),
    })
}

enum BuiltNetwork {
    Fixed(PhaseNetwork),
    Plastic(Box<PlasticNetwork>),
}

fn build_network(c: &NetworkConfig) -> anyhow::Result<(BuiltNetwork, NetworkRunParams)> {
    let within = |e: ParamError| e.within("network");
    let omega = match &c.frequencies {
        FrequencyConfig::Lorentzian { center, half_width, count } => {
            finite("network.frequencies.center", *center)?;
            non_negative("network.frequencies.half_width", *half_width)?;
            at_least("network.frequencies.count", *count, 1)?;
            lorentzian_quantiles(*count, *center, *half_width)
        }
        FrequencyConfig::Values(v) => v.clone(),
    };
    let params = NetworkRunParams {
        dt: c.dt,
        steps: c.steps,
        record_every: c.record_every,
        scheme: c.scheme,
    }
    .check()
    .map_err(within)?;
    let n = omega.len();
    let built = match &c.plasticity {
        None => {
            let coupling = match &c.coupling {
                CouplingConfig::MeanField { strength } => {
                    Coupling::MeanField { strength: *strength }
                }
                CouplingConfig::Matrix(w) => Coupling::Matrix(w.clone()),
            };
            BuiltNetwork::Fixed(
                PhaseNetwork::new(omega, coupling, c.pair, c.noise).map_err(within)?,
            )
        }
        Some(p) => {
            let max = p.stdp.map_or(f64::INFINITY, |s| s.max_weight);
            if max.is_finite() {
                in_range("network.plasticity.initial_weight", p.initial_weight, 0.0, max)?;
            } else {
                non_negative("network.plasticity.initial_weight", p.initial_weight)?;
            }
            let weights =
                (0..n * n).map(|k| if k / n == k % n { 0.0 } else { p.initial_weight }).collect();
            BuiltNetwork::Plastic(Box::new(
                PlasticNetwork::new(
                    omega,
                    p.strength,
                    c.pair,
                    c.noise,
                    weights,
                    p.stdp,
                    p.structural,
                )
                .map_err(|e| e.within("network.plasticity"))?,
            ))
        }
    };
    if let NetworkStart::Fixed(theta) = &c.initial
        && theta.len() != n
    {
        return Err(ParamError::new(
            "network.initial",
            format!("{} values", theta.len()),
            format!("must hold one phase per unit ({n})"),
        )
        .into());
    }
    Ok((built, params))
}

#[derive(Debug, Serialize)]
struct NetworkFigures {
    units: usize,
    final_r: f64,
    mean_r_second_half: f64,
    final_mean_weight: Option<f64>,
    final_link_density: Option<f64>,
    stability: StabilityFigures,
}

/// Networks up to this size get the linear stability of the locked state nearest their final
/// phases (Newton's LU and the eigenvalues cost O(N³)).
const STABILITY_MAX_UNITS: usize = 400;

/// The phase-locked state of the noise-free drift (plastic weights frozen at their final values)
/// found by Newton from the final phases, and its linear stability (`dgnn_dynamics::stability`).
#[derive(Debug, Default, Serialize)]
struct StabilityFigures {
    /// Whether Newton found a locked state.
    locked: bool,
    /// Why not (Newton's message), or why the analysis was skipped.
    reason: Option<String>,
    /// Its common frequency Ω.
    frequency: Option<f64>,
    /// `max_i |f_i(θ*) − Ω|`.
    residual: Option<f64>,
    /// `max_i |θ*_i − θ_i − c|` (wrapped; `c` the circular mean offset): how far the final
    /// phases are from the locked state, up to a common rotation.
    distance_rad: Option<f64>,
    /// The largest real part of an eigenvalue other than the rotation mode's 0.
    largest_real_part: Option<f64>,
    /// Stable, Unstable or Marginal.
    stability: Option<LinearStability>,
}

#[derive(Debug, Serialize)]
struct EigenvalueRow {
    re: f64,
    im: f64,
}

/// Finds the locked state near `final_phases`, writes `stability.csv` and the `stability` plot
/// (eigenvalues in the complex plane) when there is one.
fn final_stability(
    net: &PhaseNetwork,
    final_phases: &[f64],
    folder: &RunFolder,
) -> anyhow::Result<StabilityFigures> {
    if net.len() > STABILITY_MAX_UNITS {
        let reason = format!("skipped above {STABILITY_MAX_UNITS} units (O(N³))");
        return Ok(StabilityFigures { reason: Some(reason), ..StabilityFigures::default() });
    }
    let locked = match find_locked_state(net, final_phases, &LockParams::default()) {
        Ok(locked) => locked,
        Err(e) => {
            return Ok(StabilityFigures { reason: Some(e.to_string()), ..Default::default() });
        }
    };
    let offsets: Vec<f64> =
        locked.phases_rad.iter().zip(final_phases).map(|(a, b)| a - b).collect();
    let (_, c) = dgnn_dynamics::network::order_parameter(&offsets);
    let distance =
        offsets.iter().map(|d| dgnn_core::angle::wrap_pi(d - c).abs()).fold(0.0, f64::max);
    let rows: Vec<EigenvalueRow> =
        locked.spectrum.eigenvalues.iter().map(|z| EigenvalueRow { re: z.re, im: z.im }).collect();
    folder.write_csv("stability.csv", &rows)?;
    // The imaginary axis is in view (stability is the side of it), with room on the right for
    // the legend.
    let low = rows.iter().map(|r| r.re).fold(0.0, f64::min);
    let high = rows.iter().map(|r| r.re).fold(0.0, f64::max);
    let span = (high - low).max(1e-3);
    let height = rows.iter().map(|r| r.im.abs()).fold(0.0, f64::max).max(0.25 * span) * 1.2;
    let plot = Plot::new("eigenvalues at the locked state (rotation mode removed)")
        .x_label("Re λ")
        .y_label("Im λ")
        .x_range(low - 0.1 * span, high + 0.35 * span)
        .y_range(-height, height)
        .line("Re λ = 0", vec![(0.0, -height), (0.0, height)])
        .points("λ", rows.iter().map(|r| (r.re, r.im)).collect());
    folder.write_plot("stability", &plot)?;
    Ok(StabilityFigures {
        locked: true,
        reason: None,
        frequency: Some(locked.frequency),
        residual: Some(locked.residual),
        distance_rad: Some(distance),
        largest_real_part: locked.spectrum.largest_real_part(),
        stability: Some(locked.spectrum.stability()),
    })
}

#[derive(Debug, Serialize)]
struct OrderRow {
    t: f64,
    r: f64,
    psi_rad: f64,
    mean_weight: Option<f64>,
    link_density: Option<f64>,
}

fn network(
    c: &NetworkConfig,
    seed: Seed,
    folder: &RunFolder,
    config: &Config,
    progress: &dyn Progress,
) -> anyhow::Result<String> {
    let (built, params) = build_network(c)?;
    let n = match &built {
        BuiltNetwork::Fixed(net) => net.len(),
        BuiltNetwork::Plastic(net) => net.len(),
    };
    let theta0 = match &c.initial {
        NetworkStart::Fixed(t) => t.clone(),
        NetworkStart::Uniform => uniform_phases(seed, "dynamics/network-initial", n),
    };
    let (rows, stability): (Vec<OrderRow>, _) = match built {
        BuiltNetwork::Fixed(net) => {
            let run = simulate_network(&net, &theta0, &params, seed, progress)?;
            let stability = final_stability(&net, &run.final_phases, folder)?;
            let rows = (0..run.times.len())
                .map(|k| OrderRow {
                    t: run.times[k],
                    r: run.r[k],
                    psi_rad: run.psi[k],
                    mean_weight: None,
                    link_density: None,
                })
                .collect();
            (rows, stability)
        }
        BuiltNetwork::Plastic(mut net) => {
            let run = simulate_plastic_network(&mut net, &theta0, &params, seed, progress)?;
            let stability = final_stability(&net.phase_network(), &run.final_phases, folder)?;
            let rows = (0..run.times.len())
                .map(|k| OrderRow {
                    t: run.times[k],
                    r: run.r[k],
                    psi_rad: run.psi[k],
                    mean_weight: Some(run.mean_weight[k]),
                    link_density: Some(run.link_density[k]),
                })
                .collect();
            (rows, stability)
        }
    };
    folder.write_csv("order_parameter.csv", &rows)?;
    let mut plot = Plot::new(format!("order parameter of {n} oscillators"))
        .x_label("t")
        .y_label("r")
        .y_range(0.0, 1.05)
        .line("r(t)", rows.iter().map(|r| (r.t, r.r)).collect());
    if rows.iter().any(|r| r.mean_weight.is_some()) {
        plot = plot
            .line(
                "mean weight κ",
                rows.iter().filter_map(|r| r.mean_weight.map(|w| (r.t, w))).collect(),
            )
            .line(
                "link density",
                rows.iter().filter_map(|r| r.link_density.map(|d| (r.t, d))).collect(),
            );
    }
    folder.write_plot("order_parameter", &plot)?;
    let half = &rows[rows.len() / 2..];
    let last = rows.last().context("no recorded state")?;
    let figures = NetworkFigures {
        units: n,
        final_r: last.r,
        mean_r_second_half: half.iter().map(|r| r.r).sum::<f64>() / half.len() as f64,
        final_mean_weight: last.mean_weight,
        final_link_density: last.link_density,
        stability,
    };
    let mut summary = format!(
        "network of {n} units: r(T) = {:.4}, mean r over the second half = {:.4}",
        figures.final_r, figures.mean_r_second_half
    );
    if let (Some(w), Some(d)) = (figures.final_mean_weight, figures.final_link_density) {
        summary += &format!("; mean weight {w:.4}, link density {d:.4}");
    }
    let s = &figures.stability;
    summary += &match (s.stability, s.largest_real_part, s.distance_rad) {
        (Some(kind), Some(re), Some(d)) => format!(
            "\nlocked state of the noise-free drift {d:.3} rad from the final phases: {kind:?} \
             (largest non-neutral Re λ = {re:.4e}; stability.csv)"
        ),
        _ if s.locked => "\none unit: no relative phases to analyse".to_string(),
        _ => format!("\nnot phase-locked: {}", s.reason.as_deref().unwrap_or_default()),
    };
    folder.write_envelope(&Envelope::new(
        "simulate",
        VERSION,
        Some(seed),
        config,
        Figures::Network(figures),
    ))?;
    Ok(summary)
}

fn sweep_params(c: &SweepConfig, seed: Seed) -> anyhow::Result<KuramotoParams> {
    at_least("kuramoto.oscillators", c.oscillators, 1)?;
    positive("kuramoto.half_width", c.half_width)?;
    finite("kuramoto.k_min", c.k_min)?;
    finite("kuramoto.k_max", c.k_max)?;
    at_least("kuramoto.k_count", c.k_count, 1)?;
    let couplings = evenly_spaced(c.k_min, c.k_max, c.k_count);
    let params = KuramotoParams {
        omega: lorentzian_quantiles(c.oscillators, 0.0, c.half_width),
        theta0: uniform_phases(seed, "dynamics/kuramoto-initial", c.oscillators),
        couplings,
        dt: c.dt,
        steps: c.steps,
        average: c.average,
    };
    params.check().map_err(|e| e.within("kuramoto"))?;
    Ok(params)
}

#[derive(Debug, Serialize)]
struct SweepRow {
    k: f64,
    r: f64,
    r_theory: f64,
}

#[derive(Debug, Serialize)]
struct SweepFigures {
    k_c: f64,
    r_by_k: Vec<SweepRow>,
    max_abs_err_vs_theory_k_gt_1p2kc: Option<f64>,
    incoherent_floor: f64,
}

fn sweep(
    c: &SweepConfig,
    folder: &RunFolder,
    config: &Config,
    progress: &dyn Progress,
) -> anyhow::Result<String> {
    let params = sweep_params(c, Seed(config.seed))?;
    let points = kuramoto_mean_field(&params, progress)?;
    let k_c = 2.0 * c.half_width;
    let rows: Vec<SweepRow> = points
        .iter()
        .map(|p| SweepRow {
            k: p.k,
            r: p.r_mean,
            r_theory: if p.k > k_c { (1.0 - k_c / p.k).sqrt() } else { 0.0 },
        })
        .collect();
    folder.write_csv("r_by_k.csv", &rows)?;
    let floor = (PI / (4.0 * c.oscillators as f64)).sqrt();
    let k_hi = rows.iter().map(|r| r.k).fold(0.0, f64::max).max(k_c * 1.5);
    let theory: Vec<(f64, f64)> = (0..=300)
        .map(|i| k_c + (k_hi - k_c) * f64::from(i) / 300.0)
        .map(|k| (k, (1.0 - k_c / k).max(0.0).sqrt()))
        .collect();
    let mut plot =
        Plot::new(format!("Kuramoto r(K), N = {}, Lorentzian Δ = {}", c.oscillators, c.half_width))
            .x_label("K")
            .y_label("r")
            .line("sqrt(1 − 2Δ/K) (Ott–Antonsen)", theory)
            .line("finite-N floor sqrt(π/4N)", vec![(0.0, floor), (k_c, floor)])
            .points("simulated", rows.iter().map(|r| (r.k, r.r)).collect());
    plot = plot.y_range(0.0, 1.05);
    folder.write_plot("r_by_k", &plot)?;
    let err = rows
        .iter()
        .filter(|r| r.k > 1.2 * k_c)
        .map(|r| (r.r - r.r_theory).abs())
        .fold(None, |m: Option<f64>, e| Some(m.map_or(e, |m| m.max(e))));
    let figures = SweepFigures {
        k_c,
        r_by_k: rows,
        max_abs_err_vs_theory_k_gt_1p2kc: err,
        incoherent_floor: floor,
    };
    let summary = format!(
        "Kuramoto sweep: {} couplings, N = {}; max |r − theory| for K > 1.2 K_c = {}",
        c.k_count,
        c.oscillators,
        err.map_or("n/a".into(), |e| format!("{e:.2e}"))
    );
    folder.write_envelope(&Envelope::new(
        "simulate",
        VERSION,
        Some(Seed(config.seed)),
        config,
        Figures::Sweep(figures),
    ))?;
    Ok(summary)
}

fn axis(field: &str, low: f64, high: f64, count: usize) -> anyhow::Result<Vec<f64>> {
    finite(&format!("attractor_map.{field}_min"), low)?;
    finite(&format!("attractor_map.{field}_max"), high)?;
    at_least(&format!("attractor_map.{field}_count"), count, 1)?;
    if high < low {
        bail!(ParamError::new(
            format!("attractor_map.{field}_max"),
            high,
            format!("must be ≥ {field}_min = {low}")
        ));
    }
    Ok(evenly_spaced(low, high, count))
}

fn map_axes(c: &MapConfig) -> anyhow::Result<(Vec<f64>, Vec<f64>)> {
    Ok((
        axis("b", c.b_min, c.b_max, c.b_count)?,
        axis("detuning", c.detuning_min, c.detuning_max, c.detuning_count)?,
    ))
}

#[derive(Debug, Serialize)]
struct MapFigures {
    cells: usize,
    max_attractors: usize,
}

fn map(c: &MapConfig, folder: &RunFolder, config: &Config) -> anyhow::Result<String> {
    let (bs, ds) = map_axes(c)?;
    let counts: Vec<AttractorCount> = attractor_map(&bs, &ds, |b, d| TiltedHkb::new(1.0, b, d))?;
    folder.write_csv("attractor_map.csv", &counts)?;
    let half = |v: &[f64]| if v.len() > 1 { 0.5 * (v[1] - v[0]) } else { 0.5 };
    let (hb, hd) = (half(&bs), half(&ds));
    let cells = counts
        .iter()
        .map(|a| Cell {
            x0: a.x - hb,
            x1: a.x + hb,
            y0: a.y - hd,
            y1: a.y + hd,
            value: a.attractors as f64,
        })
        .collect();
    folder.write_plot(
        "attractor_map",
        &Plot::new("number of attractors of −δω φ − cos φ − b cos 2φ")
            .x_label("b/a")
            .y_label("δω/a")
            .cells(cells, "attractors")
            .line("b/a = 1/4", vec![(0.25, ds[0] - hd), (0.25, ds[ds.len() - 1] + hd)]),
    )?;
    let figures = MapFigures {
        cells: counts.len(),
        max_attractors: counts.iter().map(|a| a.attractors).max().unwrap_or(0),
    };
    let summary = format!(
        "attractor map: {} cells, up to {} attractors",
        figures.cells, figures.max_attractors
    );
    folder.write_envelope(&Envelope::new(
        "simulate",
        VERSION,
        Some(Seed(config.seed)),
        config,
        Figures::Map(figures),
    ))?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_parses_and_checks() {
        for (name, text) in EXAMPLES {
            let config = parse_config(text).unwrap_or_else(|e| panic!("{name}: {e}"));
            check(&config).unwrap_or_else(|e| panic!("{name}: {e:#}"));
            // The saved `config.ron` parses back to the same config.
            let again = config_to_ron(&config).unwrap();
            assert_eq!(parse_config(&again).unwrap(), config, "{name}");
        }
    }

    #[test]
    fn unknown_fields_are_rejected() {
        let text = HKB_EXAMPLE.replace("bins: 64,", "bins: 64, colour: 3,");
        assert!(parse_config(&text).is_err());
        let text = HKB_EXAMPLE.replace("Hkb(a: 1.0, b: 0.5)", "Hkb(a: 1.0, b: 0.5, c: 1.0)");
        assert!(parse_config(&text).is_err());
    }

    #[test]
    fn final_stability_reports_the_hkb_anti_phase_switch() {
        // Two units with W_12 = W_21 = k near anti-phase: the locked state is φ* = π with the
        // non-rotation eigenvalue −2k(4b − a) (Haken, Kelso & Bunz 1985; dgnn_dynamics::stability
        // docs): −1.6 (stable) for b = 0.5, +0.96 (unstable) for b = 0.1, with k = 0.8, a = 1.
        // Newton keeps θ_1 and moves θ_2 by 0.01, a distance of 0.005 up to the common rotation.
        let dir = tempfile::tempdir().unwrap();
        for (b, want) in [(0.5, LinearStability::Stable), (0.1, LinearStability::Unstable)] {
            let folder = RunFolder::create(&dir.path().join(format!("b{b}"))).unwrap();
            let net = PhaseNetwork::new(
                vec![0.0, 0.0],
                Coupling::Matrix(vec![0.0, 0.8, 0.8, 0.0]),
                PairCoupling { a: 1.0, b },
                0.0,
            )
            .unwrap();
            let figures = final_stability(&net, &[PI + 0.01, 0.0], &folder).unwrap();
            assert!(figures.locked && figures.stability == Some(want), "{figures:?}");
            let rate = -2.0 * 0.8 * (4.0 * b - 1.0);
            assert!((figures.largest_real_part.unwrap() - rate).abs() < 1e-12, "{figures:?}");
            assert!((figures.distance_rad.unwrap() - 0.005).abs() < 1e-9, "{figures:?}");
            let csv = std::fs::read_to_string(folder.path().join("stability.csv")).unwrap();
            assert_eq!(csv.lines().count(), 2, "{csv}");
            assert!(folder.path().join("stability.png").exists());
        }
    }

    #[test]
    fn example_sizes_do_not_touch_the_file_system_when_bad() {
        let text = HKB_EXAMPLE.replace("dt: 0.01,", "dt: -0.01,");
        let err = check(&parse_config(&text).unwrap()).unwrap_err();
        assert!(format!("{err:#}").contains("ensemble.dt"), "{err:#}");
    }
}
