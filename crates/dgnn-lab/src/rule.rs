//! Decision rules: declared in the config before anything runs, applied to the measured
//! intervals by code, never by hand.
//!
//! A rule is one or more conditions on named quantities that an experiment estimates with a
//! confidence interval. A condition is *met* when the whole interval lies on its side of the
//! threshold, *failed* when the whole interval lies on the other side, and *open* when the
//! interval contains the threshold. The verdict of the rule:
//! - **supported** when every condition is met;
//! - **not supported** when at least one condition failed;
//! - **inconclusive** otherwise (no condition failed, but at least one is open).
//!
//! So a verdict can come out either way, and "inconclusive" says honestly that the data did not
//! decide.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::stats::Interval;

/// Which side of its threshold a quantity must lie on for a condition to hold.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Side {
    /// The quantity must exceed the threshold.
    Above(f64),
    /// The quantity must stay below the threshold.
    Below(f64),
}

impl Side {
    /// The threshold.
    #[must_use]
    pub fn threshold(self) -> f64 {
        match self {
            Self::Above(t) | Self::Below(t) => t,
        }
    }
}

/// One condition of a rule: a named quantity and the side its interval must lie on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// The quantity's name, one of the experiment's declared quantities.
    pub quantity: String,
    /// Where its interval must lie.
    pub holds_if: Side,
}

/// A decision rule: every condition must hold for the claim to be supported (module docs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionRule {
    /// The claim in words, as the paper would state it.
    pub claim: String,
    /// The conditions, all of which must hold.
    pub conditions: Vec<Condition>,
}

/// A quantity an experiment estimates, which rules may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuantitySpec {
    /// Its name in rules and tables.
    pub name: &'static str,
    /// What it measures, with its unit.
    pub meaning: &'static str,
}

/// A rule that names something the experiment does not estimate, or has nothing to decide.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    /// A condition names an unknown quantity.
    #[error(
        "decision rule: unknown quantity `{name}`; this experiment estimates: {known} \
         (`dgnn experiment --example NAME` lists them with their meaning)"
    )]
    UnknownQuantity {
        /// The name written.
        name: String,
        /// The declared names, comma-separated.
        known: String,
    },
    /// The config states no claim.
    #[error("`rules` is empty: state at least one claim with its decision rule")]
    NoClaim,
    /// The rule has no condition.
    #[error("decision rule: `conditions` is empty; state at least one condition of the claim")]
    Empty,
    /// A threshold is not finite.
    #[error("decision rule: the threshold of `{name}` is not a finite number")]
    NotFinite {
        /// The quantity whose threshold is bad.
        name: String,
    },
}

impl DecisionRule {
    /// Checks that every condition names a declared quantity with a finite threshold.
    ///
    /// # Errors
    /// The first bad condition.
    pub fn check(&self, declared: &[QuantitySpec]) -> Result<(), RuleError> {
        if self.conditions.is_empty() {
            return Err(RuleError::Empty);
        }
        for c in &self.conditions {
            if !declared.iter().any(|q| q.name == c.quantity) {
                let known = declared.iter().map(|q| q.name).collect::<Vec<_>>().join(", ");
                return Err(RuleError::UnknownQuantity { name: c.quantity.clone(), known });
            }
            if !c.holds_if.threshold().is_finite() {
                return Err(RuleError::NotFinite { name: c.quantity.clone() });
            }
        }
        Ok(())
    }

    /// Applies the rule to the estimated intervals.
    #[must_use]
    pub fn decide(&self, estimates: &BTreeMap<String, Interval>) -> Decision {
        let outcomes: Vec<ConditionOutcome> = self
            .conditions
            .iter()
            .map(|c| {
                let interval = estimates.get(&c.quantity).copied();
                let status = interval.map_or(Status::Missing, |i| status_of(c.holds_if, i));
                ConditionOutcome { condition: c.clone(), interval, status }
            })
            .collect();
        let verdict = if outcomes.iter().any(|o| o.status == Status::Failed) {
            Verdict::NotSupported
        } else if outcomes.iter().all(|o| o.status == Status::Met) {
            Verdict::Supported
        } else {
            Verdict::Inconclusive
        };
        Decision { claim: self.claim.clone(), verdict, outcomes }
    }
}

/// Where an interval lies relative to a condition's threshold.
fn status_of(side: Side, interval: Interval) -> Status {
    if !(interval.low.is_finite() && interval.high.is_finite()) {
        return Status::Missing;
    }
    let (met, failed) = match side {
        Side::Above(t) => (interval.low > t, interval.high < t),
        Side::Below(t) => (interval.high < t, interval.low > t),
    };
    if met {
        Status::Met
    } else if failed {
        Status::Failed
    } else {
        Status::Open
    }
}

/// The verdict of a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Every condition's interval lies on its side.
    Supported,
    /// Some condition's interval lies wholly on the wrong side.
    NotSupported,
    /// No condition failed, but the data did not decide every one.
    Inconclusive,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Supported => "supported",
            Self::NotSupported => "not supported",
            Self::Inconclusive => "inconclusive",
        })
    }
}

/// The state of one condition after the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// The interval lies wholly on the required side.
    Met,
    /// The interval lies wholly on the other side.
    Failed,
    /// The interval contains the threshold.
    Open,
    /// The quantity could not be estimated (too few usable items).
    Missing,
}

/// One condition with its interval and status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConditionOutcome {
    /// The condition as declared.
    pub condition: Condition,
    /// The estimate and interval, when one could be computed.
    pub interval: Option<Interval>,
    /// Where the interval lies.
    pub status: Status,
}

/// A rule applied to data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    /// The claim decided.
    pub claim: String,
    /// The verdict.
    pub verdict: Verdict,
    /// Each condition's outcome, in the rule's order.
    pub outcomes: Vec<ConditionOutcome>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn interval(low: f64, high: f64) -> Interval {
        Interval { estimate: (low + high) / 2.0, low, high, level: 0.95 }
    }

    fn rule(conditions: &[(&str, Side)]) -> DecisionRule {
        DecisionRule {
            claim: "test".into(),
            conditions: conditions
                .iter()
                .map(|&(q, s)| Condition { quantity: q.into(), holds_if: s })
                .collect(),
        }
    }

    #[test]
    fn verdicts_follow_the_intervals() {
        let r = rule(&[("ratio", Side::Above(2.0)), ("loss", Side::Below(1.0))]);
        let at = |a: (f64, f64), b: (f64, f64)| {
            let map = BTreeMap::from([
                ("ratio".to_string(), interval(a.0, a.1)),
                ("loss".to_string(), interval(b.0, b.1)),
            ]);
            r.decide(&map).verdict
        };
        assert_eq!(at((2.5, 4.0), (0.1, 0.9)), Verdict::Supported);
        assert_eq!(at((1.0, 1.9), (0.1, 0.9)), Verdict::NotSupported);
        assert_eq!(at((2.5, 4.0), (1.1, 2.0)), Verdict::NotSupported);
        assert_eq!(at((1.5, 4.0), (0.1, 0.9)), Verdict::Inconclusive);
        // A failed condition outweighs an open one.
        assert_eq!(at((1.5, 4.0), (1.5, 2.0)), Verdict::NotSupported);
        // A missing estimate cannot support the claim.
        let only_ratio = BTreeMap::from([("ratio".to_string(), interval(3.0, 4.0))]);
        assert_eq!(r.decide(&only_ratio).verdict, Verdict::Inconclusive);
    }

    #[test]
    fn rules_are_checked_against_the_declared_quantities() {
        let declared = [QuantitySpec { name: "ratio", meaning: "energy ratio" }];
        assert!(rule(&[("ratio", Side::Above(2.0))]).check(&declared).is_ok());
        let err = rule(&[("ration", Side::Above(2.0))]).check(&declared).unwrap_err();
        assert!(err.to_string().contains("`ration`") && err.to_string().contains("ratio"));
        assert_eq!(rule(&[]).check(&declared), Err(RuleError::Empty));
        assert!(rule(&[("ratio", Side::Below(f64::NAN))]).check(&declared).is_err());
    }
}
