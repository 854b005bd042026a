//! Energy landscapes on the circle: the [`Potential`] trait and the HKB family.
//!
//! A potential is a function `U(φ)` of a relative phase whose negative slope is the drift,
//! `dφ/dt = −U′(φ)` (plus noise in [`crate::sde`]). Every potential here has the form
//! `U(φ) = P(φ) − δω·φ` with `P` 2π-periodic and a constant *tilt* `δω` (the detuning), so the
//! drift is periodic even when `U` is not: `U(φ + 2π) = U(φ) − 2π·δω`.
//!
//! - [`Hkb`]: Haken, Kelso & Bunz (1985), Biol Cybern 51:347, `U = −a cos φ − b cos 2φ`, drift
//!   `−a sin φ − 2b sin 2φ` (the form pinned by docs/science.md#hkb; some sources write `b sin 2φ`,
//!   whose thresholds differ by a factor 2).
//! - [`TiltedHkb`]: the extended HKB with detuning (Kelso, DelColle & Schöner 1990; Kelso 1995),
//!   `U = −δω φ − a cos φ − b cos 2φ`; with `b = 0` it is the Adler equation.
//! - [`FourierPotential`]: `U = −δω φ + Σ_k (c_k cos kφ + s_k sin kφ)`, any smooth landscape.
//! - [`UserPotential`]: closures for `U`, `U′`, `U″` and the tilt; or implement [`Potential`].

use dgnn_core::ParamError;
use dgnn_core::error::finite;
use std::fmt;

/// An energy landscape on the circle, `U(φ) = P(φ) − tilt·φ` with `P` 2π-periodic.
///
/// Implementors give `U`, `U′` and `U″` (the landscape analysis needs all three) and the tilt.
/// The deterministic drift is `−U′(φ)`.
pub trait Potential: Send + Sync {
    /// `U(φ)`, including the tilt term `−tilt·φ`.
    fn value(&self, phi_rad: f64) -> f64;
    /// `U′(φ)`; 2π-periodic.
    fn derivative(&self, phi_rad: f64) -> f64;
    /// `U″(φ)`; 2π-periodic. Positive at a stable fixed point.
    fn second_derivative(&self, phi_rad: f64) -> f64;
    /// The constant tilt `δω` with `U(φ + 2π) = U(φ) − 2π·δω` (0 for a periodic potential).
    fn tilt(&self) -> f64 {
        0.0
    }
    /// The drift `−U′(φ)` of `dφ/dt = −U′(φ)`.
    fn drift(&self, phi_rad: f64) -> f64 {
        -self.derivative(phi_rad)
    }
    /// This landscape as a tilted HKB potential when it is one by construction ([`Hkb`] and
    /// [`TiltedHkb`] say so; the default is `None`). [`crate::ensemble::run_phase_ensemble`]
    /// runs such landscapes on the SIMD kernel.
    fn as_tilted_hkb(&self) -> Option<TiltedHkb> {
        None
    }
    /// `max_φ |U″(φ)|`, the steepest slope of the drift (its Lipschitz constant), which bounds
    /// the step an explicit scheme can take ([`crate::sde::check_step`]). The default takes the
    /// largest of [`CURVATURE_SAMPLES`] equally spaced samples of one period (NaN if any sample
    /// is NaN); [`Hkb`] and [`TiltedHkb`] give it exactly.
    fn max_curvature(&self) -> f64 {
        sampled_max_curvature(self)
    }
}

/// The number of samples of one period with which [`Potential::max_curvature`] finds the
/// steepest slope of a landscape that does not give it exactly.
pub const CURVATURE_SAMPLES: usize = 4096;

/// `max |U″|` over [`CURVATURE_SAMPLES`] equally spaced phases of `[−π, π)`; NaN as soon as a
/// sample is NaN (`f64::max` would skip it).
fn sampled_max_curvature<P: Potential + ?Sized>(p: &P) -> f64 {
    let mut largest = 0.0_f64;
    for k in 0..CURVATURE_SAMPLES {
        let phi =
            -std::f64::consts::PI + std::f64::consts::TAU * k as f64 / CURVATURE_SAMPLES as f64;
        let curvature = p.second_derivative(phi).abs();
        if curvature.is_nan() {
            return f64::NAN;
        }
        largest = largest.max(curvature);
    }
    largest
}

/// Forwards [`Potential`] through a pointer type.
macro_rules! forward_potential {
    ($($pointer:ty),*) => {$(
        impl<P: Potential + ?Sized> Potential for $pointer {
            fn value(&self, phi_rad: f64) -> f64 {
                (**self).value(phi_rad)
            }
            fn derivative(&self, phi_rad: f64) -> f64 {
                (**self).derivative(phi_rad)
            }
            fn second_derivative(&self, phi_rad: f64) -> f64 {
                (**self).second_derivative(phi_rad)
            }
            fn tilt(&self) -> f64 {
                (**self).tilt()
            }
            fn as_tilted_hkb(&self) -> Option<TiltedHkb> {
                (**self).as_tilted_hkb()
            }
            fn max_curvature(&self) -> f64 {
                (**self).max_curvature()
            }
        }
    )*};
}

forward_potential!(&P, Box<P>);

/// The HKB potential `U(φ) = −a cos φ − b cos 2φ` (Haken, Kelso & Bunz 1985).
///
/// Fixed points: in-phase `φ = 0` with rate `U″(0) = a + 4b`, anti-phase `φ = π` with rate
/// `U″(π) = 4b − a` (stable iff `b/a > 1/4`), saddles at `cos φ* = −a/(4b)`.
///
/// ```
/// use dgnn_dynamics::{Hkb, Potential};
/// let hkb = Hkb::new(1.0, 0.5).unwrap();
/// assert!((hkb.second_derivative(std::f64::consts::PI) - 1.0).abs() < 1e-12); // 4b − a
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hkb {
    a: f64,
    b: f64,
}

impl Hkb {
    /// An HKB potential; `a` and `b` must be finite (any sign).
    pub fn new(a: f64, b: f64) -> Result<Self, ParamError> {
        Ok(Self { a: finite("a", a)?, b: finite("b", b)? })
    }
    /// The first-harmonic coefficient `a`.
    #[must_use]
    pub fn a(&self) -> f64 {
        self.a
    }
    /// The second-harmonic coefficient `b`.
    #[must_use]
    pub fn b(&self) -> f64 {
        self.b
    }
}

impl Potential for Hkb {
    fn value(&self, phi_rad: f64) -> f64 {
        -self.a * phi_rad.cos() - self.b * (2.0 * phi_rad).cos()
    }
    fn derivative(&self, phi_rad: f64) -> f64 {
        self.a * phi_rad.sin() + 2.0 * self.b * (2.0 * phi_rad).sin()
    }
    fn second_derivative(&self, phi_rad: f64) -> f64 {
        self.a * phi_rad.cos() + 4.0 * self.b * (2.0 * phi_rad).cos()
    }
    fn as_tilted_hkb(&self) -> Option<TiltedHkb> {
        Some(TiltedHkb { hkb: *self, detuning: 0.0 })
    }
    /// `max |a cos φ + 4b cos 2φ|`: the larger of the ends `|a + 4b|` (φ = 0) and `|4b − a|`
    /// (φ = π), and of `|a²/(32b) + 4b|` at the interior extremum `cos φ = −a/(16b)` when it
    /// lies in [−1, 1].
    fn max_curvature(&self) -> f64 {
        max_abs_cos_pair(self.a, 4.0 * self.b)
    }
}

/// `max_φ |p cos φ + q cos 2φ|`: the larger of the ends `|p + q|` (φ = 0) and `|q − p|` (φ = π),
/// and of `|p²/(8q) + q|` at the interior extremum `cos φ = −p/(4q)` when it lies in [−1, 1].
/// HKB's `U″` (`p = a`, `q = 4b`) and the slope of the pair coupling `H′` share it.
pub(crate) fn max_abs_cos_pair(p: f64, q: f64) -> f64 {
    let ends = (p + q).abs().max((q - p).abs());
    let inside = q != 0.0 && (p / (4.0 * q)).abs() <= 1.0;
    if inside { ends.max((p * p / (8.0 * q) + q).abs()) } else { ends }
}

/// The extended HKB potential with detuning, `U(φ) = −δω φ − a cos φ − b cos 2φ`.
///
/// Its drift is `δω − a sin φ − 2b sin 2φ`. With `b = 0` it is the Adler equation: locked iff
/// `|δω| ≤ a`, otherwise the phase slips with mean frequency `sqrt(δω² − a²)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TiltedHkb {
    hkb: Hkb,
    detuning: f64,
}

impl TiltedHkb {
    /// A tilted HKB potential; all three parameters must be finite.
    pub fn new(a: f64, b: f64, detuning: f64) -> Result<Self, ParamError> {
        Ok(Self { hkb: Hkb::new(a, b)?, detuning: finite("detuning", detuning)? })
    }
    /// The untilted part.
    #[must_use]
    pub fn hkb(&self) -> Hkb {
        self.hkb
    }
    /// The detuning `δω`.
    #[must_use]
    pub fn detuning(&self) -> f64 {
        self.detuning
    }
}

impl Potential for TiltedHkb {
    fn value(&self, phi_rad: f64) -> f64 {
        self.hkb.value(phi_rad) - self.detuning * phi_rad
    }
    fn derivative(&self, phi_rad: f64) -> f64 {
        self.hkb.derivative(phi_rad) - self.detuning
    }
    fn second_derivative(&self, phi_rad: f64) -> f64 {
        self.hkb.second_derivative(phi_rad)
    }
    fn tilt(&self) -> f64 {
        self.detuning
    }
    fn max_curvature(&self) -> f64 {
        self.hkb.max_curvature()
    }
    fn as_tilted_hkb(&self) -> Option<TiltedHkb> {
        Some(*self)
    }
}

/// A Fourier-series landscape `U(φ) = −δω φ + Σ_{k=1}^{K} (c_k cos kφ + s_k sin kφ)`.
///
/// HKB is `cos = [−a, −b]`, `sin = []`.
#[derive(Debug, Clone, PartialEq)]
pub struct FourierPotential {
    cos: Vec<f64>,
    sin: Vec<f64>,
    tilt: f64,
}

impl FourierPotential {
    /// A Fourier potential from its cosine coefficients `c_1, c_2, …`, sine coefficients
    /// `s_1, s_2, …` (either list may be shorter; missing ones are 0) and tilt.
    pub fn new(cos: Vec<f64>, sin: Vec<f64>, tilt: f64) -> Result<Self, ParamError> {
        for (k, c) in cos.iter().enumerate() {
            finite(&format!("cos[{k}]"), *c)?;
        }
        for (k, s) in sin.iter().enumerate() {
            finite(&format!("sin[{k}]"), *s)?;
        }
        Ok(Self { cos, sin, tilt: finite("tilt", tilt)? })
    }

    /// The HKB potential as a Fourier series.
    #[must_use]
    pub fn from_hkb(p: &TiltedHkb) -> Self {
        Self { cos: vec![-p.hkb.a, -p.hkb.b], sin: Vec::new(), tilt: p.detuning }
    }

    /// `Σ_k k^order (c_k·C_k + s_k·S_k)` where `(C_k, S_k)` are the `order`-th derivatives of
    /// `(cos kφ, sin kφ)` divided by `k^order`.
    fn series(&self, phi_rad: f64, order: u32) -> f64 {
        let harmonics = self.cos.len().max(self.sin.len());
        let mut total = 0.0;
        for k in 1..=harmonics {
            let kf = k as f64;
            let (s, c) = (kf * phi_rad).sin_cos();
            let ck = self.cos.get(k - 1).copied().unwrap_or(0.0);
            let sk = self.sin.get(k - 1).copied().unwrap_or(0.0);
            // d^n/dφ^n of (c cos kφ + s sin kφ) cycles through these four forms.
            let term = match order % 4 {
                0 => ck * c + sk * s,
                1 => -ck * s + sk * c,
                2 => -ck * c - sk * s,
                _ => ck * s - sk * c,
            };
            total += kf.powi(order as i32) * term;
        }
        total
    }
}

impl Potential for FourierPotential {
    fn value(&self, phi_rad: f64) -> f64 {
        self.series(phi_rad, 0) - self.tilt * phi_rad
    }
    fn derivative(&self, phi_rad: f64) -> f64 {
        self.series(phi_rad, 1) - self.tilt
    }
    fn second_derivative(&self, phi_rad: f64) -> f64 {
        self.series(phi_rad, 2)
    }
    fn tilt(&self) -> f64 {
        self.tilt
    }
}

type ScalarFn = Box<dyn Fn(f64) -> f64 + Send + Sync>;

/// A potential given by closures for `U`, `U′` and `U″` (and a tilt, default 0).
///
/// The closures must satisfy the [`Potential`] contract: `U′` and `U″` 2π-periodic and
/// `U(φ + 2π) = U(φ) − 2π·tilt`.
///
/// ```
/// use dgnn_dynamics::{Potential, UserPotential};
/// let p = UserPotential::new(|x| -x.cos(), |x| x.sin(), |x| x.cos());
/// assert!(p.derivative(0.0).abs() < 1e-15);
/// ```
pub struct UserPotential {
    value: ScalarFn,
    derivative: ScalarFn,
    second_derivative: ScalarFn,
    tilt: f64,
}

impl UserPotential {
    /// A periodic user potential from `U`, `U′` and `U″`.
    pub fn new(
        value: impl Fn(f64) -> f64 + Send + Sync + 'static,
        derivative: impl Fn(f64) -> f64 + Send + Sync + 'static,
        second_derivative: impl Fn(f64) -> f64 + Send + Sync + 'static,
    ) -> Self {
        Self {
            value: Box::new(value),
            derivative: Box::new(derivative),
            second_derivative: Box::new(second_derivative),
            tilt: 0.0,
        }
    }

    /// Declares the tilt of a user potential whose `U` includes a `−tilt·φ` term.
    pub fn with_tilt(mut self, tilt: f64) -> Result<Self, ParamError> {
        self.tilt = finite("tilt", tilt)?;
        Ok(self)
    }
}

impl fmt::Debug for UserPotential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserPotential").field("tilt", &self.tilt).finish_non_exhaustive()
    }
}

impl Potential for UserPotential {
    fn value(&self, phi_rad: f64) -> f64 {
        (self.value)(phi_rad)
    }
    fn derivative(&self, phi_rad: f64) -> f64 {
        (self.derivative)(phi_rad)
    }
    fn second_derivative(&self, phi_rad: f64) -> f64 {
        (self.second_derivative)(phi_rad)
    }
    fn tilt(&self) -> f64 {
        self.tilt
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `max |U″|` by brute force on a grid 16 times finer than the default's.
    fn dense_max(p: &dyn Potential) -> f64 {
        let n = 16 * CURVATURE_SAMPLES;
        (0..n)
            .map(|k| p.second_derivative(std::f64::consts::TAU * k as f64 / n as f64).abs())
            .fold(0.0, f64::max)
    }

    #[test]
    fn hkb_curvature_by_hand() {
        // U″ = a cos φ + 4b cos 2φ. (1, ½): 3 at φ = 0. (1, −1): 5 at φ = π (|−1 − 4|), the
        // interior extremum cos φ = 1/16 gives only 4.03. (0, 1): 4 at 0 and π.
        for (a, b, expected) in [(1.0, 0.5, 3.0), (1.0, -1.0, 5.0), (0.0, 1.0, 4.0)] {
            let got = Hkb::new(a, b).unwrap().max_curvature();
            assert!((got - expected).abs() < 1e-12, "a {a} b {b}: {got}");
        }
        // (1, −1/8): ends |a + 4b| = ½ and |4b − a| = 3/2; the interior extremum (cos φ = ½)
        // gives only ¾.
        let got = Hkb::new(1.0, -0.125).unwrap().max_curvature();
        assert!((got - 1.5).abs() < 1e-12, "{got}");
    }

    proptest! {
        // The exact HKB maximum agrees with a dense grid (which can only fall short of it, by
        // at most the curvature's change over half a grid step, ≤ (a + 16b)·(π/n)²/2 relative).
        #[test]
        fn hkb_curvature_is_the_grid_maximum(a in -50.0..50.0_f64, b in -50.0..50.0_f64) {
            let p = TiltedHkb::new(a, b, 0.3).unwrap();
            let exact = p.max_curvature();
            let grid = dense_max(&p);
            let step = std::f64::consts::PI / (16 * CURVATURE_SAMPLES) as f64;
            let slack = (a.abs() + 16.0 * b.abs()) * step * step + 1e-12;
            prop_assert!(grid <= exact + 1e-9 && exact - grid <= slack, "{exact} vs {grid}");
            // The sampled default is within the same slack (four times coarser squared).
            let sampled = sampled_max_curvature(&p);
            prop_assert!(sampled <= exact + 1e-9 && exact - sampled <= 256.0 * slack);
        }
    }

    #[test]
    fn a_nan_curvature_is_reported_as_nan() {
        let p = UserPotential::new(|_| 0.0, |_| 0.0, |x| if x > 1.0 { f64::NAN } else { 1.0 });
        assert!(p.max_curvature().is_nan());
    }
}
