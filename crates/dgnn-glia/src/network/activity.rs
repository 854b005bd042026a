//! What an inference does: per region, its activity, synaptic events, active synapses and glial
//! events, summed during forward passes and averaged per inference ([`ActivityReport`]).

use super::model::Network;
use super::workspace::Workspace;
use crate::energy::RegionId;
use serde::{Deserialize, Serialize};

/// Per-inference activity of one level of units, averaged over the inferences counted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegionActivity {
    /// Which hidden region, or the output.
    pub region: RegionId,
    /// Neurons in the region.
    pub neurons: usize,
    /// Astrocytes in the region (0 for the output).
    pub astrocytes: usize,
    /// Astrocyte counters running the Porto-Pazos rule (0 without the rule).
    pub counters: usize,
    /// Active incoming synapses: existing and with a nonzero phase gate (mean over inferences).
    pub synapses: f64,
    /// Σ over neurons and iterations of the activity `r ∈ [0, 1]`, per inference.
    pub activity: f64,
    /// Σ over incoming synapses and iterations of the presynaptic activity, per inference.
    pub synaptic_events: f64,
    /// Potentiations plus depressions by the region's astrocytes, per inference.
    pub glial_events: f64,
}

/// What one inference does on average: the input to every [`crate::EnergyModel`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityReport {
    /// Iterations per inference (`k` with the astrocyte rule, else 1).
    pub iterations: usize,
    /// Hidden regions then the output.
    pub regions: Vec<RegionActivity>,
}

impl ActivityReport {
    /// Turns sums over `inferences` inferences into means per inference (synapses also per
    /// iteration).
    pub(crate) fn average_over(&mut self, inferences: usize) {
        let n = inferences.max(1) as f64;
        for r in &mut self.regions {
            r.synapses /= n * self.iterations as f64;
            r.activity /= n;
            r.synaptic_events /= n;
            r.glial_events /= n;
        }
    }
}

impl Network {
    /// Adds the activity of the batch just passed (summed over samples) into `stats`.
    pub(super) fn add_activity(&self, ws: &Workspace, batch: usize, stats: &mut ActivityReport) {
        let levels = self.layers.len();
        for l in 0..levels {
            let layer = &self.layers[l];
            let (n_in, n_out) = (layer.inputs, layer.outputs);
            let input = &ws.acts[l][..batch * n_in];
            let out = &ws.acts[l + 1][..batch * n_out];
            let pre_activity = |v: f64| {
                if l == 0 { v.abs().min(1.0) } else { self.activations[l - 1].activity(v) }
            };
            let active_out = &ws.active_out[l];
            let region = &mut stats.regions[l];
            region.synapses += batch as f64 * active_out.iter().sum::<f64>();
            for s in 0..batch {
                let x = &input[s * n_in..(s + 1) * n_in];
                region.synaptic_events +=
                    x.iter().zip(active_out).map(|(&v, &k)| pre_activity(v) * k).sum::<f64>();
                let h = &out[s * n_out..(s + 1) * n_out];
                region.activity += if l + 1 == levels {
                    h.iter().sum::<f64>()
                } else {
                    h.iter().map(|&v| self.activations[l].activity(v)).sum::<f64>()
                };
            }
        }
    }

    /// An empty activity report shaped for this network.
    pub(crate) fn empty_report(&self) -> ActivityReport {
        let mut regions: Vec<RegionActivity> = self
            .territories
            .iter()
            .enumerate()
            .map(|(r, t)| RegionActivity {
                region: RegionId::Hidden(r + 1),
                neurons: self.layers[r].outputs,
                astrocytes: t.total_astrocytes(),
                counters: if self.rule.is_some() { self.groups(r) } else { 0 },
                synapses: 0.0,
                activity: 0.0,
                synaptic_events: 0.0,
                glial_events: 0.0,
            })
            .collect();
        regions.push(RegionActivity {
            region: RegionId::Output,
            neurons: self.classes(),
            astrocytes: 0,
            counters: 0,
            synapses: 0.0,
            activity: 0.0,
            synaptic_events: 0.0,
            glial_events: 0.0,
        });
        ActivityReport { iterations: self.rule.as_ref().map_or(1, |r| r.iterations), regions }
    }
}
