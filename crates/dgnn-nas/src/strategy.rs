//! The search strategy: plain NSGA-II, or a sleep–wake search (issue 12) that alternates
//! active and quiet phases.
//!
//! The paper's Figure 1 pairs active sleep (high energy, memory formation) with quiet sleep
//! (low energy, consolidation and pruning). A [`SleepWakeSettings`] search runs dgnn-evo's
//! [`SleepWake`](dgnn_evo::SleepWake) on a [`PhaseClock`]:
//! - **active phases** (`active` generations): mutation favours growth
//!   ([`Growth::Favour`](crate::Growth)), and the energy budget is loose (`active_budget` × the
//!   baseline's energy, or none);
//! - **quiet phases** (`quiet` generations): mutation never grows a network
//!   ([`Growth::Forbid`](crate::Growth)); every network is consolidated after its training —
//!   dgnn-glia's consolidation prunes its least-used synapses down to the quiet budget and
//!   fine-tunes the rest — and selection runs under the tight budget (`quiet_budget` × the
//!   baseline's energy).
//!
//! The evaluation differs between the phases, so each phase is an engine regime
//! (`dgnn_evo::Problem::regime`): at every switch the population is re-evaluated, which costs
//! one population of evaluations per switch. The final front is measured as the last
//! generation's phase measures.

use dgnn_core::error::positive;
use dgnn_core::{ParamError, Valid, Validate};
use dgnn_evo::PhaseClock;
use dgnn_glia::Consolidation;
use serde::{Deserialize, Serialize};

/// How the search makes each generation (RON; default `Nsga2`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Strategy {
    /// NSGA-II with the search's operator.
    #[default]
    Nsga2,
    /// Active and quiet phases (module docs).
    SleepWake(SleepWakeSettings),
}

impl Strategy {
    /// Whether this is plain NSGA-II (the default).
    #[must_use]
    pub fn is_nsga2(&self) -> bool {
        *self == Self::Nsga2
    }
}

/// A sleep–wake search (RON: `SleepWake(active: 5, quiet: 3, quiet_budget: 0.25)`; every field
/// optional).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SleepWakeSettings {
    /// Generations per active phase (default 5; ≥ 1).
    pub active: u64,
    /// Generations per quiet phase (default 3; ≥ 1).
    pub quiet: u64,
    /// The energy budget of active phases as a multiple of the baseline's energy (default
    /// none: no budget; > 0 and at least `quiet_budget`).
    pub active_budget: Option<f64>,
    /// The energy budget of quiet phases as a multiple of the baseline's energy (default 0.25;
    /// > 0).
    pub quiet_budget: f64,
    /// The quiet phases' consolidation (default: the least-used 20 % of the synapses, then
    /// more down to the quiet budget, at most 90 %, then 5 epochs of fine-tuning). Its energy
    /// budget is the quiet budget and must be left out.
    pub consolidation: Consolidation,
}

impl Default for SleepWakeSettings {
    fn default() -> Self {
        Self {
            active: 5,
            quiet: 3,
            active_budget: None,
            quiet_budget: 0.25,
            consolidation: Consolidation { fine_tune_epochs: 5, ..Consolidation::default() },
        }
    }
}

impl SleepWakeSettings {
    /// The phase clock.
    #[must_use]
    pub fn clock(&self) -> PhaseClock {
        PhaseClock { active: self.active, quiet: self.quiet }
    }

    /// The quiet phases' consolidation with its energy budget: `quiet_budget` × the baseline's
    /// energy in joules.
    ///
    /// # Errors
    /// A consolidation the glia crate refuses (checked with the config already).
    pub fn consolidation_for(
        &self,
        baseline_joules: f64,
    ) -> Result<Valid<Consolidation>, ParamError> {
        let settings = Consolidation {
            energy_budget_joules: Some(self.quiet_budget * baseline_joules),
            ..self.consolidation.clone()
        };
        Valid::new(settings).map_err(|e| e.within("evolution.strategy.consolidation"))
    }
}

impl Validate for SleepWakeSettings {
    /// Phase lengths ≥ 1, budgets > 0 with the active one at least the quiet one, and a
    /// consolidation without its own energy budget.
    fn validate(&self) -> Result<(), ParamError> {
        self.clock().validate()?;
        positive("quiet_budget", self.quiet_budget)?;
        if let Some(active) = self.active_budget {
            positive("active_budget", active)?;
            if active < self.quiet_budget {
                return Err(ParamError::new(
                    "active_budget",
                    active,
                    format!(
                        "must be at least quiet_budget ({}): active phases are the loose ones",
                        self.quiet_budget
                    ),
                ));
            }
        }
        if self.consolidation.energy_budget_joules.is_some() {
            return Err(ParamError::new(
                "consolidation.energy_budget_joules",
                format!("{:?}", self.consolidation.energy_budget_joules),
                "must be left out: the quiet budget sets it",
            ));
        }
        self.consolidation.validate().map_err(|e| e.within("consolidation"))
    }
}
