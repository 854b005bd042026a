//! Training jobs: a network, a trainer, optional consolidation and an energy model, turned into
//! a trained network and its figures, on held-out data or by cross-validation.
//!
//! - [`Trainer`] is what sets a network's weights: Adam ([`ValidTrainConfig`]) and the genetic
//!   algorithm (`Valid<GaConfig>`) implement it, and so can a user's own trainer.
//!   [`TrainerChoice`] names one of the two in a config.
//! - [`TrainingJob`] trains (and, if asked, consolidates: [`crate::consolidate()`] with the same
//!   seed), then evaluates on a held-out part ([`TrainingJob::train_and_test`]) or runs seeded
//!   stratified k-fold cross-validation ([`TrainingJob::cross_validate`]). Folds are trained in
//!   parallel, each with its own seed (stream `glia/cv/fold`, `[fold]`) and each standardised on
//!   its own training part, and are reduced in fold order, so the result is bit-identical for
//!   any thread count.
//! - [`CrossValidation::summary`] gives the folds' mean figures and the standard deviation of
//!   their accuracy ([`dgnn_core::RunningMoments`]).

use crate::GliaError;
use crate::arch::ValidArchitecture;
use crate::consolidate::{Consolidation, ConsolidationReport, consolidate_standardized};
use crate::data::{Dataset, Standardized, stratified_k_fold};
use crate::energy::EnergyModel;
use crate::ga::{GaConfig, train_genetic_standardized};
use crate::train::{ValidTrainConfig, train_standardized};
use crate::trained::{ContextEvaluation, Evaluation, TrainedNetwork};
use dgnn_core::{Bits, Joules, ParamError, ParamGuard, Progress, RunningMoments, Seed, Valid};
use rand::Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// A way of setting the weights of a network on training data. Implement it to add a trainer.
pub trait Trainer: Sync {
    /// Builds a network of `architecture` for `data` (a training part standardised on itself,
    /// [`Standardized::fit`]; the network keeps its standardiser) and trains it; every random
    /// choice comes from `seed`.
    ///
    /// # Errors
    /// When the data do not fit the architecture or the network cannot be built.
    fn train_standardized(
        &self,
        architecture: &ValidArchitecture,
        data: &Standardized,
        seed: Seed,
        progress: &dyn Progress,
    ) -> Result<TrainedNetwork, GliaError>;

    /// [`Self::train_standardized`] on raw features, standardised on them first.
    ///
    /// # Errors
    /// As [`Self::train_standardized`].
    fn train(
        &self,
        architecture: &ValidArchitecture,
        data: &Dataset,
        seed: Seed,
        progress: &dyn Progress,
    ) -> Result<TrainedNetwork, GliaError> {
        self.train_standardized(architecture, &Standardized::fit(data), seed, progress)
    }

    /// How many progress steps one training advances (epochs, generations).
    fn progress_steps(&self) -> u64;
}

/// Mini-batch Adam (see [`crate::train()`]).
impl Trainer for ValidTrainConfig {
    fn train_standardized(
        &self,
        architecture: &ValidArchitecture,
        data: &Standardized,
        seed: Seed,
        progress: &dyn Progress,
    ) -> Result<TrainedNetwork, GliaError> {
        train_standardized(architecture, data, self, seed, progress)
    }

    fn progress_steps(&self) -> u64 {
        self.epochs as u64
    }
}

/// The genetic algorithm (see [`crate::train_genetic`]).
impl Trainer for Valid<GaConfig> {
    fn train_standardized(
        &self,
        architecture: &ValidArchitecture,
        data: &Standardized,
        seed: Seed,
        progress: &dyn Progress,
    ) -> Result<TrainedNetwork, GliaError> {
        train_genetic_standardized(architecture, data, self, seed, progress)
    }

    fn progress_steps(&self) -> u64 {
        self.generations as u64
    }
}

/// Which trainer sets the weights, for configs: `Gradient` (Adam with the config's training
/// settings, the default) or `Genetic(…)` with the GA's settings.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub enum TrainerChoice {
    /// Mini-batch Adam with the training settings given beside it.
    #[default]
    Gradient,
    /// The genetic algorithm of the Porto-Pazos comparison.
    Genetic(GaConfig),
}

impl TrainerChoice {
    /// The chosen trainer, checked: Adam with `training`, or the GA with its own settings (a bad
    /// one is named under `trainer`, e.g. `trainer.population`).
    ///
    /// # Errors
    /// The first GA setting that fails its check.
    pub fn check_with(&self, training: &ValidTrainConfig) -> Result<AnyTrainer, ParamError> {
        Ok(match self {
            Self::Gradient => AnyTrainer::Gradient(training.clone()),
            Self::Genetic(ga) => {
                AnyTrainer::Genetic(ga.clone().check().map_err(|e| e.within("trainer"))?)
            }
        })
    }
}

/// A checked [`TrainerChoice`].
#[derive(Debug, Clone, PartialEq)]
pub enum AnyTrainer {
    /// Mini-batch Adam.
    Gradient(ValidTrainConfig),
    /// The genetic algorithm.
    Genetic(Valid<GaConfig>),
}

impl Trainer for AnyTrainer {
    fn train_standardized(
        &self,
        architecture: &ValidArchitecture,
        data: &Standardized,
        seed: Seed,
        progress: &dyn Progress,
    ) -> Result<TrainedNetwork, GliaError> {
        match self {
            Self::Gradient(adam) => adam.train_standardized(architecture, data, seed, progress),
            Self::Genetic(ga) => ga.train_standardized(architecture, data, seed, progress),
        }
    }

    fn progress_steps(&self) -> u64 {
        match self {
            Self::Gradient(adam) => adam.progress_steps(),
            Self::Genetic(ga) => ga.progress_steps(),
        }
    }
}

/// A network, a trainer, optional consolidation and an energy model (module docs).
///
/// ```
/// use dgnn_glia::{Architecture, BiologicalEnergy, Dataset, NoProgress, ParamGuard, Seed};
/// use dgnn_glia::{TrainConfig, TrainingJob};
/// let data = Dataset::builtin("iris")?;
/// let arch = Architecture::plain(&[8]).check()?;
/// let adam = TrainConfig { epochs: 40, batch_size: 16, learning_rate: 0.01, ..TrainConfig::default() }
///     .check()?;
/// let energy = BiologicalEnergy::default().check()?;
/// let cv = TrainingJob::new(&arch, &adam, &energy).cross_validate(&data, 3, Seed(1), &NoProgress)?;
/// assert_eq!(cv.folds.len(), 3);
/// assert!(cv.summary().mean_accuracy > 0.8);
/// # Ok::<(), dgnn_glia::GliaError>(())
/// ```
#[derive(Clone, Copy)]
pub struct TrainingJob<'a> {
    architecture: &'a ValidArchitecture,
    trainer: &'a dyn Trainer,
    energy: &'a dyn EnergyModel,
    consolidation: Option<&'a Valid<Consolidation>>,
}

/// A trained (and perhaps consolidated) network.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainedJob {
    /// The network.
    pub network: TrainedNetwork,
    /// What consolidation did, when the job consolidates.
    pub consolidation: Option<ConsolidationReport>,
}

/// A network trained on one part of the data and evaluated on both parts.
#[derive(Debug, Clone, PartialEq)]
pub struct HeldOutResult {
    /// The network.
    pub network: TrainedNetwork,
    /// What consolidation did, when the job consolidates.
    pub consolidation: Option<ConsolidationReport>,
    /// Its evaluation on the held-out part.
    pub test: Evaluation,
    /// Its evaluation on the training part.
    pub train: Evaluation,
    /// Its evaluation on the held-out samples of each context
    /// ([`TrainedNetwork::evaluate_by_context`]; empty for single-context data).
    pub test_by_context: Vec<ContextEvaluation>,
}

impl<'a> TrainingJob<'a> {
    /// A job that trains networks of `architecture` with `trainer` and prices their inferences
    /// with `energy`.
    #[must_use]
    pub fn new(
        architecture: &'a ValidArchitecture,
        trainer: &'a dyn Trainer,
        energy: &'a dyn EnergyModel,
    ) -> Self {
        Self { architecture, trainer, energy, consolidation: None }
    }

    /// The same job, consolidating every trained network with `consolidation` (none for
    /// `None`).
    #[must_use]
    pub fn with_consolidation(self, consolidation: Option<&'a Valid<Consolidation>>) -> Self {
        Self { consolidation, ..self }
    }

    /// How many progress steps one training (and consolidation) advances.
    #[must_use]
    pub fn progress_steps(&self) -> u64 {
        self.trainer.progress_steps() + self.consolidation.map_or(0, |c| c.fine_tune_epochs as u64)
    }

    /// Trains on `data` and consolidates on the same data with the same seed, if asked.
    ///
    /// # Errors
    /// When the data do not fit the architecture or the network cannot be built.
    pub fn train(
        &self,
        data: &Dataset,
        seed: Seed,
        progress: &dyn Progress,
    ) -> Result<TrainedJob, GliaError> {
        self.train_standardized(&Standardized::fit(data), seed, progress)
    }

    /// [`Self::train`] on a training part standardised once ([`Standardized::fit`]): what a
    /// caller that trains many networks on the same part uses.
    ///
    /// # Errors
    /// As [`Self::train`].
    pub fn train_standardized(
        &self,
        data: &Standardized,
        seed: Seed,
        progress: &dyn Progress,
    ) -> Result<TrainedJob, GliaError> {
        let network = self.trainer.train_standardized(self.architecture, data, seed, progress)?;
        let Some(settings) = self.consolidation else {
            return Ok(TrainedJob { network, consolidation: None });
        };
        progress.message("consolidating");
        let (network, report) =
            consolidate_standardized(&network, data, settings, self.energy, seed, progress)?;
        Ok(TrainedJob { network, consolidation: Some(report) })
    }

    /// Trains on `train_part` ([`Self::train`]) and evaluates on `test_part`, on `train_part`,
    /// and on each context of `test_part`.
    ///
    /// # Errors
    /// As [`Self::train`], or when the test part does not fit the network.
    pub fn train_and_test(
        &self,
        train_part: &Dataset,
        test_part: &Dataset,
        seed: Seed,
        progress: &dyn Progress,
    ) -> Result<HeldOutResult, GliaError> {
        let TrainedJob { network, consolidation } = self.train(train_part, seed, progress)?;
        Ok(HeldOutResult {
            test: network.evaluate(test_part, self.energy)?,
            train: network.evaluate(train_part, self.energy)?,
            test_by_context: network.evaluate_by_context(test_part, self.energy)?,
            network,
            consolidation,
        })
    }

    /// Seeded stratified `folds`-fold cross-validation of the whole job on `data` (module
    /// docs). `progress` counts [`Self::progress_steps`] per fold.
    ///
    /// # Errors
    /// Fewer than 2 folds, a class with fewer samples than folds, or a fold that fails to train.
    pub fn cross_validate(
        &self,
        data: &Dataset,
        folds: usize,
        seed: Seed,
        progress: &dyn Progress,
    ) -> Result<CrossValidation, GliaError> {
        let splits = stratified_k_fold(data.labels(), folds, seed)?;
        progress.start(folds as u64 * self.progress_steps(), "cross-validate");
        let bar = AdvancesOnly(progress);
        let results: Vec<Result<(Evaluation, u64), GliaError>> = splits
            .par_iter()
            .enumerate()
            .map(|(f, split)| {
                let fold_seed = Seed(seed.stream("glia/cv/fold", &[f as u64]).next_u64());
                let trained = self.train(&data.subset(&split.train), fold_seed, &bar)?.network;
                let eval = trained.evaluate(&data.subset(&split.test), self.energy)?;
                Ok((eval, trained.history.samples_seen))
            })
            .collect();
        progress.finish();
        let mut out = CrossValidation { folds: Vec::with_capacity(folds), samples_seen: 0 };
        for r in results {
            let (eval, seen) = r?;
            out.folds.push(eval);
            out.samples_seen += seen;
        }
        Ok(out)
    }
}

/// Stratified k-fold cross-validation with gradient training: [`TrainingJob::cross_validate`]
/// of `architecture` trained by Adam with `config`.
///
/// # Errors
/// As [`TrainingJob::cross_validate`].
pub fn cross_validate(
    architecture: &ValidArchitecture,
    data: &Dataset,
    config: &ValidTrainConfig,
    folds: usize,
    seed: Seed,
    energy: &dyn EnergyModel,
    progress: &dyn Progress,
) -> Result<CrossValidation, GliaError> {
    TrainingJob::new(architecture, config, energy).cross_validate(data, folds, seed, progress)
}

/// Passes only `advance` on to a progress bar that the folds share (their trainers' own
/// starts, messages and finishes would fight over it).
struct AdvancesOnly<'a>(&'a dyn Progress);

impl Progress for AdvancesOnly<'_> {
    fn start(&self, _total: u64, _label: &str) {}
    fn advance(&self, amount: u64) {
        self.0.advance(amount);
    }
    fn message(&self, _text: &str) {}
    fn finish(&self) {}
}

/// The result of k-fold cross-validation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrossValidation {
    /// The held-out evaluation of each fold, in fold order.
    pub folds: Vec<Evaluation>,
    /// Training sample presentations over all folds.
    pub samples_seen: u64,
}

/// The folds' mean held-out figures and the spread of their accuracy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrossValidationSummary {
    /// Number of folds.
    pub folds: usize,
    /// Mean held-out accuracy.
    pub mean_accuracy: f64,
    /// Sample standard deviation of the folds' accuracies (NaN for one fold).
    pub sd_accuracy: f64,
    /// Mean held-out `I(Y; Ŷ)` in bits.
    pub mean_information_bits: f64,
    /// Mean energy of one inference, joules.
    pub mean_energy_per_inference_joules: f64,
    /// Mean energy of one inference, ATP.
    pub mean_atp_per_inference: f64,
}

impl CrossValidation {
    /// The moments of one figure over the folds. With a handful of folds both sums are taken
    /// exactly in two passes (mean = Σx/n, then m2 = Σ(x − mean)²) rather than updated one
    /// fold at a time; [`RunningMoments`] then gives their spread (`std_dev`, `standard_error`)
    /// and merges with other runs.
    #[must_use]
    pub fn moments(&self, figure: impl Fn(&Evaluation) -> f64) -> RunningMoments {
        let values: Vec<f64> = self.folds.iter().map(figure).collect();
        let mean = values.iter().sum::<f64>() / values.len().max(1) as f64;
        let m2 = values.iter().map(|x| (x - mean).powi(2)).sum();
        RunningMoments { count: values.len() as u64, mean, m2 }
    }

    /// The mean of one figure over the folds (0 for no folds).
    #[must_use]
    pub fn mean(&self, figure: impl Fn(&Evaluation) -> f64) -> f64 {
        self.moments(figure).mean
    }

    /// Mean held-out accuracy.
    #[must_use]
    pub fn mean_accuracy(&self) -> f64 {
        self.mean(|f| f.accuracy)
    }

    /// Mean held-out mutual information.
    #[must_use]
    pub fn mean_information(&self) -> Bits {
        Bits(self.mean(|f| f.mutual_information.value()))
    }

    /// Mean energy per inference.
    #[must_use]
    pub fn mean_energy(&self) -> Joules {
        Joules(self.mean(|f| f.energy_per_inference.value()))
    }

    /// The folds' mean figures and the spread of their accuracy.
    #[must_use]
    pub fn summary(&self) -> CrossValidationSummary {
        CrossValidationSummary {
            folds: self.folds.len(),
            mean_accuracy: self.mean_accuracy(),
            sd_accuracy: self.moments(|f| f.accuracy).std_dev(),
            mean_information_bits: self.mean_information().value(),
            mean_energy_per_inference_joules: self.mean_energy().value(),
            mean_atp_per_inference: self.mean(|f| f.atp_per_inference.value()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arch::Architecture;
    use crate::consolidate::consolidate;
    use crate::data::stratified_split;
    use crate::energy::HardwareEnergy;
    use crate::train::{TrainConfig, train};
    use dgnn_core::NoProgress;

    fn short_adam() -> ValidTrainConfig {
        TrainConfig { epochs: 20, batch_size: 16, learning_rate: 0.02, ..TrainConfig::default() }
            .check()
            .unwrap()
    }

    #[test]
    fn a_job_trains_as_its_trainer_and_consolidates_with_the_same_seed() {
        // Without consolidation a job's network is the trainer's, bit for bit; with it, the
        // network is `consolidate` of that network on the same data with the same seed.
        let data = Dataset::builtin("iris").unwrap();
        let arch = Architecture::plain(&[6]).check().unwrap();
        let adam = short_adam();
        let energy = HardwareEnergy::default().check().unwrap();
        let plain = TrainingJob::new(&arch, &adam, &energy).train(&data, Seed(3), &NoProgress);
        let direct = train(&arch, &data, &adam, Seed(3), &NoProgress).unwrap();
        assert_eq!(plain.unwrap(), TrainedJob { network: direct.clone(), consolidation: None });
        let settings = Consolidation { fine_tune_epochs: 3, ..Consolidation::default() };
        let settings = settings.check().unwrap();
        let job = TrainingJob::new(&arch, &adam, &energy).with_consolidation(Some(&settings));
        assert_eq!(job.progress_steps(), 20 + 3);
        let consolidated = job.train(&data, Seed(3), &NoProgress).unwrap();
        let (network, report) =
            consolidate(&direct, &data, &settings, &energy, Seed(3), &NoProgress).unwrap();
        assert_eq!(consolidated, TrainedJob { network, consolidation: Some(report) });
    }

    #[test]
    fn the_trainer_choice_names_a_bad_ga_setting_under_trainer() {
        let adam = short_adam();
        let choice = TrainerChoice::Genetic(GaConfig { population: 2, ..GaConfig::default() });
        assert_eq!(choice.check_with(&adam).unwrap_err().field, "trainer.population");
        let gradient = TrainerChoice::Gradient.check_with(&adam).unwrap();
        assert_eq!(gradient, AnyTrainer::Gradient(adam.clone()));
        assert_eq!(gradient.progress_steps(), 20);
        let ga = TrainerChoice::Genetic(GaConfig { generations: 7, ..GaConfig::default() });
        assert_eq!(ga.check_with(&adam).unwrap().progress_steps(), 7);
    }

    #[test]
    fn held_out_figures_are_the_networks_evaluations() {
        // `train_and_test` evaluates the network it returns, on each part and each context.
        let data = Dataset::two_conflicting_tasks(40).unwrap();
        let split = stratified_split(data.labels(), 0.25, Seed(1)).unwrap();
        let (train_part, test_part) = (data.subset(&split.train), data.subset(&split.test));
        let arch = Architecture {
            phase: Some(crate::PhaseLayer { contexts: 2, ..crate::PhaseLayer::default() }),
            ..Architecture::plain(&[8])
        }
        .check()
        .unwrap();
        let adam = short_adam();
        let energy = HardwareEnergy::default().check().unwrap();
        let job = TrainingJob::new(&arch, &adam, &energy);
        let out = job.train_and_test(&train_part, &test_part, Seed(2), &NoProgress).unwrap();
        assert_eq!(out.test, out.network.evaluate(&test_part, &energy).unwrap());
        assert_eq!(out.train, out.network.evaluate(&train_part, &energy).unwrap());
        assert_eq!(out.test_by_context.len(), 2);
        let samples: usize = out.test_by_context.iter().map(ContextEvaluation::samples).sum();
        assert_eq!(samples, test_part.len());
    }

    #[test]
    fn the_summary_is_the_folds_mean_and_sample_spread() {
        // Hand-made folds with accuracies 0.5, 0.75, 1.0: mean 0.75, sample sd 0.25.
        let data = Dataset::builtin("iris").unwrap();
        let arch = Architecture::plain(&[3]).check().unwrap();
        let adam = TrainConfig { epochs: 1, ..TrainConfig::default() }.check().unwrap();
        let energy = HardwareEnergy::default().check().unwrap();
        let net = train(&arch, &data, &adam, Seed(1), &NoProgress).unwrap();
        let eval = net.evaluate(&data, &energy).unwrap();
        let folds = [0.5, 0.75, 1.0]
            .iter()
            .map(|&accuracy| Evaluation { accuracy, ..eval.clone() })
            .collect();
        let summary = CrossValidation { folds, samples_seen: 0 }.summary();
        assert_eq!(summary.folds, 3);
        assert!((summary.mean_accuracy - 0.75).abs() < 1e-15);
        assert!((summary.sd_accuracy - 0.25).abs() < 1e-15);
        assert!(
            (summary.mean_atp_per_inference - eval.atp_per_inference.value()).abs()
                <= 1e-12 * eval.atp_per_inference.value()
        );
    }
}
