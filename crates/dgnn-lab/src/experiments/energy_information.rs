//! `energy-information`: is minimum energy more important than maximum information?
//!
//! The paper asks whether `E_min` matters more than `I_max` for an architecture search and says
//! modelling can answer it. Operationally: what does a search that ignores energy — accuracy-
//! driven NAS as practised today — pay in energy for the accuracy it reaches, and what does an
//! energy-aware search give up in accuracy for its savings?
//!
//! Design (every arm on the same data, seeds, splits, search space and evaluation budget):
//! - (a) the energy–information search (dgnn's default objectives: energy and information loss);
//! - (b) the information-only search (energy dropped from the objectives);
//! - (c) the energy–information search under a hard budget of 1/4 and of 1/16 of the baseline
//!   MLP's energy (a constraint).
//!
//! For every (data set, energy model, seed): (b)'s most accurate network (by validation
//! accuracy); (a)'s cheapest network within `within` of that validation accuracy (the *matched*
//! network); the energy ratio of the two and their test-accuracy difference; (c)'s most accurate
//! feasible network and its test-accuracy loss against (b)'s; and the trade-off along (a)'s
//! front (bits per doubling of energy, the knee).

use std::collections::BTreeMap;

use dgnn_core::{ParamError, ParamGuard};
use dgnn_glia::{BiologicalEnergy, Dataset, EnergyChoice, HardwareEnergy};
use dgnn_nas::{DataSource, MemberReport, RunOptions, Search, SearchConfig};
use dgnn_plot::Plot;
use serde::{Deserialize, Serialize};

use crate::LabError;
use crate::experiment::{Analysis, Common, Experiment, ExperimentInfo, Figure, Table};
use crate::fronts::{Member, cheapest_within, most_accurate, most_accurate_feasible, trade_off};
use crate::report::{format_interval, significant};
use crate::rule::{Condition, DecisionRule, QuantitySpec, Side};
use crate::stats::bootstrap::pooled_interval;
use crate::stats::{Interval, median};

/// The experiment (module docs).
#[derive(Debug, Clone, Copy, Default)]
pub struct EnergyInformation;

/// The energy model a search prices networks with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum EnergyModel {
    /// ATP per inference (Attwell & Laughlin 2001; Howarth et al. 2012).
    Biological,
    /// 45 nm hardware joules per inference (Horowitz 2014).
    Hardware,
}

impl EnergyModel {
    /// The model's default settings as a search's energy choice.
    pub(crate) fn choice(self) -> EnergyChoice {
        match self {
            Self::Biological => EnergyChoice::Biological(BiologicalEnergy::default()),
            Self::Hardware => EnergyChoice::Hardware(HardwareEnergy::default()),
        }
    }

    /// The model's name in tables.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Biological => "biological",
            Self::Hardware => "hardware",
        }
    }
}

/// The budgets of arm (c), as fractions of the baseline MLP's energy (the issue's 1/4 and 1/16).
pub const BUDGETS: [f64; 2] = [0.25, 0.0625];

/// The config (RON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnergyInformationConfig {
    /// Seeds, claims and intervals.
    pub common: Common,
    /// Bundled data sets searched (iris, wine, wdbc, digits).
    pub datasets: Vec<String>,
    /// Energy models searched under.
    pub energy_models: Vec<EnergyModel>,
    /// Accuracy margin of the matched network (default 0.01: one point).
    pub within: f64,
    /// The search every arm runs. Per item the experiment sets `seed`, `data`,
    /// `estimation.energy`, `objectives.minimise_energy` (false in arm b) and
    /// `constraints.max_energy_ratio` (arm c); everything else — space, budgets, evaluation
    /// count — is held equal between arms.
    pub search: SearchConfig,
}

/// An arm of the design.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Arm {
    /// (a) energy and information.
    EnergyInformation,
    /// (b) information only.
    InformationOnly,
    /// (c) energy and information under a budget, as a fraction of the baseline's energy.
    Budget(f64),
}

impl Arm {
    fn label(self) -> String {
        match self {
            Self::EnergyInformation => "E-I".into(),
            Self::InformationOnly => "I-only".into(),
            Self::Budget(f) => format!("E-I, budget {}", significant(f)),
        }
    }
}

/// One search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// Data set.
    pub dataset: String,
    /// Energy model.
    pub energy: EnergyModel,
    /// Seed (splits, initial population, training).
    pub seed: u64,
    /// Arm.
    pub arm: Arm,
}

/// What one search found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// The baseline MLP.
    pub baseline: Member,
    /// The final front, by increasing energy.
    pub front: Vec<Member>,
    /// Evaluations made.
    pub evaluations: u64,
}

const QUANTITIES: &[QuantitySpec] = &[
    QuantitySpec {
        name: "energy_ratio_biological",
        meaning: "energy of the accuracy-only search's best network over the matched energy-aware \
                  network's, biological model (geometric mean over data sets)",
    },
    QuantitySpec {
        name: "energy_ratio_hardware",
        meaning: "the same under the 45 nm hardware model",
    },
    QuantitySpec {
        name: "accuracy_gain_points",
        meaning: "test accuracy of the accuracy-only search's best network minus the matched \
                  network's, in points (mean over data sets and models)",
    },
    QuantitySpec {
        name: "loss_at_quarter_budget_points",
        meaning: "test accuracy of the accuracy-only best minus the best network within 1/4 of \
                  the MLP's energy, in points",
    },
    QuantitySpec {
        name: "loss_at_sixteenth_budget_points",
        meaning: "the same within 1/16 of the MLP's energy",
    },
];

/// A member of a search report, reduced for the analysis.
#[must_use]
pub fn member_of(m: &MemberReport) -> Member {
    let phase = m.genome.architecture().phase.as_ref();
    Member {
        energy_joules: m.validation.energy_joules,
        validation_accuracy: m.validation.accuracy,
        test_accuracy: m.test.accuracy,
        information_bits: m.validation.information_bits,
        feasible: m.feasible,
        neurons: m.validation.neurons,
        glia_ratio: m.glia_ratio,
        test_accuracy_by_context: m.test_accuracy_by_context.clone(),
        attractors_log2: m.validation.attractors_log2,
        phase_b_over_a: phase.map_or(f64::NAN, |p| p.b / p.a),
        summary: m.summary.clone(),
    }
}

fn rules() -> Vec<DecisionRule> {
    let condition = |quantity: &str, holds_if| Condition { quantity: quantity.into(), holds_if };
    vec![
        DecisionRule {
            claim: "an accuracy-only search spends at least twice the energy of the energy-aware \
                    search for the accuracy it reaches, under both energy models"
                .into(),
            conditions: vec![
                condition("energy_ratio_biological", Side::Above(2.0)),
                condition("energy_ratio_hardware", Side::Above(2.0)),
            ],
        },
        DecisionRule {
            claim: "the accuracy-only search gains less than one point of test accuracy over the \
                    matched energy-aware network"
                .into(),
            conditions: vec![condition("accuracy_gain_points", Side::Below(1.0))],
        },
        DecisionRule {
            claim: "under a hard budget of 1/4 of the MLP's energy the energy-aware search loses \
                    less than one point of test accuracy"
                .into(),
            conditions: vec![condition("loss_at_quarter_budget_points", Side::Below(1.0))],
        },
        DecisionRule {
            claim: "under a hard budget of 1/16 of the MLP's energy it loses less than one point"
                .into(),
            conditions: vec![condition("loss_at_sixteenth_budget_points", Side::Below(1.0))],
        },
    ]
}

/// The search every arm runs at the default size: population 24 for 20 generations (480
/// evaluations), the default space and estimation.
fn default_search() -> SearchConfig {
    let mut search = super::report_search();
    search.evolution.population = 24;
    search.evolution.generations = 20;
    search
}

impl Experiment for EnergyInformation {
    type Config = EnergyInformationConfig;
    type Item = Item;
    type Outcome = Outcome;

    fn info(&self) -> ExperimentInfo {
        ExperimentInfo {
            name: "energy-information",
            question: "Is minimum energy more important than maximum information? What an \
                       accuracy-only search pays in energy, and what an energy-aware one gives up",
        }
    }

    fn quantities(&self) -> &'static [QuantitySpec] {
        QUANTITIES
    }

    fn default_config(&self) -> EnergyInformationConfig {
        EnergyInformationConfig {
            common: Common::new(vec![1, 2, 3, 4, 5], rules()),
            datasets: super::BUNDLED.map(String::from).to_vec(),
            energy_models: vec![EnergyModel::Biological, EnergyModel::Hardware],
            within: 0.01,
            search: default_search(),
        }
    }

    fn quick_config(&self) -> EnergyInformationConfig {
        let mut search = super::report_search();
        search.evolution.population = 8;
        search.evolution.generations = 3;
        search.estimation.training.epochs = 20;
        EnergyInformationConfig {
            common: Common::new(vec![1, 2], rules()),
            datasets: vec!["iris".into(), "wine".into()],
            search,
            ..self.default_config()
        }
    }

    fn example(&self) -> String {
        EXAMPLE.into()
    }

    fn common<'c>(&self, config: &'c EnergyInformationConfig) -> &'c Common {
        &config.common
    }

    fn common_mut<'c>(&self, config: &'c mut EnergyInformationConfig) -> &'c mut Common {
        &mut config.common
    }

    fn check(&self, config: &EnergyInformationConfig) -> Result<(), LabError> {
        if config.datasets.is_empty() {
            return Err(
                ParamError::new("datasets", "[]", "name at least one bundled data set").into()
            );
        }
        super::check_bundled("datasets", &config.datasets)?;
        if config.energy_models.is_empty() {
            return Err(ParamError::new(
                "energy_models",
                "[]",
                "name at least one of Biological, Hardware",
            )
            .into());
        }
        dgnn_core::error::in_range("within", config.within, 0.0, 1.0)?;
        config.search.clone().check().map_err(|e| e.within("search"))?;
        Ok(())
    }

    fn design(&self, config: &EnergyInformationConfig) -> String {
        let s = &config.search.evolution;
        format!(
            "The paper asks whether minimum energy (E_min) matters more than maximum information \
             (I_max) when brains — and machines — search for architectures. Here: what does an \
             architecture search that ignores energy (accuracy-driven NAS as practised today) \
             pay in energy for the accuracy it reaches, and what does an energy-aware search \
             give up?\n\n\
             Arms, on every data set ({}) under every energy model ({}) and seed:\n\n\
             - **(a) E–I**: dgnn's search minimising energy per inference and information loss \
               H(Y) − I(Y; Ŷ);\n\
             - **(b) I-only**: the same search with energy removed from the objectives;\n\
             - **(c) budget**: (a) with a hard constraint of 1/4 and of 1/16 of the baseline \
               MLP's energy.\n\n\
             Held equal between arms: the data, the seed (hence the train/validation/test split, \
             the initial population and every training stream), the search space, the training \
             budgets and the evaluation budget (population {}, {} generations). Networks are \
             chosen by validation accuracy only; the test part is used only to report.\n\n\
             Per (data set, model, seed): (b)'s most accurate network; (a)'s cheapest network \
             within {} points of its validation accuracy (the *matched* network); the ratio of \
             their energies and the difference of their test accuracies; (c)'s most accurate \
             feasible network against (b)'s best; and along (a)'s front the information gained \
             per doubling of energy and the knee (kneedle rule). Ratios are pooled over data \
             sets by geometric mean, points by arithmetic mean; intervals resample seeds.",
            config.datasets.join(", "),
            config.energy_models.iter().map(|m| m.name()).collect::<Vec<_>>().join(", "),
            s.population,
            s.generations,
            significant(100.0 * config.within),
        )
    }

    fn items(&self, config: &EnergyInformationConfig) -> Vec<Item> {
        let arms = [
            Arm::EnergyInformation,
            Arm::InformationOnly,
            Arm::Budget(BUDGETS[0]),
            Arm::Budget(BUDGETS[1]),
        ];
        let mut items = Vec::new();
        for dataset in &config.datasets {
            for &energy in &config.energy_models {
                for &seed in &config.common.seeds {
                    for arm in arms {
                        items.push(Item { dataset: dataset.clone(), energy, seed, arm });
                    }
                }
            }
        }
        items
    }

    fn run_item(&self, config: &EnergyInformationConfig, item: &Item) -> Result<Outcome, LabError> {
        let failed = |message: String| LabError::Item { item: format!("{item:?}"), message };
        let data = Dataset::builtin(&item.dataset).map_err(|e| failed(e.to_string()))?;
        let mut search = config.search.clone();
        search.seed = item.seed;
        search.data = DataSource::Builtin(item.dataset.clone());
        search.estimation.energy = item.energy.choice();
        search.objectives.minimise_energy = item.arm != Arm::InformationOnly;
        if let Arm::Budget(fraction) = item.arm {
            search.constraints.max_energy_ratio = Some(fraction);
        }
        let search = Search::new(search.check()?, &data).map_err(|e| failed(e.to_string()))?;
        let baseline = search.measure_baseline().map_err(|e| failed(e.to_string()))?;
        let result = search
            .run(&baseline, RunOptions::default())
            .map_err(|e| failed(e.to_string()))?
            .finished()
            .ok_or_else(|| failed("the search stopped before its end".into()))?;
        Ok(Outcome {
            baseline: member_of(&result.report.baseline),
            front: result.report.front.iter().map(member_of).collect(),
            evaluations: result.report.evaluations,
        })
    }

    fn row(&self, item: &Item, outcome: &Outcome) -> Vec<(String, String)> {
        let best = most_accurate(&outcome.front).map(|i| &outcome.front[i]);
        let cell = |v: Option<f64>| v.map_or(String::new(), |x| x.to_string());
        vec![
            ("dataset".into(), item.dataset.clone()),
            ("energy_model".into(), item.energy.name().into()),
            ("seed".into(), item.seed.to_string()),
            ("arm".into(), item.arm.label()),
            ("front_size".into(), outcome.front.len().to_string()),
            ("evaluations".into(), outcome.evaluations.to_string()),
            ("baseline_energy_joules".into(), outcome.baseline.energy_joules.to_string()),
            ("baseline_test_accuracy".into(), outcome.baseline.test_accuracy.to_string()),
            ("best_energy_joules".into(), cell(best.map(|m| m.energy_joules))),
            ("best_validation_accuracy".into(), cell(best.map(|m| m.validation_accuracy))),
            ("best_test_accuracy".into(), cell(best.map(|m| m.test_accuracy))),
            (
                "feasible_members".into(),
                outcome.front.iter().filter(|m| m.feasible).count().to_string(),
            ),
        ]
    }

    fn analyse(
        &self,
        config: &EnergyInformationConfig,
        results: &[(Item, Outcome)],
    ) -> Result<Analysis, LabError> {
        let cells = comparisons(config, results);
        let common = &config.common;
        let seeds = common.seeds.len();
        let mut estimates = BTreeMap::new();
        // One value per seed, pooled over data sets (and models), then resampled over seeds.
        let mut estimate = |name: &str, pick: &dyn Fn(&Cell) -> Option<f64>, geometric: bool| {
            let per_seed = (0..seeds).map(|s| seed_values(&cells, s, pick));
            let stream = estimates.len() as u64;
            if let Some(interval) = pooled_interval(per_seed, geometric, &common.bootstrap, stream)
            {
                estimates.insert(name.to_string(), interval);
            }
        };
        for model in [EnergyModel::Biological, EnergyModel::Hardware] {
            estimate(
                &format!("energy_ratio_{}", model.name()),
                &|c| (c.model == model).then_some(c.energy_ratio),
                true,
            );
        }
        estimate("accuracy_gain_points", &|c| Some(c.accuracy_gain_points), false);
        estimate("loss_at_quarter_budget_points", &|c| c.budget_loss_points[0], false);
        estimate("loss_at_sixteenth_budget_points", &|c| c.budget_loss_points[1], false);
        let answer = answer(&estimates);
        Ok(Analysis {
            estimates,
            answer,
            tables: vec![per_dataset_table(config, &cells)],
            figures: figures(config, results, &cells),
            notes: notes(&cells),
        })
    }
}

/// The comparison of the arms for one (data set, model, seed).
#[derive(Debug, Clone)]
struct Cell {
    dataset: String,
    model: EnergyModel,
    seed_index: usize,
    /// E(b's best) / E(a's matched).
    energy_ratio: f64,
    /// 100 × (test(b's best) − test(a's matched)).
    accuracy_gain_points: f64,
    /// Whether (a) had a member within the margin (else its most accurate stood in).
    matched_within: bool,
    /// 100 × (test(b's best) − test(c's best feasible)) per budget; `None` when nothing met it.
    budget_loss_points: [Option<f64>; 2],
    b_best: Member,
    a_matched: Member,
    a_best: Member,
    baseline: Member,
    bits_per_doubling: Option<f64>,
    knee_factor: Option<f64>,
}

/// The values of `pick` for one seed, over every (data set, model) cell that gives one (pooled
/// by [`pooled_interval`]: the mean, or the geometric mean of ratios).
fn seed_values(cells: &[Cell], seed_index: usize, pick: &dyn Fn(&Cell) -> Option<f64>) -> Vec<f64> {
    cells.iter().filter(|c| c.seed_index == seed_index).filter_map(pick).collect()
}

/// Every (data set, model, seed) comparison; cells whose arms found no front are left out.
fn comparisons(config: &EnergyInformationConfig, results: &[(Item, Outcome)]) -> Vec<Cell> {
    let find = |dataset: &str, model: EnergyModel, seed: u64, arm: Arm| {
        results
            .iter()
            .find(|(i, _)| {
                i.dataset == dataset && i.energy == model && i.seed == seed && i.arm == arm
            })
            .map(|(_, o)| o)
    };
    let mut cells = Vec::new();
    for dataset in &config.datasets {
        for &model in &config.energy_models {
            for (seed_index, &seed) in config.common.seeds.iter().enumerate() {
                let (Some(a), Some(b)) = (
                    find(dataset, model, seed, Arm::EnergyInformation),
                    find(dataset, model, seed, Arm::InformationOnly),
                ) else {
                    continue;
                };
                let (Some(b_best), Some(a_best)) =
                    (most_accurate(&b.front), most_accurate(&a.front))
                else {
                    continue;
                };
                let b_best = b.front[b_best].clone();
                let matched = cheapest_within(&a.front, b_best.validation_accuracy, config.within);
                let a_matched = a.front[matched.unwrap_or(a_best)].clone();
                let budget_loss_points = BUDGETS.map(|f| {
                    let c = find(dataset, model, seed, Arm::Budget(f))?;
                    let best = most_accurate_feasible(&c.front)?;
                    Some(100.0 * (b_best.test_accuracy - c.front[best].test_accuracy))
                });
                let trade = trade_off(&a.front);
                cells.push(Cell {
                    dataset: dataset.clone(),
                    model,
                    seed_index,
                    energy_ratio: b_best.energy_joules / a_matched.energy_joules,
                    accuracy_gain_points: 100.0 * (b_best.test_accuracy - a_matched.test_accuracy),
                    matched_within: matched.is_some(),
                    budget_loss_points,
                    a_best: a.front[a_best].clone(),
                    b_best,
                    a_matched,
                    baseline: a.baseline.clone(),
                    bits_per_doubling: trade.map(|t| t.bits_per_doubling),
                    knee_factor: trade.map(|t| t.knee_energy_factor),
                });
            }
        }
    }
    cells
}

/// The answer in one sentence, from the estimates.
fn answer(estimates: &BTreeMap<String, Interval>) -> String {
    let shown =
        |name: &str| estimates.get(name).map_or("— (not estimable)".into(), format_interval);
    format!(
        "An accuracy-only search spends {}× (biological) and {}× (45 nm hardware) the energy of \
         the matched energy-aware network, for {} points of test accuracy. Under budgets of 1/4 \
         and 1/16 of the MLP's energy the energy-aware search loses {} and {} points.",
        shown("energy_ratio_biological"),
        shown("energy_ratio_hardware"),
        shown("accuracy_gain_points"),
        shown("loss_at_quarter_budget_points"),
        shown("loss_at_sixteenth_budget_points"),
    )
}

fn per_dataset_table(config: &EnergyInformationConfig, cells: &[Cell]) -> Table {
    let mut table = Table {
        title: "Per data set and energy model (medians over seeds)".into(),
        header: [
            "data set",
            "model",
            "I-only best test acc",
            "matched E-I test acc",
            "E-I best test acc",
            "energy ratio (I-only / matched)",
            "I-only best E / MLP",
            "matched E / MLP",
            "loss at 1/4 (points)",
            "loss at 1/16 (points)",
            "bits per doubling of E",
            "knee (× cheapest E)",
        ]
        .map(String::from)
        .to_vec(),
        rows: Vec::new(),
    };
    for dataset in &config.datasets {
        for &model in &config.energy_models {
            let group: Vec<&Cell> =
                cells.iter().filter(|c| &c.dataset == dataset && c.model == model).collect();
            if group.is_empty() {
                continue;
            }
            let med = |f: &dyn Fn(&Cell) -> f64| {
                significant(median(group.iter().map(|c| f(c)).collect()))
            };
            table.rows.push(vec![
                dataset.clone(),
                model.name().into(),
                med(&|c| c.b_best.test_accuracy),
                med(&|c| c.a_matched.test_accuracy),
                med(&|c| c.a_best.test_accuracy),
                med(&|c| c.energy_ratio),
                med(&|c| c.b_best.energy_joules / c.baseline.energy_joules),
                med(&|c| c.a_matched.energy_joules / c.baseline.energy_joules),
                med(&|c| c.budget_loss_points[0].unwrap_or(f64::NAN)),
                med(&|c| c.budget_loss_points[1].unwrap_or(f64::NAN)),
                med(&|c| c.bits_per_doubling.unwrap_or(f64::NAN)),
                med(&|c| c.knee_factor.unwrap_or(f64::NAN)),
            ]);
        }
    }
    table
}

fn notes(cells: &[Cell]) -> Vec<String> {
    let unmatched = cells.iter().filter(|c| !c.matched_within).count();
    let no_budget: [usize; 2] =
        [0, 1].map(|k| cells.iter().filter(|c| c.budget_loss_points[k].is_none()).count());
    let mut notes = Vec::new();
    if unmatched > 0 {
        notes.push(format!(
            "In {unmatched} of {} comparisons no energy-aware network came within the margin of \
             the accuracy-only best; its most accurate network stood in as the matched one.",
            cells.len()
        ));
    }
    for (k, label) in ["1/4", "1/16"].iter().enumerate() {
        if no_budget[k] > 0 {
            notes.push(format!(
                "Under the {label} budget, {} of {} searches found no feasible network; they are \
                 left out of that loss.",
                no_budget[k],
                cells.len()
            ));
        }
    }
    notes
}

fn figures(
    config: &EnergyInformationConfig,
    results: &[(Item, Outcome)],
    cells: &[Cell],
) -> Vec<Figure> {
    let mut figures = Vec::new();
    let mut ratio_plot = Plot::new("Energy of the accuracy-only best over the matched E-I network")
        .x_label("data set (index)")
        .y_label("energy ratio (log₂)");
    for (m, &model) in config.energy_models.iter().enumerate() {
        let points: Vec<(f64, f64)> = cells
            .iter()
            .filter(|c| c.model == model)
            .map(|c| {
                let d = config.datasets.iter().position(|x| x == &c.dataset).unwrap_or(0);
                (d as f64 + 0.15 * m as f64, c.energy_ratio.log2())
            })
            .collect();
        ratio_plot = ratio_plot.points(model.name(), points);
    }
    let labels: Vec<(String, f64)> = config.datasets.iter().map(|d| (d.clone(), 0.0)).collect();
    ratio_plot = ratio_plot
        .line("ratio 1", vec![(-0.5, 0.0), (labels.len() as f64 - 0.5, 0.0)])
        .line("ratio 2 (claim threshold)", vec![(-0.5, 1.0), (labels.len() as f64 - 0.5, 1.0)]);
    for (d, name) in config.datasets.iter().enumerate() {
        ratio_plot = ratio_plot.label(d as f64, -0.3, name.clone());
    }
    figures.push(Figure {
        stem: "energy_ratio".into(),
        caption: "Energy ratio per data set, seed and model (log₂; above 1 = more than twice)"
            .into(),
        plot: ratio_plot,
    });
    let first_seed = config.common.seeds[0];
    for &model in &config.energy_models {
        for dataset in &config.datasets {
            let mut plot =
                Plot::new(format!("{dataset}, {} energy, seed {first_seed}", model.name()))
                    .x_label("log₂ (energy / MLP's)")
                    .y_label("test accuracy");
            for (item, outcome) in results {
                if &item.dataset != dataset || item.energy != model || item.seed != first_seed {
                    continue;
                }
                let base = outcome.baseline.energy_joules;
                let points: Vec<(f64, f64)> = outcome
                    .front
                    .iter()
                    .filter(|m| m.feasible)
                    .map(|m| ((m.energy_joules / base).log2(), m.test_accuracy))
                    .collect();
                plot = plot.points(item.arm.label(), points);
            }
            plot = plot.points(
                "MLP baseline",
                results
                    .iter()
                    .filter(|(i, _)| {
                        &i.dataset == dataset && i.energy == model && i.seed == first_seed
                    })
                    .take(1)
                    .map(|(_, o)| (0.0, o.baseline.test_accuracy))
                    .collect(),
            );
            figures.push(Figure {
                stem: format!("fronts_{dataset}_{}", model.name()),
                caption: format!("Fronts of every arm on {dataset} ({} energy, seed {first_seed}; feasible members)", model.name()),
                plot,
            });
        }
    }
    figures
}

/// The commented example config (`dgnn experiment --example energy-information`).
const EXAMPLE: &str = r#"// dgnn experiment energy-information: is minimum energy more important than maximum information?
// Every arm runs the same search (below) on the same seeds; the experiment sets per item the
// seed, the data, the energy model, whether energy is an objective and the budget.
(
    common: (
        seeds: [1, 2, 3, 4, 5],       // at least 2 (intervals resample seeds)
        rules: [                      // declared before the run; verdicts are read off the intervals
            (
                claim: "an accuracy-only search spends at least twice the energy of the energy-aware search for the accuracy it reaches, under both energy models",
                conditions: [
                    (quantity: "energy_ratio_biological", holds_if: Above(2.0)),
                    (quantity: "energy_ratio_hardware", holds_if: Above(2.0)),
                ],
            ),
            (
                claim: "the accuracy-only search gains less than one point of test accuracy over the matched energy-aware network",
                conditions: [(quantity: "accuracy_gain_points", holds_if: Below(1.0))],
            ),
            (
                claim: "under a hard budget of 1/4 of the MLP's energy the energy-aware search loses less than one point of test accuracy",
                conditions: [(quantity: "loss_at_quarter_budget_points", holds_if: Below(1.0))],
            ),
            (
                claim: "under a hard budget of 1/16 of the MLP's energy it loses less than one point",
                conditions: [(quantity: "loss_at_sixteenth_budget_points", holds_if: Below(1.0))],
            ),
        ],
        bootstrap: (resamples: 9999, level: 0.95),
    ),
    datasets: ["iris", "wine", "wdbc", "digits"],
    energy_models: [Biological, Hardware],
    within: 0.01,                     // the matched network is within one point of validation accuracy
    search: (                         // a dgnn search config (`dgnn search --example`); these are
        evolution: (population: 24, generations: 20),   // the only fields changed from its defaults
        estimation: (training: (epochs: 60), low_fidelity: (epochs: 10), promote_fraction: 0.3),
                                      // the estimation of the published report (the search's
                                      //   defaults again since issue 15's round 5)
    ),
)
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(seed_index: usize, energy_ratio: f64, gain: f64) -> Cell {
        let member = Member {
            energy_joules: 1.0,
            validation_accuracy: 0.9,
            test_accuracy: 0.9,
            information_bits: 1.0,
            feasible: true,
            neurons: 1,
            glia_ratio: 1.0,
            test_accuracy_by_context: Vec::new(),
            attractors_log2: 0.0,
            phase_b_over_a: f64::NAN,
            summary: String::new(),
        };
        Cell {
            dataset: "iris".into(),
            model: EnergyModel::Biological,
            seed_index,
            energy_ratio,
            accuracy_gain_points: gain,
            matched_within: true,
            budget_loss_points: [None, None],
            b_best: member.clone(),
            a_matched: member.clone(),
            a_best: member.clone(),
            baseline: member,
            bits_per_doubling: None,
            knee_factor: None,
        }
    }

    /// Ratios pool by geometric mean (2 and 8 give 4), points by arithmetic mean, per seed.
    #[test]
    fn pooling_per_seed() {
        use crate::stats::mean_of;
        let cells = [cell(0, 2.0, 1.0), cell(0, 8.0, 3.0), cell(1, 5.0, -1.0)];
        let ratio = |c: &Cell| Some(c.energy_ratio);
        let gain = |c: &Cell| Some(c.accuracy_gain_points);
        let pooled = |seed, pick: &dyn Fn(&Cell) -> Option<f64>, geometric| {
            mean_of(&seed_values(&cells, seed, pick), geometric)
        };
        assert!((pooled(0, &ratio, true).unwrap() - 4.0).abs() < 1e-12);
        assert!((pooled(0, &gain, false).unwrap() - 2.0).abs() < 1e-12);
        assert!((pooled(1, &ratio, true).unwrap() - 5.0).abs() < 1e-12);
        assert!(pooled(2, &ratio, true).is_none());
    }
}
