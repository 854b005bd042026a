//! `multitask`: does multistability arise from minimum energy, and does it carry several tasks?
//!
//! The paper predicts that an energy-constrained search yields multistable networks whose
//! attractors hold several behaviours. On T = 1, 2, 3, 4 conflicting tasks over the same inputs
//! (`Dataset::conflicting_tasks`), for every seed:
//! - **phase E–I**: the energy–information search; every network has a phase layer whose
//!   attractor the task selects;
//! - **phase I-only**: the same search without the energy objective;
//! - **one-hot**: the standard way — the task as T one-hot input columns, no phase layer, the
//!   energy–information search;
//! - **separate**: one network per task, each searched on its task alone (no phase layer); one
//!   network runs per inference, so the system's energy is the mean of the T networks'.
//!
//! Measured: the distinct phase states the T tasks use in the front's networks, accuracy per
//! task, energy at matched accuracy against both controls, and how often each search picks a
//! multistable landscape (b/a > 1/4).

use std::collections::BTreeMap;

use dgnn_core::{ParamError, ParamGuard};
use dgnn_glia::{Dataset, TrainedNetwork};
use dgnn_nas::{MemberReport, RunOptions, Search, SearchConfig};
use dgnn_plot::Plot;
use serde::{Deserialize, Serialize};

use crate::LabError;
use crate::experiment::{Analysis, Common, Experiment, ExperimentInfo, Figure, Table};
use crate::experiments::energy_information::member_of;
use crate::fronts::{Member, cheapest_within, most_accurate};
use crate::report::{format_interval, significant};
use crate::rule::{Condition, DecisionRule, QuantitySpec, Side};
use crate::stats::Interval;
use crate::stats::bootstrap::pooled_interval;

/// The experiment (module docs).
#[derive(Debug, Clone, Copy, Default)]
pub struct Multitask;

/// The config (RON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MultitaskConfig {
    /// Seeds, claims and intervals.
    pub common: Common,
    /// Task counts T (each ≥ 1; the claims read T ≥ 2).
    pub tasks: Vec<usize>,
    /// Inputs, each labelled once per task.
    pub inputs: usize,
    /// Accuracy margin of "equal accuracy" (default 0.01: one point).
    pub within: f64,
    /// The search every arm runs. Per item the experiment sets `seed`, `data`,
    /// `objectives.minimise_energy` and, for the controls, removes the phase layer from the
    /// space; everything else is held equal.
    pub search: SearchConfig,
}

/// An arm of the design.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Arm {
    /// Energy–information search with the phase layer.
    PhaseEnergyInformation,
    /// Information-only search with the phase layer.
    PhaseInformationOnly,
    /// The task as one-hot inputs, no phase layer.
    OneHot,
    /// One task alone (this task index), no phase layer.
    Separate(usize),
}

impl Arm {
    fn label(self) -> String {
        match self {
            Self::PhaseEnergyInformation => "phase E-I".into(),
            Self::PhaseInformationOnly => "phase I-only".into(),
            Self::OneHot => "one-hot".into(),
            Self::Separate(t) => format!("separate task {t}"),
        }
    }
}

/// One search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// Tasks T.
    pub tasks: usize,
    /// Seed.
    pub seed: u64,
    /// Arm.
    pub arm: Arm,
}

/// A front member with the phase states its tasks use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskMember {
    /// The member.
    pub member: Member,
    /// Distinct settled phase states over the tasks (1 without a phase layer).
    pub distinct_states: usize,
}

/// What one search found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// The front.
    pub front: Vec<TaskMember>,
}

const QUANTITIES: &[QuantitySpec] = &[
    QuantitySpec {
        name: "energy_ratio_onehot_over_phase",
        meaning: "energy of the one-hot control's network over the phase network's, both the \
                  cheapest within the margin of the lower of the two best validation \
                  accuracies (geometric mean over T ≥ 2)",
    },
    QuantitySpec {
        name: "energy_ratio_separate_over_phase",
        meaning: "mean energy of the separate networks (each the cheapest within the margin of \
                  its task's best) over the phase network's at the same mean accuracy",
    },
    QuantitySpec {
        name: "accuracy_gap_points",
        meaning: "best test accuracy of the better control minus the phase search's best, in \
                  points (mean over T ≥ 2)",
    },
    QuantitySpec {
        name: "multistable_share_difference",
        meaning: "share of the E–I front's networks with a multistable landscape (b/a > 1/4) \
                  minus the I-only front's (mean over T ≥ 2)",
    },
];

fn rules() -> Vec<DecisionRule> {
    let c = |quantity: &str, holds_if| Condition { quantity: quantity.into(), holds_if };
    vec![
        DecisionRule {
            claim: "phase-multistable networks serve several tasks at lower energy than the \
                    one-hot control, at equal accuracy"
                .into(),
            conditions: vec![
                c("energy_ratio_onehot_over_phase", Side::Above(1.0)),
                c("accuracy_gap_points", Side::Below(1.0)),
            ],
        },
        DecisionRule {
            claim: "phase-multistable networks serve several tasks at lower energy than separate \
                    networks, one per task, at equal accuracy"
                .into(),
            conditions: vec![
                c("energy_ratio_separate_over_phase", Side::Above(1.0)),
                c("accuracy_gap_points", Side::Below(1.0)),
            ],
        },
        DecisionRule {
            claim: "multistability arises from E_min: the energy-aware search picks multistable \
                    landscapes more often than the information-only search"
                .into(),
            conditions: vec![c("multistable_share_difference", Side::Above(0.0))],
        },
    ]
}

fn default_search() -> SearchConfig {
    let mut search = super::report_search();
    search.evolution.population = 24;
    search.evolution.generations = 20;
    search
}

/// The data of an item.
fn data_of(config: &MultitaskConfig, item: &Item) -> Result<Dataset, dgnn_glia::GliaError> {
    let data = Dataset::conflicting_tasks(item.tasks, config.inputs)?;
    match item.arm {
        Arm::PhaseEnergyInformation | Arm::PhaseInformationOnly => Ok(data),
        Arm::OneHot => Ok(data.with_context_one_hot()),
        Arm::Separate(t) => data.context_part(t),
    }
}

/// Distinct settled phase states over the tasks of a trained network (1 without a phase layer).
fn distinct_states(model: &TrainedNetwork) -> usize {
    let Some(state) = model.network.phase() else { return 1 };
    let mut patterns: Vec<Vec<i64>> = state
        .phases_rad
        .iter()
        .map(|context| {
            context
                .iter()
                .flatten()
                .map(|&p| (p.rem_euclid(std::f64::consts::TAU) * 1e6).round() as i64)
                .collect()
        })
        .collect();
    patterns.sort();
    patterns.dedup();
    patterns.len().max(1)
}

fn task_member(report: &MemberReport, model: &TrainedNetwork) -> TaskMember {
    TaskMember { member: member_of(report), distinct_states: distinct_states(model) }
}

impl Experiment for Multitask {
    type Config = MultitaskConfig;
    type Item = Item;
    type Outcome = Outcome;

    fn info(&self) -> ExperimentInfo {
        ExperimentInfo {
            name: "multitask",
            question: "Does multistability arise from minimum energy, and does one multistable \
                       network carry several tasks more cheaply than the usual alternatives?",
        }
    }

    fn quantities(&self) -> &'static [QuantitySpec] {
        QUANTITIES
    }

    fn default_config(&self) -> MultitaskConfig {
        MultitaskConfig {
            common: Common::new(vec![1, 2, 3, 4, 5], rules()),
            tasks: vec![1, 2, 3, 4],
            inputs: 150,
            within: 0.01,
            search: default_search(),
        }
    }

    fn quick_config(&self) -> MultitaskConfig {
        let mut search = super::report_search();
        search.evolution.population = 8;
        search.evolution.generations = 3;
        search.estimation.training.epochs = 20;
        MultitaskConfig {
            common: Common::new(vec![1, 2], rules()),
            tasks: vec![1, 2],
            inputs: 40,
            search,
            ..self.default_config()
        }
    }

    fn example(&self) -> String {
        EXAMPLE.into()
    }

    fn common<'c>(&self, config: &'c MultitaskConfig) -> &'c Common {
        &config.common
    }

    fn common_mut<'c>(&self, config: &'c mut MultitaskConfig) -> &'c mut Common {
        &mut config.common
    }

    fn check(&self, config: &MultitaskConfig) -> Result<(), LabError> {
        if config.tasks.is_empty() {
            return Err(ParamError::new("tasks", "[]", "name at least one task count").into());
        }
        super::check_multitask("tasks", &config.tasks, config.inputs)?;
        dgnn_core::error::in_range("within", config.within, 0.0, 1.0)?;
        config.search.clone().check().map_err(|e| e.within("search"))?;
        if config.search.space.phase.is_none() {
            return Err(ParamError::new(
                "search.space.phase",
                "None",
                "the phase arms need phase layers in the space",
            )
            .into());
        }
        Ok(())
    }

    fn design(&self, config: &MultitaskConfig) -> String {
        let s = &config.search.evolution;
        format!(
            "The paper predicts that searching under an energy constraint yields multistable \
             networks — several attractors of their phase dynamics — that hold several \
             behaviours at once. Data: T = {} conflicting tasks on the same {} inputs (task t \
             labels the half-plane facing angle 2πt/T, so a network blind to the task is right \
             on at most ⌈T/2⌉/T of the samples).\n\n\
             Arms, for every T and seed:\n\n\
             - **phase E–I**: the energy–information search; every network has a phase layer, \
               and the task selects its initial phases, hence its attractor;\n\
             - **phase I-only**: the same without the energy objective;\n\
             - **one-hot** (control): the task as T one-hot input columns, no phase layer;\n\
             - **separate** (control): one network per task, each searched on its task alone, \
               no phase layer; one network runs per inference, so the system's energy per \
               inference is the mean of the T networks' and its accuracy their mean.\n\n\
             Held equal: the inputs and labels, the seed (split, initial population, training), \
             the search space apart from the phase layer, the training and the evaluation budget \
             (population {}, {} generations per search). \"Equal accuracy\" means the cheapest \
             network within {} points of the lower of the compared best validation accuracies. \
             T = 1 is the reference without conflict.",
            config.tasks.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
            config.inputs,
            s.population,
            s.generations,
            significant(100.0 * config.within),
        )
    }

    fn items(&self, config: &MultitaskConfig) -> Vec<Item> {
        let mut items = Vec::new();
        for &tasks in &config.tasks {
            for &seed in &config.common.seeds {
                let arms = [Arm::PhaseEnergyInformation, Arm::PhaseInformationOnly, Arm::OneHot]
                    .into_iter()
                    .chain((0..tasks).map(Arm::Separate));
                for arm in arms {
                    items.push(Item { tasks, seed, arm });
                }
            }
        }
        items
    }

    fn run_item(&self, config: &MultitaskConfig, item: &Item) -> Result<Outcome, LabError> {
        let failed = |message: String| LabError::Item { item: format!("{item:?}"), message };
        let data = data_of(config, item).map_err(|e| failed(e.to_string()))?;
        let mut search = config.search.clone();
        search.seed = item.seed;
        search.objectives.minimise_energy = item.arm != Arm::PhaseInformationOnly;
        if matches!(item.arm, Arm::OneHot | Arm::Separate(_)) {
            search.space.phase = None;
        }
        let search = Search::new(search.check()?, &data).map_err(|e| failed(e.to_string()))?;
        let baseline = search.measure_baseline().map_err(|e| failed(e.to_string()))?;
        let result = search
            .run(&baseline, RunOptions::default())
            .map_err(|e| failed(e.to_string()))?
            .finished()
            .ok_or_else(|| failed("the search stopped before its end".into()))?;
        let front = result
            .report
            .front
            .iter()
            .zip(&result.models)
            .map(|(r, m)| task_member(r, m))
            .collect();
        Ok(Outcome { front })
    }

    fn row(&self, item: &Item, outcome: &Outcome) -> Vec<(String, String)> {
        let members: Vec<Member> = outcome.front.iter().map(|t| t.member.clone()).collect();
        let best = most_accurate(&members).map(|i| &outcome.front[i]);
        let cell = |v: Option<String>| v.unwrap_or_default();
        vec![
            ("tasks".into(), item.tasks.to_string()),
            ("seed".into(), item.seed.to_string()),
            ("arm".into(), item.arm.label()),
            ("front_size".into(), outcome.front.len().to_string()),
            ("best_test_accuracy".into(), cell(best.map(|b| b.member.test_accuracy.to_string()))),
            ("best_energy_joules".into(), cell(best.map(|b| b.member.energy_joules.to_string()))),
            ("best_distinct_states".into(), cell(best.map(|b| b.distinct_states.to_string()))),
            (
                "best_test_accuracy_by_task".into(),
                cell(best.map(|b| {
                    b.member
                        .test_accuracy_by_context
                        .iter()
                        .map(f64::to_string)
                        .collect::<Vec<_>>()
                        .join(" ")
                })),
            ),
        ]
    }

    fn analyse(
        &self,
        config: &MultitaskConfig,
        results: &[(Item, Outcome)],
    ) -> Result<Analysis, LabError> {
        let cells = comparisons(config, results);
        let multi: Vec<&Cell> = cells.iter().filter(|c| c.tasks >= 2).collect();
        let bootstrap = &config.common.bootstrap;
        let mut estimates = BTreeMap::new();
        let mut add = |name: &str, pick: &dyn Fn(&Cell) -> Option<f64>, geometric: bool| {
            let per_seed = config.common.seeds.iter().map(|&seed| {
                multi.iter().filter(|c| c.seed == seed).filter_map(|c| pick(c)).collect()
            });
            let stream = estimates.len() as u64;
            if let Some(interval) = pooled_interval(per_seed, geometric, bootstrap, stream) {
                estimates.insert(name.to_string(), interval);
            }
        };
        add("energy_ratio_onehot_over_phase", &|c| c.onehot_ratio, true);
        add("energy_ratio_separate_over_phase", &|c| c.separate_ratio, true);
        add("accuracy_gap_points", &|c| c.accuracy_gap_points, false);
        add("multistable_share_difference", &|c| c.multistable_difference, false);
        let answer = answer(&estimates);
        Ok(Analysis {
            estimates,
            answer,
            tables: vec![per_task_table(config, &cells)],
            figures: vec![energy_figure(config, &cells), states_figure(config, &cells)],
            notes: Vec::new(),
        })
    }
}

/// The comparisons of one (T, seed).
#[derive(Debug, Clone)]
struct Cell {
    tasks: usize,
    seed: u64,
    phase_best: TaskMember,
    phase_matched_onehot: Member,
    onehot_best: Member,
    onehot_matched: Member,
    /// Separate system: mean energy and mean test accuracy of the per-task chosen networks.
    separate_energy: f64,
    separate_test_accuracy: f64,
    phase_matched_separate: Member,
    onehot_ratio: Option<f64>,
    separate_ratio: Option<f64>,
    accuracy_gap_points: Option<f64>,
    multistable_difference: Option<f64>,
}

/// Share of a front's networks with a multistable landscape (b/a > 1/4); `None` for a front
/// without phase layers.
fn multistable_share(front: &[TaskMember]) -> Option<f64> {
    let ratios: Vec<f64> =
        front.iter().map(|t| t.member.phase_b_over_a).filter(|r| !r.is_nan()).collect();
    (!ratios.is_empty())
        .then(|| ratios.iter().filter(|&&r| r > 0.25).count() as f64 / ratios.len() as f64)
}

fn comparisons(config: &MultitaskConfig, results: &[(Item, Outcome)]) -> Vec<Cell> {
    let find = |tasks: usize, seed: u64, arm: Arm| {
        results
            .iter()
            .find(|(i, _)| i.tasks == tasks && i.seed == seed && i.arm == arm)
            .map(|(_, o)| &o.front)
    };
    let members = |front: &[TaskMember]| front.iter().map(|t| t.member.clone()).collect::<Vec<_>>();
    let mut cells = Vec::new();
    for &tasks in &config.tasks {
        for &seed in &config.common.seeds {
            let (Some(phase), Some(info_only), Some(onehot)) = (
                find(tasks, seed, Arm::PhaseEnergyInformation),
                find(tasks, seed, Arm::PhaseInformationOnly),
                find(tasks, seed, Arm::OneHot),
            ) else {
                continue;
            };
            let (phase_m, onehot_m) = (members(phase), members(onehot));
            let (Some(p_best), Some(o_best)) = (most_accurate(&phase_m), most_accurate(&onehot_m))
            else {
                continue;
            };
            let target =
                phase_m[p_best].validation_accuracy.min(onehot_m[o_best].validation_accuracy);
            let p_matched = cheapest_within(&phase_m, target, config.within).unwrap_or(p_best);
            let o_matched = cheapest_within(&onehot_m, target, config.within).unwrap_or(o_best);
            // Separate networks: per task, the cheapest within the margin of its best.
            let chosen: Vec<Member> = (0..tasks)
                .filter_map(|t| {
                    let front = members(find(tasks, seed, Arm::Separate(t))?);
                    let best = most_accurate(&front)?;
                    let pick =
                        cheapest_within(&front, front[best].validation_accuracy, config.within)
                            .unwrap_or(best);
                    Some(front[pick].clone())
                })
                .collect();
            let complete = chosen.len() == tasks;
            let mean =
                |f: &dyn Fn(&Member) -> f64| chosen.iter().map(f).sum::<f64>() / tasks as f64;
            let separate_energy = mean(&|m| m.energy_joules);
            let separate_validation = mean(&|m| m.validation_accuracy);
            let separate_test_accuracy = mean(&|m| m.test_accuracy);
            let p_matched_separate = cheapest_within(
                &phase_m,
                phase_m[p_best].validation_accuracy.min(separate_validation),
                config.within,
            )
            .unwrap_or(p_best);
            let best_control_test = onehot_m[o_best].test_accuracy.max(if complete {
                separate_test_accuracy
            } else {
                f64::NEG_INFINITY
            });
            let multistable_difference =
                multistable_share(phase).zip(multistable_share(info_only)).map(|(a, b)| a - b);
            cells.push(Cell {
                tasks,
                seed,
                phase_best: phase[p_best].clone(),
                phase_matched_onehot: phase_m[p_matched].clone(),
                onehot_best: onehot_m[o_best].clone(),
                onehot_matched: onehot_m[o_matched].clone(),
                separate_energy,
                separate_test_accuracy,
                phase_matched_separate: phase_m[p_matched_separate].clone(),
                onehot_ratio: Some(
                    onehot_m[o_matched].energy_joules / phase_m[p_matched].energy_joules,
                ),
                separate_ratio: complete
                    .then(|| separate_energy / phase_m[p_matched_separate].energy_joules),
                accuracy_gap_points: Some(
                    100.0 * (best_control_test - phase_m[p_best].test_accuracy),
                ),
                multistable_difference,
            });
        }
    }
    cells
}

fn answer(estimates: &BTreeMap<String, Interval>) -> String {
    let shown =
        |name: &str| estimates.get(name).map_or("— (not estimable)".into(), format_interval);
    format!(
        "On T ≥ 2 conflicting tasks the one-hot control spends {}× and separate networks {}× the \
         energy of the matched phase-multistable network; the better control is {} points more \
         accurate at its best; the energy-aware search's share of multistable landscapes exceeds \
         the information-only search's by {}.",
        shown("energy_ratio_onehot_over_phase"),
        shown("energy_ratio_separate_over_phase"),
        shown("accuracy_gap_points"),
        shown("multistable_share_difference"),
    )
}

/// Medians over seeds per T.
fn per_task_table(config: &MultitaskConfig, cells: &[Cell]) -> Table {
    let mut table = Table {
        title: "Per task count T (medians over seeds)".into(),
        header: [
            "T",
            "context-blind ceiling",
            "phase best test acc",
            "its distinct states",
            "one-hot best test acc",
            "separate test acc",
            "phase matched E (J)",
            "one-hot matched E (J)",
            "separate E (J)",
            "one-hot / phase",
            "separate / phase",
        ]
        .map(String::from)
        .to_vec(),
        rows: Vec::new(),
    };
    for &tasks in &config.tasks {
        let group: Vec<&Cell> = cells.iter().filter(|c| c.tasks == tasks).collect();
        if group.is_empty() {
            continue;
        }
        let med = |f: &dyn Fn(&Cell) -> f64| {
            let mut v: Vec<f64> = group.iter().map(|c| f(c)).filter(|x| x.is_finite()).collect();
            v.sort_by(f64::total_cmp);
            match v.len() {
                0 => "—".to_string(),
                n if n % 2 == 1 => significant(v[n / 2]),
                n => significant((v[n / 2 - 1] + v[n / 2]) / 2.0),
            }
        };
        table.rows.push(vec![
            tasks.to_string(),
            significant(tasks.div_ceil(2) as f64 / tasks as f64),
            med(&|c| c.phase_best.member.test_accuracy),
            med(&|c| c.phase_best.distinct_states as f64),
            med(&|c| c.onehot_best.test_accuracy),
            med(&|c| c.separate_test_accuracy),
            med(&|c| c.phase_matched_onehot.energy_joules),
            med(&|c| c.onehot_matched.energy_joules),
            med(&|c| c.separate_energy),
            med(&|c| c.onehot_ratio.unwrap_or(f64::NAN)),
            med(&|c| c.separate_ratio.unwrap_or(f64::NAN)),
        ]);
    }
    table
}

fn energy_figure(config: &MultitaskConfig, cells: &[Cell]) -> Figure {
    let series = |f: &dyn Fn(&Cell) -> f64| -> Vec<(f64, f64)> {
        cells.iter().map(|c| (c.tasks as f64, f(c).log2())).collect()
    };
    let plot = Plot::new("Energy per inference at matched accuracy")
        .x_label("tasks T")
        .y_label("log₂ energy (J)")
        .points("phase (matched to one-hot)", series(&|c| c.phase_matched_onehot.energy_joules))
        .points("one-hot control", series(&|c| c.onehot_matched.energy_joules))
        .points("separate networks", series(&|c| c.separate_energy))
        .points("phase (matched to separate)", series(&|c| c.phase_matched_separate.energy_joules));
    let _ = config;
    Figure {
        stem: "energy_by_tasks".into(),
        caption: "Energy per inference of each arm's matched network, by task count (every seed)"
            .into(),
        plot,
    }
}

fn states_figure(config: &MultitaskConfig, cells: &[Cell]) -> Figure {
    let points: Vec<(f64, f64)> =
        cells.iter().map(|c| (c.tasks as f64, c.phase_best.distinct_states as f64)).collect();
    let max_t = config.tasks.iter().copied().max().unwrap_or(1) as f64;
    let plot = Plot::new("Distinct phase states the tasks use (phase E-I, most accurate network)")
        .x_label("tasks T")
        .y_label("distinct states")
        .points("networks", points)
        .line("one state per task", vec![(1.0, 1.0), (max_t, max_t)]);
    Figure {
        stem: "states_by_tasks".into(),
        caption: "Distinct settled phase states over the tasks, against T".into(),
        plot,
    }
}

/// The commented example config (`dgnn experiment --example multitask`).
const EXAMPLE: &str = r#"// dgnn experiment multitask: does multistability arise from E_min, and does it carry several tasks?
(
    common: (
        seeds: [1, 2, 3, 4, 5],
        rules: [                      // declared before the run; verdicts are read off the intervals
            (
                claim: "phase-multistable networks serve several tasks at lower energy than the one-hot control, at equal accuracy",
                conditions: [
                    (quantity: "energy_ratio_onehot_over_phase", holds_if: Above(1.0)),
                    (quantity: "accuracy_gap_points", holds_if: Below(1.0)),
                ],
            ),
            (
                claim: "phase-multistable networks serve several tasks at lower energy than separate networks, one per task, at equal accuracy",
                conditions: [
                    (quantity: "energy_ratio_separate_over_phase", holds_if: Above(1.0)),
                    (quantity: "accuracy_gap_points", holds_if: Below(1.0)),
                ],
            ),
            (
                claim: "multistability arises from E_min: the energy-aware search picks multistable landscapes more often than the information-only search",
                conditions: [(quantity: "multistable_share_difference", holds_if: Above(0.0))],
            ),
        ],
        bootstrap: (resamples: 9999, level: 0.95),
    ),
    tasks: [1, 2, 3, 4],              // task counts T (conflicting labelings of shared inputs)
    inputs: 150,                      // inputs, each labelled once per task
    within: 0.01,                     // "equal accuracy": within one point of validation accuracy
    search: (                         // a dgnn search config; these are the only fields changed
        evolution: (population: 24, generations: 20),   // from its defaults
        estimation: (training: (epochs: 60), low_fidelity: (epochs: 10), promote_fraction: 0.3),
                                      // the estimation of the published report (the search's
                                      //   defaults again since issue 15's round 5)
    ),
)
"#;
