//! Invariants over random inputs (proptest): derivatives against finite differences, the
//! landscape never rises along the noiseless flow, fixed points alternate in stability, thread
//! count never changes an ensemble, bad parameters are always rejected, dimensions and observed
//! components are checked before any work, and the dense coupling sum equals its definition.

use dgnn_dynamics::ensemble::{
    Displacement, EnsembleParams, FinalHistogram, FinalMoments, FirstPassage, InitialState,
    MomentsOverTime, Observer, run_ensemble,
};
use dgnn_dynamics::landscape::{Stability, fixed_points};
use dgnn_dynamics::network::{Coupling, PairCoupling, PhaseNetwork};
use dgnn_dynamics::ode::{FnField, VectorField, integrate_rk4, rk4_scalar};
use dgnn_dynamics::sde::{
    AdditiveSde, BrownianPath, EulerMaruyama, PhaseSde, Sde, integrate_along, simulate_path,
};
use dgnn_dynamics::{
    DynamicsError, FourierPotential, Hkb, NoProgress, ParamGuard, Potential, Seed, TiltedHkb,
};
use proptest::prelude::*;

fn fourier() -> impl Strategy<Value = FourierPotential> {
    (
        proptest::collection::vec(-2.0f64..2.0, 0..5),
        proptest::collection::vec(-2.0f64..2.0, 0..5),
        -1.0f64..1.0,
    )
        .prop_map(|(c, s, t)| FourierPotential::new(c, s, t).unwrap())
}

/// Central differences with step 1e-5: truncation error h²|f‴|/6 ≤ 1e-10·(Σ k³|c_k|) and
/// rounding ε|f|/h ≈ 1e-11·|f|, so 1e-6 (relative to the coefficient scale) is safe.
fn check_derivatives(p: &impl Potential, phi: f64, scale: f64) -> Result<(), TestCaseError> {
    let h = 1e-5;
    let d1 = (p.value(phi + h) - p.value(phi - h)) / (2.0 * h);
    let d2 = (p.derivative(phi + h) - p.derivative(phi - h)) / (2.0 * h);
    prop_assert!((d1 - p.derivative(phi)).abs() < 1e-6 * scale, "U′ {d1} vs {}", p.derivative(phi));
    prop_assert!((d2 - p.second_derivative(phi)).abs() < 1e-6 * scale);
    // Tilt contract: U(φ + 2π) = U(φ) − 2π·tilt, U′ periodic.
    let tau = std::f64::consts::TAU;
    prop_assert!((p.value(phi + tau) - p.value(phi) + tau * p.tilt()).abs() < 1e-9 * scale);
    prop_assert!((p.derivative(phi + tau) - p.derivative(phi)).abs() < 1e-9 * scale);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn derivatives_match_finite_differences(
        a in -3.0f64..3.0, b in -3.0f64..3.0, dw in -2.0f64..2.0,
        phi in -10.0f64..10.0, f in fourier(),
    ) {
        check_derivatives(&Hkb::new(a, b).unwrap(), phi, 10.0)?;
        check_derivatives(&TiltedHkb::new(a, b, dw).unwrap(), phi, 10.0)?;
        check_derivatives(&f, phi, 100.0)?;
        // The Fourier form of HKB is the same function.
        let t = TiltedHkb::new(a, b, dw).unwrap();
        let as_series = FourierPotential::from_hkb(&t);
        prop_assert!((as_series.value(phi) - t.value(phi)).abs() < 1e-12 * (1.0 + phi.abs()));
    }

    #[test]
    fn the_landscape_never_rises_along_the_noiseless_flow(
        f in fourier(), phi0 in -3.0f64..3.0,
    ) {
        // dU/dt = U′·φ̇ = −U′² ≤ 0. RK4 with dt = 1e-3 changes U per step by −U′²dt + O(dt⁵),
        // so allow a rise of at most 1e-12 per step (rounding).
        let mut phi = phi0;
        let mut u = f.value(phi);
        for k in 0..2000 {
            phi = rk4_scalar(|_, x| f.drift(x), k as f64 * 1e-3, phi, 1e-3);
            let next = f.value(phi);
            prop_assert!(next <= u + 1e-12 * (1.0 + u.abs()), "U rose from {u} to {next}");
            u = next;
        }
    }

    #[test]
    fn fixed_points_are_roots_and_alternate_in_stability(
        a in 0.1f64..3.0, b in 0.0f64..3.0, dw in -1.0f64..1.0,
    ) {
        let p = TiltedHkb::new(a, b, dw).unwrap();
        let fps = fixed_points(&p);
        for f in &fps {
            prop_assert!(p.derivative(f.phase_rad).abs() < 1e-9 * (a + 2.0 * b + dw.abs()));
            match f.stability {
                Stability::Stable => prop_assert!(f.curvature >= -1e-9),
                Stability::Unstable => prop_assert!(f.curvature <= 1e-9),
                Stability::HalfStable => {}
            }
        }
        // On the circle, simple roots alternate: as many attractors as repellers, in turn.
        let simple: Vec<_> = fps.iter().filter(|f| f.stability != Stability::HalfStable).collect();
        let stable = simple.iter().filter(|f| f.stability == Stability::Stable).count();
        prop_assert_eq!(2 * stable, simple.len());
        for pair in simple.windows(2) {
            prop_assert_ne!(pair[0].stability, pair[1].stability);
        }
    }

    #[test]
    fn bad_parameters_are_rejected(
        bad in prop_oneof![Just(f64::NAN), Just(f64::INFINITY), Just(f64::NEG_INFINITY)],
        negative in -10.0f64..-1e-12,
    ) {
        prop_assert!(Hkb::new(bad, 1.0).is_err());
        prop_assert!(Hkb::new(1.0, bad).is_err());
        prop_assert!(TiltedHkb::new(1.0, 1.0, bad).is_err());
        prop_assert!(FourierPotential::new(vec![1.0, bad], vec![], 0.0).is_err());
        prop_assert!(PhaseSde::new(Hkb::new(1.0, 1.0).unwrap(), negative).is_err());
        prop_assert!(PhaseSde::new(Hkb::new(1.0, 1.0).unwrap(), bad).is_err());
        let sizes = |dt| EnsembleParams { trajectories: 1, steps: 1, dt };
        prop_assert!(sizes(negative).check().is_err());
        prop_assert!(sizes(bad).check().is_err());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(6))]

    #[test]
    fn ensembles_do_not_depend_on_the_thread_count(
        seed in any::<u64>(), trajectories in 1usize..300, steps in 1usize..60,
    ) {
        let sde = PhaseSde::new(TiltedHkb::new(1.0, 0.6, 0.3).unwrap(), 0.5).unwrap();
        let spec = EnsembleParams { trajectories, steps, dt: 0.02 }.check().unwrap();
        let initial = InitialState::Uniform { low: vec![-3.0], high: vec![3.0] }.check().unwrap();
        let observer = FinalHistogram::phase(0, 16).unwrap();
        let run = |threads: usize| {
            rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap().install(|| {
                run_ensemble(&sde, &EulerMaruyama, &spec, &initial, &observer, Seed(seed), &NoProgress)
                    .unwrap()
            })
        };
        let one = run(1);
        prop_assert_eq!(&one, &run(2));
        prop_assert_eq!(&one, &run(8));
    }
}

/// A `dim`-dimensional SDE with zero drift and additive noise.
fn flat_sde(dim: usize) -> AdditiveSde<impl VectorField> {
    AdditiveSde::new(
        FnField::new(dim, |_: f64, _: &[f64], d: &mut [f64]| d.fill(0.0)),
        vec![0.3; dim],
    )
    .unwrap()
}

/// The field a parameter error names (panics on any other error: the test then fails).
fn field_of(err: DynamicsError) -> String {
    match err {
        DynamicsError::Param(p) => p.field,
        other => panic!("not a parameter error: {other}"),
    }
}

/// Runs a one-trajectory ensemble of `sde` from the origin with `observer`.
fn run_one<S: Sde, O: Observer>(sde: &S, observer: &O) -> Result<O::Summary, DynamicsError> {
    let spec = EnsembleParams { trajectories: 1, steps: 3, dt: 0.1 }.check().unwrap();
    let initial = InitialState::Fixed(vec![0.0; sde.dim()]).check().unwrap();
    run_ensemble(sde, &EulerMaruyama, &spec, &initial, observer, Seed(1), &NoProgress)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_start_of_the_wrong_dimension_is_rejected(dim in 1usize..5, len in 0usize..7) {
        // Without the check the integrators index past the noise of the path (a panic) or
        // integrate a state the system does not have.
        prop_assume!(len != dim);
        let sde = flat_sde(dim);
        let x0 = vec![0.1; len];
        let mut rng = Seed(3).stream("test/dimensions", &[]);
        let path = BrownianPath::sample(&mut rng, dim, 0.01, 4);
        prop_assert_eq!(field_of(integrate_along(&sde, &EulerMaruyama, &x0, &path).unwrap_err()), "x0");
        let single = simulate_path(&sde, &EulerMaruyama, &x0, 0.01, 4, 1, &mut rng);
        prop_assert_eq!(field_of(single.unwrap_err()), "x0");
        let spec = EnsembleParams { trajectories: 2, steps: 2, dt: 0.01 }.check().unwrap();
        let initial = InitialState::Fixed(x0.clone()).check().unwrap();
        let observer = FinalMoments { component: 0 };
        let ensemble =
            run_ensemble(&sde, &EulerMaruyama, &spec, &initial, &observer, Seed(1), &NoProgress);
        prop_assert_eq!(field_of(ensemble.unwrap_err()), "initial");
        // A Brownian path of the wrong dimension, with a good start.
        let other = BrownianPath::sample(&mut rng, len, 0.01, 4);
        let along = integrate_along(&sde, &EulerMaruyama, &vec![0.1; dim], &other);
        prop_assert_eq!(field_of(along.unwrap_err()), "path");
        // The deterministic integrator checks its start too.
        let field = FnField::new(dim, |_: f64, _: &[f64], d: &mut [f64]| d.fill(1.0));
        prop_assert_eq!(integrate_rk4(&field, 0.0, &x0, 0.1, 3, 1).unwrap_err().field, "x0");
        // The right dimensions pass.
        prop_assert!(integrate_along(&sde, &EulerMaruyama, &vec![0.1; dim], &path).is_ok());
        prop_assert!(integrate_rk4(&field, 0.0, &vec![0.1; dim], 0.1, 3, 1).is_ok());
    }

    #[test]
    fn an_observed_component_outside_the_system_is_rejected(
        dim in 1usize..5, component in 0usize..8,
    ) {
        // Without the check `finish`/`observe` index past the state (a panic inside a worker).
        let sde = flat_sde(dim);
        let fits = component < dim;
        let verdict = |result: Result<(), DynamicsError>, field: &str| match result {
            Ok(()) => fits,
            Err(e) => !fits && field_of(e) == field,
        };
        let histogram = FinalHistogram::phase(component, 8).unwrap();
        prop_assert!(verdict(run_one(&sde, &histogram).map(drop), "observer.component"));
        let moments = FinalMoments { component };
        prop_assert!(verdict(run_one(&sde, &moments).map(drop), "observer.component"));
        let over_time = MomentsOverTime::new(component, 1, 3).unwrap();
        prop_assert!(verdict(run_one(&sde, &over_time).map(drop), "observer.component"));
        let passage = FirstPassage::discrete(component, Some(-1.0), Some(1.0)).unwrap();
        prop_assert!(verdict(run_one(&sde, &passage).map(drop), "observer.component"));
        // The bridged observer reads its noise from the system, so it checks the component
        // when it is built.
        match FirstPassage::bridged(&sde, component, Some(-1.0), Some(1.0)) {
            Ok(bridged) => prop_assert!(fits && run_one(&sde, &bridged).is_ok()),
            Err(e) => prop_assert!(!fits && e.field == "component", "{e}"),
        }
        // In a pair, the error names which observer.
        let pair = (FinalMoments { component: 0 }, Displacement { component, from_step: 1 });
        prop_assert!(verdict(run_one(&sde, &pair).map(drop), "observer.1.component"));
    }

    #[test]
    fn the_dense_coupling_sum_equals_its_definition(
        n in 1usize..40, a in -2.0f64..2.0, b in -2.0f64..2.0, seed in any::<u64>(),
    ) {
        // f_i = ω_i + Σ_j W_ij (a sin Δ + 2b sin 2Δ), Δ = θ_j − θ_i, summed directly; the kernel
        // sums groups of eight in SIMD lanes and the rest one by one (any n, any remainder).
        // Each of the n terms is at most 3(|a| + 2|b|) in size, rounded to ~1e-16 relative.
        use rand::RngExt;
        let mut rng = Seed(seed).stream("test/dense", &[]);
        let mut uniform = |scale: f64| scale * (2.0 * rng.random::<f64>() - 1.0);
        let omega: Vec<f64> = (0..n).map(|_| uniform(1.0)).collect();
        let weights: Vec<f64> = (0..n * n).map(|_| uniform(3.0)).collect();
        let theta: Vec<f64> = (0..n).map(|_| uniform(4.0)).collect();
        let net = PhaseNetwork::new(
            omega.clone(), Coupling::Matrix(weights.clone()), PairCoupling { a, b }, 0.0,
        )
        .unwrap();
        let mut drift = vec![0.0; n];
        net.eval(0.0, &theta, &mut drift);
        for i in 0..n {
            let direct = omega[i]
                + (0..n)
                    .map(|j| {
                        let d = theta[j] - theta[i];
                        weights[i * n + j] * (a * d.sin() + 2.0 * b * (2.0 * d).sin())
                    })
                    .sum::<f64>();
            let tolerance = 1e-13 * n as f64 * 3.0 * (a.abs() + 2.0 * b.abs() + 1.0);
            prop_assert!((drift[i] - direct).abs() < tolerance, "{} vs {direct}", drift[i]);
        }
    }
}

#[test]
fn bad_starts_and_record_intervals_are_rejected_by_name() {
    let field = |e: dgnn_dynamics::ParamError| e.field;
    let uneven = InitialState::Uniform { low: vec![0.0, 0.0], high: vec![1.0] };
    assert_eq!(field(uneven.check().unwrap_err()), "initial.high");
    let crossed = InitialState::Uniform { low: vec![2.0], high: vec![1.0] };
    assert_eq!(field(crossed.check().unwrap_err()), "initial.low[0]");
    let infinite = InitialState::Fixed(vec![0.0, f64::INFINITY]);
    assert_eq!(field(infinite.check().unwrap_err()), "initial[1]");
    assert_eq!(field(dgnn_dynamics::ensemble::PathRecorder::new(0).unwrap_err()), "every");
    // `record_every = 0` used to be taken as 1 silently.
    let sde = flat_sde(1);
    let mut rng = Seed(1).stream("test/record", &[]);
    let err = simulate_path(&sde, &EulerMaruyama, &[0.0], 0.1, 4, 0, &mut rng).unwrap_err();
    assert_eq!(field_of(err), "record_every");
    let flat = FnField::new(1, |_: f64, _: &[f64], d: &mut [f64]| d.fill(0.0));
    assert_eq!(field(integrate_rk4(&flat, 0.0, &[0.0], 0.1, 4, 0).unwrap_err()), "record_every");
    assert_eq!(
        field_of(
            simulate_path(&sde, &EulerMaruyama, &[f64::NAN], 0.1, 4, 1, &mut rng).unwrap_err()
        ),
        "x0[0]"
    );
}
