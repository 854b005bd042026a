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
use rustfft::num_complex::Complex64;
use rustfft::{Fft, FftPlanner};
use serde::{Deserialize, Serialize};
use std::f64::consts::TAU;
use std::sync::Arc;

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
    Ok(Iaaft::new(x, iterations)?.surrogate(rng))
}

/// What every IAAFT surrogate of one signal shares, prepared once: the data, its sorted
/// values, its Fourier amplitudes and the transforms of its length (a real DFT through one of
/// half the length when the length is even, a complex one otherwise).
pub struct Iaaft {
    data: Vec<f64>,
    sorted: Vec<f64>,
    /// `|X[k]|` for the bins the transform gives (`0..=n/2` real, `0..n` complex).
    amplitudes: Vec<f64>,
    transform: Transform,
    iterations: usize,
}

impl std::fmt::Debug for Iaaft {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Iaaft")
            .field("len", &self.data.len())
            .field("iterations", &self.iterations)
            .finish()
    }
}

/// The DFT pair of an IAAFT: real (even lengths) or complex.
enum Transform {
    Real(RealFft),
    Complex { forward: Arc<dyn Fft<f64>>, inverse: Arc<dyn Fft<f64>> },
}

/// A key that orders like `f64::total_cmp` (the standard library's own bit trick).
fn total_order_key(v: f64) -> i64 {
    let bits = v.to_bits() as i64;
    bits ^ ((((bits >> 63) as u64) >> 1) as i64)
}

/// Sorts a slice that is nearly in order: insertion sort, linear in the length plus the
/// inversions, handing over to the general sort once the moves pass four per element.
fn nearly_sorted<T: Ord + Copy>(v: &mut [T]) {
    let budget = 4 * v.len();
    let mut moves = 0;
    for i in 1..v.len() {
        let item = v[i];
        let mut j = i;
        while j > 0 && v[j - 1] > item {
            v[j] = v[j - 1];
            j -= 1;
        }
        v[j] = item;
        moves += i - j;
        if moves > budget {
            v.sort_unstable();
            return;
        }
    }
}

/// Work space of one surrogate.
struct Buffers {
    spectrum: Vec<Complex64>,
    half: Vec<Complex64>,
    scratch: Vec<Complex64>,
    filtered: Vec<f64>,
}

impl Iaaft {
    /// Prepares IAAFT surrogates of `x` (at least 4 finite samples) with at most `iterations`
    /// rounds each.
    pub fn new(x: &[f64], iterations: usize) -> Result<Self> {
        let spectrum = spectrum_of(x)?;
        let mut sorted = x.to_vec();
        sorted.sort_by(f64::total_cmp);
        let n = x.len();
        let (transform, bins) = if n.is_multiple_of(2) {
            (Transform::Real(RealFft::new(n)), n / 2 + 1)
        } else {
            let mut planner = FftPlanner::new();
            let forward = planner.plan_fft_forward(n);
            let inverse = planner.plan_fft_inverse(n);
            (Transform::Complex { forward, inverse }, n)
        };
        Ok(Self {
            data: x.to_vec(),
            sorted,
            amplitudes: spectrum[..bins].iter().map(|c| c.norm()).collect(),
            transform,
            iterations: iterations.max(1),
        })
    }

    /// Imposes the data's Fourier amplitudes on `current` (phases kept) into
    /// `buffers.filtered`, times the length.
    fn filter(&self, current: &[f64], buffers: &mut Buffers) {
        let Buffers { spectrum, half, scratch, filtered } = buffers;
        match &self.transform {
            Transform::Real(fft) => fft.forward(current, half, scratch, spectrum),
            Transform::Complex { forward, .. } => {
                for (b, &v) in spectrum.iter_mut().zip(current) {
                    *b = Complex64::new(v, 0.0);
                }
                forward.process_with_scratch(spectrum, scratch);
            }
        }
        for (c, &a) in spectrum.iter_mut().zip(&self.amplitudes) {
            // sqrt(re² + im²) rather than `norm` (hypot): no overflow is possible at these
            // magnitudes, and it is several times cheaper in this, the hot loop.
            let norm = c.norm_sqr().sqrt();
            *c = if norm > 0.0 { *c * (a / norm) } else { Complex64::new(a, 0.0) };
        }
        match &self.transform {
            // Left unnormalised (n times the filtered record): only its rank order is used.
            Transform::Real(fft) => fft.inverse(spectrum, half, scratch, filtered),
            Transform::Complex { inverse, .. } => {
                inverse.process_with_scratch(spectrum, scratch);
                for (v, c) in filtered.iter_mut().zip(spectrum.iter()) {
                    *v = c.re;
                }
            }
        }
    }

    /// One surrogate: alternately impose the amplitudes and the values (by rank order),
    /// starting from a random shuffle of the data (Schreiber & Schmitz's choice), until the
    /// rank order repeats or the rounds run out.
    pub fn surrogate(&self, rng: &mut StreamRng) -> Vec<f64> {
        let n = self.data.len();
        let mut current = self.data.clone();
        shuffle(&mut current, rng);
        let zero = Complex64::new(0.0, 0.0);
        let scratch_len = match &self.transform {
            Transform::Real(fft) => {
                fft.forward.get_inplace_scratch_len().max(fft.inverse.get_inplace_scratch_len())
            }
            Transform::Complex { forward, inverse } => {
                forward.get_inplace_scratch_len().max(inverse.get_inplace_scratch_len())
            }
        };
        let mut buffers = Buffers {
            spectrum: vec![zero; self.amplitudes.len()],
            half: vec![zero; n / 2],
            scratch: vec![zero; scratch_len],
            filtered: vec![0.0; n],
        };
        let mut keyed: Vec<(i64, u32)> = Vec::with_capacity(n);
        let mut order: Vec<u32> = Vec::with_capacity(n);
        let mut previous: Vec<u32> = Vec::new();
        for _ in 0..self.iterations {
            self.filter(&current, &mut buffers);
            // The rank order of the filtered values (ties by position), as a sort of unique
            // integer keys. After the first round the order changes little from round to
            // round, so the keys are laid out in the previous order and insertion-sorted;
            // unique keys sort the same by any method.
            let filtered = &buffers.filtered;
            let key = |i: usize| (total_order_key(filtered[i]), i as u32);
            keyed.clear();
            if previous.is_empty() {
                keyed.extend((0..n).map(key));
                keyed.sort_unstable();
            } else {
                keyed.extend(previous.iter().map(|&i| key(i as usize)));
                nearly_sorted(&mut keyed);
            }
            order.clear();
            order.extend(keyed.iter().map(|&(_, i)| i));
            for (&i, &value) in order.iter().zip(&self.sorted) {
                current[i as usize] = value;
            }
            if order == previous {
                break;
            }
            std::mem::swap(&mut order, &mut previous);
        }
        current
    }
}

/// Forward and inverse DFTs of real records of one even length `n` through complex DFTs of
/// length `n/2` (the even samples as real parts, the odd ones as imaginary parts, then one
/// butterfly with the twiddles `e^{−2πik/n}`): half the work of a complex DFT of length `n`.
struct RealFft {
    n: usize,
    forward: Arc<dyn Fft<f64>>,
    inverse: Arc<dyn Fft<f64>>,
    twiddles: Vec<Complex64>,
}

impl RealFft {
    /// Plans transforms of the even length `n ≥ 2`.
    fn new(n: usize) -> Self {
        let mut planner = FftPlanner::new();
        let half = n / 2;
        Self {
            n,
            forward: planner.plan_fft_forward(half),
            inverse: planner.plan_fft_inverse(half),
            twiddles: (0..half)
                .map(|k| Complex64::from_polar(1.0, -TAU * k as f64 / n as f64))
                .collect(),
        }
    }

    /// The bins `0..=n/2` of the DFT of `x` (length n), using `z` (length n/2) as work space.
    fn forward(
        &self,
        x: &[f64],
        z: &mut [Complex64],
        scratch: &mut [Complex64],
        out: &mut [Complex64],
    ) {
        let half = self.n / 2;
        for (m, c) in z.iter_mut().enumerate() {
            *c = Complex64::new(x[2 * m], x[2 * m + 1]);
        }
        self.forward.process_with_scratch(z, scratch);
        for k in 0..=half {
            let a = z[k % half];
            let b = z[(half - k) % half].conj();
            let even = (a + b) * 0.5;
            let odd = (a - b) * Complex64::new(0.0, -0.5);
            let t = if k < half { self.twiddles[k] } else { Complex64::new(-1.0, 0.0) };
            out[k] = even + t * odd;
        }
    }

    /// The real record of length n whose DFT has the bins `spectrum[0..=n/2]` (Hermitian),
    /// times n (unnormalised, like a complex inverse DFT), using `z` as work space.
    fn inverse(
        &self,
        spectrum: &[Complex64],
        z: &mut [Complex64],
        scratch: &mut [Complex64],
        x: &mut [f64],
    ) {
        let half = self.n / 2;
        for (k, c) in z.iter_mut().enumerate() {
            let a = spectrum[k];
            let b = spectrum[half - k].conj();
            let even = a + b;
            let odd = (a - b) * self.twiddles[k].conj();
            *c = even + Complex64::new(0.0, 1.0) * odd;
        }
        self.inverse.process_with_scratch(z, scratch);
        for (m, c) in z.iter().enumerate() {
            x[2 * m] = c.re;
            x[2 * m + 1] = c.im;
        }
    }
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
    fn the_half_length_real_dft_is_the_dft() {
        // Bins 0..=n/2 against the complex DFT of length n, and the inverse back to n·x, to
        // rounding (n·ε·|x| ≈ 1e-12).
        let x = ar1(600, 9);
        let fft = RealFft::new(x.len());
        let zero = Complex64::new(0.0, 0.0);
        let (mut half, mut scratch, mut bins) = (vec![zero; 300], vec![zero; 600], vec![zero; 301]);
        fft.forward(&x, &mut half, &mut scratch, &mut bins);
        let full = spectrum_of(&x).unwrap();
        for k in 0..=300 {
            assert!((bins[k] - full[k]).norm() < 1e-9, "bin {k}");
        }
        let mut back = vec![0.0; 600];
        fft.inverse(&bins, &mut half, &mut scratch, &mut back);
        for (b, v) in back.iter().zip(&x) {
            assert!((b / 600.0 - v).abs() < 1e-12);
        }
        // Odd lengths take the complex path and keep the values exactly.
        let odd: Vec<f64> = ar1(301, 10);
        let s = iaaft(&odd, 30, &mut Seed(11).stream("s", &[])).unwrap();
        let (mut a, mut b) = (odd.clone(), s);
        a.sort_by(f64::total_cmp);
        b.sort_by(f64::total_cmp);
        assert_eq!(a, b);
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
