//! The glia-neuron network as dense arrays, and its forward and backward passes.
//!
//! Storage: layer `l` maps level `l` (the input for `l = 0`, else hidden region `l`) to level
//! `l + 1` (the next region, or the output). Its weights are one row-major `inputs × outputs`
//! array whose row `i` holds the outgoing weights of presynaptic unit `i`, so a batch forward pass
//! is a few dense products `Z = X·W + b` over contiguous rows (no pointer walk), and everything a
//! presynaptic neuron's astrocyte does to its outgoing weights is a per-row factor.
//!
//! Forward pass of one pattern (per hidden region, in order):
//! 1. `z = Σ_i x_i · w_eff,i + b`, with `w_eff = w · mask · g(phases)` (phase gates of the
//!    context, [`crate::phase`]) and, when the astrocyte rule is on, `w_eff·P_i` for positive and
//!    `w_eff·N_i` for negative weights ([`crate::astrocyte`]);
//! 2. `a = act(z)`;
//! 3. glial energy supply (the lactate shuttle; Pellerin & Magistretti 1994, Jolivet et al. 2009
//!    for the astrocytic share of glucose uptake): territory `T` with `n_T` astrocytes can supply
//!    `S_T = n_T · s` per step; its neurons demand `D_T = Σ_{i∈T} r(a_i)` (activities in
//!    [0, 1]); when `D_T > S_T` they are throttled, `h_i = a_i · S_T/D_T`, else `h = a`;
//! 4. with the astrocyte rule, the pattern is presented `k` times; counters see the activity of
//!    each iteration and change the factors for the next; the output is the `k`-th iteration's.
//!
//! The output layer is linear with a softmax; the loss is the mean cross-entropy. With two
//! classes the class-0 logit is held at 0 (no synapses, bias 0), which makes the output one
//! logistic unit `p(1) = σ(z₁)` as in scikit-learn's binary `MLPClassifier`.
//!
//! Gradients (backward pass): exact through the affine maps, the activations and the supply
//! throttle (`∂h_i/∂a_j = θ δ_ij − (θ/D) a_i r′(a_j)` inside a throttled territory); the phase
//! gates and the astrocyte factors are treated as constants. Gates depend only on genes and
//! context. The astrocyte factors are piecewise constant in the weights (a counter of threshold
//! crossings), so their derivative is zero almost everywhere: the gradient computed is the exact
//! gradient wherever it exists.

use crate::GliaError;
use crate::arch::{Activation, ValidArchitecture};
use crate::astrocyte::{AstrocyteRule, AstrocyteState};
use crate::kernels;
use crate::phase::{PhaseLayer, PhaseState};
use dgnn_core::Seed;
use rand::RngExt;
use serde::{Deserialize, Serialize};
use wide::f64x8;

/// One dense layer from level `l` to level `l + 1`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Layer {
    /// Number of presynaptic units.
    pub inputs: usize,
    /// Number of postsynaptic units.
    pub outputs: usize,
    /// Row-major `inputs × outputs`: row `i` is presynaptic unit `i`'s outgoing weights.
    pub weights: Vec<f64>,
    /// One bias per postsynaptic unit.
    pub bias: Vec<f64>,
    /// Which synapses exist (1.0) or not (0.0), same shape as `weights`; `None` when all do.
    pub mask: Option<Vec<f64>>,
}

impl Layer {
    /// Number of synapses that exist.
    #[must_use]
    pub fn synapses(&self) -> usize {
        self.mask.as_ref().map_or(self.weights.len(), |m| m.iter().filter(|&&v| v > 0.0).count())
    }
}

/// Astrocytes and territories of one hidden region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Territories {
    /// The territory of each neuron (territories are contiguous blocks of neurons).
    pub of_neuron: Vec<usize>,
    /// Astrocytes in each territory (at least one).
    pub astrocytes: Vec<usize>,
}

impl Territories {
    /// `astrocytes` astrocytes over `neurons` neurons: `min(neurons, astrocytes)` contiguous
    /// territories, astrocytes dealt round-robin, so with a ratio ≥ 1 every neuron is its own
    /// territory served by ⌊ratio⌋ or ⌈ratio⌉ astrocytes.
    #[must_use]
    pub fn new(neurons: usize, astrocytes: usize) -> Self {
        let count = neurons.min(astrocytes).max(1);
        let of_neuron = (0..neurons).map(|i| i * count / neurons).collect();
        let astrocytes =
            (0..count).map(|t| astrocytes / count + usize::from(t < astrocytes % count)).collect();
        Self { of_neuron, astrocytes }
    }

    /// Number of territories.
    #[must_use]
    pub fn count(&self) -> usize {
        self.astrocytes.len()
    }

    /// Total astrocytes of the region.
    #[must_use]
    pub fn total_astrocytes(&self) -> usize {
        self.astrocytes.iter().sum()
    }
}

/// A built network: weights, territories, astrocyte rule, supply and settled phases.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Network {
    pub(crate) layers: Vec<Layer>,
    pub(crate) activations: Vec<Activation>,
    pub(crate) territories: Vec<Territories>,
    pub(crate) rule: Option<AstrocyteRule>,
    pub(crate) supply: Option<f64>,
    pub(crate) phase: Option<(PhaseLayer, PhaseState)>,
    /// Two classes: the output is one logistic unit, written as a softmax whose class-0 logit is
    /// held at 0 (its synapses absent, its bias 0), `p(1) = σ(z₁)` — scikit-learn's binary model.
    pub(crate) logistic: bool,
}

/// Holds the class-0 logit of an output layer at 0: no synapses into it, bias 0.
fn freeze_class_zero(layer: &mut Layer) {
    let n = layer.weights.len();
    let mask = layer.mask.get_or_insert_with(|| vec![1.0; n]);
    for i in 0..layer.inputs {
        mask[i * layer.outputs] = 0.0;
        layer.weights[i * layer.outputs] = 0.0;
    }
    layer.bias[0] = 0.0;
}

impl Network {
    /// Builds a freshly initialised network for `inputs` features and `classes` classes.
    ///
    /// Weights and biases are Glorot-uniform, `U(±sqrt(f/(fan_in + fan_out)))` with scikit-learn's
    /// `f` (6, or 2 for sigmoid), from stream `glia/init/weights` `[layer]`; sparse connection
    /// patterns from `glia/init/mask` `[layer]`; context phases from `glia/phase/context`.
    pub fn build(
        arch: &ValidArchitecture,
        inputs: usize,
        classes: usize,
        seed: Seed,
    ) -> Result<Self, GliaError> {
        let arch = arch.get();
        if inputs == 0 || classes < 2 {
            return Err(GliaError::Shape {
                what: "network inputs (features) / outputs (classes ≥ 2)".into(),
                expected: 2,
                found: classes.min(inputs),
            });
        }
        let mut sizes = vec![inputs];
        sizes.extend(arch.regions.iter().map(|r| r.neurons));
        sizes.push(classes);
        let activations: Vec<Activation> = arch.regions.iter().map(|r| r.activation).collect();
        let logistic = classes == 2;
        let last = sizes.len() - 2;
        let mut layers = Vec::with_capacity(sizes.len() - 1);
        for l in 0..sizes.len() - 1 {
            let (n_in, n_out) = (sizes[l], sizes[l + 1]);
            let act = activations[l.min(activations.len() - 1)];
            // A logistic output has one free unit (fan-out 1).
            let fan_out = if logistic && l == last { 1 } else { n_out };
            let bound = (act.glorot_factor() / (n_in + fan_out) as f64).sqrt();
            let mut rng = seed.stream("glia/init/weights", &[l as u64]);
            let mut weights: Vec<f64> =
                (0..n_in * n_out).map(|_| rng.random_range(-bound..bound)).collect();
            let bias = (0..n_out).map(|_| rng.random_range(-bound..bound)).collect();
            let density = arch.regions.get(l).map_or(1.0, |r| r.density);
            let mask = (density < 1.0).then(|| {
                let mut mrng = seed.stream("glia/init/mask", &[l as u64]);
                let mask: Vec<f64> = (0..n_in * n_out)
                    .map(|_| if mrng.random::<f64>() < density { 1.0 } else { 0.0 })
                    .collect();
                for (w, m) in weights.iter_mut().zip(&mask) {
                    *w *= m;
                }
                mask
            });
            let mut layer = Layer { inputs: n_in, outputs: n_out, weights, bias, mask };
            if logistic && l == last {
                freeze_class_zero(&mut layer);
            }
            layers.push(layer);
        }
        let territories =
            arch.regions.iter().map(|r| Territories::new(r.neurons, r.astrocytes())).collect();
        let phase = match &arch.phase {
            Some(p) => {
                let hidden: Vec<usize> = arch.regions.iter().map(|r| r.neurons).collect();
                Some((p.clone(), PhaseState::settle(p, &hidden, seed)?))
            }
            None => None,
        };
        Ok(Self {
            layers,
            activations,
            territories,
            rule: arch.astrocytes.clone(),
            supply: arch.supply_per_astrocyte,
            phase,
            logistic,
        })
    }

    /// Number of input features.
    #[must_use]
    pub fn inputs(&self) -> usize {
        self.layers[0].inputs
    }

    /// Number of classes.
    #[must_use]
    pub fn classes(&self) -> usize {
        self.layers[self.layers.len() - 1].outputs
    }

    /// Number of contexts the phase layer serves (1 without a phase layer).
    #[must_use]
    pub fn contexts(&self) -> usize {
        self.phase.as_ref().map_or(1, |(p, _)| p.contexts)
    }

    /// The layers, input side first.
    #[must_use]
    pub fn layers(&self) -> &[Layer] {
        &self.layers
    }

    /// The astrocyte territories of each hidden region.
    #[must_use]
    pub fn territories(&self) -> &[Territories] {
        &self.territories
    }

    /// The settled phase layer, if any.
    #[must_use]
    pub fn phase(&self) -> Option<&PhaseState> {
        self.phase.as_ref().map(|(_, s)| s)
    }

    /// Mutable access to the layers (for pruning and hand-built networks in tests).
    pub fn layers_mut(&mut self) -> &mut [Layer] {
        &mut self.layers
    }

    /// Total number of trainable parameters.
    #[must_use]
    pub fn parameter_count(&self) -> usize {
        self.layers.iter().map(|l| l.weights.len() + l.bias.len()).sum()
    }

    fn hidden(&self) -> usize {
        self.activations.len()
    }

    /// Counter groups of hidden region `r`: its territories, or one group for global processing.
    fn groups(&self, r: usize) -> usize {
        match &self.rule {
            Some(rule) if rule.global => 1,
            _ => self.territories[r].count(),
        }
    }

    fn group_of(&self, r: usize, neuron: usize) -> usize {
        match &self.rule {
            Some(rule) if rule.global => 0,
            _ => self.territories[r].of_neuron[neuron],
        }
    }

    /// Checks that the stored arrays fit together (for networks read from files).
    pub(crate) fn validate(&self) -> Result<(), String> {
        if self.layers.len() != self.activations.len() + 1
            || self.territories.len() != self.activations.len()
        {
            return Err("layer, activation and territory counts disagree".into());
        }
        for (l, layer) in self.layers.iter().enumerate() {
            let n = layer.inputs * layer.outputs;
            if layer.weights.len() != n
                || layer.bias.len() != layer.outputs
                || layer.mask.as_ref().is_some_and(|m| m.len() != n)
            {
                return Err(format!("layer {l} has arrays of the wrong size"));
            }
            if l > 0 && self.layers[l - 1].outputs != layer.inputs {
                return Err(format!("layer {l} does not connect to layer {}", l - 1));
            }
            if layer.weights.iter().chain(&layer.bias).any(|v| !v.is_finite()) {
                return Err(format!("layer {l} holds non-finite weights"));
            }
        }
        if self.logistic {
            let out = &self.layers[self.layers.len() - 1];
            let frozen = out.bias.first().is_some_and(|b| *b == 0.0)
                && out
                    .mask
                    .as_ref()
                    .is_some_and(|m| (0..out.inputs).all(|i| m[i * out.outputs] == 0.0));
            if out.outputs != 2 || !frozen {
                return Err("the logistic output's class-0 unit is not held at 0".into());
            }
        }
        for (r, t) in self.territories.iter().enumerate() {
            if t.of_neuron.len() != self.layers[r].outputs
                || t.of_neuron.iter().any(|&k| k >= t.astrocytes.len())
            {
                return Err(format!("territories of region {r} do not fit its neurons"));
            }
        }
        Ok(())
    }
}

/// Per-inference activity of one level of units, averaged over the inferences counted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegionActivity {
    /// "region 1" … or "output".
    pub name: String,
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

/// Reusable buffers for batch passes (allocated once per training run).
#[derive(Debug, Default)]
pub(crate) struct Workspace {
    capacity: usize,
    /// Level activations: `acts[0]` the input batch, `acts[l + 1]` the output of layer `l`
    /// (probabilities for the last).
    pub(crate) acts: Vec<Vec<f64>>,
    /// Hidden regions: activation before the throttle (only with a supply limit).
    pre: Vec<Vec<f64>>,
    /// Hidden regions: `act′(z)`.
    derivs: Vec<Vec<f64>>,
    /// Hidden regions: throttle factor per (sample, territory).
    theta: Vec<Vec<f64>>,
    /// Hidden regions: demand per (sample, territory).
    demand: Vec<Vec<f64>>,
    /// Hidden regions: astrocyte factors on positive / negative outgoing weights per (sample,
    /// neuron).
    fpos: Vec<Vec<f64>>,
    fneg: Vec<Vec<f64>>,
    states: Vec<Vec<AstrocyteState>>,
    /// Per layer: `∂L/∂z` of its outputs.
    deltas: Vec<Vec<f64>>,
    grad_h: Vec<f64>,
    /// Per layer: effective weights (gated).
    eff: Vec<Vec<f64>>,
    /// Per layer (with the astrocyte rule): the positive parts of the effective weights stacked
    /// over their negative parts, `2·inputs × outputs`, so that a modulated product is one
    /// product of the stacked input `[x·P, x·N]` (module docs).
    eff_split: Vec<Vec<f64>>,
    /// Per layer (with the astrocyte rule): the stacked inputs of the last pass, `batch × 2·inputs`.
    stacked: Vec<Vec<f64>>,
    /// Per layer (with the astrocyte rule): gradient of the stacked weights, and their transpose.
    split_grads: Vec<Vec<f64>>,
    split_transposed: Vec<Vec<f64>>,
    /// Scratch for one sample's `∂L/∂(stacked input)`.
    scratch: Vec<f64>,
    /// Per layer: the (effective) weights transposed, `outputs × inputs`, for `∂L/∂h`.
    transposed: Vec<Vec<f64>>,
    /// Zeros, as the bias of the transposed product.
    zeros: Vec<f64>,
    /// `gates[context][layer]`: the phase gates, computed once (only with a phase layer).
    gates: Vec<Vec<Vec<f64>>>,
    /// The context of the last forward pass.
    context: usize,
    /// Per layer: active outgoing synapses of each presynaptic unit (for activity statistics).
    active_out: Vec<Vec<f64>>,
}

/// Gradients of every layer, same shapes as the weights and biases.
#[derive(Debug, Clone)]
pub(crate) struct Grads {
    pub(crate) w: Vec<Vec<f64>>,
    pub(crate) b: Vec<Vec<f64>>,
}

impl Grads {
    pub(crate) fn zeros(net: &Network) -> Self {
        Self {
            w: net.layers.iter().map(|l| vec![0.0; l.weights.len()]).collect(),
            b: net.layers.iter().map(|l| vec![0.0; l.bias.len()]).collect(),
        }
    }

    fn clear(&mut self) {
        for v in self.w.iter_mut().chain(self.b.iter_mut()) {
            v.fill(0.0);
        }
    }
}

/// In-place `tanh` of a slice, eight lanes at a time (`wide`, AVX-512 where available).
fn tanh_in_place(values: &mut [f64]) {
    let mut chunks = values.chunks_exact_mut(8);
    for c in &mut chunks {
        let lanes: [f64; 8] = [c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]];
        c.copy_from_slice(&f64x8::from(lanes).tanh().to_array());
    }
    for v in chunks.into_remainder() {
        *v = v.tanh();
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
        let special = rule || net.phase.is_some();
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
            deltas: net.layers.iter().map(|l| vec![0.0; capacity * l.outputs]).collect(),
            grad_h: vec![0.0; capacity * widths.iter().copied().max().unwrap_or(1)],
            eff: if special {
                net.layers.iter().map(|l| l.weights.clone()).collect()
            } else {
                Vec::new()
            },
            gates: match &net.phase {
                Some((p, state)) => (0..p.contexts)
                    .map(|c| {
                        net.layers
                            .iter()
                            .enumerate()
                            .map(|(l, layer)| state.gates(p, c, l, layer.inputs, layer.outputs))
                            .collect()
                    })
                    .collect(),
                None => Vec::new(),
            },
            context: 0,
            eff_split: per_layer(2),
            stacked: if rule {
                net.layers.iter().map(|l| vec![0.0; capacity * 2 * l.inputs]).collect()
            } else {
                Vec::new()
            },
            split_grads: per_layer(2),
            split_transposed: per_layer(2),
            scratch: vec![0.0; 2 * widths.iter().copied().max().unwrap_or(1)],
            active_out: Vec::new(),
            transposed: net.layers.iter().map(|l| vec![0.0; l.weights.len()]).collect(),
            zeros: vec![0.0; 2 * widths.iter().copied().max().unwrap_or(1)],
        }
    }

    /// The input buffer for a batch of `batch` samples (fill it, then call `forward`).
    pub(crate) fn input_mut(&mut self, batch: usize) -> &mut [f64] {
        let width = self.acts[0].len() / self.capacity.max(1);
        &mut self.acts[0][..batch * width]
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

impl Network {
    /// Computes the effective (gated) weights of `context` and their signed parts, and the
    /// active outgoing synapse counts when statistics are wanted.
    fn prepare(&self, ws: &mut Workspace, context: usize, with_stats: bool) {
        ws.context = context;
        if !ws.eff.is_empty() {
            for (l, layer) in self.layers.iter().enumerate() {
                let eff = &mut ws.eff[l];
                eff.copy_from_slice(&layer.weights);
                if let Some(gates) = ws.gates.get(context) {
                    for (w, g) in eff.iter_mut().zip(&gates[l]) {
                        *w *= g;
                    }
                }
                if !ws.eff_split.is_empty() {
                    let (pos, neg) = ws.eff_split[l].split_at_mut(eff.len());
                    for ((w, p), n) in eff.iter().zip(pos).zip(neg) {
                        *p = w.max(0.0);
                        *n = w.min(0.0);
                    }
                }
            }
        }
        if with_stats {
            ws.active_out = self
                .layers
                .iter()
                .enumerate()
                .map(|(l, layer)| {
                    let w: &[f64] = if ws.eff.is_empty() { &layer.weights } else { &ws.eff[l] };
                    let exists = |k: usize| layer.mask.as_ref().is_none_or(|m| m[k] > 0.0);
                    (0..layer.inputs)
                        .map(|i| {
                            (0..layer.outputs)
                                .filter(|&o| {
                                    let k = i * layer.outputs + o;
                                    exists(k) && (ws.eff.is_empty() || w[k] != 0.0)
                                })
                                .count() as f64
                        })
                        .collect()
                })
                .collect();
        }
    }

    /// Forward pass of `batch` samples already in `ws.input_mut(batch)`, all in `context`.
    /// With `stats`, adds this batch's activity (summed over samples) into it.
    pub(crate) fn forward(
        &self,
        ws: &mut Workspace,
        batch: usize,
        context: usize,
        mut stats: Option<&mut ActivityReport>,
    ) {
        self.prepare(ws, context, stats.is_some());
        let iterations = self.rule.as_ref().map_or(1, |r| r.iterations);
        if self.rule.is_some() {
            for r in 0..self.hidden() {
                ws.fpos[r].fill(1.0);
                ws.fneg[r].fill(1.0);
                ws.states[r].fill(AstrocyteState::default());
            }
        }
        for iteration in 0..iterations {
            for l in 0..self.layers.len() {
                self.layer_forward(ws, l, batch);
            }
            if let Some(stats) = stats.as_deref_mut() {
                self.add_activity(ws, batch, stats);
            }
            if iteration + 1 < iterations {
                self.astrocytes_step(ws, batch, stats.as_deref_mut());
            }
        }
    }

    fn layer_forward(&self, ws: &mut Workspace, l: usize, batch: usize) {
        let layer = &self.layers[l];
        let (n_in, n_out) = (layer.inputs, layer.outputs);
        let (before, after) = ws.acts.split_at_mut(l + 1);
        let input = &before[l][..batch * n_in];
        let out = &mut after[0][..batch * n_out];
        let modulated = l > 0 && self.rule.is_some();
        let weights: &[f64] = if ws.eff.is_empty() { &layer.weights } else { &ws.eff[l] };
        for s in 0..batch {
            let o = &mut out[s * n_out..(s + 1) * n_out];
            let x = &input[s * n_in..(s + 1) * n_in];
            if modulated {
                let (fp, fn_) = (&ws.fpos[l - 1][s * n_in..], &ws.fneg[l - 1][s * n_in..]);
                let xs = &mut ws.stacked[l][s * 2 * n_in..(s + 1) * 2 * n_in];
                for i in 0..n_in {
                    xs[i] = x[i] * fp[i];
                    xs[n_in + i] = x[i] * fn_[i];
                }
                kernels::affine(xs, &ws.eff_split[l], &layer.bias, o);
            } else {
                kernels::affine(x, weights, &layer.bias, o);
            }
        }
        if l + 1 == self.layers.len() {
            softmax_rows(out, n_out);
            return;
        }
        let act = self.activations[l];
        let derivs = &mut ws.derivs[l][..batch * n_out];
        match act {
            Activation::Tanh => tanh_in_place(out),
            _ => out.iter_mut().for_each(|v| *v = act.apply(*v)),
        }
        for (d, &h) in derivs.iter_mut().zip(out.iter()) {
            *d = act.derivative_from_output(h);
        }
        if let Some(supply) = self.supply {
            let terr = &self.territories[l];
            let t_count = terr.count();
            ws.pre[l][..batch * n_out].copy_from_slice(out);
            for s in 0..batch {
                let row = &mut out[s * n_out..(s + 1) * n_out];
                let demand = &mut ws.demand[l][s * t_count..(s + 1) * t_count];
                demand.fill(0.0);
                for (i, &a) in row.iter().enumerate() {
                    demand[terr.of_neuron[i]] += act.activity(a);
                }
                let theta = &mut ws.theta[l][s * t_count..(s + 1) * t_count];
                for t in 0..t_count {
                    let cap = supply * terr.astrocytes[t] as f64;
                    theta[t] = if demand[t] > cap { cap / demand[t] } else { 1.0 };
                }
                for (i, h) in row.iter_mut().enumerate() {
                    *h *= theta[terr.of_neuron[i]];
                }
            }
        }
    }

    /// One astrocyte iteration: every counter group sees its neurons' activity and updates the
    /// factors of their outgoing weights.
    fn astrocytes_step(
        &self,
        ws: &mut Workspace,
        batch: usize,
        mut stats: Option<&mut ActivityReport>,
    ) {
        let Some(rule) = &self.rule else { return };
        for r in 0..self.hidden() {
            let n = self.layers[r].outputs;
            let groups = self.groups(r);
            let mut active = vec![0usize; groups];
            let mut size = vec![0usize; groups];
            for i in 0..n {
                size[self.group_of(r, i)] += 1;
            }
            for s in 0..batch {
                active.fill(0);
                let h = &ws.acts[r + 1][s * n..(s + 1) * n];
                for (i, &v) in h.iter().enumerate() {
                    if v > rule.active_above {
                        active[self.group_of(r, i)] += 1;
                    }
                }
                let states = &mut ws.states[r][s * groups..(s + 1) * groups];
                let mut events = 0.0;
                for g in 0..groups {
                    if rule.step(&mut states[g], 2 * active[g] > size[g]).is_some() {
                        events += 1.0;
                    }
                }
                for i in 0..n {
                    let st = states[self.group_of(r, i)];
                    ws.fpos[r][s * n + i] = st.positive;
                    ws.fneg[r][s * n + i] = st.negative;
                }
                if let Some(stats) = stats.as_deref_mut() {
                    stats.regions[r].glial_events += events;
                }
            }
        }
    }

    fn add_activity(&self, ws: &Workspace, batch: usize, stats: &mut ActivityReport) {
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
                name: format!("region {}", r + 1),
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
            name: "output".into(),
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

    /// Backward pass after `forward` on the same batch: adds `∂L/∂w`, `∂L/∂b` of the mean
    /// cross-entropy into `grads` (cleared first) and returns the mean loss.
    pub(crate) fn backward(
        &self,
        ws: &mut Workspace,
        labels: &[usize],
        batch: usize,
        grads: &mut Grads,
    ) -> f64 {
        grads.clear();
        let last = self.layers.len() - 1;
        let classes = self.classes();
        let inv_b = 1.0 / batch as f64;
        let mut loss = 0.0;
        {
            let probs = &ws.acts[last + 1][..batch * classes];
            let delta = &mut ws.deltas[last][..batch * classes];
            for s in 0..batch {
                let p = &probs[s * classes..(s + 1) * classes];
                loss -= p[labels[s]].max(1e-300).ln();
                let d = &mut delta[s * classes..(s + 1) * classes];
                for (dv, &pv) in d.iter_mut().zip(p) {
                    *dv = pv * inv_b;
                }
                d[labels[s]] -= inv_b;
            }
        }
        for l in (0..=last).rev() {
            self.layer_backward(ws, l, batch, grads);
        }
        if self.logistic {
            grads.b[last][0] = 0.0;
        }
        loss * inv_b
    }

    fn layer_backward(&self, ws: &mut Workspace, l: usize, batch: usize, grads: &mut Grads) {
        let layer = &self.layers[l];
        let (n_in, n_out) = (layer.inputs, layer.outputs);
        let modulated = l > 0 && self.rule.is_some();
        {
            let input = &ws.acts[l][..batch * n_in];
            let delta = &ws.deltas[l][..batch * n_out];
            let gw = &mut grads.w[l];
            let gb = &mut grads.b[l];
            for s in 0..batch {
                let d = &delta[s * n_out..(s + 1) * n_out];
                for (g, &v) in gb.iter_mut().zip(d) {
                    *g += v;
                }
            }
            if modulated {
                // ∂(w·F)/∂w = F with F = P for w ≥ 0 and N for w < 0 (frozen factors): the
                // gradient of the stacked weights, then each weight takes its sign's half.
                let a = &mut ws.split_grads[l];
                a.fill(0.0);
                kernels::outer_accumulate(
                    &ws.stacked[l][..batch * 2 * n_in],
                    delta,
                    batch,
                    n_out,
                    a,
                );
                let (a_pos, a_neg) = a.split_at(n_in * n_out);
                for (k, g) in gw.iter_mut().enumerate() {
                    *g += if ws.eff[l][k] >= 0.0 { a_pos[k] } else { a_neg[k] };
                }
            } else {
                kernels::outer_accumulate(input, delta, batch, n_out, gw);
            }
            // Through w_eff = w·mask·gate: the gate (and mask) multiply the gradient.
            if let Some(gates) = ws.gates.get(ws.context) {
                for (g, gate) in gw.iter_mut().zip(&gates[l]) {
                    *g *= gate;
                }
            }
            if let Some(mask) = &layer.mask {
                for (g, m) in gw.iter_mut().zip(mask) {
                    *g *= m;
                }
            }
        }
        if l == 0 {
            return;
        }
        // ∂L/∂h of the presynaptic region, then through the throttle and the activation.
        let r = l - 1;
        let grad_h = &mut ws.grad_h[..batch * n_in];
        let weights: &[f64] = if ws.eff.is_empty() { &layer.weights } else { &ws.eff[l] };
        let delta = &ws.deltas[l][..batch * n_out];
        if modulated {
            // ∂L/∂(stacked input)[s] = W_splitᵀ δ[s]; then h_i enters as x_i·P_i and x_i·N_i.
            let wt = &mut ws.split_transposed[l];
            let split = &ws.eff_split[l];
            for j in 0..2 * n_in {
                for o in 0..n_out {
                    wt[o * 2 * n_in + j] = split[j * n_out + o];
                }
            }
            let g2 = &mut ws.scratch[..2 * n_in];
            for s in 0..batch {
                kernels::affine(&delta[s * n_out..(s + 1) * n_out], wt, &ws.zeros[..2 * n_in], g2);
                for i in 0..n_in {
                    grad_h[s * n_in + i] =
                        ws.fpos[r][s * n_in + i] * g2[i] + ws.fneg[r][s * n_in + i] * g2[n_in + i];
                }
            }
        } else {
            // ∂L/∂h[s] = Wᵀ δ[s]: the forward kernel on the transposed weights.
            let wt = &mut ws.transposed[l];
            for i in 0..n_in {
                for o in 0..n_out {
                    wt[o * n_in + i] = weights[i * n_out + o];
                }
            }
            for s in 0..batch {
                kernels::affine(
                    &delta[s * n_out..(s + 1) * n_out],
                    wt,
                    &ws.zeros[..n_in],
                    &mut grad_h[s * n_in..(s + 1) * n_in],
                );
            }
        }
        let (lower, _) = ws.deltas.split_at_mut(l);
        let delta_r = &mut lower[r][..batch * n_in];
        let derivs = &ws.derivs[r][..batch * n_in];
        match self.supply {
            None => {
                for ((dz, &g), &dv) in delta_r.iter_mut().zip(grad_h.iter()).zip(derivs) {
                    *dz = g * dv;
                }
            }
            Some(supply) => {
                let act = self.activations[r];
                let terr = &self.territories[r];
                let t_count = terr.count();
                for s in 0..batch {
                    let pre = &ws.pre[r][s * n_in..(s + 1) * n_in];
                    let theta = &ws.theta[r][s * t_count..(s + 1) * t_count];
                    let demand = &ws.demand[r][s * t_count..(s + 1) * t_count];
                    let g = &grad_h[s * n_in..(s + 1) * n_in];
                    // Σ_{i∈T} g_i a_i per throttled territory.
                    let mut ga = vec![0.0; t_count];
                    for i in 0..n_in {
                        ga[terr.of_neuron[i]] += g[i] * pre[i];
                    }
                    for i in 0..n_in {
                        let t = terr.of_neuron[i];
                        let cap = supply * terr.astrocytes[t] as f64;
                        let mut da = theta[t] * g[i];
                        if demand[t] > cap {
                            da -= theta[t] / demand[t] * activity_slope(act, pre[i]) * ga[t];
                        }
                        delta_r[s * n_in + i] = da * derivs[s * n_in + i];
                    }
                }
            }
        }
    }
}

/// `dr/da` of the activity `r(a)` of [`Activation::activity`].
fn activity_slope(act: Activation, a: f64) -> f64 {
    match act {
        Activation::Tanh => {
            if a > 0.0 {
                1.0
            } else if a < 0.0 {
                -1.0
            } else {
                0.0
            }
        }
        Activation::Relu => {
            if a > 0.0 && a < 1.0 {
                1.0
            } else {
                0.0
            }
        }
        Activation::Sigmoid => 1.0,
    }
}

/// Row-wise softmax in place (max-shifted for stability).
fn softmax_rows(values: &mut [f64], width: usize) {
    for row in values.chunks_exact_mut(width) {
        let max = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let mut sum = 0.0;
        for v in row.iter_mut() {
            *v = (*v - max).exp();
            sum += *v;
        }
        let inv = 1.0 / sum;
        row.iter_mut().for_each(|v| *v *= inv);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arch::{Architecture, Region};
    use crate::astrocyte::AstrocyteRule;
    use crate::phase::PhaseLayer;
    use rand::RngExt;

    /// A network with every feature on (the astrocyte rule optionally): two regions (tanh, sigmoid), sparse synapses, territories
    /// of two neurons (ratio 0.5) and of one neuron with two astrocytes (ratio 2), a supply small
    /// enough to throttle, the astrocyte rule and a partial phase gate.
    fn full_network(seed: u64, with_rule: bool) -> Network {
        let arch = Architecture {
            regions: vec![
                Region { neurons: 6, glia_ratio: 0.5, activation: Activation::Tanh, density: 0.8 },
                Region {
                    neurons: 5,
                    glia_ratio: 2.0,
                    activation: Activation::Sigmoid,
                    density: 1.0,
                },
            ],
            astrocytes: with_rule.then(|| AstrocyteRule {
                iterations: 4,
                threshold: 2,
                ..AstrocyteRule::default()
            }),
            supply_per_astrocyte: Some(0.35),
            phase: Some(PhaseLayer { coupling: 0.6, contexts: 2, ..PhaseLayer::default() }),
        }
        .check()
        .unwrap();
        Network::build(&arch, 4, 3, Seed(seed)).unwrap()
    }

    fn batch(seed: u64, n: usize, d: usize) -> (Vec<f64>, Vec<usize>) {
        let mut rng = Seed(seed).stream("test/batch", &[]);
        let x = (0..n * d).map(|_| rng.random_range(-2.0..2.0)).collect();
        let y = (0..n).map(|_| rng.random_range(0..2) + usize::from(seed % 2 == 1)).collect();
        (x, y)
    }

    /// Weight `k` of layer `l`, or bias `k − weights` after the weights.
    fn param(net: &mut Network, l: usize, k: usize) -> &mut f64 {
        let layer = &mut net.layers[l];
        let n_w = layer.weights.len();
        if k < n_w { &mut layer.weights[k] } else { &mut layer.bias[k - n_w] }
    }

    fn loss(net: &Network, ws: &mut Workspace, x: &[f64], y: &[usize], ctx: usize) -> f64 {
        ws.input_mut(y.len()).copy_from_slice(x);
        net.forward(ws, y.len(), ctx, None);
        let p = ws.probabilities(y.len());
        let k = net.classes();
        -y.iter().enumerate().map(|(s, &c)| p[s * k + c].ln()).sum::<f64>() / y.len() as f64
    }

    #[test]
    fn gradients_match_central_differences() {
        // Backprop against (L(w + h) − L(w − h))/2h with h = 1e-5: truncation error
        // h²|L‴|/6 ≈ 2e-11 and rounding ε|L|/h ≈ 2e-11, so 1e-7 absolute + 1e-5 relative is far
        // below any real mistake (a missing factor is an O(1) relative error). The astrocyte
        // factors are piecewise constant: a perturbation of 1e-5 flips a counter only if an
        // output lies within ~1e-5 of the threshold, which none does here (the check would
        // then fail loudly, not pass silently).
        let plain = Architecture::plain(&[6, 5]).check().unwrap();
        let cases = [
            (1, 0, full_network(1, true)),
            (2, 1, full_network(2, true)),
            (3, 0, full_network(3, false)),
            (4, 1, full_network(4, false)),
            (5, 0, Network::build(&plain, 4, 3, Seed(5)).unwrap()),
            (6, 0, Network::build(&plain, 4, 2, Seed(6)).unwrap()),
        ];
        for (seed, ctx, mut net) in cases {
            let (x, y) = batch(seed, 7, 4);
            let mut ws = Workspace::new(&net, 7);
            let mut grads = Grads::zeros(&net);
            ws.input_mut(7).copy_from_slice(&x);
            net.forward(&mut ws, 7, ctx, None);
            let l0 = net.backward(&mut ws, &y, 7, &mut grads);
            assert!((l0 - loss(&net, &mut ws, &x, &y, ctx)).abs() < 1e-12);
            let h = 1e-5;
            let mut checked = 0;
            for l in 0..net.layers.len() {
                let n_w = net.layers[l].weights.len();
                for k in 0..n_w + net.layers[l].bias.len() {
                    if k < n_w && net.layers[l].mask.as_ref().is_some_and(|m| m[k] == 0.0) {
                        assert!(grads.w[l][k].abs() < 1e-300, "absent synapse has a gradient");
                        continue;
                    }
                    if net.logistic && l + 1 == net.layers.len() && k == n_w {
                        assert!(grads.b[l][0].abs() < 1e-300, "the held class-0 bias moved");
                        continue;
                    }
                    let original = *param(&mut net, l, k);
                    *param(&mut net, l, k) = original + h;
                    let up = loss(&net, &mut ws, &x, &y, ctx);
                    *param(&mut net, l, k) = original - h;
                    let down = loss(&net, &mut ws, &x, &y, ctx);
                    *param(&mut net, l, k) = original;
                    let fd = (up - down) / (2.0 * h);
                    let an = if k < n_w { grads.w[l][k] } else { grads.b[l][k - n_w] };
                    assert!(
                        (fd - an).abs() < 1e-7 + 1e-5 * an.abs(),
                        "seed {seed} layer {l} param {k}: fd {fd} vs {an}"
                    );
                    checked += 1;
                }
            }
            assert!(checked > 60);
        }
    }

    #[test]
    fn global_processing_shares_one_counter_per_region() {
        // Global variant: one counter per region, driven by the majority of its neurons, so
        // every neuron of a region carries the same factors; per-territory counters (ratio 1:
        // one neuron each) let them differ.
        let (x, _) = batch(7, 16, 4);
        for global in [true, false] {
            let arch = Architecture {
                regions: vec![Region::dense(8)],
                astrocytes: Some(AstrocyteRule {
                    iterations: 6,
                    threshold: 2,
                    global,
                    ..AstrocyteRule::default()
                }),
                ..Architecture::plain(&[8])
            }
            .check()
            .unwrap();
            let net = Network::build(&arch, 4, 3, Seed(8)).unwrap();
            let mut ws = Workspace::new(&net, 16);
            ws.input_mut(16).copy_from_slice(&x);
            net.forward(&mut ws, 16, 0, None);
            let uniform = (0..16).all(|s| {
                let f = &ws.fpos[0][s * 8..(s + 1) * 8];
                f.iter().all(|v| v.to_bits() == f[0].to_bits())
            });
            assert_eq!(uniform, global, "global = {global}");
        }
    }
}
