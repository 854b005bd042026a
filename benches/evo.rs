//! Criterion benches of dgnn-evo: non-dominated sorting and exact hypervolume at swept sizes,
//! and one NSGA-II generation of the W4 workload (ZDT1, 30 variables, population 100).
//!
//! Inputs are built outside the timed loop from fixed seeds; sizes are in the `BenchmarkId`.

use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};
use dgnn_evo::{
    Bounds, Executor, Nsga2, Nsga2Config, ParamGuard, RealVariation, Seed, Zdt, ZdtKind,
    hypervolume, non_dominated_fronts,
};
use std::f64::consts::FRAC_PI_2;
use std::hint::black_box;

/// `n` points uniform in the unit cube of dimension `m` (many fronts, as in an early generation).
fn uniform_points(n: usize, m: usize) -> Vec<Vec<f64>> {
    let cube = Bounds::uniform(m, 0.0, 1.0).expect("valid bounds");
    let mut rng = Seed(7).stream("bench/points", &[n as u64, m as u64]);
    (0..n).map(|_| cube.sample(&mut rng)).collect()
}

/// `n` mutually non-dominated points: on the ZDT1 front in 2-D, on the unit sphere in 3-D.
fn front_points(n: usize, m: usize) -> Vec<Vec<f64>> {
    uniform_points(n, m - 1)
        .into_iter()
        .map(|u| {
            if m == 2 {
                vec![u[0], 1.0 - u[0].sqrt()]
            } else {
                let (theta, phi) = (u[0] * FRAC_PI_2, u[1] * FRAC_PI_2);
                vec![theta.cos() * phi.cos(), theta.cos() * phi.sin(), theta.sin()]
            }
        })
        .collect()
}

fn sorting(c: &mut Criterion) {
    let mut group = c.benchmark_group("non_dominated_sort");
    for m in [2, 3] {
        for n in [100, 200, 400, 800, 1600] {
            let points = uniform_points(n, m);
            group.bench_with_input(
                BenchmarkId::new(format!("uniform_m{m}"), n),
                &points,
                |b, p| {
                    b.iter(|| non_dominated_fronts(black_box(p)));
                },
            );
        }
    }
    group.finish();
}

fn hypervolumes(c: &mut Criterion) {
    let mut group = c.benchmark_group("hypervolume");
    for m in [2, 3] {
        let reference = vec![1.1; m];
        for n in [100, 1000, 10_000] {
            let points = front_points(n, m);
            group.bench_with_input(BenchmarkId::new(format!("front_m{m}"), n), &points, |b, p| {
                b.iter(|| hypervolume(black_box(p), &reference).expect("2 or 3 objectives"));
            });
        }
    }
    group.finish();
}

fn generation(c: &mut Criterion) {
    let problem = Zdt::new(ZdtKind::Zdt1, 30).expect("valid problem");
    let variation = RealVariation::with_defaults(problem.bounds().clone());
    let mut group = c.benchmark_group("nsga2_generation");
    for cache in [true, false] {
        let config =
            Nsga2Config { generations: 2, cache, ..Nsga2Config::default() }.check().expect("valid");
        let id = BenchmarkId::new("zdt1_pop100", if cache { "cache" } else { "no_cache" });
        group.bench_function(id, |b| {
            b.iter_batched(
                || {
                    let nsga2 = Nsga2::new(&variation, config.clone());
                    let mut run = Executor::new(&problem, nsga2, Seed(1)).expect("valid config");
                    run.step().expect("initial generation");
                    run
                },
                |mut run| {
                    run.step().expect("one generation");
                    run
                },
                BatchSize::LargeInput,
            );
        });
    }
    group.finish();
}

criterion_group!(benches, sorting, hypervolumes, generation);
criterion_main!(benches);
