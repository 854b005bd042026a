//! The buffers of batch passes, allocated once per training run, and the gradients.

use super::model::{Network, Territories};
use crate::astrocyte::AstrocyteState;

/// Reusable buffers for batch passes (allocated once per training run).
#[derive(Debug, Default)]
pub(crate) struct Workspace {
    pub(super) capacity: usize,
    /// Level activations: `acts[0]` the input batch, `acts[l + 1]` the output of layer `l`
    /// (probabilities for the last).
    pub(crate) acts: Vec<Vec<f64>>,
    /// Hidden regions: activation before the throttle, neuron-major (`neurons × batch`; only
    /// with a supply limit).
    pub(super) pre: Vec<Vec<f64>>,
    /// Hidden regions: `act′(z)`.
    pub(super) derivs: Vec<Vec<f64>>,
    /// Hidden regions: throttle factor per (territory, sample), territory-major.
    pub(super) theta: Vec<Vec<f64>>,
    /// Hidden regions: demand per (territory, sample), territory-major.
    pub(super) demand: Vec<Vec<f64>>,
    /// With a supply limit: `∂L/∂h` of a region neuron-major (`neurons × batch`), and three
    /// rows of `batch` for the throttle's gradient.
    pub(super) columns: Vec<f64>,
    pub(super) lanes: Vec<f64>,
    /// Hidden regions: astrocyte factors on positive / negative outgoing weights per (sample,
    /// neuron).
    pub(super) fpos: Vec<Vec<f64>>,
    pub(super) fneg: Vec<Vec<f64>>,
    pub(super) states: Vec<Vec<AstrocyteState>>,
    /// With the astrocyte rule, per hidden region: the counter group of every neuron, and the
    /// neurons of every group; and the astrocyte step's scratch of active neurons per group.
    pub(super) counter_of: Vec<Vec<usize>>,
    pub(super) counter_size: Vec<Vec<usize>>,
    pub(super) group_active: Vec<usize>,
    /// Per hidden region (with a limited supply): its territories' neurons and supply caps.
    pub(super) territories: Vec<TerritoryIndex>,
    /// Per layer: `∂L/∂z` of its outputs.
    pub(super) deltas: Vec<Vec<f64>>,
    pub(super) grad_h: Vec<f64>,
    /// Per layer: effective weights (gated).
    pub(super) eff: Vec<Vec<f64>>,
    /// Per layer (with the astrocyte rule): the positive parts of the effective weights stacked
    /// over their negative parts, `2·inputs × outputs`, so that a modulated product is one
    /// product of the stacked input `[x·P, x·N]` (module docs).
    pub(super) eff_split: Vec<Vec<f64>>,
    /// Per layer (with the astrocyte rule): the stacked inputs of the last pass, `batch × 2·inputs`.
    pub(super) stacked: Vec<Vec<f64>>,
    /// Per layer (with the astrocyte rule): gradient of the stacked weights, and their transpose.
    pub(super) split_grads: Vec<Vec<f64>>,
    pub(super) split_transposed: Vec<Vec<f64>>,
    /// `∂L/∂(stacked input)` of every sample of the batch (with the astrocyte rule),
    /// `batch × 2·max inputs`.
    pub(super) stacked_grad: Vec<f64>,
    /// Per layer: the (effective) weights transposed, `outputs × inputs`, for `∂L/∂h`.
    pub(super) transposed: Vec<Vec<f64>>,
    /// Zeros, as the bias of the transposed product.
    pub(super) zeros: Vec<f64>,
    /// `gates[context][layer]`: what multiplies the weights, the phase gates times the unit
    /// gains ([`Network::weight_factors`]), computed once (only with a phase layer or gains;
    /// recomputed by [`Self::refresh_gates`] when the phase trainer moves them).
    pub(super) gates: Vec<Vec<Vec<f64>>>,
    /// The context of the last forward pass.
    pub(super) context: usize,
    /// Per layer: active outgoing synapses of each presynaptic unit (for activity statistics).
    pub(super) active_out: Vec<Vec<f64>>,
}

/// The territories of one hidden region arranged for the supply throttle's loops: each
/// territory's neurons in increasing order, one territory after another, and each territory's
/// cap `supply · astrocytes` (the energy its astrocytes can supply per step).
#[derive(Debug, Clone)]
pub(super) struct TerritoryIndex {
    neurons: Vec<usize>,
    /// Territory `t`'s neurons are `neurons[starts[t]..starts[t + 1]]`.
    starts: Vec<usize>,
    pub(super) caps: Vec<f64>,
}

impl TerritoryIndex {
    fn new(territories: &Territories, supply: f64) -> Self {
        let count = territories.count();
        let mut starts = vec![0; count + 1];
        for &t in &territories.of_neuron {
            starts[t + 1] += 1;
        }
        for t in 0..count {
            starts[t + 1] += starts[t];
        }
        let mut next = starts.clone();
        let mut neurons = vec![0; territories.of_neuron.len()];
        for (i, &t) in territories.of_neuron.iter().enumerate() {
            neurons[next[t]] = i;
            next[t] += 1;
        }
        let caps = territories.astrocytes.iter().map(|&a| supply * a as f64).collect();
        Self { neurons, starts, caps }
    }

    /// The neurons of territory `t`, in increasing order.
    pub(super) fn members(&self, t: usize) -> &[usize] {
        &self.neurons[self.starts[t]..self.starts[t + 1]]
    }
}

/// Gradients of every layer, same shapes as the weights and biases.
#[derive(Debug, Clone)]
pub(crate) struct Grads {
    pub(crate) w: Vec<Vec<f64>>,
    pub(crate) b: Vec<Vec<f64>>,
    /// `∂L/∂w_eff` of every layer, the gradient of the effective weights before the gates and
    /// gains multiply it: kept only for the phase trainer ([`Self::with_effective`]; empty
    /// otherwise, so weight training does no extra work).
    pub(crate) eff: Vec<Vec<f64>>,
}

impl Grads {
    pub(crate) fn zeros(net: &Network) -> Self {
        Self {
            w: net.layers.iter().map(|l| vec![0.0; l.weights.len()]).collect(),
            b: net.layers.iter().map(|l| vec![0.0; l.bias.len()]).collect(),
            eff: Vec::new(),
        }
    }

    /// Gradients that also keep `∂L/∂w_eff` (for phases and unit gains).
    pub(crate) fn with_effective(net: &Network) -> Self {
        Self {
            eff: net.layers.iter().map(|l| vec![0.0; l.weights.len()]).collect(),
            ..Self::zeros(net)
        }
    }

    pub(super) fn clear(&mut self) {
        for v in self.w.iter_mut().chain(self.b.iter_mut()) {
            v.fill(0.0);
        }
    }
}

impl Workspace {
    /// Buffers for batches of up to `capacity` samples.
    pub(crate) fn new(net: &Network, capacity: usize) -> Self {
        let widths: Vec<usize> =
            std::iter::once(net.inputs()).chain(net.layers.iter().map(|l| l.outputs)).collect();
        let hidden = net.hidden();
        let per_hidden = |f: &dyn Fn(usize) -> usize| -> Vec<Vec<f64>> {
            (0..hidden).map(|r| vec![0.0; capacity * f(r)]).collect()
        };
        let supply = net.supply.is_some();
        let rule = net.rule.is_some();
        let neurons = |r: usize| widths[r + 1];
        let terr = |r: usize| net.territories[r].count();
        let widest = widths.iter().copied().max().unwrap_or(1);
        let special = rule || net.phase.is_some() || net.unit_gains.is_some();
        let per_layer = |factor: usize| -> Vec<Vec<f64>> {
            if rule {
                net.layers.iter().map(|l| vec![0.0; factor * l.weights.len()]).collect()
            } else {
                Vec::new()
            }
        };
        Self {
            capacity,
            acts: widths.iter().map(|&w| vec![0.0; capacity * w]).collect(),
            pre: if supply { per_hidden(&neurons) } else { Vec::new() },
            derivs: per_hidden(&neurons),
            theta: if supply { per_hidden(&terr) } else { Vec::new() },
            demand: if supply { per_hidden(&terr) } else { Vec::new() },
            fpos: if rule { per_hidden(&neurons) } else { Vec::new() },
            fneg: if rule { per_hidden(&neurons) } else { Vec::new() },
            states: if rule {
                (0..hidden)
                    .map(|r| vec![AstrocyteState::default(); capacity * net.groups(r)])
                    .collect()
            } else {
                Vec::new()
            },
            columns: if supply { vec![0.0; capacity * widest] } else { Vec::new() },
            lanes: if supply { vec![0.0; 3 * capacity] } else { Vec::new() },
            counter_of: if rule {
                (0..hidden).map(|r| (0..neurons(r)).map(|i| net.group_of(r, i)).collect()).collect()
            } else {
                Vec::new()
            },
            counter_size: if rule {
                (0..hidden)
                    .map(|r| {
                        let mut size = vec![0; net.groups(r)];
                        (0..neurons(r)).for_each(|i| size[net.group_of(r, i)] += 1);
                        size
                    })
                    .collect()
            } else {
                Vec::new()
            },
            group_active: vec![0; widest],
            territories: match net.supply {
                Some(supply) => {
                    net.territories.iter().map(|t| TerritoryIndex::new(t, supply)).collect()
                }
                None => Vec::new(),
            },
            deltas: net.layers.iter().map(|l| vec![0.0; capacity * l.outputs]).collect(),
            grad_h: vec![0.0; capacity * widest],
            eff: if special {
                net.layers.iter().map(|l| l.weights.clone()).collect()
            } else {
                Vec::new()
            },
            gates: (0..net.contexts())
                .map_while(|c| (0..net.layers.len()).map(|l| net.weight_factors(c, l)).collect())
                .collect(),
            context: 0,
            eff_split: per_layer(2),
            stacked: if rule {
                net.layers.iter().map(|l| vec![0.0; capacity * 2 * l.inputs]).collect()
            } else {
                Vec::new()
            },
            split_grads: per_layer(2),
            split_transposed: per_layer(2),
            stacked_grad: if rule { vec![0.0; capacity * 2 * widest] } else { Vec::new() },
            active_out: Vec::new(),
            transposed: net.layers.iter().map(|l| vec![0.0; l.weights.len()]).collect(),
            zeros: vec![0.0; 2 * widest],
        }
    }

    /// Recomputes the gates (and gains) of `context` from `net`, after the phase trainer moved
    /// its phases or gains.
    pub(crate) fn refresh_gates(&mut self, net: &Network, context: usize) {
        if let Some(gates) = self.gates.get_mut(context) {
            for (l, g) in gates.iter_mut().enumerate() {
                if let Some(factors) = net.weight_factors(context, l) {
                    *g = factors;
                }
            }
        }
    }

    /// The input buffer for a batch of `batch` samples (fill it, then call `forward`).
    pub(crate) fn input_mut(&mut self, batch: usize) -> &mut [f64] {
        let width = self.acts[0].len() / self.capacity.max(1);
        &mut self.acts[0][..batch * width]
    }

    /// Copies the features of samples `rows` of `data` into the input buffer.
    pub(crate) fn load_batch(&mut self, data: &crate::data::Dataset, rows: &[usize]) {
        let d = data.n_features();
        let input = self.input_mut(rows.len());
        for (s, &i) in rows.iter().enumerate() {
            input[s * d..(s + 1) * d].copy_from_slice(data.row(i));
        }
    }

    /// The activations of level `level` of the last forward pass (`level` 0 is the input),
    /// row-major per sample, over the whole capacity.
    pub(crate) fn level(&self, level: usize) -> &[f64] {
        &self.acts[level]
    }

    /// The effective (gated) weights of layer `l` used by the last forward pass, when they
    /// differ from the stored weights.
    pub(crate) fn effective(&self, l: usize) -> Option<&[f64]> {
        self.eff.get(l).map(Vec::as_slice)
    }

    /// The output probabilities of the last forward pass, `batch × classes`.
    pub(crate) fn probabilities(&self, batch: usize) -> &[f64] {
        let last = &self.acts[self.acts.len() - 1];
        let width = last.len() / self.capacity.max(1);
        &last[..batch * width]
    }
}
