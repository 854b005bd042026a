//! The backward pass: exact gradients through the affine maps, the activations and the supply
//! throttle, with phase gates and astrocyte factors held constant (module docs of [`super`]).

use super::forward::transpose;
use super::model::Network;
use super::workspace::{Grads, TerritoryIndex, Workspace};
use crate::arch::Activation;
use crate::kernels;

impl Network {
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

    /// The gradients of layer `l`'s parameters, and `∂L/∂z` of the region below it.
    fn layer_backward(&self, ws: &mut Workspace, l: usize, batch: usize, grads: &mut Grads) {
        self.parameter_gradients(ws, l, batch, grads);
        if l > 0 {
            self.presynaptic_gradient(ws, l, batch);
            self.through_supply_and_activation(ws, l - 1, batch);
        }
    }

    /// `∂L/∂b` and `∂L/∂w` of layer `l` from its `∂L/∂z`.
    fn parameter_gradients(&self, ws: &mut Workspace, l: usize, batch: usize, grads: &mut Grads) {
        let layer = &self.layers[l];
        let (n_in, n_out) = (layer.inputs, layer.outputs);
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
        if l > 0 && self.rule.is_some() {
            // ∂(w·F)/∂w = F with F = P for w ≥ 0 and N for w < 0 (frozen factors): the
            // gradient of the stacked weights, then each weight takes its sign's half.
            let a = &mut ws.split_grads[l];
            a.fill(0.0);
            kernels::outer_accumulate(&ws.stacked[l][..batch * 2 * n_in], delta, batch, n_out, a);
            let (a_pos, a_neg) = a.split_at(n_in * n_out);
            for (k, g) in gw.iter_mut().enumerate() {
                *g += if ws.eff[l][k] >= 0.0 { a_pos[k] } else { a_neg[k] };
            }
        } else {
            kernels::outer_accumulate(input, delta, batch, n_out, gw);
        }
        // Here gw is ∂L/∂w_eff; the phase trainer keeps it (∂L/∂Δ and ∂L/∂gain follow from it).
        if let Some(eff) = grads.eff.get_mut(l) {
            eff.copy_from_slice(gw);
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

    /// `∂L/∂Δ` (into `phases`) and `∂L/∂γ` (into `gains`) of the hidden units in `context`,
    /// `[region][neuron]`, from `∂L/∂w_eff` kept by the last backward pass (`grads` made by
    /// `Grads::with_effective`). With `w_eff,ij = w_ij·γ_j·g(Δ_i − Δ_j)` for synapse `j → i`
    /// (`γ_j` the gain of presynaptic unit `j`, 1 for inputs or without gains):
    /// `∂w_eff,ij/∂Δ_i = w_ij·γ_j·g′(Δ_i − Δ_j) = −∂w_eff,ij/∂Δ_j` and
    /// `∂w_eff,ij/∂γ_j = w_ij·g(Δ_i − Δ_j)`; inputs and outputs sit at phase 0 and have no
    /// phase gradient. Each output is cleared first; a `None` output is not computed.
    pub(crate) fn context_gradients(
        &self,
        grads: &Grads,
        context: usize,
        mut phases: Option<&mut [Vec<f64>]>,
        mut gains: Option<&mut [Vec<f64>]>,
    ) {
        for out in [phases.as_deref_mut(), gains.as_deref_mut()].into_iter().flatten() {
            out.iter_mut().for_each(|region| region.fill(0.0));
        }
        let hidden = self.hidden();
        for (l, layer) in self.layers.iter().enumerate() {
            let n_out = layer.outputs;
            let g_eff = &grads.eff[l];
            for i in 0..layer.inputs {
                let gain = self.unit_gain(context, l, i);
                let from = self.phase.as_ref().map_or(0.0, |(_, s)| s.unit_phase(context, l, i));
                for o in 0..n_out {
                    let k = i * n_out + o;
                    let through = g_eff[k] * layer.weights[k];
                    if through == 0.0 {
                        continue;
                    }
                    let (slope, gate) = match &self.phase {
                        Some((p, state)) => {
                            let delta = state.unit_phase(context, l + 1, o) - from;
                            (p.gate_slope(delta), p.gate(delta))
                        }
                        None => (0.0, 1.0),
                    };
                    if let Some(d_phase) = phases.as_deref_mut() {
                        let term = through * gain * slope;
                        if l < hidden {
                            d_phase[l][o] += term;
                        }
                        if l >= 1 {
                            d_phase[l - 1][i] -= term;
                        }
                    }
                    if let (Some(d_gain), true) = (gains.as_deref_mut(), l >= 1) {
                        d_gain[l - 1][i] += through * gate;
                    }
                }
            }
        }
    }

    /// `∂L/∂h` of the region feeding layer `l` (`l ≥ 1`) into `ws.grad_h`.
    fn presynaptic_gradient(&self, ws: &mut Workspace, l: usize, batch: usize) {
        let layer = &self.layers[l];
        let (n_in, n_out) = (layer.inputs, layer.outputs);
        let r = l - 1;
        let grad_h = &mut ws.grad_h[..batch * n_in];
        let weights: &[f64] = if ws.eff.is_empty() { &layer.weights } else { &ws.eff[l] };
        let delta = &ws.deltas[l][..batch * n_out];
        if self.rule.is_some() {
            // ∂L/∂(stacked input)[s] = W_splitᵀ δ[s]; then h_i enters as x_i·P_i and x_i·N_i.
            let wt = &mut ws.split_transposed[l];
            let split = &ws.eff_split[l];
            for j in 0..2 * n_in {
                for o in 0..n_out {
                    wt[o * 2 * n_in + j] = split[j * n_out + o];
                }
            }
            let g2 = &mut ws.stacked_grad[..batch * 2 * n_in];
            kernels::affine_batch(delta, wt, &ws.zeros[..2 * n_in], g2);
            for (s, g2) in g2.chunks_exact(2 * n_in).enumerate() {
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
            kernels::affine_batch(delta, wt, &ws.zeros[..n_in], grad_h);
        }
    }

    /// `∂L/∂z` of hidden region `r` from its `∂L/∂h` in `ws.grad_h`: through the supply
    /// throttle (when the supply is limited) and the activation.
    fn through_supply_and_activation(&self, ws: &mut Workspace, r: usize, batch: usize) {
        let n = self.layers[r].outputs;
        let grad_h = &ws.grad_h[..batch * n];
        let delta_r = &mut ws.deltas[r][..batch * n];
        let derivs = &ws.derivs[r][..batch * n];
        if self.supply.is_none() {
            for ((dz, &g), &dv) in delta_r.iter_mut().zip(grad_h).zip(derivs) {
                *dz = g * dv;
            }
            return;
        }
        let index = &ws.territories[r];
        let t_count = index.caps.len();
        let columns = &mut ws.columns[..batch * n];
        transpose(grad_h, n, columns);
        let throttle = Throttled {
            pre: &ws.pre[r][..batch * n],
            theta: &ws.theta[r][..t_count * batch],
            demand: &ws.demand[r][..t_count * batch],
            grad_h: columns,
        };
        let (ga, rest) = ws.lanes.split_at_mut(batch);
        let (share, lane) = rest.split_at_mut(batch);
        let lanes = [ga, share, &mut lane[..batch]];
        let out = (delta_r, derivs);
        match self.activations[r] {
            Activation::Tanh => through_throttle(&throttle, index, lanes, out, tanh_slope),
            Activation::Relu => through_throttle(&throttle, index, lanes, out, relu_slope),
            Activation::Sigmoid => through_throttle(&throttle, index, lanes, out, |_| 1.0),
        }
    }
}

/// A batch's record of the throttle's forward pass and its gradient `∂L/∂h`, neuron-major
/// (`n × batch`) per neuron and territory-major (`t_count × batch`) per territory.
struct Throttled<'a> {
    /// Activations before the throttle.
    pre: &'a [f64],
    /// Factor and demand of every territory.
    theta: &'a [f64],
    demand: &'a [f64],
    grad_h: &'a [f64],
}

/// `∂L/∂z` of a batch's neurons through the throttle `h_i = θ_T·a_i` and the activation,
/// territory by territory, the samples side by side. Where the territory is throttled,
/// `θ_T = cap/Σ_{j∈T} r(a_j)` also depends on every `a_j` of it:
/// `∂L/∂a_i = θ_T·g_i − (θ_T/demand)·r′(a_i)·Σ_{j∈T} g_j·a_j`, the sum over the territory's
/// neurons in increasing order (`slope` = `r′`); `∂L/∂z_i` is that times the activation's
/// derivative. `lanes` are three scratch rows of `batch`; `delta` and `derivs` are `batch × n`.
fn through_throttle(
    throttled: &Throttled<'_>,
    index: &TerritoryIndex,
    [ga, share, lane]: [&mut [f64]; 3],
    (delta, derivs): (&mut [f64], &[f64]),
    slope: impl Fn(f64) -> f64,
) {
    let Throttled { pre, theta, demand, grad_h } = *throttled;
    let batch = ga.len();
    let n = pre.len() / batch.max(1);
    let column = |values, i| row_of(values, i, batch);
    for (t, &cap) in index.caps.iter().enumerate() {
        let members = index.members(t);
        let (th, dem) = (column(theta, t), column(demand, t));
        ga.fill(0.0);
        for &i in members {
            for ((ga, &g), &a) in ga.iter_mut().zip(column(grad_h, i)).zip(column(pre, i)) {
                *ga += g * a;
            }
        }
        for ((share, &th), &dem) in share.iter_mut().zip(th).zip(dem) {
            *share = th / dem;
        }
        for &i in members {
            let (g, a) = (column(grad_h, i), column(pre, i));
            for (s, v) in lane.iter_mut().enumerate() {
                *v = if dem[s] > cap {
                    th[s] * g[s] - share[s] * slope(a[s]) * ga[s]
                } else {
                    th[s] * g[s]
                };
            }
            for (s, &v) in lane.iter().enumerate() {
                delta[s * n + i] = v * derivs[s * n + i];
            }
        }
    }
}

/// Row `i` of a row-major array of rows `width` wide.
fn row_of(values: &[f64], i: usize, width: usize) -> &[f64] {
    &values[i * width..(i + 1) * width]
}

/// `dr/da` of the activity `r(a) = |a|` of a tanh unit.
fn tanh_slope(a: f64) -> f64 {
    if a > 0.0 {
        1.0
    } else if a < 0.0 {
        -1.0
    } else {
        0.0
    }
}

/// `dr/da` of the activity `r(a) = clamp(a, 0, 1)` of a ReLU unit.
fn relu_slope(a: f64) -> f64 {
    if a > 0.0 && a < 1.0 { 1.0 } else { 0.0 }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{batch, full_network};
    use super::*;
    use crate::arch::{Architecture, Region};
    use dgnn_core::{ParamGuard, Seed};

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
        // ReLU units throttled in territories that interleave (neurons 0 and 3 share one, 1 and
        // 4 the next, 2 and 5 the last), as a network read from a file may have them.
        let relu = Architecture {
            regions: vec![Region {
                neurons: 6,
                glia_ratio: 0.5,
                activation: Activation::Relu,
                density: 1.0,
            }],
            supply_per_astrocyte: Some(0.2),
            ..Architecture::plain(&[6])
        }
        .check()
        .unwrap();
        let mut interleaved = Network::build(&relu, 4, 3, Seed(7)).unwrap();
        interleaved.territories[0].of_neuron = vec![0, 1, 2, 0, 1, 2];
        let cases = [
            (1, 0, full_network(1, true)),
            (2, 1, full_network(2, true)),
            (3, 0, full_network(3, false)),
            (4, 1, full_network(4, false)),
            (5, 0, Network::build(&plain, 4, 3, Seed(5)).unwrap()),
            (6, 0, Network::build(&plain, 4, 2, Seed(6)).unwrap()),
            (7, 0, interleaved),
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
            assert!(checked > 45);
        }
    }
}
