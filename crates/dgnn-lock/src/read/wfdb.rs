//! WFDB records (PhysioNet; Moody, *WFDB Programmer's Guide* and the `header(5)` and
//! `signal(5)` manual pages).
//!
//! A `.hea` text header holds a record line `name nsig [fs[/counter][(base)] [nsamp]]` (fs 250
//! when absent, as the specification says; nsamp counts frames) and one line per signal
//! `file format[xspf][:skew][+offset] [gain[(baseline)][/units] [resolution [adc_zero [initial
//! [checksum [block [description]]]]]]]`. The signal files are in format 16 (little-endian
//! two's-complement 16-bit), 61 (big-endian 16-bit), 80 (8-bit offset binary), 212 (two 12-bit
//! samples in three bytes: byte 0 holds the low 8 bits of the first, the low nibble of byte 1
//! its high 4 bits, the high nibble of byte 1 the high 4 bits of the second, byte 2 its low 8
//! bits), 24 and 32 (little-endian 24- and 32-bit), or 508, 516 and 524 (FLAC streams of 8-,
//! 16- and 24-bit samples, one FLAC channel per signal, decoded with the pure-Rust `claxon`).
//!
//! Signals stored in one file are interleaved frame by frame; a signal with `spf` samples per
//! frame (`212x4`) stores `spf` consecutive samples in each frame, so it is sampled at
//! `fs × spf`. A **multi-frequency** record is resampled to the rate of its fastest signal,
//! `fs × max spf`, by linear interpolation of each slower signal between its own samples (the
//! last one held to the end); the fastest signals are returned as stored. A skew delays a
//! signal by whole frames (its first samples are dropped and the end is padded with missing
//! values); an offset skips bytes at the start of its file.
//!
//! Physical value = (digital − baseline)/gain (gain 200 when absent or 0); the invalid-sample
//! code of each format (−32768 in 16/61/516, −2048 in 212, −128 in 80/508, −2²³ in 24/524,
//! −2³¹ in 32) becomes `NaN`, which `dgnn sync --interpolate-gaps` can fill. Multi-segment
//! records say they are not supported. A checksum in the header is verified, which catches
//! truncated or corrupted files.

use super::{Channel, Recording, format_error, read_text};
use crate::error::{LockError, Result};
use std::path::Path;

/// The signal formats read.
const FORMATS: [u32; 9] = [16, 24, 32, 61, 80, 212, 508, 516, 524];

/// The gain a header implies when it gives none, or 0.
const DEFAULT_GAIN: f64 = 200.0;

/// The sampling frequency a header implies when it gives none.
const DEFAULT_FS_HZ: f64 = 250.0;

/// One signal line of a WFDB header.
#[derive(Debug, Clone, PartialEq)]
struct WfdbSignal {
    file: String,
    format: u32,
    /// Samples per frame (1 unless the format field says `xN`).
    samples_per_frame: usize,
    /// Frames by which the signal is delayed (`:skew`).
    skew: usize,
    /// Bytes to skip at the start of the file (`+offset`).
    offset: usize,
    gain: f64,
    baseline: f64,
    checksum: Option<i64>,
    name: String,
}

/// The record line of a header: how many signals, at what rate, how long.
#[derive(Debug, Clone, Copy, PartialEq)]
struct RecordLine {
    signals: usize,
    fs_hz: f64,
    samples: Option<usize>,
}

/// A parsed header: the record line's rate and length and the signals it describes.
#[derive(Debug, Clone, PartialEq)]
struct WfdbHeader {
    fs_hz: f64,
    /// Samples per signal, when the header declares them.
    samples: Option<usize>,
    signals: Vec<WfdbSignal>,
}

/// Parses a WFDB header (comments and blank lines skipped): the record line, then one line per
/// signal.
fn parse_wfdb_header(path: &Path, text: &str) -> Result<WfdbHeader> {
    let mut lines = text.lines().enumerate().filter(|(_, l)| {
        let t = l.trim();
        !t.is_empty() && !t.starts_with('#')
    });
    let (record_index, record) =
        lines.next().ok_or_else(|| format_error(path, None, "empty header"))?;
    let record = parse_record_line(path, record_index + 1, record)?;
    let signals = lines
        .take(record.signals)
        .enumerate()
        .map(|(index, (line_index, line))| parse_signal_line(path, line_index + 1, index, line))
        .collect::<Result<Vec<_>>>()?;
    if signals.len() != record.signals {
        return Err(format_error(
            path,
            None,
            format!(
                "the header declares {} signals but describes {}",
                record.signals,
                signals.len()
            ),
        ));
    }
    Ok(WfdbHeader { fs_hz: record.fs_hz, samples: record.samples, signals })
}

/// The record line `name nsig [fs[/counter][(base)] [nsamp …]]` at line `line_no`.
fn parse_record_line(path: &Path, line_no: usize, line: &str) -> Result<RecordLine> {
    let at = Some(line_no);
    let fields: Vec<&str> = line.split_whitespace().collect();
    if fields.first().is_some_and(|name| name.contains('/')) {
        return Err(format_error(path, at, "multi-segment records are not supported"));
    }
    let signals: usize = fields
        .get(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format_error(path, at, "the record line needs the number of signals"))?;
    let fs_hz = match fields.get(2) {
        Some(f) => {
            let rate = f.split(['/', '(']).next().unwrap_or_default();
            rate.parse::<f64>().map_err(|_| {
                format_error(path, at, format!("sampling frequency `{f}` is not a number"))
            })?
        }
        None => DEFAULT_FS_HZ,
    };
    if !(fs_hz.is_finite() && fs_hz > 0.0) {
        return Err(format_error(path, at, format!("sampling frequency {fs_hz} must be > 0")));
    }
    let samples = match fields.get(3) {
        Some(f) => Some(f.parse::<usize>().map_err(|_| {
            format_error(path, at, format!("number of samples `{f}` is not an integer"))
        })?),
        None => None,
    };
    Ok(RecordLine { signals, fs_hz, samples })
}

/// Signal line number `index` (0-based, for its default name) at line `line_no`.
fn parse_signal_line(path: &Path, line_no: usize, index: usize, line: &str) -> Result<WfdbSignal> {
    let at = Some(line_no);
    let fields: Vec<&str> = line.split_whitespace().collect();
    let [file, format_field, ..] = fields[..] else {
        return Err(format_error(path, at, "a signal line needs a file name and a format"));
    };
    let FormatField { format, samples_per_frame, skew, offset } =
        parse_format(path, line_no, format_field)?;
    let adc_zero: f64 = fields.get(4).and_then(|s| s.parse().ok()).unwrap_or(0.0);
    let (gain, baseline) = match fields.get(2) {
        Some(spec) => parse_gain_and_baseline(path, line_no, spec, adc_zero)?,
        None => (DEFAULT_GAIN, adc_zero),
    };
    let checksum = fields.get(6).and_then(|s| s.parse().ok());
    let name = if fields.len() > 8 { fields[8..].join(" ") } else { format!("sig{index}") };
    Ok(WfdbSignal {
        file: file.into(),
        format,
        samples_per_frame,
        skew,
        offset,
        gain,
        baseline,
        checksum,
        name,
    })
}

/// The parts of a signal line's format field `format[xspf][:skew][+offset]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FormatField {
    format: u32,
    samples_per_frame: usize,
    skew: usize,
    offset: usize,
}

/// A storage format this reader decodes (see [`FORMATS`]), with its samples per frame, skew
/// and byte offset.
fn parse_format(path: &Path, line_no: usize, field: &str) -> Result<FormatField> {
    let at = Some(line_no);
    let number = |text: &str, what: &str| -> Result<usize> {
        text.parse().map_err(|_| {
            format_error(
                path,
                at,
                format!("{what} `{text}` in format `{field}` is not a whole number"),
            )
        })
    };
    let (rest, offset) = match field.split_once('+') {
        Some((rest, offset)) => (rest, number(offset, "byte offset")?),
        None => (field, 0),
    };
    let (rest, skew) = match rest.split_once(':') {
        Some((rest, skew)) => (rest, number(skew, "skew")?),
        None => (rest, 0),
    };
    let (format_text, samples_per_frame) = match rest.split_once('x') {
        Some((format, spf)) => (format, number(spf, "samples per frame")?),
        None => (rest, 1),
    };
    if samples_per_frame == 0 {
        return Err(format_error(path, at, format!("format `{field}` has 0 samples per frame")));
    }
    let format: u32 = format_text
        .parse()
        .map_err(|_| format_error(path, at, format!("format `{field}` is not a number")))?;
    if !FORMATS.contains(&format) {
        return Err(format_error(
            path,
            at,
            format!(
                "format {format} is not supported ({} are)",
                FORMATS.map(|f| f.to_string()).join(", ")
            ),
        ));
    }
    Ok(FormatField { format, samples_per_frame, skew, offset })
}

/// `gain[(baseline)][/units]`: the gain (0 means [`DEFAULT_GAIN`]) and the baseline
/// (`adc_zero` when absent).
fn parse_gain_and_baseline(
    path: &Path,
    line_no: usize,
    spec: &str,
    adc_zero: f64,
) -> Result<(f64, f64)> {
    let at = Some(line_no);
    let spec = spec.split('/').next().unwrap_or_default();
    let (gain_text, baseline_text) = match spec.split_once('(') {
        Some((g, b)) => (g, Some(b.trim_end_matches(')'))),
        None => (spec, None),
    };
    let gain: f64 = gain_text
        .parse()
        .map_err(|_| format_error(path, at, format!("gain `{gain_text}` is not a number")))?;
    let baseline = match baseline_text {
        Some(b) => b
            .parse()
            .map_err(|_| format_error(path, at, format!("baseline `{b}` is not a number")))?,
        None => adc_zero,
    };
    Ok((if gain == 0.0 { DEFAULT_GAIN } else { gain }, baseline))
}

/// The digital value that marks an invalid sample in each format.
fn invalid_code(format: u32) -> i32 {
    match format {
        212 => -2048,
        80 | 508 => -128,
        24 | 524 => -(1 << 23),
        32 => i32::MIN,
        _ => -32768,
    }
}

/// Decodes the raw bytes of one signal file holding the signals `members` (in file order,
/// all of one format) into digital values per signal: frame by frame, each signal's
/// `samples_per_frame` consecutive samples (whole frames only; a trailing partial frame, such
/// as the padding nibble of an odd-length 212 file, is dropped). FLAC files hold one channel
/// per signal instead.
fn decode_file(path: &Path, bytes: &[u8], members: &[&WfdbSignal]) -> Result<Vec<Vec<i32>>> {
    let format = members[0].format;
    if matches!(format, 508 | 516 | 524) {
        return decode_flac(path, bytes, format, members.len());
    }
    let bytes = bytes.get(members[0].offset..).unwrap_or_default();
    let flat = match format {
        16 => decode_16(path, bytes, i16::from_le_bytes)?,
        61 => decode_16(path, bytes, i16::from_be_bytes)?,
        80 => bytes.iter().map(|&b| i32::from(b) - 128).collect(),
        212 => decode_212(path, bytes)?,
        24 => decode_wide::<3>(path, bytes, |b| (i32::from_le_bytes([0, b[0], b[1], b[2]])) >> 8)?,
        32 => decode_wide::<4>(path, bytes, i32::from_le_bytes)?,
        _ => unreachable!("formats are checked when the header is parsed"),
    };
    let frame = members
        .iter()
        .try_fold(0usize, |sum, s| sum.checked_add(s.samples_per_frame))
        .ok_or_else(|| {
            format_error(
                path,
                None,
                "the signals' samples per frame add up past 2⁶⁴ (a corrupt header?)",
            )
        })?;
    let frames = flat.len() / frame;
    let mut out: Vec<Vec<i32>> =
        members.iter().map(|s| Vec::with_capacity(frames * s.samples_per_frame)).collect();
    for samples in flat.chunks_exact(frame) {
        let mut at = 0;
        for (signal, member) in out.iter_mut().zip(members) {
            signal.extend_from_slice(&samples[at..at + member.samples_per_frame]);
            at += member.samples_per_frame;
        }
    }
    Ok(out)
}

/// Little-endian samples of `N` bytes, each read by `from_bytes`.
fn decode_wide<const N: usize>(
    path: &Path,
    bytes: &[u8],
    from_bytes: fn([u8; N]) -> i32,
) -> Result<Vec<i32>> {
    let (samples, rest) = bytes.as_chunks::<N>();
    if !rest.is_empty() {
        return Err(format_error(
            path,
            None,
            format!("the file does not hold whole {}-bit samples (truncated?)", 8 * N),
        ));
    }
    Ok(samples.iter().map(|&b| from_bytes(b)).collect())
}

/// A FLAC signal file (formats 508/516/524): one channel per signal, at most the format's
/// bits per sample.
fn decode_flac(path: &Path, bytes: &[u8], format: u32, signals: usize) -> Result<Vec<Vec<i32>>> {
    let broken = |e: claxon::Error| format_error(path, None, format!("FLAC stream: {e}"));
    let mut reader = claxon::FlacReader::new(bytes).map_err(broken)?;
    let info = reader.streaminfo();
    let max_bits = format - 500;
    if info.bits_per_sample > max_bits || info.channels as usize != signals {
        return Err(format_error(
            path,
            None,
            format!(
                "the FLAC stream has {} channels of {} bits; format {format} with {signals} signals needs {signals} of at most {max_bits}",
                info.channels, info.bits_per_sample
            ),
        ));
    }
    let mut out = vec![Vec::new(); signals];
    for (i, sample) in reader.samples().enumerate() {
        out[i % signals].push(sample.map_err(broken)?);
    }
    Ok(out)
}

/// Two's-complement 16-bit samples, each read from its two bytes by `from_bytes`
/// (`i16::from_le_bytes` for format 16, `i16::from_be_bytes` for format 61).
fn decode_16(path: &Path, bytes: &[u8], from_bytes: fn([u8; 2]) -> i16) -> Result<Vec<i32>> {
    if !bytes.len().is_multiple_of(2) {
        return Err(format_error(path, None, "odd number of bytes in a 16-bit file (truncated?)"));
    }
    let (pairs, _) = bytes.as_chunks::<2>();
    Ok(pairs.iter().map(|&pair| i32::from(from_bytes(pair))).collect())
}

/// Format 212: two 12-bit two's-complement samples in three bytes (see the module docs); a
/// file may end with the first sample of a pair.
fn decode_212(path: &Path, bytes: &[u8]) -> Result<Vec<i32>> {
    let sign = |v: i32| if v >= 2048 { v - 4096 } else { v };
    let (triples, rest) = bytes.as_chunks::<3>();
    let mut flat = Vec::with_capacity(2 * triples.len() + 1);
    for &[b0, b1, b2] in triples {
        let (b0, b1, b2) = (i32::from(b0), i32::from(b1), i32::from(b2));
        flat.push(sign(((b1 & 0x0f) << 8) | b0));
        flat.push(sign(((b1 & 0xf0) << 4) | b2));
    }
    match rest {
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
    Ok(flat)
}

/// Reads a WFDB record from its `.hea` header; signal files are looked up beside it. A
/// multi-frequency record comes back at the rate of its fastest signal (see the module docs).
pub fn read_wfdb(header_path: &Path) -> Result<Recording> {
    let text = read_text(header_path)?;
    let header = parse_wfdb_header(header_path, &text)?;
    let dir = header_path.parent().unwrap_or(Path::new("."));
    let mut physical_values: Vec<Option<Vec<f64>>> = vec![None; header.signals.len()];
    let mut files: Vec<&str> = header.signals.iter().map(|s| s.file.as_str()).collect();
    files.dedup();
    for file in files {
        let slots: Vec<usize> =
            (0..header.signals.len()).filter(|&i| header.signals[i].file == file).collect();
        let members: Vec<&WfdbSignal> = slots.iter().map(|&i| &header.signals[i]).collect();
        let format = members[0].format;
        if members.iter().any(|s| s.format != format) {
            return Err(format_error(
                header_path,
                None,
                format!("signals in `{file}` mix formats; not supported"),
            ));
        }
        let data_path = dir.join(file);
        let bytes = std::fs::read(&data_path)
            .map_err(|source| LockError::Io { path: data_path.clone(), source })?;
        let decoded = decode_file(&data_path, &bytes, &members)?;
        for ((&slot, signal), digital) in slots.iter().zip(&members).zip(decoded) {
            let declared = match header.samples {
                Some(frames) => {
                    Some(frames.checked_mul(signal.samples_per_frame).ok_or_else(|| {
                        format_error(
                            header_path,
                            Some(1),
                            format!(
                                "{frames} frames of {} samples each are more than can be counted \
                             (a corrupt sample count?)",
                                signal.samples_per_frame
                            ),
                        )
                    })?)
                }
                None => None,
            };
            let digital = declared_samples(&data_path, signal, &digital, declared)?;
            verify_checksum(&data_path, signal, digital)?;
            physical_values[slot] = Some(physical(signal, digital));
        }
    }
    let frames = header
        .signals
        .iter()
        .zip(&physical_values)
        .filter_map(|(s, v)| v.as_ref().map(|v| v.len() / s.samples_per_frame))
        .min()
        .unwrap_or(0);
    let fastest = header.signals.iter().map(|s| s.samples_per_frame).max().unwrap_or(1);
    let channels = header
        .signals
        .iter()
        .zip(physical_values)
        .filter_map(|(signal, values)| {
            let values = values?;
            let own = &values[..frames * signal.samples_per_frame];
            let skewed = skewed(own, signal.skew * signal.samples_per_frame);
            Some(Channel {
                name: signal.name.clone(),
                samples: resampled(&skewed, signal.samples_per_frame, fastest),
            })
        })
        .collect();
    Ok(Recording { source: header_path.into(), fs_hz: header.fs_hz * fastest as f64, channels })
}

/// `x` delayed by `skew` samples: the first `skew` dropped, the end padded with `NaN`.
fn skewed(x: &[f64], skew: usize) -> Vec<f64> {
    let mut out: Vec<f64> = x.iter().skip(skew).copied().collect();
    out.resize(x.len(), f64::NAN);
    out
}

/// A signal with `own` samples per frame on the grid of `target ≥ own` samples per frame:
/// output sample `k` lies at `k·own/target` of the signal's own samples, linearly
/// interpolated (the last sample held; a missing neighbour gives a missing value unless the
/// point falls exactly on a sample).
fn resampled(x: &[f64], own: usize, target: usize) -> Vec<f64> {
    if own == target || x.is_empty() {
        return x.to_vec();
    }
    let len = x.len() / own * target;
    (0..len)
        .map(|k| {
            let at = k * own;
            let (i, rem) = (at / target, at % target);
            if rem == 0 || i + 1 >= x.len() {
                x[i.min(x.len() - 1)]
            } else {
                let f = rem as f64 / target as f64;
                x[i] * (1.0 - f) + x[i + 1] * f
            }
        })
        .collect()
}

/// The first `declared` samples of a signal (all of them when the header declares no
/// length); fewer than declared is a truncated file.
fn declared_samples<'a>(
    data_path: &Path,
    signal: &WfdbSignal,
    digital: &'a [i32],
    declared: Option<usize>,
) -> Result<&'a [i32]> {
    match declared {
        Some(n) if digital.len() < n => Err(format_error(
            data_path,
            None,
            format!(
                "signal `{}` has {} samples but the header declares {n} (truncated file?)",
                signal.name,
                digital.len()
            ),
        )),
        Some(n) => Ok(&digital[..n]),
        None => Ok(digital),
    }
}

/// Compares the 16-bit sum of a signal's samples with the header's checksum, if it has one.
fn verify_checksum(data_path: &Path, signal: &WfdbSignal, digital: &[i32]) -> Result<()> {
    let Some(expected) = signal.checksum else { return Ok(()) };
    let sum: i64 = digital.iter().map(|&v| i64::from(v)).sum();
    if (sum - expected).rem_euclid(65536) != 0 {
        return Err(format_error(
            data_path,
            None,
            format!(
                "checksum of signal `{}` is {} but the header says {expected} (corrupt or truncated file)",
                signal.name,
                sum.rem_euclid(65536)
            ),
        ));
    }
    Ok(())
}

/// Physical values `(digital − baseline)/gain`, with the format's invalid code as `NaN`.
fn physical(signal: &WfdbSignal, digital: &[i32]) -> Vec<f64> {
    let invalid = invalid_code(signal.format);
    digital
        .iter()
        .map(
            |&d| {
                if d == invalid { f64::NAN } else { (f64::from(d) - signal.baseline) / signal.gain }
            },
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::Format;
    use crate::read::write_test_file as write;

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
    fn wfdb_format_61_and_80_decode_by_hand() {
        // Format 61 is big-endian 16-bit: 0x0102 = 258, 0xFFFE = −2. Format 80 is offset
        // binary: byte 200 is 72, byte 0 is −128 (the invalid code).
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "b.dat", &[0x01, 0x02, 0xFF, 0xFE]);
        let hea = write(dir.path(), "b.hea", b"b 1 100\nb.dat 61 1\n");
        assert_eq!(read_wfdb(&hea).unwrap().channels[0].samples, vec![258.0, -2.0]);
        write(dir.path(), "o.dat", &[200, 128, 0]);
        let hea = write(dir.path(), "o.hea", b"o 1 100\no.dat 80 2(0)\n");
        let s = read_wfdb(&hea).unwrap().channels[0].samples.clone();
        assert_eq!(&s[..2], &[36.0, 0.0]);
        assert!(s[2].is_nan());
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
