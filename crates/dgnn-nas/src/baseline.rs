//! The baseline a search is judged against: a plain MLP (by default 30-16-2 tanh on WDBC),
//! trained and measured exactly like every genome, by an explicit step
//! ([`Search::measure_baseline`](crate::Search::measure_baseline)).
//!
//! Its validation measurement fixes the hypervolume reference point (each objective's
//! reference value) and resolves the constraints relative to it (`max_energy_ratio`,
//! `max_accuracy_drop`); the report compares the front with it on the test part. A [`Baseline`]
//! records what it was measured under (data, seed, estimation settings, architecture), so a
//! search refuses a baseline measured for another setup — and accepts one measured by another
//! search with the same setup, so that arms of an experiment differing only in objectives or
//! constraints can share one baseline.

use crate::estimator::{Estimator, FinalMeasurement};
use crate::genome::DgnnGenome;
use crate::measure::Measurement;
use dgnn_glia::{Architecture, PhaseLayer};

/// The measured baseline network (module docs).
#[derive(Debug, Clone)]
pub struct Baseline {
    measured: FinalMeasurement,
    measured_under: String,
}

impl Baseline {
    /// Trains `genome` at full fidelity with `estimator` (never with the search's glial
    /// pruning) and measures it on the validation and the test part.
    pub(crate) fn measure(
        estimator: &Estimator,
        genome: DgnnGenome,
    ) -> Result<Self, crate::NasError> {
        let measured_under = identity(estimator, &genome);
        let measured = estimator.measure_baseline(&genome)?;
        Ok(Self { measured, measured_under })
    }

    /// The genome, validation and test measurements and trained network.
    #[must_use]
    pub fn measured(&self) -> &FinalMeasurement {
        &self.measured
    }

    /// The validation measurement (the reference point and the relative constraints come from
    /// it).
    #[must_use]
    pub fn validation(&self) -> &Measurement {
        &self.measured.validation
    }

    /// What the baseline was measured under: the data, the seed, the estimation settings and
    /// the architecture.
    #[must_use]
    pub fn measured_under(&self) -> &str {
        &self.measured_under
    }
}

/// The identity of a baseline `genome` measured by `estimator` (what
/// [`Baseline::measured_under`] records).
pub(crate) fn identity(estimator: &Estimator, genome: &DgnnGenome) -> String {
    let architecture = ron::to_string(genome.architecture()).unwrap_or_default();
    format!("{}; baseline={architecture}", estimator.describe())
}

/// The baseline architecture: a plain MLP with these hidden sizes (with a non-gating phase
/// layer serving the contexts of multitask data, which a plain network cannot).
pub(crate) fn baseline_genome(hidden: &[usize], contexts: usize) -> DgnnGenome {
    let mut arch = Architecture::plain(hidden);
    if contexts > 1 {
        arch.phase = Some(PhaseLayer { coupling: 0.0, contexts, ..PhaseLayer::default() });
    }
    DgnnGenome(arch)
}

#[cfg(test)]
mod tests {
    use super::*;
    use dgnn_core::ParamGuard;

    #[test]
    fn baseline_serves_every_context() {
        let g = baseline_genome(&[16], 3);
        assert_eq!(g.architecture().phase.as_ref().map(|p| p.contexts), Some(3));
        assert!(g.architecture().clone().check().is_ok());
        assert!(baseline_genome(&[16], 1).architecture().phase.is_none());
        // Issue 14: it is described as context-blind, not with landscape genes it does not use.
        let summary = g.summary();
        assert!(summary.ends_with("context-blind (phase layer ungated, κ0)"), "{summary}");
    }
}
