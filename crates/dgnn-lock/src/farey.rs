//! Farey sequences, mediants and the Stern–Brocot tree: the "hierarchy" of a frequency ratio.
//!
//! - The Farey sequence `F_n` lists the reduced fractions in `[0, 1]` with denominator ≤ n in
//!   increasing order; neighbours `a/b < c/d` satisfy `bc − ad = 1`, and the first fraction to
//!   appear between them (in `F_{b+d}`) is their mediant `(a+c)/(b+d)` (Hardy & Wright, *An
//!   Introduction to the Theory of Numbers*, ch. 3).
//! - The Stern–Brocot tree holds every positive rational once: the root is `1/1`, and each node
//!   is the mediant of its nearest left and right ancestors (starting from `0/1` and `1/0`). The
//!   path from the root spells the continued fraction `[a₀; a₁, …, a_k]` as `R^{a₀} L^{a₁} …`
//!   with the last run shortened by one, so the depth of `p/q` is `Σ aᵢ − 1` (Graham, Knuth &
//!   Patashnik, *Concrete Mathematics*, §4.5).
//!
//! In the paper's language (Hoyer et al. 2001), a heart:breath ratio of low depth such as 3:1
//! (depth 2) is a low "hierarchy" of coordination; ratios deep in the tree such as 7:2 or 11:3
//! are the higher-order ratios of active sleep. [`Ratio`] is used both for rotation numbers
//! `p/q` and for frequency ratios `n:m`.

use dgnn_core::ParamError;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::fmt;

/// A non-negative rational number `p/q` in lowest terms (`q ≥ 1`).
///
/// It serialises as `(p: 3, q: 1)` and deserialises through [`Ratio::new`], so a file can
/// never hold an unreduced ratio or a zero denominator: `(p: 6, q: 2)` (or, for a frequency
/// ratio, `(n: 6, m: 2)`) reads as 3/1, and `q: 0` is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawRatio")]
pub struct Ratio {
    p: u64,
    q: u64,
}

/// A ratio as written in a file, before [`Ratio::new`] reduces and checks it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRatio {
    #[serde(alias = "n")]
    p: u64,
    #[serde(alias = "m")]
    q: u64,
}

impl TryFrom<RawRatio> for Ratio {
    type Error = ParamError;

    fn try_from(raw: RawRatio) -> Result<Self, ParamError> {
        Self::new(raw.p, raw.q)
    }
}

/// Greatest common divisor (Euclid).
#[must_use]
pub fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

impl Ratio {
    /// The reduced fraction `p/q`; a zero denominator is an error.
    pub fn new(p: u64, q: u64) -> Result<Self, ParamError> {
        if q == 0 {
            return Err(ParamError::new("denominator", q, "must be at least 1"));
        }
        let g = gcd(p, q);
        Ok(Self { p: p / g, q: q / g })
    }

    /// The integer `p/1`.
    #[must_use]
    pub fn integer(p: u64) -> Self {
        Self { p, q: 1 }
    }

    /// The numerator `p` (in lowest terms).
    #[must_use]
    pub fn numer(self) -> u64 {
        self.p
    }

    /// The denominator `q` (in lowest terms).
    #[must_use]
    pub fn denom(self) -> u64 {
        self.q
    }

    /// The value `p/q` as a float.
    #[must_use]
    pub fn value(self) -> f64 {
        self.p as f64 / self.q as f64
    }

    /// The mediant `(p + r)/(q + s)`, reduced (it is already reduced for Farey neighbours).
    #[must_use]
    pub fn mediant(self, other: Self) -> Self {
        let (p, q) = (self.p + other.p, self.q + other.q);
        let g = gcd(p, q);
        Self { p: p / g, q: q / g }
    }

    /// Whether `self` and `other` are Farey neighbours: `|q·r − p·s| = 1`.
    #[must_use]
    pub fn is_farey_neighbour(self, other: Self) -> bool {
        let cross =
            i128::from(self.q) * i128::from(other.p) - i128::from(self.p) * i128::from(other.q);
        cross.abs() == 1
    }

    /// The `n:m` form used for frequency ratios (`"3:1"`).
    #[must_use]
    pub fn colon(self) -> String {
        format!("{}:{}", self.p, self.q)
    }

    /// The continued fraction `[a₀; a₁, …]` of `p/q` (the last term is ≥ 2 unless the ratio
    /// is an integer).
    #[must_use]
    pub fn continued_fraction(self) -> Vec<u64> {
        let (mut p, mut q) = (self.p, self.q);
        let mut terms = Vec::new();
        while q != 0 {
            terms.push(p / q);
            (p, q) = (q, p % q);
        }
        terms
    }

    /// The path from the Stern–Brocot root `1/1` to this ratio; `None` for zero, which is not
    /// in the tree.
    #[must_use]
    pub fn stern_brocot_path(self) -> Option<Vec<Turn>> {
        if self.p == 0 {
            return None;
        }
        let terms = self.continued_fraction();
        let mut path = Vec::new();
        let last = terms.len() - 1;
        for (i, &a) in terms.iter().enumerate() {
            let run = if i == last { a - 1 } else { a };
            let turn = if i % 2 == 0 { Turn::Right } else { Turn::Left };
            path.extend(std::iter::repeat_n(turn, run as usize));
        }
        Some(path)
    }

    /// The depth of this ratio in the Stern–Brocot tree (`1/1` has depth 0, `3/1` depth 2,
    /// `5/2` depth 3): its level of hierarchy. `None` for zero.
    #[must_use]
    pub fn depth(self) -> Option<u64> {
        (self.p != 0).then(|| self.continued_fraction().iter().sum::<u64>() - 1)
    }

    /// Follows a path from the Stern–Brocot root and returns the node it ends at.
    #[must_use]
    pub fn from_stern_brocot_path(path: &[Turn]) -> Self {
        let (mut left, mut right) = ((0u64, 1u64), (1u64, 0u64));
        let mut node = (1u64, 1u64);
        for turn in path {
            match turn {
                Turn::Left => right = node,
                Turn::Right => left = node,
            }
            node = (left.0 + right.0, left.1 + right.1);
        }
        Self { p: node.0, q: node.1 }
    }
}

impl PartialOrd for Ratio {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ratio {
    fn cmp(&self, other: &Self) -> Ordering {
        (u128::from(self.p) * u128::from(other.q)).cmp(&(u128::from(other.p) * u128::from(self.q)))
    }
}

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.p, self.q)
    }
}

/// One step down the Stern–Brocot tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Turn {
    /// Towards smaller ratios.
    Left,
    /// Towards larger ratios.
    Right,
}

/// The Farey sequence `F_n`: reduced fractions in `[0, 1]` with denominator ≤ `n`, ascending,
/// by the neighbour recurrence (no sorting, no duplicates). `n` must be at least 1.
pub fn farey_sequence(n: u64) -> Result<Vec<Ratio>, ParamError> {
    if n == 0 {
        return Err(ParamError::new("order", n, "must be at least 1"));
    }
    let (mut a, mut b, mut c, mut d) = (0u64, 1u64, 1u64, n);
    let mut out = vec![Ratio { p: 0, q: 1 }];
    while c <= n {
        let k = (n + b) / d;
        (a, b, c, d) = (c, d, k * c - a, k * d - b);
        out.push(Ratio { p: a, q: b });
    }
    Ok(out)
}

/// Every node of the Stern–Brocot tree down to `max_depth` (inclusive), in increasing order.
/// There are `2^(max_depth+1) − 1` of them; `max_depth` is capped at 20.
pub fn stern_brocot_nodes(max_depth: u32) -> Result<Vec<Ratio>, ParamError> {
    if max_depth > 20 {
        return Err(ParamError::new("max_depth", max_depth, "must be at most 20"));
    }
    fn walk(left: (u64, u64), right: (u64, u64), depth: u32, max: u32, out: &mut Vec<Ratio>) {
        let node = (left.0 + right.0, left.1 + right.1);
        if depth < max {
            walk(left, node, depth + 1, max, out);
        }
        out.push(Ratio { p: node.0, q: node.1 });
        if depth < max {
            walk(node, right, depth + 1, max, out);
        }
    }
    let mut out = Vec::new();
    walk((0, 1), (1, 0), 0, max_depth, &mut out);
    Ok(out)
}

/// The fraction closest to `x ≥ 0` among those with denominator ≤ `max_denominator` (ties go
/// to the smaller denominator): for a measured frequency ratio, the nearest low-order ratio.
pub fn nearest_ratio(x: f64, max_denominator: u64) -> Result<Ratio, ParamError> {
    if !(x.is_finite() && x >= 0.0) {
        return Err(ParamError::new("x", x, "must be a finite number ≥ 0"));
    }
    if max_denominator == 0 {
        return Err(ParamError::new("max_denominator", max_denominator, "must be at least 1"));
    }
    let mut best = Ratio { p: x.round() as u64, q: 1 };
    let mut best_err = (x - best.value()).abs();
    for q in 2..=max_denominator {
        let p = (x * q as f64).round() as u64;
        let err = (x - p as f64 / q as f64).abs();
        if err < best_err {
            best = Ratio::new(p, q)?;
            best_err = err;
        }
    }
    Ok(best)
}

/// The ratio closest to `x > 0` among Stern–Brocot nodes of depth ≤ `max_depth` (ties go to
/// the shallower node).
pub fn nearest_within_depth(x: f64, max_depth: u32) -> Result<Ratio, ParamError> {
    if !(x.is_finite() && x > 0.0) {
        return Err(ParamError::new("x", x, "must be a finite number > 0"));
    }
    let nodes = stern_brocot_nodes(max_depth)?;
    let mut best: Option<(f64, u64, Ratio)> = None;
    for r in nodes {
        let key = ((x - r.value()).abs(), r.depth().unwrap_or(0));
        if best.is_none_or(|(e, d, _)| key.0 < e || (key.0 <= e && key.1 < d)) {
            best = Some((key.0, key.1, r));
        }
    }
    best.map(|(_, _, r)| r).ok_or_else(|| ParamError::new("max_depth", max_depth, "empty tree"))
}

/// A text picture of the Stern–Brocot tree restricted to the ratios in `counts` and their
/// ancestors, one node per line, indented by depth, with each ratio's count and depth:
///
/// ```text
/// 1:1  depth 0
/// └─R 2:1  depth 1
///   └─R 3:1  depth 2  ×12
///     └─L 5:2  depth 3  ×3
/// ```
///
/// Ratios are written `n:m`; zero ratios are skipped.
#[must_use]
pub fn tree_view(counts: &[(Ratio, usize)]) -> String {
    let mut paths: Vec<(Vec<Turn>, Ratio, usize)> =
        counts.iter().filter_map(|&(r, c)| r.stern_brocot_path().map(|p| (p, r, c))).collect();
    // Every ancestor of a listed ratio is shown too, with count 0.
    let mut nodes: std::collections::BTreeMap<Vec<u8>, (Ratio, usize)> = Default::default();
    let key = |path: &[Turn]| -> Vec<u8> {
        path.iter().map(|t| if *t == Turn::Left { 0u8 } else { 2u8 }).collect()
    };
    for (path, ratio, count) in paths.drain(..) {
        for len in 0..path.len() {
            let prefix = &path[..len];
            nodes.entry(key(prefix)).or_insert((Ratio::from_stern_brocot_path(prefix), 0));
        }
        nodes.entry(key(&path)).or_insert((ratio, 0)).1 += count;
    }
    // Keys sort as a pre-order walk (a node before its subtree, left before right).
    let mut ordered: Vec<(&Vec<u8>, &(Ratio, usize))> = nodes.iter().collect();
    ordered.sort_by(|a, b| a.0.cmp(b.0));
    let mut out = String::new();
    for (path, (ratio, count)) in ordered {
        let depth = path.len();
        if depth > 0 {
            out.push_str(&"  ".repeat(depth - 1));
            out.push_str(if path[depth - 1] == 0 { "└─L " } else { "└─R " });
        }
        out.push_str(&format!("{}  depth {depth}", ratio.colon()));
        if *count > 0 {
            out.push_str(&format!("  ×{count}"));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Euler's totient by trial division (independent of the Farey code).
    fn totient(n: u64) -> u64 {
        (1..=n).filter(|&k| gcd(k, n) == 1).count() as u64
    }

    #[test]
    fn farey_five_is_the_textbook_list() {
        // Hardy & Wright §3.1 list F_5 explicitly.
        let f5: Vec<String> = farey_sequence(5).unwrap().iter().map(ToString::to_string).collect();
        assert_eq!(
            f5,
            ["0/1", "1/5", "1/4", "1/3", "2/5", "1/2", "3/5", "2/3", "3/4", "4/5", "1/1"]
        );
    }

    #[test]
    fn depth_examples_from_the_tree() {
        // Stern–Brocot: 1/1 root; 2/1, 1/2 at depth 1; 3/1, 3/2, 2/3, 1/3 at depth 2; 5/2 at 3.
        let d = |p, q| Ratio::new(p, q).unwrap().depth().unwrap();
        assert_eq!((d(1, 1), d(2, 1), d(1, 2), d(3, 1), d(3, 2), d(5, 2)), (0, 1, 1, 2, 2, 3));
        assert_eq!(Ratio::new(0, 3).unwrap().depth(), None);
        assert_eq!(stern_brocot_nodes(2).unwrap().len(), 7);
    }

    #[test]
    fn zero_denominator_is_rejected() {
        assert!(Ratio::new(1, 0).is_err());
        assert!(farey_sequence(0).is_err());
        assert!(nearest_ratio(f64::NAN, 5).is_err());
        assert!(nearest_ratio(1.0, 0).is_err());
        assert!(nearest_within_depth(-1.0, 3).is_err());
    }

    #[test]
    fn deserialising_reduces_and_checks() {
        let read = |text: &str| ron::from_str::<Ratio>(text);
        assert_eq!(read("(n: 6, m: 2)").unwrap(), Ratio::integer(3));
        assert_eq!(read("(p: 4, q: 6)").unwrap(), Ratio::new(2, 3).unwrap());
        let err = read("(n: 1, m: 0)").unwrap_err().to_string();
        assert!(err.contains("denominator"), "{err}");
        assert!(read("(p: 1, q: 2, r: 3)").is_err());
    }

    #[test]
    fn tree_view_shows_ancestors_and_counts() {
        let view = tree_view(&[(Ratio::integer(3), 12), (Ratio::new(5, 2).unwrap(), 3)]);
        let lines: Vec<&str> = view.lines().collect();
        assert_eq!(lines[0], "1:1  depth 0");
        assert!(view.contains("└─R 2:1  depth 1\n"));
        assert!(view.contains("3:1  depth 2  ×12"));
        assert!(view.contains("└─L 5:2  depth 3  ×3"));
    }

    proptest! {
        // |F_n| = 1 + Σ_{k≤n} φ(k) (Hardy & Wright Thm 3.? / OEIS A005728) and neighbours have
        // determinant 1.
        #[test]
        fn farey_length_and_neighbours(n in 1u64..60) {
            let f = farey_sequence(n).unwrap();
            let expected = 1 + (1..=n).map(totient).sum::<u64>();
            prop_assert_eq!(f.len() as u64, expected);
            for pair in f.windows(2) {
                prop_assert!(pair[0] < pair[1]);
                prop_assert!(pair[0].is_farey_neighbour(pair[1]));
                prop_assert!(pair[0].denom() <= n && pair[1].denom() <= n);
            }
        }

        // The first fraction between Farey neighbours a/b < c/d is their mediant: it appears
        // in F_{b+d}, and no fraction with smaller denominator lies strictly between them.
        #[test]
        fn mediant_is_first_between_neighbours(n in 2u64..30, pick in 0usize..1000) {
            let f = farey_sequence(n).unwrap();
            let i = pick % (f.len() - 1);
            let (a, c) = (f[i], f[i + 1]);
            let m = a.mediant(c);
            prop_assert!(a < m && m < c);
            prop_assert_eq!(m.denom(), a.denom() + c.denom());
            let finer = farey_sequence(m.denom()).unwrap();
            let between: Vec<Ratio> = finer.into_iter().filter(|r| a < *r && *r < c).collect();
            prop_assert_eq!(between, vec![m]);
        }

        // The Stern–Brocot path round-trips, its length is the depth, and the depth equals
        // Σ aᵢ − 1 of the continued fraction computed independently by floating division.
        #[test]
        fn stern_brocot_round_trip(p in 1u64..500, q in 1u64..500) {
            let r = Ratio::new(p, q).unwrap();
            let path = r.stern_brocot_path().unwrap();
            prop_assert_eq!(Ratio::from_stern_brocot_path(&path), r);
            prop_assert_eq!(path.len() as u64, r.depth().unwrap());
            let (mut a, mut b, mut sum) = (r.numer(), r.denom(), 0u64);
            while b != 0 { sum += a / b; let t = a % b; a = b; b = t; }
            prop_assert_eq!(sum - 1, r.depth().unwrap());
        }

        // Every ratio read from a file is the reduced one Ratio::new builds: p/g over q/g with
        // g = gcd(p, q), checked by cross-multiplication and coprimality; serialising and
        // reading back gives the same ratio.
        #[test]
        fn deserialised_ratios_are_reduced(p in 0u64..10_000, q in 1u64..10_000) {
            let r: Ratio = ron::from_str(&format!("(p: {p}, q: {q})")).unwrap();
            prop_assert_eq!(u128::from(r.numer()) * u128::from(q), u128::from(p) * u128::from(r.denom()));
            prop_assert_eq!(gcd(r.numer(), r.denom()), 1);
            prop_assert_eq!(ron::from_str::<Ratio>(&ron::to_string(&r).unwrap()).unwrap(), r);
        }

        // nearest_ratio is the brute-force minimiser over all p/q with q ≤ max.
        #[test]
        fn nearest_ratio_is_nearest(x in 0.0f64..10.0, max_q in 1u64..20) {
            let r = nearest_ratio(x, max_q).unwrap();
            prop_assert!(r.denom() <= max_q);
            let err = (x - r.value()).abs();
            for q in 1..=max_q {
                for p in 0..=(11 * q) {
                    prop_assert!(err <= (x - p as f64 / q as f64).abs() + 1e-15);
                }
            }
        }

        // nearest_within_depth picks a node of depth ≤ d that no other such node beats.
        #[test]
        fn nearest_within_depth_is_nearest(x in 0.05f64..8.0, d in 0u32..7) {
            let r = nearest_within_depth(x, d).unwrap();
            prop_assert!(r.depth().unwrap() <= u64::from(d));
            let err = (x - r.value()).abs();
            for node in stern_brocot_nodes(d).unwrap() {
                prop_assert!(err <= (x - node.value()).abs() + 1e-15);
            }
        }
    }
}
