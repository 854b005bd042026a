//! Small dense kernels for the network's batch passes, written for the sizes the search trains
//! (tens of inputs and neurons, batches of ~32).
//!
//! At these sizes a general matrix-multiply spends more time on dispatch and packing than on
//! arithmetic, so the kernels keep a tile of outputs in registers and stream the weight rows past
//! it: `out[s, :] = b + Σ_i x[s, i]·W[i, :]` for the forward pass ([`affine_batch`]) and
//! `G[i, :] += Σ_s x[s, i]·δ[s, :]` for the weight gradient ([`outer_accumulate`]), with fused
//! multiply-adds (`f64::mul_add`, one rounding per step; identical on every run on one machine).
//!
//! A tile is a block of 16, 8, 4, 2 or 1 columns for several rows at once (samples in the forward
//! pass, inputs in the gradient): the rows' sums are independent chains, so the FMA units stay
//! busy instead of waiting on one chain's latency, and each weight row is read once per tile
//! instead of once per sample. Every output element is still the same chain — its bias (or
//! gradient) first, then one FMA per term in increasing index order — so the result does not
//! depend on the tile it was computed in, bit for bit.
//!
//! Both kernels are also compiled for AVX-512 (`multiversion`) and pick that version at run time
//! where the CPU has it: the same chains on wider vectors, so the same bits (the tests compare
//! every element with its scalar chain on whichever version the CPU runs).

use multiversion::multiversion;

mod exp;

pub(crate) use exp::{exp, exp_in_place};

/// `out[s·n + o] = bias[o] + Σ_i x[s·m + i]·w[i·n + o]` for every sample `s` of the batch, with
/// `n = bias.len()` outputs, `m = w.len()/n` inputs and `out.len()/n` samples.
///
/// Column blocks of 16 take tiles of 4 samples and blocks of 8, 4, 2 and 1 tiles of 8 samples
/// (sixteen 256-bit accumulators at most; eight independent chains at least).
#[multiversion(targets("x86_64+avx512f+avx512dq"))]
pub(crate) fn affine_batch(x: &[f64], w: &[f64], bias: &[f64], out: &mut [f64]) {
    let n = bias.len();
    if n == 0 {
        return;
    }
    let shape = Shape { m: w.len() / n, n, rows: out.len() / n };
    let o0 = affine_columns::<16, 4>(x, w, bias, out, shape, 0);
    let o0 = affine_columns::<8, 8>(x, w, bias, out, shape, o0);
    let o0 = affine_columns::<4, 8>(x, w, bias, out, shape, o0);
    let o0 = affine_columns::<2, 8>(x, w, bias, out, shape, o0);
    affine_columns::<1, 8>(x, w, bias, out, shape, o0);
}

/// `g[i·n + o] += Σ_s x[s·m + i]·d[s·n + o]` over a batch of `batch` samples, with
/// `m = g.len()/n` inputs and `n` outputs; tiles as [`affine_batch`]'s, with inputs for samples.
#[multiversion(targets("x86_64+avx512f+avx512dq"))]
pub(crate) fn outer_accumulate(x: &[f64], d: &[f64], batch: usize, n: usize, g: &mut [f64]) {
    if n == 0 {
        return;
    }
    let shape = Shape { m: g.len() / n, n, rows: batch };
    let o0 = outer_columns::<16, 4>(x, d, g, shape, 0);
    let o0 = outer_columns::<8, 8>(x, d, g, shape, o0);
    let o0 = outer_columns::<4, 8>(x, d, g, shape, o0);
    let o0 = outer_columns::<2, 8>(x, d, g, shape, o0);
    outer_columns::<1, 8>(x, d, g, shape, o0);
}

/// The shape of a product: `m` inputs, `n` outputs, `rows` samples.
#[derive(Clone, Copy)]
struct Shape {
    m: usize,
    n: usize,
    rows: usize,
}

/// Blocks of `W` columns of [`affine_batch`] from column `o0` while they fit, `R` samples per
/// tile and then the remaining samples one at a time; returns the first column left.
#[inline(always)]
fn affine_columns<const W: usize, const R: usize>(
    x: &[f64],
    w: &[f64],
    bias: &[f64],
    out: &mut [f64],
    Shape { m, n, rows }: Shape,
    mut o0: usize,
) -> usize {
    while o0 + W <= n {
        let mut b = [0.0; W];
        b.copy_from_slice(&bias[o0..o0 + W]);
        let mut s0 = 0;
        while s0 + R <= rows {
            affine_tile::<W, R>(&x[s0 * m..(s0 + R) * m], w, &mut out[s0 * n..], b, (m, n, o0));
            s0 += R;
        }
        while s0 < rows {
            affine_tile::<W, 1>(&x[s0 * m..(s0 + 1) * m], w, &mut out[s0 * n..], b, (m, n, o0));
            s0 += 1;
        }
        o0 += W;
    }
    o0
}

/// One tile of [`affine_batch`]: `R` samples (rows of `x`, `m` wide) × `W` columns from `o0`.
#[inline(always)]
fn affine_tile<const W: usize, const R: usize>(
    x: &[f64],
    w: &[f64],
    out: &mut [f64],
    bias: [f64; W],
    (m, n, o0): (usize, usize, usize),
) {
    let mut acc = [bias; R];
    for i in 0..m {
        let row = &w[i * n + o0..i * n + o0 + W];
        for (r, a) in acc.iter_mut().enumerate() {
            let xi = x[r * m + i];
            for (a, &wk) in a.iter_mut().zip(row) {
                *a = xi.mul_add(wk, *a);
            }
        }
    }
    for (r, a) in acc.iter().enumerate() {
        out[r * n + o0..r * n + o0 + W].copy_from_slice(a);
    }
}

/// Blocks of `W` columns of [`outer_accumulate`] from column `o0` while they fit, `R` inputs per
/// tile and then the remaining inputs one at a time; returns the first column left.
#[inline(always)]
fn outer_columns<const W: usize, const R: usize>(
    x: &[f64],
    d: &[f64],
    g: &mut [f64],
    shape: Shape,
    mut o0: usize,
) -> usize {
    while o0 + W <= shape.n {
        let mut i0 = 0;
        while i0 + R <= shape.m {
            outer_tile::<W, R>(x, d, g, shape, (i0, o0));
            i0 += R;
        }
        while i0 < shape.m {
            outer_tile::<W, 1>(x, d, g, shape, (i0, o0));
            i0 += 1;
        }
        o0 += W;
    }
    o0
}

/// One tile of [`outer_accumulate`]: inputs `i0..i0 + R` × columns `o0..o0 + W`.
#[inline(always)]
fn outer_tile<const W: usize, const R: usize>(
    x: &[f64],
    d: &[f64],
    g: &mut [f64],
    Shape { m, n, rows }: Shape,
    (i0, o0): (usize, usize),
) {
    let mut acc = [[0.0; W]; R];
    for (r, a) in acc.iter_mut().enumerate() {
        a.copy_from_slice(&g[(i0 + r) * n + o0..(i0 + r) * n + o0 + W]);
    }
    for s in 0..rows {
        let ds = &d[s * n + o0..s * n + o0 + W];
        let xs = &x[s * m + i0..s * m + i0 + R];
        for (a, &xi) in acc.iter_mut().zip(xs) {
            for (a, &dk) in a.iter_mut().zip(ds) {
                *a = xi.mul_add(dk, *a);
            }
        }
    }
    for (r, a) in acc.iter().enumerate() {
        g[(i0 + r) * n + o0..(i0 + r) * n + o0 + W].copy_from_slice(a);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(a: f64, b: f64, scale: f64) -> bool {
        // Reassociated sums of ≤ 64 terms of size ≤ 1: error ≤ 64·ε·scale.
        (a - b).abs() <= 64.0 * f64::EPSILON * scale.max(1.0)
    }

    proptest! {
        // The blocked kernels agree with the textbook loops for every shape (including widths
        // that are not multiples of 16 or 4).
        #[test]
        fn kernels_match_naive_loops(m in 1usize..40, n in 1usize..40, batch in 1usize..20, seed in any::<u64>()) {
            let mut state = seed | 1;
            let mut next = || { state ^= state << 13; state ^= state >> 7; state ^= state << 17; (state >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0 };
            let x: Vec<f64> = (0..batch * m).map(|_| next()).collect();
            let w: Vec<f64> = (0..m * n).map(|_| next()).collect();
            let b: Vec<f64> = (0..n).map(|_| next()).collect();
            let d: Vec<f64> = (0..batch * n).map(|_| next()).collect();
            let mut out = vec![0.0; batch * n];
            affine_batch(&x, &w, &b, &mut out);
            for s in 0..batch {
                for o in 0..n {
                    let naive: f64 = b[o] + (0..m).map(|i| x[s * m + i] * w[i * n + o]).sum::<f64>();
                    prop_assert!(close(out[s * n + o], naive, m as f64));
                }
            }
            let mut g: Vec<f64> = (0..m * n).map(|_| next()).collect();
            let g0 = g.clone();
            outer_accumulate(&x, &d, batch, n, &mut g);
            for i in 0..m {
                for o in 0..n {
                    let naive = g0[i * n + o] + (0..batch).map(|s| x[s * m + i] * d[s * n + o]).sum::<f64>();
                    prop_assert!(close(g[i * n + o], naive, batch as f64));
                }
            }
        }

        // Every element is the same FMA chain whatever tile computed it: its bias (or gradient)
        // first, then one `mul_add` per term in index order, equal to the bit.
        #[test]
        fn every_element_is_its_own_fma_chain(m in 1usize..40, n in 1usize..40, batch in 1usize..20, seed in any::<u64>()) {
            let mut state = seed | 1;
            let mut next = || { state ^= state << 13; state ^= state >> 7; state ^= state << 17; (state >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0 };
            let x: Vec<f64> = (0..batch * m).map(|_| next()).collect();
            let w: Vec<f64> = (0..m * n).map(|_| next()).collect();
            let b: Vec<f64> = (0..n).map(|_| next()).collect();
            let d: Vec<f64> = (0..batch * n).map(|_| next()).collect();
            let mut out = vec![0.0; batch * n];
            affine_batch(&x, &w, &b, &mut out);
            let mut g: Vec<f64> = (0..m * n).map(|_| next()).collect();
            let g0 = g.clone();
            outer_accumulate(&x, &d, batch, n, &mut g);
            for o in 0..n {
                for s in 0..batch {
                    let chain = (0..m).fold(b[o], |acc, i| x[s * m + i].mul_add(w[i * n + o], acc));
                    prop_assert_eq!(out[s * n + o].to_bits(), chain.to_bits());
                }
                for i in 0..m {
                    let chain = (0..batch).fold(g0[i * n + o], |acc, s| x[s * m + i].mul_add(d[s * n + o], acc));
                    prop_assert_eq!(g[i * n + o].to_bits(), chain.to_bits());
                }
            }
        }
    }
}
