//! W6 `nas-wdbc` (docs/benchmarks.md): the default `dgnn search` on the bundled WDBC data with a
//! fixed seed and budget, end to end.
//!
//! Timed: setting up (splits, baseline training), the evolutionary search, and the final
//! re-measurement of the front on the test part, each reported separately and summed in
//! `seconds` (so the workload runs dgnn-nas one phase at a time: problem, engine, finish —
//! what `Search::run` does in one call). Reported: `evaluations` (problem evaluations, cache hits excluded) and
//! `evaluations_per_second` (over the search phase), the Pareto front (energy in ATP,
//! information in bits, validation and test accuracy), the hypervolume of the front in
//! normalised `(E/E_baseline, 1 − I/H(Y))` space against (1, 1), the test accuracy of the most
//! accurate network and of the lowest-energy network within one point of it, and the energy
//! ratio of the latter to the plain 30-16-2 MLP trained and measured the same way (with the
//! same biological energy model).

use super::{record, timed};
use dgnn_nas::{ParamGuard, Search, SearchConfig};
use serde::Serialize;

/// Size flags of `dgnn bench nas-wdbc` (defaults: the default `dgnn search`).
#[derive(Debug, Clone, clap::Args, Serialize)]
pub struct Params {
    /// Master seed.
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
    /// Population size.
    #[arg(long, default_value_t = 40)]
    pub population: usize,
    /// Generations counting the initial population.
    #[arg(long, default_value_t = 40)]
    pub generations: u64,
    /// Full-fidelity training epochs.
    #[arg(long, default_value_t = 60)]
    pub epochs: usize,
}

#[derive(Serialize)]
struct FrontPoint {
    energy_atp: f64,
    information_bits: f64,
    validation_accuracy: f64,
    test_accuracy: f64,
    network: String,
}

#[derive(Serialize)]
struct Fields {
    setup_seconds: f64,
    search_seconds: f64,
    finish_seconds: f64,
    evaluations: u64,
    cache_hits: u64,
    low_fidelity_trainings: u64,
    full_fidelity_trainings: u64,
    evaluations_per_second: f64,
    label_entropy_bits: f64,
    front: Vec<FrontPoint>,
    hypervolume_normalised: f64,
    most_accurate_test_accuracy: f64,
    efficient_test_accuracy: f64,
    efficient_energy_atp: f64,
    baseline_energy_atp: f64,
    baseline_test_accuracy: f64,
    energy_ratio: f64,
}

/// Runs the workload and returns its JSON record.
pub fn run(params: &Params) -> anyhow::Result<serde_json::Value> {
    let mut config = SearchConfig { seed: params.seed, ..SearchConfig::default() };
    config.evolution.population = params.population;
    config.evolution.generations = params.generations;
    config.estimation.training.epochs = params.epochs;
    let config = config.check()?;
    let data = config.data.load()?;
    let (setup, setup_seconds) = timed(|| {
        let search = Search::new(config, &data)?;
        let baseline = search.measure_baseline()?;
        Ok::<_, dgnn_nas::NasError>((search, baseline))
    });
    let (search, baseline) = setup?;
    let problem = search.problem(&baseline)?;
    let (outcome, search_seconds) = timed(|| search.engine(&problem).and_then(|e| Ok(e.run()?)));
    let outcome = outcome?;
    let trained = search.estimator().training_progress();
    let (result, finish_seconds) = timed(|| search.finish(&problem, &outcome.state));
    let r = result?.report;
    let front = r
        .front
        .iter()
        .map(|m| FrontPoint {
            energy_atp: m.validation.energy_atp,
            information_bits: m.validation.information_bits,
            validation_accuracy: m.validation.accuracy,
            test_accuracy: m.test.accuracy,
            network: m.summary.clone(),
        })
        .collect();
    let fields = Fields {
        setup_seconds,
        search_seconds,
        finish_seconds,
        evaluations: r.evaluations,
        cache_hits: r.cache_hits,
        low_fidelity_trainings: trained.low,
        full_fidelity_trainings: trained.full,
        evaluations_per_second: r.evaluations as f64 / search_seconds,
        label_entropy_bits: r.baseline.validation.label_entropy_bits,
        front,
        hypervolume_normalised: r.hypervolume_normalised,
        most_accurate_test_accuracy: r.front[r.most_accurate].test.accuracy,
        efficient_test_accuracy: r.front[r.efficient].test.accuracy,
        efficient_energy_atp: r.front[r.efficient].validation.energy_atp,
        baseline_energy_atp: r.baseline.validation.energy_atp,
        baseline_test_accuracy: r.baseline.test.accuracy,
        energy_ratio: r.energy_ratio,
    };
    let seconds = setup_seconds + search_seconds + finish_seconds;
    Ok(record("nas-wdbc", params, seconds, &fields)?)
}
