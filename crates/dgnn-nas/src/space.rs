//! The search space: which deep glial-neural networks the search may build.
//!
//! Every continuous gene lives on a grid ([`GeneRange`]: `low + i·step`, `i = 0, 1, …`), so
//! a genome is one of finitely many, equal genomes have bit-equal genes (the evaluation cache and
//! duplicate elimination rely on it), and genome summaries stay readable. The space is given by
//! the user (RON, every field optional) and checked once ([`SearchSpace::check`] →
//! [`ValidSearchSpace`]); sampling, repair and the variation operator only ever produce genomes
//! that [`ValidSearchSpace::validate`] accepts.
//!
//! Biology behind the defaults: glia:neuron ratios from 1:4 to 6:1 cover the human range of 1:1
//! to 6:1 by region (von Bartheld, Bahney & Herculano-Houzel 2016) and below; the astrocyte
//! rule's (k, μ) pairs include the published 4-2, 6-2, 6-3 and 8-3 (Porto-Pazos et al. 2011);
//! the phase layer's HKB parameters span both the monostable (b/a < 1/4) and the bistable regime
//! (Haken, Kelso & Bunz 1985).

use dgnn_core::ParamError;
use dgnn_core::error::{at_least, finite, in_range};
use dgnn_glia::{Activation, PhaseLayer};
use serde::{Deserialize, Serialize};

/// A real gene on a grid: the values `low, low + step, …` up to `high`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GeneRange {
    /// Smallest value.
    pub low: f64,
    /// Largest value (≥ `low`; the grid stops at the last point not above it).
    pub high: f64,
    /// Grid spacing (> 0).
    pub step: f64,
}

impl GeneRange {
    /// A grid from `low` to `high` in steps of `step`.
    #[must_use]
    pub const fn new(low: f64, high: f64, step: f64) -> Self {
        Self { low, high, step }
    }

    fn check(&self, field: &str) -> Result<(), ParamError> {
        finite(&format!("{field}.low"), self.low)?;
        finite(&format!("{field}.high"), self.high)?;
        in_range(&format!("{field}.step"), self.step, 1e-6, f64::MAX)?;
        if self.high < self.low {
            return Err(ParamError::new(
                format!("{field}.high"),
                self.high,
                format!("must be at least {field}.low = {}", self.low),
            ));
        }
        if (self.high - self.low) / self.step > 1e6 {
            return Err(ParamError::new(
                format!("{field}.step"),
                self.step,
                "gives more than a million grid points: use a coarser step",
            ));
        }
        Ok(())
    }

    /// Number of grid points.
    #[must_use]
    pub fn points(&self) -> usize {
        ((self.high - self.low) / self.step + 1e-9).floor() as usize + 1
    }

    /// The grid value with index `i` (clamped to the grid).
    #[must_use]
    pub fn value(&self, i: usize) -> f64 {
        let x = self.low + i.min(self.points() - 1) as f64 * self.step;
        // Rounded to 9 decimals (steps are ≥ 1e-6, so neighbours stay apart): grid values print
        // as written (0.3, not 0.30000000000000004), and a point at 0 is +0, never −0, so equal
        // genes have equal bits.
        (x * 1e9).round() / 1e9 + 0.0
    }

    /// The index of the grid point nearest to `x`.
    #[must_use]
    pub fn index(&self, x: f64) -> usize {
        let i = ((x - self.low) / self.step).round();
        if i.is_nan() || i <= 0.0 { 0 } else { (i as usize).min(self.points() - 1) }
    }

    /// The grid point nearest to `x`.
    #[must_use]
    pub fn snap(&self, x: f64) -> f64 {
        self.value(self.index(x))
    }

    /// Whether `x` is exactly a grid point.
    #[must_use]
    pub fn contains(&self, x: f64) -> bool {
        x.to_bits() == self.snap(x).to_bits()
    }
}

/// The astrocyte-rule part of the space (Porto-Pazos et al. 2011).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AstrocyteSpace {
    /// Fewest and most iterations `k` per pattern (default (2, 8); 1 ≤ low ≤ high). Each
    /// iteration is one more forward pass: inference energy and training time grow with `k`.
    pub iterations: (usize, usize),
    /// Largest activation threshold `μ` (default 3; ≥ 1; never above `k`).
    pub max_threshold: usize,
    /// Grid of the potentiation `a` and the depression `b` (default 0.05 to 0.9 in steps of
    /// 0.05; within [0, 0.999]).
    pub change: GeneRange,
    /// Share of random initial genomes that use the rule (default 0.5; in [0, 1]).
    pub initial_share: f64,
}

impl Default for AstrocyteSpace {
    fn default() -> Self {
        Self {
            iterations: (2, 8),
            max_threshold: 3,
            change: GeneRange::new(0.05, 0.9, 0.05),
            initial_share: 0.5,
        }
    }
}

/// The glial energy-supply part of the space (the lactate shuttle, Pellerin & Magistretti 1994).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SupplySpace {
    /// Grid of the supply per astrocyte, in units of one fully active neuron's demand (default
    /// 0.1 to 2.0 in steps of 0.05; low > 0).
    pub per_astrocyte: GeneRange,
    /// Share of random initial genomes with a limited supply (default 0.5; in [0, 1]).
    pub initial_share: f64,
}

impl Default for SupplySpace {
    fn default() -> Self {
        Self { per_astrocyte: GeneRange::new(0.1, 2.0, 0.05), initial_share: 0.5 }
    }
}

/// The phase-layer part of the space (HKB landscapes, Haken, Kelso & Bunz 1985).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PhaseSpace {
    /// Grid of HKB `a` (default 0 to 2 in steps of 0.1; low ≥ 0).
    pub a: GeneRange,
    /// Grid of HKB `b` (default 0 to 2 in steps of 0.1; low ≥ 0).
    pub b: GeneRange,
    /// Grid of the detuning `δω` (default −1 to 1 in steps of 0.1). A detuning too large for any
    /// attractor of the landscape is moved toward 0 by repair.
    pub detuning: GeneRange,
    /// Grid of the gating depth κ (default 0 to 1 in steps of 0.1; within [0, 1]).
    pub coupling: GeneRange,
    /// Share of random initial genomes with a phase layer (default 0.5; in [0, 1]).
    pub initial_share: f64,
}

impl Default for PhaseSpace {
    fn default() -> Self {
        Self {
            a: GeneRange::new(0.0, 2.0, 0.1),
            b: GeneRange::new(0.0, 2.0, 0.1),
            detuning: GeneRange::new(-1.0, 1.0, 0.1),
            coupling: GeneRange::new(0.0, 1.0, 0.1),
            initial_share: 0.5,
        }
    }
}

/// The search space, unchecked (module docs). Every field is optional in RON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SearchSpace {
    /// Fewest and most hidden regions (default (1, 3); 1 ≤ low ≤ high ≤ 8).
    pub regions: (usize, usize),
    /// Fewest and most neurons per region (default (1, 32); 1 ≤ low ≤ high ≤ 4096).
    pub neurons: (usize, usize),
    /// Grid of the glia:neuron ratio (default 0.25 to 6 in steps of 0.25; within (0, 10]).
    pub glia_ratio: GeneRange,
    /// Grid of the connection density (default 0.2 to 1 in steps of 0.05; within (0, 1]).
    pub density: GeneRange,
    /// Activations a region may use (default all: tanh, relu, sigmoid; at least one).
    pub activations: Vec<Activation>,
    /// The astrocyte rule's genes; `None` keeps every network free of the rule (default: on).
    pub astrocytes: Option<AstrocyteSpace>,
    /// The glial energy supply's genes; `None`: unlimited supply always (default: on).
    pub supply: Option<SupplySpace>,
    /// The phase layer's genes; `None`: no phase layer (default: on).
    pub phase: Option<PhaseSpace>,
}

impl Default for SearchSpace {
    fn default() -> Self {
        Self {
            regions: (1, 3),
            neurons: (1, 32),
            glia_ratio: GeneRange::new(0.25, 6.0, 0.25),
            density: GeneRange::new(0.2, 1.0, 0.05),
            activations: vec![Activation::Tanh, Activation::Relu, Activation::Sigmoid],
            astrocytes: Some(AstrocyteSpace::default()),
            supply: Some(SupplySpace::default()),
            phase: Some(PhaseSpace::default()),
        }
    }
}

fn check_pair(
    field: &str,
    (low, high): (usize, usize),
    min: usize,
    max: usize,
) -> Result<(), ParamError> {
    at_least(&format!("{field}.0"), low, min)?;
    if high < low || high > max {
        return Err(ParamError::new(
            format!("{field}.1"),
            high,
            format!("must lie between {field}.0 = {low} and {max}"),
        ));
    }
    Ok(())
}

fn check_within(field: &str, range: &GeneRange, low: f64, high: f64) -> Result<(), ParamError> {
    range.check(field)?;
    in_range(&format!("{field}.low"), range.low, low, high)?;
    in_range(&format!("{field}.high"), range.high, low, high)?;
    Ok(())
}

impl SearchSpace {
    /// Checks every field for a problem whose data has `contexts` contexts (tasks); errors
    /// name the field as a path (`space.phase.a.step`).
    ///
    /// This is the space's one check, with the context count as its argument (so it is not a
    /// [`dgnn_core::ParamGuard`]); the checked [`ValidSearchSpace`] carries the count, and
    /// every entry point (sampling, repair, validation, the variation operator) takes only it.
    ///
    /// # Errors
    /// The first field that fails, or `space.phase` when several contexts meet a space without
    /// a phase layer.
    pub fn check(self, contexts: usize) -> Result<ValidSearchSpace, ParamError> {
        let within = |e: ParamError| e.within("space");
        check_pair("regions", self.regions, 1, 8).map_err(within)?;
        check_pair("neurons", self.neurons, 1, 4096).map_err(within)?;
        check_within("glia_ratio", &self.glia_ratio, f64::MIN_POSITIVE, 10.0).map_err(within)?;
        check_within("density", &self.density, f64::MIN_POSITIVE, 1.0).map_err(within)?;
        if self.activations.is_empty() {
            return Err(within(ParamError::new(
                "activations",
                "[]",
                "must list at least one of tanh, relu, sigmoid",
            )));
        }
        if let Some(a) = &self.astrocytes {
            let within = |e: ParamError| e.within("space.astrocytes");
            check_pair("iterations", a.iterations, 1, 64).map_err(within)?;
            at_least("max_threshold", a.max_threshold, 1).map_err(within)?;
            check_within("change", &a.change, 0.0, 0.999).map_err(within)?;
            in_range("initial_share", a.initial_share, 0.0, 1.0).map_err(within)?;
        }
        if let Some(s) = &self.supply {
            let within = |e: ParamError| e.within("space.supply");
            check_within("per_astrocyte", &s.per_astrocyte, f64::MIN_POSITIVE, 1e6)
                .map_err(within)?;
            in_range("initial_share", s.initial_share, 0.0, 1.0).map_err(within)?;
        }
        if let Some(p) = &self.phase {
            let within = |e: ParamError| e.within("space.phase");
            check_within("a", &p.a, 0.0, 1e3).map_err(within)?;
            check_within("b", &p.b, 0.0, 1e3).map_err(within)?;
            check_within("detuning", &p.detuning, -1e3, 1e3).map_err(within)?;
            check_within("coupling", &p.coupling, 0.0, 1.0).map_err(within)?;
            in_range("initial_share", p.initial_share, 0.0, 1.0).map_err(within)?;
            if p.a.value(p.a.points() - 1) + p.b.value(p.b.points() - 1) <= 0.0 {
                return Err(within(ParamError::new(
                    "b.high",
                    p.b.high,
                    "a and b cannot both be 0 everywhere (no landscape): raise a.high or b.high",
                )));
            }
            if !p.detuning.contains(0.0) {
                return Err(within(ParamError::new(
                    "detuning",
                    format!("{:?}", p.detuning),
                    "must have 0 on its grid (low ≤ 0 ≤ high, −low a multiple of step), so \
                     that repair can always reach a detuning with an attractor",
                )));
            }
        }
        at_least("contexts (of the data)", contexts, 1)?;
        if contexts > 1 && self.phase.is_none() {
            return Err(ParamError::new(
                "space.phase",
                "None",
                format!(
                    "the data have {contexts} contexts (tasks), which only a phase layer can \
                     serve: set space.phase (e.g. to its default)"
                ),
            ));
        }
        Ok(ValidSearchSpace { space: self, contexts })
    }
}

/// A search space whose every field passed [`SearchSpace::check`], with the number of contexts
/// of the data it serves.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValidSearchSpace {
    space: SearchSpace,
    contexts: usize,
}

impl ValidSearchSpace {
    /// The checked space.
    #[must_use]
    pub fn get(&self) -> &SearchSpace {
        &self.space
    }

    /// Contexts (tasks) of the data: the phase layer serves this many.
    #[must_use]
    pub fn contexts(&self) -> usize {
        self.contexts
    }

    /// Whether an HKB landscape with these genes has an attractor: the drift
    /// `δω − a sin Δ − 2b sin 2Δ` changes sign iff `|δω| < max_Δ (a sin Δ + 2b sin 2Δ)`, and
    /// that maximum is at least `max(a, a/√2 + 2b)` (its values at Δ = π/2 and π/4). Repair
    /// keeps `|δω|` below 0.9 of that bound, a margin that keeps the saddle-node well away.
    #[must_use]
    pub fn phase_has_attractor(layer: &PhaseLayer) -> bool {
        let bound = layer.a.max(layer.a / std::f64::consts::SQRT_2 + 2.0 * layer.b);
        layer.a + layer.b > 0.0 && layer.detuning.abs() < 0.9 * bound
    }

    /// Snaps the phase genes to their grids and moves them to a landscape with an attractor
    /// (raising `b` when `a = b = 0`, then moving the detuning toward 0).
    pub(crate) fn repair_phase(&self, layer: &mut PhaseLayer) {
        let Some(p) = &self.space.phase else { return };
        layer.a = p.a.snap(layer.a);
        layer.b = p.b.snap(layer.b);
        layer.coupling = p.coupling.snap(layer.coupling);
        layer.contexts = self.contexts;
        if layer.a + layer.b <= 0.0 {
            layer.b = p.b.value(p.b.index(0.0) + 1);
            if layer.b <= 0.0 {
                layer.a = p.a.value(p.a.index(0.0) + 1);
            }
        }
        let mut i = p.detuning.index(layer.detuning);
        let zero = p.detuning.index(0.0);
        layer.detuning = p.detuning.value(i);
        while !Self::phase_has_attractor(layer) && i != zero {
            i = if i > zero { i - 1 } else { i + 1 };
            layer.detuning = p.detuning.value(i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_snaps_and_counts() {
        let g = GeneRange::new(0.25, 6.0, 0.25);
        assert_eq!(g.points(), 24);
        assert!((g.snap(1.13) - 1.25).abs() < 1e-15);
        assert!((g.snap(-3.0) - 0.25).abs() < 1e-15);
        assert!((g.snap(99.0) - 6.0).abs() < 1e-15);
        assert!(g.contains(g.snap(2.6)));
        assert!(!g.contains(2.6));
        let d = GeneRange::new(-1.0, 1.0, 0.1);
        assert_eq!(d.snap(-0.0001).to_bits(), 0.0f64.to_bits(), "no negative zero on the grid");
    }

    #[test]
    fn default_space_checks_and_bad_fields_are_named() {
        assert!(SearchSpace::default().check(1).is_ok());
        let bad = SearchSpace { regions: (0, 2), ..SearchSpace::default() };
        assert_eq!(bad.check(1).unwrap_err().field, "space.regions.0");
        let bad = SearchSpace { neurons: (8, 4), ..SearchSpace::default() };
        assert_eq!(bad.check(1).unwrap_err().field, "space.neurons.1");
        let bad = SearchSpace { density: GeneRange::new(0.0, 1.0, 0.1), ..SearchSpace::default() };
        assert_eq!(bad.check(1).unwrap_err().field, "space.density.low");
        let bad = SearchSpace { activations: vec![], ..SearchSpace::default() };
        assert_eq!(bad.check(1).unwrap_err().field, "space.activations");
        let mut bad = SearchSpace::default();
        bad.phase.as_mut().unwrap().coupling.step = 0.0;
        assert_eq!(bad.check(1).unwrap_err().field, "space.phase.coupling.step");
    }

    #[test]
    fn repaired_phase_layers_settle() {
        // The bound of `phase_has_attractor` is sufficient: every repaired layer must settle
        // (dgnn-glia refuses a landscape without attractor).
        let space = SearchSpace::default().check(1).unwrap();
        let p = space.get().phase.clone().unwrap();
        for ia in 0..p.a.points() {
            for ib in 0..p.b.points() {
                for id in [0, 3, p.detuning.points() - 1] {
                    let mut layer = PhaseLayer {
                        a: p.a.value(ia),
                        b: p.b.value(ib),
                        detuning: p.detuning.value(id),
                        coupling: 1.0,
                        contexts: 1,
                    };
                    space.repair_phase(&mut layer);
                    assert!(ValidSearchSpace::phase_has_attractor(&layer), "{layer:?}");
                    let checked = dgnn_core::ParamGuard::check(layer.clone()).unwrap();
                    let settled = dgnn_glia::PhaseState::settle(&checked, &[2], dgnn_core::Seed(1));
                    assert!(settled.is_ok(), "{layer:?}");
                }
            }
        }
    }
}
