//! `dgnn search`: the main job — an energy-constrained architecture search over deep
//! glial-neural networks (dgnn-nas), from a RON config or the bundled default on WDBC.
//!
//! - `dgnn search` runs the default (`SearchConfig::default()`: WDBC, population 40, 40
//!   generations, low-fidelity estimates promoted to 60-epoch training);
//! - `dgnn search CONFIG.ron` runs a config (`dgnn search --example` prints a commented one);
//! - `dgnn search --data my.csv --label COLUMN` searches a user's table (label by name, or by
//!   0-based index when COLUMN is a number; default: the last column);
//! - Ctrl-C stops after the running evaluations (exit status 130); the run folder then holds
//!   `checkpoint.ron` and `dgnn search --resume RUN_DIR` continues it, bit-identically to an
//!   uninterrupted run.
//!
//! This command only reads the arguments and the config, chooses the folder, draws progress
//! and writes files: the search itself — baseline, engine, checkpoint, resume, stop flag, the
//! final re-measurement and the report with its summary — is dgnn-nas's `Search::run`.
//!
//! The run folder (never another run's): `config.ron` (the full config, read by `--resume`),
//! `checkpoint.ron`, `result.json`/`result.ron` (envelope with the [`SearchReport`](dgnn_nas::SearchReport)),
//! `front.csv`/`front.json`, `history.csv`, `models/front-NN.ron` (each front member as a
//! loadable dgnn-glia model) and `models/baseline.ron`, the plots (`front`,
//! `front_with_baseline`, `hypervolume`, `glia_ratio`, SVG + PNG) and `summary.txt`.
//! `dgnn report RUN_DIR` redraws the plots and the summary from `result.json`.
//!
//! When no network meets the config's constraints, the folder is still complete (its front
//! holds the least-violating networks, each marked infeasible), and the command ends with exit
//! status [`NO_NETWORK_MET_THE_CONSTRAINTS`].

use crate::commands::report;
use crate::output::{
    RunFolder, StoppedEarly, TerminalProgress, VERSION, on_job_end, stop_on_ctrl_c, thread_pool,
};
use crate::ranks::{Job, RootSetup, shared_config};
use anyhow::{Context, bail};
use dgnn_core::{Envelope, Seed};
use dgnn_glia::{EnergyCategory, LabelColumn};
use dgnn_mpi::{Farm, FarmStats, RankLinks, Transport, refuse, serve};
use dgnn_nas::report::contexts_note;
use dgnn_nas::{
    Baseline, Checkpointing, DataSource, DgnnGenome, DgnnProblem, Evaluator, GenerationReport,
    IslandLinks, Observer, ParamGuard, RunOptions, Search, SearchConfig, SearchOutcome,
    SearchResult,
};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The exit status of a search that finished without any network meeting its constraints
/// (the run folder is complete; its front holds the least-violating networks).
pub const NO_NETWORK_MET_THE_CONSTRAINTS: i32 = 3;

/// Exit statuses, as `dgnn search --help` lists them.
const EXIT_STATUSES: &str = "Exit status: 0 when the search finished; 1 for bad input or a failure; \
2 for a bad command line; 3 when the search finished but no network met the config's constraints \
(the run folder then lists the least-violating networks, each marked infeasible); 130 when Ctrl-C \
stopped it (resumable with --resume after one Ctrl-C; a second one quits at once).";

/// A finished search in which no network met the constraints (exit status
/// [`NO_NETWORK_MET_THE_CONSTRAINTS`]).
#[derive(Debug)]
pub struct NoNetworkMetTheConstraints {
    /// The run folder.
    pub folder: String,
}

impl std::fmt::Display for NoNetworkMetTheConstraints {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "no network met the constraints; {} lists the least-violating ones (relax the \
             constraints or search longer)",
            self.folder
        )
    }
}

impl std::error::Error for NoNetworkMetTheConstraints {}

/// Arguments of `dgnn search`.
#[derive(Debug, clap::Args)]
#[command(after_help = EXIT_STATUSES)]
pub struct Args {
    /// The RON config to run (default: the bundled default search on WDBC).
    pub config: Option<PathBuf>,
    /// Search on a bundled data set (iris, wine, wdbc, digits) instead of the config's data.
    #[arg(long, value_name = "NAME", conflicts_with_all = ["resume", "data"])]
    pub dataset: Option<String>,
    /// Search on this CSV table instead of the config's data.
    #[arg(long, value_name = "CSV", conflicts_with = "resume")]
    pub data: Option<PathBuf>,
    /// The label column of `--data`: a header name, or a 0-based index (default: last column).
    #[arg(long, value_name = "COLUMN", requires = "data")]
    pub label: Option<LabelColumn>,
    /// The context (task id) column of `--data`, for multitask networks with a phase layer: a
    /// header name or a 0-based index (default: none, one task).
    #[arg(long, value_name = "COLUMN", requires = "data")]
    pub context: Option<LabelColumn>,
    /// The result folder (default: the first free `runs/search-N`).
    #[arg(long, value_name = "DIR", conflicts_with = "resume")]
    pub out: Option<PathBuf>,
    /// Print a commented example config and exit.
    #[arg(long, conflicts_with_all = ["config", "resume", "data", "dataset"])]
    pub example: bool,
    /// Continue the interrupted run in RUN_DIR (from its checkpoint).
    #[arg(long, value_name = "RUN_DIR", conflicts_with = "config")]
    pub resume: Option<PathBuf>,
    /// Override the config's master seed.
    #[arg(long, conflicts_with = "resume")]
    pub seed: Option<u64>,
    /// Worker threads (default: RAYON_NUM_THREADS, else all cores); results do not depend on it.
    /// Under --mpi: per rank.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Run over the ranks of the MPI job this process was started in (`mpirun -np 4 dgnn search
    /// … --mpi`; a build with `--features mpi`): rank 0 runs the engine and writes the folder,
    /// every rank evaluates (or, with `islands` in the config, runs its share of the islands).
    /// The front is bit-identical to the run without MPI, for any number of ranks.
    #[arg(long)]
    pub mpi: bool,
}

/// The commented example config (`dgnn search --example`); its values are the defaults.
pub const EXAMPLE: &str = r#"// dgnn search: energy-constrained architecture search over deep glial-neural networks.
// Objectives (minimised): energy per inference E and information loss H(Y) − I(Y; Ŷ).
// Every field is optional; the values below are the defaults.
(
    seed: 2026,                       // master seed of every random stream
    data: Builtin("wdbc"),            // iris | wine | wdbc | digits, or
                                      // Csv(path: "my.csv", label: Name("diagnosis"), header: true)
                                      //   context: Name("task") for multitask data: every
                                      //   network then has a phase layer serving each task
    space: (                          // which networks may be built
        regions: (1, 3),              // fewest and most hidden regions
        neurons: (1, 32),             // neurons per region
        glia_ratio: (low: 0.25, high: 6.0, step: 0.25),   // astrocytes per neuron (human 1:1 to 6:1)
        density: (low: 0.2, high: 1.0, step: 0.05),       // share of synapses that exist
        activations: [tanh, relu, sigmoid],
        astrocytes: (                 // the Porto-Pazos astrocyte rule; None to switch it off
            iterations: (2, 8),       // k, presentations per pattern (energy grows with k)
            max_threshold: 3,         // largest μ
            change: (low: 0.05, high: 0.9, step: 0.05),   // potentiation a and depression b
            initial_share: 0.5,       // share of random initial networks with the rule
        ),
        supply: (                     // astrocytic energy supply limit; None: unlimited
            per_astrocyte: (low: 0.1, high: 2.0, step: 0.05),
            initial_share: 0.5,
        ),
        phase: (                      // HKB phase layer gating the coupling; None: off
            a: (low: 0.0, high: 2.0, step: 0.1),
            b: (low: 0.0, high: 2.0, step: 0.1),
            detuning: (low: -1.0, high: 1.0, step: 0.1),
            coupling: (low: 0.0, high: 1.0, step: 0.1),
            initial_share: 0.5,
        ),
    ),
    estimation: (
        test_fraction: 0.2,           // held out, never seen by the search
        validation_fraction: 0.25,    // of the rest: the objectives are measured here
        max_training_rows: 20000,     // networks train on at most this many rows (a stratified
                                      //   subset; None: all); binds on large tables only
        max_validation_rows: 10000,   // the objectives are measured on at most this many
        training: (epochs: 60, batch_size: 32, learning_rate: 0.01, l2: 1e-4),
        low_fidelity: (epochs: 10, subset: 0.5, max_rows: 5000),   // cheap first estimate
                                      //   (at most max_rows rows); None: always full
        promote_fraction: 0.3,        // best share of each batch retrained at full fidelity
        energy: Biological(),         // Biological(…) ATP model, or Hardware(…) 45 nm model
        pruning: None,                // glial pruning after training, e.g. (prune_fraction: 0.2,
                                      //   fine_tune_epochs: 5); the baseline is never pruned
        supply_decline: None,         // e.g. (factor: 0.5, from_generation: 30): the astrocytes'
                                      //   supply falls late in the run; the population is
                                      //   re-evaluated under it
    ),
    objectives: (
        energy_unit: Atp,             // Atp | Joules (also of the reports and the budget)
        information: Loss,            // Loss: H(Y) − I | Negative: −I
        third: None,                  // HardwareEnergy | Attractors | ErrorRate
        minimise_energy: true,        // false: information-only search (energies still reported)
    ),
    constraints: (
        max_energy: None,             // energy budget in energy_unit, e.g. 1e9
        min_accuracy: None,           // e.g. 0.9
        max_energy_ratio: None,       // budget relative to the baseline, e.g. 0.25 (a quarter)
        max_accuracy_drop: None,      // e.g. 0.01: at most one point below the baseline
        energy_schedule: None,        // a budget over the generations, × the baseline's energy:
                                      //   Constant(ratio: 0.5), or Developmental(start: 4.0,
                                      //   adult: 0.5, hold: 5, span: 15): generous, then
                                      //   tightened to the adult budget (development)
    ),
    evolution: (
        population: 40,
        generations: 40,              // counting the initial population
        max_evaluations: None,        // evaluation budget (≥ population)
        variation: (crossover_probability: 0.9, mutation_probability: 0.1),
        strategy: Nsga2,              // or SleepWake(active: 5, quiet: 3, quiet_budget: 0.25):
                                      //   active phases grow networks (no budget, or
                                      //   active_budget), quiet ones prune them to the quiet
                                      //   budget × the baseline's energy and fine-tune them
    ),
    baseline: [16],                   // hidden sizes of the plain MLP the front is compared with
    efficient_within: 0.01,           // accuracy margin of the reported efficient network
)
"#;

/// Reads a search config from RON text (with the `implicit_some` and `unwrap_variant_newtypes`
/// extensions, so `max_energy: 1e9` needs no `Some(…)`).
pub fn parse_config(text: &str) -> anyhow::Result<SearchConfig> {
    crate::config::parse_ron(text)
}

/// Reads and checks a search config as `dgnn search CONFIG` does before any work (parse, every
/// field's check, the memory estimate against what is available); data files are not opened. The fuzz harness's entry.
///
/// # Errors
/// The refusal `dgnn search` would print.
pub fn check_config_text(text: &str) -> anyhow::Result<()> {
    let config = parse_config(text)?.check()?;
    check_memory(&config.evolution)
}

/// Writes a config as RON that [`parse_config`] reads back exactly.
fn write_config(path: &Path, config: &SearchConfig) -> anyhow::Result<()> {
    crate::config::write_ron_file(path, config)
}

/// Reads the config of `args` (or the default), with `--dataset` or `--data`/`--label` applied.
fn config_of(args: &Args) -> anyhow::Result<(SearchConfig, String)> {
    let (mut config, source) = match &args.config {
        Some(path) => (crate::config::read_ron_file(path)?, path.display().to_string()),
        None => (SearchConfig::default(), "the default search".into()),
    };
    // A CSV path in a config is relative to the config's folder; it is stored absolute, so that
    // `--resume` finds the data from any directory.
    if let DataSource::Csv { path, .. } = &mut config.data {
        let base = args.config.as_deref().and_then(Path::parent).unwrap_or(Path::new(""));
        let joined = base.join(&*path);
        *path = std::fs::canonicalize(&joined)
            .with_context(|| format!("reading the data file {} of {source}", joined.display()))?;
    }
    if let Some(name) = &args.dataset {
        config.data = DataSource::Builtin(name.clone());
    }
    if let Some(csv) = &args.data {
        let path = std::fs::canonicalize(csv)
            .with_context(|| format!("reading the data file {}", csv.display()))?;
        let label = args.label.clone().unwrap_or_default();
        let context = args.context.clone();
        config.data = DataSource::Csv { path, label, header: None, context };
    }
    if let Some(seed) = args.seed {
        config.seed = seed;
    }
    Ok((config, source))
}

/// Runs `dgnn search`.
pub fn run(args: Args) -> anyhow::Result<()> {
    if args.example {
        print!("{EXAMPLE}");
        return Ok(());
    }
    let pool = thread_pool(args.threads)?;
    let threads = pool.current_num_threads();
    if !args.mpi {
        return pool.install(|| start(&args, Ranks { setup: None, threads }));
    }
    // MPI is called from this thread only: the pool becomes rayon's global pool instead of
    // moving the run onto one of its threads.
    drop(pool);
    crate::ranks::global_thread_pool(threads)?;
    let job = Job::join()?;
    let transport = job.transport();
    let (outcome, others_waiting) = if transport.rank() == 0 {
        let setup = RootSetup::new(transport);
        let outcome = start(&args, Ranks { setup: Some(&setup), threads });
        (outcome, setup.others_waiting())
    } else {
        (work(transport, threads), true)
    };
    job.finish(outcome, others_waiting)
}

/// Where a search runs: on this process alone, or as rank 0 of an MPI job.
#[derive(Clone, Copy)]
struct Ranks<'a> {
    /// Rank 0's setup under `--mpi` (none without).
    setup: Option<&'a RootSetup<'a>>,
    /// Evaluation threads of this process (of each rank under `--mpi`).
    threads: usize,
}

/// Runs the search of `args` on this process, or as rank 0 of an MPI job.
fn start(args: &Args, ranks: Ranks<'_>) -> anyhow::Result<()> {
    match &args.resume {
        Some(dir) => resume(dir, ranks),
        None => {
            let (config, source) = config_of(args)?;
            fresh(config, &source, args.out.as_deref(), ranks)
        }
    }
}

/// Refuses a search whose evolution alone would need more memory than this process has
/// ([`crate::memory::available`]), with the estimate in the message (issue 14: `population:
/// 100000000` grew at 240 MB/s).
fn check_memory(evolution: &dgnn_nas::EvolutionConfig) -> anyhow::Result<()> {
    use crate::memory::bytes;
    crate::memory::check_fits(
        &format!(
            "`evolution.population: {}` over {} generations ({} per member, {} per cached \
             evaluation)",
            evolution.population,
            evolution.generations,
            bytes(dgnn_nas::search::BYTES_PER_MEMBER),
            bytes(dgnn_nas::search::BYTES_PER_CACHED_EVALUATION),
        ),
        Some(evolution.memory_estimate()),
        "lower evolution.population or evolution.generations, or spread islands over MPI ranks",
    )
}

/// What rank 0 hands every other rank under `--mpi`: the checked config, and whether the run
/// resumes (an island run's other ranks then receive their islands' states from rank 0's
/// checkpoint).
#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct Shared {
    config: SearchConfig,
    resuming: bool,
}

/// A rank other than 0 under `--mpi`: builds the search rank 0 shares (config, data, baseline),
/// then evaluates what rank 0 hands out, or with `islands` in the config runs its share of the
/// islands, until the run ends. A rank that cannot build the search tells rank 0 why, and rank
/// 0 ends the job with that reason.
fn work(transport: &dyn Transport, threads: usize) -> anyhow::Result<()> {
    let Some(Shared { config, resuming }) = shared_config::<Shared>(transport)? else {
        return Ok(());
    };
    let built = config.check().map_err(anyhow::Error::from).and_then(|config| {
        let data = config.data.load().context("loading the data")?;
        let search = Search::new(config, &data)?;
        let baseline = search.measure_baseline().context("training the baseline")?;
        Ok((search, baseline))
    });
    let (search, baseline) = match built {
        Ok(built) => built,
        Err(error) => {
            refuse(transport, &format!("{error:#}"))?;
            return Ok(());
        }
    };
    if search.config().islands.is_some() {
        // Only rank 0 reads or writes the checkpoint; this path is never opened here.
        let unused = Path::new("checkpoint.ron");
        let checkpoint = if resuming { Checkpointing::Resume(unused) } else { Checkpointing::Off };
        let links = RankLinks::new(transport);
        let options = RunOptions { checkpoint, links: Some(&links), ..RunOptions::default() };
        search.serve_islands(&baseline, options).context("running this rank's islands")?;
        return Ok(());
    }
    let problem = match search.problem(&baseline) {
        Ok(problem) => problem,
        Err(error) => {
            refuse(transport, &error.to_string())?;
            return Ok(());
        }
    };
    serve(transport, &problem, threads)?;
    Ok(())
}

fn fresh(
    config: SearchConfig,
    source: &str,
    out: Option<&Path>,
    ranks: Ranks<'_>,
) -> anyhow::Result<()> {
    // Check and load everything before creating the folder, so bad input leaves nothing behind.
    let config = config.check().with_context(|| format!("checking {source}"))?;
    if let Some(setup) = ranks.setup {
        setup.share(&Shared { config: (*config).clone(), resuming: false })?;
    }
    check_memory(&config.evolution)?;
    let data = config.data.load().with_context(|| format!("loading the data of {source}"))?;
    eprintln!(
        "searching `{}` ({} samples × {} features, {} classes{}); training the baseline …",
        data.name(),
        data.len(),
        data.n_features(),
        data.n_classes(),
        contexts_note(data.n_contexts())
    );
    let search = Search::new(config, &data).with_context(|| format!("setting up {source}"))?;
    // The search holds its own parts of the data: the table itself is not needed any more.
    drop(data);
    let baseline =
        search.measure_baseline().with_context(|| format!("training the baseline of {source}"))?;
    let folder = RunFolder::create_or_default(out, "search")?;
    write_config(&folder.file("config.ron"), search.config())?;
    let checkpoint = folder.file("checkpoint.ron");
    drive(&search, &baseline, &folder, Checkpointing::Fresh(&checkpoint), ranks)
}

fn resume(dir: &Path, ranks: Ranks<'_>) -> anyhow::Result<()> {
    let folder = RunFolder::reopen(dir)?;
    if folder.file("result.json").exists() {
        bail!(
            "{} holds a finished search (result.json exists): nothing to resume; \
             `dgnn report {}` redraws its pictures",
            dir.display(),
            dir.display()
        );
    }
    let config_path = folder.file("config.ron");
    let text = std::fs::read_to_string(&config_path).with_context(|| {
        format!("reading {} (is {} a search run folder?)", config_path.display(), dir.display())
    })?;
    let config = parse_config(&text)
        .and_then(|config| Ok(config.check()?))
        .with_context(|| format!("reading {}", config_path.display()))?;
    if let Some(setup) = ranks.setup {
        setup.share(&Shared { config: (*config).clone(), resuming: true })?;
    }
    check_memory(&config.evolution)?;
    let data = config.data.load().context("loading the data of the interrupted run")?;
    let search = Search::new(config, &data).context("setting up the interrupted run")?;
    drop(data);
    let baseline =
        search.measure_baseline().context("training the baseline of the interrupted run")?;
    eprintln!("resuming {}", folder.path().display());
    let checkpoint = folder.file("checkpoint.ron");
    drive(&search, &baseline, &folder, Checkpointing::Resume(&checkpoint), ranks)
}

/// Runs the search with a progress bar and Ctrl-C handling, then writes the results. Under
/// `--mpi` every stage is farmed out to all ranks, and `mpi.json` records what the farm
/// measured.
fn drive(
    search: &Search,
    baseline: &Baseline,
    folder: &RunFolder,
    checkpoint: Checkpointing<'_>,
    ranks: Ranks<'_>,
) -> anyhow::Result<()> {
    let stop = stop_on_ctrl_c("after the running evaluations")?;
    let progress = TerminalProgress::new();
    // Under --mpi: islands on ranks when the config has islands, else every stage farmed out.
    let islands_on_ranks = search.config().islands.is_some();
    let links = ranks.setup.filter(|_| islands_on_ranks).map(|s| RankLinks::new(s.transport()));
    let farm = match ranks.setup {
        Some(setup) if !islands_on_ranks => Some(
            Farm::start(setup.transport(), ranks.threads)
                .context("starting the evaluations on every rank")?,
        ),
        _ => None,
    };
    let mut clock = GenerationClock::start(ranks.setup.map(|_| folder.path().to_path_buf()));
    let options = RunOptions {
        checkpoint,
        stop: Some(stop),
        progress: Some(&progress),
        observers: vec![&mut clock],
        evaluator: farm.as_ref().map(|farm| farm as &dyn for<'p> Evaluator<DgnnProblem<'p>>),
        links: links.as_ref().map(|links| links as &dyn IslandLinks<DgnnGenome>),
    };
    let outcome = search.run(baseline, options);
    if let (Some(farm), Some(setup)) = (&farm, ranks.setup) {
        farm.shutdown().context("releasing the other ranks")?;
        setup.released();
        let report = FarmReport::of(farm.stats(), &clock);
        dgnn_core::envelope::write_json(&folder.file("mpi.json"), &report)?;
    }
    if let (Some(links), Some(setup)) = (&links, ranks.setup) {
        // The island run ended on every rank at its last sync point.
        setup.released();
        let report = IslandReport {
            ranks: setup.transport().size(),
            islands: search.config().islands.as_ref().map_or(0, |i| i.count),
            sync_points: clock.generations,
            generations: clock.last.0 + 1,
            evaluations: clock.last.1,
            engine_seconds: clock.engine_seconds,
            bytes_at_rank_0: links.bytes(),
            sync_seconds: links.seconds(),
        };
        dgnn_core::envelope::write_json(&folder.file("mpi.json"), &report)?;
    }
    let result = match outcome? {
        SearchOutcome::Finished(result) => result,
        SearchOutcome::Stopped { generation, .. } => {
            return Err(StoppedEarly {
                message: format!(
                    "stopped after generation {generation}; continue with: dgnn search --resume {}",
                    folder.path().display()
                ),
            }
            .into());
        }
    };
    write_results(folder, search, &result)?;
    let summary = result.report.summary();
    std::fs::write(folder.file("summary.txt"), &summary)
        .with_context(|| format!("writing {}", folder.file("summary.txt").display()))?;
    println!("{summary}");
    println!("results in {}", folder.path().display());
    if !result.report.constraints_met() {
        return Err(
            NoNetworkMetTheConstraints { folder: folder.path().display().to_string() }.into()
        );
    }
    Ok(())
}

/// Times the generations this process runs (for `mpi.json`).
struct GenerationClock {
    started: Instant,
    /// Under `--mpi`: the run folder, named in rank 0's last words ([`on_job_end`]).
    mpi_folder: Option<PathBuf>,
    /// Seconds from the start to the end of the last generation.
    engine_seconds: f64,
    /// Generations ended in this process (observer calls: at an island run's sync points).
    generations: u64,
    /// The last reported generation (0: the initial population) and evaluations so far.
    last: (u64, u64),
}

impl GenerationClock {
    fn start(mpi_folder: Option<PathBuf>) -> Self {
        if let Some(folder) = &mpi_folder {
            on_job_end(format!(
                "the MPI job ended before this run saved a generation (mpirun names the rank \
                 that failed, if one did); any earlier checkpoint in {} is intact",
                folder.display()
            ));
        }
        Self {
            started: Instant::now(),
            mpi_folder,
            engine_seconds: 0.0,
            generations: 0,
            last: (0, 0),
        }
    }
}

impl Observer<DgnnGenome> for GenerationClock {
    fn observe(&mut self, report: &GenerationReport<'_, DgnnGenome>) {
        self.engine_seconds = self.started.elapsed().as_secs_f64();
        self.generations += 1;
        self.last = (report.summary.generation, report.summary.evaluations);
        if let Some(folder) = &self.mpi_folder {
            // The engine wrote the checkpoint before calling the observers.
            on_job_end(format!(
                "the MPI job ended during the search (mpirun names the rank that failed, if one \
                 did); the checkpoint holds generation {} (0: the initial population): continue with dgnn search --resume {} \
                 (under any number of ranks, or without --mpi)",
                report.summary.generation,
                folder.display()
            ));
        }
    }
}

/// What `mpi.json` records for an island run over ranks.
#[derive(serde::Serialize)]
struct IslandReport {
    /// Ranks in the job.
    ranks: usize,
    /// Islands (island `i` runs on rank `i mod ranks`).
    islands: usize,
    /// Sync points reached by this process, each reporting the merged islands (after a
    /// resume: since the resume).
    sync_points: u64,
    /// Generations completed at the last sync point, the initial one included.
    generations: u64,
    /// Evaluations of all islands at the last sync point.
    evaluations: u64,
    /// Seconds from the start of the engine to its last sync point.
    engine_seconds: f64,
    /// Bytes rank 0 sent and received at sync points.
    bytes_at_rank_0: u64,
    /// Seconds rank 0 spent at sync points, waiting for the other ranks' islands included.
    sync_seconds: f64,
}

/// What `mpi.json` records: the farm's figures and rank 0's serial share (selection,
/// variation, sorting, the cache and the checkpoint: the engine's time outside the stages).
#[derive(serde::Serialize)]
struct FarmReport {
    #[serde(flatten)]
    farm: FarmStats,
    /// Generations run by this process (after a resume: since the resume).
    generations: u64,
    /// Seconds from the start of the engine to the end of its last generation.
    engine_seconds: f64,
    /// `engine_seconds` outside the stages: rank 0 alone.
    serial_seconds: f64,
    /// `serial_seconds / engine_seconds`.
    serial_share: f64,
    /// Evaluations per second of engine time.
    evaluations_per_second: f64,
    /// Bytes sent and received by rank 0 per generation.
    bytes_per_generation: f64,
    /// Communication seconds of rank 0 per generation.
    communication_seconds_per_generation: f64,
}

impl FarmReport {
    fn of(farm: FarmStats, clock: &GenerationClock) -> Self {
        let engine_seconds = clock.engine_seconds;
        let serial_seconds = (engine_seconds - farm.stage_seconds).max(0.0);
        let generations = clock.generations.max(1) as f64;
        Self {
            generations: clock.generations,
            engine_seconds,
            serial_seconds,
            serial_share: serial_seconds / engine_seconds.max(1e-12),
            evaluations_per_second: farm.evaluations() as f64 / engine_seconds.max(1e-12),
            bytes_per_generation: (farm.traffic.bytes_sent + farm.traffic.bytes_received) as f64
                / generations,
            communication_seconds_per_generation: farm.traffic.communication_seconds / generations,
            farm,
        }
    }
}

/// One row of `front.csv`.
#[derive(serde::Serialize)]
struct FrontRow<'a> {
    member: usize,
    /// Whether the network meets every constraint.
    feasible: bool,
    energy_atp: f64,
    energy_joules: f64,
    information_bits: f64,
    label_entropy_bits: f64,
    validation_accuracy: f64,
    test_accuracy: f64,
    test_information_bits: f64,
    /// Per context (task), `;`-separated; empty for single-context data.
    test_accuracy_by_context: String,
    hardware_pj: f64,
    neurons: usize,
    astrocytes: usize,
    glia_ratio: f64,
    regions: usize,
    astrocyte_rule: bool,
    supply_limited: bool,
    phase_layer: bool,
    spikes_joules: f64,
    synaptic_joules: f64,
    resting_joules: f64,
    astrocytes_joules: f64,
    model_file: String,
    genome: &'a str,
}

fn category(m: &dgnn_nas::Measurement, category: &EnergyCategory) -> f64 {
    m.energy_by_category.iter().filter(|(c, _)| c == category).map(|(_, j)| j).sum()
}

/// The name of front member `i`'s model file.
fn model_file(i: usize) -> String {
    format!("models/front-{i:02}.ron")
}

fn write_results(folder: &RunFolder, search: &Search, result: &SearchResult) -> anyhow::Result<()> {
    let report = &result.report;
    let envelope =
        Envelope::new("search", VERSION, Some(Seed(search.config().seed)), search.config(), report);
    folder.write_envelope(&envelope)?;
    dgnn_core::envelope::write_json(&folder.file("front.json"), &report.front)?;
    std::fs::create_dir_all(folder.file("models")).context("creating the models folder")?;
    for (i, model) in result.models.iter().enumerate() {
        model.save(&folder.file(&model_file(i)))?;
    }
    result.baseline_model.save(&folder.file("models/baseline.ron"))?;
    let rows: Vec<FrontRow<'_>> = report
        .front
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let v = &m.validation;
            let arch = m.genome.architecture();
            FrontRow {
                member: i,
                feasible: m.feasible,
                energy_atp: v.energy_atp,
                energy_joules: v.energy_joules,
                information_bits: v.information_bits,
                label_entropy_bits: v.label_entropy_bits,
                validation_accuracy: v.accuracy,
                test_accuracy: m.test.accuracy,
                test_information_bits: m.test.information_bits,
                test_accuracy_by_context: m
                    .test_accuracy_by_context
                    .iter()
                    .map(|a| format!("{a}"))
                    .collect::<Vec<_>>()
                    .join(";"),
                hardware_pj: v.hardware_joules * 1e12,
                neurons: v.neurons,
                astrocytes: v.astrocytes,
                glia_ratio: m.glia_ratio,
                regions: arch.regions.len(),
                astrocyte_rule: arch.astrocytes.is_some(),
                supply_limited: arch.supply_per_astrocyte.is_some(),
                phase_layer: arch.phase.is_some(),
                spikes_joules: category(v, &EnergyCategory::Spikes),
                synaptic_joules: category(v, &EnergyCategory::Synaptic),
                resting_joules: category(v, &EnergyCategory::Resting),
                astrocytes_joules: category(v, &EnergyCategory::Astrocytes),
                model_file: model_file(i),
                genome: &m.summary,
            }
        })
        .collect();
    folder.write_csv("front.csv", &rows)?;
    folder.write_csv("history.csv", &report.history)?;
    report::draw(folder.path(), report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_is_the_default_config() {
        assert_eq!(parse_config(EXAMPLE).unwrap(), SearchConfig::default());
    }

    #[test]
    fn written_configs_read_back_exactly() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.ron");
        let mut config = SearchConfig::default();
        config.constraints.max_energy = Some(1e9);
        config.constraints.max_energy_ratio = Some(0.25);
        config.objectives.minimise_energy = false;
        config.space.phase = None;
        write_config(&path, &config).unwrap();
        assert_eq!(parse_config(&std::fs::read_to_string(&path).unwrap()).unwrap(), config);
    }

    #[test]
    fn unknown_fields_are_rejected_with_their_name() {
        let err = parse_config("(evolution: (populaton: 8))").unwrap_err().to_string();
        assert!(err.contains("populaton"), "{err}");
    }
}
