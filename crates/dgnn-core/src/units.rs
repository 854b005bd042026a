//! Physical and informational quantities as types, so an ATP count is never added to joules.
//!
//! Conversion ATP → joules uses the free energy of ATP hydrolysis under cellular conditions,
//! about 50 kJ/mol (Attwell & Laughlin 2001, J Cereb Blood Flow Metab 21:1133): one molecule
//! carries 50e3 / 6.02214076e23 ≈ 8.3e-20 J ([`JOULES_PER_ATP`]).

use serde::{Deserialize, Serialize};
use std::iter::Sum;
use std::ops::{Add, AddAssign, Div, Mul, Sub};

/// Avogadro's number, 1/mol (SI 2019, exact).
pub const AVOGADRO_PER_MOL: f64 = 6.022_140_76e23;

/// Free energy released by hydrolysing one mole of ATP in the cell, J/mol (≈ 50 kJ/mol).
pub const ATP_FREE_ENERGY_J_PER_MOL: f64 = 50.0e3;

/// Energy carried by one ATP molecule in joules (≈ 8.3e-20 J).
pub const JOULES_PER_ATP: f64 = ATP_FREE_ENERGY_J_PER_MOL / AVOGADRO_PER_MOL;

macro_rules! quantity {
    ($(#[$doc:meta])* $name:ident, $unit:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, PartialOrd, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub f64);

        impl $name {
            /// The zero quantity.
            pub const ZERO: Self = Self(0.0);
            /// The unit symbol used in reports and CSV headers.
            pub const UNIT: &'static str = $unit;
            /// The raw value in the unit [`Self::UNIT`].
            #[must_use]
            pub fn value(self) -> f64 {
                self.0
            }
        }

        impl Add for $name {
            type Output = Self;
            fn add(self, rhs: Self) -> Self {
                Self(self.0 + rhs.0)
            }
        }

        impl AddAssign for $name {
            fn add_assign(&mut self, rhs: Self) {
                self.0 += rhs.0;
            }
        }

        impl Sub for $name {
            type Output = Self;
            fn sub(self, rhs: Self) -> Self {
                Self(self.0 - rhs.0)
            }
        }

        impl Mul<f64> for $name {
            type Output = Self;
            fn mul(self, rhs: f64) -> Self {
                Self(self.0 * rhs)
            }
        }

        impl Div<f64> for $name {
            type Output = Self;
            fn div(self, rhs: f64) -> Self {
                Self(self.0 / rhs)
            }
        }

        impl Div for $name {
            type Output = f64;
            fn div(self, rhs: Self) -> f64 {
                self.0 / rhs.0
            }
        }

        impl Sum for $name {
            fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
                Self(iter.map(|q| q.0).sum())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{:.6e} {}", self.0, $unit)
            }
        }
    };
}

quantity!(
    /// A duration or time coordinate in seconds (or in the model's dimensionless time unit
    /// where a model says so).
    Seconds,
    "s"
);
quantity!(
    /// A number of ATP molecules consumed.
    Atp,
    "ATP"
);
quantity!(
    /// An energy in joules.
    Joules,
    "J"
);
quantity!(
    /// An amount of information in bits.
    Bits,
    "bit"
);

impl Atp {
    /// The energy released by hydrolysing this many ATP molecules.
    #[must_use]
    pub fn to_joules(self) -> Joules {
        Joules(self.0 * JOULES_PER_ATP)
    }
}

impl Joules {
    /// The number of ATP molecules that would release this energy.
    #[must_use]
    pub fn to_atp(self) -> Atp {
        Atp(self.0 / JOULES_PER_ATP)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atp_to_joules_matches_attwell_laughlin() {
        // Attwell & Laughlin 2001 quote ≈ 8.3e-20 J per ATP for ≈ 50 kJ/mol.
        let j = Atp(1.0).to_joules().value();
        assert!((j - 8.3e-20).abs() < 0.01e-20, "{j}");
        let back = Atp(3.84e8).to_joules().to_atp().value();
        assert!((back - 3.84e8).abs() < 1e-6 * 3.84e8);
    }

    #[test]
    fn quantities_add_and_sum() {
        let total: Atp = [Atp(1.0), Atp(2.5), Atp(0.5)].into_iter().sum();
        assert!((total.value() - 4.0).abs() < 1e-15);
        assert!(((Bits(3.0) / Bits(1.5)) - 2.0).abs() < 1e-15);
    }
}
