//! The W6 searches (docs/benchmarks.md): the default `dgnn search` on a bundled data set with a
//! fixed seed and budget, end to end — `nas-wdbc` on WDBC and `nas-digits` on digits.
//!
//! Timed: setting up (splits, baseline training), the evolutionary search, and the final
//! re-measurement of the front on the test part, each reported separately and summed in
//! `seconds` (so the workload runs dgnn-nas one phase at a time: problem, engine, finish —
//! what `Search::run` does in one call). Reported: `evaluations` (problem evaluations, cache
//! hits excluded) and `evaluations_per_second` (over the search phase), the Pareto front (energy
//! in ATP, information in bits, validation and test accuracy), the hypervolume of the front in
//! normalised `(E/E_baseline, 1 − I/H(Y))` space against (1, 1), the test accuracy of the most
//! accurate network and of the lowest-energy network within one point of it, and the energy
//! ratio of the latter to the plain MLP with 16 tanh units trained and measured the same way
//! (with the same energy model).
//!
//! `--energy hardware` prices networks with the 45 nm hardware model (the W6 peer's objective).
//! `--trace` re-measures the front after every generation, outside the timed search (each
//! generation's front is retrained and measured on the test part as `finish` does), and adds
//! `trace`: per generation the search seconds so far, evaluations, and the most accurate and
//! efficient members' test accuracy and hardware energy — the time to a given front.

use super::{record, timed};
use dgnn_glia::{EnergyChoice, HardwareEnergy};
use dgnn_nas::{NasError, ParamGuard, Search, SearchConfig, SearchResult};
use serde::Serialize;

/// The energy model a W6 search prices networks with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EnergyFlag {
    /// ATP (Attwell & Laughlin 2001), `dgnn search`'s default.
    #[default]
    Biological,
    /// 45 nm hardware (Horowitz 2014), the W6 peer's energy.
    Hardware,
}

impl EnergyFlag {
    fn is_biological(&self) -> bool {
        *self == Self::Biological
    }
}

/// Size flags of the W6 searches (defaults: the default `dgnn search`).
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
    /// Full-fidelity training epochs (default: the search's, 30).
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub epochs: Option<usize>,
    /// Energy model of the search.
    #[arg(long, value_enum, default_value_t)]
    #[serde(skip_serializing_if = "EnergyFlag::is_biological")]
    pub energy: EnergyFlag,
    /// Re-measure the front after every generation (untimed) and report the trace.
    #[arg(long)]
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub trace: bool,
}

#[derive(Serialize)]
struct FrontPoint {
    energy_atp: f64,
    information_bits: f64,
    validation_accuracy: f64,
    test_accuracy: f64,
    network: String,
}

/// The front of one generation, as `--trace` records it.
#[derive(Serialize)]
struct TracePoint {
    generation: u64,
    search_seconds: f64,
    evaluations: u64,
    front_size: usize,
    most_accurate_test_accuracy: f64,
    efficient_test_accuracy: f64,
    efficient_validation_accuracy: f64,
    efficient_hardware_joules: f64,
}

impl TracePoint {
    fn of(result: &SearchResult, search_seconds: f64) -> Self {
        let r = &result.report;
        let efficient = &r.front[r.efficient];
        Self {
            generation: r.generations,
            search_seconds,
            evaluations: r.evaluations,
            front_size: r.front.len(),
            most_accurate_test_accuracy: r.front[r.most_accurate].test.accuracy,
            efficient_test_accuracy: efficient.test.accuracy,
            efficient_validation_accuracy: efficient.validation.accuracy,
            efficient_hardware_joules: efficient.validation.hardware_joules,
        }
    }
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
    #[serde(skip_serializing_if = "Option::is_none")]
    efficient_hardware_joules: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    trace: Option<Vec<TracePoint>>,
}

/// Runs the default search on the bundled data set `data` and returns the JSON record named
/// `workload`.
pub fn run(workload: &str, data: &str, params: &Params) -> anyhow::Result<serde_json::Value> {
    let mut config = SearchConfig {
        seed: params.seed,
        data: dgnn_glia::DataSource::Builtin(data.into()),
        ..SearchConfig::default()
    };
    config.evolution.population = params.population;
    config.evolution.generations = params.generations;
    if let Some(epochs) = params.epochs {
        config.estimation.training.epochs = epochs;
    }
    if params.energy == EnergyFlag::Hardware {
        config.estimation.energy = EnergyChoice::Hardware(HardwareEnergy::default());
    }
    let config = config.check()?;
    let data = config.data.load()?;
    let (setup, setup_seconds) = timed(|| {
        let search = Search::new(config, &data)?;
        let baseline = search.measure_baseline()?;
        Ok::<_, NasError>((search, baseline))
    });
    let (search, baseline) = setup?;
    let problem = search.problem(&baseline)?;
    let mut engine = search.engine(&problem)?;
    let mut search_seconds = 0.0;
    let mut trace = Vec::new();
    loop {
        let (stepped, seconds) = timed(|| engine.step());
        search_seconds += seconds;
        if !stepped? {
            break;
        }
        if params.trace
            && let Some(state) = engine.state()
        {
            trace.push(TracePoint::of(&search.finish(&problem, state)?, search_seconds));
        }
    }
    let state = engine.state().ok_or_else(|| anyhow::anyhow!("the search ran no generation"))?;
    let trained = search.estimator().training_progress();
    let (result, finish_seconds) = timed(|| search.finish(&problem, state));
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
    let hardware = params.energy == EnergyFlag::Hardware;
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
        efficient_hardware_joules: hardware
            .then(|| r.front[r.efficient].validation.hardware_joules),
        trace: params.trace.then_some(trace),
    };
    let seconds = setup_seconds + search_seconds + finish_seconds;
    Ok(record(workload, params, seconds, &fields)?)
}
