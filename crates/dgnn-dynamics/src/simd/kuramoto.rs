//! The SIMD Kuramoto mean field (W3's kernel): RK4 for
//! `dθ_i/dt = ω_i + K(Im Z cos θ_i − Re Z sin θ_i)`, `Z = ⟨e^{iθ}⟩`; see the
//! [module docs](super).

use super::lanes::SumLanes;
use dgnn_core::error::{at_least, finite, positive};
use dgnn_core::{ParamError, Progress, Valid, Validate};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use wide::f64x8;

/// Unchecked settings of the SIMD Kuramoto sweep; [`ParamGuard::check`](dgnn_core::ParamGuard::check)
/// makes them the `Valid<KuramotoParams>` that [`kuramoto_mean_field`] takes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KuramotoParams {
    /// Natural frequencies `ω_i` (N ≥ 1).
    pub omega: Vec<f64>,
    /// Initial phases (N values, shared by every coupling).
    pub theta0: Vec<f64>,
    /// Coupling strengths `K`, integrated independently.
    pub couplings: Vec<f64>,
    /// RK4 step (> 0).
    pub dt: f64,
    /// Number of steps (≥ 1).
    pub steps: usize,
    /// `r` is averaged over the last this many steps (1 ≤ average ≤ steps).
    pub average: usize,
}

impl Validate for KuramotoParams {
    fn validate(&self) -> Result<(), ParamError> {
        let n = at_least("omega (number of oscillators)", self.omega.len(), 1)?;
        if self.theta0.len() != n {
            return Err(ParamError::new(
                "theta0",
                format!("{} values", self.theta0.len()),
                format!("must hold one phase per oscillator ({n})"),
            ));
        }
        for (i, (w, t)) in self.omega.iter().zip(&self.theta0).enumerate() {
            finite(&format!("omega[{i}]"), *w)?;
            finite(&format!("theta0[{i}]"), *t)?;
        }
        at_least("couplings", self.couplings.len(), 1)?;
        for (i, k) in self.couplings.iter().enumerate() {
            finite(&format!("couplings[{i}]"), *k)?;
        }
        positive("dt", self.dt)?;
        // The mean field's slope is at most 2|K| (Gershgorin, with |H′| ≤ 1).
        let strongest = self.couplings.iter().fold(0.0, |m: f64, k| m.max(k.abs()));
        crate::sde::check_step(
            Some(2.0 * strongest),
            Some(crate::ode::RK4_STABILITY_LIMIT),
            self.dt,
        )?;
        at_least("steps", self.steps, 1)?;
        at_least("average", self.average, 1)?;
        if self.average > self.steps {
            return Err(ParamError::new(
                "average",
                self.average,
                format!("must not exceed steps = {}", self.steps),
            ));
        }
        Ok(())
    }
}

/// The result of one coupling value of the Kuramoto sweep.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KuramotoPoint {
    /// The coupling `K`.
    pub k: f64,
    /// `r` averaged over the last `average` steps.
    pub r_mean: f64,
    /// `r` after every step (`steps` values).
    pub r_series: Vec<f64>,
}

/// RK4 of the Kuramoto mean field for every coupling in `params.couplings` (in parallel, one
/// work item per coupling). Progress counts couplings.
pub fn kuramoto_mean_field(
    params: &Valid<KuramotoParams>,
    progress: &dyn Progress,
) -> Vec<KuramotoPoint> {
    progress.start(params.couplings.len() as u64, "couplings");
    let out = params
        .couplings
        .par_iter()
        .map(|&k| {
            let point = kuramoto_widest(params, k);
            progress.advance(1);
            point
        })
        .collect();
    progress.finish();
    out
}

/// Lanes of one coupling's state: phases, frequencies, lane mask (1 for real oscillators).
struct Lanes<L> {
    theta: Vec<L>,
    omega: Vec<L>,
    mask: Vec<L>,
    inv_n: f64,
}

impl<L: SumLanes> Lanes<L> {
    #[inline(always)]
    fn new(omega: &[f64], theta0: &[f64]) -> Self {
        let pack = |v: &[f64]| -> Vec<L> { v.chunks(L::WIDTH).map(L::pack).collect() };
        Self {
            theta: pack(theta0),
            omega: pack(omega),
            mask: pack(&vec![1.0; omega.len()]),
            inv_n: 1.0 / omega.len() as f64,
        }
    }
}

/// One coupling on the widest vectors this CPU has: 512-bit where it has AVX-512, `wide`'s
/// `f64x8` otherwise. Both give the same bits ([`super::avx512`]).
fn kuramoto_widest(params: &KuramotoParams, k: f64) -> KuramotoPoint {
    #[cfg(target_arch = "x86_64")]
    if let Some(point) = super::avx512::kuramoto_one_512(params, k) {
        return point;
    }
    kuramoto_one::<f64x8>(params, k)
}

/// RK4 for one coupling. Always inlined, so that a caller compiled for wider vectors
/// ([`super::avx512`]) compiles the whole kernel for them.
#[inline(always)]
pub(super) fn kuramoto_one<L: SumLanes>(params: &KuramotoParams, k: f64) -> KuramotoPoint {
    let mut lanes = Lanes::<L>::new(&params.omega, &params.theta0);
    let m = lanes.theta.len();
    let (h, half) = (params.dt, 0.5 * params.dt);
    // sin/cos of the current stage's phases; acc = k1 + 2k2 + 2k3.
    let zero = L::splat(0.0);
    let mut sin = vec![zero; m];
    let mut cos = vec![zero; m];
    let mut acc = vec![zero; m];
    let kv = L::splat(k);
    // One fused pass: the slope k_s from the stored sin/cos, then the next state `next(j, k_s)`,
    // its sin/cos stored in place and summed into Z = ⟨e^{iθ}⟩ (masked lanes, fixed order).
    #[inline(always)]
    fn pass<L: SumLanes>(
        z: (f64, f64),
        kv: L,
        lanes: &mut Lanes<L>,
        sin: &mut [L],
        cos: &mut [L],
        mut next: impl FnMut(usize, L, &mut Lanes<L>) -> L,
    ) -> (f64, f64) {
        let (zr, zi) = (L::splat(z.0), L::splat(z.1));
        let (mut re, mut im) = (L::splat(0.0), L::splat(0.0));
        for j in 0..sin.len() {
            let slope = lanes.omega[j] + kv * (zi * cos[j] - zr * sin[j]);
            let (s, c) = next(j, slope, lanes).sin_cos();
            sin[j] = s;
            cos[j] = c;
            re = re + c * lanes.mask[j];
            im = im + s * lanes.mask[j];
        }
        (re.reduce_add() * lanes.inv_n, im.reduce_add() * lanes.inv_n)
    }
    let mut r_series = Vec::with_capacity(params.steps);
    let mut z = pass((0.0, 0.0), kv, &mut lanes, &mut sin, &mut cos, |j, _, l| l.theta[j]);
    for step in 0..params.steps {
        if step > 0 {
            r_series.push(z.0.hypot(z.1));
        }
        // Stages 1–3: k_s = ω + K(Im Z cos − Re Z sin); the next stage is θ + c·k_s.
        for (s, (coef, weight)) in [(half, 1.0), (half, 2.0), (h, 2.0)].into_iter().enumerate() {
            let (coef, weight) = (L::splat(coef), L::splat(weight));
            z = pass(z, kv, &mut lanes, &mut sin, &mut cos, |j, ks, l| {
                acc[j] = if s == 0 { ks } else { weight.mul_add(ks, acc[j]) };
                coef.mul_add(ks, l.theta[j])
            });
        }
        // Stage 4 and the update θ += h/6 (k1 + 2k2 + 2k3 + k4).
        let sixth = L::splat(h / 6.0);
        z = pass(z, kv, &mut lanes, &mut sin, &mut cos, |j, k4, l| {
            l.theta[j] = sixth.mul_add(acc[j] + k4, l.theta[j]);
            l.theta[j]
        });
    }
    r_series.push(z.0.hypot(z.1));
    let tail = &r_series[params.steps - params.average..];
    let r_mean = tail.iter().sum::<f64>() / tail.len() as f64;
    KuramotoPoint { k, r_mean, r_series }
}
