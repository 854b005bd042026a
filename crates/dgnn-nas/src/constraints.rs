//! Constraints on the networks a search may return: an energy budget and a minimum accuracy,
//! each either absolute or relative to the baseline network.
//!
//! A config states them ([`Constraints`], RON, every field optional) and is checked once
//! (`Valid<Constraints>`). Relative bounds (`max_energy_ratio`, `max_accuracy_drop`) only mean
//! something once the baseline is measured, so the bounds the search ranks by
//! ([`ResolvedConstraints`]) are made from the checked constraints and the baseline's validation
//! measurement; an absolute and a relative bound on the same quantity combine to the tighter
//! one.
//!
//! Each bound adds its relative shortfall to one *violation* (0 = feasible), which dgnn-evo's
//! constrained domination ranks by (Deb, Pratap, Agarwal & Meyarivan 2002, §VI): a feasible
//! network beats an infeasible one, two infeasible ones compare by violation. Constraints are
//! on measurements (energy in the search's energy unit, validation accuracy), never on
//! objectives, so they hold whatever the objectives are — an information-only search can still
//! carry an energy budget.

use crate::measure::Measurement;
use crate::objective::EnergyUnit;
use dgnn_core::error::{in_range, positive};
use dgnn_core::{ParamError, Valid, Validate};
use serde::{Deserialize, Serialize};

/// Constraints on a network (RON; every field optional, default none).
///
/// The relative bounds are written out only when set, so a config without them reads and
/// writes exactly as before they existed.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Constraints {
    /// Largest energy per inference, in the search's energy unit (ATP by default); a network
    /// above it is infeasible by `E/max_energy − 1` (> 0).
    pub max_energy: Option<f64>,
    /// Smallest validation accuracy (in [0, 1]); a network below it is infeasible by the
    /// shortfall.
    pub min_accuracy: Option<f64>,
    /// Largest energy per inference as a multiple of the baseline's (> 0): `0.25` admits at
    /// most a quarter of the baseline's energy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_energy_ratio: Option<f64>,
    /// Largest validation-accuracy loss against the baseline (in [0, 1]): `0.01` admits
    /// networks at most one point less accurate than the baseline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_accuracy_drop: Option<f64>,
}

impl Validate for Constraints {
    /// Checks every bound; errors name the field under `constraints`.
    fn validate(&self) -> Result<(), ParamError> {
        let within = |e: ParamError| e.within("constraints");
        if let Some(e) = self.max_energy {
            positive("max_energy", e).map_err(within)?;
        }
        if let Some(a) = self.min_accuracy {
            in_range("min_accuracy", a, 0.0, 1.0).map_err(within)?;
        }
        if let Some(r) = self.max_energy_ratio {
            positive("max_energy_ratio", r).map_err(within)?;
        }
        if let Some(d) = self.max_accuracy_drop {
            in_range("max_accuracy_drop", d, 0.0, 1.0).map_err(within)?;
        }
        Ok(())
    }
}

/// The absolute bounds a search ranks by: [`Constraints`] with the relative bounds resolved
/// against the baseline's validation measurement (module docs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ResolvedConstraints {
    max_energy: Option<f64>,
    min_accuracy: Option<f64>,
    unit: EnergyUnit,
}

/// The tighter of two optional bounds (`pick` chooses between two set ones).
fn tighter(a: Option<f64>, b: Option<f64>, pick: fn(f64, f64) -> f64) -> Option<f64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(pick(x, y)),
        (x, y) => x.or(y),
    }
}

impl ResolvedConstraints {
    /// The bounds of `constraints` for a search whose energy is in `unit` and whose baseline
    /// measured `baseline` on the validation part.
    #[must_use]
    pub fn new(constraints: &Valid<Constraints>, baseline: &Measurement, unit: EnergyUnit) -> Self {
        let relative_energy = constraints.max_energy_ratio.map(|r| r * baseline.energy_in(unit));
        let relative_accuracy = constraints.max_accuracy_drop.map(|d| baseline.accuracy - d);
        Self {
            max_energy: tighter(constraints.max_energy, relative_energy, f64::min),
            min_accuracy: tighter(constraints.min_accuracy, relative_accuracy, f64::max),
            unit,
        }
    }

    /// No constraint at all (every network feasible).
    #[must_use]
    pub fn none(unit: EnergyUnit) -> Self {
        Self { max_energy: None, min_accuracy: None, unit }
    }

    /// The energy budget, in [`ResolvedConstraints::unit`].
    #[must_use]
    pub fn max_energy(&self) -> Option<f64> {
        self.max_energy
    }

    /// The smallest validation accuracy.
    #[must_use]
    pub fn min_accuracy(&self) -> Option<f64> {
        self.min_accuracy
    }

    /// The energy unit of the budget.
    #[must_use]
    pub fn unit(&self) -> EnergyUnit {
        self.unit
    }

    /// The total violation of a network measured as `m`: the relative excess over the energy
    /// budget plus the shortfall below the minimum accuracy; 0 when feasible.
    #[must_use]
    pub fn violation(&self, m: &Measurement) -> f64 {
        let energy = m.energy_in(self.unit);
        let over = self.max_energy.map_or(0.0, |max| (energy / max - 1.0).max(0.0));
        let under = self.min_accuracy.map_or(0.0, |min| (min - m.accuracy).max(0.0));
        over + under
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dgnn_core::ParamGuard;

    /// A measurement of `energy_atp` ATP (and 1e-20 J per ATP) at `accuracy`.
    fn measured(energy_atp: f64, accuracy: f64) -> Measurement {
        let mut m = Measurement::for_tests(1.0, 0.5, accuracy);
        m.energy_atp = energy_atp;
        m.energy_joules = energy_atp * 1e-20;
        m
    }

    #[test]
    fn violation_is_the_relative_shortfall() {
        let c = Constraints {
            max_energy: Some(2.0),
            min_accuracy: Some(0.9),
            ..Constraints::default()
        };
        let bounds =
            ResolvedConstraints::new(&c.check().unwrap(), &measured(1.0, 1.0), EnergyUnit::Atp);
        assert!(bounds.violation(&measured(1.0, 0.95)).abs() < 1e-15);
        assert!((bounds.violation(&measured(3.0, 0.95)) - 0.5).abs() < 1e-15);
        assert!((bounds.violation(&measured(1.0, 0.85)) - 0.05).abs() < 1e-12);
        let zero = Constraints { max_energy: Some(0.0), ..Constraints::default() };
        assert_eq!(zero.check().unwrap_err().field, "constraints.max_energy");
        let ratio = Constraints { max_energy_ratio: Some(-1.0), ..Constraints::default() };
        assert_eq!(ratio.check().unwrap_err().field, "constraints.max_energy_ratio");
        let drop = Constraints { max_accuracy_drop: Some(1.5), ..Constraints::default() };
        assert_eq!(drop.check().unwrap_err().field, "constraints.max_accuracy_drop");
    }

    #[test]
    fn relative_bounds_resolve_against_the_baseline_and_the_tighter_one_wins() {
        // A baseline of 8e9 ATP at 0.96: a ratio of 0.25 is a budget of 2e9 ATP, a drop of 0.02
        // a floor of 0.94. With an absolute budget of 1e9 beside it, 1e9 binds; with 3e9, 2e9.
        let baseline = measured(8e9, 0.96);
        let c = Constraints {
            max_energy_ratio: Some(0.25),
            max_accuracy_drop: Some(0.02),
            ..Constraints::default()
        };
        let bounds =
            ResolvedConstraints::new(&c.clone().check().unwrap(), &baseline, EnergyUnit::Atp);
        assert_eq!(bounds.max_energy(), Some(2e9));
        assert!((bounds.min_accuracy().unwrap() - 0.94).abs() < 1e-12);
        // 4e9 ATP is twice the budget (violation 1); 0.93 is one point under the floor.
        assert!((bounds.violation(&measured(4e9, 0.95)) - 1.0).abs() < 1e-12);
        assert!((bounds.violation(&measured(1e9, 0.93)) - 0.01).abs() < 1e-12);
        let tight = Constraints { max_energy: Some(1e9), ..c.clone() }.check().unwrap();
        assert_eq!(
            ResolvedConstraints::new(&tight, &baseline, EnergyUnit::Atp).max_energy(),
            Some(1e9)
        );
        let loose =
            Constraints { max_energy: Some(3e9), min_accuracy: Some(0.95), ..c }.check().unwrap();
        let bounds = ResolvedConstraints::new(&loose, &baseline, EnergyUnit::Atp);
        assert_eq!(bounds.max_energy(), Some(2e9));
        assert_eq!(bounds.min_accuracy(), Some(0.95));
        // In joules the same ratio is a budget in joules.
        let joules = ResolvedConstraints::new(
            &Constraints { max_energy_ratio: Some(0.5), ..Constraints::default() }.check().unwrap(),
            &baseline,
            EnergyUnit::Joules,
        );
        assert!((joules.max_energy().unwrap() - 4e9 * 1e-20).abs() < 1e-24);
    }

    #[test]
    fn relative_bounds_are_written_only_when_set() {
        // Configs without the relative bounds keep their RON text (and so their checkpoints'
        // problem descriptions); set ones read back.
        let plain = Constraints { max_energy: Some(1e9), ..Constraints::default() };
        assert_eq!(
            ron::to_string(&plain).unwrap(),
            "(max_energy:Some(1000000000.0),min_accuracy:None)"
        );
        let relative = Constraints { max_energy_ratio: Some(0.25), ..Constraints::default() };
        let text = ron::to_string(&relative).unwrap();
        assert_eq!(ron::from_str::<Constraints>(&text).unwrap(), relative);
        let read: Constraints = ron::from_str("(max_energy_ratio: Some(0.25))").unwrap();
        assert_eq!(read, relative);
    }
}
