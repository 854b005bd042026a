//! The landscape analysis against closed forms: HKB fixed points, rates, saddles and barriers
//! (Haken, Kelso & Bunz 1985; docs/science.md#hkb), the stationary density (Boltzmann and the
//! tilted flux formula, Risken 1989 §11), the Adler beat frequency, first-passage times of free and
//! drifted diffusion (Gardiner 2009 §5.5) and Kramers' asymptotics, the anti-phase → in-phase
//! switching time, the stationary density's basin masses (against direct quadrature of
//! exp(−2V/Q)) and its ⟨cos φ⟩ (the von Mises ratio I₁(κ)/I₀(κ)), and the locking range.

use dgnn_dynamics::landscape::{
    Boundary, Stability, attractor_count, attractor_map, basins, deterministic_frequency,
    fixed_points, kramers_rates, locking_range, mean_first_passage_time, mean_frequency,
    stationary_density, switching_time,
};
use dgnn_dynamics::{DynamicsError, FourierPotential, Hkb, Potential, TiltedHkb};
use std::f64::consts::{PI, TAU};

fn hkb(a: f64, b: f64) -> Hkb {
    Hkb::new(a, b).unwrap()
}

#[test]
fn hkb_fixed_point_rates_and_saddles() {
    // HKB (docs/science.md#hkb): λ0 = U″(0) = a + 4b, λπ = U″(π) = 4b − a, saddles at
    // cos φ* = −a/(4b). Roots are bisected to machine precision: tolerance 1e-12.
    for &(a, b) in &[(1.0, 1.0), (1.0, 0.5), (2.0, 0.75), (0.5, 2.0)] {
        let fps = fixed_points(&hkb(a, b));
        let find = |phase: f64| {
            fps.iter()
                .find(|f| dgnn_core::angle::wrap_pi(f.phase_rad - phase).abs() < 1e-9)
                .unwrap_or_else(|| panic!("no fixed point at {phase} for a={a}, b={b}: {fps:?}"))
        };
        let zero = find(0.0);
        assert_eq!(zero.stability, Stability::Stable);
        assert!((zero.curvature - (a + 4.0 * b)).abs() < 1e-12);
        let pi = find(-PI);
        assert_eq!(pi.stability, Stability::Stable, "b/a = {} > 1/4", b / a);
        assert!((pi.curvature - (4.0 * b - a)).abs() < 1e-12);
        let saddle = (-a / (4.0 * b)).acos();
        for s in [saddle, -saddle] {
            assert_eq!(find(s).stability, Stability::Unstable);
        }
        assert_eq!(fps.len(), 4);
    }
}

#[test]
fn anti_phase_is_stable_iff_b_over_a_exceeds_a_quarter() {
    // HKB: anti-phase loses stability at b/a = 1/4, leaving one attractor (in-phase).
    let a = 1.0;
    for &ratio in &[0.05, 0.1, 0.2, 0.24, 0.249] {
        assert_eq!(attractor_count(&hkb(a, ratio * a)), 1, "b/a = {ratio}");
    }
    for &ratio in &[0.251, 0.26, 0.3, 0.5, 1.0, 3.0] {
        assert_eq!(attractor_count(&hkb(a, ratio * a)), 2, "b/a = {ratio}");
    }
    // The attractor map over (a, b) puts the boundary on the line b = a/4.
    let xs: Vec<f64> = (1..=20).map(|i| f64::from(i) * 0.1).collect();
    let ys = xs.clone();
    let map = attractor_map(&xs, &ys, Hkb::new).unwrap();
    assert_eq!(map.len(), 400);
    for cell in &map {
        let expected = if cell.y / cell.x > 0.25 { 2 } else { 1 };
        if (cell.y / cell.x - 0.25).abs() > 1e-9 {
            assert_eq!(cell.attractors, expected, "{cell:?}");
        }
    }
}

#[test]
fn hkb_barriers_match_closed_forms() {
    // ΔV_π = (4b − a)²/(8b) and ΔV_0 = (a + 4b)²/(8b) for b > a/4 (docs/science.md#hkb);
    // below b = a/4 the single well at 0 has barrier U(π) − U(0) = 2a on both sides.
    let (a, b) = (1.0, 1.0);
    let bs = basins(&hkb(a, b));
    assert_eq!(bs.len(), 2);
    for basin in &bs {
        let expected = if basin.attractor_rad.abs() < 1e-9 {
            (a + 4.0 * b).powi(2) / (8.0 * b)
        } else {
            (4.0 * b - a).powi(2) / (8.0 * b)
        };
        assert!((basin.left.height - expected).abs() < 1e-12, "{basin:?}");
        assert!((basin.right.height - expected).abs() < 1e-12, "{basin:?}");
        assert!(basin.left.phase_rad < basin.attractor_rad);
        assert!(basin.right.phase_rad > basin.attractor_rad);
    }
    let single = basins(&hkb(1.0, 0.1));
    assert_eq!(single.len(), 1);
    assert!((single[0].left.height - 2.0).abs() < 1e-12);
    assert!((single[0].right.height - 2.0).abs() < 1e-12);
}

#[test]
fn tilt_removes_attractors_at_the_adler_threshold() {
    // Adler (b = 0): locked (one attractor) iff |δω| ≤ a.
    assert_eq!(attractor_count(&TiltedHkb::new(1.0, 0.0, 0.9).unwrap()), 1);
    assert_eq!(attractor_count(&TiltedHkb::new(1.0, 0.0, -0.9).unwrap()), 1);
    assert_eq!(attractor_count(&TiltedHkb::new(1.0, 0.0, 1.1).unwrap()), 0);
    // A tilted barrier is lower on the downhill side: U includes −δω φ.
    let p = TiltedHkb::new(1.0, 0.0, 0.5).unwrap();
    let b = basins(&p)[0];
    assert!(b.right.height < b.left.height);
    // Closed form: attractor at asin(δω/a), saddle at π − asin(δω/a).
    let m = (0.5f64).asin();
    let s = PI - m;
    let expected_right = p.value(s) - p.value(m);
    assert!((b.right.height - expected_right).abs() < 1e-12);
}

#[test]
fn boltzmann_density_matches_exp_minus_two_v_over_q() {
    // Untilted: p(φ) = exp(−2U/Q)/Z. Check against a direct evaluation normalised by the
    // periodic trapezoid rule (spectrally accurate; 1e-12 relative).
    let p = hkb(1.0, 0.5);
    let q = 0.5;
    let d = stationary_density(&p, q, 2048).unwrap();
    let h = TAU / 2048.0;
    let z: f64 = d.phases_rad.iter().map(|&x| (-2.0 * p.value(x) / q).exp()).sum::<f64>() * h;
    for (x, got) in d.phases_rad.iter().zip(&d.density) {
        let want = (-2.0 * p.value(*x) / q).exp() / z;
        assert!((got - want).abs() < 1e-12 * want.max(1.0), "{x}: {got} vs {want}");
    }
    assert!(d.current.abs() < 1e-300);
    assert!(d.bin_averages(64).is_ok());
    assert!(d.bin_averages(100).is_err());
}

#[test]
fn tilted_density_solves_the_stationary_fokker_planck_equation() {
    // The flux J = −U′p − (Q/2)p′ must be the same constant everywhere (stationary FPE), and
    // equal to the reported current. p′ by the 5-point stencil on the 8192-point grid: error
    // (Q/2)·h⁴|p⁽⁵⁾|/30 with h = 7.7e-4 and |p⁽⁵⁾| ≲ p_max·(4 max|U′|/Q)⁵ ≤ 4e7·p_max, i.e.
    // below 1e-10; the tolerance 1e-8 leaves room for the quadrature of p itself.
    for &(a, b, dw, q) in &[(1.0, 0.5, 0.7, 0.5), (1.0, 0.0, 1.3, 0.3), (0.5, 1.0, -0.4, 1.0)] {
        let p = TiltedHkb::new(a, b, dw).unwrap();
        let n = 8192;
        let d = stationary_density(&p, q, n).unwrap();
        let h = TAU / n as f64;
        for k in (0..n).step_by(97) {
            let at = |off: usize| d.density[(k + off) % n];
            let dp = (at(n - 2) - 8.0 * at(n - 1) + 8.0 * at(1) - at(2)) / (12.0 * h);
            let flux = -p.derivative(d.phases_rad[k]) * d.density[k] - 0.5 * q * dp;
            assert!(
                (flux - d.current).abs() < 1e-8,
                "a={a} b={b} δω={dw}: flux {flux} vs J {}",
                d.current
            );
        }
        assert!(d.current * dw > 0.0, "the current flows with the tilt");
    }
}

#[test]
fn pure_drift_has_uniform_density_and_frequency_equal_to_the_tilt() {
    // U = −δω φ: p = 1/(2π) and ⟨φ̇⟩ = δω exactly.
    let p = FourierPotential::new(vec![], vec![], 0.8).unwrap();
    let d = stationary_density(&p, 0.3, 1024).unwrap();
    for v in &d.density {
        assert!((v - 1.0 / TAU).abs() < 1e-12);
    }
    assert!((d.mean_frequency() - 0.8).abs() < 1e-12);
}

#[test]
fn adler_beat_frequency() {
    // Adler (b = 0, Q = 0): beat frequency sqrt(δω² − a²) for |δω| > a; the trapezoid rule
    // converges spectrally, so 1e-10.
    for &(a, dw) in &[(1.0, 1.5), (1.0, 3.0), (0.5, -0.8), (1.0, 1.01)] {
        let p = TiltedHkb::new(a, 0.0, dw).unwrap();
        let want = dw.signum() * (dw * dw - a * a).sqrt();
        let got = deterministic_frequency(&p);
        assert!((got - want).abs() < 1e-10 * want.abs(), "a={a} δω={dw}: {got} vs {want}");
    }
    assert!(deterministic_frequency(&TiltedHkb::new(1.0, 0.0, 0.99).unwrap()).abs() < 1e-300);
}

#[test]
fn noisy_mean_frequency_tends_to_the_adler_limit_quadratically_in_q() {
    // For Q → 0 the stationary current gives the deterministic frequency. The small-noise
    // expansion of the mean period is ∫dφ/v + (Q/2)∫v′/v³ dφ + O(Q²) (v = −U′ > 0); on a
    // periodic v the O(Q) term is [−1/(2v²)] over a period = 0, so the error must shrink about
    // 100-fold when Q shrinks tenfold (ratio in [50, 200]).
    let p = TiltedHkb::new(1.0, 0.0, 1.5).unwrap();
    let limit = 1.25f64.sqrt();
    let e1 = (mean_frequency(&p, 1e-2).unwrap() - limit).abs();
    let e2 = (mean_frequency(&p, 1e-3).unwrap() - limit).abs();
    assert!(e1 < 1e-3 * limit, "{e1}");
    let ratio = e1 / e2;
    assert!((50.0..200.0).contains(&ratio), "error ratio {ratio} ({e1}, {e2})");
}

#[test]
fn first_passage_of_free_and_drifted_diffusion() {
    // Gardiner §5.5: free diffusion with intensity Q, absorbing a and b: T = (x−a)(b−x)/Q;
    // reflecting a, absorbing b: T = ((b−a)² − (x−a)²)/Q. Constant drift v, absorbing 0 and L:
    // T = (1/v)[L(1 − e^{−2vx/Q})/(1 − e^{−2vL/Q}) − x]. Simpson on 4000 cells: 1e-9 relative.
    let flat = FourierPotential::new(vec![], vec![], 0.0).unwrap();
    let q = 0.7;
    let (a, b, x) = (-1.0, 2.0, 0.3);
    let t =
        mean_first_passage_time(&flat, q, x, Boundary::Absorbing(a), Boundary::Absorbing(b), 4000)
            .unwrap();
    assert!((t - (x - a) * (b - x) / q).abs() < 1e-9);
    let t =
        mean_first_passage_time(&flat, q, x, Boundary::Reflecting(a), Boundary::Absorbing(b), 4000)
            .unwrap();
    assert!((t - ((b - a).powi(2) - (x - a).powi(2)) / q).abs() < 1e-9);
    let t =
        mean_first_passage_time(&flat, q, x, Boundary::Absorbing(a), Boundary::Reflecting(b), 4000)
            .unwrap();
    assert!((t - ((b - a).powi(2) - (b - x).powi(2)) / q).abs() < 1e-9);
    let v = 0.4;
    let drift = FourierPotential::new(vec![], vec![], v).unwrap();
    let (len, x) = (2.0, 0.5);
    let want =
        (len * (1.0 - (-2.0 * v * x / q).exp()) / (1.0 - (-2.0 * v * len / q).exp()) - x) / v;
    let t = mean_first_passage_time(
        &drift,
        q,
        x,
        Boundary::Absorbing(0.0),
        Boundary::Absorbing(len),
        4000,
    )
    .unwrap();
    assert!((t - want).abs() < 1e-9 * want, "{t} vs {want}");
}

#[test]
fn kramers_rate_matches_the_exact_escape_time_for_small_noise() {
    // HKB a = b = 1: from anti-phase (π) over saddles at ±acos(−1/4), ΔV = 9/8. The exact MFPT
    // from π to the in-phase well (absorbing at 0 and 2π, lifted) is ≈ 1/k with relative
    // corrections O(Q/ΔV) (Hänggi et al. 1990): at Q = 0.1, 2ΔV/Q = 22.5, so within 10%.
    let p = hkb(1.0, 1.0);
    let q = 0.1;
    let t = switching_time(&p, q).unwrap();
    let escape = kramers_rates(&p, q).unwrap();
    let anti = escape.iter().find(|e| (e.attractor_rad.abs() - PI).abs() < 1e-9).unwrap();
    let ratio = t * anti.total();
    assert!((ratio - 1.0).abs() < 0.1, "T·k = {ratio}");
    // The rate falls as exp(−2ΔV/Q): halving Q multiplies it by exp(−2ΔV/Q) exactly.
    let half = kramers_rates(&p, q / 2.0).unwrap();
    let anti_half = half.iter().find(|e| (e.attractor_rad.abs() - PI).abs() < 1e-9).unwrap();
    let want = (-2.0 * 9.0 / 8.0 / q).exp();
    assert!((anti_half.total() / anti.total() - want).abs() < 1e-12 * want);
}

#[test]
fn bad_inputs_are_typed_errors() {
    assert!(Hkb::new(f64::NAN, 1.0).is_err());
    assert!(TiltedHkb::new(1.0, 1.0, f64::INFINITY).is_err());
    let p = hkb(1.0, 1.0);
    let err = stationary_density(&p, -0.1, 1024).unwrap_err();
    assert!(matches!(err, DynamicsError::Param(ref e) if e.field == "q"), "{err}");
    assert!(stationary_density(&p, 0.0, 1024).is_err());
    assert!(matches!(
        mean_first_passage_time(
            &p,
            0.1,
            0.0,
            Boundary::Reflecting(-1.0),
            Boundary::Reflecting(1.0),
            100
        ),
        Err(DynamicsError::Undefined { .. })
    ));
    assert!(
        mean_first_passage_time(
            &p,
            0.1,
            2.0,
            Boundary::Absorbing(-1.0),
            Boundary::Absorbing(1.0),
            100
        )
        .is_err()
    );
    assert!(matches!(
        kramers_rates(&TiltedHkb::new(1.0, 0.0, 2.0).unwrap(), 0.1),
        Err(DynamicsError::Undefined { .. })
    ));
}

#[test]
fn switching_time_of_free_diffusion_and_its_symmetry() {
    // From π to 0 or 2π without a landscape: T = (x − a)(b − x)/Q = π²/Q (Gardiner 2009, §5.5);
    // Simpson's O(cells⁻⁴) error on 4000 cells is far below 1e-9. For a landscape symmetric
    // about π the exit time is that of the half problem: absorbing at 0, reflecting at π,
    // started next to π (the mirror image carries no flux through π).
    let flat = FourierPotential::new(vec![], vec![], 0.0).unwrap();
    for q in [0.2, 1.0, 3.0] {
        let t = switching_time(&flat, q).unwrap();
        assert!((t - PI * PI / q).abs() < 1e-9 * t, "Q = {q}: {t}");
    }
    let p = hkb(1.0, 0.5);
    let q = 0.4;
    let t = switching_time(&p, q).unwrap();
    let half = mean_first_passage_time(
        &p,
        q,
        PI - 1e-9,
        Boundary::Absorbing(0.0),
        Boundary::Reflecting(PI),
        4000,
    )
    .unwrap();
    assert!((t - half).abs() < 1e-6 * t, "{t} vs {half}");
    assert!(switching_time(&p, 0.0).is_err());
}

/// `I_n(x) = Σ_k (x/2)^{2k+n}/(k!(k+n)!)` (Abramowitz & Stegun 1964, 9.6.10), summed until the
/// terms fall below 1e-17 of the total: an evaluation independent of the crate.
fn bessel_i(n: u32, x: f64) -> f64 {
    let mut term = (0.5 * x).powi(n as i32) / (1..=n).map(f64::from).product::<f64>();
    let mut total = 0.0;
    for k in 1..200 {
        total += term;
        let k = f64::from(k);
        term *= (0.5 * x) * (0.5 * x) / (k * (k + f64::from(n)));
        if term < 1e-17 * total {
            break;
        }
    }
    total
}

#[test]
fn mean_cosine_of_the_cosine_landscape_is_the_von_mises_bessel_ratio() {
    // U = −a cos φ gives p ∝ exp(κ cos φ) with κ = 2a/Q, the von Mises density, whose
    // ⟨cos φ⟩ = I₁(κ)/I₀(κ) and ⟨sin φ⟩ = 0 (Mardia & Jupp 2000, §3.5.4). The midpoint rule on
    // the periodic grid converges spectrally: 1e-12 with 2048 points for κ ≤ 20. A check of the
    // series: I₀(1) = 1.266065878, I₁(1) = 0.565159104 (A&S table 9.8).
    assert!((bessel_i(0, 1.0) - 1.266_065_878).abs() < 1e-9);
    assert!((bessel_i(1, 1.0) - 0.565_159_104).abs() < 1e-9);
    for (a, q) in [(0.25, 1.0), (1.0, 2.0), (1.0, 0.5), (2.0, 0.2)] {
        let kappa = 2.0 * a / q;
        let d = stationary_density(&hkb(a, 0.0), q, 2048).unwrap();
        let (cos, sin) = d.trigonometric_moment(1);
        let want = bessel_i(1, kappa) / bessel_i(0, kappa);
        assert!((cos - want).abs() < 1e-12, "κ = {kappa}: {cos} vs {want}");
        assert!(sin.abs() < 1e-12, "κ = {kappa}: ⟨sin φ⟩ = {sin}");
        // The second moment: ⟨cos 2φ⟩ = I₂(κ)/I₀(κ).
        let (cos2, _) = d.trigonometric_moment(2);
        assert!((cos2 - bessel_i(2, kappa) / bessel_i(0, kappa)).abs() < 1e-12);
    }
}

/// `∫_lo^hi exp(−2V/Q)` by composite Simpson on `2m` intervals (error O(m⁻⁴)).
fn boltzmann_weight(p: &impl Potential, q: f64, lo: f64, hi: f64, m: usize) -> f64 {
    let h = (hi - lo) / (2 * m) as f64;
    let f = |x: f64| (-2.0 * p.value(x) / q).exp();
    let inner: f64 =
        (1..2 * m).map(|i| f(lo + i as f64 * h) * if i % 2 == 1 { 4.0 } else { 2.0 }).sum();
    h / 3.0 * (f(lo) + inner + f(hi))
}

#[test]
fn basin_masses_match_direct_quadrature_of_the_boltzmann_weight() {
    // The stationary mass of a basin is ∫ exp(−2V/Q) over the arc between its saddles divided
    // by the integral over the circle (Risken 1989; Boltzmann density), here by Simpson on
    // 200 000 intervals (error < 1e-12). The density's own masses come from the linear
    // interpolant on its grid: by Euler–Maclaurin the trapezoid error is h²/12 (p′(b) − p′(a)),
    // which vanishes at saddles (V′ = 0 there), leaving O(h⁴): 1e-9 with 8192 points. An arc
    // with ends off the saddles keeps the h² term: allowed h²·max|p′| (max|p′| < 10 here).
    for (a, b, q) in [(1.0, 1.0, 0.5), (1.0, 0.5, 0.3), (1.0, 0.1, 0.8)] {
        let p = hkb(a, b);
        let grid = 8192;
        let d = stationary_density(&p, q, grid).unwrap();
        let whole = boltzmann_weight(&p, q, -PI, PI, 100_000);
        let found = basins(&p);
        let masses = d.basin_masses(&found).unwrap();
        assert_eq!(masses.len(), found.len());
        assert!((masses.iter().sum::<f64>() - 1.0).abs() < 1e-12, "{masses:?}");
        for (basin, mass) in found.iter().zip(&masses) {
            let direct =
                boltzmann_weight(&p, q, basin.left.phase_rad, basin.right.phase_rad, 100_000)
                    / whole;
            assert!((mass - direct).abs() < 1e-9, "a = {a}, b = {b}: {mass} vs {direct}");
        }
        let h = TAU / grid as f64;
        let arc = d.mass_on(-0.5, 0.7).unwrap();
        let direct = boltzmann_weight(&p, q, -0.5, 0.7, 100_000) / whole;
        assert!((arc - direct).abs() < 10.0 * h * h, "{arc} vs {direct}");
        // Arcs wrap: from 2.5 to −2.5 is the arc through π; equal ends are the whole circle.
        let through_pi = d.mass_on(2.5, -2.5).unwrap();
        let direct = boltzmann_weight(&p, q, 2.5, TAU - 2.5, 100_000) / whole;
        assert!((through_pi - direct).abs() < 10.0 * h * h, "{through_pi} vs {direct}");
        assert!((d.mass_on(1.0, 1.0).unwrap() - 1.0).abs() < 1e-12);
    }
}

#[test]
fn adler_and_hkb_locking_ranges() {
    // Adler: P′ = a sin φ, range [−a, a]. HKB(a = 1, b = 0.5): P′ = sin φ + sin 2φ, whose
    // maximum is at cos φ = (−1 + √33)/8 (from P″ = cos φ + 2 cos 2φ = 0), i.e.
    // sin φ (1 + 2 cos φ) there. A tilt already in the landscape does not change the range.
    let (lo, hi) = locking_range(&hkb(0.7, 0.0)).unwrap();
    assert!((lo + 0.7).abs() < 1e-13 && (hi - 0.7).abs() < 1e-13);
    let c = (-1.0 + 33f64.sqrt()) / 8.0;
    let max = (1.0 - c * c).sqrt() * (1.0 + 2.0 * c);
    let (lo, hi) = locking_range(&hkb(1.0, 0.5)).unwrap();
    assert!((hi - max).abs() < 1e-12 && (lo + max).abs() < 1e-12, "{lo} {hi} vs ±{max}");
    let (lo, hi) = locking_range(&TiltedHkb::new(1.0, 0.5, 0.4).unwrap()).unwrap();
    assert!((hi - max).abs() < 1e-12 && (lo + max).abs() < 1e-12, "tilted: {lo} {hi}");
    // Consistent with the fixed points: a tilt inside the range keeps an attractor.
    assert_eq!(attractor_count(&TiltedHkb::new(1.0, 0.5, max - 1e-6).unwrap()), 1);
    assert_eq!(attractor_count(&TiltedHkb::new(1.0, 0.5, max + 1e-6).unwrap()), 0);
}
