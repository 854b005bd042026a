//! `dgnn sync <recording>`: n:m synchronisation of heartbeat and respiration in a recording
//! (CSV, OpenSignals/BITalino text or WFDB), window by window with surrogate p-values, or of a
//! simulated positive control (`--control quiet|active`).
//!
//! Folder: `result.json`/`result.ron` (envelope: options, seed, summary figures), `windows.csv`
//! (per window: time, beats, breaths, measured ratio, dominant n:m, its depth, ρ, λ, γ, p,
//! significance, or why it was not analysed), `beats.csv` (R-peak times and RR intervals),
//! `breaths.csv` (inspiration onsets), `synchrogram.svg/png`, `ratio.svg/png` (ratio over time),
//! and `summary.txt` (a short text with the honest verdict and the Farey tree of the dominant
//! ratios).

use crate::output::{RunFolder, TerminalProgress, VERSION};
use anyhow::{Context, bail};
use dgnn_core::{Envelope, ParamGuard, Seed};
use dgnn_lock::controls::ControlParams;
use dgnn_lock::events::{BreathOptions, RPeakOptions, detect_breaths, detect_r_peaks};
use dgnn_lock::farey::tree_view;
use dgnn_lock::read::{CsvOptions, Format, read};
use dgnn_lock::surrogates::SurrogateKind;
use dgnn_lock::sync::{SyncAnalysis, SyncParams, SyncSummary, analyse, synchrogram};
use dgnn_plot::Plot;
use serde::Serialize;
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
    /// Surrogate kind.
    #[arg(long, value_enum, default_value_t = Surrogate::TimeShift)]
    pub surrogate: Surrogate,
    /// False-discovery rate across windows.
    #[arg(long, default_value_t = 0.05)]
    pub alpha: f64,
    /// Master seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The result folder (default: the first free `runs/sync-N`).
    #[arg(long, value_name = "DIR")]
    #[serde(skip)]
    pub out: Option<PathBuf>,
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

/// The signals the analysis needs.
struct Input {
    fs_hz: f64,
    ecg: Vec<f64>,
    resp: Vec<f64>,
    source: String,
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
            source: format!("control {control:?}"),
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
    let ecg = recording.finite_channel(&args.ecg)?.to_vec();
    let resp = recording.finite_channel(&args.resp)?.to_vec();
    Ok(Input { fs_hz: recording.fs_hz, ecg, resp, source: path.display().to_string() })
}

/// Runs `dgnn sync`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let params = SyncParams {
        window_s: args.window,
        step_s: args.step,
        surrogates: args.surrogates,
        surrogate: match args.surrogate {
            Surrogate::TimeShift => SurrogateKind::TimeShift,
            Surrogate::Fourier => SurrogateKind::Fourier,
            Surrogate::Iaaft => SurrogateKind::Iaaft,
            Surrogate::Twin => SurrogateKind::Twin,
        },
        alpha: args.alpha,
        ..SyncParams::default()
    }
    .check()
    .context("checking the analysis options")?;
    let input = load(&args)?;
    let folder = RunFolder::create_or_default(args.out.as_deref(), "sync")?;
    eprintln!(
        "{}: {:.1} min at {} Hz",
        input.source,
        input.ecg.len() as f64 / input.fs_hz / 60.0,
        input.fs_hz
    );
    let beats = detect_r_peaks(&input.ecg, input.fs_hz, &RPeakOptions::default().check()?)
        .context("detecting R-peaks")?;
    let breaths = detect_breaths(&input.resp, input.fs_hz, &BreathOptions::default().check()?)
        .context("detecting breaths")?;
    let progress = TerminalProgress::new();
    let analysis = analyse(&beats, &input.resp, input.fs_hz, &params, Seed(args.seed), &progress)?;
    write_tables(&folder, &analysis, &breaths)?;
    let duration = input.ecg.len() as f64 / input.fs_hz;
    let figures = analysis.summary(breaths.len(), duration, params.alpha);
    write_plots(&folder, &analysis)?;
    let text = summary_text(&input.source, &figures, &analysis);
    dgnn_core::atomic_write(&folder.file("summary.txt"), text.as_bytes())?;
    folder.write_envelope(&Envelope::new(
        "sync",
        VERSION,
        Some(Seed(args.seed)),
        (&args, &params),
        &figures,
    ))?;
    eprint!("{text}");
    eprintln!("wrote {}", folder.path().display());
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
            lambda: w.dominant.map(|d| d.lambda),
            gamma: w.dominant.map(|d| d.gamma),
            p_value: w.p_value,
            significant: w.significant,
            note: w.not_enough_data.clone().unwrap_or_default(),
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

fn summary_text(source: &str, f: &SyncSummary, analysis: &SyncAnalysis) -> String {
    let all_dominant = analysis.dominant_ratio_counts();
    format!(
        "dgnn sync — {source}\n\
         duration {:.1} min; {} beats ({:.1}/min), {} breaths ({:.1}/min), {:.2} beats per breath\n\
         windows: {} ({} analysed, {} significant after FDR; p threshold {:.3})\n\
         verdict: {}\n\n\
         dominant ratio per analysed window, on the Stern–Brocot tree (×count):\n{}\n\
         significant windows by ratio: {}\n",
        f.duration_s / 60.0,
        f.beats,
        f.heart_rate_per_min,
        f.breaths,
        f.breathing_rate_per_min,
        f.beats_per_breath,
        f.windows,
        f.windows_analysed,
        f.windows_significant,
        f.p_threshold,
        f.verdict,
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
    )
}

fn write_plots(folder: &RunFolder, analysis: &SyncAnalysis) -> anyhow::Result<()> {
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
        let mid = |w: &dgnn_lock::sync::WindowResult| 0.5 * (w.start_s + w.end_s) / 60.0;
        let measured = analysed.iter().map(|w| (mid(w), w.frequency_ratio)).collect();
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
            .y_label("f_heart / f_resp")
            .line("measured ratio", measured);
        if !not_significant.is_empty() {
            plot = plot.points("dominant n:m, not significant", not_significant);
        }
        if !significant.is_empty() {
            plot = plot.points("dominant n:m, significant (FDR)", significant);
        }
        folder.write_plot("ratio", &plot)?;
    }
    Ok(())
}
