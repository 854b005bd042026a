//! The search driver: a user config ([`SearchConfig`], RON) becomes a [`Search`] — the problem,
//! the variation operator, the engine settings and the measured baseline — whose engine runs
//! (fresh or resumed from a checkpoint) and whose final state becomes a [`SearchResult`]: the
//! front re-measured at full fidelity on the validation and the (never used before) test part.
//!
//! Reported figures ([`SearchReport`]):
//! - the front: every non-dominated genome among the final population's first front and the
//!   Pareto archive, re-measured (a low-fidelity estimate may have put it there), one genome per
//!   distinct point;
//! - the *most accurate* member (by validation accuracy, ties to lower energy) and the
//!   *efficient* member: the lowest-energy member whose validation accuracy is within
//!   `efficient_within` (default 1 point) of the most accurate; both with test accuracy;
//! - `energy_ratio`: the efficient member's energy over the baseline's (a plain MLP, by default
//!   30-16-2 tanh, trained and measured the same way);
//! - the hypervolume of the front in normalised `(E/E_baseline, 1 − I/H(Y))` space against
//!   `(1, 1)`: the share of the unit square "cheaper than the baseline, knowing more than
//!   nothing" that the front dominates (1 would be a free perfect classifier).

use crate::error::NasError;
use crate::genome::DgnnGenome;
use crate::measure::{EstimationConfig, Measurement};
use crate::objective::{EnergyUnit, ObjectivesConfig};
use crate::problem::{Constraints, DgnnProblem, FinalMeasurement};
use crate::variation::{DgnnVariation, VariationConfig};
use dgnn_core::error::{at_least, in_range};
use dgnn_core::{ParamGuard, Progress, Seed, Valid};
use dgnn_evo::{
    Executor, GenerationReport, GenerationSummary, Genome, Nsga2, Nsga2Config, Observer, State,
    constrained_fronts, hypervolume_2d,
};
use dgnn_glia::{Architecture, DataSource, Dataset, PhaseLayer, TrainedNetwork};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::time::Instant;

/// The data the search runs on by default: the bundled WDBC (breast cancer) table.
fn default_data() -> DataSource {
    DataSource::Builtin("wdbc".into())
}

/// Settings of the evolutionary search (RON; every field optional).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EvolutionConfig {
    /// Population size (default 40; ≥ 4).
    pub population: usize,
    /// Generations counting the initial population (default 40; ≥ 1).
    pub generations: u64,
    /// Optional cap on evaluations (cache hits are free); a generation starts only if a whole
    /// population of evaluations fits (default none; ≥ `population`).
    pub max_evaluations: Option<u64>,
    /// Crossover and mutation settings.
    pub variation: VariationConfig,
}

impl Default for EvolutionConfig {
    fn default() -> Self {
        Self {
            population: 40,
            generations: 40,
            max_evaluations: None,
            variation: VariationConfig::default(),
        }
    }
}

fn default_seed() -> u64 {
    2026
}

fn default_baseline() -> Vec<usize> {
    vec![16]
}

fn default_within() -> f64 {
    0.01
}

/// The whole configuration of `dgnn search` (RON; every field optional).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchConfig {
    /// Master seed of every random stream (default 2026).
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// The data: `Builtin("wdbc")` (the default), or dgnn-glia's
    /// `Csv(path: "my.csv", label: Name("diagnosis"), header: true)`.
    #[serde(default = "default_data")]
    pub data: DataSource,
    /// The search space.
    #[serde(default)]
    pub space: crate::space::SearchSpace,
    /// Splits, training budgets of both fidelities, promotion and the energy model.
    #[serde(default)]
    pub estimation: EstimationConfig,
    /// Energy unit, information form and an optional third objective.
    #[serde(default)]
    pub objectives: ObjectivesConfig,
    /// Energy budget and minimum accuracy (default none).
    #[serde(default)]
    pub constraints: Constraints,
    /// Population, generations, evaluation budget, variation.
    #[serde(default)]
    pub evolution: EvolutionConfig,
    /// Hidden sizes of the baseline plain MLP the front is compared with (default `[16]`).
    #[serde(default = "default_baseline")]
    pub baseline: Vec<usize>,
    /// Accuracy margin of the efficient member (default 0.01, one point; in [0, 1]).
    #[serde(default = "default_within")]
    pub efficient_within: f64,
}

impl Default for SearchConfig {
    fn default() -> Self {
        Self {
            seed: default_seed(),
            data: default_data(),
            space: crate::space::SearchSpace::default(),
            estimation: EstimationConfig::default(),
            objectives: ObjectivesConfig::default(),
            constraints: Constraints::default(),
            evolution: EvolutionConfig::default(),
            baseline: default_baseline(),
            efficient_within: default_within(),
        }
    }
}

impl SearchConfig {
    /// The engine settings for this config with a given hypervolume reference point.
    fn nsga2(&self, reference_point: Option<Vec<f64>>) -> Nsga2Config {
        Nsga2Config {
            population: self.evolution.population,
            generations: self.evolution.generations,
            max_evaluations: self.evolution.max_evaluations,
            reference_point,
            eliminate_duplicates: true,
            cache: true,
            archive: true,
        }
    }

    /// Checks everything that can be checked without the data (the space is checked for one
    /// context here and again for the data's contexts by [`Search::new`]).
    pub fn check(&self) -> Result<(), NasError> {
        self.space.check(1)?;
        self.estimation.check()?;
        self.constraints.check()?;
        in_range("efficient_within", self.efficient_within, 0.0, 1.0)?;
        at_least("baseline (hidden sizes of the baseline MLP)", self.baseline.len(), 1)?;
        for (i, &n) in self.baseline.iter().enumerate() {
            at_least(&format!("baseline[{i}]"), n, 1)?;
        }
        self.nsga2(None).check().map_err(|e| e.within("evolution"))?;
        self.evolution.variation.check().map_err(|e| e.within("evolution"))?;
        Ok(())
    }
}

/// A member of the reported front (or the baseline).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberReport {
    /// One-line description of the genome.
    pub summary: String,
    /// The genome (the architecture).
    pub genome: DgnnGenome,
    /// Objectives on the validation part (minimised).
    pub objectives: Vec<f64>,
    /// Constraint violation (0 = feasible).
    pub violation: f64,
    /// Astrocytes per neuron over the whole network.
    pub glia_ratio: f64,
    /// Validation measurement (full fidelity).
    pub validation: Measurement,
    /// Test measurement.
    pub test: Measurement,
    /// Test accuracy on each context's (task's) samples; empty for single-context data.
    #[serde(default)]
    pub test_accuracy_by_context: Vec<f64>,
}

impl MemberReport {
    fn of(m: &FinalMeasurement) -> Self {
        Self {
            summary: m.genome.summary(),
            genome: m.genome.clone(),
            objectives: m.evaluation.objectives.clone(),
            violation: m.evaluation.violation,
            glia_ratio: m.genome.glia_ratio(),
            validation: m.validation.clone(),
            test: m.test.clone(),
            test_accuracy_by_context: m.test_accuracy_by_context.clone(),
        }
    }
}

/// One generation of the run as reports list it: dgnn-evo's [`GenerationSummary`] (without its
/// feasible count, which reports never held) and the normalised hypervolume, built from the
/// engine's summary in one place (`HistoryRecord::of`); a separate type because `history.csv`
/// and `result.json` keep their columns while the checkpoint keeps the engine's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryRecord {
    /// Generation (0 = initial population).
    pub generation: u64,
    /// Evaluations so far.
    pub evaluations: u64,
    /// Cache hits so far.
    pub cache_hits: u64,
    /// Size of the population's first front.
    pub front_size: usize,
    /// Size of the Pareto archive.
    pub archive_size: usize,
    /// Hypervolume of the population's feasible first front, in objective units, against the
    /// reference point.
    pub hypervolume: Option<f64>,
    /// The same divided by the volume between the objectives' ideal values and the reference
    /// point (in [0, 1]); none when an objective has no finite ideal.
    pub hypervolume_normalised: Option<f64>,
}

impl HistoryRecord {
    /// The report's row for the engine's summary of a generation, the hypervolume divided by
    /// `scale` (see [`HistoryRecord::hypervolume_normalised`]) when there is one.
    fn of(summary: &GenerationSummary, scale: Option<f64>) -> Self {
        Self {
            generation: summary.generation,
            evaluations: summary.evaluations,
            cache_hits: summary.cache_hits,
            front_size: summary.front_size,
            archive_size: summary.archive_size,
            hypervolume: summary.hypervolume,
            hypervolume_normalised: summary.hypervolume.zip(scale).map(|(hv, s)| hv / s),
        }
    }
}

/// The data and its parts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataSummary {
    /// Name of the data set.
    pub name: String,
    /// Samples.
    pub samples: usize,
    /// Features.
    pub features: usize,
    /// Class names.
    pub classes: Vec<String>,
    /// Samples in the training, validation, test and low-fidelity parts.
    pub parts: [usize; 4],
    /// The data fingerprint (hex).
    pub fingerprint: String,
    /// Contexts (tasks) the networks serve (1 for single-task data; absent in older reports).
    #[serde(default = "one_context")]
    pub contexts: usize,
}

fn one_context() -> usize {
    1
}

/// What a search found (module docs); the machine-readable core of a run folder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchReport {
    /// The data.
    pub data: DataSummary,
    /// Objective names, in order.
    pub objective_names: Vec<String>,
    /// The hypervolume reference point (from the baseline).
    pub reference_point: Vec<f64>,
    /// The energy model's name.
    pub energy_model: String,
    /// The energy objective's unit.
    pub energy_unit: EnergyUnit,
    /// Generations completed.
    pub generations: u64,
    /// Evaluations made (cache hits excluded).
    pub evaluations: u64,
    /// Evaluations answered by the cache.
    pub cache_hits: u64,
    /// The baseline plain MLP.
    pub baseline: MemberReport,
    /// The front, by increasing energy.
    pub front: Vec<MemberReport>,
    /// One record per generation.
    pub history: Vec<HistoryRecord>,
    /// Hypervolume of the front in normalised `(E/E_baseline, 1 − I/H)` space against (1, 1).
    pub hypervolume_normalised: f64,
    /// Index into `front` of the most accurate member.
    pub most_accurate: usize,
    /// Index into `front` of the efficient member.
    pub efficient: usize,
    /// Energy of the efficient member over the baseline's.
    pub energy_ratio: f64,
}

/// A report with the trained networks of the front and of the baseline.
#[derive(Debug, Clone)]
pub struct SearchResult {
    /// The figures.
    pub report: SearchReport,
    /// The trained front members, in the order of `report.front`.
    pub models: Vec<TrainedNetwork>,
    /// The trained baseline.
    pub baseline_model: TrainedNetwork,
}

/// A configured search (module docs).
#[derive(Debug)]
pub struct Search {
    config: SearchConfig,
    problem: DgnnProblem,
    variation: DgnnVariation,
    nsga2: Valid<Nsga2Config>,
    baseline: FinalMeasurement,
}

/// The engine of a search: NSGA-II with the search's operator, run by dgnn-evo's executor.
pub type SearchEngine<'s> = Executor<'s, DgnnProblem, Nsga2<&'s DgnnVariation>>;

/// The baseline architecture: a plain MLP (with a non-gating phase layer serving the contexts
/// of multitask data, which a plain network cannot).
fn baseline_genome(hidden: &[usize], contexts: usize) -> DgnnGenome {
    let mut arch = Architecture::plain(hidden);
    if contexts > 1 {
        arch.phase = Some(PhaseLayer { coupling: 0.0, contexts, ..PhaseLayer::default() });
    }
    DgnnGenome(arch)
}

impl Search {
    /// Checks `config`, splits `data`, builds the problem and the operator, and trains and
    /// measures the baseline (which fixes the hypervolume reference point).
    pub fn new(config: SearchConfig, data: &Dataset) -> Result<Self, NasError> {
        config.check()?;
        let space = config.space.check(data.n_contexts())?;
        let problem = DgnnProblem::new(
            data,
            space.clone(),
            &config.estimation,
            config.objectives.build(),
            config.constraints.clone(),
            Seed(config.seed),
        )?;
        let variation = DgnnVariation::new(space, config.evolution.variation.clone())?;
        let genome = baseline_genome(&config.baseline, data.n_contexts());
        let baseline = problem.measure_final(std::slice::from_ref(&genome))?.remove(0);
        let reference: Vec<f64> =
            problem.objective_list().iter().map(|o| o.reference(&baseline.validation)).collect();
        let nsga2 = config
            .nsga2((2..=3).contains(&reference.len()).then_some(reference))
            .check()
            .map_err(|e| e.within("evolution"))?;
        Ok(Self { config, problem, variation, nsga2, baseline })
    }

    /// The config.
    #[must_use]
    pub fn config(&self) -> &SearchConfig {
        &self.config
    }

    /// The problem.
    #[must_use]
    pub fn problem(&self) -> &DgnnProblem {
        &self.problem
    }

    /// The variation operator.
    #[must_use]
    pub fn variation(&self) -> &DgnnVariation {
        &self.variation
    }

    /// The engine settings (with the reference point from the baseline).
    #[must_use]
    pub fn nsga2_config(&self) -> &Valid<Nsga2Config> {
        &self.nsga2
    }

    /// The baseline's validation and test measurement.
    #[must_use]
    pub fn baseline(&self) -> &FinalMeasurement {
        &self.baseline
    }

    /// A fresh engine; add a checkpoint, a stop flag and observers with its builder.
    pub fn engine(&self) -> Result<SearchEngine<'_>, NasError> {
        let nsga2 = Nsga2::new(&self.variation, self.nsga2.clone());
        Ok(Executor::new(&self.problem, nsga2, self.problem.seed())?)
    }

    /// An engine continuing the run saved in `checkpoint` (refused when it was written for
    /// another problem, operator, data or seed).
    pub fn resume(&self, checkpoint: &Path) -> Result<SearchEngine<'_>, NasError> {
        Ok(Executor::resume(&self.problem, checkpoint, |config| {
            Nsga2::new(&self.variation, config)
        })?)
    }

    /// The product of `|reference − ideal|` over the objectives, if every ideal is finite.
    fn hypervolume_scale(&self) -> Option<f64> {
        let reference = self.nsga2.reference_point.as_ref()?;
        let base = &self.baseline.validation;
        let mut scale = 1.0;
        for (o, r) in self.problem.objective_list().iter().zip(reference) {
            scale *= (r - o.ideal(base)?).abs();
        }
        (scale > 0.0).then_some(scale)
    }

    /// Re-measures the final front at full fidelity on the validation and test parts and
    /// assembles the report (module docs). The test part is used here for the first time.
    pub fn finish(&self, state: &State<DgnnGenome>) -> Result<SearchResult, NasError> {
        let mut candidates: Vec<DgnnGenome> = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        let from_front = state.front().into_iter().map(|i| &i.genome);
        for genome in state.archive.members().iter().map(|i| &i.genome).chain(from_front) {
            if seen.insert(genome.key()) {
                candidates.push(genome.clone());
            }
        }
        let measured = self.problem.measure_final(&candidates)?;
        let first =
            constrained_fronts(&measured.iter().map(|m| m.evaluation.clone()).collect::<Vec<_>>())
                .into_iter()
                .next()
                .unwrap_or_default();
        let mut front: Vec<&FinalMeasurement> = first.iter().map(|&i| &measured[i]).collect();
        front.sort_by(|a, b| {
            a.evaluation.objectives[0]
                .total_cmp(&b.evaluation.objectives[0])
                .then(a.genome.key().cmp(&b.genome.key()))
        });
        // Genomes that build different but equally good networks (a phase layer without
        // gating, say) share one point: keep the first, as the archive does.
        front.dedup_by(|b, a| a.evaluation == b.evaluation);
        let energy = |m: &FinalMeasurement| m.evaluation.objectives[0];
        let most_accurate = (0..front.len())
            .min_by(|&a, &b| {
                front[b]
                    .validation
                    .accuracy
                    .total_cmp(&front[a].validation.accuracy)
                    .then(a.cmp(&b))
            })
            .unwrap_or(0);
        let best = front.get(most_accurate).map_or(0.0, |m| m.validation.accuracy);
        let efficient = (0..front.len())
            .filter(|&i| {
                front[i].validation.accuracy >= best - self.config.efficient_within - 1e-12
            })
            .min_by(|&a, &b| energy(front[a]).total_cmp(&energy(front[b])).then(a.cmp(&b)))
            .unwrap_or(0);
        let base = &self.baseline;
        let energy_ratio = front
            .get(efficient)
            .map_or(f64::NAN, |m| m.validation.energy_joules / base.validation.energy_joules);
        let normalised: Vec<[f64; 2]> = front
            .iter()
            .map(|m| {
                let v = &m.validation;
                [
                    v.energy_joules / base.validation.energy_joules,
                    1.0 - v.information_bits / v.label_entropy_bits.max(f64::MIN_POSITIVE),
                ]
            })
            .collect();
        let scale = self.hypervolume_scale();
        let splits = self.problem.splits();
        let history = state.history.iter().map(|h| HistoryRecord::of(h, scale)).collect();
        let data_summary = DataSummary {
            name: splits.train.name().into(),
            samples: splits.train.len() + splits.validation.len() + splits.test.len(),
            features: splits.train.n_features(),
            classes: splits.train.class_names().to_vec(),
            parts: [
                splits.train.len(),
                splits.validation.len(),
                splits.test.len(),
                splits.low_fidelity.len(),
            ],
            fingerprint: format!("{:016x}", self.problem.data_fingerprint()),
            contexts: self.problem.space().contexts(),
        };
        let report = SearchReport {
            data: data_summary,
            objective_names: self.problem.objective_list().iter().map(|o| o.name()).collect(),
            reference_point: self.nsga2.reference_point.clone().unwrap_or_default(),
            energy_model: self.config.estimation.energy.name().into(),
            energy_unit: self.config.objectives.energy_unit,
            generations: state.generation,
            evaluations: state.evaluations,
            cache_hits: state.cache_hits,
            baseline: MemberReport::of(base),
            front: front.iter().map(|m| MemberReport::of(m)).collect(),
            history,
            hypervolume_normalised: hypervolume_2d(&normalised, [1.0, 1.0]),
            most_accurate,
            efficient,
            energy_ratio,
        };
        Ok(SearchResult {
            models: front.iter().map(|m| m.model.clone()).collect(),
            baseline_model: base.model.clone(),
            report,
        })
    }
}

/// An observer that shows a search's progress: generation, evaluations per second, front size,
/// best validation accuracy and lowest energy measured (one `advance` per generation).
pub struct SearchObserver<'a> {
    progress: &'a dyn Progress,
    problem: &'a DgnnProblem,
    unit: &'static str,
    started: Instant,
    evaluations_before: u64,
}

impl<'a> SearchObserver<'a> {
    /// Reports to `progress`; `evaluations_before` is the number of evaluations already made
    /// when this process started (non-zero after a resume), so the rate counts this process's
    /// work only. The caller calls `progress.start` with the number of generations.
    #[must_use]
    pub fn new(progress: &'a dyn Progress, search: &'a Search, evaluations_before: u64) -> Self {
        let unit = match search.config.objectives.energy_unit {
            EnergyUnit::Atp => "ATP",
            EnergyUnit::Joules => "J",
        };
        Self {
            progress,
            problem: &search.problem,
            unit,
            started: Instant::now(),
            evaluations_before,
        }
    }
}

impl Observer<DgnnGenome> for SearchObserver<'_> {
    fn observe(&mut self, report: &GenerationReport<'_, DgnnGenome>) {
        let s = report.summary;
        let seconds = self.started.elapsed().as_secs_f64().max(1e-9);
        let rate = s.evaluations.saturating_sub(self.evaluations_before) as f64 / seconds;
        let tally = self.problem.tally();
        let lowest = tally.lowest_energy.map_or_else(|| "-".into(), |e| format!("{e:.3e}"));
        self.progress.message(&format!(
            "gen {} · {rate:.1} eval/s · front {} · best acc {:.3} · min E {lowest} {}",
            s.generation, s.front_size, tally.best_accuracy, self.unit
        ));
        self.progress.advance(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_errors_name_the_field() {
        let mut c = SearchConfig::default();
        c.evolution.population = 2;
        assert!(c.check().unwrap_err().to_string().contains("evolution.population"));
        let mut c = SearchConfig::default();
        c.evolution.max_evaluations = Some(3);
        assert!(c.check().unwrap_err().to_string().contains("evolution.max_evaluations"));
        let mut c = SearchConfig::default();
        c.evolution.variation.mutation_probability = 1.5;
        let text = c.check().unwrap_err().to_string();
        assert!(text.contains("evolution.variation.mutation_probability"), "{text}");
        let c = SearchConfig { baseline: vec![4, 0], ..SearchConfig::default() };
        assert!(c.check().unwrap_err().to_string().contains("baseline[1]"));
        let text = "(evolution: (population: 8, colour: 3))";
        assert!(ron::from_str::<SearchConfig>(text).unwrap_err().to_string().contains("colour"));
    }

    #[test]
    fn baseline_serves_every_context() {
        let g = baseline_genome(&[16], 3);
        assert_eq!(g.architecture().phase.as_ref().map(|p| p.contexts), Some(3));
        assert!(g.architecture().clone().check().is_ok());
        assert!(baseline_genome(&[16], 1).architecture().phase.is_none());
    }
}
