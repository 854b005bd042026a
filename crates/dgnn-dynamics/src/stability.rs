//! Linear stability of phase-network states: the Jacobian of the drift, phase-locked states by
//! Newton's method, and the eigenvalues that decide whether a locked state is an attractor.
//!
//! The N-dimensional counterpart of the circle's `U″` test in [`crate::landscape`].
//!
//! # Equations
//!
//! The deterministic drift of a [`PhaseNetwork`] is `f_i(θ) = ω_i + Σ_j W_ij H(θ_j − θ_i)` with
//! `H(Δ) = a sin Δ + 2b sin 2Δ` (mean field: `W_ij = K/N`). Its Jacobian is
//!
//! `J_ij = W_ij H′(θ_j − θ_i)` for `j ≠ i`, `J_ii = −Σ_{j≠i} W_ij H′(θ_j − θ_i)`,
//! `H′(Δ) = a cos Δ + 4b cos 2Δ`.
//!
//! Every row sums to zero (`J 1 = 0`): the drift depends on phase differences only, so a common
//! rotation is a neutral direction at every configuration.
//!
//! A **phase-locked state** turns rigidly at a common frequency `Ω`: `f_i(θ*) = Ω` for all `i`.
//! In the co-rotating frame it is a fixed point, defined up to the global phase. Fixing `θ_1`
//! leaves the N − 1 equations `g_i = f_i − f_1 = 0` (`i = 2..N`) in the unknowns `θ_2..θ_N`;
//! their Jacobian is the reduced matrix `R_ij = J_ij − J_1j` (`i, j = 2..N`), which Newton's
//! method factorises by LU. In the basis `{1, e_2, …, e_N}` the matrix `J` is block triangular
//! with blocks `0` and `R`, so **the eigenvalues of `R` are those of `J` with the one rotation
//! zero removed** — exactly, with no tolerance. For symmetric `W` (mean field included) `J` is
//! symmetric (`H′` is even) and the complement `1⊥` is invariant; there the spectrum is taken
//! from the symmetric `(N − 1) × (N − 1)` block `QᵀJQ`, `Q` an orthonormal basis of `1⊥` (the
//! Householder reflection sending `e_1` to `1/√N`), with nalgebra's `SymmetricEigen`; otherwise
//! from `R` by the real Schur form (complex eigenvalues). Ω is the mean of `f_i(θ*)` (for
//! symmetric `W` it equals the mean natural frequency, since `Σ_ij W_ij H(θ_j − θ_i) = 0`).
//!
//! # Classification and its tolerance
//!
//! A locked state is stable when every remaining eigenvalue has real part `< −tol`, unstable
//! when one has real part `> tol`, marginal otherwise. Each row of `J` has an absolute sum of
//! at most `2s`, `s = (|a| + 4|b|) max_i Σ_j |W_ij|`, and its entries are sums of terms bounded
//! by `s`, so rounding makes the computed matrix exact for a perturbation `‖E‖₂ ≲ c N ε s`:
//! building the diagonal sums costs `N ε s`, the two reflections `≤ 4 N ε s`, the QL/QR
//! iteration `≤ 2 N ε s` (backward stability; Golub & Van Loan 2013, *Matrix Computations*,
//! ch. 7–8), so `c = 8`. Symmetric eigenvalues move by at most `‖E‖₂` (Weyl), hence
//! `tol = 8 N ε s`. A non-symmetric matrix can have a defective eigenvalue, which moves by up
//! to `sqrt(‖E‖ ‖J‖)` for a double one (ibid., ch. 7, perturbation theory), hence
//! `tol = sqrt(16 N ε) s`. Both assume the state is exact to rounding (a Newton result); for an
//! approximately locked state use [`Spectrum::stability_with`] with a tolerance of the order of
//! `‖∂J/∂θ‖·‖θ − θ*‖`.
//!
//! # Facts the tests check
//!
//! - all-to-all Kuramoto, identical units, in phase: `J = (K/N)(11ᵀ − N I)`, eigenvalues 0
//!   (once) and `−K` (N − 1 times) (Strogatz 2000, Physica D 143:1);
//! - two units with `W_12 = W_21 = k`: `φ = θ_1 − θ_2` obeys `φ̇ = δω − 2k H(φ)`, so the
//!   eigenvalue is `−2k(a + 4b)` in phase and `−2k(4b − a)` in anti-phase: the anti-phase state
//!   is stable only above `b/a = 1/4` (Haken, Kelso & Bunz 1985);
//! - the splay state `θ_j = 2πj/N` of identical all-to-all units has the circulant spectrum
//!   `λ_m = (K/N) Σ_{k≠0} H′(2πk/N)(e^{2πimk/N} − 1)`: `Ka/2` for `m ≡ ±1`, `2Kb` for `m ≡ ±2`
//!   (added when both coincide) and 0 for the other modes (Okuda 1993, Physica D 63:424). With
//!   sin coupling alone N − 3 directions are neutral (the Watanabe–Strogatz constants of motion,
//!   Physica D 74:197, 1994); the second harmonic sets the sign of the `m = ±2` modes;
//! - two units lock iff `|δω| ≤ 2k|a|` (Adler's equation, `b = 0`); otherwise Newton reports
//!   [`DynamicsError::NotLocked`].

use crate::error::{DynamicsError, Result};
use crate::network::{Coupling, PairCoupling, PhaseNetwork};
use crate::ode::{Rk4Workspace, VectorField, rk4_step};
use dgnn_core::error::{at_least, non_negative, positive};
use dgnn_core::{ParamError, Valid, Validate};
use nalgebra::{Complex, DMatrix, DVector, Schur, SymmetricEigen};
use serde::{Deserialize, Serialize};

/// The stability of a phase-locked state from its linearisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinearStability {
    /// Every non-rotation eigenvalue has a negative real part: an attractor.
    Stable,
    /// Some eigenvalue has a positive real part.
    Unstable,
    /// The largest real part is zero within the tolerance: first order does not decide.
    Marginal,
}

/// The eigenvalues of a network's linearisation with the neutral rotation mode removed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Spectrum {
    /// The N − 1 eigenvalues, sorted by decreasing real part (then imaginary part).
    pub eigenvalues: Vec<Complex<f64>>,
    /// Whether the coupling is symmetric, so that the eigenvalues are real and came from
    /// `SymmetricEigen`.
    pub symmetric: bool,
    /// The rounding tolerance of the classification (module docs).
    pub tolerance: f64,
}

impl Spectrum {
    /// The largest real part (the growth rate of the least stable mode); `None` for one unit.
    #[must_use]
    pub fn largest_real_part(&self) -> Option<f64> {
        self.eigenvalues.first().map(|z| z.re)
    }

    /// The classification with the rounding tolerance [`Spectrum::tolerance`].
    #[must_use]
    pub fn stability(&self) -> LinearStability {
        self.stability_with(self.tolerance)
    }

    /// The classification with a caller's tolerance (for states locked only approximately).
    #[must_use]
    pub fn stability_with(&self, tolerance: f64) -> LinearStability {
        match self.largest_real_part() {
            Some(re) if re > tolerance => LinearStability::Unstable,
            Some(re) if re < -tolerance => LinearStability::Stable,
            _ => LinearStability::Marginal,
        }
    }
}

/// The Jacobian `J_ij = ∂f_i/∂θ_j` of the network's deterministic drift at `phases_rad`.
///
/// ```
/// use dgnn_dynamics::network::{Coupling, PairCoupling, PhaseNetwork};
/// let net = PhaseNetwork::new(vec![0.0; 3], Coupling::MeanField { strength: 3.0 },
///     PairCoupling::KURAMOTO, 0.0).unwrap();
/// let j = dgnn_dynamics::stability::jacobian(&net, &[0.0; 3]).unwrap();
/// assert!((j[(0, 1)] - 1.0).abs() < 1e-15 && (j[(0, 0)] + 2.0).abs() < 1e-15);
/// ```
pub fn jacobian(network: &PhaseNetwork, phases_rad: &[f64]) -> Result<DMatrix<f64>> {
    check_phases(network, phases_rad)?;
    Ok(jacobian_unchecked(network, phases_rad))
}

fn jacobian_unchecked(network: &PhaseNetwork, theta: &[f64]) -> DMatrix<f64> {
    let n = theta.len();
    let PairCoupling { a, b } = network.pair();
    let (sin, cos): (Vec<f64>, Vec<f64>) = theta.iter().map(|t| t.sin_cos()).unzip();
    let mut j = DMatrix::zeros(n, n);
    for i in 0..n {
        let mut diagonal = 0.0;
        for k in (0..n).filter(|&k| k != i) {
            // cos Δ for Δ = θ_k − θ_i, and cos 2Δ = 2cos²Δ − 1.
            let cd = cos[k] * cos[i] + sin[k] * sin[i];
            let entry =
                weight(network.coupling(), n, i, k) * (a * cd + 4.0 * b * (2.0 * cd * cd - 1.0));
            j[(i, k)] = entry;
            diagonal -= entry;
        }
        j[(i, i)] = diagonal;
    }
    j
}

fn weight(coupling: &Coupling, n: usize, i: usize, k: usize) -> f64 {
    match coupling {
        Coupling::MeanField { strength } => strength / n as f64,
        Coupling::Matrix(w) => w[i * n + k],
    }
}

fn check_phases(network: &PhaseNetwork, phases: &[f64]) -> Result<(), ParamError> {
    crate::network::check_phases("phases", phases, network.len())
}

/// Whether `W` is symmetric bit for bit (always for the mean field), so `J` is symmetric.
fn symmetric_coupling(coupling: &Coupling, n: usize) -> bool {
    match coupling {
        Coupling::MeanField { .. } => true,
        Coupling::Matrix(w) => {
            (0..n).all(|i| (0..i).all(|k| w[i * n + k].to_bits() == w[k * n + i].to_bits()))
        }
    }
}

/// `s = (|a| + 4|b|) max_i Σ_j |W_ij|`, the scale of the Jacobian's entries.
fn jacobian_scale(network: &PhaseNetwork) -> f64 {
    let n = network.len();
    let PairCoupling { a, b } = network.pair();
    let row_sum = match network.coupling() {
        Coupling::MeanField { strength } => strength.abs(),
        Coupling::Matrix(w) => {
            w.chunks(n).map(|row| row.iter().map(|x| x.abs()).sum::<f64>()).fold(0.0, f64::max)
        }
    };
    (a.abs() + 4.0 * b.abs()) * row_sum
}

/// The reduced matrix `R_ij = J_ij − J_1j`, `i, j = 2..N` (0-based 1..N).
fn reduced(j: &DMatrix<f64>) -> DMatrix<f64> {
    let m = j.nrows() - 1;
    DMatrix::from_fn(m, m, |r, c| j[(r + 1, c + 1)] - j[(0, c + 1)])
}

/// The eigenvalues of the linearisation at `phases_rad` without the rotation mode, with the
/// classification tolerance of the module docs. Meaningful at a phase-locked state (see
/// [`find_locked_state`]); costs O(N³).
pub fn spectrum(network: &PhaseNetwork, phases_rad: &[f64]) -> Result<Spectrum> {
    check_phases(network, phases_rad)?;
    spectrum_of(network, &jacobian_unchecked(network, phases_rad))
}

fn spectrum_of(network: &PhaseNetwork, j: &DMatrix<f64>) -> Result<Spectrum> {
    let n = j.nrows();
    let eps = f64::EPSILON;
    let scale = jacobian_scale(network);
    let symmetric = symmetric_coupling(network.coupling(), n);
    let failed = || DynamicsError::Undefined {
        quantity: "the eigenvalues of the Jacobian",
        reason: "the eigenvalue iteration did not converge; check the coupling for huge values"
            .into(),
    };
    let max_iterations = 1000 * n.max(1);
    let mut eigenvalues: Vec<Complex<f64>> = if n < 2 {
        Vec::new()
    } else if symmetric {
        // Householder reflection P = I − v vᵀ with P e_1 = 1/√N: its columns 2..N span 1⊥.
        let root = (n as f64).sqrt();
        let mut v = DVector::from_element(n, -1.0 / root);
        v[0] += 1.0;
        v /= v.norm() / std::f64::consts::SQRT_2;
        let p = DMatrix::identity(n, n) - &v * v.transpose();
        let full = &p * j * &p;
        let block = full.view((1, 1), (n - 1, n - 1));
        let sym = DMatrix::from_fn(n - 1, n - 1, |r, c| 0.5 * (block[(r, c)] + block[(c, r)]));
        SymmetricEigen::try_new(sym, eps, max_iterations)
            .ok_or_else(failed)?
            .eigenvalues
            .iter()
            .map(|&re| Complex::new(re, 0.0))
            .collect()
    } else {
        Schur::try_new(reduced(j), eps, max_iterations)
            .ok_or_else(failed)?
            .complex_eigenvalues()
            .iter()
            .copied()
            .collect()
    };
    eigenvalues.sort_by(|x, y| y.re.total_cmp(&x.re).then(y.im.total_cmp(&x.im)));
    let tolerance = if symmetric {
        8.0 * n as f64 * eps * scale
    } else {
        (16.0 * n as f64 * eps).sqrt() * scale
    };
    Ok(Spectrum { eigenvalues, symmetric, tolerance })
}

/// Unchecked settings of the locked-state search; [`ParamGuard::check`](dgnn_core::ParamGuard::check)
/// makes them the `Valid<LockParams>` that [`find_locked_state`] takes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LockParams {
    /// Newton stops when `max_i |f_i(θ) − Ω| ≤ tolerance` (> 0; it must exceed the rounding
    /// floor ≈ N ε (max|ω| + s), 1e-12 suits networks of up to thousands of units of scale 1).
    pub tolerance: f64,
    /// Newton iterations before giving up (≥ 1).
    pub max_iterations: usize,
    /// Integrate the deterministic drift from the guess for this time first (≥ 0; 0 starts
    /// Newton at the guess), so Newton starts near an attractor.
    pub settle_time: f64,
    /// The RK4 step of that integration (> 0).
    pub dt: f64,
}

impl Default for LockParams {
    fn default() -> Self {
        Self { tolerance: 1e-12, max_iterations: 50, settle_time: 0.0, dt: 0.05 }
    }
}

impl Validate for LockParams {
    fn validate(&self) -> Result<(), ParamError> {
        positive("tolerance", self.tolerance)?;
        at_least("max_iterations", self.max_iterations, 1)?;
        non_negative("settle_time", self.settle_time)?;
        positive("dt", self.dt)?;
        Ok(())
    }
}

/// A phase-locked state and its linear stability.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LockedState {
    /// The phases `θ*` (the first is the start's first phase: the global phase is fixed there).
    pub phases_rad: Vec<f64>,
    /// The common frequency Ω, the mean of `f_i(θ*)`.
    pub frequency: f64,
    /// `max_i |f_i(θ*) − Ω|`.
    pub residual: f64,
    /// Newton iterations used.
    pub iterations: usize,
    /// The eigenvalues without the rotation mode.
    pub spectrum: Spectrum,
}

/// The drift `f(θ)`, the common frequency `Ω = mean f` and the residual `max |f_i − Ω|`.
fn drift(network: &PhaseNetwork, theta: &[f64], f: &mut [f64]) -> (f64, f64) {
    network.eval(0.0, theta, f);
    let omega = f.iter().sum::<f64>() / f.len() as f64;
    (omega, f.iter().map(|x| (x - omega).abs()).fold(0.0, f64::max))
}

/// Finds a phase-locked state near `guess` (optionally after integrating the drift for
/// `params.settle_time`) by damped Newton on the reduced equations of the module docs, and its
/// spectrum. Newton converges to a root near its start, which need not be an attractor (a
/// saddle is locked too): read the spectrum, and settle longer to start near an attractor.
///
/// Errors: [`DynamicsError::Param`] for a bad guess, [`DynamicsError::NotLocked`]
/// when Newton does not converge (below the locking threshold there is no locked state; a
/// failure near a locked state means the guess was too far: raise `settle_time`).
pub fn find_locked_state(
    network: &PhaseNetwork,
    guess_rad: &[f64],
    params: &Valid<LockParams>,
) -> Result<LockedState> {
    check_phases(network, guess_rad).map_err(|e| e.within("guess"))?;
    let n = network.len();
    let mut theta = guess_rad.to_vec();
    if params.settle_time > 0.0 {
        let steps = (params.settle_time / params.dt).ceil() as usize;
        let mut work = Rk4Workspace::new(n);
        for step in 0..steps {
            rk4_step(network, step as f64 * params.dt, &mut theta, params.dt, &mut work);
        }
        if let Some(&bad) = theta.iter().find(|v| !v.is_finite()) {
            return Err(DynamicsError::NonFinite {
                step: steps,
                time: params.settle_time,
                value: bad,
            });
        }
    }
    let mut f = vec![0.0; n];
    let mut trial = theta.clone();
    let (mut omega, mut residual) = drift(network, &theta, &mut f);
    let not_locked = |iterations, residual, reason: &str| DynamicsError::NotLocked {
        iterations,
        residual,
        reason: reason.to_string(),
    };
    let mut iterations = 0;
    while residual > params.tolerance {
        if iterations == params.max_iterations {
            return Err(not_locked(iterations, residual, "Newton did not converge"));
        }
        iterations += 1;
        let r = reduced(&jacobian_unchecked(network, &theta));
        let g = DVector::from_fn(n - 1, |i, _| f[i + 1] - f[0]);
        let step = r.lu().solve(&g).ok_or_else(|| {
            not_locked(iterations, residual, "the reduced Jacobian is singular (a saddle-node)")
        })?;
        // Backtracking on max|g|: halve the step until the residual drops (Armijo-like).
        let norm = g.amax();
        let mut scale = 1.0;
        loop {
            for (k, t) in trial.iter_mut().enumerate().skip(1) {
                *t = theta[k] - scale * step[k - 1];
            }
            trial[0] = theta[0];
            let (w, res) = drift(network, &trial, &mut f);
            let g_max = (1..n).map(|i| (f[i] - f[0]).abs()).fold(0.0, f64::max);
            if g_max <= (1.0 - 1e-4 * scale) * norm || res <= params.tolerance {
                (omega, residual) = (w, res);
                std::mem::swap(&mut theta, &mut trial);
                break;
            }
            scale *= 0.5;
            if scale < 1e-10 {
                return Err(not_locked(
                    iterations,
                    residual,
                    "the residual has a local minimum that is not zero (no locked state here)",
                ));
            }
        }
    }
    let spectrum = spectrum_of(network, &jacobian_unchecked(network, &theta))?;
    Ok(LockedState { phases_rad: theta, frequency: omega, residual, iterations, spectrum })
}
