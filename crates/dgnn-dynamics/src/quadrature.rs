//! Small quadrature helpers shared by the landscape analysis: 8-point Gauss–Legendre on a cell
//! (exact for polynomials of degree 15; Abramowitz & Stegun 1964, table 25.4).

/// Gauss–Legendre nodes on `[-1, 1]` (positive half; the rule is symmetric).
const NODES: [f64; 4] = [
    0.183_434_642_495_649_8,
    0.525_532_409_916_329,
    0.796_666_477_413_626_7,
    0.960_289_856_497_536_3,
];
/// The weights of [`NODES`].
const WEIGHTS: [f64; 4] = [
    0.362_683_783_378_362,
    0.313_706_645_877_887_3,
    0.222_381_034_453_374_5,
    0.101_228_536_290_376_3,
];

/// `∫_lo^hi f` by 8-point Gauss–Legendre.
pub(crate) fn gauss_legendre(lo: f64, hi: f64, f: impl Fn(f64) -> f64) -> f64 {
    let mid = 0.5 * (lo + hi);
    let half = 0.5 * (hi - lo);
    let mut total = 0.0;
    for (x, w) in NODES.iter().zip(WEIGHTS) {
        total += w * (f(mid - half * x) + f(mid + half * x));
    }
    total * half
}

/// `ln(e^a + e^b)` without overflow.
pub(crate) fn log_add_exp(a: f64, b: f64) -> f64 {
    if a == f64::NEG_INFINITY {
        return b;
    }
    if b == f64::NEG_INFINITY {
        return a;
    }
    let (hi, lo) = if a > b { (a, b) } else { (b, a) };
    hi + (lo - hi).exp().ln_1p()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gauss_legendre_is_exact_to_degree_15() {
        // ∫_0^2 x^15 dx = 2^16/16 = 4096 (degree 2·8 − 1 = 15 is integrated exactly).
        let got = gauss_legendre(0.0, 2.0, |x| x.powi(15));
        assert!((got - 4096.0).abs() < 1e-9, "{got}");
        // ∫_0^π sin = 2, error of the 8-point rule ~ π^17/(17!·…) < 1e-12.
        assert!((gauss_legendre(0.0, std::f64::consts::PI, f64::sin) - 2.0).abs() < 1e-12);
    }

    #[test]
    fn log_add_exp_matches_direct_sum() {
        assert!((log_add_exp(1.0, 2.0) - (1f64.exp() + 2f64.exp()).ln()).abs() < 1e-14);
        assert!((log_add_exp(1000.0, 1000.0) - (1000.0 + 2f64.ln())).abs() < 1e-12);
        assert!((log_add_exp(f64::NEG_INFINITY, 3.0) - 3.0).abs() < 1e-15);
    }
}
