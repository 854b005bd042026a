//! Explicit-scheme stability (issue 14): every scheme's stated limit is where its amplification
//! on `x′ = −λx` reaches 1 (Hairer & Wanner, *Solving ODEs II*, §IV.2), and a step beyond the
//! limit for the system — `dt · max |U″|` for a landscape, a Gershgorin bound for a network —
//! is refused before any work, naming `dt` with the numbers and a step that runs correctly.

use dgnn_dynamics::ensemble::{PhaseEnsembleParams, PhaseStart, run_phase_ensemble};
use dgnn_dynamics::network::{
    Coupling, NetworkRunParams, PairCoupling, PhaseNetwork, simulate_network,
};
use dgnn_dynamics::ode::RK4_STABILITY_LIMIT;
use dgnn_dynamics::sde::{
    EXPLICIT_STABILITY_LIMIT, EulerMaruyama, Integrator, Milstein, NoiseIncrement,
    OrnsteinUhlenbeck, PhaseSde, Scheme, SdeWorkspace, Sra1, StochasticHeun, check_step,
    simulate_path, suggested_step,
};
use dgnn_dynamics::simd::Precision;
use dgnn_dynamics::{DynamicsError, Hkb, NoProgress, ParamGuard, Seed};

/// One noise-free step of `scheme` on `x′ = −x` (OU with θ = 1, μ = 0, σ = 0) from 1: the
/// scheme's amplification factor at `z = −dt`.
fn amplification(scheme: &impl Integrator, dt: f64) -> f64 {
    let ou = OrnsteinUhlenbeck::new(1.0, 0.0, 0.0).unwrap();
    let mut x = [1.0];
    scheme.step(&ou, 0.0, &mut x, dt, &[NoiseIncrement::default()], &mut SdeWorkspace::new(1));
    x[0]
}

#[test]
fn each_schemes_limit_is_where_its_amplification_reaches_one() {
    // Euler: 1 − z; Heun and SRA1 (two-stage, second order): 1 − z + z²/2. At z = 2 both have
    // |R| = 1 (−1 and +1), beyond it |R| > 1: errors grow from step to step.
    let schemes: [(&str, &dyn Fn(f64) -> f64); 4] = [
        ("euler-maruyama", &|dt| amplification(&EulerMaruyama, dt)),
        ("milstein", &|dt| amplification(&Milstein, dt)),
        ("heun", &|dt| amplification(&StochasticHeun, dt)),
        ("sra1", &|dt| amplification(&Sra1, dt)),
    ];
    for (name, r) in schemes {
        let limit = EXPLICIT_STABILITY_LIMIT;
        assert!((r(limit).abs() - 1.0).abs() < 1e-12, "{name}: R(−2) = {}", r(limit));
        assert!(r(limit * 1.01).abs() > 1.0, "{name} is still stable beyond its limit");
        for k in 1..100 {
            let z = limit * f64::from(k) / 100.0;
            assert!(r(z).abs() < 1.0, "{name}: |R(−{z})| ≥ 1 inside its limit");
        }
    }
    for scheme in [Scheme::EulerMaruyama, Scheme::Milstein, Scheme::Heun, Scheme::Sra1] {
        assert_eq!(scheme.stability_limit(), Some(EXPLICIT_STABILITY_LIMIT), "{scheme:?}");
    }
    // RK4: R(z) = 1 − z + z²/2 − z³/6 + z⁴/24 equals 1 again at z ≈ 2.7853.
    let rk4 = |z: f64| 1.0 - z + z * z / 2.0 - z.powi(3) / 6.0 + z.powi(4) / 24.0;
    assert!((rk4(RK4_STABILITY_LIMIT) - 1.0).abs() < 1e-12);
    assert!(rk4(RK4_STABILITY_LIMIT * 1.001) > 1.0);
    let mut x = 1.0;
    x = dgnn_dynamics::ode::rk4_scalar(|_, x| -x, 0.0, x, RK4_STABILITY_LIMIT);
    assert!((x - 1.0).abs() < 1e-12, "{x}");
}

#[test]
fn a_stiff_landscape_with_a_large_step_is_refused_and_the_suggested_step_is_right() {
    // Issue 14: Hkb(a: 1e3) with dt = 0.01 reported a mean frequency of 17 where the exact
    // value is 0 (an untilted landscape has no drift on average). dt · max|U″| = 0.01 · 1000.
    let sde = PhaseSde::new(Hkb::new(1e3, 0.0).unwrap(), 0.5).unwrap();
    let params = |dt: f64| {
        PhaseEnsembleParams {
            trajectories: 512,
            steps: 2000,
            dt,
            scheme: Scheme::EulerMaruyama,
            initial: PhaseStart::Uniform,
            bins: 16,
            displacement_from_step: 1000,
            precision: Precision::F64,
        }
        .check()
        .unwrap()
    };
    let err = run_phase_ensemble(&sde, &params(0.01), Seed(1), &NoProgress).unwrap_err();
    let DynamicsError::Param(p) = &err else { panic!("{err}") };
    assert_eq!(p.field, "dt");
    let text = err.to_string();
    assert!(text.contains("1.0000e1 > 2"), "{text}");
    let suggested = suggested_step(1e3, EXPLICIT_STABILITY_LIMIT);
    assert!((suggested - 2e-4).abs() < 1e-18, "{suggested}");
    assert!(text.contains(&format!("dt ≤ {suggested:e}")), "{text}");
    // At the suggested step the mean frequency is 0 within its standard error (4.5 of them).
    let run = run_phase_ensemble(&sde, &params(suggested), Seed(1), &NoProgress).unwrap();
    let span = 1000.0 * suggested;
    let (mean, error) = (run.displacement.mean / span, run.displacement.standard_error() / span);
    assert!(mean.abs() <= 4.5 * error.max(1e-12), "{mean} ± {error}");
    // dt = 1e300 (issue 14) and a landscape whose curvature overflows are refused as well.
    assert!(run_phase_ensemble(&sde, &params(1e300), Seed(1), &NoProgress).is_err());
    let huge = PhaseSde::new(Hkb::new(1e308, 1e308).unwrap(), 0.5).unwrap();
    let err = run_phase_ensemble(&huge, &params(1e-3), Seed(1), &NoProgress).unwrap_err();
    assert!(err.to_string().contains("steepest slope"), "{err}");
    // A single path is checked the same way.
    let mut rng = Seed(1).stream("test", &[0]);
    let err = simulate_path(&sde, &Scheme::Heun, &[0.1], 0.01, 10, 1, &mut rng).unwrap_err();
    assert!(matches!(err, DynamicsError::Param(ref p) if p.field == "dt"), "{err}");
}

#[test]
fn check_step_accepts_the_limit_and_nothing_it_cannot_judge() {
    assert!(check_step(Some(100.0), Some(2.0), 0.02).is_ok());
    assert!(check_step(Some(100.0), Some(2.0), 0.0201).is_err());
    assert!(check_step(None, Some(2.0), 1e300).is_ok(), "no slope known: nothing checked");
    assert!(check_step(Some(1.0), None, 1e300).is_ok(), "no limit known: nothing checked");
    assert!(check_step(Some(f64::NAN), Some(2.0), 1e-9).is_err());
}

#[test]
fn a_network_step_beyond_the_coupling_limit_is_refused() {
    // Kuramoto mean field with K = 100: the drift's slope is at most 2K(N − 1)/N = 180 for
    // N = 10, so RK4 (noise-free) refuses dt = 0.02 (3.6 > 2.785) and accepts dt = 0.01.
    let network = PhaseNetwork::new(
        vec![0.0; 10],
        Coupling::MeanField { strength: 100.0 },
        PairCoupling::KURAMOTO,
        0.0,
    )
    .unwrap();
    let params = |dt: f64| {
        NetworkRunParams { dt, steps: 100, record_every: 10, scheme: Scheme::Heun }.check().unwrap()
    };
    let theta0: Vec<f64> = (0..10).map(|i| 0.3 * f64::from(i)).collect();
    let err = simulate_network(&network, &theta0, &params(0.02), Seed(1), &NoProgress).unwrap_err();
    assert!(matches!(err, DynamicsError::Param(ref p) if p.field == "dt"), "{err}");
    let run = simulate_network(&network, &theta0, &params(0.01), Seed(1), &NoProgress).unwrap();
    // Identical units with strong attractive coupling synchronise: r → 1.
    assert!(run.r.last().unwrap() > &0.999, "{:?}", run.r.last());
}
