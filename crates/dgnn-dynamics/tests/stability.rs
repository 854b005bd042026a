//! Linear stability of phase networks against analytic spectra: in-phase Kuramoto (Strogatz
//! 2000), two HKB units and the b/a = 1/4 switch (Haken, Kelso & Bunz 1985), Adler locking, the
//! splay state's circulant spectrum (Okuda 1993; Watanabe & Strogatz 1994), travelling waves on
//! a directed ring (complex eigenvalues), Kuramoto's self-consistency for a locked population,
//! the Jacobian against finite differences and the trace identities (proptest), bad input.

use dgnn_dynamics::network::{
    Coupling, PairCoupling, PhaseNetwork, lorentzian_quantiles, order_parameter,
};
use dgnn_dynamics::ode::VectorField;
use dgnn_dynamics::stability::{
    LinearStability, LockParams, find_locked_state, jacobian, spectrum,
};
use dgnn_dynamics::{DynamicsError, ParamGuard};
use nalgebra::Complex;
use proptest::prelude::*;
use std::f64::consts::{PI, TAU};

/// Rounding bound for the eigenvalue tests: the matrices have entries of order 1–10 and N ≤ 8,
/// so backward errors are ≲ 8 N ε s ≈ 1e-13 (module docs); 1e-11 leaves two orders of margin
/// and is still ten orders below every eigenvalue compared.
const ROUNDING: f64 = 1e-11;

fn net(omega: Vec<f64>, coupling: Coupling, a: f64, b: f64) -> PhaseNetwork {
    PhaseNetwork::new(omega, coupling, PairCoupling { a, b }, 0.0).unwrap()
}

/// Sorts by real then imaginary part, for comparing multisets of eigenvalues.
fn sorted(mut z: Vec<Complex<f64>>) -> Vec<Complex<f64>> {
    z.sort_by(|x, y| x.re.total_cmp(&y.re).then(x.im.total_cmp(&y.im)));
    z
}

fn assert_same_spectrum(got: &[Complex<f64>], want: Vec<Complex<f64>>, what: &str) {
    let got = sorted(got.to_vec());
    let want = sorted(want);
    assert_eq!(got.len(), want.len(), "{what}: {got:?} vs {want:?}");
    for (g, w) in got.iter().zip(&want) {
        assert!((g - w).norm() < ROUNDING, "{what}: {got:?} vs {want:?}");
    }
}

fn real(values: impl IntoIterator<Item = f64>) -> Vec<Complex<f64>> {
    values.into_iter().map(|re| Complex::new(re, 0.0)).collect()
}

#[test]
fn in_phase_kuramoto_has_eigenvalue_minus_k_n_minus_one_times() {
    // Identical all-to-all Kuramoto units at θ_i = θ: J = (K/N)(11ᵀ − N I), eigenvalues 0 once
    // (the rotation, removed) and −K N − 1 times (Strogatz 2000, Physica D 143:1). Checked for
    // the mean field and the same dense matrix, entry by entry and by spectrum.
    let (n, k) = (6, 2.5);
    let theta = vec![0.7; n];
    for coupling in
        [Coupling::MeanField { strength: k }, Coupling::Matrix(vec![k / n as f64; n * n])]
    {
        let network = net(vec![0.3; n], coupling, 1.0, 0.0);
        let j = jacobian(&network, &theta).unwrap();
        for r in 0..n {
            for c in 0..n {
                let want = k / n as f64 * (1.0 - if r == c { n as f64 } else { 0.0 });
                assert!((j[(r, c)] - want).abs() < 1e-14, "J[{r}][{c}] = {}", j[(r, c)]);
            }
        }
        let s = spectrum(&network, &theta).unwrap();
        assert!(s.symmetric);
        assert_same_spectrum(&s.eigenvalues, real(vec![-k; n - 1]), "in-phase Kuramoto");
        assert_eq!(s.stability(), LinearStability::Stable);
    }
}

#[test]
fn two_hkb_units_switch_anti_phase_stability_at_b_over_a_one_quarter() {
    // φ = θ_1 − θ_2 obeys φ̇ = −2k(a sin φ + 2b sin 2φ) for W_12 = W_21 = k (module docs of
    // `network`), so the non-zero eigenvalue is −2k H′(φ*): −2k(a + 4b) in phase and
    // −2k(4b − a) in anti-phase (Haken, Kelso & Bunz 1985). Anti-phase is unstable below
    // b/a = 1/4, marginal at it, stable above. The mean field with K has k = K/2.
    let (a, k) = (1.0, 0.8);
    for (b, anti) in [
        (0.1, LinearStability::Unstable),
        (0.25, LinearStability::Marginal),
        (0.5, LinearStability::Stable),
    ] {
        for coupling in
            [Coupling::Matrix(vec![0.0, k, k, 0.0]), Coupling::MeanField { strength: 2.0 * k }]
        {
            let network = net(vec![0.0, 0.0], coupling, a, b);
            let in_phase = spectrum(&network, &[0.4, 0.4]).unwrap();
            assert_same_spectrum(&in_phase.eigenvalues, real([-2.0 * k * (a + 4.0 * b)]), "in");
            assert_eq!(in_phase.stability(), LinearStability::Stable);
            let anti_phase = spectrum(&network, &[0.4 + PI, 0.4]).unwrap();
            assert_same_spectrum(&anti_phase.eigenvalues, real([-2.0 * k * (4.0 * b - a)]), "anti");
            assert_eq!(anti_phase.stability(), anti, "b = {b}");
        }
    }
}

#[test]
fn adler_pair_locks_below_two_k_and_reports_no_lock_above() {
    // Two Kuramoto units (b = 0), W_12 = W_21 = k, δω = ω_1 − ω_2: φ̇ = δω − 2k sin φ locks iff
    // |δω| ≤ 2k (Adler 1946), at sin φ* = δω/(2k) with Ω = (ω_1 + ω_2)/2 and eigenvalue
    // −2k cos φ* = −sqrt(4k² − δω²) at the stable root.
    let k = 0.5;
    for delta in [0.3, 0.9, -0.6] {
        let network = net(vec![1.0 + delta, 1.0], Coupling::Matrix(vec![0.0, k, k, 0.0]), 1.0, 0.0);
        let params = LockParams { settle_time: 20.0, ..LockParams::default() }.check().unwrap();
        let locked = find_locked_state(&network, &[2.0, 0.0], &params).unwrap();
        assert!(locked.residual <= 1e-10, "residual {}", locked.residual);
        let mut f = [0.0; 2];
        network.eval(0.0, &locked.phases_rad, &mut f);
        assert!(f.iter().all(|fi| (fi - locked.frequency).abs() <= 1e-10), "{f:?}");
        assert!((locked.frequency - (1.0 + delta / 2.0)).abs() <= 1e-10);
        let phi = locked.phases_rad[0] - locked.phases_rad[1];
        assert!((phi.sin() - delta / (2.0 * k)).abs() < 1e-10, "φ* = {phi}");
        let rate = -(4.0 * k * k - delta * delta).sqrt();
        assert_same_spectrum(&locked.spectrum.eigenvalues, real([rate]), "Adler");
        assert_eq!(locked.spectrum.stability(), LinearStability::Stable);
    }
    for delta in [1.1, -1.5, 3.0] {
        let network = net(vec![delta, 0.0], Coupling::Matrix(vec![0.0, k, k, 0.0]), 1.0, 0.0);
        for settle_time in [0.0, 20.0] {
            let params = LockParams { settle_time, ..LockParams::default() }.check().unwrap();
            let err = find_locked_state(&network, &[0.3, 0.0], &params).unwrap_err();
            assert!(matches!(err, DynamicsError::NotLocked { .. }), "δω = {delta}: {err}");
            assert!(err.to_string().contains("no phase-locked state"));
        }
    }
}

/// The splay spectrum of the module docs: `λ_m = (Ka/2) #{m ≡ ±1} + 2Kb #{m ≡ ±2}` (mod N),
/// `m = 1..N−1` (Okuda 1993), counting both signs when they coincide (N = 3, 4).
fn splay_theory(n: usize, k: f64, a: f64, b: f64) -> Vec<Complex<f64>> {
    let hits = |m: usize, s: usize| usize::from(m % n == s % n) + usize::from(m % n == n - s % n);
    real((1..n).map(|m| k * a / 2.0 * hits(m, 1) as f64 + 2.0 * k * b * hits(m, 2) as f64))
}

#[test]
fn splay_state_spectrum_is_circulant_and_the_second_harmonic_sets_its_sign() {
    // θ_j = 2πj/N is a locked state of identical all-to-all units (every f_i = ω since
    // Σ_j H(2π(j−i)/N) = 0 for N ≥ 3). Its spectrum (Okuda 1993, Physica D 63:424):
    // with sin coupling alone, N − 3 non-rotation eigenvalues vanish (Watanabe–Strogatz
    // constants of motion) and one pair sits at Ka/2; a second harmonic moves the m = ±2
    // modes to 2Kb (4Kb at N = 4, where they coincide).
    for n in [3, 4, 5, 7, 8] {
        for (k, a, b) in [(1.0, 1.0, 0.0), (2.0, -1.0, 0.0), (1.5, -1.0, 0.3), (0.7, 1.0, -0.4)] {
            let network = net(vec![0.2; n], Coupling::MeanField { strength: k }, a, b);
            let splay: Vec<f64> = (0..n).map(|j| TAU * j as f64 / n as f64).collect();
            let mut f = vec![0.0; n];
            network.eval(0.0, &splay, &mut f);
            assert!(f.iter().all(|fi| (fi - 0.2).abs() < 1e-14), "splay is not locked: {f:?}");
            let s = spectrum(&network, &splay).unwrap();
            assert_same_spectrum(&s.eigenvalues, splay_theory(n, k, a, b), "splay");
            if a * k < 0.0 && b == 0.0 {
                // Repulsive sin coupling: both non-zero eigenvalues are Ka/2 < 0 at N = 3; from
                // N = 4 on, the neutral Watanabe–Strogatz directions make the state marginal
                // (their computed eigenvalues are rounding noise of either sign, ~1e-16).
                let want = if n == 3 { LinearStability::Stable } else { LinearStability::Marginal };
                assert_eq!(s.stability(), want, "N = {n}");
            }
        }
    }
    // N = 4 with repulsive first harmonic (Ka = −1): sin coupling leaves the m = 2 mode neutral
    // (marginal); b < 0 makes the splay state stable, b > 0 unstable.
    for (b, want) in [
        (0.0, LinearStability::Marginal),
        (-0.1, LinearStability::Stable),
        (0.1, LinearStability::Unstable),
    ] {
        let network = net(vec![0.0; 4], Coupling::MeanField { strength: 1.0 }, -1.0, b);
        let splay = [0.0, PI / 2.0, PI, 1.5 * PI];
        assert_eq!(spectrum(&network, &splay).unwrap().stability(), want, "b = {b}");
    }
}

#[test]
fn travelling_waves_on_a_directed_ring_have_the_shifted_roots_of_unity() {
    // Unit i listens to unit i+1 only (W_{i,i+1} = k, not symmetric), Kuramoto coupling. The wave
    // θ_j = 2πqj/N is locked at Ω = ω + k sin(2πq/N), and J = k cos(2πq/N)(P − I) with P the
    // cyclic shift, so the eigenvalues are k cos(2πq/N)(e^{2πim/N} − 1), m = 1..N−1 (complex;
    // Ermentrout 1985, J. Math. Biol. 22:1): stable iff cos(2πq/N) > 0.
    let (n, k, omega) = (6, 0.9, 0.4);
    let mut w = vec![0.0; n * n];
    for i in 0..n {
        w[i * n + (i + 1) % n] = k;
    }
    let network = net(vec![omega; n], Coupling::Matrix(w), 1.0, 0.0);
    for (q, want) in [(1, LinearStability::Stable), (2, LinearStability::Unstable)] {
        let wave = (0..n).map(|j| TAU * (q * j) as f64 / n as f64).collect::<Vec<_>>();
        let c = k * (TAU * q as f64 / n as f64).cos();
        let theory = (1..n)
            .map(|m| c * (Complex::from_polar(1.0, TAU * m as f64 / n as f64) - 1.0))
            .collect();
        let s = spectrum(&network, &wave).unwrap();
        assert!(!s.symmetric);
        assert_same_spectrum(&s.eigenvalues, theory, "ring wave");
        assert_eq!(s.stability(), want, "q = {q}");
        // Newton from a perturbed wave returns to it (same differences) at the same Ω.
        let guess: Vec<f64> =
            wave.iter().enumerate().map(|(j, t)| t + 0.05 * (j as f64).sin()).collect();
        let locked =
            find_locked_state(&network, &guess, &LockParams::default().check().unwrap()).unwrap();
        assert!((locked.frequency - (omega + k * (TAU * q as f64 / n as f64).sin())).abs() < 1e-10);
        for j in 1..n {
            let d = (locked.phases_rad[j] - locked.phases_rad[0]) - (wave[j] - wave[0]);
            assert!(dgnn_core::angle::wrap_pi(d).abs() < 1e-9, "unit {j}: {d}");
        }
    }
}

#[test]
fn lorentzian_population_locks_self_consistently_only_with_enough_coupling() {
    // Mean-field Kuramoto: a locked state satisfies ω_i − Ω = K r sin(θ_i − ψ) with
    // r e^{iψ} = ⟨e^{iθ}⟩ (Kuramoto 1975), so |ω_i − Ω| ≤ K is necessary. For N = 10 Lorentzian
    // quantiles of half-width 0.1, max|ω_i − Ω| = 0.1 tan(0.45π) = 0.631 (Ω = 0 by symmetry):
    // K = 0.5 cannot lock (Newton must say so), K = 2 locks. Integrating the drift for t = 10
    // brings the phases near the attractor (slowest rate ≈ 1.8, so ~1e-8 is left for Newton);
    // Newton's root there is stable and obeys the self-consistency to its tolerance. (After
    // t = 5 only, Newton lands on a nearby saddle, a locked state with an unstable direction.)
    let omega = lorentzian_quantiles(10, 0.0, 0.1);
    let start: Vec<f64> = (0..10).map(|i| 0.6 * i as f64).collect();
    let params = LockParams { settle_time: 10.0, ..LockParams::default() }.check().unwrap();
    let weak = net(omega.clone(), Coupling::MeanField { strength: 0.5 }, 1.0, 0.0);
    let err = find_locked_state(&weak, &start, &params).unwrap_err();
    assert!(matches!(err, DynamicsError::NotLocked { .. }), "{err}");
    let strong = net(omega.clone(), Coupling::MeanField { strength: 2.0 }, 1.0, 0.0);
    let locked = find_locked_state(&strong, &start, &params).unwrap();
    assert!(locked.iterations >= 1, "the short settle should leave work for Newton");
    assert!(locked.residual <= 1e-10 && locked.frequency.abs() < 1e-10);
    let (r, psi) = order_parameter(&locked.phases_rad);
    for (w, t) in omega.iter().zip(&locked.phases_rad) {
        assert!((w - locked.frequency - 2.0 * r * (t - psi).sin()).abs() < 1e-10);
    }
    assert_eq!(locked.spectrum.stability(), LinearStability::Stable);
    assert!(locked.spectrum.eigenvalues.iter().all(|z| z.im.abs() < 1e-300));
}

#[test]
fn bad_phases_and_settings_are_typed_errors_naming_the_field() {
    let network = net(vec![0.0; 3], Coupling::MeanField { strength: 1.0 }, 1.0, 0.0);
    let field = |e: DynamicsError| match e {
        DynamicsError::Param(p) => p.field,
        other => panic!("not a parameter error: {other}"),
    };
    assert_eq!(field(jacobian(&network, &[0.0, 1.0]).unwrap_err()), "phases");
    assert_eq!(field(spectrum(&network, &[0.0, f64::NAN, 1.0]).unwrap_err()), "phases[1]");
    let ok = LockParams::default();
    let err = find_locked_state(&network, &[0.0, 1.0, f64::INFINITY], &ok.check().unwrap());
    assert_eq!(field(err.unwrap_err()), "guess.phases[2]");
    for (params, name) in [
        (LockParams { tolerance: 0.0, ..ok }, "tolerance"),
        (LockParams { max_iterations: 0, ..ok }, "max_iterations"),
        (LockParams { settle_time: f64::NAN, ..ok }, "settle_time"),
        (LockParams { dt: -0.1, ..ok }, "dt"),
    ] {
        // Bad settings never reach the solver: checking them names the field.
        assert_eq!(params.check().unwrap_err().field, name);
    }
}

/// A random network of 1–6 units: coupling (dense in [−2, 2] or mean field), pair (a, b) in
/// [−2, 2]², frequencies in [−1, 1], phases in [0, 2π).
fn random_network() -> impl Strategy<Value = (PhaseNetwork, Vec<f64>)> {
    (1usize..=6).prop_flat_map(|n| {
        (
            prop::collection::vec(-2.0..2.0f64, n * n),
            -2.0..2.0f64,
            prop::bool::ANY,
            -2.0..2.0f64,
            -2.0..2.0f64,
            prop::collection::vec(-1.0..1.0f64, n),
            prop::collection::vec(0.0..TAU, n),
        )
            .prop_map(|(w, k, mean_field, a, b, omega, theta)| {
                let coupling = if mean_field {
                    Coupling::MeanField { strength: k }
                } else {
                    Coupling::Matrix(w)
                };
                (net(omega, coupling, a, b), theta)
            })
    })
}

/// `max_i Σ_j |W_ij|` of a network.
fn row_sum(network: &PhaseNetwork) -> f64 {
    let n = network.len();
    match network.coupling() {
        Coupling::MeanField { strength } => strength.abs(),
        Coupling::Matrix(w) => {
            w.chunks(n).map(|r| r.iter().map(|x| x.abs()).sum::<f64>()).fold(0.0, f64::max)
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn jacobian_matches_central_differences((network, theta) in random_network()) {
        // Central differences of the drift with step h: truncation h²/6 max|∂³f| plus rounding
        // 2δ/(2h), δ the rounding error of one drift evaluation. |∂³f_i/∂θ_j³| ≤ S3 =
        // Σ_j |W_ij|(|a| + 16|b|) (H‴ = −a cos Δ − 16b cos 2Δ); δ ≤ 4Nε F with
        // F = max|ω| + Σ_j |W_ij|(|a| + 2|b|) bounding |f| and its partial sums.
        let h = 1e-5;
        let n = network.len();
        let PairCoupling { a, b } = network.pair();
        let s3 = row_sum(&network) * (a.abs() + 16.0 * b.abs());
        let f_max = 1.0 + row_sum(&network) * (a.abs() + 2.0 * b.abs());
        let tol = h * h / 6.0 * s3 + 4.0 * n as f64 * f64::EPSILON * f_max / h;
        let j = jacobian(&network, &theta).unwrap();
        let (mut up, mut down) = (vec![0.0; n], vec![0.0; n]);
        for c in 0..n {
            let mut plus = theta.clone();
            let mut minus = theta.clone();
            plus[c] += h;
            minus[c] -= h;
            network.eval(0.0, &plus, &mut up);
            network.eval(0.0, &minus, &mut down);
            for r in 0..n {
                let fd = (up[r] - down[r]) / (2.0 * h);
                prop_assert!((fd - j[(r, c)]).abs() <= tol, "J[{r}][{c}] {} vs {fd}", j[(r, c)]);
            }
        }
    }

    #[test]
    fn spectrum_obeys_the_trace_identities((network, theta) in random_network()) {
        // The removed rotation eigenvalue is 0, so the N − 1 eigenvalues λ satisfy
        // Σλ = tr J and Σλ² = tr J², whichever path (symmetric or Schur) computed them. The
        // computed eigenvalues are exact for J + E (backward stability, ‖E‖₂ ≤ e = 8Nεs with
        // s = (|a| + 4|b|) max_i Σ_j |W_ij|, module docs), so Σλ − tr J = tr E, at most N e, and
        // Σλ² − tr J² = 2 tr(JE) + tr(E²), at most 2‖J‖_F ‖E‖_F + N e² ≤ N e (4s + e) because
        // every row of J has absolute sum ≤ 2s (‖J‖_F ≤ 2s√N, ‖E‖_F ≤ √N e); plus the rounding
        // of tr J² itself (N² ε (2s)²). Unlike single eigenvalues, these sums are not spoiled by
        // defective eigenvalues.
        let j = jacobian(&network, &theta).unwrap();
        let spec = spectrum(&network, &theta).unwrap();
        prop_assert_eq!(spec.eigenvalues.len(), network.len() - 1);
        let n = network.len() as f64;
        let s = row_sum(&network) * (network.pair().a.abs() + 4.0 * network.pair().b.abs());
        let e = 8.0 * n * f64::EPSILON * s;
        let tol = n * e * (1.0 + 4.0 * s + e) + n * n * f64::EPSILON * 4.0 * s * s;
        let sum: Complex<f64> = spec.eigenvalues.iter().sum();
        let squares: Complex<f64> = spec.eigenvalues.iter().map(|z| z * z).sum();
        prop_assert!((sum - j.trace()).norm() <= tol, "Σλ {sum} vs tr J {}", j.trace());
        let tr2 = (&j * &j).trace();
        prop_assert!((squares - tr2).norm() <= tol, "Σλ² {squares} vs tr J² {tr2}");
        if spec.symmetric {
            prop_assert!(spec.eigenvalues.iter().all(|z| z.im.abs() < 1e-300));
        }
    }
}
