//! The description of a deep glial-neural network: what the search changes.
//!
//! An [`Architecture`] lists hidden *regions* (layers) of neurons, each with its glia:neuron
//! ratio, activation and connection density; the artificial-astrocyte rule; the energy each
//! astrocyte can supply; and the phase layer. Its input and output sizes come from the data. It
//! is plain serde data (RON for users, a genome for the search); checking it
//! ([`dgnn_core::ParamGuard::check`]) turns it into a [`ValidArchitecture`], the only form the
//! network builder accepts. A `ValidArchitecture` read from a file is checked as it is read.

use crate::astrocyte::AstrocyteRule;
use crate::phase::PhaseLayer;
use dgnn_core::error::{at_least, in_range, positive};
use dgnn_core::{ParamError, Valid, Validate};
use serde::{Deserialize, Serialize};

/// The nonlinearity of a region's neurons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Activation {
    /// `tanh z`; activity (for energy) is `|tanh z|`.
    #[default]
    Tanh,
    /// `max(0, z)`; activity is `min(1, max(0, z))`.
    Relu,
    /// `1/(1 + e^{−z})`; activity is the output itself.
    Sigmoid,
}

impl Activation {
    /// The activation value.
    #[must_use]
    pub fn apply(self, z: f64) -> f64 {
        match self {
            Self::Tanh => z.tanh(),
            Self::Relu => z.max(0.0),
            Self::Sigmoid => 1.0 / (1.0 + crate::kernels::exp(-z)),
        }
    }

    /// The derivative with respect to `z`, written in terms of the output `h`.
    #[must_use]
    pub fn derivative_from_output(self, h: f64) -> f64 {
        match self {
            Self::Tanh => 1.0 - h * h,
            Self::Relu => {
                if h > 0.0 {
                    1.0
                } else {
                    0.0
                }
            }
            Self::Sigmoid => h * (1.0 - h),
        }
    }

    /// The activity in `[0, 1]` of an output `h`: the fraction of the maximal firing that the
    /// energy models charge for.
    #[must_use]
    pub fn activity(self, h: f64) -> f64 {
        match self {
            Self::Tanh => h.abs(),
            Self::Relu => h.clamp(0.0, 1.0),
            Self::Sigmoid => h,
        }
    }

    /// Glorot-uniform initialisation factor (scikit-learn's: 2 for sigmoid, 6 otherwise).
    pub(crate) fn glorot_factor(self) -> f64 {
        match self {
            Self::Sigmoid => 2.0,
            _ => 6.0,
        }
    }
}

fn default_ratio() -> f64 {
    1.0
}

fn default_density() -> f64 {
    1.0
}

/// A hidden region (layer) of neurons and its astrocytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    /// Number of neurons (≥ 1).
    pub neurons: usize,
    /// Astrocytes per neuron (default 1.0). The human brain ranges from 1:1 to 6:1 by region;
    /// allowed here: (0, 10]. The region gets `max(1, round(ratio × neurons))` astrocytes.
    #[serde(default = "default_ratio")]
    pub glia_ratio: f64,
    /// Activation of the neurons (default `tanh`).
    #[serde(default)]
    pub activation: Activation,
    /// Fraction of the synapses from the previous region that exist (default 1.0, all of them);
    /// in (0, 1]. The pattern is drawn once per network from the seed.
    #[serde(default = "default_density")]
    pub density: f64,
}

impl Region {
    /// A fully connected tanh region with one astrocyte per neuron.
    #[must_use]
    pub fn dense(neurons: usize) -> Self {
        Self { neurons, glia_ratio: 1.0, activation: Activation::Tanh, density: 1.0 }
    }

    /// The number of astrocytes of this region.
    #[must_use]
    pub fn astrocytes(&self) -> usize {
        ((self.glia_ratio * self.neurons as f64).round() as usize).max(1)
    }
}

impl Validate for Region {
    fn validate(&self) -> Result<(), ParamError> {
        at_least("neurons", self.neurons, 1)?;
        in_range("glia_ratio", self.glia_ratio, f64::MIN_POSITIVE, 10.0)?;
        in_range("density", self.density, f64::MIN_POSITIVE, 1.0)?;
        Ok(())
    }
}

/// A deep glial-neural network, unchecked (module docs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Architecture {
    /// The hidden regions, from input to output (at least one).
    pub regions: Vec<Region>,
    /// The artificial-astrocyte rule (Porto-Pazos et al. 2011); `None` (the default) for a plain
    /// network whose astrocytes only supply energy.
    #[serde(default)]
    pub astrocytes: Option<AstrocyteRule>,
    /// Energy each astrocyte can supply to its territory per step, in units of one fully active
    /// neuron's demand (the lactate shuttle); a territory whose neurons demand more is throttled.
    /// `None` (the default): unlimited supply.
    #[serde(default)]
    pub supply_per_astrocyte: Option<f64>,
    /// The phase layer (phase-gated coupling, one attractor per context); `None` (the default)
    /// for none.
    #[serde(default)]
    pub phase: Option<PhaseLayer>,
}

impl Architecture {
    /// The contexts (tasks) a network of this architecture serves: its phase layer's, else 1.
    #[must_use]
    pub fn contexts(&self) -> usize {
        self.phase.as_ref().map_or(1, |p| p.contexts)
    }

    /// A plain fully connected tanh network with the given hidden sizes.
    #[must_use]
    pub fn plain(hidden: &[usize]) -> Self {
        Self {
            regions: hidden.iter().map(|&n| Region::dense(n)).collect(),
            astrocytes: None,
            supply_per_astrocyte: None,
            phase: None,
        }
    }
}

/// Checks every field; errors name the field as a path (`regions[1].density`).
impl Validate for Architecture {
    fn validate(&self) -> Result<(), ParamError> {
        at_least("regions (number of hidden regions)", self.regions.len(), 1)?;
        for (i, region) in self.regions.iter().enumerate() {
            region.validate().map_err(|e| e.within(&format!("regions[{i}]")))?;
        }
        if let Some(rule) = &self.astrocytes {
            rule.validate().map_err(|e| e.within("astrocytes"))?;
        }
        if let Some(supply) = self.supply_per_astrocyte {
            positive("supply_per_astrocyte", supply)?;
        }
        if let Some(phase) = &self.phase {
            phase.validate().map_err(|e| e.within("phase"))?;
        }
        Ok(())
    }
}

/// An architecture whose every field passed its check: the only form [`crate::Network::build`]
/// and the trainers accept.
pub type ValidArchitecture = Valid<Architecture>;

#[cfg(test)]
mod tests {
    use super::*;
    use dgnn_core::ParamGuard;

    #[test]
    fn checks_name_the_bad_field() {
        let mut arch = Architecture::plain(&[8, 4]);
        assert!(arch.clone().check().is_ok());
        arch.regions[1].density = 0.0;
        let err = arch.clone().check().unwrap_err();
        assert_eq!(err.field, "regions[1].density");
        arch.regions[1].density = 1.0;
        arch.regions[0].glia_ratio = 12.0;
        assert_eq!(arch.clone().check().unwrap_err().field, "regions[0].glia_ratio");
        arch.regions[0].glia_ratio = 2.0;
        arch.supply_per_astrocyte = Some(-1.0);
        assert_eq!(arch.check().unwrap_err().field, "supply_per_astrocyte");
        assert!(Architecture::plain(&[]).check().is_err());
    }

    #[test]
    fn ron_refuses_unknown_fields_and_checks_on_load() {
        let ok: ValidArchitecture = ron::from_str("(regions: [(neurons: 4, glia_ratio: 3.0)])")
            .expect("a minimal architecture parses");
        assert_eq!(ok.regions[0].astrocytes(), 12);
        assert!(ron::from_str::<Architecture>("(regions: [(neurons: 4, colour: 1)])").is_err());
        assert!(ron::from_str::<ValidArchitecture>("(regions: [(neurons: 0)])").is_err());
    }

    #[test]
    fn activation_derivatives_match_finite_differences() {
        // d tanh = 1 − tanh², d σ = σ(1 − σ): central differences with h = 1e-5 have error
        // O(h²·f''') ≈ 1e-10.
        for act in [Activation::Tanh, Activation::Sigmoid, Activation::Relu] {
            for &z in &[-1.3, -0.2, 0.4, 2.0] {
                let h = 1e-5;
                let fd = (act.apply(z + h) - act.apply(z - h)) / (2.0 * h);
                let an = act.derivative_from_output(act.apply(z));
                assert!((fd - an).abs() < 1e-8, "{act:?} at {z}: {fd} vs {an}");
            }
        }
    }
}
