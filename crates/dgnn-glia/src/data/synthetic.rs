//! Synthetic data sets made in code, for tests and examples.

use super::Dataset;
use crate::GliaError;

impl Dataset {
    /// A synthetic multitask data set of two conflicting tasks on the same inputs: `inputs`
    /// points `(x0, x1)` of a deterministic low-discrepancy scatter over [−1, 1]² (the Kronecker
    /// sequence `x0 = 2·frac(i/φ) − 1`, `x1 = 2·frac(i(√2 − 1)) − 1`), each once in context 0,
    /// labelled 1 when `x0 > 0`, and once in context 1, labelled 1 when `x0 ≤ 0`. Every input
    /// appears with both labels, so a classifier blind to the context is right on half of the
    /// samples at best; only context-dependent (phase-gated) networks can do well. Refused for
    /// `inputs` = 0 (no samples).
    pub fn two_conflicting_tasks(inputs: usize) -> Result<Self, GliaError> {
        let mut features = Vec::with_capacity(4 * inputs);
        let (mut labels, mut contexts) = (Vec::new(), Vec::new());
        for i in 0..inputs {
            let x0 = 2.0 * (i as f64 * 0.618_033_988_749_895).fract() - 1.0;
            let x1 = 2.0 * (i as f64 * 0.414_213_562_373_095).fract() - 1.0;
            for task in 0..2 {
                features.extend_from_slice(&[x0, x1]);
                labels.push(usize::from(x0 > 0.0) ^ task);
                contexts.push(task);
            }
        }
        let names = |a: &str, b: &str| vec![a.to_string(), b.to_string()];
        Self::new("two-tasks", features, 2, labels, names("0", "1"), names("x0", "x1"))?
            .with_contexts(contexts)
    }
}
