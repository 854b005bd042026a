//! Error conventions shared by every dgnn library crate.
//!
//! Each library crate has its own `thiserror` enum; a bad parameter anywhere becomes a
//! [`ParamError`] naming the field, the value it had and what would fix it, so the CLI can print
//! one clear line. The checking helpers ([`finite`], [`positive`], [`non_negative`], [`in_range`],
//! [`at_least`]) are what unchecked parameter structs call in their `check()` step (linfa's
//! `Params` → `ValidParams` habit).

use std::path::PathBuf;

/// A parameter that failed its check: which field, what it was, and what it must be.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid `{field}` = {value}: {requirement}")]
pub struct ParamError {
    /// The field as the user wrote it (a config path such as `integrator.dt`).
    pub field: String,
    /// The offending value, formatted.
    pub value: String,
    /// What the value must satisfy, phrased as the fix.
    pub requirement: String,
}

impl ParamError {
    /// A new error for `field` holding `value`, with the fix in `requirement`.
    pub fn new(
        field: impl Into<String>,
        value: impl ToString,
        requirement: impl Into<String>,
    ) -> Self {
        Self { field: field.into(), value: value.to_string(), requirement: requirement.into() }
    }

    /// The same error with its field placed under `parent` (`dt` becomes `integrator.dt`).
    #[must_use]
    pub fn within(mut self, parent: &str) -> Self {
        self.field = format!("{parent}.{}", self.field);
        self
    }
}

/// Errors of the shared plumbing: files and serialisation of result envelopes.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// A file or directory could not be read or written.
    #[error("{action} `{path}`: {source}")]
    Io {
        /// What was being done ("write", "create directory" …).
        action: &'static str,
        /// The path involved.
        path: PathBuf,
        /// The operating-system error.
        source: std::io::Error,
    },
    /// A value could not be serialised or parsed.
    #[error("{format} error for `{path}`: {message}")]
    Format {
        /// "JSON" or "RON".
        format: &'static str,
        /// The file involved.
        path: PathBuf,
        /// What the serialiser said.
        message: String,
    },
    /// A run directory already holds results; dgnn never overwrites a run.
    #[error("`{path}` already exists and is not empty: choose another --out folder or remove it")]
    RunDirExists {
        /// The directory that was asked for.
        path: PathBuf,
    },
}

/// A number as an error message shows it: as written for ordinary magnitudes (`0.01`, `2026`),
/// in scientific notation beyond them (`1e300` rather than 301 digits, `1e-9`).
#[must_use]
pub fn show_number(value: f64) -> String {
    let magnitude = value.abs();
    if value.is_finite() && magnitude != 0.0 && !(1e-5..1e15).contains(&magnitude) {
        format!("{value:e}")
    } else {
        value.to_string()
    }
}

/// Checks that `value` is finite (not NaN, not ±∞).
pub fn finite(field: &str, value: f64) -> Result<f64, ParamError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(ParamError::new(field, show_number(value), "must be a finite number"))
    }
}

/// Checks that `value` is finite and strictly positive.
pub fn positive(field: &str, value: f64) -> Result<f64, ParamError> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(ParamError::new(field, show_number(value), "must be a finite number > 0"))
    }
}

/// Checks that `value` is finite and not negative.
pub fn non_negative(field: &str, value: f64) -> Result<f64, ParamError> {
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(ParamError::new(field, show_number(value), "must be a finite number ≥ 0"))
    }
}

/// Checks that `value` lies in the closed interval `[low, high]`.
pub fn in_range(field: &str, value: f64, low: f64, high: f64) -> Result<f64, ParamError> {
    if value.is_finite() && (low..=high).contains(&value) {
        Ok(value)
    } else {
        Err(ParamError::new(field, show_number(value), format!("must lie in [{low}, {high}]")))
    }
}

/// Checks that a count is at least `min`.
pub fn at_least(field: &str, value: usize, min: usize) -> Result<usize, ParamError> {
    if value >= min {
        Ok(value)
    } else {
        Err(ParamError::new(field, value, format!("must be at least {min}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_reject_bad_values_and_name_the_field() {
        assert!(finite("x", f64::NAN).is_err());
        assert!(positive("dt", 0.0).is_err());
        assert!(positive("dt", -1.0).is_err());
        assert!(positive("dt", f64::INFINITY).is_err());
        assert!(non_negative("q", -1e-300).is_err());
        assert!(in_range("p", 1.5, 0.0, 1.0).is_err());
        assert!(at_least("n", 0, 1).is_err());
        let err = positive("dt", -0.1).unwrap_err().within("integrator");
        assert_eq!(err.field, "integrator.dt");
        assert!(err.to_string().contains("integrator.dt"));
    }

    #[test]
    fn numbers_are_shown_compactly() {
        assert_eq!(show_number(0.01), "0.01");
        assert_eq!(show_number(2026.0), "2026");
        assert_eq!(show_number(1e300), "1e300");
        assert_eq!(show_number(-2.5e-9), "-2.5e-9");
        assert_eq!(show_number(0.0), "0");
        assert_eq!(show_number(f64::NAN), "NaN");
        assert_eq!(positive("dt", -1e300).unwrap_err().value, "-1e300");
    }

    #[test]
    fn checks_accept_good_values() {
        assert_eq!(positive("dt", 0.01), Ok(0.01));
        assert_eq!(non_negative("q", 0.0), Ok(0.0));
        assert_eq!(in_range("p", 1.0, 0.0, 1.0), Ok(1.0));
        assert_eq!(at_least("n", 3, 1), Ok(3));
    }
}
