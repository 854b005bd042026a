//! Reading and writing the commands' RON config files (the format itself is
//! `dgnn_core::config`, shared with the libraries).

use anyhow::Context;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::path::Path;

/// Parses a config from RON text (`dgnn_core::config::from_ron`); unknown fields are refused by
/// the config types themselves (`deny_unknown_fields`), and the error names the position and the
/// field.
pub fn parse_ron<T: DeserializeOwned>(text: &str) -> anyhow::Result<T> {
    dgnn_core::config::from_ron(text).map_err(|e| anyhow::anyhow!("{e}"))
}

/// Reads and parses a config file, naming the file in any error.
pub fn read_ron_file<T: DeserializeOwned>(path: &Path) -> anyhow::Result<T> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    parse_ron(&text).with_context(|| format!("reading {}", path.display()))
}

/// Serialises a config as pretty RON that [`parse_ron`] reads back exactly.
pub fn to_ron<T: Serialize>(config: &T) -> anyhow::Result<String> {
    Ok(dgnn_core::config::to_ron(config)?)
}

/// Writes a config as RON, atomically.
pub fn write_ron_file<T: Serialize>(path: &Path, config: &T) -> anyhow::Result<()> {
    dgnn_core::atomic_write(path, to_ron(config)?.as_bytes())?;
    Ok(())
}
