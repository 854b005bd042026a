//! [`run_phase_ensemble`]: an ensemble of the phase SDE `dφ = −U′(φ) dt + sqrt(Q) dW`
//! summarised by the histogram of the final phase and its mean displacement (the mean
//! frequency), on whichever of the two integrators fits.
//!
//! The **SIMD path** ([`crate::simd::hkb_ensemble_snapshots`]) runs when the landscape is
//! (tilted) HKB ([`Potential::as_tilted_hkb`]), the scheme is Euler–Maruyama and the start is
//! uniform; the **general path** ([`run_ensemble`] with a [`FinalHistogram`] and a
//! [`Displacement`]) runs otherwise. Both split the trajectories into blocks of 64 and give
//! block `k` the stream `seed.stream("dynamics/trajectory", &[k])`, but the SIMD path seeds 64
//! xoshiro256++ lanes from it and draws Box–Muller normals from those, while the general path
//! draws its uniforms and normals from the ChaCha stream directly. The two paths (and the two
//! [`Precision`]s of the SIMD path) are therefore statistically equal but not bit-equal: a
//! result is reproducible bit for bit for a seed, a path and a precision, on any thread count.

use super::driver::{EnsembleParams, InitialState, run_ensemble};
use super::histogram::Histogram;
use super::observers::{Displacement, FinalHistogram};
use crate::error::{DynamicsError, Result};
use crate::potential::Potential;
use crate::sde::{PhaseSde, Scheme, check_scheme, check_scheme_step};
use crate::simd::{HkbEnsembleParams, Precision, hkb_ensemble_snapshots};
use dgnn_core::error::{at_least, finite, positive};
use dgnn_core::{ParamError, ParamGuard, Progress, RunningMoments, Seed, Valid, Validate};
use serde::{Deserialize, Serialize};
use std::f64::consts::PI;

/// Where the trajectories of a phase ensemble start (RON: `Uniform`, `Fixed(φ0)`).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub enum PhaseStart {
    /// Uniform on `[−π, π)`.
    #[default]
    Uniform,
    /// Every trajectory at this phase.
    Fixed(f64),
}

/// Unchecked settings of [`run_phase_ensemble`]; [`ParamGuard::check`] makes them the
/// `Valid<PhaseEnsembleParams>` it takes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PhaseEnsembleParams {
    /// Number of trajectories (≥ 1).
    pub trajectories: usize,
    /// Steps per trajectory (≥ 1).
    pub steps: usize,
    /// Step size (> 0).
    pub dt: f64,
    /// The SDE scheme (the SIMD path needs Euler–Maruyama).
    pub scheme: Scheme,
    /// Where the trajectories start (the SIMD path needs `Uniform`).
    pub initial: PhaseStart,
    /// Histogram bins on `[−π, π)` (≥ 1).
    pub bins: usize,
    /// The displacement is `φ(T) − φ(t)` with `t` the time after this many steps
    /// (`0..=steps`; 0 measures from the start, `steps / 2` skips a transient).
    pub displacement_from_step: usize,
    /// The floating-point precision of the SIMD path (the general path is always f64).
    pub precision: Precision,
}

impl Validate for PhaseEnsembleParams {
    fn validate(&self) -> Result<(), ParamError> {
        at_least("trajectories", self.trajectories, 1)?;
        at_least("steps", self.steps, 1)?;
        positive("dt", self.dt)?;
        at_least("bins", self.bins, 1)?;
        if let PhaseStart::Fixed(x) = self.initial {
            finite("initial", x)?;
        }
        if self.displacement_from_step > self.steps {
            return Err(ParamError::new(
                "displacement_from_step",
                self.displacement_from_step,
                format!("must not exceed steps = {}", self.steps),
            ));
        }
        Ok(())
    }
}

/// Which integrator ran a phase ensemble.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum EnsembleKernel {
    /// The SIMD HKB kernel of [`crate::simd`].
    Simd,
    /// [`run_ensemble`] with the chosen [`Scheme`].
    General,
}

impl EnsembleKernel {
    /// A short description for reports: `"SIMD fast path"` or `"general path"`.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Self::Simd => "SIMD fast path",
            Self::General => "general path",
        }
    }
}

/// The summary of a phase ensemble.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PhaseEnsemble {
    /// The final phases wrapped to `[−π, π)`, in `bins` bins.
    pub histogram: Histogram,
    /// Running moments of `φ(T) − φ(t_from)` (unwrapped); divided by `T − t_from` the mean is
    /// the mean frequency.
    pub displacement: RunningMoments,
    /// Which integrator ran.
    pub kernel: EnsembleKernel,
}

/// Runs an ensemble of `sde` and summarises it by the histogram of the final phase and the
/// displacement; the SIMD kernel runs when it applies (see the module docs for the choice and
/// the seed streams of each path). Progress counts trajectories.
///
/// ```
/// use dgnn_dynamics::ensemble::{EnsembleKernel, PhaseEnsembleParams, PhaseStart, run_phase_ensemble};
/// use dgnn_dynamics::sde::{PhaseSde, Scheme};
/// use dgnn_dynamics::simd::Precision;
/// use dgnn_dynamics::{Hkb, NoProgress, ParamGuard, Seed};
///
/// let sde = PhaseSde::new(Hkb::new(1.0, 0.5)?, 0.5)?;
/// let params = PhaseEnsembleParams {
///     trajectories: 256, steps: 200, dt: 0.01, scheme: Scheme::EulerMaruyama,
///     initial: PhaseStart::Uniform, bins: 16, displacement_from_step: 100,
///     precision: Precision::F64,
/// }
/// .check()?;
/// let run = run_phase_ensemble(&sde, &params, Seed(1), &NoProgress)?;
/// assert_eq!(run.kernel, EnsembleKernel::Simd); // HKB, Euler–Maruyama, uniform start
/// assert_eq!(run.histogram.total(), 256);
/// # Ok::<(), dgnn_dynamics::DynamicsError>(())
/// ```
pub fn run_phase_ensemble<P: Potential>(
    sde: &PhaseSde<P>,
    params: &Valid<PhaseEnsembleParams>,
    seed: Seed,
    progress: &dyn Progress,
) -> Result<PhaseEnsemble> {
    check_scheme(sde, &params.scheme)?;
    check_scheme_step(sde, &params.scheme, params.dt)?;
    match simd_kernel_params(sde, params) {
        Some(hkb) => run_simd(&hkb.check()?, params, seed, progress),
        None => run_general(sde, params, seed, progress),
    }
}

/// The parameters of the SIMD HKB kernel when it can run this ensemble.
fn simd_kernel_params<P: Potential>(
    sde: &PhaseSde<P>,
    params: &PhaseEnsembleParams,
) -> Option<HkbEnsembleParams> {
    let hkb = sde.potential().as_tilted_hkb()?;
    let fits = params.scheme == Scheme::EulerMaruyama && params.initial == PhaseStart::Uniform;
    fits.then(|| HkbEnsembleParams {
        a: hkb.hkb().a(),
        b: hkb.hkb().b(),
        detuning: hkb.detuning(),
        q: sde.q(),
        dt: params.dt,
        trajectories: params.trajectories,
        steps: params.steps,
    })
}

fn run_simd(
    hkb: &Valid<HkbEnsembleParams>,
    params: &PhaseEnsembleParams,
    seed: Seed,
    progress: &dyn Progress,
) -> Result<PhaseEnsemble> {
    let snapshots = [params.displacement_from_step, params.steps];
    let phases = hkb_ensemble_snapshots(hkb, params.precision, seed, &snapshots, progress)?;
    let (from, end) = (&phases[0], &phases[1]);
    // The kernel checks no step: a trajectory that left the finite numbers is found here, at
    // the first snapshot where it is no longer finite.
    for (snapshot, step) in [(from, params.displacement_from_step), (end, params.steps)] {
        if let Some((trajectory, &value)) =
            snapshot.iter().enumerate().find(|(_, p)| !p.is_finite())
        {
            return Err(DynamicsError::NonFiniteTrajectory {
                trajectory,
                by_step: step,
                time: step as f64 * params.dt,
                value,
            });
        }
    }
    let mut histogram = Histogram::new(-PI, PI, params.bins);
    let mut displacement = RunningMoments::default();
    for (&p, &p_from) in end.iter().zip(from) {
        histogram.add_wrapped(p);
        displacement.push(p - p_from);
    }
    Ok(PhaseEnsemble { histogram, displacement, kernel: EnsembleKernel::Simd })
}

fn run_general<P: Potential>(
    sde: &PhaseSde<P>,
    params: &PhaseEnsembleParams,
    seed: Seed,
    progress: &dyn Progress,
) -> Result<PhaseEnsemble> {
    let spec =
        EnsembleParams { trajectories: params.trajectories, steps: params.steps, dt: params.dt }
            .check()?;
    let initial = match params.initial {
        PhaseStart::Uniform => InitialState::Uniform { low: vec![-PI], high: vec![PI] },
        PhaseStart::Fixed(x) => InitialState::Fixed(vec![x]),
    }
    .check()?;
    let observer = (
        FinalHistogram::phase(0, params.bins)?,
        Displacement { component: 0, from_step: params.displacement_from_step },
    );
    let (histogram, displacement) =
        run_ensemble(sde, &params.scheme, &spec, &initial, &observer, seed, progress)?;
    Ok(PhaseEnsemble { histogram, displacement, kernel: EnsembleKernel::General })
}
