//! What gradient training learns — the weights, the phases, both, or per-unit gains — and the
//! phase trainer that makes the phases of the phase layer learnable.
//!
//! Four modes ([`Learn`], the `learn` field of [`crate::TrainConfig`]), on the same
//! architecture and seed, so that their networks start from the same random weights:
//!
//! | mode | learned | frozen at initialisation | learned numbers |
//! |---|---|---|---|
//! | `weights` (default) | weights and biases | phases, if any, stay settled | free weights and biases |
//! | `phases` | one phase per hidden unit and context | weights and biases | contexts × hidden units |
//! | `weights_and_phases` | both | — | the sum of the two |
//! | `unit_gains` | one gain per hidden unit and context | weights and biases | contexts × hidden units |
//!
//! `unit_gains` is the control for `phases`: as many learned numbers, each a multiplier `γ` on
//! one hidden unit's output in one context (equivalently on its outgoing weights), but no phase
//! structure: a gain is free, whereas a phase only acts through the gates `g(Δ_i − Δ_j)` it
//! shares with every unit it is connected to, and must end in an attractor. Gains start at 1
//! (the untrained network's function); they are not decayed. With a phase layer present the
//! gains multiply its settled gates; without one they serve the data's contexts.
//!
//! # The phase trainer (issue 10's option 1)
//! The settled phases `Δ_i` (module [`crate::phase`]) gate the weight from unit `j` to unit `i`,
//! `w_ij·g(Δ_i − Δ_j)` with `g(Δ) = 1 − κ(1 − cos Δ)/2`. To learn them, gradients go through
//! the gates: `∂(w g(Δ_i − Δ_j))/∂Δ_i = w·g′(Δ_i − Δ_j)` with `g′(Δ) = −κ sin Δ / 2`, and the
//! opposite for `Δ_j`; so `∂L/∂Δ_u = Σ_{synapses j→u} ∂L/∂w_eff·w·g′ − Σ_{synapses u→i}
//! ∂L/∂w_eff·w·g′`, computed from the effective-weight gradient `∂L/∂w_eff` that the backward
//! pass already forms for the weights (one extra pass over the synapses per batch). Inputs and
//! outputs stay at phase 0. Each context has its own phases; a batch (one context) moves only
//! that context's phases, with Adam (one step counter per context, the weights' learning rate,
//! which Adam makes a step of about that many radians).
//!
//! The phases must end in attractors of the layer's landscape, since a deployed network is a
//! settled one. Projecting onto the attractors after every step would leave no gradient flow
//! (the attractors are isolated points, so the projected phase could never leave its basin);
//! instead the loss carries a penalty `λ·Σ_i V(Δ_i)` over the batch's context, with the layer's
//! own potential `V(Δ) = −a cos Δ − b cos 2Δ − δω·Δ` (its minima are the attractors; its slope
//! `V′ = −(δω − a sin Δ − 2b sin 2Δ)` is minus the settling drift). Gradient flow on `V` alone
//! is exactly the settling of the phase layer; the trainer is that flow with the loss added.
//!
//! **Schedule: λ grows linearly over the epochs, `λ_e = λ_max·(e + 1)/E` for epoch `e` of `E`,
//! with `λ_max` = `phase_penalty`, default 0.03.** Why a ramp: early on the loss alone should
//! decide which basin each phase heads for; by the end the penalty must win, so that the phases
//! sit close to their attractors and the final projection changes little. Why 0.03: the pull of
//! the penalty at a distance `d` from an attractor is `λ·V″·d` (`V″ = a + 4b = 5` at Δ = 0 for
//! the default landscape), and the loss gradients it competes with are of order 0.01 per phase,
//! so λ_max = 0.03 ends with phases within a few hundredths of a radian of their attractors. A
//! penalty ten times stronger settles the phases before the loss has chosen: measured on 2, 3
//! and 4 conflicting tasks (32 tanh units, 150 epochs, learning rate 0.05, weights frozen),
//! λ_max = 0.03 reached training accuracies 0.79, 0.76, 0.80 with a largest projection move of
//! 0.005–0.008 rad and no change of accuracy by the projection, λ_max = 0.3 only 0.65, 0.68,
//! 0.67; without a penalty the projection moved phases by up to 1.45 rad.
//!
//! The phases start at the very initial phases `Δ_i(0)` the settling would start from
//! ([`crate::PhaseState::starts`]), not at the settled ones: at zero detuning the attractors are
//! 0 and π, every phase difference is then 0 or π, where `g′` vanishes, so the settled state is
//! a stationary point of the loss in the phases and training could never leave it.
//!
//! At the end every phase is projected onto its nearest attractor
//! ([`crate::PhaseState::project_to_attractors`]); the network is trained, evaluated and saved
//! after the projection, and [`crate::History::projection`] records the largest move and the
//! training accuracy before and after it.
//!
//! Alternative not chosen (issue 10's option 2): learning the landscape genes (a, b, δω,
//! initial phases) with the genetic trainer. It searches a handful of genes by population
//! rather than following a gradient, and it changes the attractors themselves rather than which
//! attractor each unit uses; the gradient trainer keeps the landscape as the architecture
//! (what the search chooses) and learns the units' states in it, per context, which is the
//! paper's "phase as a learnable collective variable".

use crate::GliaError;
use crate::network::{Grads, Network, Workspace};
use crate::phase::PhaseState;
use crate::train::{BETA1, BETA2, EPSILON, beta_powers};
use dgnn_core::{ParamError, ParamGuard, Seed};
use dgnn_dynamics::{Potential, TiltedHkb};
use serde::{Deserialize, Serialize};

/// What gradient training learns (module docs). Written in configs as `weights` (the default),
/// `phases`, `weights_and_phases` or `unit_gains`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Learn {
    /// Weights and biases; the phase gates, if any, stay the settled ones.
    #[default]
    Weights,
    /// Only the phases of the hidden units, one per unit and context (needs a phase layer);
    /// weights and biases stay at their random initialisation.
    Phases,
    /// Weights, biases and phases (needs a phase layer).
    WeightsAndPhases,
    /// Only a gain on each hidden unit's output, one per unit and context; weights and biases
    /// stay at their random initialisation (the control for [`Learn::Phases`]).
    UnitGains,
}

impl Learn {
    /// Every mode, in the order of the table of the module docs.
    pub const ALL: [Self; 4] =
        [Self::Weights, Self::Phases, Self::WeightsAndPhases, Self::UnitGains];

    /// Whether the weights and biases are learned.
    #[must_use]
    pub fn weights(self) -> bool {
        matches!(self, Self::Weights | Self::WeightsAndPhases)
    }

    /// Whether the phases are learned.
    #[must_use]
    pub fn phases(self) -> bool {
        matches!(self, Self::Phases | Self::WeightsAndPhases)
    }

    /// Whether per-unit gains are learned.
    #[must_use]
    pub fn unit_gains(self) -> bool {
        matches!(self, Self::UnitGains)
    }

    /// The mode as configs write it.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Weights => "weights",
            Self::Phases => "phases",
            Self::WeightsAndPhases => "weights_and_phases",
            Self::UnitGains => "unit_gains",
        }
    }

    /// How many numbers this mode learns in `network`: its free weights and biases
    /// ([`Network::free_weights_and_biases`]), and/or one phase or gain per hidden unit and
    /// context ([`Network::contexts`]).
    #[must_use]
    pub fn learned_parameters(self, network: &Network) -> usize {
        let per_context = network.contexts() * network.hidden_neurons();
        let weights = if self.weights() { network.free_weights_and_biases() } else { 0 };
        let states = if self.phases() || self.unit_gains() { per_context } else { 0 };
        weights + states
    }

    /// For serde: the default is not written, so files stay as they were before modes existed.
    pub(crate) fn is_weights(&self) -> bool {
        *self == Self::Weights
    }
}

/// The final projection of learned phases onto their attractors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhaseProjection {
    /// The largest distance a phase moved, in radians (on the circle).
    pub largest_shift_rad: f64,
    /// Training accuracy just before the projection.
    pub train_accuracy_before: f64,
    /// Training accuracy after it (the deployed network's).
    pub train_accuracy_after: f64,
}

/// Readies a freshly built `network` for `learn`: the unsettled initial phases for the phase
/// trainer, gains of 1 for the gain control (in the phase layer's contexts, else in
/// `data_contexts`). Weight training leaves it as built.
///
/// # Errors
/// A mode that learns phases on a network without a phase layer.
pub(crate) fn prepare(
    network: &mut Network,
    learn: Learn,
    data_contexts: usize,
    seed: Seed,
) -> Result<(), GliaError> {
    if learn.phases() {
        let sizes: Vec<usize> =
            network.layers()[..network.layers().len() - 1].iter().map(|l| l.outputs()).collect();
        let Some((layer, state)) = network.phase.as_mut() else {
            return Err(ParamError::new(
                "learn",
                learn.name(),
                "learns phases, so the architecture needs a phase layer: give it `phase`",
            )
            .into());
        };
        *state = PhaseState::unsettled(&layer.clone().check()?, &sizes, seed)?;
    }
    if learn.unit_gains() {
        let contexts = network.phase_layer().map_or(data_contexts, |p| p.contexts);
        network.add_unit_gains(contexts);
    }
    Ok(())
}

/// Adam over per-context parameters (`[context][region][neuron]`), one step counter per
/// context: a batch moves only its own context's parameters.
struct ContextAdam {
    m: Vec<Vec<Vec<f64>>>,
    v: Vec<Vec<Vec<f64>>>,
    t: Vec<i32>,
}

impl ContextAdam {
    fn new(shape: &[Vec<Vec<f64>>]) -> Self {
        let zeros: Vec<Vec<Vec<f64>>> = shape
            .iter()
            .map(|context| context.iter().map(|region| vec![0.0; region.len()]).collect())
            .collect();
        Self { m: zeros.clone(), v: zeros, t: vec![0; shape.len()] }
    }

    /// One step of `params` (context `context`) along `grads`.
    fn step(&mut self, context: usize, params: &mut [Vec<f64>], grads: &[Vec<f64>], lr: f64) {
        self.t[context] += 1;
        let t = self.t[context];
        let (beta1_t, beta2_t) = beta_powers(t);
        let lr_t = lr * (1.0 - beta2_t).sqrt() / (1.0 - beta1_t);
        let (m, v) = (&mut self.m[context], &mut self.v[context]);
        for (r, region) in params.iter_mut().enumerate() {
            for (k, p) in region.iter_mut().enumerate() {
                let g = grads[r][k];
                m[r][k] = BETA1 * m[r][k] + (1.0 - BETA1) * g;
                v[r][k] = BETA2 * v[r][k] + (1.0 - BETA2) * g * g;
                *p -= lr_t * m[r][k] / (v[r][k].sqrt() + EPSILON);
            }
        }
    }
}

/// The phase trainer's and the gain control's state during one training run: gradients of the
/// batch's context and their Adam moments.
pub(crate) struct ContextLearning {
    /// The landscape of the penalty (phase training only).
    landscape: Option<TiltedHkb>,
    phase_grads: Option<(Vec<Vec<f64>>, ContextAdam)>,
    gain_grads: Option<(Vec<Vec<f64>>, ContextAdam)>,
}

impl ContextLearning {
    /// The state for `learn` on a network readied by [`prepare`]; `None` for weight training.
    pub(crate) fn new(network: &Network, learn: Learn) -> Result<Option<Self>, GliaError> {
        if !(learn.phases() || learn.unit_gains()) {
            return Ok(None);
        }
        let scratch = |shape: &[Vec<Vec<f64>>]| {
            let first: Vec<Vec<f64>> = shape[0].iter().map(|r| vec![0.0; r.len()]).collect();
            (first, ContextAdam::new(shape))
        };
        let (landscape, phase_grads) = match (&network.phase, learn.phases()) {
            (Some((layer, state)), true) => {
                (Some(layer.potential()?), Some(scratch(&state.phases_rad)))
            }
            _ => (None, None),
        };
        let gain_grads = match (&network.unit_gains, learn.unit_gains()) {
            (Some(gains), true) => Some(scratch(gains)),
            _ => None,
        };
        Ok(Some(Self { landscape, phase_grads, gain_grads }))
    }

    /// The gradients of `context`'s phases and gains from the backward pass just run (before
    /// any weight moves), with the attractor penalty `penalty·V′(Δ)` added to the phases'.
    pub(crate) fn gradients(
        &mut self,
        network: &Network,
        grads: &Grads,
        context: usize,
        penalty: f64,
    ) {
        network.context_gradients(
            grads,
            context,
            self.phase_grads.as_mut().map(|(g, _)| g.as_mut_slice()),
            self.gain_grads.as_mut().map(|(g, _)| g.as_mut_slice()),
        );
        if let (Some((d_phase, _)), Some(landscape), Some((_, state))) =
            (&mut self.phase_grads, &self.landscape, &network.phase)
        {
            for (d_region, phases) in d_phase.iter_mut().zip(&state.phases_rad[context]) {
                for (d, &phase) in d_region.iter_mut().zip(phases) {
                    *d += penalty * landscape.derivative(phase);
                }
            }
        }
    }

    /// Moves `context`'s phases and gains one Adam step along the gradients of
    /// [`Self::gradients`], and refreshes that context's gates in `ws`.
    pub(crate) fn step(
        &mut self,
        network: &mut Network,
        ws: &mut Workspace,
        context: usize,
        lr: f64,
    ) {
        if let (Some((d_phase, adam)), Some((_, state))) =
            (&mut self.phase_grads, network.phase.as_mut())
        {
            adam.step(context, &mut state.phases_rad[context], d_phase, lr);
        }
        if let (Some((d_gain, adam)), Some(gains)) =
            (&mut self.gain_grads, network.unit_gains.as_mut())
        {
            adam.step(context, &mut gains[context], d_gain, lr);
        }
        ws.refresh_gates(network, context);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arch::{Activation, Architecture, Region};
    use crate::network::fixtures::{batch, full_network};
    use crate::phase::PhaseLayer;
    use rand::RngExt;

    /// The mean cross-entropy of `net` on a batch, in `context`, with gates computed afresh.
    fn loss(net: &Network, x: &[f64], y: &[usize], context: usize) -> f64 {
        let n = y.len();
        let mut ws = Workspace::new(net, n);
        ws.input_mut(n).copy_from_slice(x);
        net.forward(&mut ws, n, context, None);
        let p = ws.probabilities(n);
        let k = net.classes();
        -y.iter().enumerate().map(|(s, &c)| p[s * k + c].ln()).sum::<f64>() / n as f64
    }

    /// `[region][neuron]` zeros shaped as the hidden regions of `net`.
    fn hidden_shape(net: &Network) -> Vec<Vec<f64>> {
        let hidden = net.layers.len() - 1;
        net.layers[..hidden].iter().map(|l| vec![0.0; l.outputs]).collect()
    }

    /// `∂L/∂Δ` and `∂L/∂γ` of `context` by the backward pass.
    fn analytic(
        net: &Network,
        x: &[f64],
        y: &[usize],
        context: usize,
    ) -> (f64, Vec<Vec<f64>>, Vec<Vec<f64>>) {
        let n = y.len();
        let mut ws = Workspace::new(net, n);
        let mut grads = Grads::with_effective(net);
        ws.input_mut(n).copy_from_slice(x);
        net.forward(&mut ws, n, context, None);
        let l0 = net.backward(&mut ws, y, n, &mut grads);
        let (mut phases, mut gains) = (hidden_shape(net), hidden_shape(net));
        net.context_gradients(&grads, context, Some(&mut phases), Some(&mut gains));
        (l0, phases, gains)
    }

    /// A plain network with a tilted bistable phase layer (a = 1, b = 0.5, δω = 0.4, κ = 1) of
    /// `contexts` contexts, unsettled phases, and random gains in ±1.5 when `with_gains`.
    fn gated_network(seed: u64, classes: usize, contexts: usize, with_gains: bool) -> Network {
        let arch = Architecture {
            regions: vec![
                Region { activation: Activation::Sigmoid, ..Region::dense(5) },
                Region { density: 0.7, ..Region::dense(4) },
            ],
            phase: Some(PhaseLayer { b: 0.5, detuning: 0.4, contexts, ..PhaseLayer::default() }),
            ..Architecture::plain(&[5, 4])
        }
        .check()
        .unwrap();
        let mut net = Network::build(&arch, 3, classes, Seed(seed)).unwrap();
        prepare(&mut net, Learn::Phases, contexts, Seed(seed)).unwrap();
        if with_gains {
            net.add_unit_gains(contexts);
            let mut rng = Seed(seed).stream("test/gains", &[]);
            for g in net.unit_gains.iter_mut().flatten().flatten().flatten() {
                *g = rng.random_range(-1.5..1.5);
            }
        }
        net
    }

    /// Which per-context state a finite difference perturbs.
    #[derive(Clone, Copy, Debug)]
    enum State {
        Phase,
        Gain,
    }

    fn state_mut(net: &mut Network, which: State, c: usize, r: usize, i: usize) -> &mut f64 {
        match which {
            State::Phase => &mut net.phase.as_mut().unwrap().1.phases_rad[c][r][i],
            State::Gain => &mut net.unit_gains.as_mut().unwrap()[c][r][i],
        }
    }

    /// Checks every phase (or gain) gradient of `context` against central differences and
    /// returns the largest error and the largest allowed error.
    fn check_against_differences(
        mut net: Network,
        which: State,
        seed: u64,
        context: usize,
    ) -> (f64, f64) {
        let (x, y) = batch(seed, 7, net.inputs());
        let y: Vec<usize> = y.iter().map(|&c| c % net.classes()).collect();
        let (l0, d_phase, d_gain) = analytic(&net, &x, &y, context);
        assert!((l0 - loss(&net, &x, &y, context)).abs() < 1e-12);
        let analytic = match which {
            State::Phase => d_phase,
            State::Gain => d_gain,
        };
        let h = 1e-5;
        let central = |net: &mut Network, r: usize, i: usize, step: f64| {
            let original = *state_mut(net, which, context, r, i);
            *state_mut(net, which, context, r, i) = original + step;
            let up = loss(net, &x, &y, context);
            *state_mut(net, which, context, r, i) = original - step;
            let down = loss(net, &x, &y, context);
            *state_mut(net, which, context, r, i) = original;
            (up - down) / (2.0 * step)
        };
        let largest = analytic.iter().flatten().fold(0.0f64, |m, g| m.max(g.abs()));
        assert!(largest > 1e-3, "{which:?} seed {seed}: every gradient is tiny ({largest:e})");
        let (mut worst, mut allowed_at_worst) = (0.0f64, 0.0);
        for (r, region) in analytic.iter().enumerate() {
            for (i, &an) in region.iter().enumerate() {
                let fd = central(&mut net, r, i, h);
                let fd_double = central(&mut net, r, i, 2.0 * h);
                // Central differences err by c·h² + O(h⁴): D(2h) − D(h) ≈ 3c·h², so the
                // truncation error of D(h) is about |D(2h) − D(h)|/3 (Richardson). Rounding:
                // each loss carries a relative error of at most ~64 ε (sums of fewer than 64
                // terms over the batch and the units, as the kernels' bound), divided by 2h.
                let truncation = (fd_double - fd).abs() / 3.0;
                let rounding = 64.0 * f64::EPSILON * l0.abs().max(1.0) / (2.0 * h);
                let allowed = 2.0 * truncation + rounding;
                let error = (fd - an).abs();
                assert!(
                    error <= allowed,
                    "{which:?} seed {seed} context {context} region {r} unit {i}: fd {fd} vs {an} \
                     (error {error:e}, allowed {allowed:e})"
                );
                if error > worst {
                    (worst, allowed_at_worst) = (error, allowed);
                }
            }
        }
        eprintln!("{which:?}, seed {seed}: largest gradient {largest:.2e}");
        (worst, allowed_at_worst)
    }

    #[test]
    fn phase_gradients_match_central_differences() {
        // ∂L/∂Δ through the gates (module docs) on networks with every feature on (astrocyte
        // rule, supply throttle, κ = 0.6, two contexts), with a tilted landscape and κ = 1, with
        // gains, and with a logistic output. The astrocyte factors are piecewise constant: a
        // step of 2e-5 in a phase flips a counter only if an output lies that close to the
        // threshold, which would fail loudly here, never pass silently.
        let mut cases = Vec::new();
        for (seed, context) in [(1u64, 0usize), (2, 1)] {
            let mut net = full_network(seed, true);
            prepare(&mut net, Learn::Phases, 2, Seed(seed)).unwrap();
            cases.push((seed, context, net));
        }
        let mut plain_rule = full_network(3, false);
        prepare(&mut plain_rule, Learn::Phases, 2, Seed(3)).unwrap();
        cases.push((3, 1, plain_rule));
        cases.push((4, 2, gated_network(4, 3, 3, false)));
        cases.push((5, 0, gated_network(5, 3, 2, true)));
        cases.push((6, 1, gated_network(6, 2, 2, true)));
        for (seed, context, net) in cases {
            let (worst, allowed) = check_against_differences(net, State::Phase, seed, context);
            eprintln!("phases, seed {seed}: largest error {worst:.2e} (allowed {allowed:.2e})");
        }
    }

    #[test]
    fn gain_gradients_match_central_differences() {
        // ∂L/∂γ = Σ ∂L/∂w_eff · w · g over the unit's outgoing synapses, with and without gates.
        let mut no_phase = full_network(7, false);
        no_phase.phase = None;
        no_phase.add_unit_gains(2);
        for (seed, context, net) in [
            (5u64, 0usize, gated_network(5, 3, 2, true)),
            (6, 1, gated_network(6, 2, 2, true)),
            (7, 1, no_phase),
        ] {
            let (worst, allowed) = check_against_differences(net, State::Gain, seed, context);
            eprintln!("gains, seed {seed}: largest error {worst:.2e} (allowed {allowed:.2e})");
        }
    }

    fn short_training(learn: Learn) -> crate::ValidTrainConfig {
        crate::TrainConfig {
            epochs: 15,
            learning_rate: 0.05,
            learn,
            ..crate::TrainConfig::default()
        }
        .check()
        .unwrap()
    }

    fn two_tasks() -> crate::Dataset {
        crate::Dataset::conflicting_tasks(2, 60).unwrap()
    }

    #[test]
    fn learned_phases_end_on_the_landscapes_attractors() {
        // After the phase trainer every phase is exactly a stable fixed point of its landscape
        // as dgnn-dynamics finds them (computed here independently of the network), where the
        // drift vanishes and U″ > 0: bistable (b/a = 1), tilted bistable (δω = 0.8), and monostable
        // (b/a = 0.2 < 1/4: every phase ends in-phase).
        use dgnn_dynamics::landscape::{Stability, fixed_points};
        for (a, b, detuning, attractors) in
            [(1.0, 1.0, 0.0, 2), (1.0, 1.0, 0.8, 2), (1.0, 0.2, 0.0, 1)]
        {
            let arch = Architecture {
                phase: Some(PhaseLayer { a, b, detuning, contexts: 2, ..PhaseLayer::default() }),
                ..Architecture::plain(&[6, 4])
            }
            .check()
            .unwrap();
            let net = crate::train(
                &arch,
                &two_tasks(),
                &short_training(Learn::Phases),
                Seed(9),
                &dgnn_core::NoProgress,
            )
            .unwrap();
            let landscape = TiltedHkb::new(a, b, detuning).unwrap();
            let stable: Vec<f64> = fixed_points(&landscape)
                .iter()
                .filter(|f| f.stability == Stability::Stable)
                .map(|f| f.phase_rad)
                .collect();
            assert_eq!(stable.len(), attractors);
            let state = net.network.phase().unwrap();
            for &phase in state.phases_rad.iter().flatten().flatten() {
                assert!(
                    stable.iter().any(|s| s.to_bits() == phase.to_bits()),
                    "a = {a}, b = {b}, δω = {detuning}: phase {phase} is not an attractor {stable:?}"
                );
                assert!(landscape.drift(phase).abs() < 1e-10);
                assert!(landscape.second_derivative(phase) > 0.0);
            }
            assert!(net.history.projection.is_some());
            assert_eq!(net.history.learned, Learn::Phases);
            assert_eq!(net.learned_parameters(), 2 * (6 + 4), "2 contexts × 10 hidden units");
        }
    }

    #[test]
    fn learned_phases_alone_beat_the_context_blind_ceiling() {
        // Two conflicting tasks: a network blind to the context is right on at most half the
        // samples. With its weights frozen at random, only the phases can use the context; the
        // trained (and projected) network must classify the 240 training samples well above 1/2:
        // 0.65 is 4.6 standard errors (sqrt(1/4/240) = 0.032) above it.
        let data = crate::Dataset::conflicting_tasks(2, 120).unwrap();
        let arch = Architecture {
            phase: Some(PhaseLayer { contexts: 2, ..PhaseLayer::default() }),
            ..Architecture::plain(&[16])
        }
        .check()
        .unwrap();
        let config = crate::TrainConfig {
            epochs: 60,
            learning_rate: 0.05,
            learn: Learn::Phases,
            ..crate::TrainConfig::default()
        }
        .check()
        .unwrap();
        let net = crate::train(&arch, &data, &config, Seed(3), &dgnn_core::NoProgress).unwrap();
        let energy = crate::HardwareEnergy::default().check().unwrap();
        let accuracy = net.evaluate(&data, &energy).unwrap().accuracy;
        let projection = net.history.projection.as_ref().unwrap();
        eprintln!("phases only: training accuracy {accuracy:.3}, projection {projection:?}");
        assert!(accuracy >= 0.65, "accuracy {accuracy}");
        assert!((projection.train_accuracy_after - accuracy).abs() < 1e-12);
    }

    #[test]
    fn frozen_weights_stay_bit_identical() {
        // (φ) and (mask) learn only per-context states: every weight and bias must be exactly
        // the random initialisation of the same architecture and seed, while the states moved.
        let data = two_tasks();
        for learn in [Learn::Phases, Learn::UnitGains] {
            let arch = Architecture {
                phase: learn.phases().then(|| PhaseLayer { contexts: 2, ..PhaseLayer::default() }),
                ..Architecture::plain(&[6, 4])
            }
            .check()
            .unwrap();
            let trained =
                crate::train(&arch, &data, &short_training(learn), Seed(4), &dgnn_core::NoProgress)
                    .unwrap();
            let initial = Network::build(&arch, 2, 2, Seed(4)).unwrap();
            for (after, before) in trained.network.layers().iter().zip(initial.layers()) {
                let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                assert_eq!(bits(after.weights()), bits(before.weights()), "{learn:?}");
                assert_eq!(bits(after.bias()), bits(before.bias()), "{learn:?}");
            }
            match learn {
                Learn::UnitGains => {
                    let gains = trained.network.unit_gains().unwrap();
                    assert_eq!(gains.len(), 2, "one set of gains per context of the data");
                    assert!(gains.iter().flatten().flatten().any(|g| (g - 1.0).abs() > 1e-3));
                }
                _ => {
                    let starts = PhaseState::starts(
                        &arch.phase.clone().unwrap().check().unwrap(),
                        &[6, 4],
                        Seed(4),
                    );
                    assert_ne!(&trained.network.phase().unwrap().phases_rad, &starts);
                }
            }
        }
    }

    #[test]
    fn learned_parameters_are_counted_by_mode() {
        // 4 inputs, regions of 6 and 5, 3 classes, 2 contexts: 4·6 + 6·5 + 5·3 = 69 weights and
        // 6 + 5 + 3 = 14 biases; 2 contexts × 11 hidden units = 22 phases or gains.
        let arch = Architecture {
            phase: Some(PhaseLayer { contexts: 2, ..PhaseLayer::default() }),
            ..Architecture::plain(&[6, 5])
        }
        .check()
        .unwrap();
        let net = Network::build(&arch, 4, 3, Seed(1)).unwrap();
        let counts: Vec<usize> = Learn::ALL.iter().map(|l| l.learned_parameters(&net)).collect();
        assert_eq!(counts, [83, 22, 105, 22]);
        // Two classes (class-0 logit held: its 8 synapses and its bias are not free) and half
        // the input synapses absent: 2·8·density-mask synapses + 8 + 8 + 1 bias.
        let sparse = Architecture {
            regions: vec![Region { density: 0.5, ..Region::dense(8) }],
            ..Architecture::plain(&[8])
        }
        .check()
        .unwrap();
        let net = Network::build(&sparse, 2, 2, Seed(1)).unwrap();
        let present = net.layers()[0].mask().unwrap().iter().filter(|&&m| m > 0.0).count();
        assert_eq!(Learn::Weights.learned_parameters(&net), present + 8 + 8 + 1);
        assert_eq!(Learn::UnitGains.learned_parameters(&net), 8, "one context");
    }

    #[test]
    fn phases_need_a_phase_layer_and_the_penalty_is_checked() {
        let plain = Architecture::plain(&[4]).check().unwrap();
        let data = crate::Dataset::builtin("iris").unwrap();
        let err = crate::train(
            &plain,
            &data,
            &short_training(Learn::WeightsAndPhases),
            Seed(1),
            &dgnn_core::NoProgress,
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("`learn` = weights_and_phases") && err.contains("phase layer"),
            "{err}"
        );
        let bad = crate::TrainConfig { phase_penalty: -1.0, ..crate::TrainConfig::default() };
        assert_eq!(bad.check().unwrap_err().field, "phase_penalty");
        let config: crate::TrainConfig = ron::from_str("(learn: unit_gains)").unwrap();
        assert_eq!(config.learn, Learn::UnitGains);
        // The default mode and penalty are not written, so configs read as before.
        let text = ron::to_string(&crate::TrainConfig::default()).unwrap();
        assert!(!text.contains("learn:") && !text.contains("phase_penalty"), "{text}");
    }

    #[test]
    fn model_files_keep_learned_states_and_old_files_still_read() {
        // A phase-trained and a gain-trained model round-trip exactly; a weight-trained model is
        // written exactly as before modes existed (no new field), so files of that format read.
        let data = two_tasks();
        for learn in [Learn::WeightsAndPhases, Learn::UnitGains] {
            let arch = Architecture {
                phase: learn.phases().then(|| PhaseLayer { contexts: 2, ..PhaseLayer::default() }),
                ..Architecture::plain(&[5])
            }
            .check()
            .unwrap();
            let model =
                crate::train(&arch, &data, &short_training(learn), Seed(2), &dgnn_core::NoProgress)
                    .unwrap();
            let back = crate::TrainedNetwork::from_ron(&model.to_ron().unwrap()).unwrap();
            assert_eq!(back, model, "{learn:?}");
        }
        let arch = Architecture::plain(&[5]).check().unwrap();
        let iris = crate::Dataset::builtin("iris").unwrap();
        let old = crate::train(
            &arch,
            &iris,
            &short_training(Learn::Weights),
            Seed(2),
            &dgnn_core::NoProgress,
        )
        .unwrap();
        let text = old.to_ron().unwrap();
        for field in ["unit_gains", "learned", "projection"] {
            assert!(!text.contains(field), "{field} written for a weight-trained model");
        }
        assert_eq!(crate::TrainedNetwork::from_ron(&text).unwrap(), old);
        // Gains that do not fit the network (4 for 5 units) are refused as inconsistent.
        let mut misfit = old.clone();
        misfit.network.unit_gains = Some(vec![vec![vec![1.0; 4]]]);
        let err = crate::TrainedNetwork::from_ron(&misfit.to_ron().unwrap()).unwrap_err();
        assert!(err.contains("inconsistent"), "{err}");
    }

    proptest::proptest! {
        // Invariant: −∇Δ (loss plus penalty) is a descent direction. For a step η small against
        // the curvature, L(Δ − ηg) − L(Δ) = −η|g|² + O(η²), so the decrease must be positive and
        // within half of η|g|² of it, on random small networks, landscapes, contexts, penalties.
        #[test]
        fn a_small_step_against_the_phase_gradient_lowers_the_objective(
            seed in 0u64..1000,
            inputs in 1usize..4,
            sizes in proptest::collection::vec(2usize..6, 1..3),
            classes in 2usize..4,
            contexts in 1usize..4,
            coupling in 0.2f64..1.0,
            b in 0.0f64..1.5,
            detuning in -0.3f64..0.3,
            penalty in 0.0f64..2.0,
        ) {
            let arch = Architecture {
                phase: Some(PhaseLayer { a: 1.0, b, detuning, coupling, contexts }),
                ..Architecture::plain(&sizes)
            }
            .check()
            .unwrap();
            let mut net = Network::build(&arch, inputs, classes, Seed(seed)).unwrap();
            prepare(&mut net, Learn::Phases, contexts, Seed(seed)).unwrap();
            let context = (seed as usize) % contexts;
            let (x, y) = batch(seed, 6, inputs);
            let y: Vec<usize> = y.iter().map(|&c| c % classes).collect();
            let landscape = arch.phase.as_ref().unwrap().potential().unwrap();
            let objective = |net: &Network| {
                let v: f64 = net.phase.as_ref().unwrap().1.phases_rad[context]
                    .iter()
                    .flatten()
                    .map(|&p| landscape.value(p))
                    .sum();
                loss(net, &x, &y, context) + penalty * v
            };
            let n = y.len();
            let mut ws = Workspace::new(&net, n);
            let mut grads = Grads::with_effective(&net);
            ws.input_mut(n).copy_from_slice(&x);
            net.forward(&mut ws, n, context, None);
            net.backward(&mut ws, &y, n, &mut grads);
            let mut learning = ContextLearning::new(&net, Learn::Phases).unwrap().unwrap();
            learning.gradients(&net, &grads, context, penalty);
            let g = learning.phase_grads.as_ref().unwrap().0.clone();
            let norm2: f64 = g.iter().flatten().map(|v| v * v).sum();
            let eta = 1e-4;
            proptest::prop_assume!(eta * norm2 > 1e-11);
            let before = objective(&net);
            let state = &mut net.phase.as_mut().unwrap().1;
            for (phases, grad) in state.phases_rad[context].iter_mut().zip(&g) {
                for (p, d) in phases.iter_mut().zip(grad) {
                    *p -= eta * d;
                }
            }
            let decrease = before - objective(&net);
            let predicted = eta * norm2;
            proptest::prop_assert!(
                (decrease - predicted).abs() <= 0.5 * predicted,
                "decrease {decrease:e}, first-order prediction {predicted:e}"
            );
        }
    }
}
