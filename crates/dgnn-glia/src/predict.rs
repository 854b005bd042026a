//! Predictions of a trained network on a table of new samples ([`TrainedNetwork::predict_table`]):
//! the most probable class and the class probabilities of every sample, the energy of one
//! inference on these samples, and — when the table holds true labels — the accuracy, the
//! information `I(Y; Ŷ)` and the rest of an [`Evaluation`]. `dgnn predict` writes them out.
//!
//! The table is read against the network ([`crate::data::inference`]), so a table whose
//! features do not match the network's is refused before anything runs. One forward pass over
//! the table gives everything: probabilities, activity (hence energy) and, with labels, the
//! confusion matrix.

use crate::GliaError;
use crate::data::inference::{Expected, InferenceTable, TableColumns};
use crate::energy::{EnergyBreakdown, EnergyModel};
use crate::trained::{
    Evaluation, TrainedNetwork, argmax, check_fit, confusion, cross_entropy, infer_with_activity,
};
use dgnn_core::{Atp, Joules};
use std::path::Path;

/// What a network predicts for a table, and what it costs.
#[derive(Debug, Clone, PartialEq)]
pub struct Predictions {
    /// The most probable class of every sample, in table order.
    pub predicted: Vec<usize>,
    /// Class probabilities, row-major `samples × classes`.
    pub probabilities: Vec<f64>,
    /// The true classes, when the table had a label column.
    pub labels: Option<Vec<usize>>,
    /// The context (task) of every sample (all 0 for a network serving one).
    pub contexts: Vec<usize>,
    /// The 1-based line of every sample in its file (empty for an in-memory table).
    pub lines: Vec<usize>,
    /// Energy of one inference on these samples, itemised.
    pub energy: EnergyBreakdown,
    /// Its total.
    pub energy_per_inference: Joules,
    /// The same as an ATP count.
    pub atp_per_inference: Atp,
    /// Accuracy, information and the rest, when the table had labels.
    pub evaluation: Option<Evaluation>,
}

impl TrainedNetwork {
    /// What the network expects of a table: its features, classes and contexts.
    #[must_use]
    pub fn expected_table(&self) -> Expected<'_> {
        Expected {
            features: &self.feature_names,
            classes: &self.class_names,
            contexts: self.network.contexts(),
        }
    }

    /// Reads the CSV file at `path` for this network and predicts it
    /// ([`TrainedNetwork::predict_table`]).
    ///
    /// # Errors
    /// The table's refusal ([`InferenceTable::read`]), or a network that cannot run on it.
    pub fn predict_file(
        &self,
        path: &Path,
        columns: &TableColumns,
        energy: &dyn EnergyModel,
    ) -> Result<Predictions, GliaError> {
        let table = InferenceTable::read(path, columns, self.expected_table())?;
        self.predict_table(&table, energy)
    }

    /// Predicts every sample of `table` (raw features; standardised here) in one forward pass,
    /// with the energy of one inference under `energy` and, for a labelled table, its
    /// [`Evaluation`].
    ///
    /// # Errors
    /// [`GliaError::Shape`] or [`GliaError::Data`] when `table` was not read for this network.
    pub fn predict_table(
        &self,
        table: &InferenceTable,
        energy: &dyn EnergyModel,
    ) -> Result<Predictions, GliaError> {
        check_fit(&self.network, &table.data)?;
        let scaled = self.standardizer.apply(&table.data)?;
        let (probabilities, activity) = infer_with_activity(&self.network, &scaled);
        let classes = self.network.classes();
        let predicted: Vec<usize> = probabilities.chunks_exact(classes).map(argmax).collect();
        let breakdown = energy.account(&activity);
        let (joules, atp) = (breakdown.total(), breakdown.total_atp());
        let evaluation = table.labelled.then(|| {
            let confusion = confusion(&scaled, &probabilities, classes);
            let info = confusion.mutual_information();
            let per = |x: f64| if x > 0.0 { info.value() / x } else { 0.0 };
            Evaluation {
                samples: scaled.len(),
                accuracy: confusion.accuracy(),
                mutual_information: info,
                label_entropy: confusion.label_entropy(),
                cross_entropy: cross_entropy(&scaled, &probabilities, classes),
                confusion,
                activity: activity.clone(),
                energy: breakdown.clone(),
                energy_per_inference: joules,
                atp_per_inference: atp,
                bits_per_joule: per(joules.value()),
                bits_per_atp: per(atp.value()),
            }
        });
        Ok(Predictions {
            predicted,
            probabilities,
            labels: table.labelled.then(|| table.data.labels().to_vec()),
            contexts: (0..table.data.len()).map(|i| table.data.context(i)).collect(),
            lines: table.lines.clone(),
            energy: breakdown,
            energy_per_inference: joules,
            atp_per_inference: atp,
            evaluation,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::LabelColumn;
    use crate::energy::BiologicalEnergy;
    use crate::train::{TrainConfig, train};
    use crate::{Architecture, Dataset};
    use dgnn_core::{NoProgress, ParamGuard, Seed};

    #[test]
    fn a_table_of_training_rows_predicts_as_the_network_does() {
        // The table is iris itself written as CSV with shuffled columns: the predictions equal
        // the network's own on the data set, and the evaluation equals `evaluate`'s.
        let data = Dataset::builtin("iris").unwrap();
        let arch = Architecture::plain(&[6]).check().unwrap();
        let config = TrainConfig { epochs: 30, ..TrainConfig::default() }.check().unwrap();
        let net = train(&arch, &data, &config, Seed(2), &NoProgress).unwrap();
        let names = data.feature_names();
        let mut text = format!("species,{},{},{},{}\n", names[3], names[1], names[0], names[2]);
        for i in 0..data.len() {
            let x = data.row(i);
            let label = &data.class_names()[data.labels()[i]];
            text += &format!("{label},{},{},{},{}\n", x[3], x[1], x[0], x[2]);
        }
        let columns = TableColumns {
            label: Some(LabelColumn::Name("species".into())),
            ..TableColumns::default()
        };
        let table =
            InferenceTable::from_text(&text, "iris", &columns, net.expected_table()).unwrap();
        let energy = BiologicalEnergy::default().check().unwrap();
        let predictions = net.predict_table(&table, &energy).unwrap();
        assert_eq!(predictions.predicted, net.predict(&data).unwrap());
        let evaluation = net.evaluate(&data, &energy).unwrap();
        assert_eq!(predictions.evaluation.as_ref(), Some(&evaluation));
        assert_eq!(predictions.atp_per_inference, evaluation.atp_per_inference);
        // Without labels: the same predictions and energy, no evaluation.
        let unlabelled: String = text
            .lines()
            .map(|l| l.split_once(',').map_or(l, |(_, rest)| rest).to_string() + "\n")
            .collect();
        let table = InferenceTable::from_text(
            &unlabelled,
            "iris",
            &TableColumns::default(),
            net.expected_table(),
        )
        .unwrap();
        let blind = net.predict_table(&table, &energy).unwrap();
        assert_eq!(blind.predicted, predictions.predicted);
        assert_eq!(blind.energy_per_inference, predictions.energy_per_inference);
        assert!(blind.evaluation.is_none() && blind.labels.is_none());
    }
}
