//! End to end: `dgnn experiment`. Every catalogued experiment runs at `--quick`, and its folder
//! is checked for structure and for the consistency of its numbers: every interval contains its
//! estimate, every verdict is the one its pre-declared rule gives for the reported intervals,
//! `results.csv` has one row per item. No test asserts which way a verdict comes out.

mod common;

use common::{dgnn, stderr, stdout};
use serde_json::Value;
use std::path::Path;

/// The names `dgnn experiment --list` prints.
fn experiment_names(dir: &Path) -> Vec<String> {
    let out = dgnn(&["experiment", "--list"], dir);
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out).lines().filter_map(|l| l.split_whitespace().next()).map(String::from).collect()
}

/// The verdict a rule gives for intervals, computed here from the rule's definition (every
/// condition met → supported; any failed → not supported; else inconclusive).
fn expected_verdict(conditions: &[Value], estimates: &serde_json::Map<String, Value>) -> String {
    let mut any_failed = false;
    let mut all_met = true;
    for condition in conditions {
        let name = condition["quantity"].as_str().unwrap();
        let side = &condition["holds_if"];
        let Some(interval) = estimates.get(name) else {
            all_met = false;
            continue;
        };
        let (low, high) = (interval["low"].as_f64().unwrap(), interval["high"].as_f64().unwrap());
        let (met, failed) = if let Some(t) = side.get("Above").and_then(Value::as_f64) {
            (low > t, high < t)
        } else {
            let t = side["Below"].as_f64().unwrap();
            (high < t, low > t)
        };
        any_failed |= failed;
        all_met &= met;
    }
    if any_failed {
        "not-supported".into()
    } else if all_met {
        "supported".into()
    } else {
        "inconclusive".into()
    }
}

#[test]
fn every_experiment_runs_quick_with_a_consistent_report() {
    let dir = tempfile::tempdir().unwrap();
    let names = experiment_names(dir.path());
    assert!(!names.is_empty());
    for name in names {
        let out_dir = dir.path().join(&name);
        let out =
            dgnn(&["experiment", &name, "--quick", "--out", out_dir.to_str().unwrap()], dir.path());
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        let result: Value =
            serde_json::from_str(&std::fs::read_to_string(out_dir.join("result.json")).unwrap())
                .unwrap();
        let figures = &result["figures"];
        let estimates = figures["estimates"].as_object().unwrap();
        for (quantity, interval) in estimates {
            let (e, low, high) = (
                interval["estimate"].as_f64().unwrap(),
                interval["low"].as_f64().unwrap(),
                interval["high"].as_f64().unwrap(),
            );
            // A percentile interval need not contain the estimate in general; for these means
            // (or means of logs) over seeds the observed mean sits well inside the middle 95 %
            // of the resampled means, so an estimate outside would mean mislabelled fields.
            assert!(
                low <= e + 1e-12 && e <= high + 1e-12,
                "{name}: {quantity} {e} ∉ [{low}, {high}]"
            );
        }
        let rules = result["config"]["common"]["rules"].as_array().unwrap();
        let decisions = figures["decisions"].as_array().unwrap();
        assert_eq!(rules.len(), decisions.len());
        let report = std::fs::read_to_string(out_dir.join("report.md")).unwrap();
        for (rule, decision) in rules.iter().zip(decisions) {
            let conditions = rule["conditions"].as_array().unwrap();
            let expected = expected_verdict(conditions, estimates);
            assert_eq!(decision["verdict"].as_str().unwrap(), expected, "{name}: {rule}");
            let claim = rule["claim"].as_str().unwrap();
            assert!(report.contains(claim), "{name}: the report does not state `{claim}`");
        }
        for section in ["## Question and design", "## Decision rules", "## Results", "## Verdicts"]
        {
            assert!(report.contains(section), "{name}: report.md lacks {section}");
        }
        let items = std::fs::read_dir(out_dir.join("items")).unwrap().count();
        let rows = std::fs::read_to_string(out_dir.join("results.csv")).unwrap().lines().count();
        assert_eq!(rows, items + 1, "{name}: one row per item plus the header");
        for entry in std::fs::read_dir(&out_dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "svg") {
                assert!(path.with_extension("png").exists(), "{name}: {path:?} has no PNG twin");
            }
        }
    }
}

#[test]
fn bad_requests_are_refused_before_any_folder_exists() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("run");
    let out = out_dir.to_str().unwrap();
    let unknown = dgnn(&["experiment", "no-such-experiment", "--out", out], dir.path());
    assert!(!unknown.status.success());
    assert!(stderr(&unknown).contains("unknown experiment"), "{}", stderr(&unknown));
    let names = experiment_names(dir.path());
    let name = names[0].as_str();
    let one_seed = dgnn(&["experiment", name, "--quick", "--seeds", "1", "--out", out], dir.path());
    assert!(stderr(&one_seed).contains("at least 2 seeds"), "{}", stderr(&one_seed));
    // A rule naming a quantity the experiment does not estimate.
    let example = stdout(&dgnn(&["experiment", "--example", name], dir.path()));
    let first_quantity = example
        .split("quantity: \"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_string();
    let config = dir.path().join("bad.ron");
    std::fs::write(&config, example.replace(&first_quantity, "no_such_quantity")).unwrap();
    let unknown_quantity =
        dgnn(&["experiment", name, config.to_str().unwrap(), "--out", out], dir.path());
    assert!(stderr(&unknown_quantity).contains("unknown quantity `no_such_quantity`"));
    assert!(!out_dir.exists(), "a refused request left a folder behind");
}

#[test]
fn every_example_config_parses_and_passes_its_checks() {
    // `--seeds 1` makes the run fail on the seeds check, after the example was parsed and every
    // other field checked, so nothing runs.
    let dir = tempfile::tempdir().unwrap();
    for name in experiment_names(dir.path()) {
        let example = stdout(&dgnn(&["experiment", "--example", &name], dir.path()));
        let config = dir.path().join(format!("{name}.ron"));
        std::fs::write(&config, example).unwrap();
        let out = dgnn(
            &["experiment", &name, config.to_str().unwrap(), "--seeds", "1", "--out", "x"],
            dir.path(),
        );
        assert!(stderr(&out).contains("at least 2 seeds"), "{name}: {}", stderr(&out));
    }
}
