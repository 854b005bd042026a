//! Draws a two-objective Pareto front coloured by a third quantity, as SVG and PNG.
//!
//! The front is the analytic ZDT1 front f₂ = 1 − √f₁ (Zitzler, Deb & Thiele 2000), sampled at 25
//! points and coloured by the hypervolume each point dominates alone with respect to (1.1, 1.1).
//!
//! Run with `cargo run -p dgnn-plot --example pareto_front [OUT_DIR]` (default: the system's
//! temporary folder).

use dgnn_plot::Plot;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).map_or_else(std::env::temp_dir, Into::into);
    std::fs::create_dir_all(&dir)?;
    let front: Vec<(f64, f64, f64)> = (0..25)
        .map(|i| f64::from(i) / 24.0)
        .map(|f1| {
            let f2 = 1.0 - f1.sqrt();
            (f1, f2, (1.1 - f1) * (1.1 - f2))
        })
        .collect();
    let curve = (0..=200).map(|i| f64::from(i) / 200.0).map(|f1| (f1, 1.0 - f1.sqrt())).collect();
    Plot::new("ZDT1 Pareto front")
        .x_label("f₁")
        .y_label("f₂")
        .line("f₂ = 1 − √f₁", curve)
        .coloured_points(front, "dominated area")
        .save_both(&dir, "pareto_front")?;
    println!("wrote {}", dir.join("pareto_front.svg").display());
    Ok(())
}
