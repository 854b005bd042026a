//! The commented example configs of `dgnn simulate --example NAME`.

pub(super) const HKB_EXAMPLE: &str = r"// dgnn simulate: an ensemble of the stochastic HKB relative phase
//   dφ = −V′(φ) dt + sqrt(Q) dW,  V(φ) = −a cos φ − b cos 2φ   (Schöner, Haken & Kelso 1986)
// whose final phases are histogrammed and compared with the exact density p ∝ exp(−2V/Q).
(
    seed: 12345,                 // master seed of every random stream (default 12345)
    model: Ensemble(
        potential: Hkb(a: 1.0, b: 0.5),  // b/a = 0.5 > 1/4: in-phase and anti-phase both stable
        q: 0.5,                  // noise intensity Q ≥ 0
        dt: 0.01,                // Euler–Maruyama step > 0
        steps: 10000,            // steps per trajectory ≥ 1 (t = 100)
        trajectories: 20000,     // ≥ 1
        scheme: EulerMaruyama,   // EulerMaruyama | Milstein | Heun | Sra1 (default EulerMaruyama)
        bins: 64,                // histogram bins on [−π, π) (default 64)
        initial: Uniform,        // Uniform on [−π, π), or Fixed(φ0) (default Uniform)
        precision: F64,          // F64 | F32, for the SIMD fast path (default F64)
    ),
)
";

pub(super) const EXTENDED_HKB_EXAMPLE: &str = r"// dgnn simulate: the extended HKB with detuning δω (Kelso, DelColle & Schöner 1990)
//   dφ = (δω − a sin φ − 2b sin 2φ) dt + sqrt(Q) dW
// The tilted landscape U = −δω φ − a cos φ − b cos 2φ has an exact stationary density on the
// circle (flux formula) and a mean drift frequency 2πJ; both are compared with the ensemble.
// The first-passage block measures escape times from φ0 with the Brownian-bridge correction
// and compares them with the exact quadrature.
(
    seed: 7,
    model: Ensemble(
        potential: Tilted(a: 1.0, b: 0.5, detuning: 0.8),
        q: 0.5,
        dt: 0.01,
        steps: 10000,
        trajectories: 10000,
        bins: 64,
        first_passage: (
            start: 0.3,          // start of every escape trajectory (inside (lower, upper))
            lower: -2.0,         // absorbing levels on the lift (unwrapped phase)
            upper: 2.0,
            trajectories: 4000,  // (default 4000)
            max_steps: 200000,   // give up after this many steps (default 200000)
        ),
    ),
)
";

pub(super) const KURAMOTO_EXAMPLE: &str = r"// dgnn simulate: the Kuramoto order parameter r(K) for Lorentzian natural frequencies,
//   dθ_i/dt = ω_i + K r sin(ψ − θ_i),  r e^{iψ} = ⟨e^{iθ}⟩,
// against Ott & Antonsen's r = sqrt(1 − 2Δ/K) above K_c = 2Δ (docs/benchmarks.md, W3).
(
    seed: 12345,
    model: KuramotoSweep(
        oscillators: 2000,       // N ≥ 1; ω_i = Δ tan(π((i + ½)/N − ½)) (Lorentzian quantiles)
        half_width: 0.5,         // Δ > 0, so K_c = 1
        k_min: 0.0,
        k_max: 3.0,
        k_count: 13,             // couplings evenly spaced in [k_min, k_max], ≥ 1
        dt: 0.05,                // RK4 step > 0
        steps: 2000,             // ≥ 1
        average: 500,            // r is averaged over the last `average` steps (1 ≤ average ≤ steps)
    ),
)
";

pub(super) const KURAMOTO_GAUSSIAN_EXAMPLE: &str = r"// dgnn simulate: the Kuramoto order parameter r(K) for Gaussian natural frequencies,
//   dθ_i/dt = ω_i + K r sin(ψ − θ_i),  r e^{iψ} = ⟨e^{iθ}⟩,
// against Kuramoto's self-consistency r = K r ∫ cos²θ g(K r sin θ) dθ over |θ| ≤ π/2, solved
// numerically, above K_c = 2/(π g(0)) = sqrt(8/π)·σ ≈ 1.596σ.
(
    seed: 12345,
    model: KuramotoSweep(
        oscillators: 20000,      // N ≥ 1; ω_i = σ Φ⁻¹((i + ½)/N) (Gaussian quantiles)
        sigma: 0.6267,           // σ > 0, so K_c ≈ 1 (half_width: Δ instead gives Lorentzian)
        k_min: 0.0,
        k_max: 3.0,
        k_count: 13,             // couplings evenly spaced in [k_min, k_max], ≥ 1
        dt: 0.05,                // RK4 step > 0
        steps: 3000,             // ≥ 1
        average: 1000,           // r is averaged over the last `average` steps (1 ≤ average ≤ steps)
    ),
)
";

pub(super) const NETWORK_EXAMPLE: &str = r"// dgnn simulate: a noisy network of HKB-coupled phase oscillators with plastic weights
//   dθ_i = [ω_i + (K/N) Σ_j A_ij κ_ij (a sin(θ_j − θ_i) + 2b sin 2(θ_j − θ_i))] dt + sqrt(2D) dW_i
// with phase-difference STDP on κ and structural plasticity on A (after Chauhan et al. 2022).
// Without `plasticity`, `coupling` gives the fixed coupling (MeanField(strength) or Matrix([..])).
(
    seed: 3,
    model: Network(
        frequencies: Lorentzian(center: 0.0, half_width: 0.1, count: 60),  // or Values([..])
        coupling: MeanField(strength: 1.0),   // used when plasticity is absent
        pair: (a: 1.0, b: 0.25),              // H(Δ) = a sin Δ + 2b sin 2Δ (Kuramoto: a 1, b 0)
        noise: 0.01,                          // phase diffusion D ≥ 0
        dt: 0.05,
        steps: 4000,
        record_every: 20,                     // record r, ψ every this many steps (default 10)
        scheme: Heun,                         // SDE scheme when noise > 0 (RK4 without noise)
        initial: Uniform,                     // Uniform on [0, 2π) or Fixed([..])
        plasticity: (
            strength: 1.0,                    // K
            initial_weight: 0.5,              // κ of every link i ≠ j at the start
            stdp: (rate: 0.02, potentiation: 1.0, depression: 0.5,
                   potentiation_width_rad: 1.0, depression_width_rad: 3.0, max_weight: 1.0),
            structural: (interval: 20.0, prune_below: 0.1, remove_probability: 0.5,
                         add_probability: 0.02, new_weight: 0.2),
        ),
    ),
)
";

pub(super) const SINGLE_EXAMPLE: &str = r"// dgnn simulate: one trajectory of the HKB phase SDE, stored every `record_every` steps.
(
    seed: 1,
    model: Single(
        potential: Fourier(cos: [-1.0, -1.0], sin: [], tilt: 0.0),  // = Hkb(a: 1, b: 1)
        q: 0.3,
        dt: 0.01,
        steps: 20000,
        scheme: Sra1,            // order 1.5 for this additive noise
        initial_phase: 3.0,
        record_every: 10,        // (default 10)
    ),
)
";

pub(super) const ATTRACTOR_MAP_EXAMPLE: &str = r"// dgnn simulate: the number of attractors of U = −δω φ − a cos φ − b cos 2φ over (b/a, δω/a)
// (a = 1): two attractors above b/a = 1/4 without detuning, none when the tilt wins.
(
    seed: 1,
    model: AttractorMap(
        b_min: 0.0, b_max: 1.0, b_count: 101,
        detuning_min: 0.0, detuning_max: 2.0, detuning_count: 101,
    ),
)
";

pub(super) const PLASTIC_HYSTERESIS_EXAMPLE: &str = r"// dgnn simulate: bistable synchronised and desynchronised states of a plastic network
// (after Chauhan, Khaledi-Nasab, Neiman & Tass 2022): Kuramoto oscillators whose weights follow
// phase-difference STDP (depression-dominated, so drifting pairs weaken) and whose links are
// pruned and created by structural plasticity. The coupling K is swept up from a desynchronised
// start (weak links) and down from a synchronised one (strong links); where the two branches
// end apart, both states are stable (docs/science.md#plasticity). About a minute in release.
(
    seed: 3,
    model: PlasticHysteresis(
        frequencies: Gaussian(center: 0.0, sigma: 0.1, count: 60),  // or Lorentzian(..), Values([..])
        pair: (a: 1.0, b: 0.0),               // Kuramoto H(Δ) = sin Δ
        noise: 0.01,                          // phase diffusion D ≥ 0
        stdp: (rate: 0.02, potentiation: 1.0, depression: 0.5,
               potentiation_width_rad: 1.0, depression_width_rad: 3.0, max_weight: 1.0),
        structural: (interval: 20.0, prune_below: 0.1, remove_probability: 0.5,
                     add_probability: 0.02, new_weight: 0.2),
        couplings: [0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 10.0],  // increasing
        dt: 0.05,
        stay_steps: 6000,                     // t = 300 at each coupling (STDP needs ~1/(ε|Λ|))
        record_every: 20,
        scheme: Heun,                         // SDE scheme when noise > 0 (RK4 without noise)
        average_share: 0.25,                  // r averaged over the last quarter of each stay
        desynchronised_weight: 0.0,           // upward branch: uniform phases, links at κ = 0
        synchronised_weight: 1.0,             // downward branch: equal phases, links at κ_max
    ),
)
";
