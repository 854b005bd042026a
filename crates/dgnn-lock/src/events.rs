//! Events in physiological signals and the marker phases they define.
//!
//! - **R-peaks** (the heartbeat's fiducial point in an ECG), after Pan & Tompkins (1985, IEEE
//!   TBME 32:230): pacing spikes removed first ([`remove_pacing_spikes`]: runs of at most
//!   4 ms standing out of a running median by 8 noise deviations and by half the local
//!   excursion, entered and left by a jump of at least half their height, replaced by the
//!   median), then zero-phase band-pass 5–20 Hz, central derivative, squaring, a 120 ms moving
//!   average (the "energy envelope"); envelope maxima at least one refractory period (250 ms)
//!   apart are candidates, kept when they reach a fraction (0.3) of a local reference — the
//!   median of the largest candidates in an 8 s window, which tracks slow amplitude changes;
//!   each beat is then placed at the extremum of the band-passed ECG within ±60 ms (polarity
//!   chosen by majority, so inverted leads work) with parabolic sub-sample interpolation.
//! - **Breaths** in a respiration-belt (or airflow) signal: zero-phase band-pass 0.05–0.7 Hz,
//!   then a Schmitt trigger with thresholds ±h, h = 0.25 × the moving RMS over 20 s; each
//!   low→high transition marks an inspiration onset at the last upward zero crossing (linear
//!   interpolation), with onsets closer than 1 s merged (the earlier is kept).
//! - **Marker phase** (Schäfer et al. 1999, Phys Rev E 60:857): between consecutive events
//!   `t_k ≤ t < t_{k+1}` the phase is `2π k + 2π (t − t_k)/(t_{k+1} − t_k)`; outside the first
//!   and last event it is undefined (`None`), which is the edge handling.

use crate::error::{LockError, Result};
use crate::signal::bandpass;
use dgnn_core::error::{in_range, positive};
use dgnn_core::{ParamError, Valid, Validate};
use serde::{Deserialize, Serialize};
use std::f64::consts::TAU;

/// Options of [`detect_r_peaks`] (defaults in the module docs), raw; it takes them checked,
/// as [`Valid<RPeakOptions>`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RPeakOptions {
    /// Lower band edge in Hz (default 5).
    pub band_low_hz: f64,
    /// Upper band edge in Hz (default 20; the filter reaches zero at 1.5×, which must stay
    /// below the Nyquist frequency).
    pub band_high_hz: f64,
    /// Moving-average window of the energy envelope in s (default 0.12).
    pub envelope_s: f64,
    /// Shortest interval between beats in s (default 0.25, i.e. at most 240 beats/min).
    pub refractory_s: f64,
    /// Fraction of the local reference a beat must reach (default 0.3).
    pub threshold: f64,
    /// Window of the local reference in s (default 8).
    pub reference_s: f64,
}

impl Default for RPeakOptions {
    fn default() -> Self {
        Self {
            band_low_hz: 5.0,
            band_high_hz: 20.0,
            envelope_s: 0.12,
            refractory_s: 0.25,
            threshold: 0.3,
            reference_s: 8.0,
        }
    }
}

/// Options of [`detect_breaths`] (defaults in the module docs), raw; it takes them checked,
/// as [`Valid<BreathOptions>`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BreathOptions {
    /// Lower band edge in Hz (default 0.05).
    pub band_low_hz: f64,
    /// Upper band edge in Hz (default 0.7).
    pub band_high_hz: f64,
    /// Hysteresis as a fraction of the moving RMS (default 0.25).
    pub hysteresis: f64,
    /// Window of the moving RMS in s (default 20).
    pub rms_window_s: f64,
    /// Shortest breath in s (default 1).
    pub min_period_s: f64,
}

impl Default for BreathOptions {
    fn default() -> Self {
        Self {
            band_low_hz: 0.05,
            band_high_hz: 0.7,
            hysteresis: 0.25,
            rms_window_s: 20.0,
            min_period_s: 1.0,
        }
    }
}

impl Validate for RPeakOptions {
    /// A band `0 ≤ low < high`, positive durations and a threshold in [0, 1].
    fn validate(&self) -> std::result::Result<(), ParamError> {
        check_band(self.band_low_hz, self.band_high_hz)?;
        positive("envelope_s", self.envelope_s)?;
        positive("refractory_s", self.refractory_s)?;
        in_range("threshold", self.threshold, 0.0, 1.0)?;
        positive("reference_s", self.reference_s)?;
        Ok(())
    }
}

impl Validate for BreathOptions {
    /// A band `0 ≤ low < high` and positive hysteresis and durations.
    fn validate(&self) -> std::result::Result<(), ParamError> {
        check_band(self.band_low_hz, self.band_high_hz)?;
        positive("hysteresis", self.hysteresis)?;
        positive("rms_window_s", self.rms_window_s)?;
        positive("min_period_s", self.min_period_s)?;
        Ok(())
    }
}

/// A pass band `0 ≤ low < high` (finite).
fn check_band(low: f64, high: f64) -> std::result::Result<(), ParamError> {
    positive("band_high_hz", high)?;
    if !(low >= 0.0 && low < high) {
        return Err(ParamError::new("band_low_hz", low, "must lie in [0, band_high_hz)"));
    }
    Ok(())
}

/// A positive sampling rate whose Nyquist frequency lies above 1.5 × the band's upper edge
/// (where the band-pass filter reaches zero).
fn check_rate(fs_hz: f64, band_high_hz: f64) -> Result<()> {
    positive("fs_hz", fs_hz)?;
    if 1.5 * band_high_hz >= fs_hz / 2.0 {
        return Err(ParamError::new(
            "band_high_hz",
            band_high_hz,
            format!("1.5 × band_high_hz must stay below the Nyquist frequency {} Hz; the sampling rate is too low", fs_hz / 2.0),
        )
        .into());
    }
    Ok(())
}

/// Centred moving average over `width` samples (shorter at the ends).
fn moving_average(x: &[f64], width: usize) -> Vec<f64> {
    let half = width / 2;
    let mut prefix = Vec::with_capacity(x.len() + 1);
    prefix.push(0.0);
    for &v in x {
        prefix.push(prefix.last().copied().unwrap_or(0.0) + v);
    }
    (0..x.len())
        .map(|i| {
            let (a, b) = (i.saturating_sub(half), (i + half + 1).min(x.len()));
            (prefix[b] - prefix[a]) / (b - a) as f64
        })
        .collect()
}

/// Local maxima of `x` that are the largest within ±`radius` samples of each other, ascending.
fn separated_maxima(x: &[f64], radius: usize) -> Vec<usize> {
    let mut peaks: Vec<usize> =
        (1..x.len().saturating_sub(1)).filter(|&i| x[i] > x[i - 1] && x[i] >= x[i + 1]).collect();
    peaks.sort_by(|&a, &b| x[b].total_cmp(&x[a]).then(a.cmp(&b)));
    let mut taken = std::collections::BTreeSet::new();
    for p in peaks {
        let lo = p.saturating_sub(radius);
        if taken.range(lo..=p + radius).next().is_none() {
            taken.insert(p);
        }
    }
    taken.into_iter().collect()
}

/// Sub-sample position of the extremum at `i` by a parabola through three samples.
fn parabolic(x: &[f64], i: usize) -> f64 {
    if i == 0 || i + 1 >= x.len() {
        return i as f64;
    }
    let (a, b, c) = (x[i - 1], x[i], x[i + 1]);
    let denom = a - 2.0 * b + c;
    if denom.abs() < f64::EPSILON * b.abs().max(1e-300) {
        i as f64
    } else {
        i as f64 + (0.5 * (a - c) / denom).clamp(-0.5, 0.5)
    }
}

/// The running median of `x` over `width` samples (odd; shorter windows at the ends).
fn running_median(x: &[f64], width: usize) -> Vec<f64> {
    let half = width / 2;
    let mut window = Vec::with_capacity(width);
    (0..x.len())
        .map(|i| {
            window.clear();
            window.extend_from_slice(&x[i.saturating_sub(half)..(i + half + 1).min(x.len())]);
            let mid = window.len() / 2;
            *window.select_nth_unstable_by(mid, f64::total_cmp).1
        })
        .collect()
}

/// An ECG with its pacing spikes replaced by the running median, and the number of spikes
/// removed.
///
/// A pacemaker's stimulus is far shorter than any wave of the heart (0.1–2 ms; a monitor
/// may stretch it to a few ms): in the residual `r = x − median₉ₘₛ(x)` it is a run of at most
/// `max(2 samples, 4 ms)` that (1) exceeds 8 robust standard deviations of the noise
/// (1.4826 × the median absolute first difference / √2, so noise never qualifies), (2) exceeds half the range of the
/// median-filtered signal within ±100 ms (so the top of a narrow R wave, which the median
/// only trims, does not), and (3) is entered and left by jumps of at least half its height
/// (a spike is a cliff, a wave's crest is rounded). Left in, a spike's band-passed energy
/// rivals a QRS complex's, and an atrial spike 150–250 ms before the QRS is taken for the
/// beat or counted as a second one.
#[must_use]
pub fn remove_pacing_spikes(ecg: &[f64], fs_hz: f64) -> (Vec<f64>, usize) {
    let width = (((0.008 * fs_hz).round() as usize) | 1).max(3);
    let median = running_median(ecg, width);
    let residual: Vec<f64> = ecg.iter().zip(&median).map(|(x, m)| x - m).collect();
    // The noise level from the first differences (a running median's residual is exactly 0
    // on every monotone stretch, so its own spread says nothing).
    let mut steps: Vec<f64> = ecg.windows(2).map(|w| (w[1] - w[0]).abs()).collect();
    let mid = steps.len() / 2;
    let sigma = 1.4826 * *steps.select_nth_unstable_by(mid, f64::total_cmp).1 / 2f64.sqrt();
    let max_run = ((0.004 * fs_hz).round() as usize).max(2);
    let reach = ((0.1 * fs_hz) as usize).max(1);
    let mut out = ecg.to_vec();
    let mut spikes = 0;
    let mut i = 1;
    while i + 1 < ecg.len() {
        if residual[i].abs() <= 8.0 * sigma {
            i += 1;
            continue;
        }
        let sign = residual[i].signum();
        let start = i;
        while i < ecg.len() && residual[i] * sign > 8.0 * sigma && i - start < max_run + 1 {
            i += 1;
        }
        let end = i; // exclusive
        if end - start > max_run || end >= ecg.len() {
            continue;
        }
        let height = residual[start..end].iter().map(|r| r * sign).fold(0.0, f64::max);
        let local = &median[start.saturating_sub(reach)..(end + reach).min(ecg.len())];
        let range = local.iter().copied().fold(f64::NEG_INFINITY, f64::max)
            - local.iter().copied().fold(f64::INFINITY, f64::min);
        let jump_in = (ecg[start] - ecg[start - 1]) * sign;
        let jump_out = (ecg[end - 1] - ecg[end]) * sign;
        if height > 0.5 * range && jump_in > 0.5 * height && jump_out > 0.5 * height {
            out[start..end].copy_from_slice(&median[start..end]);
            spikes += 1;
        }
    }
    (out, spikes)
}

/// R-peak times in seconds from the start of an ECG sampled at `fs_hz`.
pub fn detect_r_peaks(ecg: &[f64], fs_hz: f64, options: &Valid<RPeakOptions>) -> Result<Vec<f64>> {
    check_rate(fs_hz, options.band_high_hz)?;
    if (ecg.len() as f64) < 2.0 * fs_hz {
        return Err(LockError::NotEnoughData(format!(
            "an ECG of {} samples is shorter than 2 s",
            ecg.len()
        )));
    }
    if let Some(i) = ecg.iter().position(|v| !v.is_finite()) {
        return Err(ParamError::new(
            "ecg",
            ecg[i],
            format!("sample {i} is not finite; remove or interpolate missing samples first"),
        )
        .into());
    }
    let (ecg, _) = remove_pacing_spikes(ecg, fs_hz);
    let filtered = bandpass(&ecg, fs_hz, options.band_low_hz, options.band_high_hz)?;
    let mut energy = vec![0.0; filtered.len()];
    for i in 1..filtered.len() - 1 {
        let d = 0.5 * (filtered[i + 1] - filtered[i - 1]);
        energy[i] = d * d;
    }
    let envelope = moving_average(&energy, ((options.envelope_s * fs_hz) as usize).max(1));
    let radius = ((options.refractory_s * fs_hz) as usize).max(1);
    let candidates = separated_maxima(&envelope, radius);
    let half_window = 0.5 * options.reference_s * fs_hz;
    let top = ((options.reference_s / 2.0).ceil() as usize).max(1);
    let mut beats = Vec::new();
    let (mut lo, mut hi) = (0usize, 0usize);
    for (k, &c) in candidates.iter().enumerate() {
        while (candidates[lo] as f64) < c as f64 - half_window {
            lo += 1;
        }
        while hi < candidates.len() && (candidates[hi] as f64) <= c as f64 + half_window {
            hi += 1;
        }
        let mut local: Vec<f64> = candidates[lo..hi].iter().map(|&j| envelope[j]).collect();
        local.sort_by(|a, b| b.total_cmp(a));
        local.truncate(top);
        let reference = local[local.len() / 2];
        if envelope[c] >= options.threshold * reference && reference > 0.0 {
            beats.push(candidates[k]);
        }
    }
    // Polarity by majority: the sign of the band-passed ECG's largest excursion near each beat.
    let search = ((0.06 * fs_hz) as usize).max(1);
    let window = |c: usize| c.saturating_sub(search)..(c + search + 1).min(filtered.len());
    let positive_votes = beats
        .iter()
        .filter(|&&c| {
            let w = &filtered[window(c)];
            let max = w.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let min = w.iter().copied().fold(f64::INFINITY, f64::min);
            max >= -min
        })
        .count();
    let sign = if 2 * positive_votes >= beats.len() { 1.0 } else { -1.0 };
    let oriented: Vec<f64> = filtered.iter().map(|v| sign * v).collect();
    let located: Vec<(f64, f64)> = beats
        .iter()
        .map(|&c| {
            let range = window(c);
            let start = range.start;
            let best = oriented[range]
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(b.1))
                .map_or(c, |(i, _)| start + i);
            (parabolic(&oriented, best) / fs_hz, envelope[c])
        })
        .collect();
    Ok(drop_early_beats(located))
}

/// Removes beats that follow their predecessor after less than 55% of the local median RR
/// (the median over the ±10 neighbouring intervals): of the two beats, the one with the
/// smaller envelope goes. Motion artefacts and tall T waves produce such early beats; a real
/// premature beat so early is rare at rest and would be unanalysable for phase anyway.
fn drop_early_beats(mut beats: Vec<(f64, f64)>) -> Vec<f64> {
    loop {
        let rr: Vec<f64> = beats.windows(2).map(|w| w[1].0 - w[0].0).collect();
        let early = (0..rr.len()).find(|&k| {
            let (lo, hi) = (k.saturating_sub(10), (k + 11).min(rr.len()));
            let mut local = rr[lo..hi].to_vec();
            local.sort_by(f64::total_cmp);
            rr[k] < 0.55 * local[local.len() / 2]
        });
        let Some(k) = early else { break };
        let drop = if beats[k].1 < beats[k + 1].1 { k } else { k + 1 };
        beats.remove(drop);
    }
    beats.into_iter().map(|(t, _)| t).collect()
}

/// Inspiration onsets in seconds from the start of a respiration signal sampled at `fs_hz`.
pub fn detect_breaths(
    resp: &[f64],
    fs_hz: f64,
    options: &Valid<BreathOptions>,
) -> Result<Vec<f64>> {
    check_rate(fs_hz, options.band_high_hz)?;
    if (resp.len() as f64) < 10.0 * fs_hz {
        return Err(LockError::NotEnoughData(format!(
            "a respiration signal of {} samples is shorter than 10 s",
            resp.len()
        )));
    }
    let x = bandpass(resp, fs_hz, options.band_low_hz, options.band_high_hz)?;
    let squares: Vec<f64> = x.iter().map(|v| v * v).collect();
    let rms: Vec<f64> = moving_average(&squares, ((options.rms_window_s * fs_hz) as usize).max(1))
        .into_iter()
        .map(f64::sqrt)
        .collect();
    let mut onsets: Vec<f64> = Vec::new();
    let mut high = x[0] > 0.0;
    let mut last_up_crossing: Option<f64> = None;
    for i in 1..x.len() {
        if x[i - 1] < 0.0 && x[i] >= 0.0 {
            last_up_crossing = Some((i - 1) as f64 + x[i - 1] / (x[i - 1] - x[i]));
        }
        let h = options.hysteresis * rms[i];
        if !high && x[i] > h {
            high = true;
            if let Some(crossing) = last_up_crossing {
                let t = crossing / fs_hz;
                if onsets.last().is_none_or(|&prev| t - prev >= options.min_period_s) {
                    onsets.push(t);
                }
            }
        } else if high && x[i] < -h {
            high = false;
        }
    }
    Ok(onsets)
}

/// The marker phase at time `t` from event times `events` (ascending): `None` before the first
/// or from the last event on.
#[must_use]
pub fn marker_phase(events: &[f64], t: f64) -> Option<f64> {
    let k = events.partition_point(|&e| e <= t);
    if k == 0 || k >= events.len() {
        return None;
    }
    let (a, b) = (events[k - 1], events[k]);
    Some(TAU * ((k - 1) as f64 + (t - a) / (b - a)))
}

/// Checks that event times are finite and strictly increasing.
pub fn check_events(field: &str, events: &[f64]) -> Result<()> {
    if let Some(i) = events.iter().position(|v| !v.is_finite()) {
        return Err(
            ParamError::new(field, events[i], format!("event {i} is not a finite time")).into()
        );
    }
    if let Some(i) = events.windows(2).position(|w| w[1] <= w[0]) {
        return Err(ParamError::new(
            field,
            events[i + 1],
            format!("event times must increase (event {})", i + 1),
        )
        .into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use dgnn_core::{ParamGuard, Seed};
    use rand::RngExt;
    use rand_distr::StandardNormal;

    fn beat_times(count: usize, seed: u64) -> Vec<f64> {
        let mut rng = Seed(seed).stream("test/rr", &[]);
        let mut t = 1.0;
        (0..count)
            .map(|_| {
                t += 0.6 + 0.4 * rng.random::<f64>();
                t
            })
            .collect()
    }

    #[test]
    fn r_peaks_are_found_in_noisy_ecg_of_either_polarity() {
        // Every beat is found once, within 4 ms (two samples at 500 Hz; the R wave is
        // symmetric, so the zero-phase filter does not shift it), with no false detections,
        // despite wander, hum, noise and three sharp motion spikes between beats, for an
        // upright and an inverted lead.
        let fs = 500.0;
        let beats = beat_times(100, 1);
        let duration = beats.last().unwrap() + 1.5;
        for sign in [1.0, -1.0] {
            let mut rng = Seed(2).stream("test/ecg", &[]);
            let samples = (duration * fs) as usize;
            let mut signal: Vec<f64> =
                crate::controls::synthetic_ecg(&beats, fs, samples, 0.04, &mut rng)
                    .into_iter()
                    .map(|v| sign * v)
                    .collect();
            for k in [10, 40, 70] {
                let at = (0.5 * (beats[k] + beats[k + 1]) * fs) as usize;
                for (j, v) in signal[at..at + 10].iter_mut().enumerate() {
                    *v += 0.7 * (std::f64::consts::PI * j as f64 / 10.0).sin();
                }
            }
            let found =
                detect_r_peaks(&signal, fs, &RPeakOptions::default().check().unwrap()).unwrap();
            assert_eq!(found.len(), beats.len(), "polarity {sign}");
            for (f, b) in found.iter().zip(&beats) {
                assert!((f - b).abs() < 0.004, "polarity {sign}: {f} vs {b}");
            }
        }
    }

    #[test]
    fn pacing_spikes_go_and_nothing_else_moves() {
        // Unpaced ECGs (the controls: 250 Hz, R waves of σ = 10 ms, mains hum, noise) come back
        // bit for bit. Single-sample spikes of 2.5 mV on the synthetic ECG are all found and
        // only their samples change.
        for params in
            [crate::controls::ControlParams::quiet(), crate::controls::ControlParams::active()]
        {
            let c = params.generate(Seed(1)).unwrap();
            let (out, spikes) = remove_pacing_spikes(&c.ecg, c.fs_hz);
            assert_eq!(spikes, 0);
            assert!(out.iter().zip(&c.ecg).all(|(a, b)| a.to_bits() == b.to_bits()));
        }
        let fs = 500.0;
        let beats = beat_times(40, 3);
        let mut rng = Seed(4).stream("test/ecg", &[]);
        let clean =
            crate::controls::synthetic_ecg(&beats, fs, (42.0 * fs) as usize, 0.02, &mut rng);
        let mut paced = clean.clone();
        let at: Vec<usize> = beats.iter().map(|b| ((b - 0.07) * fs) as usize).collect();
        for &i in &at {
            paced[i] += 2.5;
        }
        let (out, spikes) = remove_pacing_spikes(&paced, fs);
        assert_eq!(spikes, at.len());
        for (i, (o, c)) in out.iter().zip(&clean).enumerate() {
            if at.contains(&i) {
                assert!((o - c).abs() < 0.1, "spike at {i} left {o} over {c}");
            } else {
                assert_eq!(o.to_bits(), paced[i].to_bits(), "sample {i} moved");
            }
        }
    }

    #[test]
    fn breaths_are_found_in_a_noisy_belt_signal() {
        // Breathing with periods 3–5 s, amplitude modulated ×(0.6…1.4), drift and noise of 10%
        // of the amplitude: one onset per breath, each within 0.15 s of the true upward zero
        // crossing (noise of 0.1 filtered to the 0.7 Hz band leaves ≈ 0.1·sqrt(1.4/50) = 0.017,
        // over a slope of 2π/4 s⁻¹ that is ~0.01 s; the rest is filter smoothing of the
        // non-sinusoidal period changes).
        let fs = 50.0;
        let mut rng = Seed(3).stream("test/breath", &[]);
        let mut onsets = vec![2.0];
        while *onsets.last().unwrap() < 300.0 {
            let last = *onsets.last().unwrap();
            onsets.push(last + 3.0 + 2.0 * rng.random::<f64>());
        }
        let n = (onsets.last().unwrap() * fs) as usize;
        let signal: Vec<f64> = (0..n)
            .map(|i| {
                let t = i as f64 / fs;
                let k = onsets.partition_point(|&o| o <= t).max(1) - 1;
                let phase =
                    (t - onsets[k]) / (onsets[(k + 1).min(onsets.len() - 1)] - onsets[k]).max(1e-9);
                (1.0 + 0.4 * (TAU * t / 60.0).sin()) * (TAU * phase).sin()
                    + 0.3 * t / 300.0
                    + 0.1 * rng.sample::<f64, _>(StandardNormal)
            })
            .collect();
        let found =
            detect_breaths(&signal, fs, &BreathOptions::default().check().unwrap()).unwrap();
        let interior: Vec<f64> = onsets
            .iter()
            .copied()
            .filter(|&o| o > 10.0 && o < onsets.last().unwrap() - 10.0)
            .collect();
        for o in &interior {
            let nearest = found.iter().map(|f| (f - o).abs()).fold(f64::INFINITY, f64::min);
            assert!(nearest < 0.15, "onset {o}: nearest detection {nearest}");
        }
        let inside =
            found.iter().filter(|&&f| f > 10.0 && f < onsets.last().unwrap() - 10.0).count();
        assert!(inside.abs_diff(interior.len()) <= 1, "{inside} vs {}", interior.len());
    }

    #[test]
    fn marker_phase_is_linear_between_events() {
        let events = [1.0, 2.0, 4.0];
        assert_eq!(marker_phase(&events, 0.5), None);
        assert!((marker_phase(&events, 1.5).unwrap() - std::f64::consts::PI).abs() < 1e-15);
        assert!((marker_phase(&events, 3.0).unwrap() - 1.5 * TAU).abs() < 1e-15);
        assert_eq!(marker_phase(&events, 4.0), None);
        assert!(check_events("e", &[1.0, 1.0]).is_err());
        assert!(check_events("e", &[1.0, f64::NAN]).is_err());
    }

    #[test]
    fn bad_detector_input_is_rejected() {
        let x = vec![0.0; 10_000];
        let r_peaks = RPeakOptions::default().check().unwrap();
        let breaths = BreathOptions::default().check().unwrap();
        assert!(detect_r_peaks(&x, 40.0, &r_peaks).is_err(), "fs too low for 20 Hz");
        assert!(matches!(
            detect_r_peaks(&x[..100], 500.0, &r_peaks),
            Err(LockError::NotEnoughData(_))
        ));
        assert!(detect_breaths(&x, 0.0, &breaths).is_err());
        let mut nan = x.clone();
        nan[5] = f64::NAN;
        assert!(detect_breaths(&nan, 100.0, &breaths).is_err());
        // A flat line has no beats and no breaths: empty results, not errors.
        assert!(detect_r_peaks(&x, 500.0, &r_peaks).unwrap().is_empty());
        assert!(detect_breaths(&x, 100.0, &breaths).unwrap().is_empty());
    }

    #[test]
    fn detector_options_are_checked() {
        let field = |e: ParamError| e.field;
        let r = RPeakOptions::default();
        assert_eq!(
            field(RPeakOptions { threshold: 1.5, ..r.clone() }.check().unwrap_err()),
            "threshold"
        );
        assert_eq!(
            field(RPeakOptions { envelope_s: 0.0, ..r.clone() }.check().unwrap_err()),
            "envelope_s"
        );
        let b = BreathOptions::default();
        assert_eq!(
            field(BreathOptions { hysteresis: -1.0, ..b.clone() }.check().unwrap_err()),
            "hysteresis"
        );
        let read = ron::from_str::<Valid<BreathOptions>>("(band_low_hz: 0.8)");
        assert!(
            read.unwrap_err().to_string().contains("band_low_hz"),
            "0.8 Hz is above the 0.7 Hz edge"
        );
    }

    proptest::proptest! {
        // A pass band is accepted exactly when 0 ≤ low < high (both finite).
        #[test]
        fn bands_are_accepted_exactly_when_ordered(low in -1.0f64..30.0, high in -1.0f64..30.0) {
            let options = RPeakOptions { band_low_hz: low, band_high_hz: high, ..RPeakOptions::default() };
            proptest::prop_assert_eq!(options.check().is_ok(), 0.0 <= low && low < high);
        }
    }
}
