//! Running an experiment into its folder: items in parallel, each outcome saved as it finishes,
//! stop at an item boundary, resume with the finished items kept, then the report.
//!
//! Items run in this process (rayon over the pending items) unless an [`ItemRunner`] spreads
//! them over other processes (the ranks of an MPI job, in the binary): each process that runs
//! items does so through [`ItemServer`] with the same experiment and config, an item's outcome
//! travels as RON text (exact for every float), and this process saves every outcome, so the
//! folder is the same wherever the items ran.
//!
//! Folder layout:
//! - `config.ron` — the checked config, decision rules included, written before any item runs;
//! - `items/NNNN.ron` — one finished item and its outcome each (atomic writes);
//! - after the last item: `report.md`, `results.csv`, `result.json` (the envelope: version,
//!   config, estimates, decision), and every figure as SVG and PNG.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use dgnn_core::envelope::{read_ron, write_ron};
use dgnn_core::{Envelope, Progress, atomic_write};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::LabError;
use crate::experiment::{Analysis, Experiment};
use crate::report::{RunFacts, write_report};
use crate::rule::Decision;

/// How a run ended.
#[derive(Debug, Clone, PartialEq)]
pub enum RunEnd {
    /// Every item ran and the report was written.
    Finished(Box<Finished>),
    /// The stop flag was raised: `done` of `total` items are saved; `--resume` continues.
    Stopped {
        /// Items finished (saved in `items/`).
        done: usize,
        /// Items in the run.
        total: usize,
    },
}

/// The figures of a finished run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finished {
    /// The decision of each rule, in the config's order.
    pub decisions: Vec<Decision>,
    /// The answer in one sentence.
    pub answer: String,
    /// The estimates the rules read, by quantity.
    pub estimates: std::collections::BTreeMap<String, crate::stats::Interval>,
    /// Wall time of the items run by this process (seconds; zero for items kept from an
    /// earlier, stopped process).
    pub item_seconds: f64,
    /// Items kept from an earlier process.
    pub resumed_items: usize,
}

/// One saved item: its index, the item and its outcome.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct SavedItem<I, O> {
    index: usize,
    item: I,
    outcome: O,
}

/// How one item runs for an [`ItemRunner`] or an [`ItemServer`]: its outcome as RON text, or
/// the message of its failure.
pub type ItemWork<'a> = dyn Fn(usize) -> Result<String, String> + Sync + 'a;

/// Where a finished item's outcome (RON text, or the message of its failure) goes.
pub type ItemDone<'a> = dyn Fn(usize, Result<String, String>) + Sync + 'a;

/// Runs the pending items of a run somewhere else than in this process alone (module docs).
pub trait ItemRunner {
    /// Runs every item of `pending` (indices) with `work` — here or in processes that serve the
    /// same experiment — and hands each outcome to `done` in this process as it ends. Once
    /// `stop` is raised no item starts.
    ///
    /// # Errors
    /// [`LabError::Distributed`] when the other processes cannot be reached.
    fn run_items(
        &self,
        pending: &[usize],
        work: &ItemWork<'_>,
        done: &ItemDone<'_>,
        stop: &AtomicBool,
    ) -> Result<(), LabError>;
}

/// Runs items for another process's [`ItemRunner`].
pub trait ItemServer {
    /// Runs the items it is handed with `work` until the runner has no more.
    ///
    /// # Errors
    /// [`LabError::Distributed`] when the runner cannot be reached.
    fn serve(&self, work: &ItemWork<'_>) -> Result<(), LabError>;
}

/// Serves the items of `experiment` with `config` to `server` (a process helping another run
/// the same experiment; module docs).
///
/// # Errors
/// A bad config, or the server's failure.
pub fn serve<E: Experiment>(
    experiment: &E,
    config: &E::Config,
    server: &dyn ItemServer,
) -> Result<(), LabError> {
    check_config(experiment, config)?;
    let items = experiment.items(config);
    let work = |index: usize| -> Result<String, String> {
        let item = items.get(index).ok_or_else(|| format!("no item {index}"))?;
        let outcome = experiment.run_item(config, item).map_err(|e| e.to_string())?;
        dgnn_core::config::to_ron(&outcome).map_err(|e| e.to_string())
    };
    server.serve(&work)
}

/// Runs `experiment` with `config` into the fresh folder `dir`, or continues the run already
/// in `dir` when `resume` is set (its `config.ron` is then the config, and `config` must be
/// `None`). Progress counts items; `stop` is read before each item starts. Items run in this
/// process, or through `runner` when one is given.
///
/// # Errors
/// A bad config (before any file is written), an item's failure (finished items are kept),
/// a file that cannot be written, or a folder whose saved items do not belong to its config.
pub fn run<E: Experiment>(
    experiment: &E,
    config: Option<E::Config>,
    dir: &Path,
    version: &str,
    progress: &dyn Progress,
    stop: &AtomicBool,
    runner: Option<&dyn ItemRunner>,
) -> Result<RunEnd, LabError> {
    let config_path = dir.join("config.ron");
    let config = match config {
        Some(config) => {
            check_config(experiment, &config)?;
            write_config(&config_path, &config)?;
            atomic_write(&dir.join(EXPERIMENT_FILE), experiment.info().name.as_bytes())?;
            config
        }
        None => {
            let config = read_config::<E::Config>(&config_path)?;
            check_config(experiment, &config)?;
            config
        }
    };
    let items = experiment.items(&config);
    let items_dir = dir.join("items");
    std::fs::create_dir_all(&items_dir).map_err(|source| dgnn_core::CoreError::Io {
        action: "create directory",
        path: items_dir.clone(),
        source,
    })?;
    let mut outcomes = load_saved::<E>(&items_dir, &items)?;
    let resumed_items = outcomes.iter().flatten().count();
    progress.start(items.len() as u64, experiment.info().name);
    progress.advance(resumed_items as u64);
    let started = Instant::now();
    let pending: Vec<usize> = (0..items.len()).filter(|&i| outcomes[i].is_none()).collect();
    let fresh: Vec<(usize, Option<E::Outcome>)> = match runner {
        Some(runner) => {
            let saved = Saved { items: &items, items_dir: &items_dir, progress };
            run_elsewhere(experiment, &config, &pending, saved, runner, stop)?
        }
        None => pending
            .par_iter()
            .map(|&index| -> Result<(usize, Option<E::Outcome>), LabError> {
                if stop.load(Ordering::SeqCst) {
                    return Ok((index, None));
                }
                let outcome = experiment.run_item(&config, &items[index])?;
                let saved = SavedItem { index, item: items[index].clone(), outcome };
                write_ron(&item_path(&items_dir, index), &saved)?;
                progress.advance(1);
                Ok((index, Some(saved.outcome)))
            })
            .collect::<Result<_, _>>()?,
    };
    let item_seconds = started.elapsed().as_secs_f64();
    for (index, outcome) in fresh {
        outcomes[index] = outcome;
    }
    let done = outcomes.iter().flatten().count();
    if done < items.len() {
        progress.finish();
        return Ok(RunEnd::Stopped { done, total: items.len() });
    }
    let results: Vec<(E::Item, E::Outcome)> =
        items.into_iter().zip(outcomes.into_iter().flatten()).collect();
    let analysis = experiment.analyse(&config, &results)?;
    let finished = finish(
        experiment,
        &config,
        &results,
        analysis,
        dir,
        version,
        RunFacts { item_seconds, resumed_items, items: results.len() },
    )?;
    progress.finish();
    Ok(RunEnd::Finished(Box::new(finished)))
}

/// Where [`run_elsewhere`] saves outcomes.
struct Saved<'a, I> {
    items: &'a [I],
    items_dir: &'a Path,
    progress: &'a dyn Progress,
}

/// Outcomes by item index (`None`: not run).
type Outcomes<O> = Vec<(usize, Option<O>)>;

/// The pending items run through `runner`: every outcome read back from its text and saved
/// here as it arrives; the first failure is returned after the runner ends.
fn run_elsewhere<E: Experiment>(
    experiment: &E,
    config: &E::Config,
    pending: &[usize],
    saved: Saved<'_, E::Item>,
    runner: &dyn ItemRunner,
    stop: &AtomicBool,
) -> Result<Outcomes<E::Outcome>, LabError> {
    let Saved { items, items_dir, progress } = saved;
    let work = |index: usize| -> Result<String, String> {
        let outcome = experiment.run_item(config, &items[index]).map_err(|e| e.to_string())?;
        dgnn_core::config::to_ron(&outcome).map_err(|e| e.to_string())
    };
    let arrived: std::sync::Mutex<Outcomes<E::Outcome>> =
        std::sync::Mutex::new(Vec::with_capacity(pending.len()));
    let failure: std::sync::Mutex<Option<LabError>> = std::sync::Mutex::new(None);
    let done = |index: usize, text: Result<String, String>| {
        let kept = (|| -> Result<E::Outcome, LabError> {
            let item = || format!("{:?}", items[index]);
            let text = text.map_err(|message| LabError::Item { item: item(), message })?;
            let outcome: E::Outcome = dgnn_core::config::from_ron(&text)
                .map_err(|e| LabError::Item { item: item(), message: e.to_string() })?;
            let saved = SavedItem { index, item: items[index].clone(), outcome };
            write_ron(&item_path(items_dir, index), &saved)?;
            progress.advance(1);
            Ok(saved.outcome)
        })();
        match kept {
            Ok(outcome) => {
                if let Ok(mut arrived) = arrived.lock() {
                    arrived.push((index, Some(outcome)));
                }
            }
            Err(error) => {
                if let Ok(mut failure) = failure.lock() {
                    failure.get_or_insert(error);
                }
            }
        }
    };
    runner.run_items(pending, &work, &done, stop)?;
    if let Some(error) = failure.into_inner().ok().flatten() {
        return Err(error);
    }
    Ok(arrived.into_inner().unwrap_or_default())
}

/// Checks the common and the experiment-specific parts of a config (the runner does this before
/// writing anything; callers that create the run folder call it first, so a bad config leaves
/// no folder behind).
///
/// # Errors
/// The first bad field or rule condition.
pub fn check_config<E: Experiment>(experiment: &E, config: &E::Config) -> Result<(), LabError> {
    experiment.common(config).check(experiment.quantities())?;
    experiment.check(config)
}

/// The file naming the experiment of a run folder (read by `--resume`).
pub const EXPERIMENT_FILE: &str = "experiment.txt";

/// Writes a config as RON in dgnn's config format (`dgnn_core::config`), atomically.
fn write_config<C: Serialize>(path: &Path, config: &C) -> Result<(), LabError> {
    let text = dgnn_core::config::to_ron(config).map_err(|e| dgnn_core::CoreError::Format {
        format: "RON",
        path: path.into(),
        message: e.to_string(),
    })?;
    Ok(atomic_write(path, text.as_bytes())?)
}

/// Reads a config written by [`write_config`] (or by hand).
fn read_config<C: serde::de::DeserializeOwned>(path: &Path) -> Result<C, LabError> {
    let io = |source| dgnn_core::CoreError::Io { action: "read", path: path.into(), source };
    let text = std::fs::read_to_string(path).map_err(io)?;
    dgnn_core::config::from_ron(&text).map_err(|e| {
        dgnn_core::CoreError::Format { format: "RON", path: path.into(), message: e.to_string() }
            .into()
    })
}

fn item_path(items_dir: &Path, index: usize) -> PathBuf {
    items_dir.join(format!("{index:04}.ron"))
}

/// The outcomes already saved in `items_dir`, by item index; an item file that does not hold
/// the item expected at its index means the folder belongs to another config.
fn load_saved<E: Experiment>(
    items_dir: &Path,
    items: &[E::Item],
) -> Result<Vec<Option<E::Outcome>>, LabError> {
    let mut outcomes = vec![None; items.len()];
    for (index, expected) in items.iter().enumerate() {
        let path = item_path(items_dir, index);
        if !path.exists() {
            continue;
        }
        let saved: SavedItem<E::Item, E::Outcome> = read_ron(&path)?;
        if saved.index != index || &saved.item != expected {
            return Err(LabError::ForeignItem { path, expected: format!("{expected:?}") });
        }
        outcomes[index] = Some(saved.outcome);
    }
    Ok(outcomes)
}

/// Writes the results table, the figures, the envelope and the report.
fn finish<E: Experiment>(
    experiment: &E,
    config: &E::Config,
    results: &[(E::Item, E::Outcome)],
    analysis: Analysis,
    dir: &Path,
    version: &str,
    facts: RunFacts,
) -> Result<Finished, LabError> {
    write_results_csv(experiment, results, &dir.join("results.csv"))?;
    for figure in &analysis.figures {
        figure.plot.save_both(dir, &figure.stem)?;
    }
    let common = experiment.common(config);
    let decisions: Vec<Decision> =
        common.rules.iter().map(|rule| rule.decide(&analysis.estimates)).collect();
    let finished = Finished {
        decisions: decisions.clone(),
        answer: analysis.answer.clone(),
        estimates: analysis.estimates.clone(),
        item_seconds: facts.item_seconds,
        resumed_items: facts.resumed_items,
    };
    let envelope = Envelope::new(
        &format!("experiment {}", experiment.info().name),
        version,
        None,
        config,
        &finished,
    );
    envelope.write_json(&dir.join("result.json"))?;
    let report = write_report(experiment, config, &analysis, &decisions, version, &facts);
    atomic_write(&dir.join("report.md"), report.as_bytes())?;
    Ok(finished)
}

/// One row per item, columns from [`Experiment::row`] (RFC 4180 quoting).
fn write_results_csv<E: Experiment>(
    experiment: &E,
    results: &[(E::Item, E::Outcome)],
    path: &Path,
) -> Result<(), LabError> {
    let mut text = String::new();
    for (k, (item, outcome)) in results.iter().enumerate() {
        let row = experiment.row(item, outcome);
        if k == 0 {
            let header: Vec<String> = row.iter().map(|(name, _)| csv_cell(name)).collect();
            text.push_str(&header.join(","));
            text.push('\n');
        }
        let cells: Vec<String> = row.iter().map(|(_, value)| csv_cell(value)).collect();
        text.push_str(&cells.join(","));
        text.push('\n');
    }
    Ok(atomic_write(path, text.as_bytes())?)
}

/// A CSV cell, quoted when it holds a comma, a quote or a line break.
fn csv_cell(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}
