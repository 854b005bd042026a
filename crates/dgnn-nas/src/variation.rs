//! Crossover and mutation of DGNN genomes that never leave the search space.
//!
//! - **Crossover** (with probability `crossover_probability`, else the parents are copied):
//!   uniform crossover (Syswerda 1989) over aligned genes — for each region index both parents
//!   have, each of the four region genes is swapped with probability ½; the astrocyte rule, the
//!   supply and the phase layer are swapped as whole blocks with probability ½ each (a block's
//!   genes only make sense together; a phase layer keeps its attractor). Each child keeps its
//!   parent's number of regions.
//! - **Mutation**: every mutation site (the region count; each region's neurons, glia ratio,
//!   activation and density; the presence and each gene of every optional block) mutates with
//!   probability `mutation_probability`; when none did, one uniformly chosen site mutates, so a
//!   child always differs from its parent. Grid genes move one or two grid steps; neuron counts
//!   move by ±1 or by a factor `2^u`, `u ~ U(−1, 1)` (small and large regions alike); an
//!   activation changes to another allowed one; a block toggles on (random genes) or off.
//! - Both end with [`ValidSearchSpace::repair`], so offspring always pass
//!   [`ValidSearchSpace::validate`] (property-tested).

use crate::genome::DgnnGenome;
use crate::space::{GeneRange, ValidSearchSpace};
use dgnn_core::error::in_range;
use dgnn_core::{ParamError, StreamRng, Valid, Validate};
use dgnn_glia::Region;
use rand::RngExt;
use serde::{Deserialize, Serialize};

/// Variation settings (RON; every field optional).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct VariationConfig {
    /// Probability that a pair of parents recombines (default 0.9; in [0, 1]).
    pub crossover_probability: f64,
    /// Probability that each mutation site mutates (default 0.1; in [0, 1]); at least one site
    /// always does.
    pub mutation_probability: f64,
}

impl Default for VariationConfig {
    fn default() -> Self {
        Self { crossover_probability: 0.9, mutation_probability: 0.1 }
    }
}

impl Validate for VariationConfig {
    /// Checks both probabilities (fields named under `variation`).
    fn validate(&self) -> Result<(), ParamError> {
        in_range("variation.crossover_probability", self.crossover_probability, 0.0, 1.0)?;
        in_range("variation.mutation_probability", self.mutation_probability, 0.0, 1.0)?;
        Ok(())
    }
}

/// The variation operator of the DGNN search (module docs).
#[derive(Debug, Clone)]
pub struct DgnnVariation {
    space: ValidSearchSpace,
    config: Valid<VariationConfig>,
}

/// Where a mutation can act.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Site {
    RegionCount,
    Neurons(usize),
    GliaRatio(usize),
    Activation(usize),
    Density(usize),
    RuleToggle,
    RuleIterations,
    RuleThreshold,
    RuleIncrease,
    RuleDecrease,
    RuleFlag,
    SupplyToggle,
    Supply,
    PhaseToggle,
    PhaseA,
    PhaseB,
    PhaseDetuning,
    PhaseCoupling,
}

/// Moves a grid gene by one or two steps up or down (clamped to the grid).
fn nudge(range: &GeneRange, x: f64, rng: &mut StreamRng) -> f64 {
    let i = range.index(x) as i64;
    let step: i64 = rng.random_range(1..=2);
    let j = if rng.random::<bool>() { i + step } else { i - step };
    range.value(j.clamp(0, range.points() as i64 - 1) as usize)
}

impl DgnnVariation {
    /// The operator over `space` with the given checked settings.
    #[must_use]
    pub fn new(space: ValidSearchSpace, config: Valid<VariationConfig>) -> Self {
        Self { space, config }
    }

    /// The search space offspring stay in.
    #[must_use]
    pub fn space(&self) -> &ValidSearchSpace {
        &self.space
    }

    fn sites(&self, genome: &DgnnGenome) -> Vec<Site> {
        let s = self.space.get();
        let arch = genome.architecture();
        let mut sites = Vec::new();
        if s.regions.0 < s.regions.1 {
            sites.push(Site::RegionCount);
        }
        for i in 0..arch.regions.len() {
            sites.extend([Site::Neurons(i), Site::GliaRatio(i), Site::Density(i)]);
            if s.activations.len() > 1 {
                sites.push(Site::Activation(i));
            }
        }
        if s.astrocytes.is_some() {
            sites.push(Site::RuleToggle);
            if arch.astrocytes.is_some() {
                sites.extend([
                    Site::RuleIterations,
                    Site::RuleThreshold,
                    Site::RuleIncrease,
                    Site::RuleDecrease,
                    Site::RuleFlag,
                ]);
            }
        }
        if s.supply.is_some() {
            sites.push(Site::SupplyToggle);
            if arch.supply_per_astrocyte.is_some() {
                sites.push(Site::Supply);
            }
        }
        if s.phase.is_some() {
            // With several contexts the phase layer is obligatory: its genes mutate, its
            // presence does not.
            if self.space.contexts() == 1 {
                sites.push(Site::PhaseToggle);
            }
            if arch.phase.is_some() {
                sites.extend([
                    Site::PhaseA,
                    Site::PhaseB,
                    Site::PhaseDetuning,
                    Site::PhaseCoupling,
                ]);
            }
        }
        sites
    }

    fn mutate_region_count(&self, genome: &mut DgnnGenome, rng: &mut StreamRng) {
        let (low, high) = self.space.get().regions;
        let regions = &mut genome.0.regions;
        let grow = regions.len() < high && (regions.len() <= low || rng.random::<bool>());
        if grow {
            let at = rng.random_range(0..=regions.len());
            let region: Region = if rng.random::<bool>() && !regions.is_empty() {
                regions[rng.random_range(0..regions.len())].clone()
            } else {
                self.space.random_region(rng)
            };
            regions.insert(at, region);
        } else if regions.len() > low {
            regions.remove(rng.random_range(0..regions.len()));
        }
    }

    fn mutate_site(&self, genome: &mut DgnnGenome, site: Site, rng: &mut StreamRng) {
        let s = self.space.get();
        let arch = &mut genome.0;
        match site {
            Site::RegionCount => self.mutate_region_count(genome, rng),
            Site::Neurons(i) => {
                let n = arch.regions[i].neurons;
                arch.regions[i].neurons = if rng.random::<bool>() {
                    if rng.random::<bool>() { n + 1 } else { n.saturating_sub(1) }
                } else {
                    (n as f64 * rng.random_range(-1.0f64..1.0).exp2()).round() as usize
                };
            }
            Site::GliaRatio(i) => {
                arch.regions[i].glia_ratio = nudge(&s.glia_ratio, arch.regions[i].glia_ratio, rng);
            }
            Site::Density(i) => {
                arch.regions[i].density = nudge(&s.density, arch.regions[i].density, rng);
            }
            Site::Activation(i) => {
                let others: Vec<_> =
                    s.activations.iter().filter(|&&a| a != arch.regions[i].activation).collect();
                if !others.is_empty() {
                    arch.regions[i].activation = *others[rng.random_range(0..others.len())];
                }
            }
            Site::RuleToggle => {
                arch.astrocytes = match arch.astrocytes {
                    Some(_) => None,
                    None => self.space.random_rule(rng),
                };
            }
            Site::SupplyToggle => {
                arch.supply_per_astrocyte = match arch.supply_per_astrocyte {
                    Some(_) => None,
                    None => self.space.random_supply(rng),
                };
            }
            Site::PhaseToggle => {
                arch.phase = match arch.phase {
                    Some(_) => None,
                    None => self.space.random_phase(rng),
                };
            }
            Site::Supply => {
                if let (Some(space), Some(value)) = (&s.supply, &mut arch.supply_per_astrocyte) {
                    *value = nudge(&space.per_astrocyte, *value, rng);
                }
            }
            _ => self.mutate_block_gene(genome, site, rng),
        }
    }

    /// Mutates one gene of the astrocyte rule or of the phase layer.
    fn mutate_block_gene(&self, genome: &mut DgnnGenome, site: Site, rng: &mut StreamRng) {
        let s = self.space.get();
        let arch = &mut genome.0;
        if let (Some(space), Some(rule)) = (&s.astrocytes, &mut arch.astrocytes) {
            let up = rng.random::<bool>();
            let step = |x: usize| if up { x + 1 } else { x.saturating_sub(1) };
            match site {
                Site::RuleIterations => rule.iterations = step(rule.iterations),
                Site::RuleThreshold => rule.threshold = step(rule.threshold),
                Site::RuleIncrease => rule.increase = nudge(&space.change, rule.increase, rng),
                Site::RuleDecrease => rule.decrease = nudge(&space.change, rule.decrease, rng),
                Site::RuleFlag => match rng.random_range(0..4) {
                    0 => rule.consecutive = !rule.consecutive,
                    1 => rule.weight_limited = !rule.weight_limited,
                    2 => rule.attenuated = !rule.attenuated,
                    _ => rule.global = !rule.global,
                },
                _ => {}
            }
        }
        if let (Some(space), Some(layer)) = (&s.phase, &mut arch.phase) {
            match site {
                Site::PhaseA => layer.a = nudge(&space.a, layer.a, rng),
                Site::PhaseB => layer.b = nudge(&space.b, layer.b, rng),
                Site::PhaseDetuning => layer.detuning = nudge(&space.detuning, layer.detuning, rng),
                Site::PhaseCoupling => layer.coupling = nudge(&space.coupling, layer.coupling, rng),
                _ => {}
            }
        }
    }
}

impl dgnn_evo::Variation<DgnnGenome> for DgnnVariation {
    fn describe(&self) -> String {
        format!(
            "dgnn-variation(pc={}, pm={}, contexts={}, space={})",
            self.config.crossover_probability,
            self.config.mutation_probability,
            self.space.contexts(),
            ron::to_string(self.space.get()).unwrap_or_else(|e| e.to_string())
        )
    }

    fn crossover(
        &self,
        first: &DgnnGenome,
        second: &DgnnGenome,
        rng: &mut StreamRng,
    ) -> [DgnnGenome; 2] {
        let (mut x, mut y) = (first.clone(), second.clone());
        if rng.random::<f64>() >= self.config.crossover_probability {
            return [x, y];
        }
        let (a, b) = (&mut x.0, &mut y.0);
        for (p, q) in a.regions.iter_mut().zip(b.regions.iter_mut()) {
            if rng.random::<bool>() {
                std::mem::swap(&mut p.neurons, &mut q.neurons);
            }
            if rng.random::<bool>() {
                std::mem::swap(&mut p.glia_ratio, &mut q.glia_ratio);
            }
            if rng.random::<bool>() {
                std::mem::swap(&mut p.activation, &mut q.activation);
            }
            if rng.random::<bool>() {
                std::mem::swap(&mut p.density, &mut q.density);
            }
        }
        if rng.random::<bool>() {
            std::mem::swap(&mut a.astrocytes, &mut b.astrocytes);
        }
        if rng.random::<bool>() {
            std::mem::swap(&mut a.supply_per_astrocyte, &mut b.supply_per_astrocyte);
        }
        if rng.random::<bool>() {
            std::mem::swap(&mut a.phase, &mut b.phase);
        }
        self.space.repair(&mut x);
        self.space.repair(&mut y);
        [x, y]
    }

    fn mutate(&self, genome: &mut DgnnGenome, rng: &mut StreamRng) {
        let sites = self.sites(genome);
        let chosen: Vec<Site> = sites
            .iter()
            .copied()
            .filter(|_| rng.random::<f64>() < self.config.mutation_probability)
            .collect();
        let chosen = if chosen.is_empty() && !sites.is_empty() {
            vec![sites[rng.random_range(0..sites.len())]]
        } else {
            chosen
        };
        // Region indices refer to the genome before any region is added or removed: apply the
        // region-count change last.
        for &site in chosen.iter().filter(|&&s| s != Site::RegionCount) {
            self.mutate_site(genome, site, rng);
        }
        if chosen.contains(&Site::RegionCount) {
            self.mutate_region_count(genome, rng);
        }
        self.space.repair(genome);
    }
}

/// How a phase of a sleep–wake search treats the size of the networks it varies
/// ([`PhasedVariation`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Growth {
    /// Active phases: a mutation that shrinks the network is drawn again once, so growth
    /// wins about three times in four where the plain operator is even.
    Favour,
    /// Quiet phases: no mutation grows the network — every region keeps at most its neurons
    /// and its density, and no region is added (pruning and fine-tuning only).
    Forbid,
}

/// The size a mutation may grow or shrink: the regions and each region's neurons × density.
fn size(genome: &DgnnGenome) -> (usize, f64) {
    let regions = &genome.architecture().regions;
    (regions.len(), regions.iter().map(|r| r.neurons as f64 * r.density).sum())
}

/// [`DgnnVariation`] with a growth policy (module docs of `dgnn_evo::sleep_wake`): crossover is
/// the plain operator's; mutation favours or forbids growth ([`Growth`]). Offspring stay in
/// the space.
#[derive(Debug, Clone)]
pub struct PhasedVariation<'v> {
    inner: &'v DgnnVariation,
    growth: Growth,
}

impl<'v> PhasedVariation<'v> {
    /// The operator `inner` with the growth policy `growth`.
    #[must_use]
    pub fn new(inner: &'v DgnnVariation, growth: Growth) -> Self {
        Self { inner, growth }
    }
}

impl dgnn_evo::Variation<DgnnGenome> for PhasedVariation<'_> {
    fn describe(&self) -> String {
        format!("{} with growth {:?}", self.inner.describe(), self.growth)
    }

    fn crossover(
        &self,
        first: &DgnnGenome,
        second: &DgnnGenome,
        rng: &mut StreamRng,
    ) -> [DgnnGenome; 2] {
        self.inner.crossover(first, second, rng)
    }

    fn mutate(&self, genome: &mut DgnnGenome, rng: &mut StreamRng) {
        let before = genome.clone();
        self.inner.mutate(genome, rng);
        match self.growth {
            Growth::Favour => {
                let (regions, weight) = size(&before);
                let (new_regions, new_weight) = size(genome);
                if new_regions < regions || (new_regions == regions && new_weight < weight) {
                    *genome = before;
                    self.inner.mutate(genome, rng);
                }
            }
            Growth::Forbid => {
                let parent = &before.0.regions;
                if genome.0.regions.len() == parent.len() {
                    for (region, old) in genome.0.regions.iter_mut().zip(parent) {
                        region.neurons = region.neurons.min(old.neurons);
                        region.density = region.density.min(old.density);
                    }
                } else if genome.0.regions.len() > parent.len() || size(genome).1 > size(&before).1
                {
                    // A region added, or one removed while the others grew: undone.
                    *genome = before;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::space::SearchSpace;
    use dgnn_core::{ParamGuard, Seed, Validate};
    use dgnn_evo::{Genome, Variation};
    use proptest::prelude::*;

    fn operator(space: SearchSpace) -> DgnnVariation {
        operator_for(space, 1)
    }

    fn operator_for(space: SearchSpace, contexts: usize) -> DgnnVariation {
        DgnnVariation::new(
            space.check(contexts).unwrap(),
            VariationConfig::default().check().unwrap(),
        )
    }

    fn small_space() -> SearchSpace {
        SearchSpace {
            regions: (2, 2),
            neurons: (3, 5),
            activations: vec![dgnn_glia::Activation::Relu],
            astrocytes: None,
            supply: None,
            phase: None,
            ..SearchSpace::default()
        }
    }

    proptest! {
        // Invariant (the operator's contract): offspring of valid parents, after crossover and
        // mutation, always lie in the space and pass the glia crate's architecture check, for
        // the default space and a narrow one with fixed region count and no optional blocks, and
        // for data with several contexts (where every genome must keep its phase layer).
        #[test]
        fn offspring_stay_valid(seed in any::<u64>(), narrow in any::<bool>(), contexts in 1..4usize) {
            let op = if narrow {
                operator(small_space())
            } else {
                operator_for(SearchSpace::default(), contexts)
            };
            let space = op.space().clone();
            let p = space.random_genome(&mut Seed(seed).stream("test/p", &[]));
            let q = space.random_genome(&mut Seed(seed).stream("test/q", &[]));
            let mut rng = Seed(seed).stream("test/var", &[]);
            let [mut x, mut y] = op.crossover(&p, &q, &mut rng);
            prop_assert!(space.validate(&x).is_ok(), "{:?}", space.validate(&x));
            prop_assert!(space.validate(&y).is_ok(), "{:?}", space.validate(&y));
            op.mutate(&mut x, &mut rng);
            op.mutate(&mut y, &mut rng);
            prop_assert!(space.validate(&x).is_ok(), "{:?}", space.validate(&x));
            prop_assert!(space.validate(&y).is_ok(), "{:?}", space.validate(&y));
            prop_assert!(x.architecture().validate().is_ok());
            prop_assert_eq!(x.architecture().contexts(), space.contexts());
            prop_assert_eq!(y.architecture().contexts(), space.contexts());
        }

        // Invariant: a long chain of mutations never leaves the space, and mutation always
        // changes the genome when the space has more than one point reachable from it.
        #[test]
        fn mutation_chains_stay_valid_and_move(seed in any::<u64>()) {
            let op = operator(SearchSpace::default());
            let space = op.space().clone();
            let mut g = space.random_genome(&mut Seed(seed).stream("test/g", &[]));
            let mut rng = Seed(seed).stream("test/chain", &[]);
            let mut moved = 0;
            for _ in 0..50 {
                let before = g.key();
                op.mutate(&mut g, &mut rng);
                prop_assert!(space.validate(&g).is_ok(), "{:?}", space.validate(&g));
                moved += usize::from(g.key() != before);
            }
            // A mutation is a no-op only when every mutated gene is pushed against its bound or
            // rounds back to its value (a neuron count times 2^u). Measured over 1e5 mutations
            // of random genomes: 2.9 % no-ops. Even for a chain at three times that rate
            // (9 %), more than 15 no-ops of 50 is 5 standard deviations above the mean 4.5.
            prop_assert!(moved >= 35, "only {moved} of 50 mutations changed the genome");
        }
    }

    proptest! {
        // Invariant (issue 12, quiet phases): a mutation under `Growth::Forbid` never adds a
        // region, never raises a region's neurons or density, never raises Σ neurons × density,
        // and stays in the space.
        #[test]
        fn forbidden_growth_never_grows(seed in any::<u64>()) {
            let op = operator(SearchSpace::default());
            let quiet = PhasedVariation::new(&op, Growth::Forbid);
            let space = op.space().clone();
            let parent = space.random_genome(&mut Seed(seed).stream("test/p", &[]));
            let mut rng = Seed(seed).stream("test/quiet", &[]);
            for _ in 0..20 {
                let mut child = parent.clone();
                quiet.mutate(&mut child, &mut rng);
                prop_assert!(space.validate(&child).is_ok(), "{:?}", space.validate(&child));
                let (old, new) = (&parent.0.regions, &child.0.regions);
                prop_assert!(new.len() <= old.len());
                if new.len() == old.len() {
                    for (n, o) in new.iter().zip(old) {
                        prop_assert!(n.neurons <= o.neurons && n.density <= o.density);
                    }
                }
                prop_assert!(size(&child).1 <= size(&parent).1 + 1e-12);
            }
        }
    }

    /// Issue 12, active phases: `Growth::Favour` shrinks the network far less often than the
    /// plain operator. Redrawing a shrinking mutation once multiplies the shrink rate p by
    /// about p itself: over 4000 mutations of random genomes the plain rate (measured: 0.20;
    /// most mutation sites are not size genes) is measured beside it, and the favoured rate
    /// (about 0.2², measured 0.052) must stay under three quarters of it; the binomial
    /// standard errors at these counts are under 0.007.
    #[test]
    fn favoured_growth_shrinks_less_often() {
        let op = operator(SearchSpace::default());
        let active = PhasedVariation::new(&op, Growth::Favour);
        let space = op.space().clone();
        let shrinks = |variation: &dyn Variation<DgnnGenome>| {
            (0..4000u64)
                .filter(|&i| {
                    let parent = space.random_genome(&mut Seed(7).stream("test/g", &[i]));
                    let mut child = parent.clone();
                    variation.mutate(&mut child, &mut Seed(7).stream("test/m", &[i]));
                    let ((r0, w0), (r1, w1)) = (size(&parent), size(&child));
                    r1 < r0 || (r1 == r0 && w1 < w0)
                })
                .count() as f64
                / 4000.0
        };
        let (plain, favoured) = (shrinks(&op), shrinks(&active));
        assert!(plain > 0.05, "the plain operator should shrink some networks: {plain}");
        assert!(favoured < 0.75 * plain, "favoured {favoured} vs plain {plain}");
    }

    #[test]
    fn crossover_without_probability_copies_parents() {
        let space = SearchSpace::default().check(1).unwrap();
        let config = VariationConfig { crossover_probability: 0.0, mutation_probability: 0.1 };
        let op = DgnnVariation::new(space.clone(), config.check().unwrap());
        let p = space.random_genome(&mut Seed(1).stream("test", &[0]));
        let q = space.random_genome(&mut Seed(1).stream("test", &[1]));
        let [x, y] = op.crossover(&p, &q, &mut Seed(1).stream("test", &[2]));
        assert_eq!((x, y), (p, q));
    }

    #[test]
    fn bad_probabilities_are_refused() {
        let config = VariationConfig { crossover_probability: 1.5, mutation_probability: 0.1 };
        let err = config.check().unwrap_err();
        assert_eq!(err.field, "variation.crossover_probability");
    }
}
