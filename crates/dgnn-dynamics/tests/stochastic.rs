//! SDE integrators and ensembles against known results: strong orders on one refined Brownian
//! path (Kloeden & Platen 1992; Higham 2001, SIAM Rev 43:525; Rößler 2010), the exact
//! Ornstein–Uhlenbeck step, stationary HKB densities `∝ exp(−2V/Q)` (Schöner, Haken & Kelso
//! 1986), first-passage times with and without the Brownian-bridge correction (Gobet 2000),
//! thread-count independence, and the phase ensemble's choice between the SIMD and the general
//! path (documented streams, statistically equal results).

use dgnn_dynamics::ensemble::{
    Displacement, EnsembleKernel, EnsembleParams, FinalHistogram, FinalMoments, FirstPassage,
    Histogram, InitialState, MomentsOverTime, PathRecorder, PhaseEnsembleParams, PhaseStart,
    RunningMoments, run_ensemble, run_phase_ensemble,
};
use dgnn_dynamics::landscape::{Boundary, mean_first_passage_time, stationary_density};
use dgnn_dynamics::ode::FnField;
use dgnn_dynamics::sde::{
    AdditiveSde, BrownianPath, EulerMaruyama, Integrator, Milstein, NoiseKind, OrnsteinUhlenbeck,
    PhaseSde, Scheme, Sde, Sra1, StochasticHeun, integrate_along, simulate_path,
};
use dgnn_dynamics::simd::{HkbEnsembleParams, Precision, hkb_ensemble_snapshots};
use dgnn_dynamics::{
    DynamicsError, FourierPotential, Hkb, NoProgress, ParamGuard, Potential, Seed, TiltedHkb,
};
use rand_distr::{Distribution, StandardNormal};
use std::f64::consts::PI;

/// Geometric Brownian motion `dX = λX dt + μX dW` (Higham 2001: λ = 2, μ = 1, X0 = 1).
struct Gbm {
    lambda: f64,
    mu: f64,
}

impl Sde for Gbm {
    fn dim(&self) -> usize {
        1
    }
    fn noise(&self) -> NoiseKind {
        NoiseKind::Diagonal
    }
    fn drift(&self, _t: f64, x: &[f64], out: &mut [f64]) {
        out[0] = self.lambda * x[0];
    }
    fn diffusion(&self, _t: f64, x: &[f64], out: &mut [f64]) {
        out[0] = self.mu * x[0];
    }
    fn diffusion_derivative(&self, _t: f64, _x: &[f64], out: &mut [f64]) {
        out[0] = self.mu;
    }
}

/// A nonlinear additive-noise system: the tilted HKB phase SDE.
fn nonlinear_additive() -> PhaseSde<TiltedHkb> {
    PhaseSde::new(TiltedHkb::new(1.0, 0.5, 0.3).unwrap(), 0.5).unwrap()
}

/// Least-squares slope of log2(error) against log2(dt).
fn slope(points: &[(f64, f64)]) -> f64 {
    let n = points.len() as f64;
    let (sx, sy) = points.iter().fold((0.0, 0.0), |(a, b), (x, y)| (a + x.log2(), b + y.log2()));
    let (mx, my) = (sx / n, sy / n);
    let (num, den) = points.iter().fold((0.0, 0.0), |(a, b), (x, y)| {
        (a + (x.log2() - mx) * (y.log2() - my), b + (x.log2() - mx).powi(2))
    });
    num / den
}

/// Mean strong error E|X_h(T) − X_ref(T)| at each coarsening factor, over `paths` paths of
/// `fine_steps` fine steps on [0, 1].
fn strong_errors<S: Sde, I: Integrator>(
    sde: &S,
    scheme: &I,
    reference: impl Fn(&BrownianPath) -> f64,
    fine_steps: usize,
    factors: &[usize],
    paths: usize,
) -> Vec<(f64, f64)> {
    let mut rng = Seed(2024).stream("test/strong-order", &[]);
    let mut sums = vec![0.0; factors.len()];
    for _ in 0..paths {
        let fine = BrownianPath::sample(&mut rng, 1, 1.0 / fine_steps as f64, fine_steps);
        let exact = reference(&fine);
        for (sum, &f) in sums.iter_mut().zip(factors) {
            let coarse = fine.coarsen(f).unwrap();
            *sum += (integrate_along(sde, scheme, &[1.0], &coarse).unwrap()[0] - exact).abs();
        }
    }
    factors
        .iter()
        .zip(sums)
        .map(|(&f, s)| (f as f64 / fine_steps as f64, s / paths as f64))
        .collect()
}

// Strong orders (docs/science.md#sde-integrators): the slope of log error against log dt must lie
// within ±0.15 of the order. Dt from 2^-5 to 2^-10 (six levels) on 300 paths; the errors at all
// levels come from the same paths, so the slope's sampling error is a few hundredths (checked:
// 0.02–0.05).

/// The slope of the strong error on GBM (λ = 2, μ = 1, X0 = 1, T = 1) must be `order` ± 0.15.
/// Itô solution X_T = exp((λ − μ²/2)T + μW_T); Stratonovich X_T = exp(λT + μW_T).
fn assert_gbm_order<I: Integrator>(scheme: &I, stratonovich: bool, order: f64) {
    let gbm = Gbm { lambda: 2.0, mu: 1.0 };
    let drift = if stratonovich { 2.0 } else { 1.5 };
    let exact = |p: &BrownianPath| (drift + p.total()[0]).exp();
    let errs = strong_errors(&gbm, scheme, exact, 1 << 11, &[2, 4, 8, 16, 32, 64], 300);
    let s = slope(&errs);
    eprintln!("strong-order slope {s:.3}");
    assert!((s - order).abs() < 0.15, "{} slope {s}: {errs:?}", scheme.name());
    assert!((scheme.strong_order(NoiseKind::Diagonal) - order).abs() < 1e-15);
}

#[test]
fn euler_maruyama_has_strong_order_one_half_for_multiplicative_noise() {
    assert_gbm_order(&EulerMaruyama, false, 0.5);
}

#[test]
fn milstein_has_strong_order_one() {
    assert_gbm_order(&Milstein, false, 1.0);
}

#[test]
fn stochastic_heun_has_strong_order_one_to_the_stratonovich_solution() {
    assert_gbm_order(&StochasticHeun, true, 1.0);
}

#[test]
fn euler_maruyama_has_strong_order_one_for_additive_noise() {
    let sde = nonlinear_additive();
    // Reference: SRA1 on the finest path (2^-14; its error ~ (2^-14)^1.5 is 1e-3 of the finest
    // EM error compared).
    let exact = |p: &BrownianPath| integrate_along(&sde, &Sra1, &[1.0], p).unwrap()[0];
    let errs =
        strong_errors(&sde, &EulerMaruyama, exact, 1 << 14, &[16, 32, 64, 128, 256, 512], 300);
    let s = slope(&errs);
    eprintln!("strong-order slope {s:.3}");
    assert!((s - 1.0).abs() < 0.15, "EM additive slope {s}: {errs:?}");
}

#[test]
fn sra1_has_strong_order_three_halves_for_additive_noise() {
    // With Q = 0.5 the deterministic O(h²) error of the two drift stages dominates for
    // dt ≥ 2^-10 (pre-asymptotic slope ≈ 1.6–1.9); with Q = 2 the stochastic h^1.5 term does.
    // Reference at 2^-14: its error is (2^-4)^1.5 = 1/64 of the finest level compared (2^-10).
    let sde = PhaseSde::new(TiltedHkb::new(1.0, 0.5, 0.3).unwrap(), 2.0).unwrap();
    let exact = |p: &BrownianPath| integrate_along(&sde, &Sra1, &[1.0], p).unwrap()[0];
    let errs = strong_errors(&sde, &Sra1, exact, 1 << 14, &[16, 32, 64, 128, 256, 512], 300);
    let s = slope(&errs);
    eprintln!("strong-order slope {s:.3}");
    assert!((s - 1.5).abs() < 0.15, "SRA1 slope {s}: {errs:?}");
}

#[test]
fn coarsened_increments_have_the_exact_joint_law() {
    // ΔW ~ N(0, h), Var ΔZ = h³/3, Cov(ΔW, ΔZ) = h²/2 (Kloeden & Platen §10.4), for increments
    // summed from 8 fine ones. 20 000 samples: relative standard errors of the (co)variance
    // estimates ≈ sqrt(2/n) = 1%, tolerance 5%.
    let mut rng = Seed(5).stream("test/coarsen", &[]);
    let fine = BrownianPath::sample(&mut rng, 1, 0.01, 8 * 20_000);
    let coarse = fine.coarsen(8).unwrap();
    let h: f64 = 0.08;
    let n = coarse.steps() as f64;
    let (mut ww, mut zz, mut wz) = (0.0, 0.0, 0.0);
    for k in 0..coarse.steps() {
        let inc = coarse.step(k)[0];
        ww += inc.dw * inc.dw;
        zz += inc.dz * inc.dz;
        wz += inc.dw * inc.dz;
    }
    assert!((ww / n / h - 1.0).abs() < 0.05);
    assert!((zz / n / (h.powi(3) / 3.0) - 1.0).abs() < 0.05);
    assert!((wz / n / (h * h / 2.0) - 1.0).abs() < 0.05);
    assert!(fine.coarsen(7).is_err());
}

#[test]
fn ornstein_uhlenbeck_exact_step_and_stationary_variance() {
    // The exact step has mean μ + (x − μ)e^{−θh} and variance σ²(1 − e^{−2θh})/(2θ); iterated
    // with a large step it keeps the stationary variance σ²/(2θ) exactly, while Euler–Maruyama
    // at the same step converges to σ²/(2θ − θ²h) (the fixed point of v = (1 − θh)²v + σ²h).
    let ou = OrnsteinUhlenbeck::new(1.0, 0.5, 0.8).unwrap();
    let (h, n) = (0.5, 40_000);
    let mut rng = Seed(11).stream("test/ou", &[]);
    let (mut sum, mut sum_sq) = (0.0, 0.0);
    for _ in 0..n {
        let z: f64 = StandardNormal.sample(&mut rng);
        let x = ou.exact_step(2.0, h, z);
        sum += x;
        sum_sq += x * x;
    }
    let mean = sum / n as f64;
    let var = sum_sq / n as f64 - mean * mean;
    let want_mean = 0.5 + 1.5 * (-h).exp();
    let want_var = 0.64 * (1.0 - (-2.0 * h).exp()) / 2.0;
    // Standard errors: sqrt(var/n) ≈ 2.5e-3 for the mean, var·sqrt(2/n) ≈ 1.5e-3 for the
    // variance; tolerance 5 standard errors.
    assert!((mean - want_mean).abs() < 5.0 * (want_var / n as f64).sqrt());
    assert!((var - want_var).abs() < 5.0 * want_var * (2.0 / n as f64).sqrt());

    // A long chain of exact steps: the variance of the chain is σ²/(2θ) = 0.32. The chain is
    // AR(1) with ρ = e^{−θh} = 0.61, so the effective sample size is n(1 − ρ²)/(1 + ρ²) and
    // the variance estimate's standard error ≈ 0.32·sqrt(2(1 + ρ²)/((1 − ρ²)n)) ≈ 0.0038.
    let mut x = 0.5;
    let mut m = RunningMoments::default();
    for _ in 0..n {
        let z: f64 = StandardNormal.sample(&mut rng);
        x = ou.exact_step(x, h, z);
        m.push(x);
    }
    assert!((m.variance() - ou.stationary_variance()).abs() < 5.0 * 0.0038, "{}", m.variance());

    // Euler–Maruyama ensemble at the same large step: σ²/(2θ − θ²h) = 0.4267, distinct from
    // 0.32 by 28 standard errors (n = 20 000 trajectories, standard error 0.4267·sqrt(2/n)).
    let spec = EnsembleParams { trajectories: 20_000, steps: 40, dt: h }.check().unwrap();
    let moments = run_ensemble(
        &ou,
        &EulerMaruyama,
        &spec,
        &InitialState::Fixed(vec![0.5]).check().unwrap(),
        &FinalMoments { component: 0 },
        Seed(3),
        &NoProgress,
    )
    .unwrap();
    let em_var = 0.64 / (2.0 - 0.5);
    assert!((moments.variance() - em_var).abs() < 5.0 * em_var * (2.0 / 20_000.0f64).sqrt());
    assert!((moments.mean - 0.5).abs() < 5.0 * (em_var / 20_000.0f64).sqrt());
}

#[test]
fn ensemble_histogram_matches_the_stationary_density() {
    // Stationary HKB density p ∝ exp(−2V/Q) (a = 1, b = 0.5, Q = 0.5; W1's landscape). 2000
    // trajectories, 32 bins, t = 80: the slowest relaxation is the exchange between the wells,
    // dominated by escape from the shallow anti-phase well (Kramers rate ≈ 2 × 0.072 = 0.14 per
    // time unit), so the uniform start is forgotten to e^{−11}. EM's O(dt) density bias at
    // dt = 0.01 is ~1% per bin, far below the ~12% sampling error per bin. The L1 distance of
    // a perfect sampler has mean = the multinomial floor and a spread computed from the bin
    // probabilities: assert L1 < floor + 4·spread.
    let sde = PhaseSde::new(Hkb::new(1.0, 0.5).unwrap(), 0.5).unwrap();
    let spec = EnsembleParams { trajectories: 2000, steps: 8000, dt: 0.01 }.check().unwrap();
    let observer = FinalHistogram::phase(0, 32).unwrap();
    let initial = InitialState::Uniform { low: vec![-PI], high: vec![PI] }.check().unwrap();
    let hist = run_ensemble(&sde, &EulerMaruyama, &spec, &initial, &observer, Seed(1), &NoProgress)
        .unwrap();
    let exact =
        stationary_density(sde.potential(), 0.5, 32 * 64).unwrap().bin_averages(32).unwrap();
    let l1 = hist.l1_distance(&exact);
    let floor = hist.expected_l1_floor(&exact);
    let spread = hist.expected_l1_spread(&exact);
    assert_eq!(hist.total(), 2000);
    eprintln!("L1 {l1:.4} vs floor {floor:.4} ± {spread:.4}");
    assert!(l1 < floor + 4.0 * spread, "L1 {l1} vs floor {floor} ± {spread}");
    // A sampler with the wrong noise (Q twice too large) is caught by the same statistic.
    let wrong = PhaseSde::new(Hkb::new(1.0, 0.5).unwrap(), 1.0).unwrap();
    let bad =
        run_ensemble(&wrong, &EulerMaruyama, &spec, &initial, &observer, Seed(1), &NoProgress)
            .unwrap();
    assert!(bad.l1_distance(&exact) > floor + 8.0 * spread);
}

#[test]
fn first_passage_times_need_the_bridge_correction() {
    // HKB a = 1, b = 0 (U = −cos φ), Q = 0.5, from 0 to absorbing levels −1.2 and 1.0. Exact
    // MFPT by quadrature (5.822). Simulated with Euler–Maruyama at dt = 0.01 over 12 000
    // trajectories (standard error ≈ T/sqrt(n) ≈ 0.9%). With the bridge correction the bias is
    // O(dt) (Gobet 2000); measured with 20 000 trajectories it is −3.1%, −1.6%, −0.1%, +0.2% at
    // dt = 0.04, 0.02, 0.01, 0.005 (±0.65%), so at dt = 0.01 we allow 1% plus 4 standard errors.
    // Discrete monitoring alone misses crossings between steps, which shifts each level outward
    // by ≈ 0.5826·sqrt(Q·dt) = 0.041 (Broadie, Glasserman & Kou 1997) and lengthens the mean
    // exit time by well over 3%.
    let potential = Hkb::new(1.0, 0.0).unwrap();
    let q = 0.5;
    let exact = mean_first_passage_time(
        &potential,
        q,
        0.0,
        Boundary::Absorbing(-1.2),
        Boundary::Absorbing(1.0),
        4000,
    )
    .unwrap();
    let sde = PhaseSde::new(potential, q).unwrap();
    let spec = EnsembleParams { trajectories: 12_000, steps: 200_000, dt: 0.01 }.check().unwrap();
    let run = |observer: FirstPassage| {
        run_ensemble(
            &sde,
            &EulerMaruyama,
            &spec,
            &InitialState::Fixed(vec![0.0]).check().unwrap(),
            &observer,
            Seed(8),
            &NoProgress,
        )
        .unwrap()
    };
    let corrected = run(FirstPassage::bridged(&sde, 0, Some(-1.2), Some(1.0)).unwrap());
    let plain = run(FirstPassage::discrete(0, Some(-1.2), Some(1.0)).unwrap());
    assert!(corrected.survived_fraction() < 1e-9);
    let tolerance = 0.01 * exact + 4.0 * corrected.standard_error();
    assert!(
        (corrected.mean() - exact).abs() < tolerance,
        "bridge {} vs exact {exact}",
        corrected.mean()
    );
    let bias = plain.mean() / exact - 1.0;
    eprintln!(
        "MFPT exact {exact:.4}, bridge {:.4} ± {:.4}, plain {:.4} (bias {bias:.3})",
        corrected.mean(),
        corrected.standard_error(),
        plain.mean()
    );
    assert!(
        bias > 0.03 && plain.mean() - exact > 4.0 * plain.standard_error(),
        "plain bias {bias}"
    );
}

#[test]
fn the_bridge_correction_reads_the_noise_of_its_system() {
    // The bridge probability exp(−2(b − x₀)(b − x₁)/(g² dt)) needs the g² of the observed
    // system: a phase SDE gives its Q exactly, an additive system its σ_i², and state-dependent
    // noise (geometric Brownian motion) has no single g², so the bridged observer is refused.
    let phase = PhaseSde::new(Hkb::new(1.0, 0.5).unwrap(), 0.37).unwrap();
    assert_eq!(phase.additive_intensity(0), Some(0.37));
    assert_eq!(phase.additive_intensity(1), None);
    let flat = FnField::new(2, |_: f64, _: &[f64], d: &mut [f64]| d.fill(0.0));
    let additive = AdditiveSde::new(flat, vec![0.3, 0.7]).unwrap();
    assert!((additive.additive_intensity(1).unwrap() - 0.49).abs() < 1e-15);
    assert!(FirstPassage::bridged(&additive, 1, None, Some(1.0)).is_ok());
    let gbm = Gbm { lambda: 2.0, mu: 1.0 };
    assert_eq!(gbm.additive_intensity(0), None);
    let err = FirstPassage::bridged(&gbm, 0, None, Some(2.0)).unwrap_err();
    assert_eq!(err.field, "sde", "{err}");
    assert!(FirstPassage::discrete(0, None, Some(2.0)).is_ok());
}

#[test]
fn ensembles_are_bit_identical_for_1_2_and_8_threads() {
    // Blocks of trajectories carry their own streams and are merged in block order.
    let sde = PhaseSde::new(TiltedHkb::new(1.0, 0.7, 0.2).unwrap(), 0.4).unwrap();
    let spec = EnsembleParams { trajectories: 300, steps: 200, dt: 0.01 }.check().unwrap();
    let initial = InitialState::Uniform { low: vec![-PI], high: vec![PI] }.check().unwrap();
    let observer = (FinalMoments { component: 0 }, MomentsOverTime::new(0, 50, 200).unwrap());
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| {
            run_ensemble(&sde, &Scheme::Heun, &spec, &initial, &observer, Seed(77), &NoProgress)
                .unwrap()
        })
    };
    let one = run(1);
    for threads in [2, 8] {
        let other = run(threads);
        assert_eq!(one.0.mean.to_bits(), other.0.mean.to_bits());
        assert_eq!(one.0.m2.to_bits(), other.0.m2.to_bits());
        for (a, b) in one.1.iter().zip(&other.1) {
            assert_eq!(a.mean.to_bits(), b.mean.to_bits());
        }
    }
}

#[test]
fn paths_are_recorded_only_on_request_and_in_trajectory_order() {
    let sde = PhaseSde::new(Hkb::new(1.0, 0.5).unwrap(), 0.3).unwrap();
    let spec = EnsembleParams { trajectories: 130, steps: 10, dt: 0.1 }.check().unwrap();
    let paths = run_ensemble(
        &sde,
        &EulerMaruyama,
        &spec,
        &InitialState::Fixed(vec![0.25]).check().unwrap(),
        &PathRecorder::new(5).unwrap(),
        Seed(2),
        &NoProgress,
    )
    .unwrap();
    assert_eq!(paths.len(), 130);
    for p in &paths {
        assert_eq!(p.times.len(), 3);
        assert!((p.states[0][0] - 0.25).abs() < 1e-15);
    }
    // The same trajectory by `simulate_path` is a different stream, but has the same law; here
    // only check that it runs and records every 5th step.
    let mut rng = Seed(2).stream("test/path", &[]);
    let single = simulate_path(&sde, &EulerMaruyama, &[0.25], 0.1, 10, 5, &mut rng).unwrap();
    assert_eq!(single.times.len(), 3);
}

#[test]
fn bad_ensemble_inputs_are_typed_errors() {
    let field = |e: DynamicsError| match e {
        DynamicsError::Param(p) => p.field,
        other => panic!("{other}"),
    };
    assert!(EnsembleParams { trajectories: 0, steps: 1, dt: 0.1 }.check().is_err());
    assert!(EnsembleParams { trajectories: 1, steps: 0, dt: 0.1 }.check().is_err());
    assert!(EnsembleParams { trajectories: 1, steps: 1, dt: 0.0 }.check().is_err());
    assert!(EnsembleParams { trajectories: 1, steps: 1, dt: f64::NAN }.check().is_err());
    assert!(PhaseSde::new(Hkb::new(1.0, 1.0).unwrap(), -0.5).is_err());
    let sde = PhaseSde::new(Hkb::new(1.0, 1.0).unwrap(), 0.5).unwrap();
    let spec = EnsembleParams { trajectories: 1, steps: 1, dt: 0.1 }.check().unwrap();
    let err = run_ensemble(
        &sde,
        &EulerMaruyama,
        &spec,
        &InitialState::Fixed(vec![0.0, 1.0]).check().unwrap(),
        &FinalMoments { component: 0 },
        Seed(1),
        &NoProgress,
    )
    .unwrap_err();
    assert_eq!(field(err), "initial");
    // SRA1 refuses multiplicative noise.
    let gbm = Gbm { lambda: 1.0, mu: 1.0 };
    let err = run_ensemble(
        &gbm,
        &Sra1,
        &spec,
        &InitialState::Fixed(vec![1.0]).check().unwrap(),
        &FinalMoments { component: 0 },
        Seed(1),
        &NoProgress,
    )
    .unwrap_err();
    assert!(matches!(err, DynamicsError::SchemeNeedsAdditiveNoise { .. }));
    // A blow-up is reported, not hidden.
    let wild = Gbm { lambda: 800.0, mu: 1.0 };
    let spec = EnsembleParams { trajectories: 1, steps: 100_000, dt: 1.0 }.check().unwrap();
    let err = run_ensemble(
        &wild,
        &EulerMaruyama,
        &spec,
        &InitialState::Fixed(vec![1.0]).check().unwrap(),
        &FinalMoments { component: 0 },
        Seed(1),
        &NoProgress,
    )
    .unwrap_err();
    assert!(matches!(err, DynamicsError::NonFinite { .. }), "{err}");
}

/// Phase-ensemble settings with Euler–Maruyama from a uniform start.
fn phase_params(trajectories: usize, steps: usize, bins: usize) -> PhaseEnsembleParams {
    PhaseEnsembleParams {
        trajectories,
        steps,
        dt: 0.01,
        scheme: Scheme::EulerMaruyama,
        initial: PhaseStart::Uniform,
        bins,
        displacement_from_step: steps / 2,
        precision: Precision::F64,
    }
}

#[test]
fn the_phase_ensemble_takes_the_simd_kernel_exactly_where_it_applies() {
    // The SIMD kernel integrates (tilted) HKB by Euler–Maruyama from a uniform start; anything
    // else (another landscape, even the same one as a Fourier series, another scheme, a fixed
    // start) goes through the general path.
    let tilted = TiltedHkb::new(1.0, 0.5, 0.3).unwrap();
    let base = phase_params(70, 4, 8);
    let kernel = |potential: Box<dyn Potential>, params: PhaseEnsembleParams| {
        let sde = PhaseSde::new(potential, 0.5).unwrap();
        run_phase_ensemble(&sde, &params.check().unwrap(), Seed(2), &NoProgress).unwrap().kernel
    };
    let heun = PhaseEnsembleParams { scheme: Scheme::Heun, ..base };
    let fixed = PhaseEnsembleParams { initial: PhaseStart::Fixed(0.5), ..base };
    for (potential, params, want) in [
        (Box::new(Hkb::new(1.0, 0.5).unwrap()) as Box<dyn Potential>, base, EnsembleKernel::Simd),
        (Box::new(tilted), base, EnsembleKernel::Simd),
        (Box::new(FourierPotential::from_hkb(&tilted)), base, EnsembleKernel::General),
        (Box::new(tilted), heun, EnsembleKernel::General),
        (Box::new(tilted), fixed, EnsembleKernel::General),
    ] {
        assert_eq!(kernel(potential, params), want, "{params:?}");
    }
}

#[test]
fn each_path_of_the_phase_ensemble_draws_from_its_documented_streams() {
    // SIMD: the kernel's snapshots at `displacement_from_step` and the end, same seed. General:
    // `run_ensemble` with a wrapped phase histogram and a displacement, same seed. Bit for bit.
    let tilted = TiltedHkb::new(1.0, 0.5, 0.3).unwrap();
    let params = phase_params(130, 21, 16).check().unwrap();
    let sde = PhaseSde::new(tilted, 0.5).unwrap();
    let simd = run_phase_ensemble(&sde, &params, Seed(4), &NoProgress).unwrap();
    let kernel = HkbEnsembleParams {
        a: 1.0,
        b: 0.5,
        detuning: 0.3,
        q: 0.5,
        dt: 0.01,
        trajectories: 130,
        steps: 21,
    }
    .check()
    .unwrap();
    let phases =
        hkb_ensemble_snapshots(&kernel, Precision::F64, Seed(4), &[10, 21], &NoProgress).unwrap();
    let mut histogram = Histogram::new(-PI, PI, 16);
    let mut displacement = RunningMoments::default();
    for (end, from) in phases[1].iter().zip(&phases[0]) {
        histogram.add_wrapped(*end);
        displacement.push(end - from);
    }
    assert_eq!(simd.histogram, histogram);
    assert_eq!(simd.displacement.mean.to_bits(), displacement.mean.to_bits());
    assert_eq!(simd.displacement.m2.to_bits(), displacement.m2.to_bits());

    let fourier = PhaseSde::new(FourierPotential::from_hkb(&tilted), 0.5).unwrap();
    let general = run_phase_ensemble(&fourier, &params, Seed(4), &NoProgress).unwrap();
    let spec = EnsembleParams { trajectories: 130, steps: 21, dt: 0.01 }.check().unwrap();
    let initial = InitialState::Uniform { low: vec![-PI], high: vec![PI] }.check().unwrap();
    let observer =
        (FinalHistogram::phase(0, 16).unwrap(), Displacement { component: 0, from_step: 10 });
    let (histogram, displacement) =
        run_ensemble(&fourier, &EulerMaruyama, &spec, &initial, &observer, Seed(4), &NoProgress)
            .unwrap();
    assert_eq!(general.histogram, histogram);
    assert_eq!(general.displacement.mean.to_bits(), displacement.mean.to_bits());
    // Same seed, same law, different generators: not the same numbers.
    assert_ne!(simd.histogram, general.histogram);
}

#[test]
fn both_paths_of_the_phase_ensemble_sample_the_same_law() {
    // The tilted HKB (a = 1, b = 0.5, δω = 0.4, Q = 0.5) to t = 60 from a uniform start, 4000
    // trajectories, 32 bins, on the SIMD path (TiltedHkb) and the general path (the same
    // landscape as a Fourier series). Each histogram lies within floor + 4·spread of a perfect
    // sampler of the exact flux density (Risken 1989), and the two mean frequencies over the
    // second half, both Euler–Maruyama at dt = 0.01 (the same O(dt) bias), differ by less than
    // 4 standard errors of their difference.
    let tilted = TiltedHkb::new(1.0, 0.5, 0.4).unwrap();
    let params = phase_params(4000, 6000, 32).check().unwrap();
    let exact = stationary_density(&tilted, 0.5, 32 * 256).unwrap().bin_averages(32).unwrap();
    let simd =
        run_phase_ensemble(&PhaseSde::new(tilted, 0.5).unwrap(), &params, Seed(6), &NoProgress)
            .unwrap();
    let fourier = PhaseSde::new(FourierPotential::from_hkb(&tilted), 0.5).unwrap();
    let general = run_phase_ensemble(&fourier, &params, Seed(6), &NoProgress).unwrap();
    assert_eq!((simd.kernel, general.kernel), (EnsembleKernel::Simd, EnsembleKernel::General));
    for run in [&simd, &general] {
        let h = &run.histogram;
        let (l1, floor, spread) =
            (h.l1_distance(&exact), h.expected_l1_floor(&exact), h.expected_l1_spread(&exact));
        eprintln!("{:?}: L1 {l1:.4} vs floor {floor:.4} ± {spread:.4}", run.kernel);
        assert!(l1 < floor + 4.0 * spread, "{:?}: L1 {l1} vs {floor} ± {spread}", run.kernel);
    }
    let (a, b) = (&simd.displacement, &general.displacement);
    let se = a.standard_error().hypot(b.standard_error());
    eprintln!("displacement {:.4} vs {:.4} ± {se:.4}", a.mean, b.mean);
    assert!((a.mean - b.mean).abs() < 4.0 * se, "{} vs {} ± {se}", a.mean, b.mean);
}

#[test]
fn a_one_step_ensemble_measures_the_displacement_from_the_start_on_both_paths() {
    // With `displacement_from_step = 0` the displacement of one Euler–Maruyama step is
    // f(φ0)·dt + sqrt(Q·dt)·z, whose variance over the uniform start lies between Q·dt and
    // Q·dt + max f²·dt² (|f| ≤ |δω| + a + 2|b| = 2.3 here). 4000 trajectories estimate a
    // variance to a relative standard error sqrt(2/n) = 2.2%; allowed 5 of them. (The SIMD path
    // once measured φ(T) itself here, whose variance is π²/3.)
    let tilted = TiltedHkb::new(1.0, 0.5, 0.3).unwrap();
    let (q, dt) = (0.5, 0.01);
    let params = PhaseEnsembleParams { displacement_from_step: 0, ..phase_params(4000, 1, 8) };
    let slack = 5.0 * (2.0 / 4000.0f64).sqrt();
    let (low, high) = (q * dt * (1.0 - slack), q * dt * (1.0 + slack) + (2.3 * dt).powi(2));
    for potential in
        [Box::new(tilted) as Box<dyn Potential>, Box::new(FourierPotential::from_hkb(&tilted))]
    {
        let sde = PhaseSde::new(potential, q).unwrap();
        let run = run_phase_ensemble(&sde, &params.check().unwrap(), Seed(5), &NoProgress).unwrap();
        let variance = run.displacement.variance();
        assert!(
            (low..high).contains(&variance),
            "{:?}: {variance} not in [{low}, {high})",
            run.kernel
        );
    }
}
