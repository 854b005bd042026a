//! SIMD kernels of the two canonical workloads (docs/benchmarks.md, W1 and W3): the HKB phase
//! ensemble and the Kuramoto mean field, vectorised with `wide`.
//!
//! Most users do not call them directly: [`crate::ensemble::run_phase_ensemble`] takes the HKB
//! kernel whenever the landscape, scheme and start allow it, and the general
//! `Sde`/`Integrator` path otherwise.
//!
//! **HKB ensemble** ([`hkb_ensemble_final_phases`], [`hkb_ensemble_snapshots`]): Euler–Maruyama
//! for `dφ = (δω − a sin φ − 2b sin 2φ) dt + sqrt(Q) dW` over many trajectories, vectorised
//! across trajectories (8 × f64 or 16 × f32 lanes). One `sin_cos` per step gives both
//! harmonics (`sin 2φ = 2 sin φ cos φ`); Gaussian variates are exact Box–Muller pairs
//! (`sqrt(−2 ln u₁)·(cos 2πu₂, sin 2πu₂)`, Box & Muller 1958) from wide's `ln`, `sqrt` and
//! `sin_cos`; uniforms come from one xoshiro256++ generator per SIMD lane (Blackman & Vigna
//! 2021, ACM TOMS 47:36), run as eight lanes of `u64x8`.
//!
//! *Seeding.* Trajectories go in fixed blocks of [`HKB_BLOCK`]; block `k` seeds its 64
//! xoshiro256++ lanes (256 bits each) from `seed.stream("dynamics/trajectory", &[k])` and draws
//! the initial phases (uniform in `[-π, π)`) and every normal from those lanes, so results are
//! bit-identical for any thread count. The general path ([`crate::ensemble::run_ensemble`])
//! uses the same stream names and block size but draws from the ChaCha stream itself, so the
//! two paths give statistically equal, not bit-equal, ensembles; so do the two precisions.
//! φ is never wrapped while integrating. In f32, `u₁ ≥ 2⁻²⁴` truncates the normal tails at
//! 5.8σ (probability 7e-9 per variate).
//!
//! **Kuramoto mean field** ([`kuramoto_mean_field`]): RK4 for
//! `dθ_i/dt = ω_i + K(Im Z cos θ_i − Re Z sin θ_i)`, `Z = ⟨e^{iθ}⟩`, one work item per coupling
//! value, each stage fused into one pass (`sin_cos`, the next stage's state and the sums for
//! `Z`), lane sums reduced in a fixed order. It draws no random numbers.
//!
//! *Vector width.* The default build targets x86-64-v3 (AVX2), where an `f64x8` or `f32x16` is
//! two 256-bit halves. On a CPU with AVX-512 F and DQ the kernels switch at run time to 512-bit
//! vectors that port `wide`'s operations one for one, so they give the same bits on every CPU
//! (about 2–2.5× faster where AVX-512 exists).

#[cfg(target_arch = "x86_64")]
mod avx512;
mod hkb;
mod kuramoto;
mod lanes;

pub use hkb::{
    HKB_BLOCK, HkbEnsembleParams, Precision, hkb_ensemble_final_phases, hkb_ensemble_snapshots,
};
pub use kuramoto::{KuramotoParams, KuramotoPoint, kuramoto_mean_field};
pub(crate) use lanes::sum_in_fixed_order;
