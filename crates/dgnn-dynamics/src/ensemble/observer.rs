//! The [`Observer`] trait: how a trajectory is watched and folded into a mergeable summary.

use dgnn_core::ParamError;

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
    /// Checks, before any work, that the observer fits a system of dimension `dim` (every
    /// component it reads is `< dim`); the error names the observer's field. The default
    /// accepts any dimension: override it when the observer reads components.
    ///
    /// # Errors
    /// A [`ParamError`] naming the field that does not fit.
    fn check_dimension(&self, dim: usize) -> Result<(), ParamError> {
        let _ = dim;
        Ok(())
    }
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
    fn check_dimension(&self, dim: usize) -> Result<(), ParamError> {
        self.0.check_dimension(dim).map_err(|e| e.within("0"))?;
        self.1.check_dimension(dim).map_err(|e| e.within("1"))
    }
}

/// Checks that the observed `component` exists in a system of dimension `dim`.
pub(super) fn check_component(component: usize, dim: usize) -> Result<(), ParamError> {
    if component < dim {
        Ok(())
    } else {
        Err(ParamError::new(
            "component",
            component,
            format!("must be below the system's dimension {dim} (components count from 0)"),
        ))
    }
}
