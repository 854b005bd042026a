//! The artificial-astrocyte rule of artificial neuron-glia networks (ANGNs).
//!
//! Porto-Pazos et al. 2011 (PLoS ONE 6:e19109) and Alvarellos-González, Pazos & Porto-Pazos 2012
//! (Comput Math Methods Med 2012:476324): every pattern is presented for `k` iterations. The
//! astrocyte watching a neuron keeps a counter in `[−μ, μ]` that moves +1 when the neuron is active
//! in an iteration and −1 when it is not. When the counter reaches `+μ` the neuron's outgoing
//! weights are potentiated, `w ← w + |w|·a` (a = 25 %); at `−μ` they are depressed,
//! `w ← w − |w|·b` (b = 50 %). The published `(k, μ)` pairs are 4-2, 6-2, 6-3 and 8-3. The
//! modifications last for the pattern: the next pattern starts from the trained weights.
//!
//! Because `w + |w|·z` keeps the sign of `w`, a neuron's modified outgoing weights are always
//! `w·P` for positive `w` and `w·N` for negative `w`, with two factors `P`, `N` per neuron
//! ([`AstrocyteState`]): potentiation multiplies `P` by `1 + a` and `N` by `1 − a`, depression `P`
//! by `1 − b` and `N` by `1 + b`. This is what lets the network apply the rule as one dense
//! product, of the stacked input `[x·P, x·N]` with the stacked weights `[W⁺; W⁻]` (positive and
//! negative parts), instead of rewriting weights.
//!
//! Variants (our reading of Alvarellos-González et al. 2012, each a flag of [`AstrocyteRule`]):
//! - *consecutive* activations: a change of direction restarts the count at ±1, so an event needs
//!   μ consecutive iterations of the same kind; *non-consecutive*: the counter simply moves ±1;
//! - *weight-limited*: the factors stay within one step of the trained weight
//!   (`P ∈ [1 − b, 1 + a]`, `N ∈ [1 − a, 1 + b]`); *unlimited*: they compound;
//! - *attenuated*: after an event the counter stays at ±μ instead of restarting at 0, so the
//!   effect repeats while the activity persists;
//! - *global* processing: one astrocyte counter per region, driven by the majority of its neurons,
//!   modulates all of them (applied by the network, not by [`AstrocyteRule::step`]).
//!
//! With a glia:neuron ratio below 1 an astrocyte's territory spans several neurons; its counter
//! then counts the territory as active when more than half of its neurons are.

use dgnn_core::error::{at_least, finite, in_range};
use dgnn_core::{ParamError, Validate};
use serde::{Deserialize, Serialize};

fn default_iterations() -> usize {
    6
}
fn default_threshold() -> usize {
    2
}
fn default_increase() -> f64 {
    0.25
}
fn default_decrease() -> f64 {
    0.5
}
fn default_true() -> bool {
    true
}

/// The artificial-astrocyte rule's parameters, each a gene the search can change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AstrocyteRule {
    /// `k`: iterations each pattern is presented for (default 6; ≥ 1).
    #[serde(default = "default_iterations")]
    pub iterations: usize,
    /// `μ`: counter value that triggers an event (default 2; 1 ≤ μ ≤ k).
    #[serde(default = "default_threshold")]
    pub threshold: usize,
    /// `a`: relative potentiation of outgoing weights (default 0.25; in [0, 1)).
    #[serde(default = "default_increase")]
    pub increase: f64,
    /// `b`: relative depression of outgoing weights (default 0.5; in [0, 1)).
    #[serde(default = "default_decrease")]
    pub decrease: f64,
    /// Count consecutive activations only (default true); false: non-consecutive.
    #[serde(default = "default_true")]
    pub consecutive: bool,
    /// Keep the factors within one step of the trained weight (default false: unlimited).
    #[serde(default)]
    pub weight_limited: bool,
    /// Keep the counter at ±μ after an event (default false: restart at 0).
    #[serde(default)]
    pub attenuated: bool,
    /// One counter per region instead of one per territory (default false).
    #[serde(default)]
    pub global: bool,
    /// A neuron counts as active in an iteration when its output exceeds this (default 0.0).
    #[serde(default)]
    pub active_above: f64,
}

impl Default for AstrocyteRule {
    fn default() -> Self {
        Self {
            iterations: default_iterations(),
            threshold: default_threshold(),
            increase: default_increase(),
            decrease: default_decrease(),
            consecutive: true,
            weight_limited: false,
            attenuated: false,
            global: false,
            active_above: 0.0,
        }
    }
}

/// What an astrocyte did to its territory's outgoing weights in one iteration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GlialEvent {
    /// Outgoing weights potentiated: `w ← w + |w|·a`.
    Potentiation,
    /// Outgoing weights depressed: `w ← w − |w|·b`.
    Depression,
}

/// One astrocyte's state during a pattern: its counter and the factors on its territory's
/// positive and negative outgoing weights (module docs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AstrocyteState {
    /// The activity counter in `[−μ, μ]`.
    pub counter: i32,
    /// Factor on positive outgoing weights.
    pub positive: f64,
    /// Factor on negative outgoing weights.
    pub negative: f64,
}

impl Default for AstrocyteState {
    fn default() -> Self {
        Self { counter: 0, positive: 1.0, negative: 1.0 }
    }
}

/// Checks the parameters (`1 ≤ μ ≤ k`, `a` and `b` in [0, 1)).
impl Validate for AstrocyteRule {
    fn validate(&self) -> Result<(), ParamError> {
        at_least("iterations", self.iterations, 1)?;
        at_least("threshold", self.threshold, 1)?;
        if self.threshold > self.iterations {
            return Err(ParamError::new(
                "threshold",
                self.threshold,
                format!(
                    "must not exceed iterations = {} (the counter could never reach it)",
                    self.iterations
                ),
            ));
        }
        in_range("increase", self.increase, 0.0, 0.999)?;
        in_range("decrease", self.decrease, 0.0, 0.999)?;
        finite("active_above", self.active_above)?;
        Ok(())
    }
}

impl AstrocyteRule {
    /// Advances one astrocyte by one iteration in which its territory was `active` (or not),
    /// applying the event, if any, to its factors.
    pub fn step(&self, state: &mut AstrocyteState, active: bool) -> Option<GlialEvent> {
        let mu = self.threshold as i32;
        state.counter = match (self.consecutive, active) {
            (true, true) => state.counter.max(0) + 1,
            (true, false) => state.counter.min(0) - 1,
            (false, true) => state.counter + 1,
            (false, false) => state.counter - 1,
        }
        .clamp(-mu, mu);
        let event = if state.counter == mu {
            state.positive *= 1.0 + self.increase;
            state.negative *= 1.0 - self.increase;
            Some(GlialEvent::Potentiation)
        } else if state.counter == -mu {
            state.positive *= 1.0 - self.decrease;
            state.negative *= 1.0 + self.decrease;
            Some(GlialEvent::Depression)
        } else {
            None
        };
        if event.is_some() {
            if !self.attenuated {
                state.counter = 0;
            }
            if self.weight_limited {
                state.positive = state.positive.clamp(1.0 - self.decrease, 1.0 + self.increase);
                state.negative = state.negative.clamp(1.0 - self.increase, 1.0 + self.decrease);
            }
        }
        event
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use GlialEvent::{Depression as D, Potentiation as P};
    use dgnn_core::ParamGuard;

    /// Runs a rule over an activity string ('A' active, 'I' inactive); returns the events and the
    /// final state.
    fn run(rule: &AstrocyteRule, pattern: &str) -> (Vec<Option<GlialEvent>>, AstrocyteState) {
        let mut state = AstrocyteState::default();
        let events = pattern.chars().map(|c| rule.step(&mut state, c == 'A')).collect();
        (events, state)
    }

    fn rule(consecutive: bool, limited: bool, attenuated: bool) -> AstrocyteRule {
        AstrocyteRule {
            iterations: 8,
            threshold: 2,
            consecutive,
            weight_limited: limited,
            attenuated,
            ..AstrocyteRule::default()
        }
    }

    // Hand-worked sequences, μ = 2, a = 0.25, b = 0.5 (Porto-Pazos et al. 2011 values).

    #[test]
    fn consecutive_unlimited() {
        // A A → +2: potentiate, restart. I → −1. A → restarts at +1. A → +2: potentiate.
        // A → +1. I I → −1, −2: depress. P = 1.25² · 0.5, N = 0.75² · 1.5.
        let (events, s) = run(&rule(true, false, false), "AAIAAAII");
        assert_eq!(events, [None, Some(P), None, None, Some(P), None, None, Some(D)]);
        assert!((s.positive - 1.25 * 1.25 * 0.5).abs() < 1e-15);
        assert!((s.negative - 0.75 * 0.75 * 1.5).abs() < 1e-15);
        assert_eq!(s.counter, 0);
    }

    #[test]
    fn non_consecutive_unlimited() {
        // Counter: A 1, I 0, A 1, A 2 → P (0), I −1, A 0, I −1, I −2 → D (0).
        let (events, s) = run(&rule(false, false, false), "AIAAIAII");
        assert_eq!(events, [None, None, None, Some(P), None, None, None, Some(D)]);
        assert!((s.positive - 1.25 * 0.5).abs() < 1e-15);
        // Where the two differ: after an inactive step the consecutive rule restarts at +1 and
        // fires on the second active step; the non-consecutive counter climbs from −1 to 1 only.
        let (consecutive, _) = run(&rule(true, false, false), "IAAI");
        let (non, _) = run(&rule(false, false, false), "IAAI");
        assert_eq!(consecutive, [None, None, Some(P), None]);
        assert_eq!(non, [None, None, None, None]);
        // Strict alternation never builds a consecutive run; non-consecutive: 1, 2 → P, then
        // −1, 0, −1, 0, −1, 0.
        let (c2, _) = run(&rule(true, false, false), "AIAIAIAI");
        let (n2, _) = run(&rule(false, false, false), "AAIAIAIA");
        assert!(c2.iter().all(Option::is_none));
        assert_eq!(n2.iter().filter(|e| e.is_some()).count(), 1);
    }

    #[test]
    fn weight_limited_caps_the_factors() {
        // Four potentiations would give 1.25⁴ unlimited; limited stays at 1 + a = 1.25 and
        // N at 1 − a = 0.75.
        let (events, s) = run(&rule(true, true, false), "AAAAAAAA");
        assert_eq!(events.iter().filter(|e| **e == Some(P)).count(), 4);
        assert!((s.positive - 1.25).abs() < 1e-15);
        assert!((s.negative - 0.75).abs() < 1e-15);
        let (_, free) = run(&rule(true, false, false), "AAAAAAAA");
        assert!((free.positive - 1.25f64.powi(4)).abs() < 1e-12);
        // A depression after the cap: 1.25 · 0.5 = 0.625 lies inside [1 − b, 1 + a] = [0.5, 1.25].
        let (_, s2) = run(&rule(true, true, false), "AAAAII");
        assert!((s2.positive - 0.625).abs() < 1e-15);
    }

    #[test]
    fn attenuated_repeats_while_active() {
        // Counter held at +2 after the first event: every further active iteration potentiates.
        let (events, s) = run(&rule(true, false, true), "AAAAI");
        assert_eq!(events, [None, Some(P), Some(P), Some(P), None]);
        assert!((s.positive - 1.25f64.powi(3)).abs() < 1e-12);
        // Non-consecutive attenuated: the inactive step moves the held counter from 2 to 1.
        assert_eq!(s.counter, -1);
        let (_, n) = run(&rule(false, false, true), "AAAAI");
        assert_eq!(n.counter, 1);
    }

    #[test]
    fn published_pairs_check_and_threshold_above_iterations_is_refused() {
        for (k, mu) in [(4, 2), (6, 2), (6, 3), (8, 3)] {
            let r = AstrocyteRule { iterations: k, threshold: mu, ..AstrocyteRule::default() };
            assert!(r.check().is_ok());
        }
        let bad = AstrocyteRule { iterations: 2, threshold: 3, ..AstrocyteRule::default() };
        assert_eq!(bad.check().unwrap_err().field, "threshold");
        let bad = AstrocyteRule { decrease: 1.0, ..AstrocyteRule::default() };
        assert_eq!(bad.check().unwrap_err().field, "decrease");
    }
}
