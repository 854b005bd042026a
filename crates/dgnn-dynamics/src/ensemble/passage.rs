//! First-passage times through absorbing levels ([`FirstPassage`]).
//!
//! Discrete monitoring (checking the level only at the steps) misses the crossings between
//! steps, which biases the mean exit time upwards by O(sqrt(dt)). [`FirstPassage::bridged`]
//! adds the Brownian-bridge crossing correction (Baldi 1995; Gobet 2000, Stoch Proc Appl
//! 87:167): between two steps that both stay below a level `b`, a Brownian path with noise
//! intensity `Q` crossed `b` with probability `exp(−2(b − x_n)(b − x_{n+1})/(Q·dt))`. The
//! observer keeps the survival weight `w` of each trajectory and books `w·p` exits at the
//! step's midpoint, instead of drawing a random number: the estimate is unbiased given the path
//! and needs no extra randomness.

use super::observer::{Flow, Observer, check_component};
use crate::sde::Sde;
use dgnn_core::ParamError;
use dgnn_core::error::{finite, non_negative};
use serde::Serialize;

/// First-passage times of one component through absorbing levels (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FirstPassage {
    component: usize,
    lower: Option<f64>,
    upper: Option<f64>,
    /// The noise intensity of the Brownian-bridge correction; `None` for discrete monitoring.
    bridge_noise: Option<f64>,
}

impl FirstPassage {
    /// Exits of `component` of `sde` below `lower` or above `upper` (at least one given), with
    /// the Brownian-bridge crossing correction (the unbiased estimate; see the module docs). The
    /// correction's noise intensity `g²` is the SDE's own ([`Sde::additive_intensity`], `Q` of a
    /// phase SDE), so it cannot disagree with the noise the trajectories feel.
    ///
    /// Errors: a component outside the system, state-dependent noise (the bridge probability
    /// assumes a constant amplitude: use [`Self::discrete`]), or no level.
    pub fn bridged<S: Sde + ?Sized>(
        sde: &S,
        component: usize,
        lower: Option<f64>,
        upper: Option<f64>,
    ) -> Result<Self, ParamError> {
        let levels = Self::discrete(component, lower, upper)?;
        check_component(component, sde.dim())?;
        let Some(intensity) = sde.additive_intensity(component) else {
            return Err(ParamError::new(
                "sde",
                "state-dependent noise",
                "the bridge correction needs additive noise: use FirstPassage::discrete",
            ));
        };
        let intensity = non_negative("sde noise intensity", intensity)?;
        Ok(Self { bridge_noise: Some(intensity), ..levels })
    }

    /// Exits of `component` below `lower` or above `upper` (at least one given), seen only at
    /// the steps (discrete monitoring, biased by O(sqrt(dt)); for comparison with
    /// [`Self::bridged`]).
    pub fn discrete(
        component: usize,
        lower: Option<f64>,
        upper: Option<f64>,
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
        Ok(Self { component, lower, upper, bridge_noise: None })
    }

    fn outside(&self, x: f64) -> bool {
        match (self.lower, self.upper) {
            (Some(l), _) if x <= l => true,
            (_, Some(u)) if x >= u => true,
            _ => false,
        }
    }

    /// The probability that a Brownian bridge of noise intensity `q` from `x0` to `x1` over
    /// `dt` crossed a level.
    fn bridge_probability(&self, x0: f64, x1: f64, dt: f64, q: f64) -> f64 {
        let var = q * dt;
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
        if self.outside(x0[self.component]) {
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
        if self.outside(x1) {
            track.book(track.weight, t + dt);
            track.exited = true;
            return Flow::Stop;
        }
        if let Some(q) = self.bridge_noise {
            let p = self.bridge_probability(x0, x1, dt, q);
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
    fn check_dimension(&self, dim: usize) -> Result<(), ParamError> {
        check_component(self.component, dim)
    }
}
