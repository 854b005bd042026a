//! Observers: what watches a run after every generation (argmin's `Observe`).

use crate::archive::ParetoArchive;
use crate::problem::Individual;
use crate::state::GenerationSummary;
use dgnn_core::Progress;

/// What an observer sees after every generation.
#[derive(Debug)]
pub struct GenerationReport<'s, G> {
    /// The generation's summary (number, evaluations, front size, hypervolume …).
    pub summary: &'s GenerationSummary,
    /// The population after survival.
    pub population: &'s [Individual<G>],
    /// Indices into `population` of its first constrained front.
    pub front: &'s [usize],
    /// The Pareto archive.
    pub archive: &'s ParetoArchive<G>,
}

/// Watches a run: called after every generation (the initial one included), after the
/// checkpoint of that generation is written.
pub trait Observer<G> {
    /// Receives the report of a finished generation.
    fn observe(&mut self, report: &GenerationReport<'_, G>);
}

impl<G, F: FnMut(&GenerationReport<'_, G>)> Observer<G> for F {
    fn observe(&mut self, report: &GenerationReport<'_, G>) {
        self(report);
    }
}

/// An observer that advances a [`Progress`] by one per generation and shows the front size,
/// the evaluations and the hypervolume.
#[derive(Clone, Copy)]
pub struct ProgressObserver<'p> {
    progress: &'p dyn Progress,
}

impl<'p> ProgressObserver<'p> {
    /// Reports to `progress` (the caller calls `start` with the number of generations).
    #[must_use]
    pub fn new(progress: &'p dyn Progress) -> Self {
        Self { progress }
    }
}

impl<G> Observer<G> for ProgressObserver<'_> {
    fn observe(&mut self, report: &GenerationReport<'_, G>) {
        let s = report.summary;
        let hv = s.hypervolume.map(|hv| format!(" · hv {hv:.6}")).unwrap_or_default();
        self.progress.message(&format!(
            "gen {} · front {} · {} evals{hv}",
            s.generation, s.front_size, s.evaluations
        ));
        self.progress.advance(1);
    }
}
