//! Phase-gated coupling: every hidden neuron carries a relative phase that settles on an HKB
//! landscape, and the weight between two units is gated by their phase difference.
//!
//! Model (our construction from the paper's proposal, docs/science.md, sections Dynamics and
//! Glia-neuron networks):
//! - each hidden neuron `i` has a relative phase `Δ_i` to the network's common rhythm (inputs and
//!   outputs sit at phase 0) obeying the extended HKB equation (Haken, Kelso & Bunz 1985;
//!   Kelso, DelColle & Schöner 1990) `dΔ/dt = δω − a sin Δ − 2b sin 2Δ`, integrated with RK4
//!   (dgnn-dynamics) until it reaches an attractor, a stable fixed point found by dgnn-dynamics'
//!   landscape analysis. For `δω = 0` these are in-phase `Δ = 0` and, iff `b/a > 1/4`,
//!   anti-phase `Δ = π`;
//! - a *context* (task id) sets the initial phases, `Δ_i(0)` drawn once per (context, region) from
//!   the network's seed, so each context lands in its own attractor of the whole network: one
//!   network holds several behaviours (multistability ⇒ multitask, as the paper proposes; the
//!   mechanism is the context-dependent gating of Masse, Grant & Freedman 2018, PNAS 115:E10467,
//!   with the gate pattern chosen by dynamics instead of by hand);
//! - the effective weight from unit `j` to unit `i` is `w_ij · g(Δ_i − Δ_j)` with
//!   `g(Δ) = 1 − κ (1 − cos Δ)/2`: κ = 1 gives the proposal's `w·(1 + cos Δφ)/2`, κ = 0 no gating.
//!   Units in the same attractor couple fully; in-phase and anti-phase units (κ = 1) not at all.
//!
//! Gates depend on the genes and the context only, never on the weights, so weight training
//! treats them as constants (`∂(w g)/∂w = g`). The phase trainer ([`crate::learn`]) instead
//! learns the phases themselves through the gates' slope [`PhaseLayer::gate_slope`], from the
//! unsettled starts [`PhaseState::starts`], and projects them onto the attractors at the end
//! ([`PhaseState::project_to_attractors`]). The number of attractors of the phase layer is
//! `m^n` for `n` hidden neurons with `m` attractors each ([`PhaseState::attractors_per_unit`]).
//! A detuning too large for any attractor (the phases would run, never settle) is refused.

use crate::GliaError;
use dgnn_core::error::{at_least, finite, in_range, non_negative};
use dgnn_core::{ParamError, Seed, Valid, Validate};
use dgnn_dynamics::Potential;
use dgnn_dynamics::landscape::{FixedPoint, Stability, fixed_points, locking_range};
use rand::RngExt;
use serde::{Deserialize, Serialize};
use std::f64::consts::PI;

fn default_a() -> f64 {
    1.0
}
fn default_b() -> f64 {
    1.0
}
fn default_coupling() -> f64 {
    1.0
}
fn default_contexts() -> usize {
    1
}

/// The phase layer's genes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhaseLayer {
    /// HKB `a` (default 1.0; ≥ 0).
    #[serde(default = "default_a")]
    pub a: f64,
    /// HKB `b` (default 1.0; ≥ 0). Bistable (in- and anti-phase) iff `b/a > 1/4` at zero detuning.
    #[serde(default = "default_b")]
    pub b: f64,
    /// Detuning `δω` (default 0.0): tilts the landscape and shifts the attractors.
    #[serde(default)]
    pub detuning: f64,
    /// Gating depth κ in [0, 1] (default 1.0: full `(1 + cos Δφ)/2` gating).
    #[serde(default = "default_coupling")]
    pub coupling: f64,
    /// Number of contexts (tasks) the network serves (default 1).
    #[serde(default = "default_contexts")]
    pub contexts: usize,
}

impl Default for PhaseLayer {
    fn default() -> Self {
        Self { a: 1.0, b: 1.0, detuning: 0.0, coupling: 1.0, contexts: 1 }
    }
}

/// Checks the genes: `a, b ≥ 0` not both 0, finite detuning, κ in [0, 1], at least one context.
impl Validate for PhaseLayer {
    fn validate(&self) -> Result<(), ParamError> {
        non_negative("a", self.a)?;
        non_negative("b", self.b)?;
        if self.a + self.b <= 0.0 {
            return Err(ParamError::new("b", self.b, "a and b cannot both be 0 (no landscape)"));
        }
        finite("detuning", self.detuning)?;
        in_range("coupling", self.coupling, 0.0, 1.0)?;
        at_least("contexts", self.contexts, 1)?;
        Ok(())
    }
}

impl PhaseLayer {
    /// The landscape of one unit's relative phase.
    pub fn potential(&self) -> Result<dgnn_dynamics::TiltedHkb, GliaError> {
        Ok(dgnn_dynamics::TiltedHkb::new(self.a, self.b, self.detuning)?)
    }

    /// The gate `g(Δ) = 1 − κ(1 − cos Δ)/2` on a synapse between units whose phases differ by
    /// `delta_rad`.
    #[must_use]
    pub fn gate(&self, delta_rad: f64) -> f64 {
        1.0 - self.coupling * (1.0 - delta_rad.cos()) / 2.0
    }

    /// The gate's slope `g′(Δ) = −κ sin Δ / 2`: how the gate of a synapse changes with the phase
    /// difference `delta_rad` (the phase trainer's chain rule, [`crate::learn`]).
    #[must_use]
    pub fn gate_slope(&self, delta_rad: f64) -> f64 {
        -self.coupling * delta_rad.sin() / 2.0
    }

    /// The attractors of one unit's landscape, the stable fixed points found by dgnn-dynamics'
    /// landscape analysis (phases in `[-π, π)`, increasing).
    ///
    /// # Errors
    /// The landscape has no attractor (the detuning is too large: the phases would run).
    pub fn attractors_rad(&self) -> Result<Vec<f64>, GliaError> {
        self.attractors_among(&fixed_points(&self.potential()?))
    }

    /// The stable ones of this layer's fixed points `points` ([`Self::attractors_rad`]).
    fn attractors_among(&self, points: &[FixedPoint]) -> Result<Vec<f64>, GliaError> {
        let attractors: Vec<f64> = points
            .iter()
            .filter(|f| f.stability == Stability::Stable)
            .map(|f| f.phase_rad)
            .collect();
        if attractors.is_empty() {
            return Err(GliaError::Dynamics(format!(
                "the landscape a = {}, b = {}, detuning = {} has no attractor, so the phases \
                 never settle: make |detuning| smaller than about a + 2b",
                self.a, self.b, self.detuning
            )));
        }
        Ok(attractors)
    }

    /// How far the detuning reaches into the 1:1 locking range (the Arnold tongue) of one
    /// unit's landscape: `δω / high` for `δω ≥ 0` and `δω / low` otherwise, with `(low, high)`
    /// dgnn-dynamics' [`locking_range`] (the extremes of `a sin Δ + 2b sin 2Δ`). 0 on the
    /// tongue's centre line, 1 at its edge, where the attractors vanish and the phases run.
    ///
    /// # Errors
    /// A landscape dgnn-dynamics refuses.
    pub fn locking_share(&self) -> Result<f64, GliaError> {
        let (low, high) =
            locking_range(&self.potential()?).map_err(|e| GliaError::Dynamics(e.to_string()))?;
        Ok(if self.detuning >= 0.0 { self.detuning / high } else { self.detuning / low })
    }
}

/// The settled phases of every hidden neuron in every context.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhaseState {
    /// The attractors of one unit's landscape (phases in `[-π, π)`, increasing).
    pub attractors_rad: Vec<f64>,
    /// `phases_rad[context][region][neuron]`: the settled phase.
    pub phases_rad: Vec<Vec<Vec<f64>>>,
}

impl PhaseState {
    /// Settles every unit of regions with `region_sizes` neurons, for every context of `layer`,
    /// from the initial phases of [`Self::starts`].
    pub fn settle(
        layer: &Valid<PhaseLayer>,
        region_sizes: &[usize],
        seed: Seed,
    ) -> Result<Self, GliaError> {
        let basins = Basins::of(layer)?;
        let phases_rad = Self::starts(layer, region_sizes, seed)
            .into_iter()
            .map(|context| {
                context
                    .into_iter()
                    .map(|region| region.into_iter().map(|start| basins.settle(start)).collect())
                    .collect()
            })
            .collect();
        Ok(Self { attractors_rad: basins.attractors, phases_rad })
    }

    /// The phase layer before it settles: every unit at its initial phase of [`Self::starts`],
    /// the start of the phase trainer ([`crate::learn`]).
    pub fn unsettled(
        layer: &Valid<PhaseLayer>,
        region_sizes: &[usize],
        seed: Seed,
    ) -> Result<Self, GliaError> {
        Ok(Self {
            attractors_rad: layer.attractors_rad()?,
            phases_rad: Self::starts(layer, region_sizes, seed),
        })
    }

    /// The initial phases `Δ_i(0)`, `[context][region][neuron]`, uniform on `[-π, π)`, drawn
    /// from `seed` (stream `glia/phase/context`, path `[context, region]`).
    #[must_use]
    pub fn starts(
        layer: &Valid<PhaseLayer>,
        region_sizes: &[usize],
        seed: Seed,
    ) -> Vec<Vec<Vec<f64>>> {
        (0..layer.contexts)
            .map(|c| {
                region_sizes
                    .iter()
                    .enumerate()
                    .map(|(r, &n)| {
                        let mut rng = seed.stream("glia/phase/context", &[c as u64, r as u64]);
                        (0..n).map(|_| rng.random_range(-PI..PI)).collect()
                    })
                    .collect()
            })
            .collect()
    }

    /// Moves every phase to its nearest attractor (by distance on the circle), so the layer is
    /// a settled one again after the phase trainer; returns the largest move, in radians.
    pub fn project_to_attractors(&mut self) -> f64 {
        let mut largest = 0.0f64;
        for phase in self.phases_rad.iter_mut().flatten().flatten() {
            let (distance, attractor) = nearest_attractor(&self.attractors_rad, *phase);
            largest = largest.max(distance);
            *phase = attractor;
        }
        largest
    }

    /// Number of attractors of one unit's landscape (from dgnn-dynamics' analysis).
    #[must_use]
    pub fn attractors_per_unit(&self) -> usize {
        self.attractors_rad.len()
    }

    /// log2 of the number of attractors of the whole phase layer, `n · log2 m` for `n` units with
    /// `m` attractors each (the count itself overflows quickly).
    #[must_use]
    pub fn network_attractors_log2(&self) -> f64 {
        let units: usize = self.phases_rad.first().map_or(0, |c| c.iter().map(Vec::len).sum());
        units as f64 * (self.attractors_rad.len() as f64).log2()
    }

    /// How many distinct whole-network attractors the contexts landed in.
    #[must_use]
    pub fn distinct_context_states(&self) -> usize {
        let mut seen: Vec<Vec<u64>> = Vec::new();
        for context in &self.phases_rad {
            let key: Vec<u64> = context.iter().flatten().map(|p| p.to_bits()).collect();
            if !seen.contains(&key) {
                seen.push(key);
            }
        }
        seen.len()
    }

    /// The phase of unit `neuron` of layer boundary `level` in `context`: level 0 is the input,
    /// levels `1..=regions` the hidden regions, `regions + 1` the output (inputs and outputs sit
    /// at phase 0).
    pub(crate) fn unit_phase(&self, context: usize, level: usize, neuron: usize) -> f64 {
        let regions = &self.phases_rad[context];
        if level == 0 || level > regions.len() { 0.0 } else { regions[level - 1][neuron] }
    }

    /// The gate matrix of layer `layer` (from level `layer` to level `layer + 1`) in `context`,
    /// row-major `inputs × outputs`.
    pub(crate) fn gates(
        &self,
        phase: &PhaseLayer,
        context: usize,
        layer: usize,
        inputs: usize,
        outputs: usize,
    ) -> Vec<f64> {
        let mut g = Vec::with_capacity(inputs * outputs);
        for i in 0..inputs {
            let from = self.unit_phase(context, layer, i);
            for o in 0..outputs {
                g.push(phase.gate(self.unit_phase(context, layer + 1, o) - from));
            }
        }
        g
    }
}

/// The attractor nearest to `x` on the circle, `(distance, attractor)` (the first of equals;
/// `(∞, x)` without attractors).
fn nearest_attractor(attractors: &[f64], x: f64) -> (f64, f64) {
    nearest_index(attractors, x).map_or((f64::INFINITY, x), |(d, i)| (d, attractors[i]))
}

/// The index of the attractor nearest to `x` on the circle and its distance (the first of
/// equals).
fn nearest_index(attractors: &[f64], x: f64) -> Option<(f64, usize)> {
    attractors
        .iter()
        .enumerate()
        .map(|(i, &m)| (dgnn_core::angle::wrap_pi(x - m).abs(), i))
        .min_by(|p, q| p.0.total_cmp(&q.0))
}

/// One unit's landscape as settling uses it: the flow `dΔ/dt = −U′(Δ)`, its attractors, and
/// around each attractor a capture radius: half the distance on the circle to the nearest fixed
/// point that is not an attractor (a repeller or a saddle-node; 0 if there is none).
struct Basins {
    potential: dgnn_dynamics::TiltedHkb,
    attractors: Vec<f64>,
    capture: Vec<f64>,
}

impl Basins {
    fn of(layer: &PhaseLayer) -> Result<Self, GliaError> {
        let potential = layer.potential()?;
        let points = fixed_points(&potential);
        let attractors = layer.attractors_among(&points)?;
        let barriers: Vec<f64> = points
            .iter()
            .filter(|f| f.stability != Stability::Stable)
            .map(|f| f.phase_rad)
            .collect();
        let capture = attractors
            .iter()
            .map(|&m| {
                let gap = barriers
                    .iter()
                    .map(|&r| dgnn_core::angle::wrap_pi(m - r).abs())
                    .fold(f64::INFINITY, f64::min);
                if gap.is_finite() { 0.5 * gap } else { 0.0 }
            })
            .collect();
        Ok(Self { potential, attractors, capture })
    }

    /// Integrates `dΔ/dt = −U′(Δ)` with RK4 from `start` and returns the attractor it reaches,
    /// exactly.
    ///
    /// The step `dt = 0.1/(a + 4b + |δω|)` keeps `dt·|U″| ≤ 0.1`, so one RK4 step is an
    /// increasing map of the phase whose only fixed points are the flow's: the iterates move
    /// monotonically towards the attractor of the start's basin and never cross a repeller. Once
    /// an iterate lies within an attractor's capture radius (inside its basin, with no other
    /// fixed point between), that attractor is therefore where the integration ends, and it is
    /// returned at once; far from any attractor the integration goes on until it is within
    /// 1e-9 rad of one. A start exactly on a repeller stays there forever; the cap (1e6 steps
    /// ≈ 1e5 relaxation times) then hands it to the nearest attractor.
    fn settle(&self, start: f64) -> f64 {
        let h = self.potential.hkb();
        let rate = h.a() + 4.0 * h.b() + self.potential.detuning().abs();
        let dt = 0.1 / rate.max(1e-9);
        let mut x = start;
        for step in 0..1_000_000usize {
            let Some((distance, i)) = nearest_index(&self.attractors, x) else { return x };
            if distance < 1e-9 || distance < self.capture[i] {
                return self.attractors[i];
            }
            let drift = |_, y| self.potential.drift(y);
            x = dgnn_dynamics::ode::rk4_scalar(drift, step as f64 * dt, x, dt);
            x = dgnn_core::angle::wrap_pi(x);
        }
        nearest_attractor(&self.attractors, x).1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dgnn_core::ParamGuard;
    use dgnn_dynamics::landscape::attractor_count;

    #[test]
    fn the_locking_share_is_the_detuning_over_the_tongue_edge() {
        // Adler (b = 0): the phases lock for |δω| ≤ a, so δω = ±0.35 at a = 0.7 is half-way.
        let adler = |detuning| PhaseLayer { a: 0.7, b: 0.0, detuning, ..PhaseLayer::default() };
        assert!((adler(0.35).locking_share().unwrap() - 0.5).abs() < 1e-12);
        assert!((adler(-0.35).locking_share().unwrap() - 0.5).abs() < 1e-12);
        assert!(adler(0.0).locking_share().unwrap().abs() < 1e-15);
        // HKB a = 1, b = 1: the edge is max (sin Δ + 2 sin 2Δ), found here on a grid of 10⁶
        // points (error ≈ h²·max|P‴|/8 < 1e-10).
        let n = 1_000_000;
        let edge = (0..n)
            .map(|i| {
                let x = -PI + 2.0 * PI * i as f64 / n as f64;
                x.sin() + 2.0 * (2.0 * x).sin()
            })
            .fold(f64::NEG_INFINITY, f64::max);
        let hkb = PhaseLayer { a: 1.0, b: 1.0, detuning: 1.0, ..PhaseLayer::default() };
        assert!((hkb.locking_share().unwrap() - 1.0 / edge).abs() < 1e-9);
    }

    #[test]
    fn attractor_count_matches_the_landscape_analysis() {
        // docs/science.md#hkb: HKB is bistable iff b/a > 1/4. The phase layer must settle into
        // exactly as many distinct states as dgnn-dynamics counts stable fixed points, across a, b
        // and detuning, from 400 random starts (a basin of width w is missed with probability
        // (1 − w/2π)^400 < 1e-9 for w ≥ 0.35 rad, true of every basin in this table).
        for (a, b, detuning, expected) in [
            (1.0, 1.0, 0.0, 2),
            (1.0, 0.5, 0.0, 2),
            (1.0, 0.2, 0.0, 1),
            (1.0, 0.0, 0.5, 1),
            (1.0, 1.0, 0.8, 2),
        ] {
            let layer = PhaseLayer { a, b, detuning, coupling: 1.0, contexts: 1 };
            let state =
                PhaseState::settle(&layer.clone().check().unwrap(), &[400], Seed(3)).unwrap();
            let mut distinct: Vec<f64> = state.phases_rad[0][0].clone();
            distinct.sort_by(f64::total_cmp);
            distinct.dedup_by(|x, y| (*x - *y).abs() < 1e-12);
            let landscape = attractor_count(&layer.potential().unwrap());
            assert_eq!(landscape, expected, "a={a} b={b} δω={detuning}");
            assert_eq!(distinct.len(), landscape, "a={a} b={b} δω={detuning}");
            assert_eq!(state.attractors_per_unit(), landscape);
        }
    }

    /// Settling without capture radii: RK4 until within 1e-9 rad of an attractor (or 1e6 steps).
    fn integrate_to_tolerance(
        potential: &dgnn_dynamics::TiltedHkb,
        attractors: &[f64],
        start: f64,
    ) -> f64 {
        let h = potential.hkb();
        let dt = 0.1 / (h.a() + 4.0 * h.b() + potential.detuning().abs()).max(1e-9);
        let mut x = start;
        for step in 0..1_000_000usize {
            let (distance, m) = nearest_attractor(attractors, x);
            if distance < 1e-9 {
                return m;
            }
            x = dgnn_dynamics::ode::rk4_scalar(|_, y| potential.drift(y), step as f64 * dt, x, dt);
            x = dgnn_core::angle::wrap_pi(x);
        }
        nearest_attractor(attractors, x).1
    }

    proptest::proptest! {
        // Stopping at the capture radius returns what integrating to 1e-9 rad returns, bit for
        // bit, on landscapes with one or two attractors (|δω| < a keeps at least one: the
        // locking range of a sin Δ + 2b sin 2Δ reaches at least a) and starts all round the
        // circle.
        #[test]
        fn capture_radii_end_where_the_integration_ends(
            a in 0.05f64..2.0,
            b in 0.0f64..1.5,
            tilt in -0.95f64..0.95,
            starts in proptest::collection::vec(-PI..PI, 1..20),
        ) {
            let layer = PhaseLayer { a, b, detuning: tilt * a, ..PhaseLayer::default() };
            let basins = Basins::of(&layer).unwrap();
            for start in starts {
                let reference = integrate_to_tolerance(&basins.potential, &basins.attractors, start);
                proptest::prop_assert_eq!(basins.settle(start).to_bits(), reference.to_bits());
            }
        }
    }

    #[test]
    fn settled_phases_are_fixed_points_and_basins_are_respected() {
        // For δω = 0, a = b = 1 the repellers sit at cos φ* = −a/(4b) = −1/4, φ* = ±1.8235 rad:
        // starts with |Δ0| < 1.8235 settle in-phase (0), the others anti-phase (−π).
        let layer = PhaseLayer::default();
        let potential = layer.potential().unwrap();
        let attractors = vec![-PI, 0.0];
        let saddle = (-0.25f64).acos();
        for start in [-3.0, -1.9, -1.7, 0.3, 1.8, 1.85, 3.1] {
            let settled = Basins::of(&layer).unwrap().settle(start);
            assert_eq!(
                settled.to_bits(),
                integrate_to_tolerance(&potential, &attractors, start).to_bits()
            );
            let expected = if start.abs() < saddle { 0.0 } else { -PI };
            assert!((settled - expected).abs() < 1e-12, "start {start}: {settled}");
            assert!(potential.drift(settled).abs() < 1e-12);
        }
    }

    #[test]
    fn projection_moves_each_phase_to_its_nearest_attractor_on_the_circle() {
        // Attractors −π and 0 (a = b = 1): 0.3 → 0 (moved 0.3); 2.0 → −π, which is 2π − π − 2
        // = 1.1416 away across the wrap, nearer than 0; −1.9 → −π (1.2416); 3.0 → −π (0.1416).
        let mut state = PhaseState {
            attractors_rad: vec![-PI, 0.0],
            phases_rad: vec![vec![vec![0.3, 2.0, -1.9, 3.0]]],
        };
        let largest = state.project_to_attractors();
        assert_eq!(state.phases_rad[0][0], [0.0, -PI, -PI, -PI]);
        assert!((largest - (PI - 1.9)).abs() < 1e-15, "{largest}");
        assert_eq!(state.distinct_context_states(), 1);
    }

    #[test]
    fn starts_are_the_draws_the_settling_starts_from() {
        // Settling each start by hand (integrating until within 1e-9 rad of an attractor) gives
        // the settled layer, bit for bit.
        let layer =
            PhaseLayer { contexts: 2, detuning: 0.3, ..PhaseLayer::default() }.check().unwrap();
        let potential = layer.potential().unwrap();
        let attractors = layer.attractors_rad().unwrap();
        let starts = PhaseState::starts(&layer, &[3, 2], Seed(5));
        let settled = PhaseState::settle(&layer, &[3, 2], Seed(5)).unwrap();
        for (c, context) in starts.iter().enumerate() {
            for (r, region) in context.iter().enumerate() {
                for (i, &start) in region.iter().enumerate() {
                    let by_hand = integrate_to_tolerance(&potential, &attractors, start);
                    assert_eq!(by_hand.to_bits(), settled.phases_rad[c][r][i].to_bits());
                }
            }
        }
        let unsettled = PhaseState::unsettled(&layer, &[3, 2], Seed(5)).unwrap();
        assert_eq!(unsettled.phases_rad, starts);
        assert_eq!(unsettled.attractors_rad, settled.attractors_rad);
    }

    #[test]
    fn gate_slope_is_the_derivative_of_the_gate() {
        // g′(Δ) = −κ sin Δ / 2 against central differences (h = 1e-5: error ≈ h²/6 ≈ 2e-11).
        let layer = PhaseLayer { coupling: 0.7, ..PhaseLayer::default() };
        for delta in [-3.0, -1.2, 0.0, 0.4, 2.5] {
            let h = 1e-5;
            let fd = (layer.gate(delta + h) - layer.gate(delta - h)) / (2.0 * h);
            assert!((fd - layer.gate_slope(delta)).abs() < 1e-10, "Δ = {delta}");
        }
    }

    #[test]
    fn gate_is_the_raised_cosine() {
        let layer = PhaseLayer::default();
        assert!((layer.gate(0.0) - 1.0).abs() < 1e-15);
        assert!(layer.gate(PI).abs() < 1e-15);
        assert!((layer.gate(PI / 2.0) - 0.5).abs() < 1e-15);
        let half = PhaseLayer { coupling: 0.5, ..PhaseLayer::default() };
        assert!((half.gate(PI) - 0.5).abs() < 1e-15);
    }

    #[test]
    fn a_running_phase_is_refused() {
        // Adler (b = 0): no fixed point when |δω| > a.
        let layer = PhaseLayer { a: 1.0, b: 0.0, detuning: 1.5, ..PhaseLayer::default() };
        let layer = layer.check().unwrap();
        assert!(matches!(PhaseState::settle(&layer, &[3], Seed(1)), Err(GliaError::Dynamics(_))));
    }
}
