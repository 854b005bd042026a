//! `dgnn bench <workload>`: run one canonical workload of docs/benchmarks.md at its default size
//! (or the sizes given as flags) and print exactly one JSON line on stdout.

use crate::workloads;

/// Arguments of `dgnn bench`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Worker threads (default: all cores).
    #[arg(long, global = true)]
    pub threads: Option<usize>,
    /// The workload and its size flags.
    #[command(subcommand)]
    pub workload: Workload,
}

/// The canonical workloads.
#[derive(Debug, clap::Subcommand)]
pub enum Workload {
    /// W1: extended HKB SDE ensemble by Euler–Maruyama (10 000 × 10 000 steps), f64 and f32.
    HkbEnsemble(workloads::hkb_ensemble::Params),
    /// W3: Kuramoto mean field, Lorentzian frequencies, RK4, N = 2000, 13 couplings.
    Kuramoto(workloads::kuramoto::Params),
    /// W2: rotation numbers of the sine circle map on a 512 × 512 (Ω, K) grid.
    ArnoldTongues(workloads::arnold_tongues::Params),
    /// W5: n:m synchronisation indices of synthetic breathing/heart records (1e6 samples).
    NmSync(workloads::nm_sync::Params),
    /// W4: NSGA-II on ZDT1 (30 variables), population 100, 250 generations.
    #[command(name = "zdt1-nsga2")]
    Zdt1Nsga2(workloads::zdt1_nsga2::Params),
    /// W7: 5-fold training of a 30-16-2 tanh network on WDBC (Adam, 200 epochs).
    MlpTrain(workloads::mlp_train::Params),
    /// W6: the default energy-constrained architecture search on WDBC, end to end.
    NasWdbc(workloads::nas_wdbc::Params),
    /// W6: the default energy-constrained architecture search on digits, end to end.
    NasDigits(workloads::nas_digits::Params),
}

/// Runs one workload inside a thread pool of the requested size and prints its JSON line.
pub fn run(args: Args) -> anyhow::Result<()> {
    let threads =
        args.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build()?;
    let line = pool.install(|| -> anyhow::Result<serde_json::Value> {
        match args.workload {
            Workload::HkbEnsemble(params) => workloads::hkb_ensemble::run(&params),
            Workload::Kuramoto(params) => workloads::kuramoto::run(&params),
            Workload::ArnoldTongues(params) => workloads::arnold_tongues::run(&params),
            Workload::NmSync(params) => workloads::nm_sync::run(&params),
            Workload::Zdt1Nsga2(params) => workloads::zdt1_nsga2::run(&params),
            Workload::MlpTrain(params) => workloads::mlp_train::run(&params),
            Workload::NasWdbc(params) => workloads::nas_wdbc::run(&params),
            Workload::NasDigits(params) => workloads::nas_digits::run(&params),
        }
    })?;
    println!("{}", serde_json::to_string(&workloads::with_threads(line, threads))?);
    Ok(())
}
