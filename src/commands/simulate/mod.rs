//! `dgnn simulate [CONFIG.ron] [--out DIR]`: integrate a single phase SDE, an ensemble, an
//! oscillator network (optionally plastic), a Kuramoto sweep, an attractor map or a plastic
//! network's coupling hysteresis, from a
//! documented RON config, and write a result folder: `result.json`/`result.ron` (the envelope:
//! command, version, seed, checked config, figures), `config.ron` (to re-run), CSV tables and
//! SVG+PNG plots. `dgnn simulate --example NAME` prints a commented example config; with no
//! config the bundled `hkb` example runs.
//!
//! The config format (every field, its meaning and default) is documented on [`Config`] and the
//! types it contains, and shown by the examples. RON is read with the `implicit_some` and
//! `unwrap_variant_newtypes` extensions, so `first_passage: (lower: -1.0, upper: 1.0)` and
//! `model: Ensemble(potential: …)` need no extra `Some(…)` or parentheses.

mod config;
mod ensemble;
mod examples;
mod hysteresis;
mod map;
mod network;
mod sweep;
mod trajectory;

pub use config::*;
use ensemble::{EnsembleFigures, check_passage, ensemble, ensemble_params};
use examples::{
    ATTRACTOR_MAP_EXAMPLE, EXTENDED_HKB_EXAMPLE, HKB_EXAMPLE, KURAMOTO_EXAMPLE,
    KURAMOTO_GAUSSIAN_EXAMPLE, NETWORK_EXAMPLE, PLASTIC_HYSTERESIS_EXAMPLE, SINGLE_EXAMPLE,
};
use hysteresis::{HysteresisFigures, hysteresis, hysteresis_setup};
use map::{MapFigures, map, map_axes};
use network::{NetworkFigures, build_network, network};
use sweep::{SweepFigures, sweep, sweep_params};
use trajectory::{SingleFigures, single};

use crate::output::{RunFolder, TerminalProgress, VERSION};
use anyhow::Context;
use dgnn_core::error::{at_least, finite, positive};
use dgnn_core::{Envelope, ParamGuard, Seed};
use dgnn_dynamics::sde::{PhaseSde, check_scheme_step};
use serde::Serialize;
use std::path::PathBuf;

/// Arguments of `dgnn simulate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The RON config to run (default: the bundled `hkb` example).
    pub config: Option<PathBuf>,
    /// The result folder (default: the first free `runs/simulate-N`).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Print the commented example config NAME and exit (hkb, extended-hkb, kuramoto,
    /// kuramoto-gaussian, network, single, attractor-map, plastic-hysteresis).
    #[arg(long, value_name = "NAME", conflicts_with = "config")]
    pub example: Option<String>,
}

/// The names and texts of the bundled example configs.
pub const EXAMPLES: &[(&str, &str)] = &[
    ("hkb", HKB_EXAMPLE),
    ("extended-hkb", EXTENDED_HKB_EXAMPLE),
    ("kuramoto", KURAMOTO_EXAMPLE),
    ("kuramoto-gaussian", KURAMOTO_GAUSSIAN_EXAMPLE),
    ("network", NETWORK_EXAMPLE),
    ("single", SINGLE_EXAMPLE),
    ("attractor-map", ATTRACTOR_MAP_EXAMPLE),
    ("plastic-hysteresis", PLASTIC_HYSTERESIS_EXAMPLE),
];

/// Reads a config from RON text (`implicit_some` and `unwrap_variant_newtypes` enabled).
pub fn parse_config(text: &str) -> anyhow::Result<Config> {
    crate::config::parse_ron(text)
}

/// Reads and checks a simulate config as `dgnn simulate CONFIG` does before any work (the
/// fuzz harness's entry).
///
/// # Errors
/// The refusal `dgnn simulate` would print.
pub fn check_config_text(text: &str) -> anyhow::Result<()> {
    check(&parse_config(text)?)
}

/// Writes a config as RON that [`parse_config`] reads back (same extensions).
pub fn config_to_ron(config: &Config) -> anyhow::Result<String> {
    crate::config::to_ron(config)
}

/// Runs `dgnn simulate`.
pub fn run(args: Args) -> anyhow::Result<()> {
    if let Some(name) = &args.example {
        let text =
            EXAMPLES.iter().find(|(n, _)| n == name).map(|(_, t)| *t).with_context(|| {
                let names: Vec<&str> = EXAMPLES.iter().map(|(n, _)| *n).collect();
                format!("unknown example `{name}`: choose one of {}", names.join(", "))
            })?;
        print!("{text}");
        return Ok(());
    }
    let (config, source) = match &args.config {
        Some(path) => (crate::config::read_ron_file(path)?, path.display().to_string()),
        None => (
            parse_config(HKB_EXAMPLE).context("the bundled hkb example")?,
            "the bundled hkb example".into(),
        ),
    };
    // Check everything before creating the folder, so bad input leaves nothing behind.
    check(&config).with_context(|| format!("checking {source}"))?;
    let folder = RunFolder::create_or_default(args.out.as_deref(), "simulate")?;
    crate::config::write_ron_file(&folder.file("config.ron"), &config)?;
    let progress = TerminalProgress::new();
    let seed = Seed(config.seed);
    let summary = match &config.model {
        Model::Single(c) => single(c, seed, &folder, &config)?,
        Model::Ensemble(c) => ensemble(c, seed, &folder, &config, &progress)?,
        Model::Network(c) => network(c, seed, &folder, &config, &progress)?,
        Model::KuramotoSweep(c) => sweep(c, &folder, &config, &progress)?,
        Model::AttractorMap(c) => map(c, &folder, &config)?,
        Model::PlasticHysteresis(c) => hysteresis(c, &folder, &config, &progress)?,
    };
    println!("{summary}");
    println!("results in {}", folder.path().display());
    Ok(())
}

/// Checks a config fully (the same checks the runs make, before any work).
pub fn check(config: &Config) -> anyhow::Result<()> {
    let (what, needed, fix) = memory_estimate(&config.model);
    crate::memory::check_fits(what, needed, fix)?;
    match &config.model {
        Model::Single(c) => {
            let potential = c.potential.build().map_err(|e| e.within("single"))?;
            let sde = PhaseSde::new(potential, c.q).map_err(|e| e.within("single"))?;
            positive("single.dt", c.dt)?;
            check_scheme_step(&sde, &c.scheme, c.dt).map_err(|e| e.within("single"))?;
            at_least("single.steps", c.steps, 1)?;
            at_least("single.record_every", c.record_every, 1)?;
            finite("single.initial_phase", c.initial_phase)?;
            dgnn_dynamics::sde::check_scheme(&sde, &c.scheme)?;
        }
        Model::Ensemble(c) => {
            let potential = c.potential.build().map_err(|e| e.within("ensemble"))?;
            let sde = PhaseSde::new(potential, c.q).map_err(|e| e.within("ensemble"))?;
            ensemble_params(c).check().map_err(|e| e.within("ensemble"))?;
            dgnn_dynamics::sde::check_scheme(&sde, &c.scheme)?;
            check_scheme_step(&sde, &c.scheme, c.dt).map_err(|e| e.within("ensemble"))?;
            check_passage(c)?;
        }
        Model::Network(c) => {
            build_network(c)?;
        }
        Model::KuramotoSweep(c) => {
            sweep_params(c, Seed(config.seed))?;
        }
        Model::AttractorMap(c) => {
            map_axes(c)?;
        }
        Model::PlasticHysteresis(c) => {
            hysteresis_setup(c)?;
        }
    }
    Ok(())
}

/// An upper estimate of the memory a run of `model` needs (`None`: its sizes overflow), with
/// the run's description and the fields to lower: the arrays it holds and the records it keeps,
/// 8 bytes per number with headroom for copies.
fn memory_estimate(model: &Model) -> (&'static str, Option<u64>, &'static str) {
    use crate::memory::product;
    let add = |parts: &[Option<u64>]| parts.iter().try_fold(0u64, |acc, p| acc.checked_add((*p)?));
    let count = |f: &FrequencyConfig| match f {
        FrequencyConfig::Lorentzian { count, .. } | FrequencyConfig::Gaussian { count, .. } => {
            *count
        }
        FrequencyConfig::Values(values) => values.len(),
    };
    let records = |steps: usize, every: usize| steps / every.max(1) + 1;
    match model {
        Model::Single(c) => (
            "the trajectory of `single.steps / single.record_every` records",
            product(&[records(c.steps, c.record_every), 32]),
            "lower single.steps or raise single.record_every",
        ),
        Model::Ensemble(c) => {
            let passages = c.first_passage.map_or(0, |p| p.trajectories);
            (
                "the ensemble of `ensemble.trajectories` (with `bins` and first passages)",
                add(&[
                    product(&[c.trajectories, 64]),
                    product(&[c.bins, 16]),
                    product(&[passages, 32]),
                ]),
                "lower ensemble.trajectories, ensemble.bins or first_passage.trajectories",
            )
        }
        Model::Network(c) => {
            let n = count(&c.frequencies);
            (
                "the network of `network.frequencies` oscillators and its records",
                add(&[
                    product(&[n, n, 32]),
                    product(&[records(c.steps, c.record_every), n.saturating_add(4), 16]),
                ]),
                "lower the oscillator count, network.steps, or raise network.record_every",
            )
        }
        Model::KuramotoSweep(c) => (
            "the sweep of `kuramoto.oscillators` over `k_count` couplings",
            add(&[product(&[c.oscillators, 64]), product(&[c.k_count, 64])]),
            "lower kuramoto.oscillators or kuramoto.k_count",
        ),
        Model::AttractorMap(c) => (
            "the attractor map of `b_count × detuning_count` cells",
            add(&[
                product(&[c.b_count, c.detuning_count, 128]),
                product(&[c.b_count, 8]),
                product(&[c.detuning_count, 8]),
            ]),
            "lower attractor_map.b_count or attractor_map.detuning_count",
        ),
        Model::PlasticHysteresis(c) => {
            let n = count(&c.frequencies);
            (
                "the plastic network of `hysteresis.frequencies` oscillators over its couplings",
                add(&[
                    product(&[n, n, 48]),
                    product(&[c.couplings.len(), records(c.stay_steps, c.record_every), 32]),
                ]),
                "lower the oscillator count, hysteresis.stay_steps, or raise record_every",
            )
        }
    }
}

/// Writes the envelope of a run, refusing figures that are not all finite numbers: the error
/// names the first one (`mean_frequency_standard_error = inf`), and no `result.json` claims it.
fn write_figures(
    folder: &RunFolder,
    seed: Seed,
    config: &Config,
    figures: Figures,
) -> anyhow::Result<()> {
    if let Some(bad) = crate::output::first_non_finite(&figures) {
        anyhow::bail!(
            "the simulation produced a non-finite result: {bad} (the first such figure; the \
             tables and plots so far are in {}, result.json was not written): reduce `dt` or the \
             parameters' magnitudes",
            folder.path().display()
        );
    }
    folder.write_envelope(&Envelope::new("simulate", VERSION, Some(seed), config, figures))
}

/// The figures of one run, as written to `result.json`.
#[derive(Debug, Serialize)]
#[serde(untagged)]
enum Figures {
    Single(SingleFigures),
    Ensemble(Box<EnsembleFigures>),
    Network(NetworkFigures),
    Sweep(SweepFigures),
    Map(MapFigures),
    Hysteresis(HysteresisFigures),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_parses_and_checks() {
        for (name, text) in EXAMPLES {
            let config = parse_config(text).unwrap_or_else(|e| panic!("{name}: {e}"));
            check(&config).unwrap_or_else(|e| panic!("{name}: {e:#}"));
            // The saved `config.ron` parses back to the same config.
            let again = config_to_ron(&config).unwrap();
            assert_eq!(parse_config(&again).unwrap(), config, "{name}");
        }
    }

    #[test]
    fn unknown_fields_are_rejected() {
        let text = HKB_EXAMPLE.replace("bins: 64,", "bins: 64, colour: 3,");
        assert!(parse_config(&text).is_err());
        let text = HKB_EXAMPLE.replace("Hkb(a: 1.0, b: 0.5)", "Hkb(a: 1.0, b: 0.5, c: 1.0)");
        assert!(parse_config(&text).is_err());
    }

    #[test]
    fn example_sizes_do_not_touch_the_file_system_when_bad() {
        let text = HKB_EXAMPLE.replace("dt: 0.01,", "dt: -0.01,");
        let err = check(&parse_config(&text).unwrap()).unwrap_err();
        assert!(format!("{err:#}").contains("ensemble.dt"), "{err:#}");
    }
}
