//! Every experiment by name, for callers that choose one at run time (`dgnn experiment NAME`).
//!
//! [`prepare`] turns a request (name, optional RON config text, `--quick`, `--seeds N`) into a
//! checked [`Prepared`] run — every error arrives before any folder exists — and
//! [`Prepared::run`] runs it into a folder. [`resume`] continues a stopped run from its folder.

use std::path::Path;
use std::sync::atomic::AtomicBool;

use dgnn_core::{ParamError, Progress};

use crate::LabError;
use crate::experiment::{Experiment, ExperimentInfo};
use crate::experiments::development::Development;
use crate::experiments::energy_information::EnergyInformation;
use crate::experiments::glia_ratio::GliaRatio;
use crate::experiments::multitask::Multitask;
use crate::experiments::phase_weight::PhaseWeight;
use crate::experiments::sleep_wake::SleepWake;
use crate::run::{EXPERIMENT_FILE, ItemRunner, ItemServer, RunEnd, check_config, run};

/// Applies `$body` with `$e` bound to the experiment named `$name`, or returns an
/// unknown-experiment error.
macro_rules! with_experiment {
    ($name:expr, |$e:ident| $body:expr) => {
        match $name {
            "energy-information" => {
                let $e = EnergyInformation;
                $body
            }
            "phase-weight" => {
                let $e = PhaseWeight;
                $body
            }
            "multitask" => {
                let $e = Multitask;
                $body
            }
            "glia-ratio" => {
                let $e = GliaRatio;
                $body
            }
            "development" => {
                let $e = Development;
                $body
            }
            "sleep-wake" => {
                let $e = SleepWake;
                $body
            }
            other => Err(unknown(other)),
        }
    };
}

/// Every experiment's name and question, in the order `--list` prints them.
#[must_use]
pub fn list() -> Vec<ExperimentInfo> {
    vec![
        EnergyInformation.info(),
        PhaseWeight.info(),
        Multitask.info(),
        GliaRatio.info(),
        Development.info(),
        SleepWake.info(),
    ]
}

fn unknown(name: &str) -> LabError {
    let known: Vec<&str> = list().iter().map(|i| i.name).collect();
    ParamError::new(
        "experiment",
        name,
        format!("unknown experiment; choose one of: {} (dgnn experiment --list)", known.join(", ")),
    )
    .into()
}

/// The commented example config of an experiment.
///
/// # Errors
/// An unknown name.
pub fn example(name: &str) -> Result<String, LabError> {
    with_experiment!(name, |e| Ok(e.example()))
}

/// What the caller asks for.
#[derive(Debug, Clone, Default)]
pub struct Request<'a> {
    /// The experiment's name.
    pub name: &'a str,
    /// A RON config (default: the default or quick config).
    pub config: Option<&'a str>,
    /// The `--quick` size instead of the default (ignored when a config is given).
    pub quick: bool,
    /// Run on seeds `1..=n` instead of the config's.
    pub seeds: Option<usize>,
}

/// A checked run, ready to go into a folder.
pub struct Prepared {
    name: &'static str,
    config_ron: String,
}

impl Prepared {
    /// The experiment's name.
    #[must_use]
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The checked config as RON text (what other processes serving this run need, with the
    /// name).
    #[must_use]
    pub fn config_ron(&self) -> &str {
        &self.config_ron
    }

    /// The run another process prepared: `name` and its `config_ron`, checked again.
    ///
    /// # Errors
    /// An unknown experiment or a config that does not check.
    pub fn shared(name: &str, config_ron: &str) -> Result<Self, LabError> {
        with_experiment!(name, |e| {
            let config = parse(&e, config_ron)?;
            check_config(&e, &config)?;
            Ok(Self { name: e.info().name, config_ron: config_ron.to_string() })
        })
    }

    /// The stopped run in `dir` (its experiment and `config.ron`), for [`resume`] and the
    /// processes that serve it.
    ///
    /// # Errors
    /// A folder that is not an experiment run.
    pub fn of_folder(dir: &Path) -> Result<Self, LabError> {
        let read = |path: std::path::PathBuf| {
            std::fs::read_to_string(&path).map_err(|source| {
                LabError::Core(dgnn_core::CoreError::Io { action: "read", path, source })
            })
        };
        let name = read(dir.join(EXPERIMENT_FILE))?;
        let config_ron = read(dir.join("config.ron"))?;
        Self::shared(name.trim(), &config_ron)
    }

    /// Runs into the fresh folder `dir` (see [`crate::run()`]), its items in this process or
    /// through `runner`.
    ///
    /// # Errors
    /// As [`crate::run()`].
    pub fn run(
        &self,
        dir: &Path,
        version: &str,
        progress: &dyn Progress,
        stop: &AtomicBool,
        runner: Option<&dyn ItemRunner>,
    ) -> Result<RunEnd, LabError> {
        with_experiment!(self.name, |e| {
            let config = parse(&e, &self.config_ron)?;
            run(&e, Some(config), dir, version, progress, stop, runner)
        })
    }

    /// Runs items of this run for another process (see [`crate::run::serve`]).
    ///
    /// # Errors
    /// As [`crate::run::serve`].
    pub fn serve(&self, server: &dyn ItemServer) -> Result<(), LabError> {
        with_experiment!(self.name, |e| {
            let config = parse(&e, &self.config_ron)?;
            crate::run::serve(&e, &config, server)
        })
    }
}

/// Parses a config text for experiment `e`, naming the experiment in the error.
fn parse<E: Experiment>(e: &E, text: &str) -> Result<E::Config, LabError> {
    dgnn_core::config::from_ron(text).map_err(|err| {
        ParamError::new(
            "config",
            err.to_string(),
            format!(
                "is not a config of `{}` (print one with dgnn experiment --example {})",
                e.info().name,
                e.info().name
            ),
        )
        .into()
    })
}

/// Checks a request: the name, the config, the seeds and the rules. Nothing is written.
///
/// # Errors
/// An unknown experiment, an unreadable config, fewer than two seeds, a rule naming an unknown
/// quantity, or any bad field.
pub fn prepare(request: &Request<'_>) -> Result<Prepared, LabError> {
    with_experiment!(request.name, |e| {
        let mut config = match request.config {
            Some(text) => parse(&e, text)?,
            None if request.quick => e.quick_config(),
            None => e.default_config(),
        };
        if let Some(n) = request.seeds {
            e.common_mut(&mut config).seeds = (1..=n as u64).collect();
        }
        check_config(&e, &config)?;
        let config_ron = dgnn_core::config::to_ron(&config).map_err(|err| {
            ParamError::new("config", err.to_string(), "could not be written as RON")
        })?;
        Ok(Prepared { name: e.info().name, config_ron })
    })
}

/// Continues the stopped run in `dir` (its `config.ron` and saved items).
///
/// # Errors
/// A folder that is not an experiment run, or as [`crate::run()`].
pub fn resume(
    dir: &Path,
    version: &str,
    progress: &dyn Progress,
    stop: &AtomicBool,
    runner: Option<&dyn ItemRunner>,
) -> Result<RunEnd, LabError> {
    let path = dir.join(EXPERIMENT_FILE);
    let name = std::fs::read_to_string(&path).map_err(|source| {
        LabError::Core(dgnn_core::CoreError::Io { action: "read", path: path.clone(), source })
    })?;
    with_experiment!(name.trim(), |e| run(&e, None, dir, version, progress, stop, runner))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `--example NAME` prints the default config: parsing it gives exactly the default.
    #[test]
    fn every_example_is_its_default_config() {
        for info in list() {
            let checked: Result<(), LabError> = with_experiment!(info.name, |e| {
                parse(&e, &e.example())
                    .map(|parsed| assert_eq!(parsed, e.default_config(), "{}", info.name))
            });
            checked.unwrap();
        }
    }

    #[test]
    fn unknown_names_list_the_known_ones() {
        let err = example("nope").unwrap_err().to_string();
        assert!(err.contains("energy-information"), "{err}");
    }
}
