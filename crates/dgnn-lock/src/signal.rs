//! Spectral signal processing: analytic signals (Hilbert transform) and zero-phase band-pass
//! filters, both by FFT (rustfft).
//!
//! - **Analytic signal** (Gabor 1946; the discrete version of Marple 1999, IEEE TSP 47:2600,
//!   which scipy's `hilbert` implements): `X = FFT(x)`, keep `X[0]` and (even N) `X[N/2]`,
//!   double the positive frequencies, zero the negative ones, `z = IFFT`. Then `Re z = x` and
//!   `arg z` is the Hilbert phase. Two real signals share one complex FFT: with `w = x₁ + i x₂`,
//!   `X₁[k] = (W[k] + W̄[N−k])/2` and `X₂[k] = (W[k] − W̄[N−k])/(2i)`.
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

/// Forward and inverse FFT plans of one length, reused across calls. For an even length the
/// forward transform of a pair is split into two half-length transforms (even and odd samples)
/// run in parallel and joined by one radix-2 butterfly `W[k] = E[k] + e^{−2πik/N}·O[k]`.
pub struct HilbertPlan {
    len: usize,
    forward: Arc<dyn Fft<f64>>,
    inverse: Arc<dyn Fft<f64>>,
    /// Half-length forward plan and the twiddles `e^{−2πik/N}`, k < N/2 (even lengths).
    split: Option<(Arc<dyn Fft<f64>>, Vec<Complex64>)>,
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
            let twiddles = (0..half)
                .map(|k| Complex64::from_polar(1.0, -2.0 * PI * k as f64 / len as f64))
                .collect();
            (planner.plan_fft_forward(half), twiddles)
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

    /// One-sided weight of bin k: 1 at DC and Nyquist, 2 for positive, 0 for negative
    /// frequencies; the inverse FFT's 1/N is folded in.
    fn weight(&self, k: usize) -> f64 {
        let n = self.len;
        let scale = 1.0 / n as f64;
        if k == 0 || (n.is_multiple_of(2) && k == n / 2) {
            scale
        } else if k < n.div_ceil(2) {
            2.0 * scale
        } else {
            0.0
        }
    }

    /// The analytic signal of one real record.
    pub fn analytic(&self, x: &[f64]) -> Result<Vec<Complex64>> {
        self.check(x)?;
        let mut buf: Vec<Complex64> = x.iter().map(|&v| Complex64::new(v, 0.0)).collect();
        self.forward.process(&mut buf);
        for (k, v) in buf.iter_mut().enumerate() {
            *v *= self.weight(k);
        }
        self.inverse.process(&mut buf);
        Ok(buf)
    }

    /// The FFT of `x₁ + i·x₂`.
    fn forward_pair(&self, x1: &[f64], x2: &[f64]) -> Vec<Complex64> {
        let Some((half_plan, twiddles)) = &self.split else {
            let mut w: Vec<Complex64> =
                x1.iter().zip(x2).map(|(&a, &b)| Complex64::new(a, b)).collect();
            self.forward.process(&mut w);
            return w;
        };
        let pick = |parity: usize| -> Vec<Complex64> {
            x1.iter().zip(x2).skip(parity).step_by(2).map(|(&a, &b)| Complex64::new(a, b)).collect()
        };
        let (even, odd) = rayon::join(
            || {
                let mut e = pick(0);
                half_plan.process(&mut e);
                e
            },
            || {
                let mut o = pick(1);
                half_plan.process(&mut o);
                o
            },
        );
        let half = self.len / 2;
        let mut w = vec![Complex64::new(0.0, 0.0); self.len];
        let (low, high) = w.split_at_mut(half);
        for k in 0..half {
            let t = twiddles[k] * odd[k];
            low[k] = even[k] + t;
            high[k] = even[k] - t;
        }
        w
    }

    /// The analytic signals of two real records of the planned length, with one forward FFT
    /// for both and the two inverse FFTs run in parallel (rayon::join).
    pub fn analytic_pair(
        &self,
        x1: &[f64],
        x2: &[f64],
    ) -> Result<(Vec<Complex64>, Vec<Complex64>)> {
        self.check(x1)?;
        self.check(x2)?;
        let n = self.len;
        let w = self.forward_pair(x1, x2);
        let mut a1 = vec![Complex64::new(0.0, 0.0); n];
        let mut a2 = vec![Complex64::new(0.0, 0.0); n];
        for k in 0..n {
            let weight = self.weight(k);
            if weight == 0.0 {
                continue;
            }
            let wk = w[k];
            let wc = w[(n - k) % n].conj();
            a1[k] = (wk + wc) * (0.5 * weight);
            // (W[k] − W̄[N−k])/(2i) = −i(W[k] − W̄[N−k])/2
            let d = wk - wc;
            a2[k] = Complex64::new(d.im, -d.re) * (0.5 * weight);
        }
        rayon::join(|| self.inverse.process(&mut a1), || self.inverse.process(&mut a2));
        Ok((a1, a2))
    }
}

/// The unwrapped Hilbert phase of a real record (radians).
pub fn hilbert_phase(x: &[f64]) -> Result<Vec<f64>> {
    let z = HilbertPlan::new(x.len())?.analytic(x)?;
    let wrapped: Vec<f64> = z.iter().map(|c| c.im.atan2(c.re)).collect();
    Ok(dgnn_core::angle::unwrap(&wrapped))
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

    #[test]
    fn pair_transform_equals_two_single_transforms() {
        // The packing identity X₁ = (W + W̄(−k))/2, X₂ = (W − W̄(−k))/2i is exact algebra; the
        // two routes differ only by rounding.
        for n in [64, 101, 2048] {
            let x1: Vec<f64> = (0..n).map(|k| ((k * k) % 17) as f64 - 8.0).collect();
            let x2: Vec<f64> = (0..n).map(|k| ((3 * k) % 11) as f64 * 0.5).collect();
            let plan = HilbertPlan::new(n).unwrap();
            let (a1, a2) = plan.analytic_pair(&x1, &x2).unwrap();
            let (b1, b2) = (plan.analytic(&x1).unwrap(), plan.analytic(&x2).unwrap());
            for k in 0..n {
                assert!((a1[k] - b1[k]).norm() < 1e-11 && (a2[k] - b2[k]).norm() < 1e-11);
                assert!((a1[k].re - x1[k]).abs() < 1e-11, "real part is the signal");
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
