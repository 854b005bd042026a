//! Criterion benches of dgnn-lock: the W2 tongue grid (SIMD sine map) and the W5 fused n:m pass
//! at swept sizes, the analytic-signal pair, exact tongue edges, and one windowed heart–breath
//! analysis of a positive control.
//!
//! Inputs are built outside the timed loop from fixed seeds; sizes are in the `BenchmarkId`.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use dgnn_core::{NoProgress, ParamGuard, Seed};
use dgnn_lock::Ratio;
use dgnn_lock::controls::ControlParams;
use dgnn_lock::grid::{GridParams, sine_grid};
use dgnn_lock::indices::whole_record_indices;
use dgnn_lock::map::SineLift;
use dgnn_lock::signal::HilbertPlan;
use dgnn_lock::sync::{SyncParams, analyse};
use dgnn_lock::synthetic::PairParams;
use dgnn_lock::tongue::tongues;
use std::hint::black_box;

fn tongue_grid(c: &mut Criterion) {
    let mut group = c.benchmark_group("sine_grid_1500_iterations");
    group.sample_size(10);
    for n in [128usize, 256, 512] {
        let spec =
            GridParams { n_omega: n, n_k: n, ..GridParams::default() }.check().expect("valid grid");
        group.bench_with_input(BenchmarkId::from_parameter(format!("{n}x{n}")), &spec, |b, s| {
            b.iter(|| sine_grid(black_box(s), &NoProgress));
        });
    }
    group.finish();
}

fn nm_sync(c: &mut Criterion) {
    let ratios: Vec<Ratio> = [(1, 1), (2, 1), (3, 1), (4, 1), (5, 1), (5, 2), (7, 2)]
        .into_iter()
        .map(|(n, m)| Ratio::new(n, m).expect("valid ratio"))
        .collect();
    let mut group = c.benchmark_group("nm_sync_whole_record");
    group.sample_size(10);
    for samples in [100_000usize, 1_000_000] {
        let pair = PairParams { samples, ..PairParams::default() }
            .generate(Seed(12345))
            .expect("valid pair");
        let plan = HilbertPlan::new(samples).expect("plan");
        group.bench_with_input(BenchmarkId::new("fused_7_ratios", samples), &samples, |b, _| {
            b.iter(|| {
                whole_record_indices(&plan, black_box(&pair.slow), &pair.fast, &ratios)
                    .expect("indices")
            });
        });
        group.bench_with_input(BenchmarkId::new("analytic_pair", samples), &samples, |b, _| {
            b.iter(|| plan.analytic_pair(black_box(&pair.slow), &pair.fast).expect("pair"));
        });
    }
    group.finish();
}

fn edges(c: &mut Criterion) {
    let mut group = c.benchmark_group("tongue_edges_k1");
    group.sample_size(10);
    let lift = SineLift::new(1.0).expect("K = 1");
    for q_max in [10u64, 20] {
        group.bench_with_input(BenchmarkId::from_parameter(q_max), &q_max, |b, &q| {
            b.iter(|| tongues(&lift, q, &NoProgress).expect("edges"));
        });
    }
    group.finish();
}

fn windowed(c: &mut Criterion) {
    let control = ControlParams::quiet().generate(Seed(1)).expect("control");
    let params =
        SyncParams { surrogates: 19, ..SyncParams::default() }.check().expect("valid params");
    let mut group = c.benchmark_group("sync_analyse_10min");
    group.sample_size(10);
    group.bench_function("quiet_control_19_time_shift_surrogates", |b| {
        b.iter(|| {
            analyse(&control.beats, &control.resp, control.fs_hz, &params, Seed(2), &NoProgress)
                .expect("analysis")
        });
    });
    group.finish();
}

criterion_group!(benches, tongue_grid, nm_sync, edges, windowed);
criterion_main!(benches);
