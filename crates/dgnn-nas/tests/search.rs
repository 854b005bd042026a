//! End-to-end searches on the bundled WDBC data (small budgets, so the suite stays fast):
//! accuracy and energy of what the search finds, resume bit-identity through the evo
//! checkpoint, thread-count independence, and clear errors for bad input.

use dgnn_evo::{EvoError, State};
use dgnn_glia::{CsvOptions, Dataset, EnergyChoice, HardwareEnergy};
use dgnn_nas::{
    DgnnGenome, NasError, ParamGuard, RunOptions, Search, SearchConfig, SearchReport, SearchSpace,
};

/// A small search on WDBC: population 16, 8 generations, 40 full epochs, 6 low-fidelity ones,
/// 30 % promoted (the share these tests were measured with, and the default's; it was 20 %
/// between issue 15's rounds 1 and 5), at most 16 neurons per region and at most 4 astrocyte
/// iterations.
fn small_config(seed: u64) -> SearchConfig {
    let mut c = SearchConfig { seed, ..SearchConfig::default() };
    c.evolution.population = 16;
    c.evolution.generations = 8;
    c.estimation.training.epochs = 40;
    c.estimation.promote_fraction = 0.3;
    if let Some(low) = &mut c.estimation.low_fidelity {
        low.epochs = 6;
    }
    c.space.neurons = (1, 16);
    if let Some(a) = &mut c.space.astrocytes {
        a.iterations = (2, 4);
    }
    c
}

/// A tiny search for the resume and thread tests: population 6, 5 generations, 8 epochs.
fn tiny_config(seed: u64) -> SearchConfig {
    let mut c = small_config(seed);
    c.evolution.population = 6;
    c.evolution.generations = 5;
    c.estimation.training.epochs = 8;
    c.space.neurons = (1, 6);
    c
}

fn wdbc() -> Dataset {
    Dataset::builtin("wdbc").unwrap()
}

/// A search on `data`, checked, with its own baseline, run to the end.
fn report_of(config: SearchConfig, data: &Dataset) -> SearchReport {
    let search = Search::new(config.check().unwrap(), data).unwrap();
    let baseline = search.measure_baseline().unwrap();
    search.run(&baseline, RunOptions::default()).unwrap().finished().unwrap().report
}

#[test]
fn a_short_search_finds_accurate_networks_at_a_fraction_of_the_baseline_energy() {
    let r = report_of(small_config(7), &wdbc());
    // A well-trained small MLP reaches about 97% on WDBC (docs/benchmarks.md, W7; scikit-learn
    // 97.7% in 5-fold CV). The most accurate network of the front, chosen on the validation part,
    // must reach 95% on the 113 test samples: 2 points of slack is 2.3 samples, about one
    // binomial standard deviation sqrt(113 · 0.03 · 0.97) = 1.8 samples.
    let best = &r.front[r.most_accurate];
    assert!(best.test.accuracy >= 0.95, "best test accuracy {}", best.test.accuracy);
    // The search's point: the efficient network (within one validation point of the most
    // accurate) costs a fraction of the baseline 30-16-2 MLP's energy. The baseline spends about
    // 16 half-active tanh neurons' spikes (≈ 8 × 3.84e8 ATP) plus the output's one
    // spike-equivalent; networks of one or two throttled neurons spend little more than the
    // output's 3.84e8 ATP (ratios 0.07–0.2 over seeds 1–6 of this budget). A third still fails
    // for a search that returns networks of baseline size (ratio ≈ 1).
    assert!(r.energy_ratio < 1.0 / 3.0, "energy ratio {}", r.energy_ratio);
    // Pareto invariant of the reported front: by increasing energy, information strictly
    // increases (otherwise a member would be dominated), and everything is feasible.
    for pair in r.front.windows(2) {
        assert!(pair[0].objectives[0] <= pair[1].objectives[0]);
        assert!(pair[0].objectives[1] > pair[1].objectives[1], "{pair:?}");
    }
    assert!(r.front.iter().all(|m| m.violation == 0.0));
    // The normalised hypervolume lies in [0, 1] and is positive once any member beats the
    // baseline's energy with some information.
    assert!(r.hypervolume_normalised > 0.5 && r.hypervolume_normalised <= 1.0);
    assert_eq!(r.evaluations + r.cache_hits, 16 * 8);
}

#[test]
fn with_the_hardware_model_the_front_spans_a_real_energy_range() {
    // With the biological model every inference pays the output layer's one spike-equivalent
    // (3.84e8 ATP), which dominates the cheap networks that already classify WDBC well, so the
    // biological front is often narrow in energy (1.09× for the default search). The 45 nm
    // hardware model (Horowitz 2014) charges per synapse and has no such floor: sparser, smaller
    // networks cost proportionally less and know less. How wide one short search's front gets
    // depends on what it happened to find, so this test runs six seeds rather than one: their
    // fronts spanned 2.06, 5.85, 2.84, 1.25, 2.18 and 2.68 (seeds 1–6; seeds 7–12 gave 1.48 to
    // 31). At least half of them must span a factor 2: that fails if the search regularly
    // collapses onto one network size, with two seeds of margin over what was measured.
    let spans: Vec<f64> = (1..=6)
        .map(|seed| {
            let mut config = small_config(seed);
            config.evolution.population = 24;
            config.evolution.generations = 12;
            config.estimation.energy = EnergyChoice::Hardware(HardwareEnergy::default());
            let r = report_of(config, &wdbc());
            let energies: Vec<f64> = r.front.iter().map(|m| m.validation.energy_joules).collect();
            let lo = energies.iter().copied().fold(f64::MAX, f64::min);
            let hi = energies.iter().copied().fold(0.0, f64::max);
            hi / lo
        })
        .collect();
    let wide = spans.iter().filter(|&&s| s >= 2.0).count();
    assert!(wide >= 3, "front max/min energy for seeds 1–6: {spans:?}");
}

#[test]
fn on_two_conflicting_tasks_the_search_finds_phase_gated_networks_that_serve_both() {
    // The paper's "multistability ⇒ multitask": a network blind to the context is right on
    // about half of these samples (crates/dgnn-glia/tests/model.rs proves the bound), so only
    // phase layers whose contexts settle in different attractors can do well. Every genome of
    // such a search carries a phase layer serving both contexts, and the most accurate member must
    // classify the 80 held-out samples nearly perfectly (0.91–1.0 over seeds 1–8 of this
    // budget, 0.99 for this seed): 0.9 is far above the blind bound of about 0.5.
    let data = Dataset::two_conflicting_tasks(200).unwrap();
    let r = report_of(small_config(3), &data);
    for member in &r.front {
        let phase = member.genome.architecture().phase.as_ref();
        assert_eq!(phase.map(|p| p.contexts), Some(2), "{}", member.summary);
    }
    let best = &r.front[r.most_accurate];
    assert!(best.test.accuracy >= 0.9, "{}: test accuracy {}", best.summary, best.test.accuracy);
    // A space without phase layers cannot serve two contexts: refused up front, by field.
    let mut config = small_config(3);
    config.space = SearchSpace { phase: None, ..config.space };
    let Err(NasError::Param(err)) = Search::new(config.check().unwrap(), &data) else {
        panic!("a phase-less space must be refused for two contexts");
    };
    assert_eq!(err.field, "space.phase", "{err}");
}

#[test]
fn on_digits_the_biological_front_spans_a_real_energy_range() {
    // On WDBC one throttled neuron already classifies well, so the biological front stays near
    // the output layer's spike floor. Digits (10 classes, H(Y) = 3.32 bit) needs more units for
    // more information, and the default metabolic model prices them: with this small budget
    // (population 16, 8 generations, 20 epochs) the front's max/min energy was 20.5, 14.6, 7.3
    // and 6.9 for seeds 1–4 (release build, `dgnn search`), so a factor 3 is a margin of more
    // than 2 below the smallest seen, and a collapsed front (all members near one size) fails.
    let mut config = SearchConfig { seed: 1, ..SearchConfig::default() };
    config.evolution.population = 16;
    config.evolution.generations = 8;
    config.estimation.training.epochs = 20;
    if let Some(low) = &mut config.estimation.low_fidelity {
        low.epochs = 4;
        low.subset = 0.5;
    }
    let r = report_of(config, &Dataset::builtin("digits").unwrap());
    let energies: Vec<f64> = r.front.iter().map(|m| m.objectives[0]).collect();
    let (lo, hi) = energies.iter().fold((f64::MAX, 0.0f64), |(a, b), &e| (a.min(e), b.max(e)));
    assert!(hi / lo >= 3.0, "front energies {energies:?}");
    // More energy buys more information along the front, up to most of H(Y).
    let info = |m: &dgnn_nas::MemberReport| m.validation.information_bits;
    let best = r.front.iter().map(info).fold(0.0, f64::max);
    assert!(best > 0.75 * 3.32, "most informative member: {best} bit");
}

/// Runs a search to the end in a pool of `threads` threads, one phase at a time (problem,
/// engine, finish), so that the engine's final state can be compared too.
fn run_in_pool(config: &SearchConfig, threads: usize) -> (State<DgnnGenome>, SearchReport) {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
    pool.install(|| {
        let search = Search::new(config.clone().check().unwrap(), &wdbc()).unwrap();
        let baseline = search.measure_baseline().unwrap();
        let problem = search.problem(&baseline).unwrap();
        let outcome = search.engine(&problem).unwrap().run().unwrap();
        let report = search.finish(&problem, &outcome.state).unwrap().report;
        (outcome.state, report)
    })
}

#[test]
fn the_same_seed_gives_the_same_front_for_1_2_and_8_threads() {
    let config = tiny_config(3);
    let (state_1, report_1) = run_in_pool(&config, 1);
    for threads in [2, 8] {
        let (state, report) = run_in_pool(&config, threads);
        assert!(state == state_1, "state differs with {threads} threads");
        assert!(report == report_1, "report differs with {threads} threads");
    }
}

#[test]
fn a_resumed_search_is_bit_identical_at_every_interruption_point() {
    let dir = tempfile::tempdir().unwrap();
    let config = tiny_config(5);
    let data = wdbc();
    let search = Search::new(config.clone().check().unwrap(), &data).unwrap();
    let baseline = search.measure_baseline().unwrap();
    let problem = search.problem(&baseline).unwrap();
    let whole = search.engine(&problem).unwrap().run().unwrap().state;
    for stop_after in [1, 2, 4] {
        let path = dir.path().join(format!("checkpoint-{stop_after}.ron"));
        let mut engine = search.engine(&problem).unwrap().checkpoint(&path);
        for _ in 0..stop_after {
            assert!(engine.step().unwrap());
        }
        drop(engine);
        // A new process: everything rebuilt from the config and the data.
        let again = Search::new(config.clone().check().unwrap(), &data).unwrap();
        let again_baseline = again.measure_baseline().unwrap();
        let again_problem = again.problem(&again_baseline).unwrap();
        let resumed = again.resume(&again_problem, &path).unwrap().run().unwrap().state;
        assert!(resumed == whole, "resumed after generation {stop_after} differs");
    }
}

#[test]
fn unusable_checkpoints_are_refused_with_typed_errors() {
    let dir = tempfile::tempdir().unwrap();
    let search = Search::new(tiny_config(5).check().unwrap(), &wdbc()).unwrap();
    let baseline = search.measure_baseline().unwrap();
    let problem = search.problem(&baseline).unwrap();
    let missing = dir.path().join("missing.ron");
    assert!(matches!(
        search.resume(&problem, &missing),
        Err(NasError::Evo(EvoError::CheckpointUnreadable { .. }))
    ));
    let garbage = dir.path().join("garbage.ron");
    std::fs::write(&garbage, "(format: \"dgnn-evo/nsga2-checkpoint\", version: 1, pro").unwrap();
    assert!(matches!(
        search.resume(&problem, &garbage),
        Err(NasError::Evo(EvoError::CheckpointUnreadable { .. }))
    ));
    let foreign = dir.path().join("config.ron");
    std::fs::write(&foreign, ron::to_string(&tiny_config(5)).unwrap()).unwrap();
    assert!(matches!(
        search.resume(&problem, &foreign),
        Err(NasError::Evo(EvoError::CheckpointForeign { .. }))
    ));
    // A checkpoint of another search (another seed) is refused, not silently continued.
    let other = dir.path().join("other.ron");
    let mut engine = search.engine(&problem).unwrap().checkpoint(&other);
    engine.step().unwrap();
    drop(engine);
    let different = Search::new(tiny_config(6).check().unwrap(), &wdbc()).unwrap();
    let different_baseline = different.measure_baseline().unwrap();
    let different_problem = different.problem(&different_baseline).unwrap();
    assert!(matches!(
        different.resume(&different_problem, &other),
        Err(NasError::Evo(EvoError::CheckpointMismatch { .. }))
    ));
}

#[test]
fn unsuited_data_and_budgets_are_refused_with_clear_errors() {
    // One class only: the CSV reader refuses it and says why.
    let one_class = "a,b,label\n1,2,x\n3,4,x\n5,6,x\n7,8,x\n";
    let err = Dataset::from_csv_text(one_class, "one", "one.csv", &CsvOptions::default());
    assert!(err.unwrap_err().to_string().contains("at least two classes"));
    // Too few samples for a training, a validation and a test part of every class.
    let tiny = "a,label\n1,x\n2,x\n3,x\n4,x\n5,x\n6,x\n7,y\n8,y\n";
    let data = Dataset::from_csv_text(tiny, "tiny", "tiny.csv", &CsvOptions::default()).unwrap();
    let err = Search::new(tiny_config(1).check().unwrap(), &data).unwrap_err();
    assert!(matches!(err, NasError::Data { .. }), "{err}");
    assert!(err.to_string().contains("class `y` has 2 samples"), "{err}");
    // A budget too small for one generation.
    let mut config = tiny_config(1);
    config.evolution.max_evaluations = Some(3);
    let err = config.check().unwrap_err();
    assert!(err.to_string().contains("evolution.max_evaluations"), "{err}");
    // A bad space field is named by its path.
    let mut config = tiny_config(1);
    config.space.neurons = (0, 4);
    let err = config.check().unwrap_err();
    assert!(err.to_string().contains("space.neurons.0"), "{err}");
}

#[test]
fn an_energy_budget_keeps_the_front_under_it() {
    // Constrained domination (Deb et al. 2002, §VI): once feasible networks exist, infeasible
    // ones never reach the front. A budget of 1e9 ATP per inference admits one or two active
    // neurons besides the output's 3.84e8 ATP.
    let mut config = tiny_config(9);
    config.constraints.max_energy = Some(1e9);
    let r = report_of(config, &wdbc());
    assert!(!r.front.is_empty());
    for m in &r.front {
        assert!(m.validation.energy_atp <= 1e9, "{}", m.validation.energy_atp);
        assert!(m.violation == 0.0);
    }
}

#[test]
fn three_objectives_and_joules_are_wired_to_the_measurements() {
    // Objectives are exactly the measured quantities in the chosen units: energy in joules,
    // information loss H(Y) − I in bits, hardware energy in picojoules; the engine reports a
    // 3-D hypervolume against the baseline's values, normalised by the box from the ideal
    // (0, 0, 0) to that reference.
    let mut config = tiny_config(4);
    config.objectives.energy_unit = dgnn_nas::EnergyUnit::Joules;
    config.objectives.third = Some(dgnn_nas::ThirdObjective::HardwareEnergy);
    let r = report_of(config, &wdbc());
    assert_eq!(r.objective_names, ["energy_joules", "information_loss_bits", "hardware_pj"]);
    for m in &r.front {
        let v = &m.validation;
        let loss = (v.label_entropy_bits - v.information_bits).max(0.0);
        let expected = [v.energy_joules, loss, v.hardware_joules * 1e12];
        for (o, e) in m.objectives.iter().zip(expected) {
            assert_eq!(o.to_bits(), e.to_bits());
        }
    }
    let last = r.history.last().unwrap();
    let (hv, normalised) = (last.hypervolume.unwrap(), last.hypervolume_normalised.unwrap());
    let volume: f64 = r.reference_point.iter().product();
    assert!((normalised - hv / volume).abs() <= 1e-12 * normalised.abs().max(1.0));
    assert!(normalised > 0.0 && normalised <= 1.0);
}

#[test]
fn the_attractor_objective_has_no_normalised_hypervolume() {
    // −log₂(attractors) is unbounded below (more neurons, more attractors), so no finite ideal
    // point exists: the raw hypervolume is reported, the normalised one is not.
    let mut config = tiny_config(4);
    config.objectives.third = Some(dgnn_nas::ThirdObjective::Attractors);
    let r = report_of(config, &wdbc());
    assert!(
        r.history.iter().all(|h| h.hypervolume.is_some() && h.hypervolume_normalised.is_none())
    );
    for m in &r.front {
        assert_eq!(m.objectives[2].to_bits(), (-m.validation.attractors_log2).to_bits());
    }
}
