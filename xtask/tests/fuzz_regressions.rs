//! The fuzz harness's regression test: every seed and every input the harness ever saved as
//! failing (`tests/fuzz/regressions/TARGET/`) is read again by its target's reader, under the
//! harness's time limit and memory cap, and must now be accepted or refused with a message —
//! no panic, hang or blow-up.

use std::process::Command;

#[test]
fn every_saved_failing_input_is_now_accepted_or_refused() {
    let work = tempfile::tempdir().expect("a temporary folder");
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["fuzz", "--replay", "--work"])
        .arg(work.path())
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("xtask runs");
    let text = String::from_utf8_lossy(&output.stdout);
    let errors = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{text}\n{errors}");
    // The harness read every target's seeds, and no seed was refused (a refused seed would
    // leave its target untested).
    assert!(!errors.contains("warning:"), "{errors}");
    for target in ["search-config", "wfdb-data", "checkpoint", "report"] {
        assert!(text.lines().any(|l| l.starts_with(target)), "{target} missing:\n{text}");
    }
}
