//! End-to-end tests of `dgnn tongues`, `dgnn staircase`, `dgnn sync` and the two dgnn-lock
//! benchmark workloads: result folders, the verdicts on positive controls written as CSV and
//! WFDB files, clear refusals of bad recordings, and each failure of issue 13 (swapped
//! channels, a wrong `--fs`, flat and missing stretches, windows longer than the record,
//! short windows, FDR without power).

mod common;

use common::{dgnn, stderr, stdout};
use dgnn_core::Seed;
use dgnn_lock::controls::{Control, ControlParams};
use std::fmt::Write as _;
use std::path::Path;

fn control(params: &ControlParams) -> Control {
    params.generate(Seed(21)).unwrap()
}

/// Writes a control as CSV with columns `ecg,resp` (and no time column).
fn write_csv(path: &Path, c: &Control) {
    let mut text = String::from("ecg,resp\n");
    for (e, r) in c.ecg.iter().zip(&c.resp) {
        writeln!(text, "{e:.5},{r:.5}").unwrap();
    }
    std::fs::write(path, text).unwrap();
}

#[test]
fn sync_tells_the_quiet_control_from_the_active_one() {
    // The quiet control is 3:1 locked throughout (see dgnn_lock::sync's tests for why); the
    // active one drifts and must not be called locked.
    let dir = tempfile::tempdir().unwrap();
    write_csv(&dir.path().join("quiet.csv"), &control(&ControlParams::quiet()));
    write_csv(&dir.path().join("active.csv"), &control(&ControlParams::active()));
    let common = ["--fs", "250", "--ecg", "ecg", "--resp", "resp", "--surrogates", "19"];
    let out = dgnn(&[&["sync", "quiet.csv", "--out", "q"][..], &common].concat(), dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    // The summary is the command's output, on stdout, as summary.txt holds it (issue 14).
    let summary = std::fs::read_to_string(dir.path().join("q/summary.txt")).unwrap();
    assert!(stdout(&out).starts_with(&summary), "{}", stdout(&out));
    let run = dir.path().join("q");
    for file in [
        "result.json",
        "result.ron",
        "windows.csv",
        "beats.csv",
        "breaths.csv",
        "summary.txt",
        "synchrogram.svg",
        "synchrogram.png",
        "ratio.svg",
        "ratio.png",
    ] {
        assert!(run.join(file).is_file(), "missing {file}");
    }
    let summary = std::fs::read_to_string(run.join("summary.txt")).unwrap();
    assert!(summary.contains("sustained locking") && summary.contains("3:1"), "{summary}");
    let windows = std::fs::read_to_string(run.join("windows.csv")).unwrap();
    assert!(windows.starts_with("start_s,end_s,beats,breaths,frequency_ratio,dominant,depth,rho,lambda,gamma,p_value,significant,note"));
    let out = dgnn(&[&["sync", "active.csv", "--out", "a"][..], &common].concat(), dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let summary = std::fs::read_to_string(dir.path().join("a/summary.txt")).unwrap();
    assert!(summary.contains("no significant n:m locking"), "{summary}");
}

#[test]
fn sync_reads_wfdb_records() {
    // A two-signal format-16 record (gain 1000 adu/mV) written here; the same verdict as CSV.
    let dir = tempfile::tempdir().unwrap();
    let c = control(&ControlParams { duration_s: 240.0, ..ControlParams::quiet() });
    let mut bytes = Vec::with_capacity(4 * c.ecg.len());
    let mut checksums = [0i64; 2];
    for (e, r) in c.ecg.iter().zip(&c.resp) {
        for (i, v) in [e, r].into_iter().enumerate() {
            let digital = (v * 1000.0).round() as i16;
            checksums[i] += i64::from(digital);
            bytes.extend(digital.to_le_bytes());
        }
    }
    std::fs::write(dir.path().join("ctl.dat"), bytes).unwrap();
    // The header's checksum is the 16-bit two's-complement sum of each signal's samples.
    let [ce, cr] = checksums.map(|s| s.rem_euclid(65536) as u16 as i16);
    let header = format!(
        "ctl 2 250 {}\nctl.dat 16 1000/mV 16 0 0 {ce} 0 ECG\nctl.dat 16 1000/mV 16 0 0 {cr} 0 RESP\n",
        c.ecg.len()
    );
    std::fs::write(dir.path().join("ctl.hea"), header).unwrap();
    let out = dgnn(
        &["sync", "ctl.hea", "--ecg", "ECG", "--resp", "RESP", "--surrogates", "19", "--out", "w"],
        dir.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let summary = std::fs::read_to_string(dir.path().join("w/summary.txt")).unwrap();
    assert!(summary.contains("3:1"), "{summary}");
}

#[test]
fn sync_refuses_bad_recordings_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let c = control(&ControlParams { duration_s: 120.0, ..ControlParams::quiet() });
    write_csv(&dir.path().join("ok.csv"), &c);
    let fail = |args: &[&str], needle: &str| {
        let out = dgnn(args, dir.path());
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(needle), "{args:?}: {}", stderr(&out));
    };
    fail(&["sync", "ok.csv", "--fs", "250", "--ecg", "ECG"], "no column `ECG`");
    fail(&["sync", "ok.csv"], "fs");
    fail(&["sync", "ok.csv", "--fs", "0"], "fs_hz");
    fail(&["sync", "missing.csv", "--fs", "250"], "missing.csv");
    std::fs::write(dir.path().join("nan.csv"), "ecg,resp\n1,2\nNaN,3\n4,5\n").unwrap();
    fail(&["sync", "nan.csv", "--fs", "250"], "non-finite");
    std::fs::write(dir.path().join("ragged.csv"), "ecg,resp\n1,2\n3\n").unwrap();
    fail(&["sync", "ragged.csv", "--fs", "250"], "line 3");
    std::fs::write(dir.path().join("short.csv"), "ecg,resp\n1,2\n3,4\n").unwrap();
    fail(&["sync", "short.csv", "--fs", "250"], "ECG");
    let truncated = "# OpenSignals Text File Format. Version 1\n# {\"d\": {\"column\": [\"nSeq\", \"A2\", \"A3\"], \"sampling rate\": 1000}}\n# EndOfHeader\n0\t1\t2\n1\t2\n";
    std::fs::write(dir.path().join("os.txt"), truncated).unwrap();
    fail(&["sync", "os.txt", "--ecg", "A3", "--resp", "A2"], "truncated");
}

/// Writes a control as a two-column CSV after `edit` changes its (ecg, resp) samples.
fn write_edited_csv(path: &Path, c: &Control, edit: impl Fn(usize, &mut f64, &mut f64)) {
    let mut text = String::from("ecg,resp\n");
    for (i, (e, r)) in c.ecg.iter().zip(&c.resp).enumerate() {
        let (mut e, mut r) = (*e, *r);
        edit(i, &mut e, &mut r);
        writeln!(text, "{e:.5},{r:.5}").unwrap();
    }
    std::fs::write(path, text).unwrap();
}

#[test]
fn sync_names_swapped_channels_and_a_wrong_rate() {
    // The belt given as ECG (and the ECG as belt) is refused with the swap named; --force
    // analyses it and keeps the warning. A 500 Hz record read at 250 Hz beats half as fast
    // (about 22 a minute), and the refusal names the rate that fits.
    let dir = tempfile::tempdir().unwrap();
    let c = control(&ControlParams { duration_s: 240.0, ..ControlParams::quiet() });
    write_csv(&dir.path().join("c.csv"), &c);
    let swapped = ["sync", "c.csv", "--fs", "250", "--ecg", "resp", "--resp", "ecg"];
    let out = dgnn(&[&swapped[..], &["--out", "s"]].concat(), dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(
            "channels-swapped: the `resp` channel looks like respiration (dominant 0.25 Hz"
        ) && err.contains("swapped columns?")
            && err.contains("--force"),
        "{err}"
    );
    assert!(!dir.path().join("s").exists(), "a refusal leaves no folder");
    let out =
        dgnn(&[&swapped[..], &["--force", "--surrogates", "0", "--out", "f"]].concat(), dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let result = std::fs::read_to_string(dir.path().join("f/result.json")).unwrap();
    assert!(result.contains("\"code\": \"channels-swapped\""), "{result}");
    let fast = ControlParams { duration_s: 240.0, fs_hz: 500.0, ..ControlParams::quiet() };
    let fast = control(&fast);
    // Without its 50 Hz hum, which read at half its rate would land at the QRS band's edge.
    write_edited_csv(&dir.path().join("k.csv"), &fast, |i, e, _| {
        *e -= 0.05 * (std::f64::consts::TAU * 50.0 * i as f64 / 500.0).sin();
    });
    let out = dgnn(&["sync", "k.csv", "--fs", "250", "--surrogates", "0"], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("wrong-fs: heart rate") && err.contains("at 500 Hz it would be 4"),
        "{err}"
    );
}

#[test]
fn sync_handles_flat_and_missing_stretches() {
    // A 10 s flat ECG stretch at 100–110 s: windows over it are skipped with the reason, not
    // analysed around one 10.9 s RR interval. Three missing samples: refused without
    // --interpolate-gaps, filled and flagged with it; a 2 s gap is refused even with it.
    let dir = tempfile::tempdir().unwrap();
    let c = control(&ControlParams { duration_s: 240.0, ..ControlParams::quiet() });
    let fs = c.fs_hz;
    let flat = |i: usize, e: &mut f64, _: &mut f64| {
        if (100.0 * fs..110.0 * fs).contains(&(i as f64)) {
            *e = 0.0;
        }
    };
    write_edited_csv(&dir.path().join("flat.csv"), &c, flat);
    let args = ["--fs", "250", "--surrogates", "0"];
    let out = dgnn(&[&["sync", "flat.csv", "--out", "flat"][..], &args].concat(), dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let windows = std::fs::read_to_string(dir.path().join("flat/windows.csv")).unwrap();
    let skipped: Vec<&str> =
        windows.lines().filter(|l| l.contains("skipped: overlaps flat")).collect();
    assert_eq!(skipped.len(), 2, "windows 60–120 and 90–150: {windows}");
    assert!(dir.path().join("flat/flagged").is_dir(), "a raw-signal panel per flagged window");
    let summary = std::fs::read_to_string(dir.path().join("flat/summary.txt")).unwrap();
    assert!(summary.contains("- flat: 1 flat span(s)"), "{summary}");
    let gap = |i: usize, e: &mut f64, _: &mut f64| {
        if (5000..5003).contains(&i) {
            *e = f64::NAN;
        }
    };
    write_edited_csv(&dir.path().join("gap.csv"), &c, gap);
    let out = dgnn(&[&["sync", "gap.csv"][..], &args].concat(), dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--interpolate-gaps"), "{}", stderr(&out));
    let out = dgnn(
        &[&["sync", "gap.csv", "--interpolate-gaps", "0.1", "--out", "g"][..], &args].concat(),
        dir.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let windows = std::fs::read_to_string(dir.path().join("g/windows.csv")).unwrap();
    assert_eq!(
        windows.lines().filter(|l| l.contains("interpolated 20.0–20.0 s in `ecg`")).count(),
        1
    );
    let long = |i: usize, e: &mut f64, _: &mut f64| {
        if (5000..5500).contains(&i) {
            *e = f64::NAN;
        }
    };
    write_edited_csv(&dir.path().join("long.csv"), &c, long);
    let out =
        dgnn(&[&["sync", "long.csv", "--interpolate-gaps", "0.1"][..], &args].concat(), dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--exclude 20.0-22.0"), "{}", stderr(&out));
}

#[test]
fn sync_small_problems_of_issue_13() {
    let dir = tempfile::tempdir().unwrap();
    let c = control(&ControlParams { duration_s: 120.0, ..ControlParams::active() });
    write_csv(&dir.path().join("c.csv"), &c);
    // A window longer than the record: refused before any folder exists.
    let out =
        dgnn(&["sync", "c.csv", "--fs", "250", "--window", "200", "--out", "long"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("shorter than one window"), "{}", stderr(&out));
    assert!(!dir.path().join("long").exists());
    // --window 20 works: the default smallest shift follows the window (a quarter of it).
    let out = dgnn(
        &[
            "sync",
            "c.csv",
            "--fs",
            "250",
            "--window",
            "20",
            "--step",
            "20",
            "--surrogates",
            "19",
            "--out",
            "w",
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    // Nothing passes: the threshold says so instead of "0.000". With 19 surrogates (the fewest
    // at α = 0.05 since issue 14) the smallest p, 1/20, lets the one analysed window pass on
    // its own, so no powerless-FDR note (its wording is tested in dgnn-lock's unit tests).
    let summary = std::fs::read_to_string(dir.path().join("w/summary.txt")).unwrap();
    assert!(summary.contains("p threshold none passed"), "{summary}");
    assert!(summary.contains("windows: 6 (1 analysed"), "{summary}");
    assert!(!summary.contains("note: with at most"), "{summary}");
    assert!(
        summary.contains("breaths are inspiration onsets"),
        "the two breath counts are explained"
    );
    assert!(summary.contains("per window ("), "the per-window table");
    for picture in ["zoom-lowest-p.svg", "zoom-highest-p.png", "ratio.svg"] {
        assert!(dir.path().join("w").join(picture).is_file(), "{picture}");
    }
}

#[test]
fn sync_reads_multi_frequency_wfdb_with_invalid_samples() {
    // The wfdb-written 212x4 fixture (ECG at 500 Hz, RESP at 125 Hz with one invalid sample)
    // is read at 500 Hz; its invalid sample is refused until --interpolate-gaps fills it.
    // Too short to analyse (2 s): the refusal must come from the gap first, then the length.
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("crates/dgnn-lock/tests/fixtures/wfdb/fmt212x4.hea");
    let dir = tempfile::tempdir().unwrap();
    let path = fixture.to_string_lossy().into_owned();
    let out = dgnn(&["sync", &path, "--ecg", "ECG", "--resp", "RESP"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("the first at t = 0.314 s")
            && stderr(&out).contains("--interpolate-gaps"),
        "{}",
        stderr(&out)
    );
    let out = dgnn(
        &["sync", &path, "--ecg", "ECG", "--resp", "RESP", "--interpolate-gaps", "0.05"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("2.0 s at 500 Hz") || stderr(&out).contains("shorter"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn tongues_and_staircase_write_their_folders() {
    let dir = tempfile::tempdir().unwrap();
    let out = dgnn(
        &[
            "tongues",
            "--n-omega",
            "60",
            "--n-k",
            "20",
            "--q-max",
            "4",
            "--q-max-measure",
            "10",
            "--out",
            "t",
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let edges = std::fs::read_to_string(dir.path().join("t/edges.csv")).unwrap();
    assert!(edges.starts_with("p,q,k,lower,upper,width"));
    let result = std::fs::read_to_string(dir.path().join("t/result.json")).unwrap();
    assert!(result.contains("golden_mean_omega_c") && result.contains("box_dimension"));
    // The golden-mean δ with its error estimate: Shenker's −2.833610655891 to 7 digits.
    assert!(result.contains("golden_mean_delta_error"));
    // The figures are the command's output, on stdout (issue 14).
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(printed.contains("δ = -2.8336106") && printed.contains(" ± "), "{printed}");
    assert!(dir.path().join("t/tongues.png").is_file());
    let out = dgnn(
        &["staircase", "--k", "0.9", "--n-omega", "200", "--q-max", "8", "--out", "s"],
        dir.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let plateaus = std::fs::read_to_string(dir.path().join("s/plateaus.csv")).unwrap();
    assert!(plateaus.lines().count() > 10);
    assert!(dir.path().join("s/staircase.svg").is_file());
    let out = dgnn(&["staircase", "--k", "1.5"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("`k` = 1.5"), "the refusal names the option: {}", stderr(&out));
}

#[test]
fn lock_benchmarks_print_one_json_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = dgnn(&["bench", "--threads", "2", "nm-sync", "--samples", "60000"], dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let line: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(line["workload"], "nm-sync");
    assert_eq!(line["ok_3to1_highest"], true);
    assert_eq!(line["indices"].as_array().unwrap().len(), 7);
    let out = dgnn(&["bench", "arnold-tongues", "--n-omega", "64", "--n-k", "16"], dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let line: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(line["map_iterations_per_second"].as_f64().unwrap() > 0.0);
    assert!(line["k1_plateau_fraction"].as_f64().is_some());
}
