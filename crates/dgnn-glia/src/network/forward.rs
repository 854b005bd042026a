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
            ws.pre[l][..batch * n_out].copy_from_slice(out);
            let demand = &mut ws.demand[l][..batch * t_count];
            let theta = &mut ws.theta[l][..batch * t_count];
            for ((row, demand), theta) in out
                .chunks_exact_mut(n_out)
                .zip(demand.chunks_exact_mut(t_count))
                .zip(theta.chunks_exact_mut(t_count))
            {
                match act {
                    Activation::Tanh => throttle(row, index, demand, theta, f64::abs),
                    Activation::Relu => throttle(row, index, demand, theta, |h| h.clamp(0.0, 1.0)),
                    Activation::Sigmoid => throttle(row, index, demand, theta, |h| h),
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
            let size = &mut ws.group_size[..groups];
            size.fill(0);
            for i in 0..n {
                size[self.group_of(r, i)] += 1;
            }
            let active = &mut ws.group_active[..groups];
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
}

/// The supply throttle of one sample's activations `row`, territory by territory: the demand
/// `Σ_{i∈T} r(h_i)` (summed over the neurons in increasing order, `r` = `activity`), the factor
/// `θ_T = min(1, cap_T / demand)`, and every neuron of the territory scaled by it.
fn throttle(
    row: &mut [f64],
    index: &TerritoryIndex,
    demand: &mut [f64],
    theta: &mut [f64],
    activity: impl Fn(f64) -> f64,
) {
    for (t, (demand, theta)) in demand.iter_mut().zip(theta.iter_mut()).enumerate() {
        let members = index.members(t);
        let mut sum = 0.0;
        for &i in members {
            sum += activity(row[i]);
        }
        let cap = index.caps[t];
        *demand = sum;
        *theta = if sum > cap { cap / sum } else { 1.0 };
        for &i in members {
            row[i] *= *theta;
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
