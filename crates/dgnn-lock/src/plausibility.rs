//! Plausibility checks of a heartbeat–respiration record, run before any analysis.
//!
//! Each finding is a [`Warning`] (a stable code and a sentence with its numbers) and says
//! whether it **refuses** the analysis (the command then stops unless told `--force`) or only
//! warns:
//!
//! | code | finding | refuses |
//! |---|---|---|
//! | `channels-swapped` | the ECG channel's dominant spectral peak lies below 0.7 Hz and its QRS band (5–25 Hz) holds under 1 % of its power: it looks like respiration | yes |
//! | `ecg-wander` | the ECG's dominant peak lies below 0.7 Hz but its QRS band is present (baseline wander dominates) | no |
//! | `resp-cardiac` | the respiration's spectrum peaks higher near the heart rate than in the breathing band (0.05–0.7 Hz) | no (yes together with `channels-swapped`) |
//! | `heart-rate` | beats per minute outside 30–220 | yes |
//! | `breathing-rate` | breaths per minute outside 3–60 | yes |
//! | `beats-per-breath` | fewer than 1.5 beats per breath | yes |
//! | `rr-irregular` | over 5 % of RR intervals outside ±30 % of their local median | no |
//! | `wrong-fs` | added to a rate finding when another common sampling rate would make both rates plausible | yes |
//! | `flat`, `clipped`, `interpolated` | artefacts ([`crate::artefacts`]) | no |
//!
//! Spectra are Welch averages (Hann windows of 64 s, half overlap) of the channel averaged
//! down to about 50 Hz in blocks, so an 85-minute record at 1000 Hz costs a few milliseconds.
//! The thresholds were set on biopeaks' OSmontage0J recording, where the belt's QRS band holds
//! 0.03 % of its power and the ECG's 61 %, and the belt's largest peak near the heart rate is
//! a tenth of its breathing peak.

use crate::artefacts::rr_outliers;
use rustfft::FftPlanner;
use rustfft::num_complex::Complex64;
use serde::{Deserialize, Serialize};

pub use crate::sync::Warning;

/// Heart rates (beats per minute) accepted without a finding.
pub const HEART_RATE_PER_MIN: (f64, f64) = (30.0, 220.0);
/// Breathing rates (breaths per minute) accepted without a finding.
pub const BREATHING_RATE_PER_MIN: (f64, f64) = (3.0, 60.0);
/// Fewest beats per breath accepted without a finding.
pub const MIN_BEATS_PER_BREATH: f64 = 1.5;
/// Largest share of RR intervals outside ±30 % of their local median.
pub const MAX_RR_OUTLIER_SHARE: f64 = 0.05;
/// Below this frequency (Hz), a channel's dominant peak is respiratory rather than cardiac.
pub const CARDIAC_FLOOR_HZ: f64 = 0.7;
/// Below this share of its power in the QRS band, an "ECG" is not one.
pub const MIN_QRS_POWER_SHARE: f64 = 0.01;
/// Sampling rates (Hz) tried when the rates suggest a wrong `--fs`, most common first (ties
/// go to the earlier one).
pub const COMMON_RATES_HZ: [f64; 14] = [
    250.0, 500.0, 1000.0, 125.0, 200.0, 360.0, 128.0, 256.0, 512.0, 1024.0, 100.0, 2000.0, 4000.0,
    8000.0,
];
/// Resting heart rates (per minute) a suggested sampling rate aims for.
const RESTING_HEART_PER_MIN: (f64, f64) = (40.0, 100.0);
/// Resting breathing rates (per minute) a suggested sampling rate aims for.
const RESTING_BREATHING_PER_MIN: (f64, f64) = (8.0, 25.0);

/// One finding: the warning and whether it refuses the analysis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// What was found.
    pub warning: Warning,
    /// Whether the analysis should stop (unless forced).
    pub refuses: bool,
}

impl Finding {
    fn new(code: &str, message: String, refuses: bool) -> Self {
        Self { warning: Warning { code: code.into(), message }, refuses }
    }
}

/// What the checks look at: both channels (finite), their names, the sampling rate and the
/// detected events.
#[derive(Debug, Clone, Copy)]
pub struct Record<'a> {
    /// The ECG samples.
    pub ecg: &'a [f64],
    /// The respiration samples.
    pub resp: &'a [f64],
    /// The ECG channel's name (for messages).
    pub ecg_name: &'a str,
    /// The respiration channel's name.
    pub resp_name: &'a str,
    /// The sampling rate the user stated or the file gave, in Hz.
    pub fs_hz: f64,
    /// The duration the events were counted over, in s (the record less any stretch left
    /// out).
    pub duration_s: f64,
    /// Detected R-peak times in s.
    pub beats: &'a [f64],
    /// Detected inspiration onsets in s.
    pub breaths: &'a [f64],
}

/// A power spectrum: frequencies (Hz) and Welch power at each.
#[derive(Debug, Clone, PartialEq)]
pub struct Spectrum {
    /// Bin frequencies in Hz, ascending from 0.
    pub freqs_hz: Vec<f64>,
    /// Power per bin (arbitrary units).
    pub power: Vec<f64>,
}

impl Spectrum {
    /// The Welch spectrum of `x` sampled at `fs_hz` (see the module docs); `None` when the
    /// record is shorter than 8 s or not finite.
    #[must_use]
    pub fn welch(x: &[f64], fs_hz: f64) -> Option<Self> {
        if x.iter().any(|v| !v.is_finite()) || (x.len() as f64) < 8.0 * fs_hz {
            return None;
        }
        let factor = ((fs_hz / 50.0).floor() as usize).max(1);
        let rate = fs_hz / factor as f64;
        let blocks: Vec<f64> =
            x.chunks_exact(factor).map(|b| b.iter().sum::<f64>() / factor as f64).collect();
        let len = ((64.0 * rate) as usize).min(blocks.len());
        let fft = FftPlanner::new().plan_fft_forward(len);
        let hann: Vec<f64> = (0..len)
            .map(|i| 0.5 - 0.5 * (std::f64::consts::TAU * i as f64 / len as f64).cos())
            .collect();
        let mut power = vec![0.0; len / 2 + 1];
        let step = (len / 2).max(1);
        let mut start = 0;
        while start + len <= blocks.len() {
            let segment = &blocks[start..start + len];
            let mean = segment.iter().sum::<f64>() / len as f64;
            let mut buf: Vec<Complex64> = segment
                .iter()
                .zip(&hann)
                .map(|(v, w)| Complex64::new((v - mean) * w, 0.0))
                .collect();
            fft.process(&mut buf);
            for (p, c) in power.iter_mut().zip(&buf) {
                *p += c.norm_sqr();
            }
            start += step;
        }
        let freqs_hz = (0..power.len()).map(|k| k as f64 * rate / len as f64).collect();
        Some(Self { freqs_hz, power })
    }

    /// The frequency and power of the largest bin in `[low, high]` Hz.
    #[must_use]
    pub fn peak(&self, low: f64, high: f64) -> Option<(f64, f64)> {
        self.freqs_hz
            .iter()
            .zip(&self.power)
            .filter(|(f, _)| (low..=high).contains(*f))
            .max_by(|a, b| a.1.total_cmp(b.1))
            .map(|(&f, &p)| (f, p))
    }

    /// The share of the power from 0.05 Hz up that lies in `[low, high]` Hz.
    #[must_use]
    pub fn share(&self, low: f64, high: f64) -> f64 {
        let sum = |a: f64, b: f64| -> f64 {
            self.freqs_hz
                .iter()
                .zip(&self.power)
                .filter(|(f, _)| (a..=b).contains(*f))
                .map(|p| p.1)
                .sum()
        };
        let total = sum(0.05, f64::INFINITY);
        if total > 0.0 { sum(low, high) / total } else { 0.0 }
    }
}

/// Every plausibility finding for `record` (empty when it looks like an ECG and a respiration
/// signal at the stated rate).
#[must_use]
pub fn check(record: &Record<'_>) -> Vec<Finding> {
    let mut findings = channel_findings(record);
    findings.extend(rate_findings(record));
    findings
}

/// The spectral checks: does the ECG look like an ECG, does the respiration carry the heart?
fn channel_findings(record: &Record<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    let (Some(ecg), Some(resp)) =
        (Spectrum::welch(record.ecg, record.fs_hz), Spectrum::welch(record.resp, record.fs_hz))
    else {
        return out;
    };
    let nyquist = ecg.freqs_hz.last().copied().unwrap_or(0.0);
    let mut swapped = false;
    if let Some((f_ecg, _)) = ecg.peak(0.05, nyquist)
        && f_ecg < CARDIAC_FLOOR_HZ
    {
        let qrs = ecg.share(5.0, 25.0);
        swapped = qrs < MIN_QRS_POWER_SHARE;
        out.push(if swapped {
            Finding::new(
                "channels-swapped",
                format!(
                    "the `{}` channel looks like respiration (dominant {f_ecg:.2} Hz, {:.2} % of its power in the QRS band 5–25 Hz) — swapped columns?",
                    record.ecg_name,
                    100.0 * qrs
                ),
                true,
            )
        } else {
            Finding::new(
                "ecg-wander",
                format!(
                    "the `{}` channel's dominant spectral peak is at {f_ecg:.2} Hz (baseline wander); its QRS band 5–25 Hz holds {:.0} % of the power, so beats can still be found",
                    record.ecg_name,
                    100.0 * qrs
                ),
                false,
            )
        });
    }
    let heart_hz = record.beats.len() as f64 / record.duration_s;
    let cardiac = if heart_hz > CARDIAC_FLOOR_HZ {
        resp.peak(0.85 * heart_hz, 1.15 * heart_hz)
    } else {
        resp.peak(CARDIAC_FLOOR_HZ, 3.5)
    };
    if let (Some((f_card, p_card)), Some((f_resp, p_resp))) =
        (cardiac, resp.peak(0.05, CARDIAC_FLOOR_HZ))
        && p_card > p_resp
    {
        out.push(Finding::new(
            "resp-cardiac",
            format!(
                "the `{}` channel peaks higher at {f_card:.2} Hz (cardiac band) than at its breathing peak {f_resp:.2} Hz ({:.1}×)",
                record.resp_name,
                p_card / p_resp
            ),
            swapped,
        ));
    }
    out
}

/// Heart rate, breathing rate, beats per breath, RR regularity and, when rates are off, the
/// sampling rate that would fix them.
fn rate_findings(record: &Record<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    if record.duration_s.is_nan() || record.duration_s <= 0.0 {
        // Every sample lies in a flat or left-out stretch: no rate exists (it used to print
        // "heart rate NaN/min", issue 14).
        out.push(Finding::new(
            "no-signal",
            "nothing is left to count beats and breaths in: the whole record is flat or left out"
                .to_string(),
            true,
        ));
        return out;
    }
    let heart = record.beats.len() as f64 / record.duration_s * 60.0;
    let breathing = record.breaths.len() as f64 / record.duration_s * 60.0;
    let outside = |v: f64, (lo, hi): (f64, f64)| !(lo..=hi).contains(&v);
    let heart_off = outside(heart, HEART_RATE_PER_MIN);
    let breathing_off = outside(breathing, BREATHING_RATE_PER_MIN);
    if heart_off {
        out.push(Finding::new(
            "heart-rate",
            format!(
                "heart rate {heart:.0}/min is outside {}–{}/min",
                HEART_RATE_PER_MIN.0, HEART_RATE_PER_MIN.1
            ),
            true,
        ));
    }
    if breathing_off {
        out.push(Finding::new(
            "breathing-rate",
            format!(
                "breathing rate {breathing:.1}/min is outside {}–{}/min",
                BREATHING_RATE_PER_MIN.0, BREATHING_RATE_PER_MIN.1
            ),
            true,
        ));
    }
    if (heart_off || breathing_off)
        && let Some(fs) = likely_rate(heart, breathing, record.fs_hz)
    {
        let scale = fs / record.fs_hz;
        let (what, at_given, at_fs) = if heart_off {
            ("heart rate", heart, heart * scale)
        } else {
            ("breathing rate", breathing, breathing * scale)
        };
        out.push(Finding::new(
            "wrong-fs",
            format!(
                "{what} {at_given:.0}/min at fs = {} Hz; at {fs} Hz it would be {at_fs:.0}/min",
                record.fs_hz
            ),
            true,
        ));
    }
    if !record.breaths.is_empty() {
        let per_breath = record.beats.len() as f64 / record.breaths.len() as f64;
        if per_breath < MIN_BEATS_PER_BREATH {
            out.push(Finding::new(
                "beats-per-breath",
                format!(
                    "{per_breath:.2} beats per breath is below {MIN_BEATS_PER_BREATH}: the heart cannot beat so rarely against breathing"
                ),
                true,
            ));
        }
    }
    let flags = rr_outliers(record.beats);
    if !flags.is_empty() {
        let share = flags.iter().filter(|&&f| f).count() as f64 / flags.len() as f64;
        if share > MAX_RR_OUTLIER_SHARE {
            out.push(Finding::new(
                "rr-irregular",
                format!(
                    "{:.1} % of RR intervals lie outside ±30 % of their local median (over {:.0} %): ectopic beats, missed or extra detections",
                    100.0 * share,
                    100.0 * MAX_RR_OUTLIER_SHARE
                ),
                false,
            ));
        }
    }
    out
}

/// The common sampling rate (other than `fs_hz`) at which both rates would be plausible,
/// nearest to resting rates (40–100 beats and 8–25 breaths a minute, distances in log units;
/// rates scale with the true sampling rate over the stated one; ties go to the more common
/// rate).
fn likely_rate(heart: f64, breathing: f64, fs_hz: f64) -> Option<f64> {
    let inside = |v: f64, (lo, hi): (f64, f64)| (lo..=hi).contains(&v);
    let outside_by = |v: f64, (lo, hi): (f64, f64)| {
        if v < lo {
            (lo / v).ln()
        } else if v > hi {
            (v / hi).ln()
        } else {
            0.0
        }
    };
    let cost = |fs: f64| {
        let scale = fs / fs_hz;
        let r = if breathing > 0.0 {
            outside_by(breathing * scale, RESTING_BREATHING_PER_MIN)
        } else {
            0.0
        };
        outside_by(heart * scale, RESTING_HEART_PER_MIN) + r
    };
    COMMON_RATES_HZ
        .iter()
        .copied()
        .filter(|&fs| (fs - fs_hz).abs() > 1e-9 * fs_hz)
        .filter(|&fs| {
            let scale = fs / fs_hz;
            inside(heart * scale, HEART_RATE_PER_MIN)
                && (breathing <= 0.0 || inside(breathing * scale, BREATHING_RATE_PER_MIN))
        })
        .min_by(|&a, &b| cost(a).total_cmp(&cost(b)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::ControlParams;
    use dgnn_core::Seed;

    fn codes(findings: &[Finding]) -> Vec<&str> {
        findings.iter().map(|f| f.warning.code.as_str()).collect()
    }

    #[test]
    fn the_controls_pass_and_their_swap_is_named() {
        let c = ControlParams { duration_s: 300.0, ..ControlParams::quiet() }
            .generate(Seed(2))
            .unwrap();
        let breaths: Vec<f64> = (0..75).map(|k| 2.0 + 4.0 * f64::from(k)).collect();
        let record = Record {
            ecg: &c.ecg,
            resp: &c.resp,
            ecg_name: "ecg",
            resp_name: "resp",
            fs_hz: c.fs_hz,
            duration_s: c.ecg.len() as f64 / c.fs_hz,
            beats: &c.beats,
            breaths: &breaths,
        };
        assert!(check(&record).iter().all(|f| !f.refuses), "{:?}", check(&record));
        let swapped = check(&Record {
            ecg: &c.resp,
            resp: &c.ecg,
            ecg_name: "resp",
            resp_name: "ecg",
            ..record
        });
        let named = swapped.iter().find(|f| f.warning.code == "channels-swapped").unwrap();
        assert!(named.refuses);
        assert!(
            named
                .warning
                .message
                .starts_with("the `resp` channel looks like respiration (dominant 0.25 Hz")
                && named.warning.message.ends_with("swapped columns?"),
            "{}",
            named.warning.message
        );
    }

    #[test]
    fn a_wrong_sampling_rate_is_named_with_the_likely_one() {
        // A record at 1000 Hz read as 250 Hz: every rate is 4 × too low (76 → 19 beats/min,
        // 16 → 4 breaths/min); 1000 Hz brings both to rest (1024 Hz too, but is rarer; 500 Hz
        // leaves 38 beats a minute).
        assert_eq!(likely_rate(19.0, 4.0, 250.0), Some(1000.0));
        let ecg = vec![0.0; 250 * 600];
        let beats: Vec<f64> = (0..190).map(|k| 1.0 + 600.0 / 190.0 * f64::from(k)).collect();
        let breaths: Vec<f64> = (0..40).map(|k| 1.0 + 15.0 * f64::from(k)).collect();
        let findings = rate_findings(&Record {
            ecg: &ecg,
            resp: &ecg,
            ecg_name: "ecg",
            resp_name: "resp",
            fs_hz: 250.0,
            duration_s: 600.0,
            beats: &beats,
            breaths: &breaths,
        });
        assert_eq!(codes(&findings), vec!["heart-rate", "wrong-fs"]);
        assert_eq!(
            findings[1].warning.message,
            "heart rate 19/min at fs = 250 Hz; at 1000 Hz it would be 76/min"
        );
    }

    #[test]
    fn rate_limits_are_the_stated_ones() {
        // 40 beats per minute and 30 breaths: 1.33 beats per breath (below 1.5), rates fine.
        let ecg = vec![0.0; 100 * 60];
        let beats: Vec<f64> = (0..40).map(|k| 0.5 + 1.5 * f64::from(k)).collect();
        let breaths: Vec<f64> = (0..30).map(|k| 0.2 + 2.0 * f64::from(k)).collect();
        let record = Record {
            ecg: &ecg,
            resp: &ecg,
            ecg_name: "ecg",
            resp_name: "resp",
            fs_hz: 100.0,
            duration_s: 60.0,
            beats: &beats,
            breaths: &breaths,
        };
        assert_eq!(codes(&rate_findings(&record)), vec!["beats-per-breath"]);
        // Every third interval halved: a third of the intervals are outliers.
        let irregular: Vec<f64> =
            (0..60).map(|k| f64::from(k) - if k % 3 == 1 { 0.5 } else { 0.0 }).collect();
        let findings = rate_findings(&Record { beats: &irregular, breaths: &[], ..record });
        assert!(codes(&findings).contains(&"rr-irregular"), "{findings:?}");
        // A record left out entirely (all flat) has no rates, and no NaN in its message.
        let findings = rate_findings(&Record { duration_s: 0.0, beats: &[], ..record });
        assert_eq!(codes(&findings), vec!["no-signal"]);
        assert!(!findings[0].warning.message.contains("NaN"));
    }
}
