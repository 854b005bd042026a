//! Helpers shared by the end-to-end tests of the `dgnn` command line: run the binary in a
//! folder, read its output, check a result folder.

// Each test binary uses its own subset of these helpers.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

/// Runs the `dgnn` binary with `args` in `dir` and waits for it.
pub fn dgnn(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dgnn"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("dgnn runs")
}

/// The process's standard error as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The process's standard output as text.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}
