//! Phase networks and the SIMD fast paths against theory: Kuramoto `r = sqrt(1 − 2Δ/K)` for
//! Lorentzian frequencies (Kuramoto 1975; Ott & Antonsen 2008), the incoherent finite-N floor
//! `E[r] ≈ sqrt(π/(4N))`, the two-unit reduction to the HKB equation, mean field = dense matrix,
//! the fast HKB ensemble against the exact density, and thread-count independence.

use dgnn_dynamics::ensemble::Histogram;
use dgnn_dynamics::landscape::stationary_density;
use dgnn_dynamics::network::{
    Coupling, NetworkRunParams, PairCoupling, PhaseNetwork, lorentzian_quantiles, order_parameter,
    simulate_network, wrapped_normal_phases,
};
use dgnn_dynamics::ode::{VectorField, integrate_rk4, rk4_scalar};
use dgnn_dynamics::plasticity::{
    HysteresisParams, HysteresisRun, PlasticNetwork, StdpRule, StructuralRule, coupling_hysteresis,
};
use dgnn_dynamics::sde::Scheme;
use dgnn_dynamics::simd::{
    HkbEnsembleParams, KuramotoParams, Precision, hkb_ensemble_final_phases, kuramoto_mean_field,
};
use dgnn_dynamics::{DynamicsError, Hkb, NoProgress, ParamGuard, Seed};
use rand::RngExt;
use std::f64::consts::{PI, TAU};

fn uniform_phases(n: usize, seed: u64) -> Vec<f64> {
    let mut rng = Seed(seed).stream("test/phases", &[]);
    (0..n).map(|_| TAU * rng.random::<f64>()).collect()
}

#[test]
fn kuramoto_r_of_k_follows_ott_antonsen_for_lorentzian_frequencies() {
    // r = sqrt(1 − K_c/K), K_c = 2γ (Ott & Antonsen 2008). N = 2000 deterministic Lorentzian
    // quantiles (W3), RK4 dt = 0.05, 2000 steps, r averaged over the last 500. The quantile
    // sample's finite-N error in r is O(1/N) away from K_c; the numpy peer reports max error
    // 6e-4 for K > 1.2 K_c. Allowed 2e-3 (three times the peer's error).
    let n = 2000;
    let params = KuramotoParams {
        omega: lorentzian_quantiles(n, 0.0, 0.5),
        theta0: uniform_phases(n, 1),
        couplings: vec![1.5, 2.0, 2.5, 3.0],
        dt: 0.05,
        steps: 2000,
        average: 500,
    }
    .check()
    .unwrap();
    for point in kuramoto_mean_field(&params, &NoProgress) {
        let theory = (1.0 - 1.0 / point.k).sqrt();
        assert!(
            (point.r_mean - theory).abs() < 2e-3,
            "K={}: r={} vs {theory}",
            point.k,
            point.r_mean
        );
        assert_eq!(point.r_series.len(), 2000);
    }
}

#[test]
fn incoherent_population_sits_at_the_finite_n_floor() {
    // Below K_c (here K = 0) phases stay incoherent: r of N independent uniform phases is
    // Rayleigh with E[r] = sqrt(π/(4N)). Averaging r over the last 500 of 2000 steps of free
    // rotation with Lorentzian quantile frequencies gives one sample of the time average; over
    // 40 independent initial conditions the mean must match sqrt(π/(4N)) = 0.0280 (N = 1000)
    // within 4 standard errors (Rayleigh sd = sqrt((4 − π)/(4N)) = 0.0146 per sample, reduced
    // by time averaging; we use the conservative per-sample value: 4·0.0146/sqrt(40) = 0.0093).
    let n = 1000;
    let omega = lorentzian_quantiles(n, 0.0, 0.5);
    let mut total = 0.0;
    let runs = 40;
    for run in 0..runs {
        let params = KuramotoParams {
            omega: omega.clone(),
            theta0: uniform_phases(n, 100 + run),
            couplings: vec![0.0],
            dt: 0.05,
            steps: 2000,
            average: 500,
        }
        .check()
        .unwrap();
        total += kuramoto_mean_field(&params, &NoProgress)[0].r_mean;
    }
    let mean = total / runs as f64;
    let floor = (PI / (4.0 * n as f64)).sqrt();
    assert!((mean - floor).abs() < 0.0093, "mean r {mean} vs floor {floor}");
}

#[test]
fn fast_kuramoto_equals_the_general_network_rk4() {
    // The SIMD mean-field path and PhaseNetwork (MeanField coupling, RK4) integrate the same
    // equations; they differ only by rounding (different summation order and sin_cos), so after
    // 200 steps the phases agree to 1e-9 and r to 1e-10. N = 100 is not a multiple of 8, which
    // exercises the lane mask.
    let n = 100;
    let omega = lorentzian_quantiles(n, 0.2, 0.5);
    let theta0 = uniform_phases(n, 9);
    let k = 1.7;
    let params = KuramotoParams {
        omega: omega.clone(),
        theta0: theta0.clone(),
        couplings: vec![k],
        dt: 0.05,
        steps: 200,
        average: 1,
    }
    .check()
    .unwrap();
    let fast = &kuramoto_mean_field(&params, &NoProgress)[0];
    let net =
        PhaseNetwork::new(omega, Coupling::MeanField { strength: k }, PairCoupling::KURAMOTO, 0.0)
            .unwrap();
    let states = integrate_rk4(&net, 0.0, &theta0, 0.05, 200, 1).unwrap();
    for (step, state) in states.iter().enumerate().skip(1) {
        let (r, _) = order_parameter(state);
        assert!((r - fast.r_series[step - 1]).abs() < 1e-10, "step {step}");
    }
}

#[test]
fn mean_field_equals_the_uniform_dense_matrix_with_hkb_coupling() {
    // Σ_j (K/N) H(θ_j − θ_i) through Z_1 and Z_2 equals the explicit O(N²) sum (rounding only).
    let n = 37;
    let omega = lorentzian_quantiles(n, 0.0, 0.3);
    let theta = uniform_phases(n, 4);
    let pair = PairCoupling { a: 0.8, b: 0.6 };
    let k = 1.3;
    let mf =
        PhaseNetwork::new(omega.clone(), Coupling::MeanField { strength: k }, pair, 0.0).unwrap();
    let dense =
        PhaseNetwork::new(omega, Coupling::Matrix(vec![k / n as f64; n * n]), pair, 0.0).unwrap();
    let (mut a, mut b) = (vec![0.0; n], vec![0.0; n]);
    mf.eval(0.0, &theta, &mut a);
    dense.eval(0.0, &theta, &mut b);
    for (x, y) in a.iter().zip(&b) {
        assert!((x - y).abs() < 1e-12);
    }
    // And the dense sum equals the definition term by term.
    for i in 0..n {
        let want = mf.omega()[i]
            + (0..n).map(|j| k / n as f64 * pair.eval(theta[j] - theta[i])).sum::<f64>();
        assert!((b[i] - want).abs() < 1e-12);
    }
}

#[test]
fn two_coupled_units_obey_the_hkb_relative_phase_equation() {
    // θ̇_1 = ω_1 + k H(θ_2 − θ_1), θ̇_2 = ω_2 + k H(θ_1 − θ_2) with H odd gives, for
    // φ = θ_1 − θ_2, φ̇ = δω − 2k(a sin φ + 2b sin 2φ): the tilted HKB with a' = 2ka, b' = 2kb.
    // RK4 on both (dt = 0.01, 500 steps): agreement to the RK4 error, 1e-8.
    let (k, a, b, dw) = (0.4, 1.0, 0.7, 0.3);
    let pair = PairCoupling { a, b };
    let net = PhaseNetwork::new(vec![dw, 0.0], Coupling::Matrix(vec![0.0, k, k, 0.0]), pair, 0.0)
        .unwrap();
    let states = integrate_rk4(&net, 0.0, &[2.5, 0.0], 0.01, 500, 500).unwrap();
    let last = states.last().unwrap();
    let mut phi = 2.5;
    for step in 0..500 {
        phi = rk4_scalar(
            |_, p| dw - 2.0 * k * (a * p.sin() + 2.0 * b * (2.0 * p).sin()),
            step as f64 * 0.01,
            phi,
            0.01,
        );
    }
    assert!((last[0] - last[1] - phi).abs() < 1e-8);
}

#[test]
fn noisy_network_runs_are_reproducible_and_record_r() {
    let n = 50;
    let net = PhaseNetwork::new(
        lorentzian_quantiles(n, 0.0, 0.1),
        Coupling::MeanField { strength: 2.0 },
        PairCoupling::KURAMOTO,
        0.05,
    )
    .unwrap();
    let params = NetworkRunParams { dt: 0.05, steps: 400, record_every: 10, scheme: Scheme::Heun }
        .check()
        .unwrap();
    let theta0 = uniform_phases(n, 3);
    let a = simulate_network(&net, &theta0, &params, Seed(5), &NoProgress).unwrap();
    let b = simulate_network(&net, &theta0, &params, Seed(5), &NoProgress).unwrap();
    assert_eq!(a, b);
    assert_eq!(a.r.len(), 41);
    // K = 2 ≫ K_c = 0.2 with weak noise: the network synchronises (r → near 1).
    assert!(*a.r.last().unwrap() > 0.9);
}

fn exact_bins(a: f64, b: f64, q: f64, bins: usize) -> Vec<f64> {
    stationary_density(&Hkb::new(a, b).unwrap(), q, bins * 256).unwrap().bin_averages(bins).unwrap()
}

fn histogram(phases: &[f64], bins: usize) -> Histogram {
    let mut h = Histogram::new(-PI, PI, bins);
    for &p in phases {
        h.add_wrapped(p);
    }
    h
}

#[test]
fn fast_hkb_ensemble_matches_the_exact_density_in_f64_and_f32() {
    // W1's landscape (a = 1, b = 0.5, Q = 0.5) with 20 000 trajectories to t = 60 (the
    // inter-well relaxation rate ≈ 0.14 forgets the uniform start to e^{−8}), 64 bins. The L1
    // distance of a perfect sampler has mean = the multinomial floor (0.023 here) and a spread
    // from the bin probabilities (`expected_l1_spread`, ≈ 0.004); EM's O(dt) bias at dt = 0.01
    // is ~1% per bin, well inside the sampling error. Assert L1 < floor + 4·spread.
    for precision in [Precision::F64, Precision::F32] {
        let params = HkbEnsembleParams {
            a: 1.0,
            b: 0.5,
            detuning: 0.0,
            q: 0.5,
            dt: 0.01,
            trajectories: 20_000,
            steps: 6000,
        }
        .check()
        .unwrap();
        let phases = hkb_ensemble_final_phases(&params, precision, Seed(12345), &NoProgress);
        assert_eq!(phases.len(), 20_000);
        let h = histogram(&phases, 64);
        let exact = exact_bins(1.0, 0.5, 0.5, 64);
        let (l1, floor) = (h.l1_distance(&exact), h.expected_l1_floor(&exact));
        let spread = h.expected_l1_spread(&exact);
        eprintln!("L1 {l1:.4} vs floor {floor:.4} ± {spread:.4}");
        assert!(l1 < floor + 4.0 * spread, "{precision:?}: L1 {l1} vs floor {floor} ± {spread}");
    }
}

#[test]
fn fast_paths_are_bit_identical_for_1_2_and_8_threads() {
    let params = HkbEnsembleParams {
        a: 1.0,
        b: 0.5,
        detuning: 0.2,
        q: 0.5,
        dt: 0.01,
        trajectories: 1000,
        steps: 101,
    }
    .check()
    .unwrap();
    let kuramoto = KuramotoParams {
        omega: lorentzian_quantiles(64, 0.0, 0.5),
        theta0: uniform_phases(64, 2),
        couplings: vec![0.5, 1.0, 2.0],
        dt: 0.05,
        steps: 50,
        average: 10,
    }
    .check()
    .unwrap();
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| {
            (
                hkb_ensemble_final_phases(&params, Precision::F64, Seed(3), &NoProgress),
                hkb_ensemble_final_phases(&params, Precision::F32, Seed(3), &NoProgress),
                kuramoto_mean_field(&kuramoto, &NoProgress),
            )
        })
    };
    let one = run(1);
    for threads in [2, 8] {
        let other = run(threads);
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&one.0), bits(&other.0));
        assert_eq!(bits(&one.1), bits(&other.1));
        for (a, b) in one.2.iter().zip(&other.2) {
            assert_eq!(bits(&a.r_series), bits(&b.r_series));
        }
    }
}

#[test]
fn bad_network_inputs_are_typed_errors() {
    let field = |e: dgnn_core::ParamError| e.field;
    let err = PhaseNetwork::new(
        vec![0.0; 3],
        Coupling::Matrix(vec![0.0; 8]),
        PairCoupling::KURAMOTO,
        0.0,
    )
    .unwrap_err();
    assert_eq!(field(err.clone()), "coupling.matrix");
    assert!(err.to_string().contains("3×3"));
    assert!(
        PhaseNetwork::new(
            vec![],
            Coupling::MeanField { strength: 1.0 },
            PairCoupling::KURAMOTO,
            0.0
        )
        .is_err()
    );
    assert!(
        PhaseNetwork::new(
            vec![0.0],
            Coupling::MeanField { strength: f64::NAN },
            PairCoupling::KURAMOTO,
            0.0
        )
        .is_err()
    );
    assert!(
        PhaseNetwork::new(
            vec![0.0],
            Coupling::MeanField { strength: 1.0 },
            PairCoupling::KURAMOTO,
            -1.0
        )
        .is_err()
    );
    let net = PhaseNetwork::new(
        vec![0.0; 2],
        Coupling::MeanField { strength: 1.0 },
        PairCoupling::KURAMOTO,
        0.0,
    )
    .unwrap();
    let params = NetworkRunParams { dt: 0.1, steps: 10, record_every: 1, scheme: Scheme::Heun }
        .check()
        .unwrap();
    assert!(matches!(
        simulate_network(&net, &[0.0], &params, Seed(1), &NoProgress),
        Err(DynamicsError::Param(_))
    ));
    // Bad settings never reach a solver: checking them fails, naming the field.
    let bad_dt = NetworkRunParams { dt: -0.1, ..*params };
    assert_eq!(bad_dt.check().unwrap_err().field, "dt");
    let hkb = HkbEnsembleParams {
        a: 1.0,
        b: 0.5,
        detuning: 0.0,
        q: -0.5,
        dt: 0.01,
        trajectories: 10,
        steps: 10,
    };
    assert_eq!(hkb.check().unwrap_err().field, "q");
    let zero = HkbEnsembleParams { q: 0.5, trajectories: 0, ..hkb };
    assert_eq!(zero.check().unwrap_err().field, "trajectories");
    let k = KuramotoParams {
        omega: vec![0.0; 4],
        theta0: vec![0.0; 3],
        couplings: vec![1.0],
        dt: 0.05,
        steps: 10,
        average: 5,
    };
    assert_eq!(k.check().unwrap_err().field, "theta0");
}

mod plastic {
    use super::*;
    use dgnn_dynamics::plasticity::{
        PlasticNetwork, StdpRule, StructuralRule, simulate_plastic_network,
    };

    const RULE: StdpRule = StdpRule {
        rate: 0.05,
        potentiation: 1.0,
        depression: 0.5,
        potentiation_width_rad: 1.0,
        depression_width_rad: 3.0,
        max_weight: 1.0,
    };

    #[test]
    fn stdp_window_is_the_sum_over_all_spike_pairings() {
        // Λ(s) = Σ_{k≥0} [A₊e^{−(s+2πk)/λ₊} − A₋e^{−(2π−s+2πk)/λ₋}] (all pairings of two
        // periodic spike trains); 200 terms leave a remainder below e^{−400}. Rounding: 1e-13.
        for i in 0..50 {
            let s = 0.01 + i as f64 * 0.125;
            let direct: f64 = (0..200)
                .map(|k| {
                    let k = f64::from(k);
                    (-(s + TAU * k)).exp() - 0.5 * (-(TAU - s + TAU * k) / 3.0).exp()
                })
                .sum();
            assert!((RULE.window(s) - direct).abs() < 1e-13, "s = {s}");
        }
        // The mean over uniform lags is (A₊λ₊ − A₋λ₋)/(2π): midpoint rule on 20 000 points
        // (the window is smooth inside (0, 2π) with a jump at 0 the midpoints never hit; error
        // O(h²·|Λ″|) < 1e-7).
        let m = 20_000;
        let avg: f64 =
            (0..m).map(|k| RULE.window((k as f64 + 0.5) * TAU / m as f64)).sum::<f64>() / m as f64;
        assert!((avg - RULE.mean_window()).abs() < 1e-7);
        assert!(RULE.mean_window() < 0.0 && RULE.window(0.0) > 0.0);
    }

    #[test]
    fn synchronous_pair_potentiates_at_the_rate_of_the_window_at_zero_lag() {
        // Identical units started in phase stay in phase (H(0) = 0), so both links see s = 0
        // and κ(t) = min(κ₀ + εΛ(0)t, κ_max); the Euler step of a constant rate is exact.
        let mut net = PlasticNetwork::new(
            vec![1.0, 1.0],
            1.0,
            PairCoupling::KURAMOTO,
            0.0,
            vec![0.0, 0.1, 0.1, 0.0],
            Some(RULE),
            None,
        )
        .unwrap();
        let params =
            NetworkRunParams { dt: 0.01, steps: 200, record_every: 100, scheme: Scheme::Heun }
                .check()
                .unwrap();
        simulate_plastic_network(&mut net, &[0.3, 0.3], &params, Seed(1), &NoProgress).unwrap();
        let want = 0.1 + RULE.rate * RULE.window(0.0) * 2.0;
        assert!((net.weights()[1] - want).abs() < 1e-12 && (net.weights()[2] - want).abs() < 1e-12);
        // Long enough, the weight saturates at κ_max.
        let long = NetworkRunParams { steps: 4000, ..*params }.check().unwrap();
        simulate_plastic_network(&mut net, &[0.3, 0.3], &long, Seed(1), &NoProgress).unwrap();
        assert!((net.weights()[1] - 1.0).abs() < 1e-15);
    }

    #[test]
    fn structural_turnover_reaches_the_markov_occupancy() {
        // STDP off, new links weaker than the pruning threshold: each of the N(N − 1) = 1560
        // links is a two-state chain, stationary occupancy p_add/(p_add + p_remove) = 0.25.
        // After 60 updates (the chain forgets its start by 1 − p_add − p_remove = 0.8 per update,
        // 0.8^60 ≈ 1.5e-6) the link states are independent Bernoulli(0.25): standard error
        // sqrt(0.25·0.75/1560) = 0.011; tolerance 5 standard errors.
        let n = 40;
        let rule = StructuralRule {
            interval: 1.0,
            prune_below: 0.5,
            remove_probability: 0.15,
            add_probability: 0.05,
            new_weight: 0.2,
        };
        let mut net = PlasticNetwork::new(
            vec![0.0; n],
            0.0,
            PairCoupling::KURAMOTO,
            0.0,
            (0..n * n).map(|k| if k / n == k % n { 0.0 } else { 0.2 }).collect(),
            None,
            Some(rule),
        )
        .unwrap();
        assert!((net.link_density() - 1.0).abs() < 1e-15);
        let params =
            NetworkRunParams { dt: 0.5, steps: 120, record_every: 2, scheme: Scheme::Heun }
                .check()
                .unwrap();
        let run = simulate_plastic_network(&mut net, &vec![0.0; n], &params, Seed(4), &NoProgress)
            .unwrap();
        assert!((net.link_density() - 0.25).abs() < 5.0 * 0.011, "{}", net.link_density());
        assert_eq!(run.link_density.len(), 61);
        assert!(net.links().iter().enumerate().all(|(k, &l)| !(l && k / n == k % n)));
    }

    #[test]
    fn drifting_pair_changes_weight_by_the_window_mean_per_beat() {
        // Uncoupled units (K = 0) with Δω = 0.5: the lag turns uniformly, so over one beat
        // T = 2π/Δω each weight changes by ε∫Λ(s(t))dt = εT⟨Λ⟩ = εT(A₊λ₊ − A₋λ₋)/(2π). The
        // phases are exact (RK4 of constant frequencies); the weights' Euler steps see one jump
        // of Λ per beat (A₊/(1−e^{−2π/λ₊}) + A₋/(1−e^{−2π/λ₋}) ≈ 1.57), so the error is at most
        // ε·dt·1.57 ≈ 8e-5 at dt = 1e-3 (plus O(dt²)); tolerance 2e-4.
        let dw = 0.5;
        let beat = TAU / dw;
        let steps = 12_566; // T / dt rounded; the remainder 0.0004 adds < 1e-6.
        let mut net = PlasticNetwork::new(
            vec![dw, 0.0],
            0.0,
            PairCoupling::KURAMOTO,
            0.0,
            vec![0.0, 0.5, 0.5, 0.0],
            Some(RULE),
            None,
        )
        .unwrap();
        let params =
            NetworkRunParams { dt: 1e-3, steps, record_every: steps, scheme: Scheme::Heun }
                .check()
                .unwrap();
        simulate_plastic_network(&mut net, &[0.1, 0.0], &params, Seed(1), &NoProgress).unwrap();
        let want = 0.5 + RULE.rate * beat * RULE.mean_window();
        for k in [1, 2] {
            assert!((net.weights()[k] - want).abs() < 2e-4, "{} vs {want}", net.weights()[k]);
        }
    }
}

#[test]
fn snapshots_are_points_of_the_same_trajectories() {
    // Snapshots at any steps (odd, even, repeated, unsorted) are the states of the very
    // trajectories whose final phases `hkb_ensemble_final_phases` returns: a snapshot at the
    // last step equals them bit for bit, and a run of `k` steps ends where the snapshot at `k`
    // of a longer run was taken.
    use dgnn_dynamics::simd::hkb_ensemble_snapshots;
    for precision in [Precision::F64, Precision::F32] {
        let params = HkbEnsembleParams {
            a: 1.0,
            b: 0.5,
            detuning: 0.3,
            q: 0.5,
            dt: 0.01,
            trajectories: 70,
            steps: 41,
        }
        .check()
        .unwrap();
        let snaps =
            hkb_ensemble_snapshots(&params, precision, Seed(9), &[41, 17, 17, 1, 40], &NoProgress)
                .unwrap();
        let finals = hkb_ensemble_final_phases(&params, precision, Seed(9), &NoProgress);
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&snaps[0]), bits(&finals));
        assert_eq!(bits(&snaps[1]), bits(&snaps[2]));
        for (k, snap) in [(17usize, &snaps[1]), (1, &snaps[3]), (40, &snaps[4])] {
            let shorter = HkbEnsembleParams { steps: k, ..*params }.check().unwrap();
            let end = hkb_ensemble_final_phases(&shorter, precision, Seed(9), &NoProgress);
            assert_eq!(bits(snap), bits(&end), "{precision:?} step {k}");
        }
        assert!(hkb_ensemble_snapshots(&params, precision, Seed(9), &[42], &NoProgress).is_err());
        // Step 0 is the uniform start in [−π, π); one Euler–Maruyama step moves each phase by
        // (δω − a sin φ − 2b sin 2φ)dt + sqrt(Q dt)·z, at most (0.3 + 1 + 1)·0.01 + 6·0.0707
        // for |z| ≤ 6 (probability 1 − 2e-9 per variate).
        let start =
            hkb_ensemble_snapshots(&params, precision, Seed(9), &[0, 1], &NoProgress).unwrap();
        assert!(start[0].iter().all(|p| (-PI..PI).contains(p)), "{:?}", &start[0][..4]);
        assert_eq!(bits(&start[1]), bits(&snaps[3]));
        let bound = 2.3 * 0.01 + 6.0 * (0.5f64 * 0.01).sqrt();
        assert!(start[0].iter().zip(&start[1]).all(|(a, b)| (b - a).abs() < bound));
    }
}

#[test]
fn wrapped_normal_phases_have_resultant_length_exp_of_minus_half_sigma_squared() {
    // The wrapped normal WN(μ, σ) has mean direction μ and mean resultant length
    // ρ = exp(−σ²/2) (Mardia & Jupp 2000, §3.5.7). Over n samples, C̄ = ⟨cos(φ − μ)⟩ has
    // standard error sqrt(((1 + ρ⁴)/2 − ρ²)/n) (E cos² = (1 + E cos 2)/2, E cos 2 = ρ⁴); the
    // sample length and C̄ differ by O(1/n). Allowed: 5 standard errors; the direction to
    // 5 standard errors of S̄ over ρ.
    let n = 200_000;
    for (mean, sigma) in [(0.4, 0.3), (-2.0, 1.0), (3.0, 2.0)] {
        let phases = wrapped_normal_phases(Seed(5), "test/wrapped", n, mean, sigma).unwrap();
        assert!(phases.iter().all(|p| (0.0..TAU).contains(p)));
        let (r, psi) = order_parameter(&phases);
        let rho = (-0.5 * sigma * sigma).exp();
        let se = (((1.0 + rho.powi(4)) / 2.0 - rho * rho) / n as f64).sqrt();
        assert!((r - rho).abs() < 5.0 * se + 1.0 / n as f64, "σ = {sigma}: {r} vs {rho}");
        let turn = dgnn_core::angle::wrap_pi(psi - mean);
        assert!(turn.abs() < 5.0 * (0.5 / n as f64).sqrt() / rho, "σ = {sigma}: ψ − μ = {turn}");
    }
    assert!(wrapped_normal_phases(Seed(5), "test/wrapped", 3, 0.0, -1.0).is_err());
    let zero = wrapped_normal_phases(Seed(5), "test/wrapped", 3, 1.0, 0.0).unwrap();
    assert!(zero.iter().all(|p| (p - 1.0).abs() < 1e-15));
}

/// A plastic network of `n` Kuramoto units with Gaussian quantile frequencies (σ = 0.1, so
/// K_c = sqrt(8/π)·0.1 ≈ 0.16 with every weight at 1), weak noise, phase-difference STDP with
/// window `depression` and structural plasticity.
fn bistable_candidate(n: usize, depression: f64) -> PlasticNetwork {
    let stdp = StdpRule {
        rate: 0.02,
        potentiation: 1.0,
        depression,
        potentiation_width_rad: 1.0,
        depression_width_rad: 3.0,
        max_weight: 1.0,
    };
    let structural = StructuralRule {
        interval: 20.0,
        prune_below: 0.1,
        remove_probability: 0.5,
        add_probability: 0.02,
        new_weight: 0.2,
    };
    let omega = dgnn_dynamics::network::gaussian_quantiles(n, 0.0, 0.1).unwrap();
    PlasticNetwork::new(
        omega,
        1.0,
        PairCoupling::KURAMOTO,
        0.01,
        vec![0.0; n * n],
        Some(stdp),
        Some(structural),
    )
    .unwrap()
}

fn hysteresis_of(network: &PlasticNetwork, couplings: Vec<f64>) -> HysteresisRun {
    let params = HysteresisParams {
        couplings,
        stay: NetworkRunParams { dt: 0.1, steps: 3000, record_every: 10, scheme: Scheme::Heun },
        average_share: 0.25,
        desynchronised_weight: 0.0,
        synchronised_weight: 1.0,
    }
    .check()
    .unwrap();
    coupling_hysteresis(network, &params, Seed(3), &NoProgress).unwrap()
}

#[test]
fn depression_dominated_stdp_with_pruning_holds_both_states() {
    // Chauhan et al. (2022): with STDP that weakens drifting pairs (⟨Λ⟩ = (A₊λ₊ − A₋λ₋)/2π < 0)
    // and pruning of weak links, a desynchronised network keeps its links weak and stays
    // incoherent while a synchronised one keeps them strong (Λ(small lag) > 0). At K = 2 the
    // run from the desynchronised start must stay near the incoherent floor sqrt(π/(4N)) = 0.18
    // (below 0.5) and the run from the synchronised start near full locking (above 0.8; the
    // self-consistent r for the frequencies at K κ̄ ≈ 1 is 0.99). At K = 0.05 < K_c ≈ 0.16 no
    // weights can hold a synchronised state: both runs end incoherent.
    let network = bistable_candidate(24, 0.5);
    let run = hysteresis_of(&network, vec![0.05, 2.0]);
    let (up, down) = (run.upward[1], run.downward[0]);
    assert!((up.coupling - 2.0).abs() < 1e-15 && (down.coupling - 2.0).abs() < 1e-15);
    assert!(up.r < 0.5 && down.r > 0.8, "K = 2: from desync {}, from sync {}", up.r, down.r);
    assert!(down.mean_weight > up.mean_weight, "{} vs {}", down.mean_weight, up.mean_weight);
    assert_eq!(run.bistable_couplings(0.2), vec![2.0]);
    let (low_up, low_down) = (run.upward[0], run.downward[1]);
    assert!(low_up.r < 0.5 && low_down.r < 0.5, "K = 0.05: {} and {}", low_up.r, low_down.r);
}

#[test]
fn potentiation_dominated_stdp_leaves_only_the_synchronised_state() {
    // With A₋ = 0.2 the window's mean (A₊λ₊ − A₋λ₋)/2π = 0.064 is positive: drifting pairs
    // strengthen until K κ̄ exceeds K_c, so the desynchronised start synchronises as well and
    // the bistability is gone (the mechanism, not the parameters, makes the two states).
    let network = bistable_candidate(24, 0.2);
    let run = hysteresis_of(&network, vec![2.0]);
    let (up, down) = (run.upward[0], run.downward[0]);
    assert!(up.r > 0.8 && down.r > 0.8, "from desync {}, from sync {}", up.r, down.r);
    assert!(run.bistable_couplings(0.2).is_empty());
}
