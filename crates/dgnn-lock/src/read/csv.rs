//! CSV recordings: a header row of column names, then one row per sample. The sampling rate
//! comes from the caller or from a time column (seconds; the median step, which must be
//! uniform to 1%). An empty cell is a missing sample (`NaN`).

use super::{Channel, Recording, format_error};
use crate::error::{LockError, Result};
use dgnn_core::ParamError;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// How to read a CSV file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CsvOptions {
    /// Sampling rate in Hz; required unless `time_column` is given.
    pub fs_hz: Option<f64>,
    /// A column of sample times in seconds from which to take the sampling rate.
    pub time_column: Option<String>,
    /// The field delimiter (default `,`).
    pub delimiter: Option<u8>,
}

/// Reads a CSV file with a header row; every column but the time column becomes a channel.
pub fn read_csv(path: &Path, options: &CsvOptions) -> Result<Recording> {
    let file =
        std::fs::File::open(path).map_err(|source| LockError::Io { path: path.into(), source })?;
    let reader = ::csv::ReaderBuilder::new()
        .delimiter(options.delimiter.unwrap_or(b','))
        .trim(::csv::Trim::All)
        .from_reader(file);
    let (headers, columns) = read_columns(path, reader)?;
    let time_index = match &options.time_column {
        Some(name) => Some(headers.iter().position(|h| h == name).ok_or_else(|| {
            LockError::MissingColumn {
                path: path.into(),
                name: name.clone(),
                available: headers.join(", "),
            }
        })?),
        None => None,
    };
    let fs_hz = match (options.fs_hz, time_index) {
        (Some(fs), _) => dgnn_core::error::positive("fs_hz", fs)?,
        (None, Some(t)) => rate_from_times(path, &columns[t])?,
        (None, None) => {
            return Err(ParamError::new(
                "fs_hz",
                "missing",
                "give the sampling rate (--fs) or name a time column (--time-column)",
            )
            .into());
        }
    };
    let channels = headers
        .into_iter()
        .zip(columns)
        .enumerate()
        .filter(|(i, _)| Some(*i) != time_index)
        .map(|(_, (name, samples))| Channel { name, samples })
        .collect();
    Ok(Recording { source: path.into(), fs_hz, channels })
}

/// The header row and the columns of numbers below it (empty cells become `NaN`).
fn read_columns(
    path: &Path,
    mut reader: ::csv::Reader<std::fs::File>,
) -> Result<(Vec<String>, Vec<Vec<f64>>)> {
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| format_error(path, Some(1), format!("unreadable header row: {e}")))?
        .iter()
        .map(str::to_string)
        .collect();
    if headers.is_empty() || headers.iter().all(String::is_empty) {
        return Err(format_error(path, Some(1), "no header row with column names"));
    }
    let mut columns: Vec<Vec<f64>> = vec![Vec::new(); headers.len()];
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let record = record.map_err(|e| format_error(path, Some(line), e.to_string()))?;
        if record.len() != headers.len() {
            return Err(format_error(
                path,
                Some(line),
                format!("{} fields where the header has {}", record.len(), headers.len()),
            ));
        }
        for (column, field) in columns.iter_mut().zip(record.iter()) {
            let value = if field.is_empty() {
                f64::NAN
            } else {
                field.parse::<f64>().map_err(|_| {
                    format_error(path, Some(line), format!("`{field}` is not a number"))
                })?
            };
            column.push(value);
        }
    }
    Ok((headers, columns))
}

/// The sampling rate implied by a column of times: 1/median step, uniform to 1%.
fn rate_from_times(path: &Path, times: &[f64]) -> Result<f64> {
    let mut steps: Vec<f64> = times.windows(2).map(|w| w[1] - w[0]).collect();
    if steps.is_empty() || steps.iter().any(|s| !s.is_finite()) {
        return Err(format_error(path, None, "the time column needs at least two finite times"));
    }
    steps.sort_by(f64::total_cmp);
    let median = steps[steps.len() / 2];
    if median <= 0.0 {
        return Err(format_error(path, None, "times in the time column must increase"));
    }
    if steps.iter().any(|s| (s - median).abs() > 0.01 * median) {
        return Err(format_error(
            path,
            None,
            "the time column is not uniformly sampled (steps differ by more than 1%); resample it",
        ));
    }
    Ok(1.0 / median)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::write_test_file as write;

    #[test]
    fn csv_with_time_column_or_rate() {
        let dir = tempfile::tempdir().unwrap();
        let path =
            write(dir.path(), "r.csv", b"t,ecg,resp\n0.00,1,10\n0.01,2,11\n0.02,3,\n0.03,4,13\n");
        let opts = CsvOptions { time_column: Some("t".into()), ..CsvOptions::default() };
        let rec = read_csv(&path, &opts).unwrap();
        assert!((rec.fs_hz - 100.0).abs() < 1e-9);
        assert_eq!(rec.names(), "ecg, resp");
        assert_eq!(rec.channel("ecg").unwrap().samples, vec![1.0, 2.0, 3.0, 4.0]);
        // An empty cell is a missing sample: reading works, analysing that channel does not.
        assert!(rec.channel("resp").unwrap().samples[2].is_nan());
        let err = rec.finite_channel("resp").unwrap_err().to_string();
        assert!(err.contains("1 missing") && err.contains("t = 0.020"), "{err}");
        assert!(matches!(rec.channel("ECG"), Err(LockError::MissingColumn { .. })));
        let rec =
            read_csv(&path, &CsvOptions { fs_hz: Some(250.0), ..CsvOptions::default() }).unwrap();
        assert_eq!(rec.channels.len(), 3);
        assert!((rec.duration_s() - 4.0 / 250.0).abs() < 1e-12);
    }

    #[test]
    fn broken_csv_files_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let fs = CsvOptions { fs_hz: Some(100.0), ..CsvOptions::default() };
        let ragged = write(dir.path(), "a.csv", b"a,b\n1,2\n3\n");
        assert!(matches!(read_csv(&ragged, &fs), Err(LockError::Format { line: Some(3), .. })));
        let text = write(dir.path(), "b.csv", b"a,b\n1,x\n");
        assert!(matches!(read_csv(&text, &fs), Err(LockError::Format { line: Some(2), .. })));
        let no_rate = write(dir.path(), "c.csv", b"a,b\n1,2\n");
        let err = read_csv(&no_rate, &CsvOptions::default()).unwrap_err();
        assert!(err.to_string().contains("fs_hz"), "{err}");
        assert!(
            read_csv(&no_rate, &CsvOptions { fs_hz: Some(0.0), ..CsvOptions::default() }).is_err()
        );
        let uneven = write(dir.path(), "d.csv", b"t,a\n0,1\n0.1,2\n0.3,3\n");
        let opts = CsvOptions { time_column: Some("t".into()), ..CsvOptions::default() };
        assert!(read_csv(&uneven, &opts).is_err());
        let wrong_time = CsvOptions { time_column: Some("time".into()), ..CsvOptions::default() };
        assert!(matches!(read_csv(&uneven, &wrong_time), Err(LockError::MissingColumn { .. })));
        assert!(matches!(read_csv(&dir.path().join("none.csv"), &fs), Err(LockError::Io { .. })));
    }
}
