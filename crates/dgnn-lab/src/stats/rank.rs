//! Rank tests: Wilcoxon's signed-rank test for paired samples, Mann & Whitney's rank-sum test for
//! two independent samples, Kruskal & Wallis's H for several, and Spearman's rank correlation.
//!
//! Ties take average ranks; the normal approximations carry the usual tie corrections. Method
//! choices follow scipy.stats 1.17 so that a report can be checked there:
//! - signed rank (`wilcoxon`, zeros dropped as Wilcoxon did, no continuity correction): the exact
//!   null distribution for n ≤ 50 without ties or zeros; with ties or zeros, exact enumeration of
//!   the 2ⁿ sign flips for n ≤ 13; the normal approximation otherwise;
//! - rank sum (`mannwhitneyu`, continuity correction): exact when a sample has at most 8
//!   observations and there are no ties, normal otherwise;
//! - Kruskal–Wallis (`kruskal`): χ² with k − 1 degrees of freedom; effect size
//!   ε² = H / (N − 1) (Tomczak & Tomczak 2014);
//! - Spearman (`spearmanr`): Pearson's r of the average ranks, p from Student's t with n − 2
//!   degrees of freedom.

use serde::{Deserialize, Serialize};
use statrs::distribution::{ChiSquared, ContinuousCDF, Normal, StudentsT};

use super::{StatsError, check_finite};

/// Average ranks (1-based) of `values`, and the sizes of the groups of tied values.
#[must_use]
pub fn average_ranks(values: &[f64]) -> (Vec<f64>, Vec<usize>) {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut ranks = vec![0.0; values.len()];
    let mut ties = Vec::new();
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && values[order[end]].total_cmp(&values[order[start]]).is_eq() {
            end += 1;
        }
        // Positions start..end (0-based) share the mean of ranks start+1 ..= end.
        let rank = (start + end + 1) as f64 / 2.0;
        for &i in &order[start..end] {
            ranks[i] = rank;
        }
        if end - start > 1 {
            ties.push(end - start);
        }
        start = end;
    }
    (ranks, ties)
}

/// Σ (t³ − t) over tie groups.
fn tie_sum(ties: &[usize]) -> f64 {
    ties.iter().map(|&t| (t as f64).powi(3) - t as f64).sum()
}

/// How a p-value was computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PMethod {
    /// The exact null distribution.
    Exact,
    /// Exact enumeration of every sign flip (ties or zeros present, small n).
    Permutation,
    /// The normal (or χ², t) approximation.
    Asymptotic,
}

/// The result of a two-sided signed-rank test.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SignedRank {
    /// min(W⁺, W⁻), scipy's two-sided statistic.
    pub statistic: f64,
    /// The sum of the ranks of the positive differences.
    pub rank_sum_positive: f64,
    /// The two-sided p-value.
    pub p_value: f64,
    /// Non-zero differences used.
    pub n: usize,
    /// How the p-value was computed.
    pub method: PMethod,
}

/// Wilcoxon's two-sided signed-rank test of paired differences `d` (zeros dropped).
///
/// # Errors
/// Non-finite differences, or no non-zero difference at all.
pub fn wilcoxon_signed_rank(d: &[f64]) -> Result<SignedRank, StatsError> {
    const NAME: &str = "Wilcoxon signed-rank test";
    check_finite(NAME, d)?;
    let zeros = d.iter().filter(|&&x| x == 0.0).count();
    let nonzero: Vec<f64> = d.iter().copied().filter(|&x| x != 0.0).collect();
    let n = nonzero.len();
    if n == 0 {
        return Err(StatsError::TooFew { statistic: NAME, needed: 1, got: 0 });
    }
    let magnitudes: Vec<f64> = nonzero.iter().map(|x| x.abs()).collect();
    let (ranks, ties) = average_ranks(&magnitudes);
    let w_plus: f64 = nonzero.iter().zip(&ranks).filter(|(x, _)| **x > 0.0).map(|(_, r)| r).sum();
    let total = (n * (n + 1)) as f64 / 2.0;
    let statistic = w_plus.min(total - w_plus);
    let (p_value, method) = if d.len() <= 50 && ties.is_empty() && zeros == 0 {
        (signed_rank_exact_p(n, w_plus), PMethod::Exact)
    } else if ties.is_empty() && zeros == 0 || d.len() > 13 {
        let nf = n as f64;
        let mean = nf * (nf + 1.0) / 4.0;
        let sd = ((nf * (nf + 1.0) * (2.0 * nf + 1.0) - tie_sum(&ties) / 2.0) / 24.0).sqrt();
        (2.0 * standard_normal_sf(((w_plus - mean) / sd).abs()), PMethod::Asymptotic)
    } else {
        (sign_flip_rank_p(&ranks, w_plus), PMethod::Permutation)
    };
    Ok(SignedRank { statistic, rank_sum_positive: w_plus, p_value: p_value.min(1.0), n, method })
}

/// The exact two-sided p-value of W⁺ = `w_plus` with untied ranks 1..n: the number of subsets
/// of {1, …, n} with each rank sum, by dynamic programming.
fn signed_rank_exact_p(n: usize, w_plus: f64) -> f64 {
    let max = n * (n + 1) / 2;
    let mut counts = vec![0.0f64; max + 1];
    counts[0] = 1.0;
    for rank in 1..=n {
        for sum in (rank..=max).rev() {
            counts[sum] += counts[sum - rank];
        }
    }
    let all = 2f64.powi(n as i32);
    let w = w_plus.round() as usize;
    let cdf: f64 = counts[..=w].iter().sum::<f64>() / all;
    let sf: f64 = counts[w..].iter().sum::<f64>() / all;
    (2.0 * cdf.min(sf)).min(1.0)
}

/// The two-sided p-value of W⁺ over all 2ⁿ sign assignments of the given (possibly tied)
/// ranks, as scipy's permutation test: 2 · min(P(T ≤ t), P(T ≥ t)) with a relative tolerance.
fn sign_flip_rank_p(ranks: &[f64], w_plus: f64) -> f64 {
    let n = ranks.len();
    let tolerance = 1e-14 * w_plus.abs().max(1.0);
    let (mut below, mut above) = (0u64, 0u64);
    for mask in 0u64..(1 << n) {
        let t: f64 = (0..n).filter(|i| mask >> i & 1 == 1).map(|i| ranks[i]).sum();
        below += u64::from(t <= w_plus + tolerance);
        above += u64::from(t >= w_plus - tolerance);
    }
    let all = (1u64 << n) as f64;
    (2.0 * (below as f64 / all).min(above as f64 / all)).min(1.0)
}

/// The result of a two-sided rank-sum test.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RankSum {
    /// U of the first sample (scipy's statistic).
    pub u_first: f64,
    /// The two-sided p-value.
    pub p_value: f64,
    /// How the p-value was computed.
    pub method: PMethod,
}

/// Mann & Whitney's two-sided rank-sum test of two independent samples.
///
/// # Errors
/// An empty sample or non-finite values.
pub fn mann_whitney_u(x: &[f64], y: &[f64]) -> Result<RankSum, StatsError> {
    const NAME: &str = "Mann–Whitney U test";
    check_finite(NAME, x)?;
    check_finite(NAME, y)?;
    if x.is_empty() || y.is_empty() {
        let got = x.len().min(y.len());
        return Err(StatsError::TooFew { statistic: NAME, needed: 1, got });
    }
    let (n1, n2) = (x.len(), y.len());
    let pooled: Vec<f64> = x.iter().chain(y).copied().collect();
    let (ranks, ties) = average_ranks(&pooled);
    let r1: f64 = ranks[..n1].iter().sum();
    let u1 = r1 - (n1 * (n1 + 1)) as f64 / 2.0;
    let u2 = (n1 * n2) as f64 - u1;
    let u = u1.max(u2);
    let (p, method) = if n1.min(n2) <= 8 && ties.is_empty() {
        (2.0 * rank_sum_exact_sf(n1, n2, u), PMethod::Exact)
    } else {
        let (a, b) = (n1 as f64, n2 as f64);
        let n = a + b;
        let mean = a * b / 2.0;
        let variance = a * b / 12.0 * ((n + 1.0) - tie_sum(&ties) / (n * (n - 1.0)));
        let z = (u - mean - 0.5) / variance.sqrt();
        (2.0 * standard_normal_sf(z), PMethod::Asymptotic)
    };
    Ok(RankSum { u_first: u1, p_value: p.clamp(0.0, 1.0), method })
}

/// P(U ≥ u) under the null for samples of sizes n1, n2 without ties: the number of
/// arrangements with each U by the recursion c(m, n, u) = c(m−1, n, u−n) + c(m, n−1, u)
/// (Mann & Whitney 1947).
fn rank_sum_exact_sf(n1: usize, n2: usize, u: f64) -> f64 {
    let max = n1 * n2;
    // counts[j][k]: arrangements of i first-sample and j second-sample values with U = k,
    // built up over i.
    let mut table: Vec<Vec<f64>> = (0..=n2).map(|_| vec![1.0]).collect();
    for i in 1..=n1 {
        let mut next: Vec<Vec<f64>> = Vec::with_capacity(n2 + 1);
        next.push(vec![1.0]);
        for j in 1..=n2 {
            let mut counts = vec![0.0; i * j + 1];
            // The largest of the i + j values is a first-sample value (it beats all j) …
            for (k, c) in table[j].iter().enumerate() {
                counts[k + j] += c;
            }
            // … or a second-sample value (it beats none).
            for (k, c) in next[j - 1].iter().enumerate() {
                counts[k] += c;
            }
            next.push(counts);
        }
        table = next;
    }
    let counts = &table[n2];
    debug_assert_eq!(counts.len(), max + 1);
    let all: f64 = counts.iter().sum();
    let from = u.ceil() as usize;
    counts[from.min(max + 1)..].iter().sum::<f64>() / all
}

/// The result of a Kruskal–Wallis test.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct KruskalWallis {
    /// H, corrected for ties.
    pub h: f64,
    /// Degrees of freedom, k − 1.
    pub df: usize,
    /// p from χ² with `df` degrees of freedom.
    pub p_value: f64,
    /// ε² = H / (N − 1), between 0 (no effect) and 1.
    pub epsilon_squared: f64,
}

/// Kruskal & Wallis's H test that several independent samples come from one distribution.
///
/// # Errors
/// Fewer than two groups, an empty group, non-finite values, or all values equal.
pub fn kruskal_wallis(groups: &[&[f64]]) -> Result<KruskalWallis, StatsError> {
    const NAME: &str = "Kruskal–Wallis test";
    if groups.len() < 2 {
        return Err(StatsError::TooFew { statistic: NAME, needed: 2, got: groups.len() });
    }
    for g in groups {
        check_finite(NAME, g)?;
        if g.is_empty() {
            return Err(StatsError::TooFew { statistic: NAME, needed: 1, got: 0 });
        }
    }
    let pooled: Vec<f64> = groups.iter().flat_map(|g| g.iter().copied()).collect();
    let n = pooled.len() as f64;
    let (ranks, ties) = average_ranks(&pooled);
    let mut offset = 0;
    let mut sum = 0.0;
    for g in groups {
        let r: f64 = ranks[offset..offset + g.len()].iter().sum();
        sum += r * r / g.len() as f64;
        offset += g.len();
    }
    let correction = 1.0 - tie_sum(&ties) / (n * n * n - n);
    if correction <= 0.0 {
        return Err(StatsError::NotFinite {
            statistic: NAME,
            what: "H (every value is equal)".into(),
            value: f64::NAN,
        });
    }
    let h = (12.0 / (n * (n + 1.0)) * sum - 3.0 * (n + 1.0)) / correction;
    let df = groups.len() - 1;
    let p_value = chi_squared_sf(h, df as f64);
    Ok(KruskalWallis { h, df, p_value, epsilon_squared: h / (n - 1.0) })
}

/// Spearman's rank correlation with its two-sided p-value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Spearman {
    /// ρ, Pearson's r of the average ranks.
    pub rho: f64,
    /// The two-sided p-value from Student's t with n − 2 degrees of freedom.
    pub p_value: f64,
    /// Pairs used.
    pub n: usize,
}

/// Spearman's ρ between paired `x` and `y`.
///
/// # Errors
/// Fewer than three pairs, unequal lengths, non-finite values or a constant variable.
pub fn spearman(x: &[f64], y: &[f64]) -> Result<Spearman, StatsError> {
    const NAME: &str = "Spearman correlation";
    check_finite(NAME, x)?;
    check_finite(NAME, y)?;
    if x.len() != y.len() || x.len() < 3 {
        return Err(StatsError::TooFew { statistic: NAME, needed: 3, got: x.len().min(y.len()) });
    }
    let (rx, _) = average_ranks(x);
    let (ry, _) = average_ranks(y);
    let rho = pearson(&rx, &ry);
    if !rho.is_finite() {
        return Err(StatsError::NotFinite {
            statistic: NAME,
            what: "ρ (a constant variable)".into(),
            value: rho,
        });
    }
    let df = (x.len() - 2) as f64;
    let p_value = if rho.abs() >= 1.0 {
        0.0
    } else {
        let t = rho * (df / ((1.0 + rho) * (1.0 - rho))).sqrt();
        2.0 * students_t_sf(t.abs(), df)
    };
    Ok(Spearman { rho, p_value, n: x.len() })
}

/// Pearson's correlation coefficient.
fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    sxy / (sxx * syy).sqrt()
}

/// 1 − Φ(z).
pub(crate) fn standard_normal_sf(z: f64) -> f64 {
    Normal::standard().sf(z)
}

/// The upper tail of χ² with `df` degrees of freedom.
fn chi_squared_sf(x: f64, df: f64) -> f64 {
    ChiSquared::new(df).map_or(f64::NAN, |d| d.sf(x))
}

/// The upper tail of Student's t with `df` degrees of freedom.
fn students_t_sf(t: f64, df: f64) -> f64 {
    StudentsT::new(0.0, 1.0, df).map_or(f64::NAN, |d| d.sf(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn average_ranks_share_ties() {
        let (ranks, ties) = average_ranks(&[10.0, 20.0, 10.0, 30.0, 20.0, 20.0]);
        assert_eq!(ranks, vec![1.5, 4.0, 1.5, 6.0, 4.0, 4.0]);
        assert_eq!(ties, vec![2, 3]);
    }

    /// The signed-rank null distribution of n = 3: sums 0..6 occur 1,1,1,2,1,1,1 times.
    #[test]
    fn exact_signed_rank_counts_subsets() {
        // W⁺ = 0: P(W ≤ 0) = 1/8, two-sided 2/8.
        assert!((signed_rank_exact_p(3, 0.0) - 0.25).abs() < 1e-15);
        // W⁺ = 3: P(W ≤ 3) = 5/8, P(W ≥ 3) = 5/8 → p = 1 (capped).
        assert!((signed_rank_exact_p(3, 3.0) - 1.0).abs() < 1e-15);
    }

    /// With n1 = 2, n2 = 2 the six arrangements give U = 0,1,2,2,3,4.
    #[test]
    fn exact_rank_sum_counts_arrangements() {
        assert!((rank_sum_exact_sf(2, 2, 4.0) - 1.0 / 6.0).abs() < 1e-15);
        assert!((rank_sum_exact_sf(2, 2, 3.0) - 2.0 / 6.0).abs() < 1e-15);
        assert!((rank_sum_exact_sf(2, 2, 2.0) - 4.0 / 6.0).abs() < 1e-15);
    }
}
