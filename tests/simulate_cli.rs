//! End-to-end tests of `dgnn simulate`: examples, result folders, the science in the figures,
//! and bad input (one-line errors naming the field, exit code ≠ 0, no folder left behind).

mod common;

use common::{dgnn, stderr};

const SMALL_ENSEMBLE: &str = "(
    seed: 5,
    model: Ensemble(
        potential: Tilted(a: 1.0, b: 0.5, detuning: 0.4),
        q: 0.5, dt: 0.01, steps: 6000, trajectories: 4000, bins: 32,
    ),
)";

#[test]
fn every_example_prints_and_unknown_ones_fail() {
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "hkb",
        "extended-hkb",
        "kuramoto",
        "kuramoto-gaussian",
        "network",
        "single",
        "attractor-map",
        "plastic-hysteresis",
    ] {
        let out = dgnn(&["simulate", "--example", name], dir.path());
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.starts_with("//") && text.contains("model:"), "{name}");
    }
    let out = dgnn(&["simulate", "--example", "nope"], dir.path());
    assert!(!out.status.success());
    assert!(stderr(&out).contains("choose one of"));
}

#[test]
fn an_ensemble_writes_a_result_folder_whose_density_matches_the_exact_one() {
    // The tilted HKB (δω = 0.4) at t = 60 from a uniform start: the histogram against the exact
    // flux density must lie within floor + 4·spread of a perfect sampler of 4000 values, and the
    // mean frequency over the second half within 4 standard errors of 2πJ (plus the O(dt)
    // Euler–Maruyama bias, ≈ 1% of the frequency).
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("c.ron"), SMALL_ENSEMBLE).unwrap();
    let out = dgnn(&["simulate", "c.ron", "--out", "run"], dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let run = dir.path().join("run");
    for file in [
        "result.json",
        "result.ron",
        "config.ron",
        "density.csv",
        "density.svg",
        "density.png",
        "landscape.png",
    ] {
        assert!(run.join(file).exists(), "{file}");
    }
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.join("result.json")).unwrap()).unwrap();
    assert_eq!(json["command"], "simulate");
    assert_eq!(json["seed"], 5);
    let f = &json["figures"];
    let l1 = f["l1_hist_vs_exact"].as_f64().unwrap();
    let floor = f["l1_expected_sampling_floor"].as_f64().unwrap();
    let spread = f["l1_expected_sampling_spread"].as_f64().unwrap();
    assert!(l1 < floor + 4.0 * spread, "L1 {l1} vs {floor} ± {spread}");
    let (sim, se, exact) = (
        f["mean_frequency_simulated"].as_f64().unwrap(),
        f["mean_frequency_standard_error"].as_f64().unwrap(),
        f["mean_frequency_exact"].as_f64().unwrap(),
    );
    assert!((sim - exact).abs() < 4.0 * se + 0.01 * exact.abs(), "{sim} ± {se} vs {exact}");
    // The saved config re-runs to the same figures (same seed, same streams).
    let again = dgnn(&["simulate", "run/config.ron", "--out", "run2"], dir.path());
    assert!(again.status.success(), "{}", stderr(&again));
    let json2: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("run2/result.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(json["figures"], json2["figures"]);
    // A folder that holds results is never reused.
    let out = dgnn(&["simulate", "c.ron", "--out", "run"], dir.path());
    assert!(!out.status.success());
    assert!(stderr(&out).contains("not empty"));
}

/// An example name, text edits that shrink it, and a plot it must write.
type Case = (&'static str, &'static [(&'static str, &'static str)], &'static str);

#[test]
fn network_sweep_single_and_map_examples_run() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [Case; 4] = [
        (
            "kuramoto",
            &[("steps: 2000,", "steps: 200,"), ("average: 500,", "average: 50,")],
            "r_by_k.png",
        ),
        ("network", &[("steps: 4000,", "steps: 200,")], "order_parameter.png"),
        ("single", &[("steps: 20000,", "steps: 500,")], "path.png"),
        ("attractor-map", &[("b_count: 101", "b_count: 11")], "attractor_map.png"),
    ];
    for (name, edits, plot) in cases {
        let mut text =
            String::from_utf8(dgnn(&["simulate", "--example", name], dir.path()).stdout).unwrap();
        for (from, to) in edits {
            assert!(text.contains(from), "{name}: {from}");
            text = text.replace(from, to);
        }
        std::fs::write(dir.path().join(format!("{name}.ron")), text).unwrap();
        let out = dgnn(&["simulate", &format!("{name}.ron"), "--out", name], dir.path());
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        assert!(dir.path().join(name).join(plot).exists(), "{name}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("results in"));
    }
}

#[test]
fn bad_input_fails_with_one_line_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&str, &str, &str)] = &[
        ("malformed", "(seed: 1, model: Ensemble(", "reading"),
        ("unknown field", &SMALL_ENSEMBLE.replace("bins: 32,", "bins: 32, colour: 2,"), "colour"),
        ("unknown potential field", &SMALL_ENSEMBLE.replace("detuning: 0.4", "detuning: 0.4, c: 1.0"), "`c`"),
        ("NaN", &SMALL_ENSEMBLE.replace("q: 0.5", "q: NaN"), "ensemble.q"),
        ("infinite", &SMALL_ENSEMBLE.replace("a: 1.0", "a: inf"), "ensemble.potential.a"),
        ("dt = 0", &SMALL_ENSEMBLE.replace("dt: 0.01", "dt: 0.0"), "ensemble.dt"),
        ("dt < 0", &SMALL_ENSEMBLE.replace("dt: 0.01", "dt: -0.01"), "ensemble.dt"),
        ("Q < 0", &SMALL_ENSEMBLE.replace("q: 0.5", "q: -0.5"), "ensemble.q"),
        ("no trajectories", &SMALL_ENSEMBLE.replace("trajectories: 4000", "trajectories: 0"), "ensemble.trajectories"),
        ("no steps", &SMALL_ENSEMBLE.replace("steps: 6000", "steps: 0"), "ensemble.steps"),
        (
            "matrix size",
            "(model: Network(frequencies: Values([0.0, 0.1, 0.2]), coupling: Matrix([0.0, 1.0, 1.0, 0.0]),
              pair: (a: 1.0, b: 0.0), noise: 0.0, dt: 0.05, steps: 10))",
            "network.coupling.matrix",
        ),
        (
            "sra1 with multiplicative noise is fine but a bad scheme name is not",
            &SMALL_ENSEMBLE.replace("bins: 32,", "bins: 32, scheme: Rk9,"),
            "Rk9",
        ),
    ];
    for (what, text, needle) in cases {
        std::fs::write(dir.path().join("bad.ron"), text).unwrap();
        let out = dgnn(&["simulate", "bad.ron", "--out", "never"], dir.path());
        assert!(!out.status.success(), "{what} was accepted");
        assert_eq!(out.status.code(), Some(1), "{what}");
        let err = stderr(&out);
        assert_eq!(err.trim_end().lines().count(), 1, "{what}: {err}");
        assert!(err.starts_with("error:") && err.contains(needle), "{what}: {err}");
        assert!(!dir.path().join("never").exists(), "{what} left a folder");
    }
    let out = dgnn(&["simulate", "missing.ron"], dir.path());
    assert!(!out.status.success() && stderr(&out).contains("missing.ron"));
}

#[test]
fn a_plastic_hysteresis_sweep_finds_both_states_where_theory_allows_them() {
    // A small version of the plastic-hysteresis example (N = 20, t = 200 per coupling): below
    // K_c ≈ 0.16 (Gaussian σ = 0.1 with every weight at its maximum) both branches must be
    // incoherent, at K = 2 the branch from the synchronised start must stay locked (r > 0.8)
    // while the one from the desynchronised start stays incoherent (r < 0.5; the floor
    // sqrt(π/(4N)) is 0.2): the bistability of Chauhan et al. (2022).
    let config = "(
        seed: 3,
        model: PlasticHysteresis(
            frequencies: Gaussian(center: 0.0, sigma: 0.1, count: 20),
            pair: (a: 1.0, b: 0.0),
            noise: 0.01,
            stdp: (rate: 0.02, potentiation: 1.0, depression: 0.5,
                   potentiation_width_rad: 1.0, depression_width_rad: 3.0, max_weight: 1.0),
            structural: (interval: 20.0, prune_below: 0.1, remove_probability: 0.5,
                         add_probability: 0.02, new_weight: 0.2),
            couplings: [0.05, 2.0],
            dt: 0.1, stay_steps: 2000, record_every: 10, scheme: Heun,
            desynchronised_weight: 0.0, synchronised_weight: 1.0,
        ),
    )";
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("h.ron"), config).unwrap();
    let out = dgnn(&["simulate", "h.ron", "--out", "run"], dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let run = dir.path().join("run");
    for file in ["hysteresis.csv", "hysteresis.svg", "hysteresis.png", "weights.png", "config.ron"]
    {
        assert!(run.join(file).exists(), "{file}");
    }
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.join("result.json")).unwrap()).unwrap();
    let f = &json["figures"];
    let r = |branch: &str, i: usize| f[branch][i]["r"].as_f64().unwrap();
    // upward: K = 0.05 then 2; downward: K = 2 then 0.05.
    assert!(r("upward", 0) < 0.5 && r("downward", 1) < 0.5, "K = 0.05: {f}");
    assert!(r("upward", 1) < 0.5 && r("downward", 0) > 0.8, "K = 2: {f}");
    assert_eq!(f["bistable_couplings"], serde_json::json!([2.0]));
    // A bad sweep is refused before any folder is made.
    let bad = config.replace("couplings: [0.05, 2.0]", "couplings: [2.0, 0.05]");
    std::fs::write(dir.path().join("bad.ron"), bad).unwrap();
    let out = dgnn(&["simulate", "bad.ron", "--out", "bad"], dir.path());
    assert!(!out.status.success());
    assert!(stderr(&out).contains("hysteresis.couplings[1]"), "{}", stderr(&out));
    assert!(!dir.path().join("bad").exists());
}

#[test]
fn a_gaussian_kuramoto_sweep_follows_the_self_consistent_root() {
    // sigma instead of half_width: Gaussian quantile frequencies, theory from the
    // self-consistency equation; N = 4000, couplings 2 and 3 (σ = 1, K_c ≈ 1.596): the
    // simulated r within sqrt(π/(4N)) = 0.014 of the theory. Both widths at once are refused.
    let config = "(seed: 1, model: KuramotoSweep(oscillators: 4000, sigma: 1.0, k_min: 2.0,
        k_max: 3.0, k_count: 2, dt: 0.05, steps: 2000, average: 600))";
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("g.ron"), config).unwrap();
    let out = dgnn(&["simulate", "g.ron", "--out", "run"], dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("run/result.json")).unwrap())
            .unwrap();
    let f = &json["figures"];
    assert!((f["k_c"].as_f64().unwrap() - (8.0 / std::f64::consts::PI).sqrt()).abs() < 1e-12);
    for row in f["r_by_k"].as_array().unwrap() {
        let (r, theory) = (row["r"].as_f64().unwrap(), row["r_theory"].as_f64().unwrap());
        assert!((r - theory).abs() < 0.014, "{row}");
    }
    let both = config.replace("sigma: 1.0", "sigma: 1.0, half_width: 0.5");
    std::fs::write(dir.path().join("both.ron"), both).unwrap();
    let out = dgnn(&["simulate", "both.ron", "--out", "both"], dir.path());
    assert!(!out.status.success());
    assert!(stderr(&out).contains("not both"), "{}", stderr(&out));
}
