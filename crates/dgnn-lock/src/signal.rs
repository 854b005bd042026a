//! Spectral signal processing: analytic signals (Hilbert transform) and zero-phase band-pass
//! filters, both by FFT (rustfft).
//!
//! - **Analytic signal** (Gabor 1946; the discrete version of Marple 1999, IEEE TSP 47:2600,
//!   which scipy's `hilbert` implements): `z = x + i·H[x]` with the discrete Hilbert transform
//!   `H[x] = IFFT(−i·sgn(k)·FFT(x))`, where `sgn` is +1 for positive, −1 for negative
//!   frequencies and 0 at DC and (even N) Nyquist. `arg z` is the Hilbert phase. Because H is
//!   linear and maps real signals to real signals, two records share both transforms:
//!   `H[x₁] + i·H[x₂] = H[x₁ + i·x₂]` — one forward and one inverse FFT for the pair.
//!   For even lengths each transform is split into two half-length transforms run in
//!   parallel (radix-2 decimation in time forward, in frequency inverse).
//! - **Band-pass**: the spectrum is multiplied by a gain that is 1 in `[low, high]`, falls to 0
//!   by raised-cosine ramps over `[low/2, low]` and `[high, 1.5·high]`, and is real, so the
//!   filter has zero phase. The record is extended by reflection at both ends before the
//!   transform so that the circular FFT does not wrap the last samples onto the first.

use crate::error::{LockError, Result};
use dgnn_core::ParamError;
use dgnn_core::error::positive;
use rustfft::num_complex::Complex64;
use rustfft::{Fft, FftPlanner};
use std::f64::consts::PI;
use std::sync::Arc;

/// FFT plans of one length for Hilbert transforms, reused across calls.
pub struct HilbertPlan {
    len: usize,
    forward: Arc<dyn Fft<f64>>,
    inverse: Arc<dyn Fft<f64>>,
    /// For even lengths: half-length forward and inverse plans and the twiddles
    /// `e^{−2πik/N}`, k < N/2.
    split: Option<Split>,
}

struct Split {
    forward: Arc<dyn Fft<f64>>,
    inverse: Arc<dyn Fft<f64>>,
    twiddles: Vec<Complex64>,
}

impl std::fmt::Debug for HilbertPlan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HilbertPlan").field("len", &self.len).finish()
    }
}

impl HilbertPlan {
    /// Plans transforms of length `len ≥ 2`.
    pub fn new(len: usize) -> Result<Self> {
        if len < 2 {
            return Err(LockError::NotEnoughData(format!(
                "a Hilbert transform needs at least 2 samples, got {len}"
            )));
        }
        let mut planner = FftPlanner::new();
        let split = (len.is_multiple_of(2) && len >= 1024).then(|| {
            let half = len / 2;
            Split {
                forward: planner.plan_fft_forward(half),
                inverse: planner.plan_fft_inverse(half),
                twiddles: (0..half)
                    .map(|k| Complex64::from_polar(1.0, -2.0 * PI * k as f64 / len as f64))
                    .collect(),
            }
        });
        Ok(Self {
            len,
            forward: planner.plan_fft_forward(len),
            inverse: planner.plan_fft_inverse(len),
            split,
        })
    }

    /// The planned length.
    #[must_use]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the planned length is zero (never: kept for API symmetry with `len`).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn check(&self, x: &[f64]) -> Result<()> {
        if x.len() != self.len {
            return Err(ParamError::new(
                "signal length",
                x.len(),
                format!("must equal the planned length {}", self.len),
            )
            .into());
        }
        Ok(())
    }

    /// The forward DFT of `x₁ + i·x₂`.
    fn forward_pair(&self, x1: &[f64], x2: &[f64]) -> Vec<Complex64> {
        let Some(split) = &self.split else {
            let mut w: Vec<Complex64> =
                x1.iter().zip(x2).map(|(&a, &b)| Complex64::new(a, b)).collect();
            self.forward.process(&mut w);
            return w;
        };
        // The two half transforms write straight into the halves of `w` (out of place, so
        // rustfft needs no scratch beyond the picked inputs), then one butterfly joins them.
        let half = self.len / 2;
        let mut w = vec![Complex64::new(0.0, 0.0); self.len];
        let (low, high) = w.split_at_mut(half);
        let transform = |parity: usize, out: &mut [Complex64]| {
            let mut input: Vec<Complex64> = x1
                .iter()
                .zip(x2)
                .skip(parity)
                .step_by(2)
                .map(|(&a, &b)| Complex64::new(a, b))
                .collect();
            let mut scratch =
                vec![Complex64::new(0.0, 0.0); split.forward.get_outofplace_scratch_len()];
            split.forward.process_outofplace_with_scratch(&mut input, out, &mut scratch);
        };
        rayon::join(|| transform(0, low), || transform(1, high));
        for ((e, o), t) in low.iter_mut().zip(high.iter_mut()).zip(&split.twiddles) {
            let odd = *t * *o;
            let even = *e;
            *e = even + odd;
            *o = even - odd;
        }
        w
    }

    /// The inverse DFT (without the 1/N) of `w`.
    fn inverse(&self, mut w: Vec<Complex64>) -> Vec<Complex64> {
        let Some(split) = &self.split else {
            self.inverse.process(&mut w);
            return w;
        };
        // Decimation in frequency: y[2s] = IDFT_{N/2}(W[k] + W[k+N/2]),
        // y[2s+1] = IDFT_{N/2}((W[k] − W[k+N/2])·e^{+2πik/N}).
        let half = self.len / 2;
        let (low, high) = w.split_at(half);
        let transform = |odd: bool| -> Vec<Complex64> {
            let mut input: Vec<Complex64> = if odd {
                low.iter()
                    .zip(high)
                    .zip(&split.twiddles)
                    .map(|((a, b), t)| (a - b) * t.conj())
                    .collect()
            } else {
                low.iter().zip(high).map(|(a, b)| a + b).collect()
            };
            let mut out = vec![Complex64::new(0.0, 0.0); half];
            let mut scratch =
                vec![Complex64::new(0.0, 0.0); split.inverse.get_outofplace_scratch_len()];
            split.inverse.process_outofplace_with_scratch(&mut input, &mut out, &mut scratch);
            out
        };
        let (even, odd) = rayon::join(|| transform(false), || transform(true));
        for (pair, (e, o)) in w.chunks_exact_mut(2).zip(even.iter().zip(&odd)) {
            pair[0] = *e;
            pair[1] = *o;
        }
        w
    }

    /// `H[x₁] + i·H[x₂]`: the Hilbert transforms of two real records of the planned length
    /// as the real and imaginary parts of one complex vector (one forward, one inverse FFT).
    pub fn hilbert_pair(&self, x1: &[f64], x2: &[f64]) -> Result<Vec<Complex64>> {
        self.check(x1)?;
        self.check(x2)?;
        let n = self.len;
        let mut w = self.forward_pair(x1, x2);
        let scale = 1.0 / n as f64;
        let positive_end = n.div_ceil(2); // bins 1..positive_end are positive frequencies
        w[0] = Complex64::new(0.0, 0.0);
        for v in &mut w[1..positive_end] {
            // −i·v
            *v = Complex64::new(v.im, -v.re) * scale;
        }
        for v in &mut w[positive_end..] {
            // +i·v
            *v = Complex64::new(-v.im, v.re) * scale;
        }
        if n.is_multiple_of(2) {
            w[n / 2] = Complex64::new(0.0, 0.0);
        }
        Ok(self.inverse(w))
    }

    /// The analytic signal `x + i·H[x]` of one real record.
    pub fn analytic(&self, x: &[f64]) -> Result<Vec<Complex64>> {
        let zeros = vec![0.0; x.len()];
        let h = self.hilbert_pair(x, &zeros)?;
        Ok(x.iter().zip(&h).map(|(&a, hb)| Complex64::new(a, hb.re)).collect())
    }

    /// The unwrapped phase `arg(x + i·H[x])` of one real record (radians).
    pub fn unwrapped_phase(&self, x: &[f64]) -> Result<Vec<f64>> {
        let zeros = vec![0.0; x.len()];
        let h = self.hilbert_pair(x, &zeros)?;
        let wrapped: Vec<f64> = x.iter().zip(&h).map(|(&re, im)| im.re.atan2(re)).collect();
        Ok(dgnn_core::angle::unwrap(&wrapped))
    }

    /// The analytic signals of two real records of the planned length.
    pub fn analytic_pair(
        &self,
        x1: &[f64],
        x2: &[f64],
    ) -> Result<(Vec<Complex64>, Vec<Complex64>)> {
        let h = self.hilbert_pair(x1, x2)?;
        let a1 = x1.iter().zip(&h).map(|(&a, hb)| Complex64::new(a, hb.re)).collect();
        let a2 = x2.iter().zip(&h).map(|(&a, hb)| Complex64::new(a, hb.im)).collect();
        Ok((a1, a2))
    }
}

/// The unwrapped Hilbert phase of a real record (radians).
pub fn hilbert_phase(x: &[f64]) -> Result<Vec<f64>> {
    HilbertPlan::new(x.len())?.unwrapped_phase(x)
}

/// Raised-cosine gain of the band-pass at frequency `f` (Hz).
fn band_gain(f: f64, low: f64, high: f64) -> f64 {
    let ramp = |x: f64| 0.5 - 0.5 * (PI * x.clamp(0.0, 1.0)).cos();
    let rise = if low > 0.0 { ramp((f - 0.5 * low) / (0.5 * low)) } else { 1.0 };
    let fall = ramp((1.5 * high - f) / (0.5 * high));
    rise * fall
}

/// Zero-phase band-pass of `x` sampled at `fs_hz` between `low_hz` (0 for a low-pass) and
/// `high_hz` (see the module docs for the gain).
pub fn bandpass(x: &[f64], fs_hz: f64, low_hz: f64, high_hz: f64) -> Result<Vec<f64>> {
    positive("fs_hz", fs_hz)?;
    positive("high_hz", high_hz)?;
    if !(low_hz.is_finite() && low_hz >= 0.0 && low_hz < high_hz) {
        return Err(ParamError::new("low_hz", low_hz, "must lie in [0, high_hz)").into());
    }
    if x.len() < 4 {
        return Err(LockError::NotEnoughData(format!(
            "a filter needs at least 4 samples, got {}",
            x.len()
        )));
    }
    if let Some(i) = x.iter().position(|v| !v.is_finite()) {
        return Err(ParamError::new(
            "signal",
            x[i],
            format!("sample {i} is not finite; remove or interpolate missing samples first"),
        )
        .into());
    }
    let n = x.len();
    // Reflect-pad by up to two periods of the lowest pass frequency (at most the record).
    let pad_target = if low_hz > 0.0 {
        (2.0 * fs_hz / low_hz) as usize
    } else {
        (2.0 * fs_hz / high_hz) as usize + 8
    };
    let pad = pad_target.min(n - 1);
    let mut padded = Vec::with_capacity(n + 2 * pad);
    padded.extend((1..=pad).rev().map(|i| 2.0 * x[0] - x[i]));
    padded.extend_from_slice(x);
    padded.extend((1..=pad).map(|i| 2.0 * x[n - 1] - x[n - 1 - i]));
    let len = padded.len();
    let mut planner = FftPlanner::new();
    let forward = planner.plan_fft_forward(len);
    let inverse = planner.plan_fft_inverse(len);
    let mut buf: Vec<Complex64> = padded.iter().map(|&v| Complex64::new(v, 0.0)).collect();
    forward.process(&mut buf);
    for (k, v) in buf.iter_mut().enumerate() {
        let bin = k.min(len - k);
        let f = bin as f64 * fs_hz / len as f64;
        *v *= band_gain(f, low_hz, high_hz) / len as f64;
    }
    inverse.process(&mut buf);
    Ok(buf[pad..pad + n].iter().map(|c| c.re).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn analytic_signal_of_a_cosine_is_the_complex_exponential() {
        // Hilbert transform of cos(ωt) is sin(ωt) exactly for a whole number of periods in the
        // record (the DFT has no leakage), so z = e^{iωt} to rounding (N·ε ≈ 1e-13).
        let n = 1000;
        let x: Vec<f64> =
            (0..n).map(|k| (2.0 * PI * 7.0 * k as f64 / n as f64 + 0.3).cos()).collect();
        let z = HilbertPlan::new(n).unwrap().analytic(&x).unwrap();
        for (k, c) in z.iter().enumerate() {
            let angle = 2.0 * PI * 7.0 * k as f64 / n as f64 + 0.3;
            assert!((c.re - angle.cos()).abs() < 1e-12 && (c.im - angle.sin()).abs() < 1e-12);
        }
    }

    /// The analytic signal by its definition with a naive O(N²) DFT: keep DC and Nyquist,
    /// double positive frequencies, drop negative ones.
    fn naive_analytic(x: &[f64]) -> Vec<Complex64> {
        let n = x.len();
        let spectrum: Vec<Complex64> = (0..n)
            .map(|k| {
                x.iter()
                    .enumerate()
                    .map(|(t, &v)| {
                        Complex64::from_polar(v, -2.0 * PI * (k * t % n) as f64 / n as f64)
                    })
                    .sum()
            })
            .collect();
        let weight = |k: usize| {
            if k == 0 || (n.is_multiple_of(2) && k == n / 2) {
                1.0
            } else if k < n.div_ceil(2) {
                2.0
            } else {
                0.0
            }
        };
        (0..n)
            .map(|t| {
                spectrum
                    .iter()
                    .enumerate()
                    .map(|(k, &c)| {
                        c * weight(k)
                            * Complex64::from_polar(1.0, 2.0 * PI * (k * t % n) as f64 / n as f64)
                    })
                    .sum::<Complex64>()
                    / n as f64
            })
            .collect()
    }

    #[test]
    fn pair_transform_matches_the_definition() {
        // H[x₁] + iH[x₂] = H[x₁ + ix₂] is exact algebra; the split (N ≥ 1024, even) and plain
        // paths must both reproduce the textbook analytic signal to rounding (N·ε·|x| ≈ 1e-11).
        for n in [64, 101, 2048] {
            let x1: Vec<f64> = (0..n).map(|k| ((k * k) % 17) as f64 - 8.0).collect();
            let x2: Vec<f64> = (0..n).map(|k| ((3 * k) % 11) as f64 * 0.5).collect();
            let plan = HilbertPlan::new(n).unwrap();
            let (a1, a2) = plan.analytic_pair(&x1, &x2).unwrap();
            let (b1, b2) = (naive_analytic(&x1), naive_analytic(&x2));
            let single = plan.analytic(&x2).unwrap();
            for k in 0..n {
                assert!(
                    (a1[k] - b1[k]).norm() < 1e-9 && (a2[k] - b2[k]).norm() < 1e-9,
                    "n = {n}, k = {k}"
                );
                assert!((single[k] - b2[k]).norm() < 1e-9);
            }
        }
    }

    #[test]
    fn hilbert_phase_of_a_chirp_follows_its_instantaneous_phase() {
        // x = cos θ(t) with slowly varying frequency: the Hilbert phase tracks θ(t) away from the
        // record's ends (Bedrosian: the error is set by the spectral overlap, here < 0.01 rad).
        let fs = 100.0;
        let n = 6000;
        let theta: Vec<f64> = (0..n)
            .map(|k| {
                let t = k as f64 / fs;
                2.0 * PI * (1.0 * t + 0.002 * t * t)
            })
            .collect();
        let x: Vec<f64> = theta.iter().map(|t| t.cos()).collect();
        let phase = hilbert_phase(&x).unwrap();
        let offset = phase[n / 2] - theta[n / 2];
        for k in 500..n - 500 {
            assert!((phase[k] - theta[k] - offset).abs() < 0.01, "k = {k}");
        }
    }

    #[test]
    fn bandpass_keeps_the_band_and_removes_the_rest() {
        // Gain 1 inside the band, 0 beyond the ramps: a 1 Hz tone survives a 0.5–3 Hz filter,
        // 0.05 Hz drift and 20 Hz hum vanish (to the leakage of the reflected ends, < 1e-2 in
        // the middle of the record).
        let fs = 200.0;
        let n = 20_000;
        let t = |k: usize| k as f64 / fs;
        let tone: Vec<f64> = (0..n).map(|k| (2.0 * PI * t(k)).sin()).collect();
        let x: Vec<f64> = (0..n)
            .map(|k| {
                tone[k]
                    + 2.0 * (2.0 * PI * 0.05 * t(k)).sin()
                    + 0.5 * (2.0 * PI * 20.0 * t(k)).sin()
            })
            .collect();
        let y = bandpass(&x, fs, 0.5, 3.0).unwrap();
        for k in 2000..n - 2000 {
            assert!((y[k] - tone[k]).abs() < 1e-2, "k = {k}: {} vs {}", y[k], tone[k]);
        }
    }

    #[test]
    fn bad_filter_input_is_rejected() {
        let x = vec![0.0; 100];
        assert!(bandpass(&x, 0.0, 0.1, 1.0).is_err());
        assert!(bandpass(&x, 100.0, 2.0, 1.0).is_err());
        assert!(bandpass(&[1.0, f64::NAN, 0.0, 1.0, 2.0], 100.0, 0.1, 1.0).is_err());
        assert!(bandpass(&[1.0], 100.0, 0.1, 1.0).is_err());
        assert!(HilbertPlan::new(1).is_err());
        assert!(HilbertPlan::new(10).unwrap().analytic(&x).is_err());
    }
}
