//! Seeded stratified splits: [`stratified_split`] and [`stratified_k_fold`] shuffle each class
//! with its own seeded stream (`dgnn_core::rng::shuffle`, Fisher–Yates) and deal its members out,
//! so every part holds each class in proportion (counts differ by at most one) and the result
//! depends only on the seed.

use crate::GliaError;
use dgnn_core::Seed;
use dgnn_core::rng::shuffle;
use serde::{Deserialize, Serialize};

/// A train/test partition of sample indices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Split {
    /// Indices of the training samples.
    pub train: Vec<usize>,
    /// Indices of the test (held-out) samples.
    pub test: Vec<usize>,
}

/// Each class's sample indices, shuffled with the class's own stream of `seed`.
fn shuffled_classes(labels: &[usize], seed: Seed, name: &str) -> Vec<Vec<usize>> {
    let classes = labels.iter().max().map_or(0, |m| m + 1);
    let mut by_class = vec![Vec::new(); classes];
    for (i, &l) in labels.iter().enumerate() {
        by_class[l].push(i);
    }
    for (c, members) in by_class.iter_mut().enumerate() {
        let mut rng = seed.stream(name, &[c as u64]);
        shuffle(members, &mut rng);
    }
    by_class
}

/// A seeded stratified split holding out `test_fraction` of each class (at least one sample of
/// every class with two or more members stays on each side).
pub fn stratified_split(
    labels: &[usize],
    test_fraction: f64,
    seed: Seed,
) -> Result<Split, GliaError> {
    if !(test_fraction > 0.0 && test_fraction < 1.0) {
        return Err(dgnn_core::ParamError::new(
            "test_fraction",
            test_fraction,
            "must lie strictly between 0 and 1",
        )
        .into());
    }
    let mut split = Split { train: Vec::new(), test: Vec::new() };
    for members in shuffled_classes(labels, seed, "glia/data/split") {
        let n = members.len();
        let mut n_test = (test_fraction * n as f64).round() as usize;
        if n >= 2 {
            n_test = n_test.clamp(1, n - 1);
        }
        split.test.extend_from_slice(&members[..n_test.min(n)]);
        split.train.extend_from_slice(&members[n_test.min(n)..]);
    }
    split.train.sort_unstable();
    split.test.sort_unstable();
    Ok(split)
}

/// Seeded stratified k-fold cross-validation: fold `f`'s test part is every k-th member of the
/// shuffled classes (dealt round-robin, continuing across classes), its training part the rest.
/// Every class must have at least `k` samples.
pub fn stratified_k_fold(labels: &[usize], k: usize, seed: Seed) -> Result<Vec<Split>, GliaError> {
    dgnn_core::error::at_least("folds", k, 2)?;
    let classes = shuffled_classes(labels, seed, "glia/data/kfold");
    if let Some((c, members)) =
        classes.iter().enumerate().find(|(_, m)| !m.is_empty() && m.len() < k)
    {
        return Err(GliaError::Data {
            name: "cross-validation".into(),
            problem: format!(
                "class {c} has {} samples, fewer than the {k} folds; use fewer folds",
                members.len()
            ),
        });
    }
    let mut fold_of = vec![0usize; labels.len()];
    let mut next = 0usize;
    for members in &classes {
        for &i in members {
            fold_of[i] = next % k;
            next += 1;
        }
    }
    Ok((0..k)
        .map(|f| {
            let (test, train): (Vec<usize>, Vec<usize>) =
                (0..labels.len()).partition(|&i| fold_of[i] == f);
            Split { train, test }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        // Invariant: k-fold test parts partition the samples, each class is spread over the folds
        // with counts differing by at most one, and the same seed gives the same folds.
        #[test]
        fn k_fold_partitions_and_stratifies(
            labels in proptest::collection::vec(0usize..3, 30..120),
            k in 2usize..6,
            seed in any::<u64>(),
        ) {
            let counts = (0..3).map(|c| labels.iter().filter(|&&l| l == c).count());
            prop_assume!(counts.clone().all(|n| n == 0 || n >= k));
            let folds = stratified_k_fold(&labels, k, Seed(seed)).unwrap();
            let mut seen = vec![0; labels.len()];
            for f in &folds {
                for &i in &f.test { seen[i] += 1; }
                prop_assert_eq!(f.train.len() + f.test.len(), labels.len());
            }
            prop_assert!(seen.iter().all(|&s| s == 1));
            for (c, n) in counts.enumerate() {
                let per_fold: Vec<usize> = folds.iter()
                    .map(|f| f.test.iter().filter(|&&i| labels[i] == c).count()).collect();
                let (lo, hi) = (per_fold.iter().min().unwrap(), per_fold.iter().max().unwrap());
                prop_assert!(hi - lo <= 1, "class {} of {} spread {:?}", c, n, per_fold);
            }
            prop_assert_eq!(folds, stratified_k_fold(&labels, k, Seed(seed)).unwrap());
        }

        // Invariant: a stratified split is a partition whose test share of each class is the
        // rounded fraction (clamped so both sides keep a member).
        #[test]
        fn split_is_stratified(labels in proptest::collection::vec(0usize..4, 8..100), frac in 0.1f64..0.9, seed in any::<u64>()) {
            let s = stratified_split(&labels, frac, Seed(seed)).unwrap();
            prop_assert_eq!(s.train.len() + s.test.len(), labels.len());
            for c in 0..4 {
                let n = labels.iter().filter(|&&l| l == c).count();
                let t = s.test.iter().filter(|&&i| labels[i] == c).count();
                let mut want = (frac * n as f64).round() as usize;
                if n >= 2 { want = want.clamp(1, n - 1); }
                prop_assert_eq!(t, want.min(n));
            }
        }
    }
}
