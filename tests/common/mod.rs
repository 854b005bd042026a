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

/// dgnn-glia's two conflicting tasks (`Dataset::two_conflicting_tasks`) as a user's CSV table
/// `x0,x1,task,y`, the task named `A` (context 0) or `B` (context 1).
pub fn conflicting_tasks_csv(inputs: usize) -> String {
    let data = dgnn_glia::Dataset::two_conflicting_tasks(inputs).unwrap();
    let mut csv = String::from("x0,x1,task,y\n");
    for i in 0..data.len() {
        let (x, task) = (data.row(i), ["A", "B"][data.context(i)]);
        csv.push_str(&format!("{},{},{task},{}\n", x[0], x[1], data.labels()[i]));
    }
    csv
}
