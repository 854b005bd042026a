//! `cargo xtask mpi-bench`: distributed evaluation measured on this machine, and the scaling
//! model ([`dgnn_mpi::model`]) those figures give for 8 to 4096 ranks.
//!
//! Builds the release binary with the `mpi` feature (Open MPI and libclang must be installed),
//! runs `dgnn search --dataset digits --mpi` under `mpirun` with 1 and 2 ranks, each rank with 1
//! and then 2 threads, and an island run (2 islands on 2 ranks), reads rank 0's `mpi.json` of
//! each, fits the model's inputs and writes `docs/mpi-scaling.md` (figures, model, limits) and
//! `target/mpi-bench/{runs.csv, model.csv}`.

use anyhow::{Context, Result, bail};
use dgnn_mpi::{IslandsMeasured, Measured};
use serde_json::Value;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// One measured configuration: ranks × threads per rank (and islands, if any).
struct Run {
    ranks: usize,
    threads: usize,
    islands: usize,
    wall_seconds: f64,
    mpi: Value,
}

impl Run {
    fn number(&self, key: &str) -> f64 {
        self.mpi[key].as_f64().unwrap_or(f64::NAN)
    }

    fn evaluations(&self) -> f64 {
        self.mpi["tasks_by_rank"]
            .as_array()
            .map_or(f64::NAN, |v| v.iter().filter_map(Value::as_f64).sum())
    }
}

/// The model's inputs: τ, S, E and s from the 1-rank, 1-thread run; c and b₀ from the 2-rank,
/// 1-thread run (communication per evaluation run on rank 1; the hand-out messages are folded
/// into c, so m = 0).
fn measured(one: &Run, two: &Run) -> Measured {
    let generations = one.number("generations");
    let remote = two.mpi["tasks_by_rank"][1].as_f64().unwrap_or(f64::NAN);
    let bytes = two.number("bytes_sent") + two.number("bytes_received");
    Measured {
        evaluations_per_generation: one.evaluations() / generations,
        stages_per_generation: one.number("stages") / generations,
        seconds_per_evaluation: one.number("stage_seconds") / one.evaluations(),
        serial_seconds: one.number("serial_seconds") / generations,
        communication_per_remote_evaluation: two.number("communication_seconds") / remote,
        seconds_per_message: 0.0,
        bytes_per_evaluation: bytes / remote,
    }
}

/// Runs the measurements and writes the report.
pub fn mpi_bench(root: &Path) -> Result<()> {
    if Command::new("mpirun").arg("--version").output().is_err() {
        bail!(
            "mpirun not found: install Open MPI (Debian: apt-get install openmpi-bin \
             libopenmpi-dev libclang-dev)"
        );
    }
    super::run(root, "cargo", &["build", "--release", "--bin", "dgnn", "--features", "mpi"])?;
    let exe = super::release_binary(root);
    let out = root.join("target/mpi-bench");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out)?;
    let islands_config = out.join("islands.ron");
    std::fs::write(
        &islands_config,
        "(data: Builtin(\"digits\"),\n islands: (count: 2, migration_interval: 5, \
         migrants: 2, topology: Ring))\n",
    )?;
    let mut runs = Vec::new();
    for (ranks, threads, islands) in [(1, 1, 0), (2, 1, 0), (1, 2, 0), (2, 2, 0), (2, 1, 2)] {
        let folder = out.join(format!("r{ranks}-t{threads}-i{islands}"));
        let mut command = Command::new("mpirun");
        command
            .args(["--allow-run-as-root", "--oversubscribe", "--bind-to", "none"])
            .args(["-np", &ranks.to_string()])
            .arg(&exe)
            .arg("search");
        if islands > 0 {
            command.arg(&islands_config);
        } else {
            command.args(["--dataset", "digits"]);
        }
        command.arg("--out").arg(&folder).args(["--mpi", "--threads", &threads.to_string()]);
        eprintln!("$ mpirun -np {ranks} dgnn search … --threads {threads} (islands: {islands})");
        let started = Instant::now();
        let output = command.output().context("could not start mpirun")?;
        if !output.status.success() {
            bail!("the run failed: {}", String::from_utf8_lossy(&output.stderr));
        }
        let wall_seconds = started.elapsed().as_secs_f64();
        let text = std::fs::read_to_string(folder.join("mpi.json"))?;
        runs.push(Run { ranks, threads, islands, wall_seconds, mpi: serde_json::from_str(&text)? });
    }
    let model = measured(&runs[0], &runs[1]);
    let island_run = &runs[4];
    let report = report(&runs, &model, island_run)?;
    std::fs::write(root.join("docs/mpi-scaling.md"), &report)?;
    std::fs::write(out.join("runs.csv"), runs_csv(&runs)?)?;
    std::fs::write(out.join("model.csv"), model_csv(&model, island_run)?)?;
    eprintln!("wrote docs/mpi-scaling.md and {}", out.display());
    Ok(())
}

fn runs_csv(runs: &[Run]) -> Result<String> {
    let mut csv = String::from(
        "ranks,threads,islands,wall_seconds,evaluations_per_second,serial_share,\
         bytes_per_generation,communication_seconds_per_generation\n",
    );
    for r in runs {
        writeln!(
            csv,
            "{},{},{},{:.3},{:.1},{:.4},{:.0},{:.6}",
            r.ranks,
            r.threads,
            r.islands,
            r.wall_seconds,
            r.number("evaluations_per_second"),
            r.number("serial_share"),
            r.number("bytes_per_generation"),
            r.number("communication_seconds_per_generation")
        )?;
    }
    Ok(csv)
}

/// Generations between the island run's sync points.
const MIGRATION_INTERVAL: usize = 5;

/// The rank counts the model projects to.
const PROJECTED: [usize; 6] = [1, 2, 8, 64, 512, 4096];

/// The island model's inputs from the island run (one island per rank): island 0's seconds per
/// generation outside the sync points, and rank 0's sync seconds per island and sync point.
fn islands_measured(island_run: &Run) -> IslandsMeasured {
    let islands = island_run.islands.max(1) as f64;
    let generations = island_run.number("generations").max(1.0);
    let sync = island_run.number("sync_seconds");
    IslandsMeasured {
        generation_seconds: (island_run.number("engine_seconds") - sync) / generations,
        sync_seconds_per_island: sync / (island_run.number("sync_points").max(1.0) * islands),
        migration_interval: MIGRATION_INTERVAL,
    }
}

fn model_csv(model: &Measured, island_run: &Run) -> Result<String> {
    let islands = islands_measured(island_run);
    let mut csv = String::from(
        "ranks,farm_seconds_per_generation,farm_speedup,islands_seconds_per_generation_k_eq_p\n",
    );
    for p in PROJECTED {
        writeln!(
            csv,
            "{p},{:.6},{:.3},{:.6}",
            model.farm_seconds(p, 1),
            model.farm_speedup(p, 1),
            islands.seconds(p, p)
        )?;
    }
    Ok(csv)
}

fn report(runs: &[Run], model: &Measured, island_run: &Run) -> Result<String> {
    let islands = islands_measured(island_run);
    let mut md = String::from(
        "# dgnn over MPI: measured figures and a scaling model\n\n\
         Written by `cargo xtask mpi-bench` (Open MPI, `mpirun --oversubscribe --bind-to none` \
         on this machine's 2 cores; `dgnn search --dataset digits --mpi`, its default budget). \
         The first table is **measured**; the second is a **model** fitted to it \
         (`dgnn_mpi::model`).\n\n## Measured\n\n\
         | ranks | threads per rank | islands | wall s | evaluations/s | rank 0 serial share | \
         bytes per generation | communication s per generation |\n\
         |---|---|---|---|---|---|---|---|\n",
    );
    for r in runs {
        let islands = if r.islands > 0 { r.islands.to_string() } else { "—".into() };
        let (eps, share, bytes, comm) = if r.islands > 0 {
            let bytes = r.number("bytes_at_rank_0") / r.number("generations").max(1.0);
            ("—".into(), "—".into(), format!("{bytes:.0}"), "—".into())
        } else {
            (
                format!("{:.0}", r.number("evaluations_per_second")),
                format!("{:.3}", r.number("serial_share")),
                format!("{:.0}", r.number("bytes_per_generation")),
                format!("{:.2e}", r.number("communication_seconds_per_generation")),
            )
        };
        writeln!(
            md,
            "| {} | {} | {islands} | {:.1} | {eps} | {share} | {bytes} | {comm} |",
            r.ranks, r.threads, r.wall_seconds
        )?;
    }
    writeln!(
        md,
        "\nWith 2 cores, 2 ranks × 2 threads oversubscribe the machine: that row checks \
         correctness, not speed. Open MPI binds each rank to one core by default, which \
         leaves a rank's extra threads on that core: with `--threads` above 1, start \
         `mpirun --bind-to none` (or `--map-by slot:PE=T` for T threads per rank).\n\n## Model inputs (from the 1×1 and 2×1 runs)\n\n\
         - E = {:.1} evaluations per generation in s = {:.1} stages;\n\
         - τ = {:.3e} thread-seconds per evaluation;\n\
         - S = {:.3e} s of rank 0's serial work per generation (selection, variation, sorting, \
         cache, checkpoint);\n\
         - c = {:.3e} s of rank 0's communication per evaluation run elsewhere, for b₀ = {:.0} \
         bytes (hand-out messages folded in);\n\
         - islands (from the island run, one island per rank): T_island = {:.3e} s per \
         generation of one island outside the sync points; σ = {:.3e} s of rank 0 per island \
         and sync point (waiting for the slowest island included); a sync point every g = {} \
         generations.\n",
        model.evaluations_per_generation,
        model.stages_per_generation,
        model.seconds_per_evaluation,
        model.serial_seconds,
        model.communication_per_remote_evaluation,
        model.bytes_per_evaluation,
        islands.generation_seconds,
        islands.sync_seconds_per_island,
        islands.migration_interval,
    )?;
    md.push_str(
        "## Model: one thread per rank\n\n\
         | ranks | farm: s per generation | farm: speed-up | islands (K = ranks): s per \
         generation of K populations | islands: throughput over 1 rank |\n|---|---|---|---|---|\n",
    );
    for p in PROJECTED {
        let farm = model.farm_seconds(p, 1);
        let k = islands.seconds(p, p);
        let one_island = islands.seconds(1, 1);
        writeln!(
            md,
            "| {p} | {farm:.4} | {:.2} | {k:.4} | {:.1} |",
            model.farm_speedup(p, 1),
            p as f64 * one_island / k
        )?;
    }
    writeln!(
        md,
        "\n## Where it stops scaling\n\n\
         - **Batch width.** A stage holds n = {n:.0} evaluations, so distributed evaluation \
         gains nothing beyond {n:.0} single-threaded ranks: from there every rank runs at most \
         one evaluation per stage and the stage lasts as long as the slowest.\n\
         - **Amdahl.** Rank 0's serial share bounds the speed-up by (S + W)/S = {amdahl:.0}.\n\
         - **Communication.** Rank 0's messages outlast a stage's computation from about \
         τ/c + 1 = {comm:.0} ranks on (one thread each); past that a stage costs c·n whatever \
         the ranks, and larger genomes move the limit down in proportion to their bytes.\n\n\
         So distributed evaluation of this search (population 24) saturates at a speed-up of \
         about {farm:.0}, near {limit:.0} ranks, where the first of these limits binds. A \
         larger population widens the batch and lifts the first limit; the second and third \
         stay.\n\n\
         **Islands** run K whole engines, each paying its serial part on its own rank, so the \
         Amdahl and batch-width limits of one engine are gone up to p = K. What limits them \
         instead is the sync point: rank 0 gathers every island's state (for the checkpoint and \
         the merged front) and waits for the slowest island, σ per island every g \
         generations, so K islands on K ranks run at most g·T₁/σ ≈ {island:.0} times the \
         populations of one rank per unit time. Gathering the checkpoint less often than \
         migrating, or through a tree instead of a star, would lift that limit. Islands are \
         another algorithm, not a faster one-population search: their result depends on K, \
         never on the rank count.\n",
        n = model.evaluations_per_stage(),
        amdahl = model.amdahl_bound(1),
        comm = model.communication_limit(1),
        farm = model.farm_speedup(4096, 1),
        limit = model.evaluations_per_stage().min(model.communication_limit(1)),
        island = islands.migration_interval as f64 * islands.seconds(1, 1)
            / islands.sync_seconds_per_island.max(f64::MIN_POSITIVE),
    )?;
    Ok(md)
}
