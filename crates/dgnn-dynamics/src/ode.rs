//! Deterministic integration: the [`VectorField`] trait and the classical fourth-order
//! Runge–Kutta step (Kutta 1901; Hairer, Nørsett & Wanner, *Solving ODEs I*, §II.1), global
//! error O(dt⁴).

use dgnn_core::ParamError;
use dgnn_core::error::at_least;

/// A deterministic vector field `dx/dt = f(t, x)` of fixed dimension.
pub trait VectorField: Sync {
    /// The dimension of `x`.
    fn dim(&self) -> usize;
    /// Writes `f(t, x)` into `dxdt` (both of length [`Self::dim`]).
    fn eval(&self, t: f64, x: &[f64], dxdt: &mut [f64]);
}

impl<F: VectorField + ?Sized> VectorField for &F {
    fn dim(&self) -> usize {
        (**self).dim()
    }
    fn eval(&self, t: f64, x: &[f64], dxdt: &mut [f64]) {
        (**self).eval(t, x, dxdt);
    }
}

/// A vector field from a closure `f(t, x, dxdt)`.
#[derive(Debug, Clone, Copy)]
pub struct FnField<F> {
    dim: usize,
    f: F,
}

impl<F: Fn(f64, &[f64], &mut [f64]) + Sync> FnField<F> {
    /// Wraps `f` as a field of dimension `dim`.
    pub fn new(dim: usize, f: F) -> Self {
        Self { dim, f }
    }
}

impl<F: Fn(f64, &[f64], &mut [f64]) + Sync> VectorField for FnField<F> {
    fn dim(&self) -> usize {
        self.dim
    }
    fn eval(&self, t: f64, x: &[f64], dxdt: &mut [f64]) {
        (self.f)(t, x, dxdt);
    }
}

/// Scratch space for [`rk4_step`], reusable across steps.
#[derive(Debug, Clone, Default)]
pub struct Rk4Workspace {
    k1: Vec<f64>,
    k2: Vec<f64>,
    k3: Vec<f64>,
    k4: Vec<f64>,
    stage: Vec<f64>,
}

impl Rk4Workspace {
    /// Scratch space for fields of dimension `dim`.
    #[must_use]
    pub fn new(dim: usize) -> Self {
        Self {
            k1: vec![0.0; dim],
            k2: vec![0.0; dim],
            k3: vec![0.0; dim],
            k4: vec![0.0; dim],
            stage: vec![0.0; dim],
        }
    }
}

/// The stability limit of classical RK4 on the negative real axis: the root of
/// `|1 − z + z²/2 − z³/6 + z⁴/24| = 1` near 2.785 (Hairer & Wanner, *Solving ODEs II*, §IV.2).
pub const RK4_STABILITY_LIMIT: f64 = 2.785_293_563_405_282;

/// One classical RK4 step of size `dt` from `(t, x)`, in place.
pub fn rk4_step<F: VectorField + ?Sized>(
    field: &F,
    t: f64,
    x: &mut [f64],
    dt: f64,
    work: &mut Rk4Workspace,
) {
    let n = x.len();
    if work.k1.len() != n {
        *work = Rk4Workspace::new(n);
    }
    let Rk4Workspace { k1, k2, k3, k4, stage } = work;
    field.eval(t, x, k1);
    for i in 0..n {
        stage[i] = x[i] + 0.5 * dt * k1[i];
    }
    field.eval(t + 0.5 * dt, stage, k2);
    for i in 0..n {
        stage[i] = x[i] + 0.5 * dt * k2[i];
    }
    field.eval(t + 0.5 * dt, stage, k3);
    for i in 0..n {
        stage[i] = x[i] + dt * k3[i];
    }
    field.eval(t + dt, stage, k4);
    for i in 0..n {
        x[i] += dt / 6.0 * (k1[i] + 2.0 * (k2[i] + k3[i]) + k4[i]);
    }
}

/// One RK4 step of the scalar equation `dx/dt = f(t, x)`.
///
/// ```
/// // dx/dt = −x from x = 1 over t ∈ [0, 1] in 10 steps: e^{−1} to O(dt⁴) ≈ 1e-6.
/// let mut x = 1.0;
/// for k in 0..10 { x = dgnn_dynamics::ode::rk4_scalar(|_, x| -x, k as f64 * 0.1, x, 0.1); }
/// assert!((x - (-1.0f64).exp()).abs() < 1e-6);
/// ```
pub fn rk4_scalar(f: impl Fn(f64, f64) -> f64, t: f64, x: f64, dt: f64) -> f64 {
    let k1 = f(t, x);
    let k2 = f(t + 0.5 * dt, x + 0.5 * dt * k1);
    let k3 = f(t + 0.5 * dt, x + 0.5 * dt * k2);
    let k4 = f(t + dt, x + dt * k3);
    x + dt / 6.0 * (k1 + 2.0 * (k2 + k3) + k4)
}

/// Integrates `field` from `x0` at `t0` over `steps` RK4 steps of `dt`, returning the states at
/// every `record_every`-th step (the initial state first).
///
/// Errors: a [`ParamError`] naming `x0` when it does not hold one value per component of the
/// field, or `record_every` when it is 0.
pub fn integrate_rk4<F: VectorField + ?Sized>(
    field: &F,
    t0: f64,
    x0: &[f64],
    dt: f64,
    steps: usize,
    record_every: usize,
) -> Result<Vec<Vec<f64>>, ParamError> {
    if x0.len() != field.dim() {
        return Err(ParamError::new(
            "x0",
            format!("{} values", x0.len()),
            format!("must hold one value per component of the field ({})", field.dim()),
        ));
    }
    let every = at_least("record_every", record_every, 1)?;
    let mut x = x0.to_vec();
    let mut work = Rk4Workspace::new(x.len());
    let mut out = vec![x.clone()];
    for step in 0..steps {
        rk4_step(field, t0 + step as f64 * dt, &mut x, dt, &mut work);
        if (step + 1).is_multiple_of(every) {
            out.push(x.clone());
        }
    }
    Ok(out)
}
