//! Saving and loading trained networks as RON model files.
//!
//! A model file is `(format: "dgnn-glia-model", version: N, model: …)`. Loading checks the format
//! tag and the version before anything else, so a file from another tool or another version is
//! refused with a clear message instead of a parse error deep inside; then it parses the model,
//! whose network is checked as it is read ([`crate::Network`]), and checks that its
//! architecture, standardiser and names fit (a truncated or edited file is refused).

use crate::GliaError;
use crate::trained::TrainedNetwork;
use dgnn_core::Validate;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The format tag of a model file.
pub const MODEL_FORMAT: &str = "dgnn-glia-model";
/// The model-file version this build writes and reads.
pub const MODEL_VERSION: u32 = 1;

#[derive(Serialize)]
struct ModelFileRef<'a> {
    format: &'a str,
    version: u32,
    model: &'a TrainedNetwork,
}

#[derive(Deserialize)]
struct ModelFile {
    format: String,
    version: u32,
    model: TrainedNetwork,
}

/// Only the header of a model file (any other fields are ignored).
#[derive(Deserialize)]
struct Header {
    format: String,
    version: u32,
}

impl TrainedNetwork {
    /// The model as RON text.
    pub fn to_ron(&self) -> Result<String, GliaError> {
        let file = ModelFileRef { format: MODEL_FORMAT, version: MODEL_VERSION, model: self };
        ron::ser::to_string_pretty(&file, ron::ser::PrettyConfig::default()).map_err(|e| {
            GliaError::ModelFile {
                path: "<memory>".into(),
                problem: format!("cannot serialise: {e}"),
            }
        })
    }

    /// Writes the model to `path` (atomically).
    pub fn save(&self, path: &Path) -> Result<(), GliaError> {
        let text = self.to_ron()?;
        dgnn_core::atomic_write(path, text.as_bytes())
            .map_err(|e| GliaError::ModelFile { path: path.into(), problem: e.to_string() })
    }

    /// Reads a model written by [`Self::save`].
    pub fn load(path: &Path) -> Result<Self, GliaError> {
        let text = std::fs::read_to_string(path).map_err(|source| GliaError::Io {
            action: "read",
            path: path.into(),
            source,
        })?;
        Self::from_ron(&text).map_err(|problem| GliaError::ModelFile { path: path.into(), problem })
    }

    /// Parses model-file text; the error says why it was refused.
    pub fn from_ron(text: &str) -> Result<Self, String> {
        let header: Header = ron::from_str(text).map_err(|e| {
            format!("not a dgnn model file, or truncated ({e}); write one with `dgnn train`")
        })?;
        if header.format != MODEL_FORMAT {
            return Err(format!("format is `{}`, not `{MODEL_FORMAT}`", header.format));
        }
        if header.version != MODEL_VERSION {
            return Err(format!(
                "written as model version {}, this dgnn reads version {MODEL_VERSION}: retrain \
                 the model with this dgnn (or use the dgnn that wrote it)",
                header.version
            ));
        }
        let file: ModelFile =
            ron::from_str(text).map_err(|e| format!("damaged or truncated model ({e})"))?;
        debug_assert_eq!((file.format.as_str(), file.version), (MODEL_FORMAT, MODEL_VERSION));
        let model = file.model;
        model.architecture.validate().map_err(|e| format!("its architecture is invalid: {e}"))?;
        if model.standardizer.mean.len() != model.network.inputs()
            || model.standardizer.scale.len() != model.network.inputs()
            || model.feature_names.len() != model.network.inputs()
            || model.class_names.len() != model.network.classes()
        {
            return Err("its standardiser, feature or class names do not fit the network".into());
        }
        Ok(model)
    }
}

#[cfg(test)]
mod tests {
    use crate::{Architecture, Dataset, TrainConfig, TrainedNetwork, train};
    use dgnn_core::{NoProgress, ParamGuard, Seed};

    fn small_model() -> TrainedNetwork {
        let data = Dataset::builtin("iris").unwrap();
        let arch = Architecture::plain(&[4]).check().unwrap();
        let config = TrainConfig { epochs: 2, ..TrainConfig::default() }.check().unwrap();
        train(&arch, &data, &config, Seed(1), &NoProgress).unwrap()
    }

    #[test]
    fn round_trip_is_exact() {
        let model = small_model();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("model.ron");
        model.save(&path).unwrap();
        let back = TrainedNetwork::load(&path).unwrap();
        assert_eq!(back, model, "RON keeps every f64 bit");
    }

    #[test]
    fn foreign_old_and_truncated_files_are_refused() {
        let text = small_model().to_ron().unwrap();
        let truncated = &text[..text.len() / 2];
        assert!(TrainedNetwork::from_ron(truncated).unwrap_err().contains("truncated"));
        let old = text.replacen("version: 1", "version: 0", 1);
        assert!(TrainedNetwork::from_ron(&old).unwrap_err().contains("model version 0"));
        let foreign = text.replacen("dgnn-glia-model", "something-else", 1);
        assert!(TrainedNetwork::from_ron(&foreign).unwrap_err().contains("something-else"));
        assert!(TrainedNetwork::from_ron("(tool: \"dgnn\")").is_err());
        let inconsistent = text.replacen("inputs: 4", "inputs: 5", 1);
        assert!(TrainedNetwork::from_ron(&inconsistent).unwrap_err().contains("inconsistent"));
    }
}
