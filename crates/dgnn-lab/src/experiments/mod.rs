//! The experiments, one module each (see [`crate::catalogue`] for the list by name).

pub mod energy_information;
pub mod glia_ratio;
pub mod multitask;
pub mod phase_weight;

use crate::LabError;
use dgnn_core::ParamError;

/// The bundled data sets an experiment may name.
pub const BUNDLED: [&str; 4] = ["iris", "wine", "wdbc", "digits"];

/// Checks that every name in `datasets` (the config field `field`) is a bundled data set.
pub(crate) fn check_bundled(field: &str, datasets: &[String]) -> Result<(), LabError> {
    for (i, name) in datasets.iter().enumerate() {
        if !BUNDLED.contains(&name.as_str()) {
            return Err(ParamError::new(
                format!("{field}[{i}]"),
                name,
                format!("must be a bundled data set: {}", BUNDLED.join(", ")),
            )
            .into());
        }
    }
    Ok(())
}
