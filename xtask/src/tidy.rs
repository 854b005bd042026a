//! Tidy checks, run by `cargo test`: the crate map holds, every file says what it is, and no
//! work is left unnamed.
//!
//! 1. Dependencies point down: each workspace crate may depend only on the siblings listed in
//!    [`ALLOWED`] (the layering of ARCHITECTURE.md). A crate missing from the table fails too,
//!    so adding a crate means placing it in the map.
//! 2. Every Rust file starts with a `//!` doc comment.
//! 3. A to-do marker always names its owner and issue, as `TODO(name, #12)`.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Each workspace crate and the workspace crates it may depend on (normal, dev or build).
const ALLOWED: &[(&str, &[&str])] = &[
    ("dgnn-core", &[]),
    ("dgnn-plot", &["dgnn-core"]),
    ("dgnn-dynamics", &["dgnn-core"]),
    ("dgnn-lock", &["dgnn-core", "dgnn-dynamics"]),
    ("dgnn-glia", &["dgnn-core", "dgnn-dynamics"]),
    ("dgnn-evo", &["dgnn-core"]),
    ("dgnn-nas", &["dgnn-core", "dgnn-dynamics", "dgnn-glia", "dgnn-evo"]),
    (
        "dgnn",
        &[
            "dgnn-core",
            "dgnn-plot",
            "dgnn-dynamics",
            "dgnn-lock",
            "dgnn-glia",
            "dgnn-evo",
            "dgnn-nas",
        ],
    ),
    ("xtask", &[]),
];

fn root() -> PathBuf {
    super::workspace_root()
}

#[test]
fn dependencies_point_down() {
    let output = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--no-deps", "--offline"])
        .current_dir(root())
        .output()
        .expect("cargo metadata runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let meta: serde_json::Value = serde_json::from_slice(&output.stdout).expect("metadata is JSON");
    let members: Vec<&str> =
        meta["packages"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    let mut problems = Vec::new();
    for package in meta["packages"].as_array().unwrap() {
        let name = package["name"].as_str().unwrap();
        let Some((_, allowed)) = ALLOWED.iter().find(|(crate_name, _)| *crate_name == name) else {
            problems
                .push(format!("{name} is not placed in the crate map (xtask/src/tidy.rs ALLOWED)"));
            continue;
        };
        for dep in package["dependencies"].as_array().unwrap() {
            let dep_name = dep["name"].as_str().unwrap();
            if members.contains(&dep_name) && !allowed.contains(&dep_name) {
                problems.push(format!("{name} depends on {dep_name}, which the crate map forbids"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// All Rust files of the workspace, outside `target/`.
fn rust_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if path.is_dir() {
                if name != "target" && !name.starts_with('.') {
                    walk(&path, out);
                }
            } else if name.ends_with(".rs") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    for top in ["src", "crates", "xtask", "tests", "benches"] {
        walk(&root().join(top), &mut files);
    }
    files
}

#[test]
fn every_file_has_a_module_doc() {
    let missing: Vec<String> = rust_files()
        .into_iter()
        .filter(|path| {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            !text.lines().find(|l| !l.trim().is_empty()).is_some_and(|l| l.starts_with("//!"))
        })
        .map(|p| p.display().to_string())
        .collect();
    assert!(
        missing.is_empty(),
        "files without a leading `//!` doc comment:\n{}",
        missing.join("\n")
    );
}

#[test]
fn no_bare_todo() {
    // Built from parts so that this file does not trip its own check.
    let markers = [concat!("TO", "DO"), concat!("FIX", "ME")];
    let mut bare = Vec::new();
    for path in rust_files() {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        for (line_no, line) in text.lines().enumerate() {
            for marker in markers {
                for (at, _) in line.match_indices(marker) {
                    let rest = &line[at + marker.len()..];
                    let named = rest.starts_with('(') && rest.contains('#') && rest.contains(')');
                    if !named {
                        bare.push(format!("{}:{}: {}", path.display(), line_no + 1, line.trim()));
                    }
                }
            }
        }
    }
    assert!(
        bare.is_empty(),
        "to-do markers must read `{}(name, #issue)`:\n{}",
        markers[0],
        bare.join("\n")
    );
}
