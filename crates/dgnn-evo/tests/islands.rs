//! The island model: migrants are the sender's best and replace the receiver's worst, a run
//! stopped at a sync point resumes from the gathered checkpoint bit-identically, the checkpoint
//! refuses other island settings, and island settings are checked.

use dgnn_evo::{
    Archipelago, Executor, IslandConfig, LocalLinks, Nsga2, Nsga2Config, ParamGuard, RealVariation,
    Seed, State, Topology, Zdt, ZdtKind, island_seed, rank_and_crowding,
};
use std::sync::atomic::AtomicBool;

fn zdt() -> Zdt {
    Zdt::new(ZdtKind::Zdt1, 6).unwrap()
}

fn nsga2_config(generations: u64) -> dgnn_evo::Valid<Nsga2Config> {
    Nsga2Config { population: 12, generations, ..Nsga2Config::default() }.check().unwrap()
}

fn islands(count: usize, interval: u64, migrants: usize) -> dgnn_evo::Valid<IslandConfig> {
    IslandConfig { count, migration_interval: interval, migrants, topology: Topology::Ring }
        .check()
        .unwrap()
}

/// Positions best first, as the island model orders them (front, crowding, position).
fn best_first(population: &[dgnn_evo::Individual<Vec<f64>>]) -> Vec<usize> {
    let (rank, crowding) = rank_and_crowding(population);
    let mut order: Vec<usize> = (0..population.len()).collect();
    order.sort_by(|&a, &b| {
        rank[a].cmp(&rank[b]).then(crowding[b].total_cmp(&crowding[a])).then(a.cmp(&b))
    });
    order
}

#[test]
fn migrants_are_the_senders_best_and_replace_the_receivers_worst() {
    let problem = zdt();
    let variation = RealVariation::with_defaults(problem.bounds().clone());
    let seed = Seed(11);
    // Each island alone for one generation: the populations before the first migration.
    let alone: Vec<State<Vec<f64>>> = (0..3)
        .map(|i| {
            let nsga2 = Nsga2::new(&variation, nsga2_config(1));
            Executor::new(&problem, nsga2, island_seed(seed, i)).unwrap().run().unwrap().state
        })
        .collect();
    // The archipelago stopped at its first sync point (after generation 1, migration done).
    let stop = AtomicBool::new(true);
    let build = || Nsga2::new(&variation, nsga2_config(5));
    let outcome = Archipelago::new(&problem, islands(3, 1, 2), seed, build, &LocalLinks)
        .unwrap()
        .stop_flag(&stop)
        .run()
        .unwrap();
    assert!(outcome.stopped);
    assert_eq!(outcome.islands.len(), 3);
    for to in 0..3 {
        let from = (to + 2) % 3;
        let sender = &alone[from].population;
        let receiver = &alone[to].population;
        let best = best_first(sender);
        let worst: Vec<usize> = best_first(receiver).into_iter().rev().collect();
        let after = &outcome.islands[to].population;
        assert_eq!(after.len(), receiver.len());
        for k in 0..2 {
            assert_eq!(after[worst[k]], sender[best[k]], "island {to}, migrant {k}");
        }
        for &kept in &worst[2..] {
            assert_eq!(after[kept], receiver[kept], "island {to} keeps member {kept}");
        }
    }
}

#[test]
fn a_run_stopped_at_a_sync_point_resumes_bit_identically() {
    let problem = zdt();
    let variation = RealVariation::with_defaults(problem.bounds().clone());
    let build = || Nsga2::new(&variation, nsga2_config(7));
    let config = islands(4, 2, 2);
    let whole = Archipelago::new(&problem, config.clone(), Seed(3), build, &LocalLinks)
        .unwrap()
        .run()
        .unwrap();
    assert!(!whole.stopped);
    assert!(whole.islands.iter().all(|s| s.generation == 7));

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("islands.ron");
    let stop = AtomicBool::new(true);
    let first = Archipelago::new(&problem, config.clone(), Seed(3), build, &LocalLinks)
        .unwrap()
        .checkpoint(&path)
        .stop_flag(&stop)
        .run()
        .unwrap();
    assert!(first.stopped);
    assert!(first.islands.iter().all(|s| s.generation == 2));
    let resumed = Archipelago::resume(&problem, config.clone(), Seed(3), build, &LocalLinks, &path)
        .unwrap()
        .run()
        .unwrap();
    assert_eq!(ron::to_string(&resumed.islands).unwrap(), ron::to_string(&whole.islands).unwrap());

    // Other island settings are refused, naming them.
    let other = islands(4, 3, 2);
    let error = Archipelago::resume(&problem, other, Seed(3), build, &LocalLinks, &path)
        .err()
        .expect("refused");
    assert!(error.to_string().contains("island settings"), "{error}");
    // The merged state holds every island's population and sums their evaluations.
    let merged = whole.merged().unwrap();
    assert_eq!(merged.population.len(), 4 * 12);
    assert_eq!(merged.evaluations, whole.islands.iter().map(|s| s.evaluations).sum::<u64>());
    assert_eq!(merged.history.len(), 7);
}

#[test]
fn island_settings_are_checked() {
    let bad =
        IslandConfig { count: 0, migration_interval: 1, migrants: 1, topology: Topology::Ring };
    assert!(bad.check().unwrap_err().to_string().contains("islands.count"));
    let bad =
        IslandConfig { count: 2, migration_interval: 0, migrants: 1, topology: Topology::Ring };
    assert!(bad.check().unwrap_err().to_string().contains("islands.migration_interval"));
    let text = "(count: 4, migration_interval: 5, migrants: 0, topology: Ring)";
    let error = ron::from_str::<dgnn_evo::Valid<IslandConfig>>(text).unwrap_err().to_string();
    assert!(error.contains("islands.migrants"), "{error}");
}
