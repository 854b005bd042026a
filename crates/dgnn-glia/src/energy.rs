//! What an inference costs: the [`EnergyModel`] trait and two models, metabolic and hardware.
//!
//! A model turns an [`ActivityReport`] (per-inference activity, synaptic events, synapse and
//! astrocyte counts per region) into an [`EnergyBreakdown`]: a list of (category, region, joules)
//! items whose sums by category and by region both equal the total, by construction.
//!
//! **Biological** ([`BiologicalEnergy`], ATP per inference, then joules with
//! `dgnn_core::Atp::to_joules`, 1 ATP ≈ 8.3e-20 J at 50 kJ/mol):
//! - `spikes`: each unit of activity is `max_rate_hz · step_seconds` action potentials per
//!   iteration, each costing 3.84e8 ATP (Attwell & Laughlin 2001, J Cereb Blood Flow Metab
//!   21:1133);
//! - `synaptic`: each presynaptic action potential releases a vesicle at each of its active
//!   synapses with probability `release_probability`; a vesicle costs 1.64e5 ATP, pre- and
//!   postsynaptic ion pumping and recycling together (Attwell & Laughlin 2001);
//! - `resting`: 3.42e8 ATP/s per neuron to hold the resting potential (Attwell & Laughlin 2001,
//!   13 % of 3.29e9 ATP/s per neuron at 4 Hz, shared with glia as below), for `step_seconds` per
//!   iteration;
//! - `astrocytes`: 1.02e8 ATP/s per astrocyte for its own resting potential (Attwell & Laughlin
//!   2001's glial share), for `step_seconds` per iteration.
//!
//! So synaptic cost is linear in the active synapses and in presynaptic activity: doubling the
//! active synapses at equal activity doubles it exactly. Howarth, Gleeson & Attwell 2012 (J Cereb
//! Blood Flow Metab 32:1222) revised the spike cost down (cortex: postsynaptic 50 %, spikes 21 %,
//! resting 20 %); set `atp_per_spike` to explore that budget.
//!
//! **Hardware** ([`HardwareEnergy`], Horowitz 2014, ISSCC, 45 nm, fp32): per active synapse and
//! iteration one multiply (3.7 pJ) and one add (0.9 pJ) (`compute`) and one 32-bit weight read
//! from a small SRAM, half of a 64-bit 8 KB-SRAM read of 10 pJ (`memory`); per neuron and
//! iteration one activation (about four multiplies and four adds, `activation`) and one 32-bit
//! write of its output (`memory`); per astrocyte counter and iteration one int8 add (0.03 pJ) and,
//! per glial event, two fp32 multiplies to rescale the factors (`astrocytes`). Weights are assumed
//! to stay on chip (no DRAM traffic); the phase gates are folded into the stored weights once per
//! context and cost nothing per inference.

use crate::network::ActivityReport;
use dgnn_core::error::{non_negative, positive};
use dgnn_core::units::JOULES_PER_ATP;
use dgnn_core::{Atp, Joules, ParamError, Valid, Validate};
use serde::{Deserialize, Serialize};
use std::fmt;

/// What an energy item pays for. Reports write the lower-case name (`spikes`, `synaptic` …).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", from = "String")]
pub enum EnergyCategory {
    /// Action potentials (biological model).
    Spikes,
    /// Vesicle release and its recycling at active synapses (biological model).
    Synaptic,
    /// Neurons holding their resting potential (biological model).
    Resting,
    /// Astrocytes: their resting upkeep (biological) or their counters and rescaling (hardware).
    Astrocytes,
    /// Multiply-adds of active synapses (hardware model).
    Compute,
    /// Weight reads and output writes (hardware model).
    Memory,
    /// Activation functions (hardware model).
    Activation,
    /// A category of a user's own [`EnergyModel`], by its name.
    Other(String),
}

impl EnergyCategory {
    /// The name reports use.
    #[must_use]
    pub fn name(&self) -> &str {
        match self {
            Self::Spikes => "spikes",
            Self::Synaptic => "synaptic",
            Self::Resting => "resting",
            Self::Astrocytes => "astrocytes",
            Self::Compute => "compute",
            Self::Memory => "memory",
            Self::Activation => "activation",
            Self::Other(name) => name,
        }
    }
}

impl fmt::Display for EnergyCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl From<EnergyCategory> for String {
    fn from(category: EnergyCategory) -> Self {
        category.name().to_string()
    }
}

/// The category of a name as reports write it; any other name is [`EnergyCategory::Other`].
impl From<String> for EnergyCategory {
    fn from(name: String) -> Self {
        match name.as_str() {
            "spikes" => Self::Spikes,
            "synaptic" => Self::Synaptic,
            "resting" => Self::Resting,
            "astrocytes" => Self::Astrocytes,
            "compute" => Self::Compute,
            "memory" => Self::Memory,
            "activation" => Self::Activation,
            _ => Self::Other(name),
        }
    }
}

/// A level of units of a network: a hidden region or the output. Reports write `region N`
/// (numbered from 1, input side first) and `output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum RegionId {
    /// Hidden region number `n`, counted from 1 on the input side.
    Hidden(usize),
    /// The output units.
    Output,
}

impl fmt::Display for RegionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Hidden(n) => write!(f, "region {n}"),
            Self::Output => f.write_str("output"),
        }
    }
}

impl From<RegionId> for String {
    fn from(region: RegionId) -> Self {
        region.to_string()
    }
}

impl TryFrom<String> for RegionId {
    type Error = String;

    fn try_from(name: String) -> Result<Self, String> {
        if name == "output" {
            return Ok(Self::Output);
        }
        name.strip_prefix("region ")
            .and_then(|n| n.parse().ok())
            .filter(|&n: &usize| n >= 1)
            .map(Self::Hidden)
            .ok_or_else(|| {
                format!("`{name}` is not a region: write `region N` (N ≥ 1) or `output`")
            })
    }
}

/// One part of an energy breakdown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnergyItem {
    /// What it pays for.
    pub category: EnergyCategory,
    /// Where in the network.
    pub region: RegionId,
    /// Energy per inference in joules.
    pub joules: f64,
}

/// The energy of one inference, itemised by category and region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnergyBreakdown {
    /// The model's name.
    pub model: String,
    /// The items; their sum is the total.
    pub items: Vec<EnergyItem>,
}

impl EnergyBreakdown {
    /// Total energy per inference.
    #[must_use]
    pub fn total(&self) -> Joules {
        Joules(self.items.iter().map(|i| i.joules).sum())
    }

    /// Total energy per inference as an ATP count (the hardware model's equivalent).
    #[must_use]
    pub fn total_atp(&self) -> Atp {
        Atp(self.total().value() / JOULES_PER_ATP)
    }

    fn grouped<K: PartialEq + Clone>(&self, key: impl Fn(&EnergyItem) -> &K) -> Vec<(K, Joules)> {
        let mut out: Vec<(K, Joules)> = Vec::new();
        for item in &self.items {
            match out.iter_mut().find(|(k, _)| k == key(item)) {
                Some((_, j)) => *j += Joules(item.joules),
                None => out.push((key(item).clone(), Joules(item.joules))),
            }
        }
        out
    }

    /// Energy per category, in first-seen order.
    #[must_use]
    pub fn by_category(&self) -> Vec<(EnergyCategory, Joules)> {
        self.grouped(|i| &i.category)
    }

    /// Energy per region, in network order.
    #[must_use]
    pub fn by_region(&self) -> Vec<(RegionId, Joules)> {
        self.grouped(|i| &i.region)
    }

    /// The energy of one category (zero when the model has no such item).
    #[must_use]
    pub fn category(&self, category: &EnergyCategory) -> Joules {
        Joules(self.items.iter().filter(|i| &i.category == category).map(|i| i.joules).sum())
    }
}

/// A way of pricing an inference. Implement it to add an energy model; the models of this crate
/// implement it for their checked parameters only (`Valid<BiologicalEnergy>` …), so unchecked
/// unit costs never price anything.
pub trait EnergyModel: Sync {
    /// A short name for reports ("biological", "hardware-45nm" …).
    fn name(&self) -> String;
    /// The per-inference breakdown of `activity`.
    fn account(&self, activity: &ActivityReport) -> EnergyBreakdown;
}

/// The metabolic model (module docs); every field has a sourced default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BiologicalEnergy {
    /// ATP per action potential (default 3.84e8, Attwell & Laughlin 2001).
    pub atp_per_spike: f64,
    /// ATP per released vesicle, pre + post + recycling (default 1.64e5, Attwell & Laughlin 2001).
    pub atp_per_vesicle: f64,
    /// Vesicle release probability per synapse per spike (default 0.25, a typical cortical value).
    pub release_probability: f64,
    /// Resting-potential ATP per neuron per second (default 3.42e8, Attwell & Laughlin 2001).
    pub resting_atp_per_neuron_second: f64,
    /// Resting ATP per astrocyte per second (default 1.02e8, Attwell & Laughlin 2001).
    pub atp_per_astrocyte_second: f64,
    /// Firing rate of a fully active neuron (activity 1), Hz (default 100).
    pub max_rate_hz: f64,
    /// Duration of one iteration in seconds (default 0.01).
    pub step_seconds: f64,
}

impl Default for BiologicalEnergy {
    fn default() -> Self {
        Self {
            atp_per_spike: 3.84e8,
            atp_per_vesicle: 1.64e5,
            release_probability: 0.25,
            resting_atp_per_neuron_second: 3.42e8,
            atp_per_astrocyte_second: 1.02e8,
            max_rate_hz: 100.0,
            step_seconds: 0.01,
        }
    }
}

/// Unit costs and rates are finite and ≥ 0, the release probability lies in [0, 1] and the
/// step is > 0.
impl Validate for BiologicalEnergy {
    fn validate(&self) -> Result<(), ParamError> {
        non_negative("atp_per_spike", self.atp_per_spike)?;
        non_negative("atp_per_vesicle", self.atp_per_vesicle)?;
        dgnn_core::error::in_range("release_probability", self.release_probability, 0.0, 1.0)?;
        non_negative("resting_atp_per_neuron_second", self.resting_atp_per_neuron_second)?;
        non_negative("atp_per_astrocyte_second", self.atp_per_astrocyte_second)?;
        non_negative("max_rate_hz", self.max_rate_hz)?;
        positive("step_seconds", self.step_seconds)?;
        Ok(())
    }
}

impl BiologicalEnergy {
    fn breakdown(&self, activity: &ActivityReport) -> EnergyBreakdown {
        let spikes_per_activity = self.max_rate_hz * self.step_seconds;
        let duration = self.step_seconds * activity.iterations as f64;
        let j = |atp: f64| Atp(atp).to_joules().value();
        let mut items = Vec::new();
        for r in &activity.regions {
            let item = |category, joules| EnergyItem { category, region: r.region, joules };
            items.push(item(
                EnergyCategory::Spikes,
                j(r.activity * spikes_per_activity * self.atp_per_spike),
            ));
            items.push(item(
                EnergyCategory::Synaptic,
                j(r.synaptic_events
                    * spikes_per_activity
                    * self.release_probability
                    * self.atp_per_vesicle),
            ));
            items.push(item(
                EnergyCategory::Resting,
                j(r.neurons as f64 * self.resting_atp_per_neuron_second * duration),
            ));
            items.push(item(
                EnergyCategory::Astrocytes,
                j(r.astrocytes as f64 * self.atp_per_astrocyte_second * duration),
            ));
        }
        EnergyBreakdown { model: BIOLOGICAL.into(), items }
    }
}

const BIOLOGICAL: &str = "biological";
const HARDWARE: &str = "hardware-45nm";

impl EnergyModel for Valid<BiologicalEnergy> {
    fn name(&self) -> String {
        BIOLOGICAL.into()
    }

    fn account(&self, activity: &ActivityReport) -> EnergyBreakdown {
        self.breakdown(activity)
    }
}

/// The hardware model (module docs), energies in picojoules per operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HardwareEnergy {
    /// fp32 multiply, pJ (default 3.7).
    pub mult_pj: f64,
    /// fp32 add, pJ (default 0.9).
    pub add_pj: f64,
    /// 32-bit SRAM read or write, pJ (default 5.0: half of a 10 pJ 64-bit read from 8 KB SRAM).
    pub sram_word_pj: f64,
    /// int8 add for an astrocyte counter, pJ (default 0.03).
    pub int_add_pj: f64,
    /// Multiplies plus adds per activation function (default 4 of each).
    pub ops_per_activation: f64,
}

impl Default for HardwareEnergy {
    fn default() -> Self {
        Self {
            mult_pj: 3.7,
            add_pj: 0.9,
            sram_word_pj: 5.0,
            int_add_pj: 0.03,
            ops_per_activation: 4.0,
        }
    }
}

/// Every energy and operation count is finite and ≥ 0.
impl Validate for HardwareEnergy {
    fn validate(&self) -> Result<(), ParamError> {
        non_negative("mult_pj", self.mult_pj)?;
        non_negative("add_pj", self.add_pj)?;
        non_negative("sram_word_pj", self.sram_word_pj)?;
        non_negative("int_add_pj", self.int_add_pj)?;
        non_negative("ops_per_activation", self.ops_per_activation)?;
        Ok(())
    }
}

impl HardwareEnergy {
    fn breakdown(&self, activity: &ActivityReport) -> EnergyBreakdown {
        const PJ: f64 = 1e-12;
        let k = activity.iterations as f64;
        let mut items = Vec::new();
        for r in &activity.regions {
            let item = |category, joules| EnergyItem { category, region: r.region, joules };
            let n = r.neurons as f64;
            items.push(item(
                EnergyCategory::Compute,
                r.synapses * k * (self.mult_pj + self.add_pj) * PJ,
            ));
            items.push(item(EnergyCategory::Memory, (r.synapses + n) * k * self.sram_word_pj * PJ));
            items.push(item(
                EnergyCategory::Activation,
                n * k * self.ops_per_activation * (self.mult_pj + self.add_pj) * PJ,
            ));
            items.push(item(
                EnergyCategory::Astrocytes,
                (r.counters as f64 * k * self.int_add_pj + r.glial_events * 2.0 * self.mult_pj)
                    * PJ,
            ));
        }
        EnergyBreakdown { model: HARDWARE.into(), items }
    }
}

impl EnergyModel for Valid<HardwareEnergy> {
    fn name(&self) -> String {
        HARDWARE.into()
    }

    fn account(&self, activity: &ActivityReport) -> EnergyBreakdown {
        self.breakdown(activity)
    }
}

/// The energy models by name, for configs: `Biological(…)` or `Hardware(…)`. Checked, it is an
/// [`EnergyModel`] itself (`Valid<EnergyChoice>`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum EnergyChoice {
    /// [`BiologicalEnergy`] with the given parameters.
    Biological(BiologicalEnergy),
    /// [`HardwareEnergy`] with the given parameters.
    Hardware(HardwareEnergy),
}

impl Default for EnergyChoice {
    fn default() -> Self {
        Self::Biological(BiologicalEnergy::default())
    }
}

impl EnergyChoice {
    /// The chosen model's name in reports ("biological", "hardware-45nm").
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            Self::Biological(_) => BIOLOGICAL,
            Self::Hardware(_) => HARDWARE,
        }
    }
}

/// Checks the chosen model's parameters; a bad field is named under the model
/// (`biological.atp_per_spike`).
impl Validate for EnergyChoice {
    fn validate(&self) -> Result<(), ParamError> {
        match self {
            Self::Biological(m) => m.validate().map_err(|e| e.within("biological")),
            Self::Hardware(m) => m.validate().map_err(|e| e.within("hardware")),
        }
    }
}

impl EnergyModel for Valid<EnergyChoice> {
    fn name(&self) -> String {
        EnergyChoice::name(self).into()
    }

    fn account(&self, activity: &ActivityReport) -> EnergyBreakdown {
        match &**self {
            EnergyChoice::Biological(m) => m.breakdown(activity),
            EnergyChoice::Hardware(m) => m.breakdown(activity),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::RegionActivity;
    use dgnn_core::ParamGuard;
    use proptest::prelude::*;

    fn region(n: usize, synapses: f64, activity: f64, events: f64) -> RegionActivity {
        RegionActivity {
            region: RegionId::Hidden(n),
            neurons: 16,
            astrocytes: 32,
            counters: 16,
            synapses,
            activity,
            synaptic_events: events,
            glial_events: 1.5,
        }
    }

    #[test]
    fn biological_items_follow_the_published_unit_costs() {
        // One region, one iteration: activity 2 → 2 spikes (100 Hz × 10 ms) × 3.84e8 ATP;
        // 10 synaptic events → 10 × 1 spike × 0.25 × 1.64e5 ATP; 16 neurons × 3.42e8 × 0.01 s;
        // 32 astrocytes × 1.02e8 × 0.01 s.
        let report = ActivityReport { iterations: 1, regions: vec![region(1, 40.0, 2.0, 10.0)] };
        let b = BiologicalEnergy::default().check().unwrap().account(&report);
        let atp = |c: EnergyCategory| b.category(&c).value() / JOULES_PER_ATP;
        assert!((atp(EnergyCategory::Spikes) - 2.0 * 3.84e8).abs() < 1e-6 * 7.68e8);
        assert!((atp(EnergyCategory::Synaptic) - 10.0 * 0.25 * 1.64e5).abs() < 1e-6 * 4.1e5);
        assert!((atp(EnergyCategory::Resting) - 16.0 * 3.42e6).abs() < 1e-6 * 5.5e7);
        assert!((atp(EnergyCategory::Astrocytes) - 32.0 * 1.02e6).abs() < 1e-6 * 3.3e7);
    }

    #[test]
    fn hardware_items_follow_horowitz() {
        // 40 synapses × (3.7 + 0.9) pJ = 184 pJ of compute per iteration.
        let report = ActivityReport { iterations: 2, regions: vec![region(1, 40.0, 2.0, 10.0)] };
        let h = HardwareEnergy::default().check().unwrap().account(&report);
        let compute = h.category(&EnergyCategory::Compute);
        assert!((compute.value() - 2.0 * 184e-12).abs() < 1e-24);
    }

    #[test]
    fn a_checked_choice_prices_as_its_model() {
        let report = ActivityReport { iterations: 3, regions: vec![region(2, 7.0, 1.5, 4.0)] };
        for choice in [
            EnergyChoice::Biological(BiologicalEnergy::default()),
            EnergyChoice::Hardware(HardwareEnergy::default()),
        ] {
            let direct = match &choice {
                EnergyChoice::Biological(m) => m.clone().check().unwrap().account(&report),
                EnergyChoice::Hardware(m) => m.clone().check().unwrap().account(&report),
            };
            let checked = choice.check().unwrap();
            assert_eq!(checked.account(&report), direct);
            assert_eq!(checked.name(), direct.model);
        }
    }

    #[test]
    fn names_read_back_as_their_category_and_region() {
        for category in [
            EnergyCategory::Spikes,
            EnergyCategory::Synaptic,
            EnergyCategory::Resting,
            EnergyCategory::Astrocytes,
            EnergyCategory::Compute,
            EnergyCategory::Memory,
            EnergyCategory::Activation,
        ] {
            assert_eq!(EnergyCategory::from(category.to_string()), category);
        }
        assert_eq!(EnergyCategory::from("glycolysis".to_string()).name(), "glycolysis");
        assert_eq!(RegionId::Hidden(3).to_string(), "region 3");
        assert_eq!(RegionId::try_from("output".to_string()), Ok(RegionId::Output));
        assert!(RegionId::try_from("region 0".to_string()).is_err());
        assert!(RegionId::try_from("regoin 1".to_string()).is_err());
        // Reports keep the plain names.
        let item = EnergyItem {
            category: EnergyCategory::Spikes,
            region: RegionId::Hidden(2),
            joules: 1.0,
        };
        assert_eq!(
            ron::to_string(&item).unwrap(),
            r#"(category:"spikes",region:"region 2",joules:1.0)"#
        );
    }

    proptest! {
        // Invariant: category sums and region sums both equal the total, for both models; and
        // synaptic / compute costs scale linearly with synaptic events / synapses.
        #[test]
        fn breakdowns_sum_and_scale(
            k in 1usize..8,
            regions in proptest::collection::vec((0.0f64..500.0, 0.0f64..30.0, 0.0f64..300.0), 1..5),
        ) {
            let report = ActivityReport {
                iterations: k,
                regions: regions.iter().enumerate()
                    .map(|(i, &(s, a, e))| region(i + 1, s, a, e)).collect(),
            };
            let mut doubled = report.clone();
            for r in &mut doubled.regions { r.synapses *= 2.0; r.synaptic_events *= 2.0; }
            let bio = BiologicalEnergy::default().check().unwrap();
            let hw = HardwareEnergy::default().check().unwrap();
            for (model, key) in [
                (&bio as &dyn EnergyModel, EnergyCategory::Synaptic),
                (&hw, EnergyCategory::Compute),
            ] {
                let b = model.account(&report);
                let total = b.total().value();
                let cats: f64 = b.by_category().iter().map(|(_, j)| j.value()).sum();
                let regs: f64 = b.by_region().iter().map(|(_, j)| j.value()).sum();
                prop_assert!((cats - total).abs() <= 1e-12 * total.abs().max(1e-30));
                prop_assert!((regs - total).abs() <= 1e-12 * total.abs().max(1e-30));
                let d = model.account(&doubled);
                let (once, twice) = (b.category(&key).value(), d.category(&key).value());
                prop_assert!((twice - 2.0 * once).abs() <= 1e-12 * twice.max(1e-30));
            }
        }

        // Invariant: a model is accepted exactly when every unit cost is finite and ≥ 0 (and the
        // release probability ≤ 1, the step > 0); a refusal names the field that broke it.
        #[test]
        fn unit_costs_are_checked_by_field(field in 0usize..7, value in -1e9f64..1e9) {
            let mut bio = BiologicalEnergy::default();
            let (name, slot) = match field {
                0 => ("atp_per_spike", &mut bio.atp_per_spike),
                1 => ("atp_per_vesicle", &mut bio.atp_per_vesicle),
                2 => ("release_probability", &mut bio.release_probability),
                3 => ("resting_atp_per_neuron_second", &mut bio.resting_atp_per_neuron_second),
                4 => ("atp_per_astrocyte_second", &mut bio.atp_per_astrocyte_second),
                5 => ("max_rate_hz", &mut bio.max_rate_hz),
                _ => ("step_seconds", &mut bio.step_seconds),
            };
            *slot = value;
            let allowed = match name {
                "release_probability" => (0.0..=1.0).contains(&value),
                "step_seconds" => value > 0.0,
                _ => value >= 0.0,
            };
            let checked = EnergyChoice::Biological(bio).check();
            prop_assert_eq!(checked.is_ok(), allowed);
            if let Err(e) = checked {
                prop_assert_eq!(e.field, format!("biological.{name}"));
            }
            let mut hw = HardwareEnergy::default();
            let (name, slot) = match field % 5 {
                0 => ("mult_pj", &mut hw.mult_pj),
                1 => ("add_pj", &mut hw.add_pj),
                2 => ("sram_word_pj", &mut hw.sram_word_pj),
                3 => ("int_add_pj", &mut hw.int_add_pj),
                _ => ("ops_per_activation", &mut hw.ops_per_activation),
            };
            *slot = value;
            let checked = hw.check();
            prop_assert_eq!(checked.is_ok(), value >= 0.0);
            if let Err(e) = checked {
                prop_assert_eq!(e.field, name);
            }
        }
    }

    #[test]
    fn a_negative_energy_cannot_be_read_from_a_config() {
        // The raw model is what a config holds; reading the checked one checks it.
        let bad = ron::from_str::<Valid<EnergyChoice>>("Biological((atp_per_spike: -1.0))");
        assert!(bad.unwrap_err().to_string().contains("biological.atp_per_spike"));
        let good = ron::from_str::<Valid<EnergyChoice>>("Hardware((mult_pj: 2.0))").unwrap();
        assert_eq!(good.name(), "hardware-45nm");
    }
}
