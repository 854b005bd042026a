//! A sleep–wake search: NSGA-II generations grouped into *active* and *quiet* phases, each with
//! its own variation operator, as an [`Algorithm`] for the [`Executor`](crate::Executor).
//!
//! The paper pairs active sleep (high energy, memory formation) with quiet sleep (low energy,
//! consolidation and pruning). Here generation 0 is the initial population; from generation 1
//! the run cycles through `active` generations and then `quiet` ones:
//! generation `g ≥ 1` is active when `(g − 1) mod (active + quiet) < active`. An active
//! generation varies its parents with the active operator (one that favours growth, say), a
//! quiet one with the quiet operator (one that never grows); selection, evaluation and survival
//! are NSGA-II's ([`crate::Nsga2`]) in both. What else a phase changes belongs to the problem,
//! which can read the same clock ([`PhaseClock`]): a tighter budget in quiet phases through
//! [`Problem::violation_at`], a different evaluation (trained networks consolidated) through
//! [`Problem::regime`].
//!
//! The phase is a function of the generation number alone and every random number comes from
//! NSGA-II's streams keyed by the generation, so the run is deterministic, independent of the
//! thread count, and resumes bit-identically from any checkpoint.

use crate::algorithm::{Algorithm, GenerationContext, Ranking, RunSettings};
use crate::error::EvoError;
use crate::nsga2::{Nsga2, Nsga2Config};
use crate::problem::{Individual, Problem, Variation};
use dgnn_core::{ParamError, Valid, Validate};
use serde::{Deserialize, Serialize};

/// The format tag of sleep–wake checkpoints.
pub const CHECKPOINT_FORMAT: &str = "dgnn-evo/sleep-wake-checkpoint";

/// Which phase a generation belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Phase {
    /// Growth: the active operator; the initial population counts as active.
    Active,
    /// Consolidation: the quiet operator.
    Quiet,
}

/// The phase of every generation: `active` generations, then `quiet` ones, repeated from
/// generation 1 (module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhaseClock {
    /// Generations per active phase (≥ 1).
    pub active: u64,
    /// Generations per quiet phase (≥ 1).
    pub quiet: u64,
}

impl PhaseClock {
    /// The phase of generation `generation`.
    #[must_use]
    pub fn phase(&self, generation: u64) -> Phase {
        if generation == 0 {
            return Phase::Active;
        }
        let cycle = self.active.saturating_add(self.quiet).max(1);
        if (generation - 1) % cycle < self.active { Phase::Active } else { Phase::Quiet }
    }
}

impl Validate for PhaseClock {
    /// Both phase lengths must be at least one generation.
    fn validate(&self) -> Result<(), ParamError> {
        for (field, length) in [("active", self.active), ("quiet", self.quiet)] {
            if length == 0 {
                return Err(ParamError::new(
                    field,
                    0,
                    "must be at least 1 generation (a phase of 0 generations is plain NSGA-II: \
                     use Nsga2)",
                ));
            }
        }
        Ok(())
    }
}

/// The configuration of a sleep–wake run (RON): NSGA-II's, and the phase lengths.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SleepWakeConfig {
    /// Population, generations, budget and the rest, as for NSGA-II.
    pub nsga2: Nsga2Config,
    /// The phases.
    pub clock: PhaseClock,
}

impl Validate for SleepWakeConfig {
    /// NSGA-II's checks (under `nsga2`) and the phase lengths' (under `clock`).
    fn validate(&self) -> Result<(), ParamError> {
        self.nsga2.validate().map_err(|e| e.within("nsga2"))?;
        self.clock.validate().map_err(|e| e.within("clock"))
    }
}

/// The sleep–wake algorithm (module docs): NSGA-II with the active operator `A` in active
/// generations and the quiet operator `Q` in quiet ones.
#[derive(Debug, Clone)]
pub struct SleepWake<A, Q> {
    config: Valid<SleepWakeConfig>,
    active: Nsga2<A>,
    quiet: Nsga2<Q>,
}

impl<A, Q> SleepWake<A, Q> {
    /// The algorithm with its two operators.
    #[must_use]
    pub fn new(active: A, quiet: Q, config: Valid<SleepWakeConfig>) -> Self {
        let nsga2 = Valid::new(config.nsga2.clone())
            .unwrap_or_else(|_| unreachable!("checked with the sleep-wake config"));
        Self { active: Nsga2::new(active, nsga2.clone()), quiet: Nsga2::new(quiet, nsga2), config }
    }

    /// The phase clock.
    #[must_use]
    pub fn clock(&self) -> PhaseClock {
        self.config.clock
    }
}

impl<P: Problem, A: Variation<P::Genome>, Q: Variation<P::Genome>> Algorithm<P>
    for SleepWake<A, Q>
{
    type Config = Valid<SleepWakeConfig>;

    const CHECKPOINT_FORMAT: &'static str = CHECKPOINT_FORMAT;

    fn config(&self) -> &Valid<SleepWakeConfig> {
        &self.config
    }

    fn run_settings(&self) -> RunSettings {
        Algorithm::<P>::run_settings(&self.active)
    }

    fn describe(&self) -> String {
        format!(
            "sleep-wake(active {} gen: {}; quiet {} gen: {})",
            self.config.clock.active,
            Algorithm::<P>::describe(&self.active),
            self.config.clock.quiet,
            Algorithm::<P>::describe(&self.quiet),
        )
    }

    fn init(
        &mut self,
        context: &mut GenerationContext<'_, P>,
    ) -> Result<Vec<Individual<P::Genome>>, EvoError> {
        self.active.init(context)
    }

    fn next_generation(
        &mut self,
        population: Vec<Individual<P::Genome>>,
        ranking: &Ranking,
        context: &mut GenerationContext<'_, P>,
    ) -> Result<Vec<Individual<P::Genome>>, EvoError> {
        match self.config.clock.phase(context.generation()) {
            Phase::Active => self.active.next_generation(population, ranking, context),
            Phase::Quiet => self.quiet.next_generation(population, ranking, context),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_cycle_from_generation_one() {
        let clock = PhaseClock { active: 3, quiet: 2 };
        let phases: Vec<Phase> = (0..12).map(|g| clock.phase(g)).collect();
        use Phase::{Active as A, Quiet as Q};
        assert_eq!(phases, [A, A, A, A, Q, Q, A, A, A, Q, Q, A]);
        let bad = PhaseClock { active: 3, quiet: 0 };
        assert_eq!(bad.validate().unwrap_err().field, "quiet");
        let config = SleepWakeConfig { nsga2: Nsga2Config::default(), clock: bad };
        assert_eq!(config.validate().unwrap_err().field, "clock.quiet");
    }
}
