//! Performance estimation: data splits, training budgets at two fidelities, and the
//! [`Measurement`] of a trained network.
//!
//! The data are split once per search, stratified and seeded ([`Splits`]): a *test* part
//! (`test_fraction`) that the search never sees — only the final front is measured on it — and,
//! of the rest, a *validation* part (`validation_fraction`) on which every objective is measured,
//! the remainder being the *training* part. A *low-fidelity* estimate trains for few epochs on a
//! stratified subset of the training part (the cheap proxy of Elsken, Metzen & Hutter 2019,
//! §5: lower-fidelity estimates by fewer epochs and less data); full fidelity trains on the whole
//! training part with the full budget. Both measure on the whole validation part.
//!
//! A measurement records accuracy, `I(Y; Ŷ)` and `H(Y)` in bits (dgnn-glia's plug-in estimate
//! from the confusion matrix), the energy of one inference under the search's energy model (ATP
//! and joules, with its breakdown by category), the 45 nm hardware energy of the same inference
//! (Horowitz 2014) and `log₂` of the number of attractors of the phase layer.

use crate::error::NasError;
use crate::genome::DgnnGenome;
use crate::objective::EnergyUnit;
use dgnn_core::error::{at_least, in_range};
use dgnn_core::{NoProgress, ParamError, ParamGuard, Seed, Valid};
use dgnn_glia::data::stratified_split;
use dgnn_glia::{
    Consolidation, Dataset, EarlyStopping, EnergyCategory, EnergyChoice, EnergyModel,
    HardwareEnergy, Standardized, TrainConfig, TrainedNetwork, TrainingJob, ValidTrainConfig,
};
use rand::Rng;
use serde::{Deserialize, Serialize};

/// The fewest rows a row cap may allow: enough for every class of a typical table to appear.
pub const MIN_CAPPED_ROWS: usize = 100;

/// The cheap estimate (RON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LowFidelity {
    /// Training epochs (default 10; ≥ 1).
    pub epochs: usize,
    /// Share of the training part used, stratified (default 0.5; in (0, 1]).
    pub subset: f64,
    /// The most rows of that share (a stratified subset of them; default 5 000, `None`: no
    /// cap): on large data the cheap estimate stays cheap (issue 15).
    pub max_rows: Option<usize>,
}

impl Default for LowFidelity {
    fn default() -> Self {
        Self { epochs: 10, subset: 0.5, max_rows: Some(5_000) }
    }
}

/// How genomes are trained and measured (RON; every field optional).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EstimationConfig {
    /// Share of each class held out as the test part, never seen by the search (default 0.2;
    /// in (0, 0.5]).
    pub test_fraction: f64,
    /// Share of each class of the remainder used for validation: the objectives are measured
    /// there (default 0.25; in (0, 0.5]).
    pub validation_fraction: f64,
    /// The most rows of the training part every network is trained on, a stratified subset
    /// (default 20 000; `None`: all). On the bundled data sets it never binds; on a table of a
    /// million rows it keeps each training to a budget that a search of thousands of networks
    /// can afford (issue 15).
    pub max_training_rows: Option<usize>,
    /// The most rows of the validation part the objectives are measured on, a stratified
    /// subset (default 10 000, an accuracy standard error below 0.5 points; `None`: all). The
    /// test part, used only for the final front, is never capped.
    pub max_validation_rows: Option<usize>,
    /// Full-fidelity training (dgnn-glia's `TrainConfig`; default 60 epochs, batch 32,
    /// learning rate 0.01, L2 1e-4, no early stopping). A field left out takes this default,
    /// not dgnn-glia's (whose learning rate is 1e-3): `training: (epochs: 40)` keeps 0.01.
    #[serde(deserialize_with = "search_training")]
    pub training: TrainConfig,
    /// The low-fidelity estimate every genome gets first; `None` trains every genome at full
    /// fidelity (default: 10 epochs on half of the training part, at most 5 000 rows).
    pub low_fidelity: Option<LowFidelity>,
    /// Share of each evaluated batch promoted from low to full fidelity: the best by
    /// constrained non-dominated rank, then crowding distance (default 0.3; in (0, 1]).
    pub promote_fraction: f64,
    /// The energy model: `biological(…)` (ATP, Attwell & Laughlin 2001; the default) or
    /// `hardware(…)` (45 nm, Horowitz 2014), with dgnn-glia's parameters and defaults.
    pub energy: EnergyChoice,
    /// Glial pruning of every searched network after its training (default none): dgnn-glia's
    /// consolidation removes the least-used `prune_fraction` of its synapses (and, with an
    /// energy budget, more down to it) and fine-tunes the rest, as astrocytes and microglia
    /// eliminate little-used synapses in development (Chung et al. 2013, Nature 504:394;
    /// Schafer et al. 2012, Neuron 74:691). A low-fidelity estimate fine-tunes for at most its
    /// own epochs. The baseline MLP is never pruned: it stays the fixed reference of relative
    /// budgets and energy ratios.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pruning: Option<Consolidation>,
    /// A decline of the glial energy supply late in the run (default none): from generation
    /// `from_generation` on, every network's supply per astrocyte is `factor` times its gene,
    /// as astrocytic metabolic support declines in neurodegeneration (Bélanger, Allaman &
    /// Magistretti 2011, Cell Metab 14:724). The engine then re-evaluates the population under
    /// the declined supply (`dgnn_evo::Problem::regime`). Networks without a supply limit are
    /// not affected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub supply_decline: Option<SupplyDecline>,
}

/// A decline of the astrocytes' energy supply from a generation on (RON:
/// `supply_decline: (factor: 0.5, from_generation: 20)`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SupplyDecline {
    /// The share of the supply left (in (0, 1]).
    pub factor: f64,
    /// The first generation with the declined supply (≥ 1: generation 0 is the initial
    /// population, whose genes are its own).
    pub from_generation: u64,
}

impl SupplyDecline {
    /// The regime of generation `generation`: 0 before the decline, 1 from it on.
    #[must_use]
    pub fn regime(&self, generation: u64) -> u64 {
        u64::from(generation >= self.from_generation)
    }

    /// The network a genome builds in generation `generation`: its supply scaled by `factor`
    /// once the decline has begun.
    #[must_use]
    pub fn phenotype(&self, genome: &DgnnGenome, generation: u64) -> DgnnGenome {
        let mut phenotype = genome.clone();
        if self.regime(generation) == 1
            && let Some(supply) = &mut phenotype.0.supply_per_astrocyte
        {
            *supply *= self.factor;
        }
        phenotype
    }
}

impl Default for EstimationConfig {
    fn default() -> Self {
        Self {
            test_fraction: 0.2,
            validation_fraction: 0.25,
            max_training_rows: Some(20_000),
            max_validation_rows: Some(10_000),
            training: TrainConfig {
                epochs: 60,
                batch_size: 32,
                learning_rate: 0.01,
                l2: 1e-4,
                early_stopping: None,
                sample_budget: None,
                ..TrainConfig::default()
            },
            low_fidelity: Some(LowFidelity::default()),
            promote_fraction: 0.3,
            energy: EnergyChoice::default(),
            pruning: None,
            supply_decline: None,
        }
    }
}

/// `estimation.training` as written: the fields of dgnn-glia's `TrainConfig`, each optional
/// with the search's default (the same RON shape, with or without `implicit_some`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SearchTraining {
    #[serde(default = "search_epochs")]
    epochs: usize,
    #[serde(default = "search_batch_size")]
    batch_size: usize,
    #[serde(default = "search_learning_rate")]
    learning_rate: f64,
    #[serde(default = "search_l2")]
    l2: f64,
    #[serde(default)]
    early_stopping: Option<EarlyStopping>,
    #[serde(default)]
    sample_budget: Option<u64>,
}

fn search_epochs() -> usize {
    EstimationConfig::default().training.epochs
}
fn search_batch_size() -> usize {
    EstimationConfig::default().training.batch_size
}
fn search_learning_rate() -> f64 {
    EstimationConfig::default().training.learning_rate
}
fn search_l2() -> f64 {
    EstimationConfig::default().training.l2
}

/// Reads `estimation.training`, filling the fields left out from the search's default
/// training (not from dgnn-glia's).
fn search_training<'de, D: serde::Deserializer<'de>>(d: D) -> Result<TrainConfig, D::Error> {
    let t = SearchTraining::deserialize(d)?;
    Ok(TrainConfig {
        epochs: t.epochs,
        batch_size: t.batch_size,
        learning_rate: t.learning_rate,
        l2: t.l2,
        early_stopping: t.early_stopping,
        sample_budget: t.sample_budget,
        ..TrainConfig::default()
    })
}

impl ParamGuard for EstimationConfig {
    type Checked = Estimation;

    /// Checks every field; errors name the field (`estimation.training.epochs`).
    fn check(self) -> Result<Estimation, ParamError> {
        let within = |e: ParamError| e.within("estimation");
        in_range("test_fraction", self.test_fraction, 1e-6, 0.5).map_err(within)?;
        in_range("validation_fraction", self.validation_fraction, 1e-6, 0.5).map_err(within)?;
        in_range("promote_fraction", self.promote_fraction, 1e-6, 1.0).map_err(within)?;
        for (field, cap) in [
            ("max_training_rows", self.max_training_rows),
            ("max_validation_rows", self.max_validation_rows),
        ] {
            if let Some(rows) = cap {
                at_least(field, rows, MIN_CAPPED_ROWS).map_err(within)?;
            }
        }
        let full = self.training.clone().check().map_err(|e| e.within("estimation.training"))?;
        let energy = self.energy.clone().check().map_err(|e| e.within("estimation.energy"))?;
        let low = match &self.low_fidelity {
            None => None,
            Some(low) => {
                let within = |e: ParamError| e.within("estimation.low_fidelity");
                in_range("subset", low.subset, 1e-6, 1.0).map_err(within)?;
                if let Some(rows) = low.max_rows {
                    at_least("max_rows", rows, MIN_CAPPED_ROWS).map_err(within)?;
                }
                let config = TrainConfig { epochs: low.epochs, ..self.training.clone() }
                    .check()
                    .map_err(within)?;
                Some((config, low.subset))
            }
        };
        if let Some(decline) = &self.supply_decline {
            let within = |e: ParamError| e.within("estimation.supply_decline");
            in_range("factor", decline.factor, 1e-6, 1.0).map_err(within)?;
            if decline.from_generation == 0 {
                return Err(within(ParamError::new(
                    "from_generation",
                    0,
                    "must be at least 1: generation 0 is the initial population",
                )));
            }
        }
        let pruning = match &self.pruning {
            None => None,
            Some(pruning) => {
                let within = |e: ParamError| e.within("estimation.pruning");
                let full = pruning.clone().check().map_err(within)?;
                let low = low.as_ref().map(|(low, _)| {
                    let epochs = pruning.fine_tune_epochs.min(low.epochs);
                    Consolidation { fine_tune_epochs: epochs, ..pruning.clone() }.check()
                });
                Some((full, low.transpose().map_err(within)?))
            }
        };
        Ok(Estimation { config: self, full, low, energy, pruning })
    }
}

/// Checked estimation settings ([`EstimationConfig`] after its check): the training budgets of
/// both fidelities and the energy model, as the only form the search trains with.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimation {
    config: EstimationConfig,
    full: ValidTrainConfig,
    low: Option<(ValidTrainConfig, f64)>,
    energy: Valid<EnergyChoice>,
    /// Glial pruning at full fidelity and at low fidelity (if any).
    pruning: Option<(Valid<Consolidation>, Option<Valid<Consolidation>>)>,
}

impl Estimation {
    /// The settings as written (for descriptions and configs).
    #[must_use]
    pub fn config(&self) -> &EstimationConfig {
        &self.config
    }

    /// The full-fidelity training.
    #[must_use]
    pub fn full(&self) -> &ValidTrainConfig {
        &self.full
    }

    /// The low-fidelity training and the share of the training part it trains on, if the
    /// search makes low-fidelity estimates.
    #[must_use]
    pub fn low(&self) -> Option<(&ValidTrainConfig, f64)> {
        self.low.as_ref().map(|(config, share)| (config, *share))
    }

    /// The energy model every network is priced with.
    #[must_use]
    pub fn energy(&self) -> &Valid<EnergyChoice> {
        &self.energy
    }

    /// The share of each batch promoted from low to full fidelity.
    #[must_use]
    pub fn promote_fraction(&self) -> f64 {
        self.config.promote_fraction
    }

    /// The glial pruning of searched networks at `fidelity`, if the search prunes.
    #[must_use]
    pub fn pruning(&self, fidelity: Fidelity) -> Option<&Valid<Consolidation>> {
        let (full, low) = self.pruning.as_ref()?;
        match fidelity {
            Fidelity::Full => Some(full),
            Fidelity::Low => low.as_ref().or(Some(full)),
        }
    }
}

/// Which estimate produced a measurement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fidelity {
    /// Few epochs on a subset of the training part.
    Low,
    /// The full training budget on the whole training part.
    Full,
}

impl Fidelity {
    /// The evaluation stage (`dgnn_evo::EvalContext::stage`) that asks for this fidelity: 0 for
    /// full fidelity (the problem's full evaluation), 1 for the low-fidelity estimate.
    #[must_use]
    pub fn stage(self) -> u32 {
        match self {
            Self::Full => 0,
            Self::Low => 1,
        }
    }

    /// The fidelity an evaluation stage asks for (none for a stage the search does not have).
    #[must_use]
    pub fn of_stage(stage: u32) -> Option<Self> {
        [Self::Full, Self::Low].into_iter().find(|f| f.stage() == stage)
    }
}

/// What a trained network knows and costs on one data part (module docs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Measurement {
    /// The estimate that produced it.
    pub fidelity: Fidelity,
    /// Samples measured.
    pub samples: usize,
    /// Share classified right.
    pub accuracy: f64,
    /// `I(Y; Ŷ)` in bits.
    pub information_bits: f64,
    /// `H(Y)` in bits.
    pub label_entropy_bits: f64,
    /// Energy of one inference under the search's energy model, in ATP.
    pub energy_atp: f64,
    /// The same in joules.
    pub energy_joules: f64,
    /// Joules per inference by cost category (spikes, synaptic, resting, astrocytes …).
    pub energy_by_category: Vec<(EnergyCategory, f64)>,
    /// Hardware energy (45 nm, Horowitz 2014) of one inference, joules.
    pub hardware_joules: f64,
    /// `log₂` of the number of attractors of the phase layer (0 without one).
    pub attractors_log2: f64,
    /// Hidden neurons.
    pub neurons: usize,
    /// Astrocytes.
    pub astrocytes: usize,
    /// Active synapses (existing, with a nonzero phase gate) per iteration.
    pub synapses: f64,
    /// Training sample presentations made (consolidation's fine-tuning included).
    pub samples_seen: u64,
}

impl Measurement {
    /// Measures `trained` on `data` (raw features) under `energy`.
    ///
    /// # Errors
    /// The glia crate's refusal of data that do not fit the network.
    pub fn of(
        trained: &TrainedNetwork,
        data: &Dataset,
        energy: &dyn EnergyModel,
        fidelity: Fidelity,
    ) -> Result<Self, NasError> {
        let data = Standardized::with(&trained.standardizer, data)?;
        Self::of_standardized(trained, &data, energy, fidelity)
    }

    /// [`Self::of`] on data standardised once by the network's standardiser.
    ///
    /// # Errors
    /// As [`Self::of`], and when `data` went through another standardiser.
    pub fn of_standardized(
        trained: &TrainedNetwork,
        data: &Standardized,
        energy: &dyn EnergyModel,
        fidelity: Fidelity,
    ) -> Result<Self, NasError> {
        let eval = trained.evaluate_standardized(data, energy)?;
        let hardware = HardwareEnergy::default().check()?.account(&eval.activity).total();
        let astrocytes = trained.architecture.regions.iter().map(|r| r.astrocytes()).sum();
        Ok(Self {
            fidelity,
            samples: eval.samples,
            accuracy: eval.accuracy,
            information_bits: eval.mutual_information.value(),
            label_entropy_bits: eval.label_entropy.value(),
            energy_atp: eval.atp_per_inference.value(),
            energy_joules: eval.energy_per_inference.value(),
            energy_by_category: eval
                .energy
                .by_category()
                .into_iter()
                .map(|(c, j)| (c, j.value()))
                .collect(),
            hardware_joules: hardware.value(),
            attractors_log2: trained.network.phase().map_or(0.0, |p| p.network_attractors_log2()),
            neurons: trained.architecture.regions.iter().map(|r| r.neurons).sum(),
            astrocytes,
            synapses: eval.activity.regions.iter().map(|r| r.synapses).sum(),
            samples_seen: trained.history.samples_seen,
        })
    }

    /// The energy of one inference in `unit`.
    #[must_use]
    pub fn energy_in(&self, unit: EnergyUnit) -> f64 {
        match unit {
            EnergyUnit::Atp => self.energy_atp,
            EnergyUnit::Joules => self.energy_joules,
        }
    }

    /// A measurement with the given entropy, information and accuracy (tests of objectives).
    #[cfg(test)]
    pub(crate) fn for_tests(entropy: f64, information: f64, accuracy: f64) -> Self {
        Self {
            fidelity: Fidelity::Full,
            samples: 100,
            accuracy,
            information_bits: information,
            label_entropy_bits: entropy,
            energy_atp: 1e9,
            energy_joules: 8.3e-11,
            energy_by_category: Vec::new(),
            hardware_joules: 1e-9,
            attractors_log2: 0.0,
            neurons: 4,
            astrocytes: 4,
            synapses: 10.0,
            samples_seen: 0,
        }
    }
}

/// The data parts of a search (module docs).
#[derive(Debug, Clone, PartialEq)]
pub struct Splits {
    /// Training part.
    pub train: Dataset,
    /// Validation part: the objectives are measured here.
    pub validation: Dataset,
    /// Test part: only the final front is measured here.
    pub test: Dataset,
    /// The low-fidelity training subset (the training part itself without low fidelity).
    pub low_fidelity: Dataset,
}

/// A seed for one purpose, derived from the master seed.
pub(crate) fn derived_seed(seed: Seed, name: &str, path: &[u64]) -> Seed {
    Seed(seed.stream(name, path).next_u64())
}

/// How a search splits its data: the shares of the test and validation parts, the
/// low-fidelity share, and the row caps ([`EstimationConfig`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SplitPlan {
    /// Share of each class held out for testing.
    pub test_fraction: f64,
    /// Share of each class of the rest used for validation.
    pub validation_fraction: f64,
    /// Share of the training part used at low fidelity (`None`: no low fidelity).
    pub low_subset: Option<f64>,
    /// The most rows of the training part.
    pub max_training_rows: Option<usize>,
    /// The most rows of the validation part.
    pub max_validation_rows: Option<usize>,
    /// The most rows of the low-fidelity subset.
    pub max_low_rows: Option<usize>,
}

impl SplitPlan {
    /// The plan of `config`.
    #[must_use]
    pub fn of(config: &EstimationConfig) -> Self {
        Self {
            test_fraction: config.test_fraction,
            validation_fraction: config.validation_fraction,
            low_subset: config.low_fidelity.as_ref().map(|l| l.subset),
            max_training_rows: config.max_training_rows,
            max_validation_rows: config.max_validation_rows,
            max_low_rows: config.low_fidelity.as_ref().and_then(|l| l.max_rows),
        }
    }
}

/// A stratified subset of about `max` rows of `part` drawn with stream `name` (the part itself
/// when it has no more rows).
fn capped(part: Dataset, max: Option<usize>, seed: Seed, name: &str) -> Result<Dataset, NasError> {
    match max {
        Some(max) if part.len() > max => {
            let share = max as f64 / part.len() as f64;
            let pick = stratified_split(part.labels(), share, derived_seed(seed, name, &[]))?;
            Ok(part.subset(&pick.test))
        }
        _ => Ok(part),
    }
}

impl Splits {
    /// Splits `data` as `plan` says (module docs); refuses data with a class too small to
    /// appear in every part.
    pub fn new(data: &Dataset, plan: &SplitPlan, seed: Seed) -> Result<Self, NasError> {
        let outer = stratified_split(
            data.labels(),
            plan.test_fraction,
            derived_seed(seed, "nas/split/test", &[]),
        )?;
        let rest = data.subset(&outer.train);
        let inner = stratified_split(
            rest.labels(),
            plan.validation_fraction,
            derived_seed(seed, "nas/split/validation", &[]),
        )?;
        let train = capped(
            rest.subset(&inner.train),
            plan.max_training_rows,
            seed,
            "nas/split/training-cap",
        )?;
        let validation = capped(
            rest.subset(&inner.test),
            plan.max_validation_rows,
            seed,
            "nas/split/validation-cap",
        )?;
        drop(rest);
        let low_fidelity = match plan.low_subset {
            Some(share) if share < 1.0 => {
                let pick = stratified_split(
                    train.labels(),
                    share,
                    derived_seed(seed, "nas/split/low-fidelity", &[]),
                )?;
                capped(train.subset(&pick.test), plan.max_low_rows, seed, "nas/split/low-cap")?
            }
            Some(_) => capped(train.clone(), plan.max_low_rows, seed, "nas/split/low-cap")?,
            None => train.clone(),
        };
        let splits = Self { validation, test: data.subset(&outer.test), train, low_fidelity };
        let counts = data.class_counts();
        for (part, set) in [
            ("training", &splits.train),
            ("validation", &splits.validation),
            ("test", &splits.test),
            ("low-fidelity training", &splits.low_fidelity),
        ] {
            let have = set.class_counts();
            if let Some(c) = (0..counts.len()).find(|&c| counts[c] > 0 && have[c] == 0) {
                return Err(NasError::Data {
                    name: data.name().into(),
                    problem: format!(
                        "class `{}` has {} samples, too few to appear in the {part} part \
                         ({} samples in all): give every class at least 4 samples (more for \
                         small test, validation or low-fidelity fractions), or merge rare classes",
                        data.class_names()[c],
                        counts[c],
                        data.len()
                    ),
                });
            }
        }
        Ok(splits)
    }
}

/// A 64-bit fingerprint of a data set (features, labels, contexts), so a search is never
/// resumed on different data.
#[must_use]
pub fn fingerprint(data: &Dataset) -> u64 {
    let mut h =
        dgnn_core::rng::stream_id("nas/data", &[data.len() as u64, data.n_features() as u64]);
    let mut mix = |x: u64| h = dgnn_core::rng::splitmix64(h ^ dgnn_core::rng::splitmix64(x));
    for &v in data.features() {
        mix(v.to_bits());
    }
    for (i, &l) in data.labels().iter().enumerate() {
        mix(l as u64);
        mix(data.context(i) as u64);
    }
    h
}

/// How one network is trained: the budget, the seed, the energy model, the fidelity the
/// training stands for and the glial pruning after it.
pub(crate) struct Training<'a> {
    pub(crate) config: &'a ValidTrainConfig,
    pub(crate) seed: Seed,
    pub(crate) energy: &'a Valid<EnergyChoice>,
    pub(crate) fidelity: Fidelity,
    pub(crate) pruning: Option<&'a Valid<Consolidation>>,
}

/// Trains `genome` on `train_part` as `training` says (pruning it after, if asked) and measures
/// it on `validation` (standardised by the training part's standardiser).
pub(crate) fn train_and_measure(
    genome: &DgnnGenome,
    train_part: &Standardized,
    validation: &Standardized,
    training: &Training<'_>,
) -> Result<(Measurement, TrainedNetwork), NasError> {
    let Training { config, seed, energy, fidelity, pruning } = *training;
    let arch = genome.architecture().clone().check()?;
    let job = TrainingJob::new(&arch, config, energy).with_consolidation(pruning);
    let trained = job.train_standardized(train_part, seed, &NoProgress)?;
    let mut measurement =
        Measurement::of_standardized(&trained.network, validation, energy, fidelity)?;
    measurement.samples_seen += trained.consolidation.map_or(0, |c| c.fine_tune_samples);
    Ok((measurement, trained.network))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn training_fields_left_out_take_the_search_defaults() {
        // `training: (epochs: 40)` changes the epochs only: the search's learning rate 0.01
        // stays (dgnn-glia's own default is 1e-3), and so do batch, L2 and the rest.
        let c: EstimationConfig = ron::from_str("(training: (epochs: 40))").unwrap();
        let default = EstimationConfig::default().training;
        assert_eq!(c.training, TrainConfig { epochs: 40, ..default.clone() });
        let c: EstimationConfig = ron::from_str("(training: (learning_rate: 0.003))").unwrap();
        assert_eq!(c.training, TrainConfig { learning_rate: 0.003, ..default.clone() });
        // The default written out reads back to itself; a misspelt field is refused by name.
        let text = ron::to_string(&EstimationConfig::default()).unwrap();
        assert_eq!(ron::from_str::<EstimationConfig>(&text).unwrap(), EstimationConfig::default());
        let err = ron::from_str::<EstimationConfig>("(training: (epoch: 40))").unwrap_err();
        assert!(err.to_string().contains("epoch"), "{err}");
    }

    /// The split plan of the default shares without row caps.
    fn plan(low_subset: Option<f64>) -> SplitPlan {
        SplitPlan {
            test_fraction: 0.2,
            validation_fraction: 0.25,
            low_subset,
            max_training_rows: None,
            max_validation_rows: None,
            max_low_rows: None,
        }
    }

    #[test]
    fn row_caps_take_stratified_subsets_and_never_touch_the_test_part() {
        // Digits: 1797 rows → test round(0.2·n_c), validation 0.25 of the rest, training the
        // remainder (1078 rows).
        let data = Dataset::builtin("digits").unwrap();
        let free = Splits::new(&data, &plan(Some(0.5)), Seed(9)).unwrap();
        let caps = SplitPlan {
            max_training_rows: Some(500),
            max_validation_rows: Some(200),
            max_low_rows: Some(100),
            ..plan(Some(0.5))
        };
        let capped = Splits::new(&data, &caps, Seed(9)).unwrap();
        // Stratified: each of the 10 classes keeps round(share·count), so a part lands within
        // half a row per class of its cap.
        for (part, cap) in
            [(&capped.train, 500), (&capped.validation, 200), (&capped.low_fidelity, 100)]
        {
            assert!(part.len().abs_diff(cap) <= 5, "{} rows for a cap of {cap}", part.len());
            assert!(part.class_counts().iter().all(|&c| c > 0), "every class stays");
        }
        // The test part is the same rows, capped or not; caps that do not bind change nothing.
        assert_eq!(capped.test, free.test);
        let loose = SplitPlan {
            max_training_rows: Some(20_000),
            max_validation_rows: Some(10_000),
            max_low_rows: Some(5_000),
            ..plan(Some(0.5))
        };
        let same = Splits::new(&data, &loose, Seed(9)).unwrap();
        assert_eq!(
            (&same.train, &same.validation, &same.low_fidelity),
            (&free.train, &free.validation, &free.low_fidelity)
        );
        // A cap below the floor is refused by name.
        let config =
            EstimationConfig { max_training_rows: Some(10), ..EstimationConfig::default() };
        let err = config.check().unwrap_err().to_string();
        assert!(err.contains("estimation.max_training_rows"), "{err}");
    }

    #[test]
    fn splits_are_disjoint_stratified_and_cover_the_data() {
        // Stratified splitting (dgnn-glia): every class keeps round(fraction × count) samples on
        // the held-out side, so the parts' class shares match the data's within one sample.
        let data = Dataset::builtin("wdbc").unwrap();
        let s = Splits::new(&data, &plan(Some(0.5)), Seed(4)).unwrap();
        assert_eq!(s.train.len() + s.validation.len() + s.test.len(), data.len());
        // WDBC has 212 malignant and 357 benign samples: test = round(0.2·212) + round(0.2·357)
        // = 42 + 71 = 113.
        assert_eq!(s.test.len(), 113);
        assert_eq!(s.test.class_counts(), vec![42, 71]);
        let mut rows: Vec<Vec<u64>> = [&s.train, &s.validation, &s.test]
            .iter()
            .flat_map(|d| (0..d.len()).map(|i| d.row(i).iter().map(|v| v.to_bits()).collect()))
            .collect();
        let n = rows.len();
        rows.sort();
        rows.dedup();
        assert_eq!(rows.len(), n, "no sample appears in two parts (WDBC rows are distinct)");
        assert!(s.low_fidelity.len() * 2 <= s.train.len() + 2);
    }

    #[test]
    fn too_small_classes_are_refused_with_the_fix() {
        let features: Vec<f64> = (0..10).map(f64::from).collect();
        let labels = vec![0, 0, 0, 0, 0, 0, 0, 0, 1, 1];
        let data = Dataset::new(
            "tiny",
            features,
            1,
            labels,
            vec!["a".into(), "b".into()],
            vec!["x".into()],
        )
        .unwrap();
        let err = Splits::new(&data, &plan(None), Seed(1)).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("class `b` has 2 samples"), "{text}");
        assert!(text.contains("at least 4 samples"), "{text}");
    }

    #[test]
    fn fingerprints_tell_data_apart() {
        let a = Dataset::builtin("wdbc").unwrap();
        let b = a.subset(&(0..a.len() - 1).collect::<Vec<_>>());
        assert_eq!(fingerprint(&a), fingerprint(&a.clone()));
        assert_ne!(fingerprint(&a), fingerprint(&b));
    }

    #[test]
    fn every_fidelity_has_its_own_stage_and_full_is_stage_0() {
        // Stage 0 is the problem's full evaluation in dgnn-evo's convention.
        assert_eq!(Fidelity::Full.stage(), 0);
        for fidelity in [Fidelity::Low, Fidelity::Full] {
            assert_eq!(Fidelity::of_stage(fidelity.stage()), Some(fidelity));
        }
        assert_eq!(Fidelity::of_stage(2), None);
    }

    #[test]
    fn estimation_errors_name_the_field() {
        let bad = EstimationConfig { test_fraction: 0.0, ..EstimationConfig::default() };
        assert_eq!(bad.check().unwrap_err().field, "estimation.test_fraction");
        let mut bad = EstimationConfig::default();
        bad.training.epochs = 0;
        assert_eq!(bad.check().unwrap_err().field, "estimation.training.epochs");
        let bad = EstimationConfig {
            low_fidelity: Some(LowFidelity { epochs: 0, ..LowFidelity::default() }),
            ..EstimationConfig::default()
        };
        assert_eq!(bad.check().unwrap_err().field, "estimation.low_fidelity.epochs");
    }
}
