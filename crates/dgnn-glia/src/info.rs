//! What a classifier knows: the confusion matrix and the mutual information it implies.
//!
//! With `N_ij` the count of samples of true class `i` predicted as `j` and `N` their total, the
//! plug-in estimate of the mutual information between the true label `Y` and the prediction `Ŷ` is
//! `I(Y; Ŷ) = Σ_ij (N_ij/N) log2( N_ij N / (N_i· N_·j) )` bits (Cover & Thomas, *Elements of
//! Information Theory*, 2nd ed., eq. 2.28), with `0 ≤ I ≤ min(H(Y), H(Ŷ))` (their Thm 2.6.5 and
//! eq. 2.45). A perfect classifier has `I = H(Y)`; a constant one has `I = 0`.

use dgnn_core::Bits;
use serde::{Deserialize, Serialize};

/// Counts of (true class, predicted class) pairs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfusionMatrix {
    /// Number of classes.
    pub classes: usize,
    /// Row-major counts: `counts[true * classes + predicted]`.
    pub counts: Vec<u64>,
}

fn entropy_bits(counts: impl Iterator<Item = u64>, total: f64) -> f64 {
    counts
        .filter(|&c| c > 0)
        .map(|c| {
            let p = c as f64 / total;
            -p * p.log2()
        })
        .sum()
}

impl ConfusionMatrix {
    /// An empty matrix for `classes` classes.
    #[must_use]
    pub fn new(classes: usize) -> Self {
        Self { classes, counts: vec![0; classes * classes] }
    }

    /// The matrix of paired true and predicted labels (labels must be below `classes`).
    #[must_use]
    pub fn from_labels(truth: &[usize], predicted: &[usize], classes: usize) -> Self {
        let mut m = Self::new(classes);
        for (&t, &p) in truth.iter().zip(predicted) {
            m.record(t, p);
        }
        m
    }

    /// Counts one sample.
    pub fn record(&mut self, truth: usize, predicted: usize) {
        self.counts[truth * self.classes + predicted] += 1;
    }

    /// The count of true class `truth` predicted as `predicted`.
    #[must_use]
    pub fn get(&self, truth: usize, predicted: usize) -> u64 {
        self.counts[truth * self.classes + predicted]
    }

    /// Total number of samples.
    #[must_use]
    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// Share of samples on the diagonal (0 for an empty matrix).
    #[must_use]
    pub fn accuracy(&self) -> f64 {
        let total = self.total();
        if total == 0 {
            return 0.0;
        }
        (0..self.classes).map(|c| self.get(c, c)).sum::<u64>() as f64 / total as f64
    }

    fn row_sums(&self) -> Vec<u64> {
        self.counts.chunks_exact(self.classes).map(|r| r.iter().sum()).collect()
    }

    fn column_sums(&self) -> Vec<u64> {
        (0..self.classes).map(|j| (0..self.classes).map(|i| self.get(i, j)).sum()).collect()
    }

    /// Entropy of the true labels `H(Y)` in bits.
    #[must_use]
    pub fn label_entropy(&self) -> Bits {
        Bits(entropy_bits(self.row_sums().into_iter(), self.total().max(1) as f64))
    }

    /// Entropy of the predictions `H(Ŷ)` in bits.
    #[must_use]
    pub fn prediction_entropy(&self) -> Bits {
        Bits(entropy_bits(self.column_sums().into_iter(), self.total().max(1) as f64))
    }

    /// The plug-in mutual information `I(Y; Ŷ)` in bits (module docs), clamped at 0 against
    /// rounding.
    #[must_use]
    pub fn mutual_information(&self) -> Bits {
        let total = self.total();
        if total == 0 {
            return Bits(0.0);
        }
        let n = total as f64;
        let rows = self.row_sums();
        let cols = self.column_sums();
        let mut info = 0.0;
        for (i, &row) in rows.iter().enumerate() {
            for (j, &col) in cols.iter().enumerate() {
                let c = self.get(i, j);
                if c > 0 {
                    let p = c as f64 / n;
                    info += p * (c as f64 * n / (row as f64 * col as f64)).log2();
                }
            }
        }
        Bits(info.max(0.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn perfect_classifier_knows_the_label_entropy() {
        // I(Y; Y) = H(Y) (Cover & Thomas eq. 2.45). Classes 1:1:2 → H = 1.5 bits.
        let truth = [0, 1, 2, 2];
        let m = ConfusionMatrix::from_labels(&truth, &truth, 3);
        assert!((m.label_entropy().value() - 1.5).abs() < 1e-12);
        assert!((m.mutual_information().value() - 1.5).abs() < 1e-12);
        assert!((m.accuracy() - 1.0).abs() < 1e-15);
    }

    #[test]
    fn constant_classifier_knows_nothing() {
        // A constant prediction is independent of Y: I = 0 exactly.
        let truth = [0, 1, 2, 2, 1];
        let m = ConfusionMatrix::from_labels(&truth, &[2; 5], 3);
        assert!(m.mutual_information().value().abs() < 1e-15);
        assert!((m.accuracy() - 0.4).abs() < 1e-15);
    }

    #[test]
    fn binary_symmetric_channel() {
        // Balanced binary labels through a channel flipping 1 in 4: I = 1 − h(1/4) bits,
        // h(1/4) = −¼log2¼ − ¾log2¾ = 0.811278 (Cover & Thomas §7.1.4).
        let truth = [0, 0, 0, 0, 1, 1, 1, 1];
        let pred = [0, 0, 0, 1, 1, 1, 1, 0];
        let m = ConfusionMatrix::from_labels(&truth, &pred, 2);
        let h = -(0.25f64 * 0.25f64.log2() + 0.75 * 0.75f64.log2());
        assert!((m.mutual_information().value() - (1.0 - h)).abs() < 1e-12);
    }

    proptest! {
        // Invariant: 0 ≤ I(Y;Ŷ) ≤ min(H(Y), H(Ŷ)) for any confusion matrix.
        #[test]
        fn information_is_bounded(pairs in proptest::collection::vec((0usize..4, 0usize..4), 1..200)) {
            let (t, p): (Vec<usize>, Vec<usize>) = pairs.into_iter().unzip();
            let m = ConfusionMatrix::from_labels(&t, &p, 4);
            let i = m.mutual_information().value();
            prop_assert!(i >= 0.0);
            prop_assert!(i <= m.label_entropy().value() + 1e-12);
            prop_assert!(i <= m.prediction_entropy().value() + 1e-12);
        }
    }
}
