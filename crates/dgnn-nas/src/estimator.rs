//! The performance estimator of a search: how any genome is trained and measured, independent
//! of what the search minimises.
//!
//! An [`Estimator`] holds the data parts ([`Splits`], made once from the master seed), the
//! checked estimation settings ([`Estimation`]: budgets of both fidelities, the energy model)
//! and the master seed. [`Estimator::measure`] trains a genome at a fidelity and measures it on
//! the validation part; [`Estimator::measure_final`] retrains genomes at full fidelity and
//! measures them on the validation and the test part (the baseline and the final front).
//!
//! **Standardised once.** Each training part is standardised once, on itself, and the
//! validation part (and for the final front the test part) once by each training part's
//! standardiser ([`Standardized`]): the networks of a search share these copies instead of each
//! making its own, with the same figures to the bit.
//!
//! **Full-fidelity networks kept.** A network trained at full fidelity during the search is kept
//! (up to [`KEPT_NETWORKS`] of them), so the final re-measurement of a front member that was
//! promoted measures it again instead of training it again: a training is a function of the
//! genome, so the figures are the same either way.
//!
//! **Seeds.** A genome's training seed is drawn from stream `nas/train` with the path
//! `[stream_id("nas/genome", key)]`: it depends only on the master seed and the genome, so a
//! measurement is a function of the genome (the evaluation cache stays meaningful, and an
//! evaluation gives the same figures on any machine) and the final re-training of a front
//! member at full fidelity reproduces its search-time measurement.

use crate::error::NasError;
use crate::genome::DgnnGenome;
use crate::measure::{
    Estimation, Fidelity, Measurement, SplitPlan, Splits, Training, fingerprint, train_and_measure,
};
use crate::objective::EnergyUnit;
use dgnn_core::Valid;
use dgnn_core::{Seed, StreamRng};
use dgnn_evo::Genome;
use dgnn_glia::{Consolidation, Dataset, Standardized, TrainedNetwork, ValidTrainConfig};
use rand::Rng;
use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::Mutex;

/// The most full-fidelity networks an estimator keeps for the final re-measurement (a few tens
/// of kilobytes each; beyond this, front members are trained again, with the same result).
pub const KEPT_NETWORKS: usize = 4096;

/// Counts and bests of the trainings this process has made (for progress display; not part of
/// the search state, and not counting trainings an evaluator ran on other machines).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TrainingProgress {
    /// Low-fidelity trainings.
    pub low: u64,
    /// Full-fidelity trainings.
    pub full: u64,
    /// Training sample presentations.
    pub samples_seen: u64,
    /// Training work: every training's sample presentations times its network's learned
    /// parameters, summed — the usual proxy of training compute (≈ 6 × parameters × samples
    /// floating-point operations, Kaplan et al. 2020), deterministic where wall time is not (an
    /// integer sum, so the order in which parallel trainings finish does not matter; saturates
    /// at `u64::MAX`).
    pub work: u64,
    /// Best validation accuracy measured so far.
    pub best_accuracy: f64,
    /// Lowest energy per inference measured so far, in ATP.
    pub lowest_energy_atp: Option<f64>,
    /// Lowest energy per inference measured so far, in joules.
    pub lowest_energy_joules: Option<f64>,
}

impl TrainingProgress {
    /// The lowest energy measured so far, in `unit`.
    #[must_use]
    pub fn lowest_energy(&self, unit: EnergyUnit) -> Option<f64> {
        match unit {
            EnergyUnit::Atp => self.lowest_energy_atp,
            EnergyUnit::Joules => self.lowest_energy_joules,
        }
    }

    /// Counts a measurement of a network with `parameters` learned parameters in.
    fn record(&mut self, m: &Measurement, parameters: usize) {
        match m.fidelity {
            Fidelity::Low => self.low += 1,
            Fidelity::Full => self.full += 1,
        }
        self.samples_seen += m.samples_seen;
        let parameters = u64::try_from(parameters).unwrap_or(u64::MAX);
        self.work = self.work.saturating_add(m.samples_seen.saturating_mul(parameters));
        self.best_accuracy = self.best_accuracy.max(m.accuracy);
        let lowest = |seen: Option<f64>, e: f64| Some(seen.map_or(e, |s| s.min(e)));
        self.lowest_energy_atp = lowest(self.lowest_energy_atp, m.energy_atp);
        self.lowest_energy_joules = lowest(self.lowest_energy_joules, m.energy_joules);
    }
}

/// A network retrained at full fidelity and measured on the validation and the test part.
#[derive(Debug, Clone)]
pub struct FinalMeasurement {
    /// The genome.
    pub genome: DgnnGenome,
    /// Validation measurement.
    pub validation: Measurement,
    /// Test measurement.
    pub test: Measurement,
    /// Test accuracy on the samples of each context (task), in context order; empty for
    /// single-context data.
    pub test_accuracy_by_context: Vec<f64>,
    /// The trained network.
    pub model: TrainedNetwork,
}

/// Whose network a training makes: a searched genome's (pruned when the search prunes, kept
/// for the final re-measurement), a searched genome's consolidated with given settings (a
/// sleep-wake search's quiet phases; never kept), or the baseline's.
#[derive(Debug, Clone, Copy)]
enum Subject<'c> {
    Searched,
    Consolidated(&'c Valid<Consolidation>),
    Baseline,
}

/// A training part standardised on itself and the validation part standardised the same way.
struct Standardised {
    train: Standardized,
    validation: Standardized,
}

impl Standardised {
    fn of(train: &Dataset, validation: &Dataset) -> Result<Self, NasError> {
        let train = Standardized::fit(train);
        let validation = Standardized::with(train.standardizer(), validation)?;
        Ok(Self { train, validation })
    }
}

/// Trains and measures genomes (module docs).
pub struct Estimator {
    estimation: Estimation,
    splits: Splits,
    /// The training part and the validation part, standardised for full fidelity.
    full: Standardised,
    /// The same for the low-fidelity subset (none without low fidelity).
    low: Option<Standardised>,
    /// The test part standardised for full fidelity (the final front's networks).
    test: Standardized,
    /// Networks trained at full fidelity, by genome key (module docs).
    kept: Mutex<HashMap<Vec<u64>, (Measurement, TrainedNetwork)>>,
    seed: Seed,
    fingerprint: u64,
    contexts: usize,
    data_description: String,
    progress: Mutex<TrainingProgress>,
}

impl std::fmt::Debug for Estimator {
    /// What the estimator measures under (not the data themselves).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Estimator").field(&self.describe()).finish()
    }
}

impl Estimator {
    /// Splits `data` for a search with master seed `seed` and these settings.
    ///
    /// # Errors
    /// [`NasError::Data`] when a class is too small to appear in every part.
    pub fn new(data: &Dataset, estimation: Estimation, seed: Seed) -> Result<Self, NasError> {
        let config = estimation.config();
        let splits = Splits::new(data, &SplitPlan::of(config), seed)?;
        let full = Standardised::of(&splits.train, &splits.validation)?;
        let low = match estimation.low() {
            Some(_) => Some(Standardised::of(&splits.low_fidelity, &splits.validation)?),
            None => None,
        };
        let test = Standardized::with(full.train.standardizer(), &splits.test)?;
        let fingerprint = fingerprint(data);
        // `key=value` items, so a checkpoint mismatch can name the one that differs.
        let data_description = format!(
            "data={}; samples={}; features={}; classes={}; contexts={}; \
             data fingerprint={fingerprint:016x}; seed={}",
            data.name(),
            data.len(),
            data.n_features(),
            data.n_classes(),
            data.n_contexts(),
            seed.0,
        );
        Ok(Self {
            estimation,
            splits,
            full,
            low,
            test,
            kept: Mutex::new(HashMap::new()),
            seed,
            fingerprint,
            contexts: data.n_contexts(),
            data_description,
            progress: Mutex::new(TrainingProgress::default()),
        })
    }

    /// The checked estimation settings.
    #[must_use]
    pub fn estimation(&self) -> &Estimation {
        &self.estimation
    }

    /// The data parts.
    #[must_use]
    pub fn splits(&self) -> &Splits {
        &self.splits
    }

    /// The master seed.
    #[must_use]
    pub fn seed(&self) -> Seed {
        self.seed
    }

    /// The fingerprint of the data.
    #[must_use]
    pub fn data_fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// Contexts (tasks) of the data.
    #[must_use]
    pub fn contexts(&self) -> usize {
        self.contexts
    }

    /// The data (name, size, classes, contexts, fingerprint) and the master seed, as problem
    /// descriptions and checkpoints record them.
    #[must_use]
    pub fn data_description(&self) -> &str {
        &self.data_description
    }

    /// Everything a measurement depends on besides the genome: the data, the seed and the
    /// estimation settings.
    #[must_use]
    pub fn describe(&self) -> String {
        format!(
            "{}; estimation={}",
            self.data_description,
            ron::to_string(self.estimation.config()).unwrap_or_default()
        )
    }

    /// What this process has trained so far.
    #[must_use]
    pub fn training_progress(&self) -> TrainingProgress {
        self.progress.lock().map(|t| *t).unwrap_or_default()
    }

    /// The training seed of a genome (module docs).
    #[must_use]
    pub fn training_seed(&self, genome: &DgnnGenome) -> Seed {
        let id = dgnn_core::rng::stream_id("nas/genome", &genome.key());
        let mut rng: StreamRng = self.seed.stream("nas/train", &[id]);
        Seed(rng.next_u64())
    }

    /// Trains `genome` at a fidelity (with the search's glial pruning, if any) and measures it
    /// on the validation part (a network kept from an earlier full-fidelity training is
    /// measured as it was, module docs).
    ///
    /// # Errors
    /// The glia crate's refusal of the architecture or of the training.
    pub fn measure(
        &self,
        genome: &DgnnGenome,
        fidelity: Fidelity,
    ) -> Result<(Measurement, TrainedNetwork), NasError> {
        self.measure_as(genome, fidelity, Subject::Searched)
    }

    /// [`Estimator::measure`] of a searched network or of the baseline (never pruned, never
    /// kept: it would otherwise share a kept network with a searched genome of the same key).
    fn measure_as(
        &self,
        genome: &DgnnGenome,
        fidelity: Fidelity,
        subject: Subject<'_>,
    ) -> Result<(Measurement, TrainedNetwork), NasError> {
        let (config, parts): (&ValidTrainConfig, &Standardised) =
            match (fidelity, self.estimation.low(), &self.low) {
                (Fidelity::Low, Some((low, _)), Some(parts)) => (low, parts),
                _ => (self.estimation.full(), &self.full),
            };
        let key = genome.key();
        let keep = fidelity == Fidelity::Full && matches!(subject, Subject::Searched);
        if keep && let Some(kept) = self.kept.lock().ok().and_then(|k| k.get(&key).cloned()) {
            return Ok(kept);
        }
        let training = Training {
            config,
            seed: self.training_seed(genome),
            energy: self.estimation.energy(),
            fidelity,
            pruning: match subject {
                Subject::Searched => self.estimation.pruning(fidelity),
                Subject::Consolidated(settings) => Some(settings),
                Subject::Baseline => None,
            },
        };
        let out = train_and_measure(genome, &parts.train, &parts.validation, &training)?;
        if let Ok(mut progress) = self.progress.lock() {
            progress.record(&out.0, out.1.learned_parameters());
        }
        if keep
            && let Ok(mut kept) = self.kept.lock()
            && kept.len() < KEPT_NETWORKS
        {
            kept.insert(key, out.clone());
        }
        Ok(out)
    }

    /// Test accuracy of `model` on each context's samples, in context order (dgnn-glia's
    /// `evaluate_by_context`: empty for a single context; NaN for a context without test
    /// samples).
    fn accuracy_by_context(&self, model: &TrainedNetwork) -> Result<Vec<f64>, NasError> {
        let by_context = model.evaluate_by_context(&self.splits.test, self.estimation.energy())?;
        Ok(by_context.iter().map(|c| c.accuracy()).collect())
    }

    /// Re-trains each genome at full fidelity and measures it on the validation and the test
    /// part (in parallel, results in input order).
    ///
    /// # Errors
    /// The first genome the glia crate refuses to build or train.
    pub fn measure_final(&self, genomes: &[DgnnGenome]) -> Result<Vec<FinalMeasurement>, NasError> {
        self.measure_final_as(genomes, Subject::Searched)
    }

    /// [`Estimator::measure`] with every network consolidated by `settings` after its
    /// training, in place of the search's pruning (a sleep–wake search's quiet phases); the
    /// networks are not kept.
    ///
    /// # Errors
    /// As [`Estimator::measure`].
    pub fn measure_consolidated(
        &self,
        genome: &DgnnGenome,
        fidelity: Fidelity,
        settings: &Valid<Consolidation>,
    ) -> Result<(Measurement, TrainedNetwork), NasError> {
        self.measure_as(genome, fidelity, Subject::Consolidated(settings))
    }

    /// [`Estimator::measure_final`] with every network consolidated by `settings`.
    ///
    /// # Errors
    /// As [`Estimator::measure_final`].
    pub fn measure_final_consolidated(
        &self,
        genomes: &[DgnnGenome],
        settings: &Valid<Consolidation>,
    ) -> Result<Vec<FinalMeasurement>, NasError> {
        self.measure_final_as(genomes, Subject::Consolidated(settings))
    }

    /// [`Estimator::measure_final`] of the baseline network: trained without glial pruning.
    ///
    /// # Errors
    /// The glia crate's refusal to build or train it.
    pub fn measure_baseline(&self, genome: &DgnnGenome) -> Result<FinalMeasurement, NasError> {
        let mut measured =
            self.measure_final_as(std::slice::from_ref(genome), Subject::Baseline)?;
        Ok(measured.remove(0))
    }

    fn measure_final_as(
        &self,
        genomes: &[DgnnGenome],
        subject: Subject<'_>,
    ) -> Result<Vec<FinalMeasurement>, NasError> {
        genomes
            .par_iter()
            .map(|genome| {
                let (validation, model) = self.measure_as(genome, Fidelity::Full, subject)?;
                let energy = self.estimation.energy();
                let test =
                    Measurement::of_standardized(&model, &self.test, energy, Fidelity::Full)?;
                let test_accuracy_by_context = self.accuracy_by_context(&model)?;
                Ok(FinalMeasurement {
                    genome: genome.clone(),
                    validation,
                    test,
                    test_accuracy_by_context,
                    model,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_keeps_counts_and_bests_in_both_units() {
        let mut progress = TrainingProgress::default();
        let mut m = Measurement::for_tests(1.0, 0.5, 0.8);
        m.samples_seen = 100;
        progress.record(&m, 30);
        m.fidelity = Fidelity::Low;
        m.accuracy = 0.6;
        m.energy_atp = 5e8;
        m.energy_joules = 4e-11;
        m.samples_seen = 20;
        progress.record(&m, 50);
        assert_eq!((progress.low, progress.full), (1, 1));
        // 100 presentations of 30 parameters and 20 of 50: 3000 + 1000.
        assert_eq!(progress.samples_seen, 120);
        assert_eq!(progress.work, 4000);
        assert!((progress.best_accuracy - 0.8).abs() < 1e-15);
        assert_eq!(progress.lowest_energy(EnergyUnit::Atp), Some(5e8));
        assert_eq!(progress.lowest_energy(EnergyUnit::Joules), Some(4e-11));
    }
}
