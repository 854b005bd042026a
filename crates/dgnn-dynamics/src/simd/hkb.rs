//! The SIMD HKB ensemble (W1's kernel): Euler–Maruyama for
//! `dφ = (δω − a sin φ − 2b sin 2φ) dt + sqrt(Q) dW` over many trajectories at once; see the
//! [module docs](super) for the method and the seeding.

use super::lanes::{PhaseLanes, Xoshiro8, normals, uniform};
use crate::ensemble::TRAJECTORY_STREAM;
use crate::error::Result;
use dgnn_core::error::{at_least, finite, non_negative, positive};
use dgnn_core::{ParamError, Progress, Seed, Valid, Validate};
use rand::Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::f64::consts::{PI, TAU};
use wide::{f32x16, f64x8};

/// Trajectories per work item of the SIMD HKB ensemble.
pub const HKB_BLOCK: usize = 64;

/// Floating-point precision of the SIMD HKB ensemble (RON: `F64`, `F32`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Precision {
    /// 64-bit floats, 8 lanes.
    #[default]
    F64,
    /// 32-bit floats, 16 lanes (about twice as fast; φ and the noise in single precision).
    F32,
}

/// Unchecked parameters of the SIMD HKB ensemble; [`ParamGuard::check`](dgnn_core::ParamGuard::check)
/// makes them the `Valid<HkbEnsembleParams>` that the kernels take.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HkbEnsembleParams {
    /// HKB `a`.
    pub a: f64,
    /// HKB `b`.
    pub b: f64,
    /// Detuning `δω`.
    pub detuning: f64,
    /// Noise intensity `Q ≥ 0`.
    pub q: f64,
    /// Step `dt > 0`.
    pub dt: f64,
    /// Number of trajectories (≥ 1), each starting uniform in `[-π, π)`.
    pub trajectories: usize,
    /// Number of steps (≥ 1).
    pub steps: usize,
}

impl Validate for HkbEnsembleParams {
    fn validate(&self) -> Result<(), ParamError> {
        finite("a", self.a)?;
        finite("b", self.b)?;
        finite("detuning", self.detuning)?;
        non_negative("q", self.q)?;
        positive("dt", self.dt)?;
        at_least("trajectories", self.trajectories, 1)?;
        at_least("steps", self.steps, 1)?;
        Ok(())
    }
}

/// Runs the HKB ensemble and returns every trajectory's final (unwrapped) phase, in trajectory
/// order. Progress counts trajectories.
pub fn hkb_ensemble_final_phases(
    params: &Valid<HkbEnsembleParams>,
    precision: Precision,
    seed: Seed,
    progress: &dyn Progress,
) -> Vec<f64> {
    let per_block = run_blocks(params, precision, seed, &[params.steps], progress);
    phases_of_snapshot(&per_block, 0, params.trajectories)
}

/// Runs the HKB ensemble and returns the (unwrapped) phases of every trajectory after each of
/// `snapshot_steps` steps (each in `0..=steps`, any order; 0 gives the uniform initial
/// phases), one vector per snapshot in the order given. The trajectories are those of
/// [`hkb_ensemble_final_phases`] with the same seed.
pub fn hkb_ensemble_snapshots(
    params: &Valid<HkbEnsembleParams>,
    precision: Precision,
    seed: Seed,
    snapshot_steps: &[usize],
    progress: &dyn Progress,
) -> Result<Vec<Vec<f64>>> {
    for (i, &s) in snapshot_steps.iter().enumerate() {
        if s > params.steps {
            return Err(ParamError::new(
                format!("snapshot_steps[{i}]"),
                s,
                format!("must lie in 0..={}", params.steps),
            )
            .into());
        }
    }
    let per_block = run_blocks(params, precision, seed, snapshot_steps, progress);
    Ok((0..snapshot_steps.len())
        .map(|k| phases_of_snapshot(&per_block, k, params.trajectories))
        .collect())
}

/// Every block's records of the snapshots (in the order of `snapshot_steps`), in block order.
fn run_blocks(
    p: &HkbEnsembleParams,
    precision: Precision,
    seed: Seed,
    snapshot_steps: &[usize],
    progress: &dyn Progress,
) -> Vec<Vec<[f64; HKB_BLOCK]>> {
    let blocks = p.trajectories.div_ceil(HKB_BLOCK);
    progress.start(p.trajectories as u64, "trajectories");
    let per_block = (0..blocks)
        .into_par_iter()
        .map(|block| {
            let mut rng = seed.stream(TRAJECTORY_STREAM, &[block as u64]);
            let out = hkb_block_widest(p, precision, &mut rng, snapshot_steps);
            progress.advance((HKB_BLOCK.min(p.trajectories - block * HKB_BLOCK)) as u64);
            out
        })
        .collect();
    progress.finish();
    per_block
}

/// The phases of snapshot `k` of every trajectory, in trajectory order.
fn phases_of_snapshot(
    per_block: &[Vec<[f64; HKB_BLOCK]>],
    k: usize,
    trajectories: usize,
) -> Vec<f64> {
    let mut phases: Vec<f64> = per_block.iter().flat_map(|b| b[k]).collect();
    phases.truncate(trajectories);
    phases
}

/// f64 vectors per block.
pub(super) const F64_VECTORS: usize = HKB_BLOCK / 8;
/// f32 vectors per block.
pub(super) const F32_VECTORS: usize = HKB_BLOCK / 16;

/// One block on the widest vectors this CPU has: 512-bit where it has AVX-512, `wide`'s
/// `f64x8` or `f32x16` otherwise. Both give the same bits ([`super::avx512`]).
fn hkb_block_widest<R: Rng + ?Sized>(
    p: &HkbEnsembleParams,
    precision: Precision,
    rng: &mut R,
    snapshot_steps: &[usize],
) -> Vec<[f64; HKB_BLOCK]> {
    #[cfg(target_arch = "x86_64")]
    if let Some(out) = super::avx512::hkb_block_512(p, precision, rng, snapshot_steps) {
        return out;
    }
    match precision {
        Precision::F64 => hkb_block::<f64x8, F64_VECTORS, _>(p, rng, snapshot_steps),
        Precision::F32 => hkb_block::<f32x16, F32_VECTORS, _>(p, rng, snapshot_steps),
    }
}

/// Which steps of a block's pairs of steps are recorded: the sorted distinct snapshot steps
/// and, at the end, the slot of each requested snapshot.
struct Recorder {
    bounds: Vec<usize>,
    next: usize,
}

impl Recorder {
    fn new(snapshot_steps: &[usize]) -> Self {
        let mut bounds = snapshot_steps.to_vec();
        bounds.sort_unstable();
        bounds.dedup();
        Self { bounds, next: 0 }
    }

    /// The slot of the snapshot at step 0 (the initial phases), if one was asked for.
    fn initial_slot(&mut self) -> Option<usize> {
        let slot = (self.bounds.first() == Some(&0)).then_some(0);
        self.next = usize::from(slot.is_some());
        slot
    }

    /// For the pair of steps `done + 1` and (if `second`) `done + 2`: the slots to record into.
    fn slots(&self, done: usize, second: bool) -> (Option<usize>, Option<usize>) {
        let first = (self.bounds.get(self.next) == Some(&(done + 1))).then_some(self.next);
        let after = self.next + usize::from(first.is_some());
        let second = (second && self.bounds.get(after) == Some(&(done + 2))).then_some(after);
        (first, second)
    }

    fn advance(&mut self, slots: (Option<usize>, Option<usize>)) {
        self.next += usize::from(slots.0.is_some()) + usize::from(slots.1.is_some());
    }

    /// Rearranges per-bound records into the caller's snapshot order.
    fn assemble(
        &self,
        records: &[[f64; HKB_BLOCK]],
        snapshot_steps: &[usize],
    ) -> Vec<[f64; HKB_BLOCK]> {
        snapshot_steps.iter().map(|s| records[self.bounds.partition_point(|b| b < s)]).collect()
    }
}

/// One block of `V` vectors (`V·L::WIDTH = HKB_BLOCK` trajectories), stepped in lockstep so
/// that the independent chains keep the vector units busy. Pairs of steps share one Box–Muller
/// draw; the recorded snapshots do not change the stream. Always inlined, so that a caller
/// compiled for wider vectors ([`super::avx512`]) compiles the whole kernel for them.
#[inline(always)]
pub(super) fn hkb_block<L: PhaseLanes, const V: usize, R: Rng + ?Sized>(
    p: &HkbEnsembleParams,
    rng: &mut R,
    snapshot_steps: &[usize],
) -> Vec<[f64; HKB_BLOCK]> {
    let mut gens: [Xoshiro8<L::Bits>; V] = std::array::from_fn(|_| Xoshiro8::from_rng(rng));
    let mut phi: [L; V] =
        std::array::from_fn(|v| L::splat(-PI) + uniform::<L>(&mut gens[v]) * L::splat(TAU));
    let (a, four_b, dt) = (L::splat(p.a), L::splat(4.0 * p.b), L::splat(p.dt));
    let push = L::splat(p.detuning * p.dt);
    let noise = L::splat((p.q * p.dt).sqrt());
    // dφ = (δω − sin φ (a + 4b cos φ)) dt + sqrt(Q dt) z
    let step = |phi: L, z: L| {
        let (s, c) = phi.sin_cos();
        let drift = s * four_b.mul_add(c, a);
        phi + push - drift * dt + noise * z
    };
    let mut recorder = Recorder::new(snapshot_steps);
    let mut records = vec![[0.0; HKB_BLOCK]; recorder.bounds.len()];
    let record = |records: &mut [[f64; HKB_BLOCK]], k: usize, phi: &[L; V]| {
        for (lanes, out) in phi.iter().zip(records[k].chunks_mut(L::WIDTH)) {
            lanes.store(out);
        }
    };
    if let Some(k) = recorder.initial_slot() {
        record(&mut records, k, &phi);
    }
    let (mut z1, mut z2) = ([L::splat(0.0); V], [L::splat(0.0); V]);
    let mut done = 0;
    while done < p.steps {
        let second = done + 1 < p.steps;
        let slots = recorder.slots(done, second);
        for v in 0..V {
            (z1[v], z2[v]) = normals::<L>(&mut gens[v]);
        }
        for v in 0..V {
            phi[v] = step(phi[v], z1[v]);
        }
        if let Some(k) = slots.0 {
            record(&mut records, k, &phi);
        }
        if second {
            for v in 0..V {
                phi[v] = step(phi[v], z2[v]);
            }
            if let Some(k) = slots.1 {
                record(&mut records, k, &phi);
            }
        }
        recorder.advance(slots);
        done += if second { 2 } else { 1 };
    }
    recorder.assemble(&records, snapshot_steps)
}
