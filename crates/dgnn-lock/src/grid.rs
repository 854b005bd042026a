//! Rotation numbers on an (Ω, K) grid: Arnold tongue pictures and devil's staircases.
//!
//! The sine circle map `θ_{n+1} = θ_n + Ω − (K/2π) sin 2πθ_n` is iterated on the lift (never
//! reduced mod 1) from `θ_0 = 0`; after `transient` iterations the rotation number is estimated
//! as `W = (θ_{T+M} − θ_T)/M` (docs/benchmarks.md, W2). The hot loop iterates 32 Ω values side
//! by side, written lane by lane so that the compiler vectorises across them (4 lanes on AVX2,
//! 8 on AVX-512, the version chosen at run time), and rayon runs over K rows.
//! `sin 2πθ` is evaluated on `r = θ − round(θ) ∈ [−½, ½]` folded to `t = min(|r|, ½ − |r|) ∈
//! [0, ¼]` (using `sin 2π(½ − a) = sin 2πa`), by the odd polynomial `t·P(t²)` of degree 15 that
//! interpolates `sin(2π√u)/√u` at the 8 Chebyshev nodes of `u ∈ [0, 1/16]`; its error is below
//! 5e-16 on the whole circle (tested against `f64::sin`). The lift itself stays unreduced.
//!
//! Each grid point is computed by the same sequence of operations whatever the thread count,
//! so the grid is bit-identical for any rayon pool.

use crate::map::{Lift, RotationOptions, rotation_number};
use dgnn_core::error::{at_least, finite};
use dgnn_core::{ParamError, ParamGuard, Progress, Valid};
use multiversion::multiversion;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// An (Ω, K) grid as the user writes it (RON), before checking; [`ParamGuard::check`] turns
/// it into the [`GridSpec`] that [`sine_grid`] and [`family_grid`] take.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GridParams {
    /// Lowest Ω (default 0).
    pub omega_min: f64,
    /// Ω range end, excluded: `Ω_i = omega_min + (omega_max − omega_min)·i/n_omega`
    /// (default 1; Ω is periodic mod 1, so 1 would repeat 0).
    pub omega_max: f64,
    /// Number of Ω columns (default 512).
    pub n_omega: usize,
    /// Lowest K (default 0).
    pub k_min: f64,
    /// Highest K, included: `K_j = k_min + (k_max − k_min)·j/(n_k − 1)` (default 1).
    pub k_max: f64,
    /// Number of K rows (default 512; with 1 row, K = k_min).
    pub n_k: usize,
    /// Discarded iterations (default 500).
    pub transient: usize,
    /// Measured iterations (default 1000).
    pub measured: usize,
}

impl Default for GridParams {
    fn default() -> Self {
        Self {
            omega_min: 0.0,
            omega_max: 1.0,
            n_omega: 512,
            k_min: 0.0,
            k_max: 1.0,
            n_k: 512,
            transient: 500,
            measured: 1000,
        }
    }
}

/// A checked grid: the Ω columns and K rows it covers. Only [`GridParams`]'s
/// [`ParamGuard::check`] builds one.
#[derive(Debug, Clone, PartialEq)]
pub struct GridSpec {
    omegas: Vec<f64>,
    ks: Vec<f64>,
    options: Valid<RotationOptions>,
}

impl GridSpec {
    /// The Ω value of each column.
    #[must_use]
    pub fn omegas(&self) -> &[f64] {
        &self.omegas
    }

    /// The K value of each row.
    #[must_use]
    pub fn ks(&self) -> &[f64] {
        &self.ks
    }

    /// Discarded and measured iterations.
    #[must_use]
    pub fn options(&self) -> &Valid<RotationOptions> {
        &self.options
    }
}

impl ParamGuard for GridParams {
    type Checked = GridSpec;

    /// Checks ranges and counts and lays out the grid.
    fn check(self) -> Result<GridSpec, ParamError> {
        finite("omega_min", self.omega_min)?;
        finite("omega_max", self.omega_max)?;
        finite("k_min", self.k_min)?;
        finite("k_max", self.k_max)?;
        if self.omega_max <= self.omega_min {
            return Err(ParamError::new("omega_max", self.omega_max, "must exceed omega_min"));
        }
        if self.k_max < self.k_min {
            return Err(ParamError::new("k_max", self.k_max, "must be at least k_min"));
        }
        at_least("n_omega", self.n_omega, 1)?;
        at_least("n_k", self.n_k, 1)?;
        let options =
            RotationOptions { transient: self.transient, measured: self.measured }.check()?;
        let span = self.omega_max - self.omega_min;
        let omegas = (0..self.n_omega)
            .map(|i| self.omega_min + span * i as f64 / self.n_omega as f64)
            .collect();
        let ks = if self.n_k == 1 {
            vec![self.k_min]
        } else {
            let span = self.k_max - self.k_min;
            (0..self.n_k).map(|j| self.k_min + span * j as f64 / (self.n_k - 1) as f64).collect()
        };
        Ok(GridSpec { omegas, ks, options })
    }
}

/// Rotation numbers over a grid, row-major (one row per K).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TongueGrid {
    /// The Ω value of each column.
    pub omegas: Vec<f64>,
    /// The K value of each row.
    pub ks: Vec<f64>,
    /// `w[j·n_omega + i]` is the rotation number at `(omegas[i], ks[j])`.
    pub w: Vec<f64>,
}

impl TongueGrid {
    /// The rotation numbers of row `j` (one K).
    #[must_use]
    pub fn row(&self, j: usize) -> &[f64] {
        &self.w[j * self.omegas.len()..(j + 1) * self.omegas.len()]
    }

    /// Every grid point as `(Ω, K, ρ)`, row by row (K ascending, then Ω ascending).
    pub fn points(&self) -> impl Iterator<Item = (f64, f64, f64)> + '_ {
        self.ks.iter().enumerate().flat_map(move |(j, &k)| {
            self.omegas.iter().zip(self.row(j)).map(move |(&omega, &w)| (omega, k, w))
        })
    }
}

/// The smallest denominator `q ≤ q_max` such that `|w − p/q| < tol` for some integer p: the
/// order of the plateau a rotation number sits on, or `None` when it sits on none.
#[must_use]
pub fn locked_denominator(w: f64, q_max: u64, tol: f64) -> Option<u64> {
    (1..=q_max).find(|&q| {
        let p = (w * q as f64).round();
        (w - p / q as f64).abs() < tol
    })
}

/// Coefficients of `P(u)` with `sin 2πt ≈ t·P(t²)` on `t ∈ [0, ¼]` (see the module docs).
const SIN2PI: [f64; 8] = [
    6.283185307179585,
    -41.341702240398284,
    81.60524927557977,
    -76.70585968962867,
    42.05868995395094,
    -15.09450614073429,
    3.817365633469135,
    -0.6925067010720717,
];

/// `sin 2πθ` on the fractional part (see the module docs). Written lane by lane, and only
/// with operations that every vector width performs exactly alike (rounding to even, `abs`,
/// `min` of two non-NaN values, fused multiply-adds, sign flips), so the compiler's vectors of
/// any width give the same bits.
#[inline(always)]
fn sin_two_pi(theta: f64) -> f64 {
    let r = theta - theta.round_ties_even();
    let a = r.abs();
    let t = a.min(0.5 - a);
    let u = t * t;
    let mut p = SIN2PI[7];
    for &c in SIN2PI[..7].iter().rev() {
        p = p.mul_add(u, c);
    }
    // `t·P` with the sign of r flipped in (t ≥ 0).
    f64::from_bits((t * p).to_bits() ^ (r.to_bits() & SIGN_BIT))
}

/// The sign bit of an f64.
const SIGN_BIT: u64 = 1 << 63;

/// `sin 2πθ` for one value by the polynomial of the grid kernel.
#[must_use]
pub fn sin_two_pi_scalar(theta: f64) -> f64 {
    sin_two_pi(theta)
}

/// Ω values per block: 32 independent chains, enough to hide the FMA latency on vectors of 4 or
/// 8 lanes.
const BLOCK_LANES: usize = 32;

/// Rotation numbers of one block of Ω values at one K (`k_over_tau = K/2π`): the W2 hot loop,
/// all chains of the block iterated side by side (the compiler vectorises across them).
#[inline(always)]
fn sine_block(
    k_over_tau: f64,
    omega: &[f64; BLOCK_LANES],
    options: &RotationOptions,
) -> [f64; BLOCK_LANES] {
    let mut theta = [0.0; BLOCK_LANES];
    let iterate = |theta: &mut [f64; BLOCK_LANES], count: usize| {
        for _ in 0..count {
            for (t, &w) in theta.iter_mut().zip(omega) {
                *t = *t + w - k_over_tau * sin_two_pi(*t);
            }
        }
    };
    iterate(&mut theta, options.transient);
    let start = theta;
    iterate(&mut theta, options.measured);
    let inv = 1.0 / options.measured as f64;
    std::array::from_fn(|i| (theta[i] - start[i]) * inv)
}

/// One K row of the sine map grid, written into `out` (same length as `omegas`): whole blocks
/// of [`BLOCK_LANES`] Ω values, then the last partial block padded with its final Ω (the
/// padding lanes' results are dropped). Compiled also for AVX-512 and chosen at run time
/// (`multiversion`); the bits are the same either way ([`sin_two_pi`]).
#[multiversion(targets("x86_64+avx512f+avx512dq"))]
fn sine_row(k: f64, omegas: &[f64], options: &RotationOptions, out: &mut [f64]) {
    assert_eq!(out.len(), omegas.len(), "a grid row holds one rotation number per Ω");
    let k_over_tau = k / std::f64::consts::TAU;
    let (blocks, rest) = omegas.as_chunks::<BLOCK_LANES>();
    let (out_blocks, out_rest) = out.as_chunks_mut::<BLOCK_LANES>();
    for (block, out_block) in blocks.iter().zip(out_blocks) {
        *out_block = sine_block(k_over_tau, block, options);
    }
    if let Some(&last) = rest.last() {
        let mut padded = [last; BLOCK_LANES];
        padded[..rest.len()].copy_from_slice(rest);
        out_rest.copy_from_slice(&sine_block(k_over_tau, &padded, options)[..rest.len()]);
    }
}

/// Rotation numbers of the sine circle map over a checked grid, in parallel over K rows.
/// `progress` counts rows.
pub fn sine_grid(spec: &GridSpec, progress: &dyn Progress) -> TongueGrid {
    let n = spec.omegas.len();
    let mut w = vec![0.0; n * spec.ks.len()];
    progress.start(spec.ks.len() as u64, "tongues");
    w.par_chunks_mut(n).zip(spec.ks.par_iter()).for_each(|(row, &k)| {
        sine_row(k, &spec.omegas, &spec.options, row);
        progress.advance(1);
    });
    progress.finish();
    TongueGrid { omegas: spec.omegas.clone(), ks: spec.ks.clone(), w }
}

/// Rotation numbers of any family `f_Ω = g_K + Ω` over a checked grid (scalar, parallel over
/// K rows): `family(K)` builds the lift of row K. `progress` counts rows.
pub fn family_grid<L: Lift>(
    spec: &GridSpec,
    family: impl Fn(f64) -> Result<L, ParamError> + Sync,
    progress: &dyn Progress,
) -> Result<TongueGrid, ParamError> {
    let n = spec.omegas.len();
    progress.start(spec.ks.len() as u64, "tongues");
    let rows: Result<Vec<Vec<f64>>, ParamError> = spec
        .ks
        .par_iter()
        .map(|&k| {
            let lift = family(k)?;
            let row = spec
                .omegas
                .iter()
                .map(|&omega| rotation_number(&lift, omega, 0.0, &spec.options).map(|r| r.value))
                .collect();
            progress.advance(1);
            row
        })
        .collect();
    progress.finish();
    let w = rows?.into_iter().flatten().collect::<Vec<f64>>();
    debug_assert_eq!(w.len(), n * spec.ks.len());
    Ok(TongueGrid { omegas: spec.omegas.clone(), ks: spec.ks.clone(), w })
}

/// Share of rotation numbers within `tol` of some `p/q` with `0 ≤ p ≤ q ≤ q_max`, and the count
/// per denominator of the nearest such fraction (docs/benchmarks.md, W2's `k1_plateau_fraction`).
#[must_use]
pub fn plateau_fraction(w: &[f64], q_max: u64, tol: f64) -> (f64, BTreeMap<u64, usize>) {
    let mut counts: BTreeMap<u64, usize> = (1..=q_max).map(|q| (q, 0)).collect();
    let mut hits = 0usize;
    for &x in w {
        let mut best = (f64::INFINITY, 0u64);
        for q in 1..=q_max {
            let p = (x * q as f64).round().clamp(0.0, q as f64);
            let err = (x - p / q as f64).abs();
            // Reduced fractions only: p/q with a common factor was met at a smaller q first.
            if err < best.0 && crate::farey::gcd(p as u64, q) == 1 {
                best = (err, q);
            }
        }
        if best.0 < tol {
            hits += 1;
            *counts.entry(best.1).or_default() += 1;
        }
    }
    let fraction = if w.is_empty() { 0.0 } else { hits as f64 / w.len() as f64 };
    (fraction, counts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map::SineLift;
    use dgnn_core::NoProgress;

    #[test]
    fn polynomial_sine_matches_libm() {
        // The interpolant's error bound (module docs) is 5e-16 absolute; 1e-15 leaves room for
        // the rounding of θ − round(θ) on lifts up to |θ| = 2000.
        let mut worst: f64 = 0.0;
        for i in 0..200_001 {
            let theta = -2000.0 + 4000.0 * f64::from(i) / 200_000.0 + 1e-3 * f64::from(i % 7);
            let exact = (std::f64::consts::TAU * (theta - theta.round())).sin();
            worst = worst.max((sin_two_pi_scalar(theta) - exact).abs());
        }
        assert!(worst < 1e-15, "{worst}");
    }

    #[test]
    fn simd_grid_matches_scalar_rotation_numbers() {
        // Same map, same iteration counts: the vector kernel differs from the scalar one only by
        // the last bits of sin, which a K ≤ 1 homeomorphism does not amplify beyond 1e-9 over
        // 1500 steps (its Lyapunov exponent is ≤ 0).
        let params = GridParams { n_omega: 37, n_k: 5, ..GridParams::default() };
        let spec = params.check().unwrap();
        let grid = sine_grid(&spec, &NoProgress);
        let scalar = family_grid(&spec, SineLift::new, &NoProgress).unwrap();
        for (a, b) in grid.w.iter().zip(&scalar.w) {
            assert!((a - b).abs() < 1e-9, "{a} vs {b}");
        }
    }

    #[test]
    fn k_zero_row_is_the_identity_and_zero_tongue_is_flat() {
        // K = 0 is the rigid rotation: W = Ω. The 0/1 tongue |Ω| ≤ K/2π
        // (docs/science.md#mode-locking): at K = 1 every Ω < 1/2π ≈ 0.159 has W = 0 exactly (fixed
        // point reached in the transient).
        let spec = GridParams { n_omega: 64, n_k: 2, ..GridParams::default() }.check().unwrap();
        let grid = sine_grid(&spec, &NoProgress);
        for (w, omega) in grid.row(0).iter().zip(&grid.omegas) {
            assert!((w - omega).abs() < 1e-12);
        }
        for (w, omega) in grid.row(1).iter().zip(&grid.omegas) {
            if *omega < 0.15 {
                assert!(w.abs() < 1e-12, "Ω = {omega}: W = {w}");
            }
        }
    }

    #[test]
    fn grids_are_identical_for_any_thread_count() {
        let spec = GridParams { n_omega: 50, n_k: 9, ..GridParams::default() }.check().unwrap();
        let run = |threads| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            pool.install(|| sine_grid(&spec, &NoProgress))
        };
        let one = run(1);
        for threads in [2, 8] {
            let other = run(threads);
            assert!(one.w.iter().zip(&other.w).all(|(a, b)| a.to_bits() == b.to_bits()));
        }
    }

    #[test]
    fn bad_grids_are_rejected() {
        let bad = |p: GridParams| p.check().is_err();
        assert!(bad(GridParams { n_omega: 0, ..GridParams::default() }));
        assert!(bad(GridParams { omega_max: 0.0, ..GridParams::default() }));
        assert!(bad(GridParams { k_max: f64::NAN, ..GridParams::default() }));
        assert!(bad(GridParams { measured: 0, ..GridParams::default() }));
        assert!(bad(GridParams { k_min: 0.5, k_max: 0.4, ..GridParams::default() }));
        assert!(bad(GridParams { n_k: 0, ..GridParams::default() }));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]

        // Every column is computed in a block of 32 lanes, the last block padded with its
        // final Ω; lanes never mix, so each rotation number equals, bit for bit, the one of a
        // one-column grid at that Ω, whatever the grid's width.
        #[test]
        fn padded_blocks_match_single_columns(n_omega in 1usize..80, k in 0.0f64..1.0) {
            let base = GridParams { n_omega, n_k: 1, k_min: k, k_max: k, transient: 20,
                                    measured: 30, ..GridParams::default() };
            let grid = sine_grid(&base.clone().check().unwrap(), &NoProgress);
            proptest::prop_assert_eq!(grid.w.len(), n_omega);
            for (&omega, &w) in grid.omegas.iter().zip(&grid.w) {
                let one = GridParams { omega_min: omega, omega_max: omega + 1.0, n_omega: 1,
                                       ..base.clone() };
                let single = sine_grid(&one.check().unwrap(), &NoProgress).w[0];
                proptest::prop_assert_eq!(w.to_bits(), single.to_bits());
            }
        }

        // A checked grid has the requested shape: n_omega columns from omega_min, all below
        // omega_max, evenly spaced; n_k rows from k_min to k_max inclusive.
        #[test]
        fn checked_grids_have_the_requested_layout(
            omega_min in -2.0f64..2.0, span in 1e-3f64..3.0, n_omega in 1usize..200,
            k_min in 0.0f64..1.0, k_span in 0.0f64..1.0, n_k in 1usize..50,
        ) {
            let params = GridParams { omega_min, omega_max: omega_min + span, n_omega, k_min,
                                      k_max: k_min + k_span, n_k, ..GridParams::default() };
            let spec = params.check().unwrap();
            proptest::prop_assert_eq!(spec.omegas().len(), n_omega);
            proptest::prop_assert_eq!(spec.ks().len(), n_k);
            proptest::prop_assert!(spec.omegas()[0].to_bits() == omega_min.to_bits());
            proptest::prop_assert!(spec.omegas().iter().all(|&o| o < omega_min + span));
            proptest::prop_assert!(spec.omegas().windows(2).all(|w| w[1] > w[0]));
            if n_k > 1 {
                proptest::prop_assert!((spec.ks()[n_k - 1] - (k_min + k_span)).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn points_run_row_by_row() {
        let spec = GridParams { n_omega: 3, n_k: 2, measured: 2, ..GridParams::default() };
        let grid = sine_grid(&spec.check().unwrap(), &NoProgress);
        let points: Vec<(f64, f64, f64)> = grid.points().collect();
        assert_eq!(points.len(), 6);
        for (i, &(omega, k, w)) in points.iter().enumerate() {
            assert_eq!(omega.to_bits(), grid.omegas[i % 3].to_bits());
            assert_eq!(k.to_bits(), grid.ks[i / 3].to_bits());
            assert_eq!(w.to_bits(), grid.row(i / 3)[i % 3].to_bits());
        }
    }

    #[test]
    fn locked_denominators_by_hand() {
        assert_eq!(locked_denominator(0.5, 8, 1e-6), Some(2));
        assert_eq!(locked_denominator(1.0 / 3.0 + 1e-7, 8, 1e-6), Some(3));
        assert_eq!(locked_denominator(0.3, 8, 1e-6), None, "3/10 needs q = 10");
        assert_eq!(locked_denominator(0.3, 10, 1e-6), Some(10));
        assert_eq!(locked_denominator(1.0, 8, 1e-6), Some(1));
    }

    proptest::proptest! {
        // A rotation number equal to a reduced p/q is locked with denominator exactly q: no
        // smaller denominator comes within 1/(q·q′) ≥ 1/400 of it.
        #[test]
        fn a_reduced_fraction_is_locked_at_its_denominator(q in 1u64..=20, pick in 0u64..1000) {
            let p = pick % (q + 1);
            proptest::prop_assume!(crate::farey::gcd(p, q) == 1);
            let w = p as f64 / q as f64;
            proptest::prop_assert_eq!(locked_denominator(w, 20, 1e-9), Some(q));
        }
    }

    #[test]
    fn plateau_fraction_counts_reduced_fractions() {
        let (fraction, counts) = plateau_fraction(&[0.5, 0.33334, 0.3, 2.0 / 3.0 + 5e-5], 4, 1e-4);
        // 1/2, 1/3 (off by 7e-6) and 2/3 (off by 5e-5) are within 1e-4; 0.3 is not.
        assert!((fraction - 0.75).abs() < 1e-15);
        assert_eq!((counts[&1], counts[&2], counts[&3], counts[&4]), (0, 1, 2, 0));
    }
}
