//! NSGA-II on the ZDT problems against their true fronts (hypervolume at pymoo's budget).

use dgnn_evo::{
    Executor, Nsga2, Nsga2Config, ParamGuard, RealVariation, Seed, Zdt, ZdtKind, hypervolume,
};

/// Runs NSGA-II with the W4 settings (pop 100, 250 generations = 25 000 evaluations, pymoo
/// default operators) for seeds 1, 2 and 3 (so that one lucky seed cannot pass) and checks
/// that each final front's hypervolume against (1.1, 1.1) lies in `[threshold, truth)`.
fn assert_w4_reaches(kind: ZdtKind, threshold: f64, truth: f64) {
    let problem = Zdt::new(kind, 30).unwrap();
    let variation = RealVariation::with_defaults(problem.bounds().clone());
    let config = Nsga2Config { reference_point: Some(vec![1.1, 1.1]), ..Nsga2Config::default() }
        .check()
        .unwrap();
    for seed in [1, 2, 3] {
        let nsga2 = Nsga2::new(&variation, config.clone());
        let outcome = Executor::new(&problem, nsga2, Seed(seed)).unwrap().run().unwrap();
        let hv = outcome.hypervolume().unwrap();
        assert!(outcome.state.evaluations <= 25_000);
        assert!((threshold..truth).contains(&hv), "{kind:?} seed {seed}: {hv}");
    }
}

/// ∫₀¹ f by composite Simpson with `n` (even) panels.
fn simpson(f: impl Fn(f64) -> f64, n: usize) -> f64 {
    let h = 1.0 / n as f64;
    let inner: f64 = (1..n).map(|i| if i % 2 == 1 { 4.0 } else { 2.0 } * f(i as f64 * h)).sum();
    (f(0.0) + inner + f(1.0)) * h / 3.0
}

/// The true-front hypervolumes quoted in docs/science.md#evolutionary-search, verified two
/// independent ways:
/// (a) quadrature: HV = 1.1·1.1 − ∫₀¹ f₂(f₁) df₁ − (dominated nothing beyond f₁ = 1), i.e.
///     1.21 − ∫₀¹ (1 − √x) dx for ZDT1 and 1.21 − ∫₀¹ (1 − x²) dx for ZDT2. Simpson is exact
///     for the cubic-or-lower ZDT2 integrand; for ZDT1 we substitute x = t² (dx = 2t dt), so
///     the integrand 2t(1 − t) is a polynomial and Simpson is exact again.
/// (b) the hypervolume code on 100 001 points of the front: the staircase misses at most the
///     area between the curve and its steps, ≤ (1/100 000)·(f₂(0) − f₂(1)) = 1e-5.
#[test]
fn true_front_hypervolumes_by_quadrature_and_sampling() {
    let zdt1 = 1.21 - simpson(|t| 2.0 * t * (1.0 - t), 1000);
    let zdt2 = 1.21 - simpson(|x| 1.0 - x * x, 1000);
    assert!((zdt1 - 0.876_666_666_666).abs() < 1e-9, "{zdt1}");
    assert!((zdt2 - 0.543_333_333_333).abs() < 1e-9, "{zdt2}");
    let n = 100_000;
    let sampled = |front: fn(f64) -> f64| {
        let points: Vec<[f64; 2]> =
            (0..=n).map(|i| i as f64 / n as f64).map(|x| [x, front(x)]).collect();
        hypervolume(&points, &[1.1, 1.1]).unwrap()
    };
    let hv1 = sampled(|x| 1.0 - x.sqrt());
    let hv2 = sampled(|x| 1.0 - x * x);
    assert!(hv1 <= zdt1 && zdt1 - hv1 < 1e-5, "{hv1}");
    assert!(hv2 <= zdt2 && zdt2 - hv2 < 1e-5, "{hv2}");
}

/// Issue 5: NSGA-II on ZDT1 reaches hypervolume ≥ 0.865 (true front 0.876667; pymoo reaches
/// 0.8697) in 25 000 evaluations.
#[test]
fn zdt1_reaches_the_published_hypervolume() {
    assert_w4_reaches(ZdtKind::Zdt1, 0.865, 1.21 - 1.0 / 3.0);
}

/// Issue 5: NSGA-II on ZDT2 (concave front, true hypervolume 0.543333) reaches ≥ 0.535.
#[test]
fn zdt2_reaches_the_published_hypervolume() {
    assert_w4_reaches(ZdtKind::Zdt2, 0.535, 1.21 - 2.0 / 3.0);
}
