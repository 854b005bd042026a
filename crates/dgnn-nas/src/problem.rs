//! The DGNN search as a [`dgnn_evo::Problem`]: genomes are trained with dgnn-glia and measured
//! on the validation part; objectives and constraint violation come from the measurement.
//!
//! **Multi-fidelity batch evaluation** (the engine hands over the cache misses of a generation):
//! every genome first gets the low-fidelity estimate; the batch is ranked by constrained
//! non-dominated sorting and crowding distance on those estimates (Deb et al. 2002), and the
//! best `⌈promote_fraction · n⌉` are trained again at full fidelity, whose measurement replaces
//! the estimate — successive halving in one step (Jamieson & Talwalkar 2016, Li et al. 2018's
//! Hyperband bracket), with the multi-objective rank in place of a loss. The others keep their
//! low-fidelity evaluation (and the cache keeps it). Without a low-fidelity config every genome
//! is trained at full fidelity. Work is split into items with fixed indices (genome `i` of the
//! batch) and gathered in order, so results do not depend on the thread count.
//!
//! **Seeds.** A genome's training seed is drawn from stream `nas/train` with the path
//! `[stream_id("nas/genome", key)]`: it depends only on the master seed and the genome, so an
//! evaluation is a function of the genome (the evaluation cache stays meaningful) and the final
//! re-training of a front member at full fidelity reproduces its search-time measurement.
//!
//! **Constraints** ([`Constraints`]): an energy budget and a minimum accuracy, each adding its
//! relative shortfall to the violation that the engine's constrained domination ranks by.

use crate::error::NasError;
use crate::genome::DgnnGenome;
use crate::measure::{
    Budgets, EstimationConfig, Fidelity, Measurement, Splits, fingerprint, train_and_measure,
};
use crate::objective::Objective;
use crate::space::ValidSearchSpace;
use dgnn_core::error::{in_range, positive};
use dgnn_core::{ParamError, ParamGuard, Seed, StreamRng, Valid};
use dgnn_evo::{EvalContext, Evaluation, EvaluationError, Evaluator, Genome, rank_and_crowding};
use dgnn_glia::{Dataset, EnergyChoice, TrainedNetwork, ValidTrainConfig};
use rand::Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::sync::Mutex;

/// Constraints on a network (RON; every field optional).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Constraints {
    /// Largest energy per inference, in the energy objective's unit (ATP by default); a network
    /// above it is infeasible by `E/max_energy − 1` (default none).
    pub max_energy: Option<f64>,
    /// Smallest validation accuracy; a network below it is infeasible by the shortfall
    /// (default none).
    pub min_accuracy: Option<f64>,
}

impl Constraints {
    /// Checks the bounds.
    pub fn check(&self) -> Result<(), ParamError> {
        if let Some(e) = self.max_energy {
            positive("constraints.max_energy", e)?;
        }
        if let Some(a) = self.min_accuracy {
            in_range("constraints.min_accuracy", a, 0.0, 1.0)?;
        }
        Ok(())
    }

    /// The total violation of a network with this energy (in the constraint's unit) and
    /// accuracy: 0 when feasible.
    #[must_use]
    pub fn violation(&self, energy: f64, accuracy: f64) -> f64 {
        let over = self.max_energy.map_or(0.0, |max| (energy / max - 1.0).max(0.0));
        let under = self.min_accuracy.map_or(0.0, |min| (min - accuracy).max(0.0));
        over + under
    }
}

/// Counters and bests of the evaluations made by this process (for progress display; not
/// part of the search state).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Tally {
    /// Low-fidelity trainings.
    pub low: u64,
    /// Full-fidelity trainings.
    pub full: u64,
    /// Training sample presentations.
    pub samples_seen: u64,
    /// Best validation accuracy measured so far.
    pub best_accuracy: f64,
    /// Lowest value of the first (energy) objective measured so far.
    pub lowest_energy: Option<f64>,
}

/// A front member measured at full fidelity on the validation and the test part.
#[derive(Debug, Clone)]
pub struct FinalMeasurement {
    /// The genome.
    pub genome: DgnnGenome,
    /// Objectives and violation on the validation part.
    pub evaluation: Evaluation,
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

/// The DGNN architecture search problem (module docs).
pub struct DgnnProblem {
    space: ValidSearchSpace,
    splits: Splits,
    budgets: Budgets,
    promote_fraction: f64,
    energy: Valid<EnergyChoice>,
    objectives: Vec<Box<dyn Objective>>,
    constraints: Constraints,
    seed: Seed,
    fingerprint: u64,
    description: String,
    tally: Mutex<Tally>,
}

impl std::fmt::Debug for DgnnProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.description)
    }
}

impl DgnnProblem {
    /// The problem of searching `space` on `data` with these estimation settings, objectives
    /// and constraints; `seed` is the master seed of the search (splits and training seeds).
    pub fn new(
        data: &Dataset,
        space: ValidSearchSpace,
        estimation: &EstimationConfig,
        objectives: Vec<Box<dyn Objective>>,
        constraints: Constraints,
        seed: Seed,
    ) -> Result<Self, NasError> {
        let budgets = estimation.check()?;
        constraints.check()?;
        if objectives.len() < 2 {
            return Err(ParamError::new(
                "objectives",
                objectives.len(),
                "need at least two (energy and information)",
            )
            .into());
        }
        if space.contexts() != data.n_contexts() {
            return Err(ParamError::new(
                "space contexts",
                space.contexts(),
                format!("must equal the data's {} contexts", data.n_contexts()),
            )
            .into());
        }
        let splits = Splits::new(
            data,
            estimation.test_fraction,
            estimation.validation_fraction,
            budgets.low.as_ref().map(|(_, share)| *share),
            seed,
        )?;
        let names: Vec<String> = objectives.iter().map(|o| o.name()).collect();
        let fingerprint = fingerprint(data);
        let description = format!(
            "dgnn-nas(data={} {}x{} classes={} contexts={} fnv={:016x}; seed={}; objectives={}; \
             constraints={}; estimation={}; space={})",
            data.name(),
            data.len(),
            data.n_features(),
            data.n_classes(),
            data.n_contexts(),
            fingerprint,
            seed.0,
            names.join(","),
            ron::to_string(&constraints).unwrap_or_default(),
            ron::to_string(estimation).unwrap_or_default(),
            ron::to_string(space.get()).unwrap_or_default(),
        );
        Ok(Self {
            space,
            splits,
            promote_fraction: estimation.promote_fraction,
            energy: estimation.energy.clone().check()?,
            budgets,
            objectives,
            constraints,
            seed,
            fingerprint,
            description,
            tally: Mutex::new(Tally::default()),
        })
    }

    /// The search space.
    #[must_use]
    pub fn space(&self) -> &ValidSearchSpace {
        &self.space
    }

    /// The data parts.
    #[must_use]
    pub fn splits(&self) -> &Splits {
        &self.splits
    }

    /// The objectives, in order.
    #[must_use]
    pub fn objective_list(&self) -> &[Box<dyn Objective>] {
        &self.objectives
    }

    /// The fingerprint of the searched data.
    #[must_use]
    pub fn data_fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// The master seed.
    #[must_use]
    pub fn seed(&self) -> Seed {
        self.seed
    }

    /// What this process has evaluated so far.
    #[must_use]
    pub fn tally(&self) -> Tally {
        self.tally.lock().map(|t| *t).unwrap_or_default()
    }

    /// The training seed of a genome (module docs).
    #[must_use]
    pub fn training_seed(&self, genome: &DgnnGenome) -> Seed {
        let id = dgnn_core::rng::stream_id("nas/genome", &genome.key());
        let mut rng: StreamRng = self.seed.stream("nas/train", &[id]);
        Seed(rng.next_u64())
    }

    /// Objectives and violation of a measurement.
    #[must_use]
    pub fn evaluation_of(&self, m: &Measurement) -> Evaluation {
        let objectives: Vec<f64> = self.objectives.iter().map(|o| o.value(m)).collect();
        let violation = self.constraints.violation(objectives[0], m.accuracy);
        Evaluation::new(objectives, violation)
    }

    /// Trains `genome` at a fidelity and measures it on the validation part.
    pub fn measure(
        &self,
        genome: &DgnnGenome,
        fidelity: Fidelity,
    ) -> Result<(Measurement, TrainedNetwork), NasError> {
        let (config, train_part): (&ValidTrainConfig, &Dataset) =
            match (fidelity, &self.budgets.low) {
                (Fidelity::Low, Some((low, _))) => (low, &self.splits.low_fidelity),
                _ => (&self.budgets.full, &self.splits.train),
            };
        let out = train_and_measure(
            genome,
            train_part,
            &self.splits.validation,
            config,
            self.training_seed(genome),
            &self.energy,
            fidelity,
        )?;
        self.record(&out.0);
        Ok(out)
    }

    fn record(&self, m: &Measurement) {
        let energy = self.objectives[0].value(m);
        if let Ok(mut t) = self.tally.lock() {
            match m.fidelity {
                Fidelity::Low => t.low += 1,
                Fidelity::Full => t.full += 1,
            }
            t.samples_seen += m.samples_seen;
            t.best_accuracy = t.best_accuracy.max(m.accuracy);
            t.lowest_energy = Some(t.lowest_energy.map_or(energy, |e| e.min(energy)));
        }
    }

    /// Indices of the batch members promoted to full fidelity: the best
    /// `⌈promote_fraction · n⌉` by constrained rank, then larger crowding distance, then index.
    #[must_use]
    pub fn promoted(&self, estimates: &[Evaluation]) -> Vec<usize> {
        let n = estimates.len();
        let count = ((self.promote_fraction * n as f64).ceil() as usize).clamp(1, n.max(1));
        let (rank, crowding) = rank_and_crowding(estimates);
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| {
            rank[a].cmp(&rank[b]).then(crowding[b].total_cmp(&crowding[a])).then(a.cmp(&b))
        });
        order.truncate(count.min(n));
        order.sort_unstable();
        order
    }

    /// Test accuracy of `model` on each context's samples, in context order (dgnn-glia's
    /// `evaluate_by_context`: empty for a single context; NaN for a context without test
    /// samples).
    fn accuracy_by_context(&self, model: &TrainedNetwork) -> Result<Vec<f64>, NasError> {
        let by_context = model.evaluate_by_context(&self.splits.test, &self.energy)?;
        Ok(by_context.iter().map(|c| c.accuracy()).collect())
    }

    /// Re-trains each genome at full fidelity and measures it on the validation and the test
    /// part (in parallel, results in input order).
    pub fn measure_final(&self, genomes: &[DgnnGenome]) -> Result<Vec<FinalMeasurement>, NasError> {
        genomes
            .par_iter()
            .map(|genome| {
                let (validation, model) = self.measure(genome, Fidelity::Full)?;
                let test =
                    Measurement::of(&model, &self.splits.test, &self.energy, Fidelity::Full)?;
                let test_accuracy_by_context = self.accuracy_by_context(&model)?;
                Ok(FinalMeasurement {
                    genome: genome.clone(),
                    evaluation: self.evaluation_of(&validation),
                    validation,
                    test,
                    test_accuracy_by_context,
                    model,
                })
            })
            .collect()
    }
}

/// One stage of a batch's evaluation: independent evaluations of some of the batch's genomes at
/// one fidelity, each keyed by the genome's index in the batch (module docs). Any
/// [`dgnn_evo::Evaluator`] can run a stage anywhere: each task is
/// `Problem::evaluate(genome, context)` with the stage's fidelity in `context.stage`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    /// The fidelity of every evaluation of the stage.
    pub fidelity: Fidelity,
    /// The batch indices of the genomes evaluated, in increasing order.
    pub indices: Vec<usize>,
}

impl Stage {
    /// Runs the stage on `evaluator`: one result per task, in the order of `indices` (an
    /// evaluator that loses results leaves errors in their place).
    fn run(
        &self,
        problem: &DgnnProblem,
        genomes: &[&DgnnGenome],
        context: &EvalContext,
        evaluator: &dyn Evaluator<DgnnProblem>,
    ) -> Vec<Result<Evaluation, EvaluationError>> {
        let tasks: Vec<&DgnnGenome> = self.indices.iter().map(|&i| genomes[i]).collect();
        let context = context.at_stage(self.fidelity.stage());
        let mut results = evaluator.evaluate_each(problem, &tasks, &context);
        let returned = results.len();
        results.truncate(tasks.len());
        while results.len() < tasks.len() {
            let message = format!(
                "the evaluator returned {returned} results for the {} tasks of the {:?}-fidelity \
                 stage",
                tasks.len(),
                self.fidelity
            );
            results.push(Err(message.into()));
        }
        results
    }
}

impl DgnnProblem {
    /// The first stage of a batch of `batch` genomes: every genome at low fidelity, or at full
    /// fidelity when the search has no low-fidelity estimate.
    #[must_use]
    pub fn first_stage(&self, batch: usize) -> Stage {
        let fidelity = if self.budgets.low.is_some() { Fidelity::Low } else { Fidelity::Full };
        Stage { fidelity, indices: (0..batch).collect() }
    }

    /// The stage that follows `first` given its results (`estimates`, in the order of its
    /// indices): the promoted genomes ([`DgnnProblem::promoted`]) at full fidelity, or none when
    /// `first` was already at full fidelity. A deterministic function of the estimates, so the
    /// batch's outcome does not depend on where the stages ran.
    #[must_use]
    pub fn second_stage(&self, first: &Stage, estimates: &[Evaluation]) -> Option<Stage> {
        (first.fidelity == Fidelity::Low).then(|| Stage {
            fidelity: Fidelity::Full,
            indices: self.promoted(estimates).into_iter().map(|i| first.indices[i]).collect(),
        })
    }
}

impl dgnn_evo::Problem for DgnnProblem {
    type Genome = DgnnGenome;

    fn describe(&self) -> String {
        self.description.clone()
    }

    fn objectives(&self) -> usize {
        self.objectives.len()
    }

    fn random_genome(&self, rng: &mut StreamRng) -> DgnnGenome {
        self.space.random_genome(rng)
    }

    /// Trains and measures `genome` at the fidelity of `context.stage` ([`Fidelity::stage`]).
    fn evaluate(
        &self,
        genome: &DgnnGenome,
        context: &EvalContext,
    ) -> Result<Evaluation, EvaluationError> {
        let fidelity = Fidelity::of_stage(context.stage).ok_or_else(|| {
            format!("stage {} is not a fidelity of the search (0 full, 1 low)", context.stage)
        })?;
        let (m, _) = self.measure(genome, fidelity)?;
        Ok(self.evaluation_of(&m))
    }

    /// The multi-fidelity batch (module docs): [`DgnnProblem::first_stage`], then, from its
    /// results, [`DgnnProblem::second_stage`], whose full-fidelity evaluations replace the
    /// estimates of the promoted genomes. Both stages run on `evaluator`.
    fn evaluate_batch(
        &self,
        genomes: &[&DgnnGenome],
        context: &EvalContext,
        evaluator: &dyn Evaluator<Self>,
    ) -> Vec<Result<Evaluation, EvaluationError>> {
        let first = self.first_stage(genomes.len());
        let mut results = first.run(self, genomes, context, evaluator);
        if results.iter().any(Result::is_err) {
            return results;
        }
        let estimates: Vec<Evaluation> = results.iter().flatten().cloned().collect();
        let Some(second) = self.second_stage(&first, &estimates) else {
            return results;
        };
        let full = second.run(self, genomes, context, evaluator);
        for (&i, result) in second.indices.iter().zip(full) {
            results[i] = result;
        }
        results
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn violation_is_the_relative_shortfall() {
        let c = Constraints { max_energy: Some(2.0), min_accuracy: Some(0.9) };
        assert!(c.violation(1.0, 0.95).abs() < 1e-15);
        assert!((c.violation(3.0, 0.95) - 0.5).abs() < 1e-15);
        assert!((c.violation(1.0, 0.85) - 0.05).abs() < 1e-12);
        assert!(Constraints { max_energy: Some(0.0), ..Constraints::default() }.check().is_err());
    }
}
