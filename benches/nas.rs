//! Criterion benches of dgnn-nas on the W6 setting (WDBC, the default search): one evaluation
//! of a genome at each fidelity for swept network sizes (the search's inner cost), one
//! variation (crossover + mutation of both children), and one whole generation of the default
//! search (population 40, multi-fidelity batch evaluation).
//!
//! Inputs (data splits, genomes, the search with its measured baseline) are built outside the
//! timed loop from fixed seeds; sizes are in the `BenchmarkId`.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use dgnn_core::Seed;
use dgnn_evo::Variation;
use dgnn_glia::{Activation, Architecture, AstrocyteRule, Region};
use dgnn_nas::{DgnnGenome, Fidelity, ParamGuard, Search, SearchConfig};
use std::hint::black_box;

/// A one-region genome of `neurons` tanh neurons, with or without the astrocyte rule (k = 6).
fn genome(neurons: usize, rule: bool) -> DgnnGenome {
    let region = Region { neurons, glia_ratio: 1.0, activation: Activation::Tanh, density: 1.0 };
    DgnnGenome(Architecture {
        regions: vec![region],
        astrocytes: rule.then(AstrocyteRule::default),
        supply_per_astrocyte: None,
        phase: None,
    })
}

fn evaluations(c: &mut Criterion) {
    let data = dgnn_glia::Dataset::builtin("wdbc").expect("bundled data");
    let config = SearchConfig::default().check().expect("default config");
    let search = Search::new(config, &data).expect("default search");
    let mut group = c.benchmark_group("nas_evaluation");
    group.sample_size(20);
    for (fidelity, name) in [(Fidelity::Low, "low"), (Fidelity::Full, "full")] {
        for neurons in [2, 8, 32] {
            for rule in [false, true] {
                let g = genome(neurons, rule);
                let id = format!("{name}_{}", if rule { "rule_k6" } else { "plain" });
                group.bench_with_input(BenchmarkId::new(id, neurons), &g, |b, g| {
                    b.iter(|| search.estimator().measure(black_box(g), fidelity).expect("trains"));
                });
            }
        }
    }
    group.finish();
}

fn variation(c: &mut Criterion) {
    let data = dgnn_glia::Dataset::builtin("wdbc").expect("bundled data");
    let config = SearchConfig::default().check().expect("default config");
    let search = Search::new(config, &data).expect("default search");
    let space = search.variation().space();
    let p = space.random_genome(&mut Seed(1).stream("bench/p", &[]));
    let q = space.random_genome(&mut Seed(1).stream("bench/q", &[]));
    c.bench_function("nas_variation/crossover_and_mutation", |b| {
        let mut rng = Seed(1).stream("bench/variation", &[]);
        b.iter(|| {
            let [mut x, mut y] = search.variation().crossover(black_box(&p), &q, &mut rng);
            search.variation().mutate(&mut x, &mut rng);
            search.variation().mutate(&mut y, &mut rng);
            (x, y)
        });
    });
}

fn generation(c: &mut Criterion) {
    let data = dgnn_glia::Dataset::builtin("wdbc").expect("bundled data");
    let mut group = c.benchmark_group("nas_generation");
    group.sample_size(10);
    for population in [20, 40] {
        let mut config = SearchConfig::default();
        config.evolution.population = population;
        let search = Search::new(config.check().expect("config"), &data).expect("search");
        let baseline = search.measure_baseline().expect("baseline");
        let problem = search.problem(&baseline).expect("problem");
        group.bench_with_input(BenchmarkId::new("initial_wdbc", population), &problem, |b, p| {
            b.iter(|| {
                let mut engine = search.engine(p).expect("engine");
                engine.step().expect("generation 0")
            });
        });
    }
    group.finish();
}

criterion_group!(benches, evaluations, variation, generation);
criterion_main!(benches);
