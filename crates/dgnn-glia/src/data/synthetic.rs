//! Synthetic data sets made in code, for tests, examples and the multitask experiments: `T`
//! conflicting tasks on the same inputs.

use super::Dataset;
use crate::GliaError;
use dgnn_core::ParamError;
use std::f64::consts::TAU;

/// Point `i` of the deterministic low-discrepancy scatter over [−1, 1]² shared by the synthetic
/// tasks: the Kronecker sequence `x0 = 2·frac(i/φ) − 1`, `x1 = 2·frac(i(√2 − 1)) − 1`.
fn kronecker_point(i: usize) -> [f64; 2] {
    let x0 = 2.0 * (i as f64 * 0.618_033_988_749_895).fract() - 1.0;
    let x1 = 2.0 * (i as f64 * 0.414_213_562_373_095).fract() - 1.0;
    [x0, x1]
}

/// The direction `u_t = (cos 2πt/T, sin 2πt/T)` of task `t` of `tasks`, with components that are
/// zero in exact arithmetic (quarter turns) set to exactly 0, so that the tasks of `T = 2` and
/// `T = 4` split the inputs along the axes exactly (`cos π/2` rounds to 6e-17, not 0).
fn task_direction(t: usize, tasks: usize) -> [f64; 2] {
    let angle = TAU * t as f64 / tasks as f64;
    let exact = |v: f64| if v.abs() < 1e-12 { 0.0 } else { v };
    [exact(angle.cos()), exact(angle.sin())]
}

impl Dataset {
    /// A synthetic multitask data set of two conflicting tasks on the same inputs: `inputs`
    /// points `(x0, x1)` of a deterministic low-discrepancy scatter over [−1, 1]² (the Kronecker
    /// sequence `x0 = 2·frac(i/φ) − 1`, `x1 = 2·frac(i(√2 − 1)) − 1`), each once in context 0,
    /// labelled 1 when `x0 > 0`, and once in context 1, labelled 1 when `x0 ≤ 0`. Every input
    /// appears with both labels, so a classifier blind to the context is right on half of the
    /// samples at best; only context-dependent (phase-gated) networks can do well. Refused for
    /// `inputs` = 0 (no samples). [`Self::conflicting_tasks`] generalises it to `T` tasks.
    pub fn two_conflicting_tasks(inputs: usize) -> Result<Self, GliaError> {
        let mut features = Vec::with_capacity(4 * inputs);
        let (mut labels, mut contexts) = (Vec::new(), Vec::new());
        for i in 0..inputs {
            let [x0, x1] = kronecker_point(i);
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

    /// `tasks` conflicting tasks on the same `inputs` points (the scatter of
    /// [`Self::two_conflicting_tasks`]): point `x` appears once in every context `t < T`,
    /// labelled 1 when `u_t · x > 0` with `u_t = (cos 2πt/T, sin 2πt/T)`, so task `t` is the
    /// half-plane facing direction `u_t`. Samples are ordered by input, then task. For `T = 2`
    /// this is [`Self::two_conflicting_tasks`] (the same features, labels and contexts; only the
    /// name differs: `conflicting-tasks-2`).
    ///
    /// The best accuracy a classifier blind to the context can reach
    /// ([`Self::best_context_blind_accuracy`]) is `⌈T/2⌉/T`: it sees each input `T` times and
    /// can at best give it its majority label. For even `T` the directions come in opposite
    /// pairs, and an open half-plane holds exactly one of each pair, so every input is labelled
    /// 1 by exactly `T/2` tasks (accuracy 1/2: `T = 2`, `T = 4`); for odd `T` it is labelled 1 by
    /// `(T ± 1)/2` tasks (accuracy `(T + 1)/2T`: 2/3 for `T = 3`); `T = 1` has no conflict
    /// (accuracy 1). The count assumes that no input lies exactly on a boundary line
    /// `u_t · x = 0`, a set of measure zero that the tested sizes avoid.
    ///
    /// # Errors
    /// `tasks` = 0 or `inputs` = 0 (no samples), or inputs so few that some task labels them all
    /// alike (a data set needs two classes).
    pub fn conflicting_tasks(tasks: usize, inputs: usize) -> Result<Self, GliaError> {
        if tasks == 0 {
            return Err(ParamError::new("tasks", tasks, "must be at least 1").into());
        }
        if inputs == 0 {
            return Err(ParamError::new(
                "inputs",
                inputs,
                "must be at least 1 (the points every task labels)",
            )
            .into());
        }
        let directions: Vec<[f64; 2]> = (0..tasks).map(|t| task_direction(t, tasks)).collect();
        let mut features = Vec::with_capacity(2 * tasks * inputs);
        let (mut labels, mut contexts) =
            (Vec::with_capacity(tasks * inputs), Vec::with_capacity(tasks * inputs));
        for i in 0..inputs {
            let [x0, x1] = kronecker_point(i);
            for (t, [u0, u1]) in directions.iter().enumerate() {
                features.extend_from_slice(&[x0, x1]);
                labels.push(usize::from(u0 * x0 + u1 * x1 > 0.0));
                contexts.push(t);
            }
        }
        let names = |a: &str, b: &str| vec![a.to_string(), b.to_string()];
        let name = format!("conflicting-tasks-{tasks}");
        Self::new(&name, features, 2, labels, names("0", "1"), names("x0", "x1"))?
            .with_contexts(contexts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_tasks_are_the_conflicting_tasks_of_t_2() {
        // Two independent constructions of the same set: "x0 > 0, then x0 ≤ 0" against the
        // half-planes facing u = (1, 0) and (−1, 0). They agree wherever no x0 is exactly 0.
        for inputs in [1, 2, 7, 300, 2000] {
            let two = Dataset::two_conflicting_tasks(inputs).unwrap();
            let general = Dataset::conflicting_tasks(2, inputs).unwrap();
            assert_eq!(two.features(), general.features(), "inputs {inputs}");
            assert_eq!(two.labels(), general.labels(), "inputs {inputs}");
            assert_eq!(two.n_contexts(), general.n_contexts());
            assert!((0..two.len()).all(|i| two.context(i) == general.context(i)));
            assert_eq!(two.class_names(), general.class_names());
            assert_eq!(two.feature_names(), general.feature_names());
        }
    }

    #[test]
    fn a_context_blind_classifier_reaches_ceil_t_over_2_of_t() {
        // Counted, not trained: every input gets its majority label over the T tasks. The
        // analytic bound ⌈T/2⌉/T (function docs): T = 1 → 1, 2 → 1/2, 3 → 2/3, 4 → 1/2,
        // 5 → 3/5, 6 → 1/2.
        for (tasks, bound) in [(1, 1.0), (2, 0.5), (3, 2.0 / 3.0), (4, 0.5), (5, 0.6), (6, 0.5)] {
            let data = Dataset::conflicting_tasks(tasks, 500).unwrap();
            assert_eq!(data.len(), tasks * 500);
            assert_eq!(data.n_contexts(), tasks);
            let blind = data.best_context_blind_accuracy();
            assert!((blind - bound).abs() < 1e-12, "T = {tasks}: {blind} vs {bound}");
        }
    }

    #[test]
    fn task_t_is_the_half_plane_facing_its_direction() {
        // Hand-worked for T = 4: u = (1, 0), (0, 1), (−1, 0), (0, −1), so task 0 labels x0 > 0,
        // task 1 x1 > 0, task 2 x0 < 0, task 3 x1 < 0; for T = 3 task 1 faces 120°.
        let data = Dataset::conflicting_tasks(4, 200).unwrap();
        for i in 0..data.len() {
            let [x0, x1] = [data.row(i)[0], data.row(i)[1]];
            let expected = [x0 > 0.0, x1 > 0.0, x0 < 0.0, x1 < 0.0][data.context(i)];
            assert_eq!(data.labels()[i], usize::from(expected), "sample {i}");
        }
        let three = Dataset::conflicting_tasks(3, 200).unwrap();
        for i in (0..three.len()).filter(|&i| three.context(i) == 1) {
            let [x0, x1] = [three.row(i)[0], three.row(i)[1]];
            let facing = -0.5 * x0 + 0.75f64.sqrt() * x1 > 0.0;
            assert_eq!(three.labels()[i], usize::from(facing));
        }
    }

    #[test]
    fn no_tasks_or_no_inputs_are_refused_by_name() {
        let err = Dataset::conflicting_tasks(0, 10).unwrap_err().to_string();
        assert!(err.contains("`tasks` = 0"), "{err}");
        let err = Dataset::conflicting_tasks(3, 0).unwrap_err().to_string();
        assert!(err.contains("`inputs` = 0"), "{err}");
    }
}
