//! Readers for physiological recordings: CSV, OpenSignals (BITalino) text, and WFDB.
//!
//! Every reader returns a [`Recording`]: a sampling rate and named channels of equal length.
//! Missing or invalid samples (empty CSV cells, `NaN`, WFDB's invalid-sample codes) become
//! `NaN` so that the caller can say where data are missing ([`Recording::finite_channel`]);
//! malformed files are [`LockError::Format`] errors naming the line.
//!
//! - **CSV**: a header row of column names; the sampling rate comes from the caller or from a
//!   time column (seconds; the median step, which must be uniform to 1%).
//! - **OpenSignals text** (PLUX/BITalino): `#` header lines, the second holding a JSON object
//!   per device with `"sampling rate"` and `"column"` names, `# EndOfHeader`, then
//!   tab-separated integer samples (raw ADC counts).
//! - **WFDB** (PhysioNet; Moody, *WFDB Programmer's Guide* and the `header(5)` and
//!   `signal(5)` manual pages): a `.hea` text header — record line
//!   `name nsig [fs [nsamp]]` (fs 250 when absent, as the specification says) and one line per
//!   signal `file format [gain[(baseline)][/units] [resolution [adc_zero [initial [checksum
//!   [block [description]]]]]]]` — and binary `.dat` files in format 16 (little-endian
//!   two's-complement 16-bit), 61 (big-endian 16-bit), 80 (8-bit offset binary) or 212 (two
//!   12-bit samples in three bytes: byte 0 holds the low 8 bits of the first, the low nibble of
//!   byte 1 its high 4 bits, the high nibble of byte 1 the high 4 bits of the second, byte 2
//!   its low 8 bits). Signals stored in one file are interleaved frame by frame. Physical value
//!   = (digital − baseline)/gain (gain 200 when absent or 0); invalid samples (−32768 in 16/61,
//!   −2048 in 212, −128 in 80) become `NaN`. Multi-segment records and multi-frequency
//!   (`format` with `x`) signals are not supported and say so. A checksum in the header is
//!   verified, which catches truncated or corrupted files.

use crate::error::{LockError, Result};
use dgnn_core::ParamError;
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

fn read_text(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|source| LockError::Io { path: path.into(), source })
}

fn format_error(path: &Path, line: Option<usize>, message: impl Into<String>) -> LockError {
    LockError::Format { path: path.into(), line, message: message.into() }
}

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
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(options.delimiter.unwrap_or(b','))
        .trim(csv::Trim::All)
        .from_reader(file);
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
    let mut device: Option<OpenSignalsDevice> = None;
    let mut header_done = false;
    let mut columns: Vec<Vec<f64>> = Vec::new();
    for (i, line) in lines {
        let line_no = i + 1;
        if !header_done {
            let Some(rest) = line.strip_prefix('#') else {
                return Err(format_error(path, Some(line_no), "data before `# EndOfHeader`"));
            };
            let rest = rest.trim();
            if rest == "EndOfHeader" {
                header_done = true;
                let d = device.as_ref().ok_or_else(|| {
                    format_error(
                        path,
                        Some(line_no),
                        "no JSON device header before `# EndOfHeader`",
                    )
                })?;
                columns = vec![Vec::new(); d.column.len()];
            } else if rest.starts_with('{') {
                let map: serde_json::Map<String, serde_json::Value> = serde_json::from_str(rest)
                    .map_err(|e| {
                        format_error(path, Some(line_no), format!("bad JSON header: {e}"))
                    })?;
                let (_, first_device) = map.into_iter().next().ok_or_else(|| {
                    format_error(path, Some(line_no), "the JSON header lists no device")
                })?;
                let parsed: OpenSignalsDevice =
                    serde_json::from_value(first_device).map_err(|e| {
                        format_error(
                            path,
                            Some(line_no),
                            format!("device header lacks a field: {e}"),
                        )
                    })?;
                device = Some(parsed);
            }
            continue;
        }
        if line.trim().is_empty() {
            continue;
        }
        let mut count = 0;
        for (column, field) in columns.iter_mut().zip(line.split_whitespace()) {
            let value = field.parse::<f64>().map_err(|_| {
                format_error(path, Some(line_no), format!("`{field}` is not a number"))
            })?;
            column.push(value);
            count += 1;
        }
        if count != columns.len() {
            return Err(format_error(
                path,
                Some(line_no),
                format!(
                    "{count} values where the header lists {} columns (truncated file?)",
                    columns.len()
                ),
            ));
        }
    }
    let device = device.ok_or_else(|| format_error(path, None, "no `# EndOfHeader` line"))?;
    if !header_done {
        return Err(format_error(path, None, "no `# EndOfHeader` line"));
    }
    let fs_hz = dgnn_core::error::positive("sampling rate", device.sampling_rate)?;
    let channels = device
        .column
        .into_iter()
        .zip(columns)
        .map(|(name, samples)| Channel { name, samples })
        .collect();
    Ok(Recording { source: path.into(), fs_hz, channels })
}

/// One signal line of a WFDB header.
#[derive(Debug, Clone, PartialEq)]
struct WfdbSignal {
    file: String,
    format: u32,
    gain: f64,
    baseline: f64,
    checksum: Option<i64>,
    name: String,
}

/// Parses a WFDB header: (fs, declared samples per signal, signals).
fn parse_wfdb_header(path: &Path, text: &str) -> Result<(f64, Option<usize>, Vec<WfdbSignal>)> {
    let mut lines = text.lines().enumerate().filter(|(_, l)| {
        let t = l.trim();
        !t.is_empty() && !t.starts_with('#')
    });
    let (record_line, record) =
        lines.next().ok_or_else(|| format_error(path, None, "empty header"))?;
    let fields: Vec<&str> = record.split_whitespace().collect();
    if fields[0].contains('/') {
        return Err(format_error(
            path,
            Some(record_line + 1),
            "multi-segment records are not supported",
        ));
    }
    let nsig: usize = fields.get(1).and_then(|s| s.parse().ok()).ok_or_else(|| {
        format_error(path, Some(record_line + 1), "the record line needs the number of signals")
    })?;
    let fs_hz = match fields.get(2) {
        Some(f) => {
            let rate = f.split(['/', '(']).next().unwrap_or_default();
            rate.parse::<f64>().map_err(|_| {
                format_error(
                    path,
                    Some(record_line + 1),
                    format!("sampling frequency `{f}` is not a number"),
                )
            })?
        }
        None => 250.0,
    };
    if !(fs_hz.is_finite() && fs_hz > 0.0) {
        return Err(format_error(
            path,
            Some(record_line + 1),
            format!("sampling frequency {fs_hz} must be > 0"),
        ));
    }
    let nsamp = match fields.get(3) {
        Some(f) => Some(f.parse::<usize>().map_err(|_| {
            format_error(
                path,
                Some(record_line + 1),
                format!("number of samples `{f}` is not an integer"),
            )
        })?),
        None => None,
    };
    let mut signals = Vec::with_capacity(nsig);
    for (index, (line_no, line)) in lines.take(nsig).enumerate() {
        let at = Some(line_no + 1);
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() < 2 {
            return Err(format_error(path, at, "a signal line needs a file name and a format"));
        }
        let format_field = f[1];
        if format_field.contains('x') || format_field.contains(':') || format_field.contains('+') {
            return Err(format_error(
                path,
                at,
                format!(
                    "format `{format_field}` (multi-frequency, skew or offset) is not supported"
                ),
            ));
        }
        let format: u32 = format_field.parse().map_err(|_| {
            format_error(path, at, format!("format `{format_field}` is not a number"))
        })?;
        if ![16, 61, 80, 212].contains(&format) {
            return Err(format_error(
                path,
                at,
                format!("format {format} is not supported (16, 61, 80 and 212 are)"),
            ));
        }
        let adc_zero: f64 = f.get(4).and_then(|s| s.parse().ok()).unwrap_or(0.0);
        let (gain, baseline) = match f.get(2) {
            Some(spec) => {
                let spec = spec.split('/').next().unwrap_or_default();
                let (g, b) = match spec.split_once('(') {
                    Some((g, b)) => (g, Some(b.trim_end_matches(')'))),
                    None => (spec, None),
                };
                let gain: f64 = g
                    .parse()
                    .map_err(|_| format_error(path, at, format!("gain `{g}` is not a number")))?;
                let baseline = match b {
                    Some(b) => b.parse().map_err(|_| {
                        format_error(path, at, format!("baseline `{b}` is not a number"))
                    })?,
                    None => adc_zero,
                };
                (if gain == 0.0 { 200.0 } else { gain }, baseline)
            }
            None => (200.0, adc_zero),
        };
        let checksum = f.get(6).and_then(|s| s.parse().ok());
        let name = if f.len() > 8 { f[8..].join(" ") } else { format!("sig{index}") };
        signals.push(WfdbSignal { file: f[0].into(), format, gain, baseline, checksum, name });
    }
    if signals.len() != nsig {
        return Err(format_error(
            path,
            None,
            format!("the header declares {nsig} signals but describes {}", signals.len()),
        ));
    }
    Ok((fs_hz, nsamp, signals))
}

/// The digital value that marks an invalid sample in each format.
fn invalid_code(format: u32) -> i32 {
    match format {
        212 => -2048,
        80 => -128,
        _ => -32768,
    }
}

/// Decodes the raw bytes of one signal file holding `count` interleaved signals of one format
/// into digital values per signal (whole frames only; a trailing partial frame, such as the
/// padding nibble of an odd-length 212 file, is dropped).
fn decode(path: &Path, bytes: &[u8], format: u32, count: usize) -> Result<Vec<Vec<i32>>> {
    let mut flat: Vec<i32> = Vec::new();
    match format {
        16 | 61 => {
            if !bytes.len().is_multiple_of(2) {
                return Err(format_error(
                    path,
                    None,
                    "odd number of bytes in a 16-bit file (truncated?)",
                ));
            }
            flat.extend(bytes.chunks_exact(2).map(|pair| {
                i32::from(if format == 16 {
                    i16::from_le_bytes([pair[0], pair[1]])
                } else {
                    i16::from_be_bytes([pair[0], pair[1]])
                })
            }));
        }
        80 => flat.extend(bytes.iter().map(|&b| i32::from(b) - 128)),
        212 => {
            let sign = |v: i32| if v >= 2048 { v - 4096 } else { v };
            let mut chunks = bytes.chunks_exact(3);
            for c in chunks.by_ref() {
                let (b0, b1, b2) = (i32::from(c[0]), i32::from(c[1]), i32::from(c[2]));
                flat.push(sign(((b1 & 0x0f) << 8) | b0));
                flat.push(sign(((b1 & 0xf0) << 4) | b2));
            }
            match chunks.remainder() {
                [b0, b1] => flat.push(sign(((i32::from(*b1) & 0x0f) << 8) | i32::from(*b0))),
                [] => {}
                _ => {
                    return Err(format_error(
                        path,
                        None,
                        "a format-212 file ends inside a sample (truncated?)",
                    ));
                }
            }
        }
        _ => unreachable!("formats are checked when the header is parsed"),
    }
    flat.truncate(flat.len() / count * count);
    let mut out = vec![Vec::with_capacity(flat.len() / count); count];
    for frame in flat.chunks_exact(count) {
        for (signal, &v) in out.iter_mut().zip(frame) {
            signal.push(v);
        }
    }
    Ok(out)
}

/// Reads a WFDB record from its `.hea` header; signal files are looked up beside it.
pub fn read_wfdb(header: &Path) -> Result<Recording> {
    let text = read_text(header)?;
    let (fs_hz, nsamp, signals) = parse_wfdb_header(header, &text)?;
    let dir = header.parent().unwrap_or(Path::new("."));
    let mut channels: Vec<Option<Channel>> = vec![None; signals.len()];
    let mut files: Vec<&str> = signals.iter().map(|s| s.file.as_str()).collect();
    files.dedup();
    for file in files {
        let members: Vec<usize> = (0..signals.len()).filter(|&i| signals[i].file == file).collect();
        let format = signals[members[0]].format;
        if members.iter().any(|&i| signals[i].format != format) {
            return Err(format_error(
                header,
                None,
                format!("signals in `{file}` mix formats; not supported"),
            ));
        }
        let data_path = dir.join(file);
        let bytes = std::fs::read(&data_path)
            .map_err(|source| LockError::Io { path: data_path.clone(), source })?;
        let decoded = decode(&data_path, &bytes, format, members.len())?;
        for (slot, digital) in members.iter().zip(decoded) {
            let s = &signals[*slot];
            if let Some(n) = nsamp
                && digital.len() < n
            {
                return Err(format_error(
                    &data_path,
                    None,
                    format!(
                        "signal `{}` has {} samples but the header declares {n} (truncated file?)",
                        s.name,
                        digital.len()
                    ),
                ));
            }
            let digital = match nsamp {
                Some(n) => &digital[..n],
                None => &digital[..],
            };
            if let Some(expected) = s.checksum {
                let sum: i64 = digital.iter().map(|&v| i64::from(v)).sum();
                if (sum - expected).rem_euclid(65536) != 0 {
                    return Err(format_error(
                        &data_path,
                        None,
                        format!(
                            "checksum of signal `{}` is {} but the header says {expected} (corrupt or truncated file)",
                            s.name,
                            sum.rem_euclid(65536)
                        ),
                    ));
                }
            }
            let invalid = invalid_code(format);
            let samples = digital
                .iter()
                .map(
                    |&d| if d == invalid { f64::NAN } else { (f64::from(d) - s.baseline) / s.gain },
                )
                .collect();
            channels[*slot] = Some(Channel { name: s.name.clone(), samples });
        }
    }
    let channels: Vec<Channel> = channels.into_iter().flatten().collect();
    let len = channels.first().map_or(0, |c| c.samples.len());
    if channels.iter().any(|c| c.samples.len() != len) {
        return Err(format_error(header, None, "signal files have different lengths"));
    }
    Ok(Recording { source: header.into(), fs_hz, channels })
}

/// Reads a recording in the given format (CSV needs `csv` options for its sampling rate).
pub fn read(path: &Path, format: Format, csv: &CsvOptions) -> Result<Recording> {
    match format {
        Format::Csv => read_csv(path, csv),
        Format::OpenSignals => read_opensignals(path),
        Format::Wfdb => read_wfdb(path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

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

    /// Two signals in format 212, frames (100, −50) and (2047, −2047), packed by hand:
    /// 100 = 0x064, −50 = 0xFCE → bytes 64 F0 CE; 2047 = 0x7FF, −2047 = 0x801 → FF 87 01.
    const DAT_212: [u8; 6] = [0x64, 0xF0, 0xCE, 0xFF, 0x87, 0x01];
    const HEA_212: &str = "rec 2 360 2\n# a comment\nrec.dat 212 200(0)/mV 12 0 100 2147 0 ECG lead II\nrec.dat 212 100(10)/mV 12 0 -50 -2097 0 RESP\n";

    #[test]
    fn wfdb_format_212_matches_hand_packed_bytes() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "rec.dat", &DAT_212);
        let hea = write(dir.path(), "rec.hea", HEA_212.as_bytes());
        assert_eq!(Format::detect(&hea).unwrap(), Format::Wfdb);
        let rec = read_wfdb(&hea).unwrap();
        assert!((rec.fs_hz - 360.0).abs() < 1e-12);
        assert_eq!(rec.names(), "ECG lead II, RESP");
        // Physical = (digital − baseline)/gain.
        assert_eq!(rec.channel("ECG lead II").unwrap().samples, vec![0.5, 10.235]);
        assert_eq!(rec.channel("RESP").unwrap().samples, vec![-0.6, -20.57]);
    }

    #[test]
    fn wfdb_format_16_and_invalid_samples() {
        let dir = tempfile::tempdir().unwrap();
        let values: [i16; 4] = [1, -2, 300, i16::MIN];
        let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        write(dir.path(), "x.dat", &bytes);
        let hea = write(dir.path(), "x.hea", b"x 1 128 4\nx.dat 16 2 16 0\n");
        let rec = read_wfdb(&hea).unwrap();
        let s = &rec.channels[0].samples;
        assert_eq!(&s[..3], &[0.5, -1.0, 150.0]);
        assert!(s[3].is_nan(), "−32768 marks an invalid sample");
        assert_eq!(rec.channels[0].name, "sig0");
    }

    #[test]
    fn broken_wfdb_records_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "rec.dat", &DAT_212[..4]);
        let hea = write(dir.path(), "rec.hea", HEA_212.as_bytes());
        let err = read_wfdb(&hea).unwrap_err().to_string();
        assert!(err.contains("truncated"), "{err}");
        write(dir.path(), "rec.dat", &[0x64, 0xF0, 0xCE, 0xFF, 0x87, 0x02]);
        let err = read_wfdb(&hea).unwrap_err().to_string();
        assert!(err.contains("checksum"), "{err}");
        let hea = write(dir.path(), "b.hea", b"b 1 360\nb.dat 310 200\n");
        assert!(read_wfdb(&hea).unwrap_err().to_string().contains("not supported"));
        let hea = write(dir.path(), "c.hea", b"c 1 0\nc.dat 16\n");
        assert!(read_wfdb(&hea).is_err(), "zero sampling rate");
        let hea = write(dir.path(), "d.hea", b"d 2 360\nd.dat 16\n");
        assert!(read_wfdb(&hea).unwrap_err().to_string().contains("declares 2 signals"));
        let hea = write(dir.path(), "e.hea", b"e 1 360\nmissing.dat 16\n");
        assert!(matches!(read_wfdb(&hea), Err(LockError::Io { .. })));
        let hea = write(dir.path(), "f.hea", b"f/2 1 360\n");
        assert!(read_wfdb(&hea).unwrap_err().to_string().contains("multi-segment"));
    }
}
