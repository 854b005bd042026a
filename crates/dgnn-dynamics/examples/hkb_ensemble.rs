//! The stochastic HKB relative phase `dφ = −V′(φ) dt + sqrt(Q) dW`,
//! `V(φ) = −a cos φ − b cos 2φ` (Schöner, Haken & Kelso 1986), as an ensemble: the histogram of
//! the final phases against the exact stationary density `p ∝ exp(−2V/Q)`, and the mean time
//! to leave `(−1, 1)` from `φ = 0` against the exact mean first-passage time by quadrature.
//!
//! Run with `cargo run -p dgnn-dynamics --example hkb_ensemble` (a few seconds).

use dgnn_dynamics::ensemble::{
    EnsembleParams, FirstPassage, InitialState, PassageSummary, PhaseEnsembleParams, PhaseStart,
    run_ensemble, run_phase_ensemble,
};
use dgnn_dynamics::landscape::{Boundary, mean_first_passage_time, stationary_density};
use dgnn_dynamics::sde::{PhaseSde, Scheme};
use dgnn_dynamics::simd::Precision;
use dgnn_dynamics::{DynamicsError, Hkb, NoProgress, ParamGuard, Seed};

/// HKB coefficients and noise intensity: b/a = 1/2 > 1/4, so in-phase (φ = 0) and anti-phase
/// (φ = π) are both attractors.
const A: f64 = 1.0;
const B: f64 = 0.5;
const Q: f64 = 0.5;
const BINS: usize = 24;
/// The absorbing levels of the first passages, on either side of the in-phase attractor.
const LOWER: f64 = -1.0;
const UPPER: f64 = 1.0;

fn main() -> Result<(), DynamicsError> {
    let sde = PhaseSde::new(Hkb::new(A, B)?, Q)?;
    let seed = Seed(2026);

    // 10 000 trajectories from a uniform start to t = 60: the exchange between the wells
    // (Kramers rate ≈ 0.14) has forgotten the start.
    let params = PhaseEnsembleParams {
        trajectories: 10_000,
        steps: 6000,
        dt: 0.01,
        scheme: Scheme::EulerMaruyama,
        initial: PhaseStart::Uniform,
        bins: BINS,
        displacement_from_step: 3000,
        precision: Precision::F64,
    }
    .check()?;
    let ensemble = run_phase_ensemble(&sde, &params, seed, &NoProgress)?;
    let exact = stationary_density(sde.potential(), Q, BINS * 256)?.bin_averages(BINS)?;
    let histogram = &ensemble.histogram;
    println!(
        "{} trajectories to t = 60 ({}), a = {A}, b = {B}, Q = {Q}",
        histogram.total(),
        ensemble.kernel.describe()
    );
    println!("{:>8}  {:>9}  {:>9}", "φ (rad)", "histogram", "exact");
    for ((centre, simulated), exact) in
        histogram.centres().iter().zip(histogram.density()).zip(&exact)
    {
        println!("{centre:>8.3}  {simulated:>9.4}  {exact:>9.4}");
    }
    println!(
        "L1 distance {:.4}; a perfect sampler of as many phases: {:.4} ± {:.4}",
        histogram.l1_distance(&exact),
        histogram.expected_l1_floor(&exact),
        histogram.expected_l1_spread(&exact)
    );

    // First passages from φ = 0 out of (−1, 1), every trajectory to its exit. The barrier is
    // 2ΔV/Q ≈ 4.7, which amplifies Euler–Maruyama's O(dt) error of the well's width: the mean
    // exit time is ≈ 5% short at dt = 0.01, so the step here is 0.002 (≈ 1%).
    let spec = EnsembleParams { trajectories: 4000, steps: 1_000_000, dt: 0.002 }.check()?;
    let start = InitialState::Fixed(vec![0.0]).check()?;
    let run = |observer: FirstPassage| {
        run_ensemble(&sde, &Scheme::EulerMaruyama, &spec, &start, &observer, seed, &NoProgress)
    };
    let bridged = run(FirstPassage::bridged(&sde, 0, Some(LOWER), Some(UPPER))?)?;
    let discrete = run(FirstPassage::discrete(0, Some(LOWER), Some(UPPER))?)?;
    let exact_time = mean_first_passage_time(
        sde.potential(),
        Q,
        0.0,
        Boundary::Absorbing(LOWER),
        Boundary::Absorbing(UPPER),
        4000,
    )?;
    println!("mean first-passage time out of ({LOWER}, {UPPER}) from 0:");
    println!("  exact (quadrature)           {exact_time:.4}");
    let show = |name: &str, s: &PassageSummary| {
        println!("  {name:<28} {:.4} ± {:.4}", s.mean(), s.standard_error());
    };
    show("Brownian-bridge corrected", &bridged);
    show("discrete monitoring (biased)", &discrete);
    Ok(())
}
