//! The model: layers, astrocyte territories, and the [`Network`] built from a checked
//! architecture, whose arrays always fit together.

use crate::GliaError;
use crate::arch::{Activation, ValidArchitecture};
use crate::astrocyte::AstrocyteRule;
use crate::phase::{PhaseLayer, PhaseState};
use dgnn_core::{ParamError, ParamGuard, Seed, Validate};
use rand::RngExt;
use serde::{Deserialize, Serialize};

/// One dense layer from level `l` to level `l + 1`. Its arrays always fit its sizes: a layer is
/// only built by [`Network::build`] or read as part of a checked network, and changed only
/// through [`Network::set_parameters`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Layer {
    pub(crate) inputs: usize,
    pub(crate) outputs: usize,
    /// Row-major `inputs × outputs`: row `i` is presynaptic unit `i`'s outgoing weights.
    pub(crate) weights: Vec<f64>,
    pub(crate) bias: Vec<f64>,
    /// Which synapses exist (1.0) or not (0.0), same shape as `weights`; `None` when all do.
    pub(crate) mask: Option<Vec<f64>>,
}

impl Layer {
    /// Number of presynaptic units.
    #[must_use]
    pub fn inputs(&self) -> usize {
        self.inputs
    }

    /// Number of postsynaptic units.
    #[must_use]
    pub fn outputs(&self) -> usize {
        self.outputs
    }

    /// The weights, row-major `inputs × outputs`: row `i` is presynaptic unit `i`'s outgoing
    /// weights (0 where no synapse exists).
    #[must_use]
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }

    /// One bias per postsynaptic unit.
    #[must_use]
    pub fn bias(&self) -> &[f64] {
        &self.bias
    }

    /// Which synapses exist (1.0) or not (0.0), shaped as the weights; `None` when all do.
    #[must_use]
    pub fn mask(&self) -> Option<&[f64]> {
        self.mask.as_deref()
    }

    /// Whether synapse `k` (row-major index into the weights) exists.
    #[must_use]
    pub fn has_synapse(&self, k: usize) -> bool {
        k < self.weights.len() && self.mask.as_ref().is_none_or(|m| m[k] > 0.0)
    }

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
///
/// Its arrays always fit together: it is built by [`Network::build`], read from a file only
/// through a check of every array (a model file whose network does not fit is refused), and its
/// weights change only through [`Network::set_parameters`], which keeps absent synapses absent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "NetworkFile")]
pub struct Network {
    pub(crate) layers: Vec<Layer>,
    pub(crate) activations: Vec<Activation>,
    pub(crate) territories: Vec<Territories>,
    pub(crate) rule: Option<AstrocyteRule>,
    pub(crate) supply: Option<f64>,
    pub(crate) phase: Option<(PhaseLayer, PhaseState)>,
    /// Learned per-context gains on the hidden units' outputs, `[context][region][neuron]`
    /// (the `UnitGains` control of [`crate::learn`]); `None` for none, and then not written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) unit_gains: Option<Vec<Vec<Vec<f64>>>>,
    /// Two classes: the output is one logistic unit, written as a softmax whose class-0 logit is
    /// held at 0 (its synapses absent, its bias 0), `p(1) = σ(z₁)` — scikit-learn's binary model.
    pub(crate) logistic: bool,
}

/// A network as a file holds it, before [`Network::validate`] has checked that it fits together.
#[derive(Deserialize)]
struct NetworkFile {
    layers: Vec<Layer>,
    activations: Vec<Activation>,
    territories: Vec<Territories>,
    rule: Option<AstrocyteRule>,
    supply: Option<f64>,
    phase: Option<(PhaseLayer, PhaseState)>,
    /// Absent in files written before gains could be learned.
    #[serde(default)]
    unit_gains: Option<Vec<Vec<Vec<f64>>>>,
    logistic: bool,
}

impl TryFrom<NetworkFile> for Network {
    type Error = String;

    fn try_from(file: NetworkFile) -> Result<Self, String> {
        let network = Self {
            layers: file.layers,
            activations: file.activations,
            territories: file.territories,
            rule: file.rule,
            supply: file.supply,
            phase: file.phase,
            unit_gains: file.unit_gains,
            logistic: file.logistic,
        };
        network.validate().map_err(|problem| format!("inconsistent network: {problem}"))?;
        Ok(network)
    }
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
    ///
    /// # Errors
    /// `inputs` = 0 (the data have no feature column) or `classes` < 2 are refused by name, and
    /// so is a phase layer whose landscape has no attractor.
    pub fn build(
        arch: &ValidArchitecture,
        inputs: usize,
        classes: usize,
        seed: Seed,
    ) -> Result<Self, GliaError> {
        if inputs == 0 {
            return Err(ParamError::new(
                "inputs",
                inputs,
                "must be at least 1: give the data at least one feature column",
            )
            .into());
        }
        if classes < 2 {
            return Err(ParamError::new(
                "classes",
                classes,
                "must be at least 2: classification needs two classes (check the label column)",
            )
            .into());
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
                let layer = p.clone().check()?;
                Some((p.clone(), PhaseState::settle(&layer, &hidden, seed)?))
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
            unit_gains: None,
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

    /// Number of contexts the network serves: its phase layer's, else its unit gains' (1 with
    /// neither).
    #[must_use]
    pub fn contexts(&self) -> usize {
        match (&self.phase, &self.unit_gains) {
            (Some((p, _)), _) => p.contexts,
            (None, Some(gains)) => gains.len(),
            (None, None) => 1,
        }
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

    /// The phase layer's genes, if any.
    #[must_use]
    pub fn phase_layer(&self) -> Option<&PhaseLayer> {
        self.phase.as_ref().map(|(p, _)| p)
    }

    /// The learned gains on the hidden units' outputs, `[context][region][neuron]`, if any
    /// (the `UnitGains` control of [`crate::learn`]).
    #[must_use]
    pub fn unit_gains(&self) -> Option<&[Vec<Vec<f64>>]> {
        self.unit_gains.as_deref()
    }

    /// The gain of unit `neuron` of level `level` in `context`: the learned gain of a hidden
    /// unit, 1 for inputs and without gains.
    pub(crate) fn unit_gain(&self, context: usize, level: usize, neuron: usize) -> f64 {
        match &self.unit_gains {
            Some(gains) if level >= 1 && level <= gains[context].len() => {
                gains[context][level - 1][neuron]
            }
            _ => 1.0,
        }
    }

    /// What multiplies the weights of layer `l` in `context` (row-major `inputs × outputs`): the
    /// phase gates `g(Δ_o − Δ_i)` times the gain of presynaptic unit `i`; `None` when the network
    /// has neither phases nor gains.
    pub(crate) fn weight_factors(&self, context: usize, l: usize) -> Option<Vec<f64>> {
        let layer = &self.layers[l];
        let mut factors = match &self.phase {
            Some((p, state)) => state.gates(p, context, l, layer.inputs, layer.outputs),
            None if self.unit_gains.is_some() => vec![1.0; layer.weights.len()],
            None => return None,
        };
        if self.unit_gains.is_some() && l > 0 {
            for (i, row) in factors.chunks_exact_mut(layer.outputs).enumerate() {
                let gain = self.unit_gain(context, l, i);
                row.iter_mut().for_each(|f| *f *= gain);
            }
        }
        Some(factors)
    }

    /// Gives every hidden unit a gain of 1 in each of `contexts` contexts (the start of the
    /// `UnitGains` control: the same function as without gains).
    pub(crate) fn add_unit_gains(&mut self, contexts: usize) {
        let sizes: Vec<usize> = self.layers[..self.hidden()].iter().map(|l| l.outputs).collect();
        let one_context: Vec<Vec<f64>> = sizes.iter().map(|&n| vec![1.0; n]).collect();
        self.unit_gains = Some(vec![one_context; contexts]);
    }

    /// Number of hidden neurons over all regions.
    #[must_use]
    pub fn hidden_neurons(&self) -> usize {
        self.layers[..self.hidden()].iter().map(|l| l.outputs).sum()
    }

    /// Number of free weights and biases: existing synapses and every bias except a held
    /// class-0 output bias (what training the weights learns).
    #[must_use]
    pub fn free_weights_and_biases(&self) -> usize {
        let biases: usize = self.layers.iter().map(|l| l.bias.len()).sum();
        self.layers.iter().map(Layer::synapses).sum::<usize>() + biases - usize::from(self.logistic)
    }

    /// Replaces the weights (row-major `inputs × outputs`) and biases of layer `layer`.
    ///
    /// # Errors
    /// Refused, leaving the network unchanged, when the layer does not exist, a length differs
    /// from the layer's, a value is not finite, a weight is nonzero where no synapse exists, or
    /// (two classes) the held class-0 output bias is nonzero.
    pub fn set_parameters(
        &mut self,
        layer: usize,
        weights: &[f64],
        bias: &[f64],
    ) -> Result<(), GliaError> {
        let count = self.layers.len();
        let Some(target) = self.layers.get(layer) else {
            return Err(ParamError::new(
                "layer",
                layer,
                format!("must be below the network's {count} layers"),
            )
            .into());
        };
        let field = |name: &str| format!("layers[{layer}].{name}");
        if weights.len() != target.weights.len() {
            return Err(ParamError::new(
                field("weights"),
                format!("{} values", weights.len()),
                format!("must hold inputs × outputs = {} values", target.weights.len()),
            )
            .into());
        }
        if bias.len() != target.bias.len() {
            return Err(ParamError::new(
                field("bias"),
                format!("{} values", bias.len()),
                format!("must hold one value per output, {}", target.bias.len()),
            )
            .into());
        }
        if let Some(k) = weights.iter().chain(bias).position(|v| !v.is_finite()) {
            let (name, at) =
                if k < weights.len() { ("weights", k) } else { ("bias", k - weights.len()) };
            let value = if k < weights.len() { weights[at] } else { bias[at] };
            return Err(
                ParamError::new(format!("{}[{at}]", field(name)), value, "must be finite").into()
            );
        }
        if let Some(k) = (0..weights.len()).find(|&k| !target.has_synapse(k) && weights[k] != 0.0) {
            return Err(ParamError::new(
                format!("{}[{k}]", field("weights")),
                weights[k],
                "must be 0: that synapse does not exist",
            )
            .into());
        }
        if self.logistic && layer + 1 == count && bias[0] != 0.0 {
            return Err(ParamError::new(
                format!("{}[0]", field("bias")),
                bias[0],
                "must be 0: a two-class output holds its class-0 logit at 0",
            )
            .into());
        }
        let target = &mut self.layers[layer];
        target.weights.copy_from_slice(weights);
        target.bias.copy_from_slice(bias);
        Ok(())
    }

    /// Removes synapse `k` (row-major index into layer `layer`'s weights) for good: its weight
    /// becomes 0 and training leaves it there.
    pub(crate) fn remove_synapse(&mut self, layer: usize, k: usize) {
        let layer = &mut self.layers[layer];
        let n = layer.weights.len();
        let mask = layer.mask.get_or_insert_with(|| vec![1.0; n]);
        mask[k] = 0.0;
        layer.weights[k] = 0.0;
    }

    /// Total number of trainable parameters.
    #[must_use]
    pub fn parameter_count(&self) -> usize {
        self.layers.iter().map(|l| l.weights.len() + l.bias.len()).sum()
    }

    pub(super) fn hidden(&self) -> usize {
        self.activations.len()
    }

    /// Counter groups of hidden region `r`: its territories, or one group for global processing.
    pub(super) fn groups(&self, r: usize) -> usize {
        match &self.rule {
            Some(rule) if rule.global => 1,
            _ => self.territories[r].count(),
        }
    }

    pub(super) fn group_of(&self, r: usize, neuron: usize) -> usize {
        match &self.rule {
            Some(rule) if rule.global => 0,
            _ => self.territories[r].of_neuron[neuron],
        }
    }

    /// Checks that the stored arrays fit together (for networks read from files).
    fn validate(&self) -> Result<(), String> {
        if self.layers.len() != self.activations.len() + 1
            || self.territories.len() != self.activations.len()
        {
            return Err("layer, activation and territory counts disagree".into());
        }
        if let Some(rule) = &self.rule {
            rule.validate().map_err(|e| format!("its astrocyte rule: {e}"))?;
        }
        if self.supply.is_some_and(|s| !(s.is_finite() && s > 0.0)) {
            return Err("its supply per astrocyte is not a positive number".into());
        }
        if let Some((layer, state)) = &self.phase {
            layer.validate().map_err(|e| format!("its phase layer: {e}"))?;
            let fits = state.phases_rad.len() == layer.contexts
                && state.phases_rad.iter().all(|context| {
                    context.len() == self.territories.len()
                        && context.iter().zip(&self.layers).all(|(p, l)| p.len() == l.outputs)
                });
            if !fits {
                return Err("its settled phases do not fit its contexts and regions".into());
            }
            if state.phases_rad.iter().flatten().flatten().any(|p| !p.is_finite()) {
                return Err("its phase layer holds a non-finite phase".into());
            }
        }
        if let Some(gains) = &self.unit_gains {
            let fits = !gains.is_empty()
                && self.phase.as_ref().is_none_or(|(p, _)| p.contexts == gains.len())
                && gains.iter().all(|context| {
                    context.len() == self.territories.len()
                        && context.iter().zip(&self.layers).all(|(g, l)| g.len() == l.outputs)
                });
            if !fits {
                return Err("its unit gains do not fit its contexts and regions".into());
            }
            if gains.iter().flatten().flatten().any(|g| !g.is_finite()) {
                return Err("its unit gains hold a non-finite value".into());
            }
        }
        for (l, layer) in self.layers.iter().enumerate() {
            let Some(n) = layer.inputs.checked_mul(layer.outputs) else {
                return Err(format!(
                    "layer {l} claims {} × {} weights",
                    layer.inputs, layer.outputs
                ));
            };
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
                || t.astrocytes.is_empty()
                || t.of_neuron.iter().any(|&k| k >= t.astrocytes.len())
            {
                return Err(format!("territories of region {r} do not fit its neurons"));
            }
            if t.astrocytes.iter().try_fold(0usize, |sum, &a| sum.checked_add(a)).is_none() {
                return Err(format!("region {r} claims more astrocytes than can be counted"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::full_network;
    use super::*;
    use crate::arch::{Architecture, Region};

    proptest::proptest! {
        // Invariant: `set_parameters` accepts exactly the arrays that keep a network whole (the
        // layer's lengths, finite values, 0 at absent synapses and at a held class-0 bias) and
        // then holds them; anything else is refused and leaves the network unchanged.
        #[test]
        fn set_parameters_keeps_the_invariants(
            seed in 0u64..50,
            layer in 0usize..3,
            extra_weight in 0usize..2,
            poison in 0usize..4,
            at in proptest::prelude::any::<proptest::sample::Index>(),
        ) {
            let arch = Architecture {
                regions: vec![Region { density: 0.6, ..Region::dense(5) }],
                ..Architecture::plain(&[5])
            }
            .check()
            .unwrap();
            let mut net = Network::build(&arch, 3, 2, Seed(seed)).unwrap();
            let before = net.clone();
            let shape = net.layers.get(layer).map(|l| (l.weights.len(), l.bias.len()));
            let (n_w, n_b) = shape.unwrap_or((4, 4));
            let mut weights: Vec<f64> = (0..n_w + extra_weight).map(|k| k as f64 + 1.0).collect();
            let mut bias: Vec<f64> = (0..n_b).map(|k| k as f64 + 0.5).collect();
            if let Some(l) = net.layers.get(layer) {
                for (k, w) in weights.iter_mut().enumerate().take(n_w) {
                    if !l.has_synapse(k) { *w = 0.0; }
                }
                if net.logistic && layer + 1 == net.layers.len() { bias[0] = 0.0; }
            }
            let poisoned_absent = match poison {
                1 => { let k = at.index(weights.len()); weights[k] = f64::NAN; false }
                2 => {
                    let absent = net.layers.get(layer)
                        .and_then(|l| (0..n_w).find(|&k| !l.has_synapse(k)));
                    if let Some(k) = absent { weights[k] = 1.0; }
                    absent.is_some()
                }
                3 => { let k = at.index(bias.len()); bias[k] = f64::INFINITY; false }
                _ => false,
            };
            let fits = layer < net.layers.len() && extra_weight == 0;
            let allowed = fits && (poison == 0 || (poison == 2 && !poisoned_absent));
            let result = net.set_parameters(layer, &weights, &bias);
            proptest::prop_assert_eq!(result.is_ok(), allowed, "{:?}", result);
            if allowed {
                proptest::prop_assert_eq!(net.layers[layer].weights(), &weights[..]);
                proptest::prop_assert_eq!(net.layers[layer].bias(), &bias[..]);
                proptest::prop_assert!(net.validate().is_ok());
            } else {
                proptest::prop_assert_eq!(&net, &before);
            }
        }

        // Invariant: a network read back from its own text is equal to it, and one whose arrays
        // were cut short anywhere is refused as inconsistent (never used half-built).
        #[test]
        fn network_files_are_checked_as_they_are_read(seed in 0u64..30, cut in proptest::prelude::any::<proptest::sample::Index>()) {
            let net = full_network(seed, seed % 2 == 0);
            let text = ron::to_string(&net).unwrap();
            proptest::prop_assert_eq!(ron::from_str::<Network>(&text).unwrap(), net.clone());
            // Drop the last number of one weight, bias or mask array.
            let ends: Vec<usize> = ["weights:[", "bias:[", "mask:Some(["]
                .iter()
                .flat_map(|key| text.match_indices(key).map(|(i, _)| text[i..].find(']').unwrap() + i))
                .collect();
            let end = ends[cut.index(ends.len())];
            let start = text[..end].rfind(',').unwrap();
            let cut_text = format!("{}{}", &text[..start], &text[end..]);
            let err = ron::from_str::<Network>(&cut_text).unwrap_err().to_string();
            proptest::prop_assert!(err.contains("inconsistent network"), "{}", err);
        }
    }

    #[test]
    fn a_network_needs_inputs_and_two_classes_and_says_which() {
        let arch = Architecture::plain(&[3]).check().unwrap();
        let no_inputs = Network::build(&arch, 0, 3, Seed(1)).unwrap_err().to_string();
        assert!(no_inputs.contains("`inputs` = 0"), "{no_inputs}");
        assert!(no_inputs.contains("feature column"), "{no_inputs}");
        let one_class = Network::build(&arch, 4, 1, Seed(1)).unwrap_err().to_string();
        assert!(one_class.contains("`classes` = 1"), "{one_class}");
    }
}
