//! Readers for physiological recordings: CSV ([`read_csv`]), OpenSignals (BITalino) text
//! ([`read_opensignals`]) and WFDB ([`read_wfdb`]), one file each.
//!
//! Every reader returns a [`Recording`]: a sampling rate and named channels of equal length.
//! Missing or invalid samples (empty CSV cells, `NaN`, WFDB's invalid-sample codes) become
//! `NaN` so that the caller can say where data are missing ([`Recording::finite_channel`]);
//! malformed files are [`LockError::Format`] errors naming the line. [`read`] dispatches on a
//! [`Format`], which [`Format::detect`] can guess.

mod csv;
mod opensignals;
mod wfdb;

pub use self::csv::{CsvOptions, read_csv};
pub use self::opensignals::read_opensignals;
pub use self::wfdb::read_wfdb;

use crate::error::{LockError, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// One named signal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Channel {
    /// The channel's name (CSV column, OpenSignals column, WFDB description or file index).
    pub name: String,
    /// The samples, in physical units where the format gives them, else raw counts.
    pub samples: Vec<f64>,
}

/// A multichannel recording at one sampling rate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recording {
    /// Where it was read from (for messages).
    pub source: PathBuf,
    /// Sampling rate in Hz.
    pub fs_hz: f64,
    /// The channels, all of the same length.
    pub channels: Vec<Channel>,
}

impl Recording {
    /// The number of samples per channel.
    #[must_use]
    pub fn len(&self) -> usize {
        self.channels.first().map_or(0, |c| c.samples.len())
    }

    /// Whether the recording holds no samples.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The duration in seconds.
    #[must_use]
    pub fn duration_s(&self) -> f64 {
        self.len() as f64 / self.fs_hz
    }

    /// The names of the channels, comma-separated (for messages).
    #[must_use]
    pub fn names(&self) -> String {
        self.channels.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(", ")
    }

    /// The channel called `name`.
    pub fn channel(&self, name: &str) -> Result<&Channel> {
        self.channels.iter().find(|c| c.name == name).ok_or_else(|| LockError::MissingColumn {
            path: self.source.clone(),
            name: name.into(),
            available: self.names(),
        })
    }

    /// The channel called `name`, which must hold only finite samples; otherwise the error
    /// says how many are missing and where the first one is.
    pub fn finite_channel(&self, name: &str) -> Result<&[f64]> {
        let channel = self.channel(name)?;
        let bad = channel.samples.iter().filter(|v| !v.is_finite()).count();
        if let Some(first) = channel.samples.iter().position(|v| !v.is_finite()) {
            return Err(LockError::Format {
                path: self.source.clone(),
                line: None,
                message: format!(
                    "channel `{name}` has {bad} missing or non-finite samples, the first at t = {:.3} s; \
                     cut the record or interpolate the gap before analysing it",
                    first as f64 / self.fs_hz
                ),
            });
        }
        Ok(&channel.samples)
    }
}

/// The file formats dgnn reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Comma-separated values with a header row.
    Csv,
    /// OpenSignals (BITalino) text.
    OpenSignals,
    /// WFDB header + binary signal files.
    Wfdb,
}

impl Format {
    /// Guesses the format: `.hea` → WFDB, a first line starting `# OpenSignals` → OpenSignals,
    /// else CSV.
    pub fn detect(path: &Path) -> Result<Self> {
        if path.extension().is_some_and(|e| e == "hea") {
            return Ok(Self::Wfdb);
        }
        let text = read_text(path)?;
        Ok(if text.starts_with("# OpenSignals") { Self::OpenSignals } else { Self::Csv })
    }
}

/// Reads a recording in the given format (CSV needs `csv` options for its sampling rate).
pub fn read(path: &Path, format: Format, csv: &CsvOptions) -> Result<Recording> {
    match format {
        Format::Csv => read_csv(path, csv),
        Format::OpenSignals => read_opensignals(path),
        Format::Wfdb => read_wfdb(path),
    }
}

/// The whole text of `path`.
fn read_text(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|source| LockError::Io { path: path.into(), source })
}

/// A [`LockError::Format`] for `path` at `line` (1-based, if known).
fn format_error(path: &Path, line: Option<usize>, message: impl Into<String>) -> LockError {
    LockError::Format { path: path.into(), line, message: message.into() }
}

/// Writes `bytes` to `dir/name` for the readers' tests.
#[cfg(test)]
fn write_test_file(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}
