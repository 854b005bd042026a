//! R-peak detection on wide-QRS and paced ECGs with known beats (issue 16, item 4).
//!
//! The records (`tests/fixtures/paced/make_paced.py`) are neurokit2's ECGSYN model with QRS
//! durations of 80–200 ms, ventricular or dual-chamber pacing spikes, tall discordant T waves,
//! baseline wander, mains hum and noise, at 250 Hz. Detections are matched one-to-one with the
//! true beats within 150 ms (the ANSI/AAMI EC57 window); sensitivity is matched / true beats,
//! positive predictivity matched / detections. Both must reach 99.5 % on every record.

use dgnn_lock::ParamGuard;
use dgnn_lock::events::{RPeakOptions, detect_r_peaks};
use dgnn_lock::read::read_wfdb;
use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/paced").join(name)
}

/// Matches detections to true beats within `tolerance` s (each used once, nearest first in
/// time order): the number of matched beats.
fn matched(truth: &[f64], found: &[f64], tolerance: f64) -> usize {
    let mut used = vec![false; found.len()];
    let mut hits = 0;
    for &t in truth {
        let lo = found.partition_point(|&f| f < t - tolerance);
        let best = (lo..found.len())
            .take_while(|&j| found[j] <= t + tolerance)
            .filter(|&j| !used[j])
            .min_by(|&a, &b| (found[a] - t).abs().total_cmp(&(found[b] - t).abs()));
        if let Some(j) = best {
            used[j] = true;
            hits += 1;
        }
    }
    hits
}

#[test]
fn matching_counts_each_detection_once() {
    // Hand-worked: a double detection and a miss.
    let truth = [1.0, 2.0, 3.0];
    let found = [1.01, 1.05, 3.2, 2.99];
    assert_eq!(matched(&truth, &[1.01, 1.05, 2.99], 0.15), 2);
    assert_eq!(matched(&truth, &found[..2], 0.15), 1);
}

#[test]
fn wide_qrs_and_paced_beats_are_found_once() {
    let widths = std::fs::read_to_string(fixture("widths.csv")).unwrap();
    let options = RPeakOptions::default().check().unwrap();
    let (mut all_truth, mut all_found, mut all_hits) = (0, 0, 0);
    let mut failures = Vec::new();
    println!("record      QRS ms  pacing  beats  detected  Se %     PPV %");
    for line in widths.lines().skip(1) {
        let fields: Vec<&str> = line.split(',').collect();
        let (name, qrs_ms, pacing) = (fields[0], fields[2], fields[3]);
        let rec = read_wfdb(&fixture(&format!("{name}.hea"))).unwrap();
        let ecg = rec.finite_channel("ECG").unwrap();
        let truth: Vec<f64> = std::fs::read_to_string(fixture(&format!("{name}.beats.csv")))
            .unwrap()
            .lines()
            .skip(1)
            .map(|l| l.parse().unwrap())
            .collect();
        let found = detect_r_peaks(ecg, rec.fs_hz, &options).unwrap();
        // Beats within 1 s of either end are not scored (filter edge effects either way).
        let end = ecg.len() as f64 / rec.fs_hz;
        let inner = |t: f64| t > 1.0 && t < end - 1.0;
        let truth: Vec<f64> = truth.into_iter().filter(|&t| inner(t)).collect();
        let found: Vec<f64> = found.into_iter().filter(|&t| inner(t)).collect();
        let hits = matched(&truth, &found, 0.15);
        let se = 100.0 * hits as f64 / truth.len() as f64;
        let ppv = 100.0 * hits as f64 / found.len().max(1) as f64;
        println!(
            "{name:<11} {qrs_ms:>6}  {pacing:<6} {:>6} {:>9}  {se:<7.2}  {ppv:.2}",
            truth.len(),
            found.len()
        );
        if se < 99.5 || ppv < 99.5 {
            failures.push(format!("{name}: Se {se:.2} %, PPV {ppv:.2} %"));
        }
        all_truth += truth.len();
        all_found += found.len();
        all_hits += hits;
    }
    println!(
        "all: Se {:.2} %, PPV {:.2} % over {all_truth} beats",
        100.0 * all_hits as f64 / all_truth as f64,
        100.0 * all_hits as f64 / all_found as f64
    );
    assert!(failures.is_empty(), "{failures:?}");
}
