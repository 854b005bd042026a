//! W6 `nas-digits` (docs/benchmarks.md): the default `dgnn search` on the bundled digits data
//! (1797 8 × 8 images, 10 classes) with a fixed seed and budget, end to end
//! ([`super::nas_search`] times and reports it): the harder search, whose time the speed work
//! of the main job is measured on. The plain MLP of the comparison is 64-16-10.

pub use super::nas_search::Params;

/// Runs the workload and returns its JSON record.
pub fn run(params: &Params) -> anyhow::Result<serde_json::Value> {
    super::nas_search::run("nas-digits", "digits", params)
}
