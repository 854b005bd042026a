//! Synthetic n:m-locked signal pairs with known ground truth (docs/benchmarks.md, W5's generator).
//!
//! The slow oscillator's phase is `φ₁ = 2π f₁ t + √(2D)·W(t)` (Wiener phase diffusion with
//! diffusion coefficient D, rad²/s); the fast one's is `φ₂ = r·φ₁ + η + c`, where η is an
//! Ornstein–Uhlenbeck jitter with correlation time τ and stationary standard deviation σ_η,
//! advanced by its exact AR(1) step `η ← aη + σ_η sqrt(1 − a²) ξ`, `a = e^{−Δt/τ}`. The observed
//! signals are `x = cos φ + σ_obs·N(0, 1)`. For integer r the pair is r:1 locked with
//! `Ψ = r φ₁ − φ₂ = −η − c`, so γ = exp(−σ_η²/2) exactly in expectation (η is Gaussian).

use dgnn_core::ParamError;
use dgnn_core::Seed;
use dgnn_core::error::{non_negative, positive};
use rand::RngExt;
use rand_distr::StandardNormal;
use serde::{Deserialize, Serialize};
use std::f64::consts::TAU;

/// Parameters of a synthetic pair (defaults: docs/benchmarks.md, W5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PairParams {
    /// Samples per record (default 1 000 000).
    pub samples: usize,
    /// Sampling rate in Hz (default 100).
    pub fs_hz: f64,
    /// Frequency of the slow oscillator in Hz (default 0.3).
    pub f_slow_hz: f64,
    /// Phase diffusion of the slow oscillator in rad²/s (default 0.002).
    pub diffusion: f64,
    /// Correlation time of the jitter η in s (default 2).
    pub tau_s: f64,
    /// Stationary standard deviation of η in rad (default 0.3).
    pub sigma_eta: f64,
    /// Frequency ratio r (fast/slow) built in (default 3).
    pub ratio: f64,
    /// Phase offset c in rad (default 0.5).
    pub offset: f64,
    /// Observation noise (default 0.1).
    pub sigma_obs: f64,
}

impl Default for PairParams {
    fn default() -> Self {
        Self {
            samples: 1_000_000,
            fs_hz: 100.0,
            f_slow_hz: 0.3,
            diffusion: 0.002,
            tau_s: 2.0,
            sigma_eta: 0.3,
            ratio: 3.0,
            offset: 0.5,
            sigma_obs: 0.1,
        }
    }
}

/// A generated pair: the observed signals and the true unwrapped phases.
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    /// Observed slow signal `cos φ₁ + noise`.
    pub slow: Vec<f64>,
    /// Observed fast signal `cos φ₂ + noise`.
    pub fast: Vec<f64>,
    /// True phase φ₁.
    pub phase_slow: Vec<f64>,
    /// True phase φ₂.
    pub phase_fast: Vec<f64>,
}

impl PairParams {
    /// Generates the pair from the streams `"synthetic/pair/…"` of `seed`.
    pub fn generate(&self, seed: Seed) -> Result<Pair, ParamError> {
        let fs = positive("fs_hz", self.fs_hz)?;
        let tau = positive("tau_s", self.tau_s)?;
        let d = non_negative("diffusion", self.diffusion)?;
        let sigma_eta = non_negative("sigma_eta", self.sigma_eta)?;
        let sigma_obs = non_negative("sigma_obs", self.sigma_obs)?;
        dgnn_core::error::finite("f_slow_hz", self.f_slow_hz)?;
        dgnn_core::error::finite("ratio", self.ratio)?;
        dgnn_core::error::finite("offset", self.offset)?;
        let mut breath = seed.stream("synthetic/pair/diffusion", &[]);
        let mut jitter = seed.stream("synthetic/pair/eta", &[]);
        let mut observation = seed.stream("synthetic/pair/observation", &[]);
        let step_sd = (2.0 * d / fs).sqrt();
        let a = (-1.0 / (fs * tau)).exp();
        let innovation = sigma_eta * (1.0 - a * a).sqrt();
        let mut eta = sigma_eta * jitter.sample::<f64, _>(StandardNormal);
        let mut wiener = 0.0;
        let n = self.samples;
        let mut pair = Pair {
            slow: Vec::with_capacity(n),
            fast: Vec::with_capacity(n),
            phase_slow: Vec::with_capacity(n),
            phase_fast: Vec::with_capacity(n),
        };
        for k in 0..n {
            let t = k as f64 / fs;
            wiener += step_sd * breath.sample::<f64, _>(StandardNormal);
            eta = a * eta + innovation * jitter.sample::<f64, _>(StandardNormal);
            let phi1 = TAU * self.f_slow_hz * t + wiener;
            let phi2 = self.ratio * phi1 + eta + self.offset;
            pair.slow.push(phi1.cos() + sigma_obs * observation.sample::<f64, _>(StandardNormal));
            pair.fast.push(phi2.cos() + sigma_obs * observation.sample::<f64, _>(StandardNormal));
            pair.phase_slow.push(phi1);
            pair.phase_fast.push(phi2);
        }
        Ok(pair)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_has_the_stationary_law_and_locks_the_pair() {
        // Ψ = 3φ₁ − φ₂ = −η − c with η stationary N(0, σ²): γ = exp(−σ²/2) = 0.956 for σ = 0.3.
        // η's correlation time τ·fs = 200 samples leaves M/(2τ fs) = 500 effective samples in
        // 2e5, so γ has standard error sqrt(Var(cos η)/500) = sqrt(0.0037/500) = 2.7e-3
        // (tolerance 0.01 = 3.7 s.e.) and the mean direction sqrt(Var(sin η)/500)/γ = 0.014
        // (tolerance 0.05 = 3.6 s.e.).
        let p = PairParams { samples: 200_000, ..PairParams::default() };
        let pair = p.generate(Seed(1)).unwrap();
        let psi: Vec<f64> =
            pair.phase_slow.iter().zip(&pair.phase_fast).map(|(a, b)| 3.0 * a - b).collect();
        let stats = dgnn_core::angle::CircularStats::of(&psi).unwrap();
        assert!((stats.resultant_length - (-0.045f64).exp()).abs() < 0.01);
        assert!((stats.mean_rad + 0.5).abs() < 0.05);
        assert!(PairParams { fs_hz: 0.0, ..p }.generate(Seed(1)).is_err());
    }
}
