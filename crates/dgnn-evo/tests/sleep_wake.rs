//! The sleep–wake algorithm (issue 12): equal operators give exactly NSGA-II, each generation
//! uses its phase's operator, and runs are deterministic and resume bit-identically.

use dgnn_evo::{
    Executor, Genome, Nsga2, Nsga2Config, ParamGuard, PhaseClock, PmConfig, RealVariation,
    RealVariationConfig, Seed, SleepWake, SleepWakeConfig, State, Zdt, ZdtKind,
};
use std::sync::atomic::{AtomicBool, Ordering};

fn zdt1() -> Zdt {
    Zdt::new(ZdtKind::Zdt1, 8).unwrap()
}

/// pymoo's operator, and one that mutates with much larger steps (η = 2).
fn operators(problem: &Zdt) -> (RealVariation, RealVariation) {
    let gentle = RealVariation::with_defaults(problem.bounds().clone());
    let config = RealVariationConfig {
        pm: PmConfig { eta: 2.0, ..PmConfig::default() },
        ..RealVariationConfig::default()
    };
    let rough = RealVariation::new(problem.bounds().clone(), config.check().unwrap());
    (gentle, rough)
}

fn nsga2_config(generations: u64) -> Nsga2Config {
    Nsga2Config { population: 20, generations, ..Nsga2Config::default() }
}

fn sleep_wake_config(generations: u64) -> SleepWakeConfig {
    SleepWakeConfig { nsga2: nsga2_config(generations), clock: PhaseClock { active: 2, quiet: 1 } }
}

fn fingerprint<G: Genome>(state: &State<G>) -> String {
    ron::to_string(state).unwrap()
}

/// With the same operator in both phases, sleep–wake is NSGA-II, bit for bit.
#[test]
fn with_one_operator_it_is_nsga2() {
    let problem = zdt1();
    let (gentle, _) = operators(&problem);
    let plain =
        Executor::new(&problem, Nsga2::new(&gentle, nsga2_config(9).check().unwrap()), Seed(4))
            .unwrap()
            .run()
            .unwrap();
    let algorithm = SleepWake::new(&gentle, &gentle, sleep_wake_config(9).check().unwrap());
    let phased = Executor::new(&problem, algorithm, Seed(4)).unwrap().run().unwrap();
    assert_eq!(fingerprint(&phased.state), fingerprint(&plain.state));
}

/// With active 2, quiet 1, generations 1 and 2 are NSGA-II with the active operator, and
/// generation 3 is one step of NSGA-II with the quiet operator from generation 2's state.
#[test]
fn each_generation_uses_its_phases_operator() {
    let problem = zdt1();
    let (gentle, rough) = operators(&problem);
    let algorithm = SleepWake::new(&gentle, &rough, sleep_wake_config(4).check().unwrap());
    let phased = Executor::new(&problem, algorithm, Seed(6)).unwrap().run().unwrap();
    let active_only =
        Executor::new(&problem, Nsga2::new(&gentle, nsga2_config(3).check().unwrap()), Seed(6))
            .unwrap()
            .run()
            .unwrap();
    let mut quiet_step = Executor::from_state(
        &problem,
        Nsga2::new(&rough, nsga2_config(4).check().unwrap()),
        Seed(6),
        active_only.state.clone(),
    )
    .unwrap();
    assert!(quiet_step.step().unwrap());
    let stepped = quiet_step.state().unwrap();
    assert_eq!(
        ron::to_string(&phased.state.population).unwrap(),
        ron::to_string(&stepped.population).unwrap()
    );
    // …and not what the active operator would have made.
    let four_active =
        Executor::new(&problem, Nsga2::new(&gentle, nsga2_config(4).check().unwrap()), Seed(6))
            .unwrap()
            .run()
            .unwrap();
    assert_ne!(
        ron::to_string(&phased.state.population).unwrap(),
        ron::to_string(&four_active.state.population).unwrap()
    );
}

/// Runs stopped inside an active and inside a quiet phase resume to the uninterrupted state,
/// for 1 and 3 threads alike.
#[test]
fn sleep_wake_runs_resume_bit_identically_and_ignore_the_thread_count() {
    let problem = zdt1();
    let (gentle, rough) = operators(&problem);
    let build = |config| SleepWake::new(&gentle, &rough, config);
    let full = Executor::new(&problem, build(sleep_wake_config(12).check().unwrap()), Seed(8))
        .unwrap()
        .run()
        .unwrap();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(3).build().unwrap();
    let threaded = pool.install(|| {
        Executor::new(&problem, build(sleep_wake_config(12).check().unwrap()), Seed(8))
            .unwrap()
            .run()
            .unwrap()
    });
    assert_eq!(fingerprint(&threaded.state), fingerprint(&full.state));
    let dir = tempfile::tempdir().unwrap();
    for stop_after in [2u64, 3, 7] {
        let path = dir.path().join(format!("stop-{stop_after}.ron"));
        let flag = AtomicBool::new(false);
        let mut raise = |report: &dgnn_evo::GenerationReport<'_, Vec<f64>>| {
            if report.summary.generation + 1 == stop_after {
                flag.store(true, Ordering::SeqCst);
            }
        };
        let stopped =
            Executor::new(&problem, build(sleep_wake_config(12).check().unwrap()), Seed(8))
                .unwrap()
                .checkpoint(&path)
                .stop_flag(&flag)
                .observer(&mut raise)
                .run()
                .unwrap();
        assert_eq!(stopped.state.generation, stop_after);
        let resumed = Executor::resume(&problem, &path, build).unwrap().run().unwrap();
        assert_eq!(
            fingerprint(&resumed.state),
            fingerprint(&full.state),
            "stop after {stop_after}"
        );
    }
    // An NSGA-II checkpoint is not a sleep-wake one.
    let nsga2_path = dir.path().join("nsga2.ron");
    Executor::new(&problem, Nsga2::new(&gentle, nsga2_config(2).check().unwrap()), Seed(8))
        .unwrap()
        .checkpoint(&nsga2_path)
        .run()
        .unwrap();
    assert!(Executor::resume(&problem, &nsga2_path, build).is_err());
}
