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
//! Objectives have named roles ([`Objectives`], [`Role`]): an optional *energy* objective, the
//! *information* objective every search has, and any *extras*, evaluated in that order. Without
//! an energy objective the search is information-only (accuracy-driven NAS as usually practised:
//! one objective); its reports still show every network's measured energy, because reports and
//! constraints read energy from the [`Measurement`], never from an objective.
//!
//! Implement [`Objective`] to add one, in any role. Each objective also names its *reference*
//! value from the measurement of the baseline network (a plain MLP): the hypervolume is measured
//! against the reference point made of these, so it reads "what the search found that beats the
//! baseline's cost and knows more than nothing".

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

impl EnergyUnit {
    /// The unit's symbol in tables and progress lines: `ATP` or `J`.
    #[must_use]
    pub fn symbol(self) -> &'static str {
        match self {
            Self::Atp => "ATP",
            Self::Joules => "J",
        }
    }
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ObjectivesConfig {
    /// Unit of energy: of the energy objective, of the energy budget and of the reports
    /// (`Atp`, the default, or `Joules`).
    pub energy_unit: EnergyUnit,
    /// `Loss` (`H(Y) − I`, default) or `Negative` (`−I`).
    pub information: InformationForm,
    /// An optional third objective: `HardwareEnergy`, `Attractors` or `ErrorRate` (default
    /// none).
    pub third: Option<ThirdObjective>,
    /// Whether energy is an objective (default true). `false` makes an information-only search
    /// — accuracy-driven NAS as usually practised, one objective (two with `third`) — whose
    /// reports still show every network's measured energy. Written out only when false.
    #[serde(skip_serializing_if = "is_true")]
    pub minimise_energy: bool,
}

/// Whether a flag holds its default, `true` (so that it is not written out).
#[expect(
    clippy::trivially_copy_pass_by_ref,
    reason = "serde's skip_serializing_if passes a reference"
)]
fn is_true(flag: &bool) -> bool {
    *flag
}

impl Default for ObjectivesConfig {
    fn default() -> Self {
        Self {
            energy_unit: EnergyUnit::Atp,
            information: InformationForm::Loss,
            third: None,
            minimise_energy: true,
        }
    }
}

impl ObjectivesConfig {
    /// The objectives by role: energy (unless `minimise_energy` is false), information, then
    /// the third as an extra.
    #[must_use]
    pub fn build(&self) -> Objectives {
        let information = InformationObjective { form: self.information };
        let mut objectives = if self.minimise_energy {
            Objectives::energy_and_information(
                EnergyObjective { unit: self.energy_unit },
                information,
            )
        } else {
            Objectives::information_only(information)
        };
        match self.third {
            Some(ThirdObjective::HardwareEnergy) => {
                objectives = objectives.with_extra(HardwareObjective)
            }
            Some(ThirdObjective::Attractors) => {
                objectives = objectives.with_extra(AttractorObjective)
            }
            Some(ThirdObjective::ErrorRate) => objectives = objectives.with_extra(ErrorObjective),
            None => {}
        }
        objectives
    }
}

/// The role of an objective in a search.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// What a network costs (the paper's `E_min`).
    Energy,
    /// What a network knows about the label (the paper's `I_max`, or an accuracy).
    Information,
    /// Anything else minimised beside them.
    Extra,
}

/// The objectives of a search by role: an optional energy objective, the information objective
/// every search has, and any extras — in that order in every evaluation. A user's own
/// [`Objective`] fills any role:
///
/// ```
/// use dgnn_nas::{ErrorObjective, Measurement, Objective, Objectives};
///
/// /// Neurons as a cost (a smaller network is a cheaper one to deploy).
/// struct Neurons;
///
/// impl Objective for Neurons {
///     fn name(&self) -> String {
///         "neurons".into()
///     }
///     fn value(&self, m: &Measurement) -> f64 {
///         m.neurons as f64
///     }
///     fn reference(&self, baseline: &Measurement) -> f64 {
///         baseline.neurons as f64
///     }
///     fn ideal(&self, _baseline: &Measurement) -> Option<f64> {
///         Some(0.0)
///     }
/// }
///
/// // Accuracy-driven search with network size as the cost.
/// let objectives = Objectives::energy_and_information(Neurons, ErrorObjective);
/// assert_eq!(objectives.names(), ["neurons", "error_rate"]);
/// // Accuracy alone: one objective.
/// assert_eq!(Objectives::information_only(ErrorObjective).len(), 1);
/// ```
pub struct Objectives {
    energy: Option<Box<dyn Objective>>,
    information: Box<dyn Objective>,
    extras: Vec<Box<dyn Objective>>,
}

impl std::fmt::Debug for Objectives {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let roles: Vec<(Role, String)> = self.with_roles().map(|(r, o)| (r, o.name())).collect();
        f.debug_tuple("Objectives").field(&roles).finish()
    }
}

impl Objectives {
    /// An information-only search: one objective.
    #[must_use]
    pub fn information_only(information: impl Objective + 'static) -> Self {
        Self { energy: None, information: Box::new(information), extras: Vec::new() }
    }

    /// The paper's pair: energy and information.
    #[must_use]
    pub fn energy_and_information(
        energy: impl Objective + 'static,
        information: impl Objective + 'static,
    ) -> Self {
        Self {
            energy: Some(Box::new(energy)),
            information: Box::new(information),
            extras: Vec::new(),
        }
    }

    /// The same with one more objective after the others.
    #[must_use]
    pub fn with_extra(mut self, extra: impl Objective + 'static) -> Self {
        self.extras.push(Box::new(extra));
        self
    }

    /// The energy objective, if energy is minimised.
    #[must_use]
    pub fn energy(&self) -> Option<&dyn Objective> {
        self.energy.as_deref()
    }

    /// The information objective.
    #[must_use]
    pub fn information(&self) -> &dyn Objective {
        &*self.information
    }

    /// The extra objectives, in order.
    pub fn extras(&self) -> impl Iterator<Item = &dyn Objective> {
        self.extras.iter().map(|o| &**o)
    }

    /// Every objective with its role, in evaluation order: energy, information, extras.
    pub fn with_roles(&self) -> impl Iterator<Item = (Role, &dyn Objective)> {
        let energy = self.energy().map(|o| (Role::Energy, o));
        let extras = self.extras().map(|o| (Role::Extra, o));
        energy
            .into_iter()
            .chain(std::iter::once((Role::Information, self.information())))
            .chain(extras)
    }

    /// Every objective in evaluation order.
    pub fn iter(&self) -> impl Iterator<Item = &dyn Objective> {
        self.with_roles().map(|(_, o)| o)
    }

    /// The number of objectives.
    #[must_use]
    pub fn len(&self) -> usize {
        usize::from(self.energy.is_some()) + 1 + self.extras.len()
    }

    /// Never true: every search has an information objective.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The objectives' names, in order.
    #[must_use]
    pub fn names(&self) -> Vec<String> {
        self.iter().map(|o| o.name()).collect()
    }

    /// The objectives' values for a measured network, in order.
    #[must_use]
    pub fn values(&self, m: &Measurement) -> Vec<f64> {
        self.iter().map(|o| o.value(m)).collect()
    }

    /// The hypervolume reference point from the baseline's measurement, in order.
    #[must_use]
    pub fn reference_point(&self, baseline: &Measurement) -> Vec<f64> {
        self.iter().map(|o| o.reference(baseline)).collect()
    }

    /// The volume of the box between the ideal point and the reference point (the product of
    /// `|reference − ideal|`), if every objective has a finite ideal and the box is not flat.
    #[must_use]
    pub fn ideal_box_volume(&self, baseline: &Measurement) -> Option<f64> {
        let mut volume = 1.0;
        for o in self.iter() {
            volume *= (o.reference(baseline) - o.ideal(baseline)?).abs();
        }
        (volume > 0.0).then_some(volume)
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
        let config = ObjectivesConfig {
            energy_unit: EnergyUnit::Joules,
            information: InformationForm::Loss,
            third: Some(ThirdObjective::Attractors),
            minimise_energy: true,
        };
        let names = config.build().names();
        assert_eq!(names, ["energy_joules", "information_loss_bits", "negative_attractors_log2"]);
        let roles: Vec<Role> = config.build().with_roles().map(|(role, _)| role).collect();
        assert_eq!(roles, [Role::Energy, Role::Information, Role::Extra]);
        // Information-only: the energy role is empty, information comes first.
        let only = ObjectivesConfig { minimise_energy: false, ..config }.build();
        assert!(only.energy().is_none());
        assert_eq!(only.names(), ["information_loss_bits", "negative_attractors_log2"]);
        assert_eq!(only.len(), 2);
    }

    #[test]
    fn information_only_is_written_out_only_when_chosen() {
        // The default config's RON is unchanged by the flag; `false` is written and read back.
        let text = ron::to_string(&ObjectivesConfig::default()).unwrap();
        assert_eq!(text, "(energy_unit:Atp,information:Loss,third:None)");
        let only = ObjectivesConfig { minimise_energy: false, ..ObjectivesConfig::default() };
        let text = ron::to_string(&only).unwrap();
        assert_eq!(ron::from_str::<ObjectivesConfig>(&text).unwrap(), only);
    }

    #[test]
    fn the_ideal_box_spans_reference_to_ideal() {
        // Energy 1e9 ATP (ideal 0) × information loss H = 0.95 bit (ideal 0): 0.95e9.
        let baseline = Measurement::for_tests(0.95, 0.9, 0.97);
        let objectives = ObjectivesConfig::default().build();
        assert_eq!(objectives.reference_point(&baseline), [1e9, 0.95]);
        let volume = objectives.ideal_box_volume(&baseline).unwrap();
        assert!((volume - 0.95e9).abs() < 1e-3);
        // The attractor objective has no finite ideal.
        let with_attractors = objectives.with_extra(AttractorObjective);
        assert_eq!(with_attractors.ideal_box_volume(&baseline), None);
    }
}
