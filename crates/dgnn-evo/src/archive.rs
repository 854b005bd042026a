//! An unbounded Pareto archive: every evaluated solution that no other evaluated solution beats.
//!
//! The archive keeps the solutions that are not constrained-dominated (see
//! [`constrained_dominates`]) by any solution offered to it so far, each distinct evaluation
//! once (a candidate whose evaluation equals a member's is not added). Once a feasible solution
//! has been seen, only feasible solutions remain.
//!
//! With two objectives and feasible members the archive is kept as a staircase sorted by the
//! first objective (the second then strictly decreases), so an offer costs a binary search plus
//! the removal of the contiguous run of members the candidate dominates: O(log n) comparisons.
//! Otherwise an offer compares the candidate with every member, O(M · n).

use crate::dominance::constrained_dominates;
use crate::problem::{Evaluation, Individual};
use serde::{Deserialize, Serialize};

/// The non-dominated solutions among everything offered so far (two feasible objectives: in
/// increasing order of the first objective; otherwise in order of arrival).
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
        let c = &candidate.evaluation;
        let feasible_pair = c.is_feasible() && c.objectives.len() == 2;
        if feasible_pair && self.members.first().is_none_or(|m| m.evaluation.is_feasible()) {
            return self.offer_to_staircase(candidate);
        }
        let beaten = self
            .members
            .iter()
            .any(|m| m.evaluation == *c || constrained_dominates(&m.evaluation, c));
        if beaten {
            return false;
        }
        self.members.retain(|m| !constrained_dominates(c, &m.evaluation));
        self.members.push(candidate.clone());
        true
    }

    /// The two-objective feasible case: members form a staircase sorted by `f₁`.
    fn offer_to_staircase(&mut self, candidate: &Individual<G>) -> bool {
        let [x, y] = [candidate.evaluation.objectives[0], candidate.evaluation.objectives[1]];
        let f = |m: &Individual<G>| (m.evaluation.objectives[0], m.evaluation.objectives[1]);
        // The member with the largest f₁ ≤ x has the smallest f₂ among those that could
        // weakly dominate the candidate.
        let right = self.members.partition_point(|m| f(m).0 <= x);
        if right > 0 && f(&self.members[right - 1]).1 <= y {
            return false;
        }
        // Members with f₁ ≥ x and f₂ ≥ y (a contiguous run, as f₂ decreases) are dominated.
        let start = self.members.partition_point(|m| f(m).0 < x);
        let end = start + self.members[start..].partition_point(|m| f(m).1 >= y);
        self.members.splice(start..end, [candidate.clone()]);
        true
    }

    /// Re-assesses every member's violation with `violation` and keeps the members that no
    /// other member beats under the new violations (constraints that changed, see
    /// [`crate::Problem::violation_at`]); members are re-offered in their current order.
    pub fn reassess(&mut self, mut violation: impl FnMut(&Evaluation) -> f64) {
        let members = std::mem::take(&mut self.members);
        for mut member in members {
            member.evaluation.violation = violation(&member.evaluation);
            self.offer(&member);
        }
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
        // distinct evaluations of the first constrained front of everything offered, for two
        // objectives (staircase path) and three (general path), with and without violations.
        #[test]
        fn archive_is_the_first_front_of_all_offered(
            objectives in 2usize..4,
            raw in proptest::collection::vec((0..6u8, 0..6u8, 0..6u8, 0..3u8), 1..80)
        ) {
            let offered: Vec<Individual<u32>> = raw
                .iter()
                .enumerate()
                .map(|(i, &(a, b, c, v))| Individual {
                    genome: u32::try_from(i).unwrap(),
                    evaluation: Evaluation::new(
                        [a, b, c][..objectives].iter().map(|&x| f64::from(x)).collect(),
                        f64::from(v),
                    ),
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
            let key = |e: &Evaluation| {
                (e.objectives.iter().map(|f| f.to_bits()).collect::<Vec<_>>(), e.violation.to_bits())
            };
            expected.sort_by_key(key);
            let mut got: Vec<Evaluation> = archive.members().iter().map(|m| m.evaluation.clone()).collect();
            got.sort_by_key(key);
            prop_assert_eq!(got, expected);
        }
    }
}
