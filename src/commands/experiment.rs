//! `dgnn experiment`: the source paper's questions answered with data (dgnn-lab).
//!
//! - `dgnn experiment --list` prints every experiment's name and question;
//! - `dgnn experiment --example NAME` prints its commented config (the default size);
//! - `dgnn experiment NAME [CONFIG.ron] [--seeds N] [--quick] [--out DIR] [--threads N]` runs it
//!   into a fresh folder (default `runs/experiment-NAME-N`): `config.ron` with the decision
//!   rules first, one file per finished item in `items/`, then `report.md`, `results.csv`,
//!   `result.json` and the pictures;
//! - Ctrl-C stops at the next item boundary (exit status 130); `dgnn experiment --resume DIR`
//!   continues with the finished items kept.
//!
//! Everything the experiment does lives in dgnn-lab; this command parses arguments, chooses the
//! folder and draws progress. A bad request (unknown experiment, unreadable config, fewer than
//! two seeds, a rule naming an unknown quantity) is refused before any folder exists.

use crate::output::{
    RunFolder, StoppedEarly, TerminalProgress, VERSION, stop_on_ctrl_c, thread_pool,
};
use crate::ranks::{Job, RankItems, RootSetup, global_thread_pool, shared_config};
use anyhow::Context;
use dgnn_lab::ItemRunner;
use dgnn_lab::catalogue::{self, Prepared, Request};
use dgnn_lab::run::{Finished, RunEnd};
use dgnn_mpi::Transport;
use std::path::{Path, PathBuf};

/// Arguments of `dgnn experiment`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The experiment (see --list).
    #[arg(required_unless_present_any = ["list", "resume", "example"])]
    pub name: Option<String>,
    /// A RON config of the experiment (default: its default size, or --quick).
    pub config: Option<PathBuf>,
    /// List the experiments and their questions.
    #[arg(long, conflicts_with_all = ["name", "config", "resume", "example"])]
    pub list: bool,
    /// Print the commented config of an experiment and exit.
    #[arg(long, value_name = "NAME", conflicts_with_all = ["name", "config", "resume"])]
    pub example: Option<String>,
    /// Run on seeds 1..=N instead of the config's.
    #[arg(long, value_name = "N")]
    pub seeds: Option<usize>,
    /// The small version (under a minute on 2 cores), as the tests run it.
    #[arg(long, conflicts_with = "config")]
    pub quick: bool,
    /// The result folder (default: the first free `runs/experiment-NAME-N`).
    #[arg(long, value_name = "DIR", conflicts_with = "resume")]
    pub out: Option<PathBuf>,
    /// Continue the stopped run in DIR, keeping its finished items.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["name", "config", "seeds", "quick"])]
    pub resume: Option<PathBuf>,
    /// Worker threads (default: RAYON_NUM_THREADS, else all cores); results do not depend on it.
    /// Under --mpi: per rank.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Spread the items over the ranks of the MPI job this process was started in (`mpirun -np
    /// 4 dgnn experiment NAME --mpi`; a build with `--features mpi`): rank 0 writes the folder,
    /// every rank runs items. The results are those of the run without MPI.
    #[arg(long)]
    pub mpi: bool,
}

/// Runs `dgnn experiment`.
pub fn run(args: Args) -> anyhow::Result<()> {
    if args.list {
        for info in catalogue::list() {
            println!("{:<22} {}", info.name, info.question);
        }
        return Ok(());
    }
    if let Some(name) = &args.example {
        print!("{}", catalogue::example(name)?);
        return Ok(());
    }
    let pool = thread_pool(args.threads)?;
    let threads = pool.current_num_threads();
    if !args.mpi {
        return pool.install(|| run_items(&args, None));
    }
    // MPI is called from this thread only: the pool becomes rayon's global pool.
    drop(pool);
    global_thread_pool(threads)?;
    let job = Job::join()?;
    let transport = job.transport();
    if transport.rank() != 0 {
        let outcome = serve_items(transport, threads);
        return job.finish(outcome, true);
    }
    let setup = RootSetup::new(transport);
    let ranks = RankItems::new(transport, threads);
    let outcome = run_items(&args, Some(Ranks { setup: &setup, items: &ranks }));
    let others_waiting = setup.others_waiting();
    drop(setup);
    job.finish(outcome, others_waiting)
}

/// Rank 0 under `--mpi`: its setup and the items' hand-out over the ranks.
#[derive(Clone, Copy)]
struct Ranks<'a> {
    setup: &'a RootSetup<'a>,
    items: &'a RankItems<'a>,
}

/// A rank other than 0 under `--mpi`: runs the items rank 0 hands out, for the experiment and
/// config it shares.
fn serve_items(transport: &dyn Transport, threads: usize) -> anyhow::Result<()> {
    let Some((name, config_ron)) = shared_config::<(String, String)>(transport)? else {
        return Ok(());
    };
    let prepared = match Prepared::shared(&name, &config_ron) {
        Ok(prepared) => prepared,
        Err(error) => {
            dgnn_mpi::refuse(transport, &error.to_string())?;
            return Ok(());
        }
    };
    prepared.serve(&RankItems::new(transport, threads))?;
    Ok(())
}

/// Runs the experiment of `args` (fresh or resumed) in this process, or as rank 0 of an MPI
/// job.
fn run_items(args: &Args, ranks: Option<Ranks<'_>>) -> anyhow::Result<()> {
    let progress = TerminalProgress::new();
    let stop = stop_on_ctrl_c("after the running items")?;
    let runner = ranks.map(|r| r.items as &dyn ItemRunner);
    let share = |prepared: &Prepared| -> anyhow::Result<()> {
        if let Some(ranks) = ranks {
            let shared = (prepared.name().to_string(), prepared.config_ron().to_string());
            ranks.setup.share(&shared)?;
        }
        Ok(())
    };
    let (end, folder) = match &args.resume {
        Some(dir) => {
            if ranks.is_some() {
                share(&Prepared::of_folder(dir)?)?;
            }
            let end = catalogue::resume(dir, VERSION, &progress, stop, runner)?;
            (end, dir.clone())
        }
        None => {
            let name = args.name.as_deref().context("name the experiment (see --list)")?;
            let text = match &args.config {
                Some(path) => Some(
                    std::fs::read_to_string(path)
                        .with_context(|| format!("reading {}", path.display()))?,
                ),
                None => None,
            };
            let request =
                Request { name, config: text.as_deref(), quick: args.quick, seeds: args.seeds };
            let prepared = catalogue::prepare(&request)?;
            let folder = RunFolder::create_or_default(
                args.out.as_deref(),
                &format!("experiment-{}", prepared.name()),
            )?;
            share(&prepared)?;
            eprintln!("experiment `{}` → {}", prepared.name(), folder.path().display());
            let end = prepared.run(folder.path(), VERSION, &progress, stop, runner)?;
            (end, folder.path().to_path_buf())
        }
    };
    if let Some(ranks) = ranks {
        // The hand-out dismissed the other ranks when the items were done.
        ranks.setup.released();
    }
    match end {
        RunEnd::Finished(finished) => {
            print_verdicts(&finished, &folder);
            Ok(())
        }
        RunEnd::Stopped { done, total } => Err(StoppedEarly {
            message: format!(
                "stopped: {done} of {total} items saved; continue with `dgnn experiment --resume {}`",
                folder.display()
            ),
        }
        .into()),
    }
}

/// The verdicts and the answer on stdout.
fn print_verdicts(finished: &Finished, folder: &Path) {
    for decision in &finished.decisions {
        println!("{}: {}", decision.verdict, decision.claim);
    }
    println!("{}", finished.answer);
    println!("report: {}", folder.join("report.md").display());
}
