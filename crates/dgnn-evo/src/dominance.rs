//! Pareto dominance, constrained domination, non-dominated sorting and crowding distance.
//!
//! - *Dominance* (minimisation): `a ≺ b` iff `a_k ≤ b_k` for every objective and `a_k < b_k` for
//!   at least one.
//! - *Constrained domination* (Deb et al. 2002, IEEE TEC 6:182, §VI): `a` beats `b` if `a` is
//!   feasible and `b` is not, or both are infeasible and `a` has the smaller violation, or both
//!   are feasible and `a ≺ b`.
//! - *Non-dominated sorting* splits points into fronts F₀, F₁, …: F₀ holds the points no point
//!   dominates, F₁ those dominated only by points of F₀, and so on. The sort used here is the
//!   efficient non-dominated sort with binary search (ENS-BS, Zhang, Tian, Cheng & Jin 2015,
//!   IEEE TEC 19:201): points are visited in lexicographic order, so a point can only be
//!   dominated by points visited before it, and its front is found by a binary search over the
//!   fronts built so far (if a point is dominated by a member of Fₖ it is dominated by a member
//!   of every earlier front). With two objectives a front is tested in O(1) (its last member has
//!   the smallest second objective), which makes the whole sort O(N log N); with more objectives
//!   the members of a front are scanned, O(M N²) in the worst case like Deb's fast sort.
//!   Under constrained domination the feasible points are sorted this way and the infeasible
//!   ones follow, one front per distinct violation in increasing order.
//! - *Crowding distance* (Deb et al. 2002, §III-B): for each objective, sort the front, give the
//!   two extreme points infinite distance and every other point the normalised gap between its
//!   neighbours `(f_{next} − f_{prev}) / (f_max − f_min)`, summed over objectives.
//!
//! Points must be finite; ties are broken by index so every result is a deterministic function
//! of the input order.

use crate::problem::Evaluation;
use std::cmp::Ordering;

/// Whether `a` Pareto-dominates `b` (all objectives minimised).
#[must_use]
pub fn dominates(a: &[f64], b: &[f64]) -> bool {
    let mut strictly_better = false;
    for (x, y) in a.iter().zip(b) {
        if x > y {
            return false;
        }
        if x < y {
            strictly_better = true;
        }
    }
    strictly_better
}

/// Whether `a` beats `b` under Deb's constrained domination.
#[must_use]
pub fn constrained_dominates(a: &Evaluation, b: &Evaluation) -> bool {
    match (a.is_feasible(), b.is_feasible()) {
        (true, true) => dominates(&a.objectives, &b.objectives),
        (true, false) => true,
        (false, true) => false,
        (false, false) => a.violation < b.violation,
    }
}

/// Lexicographic order of two points (−0 and +0 compare equal, as in dominance).
fn lexicographic(a: &[f64], b: &[f64]) -> Ordering {
    a.iter()
        .zip(b)
        .map(|(x, y)| x.partial_cmp(y).unwrap_or(Ordering::Equal))
        .find(|order| order.is_ne())
        .unwrap_or(Ordering::Equal)
}

/// Sorts the points `members` (indices into `points`) into non-dominated fronts (ENS-BS).
fn sort_indices<P: AsRef<[f64]>>(points: &[P], mut members: Vec<usize>) -> Vec<Vec<usize>> {
    members.sort_by(|&i, &j| {
        lexicographic(points[i].as_ref(), points[j].as_ref()).then_with(|| i.cmp(&j))
    });
    let two_objectives = members.first().is_some_and(|&i| points[i].as_ref().len() == 2);
    let front_dominates = |front: &[usize], candidate: &[f64]| {
        if two_objectives {
            // Members arrive in lexicographic order and are mutually non-dominated, so the
            // second objective never increases along a front: the last member has the
            // smallest one and dominates the candidate if any member does.
            front.last().is_some_and(|&last| dominates(points[last].as_ref(), candidate))
        } else {
            front.iter().rev().any(|&m| dominates(points[m].as_ref(), candidate))
        }
    };
    let mut fronts: Vec<Vec<usize>> = Vec::new();
    for index in members {
        let candidate = points[index].as_ref();
        let (mut low, mut high) = (0, fronts.len());
        while low < high {
            let middle = low + (high - low) / 2;
            if front_dominates(&fronts[middle], candidate) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        match fronts.get_mut(low) {
            Some(front) => front.push(index),
            None => fronts.push(vec![index]),
        }
    }
    fronts
}

/// Splits points into non-dominated fronts (indices into `points`; the first front holds the
/// points no other point dominates). Every index appears in exactly one front.
///
/// ```
/// use dgnn_evo::non_dominated_fronts;
/// let points = [[1.0, 4.0], [2.0, 2.0], [3.0, 3.0], [4.0, 1.0]];
/// assert_eq!(non_dominated_fronts(&points), vec![vec![0, 1, 3], vec![2]]);
/// ```
#[must_use]
pub fn non_dominated_fronts<P: AsRef<[f64]>>(points: &[P]) -> Vec<Vec<usize>> {
    sort_indices(points, (0..points.len()).collect())
}

/// Splits evaluations (or individuals) into fronts under constrained domination: the feasible
/// ones sorted by Pareto dominance first, then the infeasible ones, one front per distinct
/// violation in increasing order.
#[must_use]
pub fn constrained_fronts<E: AsRef<Evaluation>>(evaluations: &[E]) -> Vec<Vec<usize>> {
    let evaluations: Vec<&Evaluation> = evaluations.iter().map(AsRef::as_ref).collect();
    let (feasible, mut infeasible): (Vec<usize>, Vec<usize>) =
        (0..evaluations.len()).partition(|&i| evaluations[i].is_feasible());
    let objectives: Vec<&[f64]> = evaluations.iter().map(|e| e.objectives.as_slice()).collect();
    let mut fronts = sort_indices(&objectives, feasible);
    infeasible.sort_by(|&i, &j| {
        evaluations[i].violation.total_cmp(&evaluations[j].violation).then_with(|| i.cmp(&j))
    });
    for index in infeasible {
        let violation = evaluations[index].violation;
        let same_level = fronts.last().and_then(|front| front.last()).is_some_and(|&last| {
            !evaluations[last].is_feasible()
                && evaluations[last].violation.to_bits() == violation.to_bits()
        });
        match fronts.last_mut() {
            Some(front) if same_level => front.push(index),
            _ => fronts.push(vec![index]),
        }
    }
    fronts
}

/// Crowding distances of the members of one front (`front` indexes `points`); the result is
/// aligned with `front`. Fronts of one or two points are all boundary (infinite distance).
#[must_use]
pub fn crowding_distances<P: AsRef<[f64]>>(points: &[P], front: &[usize]) -> Vec<f64> {
    let n = front.len();
    let mut distance = vec![0.0; n];
    if n <= 2 {
        distance.fill(f64::INFINITY);
        return distance;
    }
    let objectives = points[front[0]].as_ref().len();
    let mut order: Vec<usize> = (0..n).collect();
    for k in 0..objectives {
        let value = |position: usize| points[front[position]].as_ref()[k];
        order.sort_by(|&a, &b| {
            value(a).partial_cmp(&value(b)).unwrap_or(Ordering::Equal).then(front[a].cmp(&front[b]))
        });
        distance[order[0]] = f64::INFINITY;
        distance[order[n - 1]] = f64::INFINITY;
        let range = value(order[n - 1]) - value(order[0]);
        if range > 0.0 {
            for w in order.windows(3) {
                distance[w[1]] += (value(w[2]) - value(w[0])) / range;
            }
        }
    }
    distance
}

/// The rank (front number) and crowding distance of every evaluation (or individual), under
/// constrained domination: what NSGA-II's crowded tournament compares.
#[must_use]
pub fn rank_and_crowding<E: AsRef<Evaluation>>(evaluations: &[E]) -> (Vec<usize>, Vec<f64>) {
    let mut rank = vec![0; evaluations.len()];
    let mut crowding = vec![0.0; evaluations.len()];
    let objectives: Vec<&[f64]> =
        evaluations.iter().map(|e| e.as_ref().objectives.as_slice()).collect();
    for (front_number, front) in constrained_fronts(evaluations).iter().enumerate() {
        for (&index, distance) in front.iter().zip(crowding_distances(&objectives, front)) {
            rank[index] = front_number;
            crowding[index] = distance;
        }
    }
    (rank, crowding)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Brute-force front numbers by definition: a point's rank is 0 if nothing dominates it,
    /// else one more than the largest rank among the points that dominate it (Deb 2002's peeling
    /// of successive non-dominated layers, written as a fixed point of an O(N³) recursion).
    fn brute_force_ranks(beats: impl Fn(usize, usize) -> bool, n: usize) -> Vec<usize> {
        let mut remaining: Vec<usize> = (0..n).collect();
        let mut rank = vec![usize::MAX; n];
        let mut level = 0;
        while !remaining.is_empty() {
            let layer: Vec<usize> = remaining
                .iter()
                .copied()
                .filter(|&i| !remaining.iter().any(|&j| beats(j, i)))
                .collect();
            for &i in &layer {
                rank[i] = level;
            }
            remaining.retain(|i| !layer.contains(i));
            level += 1;
        }
        rank
    }

    fn ranks_of(fronts: &[Vec<usize>], n: usize) -> Vec<usize> {
        let mut rank = vec![usize::MAX; n];
        for (level, front) in fronts.iter().enumerate() {
            for &i in front {
                assert_eq!(rank[i], usize::MAX, "index {i} in two fronts");
                rank[i] = level;
            }
        }
        rank
    }

    /// Points on a coarse grid, so that ties and duplicates are frequent.
    fn points(objectives: usize) -> impl Strategy<Value = Vec<Vec<f64>>> {
        proptest::collection::vec(
            proptest::collection::vec((0..6u8).prop_map(|v| f64::from(v) * 0.5), objectives),
            0..60,
        )
    }

    proptest! {
        // Invariant: ENS-BS agrees with the O(N²)-per-layer definition of non-dominated fronts,
        // for 2, 3 and 4 objectives, with ties and duplicates.
        #[test]
        fn sort_matches_brute_force(objectives in 2usize..5, seed_points in points(4)) {
            let pts: Vec<Vec<f64>> =
                seed_points.into_iter().map(|p| p[..objectives].to_vec()).collect();
            let fronts = non_dominated_fronts(&pts);
            let expected = brute_force_ranks(|a, b| dominates(&pts[a], &pts[b]), pts.len());
            prop_assert_eq!(ranks_of(&fronts, pts.len()), expected);
        }

        // Invariant: the constrained sort agrees with the brute-force layering under Deb's
        // constrained-domination relation.
        #[test]
        fn constrained_sort_matches_brute_force(
            pts in points(2),
            violations in proptest::collection::vec((0..4u8).prop_map(|v| f64::from(v) * 0.25), 60),
        ) {
            let evaluations: Vec<Evaluation> = pts
                .into_iter()
                .zip(violations)
                .map(|(p, v)| Evaluation::new(p, v))
                .collect();
            let fronts = constrained_fronts(&evaluations);
            let expected = brute_force_ranks(
                |a, b| constrained_dominates(&evaluations[a], &evaluations[b]),
                evaluations.len(),
            );
            prop_assert_eq!(ranks_of(&fronts, evaluations.len()), expected);
        }

        // Invariant: crowding distances are ≥ 0, the extremes of every objective are infinite,
        // and for two objectives on a front the distance is the normalised perimeter of the
        // box spanned by the neighbours (Deb 2002, Fig. 1).
        #[test]
        fn crowding_extremes_are_infinite(xs in proptest::collection::btree_set(0u32..1000, 3..30)) {
            let pts: Vec<[f64; 2]> =
                xs.iter().map(|&x| { let x = f64::from(x) / 1000.0; [x, 1.0 - x * x] }).collect();
            let front: Vec<usize> = (0..pts.len()).collect();
            let d = crowding_distances(&pts, &front);
            let n = pts.len();
            prop_assert!(d[0].is_infinite() && d[n - 1].is_infinite());
            let range0 = pts[n - 1][0] - pts[0][0];
            let range1 = pts[0][1] - pts[n - 1][1];
            for i in 1..n - 1 {
                let expected = (pts[i + 1][0] - pts[i - 1][0]) / range0
                    + (pts[i - 1][1] - pts[i + 1][1]) / range1;
                prop_assert!((d[i] - expected).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn dominance_by_definition() {
        assert!(dominates(&[1.0, 2.0], &[1.0, 3.0]));
        assert!(!dominates(&[1.0, 2.0], &[1.0, 2.0]));
        assert!(!dominates(&[1.0, 3.0], &[2.0, 2.0]));
        assert!(dominates(&[-0.0, 1.0], &[0.0, 2.0]));
        let feasible = Evaluation::feasible(vec![9.0, 9.0]);
        let slightly = Evaluation::new(vec![0.0, 0.0], 0.1);
        let badly = Evaluation::new(vec![0.0, 0.0], 0.5);
        assert!(constrained_dominates(&feasible, &slightly));
        assert!(constrained_dominates(&slightly, &badly));
        assert!(!constrained_dominates(&badly, &slightly));
    }

    #[test]
    fn small_fronts_are_boundary() {
        let pts = [[0.0, 1.0], [1.0, 0.0]];
        assert!(crowding_distances(&pts, &[0, 1]).iter().all(|d| d.is_infinite()));
    }
}
