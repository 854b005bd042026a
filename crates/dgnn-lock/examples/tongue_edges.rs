//! Exact Arnold tongue edges of the sine circle map `θ ↦ θ + Ω − (K/2π) sin 2πθ` against the
//! closed forms they must meet, and the iterated map against the edges.
//!
//! Run with `cargo run -p dgnn-lock --example tongue_edges`. For K from 0.1 to 1 it prints the
//! 0/1 tongue's edges beside `±K/2π` (a fixed point of the map exists iff `|Ω| ≤ K/2π`), and the
//! 1/2 tongue's width beside its small-K law `K²/4π`; then it iterates the map just inside and
//! just outside the 1/3 tongue's right edge at K = 0.8 and reports the rotation numbers.

use dgnn_lock::map::{RotationOptions, SineLift, rotation_number};
use dgnn_lock::tongue::tongue;
use dgnn_lock::{LockError, ParamGuard, Ratio};
use std::f64::consts::{PI, TAU};

fn main() -> Result<(), LockError> {
    let zero = Ratio::new(0, 1)?;
    let half = Ratio::new(1, 2)?;
    println!(
        "   K   0/1 lower      −K/2π          0/1 upper      K/2π           1/2 width      K²/4π"
    );
    for step in 1..=10 {
        let k = 0.1 * f64::from(step);
        let lift = SineLift::new(k)?;
        let t0 = tongue(&lift, zero)?;
        let t_half = tongue(&lift, half)?;
        println!(
            "{k:4.1}  {:<+14.10} {:<+14.10} {:<+14.10} {:<+14.10} {:<14.3e} {:<14.3e}",
            t0.lower,
            -k / TAU,
            t0.upper,
            k / TAU,
            t_half.width(),
            k * k / (4.0 * PI)
        );
        assert!((t0.upper - k / TAU).abs() < 1e-12 && (t0.lower + k / TAU).abs() < 1e-12);
    }

    // The edge is a saddle-node: just inside, the orbit locks to 1/3; just outside it slips.
    let k = 0.8;
    let lift = SineLift::new(k)?;
    let third = tongue(&lift, Ratio::new(1, 3)?)?;
    let options = RotationOptions { transient: 20_000, measured: 300_000 }.check()?;
    println!("\n1/3 tongue at K = {k}: [{:.12}, {:.12}]", third.lower, third.upper);
    for (label, omega) in [("inside", third.upper - 1e-6), ("outside", third.upper + 1e-6)] {
        let rho = rotation_number(&lift, omega, 0.0, &options)?;
        println!(
            "  Ω = edge {} 1e-6 ({label}): ρ − 1/3 = {:+.2e}",
            if label == "inside" { "−" } else { "+" },
            rho.value - 1.0 / 3.0
        );
    }
    Ok(())
}
