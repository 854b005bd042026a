//! The glia-neuron network as dense arrays, and its forward and backward passes.
//!
//! Storage: layer `l` maps level `l` (the input for `l = 0`, else hidden region `l`) to level
//! `l + 1` (the next region, or the output). Its weights are one row-major `inputs × outputs`
//! array whose row `i` holds the outgoing weights of presynaptic unit `i`, so a batch forward pass
//! is a few dense products `Z = X·W + b` over contiguous rows (no pointer walk), and everything a
//! presynaptic neuron's astrocyte does to its outgoing weights is a per-row factor.
//!
//! Forward pass of one pattern (per hidden region, in order):
//! 1. `z = Σ_i x_i · w_eff,i + b`, with `w_eff = w · mask · g(phases) · γ_i` (phase gates of the
//!    context, [`crate::phase`]; `γ_i` the learned gain of presynaptic hidden unit `i` in the
//!    context when the network has gains, [`crate::learn`], else 1) and, when the astrocyte
//!    rule is on, `w_eff·P_i` for positive and
//!    `w_eff·N_i` for negative weights ([`crate::astrocyte`]);
//! 2. `a = act(z)`;
//! 3. glial energy supply (the lactate shuttle; Pellerin & Magistretti 1994, Jolivet et al. 2009
//!    for the astrocytic share of glucose uptake): territory `T` with `n_T` astrocytes can supply
//!    `S_T = n_T · s` per step; its neurons demand `D_T = Σ_{i∈T} r(a_i)` (activities in
//!    [0, 1]); when `D_T > S_T` they are throttled, `h_i = a_i · S_T/D_T`, else `h = a`;
//! 4. with the astrocyte rule, the pattern is presented `k` times; counters see the activity of
//!    each iteration and change the factors for the next; the output is the `k`-th iteration's.
//!    The factors modulate only the weights leaving a hidden region, so the first layer is
//!    computed once per pattern, and the output layer of an earlier iteration only when
//!    activity statistics are taken.
//!
//! The output layer is linear with a softmax; the loss is the mean cross-entropy. With two
//! classes the class-0 logit is held at 0 (no synapses, bias 0), which makes the output one
//! logistic unit `p(1) = σ(z₁)` as in scikit-learn's binary `MLPClassifier`.
//!
//! Gradients (backward pass): exact through the affine maps, the activations and the supply
//! throttle (`∂h_i/∂a_j = θ δ_ij − (θ/D) a_i r′(a_j)` inside a throttled territory); for the
//! weights, the phase gates, gains and astrocyte factors are constants. The phase trainer
//! ([`crate::learn`]) takes the gradient of the effective weights `∂L/∂w_eff` on to the phases
//! and gains of the batch's context (`Network::context_gradients`). The astrocyte factors are
//! piecewise constant in the weights (a counter of threshold crossings), so their derivative is
//! zero almost everywhere: the gradient computed is the exact gradient wherever it exists.
//!
//! The module's files: [`model`] (the layers, territories and the checked [`Network`]),
//! `workspace` (the buffers of batch passes; the supply throttle works neuron-major, the
//! batch's samples side by side), `forward` and `backward` (the passes above),
//! [`activity`] (what an inference does, the input of the energy models).

pub mod activity;
mod backward;
mod forward;
pub mod model;
mod workspace;

pub use activity::{ActivityReport, RegionActivity};
pub use model::{Layer, Network, Territories};
pub(crate) use workspace::{Grads, Workspace};

/// Networks and batches shared by the tests of the network's files.
#[cfg(test)]
pub(crate) mod fixtures {
    use super::Network;
    use crate::arch::{Activation, Architecture, Region};
    use crate::astrocyte::AstrocyteRule;
    use crate::phase::PhaseLayer;
    use dgnn_core::{ParamGuard, Seed};
    use rand::RngExt;

    /// A network with every feature on (the astrocyte rule optionally): two regions (tanh, sigmoid), sparse synapses, territories
    /// of two neurons (ratio 0.5) and of one neuron with two astrocytes (ratio 2), a supply small
    /// enough to throttle, the astrocyte rule and a partial phase gate.
    pub(crate) fn full_network(seed: u64, with_rule: bool) -> Network {
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

    pub(crate) fn batch(seed: u64, n: usize, d: usize) -> (Vec<f64>, Vec<usize>) {
        let mut rng = Seed(seed).stream("test/batch", &[]);
        let x = (0..n * d).map(|_| rng.random_range(-2.0..2.0)).collect();
        let y = (0..n).map(|_| rng.random_range(0..2) + usize::from(seed % 2 == 1)).collect();
        (x, y)
    }
}
