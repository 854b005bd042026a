//! The provided observers of the final state, of moments over time, of displacements and of
//! stored paths (first passages are in their own file).

use super::histogram::Histogram;
use super::observer::{Flow, Observer, check_component};
use crate::sde::Path;
use dgnn_core::error::{at_least, finite};
use dgnn_core::{ParamError, RunningMoments};

/// The histogram of one component of the final state.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FinalHistogram {
    component: usize,
    low: f64,
    high: f64,
    bins: usize,
    /// Whether values are reduced modulo `high − low` first ([`Histogram::add_wrapped`]).
    wrapped: bool,
}

impl FinalHistogram {
    /// A histogram of `component` over `bins` bins of `[low, high)`; values outside are counted
    /// in [`Histogram::outside`].
    pub fn new(component: usize, low: f64, high: f64, bins: usize) -> Result<Self, ParamError> {
        Self::checked(component, low, high, bins, false)
    }

    /// A histogram of `component` over `bins` bins of `[low, high)`, each value reduced modulo
    /// `high − low` into the range first (a phase on the circle: `low = −π`, `high = π`).
    pub fn wrapped(component: usize, low: f64, high: f64, bins: usize) -> Result<Self, ParamError> {
        Self::checked(component, low, high, bins, true)
    }

    /// A histogram of phase `component` wrapped to `[-π, π)`.
    pub fn phase(component: usize, bins: usize) -> Result<Self, ParamError> {
        Self::wrapped(component, -std::f64::consts::PI, std::f64::consts::PI, bins)
    }

    fn checked(
        component: usize,
        low: f64,
        high: f64,
        bins: usize,
        wrapped: bool,
    ) -> Result<Self, ParamError> {
        let (low, high) = (finite("low", low)?, finite("high", high)?);
        if high <= low {
            return Err(ParamError::new("high", high, format!("must exceed low = {low}")));
        }
        Ok(Self { component, low, high, bins: at_least("bins", bins, 1)?, wrapped })
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
        if self.wrapped {
            summary.add_wrapped(x[self.component]);
        } else {
            summary.add(x[self.component]);
        }
    }
    fn empty(&self) -> Histogram {
        Histogram::new(self.low, self.high, self.bins)
    }
    fn merge(&self, into: &mut Histogram, other: Histogram) {
        into.merge(&other);
    }
    fn check_dimension(&self, dim: usize) -> Result<(), ParamError> {
        check_component(self.component, dim)
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
    fn check_dimension(&self, dim: usize) -> Result<(), ParamError> {
        check_component(self.component, dim)
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
    fn check_dimension(&self, dim: usize) -> Result<(), ParamError> {
        check_component(self.component, dim)
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
    fn check_dimension(&self, dim: usize) -> Result<(), ParamError> {
        check_component(self.component, dim)
    }
}

/// Stores every `every`-th state of every trajectory (use only when paths are needed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathRecorder {
    every: usize,
}

impl PathRecorder {
    /// Stores the start and the state after every `every`-th step (`every ≥ 1`).
    pub fn new(every: usize) -> Result<Self, ParamError> {
        Ok(Self { every: at_least("every", every, 1)? })
    }
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
        if step.is_multiple_of(self.every) {
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
