//! The genome of a deep glial-neural network: a [`dgnn_glia::Architecture`] whose genes lie on
//! the grids of a [`ValidSearchSpace`].
//!
//! Genes: the number of hidden regions; per region the neurons, the glia:neuron ratio, the
//! activation and the connection density; the artificial-astrocyte rule (present or not; `k`,
//! `μ`, `a`, `b`, consecutive, weight-limited, attenuated, global); the glial energy supply per
//! astrocyte (limited or not); the phase layer (present or not; HKB `a`, `b`, detuning, gating
//! depth κ). The genome *is* the architecture the glia crate trains, so every front member is a
//! loadable model description.
//!
//! The genome key lists every gene as an integer (grid values by their bit pattern), so two
//! genomes share a key exactly when they build the same network.

use crate::space::{GeneRange, ValidSearchSpace};
use dgnn_core::{ParamError, StreamRng, Validate};
use dgnn_glia::{Activation, Architecture, AstrocyteRule, PhaseLayer, Region};
use rand::RngExt;
use serde::{Deserialize, Serialize};

/// A point of the search space (module docs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DgnnGenome(pub Architecture);

/// The index of an activation in keys.
fn activation_code(a: Activation) -> u64 {
    match a {
        Activation::Tanh => 0,
        Activation::Relu => 1,
        Activation::Sigmoid => 2,
    }
}

/// A short name of an activation for summaries.
#[must_use]
pub fn activation_name(a: Activation) -> &'static str {
    match a {
        Activation::Tanh => "tanh",
        Activation::Relu => "relu",
        Activation::Sigmoid => "sigmoid",
    }
}

impl dgnn_evo::Genome for DgnnGenome {
    type Key = Vec<u64>;

    fn key(&self) -> Vec<u64> {
        let arch = &self.0;
        let bits = |x: f64| (x + 0.0).to_bits();
        let mut key = vec![arch.regions.len() as u64];
        for r in &arch.regions {
            key.extend([
                r.neurons as u64,
                bits(r.glia_ratio),
                activation_code(r.activation),
                bits(r.density),
            ]);
        }
        match &arch.astrocytes {
            None => key.push(0),
            Some(rule) => key.extend([
                1,
                rule.iterations as u64,
                rule.threshold as u64,
                bits(rule.increase),
                bits(rule.decrease),
                u64::from(rule.consecutive),
                u64::from(rule.weight_limited),
                u64::from(rule.attenuated),
                u64::from(rule.global),
                bits(rule.active_above),
            ]),
        }
        match arch.supply_per_astrocyte {
            None => key.push(0),
            Some(s) => key.extend([1, bits(s)]),
        }
        match &arch.phase {
            None => key.push(0),
            Some(p) => key.extend([
                1,
                bits(p.a),
                bits(p.b),
                bits(p.detuning),
                bits(p.coupling),
                p.contexts as u64,
            ]),
        }
        key
    }
}

impl DgnnGenome {
    /// The architecture this genome builds.
    #[must_use]
    pub fn architecture(&self) -> &Architecture {
        &self.0
    }

    /// Total hidden neurons.
    #[must_use]
    pub fn neurons(&self) -> usize {
        self.0.regions.iter().map(|r| r.neurons).sum()
    }

    /// Total astrocytes.
    #[must_use]
    pub fn astrocytes(&self) -> usize {
        self.0.regions.iter().map(Region::astrocytes).sum()
    }

    /// Astrocytes per neuron over the whole network.
    #[must_use]
    pub fn glia_ratio(&self) -> f64 {
        self.astrocytes() as f64 / self.neurons().max(1) as f64
    }

    /// A one-line description, for example
    /// `8 relu ×1.5 d0.6 | 4 tanh ×1 · astro k6 μ2 · supply 0.5 · phase a1 b0.5 δω0.1 κ0.8`.
    #[must_use]
    pub fn summary(&self) -> String {
        let arch = &self.0;
        let regions: Vec<String> = arch
            .regions
            .iter()
            .map(|r| {
                let density =
                    if r.density < 1.0 { format!(" d{}", r.density) } else { String::new() };
                format!(
                    "{} {} ×{}{density}",
                    r.neurons,
                    activation_name(r.activation),
                    r.glia_ratio
                )
            })
            .collect();
        let mut text = regions.join(" | ");
        if let Some(rule) = &arch.astrocytes {
            let flags: String = [
                (rule.consecutive, "c"),
                (rule.weight_limited, "w"),
                (rule.attenuated, "t"),
                (rule.global, "g"),
            ]
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, f)| *f)
            .collect();
            text.push_str(&format!(
                " · astro k{} μ{} a{} b{}{}",
                rule.iterations,
                rule.threshold,
                rule.increase,
                rule.decrease,
                if flags.is_empty() { String::new() } else { format!(" {flags}") }
            ));
        }
        if let Some(s) = arch.supply_per_astrocyte {
            text.push_str(&format!(" · supply {s}"));
        }
        if let Some(p) = &arch.phase {
            if p.coupling <= 0.0 {
                // No coupling, no gating: the phase layer only carries the contexts (the
                // context-blind baseline of multitask data); its landscape genes do nothing.
                text.push_str(" · context-blind (phase layer ungated, κ0)");
            } else {
                text.push_str(&format!(
                    " · phase a{} b{} δω{} κ{}",
                    p.a, p.b, p.detuning, p.coupling
                ));
            }
        }
        text
    }
}

/// Draws a grid value uniformly.
fn draw(range: &GeneRange, rng: &mut StreamRng) -> f64 {
    range.value(rng.random_range(0..range.points()))
}

/// Draws an integer log-uniformly in `[low, high]` (so small and large regions are equally
/// likely per octave).
pub(crate) fn draw_log(low: usize, high: usize, rng: &mut StreamRng) -> usize {
    let (l, h) = ((low as f64).ln(), ((high as f64) + 1.0).ln());
    let x = rng.random_range(l..h).exp().floor() as usize;
    x.clamp(low, high)
}

impl ValidSearchSpace {
    /// A uniformly random region.
    pub(crate) fn random_region(&self, rng: &mut StreamRng) -> Region {
        let s = self.get();
        Region {
            neurons: draw_log(s.neurons.0, s.neurons.1, rng),
            glia_ratio: draw(&s.glia_ratio, rng),
            activation: s.activations[rng.random_range(0..s.activations.len())],
            density: draw(&s.density, rng),
        }
    }

    /// A random astrocyte rule of the space, if the space has one.
    pub(crate) fn random_rule(&self, rng: &mut StreamRng) -> Option<AstrocyteRule> {
        let a = self.get().astrocytes.as_ref()?;
        let iterations = rng.random_range(a.iterations.0..=a.iterations.1);
        Some(AstrocyteRule {
            iterations,
            threshold: rng.random_range(1..=a.max_threshold.min(iterations)),
            increase: draw(&a.change, rng),
            decrease: draw(&a.change, rng),
            consecutive: rng.random(),
            weight_limited: rng.random(),
            attenuated: rng.random(),
            global: rng.random(),
            active_above: 0.0,
        })
    }

    /// A random supply per astrocyte, if the space has one.
    pub(crate) fn random_supply(&self, rng: &mut StreamRng) -> Option<f64> {
        self.get().supply.as_ref().map(|s| draw(&s.per_astrocyte, rng))
    }

    /// A random phase layer (repaired to have an attractor), if the space has one.
    pub(crate) fn random_phase(&self, rng: &mut StreamRng) -> Option<PhaseLayer> {
        let p = self.get().phase.as_ref()?;
        let mut layer = PhaseLayer {
            a: draw(&p.a, rng),
            b: draw(&p.b, rng),
            detuning: draw(&p.detuning, rng),
            coupling: draw(&p.coupling, rng),
            contexts: self.contexts(),
        };
        self.repair_phase(&mut layer);
        Some(layer)
    }

    /// A random genome: region count uniform, each region random, and each optional block
    /// present with its space's `initial_share`.
    pub fn random_genome(&self, rng: &mut StreamRng) -> DgnnGenome {
        let s = self.get();
        let count = rng.random_range(s.regions.0..=s.regions.1);
        let regions = (0..count).map(|_| self.random_region(rng)).collect();
        let mut present = |share: Option<f64>| share.is_some_and(|p| rng.random::<f64>() < p);
        let with_rule = present(s.astrocytes.as_ref().map(|a| a.initial_share));
        let with_supply = present(s.supply.as_ref().map(|a| a.initial_share));
        // Several contexts need the phase layer; the draw is made either way, so the streams of
        // single-context searches do not depend on it.
        let with_phase = present(s.phase.as_ref().map(|a| a.initial_share)) || self.contexts() > 1;
        let mut arch =
            Architecture { regions, astrocytes: None, supply_per_astrocyte: None, phase: None };
        if with_rule {
            arch.astrocytes = self.random_rule(rng);
        }
        if with_supply {
            arch.supply_per_astrocyte = self.random_supply(rng);
        }
        if with_phase {
            arch.phase = self.random_phase(rng);
        }
        DgnnGenome(arch)
    }

    /// Moves every gene onto its grid and into its range (idempotent): clamps counts, snaps
    /// reals, keeps `μ ≤ k`, drops blocks the space does not allow, and repairs the phase layer
    /// to a landscape with an attractor.
    pub fn repair(&self, genome: &mut DgnnGenome) {
        let s = self.get();
        let arch = &mut genome.0;
        arch.regions.truncate(s.regions.1);
        while arch.regions.len() < s.regions.0 {
            let last = arch.regions.last().cloned().unwrap_or_else(|| Region::dense(s.neurons.0));
            arch.regions.push(last);
        }
        for r in &mut arch.regions {
            r.neurons = r.neurons.clamp(s.neurons.0, s.neurons.1);
            r.glia_ratio = s.glia_ratio.snap(r.glia_ratio);
            r.density = s.density.snap(r.density);
            if !s.activations.contains(&r.activation) {
                r.activation = s.activations[0];
            }
        }
        match (&s.astrocytes, &mut arch.astrocytes) {
            (None, rule) => *rule = None,
            (Some(a), Some(rule)) => {
                rule.iterations = rule.iterations.clamp(a.iterations.0, a.iterations.1);
                rule.threshold = rule.threshold.clamp(1, a.max_threshold.min(rule.iterations));
                rule.increase = a.change.snap(rule.increase);
                rule.decrease = a.change.snap(rule.decrease);
                rule.active_above = 0.0;
            }
            (Some(_), None) => {}
        }
        match (&s.supply, &mut arch.supply_per_astrocyte) {
            (None, supply) => *supply = None,
            (Some(space), Some(value)) => *value = space.per_astrocyte.snap(*value),
            (Some(_), None) => {}
        }
        if s.phase.is_none() {
            arch.phase = None;
        } else if self.contexts() > 1 && arch.phase.is_none() {
            arch.phase = Some(PhaseLayer { contexts: self.contexts(), ..PhaseLayer::default() });
        }
        if let Some(layer) = &mut arch.phase {
            self.repair_phase(layer);
        }
    }

    /// Checks that `genome` lies in this space: every count in range, every real on its grid,
    /// only allowed blocks, a phase landscape with an attractor, and an architecture that passes
    /// the glia crate's own check.
    ///
    /// # Errors
    /// A [`ParamError`] naming the first gene outside the space (`regions[1].glia_ratio`).
    pub fn validate(&self, genome: &DgnnGenome) -> Result<(), ParamError> {
        let arch = &genome.0;
        self.validate_regions(&arch.regions)?;
        if let Some(rule) = &arch.astrocytes {
            self.validate_rule(rule)?;
        }
        if let Some(value) = arch.supply_per_astrocyte {
            self.validate_supply(value)?;
        }
        self.validate_phase(arch.phase.as_ref())?;
        arch.validate()?;
        Ok(())
    }

    /// The region count, and each region's neurons, glia ratio, density and activation.
    fn validate_regions(&self, regions: &[Region]) -> Result<(), ParamError> {
        let s = self.get();
        let n = regions.len();
        if n < s.regions.0 || n > s.regions.1 {
            return Err(ParamError::new(
                "regions",
                n,
                format!("must number between {} and {}", s.regions.0, s.regions.1),
            ));
        }
        for (i, r) in regions.iter().enumerate() {
            if r.neurons < s.neurons.0 || r.neurons > s.neurons.1 {
                return Err(ParamError::new(
                    format!("regions[{i}].neurons"),
                    r.neurons,
                    format!("must lie between {} and {}", s.neurons.0, s.neurons.1),
                ));
            }
            on_grid(&format!("regions[{i}].glia_ratio"), &s.glia_ratio, r.glia_ratio)?;
            on_grid(&format!("regions[{i}].density"), &s.density, r.density)?;
            if !s.activations.contains(&r.activation) {
                return Err(ParamError::new(
                    format!("regions[{i}].activation"),
                    activation_name(r.activation),
                    "must be one of the space's activations",
                ));
            }
        }
        Ok(())
    }

    /// An astrocyte rule: allowed by the space, `k` and `μ` in range, `a` and `b` on the grid.
    fn validate_rule(&self, rule: &AstrocyteRule) -> Result<(), ParamError> {
        let Some(a) = &self.get().astrocytes else {
            return Err(ParamError::new("astrocytes", "Some", "the space has no astrocyte rule"));
        };
        if rule.iterations < a.iterations.0 || rule.iterations > a.iterations.1 {
            return Err(ParamError::new(
                "astrocytes.iterations",
                rule.iterations,
                format!("must lie between {} and {}", a.iterations.0, a.iterations.1),
            ));
        }
        if rule.threshold > a.max_threshold {
            return Err(ParamError::new(
                "astrocytes.threshold",
                rule.threshold,
                format!("must not exceed {}", a.max_threshold),
            ));
        }
        on_grid("astrocytes.increase", &a.change, rule.increase)?;
        on_grid("astrocytes.decrease", &a.change, rule.decrease)
    }

    /// A limited supply per astrocyte: allowed by the space and on its grid.
    fn validate_supply(&self, value: f64) -> Result<(), ParamError> {
        let Some(space) = &self.get().supply else {
            return Err(ParamError::new(
                "supply_per_astrocyte",
                value,
                "the space has no limited supply",
            ));
        };
        on_grid("supply_per_astrocyte", &space.per_astrocyte, value)
    }

    /// The phase layer: present when the data have several contexts, allowed by the space,
    /// every gene on its grid, serving the data's contexts, with an attractor.
    fn validate_phase(&self, layer: Option<&PhaseLayer>) -> Result<(), ParamError> {
        let Some(layer) = layer else {
            if self.contexts() > 1 {
                return Err(ParamError::new(
                    "phase",
                    "None",
                    format!("the data's {} contexts need a phase layer", self.contexts()),
                ));
            }
            return Ok(());
        };
        let Some(p) = &self.get().phase else {
            return Err(ParamError::new("phase", "Some", "the space has no phase layer"));
        };
        on_grid("phase.a", &p.a, layer.a)?;
        on_grid("phase.b", &p.b, layer.b)?;
        on_grid("phase.detuning", &p.detuning, layer.detuning)?;
        on_grid("phase.coupling", &p.coupling, layer.coupling)?;
        if layer.contexts != self.contexts() {
            return Err(ParamError::new(
                "phase.contexts",
                layer.contexts,
                format!("must equal the data's {} contexts", self.contexts()),
            ));
        }
        if !Self::phase_has_attractor(layer) {
            return Err(ParamError::new(
                "phase.detuning",
                layer.detuning,
                "is too large for the landscape to have an attractor",
            ));
        }
        Ok(())
    }
}

/// Refuses a real gene `x` that is not a point of `range`, naming `field`.
fn on_grid(field: &str, range: &GeneRange, x: f64) -> Result<(), ParamError> {
    if range.contains(x) {
        Ok(())
    } else {
        Err(ParamError::new(field, x, "must be a grid point of the search space"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::space::SearchSpace;
    use dgnn_core::Seed;
    use dgnn_evo::Genome;

    #[test]
    fn random_genomes_are_valid_and_repair_is_idempotent() {
        let space = SearchSpace::default().check(1).unwrap();
        for i in 0..500 {
            let mut g = space.random_genome(&mut Seed(5).stream("test", &[i]));
            space.validate(&g).unwrap();
            let before = g.key();
            space.repair(&mut g);
            assert_eq!(g.key(), before);
        }
    }

    #[test]
    fn keys_separate_genomes_that_differ_in_one_gene() {
        let space = SearchSpace::default().check(1).unwrap();
        let g = space.random_genome(&mut Seed(1).stream("test", &[0]));
        let mut h = g.clone();
        h.0.regions[0].glia_ratio = if g.0.regions[0].glia_ratio > 1.0 { 0.5 } else { 2.0 };
        assert_ne!(g.key(), h.key());
        let mut k = g.clone();
        k.0.supply_per_astrocyte = match g.0.supply_per_astrocyte {
            Some(_) => None,
            None => Some(1.0),
        };
        assert_ne!(g.key(), k.key());
    }

    #[test]
    fn validation_names_the_bad_gene() {
        let space = SearchSpace::default().check(1).unwrap();
        let mut g = DgnnGenome(Architecture::plain(&[8, 4]));
        assert!(space.validate(&g).is_ok());
        g.0.regions[1].glia_ratio = 1.1;
        assert_eq!(space.validate(&g).unwrap_err().field, "regions[1].glia_ratio");
        g.0.regions[1].glia_ratio = 1.0;
        g.0.regions[0].neurons = 999;
        assert_eq!(space.validate(&g).unwrap_err().field, "regions[0].neurons");
        space.repair(&mut g);
        assert!(space.validate(&g).is_ok());
        assert_eq!(g.0.regions[0].neurons, 32);
    }
}
