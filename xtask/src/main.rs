//! `cargo xtask`: the project's automation, one small binary (rust-analyzer's habit).
//!
//! - `cargo xtask ci` runs exactly what `.ci/run` runs: format check, clippy, the test suite.
//! - `cargo xtask bench [WORKLOAD…]` builds the release binary, runs `dgnn bench` for each
//!   canonical workload and writes `target/bench/bench.jsonl`.
//! - The tidy checks live in `tidy.rs` as `#[test]`s, so `cargo test` runs them.

#[cfg(test)]
mod tidy;

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The canonical workloads of BENCHMARKS.md that `dgnn bench` knows, in order.
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
        _ => {
            eprintln!("usage: cargo xtask <ci | bench [WORKLOAD…]>");
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

/// The CI sequence; `.ci/run` runs the same three commands.
fn ci(root: &Path) -> Result<()> {
    run(root, "cargo", &["fmt", "--all", "--check"])?;
    run(root, "cargo", &["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"])?;
    run(root, "cargo", &["test", "--workspace"])
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
    let exe = root.join("target/release/dgnn");
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
