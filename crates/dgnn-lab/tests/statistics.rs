//! dgnn-lab's statistics against scipy 1.17.1 on fixed inputs (`tests/reference/scipy_reference.py`
//! prints the reference values), and the bootstrap against its exact distribution.

use dgnn_core::{ParamGuard, Seed};
use dgnn_lab::stats::bootstrap::{BootstrapOptions, bootstrap_interval, mean_at};
use dgnn_lab::stats::permutation::{SignFlipOptions, sign_flip_test};
use dgnn_lab::stats::rank::{
    PMethod, kruskal_wallis, mann_whitney_u, spearman, wilcoxon_signed_rank,
};

/// scipy's exact p-values are computed in double precision by the same counts; 1e-12 relative
/// covers summation order.
fn close(got: f64, want: f64) -> bool {
    (got - want).abs() <= 1e-12 * want.abs().max(1e-3)
}

/// Normal-tail p-values: statrs' erfc and scipy's ndtr (Cephes) agree to about 1e-10 relative.
fn close_tail(got: f64, want: f64) -> bool {
    (got / want - 1.0).abs() <= 1e-9
}

#[test]
fn wilcoxon_matches_scipy_in_all_three_methods() {
    let exact = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30, -0.2, -0.9, 0.75];
    let r = wilcoxon_signed_rank(&exact).unwrap();
    assert_eq!(r.method, PMethod::Exact);
    assert!(close(r.statistic, 5.0) && close(r.p_value, 0.004_882_812_5), "{r:?}");

    let ties_small = [1.0, -2.0, 3.0, 1.0, 2.0, 4.0, -1.0, 2.0, 0.0, 5.0];
    let r = wilcoxon_signed_rank(&ties_small).unwrap();
    assert_eq!(r.method, PMethod::Permutation);
    assert!(close(r.statistic, 7.0) && close(r.p_value, 0.082_031_25), "{r:?}");

    let ties_large =
        [1.0, -2.0, 3.0, 1.0, 2.0, 4.0, -1.0, 2.0, 0.0, 5.0, 3.0, -3.0, 6.0, 2.0, 1.0, 7.0];
    let r = wilcoxon_signed_rank(&ties_large).unwrap();
    assert_eq!(r.method, PMethod::Asymptotic);
    assert!(close(r.statistic, 19.0) && close_tail(r.p_value, 0.019_284_070_516_010_693), "{r:?}");

    let long: Vec<f64> = (0..60).map(|i| f64::from((i * 37) % 101 - 40) / 10.0).collect();
    let r = wilcoxon_signed_rank(&long).unwrap();
    assert_eq!(r.method, PMethod::Asymptotic);
    assert!(close(r.statistic, 583.0) && close_tail(r.p_value, 0.022_633_208_936_007_52), "{r:?}");
}

#[test]
fn mann_whitney_matches_scipy() {
    let x = [0.8, 1.9, 2.4, 3.1, 4.7, 5.2];
    let y = [2.2, 3.5, 4.1, 5.9, 6.3, 7.0, 7.4, 8.8, 9.1];
    let r = mann_whitney_u(&x, &y).unwrap();
    assert_eq!(r.method, PMethod::Exact);
    assert!(close(r.u_first, 8.0) && close(r.p_value, 0.025_574_425_574_425_574), "{r:?}");
    let x = [1.0, 2.0, 2.0, 3.0, 4.0, 4.0, 4.0, 5.0, 6.0, 7.0];
    let y = [3.0, 4.0, 5.0, 5.0, 6.0, 7.0, 7.0, 8.0, 9.0, 9.0, 10.0];
    let r = mann_whitney_u(&x, &y).unwrap();
    assert_eq!(r.method, PMethod::Asymptotic);
    assert!(close(r.u_first, 18.5) && close_tail(r.p_value, 0.010_669_300_560_314_204), "{r:?}");
}

#[test]
fn kruskal_wallis_and_spearman_match_scipy() {
    let g: [&[f64]; 3] =
        [&[2.9, 3.0, 2.5, 2.6, 3.2], &[3.8, 2.7, 4.0, 2.4], &[2.8, 3.4, 3.7, 2.2, 2.0, 3.0]];
    let r = kruskal_wallis(&g).unwrap();
    assert!(close(r.h, 0.615_682_766_845_567) && close_tail(r.p_value, 0.735_031_897_006_791_7));
    assert!(close(r.epsilon_squared, r.h / 14.0) && r.df == 2);
    let a = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0];
    let b = [2.0, 1.0, 4.0, 3.0, 7.0, 7.0, 6.0, 9.0, 8.0, 12.0];
    let r = spearman(&a, &b).unwrap();
    assert!(close(r.rho, 0.924_016_426_393_698_3), "{r:?}");
    assert!(close_tail(r.p_value, 0.000_132_952_658_160_090_46), "{r:?}");
}

#[test]
fn sign_flip_test_matches_scipy_exact_permutation() {
    let d = [0.9, -0.3, 1.4, 0.2, 0.8, -0.5, 1.1, 0.6, 0.4, 1.3];
    let options = SignFlipOptions::default().check().unwrap();
    let r = sign_flip_test(&d, &options, Seed(1)).unwrap();
    assert!(r.exact && close(r.mean_difference, 0.59) && close(r.p_value, 0.025_390_625), "{r:?}");
}

/// The exact bootstrap distribution of the mean of 5 values enumerates all 5⁵ equally likely
/// resamples. A Monte Carlo percentile endpoint from R resamples is the q-quantile of R draws,
/// so the exact CDF at it lies within q ± 4 √(q(1 − q)/R) (4 binomial standard errors).
#[test]
fn bootstrap_percentiles_match_the_exact_bootstrap_distribution() {
    let values = [2.0, 3.5, 4.0, 7.5, 11.0];
    let mut means = Vec::with_capacity(3125);
    for code in 0..3125u32 {
        let mut c = code;
        let mut sum = 0.0;
        for _ in 0..5 {
            sum += values[(c % 5) as usize];
            c /= 5;
        }
        means.push(sum / 5.0);
    }
    let cdf = |x: f64| means.iter().filter(|&&m| m <= x + 1e-12).count() as f64 / 3125.0;
    let resamples = 40_000;
    let options = BootstrapOptions { resamples, level: 0.9 }.check().unwrap();
    let ci = bootstrap_interval(5, |idx| mean_at(&values, idx), &options, Seed(3), &[0]).unwrap();
    assert!((ci.estimate - 5.6).abs() < 1e-12);
    let band = |q: f64| 4.0 * (q * (1.0 - q) / resamples as f64).sqrt();
    // The CDF is a step function: the endpoint's CDF may exceed q by one atom's mass (≤ 5/3125
    // for these distinct values' sums at the tails).
    let atom = 5.0 / 3125.0;
    assert!(cdf(ci.low) >= 0.05 - band(0.05) && cdf(ci.low) <= 0.05 + band(0.05) + atom, "{ci:?}");
    assert!(
        cdf(ci.high) >= 0.95 - band(0.95) && cdf(ci.high) <= 0.95 + band(0.95) + atom,
        "{ci:?}"
    );
}

/// scipy's percentile interval of the mean from 200 000 resamples; ours from 40 000 differ by
/// resampling error only: the endpoints' standard error is about s / √n · √(q(1−q)/R) / φ(z_q)
/// ≈ 0.35 · 0.0011 / 0.058 ≈ 0.007 here, so 0.04 is more than 5 standard errors.
#[test]
fn bootstrap_agrees_with_scipy_within_resampling_error() {
    let s = [3.1, 4.7, 2.2, 5.9, 4.4, 3.8, 6.1, 2.9, 4.0, 5.2, 3.3, 4.9];
    let options = BootstrapOptions { resamples: 40_000, level: 0.95 }.check().unwrap();
    let ci = bootstrap_interval(s.len(), |idx| mean_at(&s, idx), &options, Seed(9), &[]).unwrap();
    assert!((ci.low - 3.55).abs() < 0.04 && (ci.high - 4.866_666).abs() < 0.04, "{ci:?}");
    assert!(ci.contains(ci.estimate));
}

#[test]
fn bad_inputs_are_named_errors() {
    assert!(wilcoxon_signed_rank(&[0.0, 0.0]).is_err());
    assert!(wilcoxon_signed_rank(&[1.0, f64::NAN]).is_err());
    assert!(mann_whitney_u(&[], &[1.0]).is_err());
    assert!(kruskal_wallis(&[&[1.0, 1.0], &[1.0]]).is_err());
    assert!(spearman(&[1.0, 2.0], &[2.0, 1.0]).is_err());
    assert!(BootstrapOptions { resamples: 10, level: 0.95 }.check().is_err());
    let options = BootstrapOptions::default().check().unwrap();
    let err = bootstrap_interval(3, |_| f64::INFINITY, &options, Seed(0), &[]).unwrap_err();
    assert!(err.to_string().contains("observed"), "{err}");
}
