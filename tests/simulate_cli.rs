//! End-to-end tests of `dgnn simulate`: examples, result folders, the science in the figures,
//! bad input (one-line errors naming the field, exit code ≠ 0, no folder left behind), and
//! integrations that cannot be trusted (issue 14: refused before running, or at the end).

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

/// The hkb example (an ensemble of `Hkb(a: 1.0, b: 0.5)`, dt = 0.01) with one replacement.
fn hkb_example_with(dir: &std::path::Path, from: &str, to: &str) -> String {
    let out = dgnn(&["simulate", "--example", "hkb"], dir);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains(from), "{from}");
    text.replacen(from, to, 1).replace("trajectories: 20000", "trajectories: 2000")
}

#[test]
fn untrustworthy_integrations_are_refused_with_the_numbers() {
    // Issue 14, items 1 and 2: `Hkb(a: 1e308)` hung (the plot's padding overflowed); `dt: 1e300`
    // and `Hkb(a: 1e3)` at dt = 0.01 reported garbage with status 0. Each is now refused before
    // any folder exists, in one line naming the field, within seconds.
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "Hkb(a: 1.0, b: 0.5)",
            "Hkb(a: 1e308, b: 0.5)",
            &["ensemble.potential", "floating-point range"],
        ),
        ("Hkb(a: 1.0, b: 0.5)", "Hkb(a: 1.0, b: 1e308)", &["ensemble.potential"]),
        // dt · max|U″| = 1e300 · 3 (U″ = cos φ + 2 cos 2φ peaks at φ = 0).
        ("dt: 0.01,", "dt: 1e300,", &["ensemble.dt` = 1e300", "3.0000e300 > 2", "use dt ≤ 6e-2"]),
        // max|U″| = 1000 + 2 = 1002: 10.02 > 2; a tenth of 2/1002, rounded down: 1e-4.
        (
            "Hkb(a: 1.0, b: 0.5)",
            "Hkb(a: 1e3, b: 0.5)",
            &["ensemble.dt", "1.0020e1 > 2", "use dt ≤ 1e-4"],
        ),
    ];
    for (from, to, needles) in cases {
        std::fs::write(dir.path().join("bad.ron"), hkb_example_with(dir.path(), from, to)).unwrap();
        let started = std::time::Instant::now();
        let out = dgnn(&["simulate", "bad.ron", "--out", "never"], dir.path());
        assert!(started.elapsed().as_secs() < 30, "{to} took {:?}", started.elapsed());
        assert_eq!(out.status.code(), Some(1), "{to}: {}", stderr(&out));
        let err = stderr(&out);
        assert_eq!(err.trim_end().lines().count(), 1, "{to}: {err}");
        for needle in *needles {
            assert!(err.contains(needle), "{to}: `{needle}` missing from {err}");
        }
        assert!(!dir.path().join("never").exists(), "{to} left a folder");
    }
    // The suggested step runs, and gives the exact mean frequency of an untilted landscape, 0,
    // within 4.5 standard errors (at dt = 0.01 it was reported as 16.96).
    let good = hkb_example_with(dir.path(), "Hkb(a: 1.0, b: 0.5)", "Hkb(a: 1e3, b: 0.5)")
        .replace("dt: 0.01,", "dt: 1e-4,")
        .replace("steps: 10000,", "steps: 4000,");
    std::fs::write(dir.path().join("good.ron"), good).unwrap();
    let out = dgnn(&["simulate", "good.ron", "--out", "good"], dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let result: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("good/result.json")).unwrap(),
    )
    .unwrap();
    let figures = &result["figures"];
    let mean = figures["mean_frequency_simulated"].as_f64().unwrap();
    let error = figures["mean_frequency_standard_error"].as_f64().unwrap();
    assert!(mean.abs() <= 4.5 * error, "{mean} ± {error}");
    // A result that leaves the finite numbers at the end is refused naming the first such figure
    // (a detuning of 1e300 has no finite stationary density), and no result.json claims it.
    let tilted = SMALL_ENSEMBLE
        .replace("detuning: 0.4", "detuning: 1e300")
        .replace("steps: 6000", "steps: 100");
    std::fs::write(dir.path().join("tilted.ron"), tilted).unwrap();
    let out = dgnn(&["simulate", "tilted.ron", "--out", "tilted"], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("non-finite result: l1_hist_vs_exact = NaN"), "{}", stderr(&out));
    assert!(!dir.path().join("tilted/result.json").exists());
    // Networks: a mean-field coupling too strong for the step (2K(N − 1)/N · max|H′| · dt =
    // 2 · 100 · 2/3 · 1 · 0.05 = 6.7 > 2.785 for RK4 without noise).
    let network = "(model: Network(frequencies: Values([0.0, 0.1, 0.2]), coupling: MeanField(strength: 100.0),
        pair: (a: 1.0, b: 0.0), noise: 0.0, dt: 0.05, steps: 10))";
    std::fs::write(dir.path().join("net.ron"), network).unwrap();
    let out = dgnn(&["simulate", "net.ron", "--out", "never"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("network.dt") && stderr(&out).contains("> 2.785"),
        "{}",
        stderr(&out)
    );
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
