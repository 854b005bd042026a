//! Exact hypervolume in two and three dimensions.
//!
//! The hypervolume of a point set `S` against a reference point `r` (all objectives minimised)
//! is the Lebesgue measure of the region `{ y : ∃ s ∈ S, s ≤ y ≤ r }` that `S` dominates
//! (Zitzler & Thiele 1998). Points that do not strictly dominate `r` in every objective add
//! nothing and are ignored.
//!
//! - 2-D: sort by the first objective and sum the horizontal strips of the staircase,
//!   O(N log N).
//! - 3-D: the dimension sweep of Beume, Fonseca, López-Ibáñez, Paquete & Vahrenhold (2009,
//!   IEEE TEC 13:1075): visit the points by increasing third objective, keep the 2-D staircase
//!   of the points visited so far in a balanced tree and update its area incrementally when a
//!   point is inserted (the area it adds is walked along the neighbours it removes), then
//!   integrate area × slab height. O(N log N).
//!
//! Both sums are exact up to floating-point rounding; on integer coordinates they are exact.

use crate::error::EvoError;
use std::collections::BTreeMap;

/// The hypervolume of `points` against `reference`, for 2 or 3 objectives.
///
/// ```
/// use dgnn_evo::hypervolume;
/// // Two points dominating 2×1 and 1×2 boxes that overlap in a 1×1 box: 2 + 2 − 1 = 3.
/// let hv = hypervolume(&[[0.0, 1.0], [1.0, 0.0]], &[2.0, 2.0]).unwrap();
/// assert!((hv - 3.0).abs() < 1e-15);
/// ```
pub fn hypervolume<P: AsRef<[f64]>>(points: &[P], reference: &[f64]) -> Result<f64, EvoError> {
    let expected = reference.len();
    if let Some((index, point)) =
        points.iter().enumerate().find(|(_, p)| p.as_ref().len() != expected)
    {
        return Err(EvoError::DimensionMismatch { index, expected, found: point.as_ref().len() });
    }
    match *reference {
        [rx, ry] => Ok(hypervolume_2d(points, [rx, ry])),
        [rx, ry, rz] => Ok(hypervolume_3d(points, [rx, ry, rz])),
        _ => Err(EvoError::UnsupportedDimension { objectives: expected }),
    }
}

/// The points that strictly dominate the reference point, as fixed-size arrays.
fn inside<P: AsRef<[f64]>, const M: usize>(points: &[P], reference: [f64; M]) -> Vec<[f64; M]> {
    points
        .iter()
        .filter_map(|p| <[f64; M]>::try_from(p.as_ref()).ok())
        .filter(|p| p.iter().zip(&reference).all(|(x, r)| x < r))
        .collect()
}

/// Exact 2-D hypervolume (points must have two objectives; others are ignored).
#[must_use]
pub fn hypervolume_2d<P: AsRef<[f64]>>(points: &[P], reference: [f64; 2]) -> f64 {
    let mut pts = inside(points, reference);
    pts.sort_by(|a, b| a[0].total_cmp(&b[0]).then(a[1].total_cmp(&b[1])));
    let mut area = 0.0;
    let mut lowest = reference[1];
    for [x, y] in pts {
        if y < lowest {
            area += (reference[0] - x) * (lowest - y);
            lowest = y;
        }
    }
    area
}

/// An order-preserving map of finite `f64` to `u64` (with −0 read as +0), for tree keys.
fn order_key(x: f64) -> u64 {
    let bits = (x + 0.0).to_bits();
    if bits >> 63 == 1 { !bits } else { bits | (1 << 63) }
}

/// A 2-D staircase (mutually non-dominated points keyed by their first coordinate) with the area
/// it dominates up to a reference point, updated on every insertion.
struct Staircase {
    steps: BTreeMap<u64, [f64; 2]>,
    reference: [f64; 2],
    area: f64,
}

impl Staircase {
    fn insert(&mut self, [x, y]: [f64; 2]) {
        let key = order_key(x);
        if let Some((_, &[_, left_y])) = self.steps.range(..=key).next_back()
            && left_y <= y
        {
            return; // weakly dominated by a point with smaller or equal x
        }
        let mut height =
            self.steps.range(..key).next_back().map_or(self.reference[1], |(_, p)| p[1]);
        let mut from_x = x;
        let mut gained = 0.0;
        let mut removed = Vec::new();
        let mut closed = false;
        for (&step_key, &[step_x, step_y]) in self.steps.range(key..) {
            gained += (step_x - from_x) * (height - y);
            if step_y < y {
                closed = true;
                break;
            }
            removed.push(step_key);
            from_x = step_x;
            height = step_y;
        }
        if !closed {
            gained += (self.reference[0] - from_x) * (height - y);
        }
        for step_key in removed {
            self.steps.remove(&step_key);
        }
        self.steps.insert(key, [x, y]);
        self.area += gained;
    }
}

/// Exact 3-D hypervolume (points must have three objectives; others are ignored).
#[must_use]
pub fn hypervolume_3d<P: AsRef<[f64]>>(points: &[P], reference: [f64; 3]) -> f64 {
    let mut pts = inside(points, reference);
    pts.sort_by(|a, b| a[2].total_cmp(&b[2]));
    let mut staircase =
        Staircase { steps: BTreeMap::new(), reference: [reference[0], reference[1]], area: 0.0 };
    let mut volume = 0.0;
    for (i, p) in pts.iter().enumerate() {
        staircase.insert([p[0], p[1]]);
        let next_z = pts.get(i + 1).map_or(reference[2], |q| q[2]);
        volume += staircase.area * (next_z - p[2]);
    }
    volume
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The dominated volume counted cell by cell: on integer coordinates in `[0, r)`, the unit
    /// cell with lower corner `c` is dominated iff some point `p ≤ c` componentwise, so the
    /// hypervolume is the number of such cells (exact by definition).
    fn brute_force_count(points: &[Vec<f64>], r: usize, dims: usize) -> f64 {
        let mut count = 0u64;
        let cells = r.pow(u32::try_from(dims).unwrap());
        for cell in 0..cells {
            let corner: Vec<f64> =
                (0..dims).map(|d| (cell / r.pow(u32::try_from(d).unwrap()) % r) as f64).collect();
            if points.iter().any(|p| p.iter().zip(&corner).all(|(x, c)| x <= c)) {
                count += 1;
            }
        }
        count as f64
    }

    fn grid_points(dims: usize) -> impl Strategy<Value = Vec<Vec<f64>>> {
        proptest::collection::vec(
            proptest::collection::vec((0..9u8).prop_map(f64::from), dims),
            0..25,
        )
    }

    proptest! {
        // Invariant: the 3-D sweep equals the exact cell count on integer points (some on or
        // beyond the reference, which must be ignored), with duplicates and ties.
        #[test]
        fn hv3d_equals_brute_force_count(pts in grid_points(3)) {
            let hv = hypervolume(&pts, &[8.0, 8.0, 8.0]).unwrap();
            prop_assert_eq!(hv.to_bits(), brute_force_count(&pts, 8, 3).to_bits());
        }

        // Invariant: the same for the 2-D sweep.
        #[test]
        fn hv2d_equals_brute_force_count(pts in grid_points(2)) {
            let hv = hypervolume(&pts, &[8.0, 8.0]).unwrap();
            prop_assert_eq!(hv.to_bits(), brute_force_count(&pts, 8, 2).to_bits());
        }

        // Invariant: a 3-D set whose third objective is constant at 0 has volume
        // (2-D area) × r_z, and permuting the objectives leaves the volume unchanged.
        #[test]
        fn hv3d_reduces_to_2d_and_is_symmetric(pts in grid_points(2)) {
            let flat: Vec<Vec<f64>> = pts.iter().map(|p| vec![p[0], p[1], 0.0]).collect();
            let area = hypervolume(&pts, &[8.0, 8.0]).unwrap();
            let volume = hypervolume(&flat, &[8.0, 8.0, 3.0]).unwrap();
            prop_assert_eq!(volume.to_bits(), (3.0 * area).to_bits());
            let rotated: Vec<Vec<f64>> = flat.iter().map(|p| vec![p[2], p[0], p[1]]).collect();
            let again = hypervolume(&rotated, &[3.0, 8.0, 8.0]).unwrap();
            prop_assert_eq!(again.to_bits(), volume.to_bits());
        }
    }

    #[test]
    fn hand_cases() {
        // A single point dominates the box between it and the reference.
        let one = hypervolume(&[[0.5, 0.25, 0.0]], &[1.0, 1.0, 1.0]).unwrap();
        assert!((one - 0.5 * 0.75 * 1.0).abs() < 1e-15);
        // Corners of the unit simplex touch the faces of the box against (1,1,1), so none of
        // them strictly dominates the reference and the volume is 0.
        let corners = [[0.0, 0.0, 1.0], [0.0, 1.0, 0.0], [1.0, 0.0, 0.0]];
        assert!(hypervolume(&corners, &[1.0, 1.0, 1.0]).unwrap().abs() < 1e-15);
        // Against (2,2,2) each corner dominates a 2×2×1 slab; pairwise overlaps 2×1×1,
        // triple overlap 1×1×1: 3·4 − 3·2 + 1 = 7 (inclusion–exclusion).
        let hv = hypervolume(&corners, &[2.0, 2.0, 2.0]).unwrap();
        assert!((hv - 7.0).abs() < 1e-15);
        // A dominated point changes nothing.
        let with_dominated = [[0.0, 1.0], [1.0, 0.0], [1.5, 1.5]];
        assert!((hypervolume(&with_dominated, &[2.0, 2.0]).unwrap() - 3.0).abs() < 1e-15);
    }

    #[test]
    fn bad_dimensions_are_typed_errors() {
        assert!(matches!(
            hypervolume(&[[0.0; 4]], &[1.0; 4]),
            Err(EvoError::UnsupportedDimension { objectives: 4 })
        ));
        assert!(matches!(
            hypervolume(&[vec![0.0, 0.0], vec![0.0]], &[1.0, 1.0]),
            Err(EvoError::DimensionMismatch { index: 1, expected: 2, found: 1 })
        ));
    }
}
