//! W4 `zdt1-nsga2` (docs/benchmarks.md): NSGA-II on ZDT1 with 30 variables, population 100,
//! 250 generations counting the initial one (25 000 evaluations), SBX (p = 0.9, η = 15,
//! per-variable 0.5) and polynomial mutation (η = 20, rate 1/30), pymoo's defaults, fixed seed.
//!
//! Timed: the whole run (initial sampling to the last survival), after a two-generation
//! warm-up run like the peer's. Reported as the peer
//! `zdt1_nsga2.py` does: the hypervolume of the final population's non-dominated set against
//! (1.1, 1.1) (pymoo's `res.F`) and the number of evaluations; also the front size, the
//! hypervolume of the Pareto archive (every non-dominated point evaluated) and the true-front
//! value 1.21 − 1/3.

use super::{record, timed};
use dgnn_evo::{
    Executor, Nsga2, Nsga2Config, ParamGuard, RealVariation, Seed, Zdt, ZdtKind, hypervolume,
};
use serde::Serialize;

/// Size flags of `dgnn bench zdt1-nsga2`.
#[derive(Debug, Clone, clap::Args, Serialize)]
pub struct Params {
    /// Decision variables of ZDT1.
    #[arg(long, default_value_t = 30)]
    pub n_var: usize,
    /// Population size.
    #[arg(long, default_value_t = 100)]
    pub pop: usize,
    /// Generations counting the initial population (pymoo's `n_gen`).
    #[arg(long, default_value_t = 250)]
    pub n_gen: u64,
    /// Master seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Turn the evaluation cache off (pymoo has none; ZDT1 genomes never repeat).
    #[arg(long)]
    pub no_cache: bool,
}

#[derive(Serialize)]
struct Fields {
    hypervolume: f64,
    evaluations: u64,
    front_size: usize,
    archive_hypervolume: f64,
    archive_size: usize,
    cache_hits: u64,
    hv_true_analytic: f64,
}

/// Runs the workload and returns its JSON record.
pub fn run(params: &Params) -> anyhow::Result<serde_json::Value> {
    let problem = Zdt::new(ZdtKind::Zdt1, params.n_var)?;
    let variation = RealVariation::with_defaults(problem.bounds().clone());
    let config = Nsga2Config {
        population: params.pop,
        generations: params.n_gen,
        cache: !params.no_cache,
        ..Nsga2Config::default()
    };
    // Warm-up, as the peer does (`run_pymoo(…, 2, …)`): a two-generation run first-touches
    // the allocator and the code paths outside the timed region.
    let warm_up = Nsga2Config { generations: 2, ..config.clone() }.check()?;
    Executor::new(&problem, Nsga2::new(&variation, warm_up), Seed(params.seed))?.run()?;
    let run = Executor::new(&problem, Nsga2::new(&variation, config.check()?), Seed(params.seed))?;
    let (outcome, seconds) = timed(|| run.run());
    let outcome = outcome?;
    let reference = [1.1, 1.1];
    let front: Vec<&[f64]> =
        outcome.front().iter().map(|i| i.evaluation.objectives.as_slice()).collect();
    let archive: Vec<&[f64]> = outcome
        .state
        .archive
        .members()
        .iter()
        .map(|i| i.evaluation.objectives.as_slice())
        .collect();
    let fields = Fields {
        hypervolume: hypervolume(&front, &reference)?,
        evaluations: outcome.state.evaluations,
        front_size: front.len(),
        archive_hypervolume: hypervolume(&archive, &reference)?,
        archive_size: archive.len(),
        cache_hits: outcome.state.cache_hits,
        hv_true_analytic: 1.21 - 1.0 / 3.0,
    };
    Ok(record("zdt1-nsga2", params, seconds, &fields)?)
}
