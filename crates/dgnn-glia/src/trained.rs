//! A trained network and what it knows and costs on data: predictions, the [`Evaluation`] of a
//! data set, and the evaluation of each context (task) of multitask data.
//!
//! A [`TrainedNetwork`] carries the standardisation fitted on its training data and applies it
//! to whatever it is given, so callers always hand over raw features. Inference runs one context
//! at a time in chunks of at most 256 samples; energies are per inference and information is
//! per sample (the plug-in estimate of [`crate::info`]).

use crate::GliaError;
use crate::arch::{Architecture, ValidArchitecture};
use crate::data::{Dataset, Standardized, Standardizer};
use crate::energy::{EnergyBreakdown, EnergyModel};
use crate::info::ConfusionMatrix;
use crate::network::{ActivityReport, Network, Workspace};
use crate::train::History;
use dgnn_core::{Atp, Bits, Joules};
use serde::{Deserialize, Serialize};

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

/// The evaluation of the samples of one context (task) of multitask data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContextEvaluation {
    /// The context id.
    pub context: usize,
    /// The evaluation of its samples; `None` when the data hold none of them (nothing to
    /// measure: its figures are reported as missing, never skipped).
    pub evaluation: Option<Evaluation>,
}

impl ContextEvaluation {
    /// Samples of this context (0 when it has none).
    #[must_use]
    pub fn samples(&self) -> usize {
        self.evaluation.as_ref().map_or(0, |e| e.samples)
    }

    /// Their accuracy (NaN when the context has no samples).
    #[must_use]
    pub fn accuracy(&self) -> f64 {
        self.evaluation.as_ref().map_or(f64::NAN, |e| e.accuracy)
    }

    /// Their `I(Y; Ŷ)` (NaN bits when the context has no samples).
    #[must_use]
    pub fn mutual_information(&self) -> Bits {
        self.evaluation.as_ref().map_or(Bits(f64::NAN), |e| e.mutual_information)
    }
}

/// Checks that a data set fits a network: its feature columns, its classes and its contexts.
pub(crate) fn check_fit(net: &Network, data: &Dataset) -> Result<(), GliaError> {
    if data.n_features() != net.inputs() {
        return Err(GliaError::Shape {
            subject: format!("data set `{}`", data.name()),
            what: "feature columns",
            found: data.n_features(),
            expected_from: "the network's `inputs`".into(),
            expected: net.inputs(),
        });
    }
    if data.n_classes() != net.classes() {
        return Err(GliaError::Shape {
            subject: format!("data set `{}`", data.name()),
            what: "classes",
            found: data.n_classes(),
            expected_from: "the network's `classes`".into(),
            expected: net.classes(),
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

/// The index of the largest value (the first of equals).
pub(crate) fn argmax(p: &[f64]) -> usize {
    let Some(&first) = p.first() else { return 0 };
    let (mut best, mut top) = (0, first);
    for (i, &v) in p.iter().enumerate() {
        // Selects rather than a branch: which class wins is data, not a pattern to predict.
        let higher = v > top;
        best = if higher { i } else { best };
        top = if higher { v } else { top };
    }
    best
}

/// The class probabilities of every sample of standardised `data` (`len × classes`, in sample
/// order).
pub(crate) fn infer(net: &Network, data: &Dataset) -> Vec<f64> {
    let mut probs = vec![0.0; data.len() * net.classes()];
    forward_by_context(net, data, INFERENCE_CHUNK, None, |chunk, ws| {
        copy_probabilities(net, chunk, ws, &mut probs);
    });
    probs
}

/// The class probabilities of every sample of standardised `data`, and the mean activity of one
/// inference.
pub(crate) fn infer_with_activity(net: &Network, data: &Dataset) -> (Vec<f64>, ActivityReport) {
    let mut probs = vec![0.0; data.len() * net.classes()];
    let mut report = net.empty_report();
    forward_by_context(net, data, INFERENCE_CHUNK, Some(&mut report), |chunk, ws| {
        copy_probabilities(net, chunk, ws, &mut probs);
    });
    report.average_over(data.len());
    (probs, report)
}

/// Samples per forward pass of inference.
const INFERENCE_CHUNK: usize = 256;

/// Copies the probabilities of the chunk just passed into the rows of its samples.
fn copy_probabilities(net: &Network, chunk: &[usize], ws: &Workspace, probs: &mut [f64]) {
    let classes = net.classes();
    let p = ws.probabilities(chunk.len());
    for (s, &i) in chunk.iter().enumerate() {
        probs[i * classes..(i + 1) * classes].copy_from_slice(&p[s * classes..(s + 1) * classes]);
    }
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
            ws.load_batch(data, part);
            net.forward(&mut ws, part.len(), c, stats.as_deref_mut());
            visit(part, &ws);
        }
    }
}

/// The confusion matrix of the most probable classes.
pub(crate) fn confusion(data: &Dataset, probs: &[f64], classes: usize) -> ConfusionMatrix {
    let predicted: Vec<usize> = probs.chunks_exact(classes).map(argmax).collect();
    ConfusionMatrix::from_labels(data.labels(), &predicted, classes)
}

/// The mean cross-entropy of the true labels, in nats.
pub(crate) fn cross_entropy(data: &Dataset, probs: &[f64], classes: usize) -> f64 {
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
            architecture: Architecture::clone(arch),
            network,
            standardizer,
            class_names: data.class_names().to_vec(),
            feature_names: data.feature_names().to_vec(),
            history,
        }
    }

    /// How many numbers its training learned ([`crate::Learn::learned_parameters`] of the mode
    /// in its history).
    #[must_use]
    pub fn learned_parameters(&self) -> usize {
        self.history.learned.learned_parameters(&self.network)
    }

    /// Class probabilities for every sample of `data` (raw features; standardised here),
    /// row-major `len × classes`.
    pub fn probabilities(&self, data: &Dataset) -> Result<Vec<f64>, GliaError> {
        check_fit(&self.network, data)?;
        let scaled = self.standardizer.apply(data)?;
        Ok(infer(&self.network, &scaled))
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
        self.evaluate_standardized(&Standardized::with(&self.standardizer, data)?, energy)
    }

    /// [`Self::evaluate`] on data already standardised by this network's standardiser (a
    /// held-out part standardised once for many networks trained on the same training part).
    ///
    /// # Errors
    /// [`GliaError::Data`] when `data` went through another standardiser; as
    /// [`Self::evaluate`] otherwise.
    pub fn evaluate_standardized(
        &self,
        data: &Standardized,
        energy: &dyn EnergyModel,
    ) -> Result<Evaluation, GliaError> {
        let scaled = data.data();
        check_fit(&self.network, scaled)?;
        if data.standardizer() != &self.standardizer {
            return Err(GliaError::Data {
                name: scaled.name().into(),
                problem: "was standardised with another standardiser than the network's (that \
                          of another training part): standardise the raw rows with the \
                          network's own"
                    .into(),
            });
        }
        let (probs, activity) = infer_with_activity(&self.network, scaled);
        let classes = self.network.classes();
        let confusion = confusion(scaled, &probs, classes);
        let breakdown = energy.account(&activity);
        let joules = breakdown.total();
        let atp = breakdown.total_atp();
        let info = confusion.mutual_information();
        let per = |x: f64| if x > 0.0 { info.value() / x } else { 0.0 };
        Ok(Evaluation {
            samples: scaled.len(),
            accuracy: confusion.accuracy(),
            mutual_information: info,
            label_entropy: confusion.label_entropy(),
            cross_entropy: cross_entropy(scaled, &probs, classes),
            confusion,
            activity,
            energy: breakdown,
            energy_per_inference: joules,
            atp_per_inference: atp,
            bits_per_joule: per(joules.value()),
            bits_per_atp: per(atp.value()),
        })
    }

    /// The evaluation of each context (task) of multitask `data`, in context order.
    ///
    /// Every context of the data set is listed, including one of which `data` holds no sample
    /// (its `evaluation` is `None`: it is reported as missing, not left out, so the list always
    /// lines up with the context ids). Data with a single context give an empty list: their
    /// evaluation is [`Self::evaluate`]'s.
    pub fn evaluate_by_context(
        &self,
        data: &Dataset,
        energy: &dyn EnergyModel,
    ) -> Result<Vec<ContextEvaluation>, GliaError> {
        if data.n_contexts() == 1 {
            return Ok(Vec::new());
        }
        (0..data.n_contexts())
            .map(|context| {
                let rows = data.context_members(context);
                let evaluation = if rows.is_empty() {
                    None
                } else {
                    Some(self.evaluate(&data.subset(&rows), energy)?)
                };
                Ok(ContextEvaluation { context, evaluation })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::energy::HardwareEnergy;
    use crate::train::{TrainConfig, train};
    use dgnn_core::{NoProgress, ParamGuard, Seed};

    #[test]
    fn every_context_is_listed_and_an_empty_one_has_no_figures() {
        // Three contexts; the evaluated part holds none of context 1. The list still has three
        // entries in context order: contexts 0 and 2 are exactly the evaluations of their
        // samples, context 1 has no evaluation (0 samples, NaN accuracy), never a shifted list.
        let base = Dataset::builtin("iris").unwrap();
        let contexts: Vec<usize> = (0..base.len()).map(|i| i % 3).collect();
        let data = base.with_contexts(contexts).unwrap();
        let arch = Architecture {
            phase: Some(crate::PhaseLayer { contexts: 3, ..crate::PhaseLayer::default() }),
            ..Architecture::plain(&[5])
        }
        .check()
        .unwrap();
        let config = TrainConfig { epochs: 5, ..TrainConfig::default() }.check().unwrap();
        let net = train(&arch, &data, &config, Seed(4), &NoProgress).unwrap();
        let energy = HardwareEnergy::default().check().unwrap();
        let rows: Vec<usize> = (0..data.len()).filter(|i| i % 3 != 1).collect();
        let part = data.subset(&rows);
        let by_context = net.evaluate_by_context(&part, &energy).unwrap();
        assert_eq!(by_context.iter().map(|c| c.context).collect::<Vec<_>>(), [0, 1, 2]);
        assert!(by_context[1].evaluation.is_none());
        assert_eq!(by_context[1].samples(), 0);
        assert!(by_context[1].accuracy().is_nan());
        assert!(by_context[1].mutual_information().value().is_nan());
        for c in [0, 2] {
            let alone = part.subset(&part.context_members(c));
            let expected = net.evaluate(&alone, &energy).unwrap();
            assert_eq!(by_context[c].evaluation.as_ref(), Some(&expected));
            assert_eq!(by_context[c].samples(), 50);
        }
        // One context: the overall evaluation is that context's, so the list is empty.
        let plain = Architecture::plain(&[5]).check().unwrap();
        let single = train(&plain, &base_iris(), &config, Seed(4), &NoProgress).unwrap();
        assert!(single.evaluate_by_context(&base_iris(), &energy).unwrap().is_empty());
    }

    #[test]
    fn standardised_once_gives_the_raw_figures_and_refuses_a_foreign_standardiser() {
        // Training on a part standardised once and evaluating a held-out part standardised by
        // the network's standardiser are the raw paths without their copies: equal to the bit.
        let data = Dataset::builtin("wine").unwrap();
        let split = crate::data::stratified_split(data.labels(), 0.3, Seed(1)).unwrap();
        let (train_part, test_part) = (data.subset(&split.train), data.subset(&split.test));
        let arch = Architecture::plain(&[6]).check().unwrap();
        let config = TrainConfig { epochs: 5, ..TrainConfig::default() }.check().unwrap();
        let raw = train(&arch, &train_part, &config, Seed(2), &NoProgress).unwrap();
        let once = Standardized::fit(&train_part);
        let net =
            crate::train::train_standardized(&arch, &once, &config, Seed(2), &NoProgress).unwrap();
        assert_eq!(net, raw);
        let energy = HardwareEnergy::default().check().unwrap();
        let held_out = Standardized::with(&net.standardizer, &test_part).unwrap();
        let expected = raw.evaluate(&test_part, &energy).unwrap();
        assert_eq!(net.evaluate_standardized(&held_out, &energy).unwrap(), expected);
        // Rows standardised on themselves are not what this network expects.
        let foreign = Standardized::fit(&test_part);
        let err = net.evaluate_standardized(&foreign, &energy).unwrap_err().to_string();
        assert!(err.contains("another standardiser"), "{err}");
    }

    fn base_iris() -> Dataset {
        Dataset::builtin("iris").unwrap()
    }

    #[test]
    fn a_data_set_that_does_not_fit_is_refused_by_name() {
        let iris = base_iris();
        let arch = Architecture::plain(&[3]).check().unwrap();
        let config = TrainConfig { epochs: 1, ..TrainConfig::default() }.check().unwrap();
        let net = train(&arch, &iris, &config, Seed(1), &NoProgress).unwrap();
        let wine = Dataset::builtin("wine").unwrap();
        let err = net.predict(&wine).unwrap_err().to_string();
        assert_eq!(err, "data set `wine` has 13 feature columns, but the network's `inputs` is 4");
    }
}
