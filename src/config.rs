//! Reading and writing the commands' RON configs, one way for every command.
//!
//! Configs are read with the RON extensions `implicit_some` (an optional field is written as its
//! value, without `Some(…)`) and `unwrap_variant_newtypes` (`Ensemble(potential: …)` without
//! doubled parentheses), and written with the same extensions enabled, so a saved `config.ron`
//! reads back to the identical config and re-runs to identical figures.

use anyhow::Context;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::path::Path;

fn extensions() -> ron::extensions::Extensions {
    ron::extensions::Extensions::IMPLICIT_SOME
        | ron::extensions::Extensions::UNWRAP_VARIANT_NEWTYPES
}

/// Parses a config from RON text; unknown fields are refused by the config types themselves
/// (`deny_unknown_fields`), and the error names the position and the field.
pub fn parse_ron<T: DeserializeOwned>(text: &str) -> anyhow::Result<T> {
    ron::Options::default()
        .with_default_extension(extensions())
        .from_str(text)
        .map_err(|e| anyhow::anyhow!("{e}"))
}

/// Reads and parses a config file, naming the file in any error.
pub fn read_ron_file<T: DeserializeOwned>(path: &Path) -> anyhow::Result<T> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    parse_ron(&text).with_context(|| format!("reading {}", path.display()))
}

/// Serialises a config as pretty RON that [`parse_ron`] reads back exactly.
pub fn to_ron<T: Serialize>(config: &T) -> anyhow::Result<String> {
    let pretty = ron::ser::PrettyConfig::default().extensions(extensions());
    Ok(ron::ser::to_string_pretty(config, pretty)?)
}

/// Writes a config as RON, atomically.
pub fn write_ron_file<T: Serialize>(path: &Path, config: &T) -> anyhow::Result<()> {
    dgnn_core::atomic_write(path, to_ron(config)?.as_bytes())?;
    Ok(())
}
