//! `cargo xtask experiments [NAME…]`: runs every experiment (or the named ones) at its default
//! size with the release binary, and publishes each under `docs/experiments/NAME/` — the report,
//! its pictures (PNG), the config, the per-item table and the machine-readable result — with
//! the folder's own `README.md`, the table of question → verdicts → effects and intervals → how
//! to regenerate, and the measured run time of each.

use anyhow::{Context, Result, bail};
use serde_json::Value;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// The files of a run folder that are published (besides every PNG).
const PUBLISHED: [&str; 4] = ["report.md", "config.ron", "results.csv", "result.json"];

/// Runs the experiments and writes `docs/experiments/`.
pub fn experiments(root: &Path, selected: &[String]) -> Result<()> {
    super::run(root, "cargo", &["build", "--release", "--bin", "dgnn"])?;
    let exe = super::release_binary(root);
    let listing = Command::new(&exe).args(["experiment", "--list"]).output()?;
    let all: Vec<(String, String)> = String::from_utf8(listing.stdout)?
        .lines()
        .filter_map(|l| {
            let (name, question) = l.split_once(' ')?;
            Some((name.to_string(), question.trim().to_string()))
        })
        .collect();
    for name in selected {
        if !all.iter().any(|(n, _)| n == name) {
            bail!("unknown experiment `{name}`; known: {}", names(&all));
        }
    }
    let docs = root.join("docs/experiments");
    for (name, _) in all.iter().filter(|(n, _)| selected.is_empty() || selected.contains(n)) {
        let run_dir = root.join("target/experiments").join(name);
        if run_dir.exists() {
            std::fs::remove_dir_all(&run_dir)?;
        }
        eprintln!("== experiment {name}");
        let started = Instant::now();
        let run_arg = run_dir.to_string_lossy().into_owned();
        let status = Command::new(&exe)
            .args(["experiment", name, "--out", &run_arg])
            .current_dir(root)
            .status()
            .with_context(|| format!("could not run dgnn experiment {name}"))?;
        if !status.success() {
            bail!("dgnn experiment {name} failed with {status}");
        }
        let seconds = started.elapsed().as_secs_f64();
        publish(&run_dir, &docs.join(name), seconds)?;
    }
    write_index(&docs, &all)?;
    eprintln!("wrote {}", docs.join("README.md").display());
    Ok(())
}

fn names(all: &[(String, String)]) -> String {
    all.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>().join(", ")
}

/// Copies a finished run's published files into `target` (replacing an older publication) and
/// records the measured wall time in `run_time.txt`.
fn publish(run_dir: &Path, target: &Path, seconds: f64) -> Result<()> {
    if target.exists() {
        std::fs::remove_dir_all(target)?;
    }
    std::fs::create_dir_all(target)?;
    for entry in std::fs::read_dir(run_dir)? {
        let path = entry?.path();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if PUBLISHED.contains(&name.as_str()) || name.ends_with(".png") {
            std::fs::copy(&path, target.join(&name))?;
        }
    }
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    std::fs::write(
        target.join("run_time.txt"),
        format!("{seconds:.0} s wall time on {cores} cores (cargo xtask experiments)\n"),
    )?;
    Ok(())
}

/// The verdict table of every published experiment.
fn write_index(docs: &Path, all: &[(String, String)]) -> Result<()> {
    let mut md = String::from(
        "# What dgnn finds: the paper's questions as experiments\n\n\
         Each experiment states its claims and their decision rules in its config before it \
         runs; the verdict — *supported*, *not supported* or *inconclusive* — is read off the \
         95 % intervals by code (`dgnn-lab`), never by hand. A negative answer is a result. \
         Regenerate everything with `cargo xtask experiments` (or one experiment with \
         `cargo xtask experiments NAME`, or `dgnn experiment NAME`).\n\n\
         | experiment | question | claim | verdict | effect [95 % interval] | run time |\n\
         |---|---|---|---|---|---|\n",
    );
    for (name, question) in all {
        let dir = docs.join(name);
        let Ok(text) = std::fs::read_to_string(dir.join("result.json")) else { continue };
        let result: Value = serde_json::from_str(&text)?;
        let estimates = &result["figures"]["estimates"];
        let run_time = std::fs::read_to_string(dir.join("run_time.txt")).unwrap_or_default();
        let run_time = run_time.split(" wall").next().unwrap_or("").trim().to_string();
        let decisions = result["figures"]["decisions"].as_array().cloned().unwrap_or_default();
        for (k, decision) in decisions.iter().enumerate() {
            let effects: Vec<String> = decision["outcomes"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|o| {
                    let q = o["condition"]["quantity"].as_str().unwrap_or("");
                    let i = &estimates[q];
                    match (i["estimate"].as_f64(), i["low"].as_f64(), i["high"].as_f64()) {
                        (Some(e), Some(l), Some(h)) => format!("`{q}` {e:.3} [{l:.3}, {h:.3}]"),
                        _ => format!("`{q}` —"),
                    }
                })
                .collect();
            let (first, link) = if k == 0 {
                (question.as_str(), format!("[`{name}`]({name}/report.md)"))
            } else {
                ("", String::new())
            };
            let _ = writeln!(
                md,
                "| {link} | {first} | {} | **{}** | {} | {} |",
                decision["claim"].as_str().unwrap_or(""),
                decision["verdict"].as_str().unwrap_or("").replace('-', " "),
                effects.join("; "),
                if k == 0 { run_time.as_str() } else { "" },
            );
        }
    }
    std::fs::write(docs.join("README.md"), md)?;
    Ok(())
}
