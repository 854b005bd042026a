//! The error type of dgnn-dynamics.
//!
//! Bad parameters become [`ParamError`] (field, value, fix) through the checking helpers of
//! `dgnn_core::error`; the other variants describe computations that cannot give an answer for
//! valid parameters (a density that does not exist, a simulation that left the finite numbers).

use dgnn_core::ParamError;

/// Everything that can go wrong in dgnn-dynamics.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DynamicsError {
    /// A parameter failed its check; the message names the field and the fix.
    #[error(transparent)]
    Param(#[from] ParamError),
    /// An integrator was paired with a noise type it does not converge for.
    #[error(
        "integrator `{scheme}` needs additive noise but the system has multiplicative noise: \
         use euler-maruyama, milstein or heun"
    )]
    SchemeNeedsAdditiveNoise {
        /// The integrator's name.
        scheme: &'static str,
    },
    /// A state left the finite numbers during integration (step too large, or a blow-up).
    #[error("the state became {value} at step {step} (t = {time}): reduce `dt`")]
    NonFinite {
        /// The step at which it happened.
        step: usize,
        /// The time at which it happened.
        time: f64,
        /// The offending value.
        value: f64,
    },
    /// A trajectory of a kernel that does not check every step (the SIMD ensemble) ended
    /// outside the finite numbers: the first such trajectory and the recorded step by which
    /// it had left them.
    #[error("trajectory {trajectory} became {value} by step {by_step} (t = {time}): reduce `dt`")]
    NonFiniteTrajectory {
        /// The index of the first trajectory that left the finite numbers.
        trajectory: usize,
        /// The first recorded step at which it was no longer finite.
        by_step: usize,
        /// The time of that step.
        time: f64,
        /// The offending value.
        value: f64,
    },
    /// A quantity of the landscape is undefined for these parameters.
    #[error("{quantity} is undefined here: {reason}")]
    Undefined {
        /// What was asked for ("mean first-passage time", "Kramers rate" …).
        quantity: &'static str,
        /// Why it has no value, phrased so the user can change the request.
        reason: String,
    },
    /// Newton's method found no phase-locked state from the given start.
    #[error(
        "no phase-locked state found after {iterations} Newton iterations (residual {residual:e}): \
         {reason}; below the locking threshold none exists, otherwise start closer (settle_time)"
    )]
    NotLocked {
        /// Newton iterations done.
        iterations: usize,
        /// `max_i |f_i(θ) − Ω|` at the last iterate.
        residual: f64,
        /// Why Newton stopped.
        reason: String,
    },
}

/// Shorthand for results of this crate.
pub type Result<T, E = DynamicsError> = std::result::Result<T, E>;
