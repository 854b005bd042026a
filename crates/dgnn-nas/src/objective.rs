//! What the search minimises: objectives computed from a [`Measurement`] of a trained network.
//!
//! The paper's performance estimate is (minimum energy `E_min`, maximum information `I_max`)
//! (section 2.6). Built in:
//! - [`EnergyObjective`]: energy per inference under the search's energy model, in ATP (the
//!   default) or joules;
//! - [`InformationObjective`]: the information the network fails to transmit about the label,
//!   `H(Y) − I(Y; Ŷ)` bits (0 for a perfect classifier, `H(Y)` for a constant one), or `−I`;
//! - optional third objectives: [`HardwareObjective`] (the 45 nm hardware energy of the same
//!   inference, Horowitz 2014), [`AttractorObjective`] (`−log₂` of the number of attractors of the
//!   phase layer, to favour multistable networks for multitask use, as the paper proposes) and
//!   [`ErrorObjective`] (`1 − accuracy`).
//!
//! Implement [`Objective`] to add one. Each objective also names its *reference* value from the
//! measurement of the baseline network (a plain MLP): the hypervolume is measured against the
//! reference point made of these, so it reads "what the search found that beats the baseline's
//! cost and knows more than nothing".

use crate::measure::Measurement;
use serde::{Deserialize, Serialize};

/// One minimised objective of the search.
pub trait Objective: Send + Sync {
    /// Column name in tables (`energy_atp`, `information_loss_bits` …).
    fn name(&self) -> String;
    /// The value to minimise for a measured network.
    fn value(&self, measurement: &Measurement) -> f64;
    /// The hypervolume reference value given the baseline's measurement (worse than or equal to
    /// anything worth keeping).
    fn reference(&self, baseline: &Measurement) -> f64;
    /// The best value the objective can take, if finite (0 energy, no information lost …);
    /// normalised hypervolumes divide by the box between it and the reference.
    fn ideal(&self, baseline: &Measurement) -> Option<f64>;
}

/// The unit of the energy objective.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum EnergyUnit {
    /// ATP molecules per inference (the default).
    #[default]
    Atp,
    /// Joules per inference.
    Joules,
}

/// Energy per inference under the search's energy model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnergyObjective {
    /// The unit.
    pub unit: EnergyUnit,
}

impl Objective for EnergyObjective {
    fn name(&self) -> String {
        match self.unit {
            EnergyUnit::Atp => "energy_atp".into(),
            EnergyUnit::Joules => "energy_joules".into(),
        }
    }

    fn value(&self, m: &Measurement) -> f64 {
        match self.unit {
            EnergyUnit::Atp => m.energy_atp,
            EnergyUnit::Joules => m.energy_joules,
        }
    }

    /// The baseline's energy: the front is judged where it is cheaper than the baseline.
    fn reference(&self, baseline: &Measurement) -> f64 {
        self.value(baseline)
    }

    fn ideal(&self, _baseline: &Measurement) -> Option<f64> {
        Some(0.0)
    }
}

/// How information enters the objective.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum InformationForm {
    /// `H(Y) − I(Y; Ŷ)` bits: the information lost (the default).
    #[default]
    Loss,
    /// `−I(Y; Ŷ)` bits.
    Negative,
}

/// The information a network transmits about the label, as a minimised objective.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InformationObjective {
    /// Loss `H − I` or `−I`.
    pub form: InformationForm,
}

impl Objective for InformationObjective {
    fn name(&self) -> String {
        match self.form {
            InformationForm::Loss => "information_loss_bits".into(),
            InformationForm::Negative => "negative_information_bits".into(),
        }
    }

    fn value(&self, m: &Measurement) -> f64 {
        match self.form {
            InformationForm::Loss => (m.label_entropy_bits - m.information_bits).max(0.0),
            InformationForm::Negative => -m.information_bits,
        }
    }

    /// A network that transmits nothing (`I = 0`).
    fn reference(&self, baseline: &Measurement) -> f64 {
        match self.form {
            InformationForm::Loss => baseline.label_entropy_bits,
            InformationForm::Negative => 0.0,
        }
    }

    /// A perfect classifier (`I = H(Y)`).
    fn ideal(&self, baseline: &Measurement) -> Option<f64> {
        Some(match self.form {
            InformationForm::Loss => 0.0,
            InformationForm::Negative => -baseline.label_entropy_bits,
        })
    }
}

/// The hardware energy (45 nm, Horowitz 2014) of one inference, in picojoules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HardwareObjective;

impl Objective for HardwareObjective {
    fn name(&self) -> String {
        "hardware_pj".into()
    }

    fn value(&self, m: &Measurement) -> f64 {
        m.hardware_joules * 1e12
    }

    fn reference(&self, baseline: &Measurement) -> f64 {
        self.value(baseline)
    }

    fn ideal(&self, _baseline: &Measurement) -> Option<f64> {
        Some(0.0)
    }
}

/// `−log₂` of the number of attractors of the phase layer (0 without one): minimising it
/// favours multistable networks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttractorObjective;

impl Objective for AttractorObjective {
    fn name(&self) -> String {
        "negative_attractors_log2".into()
    }

    fn value(&self, m: &Measurement) -> f64 {
        -m.attractors_log2
    }

    /// A network with a single attractor.
    fn reference(&self, _baseline: &Measurement) -> f64 {
        0.0
    }

    /// Unbounded: the count grows with the network.
    fn ideal(&self, _baseline: &Measurement) -> Option<f64> {
        None
    }
}

/// The validation error rate `1 − accuracy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorObjective;

impl Objective for ErrorObjective {
    fn name(&self) -> String {
        "error_rate".into()
    }

    fn value(&self, m: &Measurement) -> f64 {
        1.0 - m.accuracy
    }

    fn reference(&self, _baseline: &Measurement) -> f64 {
        1.0
    }

    fn ideal(&self, _baseline: &Measurement) -> Option<f64> {
        Some(0.0)
    }
}

/// The optional third objective, by name in configs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ThirdObjective {
    /// [`HardwareObjective`].
    HardwareEnergy,
    /// [`AttractorObjective`].
    Attractors,
    /// [`ErrorObjective`].
    ErrorRate,
}

/// The objectives of a search (RON; every field optional).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ObjectivesConfig {
    /// Unit of the energy objective: `Atp` (default) or `Joules`.
    pub energy_unit: EnergyUnit,
    /// `Loss` (`H(Y) − I`, default) or `Negative` (`−I`).
    pub information: InformationForm,
    /// An optional third objective: `HardwareEnergy`, `Attractors` or `ErrorRate` (default
    /// none).
    pub third: Option<ThirdObjective>,
}

impl ObjectivesConfig {
    /// The objectives in order: energy, information, then the third if any.
    #[must_use]
    pub fn build(&self) -> Vec<Box<dyn Objective>> {
        let mut out: Vec<Box<dyn Objective>> = vec![
            Box::new(EnergyObjective { unit: self.energy_unit }),
            Box::new(InformationObjective { form: self.information }),
        ];
        match self.third {
            Some(ThirdObjective::HardwareEnergy) => out.push(Box::new(HardwareObjective)),
            Some(ThirdObjective::Attractors) => out.push(Box::new(AttractorObjective)),
            Some(ThirdObjective::ErrorRate) => out.push(Box::new(ErrorObjective)),
            None => {}
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn information_objectives_bracket_perfect_and_constant_classifiers() {
        // Cover & Thomas: 0 ≤ I(Y; Ŷ) ≤ H(Y); a perfect classifier has I = H, a constant one 0.
        let mut m = Measurement::for_tests(0.95, 0.95, 1.0);
        let loss = InformationObjective { form: InformationForm::Loss };
        assert!((loss.value(&m) - 0.0).abs() < 1e-15);
        m.information_bits = 0.0;
        assert!((loss.value(&m) - 0.95).abs() < 1e-15);
        assert!((loss.reference(&m) - 0.95).abs() < 1e-15);
        let neg = InformationObjective { form: InformationForm::Negative };
        m.information_bits = 0.5;
        assert!((neg.value(&m) + 0.5).abs() < 1e-15);
    }

    #[test]
    fn objectives_are_built_in_order() {
        let names: Vec<String> = ObjectivesConfig {
            energy_unit: EnergyUnit::Joules,
            information: InformationForm::Loss,
            third: Some(ThirdObjective::Attractors),
        }
        .build()
        .iter()
        .map(|o| o.name())
        .collect();
        assert_eq!(names, ["energy_joules", "information_loss_bits", "negative_attractors_log2"]);
    }
}
