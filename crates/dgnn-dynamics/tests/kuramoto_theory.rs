//! Kuramoto's mean-field theory for a frequency density against independent values: the
//! critical couplings `2/(π g(0))` of the Gaussian and the Lorentzian in closed form, the
//! Lorentzian's `r = sqrt(1 − 2Δ/K)`, the square-root law just above `K_c`, the Gaussian
//! quantile table value, and the Gaussian `r(K)` against a large-N simulation.

use dgnn_dynamics::kuramoto::{
    FrequencyDensity, Gaussian, Lorentzian, UserDensity, critical_coupling,
    self_consistent_order_parameter,
};
use dgnn_dynamics::network::{gaussian_quantiles, lorentzian_order_parameter, uniform_phases};
use dgnn_dynamics::simd::{KuramotoParams, kuramoto_mean_field};
use dgnn_dynamics::{DynamicsError, NoProgress, ParamGuard, Seed};
use std::f64::consts::PI;

#[test]
fn critical_couplings_of_the_gaussian_and_the_lorentzian() {
    // K_c = 2/(π g(0)) (Kuramoto 1975). Gaussian σ = 1: g(0) = 1/sqrt(2π), so
    // K_c = 2 sqrt(2π)/π = 1.5957691216057308; it scales with σ. Lorentzian: g(0) = 1/(πΔ),
    // K_c = 2Δ. Both to rounding.
    let gaussian = critical_coupling(&Gaussian::new(1.0).unwrap()).unwrap();
    assert!((gaussian - 2.0 * (2.0 * PI).sqrt() / PI).abs() < 1e-15, "{gaussian}");
    assert!((gaussian - 1.595_769_121_605_730_8).abs() < 1e-15, "{gaussian}");
    let narrow = critical_coupling(&Gaussian::new(0.3).unwrap()).unwrap();
    assert!((narrow - 0.3 * gaussian).abs() < 1e-15, "{narrow}");
    let lorentzian = critical_coupling(&Lorentzian::new(0.5).unwrap()).unwrap();
    assert!((lorentzian - 1.0).abs() < 1e-15, "{lorentzian}");
}

#[test]
fn lorentzian_root_equals_the_closed_form() {
    // r = sqrt(1 − 2Δ/K) above K_c = 2Δ, 0 below (Kuramoto 1975; Ott & Antonsen 2008). The
    // solver knows nothing of the closed form: quadrature error < 1e-13, bisection to rounding.
    for half_width in [0.1, 0.5, 2.0] {
        let density = Lorentzian::new(half_width).unwrap();
        for factor in [0.5, 1.0, 1.001, 1.2, 2.0, 5.0, 40.0] {
            let k = factor * 2.0 * half_width;
            let r = self_consistent_order_parameter(&density, k).unwrap();
            let exact = lorentzian_order_parameter(k, half_width);
            assert!((r - exact).abs() < 1e-10, "Δ = {half_width}, K = {k}: {r} vs {exact}");
        }
    }
}

#[test]
fn gaussian_root_grows_as_the_square_root_law_above_k_c() {
    // Just above K_c, r ≈ sqrt(16 μ/(π K_c⁴ |g″(0)|)), μ = K − K_c (Strogatz 2000, eq. 4.9);
    // for the Gaussian |g″(0)| = 1/(σ³ sqrt(2π)). The next term of the expansion makes the
    // relative error O(μ): it must shrink about tenfold when μ does (ratio in [5, 20]).
    let sigma = 0.7;
    let density = Gaussian::new(sigma).unwrap();
    let k_c = critical_coupling(&density).unwrap();
    let curvature = 1.0 / (sigma.powi(3) * (2.0 * PI).sqrt());
    let relative_error = |epsilon: f64| {
        let mu = epsilon * k_c;
        let law = (16.0 * mu / (PI * k_c.powi(4) * curvature)).sqrt();
        let r = self_consistent_order_parameter(&density, k_c + mu).unwrap();
        (r - law).abs() / law
    };
    let (coarse, fine) = (relative_error(1e-3), relative_error(1e-4));
    assert!(coarse < 1e-2 && fine < 1e-3, "{coarse} {fine}");
    let ratio = coarse / fine;
    assert!((5.0..=20.0).contains(&ratio), "error ratio {ratio} ({coarse} / {fine})");
    assert!(self_consistent_order_parameter(&density, k_c).unwrap().abs() < 1e-300);
}

#[test]
fn gaussian_quantiles_hit_the_normal_table() {
    // Φ⁻¹(0.975) = 1.959963984540054 (Abramowitz & Stegun 1964, 26.2.23 tables): with N = 20
    // the last quantile is at (19 + ½)/20 = 0.975. The set is symmetric about the centre.
    let omega = gaussian_quantiles(20, 0.4, 2.0).unwrap();
    assert!((omega[19] - (0.4 + 2.0 * 1.959_963_984_540_054)).abs() < 1e-12, "{}", omega[19]);
    for i in 0..10 {
        assert!((omega[i] + omega[19 - i] - 0.8).abs() < 1e-12, "{i}");
    }
    assert!(gaussian_quantiles(5, 0.0, 0.0).is_err());
    assert!(gaussian_quantiles(5, f64::NAN, 1.0).is_err());
}

#[test]
fn densities_that_are_not_symmetric_and_unimodal_are_refused() {
    // The self-consistency equation assumes g(ω) = g(−ω), falling away from 0; other densities
    // are named as the fault rather than solved wrongly.
    let skewed = UserDensity::new(|w: f64| if w > 0.0 { 0.6 * (-w).exp() } else { 0.4 * w.exp() });
    let bimodal = UserDensity::new(|w: f64| {
        let bump = |c: f64| (-(w - c) * (w - c)).exp() / PI.sqrt();
        0.5 * (bump(1.0) + bump(-1.0))
    });
    for density in [&skewed as &dyn Probe, &bimodal] {
        let err = density.solve(5.0).unwrap_err();
        assert!(matches!(err, DynamicsError::Undefined { .. }), "{err}");
    }
    let empty_centre = UserDensity::new(|w: f64| if w.abs() < 1.0 { 0.0 } else { 0.25 });
    assert!(critical_coupling(&empty_centre).is_err());
    assert!(self_consistent_order_parameter(&Gaussian::new(1.0).unwrap(), -1.0).is_err());
}

/// A density behind a trait object, so differently typed closures share one loop.
trait Probe {
    fn solve(&self, coupling: f64) -> Result<f64, DynamicsError>;
}

impl<D: FrequencyDensity> Probe for D {
    fn solve(&self, coupling: f64) -> Result<f64, DynamicsError> {
        self_consistent_order_parameter(self, coupling)
    }
}

#[test]
fn gaussian_r_of_k_matches_a_large_network() {
    // The self-consistent r(K) for Gaussian frequencies (σ = 1, K_c ≈ 1.596) against the mean
    // field of N = 20 000 oscillators with Gaussian quantile frequencies (RK4, dt = 0.05,
    // t = 150, r averaged over the last 50 time units). Couplings from 1.25 K_c up, away from
    // the slow relaxation near K_c (rate ∝ K − K_c). Finite-N error: the drifting oscillators
    // add a fluctuating part to Z of typical size sqrt(π/(4N)) = 6.3e-3 (the incoherent
    // floor), which the time average shrinks; the quantile sample's own error is O(1/N).
    // Allowed: sqrt(π/(4N)).
    let n = 20_000;
    let density = Gaussian::new(1.0).unwrap();
    let params = KuramotoParams {
        omega: gaussian_quantiles(n, 0.0, 1.0).unwrap(),
        theta0: uniform_phases(Seed(11), "test/gaussian-kuramoto", n),
        couplings: vec![2.0, 2.5, 3.0, 4.0],
        dt: 0.05,
        steps: 3000,
        average: 1000,
    }
    .check()
    .unwrap();
    let tolerance = (PI / (4.0 * n as f64)).sqrt();
    for point in kuramoto_mean_field(&params, &NoProgress) {
        let theory = self_consistent_order_parameter(&density, point.k).unwrap();
        assert!(
            (point.r_mean - theory).abs() < tolerance,
            "K = {}: simulated {} vs theory {theory} (allowed {tolerance})",
            point.k,
            point.r_mean
        );
    }
}
