//! `dgnn simulate <config.ron>`: integrate a single SDE, an ensemble or a network.

use std::path::PathBuf;

/// Arguments of `dgnn simulate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The RON config to run.
    pub config: Option<PathBuf>,
}

/// Runs `dgnn simulate`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`dgnn simulate` is being built (issue #2)")
}
