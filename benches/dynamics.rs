//! Criterion benches of dgnn-dynamics: the SIMD HKB ensemble (W1's kernel) over trajectory
//! counts in f64 and f32, the general ensemble with each SDE scheme, the Kuramoto mean field
//! (W3's kernel) over N, the dense O(N²) network step, and the exact stationary density.
//!
//! Inputs are built outside the timed loop from fixed seeds; parameters are in the
//! `BenchmarkId`.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use dgnn_dynamics::ensemble::{EnsembleParams, FinalMoments, InitialState, run_ensemble};
use dgnn_dynamics::landscape::stationary_density;
use dgnn_dynamics::network::{
    Coupling, PairCoupling, PhaseNetwork, lorentzian_quantiles, uniform_phases,
};
use dgnn_dynamics::ode::VectorField;
use dgnn_dynamics::sde::{PhaseSde, Scheme};
use dgnn_dynamics::simd::{
    HkbEnsembleParams, KuramotoParams, Precision, hkb_ensemble_final_phases, kuramoto_mean_field,
};
use dgnn_dynamics::{Hkb, NoProgress, ParamGuard, Seed, TiltedHkb};
use std::hint::black_box;

fn hkb_fast(c: &mut Criterion) {
    let mut group = c.benchmark_group("hkb_ensemble_simd");
    group.sample_size(10);
    let steps = 1000;
    for trajectories in [1_000, 4_000, 16_000] {
        let params = HkbEnsembleParams {
            a: 1.0,
            b: 0.5,
            detuning: 0.0,
            q: 0.5,
            dt: 0.01,
            trajectories,
            steps,
        }
        .check()
        .unwrap();
        group.throughput(Throughput::Elements((trajectories * steps) as u64));
        for precision in [Precision::F64, Precision::F32] {
            group.bench_with_input(
                BenchmarkId::new(format!("{precision:?}_steps{steps}"), trajectories),
                &params,
                |b, p| {
                    b.iter(|| {
                        hkb_ensemble_final_phases(black_box(p), precision, Seed(1), &NoProgress)
                    })
                },
            );
        }
    }
    group.finish();
}

fn general_ensemble(c: &mut Criterion) {
    let mut group = c.benchmark_group("ensemble_general");
    group.sample_size(10);
    let sde = PhaseSde::new(TiltedHkb::new(1.0, 0.5, 0.2).unwrap(), 0.5).unwrap();
    let spec = EnsembleParams { trajectories: 1024, steps: 200, dt: 0.01 }.check().unwrap();
    let initial = InitialState::Uniform { low: vec![-3.0], high: vec![3.0] }.check().unwrap();
    group.throughput(Throughput::Elements(1024 * 200));
    for scheme in [Scheme::EulerMaruyama, Scheme::Milstein, Scheme::Heun, Scheme::Sra1] {
        group.bench_function(
            BenchmarkId::new("trajectories1024_steps200", format!("{scheme:?}")),
            |b| {
                b.iter(|| {
                    run_ensemble(
                        &sde,
                        &scheme,
                        &spec,
                        &initial,
                        &FinalMoments { component: 0 },
                        Seed(2),
                        &NoProgress,
                    )
                })
            },
        );
    }
    group.finish();
}

fn kuramoto(c: &mut Criterion) {
    let mut group = c.benchmark_group("kuramoto_mean_field_rk4");
    group.sample_size(10);
    let steps = 200;
    for n in [500, 2000, 8000] {
        let params = KuramotoParams {
            omega: lorentzian_quantiles(n, 0.0, 0.5),
            theta0: uniform_phases(Seed(3), "bench/kuramoto", n),
            couplings: vec![0.5, 1.5, 2.5, 3.0],
            dt: 0.05,
            steps,
            average: 50,
        }
        .check()
        .unwrap();
        group.throughput(Throughput::Elements((4 * n * steps) as u64));
        group.bench_with_input(
            BenchmarkId::new(format!("couplings4_steps{steps}"), n),
            &params,
            |b, p| b.iter(|| kuramoto_mean_field(black_box(p), &NoProgress)),
        );
    }
    group.finish();
}

fn dense_network(c: &mut Criterion) {
    let mut group = c.benchmark_group("network_drift");
    for n in [100, 400, 1600] {
        let omega = lorentzian_quantiles(n, 0.0, 0.5);
        let theta = uniform_phases(Seed(4), "bench/dense", n);
        let pair = PairCoupling { a: 1.0, b: 0.5 };
        let dense = PhaseNetwork::new(
            omega.clone(),
            Coupling::Matrix(vec![1.0 / n as f64; n * n]),
            pair,
            0.0,
        )
        .unwrap();
        let mean =
            PhaseNetwork::new(omega, Coupling::MeanField { strength: 1.0 }, pair, 0.0).unwrap();
        let mut out = vec![0.0; n];
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("dense_hkb", n), &theta, |b, t| {
            b.iter(|| dense.eval(0.0, black_box(t), &mut out))
        });
        group.bench_with_input(BenchmarkId::new("mean_field_hkb", n), &theta, |b, t| {
            b.iter(|| mean.eval(0.0, black_box(t), &mut out))
        });
    }
    group.finish();
}

fn density(c: &mut Criterion) {
    let mut group = c.benchmark_group("stationary_density");
    for grid in [1024, 4096, 16384] {
        let untilted = Hkb::new(1.0, 0.5).unwrap();
        let tilted = TiltedHkb::new(1.0, 0.5, 0.7).unwrap();
        group.bench_with_input(BenchmarkId::new("boltzmann_q0.5", grid), &grid, |b, &g| {
            b.iter(|| stationary_density(&untilted, 0.5, g))
        });
        group.bench_with_input(BenchmarkId::new("tilted_dw0.7_q0.5", grid), &grid, |b, &g| {
            b.iter(|| stationary_density(&tilted, 0.5, g))
        });
    }
    group.finish();
}

criterion_group!(benches, hkb_fast, general_ensemble, kuramoto, dense_network, density);
criterion_main!(benches);
