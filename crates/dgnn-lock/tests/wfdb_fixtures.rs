//! WFDB records written by the `wfdb` Python package (`tests/fixtures/wfdb/make_fixtures.py`)
//! read back by dgnn-lock: formats 16 (with invalid samples), 212 with 4 and 1 samples per
//! frame (a multi-frequency record), 80, 24, 32 and the FLAC formats 508, 516 and 524, each
//! compared with what wfdb itself reads (`R.expected.csv`, at each signal's own rate).

use dgnn_lock::read::read_wfdb;
use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/wfdb").join(name)
}

/// The expected columns of a record: one vector per signal at its own rate (`NaN` where wfdb
/// reads an invalid sample).
fn expected(record: &str) -> (Vec<String>, Vec<Vec<f64>>) {
    let text = std::fs::read_to_string(fixture(&format!("{record}.expected.csv"))).unwrap();
    let mut lines = text.lines();
    let names: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    let mut columns = vec![Vec::new(); names.len()];
    for line in lines {
        for (column, cell) in columns.iter_mut().zip(line.split(',')) {
            if !cell.is_empty() {
                column.push(cell.parse::<f64>().unwrap());
            }
        }
    }
    (names, columns)
}

/// Reads `record` and checks every signal against wfdb's values: at the fastest signal's
/// rate `fs_hz`, signal `j` with `spf_j` samples per frame of `fastest` must equal wfdb's
/// sample `k` at index `k·fastest/spf_j` (to 1e-12 relative), with `NaN` where wfdb has one.
fn matches_wfdb(record: &str, fs_hz: f64, samples_per_frame: &[usize]) {
    let rec = read_wfdb(&fixture(&format!("{record}.hea"))).unwrap();
    assert!((rec.fs_hz - fs_hz).abs() < 1e-9, "{record}: fs {}", rec.fs_hz);
    let (names, columns) = expected(record);
    let fastest = *samples_per_frame.iter().max().unwrap();
    for ((name, column), &spf) in names.iter().zip(&columns).zip(samples_per_frame) {
        let ours = &rec.channel(name).unwrap().samples;
        let step = fastest / spf;
        assert_eq!(ours.len(), column.len() * step, "{record}/{name}: length");
        for (k, want) in column.iter().enumerate() {
            let got = ours[k * step];
            if want.is_nan() {
                assert!(got.is_nan(), "{record}/{name}[{k}]: {got}, wfdb reads an invalid sample");
            } else {
                assert!(
                    (got - want).abs() <= 1e-12 * want.abs().max(1.0),
                    "{record}/{name}[{k}]: {got} vs {want}"
                );
            }
        }
    }
}

#[test]
fn format_16_with_invalid_samples() {
    matches_wfdb("fmt16", 250.0, &[1, 1]);
    let rec = read_wfdb(&fixture("fmt16.hea")).unwrap();
    let ecg = &rec.channel("ECG").unwrap().samples;
    assert_eq!(ecg.iter().filter(|v| v.is_nan()).count(), 3, "three invalid samples");
    assert!(rec.finite_channel("ECG").is_err() && rec.finite_channel("RESP").is_ok());
}

#[test]
fn format_212x4_is_resampled_to_its_fastest_signal() {
    // ECG at 4 × 125 Hz, RESP at 125 Hz: the record comes back at 500 Hz; RESP's own samples
    // sit at every fourth index and the three between are on the straight line joining them.
    matches_wfdb("fmt212x4", 500.0, &[4, 1]);
    let rec = read_wfdb(&fixture("fmt212x4.hea")).unwrap();
    let resp = &rec.channel("RESP").unwrap().samples;
    for k in (0..resp.len() - 4).step_by(4) {
        let (a, b) = (resp[k], resp[k + 4]);
        if a.is_finite() && b.is_finite() {
            for j in 1..4 {
                let line = a + (b - a) * j as f64 / 4.0;
                assert!((resp[k + j] - line).abs() < 1e-12, "k = {k}, j = {j}");
            }
        } else {
            assert!(resp[k + 1..k + 4].iter().all(|v| v.is_nan()), "gaps stay gaps");
        }
    }
}

#[test]
fn formats_80_24_and_32() {
    matches_wfdb("fmt80", 250.0, &[1]);
    matches_wfdb("fmt24", 250.0, &[1, 1]);
}

#[test]
fn flac_formats_508_516_524() {
    matches_wfdb("fmt508", 250.0, &[1, 1]);
    matches_wfdb("fmt516", 500.0, &[2, 2]);
    matches_wfdb("fmt524", 250.0, &[1, 1]);
    let rec = read_wfdb(&fixture("fmt516.hea")).unwrap();
    assert!(rec.channel("ECG").unwrap().samples[7].is_nan(), "516's invalid code");
}
