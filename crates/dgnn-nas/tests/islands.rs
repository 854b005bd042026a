//! Searches with the island model (`islands` in the config): the report covers every island,
//! a run stopped at a sync point resumes from its gathered checkpoint to the same report, the
//! island count changes the run, and island settings that do not fit are refused by name.

use dgnn_nas::{
    Checkpointing, Dataset, IslandConfig, ParamGuard, RunOptions, Search, SearchConfig,
    SearchOutcome, SearchReport, Topology,
};
use std::sync::atomic::AtomicBool;

/// A tiny search on iris with `count` islands of 6: 4 generations, a migration after the
/// second.
fn tiny(count: usize) -> SearchConfig {
    let mut c = SearchConfig { seed: 4, ..SearchConfig::default() };
    c.evolution.population = 6;
    c.evolution.generations = 4;
    c.estimation.training.epochs = 6;
    if let Some(low) = &mut c.estimation.low_fidelity {
        low.epochs = 2;
    }
    c.space.neurons = (1, 5);
    c.space.regions = (1, 2);
    c.islands =
        Some(IslandConfig { count, migration_interval: 2, migrants: 2, topology: Topology::Ring });
    c
}

fn iris() -> Dataset {
    Dataset::builtin("iris").unwrap()
}

fn report(config: &SearchConfig, options: RunOptions<'_>) -> SearchReport {
    let search = Search::new(config.clone().check().unwrap(), &iris()).unwrap();
    let baseline = search.measure_baseline().unwrap();
    search.run(&baseline, options).unwrap().finished().unwrap().report
}

#[test]
fn an_island_search_stopped_at_a_sync_point_resumes_to_the_same_report() {
    let config = tiny(3);
    let whole = report(&config, RunOptions::default());
    assert_eq!(whole.generations, 4);
    // Every island's evaluations are counted: at least the three initial populations.
    assert!(whole.evaluations >= 3 * 6, "{}", whole.evaluations);
    assert_eq!(whole.history.len(), 4);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("checkpoint.ron");
    let stop = AtomicBool::new(true);
    let search = Search::new(config.clone().check().unwrap(), &iris()).unwrap();
    let baseline = search.measure_baseline().unwrap();
    let options = RunOptions {
        checkpoint: Checkpointing::Fresh(&path),
        stop: Some(&stop),
        ..RunOptions::default()
    };
    let outcome = search.run(&baseline, options).unwrap();
    assert!(matches!(outcome, SearchOutcome::Stopped { generation: 2, .. }), "{outcome:?}");
    let options = RunOptions { checkpoint: Checkpointing::Resume(&path), ..RunOptions::default() };
    let resumed = report(&config, options);
    assert!(resumed == whole, "the resumed island run's report differs");

    // One island more is another run.
    let four = report(&tiny(4), RunOptions::default());
    assert!(four.evaluations > whole.evaluations);
}

#[test]
fn island_settings_that_do_not_fit_are_refused() {
    let mut config = tiny(2);
    if let Some(islands) = &mut config.islands {
        islands.migrants = 6;
    }
    let error = config.check().unwrap_err().to_string();
    assert!(error.contains("islands.migrants") && error.contains("population"), "{error}");
    let mut config = tiny(2);
    if let Some(islands) = &mut config.islands {
        islands.count = 0;
    }
    assert!(config.check().unwrap_err().to_string().contains("islands.count"));
    // Without islands the config is written as before (no `islands` field).
    let text = ron::to_string(&SearchConfig::default()).unwrap();
    assert!(!text.contains("islands"), "{text}");
}
