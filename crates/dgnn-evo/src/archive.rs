//! An unbounded Pareto archive: every evaluated solution that no other evaluated solution beats.
//!
//! The archive keeps the solutions that are not constrained-dominated (see
//! [`constrained_dominates`]) by any solution offered to it so far, each distinct evaluation
//! once (a candidate whose evaluation equals a member's is not added). Once a feasible solution
//! has been seen, only feasible solutions remain. Insertion compares the candidate with every
//! member, O(M · |archive|).

use crate::dominance::constrained_dominates;
use crate::problem::Individual;
use serde::{Deserialize, Serialize};

/// The non-dominated solutions among everything offered so far, in order of arrival.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ParetoArchive<G> {
    members: Vec<Individual<G>>,
}

impl<G> Default for ParetoArchive<G> {
    fn default() -> Self {
        Self { members: Vec::new() }
    }
}

impl<G: Clone> ParetoArchive<G> {
    /// Offers a solution; returns whether it entered the archive (members it beats leave).
    pub fn offer(&mut self, candidate: &Individual<G>) -> bool {
        let beaten = self.members.iter().any(|m| {
            m.evaluation == candidate.evaluation
                || constrained_dominates(&m.evaluation, &candidate.evaluation)
        });
        if beaten {
            return false;
        }
        self.members.retain(|m| !constrained_dominates(&candidate.evaluation, &m.evaluation));
        self.members.push(candidate.clone());
        true
    }

    /// The current members.
    #[must_use]
    pub fn members(&self) -> &[Individual<G>] {
        &self.members
    }

    /// The number of members.
    #[must_use]
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// Whether nothing has entered yet.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dominance::constrained_fronts;
    use crate::problem::Evaluation;
    use proptest::prelude::*;

    proptest! {
        // Invariant: after offering any sequence, the archive's evaluations are exactly the
        // distinct evaluations of the first constrained front of everything offered.
        #[test]
        fn archive_is_the_first_front_of_all_offered(
            raw in proptest::collection::vec((0..6u8, 0..6u8, 0..3u8), 1..80)
        ) {
            let offered: Vec<Individual<u32>> = raw
                .iter()
                .enumerate()
                .map(|(i, &(a, b, v))| Individual {
                    genome: u32::try_from(i).unwrap(),
                    evaluation: Evaluation::new(vec![f64::from(a), f64::from(b)], f64::from(v)),
                })
                .collect();
            let mut archive = ParetoArchive::default();
            for individual in &offered {
                archive.offer(individual);
            }
            let evaluations: Vec<Evaluation> = offered.iter().map(|i| i.evaluation.clone()).collect();
            let mut expected: Vec<Evaluation> = Vec::new();
            for &i in &constrained_fronts(&evaluations)[0] {
                if !expected.contains(&evaluations[i]) {
                    expected.push(evaluations[i].clone());
                }
            }
            let key = |e: &Evaluation| (e.objectives[0].to_bits(), e.objectives[1].to_bits(), e.violation.to_bits());
            expected.sort_by_key(key);
            let mut got: Vec<Evaluation> = archive.members().iter().map(|m| m.evaluation.clone()).collect();
            got.sort_by_key(key);
            prop_assert_eq!(got, expected);
        }
    }
}
