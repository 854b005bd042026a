//! `glia-ratio`: is the glia:neuron ratio task-specific?
//!
//! The paper argues that task-specific glia:neuron ratios in deep networks are meaningful,
//! since the ratio is specific to brain regions (1:1 to 6:1 in the human brain; von Bartheld,
//! Bahney & Herculano-Houzel 2016; Herculano-Houzel 2014). Design: energy–information searches
//! on several tasks (the bundled data sets and conflicting multitask sets) under both energy
//! models, every seed; from each front, the glia:neuron ratios per region and per network
//! (energy-weighted over its regions), and an ablation of the front's efficient and most
//! accurate networks without their astrocytes' work (the astrocyte rule and the energy supply
//! switched off), retrained with the same seed on the same split.
//!
//! Analysis: (a) Kruskal–Wallis across tasks with ε² and pairwise Mann–Whitney tests
//! (Holm-corrected); (b) Spearman's rank correlation of the ratio with task difficulty (the
//! baseline MLP's test error; H(Y | best single feature)); (c) the ablation's change in accuracy
//! and energy.

use std::collections::BTreeMap;

use dgnn_core::{ParamError, ParamGuard, RunningMoments, Seed};
use dgnn_glia::{Dataset, EnergyModel as _, RegionId, TrainingJob};
use dgnn_nas::{DgnnGenome, RunOptions, Search, SearchConfig, SearchResult};
use dgnn_plot::Plot;
use serde::{Deserialize, Serialize};

use crate::LabError;
use crate::experiment::{Analysis, Common, Experiment, ExperimentInfo, Figure, Table};
use crate::experiments::energy_information::EnergyModel;
use crate::fronts::{cheapest_within, most_accurate};
use crate::report::{format_interval, significant};
use crate::rule::{Condition, DecisionRule, QuantitySpec, Side};
use crate::stats::bootstrap::{bias_corrected_interval, mean_interval};
use crate::stats::rank::{kruskal_wallis, mann_whitney_u, spearman};
use crate::stats::{Interval, median};

/// The experiment (module docs).
#[derive(Debug, Clone, Copy, Default)]
pub struct GliaRatio;

/// The config (RON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GliaRatioConfig {
    /// Seeds (at least 8 at the default size), claims and intervals.
    pub common: Common,
    /// Bundled data sets.
    pub datasets: Vec<String>,
    /// Conflicting multitask sets by task count T (each ≥ 1).
    pub multitask: Vec<usize>,
    /// Inputs of the multitask sets, each labelled once per task.
    pub inputs: usize,
    /// Energy models searched under.
    pub energy_models: Vec<EnergyModel>,
    /// Accuracy margin of the efficient network (default 0.01).
    pub within: f64,
    /// The search (per item the experiment sets `seed`, `data` and `estimation.energy`).
    pub search: SearchConfig,
}

/// One search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// Task: a bundled data set or `tasks-T`.
    pub task: String,
    /// Energy model.
    pub energy: EnergyModel,
    /// Seed.
    pub seed: u64,
}

/// A front network's glia figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RatioMember {
    /// Energy per inference (validation), joules.
    pub energy_joules: f64,
    /// Validation accuracy.
    pub validation_accuracy: f64,
    /// Test accuracy.
    pub test_accuracy: f64,
    /// Astrocytes per neuron over the network.
    pub network_ratio: f64,
    /// The regions' ratios weighted by each hidden region's share of the energy.
    pub energy_weighted_ratio: f64,
    /// Each hidden region's ratio.
    pub region_ratios: Vec<f64>,
}

/// A network retrained with and without its astrocytes' work.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ablation {
    /// Test accuracy with the astrocyte rule and supply as evolved.
    pub accuracy_with: f64,
    /// Test accuracy with both switched off.
    pub accuracy_without: f64,
    /// Energy per inference (test part) with them, joules.
    pub energy_with: f64,
    /// The same without.
    pub energy_without: f64,
}

/// What one search found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// The front.
    pub front: Vec<RatioMember>,
    /// Index of the efficient member in `front`.
    pub efficient: usize,
    /// The baseline MLP's test error.
    pub baseline_error: f64,
    /// H(Y | the single most informative feature, in 10 equal-count bins), bits.
    pub conditional_entropy_bits: f64,
    /// Ablations of the efficient and the most accurate members (when they use astrocytes).
    pub ablations: Vec<Ablation>,
}

const QUANTITIES: &[QuantitySpec] = &[
    QuantitySpec {
        name: "epsilon_squared_biological",
        meaning: "Kruskal–Wallis ε² of the efficient networks' energy-weighted glia:neuron \
                  ratio across tasks, biological energy",
    },
    QuantitySpec { name: "epsilon_squared_hardware", meaning: "the same, 45 nm hardware energy" },
    QuantitySpec {
        name: "rho_ratio_vs_mlp_error",
        meaning: "Spearman ρ across tasks between the median ratio and the baseline MLP's test \
                  error (biological energy)",
    },
    QuantitySpec {
        name: "rho_ratio_vs_conditional_entropy",
        meaning: "Spearman ρ across tasks between the median ratio and H(Y | best feature)",
    },
    QuantitySpec {
        name: "ablation_accuracy_loss_points",
        meaning: "test accuracy with the astrocytes' rule and supply minus without, in points \
                  (mean over ablated networks)",
    },
];

fn rules() -> Vec<DecisionRule> {
    let c = |quantity: &str, holds_if| Condition { quantity: quantity.into(), holds_if };
    vec![
        DecisionRule {
            claim: "the glia:neuron ratio of energy-efficient networks is task-specific: at least \
                    a medium effect (ε² > 0.06) across tasks under both energy models"
                .into(),
            conditions: vec![
                c("epsilon_squared_biological", Side::Above(0.06)),
                c("epsilon_squared_hardware", Side::Above(0.06)),
            ],
        },
        DecisionRule {
            claim: "harder tasks get more glia per neuron (positive rank correlation with the \
                    baseline MLP's error)"
                .into(),
            conditions: vec![c("rho_ratio_vs_mlp_error", Side::Above(0.0))],
        },
        DecisionRule {
            claim: "the glia do work: switching off the astrocytes' rule and supply costs test \
                    accuracy"
                .into(),
            conditions: vec![c("ablation_accuracy_loss_points", Side::Above(0.0))],
        },
    ]
}

fn default_search() -> SearchConfig {
    let mut search = super::report_search();
    search.evolution.population = 24;
    search.evolution.generations = 20;
    search
}

impl GliaRatioConfig {
    fn tasks(&self) -> Vec<String> {
        super::task_names(&self.datasets, &self.multitask)
    }

    fn data(&self, task: &str) -> Result<Dataset, dgnn_glia::GliaError> {
        super::task_data(task, self.inputs)
    }
}

/// H(Y | X_f) minimised over features, each feature cut into 10 equal-count bins (bits).
fn best_feature_conditional_entropy(data: &Dataset) -> f64 {
    let n = data.len();
    let classes = data.n_classes();
    let labels = data.labels();
    let mut best = f64::INFINITY;
    for f in 0..data.n_features() {
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| data.row(a)[f].total_cmp(&data.row(b)[f]).then(a.cmp(&b)));
        let mut counts = vec![vec![0usize; classes]; 10];
        for (rank, &i) in order.iter().enumerate() {
            counts[rank * 10 / n][labels[i]] += 1;
        }
        let entropy: f64 = counts
            .iter()
            .map(|bin| {
                let total: usize = bin.iter().sum();
                let h: f64 = bin
                    .iter()
                    .filter(|&&c| c > 0)
                    .map(|&c| {
                        let p = c as f64 / total as f64;
                        -p * p.log2()
                    })
                    .sum();
                total as f64 / n as f64 * h
            })
            .sum();
        best = best.min(entropy);
    }
    best
}

/// The glia figures of one front member, from its genome and its energy by region.
fn ratio_member(
    genome: &DgnnGenome,
    report: &dgnn_nas::MemberReport,
    energy_by_region: &BTreeMap<usize, f64>,
) -> RatioMember {
    let regions = &genome.architecture().regions;
    let region_ratios: Vec<f64> = regions.iter().map(|r| r.glia_ratio).collect();
    let total: f64 = (1..=regions.len()).filter_map(|r| energy_by_region.get(&r)).sum();
    let weighted = if total > 0.0 {
        region_ratios
            .iter()
            .enumerate()
            .map(|(k, ratio)| ratio * energy_by_region.get(&(k + 1)).copied().unwrap_or(0.0))
            .sum::<f64>()
            / total
    } else {
        report.glia_ratio
    };
    RatioMember {
        energy_joules: report.validation.energy_joules,
        validation_accuracy: report.validation.accuracy,
        test_accuracy: report.test.accuracy,
        network_ratio: report.glia_ratio,
        energy_weighted_ratio: weighted,
        region_ratios,
    }
}

impl Experiment for GliaRatio {
    type Config = GliaRatioConfig;
    type Item = Item;
    type Outcome = Outcome;

    fn info(&self) -> ExperimentInfo {
        ExperimentInfo {
            name: "glia-ratio",
            question: "Is the glia:neuron ratio task-specific? Ratios of energy-efficient \
                       networks across tasks, their link to difficulty, and an ablation",
        }
    }

    fn quantities(&self) -> &'static [QuantitySpec] {
        QUANTITIES
    }

    fn default_config(&self) -> GliaRatioConfig {
        GliaRatioConfig {
            common: Common::new((1..=8).collect(), rules()),
            datasets: super::BUNDLED.map(String::from).to_vec(),
            multitask: vec![1, 2, 3, 4],
            inputs: 150,
            energy_models: vec![EnergyModel::Biological, EnergyModel::Hardware],
            within: 0.01,
            search: default_search(),
        }
    }

    fn quick_config(&self) -> GliaRatioConfig {
        let mut search = super::report_search();
        search.evolution.population = 8;
        search.evolution.generations = 3;
        search.estimation.training.epochs = 20;
        GliaRatioConfig {
            common: Common::new(vec![1, 2], rules()),
            datasets: vec!["iris".into(), "wine".into()],
            multitask: vec![2],
            inputs: 40,
            search,
            ..self.default_config()
        }
    }

    fn example(&self) -> String {
        EXAMPLE.into()
    }

    fn common<'c>(&self, config: &'c GliaRatioConfig) -> &'c Common {
        &config.common
    }

    fn common_mut<'c>(&self, config: &'c mut GliaRatioConfig) -> &'c mut Common {
        &mut config.common
    }

    fn check(&self, config: &GliaRatioConfig) -> Result<(), LabError> {
        super::check_bundled("datasets", &config.datasets)?;
        super::check_multitask("multitask", &config.multitask, config.inputs)?;
        dgnn_core::error::at_least("tasks (datasets and multitask sets)", config.tasks().len(), 3)?;
        if config.energy_models.is_empty() {
            return Err(
                ParamError::new("energy_models", "[]", "name Biological and/or Hardware").into()
            );
        }
        dgnn_core::error::in_range("within", config.within, 0.0, 1.0)?;
        config.search.clone().check().map_err(|e| e.within("search"))?;
        Ok(())
    }

    fn design(&self, config: &GliaRatioConfig) -> String {
        let s = &config.search.evolution;
        format!(
            "The paper argues that task-specific glia:neuron ratios in deep networks are \
             meaningful and fundamental, because the ratio is specific to brain regions — from \
             1:1 to 6:1 in the human brain (von Bartheld, Bahney & Herculano-Houzel 2016, J Comp \
             Neurol 524:3865; Herculano-Houzel 2014, Glia 62:1377), about 84.6 billion glia to \
             86.1 billion neurons in all. A network's astrocytes here are an analogy, not a \
             model of real glia: they modulate their neurons (the Porto-Pazos rule), supply \
             their energy (a throttle), and cost energy themselves; the search chooses each \
             region's ratio within 0.25–6.\n\n\
             Design: dgnn's energy–information search on each task ({}) under each energy model \
             ({}) with {} seeds (population {}, {} generations). From every front: each \
             region's ratio, each network's ratio weighted by its regions' energy, and the \
             *efficient* network (the cheapest within {} points of the most accurate).\n\n\
             Analysis: (a) Kruskal–Wallis test of the efficient networks' energy-weighted ratio \
             across tasks, with ε² and pairwise Mann–Whitney tests (Holm-corrected); (b) \
             Spearman's ρ across tasks between the median ratio and the task's difficulty — the \
             baseline MLP's test error, and H(Y | the best single feature); (c) ablation: the \
             efficient and most accurate networks retrained with the same seed on the same split \
             with the astrocyte rule and the energy supply switched off, against the same \
             networks retrained as evolved. The intervals of ε² and ρ are bias-corrected \
             percentile intervals (Efron's BC): resampling seeds repeats values, which inflates \
             rank effect sizes.",
            config.tasks().join(", "),
            config.energy_models.iter().map(|m| format!("{m:?}")).collect::<Vec<_>>().join(", "),
            config.common.seeds.len(),
            s.population,
            s.generations,
            significant(100.0 * config.within),
        )
    }

    fn items(&self, config: &GliaRatioConfig) -> Vec<Item> {
        let mut items = Vec::new();
        for task in config.tasks() {
            for &energy in &config.energy_models {
                for &seed in &config.common.seeds {
                    items.push(Item { task: task.clone(), energy, seed });
                }
            }
        }
        items
    }

    fn run_item(&self, config: &GliaRatioConfig, item: &Item) -> Result<Outcome, LabError> {
        let failed = |message: String| LabError::Item { item: format!("{item:?}"), message };
        let data = config.data(&item.task).map_err(|e| failed(e.to_string()))?;
        let mut search = config.search.clone();
        search.seed = item.seed;
        search.estimation.energy = item.energy.choice();
        let search = Search::new(search.check()?, &data).map_err(|e| failed(e.to_string()))?;
        let baseline = search.measure_baseline().map_err(|e| failed(e.to_string()))?;
        let result: SearchResult = search
            .run(&baseline, RunOptions::default())
            .map_err(|e| failed(e.to_string()))?
            .finished()
            .ok_or_else(|| failed("the search stopped before its end".into()))?;
        let energy = item.energy.choice().check()?;
        let splits = search.estimator().splits();
        let mut front = Vec::new();
        for (report, model) in result.report.front.iter().zip(&result.models) {
            let evaluation =
                model.evaluate(&splits.validation, &energy).map_err(|e| failed(e.to_string()))?;
            let mut by_region = BTreeMap::new();
            for e in &evaluation.energy.items {
                if let RegionId::Hidden(r) = e.region {
                    *by_region.entry(r).or_insert(0.0) += e.joules;
                }
            }
            front.push(ratio_member(&report.genome, report, &by_region));
        }
        let members: Vec<crate::fronts::Member> = result
            .report
            .front
            .iter()
            .map(crate::experiments::energy_information::member_of)
            .collect();
        let best = most_accurate(&members).unwrap_or(0);
        let efficient = cheapest_within(
            &members,
            members.get(best).map_or(0.0, |m| m.validation_accuracy),
            config.within,
        )
        .unwrap_or(best);
        let mut chosen = vec![efficient, best];
        chosen.dedup();
        let mut ablations = Vec::new();
        for index in chosen {
            let genome = &result.report.front[index].genome;
            let architecture = genome.architecture().clone();
            if architecture.astrocytes.is_none() && architecture.supply_per_astrocyte.is_none() {
                continue;
            }
            let mut without = architecture.clone();
            without.astrocytes = None;
            without.supply_per_astrocyte = None;
            let training = search.estimator().estimation().full();
            let seed = search.estimator().training_seed(genome);
            let measure = |arch: dgnn_glia::Architecture| -> Result<(f64, f64), LabError> {
                let arch = arch.check()?;
                let job = TrainingJob::new(&arch, training, &energy);
                let held = job
                    .train_and_test(&splits.train, &splits.test, seed, &dgnn_core::NoProgress)
                    .map_err(|e| failed(e.to_string()))?;
                Ok((held.test.accuracy, held.test.energy_per_inference.value()))
            };
            let (accuracy_with, energy_with) = measure(architecture)?;
            let (accuracy_without, energy_without) = measure(without)?;
            ablations.push(Ablation {
                accuracy_with,
                accuracy_without,
                energy_with,
                energy_without,
            });
        }
        let _ = energy.name();
        Ok(Outcome {
            front,
            efficient,
            baseline_error: 1.0 - result.report.baseline.test.accuracy,
            conditional_entropy_bits: best_feature_conditional_entropy(&data),
            ablations,
        })
    }

    fn row(&self, item: &Item, outcome: &Outcome) -> Vec<(String, String)> {
        let eff = outcome.front.get(outcome.efficient);
        let cell = |v: Option<f64>| v.map_or(String::new(), |x| x.to_string());
        let loss: Vec<f64> =
            outcome.ablations.iter().map(|a| a.accuracy_with - a.accuracy_without).collect();
        vec![
            ("task".into(), item.task.clone()),
            ("energy_model".into(), format!("{:?}", item.energy)),
            ("seed".into(), item.seed.to_string()),
            ("front_size".into(), outcome.front.len().to_string()),
            ("efficient_energy_weighted_ratio".into(), cell(eff.map(|m| m.energy_weighted_ratio))),
            ("efficient_network_ratio".into(), cell(eff.map(|m| m.network_ratio))),
            ("efficient_test_accuracy".into(), cell(eff.map(|m| m.test_accuracy))),
            ("baseline_error".into(), outcome.baseline_error.to_string()),
            ("conditional_entropy_bits".into(), outcome.conditional_entropy_bits.to_string()),
            (
                "ablation_accuracy_loss".into(),
                loss.iter().map(f64::to_string).collect::<Vec<_>>().join(" "),
            ),
        ]
    }

    fn analyse(
        &self,
        config: &GliaRatioConfig,
        results: &[(Item, Outcome)],
    ) -> Result<Analysis, LabError> {
        let tasks = config.tasks();
        let seeds = &config.common.seeds;
        let bootstrap = &config.common.bootstrap;
        // ratio[model][task][seed index]
        let ratio = |model: EnergyModel, task: &str, seed: u64| {
            results
                .iter()
                .find(|(i, _)| i.energy == model && i.task == task && i.seed == seed)
                .and_then(|(_, o)| o.front.get(o.efficient))
                .map(|m| m.energy_weighted_ratio)
        };
        let groups_at = |model: EnergyModel, idx: &[usize]| -> Vec<Vec<f64>> {
            tasks
                .iter()
                .map(|t| idx.iter().filter_map(|&s| ratio(model, t, seeds[s])).collect())
                .collect()
        };
        let epsilon = |model: EnergyModel, idx: &[usize]| {
            let groups = groups_at(model, idx);
            let refs: Vec<&[f64]> = groups.iter().map(Vec::as_slice).collect();
            kruskal_wallis(&refs).map_or(f64::NAN, |k| k.epsilon_squared)
        };
        let mut estimates = BTreeMap::new();
        let mut stream = 0u64;
        let put =
            |estimates: &mut BTreeMap<String, Interval>, name: &str, interval: Option<Interval>| {
                if let Some(i) = interval.filter(|i| i.low.is_finite() && i.high.is_finite()) {
                    estimates.insert(name.to_string(), i);
                }
            };
        for model in [EnergyModel::Biological, EnergyModel::Hardware] {
            if !config.energy_models.contains(&model) {
                continue;
            }
            stream += 1;
            let interval = bias_corrected_interval(
                seeds.len(),
                |idx| epsilon(model, idx),
                bootstrap,
                Seed(0),
                &[stream],
            )
            .ok();
            put(&mut estimates, &format!("epsilon_squared_{}", model.name()), interval);
        }
        let difficulty = |pick: &dyn Fn(&Outcome) -> f64, task: &str, idx: &[usize]| {
            let values: Vec<f64> = idx
                .iter()
                .filter_map(|&s| {
                    results
                        .iter()
                        .find(|(i, _)| {
                            i.energy == EnergyModel::Biological
                                && i.task == task
                                && i.seed == seeds[s]
                        })
                        .map(|(_, o)| pick(o))
                })
                .collect();
            median(values)
        };
        let rho = |pick: &dyn Fn(&Outcome) -> f64, idx: &[usize]| {
            let x: Vec<f64> = tasks
                .iter()
                .map(|t| {
                    median(
                        idx.iter()
                            .filter_map(|&s| ratio(EnergyModel::Biological, t, seeds[s]))
                            .collect(),
                    )
                })
                .collect();
            let y: Vec<f64> = tasks.iter().map(|t| difficulty(pick, t, idx)).collect();
            spearman(&x, &y).map_or(f64::NAN, |s| s.rho)
        };
        if config.energy_models.contains(&EnergyModel::Biological) {
            for (name, pick) in [
                ("rho_ratio_vs_mlp_error", (|o: &Outcome| o.baseline_error) as fn(&Outcome) -> f64),
                ("rho_ratio_vs_conditional_entropy", |o: &Outcome| o.conditional_entropy_bits),
            ] {
                stream += 1;
                let interval = bias_corrected_interval(
                    seeds.len(),
                    |idx| rho(&pick, idx),
                    bootstrap,
                    Seed(0),
                    &[stream],
                )
                .ok();
                put(&mut estimates, name, interval);
            }
        }
        let loss_per_seed: Vec<f64> = seeds
            .iter()
            .filter_map(|&seed| {
                let mut m = RunningMoments::default();
                for (_, o) in results.iter().filter(|(i, _)| i.seed == seed) {
                    for a in &o.ablations {
                        m.push(100.0 * (a.accuracy_with - a.accuracy_without));
                    }
                }
                (m.count > 0).then_some(m.mean)
            })
            .collect();
        put(
            &mut estimates,
            "ablation_accuracy_loss_points",
            mean_interval(&loss_per_seed, false, bootstrap, 50),
        );
        let all: Vec<usize> = (0..seeds.len()).collect();
        let mut tables = vec![ratio_table(config, results, &tasks)];
        if config.energy_models.contains(&EnergyModel::Biological) {
            tables.push(pairwise_table(&tasks, &groups_at(EnergyModel::Biological, &all)));
        }
        tables.push(ablation_table(&tasks, results));
        let answer = answer(&estimates);
        Ok(Analysis {
            estimates,
            answer,
            tables,
            figures: vec![ratio_figure(config, results, &tasks)],
            notes: vec![
                "The astrocytes here are an analogy: a network's 'glia' are units that modulate, \
                 supply and cost energy in the model, not models of real astrocytes; the \
                 biological range (1:1 to 6:1) is shown beside the found ratios for orientation \
                 only."
                    .into(),
            ],
        })
    }
}

fn answer(estimates: &BTreeMap<String, Interval>) -> String {
    let shown =
        |name: &str| estimates.get(name).map_or("— (not estimable)".into(), format_interval);
    format!(
        "Across tasks the efficient networks' glia:neuron ratio differs with ε² = {} \
         (biological) and {} (hardware); its rank correlation with the MLP's error is {} and \
         with H(Y | best feature) {}; switching off the astrocytes' rule and supply changes test \
         accuracy by −({}) points.",
        shown("epsilon_squared_biological"),
        shown("epsilon_squared_hardware"),
        shown("rho_ratio_vs_mlp_error"),
        shown("rho_ratio_vs_conditional_entropy"),
        shown("ablation_accuracy_loss_points"),
    )
}

fn ratio_table(config: &GliaRatioConfig, results: &[(Item, Outcome)], tasks: &[String]) -> Table {
    let mut table = Table {
        title: "Glia:neuron ratios per task (medians over seeds; biological range 1–6)".into(),
        header: [
            "task",
            "model",
            "efficient: energy-weighted",
            "efficient: network",
            "all front regions",
            "MLP test error",
            "H(Y | best feature) (bit)",
        ]
        .map(String::from)
        .to_vec(),
        rows: Vec::new(),
    };
    for task in tasks {
        for &model in &config.energy_models {
            let group: Vec<&Outcome> = results
                .iter()
                .filter(|(i, _)| &i.task == task && i.energy == model)
                .map(|(_, o)| o)
                .collect();
            if group.is_empty() {
                continue;
            }
            let eff = |f: fn(&RatioMember) -> f64| {
                significant(median(
                    group.iter().filter_map(|o| o.front.get(o.efficient)).map(f).collect(),
                ))
            };
            let regions: Vec<f64> = group
                .iter()
                .flat_map(|o| o.front.iter().flat_map(|m| m.region_ratios.clone()))
                .collect();
            table.rows.push(vec![
                task.clone(),
                model.name().into(),
                eff(|m| m.energy_weighted_ratio),
                eff(|m| m.network_ratio),
                significant(median(regions)),
                significant(median(group.iter().map(|o| o.baseline_error).collect())),
                significant(median(group.iter().map(|o| o.conditional_entropy_bits).collect())),
            ]);
        }
    }
    table
}

/// Pairwise Mann–Whitney tests between tasks (biological energy), Holm-corrected.
fn pairwise_table(tasks: &[String], groups: &[Vec<f64>]) -> Table {
    let mut pairs = Vec::new();
    for a in 0..tasks.len() {
        for b in a + 1..tasks.len() {
            if let Ok(test) = mann_whitney_u(&groups[a], &groups[b]) {
                pairs.push((a, b, test.p_value));
            }
        }
    }
    let adjusted = dgnn_core::stats::holm_adjusted(&pairs.iter().map(|p| p.2).collect::<Vec<_>>());
    Table {
        title: "Pairwise Mann–Whitney tests of the efficient networks' ratio (biological), \
                Holm-corrected"
            .into(),
        header: ["task A", "task B", "p", "Holm p"].map(String::from).to_vec(),
        rows: pairs
            .iter()
            .zip(adjusted)
            .map(|(&(a, b, p), q)| {
                vec![tasks[a].clone(), tasks[b].clone(), significant(p), significant(q)]
            })
            .collect(),
    }
}

fn ablation_table(tasks: &[String], results: &[(Item, Outcome)]) -> Table {
    let mut table = Table {
        title: "Ablation: retrained without the astrocytes' rule and supply (means)".into(),
        header: ["task", "networks", "accuracy with", "accuracy without", "energy without / with"]
            .map(String::from)
            .to_vec(),
        rows: Vec::new(),
    };
    for task in tasks {
        let ablations: Vec<&Ablation> = results
            .iter()
            .filter(|(i, _)| &i.task == task)
            .flat_map(|(_, o)| &o.ablations)
            .collect();
        if ablations.is_empty() {
            continue;
        }
        let n = ablations.len() as f64;
        let mean =
            |f: fn(&Ablation) -> f64| significant(ablations.iter().map(|a| f(a)).sum::<f64>() / n);
        table.rows.push(vec![
            task.clone(),
            ablations.len().to_string(),
            mean(|a| a.accuracy_with),
            mean(|a| a.accuracy_without),
            mean(|a| a.energy_without / a.energy_with),
        ]);
    }
    table
}

fn ratio_figure(config: &GliaRatioConfig, results: &[(Item, Outcome)], tasks: &[String]) -> Figure {
    let mut plot = Plot::new("Energy-weighted glia:neuron ratio of the efficient networks")
        .x_label("task")
        .y_label("astrocytes per neuron");
    for (m, &model) in config.energy_models.iter().enumerate() {
        let points: Vec<(f64, f64)> = results
            .iter()
            .filter(|(i, _)| i.energy == model)
            .filter_map(|(i, o)| {
                let t = tasks.iter().position(|x| x == &i.task)?;
                Some((t as f64 + 0.15 * m as f64, o.front.get(o.efficient)?.energy_weighted_ratio))
            })
            .collect();
        plot = plot.points(model.name(), points);
    }
    let right = tasks.len() as f64 - 0.5;
    plot = plot
        .line("human range 1:1", vec![(-0.5, 1.0), (right, 1.0)])
        .line("human range 6:1", vec![(-0.5, 6.0), (right, 6.0)]);
    for (t, task) in tasks.iter().enumerate() {
        plot = plot.label(t as f64 - 0.2, 0.1, task.clone());
    }
    Figure {
        stem: "ratios".into(),
        caption: "The efficient network's energy-weighted ratio per task, seed and energy model, \
                  beside the human brain's range (an analogy)"
            .into(),
        plot,
    }
}

/// The commented example config (`dgnn experiment --example glia-ratio`).
const EXAMPLE: &str = r#"// dgnn experiment glia-ratio: is the glia:neuron ratio task-specific?
(
    common: (
        seeds: [1, 2, 3, 4, 5, 6, 7, 8],
        rules: [                      // declared before the run; verdicts are read off the intervals
            (
                claim: "the glia:neuron ratio of energy-efficient networks is task-specific: at least a medium effect (ε² > 0.06) across tasks under both energy models",
                conditions: [
                    (quantity: "epsilon_squared_biological", holds_if: Above(0.06)),
                    (quantity: "epsilon_squared_hardware", holds_if: Above(0.06)),
                ],
            ),
            (
                claim: "harder tasks get more glia per neuron (positive rank correlation with the baseline MLP's error)",
                conditions: [(quantity: "rho_ratio_vs_mlp_error", holds_if: Above(0.0))],
            ),
            (
                claim: "the glia do work: switching off the astrocytes' rule and supply costs test accuracy",
                conditions: [(quantity: "ablation_accuracy_loss_points", holds_if: Above(0.0))],
            ),
        ],
        bootstrap: (resamples: 9999, level: 0.95),
    ),
    datasets: ["iris", "wine", "wdbc", "digits"],
    multitask: [1, 2, 3, 4],          // conflicting multitask sets by task count
    inputs: 150,
    energy_models: [Biological, Hardware],
    within: 0.01,                     // the efficient network: within one point of the most accurate
    search: (
        evolution: (population: 24, generations: 20),
        estimation: (training: (epochs: 60), low_fidelity: (epochs: 10), promote_fraction: 0.3),
                                      // the estimation of the published report (the search's
                                      //   defaults again since issue 15's round 5)
    ),
)
"#;

#[cfg(test)]
mod tests {
    use super::*;

    /// A feature that equals the label leaves no uncertainty; on conflicting tasks with two
    /// opposite labelings of every input, no feature helps: H(Y | X) = H(Y) = 1 bit.
    #[test]
    fn conditional_entropy_of_the_best_feature() {
        let data = Dataset::two_conflicting_tasks(200).unwrap();
        assert!((best_feature_conditional_entropy(&data) - 1.0).abs() < 1e-12);
        let labels: Vec<usize> = (0..100).map(|i| i % 2).collect();
        let features: Vec<f64> = labels.iter().map(|&l| l as f64).collect();
        let names = |a: &str| vec![a.to_string()];
        let data = Dataset::new("x", features, 1, labels, vec!["0".into(), "1".into()], names("f"))
            .unwrap();
        assert!(best_feature_conditional_entropy(&data).abs() < 1e-12);
    }
}
