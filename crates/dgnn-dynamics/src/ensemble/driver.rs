//! The ensemble driver: checked sizes ([`EnsembleParams`] → [`EnsembleSpec`]), initial states,
//! and [`run_ensemble`], which integrates fixed blocks of trajectories in parallel and merges
//! their observers' summaries in block order.

use super::observer::{Flow, Observer};
use crate::error::{DynamicsError, Result};
use crate::sde::{Integrator, NoiseIncrement, Sde, SdeWorkspace, check_scheme, check_scheme_step};
use dgnn_core::error::{at_least, finite, positive};
use dgnn_core::{ParamError, ParamGuard, Progress, Seed, Valid, Validate};
use rand::RngExt;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Trajectories per parallel work item; fixed so that results do not depend on thread count.
pub const BLOCK: usize = 64;

/// The stream name of ensemble blocks.
pub const TRAJECTORY_STREAM: &str = "dynamics/trajectory";

/// Unchecked ensemble sizes; [`ParamGuard::check`] makes them an [`EnsembleSpec`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EnsembleParams {
    /// Number of trajectories (≥ 1).
    pub trajectories: usize,
    /// Number of steps per trajectory (≥ 1).
    pub steps: usize,
    /// Step size (> 0).
    pub dt: f64,
}

/// Checked ensemble sizes (built only by checking an [`EnsembleParams`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct EnsembleSpec {
    trajectories: usize,
    steps: usize,
    dt: f64,
}

impl ParamGuard for EnsembleParams {
    type Checked = EnsembleSpec;

    /// Checks the sizes: at least one trajectory and one step, `dt` finite and positive.
    fn check(self) -> Result<EnsembleSpec, ParamError> {
        Ok(EnsembleSpec {
            trajectories: at_least("trajectories", self.trajectories, 1)?,
            steps: at_least("steps", self.steps, 1)?,
            dt: positive("dt", self.dt)?,
        })
    }
}

impl EnsembleSpec {
    /// Number of trajectories.
    #[must_use]
    pub fn trajectories(&self) -> usize {
        self.trajectories
    }
    /// Steps per trajectory.
    #[must_use]
    pub fn steps(&self) -> usize {
        self.steps
    }
    /// Step size.
    #[must_use]
    pub fn dt(&self) -> f64 {
        self.dt
    }
}

/// How initial states are drawn. Checking ([`ParamGuard::check`]) confirms finite values and
/// `low ≤ high`; [`run_ensemble`] compares the dimension with the system's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum InitialState {
    /// Every trajectory starts at this state.
    Fixed(Vec<f64>),
    /// Each component uniform in `[low_i, high_i)`, from the block's stream.
    Uniform {
        /// Lower bounds.
        low: Vec<f64>,
        /// Upper bounds.
        high: Vec<f64>,
    },
}

impl Validate for InitialState {
    fn validate(&self) -> Result<(), ParamError> {
        let fields = match self {
            Self::Fixed(x) => vec![("initial", x)],
            Self::Uniform { low, high } => {
                if high.len() != low.len() {
                    return Err(ParamError::new(
                        "initial.high",
                        format!("{} values", high.len()),
                        format!("must hold one value per value of initial.low ({})", low.len()),
                    ));
                }
                vec![("initial.low", low), ("initial.high", high)]
            }
        };
        for (field, values) in fields {
            for (i, v) in values.iter().enumerate() {
                finite(&format!("{field}[{i}]"), *v)?;
            }
        }
        if let Self::Uniform { low, high } = self
            && let Some(i) = (0..low.len()).find(|&i| low[i] > high[i])
        {
            return Err(ParamError::new(
                format!("initial.low[{i}]"),
                low[i],
                format!("must not exceed initial.high[{i}] = {}", high[i]),
            ));
        }
        Ok(())
    }
}

impl InitialState {
    /// The number of components of the initial states.
    #[must_use]
    pub fn dim(&self) -> usize {
        match self {
            Self::Fixed(x) => x.len(),
            Self::Uniform { low, .. } => low.len(),
        }
    }

    /// Checks that the states have `dim` components, naming the field.
    fn check_dimension(&self, dim: usize) -> Result<(), ParamError> {
        if self.dim() == dim {
            return Ok(());
        }
        let field = match self {
            Self::Fixed(_) => "initial",
            Self::Uniform { .. } => "initial.low",
        };
        Err(ParamError::new(
            field,
            format!("{} values", self.dim()),
            format!("must hold one value per component ({dim})"),
        ))
    }

    fn draw<R: rand::Rng + ?Sized>(&self, rng: &mut R, out: &mut [f64]) {
        match self {
            Self::Fixed(x) => out.copy_from_slice(x),
            Self::Uniform { low, high } => {
                for i in 0..out.len() {
                    let u: f64 = rng.random();
                    out[i] = low[i] + (high[i] - low[i]) * u;
                }
            }
        }
    }
}

/// Runs `spec.trajectories()` trajectories of `sde` with `scheme` and folds them with
/// `observer`; see the [module docs](super) for the seeding. Reports one progress unit per
/// trajectory.
///
/// Errors: [`DynamicsError::Param`] when the initial states or an observed component do not fit
/// the system's dimension (the field is named, e.g. `observer.component`) or `dt` is beyond the
/// scheme's stability limit for the system ([`crate::sde::check_scheme_step`]),
/// [`DynamicsError::SchemeNeedsAdditiveNoise`], and [`DynamicsError::NonFinite`] on a blow-up.
pub fn run_ensemble<S, I, O>(
    sde: &S,
    scheme: &I,
    spec: &EnsembleSpec,
    initial: &Valid<InitialState>,
    observer: &O,
    seed: Seed,
    progress: &dyn Progress,
) -> Result<O::Summary>
where
    S: Sde + ?Sized,
    I: Integrator + ?Sized,
    O: Observer,
{
    check_scheme(sde, scheme)?;
    check_scheme_step(sde, scheme, spec.dt)?;
    initial.check_dimension(sde.dim())?;
    observer.check_dimension(sde.dim()).map_err(|e| e.within("observer"))?;
    let blocks = spec.trajectories.div_ceil(BLOCK);
    progress.start(spec.trajectories as u64, "trajectories");
    let results: Vec<Result<O::Summary>> = (0..blocks)
        .into_par_iter()
        .map(|block| {
            let first = block * BLOCK;
            let last = (first + BLOCK).min(spec.trajectories);
            let summary = run_block(sde, scheme, spec, initial, observer, seed, block, first..last);
            progress.advance((last - first) as u64);
            summary
        })
        .collect();
    progress.finish();
    let mut total = observer.empty();
    for block in results {
        observer.merge(&mut total, block?);
    }
    Ok(total)
}

#[allow(clippy::too_many_arguments)] // one block of `run_ensemble`: its arguments plus the block
fn run_block<S, I, O>(
    sde: &S,
    scheme: &I,
    spec: &EnsembleSpec,
    initial: &InitialState,
    observer: &O,
    seed: Seed,
    block: usize,
    trajectories: std::ops::Range<usize>,
) -> Result<O::Summary>
where
    S: Sde + ?Sized,
    I: Integrator + ?Sized,
    O: Observer,
{
    let dim = sde.dim();
    let mut rng = seed.stream(TRAJECTORY_STREAM, &[block as u64]);
    let mut work = SdeWorkspace::new(dim);
    let mut noise = vec![NoiseIncrement::default(); dim];
    let mut x = vec![0.0; dim];
    let mut before = vec![0.0; dim];
    let mut summary = observer.empty();
    let with_dz = scheme.needs_dz();
    for trajectory in trajectories {
        initial.draw(&mut rng, &mut x);
        let mut track = observer.start(trajectory, &x);
        let mut t = 0.0;
        for step in 1..=spec.steps {
            before.copy_from_slice(&x);
            for n in noise.iter_mut() {
                *n = NoiseIncrement::sample(&mut rng, spec.dt, with_dz);
            }
            scheme.step(sde, t, &mut x, spec.dt, &noise, &mut work);
            if let Some(&bad) = x.iter().find(|v| !v.is_finite()) {
                return Err(DynamicsError::NonFinite { step, time: t + spec.dt, value: bad });
            }
            let flow = observer.observe(&mut track, step, t, &before, &x, spec.dt);
            t = step as f64 * spec.dt;
            if flow == Flow::Stop {
                break;
            }
        }
        observer.finish(track, t, &x, &mut summary);
    }
    Ok(summary)
}
