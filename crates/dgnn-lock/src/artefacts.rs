//! Artefacts and gaps in a recording, found or declared before any analysis.
//!
//! - **Gaps**: runs of missing samples (`NaN`, WFDB's invalid-sample code) up to a given length
//!   are filled by linear interpolation between the finite samples either side
//!   ([`interpolate_gaps`]); a longer run, or one at the very start or end of the record, is
//!   refused with its position, because a straight line over it would invent a signal.
//! - **Flat segments**: at least `min_s` seconds over which the signal does not change by more
//!   than a tolerance (a disconnected lead, a zeroed stretch); found by [`flat_spans`].
//! - **Clipping**: runs of samples at the channel's extreme values, where the amplifier or the
//!   converter saturated ([`clipped_spans`]); a run of at least 3 samples within 0.2 % of the
//!   range from the minimum or the maximum counts (a 10-bit converter's rail and the code next
//!   to it), when such runs cover less than half the record (a square wave is not clipped).
//! - **Excluded spans**: stretches the user names (`START-END` in seconds, [`Span::parse`]).
//!
//! Each becomes a [`MarkedSpan`]; the windowed analysis ([`crate::sync::analyse_marked`])
//! **skips** a window that overlaps an excluded or flat span (its beats or breaths there are
//! not physiology) and **flags** a window that overlaps an interpolated or clipped span (the
//! timing there is approximate). [`rr_outliers`] marks RR intervals outside ±30 % of their
//! local median (ectopic beats, missed or extra detections).

use crate::error::{LockError, Result};
use dgnn_core::ParamError;
use serde::{Deserialize, Serialize};

/// A stretch of the record in seconds, `start_s < end_s`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Span {
    /// Start in s from the beginning of the record.
    pub start_s: f64,
    /// End in s.
    pub end_s: f64,
}

impl Span {
    /// Parses `START-END` (seconds, e.g. `120-135.5`), refusing reversed or negative spans.
    pub fn parse(text: &str) -> std::result::Result<Self, ParamError> {
        let bad = |why: &str| ParamError::new("exclude", text, why.to_string());
        let (a, b) = text.split_once('-').ok_or_else(|| bad("must be START-END in seconds"))?;
        let start_s: f64 = a.trim().parse().map_err(|_| bad("START is not a number"))?;
        let end_s: f64 = b.trim().parse().map_err(|_| bad("END is not a number"))?;
        if !(start_s.is_finite() && end_s.is_finite() && 0.0 <= start_s && start_s < end_s) {
            return Err(bad("needs 0 ≤ START < END"));
        }
        Ok(Self { start_s, end_s })
    }

    /// Whether the span overlaps `[start_s, end_s)`.
    #[must_use]
    pub fn overlaps(&self, start_s: f64, end_s: f64) -> bool {
        self.start_s < end_s && self.end_s > start_s
    }

    /// Whether `t` lies inside the span.
    #[must_use]
    pub fn contains(&self, t: f64) -> bool {
        self.start_s <= t && t <= self.end_s
    }
}

/// What a marked stretch of the record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SpanKind {
    /// Excluded by the user.
    Excluded,
    /// The signal is flat (disconnected or zeroed).
    Flat,
    /// Missing samples filled by linear interpolation.
    Interpolated,
    /// The signal sits at its extreme values (saturation).
    Clipped,
}

impl SpanKind {
    /// Whether a window overlapping such a span is skipped (excluded, flat) rather than
    /// analysed and flagged (interpolated, clipped).
    #[must_use]
    pub fn skips_windows(self) -> bool {
        matches!(self, Self::Excluded | Self::Flat)
    }

    /// The kind in words.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Excluded => "excluded",
            Self::Flat => "flat",
            Self::Interpolated => "interpolated",
            Self::Clipped => "clipped",
        }
    }
}

/// A stretch of one channel (or of the whole record, for excluded spans) and what it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarkedSpan {
    /// Where.
    pub span: Span,
    /// What.
    pub kind: SpanKind,
    /// The channel it was found in (`None` for the whole record).
    pub channel: Option<String>,
}

impl MarkedSpan {
    /// `kind start–end s (channel)`, for notes and flags.
    #[must_use]
    pub fn describe(&self) -> String {
        let channel = self.channel.as_ref().map(|c| format!(" in `{c}`")).unwrap_or_default();
        format!("{} {:.1}–{:.1} s{channel}", self.kind.name(), self.span.start_s, self.span.end_s)
    }
}

/// Fills runs of non-finite samples no longer than `max_gap_s` by linear interpolation and
/// returns the filled signal with the filled spans. A longer run, or a run touching the start
/// or end of the record, is refused (naming where it is and how long it lasts).
pub fn interpolate_gaps(x: &[f64], fs_hz: f64, max_gap_s: f64) -> Result<(Vec<f64>, Vec<Span>)> {
    dgnn_core::error::positive("fs_hz", fs_hz)?;
    if !(max_gap_s.is_finite() && max_gap_s >= 0.0) {
        return Err(
            ParamError::new("interpolate_gaps", max_gap_s, "must be a duration ≥ 0 s").into()
        );
    }
    let mut out = x.to_vec();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < x.len() {
        if x[i].is_finite() {
            i += 1;
            continue;
        }
        let start = i;
        while i < x.len() && !x[i].is_finite() {
            i += 1;
        }
        let (first, after) = (start, i);
        let length_s = (after - first) as f64 / fs_hz;
        let at = first as f64 / fs_hz;
        if first == 0 || after == x.len() {
            return Err(LockError::NotEnoughData(format!(
                "{} missing samples at {:.3} s touch the {} of the record; cut it with --exclude or trim the file",
                after - first,
                at,
                if first == 0 { "start" } else { "end" }
            )));
        }
        if length_s > max_gap_s {
            return Err(LockError::NotEnoughData(format!(
                "a gap of {} missing samples ({length_s:.3} s) at {at:.3} s is longer than --interpolate-gaps {max_gap_s} s; \
                 exclude it (--exclude {:.1}-{:.1}) or raise the limit",
                after - first,
                at.floor(),
                (after as f64 / fs_hz).ceil()
            )));
        }
        let (a, b) = (x[first - 1], x[after]);
        let steps = (after - first + 1) as f64;
        for (k, v) in out[first..after].iter_mut().enumerate() {
            let f = (k + 1) as f64 / steps;
            *v = a + (b - a) * f;
        }
        spans.push(Span { start_s: (first - 1) as f64 / fs_hz, end_s: after as f64 / fs_hz });
    }
    Ok((out, spans))
}

/// Spans of at least `min_s` seconds over which `x` stays within a tolerance of its value at
/// the span's start: 10⁻⁴ of the channel's robust range (its 1st to 99th percentile), or an
/// exact repeat when that range is 0.
#[must_use]
pub fn flat_spans(x: &[f64], fs_hz: f64, min_s: f64) -> Vec<Span> {
    let min_len = ((min_s * fs_hz).ceil() as usize).max(2);
    let tolerance = 1e-4 * robust_range(x);
    let mut spans = Vec::new();
    let mut start = 0;
    for i in 1..=x.len() {
        let ends = i == x.len() || (x[i] - x[start]).abs() > tolerance;
        if ends {
            if i - start >= min_len {
                spans.push(Span { start_s: start as f64 / fs_hz, end_s: i as f64 / fs_hz });
            }
            start = i;
        }
    }
    spans
}

/// Runs of at least 3 samples within 0.2 % of the range from the channel's minimum or maximum
/// (saturation), merged when closer than 0.1 s. None when such runs cover half the record or
/// more (then the signal is a square wave or digital, not a clipped analogue one).
#[must_use]
pub fn clipped_spans(x: &[f64], fs_hz: f64) -> Vec<Span> {
    let finite = || x.iter().copied().filter(|v| v.is_finite());
    let (low, high) =
        finite().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| (l.min(v), h.max(v)));
    if low >= high || !low.is_finite() {
        return Vec::new();
    }
    let tolerance = 0.002 * (high - low);
    // −1 at the lower rail, +1 at the upper one, 0 elsewhere.
    let rail = |v: f64| {
        if v <= low + tolerance {
            -1
        } else if v >= high - tolerance {
            1
        } else {
            0
        }
    };
    let mut spans: Vec<Span> = Vec::new();
    let mut covered = 0usize;
    let mut i = 0;
    while i < x.len() {
        let side = rail(x[i]);
        if side == 0 {
            i += 1;
            continue;
        }
        let start = i;
        while i < x.len() && rail(x[i]) == side {
            i += 1;
        }
        if i - start >= 3 {
            covered += i - start;
            let span = Span { start_s: start as f64 / fs_hz, end_s: i as f64 / fs_hz };
            match spans.last_mut() {
                Some(last) if span.start_s - last.end_s < 0.1 => last.end_s = span.end_s,
                _ => spans.push(span),
            }
        }
    }
    if 2 * covered >= x.len() { Vec::new() } else { spans }
}

/// The distance between the 1st and 99th percentiles of the finite samples (0 when empty).
fn robust_range(x: &[f64]) -> f64 {
    let mut v: Vec<f64> = x.iter().copied().filter(|v| v.is_finite()).collect();
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    let at = |q: f64| v[((q * (v.len() - 1) as f64).round() as usize).min(v.len() - 1)];
    at(0.99) - at(0.01)
}

/// For each RR interval of `beats` (one fewer than the beats), whether it lies outside ±30 %
/// of the median of the 21 intervals centred on it (fewer at the ends).
#[must_use]
pub fn rr_outliers(beats: &[f64]) -> Vec<bool> {
    let rr: Vec<f64> = beats.windows(2).map(|w| w[1] - w[0]).collect();
    (0..rr.len())
        .map(|k| {
            let mut local = rr[k.saturating_sub(10)..(k + 11).min(rr.len())].to_vec();
            local.sort_by(f64::total_cmp);
            let median = local[local.len() / 2];
            (rr[k] - median).abs() > 0.3 * median
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_parse_and_refuse() {
        assert_eq!(Span::parse("120-135.5").unwrap(), Span { start_s: 120.0, end_s: 135.5 });
        for bad in ["120", "a-3", "5-2", "-1-3", "3-3"] {
            assert!(Span::parse(bad).is_err(), "{bad}");
        }
        let s = Span { start_s: 10.0, end_s: 20.0 };
        assert!(s.overlaps(0.0, 10.5) && s.overlaps(19.0, 80.0) && !s.overlaps(20.0, 80.0));
    }

    #[test]
    fn short_gaps_are_interpolated_and_long_ones_refused() {
        // Three invalid samples in a straight line are restored exactly; a 2-sample gap at
        // 100 Hz (0.02 s) passes a 0.05 s limit and a 0.01 s limit refuses it.
        let mut x: Vec<f64> = (0..100).map(|i| 0.5 * f64::from(i)).collect();
        x[10..13].fill(f64::NAN);
        x[50..52].fill(f64::NAN);
        let (filled, spans) = interpolate_gaps(&x, 100.0, 0.05).unwrap();
        for (i, v) in filled.iter().enumerate() {
            assert!((v - 0.5 * i as f64).abs() < 1e-12, "{i}: {v}");
        }
        assert_eq!(spans.len(), 2);
        assert!((spans[0].start_s - 0.09).abs() < 1e-12 && (spans[0].end_s - 0.13).abs() < 1e-12);
        let err = interpolate_gaps(&x, 100.0, 0.025).unwrap_err().to_string();
        assert!(err.contains("0.030 s") && err.contains("--interpolate-gaps"), "{err}");
        let mut edge = x.clone();
        edge[0] = f64::NAN;
        assert!(interpolate_gaps(&edge, 100.0, 1.0).unwrap_err().to_string().contains("start"));
    }

    #[test]
    fn flat_and_clipped_stretches_are_found() {
        // A sine with 2 s of zeros and a stretch held at its maximum.
        let fs = 100.0;
        let mut x: Vec<f64> = (0..3000).map(|i| (f64::from(i) / 17.0).sin()).collect();
        x[1000..1200].fill(0.0);
        x[2000..2010].fill(1.5);
        x[2500..2504].fill(-1.5);
        let flat = flat_spans(&x, fs, 1.0);
        assert_eq!(flat.len(), 1);
        assert!((flat[0].start_s - 10.0).abs() < 0.02 && (flat[0].end_s - 12.0).abs() < 0.02);
        let clipped = clipped_spans(&x, fs);
        assert_eq!(clipped.len(), 2, "{clipped:?}");
        assert!(
            (clipped[0].start_s - 20.0).abs() < 1e-9 && (clipped[1].start_s - 25.0).abs() < 1e-9
        );
        let square: Vec<f64> =
            (0..1000).map(|i| if (i / 50) % 2 == 0 { 1.0 } else { -1.0 }).collect();
        assert!(clipped_spans(&square, fs).is_empty(), "a square wave is not clipping");
    }

    #[test]
    fn rr_outliers_are_the_intervals_far_from_their_median() {
        // Regular 1 s beats with one missed beat (a 2 s interval) and one early beat.
        let mut beats: Vec<f64> = (0..30).map(f64::from).collect();
        beats.remove(10);
        beats.insert(19, 19.4);
        let flags = rr_outliers(&beats);
        let flagged: Vec<usize> = (0..flags.len()).filter(|&k| flags[k]).collect();
        assert_eq!(flagged, vec![9, 18, 19], "the 2 s gap and the 0.4/0.6 s pair");
    }
}
