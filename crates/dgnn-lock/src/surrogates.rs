//! Surrogate data for significance tests of synchronisation.
//!
//! A surrogate keeps what the null hypothesis allows and destroys what it forbids; the index
//! of the original is ranked among the surrogates' and the p-value is
//! `p = (1 + #{surrogates ≥ original})/(1 + S)`, which is exactly uniform on
//! `{1/(S+1), …, 1}` when original and surrogates are exchangeable under the null
//! (Theiler et al. 1992, Physica D 58:77).
//!
//! - **Fourier phase-randomised** (Theiler et al. 1992): the DFT amplitudes are kept and the
//!   phases replaced by independent uniform ones (with Hermitian symmetry), preserving the
//!   power spectrum — the null of a stationary linear Gaussian process.
//! - **IAAFT** (Schreiber & Schmitz 1996, PRL 77:635): alternately impose the original
//!   amplitudes and the original value distribution (by rank order) until the ranks stop
//!   changing, preserving both the spectrum (approximately) and the distribution exactly.
//! - **Time-shifted**: a cyclic shift by a random lag of at least `min_shift` samples keeps the
//!   signal's own dynamics intact and only breaks its timing relative to the other signal
//!   (for example Toledo et al. 2002; Hoyer et al. 2001 used shifted breathing for heart
//!   rhythms).
//! - **Twin surrogates** (Thiel, Romano, Kurths et al. 2006, Europhys Lett 75:535): in a delay
//!   embedding, points whose recurrence-matrix columns are identical ("twins") share their
//!   neighbourhood; a new trajectory follows the data but may jump to the successor of any twin
//!   of its current point. It keeps the attractor and its dynamics, starting from a random
//!   point, so it is a surrogate of a (possibly nonlinear) oscillator independent of the other
//!   signal (Romano et al. 2009, Phys Rev E 79:036208).

use crate::error::{LockError, Result};
use dgnn_core::error::{at_least, in_range};
use dgnn_core::rng::shuffle;
use dgnn_core::{ParamError, StreamRng, Valid, Validate};
use rand::RngExt;
use rustfft::FftPlanner;
use rustfft::num_complex::Complex64;
use serde::{Deserialize, Serialize};
use std::f64::consts::TAU;

/// The kinds of surrogate dgnn offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SurrogateKind {
    /// Fourier phase-randomised.
    Fourier,
    /// Iterative amplitude-adjusted Fourier transform.
    Iaaft,
    /// Random cyclic time shift.
    TimeShift,
    /// Twin surrogates of a delay embedding.
    Twin,
}

impl std::fmt::Display for SurrogateKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Fourier => "fourier",
            Self::Iaaft => "iaaft",
            Self::TimeShift => "time-shift",
            Self::Twin => "twin",
        })
    }
}

/// The rank p-value `(1 + #{s ≥ observed})/(1 + S)`.
#[must_use]
pub fn p_value(observed: f64, surrogates: &[f64]) -> f64 {
    let exceed = surrogates.iter().filter(|&&s| s >= observed).count();
    (1 + exceed) as f64 / (1 + surrogates.len()) as f64
}

/// A Fourier phase-randomised surrogate of `x`.
pub fn fourier(x: &[f64], rng: &mut StreamRng) -> Result<Vec<f64>> {
    let spectrum = spectrum_of(x)?;
    let amplitudes: Vec<f64> = spectrum.iter().map(|c| c.norm()).collect();
    Ok(with_random_phases(&spectrum, &amplitudes, rng))
}

fn spectrum_of(x: &[f64]) -> Result<Vec<Complex64>> {
    if x.len() < 4 {
        return Err(LockError::NotEnoughData(format!(
            "a surrogate needs at least 4 samples, got {}",
            x.len()
        )));
    }
    if x.iter().any(|v| !v.is_finite()) {
        return Err(ParamError::new("signal", "NaN", "all samples must be finite").into());
    }
    let mut buf: Vec<Complex64> = x.iter().map(|&v| Complex64::new(v, 0.0)).collect();
    FftPlanner::new().plan_fft_forward(x.len()).process(&mut buf);
    Ok(buf)
}

/// Inverse DFT of the given amplitudes with uniform random phases (Hermitian, so real); DC
/// and (even length) Nyquist keep their original phase.
fn with_random_phases(spectrum: &[Complex64], amplitudes: &[f64], rng: &mut StreamRng) -> Vec<f64> {
    let n = spectrum.len();
    let mut buf = vec![Complex64::new(0.0, 0.0); n];
    buf[0] = spectrum[0];
    for k in 1..n.div_ceil(2) {
        let phase = TAU * rng.random::<f64>();
        buf[k] = Complex64::from_polar(amplitudes[k], phase);
        buf[n - k] = buf[k].conj();
    }
    if n.is_multiple_of(2) {
        buf[n / 2] = spectrum[n / 2];
    }
    FftPlanner::new().plan_fft_inverse(n).process(&mut buf);
    buf.iter().map(|c| c.re / n as f64).collect()
}

/// An IAAFT surrogate of `x` with at most `iterations` rounds (stops earlier when the rank
/// order repeats).
pub fn iaaft(x: &[f64], iterations: usize, rng: &mut StreamRng) -> Result<Vec<f64>> {
    let spectrum = spectrum_of(x)?;
    let n = x.len();
    let amplitudes: Vec<f64> = spectrum.iter().map(|c| c.norm()).collect();
    let mut sorted = x.to_vec();
    sorted.sort_by(f64::total_cmp);
    // Start from a random shuffle of the data (Schreiber & Schmitz's choice).
    let mut current = x.to_vec();
    shuffle(&mut current, rng);
    let mut planner = FftPlanner::new();
    let (forward, inverse) = (planner.plan_fft_forward(n), planner.plan_fft_inverse(n));
    let mut ranks: Vec<usize> = Vec::new();
    for _ in 0..iterations.max(1) {
        let mut buf: Vec<Complex64> = current.iter().map(|&v| Complex64::new(v, 0.0)).collect();
        forward.process(&mut buf);
        for (c, &a) in buf.iter_mut().zip(&amplitudes) {
            let norm = c.norm();
            *c = if norm > 0.0 { *c * (a / norm) } else { Complex64::new(a, 0.0) };
        }
        inverse.process(&mut buf);
        let filtered: Vec<f64> = buf.iter().map(|c| c.re / n as f64).collect();
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| filtered[a].total_cmp(&filtered[b]).then(a.cmp(&b)));
        for (rank, &i) in order.iter().enumerate() {
            current[i] = sorted[rank];
        }
        if order == ranks {
            break;
        }
        ranks = order;
    }
    Ok(current)
}

/// A random cyclic shift in `[min_shift, len − min_shift]` samples.
pub fn random_shift(len: usize, min_shift: usize, rng: &mut StreamRng) -> Result<usize> {
    if len < 2 * min_shift + 1 || min_shift == 0 {
        return Err(ParamError::new(
            "min_shift",
            min_shift,
            format!("must be ≥ 1 and leave room for a shift in a record of {len} samples (≤ (len − 1)/2)"),
        )
        .into());
    }
    Ok(rng.random_range(min_shift..=len - min_shift))
}

/// `x` cyclically shifted left by `shift` samples.
#[must_use]
pub fn shifted(x: &[f64], shift: usize) -> Vec<f64> {
    let mut out = x.to_vec();
    if !out.is_empty() {
        let len = out.len();
        out.rotate_left(shift % len);
    }
    out
}

/// Delay embedding and recurrence threshold of twin surrogates (raw; [`Twins::new`] takes
/// them checked, as [`Valid<TwinOptions>`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TwinOptions {
    /// Embedding dimension (default 3).
    pub dimension: usize,
    /// Embedding delay in samples (default 4; about a quarter period of the oscillation works).
    pub delay: usize,
    /// Target recurrence rate that sets the threshold ε (default 0.1).
    pub recurrence_rate: f64,
}

impl Default for TwinOptions {
    fn default() -> Self {
        Self { dimension: 3, delay: 4, recurrence_rate: 0.1 }
    }
}

impl Validate for TwinOptions {
    /// A dimension and a delay of at least 1, a recurrence rate in [0.001, 0.5].
    fn validate(&self) -> std::result::Result<(), ParamError> {
        at_least("dimension", self.dimension, 1)?;
        at_least("delay", self.delay, 1)?;
        in_range("recurrence_rate", self.recurrence_rate, 1e-3, 0.5)?;
        Ok(())
    }
}

/// The twins of a delay embedding, computed once per signal and reused for every surrogate.
#[derive(Debug, Clone)]
pub struct Twins {
    /// The first coordinate of each embedded point (the signal value it stands for).
    values: Vec<f64>,
    /// For each point, the indices of its twins (itself included).
    twins: Vec<Vec<usize>>,
}

impl Twins {
    /// Embeds `x` and finds the twins (points with identical recurrence-matrix columns).
    pub fn new(x: &[f64], options: &Valid<TwinOptions>) -> Result<Self> {
        let (d, tau) = (options.dimension, options.delay);
        let n = x.len().saturating_sub((d - 1) * tau);
        if n < 20 {
            return Err(LockError::NotEnoughData(format!(
                "twin surrogates need at least 20 embedded points, got {n}"
            )));
        }
        let point = |i: usize| (0..d).map(move |j| x[i + j * tau]);
        let distance = |i: usize, j: usize| {
            point(i).zip(point(j)).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max)
        };
        // Threshold: the recurrence-rate quantile of all pairwise (maximum-norm) distances.
        let mut all: Vec<f64> =
            (0..n).flat_map(|i| (0..n).map(move |j| (i, j))).map(|(i, j)| distance(i, j)).collect();
        let k = ((options.recurrence_rate * all.len() as f64) as usize).min(all.len() - 1);
        let (_, eps, _) = all.select_nth_unstable_by(k, f64::total_cmp);
        let eps = *eps;
        let words = n.div_ceil(64);
        let columns: Vec<Vec<u64>> = (0..n)
            .map(|j| {
                let mut bits = vec![0u64; words];
                for i in 0..n {
                    if distance(i, j) <= eps {
                        bits[i / 64] |= 1 << (i % 64);
                    }
                }
                bits
            })
            .collect();
        let mut groups: std::collections::HashMap<&[u64], Vec<usize>> =
            std::collections::HashMap::new();
        for (j, col) in columns.iter().enumerate() {
            groups.entry(col.as_slice()).or_default().push(j);
        }
        let mut twins = vec![Vec::new(); n];
        for members in groups.values() {
            for &j in members {
                twins[j].clone_from(members);
            }
        }
        Ok(Self { values: x[..n].to_vec(), twins })
    }

    /// The number of embedded points (the surrogate length).
    #[must_use]
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether there are no points (never after a successful [`Twins::new`]).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The share of points that have at least one twin besides themselves.
    #[must_use]
    pub fn twin_fraction(&self) -> f64 {
        self.twins.iter().filter(|t| t.len() > 1).count() as f64 / self.len() as f64
    }

    /// One twin surrogate of `len` values.
    pub fn surrogate(&self, len: usize, rng: &mut StreamRng) -> Vec<f64> {
        let n = self.len();
        let mut out = Vec::with_capacity(len);
        let mut i = rng.random_range(0..n);
        while out.len() < len {
            out.push(self.values[i]);
            let twins = &self.twins[i];
            let next = twins[rng.random_range(0..twins.len())] + 1;
            i = if next < n { next } else { rng.random_range(0..n) };
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dgnn_core::{ParamGuard, Seed};
    use rand_distr::StandardNormal;

    fn ar1(n: usize, seed: u64) -> Vec<f64> {
        let mut rng = Seed(seed).stream("test/ar1", &[]);
        let mut x = 0.0;
        (0..n)
            .map(|_| {
                x = 0.9 * x + rng.sample::<f64, _>(StandardNormal);
                x
            })
            .collect()
    }

    #[test]
    fn fourier_surrogate_keeps_the_power_spectrum() {
        // |DFT| is preserved exactly (up to rounding) by construction.
        let x = ar1(256, 1);
        let s = fourier(&x, &mut Seed(2).stream("s", &[])).unwrap();
        let (a, b) = (spectrum_of(&x).unwrap(), spectrum_of(&s).unwrap());
        for (p, q) in a.iter().zip(&b) {
            assert!((p.norm() - q.norm()).abs() < 1e-9 * (1.0 + p.norm()));
        }
        assert!(x.iter().zip(&s).any(|(u, v)| (u - v).abs() > 0.1), "not a copy");
    }

    #[test]
    fn iaaft_keeps_the_distribution_and_nearly_the_spectrum() {
        // The values are a permutation of the data (exactly); the periodogram matches to a few
        // percent of the total power after convergence (Schreiber & Schmitz 1996).
        let x: Vec<f64> = ar1(512, 3).iter().map(|v| v.powi(3)).collect();
        let s = iaaft(&x, 200, &mut Seed(4).stream("s", &[])).unwrap();
        let (mut a, mut b) = (x.clone(), s.clone());
        a.sort_by(f64::total_cmp);
        b.sort_by(f64::total_cmp);
        assert_eq!(a, b);
        let (p, q) = (spectrum_of(&x).unwrap(), spectrum_of(&s).unwrap());
        let total: f64 = p.iter().map(|c| c.norm_sqr()).sum();
        let diff: f64 = p.iter().zip(&q).map(|(u, v)| (u.norm() - v.norm()).powi(2)).sum();
        assert!(diff / total < 0.05, "{}", diff / total);
    }

    #[test]
    fn shifts_and_p_values() {
        let mut rng = Seed(5).stream("s", &[]);
        for _ in 0..100 {
            let s = random_shift(100, 10, &mut rng).unwrap();
            assert!((10..=90).contains(&s));
        }
        assert!(random_shift(10, 5, &mut rng).is_err());
        assert_eq!(shifted(&[1.0, 2.0, 3.0], 1), vec![2.0, 3.0, 1.0]);
        assert!((p_value(0.5, &[0.1, 0.6, 0.5, 0.2]) - 0.6).abs() < 1e-15);
        assert!((p_value(0.9, &[0.1; 19]) - 0.05).abs() < 1e-15);
    }

    #[test]
    fn twin_surrogates_follow_the_data() {
        // A noisy sine: the embedding has many twins, and each surrogate step is a step of the
        // data (value of the successor of a twin), so consecutive surrogate values differ no
        // more than the data's largest one-step change, except at the rare random restarts.
        let mut rng = Seed(6).stream("s", &[]);
        let x: Vec<f64> = (0..600)
            .map(|i| (TAU * i as f64 / 25.0).sin() + 0.05 * rng.sample::<f64, _>(StandardNormal))
            .collect();
        let options = TwinOptions::default().check().unwrap();
        let twins = Twins::new(&x, &options).unwrap();
        assert!(twins.twin_fraction() > 0.05, "{}", twins.twin_fraction());
        let s = twins.surrogate(x.len(), &mut rng);
        assert_eq!(s.len(), x.len());
        let max_step = x.windows(2).map(|w| (w[1] - w[0]).abs()).fold(0.0, f64::max);
        let big = s.windows(2).filter(|w| (w[1] - w[0]).abs() > max_step + 0.2).count();
        assert!(big <= 3, "{big} jumps larger than the data's");
        assert!(Twins::new(&x[..10], &options).is_err());
    }

    #[test]
    fn twin_options_are_checked() {
        let bad = |options: TwinOptions| options.check().unwrap_err().field;
        let good = TwinOptions::default();
        assert_eq!(bad(TwinOptions { dimension: 0, ..good.clone() }), "dimension");
        assert_eq!(bad(TwinOptions { delay: 0, ..good.clone() }), "delay");
        assert_eq!(bad(TwinOptions { recurrence_rate: 0.6, ..good.clone() }), "recurrence_rate");
        let read = ron::from_str::<Valid<TwinOptions>>("(recurrence_rate: 0.0)");
        assert!(read.unwrap_err().to_string().contains("recurrence_rate"));
    }
}
