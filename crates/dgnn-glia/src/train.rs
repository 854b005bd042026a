//! Gradient training: mini-batch Adam.
//!
//! - Loss: mean softmax cross-entropy of the batch plus scikit-learn's L2 convention, a penalty
//!   `(λ/2)‖W‖²/B` for a batch of `B` samples (biases are not penalised), so that `l2` means what
//!   `alpha` means in `MLPClassifier`.
//! - Adam (Kingma & Ba 2015) with β₁ = 0.9, β₂ = 0.999, ε = 1e-8 and the bias correction folded
//!   into the step, `lr_t = lr·sqrt(1 − β₂ᵗ)/(1 − β₁ᵗ)` (scikit-learn's form).
//! - Each epoch visits the training samples in a fresh order (stream `glia/train/shuffle`,
//!   `[epoch]`) in batches of `batch_size` (the last one may be smaller). With several contexts,
//!   each batch holds one context and the batch order is shuffled too.
//! - Early stopping (optional) holds out a stratified `validation_fraction`, stops after
//!   `patience` epochs without a validation-loss improvement larger than `min_delta`, and
//!   restores the best weights.
//! - `sample_budget` caps the number of sample presentations: a cheap low-fidelity estimate.
//! - `learn` chooses what is learned: the weights (the default), the phases of the phase layer,
//!   both, or per-unit gains ([`crate::learn`], where the phase trainer is described); what is
//!   not learned stays exactly as initialised.
//!
//! Standardisation is fitted on the data handed to [`train`] (the training part) and stored in the
//! [`TrainedNetwork`], which applies it to whatever it evaluates. Training one network is
//! sequential and deterministic for a seed.

use crate::GliaError;
use crate::arch::ValidArchitecture;
use crate::data::{Dataset, Standardized, stratified_split};
use crate::learn::{ContextLearning, Learn, PhaseProjection, prepare};
use crate::network::{Grads, Network, Workspace};
use crate::trained::{TrainedNetwork, argmax, check_fit, confusion, cross_entropy, infer};
use dgnn_core::error::{at_least, in_range, non_negative, positive};
use dgnn_core::rng::shuffle;
use dgnn_core::{ParamError, Progress, Seed, Valid, Validate};
use multiversion::multiversion;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

fn default_epochs() -> usize {
    200
}
fn default_batch() -> usize {
    32
}
fn default_lr() -> f64 {
    1e-3
}
fn default_l2() -> f64 {
    1e-4
}
fn default_validation() -> f64 {
    0.1
}
fn default_patience() -> usize {
    10
}
fn default_min_delta() -> f64 {
    1e-4
}
fn default_phase_penalty() -> f64 {
    0.03
}
fn is_default_phase_penalty(penalty: &f64) -> bool {
    penalty.to_bits() == default_phase_penalty().to_bits()
}

/// Early stopping on a held-out validation split.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EarlyStopping {
    /// Share of the training data held out, stratified (default 0.1; in (0, 0.5]).
    #[serde(default = "default_validation")]
    pub validation_fraction: f64,
    /// Epochs without improvement before stopping (default 10; ≥ 1).
    #[serde(default = "default_patience")]
    pub patience: usize,
    /// Smallest validation-loss decrease that counts as improvement (default 1e-4; ≥ 0).
    #[serde(default = "default_min_delta")]
    pub min_delta: f64,
}

impl Default for EarlyStopping {
    fn default() -> Self {
        Self { validation_fraction: 0.1, patience: 10, min_delta: 1e-4 }
    }
}

/// How to train, unchecked (module docs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainConfig {
    /// Passes over the training data (default 200; ≥ 1).
    #[serde(default = "default_epochs")]
    pub epochs: usize,
    /// Samples per mini-batch (default 32; ≥ 1).
    #[serde(default = "default_batch")]
    pub batch_size: usize,
    /// Adam learning rate (default 1e-3; > 0).
    #[serde(default = "default_lr")]
    pub learning_rate: f64,
    /// L2 penalty λ, scikit-learn's `alpha` (default 1e-4; ≥ 0).
    #[serde(default = "default_l2")]
    pub l2: f64,
    /// Early stopping (default: none, train all epochs).
    #[serde(default)]
    pub early_stopping: Option<EarlyStopping>,
    /// Stop after this many sample presentations (default: no cap).
    #[serde(default)]
    pub sample_budget: Option<u64>,
    /// What is learned: `weights` (the default), `phases`, `weights_and_phases` or
    /// `unit_gains` ([`crate::learn`]).
    #[serde(default, skip_serializing_if = "Learn::is_weights")]
    pub learn: Learn,
    /// The final strength `λ_max` of the penalty `λ·Σ V(Δ_i)` that holds learned phases to
    /// their attractors, reached by a linear ramp over the epochs (default 0.03, the choice is
    /// explained in [`crate::learn`]; ≥ 0; used only when phases are learned).
    #[serde(default = "default_phase_penalty", skip_serializing_if = "is_default_phase_penalty")]
    pub phase_penalty: f64,
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            epochs: 200,
            batch_size: 32,
            learning_rate: 1e-3,
            l2: 1e-4,
            early_stopping: None,
            sample_budget: None,
            learn: Learn::Weights,
            phase_penalty: default_phase_penalty(),
        }
    }
}

/// Checks every field; errors name it (`early_stopping.patience`).
impl Validate for TrainConfig {
    fn validate(&self) -> Result<(), ParamError> {
        at_least("epochs", self.epochs, 1)?;
        at_least("batch_size", self.batch_size, 1)?;
        positive("learning_rate", self.learning_rate)?;
        non_negative("l2", self.l2)?;
        if let Some(es) = &self.early_stopping {
            in_range("validation_fraction", es.validation_fraction, 1e-6, 0.5)
                .map_err(|e| e.within("early_stopping"))?;
            at_least("patience", es.patience, 1).map_err(|e| e.within("early_stopping"))?;
            non_negative("min_delta", es.min_delta).map_err(|e| e.within("early_stopping"))?;
        }
        if self.sample_budget == Some(0) {
            return Err(ParamError::new("sample_budget", 0, "must be at least 1 (or absent)"));
        }
        non_negative("phase_penalty", self.phase_penalty)?;
        Ok(())
    }
}

/// A training config whose fields passed their check: what [`train`] (and Adam as a
/// [`crate::Trainer`]) accepts.
pub type ValidTrainConfig = Valid<TrainConfig>;

/// One epoch of a training run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpochRecord {
    /// 1-based epoch number.
    pub epoch: usize,
    /// Mean training loss over the epoch's batches (cross-entropy, plus the L2 penalty when the
    /// weights are learned; the phase penalty is not included).
    pub train_loss: f64,
    /// Share of training samples classified right during the epoch (before each batch's step).
    pub train_accuracy: f64,
    /// Validation cross-entropy after the epoch (with early stopping).
    pub validation_loss: Option<f64>,
    /// Validation accuracy after the epoch (with early stopping).
    pub validation_accuracy: Option<f64>,
}

/// What happened during training.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct History {
    /// One record per epoch run.
    pub epochs: Vec<EpochRecord>,
    /// The epoch whose weights were kept (the last, or the best with early stopping).
    pub best_epoch: usize,
    /// True when early stopping or the sample budget ended training before `epochs`.
    pub stopped_early: bool,
    /// Sample presentations made.
    pub samples_seen: u64,
    /// What was learned ([`crate::learn`]; the weights unless said otherwise).
    #[serde(default, skip_serializing_if = "Learn::is_weights")]
    pub learned: Learn,
    /// The final projection of learned phases onto their attractors (phase training only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub projection: Option<PhaseProjection>,
}

/// Adam moments of every parameter array.
struct Adam {
    m_w: Vec<Vec<f64>>,
    v_w: Vec<Vec<f64>>,
    m_b: Vec<Vec<f64>>,
    v_b: Vec<Vec<f64>>,
    t: i32,
}

pub(crate) const BETA1: f64 = 0.9;
pub(crate) const BETA2: f64 = 0.999;
pub(crate) const EPSILON: f64 = 1e-8;

impl Adam {
    fn new(net: &Network) -> Self {
        let z = |f: &dyn Fn(&crate::network::Layer) -> usize| -> Vec<Vec<f64>> {
            net.layers().iter().map(|l| vec![0.0; f(l)]).collect()
        };
        Self {
            m_w: z(&|l| l.weights().len()),
            v_w: z(&|l| l.weights().len()),
            m_b: z(&|l| l.bias().len()),
            v_b: z(&|l| l.bias().len()),
            t: 0,
        }
    }

    /// One step; the L2 term `(λ/B)·w` is added to the weight gradients here. Returns the sum
    /// of squares of the new weights, layer after layer, each in order: the same chain as
    /// [`sum_of_squares`] of the stepped network, computed while the weights are in hand.
    fn step(&mut self, net: &mut Network, grads: &Grads, lr: f64, l2_over_b: f64) -> f64 {
        self.t += 1;
        let (beta1_t, beta2_t) = beta_powers(self.t);
        let lr_t = lr * (1.0 - beta2_t).sqrt() / (1.0 - beta1_t);
        let mut squares = 0.0;
        for (l, layer) in net.layers.iter_mut().enumerate() {
            let (m, v) = (&mut self.m_w[l], &mut self.v_w[l]);
            let moments = Moments { m, v, decay: l2_over_b, lr_t };
            squares = adam_update_summing(&mut layer.weights, &grads.w[l], moments, squares);
            let (m, v) = (&mut self.m_b[l], &mut self.v_b[l]);
            adam_update(&mut layer.bias, &grads.b[l], m, v, 0.0, lr_t);
        }
        squares
    }
}

/// Steps whose powers [`beta_powers`] keeps in a table.
const TABULATED_STEPS: usize = 4096;

/// `(β₁ᵗ, β₂ᵗ)` of Adam's bias correction at step `t ≥ 1`: `powi`, made once per process for the
/// first [`TABULATED_STEPS`] steps (every training takes the same steps, and the powers were a
/// measurable share of a search's time).
pub(crate) fn beta_powers(t: i32) -> (f64, f64) {
    static TABLE: OnceLock<Vec<(f64, f64)>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        (1..=TABULATED_STEPS as i32).map(|t| (BETA1.powi(t), BETA2.powi(t))).collect()
    });
    match usize::try_from(t - 1).ok().and_then(|i| table.get(i)) {
        Some(&powers) => powers,
        None => (BETA1.powi(t), BETA2.powi(t)),
    }
}

/// `Σ w²` over the weights of `net`, layer after layer, each in order (one chain of additions).
fn sum_of_squares(net: &Network) -> f64 {
    net.layers().iter().flat_map(|l| l.weights()).fold(0.0, |sum, w| sum + w * w)
}

/// Adam's update of parameters `p` along gradients `g` (plus `decay·p`) with moments `m`, `v`
/// and bias-corrected rate `lr_t`, element by element. Compiled also for AVX-512 and chosen at
/// run time: every element takes the same operations either way, so the bits do not change.
#[multiversion(targets("x86_64+avx512f+avx512dq"))]
fn adam_update(p: &mut [f64], g: &[f64], m: &mut [f64], v: &mut [f64], decay: f64, lr_t: f64) {
    for (((p, &g), m), v) in p.iter_mut().zip(g).zip(m.iter_mut()).zip(v.iter_mut()) {
        adam_element(p, g, m, v, decay, lr_t);
    }
}

/// Adam's moments of one parameter array and the step's constants.
struct Moments<'a> {
    m: &'a mut [f64],
    v: &'a mut [f64],
    decay: f64,
    lr_t: f64,
}

/// [`adam_update`], and `squares + Σ p²` of the updated parameters added in order. The array
/// is updated in chunks, and each chunk's squares are added while the next chunk is updated:
/// the additions are one chain, as in [`sum_of_squares`], but its latency hides behind the
/// update's arithmetic instead of following it.
#[multiversion(targets("x86_64+avx512f+avx512dq"))]
fn adam_update_summing(p: &mut [f64], g: &[f64], moments: Moments<'_>, mut squares: f64) -> f64 {
    const CHUNK: usize = 64;
    let Moments { m, v, decay, lr_t } = moments;
    let len = p.len().min(g.len()).min(m.len()).min(v.len());
    let mut updated = 0..0;
    for start in (0..len).step_by(CHUNK) {
        let chunk = start..(start + CHUNK).min(len);
        let (pc, gc) = (&mut p[chunk.clone()], &g[chunk.clone()]);
        let (mc, vc) = (&mut m[chunk.clone()], &mut v[chunk.clone()]);
        for (((p, &g), m), v) in pc.iter_mut().zip(gc).zip(mc.iter_mut()).zip(vc.iter_mut()) {
            adam_element(p, g, m, v, decay, lr_t);
        }
        for &w in &p[updated] {
            squares += w * w;
        }
        updated = chunk;
    }
    for &w in &p[updated] {
        squares += w * w;
    }
    squares
}

/// One parameter's Adam update (plus `decay·p` on its gradient).
#[inline(always)]
fn adam_element(p: &mut f64, g: f64, m: &mut f64, v: &mut f64, decay: f64, lr_t: f64) {
    let g = g + decay * *p;
    *m = BETA1 * *m + (1.0 - BETA1) * g;
    *v = BETA2 * *v + (1.0 - BETA2) * g * g;
    *p -= lr_t * *m / (v.sqrt() + EPSILON);
}

/// Trains a network of architecture `arch` on `data` (module docs).
///
/// ```
/// use dgnn_glia::{Architecture, BiologicalEnergy, Dataset, NoProgress, ParamGuard, Seed};
/// use dgnn_glia::{TrainConfig, train};
/// let data = Dataset::builtin("iris")?;
/// let arch = Architecture::plain(&[8]).check()?;
/// let config = TrainConfig { epochs: 60, batch_size: 16, learning_rate: 0.01, ..TrainConfig::default() }
///     .check()?;
/// let net = train(&arch, &data, &config, Seed(1), &NoProgress)?;
/// let eval = net.evaluate(&data, &BiologicalEnergy::default().check()?)?;
/// assert!(eval.accuracy > 0.9);
/// # Ok::<(), dgnn_glia::GliaError>(())
/// ```
pub fn train(
    arch: &ValidArchitecture,
    data: &Dataset,
    config: &ValidTrainConfig,
    seed: Seed,
    progress: &dyn Progress,
) -> Result<TrainedNetwork, GliaError> {
    train_standardized(arch, &Standardized::fit(data), config, seed, progress)
}

/// [`train`] on a training part standardised once ([`Standardized::fit`] of the raw part): the
/// same network, without a standardised copy per training.
///
/// # Errors
/// As [`train`].
pub fn train_standardized(
    arch: &ValidArchitecture,
    data: &Standardized,
    config: &ValidTrainConfig,
    seed: Seed,
    progress: &dyn Progress,
) -> Result<TrainedNetwork, GliaError> {
    let scaled = data.data();
    let mut network = Network::build(arch, scaled.n_features(), scaled.n_classes(), seed)?;
    prepare(&mut network, config.learn, scaled.n_contexts(), seed)?;
    check_fit(&network, scaled)?;
    let history = fit(&mut network, scaled, config, seed, progress)?;
    Ok(TrainedNetwork::assemble(arch, network, data.standardizer().clone(), scaled, history))
}

/// The batches of one epoch: the rows in a fresh shuffled order, cut into batches of one
/// context each (with several contexts, the batch order is shuffled too). Its buffers are
/// reused from epoch to epoch.
#[derive(Default)]
struct EpochOrder {
    /// The shuffled rows.
    order: Vec<usize>,
    /// With several contexts: the shuffled rows grouped by context, in context order.
    by_context: Vec<usize>,
    /// Each batch as a range of `order` (one context) or of `by_context`.
    batches: Vec<std::ops::Range<usize>>,
}

impl EpochOrder {
    /// Deals out epoch `epoch` (streams `glia/train/shuffle` and `glia/train/batches`).
    fn deal(&mut self, data: &Dataset, rows: &[usize], batch: usize, seed: Seed, epoch: usize) {
        self.order.clear();
        self.order.extend_from_slice(rows);
        shuffle(&mut self.order, &mut seed.stream("glia/train/shuffle", &[epoch as u64]));
        self.batches.clear();
        self.by_context.clear();
        let contexts = data.n_contexts();
        if contexts == 1 {
            let n = self.order.len();
            self.batches.extend((0..n).step_by(batch).map(|start| start..(start + batch).min(n)));
            return;
        }
        for c in 0..contexts {
            let start = self.by_context.len();
            self.by_context.extend(self.order.iter().copied().filter(|&i| data.context(i) == c));
            let end = self.by_context.len();
            self.batches.extend((start..end).step_by(batch).map(|b| b..(b + batch).min(end)));
        }
        shuffle(&mut self.batches, &mut seed.stream("glia/train/batches", &[epoch as u64]));
    }

    /// The rows of every batch, in the epoch's order.
    fn batches(&self) -> impl Iterator<Item = &[usize]> {
        let rows = if self.by_context.is_empty() { &self.order } else { &self.by_context };
        self.batches.iter().map(move |range| &rows[range.clone()])
    }
}

/// Trains `network` in place on standardised `data` with Adam; returns the history.
pub(crate) fn fit(
    network: &mut Network,
    data: &Dataset,
    config: &ValidTrainConfig,
    seed: Seed,
    progress: &dyn Progress,
) -> Result<History, GliaError> {
    let all: Vec<usize> = (0..data.len()).collect();
    let (train_rows, validation) = match &config.early_stopping {
        Some(es) => {
            let split = stratified_split(data.labels(), es.validation_fraction, seed)?;
            (split.train, Some((data.subset(&split.test), es)))
        }
        None => (all, None),
    };
    let mut run = AdamRun::new(network, config)?;
    let mut history = History { learned: config.learn, ..History::default() };
    let mut best: Option<(f64, Network)> = None;
    let mut since_best = 0usize;
    let mut order = EpochOrder::default();
    progress.start(config.epochs as u64, "train");
    for epoch in 0..config.epochs {
        order.deal(data, &train_rows, config.batch_size, seed, epoch);
        let penalty = config.phase_penalty * (epoch + 1) as f64 / config.epochs as f64;
        let pass = run.epoch(network, data, &order, config, penalty, &mut history.samples_seen);
        if pass.budget_spent {
            history.stopped_early = epoch + 1 < config.epochs || pass.seen < train_rows.len();
            record_epoch(&mut history, epoch, &pass, None);
            break;
        }
        let val = validation.as_ref().map(|(v, _)| validation_figures(network, v));
        record_epoch(&mut history, epoch, &pass, val);
        progress.advance(1);
        if let (Some((vloss, _)), Some((_, es))) = (val, &validation) {
            let improved = best.as_ref().is_none_or(|(b, _)| vloss < b - es.min_delta);
            if improved {
                best = Some((vloss, network.clone()));
                history.best_epoch = epoch + 1;
                since_best = 0;
            } else {
                since_best += 1;
                if since_best >= es.patience {
                    history.stopped_early = epoch + 1 < config.epochs;
                    break;
                }
            }
        }
        if let Some(last) = history.epochs.last() {
            progress.message(&format!("epoch {} · loss {:.4}", last.epoch, last.train_loss));
        }
    }
    match best {
        Some((_, net)) => *network = net,
        None => history.best_epoch = history.epochs.len(),
    }
    if config.learn.phases() {
        history.projection = Some(project_phases(network, data));
    }
    progress.finish();
    Ok(history)
}

/// Projects the learned phases of `network` onto their attractors and records what that did to
/// the training accuracy on (standardised) `data`.
fn project_phases(network: &mut Network, data: &Dataset) -> PhaseProjection {
    let accuracy = |net: &Network| confusion(data, &infer(net, data), net.classes()).accuracy();
    let train_accuracy_before = accuracy(network);
    let largest_shift_rad = network.phase.as_mut().map_or(0.0, |(_, s)| s.project_to_attractors());
    PhaseProjection {
        largest_shift_rad,
        train_accuracy_before,
        train_accuracy_after: accuracy(network),
    }
}

/// The buffers and optimiser state of one Adam training run.
struct AdamRun {
    ws: Workspace,
    grads: Grads,
    adam: Adam,
    /// `Σ w²` of the network's weights as they are, when the last step computed it (only Adam
    /// moves the weights during a run).
    squares: Option<f64>,
    labels: Vec<usize>,
    learn: Learn,
    /// Phases or gains being learned (`None` when only the weights are).
    context_learning: Option<ContextLearning>,
}

/// What one epoch's batches did.
struct EpochPass {
    /// Σ over batches of (loss + L2 penalty) × batch size.
    loss_sum: f64,
    /// Samples classified right before their batch's step.
    correct: usize,
    /// Samples presented.
    seen: usize,
    /// Whether the sample budget ran out during the epoch (training stops).
    budget_spent: bool,
}

impl AdamRun {
    fn new(network: &Network, config: &ValidTrainConfig) -> Result<Self, GliaError> {
        let context_learning = ContextLearning::new(network, config.learn)?;
        Ok(Self {
            ws: Workspace::new(network, config.batch_size),
            grads: if context_learning.is_some() {
                Grads::with_effective(network)
            } else {
                Grads::zeros(network)
            },
            adam: Adam::new(network),
            squares: None,
            labels: Vec::with_capacity(config.batch_size),
            learn: config.learn,
            context_learning,
        })
    }

    /// One Adam step per batch, until the batches or the sample budget run out; `samples_seen`
    /// counts every presentation. `penalty` is this epoch's phase-penalty strength λ.
    fn epoch(
        &mut self,
        network: &mut Network,
        data: &Dataset,
        order: &EpochOrder,
        config: &ValidTrainConfig,
        penalty: f64,
        samples_seen: &mut u64,
    ) -> EpochPass {
        let mut pass = EpochPass { loss_sum: 0.0, correct: 0, seen: 0, budget_spent: false };
        for batch in order.batches() {
            let b = batch.len();
            self.ws.load_batch(data, batch);
            self.labels.clear();
            self.labels.extend(batch.iter().map(|&i| data.labels()[i]));
            let context = data.context(batch[0]);
            network.forward(&mut self.ws, b, context, None);
            let probs = self.ws.probabilities(b);
            let classes = network.classes();
            pass.correct += probs
                .chunks_exact(classes)
                .zip(&self.labels)
                .filter(|(p, y)| argmax(p) == **y)
                .count();
            let loss = network.backward(&mut self.ws, &self.labels, b, &mut self.grads);
            if let Some(learning) = &mut self.context_learning {
                learning.gradients(network, &self.grads, context, penalty);
            }
            let l2_over_b = config.l2 / b as f64;
            if self.learn.weights() {
                let l2 = self.squares.take().unwrap_or_else(|| sum_of_squares(network));
                pass.loss_sum += (loss + 0.5 * l2_over_b * l2) * b as f64;
                let squares = self.adam.step(network, &self.grads, config.learning_rate, l2_over_b);
                self.squares = Some(squares);
            } else {
                pass.loss_sum += loss * b as f64;
            }
            if let Some(learning) = &mut self.context_learning {
                learning.step(network, &mut self.ws, context, config.learning_rate);
            }
            pass.seen += b;
            *samples_seen += b as u64;
            if config.sample_budget.is_some_and(|cap| *samples_seen >= cap) {
                pass.budget_spent = true;
                break;
            }
        }
        pass
    }
}

/// Cross-entropy and accuracy of `network` on the (standardised) validation part.
fn validation_figures(network: &Network, validation: &Dataset) -> (f64, f64) {
    let probs = infer(network, validation);
    let m = confusion(validation, &probs, network.classes());
    (cross_entropy(validation, &probs, network.classes()), m.accuracy())
}

fn record_epoch(history: &mut History, epoch: usize, pass: &EpochPass, val: Option<(f64, f64)>) {
    let n = pass.seen.max(1) as f64;
    history.epochs.push(EpochRecord {
        epoch: epoch + 1,
        train_loss: pass.loss_sum / n,
        train_accuracy: pass.correct as f64 / n,
        validation_loss: val.map(|v| v.0),
        validation_accuracy: val.map(|v| v.1),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arch::Architecture;
    use dgnn_core::{NoProgress, ParamGuard};

    #[test]
    fn tabulated_powers_are_powi() {
        // The table and the steps past it give `powi`'s bits (the table only saves the calls).
        for t in 1..=TABULATED_STEPS as i32 + 8 {
            let (b1, b2) = beta_powers(t);
            assert_eq!(b1.to_bits(), BETA1.powi(t).to_bits(), "β₁ at step {t}");
            assert_eq!(b2.to_bits(), BETA2.powi(t).to_bits(), "β₂ at step {t}");
        }
    }

    #[test]
    fn sample_budget_stops_after_the_batch_that_reaches_it() {
        // Budget 100 with batches of 32: the fourth batch brings the count to 128 ≥ 100.
        let data = Dataset::builtin("iris").unwrap();
        let arch = Architecture::plain(&[4]).check().unwrap();
        let config =
            TrainConfig { sample_budget: Some(100), ..TrainConfig::default() }.check().unwrap();
        let net = train(&arch, &data, &config, Seed(1), &NoProgress).unwrap();
        assert_eq!(net.history.samples_seen, 128);
        assert!(net.history.stopped_early);
        assert_eq!(net.history.epochs.len(), 1);
    }

    #[test]
    fn early_stopping_keeps_the_best_validation_weights() {
        // The returned network must be the one whose validation loss was recorded at
        // `best_epoch` (recomputed here on the same seeded split: equal to the bit), and no
        // later epoch may have improved on it by more than min_delta.
        let data = Dataset::builtin("wine").unwrap();
        let arch = Architecture::plain(&[8]).check().unwrap();
        let es = EarlyStopping { validation_fraction: 0.2, patience: 5, min_delta: 1e-4 };
        let config = TrainConfig {
            epochs: 300,
            learning_rate: 0.05,
            early_stopping: Some(es.clone()),
            ..TrainConfig::default()
        }
        .check()
        .unwrap();
        let net = train(&arch, &data, &config, Seed(2), &NoProgress).unwrap();
        let h = &net.history;
        assert!(h.stopped_early && h.epochs.len() < 300, "ran {} epochs", h.epochs.len());
        assert_eq!(h.epochs.len(), h.best_epoch + es.patience);
        let best = h.epochs[h.best_epoch - 1].validation_loss.unwrap();
        for later in &h.epochs[h.best_epoch..] {
            assert!(later.validation_loss.unwrap() >= best - es.min_delta);
        }
        let scaled = net.standardizer.apply(&data).unwrap();
        let split = stratified_split(scaled.labels(), 0.2, Seed(2)).unwrap();
        let validation = scaled.subset(&split.test);
        let probs = infer(&net.network, &validation);
        let again = cross_entropy(&validation, &probs, net.network.classes());
        assert_eq!(again.to_bits(), best.to_bits());
    }
}
