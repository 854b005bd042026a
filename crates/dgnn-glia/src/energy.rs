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
use dgnn_core::{Atp, Joules, ParamError};
use serde::{Deserialize, Serialize};

/// One part of an energy breakdown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnergyItem {
    /// The cost category ("spikes", "synaptic", "compute" …).
    pub category: String,
    /// The region ("region 1" … "output").
    pub region: String,
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

    fn grouped(&self, key: impl Fn(&EnergyItem) -> &str) -> Vec<(String, Joules)> {
        let mut out: Vec<(String, Joules)> = Vec::new();
        for item in &self.items {
            match out.iter_mut().find(|(k, _)| k == key(item)) {
                Some((_, j)) => *j += Joules(item.joules),
                None => out.push((key(item).to_string(), Joules(item.joules))),
            }
        }
        out
    }

    /// Energy per category, in first-seen order.
    #[must_use]
    pub fn by_category(&self) -> Vec<(String, Joules)> {
        self.grouped(|i| &i.category)
    }

    /// Energy per region, in network order.
    #[must_use]
    pub fn by_region(&self) -> Vec<(String, Joules)> {
        self.grouped(|i| &i.region)
    }
}

/// A way of pricing an inference. Implement it to add an energy model.
pub trait EnergyModel: Sync {
    /// A short name for reports ("biological", "hardware-45nm" …).
    fn name(&self) -> String;
    /// The per-inference breakdown of `activity`.
    fn account(&self, activity: &ActivityReport) -> EnergyBreakdown;
}

fn item(category: &str, region: &str, joules: f64) -> EnergyItem {
    EnergyItem { category: category.into(), region: region.into(), joules }
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

impl BiologicalEnergy {
    /// Checks the parameters.
    pub fn check(&self) -> Result<(), ParamError> {
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

impl EnergyModel for BiologicalEnergy {
    fn name(&self) -> String {
        "biological".into()
    }

    fn account(&self, activity: &ActivityReport) -> EnergyBreakdown {
        let spikes_per_activity = self.max_rate_hz * self.step_seconds;
        let duration = self.step_seconds * activity.iterations as f64;
        let j = |atp: f64| Atp(atp).to_joules().value();
        let mut items = Vec::new();
        for r in &activity.regions {
            items.push(item(
                "spikes",
                &r.name,
                j(r.activity * spikes_per_activity * self.atp_per_spike),
            ));
            items.push(item(
                "synaptic",
                &r.name,
                j(r.synaptic_events
                    * spikes_per_activity
                    * self.release_probability
                    * self.atp_per_vesicle),
            ));
            items.push(item(
                "resting",
                &r.name,
                j(r.neurons as f64 * self.resting_atp_per_neuron_second * duration),
            ));
            items.push(item(
                "astrocytes",
                &r.name,
                j(r.astrocytes as f64 * self.atp_per_astrocyte_second * duration),
            ));
        }
        EnergyBreakdown { model: self.name(), items }
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

impl EnergyModel for HardwareEnergy {
    fn name(&self) -> String {
        "hardware-45nm".into()
    }

    fn account(&self, activity: &ActivityReport) -> EnergyBreakdown {
        const PJ: f64 = 1e-12;
        let k = activity.iterations as f64;
        let mut items = Vec::new();
        for r in &activity.regions {
            let n = r.neurons as f64;
            items.push(item(
                "compute",
                &r.name,
                r.synapses * k * (self.mult_pj + self.add_pj) * PJ,
            ));
            items.push(item("memory", &r.name, (r.synapses + n) * k * self.sram_word_pj * PJ));
            items.push(item(
                "activation",
                &r.name,
                n * k * self.ops_per_activation * (self.mult_pj + self.add_pj) * PJ,
            ));
            items.push(item(
                "astrocytes",
                &r.name,
                (r.counters as f64 * k * self.int_add_pj + r.glial_events * 2.0 * self.mult_pj)
                    * PJ,
            ));
        }
        EnergyBreakdown { model: self.name(), items }
    }
}

/// The energy models by name, for configs: `Biological(…)` or `Hardware(…)`.
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
    /// The chosen model.
    #[must_use]
    pub fn model(&self) -> &dyn EnergyModel {
        match self {
            Self::Biological(m) => m,
            Self::Hardware(m) => m,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::RegionActivity;
    use proptest::prelude::*;

    fn region(name: &str, synapses: f64, activity: f64, events: f64) -> RegionActivity {
        RegionActivity {
            name: name.into(),
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
        let report = ActivityReport { iterations: 1, regions: vec![region("r", 40.0, 2.0, 10.0)] };
        let b = BiologicalEnergy::default().account(&report);
        let get = |c: &str| b.by_category().into_iter().find(|(k, _)| k == c).unwrap().1.value();
        let atp = |j: f64| j / JOULES_PER_ATP;
        assert!((atp(get("spikes")) - 2.0 * 3.84e8).abs() < 1e-6 * 7.68e8);
        assert!((atp(get("synaptic")) - 10.0 * 0.25 * 1.64e5).abs() < 1e-6 * 4.1e5);
        assert!((atp(get("resting")) - 16.0 * 3.42e6).abs() < 1e-6 * 5.5e7);
        assert!((atp(get("astrocytes")) - 32.0 * 1.02e6).abs() < 1e-6 * 3.3e7);
    }

    #[test]
    fn hardware_items_follow_horowitz() {
        // 40 synapses × (3.7 + 0.9) pJ = 184 pJ of compute per iteration.
        let report = ActivityReport { iterations: 2, regions: vec![region("r", 40.0, 2.0, 10.0)] };
        let h = HardwareEnergy::default().account(&report);
        let compute = h.by_category().into_iter().find(|(k, _)| k == "compute").unwrap().1;
        assert!((compute.value() - 2.0 * 184e-12).abs() < 1e-24);
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
                    .map(|(i, &(s, a, e))| region(&format!("r{i}"), s, a, e)).collect(),
            };
            let mut doubled = report.clone();
            for r in &mut doubled.regions { r.synapses *= 2.0; r.synaptic_events *= 2.0; }
            for model in [&BiologicalEnergy::default() as &dyn EnergyModel, &HardwareEnergy::default()] {
                let b = model.account(&report);
                let total = b.total().value();
                let cats: f64 = b.by_category().iter().map(|(_, j)| j.value()).sum();
                let regs: f64 = b.by_region().iter().map(|(_, j)| j.value()).sum();
                prop_assert!((cats - total).abs() <= 1e-12 * total.abs().max(1e-30));
                prop_assert!((regs - total).abs() <= 1e-12 * total.abs().max(1e-30));
                let cat = |br: &EnergyBreakdown, c: &str| br.by_category().into_iter()
                    .find(|(k, _)| k == c).map_or(0.0, |(_, j)| j.value());
                let d = model.account(&doubled);
                let key = if model.name() == "biological" { "synaptic" } else { "compute" };
                prop_assert!((cat(&d, key) - 2.0 * cat(&b, key)).abs() <= 1e-12 * cat(&d, key).max(1e-30));
            }
        }
    }
}
