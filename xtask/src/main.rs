//! `cargo xtask`: the project's automation, one small binary (rust-analyzer's habit).
//!
//! - `cargo xtask ci` runs `.ci/run`: format check, clippy, the test suite, the API docs with
//!   warnings as errors, then the MPI build and its tests.
//! - `cargo xtask bench [WORKLOAD…]` builds the release binary, runs `dgnn bench` for each
//!   canonical workload and writes `target/bench/bench.jsonl`.
//! - `cargo xtask sync-demo` fetches a real ECG + respiration recording (biopeaks 1.4.1's
//!   `OSmontage0J.txt`, GPL-3.0, never committed) with pip into `data/external/` and runs
//!   `dgnn sync` on it end to end.
//! - `cargo xtask experiments [NAME…]` runs the experiments of `dgnn experiment` at their
//!   default size and publishes their reports and the verdict table under `docs/experiments/`.
//! - `cargo xtask mpi-bench` measures `dgnn search --mpi` on 1 and 2 ranks (Open MPI needed)
//!   and writes `docs/mpi-scaling.md`: the figures and the scaling model they give.
//! - `cargo xtask fuzz [--seconds N] [--target NAME]…` fuzzes every reader (configs, tables,
//!   recordings, models, checkpoints, result folders) with structure-aware mutants, each input
//!   under a time limit and a memory cap; failing inputs are saved under
//!   `tests/fuzz/regressions/` and `--replay` reads them again (see `fuzz/mod.rs`).
//! - `cargo xtask make-big-data [--rows N] [--features D] [--classes K]` writes a large table of
//!   known structure (1,000,000 × 50, 5 classes by default) to `target/big-data/big.csv`, with
//!   its Bayes-optimal accuracy (see `big_data.rs`).
//! - `cargo xtask search-scaling` measures how `dgnn search`'s wall time grows with rows,
//!   features and population, fits the exponents and writes `docs/search-scaling.md`.
//! - The tidy checks live in `tidy.rs` as `#[test]`s, so `cargo test` runs them.

mod big_data;
mod experiments;
mod fuzz;
mod mpi_bench;
mod search_scaling;
#[cfg(test)]
mod tidy;

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The canonical workloads of docs/benchmarks.md that `dgnn bench` knows, in order.
const WORKLOADS: &[&str] = &[
    "hkb-ensemble",
    "arnold-tongues",
    "kuramoto",
    "zdt1-nsga2",
    "nm-sync",
    "nas-wdbc",
    "mlp-train",
];

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = workspace_root();
    match args.first().map(String::as_str) {
        Some("ci") => ci(&root),
        Some("bench") => bench(&root, &args[1..]),
        Some("sync-demo") => sync_demo(&root),
        Some("experiments") => experiments::experiments(&root, &args[1..]),
        Some("mpi-bench") => mpi_bench::mpi_bench(&root),
        Some("fuzz") => fuzz::fuzz(&root, &args[1..]),
        Some("make-big-data") => big_data::make_big_data(&root, &args[1..]),
        Some("search-scaling") => search_scaling::search_scaling(&root),
        Some("fuzz-worker") => fuzz::worker(&args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask <ci | bench [WORKLOAD…] | sync-demo | experiments [NAME…] | \
                 mpi-bench | fuzz [--seconds N] [--target NAME]… [--replay] | make-big-data [--rows N] | search-scaling>"
            );
            eprintln!("workloads: {}", WORKLOADS.join(", "));
            bail!("unknown or missing xtask command")
        }
    }
}

/// The workspace root (the parent of this crate's directory).
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives inside the workspace")
        .to_path_buf()
}

/// The release `dgnn` binary that `cargo build --release` made (in `CARGO_TARGET_DIR` when set).
fn release_binary(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| root.join("target"), PathBuf::from)
        .join("release/dgnn")
}

/// Runs a command in `dir`, failing with its name when it fails.
fn run(dir: &Path, program: &str, args: &[&str]) -> Result<()> {
    eprintln!("$ {program} {}", args.join(" "));
    let status = Command::new(program)
        .args(args)
        .current_dir(dir)
        .status()
        .with_context(|| format!("could not start `{program}`"))?;
    if !status.success() {
        bail!("`{program} {}` failed with {status}", args.join(" "));
    }
    Ok(())
}

/// Runs `.ci/run`, the CI sequence.
fn ci(root: &Path) -> Result<()> {
    let script = root.join(".ci/run");
    eprintln!("$ {}", script.display());
    let status = Command::new(&script)
        .current_dir(root)
        .status()
        .with_context(|| format!("could not start {}", script.display()))?;
    if !status.success() {
        bail!(".ci/run failed with {status}");
    }
    Ok(())
}

/// Runs the canonical workloads with the release binary and collects their JSON lines.
fn bench(root: &Path, selected: &[String]) -> Result<()> {
    let workloads: Vec<&str> = if selected.is_empty() {
        WORKLOADS.to_vec()
    } else {
        for name in selected {
            if !WORKLOADS.contains(&name.as_str()) {
                bail!("unknown workload `{name}`; known: {}", WORKLOADS.join(", "));
            }
        }
        selected.iter().map(String::as_str).collect()
    };
    run(root, "cargo", &["build", "--release", "--bin", "dgnn"])?;
    let exe = release_binary(root);
    let out_dir = root.join("target/bench");
    std::fs::create_dir_all(&out_dir)?;
    let mut lines = String::new();
    for workload in workloads {
        eprintln!("== {workload}");
        let output = Command::new(&exe)
            .args(["bench", workload])
            .current_dir(root)
            .output()
            .with_context(|| format!("could not run dgnn bench {workload}"))?;
        if !output.status.success() {
            bail!("dgnn bench {workload} failed: {}", String::from_utf8_lossy(&output.stderr));
        }
        let line = String::from_utf8(output.stdout)?.trim().to_string();
        serde_json::from_str::<serde_json::Value>(&line)
            .with_context(|| format!("dgnn bench {workload} did not print one JSON line"))?;
        eprintln!("{}", line.chars().take(300).collect::<String>());
        lines.push_str(&line);
        lines.push('\n');
    }
    let path = out_dir.join("bench.jsonl");
    std::fs::write(&path, lines)?;
    eprintln!("wrote {}", path.display());
    Ok(())
}

/// The real recording of `sync-demo`: a file inside the biopeaks wheel (GPL-3.0).
const DEMO_WHEEL: &str = "biopeaks==1.4.1";
const DEMO_MEMBER: &str = "biopeaks/tests/testdata/OSmontage0J.txt";

/// Fetches biopeaks' OpenSignals recording (85 min, 1000 Hz, A2 = respiration belt, A3 = ECG)
/// into the git-ignored `data/external/` and runs `dgnn sync` on it. The data are GPL-3.0:
/// they are downloaded at run time and never committed.
fn sync_demo(root: &Path) -> Result<()> {
    let dir = root.join("data/external");
    std::fs::create_dir_all(&dir)?;
    let recording = dir.join("OSmontage0J.txt");
    if recording.is_file() {
        eprintln!("using {}", recording.display());
    } else {
        let dir_arg = dir.to_string_lossy().into_owned();
        run(root, "python3", &["-m", "pip", "download", "--no-deps", DEMO_WHEEL, "-d", &dir_arg])
            .context("pip could not fetch the biopeaks wheel (network or pip missing?)")?;
        let wheel = std::fs::read_dir(&dir)?
            .flatten()
            .map(|e| e.path())
            .find(|p| {
                p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("biopeaks-1.4.1"))
            })
            .context("the biopeaks wheel is not in data/external after pip download")?;
        let extract = "import sys, zipfile; open(sys.argv[3], 'wb').write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))";
        let (wheel_arg, out_arg) =
            (wheel.to_string_lossy().into_owned(), recording.to_string_lossy().into_owned());
        run(root, "python3", &["-c", extract, &wheel_arg, DEMO_MEMBER, &out_arg])?;
        eprintln!(
            "fetched {} (GPL-3.0; data/external is git-ignored — do not commit it)",
            recording.display()
        );
    }
    let out = (1u32..)
        .map(|n| root.join(format!("runs/sync-demo-{n}")))
        .find(|p| !p.exists())
        .context("no free run folder")?;
    let (rec_arg, out_arg) =
        (recording.to_string_lossy().into_owned(), out.to_string_lossy().into_owned());
    run(
        root,
        "cargo",
        &[
            "run",
            "--release",
            "--quiet",
            "--bin",
            "dgnn",
            "--",
            "sync",
            &rec_arg,
            "--format",
            "opensignals",
            "--ecg",
            "A3",
            "--resp",
            "A2",
            "--out",
            &out_arg,
        ],
    )?;
    eprintln!("report: {}", out.join("summary.txt").display());
    Ok(())
}
