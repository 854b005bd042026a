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

/// A CSV table of two conflicting tasks on the same inputs: `x0,x1,task,y` with task `A`
/// labelling `x0 > 0` as 1 and task `B` labelling `x0 ≤ 0` as 1, each of `inputs` points of a
/// deterministic scatter over [−1, 1]² once per task. A network blind to `task` is right on
/// half of the rows at best.
pub fn conflicting_tasks_csv(inputs: usize) -> String {
    let mut csv = String::from("x0,x1,task,y\n");
    for i in 0..inputs {
        // The golden-ratio sequence fills [0, 1) evenly; a second irrational for x1.
        let x0 = 2.0 * (i as f64 * 0.618_033_988_749_895).fract() - 1.0;
        let x1 = 2.0 * (i as f64 * 0.414_213_562_373_095).fract() - 1.0;
        for (task, positive) in [("A", x0 > 0.0), ("B", x0 <= 0.0)] {
            csv.push_str(&format!("{x0},{x1},{task},{}\n", u8::from(positive)));
        }
    }
    csv
}
