//! Test problems with known Pareto fronts, and an objective budget as a constraint.
//!
//! - **ZDT1–3** (Zitzler, Deb & Thiele 2000, Evolutionary Computation 8:173), `x ∈ [0, 1]ⁿ`:
//!   `f₁ = x₁`, `g = 1 + 9/(n−1) Σ_{i≥2} xᵢ`, `f₂ = g·h(f₁, g)` with
//!   ZDT1 `h = 1 − √(f₁/g)` (convex front `f₂ = 1 − √f₁`),
//!   ZDT2 `h = 1 − (f₁/g)²` (concave front `f₂ = 1 − f₁²`),
//!   ZDT3 `h = 1 − √(f₁/g) − (f₁/g) sin(10π f₁)` (five disconnected pieces).
//!   The fronts are reached at `g = 1`, i.e. `x₂ = … = xₙ = 0`.
//! - **DTLZ2** (Deb, Thiele, Laumanns & Zitzler 2002, CEC 2002), `M` objectives,
//!   `n = M + k − 1` variables in `[0, 1]`, `g = Σ_{i>M−1} (xᵢ − ½)²`,
//!   `f₁ = (1+g) Π_{j<M} cos(xⱼ π/2)`, `f_m = (1+g) Π_{j≤M−m} cos(xⱼ π/2) · sin(x_{M−m+1} π/2)`;
//!   the front is the positive unit sphere `Σ f_m² = 1` (at `g = 0`).
//! - **[`Budget`]** wraps any problem and adds the constraint `f_k ≤ limit` with violation
//!   `max(0, f_k − limit)`: an energy budget on an energy objective, for example.

use crate::error::{EvaluationError, EvoError};
use crate::problem::{EvalContext, Evaluation, Problem};
use crate::real::Bounds;
use dgnn_core::error::{at_least, finite};
use dgnn_core::{ParamError, StreamRng};
use std::f64::consts::{FRAC_PI_2, PI};

/// Which member of the ZDT family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZdtKind {
    /// Convex front `f₂ = 1 − √f₁`.
    Zdt1,
    /// Concave front `f₂ = 1 − f₁²`.
    Zdt2,
    /// Disconnected front `f₂ = 1 − √f₁ − f₁ sin(10π f₁)` (its non-dominated part).
    Zdt3,
}

/// A ZDT problem with `n` variables in `[0, 1]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Zdt {
    kind: ZdtKind,
    bounds: Bounds,
}

impl Zdt {
    /// A ZDT problem with `variables ≥ 2` (30 in the original paper).
    pub fn new(kind: ZdtKind, variables: usize) -> Result<Self, EvoError> {
        at_least("variables", variables, 2)?;
        Ok(Self { kind, bounds: Bounds::uniform(variables, 0.0, 1.0)? })
    }

    /// The search box `[0, 1]ⁿ`.
    #[must_use]
    pub fn bounds(&self) -> &Bounds {
        &self.bounds
    }

    /// The two objectives of `x` (which must have the problem's length).
    #[must_use]
    pub fn objectives_of(&self, x: &[f64]) -> [f64; 2] {
        let f1 = x[0];
        let tail: f64 = x[1..].iter().sum();
        let g = 1.0 + 9.0 * tail / (x.len() - 1) as f64;
        let ratio = f1 / g;
        let h = match self.kind {
            ZdtKind::Zdt1 => 1.0 - ratio.sqrt(),
            ZdtKind::Zdt2 => 1.0 - ratio * ratio,
            ZdtKind::Zdt3 => 1.0 - ratio.sqrt() - ratio * (10.0 * PI * f1).sin(),
        };
        [f1, g * h]
    }
}

/// Checks a real genome's length against the problem's.
fn check_length(x: &[f64], expected: usize) -> Result<(), EvaluationError> {
    if x.len() == expected {
        Ok(())
    } else {
        Err(format!("genome has {} variables, the problem has {expected}", x.len()).into())
    }
}

/// Checks that `x` has one variable per bound, each inside its bounds.
fn check_inside(x: &[f64], bounds: &Bounds) -> Result<(), EvaluationError> {
    check_length(x, bounds.len())?;
    for (i, ((&v, &low), &high)) in x.iter().zip(bounds.low()).zip(bounds.high()).enumerate() {
        if !(low..=high).contains(&v) {
            return Err(format!("x[{i}] = {v} lies outside [{low}, {high}]").into());
        }
    }
    Ok(())
}

impl Problem for Zdt {
    type Genome = Vec<f64>;

    fn describe(&self) -> String {
        let name = match self.kind {
            ZdtKind::Zdt1 => "ZDT1",
            ZdtKind::Zdt2 => "ZDT2",
            ZdtKind::Zdt3 => "ZDT3",
        };
        format!("{name}(n={})", self.bounds.len())
    }

    fn objectives(&self) -> usize {
        2
    }

    fn random_genome(&self, rng: &mut StreamRng) -> Vec<f64> {
        self.bounds.sample(rng)
    }

    fn check_genome(&self, x: &Vec<f64>) -> Result<(), EvaluationError> {
        check_inside(x, &self.bounds)
    }

    fn evaluate(&self, x: &Vec<f64>, _: &EvalContext) -> Result<Evaluation, EvaluationError> {
        check_length(x, self.bounds.len())?;
        Ok(Evaluation::feasible(self.objectives_of(x).to_vec()))
    }
}

/// DTLZ2 with `M ≥ 2` objectives and `n = M + k − 1` variables in `[0, 1]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Dtlz2 {
    objectives: usize,
    bounds: Bounds,
}

impl Dtlz2 {
    /// DTLZ2 with `objectives ≥ 2` and `k ≥ 1` distance variables (k = 10 in the paper).
    pub fn new(objectives: usize, k: usize) -> Result<Self, EvoError> {
        at_least("objectives", objectives, 2)?;
        at_least("k", k, 1)?;
        Ok(Self { objectives, bounds: Bounds::uniform(objectives + k - 1, 0.0, 1.0)? })
    }

    /// The search box `[0, 1]ⁿ`.
    #[must_use]
    pub fn bounds(&self) -> &Bounds {
        &self.bounds
    }

    /// The objectives of `x` (which must have the problem's length).
    #[must_use]
    pub fn objectives_of(&self, x: &[f64]) -> Vec<f64> {
        let m = self.objectives;
        let g: f64 = x[m - 1..].iter().map(|xi| (xi - 0.5) * (xi - 0.5)).sum();
        (0..m)
            .map(|objective| {
                let cosines = m - 1 - objective;
                let product: f64 = x[..cosines].iter().map(|xj| (xj * FRAC_PI_2).cos()).product();
                let sine = if objective == 0 { 1.0 } else { (x[cosines] * FRAC_PI_2).sin() };
                (1.0 + g) * product * sine
            })
            .collect()
    }
}

impl Problem for Dtlz2 {
    type Genome = Vec<f64>;

    fn describe(&self) -> String {
        format!("DTLZ2(M={}, n={})", self.objectives, self.bounds.len())
    }

    fn objectives(&self) -> usize {
        self.objectives
    }

    fn random_genome(&self, rng: &mut StreamRng) -> Vec<f64> {
        self.bounds.sample(rng)
    }

    fn check_genome(&self, x: &Vec<f64>) -> Result<(), EvaluationError> {
        check_inside(x, &self.bounds)
    }

    fn evaluate(&self, x: &Vec<f64>, _: &EvalContext) -> Result<Evaluation, EvaluationError> {
        check_length(x, self.bounds.len())?;
        Ok(Evaluation::feasible(self.objectives_of(x)))
    }
}

/// A problem with an upper limit on one objective: violation `max(0, f_k − limit)` is added to
/// the inner problem's violation.
#[derive(Debug, Clone, PartialEq)]
pub struct Budget<P> {
    inner: P,
    objective: usize,
    limit: f64,
}

impl<P: Problem> Budget<P> {
    /// Limits objective `objective` (0-based) of `inner` to at most `limit`.
    pub fn new(inner: P, objective: usize, limit: f64) -> Result<Self, EvoError> {
        if objective >= inner.objectives() {
            return Err(ParamError::new(
                "budget.objective",
                objective,
                format!(
                    "must name one of the problem's {} objectives (0-based)",
                    inner.objectives()
                ),
            )
            .into());
        }
        finite("budget.limit", limit)?;
        Ok(Self { inner, objective, limit })
    }

    /// The wrapped problem.
    #[must_use]
    pub fn inner(&self) -> &P {
        &self.inner
    }
}

impl<P: Problem> Problem for Budget<P> {
    type Genome = P::Genome;

    fn describe(&self) -> String {
        format!("{} with f{} <= {}", self.inner.describe(), self.objective + 1, self.limit)
    }

    fn objectives(&self) -> usize {
        self.inner.objectives()
    }

    fn random_genome(&self, rng: &mut StreamRng) -> P::Genome {
        self.inner.random_genome(rng)
    }

    fn check_genome(&self, genome: &P::Genome) -> Result<(), EvaluationError> {
        self.inner.check_genome(genome)
    }

    fn evaluate(
        &self,
        genome: &P::Genome,
        context: &EvalContext,
    ) -> Result<Evaluation, EvaluationError> {
        let mut evaluation = self.inner.evaluate(genome, context)?;
        let excess = evaluation.objectives.get(self.objective).map_or(0.0, |f| f - self.limit);
        evaluation.violation += excess.max(0.0);
        Ok(evaluation)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dgnn_core::Seed;

    fn context() -> EvalContext {
        EvalContext::new(Seed(0), 0)
    }

    /// On `g = 1` (tail variables 0) the ZDT objectives lie on the published fronts.
    #[test]
    fn zdt_fronts_at_g_equal_one() {
        for f1 in [0.0, 0.04, 0.25, 0.5, 0.81, 1.0] {
            let mut x = vec![0.0; 30];
            x[0] = f1;
            let [a, b] = Zdt::new(ZdtKind::Zdt1, 30).unwrap().objectives_of(&x);
            assert!((a - f1).abs() < 1e-15 && (b - (1.0 - f64::sqrt(f1))).abs() < 1e-15);
            let [_, b] = Zdt::new(ZdtKind::Zdt2, 30).unwrap().objectives_of(&x);
            assert!((b - (1.0 - f1 * f1)).abs() < 1e-15);
            let [_, b] = Zdt::new(ZdtKind::Zdt3, 30).unwrap().objectives_of(&x);
            let expected = 1.0 - f1.sqrt() - f1 * (10.0 * PI * f1).sin();
            assert!((b - expected).abs() < 1e-15);
        }
        // Off the front g > 1: x = (0.5, 1, …, 1) gives g = 10, f2 = 10 (1 − √0.05).
        let mut x = vec![1.0; 30];
        x[0] = 0.5;
        let [_, b] = Zdt::new(ZdtKind::Zdt1, 30).unwrap().objectives_of(&x);
        assert!((b - 10.0 * (1.0 - 0.05f64.sqrt())).abs() < 1e-12);
    }

    /// DTLZ2 at `g = 0` lies on the unit sphere; the 3-objective corner values are known.
    #[test]
    fn dtlz2_front_is_the_unit_sphere() {
        let problem = Dtlz2::new(3, 10).unwrap();
        let mut rng = Seed(1).stream("test/dtlz2", &[]);
        for _ in 0..100 {
            let mut x = problem.bounds().sample(&mut rng);
            x[2..].fill(0.5);
            let f = problem.objectives_of(&x);
            let radius: f64 = f.iter().map(|v| v * v).sum();
            assert!((radius - 1.0).abs() < 1e-12);
        }
        let mut x = vec![0.5; 12];
        x[0] = 0.0;
        x[1] = 0.0;
        let f = problem.objectives_of(&x);
        assert!((f[0] - 1.0).abs() < 1e-15 && f[1].abs() < 1e-15 && f[2].abs() < 1e-15);
    }

    #[test]
    fn budget_adds_the_excess_as_violation() {
        let problem = Budget::new(Zdt::new(ZdtKind::Zdt1, 3).unwrap(), 0, 0.3).unwrap();
        let inside = problem.evaluate(&vec![0.2, 0.0, 0.0], &context()).unwrap();
        assert!(inside.is_feasible());
        let outside = problem.evaluate(&vec![0.5, 0.0, 0.0], &context()).unwrap();
        assert!((outside.violation - 0.2).abs() < 1e-15);
        assert!(Budget::new(Zdt::new(ZdtKind::Zdt1, 3).unwrap(), 2, 0.3).is_err());
        assert!(Budget::new(Zdt::new(ZdtKind::Zdt1, 3).unwrap(), 0, f64::NAN).is_err());
        assert!(Zdt::new(ZdtKind::Zdt1, 1).is_err());
        assert!(problem.evaluate(&vec![0.5], &context()).is_err());
    }
}
