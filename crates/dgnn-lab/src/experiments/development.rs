//! `development`: energy-driven architecture selection as in brain development, and what glial
//! dysfunction does to it.
//!
//! The paper describes brain development as a metabolic architecture search: synapses are
//! overproduced, then pruned by glia under energy constraints; human synaptic density rises after
//! birth to about 1.5 times the adult level and is pruned back over childhood and adolescence
//! (Huttenlocher 1979; Huttenlocher & Dabholkar 1997). It links glial dysfunction to autism
//! (too many synapses: under-pruning) and to Alzheimer's disease (synapse loss). Arms, at equal
//! population and generations, on every data set and seed:
//! - **(a) developmental**: the energy budget follows a developmental schedule (generous, then
//!   tightened to the adult budget), with healthy glial pruning;
//! - **(b) constant**: the adult budget from the first generation, healthy pruning;
//! - **(c) no budget**: healthy pruning;
//! - **(d) impaired pruning** (the ASD-like arm): (a) with the pruning weakened by a stated
//!   factor;
//! - **(e) declining supply** (the AD-like arm): (a) with the astrocytes' energy supply falling
//!   by a stated factor from the first generation at the adult budget.
//!
//! Tracked every generation: the population's mean synapse count (expected from the genomes'
//! densities, after the arm's pruning), neurons, glia ratio and energy. Analysed: whether (a)'s
//! synapse count rises then falls, the final fronts' hypervolume of (a) against (b), and what
//! (d) and (e) do to synapses, energy and accuracy against (a). The clinical words are
//! analogies.

use std::collections::BTreeMap;

use dgnn_core::{ParamError, ParamGuard};
use dgnn_glia::Dataset;
use dgnn_nas::{
    Consolidation, DgnnGenome, EnergySchedule, GenerationReport, RunOptions, Search, SearchConfig,
    SupplyDecline,
};
use dgnn_plot::Plot;
use serde::{Deserialize, Serialize};

use crate::LabError;
use crate::experiment::{Analysis, Common, Experiment, ExperimentInfo, Figure, Table};
use crate::experiments::energy_information::member_of;
use crate::fronts::{Member, most_accurate};
use crate::report::{format_interval, median_cell, significant};
use crate::rule::{Condition, DecisionRule, QuantitySpec, Side};
use crate::stats::Interval;
use crate::stats::bootstrap::pooled_interval;

/// The experiment (module docs).
#[derive(Debug, Clone, Copy, Default)]
pub struct Development;

/// The config (RON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DevelopmentConfig {
    /// Seeds, claims and intervals.
    pub common: Common,
    /// Bundled data sets searched.
    pub datasets: Vec<String>,
    /// The developmental schedule of arms (a), (d) and (e) (a `Developmental` schedule); (b)
    /// keeps its adult budget from the start.
    pub schedule: EnergySchedule,
    /// Healthy glial pruning (dgnn-search's `estimation.pruning`; no energy budget, so the
    /// pruning is the same share in every generation).
    pub pruning: Consolidation,
    /// The impaired arm's pruning: `prune_fraction` and `max_prune_fraction` times this (in
    /// (0, 1)).
    pub impaired_pruning_factor: f64,
    /// The declining arm's supply per astrocyte from the first adult generation on: this share
    /// of its gene (in (0, 1)).
    pub supply_decline_factor: f64,
    /// The search every arm runs. Per item the experiment sets `seed`, `data`, the energy
    /// schedule, the pruning and the supply decline; everything else is held equal.
    pub search: SearchConfig,
}

/// An arm of the design.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Arm {
    /// (a) Developmental schedule, healthy glia.
    Developmental,
    /// (b) The adult budget from the start, healthy glia.
    Constant,
    /// (c) No budget, healthy glia.
    NoBudget,
    /// (d) Developmental schedule, impaired glial pruning (ASD-like).
    ImpairedPruning,
    /// (e) Developmental schedule, glial supply declining once adult (AD-like).
    DecliningSupply,
}

impl Arm {
    const ALL: [Self; 5] = [
        Self::Developmental,
        Self::Constant,
        Self::NoBudget,
        Self::ImpairedPruning,
        Self::DecliningSupply,
    ];

    fn label(self) -> &'static str {
        match self {
            Self::Developmental => "(a) developmental",
            Self::Constant => "(b) constant adult budget",
            Self::NoBudget => "(c) no budget",
            Self::ImpairedPruning => "(d) impaired pruning",
            Self::DecliningSupply => "(e) declining supply",
        }
    }
}

/// One search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// Bundled data set.
    pub dataset: String,
    /// Seed.
    pub seed: u64,
    /// Arm.
    pub arm: Arm,
}

/// The population after one generation (means over its members).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GenerationPoint {
    /// Expected synapses: each layer's density × inputs × outputs, summed, times the share the
    /// arm's pruning keeps.
    pub synapses: f64,
    /// Hidden neurons.
    pub neurons: f64,
    /// Astrocytes per neuron.
    pub glia_ratio: f64,
    /// Energy per inference, ATP (validation, as the search measured it).
    pub energy_atp: f64,
    /// Share of the population within the generation's budget.
    pub feasible_share: f64,
}

/// What one search found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// One point per generation.
    pub trajectory: Vec<GenerationPoint>,
    /// The final front (validation and test figures).
    pub front: Vec<Member>,
    /// Normalised hypervolume of the final front (validation, against the baseline MLP, which
    /// every arm shares: it is never pruned).
    pub hypervolume: f64,
    /// The baseline MLP's energy per inference, ATP.
    pub baseline_energy_atp: f64,
    /// Problem evaluations (arm (e) re-evaluates its population once at the decline).
    pub evaluations: u64,
}

const QUANTITIES: &[QuantitySpec] = &[
    QuantitySpec {
        name: "hypervolume_gain_developmental_over_constant",
        meaning: "normalised hypervolume of the developmental arm's final front minus the \
                  constant-budget arm's (mean over data sets)",
    },
    QuantitySpec {
        name: "synapse_rise_developmental",
        meaning: "the developmental arm's peak mean synapse count over its initial one \
                  (geometric mean over data sets)",
    },
    QuantitySpec {
        name: "synapse_peak_over_final_developmental",
        meaning: "the developmental arm's peak mean synapse count over its final one \
                  (geometric mean over data sets)",
    },
    QuantitySpec {
        name: "synapse_ratio_impaired_over_healthy",
        meaning: "final mean synapse count of the impaired-pruning arm over the developmental \
                  arm's (geometric mean over data sets)",
    },
    QuantitySpec {
        name: "energy_ratio_impaired_over_healthy",
        meaning: "final mean energy per inference of the impaired-pruning arm over the \
                  developmental arm's (geometric mean over data sets)",
    },
    QuantitySpec {
        name: "accuracy_loss_impaired_points",
        meaning: "best test accuracy of the developmental arm minus the impaired-pruning \
                  arm's, in points (mean over data sets)",
    },
    QuantitySpec {
        name: "synapse_ratio_decline_over_healthy",
        meaning: "final mean synapse count of the declining-supply arm over the developmental \
                  arm's (geometric mean over data sets)",
    },
    QuantitySpec {
        name: "accuracy_loss_decline_points",
        meaning: "best test accuracy of the developmental arm minus the declining-supply \
                  arm's, in points (mean over data sets)",
    },
];

fn rules() -> Vec<DecisionRule> {
    let c = |quantity: &str, holds_if| Condition { quantity: quantity.into(), holds_if };
    vec![
        DecisionRule {
            claim: "at equal evaluations, a developmental energy schedule finds a better final \
                    front than the adult budget from the start"
                .into(),
            conditions: vec![c("hypervolume_gain_developmental_over_constant", Side::Above(0.0))],
        },
        DecisionRule {
            claim: "under the developmental schedule the population's synapse count rises, then \
                    falls to at most 1/1.5 of its peak (human synaptic density peaks about 50 % \
                    above the adult level: Huttenlocher 1979)"
                .into(),
            conditions: vec![
                c("synapse_rise_developmental", Side::Above(1.0)),
                c("synapse_peak_over_final_developmental", Side::Above(1.5)),
            ],
        },
        DecisionRule {
            claim: "impaired glial pruning (ASD-like) leaves more synapses and a higher energy \
                    per inference than healthy pruning"
                .into(),
            conditions: vec![
                c("synapse_ratio_impaired_over_healthy", Side::Above(1.0)),
                c("energy_ratio_impaired_over_healthy", Side::Above(1.0)),
            ],
        },
        DecisionRule {
            claim: "a late decline of the glial energy supply (AD-like) costs synapses and test \
                    accuracy"
                .into(),
            conditions: vec![
                c("synapse_ratio_decline_over_healthy", Side::Below(1.0)),
                c("accuracy_loss_decline_points", Side::Above(0.0)),
            ],
        },
    ]
}

/// The developmental schedule of the default size: twice the baseline's energy for 10
/// generations, then down to a quarter over 30.
fn default_schedule() -> EnergySchedule {
    EnergySchedule::Developmental { start: 2.0, adult: 0.25, hold: 10, span: 30 }
}

/// Healthy pruning: the least-used fifth of the synapses, then 5 epochs of fine-tuning.
fn healthy_pruning() -> Consolidation {
    Consolidation {
        prune_fraction: 0.2,
        max_prune_fraction: 0.2,
        fine_tune_epochs: 5,
        ..Consolidation::default()
    }
}

fn default_search() -> SearchConfig {
    let mut search = super::cheap_search();
    search.evolution.population = 40;
    search.evolution.generations = 60;
    search
}

/// The arm's final (adult) budget ratio and first adult generation of a developmental schedule.
fn adult(schedule: &EnergySchedule) -> Option<(f64, u64)> {
    match *schedule {
        EnergySchedule::Developmental { adult, hold, span, .. } => {
            Some((adult, hold.saturating_add(span)))
        }
        _ => None,
    }
}

/// The pruning an arm applies.
fn pruning_of(config: &DevelopmentConfig, arm: Arm) -> Consolidation {
    let healthy = config.pruning.clone();
    if arm != Arm::ImpairedPruning {
        return healthy;
    }
    let factor = config.impaired_pruning_factor;
    Consolidation {
        prune_fraction: healthy.prune_fraction * factor,
        max_prune_fraction: healthy.max_prune_fraction * factor,
        ..healthy
    }
}

/// The search of an item: the config's, with the arm's schedule, pruning and supply.
fn search_of(config: &DevelopmentConfig, item: &Item) -> SearchConfig {
    let mut search = config.search.clone();
    search.seed = item.seed;
    search.data = dgnn_glia::DataSource::Builtin(item.dataset.clone());
    let (adult_ratio, adult_from) = adult(&config.schedule).unwrap_or((1.0, 1));
    search.constraints.energy_schedule = match item.arm {
        Arm::Constant => EnergySchedule::Constant { ratio: adult_ratio },
        Arm::NoBudget => EnergySchedule::None,
        _ => config.schedule.clone(),
    };
    search.estimation.pruning = Some(pruning_of(config, item.arm));
    search.estimation.supply_decline =
        (item.arm == Arm::DecliningSupply).then_some(SupplyDecline {
            factor: config.supply_decline_factor,
            from_generation: adult_from.max(1),
        });
    search
}

/// Expected synapses of a genome's network on data of `inputs` features and `classes` classes:
/// every hidden layer's density × its inputs × its neurons, plus the dense output layer.
fn expected_synapses(genome: &DgnnGenome, inputs: usize, classes: usize) -> f64 {
    let mut fan_in = inputs;
    let mut total = 0.0;
    for region in &genome.architecture().regions {
        total += region.density * (fan_in * region.neurons) as f64;
        fan_in = region.neurons;
    }
    total + (fan_in * classes) as f64
}

impl Experiment for Development {
    type Config = DevelopmentConfig;
    type Item = Item;
    type Outcome = Outcome;

    fn info(&self) -> ExperimentInfo {
        ExperimentInfo {
            name: "development",
            question: "Does a developmental energy schedule (generous, then tightened) select \
                       better networks than the adult budget from the start, with synapses \
                       overproduced then pruned; and what do impaired glial pruning and a late \
                       glial supply decline do?",
        }
    }

    fn quantities(&self) -> &'static [QuantitySpec] {
        QUANTITIES
    }

    fn default_config(&self) -> DevelopmentConfig {
        DevelopmentConfig {
            common: Common::new((1..=8).collect(), rules()),
            datasets: vec!["wdbc".into(), "digits".into()],
            schedule: default_schedule(),
            pruning: healthy_pruning(),
            impaired_pruning_factor: 0.25,
            supply_decline_factor: 0.25,
            search: default_search(),
        }
    }

    fn quick_config(&self) -> DevelopmentConfig {
        let mut search = super::cheap_search();
        search.evolution.population = 8;
        search.evolution.generations = 6;
        search.estimation.training.epochs = 20;
        DevelopmentConfig {
            common: Common::new(vec![1, 2], rules()),
            datasets: vec!["iris".into()],
            schedule: EnergySchedule::Developmental { start: 2.0, adult: 0.25, hold: 1, span: 3 },
            pruning: Consolidation { fine_tune_epochs: 2, ..healthy_pruning() },
            search,
            ..self.default_config()
        }
    }

    fn example(&self) -> String {
        EXAMPLE.into()
    }

    fn common<'c>(&self, config: &'c DevelopmentConfig) -> &'c Common {
        &config.common
    }

    fn common_mut<'c>(&self, config: &'c mut DevelopmentConfig) -> &'c mut Common {
        &mut config.common
    }

    fn check(&self, config: &DevelopmentConfig) -> Result<(), LabError> {
        super::check_bundled("datasets", &config.datasets)?;
        if config.datasets.is_empty() {
            return Err(ParamError::new("datasets", "[]", "name at least one data set").into());
        }
        let Some((_, adult_from)) = adult(&config.schedule) else {
            return Err(ParamError::new(
                "schedule",
                format!("{:?}", config.schedule),
                "must be a Developmental(start, adult, hold, span) schedule: the arms compare it \
                 with its own adult budget held from the start",
            )
            .into());
        };
        if adult_from >= config.search.evolution.generations {
            return Err(ParamError::new(
                "schedule",
                format!("{:?}", config.schedule),
                format!(
                    "reaches its adult budget at generation {adult_from}, but the search runs \
                     {} generations: make hold + span smaller than search.evolution.generations",
                    config.search.evolution.generations
                ),
            )
            .into());
        }
        for (field, value) in [
            ("impaired_pruning_factor", config.impaired_pruning_factor),
            ("supply_decline_factor", config.supply_decline_factor),
        ] {
            if !(value > 0.0 && value < 1.0) {
                return Err(
                    ParamError::new(field, value, "must lie strictly between 0 and 1").into()
                );
            }
        }
        if config.pruning.energy_budget_joules.is_some() {
            return Err(ParamError::new(
                "pruning.energy_budget_joules",
                format!("{:?}", config.pruning.energy_budget_joules),
                "must be None: the schedule is the energy constraint; pruning removes a fixed \
                 share",
            )
            .into());
        }
        let search = &config.search;
        for (field, set) in [
            ("search.constraints.energy_schedule", !search.constraints.energy_schedule.is_none()),
            ("search.estimation.pruning", search.estimation.pruning.is_some()),
            ("search.estimation.supply_decline", search.estimation.supply_decline.is_some()),
        ] {
            if set {
                return Err(ParamError::new(
                    field,
                    "set",
                    "must be left out: the experiment sets it per arm",
                )
                .into());
            }
        }
        if !search.objectives.minimise_energy {
            return Err(ParamError::new(
                "search.objectives.minimise_energy",
                false,
                "must be true: the population's energy is read from the energy objective",
            )
            .into());
        }
        // Every arm's search must pass the search's own checks (pruning, schedule, decline).
        for arm in Arm::ALL {
            let item = Item { dataset: config.datasets[0].clone(), seed: 1, arm };
            search_of(config, &item).check().map_err(|e| e.within("search"))?;
        }
        Ok(())
    }

    fn design(&self, config: &DevelopmentConfig) -> String {
        let s = &config.search.evolution;
        let (start, adult_ratio, hold, span) = match config.schedule {
            EnergySchedule::Developmental { start, adult, hold, span } => {
                (start, adult, hold, span)
            }
            _ => (f64::NAN, f64::NAN, 0, 0),
        };
        let p = &config.pruning;
        format!(
            "The paper describes brain development as a metabolic architecture search: synapses \
             are overproduced, then pruned by glia under energy constraints, and glial \
             dysfunction is linked to autism (too many synapses: under-pruning) and to \
             Alzheimer's disease (synapse loss). Human synaptic density in frontal cortex rises \
             after birth to about 1.5 times the adult level and is pruned back over childhood \
             and adolescence (Huttenlocher 1979; Huttenlocher & Dabholkar 1997). Here an \
             energy-constrained search stands for development and the energy budget for the \
             metabolic constraint; the clinical words are analogies, nothing more.\n\n\
             Arms, on every data set ({}) and seed, each a search of population {} for {} \
             generations:\n\n\
             - **(a) developmental**: the energy budget is {}× the baseline MLP's energy for {} \
               generations, then falls geometrically to {}× over {} generations (adult from \
               generation {}); healthy glial pruning: after its training every network loses \
               its least-used {} % of synapses and is fine-tuned for {} epochs;\n\
             - **(b) constant**: the adult budget ({}×) from the first generation;\n\
             - **(c) no budget**;\n\
             - **(d) impaired pruning** (ASD-like): (a) with pruning weakened {}× ({} % of \
               synapses);\n\
             - **(e) declining supply** (AD-like): (a) with every network's astrocytic energy \
               supply falling to {} of its gene from generation {} on (the population is then \
               re-evaluated; networks without a supply limit are unaffected).\n\n\
             Held equal: the data, split and seed (initial population, training), the search \
             space, the training budget, population and generations; (e) makes one population \
             of extra evaluations at the decline. The baseline MLP is trained without pruning, \
             so every arm's budget and hypervolume refer to the same network. Tracked each \
             generation: the population's mean synapse count (expected from the genomes' \
             densities: layer density × inputs × neurons, summed, times the share the arm's \
             pruning keeps), neurons, glia ratio and energy. Fronts are compared by their \
             normalised hypervolume (validation, against the baseline); accuracies are test \
             accuracies of the most accurate member (by validation).",
            config.datasets.join(", "),
            s.population,
            s.generations,
            significant(start),
            hold,
            significant(adult_ratio),
            span,
            hold + span,
            significant(100.0 * p.prune_fraction),
            p.fine_tune_epochs,
            significant(adult_ratio),
            significant(1.0 / config.impaired_pruning_factor),
            significant(100.0 * p.prune_fraction * config.impaired_pruning_factor),
            significant(config.supply_decline_factor),
            hold + span,
        )
    }

    fn items(&self, config: &DevelopmentConfig) -> Vec<Item> {
        let mut items = Vec::new();
        for dataset in &config.datasets {
            for &seed in &config.common.seeds {
                for arm in Arm::ALL {
                    items.push(Item { dataset: dataset.clone(), seed, arm });
                }
            }
        }
        items
    }

    fn run_item(&self, config: &DevelopmentConfig, item: &Item) -> Result<Outcome, LabError> {
        let failed = |message: String| LabError::Item { item: format!("{item:?}"), message };
        let data = Dataset::builtin(&item.dataset).map_err(|e| failed(e.to_string()))?;
        let (inputs, classes) = (data.n_features(), data.n_classes());
        let kept = 1.0 - pruning_of(config, item.arm).prune_fraction;
        let search = Search::new(search_of(config, item).check()?, &data)
            .map_err(|e| failed(e.to_string()))?;
        let baseline = search.measure_baseline().map_err(|e| failed(e.to_string()))?;
        let mut trajectory = Vec::new();
        let mut track = |report: &GenerationReport<'_, DgnnGenome>| {
            let n = report.population.len().max(1) as f64;
            let mean = |f: &dyn Fn(&dgnn_nas::Individual<DgnnGenome>) -> f64| {
                report.population.iter().map(f).sum::<f64>() / n
            };
            trajectory.push(GenerationPoint {
                synapses: kept * mean(&|i| expected_synapses(&i.genome, inputs, classes)),
                neurons: mean(&|i| i.genome.neurons() as f64),
                glia_ratio: mean(&|i| i.genome.glia_ratio()),
                energy_atp: mean(&|i| i.evaluation.objectives[0]),
                feasible_share: mean(&|i| f64::from(u8::from(i.evaluation.is_feasible()))),
            });
        };
        let options = RunOptions { observers: vec![&mut track], ..RunOptions::default() };
        let result = search
            .run(&baseline, options)
            .map_err(|e| failed(e.to_string()))?
            .finished()
            .ok_or_else(|| failed("the search stopped before its end".into()))?;
        let report = result.report;
        Ok(Outcome {
            trajectory,
            front: report.front.iter().map(member_of).collect(),
            hypervolume: report.hypervolume_normalised,
            baseline_energy_atp: baseline.measured().validation.energy_atp,
            evaluations: report.evaluations,
        })
    }

    fn row(&self, item: &Item, outcome: &Outcome) -> Vec<(String, String)> {
        let best = most_accurate(&outcome.front).map(|i| &outcome.front[i]);
        let last = outcome.trajectory.last();
        let peak = peak_synapses(outcome);
        let cell = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
        vec![
            ("dataset".into(), item.dataset.clone()),
            ("seed".into(), item.seed.to_string()),
            ("arm".into(), item.arm.label().into()),
            ("evaluations".into(), outcome.evaluations.to_string()),
            ("hypervolume".into(), outcome.hypervolume.to_string()),
            ("front_size".into(), outcome.front.len().to_string()),
            ("best_test_accuracy".into(), cell(best.map(|b| b.test_accuracy))),
            ("initial_synapses".into(), cell(outcome.trajectory.first().map(|p| p.synapses))),
            ("peak_synapses".into(), cell(peak)),
            ("final_synapses".into(), cell(last.map(|p| p.synapses))),
            ("final_neurons".into(), cell(last.map(|p| p.neurons))),
            ("final_glia_ratio".into(), cell(last.map(|p| p.glia_ratio))),
            ("final_energy_atp".into(), cell(last.map(|p| p.energy_atp))),
            ("baseline_energy_atp".into(), outcome.baseline_energy_atp.to_string()),
        ]
    }

    fn analyse(
        &self,
        config: &DevelopmentConfig,
        results: &[(Item, Outcome)],
    ) -> Result<Analysis, LabError> {
        let find = |dataset: &str, seed: u64, arm: Arm| {
            results
                .iter()
                .find(|(i, _)| i.dataset == dataset && i.seed == seed && i.arm == arm)
                .map(|(_, o)| o)
        };
        type Pick<'a> = Box<dyn Fn(&str, u64) -> Option<f64> + 'a>;
        let versus = |arm: Arm, f: &'static dyn Fn(&Outcome, &Outcome) -> f64| -> Pick<'_> {
            Box::new(move |d: &str, s: u64| {
                Some(f(find(d, s, Arm::Developmental)?, find(d, s, arm)?))
            })
        };
        let own = |f: &'static dyn Fn(&Outcome) -> f64| -> Pick<'_> {
            Box::new(move |d: &str, s: u64| Some(f(find(d, s, Arm::Developmental)?)))
        };
        let specs: Vec<(&str, Pick<'_>, bool)> = vec![
            (
                "hypervolume_gain_developmental_over_constant",
                versus(Arm::Constant, &|a, b| a.hypervolume - b.hypervolume),
                false,
            ),
            (
                "synapse_rise_developmental",
                own(&|o| peak_synapses(o).unwrap_or(f64::NAN) / initial_synapses(o)),
                true,
            ),
            (
                "synapse_peak_over_final_developmental",
                own(&|o| peak_synapses(o).unwrap_or(f64::NAN) / last_synapses(o)),
                true,
            ),
            (
                "synapse_ratio_impaired_over_healthy",
                versus(Arm::ImpairedPruning, &|a, d| last_synapses(d) / last_synapses(a)),
                true,
            ),
            (
                "energy_ratio_impaired_over_healthy",
                versus(Arm::ImpairedPruning, &|a, d| last_energy(d) / last_energy(a)),
                true,
            ),
            (
                "accuracy_loss_impaired_points",
                versus(Arm::ImpairedPruning, &|a, d| 100.0 * (best_test_of(a) - best_test_of(d))),
                false,
            ),
            (
                "synapse_ratio_decline_over_healthy",
                versus(Arm::DecliningSupply, &|a, e| last_synapses(e) / last_synapses(a)),
                true,
            ),
            (
                "accuracy_loss_decline_points",
                versus(Arm::DecliningSupply, &|a, e| 100.0 * (best_test_of(a) - best_test_of(e))),
                false,
            ),
        ];
        let mut estimates = BTreeMap::new();
        for (stream, (name, pick, geometric)) in specs.iter().enumerate() {
            let per_seed = config.common.seeds.iter().map(|&seed| {
                let values = config.datasets.iter().filter_map(|d| pick(d, seed));
                values.filter(|v| v.is_finite()).collect()
            });
            let interval =
                pooled_interval(per_seed, *geometric, &config.common.bootstrap, stream as u64);
            if let Some(interval) = interval {
                estimates.insert((*name).to_string(), interval);
            }
        }
        let answer = answer(&estimates);
        let mut figures = Vec::new();
        for dataset in &config.datasets {
            figures.push(trajectory_figure(config, results, dataset, Series::Synapses));
            figures.push(trajectory_figure(config, results, dataset, Series::Energy));
        }
        Ok(Analysis {
            estimates,
            answer,
            tables: vec![arm_table(config, results)],
            figures,
            notes: notes(config, results),
        })
    }
}

fn initial_synapses(o: &Outcome) -> f64 {
    o.trajectory.first().map_or(f64::NAN, |p| p.synapses)
}

fn last_synapses(o: &Outcome) -> f64 {
    o.trajectory.last().map_or(f64::NAN, |p| p.synapses)
}

fn last_energy(o: &Outcome) -> f64 {
    o.trajectory.last().map_or(f64::NAN, |p| p.energy_atp)
}

fn best_test_of(o: &Outcome) -> f64 {
    most_accurate(&o.front).map_or(f64::NAN, |i| o.front[i].test_accuracy)
}

fn peak_synapses(o: &Outcome) -> Option<f64> {
    o.trajectory.iter().map(|p| p.synapses).max_by(f64::total_cmp)
}

fn answer(estimates: &BTreeMap<String, Interval>) -> String {
    let shown =
        |name: &str| estimates.get(name).map_or("— (not estimable)".into(), format_interval);
    format!(
        "The developmental schedule's final front has {} more normalised hypervolume than the \
         adult budget from the start; under it the population's synapse count peaks at {}× its \
         start and {}× its end. Impaired pruning ends with {}× the synapses and {}× the energy \
         of healthy pruning ({} points of test accuracy lost); a late supply decline ends with \
         {}× the synapses and loses {} points.",
        shown("hypervolume_gain_developmental_over_constant"),
        shown("synapse_rise_developmental"),
        shown("synapse_peak_over_final_developmental"),
        shown("synapse_ratio_impaired_over_healthy"),
        shown("energy_ratio_impaired_over_healthy"),
        shown("accuracy_loss_impaired_points"),
        shown("synapse_ratio_decline_over_healthy"),
        shown("accuracy_loss_decline_points"),
    )
}

/// Medians over seeds per data set and arm.
fn arm_table(config: &DevelopmentConfig, results: &[(Item, Outcome)]) -> Table {
    let mut table = Table {
        title: "Per data set and arm (medians over seeds)".into(),
        header: [
            "data",
            "arm",
            "evaluations",
            "hypervolume",
            "best test acc",
            "synapses: start",
            "peak",
            "end",
            "end neurons",
            "end glia ratio",
            "end energy / baseline",
            "end feasible share",
        ]
        .map(String::from)
        .to_vec(),
        rows: Vec::new(),
    };
    for dataset in &config.datasets {
        for arm in Arm::ALL {
            let group: Vec<&Outcome> = results
                .iter()
                .filter(|(i, _)| &i.dataset == dataset && i.arm == arm)
                .map(|(_, o)| o)
                .collect();
            if group.is_empty() {
                continue;
            }
            let med =
                |f: &dyn Fn(&Outcome) -> f64| median_cell(group.iter().map(|o| f(o)).collect());
            let last = |f: &dyn Fn(&GenerationPoint) -> f64| {
                med(&|o: &Outcome| o.trajectory.last().map_or(f64::NAN, f))
            };
            table.rows.push(vec![
                dataset.clone(),
                arm.label().into(),
                med(&|o| o.evaluations as f64),
                med(&|o| o.hypervolume),
                med(&best_test_of),
                med(&initial_synapses),
                med(&|o| peak_synapses(o).unwrap_or(f64::NAN)),
                last(&|p| p.synapses),
                last(&|p| p.neurons),
                last(&|p| p.glia_ratio),
                med(&|o| last_energy(o) / o.baseline_energy_atp),
                last(&|p| p.feasible_share),
            ]);
        }
    }
    table
}

/// What a trajectory figure shows.
#[derive(Clone, Copy)]
enum Series {
    Synapses,
    Energy,
}

/// Per arm, the mean over seeds of the population's synapse count (relative to the
/// developmental arm's start) or energy (relative to the baseline, log₂) by generation.
fn trajectory_figure(
    config: &DevelopmentConfig,
    results: &[(Item, Outcome)],
    dataset: &str,
    series: Series,
) -> Figure {
    let of = |arm: Arm| -> Vec<&Outcome> {
        results
            .iter()
            .filter(|(i, _)| i.dataset == dataset && i.arm == arm)
            .map(|(_, o)| o)
            .collect()
    };
    let reference: f64 = {
        let start: Vec<f64> = of(Arm::Developmental).iter().map(|o| initial_synapses(o)).collect();
        start.iter().sum::<f64>() / start.len().max(1) as f64
    };
    let value = |o: &Outcome, g: usize| -> f64 {
        let p = &o.trajectory[g];
        match series {
            Series::Synapses => p.synapses / reference,
            Series::Energy => (p.energy_atp / o.baseline_energy_atp).log2(),
        }
    };
    let (title, y_label, stem, caption) = match series {
        Series::Synapses => (
            format!("Population synapse count on {dataset}"),
            "mean synapses / (a)'s at generation 0",
            format!("synapses_{dataset}"),
            format!(
                "Mean expected synapse count of the population by generation on {dataset}, \
                 relative to the developmental arm's start (mean over seeds)"
            ),
        ),
        Series::Energy => (
            format!("Population energy on {dataset}"),
            "log₂ (mean energy / baseline MLP's)",
            format!("energy_{dataset}"),
            format!(
                "Mean energy per inference of the population by generation on {dataset}, over \
                 the baseline MLP's (log₂; mean over seeds), with the developmental budget"
            ),
        ),
    };
    let mut plot = Plot::new(title).x_label("generation").y_label(y_label);
    for arm in Arm::ALL {
        let outcomes = of(arm);
        let generations = outcomes.iter().map(|o| o.trajectory.len()).min().unwrap_or(0);
        let points: Vec<(f64, f64)> = (0..generations)
            .map(|g| {
                let mean =
                    outcomes.iter().map(|o| value(o, g)).sum::<f64>() / outcomes.len() as f64;
                (g as f64, mean)
            })
            .filter(|(_, v)| v.is_finite())
            .collect();
        plot = plot.line(arm.label(), points);
    }
    if let Series::Energy = series {
        let budget: Vec<(f64, f64)> = (0..config.search.evolution.generations)
            .filter_map(|g| Some((g as f64, config.schedule.ratio_at(g)?.log2())))
            .collect();
        plot = plot.line("developmental budget", budget);
    }
    Figure { stem, caption, plot }
}

/// Remarks on the run: what the synapse count measures, the trajectories per data set beside
/// the no-budget arm's, how much of the population the budget held back, and unmet budgets.
fn notes(config: &DevelopmentConfig, results: &[(Item, Outcome)]) -> Vec<String> {
    let mut notes = vec![
        "The synapse count is the expected count of each genome's network (layer density × \
         inputs × neurons, summed with the dense output layer) times the share the arm's \
         pruning keeps, averaged over the population: the trained networks' exact counts \
         differ by the random draw of each mask. It measures connectivity the way synaptic \
         density does — an average over the population — not one network."
            .to_string(),
    ];
    let of = |dataset: &str, arm: Arm| -> Vec<&Outcome> {
        results
            .iter()
            .filter(|(i, _)| i.dataset == dataset && i.arm == arm)
            .map(|(_, o)| o)
            .collect()
    };
    let median_of = |outcomes: &[&Outcome], f: &dyn Fn(&Outcome) -> f64| {
        median_cell(outcomes.iter().map(|o| f(o)).collect())
    };
    let rise = |o: &Outcome| peak_synapses(o).unwrap_or(f64::NAN) / initial_synapses(o);
    let fall = |o: &Outcome| peak_synapses(o).unwrap_or(f64::NAN) / last_synapses(o);
    let over_budget = |o: &Outcome| {
        let n = o.trajectory.len().max(1) as f64;
        100.0 * o.trajectory.iter().map(|p| 1.0 - p.feasible_share).sum::<f64>() / n
    };
    let per_dataset: Vec<String> = config
        .datasets
        .iter()
        .map(|d| {
            let (a, c) = (of(d, Arm::Developmental), of(d, Arm::NoBudget));
            format!(
                "on {d}, (a) peaks at {}× its start and {}× its end, (c) without a budget at {}× \
                 and {}×; on average {} % of (a)'s population was over its generation's budget",
                median_of(&a, &rise),
                median_of(&a, &fall),
                median_of(&c, &rise),
                median_of(&c, &fall),
                median_of(&a, &over_budget),
            )
        })
        .collect();
    notes.push(format!(
        "The synapse claim reads means over the data sets; per data set (medians over seeds): {}. \
         A rise and fall that the no-budget arm shows too comes from the energy objective and \
         the search's own dynamics, not from the schedule.",
        per_dataset.join("; ")
    ));
    let budgeted: Vec<&(Item, Outcome)> =
        results.iter().filter(|(i, _)| i.arm != Arm::NoBudget).collect();
    let unmet = budgeted.iter().filter(|(_, o)| !o.front.iter().any(|m| m.feasible)).count();
    if unmet > 0 {
        notes.push(format!(
            "{unmet} of {} budgeted searches ended with no network within the adult budget; \
             their fronts are the least-violating networks.",
            budgeted.len()
        ));
    }
    notes
}

/// The commented example config (`dgnn experiment --example development`).
const EXAMPLE: &str = r#"// dgnn experiment development: energy-driven development, and what glial dysfunction does to it
(
    common: (
        seeds: [1, 2, 3, 4, 5, 6, 7, 8],
        rules: [                      // declared before the run; verdicts are read off the intervals
            (
                claim: "at equal evaluations, a developmental energy schedule finds a better final front than the adult budget from the start",
                conditions: [(quantity: "hypervolume_gain_developmental_over_constant", holds_if: Above(0.0))],
            ),
            (
                claim: "under the developmental schedule the population's synapse count rises, then falls to at most 1/1.5 of its peak (human synaptic density peaks about 50 % above the adult level: Huttenlocher 1979)",
                conditions: [
                    (quantity: "synapse_rise_developmental", holds_if: Above(1.0)),
                    (quantity: "synapse_peak_over_final_developmental", holds_if: Above(1.5)),
                ],
            ),
            (
                claim: "impaired glial pruning (ASD-like) leaves more synapses and a higher energy per inference than healthy pruning",
                conditions: [
                    (quantity: "synapse_ratio_impaired_over_healthy", holds_if: Above(1.0)),
                    (quantity: "energy_ratio_impaired_over_healthy", holds_if: Above(1.0)),
                ],
            ),
            (
                claim: "a late decline of the glial energy supply (AD-like) costs synapses and test accuracy",
                conditions: [
                    (quantity: "synapse_ratio_decline_over_healthy", holds_if: Below(1.0)),
                    (quantity: "accuracy_loss_decline_points", holds_if: Above(0.0)),
                ],
            ),
        ],
        bootstrap: (resamples: 9999, level: 0.95),
    ),
    datasets: ["wdbc", "digits"],
    schedule: Developmental(start: 2.0, adult: 0.25, hold: 10, span: 30),   // × the baseline's energy
    pruning: (                        // healthy glial pruning after every training
        prune_fraction: 0.2,          // the least-used fifth of the synapses
        max_prune_fraction: 0.2,
        fine_tune_epochs: 5,
        learning_rate: 0.001,
    ),
    impaired_pruning_factor: 0.25,    // (d): pruning weakened 4×
    supply_decline_factor: 0.25,      // (e): a quarter of the supply once adult
    search: (                         // a dgnn search config; these are the only fields changed
        evolution: (population: 40, generations: 60),   // from its defaults
        estimation: (training: (epochs: 30), low_fidelity: (epochs: 5), promote_fraction: 0.2),
                                      // the estimation of the published report (the search's
                                      //   defaults from issue 15's round 1 to its round 5)
    ),
)
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use dgnn_glia::{Architecture, Region};

    #[test]
    fn expected_synapses_sum_density_times_fan_in_times_neurons() {
        // 10 inputs → 4 neurons at density 0.5 → 3 dense neurons → 2 classes:
        // 0.5·10·4 + 1·4·3 + 3·2 = 20 + 12 + 6 = 38.
        let genome = DgnnGenome(Architecture {
            regions: vec![Region { density: 0.5, ..Region::dense(4) }, Region::dense(3)],
            astrocytes: None,
            supply_per_astrocyte: None,
            phase: None,
        });
        assert!((expected_synapses(&genome, 10, 2) - 38.0).abs() < 1e-12);
    }

    #[test]
    fn each_arm_gets_its_schedule_pruning_and_supply() {
        let config = Development.default_config();
        let item = |arm| Item { dataset: "wdbc".into(), seed: 3, arm };
        let a = search_of(&config, &item(Arm::Developmental));
        assert_eq!(a.constraints.energy_schedule, config.schedule);
        assert_eq!(a.estimation.pruning.as_ref().map(|p| p.prune_fraction), Some(0.2));
        assert_eq!(a.seed, 3);
        let b = search_of(&config, &item(Arm::Constant));
        assert_eq!(b.constraints.energy_schedule, EnergySchedule::Constant { ratio: 0.25 });
        let c = search_of(&config, &item(Arm::NoBudget));
        assert!(c.constraints.energy_schedule.is_none());
        let d = search_of(&config, &item(Arm::ImpairedPruning));
        let pruning = d.estimation.pruning.unwrap();
        assert!((pruning.prune_fraction - 0.05).abs() < 1e-12);
        assert!((pruning.max_prune_fraction - 0.05).abs() < 1e-12);
        let e = search_of(&config, &item(Arm::DecliningSupply));
        assert_eq!(
            e.estimation.supply_decline,
            Some(SupplyDecline { factor: 0.25, from_generation: 40 })
        );
        for arm in [Arm::Developmental, Arm::Constant, Arm::NoBudget, Arm::ImpairedPruning] {
            assert!(search_of(&config, &item(arm)).estimation.supply_decline.is_none());
        }
    }

    #[test]
    fn bad_configs_are_refused_naming_the_field() {
        let refused = |edit: &dyn Fn(&mut DevelopmentConfig)| {
            let mut config = Development.default_config();
            edit(&mut config);
            match Development.check(&config) {
                Err(LabError::Param(e)) => e.field,
                other => panic!("expected a refusal, got {other:?}"),
            }
        };
        assert_eq!(refused(&|c| c.schedule = EnergySchedule::Constant { ratio: 0.5 }), "schedule");
        assert_eq!(
            refused(&|c| c.schedule =
                EnergySchedule::Developmental { start: 2.0, adult: 0.25, hold: 30, span: 30 }),
            "schedule"
        );
        assert_eq!(
            refused(&|c| c.schedule =
                EnergySchedule::Developmental { start: 0.25, adult: 2.0, hold: 3, span: 3 }),
            "search.constraints.energy_schedule.adult"
        );
        assert_eq!(refused(&|c| c.impaired_pruning_factor = 1.0), "impaired_pruning_factor");
        assert_eq!(refused(&|c| c.supply_decline_factor = 0.0), "supply_decline_factor");
        assert_eq!(
            refused(&|c| c.search.estimation.pruning = Some(Consolidation::default())),
            "search.estimation.pruning"
        );
        assert_eq!(
            refused(&|c| c.search.objectives.minimise_energy = false),
            "search.objectives.minimise_energy"
        );
        assert_eq!(refused(&|c| c.datasets = vec!["mnist".into()]), "datasets[0]");
        assert!(Development.check(&Development.default_config()).is_ok());
        assert!(Development.check(&Development.quick_config()).is_ok());
    }
}
