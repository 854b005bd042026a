//! Which model choices make a plastic phase network bistable (Chauhan, Khaledi-Nasab, Neiman &
//! Tass 2022, Sci Rep 12:15003)? At one coupling (K = 2) each configuration is started twice:
//! desynchronised (uniform phases, weak links) and synchronised (equal phases, links at κ_max),
//! and run for t = 600 (STDP relaxes in ~1/(ε|⟨Λ⟩|) ≈ 630). Both states are stable when the two
//! runs end apart. Each row changes one choice of the base configuration, so the table separates
//! the hypotheses of docs/science.md#plasticity.
//!
//! Run with `cargo run --release -p dgnn-dynamics --example plastic_bistability` (≈ 20 s).

use dgnn_dynamics::network::{
    NetworkRunParams, PairCoupling, gaussian_quantiles, lorentzian_quantiles,
};
use dgnn_dynamics::plasticity::{
    HysteresisParams, PlasticNetwork, StdpRule, StructuralRule, coupling_hysteresis,
};
use dgnn_dynamics::sde::Scheme;
use dgnn_dynamics::{DynamicsError, NoProgress, ParamGuard, Seed};

/// Units, and the incoherent floor sqrt(π/(4N)) ≈ 0.11 they give.
const N: usize = 60;

/// One configuration of the table.
struct Variant {
    name: &'static str,
    omega: Vec<f64>,
    noise: f64,
    stdp: StdpRule,
    structural: Option<StructuralRule>,
    desynchronised_weight: f64,
    synchronised_weight: f64,
}

fn main() -> Result<(), DynamicsError> {
    let stdp = StdpRule {
        rate: 0.02,
        potentiation: 1.0,
        depression: 0.5,
        potentiation_width_rad: 1.0,
        depression_width_rad: 3.0,
        max_weight: 1.0,
    };
    let structural = StructuralRule {
        interval: 20.0,
        prune_below: 0.1,
        remove_probability: 0.5,
        add_probability: 0.02,
        new_weight: 0.2,
    };
    let gaussian = gaussian_quantiles(N, 0.0, 0.1)?;
    let base = || Variant {
        name: "base: Gaussian σ = 0.1, D = 0.01, SP on, starts κ = 0 / 1",
        omega: gaussian.clone(),
        noise: 0.01,
        stdp,
        structural: Some(structural),
        desynchronised_weight: 0.0,
        synchronised_weight: 1.0,
    };
    let variants = vec![
        base(),
        Variant {
            name: "both starts at κ = 0.5 (the earlier runs)",
            desynchronised_weight: 0.5,
            synchronised_weight: 0.5,
            ..base()
        },
        Variant {
            name: "Lorentzian Δ = 0.1 (heavy tails)",
            omega: lorentzian_quantiles(N, 0.0, 0.1),
            ..base()
        },
        Variant { name: "identical frequencies", omega: vec![0.0; N], ..base() },
        Variant { name: "no structural plasticity", structural: None, ..base() },
        Variant {
            name: "balanced window A₋λ₋ = A₊λ₊ (⟨Λ⟩ = 0)",
            stdp: StdpRule { depression: 1.0 / 3.0, ..stdp },
            ..base()
        },
        Variant {
            name: "potentiation-dominated A₋ = 0.2 (⟨Λ⟩ > 0)",
            stdp: StdpRule { depression: 0.2, ..stdp },
            ..base()
        },
        Variant { name: "strong noise D = 0.5", noise: 0.5, ..base() },
    ];
    println!(
        "{:<52} {:>9} {:>9} {:>9} {:>9}  verdict",
        "configuration (K = 2)", "r desync", "κ̄ desync", "r sync", "κ̄ sync"
    );
    for v in variants {
        let network = PlasticNetwork::new(
            v.omega,
            2.0,
            PairCoupling::KURAMOTO,
            v.noise,
            vec![0.0; N * N],
            Some(v.stdp),
            v.structural,
        )?;
        let params = HysteresisParams {
            couplings: vec![2.0],
            stay: NetworkRunParams {
                dt: 0.05,
                steps: 12_000,
                record_every: 20,
                scheme: Scheme::Heun,
            },
            average_share: 0.25,
            desynchronised_weight: v.desynchronised_weight,
            synchronised_weight: v.synchronised_weight,
        }
        .check()?;
        let run = coupling_hysteresis(&network, &params, Seed(3), &NoProgress)?;
        let (up, down) = (run.upward[0], run.downward[0]);
        let verdict = if down.r - up.r > 0.2 { "bistable" } else { "one state" };
        println!(
            "{:<52} {:>9.3} {:>9.3} {:>9.3} {:>9.3}  {verdict}",
            v.name, up.r, up.mean_weight, down.r, down.mean_weight
        );
    }
    Ok(())
}
