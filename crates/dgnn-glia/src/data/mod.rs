//! Classification data: the bundled UCI sets, users' CSV tables, synthetic tasks,
//! standardisation and seeded stratified splits.
//!
//! - [`Dataset::builtin`] loads iris, wine, WDBC (breast cancer) or digits from the copies
//!   compiled into the crate ([`builtin`]).
//! - [`Dataset::from_csv`] reads a user's table ([`csv`]).
//! - [`Dataset::conflicting_tasks`] makes a multitask set of `T` conflicting tasks on shared
//!   inputs in code ([`Dataset::two_conflicting_tasks`] is `T = 2`; `synthetic`), with the
//!   multitask controls: the task as one-hot input columns ([`Dataset::with_context_one_hot`]),
//!   one task's part alone ([`Dataset::context_part`]), and the ceiling of a context-blind
//!   classifier ([`Dataset::best_context_blind_accuracy`]).
//! - [`Standardizer`] is scikit-learn's `StandardScaler`: mean and population standard deviation
//!   (ddof = 0) fitted on the training part only; a constant feature keeps scale 1.
//!   [`Standardized`] is a part standardised once, with the standardiser that did it, for the
//!   many trainings and evaluations of a search (no standardised copy per network).
//! - [`stratified_split`] and [`stratified_k_fold`] deal each seeded, shuffled class out in
//!   proportion ([`split`]).
//! - [`inference::InferenceTable`] reads new samples for a trained network, laid out as it was
//!   trained (features by name, labels by class name, contexts numbered as in training).
//!
//! A data set knows its classes and contexts (tasks) as a whole: a part of it
//! ([`Dataset::subset`]) keeps every class name and the number of contexts, even those of which
//! it holds no sample.

pub mod builtin;
pub mod csv;
pub mod inference;
pub mod split;
mod synthetic;

pub use builtin::Builtin;
pub use csv::{CsvOptions, DataSource, LabelColumn};
pub use split::{Split, stratified_k_fold, stratified_split};

use crate::GliaError;
use dgnn_core::ParamError;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A classification table: `n` samples of `d` real features, each with a class label and an
/// optional context (task id) for multitask networks.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    name: String,
    n_features: usize,
    features: Vec<f64>,
    labels: Vec<usize>,
    class_names: Vec<String>,
    feature_names: Vec<String>,
    contexts: Option<Vec<usize>>,
    /// Contexts of the whole data set: one more than its largest context id (1 without).
    n_contexts: usize,
}

impl Dataset {
    /// Builds a data set from row-major features (`labels.len()` rows of `n_features`), checking
    /// shapes, finiteness, label range and that at least two classes occur.
    pub fn new(
        name: &str,
        features: Vec<f64>,
        n_features: usize,
        labels: Vec<usize>,
        class_names: Vec<String>,
        feature_names: Vec<String>,
    ) -> Result<Self, GliaError> {
        let data_err = |problem: String| GliaError::Data { name: name.into(), problem };
        if n_features == 0 {
            return Err(data_err("has no feature columns; add at least one feature".into()));
        }
        if features.len() != labels.len() * n_features {
            return Err(GliaError::Shape {
                subject: format!("data set `{name}`"),
                what: "feature values",
                found: features.len(),
                expected_from: format!(
                    "its samples × `n_features` ({} × {n_features})",
                    labels.len()
                ),
                expected: labels.len() * n_features,
            });
        }
        if feature_names.len() != n_features {
            return Err(GliaError::Shape {
                subject: format!("data set `{name}`"),
                what: "feature names",
                found: feature_names.len(),
                expected_from: "its `n_features`".into(),
                expected: n_features,
            });
        }
        if let Some(at) = features.iter().position(|v| !v.is_finite()) {
            return Err(data_err(format!(
                "feature `{}` of sample {} is not finite; remove or impute it",
                feature_names[at % n_features],
                at / n_features
            )));
        }
        if let Some(&bad) = labels.iter().find(|&&l| l >= class_names.len()) {
            return Err(data_err(format!(
                "label {bad} but only {} class names; give one name per class",
                class_names.len()
            )));
        }
        let dataset = Self {
            name: name.into(),
            n_features,
            features,
            labels,
            class_names,
            feature_names,
            contexts: None,
            n_contexts: 1,
        };
        let present = dataset.class_counts().iter().filter(|&&c| c > 0).count();
        if present < 2 {
            return Err(data_err(format!(
                "only {present} class present in {} samples; classification needs at least two \
                 classes (check the label column)",
                dataset.len()
            )));
        }
        Ok(dataset)
    }

    /// A bundled data set by name: `iris`, `wine`, `wdbc` (or `breast_cancer`), `digits`.
    pub fn builtin(name: &str) -> Result<Self, GliaError> {
        Builtin::from_name(name)?.load()
    }

    /// Attaches a context (task id) to every sample, for multitask networks with a phase layer.
    pub fn with_contexts(mut self, contexts: Vec<usize>) -> Result<Self, GliaError> {
        if contexts.len() != self.len() {
            return Err(GliaError::Shape {
                subject: format!("the context list of data set `{}`", self.name),
                what: "entries",
                found: contexts.len(),
                expected_from: "its number of samples".into(),
                expected: self.len(),
            });
        }
        self.n_contexts = contexts.iter().max().map_or(1, |m| m + 1);
        self.contexts = Some(contexts);
        Ok(self)
    }

    /// The data set's name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Number of samples.
    #[must_use]
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// True when there are no samples.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Number of features per sample.
    #[must_use]
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// Number of classes (the length of the class-name list).
    #[must_use]
    pub fn n_classes(&self) -> usize {
        self.class_names.len()
    }

    /// Number of contexts: one more than the largest context id of the whole data set (1
    /// without contexts); a [`Self::subset`] keeps it.
    #[must_use]
    pub fn n_contexts(&self) -> usize {
        self.n_contexts
    }

    /// All features, row-major.
    #[must_use]
    pub fn features(&self) -> &[f64] {
        &self.features
    }

    /// The features of sample `i`.
    #[must_use]
    pub fn row(&self, i: usize) -> &[f64] {
        &self.features[i * self.n_features..(i + 1) * self.n_features]
    }

    /// The class label of every sample.
    #[must_use]
    pub fn labels(&self) -> &[usize] {
        &self.labels
    }

    /// The context of sample `i` (0 without contexts).
    #[must_use]
    pub fn context(&self, i: usize) -> usize {
        self.contexts.as_ref().map_or(0, |c| c[i])
    }

    /// The indices of the samples of `context`, in order (all samples without contexts).
    #[must_use]
    pub fn context_members(&self, context: usize) -> Vec<usize> {
        (0..self.len()).filter(|&i| self.context(i) == context).collect()
    }

    /// The class names, indexed by label.
    #[must_use]
    pub fn class_names(&self) -> &[String] {
        &self.class_names
    }

    /// The feature names, indexed by column.
    #[must_use]
    pub fn feature_names(&self) -> &[String] {
        &self.feature_names
    }

    /// How many samples each class has.
    #[must_use]
    pub fn class_counts(&self) -> Vec<usize> {
        let mut counts = vec![0; self.n_classes()];
        for &l in &self.labels {
            counts[l] += 1;
        }
        counts
    }

    /// The samples at `indices`, in that order (class names, feature names and the number of
    /// contexts kept).
    #[must_use]
    pub fn subset(&self, indices: &[usize]) -> Self {
        let mut features = Vec::with_capacity(indices.len() * self.n_features);
        for &i in indices {
            features.extend_from_slice(self.row(i));
        }
        Self {
            name: self.name.clone(),
            n_features: self.n_features,
            features,
            labels: indices.iter().map(|&i| self.labels[i]).collect(),
            class_names: self.class_names.clone(),
            feature_names: self.feature_names.clone(),
            contexts: self.contexts.as_ref().map(|c| indices.iter().map(|&i| c[i]).collect()),
            n_contexts: self.n_contexts,
        }
    }

    /// The standard multitask control: the context as an input. Appends one one-hot column per
    /// context of the whole data set, named `task=t` (1 in the column of the sample's context,
    /// 0 elsewhere), and drops the contexts to one, so a network without a phase layer sees the
    /// task as a feature instead of through its gates.
    #[must_use]
    pub fn with_context_one_hot(&self) -> Self {
        let tasks = self.n_contexts;
        let width = self.n_features + tasks;
        let mut features = Vec::with_capacity(self.len() * width);
        for i in 0..self.len() {
            features.extend_from_slice(self.row(i));
            features.extend((0..tasks).map(|t| if t == self.context(i) { 1.0 } else { 0.0 }));
        }
        let mut feature_names = self.feature_names.clone();
        feature_names.extend((0..tasks).map(|t| format!("task={t}")));
        Self {
            name: self.name.clone(),
            n_features: width,
            features,
            labels: self.labels.clone(),
            class_names: self.class_names.clone(),
            feature_names,
            contexts: None,
            n_contexts: 1,
        }
    }

    /// The samples of `context` as a data set of one context (class and feature names kept), in
    /// order: the training data of one of the "separate networks, one per task".
    ///
    /// # Errors
    /// `context` is not below [`Self::n_contexts`].
    pub fn context_part(&self, context: usize) -> Result<Self, GliaError> {
        if context >= self.n_contexts {
            return Err(ParamError::new(
                "context",
                context,
                format!("must be below the data set's {} contexts", self.n_contexts),
            )
            .into());
        }
        let mut part = self.subset(&self.context_members(context));
        part.contexts = None;
        part.n_contexts = 1;
        Ok(part)
    }

    /// The best accuracy any classifier that sees only the features can reach on these samples:
    /// each distinct feature row given its most common label (ties count once). For multitask
    /// data it is the ceiling of a network blind to the context (0 for no samples).
    #[must_use]
    pub fn best_context_blind_accuracy(&self) -> f64 {
        let mut counts: HashMap<Vec<u64>, Vec<usize>> = HashMap::new();
        for (i, &label) in self.labels.iter().enumerate() {
            let key = self.row(i).iter().map(|v| v.to_bits()).collect();
            counts.entry(key).or_insert_with(|| vec![0; self.n_classes()])[label] += 1;
        }
        let right: usize = counts.values().map(|c| c.iter().copied().max().unwrap_or(0)).sum();
        right as f64 / self.len().max(1) as f64
    }

    /// Replaces every feature row by `f(row)` in place (used by [`Standardizer`]).
    fn map_rows(&mut self, mut f: impl FnMut(&mut [f64])) {
        for row in self.features.chunks_exact_mut(self.n_features) {
            f(row);
        }
    }
}

/// Per-feature standardisation `(x − mean) / scale`, fitted on training data only
/// (scikit-learn's `StandardScaler`: population standard deviation, scale 1 for a constant
/// feature).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Standardizer {
    /// Mean of each feature on the fitting data.
    pub mean: Vec<f64>,
    /// Standard deviation of each feature on the fitting data (1 where it was 0).
    pub scale: Vec<f64>,
}

impl Standardizer {
    /// Fits the mean and scale of every feature of `data`.
    #[must_use]
    pub fn fit(data: &Dataset) -> Self {
        let d = data.n_features();
        let n = data.len().max(1) as f64;
        let mut mean = vec![0.0; d];
        for row in data.features().chunks_exact(d) {
            for (m, x) in mean.iter_mut().zip(row) {
                *m += x;
            }
        }
        mean.iter_mut().for_each(|m| *m /= n);
        let mut var = vec![0.0; d];
        for row in data.features().chunks_exact(d) {
            for ((v, x), m) in var.iter_mut().zip(row).zip(&mean) {
                *v += (x - m) * (x - m);
            }
        }
        let scale = var
            .iter()
            .zip(&mean)
            .map(|(v, m)| {
                let sd = (v / n).sqrt();
                // scikit-learn treats a variance below 10·ε·mean² as zero.
                if sd <= 10.0 * f64::EPSILON * m.abs().max(f64::MIN_POSITIVE) { 1.0 } else { sd }
            })
            .collect();
        Self { mean, scale }
    }

    /// The standardised copy of `data`.
    pub fn apply(&self, data: &Dataset) -> Result<Dataset, GliaError> {
        if data.n_features() != self.mean.len() {
            return Err(GliaError::Shape {
                subject: format!("data set `{}`", data.name()),
                what: "feature columns",
                found: data.n_features(),
                expected_from: "the fitted standardiser's feature count".into(),
                expected: self.mean.len(),
            });
        }
        let mut out = data.clone();
        self.standardize_in_place(&mut out);
        Ok(out)
    }

    /// Standardises the rows of `data` in place (`data` has the fitted feature count).
    fn standardize_in_place(&self, data: &mut Dataset) {
        data.map_rows(|row| {
            for ((x, m), s) in row.iter_mut().zip(&self.mean).zip(&self.scale) {
                *x = (*x - m) / s;
            }
        });
    }
}

/// A data set standardised once, with the [`Standardizer`] that did it: what trainings and
/// evaluations on the same rows share instead of each making its own standardised copy (a
/// search trains thousands of networks on one training part and measures them all on one
/// validation part). Training on it, or evaluating a network whose standardiser is this one,
/// gives exactly the figures of the raw rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Standardized {
    standardizer: Standardizer,
    scaled: Dataset,
}

impl Standardized {
    /// `data` standardised by a standardiser fitted on it (a training part).
    #[must_use]
    pub fn fit(data: &Dataset) -> Self {
        let standardizer = Standardizer::fit(data);
        let mut scaled = data.clone();
        standardizer.standardize_in_place(&mut scaled);
        Self { standardizer, scaled }
    }

    /// `data` standardised by `standardizer` (fitted on another part: a held-out part under its
    /// training part's standardiser).
    ///
    /// # Errors
    /// [`GliaError::Shape`] when the standardiser was fitted on another number of features.
    pub fn with(standardizer: &Standardizer, data: &Dataset) -> Result<Self, GliaError> {
        Ok(Self { standardizer: standardizer.clone(), scaled: standardizer.apply(data)? })
    }

    /// The standardiser the rows went through.
    #[must_use]
    pub fn standardizer(&self) -> &Standardizer {
        &self.standardizer
    }

    /// The standardised rows (names, classes and contexts of the raw data).
    #[must_use]
    pub fn data(&self) -> &Dataset {
        &self.scaled
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn standardizer_matches_hand_computation() {
        // Column (1, 2, 3, 6): mean 3, population variance (4 + 1 + 0 + 9)/4 = 3.5.
        let d = Dataset::new(
            "t",
            vec![1.0, 5.0, 2.0, 5.0, 3.0, 5.0, 6.0, 5.0],
            2,
            vec![0, 1, 0, 1],
            vec!["a".into(), "b".into()],
            vec!["x".into(), "c".into()],
        )
        .unwrap();
        let s = Standardizer::fit(&d);
        assert!((s.mean[0] - 3.0).abs() < 1e-15);
        assert!((s.scale[0] - 3.5f64.sqrt()).abs() < 1e-15);
        assert!((s.scale[1] - 1.0).abs() < 1e-15, "constant feature keeps scale 1");
        let t = s.apply(&d).unwrap();
        assert!((t.row(3)[0] - 3.0 / 3.5f64.sqrt()).abs() < 1e-15);
        assert!(t.row(2)[1].abs() < 1e-15);
    }

    #[test]
    fn shape_errors_name_both_sides() {
        let err = Dataset::new(
            "t",
            vec![1.0; 5],
            2,
            vec![0, 1],
            vec!["a".into(), "b".into()],
            vec!["x".into(), "y".into()],
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "data set `t` has 5 feature values, but its samples × `n_features` (2 × 2) is 4"
        );
        let data = Dataset::builtin("iris").unwrap();
        let err = data.clone().with_contexts(vec![0; 3]).unwrap_err().to_string();
        assert!(err.contains("has 3 entries, but its number of samples is 150"), "{err}");
    }

    /// Three samples on two inputs in three contexts: inputs (0, 1) twice with labels 1, 0 in
    /// contexts 0, 2, and (2, 3) with label 1 in context 1.
    fn three_contexts() -> Dataset {
        let names = vec!["a".to_string(), "b".to_string()];
        Dataset::new(
            "t",
            vec![0.0, 1.0, 2.0, 3.0, 0.0, 1.0],
            2,
            vec![1, 1, 0],
            names.clone(),
            names,
        )
        .unwrap()
        .with_contexts(vec![0, 1, 2])
        .unwrap()
    }

    #[test]
    fn one_hot_contexts_become_named_columns_and_the_contexts_one() {
        let data = three_contexts();
        let coded = data.with_context_one_hot();
        assert_eq!(coded.n_contexts(), 1);
        assert_eq!(coded.context(2), 0);
        assert_eq!(coded.feature_names(), ["a", "b", "task=0", "task=1", "task=2"]);
        assert_eq!(coded.row(0), [0.0, 1.0, 1.0, 0.0, 0.0]);
        assert_eq!(coded.row(1), [2.0, 3.0, 0.0, 1.0, 0.0]);
        assert_eq!(coded.row(2), [0.0, 1.0, 0.0, 0.0, 1.0]);
        assert_eq!(coded.labels(), data.labels());
        // The repeated input now differs by its task column: a blind classifier can be right on
        // all three (before: 2 of 3, the repeated input has labels 1 and 0).
        assert!((data.best_context_blind_accuracy() - 2.0 / 3.0).abs() < 1e-15);
        assert!((coded.best_context_blind_accuracy() - 1.0).abs() < 1e-15);
        // The T = 3 conflicting tasks: from the 2/3 ceiling to a classifier that can be perfect.
        let tasks = Dataset::conflicting_tasks(3, 100).unwrap().with_context_one_hot();
        assert_eq!(tasks.n_features(), 5);
        assert!((tasks.best_context_blind_accuracy() - 1.0).abs() < 1e-15);
    }

    #[test]
    fn a_context_part_is_that_contexts_samples_alone() {
        let data = Dataset::conflicting_tasks(3, 40).unwrap();
        let mut total = 0;
        for c in 0..3 {
            let part = data.context_part(c).unwrap();
            assert_eq!(part.n_contexts(), 1);
            assert_eq!(part.len(), 40);
            let members = data.context_members(c);
            for (s, &i) in members.iter().enumerate() {
                assert_eq!(part.row(s), data.row(i));
                assert_eq!(part.labels()[s], data.labels()[i]);
                assert_eq!(part.context(s), 0);
            }
            // One task alone has no conflict: a blind classifier can be perfect on it.
            assert!((part.best_context_blind_accuracy() - 1.0).abs() < 1e-15);
            total += part.len();
        }
        assert_eq!(total, data.len());
        let err = data.context_part(3).unwrap_err().to_string();
        assert!(err.contains("`context` = 3") && err.contains("3 contexts"), "{err}");
    }

    proptest! {
        // Invariant: a part of a data set keeps the whole set's classes and contexts, whichever
        // samples it holds, and its samples are the chosen ones in order.
        #[test]
        fn subsets_keep_classes_and_contexts(
            contexts in proptest::collection::vec(0usize..4, 2..40),
            picks in proptest::collection::vec(any::<proptest::sample::Index>(), 0..30),
        ) {
            let n = contexts.len();
            let labels: Vec<usize> = (0..n).map(|i| i % 2).collect();
            let features: Vec<f64> = (0..n).map(|i| i as f64).collect();
            let names = vec!["a".to_string(), "b".to_string()];
            let data = Dataset::new("t", features, 1, labels, names, vec!["x".into()])
                .unwrap()
                .with_contexts(contexts.clone())
                .unwrap();
            let rows: Vec<usize> = picks.iter().map(|p| p.index(n)).collect();
            let part = data.subset(&rows);
            prop_assert_eq!(part.n_contexts(), contexts.iter().max().unwrap() + 1);
            prop_assert_eq!(part.n_classes(), 2);
            for (s, &i) in rows.iter().enumerate() {
                prop_assert_eq!(part.context(s), contexts[i]);
                prop_assert_eq!(part.row(s), [i as f64]);
            }
            let members: usize = (0..part.n_contexts()).map(|c| part.context_members(c).len()).sum();
            prop_assert_eq!(members, rows.len());
        }
    }
}
