//! Gradient training (mini-batch Adam), evaluation and cross-validation.
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
//!
//! Standardisation is fitted on the data handed to [`train`] (the training part) and stored in the
//! [`TrainedNetwork`], which applies it to whatever it evaluates. Training one network is
//! sequential and deterministic for a seed; [`cross_validate`] trains the folds in parallel, each
//! with its own seed, and reduces in fold order, so it is bit-identical for any thread count.

use crate::GliaError;
use crate::arch::{Architecture, ValidArchitecture};
use crate::data::{Dataset, Standardizer, shuffle, stratified_k_fold, stratified_split};
use crate::energy::{EnergyBreakdown, EnergyModel};
use crate::info::ConfusionMatrix;
use crate::network::{ActivityReport, Grads, Network, Workspace};
use dgnn_core::error::{at_least, in_range, non_negative, positive};
use dgnn_core::{Atp, Bits, Joules, ParamError, Progress, Seed};
use rand::Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

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
        }
    }
}

impl TrainConfig {
    /// Checks every field.
    pub fn check(&self) -> Result<ValidTrainConfig, ParamError> {
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
        Ok(ValidTrainConfig(self.clone()))
    }
}

/// A training config whose fields passed [`TrainConfig::check`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct ValidTrainConfig(TrainConfig);

impl ValidTrainConfig {
    /// The checked config.
    #[must_use]
    pub fn get(&self) -> &TrainConfig {
        &self.0
    }
}

/// One epoch of a training run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpochRecord {
    /// 1-based epoch number.
    pub epoch: usize,
    /// Mean training loss over the epoch's batches (cross-entropy plus L2 penalty).
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
}

/// A trained network with everything needed to use it on new data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainedNetwork {
    /// The architecture it was built from.
    pub architecture: Architecture,
    /// Weights, territories, astrocyte rule, supply and phases.
    pub network: Network,
    /// Standardisation fitted on its training data.
    pub standardizer: Standardizer,
    /// Class names, indexed by label.
    pub class_names: Vec<String>,
    /// Feature names, indexed by column.
    pub feature_names: Vec<String>,
    /// The training history.
    pub history: History,
}

/// What a trained network knows and costs on a data set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// Samples evaluated.
    pub samples: usize,
    /// Share classified right.
    pub accuracy: f64,
    /// `I(Y; Ŷ)` from the confusion matrix.
    pub mutual_information: Bits,
    /// `H(Y)`, the most `mutual_information` can be.
    pub label_entropy: Bits,
    /// Mean cross-entropy in nats.
    pub cross_entropy: f64,
    /// True × predicted counts.
    pub confusion: ConfusionMatrix,
    /// Mean activity of one inference.
    pub activity: ActivityReport,
    /// Energy of one inference, itemised.
    pub energy: EnergyBreakdown,
    /// Total energy of one inference.
    pub energy_per_inference: Joules,
    /// The same as an ATP count.
    pub atp_per_inference: Atp,
    /// `I(Y; Ŷ)` per joule of one inference.
    pub bits_per_joule: f64,
    /// `I(Y; Ŷ)` per ATP of one inference.
    pub bits_per_atp: f64,
}

/// Adam moments of every parameter array.
struct Adam {
    m_w: Vec<Vec<f64>>,
    v_w: Vec<Vec<f64>>,
    m_b: Vec<Vec<f64>>,
    v_b: Vec<Vec<f64>>,
    t: i32,
}

const BETA1: f64 = 0.9;
const BETA2: f64 = 0.999;
const EPSILON: f64 = 1e-8;

impl Adam {
    fn new(net: &Network) -> Self {
        let z = |f: &dyn Fn(&crate::network::Layer) -> usize| -> Vec<Vec<f64>> {
            net.layers().iter().map(|l| vec![0.0; f(l)]).collect()
        };
        Self {
            m_w: z(&|l| l.weights.len()),
            v_w: z(&|l| l.weights.len()),
            m_b: z(&|l| l.bias.len()),
            v_b: z(&|l| l.bias.len()),
            t: 0,
        }
    }

    /// One step; the L2 term `(λ/B)·w` is added to the weight gradients here.
    fn step(&mut self, net: &mut Network, grads: &Grads, lr: f64, l2_over_b: f64) {
        self.t += 1;
        let lr_t = lr * (1.0 - BETA2.powi(self.t)).sqrt() / (1.0 - BETA1.powi(self.t));
        let update = |p: &mut [f64], g: &[f64], m: &mut [f64], v: &mut [f64], decay: f64| {
            for (((p, &g), m), v) in p.iter_mut().zip(g).zip(m.iter_mut()).zip(v.iter_mut()) {
                let g = g + decay * *p;
                *m = BETA1 * *m + (1.0 - BETA1) * g;
                *v = BETA2 * *v + (1.0 - BETA2) * g * g;
                *p -= lr_t * *m / (v.sqrt() + EPSILON);
            }
        };
        for (l, layer) in net.layers_mut().iter_mut().enumerate() {
            update(&mut layer.weights, &grads.w[l], &mut self.m_w[l], &mut self.v_w[l], l2_over_b);
            update(&mut layer.bias, &grads.b[l], &mut self.m_b[l], &mut self.v_b[l], 0.0);
        }
    }
}

/// Checks that a data set fits a network.
pub(crate) fn check_fit(net: &Network, data: &Dataset) -> Result<(), GliaError> {
    if data.n_features() != net.inputs() {
        return Err(GliaError::Shape {
            what: format!("features of data set `{}` for this network", data.name()),
            expected: net.inputs(),
            found: data.n_features(),
        });
    }
    if data.n_classes() != net.classes() {
        return Err(GliaError::Shape {
            what: format!("classes of data set `{}` for this network", data.name()),
            expected: net.classes(),
            found: data.n_classes(),
        });
    }
    if data.n_contexts() > net.contexts() {
        return Err(GliaError::Data {
            name: data.name().into(),
            problem: format!(
                "has {} contexts but the network serves {}: set phase.contexts to at least {}",
                data.n_contexts(),
                net.contexts(),
                data.n_contexts()
            ),
        });
    }
    Ok(())
}

/// Trains a network of architecture `arch` on `data` (module docs).
///
/// ```
/// use dgnn_glia::{Architecture, Dataset, TrainConfig, train, BiologicalEnergy};
/// use dgnn_core::{NoProgress, Seed};
/// let data = Dataset::builtin("iris").unwrap();
/// let arch = Architecture::plain(&[8]).check().unwrap();
/// let config = TrainConfig { epochs: 60, batch_size: 16, learning_rate: 0.01, ..TrainConfig::default() }
///     .check().unwrap();
/// let net = train(&arch, &data, &config, Seed(1), &NoProgress).unwrap();
/// let eval = net.evaluate(&data, &BiologicalEnergy::default()).unwrap();
/// assert!(eval.accuracy > 0.9);
/// ```
pub fn train(
    arch: &ValidArchitecture,
    data: &Dataset,
    config: &ValidTrainConfig,
    seed: Seed,
    progress: &dyn Progress,
) -> Result<TrainedNetwork, GliaError> {
    let standardizer = Standardizer::fit(data);
    let scaled = standardizer.apply(data)?;
    let mut network = Network::build(arch, data.n_features(), data.n_classes(), seed)?;
    check_fit(&network, data)?;
    let history = fit(&mut network, &scaled, config.get(), seed, progress)?;
    Ok(TrainedNetwork::assemble(arch, network, standardizer, data, history))
}

/// The batches of one epoch: shuffled indices cut into batches of one context each.
fn epoch_batches(
    data: &Dataset,
    rows: &[usize],
    batch: usize,
    seed: Seed,
    epoch: usize,
) -> Vec<Vec<usize>> {
    let mut order = rows.to_vec();
    shuffle(&mut order, &mut seed.stream("glia/train/shuffle", &[epoch as u64]));
    let contexts = data.n_contexts();
    if contexts == 1 {
        return order.chunks(batch).map(<[usize]>::to_vec).collect();
    }
    let mut batches = Vec::new();
    for c in 0..contexts {
        let members: Vec<usize> = order.iter().copied().filter(|&i| data.context(i) == c).collect();
        batches.extend(members.chunks(batch).map(<[usize]>::to_vec));
    }
    shuffle(&mut batches, &mut seed.stream("glia/train/batches", &[epoch as u64]));
    batches
}

fn fill_input(ws: &mut Workspace, data: &Dataset, batch: &[usize]) {
    let d = data.n_features();
    let input = ws.input_mut(batch.len());
    for (s, &i) in batch.iter().enumerate() {
        input[s * d..(s + 1) * d].copy_from_slice(data.row(i));
    }
}

/// Trains `network` in place on standardised `data` with Adam; returns the history.
pub(crate) fn fit(
    network: &mut Network,
    data: &Dataset,
    config: &TrainConfig,
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
    let mut ws = Workspace::new(network, config.batch_size);
    let mut grads = Grads::zeros(network);
    let mut adam = Adam::new(network);
    let mut history = History::default();
    let mut best: Option<(f64, Network)> = None;
    let mut since_best = 0usize;
    let mut labels = Vec::with_capacity(config.batch_size);
    progress.start(config.epochs as u64, "train");
    'epochs: for epoch in 0..config.epochs {
        let batches = epoch_batches(data, &train_rows, config.batch_size, seed, epoch);
        let (mut loss_sum, mut correct, mut seen) = (0.0, 0usize, 0usize);
        for batch in &batches {
            let b = batch.len();
            fill_input(&mut ws, data, batch);
            labels.clear();
            labels.extend(batch.iter().map(|&i| data.labels()[i]));
            network.forward(&mut ws, b, data.context(batch[0]), None);
            let probs = ws.probabilities(b);
            let classes = network.classes();
            correct +=
                probs.chunks_exact(classes).zip(&labels).filter(|(p, y)| argmax(p) == **y).count();
            let loss = network.backward(&mut ws, &labels, b, &mut grads);
            let l2_over_b = config.l2 / b as f64;
            let penalty: f64 =
                network.layers().iter().flat_map(|l| &l.weights).map(|w| w * w).sum();
            loss_sum += (loss + 0.5 * l2_over_b * penalty) * b as f64;
            seen += b;
            adam.step(network, &grads, config.learning_rate, l2_over_b);
            history.samples_seen += b as u64;
            if config.sample_budget.is_some_and(|cap| history.samples_seen >= cap) {
                history.stopped_early = epoch + 1 < config.epochs || seen < train_rows.len();
                record_epoch(&mut history, epoch, loss_sum, correct, seen, None);
                break 'epochs;
            }
        }
        let val = validation.as_ref().map(|(v, _)| {
            let (probs, _) = infer(network, v, false);
            let m = confusion(v, &probs, network.classes());
            (cross_entropy(v, &probs, network.classes()), m.accuracy())
        });
        record_epoch(&mut history, epoch, loss_sum, correct, seen, val);
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
    progress.finish();
    Ok(history)
}

fn record_epoch(
    history: &mut History,
    epoch: usize,
    loss_sum: f64,
    correct: usize,
    seen: usize,
    val: Option<(f64, f64)>,
) {
    let n = seen.max(1) as f64;
    history.epochs.push(EpochRecord {
        epoch: epoch + 1,
        train_loss: loss_sum / n,
        train_accuracy: correct as f64 / n,
        validation_loss: val.map(|v| v.0),
        validation_accuracy: val.map(|v| v.1),
    });
}

pub(crate) fn argmax(p: &[f64]) -> usize {
    let mut best = 0;
    for (i, &v) in p.iter().enumerate() {
        if v > p[best] {
            best = i;
        }
    }
    best
}

/// Runs the network over standardised `data` (grouped by context, in chunks); returns the
/// probabilities (`len × classes`, in sample order) and, with `stats`, the mean activity per
/// inference.
pub(crate) fn infer(net: &Network, data: &Dataset, stats: bool) -> (Vec<f64>, ActivityReport) {
    let classes = net.classes();
    let mut probs = vec![0.0; data.len() * classes];
    let mut report = net.empty_report();
    forward_by_context(net, data, 256, stats.then_some(&mut report), |chunk, ws| {
        let p = ws.probabilities(chunk.len());
        for (s, &i) in chunk.iter().enumerate() {
            probs[i * classes..(i + 1) * classes]
                .copy_from_slice(&p[s * classes..(s + 1) * classes]);
        }
    });
    let n = data.len().max(1) as f64;
    for r in &mut report.regions {
        r.synapses /= n * report.iterations as f64;
        r.activity /= n;
        r.synaptic_events /= n;
        r.glial_events /= n;
    }
    (probs, report)
}

/// Runs the network over standardised `data`, one context at a time in chunks of at most
/// `chunk` samples, and hands each chunk's sample indices and the workspace after its forward
/// pass to `visit`; with `stats`, activity is added into it.
pub(crate) fn forward_by_context(
    net: &Network,
    data: &Dataset,
    chunk: usize,
    mut stats: Option<&mut ActivityReport>,
    mut visit: impl FnMut(&[usize], &Workspace),
) {
    let chunk = chunk.min(data.len()).max(1);
    let mut ws = Workspace::new(net, chunk);
    for c in 0..data.n_contexts() {
        for part in data.context_members(c).chunks(chunk) {
            fill_input(&mut ws, data, part);
            net.forward(&mut ws, part.len(), c, stats.as_deref_mut());
            visit(part, &ws);
        }
    }
}

fn confusion(data: &Dataset, probs: &[f64], classes: usize) -> ConfusionMatrix {
    let predicted: Vec<usize> = probs.chunks_exact(classes).map(argmax).collect();
    ConfusionMatrix::from_labels(data.labels(), &predicted, classes)
}

fn cross_entropy(data: &Dataset, probs: &[f64], classes: usize) -> f64 {
    let n = data.len().max(1) as f64;
    probs
        .chunks_exact(classes)
        .zip(data.labels())
        .map(|(p, &y)| -p[y].max(1e-300).ln())
        .sum::<f64>()
        / n
}

impl TrainedNetwork {
    /// A trained network with the names of `data` (its training data).
    pub(crate) fn assemble(
        arch: &ValidArchitecture,
        network: Network,
        standardizer: Standardizer,
        data: &Dataset,
        history: History,
    ) -> Self {
        Self {
            architecture: arch.get().clone(),
            network,
            standardizer,
            class_names: data.class_names().to_vec(),
            feature_names: data.feature_names().to_vec(),
            history,
        }
    }

    /// Class probabilities for every sample of `data` (raw features; standardised here),
    /// row-major `len × classes`.
    pub fn probabilities(&self, data: &Dataset) -> Result<Vec<f64>, GliaError> {
        check_fit(&self.network, data)?;
        let scaled = self.standardizer.apply(data)?;
        Ok(infer(&self.network, &scaled, false).0)
    }

    /// The most probable class of every sample of `data`.
    pub fn predict(&self, data: &Dataset) -> Result<Vec<usize>, GliaError> {
        Ok(self.probabilities(data)?.chunks_exact(self.network.classes()).map(argmax).collect())
    }

    /// Accuracy, information, cross-entropy, confusion matrix and the energy of one inference
    /// under `energy` on `data` (raw features; standardised here).
    pub fn evaluate(
        &self,
        data: &Dataset,
        energy: &dyn EnergyModel,
    ) -> Result<Evaluation, GliaError> {
        check_fit(&self.network, data)?;
        let scaled = self.standardizer.apply(data)?;
        let (probs, activity) = infer(&self.network, &scaled, true);
        let classes = self.network.classes();
        let confusion = confusion(&scaled, &probs, classes);
        let breakdown = energy.account(&activity);
        let joules = breakdown.total();
        let atp = breakdown.total_atp();
        let info = confusion.mutual_information();
        let per = |x: f64| if x > 0.0 { info.value() / x } else { 0.0 };
        Ok(Evaluation {
            samples: data.len(),
            accuracy: confusion.accuracy(),
            mutual_information: info,
            label_entropy: confusion.label_entropy(),
            cross_entropy: cross_entropy(&scaled, &probs, classes),
            confusion,
            activity,
            energy: breakdown,
            energy_per_inference: joules,
            atp_per_inference: atp,
            bits_per_joule: per(joules.value()),
            bits_per_atp: per(atp.value()),
        })
    }
}

/// The result of k-fold cross-validation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrossValidation {
    /// The held-out evaluation of each fold, in fold order.
    pub folds: Vec<Evaluation>,
    /// Training sample presentations over all folds.
    pub samples_seen: u64,
}

impl CrossValidation {
    /// Mean held-out accuracy.
    #[must_use]
    pub fn mean_accuracy(&self) -> f64 {
        self.folds.iter().map(|f| f.accuracy).sum::<f64>() / self.folds.len().max(1) as f64
    }

    /// Mean held-out mutual information.
    #[must_use]
    pub fn mean_information(&self) -> Bits {
        Bits(
            self.folds.iter().map(|f| f.mutual_information.value()).sum::<f64>()
                / self.folds.len().max(1) as f64,
        )
    }

    /// Mean energy per inference.
    #[must_use]
    pub fn mean_energy(&self) -> Joules {
        Joules(
            self.folds.iter().map(|f| f.energy_per_inference.value()).sum::<f64>()
                / self.folds.len().max(1) as f64,
        )
    }
}

/// Forwards only `advance` to an outer progress (folds share one bar).
struct Shared<'a>(&'a dyn Progress);

impl Progress for Shared<'_> {
    fn start(&self, _total: u64, _label: &str) {}
    fn advance(&self, amount: u64) {
        self.0.advance(amount);
    }
    fn message(&self, _text: &str) {}
    fn finish(&self) {}
}

/// Stratified k-fold cross-validation (seeded; folds trained in parallel, each standardised on
/// its own training part, seeds `glia/cv/fold` `[fold]`) with gradient training.
pub fn cross_validate(
    arch: &ValidArchitecture,
    data: &Dataset,
    config: &ValidTrainConfig,
    folds: usize,
    seed: Seed,
    energy: &dyn EnergyModel,
    progress: &dyn Progress,
) -> Result<CrossValidation, GliaError> {
    progress.start((folds * config.get().epochs) as u64, "cross-validate");
    let out = cross_validate_with(data, folds, seed, energy, progress, &|part, fold_seed, p| {
        train(arch, part, config, fold_seed, p)
    });
    progress.finish();
    out
}

/// A trainer for [`cross_validate_with`]: `(training part, fold seed, progress)` to a network.
pub type FoldTrainer<'a> =
    dyn Fn(&Dataset, Seed, &dyn Progress) -> Result<TrainedNetwork, GliaError> + Sync + 'a;

/// Stratified k-fold cross-validation with any trainer (for example the genetic one); the
/// trainer's progress advances are forwarded to `progress` (which the caller starts).
pub fn cross_validate_with(
    data: &Dataset,
    folds: usize,
    seed: Seed,
    energy: &dyn EnergyModel,
    progress: &dyn Progress,
    trainer: &FoldTrainer<'_>,
) -> Result<CrossValidation, GliaError> {
    let splits = stratified_k_fold(data.labels(), folds, seed)?;
    let shared = Shared(progress);
    let results: Vec<Result<(Evaluation, u64), GliaError>> = splits
        .par_iter()
        .enumerate()
        .map(|(f, split)| {
            let fold_seed = Seed(seed.stream("glia/cv/fold", &[f as u64]).next_u64());
            let trained = trainer(&data.subset(&split.train), fold_seed, &shared)?;
            let eval = trained.evaluate(&data.subset(&split.test), energy)?;
            Ok((eval, trained.history.samples_seen))
        })
        .collect();
    let mut out = CrossValidation { folds: Vec::with_capacity(folds), samples_seen: 0 };
    for r in results {
        let (eval, seen) = r?;
        out.folds.push(eval);
        out.samples_seen += seen;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use dgnn_core::NoProgress;

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
        let (probs, _) = infer(&net.network, &validation, false);
        let again = cross_entropy(&validation, &probs, net.network.classes());
        assert_eq!(again.to_bits(), best.to_bits());
    }
}
