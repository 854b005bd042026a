//! Reading and writing configs as RON, one way for every dgnn command and library.
//!
//! Configs are read with the RON extensions `implicit_some` (an optional field is written as its
//! value, without `Some(…)`) and `unwrap_variant_newtypes` (`Ensemble(potential: …)` without
//! doubled parentheses), and written with the same extensions enabled, so a saved `config.ron`
//! reads back to the identical config and re-runs to identical figures.

use serde::Serialize;
use serde::de::DeserializeOwned;

fn extensions() -> ron::extensions::Extensions {
    ron::extensions::Extensions::IMPLICIT_SOME
        | ron::extensions::Extensions::UNWRAP_VARIANT_NEWTYPES
}

/// Parses a config from RON text; unknown fields are refused by the config types themselves
/// (`deny_unknown_fields`), and the error names the position and the field.
///
/// # Errors
/// RON's error, with its line and column.
pub fn from_ron<T: DeserializeOwned>(text: &str) -> Result<T, ron::error::SpannedError> {
    ron::Options::default().with_default_extension(extensions()).from_str(text)
}

/// Serialises a config as pretty RON that [`from_ron`] reads back exactly.
///
/// # Errors
/// A value RON cannot represent.
pub fn to_ron<T: Serialize>(config: &T) -> Result<String, ron::Error> {
    let pretty = ron::ser::PrettyConfig::default().extensions(extensions());
    ron::ser::to_string_pretty(config, pretty)
}
