//! Constraints on the networks a search may return: an energy budget and a minimum accuracy,
//! each either absolute or relative to the baseline network.
//!
//! A config states them ([`Constraints`], RON, every field optional) and is checked once
//! (`Valid<Constraints>`). Relative bounds (`max_energy_ratio`, `max_accuracy_drop`) only mean
//! something once the baseline is measured, so the bounds the search ranks by
//! ([`ResolvedConstraints`]) are made from the checked constraints and the baseline's validation
//! measurement; an absolute and a relative bound on the same quantity combine to the tighter
//! one.
//!
//! An *energy schedule* ([`EnergySchedule`], issue 12) makes the energy budget a function of
//! the generation, as a multiple of the baseline's energy: constant, or *developmental* — a
//! generous budget first, tightened geometrically to an adult budget over a stated span, as
//! brain development overproduces synapses and then prunes them under metabolic constraint
//! (Huttenlocher & Dabholkar 1997). With a schedule the constraints vary over the run
//! (`dgnn_evo::Problem::constraints_vary`): every evaluation keeps its energy and accuracy, and
//! the engine re-assesses the violations of each generation under that generation's budget. The
//! final front is judged under the budget of the last generation run.
//!
//! Each bound adds its relative shortfall to one *violation* (0 = feasible), which dgnn-evo's
//! constrained domination ranks by (Deb, Pratap, Agarwal & Meyarivan 2002, §VI): a feasible
//! network beats an infeasible one, two infeasible ones compare by violation. Constraints are
//! on measurements (energy in the search's energy unit, validation accuracy), never on
//! objectives, so they hold whatever the objectives are — an information-only search can still
//! carry an energy budget.

use crate::measure::Measurement;
use crate::objective::EnergyUnit;
use dgnn_core::error::{in_range, positive};
use dgnn_core::{ParamError, Valid, Validate};
use dgnn_evo::{Phase, PhaseClock};
use serde::{Deserialize, Serialize};

/// Constraints on a network (RON; every field optional, default none).
///
/// The relative bounds are written out only when set, so a config without them reads and
/// writes exactly as before they existed.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Constraints {
    /// Largest energy per inference, in the search's energy unit (ATP by default); a network
    /// above it is infeasible by `E/max_energy − 1` (> 0).
    pub max_energy: Option<f64>,
    /// Smallest validation accuracy (in [0, 1]); a network below it is infeasible by the
    /// shortfall.
    pub min_accuracy: Option<f64>,
    /// Largest energy per inference as a multiple of the baseline's (> 0): `0.25` admits at
    /// most a quarter of the baseline's energy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_energy_ratio: Option<f64>,
    /// Largest validation-accuracy loss against the baseline (in [0, 1]): `0.01` admits
    /// networks at most one point less accurate than the baseline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_accuracy_drop: Option<f64>,
    /// An energy budget that changes over the generations (module docs; default none). With
    /// `max_energy` or `max_energy_ratio` beside it, the tighter budget binds each generation.
    #[serde(skip_serializing_if = "EnergySchedule::is_none")]
    pub energy_schedule: EnergySchedule,
}

/// An energy budget over the generations, in multiples of the baseline network's energy
/// (RON: `None`, `Constant(ratio: 0.5)`, `Developmental(start: 4.0, adult: 0.5, hold: 5,
/// span: 15)`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum EnergySchedule {
    /// No scheduled budget.
    #[default]
    None,
    /// `ratio` × the baseline's energy in every generation (> 0).
    Constant {
        /// The budget as a multiple of the baseline's energy.
        ratio: f64,
    },
    /// `start` × the baseline's energy for the first `hold` generations, then tightened
    /// geometrically to `adult` × over `span` generations, and `adult` × from then on: the
    /// budget of generation `g` is `start · (adult/start)^min(1, max(0, g − hold)/span)`.
    Developmental {
        /// The early, generous budget (> 0, ≥ `adult`).
        start: f64,
        /// The adult budget (> 0).
        adult: f64,
        /// Generations at the start budget before the tightening begins.
        hold: u64,
        /// Generations over which the budget falls from `start` to `adult` (≥ 1).
        span: u64,
    },
}

impl EnergySchedule {
    /// Whether there is no scheduled budget.
    #[must_use]
    pub fn is_none(&self) -> bool {
        *self == Self::None
    }

    /// The budget of generation `generation` as a multiple of the baseline's energy (none
    /// without a schedule).
    #[must_use]
    pub fn ratio_at(&self, generation: u64) -> Option<f64> {
        match *self {
            Self::None => None,
            Self::Constant { ratio } => Some(ratio),
            Self::Developmental { start, adult, hold, span } => {
                let progress = (generation.saturating_sub(hold) as f64 / span as f64).min(1.0);
                Some(start * (adult / start).powf(progress))
            }
        }
    }

    /// The first generation at the final budget (0 for a constant one, none without one).
    #[must_use]
    pub fn adult_from(&self) -> Option<u64> {
        match *self {
            Self::None => None,
            Self::Constant { .. } => Some(0),
            Self::Developmental { hold, span, .. } => Some(hold.saturating_add(span)),
        }
    }

    /// Checks the budgets and the span; errors name the field under `energy_schedule`.
    fn validate(&self) -> Result<(), ParamError> {
        let within = |e: ParamError| e.within("energy_schedule");
        match *self {
            Self::None => Ok(()),
            Self::Constant { ratio } => positive("ratio", ratio).map(drop).map_err(within),
            Self::Developmental { start, adult, span, .. } => {
                positive("start", start).map_err(within)?;
                positive("adult", adult).map_err(within)?;
                if adult > start {
                    return Err(within(ParamError::new(
                        "adult",
                        adult,
                        format!(
                            "must not exceed start ({start}): a developmental budget is \
                             tightened, never loosened (use Constant for one budget)"
                        ),
                    )));
                }
                if span == 0 {
                    return Err(within(ParamError::new(
                        "span",
                        span,
                        "must be at least 1 generation (use Constant for an immediate budget)",
                    )));
                }
                Ok(())
            }
        }
    }
}

impl Validate for Constraints {
    /// Checks every bound; errors name the field under `constraints`.
    fn validate(&self) -> Result<(), ParamError> {
        let within = |e: ParamError| e.within("constraints");
        if let Some(e) = self.max_energy {
            positive("max_energy", e).map_err(within)?;
        }
        if let Some(a) = self.min_accuracy {
            in_range("min_accuracy", a, 0.0, 1.0).map_err(within)?;
        }
        if let Some(r) = self.max_energy_ratio {
            positive("max_energy_ratio", r).map_err(within)?;
        }
        if let Some(d) = self.max_accuracy_drop {
            in_range("max_accuracy_drop", d, 0.0, 1.0).map_err(within)?;
        }
        self.energy_schedule.validate().map_err(within)?;
        Ok(())
    }
}

/// The absolute bounds a search ranks by: [`Constraints`] with the relative bounds resolved
/// against the baseline's validation measurement (module docs).
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedConstraints {
    max_energy: Option<f64>,
    min_accuracy: Option<f64>,
    unit: EnergyUnit,
    /// The energy schedule and the baseline's energy its ratios multiply.
    schedule: EnergySchedule,
    baseline_energy: f64,
    /// A sleep–wake search's budgets: the clock, the active ratio (none: no budget) and the
    /// quiet ratio.
    phases: Option<(PhaseClock, Option<f64>, f64)>,
}

/// The tighter of two optional bounds (`pick` chooses between two set ones).
fn tighter(a: Option<f64>, b: Option<f64>, pick: fn(f64, f64) -> f64) -> Option<f64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(pick(x, y)),
        (x, y) => x.or(y),
    }
}

impl ResolvedConstraints {
    /// The bounds of `constraints` for a search whose energy is in `unit` and whose baseline
    /// measured `baseline` on the validation part.
    #[must_use]
    pub fn new(constraints: &Valid<Constraints>, baseline: &Measurement, unit: EnergyUnit) -> Self {
        let relative_energy = constraints.max_energy_ratio.map(|r| r * baseline.energy_in(unit));
        let relative_accuracy = constraints.max_accuracy_drop.map(|d| baseline.accuracy - d);
        Self {
            max_energy: tighter(constraints.max_energy, relative_energy, f64::min),
            min_accuracy: tighter(constraints.min_accuracy, relative_accuracy, f64::max),
            unit,
            schedule: constraints.energy_schedule.clone(),
            baseline_energy: baseline.energy_in(unit),
            phases: None,
        }
    }

    /// The same bounds with a sleep–wake search's phase budgets ([`crate::SleepWakeSettings`]):
    /// `active` (none: no budget) in active generations, `quiet` in quiet ones, as multiples
    /// of the baseline's energy; the tighter of these and the other budgets binds.
    #[must_use]
    pub fn with_phases(self, clock: PhaseClock, active: Option<f64>, quiet: f64) -> Self {
        Self { phases: Some((clock, active, quiet)), ..self }
    }

    /// No constraint at all (every network feasible).
    #[must_use]
    pub fn none(unit: EnergyUnit) -> Self {
        Self {
            max_energy: None,
            min_accuracy: None,
            unit,
            schedule: EnergySchedule::None,
            baseline_energy: 0.0,
            phases: None,
        }
    }

    /// The fixed energy budget (without the schedule), in [`ResolvedConstraints::unit`].
    #[must_use]
    pub fn max_energy(&self) -> Option<f64> {
        self.max_energy
    }

    /// The energy budget of generation `generation`: the tighter of the fixed budget and the
    /// schedule's, in [`ResolvedConstraints::unit`].
    #[must_use]
    pub fn max_energy_at(&self, generation: u64) -> Option<f64> {
        let scheduled = self.schedule.ratio_at(generation).map(|r| r * self.baseline_energy);
        let phased = self.phases.and_then(|(clock, active, quiet)| match clock.phase(generation) {
            Phase::Active => active,
            Phase::Quiet => Some(quiet),
        });
        let phased = phased.map(|r| r * self.baseline_energy);
        tighter(tighter(self.max_energy, scheduled, f64::min), phased, f64::min)
    }

    /// Whether the budget changes over the generations: with an energy schedule (a constant one
    /// counts too: its violations are re-assessed, which changes nothing) or phase budgets.
    #[must_use]
    pub fn vary(&self) -> bool {
        !self.schedule.is_none() || self.phases.is_some()
    }

    /// The energy schedule.
    #[must_use]
    pub fn schedule(&self) -> &EnergySchedule {
        &self.schedule
    }

    /// The smallest validation accuracy.
    #[must_use]
    pub fn min_accuracy(&self) -> Option<f64> {
        self.min_accuracy
    }

    /// The energy unit of the budget.
    #[must_use]
    pub fn unit(&self) -> EnergyUnit {
        self.unit
    }

    /// The total violation of a network measured as `m` in generation `generation`: the
    /// relative excess over that generation's energy budget plus the shortfall below the
    /// minimum accuracy; 0 when feasible.
    #[must_use]
    pub fn violation_at(&self, m: &Measurement, generation: u64) -> f64 {
        self.violation_of(m.energy_in(self.unit), m.accuracy, generation)
    }

    /// [`ResolvedConstraints::violation_at`] of a network of energy `energy` (in
    /// [`ResolvedConstraints::unit`]) and validation accuracy `accuracy`.
    #[must_use]
    pub fn violation_of(&self, energy: f64, accuracy: f64, generation: u64) -> f64 {
        let over = self.max_energy_at(generation).map_or(0.0, |max| (energy / max - 1.0).max(0.0));
        let under = self.min_accuracy.map_or(0.0, |min| (min - accuracy).max(0.0));
        over + under
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dgnn_core::ParamGuard;

    /// A measurement of `energy_atp` ATP (and 1e-20 J per ATP) at `accuracy`.
    fn measured(energy_atp: f64, accuracy: f64) -> Measurement {
        let mut m = Measurement::for_tests(1.0, 0.5, accuracy);
        m.energy_atp = energy_atp;
        m.energy_joules = energy_atp * 1e-20;
        m
    }

    #[test]
    fn violation_is_the_relative_shortfall() {
        let c = Constraints {
            max_energy: Some(2.0),
            min_accuracy: Some(0.9),
            ..Constraints::default()
        };
        let bounds =
            ResolvedConstraints::new(&c.check().unwrap(), &measured(1.0, 1.0), EnergyUnit::Atp);
        assert!(bounds.violation_at(&measured(1.0, 0.95), 0).abs() < 1e-15);
        assert!((bounds.violation_at(&measured(3.0, 0.95), 0) - 0.5).abs() < 1e-15);
        assert!((bounds.violation_at(&measured(1.0, 0.85), 0) - 0.05).abs() < 1e-12);
        let zero = Constraints { max_energy: Some(0.0), ..Constraints::default() };
        assert_eq!(zero.check().unwrap_err().field, "constraints.max_energy");
        let ratio = Constraints { max_energy_ratio: Some(-1.0), ..Constraints::default() };
        assert_eq!(ratio.check().unwrap_err().field, "constraints.max_energy_ratio");
        let drop = Constraints { max_accuracy_drop: Some(1.5), ..Constraints::default() };
        assert_eq!(drop.check().unwrap_err().field, "constraints.max_accuracy_drop");
    }

    #[test]
    fn relative_bounds_resolve_against_the_baseline_and_the_tighter_one_wins() {
        // A baseline of 8e9 ATP at 0.96: a ratio of 0.25 is a budget of 2e9 ATP, a drop of 0.02
        // a floor of 0.94. With an absolute budget of 1e9 beside it, 1e9 binds; with 3e9, 2e9.
        let baseline = measured(8e9, 0.96);
        let c = Constraints {
            max_energy_ratio: Some(0.25),
            max_accuracy_drop: Some(0.02),
            ..Constraints::default()
        };
        let bounds =
            ResolvedConstraints::new(&c.clone().check().unwrap(), &baseline, EnergyUnit::Atp);
        assert_eq!(bounds.max_energy(), Some(2e9));
        assert!((bounds.min_accuracy().unwrap() - 0.94).abs() < 1e-12);
        // 4e9 ATP is twice the budget (violation 1); 0.93 is one point under the floor.
        assert!((bounds.violation_at(&measured(4e9, 0.95), 0) - 1.0).abs() < 1e-12);
        assert!((bounds.violation_at(&measured(1e9, 0.93), 0) - 0.01).abs() < 1e-12);
        let tight = Constraints { max_energy: Some(1e9), ..c.clone() }.check().unwrap();
        assert_eq!(
            ResolvedConstraints::new(&tight, &baseline, EnergyUnit::Atp).max_energy(),
            Some(1e9)
        );
        let loose =
            Constraints { max_energy: Some(3e9), min_accuracy: Some(0.95), ..c }.check().unwrap();
        let bounds = ResolvedConstraints::new(&loose, &baseline, EnergyUnit::Atp);
        assert_eq!(bounds.max_energy(), Some(2e9));
        assert_eq!(bounds.min_accuracy(), Some(0.95));
        // In joules the same ratio is a budget in joules.
        let joules = ResolvedConstraints::new(
            &Constraints { max_energy_ratio: Some(0.5), ..Constraints::default() }.check().unwrap(),
            &baseline,
            EnergyUnit::Joules,
        );
        assert!((joules.max_energy().unwrap() - 4e9 * 1e-20).abs() < 1e-24);
    }

    #[test]
    fn relative_bounds_are_written_only_when_set() {
        // Configs without the relative bounds keep their RON text (and so their checkpoints'
        // problem descriptions); set ones read back.
        let plain = Constraints { max_energy: Some(1e9), ..Constraints::default() };
        assert_eq!(
            ron::to_string(&plain).unwrap(),
            "(max_energy:Some(1000000000.0),min_accuracy:None)"
        );
        let relative = Constraints { max_energy_ratio: Some(0.25), ..Constraints::default() };
        let text = ron::to_string(&relative).unwrap();
        assert_eq!(ron::from_str::<Constraints>(&text).unwrap(), relative);
        let read: Constraints = ron::from_str("(max_energy_ratio: Some(0.25))").unwrap();
        assert_eq!(read, relative);
    }

    /// Issue 12: a developmental schedule holds its start budget, falls geometrically (the
    /// midpoint of the span is the geometric mean of start and adult, `√(4 · 0.25) = 1`) and
    /// stays at the adult budget; the budget binds against the baseline's energy, and a fixed
    /// budget beside it wins when tighter.
    #[test]
    fn a_developmental_schedule_tightens_geometrically_to_the_adult_budget() {
        let schedule = EnergySchedule::Developmental { start: 4.0, adult: 0.25, hold: 3, span: 10 };
        for g in 0..=3 {
            assert_eq!(schedule.ratio_at(g), Some(4.0));
        }
        assert!((schedule.ratio_at(8).unwrap() - 1.0).abs() < 1e-12);
        assert!((schedule.ratio_at(13).unwrap() - 0.25).abs() < 1e-12);
        assert!((schedule.ratio_at(1000).unwrap() - 0.25).abs() < 1e-12);
        assert_eq!(schedule.adult_from(), Some(13));
        let ratios: Vec<f64> = (0..20).map(|g| schedule.ratio_at(g).unwrap()).collect();
        assert!(ratios.windows(2).all(|w| w[1] <= w[0]), "{ratios:?}");
        assert_eq!(EnergySchedule::Constant { ratio: 0.5 }.ratio_at(7), Some(0.5));
        assert_eq!(EnergySchedule::None.ratio_at(7), None);

        // A baseline of 8e9 ATP: 3.2e10 ATP at first, 2e9 as an adult.
        let c = Constraints { energy_schedule: schedule, ..Constraints::default() };
        let bounds = ResolvedConstraints::new(
            &c.clone().check().unwrap(),
            &measured(8e9, 0.9),
            EnergyUnit::Atp,
        );
        assert!(bounds.vary());
        assert!(bounds.violation_at(&measured(1e10, 0.9), 0).abs() < 1e-15);
        assert!((bounds.violation_at(&measured(1e10, 0.9), 13) - 4.0).abs() < 1e-12);
        let fixed = Constraints { max_energy: Some(1e9), ..c }.check().unwrap();
        let bounds = ResolvedConstraints::new(&fixed, &measured(8e9, 0.9), EnergyUnit::Atp);
        assert_eq!(bounds.max_energy_at(0), Some(1e9));
        assert!((bounds.max_energy_at(13).unwrap() - 1e9).abs() < 1e-3);
    }

    /// Schedules that loosen, spans of 0 and budgets ≤ 0 are refused naming the field; a
    /// config without a schedule writes as before and a schedule reads back from RON.
    #[test]
    fn bad_schedules_are_refused_and_good_ones_read_back() {
        let refused = |schedule: EnergySchedule| {
            Constraints { energy_schedule: schedule, ..Constraints::default() }.check().unwrap_err()
        };
        let loosening = EnergySchedule::Developmental { start: 0.5, adult: 2.0, hold: 0, span: 5 };
        let error = refused(loosening);
        assert_eq!(error.field, "constraints.energy_schedule.adult");
        assert!(error.to_string().contains("must not exceed start"), "{error}");
        let flat = EnergySchedule::Developmental { start: 2.0, adult: 0.5, hold: 0, span: 0 };
        assert_eq!(refused(flat).field, "constraints.energy_schedule.span");
        let zero = EnergySchedule::Developmental { start: 0.0, adult: 0.0, hold: 0, span: 5 };
        assert_eq!(refused(zero).field, "constraints.energy_schedule.start");
        let negative = EnergySchedule::Constant { ratio: -1.0 };
        assert_eq!(refused(negative).field, "constraints.energy_schedule.ratio");
        let nan = EnergySchedule::Constant { ratio: f64::NAN };
        assert_eq!(refused(nan).field, "constraints.energy_schedule.ratio");

        assert_eq!(
            ron::to_string(&Constraints::default()).unwrap(),
            "(max_energy:None,min_accuracy:None)"
        );
        let read: Constraints = ron::from_str(
            "(energy_schedule: Developmental(start: 4.0, adult: 0.5, hold: 5, span: 15))",
        )
        .unwrap();
        assert_eq!(
            read.energy_schedule,
            EnergySchedule::Developmental { start: 4.0, adult: 0.5, hold: 5, span: 15 }
        );
        let text = ron::to_string(&read).unwrap();
        assert_eq!(ron::from_str::<Constraints>(&text).unwrap(), read);
    }
}
