//! Ensembles: many trajectories of one SDE in parallel, summarised by observers.
//!
//! Trajectories are split into fixed blocks of [`BLOCK`] trajectories; block `k` draws its
//! initial states and noise from `seed.stream("dynamics/trajectory", &[k])`, blocks run in
//! parallel (rayon) and their summaries are merged in block order. The result is therefore
//! bit-identical for any number of threads.
//!
//! An [`Observer`] sees every step of every trajectory and folds it into a mergeable summary, so
//! paths are not stored unless asked for ([`PathRecorder`]). Provided observers: the histogram of
//! the final state ([`FinalHistogram`]), running moments of the final state ([`FinalMoments`]) or
//! at regular times ([`MomentsOverTime`]), displacements (mean frequencies, [`Displacement`]),
//! first-passage times ([`FirstPassage`]) and stored paths.
//! A pair `(A, B)` of observers is an observer; a trajectory stops early when every observer
//! says [`Flow::Stop`].
//!
//! First passages use the Brownian-bridge crossing correction (Baldi 1995; Gobet 2000, Stoch
//! Proc Appl 87:167): between two steps that both stay below a level `b`, a Brownian path with
//! noise intensity `Q` crossed `b` with probability `exp(−2(b − x_n)(b − x_{n+1})/(Q·dt))`. The
//! observer keeps the survival weight `w` of each trajectory and books `w·p` exits at the step's
//! midpoint, instead of drawing a random number: the estimate is unbiased given the path and
//! needs no extra randomness. Without the correction, discrete monitoring misses crossings and
//! the mean exit time is biased upwards by O(sqrt(dt)).

use crate::error::{DynamicsError, Result};
use crate::sde::{Integrator, NoiseIncrement, Path, Sde, SdeWorkspace, check_scheme};
use dgnn_core::error::{at_least, finite, non_negative, positive};
use dgnn_core::{ParamError, Progress, Seed};
pub use dgnn_core::stats::RunningMoments;
use rand::RngExt;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Trajectories per parallel work item; fixed so that results do not depend on thread count.
pub const BLOCK: usize = 64;

/// The stream name of ensemble blocks.
pub const TRAJECTORY_STREAM: &str = "dynamics/trajectory";

/// Unchecked ensemble sizes (see [`EnsembleParams::check`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EnsembleParams {
    /// Number of trajectories (≥ 1).
    pub trajectories: usize,
    /// Number of steps per trajectory (≥ 1).
    pub steps: usize,
    /// Step size (> 0).
    pub dt: f64,
}

/// Checked ensemble sizes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct EnsembleSpec {
    trajectories: usize,
    steps: usize,
    dt: f64,
}

impl EnsembleParams {
    /// Checks the sizes: at least one trajectory and one step, `dt` finite and positive.
    pub fn check(self) -> Result<EnsembleSpec, ParamError> {
        Ok(EnsembleSpec {
            trajectories: at_least("trajectories", self.trajectories, 1)?,
            steps: at_least("steps", self.steps, 1)?,
            dt: positive("dt", self.dt)?,
        })
    }
}

impl EnsembleSpec {
    /// Number of trajectories.
    #[must_use]
    pub fn trajectories(&self) -> usize {
        self.trajectories
    }
    /// Steps per trajectory.
    #[must_use]
    pub fn steps(&self) -> usize {
        self.steps
    }
    /// Step size.
    #[must_use]
    pub fn dt(&self) -> f64 {
        self.dt
    }
}

/// How initial states are drawn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum InitialState {
    /// Every trajectory starts at this state.
    Fixed(Vec<f64>),
    /// Each component uniform in `[low_i, high_i)`, from the block's stream.
    Uniform {
        /// Lower bounds.
        low: Vec<f64>,
        /// Upper bounds.
        high: Vec<f64>,
    },
}

impl InitialState {
    /// Checks the state against the system dimension and for finite values.
    pub fn check(&self, dim: usize) -> Result<(), ParamError> {
        let lens = match self {
            Self::Fixed(x) => vec![("initial", x)],
            Self::Uniform { low, high } => vec![("initial.low", low), ("initial.high", high)],
        };
        for (field, values) in lens {
            if values.len() != dim {
                return Err(ParamError::new(
                    field,
                    format!("{} values", values.len()),
                    format!("must hold one value per component ({dim})"),
                ));
            }
            for (i, v) in values.iter().enumerate() {
                finite(&format!("{field}[{i}]"), *v)?;
            }
        }
        if let Self::Uniform { low, high } = self
            && let Some(i) = (0..dim).find(|&i| low[i] > high[i])
        {
            return Err(ParamError::new(
                format!("initial.low[{i}]"),
                low[i],
                format!("must not exceed initial.high[{i}] = {}", high[i]),
            ));
        }
        Ok(())
    }

    fn draw<R: rand::Rng + ?Sized>(&self, rng: &mut R, out: &mut [f64]) {
        match self {
            Self::Fixed(x) => out.copy_from_slice(x),
            Self::Uniform { low, high } => {
                for i in 0..out.len() {
                    let u: f64 = rng.random();
                    out[i] = low[i] + (high[i] - low[i]) * u;
                }
            }
        }
    }
}

/// Whether a trajectory should go on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Keep integrating.
    Continue,
    /// This observer has seen enough of this trajectory.
    Stop,
}

/// Watches trajectories and folds them into a mergeable summary.
///
/// `observe` may still be called after it returned [`Flow::Stop`] (when another observer of a
/// pair continues); it must then leave the track unchanged.
pub trait Observer: Sync {
    /// Per-trajectory state.
    type Track: Send;
    /// The mergeable result.
    type Summary: Send;
    /// Begins trajectory `trajectory` at state `x0`.
    fn start(&self, trajectory: usize, x0: &[f64]) -> Self::Track;
    /// Sees step `step` (1-based) from `before` at time `t` to `after` at `t + dt`.
    fn observe(
        &self,
        track: &mut Self::Track,
        step: usize,
        t: f64,
        before: &[f64],
        after: &[f64],
        dt: f64,
    ) -> Flow;
    /// Ends a trajectory at time `t` in state `x`, folding it into `summary`.
    fn finish(&self, track: Self::Track, t: f64, x: &[f64], summary: &mut Self::Summary);
    /// The summary of no trajectories.
    fn empty(&self) -> Self::Summary;
    /// Merges `other` (later trajectories) into `into`.
    fn merge(&self, into: &mut Self::Summary, other: Self::Summary);
}

impl<A: Observer, B: Observer> Observer for (A, B) {
    type Track = (A::Track, B::Track);
    type Summary = (A::Summary, B::Summary);
    fn start(&self, trajectory: usize, x0: &[f64]) -> Self::Track {
        (self.0.start(trajectory, x0), self.1.start(trajectory, x0))
    }
    fn observe(
        &self,
        track: &mut Self::Track,
        step: usize,
        t: f64,
        before: &[f64],
        after: &[f64],
        dt: f64,
    ) -> Flow {
        let a = self.0.observe(&mut track.0, step, t, before, after, dt);
        let b = self.1.observe(&mut track.1, step, t, before, after, dt);
        if a == Flow::Stop && b == Flow::Stop { Flow::Stop } else { Flow::Continue }
    }
    fn finish(&self, track: Self::Track, t: f64, x: &[f64], summary: &mut Self::Summary) {
        self.0.finish(track.0, t, x, &mut summary.0);
        self.1.finish(track.1, t, x, &mut summary.1);
    }
    fn empty(&self) -> Self::Summary {
        (self.0.empty(), self.1.empty())
    }
    fn merge(&self, into: &mut Self::Summary, other: Self::Summary) {
        self.0.merge(&mut into.0, other.0);
        self.1.merge(&mut into.1, other.1);
    }
}

/// Runs `trajectories` of `sde` with `scheme` and folds them with `observer`; see the module
/// docs for the seeding. Reports one progress unit per trajectory.
pub fn run_ensemble<S, I, O>(
    sde: &S,
    scheme: &I,
    spec: &EnsembleSpec,
    initial: &InitialState,
    observer: &O,
    seed: Seed,
    progress: &dyn Progress,
) -> Result<O::Summary>
where
    S: Sde + ?Sized,
    I: Integrator + ?Sized,
    O: Observer,
{
    check_scheme(sde, scheme)?;
    initial.check(sde.dim())?;
    let blocks = spec.trajectories.div_ceil(BLOCK);
    progress.start(spec.trajectories as u64, "trajectories");
    let results: Vec<Result<O::Summary>> = (0..blocks)
        .into_par_iter()
        .map(|block| {
            let first = block * BLOCK;
            let last = (first + BLOCK).min(spec.trajectories);
            let summary = run_block(sde, scheme, spec, initial, observer, seed, block, first..last);
            progress.advance((last - first) as u64);
            summary
        })
        .collect();
    progress.finish();
    let mut total = observer.empty();
    for block in results {
        observer.merge(&mut total, block?);
    }
    Ok(total)
}

#[allow(clippy::too_many_arguments)] // one block of `run_ensemble`: its arguments plus the block
fn run_block<S, I, O>(
    sde: &S,
    scheme: &I,
    spec: &EnsembleSpec,
    initial: &InitialState,
    observer: &O,
    seed: Seed,
    block: usize,
    trajectories: std::ops::Range<usize>,
) -> Result<O::Summary>
where
    S: Sde + ?Sized,
    I: Integrator + ?Sized,
    O: Observer,
{
    let dim = sde.dim();
    let mut rng = seed.stream(TRAJECTORY_STREAM, &[block as u64]);
    let mut work = SdeWorkspace::new(dim);
    let mut noise = vec![NoiseIncrement::default(); dim];
    let mut x = vec![0.0; dim];
    let mut before = vec![0.0; dim];
    let mut summary = observer.empty();
    let with_dz = scheme.needs_dz();
    for trajectory in trajectories {
        initial.draw(&mut rng, &mut x);
        let mut track = observer.start(trajectory, &x);
        let mut t = 0.0;
        for step in 1..=spec.steps {
            before.copy_from_slice(&x);
            for n in noise.iter_mut() {
                *n = NoiseIncrement::sample(&mut rng, spec.dt, with_dz);
            }
            scheme.step(sde, t, &mut x, spec.dt, &noise, &mut work);
            if let Some(&bad) = x.iter().find(|v| !v.is_finite()) {
                return Err(DynamicsError::NonFinite { step, time: t + spec.dt, value: bad });
            }
            let flow = observer.observe(&mut track, step, t, &before, &x, spec.dt);
            t = step as f64 * spec.dt;
            if flow == Flow::Stop {
                break;
            }
        }
        observer.finish(track, t, &x, &mut summary);
    }
    Ok(summary)
}

/// Counts of values in equal bins of `[low, high)`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Histogram {
    /// Lower edge.
    pub low: f64,
    /// Upper edge.
    pub high: f64,
    /// Counts per bin.
    pub counts: Vec<u64>,
    /// Values that fell outside `[low, high)` (never, for a wrapped histogram).
    pub outside: u64,
}

impl Histogram {
    /// An empty histogram.
    #[must_use]
    pub fn new(low: f64, high: f64, bins: usize) -> Self {
        Self { low, high, counts: vec![0; bins], outside: 0 }
    }

    /// Adds a value; if `wrap`, the value is first reduced modulo `high − low` into the range.
    pub fn add(&mut self, value: f64, wrap: bool) {
        let width = self.high - self.low;
        let v = if wrap { self.low + (value - self.low).rem_euclid(width) } else { value };
        let bins = self.counts.len();
        let k = ((v - self.low) / width * bins as f64).floor();
        if k >= 0.0 && k < bins as f64 {
            self.counts[k as usize] += 1;
        } else if wrap && v.is_finite() {
            // rem_euclid can round up to exactly `width`: that value belongs to the first bin.
            self.counts[if k < 0.0 { bins - 1 } else { 0 }] += 1;
        } else {
            self.outside += 1;
        }
    }

    /// The total number of values added (inside and outside).
    #[must_use]
    pub fn total(&self) -> u64 {
        self.counts.iter().sum::<u64>() + self.outside
    }

    /// The bin centres.
    #[must_use]
    pub fn centres(&self) -> Vec<f64> {
        let w = (self.high - self.low) / self.counts.len() as f64;
        (0..self.counts.len()).map(|k| self.low + (k as f64 + 0.5) * w).collect()
    }

    /// The empirical density per bin (counts / (total · width)).
    #[must_use]
    pub fn density(&self) -> Vec<f64> {
        let w = (self.high - self.low) / self.counts.len() as f64;
        let n = self.total().max(1) as f64;
        self.counts.iter().map(|&c| c as f64 / (n * w)).collect()
    }

    /// `Σ_k |h_k − p_k|·width`: the L1 distance to a density given as bin averages.
    #[must_use]
    pub fn l1_distance(&self, exact_bin_density: &[f64]) -> f64 {
        let w = (self.high - self.low) / self.counts.len() as f64;
        self.density().iter().zip(exact_bin_density).map(|(h, p)| (h - p).abs() * w).sum()
    }

    /// The expected L1 distance of a perfect sampler of `total()` values from bin probabilities
    /// `π_k = p_k·width` (normal approximation of the multinomial:
    /// `E|h_k − p_k|·w = sqrt(2π_k(1 − π_k)/(π n))`).
    #[must_use]
    pub fn expected_l1_floor(&self, exact_bin_density: &[f64]) -> f64 {
        let w = (self.high - self.low) / self.counts.len() as f64;
        let n = self.total() as f64;
        exact_bin_density
            .iter()
            .map(|p| {
                let pi = p * w;
                (2.0 * pi * (1.0 - pi) / (std::f64::consts::PI * n)).sqrt()
            })
            .sum()
    }

    /// The standard deviation of the L1 distance of a perfect sampler (the terms
    /// `w|h_k − p_k|` are half-normal with scale `s_k = sqrt(π_k(1 − π_k)/n)`, so the variance
    /// is `(1 − 2/π) Σ s_k²`, neglecting the weak multinomial correlations).
    #[must_use]
    pub fn expected_l1_spread(&self, exact_bin_density: &[f64]) -> f64 {
        let w = (self.high - self.low) / self.counts.len() as f64;
        let n = self.total() as f64;
        let sum_sq: f64 = exact_bin_density
            .iter()
            .map(|p| {
                let pi = p * w;
                pi * (1.0 - pi) / n
            })
            .sum();
        ((1.0 - 2.0 / std::f64::consts::PI) * sum_sq).sqrt()
    }

    fn merge(&mut self, other: &Self) {
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        self.outside += other.outside;
    }
}

/// The histogram of one component of the final state.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FinalHistogram {
    component: usize,
    low: f64,
    high: f64,
    bins: usize,
    wrap: bool,
}

impl FinalHistogram {
    /// A histogram of `component` over `bins` bins of `[low, high)`; with `wrap` values are
    /// reduced modulo `high − low` first (phases on the circle: `low = −π`, `high = π`).
    pub fn new(
        component: usize,
        low: f64,
        high: f64,
        bins: usize,
        wrap: bool,
    ) -> Result<Self, ParamError> {
        let (low, high) = (finite("low", low)?, finite("high", high)?);
        if high <= low {
            return Err(ParamError::new("high", high, format!("must exceed low = {low}")));
        }
        Ok(Self { component, low, high, bins: at_least("bins", bins, 1)?, wrap })
    }

    /// A histogram of phase `component` wrapped to `[-π, π)`.
    pub fn phase(component: usize, bins: usize) -> Result<Self, ParamError> {
        Self::new(component, -std::f64::consts::PI, std::f64::consts::PI, bins, true)
    }
}

impl Observer for FinalHistogram {
    type Track = ();
    type Summary = Histogram;
    fn start(&self, _: usize, _: &[f64]) {}
    fn observe(&self, _: &mut (), _: usize, _: f64, _: &[f64], _: &[f64], _: f64) -> Flow {
        Flow::Continue
    }
    fn finish(&self, _: (), _: f64, x: &[f64], summary: &mut Histogram) {
        summary.add(x[self.component], self.wrap);
    }
    fn empty(&self) -> Histogram {
        Histogram::new(self.low, self.high, self.bins)
    }
    fn merge(&self, into: &mut Histogram, other: Histogram) {
        into.merge(&other);
    }
}

/// Running moments of one component of the final state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FinalMoments {
    /// The component observed.
    pub component: usize,
}

impl Observer for FinalMoments {
    type Track = ();
    type Summary = RunningMoments;
    fn start(&self, _: usize, _: &[f64]) {}
    fn observe(&self, _: &mut (), _: usize, _: f64, _: &[f64], _: &[f64], _: f64) -> Flow {
        Flow::Continue
    }
    fn finish(&self, _: (), _: f64, x: &[f64], summary: &mut RunningMoments) {
        summary.push(x[self.component]);
    }
    fn empty(&self) -> RunningMoments {
        RunningMoments::default()
    }
    fn merge(&self, into: &mut RunningMoments, other: RunningMoments) {
        into.merge(&other);
    }
}

/// Running moments of the displacement `x(T) − x(t_from)` of one component, with `t_from` the
/// time after `from_step` steps (0: the start). For a phase, the mean displacement over the time
/// span is the mean frequency, measured after a transient when `from_step > 0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Displacement {
    /// The component observed.
    pub component: usize,
    /// The step after which the displacement is measured.
    pub from_step: usize,
}

impl Observer for Displacement {
    type Track = f64;
    type Summary = RunningMoments;
    fn start(&self, _: usize, x0: &[f64]) -> f64 {
        x0[self.component]
    }
    fn observe(&self, track: &mut f64, step: usize, _: f64, _: &[f64], x: &[f64], _: f64) -> Flow {
        if step == self.from_step {
            *track = x[self.component];
        }
        Flow::Continue
    }
    fn finish(&self, track: f64, _: f64, x: &[f64], summary: &mut RunningMoments) {
        summary.push(x[self.component] - track);
    }
    fn empty(&self) -> RunningMoments {
        RunningMoments::default()
    }
    fn merge(&self, into: &mut RunningMoments, other: RunningMoments) {
        into.merge(&other);
    }
}

/// Running moments of one component at every `every`-th step (relaxation curves).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MomentsOverTime {
    component: usize,
    every: usize,
    samples: usize,
}

impl MomentsOverTime {
    /// Moments of `component` after steps `every, 2·every, …` up to `steps`.
    pub fn new(component: usize, every: usize, steps: usize) -> Result<Self, ParamError> {
        let every = at_least("every", every, 1)?;
        Ok(Self { component, every, samples: steps / every })
    }
}

impl Observer for MomentsOverTime {
    type Track = Vec<f64>;
    type Summary = Vec<RunningMoments>;
    fn start(&self, _: usize, _: &[f64]) -> Vec<f64> {
        Vec::with_capacity(self.samples)
    }
    fn observe(
        &self,
        track: &mut Vec<f64>,
        step: usize,
        _: f64,
        _: &[f64],
        x: &[f64],
        _: f64,
    ) -> Flow {
        if step.is_multiple_of(self.every) && track.len() < self.samples {
            track.push(x[self.component]);
        }
        if track.len() == self.samples { Flow::Stop } else { Flow::Continue }
    }
    fn finish(&self, track: Vec<f64>, _: f64, _: &[f64], summary: &mut Vec<RunningMoments>) {
        for (m, v) in summary.iter_mut().zip(track) {
            m.push(v);
        }
    }
    fn empty(&self) -> Vec<RunningMoments> {
        vec![RunningMoments::default(); self.samples]
    }
    fn merge(&self, into: &mut Vec<RunningMoments>, other: Vec<RunningMoments>) {
        for (a, b) in into.iter_mut().zip(&other) {
            a.merge(b);
        }
    }
}

/// First-passage times of one component through absorbing levels (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FirstPassage {
    component: usize,
    lower: Option<f64>,
    upper: Option<f64>,
    noise_intensity: f64,
    bridge: bool,
}

impl FirstPassage {
    /// Exits of `component` below `lower` or above `upper` (at least one given), for additive
    /// noise of intensity `noise_intensity = g²` (`Q` of a phase SDE); `bridge` switches the
    /// Brownian-bridge crossing correction on.
    pub fn new(
        component: usize,
        lower: Option<f64>,
        upper: Option<f64>,
        noise_intensity: f64,
        bridge: bool,
    ) -> Result<Self, ParamError> {
        if lower.is_none() && upper.is_none() {
            return Err(ParamError::new("levels", "none", "give a lower or an upper level"));
        }
        if let Some(l) = lower {
            finite("lower", l)?;
        }
        if let Some(u) = upper {
            finite("upper", u)?;
        }
        let noise_intensity = non_negative("noise_intensity", noise_intensity)?;
        Ok(Self { component, lower, upper, noise_intensity, bridge })
    }

    fn outside(&self, x: f64) -> Option<f64> {
        match (self.lower, self.upper) {
            (Some(l), _) if x <= l => Some(l),
            (_, Some(u)) if x >= u => Some(u),
            _ => None,
        }
    }

    /// The probability that a Brownian bridge from `x0` to `x1` over `dt` crossed a level.
    fn bridge_probability(&self, x0: f64, x1: f64, dt: f64) -> f64 {
        let var = self.noise_intensity * dt;
        if var <= 0.0 {
            return 0.0;
        }
        let survive = |level: Option<f64>| {
            level.map_or(1.0, |b| 1.0 - (-2.0 * (b - x0) * (b - x1) / var).exp())
        };
        1.0 - survive(self.lower) * survive(self.upper)
    }
}

/// Per-trajectory state of [`FirstPassage`]: the survival weight and the exits booked so far.
#[derive(Debug, Clone, Copy, Default)]
pub struct PassageTrack {
    weight: f64,
    exited: bool,
    booked: PassageSummary,
}

impl PassageTrack {
    fn book(&mut self, weight: f64, time: f64) {
        self.booked.exited_weight += weight;
        self.booked.sum_time += weight * time;
        self.booked.sum_time_sq += weight * time * time;
    }
}

/// The summary of [`FirstPassage`]: weighted exit-time moments.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct PassageSummary {
    /// Trajectories observed.
    pub trajectories: u64,
    /// Total exit weight (trajectories that exited, bridge exits counted by their probability).
    pub exited_weight: f64,
    /// Σ weight·τ.
    pub sum_time: f64,
    /// Σ weight·τ².
    pub sum_time_sq: f64,
}

impl PassageSummary {
    /// The mean exit time of the trajectories that exited.
    #[must_use]
    pub fn mean(&self) -> f64 {
        self.sum_time / self.exited_weight
    }
    /// The standard error of [`Self::mean`], treating the exit weight as the sample size (exact
    /// without the bridge correction; with it the weights only reduce the variance).
    #[must_use]
    pub fn standard_error(&self) -> f64 {
        let m = self.mean();
        ((self.sum_time_sq / self.exited_weight - m * m) / self.exited_weight).sqrt()
    }
    /// The share of trajectories (by weight) that had not exited at the end.
    #[must_use]
    pub fn survived_fraction(&self) -> f64 {
        1.0 - self.exited_weight / self.trajectories.max(1) as f64
    }

    fn merge(&mut self, other: &Self) {
        self.trajectories += other.trajectories;
        self.exited_weight += other.exited_weight;
        self.sum_time += other.sum_time;
        self.sum_time_sq += other.sum_time_sq;
    }
}

impl Observer for FirstPassage {
    type Track = PassageTrack;
    type Summary = PassageSummary;
    fn start(&self, _: usize, x0: &[f64]) -> PassageTrack {
        let mut track = PassageTrack { weight: 1.0, ..PassageTrack::default() };
        if self.outside(x0[self.component]).is_some() {
            track.book(1.0, 0.0);
            track.exited = true;
        }
        track
    }
    fn observe(
        &self,
        track: &mut PassageTrack,
        _: usize,
        t: f64,
        before: &[f64],
        after: &[f64],
        dt: f64,
    ) -> Flow {
        if track.exited {
            return Flow::Stop;
        }
        let (x0, x1) = (before[self.component], after[self.component]);
        if self.outside(x1).is_some() {
            track.book(track.weight, t + dt);
            track.exited = true;
            return Flow::Stop;
        }
        if self.bridge {
            let p = self.bridge_probability(x0, x1, dt);
            track.book(track.weight * p, t + 0.5 * dt);
            track.weight *= 1.0 - p;
        }
        Flow::Continue
    }
    fn finish(&self, track: PassageTrack, _: f64, _: &[f64], summary: &mut PassageSummary) {
        summary.merge(&PassageSummary { trajectories: 1, ..track.booked });
    }
    fn empty(&self) -> PassageSummary {
        PassageSummary::default()
    }
    fn merge(&self, into: &mut PassageSummary, other: PassageSummary) {
        into.merge(&other);
    }
}

/// Stores every `every`-th state of every trajectory (use only when paths are needed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathRecorder {
    /// Store every `every`-th step (≥ 1).
    pub every: usize,
}

impl Observer for PathRecorder {
    type Track = Path;
    type Summary = Vec<Path>;
    fn start(&self, _: usize, x0: &[f64]) -> Path {
        Path { times: vec![0.0], states: vec![x0.to_vec()] }
    }
    fn observe(
        &self,
        track: &mut Path,
        step: usize,
        t: f64,
        _: &[f64],
        x: &[f64],
        dt: f64,
    ) -> Flow {
        if step.is_multiple_of(self.every.max(1)) {
            track.times.push(t + dt);
            track.states.push(x.to_vec());
        }
        Flow::Continue
    }
    fn finish(&self, track: Path, _: f64, _: &[f64], summary: &mut Vec<Path>) {
        summary.push(track);
    }
    fn empty(&self) -> Vec<Path> {
        Vec::new()
    }
    fn merge(&self, into: &mut Vec<Path>, other: Vec<Path>) {
        into.extend(other);
    }
}
