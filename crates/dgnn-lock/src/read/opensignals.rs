//! OpenSignals text files (PLUX/BITalino): `#` header lines, the second holding a JSON object
//! per device with `"sampling rate"` and `"column"` names, `# EndOfHeader`, then tab-separated
//! integer samples (raw ADC counts).

use super::{Channel, Recording, format_error, read_text};
use crate::error::Result;
use serde::Deserialize;
use std::path::Path;

/// The part of an OpenSignals device header dgnn needs.
#[derive(Debug, Deserialize)]
struct OpenSignalsDevice {
    #[serde(rename = "sampling rate")]
    sampling_rate: f64,
    column: Vec<String>,
}

/// Reads an OpenSignals (BITalino) text file. With several devices in one file, the first
/// device's columns are read.
pub fn read_opensignals(path: &Path) -> Result<Recording> {
    let text = read_text(path)?;
    let mut lines = text.lines().enumerate();
    let first = lines.next().map(|(_, l)| l).unwrap_or_default();
    if !first.starts_with("# OpenSignals") {
        return Err(format_error(
            path,
            Some(1),
            "not an OpenSignals text file (first line must start `# OpenSignals`)",
        ));
    }
    let device = read_header(path, &mut lines)?;
    let columns = read_samples(path, lines, device.column.len())?;
    let fs_hz = dgnn_core::error::positive("sampling rate", device.sampling_rate)?;
    let channels = device
        .column
        .into_iter()
        .zip(columns)
        .map(|(name, samples)| Channel { name, samples })
        .collect();
    Ok(Recording { source: path.into(), fs_hz, channels })
}

/// Reads the `#` header lines up to and including `# EndOfHeader` and returns the first
/// device described in them.
fn read_header<'a>(
    path: &Path,
    lines: &mut impl Iterator<Item = (usize, &'a str)>,
) -> Result<OpenSignalsDevice> {
    let mut device = None;
    for (i, line) in lines {
        let line_no = i + 1;
        let Some(rest) = line.strip_prefix('#') else {
            return Err(format_error(path, Some(line_no), "data before `# EndOfHeader`"));
        };
        let rest = rest.trim();
        if rest == "EndOfHeader" {
            return device.ok_or_else(|| {
                format_error(path, Some(line_no), "no JSON device header before `# EndOfHeader`")
            });
        }
        if rest.starts_with('{') {
            device = Some(parse_device(path, line_no, rest)?);
        }
    }
    Err(format_error(path, None, "no `# EndOfHeader` line"))
}

/// The first device of the JSON header line `json` (line `line_no`).
fn parse_device(path: &Path, line_no: usize, json: &str) -> Result<OpenSignalsDevice> {
    let map: serde_json::Map<String, serde_json::Value> = serde_json::from_str(json)
        .map_err(|e| format_error(path, Some(line_no), format!("bad JSON header: {e}")))?;
    let (_, first_device) = map
        .into_iter()
        .next()
        .ok_or_else(|| format_error(path, Some(line_no), "the JSON header lists no device"))?;
    serde_json::from_value(first_device)
        .map_err(|e| format_error(path, Some(line_no), format!("device header lacks a field: {e}")))
}

/// The samples after the header: one line per sample, `count` whitespace-separated numbers
/// each (blank lines are skipped).
fn read_samples<'a>(
    path: &Path,
    lines: impl Iterator<Item = (usize, &'a str)>,
    count: usize,
) -> Result<Vec<Vec<f64>>> {
    let mut columns: Vec<Vec<f64>> = vec![Vec::new(); count];
    for (i, line) in lines {
        let line_no = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let mut found = 0;
        for (column, field) in columns.iter_mut().zip(line.split_whitespace()) {
            let value = field.parse::<f64>().map_err(|_| {
                format_error(path, Some(line_no), format!("`{field}` is not a number"))
            })?;
            column.push(value);
            found += 1;
        }
        if found != count {
            return Err(format_error(
                path,
                Some(line_no),
                format!("{found} values where the header lists {count} columns (truncated file?)"),
            ));
        }
    }
    Ok(columns)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::LockError;
    use crate::read::Format;
    use crate::read::write_test_file as write;

    const OPENSIGNALS: &str = "# OpenSignals Text File Format. Version 1\n\
# {\"00:00\": {\"sensor\": [\"RESPBIT\", \"ECGBIT\"], \"column\": [\"nSeq\", \"A2\", \"A3\"], \"sampling rate\": 1000, \"label\": [\"A2\", \"A3\"]}}\n\
# EndOfHeader\n\
0\t476\t381\t\n1\t477\t376\t\n2\t478\t390\t\n";

    #[test]
    fn opensignals_text_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "os.txt", OPENSIGNALS.as_bytes());
        assert_eq!(Format::detect(&path).unwrap(), Format::OpenSignals);
        let rec = read_opensignals(&path).unwrap();
        assert!((rec.fs_hz - 1000.0).abs() < 1e-12);
        assert_eq!(rec.names(), "nSeq, A2, A3");
        assert_eq!(rec.finite_channel("A3").unwrap(), &[381.0, 376.0, 390.0]);
    }

    #[test]
    fn broken_opensignals_files_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let truncated = OPENSIGNALS.replace("2\t478\t390\t\n", "2\t478");
        let path = write(dir.path(), "t.txt", truncated.as_bytes());
        assert!(matches!(read_opensignals(&path), Err(LockError::Format { line: Some(6), .. })));
        let no_end = OPENSIGNALS.replace("# EndOfHeader\n", "");
        let path = write(dir.path(), "n.txt", no_end.as_bytes());
        assert!(read_opensignals(&path).is_err());
        let bad_json = OPENSIGNALS.replace("\"sampling rate\": 1000", "\"sampling rate\": ");
        let path = write(dir.path(), "j.txt", bad_json.as_bytes());
        assert!(matches!(read_opensignals(&path), Err(LockError::Format { line: Some(2), .. })));
        let zero = OPENSIGNALS.replace("\"sampling rate\": 1000", "\"sampling rate\": 0");
        let path = write(dir.path(), "z.txt", zero.as_bytes());
        assert!(matches!(read_opensignals(&path), Err(LockError::Param(_))));
        let path = write(dir.path(), "c.csv", b"a,b\n");
        assert!(read_opensignals(&path).is_err());
    }
}
