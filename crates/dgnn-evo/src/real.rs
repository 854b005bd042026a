//! Real-valued variation: simulated binary crossover (SBX) and polynomial mutation (PM) within
//! box bounds, with pymoo's defaults.
//!
//! **SBX** (Deb & Agrawal 1995, Complex Systems 9:115; bounded form of Deb's NSGA-II code, as in
//! pymoo's `cross_sbx`): with probability `probability` a pair is recombined; then each variable
//! with probability `variable_probability` (and parents more than 1e-14 apart) gets, for
//! `y₁ < y₂`, `δ = y₂ − y₁`, `β = 1 + 2 (y₁ − l)/δ` (resp. `1 + 2 (u − y₂)/δ`),
//! `α = 2 − β^{−(η+1)}`, one uniform `r` and
//! `β_q = (r α)^{1/(η+1)}` if `r ≤ 1/α`, else `(1/(2 − r α))^{1/(η+1)}`,
//! children `c₁ = ½ (y₁ + y₂ − β_q δ)`, `c₂ = ½ (y₁ + y₂ + β_q δ)`, swapped between the two
//! children with probability `exchange_probability`, clamped to the bounds.
//!
//! **PM** (Deb & Goyal 1996, Computer Science and Informatics 26:30; the bounded form of Deb's
//! code, as in pymoo's `mut_pm`): an individual is mutated with probability `probability`; each
//! variable then with probability `variable_probability` (default `1/n`): with
//! `δ₁ = (x − l)/(u − l)`, `δ₂ = (u − x)/(u − l)`, uniform `r`,
//! `δ_q = (2r + (1 − 2r)(1 − δ₁)^{η+1})^{1/(η+1)} − 1` if `r ≤ ½`, else
//! `δ_q = 1 − (2(1 − r) + 2(r − ½)(1 − δ₂)^{η+1})^{1/(η+1)}`, and `x ← clamp(x + δ_q (u − l))`.
//!
//! Defaults are pymoo 0.6's NSGA-II defaults: SBX `probability` 0.9, `eta` 15,
//! `variable_probability` 0.5, `exchange_probability` 0.5; PM `probability` 0.9, `eta` 20,
//! `variable_probability` `1/n`.

use crate::error::EvoError;
use dgnn_core::error::{finite, in_range, non_negative};
use dgnn_core::{ParamError, StreamRng, Valid, Validate};
use rand::RngExt;
use serde::{Deserialize, Serialize};

/// Box bounds `low[i] < high[i]` of a real-valued search space (checked).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bounds {
    low: Vec<f64>,
    high: Vec<f64>,
}

impl Bounds {
    /// Checked bounds: equal non-zero lengths, finite values, `low[i] < high[i]`.
    pub fn new(low: Vec<f64>, high: Vec<f64>) -> Result<Self, EvoError> {
        if low.is_empty() || low.len() != high.len() {
            return Err(ParamError::new(
                "bounds",
                format!("{} lows, {} highs", low.len(), high.len()),
                "give one (low, high) pair per variable, at least one variable",
            )
            .into());
        }
        for (i, (&l, &h)) in low.iter().zip(&high).enumerate() {
            finite(&format!("bounds.low[{i}]"), l)?;
            finite(&format!("bounds.high[{i}]"), h)?;
            if l >= h {
                return Err(ParamError::new(
                    format!("bounds[{i}]"),
                    format!("({l}, {h})"),
                    "low must be smaller than high",
                )
                .into());
            }
        }
        Ok(Self { low, high })
    }

    /// The same interval `[low, high]` for each of `n` variables.
    pub fn uniform(n: usize, low: f64, high: f64) -> Result<Self, EvoError> {
        Self::new(vec![low; n], vec![high; n])
    }

    /// The number of variables.
    #[must_use]
    pub fn len(&self) -> usize {
        self.low.len()
    }

    /// Always false: checked bounds have at least one variable.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.low.is_empty()
    }

    /// The lower bounds.
    #[must_use]
    pub fn low(&self) -> &[f64] {
        &self.low
    }

    /// The upper bounds.
    #[must_use]
    pub fn high(&self) -> &[f64] {
        &self.high
    }

    /// A point drawn uniformly from the box.
    pub fn sample(&self, rng: &mut StreamRng) -> Vec<f64> {
        self.low.iter().zip(&self.high).map(|(&l, &h)| l + rng.random::<f64>() * (h - l)).collect()
    }
}

/// Simulated binary crossover parameters (RON; every field optional, defaults as pymoo).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SbxConfig {
    /// Probability that a pair is recombined at all, in [0, 1]. Default 0.9.
    pub probability: f64,
    /// Distribution index η ≥ 0: larger keeps children closer to their parents. Default 15.
    pub eta: f64,
    /// Probability that each variable is recombined, in [0, 1]. Default 0.5.
    pub variable_probability: f64,
    /// Probability that the two children swap a recombined variable, in [0, 1]. Default 0.5.
    pub exchange_probability: f64,
}

impl Default for SbxConfig {
    fn default() -> Self {
        Self { probability: 0.9, eta: 15.0, variable_probability: 0.5, exchange_probability: 0.5 }
    }
}

impl Validate for SbxConfig {
    /// Probabilities in [0, 1], η ≥ 0.
    fn validate(&self) -> Result<(), ParamError> {
        in_range("probability", self.probability, 0.0, 1.0)?;
        non_negative("eta", self.eta)?;
        in_range("variable_probability", self.variable_probability, 0.0, 1.0)?;
        in_range("exchange_probability", self.exchange_probability, 0.0, 1.0)?;
        Ok(())
    }
}

/// Polynomial mutation parameters (RON; every field optional, defaults as pymoo).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PmConfig {
    /// Probability that an individual is mutated at all, in [0, 1]. Default 0.9.
    pub probability: f64,
    /// Distribution index η ≥ 0: larger makes smaller steps. Default 20.
    pub eta: f64,
    /// Probability that each variable is mutated, in [0, 1]. Default `None` = 1/n.
    pub variable_probability: Option<f64>,
}

impl Default for PmConfig {
    fn default() -> Self {
        Self { probability: 0.9, eta: 20.0, variable_probability: None }
    }
}

impl Validate for PmConfig {
    /// Probabilities in [0, 1], η ≥ 0.
    fn validate(&self) -> Result<(), ParamError> {
        in_range("probability", self.probability, 0.0, 1.0)?;
        non_negative("eta", self.eta)?;
        if let Some(p) = self.variable_probability {
            in_range("variable_probability", p, 0.0, 1.0)?;
        }
        Ok(())
    }
}

/// The parameters of [`RealVariation`] (RON; every field optional, defaults as pymoo).
/// [`ParamGuard::check`](crate::ParamGuard::check) turns them into the checked
/// `Valid<RealVariationConfig>` that [`RealVariation::new`] takes.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RealVariationConfig {
    /// Simulated binary crossover.
    pub sbx: SbxConfig,
    /// Polynomial mutation.
    pub pm: PmConfig,
}

impl Validate for RealVariationConfig {
    /// Both operators' parameters, named `sbx.…` and `pm.…`.
    fn validate(&self) -> Result<(), ParamError> {
        self.sbx.validate().map_err(|e| e.within("sbx"))?;
        self.pm.validate().map_err(|e| e.within("pm"))
    }
}

/// `x^p` for a fixed exponent `p`: by repeated squaring (`powi`) when `p` is an integer of
/// modest size (η + 1 with the usual integer η), else `powf`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Power {
    exponent: f64,
    integer: Option<i32>,
}

impl Power {
    fn new(exponent: f64) -> Self {
        let integer = (exponent.round().to_bits() == exponent.to_bits() && exponent.abs() <= 64.0)
            .then_some(exponent as i32);
        Self { exponent, integer }
    }

    fn of(self, x: f64) -> f64 {
        match self.integer {
            Some(n) => x.powi(n),
            None => x.powf(self.exponent),
        }
    }
}

/// SBX followed by polynomial mutation on real vectors within bounds.
#[derive(Debug, Clone, PartialEq)]
pub struct RealVariation {
    bounds: Bounds,
    sbx: SbxConfig,
    pm: PmConfig,
    pm_variable_probability: f64,
    /// `β ↦ β^{−(η_c+1)}` of SBX.
    sbx_decay: Power,
    /// `x ↦ x^{η_m+1}` of polynomial mutation.
    pm_growth: Power,
}

impl RealVariation {
    /// The operator on `bounds` with checked parameters (PM's per-variable probability
    /// defaults to 1/n for n variables).
    #[must_use]
    pub fn new(bounds: Bounds, config: Valid<RealVariationConfig>) -> Self {
        Self::from_checked(bounds, config.into_inner())
    }

    /// pymoo's defaults on the given bounds (which pass the check: tested).
    #[must_use]
    pub fn with_defaults(bounds: Bounds) -> Self {
        Self::from_checked(bounds, RealVariationConfig::default())
    }

    /// The operator with parameters known to pass [`RealVariationConfig::validate`].
    fn from_checked(bounds: Bounds, RealVariationConfig { sbx, pm }: RealVariationConfig) -> Self {
        let pm_variable_probability = pm.variable_probability.unwrap_or(1.0 / bounds.len() as f64);
        let sbx_decay = Power::new(-(sbx.eta + 1.0));
        let pm_growth = Power::new(pm.eta + 1.0);
        Self { bounds, sbx, pm, pm_variable_probability, sbx_decay, pm_growth }
    }

    /// The bounds the operator keeps children in.
    #[must_use]
    pub fn bounds(&self) -> &Bounds {
        &self.bounds
    }
}

/// SBX's spread factor `β_q` for the bound-dependent `β` and the uniform draw `r`
/// (`decay` is `β ↦ β^{−(η+1)}`).
fn spread(beta: f64, eta: f64, decay: Power, r: f64) -> f64 {
    let alpha = 2.0 - decay.of(beta);
    if r <= 1.0 / alpha {
        (r * alpha).powf(1.0 / (eta + 1.0))
    } else {
        (1.0 / (2.0 - r * alpha)).powf(1.0 / (eta + 1.0))
    }
}

impl crate::problem::Variation<Vec<f64>> for RealVariation {
    fn describe(&self) -> String {
        format!(
            "SBX(p={}, eta={}, p_var={}, p_exch={}) + PM(p={}, eta={}, p_var={}) on {} variables",
            self.sbx.probability,
            self.sbx.eta,
            self.sbx.variable_probability,
            self.sbx.exchange_probability,
            self.pm.probability,
            self.pm.eta,
            self.pm_variable_probability,
            self.bounds.len()
        )
    }

    fn crossover(&self, first: &Vec<f64>, second: &Vec<f64>, rng: &mut StreamRng) -> [Vec<f64>; 2] {
        let mut children = [first.clone(), second.clone()];
        if rng.random::<f64>() >= self.sbx.probability {
            return children;
        }
        let eta = self.sbx.eta;
        let [a, b] = &mut children;
        for (i, (x1, x2)) in a.iter_mut().zip(b.iter_mut()).enumerate() {
            if rng.random::<f64>() >= self.sbx.variable_probability {
                continue;
            }
            let (low, high) = (self.bounds.low[i], self.bounds.high[i]);
            let delta = (*x1 - *x2).abs();
            if delta <= 1e-14 {
                continue;
            }
            let (y1, y2) = if *x1 < *x2 { (*x1, *x2) } else { (*x2, *x1) };
            let r = rng.random::<f64>();
            let decay = self.sbx_decay;
            let c1 =
                0.5 * ((y1 + y2) - spread(1.0 + 2.0 * (y1 - low) / delta, eta, decay, r) * delta);
            let c2 =
                0.5 * ((y1 + y2) + spread(1.0 + 2.0 * (high - y2) / delta, eta, decay, r) * delta);
            let (c1, c2) = (c1.clamp(low, high), c2.clamp(low, high));
            // Each parent first receives the child on its own side, then the two swap with
            // probability `exchange_probability`.
            let (near1, near2) = if *x1 < *x2 { (c1, c2) } else { (c2, c1) };
            if rng.random::<f64>() < self.sbx.exchange_probability {
                (*x1, *x2) = (near2, near1);
            } else {
                (*x1, *x2) = (near1, near2);
            }
        }
        children
    }

    fn mutate(&self, genome: &mut Vec<f64>, rng: &mut StreamRng) {
        if rng.random::<f64>() >= self.pm.probability {
            return;
        }
        let power = 1.0 / (self.pm.eta + 1.0);
        for (i, x) in genome.iter_mut().enumerate() {
            if rng.random::<f64>() >= self.pm_variable_probability {
                continue;
            }
            let (low, high) = (self.bounds.low[i], self.bounds.high[i]);
            let width = high - low;
            let r = rng.random::<f64>();
            let step = if r <= 0.5 {
                let rest = 1.0 - (*x - low) / width;
                (2.0 * r + (1.0 - 2.0 * r) * self.pm_growth.of(rest)).powf(power) - 1.0
            } else {
                let rest = 1.0 - (high - *x) / width;
                1.0 - (2.0 * (1.0 - r) + 2.0 * (r - 0.5) * self.pm_growth.of(rest)).powf(power)
            };
            *x = (*x + step * width).clamp(low, high);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::Variation;
    use dgnn_core::{ParamGuard, Seed};

    /// The defaults `with_defaults` builds from without a check pass the check, and a checked
    /// config deserialised from RON is checked (a bad field is refused, naming it).
    #[test]
    fn defaults_pass_and_deserialising_checks() {
        assert!(RealVariationConfig::default().check().is_ok());
        let good: Valid<RealVariationConfig> = ron::from_str("(sbx: (eta: 5.0))").unwrap();
        assert!((good.sbx.eta - 5.0).abs() < 1e-15);
        let bad = ron::from_str::<Valid<RealVariationConfig>>("(pm: (probability: 2.0))");
        assert!(bad.unwrap_err().to_string().contains("pm.probability"));
    }

    /// The checked operator from raw parameters (what a caller writes).
    fn operator(bounds: Bounds, sbx: SbxConfig, pm: PmConfig) -> Result<RealVariation, EvoError> {
        Ok(RealVariation::new(bounds, RealVariationConfig { sbx, pm }.check()?))
    }

    #[test]
    fn bad_parameters_are_named() {
        let bounds = Bounds::uniform(3, 0.0, 1.0).unwrap();
        let sbx = SbxConfig { probability: 1.5, ..SbxConfig::default() };
        let err = operator(bounds.clone(), sbx, PmConfig::default()).unwrap_err();
        assert!(err.to_string().contains("sbx.probability"), "{err}");
        let pm = PmConfig { eta: -1.0, ..PmConfig::default() };
        let err = operator(bounds.clone(), SbxConfig::default(), pm).unwrap_err();
        assert!(err.to_string().contains("pm.eta"), "{err}");
        let pm = PmConfig { variable_probability: Some(f64::NAN), ..PmConfig::default() };
        assert!(operator(bounds, SbxConfig::default(), pm).is_err());
        let err = Bounds::new(vec![0.0, 1.0], vec![1.0, 1.0]).unwrap_err();
        assert!(err.to_string().contains("bounds[1]"), "{err}");
        assert!(Bounds::new(vec![f64::NAN], vec![1.0]).is_err());
        assert!(Bounds::new(vec![], vec![]).is_err());
    }

    /// SBX conserves the parents' mean, `c₁ + c₂ = y₁ + y₂` (Deb & Agrawal 1995, eq. 3), when
    /// both children use the same β_q, i.e. when the bounds are far: in a box of half-width 1e7
    /// both `β ≥ 1e6`, so `β^{−16}` is below 1e-96 and `α = 2` to the last bit.
    /// Only rounding of the two children (≈ 1e-15 relative) remains.
    #[test]
    fn sbx_preserves_the_mean_away_from_bounds() {
        let bounds = Bounds::uniform(5, -1e7, 1e7).unwrap();
        let sbx = SbxConfig { probability: 1.0, variable_probability: 1.0, ..SbxConfig::default() };
        let op = operator(bounds, sbx, PmConfig::default()).unwrap();
        for k in 0..200 {
            let mut rng = Seed(5).stream("test/sbx", &[k]);
            let a = vec![0.1, 2.0, -3.0, 4.0, 5.5];
            let b = vec![1.1, -2.0, 3.0, 4.5, 5.0];
            let [c, d] = op.crossover(&a, &b, &mut rng);
            for i in 0..5 {
                let sum = c[i] + d[i];
                assert!((sum - (a[i] + b[i])).abs() < 1e-12, "{sum}");
            }
        }
    }

    /// `Power` agrees with `powf`: repeated squaring rounds once per multiplication, at most
    /// 2·log₂ 64 = 12 times, so the relative error stays below 12 ε ≈ 2.7e-15 (we allow 1e-14).
    #[test]
    fn power_matches_powf() {
        for exponent in [-16.0, -21.0, 16.0, 21.0, 2.5, -15.5] {
            let power = Power::new(exponent);
            assert_eq!(power.integer.is_some(), exponent.fract().abs() < 0.25);
            for x in [0.1, 0.5, 0.999, 1.0, 1.7, 3.0] {
                let exact = f64::powf(x, exponent);
                assert!((power.of(x) - exact).abs() <= 1e-14 * exact, "{x}^{exponent}");
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        // Invariant: the check is exactly what the operator needs. Any parameters the check
        // accepts (probabilities anywhere in [0, 1], any η ≥ 0 up to 100, PM's rate given or
        // not) give an operator whose children and mutants are finite and inside the bounds;
        // a probability outside [0, 1] or a negative η is refused, naming the field.
        #[test]
        fn checked_parameters_keep_children_in_bounds(
            p in proptest::array::uniform6(0.0..=1.0f64),
            eta in proptest::array::uniform2(0.0..100.0f64),
            given_rate: bool,
            bad in -1.0..-1e-9f64,
        ) {
            let sbx = SbxConfig { probability: p[0], eta: eta[0], variable_probability: p[1], exchange_probability: p[2] };
            let pm = PmConfig { probability: p[3], eta: eta[1], variable_probability: given_rate.then_some(p[4]) };
            let bounds = Bounds::new(vec![-2.0, 0.0, 5.0], vec![-1.0, 1e-3, 9.0]).unwrap();
            let op = operator(bounds.clone(), sbx, pm).unwrap();
            let mut rng = Seed(1).stream("test/checked", &[p[5].to_bits()]);
            let a = bounds.sample(&mut rng);
            let b = bounds.sample(&mut rng);
            for mut child in op.crossover(&a, &b, &mut rng) {
                op.mutate(&mut child, &mut rng);
                for (i, x) in child.iter().enumerate() {
                    proptest::prop_assert!((bounds.low()[i]..=bounds.high()[i]).contains(x), "{x}");
                }
            }
            let err = operator(bounds.clone(), SbxConfig { eta: bad, ..sbx }, pm).unwrap_err();
            proptest::prop_assert!(err.to_string().contains("sbx.eta"));
            let err = operator(bounds, sbx, PmConfig { probability: 1.0 - bad, ..pm }).unwrap_err();
            proptest::prop_assert!(err.to_string().contains("pm.probability"));
        }
    }

    /// Children and mutants never leave the box, whatever the parents.
    #[test]
    fn children_stay_in_bounds() {
        let bounds = Bounds::new(vec![0.0, -1.0, 10.0], vec![1.0, 1.0, 10.5]).unwrap();
        let op = operator(
            bounds.clone(),
            SbxConfig {
                probability: 1.0,
                variable_probability: 1.0,
                eta: 0.0,
                ..SbxConfig::default()
            },
            PmConfig { probability: 1.0, variable_probability: Some(1.0), eta: 0.0 },
        )
        .unwrap();
        for k in 0..2000 {
            let mut rng = Seed(9).stream("test/bounds", &[k]);
            let a = bounds.sample(&mut rng);
            let b = bounds.sample(&mut rng);
            for mut child in op.crossover(&a, &b, &mut rng) {
                op.mutate(&mut child, &mut rng);
                for (i, x) in child.iter().enumerate() {
                    assert!((bounds.low()[i]..=bounds.high()[i]).contains(x), "{x}");
                }
            }
        }
    }

    /// The spread factor of unbounded SBX has density ½(η+1)β^η on [0, 1] and
    /// ½(η+1)/β^{η+2} above (Deb & Agrawal 1995, eq. 4), so P(β_q ≤ 1) = ½ and
    /// E[β_q | β_q ≤ 1] = (η+1)/(η+2). With α = 2 (no bound) our `spread` must reproduce both.
    /// 100 000 draws: the fraction has standard error 0.5/√1e5 = 0.0016, the conditional mean of
    /// a variable with standard deviation ≤ 0.25 has error ≤ 0.25/√5e4 = 0.0011; we allow 4σ.
    #[test]
    fn sbx_spread_has_the_published_distribution() {
        use rand::RngExt;
        let eta = 15.0;
        let mut rng = Seed(3).stream("test/spread", &[]);
        let n = 100_000;
        let (mut below, mut sum_below) = (0usize, 0.0);
        for _ in 0..n {
            let q = spread(f64::INFINITY, eta, Power::new(-(eta + 1.0)), rng.random::<f64>());
            if q <= 1.0 {
                below += 1;
                sum_below += q;
            }
        }
        let fraction = below as f64 / n as f64;
        assert!((fraction - 0.5).abs() < 4.0 * 0.0016, "{fraction}");
        let mean = sum_below / below as f64;
        assert!((mean - (eta + 1.0) / (eta + 2.0)).abs() < 4.0 * 0.0011, "{mean}");
    }
}
