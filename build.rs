//! Records the git commit the `dgnn` binary is built from, for the provenance of every result
//! (`DGNN_GIT_COMMIT`; `unknown` when the sources are not a git checkout or git is missing).

use std::process::Command;

fn main() {
    let commit = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .output()
        .ok()
        .filter(|out| out.status.success())
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .map_or_else(|| "unknown".to_string(), |s| s.trim().to_string());
    println!("cargo:rustc-env=DGNN_GIT_COMMIT={commit}");
    // A new commit moves HEAD or the branch it points at.
    println!("cargo:rerun-if-changed=.git/HEAD");
    println!("cargo:rerun-if-changed=.git/refs/heads");
}
