//! Positive controls for the synchronisation analysis, built with dgnn-dynamics: a "heart"
//! oscillator driven by a "breathing" oscillator, in a quiet regime that locks 3:1 and an
//! active, noisier regime whose ratio wanders to higher Farey levels (the paper's quiet and
//! active sleep, after Hoyer et al. 2001).
//!
//! Model (phases in rad, time in s):
//! - breathing: `dφ_b = ω_b dt + sqrt(2D_b) dW_b` — a [`dgnn_dynamics::sde::PhaseSde`] on the
//!   flat tilted landscape `U = −ω_b φ` (a = b = 0), integrated by Euler–Maruyama (exact for
//!   constant drift and additive noise);
//! - heart: its phase relative to the third harmonic of breathing, `ψ = φ_h − 3φ_b`, follows
//!   the noisy Adler equation `dψ = (δ − ε sin ψ) dt + sqrt(Q) dW_h`, i.e. a
//!   [`dgnn_dynamics::sde::PhaseSde`] on the tilted HKB landscape with `a = ε`, `b = 0`,
//!   detuning δ (stochastic Heun). Then `φ_h = 3φ_b + ψ`: the heart's natural frequency is
//!   `3ω_b + δ` and it is pulled towards three beats per breath with strength ε. For
//!   `|δ| < ε` and small Q, ψ rests near `arcsin(δ/ε)` and slips rarely (locked 3:1); for
//!   `|δ| > ε` it drifts at `sqrt(δ² − ε²)` on average (docs/science.md#hkb) and the ratio wanders.
//! - observations: beats where `φ_h` first reaches each `2πk`; an ECG made of PQRST Gaussians
//!   at the beats (shapes after McSharry et al. 2003, IEEE TBME 50:289); a belt signal
//!   `−cos φ_b` plus noise.
//!
//! "Energy" here is the energy of the noise and of the detuning: the active regime has ten
//! times the phase noise and a detuning beyond the locking range, as an aroused, metabolically
//! active state would.

use crate::error::Result;
use dgnn_core::error::positive;
use dgnn_core::{ParamError, Seed};
use dgnn_dynamics::TiltedHkb;
use dgnn_dynamics::sde::{EulerMaruyama, PhaseSde, StochasticHeun, simulate_path};
use rand::RngExt;
use rand_distr::StandardNormal;
use serde::{Deserialize, Serialize};
use std::f64::consts::TAU;

/// Parameters of a positive control (see the module docs for the model).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ControlParams {
    /// Length in s.
    pub duration_s: f64,
    /// Sampling rate of the signals in Hz (the SDEs use the same step).
    pub fs_hz: f64,
    /// Breathing frequency in Hz.
    pub f_resp_hz: f64,
    /// Phase diffusion of breathing `D_b` in rad²/s.
    pub resp_diffusion: f64,
    /// Coupling ε in rad/s.
    pub coupling: f64,
    /// Detuning δ of the heart from three beats per breath, in rad/s.
    pub detuning: f64,
    /// Phase noise intensity Q of the heart in rad²/s.
    pub noise: f64,
    /// Observation noise of the belt signal (its amplitude is 1).
    pub resp_noise: f64,
    /// Observation noise of the ECG (R wave amplitude 1).
    pub ecg_noise: f64,
}

impl ControlParams {
    /// Quiet (low-energy) regime: `ε = 0.8`, `δ = 0.3` rad/s (inside the locking range),
    /// `Q = 0.02` rad²/s, regular breathing at 0.25 Hz; 10 minutes at 250 Hz.
    #[must_use]
    pub fn quiet() -> Self {
        Self {
            duration_s: 600.0,
            fs_hz: 250.0,
            f_resp_hz: 0.25,
            resp_diffusion: 0.002,
            coupling: 0.8,
            detuning: 0.3,
            noise: 0.02,
            resp_noise: 0.1,
            ecg_noise: 0.03,
        }
    }

    /// Active (higher-energy) regime: weaker pull `ε = 0.5`, detuning `δ = 1.2` rad/s beyond it,
    /// ten times the phase noise (`Q = 0.2`), less regular breathing (`D_b = 0.02`).
    #[must_use]
    pub fn active() -> Self {
        Self { coupling: 0.5, detuning: 1.2, noise: 0.2, resp_diffusion: 0.02, ..Self::quiet() }
    }

    /// Simulates the control from the streams `"lock/control/…"` of `seed`.
    pub fn generate(&self, seed: Seed) -> Result<Control> {
        let fs = positive("fs_hz", self.fs_hz)?;
        let duration = positive("duration_s", self.duration_s)?;
        positive("f_resp_hz", self.f_resp_hz)?;
        let dt = 1.0 / fs;
        let steps = (duration * fs) as usize;
        if steps < 10 {
            return Err(
                ParamError::new("duration_s", duration, "must cover at least 10 samples").into()
            );
        }
        let breathing = PhaseSde::new(
            TiltedHkb::new(0.0, 0.0, TAU * self.f_resp_hz)?,
            2.0 * self.resp_diffusion,
        )?;
        let heart = PhaseSde::new(TiltedHkb::new(self.coupling, 0.0, self.detuning)?, self.noise)?;
        let mut rng_b = seed.stream("lock/control/breath", &[]);
        let mut rng_h = seed.stream("lock/control/heart", &[]);
        let phi_b =
            simulate_path(&breathing, &EulerMaruyama, &[0.0], dt, steps - 1, 1, &mut rng_b)?;
        let psi0 = (self.detuning / self.coupling).clamp(-1.0, 1.0).asin();
        let psi = simulate_path(&heart, &StochasticHeun, &[psi0], dt, steps - 1, 1, &mut rng_h)?;
        let phi_h: Vec<f64> =
            phi_b.states.iter().zip(&psi.states).map(|(b, p)| 3.0 * b[0] + p[0]).collect();
        let mut beats = Vec::new();
        let mut next = TAU * (phi_h[0] / TAU).floor() + TAU;
        for k in 1..phi_h.len() {
            if phi_h[k] >= next && phi_h[k - 1] < next {
                let f = (next - phi_h[k - 1]) / (phi_h[k] - phi_h[k - 1]);
                beats.push((k as f64 - 1.0 + f) * dt);
                next += TAU * ((phi_h[k] - next) / TAU).floor().max(0.0) + TAU;
            }
        }
        let mut rng_o = seed.stream("lock/control/observation", &[]);
        let resp = phi_b
            .states
            .iter()
            .map(|b| -b[0].cos() + self.resp_noise * rng_o.sample::<f64, _>(StandardNormal))
            .collect();
        let ecg = synthetic_ecg(&beats, fs, steps, self.ecg_noise, &mut rng_o);
        Ok(Control { fs_hz: fs, beats, resp, ecg })
    }
}

/// A simulated recording with its true beats.
#[derive(Debug, Clone, PartialEq)]
pub struct Control {
    /// Sampling rate in Hz.
    pub fs_hz: f64,
    /// True beat times in s.
    pub beats: Vec<f64>,
    /// Respiration belt signal.
    pub resp: Vec<f64>,
    /// ECG.
    pub ecg: Vec<f64>,
}

fn gauss(t: f64, centre: f64, width: f64) -> f64 {
    (-0.5 * ((t - centre) / width).powi(2)).exp()
}

/// An ECG of `samples` samples at `fs_hz` with a PQRST complex at each beat (sums of Gaussians
/// after McSharry et al. 2003: P 0.15, Q −0.12, R 1, S −0.25, T 0.35), slow baseline wander
/// (0.4 at 0.15 Hz), 50 Hz hum (0.05) and white noise of standard deviation `noise`.
pub fn synthetic_ecg(
    beats: &[f64],
    fs_hz: f64,
    samples: usize,
    noise: f64,
    rng: &mut dgnn_core::StreamRng,
) -> Vec<f64> {
    (0..samples)
        .map(|i| {
            let t = i as f64 / fs_hz;
            let k = beats.partition_point(|&b| b < t - 0.6);
            let mut v = 0.0;
            for &b in beats[k..].iter().take_while(|&&b| b < t + 0.4) {
                v += 0.15 * gauss(t, b - 0.2, 0.025) - 0.12 * gauss(t, b - 0.025, 0.008)
                    + gauss(t, b, 0.01)
                    - 0.25 * gauss(t, b + 0.025, 0.008)
                    + 0.35 * gauss(t, b + 0.3, 0.05);
            }
            v + 0.4 * (TAU * 0.15 * t).sin()
                + 0.05 * (TAU * 50.0 * t).sin()
                + noise * rng.sample::<f64, _>(StandardNormal)
        })
        .collect()
}
