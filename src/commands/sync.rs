//! `dgnn sync <recording>`: n:m synchronisation of heartbeat and respiration in a recording
//! (CSV, OpenSignals/BITalino text or WFDB), window by window with surrogate p-values, or of a
//! simulated positive control (`--control quiet|active`).
//!
//! Before any analysis the input is checked ([`dgnn_lock::plausibility`]): rates, beats per
//! breath, RR regularity, whether each channel looks like what it is called (swapped columns,
//! a wrong `--fs` are named with their numbers), flat and clipped stretches. A refusing finding
//! stops the command unless `--force`; every finding is kept in `summary.txt` and `result.json`.
//! Missing samples are refused, or filled by `--interpolate-gaps MAX_S`; `--exclude START-END`
//! leaves stretches out. A window overlapping an excluded or flat span is skipped; one
//! overlapping an interpolated or clipped span is analysed and flagged. The folder is created
//! only once the analysis has run, so a refusal leaves nothing behind.
//!
//! Folder: `result.json`/`result.ron` (envelope: options, seed, summary figures and warnings),
//! `windows.csv` (per window: time, beats, breaths, measured ratio, dominant n:m, its depth, ρ,
//! λ, γ, p, significance or why it was not analysed, then surrogates drawn, RR outliers and
//! flags), `beats.csv` (R-peak times and RR intervals), `breaths.csv` (inspiration onsets),
//! `synchrogram.svg/png`, `ratio.svg/png` (ratio over time, skipped spans shaded),
//! `zoom-lowest-p` and `zoom-highest-p` (the synchrograms of the three windows of lowest and of
//! highest p), `flagged/window-N` (the raw signals of up to 12 flagged windows with the beats
//! and breath onsets marked), and `summary.txt` (the verdict, the warnings, the Farey tree of
//! the dominant ratios and a table of every window).

use crate::output::{RunFolder, TerminalProgress, VERSION};
use anyhow::{Context, bail};
use dgnn_core::{Envelope, ParamGuard, Seed};
use dgnn_lock::artefacts::{
    MarkedSpan, Span, SpanKind, clipped_spans, flat_spans, interpolate_gaps,
};
use dgnn_lock::controls::ControlParams;
use dgnn_lock::events::{BreathOptions, RPeakOptions, detect_breaths, detect_r_peaks};
use dgnn_lock::farey::tree_view;
use dgnn_lock::plausibility::{self, Finding, Warning};
use dgnn_lock::read::{CsvOptions, Format, read};
use dgnn_lock::surrogates::SurrogateKind;
use dgnn_lock::sync::{
    LAMBDA_MIN_CYCLES, SyncAnalysis, SyncParams, SyncSummary, WindowResult, analyse_marked,
    synchrogram,
};
use dgnn_plot::Plot;
use serde::Serialize;
use std::fmt::Write as _;
use std::path::PathBuf;

/// A simulated recording to analyse instead of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Control {
    /// Quiet regime: 3:1 locked.
    Quiet,
    /// Active regime: noisy, detuned, not locked.
    Active,
}

/// Surrogate kinds on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Surrogate {
    /// Random cyclic time shift of the respiration.
    TimeShift,
    /// Fourier phase-randomised respiration.
    Fourier,
    /// IAAFT respiration.
    Iaaft,
    /// Twin surrogates of the respiration.
    Twin,
}

/// Recording formats on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FormatArg {
    /// Comma-separated values with a header row (needs --fs or --time-column).
    Csv,
    /// OpenSignals (BITalino) text.
    Opensignals,
    /// WFDB header (.hea) with its signal files.
    Wfdb,
}

/// Arguments of `dgnn sync`.
#[derive(Debug, Clone, clap::Args, Serialize)]
pub struct Args {
    /// The recording (omit with --control).
    #[arg(required_unless_present = "control")]
    pub recording: Option<PathBuf>,
    /// Analyse a simulated positive control instead of a recording.
    #[arg(long, value_enum, conflicts_with = "recording")]
    pub control: Option<Control>,
    /// The file format (default: guessed from the extension and first line).
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// The ECG column (CSV/OpenSignals name, WFDB description).
    #[arg(long, default_value = "ecg")]
    pub ecg: String,
    /// The respiration column.
    #[arg(long, default_value = "resp")]
    pub resp: String,
    /// Sampling rate in Hz (CSV without a time column).
    #[arg(long)]
    pub fs: Option<f64>,
    /// CSV column of sample times in seconds.
    #[arg(long)]
    pub time_column: Option<String>,
    /// Window length in s.
    #[arg(long, default_value_t = 60.0)]
    pub window: f64,
    /// Step between windows in s.
    #[arg(long, default_value_t = 30.0)]
    pub step: f64,
    /// Surrogates per window.
    #[arg(long, default_value_t = 99)]
    pub surrogates: usize,
    /// A sequential test instead (Besag & Clifford): each window draws surrogates until 10
    /// reach its γ or this many are drawn, so the smallest p is 1/(N + 1).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub max_surrogates: usize,
    /// Smallest time shift of a time-shift surrogate in s (default: 10, or a quarter of the
    /// window when that is shorter).
    #[arg(long, value_name = "S")]
    pub min_shift: Option<f64>,
    /// Surrogate kind.
    #[arg(long, value_enum, default_value_t = Surrogate::TimeShift)]
    pub surrogate: Surrogate,
    /// False-discovery rate across windows.
    #[arg(long, default_value_t = 0.05)]
    pub alpha: f64,
    /// Master seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Leave a stretch out (START-END in seconds; repeatable): windows overlapping it are
    /// skipped.
    #[arg(long, value_name = "START-END", value_parser = parse_span)]
    pub exclude: Vec<Span>,
    /// Fill runs of missing samples (NaN, WFDB invalid codes) up to this many seconds by
    /// linear interpolation; longer runs are refused. Without it, any missing sample is.
    #[arg(long, value_name = "MAX_S")]
    pub interpolate_gaps: Option<f64>,
    /// Analyse even when the plausibility checks refuse the input (the warnings are kept).
    #[arg(long)]
    pub force: bool,
    /// The result folder (default: the first free `runs/sync-N`).
    #[arg(long, value_name = "DIR")]
    #[serde(skip)]
    pub out: Option<PathBuf>,
}

/// `START-END` in seconds.
fn parse_span(text: &str) -> Result<Span, String> {
    Span::parse(text).map_err(|e| e.to_string())
}

#[derive(Serialize)]
struct WindowRow {
    start_s: f64,
    end_s: f64,
    beats: usize,
    breaths: f64,
    frequency_ratio: f64,
    dominant: String,
    depth: Option<u64>,
    rho: Option<f64>,
    lambda: Option<f64>,
    gamma: Option<f64>,
    p_value: Option<f64>,
    significant: bool,
    note: String,
    surrogates: usize,
    rr_outliers: usize,
    flags: String,
}

#[derive(Serialize)]
struct BeatRow {
    t_s: f64,
    rr_s: Option<f64>,
}

#[derive(Serialize)]
struct BreathRow {
    t_s: f64,
}

/// The signals the analysis needs, with the spans found in them.
struct Input {
    fs_hz: f64,
    ecg: Vec<f64>,
    resp: Vec<f64>,
    ecg_name: String,
    resp_name: String,
    source: String,
    /// Interpolated gaps (filled by `--interpolate-gaps`).
    spans: Vec<MarkedSpan>,
}

fn load(args: &Args) -> anyhow::Result<Input> {
    if let Some(control) = args.control {
        let params = match control {
            Control::Quiet => ControlParams::quiet(),
            Control::Active => ControlParams::active(),
        };
        let c = params.generate(Seed(args.seed))?;
        return Ok(Input {
            fs_hz: c.fs_hz,
            ecg: c.ecg,
            resp: c.resp,
            ecg_name: "ecg".into(),
            resp_name: "resp".into(),
            source: format!("control {control:?}"),
            spans: Vec::new(),
        });
    }
    let Some(path) = &args.recording else { bail!("give a recording or --control") };
    let format = match args.format {
        Some(FormatArg::Csv) => Format::Csv,
        Some(FormatArg::Opensignals) => Format::OpenSignals,
        Some(FormatArg::Wfdb) => Format::Wfdb,
        None => Format::detect(path)?,
    };
    let csv = CsvOptions { fs_hz: args.fs, time_column: args.time_column.clone(), delimiter: None };
    let recording =
        read(path, format, &csv).with_context(|| format!("reading {}", path.display()))?;
    let mut spans = Vec::new();
    let mut channel = |name: &str| -> anyhow::Result<Vec<f64>> {
        let Some(max_gap_s) = args.interpolate_gaps else {
            return recording
                .finite_channel(name)
                .map(<[f64]>::to_vec)
                .context("or fill short gaps with --interpolate-gaps MAX_S");
        };
        let samples = &recording.channel(name)?.samples;
        let (filled, gaps) = interpolate_gaps(samples, recording.fs_hz, max_gap_s)
            .with_context(|| format!("channel `{name}`"))?;
        spans.extend(gaps.into_iter().map(|span| MarkedSpan {
            span,
            kind: SpanKind::Interpolated,
            channel: Some(name.to_string()),
        }));
        Ok(filled)
    };
    let ecg = channel(&args.ecg)?;
    let resp = channel(&args.resp)?;
    Ok(Input {
        fs_hz: recording.fs_hz,
        ecg,
        resp,
        ecg_name: args.ecg.clone(),
        resp_name: args.resp.clone(),
        source: path.display().to_string(),
        spans,
    })
}

/// Shortest flat stretch (s) reported in the ECG (no heartbeat is that regular) and in the
/// respiration (a breath hold on a quantised belt may be exactly flat for a few seconds).
const FLAT_ECG_S: f64 = 2.0;
const FLAT_RESP_S: f64 = 10.0;

/// Flat and clipped spans of both channels, and the user's excluded spans.
fn artefact_spans(input: &Input, exclude: &[Span]) -> Vec<MarkedSpan> {
    let mut spans: Vec<MarkedSpan> = exclude
        .iter()
        .map(|&span| MarkedSpan { span, kind: SpanKind::Excluded, channel: None })
        .collect();
    for (name, samples, flat_s) in
        [(&input.ecg_name, &input.ecg, FLAT_ECG_S), (&input.resp_name, &input.resp, FLAT_RESP_S)]
    {
        let mark = |kind| move |span| MarkedSpan { span, kind, channel: Some(name.clone()) };
        spans
            .extend(flat_spans(samples, input.fs_hz, flat_s).into_iter().map(mark(SpanKind::Flat)));
        spans.extend(clipped_spans(samples, input.fs_hz).into_iter().map(mark(SpanKind::Clipped)));
    }
    spans.extend(input.spans.iter().cloned());
    spans
}

/// One warning per kind of artefact found (flat, clipped, interpolated), with its spans.
fn artefact_findings(spans: &[MarkedSpan]) -> Vec<Finding> {
    [SpanKind::Flat, SpanKind::Clipped, SpanKind::Interpolated]
        .into_iter()
        .filter_map(|kind| {
            let of_kind: Vec<&MarkedSpan> = spans.iter().filter(|s| s.kind == kind).collect();
            let total: f64 = of_kind.iter().map(|s| s.span.end_s - s.span.start_s).sum();
            let listed: Vec<String> = of_kind.iter().take(5).map(|s| s.describe()).collect();
            (!of_kind.is_empty()).then(|| Finding {
                warning: Warning {
                    code: kind.name().into(),
                    message: format!(
                        "{} {} span(s), {total:.1} s in all: {}{}; windows overlapping them are {}",
                        of_kind.len(),
                        kind.name(),
                        listed.join(", "),
                        if of_kind.len() > 5 { ", …" } else { "" },
                        if kind.skips_windows() { "skipped" } else { "flagged" }
                    ),
                },
                refuses: false,
            })
        })
        .collect()
}

/// The events outside skipping spans and the duration those spans leave, for the rates.
fn kept(events: &[f64], spans: &[MarkedSpan], duration_s: f64) -> (Vec<f64>, f64) {
    let skipping: Vec<&Span> =
        spans.iter().filter(|s| s.kind.skips_windows()).map(|s| &s.span).collect();
    let kept =
        events.iter().copied().filter(|&t| !skipping.iter().any(|s| s.contains(t))).collect();
    // The union of the skipping spans within the record.
    let mut sorted: Vec<(f64, f64)> =
        skipping.iter().map(|s| (s.start_s.min(duration_s), s.end_s.min(duration_s))).collect();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut covered = 0.0;
    let mut reach = 0.0f64;
    for (a, b) in sorted {
        let a = a.max(reach);
        if b > a {
            covered += b - a;
            reach = b;
        }
    }
    (kept, duration_s - covered)
}

/// Runs `dgnn sync`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let params = SyncParams {
        window_s: args.window,
        step_s: args.step,
        surrogates: args.surrogates,
        max_surrogates: args.max_surrogates,
        surrogate: match args.surrogate {
            Surrogate::TimeShift => SurrogateKind::TimeShift,
            Surrogate::Fourier => SurrogateKind::Fourier,
            Surrogate::Iaaft => SurrogateKind::Iaaft,
            Surrogate::Twin => SurrogateKind::Twin,
        },
        min_shift_s: args.min_shift.unwrap_or_else(|| (0.25 * args.window).min(10.0)),
        alpha: args.alpha,
        ..SyncParams::default()
    }
    .check()
    .context("checking the analysis options")?;
    let input = load(&args)?;
    let duration = input.ecg.len() as f64 / input.fs_hz;
    eprintln!("{}: {:.1} min at {} Hz", input.source, duration / 60.0, input.fs_hz);
    let spans = artefact_spans(&input, &args.exclude);
    let beats = detect_r_peaks(&input.ecg, input.fs_hz, &RPeakOptions::default().check()?)
        .context("detecting R-peaks")?;
    let breaths = detect_breaths(&input.resp, input.fs_hz, &BreathOptions::default().check()?)
        .context("detecting breaths")?;
    let (kept_beats, kept_duration) = kept(&beats, &spans, duration);
    let (kept_breaths, _) = kept(&breaths, &spans, duration);
    let mut findings = plausibility::check(&plausibility::Record {
        ecg: &input.ecg,
        resp: &input.resp,
        ecg_name: &input.ecg_name,
        resp_name: &input.resp_name,
        fs_hz: input.fs_hz,
        duration_s: kept_duration,
        beats: &kept_beats,
        breaths: &kept_breaths,
    });
    findings.extend(artefact_findings(&spans));
    for f in &findings {
        eprintln!("{}: {}", f.warning.code, f.warning.message);
    }
    if !args.force && findings.iter().any(|f| f.refuses) {
        bail!(
            "the input does not look like an ECG and a respiration signal at {} Hz (see above); \
             fix the channels or --fs, or run with --force to analyse it anyway",
            input.fs_hz
        );
    }
    let progress = TerminalProgress::new();
    let analysis = analyse_marked(
        &beats,
        &input.resp,
        input.fs_hz,
        &spans,
        &params,
        Seed(args.seed),
        &progress,
    )?;
    let folder = RunFolder::create_or_default(args.out.as_deref(), "sync")?;
    write_tables(&folder, &analysis, &kept_breaths)?;
    let mut figures = analysis.summary(kept_breaths.len(), kept_duration, params.alpha);
    figures.warnings = findings.into_iter().map(|f| f.warning).collect();
    write_plots(&folder, &analysis, &spans)?;
    write_flagged_panels(&folder, &analysis, &input, &kept_breaths)?;
    let text = summary_text(&input.source, &figures, &analysis);
    dgnn_core::atomic_write(&folder.file("summary.txt"), text.as_bytes())?;
    folder.write_envelope(&Envelope::new(
        "sync",
        VERSION,
        Some(Seed(args.seed)),
        (&args, &params),
        &figures,
    ))?;
    // The summary is the command's output (issue 14: it went to stderr only).
    print!("{text}");
    println!("results in {}", folder.path().display());
    Ok(())
}

fn write_tables(
    folder: &RunFolder,
    analysis: &SyncAnalysis,
    breaths: &[f64],
) -> anyhow::Result<()> {
    let rows: Vec<WindowRow> = analysis
        .windows
        .iter()
        .map(|w| WindowRow {
            start_s: w.start_s,
            end_s: w.end_s,
            beats: w.beats,
            breaths: w.breaths,
            frequency_ratio: w.frequency_ratio,
            dominant: w.dominant.map(|d| d.ratio.colon()).unwrap_or_default(),
            depth: w.depth,
            rho: w.dominant.map(|d| d.rho),
            lambda: w.lambda(),
            gamma: w.dominant.map(|d| d.gamma),
            p_value: w.p_value,
            significant: w.significant,
            note: w.not_enough_data.clone().unwrap_or_default(),
            surrogates: w.surrogates,
            rr_outliers: w.rr_outliers,
            flags: w.flags.join("; "),
        })
        .collect();
    folder.write_csv("windows.csv", &rows)?;
    let beat_rows: Vec<BeatRow> = analysis
        .beats
        .iter()
        .enumerate()
        .map(|(k, &t)| BeatRow { t_s: t, rr_s: k.checked_sub(1).map(|j| t - analysis.beats[j]) })
        .collect();
    folder.write_csv("beats.csv", &beat_rows)?;
    let breath_rows: Vec<BreathRow> = breaths.iter().map(|&t| BreathRow { t_s: t }).collect();
    folder.write_csv("breaths.csv", &breath_rows)
}

/// A p-value threshold with enough digits to be read (three decimals, or three significant
/// digits below 0.001).
fn threshold_text(threshold: Option<f64>) -> String {
    match threshold {
        None => "none passed".into(),
        Some(t) if t >= 1e-3 => format!("{t:.3}"),
        Some(t) => format!("{t:.2e}"),
    }
}

/// A rate per minute, or a dash when there is none (nothing left to count over).
fn per_minute(rate: f64) -> String {
    if rate.is_finite() { format!("{rate:.1}/min") } else { "—/min".to_string() }
}

fn summary_text(source: &str, f: &SyncSummary, analysis: &SyncAnalysis) -> String {
    let all_dominant = analysis.dominant_ratio_counts();
    let mut text = format!(
        "dgnn sync — {source}\n\
         duration {:.1} min; {} beats ({}), {} breaths ({}), {} beats per breath\n\
         (breaths are inspiration onsets in the respiration signal; a window's breaths are cycles of its Hilbert phase, which also counts shallow breaths the onset detector's hysteresis skips)\n\
         windows: {} ({} analysed, {} significant after FDR; p threshold {})\n\
         before correction: {} windows with p ≤ {} (about {:.1} expected by chance)\n",
        f.duration_s / 60.0,
        f.beats,
        per_minute(f.heart_rate_per_min),
        f.breaths,
        per_minute(f.breathing_rate_per_min),
        // No breaths: no ratio (it printed "NaN", issue 14).
        if f.beats_per_breath.is_finite() {
            format!("{:.2}", f.beats_per_breath)
        } else {
            "— (no breaths)".to_string()
        },
        f.windows,
        f.windows_analysed,
        f.windows_significant,
        threshold_text(f.p_threshold),
        f.windows_significant_uncorrected,
        f.alpha,
        f.alpha * f.windows_analysed as f64,
    );
    if let Some(note) = &f.fdr_power {
        let _ = writeln!(text, "note: {note}");
    }
    let _ = writeln!(text, "verdict: {}", f.verdict);
    if !f.warnings.is_empty() {
        let _ = writeln!(text, "\nwarnings:");
        for w in &f.warnings {
            let _ = writeln!(text, "- {}: {}", w.code, w.message);
        }
    }
    let _ = write!(
        text,
        "\ndominant ratio per analysed window, on the Stern–Brocot tree (×count):\n{}\n\
         significant windows by ratio: {}\n",
        tree_view(&all_dominant),
        if f.significant_ratios.is_empty() {
            "none".to_string()
        } else {
            f.significant_ratios
                .iter()
                .map(|(r, c)| format!("{r} ×{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        }
    );
    text.push_str(&window_table(analysis));
    text
}

/// Every window in one line: time, beats, breaths, ratio, dominant n:m, γ, λ, p, mark, note.
fn window_table(analysis: &SyncAnalysis) -> String {
    let mut out = format!(
        "\nper window (λ blank in windows of fewer than {LAMBDA_MIN_CYCLES} cycles of m breaths; * significant after FDR):\n  \
         start–end s   beats breaths ratio  n:m     γ      λ      p       surr RR-out  note\n",
    );
    for w in &analysis.windows {
        let number = |v: Option<f64>, digits: usize| {
            v.map_or_else(|| "—".to_string(), |x| format!("{x:.digits$}"))
        };
        let mut note = w.not_enough_data.clone().unwrap_or_default();
        if !w.flags.is_empty() {
            note = w.flags.join("; ");
        }
        let _ = writeln!(
            out,
            "  {:>6.0}–{:<6.0} {:>5} {:>7.1} {:>5.2}  {:<6} {:>6} {:>6} {:>7}{} {:>5} {:>6}  {note}",
            w.start_s,
            w.end_s,
            w.beats,
            w.breaths,
            w.frequency_ratio,
            w.dominant.map(|d| d.ratio.colon()).unwrap_or_else(|| "—".into()),
            number(w.dominant.map(|d| d.gamma), 3),
            number(w.lambda(), 3),
            number(w.p_value, 4),
            if w.significant { "*" } else { " " },
            w.surrogates,
            w.rr_outliers,
        );
    }
    out
}

fn write_plots(
    folder: &RunFolder,
    analysis: &SyncAnalysis,
    spans: &[MarkedSpan],
) -> anyhow::Result<()> {
    let m = analysis.synchrogram_cycles();
    let points = synchrogram(&analysis.beats, &analysis.resp_phase_at_beats, m);
    if !points.is_empty() {
        let t_max = points.last().map_or(1.0, |p| p.0) / 60.0;
        let plot = Plot::new(format!(
            "Synchrogram: respiratory phase at each heartbeat, mod {m} breath(s)"
        ))
        .x_label("time (min)")
        .y_label(format!("ψ_{m} = (φ_resp mod 2π·{m})/2π"))
        .x_range(0.0, t_max.max(1e-3))
        .y_range(0.0, m as f64)
        .points("", points.iter().map(|&(t, psi)| (t / 60.0, psi)).collect());
        folder.write_plot("synchrogram", &plot)?;
    }
    let analysed: Vec<_> = analysis.analysed().collect();
    if !analysed.is_empty() {
        let mid = |w: &WindowResult| 0.5 * (w.start_s + w.end_s) / 60.0;
        let measured: Vec<(f64, f64)> =
            analysed.iter().map(|w| (mid(w), w.frequency_ratio)).collect();
        let significant: Vec<(f64, f64)> = analysed
            .iter()
            .filter(|w| w.significant)
            .filter_map(|w| w.dominant.map(|d| (mid(w), d.ratio.value())))
            .collect();
        let not_significant: Vec<(f64, f64)> = analysed
            .iter()
            .filter(|w| !w.significant)
            .filter_map(|w| w.dominant.map(|d| (mid(w), d.ratio.value())))
            .collect();
        let mut plot = Plot::new("Heart:breath ratio over time")
            .x_label("time (min)")
            .y_label("f_heart / f_resp");
        let skipped: Vec<&MarkedSpan> = spans.iter().filter(|s| s.kind.skips_windows()).collect();
        if !skipped.is_empty() {
            // Shaded from 0 to the top of the data: bars as wide as each span.
            let top = measured
                .iter()
                .chain(&significant)
                .chain(&not_significant)
                .map(|p| p.1)
                .fold(0.0, f64::max)
                * 1.05;
            for s in skipped {
                let (a, b) = (s.span.start_s / 60.0, s.span.end_s / 60.0);
                plot = plot.bars(
                    format!("skipped: {}", s.kind.name()),
                    vec![(0.5 * (a + b), top)],
                    (b - a).max(1e-3),
                );
            }
            plot = plot.y_range(0.0, top);
        }
        plot = plot.line("measured ratio", measured);
        if !not_significant.is_empty() {
            plot = plot.points("dominant n:m, not significant", not_significant);
        }
        if !significant.is_empty() {
            plot = plot.points("dominant n:m, significant (FDR)", significant);
        }
        folder.write_plot("ratio", &plot)?;
    }
    write_zoomed_synchrograms(folder, analysis)
}

/// The synchrograms of the three windows of lowest p and of the three of highest p, each over
/// its own time from the window's start, wrapped over the window's dominant m.
fn write_zoomed_synchrograms(folder: &RunFolder, analysis: &SyncAnalysis) -> anyhow::Result<()> {
    let mut tested: Vec<&WindowResult> =
        analysis.analysed().filter(|w| w.p_value.is_some()).collect();
    if tested.is_empty() {
        return Ok(());
    }
    tested.sort_by(|a, b| a.p_value.unwrap_or(1.0).total_cmp(&b.p_value.unwrap_or(1.0)));
    let lowest: Vec<&WindowResult> = tested.iter().take(3).copied().collect();
    let highest: Vec<&WindowResult> = tested.iter().rev().take(3).copied().collect();
    for (stem, chosen, which) in
        [("zoom-lowest-p", lowest, "lowest"), ("zoom-highest-p", highest, "highest")]
    {
        let m =
            chosen.iter().filter_map(|w| w.dominant).map(|d| d.ratio.denom()).max().unwrap_or(1);
        let mut plot =
            Plot::new(format!("Synchrograms of the 3 windows of {which} p, mod {m} breath(s)"))
                .x_label("time from the window's start (s)")
                .y_label(format!("ψ_{m} = (φ_resp mod 2π·{m})/2π"))
                .y_range(0.0, m as f64);
        for w in chosen {
            let first = analysis.beats.partition_point(|&t| t < w.start_s);
            let last = analysis.beats.partition_point(|&t| t < w.end_s);
            let points: Vec<(f64, f64)> = synchrogram(
                &analysis.beats[first..last],
                &analysis.resp_phase_at_beats[first..last],
                m,
            )
            .into_iter()
            .map(|(t, psi)| (t - w.start_s, psi))
            .collect();
            let name = format!(
                "{:.1}–{:.1} min, {}, p = {}",
                w.start_s / 60.0,
                w.end_s / 60.0,
                w.dominant.map(|d| d.ratio.colon()).unwrap_or_default(),
                w.p_value.map_or_else(String::new, |p| format!("{p:.3}"))
            );
            if !points.is_empty() {
                plot = plot.points(name, points);
            }
        }
        folder.write_plot(stem, &plot)?;
    }
    Ok(())
}

/// Most raw-signal panels written (the flagged windows with the most RR outliers first).
const MAX_PANELS: usize = 12;

/// A raw-signal panel per flagged window (RR outliers, an interpolated or clipped span, or
/// skipped for an artefact): both channels scaled into bands, the beats and the breath onsets
/// marked.
fn write_flagged_panels(
    folder: &RunFolder,
    analysis: &SyncAnalysis,
    input: &Input,
    breaths: &[f64],
) -> anyhow::Result<()> {
    let mut flagged: Vec<&WindowResult> = analysis
        .windows
        .iter()
        .filter(|w| {
            w.rr_outliers > 0
                || !w.flags.is_empty()
                || w.not_enough_data.as_deref().is_some_and(|n| n.starts_with("skipped"))
        })
        .collect();
    if flagged.is_empty() {
        return Ok(());
    }
    flagged.sort_by(|a, b| b.rr_outliers.cmp(&a.rr_outliers).then(a.index.cmp(&b.index)));
    std::fs::create_dir_all(folder.file("flagged"))?;
    for w in flagged.into_iter().take(MAX_PANELS) {
        let range = |x: &[f64]| -> Vec<(f64, f64)> {
            let first = ((w.start_s * input.fs_hz) as usize).min(x.len());
            let last = ((w.end_s * input.fs_hz) as usize).min(x.len());
            envelope_points(&x[first..last], input.fs_hz, w.start_s)
        };
        let (ecg, resp) = (range(&input.ecg), range(&input.resp));
        let scale = |points: Vec<(f64, f64)>, base: f64| -> Vec<(f64, f64)> {
            let lo = points.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
            let hi = points.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
            let span = if hi > lo { hi - lo } else { 1.0 };
            points.into_iter().map(|(t, v)| (t, base + 0.9 * (v - lo) / span)).collect()
        };
        let (ecg, resp) = (scale(ecg, 1.05), scale(resp, 0.0));
        // The events on their own rows: beats along the top, breath onsets between the traces.
        let marks = |events: &[f64], row: f64| -> Vec<(f64, f64)> {
            events
                .iter()
                .filter(|&&t| (w.start_s..w.end_s).contains(&t))
                .map(|&t| (t, row))
                .collect()
        };
        let beat_marks = marks(&analysis.beats, 2.0);
        let breath_marks = marks(breaths, 0.97);
        let mut reasons = w.flags.clone();
        if let Some(note) = &w.not_enough_data {
            reasons.push(note.clone());
        }
        if w.rr_outliers > 0 {
            reasons.push(format!("{} RR outliers", w.rr_outliers));
        }
        let why = reasons.join("; ");
        let plot =
            Plot::new(format!("Window {} ({:.0}–{:.0} s): {why}", w.index, w.start_s, w.end_s))
                .x_label("time (s)")
                .y_label("respiration (bottom), ECG (top), scaled")
                .x_range(w.start_s, w.end_s)
                .y_range(-0.05, 2.05)
                .size(1400, 500)
                .line(format!("ECG `{}`", input.ecg_name), ecg)
                .line(format!("respiration `{}`", input.resp_name), resp)
                .points("detected beats (top row)", beat_marks)
                .points("breath onsets (middle row)", breath_marks);
        folder.write_plot(&format!("flagged/window-{}", w.index), &plot)?;
    }
    Ok(())
}

/// At most about 4000 points of `x` (sampled at `fs_hz`, starting at `t0` s): the minimum and
/// the maximum of each bucket, in time order, so spikes survive the thinning.
fn envelope_points(x: &[f64], fs_hz: f64, t0: f64) -> Vec<(f64, f64)> {
    let bucket = x.len().div_ceil(2000).max(1);
    let mut out = Vec::with_capacity(2 * x.len() / bucket + 2);
    for (b, chunk) in x.chunks(bucket).enumerate() {
        let start = b * bucket;
        let (mut lo, mut hi) = (0, 0);
        for (i, v) in chunk.iter().enumerate() {
            if *v < chunk[lo] {
                lo = i;
            }
            if *v > chunk[hi] {
                hi = i;
            }
        }
        for i in if lo <= hi { [lo, hi] } else { [hi, lo] } {
            out.push((t0 + (start + i) as f64 / fs_hz, chunk[i]));
        }
    }
    out
}
