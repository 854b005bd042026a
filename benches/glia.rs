//! Criterion benches of dgnn-glia: training one W7 fold (WDBC, tanh, Adam, batch 32) over hidden
//! sizes, the same with the astrocyte rule and with phase gates (what the search pays for the
//! extra genes), and evaluation with its energy account.
//!
//! Data and architectures are built outside the timed loop from fixed seeds; sizes are in the
//! `BenchmarkId`; throughput is in sample-epochs.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use dgnn_glia::{
    Architecture, AstrocyteRule, BiologicalEnergy, Dataset, NoProgress, ParamGuard, PhaseLayer,
    Seed, TrainConfig, stratified_k_fold, train,
};
use std::hint::black_box;

fn fold() -> (Dataset, Dataset) {
    let data = Dataset::builtin("wdbc").expect("bundled data");
    let split = stratified_k_fold(data.labels(), 5, Seed(0)).expect("5 folds")[0].clone();
    (data.subset(&split.train), data.subset(&split.test))
}

fn training(c: &mut Criterion) {
    let (train_set, _) = fold();
    let epochs = 20;
    let config = TrainConfig { epochs, ..TrainConfig::default() }.check().expect("valid");
    let mut group = c.benchmark_group("train_wdbc_fold");
    group.sample_size(10);
    group.throughput(Throughput::Elements((train_set.len() * epochs) as u64));
    for hidden in [8, 16, 32, 64] {
        let variants = [
            ("plain", Architecture::plain(&[hidden])),
            (
                "astrocytes_k6",
                Architecture {
                    astrocytes: Some(AstrocyteRule::default()),
                    ..Architecture::plain(&[hidden])
                },
            ),
            (
                "phase_gates",
                Architecture {
                    phase: Some(PhaseLayer::default()),
                    ..Architecture::plain(&[hidden])
                },
            ),
        ];
        for (name, arch) in variants {
            let arch = arch.check().expect("valid");
            group.bench_with_input(BenchmarkId::new(name, hidden), &arch, |b, a| {
                b.iter(|| train(black_box(a), &train_set, &config, Seed(1), &NoProgress));
            });
        }
    }
    group.finish();
}

fn evaluation(c: &mut Criterion) {
    let (train_set, test_set) = fold();
    let config = TrainConfig { epochs: 5, ..TrainConfig::default() }.check().expect("valid");
    let energy = BiologicalEnergy::default().check().expect("valid");
    let mut group = c.benchmark_group("evaluate_wdbc_fold");
    group.throughput(Throughput::Elements(test_set.len() as u64));
    for hidden in [16, 64] {
        let arch = Architecture::plain(&[hidden]).check().expect("valid");
        let net = train(&arch, &train_set, &config, Seed(1), &NoProgress).expect("trains");
        group.bench_with_input(BenchmarkId::new("biological", hidden), &net, |b, n| {
            b.iter(|| n.evaluate(black_box(&test_set), &energy));
        });
    }
    group.finish();
}

criterion_group!(benches, training, evaluation);
criterion_main!(benches);
