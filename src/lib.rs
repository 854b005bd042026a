//! The application layer of the `dgnn` command line: each subcommand reads its input, calls the
//! library crates and writes a result folder (figures as CSV/JSON, the config and seed as RON,
//! plots as SVG/PNG). Library crates know nothing of terminals or folders; this layer knows
//! nothing of the models beyond their public APIs.
//!
//! The canonical benchmark workloads of `docs/benchmarks.md` live in [`workloads`], shared by
//! `dgnn bench` and the criterion benches in `benches/`.

pub mod commands;
pub mod config;
pub mod memory;
pub mod output;
pub mod ranks;
pub mod workloads;

use clap::{Parser, Subcommand};

/// Energy-constrained neural architecture search over deep glial-neural networks.
#[derive(Debug, Parser)]
#[command(name = "dgnn", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands of `dgnn`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Search for deep glial-neural networks of minimum energy and maximum information (the
    /// main job; with no arguments, the bundled default on WDBC).
    Search(commands::search::Args),
    /// Redraw the pictures and the summary of a finished search run from its result files.
    Report(commands::report::Args),
    /// Integrate a phase SDE, an ensemble or an oscillator network from a RON config.
    Simulate(commands::simulate::Args),
    /// Run one canonical benchmark workload and print one JSON line.
    Bench(commands::bench::Args),
    /// Train one glia-neuron network and write metrics, energy, confusion matrix and the model.
    Train(commands::train::Args),
    /// Classify the rows of a CSV table with a trained network (a model file of train or
    /// search): predictions, energy per inference, and accuracy and information with labels.
    Predict(commands::predict::Args),
    /// Draw the Arnold tongues of the sine circle map (or of a forced flow) with exact edges.
    Tongues(commands::tongues::Args),
    /// Draw the devil's staircase of the sine circle map at one K, with its exact plateaus.
    Staircase(commands::staircase::Args),
    /// Analyse heart–breath n:m synchronisation in a recording, with surrogate p-values.
    Sync(commands::sync::Args),
    /// Answer one of the source paper's questions with an experiment: pre-declared decision
    /// rules, confidence intervals, a verdict and a report (see --list).
    Experiment(commands::experiment::Args),
}

/// The exit status of the process for an error of [`run`]: a command's own status when it
/// has one (`dgnn search`: [`commands::search::NO_NETWORK_MET_THE_CONSTRAINTS`]),
/// [`output::EXIT_STOPPED`] for a run stopped early by Ctrl-C ([`output::StoppedEarly`]), else
/// 1.
#[must_use]
pub fn exit_status(error: &anyhow::Error) -> i32 {
    if error.is::<commands::search::NoNetworkMetTheConstraints>() {
        commands::search::NO_NETWORK_MET_THE_CONSTRAINTS
    } else if error.is::<output::StoppedEarly>() {
        output::EXIT_STOPPED
    } else {
        1
    }
}

/// Runs one parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Search(args) => commands::search::run(args),
        Command::Report(args) => commands::report::run(args),
        Command::Simulate(args) => commands::simulate::run(args),
        Command::Bench(args) => commands::bench::run(args),
        Command::Train(args) => commands::train::run(args),
        Command::Predict(args) => commands::predict::run(args),
        Command::Tongues(args) => commands::tongues::run(args),
        Command::Staircase(args) => commands::staircase::run(args),
        Command::Sync(args) => commands::sync::run(args),
        Command::Experiment(args) => commands::experiment::run(args),
    }
}
