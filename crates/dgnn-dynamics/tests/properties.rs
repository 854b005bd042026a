//! Invariants over random inputs (proptest): derivatives against finite differences, the
//! landscape never rises along the noiseless flow, fixed points alternate in stability, thread
//! count never changes an ensemble, and bad parameters are always rejected.

use dgnn_core::{NoProgress, Seed};
use dgnn_dynamics::ensemble::{EnsembleParams, FinalHistogram, InitialState, run_ensemble};
use dgnn_dynamics::landscape::{Stability, fixed_points};
use dgnn_dynamics::ode::rk4_scalar;
use dgnn_dynamics::sde::{EulerMaruyama, PhaseSde};
use dgnn_dynamics::{FourierPotential, Hkb, Potential, TiltedHkb};
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
        let initial = InitialState::Uniform { low: vec![-3.0], high: vec![3.0] };
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
