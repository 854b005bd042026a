//! Islands over ranks as threads: the result depends on the island count only — 4 islands on
//! 1, 2, 3 and 4 ranks give the one-process result bit for bit — and a run stopped under 3
//! ranks resumes under 2 from rank 0's gathered checkpoint to the same result.

use dgnn_evo::{
    Archipelago, IslandConfig, LocalLinks, Nsga2, Nsga2Config, ParamGuard, RealVariation, Seed,
    State, Topology, Valid, Zdt, ZdtKind,
};
use dgnn_mpi::{RankLinks, ThreadRanks};
use std::path::Path;
use std::sync::atomic::AtomicBool;

const GENERATIONS: u64 = 7;

fn settings() -> (Valid<IslandConfig>, Valid<Nsga2Config>) {
    let islands =
        IslandConfig { count: 4, migration_interval: 2, migrants: 2, topology: Topology::Ring };
    let nsga2 = Nsga2Config { population: 10, generations: GENERATIONS, ..Nsga2Config::default() };
    (islands.check().unwrap(), nsga2.check().unwrap())
}

/// The islands on `ranks` ranks: fresh (optionally stopped at the first sync point and
/// checkpointed to `path`) or resumed from `path`; returns rank 0's island states.
fn run_on_ranks(ranks: usize, checkpoint: Option<(&Path, bool)>) -> Vec<State<Vec<f64>>> {
    let problem = Zdt::new(ZdtKind::Zdt1, 5).unwrap();
    let variation = RealVariation::with_defaults(problem.bounds().clone());
    let (islands, nsga2) = settings();
    let stop = AtomicBool::new(true);
    std::thread::scope(|scope| {
        let handles: Vec<_> = ThreadRanks::connect(ranks)
            .into_iter()
            .map(|rank| {
                let (problem, variation, islands, nsga2, stop) =
                    (&problem, &variation, islands.clone(), nsga2.clone(), &stop);
                scope.spawn(move || {
                    let links = RankLinks::new(&rank);
                    let build = || Nsga2::new(variation, nsga2.clone());
                    let archipelago = match checkpoint {
                        Some((path, true)) => {
                            Archipelago::resume(problem, islands, Seed(9), build, &links, path)
                                .unwrap()
                        }
                        Some((path, false)) => {
                            Archipelago::new(problem, islands, Seed(9), build, &links)
                                .unwrap()
                                .checkpoint(path)
                                .stop_flag(stop)
                        }
                        None => Archipelago::new(problem, islands, Seed(9), build, &links).unwrap(),
                    };
                    archipelago.run().unwrap().islands
                })
            })
            .collect();
        let mut results: Vec<Vec<State<Vec<f64>>>> =
            handles.into_iter().map(|h| h.join().unwrap()).collect();
        assert!(results.iter().skip(1).all(Vec::is_empty), "only rank 0 holds the result");
        results.swap_remove(0)
    })
}

fn one_process() -> Vec<State<Vec<f64>>> {
    let problem = Zdt::new(ZdtKind::Zdt1, 5).unwrap();
    let variation = RealVariation::with_defaults(problem.bounds().clone());
    let (islands, nsga2) = settings();
    let build = || Nsga2::new(&variation, nsga2.clone());
    Archipelago::new(&problem, islands, Seed(9), build, &LocalLinks).unwrap().run().unwrap().islands
}

#[test]
fn four_islands_give_the_same_result_on_any_number_of_ranks() {
    let expected = ron::to_string(&one_process()).unwrap();
    for ranks in [1, 2, 3, 4] {
        let states = run_on_ranks(ranks, None);
        assert_eq!(states.len(), 4);
        assert!(states.iter().all(|s| s.generation == GENERATIONS));
        assert_eq!(ron::to_string(&states).unwrap(), expected, "{ranks} ranks");
    }
}

#[test]
fn a_run_stopped_under_three_ranks_resumes_under_two() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("islands.ron");
    let stopped = run_on_ranks(3, Some((&path, false)));
    assert!(stopped.iter().all(|s| s.generation == 2), "stopped at the first sync point");
    let resumed = run_on_ranks(2, Some((&path, true)));
    assert_eq!(ron::to_string(&resumed).unwrap(), ron::to_string(&one_process()).unwrap());
}
