//! n:m phase-synchronisation indices (Tass et al. 1998, PRL 81:3291; Rosenblum, Pikovsky,
//! Kurths et al. 2001, in *Handbook of Biological Physics* 4:279).
//!
//! For phases `φ₁` (the slower oscillator, e.g. breathing) and `φ₂` (the faster, e.g. the
//! heart), both unwrapped, an `n:m` ratio means `f₂/f₁ ≈ n/m` and the generalised phase
//! difference is `Ψ = n·φ₁ − m·φ₂`; the ratio is always reduced to coprime form first.
//!
//! - **Entropy index** `ρ = (ln N − S)/ln N` with `S = −Σ p_k ln p_k` over `N` equal bins of
//!   `Ψ mod 2π` and `N = round(exp(0.626 + 0.4·ln(M − 1)))` for M samples (Otnes & Enochson's
//!   rule, as used by Tass et al.). 0 for a uniform Ψ, 1 for a delta.
//! - **Conditional-probability index** `λ = (1/N) Σ_l |⟨e^{iφ₂/n}⟩_l|`, where the average runs
//!   over the samples whose `φ₁ mod 2πm` falls in bin `l` (Tass et al. 1998, eq. 6). When the
//!   oscillators lock, `φ₁ mod 2πm` fixes `φ₂ mod 2πn`.
//! - **Mean resultant length** `γ = |⟨e^{iΨ}⟩|` (also "mean phase coherence"). For Ψ wrapped
//!   normal with standard deviation σ, `γ → exp(−σ²/2)`; for uniform Ψ,
//!   `E[γ] ≈ sqrt(π/(4M))` (Rayleigh: `Mγ²` is exponential with mean 1 for large M).
//!
//! For event-sampled phases (one value of `φ₁` per heartbeat `k`, `φ₂ = 2πk`), `Ψ_k` reduces to
//! `n·φ₁(t_k) mod 2π` up to the constant `2πmk ≡ 0`, which is the usual `(n/m)·φ_r(t_k)` phase
//! of the synchrogram up to the factor m (see [`crate::sync`]).
//!
//! [`whole_record_indices`] is the fused fast path of docs/benchmarks.md, W5: one pass over both
//! analytic signals computes the bins and resultants of every ratio at once, in parallel over
//! fixed chunks reduced in chunk order (thread-count independent).

use crate::error::{LockError, Result};
use crate::farey::Ratio;
use crate::signal::HilbertPlan;
use rayon::prelude::*;
use rustfft::num_complex::Complex64;
use serde::{Deserialize, Serialize};
use std::f64::consts::TAU;
use wide::{f64x8, i64x8};

/// The three indices of one n:m ratio over one stretch of data.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Indices {
    /// The coprime ratio `n:m` (`numer` = n, `denom` = m).
    pub ratio: Ratio,
    /// Shannon-entropy index ρ ∈ [0, 1].
    pub rho: f64,
    /// Conditional-probability index λ ∈ [0, 1].
    pub lambda: f64,
    /// Mean resultant length γ ∈ [0, 1].
    pub gamma: f64,
    /// Samples used.
    pub samples: usize,
}

/// Tass et al.'s number of bins `round(exp(0.626 + 0.4·ln(M − 1)))` for M ≥ 2 samples.
#[must_use]
pub fn tass_bins(samples: usize) -> usize {
    let m = samples.max(2) as f64;
    ((0.626 + 0.4 * (m - 1.0).ln()).exp().round() as usize).max(1)
}

/// Fewest samples for which the indices are computed.
pub const MIN_SAMPLES: usize = 8;

/// Shannon-entropy index of `Ψ` (radians, any range) over `bins` equal bins of `[0, 2π)`.
#[must_use]
pub fn entropy_index(psi: &[f64], bins: usize) -> f64 {
    let bins = bins.max(1);
    let mut counts = vec![0u32; bins];
    for &x in psi {
        counts[bin_of(x / TAU, bins)] += 1;
    }
    entropy_index_from_counts(&counts, psi.len())
}

/// The bin of `u = Ψ/2π` among `bins` bins of one turn (W5's `floor(frac(u)·N)`, clamped).
#[inline]
fn bin_of(u: f64, bins: usize) -> usize {
    let frac = u - u.floor();
    ((frac * bins as f64) as usize).min(bins - 1)
}

fn entropy_index_from_counts(counts: &[u32], total: usize) -> f64 {
    let bins = counts.len();
    if bins < 2 || total == 0 {
        return 0.0;
    }
    let n = total as f64;
    let entropy: f64 = counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.ln()
        })
        .sum();
    let max = (bins as f64).ln();
    (max - entropy) / max
}

/// Mean resultant length `|⟨e^{iΨ}⟩|` (0 for an empty sample).
#[must_use]
pub fn mean_resultant_length(psi: &[f64]) -> f64 {
    dgnn_core::angle::CircularStats::of(psi).map_or(0.0, |s| s.resultant_length)
}

/// Conditional-probability index λ of unwrapped phases for the ratio `n:m` (coprime form).
#[must_use]
pub fn conditional_index(phi1: &[f64], phi2: &[f64], ratio: Ratio, bins: usize) -> f64 {
    let (n, m) = (ratio.numer() as f64, ratio.denom() as f64);
    let bins = bins.max(1);
    let mut sums = vec![(0.0f64, 0.0f64, 0u32); bins];
    for (&a, &b) in phi1.iter().zip(phi2) {
        let l = bin_of(a / (TAU * m), bins);
        let (s, c) = (b / n).sin_cos();
        sums[l].0 += c;
        sums[l].1 += s;
        sums[l].2 += 1;
    }
    let occupied: Vec<f64> =
        sums.iter().filter(|s| s.2 > 0).map(|s| s.0.hypot(s.1) / f64::from(s.2)).collect();
    // Tass et al. average over all N bins; empty bins carry no information and count as 0.
    occupied.iter().sum::<f64>() / bins as f64
}

/// The generalised phase difference `Ψ = n·φ₁ − m·φ₂` of unwrapped phases.
#[must_use]
pub fn relative_phase(phi1: &[f64], phi2: &[f64], ratio: Ratio) -> Vec<f64> {
    let (n, m) = (ratio.numer() as f64, ratio.denom() as f64);
    phi1.iter().zip(phi2).map(|(a, b)| n * a - m * b).collect()
}

/// ρ, λ and γ of unwrapped phases `phi1`, `phi2` (same length) for `n:m`. The ratio is reduced
/// to coprime form; fewer than [`MIN_SAMPLES`] samples give [`LockError::NotEnoughData`].
pub fn nm_indices(phi1: &[f64], phi2: &[f64], n: u64, m: u64) -> Result<Indices> {
    let ratio = Ratio::new(n, m)?;
    if ratio.numer() == 0 {
        return Err(dgnn_core::ParamError::new("n", n, "must be at least 1").into());
    }
    if phi1.len() != phi2.len() {
        return Err(dgnn_core::ParamError::new(
            "phi2",
            phi2.len(),
            format!("must have as many samples as phi1 ({})", phi1.len()),
        )
        .into());
    }
    let samples = phi1.len();
    if samples < MIN_SAMPLES {
        return Err(LockError::NotEnoughData(format!(
            "{samples} phase samples; the indices need at least {MIN_SAMPLES}"
        )));
    }
    if phi1.iter().chain(phi2).any(|v| !v.is_finite()) {
        return Err(dgnn_core::ParamError::new("phases", "NaN", "all phases must be finite").into());
    }
    let bins = tass_bins(samples);
    let psi = relative_phase(phi1, phi2, ratio);
    Ok(Indices {
        ratio,
        rho: entropy_index(&psi, bins),
        lambda: conditional_index(phi1, phi2, ratio, bins),
        gamma: mean_resultant_length(&psi),
        samples,
    })
}

/// ρ and γ of one ratio from the fused whole-record pass (W5's result fields).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RecordIndices {
    /// The ratio n:m as given (coprime).
    pub ratio: Ratio,
    /// Entropy index ρ.
    pub rho: f64,
    /// Mean phase coherence γ = |⟨e^{iΨ}⟩|.
    pub gamma: f64,
}

/// Interleaved histogram copies per ratio in the fused pass.
const COPIES: usize = 4;

/// Samples per parallel work item of the fused pass.
const CHUNK: usize = 1 << 14;

/// Bin counts (`bins` per ratio) and resultant sums (per ratio) of one chunk.
struct ChunkSums {
    counts: Vec<u32>,
    sums: Vec<Complex64>,
}

/// Unit phasor and phase in turns of eight analytic-signal samples `re + i·im`:
/// `(Re u, Im u, arg z / 2π)`.
#[inline(always)]
fn phasor(re: f64x8, im: f64x8) -> (f64x8, f64x8, f64x8) {
    let inv = (re * re + im * im).sqrt().recip();
    (re * inv, im * inv, im.atan2(re) * f64x8::splat(1.0 / TAU))
}

/// Eight lanes `f(0..8)`, repeating the last valid index in the padding lanes.
#[inline(always)]
fn lanes(valid: usize, f: impl Fn(usize) -> f64) -> f64x8 {
    f64x8::from(std::array::from_fn::<f64, 8, _>(|i| f(i.min(valid - 1))))
}

/// The fused W5 pass over one chunk (signals `x₁`, `x₂` and `h = H[x₁] + iH[x₂]`), eight
/// samples per vector. The last vector of a chunk is padded with its final sample and masked,
/// so every sample is counted once.
fn fused_chunk(
    x1: &[f64],
    x2: &[f64],
    h: &[Complex64],
    ratios: &[Ratio],
    bins: usize,
    max_n: usize,
    max_m: usize,
) -> ChunkSums {
    // COPIES interleaved histograms per ratio (lane i feeds copy i % COPIES), so that runs of
    // samples in one bin do not serialise on a single counter; summed at the end.
    let mut copies = vec![0u32; COPIES * bins * ratios.len()];
    let last_bin = i64x8::splat(bins as i64 - 1);
    let mut sum_re = vec![f64x8::ZERO; ratios.len()];
    let mut sum_im = vec![f64x8::ZERO; ratios.len()];
    let one = (f64x8::ONE, f64x8::ZERO);
    let mut p1 = vec![one; max_n + 1];
    let mut p2 = vec![one; max_m + 1];
    let bins_f = f64x8::splat(bins as f64);
    for ((g1, g2), gh) in x1.chunks(8).zip(x2.chunks(8)).zip(h.chunks(8)) {
        let valid = g1.len();
        let (r1, i1, t1) = phasor(lanes(valid, |i| g1[i]), lanes(valid, |i| gh[i].re));
        let (r2, i2, t2) = phasor(lanes(valid, |i| g2[i]), lanes(valid, |i| gh[i].im));
        let mask =
            f64x8::from(std::array::from_fn::<f64, 8, _>(|i| if i < valid { 1.0 } else { 0.0 }));
        for k in 1..=max_n {
            let (a, b) = p1[k - 1];
            p1[k] = (a * r1 - b * i1, a * i1 + b * r1);
        }
        // Conjugate powers of u₂: multiply by (r₂, −i₂).
        for k in 1..=max_m {
            let (a, b) = p2[k - 1];
            p2[k] = (a * r2 + b * i2, b * r2 - a * i2);
        }
        for (r, ratio) in ratios.iter().enumerate() {
            let (n, m) = (ratio.numer() as usize, ratio.denom() as usize);
            let u = f64x8::splat(n as f64) * t1 - f64x8::splat(m as f64) * t2;
            let idx = ((u - u.floor()) * bins_f).trunc_int().min(last_bin).to_array();
            let rows = &mut copies[r * COPIES * bins..(r + 1) * COPIES * bins];
            for (lane, &x) in idx[..valid].iter().enumerate() {
                rows[(lane % COPIES) * bins + x as usize] += 1;
            }
            let (a, b) = p1[n];
            let (c, d) = p2[m];
            sum_re[r] += (a * c - b * d) * mask;
            sum_im[r] += (a * d + b * c) * mask;
        }
    }
    let sums = sum_re
        .iter()
        .zip(&sum_im)
        .map(|(re, im)| Complex64::new(re.to_array().iter().sum(), im.to_array().iter().sum()))
        .collect();
    let counts = copies
        .chunks_exact(COPIES * bins)
        .flat_map(|per_ratio| {
            (0..bins).map(move |b| (0..COPIES).map(|c| per_ratio[c * bins + b]).sum::<u32>())
        })
        .collect();
    ChunkSums { counts, sums }
}

/// Hilbert phases of two whole records and ρ, γ for every ratio in one fused pass
/// (docs/benchmarks.md, W5): `Ψ = n·φ₁ − m·φ₂` with `φ = arg z` of the analytic signals, binned
/// into [`tass_bins`]`(M)` bins; `e^{iΨ} = u₁ⁿ·ū₂^m` with `u = z/|z|`, so no trigonometry per
/// ratio. `plan` must have the records' length.
pub fn whole_record_indices(
    plan: &HilbertPlan,
    x1: &[f64],
    x2: &[f64],
    ratios: &[Ratio],
) -> Result<Vec<RecordIndices>> {
    if ratios.is_empty() || ratios.iter().any(|r| r.numer() == 0) {
        return Err(dgnn_core::ParamError::new(
            "ratios",
            ratios.len(),
            "give at least one n:m with n ≥ 1",
        )
        .into());
    }
    let h = plan.hilbert_pair(x1, x2)?;
    let samples = h.len();
    let bins = tass_bins(samples);
    let max_n = ratios.iter().map(|r| r.numer()).max().unwrap_or(1) as usize;
    let max_m = ratios.iter().map(|r| r.denom()).max().unwrap_or(1) as usize;
    let partials: Vec<ChunkSums> = x1
        .par_chunks(CHUNK)
        .zip(x2.par_chunks(CHUNK))
        .zip(h.par_chunks(CHUNK))
        .map(|((c1, c2), ch)| fused_chunk(c1, c2, ch, ratios, bins, max_n, max_m))
        .collect();
    let mut counts = vec![0u32; bins * ratios.len()];
    let mut sums = vec![Complex64::new(0.0, 0.0); ratios.len()];
    for part in &partials {
        for (c, p) in counts.iter_mut().zip(&part.counts) {
            *c += p;
        }
        for (s, p) in sums.iter_mut().zip(&part.sums) {
            *s += p;
        }
    }
    Ok(ratios
        .iter()
        .enumerate()
        .map(|(r, &ratio)| RecordIndices {
            ratio,
            rho: entropy_index_from_counts(&counts[r * bins..(r + 1) * bins], samples),
            gamma: sums[r].norm() / samples as f64,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use dgnn_core::Seed;
    use rand::RngExt;
    use rand_distr::StandardNormal;

    #[test]
    fn bins_follow_tass() {
        // W5 (docs/benchmarks.md; benches/peers/README.md): M = 1e6 gives N = 470.
        assert_eq!(tass_bins(1_000_000), 470);
        // exp(0.626)·99^0.4 = 1.870·6.284 = 11.75 → 12.
        assert_eq!(tass_bins(100), 12);
    }

    #[test]
    fn wrapped_normal_gamma_is_exp_minus_sigma_squared_over_two() {
        // docs/science.md#synchronisation-of-recordings: for Ψ ~ wrapped N(μ, σ²),
        // E[e^{iΨ}] = e^{iμ − σ²/2}. The sample γ has variance
        // ≈ Var(cos(Ψ − μ))/M = ((1 + e^{−2σ²})/2 − e^{−σ²})/M ≤ 0.4/M; with M = 2e5 its standard
        // error is ≤ 1.4e-3, and 6e-3 is ≥ 4 standard errors.
        let mut rng = Seed(11).stream("test/wrapped-normal", &[]);
        for sigma in [0.3, 0.8, 1.5] {
            let psi: Vec<f64> =
                (0..200_000).map(|_| 1.0 + sigma * rng.sample::<f64, _>(StandardNormal)).collect();
            let gamma = mean_resultant_length(&psi);
            let expected = (-sigma * sigma / 2.0f64).exp();
            assert!((gamma - expected).abs() < 6e-3, "σ = {sigma}: {gamma} vs {expected}");
        }
    }

    #[test]
    fn uniform_null_level_is_sqrt_pi_over_four_m() {
        // docs/science.md#synchronisation-of-recordings: for M uniform phases, Mγ² ~ Exp(1)
        // asymptotically, so E[γ] = sqrt(π/(4M)). Averaging over R = 2000 replicates:
        // sd(γ) = sqrt((1 − π/4)/M), standard error of the mean sqrt((1 − π/4)/(M R)); tolerance
        // 4 s.e.
        let (m, r) = (400usize, 2000usize);
        let mut rng = Seed(12).stream("test/uniform-null", &[]);
        let mean = (0..r)
            .map(|_| {
                let psi: Vec<f64> = (0..m).map(|_| TAU * rng.random::<f64>()).collect();
                mean_resultant_length(&psi)
            })
            .sum::<f64>()
            / r as f64;
        let expected = (std::f64::consts::PI / (4.0 * m as f64)).sqrt();
        let se = ((1.0 - std::f64::consts::PI / 4.0) / (m * r) as f64).sqrt();
        assert!((mean - expected).abs() < 4.0 * se, "{mean} vs {expected} (se {se})");
    }

    /// Phases with exact 3:1 locking plus wrapped-normal jitter σ, and an unlocked pair.
    fn locked_pair(samples: usize, sigma: f64, seed: u64) -> (Vec<f64>, Vec<f64>) {
        let mut rng = Seed(seed).stream("test/locked", &[]);
        let phi1: Vec<f64> = (0..samples).map(|k| TAU * 0.3 * k as f64 / 100.0).collect();
        let phi2 = phi1
            .iter()
            .map(|p| 3.0 * p + 0.5 + sigma * rng.sample::<f64, _>(StandardNormal))
            .collect();
        (phi1, phi2)
    }

    #[test]
    fn indices_detect_known_locking() {
        // Ψ₃:₁ = 3φ₁ − φ₂ = −0.5 − σξ: γ = exp(−σ²/2) (0.9608 for σ = 0.283; s.e. < 1e-3 at
        // M = 20 000). ρ for a wrapped normal of small σ is (ln N − S)/ln N with the differential
        // entropy S ≈ ln(sqrt(2πe)σ N/2π) of the binned density. λ → γ for exact locking with
        // jitter only in φ₂: each bin's resultant is exp(−σ²/(2n²)) = exp(−σ²/18).
        let sigma = 0.283;
        let (phi1, phi2) = locked_pair(20_000, sigma, 3);
        let idx = nm_indices(&phi1, &phi2, 3, 1).unwrap();
        assert!((idx.gamma - (-sigma * sigma / 2.0f64).exp()).abs() < 4e-3, "{idx:?}");
        let bins = tass_bins(20_000) as f64;
        let entropy = ((TAU * std::f64::consts::E).sqrt() * sigma * bins / TAU).ln();
        let rho = (bins.ln() - entropy) / bins.ln();
        // Binning with ~4 bins per σ biases S by < 1% of ln N (Sheppard-type correction).
        assert!((idx.rho - rho).abs() < 0.02, "{} vs {rho}", idx.rho);
        assert!((idx.lambda - (-sigma * sigma / 18.0f64).exp()).abs() < 0.02, "{}", idx.lambda);
        // The wrong ratios see a drifting Ψ: near the uniform null level.
        for (n, m) in [(2, 1), (4, 1), (5, 2)] {
            let other = nm_indices(&phi1, &phi2, n, m).unwrap();
            assert!(other.gamma < 0.05 && other.rho < 0.05, "{n}:{m}: {other:?}");
        }
    }

    #[test]
    fn ratios_are_reduced_to_coprime_form() {
        // 6:2 is the same locking as 3:1: identical Ψ, identical indices.
        let (phi1, phi2) = locked_pair(5_000, 0.5, 4);
        let a = nm_indices(&phi1, &phi2, 6, 2).unwrap();
        let b = nm_indices(&phi1, &phi2, 3, 1).unwrap();
        assert_eq!(a.ratio, Ratio::integer(3));
        assert_eq!(a, b);
    }

    #[test]
    fn bad_or_short_input_is_reported() {
        let short = vec![0.0; 5];
        assert!(matches!(nm_indices(&short, &short, 3, 1), Err(LockError::NotEnoughData(_))));
        let long = vec![0.0; 50];
        assert!(nm_indices(&long, &long, 3, 0).is_err());
        assert!(nm_indices(&long, &long, 0, 1).is_err());
        assert!(nm_indices(&long, &long[..40], 3, 1).is_err());
        let mut nan = long.clone();
        nan[7] = f64::NAN;
        assert!(nm_indices(&nan, &long, 3, 1).is_err());
    }

    #[test]
    fn fused_pass_matches_separate_computation() {
        // The fused pass must give what the plain functions give on the Hilbert phases (up to
        // samples on bin boundaries, where angle rounding can move one count: |Δρ| < 1e-4).
        let samples = 30_000;
        let mut rng = Seed(5).stream("test/fused", &[]);
        let phib: Vec<f64> = (0..samples).map(|k| TAU * 0.3 * k as f64 / 100.0).collect();
        let x1: Vec<f64> =
            phib.iter().map(|p| p.cos() + 0.1 * rng.sample::<f64, _>(StandardNormal)).collect();
        let x2: Vec<f64> = phib
            .iter()
            .map(|p| (3.0 * p + 0.5).cos() + 0.1 * rng.sample::<f64, _>(StandardNormal))
            .collect();
        let ratios: Vec<Ratio> =
            [(1, 1), (3, 1), (7, 2)].iter().map(|&(n, m)| Ratio::new(n, m).unwrap()).collect();
        let plan = HilbertPlan::new(samples).unwrap();
        let fused = whole_record_indices(&plan, &x1, &x2, &ratios).unwrap();
        let p1: Vec<f64> = plan.analytic(&x1).unwrap().iter().map(|z| z.arg()).collect();
        let p2: Vec<f64> = plan.analytic(&x2).unwrap().iter().map(|z| z.arg()).collect();
        for f in &fused {
            let psi = relative_phase(&p1, &p2, f.ratio);
            assert!((f.gamma - mean_resultant_length(&psi)).abs() < 1e-9);
            assert!((f.rho - entropy_index(&psi, tass_bins(samples))).abs() < 1e-4);
        }
        assert!(fused[1].gamma > 0.9 && fused[0].gamma < 0.05);
        let run = |threads| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            pool.install(|| whole_record_indices(&plan, &x1, &x2, &ratios).unwrap())
        };
        let one = run(1);
        for threads in [2, 8] {
            let other = run(threads);
            for (a, b) in one.iter().zip(&other) {
                assert_eq!(
                    (a.rho.to_bits(), a.gamma.to_bits()),
                    (b.rho.to_bits(), b.gamma.to_bits())
                );
            }
        }
    }
}
