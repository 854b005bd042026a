//! `dgnn predict MODEL --data FILE.csv [--label COL] [--context COL] [--energy biological|hardware]
//! [--out DIR]`: a trained network (a `model.ron` of `dgnn train`, or a front member of `dgnn
//! search`'s `models/`) classifies the rows of a CSV table.
//!
//! The table is read against the network (dgnn-glia's `InferenceTable`): features by header
//! name in any order (or, without a header, exactly the network's columns), labels by class
//! name, contexts numbered as in training; a table that does not fit is refused before
//! anything is written. The folder holds `predictions.csv` (line, context, predicted class, the
//! true class when labelled, one probability per class), `result.json`/`result.ron` (the
//! energy of one inference in joules and ATP, itemised, and with labels the accuracy, the
//! information `I(Y; Ŷ)` and the confusion matrix) and `config.ron`.

use crate::output::{RunFolder, VERSION};
use anyhow::Context;
use dgnn_core::Envelope;
use dgnn_glia::data::inference::TableColumns;
use dgnn_glia::{
    BiologicalEnergy, EnergyModel, HardwareEnergy, LabelColumn, ParamGuard, Predictions,
    TrainedNetwork,
};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Arguments of `dgnn predict`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The trained network: `model.ron` of `dgnn train`, or `models/front-NN.ron` of a search.
    pub model: PathBuf,
    /// The CSV table of samples to classify.
    #[arg(long)]
    pub data: PathBuf,
    /// The column of true labels, if the table has one (a name or a 0-based index): adds the
    /// accuracy, the information and the confusion matrix.
    #[arg(long)]
    pub label: Option<String>,
    /// The column of context (task) ids, for a network trained on several contexts.
    #[arg(long)]
    pub context: Option<String>,
    /// The energy model of the energy per inference.
    #[arg(long, value_enum, default_value_t = EnergyName::Biological)]
    pub energy: EnergyName,
    /// Result folder (default: `runs/predict-N`).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// The energy models `--energy` names (each with its default parameters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum EnergyName {
    /// ATP per spike, synapse and glial process (dgnn-glia's `BiologicalEnergy`).
    Biological,
    /// Joules of 45 nm arithmetic and memory (dgnn-glia's `HardwareEnergy`).
    Hardware,
}

/// What `config.ron` and the envelope record of a prediction.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct PredictConfig {
    model: PathBuf,
    data: PathBuf,
    label: Option<String>,
    context: Option<String>,
    energy: EnergyName,
}

/// The figures of `result.json`.
#[derive(Debug, Serialize)]
struct Figures<'a> {
    samples: usize,
    classes: &'a [String],
    energy_per_inference_joules: f64,
    atp_per_inference: f64,
    energy: &'a dgnn_glia::EnergyBreakdown,
    /// With labels: accuracy, information, confusion matrix.
    evaluation: Option<&'a dgnn_glia::Evaluation>,
}

/// A column given as a 0-based index or a name.
fn column(text: &str) -> LabelColumn {
    text.parse::<usize>().map_or_else(|_| LabelColumn::Name(text.into()), LabelColumn::Index)
}

/// Runs `dgnn predict`.
///
/// # Errors
/// An unreadable model, a table that does not fit it, or an unwritable folder.
pub fn run(args: Args) -> anyhow::Result<()> {
    let network = TrainedNetwork::load(&args.model)
        .with_context(|| format!("reading the model {}", args.model.display()))?;
    let columns = TableColumns {
        header: None,
        label: args.label.as_deref().map(column),
        context: args.context.as_deref().map(column),
    };
    let energy: Box<dyn EnergyModel> = match args.energy {
        EnergyName::Biological => Box::new(BiologicalEnergy::default().check()?),
        EnergyName::Hardware => Box::new(HardwareEnergy::default().check()?),
    };
    let predictions = network
        .predict_file(&args.data, &columns, energy.as_ref())
        .with_context(|| format!("predicting {}", args.data.display()))?;
    let folder = RunFolder::create_or_default(args.out.as_deref(), "predict")?;
    let config = PredictConfig {
        model: args.model.clone(),
        data: args.data.clone(),
        label: args.label.clone(),
        context: args.context.clone(),
        energy: args.energy,
    };
    crate::config::write_ron_file(&folder.file("config.ron"), &config)?;
    write_predictions(&folder.file("predictions.csv"), &predictions, &network.class_names)?;
    let figures = Figures {
        samples: predictions.predicted.len(),
        classes: &network.class_names,
        energy_per_inference_joules: predictions.energy_per_inference.value(),
        atp_per_inference: predictions.atp_per_inference.value(),
        energy: &predictions.energy,
        evaluation: predictions.evaluation.as_ref(),
    };
    folder.write_envelope(&Envelope::new("predict", VERSION, None, &config, &figures))?;
    println!(
        "{} samples; energy per inference {:.3e} J ({:.3e} ATP)",
        figures.samples, figures.energy_per_inference_joules, figures.atp_per_inference
    );
    if let Some(evaluation) = &predictions.evaluation {
        println!(
            "accuracy {:.4}, information {:.4} of {:.4} bits",
            evaluation.accuracy,
            evaluation.mutual_information.value(),
            evaluation.label_entropy.value()
        );
    }
    println!("results in {}", folder.path().display());
    Ok(())
}

/// `predictions.csv`: line, context, predicted class (and the true one), probabilities.
fn write_predictions(
    path: &std::path::Path,
    predictions: &Predictions,
    classes: &[String],
) -> anyhow::Result<()> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["line".to_string(), "context".into(), "predicted".into()];
    if predictions.labels.is_some() {
        header.push("label".into());
    }
    header.extend(classes.iter().map(|c| format!("p_{c}")));
    writer.write_record(&header)?;
    let width = classes.len();
    for (i, &class) in predictions.predicted.iter().enumerate() {
        let mut row = vec![
            predictions.lines.get(i).map_or_else(String::new, ToString::to_string),
            predictions.contexts[i].to_string(),
            classes[class].clone(),
        ];
        if let Some(labels) = &predictions.labels {
            row.push(classes[labels[i]].clone());
        }
        row.extend(
            predictions.probabilities[i * width..(i + 1) * width].iter().map(f64::to_string),
        );
        writer.write_record(&row)?;
    }
    let bytes = writer.into_inner().context("writing predictions.csv")?;
    dgnn_core::atomic_write(path, &bytes)?;
    Ok(())
}
