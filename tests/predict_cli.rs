//! End-to-end tests of `dgnn predict` (issue 14): a front member of a search classifies a CSV
//! table whose columns are shuffled, consistently with its own files; a table that does not
//! fit the network is refused before any folder exists.

mod common;

use common::{dgnn, stderr};
use dgnn_glia::Dataset;
use std::path::Path;

/// A small search on the bundled WDBC (population 8, 3 generations).
const SMALL: &str = "(
    seed: 3,
    space: (neurons: (1, 10), astrocytes: (iterations: (2, 4))),
    estimation: (training: (epochs: 20), low_fidelity: (epochs: 4, subset: 0.5)),
    evolution: (population: 8, generations: 3),
)";

/// WDBC as a CSV table: the label first, then the features in reverse order.
fn wdbc_csv(dir: &Path) -> Dataset {
    let data = Dataset::builtin("wdbc").unwrap();
    let names = data.feature_names();
    let mut text = String::from("diagnosis");
    for name in names.iter().rev() {
        text += &format!(",{name}");
    }
    text.push('\n');
    for i in 0..data.len() {
        text += &data.class_names()[data.labels()[i]];
        for x in data.row(i).iter().rev() {
            text += &format!(",{x}");
        }
        text.push('\n');
    }
    std::fs::write(dir.join("wdbc.csv"), text).unwrap();
    data
}

#[test]
fn a_front_member_predicts_a_table_consistently() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("small.ron"), SMALL).unwrap();
    let search = dgnn(&["search", "small.ron", "--out", "run"], dir.path());
    assert!(search.status.success(), "{}", stderr(&search));
    let data = wdbc_csv(dir.path());
    let model = "run/models/front-00.ron";
    let args =
        ["predict", model, "--data", "wdbc.csv", "--label", "diagnosis", "--out", "predicted"];
    let out = dgnn(&args, dir.path());
    assert!(out.status.success(), "{}", stderr(&out));

    let rows = std::fs::read_to_string(dir.path().join("predicted/predictions.csv")).unwrap();
    let mut lines = rows.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(header[..4], ["line", "context", "predicted", "label"]);
    let classes = data.class_names().len();
    assert_eq!(header.len(), 4 + classes);
    let mut right = 0;
    let mut count = 0;
    for (i, line) in lines.enumerate() {
        let fields: Vec<&str> = line.split(',').collect();
        // Lines are numbered from the header (line 1).
        assert_eq!(fields[0], (i + 2).to_string());
        assert_eq!(fields[3], data.class_names()[data.labels()[i]]);
        let p: Vec<f64> = fields[4..].iter().map(|x| x.parse().unwrap()).collect();
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-9, "{line}");
        // The predicted class is the most probable one.
        let best = (0..classes).max_by(|&a, &b| p[a].total_cmp(&p[b])).unwrap();
        assert_eq!(fields[2], data.class_names()[best]);
        right += usize::from(fields[2] == fields[3]);
        count += 1;
    }
    assert_eq!(count, data.len());

    let result: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("predicted/result.json")).unwrap(),
    )
    .unwrap();
    let figures = &result["figures"];
    assert_eq!(figures["samples"], data.len());
    let accuracy = figures["evaluation"]["accuracy"].as_f64().unwrap();
    assert!((accuracy - right as f64 / count as f64).abs() < 1e-12);
    // A front member of the search is far better than chance on its own data.
    assert!(accuracy > 0.85, "{accuracy}");
    assert!(figures["atp_per_inference"].as_f64().unwrap() > 0.0);

    // Without labels: the same predictions, no evaluation.
    let labelled = std::fs::read_to_string(dir.path().join("wdbc.csv")).unwrap();
    let unlabelled: String =
        labelled.lines().map(|l| l.split_once(',').unwrap().1.to_string() + "\n").collect();
    std::fs::write(dir.path().join("blind.csv"), unlabelled).unwrap();
    let out = dgnn(&["predict", model, "--data", "blind.csv", "--out", "blind"], dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let blind = std::fs::read_to_string(dir.path().join("blind/predictions.csv")).unwrap();
    let predicted = |text: &str, column: usize| -> Vec<String> {
        text.lines().skip(1).map(|l| l.split(',').nth(column).unwrap().to_string()).collect()
    };
    assert_eq!(predicted(&blind, 2), predicted(&rows, 2));
}

#[test]
fn a_table_that_does_not_fit_the_network_is_refused_before_any_folder() {
    let dir = tempfile::tempdir().unwrap();
    let train = dgnn(&["train", "--dataset", "iris", "--out", "trained"], dir.path());
    assert!(train.status.success(), "{}", stderr(&train));
    // A feature column missing.
    std::fs::write(dir.path().join("short.csv"), "sepal length (cm),sepal width (cm)\n5.1,3.5\n")
        .unwrap();
    let out = dgnn(
        &["predict", "trained/model.ron", "--data", "short.csv", "--out", "never"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let message = stderr(&out);
    assert!(message.contains("short.csv") && message.contains("petal"), "{message}");
    assert!(!dir.path().join("never").exists());
    // A model file that is not a model.
    std::fs::write(dir.path().join("bad.ron"), "(nothing: 1)").unwrap();
    let out = dgnn(&["predict", "bad.ron", "--data", "short.csv", "--out", "never"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("bad.ron"), "{}", stderr(&out));
    assert!(!dir.path().join("never").exists());
}
