//! Plastic phase networks: spike-timing-dependent plasticity of the coupling weights and
//! structural plasticity that adds and removes links.
//!
//! The reference is Chauhan, Khaledi-Nasab, Neiman & Tass (2022), Sci Rep 12:15003: Kuramoto
//! oscillators whose weights adapt by STDP on a slow time scale and whose links are created and
//! eliminated on a slower one, giving bistable synchronised / desynchronised states. We
//! implement that structure with the following rules; the functional forms and parameter names
//! are ours (stated in full here), not a transcription of the paper's equations.
//!
//! **Phases.** `dθ_i = [ω_i + (K/N) Σ_j A_ij κ_ij H(θ_j − θ_i)] dt + sqrt(2D) dW_i`, with the
//! adjacency `A_ij ∈ {0, 1}` (no self links), weights `κ_ij ∈ [0, κ_max]` and the HKB pair
//! function `H` of [`crate::network`] (Kuramoto: `H = sin`).
//!
//! **STDP (phase-difference form).** Each unit fires once per cycle when its phase crosses a
//! multiple of 2π, so the pre→post lag of link `j → i` in phase is `s = (θ_j − θ_i) mod 2π`
//! (the presynaptic unit `j` is ahead by `s`). Summing the exponential STDP window
//! (potentiation `A₊e^{−Δt/τ₊}` when post follows pre, depression `A₋e^{−Δt/τ₋}` when it
//! precedes; Bi & Poo 1998) over all spike pairings of two periodic trains gives, with window
//! widths `λ± = Ωτ±` in radians,
//! `Λ(s) = A₊ e^{−s/λ₊}/(1 − e^{−2π/λ₊}) − A₋ e^{−(2π − s)/λ₋}/(1 − e^{−2π/λ₋})`,
//! and the weights follow `dκ_ij/dt = ε Λ(s_ij)` on existing links, clipped to `[0, κ_max]`.
//! Averaged over uniform lags, `⟨Λ⟩ = (A₊λ₊ − A₋λ₋)/(2π)`: with a depression-dominated window
//! a drifting (incoherent) pair weakens while `Λ(0) > 0` strengthens a synchronous one, the two
//! mechanisms behind the bistability Chauhan et al. report. The tests check these mechanisms
//! exactly, and [`coupling_hysteresis`] shows the bistability itself: swept up in K from a
//! desynchronised start (weak links) and down from a synchronised one (strong links), the two
//! branches end apart over a window of couplings (docs/science.md#plasticity has the figure and
//! the experiments that show which choices it needs: a depression-dominated window, pruning of
//! weak links, spread frequencies, and different starts — from equal starting weights a coupling
//! above `K_c` synchronises both runs before STDP can act).
//!
//! **Structural plasticity.** Every `interval` time units, each existing link with
//! `κ_ij < prune_below` is removed with probability `remove_probability`, and each absent link
//! (`i ≠ j`) is created with probability `add_probability` and weight `new_weight`. Links that
//! STDP keeps strong survive; weak ones turn over. With STDP off and `new_weight < prune_below`
//! every link is a two-state Markov chain whose stationary occupancy is
//! `add_probability / (add_probability + remove_probability)`.
//!
//! Integration: each step moves the phases with the chosen SDE scheme (RK4 without noise) at
//! the current weights, then the weights by one explicit Euler step of the STDP equation at the
//! new phases (first-order operator splitting; the weights are slow, `ε ≪ 1`). The structural
//! events draw from `seed.stream("dynamics/structural", &[event])` and the phase noise from
//! `seed.stream("dynamics/network", &[0])`.

use crate::error::{DynamicsError, Result};
use crate::network::{
    Coupling, NETWORK_STREAM, NetworkRunParams, PairCoupling, PhaseNetwork, check_phases,
    coupled_slope_bound, order_parameter, step_limit,
};
use crate::ode::{Rk4Workspace, rk4_step};
use crate::sde::{Integrator, NoiseIncrement, SdeWorkspace, check_scheme, check_step};
use dgnn_core::error::{finite, in_range, non_negative, positive};
use dgnn_core::{ParamError, ParamGuard, Progress, Seed, Valid, Validate};
use rand::RngExt;
use serde::{Deserialize, Serialize};
use std::f64::consts::TAU;

/// The phase-difference STDP rule (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StdpRule {
    /// Learning rate `ε ≥ 0` (weights per time unit per unit of `Λ`).
    pub rate: f64,
    /// Potentiation amplitude `A₊ ≥ 0`.
    pub potentiation: f64,
    /// Depression amplitude `A₋ ≥ 0`.
    pub depression: f64,
    /// Potentiation window width `λ₊ > 0` in radians of phase lag.
    pub potentiation_width_rad: f64,
    /// Depression window width `λ₋ > 0` in radians of phase lag.
    pub depression_width_rad: f64,
    /// Upper bound `κ_max > 0` of the weights.
    pub max_weight: f64,
}

impl Validate for StdpRule {
    fn validate(&self) -> Result<(), ParamError> {
        non_negative("stdp.rate", self.rate)?;
        non_negative("stdp.potentiation", self.potentiation)?;
        non_negative("stdp.depression", self.depression)?;
        positive("stdp.potentiation_width_rad", self.potentiation_width_rad)?;
        positive("stdp.depression_width_rad", self.depression_width_rad)?;
        positive("stdp.max_weight", self.max_weight)?;
        Ok(())
    }
}

impl StdpRule {
    /// `Λ(s)` for a pre→post lag `s` (any real; reduced mod 2π).
    ///
    /// ```
    /// use dgnn_dynamics::plasticity::StdpRule;
    /// let rule = StdpRule { rate: 0.01, potentiation: 1.0, depression: 0.5,
    ///     potentiation_width_rad: 1.0, depression_width_rad: 3.0, max_weight: 1.0 };
    /// assert!(rule.window(0.0) > 0.0);          // synchrony potentiates
    /// assert!(rule.window(-0.01) < 0.0);        // post slightly before pre depresses
    /// ```
    #[must_use]
    pub fn window(&self, lag_rad: f64) -> f64 {
        let s = dgnn_core::angle::wrap_two_pi(lag_rad);
        let (lp, lm) = (self.potentiation_width_rad, self.depression_width_rad);
        self.potentiation * (-s / lp).exp() / -(-TAU / lp).exp_m1()
            - self.depression * (-(TAU - s) / lm).exp() / -(-TAU / lm).exp_m1()
    }

    /// The window averaged over uniform lags, `(A₊λ₊ − A₋λ₋)/(2π)`.
    #[must_use]
    pub fn mean_window(&self) -> f64 {
        (self.potentiation * self.potentiation_width_rad
            - self.depression * self.depression_width_rad)
            / TAU
    }
}

/// The structural plasticity rule (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StructuralRule {
    /// Time between structural updates (> 0).
    pub interval: f64,
    /// Links weaker than this may be removed (≥ 0).
    pub prune_below: f64,
    /// Probability that a weak link is removed at an update, in [0, 1].
    pub remove_probability: f64,
    /// Probability that an absent link is created at an update, in [0, 1].
    pub add_probability: f64,
    /// The weight of a new link (≥ 0).
    pub new_weight: f64,
}

impl Validate for StructuralRule {
    fn validate(&self) -> Result<(), ParamError> {
        positive("structural.interval", self.interval)?;
        non_negative("structural.prune_below", self.prune_below)?;
        in_range("structural.remove_probability", self.remove_probability, 0.0, 1.0)?;
        in_range("structural.add_probability", self.add_probability, 0.0, 1.0)?;
        non_negative("structural.new_weight", self.new_weight)?;
        Ok(())
    }
}

/// A checked network with plastic weights and links (built only by [`PlasticNetwork::new`],
/// which checks every part).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlasticNetwork {
    omega: Vec<f64>,
    strength: f64,
    pair: Valid<PairCoupling>,
    noise: f64,
    weights: Vec<f64>,
    links: Vec<bool>,
    stdp: Option<Valid<StdpRule>>,
    structural: Option<Valid<StructuralRule>>,
}

impl PlasticNetwork {
    /// A plastic network: frequencies `omega` (N), global strength `K`, pair function, phase
    /// diffusion `D`, initial weights `κ` (N×N row-major, row = inputs of a unit, each in
    /// `[0, κ_max]`; links exist where `κ_ij > 0` and `i ≠ j`), and the optional rules.
    #[allow(clippy::too_many_arguments)] // mirrors the fields of the model, each documented
    pub fn new(
        omega: Vec<f64>,
        strength: f64,
        pair: PairCoupling,
        noise: f64,
        weights: Vec<f64>,
        stdp: Option<StdpRule>,
        structural: Option<StructuralRule>,
    ) -> Result<Self, ParamError> {
        // The phase part is checked by PhaseNetwork (sizes, finite values, noise).
        PhaseNetwork::new(omega.clone(), Coupling::Matrix(weights.clone()), pair, noise)?;
        finite("strength", strength)?;
        let pair = pair.check()?;
        let stdp = stdp.map(StdpRule::check).transpose()?;
        let structural = structural.map(StructuralRule::check).transpose()?;
        let max = stdp.as_ref().map_or(f64::INFINITY, |s| s.max_weight);
        let n = omega.len();
        for (k, &w) in weights.iter().enumerate() {
            if !(0.0..=max).contains(&w) {
                return Err(ParamError::new(
                    format!("weights[{}][{}]", k / n, k % n),
                    w,
                    format!("must lie in [0, {max}] (stdp.max_weight)"),
                ));
            }
        }
        let links = (0..n * n).map(|k| k / n != k % n && weights[k] > 0.0).collect();
        Ok(Self { omega, strength, pair, noise, weights, links, stdp, structural })
    }

    /// The number of units.
    #[must_use]
    pub fn len(&self) -> usize {
        self.omega.len()
    }

    /// Always false: a network has at least one unit.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.omega.is_empty()
    }

    /// The current weights (0 where there is no link).
    #[must_use]
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }

    /// The current adjacency (row-major).
    #[must_use]
    pub fn links(&self) -> &[bool] {
        &self.links
    }

    /// The global coupling strength `K`.
    #[must_use]
    pub fn strength(&self) -> f64 {
        self.strength
    }

    /// Sets the global coupling strength `K` (finite), keeping weights and links: the step of a
    /// sweep that carries the network's state from one coupling to the next.
    pub fn set_strength(&mut self, strength: f64) -> Result<(), ParamError> {
        self.strength = finite("strength", strength)?;
        Ok(())
    }

    /// Every link `i ≠ j` present with weight `weight` (clipped to `[0, κ_max]`): the uniform
    /// start of a sweep branch.
    fn reset_links(&mut self, weight: f64) {
        let max = self.stdp.as_ref().map_or(f64::INFINITY, |s| s.max_weight);
        let n = self.len();
        for k in 0..n * n {
            let linked = k / n != k % n;
            self.links[k] = linked;
            self.weights[k] = if linked { weight.clamp(0.0, max) } else { 0.0 };
        }
    }

    /// The fraction of possible links (`N(N − 1)`) that exist.
    #[must_use]
    pub fn link_density(&self) -> f64 {
        let n = self.len();
        if n < 2 {
            return 0.0;
        }
        self.links.iter().filter(|&&l| l).count() as f64 / (n * (n - 1)) as f64
    }

    /// The mean weight over existing links (0 without links).
    #[must_use]
    pub fn mean_weight(&self) -> f64 {
        let (sum, count) = self
            .weights
            .iter()
            .zip(&self.links)
            .filter(|(_, l)| **l)
            .fold((0.0, 0usize), |(s, c), (w, _)| (s + w, c + 1));
        if count == 0 { 0.0 } else { sum / count as f64 }
    }

    /// The phase network of the current weights, `W_ij = (K/N) A_ij κ_ij`, with plasticity
    /// frozen (for [`crate::stability`]: the weights are slow, so its locked states are the
    /// adiabatic picture of the plastic network's).
    #[must_use]
    pub fn phase_network(&self) -> PhaseNetwork {
        let scale = self.strength / self.len() as f64;
        let matrix = self
            .weights
            .iter()
            .zip(&self.links)
            .map(|(w, &l)| if l { scale * w } else { 0.0 })
            .collect();
        // Valid by construction: N×N entries from finite weights and a finite K (only an
        // overflow of K/N·κ could be infinite, and integrating then reports a non-finite state).
        PhaseNetwork::from_checked_parts(self.omega.clone(), matrix, self.pair, self.noise)
    }

    /// A bound on the drift's slope that holds for every weight the rules can reach
    /// (`W_ij = (K/N) κ_ij` with `κ` up to `stdp.max_weight`, the structural `new_weight` or
    /// today's largest weight), as [`check_step`] takes it.
    #[must_use]
    pub fn drift_slope_bound(&self) -> f64 {
        let n = self.len();
        let mut largest = self.weights.iter().copied().fold(0.0, f64::max);
        if let Some(rule) = &self.stdp {
            largest = largest.max(rule.max_weight);
        }
        if let Some(rule) = &self.structural {
            largest = largest.max(rule.new_weight);
        }
        let row_sum = self.strength.abs() / n as f64 * largest * (n - 1) as f64;
        coupled_slope_bound(row_sum, &self.pair)
    }

    /// Refuses a step `dt` beyond the stability limit of `scheme` (RK4 without noise) for the
    /// strongest coupling the network's rules can reach ([`check_step`]).
    ///
    /// # Errors
    /// A [`ParamError`] on `dt` with the numbers and a step to use.
    pub fn check_step(&self, scheme: &impl Integrator, dt: f64) -> Result<(), ParamError> {
        check_step(Some(self.drift_slope_bound()), step_limit(self.noise, scheme), dt)
    }

    /// One explicit Euler step of STDP over `dt` at phases `theta`.
    fn stdp_step(&mut self, theta: &[f64], dt: f64) {
        let Some(rule) = self.stdp else { return };
        let n = self.len();
        for i in 0..n {
            for j in 0..n {
                let k = i * n + j;
                if self.links[k] {
                    let w = self.weights[k] + dt * rule.rate * rule.window(theta[j] - theta[i]);
                    self.weights[k] = w.clamp(0.0, rule.max_weight);
                }
            }
        }
    }

    /// One structural update with randomness from `rng`.
    fn structural_step<R: rand::Rng + ?Sized>(&mut self, rng: &mut R) {
        let Some(rule) = self.structural else { return };
        let n = self.len();
        for k in 0..n * n {
            if k / n == k % n {
                continue;
            }
            let u: f64 = rng.random();
            if self.links[k] {
                if self.weights[k] < rule.prune_below && u < rule.remove_probability {
                    self.links[k] = false;
                    self.weights[k] = 0.0;
                }
            } else if u < rule.add_probability {
                self.links[k] = true;
                self.weights[k] = rule.new_weight;
            }
        }
    }
}

/// The stream name of structural plasticity events.
pub const STRUCTURAL_STREAM: &str = "dynamics/structural";

/// The course of a plastic network run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlasticRun {
    /// Recording times.
    pub times: Vec<f64>,
    /// Kuramoto order parameter `r(t)`.
    pub r: Vec<f64>,
    /// Mean phase `ψ(t)`.
    pub psi: Vec<f64>,
    /// Mean weight over existing links.
    pub mean_weight: Vec<f64>,
    /// Fraction of possible links present.
    pub link_density: Vec<f64>,
    /// The final phases.
    pub final_phases: Vec<f64>,
}

/// Integrates a plastic network from `theta0` (see the module docs for the splitting and the
/// streams); the network's weights and links are updated in place. Progress counts steps.
pub fn simulate_plastic_network(
    network: &mut PlasticNetwork,
    theta0: &[f64],
    params: &Valid<NetworkRunParams>,
    seed: Seed,
    progress: &dyn Progress,
) -> Result<PlasticRun> {
    check_phases("initial phases", theta0, network.len())?;
    check_scheme(&network.phase_network(), &params.scheme)?;
    network.check_step(&params.scheme, params.dt)?;
    let mut theta = theta0.to_vec();
    let mut rng = seed.stream(NETWORK_STREAM, &[0]);
    let mut rk4 = Rk4Workspace::new(theta.len());
    let mut work = SdeWorkspace::new(theta.len());
    let mut noise = vec![NoiseIncrement::default(); theta.len()];
    let record = |net: &PlasticNetwork, theta: &[f64], t: f64, run: &mut PlasticRun| {
        let (r, psi) = order_parameter(theta);
        run.times.push(t);
        run.r.push(r);
        run.psi.push(psi);
        run.mean_weight.push(net.mean_weight());
        run.link_density.push(net.link_density());
    };
    let mut run = PlasticRun {
        times: vec![],
        r: vec![],
        psi: vec![],
        mean_weight: vec![],
        link_density: vec![],
        final_phases: vec![],
    };
    record(network, &theta, 0.0, &mut run);
    let mut next_event = network.structural.map_or(f64::INFINITY, |s| s.interval);
    let mut event = 0u64;
    progress.start(params.steps as u64, "steps");
    for step in 0..params.steps {
        let t = step as f64 * params.dt;
        let phases = network.phase_network();
        if network.noise > 0.0 {
            for n in noise.iter_mut() {
                *n = NoiseIncrement::sample(&mut rng, params.dt, params.scheme.needs_dz());
            }
            params.scheme.step(&phases, t, &mut theta, params.dt, &noise, &mut work);
        } else {
            rk4_step(&phases, t, &mut theta, params.dt, &mut rk4);
        }
        if let Some(&bad) = theta.iter().find(|v| !v.is_finite()) {
            return Err(DynamicsError::NonFinite {
                step: step + 1,
                time: t + params.dt,
                value: bad,
            });
        }
        network.stdp_step(&theta, params.dt);
        let now = t + params.dt;
        while now >= next_event - 1e-12 * params.dt {
            let mut events = seed.stream(STRUCTURAL_STREAM, &[event]);
            network.structural_step(&mut events);
            event += 1;
            next_event += network.structural.map_or(f64::INFINITY, |s| s.interval);
        }
        if (step + 1).is_multiple_of(params.record_every) {
            record(network, &theta, now, &mut run);
            progress.advance(params.record_every as u64);
        }
    }
    progress.finish();
    run.final_phases = theta;
    Ok(run)
}

/// Unchecked settings of a coupling hysteresis sweep; [`ParamGuard::check`] makes them the
/// `Valid<HysteresisParams>` that [`coupling_hysteresis`] takes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HysteresisParams {
    /// The couplings `K` in increasing order (at least one): the upward branch visits them in
    /// this order, the downward branch in reverse.
    pub couplings: Vec<f64>,
    /// Integration of each stay at one coupling (its `steps` set the stay's length).
    pub stay: NetworkRunParams,
    /// `r` of a stay is averaged over its last `average_share` (in (0, 1]) of recordings.
    pub average_share: f64,
    /// The weight of every link at the desynchronised start of the upward branch (phases
    /// uniform), in `[0, κ_max]`.
    pub desynchronised_weight: f64,
    /// The weight of every link at the synchronised start of the downward branch (all phases
    /// 0), in `[0, κ_max]`.
    pub synchronised_weight: f64,
}

impl Validate for HysteresisParams {
    fn validate(&self) -> Result<(), ParamError> {
        dgnn_core::error::at_least("couplings", self.couplings.len(), 1)?;
        for (i, k) in self.couplings.iter().enumerate() {
            finite(&format!("couplings[{i}]"), *k)?;
        }
        if let Some(i) =
            (1..self.couplings.len()).find(|&i| self.couplings[i] < self.couplings[i - 1])
        {
            return Err(ParamError::new(
                format!("couplings[{i}]"),
                self.couplings[i],
                "must not be below the coupling before it (list them in increasing order)",
            ));
        }
        self.stay.validate().map_err(|e| e.within("stay"))?;
        in_range("average_share", self.average_share, f64::MIN_POSITIVE, 1.0)?;
        non_negative("desynchronised_weight", self.desynchronised_weight)?;
        non_negative("synchronised_weight", self.synchronised_weight)?;
        Ok(())
    }
}

/// The state reached at the end of one stay of a hysteresis sweep.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct HysteresisPoint {
    /// The coupling `K` of the stay.
    pub coupling: f64,
    /// `r` averaged over the stay's last `average_share`.
    pub r: f64,
    /// The mean weight over existing links at the end of the stay.
    pub mean_weight: f64,
    /// The fraction of possible links present at the end of the stay.
    pub link_density: f64,
}

/// The two branches of a coupling hysteresis sweep.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HysteresisRun {
    /// From the desynchronised start, couplings increasing.
    pub upward: Vec<HysteresisPoint>,
    /// From the synchronised start, couplings decreasing.
    pub downward: Vec<HysteresisPoint>,
}

impl HysteresisRun {
    /// The couplings at which the two branches end in different states: the downward branch's
    /// `r` exceeds the upward branch's by more than `gap` (the bistable window of the sweep).
    #[must_use]
    pub fn bistable_couplings(&self, gap: f64) -> Vec<f64> {
        self.upward
            .iter()
            .filter_map(|up| {
                let down =
                    self.downward.iter().find(|d| d.coupling.total_cmp(&up.coupling).is_eq())?;
                (down.r - up.r > gap).then_some(up.coupling)
            })
            .collect()
    }
}

/// The stream name of the hysteresis sweep (initial phases and per-stay seeds).
pub const HYSTERESIS_STREAM: &str = "dynamics/hysteresis";

/// Refuses the step of a hysteresis sweep when it is beyond the scheme's stability limit at
/// the sweep's strongest coupling (checked once, before any stay runs).
///
/// # Errors
/// A [`ParamError`] on `stay.dt` with the numbers and a step to use.
pub fn check_hysteresis_step(
    template: &PlasticNetwork,
    params: &HysteresisParams,
) -> Result<(), ParamError> {
    let mut strongest = template.clone();
    strongest.set_strength(params.couplings.iter().fold(0.0, |m: f64, k| m.max(k.abs())))?;
    strongest.check_step(&params.stay.scheme, params.stay.dt).map_err(|e| e.within("stay"))
}

/// A coupling hysteresis sweep of the plastic network `template` (its frequencies, pair
/// function, noise and rules; its weights and strength are replaced): the upward branch starts
/// desynchronised (phases uniform from `seed.stream("dynamics/hysteresis", &[0])`, every link at
/// `desynchronised_weight`), the downward branch synchronised (phases 0, links at
/// `synchronised_weight`); each stays `stay.steps` steps at one coupling and hands its phases,
/// weights and links to the next. Stay `j` of branch `b` (0 up, 1 down) integrates with the seed
/// drawn from `seed.stream("dynamics/hysteresis", &[1, b, j])`. The two branches run in
/// parallel; the result does not depend on the number of threads. Progress counts stays.
///
/// Where both branches end in different states at one coupling, both states are stable there:
/// the bistability of Chauhan et al. (2022).
pub fn coupling_hysteresis(
    template: &PlasticNetwork,
    params: &Valid<HysteresisParams>,
    seed: Seed,
    progress: &dyn Progress,
) -> Result<HysteresisRun> {
    let n = template.len();
    let mut rng = seed.stream(HYSTERESIS_STREAM, &[0]);
    let uniform: Vec<f64> = (0..n).map(|_| TAU * rng.random::<f64>()).collect();
    let stay = params.stay.check().map_err(|e| e.within("stay"))?;
    check_hysteresis_step(template, params)?;
    progress.start(2 * params.couplings.len() as u64, "stays");
    let branch = |index: u64, start: &[f64], weight: f64, couplings: Vec<f64>| {
        let mut network = template.clone();
        network.reset_links(weight);
        let mut theta = start.to_vec();
        let mut points = Vec::with_capacity(couplings.len());
        for (j, k) in couplings.into_iter().enumerate() {
            network.set_strength(k)?;
            let stay_seed = Seed(seed.stream(HYSTERESIS_STREAM, &[1, index, j as u64]).random());
            let run = simulate_plastic_network(
                &mut network,
                &theta,
                &stay,
                stay_seed,
                &dgnn_core::NoProgress,
            )?;
            let from = run.r.len()
                - ((params.average_share * run.r.len() as f64).ceil() as usize)
                    .clamp(1, run.r.len());
            let tail = &run.r[from..];
            points.push(HysteresisPoint {
                coupling: k,
                r: tail.iter().sum::<f64>() / tail.len() as f64,
                mean_weight: network.mean_weight(),
                link_density: network.link_density(),
            });
            theta = run.final_phases;
            progress.advance(1);
        }
        Ok::<_, DynamicsError>(points)
    };
    let upward_k = params.couplings.clone();
    let downward_k: Vec<f64> = params.couplings.iter().rev().copied().collect();
    let (upward, downward) = rayon::join(
        || branch(0, &uniform, params.desynchronised_weight, upward_k),
        || branch(1, &vec![0.0; n], params.synchronised_weight, downward_k),
    );
    progress.finish();
    Ok(HysteresisRun { upward: upward?, downward: downward? })
}
