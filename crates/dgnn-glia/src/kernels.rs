//! Small dense kernels for the network's batch passes, written for the sizes the search trains
//! (tens of inputs and neurons, batches of ~32).
//!
//! At these sizes a general matrix-multiply spends more time on dispatch and packing than on
//! arithmetic, so the kernels keep a block of 16 outputs (four AVX2 registers of f64) in
//! registers and stream the weight rows past it: `out = b + Σ_i x_i·W[i, :]` for the forward pass
//! and `G[i, :] += Σ_s x[s, i]·δ[s, :]` for the weight gradient, with fused multiply-adds
//! (`f64::mul_add`, one rounding per step; identical on every run on one machine). Column counts
//! that are not multiples of 16 fall back to blocks of 4 and then to scalars.
//!
//! A block of 16 is read as a `&[f64; 16]` taken from `as_chunks`, whose chunks are exactly 16
//! long by construction: no length check can fail at run time and nothing is ever zero-filled.

/// `out = bias + Σ_i x[i]·w[i·n + ..n]` for one sample, `n = out.len()`.
#[inline]
pub(crate) fn affine(x: &[f64], w: &[f64], bias: &[f64], out: &mut [f64]) {
    let n = out.len();
    let blocks = n / 16;
    for b in 0..blocks {
        let o0 = 16 * b;
        let mut acc = bias.as_chunks::<16>().0[b];
        for (i, &xi) in x.iter().enumerate() {
            let row = &w[i * n..(i + 1) * n].as_chunks::<16>().0[b];
            for k in 0..16 {
                acc[k] = xi.mul_add(row[k], acc[k]);
            }
        }
        out[o0..o0 + 16].copy_from_slice(&acc);
    }
    let mut o0 = 16 * blocks;
    while o0 + 4 <= n {
        let mut acc = [0.0f64; 4];
        acc.copy_from_slice(&bias[o0..o0 + 4]);
        for (i, &xi) in x.iter().enumerate() {
            let row = &w[i * n + o0..i * n + o0 + 4];
            for k in 0..4 {
                acc[k] = xi.mul_add(row[k], acc[k]);
            }
        }
        out[o0..o0 + 4].copy_from_slice(&acc);
        o0 += 4;
    }
    for o in o0..n {
        let mut acc = bias[o];
        for (i, &xi) in x.iter().enumerate() {
            acc = xi.mul_add(w[i * n + o], acc);
        }
        out[o] = acc;
    }
}

/// `g[i·n + o] += Σ_s x[s·m + i]·d[s·n + o]` over a batch of `batch` samples, with
/// `m = g.len()/n` inputs and `n` outputs.
#[inline]
pub(crate) fn outer_accumulate(x: &[f64], d: &[f64], batch: usize, n: usize, g: &mut [f64]) {
    let m = g.len() / n;
    for i in 0..m {
        let row = &mut g[i * n..(i + 1) * n];
        let blocks = n / 16;
        for b in 0..blocks {
            let o0 = 16 * b;
            let mut acc = row.as_chunks::<16>().0[b];
            for s in 0..batch {
                let xi = x[s * m + i];
                let ds = &d[s * n..(s + 1) * n].as_chunks::<16>().0[b];
                for k in 0..16 {
                    acc[k] = xi.mul_add(ds[k], acc[k]);
                }
            }
            row[o0..o0 + 16].copy_from_slice(&acc);
        }
        let mut o0 = 16 * blocks;
        while o0 + 4 <= n {
            let mut acc = [0.0f64; 4];
            acc.copy_from_slice(&row[o0..o0 + 4]);
            for s in 0..batch {
                let xi = x[s * m + i];
                for k in 0..4 {
                    acc[k] = xi.mul_add(d[s * n + o0 + k], acc[k]);
                }
            }
            row[o0..o0 + 4].copy_from_slice(&acc);
            o0 += 4;
        }
        for o in o0..n {
            let mut acc = row[o];
            for s in 0..batch {
                acc = x[s * m + i].mul_add(d[s * n + o], acc);
            }
            row[o] = acc;
        }
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
        fn kernels_match_naive_loops(m in 1usize..40, n in 1usize..40, batch in 1usize..9, seed in any::<u64>()) {
            let mut state = seed | 1;
            let mut next = || { state ^= state << 13; state ^= state >> 7; state ^= state << 17; (state >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0 };
            let x: Vec<f64> = (0..batch * m).map(|_| next()).collect();
            let w: Vec<f64> = (0..m * n).map(|_| next()).collect();
            let b: Vec<f64> = (0..n).map(|_| next()).collect();
            let d: Vec<f64> = (0..batch * n).map(|_| next()).collect();
            let mut out = vec![0.0; n];
            affine(&x[..m], &w, &b, &mut out);
            for o in 0..n {
                let naive: f64 = b[o] + (0..m).map(|i| x[i] * w[i * n + o]).sum::<f64>();
                prop_assert!(close(out[o], naive, m as f64));
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
    }
}
