//! n:m synchronisation of heartbeats with respiration, window by window, with surrogate
//! p-values.
//!
//! The heart is represented by its beats (R-peak times `t_k`, phase `φ₂ = 2πk`), the
//! respiration by the Hilbert phase `φ₁` of the band-passed belt signal (decimated to about
//! 10 Hz). In each window (default 60 s, step 30 s):
//!
//! 1. the measured frequency ratio `f_heart/f_resp` is computed, and the candidate ratios are
//!    the coprime `n:m` with `m ≤ max_m`, `n ≤ max_n` within ±`ratio_tolerance` of it;
//! 2. for each candidate, ρ, λ and γ of `Ψ_k = n·φ₁(t_k) − m·2πk` ([`crate::indices`]) — the
//!    event-sampled phase of the synchrogram (Schäfer et al. 1998, Nature 392:239);
//! 3. the *dominant* ratio is the candidate with the largest γ, and its Stern–Brocot depth is
//!    its level of hierarchy;
//! 4. the statistic `max_candidates γ` is recomputed on S surrogates of the window's
//!    respiration signal (time-shifted by default; Fourier, IAAFT or twin on request), each
//!    going through the same Hilbert transform, so original and surrogates are treated alike;
//!    `p = (1 + #{γ_s ≥ γ})/(1 + S)` — taking the maximum over candidates makes the test honest
//!    about having looked at several ratios;
//! 5. across windows, Benjamini & Hochberg (1995) control the false-discovery rate at `alpha`,
//!    and a window is *significant* only after that correction.
//!
//! Windows with too few beats or breaths get an explicit "not enough data" status instead of
//! numbers. Each window's surrogates draw from `seed.stream("lock/sync/surrogate",
//! [window, s])`, and windows run in parallel, so results are identical for any thread count.

use crate::artefacts::{MarkedSpan, rr_outliers};
use crate::error::{LockError, Result};
use crate::events::check_events;
use crate::farey::{Ratio, gcd};
use crate::indices::{Indices, nm_indices};
use crate::signal::{HilbertPlan, bandpass};
use crate::surrogates::{
    Iaaft, SurrogateKind, TwinOptions, Twins, fourier, p_value, random_shift, shifted,
};
use dgnn_core::angle::unwrap;
use dgnn_core::error::{at_least, in_range, positive};
use dgnn_core::stats::benjamini_hochberg_threshold;
use dgnn_core::{ParamError, ParamGuard, Progress, Seed, StreamRng, Valid, Validate};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::f64::consts::TAU;

/// Parameters of a synchronisation analysis (RON; every field has a default), raw;
/// [`ParamGuard::check`] turns them into the [`Valid<SyncParams>`] that [`analyse`] takes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SyncParams {
    /// Window length in s (default 60).
    pub window_s: f64,
    /// Step between window starts in s (default 30).
    pub step_s: f64,
    /// Largest n of a candidate n:m (default 12).
    pub max_n: u64,
    /// Largest m of a candidate n:m (default 3).
    pub max_m: u64,
    /// Candidates lie within this relative distance of the measured ratio (default 0.25).
    pub ratio_tolerance: f64,
    /// Surrogates per window (default 99; 0 skips the test).
    pub surrogates: usize,
    /// Cap of the sequential test (default 0: off, every window gets exactly `surrogates`).
    /// Above `surrogates`, each window draws surrogates until `exceedances` of them reach its
    /// γ or the cap is reached (Besag & Clifford 1991), so a window near the threshold gets up
    /// to `max_surrogates` and the smallest possible p becomes `1/(max_surrogates + 1)`.
    pub max_surrogates: usize,
    /// Exceedances that end the sequential test (default 10).
    pub exceedances: usize,
    /// The kind of surrogate (default `time-shift`).
    pub surrogate: SurrogateKind,
    /// Smallest lag of a time-shift surrogate in s (default 10).
    pub min_shift_s: f64,
    /// Rounds of IAAFT (default 20: on the belt of biopeaks' OSmontage0J recording the
    /// surrogates' spectra then miss the data's by 0.08 % of the power, against 0.05 % after
    /// 50 rounds and 0.05 % after 100, at two fifths of the cost of 50).
    pub iaaft_iterations: usize,
    /// Embedding of twin surrogates (default dimension 3, delay 10 samples ≈ 1 s at 10 Hz,
    /// recurrence rate 0.1), checked when they are built or read.
    pub twin: Valid<TwinOptions>,
    /// False-discovery rate across windows (default 0.05).
    pub alpha: f64,
    /// Respiration band in Hz (default 0.05–0.7).
    pub resp_band_hz: (f64, f64),
    /// Rate the respiration is decimated to, in Hz (default 10).
    pub resp_rate_hz: f64,
    /// Fewest beats in a window (default 20).
    pub min_beats: usize,
    /// Fewest respiratory cycles in a window (default 3).
    pub min_breaths: f64,
}

impl Default for SyncParams {
    fn default() -> Self {
        Self {
            window_s: 60.0,
            step_s: 30.0,
            max_n: 12,
            max_m: 3,
            ratio_tolerance: 0.25,
            surrogates: 99,
            max_surrogates: 0,
            exceedances: 10,
            surrogate: SurrogateKind::TimeShift,
            min_shift_s: 10.0,
            iaaft_iterations: 20,
            twin: TwinOptions { dimension: 3, delay: 10, recurrence_rate: 0.1 }
                .check()
                .expect("the default twin options are valid"),
            alpha: 0.05,
            resp_band_hz: (0.05, 0.7),
            resp_rate_hz: 10.0,
            min_beats: 20,
            min_breaths: 3.0,
        }
    }
}

impl Validate for SyncParams {
    /// Checks every field (the twin options are checked already).
    fn validate(&self) -> std::result::Result<(), ParamError> {
        positive("window_s", self.window_s)?;
        positive("step_s", self.step_s)?;
        at_least("max_n", self.max_n as usize, 1)?;
        at_least("max_m", self.max_m as usize, 1)?;
        in_range("ratio_tolerance", self.ratio_tolerance, 0.0, 1.0)?;
        positive("min_shift_s", self.min_shift_s)?;
        in_range("alpha", self.alpha, 0.0, 1.0)?;
        positive("resp_rate_hz", self.resp_rate_hz)?;
        positive("resp_band_hz.1", self.resp_band_hz.1)?;
        if !(self.resp_band_hz.0 >= 0.0 && self.resp_band_hz.0 < self.resp_band_hz.1) {
            return Err(ParamError::new(
                "resp_band_hz.0",
                self.resp_band_hz.0,
                "must lie in [0, resp_band_hz.1)",
            ));
        }
        if 1.5 * self.resp_band_hz.1 >= self.resp_rate_hz / 2.0 {
            return Err(ParamError::new(
                "resp_rate_hz",
                self.resp_rate_hz,
                "must exceed 3 × the upper respiration band edge",
            ));
        }
        if self.surrogate == SurrogateKind::TimeShift
            && self.tests_surrogates()
            && 2.0 * self.min_shift_s >= self.window_s
        {
            return Err(ParamError::new(
                "min_shift_s",
                self.min_shift_s,
                "must be less than half the window",
            ));
        }
        at_least("min_beats", self.min_beats, 8)?;
        at_least("exceedances", self.exceedances, 1)?;
        // With N surrogates the smallest p-value is 1/(N + 1): below 1/α − 1 nothing could be
        // significant (0 is allowed: no test at all, said in the verdict).
        if self.max_surrogates == 0
            && self.surrogates > 0
            && 1.0 / (self.surrogates as f64 + 1.0) > self.alpha
        {
            return Err(ParamError::new(
                "surrogates",
                self.surrogates,
                format!(
                    "the smallest p-value is then 1/(surrogates + 1) = {:.3}, above alpha {}, so \
                     no window could be significant: use at least {} (or 0 for no test)",
                    1.0 / (self.surrogates as f64 + 1.0),
                    self.alpha,
                    (1.0 / self.alpha - 1.0).ceil()
                ),
            ));
        }
        if self.max_surrogates > 0 && self.max_surrogates <= self.exceedances {
            return Err(ParamError::new(
                "max_surrogates",
                self.max_surrogates,
                format!(
                    "must exceed exceedances ({}) for a sequential test, or be 0 for a fixed number of surrogates",
                    self.exceedances
                ),
            ));
        }
        Ok(())
    }
}

impl SyncParams {
    /// Whether windows get a surrogate test (a fixed number or a sequential one).
    #[must_use]
    pub fn tests_surrogates(&self) -> bool {
        self.surrogates > 0 || self.max_surrogates > 0
    }

    /// The most surrogates a window can get.
    #[must_use]
    pub fn surrogate_cap(&self) -> usize {
        if self.max_surrogates > 0 { self.max_surrogates } else { self.surrogates }
    }
}

/// A conditional-probability index λ is reported only when the window holds at least this
/// many cycles of the dominant ratio (passes of m breaths). λ asks whether `φ₁ mod 2πm` fixes
/// `φ₂ mod 2πn`; over P passes that holds, with or without locking, whenever the window's
/// frequency ratio lies within about `1/(P·m)` of n/m, because the phases cannot drift apart
/// in so few cycles (15 breaths gave λ = 0.98 for 11:3 at γ = 0.2 in the unlocked control,
/// 5 passes). With 8 passes a detuning of an eighth of a cycle per pass already turns Ψ by a
/// whole cycle.
pub const LAMBDA_MIN_CYCLES: f64 = 8.0;

/// What came of one window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WindowResult {
    /// Window number (0-based).
    pub index: usize,
    /// Start time in s.
    pub start_s: f64,
    /// End time in s.
    pub end_s: f64,
    /// Beats in the window.
    pub beats: usize,
    /// Respiratory cycles in the window (from the phase).
    pub breaths: f64,
    /// Measured `f_heart/f_resp` (0 when not computed).
    pub frequency_ratio: f64,
    /// The candidate with the largest γ and its three indices.
    pub dominant: Option<Indices>,
    /// Stern–Brocot depth of the dominant ratio.
    pub depth: Option<u64>,
    /// Surrogate p-value of `max γ` (None without surrogates or data).
    pub p_value: Option<f64>,
    /// Surrogates drawn for the p-value (fewer than the cap when a sequential test stopped).
    pub surrogates: usize,
    /// Cycles of the dominant ratio in the window, `breaths / m` (see
    /// [`LAMBDA_MIN_CYCLES`]); 0 when not analysed.
    pub ratio_cycles: f64,
    /// RR intervals in the window outside ±30 % of their local median
    /// ([`crate::artefacts::rr_outliers`]).
    pub rr_outliers: usize,
    /// Interpolated or clipped spans the window overlaps (it was analysed, its timing there is
    /// approximate).
    pub flags: Vec<String>,
    /// Significant after the Benjamini–Hochberg correction across windows.
    pub significant: bool,
    /// Why the window was not analysed (None when it was).
    pub not_enough_data: Option<String>,
}

impl WindowResult {
    /// λ of the dominant ratio, when the window holds enough of its cycles to make it
    /// meaningful ([`LAMBDA_MIN_CYCLES`]).
    #[must_use]
    pub fn lambda(&self) -> Option<f64> {
        self.dominant.filter(|_| self.ratio_cycles >= LAMBDA_MIN_CYCLES).map(|d| d.lambda)
    }
}

/// The whole analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncAnalysis {
    /// One result per window, in time order.
    pub windows: Vec<WindowResult>,
    /// Respiratory phase (rad, unwrapped, whole record) at each beat; `None` near the ends.
    pub resp_phase_at_beats: Vec<Option<f64>>,
    /// The beat times analysed (s).
    pub beats: Vec<f64>,
    /// The Benjamini–Hochberg p-value threshold that was applied (None when nothing passed).
    pub p_threshold: Option<f64>,
}

impl SyncAnalysis {
    /// Windows that were analysed.
    pub fn analysed(&self) -> impl Iterator<Item = &WindowResult> {
        self.windows.iter().filter(|w| w.dominant.is_some())
    }

    /// How often each ratio was dominant among the analysed windows, most frequent first.
    #[must_use]
    pub fn dominant_ratio_counts(&self) -> Vec<(Ratio, usize)> {
        ratio_counts(self.analysed())
    }

    /// How often each ratio was dominant among the significant windows (after the
    /// false-discovery correction), most frequent first.
    #[must_use]
    pub fn significant_ratio_counts(&self) -> Vec<(Ratio, usize)> {
        ratio_counts(self.analysed().filter(|w| w.significant))
    }

    /// The number of respiratory cycles m a synchrogram should wrap over: the denominator
    /// most common among the analysed windows' dominant ratios (denominators above 3 count
    /// as 3; ties go to the smaller m; 1 when nothing was analysed).
    #[must_use]
    pub fn synchrogram_cycles(&self) -> u64 {
        let mut by_m = [0usize; 4];
        for dominant in self.analysed().filter_map(|w| w.dominant.as_ref()) {
            by_m[dominant.ratio.denom().min(3) as usize] += 1;
        }
        let mut most_common = 1;
        for m in 2..4 {
            if by_m[m] > by_m[most_common] {
                most_common = m;
            }
        }
        most_common as u64
    }

    /// The headline figures of the analysis of a record lasting `duration_s` in which
    /// `breaths` breaths were detected, with its verdict at false-discovery rate `alpha`.
    #[must_use]
    pub fn summary(&self, breaths: usize, duration_s: f64, alpha: f64) -> SyncSummary {
        let analysed = self.analysed().count();
        let significant = self.windows.iter().filter(|w| w.significant).count();
        let significant_raw =
            self.windows.iter().filter(|w| w.p_value.is_some_and(|p| p <= alpha)).count();
        let counts = self.significant_ratio_counts();
        let beats = self.beats.len();
        let verdict = if analysed == 0 {
            "not enough data: no window could be analysed".to_string()
        } else if self.analysed().all(|w| w.p_value.is_none()) {
            // Issue 14: without surrogates nothing can be significant; say so instead of
            // reporting "no significant locking".
            format!(
                "not tested: no surrogates were drawn in {analysed} windows (surrogates 0), and \
                 the indices alone cannot tell locking from chance"
            )
        } else if significant == 0 {
            format!(
                "no significant n:m locking in any of {analysed} windows (false-discovery rate {alpha})"
            )
        } else if 2 * significant >= analysed {
            format!(
                "sustained locking: {significant} of {analysed} windows significant, mostly {}",
                counts.first().map(|c| c.0.colon()).unwrap_or_default()
            )
        } else {
            format!(
                "episodic locking: {significant} of {analysed} windows significant (false-discovery rate {alpha})"
            )
        };
        let most_surrogates = self.analysed().map(|w| w.surrogates).max().unwrap_or(0);
        let smallest_p = (most_surrogates > 0).then(|| 1.0 / (most_surrogates + 1) as f64);
        SyncSummary {
            duration_s,
            beats,
            breaths,
            heart_rate_per_min: beats as f64 / duration_s * 60.0,
            breathing_rate_per_min: breaths as f64 / duration_s * 60.0,
            beats_per_breath: if breaths > 0 { beats as f64 / breaths as f64 } else { f64::NAN },
            windows: self.windows.len(),
            windows_analysed: analysed,
            windows_significant: significant,
            windows_significant_uncorrected: significant_raw,
            alpha,
            p_threshold: self.p_threshold,
            smallest_possible_p: smallest_p,
            fdr_power: smallest_p.and_then(|p| fdr_power_note(p, analysed, alpha)),
            significant_ratios: counts.iter().map(|(r, c)| (r.colon(), *c)).collect(),
            verdict,
            warnings: Vec::new(),
        }
    }
}

/// When the smallest attainable p-value `smallest_p` keeps Benjamini–Hochberg at `alpha` over
/// `windows` windows from passing a lone window (`smallest_p > alpha/windows`), how many
/// windows must reach it together and how many surrogates a lone window would need.
fn fdr_power_note(smallest_p: f64, windows: usize, alpha: f64) -> Option<String> {
    let lone = alpha / windows as f64;
    if windows == 0 || smallest_p <= lone {
        return None;
    }
    let together = (smallest_p * windows as f64 / alpha).ceil() as usize;
    let needed = (1.0 / lone).ceil() as usize;
    Some(format!(
        "with at most {} surrogates per window the smallest p is {smallest_p:.4}, above α/windows = {lone:.5}: \
         the false-discovery correction can pass windows only when at least {together} of the {windows} reach it together, \
         so short episodes cannot be detected; --max-surrogates {needed} (a sequential test) lets a lone window pass",
        (1.0 / smallest_p).round() as usize - 1
    ))
}

/// A named finding of the plausibility checks ([`crate::plausibility`]): a stable code for
/// programs and a sentence with the numbers for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    /// A stable kebab-case name (e.g. `heart-rate`, `channels-swapped`).
    pub code: String,
    /// What was found, with its numbers, and what to do.
    pub message: String,
}

/// The headline figures of a synchronisation analysis (what `dgnn sync` reports).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncSummary {
    /// Length of the record in s.
    pub duration_s: f64,
    /// Beats analysed.
    pub beats: usize,
    /// Breaths detected (inspiration onsets in the respiration signal; the windows count
    /// respiratory cycles of the Hilbert phase instead, which also counts shallow breaths the
    /// onset detector's hysteresis skips).
    pub breaths: usize,
    /// Beats per minute over the whole record.
    pub heart_rate_per_min: f64,
    /// Breaths per minute over the whole record.
    pub breathing_rate_per_min: f64,
    /// Beats per breath (NaN without breaths).
    pub beats_per_breath: f64,
    /// Windows in the record.
    pub windows: usize,
    /// Windows with enough data to analyse.
    pub windows_analysed: usize,
    /// Windows significant after the false-discovery correction.
    pub windows_significant: usize,
    /// Windows with `p ≤ alpha` before any correction (a count to read against the
    /// `alpha × windows` expected by chance, not a discovery).
    pub windows_significant_uncorrected: usize,
    /// The false-discovery rate of the correction.
    pub alpha: f64,
    /// The Benjamini–Hochberg p-value threshold applied (None when nothing passed).
    pub p_threshold: Option<f64>,
    /// The smallest p-value the surrogates allow, `1/(S + 1)` (None without surrogates).
    pub smallest_possible_p: Option<f64>,
    /// Why the false-discovery correction cannot pass a lone window with these surrogates,
    /// when it cannot.
    pub fdr_power: Option<String>,
    /// Dominant ratios of the significant windows (`n:m`) with their counts, most frequent
    /// first.
    pub significant_ratios: Vec<(String, usize)>,
    /// The verdict in one line: not enough data, no locking, sustained locking (at least
    /// half the analysed windows significant) or episodic locking.
    pub verdict: String,
    /// What the plausibility checks found (empty when the input looks like heartbeat and
    /// respiration at the stated rate).
    pub warnings: Vec<Warning>,
}

/// The dominant ratios of `windows` with their counts, most frequent first (ties: smaller
/// ratio first).
fn ratio_counts<'a>(windows: impl Iterator<Item = &'a WindowResult>) -> Vec<(Ratio, usize)> {
    let mut counts: Vec<(Ratio, usize)> = Vec::new();
    for dominant in windows.filter_map(|w| w.dominant.as_ref()) {
        match counts.iter_mut().find(|(r, _)| *r == dominant.ratio) {
            Some(entry) => entry.1 += 1,
            None => counts.push((dominant.ratio, 1)),
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    counts
}

/// Synchrogram points `(t_k, (φ_r(t_k) mod 2πm)/2π)` for `m` respiratory cycles (Schäfer et
/// al. 1998): n horizontal bands reveal n:m locking.
#[must_use]
pub fn synchrogram(beats: &[f64], resp_phase_at_beats: &[Option<f64>], m: u64) -> Vec<(f64, f64)> {
    let period = TAU * m.max(1) as f64;
    beats
        .iter()
        .zip(resp_phase_at_beats)
        .filter_map(|(&t, phase)| phase.map(|p| (t, p.rem_euclid(period) / TAU)))
        .collect()
}

/// Linear interpolation of a sampled phase at time `t` (s from the start of `phase`).
fn phase_at(phase: &[f64], rate_hz: f64, t: f64) -> Option<f64> {
    let x = t * rate_hz;
    if x < 0.0 || x > (phase.len() - 1) as f64 {
        return None;
    }
    let i = (x.floor() as usize).min(phase.len() - 2);
    let f = x - i as f64;
    Some(phase[i] * (1.0 - f) + phase[i + 1] * f)
}

/// The coprime `n:m` (`n ≤ max_n`, `m ≤ max_m`) within the relative tolerance of a measured
/// frequency ratio whose locking cycle (`m` breaths) the window holds at least `min_breaths`
/// times; or why there is none, as the window's note.
fn candidate_ratios(
    measured: f64,
    breaths: f64,
    params: &SyncParams,
) -> Result<std::result::Result<Vec<Ratio>, String>> {
    let mut near = Vec::new();
    for m in 1..=params.max_m {
        for n in 1..=params.max_n {
            let distance = ((n as f64 / m as f64) - measured).abs();
            if gcd(n, m) == 1 && distance <= params.ratio_tolerance * measured {
                near.push(Ratio::new(n, m)?);
            }
        }
    }
    if near.is_empty() {
        return Ok(Err(format!(
            "no ratio: the measured {measured:.2} beats per breath has no n:m with n ≤ {}, m ≤ {} within {} %",
            params.max_n,
            params.max_m,
            100.0 * params.ratio_tolerance
        )));
    }
    let admissible: Vec<Ratio> =
        near.iter().copied().filter(|r| breaths >= params.min_breaths * r.denom() as f64).collect();
    if admissible.is_empty() {
        return Ok(Err(format!(
            "not enough cycles: {breaths:.1} breaths hold fewer than {} cycles of {}",
            params.min_breaths,
            near.iter().map(|r| r.colon()).collect::<Vec<_>>().join(", ")
        )));
    }
    Ok(Ok(admissible))
}

/// The indices of the candidate with the largest γ (ties go to the shallower ratio).
fn dominant_candidate(phi1: &[f64], phi2: &[f64], candidates: &[Ratio]) -> Result<Indices> {
    let mut best: Option<Indices> = None;
    for r in candidates {
        let indices = nm_indices(phi1, phi2, r.numer(), r.denom())?;
        let better = match &best {
            None => true,
            Some(b) => {
                indices.gamma > b.gamma
                    || (indices.gamma >= b.gamma && indices.ratio.depth() < b.ratio.depth())
            }
        };
        if better {
            best = Some(indices);
        }
    }
    best.ok_or_else(|| LockError::NotEnoughData("no candidate ratio".into()))
}

/// The respiration as every window sees it: band-passed, decimated to `rate_hz`, with a
/// Hilbert plan of one window's length.
struct Respiration {
    decimated: Vec<f64>,
    rate_hz: f64,
    window_len: usize,
    plan: HilbertPlan,
}

/// Runs the analysis on beat times (s), a respiration signal and its sampling rate.
/// `progress` counts windows.
pub fn analyse(
    beats: &[f64],
    resp: &[f64],
    fs_hz: f64,
    params: &Valid<SyncParams>,
    seed: Seed,
    progress: &dyn Progress,
) -> Result<SyncAnalysis> {
    analyse_marked(beats, resp, fs_hz, &[], params, seed, progress)
}

/// [`analyse`] with marked spans ([`crate::artefacts`]): a window overlapping an excluded or
/// flat span is skipped, with the span in its note; one overlapping an interpolated or clipped
/// span is analysed and carries it in its flags. Beats inside skipping spans are left out.
pub fn analyse_marked(
    beats: &[f64],
    resp: &[f64],
    fs_hz: f64,
    spans: &[MarkedSpan],
    params: &Valid<SyncParams>,
    seed: Seed,
    progress: &dyn Progress,
) -> Result<SyncAnalysis> {
    positive("fs_hz", fs_hz)?;
    check_events("beats", beats)?;
    let duration = resp.len() as f64 / fs_hz;
    if duration < params.window_s {
        return Err(LockError::NotEnoughData(format!(
            "the record lasts {duration:.1} s, shorter than one window of {} s",
            params.window_s
        )));
    }
    let skipped = |t: f64| spans.iter().any(|s| s.kind.skips_windows() && s.span.contains(t));
    let beats: Vec<f64> = beats.iter().copied().filter(|&t| !skipped(t)).collect();
    let outliers = rr_outliers(&beats);
    let filtered = bandpass(resp, fs_hz, params.resp_band_hz.0, params.resp_band_hz.1)?;
    let factor = ((fs_hz / params.resp_rate_hz).round() as usize).max(1);
    let rate_hz = fs_hz / factor as f64;
    let decimated: Vec<f64> = filtered.iter().step_by(factor).copied().collect();
    let whole_phase = HilbertPlan::new(decimated.len())?.unwrapped_phase(&decimated)?;
    // The whole-record phase is for the synchrogram; the first and last 5 s are left out
    // (edge effects of the transform).
    let resp_phase_at_beats =
        beats
            .iter()
            .map(|&t| {
                if t < 5.0 || t > duration - 5.0 {
                    None
                } else {
                    phase_at(&whole_phase, rate_hz, t)
                }
            })
            .collect();
    let starts: Vec<f64> = (0..)
        .map(|i| i as f64 * params.step_s)
        .take_while(|s| s + params.window_s <= duration + 1e-9)
        .collect();
    let window_len = (params.window_s * rate_hz).round() as usize;
    let respiration =
        Respiration { decimated, rate_hz, window_len, plan: HilbertPlan::new(window_len)? };
    let record = Record { beats: &beats, rr_outliers: &outliers, spans, respiration: &respiration };
    progress.start(starts.len() as u64, "windows");
    let windows: Vec<WindowResult> = starts
        .par_iter()
        .enumerate()
        .map(|(index, &start_s)| {
            let out = analyse_window(index, start_s, &record, params, seed);
            progress.advance(1);
            out
        })
        .collect::<Result<Vec<_>>>()?;
    progress.finish();
    let mut analysis = SyncAnalysis { windows, resp_phase_at_beats, beats, p_threshold: None };
    mark_significant(&mut analysis, params.alpha);
    Ok(analysis)
}

/// What every window reads: the beats, which RR intervals are outliers, the marked spans and
/// the prepared respiration.
struct Record<'a> {
    beats: &'a [f64],
    rr_outliers: &'a [bool],
    spans: &'a [MarkedSpan],
    respiration: &'a Respiration,
}

/// Marks windows significant under the Benjamini–Hochberg procedure at level `alpha`.
fn mark_significant(analysis: &mut SyncAnalysis, alpha: f64) {
    let p_values: Vec<f64> = analysis.windows.iter().filter_map(|w| w.p_value).collect();
    let threshold = benjamini_hochberg_threshold(&p_values, alpha);
    analysis.p_threshold = threshold;
    for w in &mut analysis.windows {
        w.significant = matches!((w.p_value, threshold), (Some(p), Some(t)) if p <= t);
    }
}

/// Window `index` starting at `start_s`: its beats and breaths, the measured frequency ratio,
/// the dominant candidate, and the surrogate p-value of its γ — or why it was not analysed.
fn analyse_window(
    index: usize,
    start_s: f64,
    record: &Record<'_>,
    params: &SyncParams,
    seed: Seed,
) -> Result<WindowResult> {
    let (beats, respiration) = (record.beats, record.respiration);
    let end_s = start_s + params.window_s;
    let first = (start_s * respiration.rate_hz).round() as usize;
    let last = (first + respiration.window_len).min(respiration.decimated.len());
    let segment = &respiration.decimated[first..last];
    let (beat_lo, beat_hi) =
        (beats.partition_point(|&t| t < start_s), beats.partition_point(|&t| t < end_s));
    let in_window = &beats[beat_lo..beat_hi];
    let overlapping: Vec<&MarkedSpan> =
        record.spans.iter().filter(|s| s.span.overlaps(start_s, end_s)).collect();
    let mut result = WindowResult {
        index,
        start_s,
        end_s,
        beats: in_window.len(),
        breaths: 0.0,
        frequency_ratio: 0.0,
        dominant: None,
        depth: None,
        p_value: None,
        surrogates: 0,
        ratio_cycles: 0.0,
        rr_outliers: record
            .rr_outliers
            .get(beat_lo..beat_hi.saturating_sub(1).max(beat_lo))
            .map_or(0, |flags| flags.iter().filter(|&&f| f).count()),
        flags: summarised_flags(&overlapping),
        significant: false,
        not_enough_data: None,
    };
    if let Some(skip) = overlapping.iter().find(|s| s.kind.skips_windows()) {
        result.not_enough_data = Some(format!("skipped: overlaps {}", skip.describe()));
        return Ok(result);
    }
    if segment.len() < respiration.window_len {
        result.not_enough_data = Some("window runs past the end of the record".into());
        return Ok(result);
    }
    let phase = respiration.plan.unwrapped_phase(segment)?;
    result.breaths = (phase[phase.len() - 1] - phase[0]) / TAU;
    if in_window.len() < params.min_beats || result.breaths < params.min_breaths {
        result.not_enough_data = Some(format!(
            "not enough cycles: {} beats and {:.1} breaths; at least {} beats and {} breaths are needed",
            in_window.len(),
            result.breaths,
            params.min_beats,
            params.min_breaths
        ));
        return Ok(result);
    }
    let f_heart = (in_window.len() - 1) as f64 / (in_window[in_window.len() - 1] - in_window[0]);
    let f_resp = result.breaths / params.window_s;
    result.frequency_ratio = f_heart / f_resp;
    let candidates = match candidate_ratios(result.frequency_ratio, result.breaths, params)? {
        Ok(candidates) => candidates,
        Err(note) => {
            result.not_enough_data = Some(note);
            return Ok(result);
        }
    };
    let beat_phases = BeatPhases {
        beats: in_window,
        start_s,
        rate_hz: respiration.rate_hz,
        heart: (0..in_window.len()).map(|k| TAU * k as f64).collect(),
        candidates,
    };
    let dominant = beat_phases.dominant(&phase)?;
    result.depth = dominant.ratio.depth();
    result.ratio_cycles = result.breaths / dominant.ratio.denom() as f64;
    result.dominant = Some(dominant);
    if params.tests_surrogates() {
        let source = SurrogateSource::new(segment, respiration, params)?;
        let gamma_of = |s: usize| -> Result<f64> {
            let mut rng = seed.stream("lock/sync/surrogate", &[index as u64, s as u64]);
            let surrogate = source.phase(&phase, segment, respiration, &mut rng)?;
            Ok(beat_phases.dominant(&surrogate)?.gamma)
        };
        let (p, drawn) = surrogate_p_value(dominant.gamma, params, gamma_of)?;
        result.p_value = Some(p);
        result.surrogates = drawn;
    }
    Ok(result)
}

/// One flag per kind and channel of the flagging spans a window overlaps: the span itself
/// when it is alone, else how many and how long in all.
fn summarised_flags(overlapping: &[&MarkedSpan]) -> Vec<String> {
    let mut groups: Vec<Vec<&MarkedSpan>> = Vec::new();
    for span in overlapping.iter().copied().filter(|s| !s.kind.skips_windows()) {
        match groups.iter_mut().find(|g| g[0].kind == span.kind && g[0].channel == span.channel) {
            Some(group) => group.push(span),
            None => groups.push(vec![span]),
        }
    }
    groups
        .iter()
        .map(|group| match group.as_slice() {
            [one] => one.describe(),
            many => {
                let total: f64 = many.iter().map(|s| s.span.end_s - s.span.start_s).sum();
                let channel =
                    many[0].channel.as_ref().map(|c| format!(" in `{c}`")).unwrap_or_default();
                format!("{} ×{} ({total:.2} s){channel}", many[0].kind.name(), many.len())
            }
        })
        .collect()
}

/// The surrogate p-value of `observed` and the number of surrogates drawn. With
/// `max_surrogates = 0`, exactly `surrogates` are drawn and `p = (1 + #{γ_s ≥ γ})/(1 + S)`.
/// Otherwise the sequential test of Besag & Clifford (1991, Biometrika 78:301) draws until
/// `h = exceedances` surrogates reach `observed` (then `p = h/L` after `L` draws) or
/// `max_surrogates` are drawn (then `p = (1 + #)/(1 + max_surrogates)`); both are valid
/// p-values, and a window far from significance stops after about `h/p` draws.
fn surrogate_p_value(
    observed: f64,
    params: &SyncParams,
    mut gamma_of: impl FnMut(usize) -> Result<f64>,
) -> Result<(f64, usize)> {
    if params.max_surrogates == 0 {
        let gammas = (0..params.surrogates).map(&mut gamma_of).collect::<Result<Vec<f64>>>()?;
        return Ok((p_value(observed, &gammas), params.surrogates));
    }
    let mut exceed = 0;
    for s in 0..params.max_surrogates {
        if gamma_of(s)? >= observed {
            exceed += 1;
            if exceed == params.exceedances {
                return Ok((exceed as f64 / (s + 1) as f64, s + 1));
            }
        }
    }
    Ok(((1 + exceed) as f64 / (1 + params.max_surrogates) as f64, params.max_surrogates))
}

/// A window's beats, their heart phases `2πk`, and the candidate ratios: what the original
/// respiration phase and each surrogate's are compared with.
struct BeatPhases<'a> {
    beats: &'a [f64],
    start_s: f64,
    rate_hz: f64,
    heart: Vec<f64>,
    candidates: Vec<Ratio>,
}

impl BeatPhases<'_> {
    /// The window's respiration phase `resp_phase` (sampled at `rate_hz` from the window
    /// start) at each beat; a beat past its last sample takes the last value.
    fn resp_at_beats(&self, resp_phase: &[f64]) -> Vec<f64> {
        self.beats
            .iter()
            .map(|&t| {
                phase_at(resp_phase, self.rate_hz, t - self.start_s)
                    .unwrap_or(resp_phase[resp_phase.len() - 1])
            })
            .collect()
    }

    /// The dominant candidate for the window's respiration phase `resp_phase`.
    fn dominant(&self, resp_phase: &[f64]) -> Result<Indices> {
        dominant_candidate(&self.resp_at_beats(resp_phase), &self.heart, &self.candidates)
    }
}

/// Where a window's surrogate respiration phases come from.
enum SurrogateSource {
    /// The window's phase shifted cyclically by at least `min_shift` samples.
    TimeShift { min_shift: usize },
    /// Fourier phase-randomised respiration.
    Fourier,
    /// IAAFT respiration (prepared once per window: sorted values, amplitudes, FFT plans).
    Iaaft(Iaaft),
    /// Twin surrogates of the window's embedding.
    Twin(Twins),
}

impl SurrogateSource {
    /// The source `params.surrogate` asks for, prepared for one window's `segment`.
    fn new(segment: &[f64], respiration: &Respiration, params: &SyncParams) -> Result<Self> {
        Ok(match params.surrogate {
            SurrogateKind::TimeShift => Self::TimeShift {
                min_shift: ((params.min_shift_s * respiration.rate_hz).round() as usize).max(1),
            },
            SurrogateKind::Fourier => Self::Fourier,
            SurrogateKind::Iaaft => Self::Iaaft(Iaaft::new(segment, params.iaaft_iterations)?),
            SurrogateKind::Twin => Self::Twin(Twins::new(segment, &params.twin)?),
        })
    }

    /// One surrogate's unwrapped respiration phase, from the window's `phase` and `segment`.
    fn phase(
        &self,
        phase: &[f64],
        segment: &[f64],
        respiration: &Respiration,
        rng: &mut StreamRng,
    ) -> Result<Vec<f64>> {
        let plan = &respiration.plan;
        match self {
            Self::TimeShift { min_shift } => {
                let shift = random_shift(respiration.window_len, *min_shift, rng)?;
                // The shifted phase jumps at the seam of the cyclic shift: unwrap it again.
                Ok(unwrap(&shifted(phase, shift)))
            }
            Self::Fourier => plan.unwrapped_phase(&fourier(segment, rng)?),
            Self::Iaaft(iaaft) => plan.unwrapped_phase(&iaaft.surrogate(rng)),
            Self::Twin(twins) => {
                plan.unwrapped_phase(&twins.surrogate(respiration.window_len, rng))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::ControlParams;
    use dgnn_core::NoProgress;

    fn run(control: &ControlParams, seed: u64, surrogates: usize) -> SyncAnalysis {
        let c = control.generate(Seed(seed)).unwrap();
        let params = SyncParams { surrogates, ..SyncParams::default() }.check().unwrap();
        analyse(&c.beats, &c.resp, c.fs_hz, &params, Seed(seed), &NoProgress).unwrap()
    }

    #[test]
    fn positive_controls_are_told_apart() {
        // Quiet regime: detuning inside the locking range (δ = 0.3 < ε = 0.8) and weak noise
        // (Q = 0.02): the tilted-Adler barrier ΔU = 2 sqrt(ε² − δ²) − δ(π − 2 arcsin(δ/ε)) = 0.77
        // gives a Kramers slip rate ≈ 0.12·exp(−2ΔU/Q) ≈ 1e-34 /s, so every window is 3:1 locked and
        // must come out significant (p = 1/40, the smallest possible with 39 surrogates) with
        // dominant ratio 3:1 (depth 2). Active regime: δ = 1.2 > ε = 0.5 and Q = 0.2: Ψ drifts
        // at ≈ sqrt(δ² − ε²) = 1.09 rad/s, so no window may be significant, and the dominant
        // ratios must spread over deeper Farey levels (7:2, 11:3, 4:1 …).
        let quiet = run(&ControlParams::quiet(), 7, 39);
        let analysed: Vec<&WindowResult> = quiet.analysed().collect();
        assert!(analysed.len() >= 18);
        for w in &analysed {
            assert!(w.significant, "quiet window at {} s: {w:?}", w.start_s);
            assert_eq!(w.dominant.map(|d| d.ratio), Some(Ratio::integer(3)));
            assert_eq!(w.depth, Some(2));
        }
        let locked = vec![(Ratio::integer(3), analysed.len())];
        assert_eq!(quiet.significant_ratio_counts(), locked);
        assert_eq!(quiet.dominant_ratio_counts(), locked);
        let active = run(&ControlParams::active(), 7, 39);
        let analysed: Vec<&WindowResult> = active.analysed().collect();
        assert!(analysed.iter().all(|w| !w.significant));
        assert!(active.significant_ratio_counts().is_empty());
        let counts = active.dominant_ratio_counts();
        assert_eq!(counts.iter().map(|c| c.1).sum::<usize>(), analysed.len());
        assert!(counts.windows(2).all(|pair| pair[0].1 >= pair[1].1), "most frequent first");
        let deeper = analysed.iter().filter(|w| w.depth.is_some_and(|d| d > 2)).count();
        assert!(
            deeper * 3 >= analysed.len(),
            "{deeper} of {} windows deeper than 3:1",
            analysed.len()
        );
        // The measured ratio follows the noisy Adler drift of dgnn-dynamics' exact stationary
        // solution: f_h/f_r = 3 + ⟨dψ/dt⟩/ω_b. Over 600 s the breathing diffusion (D_b = 0.02)
        // and the heart's phase noise blur the ratio by ≈ 0.025 (s.d.); tolerance 0.1.
        let c = ControlParams::active();
        let drift = dgnn_dynamics::landscape::mean_frequency(
            &dgnn_dynamics::TiltedHkb::new(c.coupling, 0.0, c.detuning).unwrap(),
            c.noise,
        )
        .unwrap();
        let expected = 3.0 + drift / (TAU * c.f_resp_hz);
        let mean_ratio =
            analysed.iter().map(|w| w.frequency_ratio).sum::<f64>() / analysed.len() as f64;
        assert!((mean_ratio - expected).abs() < 0.1, "{mean_ratio} vs {expected}");
    }

    /// One 60 s window of independent signals: a stationary Gaussian breathing-band process
    /// (random-phase Fourier series, spectral peak 0.25 Hz, s.d. 0.04 Hz) at 10 Hz, and beats of
    /// a renewal process with RR ~ U(0.75, 1.05) s.
    fn null_window(seed: u64) -> (Vec<f64>, Vec<f64>) {
        let mut rng = Seed(seed).stream("test/null", &[]);
        let (n, fs) = (600usize, 10.0);
        let mut x = vec![0.0; n];
        for k in 1..n / 2 {
            let f = k as f64 * fs / n as f64;
            let amp = (-0.5 * ((f - 0.25) / 0.04).powi(2)).exp();
            let phase = TAU * rand::RngExt::random::<f64>(&mut rng);
            for (i, v) in x.iter_mut().enumerate() {
                *v += amp * (TAU * k as f64 * i as f64 / n as f64 + phase).cos();
            }
        }
        let mut beats = Vec::new();
        let mut t = 0.9 * rand::RngExt::random::<f64>(&mut rng);
        while t < 60.0 {
            beats.push(t);
            t += 0.75 + 0.3 * rand::RngExt::random::<f64>(&mut rng);
        }
        (beats, x)
    }

    #[test]
    fn surrogate_p_values_are_uniform_under_the_null() {
        // With signals independent by construction, p = (1 + #{γ_s ≥ γ})/(1 + S) is uniform on
        // {1/20, …, 1} for S = 19 when original and surrogates are exchangeable (exact for
        // time shifts and Fourier surrogates of a stationary Gaussian process; approximate for
        // IAAFT and twins). Kolmogorov–Smirnov on R = 200 windows: D = max_j |F̂(j/20) − j/20|
        // must stay below 1.63/sqrt(R) = 0.115 (the 1% critical value; conservative on a grid).
        let r = 200;
        for kind in [
            SurrogateKind::TimeShift,
            SurrogateKind::Fourier,
            SurrogateKind::Iaaft,
            SurrogateKind::Twin,
        ] {
            let params = SyncParams {
                window_s: 60.0,
                step_s: 60.0,
                surrogates: 19,
                surrogate: kind,
                iaaft_iterations: 20,
                ..SyncParams::default()
            }
            .check()
            .unwrap();
            let ps: Vec<f64> = (0..r)
                .map(|i| {
                    let (beats, resp) = null_window(1000 + i);
                    let a = analyse(&beats, &resp, 10.0, &params, Seed(i), &NoProgress).unwrap();
                    a.windows[0].p_value.unwrap()
                })
                .collect();
            let d = (1..=20)
                .map(|j| {
                    let level = j as f64 / 20.0;
                    let below =
                        ps.iter().filter(|&&p| p <= level + 1e-12).count() as f64 / r as f64;
                    (below - level).abs()
                })
                .fold(0.0, f64::max);
            println!(
                "{kind}: D = {d:.3}, share p ≤ 0.05 = {}",
                ps.iter().filter(|&&p| p <= 0.05 + 1e-12).count() as f64 / r as f64
            );
            assert!(d < 0.115, "{kind}: KS distance {d}");
        }
    }

    #[test]
    fn results_do_not_depend_on_the_thread_count() {
        let c = ControlParams { duration_s: 200.0, ..ControlParams::active() }
            .generate(Seed(3))
            .unwrap();
        let params = SyncParams { surrogates: 19, ..SyncParams::default() }.check().unwrap();
        let go = |threads| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            pool.install(|| {
                analyse(&c.beats, &c.resp, c.fs_hz, &params, Seed(5), &NoProgress).unwrap()
            })
        };
        let one = go(1);
        assert_eq!(one, go(2));
        assert_eq!(one, go(8));
    }

    #[test]
    fn sparse_or_bad_data_is_reported() {
        let c = ControlParams { duration_s: 130.0, ..ControlParams::quiet() }
            .generate(Seed(4))
            .unwrap();
        // Beats only in the first 20 s: later windows say why they were not analysed.
        let few: Vec<f64> = c.beats.iter().copied().filter(|&t| t < 20.0).collect();
        let params = SyncParams { surrogates: 0, ..SyncParams::default() }.check().unwrap();
        let a = analyse(&few, &c.resp, c.fs_hz, &params, Seed(1), &NoProgress).unwrap();
        assert!(a.windows.iter().all(|w| w.dominant.is_none() && w.not_enough_data.is_some()));
        let short = &c.resp[..(30.0 * c.fs_hz) as usize];
        assert!(matches!(
            analyse(&c.beats, short, c.fs_hz, &params, Seed(1), &NoProgress),
            Err(LockError::NotEnoughData(_))
        ));
        assert!(analyse(&[2.0, 1.0], &c.resp, c.fs_hz, &params, Seed(1), &NoProgress).is_err());
        assert!(analyse(&c.beats, &c.resp, 0.0, &params, Seed(1), &NoProgress).is_err());
        let bad = SyncParams { window_s: 15.0, surrogates: 9, ..SyncParams::default() };
        assert!(bad.check().is_err(), "time shifts of ≥ 10 s need windows longer than 20 s");
        let mut nan = c.resp.clone();
        nan[100] = f64::NAN;
        assert!(analyse(&c.beats, &nan, c.fs_hz, &params, Seed(1), &NoProgress).is_err());
    }

    /// An analysis made of the given windows (dominant ratio and significance), for the
    /// summary's bookkeeping.
    fn windows_of(dominant: &[(Option<(u64, u64)>, bool)]) -> SyncAnalysis {
        let windows = dominant
            .iter()
            .enumerate()
            .map(|(index, &(ratio, significant))| WindowResult {
                index,
                start_s: 30.0 * index as f64,
                end_s: 30.0 * index as f64 + 60.0,
                beats: 70,
                breaths: 15.0,
                frequency_ratio: 3.0,
                dominant: ratio.map(|(n, m)| Indices {
                    ratio: Ratio::new(n, m).unwrap(),
                    rho: 0.5,
                    lambda: 0.5,
                    gamma: 0.5,
                    samples: 70,
                }),
                depth: None,
                p_value: ratio.map(|_| if significant { 0.01 } else { 0.5 }),
                surrogates: 99,
                ratio_cycles: 15.0,
                rr_outliers: 0,
                flags: Vec::new(),
                significant,
                not_enough_data: None,
            })
            .collect();
        SyncAnalysis {
            windows,
            resp_phase_at_beats: vec![],
            beats: vec![1.0; 600],
            p_threshold: Some(0.01),
        }
    }

    #[test]
    fn summary_counts_windows_and_gives_the_verdict() {
        // 600 beats and 200 breaths over 300 s: 120 beats and 40 breaths per minute, 3 per breath.
        let sustained = windows_of(&[
            (Some((3, 1)), true),
            (Some((3, 1)), true),
            (Some((7, 2)), true),
            (Some((7, 2)), false),
            (None, false),
        ])
        .summary(200, 300.0, 0.05);
        assert_eq!(
            (sustained.windows, sustained.windows_analysed, sustained.windows_significant),
            (5, 4, 3)
        );
        assert!((sustained.heart_rate_per_min - 120.0).abs() < 1e-12);
        assert!((sustained.breathing_rate_per_min - 40.0).abs() < 1e-12);
        assert!((sustained.beats_per_breath - 3.0).abs() < 1e-12);
        assert_eq!(
            sustained.significant_ratios,
            vec![("3:1".to_string(), 2), ("7:2".to_string(), 1)]
        );
        assert!(
            sustained.verdict.starts_with("sustained locking: 3 of 4")
                && sustained.verdict.ends_with("3:1")
        );
        let episodic =
            windows_of(&[(Some((3, 1)), true), (Some((4, 1)), false), (Some((4, 1)), false)]);
        assert!(episodic.summary(1, 60.0, 0.05).verdict.starts_with("episodic locking: 1 of 3"));
        let none = windows_of(&[(Some((3, 1)), false)]).summary(0, 60.0, 0.1);
        assert_eq!(
            none.verdict,
            "no significant n:m locking in any of 1 windows (false-discovery rate 0.1)"
        );
        assert!(none.beats_per_breath.is_nan(), "no breaths, no ratio");
        let empty = windows_of(&[(None, false)]).summary(5, 60.0, 0.05);
        assert!(empty.verdict.starts_with("not enough data"));
        // Without surrogates (no p-values) nothing is called absent: the test was not made.
        let mut untested = windows_of(&[(Some((3, 1)), false), (Some((3, 1)), false)]);
        for w in &mut untested.windows {
            w.p_value = None;
        }
        let untested = untested.summary(40, 60.0, 0.05);
        assert!(untested.verdict.starts_with("not tested: no surrogates"), "{}", untested.verdict);
    }

    #[test]
    fn too_few_surrogates_for_alpha_are_refused() {
        // 1/(N + 1) ≤ 0.05 needs N ≥ 19.
        let with = |surrogates| SyncParams { surrogates, ..SyncParams::default() }.check();
        let error = with(18).unwrap_err().to_string();
        assert!(error.contains("surrogates") && error.contains("at least 19"), "{error}");
        assert!(with(19).is_ok());
        assert!(with(0).is_ok(), "0 means no test, and the verdict says so");
    }

    #[test]
    fn synchrogram_wraps_over_the_most_common_denominator() {
        // Denominators 2, 2, 1, 5 (counted as 3): m = 2; a tie between 1 and 3 goes to 1.
        let mostly_two = windows_of(&[
            (Some((7, 2)), false),
            (Some((5, 2)), false),
            (Some((3, 1)), false),
            (Some((16, 5)), false),
        ]);
        assert_eq!(mostly_two.synchrogram_cycles(), 2);
        let tie = windows_of(&[(Some((10, 3)), false), (Some((3, 1)), false)]);
        assert_eq!(tie.synchrogram_cycles(), 1);
        assert_eq!(windows_of(&[(None, false)]).synchrogram_cycles(), 1);
    }

    #[test]
    fn deserialised_params_are_checked() {
        let read = |text: &str| ron::from_str::<Valid<SyncParams>>(text);
        let good = read("(window_s: 90.0, twin: (dimension: 2))").unwrap();
        assert_eq!((good.twin.dimension, good.twin.delay), (2, 4), "twin defaults per field");
        assert!(read("(window_s: -1.0)").unwrap_err().to_string().contains("window_s"));
        assert!(read("(twin: (dimension: 0))").unwrap_err().to_string().contains("dimension"));
        assert!(read("(alpha: 0.05, beta: 1.0)").is_err(), "unknown fields are refused");
    }

    proptest::proptest! {
        // A time-shift surrogate needs a lag of at least min_shift_s from both ends of the
        // window, and the decimated respiration must keep 1.5 × its band edge (0.7 Hz) below
        // its Nyquist frequency: the check accepts exactly those parameters.
        #[test]
        fn check_accepts_exactly_the_usable_windows(
            window_s in 1.0f64..100.0,
            min_shift_s in 0.1f64..60.0,
            resp_rate_hz in 0.5f64..20.0,
        ) {
            let params = SyncParams { window_s, min_shift_s, resp_rate_hz, ..SyncParams::default() };
            let usable = 2.0 * min_shift_s < window_s && 1.5 * 0.7 < resp_rate_hz / 2.0;
            proptest::prop_assert_eq!(params.check().is_ok(), usable);
        }
    }

    /// A 60 s window: breathing `cos(2π f_resp t)` at 10 Hz and beats every `1/f_heart` s.
    fn regular_window(f_resp: f64, f_heart: f64) -> (Vec<f64>, Vec<f64>) {
        let resp = (0..600).map(|i| (TAU * f_resp * f64::from(i) / 10.0).cos()).collect();
        let beats = (0..).map(|k| 0.3 + f64::from(k) / f_heart).take_while(|&t| t < 60.0).collect();
        (beats, resp)
    }

    #[test]
    fn reported_ratios_respect_the_limits_and_the_cycles() {
        // Breathing at 0.06 Hz (3.6 breaths a minute) under 80 beats a minute: f_h/f_r = 22
        // has no n:m with n ≤ 12, m ≤ 3 — such a window was once reported as 74:3 — and the
        // window says so.
        let params =
            SyncParams { surrogates: 0, step_s: 60.0, min_beats: 8, ..SyncParams::default() }
                .check()
                .unwrap();
        let (beats, resp) = regular_window(0.06, 80.0 / 60.0);
        let a = analyse(&beats, &resp, 10.0, &params, Seed(1), &NoProgress).unwrap();
        let note = a.windows[0].not_enough_data.clone().unwrap();
        assert!(a.windows[0].dominant.is_none() && note.starts_with("no ratio"), "{note}");
        // 5 breaths and 3.5 beats per breath: 7:2 and 10:3 would need 6 and 9 breaths (3
        // cycles of m breaths each), so only m = 1 may be dominant.
        let (beats, resp) = regular_window(5.0 / 60.0, 3.5 * 5.0 / 60.0);
        let w = &analyse(&beats, &resp, 10.0, &params, Seed(1), &NoProgress).unwrap().windows[0];
        assert!(w.breaths > 4.5 && w.breaths < 5.5, "{}", w.breaths);
        assert_eq!(w.dominant.map(|d| d.ratio.denom()), Some(1), "{w:?}");
        // 1.45 beats per breath: every candidate has m ≥ 2 (3:2, 4:3 and 5:3 lie within 25 %),
        // and 3 cycles of 2 breaths need 6: with 5 breaths, not enough cycles, no ratio.
        let note = candidate_ratios(1.45, 5.0, &params).unwrap().unwrap_err();
        assert!(note.starts_with("not enough cycles: 5.0 breaths"), "{note}");
        assert_eq!(
            candidate_ratios(1.45, 6.5, &params).unwrap().unwrap(),
            vec![Ratio::new(3, 2).unwrap()],
            "6.5 breaths hold 3 cycles of 3:2 (m = 2) but not of 4:3 or 5:3 (m = 3)"
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]
        // Whatever the rates, a dominant ratio has n ≤ max_n, m ≤ max_m and a window holding at
        // least min_breaths cycles of m breaths.
        #[test]
        fn no_ratio_exceeds_the_configured_limits(
            f_resp in 0.05f64..0.6, per_breath in 0.5f64..30.0, max_n in 1u64..13, max_m in 1u64..4,
        ) {
            let params = SyncParams { surrogates: 0, step_s: 60.0, max_n, max_m, ..SyncParams::default() }
                .check()
                .unwrap();
            let (beats, resp) = regular_window(f_resp, (f_resp * per_breath).min(3.5));
            let a = analyse(&beats, &resp, 10.0, &params, Seed(1), &NoProgress).unwrap();
            for w in &a.windows {
                if let Some(d) = w.dominant {
                    proptest::prop_assert!(d.ratio.numer() <= max_n && d.ratio.denom() <= max_m);
                    proptest::prop_assert!(w.breaths >= params.min_breaths * d.ratio.denom() as f64);
                }
            }
        }
    }

    #[test]
    fn the_sequential_test_spends_surrogates_where_p_is_small() {
        // Locked windows never see a surrogate reach their γ: they draw the whole cap and get
        // the smallest p, 1/(cap + 1). Unlocked windows stop at the 10th exceedance with
        // p = 10/L (Besag & Clifford), after far fewer draws.
        let cap = 150;
        let params = SyncParams { max_surrogates: cap, ..SyncParams::default() }.check().unwrap();
        let c = ControlParams { duration_s: 180.0, ..ControlParams::quiet() }
            .generate(Seed(7))
            .unwrap();
        let quiet = analyse(&c.beats, &c.resp, c.fs_hz, &params, Seed(7), &NoProgress).unwrap();
        for w in quiet.analysed() {
            assert_eq!(w.surrogates, cap);
            assert!((w.p_value.unwrap() - 1.0 / (cap + 1) as f64).abs() < 1e-15);
        }
        let c = ControlParams { duration_s: 180.0, ..ControlParams::active() }
            .generate(Seed(7))
            .unwrap();
        let active = analyse(&c.beats, &c.resp, c.fs_hz, &params, Seed(7), &NoProgress).unwrap();
        let stopped: Vec<&WindowResult> =
            active.analysed().filter(|w| w.surrogates < cap).collect();
        assert!(stopped.len() * 2 > active.analysed().count(), "most unlocked windows stop early");
        for w in stopped {
            assert!((w.p_value.unwrap() - 10.0 / w.surrogates as f64).abs() < 1e-15, "{w:?}");
        }
        assert!(SyncParams { max_surrogates: 10, ..SyncParams::default() }.check().is_err());
    }

    #[test]
    fn marked_spans_skip_or_flag_windows() {
        // An excluded span at 100–110 s skips the windows covering it (30–90 does not);
        // an interpolated one at 200.0–200.1 s flags its windows, which are still analysed.
        use crate::artefacts::{Span, SpanKind};
        let c = ControlParams { duration_s: 300.0, ..ControlParams::quiet() }
            .generate(Seed(4))
            .unwrap();
        let params = SyncParams { surrogates: 0, ..SyncParams::default() }.check().unwrap();
        let spans = [
            MarkedSpan {
                span: Span { start_s: 100.0, end_s: 110.0 },
                kind: SpanKind::Excluded,
                channel: None,
            },
            MarkedSpan {
                span: Span { start_s: 200.0, end_s: 200.1 },
                kind: SpanKind::Interpolated,
                channel: Some("resp".into()),
            },
        ];
        let a = analyse_marked(&c.beats, &c.resp, c.fs_hz, &spans, &params, Seed(1), &NoProgress)
            .unwrap();
        for w in &a.windows {
            let skipped = w.start_s < 110.0 && w.end_s > 100.0;
            let flagged = w.start_s < 200.1 && w.end_s > 200.0;
            assert_eq!(w.dominant.is_none(), skipped, "{w:?}");
            if skipped {
                assert!(
                    w.not_enough_data
                        .as_deref()
                        .unwrap()
                        .starts_with("skipped: overlaps excluded 100.0–110.0 s")
                );
            }
            assert_eq!(
                w.flags,
                if flagged {
                    vec!["interpolated 200.0–200.1 s in `resp`".to_string()]
                } else {
                    vec![]
                }
            );
        }
        assert!(
            a.beats.iter().all(|&t| !(100.0..=110.0).contains(&t)),
            "beats in excluded spans are left out"
        );
    }

    #[test]
    fn lambda_is_withheld_where_it_cannot_tell_locking_from_a_matched_ratio() {
        // The unlocked control (f_h/f_r ≈ 3.7, 15 breaths a window): its 11:3 and 7:2 windows
        // hold 5 and 7.5 cycles of their ratio, where λ comes out near 1 without locking; those
        // are withheld, and every λ still reported stays well below 1.
        let a = run(&ControlParams::active(), 7, 0);
        let withheld: Vec<&WindowResult> = a.analysed().filter(|w| w.lambda().is_none()).collect();
        assert!(!withheld.is_empty());
        for w in a.analysed() {
            let cycles = w.breaths / w.dominant.unwrap().ratio.denom() as f64;
            assert_eq!(w.lambda().is_some(), cycles >= LAMBDA_MIN_CYCLES, "{w:?}");
            assert!(w.lambda().is_none_or(|l| l < 0.9), "{w:?}");
        }
    }

    #[test]
    fn the_summary_says_when_fdr_is_powerless() {
        // Hand-worked: S = 99 gives p ≥ 0.01; over 19 windows at α = 0.05 a lone window needs
        // p ≤ 0.05/19 = 0.0026, and k windows at 0.01 pass once 0.01 ≤ kα/19, i.e. k ≥ 4;
        // 1/(S + 1) ≤ 0.0026 needs S ≥ 380.
        let note = fdr_power_note(0.01, 19, 0.05).unwrap();
        assert!(
            note.contains("at least 4 of the 19") && note.contains("--max-surrogates 380"),
            "{note}"
        );
        assert_eq!(fdr_power_note(0.001, 19, 0.05), None);
        let two =
            windows_of(&[(Some((3, 1)), true), (Some((3, 1)), false)]).summary(10, 60.0, 0.05);
        assert_eq!(two.windows_significant_uncorrected, 1);
        assert_eq!(two.smallest_possible_p, Some(0.01));
        assert_eq!(two.fdr_power, None, "0.01 ≤ 0.05/2: a lone window can pass");
        let ten = windows_of(&[(Some((3, 1)), false); 10]).summary(10, 60.0, 0.05);
        assert!(ten.fdr_power.is_some_and(|n| n.contains("at least 2 of the 10")));
    }

    #[test]
    fn synchrogram_of_exact_locking_has_n_bands() {
        // Three beats per breath at fixed phases: ψ₁ takes exactly three values.
        let beats: Vec<f64> = (0..30).map(|k| 1.0 + k as f64 / 3.0).collect();
        let phases: Vec<Option<f64>> = beats.iter().map(|t| Some(TAU * (t + 0.1))).collect();
        let points = synchrogram(&beats, &phases, 1);
        let mut levels: Vec<i64> = points.iter().map(|p| (p.1 * 1e6).round() as i64).collect();
        levels.sort_unstable();
        levels.dedup();
        assert_eq!(levels.len(), 3);
    }
}
