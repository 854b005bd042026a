//! Checked parameters as types (linfa's `ParamGuard` habit).
//!
//! A user-facing parameter struct is *raw*: public fields, `Deserialize`, anything goes. Before
//! a model or solver may use it, it passes one [`ParamGuard::check`] step that returns a distinct
//! *checked* type; entry points take only the checked type, so an unchecked value can never
//! reach them.
//!
//! Two shapes cover every parameter struct in dgnn:
//! - when checking only has to confirm invariants, the raw type implements [`Validate`] and its
//!   checked type is [`Valid<T>`]: the same value, read-only (it dereferences to `T`), which only
//!   [`Valid::new`] can build. `Valid<T>` deserialises by reading the raw `T` and validating it,
//!   so a file can never smuggle in an unchecked value;
//! - when checking also derives something (a reduced fraction, a lookup table, defaults filled
//!   in), the raw type implements [`ParamGuard`] directly with a checked type of its own, whose
//!   fields are private and which has no `Deserialize` of its own.
//!
//! ```
//! use dgnn_core::{ParamError, ParamGuard, Valid, Validate};
//!
//! /// A step size, raw as the user wrote it.
//! #[derive(Debug, Clone, Copy)]
//! struct Step { dt: f64 }
//!
//! impl Validate for Step {
//!     fn validate(&self) -> Result<(), ParamError> {
//!         dgnn_core::error::positive("dt", self.dt).map(drop)
//!     }
//! }
//!
//! /// An entry point that only takes checked parameters.
//! fn steps_to(t: f64, step: &Valid<Step>) -> f64 { t / step.dt }
//!
//! let step = Step { dt: 0.01 }.check()?;
//! assert!((steps_to(1.0, &step) - 100.0).abs() < 1e-9);
//! assert!(Step { dt: -1.0 }.check().is_err());
//! # Ok::<(), ParamError>(())
//! ```

use std::ops::Deref;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::ParamError;

/// A raw parameter struct that becomes a checked one in exactly one step.
pub trait ParamGuard: Sized {
    /// The checked type that entry points accept.
    type Checked;

    /// Checks every field, naming the first bad one and its fix.
    ///
    /// # Errors
    /// A [`ParamError`] for the first field that fails its requirement.
    fn check(self) -> Result<Self::Checked, ParamError>;
}

/// A raw parameter struct whose check only confirms invariants; its checked type is
/// [`Valid<Self>`] (through the blanket [`ParamGuard`] implementation).
pub trait Validate {
    /// Confirms every invariant, naming the first bad field and its fix.
    ///
    /// # Errors
    /// A [`ParamError`] for the first field that fails its requirement.
    fn validate(&self) -> Result<(), ParamError>;
}

impl<T: Validate> ParamGuard for T {
    type Checked = Valid<T>;

    fn check(self) -> Result<Valid<T>, ParamError> {
        Valid::new(self)
    }
}

/// A value of `T` that passed [`Validate::validate`]: read-only, built only by [`Valid::new`]
/// (or by deserialising a raw `T` and validating it).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Valid<T>(T);

impl<T: Validate> Valid<T> {
    /// Validates `value`.
    ///
    /// # Errors
    /// The [`ParamError`] of the first field that fails.
    pub fn new(value: T) -> Result<Self, ParamError> {
        value.validate()?;
        Ok(Self(value))
    }
}

impl<T> Valid<T> {
    /// The raw value, to change and check again.
    #[must_use]
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for Valid<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> AsRef<T> for Valid<T> {
    fn as_ref(&self) -> &T {
        &self.0
    }
}

impl<T: Serialize> Serialize for Valid<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de, T: Deserialize<'de> + Validate> Deserialize<'de> for Valid<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = T::deserialize(deserializer)?;
        Self::new(raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{at_least, positive};

    #[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
    struct Grid {
        width: f64,
        cells: usize,
    }

    impl Validate for Grid {
        fn validate(&self) -> Result<(), ParamError> {
            positive("width", self.width)?;
            at_least("cells", self.cells, 1)?;
            Ok(())
        }
    }

    #[test]
    fn check_names_the_bad_field() {
        assert_eq!(Grid { width: 0.0, cells: 3 }.check().unwrap_err().field, "width");
        assert_eq!(Grid { width: 1.0, cells: 0 }.check().unwrap_err().field, "cells");
        let grid = Grid { width: 2.0, cells: 3 }.check().unwrap();
        assert_eq!(grid.cells, 3);
        assert_eq!(grid.into_inner(), Grid { width: 2.0, cells: 3 });
    }

    #[test]
    fn deserialising_a_checked_value_checks_it() {
        let good: Valid<Grid> = ron::from_str("(width: 1.5, cells: 4)").unwrap();
        assert_eq!(good.cells, 4);
        let bad = ron::from_str::<Valid<Grid>>("(width: -1.0, cells: 4)").unwrap_err();
        assert!(bad.to_string().contains("width"), "{bad}");
        // Serialising writes the raw value, which reads back as the same checked value.
        let text = ron::to_string(&good).unwrap();
        assert_eq!(ron::from_str::<Valid<Grid>>(&text).unwrap(), good);
    }
}
