//! The library entry point `Search::run` as experiments use it: objectives by role (an
//! information-only search), constraints relative to the baseline, a report of infeasible
//! networks, a shared or foreign baseline, stages run by an evaluator elsewhere, and a run
//! stopped by a flag and resumed from its checkpoint — all on tiny WDBC searches, through
//! `dgnn_nas` alone (what a one-crate user has).

use dgnn_nas::{
    Baseline, Checkpointing, Dataset, EnergySchedule, EvalContext, Evaluation, EvaluationError,
    Evaluator, GenerationReport, NasError, Objective, Objectives, ParamGuard, Problem, RunOptions,
    Search, SearchConfig, SearchOutcome, SearchReport,
};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// A tiny search on WDBC: population 6, 3 generations, 8 full epochs and 2 low-fidelity ones,
/// at most 6 neurons per region.
fn tiny(seed: u64) -> SearchConfig {
    let mut c = SearchConfig { seed, ..SearchConfig::default() };
    c.evolution.population = 6;
    c.evolution.generations = 3;
    c.estimation.training.epochs = 8;
    if let Some(low) = &mut c.estimation.low_fidelity {
        low.epochs = 2;
    }
    c.space.neurons = (1, 6);
    if let Some(a) = &mut c.space.astrocytes {
        a.iterations = (2, 4);
    }
    c
}

fn wdbc() -> Dataset {
    Dataset::builtin("wdbc").unwrap()
}

/// Runs `search` to the end with `options`.
fn finish(search: &Search, options: RunOptions<'_>) -> SearchReport {
    let baseline = search.measure_baseline().unwrap();
    search.run(&baseline, options).unwrap().finished().unwrap().report
}

/// Runs `search` with a fresh checkpoint at `path`, its stop flag raised once generation
/// `last` (0-based) has run.
fn stopped_after(search: &Search, baseline: &Baseline, path: &Path, last: u64) -> SearchOutcome {
    let stop = AtomicBool::new(false);
    let mut raise = |report: &GenerationReport<'_, dgnn_nas::DgnnGenome>| {
        if report.summary.generation == last {
            stop.store(true, Ordering::SeqCst);
        }
    };
    let options = RunOptions {
        checkpoint: Checkpointing::Fresh(path),
        stop: Some(&stop),
        observers: vec![&mut raise],
        ..RunOptions::default()
    };
    search.run(baseline, options).unwrap()
}

/// Stops `search` after generation 3 with a checkpoint, and asserts that a new search of
/// `config` resumed from it ends with the report `whole`.
fn stopped_after_3_resumes_to(
    search: &Search,
    baseline: &Baseline,
    config: SearchConfig,
    whole: &SearchReport,
) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("checkpoint.ron");
    let outcome = stopped_after(search, baseline, &path, 3);
    assert!(matches!(outcome, SearchOutcome::Stopped { generation: 4, .. }), "{outcome:?}");
    let again = Search::new(config.check().unwrap(), &wdbc()).unwrap();
    let options = RunOptions { checkpoint: Checkpointing::Resume(&path), ..RunOptions::default() };
    assert!(finish(&again, options) == *whole, "the resumed run's report differs");
}

fn report_of(config: SearchConfig) -> SearchReport {
    let search = Search::new(config.check().unwrap(), &wdbc()).unwrap();
    finish(&search, RunOptions::default())
}

#[test]
fn an_information_only_search_has_one_objective_and_still_reports_energy() {
    // Without the energy role every evaluation has one objective, the information lost
    // H(Y) − I; with one objective the first front holds the least-loss networks, which share
    // one evaluation, so the reported front is a single network — the lowest-energy one of them.
    let mut config = tiny(11);
    config.objectives.minimise_energy = false;
    let r = report_of(config);
    assert_eq!(r.objective_names, ["information_loss_bits"]);
    assert!(r.reference_point.is_empty(), "no hypervolume for one objective");
    assert!(r.history.iter().all(|h| h.hypervolume.is_none()));
    assert_eq!(r.front.len(), 1);
    let m = &r.front[0];
    let v = &m.validation;
    assert_eq!(m.objectives, [(v.label_entropy_bits - v.information_bits).max(0.0)]);
    // Energy is measured whatever the objectives: the ratio is the measured energies' ratio.
    assert!(v.energy_atp > 0.0 && v.energy_joules > 0.0);
    let ratio = v.energy_joules / r.baseline.validation.energy_joules;
    assert_eq!(r.energy_ratio.to_bits(), ratio.to_bits());
    assert!(r.summary().contains("× the baseline's energy"));
}

/// The number of hidden neurons, as a user's own objective.
struct Neurons;

impl Objective for Neurons {
    fn name(&self) -> String {
        "neurons".into()
    }
    fn value(&self, m: &dgnn_nas::Measurement) -> f64 {
        m.neurons as f64
    }
    fn reference(&self, baseline: &dgnn_nas::Measurement) -> f64 {
        baseline.neurons as f64
    }
    fn ideal(&self, _baseline: &dgnn_nas::Measurement) -> Option<f64> {
        Some(0.0)
    }
}

#[test]
fn a_users_objective_reaches_the_search_in_the_energy_role() {
    // Network size as the cost and the error rate as what the network knows: every front
    // member's objectives are exactly (neurons, 1 − accuracy), and the reference point is the
    // baseline's 16 neurons and an error rate of 1.
    let config = tiny(12).check().unwrap();
    let objectives = Objectives::energy_and_information(Neurons, dgnn_nas::ErrorObjective);
    let search = Search::with_objectives(config, &wdbc(), objectives).unwrap();
    let r = finish(&search, RunOptions::default());
    assert_eq!(r.objective_names, ["neurons", "error_rate"]);
    assert_eq!(r.reference_point, [16.0, 1.0]);
    for m in &r.front {
        let expected = [m.validation.neurons as f64, 1.0 - m.validation.accuracy];
        assert_eq!(m.objectives, expected, "{}", m.summary);
    }
}

#[test]
fn a_budget_relative_to_the_baseline_bounds_the_front() {
    // `max_energy_ratio: 0.25` is a budget of a quarter of the baseline's validation energy
    // (16 tanh neurons: about 5.7e9 ATP, so about 1.4e9 ATP); small networks meet it, so the
    // front is feasible and under it.
    let mut config = tiny(13);
    config.constraints.max_energy_ratio = Some(0.25);
    let r = report_of(config);
    assert!(r.constraints_met());
    let budget = 0.25 * r.baseline.validation.energy_atp;
    for m in &r.front {
        assert!(m.validation.energy_atp <= budget, "{} > {budget}", m.validation.energy_atp);
        assert!(m.feasible && m.violation == 0.0);
    }
    // The baseline itself is four times over: violation E/(E/4) − 1 = 3.
    assert!((r.baseline.violation - 3.0).abs() < 1e-12, "{}", r.baseline.violation);
    assert!(!r.baseline.feasible);
}

#[test]
fn when_no_network_meets_the_constraints_the_report_says_so_and_claims_no_saving() {
    // A budget of 1 ATP per inference: every network spends at least the output layer's spike
    // (3.84e8 ATP), so none is feasible. The front then holds the least-violating networks,
    // each with violation E/1 − 1 and marked infeasible; no energy ratio, no efficient member.
    let mut config = tiny(14);
    config.constraints.max_energy = Some(1.0);
    let r = report_of(config);
    assert!(!r.constraints_met());
    assert!(!r.front.is_empty());
    for m in &r.front {
        assert!(!m.feasible);
        let expected = m.validation.energy_atp - 1.0;
        assert!((m.violation - expected).abs() <= 1e-9 * expected, "{} vs {expected}", m.violation);
    }
    assert!(r.energy_ratio.is_nan());
    assert_eq!(r.hypervolume_normalised.to_bits(), 0f64.to_bits(), "nothing feasible dominates");
    let summary = r.summary();
    assert!(summary.contains("no network met the constraints; the least-violating ones are:"));
    assert!(summary.contains("violation"), "{summary}");
    assert!(!summary.contains("efficient"), "{summary}");
    assert!(!summary.contains("less)"), "{summary}");
    // The flag reads back from the report's JSON-like text (serde), and old reports without
    // it read it from the violation.
    let text = ron::to_string(&r.front[0]).unwrap();
    assert!(text.contains("feasible:false"), "{text}");
    let old = text.replace("feasible:false,", "");
    let read: dgnn_nas::MemberReport = ron::from_str(&old).unwrap();
    assert!(!read.feasible);
}

#[test]
fn a_baseline_is_shared_by_searches_of_one_setup_and_refused_by_others() {
    // Arms that differ only in objectives or constraints measure under the same setup: one
    // baseline serves both. Another seed splits and trains differently: refused by name.
    let energy_aware = Search::new(tiny(15).check().unwrap(), &wdbc()).unwrap();
    let baseline = energy_aware.measure_baseline().unwrap();
    let mut only = tiny(15);
    only.objectives.minimise_energy = false;
    only.constraints.max_energy_ratio = Some(0.5);
    let information_only = Search::new(only.check().unwrap(), &wdbc()).unwrap();
    assert!(information_only.problem(&baseline).is_ok());
    let own = information_only.measure_baseline().unwrap();
    assert_eq!(own.validation(), baseline.validation());
    let other = Search::new(tiny(16).check().unwrap(), &wdbc()).unwrap();
    let err = other.problem(&baseline).unwrap_err();
    assert!(matches!(err, NasError::ForeignBaseline { .. }), "{err}");
    assert!(err.to_string().contains("seed=15"), "{err}");
}

/// An evaluator that runs each stage "elsewhere": one thread per task, started in reverse
/// order, results gathered by index (as an MPI evaluator gathers them from ranks). Counts the
/// stages and the tasks.
#[derive(Default)]
struct Elsewhere {
    stages: AtomicUsize,
    tasks: AtomicUsize,
}

impl<P: Problem> Evaluator<P> for Elsewhere {
    fn evaluate_each(
        &self,
        problem: &P,
        genomes: &[&P::Genome],
        context: &EvalContext,
    ) -> Vec<Result<Evaluation, EvaluationError>> {
        self.stages.fetch_add(1, Ordering::SeqCst);
        self.tasks.fetch_add(genomes.len(), Ordering::SeqCst);
        let mut results: Vec<Option<Result<Evaluation, EvaluationError>>> =
            (0..genomes.len()).map(|_| None).collect();
        std::thread::scope(|scope| {
            let handles: Vec<_> = genomes
                .iter()
                .enumerate()
                .rev()
                .map(|(i, genome)| (i, scope.spawn(move || problem.evaluate(genome, context))))
                .collect();
            for (i, handle) in handles {
                results[i] = handle.join().ok();
            }
        });
        results.into_iter().map(|r| r.unwrap_or_else(|| Err("worker panicked".into()))).collect()
    }
}

#[test]
fn stages_run_elsewhere_give_the_same_search() {
    // Every generation is two stages (low fidelity for the batch, full for the promoted share),
    // each a list of independent tasks: an evaluator that runs them on other threads, in
    // reverse order, gives a bit-identical report. Without a low-fidelity estimate, one stage.
    let config = tiny(17);
    let local = report_of(config.clone());
    let elsewhere = Elsewhere::default();
    let search = Search::new(config.clone().check().unwrap(), &wdbc()).unwrap();
    let remote =
        finish(&search, RunOptions { evaluator: Some(&elsewhere), ..RunOptions::default() });
    assert!(remote == local, "an evaluator elsewhere changed the search");
    assert_eq!(elsewhere.stages.load(Ordering::SeqCst), 2 * 3);
    // Tasks: every evaluation at low fidelity, plus ⌈0.3 n⌉ of each batch of n at full.
    assert!(elsewhere.tasks.load(Ordering::SeqCst) as u64 > local.evaluations);
    let mut single = config;
    single.estimation.low_fidelity = None;
    let one_stage = Elsewhere::default();
    let search = Search::new(single.check().unwrap(), &wdbc()).unwrap();
    let r = finish(&search, RunOptions { evaluator: Some(&one_stage), ..RunOptions::default() });
    assert_eq!(one_stage.stages.load(Ordering::SeqCst), 3);
    assert_eq!(one_stage.tasks.load(Ordering::SeqCst) as u64, r.evaluations);
}

#[test]
fn a_run_stopped_by_its_flag_resumes_from_its_checkpoint_to_the_same_report() {
    // An observer raises the stop flag after generation 2 (of 5): the run stops there with a
    // checkpoint; a new search (as a new process would build it) continues it to the report
    // of an uninterrupted run.
    let mut config = tiny(18);
    config.evolution.generations = 5;
    let whole = report_of(config.clone());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("checkpoint.ron");
    let search = Search::new(config.clone().check().unwrap(), &wdbc()).unwrap();
    let baseline = search.measure_baseline().unwrap();
    let outcome = stopped_after(&search, &baseline, &path, 1);
    assert!(matches!(outcome, SearchOutcome::Stopped { generation: 2, .. }), "{outcome:?}");
    let again = Search::new(config.check().unwrap(), &wdbc()).unwrap();
    let options = RunOptions { checkpoint: Checkpointing::Resume(&path), ..RunOptions::default() };
    let resumed = finish(&again, options);
    assert!(resumed == whole, "the resumed run's report differs");
    // ResumeIfPresent continues the finished checkpoint without another generation.
    let options =
        RunOptions { checkpoint: Checkpointing::ResumeIfPresent(&path), ..RunOptions::default() };
    assert!(finish(&again, options) == whole);
}

/// Issue 12: a developmental energy schedule (4 × the baseline's energy for 2 generations, then
/// down to a quarter over 3) ranks every generation under its own budget and judges the final
/// front under the adult budget: each generation's reported feasibility agrees with its budget,
/// the front lies under a quarter of the baseline's energy, and a run stopped inside the
/// tightening resumes to the same report.
#[test]
fn a_developmental_schedule_ranks_each_generation_under_its_budget() {
    let schedule = EnergySchedule::Developmental { start: 4.0, adult: 0.25, hold: 2, span: 3 };
    let mut config = tiny(21);
    config.evolution.generations = 7;
    config.constraints.energy_schedule = schedule.clone();
    let search = Search::new(config.clone().check().unwrap(), &wdbc()).unwrap();
    let baseline = search.measure_baseline().unwrap();
    let baseline_energy = baseline.measured().validation.energy_atp;
    let mut checked = 0;
    let mut check = |report: &GenerationReport<'_, dgnn_nas::DgnnGenome>| {
        let budget = schedule.ratio_at(report.summary.generation).unwrap() * baseline_energy;
        for individual in report.population {
            let [energy, _accuracy] = individual.evaluation.measures[..] else {
                panic!("an evaluation under a schedule keeps its energy and accuracy");
            };
            assert_eq!(
                individual.evaluation.is_feasible(),
                energy <= budget,
                "{energy} vs {budget}"
            );
        }
        checked += 1;
    };
    let options = RunOptions { observers: vec![&mut check], ..RunOptions::default() };
    let whole = search.run(&baseline, options).unwrap().finished().unwrap().report;
    assert_eq!(checked, 7);
    assert!(whole.constraints_met());
    for m in &whole.front {
        assert!(m.validation.energy_atp <= 0.25 * baseline_energy);
    }

    stopped_after_3_resumes_to(&search, &baseline, config, &whole);
}

/// Issue 12: glial pruning (`estimation.pruning`) removes the least-used share of a searched
/// network's synapses after training — half of them here, to within one synapse of rounding —
/// while the baseline MLP is trained exactly as without pruning.
#[test]
fn glial_pruning_halves_searched_networks_and_leaves_the_baseline_alone() {
    let plain = tiny(5);
    let mut pruned = plain.clone();
    pruned.estimation.pruning = Some(dgnn_nas::Consolidation {
        prune_fraction: 0.5,
        max_prune_fraction: 0.5,
        fine_tune_epochs: 2,
        ..dgnn_nas::Consolidation::default()
    });
    let plain = Search::new(plain.check().unwrap(), &wdbc()).unwrap();
    let pruned = Search::new(pruned.check().unwrap(), &wdbc()).unwrap();
    let genome = plain.baseline_genome().clone();
    let (whole, _) = plain.estimator().measure(&genome, dgnn_nas::Fidelity::Full).unwrap();
    let (half, _) = pruned.estimator().measure(&genome, dgnn_nas::Fidelity::Full).unwrap();
    assert!(
        (half.synapses - whole.synapses / 2.0).abs() <= 1.0,
        "{} of {}",
        half.synapses,
        whole.synapses
    );
    let (low, _) = pruned.estimator().measure(&genome, dgnn_nas::Fidelity::Low).unwrap();
    assert!((low.synapses - whole.synapses / 2.0).abs() <= 1.0);
    // A sleep–wake quiet phase consolidates with its own settings in place of the search's.
    let quiet = dgnn_nas::Consolidation {
        prune_fraction: 0.25,
        max_prune_fraction: 0.25,
        fine_tune_epochs: 1,
        ..dgnn_nas::Consolidation::default()
    }
    .check()
    .unwrap();
    let (three_quarters, _) =
        plain.estimator().measure_consolidated(&genome, dgnn_nas::Fidelity::Full, &quiet).unwrap();
    assert!((three_quarters.synapses - 0.75 * whole.synapses).abs() <= 1.0);
    let baseline = |search: &Search| {
        let measured = search.measure_baseline().unwrap();
        let m = &measured.measured().validation;
        (m.synapses, m.accuracy.to_bits(), m.energy_atp.to_bits())
    };
    assert_eq!(baseline(&pruned), baseline(&plain));
}

/// Issue 12: a supply decline to a tenth from generation 2 re-evaluates the population under
/// the declined supply, and the final front is measured with it: every reported network with a
/// supply limit has at most a tenth of the space's largest supply (2.0 per astrocyte).
#[test]
fn a_supply_decline_reaches_the_final_front() {
    let mut config = tiny(9);
    config.evolution.generations = 4;
    if let Some(supply) = &mut config.space.supply {
        supply.initial_share = 1.0;
    }
    config.estimation.supply_decline =
        Some(dgnn_nas::SupplyDecline { factor: 0.1, from_generation: 2 });
    let report = report_of(config);
    let supplies: Vec<f64> =
        report.front.iter().filter_map(|m| m.genome.0.supply_per_astrocyte).collect();
    assert!(!supplies.is_empty(), "the front should hold supply-limited networks");
    assert!(supplies.iter().all(|&s| s <= 0.2 + 1e-12), "{supplies:?}");
    // Generation 2 re-evaluated the 6 parents besides its children.
    let made = report.history[2].evaluations - report.history[1].evaluations;
    assert!(made > 6, "{:?}", report.history);
}

/// Issue 12 §3: a sleep–wake search (active 2, quiet 2; no budget when active, a quarter of
/// the baseline's energy when quiet) ranks every generation under its phase's budget, spends
/// one population of re-evaluations at each phase switch, ends within the quiet budget when
/// its last generation is quiet, and resumes bit-identically from inside a quiet phase.
#[test]
fn a_sleep_wake_search_follows_its_phases_and_resumes() {
    let settings = dgnn_nas::SleepWakeSettings {
        active: 2,
        quiet: 2,
        consolidation: dgnn_nas::Consolidation {
            fine_tune_epochs: 2,
            ..dgnn_nas::SleepWakeSettings::default().consolidation
        },
        ..dgnn_nas::SleepWakeSettings::default()
    };
    let clock = settings.clock();
    let mut config = tiny(23);
    config.evolution.generations = 8; // 0 initial, 1-2 active, 3-4 quiet, 5-6 active, 7 quiet
    config.evolution.strategy = dgnn_nas::Strategy::SleepWake(settings);
    let search = Search::new(config.clone().check().unwrap(), &wdbc()).unwrap();
    let baseline = search.measure_baseline().unwrap();
    let baseline_energy = baseline.measured().validation.energy_atp;
    let mut evaluations = Vec::new();
    let mut check = |report: &GenerationReport<'_, dgnn_nas::DgnnGenome>| {
        let g = report.summary.generation;
        let budget = match clock.phase(g) {
            dgnn_nas::Phase::Active => f64::INFINITY,
            dgnn_nas::Phase::Quiet => 0.25 * baseline_energy,
        };
        for individual in report.population {
            let energy = individual.evaluation.measures[0];
            assert_eq!(individual.evaluation.is_feasible(), energy <= budget, "generation {g}");
        }
        evaluations.push(report.summary.evaluations);
    };
    let options = RunOptions { observers: vec![&mut check], ..RunOptions::default() };
    let whole = search.run(&baseline, options).unwrap().finished().unwrap().report;
    // Switches at generations 3 (to quiet), 5 (to active) and 7 (to quiet) re-evaluate the 6
    // parents besides at most 6 children; the others make at most 6.
    let made: Vec<u64> = evaluations.windows(2).map(|w| w[1] - w[0]).collect();
    for (g, &n) in (1..).zip(&made) {
        let switch = clock.phase(g) != clock.phase(g - 1) && g > 1;
        assert!(if switch { n > 6 } else { n <= 6 }, "generation {g} made {n}: {made:?}");
    }
    if whole.constraints_met() {
        for m in &whole.front {
            assert!(m.validation.energy_atp <= 0.25 * baseline_energy);
        }
    }

    stopped_after_3_resumes_to(&search, &baseline, config, &whole);
}

/// Sleep–wake settings that cannot work are refused naming the field.
#[test]
fn bad_sleep_wake_settings_are_refused() {
    let refused = |edit: &dyn Fn(&mut dgnn_nas::SleepWakeSettings)| {
        let mut settings = dgnn_nas::SleepWakeSettings::default();
        edit(&mut settings);
        let mut config = tiny(1);
        config.evolution.strategy = dgnn_nas::Strategy::SleepWake(settings);
        config.check().unwrap_err().field
    };
    assert_eq!(refused(&|s| s.active = 0), "evolution.strategy.active");
    assert_eq!(refused(&|s| s.quiet = 0), "evolution.strategy.quiet");
    assert_eq!(refused(&|s| s.quiet_budget = 0.0), "evolution.strategy.quiet_budget");
    assert_eq!(refused(&|s| s.active_budget = Some(0.1)), "evolution.strategy.active_budget");
    assert_eq!(
        refused(&|s| s.consolidation.energy_budget_joules = Some(1e-9)),
        "evolution.strategy.consolidation.energy_budget_joules"
    );
    let mut config = tiny(1);
    config.evolution.strategy =
        dgnn_nas::Strategy::SleepWake(dgnn_nas::SleepWakeSettings::default());
    config.islands = Some(dgnn_nas::IslandConfig {
        count: 2,
        migration_interval: 2,
        migrants: 1,
        topology: dgnn_nas::Topology::Ring,
    });
    assert_eq!(config.check().unwrap_err().field, "islands");
}
