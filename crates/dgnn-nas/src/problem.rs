//! The DGNN search as a [`dgnn_evo::Problem`]: genomes are trained with dgnn-glia and measured
//! on the validation part ([`Estimator`]); objectives and constraint violation come from the
//! measurement. A [`DgnnProblem`] is made by [`Search::problem`](crate::Search::problem) once the
//! baseline is measured, because the baseline resolves the relative constraints.
//!
//! # Multi-fidelity evaluation as distributable stages
//! The engine hands over the cache misses of a generation as one batch. Its evaluation is two
//! [`Stage`]s, each an explicit list of independent `(index, genome)` tasks at one fidelity, with
//! a deterministic selection between them:
//! 1. **estimate** ([`DgnnProblem::first_stage`]): every genome of the batch at low fidelity;
//! 2. **select** ([`DgnnProblem::promoted`]): the batch is ranked on those estimates by
//!    constrained non-dominated sorting and crowding distance (Deb et al. 2002), and the best
//!    `⌈promote_fraction · n⌉` go on — successive halving in one step (Jamieson & Talwalkar
//!    2016, Li et al. 2018's Hyperband bracket), with the multi-objective rank in place of a
//!    loss;
//! 3. **confirm** ([`DgnnProblem::second_stage`]): the promoted genomes at full fidelity, whose
//!    measurement replaces their estimate. The others keep their low-fidelity evaluation (and
//!    the cache keeps it).
//!
//! Without a low-fidelity config the first stage is already at full fidelity and there is no
//! second. Each stage runs on the executor's [`dgnn_evo::Evaluator`]: a task is
//! `Problem::evaluate(genome, context)` with the fidelity in `context.stage`
//! ([`Fidelity::stage`]), a function of the genome, the master seed and the stage only (the
//! training seed comes from the genome's key, see [`Estimator`]). So the local evaluator runs a
//! stage's tasks on rayon's threads, costliest first (by the network's multiply-adds), gathering them
//! by index, and an evaluator on other machines (MPI ranks, say) can
//! farm the same tasks out and gather them by index: the selection sees the same estimates
//! either way, and the run is bit-identical. The engine never learns how a stage ran.

use crate::baseline::Baseline;
use crate::constraints::ResolvedConstraints;
use crate::error::NasError;
use crate::estimator::Estimator;
use crate::estimator::FinalMeasurement;
use crate::genome::DgnnGenome;
use crate::measure::{Fidelity, Measurement, SupplyDecline};
use crate::objective::Objectives;
use crate::space::ValidSearchSpace;
use dgnn_core::StreamRng;
use dgnn_core::Valid;
use dgnn_evo::{
    EvalContext, Evaluation, EvaluationError, Evaluator, Phase, PhaseClock, rank_and_crowding,
};
use dgnn_glia::Consolidation;
use std::borrow::Cow;

/// The DGNN architecture search problem (module docs).
pub struct DgnnProblem<'s> {
    estimator: &'s Estimator,
    space: &'s ValidSearchSpace,
    objectives: &'s Objectives,
    constraints: ResolvedConstraints,
    baseline: &'s Baseline,
    /// A sleep–wake search's clock and its quiet phases' consolidation.
    quiet: Option<(PhaseClock, Valid<Consolidation>)>,
    description: String,
}

impl std::fmt::Debug for DgnnProblem<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.description)
    }
}

/// The parts of a [`DgnnProblem`] (all owned by the [`Search`](crate::Search) and its baseline).
pub(crate) struct ProblemParts<'s> {
    pub(crate) estimator: &'s Estimator,
    pub(crate) space: &'s ValidSearchSpace,
    pub(crate) objectives: &'s Objectives,
    pub(crate) constraints: ResolvedConstraints,
    /// The constraints as configured, for the description.
    pub(crate) constraints_text: String,
    pub(crate) baseline: &'s Baseline,
    /// A sleep–wake search's clock and quiet consolidation (the constraints carry its budgets).
    pub(crate) quiet: Option<(PhaseClock, Valid<Consolidation>)>,
    /// The strategy as configured, for the description (empty for NSGA-II).
    pub(crate) strategy_text: String,
}

impl<'s> DgnnProblem<'s> {
    /// The problem made of `parts`; its description (which checkpoints compare) names the data,
    /// the seed, the objectives, the constraints as configured, the estimation and the space.
    pub(crate) fn new(parts: ProblemParts<'s>) -> Self {
        let ProblemParts {
            estimator,
            space,
            objectives,
            constraints,
            constraints_text,
            baseline,
            quiet,
            strategy_text,
        } = parts;
        let description = format!(
            "dgnn-nas({}; objectives={}; constraints={constraints_text}; estimation={}; \
             space={}{strategy_text})",
            estimator.data_description(),
            objectives.names().join(","),
            ron::to_string(estimator.estimation().config()).unwrap_or_default(),
            ron::to_string(space.get()).unwrap_or_default(),
        );
        Self { estimator, space, objectives, constraints, baseline, quiet, description }
    }

    /// The estimator that trains and measures genomes.
    #[must_use]
    pub fn estimator(&self) -> &'s Estimator {
        self.estimator
    }

    /// The search space.
    #[must_use]
    pub fn space(&self) -> &'s ValidSearchSpace {
        self.space
    }

    /// The objectives, by role.
    #[must_use]
    pub fn objective_set(&self) -> &'s Objectives {
        self.objectives
    }

    /// The constraints with the relative bounds resolved against the baseline.
    #[must_use]
    pub fn constraints(&self) -> &ResolvedConstraints {
        &self.constraints
    }

    /// The measured baseline.
    #[must_use]
    pub fn baseline(&self) -> &'s Baseline {
        self.baseline
    }

    /// The hypervolume reference point: each objective's reference value for the baseline's
    /// validation measurement, for 2 or 3 objectives (dgnn-evo's exact hypervolume); none
    /// otherwise.
    #[must_use]
    pub fn reference_point(&self) -> Option<Vec<f64>> {
        let reference = self.objectives.reference_point(&self.baseline.measured().validation);
        (2..=3).contains(&reference.len()).then_some(reference)
    }

    /// The volume between the objectives' ideal values and the reference point, by which
    /// normalised hypervolumes divide; none without a reference point or a finite ideal.
    #[must_use]
    pub fn hypervolume_scale(&self) -> Option<f64> {
        self.reference_point()?;
        self.objectives.ideal_box_volume(&self.baseline.measured().validation)
    }

    /// Objectives and violation of a measurement in generation `generation` (the budget of
    /// an energy schedule depends on it). With a schedule the evaluation keeps the energy (in
    /// the search's unit) and the validation accuracy as its measures, so that the engine can
    /// re-assess it in later generations (this problem's `dgnn_evo::Problem::violation_at`).
    #[must_use]
    pub fn evaluation_at(&self, m: &Measurement, generation: u64) -> Evaluation {
        let evaluation = Evaluation::new(
            self.objectives.values(m),
            self.constraints.violation_at(m, generation),
        );
        if self.constraints.vary() {
            evaluation.with_measures(vec![m.energy_in(self.constraints.unit()), m.accuracy])
        } else {
            evaluation
        }
    }

    /// The quiet phases' consolidation if generation `generation` is a quiet one of a
    /// sleep–wake search.
    fn quiet_consolidation(&self, generation: u64) -> Option<&Valid<Consolidation>> {
        let (clock, settings) = self.quiet.as_ref()?;
        (clock.phase(generation) == Phase::Quiet).then_some(settings)
    }

    /// Re-trains `genomes` at full fidelity as generation `generation` measures them (with the
    /// quiet consolidation in a sleep–wake search's quiet phase) and measures them on the
    /// validation and the test part.
    ///
    /// # Errors
    /// The glia crate's refusal to build or train a genome.
    pub fn measure_final(
        &self,
        genomes: &[DgnnGenome],
        generation: u64,
    ) -> Result<Vec<FinalMeasurement>, NasError> {
        match self.quiet_consolidation(generation) {
            Some(settings) => self.estimator.measure_final_consolidated(genomes, settings),
            None => self.estimator.measure_final(genomes),
        }
    }

    /// The decline of the glial supply, if the search has one.
    fn supply_decline(&self) -> Option<&SupplyDecline> {
        self.estimator.estimation().config().supply_decline.as_ref()
    }

    /// The network `genome` builds in generation `generation`: the genome itself (borrowed),
    /// or with its supply declined once the decline has begun.
    #[must_use]
    pub fn phenotype<'g>(&self, genome: &'g DgnnGenome, generation: u64) -> Cow<'g, DgnnGenome> {
        match self.supply_decline() {
            Some(decline) if decline.regime(generation) == 1 => {
                Cow::Owned(decline.phenotype(genome, generation))
            }
            _ => Cow::Borrowed(genome),
        }
    }

    /// Indices of the batch members promoted to full fidelity: the best
    /// `⌈promote_fraction · n⌉` by constrained rank, then larger crowding distance, then index.
    #[must_use]
    pub fn promoted(&self, estimates: &[Evaluation]) -> Vec<usize> {
        let n = estimates.len();
        let share = self.estimator.estimation().promote_fraction();
        let count = ((share * n as f64).ceil() as usize).clamp(1, n.max(1));
        let (rank, crowding) = rank_and_crowding(estimates);
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| {
            rank[a].cmp(&rank[b]).then(crowding[b].total_cmp(&crowding[a])).then(a.cmp(&b))
        });
        order.truncate(count.min(n));
        order.sort_unstable();
        order
    }

    /// The first stage of a batch of `batch` genomes: every genome at low fidelity, or at full
    /// fidelity when the search has no low-fidelity estimate.
    #[must_use]
    pub fn first_stage(&self, batch: usize) -> Stage {
        let low = self.estimator.estimation().low().is_some();
        let fidelity = if low { Fidelity::Low } else { Fidelity::Full };
        Stage { fidelity, indices: (0..batch).collect() }
    }

    /// The stage that follows `first` given its results (`estimates`, in the order of its
    /// indices): the promoted genomes ([`DgnnProblem::promoted`]) at full fidelity, or none
    /// when `first` was already at full fidelity. A deterministic function of the estimates,
    /// so the batch's outcome does not depend on where the stages ran.
    #[must_use]
    pub fn second_stage(&self, first: &Stage, estimates: &[Evaluation]) -> Option<Stage> {
        (first.fidelity == Fidelity::Low).then(|| Stage {
            fidelity: Fidelity::Full,
            indices: self.promoted(estimates).into_iter().map(|i| first.indices[i]).collect(),
        })
    }
}

/// One stage of a batch's evaluation: independent evaluations of some of the batch's genomes
/// at one fidelity, each keyed by the genome's index in the batch (module docs). Any
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
    fn run<'s>(
        &self,
        problem: &DgnnProblem<'s>,
        genomes: &[&DgnnGenome],
        context: &EvalContext,
        evaluator: &dyn Evaluator<DgnnProblem<'s>>,
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

impl dgnn_evo::Problem for DgnnProblem<'_> {
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

    /// A genome read from a checkpoint must lie in the space ([`ValidSearchSpace::validate`]).
    fn check_genome(&self, genome: &DgnnGenome) -> Result<(), EvaluationError> {
        Ok(self.space.validate(genome)?)
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
        let phenotype = self.phenotype(genome, context.generation);
        let (m, _) = match self.quiet_consolidation(context.generation) {
            Some(settings) => {
                self.estimator.measure_consolidated(&phenotype, fidelity, settings)?
            }
            None => self.estimator.measure(&phenotype, fidelity)?,
        };
        Ok(self.evaluation_at(&m, context.generation))
    }

    /// The multiply-adds of one presentation of a sample to the genome's network (times the
    /// astrocyte iterations): only used to start the costliest trainings of a stage first.
    fn cost_hint(&self, genome: &DgnnGenome, _context: &EvalContext) -> f64 {
        let data = &self.estimator.splits().train;
        presentation_cost(&genome.0, data.n_features(), data.n_classes())
    }

    /// Two bits: the glial supply has declined (`estimation.supply_decline`), and the
    /// generation is a quiet one of a sleep–wake search (its networks are consolidated).
    fn regime(&self, generation: u64) -> u64 {
        let declined = self.supply_decline().map_or(0, |d| d.regime(generation));
        2 * declined + u64::from(self.quiet_consolidation(generation).is_some())
    }

    /// True with an energy schedule (`constraints.energy_schedule`).
    fn constraints_vary(&self) -> bool {
        self.constraints.vary()
    }

    /// The violation under generation `generation`'s budget, from the energy and accuracy the
    /// evaluation keeps ([`DgnnProblem::evaluation_at`]).
    fn violation_at(&self, evaluation: &Evaluation, generation: u64) -> f64 {
        match evaluation.measures[..] {
            [energy, accuracy] => self.constraints.violation_of(energy, accuracy, generation),
            // Not an evaluation of this problem with a schedule: keep it as it was made.
            _ => evaluation.violation,
        }
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

/// The multiply-adds of one presentation of a sample to a network of `arch` with `features`
/// inputs and `classes` outputs, a proxy for its training time within a stage: Σ over layers of
/// inputs × outputs (doubled for the stacked inputs of astrocyte-modulated layers) plus one per
/// unit, times the astrocyte iterations.
fn presentation_cost(arch: &dgnn_glia::Architecture, features: usize, classes: usize) -> f64 {
    let widths: Vec<usize> = std::iter::once(features)
        .chain(arch.regions.iter().map(|r| r.neurons))
        .chain(std::iter::once(classes))
        .collect();
    let modulated = arch.astrocytes.is_some();
    let products: usize = widths
        .windows(2)
        .enumerate()
        .map(|(l, w)| w[0] * w[1] * if l > 0 && modulated { 2 } else { 1 })
        .sum();
    let units: usize = widths[1..].iter().sum();
    let iterations = arch.astrocytes.as_ref().map_or(1, |rule| rule.iterations);
    ((products + units) * iterations) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use dgnn_glia::{Architecture, AstrocyteRule};

    #[test]
    fn presentation_cost_counts_the_products_units_and_iterations() {
        // 4 inputs → 3 → 2 → 3 classes: 4·3 + 3·2 + 2·3 = 24 products and 3 + 2 + 3 = 8 units.
        let plain = Architecture::plain(&[3, 2]);
        assert_eq!(presentation_cost(&plain, 4, 3).to_bits(), 32f64.to_bits());
        // With the astrocyte rule (k iterations), the layers after the first read stacked
        // inputs: 4·3 + 2·(3·2) + 2·(2·3) = 36 products, (36 + 8)·k.
        let rule = AstrocyteRule { iterations: 4, ..AstrocyteRule::default() };
        let modulated = Architecture { astrocytes: Some(rule), ..plain };
        assert_eq!(presentation_cost(&modulated, 4, 3).to_bits(), 176f64.to_bits());
    }
}
