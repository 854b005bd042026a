//! The forward pass: gated (and astrocyte-modulated) affine maps, activations, the glial supply
//! throttle, and the astrocyte iterations (module docs of [`super`]).

use super::activity::ActivityReport;
use super::model::Network;
use super::workspace::{TerritoryIndex, Workspace};
use crate::arch::Activation;
use crate::astrocyte::AstrocyteState;
use crate::kernels;
use wide::f64x8;

impl Network {
    /// Computes the effective (gated) weights of `context` and their signed parts, and the
    /// active outgoing synapse counts when statistics are wanted.
    fn prepare(&self, ws: &mut Workspace, context: usize, with_stats: bool) {
        ws.context = context;
        if !ws.eff.is_empty() {
            for (l, layer) in self.layers.iter().enumerate() {
                let eff = &mut ws.eff[l];
                match ws.gates.get(context) {
                    Some(gates) => {
                        for ((e, w), g) in eff.iter_mut().zip(&layer.weights).zip(&gates[l]) {
                            *e = w * g;
                        }
                    }
                    None => eff.copy_from_slice(&layer.weights),
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
        let levels = self.layers.len();
        for iteration in 0..iterations {
            let last = iteration + 1 == iterations;
            for l in 0..levels {
                // The astrocyte factors modulate only the weights leaving a hidden region, so a
                // first layer that feeds a hidden region sees the same inputs and weights in
                // every iteration: its outputs (and their throttle and derivatives) are those of
                // the first. The output layer of an earlier iteration feeds only the activity
                // statistics.
                let repeated = l == 0 && l + 1 < levels && iteration > 0;
                let unseen = l + 1 == levels && !last && stats.is_none();
                if !repeated && !unseen {
                    self.layer_forward(ws, l, batch);
                }
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
        if modulated {
            // The stacked input `[x·P, x·N]` of every sample, then one product with the stacked
            // weights.
            let (fp, fn_) = (&ws.fpos[l - 1], &ws.fneg[l - 1]);
            let stacked = &mut ws.stacked[l][..batch * 2 * n_in];
            for (s, xs) in stacked.chunks_exact_mut(2 * n_in).enumerate() {
                let x = &input[s * n_in..(s + 1) * n_in];
                let (pos, neg) = xs.split_at_mut(n_in);
                for i in 0..n_in {
                    pos[i] = x[i] * fp[s * n_in + i];
                    neg[i] = x[i] * fn_[s * n_in + i];
                }
            }
            kernels::affine_batch(stacked, &ws.eff_split[l], &layer.bias, out);
        } else {
            let weights: &[f64] = if ws.eff.is_empty() { &layer.weights } else { &ws.eff[l] };
            kernels::affine_batch(input, weights, &layer.bias, out);
        }
        if l + 1 == self.layers.len() {
            softmax_rows(out, n_out);
            return;
        }
        let act = self.activations[l];
        let derivs = &mut ws.derivs[l][..batch * n_out];
        match act {
            Activation::Tanh => tanh_in_place(out),
            Activation::Sigmoid => sigmoid_in_place(out),
            Activation::Relu => out.iter_mut().for_each(|v| *v = act.apply(*v)),
        }
        for (d, &h) in derivs.iter_mut().zip(out.iter()) {
            *d = act.derivative_from_output(h);
        }
        if self.supply.is_some() {
            let index = &ws.territories[l];
            let t_count = index.caps.len();
            let pre = &mut ws.pre[l][..batch * n_out];
            transpose(out, n_out, pre);
            let demand = &mut ws.demand[l][..t_count * batch];
            let theta = &mut ws.theta[l][..t_count * batch];
            let sides = (index, demand, theta, batch);
            match act {
                Activation::Tanh => throttle(pre, out, sides, f64::abs),
                Activation::Relu => throttle(pre, out, sides, |h| h.clamp(0.0, 1.0)),
                Activation::Sigmoid => throttle(pre, out, sides, |h| h),
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
            let (counter_of, size) = (&ws.counter_of[r], &ws.counter_size[r]);
            let groups = size.len();
            let active = &mut ws.group_active[..groups];
            for s in 0..batch {
                active.fill(0);
                let h = &ws.acts[r + 1][s * n..(s + 1) * n];
                for (&v, &g) in h.iter().zip(counter_of) {
                    active[g] += usize::from(v > rule.active_above);
                }
                let states = &mut ws.states[r][s * groups..(s + 1) * groups];
                let mut events = 0.0;
                for ((state, &active), &size) in states.iter_mut().zip(active.iter()).zip(size) {
                    if rule.step(state, 2 * active > size).is_some() {
                        events += 1.0;
                    }
                }
                let factors =
                    ws.fpos[r][s * n..(s + 1) * n].iter_mut().zip(&mut ws.fneg[r][s * n..]);
                for ((positive, negative), &g) in factors.zip(counter_of) {
                    (*positive, *negative) = (states[g].positive, states[g].negative);
                }
                if let Some(stats) = stats.as_deref_mut() {
                    stats.regions[r].glial_events += events;
                }
            }
        }
    }
}

/// `dst[c·rows + r] = src[r·cols + c]`: the `rows × cols` row-major `src` (`rows =
/// src.len()/cols`) transposed into `dst`.
pub(super) fn transpose(src: &[f64], cols: usize, dst: &mut [f64]) {
    let rows = src.len() / cols;
    for (r, row) in src.chunks_exact(cols).enumerate() {
        for (c, &v) in row.iter().enumerate() {
            dst[c * rows + r] = v;
        }
    }
}

/// The supply throttle of a batch, territory by territory, the samples side by side: with the
/// activations `pre` neuron-major (`n × batch`), every sample's demand `Σ_{i∈T} r(h_i)` (summed
/// over the neurons in increasing order, `r` = `activity`), its factor
/// `θ_T = min(1, cap_T / demand)`, and every neuron of the territory scaled by it into `out`
/// (`batch × n`, `batch` samples). `demand` and `theta` are territory-major (`t_count × batch`). Each sample's
/// sum is the same chain as alone, so the bits do not depend on the batch.
fn throttle(
    pre: &[f64],
    out: &mut [f64],
    (index, demand, theta, batch): (&TerritoryIndex, &mut [f64], &mut [f64], usize),
    activity: impl Fn(f64) -> f64,
) {
    if batch == 0 {
        return;
    }
    let n = pre.len() / batch;
    let by_territory = demand.chunks_exact_mut(batch).zip(theta.chunks_exact_mut(batch));
    for (t, (sums, factors)) in by_territory.enumerate() {
        let members = index.members(t);
        sums.fill(0.0);
        for &i in members {
            for (sum, &h) in sums.iter_mut().zip(&pre[i * batch..(i + 1) * batch]) {
                *sum += activity(h);
            }
        }
        let cap = index.caps[t];
        for (factor, &sum) in factors.iter_mut().zip(sums.iter()) {
            *factor = if sum > cap { cap / sum } else { 1.0 };
        }
        for &i in members {
            let column = &pre[i * batch..(i + 1) * batch];
            for (s, (&h, &factor)) in column.iter().zip(factors.iter()).enumerate() {
                out[s * n + i] = h * factor;
            }
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

/// In-place logistic sigmoid `1/(1 + e^{−z})` of a slice, its exponentials vectorised (the
/// same bits as [`Activation::apply`]'s).
fn sigmoid_in_place(values: &mut [f64]) {
    values.iter_mut().for_each(|v| *v = -*v);
    kernels::exp_in_place(values);
    values.iter_mut().for_each(|v| *v = 1.0 / (1.0 + *v));
}

/// Row-wise softmax in place (max-shifted for stability): every row shifted by its maximum, then
/// one vectorised `exp` over the whole batch, then each row divided by its sum (summed in order).
fn softmax_rows(values: &mut [f64], width: usize) {
    for row in values.chunks_exact_mut(width) {
        let max = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        row.iter_mut().for_each(|v| *v -= max);
    }
    kernels::exp_in_place(values);
    for row in values.chunks_exact_mut(width) {
        let inv = 1.0 / row.iter().fold(0.0, |sum, v| sum + v);
        row.iter_mut().for_each(|v| *v *= inv);
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::batch;
    use super::super::workspace::Grads;
    use super::*;
    use crate::arch::{Architecture, Region};
    use crate::astrocyte::AstrocyteRule;
    use dgnn_core::{ParamGuard, Seed};
    use proptest::prelude::*;

    proptest! {
        // The batched activations are the one-value formulas, row by row, to the bit: the
        // sigmoid is `Activation::apply`'s and each softmax row is its own max-shifted,
        // in-order-summed softmax, whatever the batch around it.
        #[test]
        fn batched_sigmoid_and_softmax_are_the_scalar_formulas(
            z in prop::collection::vec(-800.0..800.0f64, 1..60),
            width in 1usize..12,
        ) {
            let mut sig = z.clone();
            sigmoid_in_place(&mut sig);
            for (&z, &s) in z.iter().zip(&sig) {
                prop_assert_eq!(s.to_bits(), Activation::Sigmoid.apply(z).to_bits());
            }
            let rows = z.len() / width;
            let mut soft = z[..rows * width].to_vec();
            softmax_rows(&mut soft, width);
            for (row, out) in z.chunks_exact(width).zip(soft.chunks_exact(width)) {
                let max = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let e: Vec<f64> = row.iter().map(|v| kernels::exp(v - max)).collect();
                let sum = e.iter().fold(0.0, |s, v| s + v);
                for (e, o) in e.iter().zip(out) {
                    prop_assert_eq!((e * (1.0 / sum)).to_bits(), o.to_bits());
                }
            }
        }
    }

    /// A network drawn from `genes`: one to three regions of one to nine neurons with any of
    /// `activations`, glia ratio and density, a supply tight enough to throttle (or none), the
    /// astrocyte rule with one to eight iterations (or none; its threshold at most
    /// the iterations), on 5 inputs and 3 classes.
    fn drawn_network(
        genes: &[u64],
        activations: &[Activation],
        rule: bool,
        supply: bool,
    ) -> Network {
        let regions = (0..1 + genes[0] as usize % 3)
            .map(|r| {
                let g = genes[1 + r];
                Region {
                    neurons: 1 + g as usize % 9,
                    glia_ratio: [0.25, 0.5, 1.0, 2.0][(g >> 8) as usize % 4],
                    activation: activations[(g >> 16) as usize % activations.len()],
                    density: [0.5, 0.8, 1.0][(g >> 24) as usize % 3],
                }
            })
            .collect();
        let arch = Architecture {
            regions,
            astrocytes: rule.then(|| AstrocyteRule {
                iterations: 1 + genes[4] as usize % 8,
                threshold: (1 + genes[4] as usize / 8 % 3).min(1 + genes[4] as usize % 8),
                global: genes[4] / 64 % 2 == 1,
                ..AstrocyteRule::default()
            }),
            supply_per_astrocyte: supply.then_some(0.1 + (genes[5] % 10) as f64 * 0.05),
            phase: None,
        }
        .check()
        .unwrap();
        Network::build(&arch, 5, 3, Seed(genes[6])).unwrap()
    }

    /// The forward pass as the model defines it, every layer in every astrocyte iteration.
    fn forward_every_layer(
        net: &Network,
        ws: &mut Workspace,
        batch: usize,
        mut stats: Option<&mut ActivityReport>,
    ) {
        net.prepare(ws, 0, stats.is_some());
        let iterations = net.rule.as_ref().map_or(1, |r| r.iterations);
        if net.rule.is_some() {
            for r in 0..net.hidden() {
                ws.fpos[r].fill(1.0);
                ws.fneg[r].fill(1.0);
                ws.states[r].fill(AstrocyteState::default());
            }
        }
        for iteration in 0..iterations {
            for l in 0..net.layers.len() {
                net.layer_forward(ws, l, batch);
            }
            if let Some(stats) = stats.as_deref_mut() {
                net.add_activity(ws, batch, stats);
            }
            if iteration + 1 < iterations {
                net.astrocytes_step(ws, batch, stats.as_deref_mut());
            }
        }
    }

    proptest! {
        // The forward pass computes the first layer once and the output layer only when it is
        // seen: the probabilities, the backward pass's gradients and the activity statistics
        // are those of computing every layer in every astrocyte iteration, to the bit.
        #[test]
        fn skipped_layers_change_nothing(
            genes in prop::collection::vec(any::<u64>(), 7),
            rule in any::<bool>(),
            supply in any::<bool>(),
            n in 1usize..20,
        ) {
            let all = [Activation::Tanh, Activation::Relu, Activation::Sigmoid];
            let net = drawn_network(&genes, &all, rule, supply);
            let (x, y) = batch(genes[6], n, 5);
            let y: Vec<usize> = y.iter().map(|&c| c % 3).collect();
            let mut outcomes = Vec::new();
            for every_layer in [false, true] {
                let mut ws = Workspace::new(&net, n);
                ws.input_mut(n).copy_from_slice(&x);
                let mut stats = net.empty_report();
                if every_layer {
                    forward_every_layer(&net, &mut ws, n, Some(&mut stats));
                } else {
                    net.forward(&mut ws, n, 0, Some(&mut stats));
                }
                ws.input_mut(n).copy_from_slice(&x);
                if every_layer {
                    forward_every_layer(&net, &mut ws, n, None);
                } else {
                    net.forward(&mut ws, n, 0, None);
                }
                let probs: Vec<u64> = ws.probabilities(n).iter().map(|p| p.to_bits()).collect();
                let mut grads = Grads::zeros(&net);
                let loss = net.backward(&mut ws, &y, n, &mut grads);
                let bits = |v: &[Vec<f64>]| -> Vec<u64> { v.iter().flatten().map(|g| g.to_bits()).collect() };
                outcomes.push((probs, loss.to_bits(), bits(&grads.w), bits(&grads.b), format!("{stats:?}")));
            }
            prop_assert_eq!(&outcomes[0], &outcomes[1]);
        }

        // Every sample's forward pass is its own: in a batch each sample gets the
        // probabilities it gets alone, to the bit (the kernels' chains, the supply throttle's
        // per-sample sums and the astrocyte counters are all per sample). Not for tanh units:
        // `tanh_in_place` takes whole blocks of eight values through `wide`'s vector tanh and
        // the rest through `f64::tanh`, which can differ in the last bit.
        #[test]
        fn a_batch_is_its_samples_alone(
            genes in prop::collection::vec(any::<u64>(), 7),
            rule in any::<bool>(),
            supply in any::<bool>(),
            n in 2usize..20,
        ) {
            let net = drawn_network(&genes, &[Activation::Relu, Activation::Sigmoid], rule, supply);
            let (x, _) = batch(genes[6], n, 5);
            let mut ws = Workspace::new(&net, n);
            ws.input_mut(n).copy_from_slice(&x);
            net.forward(&mut ws, n, 0, None);
            let together = ws.probabilities(n).to_vec();
            let mut alone = Workspace::new(&net, 1);
            for s in 0..n {
                alone.input_mut(1).copy_from_slice(&x[s * 5..(s + 1) * 5]);
                net.forward(&mut alone, 1, 0, None);
                for (a, t) in alone.probabilities(1).iter().zip(&together[s * 3..(s + 1) * 3]) {
                    prop_assert_eq!(a.to_bits(), t.to_bits());
                }
            }
        }
    }

    #[test]
    fn an_empty_batch_passes_through_the_throttle() {
        // A pass over no samples (an empty context's evaluation) does nothing, and its
        // territory-major buffers of length 0 are not cut into rows of 0.
        let net = super::super::fixtures::full_network(3, true);
        let mut ws = Workspace::new(&net, 4);
        net.forward(&mut ws, 0, 0, None);
        let mut grads = Grads::zeros(&net);
        net.backward(&mut ws, &[], 0, &mut grads);
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
